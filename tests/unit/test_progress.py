"""Progress assessment: worked examples whose expected numbers come from the formulas."""

from __future__ import annotations

import json
import math

import pytest

from indicators.formatting import format_short as format_number
from indicators.progress import (
    DEFAULT_THRESHOLD_SET,
    EUROSTAT,
    STATISTICS_CANADA,
    THRESHOLD_SETS,
    Aggregate,
    Assessment,
    GoalSpec,
    ThresholdSet,
    aggregate,
    assess,
    band_distance,
    band_lines,
    change_text,
    classify,
    format_percent,
    goal_line,
    least_squares_change,
    least_squares_slope,
    natural_limit_factor,
    pace_unit,
    progress_score,
    series_points,
    status_from_score,
    threshold_set,
)
from indicators.vocabulary import STATUS_STYLE, Status
from tests.conftest import PROJECT_DIR

BOTH_SETS = [STATISTICS_CANADA, EUROSTAT]


def cagr(start: float, end: float, years: int) -> float:
    return (end / start) ** (1 / years) - 1


def open_sdg_target_score(r: float) -> float:
    """The score of a ratio R exactly as written in Open SDG / the method note."""
    if r >= 0.6:
        return min(7.1429 * r - 4.2857, 5)
    return max(4.1667 * r - 2.5, -5)


def documented_trend_score(p: float, on: float, acc: float, lim: float, below: float) -> float:
    """The no-target score mapping as documented in docs/progress-method.md."""
    if p >= acc:
        return 5.0 if on == acc else min(2.5 * (p - acc) / (on - acc), 5.0)
    if p >= lim:
        return -2.5 + 2.5 * (p - lim) / (acc - lim)
    return max(-2.5 + 2.5 * (p - lim) / below, -5.0)


# --- threshold sets and styles -----------------------------------------------------------------


def test_named_threshold_sets():
    assert DEFAULT_THRESHOLD_SET is STATISTICS_CANADA
    assert THRESHOLD_SETS == {"statistics_canada": STATISTICS_CANADA, "eurostat": EUROSTAT}
    assert STATISTICS_CANADA.with_target == (0.95, 0.60, 0.0)
    assert STATISTICS_CANADA.without_target == (0.015, 0.005, 0.0)
    assert EUROSTAT.with_target == (0.95, 0.60, 0.0)
    assert EUROSTAT.without_target == (0.01, 0.0, -0.01)
    assert threshold_set("eurostat") is EUROSTAT
    with pytest.raises(ValueError, match="statistics_canada"):
        threshold_set("unknown")


def test_threshold_set_rejects_thresholds_out_of_order():
    with pytest.raises(ValueError, match="strictly decreasing"):
        ThresholdSet("bad", "Fel", without_target=(0.005, 0.015, 0.0))


def _contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_status_has_a_distinct_icon_label_and_readable_colour():
    assert set(STATUS_STYLE) == set(Status)
    styles = list(STATUS_STYLE.values())
    assert len({s.icon for s in styles}) == len(styles)
    assert len({s.colour for s in styles}) == len(styles)
    assert len({s.label_sv for s in styles}) == len(styles)
    assert sorted(s.order for s in styles) == list(range(1, len(styles) + 1))
    for status, style in STATUS_STYLE.items():
        assert style.label_sv.lower() == str(status)
        assert style.label_en
        assert _contrast(style.text_colour, style.colour) >= 4.5, status


def test_status_values_are_the_swedish_words():
    assert [str(s) for s in Status] == [
        "uppnått",
        "i fas",
        "behöver accelereras",
        "otillräcklig",
        "går åt fel håll",
        "kan inte bedömas",
    ]


# --- scores -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "score"), [(0.0, -2.5), (0.6, 0.0), (0.95, 2.5), (1.3, 5.0), (-0.6, -5.0)]
)
def test_ratio_score_boundaries(ratio, score):
    assert progress_score(ratio, STATISTICS_CANADA.with_target) == pytest.approx(score, abs=1e-9)


def test_ratio_score_matches_open_sdg_formula_and_clamps():
    for r in [x / 20 for x in range(-40, 60)]:
        expected = open_sdg_target_score(r)
        assert progress_score(r, STATISTICS_CANADA.with_target) == pytest.approx(expected, abs=1e-3)
    assert progress_score(10.0, STATISTICS_CANADA.with_target) == 5.0
    assert progress_score(-10.0, STATISTICS_CANADA.with_target) == -5.0


@pytest.mark.parametrize("thresholds", BOTH_SETS, ids=lambda t: t.name)
def test_trend_score_boundaries_match_status_thresholds(thresholds):
    on, acc, lim = thresholds.without_target
    assert progress_score(on, thresholds.without_target) == pytest.approx(2.5)
    assert progress_score(acc, thresholds.without_target) == pytest.approx(0.0)
    assert progress_score(lim, thresholds.without_target) == pytest.approx(-2.5)
    assert progress_score(1.0, thresholds.without_target) == 5.0
    assert progress_score(-1.0, thresholds.without_target) == -5.0
    values = [x / 10000 for x in range(-400, 401)]
    scores = [progress_score(v, thresholds.without_target) for v in values]
    assert scores == sorted(scores), "the score must not decrease as progress grows"
    for value, score in zip(values, scores, strict=True):
        assert status_from_score(score) == classify(value, thresholds.without_target), value


