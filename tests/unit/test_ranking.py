"""Relative position among areas: ranks, ties, missing values and thirds."""

from __future__ import annotations

from collections import Counter

import pytest

from data.areas import DALARNA_MUNICIPALITIES
from indicators.ranking import (
    LOWER_THIRD,
    MIDDLE_THIRD,
    NO_DIRECTION,
    NO_VALUE,
    RELATIVE_POSITION_NOTE,
    THIRD_STYLE,
    UPPER_THIRD,
    rank_areas,
    third_sizes,
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

    assert set(THIRD_STYLE) == {UPPER_THIRD, MIDDLE_THIRD, LOWER_THIRD, NO_VALUE, NO_DIRECTION}
    assert len({s.icon for s in THIRD_STYLE.values()}) == len(THIRD_STYLE)
    for label, style in THIRD_STYLE.items():
        assert style.label_sv.lower() == label
        high, low = sorted([luminance(style.colour), luminance(style.text_colour)], reverse=True)
        assert (high + 0.05) / (low + 0.05) >= 4.5, label
    ranked = rank_areas({"a": 1.0, "b": None}, "up")
    assert ranked[0].style is THIRD_STYLE[ranked[0].label]
