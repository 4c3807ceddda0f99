"""Goals at four levels (lokal, regional, nationell, global): the catalogue and users' own goals.

A goal belongs to one indicator (a Kolada KPI id in the indicator catalogue) and applies to every
area or to the areas it names. Kinds:

* ``absolute`` – ``operator`` (``>=``/``<=``) ``target_value`` by ``target_year``;
* ``relative`` – ``relative_change`` (a fraction, ``-0.70`` for −70 %) from ``base_year`` by
  ``target_year``; the level is computed per area from that area's own base value;
* ``band`` – a value between ``band_low`` and ``band_high``;
* ``direction`` – ``up`` or ``down``, no number.

The shipped catalogue ``data/goals.csv`` holds sourced goals; :func:`sync_catalogue_goals` loads
it into the ``goals`` table with origin ``katalog``. Catalogue goals cannot be changed or removed
through this module. Users add their own goals (origin ``användare``) one at a time or from a CSV
file; they may add goals at the levels in :data:`USER_LEVELS` (``lokal`` and ``regional``), since
their municipality's and their region's goals are theirs to record, while global and national goals
come only from the sourced catalogue. Every change to a user goal is logged in ``goal_changes``.

CSV files: the columns in :data:`COLUMNS` (only those in :data:`REQUIRED_COLUMNS` must be present),
one goal per row, UTF-8 (a byte-order mark is fine; a file that is not UTF-8 is read as
Windows-1252, as older Excel saves it). Comma-separated; a semicolon-separated file, as Excel saves
it with Swedish settings, is recognised from its header. Numbers are written with a decimal point;
a decimal comma (``1,5``) and spaces between thousands (``7 500 000``) are accepted on import.
Several areas are separated by ``|``. Every row is checked before anything is stored, and every
problem is reported with file, line, field, the value found and the expected form.

A spreadsheet runs a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return as a
formula, so an export writes such a text cell (wording, source …) with a leading apostrophe
(``'=…``), as it does a text that already starts with apostrophes followed by one of those
characters; numbers stay plain (``-0.7``). An import removes exactly that one apostrophe from
text cells, so an exported file imports unchanged (:func:`escape_formula`,
:func:`unescape_formula`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from data.areas import DEFAULT_AREAS
from data.models import Goal, GoalChange

log = logging.getLogger(__name__)

CATALOGUE_PATH = Path(__file__).resolve().parent / "goals.csv"

LEVELS = ("lokal", "regional", "nationell", "global")
KINDS = ("absolute", "relative", "band", "direction")
OPERATORS = (">=", "<=")
DIRECTIONS = ("up", "down")
ORIGIN_CATALOGUE = "katalog"
ORIGIN_USER = "användare"
#: Levels at which users may add their own goals.
USER_LEVELS = ("lokal", "regional")
ACTION_ADD, ACTION_CHANGE, ACTION_REMOVE = "add", "change", "remove"

#: The CSV columns, in file order.
COLUMNS = (
    "id",
    "kpi_id",
    "level",
    "kind",
    "operator",
    "target_value",
    "relative_change",
    "band_low",
    "band_high",
    "direction",
    "base_year",
    "target_year",
    "areas",
    "wording_sv",
    "source_document",
    "source_url",
    "adopted_year",
)
REQUIRED_COLUMNS = ("id", "kpi_id", "level", "kind", "wording_sv", "source_document")
AREA_SEPARATOR = "|"
MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_ID_LENGTH = 64

_NUMBER_FIELDS = ("target_value", "relative_change", "band_low", "band_high")
_YEAR_FIELDS = ("base_year", "target_year", "adopted_year")
#: The columns holding text (the others hold numbers and years, written as plain numbers).
TEXT_COLUMNS = tuple(name for name in COLUMNS if name not in _NUMBER_FIELDS + _YEAR_FIELDS)
#: First characters that make a spreadsheet run a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"
_ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_AREA_PATTERN = re.compile(r"\d{4}")
_URL_PATTERN = re.compile(r"https?://\S+")
_DECIMAL_PATTERN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_NUMBER_SPACES = str.maketrans("", "", " \u00a0\u202f")


# --------------------------------------------------------------------------- records and errors


@dataclass(frozen=True, kw_only=True)
class GoalRecord:
    """One goal, as in a row of the goal CSV (see :data:`COLUMNS`).

    ``areas`` is ``None`` for a goal that applies to every area. ``origin`` is not a CSV column:
    it says where a stored goal came from (``katalog`` or ``användare``) and is ``None`` for a
    goal read from a file and not yet stored.
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
        """The CSV columns as JSON-ready values (areas as a list), as logged in goal changes."""
        values = {name: getattr(self, name) for name in COLUMNS}
        values["areas"] = list(self.areas) if self.areas is not None else None
        return values

    def as_row(self) -> dict[str, str]:
        """The CSV columns as text: decimal point, empty for missing values."""
        row: dict[str, str] = {}
        for name in COLUMNS:
            value = getattr(self, name)
            if value is None:
                row[name] = ""
            elif name == "areas":
                row[name] = AREA_SEPARATOR.join(value)
            elif name in _NUMBER_FIELDS:
                row[name] = format_number(value)
            else:
                row[name] = str(value)
        return row


