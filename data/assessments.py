"""Qualitative follow-up: officials' dated assessments of an area's development.

An assessment concerns one area (a municipality, Region Dalarna or Riket) and either one
indicator (a KPI id in the indicator catalogue) or one Sustainable Development Goal (1–17). It
holds a short text (1–:data:`MAX_TEXT_LENGTH` characters), an optional judgement
(:data:`JUDGEMENTS`: bättre, oförändrad, sämre), the date it was made (not in the future) and
its author. Text is stored exactly as written; showing it safely is the pages' concern (as plain
text, never as markup).

Every rule broken is reported at once: :class:`InvalidAssessmentError` lists one
:class:`AssessmentProblem` per field, each with a Swedish message naming the field.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from data.areas import DEFAULT_AREAS
from data.models import Area, QualitativeAssessment

log = logging.getLogger(__name__)

#: The judgements an assessment may carry, from better to worse (``None``: no judgement).
JUDGEMENTS: tuple[str, ...] = ("bättre", "oförändrad", "sämre")
MAX_TEXT_LENGTH = 2000
MAX_AUTHOR_LENGTH = 200
FIRST_SDG_GOAL, LAST_SDG_GOAL = 1, 17
EARLIEST_DATE = dt.date(1900, 1, 1)

#: The columns of :func:`assessments_for_export`, in order.
EXPORT_COLUMNS: tuple[str, ...] = (
    "area_id",
    "kpi_id",
    "sdg_goal",
    "assessed_on",
    "judgement",
    "text",
    "author",
)

#: Each field's Swedish name, as the messages and the form call it.
FIELD_LABELS: dict[str, str] = {
    "area_id": "område",
    "kpi_id": "indikator",
    "sdg_goal": "globalt mål",
    "assessed_on": "datum",
    "judgement": "bedömning",
    "text": "text",
    "author": "författare",
}

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class AssessmentProblem:
    """One rule an assessment breaks: the field and, in Swedish, what to fix."""

    field: str
    message: str

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    def __str__(self) -> str:
        return f'Fältet "{self.label}": {self.message}'


class AssessmentError(ValueError):
    """An assessment operation that cannot be done; the message is in Swedish, for the user."""


class InvalidAssessmentError(AssessmentError):
    """The assessment breaks one or more rules; ``problems`` lists every one."""

    def __init__(self, problems: Sequence[AssessmentProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class UnknownAssessmentError(AssessmentError):
    """No assessment with the given id exists."""


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
    )


# --------------------------------------------------------------------------- validation


def known_area_ids(engine: Engine) -> frozenset[str]:
    """The dashboard's default areas and every area stored in the database."""
    with Session(engine) as session:
        stored = session.scalars(select(Area.id)).all()
    return frozenset(DEFAULT_AREAS) | frozenset(stored)


def _catalogue_kpi_ids() -> frozenset[str]:
    from indicators.catalogue import catalogue_by_id

    return frozenset(catalogue_by_id())


