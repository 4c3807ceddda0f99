"""Follow-up tables: progress status per area, indicator and goal level; SDG summaries;
goal lines; relative position.

Pure functions over tidy observation tables (:func:`data.queries.observations`), goal records
(:class:`data.goals.GoalRecord`) and the indicator catalogue. The dashboard and exports call
these; nothing here reads the database.

Which goal a cell is judged against: for each (indicator, area, level) the goals that apply are
those of that level for that indicator for every area or naming the area. When several apply
(e.g. recycling 55 % by 2025, 60 % by 2030 and 65 % by 2035), the one with the nearest deadline
that is not yet passed counts (deadline ≥ the year after the newest value); when all are
passed, the latest deadline; goals without a deadline (direction only) come last. The level
``trend`` judges the series without a goal, by the indicator's desired direction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from indicators.catalogue import Indicator
from indicators.progress import (
    DEFAULT_THRESHOLD_SET,
    STATUS_STYLE,
    Assessment,
    GoalSpec,
    Status,
    ThresholdSet,
    aggregate,
    assess,
    band_lines,
    goal_line,
)
from indicators.ranking import rank_areas

GOAL_LEVELS: tuple[str, ...] = ("lokal", "regional", "nationell", "global")
TREND = "trend"
ALL_LEVELS: tuple[str, ...] = (*GOAL_LEVELS, TREND)
LEVEL_LABELS: dict[str, str] = {
    "lokal": "Lokalt mål",
    "regional": "Regionalt mål",
    "nationell": "Nationellt mål",
    "global": "Globalt mål",
    TREND: "Trend (utan mål)",
}
#: Status order from best to not assessable (for sorting and count columns).
STATUS_ORDER: tuple[Status, ...] = tuple(sorted(Status, key=lambda s: STATUS_STYLE[s].order))

SeriesKey = tuple[str, str, str]  # (kpi_id, area_id, gender)
Points = list[tuple[int, float]]

ASSESSMENT_COLUMNS: tuple[str, ...] = tuple(Assessment(Status.EJ_BEDOMBAR, None, "").as_dict())


def series_by_key(observations: pd.DataFrame) -> dict[SeriesKey, Points]:
    """Group a tidy observation table into (year, value) point lists per (KPI, area, gender).

    Missing values are dropped; the points are sorted by year.
    """
    frame = observations.dropna(subset=["value"]).sort_values(
        ["kpi_id", "area_id", "gender", "year"]
    )
    result: dict[SeriesKey, Points] = {}
    keys = zip(frame["kpi_id"], frame["area_id"], frame["gender"], strict=True)
    points = zip(frame["year"].tolist(), frame["value"].tolist(), strict=True)
    for key, point in zip(keys, points, strict=True):
        result.setdefault(key, []).append(point)
    return result


def goals_by_indicator(goals: Iterable) -> dict[str, list]:
    """Goal records grouped by KPI id."""
    grouped: dict[str, list] = {}
    for goal in goals:
        grouped.setdefault(goal.kpi_id, []).append(goal)
    return grouped


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
    )


def status_table(
    observations: pd.DataFrame,
    goals: Iterable,
    catalogue: Sequence[Indicator],
    *,
    area_ids: Sequence[str],
    levels: Sequence[str] = ALL_LEVELS,
    genders: Sequence[str] = ("T",),
    thresholds: ThresholdSet = DEFAULT_THRESHOLD_SET,
) -> pd.DataFrame:
    """Progress status per (area, indicator, gender, level), with the inputs behind it.

    A goal level appears for a cell only where a goal of that level applies; ``trend`` appears
    for every cell. Columns: area_id, kpi_id, gender, level, goal_id, sdg_goal, dimension, and
    every field of :meth:`Assessment.as_dict` (status, score, reason, base/latest year and value,
    target, required and observed annual change, ratio, method, threshold_set …).
    """
    series = series_by_key(observations)
    by_kpi = goals_by_indicator(goals)
    rows: list[dict] = []
    for indicator in catalogue:
        kpi_goals = by_kpi.get(indicator.kpi_id, [])
        for area_id in area_ids:
            for gender in genders:
                points = series.get((indicator.kpi_id, area_id, gender), [])
                latest_year = points[-1][0] if points else None
                for level in levels:
                    if level == TREND:
                        goal = None
                    else:
                        goal = primary_goal(kpi_goals, area_id, level, latest_year)
                        if goal is None:
                            continue
                    result = assess_series(points, indicator, goal, thresholds=thresholds)
                    row = {
                        "area_id": area_id,
                        "kpi_id": indicator.kpi_id,
                        "gender": gender,
                        "level": level,
                        "goal_id": goal.id if goal is not None else None,
                        "sdg_goal": indicator.sdg_goal,
                        "dimension": indicator.dimension,
                    }
                    row.update(result.as_dict())
                    rows.append(row)
    columns = [
        "area_id",
        "kpi_id",
        "gender",
        "level",
        "goal_id",
        "sdg_goal",
        "dimension",
        *ASSESSMENT_COLUMNS,
    ]
    return pd.DataFrame(rows, columns=columns)


def _as_parts(frame: pd.DataFrame) -> list[Assessment]:
    return [
        Assessment(Status(status), None if pd.isna(score) else float(score), "")
        for status, score in zip(frame["status"], frame["score"], strict=True)
    ]


def summarise(status: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Aggregate a :func:`status_table` by the columns ``by`` (e.g. area, level, SDG goal).

    Each group gets the aggregate status (mean score, "uppnått" only if every part is), the
    mean score, the number assessed, and a count column per status (``n_uppnått`` …).
    """
    rows: list[dict] = []
    if not status.empty:
        for key, group in status.groupby(list(by), sort=True):
            key = key if isinstance(key, tuple) else (key,)
            result = aggregate(_as_parts(group))
            row = dict(zip(by, key, strict=True))
            row.update(
                status=str(result.status),
                mean_score=result.mean_score,
                n_assessed=result.n_assessed,
                n_total=len(group),
            )
            for s in STATUS_ORDER:
                row[f"n_{s.value}"] = result.counts.get(s, 0)
            rows.append(row)
    columns = [
        *by,
        "status",
        "mean_score",
        "n_assessed",
        "n_total",
        *(f"n_{s.value}" for s in STATUS_ORDER),
    ]
    return pd.DataFrame(rows, columns=columns)


def sdg_summary(status: pd.DataFrame) -> pd.DataFrame:
    """An SDG goal's status per area and level (mean of its indicators' scores)."""
    return summarise(status, ["area_id", "level", "sdg_goal"])


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


def rank_table(values: Mapping[str, float | None], direction: str) -> pd.DataFrame:
    """Relative position (Kolada-style thirds) of areas by one value each, best first."""
    ranked = rank_areas(values, direction)
    return pd.DataFrame(
        [
            {
                "area_id": r.area_id,
                "value": r.value,
                "rank": r.rank,
                "n": r.n,
                "third": r.third,
                "label": r.label,
            }
            for r in ranked
        ],
        columns=["area_id", "value", "rank", "n", "third", "label"],
    )