@dataclass(frozen=True)
class GoalProblem:
    """One problem in a goal: where it is, the value found and the form expected."""

    source: str
    line: int | None
    field: str
    value: str
    expected: str
    found: str | None = None  # replaces the quoted value in the message, e.g. "kolumnen saknas"

    def __str__(self) -> str:
        where = f"{self.source} rad {self.line}" if self.line is not None else self.source
        found = self.found or (f'"{self.value}"' if self.value != "" else "tomt")
        return f'{where}, fält "{self.field}": {found} – förväntat {self.expected}'


class GoalError(ValueError):
    """A goal operation that cannot be done; the message is in Swedish, for the user."""


class InvalidGoalError(GoalError):
    """One or more goals break the rules; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[GoalProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class GoalFileError(InvalidGoalError):
    """A goal file has problems; nothing from it was stored."""


class CatalogueGoalError(GoalError):
    """The goal belongs to the shipped catalogue and cannot be changed or removed."""


class UnknownGoalError(GoalError):
    """No goal with the given id exists."""


class DuplicateGoalError(GoalError):
    """A goal with the given id already exists."""


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


@dataclass(frozen=True)
class GoalImportResult:
    """What an import did: ids of goals added, changed and already identical."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]


# --------------------------------------------------------------------------- numbers


def parse_decimal(text: str) -> float:
    """A number written with a decimal point or a decimal comma (``1.5``, ``1,5``, ``-0,70``).

    Spaces between thousands (``7 500 000``) and the minus sign ``−`` are accepted. Raises
    :class:`ValueError` for anything else, including a number with both a point and a comma.
    """
    cleaned = text.strip().translate(_NUMBER_SPACES).replace("−", "-")
    if "," in cleaned:
        if "." in cleaned or cleaned.count(",") > 1:
            raise ValueError(f"not a number: {text!r}")
        cleaned = cleaned.replace(",", ".")
    if not _DECIMAL_PATTERN.fullmatch(cleaned):
        raise ValueError(f"not a number: {text!r}")
    return float(cleaned)


def format_number(value: float) -> str:
    """A number as the CSV writes it: decimal point, no trailing ``.0``, exact round trip."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


# --------------------------------------------------------------------------- formula escaping


def _runs_as_formula(text: str) -> bool:
    """Whether ``text`` (after any leading apostrophes) starts like a spreadsheet formula."""
    return text.lstrip(FORMULA_ESCAPE).startswith(FORMULA_STARTS)


def escape_formula(text: str) -> str:
    """A text cell as the CSV writes it: ``'`` before a text that a spreadsheet would run as a
    formula (and before one that already starts with ``'`` followed by such a text, so that
    :func:`unescape_formula` gives it back unchanged)."""
    return FORMULA_ESCAPE + text if _runs_as_formula(text) else text


def unescape_formula(text: str) -> str:
    """A text cell as read from the CSV: the one ``'`` that :func:`escape_formula` added is
    removed; other text is left as it is."""
    if text.startswith(FORMULA_ESCAPE) and _runs_as_formula(text):
        return text[len(FORMULA_ESCAPE) :]
    return text


# --------------------------------------------------------------------------- known ids


def catalogue_kpi_ids() -> frozenset[str]:
    """The KPI ids of the indicator catalogue, which every goal's ``kpi_id`` must be in."""
    from indicators.catalogue import catalogue_by_id

    return frozenset(catalogue_by_id())


