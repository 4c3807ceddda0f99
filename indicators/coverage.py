"""What the dashboard covers: the catalogue's indicators per source, the goals per level and
origin, and per catalogue indicator the years and areas with values.

Pure functions over catalogue entries, goal records and the stored coverage
(:func:`data.queries.coverage`); nothing here reads the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import pandas as pd

from data.goals import ORIGIN_CATALOGUE, ORIGIN_USER, GoalRecord
from indicators.catalogue import Indicator
from indicators.vocabulary import GOAL_LEVELS, LEVEL_LABELS

NEWEST_YEAR_COLUMNS: tuple[str, ...] = (
    "kpi_id",
    "label",
    "sdg_goal",
    "first_year",
    "newest_year",
    "areas",
)


def source_group_counts(catalogue: Iterable[Indicator]) -> dict[str, int]:
    """How many catalogue indicators come from each source group."""
    return dict(Counter(indicator.source_group for indicator in catalogue))


def goal_counts(goals: Iterable[GoalRecord]) -> pd.DataFrame:
    """Goals per level: level, label, catalogue goals and users' own goals."""
    counts = Counter((goal.level, goal.origin) for goal in goals)
    return pd.DataFrame(
        [
            {
                "level": level,
                "label": LEVEL_LABELS[level],
                "catalogue": counts[(level, ORIGIN_CATALOGUE)],
                "user": counts[(level, ORIGIN_USER)],
            }
            for level in GOAL_LEVELS
        ],
        columns=["level", "label", "catalogue", "user"],
    )


def newest_years(coverage: pd.DataFrame, catalogue: Sequence[Indicator]) -> pd.DataFrame:
    """Coverage per catalogue indicator (catalogue order) with its label; indicators without
    values get empty years."""
    stored: dict[str, tuple[int | None, int | None, int]] = {
        str(kpi_id): (int(first), int(newest), int(areas))
        for kpi_id, first, newest, areas in coverage[
            ["kpi_id", "first_year", "newest_year", "areas"]
        ].itertuples(index=False)
    }
    rows = []
    for indicator in catalogue:
        first, newest, areas = stored.get(indicator.kpi_id, (None, None, 0))
        rows.append(
            {
                "kpi_id": indicator.kpi_id,
                "label": indicator.label,
                "sdg_goal": indicator.sdg_goal,
                "first_year": first,
                "newest_year": newest,
                "areas": areas,
            }
        )
    return pd.DataFrame(rows, columns=list(NEWEST_YEAR_COLUMNS))


def newest_year_counts(table: pd.DataFrame) -> tuple[dict[int, int], int]:
    """How many indicators of a :func:`newest_years` table have each newest year (the most
    recent year first), and how many have no value at all."""
    years = [int(year) for year in table["newest_year"].dropna().tolist()]
    counts = Counter(years)
    return {year: counts[year] for year in sorted(counts, reverse=True)}, len(table) - len(years)
