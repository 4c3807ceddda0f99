"""An area's profile rules on literal status tables and the shipped goal catalogue: which
indicators apply, the status per SDG goal and overall, the strongest and weakest indicators, the
local goals and the index of areas."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from data.goals import CATALOGUE_PATH, GoalRecord
from indicators.area_profile import (
    COUNT_COLUMNS,
    applicable_indicators,
    area_kind,
    area_overview,
    area_status,
    area_summary,
    assess_local_goals,
    available_levels,
    local_goals,
    ranked_counts,
    strongest_and_weakest,
    tile_summary,
)
from indicators.catalogue import catalogue_by_id, load_catalogue
from indicators.goal_csv import read_goal_csv
from indicators.progress import status_from_score
from indicators.vocabulary import STATUS_ORDER, TREND, Status
from tests.support.literal_tables import status_frame

FALUN, MORA, LEKSAND = "2080", "2062", "2029"
UPP, FAS, ACC, OTI, FEL, EJ = (str(s) for s in STATUS_ORDER)


def status_rows(rows: list[tuple]) -> pd.DataFrame:
    """A status table's key columns from (area, kpi, gender, level, sdg, status, score) rows."""
    return pd.DataFrame(
        rows, columns=["area_id", "kpi_id", "gender", "level", "sdg_goal", "status", "score"]
    )


def _goal(goal_id: str, level: str, areas: tuple[str, ...] | None = None) -> GoalRecord:
    return GoalRecord(
        id=goal_id,
        kpi_id="N00401",
        level=level,
        kind="direction",
        wording_sv="Mål",
        source_document="Källa",
        direction="down",
        areas=areas,
    )


# --- which areas, indicators and levels ------------------------------------------------------


def test_area_kinds_and_the_levels_an_area_has_goals_at():
    assert [area_kind(a) for a in (MORA, "0020", "0000")] == ["kommun", "region", "riket"]
    goals = [_goal("mora", "lokal", (MORA,)), _goal("alla", "global"), _goal("lan", "regional")]
    assert available_levels(goals, MORA) == ("lokal", "regional", "global", TREND)
    assert available_levels(goals, FALUN) == ("regional", "global", TREND)
    assert available_levels([], FALUN) == (TREND,)


def test_applicable_indicators_leave_county_only_ones_out_for_municipalities():
    catalogue = load_catalogue()
    county_only = {i.kpi_id for i in catalogue if i.municipality_type == "L"}
    municipal = {i.kpi_id for i in applicable_indicators(catalogue, "2062")}
    assert municipal == {i.kpi_id for i in catalogue} - county_only
    assert len(applicable_indicators(catalogue, "0020")) == len(catalogue)
    climate = applicable_indicators(catalogue, "2062", sdg=13, dimension="miljömässig")
    assert climate and all(i.sdg_goal == 13 and i.dimension == "miljömässig" for i in climate)


# --- status per SDG goal and overall ---------------------------------------------------------


def test_tile_summary_counts_statuses_per_goal_at_one_level():
    frame = status_frame(
        [
            ("N1", "nationell", 3, Status.I_FAS, 5.0),
            ("N2", "nationell", 3, Status.OTILLRACKLIG, -2.0),
            ("N3", "nationell", 13, Status.FEL_HALL, -4.0),
            ("N4", "nationell", 13, Status.EJ_BEDOMBAR, math.nan),
            ("N1", TREND, 3, Status.FEL_HALL, -5.0),  # another level: not counted
        ]
    )
    summary = tile_summary(frame, "nationell")
    assert summary["sdg_goal"].tolist() == list(range(1, 18))
    goal3 = summary[summary["sdg_goal"] == 3].iloc[0]
    assert (goal3["n_total"], goal3["n_i fas"], goal3["n_otillräcklig"]) == (2, 1, 1)
    assert goal3["n_går åt fel håll"] == 0
    assert goal3["status"] == str(status_from_score((5.0 + -2.0) / 2))
    goal13 = summary[summary["sdg_goal"] == 13].iloc[0]
    assert (goal13["n_total"], goal13["n_går åt fel håll"], goal13["n_kan inte bedömas"]) == (
        2,
        1,
        1,
    )
    assert goal13["status"] == str(Status.FEL_HALL)  # the only score is −4
    empty = summary[~summary["sdg_goal"].isin([3, 13])]
    assert (empty["n_total"] == 0).all()
    assert empty["status"].isna().all()


