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
from data.groups import all_groups, group_means, read_group_file, similar_group
from data.models import (
    GROUP_COUNTY,
    GROUP_SIMILAR,
    GROUP_SKR,
    Area,
    EtlRun,
    GroupMean,
    Kpi,
    Observation,
)
from etl.demo import (
    COUNTY_MEAN_BY_LAND_AREA,
    COUNTY_MEAN_BY_POPULATION,
    COUNTY_MINIMUM,
    COUNTY_SUM,
    DEMO_PROFILES,
    LAND_AREA,
    MISSING_STATUS,
    PEER_POPULATION,
    SEED_META_KEY,
    DemoDataError,
    build_demo_data,
    county_rule,
    demo_observations,
    ensure_demo_data,
    peer_municipalities,
)
from indicators.catalogue import load_catalogue
from indicators.per_inhabitant import POPULATION_KPI, population_by_area_year

GROUPS = read_group_file()
#: The municipalities outside Dalarna that the groups name, id → name.
PEERS = peer_municipalities(GROUPS)
ALL_AREAS = {**{a: kind for a, (_, kind) in DEFAULT_AREAS.items()}, **dict.fromkeys(PEERS, "K")}

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


def stored_means(engine: Engine) -> list[tuple]:
    columns = (
        GroupMean.kpi_id,
        GroupMean.group_id,
        GroupMean.gender,
        GroupMean.year,
        GroupMean.value,
        GroupMean.count,
    )
    with Session(engine) as session:
        return [tuple(row) for row in session.execute(select(*columns).order_by(*columns[:4]))]


def test_two_builds_with_the_same_seed_are_identical(
    tmp_path: Path, rows: list[tuple], shared_demo: Engine
) -> None:
    other = open_database(f"sqlite:///{tmp_path / 'other.sqlite'}")
    try:
        build_demo_data(other, seed=7)
        assert observations(other) == rows
        assert stored_means(other) == stored_means(shared_demo)
        assert all_groups(other) == all_groups(shared_demo)
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
            else set(ALL_AREAS)
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
    dalarna = [row for row in rows if row[1] in DALARNA_MUNICIPALITIES]
    improving = worsening = 0
    for kpi_id, indicator in catalogue.items():
        if indicator.direction == "none":
            continue
        values = _t_values(dalarna, kpi_id)
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

    assert set(areas) == set(ALL_AREAS)
    for area_id, (title, kind) in {
        **DEFAULT_AREAS,
        **{a: (t, "K") for a, t in PEERS.items()},
    }.items():
        assert (areas[area_id].title, areas[area_id].type) == (title, kind)
        assert areas[area_id].county == county_of(area_id, kind)
    assert areas["2482"].title == "Skellefteå" and areas["2482"].county == "24"

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
    assert runs[0].scope["groups"] == len(GROUPS)
    assert runs[0].scope["group_means"] == len(stored_means(shared_demo)) > 0
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
    assert set(population) == {(a, y) for a in ALL_AREAS for y in years}
    # about the real populations of 2023
    for area_id, real in (("2080", 60_000), ("2081", 52_000), ("0020", 288_000)):
        assert population[area_id, 2023] == pytest.approx(real, rel=0.03), area_id
    assert population[RIKET, 2023] == pytest.approx(10_500_000, rel=0.02)
    assert min(population[a, 2023] for a in DALARNA_MUNICIPALITIES) > 5_000
    assert population["2482", 2023] == pytest.approx(77_000, rel=0.01)  # Skellefteå
    assert min(population[a, 2023] for a in PEERS) > 4_000
    for year in years:
        municipalities = sum(population[a, year] for a in DALARNA_MUNICIPALITIES)
        assert population[REGION_DALARNA, year] == municipalities
    # slow change: a few per cent over the years, Riket growing
    for area_id in ALL_AREAS:
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


# --- the municipality groups and their means ----------------------------------------------


def test_the_groups_of_the_bundled_file_are_stored(shared_demo: Engine) -> None:
    stored = {group.id: group for group in all_groups(shared_demo)}
    assert stored == {group.id: group for group in GROUPS}
    kinds = [group.kind for group in stored.values()]
    assert (kinds.count(GROUP_SIMILAR), kinds.count(GROUP_COUNTY)) == (15, 1)
    assert kinds.count(GROUP_SKR) == 6


