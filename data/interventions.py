"""Stored interventions ("insatser"): what a municipality or Region Dalarna does, and which
indicators and goals it is meant to move.

Storage only: the functions here read and write the rows of ``interventions``,
``intervention_indicators`` and ``intervention_goals`` and take records that the caller has
already checked (:mod:`indicators.interventions` holds the rules).

Each intervention has a ``version`` that every change raises by one (SQLAlchemy's version
counter; a change of its indicators or goals alone raises it too, as the row's ``updated_at``
and ``updated_by`` change with it). A change or removal names the version the editor's form
was opened with, and one made against another version, or against an intervention removed
since, is refused with :class:`StaleInterventionError` carrying what is stored now. Every
addition, change and removal is logged in ``record_changes`` (:mod:`data.changes`, record type
:data:`RECORD_INTERVENTION`) in the same transaction, with the editor's name.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from data.changes import (
    ACTION_ADD,
    ACTION_CHANGE,
    ACTION_REMOVE,
    ChangeRecord,
    StaleRecordError,
    list_changes,
    log_change,
)
from data.models import (
    INTERVENTION_STATUSES,
    Intervention,
    InterventionGoal,
    InterventionIndicator,
    RecordChange,
    utcnow,
)

log = logging.getLogger(__name__)

#: The record type of interventions in ``record_changes``.
RECORD_INTERVENTION = "intervention"
#: The statuses an intervention may have, in the order it runs through them.
STATUSES: tuple[str, ...] = INTERVENTION_STATUSES
#: The largest intervention id (the id column is a 32-bit integer on PostgreSQL).
MAX_INTERVENTION_ID = 2**31 - 1

#: What an editor is told when the intervention they opened has been changed or removed since.
STALE_INTERVENTION_MESSAGE = "Insatsen har ändrats av någon annan – ladda om"
REMOVED_INTERVENTION_MESSAGE = "Insatsen har tagits bort av någon annan – ladda om"


# --------------------------------------------------------------------------- records and errors


@dataclass(frozen=True)
class LinkedIndicator:
    """An indicator an intervention is meant to move: the desired direction (``up``/``down``)
    and, where stated, the expected change by ``expected_year`` – in the indicator's unit, or
    with ``expected_relative`` as a fraction (−0.1 for −10 %)."""

    kpi_id: str
    direction: str
    expected_change: float | None = None
    expected_relative: bool = False
    expected_year: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kpi_id": self.kpi_id,
            "direction": self.direction,
            "expected_change": self.expected_change,
            "expected_relative": self.expected_relative,
            "expected_year": self.expected_year,
        }


@dataclass(frozen=True, kw_only=True)
class InterventionRecord:
    """One intervention with its indicators (in the order given) and goals.

    ``id`` is ``None`` for an intervention not stored yet; ``id``, ``version``, the times and
    ``updated_by`` are not compared: two records with the same content are equal."""

    title: str
    area_id: str
    start_year: int
    status: str
    end_year: int | None = None
    responsible: str = ""
    decision_reference: str = ""
    decision_url: str = ""
    description: str = ""
    indicators: tuple[LinkedIndicator, ...] = ()
    goal_ids: tuple[str, ...] = ()
    id: int | None = field(default=None, compare=False)
    version: int | None = field(default=None, compare=False)
    created_at: dt.datetime | None = field(default=None, compare=False)
    updated_at: dt.datetime | None = field(default=None, compare=False)
    #: The signed-in editor who saved it last (``None``: the command line).
    updated_by: str | None = field(default=None, compare=False)

    @property
    def kpi_ids(self) -> tuple[str, ...]:
        return tuple(link.kpi_id for link in self.indicators)

    def as_dict(self) -> dict[str, Any]:
        """The content as JSON-ready values, as the change log holds it."""
        return {
            "title": self.title,
            "area_id": self.area_id,
            "responsible": self.responsible,
            "decision_reference": self.decision_reference,
            "decision_url": self.decision_url,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "status": self.status,
            "description": self.description,
            "indicators": [link.as_dict() for link in self.indicators],
            "goal_ids": list(self.goal_ids),
        }

    def stored_fields(self) -> dict[str, Any]:
        """The content with id, version and who saved it when (JSON-ready), as a stale save
        reports what is stored now."""
        return {
            **self.as_dict(),
            "id": self.id,
            "version": self.version,
            "updated_by": self.updated_by,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }


@dataclass(frozen=True)
class SavedInterventions:
    """What :func:`save_interventions` did: the ids added, changed and already identical."""

    added: tuple[int, ...]
    changed: tuple[int, ...]
    unchanged: tuple[int, ...]


class InterventionError(ValueError):
    """An intervention operation that cannot be done; the message is in Swedish."""


class UnknownInterventionError(InterventionError):
    """No intervention with the given id exists (and none was removed under it)."""


class StaleInterventionError(StaleRecordError, InterventionError):
    """The intervention was changed or removed since the version the caller names was read;
    nothing was written. ``stored`` holds what is stored now
    (:meth:`InterventionRecord.stored_fields`), ``None`` when it has been removed;
    ``stored_intervention`` the record and ``intervention_id`` its id."""

    def __init__(self, intervention_id: int, stored: InterventionRecord | None) -> None:
        message = STALE_INTERVENTION_MESSAGE if stored is not None else REMOVED_INTERVENTION_MESSAGE
        StaleRecordError.__init__(
            self, message, stored.stored_fields() if stored is not None else None
        )
        self.intervention_id = intervention_id
        self.stored_intervention = stored


# --------------------------------------------------------------------------- rows ↔ records


def _links(session: Session, ids: Collection[int]) -> dict[int, list[LinkedIndicator]]:
    links: dict[int, list[LinkedIndicator]] = {}
    if not ids:
        return links
    query = (
        select(InterventionIndicator)
        .where(InterventionIndicator.intervention_id.in_(list(ids)))
        .order_by(InterventionIndicator.intervention_id, InterventionIndicator.kpi_id)
    )
    for row in session.scalars(query):
        links.setdefault(row.intervention_id, []).append(
            LinkedIndicator(
                kpi_id=row.kpi_id,
                direction=row.direction,
                expected_change=row.expected_change,
                expected_relative=bool(row.expected_relative),
                expected_year=row.expected_year,
            )
        )
    return links


def _goals(session: Session, ids: Collection[int]) -> dict[int, list[str]]:
    goals: dict[int, list[str]] = {}
    if not ids:
        return goals
    query = (
        select(InterventionGoal)
        .where(InterventionGoal.intervention_id.in_(list(ids)))
        .order_by(InterventionGoal.intervention_id, InterventionGoal.goal_id)
    )
    for row in session.scalars(query):
        goals.setdefault(row.intervention_id, []).append(row.goal_id)
    return goals


def _records(session: Session, models: Sequence[Intervention]) -> list[InterventionRecord]:
    ids = [model.id for model in models]
    links = _links(session, ids)
    goals = _goals(session, ids)
    return [
        InterventionRecord(
            id=model.id,
            title=model.title,
            area_id=model.area_id,
            responsible=model.responsible,
            decision_reference=model.decision_reference,
            decision_url=model.decision_url,
            start_year=model.start_year,
            end_year=model.end_year,
            status=model.status,
            description=model.description,
            indicators=tuple(links.get(model.id, ())),
            goal_ids=tuple(goals.get(model.id, ())),
            version=model.version,
            created_at=model.created_at,
            updated_at=model.updated_at,
            updated_by=model.updated_by,
        )
        for model in models
    ]


def _record(session: Session, model: Intervention) -> InterventionRecord:
    return _records(session, [model])[0]


def _set_fields(model: Intervention, record: InterventionRecord, updated_by: str | None) -> None:
    model.title = record.title
    model.area_id = record.area_id
    model.responsible = record.responsible
    model.decision_reference = record.decision_reference
    model.decision_url = record.decision_url
    model.start_year = record.start_year
    model.end_year = record.end_year
    model.status = record.status
    model.description = record.description
    model.updated_at = utcnow()
    model.updated_by = updated_by


def _replace_links(session: Session, intervention_id: int, record: InterventionRecord) -> None:
    """Store ``record``'s indicators and goals as those of ``intervention_id``, replacing any."""
    session.execute(
        delete(InterventionIndicator).where(
            InterventionIndicator.intervention_id == intervention_id
        )
    )
    session.execute(
        delete(InterventionGoal).where(InterventionGoal.intervention_id == intervention_id)
    )
    session.add_all(
        InterventionIndicator(
            intervention_id=intervention_id,
            kpi_id=link.kpi_id,
            direction=link.direction,
            expected_change=link.expected_change,
            expected_relative=link.expected_relative,
            expected_year=link.expected_year,
        )
        for link in record.indicators
    )
    session.add_all(
        InterventionGoal(intervention_id=intervention_id, goal_id=goal_id)
        for goal_id in dict.fromkeys(record.goal_ids)
    )