def test_status_from_score_bands():
    assert status_from_score(5.0) == Status.I_FAS
    assert status_from_score(2.5) == Status.I_FAS
    assert status_from_score(2.4999) == Status.ACCELERERA
    assert status_from_score(0.0) == Status.ACCELERERA
    assert status_from_score(-0.0001) == Status.OTILLRACKLIG
    assert status_from_score(-2.5) == Status.OTILLRACKLIG
    assert status_from_score(-2.5001) == Status.FEL_HALL
    assert status_from_score(None) == Status.EJ_BEDOMBAR


# --- with a target: every status with both threshold sets --------------------------------------


@pytest.mark.parametrize("thresholds", BOTH_SETS, ids=lambda t: t.name)
@pytest.mark.parametrize(
    ("wanted_ratio", "status"),
    [
        (1.2, Status.I_FAS),
        (0.8, Status.ACCELERERA),
        (0.3, Status.OTILLRACKLIG),
        (-0.5, Status.FEL_HALL),
    ],
)
def test_absolute_target_reaches_every_pace_status(thresholds, wanted_ratio, status):
    base, target, n_target, n_latest = 100.0, 50.0, 15, 5
    required = cagr(base, target, n_target)
    latest = base * (1 - wanted_ratio * abs(required)) ** n_latest
    goal = GoalSpec(kind="absolute", operator="<=", target_value=target, target_year=2030)

    result = assess(
        {2015: base, 2018: 90.0, 2020: latest}, direction="down", goal=goal, thresholds=thresholds
    )

    expected_r = -((latest / base) ** (1 / n_latest) - 1) / abs((target / base) ** (1 / 15) - 1)
    assert result.status == status
    assert result.ratio == pytest.approx(expected_r)
    assert result.ratio == pytest.approx(wanted_ratio)
    assert result.score == pytest.approx(open_sdg_target_score(expected_r), abs=1e-3)
    assert result.required_annual_change == pytest.approx(required)
    assert result.observed_annual_change == pytest.approx(cagr(base, latest, n_latest))
    assert result.method == "mål"
    assert result.threshold_set == thresholds.name
    assert result.goal_kind == "absolute"
    assert (result.base_year, result.base_value) == (2015, base)
    assert (result.latest_year, result.latest_value) == (2020, latest)
    assert (result.target_year, result.target_value) == (2030, target)
    assert not result.deadline_passed


def test_increase_goal_ratio_uses_positive_direction():
    base, latest, target = 40.0, 46.0, 60.0
    goal = GoalSpec(kind="absolute", operator=">=", target_value=target, target_year=2030)
    result = assess([(2015, base), (2021, latest)], direction="up", goal=goal)
    expected_r = ((latest / base) ** (1 / 6) - 1) / abs((target / base) ** (1 / 15) - 1)
    assert result.ratio == pytest.approx(expected_r)
    assert result.status == classify(expected_r, (0.95, 0.60, 0.0))


@pytest.mark.parametrize("thresholds", BOTH_SETS, ids=lambda t: t.name)
def test_target_already_met(thresholds):
    goal = GoalSpec(kind="absolute", operator=">=", target_value=78.0, target_year=2030)
    result = assess({2015: 75.0, 2023: 79.5}, direction="up", goal=goal, thresholds=thresholds)
    assert result.status == Status.UPPNATT
    assert result.score == 5.0
    assert "uppnått" in result.reason
    assert result.target_value == 78.0
    assert result.observed_annual_change == pytest.approx(cagr(75.0, 79.5, 8))


def test_target_met_is_judged_on_the_latest_value_even_with_one_point():
    goal = GoalSpec(kind="absolute", operator="<=", target_value=5.0, target_year=2025)
    result = assess({2023: 4.2}, direction="down", goal=goal)
    assert result.status == Status.UPPNATT
    assert result.score == 5.0
    not_met = assess({2023: 6.1}, direction="down", goal=goal)
    assert not_met.status == Status.EJ_BEDOMBAR
    assert not_met.reason.startswith("Färre än två värden")


def test_deadline_passed_without_meeting_the_target():
    base, latest, target = 10.3, 9.5, 9.0
    goal = GoalSpec(kind="absolute", operator="<=", target_value=target, target_year=2020)
    result = assess({2015: base, 2023: latest}, direction="down", goal=goal)
    expected_r = -cagr(base, latest, 8) / abs(cagr(base, target, 5))
    assert result.deadline_passed
    assert "2020" in result.reason and "inte nåtts" in result.reason
    assert result.ratio == pytest.approx(expected_r)
    assert result.status == classify(expected_r, (0.95, 0.60, 0.0))
    met = assess({2015: base, 2023: 8.9}, direction="down", goal=goal)
    assert met.status == Status.UPPNATT and not met.deadline_passed


def test_base_value_met_but_latest_does_not_is_moving_away():
    goal = GoalSpec(kind="absolute", operator="<=", target_value=9.0, target_year=2030)
    result = assess({2015: 8.5, 2022: 9.4}, direction="down", goal=goal)
    expected_r = -cagr(8.5, 9.4, 7) / abs(cagr(8.5, 9.0, 15))
    assert result.ratio == pytest.approx(expected_r)
    assert result.status == Status.FEL_HALL
    assert "uppfyllde målet" in result.reason


def test_no_increase_goal_that_has_increased_is_moving_away():
    goal = GoalSpec(
        kind="relative", operator="<=", relative_change=0.0, base_year=2010, target_year=2025
    )
    result = assess({2010: 50.0, 2020: 53.0}, direction="down", goal=goal)
    assert result.status == Status.FEL_HALL
    assert result.score == -5.0
    assert result.required_annual_change == 0.0
    assert result.target_value == 50.0