def _known(
    known_kpi_ids: Collection[str] | None, known_area_ids: Collection[str] | None
) -> tuple[Collection[str], Collection[str]]:
    kpis = catalogue_kpi_ids() if known_kpi_ids is None else known_kpi_ids
    areas = DEFAULT_AREAS.keys() if known_area_ids is None else known_area_ids
    return kpis, areas


# --------------------------------------------------------------------------- validation


class _Report:
    """Collects the problems of one row."""

    def __init__(self, source: str, line: int | None, raw: Mapping[str, str]) -> None:
        self.source = source
        self.line = line
        self.raw = raw
        self.problems: list[GoalProblem] = []

    def add(self, name: str, expected: str, *, found: str | None = None) -> None:
        self.problems.append(
            GoalProblem(self.source, self.line, name, self.raw.get(name, ""), expected, found)
        )


def _check_goal(
    goal: GoalRecord,
    report: _Report,
    kpi_ids: Collection[str],
    area_ids: Collection[str],
    skip: Collection[str] = (),
) -> None:
    """Report every rule ``goal`` breaks; fields in ``skip`` already had a format problem."""

    def ok(name: str) -> bool:
        return name not in skip

    if not (_ID_PATTERN.fullmatch(goal.id) and len(goal.id) <= MAX_ID_LENGTH):
        report.add(
            "id",
            f"ett id av små bokstäver a–z, siffror och bindestreck, högst {MAX_ID_LENGTH} tecken, "
            "t.ex. mora-utslapp-1-5-ton-2030",
        )
    if goal.kpi_id not in kpi_ids:
        report.add("kpi_id", "ett nyckeltals-id som finns i indikatorkatalogen, t.ex. N00401")
    if goal.level not in LEVELS:
        report.add("level", "en av " + ", ".join(LEVELS))
    if goal.kind not in KINDS:
        report.add("kind", "en av " + ", ".join(KINDS))
    kind = goal.kind

    def must_be_empty(name: str, used_for: str) -> None:
        if getattr(goal, name) is not None and ok(name) and kind in KINDS:
            report.add(name, f"tomt för kind {kind} ({name} används bara för {used_for})")

    # Kind-specific values.
    if kind == "absolute":
        if goal.operator is None:
            report.add("operator", "en av >=, <= (krävs för kind absolute)")
        elif goal.operator not in OPERATORS:
            report.add("operator", "en av >=, <=")
        if goal.target_value is None and ok("target_value"):
            report.add("target_value", "ett tal, t.ex. 1.5 (krävs för kind absolute)")
        if goal.target_year is None and ok("target_year"):
            report.add("target_year", "ett årtal, t.ex. 2030 (krävs för kind absolute)")
    else:
        must_be_empty("operator", "absolute")
        must_be_empty("target_value", "absolute")
    if kind == "relative":
        if goal.relative_change is None and ok("relative_change"):
            report.add(
                "relative_change",
                "en förändring som decimaltal, t.ex. -0.70 för −70 procent (krävs för kind "
                "relative)",
            )
        elif goal.relative_change is not None and goal.relative_change <= -1:
            report.add(
                "relative_change",
                "en förändring som decimaltal större än -1, t.ex. -0.70 för −70 procent",
            )
        for name in ("base_year", "target_year"):
            if getattr(goal, name) is None and ok(name):
                report.add(name, "ett årtal, t.ex. 2015 (krävs för kind relative)")
    else:
        must_be_empty("relative_change", "relative")
    if kind == "band":
        for name in ("band_low", "band_high"):
            if getattr(goal, name) is None and ok(name):
                report.add(name, "ett tal (krävs för kind band)")
        if (
            goal.band_low is not None
            and goal.band_high is not None
            and goal.band_low >= goal.band_high
        ):
            report.add("band_high", f"ett tal större än band_low ({report.raw.get('band_low')})")
    else:
        must_be_empty("band_low", "band")
        must_be_empty("band_high", "band")

    # Direction: required for direction goals, consistent with the numbers for the others.
    if goal.direction is None:
        if kind == "direction":
            report.add("direction", "en av up, down (krävs för kind direction)")
    elif goal.direction not in DIRECTIONS:
        report.add("direction", "en av up, down")
    elif kind == "absolute" and goal.operator in OPERATORS:
        implied = "up" if goal.operator == ">=" else "down"
        if goal.direction != implied:
            report.add(
                "direction",
                f"{implied} eller tomt, eftersom operator {goal.operator} betyder att "
                f"{'högre' if implied == 'up' else 'lägre'} värden är bättre",
            )
    elif kind == "relative" and goal.relative_change:
        implied = "up" if goal.relative_change > 0 else "down"
        if goal.direction != implied:
            report.add(
                "direction",
                f"{implied} eller tomt, eftersom relative_change är "
                f"{'positiv' if implied == 'up' else 'negativ'}",
            )

    # Years.
    for name in _YEAR_FIELDS:
        year = getattr(goal, name)
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            report.add(name, f"ett årtal {MIN_YEAR}–{MAX_YEAR}")
    if (
        goal.base_year is not None
        and goal.target_year is not None
        and goal.base_year >= goal.target_year
    ):
        report.add("target_year", f"ett år efter base_year ({goal.base_year})")

    # Areas.
    if goal.areas is not None:
        bad = [a for a in goal.areas if not _AREA_PATTERN.fullmatch(a) or a not in area_ids]
        if not goal.areas or bad:
            report.add(
                "areas",
                "områdes-id med fyra siffror bland de kända områdena, t.ex. 2062 (Mora); flera "
                f"åtskilda med {AREA_SEPARATOR}" + (f" (okänt: {', '.join(bad)})" if bad else ""),
            )
        elif len(set(goal.areas)) != len(goal.areas):
            report.add("areas", "varje område bara en gång")
    if goal.level == "lokal" and "areas" not in skip:
        areas = goal.areas or ()
        if len(areas) != 1 or areas[0].startswith("00"):
            report.add(
                "areas",
                "exakt ett kommun-id för level lokal (ett lokalt mål gäller en kommun), t.ex. 2062",
            )

    # Texts.
    if not goal.wording_sv.strip():
        report.add("wording_sv", "en text: målets lydelse på svenska")
    if not goal.source_document.strip():
        report.add("source_document", "en text som anger källan (dokument eller beslut)")
    if goal.source_url and not _URL_PATTERN.fullmatch(goal.source_url):
        report.add("source_url", "tomt eller en webbadress som börjar med http:// eller https://")


