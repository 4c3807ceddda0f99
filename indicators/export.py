"""Exports: exactly the selected observations with their goals and progress status, as CSV.

Two files, each in two formats:

* **the time series** – :func:`export_table`: one row per (area, indicator, gender, year) of a
  selection, with the goal and its path per level and, on the row of the latest year, the
  status with everything behind it;
* **the latest status** ("Senaste status") – :func:`latest_status_table`: one row per (area,
  indicator, gender, level) with the latest value, the goal's target, the status, its
  robustness and the annual changes, ready to paste into a report.

:func:`to_csv_bytes` writes a table in one of two formats:

* ``csv`` – UTF-8 without byte-order mark, comma-separated, decimal point, ``\\n`` line endings;
* ``excel-sv`` – "Excel (svensk)": UTF-8 with byte-order mark, semicolon-separated, decimal
  comma, ``\\r\\n`` line endings, as Excel with Swedish settings opens without an import dialog.

These two define the files, one cell at a time; :func:`indicators.export_stream.csv_chunks`
writes the same bytes of the time series in pieces, without the whole table, and
:func:`indicators.export_stream.table_chunks` any table, for the download route.

Numbers are written without thousands separators and never in exponent form; a missing value
is an empty cell. Kolada's values are written as Kolada gives them; what the dashboard computes
is rounded to what a reader can use: annual changes in per cent with one decimal (``-3.8``
for −3,8 % a year) or, measured linearly, in the unit a year with one decimal more than the
indicator's values; targets and goal paths with one decimal more than the indicator's values;
ratios and scores with two decimals. A cell holding the separator, a double quote or a line
break is quoted (RFC 4180). A text cell that a spreadsheet would run as a formula (starting
with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading apostrophe; numbers stay
numbers, so a negative value is written as a number.

The time series' columns (Swedish headers), in order:

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
the selection shows. The first five are on every row of the series; the judgement (from
``status`` on) only on the row of its latest year (``senaste_år``), so that a status is not
repeated on every year – a selection that ends before the latest year has no status rows (the
"Senaste status" file has them all).

==================================  ==========================================================
``mål_id``                          the goal's id (empty for ``trend``)
``mål``                             the goal in words (``högst 0 ton CO2e år 2045``)
``mål_målvärde``                    the goal's own target value – for a relative goal the
                                    area's own target; empty for band and direction goals
``mål_målår``                       the year the goal is to be reached
``målbana_värde``                   the goal path's value for the row's year: the straight line
                                    from the base value to the target (empty where the path
                                    does not reach the year) – not the target itself
``status``                          the progress status (``i fas``, ``kan inte bedömas`` …)
``status_trendlinje``               the status with a least-squares line through every value
                                    from the base year on
``robusthet``                       ``stabil`` or ``osäker`` (see ``robusthet_motivering``)
``poäng``                           the score, −5 … +5
``basår``, ``basvärde``             the base year and value used
``krävd_förändring_per_år``         the annual change needed to reach the target
``faktisk_förändring_per_år``       the observed annual change from base to latest
``förändring_enhet``                what the two changes are in: ``% per år`` or, measured
                                    linearly (targets of 0, band goals), the unit a year
                                    (``ton CO2e per år``, ``procentenheter per år``)
``kvot``                            ``R``, the observed change divided by the required (with a
                                    target)
``metod``                           ``mål`` (judged against a target) or ``trend``
``motivering``                      the reason, in Swedish
``robusthet_motivering``            why the status is stable or uncertain
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

The latest status's columns are :data:`LATEST_COLUMNS` (see :func:`latest_status_table`); file
names say what a file holds and for which areas (:func:`export_filename`).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Number
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from data.db import DATA_ORIGIN_DEMO
from indicators.catalogue import Indicator
from indicators.follow_up import goal_line_table
from indicators.formatting import format_csv_number
from indicators.goal_text import PROFILE, goal_in_words
from indicators.progress import (
    DEFAULT_THRESHOLD_SET,
    METHOD_TARGET,
    PACE_LINEAR,
    THRESHOLD_SETS,
    pace_unit,
)
from indicators.spreadsheet import neutralise
from indicators.vocabulary import ABSOLUTE, ALL_LEVELS, GENDER_LABELS, GENDERS, LEVEL_LABELS, TREND

log = logging.getLogger(__name__)

FORMAT_CSV = "csv"
FORMAT_EXCEL_SV = "excel-sv"
FORMATS: tuple[str, ...] = (FORMAT_CSV, FORMAT_EXCEL_SV)
#: The format choice as offered to users.
FORMAT_LABELS: dict[str, str] = {
    FORMAT_CSV: "CSV (komma, decimalpunkt)",
    FORMAT_EXCEL_SV: "Excel (svensk: semikolon, decimalkomma)",
}

#: The two files: the time series and the latest status (as the download route names them).
FILE_SERIES = "tidsserier"
FILE_LATEST = "senaste-status"
#: "Insatser och effekter": one row per intervention × linked indicator
#: (:func:`indicators.intervention_effects.effects_table`).
FILE_EFFECTS = "insatser-effekter"
FILES: tuple[str, ...] = (FILE_SERIES, FILE_LATEST, FILE_EFFECTS)
#: How a file's name starts.
FILE_PREFIXES: dict[str, str] = {
    FILE_SERIES: "hallbarhet",
    FILE_LATEST: "senaste-status",
    FILE_EFFECTS: "insatser-effekter",
}
#: A file for more areas than this is named for Dalarna rather than for each area.
MAX_NAMED_AREAS = 3

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
#: The per-level fields of the time series, in order (see the module documentation); the
#: values of all but ``målbana_värde`` come from :func:`level_values`.
LEVEL_FIELDS: tuple[str, ...] = (
    "mål_id",
    "mål",
    "mål_målvärde",
    "mål_målår",
    "målbana_värde",
    "status",
    "status_trendlinje",
    "robusthet",
    "poäng",
    "basår",
    "basvärde",
    "krävd_förändring_per_år",
    "faktisk_förändring_per_år",
    "förändring_enhet",
    "kvot",
    "metod",
    "motivering",
    "robusthet_motivering",
)
#: The goal path's value for the row's year (computed per row, not per series).
PATH_FIELD = "målbana_värde"
#: The fields on every row of a series; the others only on the row of its latest year.
EVERY_ROW_FIELDS: tuple[str, ...] = ("mål_id", "mål", "mål_målvärde", "mål_målår", PATH_FIELD)
#: The fields written as whole years.
YEAR_FIELDS: tuple[str, ...] = ("mål_målår", "basår", "senaste_år")
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

#: The columns of the latest status ("Senaste status"), one row per area, indicator, gender
#: and level (see :func:`latest_status_table`).
LATEST_COLUMNS: tuple[str, ...] = (
    "område_id",
    "område",
    "nyckeltal",
    "indikator",
    "enhet",
    "kön",
    "nivå",
    "mål_id",
    "mål",
    "senaste_år",
    "senaste_värde",
    "mål_målvärde",
    "mål_målår",
    "status",
    "robusthet",
    "status_trendlinje",
    "krävd_förändring_per_år",
    "faktisk_förändring_per_år",
    "förändring_enhet",
    "kvot",
    "metod",
    "basår",
    "basvärde",
    "motivering",
    "robusthet_motivering",
    "målets_källa",
    "tröskelvärden",
    "datakälla",
    "hämtad",
)

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


# --- file names -------------------------------------------------------------------------------

_SLUG_LETTERS = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "a", "Ä": "a", "Ö": "o"})


def file_slug(text: str) -> str:
    """A name as a file name holds it: lower case, å/ä/ö as a/a/o, other accents dropped, every
    other run of characters a hyphen: ``Region Dalarna`` → ``region-dalarna``, ``Älvdalen`` →
    ``alvdalen``."""
    plain = unicodedata.normalize("NFKD", text.translate(_SLUG_LETTERS))
    ascii_text = plain.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def export_filename(day: dt.date, area_titles: Sequence[str] = (), kind: str = FILE_SERIES) -> str:
    """The name of an export file, saying what it holds: ``hallbarhet-falun-2026-12-02.csv``
    (the time series of Falun), ``senaste-status-dalarna-2026-12-02.csv`` (the latest status
    of more than :data:`MAX_NAMED_AREAS` areas, or of none). ``area_titles``: the names of
    the selection's areas."""
    if kind not in FILE_PREFIXES:
        raise ValueError(f"unknown export file {kind!r}; expected one of: {', '.join(FILES)}")
    slugs = [slug for slug in (file_slug(title) for title in area_titles) if slug]
    place = "-".join(slugs) if 0 < len(slugs) <= MAX_NAMED_AREAS else "dalarna"
    return f"{FILE_PREFIXES[kind]}-{place}-{day.isoformat()}.csv"


