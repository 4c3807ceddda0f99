"""Follow-up tables over literal observation tables and goal records; one smoke test over the
demo dataset with the shipped goals."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pandas as pd
import pytest

from data import queries
from data.areas import DALARNA_MUNICIPALITIES, DEFAULT_AREAS, REGION_DALARNA, RIKET
from data.db import open_database
from data.goals import GoalRecord
from etl.demo import build_demo_data
from indicators.area_profile import area_summary
from indicators.catalogue import Indicator, load_catalogue
from indicators.follow_up import (
    STATUS_COLUMNS,
    applies,
    assess_series,
    goal_levels_by_indicator,
    goal_levels_of,
    goal_line_table,
    primary_goal,
    series_by_key,
    status_matrix,
    status_table,
    summarise,
)
from indicators.goals import list_goals, sync_catalogue_goals
from indicators.progress import EUROSTAT
from indicators.ranking import dalarna_ranking
from indicators.vocabulary import ALL_LEVELS, GOAL_LEVELS, STATUS_ORDER, TREND, Status

FALUN, MORA, LEKSAND, BORLANGE = "2080", "2062", "2029", "2081"
ON_TRACK, ACCELERATION, LIMITED = 0.95, 0.60, 0.0  # Statistics Canada, with a target
P_ON_TRACK, P_ACCELERATION, P_LIMITED = 0.015, 0.005, 0.0  # Statistics Canada, no target


def cagr(start: float, end: float, years: int) -> float:
    return (end / start) ** (1 / years) - 1


def score(value: float, on: float, acc: float, lim: float) -> float:
    """The documented piecewise-linear score through (lim, −2.5), (acc, 0), (on, 2.5)."""
    if value >= on:
        return min(2.5 + 2.5 * (value - on) / (on - acc), 5.0)
    if value >= acc:
        return 2.5 * (value - acc) / (on - acc)
    return max(-2.5 + 2.5 * (value - lim) / (acc - lim), -5.0)


def indicator(
    kpi_id: str = "N10001",
    *,
    direction: str = "up",
    sdg_goal: int = 13,
    divided: bool = False,
    municipality_type: str = "A",
) -> Indicator:
    return Indicator(
        kpi_id=kpi_id,
        label=f"Indikator {kpi_id}",
        kolada_title=f"Nyckeltal {kpi_id}",
        sdg_goal=sdg_goal,
        sdg_target=None,
        dimension="miljömässig",
        direction=direction,
        unit="antal",
        decimals=1,
        natural_limit=None,
        is_divided_by_gender=divided,
        municipality_type=municipality_type,
        source_group="agenda2030",
    )


def goal(goal_id: str, level: str, kind: str = "absolute", **fields) -> GoalRecord:
    fields.setdefault("kpi_id", "N10001")
    return GoalRecord(
        id=goal_id,
        level=level,
        kind=kind,
        wording_sv=f"Mål {goal_id}",
        source_document="Testdokument",
        **fields,
    )


def observations(rows: list[tuple]) -> pd.DataFrame:
    """A tidy observation table from (kpi_id, area_id, year, gender, value) rows."""
    frame = pd.DataFrame(rows, columns=["kpi_id", "area_id", "year", "gender", "value"])
    frame["value"] = frame["value"].astype("float64")
    frame["status"] = ["" if v == v else "Missing" for v in frame["value"]]
    return frame


# --- series and goal choice ---------------------------------------------------------------------


def test_series_by_key_drops_missing_values_and_sorts_unsorted_tables():
    frame = observations(
        [
            ("N1", FALUN, 2021, "T", 2.0),
            ("N1", MORA, 2020, "T", 5.0),
            ("N1", FALUN, 2019, "T", 1.0),
            ("N1", FALUN, 2020, "T", None),
            ("N1", FALUN, 2019, "K", 7.0),
            ("N1", FALUN, 2018, "T", 0.5),
        ]
    )
    assert series_by_key(frame) == {
        ("N1", FALUN, "T"): [(2018, 0.5), (2019, 1.0), (2021, 2.0)],
        ("N1", MORA, "T"): [(2020, 5.0)],
        ("N1", FALUN, "K"): [(2019, 7.0)],
    }
    assert series_by_key(observations([])) == {}
    # One run of a key with its years out of order.
    descending = observations([("N1", FALUN, 2021, "T", 2.0), ("N1", FALUN, 2019, "T", 1.0)])
    assert series_by_key(descending) == {("N1", FALUN, "T"): [(2019, 1.0), (2021, 2.0)]}


def test_primary_goal_prefers_the_nearest_deadline_not_yet_passed():
    goals = [
        goal("r-2035", "regional", target_value=65, operator=">=", target_year=2035),
        goal("r-2025", "regional", target_value=55, operator=">=", target_year=2025),
        goal("r-2030", "regional", target_value=60, operator=">=", target_year=2030),
        goal("r-riktning", "regional", "direction", direction="up"),
        goal("n-2030", "nationell", target_value=50, operator=">=", target_year=2030),
    ]
    # Newest value 2024: a goal is not passed when its deadline is 2025 or later.
    assert primary_goal(goals, FALUN, "regional", 2024).id == "r-2025"
    assert primary_goal(goals, FALUN, "regional", 2025).id == "r-2030"
    # Every deadline passed: the latest one.
    assert primary_goal(goals, FALUN, "regional", 2040).id == "r-2035"
    # No value yet: the nearest deadline.
    assert primary_goal(goals, FALUN, "regional", None).id == "r-2025"
    assert primary_goal(goals, FALUN, "nationell", 2024).id == "n-2030"
    assert primary_goal(goals, FALUN, "lokal", 2024) is None


def test_goal_levels_per_indicator_in_level_order():
    goals = [
        goal("g", "global", kpi_id="N1"),
        goal("l", "lokal", kpi_id="N1", areas=(FALUN,)),
        goal("n", "nationell", kpi_id="N2"),
        goal("l2", "lokal", kpi_id="N1"),
    ]
    assert goal_levels_by_indicator(goals) == {"N1": ("lokal", "global"), "N2": ("nationell",)}
    assert goal_levels_of("N1", goals) == ("lokal", "global")
    assert goal_levels_of("N3", goals) == ()


def test_primary_goal_takes_direction_goals_last_and_respects_areas():
    goals = [
        goal("riktning", "lokal", "direction", direction="down"),
        goal("passerat", "lokal", target_value=10, operator="<=", target_year=2020),
        goal("falun", "regional", target_value=5, operator="<=", target_year=2030, areas=(FALUN,)),
        goal("alla", "regional", "direction", direction="down"),
    ]
    # Even a passed deadline comes before a goal without one.
    assert primary_goal(goals, FALUN, "lokal", 2024).id == "passerat"
    assert primary_goal(goals[:1], FALUN, "lokal", 2024).id == "riktning"
    # A goal naming areas applies only to them.
    assert primary_goal(goals, FALUN, "regional", 2024).id == "falun"
    assert primary_goal(goals, MORA, "regional", 2024).id == "alla"


# --- the status table ---------------------------------------------------------------------------

SCENARIO_ROWS = [
    ("N10001", FALUN, 2010, "T", 90.0),
    ("N10001", FALUN, 2015, "T", 100.0),
    ("N10001", FALUN, 2020, "T", 110.0),
    ("N10001", MORA, 2015, "T", 100.0),
    ("N10001", MORA, 2020, "T", 95.0),
    ("N10001", LEKSAND, 2015, "T", 100.0),
    ("N10001", LEKSAND, 2019, "T", 99.0),
    ("N10001", LEKSAND, 2020, "T", None),  # published without a value
]
SCENARIO_GOALS = [
    goal("g-150", "global", operator=">=", target_value=150, target_year=2030),
    goal(
        "lokal-falun",
        "lokal",
        "relative",
        relative_change=0.20,
        base_year=2015,
        target_year=2025,
        areas=(FALUN,),
    ),
    goal("reg-upp", "regional", "direction", direction="up"),
    goal("annan-kpi", "nationell", kpi_id="N99999", operator=">=", target_value=1),
]
SCENARIO_AREAS = [FALUN, MORA, LEKSAND, BORLANGE]


@pytest.fixture
def scenario() -> pd.DataFrame:
    return status_table(
        observations(SCENARIO_ROWS), SCENARIO_GOALS, [indicator()], area_ids=SCENARIO_AREAS
    )


def cell(table: pd.DataFrame, area_id: str, level: str) -> pd.Series:
    rows = table[(table["area_id"] == area_id) & (table["level"] == level)]
    assert len(rows) == 1, (area_id, level)
    return rows.iloc[0]


def test_status_table_rows_follow_the_goals_that_apply(scenario):
    assert list(scenario.columns) == list(STATUS_COLUMNS)
    rows = list(zip(scenario["area_id"], scenario["level"], scenario["goal_id"], strict=True))
    # Every cell has a trend row; the lokal goal only for Falun; no national goal for N10001.
    assert [(a, level) for a, level, _ in rows] == [
        (FALUN, "lokal"),
        (FALUN, "regional"),
        (FALUN, "global"),
        (FALUN, TREND),
        (MORA, "regional"),
        (MORA, "global"),
        (MORA, TREND),
        (LEKSAND, "regional"),
        (LEKSAND, "global"),
        (LEKSAND, TREND),
        (BORLANGE, "regional"),
        (BORLANGE, "global"),
        (BORLANGE, TREND),
    ]
    goal_ids = {(a, level): g for a, level, g in rows}
    assert goal_ids[(FALUN, "lokal")] == "lokal-falun"
    assert goal_ids[(MORA, "global")] == "g-150"
    assert pd.isna(goal_ids[(MORA, TREND)])
    assert set(scenario["sdg_goal"]) == {13} and set(scenario["dimension"]) == {"miljömässig"}
    assert set(scenario["gender"]) == {"T"}
    assert set(scenario["threshold_set"]) == {"statistics_canada"}


def test_status_table_carries_its_inputs_for_an_absolute_goal(scenario):
    row = cell(scenario, FALUN, "global")
    observed = cagr(100, 110, 2020 - 2015)
    required = cagr(100, 150, 2030 - 2015)
    ratio = observed / abs(required)
    assert ACCELERATION <= ratio < ON_TRACK
    assert row["status"] == Status.ACCELERERA
    assert (row["base_year"], row["base_value"]) == (2015, 100.0)
    assert (row["latest_year"], row["latest_value"]) == (2020, 110.0)
    assert (row["target_value"], row["target_year"]) == (150.0, 2030)
    assert row["observed_annual_change"] == pytest.approx(observed)
    assert row["required_annual_change"] == pytest.approx(required)
    assert row["ratio"] == pytest.approx(ratio)
    assert row["score"] == pytest.approx(score(ratio, ON_TRACK, ACCELERATION, LIMITED))
    assert (row["method"], row["goal_kind"]) == ("mål", "absolute")
    assert not row["deadline_passed"]
    assert row["reason"]


def test_status_table_relative_goal_uses_the_areas_own_base(scenario):
    row = cell(scenario, FALUN, "lokal")
    target = 100 * (1 + 0.20)
    ratio = cagr(100, 110, 5) / cagr(100, target, 2025 - 2015)
    assert ratio >= ON_TRACK
    assert row["status"] == Status.I_FAS
    assert row["target_value"] == pytest.approx(target)
    assert row["score"] == pytest.approx(score(ratio, ON_TRACK, ACCELERATION, LIMITED))


def test_status_table_trend_and_direction_goal(scenario):
    change = cagr(100, 110, 5)
    expected = score(change, P_ON_TRACK, P_ACCELERATION, P_LIMITED)
    for level in (TREND, "regional"):
        row = cell(scenario, FALUN, level)
        assert row["status"] == Status.I_FAS
        assert row["method"] == "trend"
        assert row["ratio"] == pytest.approx(change)
        assert row["score"] == pytest.approx(expected)
        assert pd.isna(row["target_value"])
    assert cell(scenario, FALUN, "regional")["goal_kind"] == "direction"


def test_status_table_moving_away_missing_values_and_no_data(scenario):
    mora = cell(scenario, MORA, "global")
    ratio = cagr(100, 95, 5) / cagr(100, 150, 15)
    assert mora["status"] == Status.FEL_HALL
    assert mora["score"] == pytest.approx(score(ratio, ON_TRACK, ACCELERATION, LIMITED))
    assert cell(scenario, MORA, TREND)["score"] == -5.0  # clamped

    # Leksand's 2020 row has no value: 2019 is the latest.
    leksand = cell(scenario, LEKSAND, TREND)
    assert (leksand["latest_year"], leksand["latest_value"]) == (2019, 99.0)
    assert leksand["observed_annual_change"] == pytest.approx(cagr(100, 99, 4))

    borlange = cell(scenario, BORLANGE, TREND)
    assert borlange["status"] == Status.EJ_BEDOMBAR
    assert pd.isna(borlange["score"]) and borlange["reason"] == "Inga värden."


def test_status_table_threshold_set_is_recorded_and_used():
    change = cagr(100, 99, 4)  # −0.25 % a year
    table = status_table(
        observations(SCENARIO_ROWS),
        [],
        [indicator()],
        area_ids=[LEKSAND],
        thresholds=EUROSTAT,
    )
    row = cell(table, LEKSAND, TREND)
    on, acc, lim = EUROSTAT.without_target
    assert lim <= change < acc
    assert row["status"] == Status.OTILLRACKLIG  # Statistics Canada: går åt fel håll
    assert row["threshold_set"] == "eurostat"
    assert row["score"] == pytest.approx(score(change, on, acc, lim))


def test_status_table_genders_only_for_indicators_divided_by_gender():
    rows = [
        ("N10001", FALUN, 2015, "T", 1.0),
        ("N10001", FALUN, 2020, "T", 2.0),
        ("N10002", FALUN, 2015, "K", 1.0),
        ("N10002", FALUN, 2020, "K", 2.0),
    ]
    catalogue = [indicator("N10001"), indicator("N10002", divided=True)]
    table = status_table(
        observations(rows), [], catalogue, area_ids=[FALUN], genders=("T", "K", "M")
    )
    assert list(zip(table["kpi_id"], table["gender"], strict=True)) == [
        ("N10001", "T"),
        ("N10002", "T"),
        ("N10002", "K"),
        ("N10002", "M"),
    ]
    assert set(table["level"]) == {TREND}
    assert not applies(catalogue[0], FALUN, "K") and applies(catalogue[1], FALUN, "K")


def test_status_table_region_only_indicator_is_judged_for_regions_and_sweden():
    table = status_table(
        observations([]),
        [],
        [indicator("N10003", municipality_type="L")],
        area_ids=[FALUN, REGION_DALARNA, RIKET],
    )
    assert list(table["area_id"]) == [REGION_DALARNA, RIKET]


def test_status_table_levels_subset_and_unknown_level():
    table = status_table(
        observations(SCENARIO_ROWS),
        SCENARIO_GOALS,
        [indicator()],
        area_ids=[FALUN],
        levels=("global", TREND),
    )
    assert list(table["level"]) == ["global", TREND]
    with pytest.raises(ValueError, match="unknown level"):
        status_table(observations([]), [], [indicator()], area_ids=[FALUN], levels=("kommun",))


def test_status_table_equals_assessing_each_whole_series():
    """status_table passes each series from the year before its base on; every row must be what
    assessing the whole series against the chosen goal gives."""
    rng = random.Random(2030)
    catalogue = [
        indicator("N20001", direction="up"),
        indicator("N20002", direction="down"),
        indicator("N20003", direction="none"),
        replace(indicator("N20004", direction="up"), natural_limit=100.0),
    ]
    goals = []
    for i, spec in enumerate(
        [
            {"kind": "absolute", "operator": ">=", "target_value": 60, "target_year": 2030},
            {"kind": "absolute", "operator": "<=", "target_value": 20, "target_year": 2018},
            {"kind": "relative", "relative_change": -0.3, "base_year": 2010, "target_year": 2030},
            {"kind": "relative", "relative_change": 0.2, "base_year": 2021, "target_year": 2025},
            {"kind": "band", "band_low": 30, "band_high": 40, "target_year": 2035},
            {"kind": "direction", "direction": "down"},
            {"kind": "absolute", "operator": ">=", "target_value": 0, "base_year": 1995},
        ]
    ):
        kind = spec.pop("kind")
        for indicator_ in catalogue:
            level = GOAL_LEVELS[i % len(GOAL_LEVELS)]
            goals.append(
                goal(f"g{i}-{indicator_.kpi_id}", level, kind, kpi_id=indicator_.kpi_id, **spec)
            )
    areas = [f"{2000 + i}" for i in range(40)]
    rows = []
    for indicator_ in catalogue:
        for area_id in areas:
            years = sorted(rng.sample(range(1995, 2025), rng.choice([0, 1, 2, 3, 8, 20, 30])))
            level = rng.uniform(-5, 80)
            for year in years:
                value = None if rng.random() < 0.1 else round(level + rng.gauss(0, 6), 1)
                rows.append((indicator_.kpi_id, area_id, year, "T", value))
    frame = observations(rows)
    table = status_table(frame, goals, catalogue, area_ids=areas)
    series = series_by_key(frame)
    by_id = {g.id: g for g in goals}
    indicators = {i.kpi_id: i for i in catalogue}
    assert len(table) > 500
    for record in table.to_dict("records"):
        chosen = None if record["level"] == TREND else by_id[record["goal_id"]]
        points = series.get((record["kpi_id"], record["area_id"], "T"), [])
        expected = assess_series(points, indicators[record["kpi_id"]], chosen).as_dict()
        for name, value in expected.items():
            got = record[name]
            if value is None:
                assert pd.isna(got), (record["kpi_id"], record["area_id"], name)
            else:
                assert got == value, (record["kpi_id"], record["area_id"], name)


def test_status_table_shows_robustness_beside_every_status():
    """Falun's base year 2015 is a dip: judged from 2014 or 2016 the status differs, so it is
    uncertain; Mora grows a steady 2 % a year: stable; Borlänge has no values: no mark."""
    falun = {2014: 100.0, 2015: 90.0, 2016: 100.0}
    falun.update({year: 100.0 + 0.5 * (year - 2016) for year in range(2017, 2024)})
    mora = {year: 50.0 * 1.02 ** (year - 2013) for year in range(2013, 2024)}
    rows = [("N10001", FALUN, y, "T", v) for y, v in falun.items()]
    rows += [("N10001", MORA, y, "T", v) for y, v in mora.items()]
    table = status_table(
        observations(rows), [], [indicator()], area_ids=[FALUN, MORA, BORLANGE], levels=(TREND,)
    )
    assert {
        "pace",
        "n_points",
        "least_squares_change",
        "least_squares_status",
        "robustness",
        "robustness_reason",
    } <= set(table.columns)

    def trend_status(series, base_year):
        change = cagr(series[base_year], series[2023], 2023 - base_year)
        if change >= P_ON_TRACK:
            return Status.I_FAS
        return Status.ACCELERERA if change >= P_ACCELERATION else Status.OTILLRACKLIG

    row = cell(table, FALUN, TREND)
    assert row["status"] == trend_status(falun, 2015) == Status.I_FAS
    assert trend_status(falun, 2016) != Status.I_FAS
    assert row["robustness"] == "osäker"
    assert "Med basåret 2016 blir statusen" in row["robustness_reason"]
    assert row["n_points"] == 9 and row["pace"] == "procent"

    row = cell(table, MORA, TREND)
    assert row["status"] == row["least_squares_status"] == Status.I_FAS
    assert row["least_squares_change"] == pytest.approx(0.02)
    assert row["robustness"] == "stabil"

    row = cell(table, BORLANGE, TREND)
    assert row["status"] == Status.EJ_BEDOMBAR
    assert pd.isna(row["robustness"]) and pd.isna(row["least_squares_status"])


def test_status_table_judges_a_zero_target_linearly_in_the_unit():
    climate = goal(
        "klimatneutral",
        "regional",
        operator="<=",
        target_value=0.0,
        base_year=1990,
        target_year=2045,
    )
    base = 1200.0  # the first value from 1990 on is 2010's
    rows = [("N10001", FALUN, y, "T", base - 40.0 * (y - 2010)) for y in range(2010, 2025)]
    table = status_table(observations(rows), [climate], [indicator()], area_ids=[FALUN])
    row = cell(table, FALUN, "regional")
    required = (0.0 - base) / (2045 - 2010)
    observed = -40.0
    ratio = -observed / abs(required)
    assert row["pace"] == "linjär"
    assert row["required_annual_change"] == pytest.approx(required)
    assert row["observed_annual_change"] == pytest.approx(observed)
    assert row["ratio"] == pytest.approx(ratio)
    assert row["status"] == Status.I_FAS  # 40 a year ≥ 0.95 × 34.3 a year
    assert "Basåret 1990 saknar värde" in row["reason"]


# --- summaries and matrix --------------------------------------------------------------


def status_rows(rows: list[tuple]) -> pd.DataFrame:
    """A status table's key columns from (area, kpi, gender, level, sdg, status, score) rows."""
    return pd.DataFrame(
        rows, columns=["area_id", "kpi_id", "gender", "level", "sdg_goal", "status", "score"]
    )


