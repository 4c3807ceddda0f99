"""The bundled demo dataset: generated values for every catalogue indicator.

The dashboard can be shown before anything has been fetched from Kolada: this module fills an
empty database with a deterministic, plausible dataset for the 17 default areas and for the
municipalities outside Dalarna that Kolada's groups of similar municipalities name. The values
are generated (seeded ``random.Random``), not Kolada's, and every KPI's description says so;
the ``meta`` table records ``data_origin = "demo"`` so that the interface can say it too.

The municipality groups are Kolada's own, from the bundled file
:data:`data.groups.GROUP_FILE` (each Dalarna municipality's similar municipalities, its SKR
municipality group with Dalarna's members only, and G33627), stored as a refresh stores them.
The means of the groups of similar municipalities and of G33627 are computed from the demo
values as Kolada computes a group's value: the unweighted mean of the members that have a
value, and their number (``count``). The SKR groups get no means: they list Dalarna's members
only.

How the values are made, per indicator (see :class:`Profile`):

* Each series is modelled on a transformed scale: the logarithm for positive quantities, the
  logit for shares with a natural ceiling of 100 %, the value itself for changes that may be
  negative. On that scale a series is a straight line (the area's level plus a trend) plus
  autocorrelated noise, so series are smooth, and the areas' trends scatter around the
  indicator's typical trend, so that some improve while others worsen.
* Municipalities scatter around Dalarna's typical level; small municipalities are noisier.
  Quantities that scale with population (tonnes, MWh, kg, counts) are modelled per inhabitant
  and multiplied by the year's population, and a few industrial towns carry most of the
  county's industrial emissions.
* The population (Kolada's N01951, a supporting series, not an indicator) follows each area's
  approximate population in 2023 with a steady growth or decline of its own; Region Dalarna's
  is the sum of its municipalities'.
* Region Dalarna's value is computed from its municipalities' as Kolada's would be, by what
  the indicator measures (:func:`county_rule`): a total (tonnes, MWh, kg, a count) is their
  sum; the district with the lowest turnout in the county (N05831) is the lowest of the
  municipalities' lowest, their minimum; a share of the land (protected nature, pasture,
  meadow) is their mean weighted by land area (:data:`LAND_AREA`); every other share, rate or
  value per inhabitant is their mean weighted by the year's population (for a share of
  something else than the inhabitants – the electricity produced, the lakes – the population
  stands in for its denominator). Riket follows its own, steadier series. Total
  greenhouse-gas emissions are the sum of the sectors, and per-inhabitant emissions are that
  sum divided by the population.
* Women's and men's values lie either side of the total by the indicator's gender gap, and
  the total lies between them.
* Election indicators keep the last election's value in the years between elections; survey
  indicators appear every other year; some series start later than 2010.
* The similar municipalities outside Dalarna (:data:`PEER_POPULATION`) scatter around a level
  halfway between Dalarna's typical one and Sweden's, with their own trends and noise, drawn
  from a random stream of their own so that Dalarna's values do not depend on them.
* Some municipal values are missing: a year without a row, or a row without a value whose
  status is ``"Missing"``. Sea indicators have no values for inland Dalarna.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Literal

import pandas as pd
from sqlalchemy import Engine, Table, func, insert, select
from sqlalchemy.orm import Session

from data.areas import DEFAULT_AREAS, REGION_DALARNA, RIKET, county_of
from data.db import DATA_ORIGIN_DEMO, DATA_ORIGIN_KEY, data_origin, set_meta
from data.groups import GroupRecord, read_group_file, save_groups
from data.locks import ETL_LOCK, hold
from data.models import (
    GROUP_COUNTY,
    GROUP_SIMILAR,
    Area,
    EtlRun,
    GroupMean,
    Kpi,
    Observation,
    utcnow,
)
from indicators.catalogue import Indicator, load_catalogue
from indicators.per_inhabitant import POPULATION_KPI, POPULATION_TITLE

log = logging.getLogger(__name__)

DEFAULT_SEED = 2030
FIRST_YEAR = 2010
LAST_YEAR = 2024
ELECTION_YEARS: tuple[int, ...] = (2006, 2010, 2014, 2018, 2022)
SEED_META_KEY = "demo_generated_with_seed"
MISSING_STATUS = "Missing"

#: Share of municipal (kpi, area, year) cells with no row, and with a row but no value.
ABSENT_SHARE = 0.03
MISSING_SHARE = 0.01

#: Approximate populations in :data:`POPULATION_YEAR`, used to scale totals and weight county
#: means.
POPULATION_YEAR = 2023
POPULATION: dict[str, int] = {
    "2021": 6_700,
    "2023": 10_000,
    "2026": 10_200,
    "2029": 15_900,
    "2031": 10_900,
    "2034": 6_900,
    "2039": 7_100,
    "2061": 10_600,
    "2062": 20_500,
    "2080": 59_500,
    "2081": 52_500,
    "2082": 11_100,
    "2083": 15_200,
    "2084": 23_000,
    "2085": 25_800,
}
RIKET_POPULATION = 10_550_000
#: Approximate populations in :data:`POPULATION_YEAR` of the municipalities outside Dalarna
#: that the groups of similar municipalities name (:data:`data.groups.GROUP_FILE`).
PEER_POPULATION: dict[str, int] = {
    "0188": 63_800, "0319": 9_600, "0360": 21_800, "0428": 9_200, "0480": 58_000,
    "0482": 16_800, "0513": 10_000, "0560": 5_500, "0561": 11_700, "0665": 14_500,
    "0682": 31_800, "0684": 11_600, "0685": 27_900, "0686": 17_800, "0687": 19_500,
    "0760": 9_800, "0761": 8_800, "0764": 20_300, "0767": 10_400, "0781": 28_800,
    "0840": 15_800, "0861": 13_700, "0862": 9_400, "0882": 27_400, "1060": 13_300,
    "1081": 29_000, "1214": 14_800, "1231": 20_500, "1256": 15_200, "1263": 22_900,
    "1264": 17_200, "1266": 16_300, "1272": 12_800, "1273": 13_200, "1291": 19_100,
    "1292": 43_600, "1293": 52_500, "1315": 10_800, "1421": 15_300, "1430": 10_500,
    "1438": 4_700, "1439": 6_500, "1444": 5_800, "1445": 5_700, "1446": 6_800,
    "1447": 5_200, "1452": 11_700, "1462": 14_200, "1463": 35_200, "1466": 9_600,
    "1471": 13_400, "1472": 11_300, "1485": 57_300, "1487": 40_000, "1488": 59_700,
    "1494": 40_400, "1497": 9_200, "1498": 13_000, "1499": 34_000, "1737": 11_600,
    "1766": 13_100, "1861": 16_000, "1862": 9_400, "1881": 22_700, "1907": 10_300,
    "1960": 8_900, "1961": 16_400, "1981": 23_000, "1984": 14_100, "2104": 9_400,
    "2132": 9_400, "2181": 40_100, "2183": 26_400, "2184": 37_700, "2282": 17_800,
    "2283": 18_800, "2284": 56_000, "2321": 12_200, "2361": 10_200, "2401": 7_100,
    "2460": 8_900, "2482": 77_000, "2505": 6_100, "2583": 9_300,
}  # fmt: skip
#: Yearly population change (a share): the larger towns and Riket grow, the smaller
#: municipalities shrink.
POPULATION_GROWTH: dict[str, float] = {
    "2021": -0.004,
    "2023": -0.003,
    "2026": 0.001,
    "2029": 0.002,
    "2031": 0.0,
    "2034": -0.001,
    "2039": -0.005,
    "2061": -0.002,
    "2062": 0.001,
    "2080": 0.005,
    "2081": 0.004,
    "2082": 0.001,
    "2083": -0.001,
    "2084": 0.001,
    "2085": -0.001,
    RIKET: 0.009,
}
#: A similar municipality's yearly population change: larger towns grow, smaller ones shrink
#: (``PEER_GROWTH_PER_LOG_SIZE`` per unit of the logarithm of its size relative to
#: ``PEER_STEADY_POPULATION``, within ±``PEER_GROWTH_LIMIT``).
PEER_STEADY_POPULATION = 15_000
PEER_GROWTH_PER_LOG_SIZE = 0.003
PEER_GROWTH_LIMIT = 0.006
#: Women's share of the population.
WOMEN_SHARE = 0.495
#: Approximate land areas (km²), which weight the county's share of the land.
LAND_AREA: dict[str, float] = {
    "2021": 1_647,
    "2023": 4_143,
    "2026": 758,
    "2029": 1_221,
    "2031": 1_931,
    "2034": 1_727,
    "2039": 6_833,
    "2061": 722,
    "2062": 2_792,
    "2080": 1_993,
    "2081": 583,
    "2082": 629,
    "2083": 823,
    "2084": 606,
    "2085": 1_596,
}

#: How Region Dalarna's value follows from its municipalities' (:func:`county_rule`).
COUNTY_SUM = "summa"
COUNTY_MINIMUM = "lägsta värdet"
COUNTY_MEAN_BY_POPULATION = "medelvärde vägt med folkmängden"
COUNTY_MEAN_BY_LAND_AREA = "medelvärde vägt med landarealen"
#: The indicators whose county value is neither a sum (a total) nor the population-weighted
#: mean, by Kolada's definition.
COUNTY_RULES: dict[str, str] = {
    # "Valdeltagande i det valdistrikt som hade lägst andel röstande": the county's lowest
    # district is the lowest of the municipalities' lowest.
    "N05831": COUNTY_MINIMUM,
    # Shares of the land: pasture, meadow, protected nature.
    "N00752": COUNTY_MEAN_BY_LAND_AREA,
    "N00754": COUNTY_MEAN_BY_LAND_AREA,
    "N85054": COUNTY_MEAN_BY_LAND_AREA,
    "N85055": COUNTY_MEAN_BY_LAND_AREA,
    "N85057": COUNTY_MEAN_BY_LAND_AREA,
}

DEMO_DESCRIPTION = (
    "Demovärden: talen är genererade exempelvärden för att visa hur instrumentpanelen "
    "fungerar, inte Koladas uppgifter. Hämta data från Kolada för riktiga värden."
)

Scale = Literal["log", "logit", "linear"]
Cadence = Literal["annual", "biennial", "election"]


class DemoDataError(RuntimeError):
    """The demo dataset cannot be built in this database."""


@dataclass(frozen=True)
class Profile:
    """How one indicator's demo values look.

    ``riket`` and ``dalarna`` are levels in ``LAST_YEAR`` in the indicator's unit (per
    inhabitant when ``total``). ``spread``, ``trend``, ``noise`` and ``gender_gap`` are on the
    transformed scale (``scale``): for ``log`` they are roughly relative (0.1 ≈ 10 %), for
    ``logit`` 0.1 moves a share near 50 % by about 2.5 percentage points.
    """

    riket: float
    dalarna: float | None = None
    scale: Scale = "log"
    spread: float = 0.1  # sd of a municipality's level around Dalarna's
    trend: float = 0.0  # typical change per year
    trend_spread: float | None = None  # sd of the areas' trends around ``trend``
    noise: float = 0.03  # year-to-year noise in a municipality of about 20 000
    gender_gap: float = 0.0  # women minus men
    first_year: int = FIRST_YEAR
    cadence: Cadence = "annual"
    total: bool = False  # the value is per inhabitant × population
    # Multipliers of an area's level (of the odds for shares), e.g. for industrial towns.
    heavy: Mapping[str, float] = field(default_factory=dict)
    shocks: Mapping[int, float] = field(default_factory=dict)  # one-off shifts per year
    coastal: bool = False  # no values for Dalarna, which has no sea coast


def _share(riket: float, dalarna: float | None = None, **kw) -> Profile:
    return Profile(riket, dalarna, scale="logit", **kw)


def _rate(riket: float, dalarna: float | None = None, **kw) -> Profile:
    return Profile(riket, dalarna, scale="log", **kw)


def _total(per_inhabitant: float, dalarna: float | None = None, **kw) -> Profile:
    return Profile(per_inhabitant, dalarna, scale="log", total=True, **kw)


_INDUSTRY = {"2081": 12.0, "2084": 12.0, "2061": 10.0, "2085": 3.0, "2083": 2.0}
_ENERGY_INTENSIVE = {"2081": 2.5, "2084": 2.5, "2061": 2.0}
_PANDEMIC_TRAVEL = {2020: -0.45, 2021: -0.35, 2022: -0.1}
_PANDEMIC_ROADS = {2020: -0.06, 2021: -0.03}
_SURVEY = {"cadence": "biennial", "first_year": 2012}
_ELECTION = {"cadence": "election"}

#: Demo profiles for the catalogue's indicators, keyed by KPI id.
DEMO_PROFILES: dict[str, Profile] = {
    # 1 Ingen fattigdom
    "N31816": _share(1.3, 1.1, spread=0.35, trend=-0.02, noise=0.08, gender_gap=-0.1),
    "N66077": _share(18.5, 17.0, spread=0.25, trend=0.01, noise=0.05),
    "N66078": _share(13.0, 12.0, spread=0.2, trend=0.005, noise=0.05),
    "N66079": _share(16.0, 17.5, spread=0.2, trend=0.03, noise=0.05),
    "N66080": _share(14.5, 14.0, spread=0.2, trend=0.01, noise=0.04),
    "U00915": _rate(2.5, 2.0, spread=0.6, trend=-0.04, noise=0.35),
    # 2 Ingen hunger
    "N00403": _share(20.0, 22.0, spread=0.5, trend=0.01, noise=0.05),
    "U01760": _share(52.0, 55.0, spread=0.12, trend=0.01, noise=0.05, gender_gap=-0.55, **_SURVEY),
    # 3 Hälsa och välbefinnande
    "N00404": _rate(280, 260, spread=0.1, trend=-0.02, noise=0.03, gender_gap=0.36),
    "N00923": _rate(81.5, 81.0, spread=0.008, trend=0.0025, trend_spread=0.0008, noise=0.003),
    "N00925": _rate(84.9, 84.5, spread=0.007, trend=0.0015, trend_spread=0.0007, noise=0.003),
    "N00938": _rate(9.5, 11.0, spread=0.15, trend=-0.01, noise=0.05, gender_gap=0.5),
    "N00967": _rate(9.0, 10.5, spread=0.15, trend=-0.01, noise=0.05, gender_gap=0.5),
    "N01451": _rate(200, 215, spread=0.15, trend=-0.015, noise=0.08, gender_gap=-0.45),
    "N15638": _share(
        70, 72, spread=0.25, trend=-0.02, noise=0.12, gender_gap=-0.2, first_year=2016
    ),
    "U01402": _share(6.0, 7.0, spread=0.2, trend=-0.05, noise=0.1, gender_gap=0.1, **_SURVEY),
    "U01405": _share(72, 70, spread=0.1, trend=-0.005, noise=0.06, gender_gap=-0.15, **_SURVEY),
    "U01425": _share(30, 27, spread=0.15, trend=0.01, noise=0.08, gender_gap=-0.05, **_SURVEY),
    "U01429": _share(65, 64, spread=0.1, trend=0.0, noise=0.06, **_SURVEY),
    "U01473": _share(85, 85, spread=0.12, trend=-0.01, noise=0.08, gender_gap=-0.3, **_SURVEY),
    "U09800": _rate(30, 31, spread=0.2, trend=-0.01, noise=0.05, gender_gap=-0.3),
    "U20462": _rate(2400, 2500, spread=0.12, trend=-0.005, noise=0.03, gender_gap=0.2),
    # 4 God utbildning för alla
    "N01982": _share(46, 36, spread=0.25, trend=0.03, noise=0.01, gender_gap=0.6),
    "N11800": _share(86, 86, spread=0.25, trend=0.01, noise=0.1),
    "N15428": _share(84.5, 84, spread=0.25, trend=-0.005, noise=0.15, gender_gap=0.2),
    "N15472": _share(70, 68, spread=0.25, trend=-0.01, noise=0.2, gender_gap=0.35),
    "N15643": _share(
        83, 83, spread=0.2, trend=-0.005, noise=0.15, gender_gap=-0.1, first_year=2016
    ),
    "N17457": _share(75, 73, spread=0.2, trend=0.01, noise=0.12, gender_gap=0.3, first_year=2012),
    "N17461": _share(72, 70, spread=0.2, trend=0.01, noise=0.12, gender_gap=0.3, first_year=2012),
    "N18961": _share(77, 78, spread=0.2, trend=0.0, noise=0.12, gender_gap=0.2, first_year=2012),
    # 5 Jämställdhet
    "N00892": _rate(78, 76, spread=0.03, trend=0.006, trend_spread=0.003, noise=0.01),
    "N00943": _share(30.5, 31, spread=0.1, trend=0.015, noise=0.04),
    "N00945": _share(38.5, 39, spread=0.08, trend=0.002, noise=0.04),
    "N00952": _rate(82.5, 79, spread=0.03, trend=0.004, trend_spread=0.003, noise=0.008),
    "N05815": _share(43, 42, spread=0.2, trend=0.01, noise=0.1, **_ELECTION),
    "N05816": _share(37, 36, spread=0.5, trend=0.02, noise=0.2, **_ELECTION),
    # 6 Rent vatten och sanitet för alla
    "N85051": _share(50, 60, spread=0.5, trend=0.0, noise=0.05, first_year=2012),
    "N85052": _share(40, 50, spread=0.5, trend=0.0, noise=0.05, first_year=2012),
    "N85053": _share(90, 93, spread=0.6, trend=0.0, noise=0.05, first_year=2012),
    # 7 Hållbar energi för alla
    "N45904": _total(
        3.8, 2.0, spread=1.2, trend=0.15, noise=0.1, heavy={"2023": 3.0, "2034": 3.0, "2085": 3.0}
    ),
    "N45952": _total(0.33, 0.25, spread=0.3, trend=0.35, noise=0.05, first_year=2015),
    "N45925": _share(70, 97, spread=0.8, trend=0.05, noise=0.1),
    "N45905": _rate(34, 42, spread=0.3, trend=-0.01, noise=0.03, heavy=_ENERGY_INTENSIVE),
    "N45906": _rate(12.5, 15, spread=0.3, trend=-0.005, noise=0.03, heavy=_ENERGY_INTENSIVE),
    "N45930": _share(92, 95, spread=0.6, trend=0.08, noise=0.1),
    # 8 Anständiga arbetsvillkor och ekonomisk tillväxt
    "N00209": _share(
        80, 78, spread=0.2, trend=0.08, trend_spread=0.03, noise=0.05, gender_gap=-0.7
    ),
    "N00927": _rate(0.85, 0.95, spread=0.1, trend=0.008, noise=0.005),
    "N00998": _rate(6.5, 7.5, spread=0.2, trend=-0.01, noise=0.1, gender_gap=-0.15),
    "N02243": _share(80, 81, spread=0.2, trend=0.02, noise=0.04, gender_gap=-0.15),
    "N02797": _share(6.0, 6.5, spread=0.25, trend=-0.01, noise=0.1, gender_gap=-0.1),
    "N03702": _rate(600, 420, spread=0.2, trend=0.03, noise=0.03, heavy={"2080": 1.3, "2081": 1.3}),
    "N03926": _share(2.6, 2.4, spread=0.3, trend=-0.01, noise=0.1, gender_gap=-0.1),
    "N18741": _share(6.0, 6.0, spread=0.35, trend=0.0, noise=0.15),
    "U07451": _rate(70, 69, spread=0.04, trend=0.005, noise=0.02),
    # 9 Hållbar industri, innovationer och infrastruktur
    "N07713": _total(
        0.005, 0.006, spread=0.5, trend=0.3, noise=0.08, first_year=2015, heavy={"2023": 2.5}
    ),
    "N07900": _share(93, 88, spread=0.6, trend=0.2, noise=0.05),
    "N45933": _rate(80, 110, spread=0.5, trend=-0.02, noise=0.5),
    # 10 Minskad ojämlikhet
    "N00997": _rate(0.32, 0.28, spread=0.05, trend=0.004, noise=0.01),
    "N05825": _share(12, 7, spread=0.5, trend=0.05, noise=0.15, gender_gap=0.1, **_ELECTION),
    "U28532": _share(80, 80, spread=0.4, trend=0.0, noise=0.3, first_year=2016),
    # 11 Hållbara städer och samhällen
    "N01958": Profile(4.0, 1.5, scale="linear", spread=2.5, trend=-0.1, noise=0.3, gender_gap=0.2),
    "N07410": _share(80, 65, spread=0.6, trend=0.02, noise=0.5, first_year=2015),
    "N07418": _share(85, 70, spread=0.5, trend=0.02, noise=0.03, gender_gap=0.05, first_year=2015),
    "N07700": _total(1.5, 2.5, spread=0.3, trend=-0.02, noise=0.04),
    "N07701": _total(11, 12, spread=0.3, trend=-0.035, noise=0.04, heavy=_ENERGY_INTENSIVE),
    "N07806": _rate(2.0, 2.6, spread=0.4, trend=0.01, noise=0.02),
    "N07907": _share(16, 11, spread=0.35, trend=0.0, noise=0.06, gender_gap=-0.05),
    "N60404": _rate(150, 40, trend=0.0, noise=0.05, shocks=_PANDEMIC_TRAVEL),
    "U07801": _rate(440, 470, spread=0.15, trend=-0.01, noise=0.04, first_year=2012),
    "U07917": _rate(620, 720, spread=0.12, trend=-0.008, noise=0.02, shocks=_PANDEMIC_ROADS),
    # 12 Hållbar konsumtion och produktion
    "U07414": _share(38, 36, spread=0.25, trend=0.01, noise=0.08, first_year=2012),
    "U07482": _rate(190, 200, spread=0.15, trend=-0.015, noise=0.04, first_year=2012),
    "U07483": _rate(65, 70, spread=0.2, trend=-0.02, noise=0.05, first_year=2012),
    "U07484": _rate(160, 180, spread=0.2, trend=0.0, noise=0.06, first_year=2012),
    "U07485": _rate(17, 18, spread=0.25, trend=0.0, noise=0.08, first_year=2012),
    "U07514": _share(30, 25, spread=0.45, trend=0.02, noise=0.1),
    "U50125": _rate(40, 42, spread=0.25, trend=-0.02, noise=0.1, first_year=2015),
    # 13 Bekämpa klimatförändringarna (sectors in tonnes CO2e per inhabitant)
    "N85532": _total(0.08, 0.09, spread=0.3, trend=-0.06, noise=0.05),
    "N85533": _total(1.45, 2.1, spread=0.25, trend=-0.025, noise=0.03, shocks=_PANDEMIC_ROADS),
    "N85535": _total(0.30, 0.33, spread=0.25, trend=-0.015, noise=0.04),
    "N85536": _total(0.32, 0.18, spread=0.6, trend=-0.04, noise=0.08),
    "N85537": _total(1.40, 0.25, spread=0.5, trend=-0.01, noise=0.06, heavy=_INDUSTRY),
    "N85538": _total(0.65, 0.45, spread=0.5, trend=-0.004, noise=0.03),
    "N85540": _total(0.14, 0.13, spread=0.1, trend=-0.015, noise=0.03),
    "N85542": _total(0.09, 0.10, spread=0.5, trend=-0.04, noise=0.05),
    "U00501": _share(14, 11, spread=0.3, trend=0.25, noise=0.03, first_year=2012),
    "U00502": _share(55, 50, spread=0.7, trend=0.12, noise=0.15, first_year=2013),
    # 14 Hav och marina resurser
    "N60111": _share(30, spread=0.3, trend=0.005, noise=0.005, first_year=2012, coastal=True),
    "N85056": _share(15, spread=0.3, trend=0.03, noise=0.01, first_year=2016, coastal=True),
    # 15 Ekosystem och biologisk mångfald
    "N00752": _share(11, 12, spread=0.4, trend=-0.005, noise=0.03),
    "N00754": _share(0.2, 0.5, spread=0.8, trend=-0.01, noise=0.05),
    "N85054": _share(
        12, 5, spread=0.5, trend=0.03, noise=0.01, first_year=2016, heavy={"2039": 3.0}
    ),
    "N85055": _share(
        14, 5, spread=0.5, trend=0.03, noise=0.01, first_year=2016, heavy={"2039": 3.0}
    ),
    "N85057": _share(7, 4, spread=0.5, trend=0.03, noise=0.01, first_year=2016),
    # 16 Fredliga och inkluderande samhällen
    "N05401": _share(81, 81.5, spread=0.15, trend=0.02, noise=0.08, gender_gap=0.15, **_ELECTION),
    "N05403": _share(84.5, 84.5, spread=0.15, trend=0.02, noise=0.08, gender_gap=0.15, **_ELECTION),
    "N05831": _share(35, 70, spread=0.3, trend=0.0, noise=0.15, **_ELECTION),
    "N07403": _rate(1100, 950, spread=0.25, trend=0.005, noise=0.07),
    "U01413": _share(27, 26, spread=0.15, trend=0.01, noise=0.08, gender_gap=-0.05, **_SURVEY),
    "U01420": _share(18, 14, spread=0.3, trend=0.01, noise=0.08, gender_gap=1.2, **_SURVEY),
}

#: Series used only to derive catalogue indicators (not stored themselves).
_COMPONENT_PROFILES: dict[str, Profile] = {
    # Electricity from hydro, combined heat and power and other sources, MWh per inhabitant.
    "_other_electricity": _total(
        11.4, 8.0, spread=1.0, noise=0.12, heavy={"2039": 4.0, "2021": 3.0, "2023": 2.0}
    ),
}

_GHG_SECTORS = ("N85532", "N85533", "N85535", "N85536", "N85537", "N85538", "N85540", "N85542")
#: Derived indicators: the sum of other series.
_SUMS: dict[str, tuple[str, ...]] = {
    "N07702": _GHG_SECTORS,
    "N45926": ("N45904", "N45952", "_other_electricity"),
}
#: Derived indicators: another series divided by the population (times a factor).
_PER_INHABITANT: dict[str, tuple[str, float]] = {
    "N00401": ("N07702", 1.0),
    "N45932": ("N45926", 0.97),
}
#: Derived indicators: a per-inhabitant series times the population.
_TIMES_POPULATION: dict[str, str] = {"N45941": "N45905"}

# series[area_id][year][gender] = value
Series = dict[str, dict[int, dict[str, float]]]


def build_demo_data(engine: Engine, *, seed: int = DEFAULT_SEED) -> None:
    """Fill an opened, empty database with the demo dataset: the areas, the KPIs, their
    values, Kolada's municipality groups of the bundled file and the groups' means.

    Raises :class:`DemoDataError` when the database already holds observations; nothing is
    changed then.
    """
    catalogue = load_catalogue()
    groups = read_group_file()
    peers = peer_municipalities(groups)
    with Session(engine) as session, session.begin():
        existing = session.scalar(select(func.count()).select_from(Observation))
        if existing:
            raise DemoDataError(
                f"{engine.url.render_as_string(hide_password=True)} already holds {existing} "
                "observations; the demo dataset is only built into an empty database."
            )
        run = EtlRun(kind="demo", scope={"seed": seed, "kpis": len(catalogue)})
        session.add(run)
        _add_missing_areas(session, peers)
        _add_missing_kpis(session, catalogue)
        _add_population_kpi(session)
        session.flush()
        rows = demo_observations(catalogue, seed=seed, peers=list(peers)) + (
            population_observations(peers=list(peers))
        )
        if rows:
            # In key order: SQLite's table is clustered on the key (WITHOUT ROWID).
            key = itemgetter("kpi_id", "area_id", "gender", "year")
            _insert_rows(session, Observation.__table__, sorted(rows, key=key))
        save_groups(session, groups, replace_all=True)
        means = demo_group_means(rows, groups)
        if means:
            _insert_rows(session, GroupMean.__table__, means)
        set_meta(session, DATA_ORIGIN_KEY, DATA_ORIGIN_DEMO)
        set_meta(session, SEED_META_KEY, str(seed))
        run.outcome = "success"
        run.rows_inserted = len(rows)
        run.scope = {**run.scope, "groups": len(groups), "group_means": len(means)}
        run.finished_at = utcnow()
    log.info(
        "Built the demo dataset: %d observations, %d groups, %d group means (seed %d)",
        len(rows),
        len(groups),
        len(means),
        seed,
    )


def _insert_rows(session: Session, table: Table, rows: list[dict[str, object]]) -> None:
    """Insert many rows of one table in the session's transaction, the fastest way each
    database has: ``COPY`` on PostgreSQL (psycopg), the driver's own executemany on SQLite
    (without SQLAlchemy's handling of each row), else SQLAlchemy's executemany."""
    connection = session.connection()
    dialect = connection.dialect
    columns = list(rows[0])
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(column) for column in columns)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        raw = connection.connection.driver_connection
        statement = f"COPY {quote(table.name)} ({names}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row([row[column] for column in columns])
    elif dialect.name == "sqlite" and dialect.paramstyle == "qmark":
        placeholders = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(
            f"INSERT INTO {quote(table.name)} ({names}) VALUES ({placeholders})",
            [tuple(row[column] for column in columns) for row in rows],
        )
    else:
        connection.execute(insert(table), rows)


def ensure_demo_data(engine: Engine, *, seed: int = DEFAULT_SEED) -> bool:
    """Build the demo dataset when the database has no data origin yet; ``True`` if built.

    A database without a recorded origin that nevertheless holds observations (for example
    while a first Kolada load is being written) is left alone.
    """
    if data_origin(engine) is not None:
        return False
    # Servers starting at once on an empty database, or a first refresh under way: the ETL's
    # lock lets one write at a time, and the others look again once it is done.
    with hold(engine, ETL_LOCK, wait=True):
        if data_origin(engine) is not None:
            return False
        with Session(engine) as session:
            if session.scalar(select(func.count()).select_from(Observation)):
                log.warning(
                    "The database holds observations but no data origin; no demo data built"
                )
                return False
        build_demo_data(engine, seed=seed)
    return True


def demo_observations(
    catalogue: Iterable[Indicator], *, seed: int = DEFAULT_SEED, peers: Sequence[str] = ()
) -> list[dict[str, object]]:
    """The demo dataset's observation rows for ``catalogue``, as ``Observation`` column dicts:
    the default areas' and those of the municipalities ``peers`` (ids in
    :data:`PEER_POPULATION`)."""
    catalogue = tuple(catalogue)
    series = _all_series({indicator.kpi_id: indicator for indicator in catalogue}, seed, peers)
    rows: list[dict[str, object]] = []
    for indicator in catalogue:
        rng = random.Random(f"{seed}/{indicator.kpi_id}/gaps")
        genders = ("T", "K", "M") if indicator.is_divided_by_gender else ("T",)
        profile = DEMO_PROFILES.get(indicator.kpi_id)  # None for derived indicators
        years = _observed_years(profile) if profile else range(FIRST_YEAR, LAST_YEAR + 1)
        for area_id in _areas_for(indicator, peers):
            area_series = series[indicator.kpi_id].get(area_id, {})
            is_municipality = area_id not in DEFAULT_AREAS or DEFAULT_AREAS[area_id][1] == "K"
            for year in years:
                values = area_series.get(year)
                missing = values is None
                if is_municipality and not missing:
                    draw = rng.random()
                    if draw < ABSENT_SHARE:
                        continue
                    missing = draw < ABSENT_SHARE + MISSING_SHARE
                for gender in genders:
                    value = None if missing else _rounded(values[gender], indicator)
                    rows.append(
                        {
                            "kpi_id": indicator.kpi_id,
                            "area_id": area_id,
                            "year": year,
                            "gender": gender,
                            "value": value,
                            "status": MISSING_STATUS if value is None else "",
                            "count": None if value is None else 1,
                        }
                    )
    return rows


def demo_population(area_id: str, year: int) -> int:
    """An area's demo population in ``year``: its population in :data:`POPULATION_YEAR`
    changed by its yearly growth; Region Dalarna's is the sum of its municipalities'."""
    if area_id == REGION_DALARNA:
        return sum(demo_population(municipality, year) for municipality in POPULATION)
    if area_id in PEER_POPULATION:
        base = PEER_POPULATION[area_id]
        return round(base * (1 + peer_growth(area_id)) ** (year - POPULATION_YEAR))
    base = RIKET_POPULATION if area_id == RIKET else POPULATION[area_id]
    return round(base * (1 + POPULATION_GROWTH[area_id]) ** (year - POPULATION_YEAR))


def peer_growth(area_id: str) -> float:
    """A similar municipality's yearly population change (a share), by its size."""
    growth = PEER_GROWTH_PER_LOG_SIZE * math.log(PEER_POPULATION[area_id] / PEER_STEADY_POPULATION)
    return min(max(growth, -PEER_GROWTH_LIMIT), PEER_GROWTH_LIMIT)


