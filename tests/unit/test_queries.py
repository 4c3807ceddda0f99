"""The query layer on small databases built row by row in each test."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from data import queries
from data.areas import REGION_DALARNA, RIKET
from data.db import DATA_ORIGIN_DEMO, DATA_ORIGIN_KEY, DATA_ORIGIN_KOLADA, set_meta
from data.goals import GoalRecord
from data.models import Area, EtlRun, GoalChange, Kpi, Observation, RecordChange
from data.slideshows import save_slideshow
from indicators.goal_csv import COLUMNS as GOAL_COLUMNS
from indicators.goals import add_goal, remove_goal, sync_catalogue_goals, update_goal

FALUN, BORLANGE, MORA, LEKSAND = "2080", "2081", "2062", "2029"
STOCKHOLM = "0180"  # a municipality outside Dalarna
REGION_STOCKHOLM = "0001"
AREAS = {
    FALUN: ("Falun", "K", "20"),
    BORLANGE: ("Borlänge", "K", "20"),
    MORA: ("Mora", "K", "20"),
    LEKSAND: ("Leksand", "K", "20"),
    STOCKHOLM: ("Stockholm", "K", "01"),
    REGION_DALARNA: ("Region Dalarna", "L", "20"),
    REGION_STOCKHOLM: ("Region Stockholm", "L", "01"),
    RIKET: ("Riket", "L", None),
}
EMISSIONS = "N00401"  # catalogue: direction down, every kind of area
TRANSIT = "N60404"  # catalogue: direction up, regions only
OTHER = "Z00001"  # not in the catalogue


def add_rows(engine, rows: list[tuple]) -> None:
    """Store the areas and KPIs the rows need, then the rows.

    A row is (kpi_id, area_id, year, gender, value) or with a sixth item, the status.
    """
    with Session(engine) as session, session.begin():
        present_areas = set(session.scalars(select(Area.id)))
        present_kpis = set(session.scalars(select(Kpi.id)))
        for area_id, (title, kind, county) in AREAS.items():
            if area_id not in present_areas:
                session.add(Area(id=area_id, title=title, type=kind, county=county))
        for kpi_id in sorted({row[0] for row in rows} - present_kpis):
            session.add(Kpi(id=kpi_id, title=f"Nyckeltal {kpi_id}", unit="antal"))
        session.flush()
        for row in rows:
            kpi_id, area_id, year, gender, value = row[:5]
            status = row[5] if len(row) > 5 else ("" if value is not None else "Missing")
            session.add(
                Observation(
                    kpi_id=kpi_id,
                    area_id=area_id,
                    year=year,
                    gender=gender,
                    value=value,
                    status=status,
                    count=None if value is None else 1,
                )
            )


@pytest.fixture
def small(engine):
    """Two KPIs, three areas, three years, with a gap and a key without a value."""
    add_rows(
        engine,
        [
            (EMISSIONS, FALUN, 2020, "T", 5.0),
            (EMISSIONS, FALUN, 2021, "T", 4.5),
            (EMISSIONS, FALUN, 2022, "T", None, "Missing"),
            (EMISSIONS, FALUN, 2021, "K", 4.0),
            (EMISSIONS, FALUN, 2021, "M", 5.0),
            (EMISSIONS, MORA, 2022, "T", 7.0),
            (EMISSIONS, MORA, 2020, "T", 8.0),
            (EMISSIONS, RIKET, 2021, "T", 4.0),
            (OTHER, FALUN, 2021, "T", 1.0),
            (OTHER, BORLANGE, 2019, "T", None, "Missing"),
        ],
    )
    return engine


# --- observations -------------------------------------------------------------------------------


def test_observations_default_to_total_series_sorted_with_missing_values_kept(small):
    frame = queries.observations(small)
    assert list(frame.columns) == queries.OBSERVATION_COLUMNS
    keys = list(zip(frame["kpi_id"], frame["area_id"], frame["year"], frame["gender"], strict=True))
    assert keys == [
        (EMISSIONS, RIKET, 2021, "T"),
        (EMISSIONS, MORA, 2020, "T"),
        (EMISSIONS, MORA, 2022, "T"),
        (EMISSIONS, FALUN, 2020, "T"),
        (EMISSIONS, FALUN, 2021, "T"),
        (EMISSIONS, FALUN, 2022, "T"),
        (OTHER, FALUN, 2021, "T"),
        (OTHER, BORLANGE, 2019, "T"),
    ]
    missing = frame[(frame["area_id"] == FALUN) & (frame["year"] == 2022)].iloc[0]
    assert math.isnan(missing["value"]) and missing["status"] == "Missing"
    assert frame["year"].dtype == "int64" and frame["value"].dtype == "float64"


def test_observations_filters(small):
    genders = queries.observations(small, kpi_ids=[EMISSIONS], area_ids=[FALUN], genders=None)
    # Sorted by gender, then year.
    assert list(zip(genders["gender"], genders["year"], strict=True)) == [
        ("K", 2021),
        ("M", 2021),
        ("T", 2020),
        ("T", 2021),
        ("T", 2022),
    ]
    women = queries.observations(small, genders=("K",))
    assert list(women["value"]) == [4.0]
    years = queries.observations(small, kpi_ids=[EMISSIONS], first_year=2021, last_year=2021)
    assert list(years["area_id"]) == [RIKET, FALUN]
    values_only = queries.observations(small, with_values_only=True)
    assert values_only["value"].notna().all()
    assert len(values_only) == len(queries.observations(small)) - 2
    assert queries.observations(small, area_ids=[]).empty
    nothing = queries.observations(small, kpi_ids=["N99999"])
    assert nothing.empty and list(nothing.columns) == queries.OBSERVATION_COLUMNS


def test_latest_values_skip_keys_without_a_value(small):
    latest = queries.latest_values(small)
    assert list(latest.columns) == queries.LATEST_COLUMNS
    rows = {(k, a): (y, v) for k, a, y, v in latest.itertuples(index=False)}
    # Falun's 2022 row has no value: its newest value is 2021's.
    assert rows == {
        (EMISSIONS, FALUN): (2021, 4.5),
        (EMISSIONS, MORA): (2022, 7.0),
        (EMISSIONS, RIKET): (2021, 4.0),
        (OTHER, FALUN): (2021, 1.0),
    }
    women = queries.latest_values(small, gender="K")
    assert list(women.itertuples(index=False)) == [(EMISSIONS, FALUN, 2021, 4.0)]


def test_latest_matrix_is_wide_and_follows_the_requested_order(small):
    latest = queries.latest_values(small)
    matrix = queries.latest_matrix(latest)
    assert matrix.index.name == "area_id" and matrix.columns.name == "kpi_id"
    assert list(matrix.index) == sorted([FALUN, MORA, RIKET])
    assert list(matrix.columns) == [EMISSIONS, OTHER]
    assert matrix.loc[MORA, EMISSIONS] == 7.0
    assert math.isnan(matrix.loc[MORA, OTHER])

    ordered = queries.latest_matrix(
        latest, area_ids=[MORA, FALUN, LEKSAND], kpi_ids=[OTHER, EMISSIONS, TRANSIT]
    )
    assert list(ordered.index) == [MORA, FALUN, LEKSAND]
    assert list(ordered.columns) == [OTHER, EMISSIONS, TRANSIT]
    assert ordered.loc[FALUN, OTHER] == 1.0
    assert ordered.loc[LEKSAND].isna().all() and ordered[TRANSIT].isna().all()

    years = queries.latest_matrix(latest, column="year")
    assert years.loc[FALUN, EMISSIONS] == 2021


def test_latest_matrix_rejects_other_tables():
    with pytest.raises(ValueError, match="lacks the column"):
        queries.latest_matrix(pd.DataFrame({"kpi_id": ["N00401"], "value": [1.0]}))
    twice = pd.DataFrame(
        {"kpi_id": ["N00401"] * 2, "area_id": ["2080"] * 2, "year": [1, 2], "value": [1.0, 2.0]}
    )
    with pytest.raises(ValueError, match="one row per"):
        queries.latest_matrix(twice)


def test_coverage_counts_only_rows_with_a_value(small):
    coverage = queries.coverage(small)
    assert list(coverage.itertuples(index=False)) == [
        # 8 rows of N00401 (all genders), one without a value: 7 rows, 3 areas, 2020–2022.
        (EMISSIONS, 7, 3, 2020, 2022),
        # Borlänge's only row has no value.
        (OTHER, 1, 1, 2021, 2021),
    ]


def test_areas_titles_and_kpis(small):
    frame = queries.areas(small)
    assert list(frame["id"]) == sorted(AREAS)
    assert queries.area_titles(small)[MORA] == "Mora"
    kpis = queries.kpis(small, [OTHER])
    assert list(kpis["id"]) == [OTHER] and kpis.iloc[0]["title"] == f"Nyckeltal {OTHER}"


# --- data status and version --------------------------------------------------------------------


def test_data_status_of_an_empty_database(engine):
    status = queries.data_status(engine)
    assert status == queries.DataStatus(origin=None, last_success=None, last_success_kind=None)
    assert not status.is_demo


def test_data_status_demo_then_kolada(engine):
    demo_end = dt.datetime(2024, 5, 1, 12, 0)
    with Session(engine) as session, session.begin():
        session.add(EtlRun(kind="demo", outcome="success", finished_at=demo_end))
        set_meta(session, DATA_ORIGIN_KEY, DATA_ORIGIN_DEMO)
    status = queries.data_status(engine)
    assert status.is_demo and status.last_success == demo_end
    assert status.last_success_kind == "demo"

    refresh_end = dt.datetime(2024, 6, 2, 8, 30)
    with Session(engine) as session, session.begin():
        session.add(EtlRun(kind="refresh", outcome="success", finished_at=refresh_end))
        session.add(EtlRun(kind="refresh", outcome="failed", finished_at=refresh_end))
        set_meta(session, DATA_ORIGIN_KEY, DATA_ORIGIN_KOLADA)
    status = queries.data_status(engine)
    assert status.origin == "kolada" and not status.is_demo
    # The failed run after it does not count as the last success.
    assert (status.last_success, status.last_success_kind) == (refresh_end, "refresh")


def _user_goal(target: float) -> GoalRecord:
    return GoalRecord(
        id="falun-utslapp",
        kpi_id=EMISSIONS,
        level="lokal",
        kind="absolute",
        operator="<=",
        target_value=target,
        target_year=2030,
        areas=(FALUN,),
        wording_sv="Utsläppen ska minska.",
        source_document="Falu kommuns klimatplan",
    )


def test_data_version_changes_with_runs_and_goals(engine, tmp_path: Path):
    first = queries.data_version(engine)
    assert queries.data_version(engine) == first  # nothing changed, same token

    with Session(engine) as session, session.begin():
        run = EtlRun(kind="refresh")
        session.add(run)
        session.flush()
        run_id = run.id
    started = queries.data_version(engine)
    assert started != first
    with Session(engine) as session, session.begin():
        stored = session.get(EtlRun, run_id)
        stored.outcome, stored.finished_at = "success", dt.datetime(2024, 1, 1)
    finished = queries.data_version(engine)
    assert finished != started

    add_goal(engine, _user_goal(3.0))
    added = queries.data_version(engine)
    assert added != finished
    update_goal(engine, _user_goal(2.5))
    updated = queries.data_version(engine)
    assert updated != added
    remove_goal(engine, "falun-utslapp")
    assert queries.data_version(engine) != updated

    # A catalogue file loaded again with the same number of goals but another target.
    def write_catalogue(target: str) -> Path:
        path = tmp_path / f"goals-{target}.csv"
        row = {name: "" for name in GOAL_COLUMNS}
        row.update(
            id="sverige-utslapp",
            kpi_id=EMISSIONS,
            level="nationell",
            kind="absolute",
            operator="<=",
            target_value=target,
            target_year="2045",
            wording_sv="Nettonollutsläpp",
            source_document="Klimatlagen",
        )
        path.write_text(
            ",".join(GOAL_COLUMNS) + "\n" + ",".join(row[name] for name in GOAL_COLUMNS) + "\n",
            encoding="utf-8",
        )
        return path

    sync_catalogue_goals(engine, write_catalogue("1"))
    once = queries.data_version(engine)
    sync_catalogue_goals(engine, write_catalogue("1"))
    assert queries.data_version(engine) == once  # the same catalogue again: unchanged
    sync_catalogue_goals(engine, write_catalogue("0.5"))
    assert queries.data_version(engine) != once


def test_data_version_sees_a_run_or_goal_change_committed_out_of_id_order(engine):
    """On PostgreSQL a transaction that took a lower id may commit after one with a higher id
    (two servers, or the ETL and a goal edit): the version must change all the same."""
    with Session(engine) as session, session.begin():
        session.add(EtlRun(id=10, kind="refresh", outcome="success"))
        session.add(GoalChange(id=10, goal_id="a", action="add"))
    before = queries.data_version(engine)
    with Session(engine) as session, session.begin():
        session.add(EtlRun(id=5, kind="load", outcome="success"))
    after_run = queries.data_version(engine)
    assert after_run != before
    with Session(engine) as session, session.begin():
        session.add(GoalChange(id=5, goal_id="b", action="add"))
    assert queries.data_version(engine) != after_run


def test_data_version_changes_with_assessments_and_slideshows(engine):
    """Every add, change and removal of an assessment or a slideshow is logged in
    ``record_changes``: each changes the version, also one committed out of id order."""
    before = queries.data_version(engine)
    shown = save_slideshow(engine, "Workshop", ["/", "/jamfor"], updated_by="anna")
    added = queries.data_version(engine)
    assert added != before
    assert queries.data_version(engine) == added  # nothing changed since
    save_slideshow(engine, "Workshop", ["/"], slideshow_id=shown.id, expected_version=shown.version)
    changed = queries.data_version(engine)
    assert changed != added
    with Session(engine) as session, session.begin():
        session.add(RecordChange(id=100, record_type="assessment", record_id="7", action="add"))
    newest = queries.data_version(engine)
    assert newest != changed
    with Session(engine) as session, session.begin():
        session.add(RecordChange(id=50, record_type="assessment", record_id="8", action="add"))
    assert queries.data_version(engine) != newest


# --- values for a year ----------------------------------------------------------------


@pytest.fixture
def ranked(engine):
    """N00401 (lower is better) in 2022 for five municipalities, two regions and Riket; one
    municipality without a value in 2022 and one only in 2021; N60404 (regions only)."""
    add_rows(
        engine,
        [
            (EMISSIONS, FALUN, 2022, "T", 4.0),
            (EMISSIONS, BORLANGE, 2022, "T", 6.0),
            (EMISSIONS, MORA, 2022, "T", 4.0),
            (EMISSIONS, STOCKHOLM, 2022, "T", 2.0),
            (EMISSIONS, LEKSAND, 2022, "T", None, "Missing"),
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
        ],
    )
    return engine


def test_values_for_year_and_newest_year_by_area_type(ranked):
    frame = queries.values_for_year(ranked, EMISSIONS, 2022)
    assert list(frame["area_id"]) == sorted(
        [FALUN, BORLANGE, MORA, STOCKHOLM, REGION_DALARNA, REGION_STOCKHOLM, RIKET]
    )
    municipalities = queries.values_for_year(ranked, EMISSIONS, 2022, area_type="K")
    assert sorted(municipalities["area_id"]) == sorted([FALUN, BORLANGE, MORA, STOCKHOLM])
    regions = queries.values_for_year(ranked, EMISSIONS, 2022, area_type="L")
    assert sorted(regions["area_id"]) == sorted([REGION_DALARNA, REGION_STOCKHOLM])
    assert queries.newest_year(ranked, EMISSIONS) == 2022
    assert queries.newest_year(ranked, EMISSIONS, area_ids=[LEKSAND]) == 2021
    assert queries.newest_year(ranked, TRANSIT, area_type="K") is None
    with pytest.raises(ValueError, match="area_type"):
        queries.values_for_year(ranked, EMISSIONS, 2022, area_type="X")


def test_series_points_equal_the_grouped_observation_table(tmp_path):
    from data.db import open_database
    from etl.demo import build_demo_data
    from indicators.follow_up import series_by_key

    engine = open_database(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    build_demo_data(engine)
    for genders in (("T",), ("T", "K", "M")):
        table = queries.observations(engine, area_ids=["2062", "0020"], genders=genders)
        points = queries.series_points(engine, area_ids=["2062", "0020"], genders=genders)
        assert points == series_by_key(table)
        assert points  # the demo data has values for these areas
