"""Synergies and conflicts: correlation with its interpretation, improvement signs, conflicting
pairs and the changes and points they are built from."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pandas as pd
import pytest

from indicators.conflicts import (
    CONFLICT,
    MIN_MUNICIPALITIES,
    MIN_POINTS,
    NOT_CAUSATION,
    PAIR_COLUMNS,
    PERIOD_COLUMNS,
    SYNERGY,
    common_years,
    conflict_pairs,
    correlation,
    critical_r,
    default_first_year,
    format_coefficient,
    improvement_signs,
    least_squares,
    pair_list,
    period_changes,
    scatter_paths,
    scatter_points,
)

NAN = float("nan")


def textbook_pearson(xs: list[float], ys: list[float]) -> float:
    """r = (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²))."""
    n = len(xs)
    sx, sy = sum(xs), sum(ys)
    sxy = sum(a * b for a, b in zip(xs, ys, strict=True))
    sxx, syy = sum(a * a for a in xs), sum(b * b for b in ys)
    return (n * sxy - sx * sy) / math.sqrt((n * sxx - sx**2) * (n * syy - sy**2))


def textbook_spearman_without_ties(x_ranks: list[int], y_ranks: list[int]) -> float:
    """ρ = 1 − 6Σd² / (n(n² − 1)), valid when no values are tied."""
    n = len(x_ranks)
    d2 = sum((a - b) ** 2 for a, b in zip(x_ranks, y_ranks, strict=True))
    return 1 - 6 * d2 / (n * (n**2 - 1))


# --- correlation ------------------------------------------------------------------------------


def test_pearson_and_spearman_match_the_textbook_formulas():
    xs = [2.0, 4.0, 5.0, 7.0, 11.0, 13.0]
    ys = [1.5, 3.0, 2.5, 6.0, 8.5, 8.0]
    x_ranks = [1, 2, 3, 4, 5, 6]
    y_ranks = [1, 3, 2, 4, 6, 5]  # ranks of ys read off by hand
    result = correlation(xs, ys)
    assert result.n == 6
    assert result.pearson_r == pytest.approx(textbook_pearson(xs, ys), abs=1e-12)
    assert result.spearman_rho == pytest.approx(
        textbook_spearman_without_ties(x_ranks, y_ranks), abs=1e-12
    )


def test_spearman_gives_tied_values_their_mean_rank():
    xs = [1.0, 2.0, 2.0, 3.0, 4.0]
    ys = [10.0, 30.0, 20.0, 20.0, 50.0]
    x_ranks = [1.0, 2.5, 2.5, 4.0, 5.0]  # the two 2.0 share ranks 2 and 3
    y_ranks = [1.0, 4.0, 2.5, 2.5, 5.0]  # the two 20.0 share ranks 2 and 3
    result = correlation(xs, ys)
    assert result.spearman_rho == pytest.approx(textbook_pearson(x_ranks, y_ranks), abs=1e-12)


def test_pairs_with_a_missing_value_are_left_out():
    xs = [1.0, None, 3.0, 4.0, NAN, 6.0, 7.0]
    ys = [2.0, 5.0, 1.0, None, 9.0, 4.0, 8.0]
    kept_x, kept_y = [1.0, 3.0, 6.0, 7.0], [2.0, 1.0, 4.0, 8.0]
    result = correlation(xs, ys)
    assert result.n == 4
    assert result.pearson_r == pytest.approx(textbook_pearson(kept_x, kept_y), abs=1e-12)


def test_pandas_series_with_nan_are_accepted():
    xs = pd.Series([1.0, 2.0, NAN, 4.0, 5.0])
    ys = pd.Series([5.0, 3.0, 2.0, 2.0, 1.0])
    result = correlation(xs, ys)
    assert result.n == 4
    assert result.pearson_r == pytest.approx(
        textbook_pearson([1.0, 2.0, 4.0, 5.0], [5.0, 3.0, 2.0, 1.0]), abs=1e-12
    )


@pytest.mark.parametrize("n", [0, 1, 2])
def test_fewer_than_three_pairs_give_no_coefficient_and_a_swedish_reason(n):
    xs = [*[1.0, 2.0, 3.0][:n], None]
    ys = [*[4.0, 6.0, 5.0][:n], 7.0]
    result = correlation(xs, ys)
    assert result.pearson_r is None
    assert result.spearman_rho is None
    assert result.relation is None
    assert result.n == n
    assert "kan inte beräknas" in result.interpretation_sv
    assert f"bara {n} " in result.interpretation_sv
    assert f"minst {MIN_POINTS} behövs" in result.interpretation_sv


def test_a_constant_indicator_gives_no_coefficient():
    result = correlation([1.0, 2.0, 3.0, 4.0], [5.0, 5.0, 5.0, 5.0], y_label="Skyddad natur")
    assert result.pearson_r is None
    assert "skyddad natur har samma värde i alla 4 områden" in result.interpretation_sv


def test_unequal_lengths_are_an_error():
    with pytest.raises(ValueError, match="pairs"):
        correlation([1.0, 2.0, 3.0], [1.0, 2.0])


# Strongly increasing together: r > 0.5.
RISING = ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [1.2, 1.9, 3.4, 3.9, 5.3, 5.8])
# Strongly moving apart: r < −0.5.
FALLING = ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [5.8, 5.3, 3.9, 3.4, 1.9, 1.2])


@pytest.mark.parametrize(
    ("data", "x_direction", "y_direction", "relation"),
    [
        (RISING, "up", "down", CONFLICT),  # more of X wanted, less of Y, yet they rise together
        (RISING, "up", "up", SYNERGY),
        (RISING, "down", "down", SYNERGY),
        (FALLING, "up", "down", SYNERGY),  # more X wanted goes with less Y: both better
        (FALLING, "up", "up", CONFLICT),
        (FALLING, "down", "up", SYNERGY),
    ],
)
def test_interpretation_accounts_for_the_desired_directions(
    data, x_direction, y_direction, relation
):
    xs, ys = data
    assert abs(textbook_pearson(xs, ys)) >= 0.5
    result = correlation(
        xs,
        ys,
        x_label="Bruttoregionprodukt per invånare",
        y_label="Växthusgasutsläpp per invånare",
        x_direction=x_direction,
        y_direction=y_direction,
    )
    assert result.relation == relation
    assert result.strength == "starkt"
    text = result.interpretation_sv
    assert text.startswith("Ett starkt " + ("positivt" if textbook_pearson(xs, ys) > 0 else "neg"))
    assert ("målkonflikt" in text) == (relation == CONFLICT)
    assert ("synergi" in text) == (relation == SYNERGY)
    assert "bruttoregionprodukt per invånare" in text  # lower-cased inside the sentence
    assert NOT_CAUSATION in text
    assert format_coefficient(result.pearson_r) in text


def test_change_wording_speaks_of_increases():
    xs, ys = RISING
    result = correlation(xs, ys, x_direction="up", y_direction="down", of_changes=True)
    assert "har ökat mer" in result.interpretation_sv
    assert "har förbättrats mer har den andra oftast utvecklats sämre" in result.interpretation_sv


def test_no_desired_direction_means_neither_synergy_nor_conflict():
    xs, ys = RISING
    result = correlation(
        xs, ys, x_label="Elproduktion totalt", x_direction="none", y_direction="down"
    )
    assert result.pearson_r is not None
    assert result.relation is None
    assert "elproduktion totalt har ingen önskad riktning" in result.interpretation_sv.lower()


def test_no_clear_relation_below_one_tenth():
    xs, ys = [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 3.0, 2.0, 3.0, 1.0]
    assert textbook_pearson(xs, ys) == pytest.approx(0.0, abs=1e-12)
    result = correlation(xs, ys, x_direction="up", y_direction="down")
    assert result.relation is None
    assert result.strength is None
    assert result.interpretation_sv.startswith("Inget tydligt samband")
    assert NOT_CAUSATION in result.interpretation_sv


def test_small_samples_carry_the_critical_r():
    xs, ys = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], [2.0, 1.0, 4.0, 3.0, 3.5, 2.0, 4.5]
    r = textbook_pearson(xs, ys)
    limit = math.tanh(1.959964 / math.sqrt(len(xs) - 3))
    assert abs(r) < limit
    assert critical_r(len(xs)) == pytest.approx(limit)
    result = correlation(xs, ys)
    assert f"|r| ≈ {format_coefficient(limit)}" in result.interpretation_sv


def test_an_outlier_that_flips_the_sign_is_pointed_out():
    xs = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0]
    ys = [10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 100.0]
    result = correlation(xs, ys)
    assert result.pearson_r > 0 > result.spearman_rho
    assert "motsatt tecken" in result.interpretation_sv


def test_coefficients_are_written_the_swedish_way():
    assert format_coefficient(-0.456) == "−0,46"
    assert format_coefficient(0.5) == "0,50"
    assert format_coefficient(-0.001) == "0,00"
    assert format_coefficient(None) == "–"


# --- improvement signs and conflicting pairs --------------------------------------------------


def test_improvement_signs_follow_the_desired_direction():
    changes = pd.DataFrame(
        {"A": [2.0, -1.0, 0.0, NAN], "B": [2.0, -1.0, 0.0, 1.0], "C": [5.0, -5.0, 1.0, 1.0]},
        index=["k1", "k2", "k3", "k4"],
    )
    signs = improvement_signs(changes, {"A": "up", "B": "down", "C": "none"})
    expected = pd.DataFrame(
        {"A": [1.0, -1.0, 0.0, NAN], "B": [-1.0, 1.0, 0.0, -1.0], "C": [NAN] * 4},
        index=["k1", "k2", "k3", "k4"],
    )
    pd.testing.assert_frame_equal(signs, expected)


def test_conflict_pairs_count_municipalities_on_a_literal_frame():
    # +1 improved, −1 worsened, 0 unchanged, NaN missing; five municipalities.
    signs = pd.DataFrame(
        {
            "A": [1.0, 1.0, -1.0, 1.0, NAN],
            "B": [-1.0, -1.0, -1.0, 1.0, 1.0],
            "C": [1.0, 0.0, 1.0, 1.0, 1.0],
        },
        index=["k1", "k2", "k3", "k4", "k5"],
    )
    pairs = conflict_pairs(signs, min_n=1)
    by_pair = {(r.kpi_x, r.kpi_y): r for r in pairs.itertuples(index=False)}
    # A–B over k1..k4: k1 +/−, k2 +/− → konflikt; k3 −/− båda sämre; k4 +/+ synergi.
    ab = by_pair[("A", "B")]
    assert (ab.n, ab.n_konflikt, ab.n_synergi, ab.n_bada_samre, ab.n_oforandrad) == (4, 2, 1, 1, 0)
    assert ab.konflikt_andel == pytest.approx(2 / 4)
    # A–C over k1..k4: k1 +/+ synergi, k2 +/0 oförändrad, k3 −/+ konflikt, k4 +/+ synergi.
    ac = by_pair[("A", "C")]
    assert (ac.n, ac.n_konflikt, ac.n_synergi, ac.n_bada_samre, ac.n_oforandrad) == (4, 1, 2, 0, 1)
    # B–C over k1..k5: k1 −/+, k3 −/+ konflikt; k2 −/0 oförändrad; k4, k5 +/+ synergi.
    bc = by_pair[("B", "C")]
    assert (bc.n, bc.n_konflikt, bc.n_synergi, bc.n_bada_samre, bc.n_oforandrad) == (5, 2, 2, 0, 1)
    assert bc.synergi_andel == pytest.approx(2 / 5)
    # Sorted by conflict share: A–B 2/4, B–C 2/5, A–C 1/4.
    assert list(zip(pairs["kpi_x"], pairs["kpi_y"], strict=True)) == [
        ("A", "B"),
        ("B", "C"),
        ("A", "C"),
    ]


def test_conflict_pairs_leave_out_pairs_below_the_minimum():
    signs = pd.DataFrame({"A": [1.0, 1.0, NAN], "B": [-1.0, -1.0, -1.0], "C": [1.0, 1.0, 1.0]})
    pairs = conflict_pairs(signs, min_n=3)
    assert list(zip(pairs["kpi_x"], pairs["kpi_y"], strict=True)) == [("B", "C")]
    with pytest.raises(ValueError, match="min_n"):
        conflict_pairs(signs, min_n=0)


def test_conflict_pairs_agree_with_counting_one_municipality_at_a_time():
    rng = random.Random(7)
    kpis = [f"K{i}" for i in range(12)]
    data = {kpi: [rng.choice([1.0, -1.0, 0.0, NAN, 1.0, -1.0]) for _ in range(15)] for kpi in kpis}
    signs = pd.DataFrame(data)
    pairs = conflict_pairs(signs, min_n=5)
    expected = {}
    for a, b in itertools.combinations(kpis, 2):
        both = [(x, y) for x, y in zip(data[a], data[b], strict=True) if x == x and y == y]
        if len(both) < 5:
            continue
        expected[(a, b)] = (
            len(both),
            sum(1 for x, y in both if x * y < 0),
            sum(1 for x, y in both if x > 0 and y > 0),
            sum(1 for x, y in both if x < 0 and y < 0),
        )
    found = {
        (r.kpi_x, r.kpi_y): (r.n, r.n_konflikt, r.n_synergi, r.n_bada_samre)
        for r in pairs.itertuples(index=False)
    }
    assert found == expected
    shares = pairs["konflikt_andel"].tolist()
    assert shares == sorted(shares, reverse=True)


# --- periods, changes and points --------------------------------------------------------------


def observations(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kpi_id", "area_id", "year", "gender", "value"])


def literal_observations() -> pd.DataFrame:
    rows = []
    # K1 every year 2015–2024: area a rises by 1 a year from 10, b falls by 2 a year from 50.
    for year in range(2015, 2025):
        rows.append(("K1", "a", year, "T", 10.0 + (year - 2015)))
        rows.append(("K1", "b", year, "T", 50.0 - 2 * (year - 2015)))
        rows.append(("K1", "a", year, "K", 999.0))  # another gender: ignored
    # K2 every other year 2014–2024; b has no value in 2018.
    for year in range(2014, 2025, 2):
        rows.append(("K2", "a", year, "T", float(year - 2000)))
        if year != 2018:
            rows.append(("K2", "b", year, "T", 5.0))
    rows.append(("K2", "b", 2018, "T", NAN))
    return observations(rows)


def test_period_changes_go_back_the_span_from_each_indicators_newest_year():
    result = period_changes(literal_observations(), ["a", "b", "c"], span_years=5)
    periods = {r.kpi_id: (r.start_year, r.end_year) for r in result.periods.itertuples()}
    assert periods == {"K1": (2019, 2024), "K2": (2018, 2024)}  # K2 has no 2019
    changes = result.changes
    assert list(changes.index) == ["a", "b", "c"]
    assert changes.at["a", "K1"] == pytest.approx(5.0)
    assert changes.at["b", "K1"] == pytest.approx(-10.0)
    assert changes.at["a", "K2"] == pytest.approx(24.0 - 18.0)
    assert math.isnan(changes.at["b", "K2"])  # no value in 2018
    assert changes.loc["c"].isna().all()  # no values at all


def test_period_changes_from_a_base_year():
    result = period_changes(literal_observations(), ["a", "b"], span_years=None, base_year=2015)
    periods = {r.kpi_id: (r.start_year, r.end_year) for r in result.periods.itertuples()}
    assert periods == {"K1": (2015, 2024), "K2": (2016, 2024)}
    assert result.changes.at["a", "K1"] == pytest.approx(9.0)
    assert result.changes.at["b", "K2"] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="span_years"):
        period_changes(literal_observations(), ["a"], span_years=0)


def test_scatter_points_values_and_changes():
    frame = literal_observations()
    points = scatter_points(frame, "K1", "K2", ["a", "b", "c"], year=2020)
    assert points["area_id"].tolist() == ["a", "b", "c"]
    assert points["x"].tolist()[:2] == [15.0, 40.0]
    assert points["y"].tolist()[:2] == [20.0, 5.0]
    assert np.isnan(points["x"].iloc[2])
    changes = scatter_points(frame, "K1", "K2", ["a", "b"], year=2024, base_year=2018)
    assert changes["x"].tolist() == [6.0, -12.0]
    assert changes["y"].iloc[0] == 6.0
    assert np.isnan(changes["y"].iloc[1])


def test_scatter_paths_keep_missing_years_as_gaps():
    paths = scatter_paths(
        literal_observations(), "K1", "K2", ["a"], first_year=2019, last_year=2021
    )
    assert paths["year"].tolist() == [2019, 2020, 2021]
    assert paths["x"].tolist() == [14.0, 15.0, 16.0]
    assert np.isnan(paths["y"].iloc[0]) and paths["y"].iloc[1] == 20.0


def test_common_years_need_enough_areas_with_both_values():
    frame = literal_observations()
    assert common_years(frame, "K1", "K2", ["a", "b"], min_areas=2) == [2016, 2020, 2022, 2024]
    assert common_years(frame, "K1", "K2", ["a", "b"], min_areas=1) == [
        2016,
        2018,
        2020,
        2022,
        2024,
    ]


def test_default_first_year_follows_the_period():
    years = [2012, 2014, 2016, 2018, 2020, 2022]
    assert default_first_year(years, 2022, "senaste5") == 2016  # newest ≤ 2017
    assert default_first_year(years, 2022, "senaste10") == 2012
    assert default_first_year(years, 2022, "sedan2015") == 2016  # first ≥ 2015
    assert default_first_year(years, 2014, "senaste10") == 2012  # shorter than the span
    assert default_first_year(years, 2012, "senaste5") is None


def test_pair_list_counts_the_pairs_over_the_period_with_each_indicators_years():
    # Ten municipalities: K1 (up) improves everywhere over 2019–2024; K2 (down) rises, so it
    # worsens everywhere; K3 (up) has values every other year from 2018 and improves in the
    # first seven only; K4 has no desired direction and is in no pair.
    areas = [f"m{i}" for i in range(10)]
    rows = []
    for i, area in enumerate(areas):
        for year in range(2018, 2025):
            step = year - 2018
            if year > 2018:
                rows.append(("K1", area, year, "T", 10.0 + step))
                rows.append(("K2", area, year, "T", 5.0 + step))
                rows.append(("K4", area, year, "T", float(step)))
            if year % 2 == 0:
                rows.append(("K3", area, year, "T", 10.0 + (step if i < 7 else -step)))
    frame = observations(rows)
    directions = {"K1": "up", "K2": "down", "K3": "up", "K4": "none"}
    pairs = pair_list(frame, areas, directions, "senaste5")
    assert list(pairs.columns) == [*PAIR_COLUMNS, *PERIOD_COLUMNS]
    # Most conflicting first: K1–K2 everywhere, K2–K3 in seven, K1–K3 in three.
    assert list(zip(pairs["kpi_x"], pairs["kpi_y"], strict=True)) == [
        ("K1", "K2"),
        ("K2", "K3"),
        ("K1", "K3"),
    ]
    k1k2, k2k3, k1k3 = pairs.itertuples(index=False)
    assert (k1k2.n, k1k2.n_konflikt, k1k2.konflikt_andel) == (10, 10, 1.0)
    assert (k2k3.n_konflikt, k2k3.n_bada_samre) == (7, 3)
    assert (k1k3.n_konflikt, k1k3.n_synergi) == (3, 7)
    # Each indicator's own period: five years back from its newest year, or the newest year
    # with values before that (K3 has none in 2019).
    assert (k1k2.first_year_x, k1k2.last_year_x) == (2019, 2024)
    assert (k2k3.first_year_y, k2k3.last_year_y) == (2018, 2024)
    assert len(pair_list(frame, areas, directions, "senaste5", top=1)) == 1
    # Fewer municipalities than the minimum: no pair.
    few = areas[: MIN_MUNICIPALITIES - 1]
    assert pair_list(frame[frame["area_id"].isin(few)], few, directions, "senaste5").empty


def test_least_squares_fits_y_on_x():
    points = pd.DataFrame({"x": [1.0, 2.0, 3.0, NAN], "y": [3.0, 5.0, 7.0, 100.0]})
    slope, intercept = least_squares(points)
    assert (slope, intercept) == (pytest.approx(2.0), pytest.approx(1.0))
    assert least_squares(pd.DataFrame({"x": [1.0, 1.0], "y": [2.0, 3.0]})) is None
    assert least_squares(pd.DataFrame({"x": [1.0], "y": [2.0]})) is None
