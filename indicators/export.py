"""Exports: exactly the selected observations with their goals and progress status, as CSV.

:func:`export_table` builds one row per (area, indicator, gender, year) of a selection;
:func:`to_csv_bytes` writes it in one of two formats:

* ``csv`` – UTF-8 without byte-order mark, comma-separated, decimal point, ``\\n`` line endings;
* ``excel-sv`` – "Excel (svensk)": UTF-8 with byte-order mark, semicolon-separated, decimal
  comma, ``\\r\\n`` line endings, as Excel with Swedish settings opens without an import dialog.

These two define the file, one cell at a time; :func:`indicators.export_stream.csv_chunks`
writes the same bytes in pieces, without the whole table, for the download route.

Numbers are written without thousands separators and in full precision (never in exponent
form); a missing value is an empty cell. A cell holding the separator, a double quote or a line
break is quoted (RFC 4180). A text cell that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading apostrophe;
numbers stay numbers, so a negative value is written as a number.

Columns (Swedish headers), in order:

==============================  =============================================================
``område_id``                   Kolada's area id (``2062``, ``0020``, ``0000``)
``område``                      the area's name
``nyckeltal``                   Kolada's KPI id (``N00401``)
``indikator``                   the catalogue's short label
``enhet``                       the unit
``kön``                         ``Totalt``, ``Kvinnor`` or ``Män``
``år``                          the year
``värde``                       the value (empty when Kolada publishes none)
``värde_status``                Kolada's status of the value (e.g. ``Missing``), else empty
==============================  =============================================================

Then, for each chosen goal level (``lokal``, ``regional``, ``nationell``, ``global``,
``trend``), the columns below prefixed with the level and an underscore (``lokal_status``).
They describe the goal the area's series is judged against at that level (see
:func:`indicators.follow_up.primary_goal`) and are empty where no goal of that level applies;
``trend`` judges the series without a goal. The judgement uses the whole series, whatever years
the selection shows.

==================================  ==========================================================
``mål_id``                          the goal's id (empty for ``trend``)
``målvärde``                        the goal line's value for the row's year where the line
                                    reaches that year, else the goal's target value (for a
                                    relative goal: the area's own target)
``målår``                           the year the goal is to be reached
``status``                          the progress status (``i fas``, ``kan inte bedömas`` …)
``poäng``                           the score, −5 … +5
``basår``, ``basvärde``             the base year and value used
``senaste_år``, ``senaste_värde``   the newest year with a value and that value
``målvärde_område``                 the target resolved for the area
``krävd_årlig_förändring``          the annual change needed to reach it (0.05 = +5 % a year)
``observerad_årlig_förändring``     the observed annual change from base to latest
``kvot``                            ``R`` (observed / required) with a target, ``P`` without
``metod``                           ``mål`` (judged against a target) or ``trend``
``motivering``                      the reason, in Swedish
==================================  ==========================================================

Then the officials' qualitative assessments (see :mod:`indicators.assessments`): the newest
assessment of the row's indicator for the row's area, on every row of that area and indicator
(all genders and years), and the newest assessment of the indicator's global goal (Mål 1–17)
for the area. Empty where there is none; older assessments are shown on the dashboard's pages.
"Newest" is the latest date; of two on the same date, the one entered last.

===================================  =========================================================
``bedömning_datum``                  the date of the assessment (ISO ``YYYY-MM-DD``)
``bedömning``                        the judgement: ``bättre``, ``oförändrad``, ``sämre`` or
                                     empty
``bedömning_text``                   the text, as written (neutralised like every text cell)
``bedömning_av``                     the author, if given
``globalt_mål_bedömning_datum`` …    the same four for the assessment of the global goal
``globalt_mål_bedömning_av``
===================================  =========================================================

Last: ``tröskelvärden`` (the threshold set's name), ``datakälla`` (``Källa: Kolada``, or the
demo notice in every row when the database holds demo data) and ``hämtad`` (the date of the
last successful data run, ISO ``YYYY-MM-DD``; for demo data the date it was built).

Rows are sorted by area (in the order of ``area_titles``), indicator (catalogue order), gender
(T, K, M) and year.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Number
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from data.db import DATA_ORIGIN_DEMO
from indicators.follow_up import goal_line_table
from indicators.formatting import format_csv_number
from indicators.progress import DEFAULT_THRESHOLD_SET, THRESHOLD_SETS
from indicators.spreadsheet import neutralise
from indicators.vocabulary import ALL_LEVELS, GENDER_LABELS, GENDERS, TREND

log = logging.getLogger(__name__)

FORMAT_CSV = "csv"
FORMAT_EXCEL_SV = "excel-sv"
FORMATS: tuple[str, ...] = (FORMAT_CSV, FORMAT_EXCEL_SV)
#: The format choice as offered to users.
FORMAT_LABELS: dict[str, str] = {
    FORMAT_CSV: "CSV (komma, decimalpunkt)",
    FORMAT_EXCEL_SV: "Excel (svensk: semikolon, decimalkomma)",
}

SOURCE_KOLADA = "Källa: Kolada"
SOURCE_DEMO = "Demodata – genererade värden, inte Kolada"

BASE_COLUMNS: tuple[str, ...] = (
    "område_id",
    "område",
    "nyckeltal",
    "indikator",
    "enhet",
    "kön",
    "år",
    "värde",
    "värde_status",
)
#: Per-level fields and the :func:`indicators.follow_up.status_table` column each comes from
#: (``målvärde`` is computed from the goal line).
LEVEL_FIELDS: dict[str, str | None] = {
    "mål_id": "goal_id",
    "målvärde": None,
    "målår": "target_year",
    "status": "status",
    "poäng": "score",
    "basår": "base_year",
    "basvärde": "base_value",
    "senaste_år": "latest_year",
    "senaste_värde": "latest_value",
    "målvärde_område": "target_value",
    "krävd_årlig_förändring": "required_annual_change",
    "observerad_årlig_förändring": "observed_annual_change",
    "kvot": "ratio",
    "metod": "method",
    "motivering": "reason",
}
#: The assessment fields: column suffix → :func:`indicators.assessments.assessments_for_export`
#: column.
ASSESSMENT_FIELDS: dict[str, str] = {
    "_datum": "assessed_on",
    "": "judgement",
    "_text": "text",
    "_av": "author",
}
INDICATOR_ASSESSMENT = "bedömning"
GOAL_ASSESSMENT = "globalt_mål_bedömning"
ASSESSMENT_COLUMNS: tuple[str, ...] = tuple(
    f"{prefix}{suffix}"
    for prefix in (INDICATOR_ASSESSMENT, GOAL_ASSESSMENT)
    for suffix in ASSESSMENT_FIELDS
)
TAIL_COLUMNS: tuple[str, ...] = ("tröskelvärden", "datakälla", "hämtad")
YEAR_FIELDS = ("målår", "basår", "senaste_år")

BOM = "\ufeff"

_KEYS = ["area_id", "kpi_id", "gender"]


# --- columns ----------------------------------------------------------------------------------


def level_columns(level: str) -> list[str]:
    """The export's columns for one goal level, e.g. ``lokal_mål_id`` … ``lokal_motivering``."""
    return [f"{level}_{name}" for name in LEVEL_FIELDS]


