"""An area's profile: which indicators and goal levels apply to it, its status per SDG goal,
its strongest and weakest indicators, its own local goals and, for the index of areas, how many
of its indicators have each status.

The areas are Dalarna's 15 municipalities, Region Dalarna and Riket. A municipality is not shown
the indicators the catalogue reports for counties only (municipality type ``L``); local goals
are a municipality's own (level ``lokal``).

Strongest and weakest: the assessed indicators at one level ranked by score (−5 to +5); equal
scores are ordered by the better status, then the catalogue order. An indicator is in one list
only: with fewer than twice the list length assessed, the strongest list takes the better half
(rounded up) and the weakest list the rest.

Pure functions over a status table (:func:`indicators.follow_up.status_table`), goal records
and catalogue entries; nothing here reads the database or builds components.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from data.areas import DEFAULT_AREAS, REGION_DALARNA, RIKET
from data.goals import GoalRecord
from indicators.catalogue import Indicator
from indicators.follow_up import applies, assess_series, summarise
from indicators.formatting import is_missing
from indicators.progress import DEFAULT_THRESHOLD_SET, Assessment, ThresholdSet
from indicators.sdg import SDG_GOALS
from indicators.vocabulary import (
    ALL_LEVELS,
    LOKAL,
    STATUS_ORDER,
    STATUS_STYLE,
    TREND,
    Status,
    levels_for_area,
)

#: How many indicators the strongest and the weakest list hold at most.
RANKED_COUNT = 5
#: The count column of each status in :func:`tile_summary` and :func:`area_overview`.
_STATUSES: tuple[str, ...] = tuple(s.value for s in STATUS_ORDER)
COUNT_COLUMNS: tuple[str, ...] = tuple(f"n_{status}" for status in _STATUSES)

#: A year's value in an area's series (``None`` where the year has no value).
Point = tuple[int, float | None]


# --- which areas, indicators and levels ------------------------------------------------------


def area_kind(area_id: str) -> str:
    """``kommun``, ``region`` or ``riket``."""
    if area_id == RIKET:
        return "riket"
    if area_id == REGION_DALARNA:
        return "region"
    return "kommun"


def available_levels(goals: Iterable[GoalRecord], area_id: str) -> tuple[str, ...]:
    """The goal levels with at least one goal for the area, plus ``trend``, in level order
    (never ``lokal`` for a region or Sweden: :func:`indicators.vocabulary.levels_for_area`)."""
    present = {g.level for g in goals if g.applies_to(area_id)}
    return (*(level for level in levels_for_area(area_id) if level in present), TREND)


def applicable_indicators(
    catalogue: Iterable[Indicator],
    area_id: str,
    *,
    sdg: int | None = None,
    dimension: str | None = None,
) -> list[Indicator]:
    """The catalogue entries shown for an area, in catalogue order, optionally one SDG goal's
    or one dimension's: those judged for the area's total series (:func:`applies`), so a
    municipality is not shown the county-only (type ``L``) indicators."""
    result = []
    for indicator in catalogue:
        if not applies(indicator, area_id, "T"):
            continue
        if sdg is not None and indicator.sdg_goal != sdg:
            continue
        if dimension is not None and indicator.dimension != dimension:
            continue
        result.append(indicator)
    return result


def area_status(
    status: pd.DataFrame,
    area_id: str,
    kpi_ids: Iterable[str] | None = None,
    *,
    gender: str = "T",
) -> pd.DataFrame:
    """One area's rows of a status table (one gender, optionally only some indicators)."""
    rows = status[(status["area_id"] == area_id) & (status["gender"] == gender)]
    if kpi_ids is not None:
        rows = rows[rows["kpi_id"].isin(list(kpi_ids))]
    return rows


# --- status per SDG goal and overall ---------------------------------------------------------


def tile_summary(status: pd.DataFrame, level: str) -> pd.DataFrame:
    """Aggregate status and counts per SDG goal (1–17, all of them, in order) at one level,
    from one area's status rows. Goals with no indicator at the level have ``n_total`` 0 and
    no status."""
    rows = status[status["level"] == level]
    summary = summarise(rows, ["sdg_goal"]).set_index("sdg_goal")
    result = []
    for sdg in SDG_GOALS:
        if sdg.goal in summary.index:
            record = summary.loc[sdg.goal].to_dict()
        else:
            record = {"status": None, "mean_score": None, "n_assessed": 0, "n_total": 0}
            record.update(dict.fromkeys(COUNT_COLUMNS, 0))
        record["sdg_goal"] = sdg.goal
        result.append(record)
    columns = ["sdg_goal", "status", "mean_score", "n_assessed", "n_total", *COUNT_COLUMNS]
    frame = pd.DataFrame(result, columns=columns)
    for column in ("n_assessed", "n_total", *COUNT_COLUMNS):
        frame[column] = frame[column].astype(int)
    return frame


@dataclass(frozen=True)
class AreaSummary:
    """Every indicator of an area judged at one level, taken together.

    ``status`` and ``mean_score`` aggregate them (mean score, *uppnått* only when all are);
    ``counts`` holds how many have each status (every status, in display order).
    """

    status: str
    mean_score: float | None
    n_assessed: int
    n_total: int
    counts: dict[str, int]