def source_text(data_origin: str | None, indicator: Indicator | None = None) -> str:
    """The ``datakälla`` cell: an own indicator's source ("Källa: SMHI, …"), else the demo
    notice for demo data, else ``Källa: Kolada``."""
    if indicator is not None and indicator.is_own:
        return indicator.source_text
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


def rounded(values: Any, decimals: Any) -> np.ndarray:
    """``values`` rounded to ``decimals`` places (each value its own, or one for all), as
    floats with NaN for a missing value and no negative zero. Both writers of a file round
    with this, so that they write the same digits."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        numbers = values.astype(np.float64)
    else:
        numbers = np.asarray(
            pd.to_numeric(pd.Series(values, dtype=object), errors="coerce"), np.float64
        )
    places = np.broadcast_to(np.asarray(decimals, dtype=np.int64), numbers.shape)
    result = numbers.copy()
    for place in np.unique(places).tolist():
        chosen = places == place
        result[chosen] = np.round(numbers[chosen], place)
    return result + 0.0  # −0.0 → 0.0


def _column(rows: pd.DataFrame, name: str) -> list:
    """A column's values as a list (all ``None`` where the table lacks the column)."""
    if name in rows.columns:
        return [_plain(value) for value in rows[name].tolist()]
    return [None] * len(rows)


