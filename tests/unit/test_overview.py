"""The overview's rules on a literal status table: which assessment each cell shows, the
aggregates per SDG goal, the counts per status and the level the overview opens at."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.overview import (
    default_level,
    effective_status,
    fallback_count,
    goal_coverage,
    rests_on_trend,
    sdg_aggregates,
    sdg_fallback_count,
    status_counts,
)
from indicators.vocabulary import STATUS_ORDER
from tests.support.literal_tables import (
    CLIMATE,
    HEALTH,
    INDICATORS,
    REGION_ONLY,
    SCHOOL,
    row,
)


@pytest.fixture
def status() -> pd.DataFrame:
    """A literal status table: every cell has a trend row; two cells have a national goal."""
    rows = [
        row("2062", HEALTH, "nationell", "i fas", 3.0, goal_id="se-halsa-20", method="mål"),
        row("0020", CLIMATE, "nationell", "uppnått", 5.0, goal_id="se-klimat", method="mål"),
        # a regional goal for Mora does not change the national view
        row("2062", SCHOOL, "regional", "uppnått", 5.0, goal_id="dalarna-skola", method="mål"),
        row("2062", HEALTH, "trend", "går åt fel håll", -4.0),
        row("2062", SCHOOL, "trend", "går åt fel håll", -4.0),
        row("2062", CLIMATE, "trend", "behöver accelereras", 1.0),
        row("0020", HEALTH, "trend", "kan inte bedömas", None, reason="Färre än två värden."),
        row("0020", SCHOOL, "trend", "i fas", 3.0),
        row("0020", CLIMATE, "trend", "otillräcklig", -1.0),
        row("0020", REGION_ONLY, "trend", "i fas", 4.0),
        # another gender's series is never shown in the matrix
        dict(row("2062", CLIMATE, "trend", "uppnått", 5.0), gender="K"),
    ]
    return pd.DataFrame(rows)


# --- which assessment a cell shows --------------------------------------------------------------


def test_effective_status_uses_the_level_and_falls_back_to_the_trend(status):
    effective = effective_status(status, "nationell")
    cells = {(r["area_id"], r["kpi_id"]): r for r in effective.to_dict("records")}
    # one row per (area, indicator) of the total series: 3 in Mora, 4 in the county
    assert len(effective) == 7
    assert cells[("2062", HEALTH.kpi_id)]["level"] == "nationell"
    assert cells[("2062", HEALTH.kpi_id)]["status"] == "i fas"
    assert not cells[("2062", HEALTH.kpi_id)]["fallback"]
    assert cells[("0020", CLIMATE.kpi_id)]["status"] == "uppnått"
    # a regional goal does not count at the national level: the trend stands in
    assert cells[("2062", SCHOOL.kpi_id)]["level"] == "trend"
    assert cells[("2062", SCHOOL.kpi_id)]["fallback"]
    # the women's series (uppnått) is ignored; the total's trend is shown
    assert cells[("2062", CLIMATE.kpi_id)]["status"] == "behöver accelereras"
    assert effective["fallback"].sum() == 5
    assert fallback_count(effective) == 5


def test_effective_status_for_the_trend_level_marks_nothing(status):
    effective = effective_status(status, "trend")
    assert len(effective) == 7
    assert set(effective["level"]) == {"trend"}
    assert not effective["fallback"].any()
    assert fallback_count(effective) == 0


def test_effective_status_rejects_an_unknown_level(status):
    with pytest.raises(ValueError, match="kommunal"):
        effective_status(status, "kommunal")


# --- per SDG goal -------------------------------------------------------------------------------


def test_sdg_aggregates_count_statuses_and_fallbacks(status):
    effective = effective_status(status, "nationell")
    aggregates = sdg_aggregates(effective, [i.kpi_id for i in INDICATORS])
    mora_health = aggregates[(aggregates["area_id"] == "2062") & (aggregates["sdg_goal"] == 3)]
    record = mora_health.iloc[0].to_dict()
    # Hälsa: national goal, i fas (score 3); Skola: trend fallback, går åt fel håll (−4)
    mean = (3.0 + -4.0) / 2
    assert record["mean_score"] == pytest.approx(mean)
    assert record["status"] == "otillräcklig"  # −2,5 ≤ mean < 0
    assert record["n_total"] == 2
    assert record["n_i fas"] == 1
    assert record["n_går åt fel håll"] == 1
    assert record["n_fallback"] == 1
    county_health = aggregates[(aggregates["area_id"] == "0020") & (aggregates["sdg_goal"] == 3)]
    record = county_health.iloc[0].to_dict()
    assert record["n_assessed"] == 1  # kan inte bedömas is not in the mean
    assert record["mean_score"] == pytest.approx(3.0)


def test_an_sdg_cell_rests_on_the_trend_only_when_every_part_falls_back(status):
    effective = effective_status(status, "nationell")
    aggregates = sdg_aggregates(effective, [i.kpi_id for i in INDICATORS])
    by_cell = {(r["area_id"], r["sdg_goal"]): r for r in aggregates.to_dict("records")}
    assert not rests_on_trend(by_cell[("2062", 3)], "nationell")  # one of two has a goal
    assert rests_on_trend(by_cell[("2062", 13)], "nationell")  # a pure trend fallback
    assert not rests_on_trend(by_cell[("0020", 13)], "nationell")  # the national goal
    # Mora: goal 13; the county: goals 3 and 8 (Länsvärde has no national goal either)
    assert sdg_fallback_count(aggregates, "nationell") == 3
    trend = sdg_aggregates(effective_status(status, "trend"), [i.kpi_id for i in INDICATORS])
    assert sdg_fallback_count(trend, "trend") == 0


# --- counts -------------------------------------------------------------------------------------


def test_status_counts_in_display_order(status):
    effective = effective_status(status, "nationell")
    counts = status_counts(effective["status"])
    assert list(counts) == list(STATUS_ORDER)
    expected = effective["status"].value_counts().to_dict()
    assert {str(s): n for s, n in counts.items() if n} == expected


# --- the level the overview opens at ------------------------------------------------------------


def test_goal_coverage_counts_the_cells_with_a_goal_per_level(status):
    # the literal table: national goals for Mora × Hälsa and the county × Utsläpp, a regional
    # goal for Mora × Skola, none at the local and global levels; another gender never counts
    assert goal_coverage(status) == {"lokal": 0, "regional": 1, "nationell": 2, "global": 0}


def test_default_level_is_the_one_with_goals_for_most_cells(status):
    assert default_level(status, "nationell") == "nationell"
    # three more regional goals (Mora × Hälsa, the county × Hälsa and × Skola) outnumber the
    # two national ones
    more = pd.concat(
        [
            status,
            pd.DataFrame(
                [
                    row("2062", HEALTH, "regional", "i fas", 3.0, goal_id="r1", method="mål"),
                    row("0020", HEALTH, "regional", "i fas", 3.0, goal_id="r1", method="mål"),
                    row("0020", SCHOOL, "regional", "i fas", 3.0, goal_id="r2", method="mål"),
                ]
            ),
        ],
        ignore_index=True,
    )
    assert goal_coverage(more)["regional"] == 4
    assert default_level(more, "nationell") == "regional"
    # a goal for a women's series alone is not a cell of the overview
    women = dict(
        row("2062", CLIMATE, "global", "i fas", 3.0, goal_id="g", method="mål"), gender="K"
    )
    assert goal_coverage(pd.concat([status, pd.DataFrame([women])]))["global"] == 0


def test_default_level_ties_go_to_the_first_level_and_no_goal_to_the_fallback(status):
    tie = pd.concat(
        [
            status,
            pd.DataFrame(
                [row("2062", HEALTH, "lokal", "i fas", 3.0, goal_id="l", method="mål")] * 2
                + [row("0020", HEALTH, "lokal", "i fas", 3.0, goal_id="l", method="mål")]
            ),
        ],
        ignore_index=True,
    )
    # two cells (a cell with two rows counts once) have a local goal, two a national one
    assert goal_coverage(tie)["lokal"] == 2
    assert default_level(tie, "nationell") == "lokal"
    trend_only = status[status["level"] == "trend"]
    assert default_level(trend_only, "nationell") == "nationell"
    assert default_level(trend_only, "global") == "global"
