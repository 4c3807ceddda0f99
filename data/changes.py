"""The change log of qualitative assessments and slideshows (``record_changes``), and the
error every versioned record raises for a save against a version that is no longer stored.

Goals, assessments and slideshows carry a ``version`` that SQLAlchemy raises by one with each
change and checks in the ``UPDATE``/``DELETE`` itself. A form sends the version it was opened
with; a save against any other version raises a :class:`StaleRecordError` carrying what is
stored now, so that the page can show what differs instead of undoing someone else's change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data.models import RecordChange

#: Logged actions (goals' log uses the same words).
ACTION_ADD, ACTION_CHANGE, ACTION_REMOVE = "add", "change", "remove"
ACTIONS: tuple[str, ...] = (ACTION_ADD, ACTION_CHANGE, ACTION_REMOVE)

#: The kinds of record logged in ``record_changes``.
RECORD_ASSESSMENT = "assessment"
RECORD_SLIDESHOW = "slideshow"


class StaleRecordError(Exception):
    """A save or removal against a version that is no longer stored: someone else changed or
    removed the record since the form was opened. ``stored`` holds what is stored now (a dict
    of the record's fields), ``None`` when it has been removed. Nothing was written.

    A subclass that is also another error names this class first (``class StaleGoalError(
    StaleRecordError, GoalError)``), so that this ``__init__`` runs."""

    def __init__(self, message: str, stored: dict[str, Any] | None) -> None:
        super().__init__(message)
        self.stored = stored


@dataclass(frozen=True)
class ChangeRecord:
    """One logged change of an assessment or a slideshow."""

    id: int
    changed_at: dt.datetime
    record_type: str
    record_id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    #: The signed-in editor who made the change (``None``: the command line).
    changed_by: str | None


def log_change(
    session: Session,
    record_type: str,
    record_id: int | str,
    action: str,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    changed_by: str | None,
) -> None:
    """Add one entry to the log, in the caller's transaction (so that the change and its entry
    are stored together or not at all). ``before`` and ``after`` must be JSON-ready."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    session.add(
        RecordChange(
            record_type=record_type,
            record_id=str(record_id),
            action=action,
            before=before,
            after=after,
            changed_by=changed_by,
        )
    )


def list_changes(
    engine: Engine,
    *,
    record_type: str | None = None,
    record_id: int | str | None = None,
    limit: int | None = None,
) -> list[ChangeRecord]:
    """Logged changes, newest first; each argument given narrows the list."""
    query = select(RecordChange).order_by(RecordChange.id.desc())
    if record_type is not None:
        query = query.where(RecordChange.record_type == record_type)
    if record_id is not None:
        query = query.where(RecordChange.record_id == str(record_id))
    if limit is not None:
        query = query.limit(limit)
    with Session(engine) as session:
        return [
            ChangeRecord(
                id=change.id,
                changed_at=change.changed_at,
                record_type=change.record_type,
                record_id=change.record_id,
                action=change.action,
                before=change.before,
                after=change.after,
                changed_by=change.changed_by,
            )
            for change in session.scalars(query)
        ]


__all__ = [
    "ACTIONS",
    "ACTION_ADD",
    "ACTION_CHANGE",
    "ACTION_REMOVE",
    "RECORD_ASSESSMENT",
    "RECORD_SLIDESHOW",
    "ChangeRecord",
    "StaleRecordError",
    "list_changes",
    "log_change",
]