def test_target_year_not_after_base_year_cannot_be_assessed():
    goal = GoalSpec(kind="absolute", operator=">=", target_value=60.0, target_year=2014)
    result = assess({2015: 40.0, 2020: 45.0}, direction="up", goal=goal)
    assert result.status == Status.EJ_BEDOMBAR
    assert "Målåret 2014" in result.reason


def test_absolute_goal_without_operator_uses_the_indicator_direction():
    goal = GoalSpec(kind="absolute", target_value=60.0, target_year=2030)
    up = assess({2015: 40.0, 2020: 45.0}, direction="up", goal=goal)
    assert up.ratio == pytest.approx(cagr(40, 45, 5) / abs(cagr(40, 60, 15)))
    unknown = assess({2015: 40.0, 2020: 45.0}, direction="none", goal=goal)
    assert unknown.status == Status.EJ_BEDOMBAR
    assert "riktning" in unknown.reason


# --- relative goals -----------------------------------------------------------------------------


def test_relative_goal_target_is_computed_per_area():
    goal = GoalSpec(kind="relative", relative_change=-0.7, base_year=2010, target_year=2030)
    areas = {
        "2080": {2010: 50000.0, 2015: 46000.0, 2022: 38000.0},
        "2062": {2010: 12000.0, 2016: 9000.0, 2021: 6500.0},
    }
    for series in areas.values():
        base, (latest_year, latest) = series[2010], max(series.items())
        target = base * (1 - 0.7)
        result = assess(series, direction="down", goal=goal)
        n = latest_year - 2010
        expected_r = -((latest / base) ** (1 / n) - 1) / abs((target / base) ** (1 / 20) - 1)
        assert result.target_value == pytest.approx(target)
        assert result.ratio == pytest.approx(expected_r)
        assert result.status == classify(expected_r, (0.95, 0.60, 0.0))
        assert result.score == pytest.approx(open_sdg_target_score(expected_r), abs=1e-3)


def test_relative_goal_already_met():
    goal = GoalSpec(kind="relative", relative_change=-0.5, base_year=2015, target_year=2030)
    result = assess({2015: 12.0, 2023: 5.5}, direction="down", goal=goal)
    assert result.status == Status.UPPNATT
    assert result.target_value == pytest.approx(6.0)


def test_relative_goal_with_missing_base_year_uses_the_first_later_year():
    goal = GoalSpec(kind="relative", relative_change=-0.5, base_year=2015, target_year=2030)
    result = assess({2014: 20.0, 2017: 16.0, 2023: 14.0}, direction="down", goal=goal)
    assert (result.base_year, result.base_value) == (2017, 16.0)
    assert result.target_value == pytest.approx(8.0)
    expected_r = -cagr(16.0, 14.0, 6) / abs(cagr(16.0, 8.0, 13))
    assert result.ratio == pytest.approx(expected_r)
    assert "Basåret 2015 saknar värde" in result.reason and "2017" in result.reason


# --- band goals ---------------------------------------------------------------------------------


def test_band_inside_is_achieved():
    goal = GoalSpec(kind="band", band_low=40.0, band_high=60.0)
    result = assess({2015: 35.0, 2023: 47.0}, direction="none", goal=goal)
    assert result.status == Status.UPPNATT
    assert result.score == 5.0


@pytest.mark.parametrize(
    ("series", "edge", "status"),
    [
        ({2015: 30.0, 2023: 34.0}, 40.0, Status.ACCELERERA),
        ({2015: 75.0, 2023: 72.0}, 60.0, Status.OTILLRACKLIG),
    ],
)
def test_band_outside_closes_the_distance_to_the_nearest_edge_linearly(series, edge, status):
    goal = GoalSpec(kind="band", band_low=40.0, band_high=60.0, target_year=2030)
    result = assess(series, direction="none", goal=goal, unit="andel (%)")
    base, latest = series[2015], series[2023]
    needed = abs(edge - base) / 15  # the distance to close a year, 2015–2030
    closed = (abs(edge - base) - abs(edge - latest)) / 8  # the distance closed a year
    expected_r = closed / needed
    assert result.target_value == edge
    assert result.pace == "linjär"
    assert result.ratio == pytest.approx(expected_r)
    assert result.required_annual_change == pytest.approx((edge - base) / 15)
    assert result.observed_annual_change == pytest.approx((latest - base) / 8)
    assert result.status == classify(expected_r, (0.95, 0.60, 0.0)) == status
    assert "procentenheter per år" in result.reason


def test_band_goal_above_the_band_moving_down_is_on_track_whatever_the_direction():
    goal = GoalSpec(kind="band", band_low=40.0, band_high=60.0, target_year=2030)
    # 75 % women in 2015, 1.5 points fewer a year; 15 points to close in 15 years: 1 a year.
    falling = {year: 75.0 - 1.5 * (year - 2015) for year in range(2015, 2021)}
    expected_r = ((75.0 - 60.0) - (falling[2020] - 60.0)) / 5 / ((75.0 - 60.0) / 15)
    assert expected_r == pytest.approx(1.5)
    for direction in ("up", "down", "none"):
        result = assess(falling, direction=direction, goal=goal)
        assert result.ratio == pytest.approx(expected_r)
        assert result.status == Status.I_FAS
        assert result.target_value == 60.0
    inside = assess({**falling, 2026: 58.0}, direction="up", goal=goal)
    assert inside.status == Status.UPPNATT
    assert inside.observed_annual_change == pytest.approx((58.0 - 75.0) / 11)
    assert inside.pace == "linjär"


