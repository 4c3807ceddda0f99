"""What the dashboard covers, on literal catalogue entries, goal records and coverage tables."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from data.goals import ORIGIN_CATALOGUE, ORIGIN_USER, GoalRecord
from indicators.catalogue import load_catalogue
from indicators.coverage import (
    NEWEST_YEAR_COLUMNS,
    goal_counts,
    newest_year_counts,
    newest_years,
    source_group_counts,
)
from indicators.vocabulary import GOAL_LEVELS, LEVEL_LABELS


def _goal(goal_id: str, level: str, origin: str | None) -> GoalRecord:
    return GoalRecord(
        id=goal_id,
        kpi_id="N00401",
        level=level,
        kind="direction",
        direction="down",
        wording_sv="Mål",
        source_document="Källa",
        origin=origin,
    )


def test_source_group_counts_add_up_to_the_catalogue():
    catalogue = load_catalogue()
    counts = source_group_counts(catalogue)
    assert sum(counts.values()) == len(catalogue)
    assert counts["agenda2030"] == sum(1 for i in catalogue if i.source_group == "agenda2030")


def test_goal_counts_per_level_and_origin():
    goals = [
        _goal("a", "nationell", ORIGIN_CATALOGUE),
        _goal("b", "nationell", ORIGIN_CATALOGUE),
        _goal("c", "lokal", ORIGIN_USER),
        _goal("d", "lokal", ORIGIN_CATALOGUE),
        _goal("e", "global", None),  # read from a file, not stored: not counted
    ]
    counts = goal_counts(goals)
    assert list(counts["level"]) == list(GOAL_LEVELS)
    assert list(counts["label"]) == [LEVEL_LABELS[level] for level in GOAL_LEVELS]
    by_level = counts.set_index("level")
    assert (by_level.loc["nationell", "catalogue"], by_level.loc["nationell", "user"]) == (2, 0)
    assert (by_level.loc["lokal", "catalogue"], by_level.loc["lokal", "user"]) == (1, 1)
    assert by_level.loc[["regional", "global"], ["catalogue", "user"]].eq(0).all().all()


def test_newest_years_follow_the_catalogue_and_leave_gaps_empty():
    first, second, third = load_catalogue()[:3]
    coverage = pd.DataFrame(
        [(second.kpi_id, 40, 17, 2010, 2024), (first.kpi_id, 20, 15, 2015, 2023)],
        columns=["kpi_id", "rows", "areas", "first_year", "newest_year"],
    )
    table = newest_years(coverage, [first, second, replace(third, label="Utan värden")])
    assert list(table.columns) == list(NEWEST_YEAR_COLUMNS)
    assert table["kpi_id"].tolist() == [first.kpi_id, second.kpi_id, third.kpi_id]
    assert table.iloc[0][["first_year", "newest_year", "areas"]].tolist() == [2015, 2023, 15]
    assert table.iloc[1]["label"] == second.label
    assert pd.isna(table.iloc[2]["newest_year"]) and table.iloc[2]["areas"] == 0
    empty = newest_years(coverage.iloc[0:0], [first])
    assert pd.isna(empty.iloc[0]["first_year"])


def test_newest_year_counts_most_recent_first():
    frame = pd.DataFrame({"newest_year": [2023, 2024, 2024, None]})
    assert newest_year_counts(frame) == ({2024: 2, 2023: 1}, 1)
    assert newest_year_counts(pd.DataFrame({"newest_year": [None]})) == ({}, 1)