def _sorted_links(record: InterventionRecord) -> InterventionRecord:
    """``record`` with its indicators and goals in stored order (by id), so that a record read
    back compares equal to the one saved."""
    return replace(
        record,
        indicators=tuple(sorted(record.indicators, key=lambda link: link.kpi_id)),
        goal_ids=tuple(sorted(dict.fromkeys(record.goal_ids))),
    )


def _stored(session: Session, intervention_id: object) -> Intervention | None:
    if isinstance(intervention_id, bool) or not isinstance(intervention_id, int):
        return None  # a forged request may send anything
    if not 1 <= intervention_id <= MAX_INTERVENTION_ID:
        return None
    return session.get(Intervention, intervention_id)


def _require_version(session: Session, model: Intervention, expected: int | None) -> None:
    if expected is not None and model.version != expected:
        raise StaleInterventionError(model.id, _record(session, model))


def _was_removed(session: Session, intervention_id: int) -> bool:
    query = select(RecordChange.id).where(
        RecordChange.record_type == RECORD_INTERVENTION,
        RecordChange.record_id == str(intervention_id),
        RecordChange.action == ACTION_REMOVE,
    )
    return session.scalars(query).first() is not None


def _missing_error(session: Session, intervention_id: int) -> InterventionError:
    if isinstance(intervention_id, int) and _was_removed(session, intervention_id):
        return StaleInterventionError(intervention_id, None)
    return UnknownInterventionError(f"Det finns ingen insats med id {intervention_id}.")