@pytest.mark.parametrize("direction", ["up", "down", "none"])
def test_band_left_or_moving_further_away_is_moving_away_whatever_the_direction(direction):
    goal = GoalSpec(kind="band", band_low=40.0, band_high=60.0, target_year=2030)
    left = assess({2015: 45.0, 2023: 62.0}, direction=direction, goal=goal)
    assert left.target_value == 60.0
    assert left.status == Status.FEL_HALL and left.score == -5.0
    assert "låg inom intervallet" in left.reason
    # 60 % → 70 %: further from the band, although the indicator's direction may be "up".
    further = assess({2015: 62.0, 2022: 70.0}, direction=direction, goal=goal)
    expected_r = ((62.0 - 60.0) - (70.0 - 60.0)) / 7 / ((62.0 - 60.0) / 15)
    assert further.ratio == pytest.approx(expected_r) and expected_r < 0
    assert further.status == Status.FEL_HALL


# --- without a target ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("thresholds", "progress", "status"),
    [
        (STATISTICS_CANADA, 0.02, Status.I_FAS),
        (STATISTICS_CANADA, 0.012, Status.ACCELERERA),
        (STATISTICS_CANADA, 0.003, Status.OTILLRACKLIG),
        (STATISTICS_CANADA, -0.005, Status.FEL_HALL),
        (EUROSTAT, 0.012, Status.I_FAS),
        (EUROSTAT, 0.003, Status.ACCELERERA),
        (EUROSTAT, -0.005, Status.OTILLRACKLIG),
        (EUROSTAT, -0.015, Status.FEL_HALL),
    ],
)
@pytest.mark.parametrize("direction", ["up", "down"])
def test_trend_reaches_every_status(thresholds, progress, status, direction):
    sign = 1 if direction == "up" else -1
    base = 200.0
    latest = base * (1 + sign * progress) ** 8
    result = assess(
        {2015: base, 2019: 210.0, 2023: latest}, direction=direction, thresholds=thresholds
    )
    expected_p = sign * ((latest / base) ** (1 / 8) - 1)
    on, acc, lim = thresholds.without_target
    assert result.status == status
    assert result.ratio == pytest.approx(expected_p)
    assert result.score == pytest.approx(
        documented_trend_score(expected_p, on, acc, lim, acc - lim)
    )
    assert result.method == "trend"
    assert result.target_value is None and result.required_annual_change is None


def test_direction_only_goal_overrides_the_indicator_direction():
    goal = GoalSpec(kind="direction", direction="down")
    result = assess({2015: 100.0, 2022: 85.0}, direction="up", goal=goal)
    expected_p = -cagr(100.0, 85.0, 7)  # −2.3 % a year: a fall, as wanted
    assert result.ratio == pytest.approx(expected_p)
    assert result.status == Status.I_FAS
    assert result.goal_kind == "direction" and result.method == "trend"


def test_no_direction_and_no_goal_cannot_be_assessed():
    result = assess({2015: 1.0, 2020: 2.0}, direction="none")
    assert result.status == Status.EJ_BEDOMBAR
    assert result.score is None
    assert result.reason == "Ingen önskad riktning."


def test_natural_limit_scaling_changes_the_outcome():
    base, latest, limit = 90.0, 90.0 * 1.01**8, 100.0
    plain = assess({2015: base, 2023: latest}, direction="up")
    assert plain.status == Status.ACCELERERA
    scaled = assess({2015: base, 2023: latest}, direction="up", natural_limit=limit)
    c = 1 - (base / limit) ** 4.44
    assert scaled.natural_limit_factor == pytest.approx(c)
    assert 0.015 * c <= 0.01  # the scaled on-track threshold is now met
    assert scaled.status == Status.I_FAS
    p = cagr(base, latest, 8)
    assert scaled.score == pytest.approx(
        documented_trend_score(p, 0.015 * c, 0.005 * c, 0.0, 0.005)
    )


def test_natural_limit_factor_formula():
    assert natural_limit_factor(80.0, 100.0) == pytest.approx(1 - 0.8**4.44)
    assert natural_limit_factor(100.0, 100.0) == 0.0
    assert natural_limit_factor(250.0, 100.0) == 1.0
    assert natural_limit_factor(120.0, 100.0) == pytest.approx(1 - 0.8**4.44)


def test_natural_limit_does_not_make_moving_away_harsher():
    base, latest = 95.0, 95.0 * 0.999**8
    scaled = assess({2015: base, 2023: latest}, direction="up", natural_limit=100.0)
    p = cagr(base, latest, 8)
    c = 1 - (base / 100.0) ** 4.44
    assert scaled.status == Status.FEL_HALL
    assert scaled.score == pytest.approx(documented_trend_score(p, 0.015 * c, 0.005 * c, 0, 0.005))


# --- edge cases ---------------------------------------------------------------------------------


def test_missing_base_year_uses_the_first_year_after_it():
    result = assess({2013: 80.0, 2014: 85.0, 2016: 90.0, 2021: 99.0}, direction="up")
    assert (result.base_year, result.base_value) == (2016, 90.0)
    assert result.ratio == pytest.approx(cagr(90.0, 99.0, 5))
    assert "Basåret 2015 saknar värde" in result.reason


def test_only_one_point_cannot_be_assessed():
    result = assess({2019: 12.0}, direction="up")
    assert result.status == Status.EJ_BEDOMBAR
    assert result.reason.startswith("Färre än två värden")


def test_no_value_in_or_after_the_base_year():
    result = assess({2010: 1.0, 2013: 2.0}, direction="up")
    assert result.status == Status.EJ_BEDOMBAR
    assert result.reason.startswith("Inget värde för basåret 2015 eller senare")


