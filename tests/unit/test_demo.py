"""The bundled demo dataset: deterministic, complete, plausible, and only for an empty database."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data.areas import DALARNA_MUNICIPALITIES, DEFAULT_AREAS, REGION_DALARNA, RIKET, county_of
from data.db import (
    DATA_ORIGIN_KEY,
    DATA_ORIGIN_KOLADA,
    data_origin,
    get_meta,
    open_database,
    set_meta,
)
from data.models import Area, EtlRun, Kpi, Observation
from etl.demo import (
    COUNTY_MEAN_BY_LAND_AREA,
    COUNTY_MEAN_BY_POPULATION,
    COUNTY_MINIMUM,
    COUNTY_SUM,
    DEMO_PROFILES,
    LAND_AREA,
    MISSING_STATUS,
    SEED_META_KEY,
    DemoDataError,
    build_demo_data,
    county_rule,
    demo_observations,
    ensure_demo_data,
)
from indicators.catalogue import load_catalogue
from indicators.per_inhabitant import POPULATION_KPI, population_by_area_year

GHG_SECTORS = ("N85532", "N85533", "N85535", "N85536", "N85537", "N85538", "N85540", "N85542")


def observations(engine: Engine) -> list[tuple]:
    columns = (
        Observation.kpi_id,
        Observation.area_id,
        Observation.year,
        Observation.gender,
        Observation.value,
        Observation.status,
        Observation.count,
    )
    with Session(engine) as session:
        return [tuple(row) for row in session.execute(select(*columns).order_by(*columns[:4]))]


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    """A fresh database with the demo dataset, for tests that change it."""
    build_demo_data(engine, seed=7)
    return engine


@pytest.fixture(scope="module")
def shared_demo(tmp_path_factory: pytest.TempPathFactory):
    """One demo database shared by the tests that only read it."""
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}")
    build_demo_data(engine, seed=7)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def rows(shared_demo: Engine) -> list[tuple]:
    return observations(shared_demo)


def test_two_builds_with_the_same_seed_are_identical(tmp_path: Path, rows: list[tuple]) -> None:
    other = open_database(f"sqlite:///{tmp_path / 'other.sqlite'}")
    try:
        build_demo_data(other, seed=7)
        assert observations(other) == rows
    finally:
        other.dispose()


def test_another_seed_gives_other_values() -> None:
    catalogue = load_catalogue()
    first = demo_observations(catalogue, seed=1)
    second = demo_observations(catalogue, seed=2)
    assert [row["value"] for row in first] != [row["value"] for row in second]


def test_every_catalogue_kpi_has_values_for_every_area_it_applies_to(rows: list[tuple]) -> None:
    areas_with_values: dict[str, set[str]] = defaultdict(set)
    areas_with_rows: dict[str, set[str]] = defaultdict(set)
    for kpi_id, area_id, _year, _gender, value, _status, _count in rows:
        areas_with_rows[kpi_id].add(area_id)
        if value is not None:
            areas_with_values[kpi_id].add(area_id)

    for indicator in load_catalogue():
        expected = (
            {area_id for area_id, (_, kind) in DEFAULT_AREAS.items() if kind == "L"}
            if indicator.municipality_type == "L"
            else set(DEFAULT_AREAS)
        )
        assert areas_with_rows[indicator.kpi_id] == expected, indicator.kpi_id
        profile = DEMO_PROFILES.get(indicator.kpi_id)
        if profile is not None and profile.coastal:
            # Dalarna has no sea coast: only Sweden as a whole has values.
            assert areas_with_values[indicator.kpi_id] == {RIKET}
        else:
            assert areas_with_values[indicator.kpi_id] == expected, indicator.kpi_id


def test_every_catalogue_kpi_has_a_demo_profile_or_is_derived() -> None:
    derived = {"N07702", "N00401", "N45926", "N45932", "N45941"}
    missing = {i.kpi_id for i in load_catalogue()} - set(DEMO_PROFILES) - derived
    assert not missing


def test_kpis_split_by_gender_have_women_men_and_total_the_others_only_total(
    rows: list[tuple],
) -> None:
    genders: dict[str, set[str]] = defaultdict(set)
    for kpi_id, _area, _year, gender, *_ in rows:
        genders[kpi_id].add(gender)
    for indicator in load_catalogue():
        expected = {"T", "K", "M"} if indicator.is_divided_by_gender else {"T"}
        assert genders[indicator.kpi_id] == expected, indicator.kpi_id


def test_the_total_lies_between_women_and_men(rows: list[tuple]) -> None:
    """For the catalogue's indicators (the population's total is women and men together)."""
    catalogue = {indicator.kpi_id for indicator in load_catalogue()}
    cells: dict[tuple, dict[str, float | None]] = defaultdict(dict)
    for kpi_id, area_id, year, gender, value, *_ in rows:
        if kpi_id in catalogue:
            cells[kpi_id, area_id, year][gender] = value
    checked = 0
    for key, values in cells.items():
        if "K" in values and values["T"] is not None:
            low, high = sorted((values["K"], values["M"]))
            assert low <= values["T"] <= high, key
            checked += 1
    assert checked > 1000


def test_values_respect_natural_limits_and_shares_are_not_negative(rows: list[tuple]) -> None:
    catalogue = {indicator.kpi_id: indicator for indicator in load_catalogue()}
    for kpi_id, area_id, year, gender, value, *_ in rows:
        if kpi_id == POPULATION_KPI:
            assert value is not None and value > 0
            continue
        limit = catalogue[kpi_id].natural_limit
        if value is not None and limit is not None:
            assert 0 <= value <= limit, (kpi_id, area_id, year, gender, value)


def test_missing_values_carry_the_missing_status_and_years_have_gaps(rows: list[tuple]) -> None:
    nulls = [row for row in rows if row[4] is None]
    assert nulls
    assert all(row[5] == MISSING_STATUS and row[6] is None for row in nulls)
    assert all(row[5] == "" and row[6] == 1 for row in rows if row[4] is not None)

    years: dict[tuple[str, str], list[int]] = defaultdict(list)
    for kpi_id, area_id, year, gender, *_ in rows:
        if gender == "T":
            years[kpi_id, area_id].append(year)
    riket_years = {kpi_id: set(y) for (kpi_id, area_id), y in years.items() if area_id == RIKET}
    gapped = [
        (kpi_id, area_id)
        for (kpi_id, area_id), y in years.items()
        if area_id in DALARNA_MUNICIPALITIES and set(y) < riket_years[kpi_id]
    ]
    assert gapped, "no municipal series lacks a year that Riket has"


def test_years_span_a_realistic_period(rows: list[tuple]) -> None:
    years = {row[2] for row in rows}
    assert min(years) == 2010
    assert max(years) == 2024
    first_year = defaultdict(lambda: 9999)
    for kpi_id, _area, year, *_ in rows:
        first_year[kpi_id] = min(first_year[kpi_id], year)
    assert len(set(first_year.values())) > 1, "every KPI starts the same year"


def test_election_kpis_repeat_the_last_elections_value(rows: list[tuple]) -> None:
    turnout = {
        year: value
        for kpi_id, area_id, year, gender, value, *_ in rows
        if kpi_id == "N05401" and area_id == RIKET and gender == "T"
    }
    assert turnout[2019] == turnout[2020] == turnout[2021] == turnout[2018]
    assert turnout[2022] != turnout[2018]


def _t_values(rows: list[tuple], kpi_id: str) -> dict[tuple[str, int], float]:
    return {
        (area_id, year): value
        for k, area_id, year, gender, value, *_ in rows
        if k == kpi_id and gender == "T" and value is not None
    }


def test_county_and_national_totals_are_plausible_aggregates(rows: list[tuple]) -> None:
    emissions = _t_values(rows, "N07702")
    complete_years = [
        year
        for year in range(2010, 2025)
        if all((area_id, year) in emissions for area_id in DALARNA_MUNICIPALITIES)
    ]
    assert complete_years
    for year in complete_years:
        municipal_sum = sum(emissions[area_id, year] for area_id in DALARNA_MUNICIPALITIES)
        assert emissions[REGION_DALARNA, year] == pytest.approx(municipal_sum, rel=1e-6)
        assert emissions[RIKET, year] > 10 * emissions[REGION_DALARNA, year]

    # The total is the sum of the sectors (each rounded to 0.1 tonne).
    sectors = [_t_values(rows, kpi_id) for kpi_id in GHG_SECTORS]
    for key in [(RIKET, 2015), (REGION_DALARNA, 2020)]:
        assert emissions[key] == pytest.approx(sum(s[key] for s in sectors), abs=1.0)


def _complete_years(values: dict[tuple[str, int], float]) -> list[int]:
    """The years in which every municipality and the county have a value."""
    return [
        year
        for year in range(2010, 2025)
        if all((area_id, year) in values for area_id in (*DALARNA_MUNICIPALITIES, REGION_DALARNA))
    ]


def test_county_figures_follow_each_indicator_s_definition(rows: list[tuple]) -> None:
    """The county's lowest-turnout district is the municipalities' minimum; a share of the
    inhabitants is their population-weighted mean (weights: the stored population of that
    year); a share of the land is weighted by land area."""
    lowest = _t_values(rows, "N05831")
    years = _complete_years(lowest)
    assert years
    population = _t_values(rows, POPULATION_KPI)
    for year in years:
        municipal = [lowest[area_id, year] for area_id in DALARNA_MUNICIPALITIES]
        assert lowest[REGION_DALARNA, year] == min(municipal)
        weighted = sum(lowest[a, year] * population[a, year] for a in DALARNA_MUNICIPALITIES) / sum(
            population[a, year] for a in DALARNA_MUNICIPALITIES
        )
        assert lowest[REGION_DALARNA, year] < weighted - 1  # not a mean

    broadband = _t_values(rows, "N07900")  # a share of the households: by population
    years = _complete_years(broadband)
    assert years
    for year in years:
        weighted = sum(
            broadband[a, year] * population[a, year] for a in DALARNA_MUNICIPALITIES
        ) / sum(population[a, year] for a in DALARNA_MUNICIPALITIES)
        assert broadband[REGION_DALARNA, year] == pytest.approx(weighted, abs=0.011)

    protected = _t_values(rows, "N85054")  # a share of the area: by land area
    years = _complete_years(protected)
    assert years
    for year in years:
        weighted = sum(protected[a, year] * LAND_AREA[a] for a in DALARNA_MUNICIPALITIES) / sum(
            LAND_AREA[a] for a in DALARNA_MUNICIPALITIES
        )
        assert protected[REGION_DALARNA, year] == pytest.approx(weighted, abs=0.011)


def test_every_indicator_has_a_county_rule_by_its_definition() -> None:
    catalogue = {indicator.kpi_id: indicator for indicator in load_catalogue()}
    for kpi_id, profile in DEMO_PROFILES.items():
        rule = county_rule(kpi_id, profile)
        indicator = catalogue[kpi_id]
        if indicator.is_total:
            assert rule == COUNTY_SUM, kpi_id
        elif "lägst" in indicator.kolada_title:
            assert rule == COUNTY_MINIMUM, kpi_id
        elif rule == COUNTY_MEAN_BY_LAND_AREA:
            assert indicator.unit == "andel (%)", kpi_id
        else:
            assert rule == COUNTY_MEAN_BY_POPULATION, kpi_id
    assert county_rule("N05831", DEMO_PROFILES["N05831"]) == COUNTY_MINIMUM
    assert set(LAND_AREA) == set(DALARNA_MUNICIPALITIES)


def test_magnitudes_are_realistic(rows: list[tuple]) -> None:
    per_inhabitant = _t_values(rows, "N00401")
    assert all(1.0 <= v <= 15.0 for v in per_inhabitant.values())
    riket_turnout = _t_values(rows, "N05401")
    assert all(65 <= v <= 95 for v in riket_turnout.values())
    waste = _t_values(rows, "U07801")
    assert all(200 <= v <= 900 for v in waste.values())
    life = _t_values(rows, "N00925")
    assert all(78 <= v <= 88 for v in life.values())


def test_some_series_improve_and_others_worsen(rows: list[tuple]) -> None:
    catalogue = {indicator.kpi_id: indicator for indicator in load_catalogue()}
    improving = worsening = 0
    for kpi_id, indicator in catalogue.items():
        if indicator.direction == "none":
            continue
        values = _t_values(rows, kpi_id)
        for area_id in DALARNA_MUNICIPALITIES:
            series = sorted((year, v) for (a, year), v in values.items() if a == area_id)
            if len(series) < 2 or series[0][1] == series[-1][1]:
                continue
            rising = series[-1][1] > series[0][1]
            if rising == (indicator.direction == "up"):
                improving += 1
            else:
                worsening += 1
    assert improving > 0
    assert worsening > 0
    assert 0.1 < worsening / (improving + worsening) < 0.9


def test_metadata_areas_kpis_and_the_run_are_recorded(
    shared_demo: Engine, rows: list[tuple]
) -> None:
    assert data_origin(shared_demo) == "demo"
    catalogue = load_catalogue()
    with Session(shared_demo) as session:
        assert get_meta(session, SEED_META_KEY) == "7"
        areas = {area.id: area for area in session.scalars(select(Area))}
        kpis = {kpi.id: kpi for kpi in session.scalars(select(Kpi))}
        runs = list(session.scalars(select(EtlRun)))

    assert set(areas) == set(DEFAULT_AREAS)
    for area_id, (title, kind) in DEFAULT_AREAS.items():
        assert (areas[area_id].title, areas[area_id].type) == (title, kind)
        assert areas[area_id].county == county_of(area_id, kind)

    assert set(kpis) == {indicator.kpi_id for indicator in catalogue} | {POPULATION_KPI}
    assert kpis[POPULATION_KPI].title == "Invånare totalt, antal"
    assert "demovärden" in kpis[POPULATION_KPI].description.lower()
    for indicator in catalogue:
        kpi = kpis[indicator.kpi_id]
        assert kpi.title == indicator.kolada_title
        assert kpi.unit == indicator.unit
        assert kpi.is_divided_by_gender == indicator.is_divided_by_gender
        assert kpi.municipality_type == indicator.municipality_type
        assert "demovärden" in kpi.description.lower()
        assert "inte koladas" in kpi.description.lower()

    assert len(runs) == 1
    assert (runs[0].kind, runs[0].outcome, runs[0].rows_inserted) == ("demo", "success", len(rows))
    assert runs[0].finished_at is not None


def test_a_database_with_observations_is_refused_and_left_unchanged(demo_engine: Engine) -> None:
    before = observations(demo_engine)

    with pytest.raises(DemoDataError, match=r"already holds \d+ observations"):
        build_demo_data(demo_engine, seed=8)

    assert observations(demo_engine) == before
    with Session(demo_engine) as session:
        assert session.scalar(select(func.count()).select_from(EtlRun)) == 1
        assert get_meta(session, SEED_META_KEY) == "7"


def test_ensure_demo_data_builds_once(engine: Engine) -> None:
    assert ensure_demo_data(engine) is True
    first = observations(engine)
    assert first

    assert ensure_demo_data(engine) is False
    assert observations(engine) == first


def test_ensure_demo_data_leaves_a_kolada_database_alone(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        set_meta(session, DATA_ORIGIN_KEY, DATA_ORIGIN_KOLADA)

    assert ensure_demo_data(engine) is False
    assert observations(engine) == []
    assert data_origin(engine) == DATA_ORIGIN_KOLADA


# --- the population (a supporting series) -------------------------------------------------


def _population(rows: list[tuple]) -> dict[tuple[str, int], float]:
    frame = pd.DataFrame(
        [row[:5] for row in rows], columns=["kpi_id", "area_id", "year", "gender", "value"]
    )
    return population_by_area_year(frame)


def test_every_area_has_a_plausible_population_every_year(rows: list[tuple]) -> None:
    population = _population(rows)
    years = range(2010, 2025)
    assert set(population) == {(a, y) for a in DEFAULT_AREAS for y in years}
    # about the real populations of 2023
    for area_id, real in (("2080", 60_000), ("2081", 52_000), ("0020", 288_000)):
        assert population[area_id, 2023] == pytest.approx(real, rel=0.03), area_id
    assert population[RIKET, 2023] == pytest.approx(10_500_000, rel=0.02)
    assert min(population[a, 2023] for a in DALARNA_MUNICIPALITIES) > 5_000
    for year in years:
        municipalities = sum(population[a, year] for a in DALARNA_MUNICIPALITIES)
        assert population[REGION_DALARNA, year] == municipalities
    # slow change: a few per cent over the years, Riket growing
    for area_id in DEFAULT_AREAS:
        assert population[area_id, 2024] / population[area_id, 2010] == pytest.approx(1, abs=0.15)
    assert population[RIKET, 2024] > population[RIKET, 2010]
    women = {(a, y): v for k, a, y, g, v, *_ in rows if k == POPULATION_KPI and g == "K"}
    men = {(a, y): v for k, a, y, g, v, *_ in rows if k == POPULATION_KPI and g == "M"}
    assert all(women[key] + men[key] == population[key] for key in population)


def test_totals_per_inhabitant_match_the_per_inhabitant_indicator(rows: list[tuple]) -> None:
    """Greenhouse-gas emissions in total divided by the population are the emissions per
    inhabitant (N00401), as in Kolada, up to rounding."""
    population = _population(rows)
    totals = _t_values(rows, "N07702")
    per_inhabitant = _t_values(rows, "N00401")
    checked = 0
    for key, total in totals.items():
        if key in per_inhabitant and total > 0:
            assert total / population[key] == pytest.approx(per_inhabitant[key], rel=2e-3), key
            checked += 1
    assert checked > 200