# --------------------------------------------------------------------------- reading


def list_interventions(
    engine: Engine,
    *,
    area_id: str | None = None,
    kpi_id: str | None = None,
    goal_id: str | None = None,
    status: str | None = None,
) -> list[InterventionRecord]:
    """Stored interventions, newest start first (then by title); each argument given narrows
    the list: ``area_id`` to that area's, ``kpi_id`` to those linked to that indicator,
    ``goal_id`` to those serving that goal, ``status`` to that status."""
    query = select(Intervention).order_by(
        Intervention.start_year.desc(), Intervention.title, Intervention.id
    )
    if area_id is not None:
        query = query.where(Intervention.area_id == area_id)
    if status is not None:
        query = query.where(Intervention.status == status)
    if kpi_id is not None:
        query = query.where(
            Intervention.id.in_(
                select(InterventionIndicator.intervention_id).where(
                    InterventionIndicator.kpi_id == kpi_id
                )
            )
        )
    if goal_id is not None:
        query = query.where(
            Intervention.id.in_(
                select(InterventionGoal.intervention_id).where(InterventionGoal.goal_id == goal_id)
            )
        )
    with Session(engine) as session:
        return _records(session, list(session.scalars(query)))


def interventions_for(
    engine: Engine, area_id: str | None = None, kpi_id: str | None = None
) -> list[InterventionRecord]:
    """The interventions of ``area_id`` (every area when ``None``) linked to ``kpi_id`` (any
    indicator when ``None``), newest start first."""
    return list_interventions(engine, area_id=area_id, kpi_id=kpi_id)


