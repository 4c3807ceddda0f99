"""A goal in words: one function, three named forms (chart, catalogue, profile)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from indicators.goal_text import (
    CATALOGUE,
    CHART,
    PROFILE,
    display_unit,
    goal_in_words,
    goal_number,
    percent_change,
    source_site,
)

NBSP = "\u00a0"


@dataclass(frozen=True)
class Goal:
    kind: str = "absolute"
    operator: str | None = None
    target_value: float | None = None
    relative_change: float | None = None
    band_low: float | None = None
    band_high: float | None = None
    direction: str | None = None
    base_year: int | None = None
    target_year: int | None = None


LEVEL = Goal(operator="<=", target_value=1.5, target_year=2030)
CHANGE = Goal(kind="relative", relative_change=-0.7, base_year=2010, target_year=2030)
HALT = Goal(kind="relative", relative_change=0.0, direction="down", base_year=2010)
BAND = Goal(kind="band", band_low=40, band_high=60)
FALLING = Goal(kind="direction", direction="down", target_year=2030)


@pytest.mark.parametrize(
    ("goal", "chart", "catalogue", "profile"),
    [
        (
            LEVEL,
            "≤ 1,5 till 2030",
            "≤ 1,5 ton CO2e till 2030",
            "högst 1,5 ton CO2e år 2030",
        ),
        (
            CHANGE,
            "−70 % från 2010 till 2030",
            "−70 % från 2010 till 2030",
            "−70 % från 2010 år 2030",
        ),
        (
            HALT,
            "0 % (ingen ökning) från 2010",
            "0 % (ingen ökning) från 2010",
            "ingen ökning från 2010",
        ),
        (BAND, "mellan 40 och 60", "40–60 ton CO2e", "40–60 ton CO2e"),
        (FALLING, "ska minska till 2030", "ska minska till 2030", "ska minska till 2030"),
    ],
)
def test_one_goal_in_each_form(goal, chart, catalogue, profile):
    assert goal_in_words(goal, CHART, unit="ton CO2e") == chart
    assert goal_in_words(goal, CATALOGUE, unit="ton CO2e") == catalogue
    assert goal_in_words(goal, PROFILE, unit="ton CO2e") == profile


def test_the_catalogue_form_is_the_default():
    assert goal_in_words(LEVEL, unit="kg") == goal_in_words(LEVEL, CATALOGUE, unit="kg")


def test_shares_are_written_with_a_percent_sign():
    share = Goal(operator=">=", target_value=100, target_year=2030)
    assert goal_in_words(share, CATALOGUE, unit="andel (%)") == "≥ 100 % till 2030"
    assert goal_in_words(BAND, PROFILE, unit="procent") == "40–60 %"


def test_without_an_operator_the_direction_decides():
    bare = Goal(target_value=2.0)
    assert goal_in_words(bare, PROFILE, unit="kg", direction="down") == "högst 2 kg"
    assert goal_in_words(bare, CHART, direction="up") == "≥ 2"
    assert goal_in_words(Goal(target_value=2.0, direction="up"), PROFILE) == "minst 2"
    assert goal_in_words(bare, CHART) == "2", "no direction known: the number alone"


def test_a_steady_goal_takes_the_indicators_direction_when_it_has_none():
    steady = Goal(kind="relative", relative_change=0.0, base_year=2015)
    assert goal_in_words(steady, PROFILE, direction="up") == "ingen minskning från 2015"
    assert goal_in_words(steady, PROFILE, direction="down") == "ingen ökning från 2015"


def test_the_computed_target_and_the_year_left_out():
    assert (
        goal_in_words(CHANGE, PROFILE, target="8,2 %", with_year=False) == "−70 % från 2010 (8,2 %)"
    )
    assert goal_in_words(FALLING, PROFILE, with_year=False) == "ska minska"
    assert goal_in_words(LEVEL, CHART, with_year=False) == "≤ 1,5"


def test_a_direction_goal_without_a_direction():
    assert goal_in_words(Goal(kind="direction"), CATALOGUE) == "riktning"


def test_goal_numbers_have_the_decimals_they_need():
    assert goal_number(40.0) == "40"
    assert goal_number(1.25, 1) == "1,25"
    assert goal_number(1.5, 2) == "1,5"
    assert goal_number(0.123456, 4) == "0,1235"
    assert goal_number(7_500_000) == f"7{NBSP}500{NBSP}000"
    assert goal_number(-3) == "−3"
    assert goal_number(None) == "–"


def test_percent_changes_have_a_sign():
    assert percent_change(-0.7) == "−70 %"
    assert percent_change(0.125) == "+12,5 %"
    assert percent_change(0.07) == "+7 %"
    assert percent_change(0.0) == "0 %"


def test_display_unit():
    assert display_unit("andel (%)") == "%"
    assert display_unit(" kg ") == "kg"
    assert display_unit(None) == ""


def test_a_second_source_is_named_by_its_site():
    assert source_site("https://www.aftonbladet.se/senastenytt/a/1") == "aftonbladet.se"
    assert source_site("http://klimatkommunerna.se/medlemmar/borlange") == "klimatkommunerna.se"
    assert source_site("https://data.riksdagen.se/dokument/H403146.html") == "data.riksdagen.se"
    assert source_site("inte en adress") == "inte en adress"