UPP, FAS, ACC, OTI, FEL, EJ = (str(s) for s in STATUS_ORDER)


def test_summarise_counts_statuses_and_averages_scores():
    table = status_rows(
        [
            (FALUN, "A", "T", TREND, 13, UPP, 5.0),
            (FALUN, "B", "T", TREND, 13, ACC, 1.0),
            (FALUN, "C", "T", TREND, 13, EJ, None),
            (FALUN, "D", "T", TREND, 7, UPP, 5.0),
            (FALUN, "E", "T", TREND, 7, UPP, 5.0),
            (FALUN, "F", "T", TREND, 11, EJ, None),
            (MORA, "A", "T", TREND, 13, FEL, -4.0),
            (MORA, "B", "T", TREND, 13, OTI, -1.0),
        ]
    )
    summary = summarise(table, ["area_id", "level", "sdg_goal"])
    assert list(summary.columns[:7]) == [
        "area_id",
        "level",
        "sdg_goal",
        "status",
        "mean_score",
        "n_assessed",
        "n_total",
    ]
    assert list(summary.columns[7:]) == [f"n_{s}" for s in (UPP, FAS, ACC, OTI, FEL, EJ)]
    by_key = summary.set_index(["area_id", "sdg_goal"])
    # Groups come sorted: Mora (2062) before Falun (2080), goals in number order.
    assert list(by_key.index) == [(MORA, 13), (FALUN, 7), (FALUN, 11), (FALUN, 13)]

    falun13 = by_key.loc[(FALUN, 13)]
    assert falun13["mean_score"] == pytest.approx((5.0 + 1.0) / 2)
    assert falun13["status"] == FAS  # mean 3.0 is in [2.5, 5]; not all parts are uppnått
    assert (falun13["n_assessed"], falun13["n_total"]) == (2, 3)
    assert (falun13[f"n_{UPP}"], falun13[f"n_{ACC}"], falun13[f"n_{EJ}"]) == (1, 1, 1)
    assert falun13[f"n_{FAS}"] == 0

    assert by_key.loc[(FALUN, 7), "status"] == UPP  # every part uppnått
    assert by_key.loc[(FALUN, 11), "status"] == EJ
    assert pd.isna(by_key.loc[(FALUN, 11), "mean_score"])
    mora = by_key.loc[(MORA, 13)]
    assert mora["mean_score"] == pytest.approx(-2.5)
    assert mora["status"] == OTI  # −2.5 is the lower bound of otillräcklig

    per_area = summarise(table, ["area_id"])
    assert list(per_area["area_id"]) == [MORA, FALUN]
    assert list(per_area["n_total"]) == [2, 6]
    assert per_area.iloc[1]["mean_score"] == pytest.approx((5 + 1 + 5 + 5) / 4)