def test_area_summary_counts_and_strongest_weakest():
    table = status_rows(
        [
            (FALUN, "A", "T", TREND, 13, UPP, 5.0),
            (FALUN, "B", "T", TREND, 13, FAS, 3.0),
            (FALUN, "C", "T", TREND, 7, ACC, 1.0),
            (FALUN, "D", "T", TREND, 7, OTI, -1.0),
            (FALUN, "E", "T", TREND, 11, FEL, -3.0),
            (FALUN, "F", "T", TREND, 11, EJ, None),
            (FALUN, "G", "T", TREND, 11, FAS, 3.0),
            (FALUN, "A", "K", TREND, 13, FEL, -5.0),  # another gender
            (FALUN, "A", "T", "global", 13, FEL, -5.0),  # another level
            (MORA, "A", "T", TREND, 13, FEL, -5.0),  # another area
        ]
    )
    profile = area_summary(table, FALUN, TREND)
    scores = [5.0, 3.0, 1.0, -1.0, -3.0, 3.0]
    assert profile.mean_score == pytest.approx(sum(scores) / len(scores))
    assert (profile.n_assessed, profile.n_total) == (6, 7)
    assert profile.status == ACC  # mean 1.33 is in [0, 2.5)
    counts = profile.counts
    assert counts == {UPP: 1, FAS: 2, ACC: 1, OTI: 1, FEL: 1, EJ: 1}
    assert list(profile.counts) == [UPP, FAS, ACC, OTI, FEL, EJ]
    falun = area_status(table, FALUN)
    by_sdg = tile_summary(falun, TREND)
    by_sdg = by_sdg[by_sdg["n_total"] > 0]  # the goals with an indicator at the level
    assert list(by_sdg["sdg_goal"]) == [7, 11, 13]
    assert list(by_sdg["n_total"]) == [2, 3, 2]
    strongest, weakest = strongest_and_weakest(falun, TREND, n=2)
    assert list(strongest["kpi_id"]) == ["A", "B"]  # B before G: equal scores by id
    assert list(weakest["kpi_id"]) == ["E", "D"]

    # With n larger than half, no indicator is both strongest and weakest: the strongest list
    # takes the better half (rounded up), the weakest list the rest.
    strongest, weakest = strongest_and_weakest(falun, TREND, n=4)
    assert list(strongest["kpi_id"]) == ["A", "B", "G"]
    assert list(weakest["kpi_id"]) == ["E", "D", "C"]
    assert not set(strongest["kpi_id"]) & set(weakest["kpi_id"])

    nothing = area_summary(table, LEKSAND, TREND)
    assert nothing.status == EJ and nothing.n_total == 0
    strongest, weakest = strongest_and_weakest(area_status(table, LEKSAND), TREND)
    assert strongest.empty and weakest.empty
    assert sum(nothing.counts.values()) == 0
    with pytest.raises(ValueError, match="unknown level"):
        area_summary(table, FALUN, "kommun")


def test_area_overview_counts_each_areas_indicators_per_level():
    table = status_rows(
        [
            (MORA, "A", "T", TREND, 13, FAS, 3.0),
            (MORA, "B", "T", TREND, 13, EJ, None),
            (MORA, "A", "T", "nationell", 13, FEL, -4.0),
            (MORA, "A", "K", TREND, 13, UPP, 5.0),  # another gender: not counted
        ]
    )
    goals = [_goal("mora", "lokal", (MORA,)), _goal("alla", "lokal")]
    overview = area_overview(table, goals, [MORA, "0020"])
    assert list(overview["area_id"]) == [MORA, "0020"]
    assert list(overview["title"]) == ["Mora", "Region Dalarna"]
    assert list(overview["kind"]) == ["kommun", "region"]
    assert list(overview["local_goals"]) == [2, 1]
    mora = overview.iloc[0]
    assert (mora["trend:n_total"], mora[f"trend:n_{FAS}"], mora[f"trend:n_{EJ}"]) == (2, 1, 1)
    assert (mora["nationell:n_total"], mora[f"nationell:n_{FEL}"]) == (1, 1)
    county = overview.iloc[1]
    assert county["trend:n_total"] == 0
    assert all(county[f"trend:{column}"] == 0 for column in COUNT_COLUMNS)