def population_observations(*, peers: Sequence[str] = ()) -> list[dict[str, object]]:
    """The demo population (:data:`POPULATION_KPI`) of every default area and of ``peers`` in
    every year: women, men and the total, as ``Observation`` column dicts."""
    rows: list[dict[str, object]] = []
    for area_id in (*DEFAULT_AREAS, *peers):
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            total = demo_population(area_id, year)
            women = round(total * WOMEN_SHARE)
            for gender, value in (("T", total), ("K", women), ("M", total - women)):
                rows.append(
                    {
                        "kpi_id": POPULATION_KPI,
                        "area_id": area_id,
                        "year": year,
                        "gender": gender,
                        "value": float(value),
                        "status": "",
                        "count": 1,
                    }
                )
    return rows


def peer_municipalities(groups: Iterable[GroupRecord]) -> dict[str, str]:
    """The groups' members outside the default areas, id → name, in the order first listed."""
    peers: dict[str, str] = {}
    for group in groups:
        for member in group.members:
            if member.id not in DEFAULT_AREAS:
                peers.setdefault(member.id, member.title)
    return peers


#: The kinds of groups whose means the demo dataset computes: those that list every member.
MEAN_GROUP_KINDS: tuple[str, ...] = (GROUP_SIMILAR, GROUP_COUNTY)


