"""Refreshing from a real local Kolada server into SQLite: values, changes, failures, budget."""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from data.areas import DALARNA_MUNICIPALITIES, DEFAULT_AREAS
from data.db import DATA_ORIGIN_DEMO, DATA_ORIGIN_KEY, get_meta, set_meta
from data.models import Area, AreaGroup, EtlRun, GroupMean, Kpi, Observation
from etl.config import KoladaSettings
from etl.kolada import KoladaClient, KoladaError
from etl.refresh import default_kpi_ids, refresh
from etl.store import LAST_REFRESH_KEY, Scope
from etl.transform import KoladaFormatError
from indicators.per_inhabitant import POPULATION_KPI, population_by_area_year
from tests.support.kolada_server import (
    KoladaServer,
    generate_dataset,
    generate_groups,
    kpi_item,
    value,
)

EMISSIONS = "N00401"
EMISSIONS_TITLE = "Utsläpp till luft av växthusgaser totalt, ton CO2-ekv/inv"
SATISFIED = "U00410"
SATISFIED_TITLE = "Invånare i Älvdalen och Malung-Sälen som är nöjda med sin kommun, andel (%)"
TURNOUT = "N05401"
TURNOUT_TITLE = "Valdeltagande i senaste kommunalvalet, andel (%)"
POPULATION_TITLE = "Invånare totalt, antal"


@pytest.fixture
def server() -> Iterator[KoladaServer]:
    with KoladaServer(
        kpis=[
            kpi_item(EMISSIONS, EMISSIONS_TITLE),
            kpi_item(SATISFIED, SATISFIED_TITLE, divided=True),
            kpi_item(TURNOUT, TURNOUT_TITLE),
            kpi_item(POPULATION_KPI, POPULATION_TITLE, divided=True),
        ]
    ) as running:
        yield running


@pytest.fixture
def client(server: KoladaServer) -> Iterator[KoladaClient]:
    settings = KoladaSettings(
        base_url=server.base_url, retries=2, backoff_factor=0.01, requests_per_second=1000
    )
    with KoladaClient(settings) as running:
        yield running


def dump(engine) -> dict[str, list[tuple]]:
    """Every row of the tables a run may change."""
    with engine.connect() as connection:
        return {
            table: sorted(
                (tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))),
                key=repr,
            )
            for table in ("observations", "kpis", "areas", "meta")
        }


def observations(engine) -> list[tuple]:
    with Session(engine) as session:
        rows = session.execute(
            select(
                Observation.kpi_id,
                Observation.area_id,
                Observation.year,
                Observation.gender,
                Observation.value,
                Observation.status,
                Observation.count,
            ).order_by(
                Observation.kpi_id, Observation.area_id, Observation.year, Observation.gender
            )
        )
        return [tuple(row) for row in rows]


def last_run(engine) -> EtlRun:
    with Session(engine) as session:
        run = session.scalars(select(EtlRun).order_by(EtlRun.id.desc()).limit(1)).one()
        session.expunge(run)
        return run


def publish_emissions(server: KoladaServer) -> None:
    server.put(EMISSIONS, "2080", 2019, [value("T", 5.25)])
    server.put(EMISSIONS, "2080", 2020, [value("T", 4.5)])
    server.put(EMISSIONS, "0020", 2020, [value("T", 6.0)])


# --- what is stored ------------------------------------------------------------------------


