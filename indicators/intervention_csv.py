"""The intervention register as CSV: read, checked and written in the goal CSV's conventions.

One intervention per row, the columns :data:`COLUMNS` (only :data:`REQUIRED_COLUMNS` must be
present; their order is free)::

    id,title,area_id,status,start_year,end_year,indicators
    ,Laddstolpar,2080,pågår,2024,2027,"N85533:down:-10%:2030;N00401:down"

* ``indicators`` holds the linked indicators in the text form of
  :mod:`indicators.interventions` (``KPI:riktning[:förväntad förändring:år]``, separated by
  ``;``): ``N85533:down:-10%:2030`` is "Växthusgasutsläpp, transporter, down, −10 % by 2030",
  ``N07702:down:-1500:2028`` an expected change in the indicator's unit;
* ``goals`` the ids of the goals it serves, separated by ``|``;
* ``id`` and ``version`` are those of an exported intervention: a row with an id changes that
  intervention, and only at that version (one changed by someone else since the export is
  reported, not undone); a row without an id is a new intervention. A file without the
  ``version`` column changes interventions by id whatever their version.

Comma-, semicolon- (Excel with Swedish settings) or tab-separated, recognised from the header;
UTF-8 with or without a byte-order mark, UTF-16/32 with one, otherwise Windows-1252
(:func:`data.file_text.decode_text`); numbers with a decimal point or a decimal comma. At most
:data:`MAX_ROWS` rows and :data:`MAX_FILE_BYTES` bytes. Every row is checked before anything
is stored: one problem anywhere and the whole file is refused, every problem named with its
line and column (field). Text cells a spreadsheet would run as a formula are written with a
leading apostrophe, which reading removes again (:mod:`indicators.spreadsheet`).
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TextIO

from sqlalchemy import Engine

from data.file_text import NotTextError, decode_text
from data.interventions import (
    InterventionRecord,
    SavedInterventions,
    get_intervention,
    save_interventions,
)
from indicators.goal_csv import SAVE_AS_CSV_UTF8, csv_table_rows
from indicators.goal_validation import GoalProblem
from indicators.interventions import (
    GOAL_SEPARATOR,
    LINK_FORM,
    MAX_YEAR,
    MIN_YEAR,
    InvalidInterventionError,
    check_intervention,
    links_text,
    parse_goal_ids,
    parse_links,
    raw_fields,
)
from indicators.spreadsheet import escape_formula

log = logging.getLogger(__name__)

VERSION_COLUMN = "version"
COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "area_id",
    "responsible",
    "status",
    "start_year",
    "end_year",
    "indicators",
    "goals",
    "decision_reference",
    "decision_url",
    "description",
    VERSION_COLUMN,
)
REQUIRED_COLUMNS: tuple[str, ...] = ("title", "area_id", "status", "start_year")
#: Columns holding numbers (written plain, never escaped).
NUMBER_COLUMNS: tuple[str, ...] = ("id", "start_year", "end_year", VERSION_COLUMN)
MAX_ROWS = 1000
MAX_FILE_BYTES = 2_000_000
#: The formats an export is written in: standard CSV, or as Swedish Excel reads it.
FORMAT_CSV, FORMAT_EXCEL_SV = "csv", "excel-sv"

_YEAR_PATTERN = re.compile(r"\d{4}")
_NUMBER_PATTERN = re.compile(r"[1-9]\d{0,8}")

csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))


def _file_error(source: str, found: str, expected: str) -> InvalidInterventionError:
    return InvalidInterventionError([GoalProblem(source, None, "(filen)", "", expected, found)])


# --------------------------------------------------------------------------- reading rows


def _header_problems(header: Sequence[str], source: str, line: int) -> list[GoalProblem]:
    problems: list[GoalProblem] = []
    seen: set[str] = set()
    for name in header:
        if name not in COLUMNS:
            expected = "en av kolumnerna " + ", ".join(COLUMNS)
            problems.append(GoalProblem(source, line, name, name, expected, "okänd kolumn"))
        elif name in seen:
            problems.append(GoalProblem(source, line, name, name, "varje kolumn en gång"))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(
                GoalProblem(
                    source, line, name, "", f'en kolumn med rubriken "{name}"', "kolumnen saknas"
                )
            )
    return problems


def _text(data: bytes, source: str) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise _file_error(
            source,
            f"{len(data)} byte",
            f"en fil på högst {MAX_FILE_BYTES} byte (högst {MAX_ROWS} insatser)",
        )
    try:
        return decode_text(data, advice=SAVE_AS_CSV_UTF8)
    except NotTextError as error:
        raise _file_error(
            source, "NUL-tecken (byte 0)", f"en textfil med insatserna. {error.advice}"
        ) from None


def csv_rows(
    text: str, source: str, problems: list[GoalProblem]
) -> list[tuple[int, dict[str, str]]]:
    """The rows of CSV text (column → text, formulas' apostrophes removed) with their line
    numbers; header and CSV problems are appended to ``problems``."""
    rows = csv_table_rows(
        text,
        source,
        problems,
        columns=COLUMNS,
        header_problems=_header_problems,
        is_text=lambda name: name not in NUMBER_COLUMNS,
        max_rows=MAX_ROWS,
        too_many=lambda name: _file_error(
            name, f"fler än {MAX_ROWS} insatser", f"högst {MAX_ROWS} rader"
        ),
    )
    return [(line, {k: v.strip() for k, v in cells.items()}) for line, cells in rows]


# --------------------------------------------------------------------------- rows → records


def _number(raw: Mapping[str, str], name: str, skip: set[str], problems: list[str]) -> int | None:
    text = raw[name]
    if not text:
        return None
    pattern = _YEAR_PATTERN if name.endswith("_year") else _NUMBER_PATTERN
    if pattern.fullmatch(text):
        return int(text)
    skip.add(name)
    problems.append(name)
    return None


def parse_row(
    row: Mapping[str, str],
    line: int,
    source: str,
    *,
    known_kpi_ids: Collection[str] | None = None,
    known_goal_ids: Collection[str] | None = None,
) -> tuple[InterventionRecord | None, list[GoalProblem]]:
    """One row as an intervention, or ``None`` and its problems."""
    raw = {name: (row.get(name) or "").strip() for name in COLUMNS}
    skip: set[str] = set()
    bad_numbers: list[str] = []
    numbers = {name: _number(raw, name, skip, bad_numbers) for name in NUMBER_COLUMNS}
    problems: list[GoalProblem] = []
    expected = {
        "id": "ett id (heltal) från en export, eller tomt för en ny insats",
        VERSION_COLUMN: "ett versionsnummer (heltal) från en export, eller tomt",
        "start_year": f"ett årtal {MIN_YEAR}–{MAX_YEAR} med fyra siffror, t.ex. 2024",
        "end_year": f"ett årtal {MIN_YEAR}–{MAX_YEAR} med fyra siffror, eller tomt",
    }
    for name in bad_numbers:
        problems.append(GoalProblem(source, line, name, raw[name], expected[name]))
    if numbers["start_year"] is None and "start_year" not in skip:
        problems.append(GoalProblem(source, line, "start_year", "", expected["start_year"]))
        skip.add("start_year")
    if numbers[VERSION_COLUMN] is not None and numbers["id"] is None:
        problems.append(
            GoalProblem(
                source, line, VERSION_COLUMN, raw[VERSION_COLUMN], "tomt för en ny insats (utan id)"
            )
        )
    links, link_problems = parse_links(raw["indicators"])
    for problem in link_problems:
        problems.append(
            GoalProblem(source, line, "indicators", raw["indicators"], f"{LINK_FORM}: {problem}")
        )
    record = InterventionRecord(
        id=numbers["id"],
        title=raw["title"],
        area_id=raw["area_id"],
        responsible=raw["responsible"],
        status=raw["status"],
        start_year=numbers["start_year"] or MIN_YEAR,
        end_year=numbers["end_year"],
        indicators=links,
        goal_ids=parse_goal_ids(raw["goals"]),
        decision_reference=raw["decision_reference"],
        decision_url=raw["decision_url"],
        description=raw["description"],
        version=numbers[VERSION_COLUMN],
    )
    problems.extend(
        check_intervention(
            record,
            source=source,
            line=line,
            raw=raw,
            known_kpi_ids=known_kpi_ids,
            known_goal_ids=known_goal_ids,
            skip=skip,
        )
    )
    return (None if problems else record), problems


def read_intervention_csv(
    data: bytes,
    *,
    source_name: str = "Insatsfilen",
    known_kpi_ids: Collection[str] | None = None,
    known_goal_ids: Collection[str] | None = None,
) -> list[tuple[int, InterventionRecord]]:
    """Every row of a register file as ``(line, intervention)``; any problem in any row raises
    :class:`~indicators.interventions.InvalidInterventionError` with all of them."""
    problems: list[GoalProblem] = []
    rows = csv_rows(_text(data, source_name), source_name, problems)
    records: list[tuple[int, InterventionRecord]] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        record, row_problems = parse_row(
            row,
            line,
            source_name,
            known_kpi_ids=known_kpi_ids,
            known_goal_ids=known_goal_ids,
        )
        problems.extend(row_problems)
        row_id = (row.get("id") or "").strip()
        if row_id and row_id in first_line:
            problems.append(
                GoalProblem(
                    source_name,
                    line,
                    "id",
                    row_id,
                    f"varje id en gång (samma id finns på rad {first_line[row_id]})",
                )
            )
        elif row_id:
            first_line[row_id] = line
        if record is not None:
            records.append((line, record))
    if problems:
        raise InvalidInterventionError(problems)
    return records


def stored_problems(
    engine: Engine, numbered: Iterable[tuple[int, InterventionRecord]], source: str
) -> list[GoalProblem]:
    """The rows that name an intervention not stored here, or one changed since the version
    the row names (someone else saved it after the export)."""
    problems: list[GoalProblem] = []
    for line, record in numbered:
        if record.id is None:
            continue
        stored = get_intervention(engine, record.id)
        if stored is None:
            problems.append(
                GoalProblem(
                    source,
                    line,
                    "id",
                    str(record.id),
                    "id för en insats som finns här (den kan ha tagits bort sedan exporten); "
                    "lämna id och version tomma för att lägga till den som ny",
                )
            )
        elif record.version is not None and stored.version != record.version:
            by = f" av {stored.updated_by}" if stored.updated_by else ""
            problems.append(
                GoalProblem(
                    source,
                    line,
                    VERSION_COLUMN,
                    str(record.version),
                    f"version {stored.version}: insatsen har ändrats{by} sedan exporten – "
                    "exportera igen och gör ändringen där",
                )
            )
    return problems


def import_intervention_csv(
    engine: Engine,
    data: bytes,
    *,
    source_name: str = "Insatsfilen",
    known_kpi_ids: Collection[str] | None = None,
    known_goal_ids: Collection[str] | None = None,
    changed_by: str | None = None,
) -> SavedInterventions:
    """Check a register file and store it all or nothing (``changed_by``: the signed-in
    editor). Raises :class:`~indicators.interventions.InvalidInterventionError` listing every
    problem, also rows against interventions changed or removed since their export."""
    numbered = read_intervention_csv(
        data,
        source_name=source_name,
        known_kpi_ids=known_kpi_ids,
        known_goal_ids=known_goal_ids,
    )
    problems = stored_problems(engine, numbered, source_name)
    if problems:
        raise InvalidInterventionError(problems)
    saved = save_interventions(engine, (record for _, record in numbered), changed_by=changed_by)
    log.info("Intervention file %s imported by %s", source_name, changed_by or "-")
    return saved


# --------------------------------------------------------------------------- writing


def intervention_row(record: InterventionRecord, decimal: str = ".") -> dict[str, str]:
    """The CSV cells of ``record`` (``decimal``: the decimal mark in the expected changes)."""
    row = raw_fields(record)
    links = links_text(record.indicators)
    row["indicators"] = links.replace(".", decimal) if decimal != "." else links
    row["goals"] = GOAL_SEPARATOR.join(record.goal_ids)
    return row


def write_intervention_csv(
    records: Iterable[InterventionRecord], buffer: TextIO, fmt: str = FORMAT_CSV
) -> int:
    """Write the register (header and one row per intervention) to ``buffer``; returns the
    count. ``fmt`` :data:`FORMAT_CSV` (comma, decimal point) or :data:`FORMAT_EXCEL_SV`
    (semicolon, decimal comma). Text cells a spreadsheet would run get an apostrophe."""
    delimiter, decimal = (";", ",") if fmt == FORMAT_EXCEL_SV else (",", ".")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    count = 0
    for record in records:
        row = intervention_row(record, decimal)
        writer.writerow(
            {
                name: row[name] if name in NUMBER_COLUMNS else escape_formula(row[name])
                for name in COLUMNS
            }
        )
        count += 1
    return count


def intervention_csv_text(records: Iterable[InterventionRecord], fmt: str = FORMAT_CSV) -> str:
    """The register as CSV text with a byte-order mark, so Excel shows å, ä and ö."""
    buffer = io.StringIO()
    write_intervention_csv(records, buffer, fmt)
    return "\ufeff" + buffer.getvalue()


__all__ = [
    "COLUMNS",
    "FORMAT_CSV",
    "FORMAT_EXCEL_SV",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "REQUIRED_COLUMNS",
    "VERSION_COLUMN",
    "csv_rows",
    "import_intervention_csv",
    "intervention_csv_text",
    "intervention_row",
    "parse_row",
    "read_intervention_csv",
    "stored_problems",
    "write_intervention_csv",
]