def demo_group_means(
    rows: Iterable[Mapping[str, object]], groups: Iterable[GroupRecord]
) -> list[dict[str, object]]:
    """The means of the groups of :data:`MEAN_GROUP_KINDS` as Kolada computes a group's value:
    per KPI, year and gender the unweighted mean of the members' values and ``count``, the
    number of members with a value (none where no member has one), as ``GroupMean`` column
    dicts."""
    membership = pd.DataFrame(
        [
            (group.id, member.id)
            for group in groups
            if group.kind in MEAN_GROUP_KINDS
            for member in group.members
        ],
        columns=["group_id", "area_id"],
    )
    members = set(membership["area_id"])
    values = pd.DataFrame(
        [
            (row["kpi_id"], row["area_id"], row["gender"], row["year"], row["value"])
            for row in rows
            if row["area_id"] in members and row["value"] is not None
        ],
        columns=["kpi_id", "area_id", "gender", "year", "value"],
    )
    if values.empty:
        return []
    means = (
        values.merge(membership, on="area_id")
        .groupby(["kpi_id", "group_id", "gender", "year"], sort=True)["value"]
        .agg(["mean", "count"])
        .reset_index()
    )
    return [
        {
            "kpi_id": kpi_id,
            "group_id": group_id,
            "gender": gender,
            "year": int(year),
            "value": float(mean),
            "count": int(count),
            "status": "",
        }
        for kpi_id, group_id, gender, year, mean, count in means.itertuples(index=False)
    ]