def test_values_genders_nulls_and_swedish_titles_are_stored(engine, server, client):
    server.put(SATISFIED, "2039", 2022, [value("T", 61.5), value("K", 64.0), value("M", 59.25)])
    server.put(SATISFIED, "2023", 2022, [value("T", None, status="Missing", count=0)])

    summary = refresh(engine, client, kpi_ids=[SATISFIED])

    assert observations(engine) == [
        (SATISFIED, "2023", 2022, "T", None, "Missing", 0),
        (SATISFIED, "2039", 2022, "K", 64.0, "", 1),
        (SATISFIED, "2039", 2022, "M", 59.25, "", 1),
        (SATISFIED, "2039", 2022, "T", 61.5, "", 1),
    ]
    with Session(engine) as session:
        kpi = session.get(Kpi, SATISFIED)
        assert (kpi.title, kpi.unit, kpi.is_divided_by_gender) == (
            SATISFIED_TITLE,
            "andel (%)",
            True,
        )
        assert session.get(Area, "2039").title == "Älvdalen"
        assert session.get(Area, "2023").title == "Malung-Sälen"
        assert session.scalar(select(func.count()).select_from(Area)) == 17
        assert get_meta(session, DATA_ORIGIN_KEY) == "kolada"
        refreshed = dt.datetime.fromisoformat(get_meta(session, LAST_REFRESH_KEY))
    assert refreshed.tzinfo is not None
    assert (summary.inserted, summary.updated, summary.deleted) == (4, 0, 0)
    # /kpi, /municipality, /municipality_groups, /data
    assert summary.http_requests == server.request_count == 4

    run = last_run(engine)
    assert (run.kind, run.outcome, run.full, run.from_date, run.error) == (
        "refresh",
        "success",
        True,
        None,
        None,
    )
    assert (run.rows_inserted, run.rows_updated, run.rows_deleted) == (4, 0, 0)
    assert run.http_requests == 4
    assert run.scope["kpis"] == [SATISFIED]
    assert run.scope["areas"] == sorted(DEFAULT_AREAS)
    assert run.finished_at >= run.started_at


def test_all_pages_are_read(engine, server, client):
    server.page_size = 4
    for year in range(2011, 2021):
        server.put(EMISSIONS, "2080", year, [value("T", year / 1000)])

    summary = refresh(engine, client, kpi_ids=[EMISSIONS])

    assert [(row[2], row[4]) for row in observations(engine)] == [
        (year, year / 1000) for year in range(2011, 2021)
    ]
    assert [r.query.get("page") for r in server.data_requests()] == [None, "2", "3"]
    assert summary.inserted == 10


def test_same_refresh_twice_changes_nothing(engine, server, client):
    publish_emissions(server)
    server.put(SATISFIED, "2080", 2020, [value("T", None, status="Missing"), value("K", 1.0)])
    first = refresh(engine, client, kpi_ids=[EMISSIONS, SATISFIED])
    stored = dump(engine)

    again = refresh(engine, client, kpi_ids=[EMISSIONS, SATISFIED])
    full_again = refresh(engine, client, kpi_ids=[EMISSIONS, SATISFIED], full=True)

    assert first.inserted == 5
    for summary in (again, full_again):
        assert (summary.inserted, summary.updated, summary.deleted) == (0, 0, 0)
    after = dump(engine)
    assert after["observations"] == stored["observations"]
    assert after["kpis"] == stored["kpis"]
    assert after["areas"] == stored["areas"]


# --- incremental and full ------------------------------------------------------------------


def test_incremental_refresh_sends_from_date_and_merges(engine, server, client):
    publish_emissions(server)
    refresh(engine, client, kpi_ids=[EMISSIONS])
    first_start = last_run(engine).started_at.date()
    server.put(EMISSIONS, "2080", 2020, [value("T", 4.25)], changed=first_start)  # revised
    server.put(EMISSIONS, "2080", 2021, [value("T", 4.0)], changed=first_start)  # new
    server.requests.clear()

    summary = refresh(engine, client, kpi_ids=[EMISSIONS])

    assert [r.query.get("from_date") for r in server.data_requests()] == [first_start.isoformat()]
    assert (summary.inserted, summary.updated, summary.deleted) == (1, 1, 0)
    assert summary.from_date == first_start
    assert observations(engine) == [
        (EMISSIONS, "0020", 2020, "T", 6.0, "", 1),
        (EMISSIONS, "2080", 2019, "T", 5.25, "", 1),  # not sent again, kept
        (EMISSIONS, "2080", 2020, "T", 4.25, "", 1),
        (EMISSIONS, "2080", 2021, "T", 4.0, "", 1),
    ]
    run = last_run(engine)
    assert (run.full, run.from_date) == (False, first_start)


