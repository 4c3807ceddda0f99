"""The goal CSV: the file format of the goal catalogue ``data/goals.csv`` and of users' goal
files, read and written.

The columns are :data:`COLUMNS` (only those in :data:`REQUIRED_COLUMNS` must be present), one
goal per row, at most :data:`MAX_GOAL_ROWS` rows and :data:`MAX_GOAL_FILE_BYTES` bytes. UTF-8 (a
byte-order mark is fine; a file that is not UTF-8 is read as Windows-1252, as older Excel saves
it); UTF-16 and UTF-32 with a byte-order mark (Excel's "Unicode-text") are read too, while a file
with NUL bytes and no mark is refused with advice on how to save it
(:func:`data.file_text.decode_text`). Comma-separated; a semicolon-separated file, as Excel
saves it with Swedish settings, and a tab-separated one, as Excel's "Unicode-text", are
recognised from the header. Numbers are written with a
decimal point; a decimal comma (``1,5``) and spaces between thousands (``7 500 000``) are
accepted on reading (:func:`indicators.formatting.parse_decimal`). Several areas are separated by
``|``; the higher goals a goal contributes to (``contributes_to``, "målkedjan") by ``;``, and
each must be a goal of a higher level in the same file or among ``linked_levels`` (the stored
goals, for a user's file); a file without the column reads as goals that name none. Every row
is checked with the goal rules (:mod:`indicators.goal_validation`) before anything is returned,
and every problem is reported with file, line, field, the value found and the expected form.

A text cell that a spreadsheet would run as a formula is written with a leading apostrophe, and
reading removes exactly that apostrophe from text cells, so a written file reads back unchanged
(:func:`indicators.spreadsheet.escape_formula`); numbers stay plain (``-0.7``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from data.file_text import NotTextError, decode_text
from data.goals import GoalRecord
from indicators.formatting import parse_decimal
from indicators.goal_validation import (
    AREA_SEPARATOR,
    MAX_YEAR,
    MIN_YEAR,
    NUMBER_FIELDS,
    YEAR_FIELDS,
    GoalFileError,
    GoalProblem,
    GoalReport,
    check_goal,
    check_links,
    field_text,
    known_ids,
    links_text,
    parse_links,
)
from indicators.spreadsheet import escape_formula, unescape_formula

#: The column with the stored version of an exported goal: an import replaces only that
#: version, so a row changed by someone else since the export is reported, not undone. Empty
#: for a new goal; a file without the column (the catalogue, a file made by hand) replaces
#: goals by id whatever their version.
VERSION_COLUMN = "version"

#: The CSV columns, in file order: one per field of :class:`~data.goals.GoalRecord` but
#: ``origin``.
COLUMNS: tuple[str, ...] = (
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
    "secondary_source_url",
    "adopted_year",
    "contributes_to",
    VERSION_COLUMN,
)
REQUIRED_COLUMNS: tuple[str, ...] = (
    "id",
    "kpi_id",
    "level",
    "kind",
    "wording_sv",
    "source_document",
)
#: The columns holding text (the others hold numbers and years, written as plain numbers).
TEXT_COLUMNS: tuple[str, ...] = tuple(
    name for name in COLUMNS if name not in (*NUMBER_FIELDS, *YEAR_FIELDS, VERSION_COLUMN)
)

#: The most goals (rows) one file may hold, and the largest file read: a municipality's goals
#: are tens or hundreds; larger files are refused before their rows are checked.
MAX_GOAL_ROWS = 2000
MAX_GOAL_FILE_BYTES = 3_000_000
#: How to save a goal file that is not text in a known encoding.
SAVE_AS_CSV_UTF8 = (
    'Spara filen som CSV UTF-8 i Excel (Arkiv > Spara som > "CSV UTF-8 (kommaavgränsad)") och '
    "importera den igen."
)
#: The delimiters recognised from the header, in order of preference on a tie.
DELIMITERS: tuple[str, ...] = (",", ";", "\t")
_DELIMITER_NAMES = {"\t": "tabbtecken"}

_YEAR_PATTERN = re.compile(r"\d{4}")
_VERSION_PATTERN = re.compile(r"[1-9]\d{0,8}")

# A cell may be as long as a whole file: one too long for a goal is then told by the goal rules
# (field, limit) rather than by the csv module's own limit of 131 072 characters.
csv.field_size_limit(max(csv.field_size_limit(), MAX_GOAL_FILE_BYTES))


# --------------------------------------------------------------------------- goals ↔ rows


def goal_row(goal: GoalRecord) -> dict[str, str]:
    """The CSV columns of ``goal`` as text: decimal point, empty for missing values (text cells
    as they are; :func:`write_goal_csv` escapes formulas; the goals contributed to joined with
    ``;``)."""
    row = {name: field_text(getattr(goal, name)) for name in COLUMNS}
    row["contributes_to"] = links_text(goal.contributes_to)
    return row


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


def _version(text: str, report: GoalReport) -> int | None:
    """The version of an exported goal's row, ``None`` when empty (a new goal)."""
    if not text:
        return None
    if _VERSION_PATTERN.fullmatch(text):
        return int(text)
    report.add(VERSION_COLUMN, "ett versionsnummer (heltal) från en export, eller tomt för nya mål")
    return None