def _add_population_kpi(session: Session) -> None:
    if session.get(Kpi, POPULATION_KPI) is None:
        session.add(
            Kpi(
                id=POPULATION_KPI,
                title=POPULATION_TITLE,
                description=DEMO_DESCRIPTION,
                unit="antal",
                is_divided_by_gender=True,
                municipality_type="A",
                publ_period=str(LAST_YEAR),
                publication_date=None,
            )
        )


def _add_missing_areas(session: Session, peers: Mapping[str, str]) -> None:
    present = set(session.scalars(select(Area.id)))
    areas = {**DEFAULT_AREAS, **{area_id: (title, "K") for area_id, title in peers.items()}}
    for area_id, (title, area_type) in areas.items():
        if area_id not in present:
            session.add(
                Area(id=area_id, title=title, type=area_type, county=county_of(area_id, area_type))
            )


def _add_missing_kpis(session: Session, catalogue: Iterable[Indicator]) -> None:
    present = set(session.scalars(select(Kpi.id)))
    for indicator in catalogue:
        if indicator.kpi_id in present:
            continue
        session.add(
            Kpi(
                id=indicator.kpi_id,
                title=indicator.kolada_title,
                description=DEMO_DESCRIPTION,
                unit=indicator.unit,
                is_divided_by_gender=indicator.is_divided_by_gender,
                municipality_type=indicator.municipality_type,
                publ_period=str(LAST_YEAR),
                publication_date=None,
            )
        )


