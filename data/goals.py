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
from sqlalchemy.orm import Session

from data.locks import GOAL_CATALOGUE_LOCK, lock_in_transaction
from data.models import Goal, GoalChange

log = logging.getLogger(__name__)

#: The bundled goal catalogue file, stored as the :data:`ORIGIN_CATALOGUE` rows.
CATALOGUE_PATH = Path(__file__).resolve().parent / "goals.csv"

#: Stored origins: a row of the bundled catalogue, or a user's own goal.
ORIGIN_CATALOGUE = "katalog"
ORIGIN_USER = "användare"
ORIGINS: tuple[str, ...] = (ORIGIN_CATALOGUE, ORIGIN_USER)

#: Logged actions.
ACTION_ADD, ACTION_CHANGE, ACTION_REMOVE = "add", "change", "remove"


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
    adopted_year: int | None = None
    origin: str | None = field(default=None, compare=False)

    def applies_to(self, area_id: str) -> bool:
        """Whether the goal applies to ``area_id`` (goals without areas apply everywhere)."""
        return self.areas is None or area_id in self.areas

    def as_dict(self) -> dict[str, Any]:
        """The stored fields as JSON-ready values (areas as a list), as the change log holds
        them."""
        values = {name: getattr(self, name) for name in GOAL_FIELDS}
        values["areas"] = list(self.areas) if self.areas is not None else None
        return values


#: The stored fields of a goal, in column order (every field of :class:`GoalRecord` but
#: ``origin``).
GOAL_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(GoalRecord) if f.name != "origin")


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


class GoalError(ValueError):
    """A goal operation that cannot be done; the message is in Swedish, for the user."""


class CatalogueGoalError(GoalError):
    """The goal belongs to the catalogue rows and cannot be changed or removed."""


class UnknownGoalError(GoalError):
    """No goal with the given id exists."""


class DuplicateGoalError(GoalError):
    """A goal with the given id already exists."""


# --------------------------------------------------------------------------- rows ↔ records


def _to_model(goal: GoalRecord, origin: str) -> Goal:
    return Goal(**goal.as_dict(), origin=origin)


def _update_model(model: Goal, goal: GoalRecord) -> None:
    for name, value in goal.as_dict().items():
        setattr(model, name, value)


def _from_model(model: Goal) -> GoalRecord:
    values = {name: getattr(model, name) for name in GOAL_FIELDS}
    values["areas"] = tuple(model.areas) if model.areas is not None else None
    return GoalRecord(**values, origin=model.origin)


def _from_row(row: Any) -> GoalRecord:
    values = {name: row[name] for name in GOAL_FIELDS}
    values["areas"] = tuple(values["areas"]) if values["areas"] is not None else None
    return GoalRecord(**values, origin=row["origin"])


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
    with Session(engine) as session, session.begin():
        existing = session.get(Goal, goal.id)
        if existing is not None:
            where = "i målkatalogen" if existing.origin == ORIGIN_CATALOGUE else "bland egna mål"
            raise DuplicateGoalError(f'Id "{goal.id}" används redan {where}; välj ett annat id.')
        session.add(_to_model(goal, ORIGIN_USER))
        _log(session, goal.id, ACTION_ADD, None, goal, note, changed_by)
    log.info("Goal added: %s (by %s)", goal.id, changed_by or "-")
    return replace(goal, origin=ORIGIN_USER)


def update_user_goal(
    engine: Engine, goal: GoalRecord, note: str = "", *, changed_by: str | None = None
) -> GoalRecord:
    """Replace the user goal with ``goal.id`` and log the change (nothing is logged when the
    goal is unchanged); returns the goal as stored.

    Raises :class:`UnknownGoalError` for an unknown id, :class:`CatalogueGoalError` for a
    catalogue row.
    """
    with Session(engine) as session, session.begin():
        model = _stored_user_goal(session, goal.id)
        before = _from_model(model)
        if before != goal:
            _update_model(model, goal)
            _log(session, goal.id, ACTION_CHANGE, before, goal, note, changed_by)
            log.info("Goal changed: %s (by %s)", goal.id, changed_by or "-")
        return _from_model(model)


def delete_user_goal(
    engine: Engine, goal_id: str, note: str = "", *, changed_by: str | None = None
) -> GoalRecord:
    """Remove the user goal ``goal_id`` and log it; returns the removed goal.

    Raises :class:`UnknownGoalError` for an unknown id, :class:`CatalogueGoalError` for a
    catalogue row.
    """
    with Session(engine) as session, session.begin():
        model = _stored_user_goal(session, goal_id)
        before = _from_model(model)
        session.delete(model)
        _log(session, goal_id, ACTION_REMOVE, before, None, note, changed_by)
    log.info("Goal removed: %s (by %s)", goal_id, changed_by or "-")
    return before


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
    that differs from the catalogue row with its id.
    """
    goals = list(goals)
    added: list[str] = []
    changed: list[str] = []
    unchanged: list[str] = []
    with Session(engine) as session, session.begin():
        ids = [goal.id for goal in goals]
        stored = {
            model.id: model for model in session.scalars(select(Goal).where(Goal.id.in_(ids)))
        }
        for goal in goals:
            model = stored.get(goal.id)
            if model is None:
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
            _update_model(model, goal)
            _log(session, goal.id, ACTION_CHANGE, before, goal, note, changed_by)
            changed.append(goal.id)
    return SavedGoals(tuple(added), tuple(changed), tuple(unchanged))


__all__ = [
    "ACTION_ADD",
    "ACTION_CHANGE",
    "ACTION_REMOVE",
    "CATALOGUE_PATH",
    "GOAL_FIELDS",
    "ORIGINS",
    "ORIGIN_CATALOGUE",
    "ORIGIN_USER",
    "CatalogueGoalError",
    "DuplicateGoalError",
    "GoalChangeRecord",
    "GoalError",
    "GoalRecord",
    "SavedGoals",
    "UnknownGoalError",
    "delete_user_goal",
    "get_goal",
    "goal_changes",
    "insert_user_goal",
    "replace_catalogue_goals",
    "save_user_goals",
    "search_goals",
    "select_goals",
    "update_user_goal",
]