def interventions_for_goals(
    engine: Engine, goal_ids: Iterable[str]
) -> dict[str, list[InterventionRecord]]:
    """The interventions serving each of ``goal_ids`` (a goal that none serves is left out),
    each list newest start first."""
    wanted = list(dict.fromkeys(goal_id for goal_id in goal_ids if isinstance(goal_id, str)))
    if not wanted:
        return {}
    with Session(engine) as session:
        pairs = session.execute(
            select(InterventionGoal.goal_id, InterventionGoal.intervention_id).where(
                InterventionGoal.goal_id.in_(wanted)
            )
        ).all()
        ids = {intervention_id for _, intervention_id in pairs}
        models = session.scalars(
            select(Intervention)
            .where(Intervention.id.in_(ids))
            .order_by(Intervention.start_year.desc(), Intervention.title, Intervention.id)
        ).all()
        records = _records(session, models)
    by_id = {record.id: record for record in records}
    order = {record.id: index for index, record in enumerate(records)}
    found: dict[str, list[InterventionRecord]] = {}
    for goal_id, intervention_id in sorted(pairs, key=lambda pair: order[pair[1]]):
        found.setdefault(goal_id, []).append(by_id[intervention_id])
    return {goal_id: found[goal_id] for goal_id in wanted if goal_id in found}


def get_intervention(engine: Engine, intervention_id: object) -> InterventionRecord | None:
    """The stored intervention with ``intervention_id``, or ``None`` (also for an id that is
    not a positive integer, as a forged request may send)."""
    with Session(engine) as session:
        model = _stored(session, intervention_id)
        return _record(session, model) if model is not None else None


def intervention_changes(engine: Engine, limit: int | None = None) -> list[ChangeRecord]:
    """The logged changes to interventions, newest first."""
    return list_changes(engine, record_type=RECORD_INTERVENTION, limit=limit)


# --------------------------------------------------------------------------- writing


def _add(session: Session, record: InterventionRecord, changed_by: str | None) -> int:
    model = Intervention(
        title=record.title,
        area_id=record.area_id,
        start_year=record.start_year,
        status=record.status,
    )
    _set_fields(model, record, changed_by)
    session.add(model)
    session.flush()
    _replace_links(session, model.id, record)
    log_change(
        session,
        RECORD_INTERVENTION,
        model.id,
        ACTION_ADD,
        before=None,
        after=_sorted_links(record).as_dict(),
        changed_by=changed_by,
    )
    return model.id


def _change(
    session: Session,
    record: InterventionRecord,
    expected_version: int | None,
    changed_by: str | None,
) -> bool:
    """Change the stored intervention ``record.id``; whether anything changed."""
    assert record.id is not None
    model = _stored(session, record.id)
    if model is None:
        raise _missing_error(session, record.id)
    _require_version(session, model, expected_version)
    before = _record(session, model)
    after = _sorted_links(record)
    if before == after:
        return False
    _set_fields(model, after, changed_by)
    session.flush()  # the UPDATE names the version read: a save in between raises here
    _replace_links(session, model.id, after)
    log_change(
        session,
        RECORD_INTERVENTION,
        model.id,
        ACTION_CHANGE,
        before=before.as_dict(),
        after=after.as_dict(),
        changed_by=changed_by,
    )
    return True


def add_intervention(
    engine: Engine, record: InterventionRecord, *, changed_by: str | None = None
) -> InterventionRecord:
    """Store ``record`` as a new intervention (its ``id`` is ignored) and log it with
    ``changed_by``, the signed-in editor; returns it as stored, with its id and version."""
    with Session(engine) as session, session.begin():
        new_id = _add(session, record, changed_by)
    log.info("Intervention added: %d %r by %s", new_id, record.title, changed_by or "-")
    stored = get_intervention(engine, new_id)
    assert stored is not None
    return stored