def export_columns(levels: Sequence[str]) -> list[str]:
    """All columns of an export with these goal levels, in order."""
    columns = list(BASE_COLUMNS)
    for level in levels:
        columns.extend(level_columns(level))
    columns.extend(ASSESSMENT_COLUMNS)
    columns.extend(TAIL_COLUMNS)
    return columns


def source_text(data_origin: str | None) -> str:
    """The ``datakälla`` cell: the demo notice for demo data, else ``Källa: Kolada``."""
    return SOURCE_DEMO if data_origin == DATA_ORIGIN_DEMO else SOURCE_KOLADA


# --- the selection ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What an export holds: areas, indicators, genders, years (first, last or None for all),
    goal levels and the threshold set."""

    areas: tuple[str, ...]
    kpis: tuple[str, ...]
    genders: tuple[str, ...] = ("T",)
    years: tuple[int, int] | None = None
    levels: tuple[str, ...] = ALL_LEVELS
    threshold_set: str = DEFAULT_THRESHOLD_SET.name

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, as a page keeps it in its export-selection store."""
        return {
            "areas": list(self.areas),
            "kpis": list(self.kpis),
            "genders": list(self.genders),
            "years": list(self.years) if self.years is not None else None,
            "levels": list(self.levels),
            "threshold_set": self.threshold_set,
        }


#: The years a strict reading accepts (:func:`parse_selection` with ``strict=True``).
FIRST_YEAR, LAST_YEAR = 1900, 2100
#: How many refused values a :class:`SelectionError` names.
_SHOWN_VALUES = 5
_SHOWN_LENGTH = 20


