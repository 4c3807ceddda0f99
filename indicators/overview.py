"""The overview's rules: which assessment each cell of the status matrix shows, an SDG goal's
status per area over the shown indicators, how many cells have each status, and which goal
level the overview opens at.

A cell (area × indicator, total series) shows its assessment against the chosen goal level;
where no goal of that level applies, the trend stands in and the cell is marked as a
*fallback*. An SDG goal's cell aggregates the cells of its indicators (:func:`summarise`); it
rests on the trend alone when every one of its parts is a fallback.

Pure functions over a status table (:func:`indicators.follow_up.status_table`); nothing here
reads the database or builds components.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from indicators.follow_up import summarise
from indicators.vocabulary import ALL_LEVELS, GOAL_LEVELS, STATUS_ORDER, TREND, Status


def effective_status(status: pd.DataFrame, level: str) -> pd.DataFrame:
    """One row per (area, indicator): the assessment against ``level``, else the trend.

    Only the total series (gender ``T``) is used. Rows that fall back to the trend because no
    goal of ``level`` applies get ``fallback=True``; for ``level == "trend"`` nothing falls back.
    """
    if level not in ALL_LEVELS:
        raise ValueError(f"unknown goal level {level!r}: expected one of {', '.join(ALL_LEVELS)}")
    total = status[status["gender"] == "T"] if "gender" in status.columns else status
    trend = total[total["level"] == TREND]
    if level == TREND:
        return trend.assign(fallback=False).reset_index(drop=True)
    chosen = total[total["level"] == level]
    has_goal = pd.MultiIndex.from_frame(chosen[["area_id", "kpi_id"]])
    trend_keys = pd.MultiIndex.from_frame(trend[["area_id", "kpi_id"]])
    missing = trend[~trend_keys.isin(has_goal)]
    return pd.concat(
        [chosen.assign(fallback=False), missing.assign(fallback=True)], ignore_index=True
    )


def sdg_aggregates(effective: pd.DataFrame, kpi_ids: Iterable[str]) -> pd.DataFrame:
    """Status per (area, SDG goal) over the given indicators (:func:`summarise`), with
    ``n_fallback``: how many of the parts are trend fallbacks."""
    frame = effective[effective["kpi_id"].isin(list(kpi_ids))]
    summary = summarise(frame, ["area_id", "sdg_goal"])
    if summary.empty:
        return summary.assign(n_fallback=pd.Series(dtype="int64"))
    fallback = frame.groupby(["area_id", "sdg_goal"])["fallback"].sum().rename("n_fallback")
    return summary.merge(fallback.reset_index(), on=["area_id", "sdg_goal"], how="left")


def rests_on_trend(aggregate: Mapping, level: str) -> bool:
    """Whether an SDG goal's cell (a row of :func:`sdg_aggregates`) is judged by the trend
    alone: every part falls back because no goal of ``level`` applies (never at the trend
    level itself)."""
    n_fallback = int(aggregate.get("n_fallback", 0) or 0)
    return level != TREND and n_fallback == aggregate["n_total"]


def status_counts(statuses: Iterable[str]) -> dict[Status, int]:
    """How many times each status occurs, in display order (every status present)."""
    counts = {s: 0 for s in STATUS_ORDER}
    for status in statuses:
        counts[Status(status)] += 1
    return counts


def fallback_count(effective: pd.DataFrame) -> int:
    """How many cells of :func:`effective_status` show the trend for want of a goal."""
    return int(effective["fallback"].sum())


def sdg_fallback_count(aggregates: pd.DataFrame, level: str) -> int:
    """How many SDG goal cells of :func:`sdg_aggregates` rest on the trend alone."""
    return sum(rests_on_trend(record, level) for record in aggregates.to_dict("records"))


def goal_coverage(status: pd.DataFrame) -> dict[str, int]:
    """Per goal level (local to global), how many cells (area × indicator, total series) have a
    goal of that level – the cells that show a goal's status rather than the trend."""
    total = status[status["gender"] == "T"] if "gender" in status.columns else status
    cells = total[["area_id", "kpi_id", "level"]].drop_duplicates()
    counts = cells["level"].value_counts()
    return {level: int(counts.get(level, 0)) for level in GOAL_LEVELS}


def default_level(status: pd.DataFrame, fallback: str) -> str:
    """The goal level the overview opens at: the one with a goal for the most cells (the
    first in level order on a tie), so that as few cells as possible show the trend instead;
    ``fallback`` when no level has a goal for any cell."""
    coverage = goal_coverage(status)
    best = max(GOAL_LEVELS, key=lambda level: (coverage[level], -GOAL_LEVELS.index(level)))
    return best if coverage[best] > 0 else fallback