def _areas_for(indicator: Indicator, peers: Sequence[str] = ()) -> list[str]:
    """Region-only KPIs (type L) have values for the county and Sweden only; the others for
    every default area and the municipalities ``peers`` too."""
    if indicator.municipality_type == "L":
        return [area_id for area_id, (_, kind) in DEFAULT_AREAS.items() if kind == "L"]
    return [*DEFAULT_AREAS, *peers]


def _profile(indicator: Indicator) -> Profile:
    """The indicator's profile; one guessed from its unit for an indicator without one."""
    profile = DEMO_PROFILES.get(indicator.kpi_id)
    if profile is not None:
        return profile
    log.debug("No demo profile for %s; guessing one from its unit", indicator.kpi_id)
    if indicator.natural_limit == 100:
        return _share(50, spread=0.3, trend=0.01, noise=0.08)
    if indicator.unit.startswith(("ton", "MWh", "kg", "antal")) and "/" not in indicator.unit:
        return _total(1.0, spread=0.3, trend=-0.01, noise=0.05)
    return _rate(100, spread=0.2, trend=0.0, noise=0.05)


def _profile_by_id(kpi_id: str) -> Profile:
    return DEMO_PROFILES.get(kpi_id) or _COMPONENT_PROFILES[kpi_id]


def _observed_years(profile: Profile) -> range:
    step = 2 if profile.cadence == "biennial" else 1
    first = profile.first_year + (profile.first_year % 2 if step == 2 else 0)
    return range(first, LAST_YEAR + 1, step)