def area_summary(
    status: pd.DataFrame, area_id: str, level: str, *, gender: str = "T"
) -> AreaSummary:
    """An area's indicators at one level of a status table, aggregated (one gender). An area
    without rows at the level *kan inte bedömas*, with every count zero."""
    if level not in ALL_LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(ALL_LEVELS)}")
    rows = area_status(status, area_id, gender=gender)
    summary = summarise(rows[rows["level"] == level], ["area_id"])
    if summary.empty:
        return AreaSummary(str(Status.EJ_BEDOMBAR), None, 0, 0, dict.fromkeys(_STATUSES, 0))
    record = summary.iloc[0].to_dict()
    mean = record["mean_score"]
    return AreaSummary(
        status=str(record["status"]),
        mean_score=None if is_missing(mean) else float(mean),
        n_assessed=int(record["n_assessed"]),
        n_total=int(record["n_total"]),
        counts={s: int(record[f"n_{s}"]) for s in _STATUSES},
    )


# --- strongest and weakest -------------------------------------------------------------------


def strongest_and_weakest(
    status: pd.DataFrame,
    level: str,
    *,
    order: Sequence[str] = (),
    n: int = RANKED_COUNT,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The best and the worst assessed indicators at one level, by score (−5 to +5).

    Strongest: highest score first (ties: better status, then ``order``, the catalogue order).
    Weakest: lowest score first. Indicators without a score are left out. An indicator appears
    in one list only: with fewer than ``2 × n`` assessed, the strongest list takes the better
    half (rounded up) and the weakest list the rest.
    """
    rows = status[(status["level"] == level) & status["score"].notna()].copy()
    position = {kpi_id: i for i, kpi_id in enumerate(order)}
    rows["_status_order"] = rows["status"].map(lambda s: STATUS_STYLE[Status(s)].order)
    rows["_position"] = rows["kpi_id"].map(lambda k: position.get(k, len(position)))
    best = rows.sort_values(
        ["score", "_status_order", "_position", "kpi_id"], ascending=[False, True, True, True]
    )
    total = len(best)
    n_top = min(n, math.ceil(total / 2))
    n_bottom = min(n, total - n_top)
    strongest = best.head(n_top)
    weakest = best.iloc[total - n_bottom :].iloc[::-1] if n_bottom else best.iloc[0:0]
    helper = ["_status_order", "_position"]
    return (
        strongest.drop(columns=helper).reset_index(drop=True),
        weakest.drop(columns=helper).reset_index(drop=True),
    )


def ranked_counts(status: pd.DataFrame, level: str) -> tuple[int, int]:
    """What the strongest and weakest lists draw from at one level: (indicators judged at the
    level, of them with a score)."""
    rows = status[status["level"] == level]
    return len(rows), int(rows["score"].notna().sum())


# --- local goals -----------------------------------------------------------------------------


def local_goals(goals: Iterable[GoalRecord], area_id: str) -> list[GoalRecord]:
    """The area's own goals: level ``lokal`` and naming the area (or applying to every area),
    ordered by indicator, then deadline."""
    found = [g for g in goals if g.level == LOKAL and g.applies_to(area_id)]
    return sorted(found, key=lambda g: (g.kpi_id, g.target_year or 9999, g.id))


def assess_local_goals(
    goals: Sequence[GoalRecord],
    series: Mapping[str, Sequence[Point]],
    indicators: Mapping[str, Indicator],
    *,
    thresholds: ThresholdSet = DEFAULT_THRESHOLD_SET,
) -> list[tuple[GoalRecord, Assessment | None]]:
    """Each goal with its current status (``None`` for a goal on an indicator outside the
    catalogue). Every goal is judged on its own, also one whose deadline has passed."""
    result: list[tuple[GoalRecord, Assessment | None]] = []
    for goal in goals:
        indicator = indicators.get(goal.kpi_id)
        if indicator is None:
            result.append((goal, None))
            continue
        points = [(y, v) for y, v in series.get(goal.kpi_id, []) if v is not None]
        result.append((goal, assess_series(points, indicator, goal, thresholds=thresholds)))
    return result


# --- the index of areas ----------------------------------------------------------------------


def area_overview(
    status: pd.DataFrame,
    goals: Iterable[GoalRecord],
    area_ids: Sequence[str],
    *,
    levels: Sequence[str] = ("nationell", TREND),
) -> pd.DataFrame:
    """Per area: counts per status at each of ``levels`` (columns ``<level>:n_<status>``,
    ``<level>:n_total``) and the number of local goals, in ``area_ids`` order (total series)."""
    goals = list(goals)
    records = []
    for area_id in area_ids:
        record: dict = {
            "area_id": area_id,
            "title": DEFAULT_AREAS.get(area_id, (area_id, ""))[0],
            "kind": area_kind(area_id),
            "local_goals": len(local_goals(goals, area_id)),
        }
        for level in levels:
            summary = area_summary(status, area_id, level)
            record[f"{level}:n_total"] = summary.n_total
            for state, count in summary.counts.items():
                record[f"{level}:n_{state}"] = count
        records.append(record)
    return pd.DataFrame(records)