def _goal_words(goal: Any, indicator: Any) -> str | None:
    if goal is None:
        return None
    if indicator is None:
        return goal_in_words(goal, PROFILE)
    return goal_in_words(
        goal,
        PROFILE,
        unit=indicator.unit,
        decimals=indicator.decimals,
        direction=indicator.direction,
    )


def level_values(
    rows: pd.DataFrame, indicators: Mapping[str, Any], goals: Mapping[str, Any]
) -> pd.DataFrame:
    """Per status-table row (:func:`indicators.follow_up.status_table`), the values the exports
    write for it: every field of :data:`LEVEL_FIELDS` but ``målbana_värde``, and
    ``senaste_år``, ``senaste_värde`` and ``decimals`` (the places of the goal path's values).

    Numbers are rounded as the module documentation says (:func:`rounded`) and float (NaN for
    none), years too; texts are ``str`` or ``None``. ``indicators``: the catalogue by KPI id;
    ``goals``: the goal records by id (for their words and target values)."""
    n = len(rows)
    kpis = _column(rows, "kpi_id")
    known = [indicators.get(k) for k in kpis]
    value_places = np.array([i.decimals + 1 if i is not None else 2 for i in known], np.int64)
    paces = _column(rows, "pace")
    linear = np.array([pace == PACE_LINEAR for pace in paces], dtype=bool)
    goal_ids = [
        None if level == TREND else goal
        for goal, level in zip(_column(rows, "goal_id"), _column(rows, "level"), strict=True)
    ]
    goal_records = [goals.get(goal_id) if goal_id is not None else None for goal_id in goal_ids]
    methods = _column(rows, "method")
    targets = rounded(_floats(rows, "target_value"), value_places)
    own_target = np.array(
        [
            record is not None and method == METHOD_TARGET and record.kind != "band"
            for record, method in zip(goal_records, methods, strict=True)
        ],
        dtype=bool,
    )
    absolute = [record is not None and record.kind == ABSOLUTE for record in goal_records]
    goal_target = rounded(
        [
            r.target_value if r is not None and a else None
            for r, a in zip(goal_records, absolute, strict=True)
        ],
        value_places,
    )
    targets = np.where(np.array(absolute, dtype=bool), goal_target, targets)
    change_places = np.where(linear, value_places, 1)
    change_scale = np.where(linear, 1.0, 100.0)
    changes = {
        name: rounded(
            _floats(rows, source) * change_scale,
            change_places,
        )
        for name, source in (
            ("krävd_förändring_per_år", "required_annual_change"),
            ("faktisk_förändring_per_år", "observed_annual_change"),
        )
    }
    has_change = ~np.isnan(changes["krävd_förändring_per_år"]) | ~np.isnan(
        changes["faktisk_förändring_per_år"]
    )
    units = [
        pace_unit(pace, indicator.unit if indicator is not None else "") if changed else None
        for pace, indicator, changed in zip(paces, known, has_change.tolist(), strict=True)
    ]
    ratios = np.where(np.array([m == METHOD_TARGET for m in methods], dtype=bool), 1.0, np.nan)
    words: dict[tuple[Any, Any], str | None] = {}
    goal_texts = []
    for goal_id, record, kpi_id, indicator in zip(goal_ids, goal_records, kpis, known, strict=True):
        key = (goal_id, kpi_id)
        if key not in words:
            words[key] = _goal_words(record, indicator)
        goal_texts.append(words[key])
    return pd.DataFrame(
        {
            "mål_id": pd.Series(goal_ids, dtype=object),
            "mål": pd.Series(goal_texts, dtype=object),
            "mål_målvärde": np.where(own_target, targets, np.nan),
            "mål_målår": _years_of(rows, "target_year"),
            "status": pd.Series(_column(rows, "status"), dtype=object),
            "status_trendlinje": pd.Series(_column(rows, "least_squares_status"), dtype=object),
            "robusthet": pd.Series(_column(rows, "robustness"), dtype=object),
            "poäng": rounded(_floats(rows, "score"), 2),
            "basår": _years_of(rows, "base_year"),
            "basvärde": _floats(rows, "base_value"),
            **changes,
            "förändring_enhet": pd.Series(units, dtype=object),
            "kvot": rounded(_floats(rows, "ratio"), 2) * ratios,
            "metod": pd.Series(methods, dtype=object),
            "motivering": pd.Series(_column(rows, "reason"), dtype=object),
            "robusthet_motivering": pd.Series(
                [text or None for text in _column(rows, "robustness_reason")], dtype=object
            ),
            "senaste_år": _years_of(rows, "latest_year"),
            "senaste_värde": _floats(rows, "latest_value"),
            "decimals": value_places,
        },
        index=pd.RangeIndex(n),
    )