def _rounded(value: float, indicator: Indicator) -> float:
    value = max(value, 0.0) if indicator.natural_limit is not None else value
    if indicator.natural_limit is not None:
        value = min(value, indicator.natural_limit)
    return round(value, indicator.decimals + 1)


# --- generating the series ---------------------------------------------------------------


def _needed_series(kpi_ids: Iterable[str]) -> set[str]:
    """The catalogue's series and the component series derived ones are computed from."""
    needed = set(kpi_ids)
    for kpi_id in set(needed):
        needed.update(_SUMS.get(kpi_id, ()))
        if kpi_id in _PER_INHABITANT:
            base = _PER_INHABITANT[kpi_id][0]
            needed.add(base)
            needed.update(_SUMS.get(base, ()))
        if kpi_id in _TIMES_POPULATION:
            needed.add(_TIMES_POPULATION[kpi_id])
    return needed


def _all_series(
    catalogue: Mapping[str, Indicator], seed: int, peers: Sequence[str] = ()
) -> dict[str, Series]:
    """Every series the catalogue needs, for the default areas and the municipalities
    ``peers``: generated ones first, then the derived ones."""
    needed = _needed_series(catalogue)
    derived = set(_SUMS) | set(_PER_INHABITANT) | set(_TIMES_POPULATION)
    coastal = {
        kpi_id for kpi_id in needed if kpi_id in DEMO_PROFILES and DEMO_PROFILES[kpi_id].coastal
    }

    series: dict[str, Series] = {}
    for kpi_id in sorted(needed - derived):
        if kpi_id in DEMO_PROFILES or kpi_id in _COMPONENT_PROFILES:
            profile = _profile_by_id(kpi_id)
        else:
            profile = _profile(catalogue[kpi_id])
        rng = random.Random(f"{seed}/{kpi_id}/values")
        series[kpi_id] = _generate(
            profile,
            rng,
            region_only=_is_region_only(kpi_id, catalogue),
            county=county_rule(kpi_id, profile),
            peers=peers,
            peer_rng=random.Random(f"{seed}/{kpi_id}/peers"),
        )
    for kpi_id, parts in _SUMS.items():
        if kpi_id in needed:
            series[kpi_id] = _combine([series[part] for part in parts], sum)
    for kpi_id, (base, factor) in _PER_INHABITANT.items():
        if kpi_id in needed:
            series[kpi_id] = _map(
                series[base], lambda v, area, year, f=factor: v * f / demo_population(area, year)
            )
    for kpi_id, base in _TIMES_POPULATION.items():
        if kpi_id in needed:
            series[kpi_id] = _map(
                series[base], lambda v, area, year: v * demo_population(area, year)
            )
    for kpi_id in coastal:
        series[kpi_id] = {RIKET: series[kpi_id].get(RIKET, {})}
    return series