def _parse_row(
    row: Mapping[str, str | None],
    line: int,
    source: str,
    kpi_ids: Collection[str],
    area_ids: Collection[str],
) -> tuple[GoalRecord | None, list[GoalProblem]]:
    raw = {name: (row.get(name) or "").strip() for name in COLUMNS}
    report = GoalReport(source, line, raw)
    skip: set[str] = set()

    numbers: dict[str, float | None] = {}
    for name in NUMBER_FIELDS:
        text = raw[name]
        numbers[name] = None
        if text:
            try:
                numbers[name] = parse_decimal(text)
            except ValueError:
                report.add(name, "ett tal med decimalpunkt eller decimalkomma, t.ex. 1.5 eller 1,5")
                skip.add(name)
    years: dict[str, int | None] = {}
    for name in YEAR_FIELDS:
        text = raw[name]
        years[name] = None
        if text:
            if _YEAR_PATTERN.fullmatch(text):
                years[name] = int(text)
            else:
                report.add(name, f"ett årtal {MIN_YEAR}–{MAX_YEAR} med fyra siffror, t.ex. 2030")
                skip.add(name)
    version = _version(raw[VERSION_COLUMN], report)
    areas: tuple[str, ...] | None = None
    if raw["areas"]:
        areas = tuple(part.strip() for part in raw["areas"].split(AREA_SEPARATOR))

    goal = GoalRecord(
        id=raw["id"],
        kpi_id=raw["kpi_id"],
        level=raw["level"],
        kind=raw["kind"],
        operator=raw["operator"] or None,
        target_value=numbers["target_value"],
        relative_change=numbers["relative_change"],
        band_low=numbers["band_low"],
        band_high=numbers["band_high"],
        direction=raw["direction"] or None,
        base_year=years["base_year"],
        target_year=years["target_year"],
        areas=areas,
        wording_sv=raw["wording_sv"],
        source_document=raw["source_document"],
        source_url=raw["source_url"],
        secondary_source_url=raw["secondary_source_url"],
        adopted_year=years["adopted_year"],
        contributes_to=parse_links(raw["contributes_to"]),
        version=version,
    )
    check_goal(goal, report, kpi_ids, area_ids, skip)
    return (None if report.problems else goal), report.problems


def _link_problems(
    goals: list[tuple[int, GoalRecord]],
    levels: Mapping[str, str],
    source: str,
    problems: list[GoalProblem],
) -> list[tuple[int, GoalRecord]]:
    """The goals whose ``contributes_to`` names known goals of higher levels (``levels``: id →
    level of every goal a link may name); the problems of the others are appended."""
    kept: list[tuple[int, GoalRecord]] = []
    for line, goal in goals:
        report = GoalReport(source, line, {"contributes_to": links_text(goal.contributes_to)})
        check_links(goal, report, levels)
        problems.extend(report.problems)
        if not report.problems:
            kept.append((line, goal))
    return kept


