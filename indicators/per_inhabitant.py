"""Totals per inhabitant: a fair comparison of areas of different size.

A total for a whole area (tonnes of greenhouse gases, MWh, kg, a count; see
:attr:`indicators.catalogue.Indicator.is_total`) grows with the area's population: Riket's
emissions are some thirty times Dalarna's and a thousand times Vansbro's. Jämför therefore
offers totals per inhabitant: each year's total divided by that year's population, Kolada's
KPI N01951 "Invånare totalt, antal". The population is a supporting series: fetched and stored
with the catalogue's indicators (:data:`SUPPORTING_KPIS`), never followed as an indicator itself.

A value per inhabitant needs the population of the same area and year; where it is missing (or
not a positive number) there is no value, never a guess from another year. Counts are shown
per 1 000 inhabitants (a few charging points per inhabitant would read 0,005).

Shown as totals, the references are far larger than any municipality: on one axis with Riket
every municipality is a line at zero. Totals therefore keep Region Dalarna and Riket on scales
of their own (:attr:`ShownValues.own_scale`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.catalogue import Indicator

#: Kolada's "Invånare totalt, antal" (31 December of each year).
POPULATION_KPI = "N01951"
POPULATION_TITLE = "Invånare totalt, antal"
#: KPIs fetched and stored with the catalogue's because computations need them; they are not
#: indicators the dashboard follows.
SUPPORTING_KPIS: tuple[str, ...] = (POPULATION_KPI,)

#: How Jämför shows totals: per inhabitant (the default: a fair comparison) or as totals.
PER_INHABITANT = "per-invanare"
TOTAL = "totalt"
MEASURES: dict[str, str] = {PER_INHABITANT: "Per invånare", TOTAL: "Totalt"}
DEFAULT_MEASURE = PER_INHABITANT

#: Units whose totals are counts, shown per 1 000 inhabitants.
COUNT_UNITS: tuple[str, ...] = ("antal",)
#: Significant digits of a value per inhabitant, and the most decimals shown.
SIGNIFICANT_DIGITS = 3
MAX_DECIMALS = 3

#: Population by (area id, year).
Population = Mapping[tuple[str, int], float]


def population_by_area_year(observations: pd.DataFrame) -> dict[tuple[str, int], float]:
    """The population by (area, year) from tidy observation rows (kpi_id, area_id, year,
    gender, value): the total (gender ``T``) of :data:`POPULATION_KPI`, only positive numbers."""
    population: dict[tuple[str, int], float] = {}
    if observations.empty:
        return population
    columns = ("kpi_id", "area_id", "year", "gender", "value")
    for kpi_id, area_id, year, gender, value in zip(
        *(observations[name].tolist() for name in columns), strict=True
    ):
        if kpi_id != POPULATION_KPI or gender != "T" or value is None:
            continue
        number = float(value)
        if math.isfinite(number) and number > 0:
            population[(str(area_id), int(year))] = number
    return population


def inhabitants_per_value(indicator: Indicator) -> int:
    """Per how many inhabitants a total is shown: 1, or 1 000 for counts."""
    return 1000 if indicator.unit.startswith(COUNT_UNITS) else 1


def per_inhabitant_unit(indicator: Indicator) -> str:
    """``"ton CO2-ekv per invånare"``, ``"antal per 1 000 invånare"``."""
    per = inhabitants_per_value(indicator)
    inhabitants = "invånare" if per == 1 else f"{per:,} invånare".replace(",", "\u00a0")
    return f"{indicator.unit} per {inhabitants}".strip()


def per_inhabitant(totals: pd.DataFrame, population: Population, *, per: int = 1) -> pd.DataFrame:
    """A year × area table of totals divided by each area's population in that year (times
    ``per``); NaN where the total or that year's population is missing."""
    result = np.full(totals.shape, np.nan)
    values = totals.to_numpy(dtype=float)
    for row, year in enumerate(totals.index):
        for column, area_id in enumerate(totals.columns):
            inhabitants = population.get((str(area_id), int(year)))
            if inhabitants is not None and inhabitants > 0:
                result[row, column] = values[row, column] / inhabitants * per
    return pd.DataFrame(result, index=totals.index.copy(), columns=list(totals.columns))


def decimals_for(values: pd.DataFrame, at_least: int = 0) -> int:
    """Decimals that show the table's typical value (the median of the non-zero magnitudes)
    with :data:`SIGNIFICANT_DIGITS` digits: 4,52 and 0,081 but 250; at least ``at_least``, at
    most :data:`MAX_DECIMALS`."""
    magnitudes = np.abs(values.to_numpy(dtype=float).ravel())
    magnitudes = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    if magnitudes.size == 0:
        return min(max(at_least, 0), MAX_DECIMALS)
    order = math.floor(math.log10(float(np.median(magnitudes))))
    wanted = SIGNIFICANT_DIGITS - 1 - order
    return min(max(wanted, at_least, 0), MAX_DECIMALS)


@dataclass(frozen=True)
class ShownValues:
    """An indicator's values as Jämför shows them.

    ``values`` is the year × area table, in ``unit`` with ``decimals``; ``per_inhabitant``
    whether they are totals divided by the population; ``own_scale`` the areas drawn on scales
    of their own (the references, for totals); ``without_population`` the areas with a total
    but no population in some year of it (so no value per inhabitant that year)."""

    values: pd.DataFrame
    unit: str
    decimals: int
    per_inhabitant: bool
    own_scale: tuple[str, ...]
    without_population: tuple[str, ...]


def _without_population(totals: pd.DataFrame, population: Population) -> tuple[str, ...]:
    missing = []
    for area_id in totals.columns:
        for year, value in zip(totals.index, totals[area_id].tolist(), strict=True):
            if math.isfinite(float(value)) and (str(area_id), int(year)) not in population:
                missing.append(str(area_id))
                break
    return tuple(missing)


def shown_values(
    indicator: Indicator,
    totals: pd.DataFrame,
    population: Population,
    measure: str,
    references: Sequence[str],
) -> ShownValues:
    """How Jämför shows ``indicator``'s year × area table ``totals``: a total per inhabitant
    when ``measure`` is :data:`PER_INHABITANT` (every area on one scale), a total as it is
    with the ``references`` (those among the table's areas) on scales of their own; any other
    indicator as it is."""
    if not indicator.is_total:
        return ShownValues(totals, indicator.unit, indicator.decimals, False, (), ())
    if measure == PER_INHABITANT:
        values = per_inhabitant(totals, population, per=inhabitants_per_value(indicator))
        return ShownValues(
            values,
            per_inhabitant_unit(indicator),
            decimals_for(values),
            True,
            (),
            _without_population(totals, population),
        )
    own_scale = tuple(area for area in references if area in totals.columns)
    return ShownValues(totals, indicator.unit, indicator.decimals, False, own_scale, ())