def test_every_similar_municipality_outside_dalarna_has_a_population() -> None:
    assert set(PEERS) <= set(PEER_POPULATION)
    assert len(PEERS) > 50


def test_each_dalarna_municipality_has_seven_similar_municipalities_with_values(
    shared_demo: Engine, rows: list[tuple]
) -> None:
    catalogue = load_catalogue()
    municipal = {
        i.kpi_id
        for i in catalogue
        if i.municipality_type != "L" and not getattr(DEMO_PROFILES.get(i.kpi_id), "coastal", False)
    }
    kpis_with_values: dict[str, set[str]] = defaultdict(set)
    for kpi_id, area_id, _year, _gender, value, *_ in rows:
        if value is not None:
            kpis_with_values[area_id].add(kpi_id)
    with Session(shared_demo) as session:
        stored_areas = set(session.scalars(select(Area.id)))
    for area_id, name in DALARNA_MUNICIPALITIES.items():
        group = similar_group(shared_demo, area_id)
        assert group is not None, name
        assert group.title == f"Liknande kommuner, övergripande, {name}, 2025"
        assert len(group.members) == 7 and area_id not in group.member_ids
        for member in group.members:
            assert member.id in stored_areas
            assert kpis_with_values[member.id] == municipal | {POPULATION_KPI}, member.title


def _member_values(rows: list[tuple], kpi_id: str) -> dict[tuple[str, str, int], float]:
    return {
        (area_id, gender, year): value
        for k, area_id, year, gender, value, *_ in rows
        if k == kpi_id and value is not None
    }


@pytest.mark.parametrize("kpi_id", ["N00401", "N00923", "N07900", "N00209", POPULATION_KPI])
def test_group_means_are_the_unweighted_means_of_the_members_values(
    shared_demo: Engine, rows: list[tuple], kpi_id: str
) -> None:
    """As Kolada serves a group id: the mean of the members that have a value, and their
    number — computed here from the stored values of the members."""
    values = _member_values(rows, kpi_id)
    groups = [g for g in GROUPS if g.kind in (GROUP_SIMILAR, GROUP_COUNTY)]
    stored = group_means(shared_demo, [g.id for g in groups], kpi_id)
    by_key = {(r.group_id, r.gender, r.year): (r.value, r.count) for r in stored.itertuples()}
    expected: dict[tuple[str, str, int], tuple[float, int]] = {}
    for group in groups:
        for gender in ("T", "K", "M"):
            for year in range(2010, 2025):
                present = [
                    values[m, gender, year] for m in group.member_ids if (m, gender, year) in values
                ]
                if present:
                    expected[group.id, gender, year] = (sum(present) / len(present), len(present))
    assert set(by_key) == set(expected)
    for key, (mean, count) in expected.items():
        assert by_key[key][1] == count, key
        assert by_key[key][0] == pytest.approx(mean, rel=1e-12), key
    # Some members lack a value in some year (gaps), so not every count is full.
    if kpi_id != POPULATION_KPI:
        assert any(count < 7 for key, (_, count) in expected.items() if key[0] != "G33627")
    assert all(row.status == "" for row in stored.itertuples())


def test_the_skr_groups_have_no_means(shared_demo: Engine) -> None:
    """They list Dalarna's members only, so a mean of those would not be the group's."""
    skr = [group.id for group in GROUPS if group.kind == GROUP_SKR]
    with Session(shared_demo) as session:
        count = session.scalar(
            select(func.count()).select_from(GroupMean).where(GroupMean.group_id.in_(skr))
        )
    assert count == 0


def test_the_similar_municipalities_leave_dalarnas_values_unchanged() -> None:
    catalogue = load_catalogue()
    alone = demo_observations(catalogue, seed=7)
    with_peers = demo_observations(catalogue, seed=7, peers=list(PEERS))
    assert [row for row in with_peers if row["area_id"] in DEFAULT_AREAS] == alone
    assert len(with_peers) > 3 * len(alone)


def test_another_seed_gives_other_group_means(shared_demo: Engine, tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'other.sqlite'}")
    try:
        build_demo_data(engine, seed=8)
        second = stored_means(engine)
    finally:
        engine.dispose()
    first = stored_means(shared_demo)
    assert [row[:4] for row in first][:100] == [row[:4] for row in second][:100]
    assert [row[4] for row in first] != [row[4] for row in second]