def test_withdrawn_value_deletes_the_stored_one(engine, server, client):
    server.put(SATISFIED, "2080", 2020, [value("T", 50.0), value("K", 52.0), value("M", 48.0)])
    refresh(engine, client, kpi_ids=[SATISFIED])
    changed = last_run(engine).started_at.date()
    server.put(
        SATISFIED,
        "2080",
        2020,
        [value("T", 50.0), value("K", 52.0, deleted=True), value("M", 48.0)],
        changed=changed,
    )
    server.put(SATISFIED, "2081", 2020, [value("T", 1.0, deleted=True)], changed=changed)

    summary = refresh(engine, client, kpi_ids=[SATISFIED])

    assert (summary.inserted, summary.updated, summary.deleted) == (0, 0, 1)
    assert observations(engine) == [
        (SATISFIED, "2080", 2020, "M", 48.0, "", 1),
        (SATISFIED, "2080", 2020, "T", 50.0, "", 1),
    ]


def test_full_refresh_deletes_what_kolada_no_longer_has(engine, server, client):
    publish_emissions(server)
    server.put(TURNOUT, "2080", 2022, [value("T", 84.5)])
    refresh(engine, client, kpi_ids=[TURNOUT])  # outside the scope below
    refresh(engine, client, kpi_ids=[EMISSIONS])
    server.remove(EMISSIONS, "2080", 2019)
    server.remove(TURNOUT, "2080", 2022)

    incremental = refresh(engine, client, kpi_ids=[EMISSIONS])
    assert incremental.deleted == 0
    assert len(observations(engine)) == 4

    full = refresh(engine, client, kpi_ids=[EMISSIONS], full=True)

    assert (full.inserted, full.updated, full.deleted) == (0, 0, 1)
    assert observations(engine) == [
        (EMISSIONS, "0020", 2020, "T", 6.0, "", 1),
        (EMISSIONS, "2080", 2020, "T", 4.5, "", 1),
        (TURNOUT, "2080", 2022, "T", 84.5, "", 1),
    ]
    assert last_run(engine).full is True


def test_only_a_covering_scope_makes_a_refresh_incremental(engine, server, client):
    publish_emissions(server)
    server.put(TURNOUT, "2080", 2022, [value("T", 84.5)])
    refresh(engine, client, kpi_ids=[EMISSIONS])
    wider = refresh(engine, client, kpi_ids=[EMISSIONS, TURNOUT])
    narrower = refresh(engine, client, kpi_ids=[TURNOUT])

    assert (wider.from_date, wider.full) == (None, True)
    assert narrower.from_date == last_run(engine).started_at.date()
    assert narrower.full is False


def test_refresh_of_some_years(engine, server, client):
    publish_emissions(server)
    server.put(EMISSIONS, "2080", 2021, [value("T", 4.0)])
    refresh(engine, client, kpi_ids=[EMISSIONS])
    server.remove(EMISSIONS, "2080", 2020)
    server.remove(EMISSIONS, "2080", 2019)
    server.requests.clear()

    summary = refresh(engine, client, kpi_ids=[EMISSIONS], years=[2021, 2020], full=True)

    assert [r.path.rsplit("/", 2)[1:] for r in server.data_requests()] == [["year", "2021,2020"]]
    assert summary.deleted == 1  # 2020 is gone; 2019 lies outside the years asked for
    assert [row[2] for row in observations(engine)] == [2020, 2019, 2021]


# --- scope -------------------------------------------------------------------------------


def test_kpi_group_members_join_the_named_kpis(engine, server, client):
    server.groups = [
        {
            "id": "G2KPI130255",
            "title": "Agenda 2030 - Kommun",
            "members": [
                {"member_id": EMISSIONS, "member_title": EMISSIONS_TITLE},
                {"member_id": TURNOUT, "member_title": TURNOUT_TITLE},
            ],
        }
    ]
    publish_emissions(server)

    refresh(engine, client, kpi_ids=[SATISFIED], group="G2KPI130255")

    paths = [r.path for r in server.requests]
    assert paths[0] == "/v3/kpi_groups/G2KPI130255"
    assert paths[1] == f"/v3/kpi/{SATISFIED},{EMISSIONS},{TURNOUT}"
    assert last_run(engine).scope["group"] == "G2KPI130255"
    assert sorted(last_run(engine).scope["kpis"]) == sorted([SATISFIED, EMISSIONS, TURNOUT])