def test_base_year_is_the_latest_year():
    result = assess({2012: 1.0, 2015: 2.0}, direction="up")
    assert result.status == Status.EJ_BEDOMBAR
    assert result.reason.startswith("Färre än två värden från basåret 2015")


def test_empty_series_and_none_values():
    assert assess({}, direction="up").reason == "Inga värden."
    result = assess({2015: 10.0, 2018: None, 2020: float("nan"), 2021: 12.0}, direction="up")
    assert result.latest_year == 2021
    assert result.ratio == pytest.approx(cagr(10.0, 12.0, 6))


def test_zero_base_is_replaced():
    result = assess({2015: 0.0, 2020: 4.0}, direction="up")
    assert result.ratio == pytest.approx(cagr(0.001, 4.0, 5))
    assert result.status == Status.I_FAS
    assert "0,001" in result.reason


CLIMATE_NEUTRAL = GoalSpec(
    kind="absolute", operator="<=", target_value=0.0, base_year=2010, target_year=2045
)


def test_a_linear_decline_reaching_zero_on_time_is_on_track():
    base = 350_000.0
    series = {year: base * (1 - (year - 2010) / 35) for year in range(2010, 2025)}
    result = assess(series, direction="down", goal=CLIMATE_NEUTRAL, unit="ton CO2e")
    required = (0.0 - base) / (2045 - 2010)  # −10 000 tonnes a year
    observed = (series[2024] - base) / (2024 - 2010)
    assert result.pace == "linjär"
    assert result.required_annual_change == pytest.approx(required)
    assert result.observed_annual_change == pytest.approx(observed)
    assert result.ratio == pytest.approx(-1 * observed / abs(required))
    assert result.ratio == pytest.approx(1.0)
    assert result.status == Status.I_FAS
    assert result.score == pytest.approx(open_sdg_target_score(1.0), abs=1e-3)
    assert result.target_value == 0.0
    assert "0,001" not in result.reason and "linjärt" in result.reason
    # What a page shows as "Krävd förändring": the unit a year, not a percentage.
    expected = f"−{format_number(abs(required), 0)} ton CO2e per år"
    assert change_text(result.required_annual_change, result.pace, "ton CO2e", 0) == expected
    assert "%" not in expected


def test_half_the_pace_to_zero_is_limited_progress():
    base = 350_000.0
    series = {year: base * (1 - 0.5 * (year - 2010) / 35) for year in range(2010, 2025)}
    result = assess(series, direction="down", goal=CLIMATE_NEUTRAL)
    required = (0.0 - base) / 35
    observed = (series[2024] - base) / 14
    expected_r = -observed / abs(required)
    assert expected_r == pytest.approx(0.5)
    assert result.ratio == pytest.approx(expected_r)
    assert 0 <= expected_r < 0.60
    assert result.status == Status.OTILLRACKLIG
    assert result.score == pytest.approx(open_sdg_target_score(expected_r), abs=1e-3)


def test_a_zero_base_with_a_target_is_judged_linearly():
    goal = GoalSpec(kind="absolute", operator=">=", target_value=100.0, target_year=2030)
    result = assess({2015: 0.0, 2019: 20.0, 2023: 40.0}, direction="up", goal=goal)
    expected_r = (40.0 / 8) / (100.0 / 15)
    assert result.pace == "linjär"
    assert result.ratio == pytest.approx(expected_r)
    assert result.status == classify(expected_r, (0.95, 0.60, 0.0)) == Status.ACCELERERA
    assert "basvärdet är 0" in result.reason and "0,001" not in result.reason


def test_negative_values_with_the_same_sign():
    # −10 → −5 is a rise; the annual change is positive although the ratio of values is 0.5.
    result = assess({2015: -10.0, 2020: -5.0}, direction="up")
    expected = -((-5.0 / -10.0) ** (1 / 5) - 1)
    assert result.observed_annual_change == pytest.approx(expected)
    assert result.ratio > 0
    assert result.status == Status.I_FAS


def test_negative_values_with_a_sign_change():
    result = assess({2015: -5.0, 2020: 3.0}, direction="up")
    assert result.status == Status.EJ_BEDOMBAR
    assert result.reason == "Bas- och senaste värde har olika tecken."
    # Against a target, values of different signs are judged linearly.
    goal = GoalSpec(kind="absolute", operator=">=", target_value=2.0)
    with_goal = assess({2015: -5.0, 2020: -3.0}, direction="up", goal=goal)
    expected_r = ((-3.0 + 5.0) / 5) / ((2.0 + 5.0) / 15)
    assert with_goal.pace == "linjär"
    assert with_goal.ratio == pytest.approx(expected_r)
    assert with_goal.status == classify(expected_r, (0.95, 0.60, 0.0))
    assert "olika tecken" in with_goal.reason


def test_gender_series_are_assessed_independently():
    goal = GoalSpec(kind="absolute", operator=">=", target_value=82.0, target_year=2030)
    women = {2015: 78.0, 2023: 81.0}
    men = {2015: 81.0, 2023: 80.0}
    result_w = assess(women, direction="up", goal=goal)
    result_m = assess(men, direction="up", goal=goal)
    assert result_w.ratio == pytest.approx(cagr(78, 81, 8) / abs(cagr(78, 82, 15)))
    assert result_m.ratio == pytest.approx(cagr(81, 80, 8) / abs(cagr(81, 82, 15)))
    assert result_w.status == Status.I_FAS
    assert result_m.status == Status.FEL_HALL