def _is_region_only(kpi_id: str, catalogue: Mapping[str, Indicator]) -> bool:
    indicator = catalogue.get(kpi_id)
    return indicator is not None and indicator.municipality_type == "L"


_TRANSFORMS: dict[str, tuple[Callable[[float], float], Callable[[float], float]]] = {
    "log": (math.log, math.exp),
    "logit": (
        lambda p: math.log(p / (100.0 - p)),
        lambda x: 100.0 / (1.0 + math.exp(-x)),
    ),
    "linear": (lambda v: v, lambda x: x),
}
_MIN_TREND_SPREAD: dict[str, float] = {"log": 0.008, "logit": 0.015, "linear": 0.08}
_AUTOCORRELATION = 0.5


def county_rule(kpi_id: str, profile: Profile) -> str:
    """How Region Dalarna's value follows from its municipalities' for an indicator: the sum
    of a total, the rule of :data:`COUNTY_RULES`, else the population-weighted mean."""
    if profile.total:
        return COUNTY_SUM
    return COUNTY_RULES.get(kpi_id, COUNTY_MEAN_BY_POPULATION)


def _generate(
    profile: Profile,
    rng: random.Random,
    *,
    region_only: bool = False,
    county: str = COUNTY_MEAN_BY_POPULATION,
    peers: Sequence[str] = (),
    peer_rng: random.Random | None = None,
) -> Series:
    """One indicator's series for the municipalities, Region Dalarna and Riket, and for the
    municipalities ``peers`` (drawn from ``peer_rng``) unless the indicator is region-only."""
    forward, _ = _TRANSFORMS[profile.scale]
    trend_spread = profile.trend_spread
    if trend_spread is None:
        trend_spread = max(abs(profile.trend) * 0.8, _MIN_TREND_SPREAD[profile.scale])
    dalarna_level = forward(profile.dalarna if profile.dalarna is not None else profile.riket)

    series: Series = {}
    # Riket: its own steady series.
    series[RIKET] = _area_series(
        profile,
        rng,
        level=forward(profile.riket),
        trend=profile.trend + rng.gauss(0.0, trend_spread * 0.3),
        noise=profile.noise * 0.25,
        area_id=RIKET,
    )
    if region_only:
        series[REGION_DALARNA] = _area_series(
            profile,
            rng,
            level=dalarna_level,
            trend=profile.trend + rng.gauss(0.0, trend_spread * 0.5),
            noise=profile.noise * 0.4,
            area_id=REGION_DALARNA,
        )
        return series

    for area_id in POPULATION:
        series[area_id] = _municipal_series(profile, rng, area_id, dalarna_level, trend_spread)
    series[REGION_DALARNA] = _county(series, county)
    if peers:
        peer_rng = peer_rng or random.Random(f"{rng.random()}/peers")
        peer_level = (forward(profile.riket) + dalarna_level) / 2
        for area_id in peers:
            series[area_id] = _municipal_series(
                profile, peer_rng, area_id, peer_level, trend_spread
            )
    return series