def validate_goal(
    goal: GoalRecord,
    *,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
    source_name: str | None = None,
) -> list[GoalProblem]:
    """Every rule ``goal`` breaks (an empty list for a valid goal)."""
    kpi_ids, area_ids = _known(known_kpi_ids, known_area_ids)
    report = _Report(source_name or f'målet "{goal.id}"', None, goal.as_row())
    _check_goal(goal, report, kpi_ids, area_ids)
    return report.problems


def _header_problems(columns: Sequence[str], source: str, line: int) -> list[GoalProblem]:
    problems = []
    seen: set[str] = set()
    for name in columns:
        if name not in COLUMNS:
            problems.append(
                GoalProblem(
                    source,
                    line,
                    name,
                    name,
                    "en av kolumnerna " + ", ".join(COLUMNS),
                    found="okänd kolumn",
                )
            )
        elif name in seen:
            problems.append(
                GoalProblem(source, line, name, name, "varje kolumn en gång", found="dubblerad")
            )
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(
                GoalProblem(
                    source,
                    line,
                    name,
                    "",
                    f'en kolumn med rubriken "{name}"',
                    found="kolumnen saknas",
                )
            )
    return problems


def _parse_row(
    row: Mapping[str, str | None],
    line: int,
    source: str,
    kpi_ids: Collection[str],
    area_ids: Collection[str],
) -> tuple[GoalRecord | None, list[GoalProblem]]:
    raw = {name: (row.get(name) or "").strip() for name in COLUMNS}
    report = _Report(source, line, raw)
    skip: set[str] = set()

    numbers: dict[str, float | None] = {}
    for name in _NUMBER_FIELDS:
        text = raw[name]
        numbers[name] = None
        if text:
            try:
                numbers[name] = parse_decimal(text)
            except ValueError:
                report.add(name, "ett tal med decimalpunkt eller decimalkomma, t.ex. 1.5 eller 1,5")
                skip.add(name)
    years: dict[str, int | None] = {}
    for name in _YEAR_FIELDS:
        text = raw[name]
        years[name] = None
        if text:
            if re.fullmatch(r"\d{4}", text):
                years[name] = int(text)
            else:
                report.add(name, f"ett årtal {MIN_YEAR}–{MAX_YEAR} med fyra siffror, t.ex. 2030")
                skip.add(name)
    areas: tuple[str, ...] | None = None
    if raw["areas"]:
        areas = tuple(part.strip() for part in raw["areas"].split(AREA_SEPARATOR))

    goal = GoalRecord(
        id=raw["id"],
        kpi_id=raw["kpi_id"],
        level=raw["level"],
        kind=raw["kind"],
        operator=raw["operator"] or None,
        direction=raw["direction"] or None,
        areas=areas,
        wording_sv=raw["wording_sv"],
        source_document=raw["source_document"],
        source_url=raw["source_url"],
        **numbers,
        **years,
    )
    _check_goal(goal, report, kpi_ids, area_ids, skip)
    return (None if report.problems else goal), report.problems