def test_summarise_edge_cases():
    empty = summarise(status_rows([]), ["area_id"])
    assert empty.empty and list(empty.columns)[:2] == ["area_id", "status"]
    with_gap = status_rows([(FALUN, "A", "T", TREND, None, FAS, 3.0)])
    assert summarise(with_gap, ["sdg_goal"]).empty  # a missing key is left out
    with pytest.raises(ValueError, match="lacks the column"):
        summarise(status_rows([]), ["dimension"])
    mixed = status_rows(
        [(FALUN, "A", "T", TREND, 13, FAS, 3.0), (FALUN, "A", "K", TREND, 13, FEL, -3.0)]
    )
    with pytest.raises(ValueError, match="several genders"):
        summarise(mixed, ["area_id", "level", "sdg_goal"])
    by_gender = summarise(mixed, ["gender"])  # each gender on its own
    assert list(by_gender["gender"]) == ["K", "T"]


def test_status_matrix_is_wide_with_empty_cells_where_no_goal_applies(scenario):
    lokal = status_matrix(scenario, level="lokal")
    assert list(lokal.index) == SCENARIO_AREAS and list(lokal.columns) == ["N10001"]
    assert lokal.loc[FALUN, "N10001"] == Status.I_FAS
    assert lokal.loc[[MORA, LEKSAND, BORLANGE], "N10001"].isna().all()

    scores = status_matrix(scenario, level=TREND, column="score", area_ids=[MORA, FALUN])
    assert list(scores.index) == [MORA, FALUN]
    assert scores.loc[FALUN, "N10001"] == pytest.approx(cell(scenario, FALUN, TREND)["score"])
    with pytest.raises(ValueError, match="unknown level"):
        status_matrix(scenario, level="kommun")


