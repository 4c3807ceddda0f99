"""Stored goals: the goal record, the ``goals`` table and its change log ``goal_changes``.

Storage only: the functions here read and write rows and take records that the caller has
already checked. Each stored goal has an origin, :data:`ORIGIN_CATALOGUE` (the rows of the
bundled file :data:`CATALOGUE_PATH`, replaced together by :func:`replace_catalogue_goals`) or
:data:`ORIGIN_USER` (added, changed and removed one at a time or as a batch, each change logged
with the caller's note). Catalogue rows are never changed or removed one at a time:
:class:`CatalogueGoalError`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from data.changes import ACTION_ADD, ACTION_CHANGE, ACTION_REMOVE, StaleRecordError
from data.locks import GOAL_CATALOGUE_LOCK, lock_in_transaction
from data.models import Goal, GoalChange

log = logging.getLogger(__name__)

#: The bundled goal catalogue file, stored as the :data:`ORIGIN_CATALOGUE` rows.
CATALOGUE_PATH = Path(__file__).resolve().parent / "goals.csv"

#: Stored origins: a row of the bundled catalogue, or a user's own goal.
ORIGIN_CATALOGUE = "katalog"
ORIGIN_USER = "användare"
ORIGINS: tuple[str, ...] = (ORIGIN_CATALOGUE, ORIGIN_USER)

#: What an editor is told when the goal they opened has been changed or removed since.
STALE_GOAL_MESSAGE = "Målet har ändrats av någon annan – ladda om"
REMOVED_GOAL_MESSAGE = "Målet har tagits bort av någon annan – ladda om"


# --------------------------------------------------------------------------- records and errors


@dataclass(frozen=True, kw_only=True)
class GoalRecord:
    """One goal, as stored (one field per column of the ``goals`` table).

    ``areas`` is ``None`` for a goal that applies to every area. ``origin`` says where a stored
    goal came from (:data:`ORIGIN_CATALOGUE` or :data:`ORIGIN_USER`); it is ``None`` for a goal
    that is not stored yet and is not compared: two records with the same fields are equal.
    """

    id: str
    kpi_id: str
    level: str
    kind: str
    operator: str | None = None
    target_value: float | None = None
    relative_change: float | None = None
    band_low: float | None = None
    band_high: float | None = None
    direction: str | None = None
    base_year: int | None = None
    target_year: int | None = None
    areas: tuple[str, ...] | None = None
    wording_sv: str
    source_document: str
    source_url: str = ""
    #: A second reference beside the primary document ``source_url`` (e.g. the news item that
    #: reported the decision), empty when there is none.
    secondary_source_url: str = ""
    adopted_year: int | None = None
    #: The ids of the higher goals this goal contributes to (local → regional → national →
    #: global, "målkedjan"), in the order given; empty when it names none.
    contributes_to: tuple[str, ...] = ()
    origin: str | None = field(default=None, compare=False)
    #: The stored version (raised by one with each change; ``None`` for a goal not stored, or
    #: a row of a file without versions). Not compared, as ``origin``.
    version: int | None = field(default=None, compare=False)

    def applies_to(self, area_id: str) -> bool:
        """Whether the goal applies to ``area_id`` (goals without areas apply everywhere)."""
        return self.areas is None or area_id in self.areas

    def as_dict(self) -> dict[str, Any]:
        """The stored fields as JSON-ready values (areas and the goals contributed to as lists;
        ``None`` for none contributed to, as the column stores it), as the change log holds
        them."""
        values = {name: getattr(self, name) for name in GOAL_FIELDS}
        values["areas"] = list(self.areas) if self.areas is not None else None
        values["contributes_to"] = list(self.contributes_to) or None
        return values


#: The stored fields of a goal, in column order (every field of :class:`GoalRecord` but
#: ``origin`` and ``version``).
GOAL_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(GoalRecord) if f.name not in ("origin", "version")
)


@dataclass(frozen=True)
class GoalChangeRecord:
    """One logged change to a user goal."""

    id: int
    changed_at: dt.datetime
    goal_id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str
    #: The signed-in editor who made the change (``None``: the command line, or older).
    changed_by: str | None = None


@dataclass(frozen=True)
class SavedGoals:
    """What :func:`save_user_goals` did: ids of goals added, changed and already identical."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    #: Lines the caller should read although everything was saved (e.g. goals that go against
    #: their indicator's desired direction), one per goal.
    warnings: tuple[str, ...] = ()