def _parse_rows(
    numbered_rows: Iterable[tuple[int, Mapping[str, str | None]]],
    source: str,
    known_kpi_ids: Collection[str] | None,
    known_area_ids: Collection[str] | None,
    problems: list[GoalProblem],
) -> list[tuple[int, GoalRecord]]:
    """Parse and check every row; append all problems (including duplicate ids) to ``problems``."""
    kpi_ids, area_ids = _known(known_kpi_ids, known_area_ids)
    goals: list[tuple[int, GoalRecord]] = []
    first_line: dict[str, int] = {}
    for line, row in numbered_rows:
        goal, row_problems = _parse_row(row, line, source, kpi_ids, area_ids)
        problems.extend(row_problems)
        goal_id = (row.get("id") or "").strip()
        if goal_id in first_line:
            problems.append(
                GoalProblem(
                    source,
                    line,
                    "id",
                    goal_id,
                    f"ett id som inte redan används (samma id finns på rad {first_line[goal_id]})",
                )
            )
        elif goal_id:
            first_line[goal_id] = line
        if goal is not None:
            goals.append((line, goal))
    return goals


def parse_goal_rows(
    rows: Iterable[Mapping[str, str | None]],
    *,
    source_name: str,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
    first_line: int = 2,
) -> list[GoalRecord]:
    """Check rows of text (CSV column → value) and return them as goals.

    Rows are numbered from ``first_line`` (line 1 is the header). Every row is checked; if any
    has a problem, :class:`GoalFileError` is raised with all of them and nothing is returned.
    ``known_kpi_ids`` defaults to the indicator catalogue, ``known_area_ids`` to the default areas.
    """
    rows = list(rows)
    columns: list[str] = []
    for row in rows:
        columns.extend(name for name in row if name is not None and name not in columns)
    problems = _header_problems(columns, source_name, first_line - 1) if rows else []
    for index, row in enumerate(rows):
        extra = row.get(None)  # type: ignore[call-overload]  # csv.DictReader's surplus fields
        if extra:
            problems.append(
                GoalProblem(
                    source_name,
                    first_line + index,
                    "(extra fält)",
                    ",".join(extra),
                    "lika många fält som i rubrikraden",
                )
            )
    goals = _parse_rows(
        ((first_line + index, row) for index, row in enumerate(rows)),
        source_name,
        known_kpi_ids,
        known_area_ids,
        problems,
    )
    if problems:
        raise GoalFileError(problems)
    return [goal for _, goal in goals]