# --- goal lines -----------------------------------------------------------------------


def test_goal_line_table_relative_goal_per_area_and_band_goal():
    rows = [
        ("N10001", FALUN, 2015, "T", 80.0),
        ("N10001", FALUN, 2020, "T", 70.0),
        ("N10001", MORA, 2015, "T", 200.0),
        ("N10001", LEKSAND, 2016, "T", 50.0),  # no 2015 value: the first later year is the base
        ("N10001", LEKSAND, 2020, "T", 45.0),
    ]
    goals = [
        goal(
            "halvera",
            "global",
            "relative",
            relative_change=-0.5,
            base_year=2015,
            target_year=2030,
        ),
        goal("band", "regional", "band", band_low=10, band_high=20, target_year=2030),
        goal("riktning", "nationell", "direction", direction="down"),
        goal("falun", "lokal", operator="<=", target_value=30, target_year=2025, areas=(FALUN,)),
    ]
    table = goal_line_table(observations(rows), goals, area_ids=[FALUN, MORA, LEKSAND])
    assert list(table.columns) == [
        "area_id",
        "goal_id",
        "kpi_id",
        "level",
        "kind",
        "line",
        "year",
        "value",
    ]
    assert "riktning" not in set(table["goal_id"])  # direction goals have no line

    def line(area_id: str, goal_id: str, name: str = "mål") -> list[tuple[int, float]]:
        part = table[
            (table["area_id"] == area_id) & (table["goal_id"] == goal_id) & (table["line"] == name)
        ]
        return list(zip(part["year"], part["value"], strict=True))

    for area_id, base_year, base in ((FALUN, 2015, 80.0), (MORA, 2015, 200.0)):
        path = line(area_id, "halvera")
        target = base * (1 - 0.5)
        assert [year for year, _ in path] == list(range(base_year, 2031))
        assert path[0] == (base_year, base) and path[-1][1] == pytest.approx(target)
        middle = dict(path)[2020]
        assert middle == pytest.approx(base + (target - base) * (2020 - base_year) / 15)
    leksand = line(LEKSAND, "halvera")
    assert leksand[0] == (2016, 50.0) and leksand[-1] == (2030, pytest.approx(25.0))
    assert len(leksand) == 2030 - 2016 + 1

    # A band is drawn flat over the series' years and the target year.
    assert line(FALUN, "band", "band, lägsta") == [(2015, 10.0), (2030, 10.0)]
    assert line(MORA, "band", "band, högsta") == [(2015, 20.0), (2030, 20.0)]

    falun_only = table[table["goal_id"] == "falun"]
    assert set(falun_only["area_id"]) == {FALUN}
    assert falun_only["value"].iloc[-1] == 30.0 and falun_only["year"].iloc[-1] == 2025