class GoalError(ValueError):
    """A goal operation that cannot be done; the message is in Swedish, for the user."""


class CatalogueGoalError(GoalError):
    """The goal belongs to the catalogue rows and cannot be changed or removed."""


class UnknownGoalError(GoalError):
    """No goal with the given id exists."""


class DuplicateGoalError(GoalError):
    """A goal with the given id already exists."""


class StaleGoalError(StaleRecordError, GoalError):
    """The goal was changed or removed since the version the caller names was read; nothing
    was written. ``stored`` is the goal as stored now (:meth:`GoalRecord.as_dict` with its
    version), ``None`` when it has been removed; ``goal_id`` names it."""

    def __init__(self, goal_id: str, stored: GoalRecord | None) -> None:
        message = STALE_GOAL_MESSAGE if stored is not None else REMOVED_GOAL_MESSAGE
        values = {**stored.as_dict(), "version": stored.version} if stored is not None else None
        super().__init__(message, values)
        self.goal_id = goal_id
        self.stored_goal = stored


# --------------------------------------------------------------------------- rows ↔ records


def _to_model(goal: GoalRecord, origin: str) -> Goal:
    return Goal(**goal.as_dict(), origin=origin)


def _update_model(model: Goal, goal: GoalRecord) -> None:
    for name, value in goal.as_dict().items():
        setattr(model, name, value)


def _from_model(model: Goal) -> GoalRecord:
    values = {name: getattr(model, name) for name in GOAL_FIELDS}
    values["areas"] = tuple(model.areas) if model.areas is not None else None
    values["contributes_to"] = tuple(model.contributes_to or ())
    return GoalRecord(**values, origin=model.origin, version=model.version)


def _from_row(row: Any) -> GoalRecord:
    values = {name: row[name] for name in GOAL_FIELDS}
    values["areas"] = tuple(values["areas"]) if values["areas"] is not None else None
    values["contributes_to"] = tuple(values["contributes_to"] or ())
    return GoalRecord(**values, origin=row["origin"], version=row["version"])


def _log(
    session: Session,
    goal_id: str,
    action: str,
    before: GoalRecord | None,
    after: GoalRecord | None,
    note: str,
    changed_by: str | None,
) -> None:
    session.add(
        GoalChange(
            goal_id=goal_id,
            action=action,
            before=before.as_dict() if before is not None else None,
            after=after.as_dict() if after is not None else None,
            note=note,
            changed_by=changed_by,
        )
    )


def _catalogue_goal_error(goal_id: str) -> CatalogueGoalError:
    return CatalogueGoalError(
        f'Målet "{goal_id}" hör till målkatalogen och kan inte ändras eller tas bort. '
        "Lägg till ett eget mål med ett annat id i stället."
    )


def _stored_user_goal(session: Session, goal_id: str) -> Goal:
    model = session.get(Goal, goal_id)
    if model is None:
        raise UnknownGoalError(f'Det finns inget mål med id "{goal_id}".')
    if model.origin == ORIGIN_CATALOGUE:
        raise _catalogue_goal_error(goal_id)
    return model


def _require_version(model: Goal, expected_version: int | None) -> None:
    """Raise :class:`StaleGoalError` when ``expected_version`` is given and is not the stored
    one."""
    if expected_version is not None and model.version != expected_version:
        raise StaleGoalError(model.id, _from_model(model))


def _stale_after_race(engine: Engine, goal_id: str) -> StaleGoalError:
    """The error for a write whose ``UPDATE``/``DELETE`` found another version than it read
    (someone saved in between): what is stored now."""
    return StaleGoalError(goal_id, get_goal(engine, goal_id))


# --------------------------------------------------------------------------- reading


