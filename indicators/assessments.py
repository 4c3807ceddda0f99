"""Qualitative follow-up: officials' dated assessments of an area's development – the rules, the
service the pages call, and the table that goes with an export.

An assessment concerns one area (a municipality, Region Dalarna or Riket) and either one
indicator (a KPI id in the indicator catalogue) or one Sustainable Development Goal (1–17). It
holds a short text (1–:data:`MAX_TEXT_LENGTH` characters), an optional judgement
(:data:`JUDGEMENTS`: bättre, oförändrad, sämre), the date it was made (not in the future) and
its author. Text is stored exactly as written; showing it safely is the pages' concern (as plain
text, never as markup).

Every rule broken is reported at once: :class:`InvalidAssessmentError` lists one
:class:`AssessmentProblem` per field, each with a Swedish message naming the field. Checked
assessments are stored through :mod:`data.assessments`; the reads and the removal are here too
(:func:`list_assessments`, :func:`count_assessments`, :func:`get_assessment`,
:func:`delete_assessment`), so callers have
one import point; the record and the storage errors are defined in :mod:`data.assessments`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from data.assessments import (
    AssessmentError,
    AssessmentRecord,
    count_assessments,
    delete_assessment,
    get_assessment,
    insert_assessment,
    known_area_ids,
    list_assessments,
    select_assessments,
)
from indicators.catalogue import catalogue_by_id

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


# --------------------------------------------------------------------------- problems


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


class InvalidAssessmentError(AssessmentError):
    """The assessment breaks one or more rules; ``problems`` lists every one."""

    def __init__(self, problems: Sequence[AssessmentProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


# --------------------------------------------------------------------------- validation


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


def _subject_problems(
    area_id: str,
    kpi_id: str | None,
    sdg_goal: int | None,
    known_areas: Collection[str],
    known_kpis: Collection[str],
) -> list[AssessmentProblem]:
    """What the assessment concerns: a known area, and one known indicator or one goal."""
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
    return problems


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
    problems = _subject_problems(area_id, kpi_id, sdg_goal, known_areas, known_kpis)
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


# --------------------------------------------------------------------------- the service


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
    created_by: str | None = None,
) -> AssessmentRecord:
    """Check and store an assessment; returns it as stored.

    ``assessed_on`` is a date or ``ÅÅÅÅ-MM-DD`` text, not after ``today`` (default: the local
    date). ``known_kpi_ids`` defaults to the indicator catalogue. The text and the author are
    stored without surrounding white space; ``created_by`` is the signed-in editor. Raises
    :class:`InvalidAssessmentError` listing every problem; nothing is stored then.
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
        known_kpis=catalogue_by_id().keys() if known_kpi_ids is None else known_kpi_ids,
        today=today or dt.date.today(),
    )
    if problems or date is None:
        raise InvalidAssessmentError(problems)
    return insert_assessment(
        engine,
        area_id=area_id,
        kpi_id=kpi_id,
        sdg_goal=sdg_goal,
        assessed_on=date,
        judgement=judgement,
        text=text.strip(),
        author=author.strip(),
        created_by=created_by,
    )


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
    goals: list[int] | None = None
    if kpi_ids is not None:
        catalogue = catalogue_by_id()
        goals = sorted({catalogue[k].sdg_goal for k in kpi_ids if k in catalogue})
    records = select_assessments(engine, area_ids=area_ids, kpi_ids=kpi_ids, sdg_goals=goals)
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
    "AssessmentProblem",
    "InvalidAssessmentError",
    "add_assessment",
    "assessments_for_export",
    "check_assessment",
    "count_assessments",
    "delete_assessment",
    "get_assessment",
    "list_assessments",
]