class SelectionError(ValueError):
    """A selection that :func:`parse_selection` refuses when reading strictly: ``key`` is the
    selection's field (``areas``, ``years`` …), ``problem`` says what is wrong, in Swedish."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def _shown(values: Iterable[str]) -> str:
    """Refused values as a message names them: the first few, each cut short."""
    ordered = sorted(values)
    shown = [
        "(tomt)" if v == "" else v if len(v) <= _SHOWN_LENGTH else v[:_SHOWN_LENGTH] + "…"
        for v in ordered
    ]
    text = ", ".join(shown[:_SHOWN_VALUES])
    if len(shown) > _SHOWN_VALUES:
        text += f" (och {len(shown) - _SHOWN_VALUES} till)"
    word = "okänt värde" if len(shown) == 1 else "okända värden"
    return f"{word}: {text}"


def _choose(
    data: Mapping[str, Any],
    key: str,
    allowed: Sequence[str],
    default: Sequence[str],
    strict: bool,
) -> tuple[str, ...]:
    """A list-valued key kept to allowed values, in the allowed order; missing → default."""
    raw = data.get(key)
    if raw is None:
        return tuple(default)
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, Iterable):
        if strict:
            raise SelectionError(key, "ange en lista av värden")
        log.warning("Export selection %r: expected a list, got %r; using the default", key, raw)
        return tuple(default)
    wanted = {str(item) for item in raw}
    unknown = wanted.difference(allowed)
    if unknown:
        if strict:
            raise SelectionError(key, _shown(unknown))
        log.warning("Export selection %r: ignoring unknown values %s", key, sorted(unknown))
    return tuple(item for item in allowed if item in wanted)


def _years(raw: Any, strict: bool) -> tuple[int, int] | None:
    if raw is None:
        return None
    try:
        first, last = (int(year) for year in raw)
    except (TypeError, ValueError):
        if strict:
            raise SelectionError("years", "ange första och sista året som heltal") from None
        log.warning("Export selection 'years': expected [first, last] or null, got %r", raw)
        return None
    if strict and not (min(first, last) >= FIRST_YEAR and max(first, last) <= LAST_YEAR):
        raise SelectionError("years", f"ange år mellan {FIRST_YEAR} och {LAST_YEAR}")
    return (min(first, last), max(first, last))


def parse_selection(
    data: Mapping[str, Any] | None,
    *,
    area_ids: Sequence[str],
    kpi_ids: Sequence[str],
    strict: bool = False,
) -> Selection:
    """A page's export selection (the store's ``data``) checked against the allowed values.

    Missing or ``None`` keys get defaults: every area and indicator, the total (``T``), all
    years, every level and the default threshold set. Unknown values are dropped (and logged);
    an empty list stays empty, so an export of nothing is just the header.

    ``strict``: refuse instead of dropping – an unknown value, a list that is not one, years
    that are not two whole numbers between :data:`FIRST_YEAR` and :data:`LAST_YEAR`, an
    unknown threshold set – with a :class:`SelectionError` naming the field (the defaults for
    missing keys are the same).
    """
    if data is None:
        data = {}
    elif not isinstance(data, Mapping):
        if strict:
            raise SelectionError("selection", "ange urvalet som namn och värden")
        log.warning("Export selection: expected a mapping, got %r; using the defaults", data)
        data = {}
    threshold = data.get("threshold_set")
    if not isinstance(threshold, str) or threshold not in THRESHOLD_SETS:
        if strict and threshold is not None:
            raise SelectionError("threshold_set", _shown([str(threshold)]))
        if threshold is not None:
            log.warning("Export selection: unknown threshold set %r", threshold)
        threshold = DEFAULT_THRESHOLD_SET.name
    return Selection(
        areas=_choose(data, "areas", area_ids, area_ids, strict),
        kpis=_choose(data, "kpis", kpi_ids, kpi_ids, strict),
        genders=_choose(data, "genders", GENDERS, ("T",), strict),
        years=_years(data.get("years"), strict),
        levels=_choose(data, "levels", ALL_LEVELS, ALL_LEVELS, strict),
        threshold_set=threshold,
    )


def select_observations(observations: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """The observation rows of the selection (areas, indicators, genders, years)."""
    mask = (
        observations["area_id"].isin(selection.areas)
        & observations["kpi_id"].isin(selection.kpis)
        & observations["gender"].isin(selection.genders)
    )
    if selection.years is not None:
        first, last = selection.years
        mask &= observations["year"].between(first, last)
    return observations[mask]


# --- the table --------------------------------------------------------------------------------


def sort_observations(
    observations: pd.DataFrame, area_order: Sequence[str], kpi_order: Sequence[str]
) -> pd.DataFrame:
    """Observations in export order: area (as given, unknown ids last), indicator, gender,
    year."""
    keys = pd.DataFrame(
        {
            "area": _ranks(observations["area_id"], area_order),
            "area_id": observations["area_id"],
            "kpi": _ranks(observations["kpi_id"], kpi_order),
            "kpi_id": observations["kpi_id"],
            "gender": _ranks(observations["gender"], GENDERS),
            "year": observations["year"],
        },
        index=observations.index,
    )
    order = keys.sort_values(["area", "area_id", "kpi", "kpi_id", "gender", "year"]).index
    return observations.loc[order]


def _ranks(values: pd.Series, order: Sequence[str]) -> np.ndarray:
    """Each value's position in ``order`` (its last, if listed twice); unlisted values rank
    after every listed one."""
    rank = {value: i for i, value in enumerate(order)}
    positions = pd.Index(list(rank), dtype=object).get_indexer(pd.Index(values, dtype=object))
    ranks = np.append(np.fromiter(rank.values(), dtype=np.int64, count=len(rank)), len(rank))
    return ranks[positions]  # unlisted: -1, the last entry


def goal_lines(
    observations: pd.DataFrame,
    goals: Iterable,
    *,
    area_ids: Sequence[str],
    genders: Sequence[str],
) -> pd.DataFrame:
    """:func:`indicators.follow_up.goal_line_table` for each gender, with a ``gender`` column
    (a relative goal's line starts at each series' own base value)."""
    goals = list(goals)
    parts = [
        goal_line_table(observations, goals, area_ids=area_ids, gender=gender).assign(gender=gender)
        for gender in genders
    ]
    columns = ["area_id", "goal_id", "kpi_id", "level", "kind", "line", "year", "value", "gender"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value: Any) -> Any:
    """A cell as a plain Python value: None for missing, int/float/str otherwise."""
    if _missing(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _year(value: Any) -> int | None:
    value = _plain(value)
    return None if value is None else int(value)


def newest_assessments(
    assessments: pd.DataFrame | None,
) -> tuple[dict[tuple[str, str], dict[Hashable, Any]], dict[tuple[str, int], dict[Hashable, Any]]]:
    """The newest assessment per (area, indicator) and per (area, global goal).

    ``assessments`` has the columns of :func:`indicators.assessments.assessments_for_export`. The
    latest ``assessed_on`` counts; of two on the same date, the later row (the one entered
    last, in that function's order).
    """
    by_indicator: dict[tuple[str, str], dict[Hashable, Any]] = {}
    by_goal: dict[tuple[str, int], dict[Hashable, Any]] = {}
    if assessments is None or assessments.empty:
        return by_indicator, by_goal
    ordered = assessments.sort_values("assessed_on", kind="stable")
    for record in ordered.to_dict("records"):
        kpi_id, goal = _plain(record.get("kpi_id")), _plain(record.get("sdg_goal"))
        if kpi_id is not None:
            by_indicator[(record["area_id"], kpi_id)] = record
        elif goal is not None:
            by_goal[(record["area_id"], int(goal))] = record
    return by_indicator, by_goal


def assessment_values(
    area_id: str,
    kpi_id: str,
    indicators: Mapping[str, Any],
    by_indicator: Mapping[tuple[str, str], Mapping[Hashable, Any]],
    by_goal: Mapping[tuple[str, int], Mapping[Hashable, Any]],
) -> dict[str, Any]:
    """The assessment cells of a row of ``area_id`` and ``kpi_id`` (:data:`ASSESSMENT_COLUMNS`):
    the newest assessment of the indicator and of its global goal (``indicators``: the
    catalogue by KPI id; ``by_indicator``, ``by_goal``: :func:`newest_assessments`)."""
    indicator = indicators.get(kpi_id)
    goal_record = by_goal.get((area_id, indicator.sdg_goal)) if indicator else None
    cells = _assessment_cells(by_indicator.get((area_id, kpi_id)), INDICATOR_ASSESSMENT)
    cells.update(_assessment_cells(goal_record, GOAL_ASSESSMENT))
    return cells


def _assessment_cells(record: Mapping[Hashable, Any] | None, prefix: str) -> dict[str, Any]:
    """The four cells of one assessment (all ``None`` without one; the date as ISO text)."""
    cells: dict[str, Any] = {}
    for suffix, source in ASSESSMENT_FIELDS.items():
        value = None if record is None else _plain(record.get(source))
        if isinstance(value, dt.date):
            value = _iso_date(value)
        cells[f"{prefix}{suffix}"] = value if value not in ("", None) else None
    return cells


def export_table(
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
) -> pd.DataFrame:
    """One row per observation (area, indicator, gender, year) with goals and status per level.

    ``observations`` holds exactly the selected rows (kpi_id, area_id, year, gender, value,
    status); ``status_table`` is :func:`indicators.follow_up.status_table` (judged on whole
    series); ``goal_lines`` is :func:`goal_lines` (with a ``gender`` column); ``catalogue``
    gives label, unit and global goal; ``goals`` the goal records (for their target values);
    ``assessments`` the qualitative assessments
    (:func:`indicators.assessments.assessments_for_export`; ``None``: none). Columns as in the
    module documentation; missing cells are ``None``, years are ``int``.
    """
    indicators = {indicator.kpi_id: indicator for indicator in catalogue}
    goal_targets = {goal.id: goal.target_value for goal in goals}
    obs = sort_observations(observations, list(area_titles), list(indicators))
    frame = pd.DataFrame(
        {
            "area_id": obs["area_id"].to_numpy(dtype=object),
            "kpi_id": obs["kpi_id"].to_numpy(dtype=object),
            "gender": obs["gender"].to_numpy(dtype=object),
            "year": obs["year"].to_numpy(),
            "value": obs["value"].to_numpy(dtype=object),
            "value_status": obs["status"].to_numpy(dtype=object),
        }
    )
    result: dict[str, list] = {
        "område_id": frame["area_id"].tolist(),
        "område": [area_titles.get(a, a) for a in frame["area_id"]],
        "nyckeltal": frame["kpi_id"].tolist(),
        "indikator": [indicators[k].label if k in indicators else None for k in frame["kpi_id"]],
        "enhet": [indicators[k].unit if k in indicators else None for k in frame["kpi_id"]],
        "kön": [GENDER_LABELS.get(g, g) for g in frame["gender"]],
        "år": [int(y) for y in frame["year"]],
        "värde": [_plain(v) for v in frame["value"]],
        "värde_status": [_plain(s) for s in frame["value_status"]],
    }
    lines = goal_lines[goal_lines["line"] == "mål"]
    line_values = {
        (a, g, s, int(y)): float(v)
        for a, g, s, y, v in zip(
            lines["area_id"],
            lines["goal_id"],
            lines["gender"],
            lines["year"],
            lines["value"],
            strict=True,
        )
    }
    for level in levels:
        rows = status_table[status_table["level"] == level].drop_duplicates(_KEYS)
        by_key = {
            tuple(key): record
            for key, record in zip(
                rows[_KEYS].itertuples(index=False, name=None),
                rows.to_dict("records"),
                strict=True,
            )
        }
        cells: dict[str, list] = {name: [] for name in LEVEL_FIELDS}
        for area_id, kpi_id, gender, year in zip(
            frame["area_id"], frame["kpi_id"], frame["gender"], frame["year"], strict=True
        ):
            record = by_key.get((area_id, kpi_id, gender))
            for name, source in LEVEL_FIELDS.items():
                if record is None:
                    cells[name].append(None)
                elif source is None:
                    cells[name].append(
                        _goal_value(record, level, int(year), line_values, goal_targets)
                    )
                else:
                    cells[name].append(level_field_value(record, name, source))
        for name, values in cells.items():
            result[f"{level}_{name}"] = values
    by_indicator, by_goal = newest_assessments(assessments)
    assessment_cells: dict[str, list] = {name: [] for name in ASSESSMENT_COLUMNS}
    for area_id, kpi_id in zip(frame["area_id"], frame["kpi_id"], strict=True):
        cells_of_row = assessment_values(area_id, kpi_id, indicators, by_indicator, by_goal)
        for name, value in cells_of_row.items():
            assessment_cells[name].append(value)
    result.update(assessment_cells)
    n = len(frame)
    result["tröskelvärden"] = [threshold_set] * n
    result["datakälla"] = [source_text(data_origin)] * n
    retrieved_text = _iso_date(retrieved)
    result["hämtad"] = [retrieved_text] * n
    table = pd.DataFrame(result, columns=export_columns(levels), dtype=object)
    return table


def level_field_value(record: Mapping[Hashable, Any], name: str, source: str) -> Any:
    """The cell of a level field (:data:`LEVEL_FIELDS`, all but ``målvärde``) from a status
    record: years as ``int``, missing as ``None``."""
    if name in YEAR_FIELDS:
        return _year(record.get(source))
    return _plain(record.get(source))


def row_goal(record: Mapping[Hashable, Any], level: str) -> str | None:
    """The goal whose line gives a row's ``målvärde`` at this level (``None``: the cell is
    empty: a trend, or no goal)."""
    goal_id = _plain(record.get("goal_id"))
    return None if level == TREND or goal_id is None else goal_id


def goal_target(
    record: Mapping[Hashable, Any], goal_id: str, goal_targets: Mapping[str, float | None]
) -> float | None:
    """A row's ``målvärde`` where the goal line does not reach its year: the goal's target,
    else the target resolved for the area."""
    target = goal_targets.get(goal_id)
    if target is not None:
        return float(target)
    return _plain(record.get("target_value"))


def _goal_value(
    record: Mapping[Hashable, Any],
    level: str,
    year: int,
    line_values: Mapping[tuple, float],
    goal_targets: Mapping[str, float | None],
) -> float | None:
    """The ``målvärde`` of one row: the goal line at the year, else the goal's target."""
    goal_id = row_goal(record, level)
    if goal_id is None:
        return None
    on_line = line_values.get((record["area_id"], goal_id, record["gender"], year))
    if on_line is not None:
        return on_line
    return goal_target(record, goal_id, goal_targets)