def test_all_municipalities_come_from_kolada_first(engine, server, client):
    extra = [{"id": f"{1100 + i}", "title": f"Kommun {i}", "type": "K"} for i in range(20)]
    server.municipalities = server.municipalities + extra
    server.put(EMISSIONS, "1105", 2020, [value("T", 3.0)])
    publish_emissions(server)

    refresh(engine, client, kpi_ids=[EMISSIONS], all_municipalities=True)

    paths = [r.path for r in server.requests]
    assert paths[0] == "/v3/municipality"
    assert not any(path.startswith("/v3/municipality/") for path in paths)
    assert len(server.data_requests()) == 2  # 37 areas in segments of 25 and 12
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Area)) == 37
        assert session.get(Area, "1105").county == "11"
    assert len(observations(engine)) == 4


def test_default_scope_is_the_catalogue(engine, server, client, monkeypatch):
    entries = [types.SimpleNamespace(kpi_id=kpi) for kpi in (TURNOUT, EMISSIONS, TURNOUT)]
    monkeypatch.setattr("etl.refresh.load_catalogue", lambda: tuple(entries))
    publish_emissions(server)

    refresh(engine, client)

    # the catalogue's KPIs, then the population that values per inhabitant need
    assert server.data_requests()[0].path == (
        f"/v3/data/kpi/{TURNOUT},{EMISSIONS},{POPULATION_KPI}"
        f"/municipality/{','.join(DEFAULT_AREAS)}"
    )
    assert last_run(engine).scope["kpis"] == sorted([TURNOUT, EMISSIONS, POPULATION_KPI])


