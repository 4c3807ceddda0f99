"""Relative position among areas: ranks, ties, missing values and thirds; an indicator's ranking
in one year from a literal observation table."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from data.areas import DALARNA_MUNICIPALITIES, REGION_DALARNA, RIKET
from indicators.catalogue import catalogue_by_id
from indicators.ranking import (
    NOT_RANKED_REASON,
    RANKING_COLUMNS,
    RELATIVE_POSITION_NOTE,
    dalarna_ranking,
    is_comparable,
    rank_areas,
    rank_table,
    ranking,
    ranking_heading,
    third_sizes,
)
from indicators.vocabulary import (
    LOWER_THIRD,
    MIDDLE_THIRD,
    NO_DIRECTION,
    NO_VALUE,
    NOT_RANKED,
    THIRD_STYLE,
    UPPER_THIRD,
)


def by_area(ranked):
    return {r.area_id: r for r in ranked}


def third_counts(ranked):
    return Counter(r.third for r in ranked)


def test_note_says_position_is_not_quality():
    assert RELATIVE_POSITION_NOTE == (
        "Färgen visar hur resultatet står sig jämfört med andra, inte om det är bra."
    )


def test_higher_is_better_with_shared_lower_rank_for_ties():
    ranked = by_area(rank_areas({"a": 3.0, "b": 5.0, "c": 5.0, "d": 1.0}, "up"))
    assert ranked["b"].rank == 1 and ranked["c"].rank == 1
    assert ranked["a"].rank == 3
    assert ranked["d"].rank == 4
    assert all(r.n == 4 for r in ranked.values())


def test_lower_is_better_when_direction_is_down():
    ranked = rank_areas({"2080": 4.1, "2081": 2.0, "2062": 3.3}, "down")
    assert [(r.area_id, r.rank) for r in ranked] == [("2081", 1), ("2062", 2), ("2080", 3)]
    assert ranked[0].third == UPPER_THIRD
    assert ranked[-1].third == LOWER_THIRD


def test_missing_values_get_no_rank_and_do_not_count():
    ranked = rank_areas({"a": 1.0, "b": None, "c": 2.0, "d": float("nan")}, "up")
    result = by_area(ranked)
    for area in ("b", "d"):
        assert result[area].rank is None
        assert result[area].third == NO_VALUE
        assert result[area].label == "saknar värde"
    assert result["c"].rank == 1 and result["a"].rank == 2
    assert all(r.n == 2 for r in ranked)
    assert [r.area_id for r in ranked][-2:] == ["b", "d"]


@pytest.mark.parametrize(
    ("n", "sizes"),
    [(15, (5, 5, 5)), (16, (5, 6, 5)), (17, (6, 5, 6)), (2, (1, 0, 1)), (1, (0, 1, 0))],
)
def test_third_sizes(n, sizes):
    assert third_sizes(n) == sizes
    assert sum(sizes) == n


def test_thirds_for_dalarnas_15_municipalities():
    values = {code: float(i) for i, code in enumerate(DALARNA_MUNICIPALITIES, start=1)}
    ranked = rank_areas(values, "up")
    assert third_counts(ranked) == {UPPER_THIRD: 5, MIDDLE_THIRD: 5, LOWER_THIRD: 5}
    # The five highest values form the upper third.
    best_five = sorted(values, key=values.get, reverse=True)[:5]
    assert {r.area_id for r in ranked if r.third == UPPER_THIRD} == set(best_five)


def test_thirds_for_17_areas_and_reversal_swaps_upper_and_lower():
    values = {f"A{i:02}": float(i) for i in range(17)}
    up = by_area(rank_areas(values, "up"))
    down = by_area(rank_areas(values, "down"))
    assert third_counts(up.values()) == {UPPER_THIRD: 6, MIDDLE_THIRD: 5, LOWER_THIRD: 6}
    swap = {UPPER_THIRD: LOWER_THIRD, LOWER_THIRD: UPPER_THIRD, MIDDLE_THIRD: MIDDLE_THIRD}
    for area in values:
        assert down[area].third == swap[up[area].third]
        assert down[area].rank == 17 + 1 - up[area].rank


def test_thirds_for_two_areas():
    ranked = by_area(rank_areas({"x": 10.0, "y": 20.0}, "up"))
    assert ranked["y"].third == UPPER_THIRD and ranked["y"].rank == 1
    assert ranked["x"].third == LOWER_THIRD and ranked["x"].rank == 2


def test_tied_areas_share_a_third():
    # Positions 5 and 6 of 15 tie: their midpoint 5.5 lies past the upper third (5 places).
    values = {f"K{i:02}": float(100 - i) for i in range(15)}
    values["K04"] = values["K05"] = 95.5  # between K03 (97) and K06 (94)
    ranked = by_area(rank_areas(values, "up"))
    assert ranked["K04"].rank == ranked["K05"].rank == 5
    assert ranked["K06"].rank == 7
    assert ranked["K04"].third == ranked["K05"].third == MIDDLE_THIRD
    equal = rank_areas({"a": 7.0, "b": 7.0, "c": 7.0}, "up")
    assert [(r.rank, r.third) for r in equal] == [(1, MIDDLE_THIRD)] * 3


def test_no_direction_orders_by_value_without_thirds():
    ranked = rank_areas({"a": 1.0, "b": 3.0, "c": 2.0, "d": None}, "none")
    assert [(r.area_id, r.rank) for r in ranked] == [("b", 1), ("c", 2), ("a", 3), ("d", None)]
    assert all(r.third is None and r.label == NO_DIRECTION for r in ranked[:3])
    assert ranked[3].third == NO_VALUE


def test_bad_input():
    with pytest.raises(ValueError, match="direction"):
        rank_areas({"a": 1.0}, "best")
    with pytest.raises(ValueError, match="area 2080"):
        rank_areas({"2080": "hög"}, "up")


def test_third_styles_are_labelled_and_readable():
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert set(THIRD_STYLE) == {
        UPPER_THIRD,
        MIDDLE_THIRD,
        LOWER_THIRD,
        NO_VALUE,
        NO_DIRECTION,
        NOT_RANKED,
    }
    assert len({s.icon for s in THIRD_STYLE.values()}) == len(THIRD_STYLE)
    for label, style in THIRD_STYLE.items():
        assert style.label_sv.lower() == label
        high, low = sorted([luminance(style.colour), luminance(style.text_colour)], reverse=True)
        assert (high + 0.05) / (low + 0.05) >= 4.5, label
    ranked = rank_areas({"a": 1.0, "b": None}, "up")
    assert ranked[0].style is THIRD_STYLE[ranked[0].label]


def test_rank_table_is_direction_aware_with_thirds():
    values = {"a": 3.0, "b": 1.0, "c": 2.0, "d": None, "f": 6.0, "g": 4.0, "h": 5.0}
    up = rank_table(values, "up")
    assert list(up.columns) == ["area_id", "value", "rank", "n", "third", "label"]
    # Six areas with a value: two per third; highest first when higher is better.
    assert list(up["area_id"]) == ["f", "h", "g", "a", "c", "b", "d"]
    assert list(up["third"])[:6] == [UPPER_THIRD] * 2 + [MIDDLE_THIRD] * 2 + [LOWER_THIRD] * 2
    assert list(up["rank"])[:6] == [1, 2, 3, 4, 5, 6]
    assert up.iloc[6]["label"] == NO_VALUE and pd.isna(up.iloc[6]["rank"])
    assert set(up["n"]) == {6}

    down = rank_table(values, "down")
    assert list(down["area_id"]) == ["b", "c", "a", "g", "h", "f", "d"]
    assert list(down["third"])[:2] == [UPPER_THIRD] * 2

    tied = rank_table({"x": 1.0, "y": 1.0, "z": 0.5}, "up")
    assert list(tied["rank"]) == [1, 1, 3]

    plain = rank_table({"x": 1.0, "y": 2.0}, "none")
    assert list(plain["area_id"]) == ["y", "x"]
    assert list(plain["label"]) == [NO_DIRECTION, NO_DIRECTION]
    assert plain["third"].isna().all()


# --- an indicator's ranking in one year ---------------------------------------------------------

FALUN, BORLANGE, MORA, LEKSAND = "2080", "2081", "2062", "2029"
STOCKHOLM = "0180"  # a municipality outside Dalarna
REGION_STOCKHOLM = "0001"
#: The titles as stored for the areas of the table (Dalarna's others are not stored).
TITLES = {
    FALUN: "Falun",
    BORLANGE: "Borlänge",
    MORA: "Mora",
    LEKSAND: "Leksand",
    STOCKHOLM: "Stockholm",
    REGION_DALARNA: "Region Dalarna",
    REGION_STOCKHOLM: "Region Stockholm",
    RIKET: "Riket",
}
EMISSIONS = "N00401"  # catalogue: direction down, every kind of area
TRANSIT = "N60404"  # catalogue: direction up, regions only
OTHER = "Z00001"  # not in the catalogue


@pytest.fixture
def ranked() -> pd.DataFrame:
    """N00401 (lower is better) in 2022 for five municipalities, two regions and Riket; one
    municipality without a value in 2022 and one only in 2021; N60404 (regions only)."""
    rows = [
        (EMISSIONS, FALUN, 2022, "T", 4.0),
        (EMISSIONS, BORLANGE, 2022, "T", 6.0),
        (EMISSIONS, MORA, 2022, "T", 4.0),
        (EMISSIONS, STOCKHOLM, 2022, "T", 2.0),
        (EMISSIONS, LEKSAND, 2022, "T", None),
        (EMISSIONS, LEKSAND, 2021, "T", 3.0),
        (EMISSIONS, FALUN, 2021, "T", 4.2),
        (EMISSIONS, REGION_DALARNA, 2022, "T", 5.0),
        (EMISSIONS, REGION_STOCKHOLM, 2022, "T", 1.0),
        (EMISSIONS, RIKET, 2022, "T", 3.5),
        (EMISSIONS, FALUN, 2022, "K", 3.0),
        (EMISSIONS, MORA, 2022, "K", 5.0),
        (TRANSIT, REGION_DALARNA, 2022, "T", 80.0),
        (TRANSIT, REGION_STOCKHOLM, 2022, "T", 300.0),
        (TRANSIT, RIKET, 2022, "T", 150.0),
        (OTHER, FALUN, 2022, "T", 1.0),
        (OTHER, MORA, 2022, "T", 3.0),
    ]
    frame = pd.DataFrame(rows, columns=["kpi_id", "area_id", "year", "gender", "value"])
    return frame.astype({"value": "float64"})


def test_ranking_of_municipalities_is_direction_aware_with_thirds(ranked):
    table = ranking(ranked, EMISSIONS, titles=TITLES).ranks
    assert list(table.columns) == RANKING_COLUMNS
    # Lower is better; the newest year with a value is 2022; Leksand has no value in 2022 and
    # is not listed; regions and Riket are not municipalities.
    assert list(table["area_id"]) == [STOCKHOLM, MORA, FALUN, BORLANGE]  # ties by id
    assert list(table["rank"]) == [1, 2, 2, 4]
    assert list(table["value"]) == [2.0, 4.0, 4.0, 6.0]
    # n = 4: one upper, two middle, one lower; Mora and Falun tie at positions 2–3.
    assert list(table["third"]) == [UPPER_THIRD, MIDDLE_THIRD, MIDDLE_THIRD, LOWER_THIRD]
    assert set(table["n"]) == {4}
    assert list(table["title"]) == ["Stockholm", "Mora", "Falun", "Borlänge"]
    assert set(table["year"]) == {2022} and set(table["gender"]) == {"T"}
    assert set(table["direction"]) == {"down"} and set(table["kpi_id"]) == {EMISSIONS}


def test_ranking_options(ranked):
    up = ranking(ranked, EMISSIONS, direction="up").ranks
    assert list(up["area_id"]) == [BORLANGE, MORA, FALUN, STOCKHOLM]
    assert list(up["third"]) == [UPPER_THIRD, MIDDLE_THIRD, MIDDLE_THIRD, LOWER_THIRD]

    earlier = ranking(ranked, EMISSIONS, year=2021).ranks
    assert list(earlier["area_id"]) == [LEKSAND, FALUN]

    women = ranking(ranked, EMISSIONS, gender="K").ranks
    assert list(women["area_id"]) == [FALUN, MORA]

    everyone = ranking(ranked, EMISSIONS, area_type="all").ranks
    assert list(everyone["area_id"])[:2] == [REGION_STOCKHOLM, STOCKHOLM]
    assert len(everyone) == 7

    regions = ranking(ranked, EMISSIONS, area_type="L").ranks
    assert list(regions["area_id"]) == [REGION_STOCKHOLM, REGION_DALARNA]

    # A region-only indicator is ranked among regions by default (Riket is not one).
    transit = ranking(ranked, TRANSIT).ranks
    assert list(transit["area_id"]) == [REGION_STOCKHOLM, REGION_DALARNA]
    assert list(transit["rank"]) == [1, 2]

    # Listed areas: every one appears, those without a value last, unranked.
    listed = ranking(ranked, EMISSIONS, area_ids=[MORA, LEKSAND, FALUN, RIKET]).ranks
    assert list(listed["area_id"]) == [RIKET, MORA, FALUN, LEKSAND]
    assert list(listed["label"])[-1] == NO_VALUE
    assert pd.isna(listed["rank"].iloc[-1]) and pd.isna(listed["value"].iloc[-1])
    assert set(listed["n"]) == {3}

    with pytest.raises(ValueError, match="area_type"):
        ranking(ranked, EMISSIONS, area_type="X")


def test_ranking_without_a_desired_direction_or_data(ranked):
    other = ranking(ranked, OTHER).ranks  # not in the catalogue: no direction
    assert list(other["area_id"]) == [MORA, FALUN]  # highest first
    assert list(other["label"]) == [NO_DIRECTION, NO_DIRECTION]
    assert other["third"].isna().all()
    assert set(other["direction"]) == {"none"}

    empty = ranking(ranked, "N99999")
    assert empty.ranks.empty and list(empty.ranks.columns) == RANKING_COLUMNS
    assert empty.year is None and empty.references == {}
    with pytest.raises(ValueError, match="direction"):
        ranking(ranked, EMISSIONS, direction="sideways")


def test_dalarna_ranking_lists_the_fifteen_municipalities(ranked):
    result = dalarna_ranking(ranked, EMISSIONS)
    table = result.ranks
    assert len(table) == 15 and set(table["area_id"]) == set(DALARNA_MUNICIPALITIES)
    # Stockholm is not in Dalarna; of the 15, three have a value in 2022.
    assert list(table["area_id"])[:3] == [MORA, FALUN, BORLANGE]
    assert list(table["rank"])[:3] == [1, 1, 3]
    assert set(table["n"]) == {3}
    assert (table["label"].iloc[3:] == NO_VALUE).all()
    # Vansbro is not stored: its title comes from the list of Dalarna's municipalities.
    assert table.set_index("area_id").loc["2021", "title"] == "Vansbro"
    assert result.references == {REGION_DALARNA: 5.0, RIKET: 3.5}


def test_dalarna_ranking_uses_the_newest_municipal_year_and_the_desired_direction():
    municipalities = list(DALARNA_MUNICIPALITIES)
    rows = [(a, 2022, float(i + 1)) for i, a in enumerate(municipalities)]
    rows += [(municipalities[0], 2023, 9.0), (municipalities[1], 2023, 4.0)]
    rows += [("0020", 2023, 6.0), ("0020", 2024, 7.0)]  # the region's newer year is not used
    observations = pd.DataFrame(rows, columns=["area_id", "year", "value"]).assign(
        kpi_id=EMISSIONS, gender="T"
    )
    ranking = dalarna_ranking(observations, EMISSIONS, gender="T")  # lower is better
    assert ranking.year == 2023
    assert ranking.references == {"0020": 6.0, "0000": None}
    ranked = ranking.ranks.dropna(subset=["rank"])
    assert list(ranked["area_id"]) == [municipalities[1], municipalities[0]]
    assert list(ranked["rank"]) == [1, 2]


# --- totals are listed, not ranked ---------------------------------------------------------------

TOTAL_EMISSIONS = "N07702"  # catalogue: tonnes for the whole municipality, direction down


def test_totals_are_not_comparable_shares_and_rates_are():
    catalogue = catalogue_by_id()
    assert catalogue[TOTAL_EMISSIONS].is_total and not is_comparable(TOTAL_EMISSIONS)
    assert not catalogue[EMISSIONS].is_total and is_comparable(EMISSIONS)  # per inhabitant
    assert is_comparable(OTHER)  # outside the catalogue: nothing says it is a total
    for indicator in catalogue.values():
        assert is_comparable(indicator.kpi_id) == (not indicator.is_total)


def test_unranked_areas_keep_the_order_without_ranks_or_thirds():
    values = {"a": 3.0, "b": 1.0, "c": 2.0, "d": None}
    ranked = rank_areas(values, "down", ranked=False)
    assert [r.area_id for r in ranked] == ["b", "c", "a", "d"]  # lower first, as "down" says
    assert [r.rank for r in ranked] == [None] * 4
    assert [r.third for r in ranked[:3]] == [None] * 3
    assert [r.label for r in ranked] == [NOT_RANKED] * 3 + [NO_VALUE]
    assert all(r.n == 3 for r in ranked)
    assert ranked[0].style is THIRD_STYLE[NOT_RANKED]


def test_a_total_is_listed_but_not_ranked_with_a_reason():
    municipalities = list(DALARNA_MUNICIPALITIES)
    # Larger municipalities emit more: ranked, the thirds would order them by population.
    rows = [(a, 2022, 10_000.0 * (i + 1)) for i, a in enumerate(municipalities[:-1])]
    rows += [(REGION_DALARNA, 2022, 1_200_000.0)]
    observations = pd.DataFrame(rows, columns=["area_id", "year", "value"]).assign(
        kpi_id=TOTAL_EMISSIONS, gender="T"
    )
    result = dalarna_ranking(observations, TOTAL_EMISSIONS)
    assert not result.is_ranked
    assert (
        result.not_ranked
        == NOT_RANKED_REASON
        == ("Rangordnas inte: totalvärde som beror på folkmängd.")
    )
    table = result.ranks
    assert len(table) == 15 and table["rank"].isna().all()
    assert table["third"].iloc[:14].isna().all()
    assert list(table["label"]) == [NOT_RANKED] * 14 + [NO_VALUE]
    assert list(table["area_id"])[:14] == municipalities[:-1]  # lowest first ("down")
    # The county's total is no reference for a municipality's total.
    assert result.references == {}
    assert ranking_heading(result) == (
        "Dalarnas kommuner 2022 – rangordnas inte: totalvärde som beror på folkmängd"
    )
    # Asked to, a total can still be ranked; a per-inhabitant measure is ranked by default.
    forced = dalarna_ranking(observations, TOTAL_EMISSIONS, comparable=True)
    assert forced.is_ranked and forced.ranks["rank"].iloc[0] == 1
    assert forced.references[REGION_DALARNA] == 1_200_000.0
    per_inhabitant = dalarna_ranking(observations.assign(kpi_id=EMISSIONS), EMISSIONS)
    assert per_inhabitant.is_ranked and per_inhabitant.not_ranked is None
    assert ranking_heading(per_inhabitant) == "Rangordning av Dalarnas kommuner 2022"
    nothing = dalarna_ranking(observations.iloc[0:0], TOTAL_EMISSIONS)
    assert ranking_heading(nothing) == "Rangordning av Dalarnas kommuner – inga värden"