def select_goals(
    engine: Engine,
    *,
    kpi_id: str | None = None,
    level: str | None = None,
    area_id: str | None = None,
    origin: str | None = None,
    ids: Collection[str] | None = None,
) -> list[GoalRecord]:
    """Stored goals, ordered by KPI and id; each argument given narrows the list.

    ``area_id`` keeps the goals for every area and those naming that area; ``ids`` keeps the
    goals with those ids.
    """
    # Rows, not ORM objects: several times faster, which counts when users have stored many.
    query = select(Goal.__table__).order_by(Goal.kpi_id, Goal.id)
    if kpi_id is not None:
        query = query.where(Goal.kpi_id == kpi_id)
    if level is not None:
        query = query.where(Goal.level == level)
    if origin is not None:
        query = query.where(Goal.origin == origin)
    if ids is not None:
        query = query.where(Goal.id.in_(list(ids)))
    with engine.connect() as connection:
        goals = [_from_row(row) for row in connection.execute(query).mappings()]
    if area_id is not None:
        goals = [goal for goal in goals if goal.applies_to(area_id)]
    return goals


def search_goals(
    engine: Engine,
    *,
    origin: str | None = None,
    text: str = "",
    kpi_ids: Collection[str] = (),
    limit: int = 50,
) -> tuple[list[GoalRecord], int]:
    """At most ``limit`` stored goals (of ``origin``) whose id contains ``text`` (ignoring case)
    or whose KPI is one of ``kpi_ids``, ordered by id, and how many goals match in all."""
    query = select(Goal)
    if origin is not None:
        query = query.where(Goal.origin == origin)
    text = text.strip().lower()
    if text:
        query = query.where(
            or_(func.lower(Goal.id).contains(text, autoescape=True), Goal.kpi_id.in_(kpi_ids))
        )
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        models = session.scalars(query.order_by(Goal.id).limit(limit))
        return [_from_model(model) for model in models], total


def get_goal(engine: Engine, goal_id: str) -> GoalRecord | None:
    """The stored goal with ``goal_id``, or ``None`` (also for an id that is not text, as a
    forged request may send)."""
    if not isinstance(goal_id, str):
        return None
    with Session(engine) as session:
        model = session.get(Goal, goal_id)
        return _from_model(model) if model is not None else None


def goal_changes(
    engine: Engine, limit: int | None = None, *, goal_id: str | None = None
) -> list[GoalChangeRecord]:
    """The logged changes to user goals, newest first."""
    query = select(GoalChange).order_by(GoalChange.id.desc())
    if goal_id is not None:
        query = query.where(GoalChange.goal_id == goal_id)
    if limit is not None:
        query = query.limit(limit)
    with Session(engine) as session:
        return [
            GoalChangeRecord(
                id=change.id,
                changed_at=change.changed_at,
                goal_id=change.goal_id,
                action=change.action,
                before=change.before,
                after=change.after,
                note=change.note,
                changed_by=change.changed_by,
            )
            for change in session.scalars(query)
        ]


def removed_goal_ids(session: Session, ids: Collection[str]) -> set[str]:
    """Those of ``ids`` whose goal the log says was removed here (a row of an export naming one
    was removed since; a row naming an id never stored here comes from another installation)."""
    query = select(GoalChange.goal_id).where(
        GoalChange.goal_id.in_(list(ids)), GoalChange.action == ACTION_REMOVE
    )
    return set(session.scalars(query))


def removed_goal_ids_of(engine: Engine, ids: Collection[str]) -> set[str]:
    """:func:`removed_goal_ids` in a session of its own."""
    with Session(engine) as session:
        return removed_goal_ids(session, ids)


# --------------------------------------------------------------------------- writing