# --------------------------------------------------------------------------- reading CSV


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(
    text: str, source: str, problems: list[GoalProblem]
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a goal CSV text with their first line numbers; header problems are appended."""
    text = text.removeprefix("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next((values for values in reader if any(v.strip() for v in values)), None)
    if header is None:
        problems.append(
            GoalProblem(
                source,
                1,
                "id",
                "",
                "en rubrikrad med kolumnerna " + ", ".join(COLUMNS),
                found="filen är tom",
            )
        )
        return []
    header = [name.strip() for name in header]
    problems.extend(_header_problems(header, source, reader.line_num))
    rows: list[tuple[int, dict[str, str]]] = []
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(
                GoalProblem(
                    source, line, "(rad)", "", "en giltig CSV-rad", found=f"felaktig CSV ({error})"
                )
            )
            break
        if not any(value.strip() for value in values):
            continue
        values = [
            unescape_formula(value.strip()) if name in TEXT_COLUMNS else value
            for name, value in zip(header, values, strict=False)
        ] + values[len(header) :]
        if len(values) > len(header):
            extra = [value for value in values[len(header) :] if value.strip()]
            if extra:
                problems.append(
                    GoalProblem(
                        source,
                        line,
                        "(extra fält)",
                        delimiter.join(extra),
                        f"högst {len(header)} fält per rad, som i rubrikraden (text med "
                        f'"{delimiter}" eller radbrytning ska stå inom citattecken)',
                    )
                )
        rows.append((line, dict(zip(header, values, strict=False))))
    return rows


def _read_numbered(
    source: str | Path,
    source_name: str | None,
    known_kpi_ids: Collection[str] | None,
    known_area_ids: Collection[str] | None,
) -> tuple[str, list[tuple[int, GoalRecord]]]:
    if isinstance(source, Path) or "\n" not in source:
        path = Path(source)
        name = source_name or path.name
        text = _decode(path.read_bytes())
    else:
        name = source_name or "CSV-texten"
        text = source
    problems: list[GoalProblem] = []
    rows = _csv_rows(text, name, problems)
    goals = _parse_rows(rows, name, known_kpi_ids, known_area_ids, problems)
    if problems:
        raise GoalFileError(problems)
    return name, goals


def read_goal_csv(
    path_or_text: str | Path,
    *,
    source_name: str | None = None,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
) -> list[GoalRecord]:
    """Read and check a goal CSV file (a :class:`~pathlib.Path`, or a ``str`` without a line
    break naming a file) or CSV text (a ``str`` with line breaks).

    Raises :class:`GoalFileError` with every problem in the file, :class:`OSError` if the file
    cannot be read.
    """
    _, goals = _read_numbered(path_or_text, source_name, known_kpi_ids, known_area_ids)
    return [goal for _, goal in goals]


# --------------------------------------------------------------------------- database


def _to_model(goal: GoalRecord, origin: str) -> Goal:
    values = {name: getattr(goal, name) for name in COLUMNS}
    values["areas"] = list(goal.areas) if goal.areas is not None else None
    return Goal(**values, origin=origin)


def _update_model(model: Goal, goal: GoalRecord) -> None:
    for name in COLUMNS:
        value = getattr(goal, name)
        setattr(model, name, list(value) if name == "areas" and value is not None else value)


def _from_model(model: Goal) -> GoalRecord:
    values = {name: getattr(model, name) for name in COLUMNS}
    values["areas"] = tuple(model.areas) if model.areas is not None else None
    return GoalRecord(**values, origin=model.origin)


def _log(session: Session, goal_id: str, action: str, before, after, note: str) -> None:
    session.add(
        GoalChange(
            goal_id=goal_id,
            action=action,
            before=before.as_dict() if before is not None else None,
            after=after.as_dict() if after is not None else None,
            note=note,
        )
    )


def sync_catalogue_goals(
    engine: Engine,
    path: str | Path | None = None,
    *,
    known_kpi_ids: Collection[str] | None = None,
) -> int:
    """Load the goal catalogue (default ``data/goals.csv``) as the ``katalog`` goals.

    All catalogue rows are replaced in one transaction; user goals are left alone. Running it
    again with the same file changes nothing. The file is checked first: a file with problems
    raises :class:`GoalFileError` and the database is unchanged. Returns the number of goals.
    """
    goals = read_goal_csv(Path(path or CATALOGUE_PATH), known_kpi_ids=known_kpi_ids)
    ids = [goal.id for goal in goals]
    with Session(engine) as session, session.begin():
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
    log.info("Goal catalogue loaded: %d goals", len(goals))
    return len(goals)


def _level_order(goal: GoalRecord) -> tuple[int, str, str]:
    rank = LEVELS.index(goal.level) if goal.level in LEVELS else len(LEVELS)
    return rank, goal.kpi_id, goal.id


def list_goals(
    engine: Engine,
    *,
    kpi_id: str | None = None,
    level: str | None = None,
    area_id: str | None = None,
    origin: str | None = None,
) -> list[GoalRecord]:
    """Stored goals, ordered lokal → global, then by KPI and id.

    ``area_id`` keeps the goals for every area and those naming that area.
    """
    query = select(Goal)
    if kpi_id is not None:
        query = query.where(Goal.kpi_id == kpi_id)
    if level is not None:
        query = query.where(Goal.level == level)
    if origin is not None:
        query = query.where(Goal.origin == origin)
    with Session(engine) as session:
        goals = [_from_model(model) for model in session.scalars(query)]
    if area_id is not None:
        goals = [goal for goal in goals if goal.applies_to(area_id)]
    return sorted(goals, key=_level_order)


def get_goal(engine: Engine, goal_id: str) -> GoalRecord | None:
    """The stored goal with ``goal_id``, or ``None``."""
    with Session(engine) as session:
        model = session.get(Goal, goal_id)
        return _from_model(model) if model is not None else None


def _require_valid_user_goal(
    goal: GoalRecord,
    known_kpi_ids: Collection[str] | None,
    known_area_ids: Collection[str] | None,
) -> None:
    problems = validate_goal(goal, known_kpi_ids=known_kpi_ids, known_area_ids=known_area_ids)
    if problems:
        raise InvalidGoalError(problems)
    if goal.level not in USER_LEVELS:
        raise GoalError(
            f'Målet "{goal.id}" har nivån {goal.level}: egna mål kan ha nivån '
            f"{' eller '.join(USER_LEVELS)}. Globala och nationella mål finns i målkatalogen "
            "med sina källor."
        )


def _stored_user_goal(session: Session, goal_id: str) -> Goal:
    model = session.get(Goal, goal_id)
    if model is None:
        raise UnknownGoalError(f'Det finns inget mål med id "{goal_id}".')
    if model.origin == ORIGIN_CATALOGUE:
        raise CatalogueGoalError(
            f'Målet "{goal_id}" hör till målkatalogen och kan inte ändras eller tas bort. '
            "Lägg till ett eget mål med ett annat id i stället."
        )
    return model


def add_goal(
    engine: Engine,
    goal: GoalRecord,
    note: str = "",
    *,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
) -> GoalRecord:
    """Add a user goal and log it. Raises :class:`InvalidGoalError` for a goal that breaks the
    rules, :class:`GoalError` for a level users may not add, :class:`DuplicateGoalError` for an
    id already in use."""
    _require_valid_user_goal(goal, known_kpi_ids, known_area_ids)
    with Session(engine) as session, session.begin():
        existing = session.get(Goal, goal.id)
        if existing is not None:
            where = "i målkatalogen" if existing.origin == ORIGIN_CATALOGUE else "bland egna mål"
            raise DuplicateGoalError(f'Id "{goal.id}" används redan {where}; välj ett annat id.')
        session.add(_to_model(goal, ORIGIN_USER))
        _log(session, goal.id, ACTION_ADD, None, goal, note)
    log.info("Goal added: %s", goal.id)
    return replace(goal, origin=ORIGIN_USER)


def update_goal(
    engine: Engine,
    goal: GoalRecord,
    note: str = "",
    *,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
) -> GoalRecord:
    """Replace the user goal with ``goal.id`` and log the change (nothing is logged when the
    goal is unchanged). Catalogue goals raise :class:`CatalogueGoalError`."""
    _require_valid_user_goal(goal, known_kpi_ids, known_area_ids)
    with Session(engine) as session, session.begin():
        model = _stored_user_goal(session, goal.id)
        before = _from_model(model)
        if before != goal:
            _update_model(model, goal)
            _log(session, goal.id, ACTION_CHANGE, before, goal, note)
            log.info("Goal changed: %s", goal.id)
        return _from_model(model)


def remove_goal(engine: Engine, goal_id: str, note: str = "") -> GoalRecord:
    """Remove the user goal ``goal_id`` and log it; returns the removed goal."""
    with Session(engine) as session, session.begin():
        model = _stored_user_goal(session, goal_id)
        before = _from_model(model)
        session.delete(model)
        _log(session, goal_id, ACTION_REMOVE, before, None, note)
    log.info("Goal removed: %s", goal_id)
    return before


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
            )
            for change in session.scalars(query)
        ]


def import_goals_csv(
    engine: Engine,
    path: str | Path,
    note: str = "",
    *,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
) -> GoalImportResult:
    """Add or replace user goals from a CSV file, by id, logging each change with ``note``.

    Every row is checked first, also against the stored goals: a row may not change a catalogue
    goal (a row identical to a catalogue goal, as in an export of all goals, is skipped) and must
    have a level users may add. If anything is wrong, :class:`GoalFileError` lists every problem
    and nothing is stored. User goals that are not in the file are kept.
    """
    name, numbered = _read_numbered(Path(path), None, known_kpi_ids, known_area_ids)
    added: list[str] = []
    changed: list[str] = []
    unchanged: list[str] = []
    with Session(engine) as session, session.begin():
        ids = [goal.id for _, goal in numbered]
        stored = {
            model.id: model for model in session.scalars(select(Goal).where(Goal.id.in_(ids)))
        }
        problems: list[GoalProblem] = []
        for line, goal in numbered:
            model = stored.get(goal.id)
            if model is not None and model.origin == ORIGIN_CATALOGUE:
                if _from_model(model) != goal:
                    problems.append(
                        GoalProblem(
                            name,
                            line,
                            "id",
                            goal.id,
                            "ett id som inte finns i målkatalogen (katalogmål kan inte ändras; "
                            "ge det egna målet ett eget id)",
                        )
                    )
                continue
            if goal.level not in USER_LEVELS:
                problems.append(
                    GoalProblem(
                        name,
                        line,
                        "level",
                        goal.level,
                        f"{' eller '.join(USER_LEVELS)} för egna mål (globala och nationella mål "
                        "finns i målkatalogen)",
                    )
                )
        if problems:
            raise GoalFileError(problems)
        for _, goal in numbered:
            model = stored.get(goal.id)
            if model is None:
                session.add(_to_model(goal, ORIGIN_USER))
                _log(session, goal.id, ACTION_ADD, None, goal, note)
                added.append(goal.id)
                continue
            before = _from_model(model)
            if model.origin == ORIGIN_CATALOGUE or before == goal:
                unchanged.append(goal.id)
                continue
            _update_model(model, goal)
            _log(session, goal.id, ACTION_CHANGE, before, goal, note)
            changed.append(goal.id)
    log.info(
        "Goals imported from %s: %d added, %d changed, %d unchanged",
        name,
        len(added),
        len(changed),
        len(unchanged),
    )
    return GoalImportResult(tuple(added), tuple(changed), tuple(unchanged))


def write_goal_csv(goals: Iterable[GoalRecord], buffer: TextIO) -> int:
    """Write goals as CSV (header and one row per goal) to a text buffer; returns the count.

    Text cells that a spreadsheet would run as a formula get a leading apostrophe
    (:func:`escape_formula`); numbers are written as they are."""
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for goal in goals:
        row = goal.as_row()
        writer.writerow(
            {name: escape_formula(row[name]) if name in TEXT_COLUMNS else row[name] for name in row}
        )
        count += 1
    return count


def export_goals_csv(
    engine: Engine, path_or_buffer: str | Path | TextIO, *, origin: str | None = None
) -> int:
    """Write stored goals (all, or those of one ``origin``) as CSV; returns the number written.

    A file is written as UTF-8 with a byte-order mark so that Excel shows å, ä and ö; the file
    can be imported again with :func:`import_goals_csv`.
    """
    goals = list_goals(engine, origin=origin)
    if isinstance(path_or_buffer, str | Path):
        with Path(path_or_buffer).open("w", encoding="utf-8-sig", newline="") as handle:
            return write_goal_csv(goals, handle)
    return write_goal_csv(goals, path_or_buffer)


__all__ = [
    "ACTION_ADD",
    "ACTION_CHANGE",
    "ACTION_REMOVE",
    "CATALOGUE_PATH",
    "COLUMNS",
    "DIRECTIONS",
    "FORMULA_STARTS",
    "KINDS",
    "LEVELS",
    "OPERATORS",
    "ORIGIN_CATALOGUE",
    "ORIGIN_USER",
    "REQUIRED_COLUMNS",
    "TEXT_COLUMNS",
    "USER_LEVELS",
    "CatalogueGoalError",
    "DuplicateGoalError",
    "GoalChangeRecord",
    "GoalError",
    "GoalFileError",
    "GoalImportResult",
    "GoalProblem",
    "GoalRecord",
    "InvalidGoalError",
    "UnknownGoalError",
    "add_goal",
    "catalogue_kpi_ids",
    "escape_formula",
    "export_goals_csv",
    "format_number",
    "get_goal",
    "goal_changes",
    "import_goals_csv",
    "list_goals",
    "parse_decimal",
    "parse_goal_rows",
    "read_goal_csv",
    "remove_goal",
    "sync_catalogue_goals",
    "unescape_formula",
    "update_goal",
    "validate_goal",
    "write_goal_csv",
]