def _parse_date(value: object, problems: list[AssessmentProblem]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    shown = "tomt" if value is None or str(value).strip() == "" else f'"{value}"'
    problems.append(
        AssessmentProblem(
            "assessed_on", f"{shown} är inget datum – ange datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-03-15"
        )
    )
    return None


def check_assessment(
    *,
    area_id: str,
    kpi_id: str | None,
    sdg_goal: int | None,
    assessed_on: dt.date | str | None,
    text: str,
    judgement: str | None,
    author: str,
    known_areas: Collection[str],
    known_kpis: Collection[str],
    today: dt.date,
) -> tuple[dt.date | None, list[AssessmentProblem]]:
    """Every rule an assessment breaks, and its date (``None`` when it is not a date)."""
    problems: list[AssessmentProblem] = []
    if area_id not in known_areas:
        problems.append(
            AssessmentProblem(
                "area_id",
                f'"{area_id}" är inget känt område – välj en kommun, Region Dalarna eller Riket '
                "(områdes-id med fyra siffror, t.ex. 2062 för Mora)",
            )
        )
    if kpi_id is None and sdg_goal is None:
        problems.append(
            AssessmentProblem(
                "kpi_id", "välj vad bedömningen gäller: en indikator eller ett globalt mål"
            )
        )
    elif kpi_id is not None and sdg_goal is not None:
        problems.append(
            AssessmentProblem(
                "sdg_goal",
                "en bedömning gäller antingen en indikator eller ett globalt mål, inte båda – "
                "lämna det globala målet tomt för en bedömning av en indikator",
            )
        )
    if kpi_id is not None and kpi_id not in known_kpis:
        problems.append(
            AssessmentProblem(
                "kpi_id",
                f'"{kpi_id}" finns inte i indikatorkatalogen – ange ett nyckeltals-id som N00401',
            )
        )
    if sdg_goal is not None and (
        isinstance(sdg_goal, bool)
        or not isinstance(sdg_goal, int)
        or not FIRST_SDG_GOAL <= sdg_goal <= LAST_SDG_GOAL
    ):
        problems.append(
            AssessmentProblem(
                "sdg_goal",
                f'"{sdg_goal}" är inget globalt mål – ange ett nummer '
                f"{FIRST_SDG_GOAL}–{LAST_SDG_GOAL}",
            )
        )
    date = _parse_date(assessed_on, problems)
    if date is not None:
        if date > today:
            problems.append(
                AssessmentProblem(
                    "assessed_on",
                    f"{date.isoformat()} ligger i framtiden – ange dagens datum "
                    f"({today.isoformat()}) eller ett tidigare",
                )
            )
        elif date < EARLIEST_DATE:
            problems.append(
                AssessmentProblem(
                    "assessed_on", f"{date.isoformat()} är för tidigt – ange ett datum från 1900"
                )
            )
    stripped = text.strip() if isinstance(text, str) else ""
    if not stripped:
        problems.append(AssessmentProblem("text", "tomt – skriv bedömningen (1–2000 tecken)"))
    elif len(stripped) > MAX_TEXT_LENGTH:
        problems.append(
            AssessmentProblem(
                "text",
                f"{len(stripped)} tecken är för långt – högst {MAX_TEXT_LENGTH} tecken",
            )
        )
    if judgement is not None and judgement not in JUDGEMENTS:
        problems.append(
            AssessmentProblem(
                "judgement",
                f'"{judgement}" är ingen bedömning – välj en av {", ".join(JUDGEMENTS)} '
                "eller ingen bedömning",
            )
        )
    if not isinstance(author, str) or len(author.strip()) > MAX_AUTHOR_LENGTH:
        problems.append(
            AssessmentProblem("author", f"för långt – högst {MAX_AUTHOR_LENGTH} tecken")
        )
    return date, problems


# --------------------------------------------------------------------------- database


def add_assessment(
    engine: Engine,
    *,
    area_id: str,
    kpi_id: str | None = None,
    sdg_goal: int | None = None,
    assessed_on: dt.date | str | None,
    text: str,
    judgement: str | None = None,
    author: str = "",
    today: dt.date | None = None,
    known_kpi_ids: Collection[str] | None = None,
) -> AssessmentRecord:
    """Check and store an assessment; returns it as stored.

    ``assessed_on`` is a date or ``ÅÅÅÅ-MM-DD`` text, not after ``today`` (default: the local
    date). ``known_kpi_ids`` defaults to the indicator catalogue. The text and the author are
    stored without surrounding white space. Raises :class:`InvalidAssessmentError` listing every
    problem; nothing is stored then.
    """
    date, problems = check_assessment(
        area_id=area_id,
        kpi_id=kpi_id,
        sdg_goal=sdg_goal,
        assessed_on=assessed_on,
        text=text,
        judgement=judgement,
        author=author,
        known_areas=known_area_ids(engine),
        known_kpis=_catalogue_kpi_ids() if known_kpi_ids is None else known_kpi_ids,
        today=today or dt.date.today(),
    )
    if problems:
        raise InvalidAssessmentError(problems)
    with Session(engine) as session, session.begin():
        model = QualitativeAssessment(
            area_id=area_id,
            kpi_id=kpi_id,
            sdg_goal=sdg_goal,
            assessed_on=date,
            judgement=judgement,
            text=text.strip(),
            author=author.strip(),
        )
        session.add(model)
        session.flush()
        record = _record(model)
    log.info("Assessment %d added for area %s", record.id, area_id)
    return record


def list_assessments(
    engine: Engine,
    *,
    area_id: str | None = None,
    kpi_id: str | None = None,
    sdg_goal: int | None = None,
) -> list[AssessmentRecord]:
    """Stored assessments, newest first (by date, then the latest entered first).

    Each argument given narrows the list: ``kpi_id`` keeps the assessments of that indicator,
    ``sdg_goal`` those of that goal.
    """
    query = select(QualitativeAssessment)
    if area_id is not None:
        query = query.where(QualitativeAssessment.area_id == area_id)
    if kpi_id is not None:
        query = query.where(QualitativeAssessment.kpi_id == kpi_id)
    if sdg_goal is not None:
        query = query.where(QualitativeAssessment.sdg_goal == sdg_goal)
    query = query.order_by(
        QualitativeAssessment.assessed_on.desc(), QualitativeAssessment.id.desc()
    )
    with Session(engine) as session:
        return [_record(model) for model in session.scalars(query)]


def get_assessment(engine: Engine, assessment_id: int) -> AssessmentRecord | None:
    """The stored assessment with ``assessment_id``, or ``None``."""
    with Session(engine) as session:
        model = session.get(QualitativeAssessment, assessment_id)
        return _record(model) if model is not None else None


def delete_assessment(engine: Engine, assessment_id: int) -> AssessmentRecord:
    """Remove an assessment; returns it. Raises :class:`UnknownAssessmentError` if missing."""
    with Session(engine) as session, session.begin():
        model = session.get(QualitativeAssessment, assessment_id)
        if model is None:
            raise UnknownAssessmentError(f"Det finns ingen bedömning med id {assessment_id}.")
        record = _record(model)
        session.delete(model)
    log.info("Assessment %d removed", assessment_id)
    return record


def assessments_for_export(
    engine: Engine,
    area_ids: Sequence[str] | None,
    kpi_ids: Sequence[str] | None,
) -> pd.DataFrame:
    """The assessments that belong with an export of ``area_ids`` × ``kpi_ids``.

    Keeps the assessments of the listed areas that concern one of the listed indicators or the
    Sustainable Development Goal of one of them (per the indicator catalogue). ``None`` means
    every area or every indicator (and then every goal). Columns: :data:`EXPORT_COLUMNS`;
    ``sdg_goal`` is a nullable integer, ``assessed_on`` a date. Ordered by area, indicator
    (goal assessments after them), goal and date, oldest first.
    """
    query = select(QualitativeAssessment)
    if area_ids is not None:
        query = query.where(QualitativeAssessment.area_id.in_(list(area_ids)))
    if kpi_ids is not None:
        from indicators.catalogue import catalogue_by_id

        catalogue = catalogue_by_id()
        goals = sorted({catalogue[k].sdg_goal for k in kpi_ids if k in catalogue})
        query = query.where(
            or_(
                QualitativeAssessment.kpi_id.in_(list(kpi_ids)),
                QualitativeAssessment.sdg_goal.in_(goals),
            )
        )
    with Session(engine) as session:
        records = [_record(model) for model in session.scalars(query)]
    records.sort(
        key=lambda r: (
            r.area_id,
            r.kpi_id is None,
            r.kpi_id or "",
            r.sdg_goal or 0,
            r.assessed_on,
            r.id,
        )
    )
    frame = pd.DataFrame(
        [{name: getattr(record, name) for name in EXPORT_COLUMNS} for record in records],
        columns=list(EXPORT_COLUMNS),
    )
    frame["sdg_goal"] = frame["sdg_goal"].astype("Int64")
    return frame


__all__ = [
    "EXPORT_COLUMNS",
    "FIELD_LABELS",
    "JUDGEMENTS",
    "MAX_AUTHOR_LENGTH",
    "MAX_TEXT_LENGTH",
    "AssessmentError",
    "AssessmentProblem",
    "AssessmentRecord",
    "InvalidAssessmentError",
    "UnknownAssessmentError",
    "add_assessment",
    "assessments_for_export",
    "check_assessment",
    "delete_assessment",
    "get_assessment",
    "known_area_ids",
    "list_assessments",
]