def test_series_as_pairs_equals_series_as_mapping():
    pairs = [(2021, 5.0), ("2015", 4.0), (2018, None)]
    assert assess(pairs, direction="up") == assess({2015: 4.0, 2021: 5.0}, direction="up")


def test_bad_input_is_reported_clearly():
    with pytest.raises(ValueError, match=r"2016: expected a number"):
        series_points({2015: 1.0, 2016: "abc"})
    with pytest.raises(ValueError, match="2015 is given twice"):
        series_points([(2015, 1.0), (2015, 2.0)])
    with pytest.raises(ValueError, match="whole year"):
        series_points({"tjugo": 1.0})
    with pytest.raises(ValueError, match="direction"):
        assess({2015: 1.0}, direction="sideways")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "absolute"}, "target_value"),
        ({"kind": "relative"}, "relative_change"),
        ({"kind": "band", "band_low": 60.0, "band_high": 40.0}, "band_low"),
        ({"kind": "target"}, "kind"),
        ({"kind": "absolute", "target_value": 1.0, "operator": ">"}, "operator"),
    ],
)
def test_goal_spec_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GoalSpec(**kwargs)


def test_goal_spec_from_a_goal_like_object():
    class Row:
        kind, operator, target_value, relative_change = "relative", None, None, -0.5
        band_low = band_high = direction = None
        base_year, target_year = 2015, 2030

    assert GoalSpec.from_goal(Row()) == GoalSpec(
        kind="relative", relative_change=-0.5, base_year=2015, target_year=2030
    )


def test_as_dict_is_json_ready():
    goal = GoalSpec(kind="absolute", operator=">=", target_value=60.0)
    result = assess({2015: 40.0, 2020: 45.0}, direction="up", goal=goal)
    data = result.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["status"] == str(result.status)
    assert data["status_icon"] == STATUS_STYLE[result.status].icon
    for name in (
        "base_year",
        "latest_value",
        "target_value",
        "required_annual_change",
        "ratio",
        "method",
        "threshold_set",
        "goal_kind",
        "reason",
        "score",
    ):
        assert data[name] == getattr(result, name)


# --- robustness -------------------------------------------------------------------------------


