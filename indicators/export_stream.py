"""An export written in pieces: the bytes of ``to_csv_bytes(export_table(...), fmt)`` without
holding the whole table or file; and any table (the latest status) in pieces
(:func:`table_chunks`).

:func:`csv_chunks` takes what :func:`indicators.export.export_table` takes and returns the file
as an iterator of byte strings: the byte-order mark (``excel-sv``) and the header first, then
the rows in export order, a piece of at most :data:`CHUNK_CELLS` cells at a time. Besides the
selected rows (sorted) and what is looked up per series, memory holds one piece, whatever the
size of the file; a web server sends each piece as it is made.

Each piece is written column by column (see :mod:`indicators.export` for the columns and cell
rules, which this module does not repeat):

* cells that repeat over rows – an area's name, an indicator's label and unit, a gender, a
  year, a value's status, a series' goal and status at each level
  (:func:`indicators.export.level_values`, written once per series), an assessment – are
  written once per distinct value with :func:`indicators.export.format_cell` and
  :func:`quote_cell`, and taken for every row that holds that value; a series' judgement only
  on the row of its latest year;
* numbers that change from row to row (the value, the goal path's value for the year, rounded
  by :func:`indicators.export.rounded`) are written for the whole column at once: Python's
  shortest round-trip digits (``repr``, the digits
  :func:`indicators.formatting.format_csv_number` writes), positional, without a trailing
  ``.0``; the rare number that ``repr`` writes in exponent form (below 0.0001, from 10¹⁶) goes
  through :func:`~indicators.formatting.format_csv_number` itself.

Tests hold the two writers byte for byte equal (``tests/unit/test_export_stream.py``,
``tests/web/test_export_route.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from indicators.export import (
    ASSESSMENT_COLUMNS,
    EVERY_ROW_FIELDS,
    FORMAT_CSV,
    LEVEL_FIELDS,
    PATH_FIELD,
    CsvDialect,
    assessment_values,
    csv_dialect,
    export_columns,
    format_cell,
    header_line,
    level_values,
    newest_assessments,
    quote_cell,
    rounded,
    row_lines,
    sort_observations,
    source_text,
)
from indicators.formatting import format_csv_number
from indicators.vocabulary import GENDER_LABELS

#: Cells per piece: a piece's rows are this many cells (2 000 rows of Översikt's 50 columns,
#: 1 000 of the widest export's 95). Its text takes about 10 MB while it is written; fewer
#: cells per piece cost more CPU per file (each piece looks up its series and lines).
CHUNK_CELLS = 100_000

_KEYS = ["area_id", "kpi_id", "gender"]
_LINE_KEYS = ["area_id", "goal_id", "gender", "year"]


def number_cells(values: Any, decimal: str = ".") -> np.ndarray:
    """Numbers as CSV cells, for a whole column: :func:`format_cell` of each value (empty for
    a missing or infinite value), as an object array of ``str``."""
    numbers = np.asarray(values, dtype=np.float64)
    cells = np.full(len(numbers), "", dtype=object)
    finite = np.isfinite(numbers)
    if not finite.any():
        return cells
    shown = numbers[finite]
    texts = pd.Series(list(map(repr, shown.tolist())), dtype=object)
    exponent = texts.str.contains("e", regex=False).to_numpy(dtype=bool)
    texts = texts.str.removesuffix(".0")
    if decimal != ".":
        texts = texts.str.replace(".", decimal, regex=False)
    written = texts.to_numpy(dtype=object, copy=True)
    if exponent.any():
        written[exponent] = [format_csv_number(x, decimal) for x in shown[exponent].tolist()]
    cells[finite] = written
    return cells


class _Distinct:
    """A column's distinct values and each row's code (-1 for a missing value), so that a
    cell written from the value is written once per distinct value."""

    def __init__(self, values: Any) -> None:
        self.codes, self.values = pd.factorize(np.asarray(values, dtype=object))

    def cells(self, to_cell: Callable[[Any], str]) -> np.ndarray:
        """``to_cell`` of each row's value; a missing value's cell is empty."""
        return _with_empty(to_cell(value) for value in self.values)[self.codes]


def _keys(frame: pd.DataFrame, columns: Sequence[str]) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([frame[column].to_numpy(dtype=object) for column in columns])


def _with_empty(cells: Iterable[str]) -> np.ndarray:
    """Cells with an empty cell at the end, so that position -1 (no record) takes it."""
    return np.array([*cells, ""], dtype=object)


@dataclass(frozen=True)
class _Level:
    """One goal level's status records with their cells written once, and which record
    judges each series of the export."""

    #: Per distinct series (area, indicator, gender) of the export: its record's position, or -1.
    records: np.ndarray
    #: Per field but ``målbana_värde``: the written cell of each record, and "" at the end.
    cells: dict[str, np.ndarray]
    #: The goal whose path gives the ``målbana_värde`` of each record (None: empty), and None.
    goals: np.ndarray
    #: The latest year of each record's series (-1: none), and -1.
    latest: np.ndarray
    #: The decimals of each record's goal path values, and 0.
    decimals: np.ndarray


class _Writer:
    """What every piece of one export shares: the sorted rows, the lookups and the cells that
    do not depend on the row."""

    def __init__(
        self,
        observations: pd.DataFrame,
        status_table: pd.DataFrame,
        goal_lines: pd.DataFrame,
        catalogue: Sequence,
        goals: Iterable,
        *,
        area_titles: Mapping[str, str],
        levels: Sequence[str],
        data_origin: str | None,
        retrieved: dt.date | dt.datetime | None,
        threshold_set: str,
        assessments: pd.DataFrame | None,
        dialect: CsvDialect,
    ) -> None:
        self.dialect = dialect
        self.indicators = {indicator.kpi_id: indicator for indicator in catalogue}
        self.area_titles = area_titles
        self.columns = export_columns(levels)
        self.rows = sort_observations(observations, list(area_titles), list(self.indicators))
        # Each row's series (area, indicator, gender): the status records are looked up once
        # per series, not per row.
        self.series_codes, series = _keys(self.rows, _KEYS).factorize()
        goals_by_id = {goal.id: goal for goal in goals}
        self.levels = [self._level(status_table, level, goals_by_id, series) for level in levels]
        lines = goal_lines[goal_lines["line"] == "mål"]
        lines = lines.assign(year=lines["year"].astype("int64")).drop_duplicates(
            _LINE_KEYS, keep="last"
        )
        self.line_keys = _keys(lines, _LINE_KEYS)
        self.line_values = lines["value"].to_numpy(dtype=np.float64)
        self.by_indicator, self.by_goal = newest_assessments(assessments)
        if isinstance(retrieved, dt.datetime):
            retrieved = retrieved.date()
        self.data_origin = data_origin
        self.tail = [
            self.cell(threshold_set),
            self.cell(source_text(data_origin)),
            self.cell(None if retrieved is None else retrieved.isoformat()),
        ]

    def cell(self, value: Any) -> str:
        """One cell as :func:`indicators.export.to_csv_bytes` writes it."""
        return quote_cell(format_cell(value, self.dialect.decimal), self.dialect.delimiter)

    def _level(
        self,
        status_table: pd.DataFrame,
        level: str,
        goals: Mapping[str, Any],
        series: Any,
    ) -> _Level:
        rows = status_table[status_table["level"] == level].drop_duplicates(_KEYS)
        values = level_values(rows, self.indicators, goals)
        cells = {
            name: self._record_cells(values[name]) for name in LEVEL_FIELDS if name != PATH_FIELD
        }
        latest = values["senaste_år"].to_numpy(dtype=np.float64)
        return _Level(
            records=_keys(rows, _KEYS).get_indexer(series),
            cells=cells,
            goals=np.array([*values["mål_id"].tolist(), None], dtype=object),
            latest=np.append(np.where(np.isnan(latest), -1, latest).astype(np.int64), -1),
            decimals=np.append(values["decimals"].to_numpy(dtype=np.int64), 0),
        )

    def _record_cells(self, column: pd.Series) -> np.ndarray:
        """One level field written for every status record, and "" at the end: numbers for
        the whole column at once, other values once per distinct value."""
        if is_numeric_dtype(column) and not is_bool_dtype(column):
            numbers = column.to_numpy(dtype=np.float64, na_value=np.nan)
            return _with_empty(number_cells(numbers, self.dialect.decimal))
        return _with_empty(_Distinct(column).cells(self.cell))

    # --- one piece ---------------------------------------------------------------------------

    def header(self) -> bytes:
        return header_line(self.columns, self.dialect).encode("utf-8")

    def piece(self, start: int, stop: int) -> bytes:
        """The CSV lines of the rows from ``start`` to ``stop`` (in export order)."""
        delimiter, _, newline, _ = self.dialect
        columns = [column.tolist() for column in self._columns(start, stop)]
        text = newline.join(map(delimiter.join, zip(*columns, strict=True)))
        return (text + newline).encode("utf-8")

    def _columns(self, start: int, stop: int) -> list[np.ndarray]:
        part = self.rows.iloc[start:stop]
        series = self.series_codes[start:stop]
        areas, kpis = _Distinct(part["area_id"]), _Distinct(part["kpi_id"])
        years = part["year"].to_numpy()
        indicators = self.indicators

        def of_indicator(attribute: str) -> Callable[[Any], str]:
            return lambda k: self.cell(
                getattr(indicators[k], attribute) if k in indicators else None
            )

        columns = [
            areas.cells(self.cell),
            areas.cells(lambda a: self.cell(self.area_titles.get(a, a))),
            kpis.cells(self.cell),
            kpis.cells(of_indicator("label")),
            kpis.cells(of_indicator("unit")),
            _Distinct(part["gender"]).cells(lambda g: self.cell(GENDER_LABELS.get(g, g))),
            _Distinct(years).cells(lambda y: self.cell(int(y))),
            number_cells(part["value"], self.dialect.decimal),
            _Distinct(part["status"]).cells(self.cell),
        ]
        for level in self.levels:
            columns.extend(self._level_columns(level, level.records[series], part, years))
        columns.extend(self._assessment_columns(areas, kpis))
        threshold, _source, retrieved = self.tail
        columns.append(np.full(len(part), threshold, dtype=object))
        # The source of each row's value: its indicator's (Kolada, or an own source).
        columns.append(
            kpis.cells(lambda k: self.cell(source_text(self.data_origin, indicators.get(k))))
        )
        columns.append(np.full(len(part), retrieved, dtype=object))
        return columns

    def _level_columns(
        self, level: _Level, positions: np.ndarray, part: pd.DataFrame, years: np.ndarray
    ) -> list[np.ndarray]:
        """The level's columns for these rows (``positions``: each row's record, or -1); the
        judgement only on the row of the series' latest year."""
        latest_row = years.astype(np.int64) == level.latest[positions]
        columns = []
        for name in LEVEL_FIELDS:
            if name == PATH_FIELD:
                columns.append(self._goal_values(level, positions, part, years))
            elif name in EVERY_ROW_FIELDS:
                columns.append(level.cells[name][positions])
            else:
                columns.append(np.where(latest_row, level.cells[name][positions], ""))
        return columns

    def _goal_values(
        self, level: _Level, positions: np.ndarray, part: pd.DataFrame, years: np.ndarray
    ) -> np.ndarray:
        """The ``målbana_värde`` column: the goal path's value at the row's year where the path
        reaches it, else empty."""
        cells = np.full(len(positions), "", dtype=object)
        goals = level.goals[positions]
        judged = np.flatnonzero(pd.notna(goals))
        if judged.size == 0 or len(self.line_keys) == 0:
            return cells
        keys = pd.MultiIndex.from_arrays(
            [
                part["area_id"].to_numpy(dtype=object)[judged],
                goals[judged],
                part["gender"].to_numpy(dtype=object)[judged],
                years[judged].astype("int64"),
            ]
        )
        found = self.line_keys.get_indexer(keys)
        on_line = found >= 0
        if on_line.any():
            places = level.decimals[positions[judged[on_line]]]
            values = rounded(self.line_values[found[on_line]], places)
            cells[judged[on_line]] = number_cells(values, self.dialect.decimal)
        return cells

    def _assessment_columns(self, areas: _Distinct, kpis: _Distinct) -> list[np.ndarray]:
        """The assessment columns, written once per (area, indicator) of the piece."""
        width = max(len(kpis.values), 1)
        pairs, uniques = pd.factorize(areas.codes.astype(np.int64) * width + kpis.codes)
        rows = [
            assessment_values(
                areas.values[pair // width],
                kpis.values[pair % width],
                self.indicators,
                self.by_indicator,
                self.by_goal,
            )
            for pair in uniques.tolist()
        ]
        return [
            np.array([self.cell(row[name]) for row in rows], dtype=object)[pairs]
            for name in ASSESSMENT_COLUMNS
        ]


def csv_chunks(
    observations: pd.DataFrame,
    status_table: pd.DataFrame,
    goal_lines: pd.DataFrame,
    catalogue: Sequence,
    goals: Iterable,
    *,
    area_titles: Mapping[str, str],
    levels: Sequence[str],
    data_origin: str | None,
    retrieved: dt.date | dt.datetime | None,
    threshold_set: str,
    assessments: pd.DataFrame | None = None,
    fmt: str = FORMAT_CSV,
    chunk_rows: int | None = None,
) -> Iterator[bytes]:
    """The export's bytes in pieces: ``b"".join(csv_chunks(...))`` equals
    ``to_csv_bytes(export_table(...), fmt)`` for the same arguments.

    The arguments are checked and the lookups built before this returns (a bad ``fmt`` raises
    :class:`ValueError` here, not while the pieces are sent); the rows are written as the
    iterator is read. ``chunk_rows``: rows per piece (default: :data:`CHUNK_CELLS` cells)."""
    if chunk_rows is not None and chunk_rows < 1:
        raise ValueError(f"chunk_rows must be at least 1, got {chunk_rows}")
    writer = _Writer(
        observations,
        status_table,
        goal_lines,
        catalogue,
        goals,
        area_titles=area_titles,
        levels=levels,
        data_origin=data_origin,
        retrieved=retrieved,
        threshold_set=threshold_set,
        assessments=assessments,
        dialect=csv_dialect(fmt),
    )
    if chunk_rows is None:
        chunk_rows = max(1, CHUNK_CELLS // len(writer.columns))
    return _pieces(writer, chunk_rows)


def _pieces(writer: _Writer, chunk_rows: int) -> Iterator[bytes]:
    yield writer.header()
    total = len(writer.rows)
    for start in range(0, total, chunk_rows):
        yield writer.piece(start, min(start + chunk_rows, total))


def table_chunks(
    frame: pd.DataFrame, fmt: str = FORMAT_CSV, *, chunk_rows: int | None = None
) -> Iterator[bytes]:
    """A table's bytes in pieces: ``b"".join(table_chunks(frame, fmt))`` equals
    ``to_csv_bytes(frame, fmt)``; the header first, then ``chunk_rows`` rows at a time (default:
    :data:`CHUNK_CELLS` cells). A bad ``fmt`` raises :class:`ValueError` before the first
    piece."""
    if chunk_rows is not None and chunk_rows < 1:
        raise ValueError(f"chunk_rows must be at least 1, got {chunk_rows}")
    dialect = csv_dialect(fmt)
    if chunk_rows is None:
        chunk_rows = max(1, CHUNK_CELLS // max(len(frame.columns), 1))
    return _table_pieces(frame, dialect, chunk_rows)


def _table_pieces(frame: pd.DataFrame, dialect: CsvDialect, chunk_rows: int) -> Iterator[bytes]:
    yield header_line(frame.columns, dialect).encode("utf-8")
    for start in range(0, len(frame), chunk_rows):
        yield row_lines(frame.iloc[start : start + chunk_rows], dialect).encode("utf-8")


__all__ = ["CHUNK_CELLS", "csv_chunks", "number_cells", "table_chunks"]