def replace_catalogue_goals(engine: Engine, goals: Sequence[GoalRecord]) -> int:
    """Replace every :data:`ORIGIN_CATALOGUE` row with ``goals``, in one transaction; user goals
    are left alone and nothing is logged. Returns the number of goals stored.

    Raises :class:`DuplicateGoalError` (and changes nothing) when a user goal has the id of one
    of ``goals``.
    """
    ids = [goal.id for goal in goals]
    with Session(engine) as session, session.begin():
        # Servers starting at once each replace the catalogue: one after the other.
        lock_in_transaction(session.connection(), GOAL_CATALOGUE_LOCK)
        clashes = session.scalars(
            select(Goal.id).where(Goal.origin != ORIGIN_CATALOGUE, Goal.id.in_(ids))
        ).all()
        if clashes:
            raise DuplicateGoalError(
                "Målkatalogen har mål med samma id som egna mål: "
                + ", ".join(sorted(clashes))
                + ". Byt id på de egna målen (exportera, ändra id, importera och ta bort de "
                "gamla) och läs in katalogen igen."
            )
        session.execute(delete(Goal).where(Goal.origin == ORIGIN_CATALOGUE))
        session.add_all(_to_model(goal, ORIGIN_CATALOGUE) for goal in goals)
    log.info("Goal catalogue stored: %d goals", len(goals))
    return len(goals)


def insert_user_goal(
    engine: Engine, goal: GoalRecord, note: str = "", *, changed_by: str | None = None
) -> GoalRecord:
    """Store ``goal`` as a user goal and log it (with ``changed_by``, the editor); returns it
    with its origin.

    Raises :class:`DuplicateGoalError` for an id already in use.
    """
    # No check-then-insert: the primary key decides between two editors adding one id at once.
    try:
        with Session(engine) as session, session.begin():
            model = _to_model(goal, ORIGIN_USER)
            session.add(model)
            session.flush()
            _log(session, goal.id, ACTION_ADD, None, goal, note, changed_by)
            version = model.version
    except IntegrityError:
        existing = get_goal(engine, goal.id)
        if existing is None:  # not the key: a broken rule of the schema, a bug to raise
            raise
        where = "i målkatalogen" if existing.origin == ORIGIN_CATALOGUE else "bland egna mål"
        raise DuplicateGoalError(
            f'Id "{goal.id}" används redan {where}; välj ett annat id.'
        ) from None
    log.info("Goal added: %s (by %s)", goal.id, changed_by or "-")
    return replace(goal, origin=ORIGIN_USER, version=version)


def update_user_goal(
    engine: Engine,
    goal: GoalRecord,
    note: str = "",
    *,
    expected_version: int | None = None,
    changed_by: str | None = None,
) -> GoalRecord:
    """Replace the user goal with ``goal.id`` and log the change (nothing is logged when the
    goal is unchanged); returns the goal as stored.

    ``expected_version`` is the version the caller's form was opened with: a goal stored at
    another version raises :class:`StaleGoalError` and nothing is written, also when someone
    saves between this function's read and write. Raises :class:`UnknownGoalError` for an
    unknown id, :class:`CatalogueGoalError` for a catalogue row.
    """
    try:
        with Session(engine) as session, session.begin():
            model = _stored_user_goal(session, goal.id)
            _require_version(model, expected_version)
            before = _from_model(model)
            if before != goal:
                _update_model(model, goal)
                session.flush()
                _log(session, goal.id, ACTION_CHANGE, before, goal, note, changed_by)
                log.info("Goal changed: %s (by %s)", goal.id, changed_by or "-")
            return _from_model(model)
    except StaleDataError:
        raise _stale_after_race(engine, goal.id) from None


def delete_user_goal(
    engine: Engine,
    goal_id: str,
    note: str = "",
    *,
    expected_version: int | None = None,
    changed_by: str | None = None,
) -> GoalRecord:
    """Remove the user goal ``goal_id`` and log it; returns the removed goal.

    ``expected_version`` as for :func:`update_user_goal`: a goal changed since is not removed
    (:class:`StaleGoalError`). Raises :class:`UnknownGoalError` for an unknown id,
    :class:`CatalogueGoalError` for a catalogue row.
    """
    try:
        with Session(engine) as session, session.begin():
            model = _stored_user_goal(session, goal_id)
            _require_version(model, expected_version)
            before = _from_model(model)
            session.delete(model)
            session.flush()
            _log(session, goal_id, ACTION_REMOVE, before, None, note, changed_by)
    except StaleDataError:
        raise _stale_after_race(engine, goal_id) from None
    log.info("Goal removed: %s (by %s)", goal_id, changed_by or "-")
    return before