def _floats(rows: pd.DataFrame, name: str) -> np.ndarray:
    """A numeric column as floats (NaN for a missing value or a missing column)."""
    if name not in rows.columns:
        return np.full(len(rows), np.nan)
    column = pd.to_numeric(rows[name].astype(object), errors="coerce")
    return np.asarray(column, dtype=np.float64)


def _years_of(rows: pd.DataFrame, name: str) -> np.ndarray:
    """A year column as floats (NaN for none), whole: as ``int()`` reads them."""
    return np.trunc(_floats(rows, name)) + 0.0


def _cell_value(value: Any, name: str) -> Any:
    """A :func:`level_values` value as the time series table holds it: years as ``int``,
    missing as ``None``."""
    value = _plain(value)
    if value is None:
        return None
    if name in YEAR_FIELDS:
        return int(value)
    return value


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
    gives label, unit, decimals and global goal; ``goals`` the goal records (for their words and
    target values); ``assessments`` the qualitative assessments
    (:func:`indicators.assessments.assessments_for_export`; ``None``: none). Columns as in the
    module documentation; missing cells are ``None``, years are ``int``.
    """
    indicators = {indicator.kpi_id: indicator for indicator in catalogue}
    goals_by_id = {goal.id: goal for goal in goals}
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
    line_values = path_values(goal_lines)
    for level in levels:
        rows = status_table[status_table["level"] == level].drop_duplicates(_KEYS)
        values = level_values(rows, indicators, goals_by_id)
        position = {
            tuple(key): i for i, key in enumerate(rows[_KEYS].itertuples(index=False, name=None))
        }
        found = [
            position.get(key, -1)
            for key in zip(frame["area_id"], frame["kpi_id"], frame["gender"], strict=True)
        ]
        records = values.to_dict("records")
        latest_years = [_year(records[i]["senaste_år"]) if i >= 0 else None for i in found]
        on_path = [
            line_values.get((a, records[i]["mål_id"], g, int(y))) if i >= 0 else None
            for a, g, y, i in zip(
                frame["area_id"], frame["gender"], frame["year"], found, strict=True
            )
        ]
        path_places = [records[i]["decimals"] if i >= 0 else 0 for i in found]
        paths = rounded(on_path, path_places)
        for name in LEVEL_FIELDS:
            cells: list = []
            for row, (i, year, latest) in enumerate(
                zip(found, frame["year"], latest_years, strict=True)
            ):
                if i < 0 or (name not in EVERY_ROW_FIELDS and int(year) != latest):
                    cells.append(None)
                elif name == PATH_FIELD:
                    cells.append(_cell_value(paths[row], name))
                else:
                    cells.append(_cell_value(records[i][name], name))
            result[f"{level}_{name}"] = cells
    by_indicator, by_goal = newest_assessments(assessments)
    assessment_cells: dict[str, list] = {name: [] for name in ASSESSMENT_COLUMNS}
    for area_id, kpi_id in zip(frame["area_id"], frame["kpi_id"], strict=True):
        cells_of_row = assessment_values(area_id, kpi_id, indicators, by_indicator, by_goal)
        for name, value in cells_of_row.items():
            assessment_cells[name].append(value)
    result.update(assessment_cells)
    n = len(frame)
    result["tröskelvärden"] = [threshold_set] * n
    result["datakälla"] = [source_text(data_origin, indicators.get(k)) for k in frame["kpi_id"]]
    retrieved_text = _iso_date(retrieved)
    result["hämtad"] = [retrieved_text] * n
    table = pd.DataFrame(result, columns=export_columns(levels), dtype=object)
    return table


def path_values(goal_lines: pd.DataFrame) -> dict[tuple[str, str, str, int], float]:
    """The goal paths' values by (area, goal, gender, year) (the line ``mål`` of
    :func:`goal_lines`; a key given twice keeps its last value)."""
    lines = goal_lines[goal_lines["line"] == "mål"]
    return {
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


def latest_status_table(
    status_table: pd.DataFrame,
    catalogue: Sequence,
    goals: Iterable,
    *,
    area_titles: Mapping[str, str],
    levels: Sequence[str],
    data_origin: str | None,
    retrieved: dt.date | dt.datetime | None,
    threshold_set: str,
) -> pd.DataFrame:
    """The latest status ("Senaste status"): one row per row of ``status_table`` (area,
    indicator, gender and level) of the chosen ``levels``, with the latest value and year, the
    goal's own target and year (not the path towards it), the status, its robustness, the
    required and observed annual change and what they are in, the goal's source and the data
    source (:data:`LATEST_COLUMNS`).

    Rows are sorted by area (in the order of ``area_titles``), indicator (catalogue order),
    gender (T, K, M) and level (local to global, then the trend); numbers as in the time
    series; missing cells ``None``, years ``int``."""
    indicators = {indicator.kpi_id: indicator for indicator in catalogue}
    goals_by_id = {goal.id: goal for goal in goals}
    rows = status_table[status_table["level"].isin(levels)].drop_duplicates([*_KEYS, "level"])
    keys = pd.DataFrame(
        {
            "area": _ranks(rows["area_id"], list(area_titles)),
            "area_id": rows["area_id"],
            "kpi": _ranks(rows["kpi_id"], list(indicators)),
            "kpi_id": rows["kpi_id"],
            "gender": _ranks(rows["gender"], GENDERS),
            "level": _ranks(rows["level"], ALL_LEVELS),
        },
        index=rows.index,
    )
    rows = rows.loc[keys.sort_values(list(keys.columns), kind="stable").index]
    values = level_values(rows, indicators, goals_by_id)
    area_ids, kpi_ids = rows["area_id"].tolist(), rows["kpi_id"].tolist()

    def of_indicator(attribute: str) -> list:
        return [getattr(indicators[k], attribute) if k in indicators else None for k in kpi_ids]

    def goal_source(goal_id: Any) -> str | None:
        record = goals_by_id.get(goal_id) if goal_id is not None else None
        return record.source_document or None if record is not None else None

    n = len(rows)
    table = {
        "område_id": area_ids,
        "område": [area_titles.get(a, a) for a in area_ids],
        "nyckeltal": kpi_ids,
        "indikator": of_indicator("label"),
        "enhet": of_indicator("unit"),
        "kön": [GENDER_LABELS.get(g, g) for g in rows["gender"]],
        "nivå": [LEVEL_LABELS.get(level, level) for level in rows["level"]],
        "målets_källa": [goal_source(goal_id) for goal_id in values["mål_id"]],
        "tröskelvärden": [threshold_set] * n,
        "datakälla": [source_text(data_origin, indicators.get(k)) for k in kpi_ids],
        "hämtad": [_iso_date(retrieved)] * n,
    }
    for name in LATEST_COLUMNS:
        if name not in table:
            table[name] = [_cell_value(value, name) for value in values[name].tolist()]
    return pd.DataFrame(table, columns=list(LATEST_COLUMNS), dtype=object)


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


def row_lines(frame: pd.DataFrame, dialect: CsvDialect) -> str:
    """The rows of a table as CSV lines, each ending with the dialect's line ending, one cell
    at a time (:func:`format_cell`)."""
    delimiter, decimal, newline, _ = dialect
    columns = [
        [format_cell(value, decimal) for value in frame[column].tolist()]
        for column in frame.columns
    ]
    return "".join(_csv_line(row, delimiter) + newline for row in zip(*columns, strict=True))


def header_line(columns: Iterable[Any], dialect: CsvDialect) -> str:
    """What comes first in a file: the byte-order mark (``excel-sv``) and the header line."""
    delimiter, _, newline, prefix = dialect
    return prefix + _csv_line(header_cells(columns), delimiter) + newline


def to_csv_bytes(frame: pd.DataFrame, fmt: str = FORMAT_CSV) -> bytes:
    """The table as CSV bytes in format ``csv`` or ``excel-sv`` (see the module documentation).

    One cell at a time (:func:`format_cell`): the definition of the file. An export streamed
    from the server is written in pieces by :func:`indicators.export_stream.csv_chunks` (the
    time series) and :func:`indicators.export_stream.table_chunks`, to the same bytes."""
    dialect = csv_dialect(fmt)
    return (header_line(frame.columns, dialect) + row_lines(frame, dialect)).encode("utf-8")