def change_intervention(
    engine: Engine,
    record: InterventionRecord,
    *,
    expected_version: int | None = None,
    changed_by: str | None = None,
) -> InterventionRecord:
    """Replace the stored intervention ``record.id`` with ``record`` and log the change
    (nothing is logged when it is unchanged); returns it as stored.

    ``expected_version`` is the version the caller's form was opened with: an intervention
    stored at another version, or removed since, raises :class:`StaleInterventionError` and
    nothing is written, also when someone saves between this function's read and write. An id
    never stored raises :class:`UnknownInterventionError`."""
    if record.id is None:
        raise UnknownInterventionError("Insatsen har inget id; lägg till den som en ny insats.")
    try:
        with Session(engine) as session, session.begin():
            changed = _change(session, record, expected_version, changed_by)
    except StaleDataError:
        raise StaleInterventionError(record.id, get_intervention(engine, record.id)) from None
    if changed:
        log.info("Intervention changed: %d by %s", record.id, changed_by or "-")
    stored = get_intervention(engine, record.id)
    if stored is None:  # removed the moment after: tell it as stale
        raise StaleInterventionError(record.id, None)
    return stored


def remove_intervention(
    engine: Engine,
    intervention_id: int,
    *,
    expected_version: int | None = None,
    changed_by: str | None = None,
) -> InterventionRecord:
    """Remove the intervention ``intervention_id`` (with its indicators and goals) and log it;
    returns what was removed. ``expected_version`` as for :func:`change_intervention`."""
    try:
        with Session(engine) as session, session.begin():
            model = _stored(session, intervention_id)
            if model is None:
                raise _missing_error(session, intervention_id)
            _require_version(session, model, expected_version)
            removed = _record(session, model)
            _replace_links(session, model.id, replace(removed, indicators=(), goal_ids=()))
            session.delete(model)  # through the ORM: the DELETE names the version read
            session.flush()
            log_change(
                session,
                RECORD_INTERVENTION,
                intervention_id,
                ACTION_REMOVE,
                before=removed.as_dict(),
                after=None,
                changed_by=changed_by,
            )
    except StaleDataError:
        raise StaleInterventionError(
            intervention_id, get_intervention(engine, intervention_id)
        ) from None
    log.info("Intervention removed: %d by %s", intervention_id, changed_by or "-")
    return removed


def save_interventions(
    engine: Engine, records: Iterable[InterventionRecord], *, changed_by: str | None = None
) -> SavedInterventions:
    """Add (``id`` ``None``) or change (by id, against each record's ``version`` when it has
    one) interventions in one transaction, logging each change. Interventions not among
    ``records`` are kept. One changed or removed since its version raises
    :class:`StaleInterventionError`, an id never stored :class:`UnknownInterventionError`;
    either way nothing is stored."""
    records = list(records)
    added: list[int] = []
    changed: list[int] = []
    unchanged: list[int] = []
    current: InterventionRecord | None = None
    try:
        with Session(engine) as session, session.begin():
            for record in records:
                current = record
                if record.id is None:
                    added.append(_add(session, record, changed_by))
                elif _change(session, record, record.version, changed_by):
                    changed.append(record.id)
                else:
                    unchanged.append(record.id)
    except StaleDataError:
        assert current is not None and current.id is not None
        raise StaleInterventionError(current.id, get_intervention(engine, current.id)) from None
    log.info(
        "Interventions saved: %d added, %d changed, %d unchanged by %s",
        len(added),
        len(changed),
        len(unchanged),
        changed_by or "-",
    )
    return SavedInterventions(tuple(added), tuple(changed), tuple(unchanged))


__all__ = [
    "MAX_INTERVENTION_ID",
    "RECORD_INTERVENTION",
    "REMOVED_INTERVENTION_MESSAGE",
    "STALE_INTERVENTION_MESSAGE",
    "STATUSES",
    "InterventionError",
    "InterventionRecord",
    "LinkedIndicator",
    "SavedInterventions",
    "StaleInterventionError",
    "UnknownInterventionError",
    "add_intervention",
    "change_intervention",
    "get_intervention",
    "intervention_changes",
    "interventions_for",
    "interventions_for_goals",
    "list_interventions",
    "remove_intervention",
    "save_interventions",
]
