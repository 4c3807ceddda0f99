"""Follow-up tables: progress status per area, indicator and goal level; summaries (e.g. per SDG
goal); goal lines.

Pure functions over tidy observation tables (:func:`data.queries.observations`), goal records
(:class:`data.goals.GoalRecord`) and the indicator catalogue. The dashboard and exports call
these; nothing here reads the database.

Which goal a cell is judged against: for each (indicator, area, level) the goals that apply are
those of that level for that indicator for every area or naming the area. When several apply
(e.g. recycling 55 % by 2025, 60 % by 2030 and 65 % by 2035), the one with the nearest deadline
that is not yet passed counts (deadline ≥ the year after the newest value); when all are
passed, the latest deadline; goals without a deadline (direction only) come last. The level
``trend`` judges the series without a goal, by the indicator's desired direction.

Which cells exist: every (area, indicator, gender) asked for, except that women's and men's
series (K, M) are judged only for indicators divided by gender, and an indicator the catalogue
marks as region-only (municipality type ``L``) is judged only for regions and Sweden (area ids
starting with ``00``, as Kolada numbers them). Every cell gets the ``trend`` level; a goal level
appears only where a goal of that level applies.

Scores run from −5 to +5; aggregates (an SDG goal per area, an area's profile) are the mean
score of their parts with counts per status, *uppnått* only when every part is.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter
from typing import NamedTuple, cast

import numpy as np
import pandas as pd

from indicators.catalogue import Indicator
from indicators.progress import (
    DEFAULT_THRESHOLD_SET,
    Assessment,
    GoalSpec,
    ThresholdSet,
    aggregate,
    assess,
    band_lines,
    goal_line,
)
from indicators.vocabulary import (
    ALL_LEVELS,
    GOAL_LEVELS,
    STATUS_ORDER,
    TREND,
    Status,
    is_municipality,
)

SeriesKey = tuple[str, str, str]  # (kpi_id, area_id, gender)
Points = list[tuple[int, float]]

ASSESSMENT_COLUMNS: tuple[str, ...] = tuple(Assessment(Status.EJ_BEDOMBAR, None, "").as_dict())
CELL_COLUMNS: tuple[str, ...] = (
    "area_id",
    "kpi_id",
    "gender",
    "level",
    "goal_id",
    "sdg_goal",
    "dimension",
)
STATUS_COLUMNS: tuple[str, ...] = (*CELL_COLUMNS, *ASSESSMENT_COLUMNS)
GENDERED = ("K", "M")
_year_of = itemgetter(0)
#: The base year of the trend and of goals that name none (as in the progress method).
DEFAULT_BASE_YEAR = 2015


def series_by_key(observations: pd.DataFrame) -> dict[SeriesKey, Points]:
    """Group a tidy observation table into (year, value) point lists per (KPI, area, gender).

    Missing values are dropped; the points are sorted by year (rows of one year keep their
    order in the table). A table sorted by key, as :func:`data.queries.observations` returns
    it, is split at the key changes without looking at each row in Python.
    """
    values = observations["value"].to_numpy(dtype="float64", na_value=np.nan)
    keep = ~np.isnan(values)
    kpi_ids = observations["kpi_id"].to_numpy(dtype=object)[keep]
    area_ids = observations["area_id"].to_numpy(dtype=object)[keep]
    genders = observations["gender"].to_numpy(dtype=object)[keep]
    n = len(kpi_ids)
    if n == 0:
        return {}
    new_key = np.ones(n, dtype=bool)
    new_key[1:] = (
        (kpi_ids[1:] != kpi_ids[:-1])
        | (area_ids[1:] != area_ids[:-1])
        | (genders[1:] != genders[:-1])
    )
    starts = np.flatnonzero(new_key).tolist()
    year_array = observations["year"].to_numpy()[keep]
    # Years rise within every run of one key (as read from the database): no sorting needed.
    in_order = bool(np.all((year_array[1:] > year_array[:-1]) | new_key[1:]))
    pairs = list(zip(year_array.tolist(), values[keep].tolist(), strict=True))
    result: dict[SeriesKey, Points] = {}
    for start, end in zip(starts, [*starts[1:], n], strict=True):
        key = (kpi_ids[start], area_ids[start], genders[start])
        points = pairs[start:end]
        if key in result:  # the table is not sorted by key: this key came before
            result[key].extend(points)
            in_order = False
        else:
            result[key] = points
    if not in_order:
        by_year = itemgetter(0)
        for points in result.values():
            points.sort(key=by_year)  # stable: rows of one year keep their order
    return result


def goals_by_indicator(goals: Iterable) -> dict[str, list]:
    """Goal records grouped by KPI id."""
    grouped: dict[str, list] = {}
    for goal in goals:
        grouped.setdefault(goal.kpi_id, []).append(goal)
    return grouped


def goal_levels_by_indicator(goals: Iterable) -> dict[str, tuple[str, ...]]:
    """Per KPI id, the goal levels at which it has at least one goal, in level order."""
    present: dict[str, set[str]] = {}
    for goal in goals:
        present.setdefault(goal.kpi_id, set()).add(goal.level)
    return {
        kpi_id: tuple(level for level in GOAL_LEVELS if level in levels)
        for kpi_id, levels in present.items()
    }


def goal_levels_of(kpi_id: str, goals: Iterable) -> tuple[str, ...]:
    """The goal levels at which one indicator has at least one goal, in level order."""
    return goal_levels_by_indicator(g for g in goals if g.kpi_id == kpi_id).get(kpi_id, ())


def goals_by_level_and_area(goals: Iterable) -> dict[tuple[str, str | None], list]:
    """Goal records by (level, area id); a goal for every area under (level, ``None``)."""
    index: dict[tuple[str, str | None], list] = {}
    for goal in goals:
        for area_id in goal.areas if goal.areas is not None else (None,):
            index.setdefault((goal.level, area_id), []).append(goal)
    return index


def primary_goal(goals: Iterable, area_id: str, level: str, reference_year: int | None):
    """The goal of ``level`` that a cell is judged against (see the module doc), or None."""
    candidates = [g for g in goals if g.level == level and g.applies_to(area_id)]
    if not candidates:
        return None
    after = (reference_year or 0) + 1

    def key(goal) -> tuple[int, int, str]:
        if goal.target_year is None:
            return (2, 0, goal.id)
        if goal.target_year >= after:
            return (0, goal.target_year, goal.id)
        return (1, -goal.target_year, goal.id)

    return min(candidates, key=key)


def assess_series(
    points: Points,
    indicator: Indicator,
    goal=None,
    *,
    thresholds: ThresholdSet = DEFAULT_THRESHOLD_SET,
) -> Assessment:
    """One series judged against one goal record (or its trend when ``goal`` is None)."""
    spec = GoalSpec.from_goal(goal) if goal is not None else None
    return assess(
        points,
        direction=indicator.direction,
        goal=spec,
        thresholds=thresholds,
        natural_limit=indicator.natural_limit,
        default_base_year=DEFAULT_BASE_YEAR,
        unit=indicator.unit,
    )


def _from_year_before(points: Points, base_year: int) -> Points:
    """The points (sorted by year) from the last one before ``base_year`` on (all of them if
    none is before).

    An assessment uses the base point (the first at or after the base year), the points from
    it to the latest (the least-squares line), whether the series has two points, and for its
    robustness the base a year earlier (which this keeps) and a year later; earlier points do
    not change it, so :func:`status_table` passes this shorter series.
    """
    first = bisect_left(points, base_year, key=_year_of)
    return points[first - 1 :] if first > 1 else points


def applies(indicator: Indicator, area_id: str, gender: str) -> bool:
    """Whether a cell is judged at all (see the module doc): K and M only for indicators
    divided by gender; region-only indicators only for regions and Sweden."""
    if gender in GENDERED and not indicator.is_divided_by_gender:
        return False
    return not (indicator.municipality_type == "L" and is_municipality(area_id))


def status_table(
    observations: pd.DataFrame | Mapping[SeriesKey, Points],
    goals: Iterable,
    catalogue: Sequence[Indicator],
    *,
    area_ids: Sequence[str],
    levels: Sequence[str] = ALL_LEVELS,
    genders: Sequence[str] = ("T",),
    thresholds: ThresholdSet = DEFAULT_THRESHOLD_SET,
) -> pd.DataFrame:
    """Progress status per (area, indicator, gender, level), with the inputs behind it.

    Rows come in catalogue order, then area, gender and level as given. Cells that do not apply
    (:func:`applies`) are left out; every other cell has a ``trend`` row, and a goal level's row
    only where a goal of that level applies. Columns (:data:`STATUS_COLUMNS`): area_id, kpi_id,
    gender, level, goal_id, sdg_goal, dimension, and every field of :meth:`Assessment.as_dict`
    (status, score, reason, base/latest year and value, target, required and observed annual
    change, ratio, method, threshold_set …). How the annual changes are measured is in
    ``pace`` (``procent``: fractions a year; ``linjär``: the indicator's unit a year).

    Robustness, beside every status (None where it cannot be assessed): ``robustness`` is
    ``osäker`` or ``stabil``, ``robustness_reason`` says why in Swedish,
    ``least_squares_status`` is the status judged from a least-squares line through every
    value from the base year on (``least_squares_change``, measured as ``pace``), and
    ``n_points`` counts those values.

    ``observations`` is a tidy table or, already grouped, the points per (KPI, area, gender) as
    :func:`data.queries.series_points` reads them.
    """
    unknown = [level for level in levels if level not in ALL_LEVELS]
    if unknown:
        raise ValueError(f"unknown level(s) {unknown!r}; expected some of {', '.join(ALL_LEVELS)}")
    series = observations if isinstance(observations, Mapping) else series_by_key(observations)
    by_kpi = goals_by_indicator(goals)
    specs: dict[str, GoalSpec] = {}
    rows: list[tuple] = []
    for indicator in catalogue:
        # Each cell looks only at the goals of its level and area (or of every area), so that
        # many stored goals do not make every cell scan all of them.
        kpi_goals = goals_by_level_and_area(by_kpi.get(indicator.kpi_id, []))
        for area_id in area_ids:
            for gender in genders:
                if not applies(indicator, area_id, gender):
                    continue
                points = series.get((indicator.kpi_id, area_id, gender), [])
                latest_year = points[-1][0] if points else None
                for level in levels:
                    spec = None
                    if level == TREND:
                        goal = None
                    else:
                        candidates = kpi_goals.get((level, area_id), []) + kpi_goals.get(
                            (level, None), []
                        )
                        goal = primary_goal(candidates, area_id, level, latest_year)
                        if goal is None:
                            continue
                        spec = specs.get(goal.id)
                        if spec is None:
                            spec = specs[goal.id] = GoalSpec.from_goal(goal)
                    base_year = (spec.base_year if spec else None) or DEFAULT_BASE_YEAR
                    result = assess(
                        _from_year_before(points, base_year),
                        direction=indicator.direction,
                        goal=spec,
                        thresholds=thresholds,
                        natural_limit=indicator.natural_limit,
                        default_base_year=DEFAULT_BASE_YEAR,
                        unit=indicator.unit,
                    )
                    cell = (
                        area_id,
                        indicator.kpi_id,
                        gender,
                        level,
                        goal.id if goal is not None else None,
                        indicator.sdg_goal,
                        indicator.dimension,
                    )
                    rows.append(cell + tuple(result.as_dict().values()))
    return pd.DataFrame(rows, columns=list(STATUS_COLUMNS))


_STATUS_BY_VALUE: dict[str, Status] = {status.value: status for status in Status}


class _Part(NamedTuple):
    """What :func:`indicators.progress.aggregate` reads of a status-table row."""

    status: Status
    score: float | None


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _parts(statuses: Iterable[str], scores: Iterable) -> list[_Part]:
    return [
        _Part(_STATUS_BY_VALUE[status], None if _is_missing(score) else float(score))
        for status, score in zip(statuses, scores, strict=True)
    ]


def summary_columns(by: Sequence[str]) -> list[str]:
    """The columns of :func:`summarise` grouped by ``by``."""
    return [
        *by,
        "status",
        "mean_score",
        "n_assessed",
        "n_total",
        *(f"n_{s.value}" for s in STATUS_ORDER),
    ]


def summarise(status: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Aggregate a :func:`status_table` by the columns ``by`` (e.g. area, level, SDG goal).

    Each group gets the aggregate status (mean score, "uppnått" only if every part is), the
    mean score, the number assessed, and a count column per status (``n_uppnått`` …). Groups
    are sorted by their key; rows with a missing key value are left out.

    Unless ``gender`` is among ``by``, pass one gender's rows (e.g. ``status[status["gender"] ==
    "T"]``): mixing women's, men's and total series in one mean would count the same indicator
    several times, so a table with several genders is refused.
    """
    by = list(by)
    missing = [name for name in [*by, "status", "score"] if name not in status.columns]
    if missing:
        raise ValueError(
            f"summarise: the table lacks the column(s) {', '.join(missing)}; expected a "
            "status_table() table"
        )
    if "gender" in status.columns and "gender" not in by:
        genders = status["gender"].unique().tolist()
        if len(genders) > 1:
            raise ValueError(
                f"summarise: the table holds several genders ({', '.join(map(str, genders))}); "
                "pass one gender's rows, or put 'gender' among the columns"
            )
    groups: dict[tuple, tuple[list[str], list]] = {}
    keys = zip(*(status[name].tolist() for name in by), strict=True)
    for key, state, score in zip(
        keys, status["status"].tolist(), status["score"].tolist(), strict=True
    ):
        if any(_is_missing(part) for part in key):
            continue
        group = groups.get(key)
        if group is None:
            group = groups[key] = ([], [])
        group[0].append(state)
        group[1].append(score)
    rows: list[tuple] = []
    for key in sorted(groups):
        states, scores = groups[key]
        # aggregate() reads only the status and score of its parts, which a _Part holds.
        result = aggregate(cast(list[Assessment], _parts(states, scores)))
        rows.append(
            (
                *key,
                str(result.status),
                result.mean_score,
                result.n_assessed,
                len(states),
                *(result.counts.get(s, 0) for s in STATUS_ORDER),
            )
        )
    return pd.DataFrame(rows, columns=summary_columns(by))


def status_matrix(
    status: pd.DataFrame,
    *,
    level: str,
    gender: str = "T",
    column: str = "status",
    area_ids: Sequence[str] | None = None,
    kpi_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One level of a :func:`status_table` as a wide matrix: a row per area, a column per KPI.

    ``column`` picks what the cells hold (``"status"``, ``"score"``, ``"goal_id"`` …); a cell
    without a row (no goal of that level applies, or the cell does not apply) is empty. Rows
    and columns follow ``area_ids`` and ``kpi_ids`` when given, else the order in which they
    first appear in the table. The index is named ``area_id`` and the columns ``kpi_id``.
    """
    if level not in ALL_LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(ALL_LEVELS)}")
    if column not in status.columns:
        raise ValueError(f"status_matrix: the table has no column {column!r}")
    part = status[(status["level"] == level) & (status["gender"] == gender)]
    matrix = part.pivot(index="area_id", columns="kpi_id", values=column)
    rows = list(area_ids) if area_ids is not None else list(dict.fromkeys(status["area_id"]))
    columns = list(kpi_ids) if kpi_ids is not None else list(dict.fromkeys(status["kpi_id"]))
    matrix = matrix.reindex(index=pd.Index(rows, name="area_id"))
    return matrix.reindex(columns=pd.Index(columns, name="kpi_id"))


def goal_line_table(
    observations: pd.DataFrame,
    goals: Iterable,
    *,
    area_ids: Sequence[str],
    gender: str = "T",
) -> pd.DataFrame:
    """Goal lines for charts: per area and goal, the path from base to target.

    Columns: area_id, goal_id, kpi_id, level, kind, line ("mål", "band, lägsta", "band,
    högsta"), year, value. A relative goal's target is computed from each area's own base value;
    direction goals have no line.
    """
    series = series_by_key(observations)
    rows: list[dict] = []
    for goal in goals:
        spec = GoalSpec.from_goal(goal)
        for area_id in area_ids:
            if not goal.applies_to(area_id):
                continue
            points = series.get((goal.kpi_id, area_id, gender), [])
            base = {
                "area_id": area_id,
                "goal_id": goal.id,
                "kpi_id": goal.kpi_id,
                "level": goal.level,
                "kind": goal.kind,
            }
            if goal.kind == "band":
                low, high = band_lines(spec, points)
                lines = [("band, lägsta", low), ("band, högsta", high)]
            else:
                lines = [("mål", goal_line(spec, points))]
            for name, path in lines:
                rows.extend({**base, "line": name, "year": y, "value": v} for y, v in path)
    columns = ["area_id", "goal_id", "kpi_id", "level", "kind", "line", "year", "value"]
    return pd.DataFrame(rows, columns=columns)
