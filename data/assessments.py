"""Stored qualitative assessments: the record type and the rows of ``qualitative_assessments``.

Storage only: :func:`insert_assessment` stores what the caller has already checked, exactly as
given; the other functions read and delete rows. An assessment row concerns one area and either
a ``kpi_id`` or an ``sdg_goal`` number.

Each row carries a ``version`` (SQLAlchemy's version counter, 1 when stored): a removal may name
the version its page showed, and one against any other version is refused with
:class:`StaleAssessmentError`. Adding and removing are logged in ``record_changes``
(:mod:`data.changes`) in the same transaction as the change itself.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine, Select, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from data.areas import DEFAULT_AREAS
from data.changes import (
    ACTION_ADD,
    ACTION_REMOVE,
    RECORD_ASSESSMENT,
    StaleRecordError,
    log_change,
)
from data.models import Area, QualitativeAssessment

log = logging.getLogger(__name__)


class AssessmentError(ValueError):
    """An assessment operation that cannot be done; the message is in Swedish, for the user."""


class UnknownAssessmentError(AssessmentError):
    """No assessment with the given id exists."""


#: What the editor is told when the assessment changed since the page showed it.
STALE_MESSAGE = "Bedömningen har ändrats av någon annan – ladda om sidan."


class StaleAssessmentError(AssessmentError, StaleRecordError):
    """The assessment is no longer stored at the version the page showed (changed or removed
    by someone else); ``stored`` holds its fields as stored now (``None``: removed). Nothing
    was written."""

    def __init__(self, message: str, stored: dict[str, Any] | None) -> None:
        StaleRecordError.__init__(self, message, stored)


@dataclass(frozen=True)
class AssessmentRecord:
    """One stored assessment."""

    id: int
    area_id: str
    kpi_id: str | None
    sdg_goal: int | None
    assessed_on: dt.date
    judgement: str | None
    text: str
    author: str
    created_at: dt.datetime
    #: The signed-in editor who stored it (``author`` is what the editor typed).
    created_by: str | None = None
    #: Raised by one with each change (1 when stored).
    version: int = 1


def assessment_fields(record: AssessmentRecord) -> dict[str, Any]:
    """The record's fields as JSON-ready values (dates and times as ISO text), as the change
    log and :attr:`StaleAssessmentError.stored` hold them."""
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in asdict(record).items()
    }


def _record(model: QualitativeAssessment) -> AssessmentRecord:
    return AssessmentRecord(
        id=model.id,
        area_id=model.area_id,
        kpi_id=model.kpi_id,
        sdg_goal=model.sdg_goal,
        assessed_on=model.assessed_on,
        judgement=model.judgement,
        text=model.text,
        author=model.author,
        created_at=model.created_at,
        created_by=model.created_by,
        version=model.version,
    )


# --------------------------------------------------------------------------- reading


def known_area_ids(engine: Engine) -> frozenset[str]:
    """The dashboard's default areas and every area stored in the database."""
    with Session(engine) as session:
        stored = session.scalars(select(Area.id)).all()
    return frozenset(DEFAULT_AREAS) | frozenset(stored)


def _narrowed(
    query: Select, area_id: str | None, kpi_id: str | None, sdg_goal: int | None
) -> Select:
    if area_id is not None:
        query = query.where(QualitativeAssessment.area_id == area_id)
    if kpi_id is not None:
        query = query.where(QualitativeAssessment.kpi_id == kpi_id)
    if sdg_goal is not None:
        query = query.where(QualitativeAssessment.sdg_goal == sdg_goal)
    return query


def list_assessments(
    engine: Engine,
    *,
    area_id: str | None = None,
    kpi_id: str | None = None,
    sdg_goal: int | None = None,
    limit: int | None = None,
) -> list[AssessmentRecord]:
    """Stored assessments, newest first (by date, then the latest entered first); at most
    ``limit`` of them.

    Each argument given narrows the list: ``kpi_id`` keeps the assessments of that KPI,
    ``sdg_goal`` those of that goal number.
    """
    query = _narrowed(select(QualitativeAssessment), area_id, kpi_id, sdg_goal)
    query = query.order_by(
        QualitativeAssessment.assessed_on.desc(), QualitativeAssessment.id.desc()
    )
    if limit is not None:
        query = query.limit(limit)
    with Session(engine) as session:
        return [_record(model) for model in session.scalars(query)]


def count_assessments(
    engine: Engine,
    *,
    area_id: str | None = None,
    kpi_id: str | None = None,
    sdg_goal: int | None = None,
) -> int:
    """How many assessments :func:`list_assessments` would list without a limit."""
    query = _narrowed(
        select(func.count()).select_from(QualitativeAssessment), area_id, kpi_id, sdg_goal
    )
    with Session(engine) as session:
        return session.scalar(query) or 0


