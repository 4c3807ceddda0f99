"""Own statistics from a file: values Kolada does not carry (a municipality's own survey, SMHI's
emissions by sector, energy balances) stored beside Kolada's.

A tidy CSV file has one value a line: ``kpi_id,area_id,year,gender,value`` and optionally
``status``. The separator is a comma, a semicolon or a tab (told by the header), decimals have a
point or a comma, and the text is UTF-8 with or without a byte-order mark, UTF-16 with one, or
Windows-1252 as Swedish Excel saves it (:mod:`data.file_text`). Indicators not yet stored are
declared in a metadata file (``--indicators``) with the catalogue's columns and their source
(:func:`indicators.catalogue.own_indicator`); their ids begin with ``EGEN_``.

An import is one transaction, as a Kolada refresh is: every line is checked first, and one bad
line rejects the whole file with its file, line, column and the expected form, in Swedish, and
nothing stored changes. The values of the file's indicators are replaced by the file's (a value
left out is deleted); Kolada's values are never touched, and a Kolada refresh never touches
these. Each run, failed or successful, is logged in ``etl_runs`` (kind ``import``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, delete, select
from sqlalchemy.orm import Session

from data.areas import DEFAULT_AREAS
from data.file_text import NotTextError, decode_text
from data.models import Area, Kpi, Observation, OwnIndicator, utcnow
from data.queries import IMPORT_RUN_KIND
from etl.refresh import RunSummary, _record, one_run_at_a_time, record_failure
from etl.store import ChangeCounts, _upsert
from etl.transform import placeholder_area
from indicators.catalogue import (
    OWN_COLUMNS,
    OWN_ID_FORM,
    OWN_PREFIX,
    OWN_REQUIRED_COLUMNS,
    CatalogueError,
    Indicator,
    own_indicator,
    own_indicator_of,
    shipped_catalogue,
)

log = logging.getLogger(__name__)

#: The columns of a file of values, and the one it may have besides.
VALUE_COLUMNS: tuple[str, ...] = ("kpi_id", "area_id", "year", "gender", "value")
OPTIONAL_VALUE_COLUMNS: tuple[str, ...] = ("status",)
GENDERS: tuple[str, ...] = ("T", "K", "M")
#: The first year a value may be for; the last is the current year.
MIN_YEAR = 1950
MAX_STATUS_LENGTH = 64
#: How to save a file that is not text.
SAVE_ADVICE = "Spara filen som CSV (UTF-8) eller CSV (semikolonavgränsad) i Excel."

_KEY = ("kpi_id", "area_id", "year", "gender")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
_KOLADA_ID = re.compile(r"[NU]\d{5}")


class OwnStatisticsError(ValueError):
    """A file of own statistics that cannot be imported; the Swedish message names the file,
    the line and the column and says what was expected."""

    def __init__(self, path: Path, line: int | None, column: str | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.problem = problem
        where = str(path)
        if line is not None:
            where += f", rad {line}"
        if column is not None:
            where += f", kolumn {column!r}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class OwnValue:
    """One checked value of a file: its key, the number (``None`` without one), its status
    and its source."""

    kpi_id: str
    area_id: str
    year: int
    gender: str
    value: float | None
    status: str
    source: str

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.kpi_id, self.area_id, self.year, self.gender)


@dataclass(frozen=True)
class Table:
    """A CSV file read as text: its header (lower case, trimmed) and its rows by line."""

    path: Path
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


# --- reading files -------------------------------------------------------------------------


def read_table(path: Path) -> Table:
    """A CSV file of a user's: decoded (:func:`data.file_text.decode_text`), its separator told
    by the header line (semicolon, tab or comma), blank lines skipped."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise OwnStatisticsError(path, None, None, f"kan inte läsas ({error.strerror})") from error
    try:
        text = decode_text(data, advice=SAVE_ADVICE)
    except NotTextError as error:
        raise OwnStatisticsError(path, None, None, str(error)) from error
    first = text.split("\n", 1)[0]
    separator = max((";", "\t", ","), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header_row = next(reader, None)
    if header_row is None:
        raise OwnStatisticsError(path, 1, None, "filen är tom; väntade en rubrikrad")
    header = tuple(name.strip().lower() for name in header_row)
    rows: list[tuple[int, dict[str, str]]] = []
    end_of_previous = reader.line_num
    for values in reader:
        line = end_of_previous + 1
        end_of_previous = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            raise OwnStatisticsError(
                path,
                line,
                None,
                f"väntade {len(header)} fält avgränsade med {_separator_name(separator)}, "
                f"fann {len(values)}",
            )
        rows.append((line, dict(zip(header, (value.strip() for value in values), strict=True))))
    return Table(path, header, tuple(rows))


def _separator_name(separator: str) -> str:
    return {";": "semikolon", "\t": "tabb", ",": "komma"}[separator]


def _check_header(table: Table, required: Sequence[str], allowed: Sequence[str]) -> None:
    expected = ", ".join(required)
    optional = ", ".join(name for name in allowed if name not in required)
    seen: set[str] = set()
    for name in table.header:
        if name not in allowed:
            raise OwnStatisticsError(
                table.path,
                1,
                name,
                f"okänd kolumn; väntade kolumnerna {expected} (och valfritt {optional})",
            )
        if name in seen:
            raise OwnStatisticsError(table.path, 1, name, "kolumnen finns två gånger")
        seen.add(name)
    missing = [name for name in required if name not in seen]
    if missing:
        raise OwnStatisticsError(
            table.path, 1, missing[0], f"kolumnen saknas; väntade kolumnerna {expected}"
        )


def read_indicators(path: Path) -> tuple[Indicator, ...]:
    """The own indicators a metadata file declares, checked like the catalogue's rows."""
    table = read_table(path)
    _check_header(table, OWN_REQUIRED_COLUMNS, OWN_COLUMNS)
    shipped = {indicator.kpi_id for indicator in shipped_catalogue()}
    indicators: dict[str, Indicator] = {}
    first_line: dict[str, int] = {}
    for line, row in table.rows:
        try:
            indicator = own_indicator(path, line, row)
        except CatalogueError as error:
            raise OwnStatisticsError(path, line, error.field, _swedish(error.problem)) from error
        if indicator.kpi_id in shipped:
            raise OwnStatisticsError(path, line, "kpi_id", "id:t finns redan i katalogen")
        if indicator.kpi_id in first_line:
            raise OwnStatisticsError(
                path,
                line,
                "kpi_id",
                f"{indicator.kpi_id} finns redan på rad {first_line[indicator.kpi_id]}",
            )
        first_line[indicator.kpi_id] = line
        indicators[indicator.kpi_id] = indicator
    return tuple(indicators.values())


#: The catalogue's words in its messages, in Swedish.
_CATALOGUE_WORDS = (
    ("expected ", "väntade "),
    (", got ", ", fann "),
    ("one of ", "något av "),
    ("empty or ", "tomt eller "),
    ("a goal number from 1 to 17", "ett målnummer från 1 till 17"),
    ("a whole number from", "ett heltal från"),
    (" to ", " till "),
    ("true or false", "true eller false"),
    ("a short Swedish label", "en kort svensk benämning"),
    ("at most ", "högst "),
    (" characters", " tecken"),
    ("a positive number", "ett positivt tal"),
    ("the unit", "enheten"),
    ("a target of goal", "ett delmål till mål"),
    ("an address beginning with", "en adress som börjar med"),
    ("the source's name", "källans namn"),
)


def _swedish(problem: str) -> str:
    for english, swedish in _CATALOGUE_WORDS:
        problem = problem.replace(english, swedish)
    return problem


def parse_number(text: str) -> float | None:
    """A number as a user writes it: ``12,5``, ``12.5``, ``1 234,5``, ``-3``; ``None`` for an
    empty cell. Raises :class:`ValueError` for anything else."""
    compact = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not compact:
        return None
    if "," in compact and "." in compact:  # 1.234,5 (thousands with points)
        compact = compact.replace(".", "")
    if not _NUMBER.fullmatch(compact):
        raise ValueError(text)
    number = float(compact.replace(",", "."))
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def check_values(
    table: Table,
    indicators: dict[str, Indicator],
    area_ids: Iterable[str],
    *,
    last_year: int,
    source: str | None = None,
) -> list[OwnValue]:
    """Every row of a file of values checked: its indicator known (``indicators``, own ones),
    its area among ``area_ids``, its year from :data:`MIN_YEAR` to ``last_year``, its gender
    T, K or M, its value a number (or empty), and no key twice. ``source`` names the source of
    every value; without it each value has its indicator's. Raises
    :class:`OwnStatisticsError` at the first bad row."""
    _check_header(table, VALUE_COLUMNS, VALUE_COLUMNS + OPTIONAL_VALUE_COLUMNS)
    areas = frozenset(area_ids)
    first_line: dict[tuple[str, str, int, str], int] = {}
    values: list[OwnValue] = []
    for line, row in table.rows:
        value = _checked_row(table.path, line, row, indicators, areas, last_year, source)
        if value.key in first_line:
            raise OwnStatisticsError(
                table.path,
                line,
                "kpi_id",
                "samma nyckeltal, område, år och kön finns redan på rad "
                f"{first_line[value.key]}; varje värde får stå en gång",
            )
        first_line[value.key] = line
        values.append(value)
    return values


def _checked_row(
    path: Path,
    line: int,
    row: dict[str, str],
    indicators: dict[str, Indicator],
    areas: frozenset[str],
    last_year: int,
    source: str | None,
) -> OwnValue:
    def fail(column: str, expected: str) -> OwnStatisticsError:
        return OwnStatisticsError(path, line, column, f"väntade {expected}, fann {row[column]!r}")

    kpi_id = row["kpi_id"]
    indicator = indicators.get(kpi_id)
    if indicator is None:
        if _KOLADA_ID.fullmatch(kpi_id):
            raise fail("kpi_id", f"ett eget nyckeltal ({OWN_ID_FORM}); Koladas hämtas från Kolada")
        raise fail(
            "kpi_id",
            "ett nyckeltal som finns i databasen eller i metadatafilen (--indicators): "
            + OWN_ID_FORM,
        )
    area_id = row["area_id"]
    if area_id.isdigit() and len(area_id) < 4:  # Excel drops leading zeros: 20 → 0020
        area_id = area_id.zfill(4)
    if area_id not in areas:
        raise fail("area_id", "ett områdes-id, t.ex. 2080 (Falun), 0020 (Region Dalarna)")
    if not row["year"].isdigit() or not MIN_YEAR <= int(row["year"]) <= last_year:
        raise fail("year", f"ett år från {MIN_YEAR} till {last_year}")
    gender = row["gender"].upper() or "T"
    if gender not in GENDERS:
        raise fail("gender", "T (totalt), K (kvinnor) eller M (män)")
    try:
        number = parse_number(row["value"])
    except ValueError:
        raise fail("value", "ett tal, t.ex. 12,5 eller 12.5 (eller tomt)") from None
    status = row.get("status", "")
    if len(status) > MAX_STATUS_LENGTH:
        raise fail("status", f"högst {MAX_STATUS_LENGTH} tecken")
    return OwnValue(
        kpi_id=kpi_id,
        area_id=area_id,
        year=int(row["year"]),
        gender=gender,
        value=number,
        status=status,
        source=source or indicator.source_name,
    )


# --- storing -------------------------------------------------------------------------------


def _own_indicator_row(indicator: Indicator, imported_at: dt.datetime) -> dict[str, Any]:
    return {
        "kpi_id": indicator.kpi_id,
        "label": indicator.label,
        "title": indicator.kolada_title,
        "sdg_goal": indicator.sdg_goal,
        "sdg_target": indicator.sdg_target,
        "dimension": indicator.dimension,
        "direction": indicator.direction,
        "unit": indicator.unit,
        "decimals": indicator.decimals,
        "natural_limit": indicator.natural_limit,
        "is_divided_by_gender": indicator.is_divided_by_gender,
        "municipality_type": indicator.municipality_type,
        "source_name": indicator.source_name,
        "source_url": indicator.source_url,
        "imported_at": imported_at,
    }


def save_own_values(
    session: Session, values: Sequence[OwnValue], indicators: Iterable[Indicator]
) -> ChangeCounts:
    """Store the indicators and replace the stored values of the values' indicators by
    ``values`` (only own indicators' values, never Kolada's); returns the change counts."""
    now = utcnow()
    indicators = list(indicators)
    _upsert(
        session,
        OwnIndicator.__table__,
        [_own_indicator_row(i, now) for i in indicators],
        ("kpi_id",),
    )
    _upsert(
        session,
        Kpi.__table__,
        [
            {"id": i.kpi_id, "title": i.kolada_title, "unit": i.unit, "auspice": "egen"}
            for i in indicators
        ],
        ("id",),
    )
    stored_areas = set(session.scalars(select(Area.id)))
    missing = sorted({value.area_id for value in values} - stored_areas)
    _upsert(session, Area.__table__, [placeholder_area(area_id) for area_id in missing], ("id",))

    kpi_ids = sorted({value.kpi_id for value in values})
    table = Observation.__table__
    stored: dict[tuple, tuple] = {}
    if kpi_ids:
        rows = session.execute(
            select(*(table.c[name] for name in (*_KEY, "value", "status", "source"))).where(
                table.c.kpi_id.in_(kpi_ids), table.c.kpi_id.startswith(OWN_PREFIX)
            )
        )
        stored = {tuple(row[:4]): tuple(row[4:]) for row in rows}
    counts = ChangeCounts()
    changed: list[dict[str, Any]] = []
    for value in values:
        before = stored.get(value.key)
        if before == (value.value, value.status, value.source):
            continue
        if before is None:
            counts.inserted += 1
        else:
            counts.updated += 1
        changed.append(
            dict(zip(_KEY, value.key, strict=True))
            | {"value": value.value, "status": value.status, "source": value.source}
        )
    doomed = sorted(set(stored) - {value.key for value in values})
    counts.deleted = len(doomed)
    if doomed:
        session.execute(
            delete(table).where(*(table.c[name] == bindparam(f"key_{name}") for name in _KEY)),
            [{f"key_{n}": v for n, v in zip(_KEY, key, strict=True)} for key in doomed],
        )
    _upsert(session, table, changed, _KEY)
    return counts


def _stored_indicators(engine: Engine) -> dict[str, Indicator]:
    with Session(engine) as session:
        return {
            record.kpi_id: own_indicator_of(record)
            for record in session.scalars(select(OwnIndicator))
        }


def _known_areas(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(DEFAULT_AREAS) | set(session.scalars(select(Area.id)))


@one_run_at_a_time
def import_file(
    engine: Engine,
    path: Path,
    *,
    indicators_path: Path | None = None,
    source: str | None = None,
    last_year: int | None = None,
) -> RunSummary:
    """Import a file of own statistics (and the metadata of its indicators) in one
    transaction; the run is logged. ``last_year``: the newest year a value may be for (the
    current year by default). Raises :class:`OwnStatisticsError` for a bad file, and then
    nothing stored changes."""
    started, clock = utcnow(), time.perf_counter()
    run: dict[str, Any] = {
        "kind": IMPORT_RUN_KIND,
        "started_at": started,
        "scope": {"file": str(path), "indicators": str(indicators_path or "")},
        "full": False,
        "from_date": None,
    }
    try:
        declared = read_indicators(indicators_path) if indicators_path is not None else ()
        indicators = _stored_indicators(engine) | {i.kpi_id: i for i in declared}
        values = check_values(
            read_table(path),
            indicators,
            _known_areas(engine),
            last_year=last_year or started.year,
            source=source,
        )
        if not values:
            raise OwnStatisticsError(path, None, None, "filen har inga värden")
        used = {value.kpi_id for value in values}
        run["scope"] |= {
            "kpis": sorted(used),
            "sources": sorted({value.source for value in values}),
        }
        saved = [i for i in indicators.values() if i.kpi_id in used or i in declared]
        if source is not None:  # the file's indicators now come from the source named
            saved = [replace(i, source_name=source) if i.kpi_id in used else i for i in saved]
        with Session(engine) as session, session.begin():
            counts = save_own_values(session, values, saved)
            run_id = _record(session, run, counts, utcnow(), 0)
    except BaseException as exc:
        record_failure(engine, run, exc)
        raise
    log.info("Imported %s: %d values", path, len(values))
    return RunSummary(
        run_id=run_id,
        kind=IMPORT_RUN_KIND,
        full=False,
        from_date=None,
        http_requests=0,
        inserted=counts.inserted,
        updated=counts.updated,
        deleted=counts.deleted,
        seconds=time.perf_counter() - clock,
        kpis=len(used),
        areas=len({value.area_id for value in values}),
    )