def numpy_free_slope(points):
    """The least-squares slope written out: Σ(x − x̄)(y − ȳ) / Σ(x − x̄)²."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)


def test_least_squares_helpers():
    points = [(2015, 10.0), (2016, 12.0), (2018, 13.0), (2020, 17.0)]
    assert least_squares_slope(points) == pytest.approx(numpy_free_slope(points))
    assert least_squares_slope([(2015, 1.0)]) is None
    assert least_squares_change(points, "linjär") == pytest.approx(numpy_free_slope(points))
    logs = [(x, math.log(y)) for x, y in points]
    assert least_squares_change(points, "procent") == pytest.approx(
        math.exp(numpy_free_slope(logs)) - 1
    )
    # Negative values: a rise in value is a positive change, as for the two-point rate.
    negative = [(x, -y) for x, y in points]
    assert least_squares_change(negative, "procent") == pytest.approx(
        -(math.exp(numpy_free_slope(logs)) - 1)
    )
    assert least_squares_change([(2015, 1.0), (2016, 0.0)], "procent") is None
    assert least_squares_change([(2015, 1.0), (2016, -1.0)], "procent") is None
    assert band_distance(35.0, 40.0, 60.0) == 5.0
    assert band_distance(50.0, 40.0, 60.0) == 0.0
    assert band_distance(72.5, 40.0, 60.0) == 12.5


def test_a_series_whose_status_flips_with_the_base_year_is_uncertain():
    # A dip in the base year 2015: judged from 2015 the rise looks fast, from 2014 or 2016 slow.
    series = {2014: 100.0, 2015: 90.0, 2016: 100.0}
    series.update({year: 100.0 + 0.5 * (year - 2016) for year in range(2017, 2024)})
    thresholds = STATISTICS_CANADA.without_target
    status_from = {
        year: classify(cagr(series[year], series[2023], 2023 - year), thresholds)
        for year in (2014, 2015, 2016)
    }
    assert status_from[2015] == Status.I_FAS
    assert status_from[2016] != Status.I_FAS and status_from[2014] != Status.I_FAS

    result = assess(series, direction="up")
    assert result.status == status_from[2015]
    assert result.robustness == "osäker"
    label = STATUS_STYLE[status_from[2016]].label_sv.lower()
    assert f"Med basåret 2016 blir statusen ”{label}”." in result.robustness_reason
    assert "Med basåret 2014 blir statusen" in result.robustness_reason


def test_a_steady_series_is_robust():
    series = {year: 100.0 * 1.02 ** (year - 2013) for year in range(2013, 2024)}
    result = assess(series, direction="up")
    assert result.status == Status.I_FAS  # 2 % a year ≥ 1.5 %
    assert result.n_points == 9  # 2015–2023
    assert result.least_squares_change == pytest.approx(0.02)
    assert result.least_squares_status == Status.I_FAS
    assert result.robustness == "stabil"
    assert "samma status" in result.robustness_reason


def test_fewer_than_four_values_are_uncertain():
    series = {2015: 100.0, 2019: 110.0, 2023: 121.0}  # 10 % every four years, steadily
    result = assess(series, direction="up")
    assert result.n_points == 3
    assert result.least_squares_status == result.status
    assert result.robustness == "osäker"
    assert result.robustness_reason == (
        "Bara 3 värden från basåret och framåt; minst 4 behövs för en stabil bedömning."
    )


def test_a_least_squares_trend_that_disagrees_is_uncertain():
    # Flat for years, then one jump: the two points say "i fas", the line through all says less.
    series = {year: 100.0 for year in range(2015, 2023)} | {2023: 115.0}
    result = assess(series, direction="up")
    assert result.status == classify(cagr(100.0, 115.0, 8), STATISTICS_CANADA.without_target)
    assert result.status == Status.I_FAS
    logs = [(year, math.log(value)) for year, value in series.items()]
    expected_change = math.exp(numpy_free_slope(logs)) - 1
    expected = classify(expected_change, STATISTICS_CANADA.without_target)
    assert expected != Status.I_FAS
    assert result.least_squares_change == pytest.approx(expected_change)
    assert result.least_squares_status == expected
    assert result.robustness == "osäker"
    label = STATUS_STYLE[expected].label_sv.lower()
    assert f"genom 9 värden 2015–2023 ger ”{label}”" in result.robustness_reason


def test_the_least_squares_status_of_a_zero_target_uses_the_linear_slope():
    base = 350_000.0
    series = {year: base * (1 - 0.5 * (year - 2010) / 35) for year in range(2010, 2025)}
    series[2016] = base  # one noisy year does not move a line through fifteen much
    result = assess(series, direction="down", goal=CLIMATE_NEUTRAL)
    slope = numpy_free_slope(sorted(series.items()))
    expected_r = -slope / (base / 35)
    assert result.least_squares_change == pytest.approx(slope)
    assert result.least_squares_status == classify(expected_r, (0.95, 0.60, 0.0))


def test_a_status_that_cannot_be_assessed_has_no_robustness():
    result = assess({2019: 12.0}, direction="up")
    assert result.status == Status.EJ_BEDOMBAR
    assert result.robustness is None and result.least_squares_status is None
    assert result.as_dict()["robustness"] is None
    plain = assess({2015: 1.0, 2020: 2.0}, direction="up", robustness=False)
    assert plain.robustness is None and plain.least_squares_status == Status.I_FAS


def test_change_text_says_how_the_change_is_measured():
    assert change_text(-0.03839296012639459, "procent") == "−3,8 % per år"
    assert change_text(0.0123, None) == "+1,2 % per år"
    assert change_text(-12500.0, "linjär", "ton CO2e", 0) == "−12\u00a0500 ton CO2e per år"
    assert change_text(-1.25, "linjär", "andel (%)", 2) == "−1,25 procentenheter per år"
    assert change_text(3.0, "linjär", "antal", 0) == "+3 per år"
    assert change_text(-0.04, "linjär", "kg", 0) == "−0,04 kg per år"
    assert change_text(None, "linjär") == change_text(float("nan"), "procent") == "–"
    assert pace_unit("procent", "ton CO2e") == "% per år"
    assert pace_unit("linjär", "procent") == "procentenheter per år"


# --- aggregation --------------------------------------------------------------------------------


def _assessment(status: Status, score: float | None) -> Assessment:
    return Assessment(status=status, score=score, reason="")


def test_aggregate_all_achieved():
    result = aggregate([_assessment(Status.UPPNATT, 5.0)] * 3)
    assert result.status == Status.UPPNATT
    assert result.mean_score == 5.0
    assert result.n_assessed == 3


def test_aggregate_mixed():
    parts = [
        _assessment(Status.UPPNATT, 5.0),
        _assessment(Status.OTILLRACKLIG, -1.5),
        _assessment(Status.FEL_HALL, -4.0),
        _assessment(Status.EJ_BEDOMBAR, None),
    ]
    result = aggregate(parts)
    mean = (5.0 - 1.5 - 4.0) / 3
    assert result.mean_score == pytest.approx(mean)
    assert result.status == Status.OTILLRACKLIG  # −0.17 lies in [−2.5, 0)
    assert result.n_assessed == 3
    assert set(result.counts) == set(Status)
    assert result.counts[Status.UPPNATT] == 1
    assert result.counts[Status.EJ_BEDOMBAR] == 1
    assert result.counts[Status.I_FAS] == 0
    assert result.n_total == 4


def test_aggregate_achieved_only_when_every_part_is():
    result = aggregate([_assessment(Status.UPPNATT, 5.0), _assessment(Status.EJ_BEDOMBAR, None)])
    assert result.status == Status.I_FAS
    assert result.mean_score == 5.0


def test_aggregate_with_nothing_assessable():
    result = aggregate([_assessment(Status.EJ_BEDOMBAR, None)])
    assert result.status == Status.EJ_BEDOMBAR
    assert result.mean_score is None and result.n_assessed == 0
    assert aggregate([]).status == Status.EJ_BEDOMBAR


def test_aggregate_of_real_assessments_and_of_aggregates():
    goal = GoalSpec(kind="absolute", operator=">=", target_value=82.0, target_year=2030)
    women = assess({2015: 78.0, 2023: 81.0}, direction="up", goal=goal)
    men = assess({2015: 81.0, 2023: 80.0}, direction="up", goal=goal)
    indicator = aggregate([women, men])
    assert indicator.mean_score == pytest.approx((women.score + men.score) / 2)
    assert indicator.status == status_from_score((women.score + men.score) / 2)
    other = Aggregate(Status.UPPNATT, 5.0, {s: 0 for s in Status}, 1)
    goal_level = aggregate([indicator, other])
    assert goal_level.mean_score == pytest.approx((indicator.mean_score + 5.0) / 2)


# --- goal lines ---------------------------------------------------------------------------------


def test_goal_line_for_a_relative_goal_uses_the_areas_own_base():
    goal = GoalSpec(kind="relative", relative_change=-0.7, base_year=2010, target_year=2030)
    line = goal_line(goal, {2008: 60.0, 2010: 50.0, 2020: 40.0})
    assert line[0] == (2010, 50.0)
    assert line[-1] == (2030, pytest.approx(50.0 * 0.3))
    assert len(line) == 21
    middle = dict(line)[2020]
    assert middle == pytest.approx(50.0 + (15.0 - 50.0) * 10 / 20)


def test_goal_line_for_an_absolute_goal_starts_at_the_first_value_from_the_base_year():
    goal = GoalSpec(kind="absolute", operator="<=", target_value=1.25, target_year=2045)
    line = goal_line(goal, {2014: 5.0, 2016: 4.5, 2020: 4.0})
    assert line[0] == (2016, 4.5)
    assert line[-1] == (2045, 1.25)


def test_goal_line_is_empty_without_a_numeric_path():
    assert goal_line(GoalSpec(kind="direction", direction="up"), {2015: 1.0}) == []
    assert goal_line(GoalSpec(kind="band", band_low=40.0, band_high=60.0), {2015: 1.0}) == []
    absolute = GoalSpec(kind="absolute", operator=">=", target_value=5.0)
    assert goal_line(absolute, {2010: 1.0}) == []


def test_band_lines():
    goal = GoalSpec(kind="band", band_low=40.0, band_high=60.0, target_year=2030)
    low, high = band_lines(goal, {2012: 35.0, 2022: 45.0})
    assert low == [(2012, 40.0), (2030, 40.0)]
    assert high == [(2012, 60.0), (2030, 60.0)]
    assert band_lines(GoalSpec(kind="direction"), {2012: 1.0}) == ([], [])


# --- Swedish number formatting ------------------------------------------------------------------


def test_swedish_number_formatting():
    assert format_number(1234.5) == "1\u00a0234"
    assert format_number(10.3) == "10,3"
    assert format_number(-0.5) == "−0,5"
    assert format_number(0.001) == "0,001"
    assert format_percent(0.0123) == "+1,2 %"
    assert format_percent(-0.0456) == "−4,6 %"
    assert math.isclose(float(format_number(2.25).replace(",", ".")), 2.25)


def test_reaching_the_target_exactly_counts_as_met():
    at_least = GoalSpec(kind="absolute", operator=">=", target_value=78.0)
    assert assess({2015: 75.0, 2023: 78.0}, direction="up", goal=at_least).status == (
        Status.UPPNATT
    )
    at_most = GoalSpec(kind="absolute", operator="<=", target_value=9.0)
    assert assess({2015: 10.0, 2023: 9.0}, direction="down", goal=at_most).status == (
        Status.UPPNATT
    )
    band = GoalSpec(kind="band", band_low=40.0, band_high=60.0)
    for edge in (40.0, 60.0):
        assert assess({2015: 30.0, 2023: edge}, direction="none", goal=band).status == (
            Status.UPPNATT
        )


def test_method_document_covers_every_status_and_threshold():
    doc = (PROJECT_DIR / "docs" / "progress-method.md").read_text(encoding="utf-8")
    for style in STATUS_STYLE.values():
        assert f"| {style.icon} | {style.label_sv} |" in doc
        assert style.colour in doc
    for thresholds in BOTH_SETS:
        for value in thresholds.without_target:
            assert f"{format_number(value * 100)} %" in doc, value
    assert "R ≥ 0,95" in doc and "0,60 ≤ R < 0,95" in doc


def test_method_document_works_the_linear_band_and_robustness_examples():
    """The document's worked examples are what the assessment gives."""
    doc = (PROJECT_DIR / "docs" / "progress-method.md").read_text(encoding="utf-8")

    def written(value: float, decimals: int) -> str:  # the document: a plain space in thousands
        return format_number(value, decimals).replace("\u00a0", " ")

    # Climate neutrality: 120 000 t (2010) → 96 000 t (2022), 0 t by 2045.
    goal = GoalSpec(
        kind="absolute", operator="<=", target_value=0.0, base_year=1990, target_year=2045
    )
    series = {2010: 120_000.0, 2014: 112_000.0, 2018: 104_500.0, 2022: 96_000.0}
    result = assess(series, direction="down", goal=goal)
    required, observed = (0 - 120_000) / 35, (96_000 - 120_000) / 12
    assert result.required_annual_change == pytest.approx(required)
    assert result.observed_annual_change == pytest.approx(observed)
    assert f"**−{written(abs(required), 1)} ton per år**" in doc
    assert f"= **{written(result.ratio, 2)}**" in doc
    assert result.status == Status.OTILLRACKLIG and "**otillräcklig**" in doc
    assert f"**{written(result.score, 2)}**" in doc
    old_required = (0.001 / 120_000) ** (1 / 35) - 1
    assert f"{written(old_required * 100, 1)} % per år" in doc
    # Band 40–60 %: 72 % (2015) → 66 % (2022).
    band = assess(
        {2015: 72.0, 2018: 70.0, 2022: 66.0},
        direction="up",
        goal=GoalSpec(kind="band", band_low=40.0, band_high=60.0),
    )
    assert band.ratio == pytest.approx(((12 - 6) / 7) / (12 / 15))
    assert f"**{written(band.ratio, 2)}**" in doc and band.status == Status.I_FAS
    # Robustness: the dip in the base year.
    for name in ("robustness", "least_squares_status", "n_points", "robusthet", "osäker"):
        assert name in doc