def select_assessments(
    engine: Engine,
    *,
    area_ids: Collection[str] | None = None,
    kpi_ids: Collection[str] | None = None,
    sdg_goals: Collection[int] | None = None,
) -> list[AssessmentRecord]:
    """Stored assessments of ``area_ids`` (``None``: every area) that concern one of ``kpi_ids``
    or one of ``sdg_goals``; when both are ``None``, whatever they concern. In the order stored.
    """
    query = select(QualitativeAssessment).order_by(QualitativeAssessment.id)
    if area_ids is not None:
        query = query.where(QualitativeAssessment.area_id.in_(list(area_ids)))
    concerning = []
    if kpi_ids is not None:
        concerning.append(QualitativeAssessment.kpi_id.in_(list(kpi_ids)))
    if sdg_goals is not None:
        concerning.append(QualitativeAssessment.sdg_goal.in_(list(sdg_goals)))
    if concerning:
        query = query.where(or_(*concerning))
    with Session(engine) as session:
        return [_record(model) for model in session.scalars(query)]


def get_assessment(engine: Engine, assessment_id: int) -> AssessmentRecord | None:
    """The stored assessment with ``assessment_id``, or ``None``."""
    with Session(engine) as session:
        model = session.get(QualitativeAssessment, assessment_id)
        return _record(model) if model is not None else None


# --------------------------------------------------------------------------- writing


def insert_assessment(
    engine: Engine,
    *,
    area_id: str,
    kpi_id: str | None,
    sdg_goal: int | None,
    assessed_on: dt.date,
    judgement: str | None,
    text: str,
    author: str,
    created_by: str | None = None,
) -> AssessmentRecord:
    """Store an assessment exactly as given (``created_by``: the signed-in editor); returns it
    as stored (with its id, time and version 1). The addition is logged with its fields and
    ``created_by``."""
    with Session(engine) as session, session.begin():
        model = QualitativeAssessment(
            area_id=area_id,
            kpi_id=kpi_id,
            sdg_goal=sdg_goal,
            assessed_on=assessed_on,
            judgement=judgement,
            text=text,
            author=author,
            created_by=created_by,
        )
        session.add(model)
        session.flush()
        record = _record(model)
        log_change(
            session,
            RECORD_ASSESSMENT,
            record.id,
            ACTION_ADD,
            before=None,
            after=assessment_fields(record),
            changed_by=created_by,
        )
    log.info("Assessment %d added for area %s by %s", record.id, area_id, created_by or "-")
    return record


def delete_assessment(
    engine: Engine,
    assessment_id: int,
    *,
    expected_version: int | None = None,
    deleted_by: str | None = None,
) -> AssessmentRecord:
    """Remove an assessment; returns it as it was. ``deleted_by`` (the signed-in editor) is
    logged with the removal, in the same transaction.

    Raises :class:`UnknownAssessmentError` if it is missing, and :class:`StaleAssessmentError`
    when ``expected_version`` (the version the page showed; ``None``: whatever is stored) is not
    the stored one, or the row changed while it was being removed; nothing is removed then.
    """
    try:
        with Session(engine) as session, session.begin():
            model = session.get(QualitativeAssessment, assessment_id)
            if model is None:
                raise UnknownAssessmentError(f"Det finns ingen bedömning med id {assessment_id}.")
            record = _record(model)
            if expected_version is not None and record.version != expected_version:
                log.warning(
                    "Assessment %d not removed: version %d shown, %d stored",
                    assessment_id,
                    expected_version,
                    record.version,
                )
                raise StaleAssessmentError(STALE_MESSAGE, assessment_fields(record))
            log_change(
                session,
                RECORD_ASSESSMENT,
                assessment_id,
                ACTION_REMOVE,
                before=assessment_fields(record),
                after=None,
                changed_by=deleted_by,
            )
            session.delete(model)
    except StaleDataError as error:
        log.warning("Assessment %d not removed: changed while removing it", assessment_id)
        current = get_assessment(engine, assessment_id)
        stored = assessment_fields(current) if current is not None else None
        raise StaleAssessmentError(STALE_MESSAGE, stored) from error
    log.info("Assessment %d removed by %s", assessment_id, deleted_by or "-")
    return record


__all__ = [
    "STALE_MESSAGE",
    "AssessmentError",
    "AssessmentRecord",
    "StaleAssessmentError",
    "UnknownAssessmentError",
    "assessment_fields",
    "count_assessments",
    "delete_assessment",
    "get_assessment",
    "insert_assessment",
    "known_area_ids",
    "list_assessments",
    "select_assessments",
]