# --- the demo dataset with the shipped goals ----------------------------------------------------


def totals_of(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["gender"] == "T"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}")
    build_demo_data(engine)
    sync_catalogue_goals(engine)
    yield engine
    engine.dispose()


def test_demo_dataset_with_shipped_goals(demo):
    catalogue = load_catalogue()
    areas = list(DEFAULT_AREAS)
    genders = ("T", "K", "M")
    frame = queries.observations(
        demo, kpi_ids=[i.kpi_id for i in catalogue], area_ids=areas, genders=genders
    )
    goals = list_goals(demo)
    table = status_table(frame, goals, catalogue, area_ids=areas, genders=genders)

    assert queries.data_status(demo).is_demo
    assert set(table["level"]) == set(ALL_LEVELS)
    valid = {str(s) for s in Status}
    assert set(table["status"]) <= valid
    assert set(table["status"]) - {str(Status.EJ_BEDOMBAR)}  # some series can be judged

    # A trend row for every cell that applies, and goal rows only where such a goal applies.
    trend = table[table["level"] == TREND]
    expected_cells = {
        (i.kpi_id, a, g) for i in catalogue for a in areas for g in genders if applies(i, a, g)
    }
    cells = set(zip(trend["kpi_id"], trend["area_id"], trend["gender"], strict=True))
    assert cells == expected_cells and len(trend) == len(expected_cells)
    by_id = {g.id: g for g in goals}
    for kpi_id, area_id, level, goal_id in zip(
        table["kpi_id"], table["area_id"], table["level"], table["goal_id"], strict=True
    ):
        if level in GOAL_LEVELS:
            chosen = by_id[goal_id]
            assert (chosen.kpi_id, chosen.level) == (kpi_id, level)
            assert chosen.applies_to(area_id)
    totals = totals_of(table)
    judged = set(zip(totals["kpi_id"], totals["area_id"], totals["level"], strict=True))
    indicators = {i.kpi_id: i for i in catalogue}
    for g in goals:
        for area_id in areas:
            if g.kpi_id in indicators and g.applies_to(area_id):
                expected = applies(indicators[g.kpi_id], area_id, "T")
                assert ((g.kpi_id, area_id, g.level) in judged) == expected

    summary = summarise(totals, ["area_id", "level", "sdg_goal"])
    assert set(summary["status"]) <= valid
    assert set(summary["level"]) == set(ALL_LEVELS)
    for municipality in DALARNA_MUNICIPALITIES:
        profile = area_summary(totals, municipality, TREND)
        assert profile.status in valid
        assert sum(profile.counts.values()) == profile.n_total > 0

    lines = goal_line_table(frame, goals, area_ids=areas)
    assert not lines.empty and lines["value"].notna().all()
    ranks = dalarna_ranking(frame, catalogue[0].kpi_id).ranks
    assert len(ranks) == 15 and ranks["rank"].notna().any()
    latest = queries.latest_matrix(
        queries.latest_values(demo, area_ids=areas), area_ids=areas, kpi_ids=[catalogue[0].kpi_id]
    )
    assert latest.shape == (17, 1)
    assert math.isfinite(latest.loc[RIKET].iloc[0])