def _parse_rows(
    numbered_rows: Iterable[tuple[int, Mapping[str, str | None]]],
    source: str,
    known_kpi_ids: Collection[str] | None,
    known_area_ids: Collection[str] | None,
    problems: list[GoalProblem],
    linked_levels: Mapping[str, str] | None = None,
) -> list[tuple[int, GoalRecord]]:
    """Parse and check every row; append all problems (including duplicate ids and links to
    unknown or not higher goals) to ``problems``."""
    kpi_ids, area_ids = known_ids(known_kpi_ids, known_area_ids)
    goals: list[tuple[int, GoalRecord]] = []
    first_line: dict[str, int] = {}
    levels = dict(linked_levels or {})
    for line, row in numbered_rows:
        levels[(row.get("id") or "").strip()] = (row.get("level") or "").strip()
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
    return _link_problems(goals, levels, source, problems)


def parse_goal_rows(
    rows: Iterable[Mapping[str, str | None]],
    *,
    source_name: str,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
    first_line: int = 2,
    linked_levels: Mapping[str, str] | None = None,
) -> list[GoalRecord]:
    """Check rows of text (CSV column → value) and return them as goals.

    Rows are numbered from ``first_line`` (line 1 is the header). Every row is checked; if any
    has a problem, :class:`~indicators.goal_validation.GoalFileError` is raised with all of them
    and nothing is returned. ``known_kpi_ids`` defaults to the indicator catalogue,
    ``known_area_ids`` to the default areas; ``linked_levels`` (id → level) are the goals
    besides the rows that ``contributes_to`` may name.
    """
    rows = list(rows)
    if len(rows) > MAX_GOAL_ROWS:
        raise _too_many_rows(source_name)
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
        linked_levels,
    )
    if problems:
        raise GoalFileError(problems)
    return [goal for _, goal in goals]


# --------------------------------------------------------------------------- reading


def _file_problem(source: str, found: str, expected: str) -> GoalFileError:
    return GoalFileError([GoalProblem(source, None, "(filen)", "", expected, found=found)])


def _too_many_rows(source: str) -> GoalFileError:
    return _file_problem(
        source,
        f"fler än {MAX_GOAL_ROWS} mål",
        f"högst {MAX_GOAL_ROWS} mål (rader) per fil; dela upp filen i flera filer",
    )


def _read_file(path: Path, source: str) -> str:
    """The text of a goal file: refused when larger than :data:`MAX_GOAL_FILE_BYTES` (only
    that much is read, to tell a file of too many rows from one of too long rows) or not text
    (NUL bytes without a byte-order mark)."""
    size = path.stat().st_size
    if size > MAX_GOAL_FILE_BYTES:
        with path.open("rb") as handle:
            start = handle.read(MAX_GOAL_FILE_BYTES)
        if start.count(b"\n") > MAX_GOAL_ROWS + 1:  # the header and more rows than allowed
            raise _too_many_rows(source)
        raise _file_problem(
            source,
            f"{size} byte",
            f"en fil på högst {MAX_GOAL_FILE_BYTES} byte (högst {MAX_GOAL_ROWS} mål); dela upp "
            "filen i flera filer",
        )
    try:
        return decode_text(path.read_bytes(), advice=SAVE_AS_CSV_UTF8)
    except NotTextError as error:
        raise _file_problem(
            source,
            "NUL-tecken (byte 0) i en fil utan byte-order-markering",
            f"en textfil med målen. {error.advice}",
        ) from None


def _delimiter(header_line: str) -> str:
    """The delimiter the header line uses most (a comma on a tie)."""
    return max(DELIMITERS, key=header_line.count)