def test_the_default_scope_stores_the_population_beside_the_catalogue(
    engine, server, client, monkeypatch
):
    entries = [types.SimpleNamespace(kpi_id=kpi) for kpi in (EMISSIONS,)]
    monkeypatch.setattr("etl.refresh.load_catalogue", lambda: tuple(entries))
    publish_emissions(server)
    for area, people in (("2080", 59_686), ("0020", 288_387), ("0000", 10_551_707)):
        server.put(
            POPULATION_KPI,
            area,
            2023,
            [value("T", people), value("K", people // 2), value("M", people - people // 2)],
        )
    server.put(POPULATION_KPI, "2081", 2023, [value("T", None, status="Missing", count=0)])

    summary = refresh(engine, client)

    assert summary.kpis == 2
    with Session(engine) as session:
        assert session.get(Kpi, POPULATION_KPI).title == POPULATION_TITLE
    stored = [row for row in observations(engine) if row[0] == POPULATION_KPI]
    assert len(stored) == 3 * 3 + 1
    table = pd.DataFrame(
        [row[:5] for row in stored], columns=["kpi_id", "area_id", "year", "gender", "value"]
    )
    assert population_by_area_year(table) == {
        ("2080", 2023): 59_686.0,
        ("0020", 2023): 288_387.0,
        ("0000", 2023): 10_551_707.0,
    }
    # a second refresh asks only for what changed since: the scope with the population
    # covers itself
    server.requests.clear()
    refresh(engine, client)
    assert all(r.query.get("from_date") for r in server.data_requests())


# --- demo data ---------------------------------------------------------------------------


def test_first_refresh_replaces_the_demo_data(engine, server, client):
    with Session(engine) as session, session.begin():
        set_meta(session, DATA_ORIGIN_KEY, DATA_ORIGIN_DEMO)
        session.add_all(
            [
                Kpi(id=EMISSIONS, title="Demo: utsläpp"),
                Kpi(id="N99999", title="Bara i demodata"),
                Area(id="2080", title="Demo-Falun", type="K", county="20"),
                Area(id="2999", title="Demokommun", type="K", county="29"),
            ]
        )
        session.flush()
        session.add_all(
            [
                Observation(kpi_id=EMISSIONS, area_id="2080", year=2020, gender="T", value=9.0),
                Observation(kpi_id=EMISSIONS, area_id="2080", year=2018, gender="T", value=8.0),
                Observation(kpi_id="N99999", area_id="2999", year=2020, gender="T", value=1.0),
            ]
        )
        # Even a covering successful run must not make the first real refresh incremental.
        session.add(
            EtlRun(
                kind="refresh",
                outcome="success",
                scope=Scope((EMISSIONS,), tuple(DEFAULT_AREAS)).as_json(),
            )
        )
    publish_emissions(server)

    summary = refresh(engine, client, kpi_ids=[EMISSIONS])

    assert [r.query.get("from_date") for r in server.data_requests()] == [None]
    assert observations(engine) == [
        (EMISSIONS, "0020", 2020, "T", 6.0, "", 1),
        (EMISSIONS, "2080", 2019, "T", 5.25, "", 1),
        (EMISSIONS, "2080", 2020, "T", 4.5, "", 1),
    ]
    assert (summary.inserted, summary.updated, summary.deleted) == (3, 0, 0)
    stored = dump(engine)
    assert [row[:2] for row in stored["kpis"]] == [(EMISSIONS, EMISSIONS_TITLE)]
    assert sorted(row[0] for row in stored["areas"]) == sorted(DEFAULT_AREAS)
    assert ("2080", "Falun", "K", "20") in stored["areas"]
    assert ("data_origin", "kolada") in stored["meta"]


# --- failures leave everything as it was -------------------------------------------------

FAILURES = {
    "persistent 500 on a later page": (
        KoladaError,
        "page=2: HTTP 500 Internal Server Error",
        lambda server: server.respond(
            when=lambda r: r.is_data and r.query.get("page") == "2", status=500, times=None
        ),
    ),
    "malformed JSON": (
        KoladaFormatError,
        "page=2: body: expected JSON",
        lambda server: server.respond(
            when=lambda r: r.is_data and r.query.get("page") == "2", body='{"count": 3, "values": ['
        ),
    ),
    "item missing period": (
        KoladaFormatError,
        # the sixth item served, three to a page
        "page=2: values[2].period: expected a year as an integer, got nothing",
        lambda server: server.put_raw(
            {"kpi": EMISSIONS, "municipality": "2081", "values": [value("T", 1.0)]}
        ),
    ),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_failed_refresh_leaves_the_database_as_it_was(engine, server, client, failure):
    error_type, message, inject = FAILURES[failure]
    server.page_size = 3
    for year in range(2015, 2020):
        server.put(EMISSIONS, "2080", year, [value("T", year - 2000.0)])
    refresh(engine, client, kpi_ids=[EMISSIONS])
    # Changes a successful run would store: revised, new and vanished values.
    server.put(EMISSIONS, "2080", 2015, [value("T", 99.0)])
    server.put(EMISSIONS, "2080", 2020, [value("T", 20.0)])
    server.remove(EMISSIONS, "2080", 2016)
    server.kpis = [kpi_item(EMISSIONS, "Nytt namn, ton")]
    inject(server)
    before = dump(engine)
    server.requests.clear()

    with pytest.raises(error_type) as caught:
        refresh(engine, client, kpi_ids=[EMISSIONS], full=True)

    assert message in str(caught.value)
    assert dump(engine) == before
    run = last_run(engine)
    assert (run.kind, run.outcome) == ("refresh", "failed")
    assert run.error == f"{error_type.__name__}: {caught.value}"
    assert run.http_requests == server.request_count
    assert run.scope["kpis"] == [EMISSIONS]
    assert run.finished_at is not None


def test_unreachable_kolada_is_a_failed_run(engine, server, client):
    publish_emissions(server)
    refresh(engine, client, kpi_ids=[EMISSIONS])
    before = dump(engine)
    server.stop()

    with pytest.raises(KoladaError, match="ConnectionError"):
        refresh(engine, client, kpi_ids=[EMISSIONS])

    assert dump(engine) == before
    run = last_run(engine)
    assert run.outcome == "failed"
    assert run.http_requests == 3  # the first request and its two retries
    assert "ConnectionError" in run.error


# --- the request budget ------------------------------------------------------------------


#: The years the default scope's KPIs actually have values for: the Agenda 2030 key figures
#: in Kolada's 2026 catalogue mostly start in 2010 or later and end in 2024 (the newest
#: published year), so the values of a full refresh span at most these 15 years.
DEFAULT_SCOPE_YEARS = range(2010, 2025)


def default_scope_dataset(server: KoladaServer) -> tuple[list[str], list[str]]:
    """The default scope's size on the server: as many KPIs as :func:`default_kpi_ids` (every
    fifth by gender), the 17 default areas and Dalarna's groups (:func:`generate_groups`),
    every value present for every year of :data:`DEFAULT_SCOPE_YEARS` — for the similar
    municipalities too, so that every group has a mean. Returns the KPI ids and the peers."""
    server.municipality_groups = generate_groups(DALARNA_MUNICIPALITIES)
    similar = [g for g in server.municipality_groups if g["title"].endswith(", 2025")]
    peers = list(
        dict.fromkeys(
            member["member_id"]
            for group in similar
            for member in group["members"]
            if member["member_id"] not in DEFAULT_AREAS
        )
    )
    kpi_ids = generate_dataset(
        server,
        kpi_count=len(default_kpi_ids()),
        years=DEFAULT_SCOPE_YEARS,
        divided_every=5,
        area_ids=[*DEFAULT_AREAS, *peers],
    )
    return kpi_ids, peers


def requests_by_kind(server: KoladaServer) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for request in server.requests:
        kind = request.path.split("/")[2] + ("/…" if request.path.count("/") > 2 else "")
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def test_default_scope_size_refresh_stays_within_25_requests(engine, server, client):
    # 90 KPIs × 30 years (the former model of this scope) no longer fits: with the 15 groups
    # the 32 area ids need two segments, and the 90 × 32 × 30 items 22 data pages, so 28
    # requests with the four /kpi, /municipality and /municipality_groups.
    kpi_ids, peers = default_scope_dataset(server)
    assert len(kpi_ids) == len(default_kpi_ids()) == 106

    summary = refresh(engine, client, kpi_ids=kpi_ids)

    assert server.request_count <= 25
    assert summary.http_requests == server.request_count == last_run(engine).http_requests
    assert all(r.status == 200 for r in server.requests)
    assert requests_by_kind(server) == {
        "kpi/…": 5,  # ceil(106 / 25)
        "municipality/…": 1,
        "municipality_groups": 1,
        # 5 KPI segments × 2 area segments (17 areas + 8 groups, 7 groups): 25 KPIs × 25
        # areas × 15 years = 9,375 items take 2 pages of 5,000, the rest 1 each
        "data/…": 4 * (2 + 1) + 1 + 1,
    }
    assert server.request_count == 21
    divided = len(range(0, 106, 5))  # KPIs with values for women and men as well
    per_area = (106 + divided * 2) * len(DEFAULT_SCOPE_YEARS)
    assert summary.inserted == per_area * 17
    assert (summary.groups, summary.group_means) == (15 + 9 + 1, per_area * 15)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Observation)) == per_area * 17
        assert session.scalar(select(func.count()).select_from(GroupMean)) == per_area * 15
        assert session.scalar(select(func.count()).select_from(AreaGroup)) == 25
        falun = list(DEFAULT_AREAS).index("2080")
        stored = session.get(
            Observation, {"kpi_id": "N90005", "area_id": "2080", "year": 2010, "gender": "M"}
        )
        assert stored.value == pytest.approx(5 * 10 + falun + (2010 - 1990) / 100 + 2 / 1000)
        mean = session.get(
            GroupMean, {"kpi_id": "N90005", "group_id": "G37010", "year": 2010, "gender": "M"}
        )
    group = next(g for g in server.municipality_groups if g["id"] == "G37010")
    indexes = [([*DEFAULT_AREAS, *peers]).index(member["member_id"]) for member in group["members"]]
    assert mean.count == 7
    assert mean.value == pytest.approx(
        sum(5 * 10 + index + (2010 - 1990) / 100 + 2 / 1000 for index in indexes) / 7
    )


def test_similar_municipalities_of_the_default_scope_size(engine, server, client):
    kpi_ids, peers = default_scope_dataset(server)
    assert len(peers) == 84  # as many as Dalarna's similar municipalities outside the county

    summary = refresh(engine, client, kpi_ids=kpi_ids, similar_municipalities=True)

    # 17 areas + 84 similar municipalities + 15 groups = 116 ids: 5 area segments (4 × 25,
    # 16); per KPI segment of 25: four paths of 9,375 items (2 pages each) and one of 6,000
    # (2 pages); the last KPI segment (6 KPIs) takes one page per path.
    assert requests_by_kind(server) == {
        "kpi/…": 5,
        "municipality/…": 1,
        "municipality_groups": 1,
        "data/…": 4 * (4 * 2 + 2) + 5,
    }
    assert summary.http_requests == server.request_count == 52
    divided = len(range(0, 106, 5))
    per_area = (106 + divided * 2) * len(DEFAULT_SCOPE_YEARS)
    assert summary.inserted == per_area * (17 + 84)
    assert summary.group_means == per_area * 15
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Area)) == 17 + 84