def _municipal_series(
    profile: Profile, rng: random.Random, area_id: str, typical_level: float, trend_spread: float
) -> dict[int, dict[str, float]]:
    """A municipality's series: its level scattered around ``typical_level`` (raised for the
    indicator's heavy areas), its trend around the indicator's, noisier when it is small."""
    offset = rng.gauss(0.0, profile.spread)
    if area_id in profile.heavy:
        offset += math.log(profile.heavy[area_id])
    population = demo_population(area_id, POPULATION_YEAR)
    size = min(max(math.sqrt(20_000 / population), 0.5), 2.0)
    return _area_series(
        profile,
        rng,
        level=typical_level + offset,
        trend=profile.trend + rng.gauss(0.0, trend_spread),
        noise=profile.noise * size,
        area_id=area_id,
    )


def _area_series(
    profile: Profile,
    rng: random.Random,
    *,
    level: float,
    trend: float,
    noise: float,
    area_id: str,
) -> dict[int, dict[str, float]]:
    """One area's values by year and gender, on the indicator's own scale (a total is the
    value per inhabitant times the year's population)."""
    _, inverse = _TRANSFORMS[profile.scale]
    women_share = 0.5 + rng.uniform(-0.03, 0.03)
    half_gap = profile.gender_gap / 2
    values: dict[int, dict[str, float]] = {}
    shock = 0.0
    for year in range(min(profile.first_year, ELECTION_YEARS[0]), LAST_YEAR + 1):
        # Autocorrelated noise keeps the series smooth from one year to the next.
        shock = _AUTOCORRELATION * shock + rng.gauss(0.0, noise) * math.sqrt(
            1 - _AUTOCORRELATION**2
        )
        if profile.cadence == "election" and year not in ELECTION_YEARS:
            # Between elections the last election's value stands.
            values[year] = dict(values[max(y for y in ELECTION_YEARS if y < year)])
            continue
        x = level + trend * (year - LAST_YEAR) + profile.shocks.get(year, 0.0) + shock
        scale = demo_population(area_id, year) if profile.total else 1.0
        women = inverse(x + half_gap) * scale
        men = inverse(x - half_gap) * scale
        total = inverse(x) * scale
        if half_gap:
            total = women_share * women + (1 - women_share) * men
        values[year] = {"T": total, "K": women, "M": men}
    return {year: by_gender for year, by_gender in values.items() if year >= profile.first_year}


def _county(series: Series, rule: str) -> dict[int, dict[str, float]]:
    """Region Dalarna from its municipalities by ``rule`` (:func:`county_rule`): their sum,
    their minimum, or their mean weighted by land area or by the year's population."""
    county: dict[int, dict[str, float]] = {}
    years = sorted({year for area_id in POPULATION for year in series[area_id]})
    for year in years:
        values: dict[str, float] = {}
        if rule == COUNTY_MEAN_BY_LAND_AREA:
            weights = {area_id: float(LAND_AREA[area_id]) for area_id in POPULATION}
        else:
            weights = {area_id: float(demo_population(area_id, year)) for area_id in POPULATION}
        for gender in ("T", "K", "M"):
            parts = [series[area_id][year][gender] for area_id in POPULATION]
            if rule == COUNTY_SUM:
                values[gender] = sum(parts)
            elif rule == COUNTY_MINIMUM:
                values[gender] = min(parts)
            else:
                values[gender] = sum(
                    value * weights[area_id]
                    for area_id, value in zip(POPULATION, parts, strict=True)
                ) / sum(weights.values())
        low, high = sorted((values["K"], values["M"]))
        values["T"] = min(max(values["T"], low), high)
        county[year] = values
    return county


def _combine(parts: list[Series], how: Callable[[Iterable[float]], float]) -> Series:
    """A series combining several by area, year and gender (a part absent in a year counts
    as nothing: solar power before it was counted)."""
    combined: Series = {}
    areas = {area_id for part in parts for area_id in part}
    for area_id in areas:
        years = sorted({year for part in parts for year in part.get(area_id, {})})
        combined[area_id] = {
            year: {
                gender: how(
                    part[area_id][year][gender] for part in parts if year in part.get(area_id, {})
                )
                for gender in ("T", "K", "M")
            }
            for year in years
        }
    return combined


def _map(series: Series, function: Callable[[float, str, int], float]) -> Series:
    """A series of ``function(value, area_id, year)`` of each value."""
    return {
        area_id: {
            year: {gender: function(value, area_id, year) for gender, value in by_gender.items()}
            for year, by_gender in by_year.items()
        }
        for area_id, by_year in series.items()
    }
