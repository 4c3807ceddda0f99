"""Totals per inhabitant: the division, missing populations, units, decimals, own scales."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from indicators.catalogue import catalogue_by_id
from indicators.per_inhabitant import (
    DEFAULT_MEASURE,
    PER_INHABITANT,
    POPULATION_KPI,
    SUPPORTING_KPIS,
    TOTAL,
    decimals_for,
    inhabitants_per_value,
    per_inhabitant,
    per_inhabitant_unit,
    population_by_area_year,
    shown_values,
)

REFERENCES = ("0020", "0000")
NBSP = "\u00a0"


def totals(values: dict[str, list[float]], years=(2020, 2021, 2022)) -> pd.DataFrame:
    return pd.DataFrame(values, index=pd.Index(list(years), name="year"), dtype=float)


def test_population_is_a_supporting_kpi_not_a_followed_indicator():
    assert POPULATION_KPI == "N01951" and POPULATION_KPI in SUPPORTING_KPIS
    assert POPULATION_KPI not in catalogue_by_id()
    assert DEFAULT_MEASURE == PER_INHABITANT


def test_population_is_read_from_the_totals_of_the_population_kpi():
    rows = pd.DataFrame(
        [
            (POPULATION_KPI, "2080", 2022, "T", 59_000.0),
            (POPULATION_KPI, "2080", 2022, "K", 29_300.0),  # women: not the total
            (POPULATION_KPI, "2080", 2023, "T", float("nan")),  # no value
            (POPULATION_KPI, "2081", 2022, "T", 0.0),  # not a population
            ("N07702", "2080", 2022, "T", 300_000.0),  # another KPI
            (POPULATION_KPI, "0000", 2022, "T", 10_500_000.0),
        ],
        columns=["kpi_id", "area_id", "year", "gender", "value"],
    )
    assert population_by_area_year(rows) == {("2080", 2022): 59_000.0, ("0000", 2022): 10_500_000.0}
    assert population_by_area_year(rows.iloc[0:0]) == {}


def test_each_total_is_divided_by_the_population_of_its_area_and_year():
    table = totals({"2080": [300.0, 290.0, 280.0], "0000": [50_000.0, np.nan, 48_000.0]})
    population = {
        ("2080", 2020): 60.0,
        ("2080", 2021): 58.0,
        ("2080", 2022): 56.0,
        ("0000", 2020): 10_000.0,
        ("0000", 2021): 10_100.0,
        ("0000", 2022): 10_200.0,
    }
    result = per_inhabitant(table, population)
    assert result["2080"].tolist() == [300 / 60, 290 / 58, 280 / 56]
    assert result.at[2020, "0000"] == 50_000 / 10_000
    assert math.isnan(result.at[2021, "0000"])  # no total: no value
    assert result.at[2022, "0000"] == pytest.approx(48_000 / 10_200)
    assert list(result.index) == [2020, 2021, 2022] and list(result.columns) == ["2080", "0000"]
    per_thousand = per_inhabitant(table, population, per=1000)
    assert per_thousand.at[2020, "2080"] == pytest.approx(300 / 60 * 1000)


def test_a_missing_population_gives_no_value_never_a_guess_from_another_year():
    table = totals({"2080": [300.0, 290.0, 280.0]})
    population = {("2080", 2020): 60.0, ("2080", 2022): 56.0, ("2081", 2021): 50.0}
    result = per_inhabitant(table, population)
    assert result.at[2020, "2080"] == 5.0
    assert math.isnan(result.at[2021, "2080"])  # 2020's and 2022's are there, 2021's is not
    assert result.at[2022, "2080"] == 5.0
    assert per_inhabitant(table, {})["2080"].isna().all()


def test_counts_are_per_thousand_inhabitants_and_units_say_per_invanare():
    catalogue = catalogue_by_id()
    emissions, chargers = catalogue["N07702"], catalogue["N07713"]
    assert inhabitants_per_value(emissions) == 1
    assert per_inhabitant_unit(emissions) == "ton CO2-ekv per invånare"
    assert inhabitants_per_value(chargers) == 1000
    assert per_inhabitant_unit(chargers) == f"antal per 1{NBSP}000 invånare"
    assert per_inhabitant_unit(catalogue["N45941"]) == "MWh per invånare"


@pytest.mark.parametrize(
    ("values", "at_least", "expected"),
    [
        ([4.5, 5.2, 6.1], 0, 2),  # 4,52
        ([0.081, 0.07, 0.09], 0, 3),  # 0,081
        ([250.0, 300.0, 280.0], 0, 0),  # 250
        ([0.0004, 0.0005, 0.0006], 0, 3),  # at most three decimals
        ([250.0, 300.0], 1, 1),  # at least as many as asked for
        ([np.nan, 0.0], 0, 0),  # nothing to go by
    ],
)
def test_decimals_show_the_typical_value_with_three_digits(values, at_least, expected):
    table = pd.DataFrame({"a": values})
    assert decimals_for(table, at_least) == expected


def test_a_total_is_shown_per_inhabitant_on_one_scale():
    indicator = catalogue_by_id()["N07702"]
    table = totals({"2080": [300.0, 290.0, 280.0], "0000": [50_000.0, 49_000.0, 48_000.0]})
    population = {(a, y): p for a, p in (("2080", 60.0), ("0000", 10_000.0)) for y in table.index}
    shown = shown_values(indicator, table, population, PER_INHABITANT, REFERENCES)
    assert shown.per_inhabitant and shown.own_scale == ()
    assert shown.values["2080"].tolist() == [5.0, 290 / 60, 280 / 60]
    assert shown.values["0000"].tolist() == [5.0, 4.9, 4.8]
    assert shown.unit == "ton CO2-ekv per invånare"
    assert shown.decimals == decimals_for(shown.values) == 2
    assert shown.without_population == ()


def test_areas_without_a_population_are_named():
    indicator = catalogue_by_id()["N07702"]
    table = totals({"2080": [300.0, 290.0, 280.0], "2081": [1.0, np.nan, np.nan]})
    population = {("2080", y): 60.0 for y in (2020, 2021)}
    shown = shown_values(indicator, table, population, PER_INHABITANT, REFERENCES)
    assert shown.without_population == ("2080", "2081")
    shown = shown_values(indicator, table[["2081"]], {("2081", 2020): 5.0}, PER_INHABITANT, ())
    assert shown.without_population == ()  # its years without a total need no population


def test_a_total_shown_as_a_total_keeps_the_references_on_their_own_scales():
    indicator = catalogue_by_id()["N07702"]
    table = totals({"2080": [300.0, 290.0, 280.0], "0020": [2.0e6] * 3, "0000": [5.0e7] * 3})
    shown = shown_values(indicator, table, {}, TOTAL, REFERENCES)
    assert shown.own_scale == REFERENCES and not shown.per_inhabitant
    assert shown.values is table
    assert (shown.unit, shown.decimals) == (indicator.unit, indicator.decimals)
    only_riket = shown_values(indicator, table[["2080", "0000"]], {}, TOTAL, REFERENCES)
    assert only_riket.own_scale == ("0000",)


@pytest.mark.parametrize("measure", [PER_INHABITANT, TOTAL])
def test_an_indicator_that_is_not_a_total_is_shown_as_it_is(measure):
    indicator = catalogue_by_id()["N00401"]  # already per inhabitant
    table = totals({"2080": [5.0, 4.8, 4.6], "0000": [5.5, 5.4, 5.2]})
    shown = shown_values(indicator, table, {}, measure, REFERENCES)
    assert shown.values is table
    assert (shown.unit, shown.decimals) == (indicator.unit, indicator.decimals)
    assert not shown.per_inhabitant and shown.own_scale == ()
    # whatever the unit's spelling: a share is never divided
    share = dataclasses.replace(indicator, unit="andel (%)")
    assert shown_values(share, table, {}, PER_INHABITANT, REFERENCES).values is table