def _iso_date(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat()


# --- CSV --------------------------------------------------------------------------------------


def format_cell(value: Any, decimal: str = ".") -> str:
    """One CSV cell: empty for missing, numbers positional with ``decimal``, text neutralised."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Number):
        number = float(value)  # type: ignore[arg-type]
        if math.isinf(number):
            return ""
        return format_csv_number(number, decimal)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return neutralise(str(value))


class CsvDialect(NamedTuple):
    """How a format writes CSV: the cell separator, the decimal mark, the line ending and what
    comes before the header (the byte-order mark or nothing)."""

    delimiter: str
    decimal: str
    newline: str
    prefix: str


DIALECTS: dict[str, CsvDialect] = {
    FORMAT_CSV: CsvDialect(",", ".", "\n", ""),
    FORMAT_EXCEL_SV: CsvDialect(";", ",", "\r\n", BOM),
}


def csv_dialect(fmt: str) -> CsvDialect:
    """The dialect of format ``csv`` or ``excel-sv``; :class:`ValueError` for another."""
    dialect = DIALECTS.get(fmt) if isinstance(fmt, str) else None
    if dialect is None:
        raise ValueError(f"unknown export format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    return dialect


def quote_cell(cell: str, delimiter: str) -> str:
    """A cell as a CSV line holds it (RFC 4180): quoted, with doubled quotes, when it holds the
    delimiter, a quote, CR or LF."""
    if delimiter in cell or '"' in cell or "\r" in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def header_cells(columns: Iterable[Any]) -> list[str]:
    """The header's cells: the column names, neutralised like text."""
    return [neutralise(str(column)) for column in columns]


def _csv_line(cells: Sequence[str], delimiter: str) -> str:
    """One CSV line (RFC 4180 quoting, :func:`quote_cell`); a line of a single empty cell is
    written ``""`` so that it is not a blank line."""
    if len(cells) == 1 and cells[0] == "":
        return '""'
    return delimiter.join(quote_cell(cell, delimiter) for cell in cells)


def to_csv_bytes(frame: pd.DataFrame, fmt: str = FORMAT_CSV) -> bytes:
    """The table as CSV bytes in format ``csv`` or ``excel-sv`` (see the module documentation).

    One cell at a time (:func:`format_cell`): the definition of the file. An export streamed
    from the server is written in pieces by :func:`indicators.export_stream.csv_chunks`, to
    the same bytes."""
    delimiter, decimal, newline, prefix = csv_dialect(fmt)
    header = header_cells(frame.columns)
    columns = [
        [format_cell(value, decimal) for value in frame[column].tolist()]
        for column in frame.columns
    ]
    lines = [_csv_line(header, delimiter)]
    lines.extend(_csv_line(row, delimiter) for row in zip(*columns, strict=True))
    text = "".join(line + newline for line in lines)
    return (prefix + text).encode("utf-8")