def csv_table_rows(
    text: str,
    source: str,
    problems: list[GoalProblem],
    *,
    columns: Sequence[str],
    header_problems: Callable[[Sequence[str], str, int], list[GoalProblem]],
    is_text: Callable[[str], bool],
    max_rows: int,
    too_many: Callable[[str], Exception],
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV text (column → cell) with their first line numbers, for the files of
    goals and of insatser alike: the delimiter is the one the header line uses most, empty
    lines are skipped, the text columns (``is_text``) are stripped and lose a spreadsheet
    formula's guarding apostrophe. A missing header, the header's own problems
    (``header_problems``), a broken CSV row and extra fields are appended to ``problems``;
    more than ``max_rows`` rows raise ``too_many(source)``."""
    text = text.removeprefix("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = _delimiter(first)
    shown_delimiter = _DELIMITER_NAMES.get(delimiter, f'"{delimiter}"')
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next((values for values in reader if any(v.strip() for v in values)), None)
    if header is None:
        expected = "en rubrikrad med kolumnerna " + ", ".join(columns)
        problems.append(GoalProblem(source, 1, columns[0], "", expected, found="filen är tom"))
        return []
    header = [name.strip() for name in header]
    problems.extend(header_problems(header, source, reader.line_num))
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
        if len(rows) >= max_rows:
            raise too_many(source)
        extra = [value for value in values[len(header) :] if value.strip()]
        if extra:
            problems.append(
                GoalProblem(
                    source,
                    line,
                    "(extra fält)",
                    delimiter.join(extra),
                    f"högst {len(header)} fält per rad, som i rubrikraden (text med "
                    f"{shown_delimiter} eller radbrytning ska stå inom citattecken)",
                )
            )
        cells = {
            name: unescape_formula(value.strip()) if is_text(name) else value
            for name, value in zip(header, values, strict=False)
        }
        rows.append((line, cells))
    return rows


def _csv_rows(
    text: str, source: str, problems: list[GoalProblem]
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a goal CSV text with their first line numbers; header problems are appended."""
    return csv_table_rows(
        text,
        source,
        problems,
        columns=COLUMNS,
        header_problems=_header_problems,
        is_text=TEXT_COLUMNS.__contains__,
        max_rows=MAX_GOAL_ROWS,
        too_many=_too_many_rows,
    )


def read_numbered_goals(
    source: str | Path,
    *,
    source_name: str | None = None,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
    linked_levels: Mapping[str, str] | None = None,
) -> tuple[str, list[tuple[int, GoalRecord]]]:
    """As :func:`read_goal_csv`, with the name the problems use for the source and each goal's
    line number: ``(name, [(line, goal), ...])``."""
    if isinstance(source, Path) or "\n" not in source:
        path = Path(source)
        name = source_name or path.name
        text = _read_file(path, name)
    else:
        name = source_name or "CSV-texten"
        text = source
    problems: list[GoalProblem] = []
    rows = _csv_rows(text, name, problems)
    goals = _parse_rows(rows, name, known_kpi_ids, known_area_ids, problems, linked_levels)
    if problems:
        raise GoalFileError(problems)
    return name, goals


def read_goal_csv(
    path_or_text: str | Path,
    *,
    source_name: str | None = None,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
    linked_levels: Mapping[str, str] | None = None,
) -> list[GoalRecord]:
    """Read and check a goal CSV file (a :class:`~pathlib.Path`, or a ``str`` without a line
    break naming a file) or CSV text (a ``str`` with line breaks). A goal's ``contributes_to``
    may name the file's goals and those in ``linked_levels`` (id → level).

    Raises :class:`~indicators.goal_validation.GoalFileError` with every problem in the file,
    :class:`OSError` if the file cannot be read.
    """
    _, goals = read_numbered_goals(
        path_or_text,
        source_name=source_name,
        known_kpi_ids=known_kpi_ids,
        known_area_ids=known_area_ids,
        linked_levels=linked_levels,
    )
    return [goal for _, goal in goals]


# --------------------------------------------------------------------------- writing


def write_goal_csv(goals: Iterable[GoalRecord], buffer: TextIO) -> int:
    """Write goals as CSV (header and one row per goal) to a text buffer; returns the count.

    Text cells that a spreadsheet would run as a formula get a leading apostrophe
    (:func:`~indicators.spreadsheet.escape_formula`); numbers are written as they are."""
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for goal in goals:
        row = goal_row(goal)
        writer.writerow(
            {name: escape_formula(row[name]) if name in TEXT_COLUMNS else row[name] for name in row}
        )
        count += 1
    return count


__all__ = [
    "COLUMNS",
    "MAX_GOAL_FILE_BYTES",
    "MAX_GOAL_ROWS",
    "REQUIRED_COLUMNS",
    "TEXT_COLUMNS",
    "VERSION_COLUMN",
    "goal_row",
    "parse_goal_rows",
    "read_goal_csv",
    "read_numbered_goals",
    "write_goal_csv",
]