# --- strongest and weakest -------------------------------------------------------------------


def test_strongest_and_weakest_order_by_score_without_overlap():
    scores = {"A": 5.0, "B": 4.0, "C": -1.0, "D": 2.0, "E": -5.0, "F": math.nan, "G": 0.0}
    frame = status_frame(
        [(k, "global", 1, Status.I_FAS, s) for k, s in scores.items()]
        + [("H", TREND, 1, Status.I_FAS, 5.0)]
    )
    strongest, weakest = strongest_and_weakest(frame, "global", n=2)
    assert strongest["kpi_id"].tolist() == ["A", "B"]
    assert weakest["kpi_id"].tolist() == ["E", "C"]
    # Six scored indicators and room for five each: the better half and the rest.
    strongest, weakest = strongest_and_weakest(frame, "global", n=5)
    assert strongest["kpi_id"].tolist() == ["A", "B", "D"]
    assert weakest["kpi_id"].tolist() == ["E", "C", "G"]
    assert not set(strongest["kpi_id"]) & set(weakest["kpi_id"])


def test_ties_rank_the_better_status_then_catalogue_order():
    frame = status_frame(
        [
            ("B", "lokal", 1, Status.I_FAS, 5.0),
            ("A", "lokal", 1, Status.I_FAS, 5.0),
            ("C", "lokal", 1, Status.UPPNATT, 5.0),
        ]
    )
    strongest, weakest = strongest_and_weakest(frame, "lokal", order=["B", "A", "C"], n=5)
    assert strongest["kpi_id"].tolist() == ["C", "B"]
    assert weakest["kpi_id"].tolist() == ["A"]


def test_ranked_counts_are_the_level_and_its_scored_indicators():
    frame = status_frame(
        [
            ("A", "nationell", 1, Status.I_FAS, 5.0),
            ("B", "nationell", 1, Status.EJ_BEDOMBAR, math.nan),
            ("C", TREND, 1, Status.I_FAS, 1.0),
        ]
    )
    assert ranked_counts(frame, "nationell") == (2, 1)
    assert ranked_counts(frame, TREND) == (1, 1)
    assert ranked_counts(frame, "lokal") == (0, 0)


# --- local goals -----------------------------------------------------------------------------


def _catalogue_goals_for(area_id: str) -> set[str]:
    """The shipped catalogue's local goals for an area, read straight from the CSV."""
    with CATALOGUE_PATH.open(encoding="utf-8", newline="") as handle:
        return {
            row["id"]
            for row in csv.DictReader(handle)
            if row["level"] == "lokal" and area_id in row["areas"].split("|")
        }


def test_local_goals_of_mora_from_the_shipped_catalogue():
    goals = read_goal_csv(CATALOGUE_PATH)
    expected = _catalogue_goals_for("2062")
    assert expected, "the shipped catalogue has local goals for Mora"
    found = local_goals(goals, "2062")
    assert {g.id for g in found} == expected
    assert all(g.level == "lokal" for g in found)
    deadlines = [(g.kpi_id, g.target_year or 9999) for g in found]
    assert deadlines == sorted(deadlines)


def test_local_goals_are_each_judged_without_values_as_not_assessable():
    goals = local_goals(read_goal_csv(CATALOGUE_PATH), "2062")
    indicators = catalogue_by_id()
    outside = GoalRecord(
        id="okand",
        kpi_id="Z00001",
        level="lokal",
        kind="direction",
        wording_sv="Mål",
        source_document="Källa",
        direction="up",
    )
    assessed = assess_local_goals([*goals, outside], {}, indicators)
    assert [goal.id for goal, _ in assessed] == [*(g.id for g in goals), "okand"]
    assert all(a is not None and a.status == Status.EJ_BEDOMBAR for _, a in assessed[:-1])
    assert assessed[-1][1] is None  # an indicator outside the catalogue is not judged