def _save_user_goals(
    engine: Engine,
    goals: Iterable[GoalRecord],
    note: str = "",
    *,
    changed_by: str | None = None,
) -> SavedGoals:
    """:func:`save_user_goals` without turning concurrent writes into clear errors."""
    goals = list(goals)
    added: list[str] = []
    changed: list[str] = []
    unchanged: list[str] = []
    with Session(engine) as session, session.begin():
        ids = [goal.id for goal in goals]
        stored = {
            model.id: model for model in session.scalars(select(Goal).where(Goal.id.in_(ids)))
        }
        removed = removed_goal_ids(session, ids)
        for goal in goals:
            model = stored.get(goal.id)
            if model is None:
                if goal.version is not None and goal.id in removed:
                    raise StaleGoalError(goal.id, None)
                session.add(_to_model(goal, ORIGIN_USER))
                _log(session, goal.id, ACTION_ADD, None, goal, note, changed_by)
                added.append(goal.id)
                continue
            before = _from_model(model)
            if before == goal:
                unchanged.append(goal.id)
                continue
            if model.origin == ORIGIN_CATALOGUE:
                raise _catalogue_goal_error(goal.id)
            _require_version(model, goal.version)
            _update_model(model, goal)
            _log(session, goal.id, ACTION_CHANGE, before, goal, note, changed_by)
            changed.append(goal.id)
    return SavedGoals(tuple(added), tuple(changed), tuple(unchanged))


def save_user_goals(
    engine: Engine,
    goals: Iterable[GoalRecord],
    note: str = "",
    *,
    changed_by: str | None = None,
) -> SavedGoals:
    """Add or replace user goals by id in one transaction, logging each change with ``note``.

    A goal identical to its stored row (a catalogue row too) is left as it is. Stored goals not
    among ``goals`` are kept. Raises :class:`CatalogueGoalError` (and stores nothing) for a goal
    that differs from the catalogue row with its id. A goal with a ``version`` (a row of an
    exported file) replaces only that version: one changed or removed since raises
    :class:`StaleGoalError` and nothing is stored (callers check first and list every such row;
    this guards the moment between their check and this write). A save that meets a concurrent
    one (an id added by someone else in between) raises :class:`DuplicateGoalError`, never a
    database error.
    """
    goals = list(goals)
    try:
        return _save_user_goals(engine, goals, note, changed_by=changed_by)
    except StaleDataError:
        ids = [goal.id for goal in goals]
        stored = {goal.id: goal for goal in select_goals(engine, ids=ids)}
        for goal in goals:
            now = stored.get(goal.id)
            if now is not None and goal.version is not None and now.version != goal.version:
                raise StaleGoalError(goal.id, now) from None
        raise GoalError(
            "Någon annan sparade några av målen samtidigt; inget sparades. Läs in filen igen."
        ) from None
    except IntegrityError:
        if not select_goals(engine, ids=[goal.id for goal in goals]):
            raise  # not a key: a broken rule of the schema, a bug to raise
        raise DuplicateGoalError(
            "Någon annan lade under tiden till mål med id som också finns i filen; inget "
            "sparades. Läs in filen igen: de målen visas då som ändrade."
        ) from None


__all__ = [
    "ACTION_ADD",
    "ACTION_CHANGE",
    "ACTION_REMOVE",
    "CATALOGUE_PATH",
    "GOAL_FIELDS",
    "ORIGINS",
    "ORIGIN_CATALOGUE",
    "ORIGIN_USER",
    "REMOVED_GOAL_MESSAGE",
    "STALE_GOAL_MESSAGE",
    "CatalogueGoalError",
    "DuplicateGoalError",
    "GoalChangeRecord",
    "GoalError",
    "GoalRecord",
    "SavedGoals",
    "StaleGoalError",
    "UnknownGoalError",
    "delete_user_goal",
    "get_goal",
    "goal_changes",
    "insert_user_goal",
    "removed_goal_ids",
    "removed_goal_ids_of",
    "replace_catalogue_goals",
    "save_user_goals",
    "search_goals",
    "select_goals",
    "update_user_goal",
]
