"""Kolada's municipality groups in the ETL: which are kept, group means beside the values,
the members' own values on request, saved group pages, and failures that change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from data.areas import DALARNA_MUNICIPALITIES, DEFAULT_AREAS
from data.db import DATA_ORIGIN_DEMO, DATA_ORIGIN_KEY, set_meta
from data.groups import (
    GroupMeanRow,
    GroupRecord,
    all_groups,
    group_means,
    save_group_means,
    save_groups,
    similar_group,
)
from data.models import Area, EtlRun, Kpi, Observation
from etl.config import KoladaSettings
from etl.kolada import KoladaClient, KoladaError, fetch_municipality_groups, fetch_observations
from etl.refresh import load_files, refresh
from etl.transform import KoladaFormatError, parse_municipality_group, select_groups
from tests.support.kolada_server import (
    KoladaServer,
    generate_groups,
    kpi_item,
    municipality_group,
    value,
)

EMISSIONS = "N00401"
TURNOUT = "N05401"
FALUN, BORLANGE = "2080", "2081"
#: Falun's similar municipalities in :func:`generate_groups`: index 9 of the county.
FALUN_GROUP = "G37010"


@pytest.fixture
def server() -> Iterator[KoladaServer]:
    with KoladaServer(
        kpis=[
            kpi_item(EMISSIONS, "Utsläpp till luft av växthusgaser totalt, ton CO2-ekv/inv"),
            kpi_item(TURNOUT, "Valdeltagande i senaste kommunvalet, andel (%)", divided=True),
        ],
        municipality_groups=generate_groups(DALARNA_MUNICIPALITIES),
    ) as running:
        yield running


@pytest.fixture
def client(server: KoladaServer) -> Iterator[KoladaClient]:
    settings = KoladaSettings(
        base_url=server.base_url, retries=1, backoff_factor=0.01, requests_per_second=1000
    )
    with KoladaClient(settings) as running:
        yield running


def falun_members(server: KoladaServer) -> list[str]:
    (group,) = [g for g in server.municipality_groups if g["id"] == FALUN_GROUP]
    return [member["member_id"] for member in group["members"]]


def dump(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            table: sorted(
                (tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))),
                key=repr,
            )
            for table in (
                "observations",
                "kpis",
                "areas",
                "area_groups",
                "area_group_members",
                "group_means",
            )
        }


def means(engine, kpi_id: str, group_id: str = FALUN_GROUP) -> list[tuple]:
    frame = group_means(engine, [group_id], kpi_id)
    return [
        (row.gender, row.year, round(row.value, 6) if row.value is not None else None, row.count)
        for row in frame.itertuples()
    ]


# --- which groups are kept -----------------------------------------------------------------


def _parsed(items: list[dict]) -> list:
    return [parse_municipality_group(item, "test", f"values[{i}]") for i, item in enumerate(items)]


def test_the_newest_overall_similar_group_skr_and_the_county_are_kept():
    groups = _parsed(generate_groups(DALARNA_MUNICIPALITIES))

    kept = select_groups(groups, DALARNA_MUNICIPALITIES, {"20"})

    similar = [g for g in kept if g.kind == "liknande"]
    assert [g.made_for for g in similar] == list(DALARNA_MUNICIPALITIES)
    assert {g.year for g in similar} == {2025}  # not the older sets of 2024
    assert all(g.id.startswith("G37") for g in similar)  # not the school sets (G35…)
    falun = next(g for g in similar if g.made_for == FALUN)
    assert (falun.id, falun.title) == (FALUN_GROUP, "Liknande kommuner, övergripande, Falun, 2025")
    assert FALUN not in falun.member_ids and len(falun.members) == 7
    assert sorted(g.id for g in kept if g.kind == "kommungrupp") == [
        f"G{n}" for n in range(92786, 92795)
    ]
    assert [g.id for g in kept if g.kind == "län"] == ["G33627"]  # not Stockholm's


def test_a_group_under_an_skr_id_with_another_title_is_not_taken_for_skrs():
    groups = _parsed(
        [
            municipality_group("G92787", "Storstäder (ovägt medel)", [("0180", "Stockholm")]),
            municipality_group("G92788", "Något annat (ovägt medel)", [("2080", "Falun")]),
            municipality_group("G99999", "Storstäder (ovägt medel)", [("1480", "Göteborg")]),
        ]
    )
    assert [g.id for g in select_groups(groups, {}, set())] == ["G92787"]


def test_a_county_group_must_have_its_members_in_one_county_of_the_scope():
    groups = _parsed(
        [
            municipality_group(
                "G1", "Dalarnas läns kommuner (ovägt medel)", [("2080", "Falun"), ("2184", "X")]
            ),
            municipality_group("G2", "Dalarnas läns kommuner (ovägt medel)", [("2080", "Falun")]),
            municipality_group("G3", "Dalarnas läns kommuner (vägt medel)", [("2080", "Falun")]),
        ]
    )
    assert [g.id for g in select_groups(groups, {}, {"20"})] == ["G2"]
    assert select_groups(groups, {}, {"21"}) == []


def test_koladas_real_group_list(shared_dir: Path):
    body = json.loads((shared_dir / "kolada" / "municipality_groups.json").read_text("utf-8"))
    groups = _parsed(body["values"])
    assert len(groups) == 3630

    dalarna = select_groups(groups, DALARNA_MUNICIPALITIES, {"20"})

    assert [g.kind for g in dalarna] == ["liknande"] * 15 + ["kommungrupp"] * 9 + ["län"]
    falun = dalarna[list(DALARNA_MUNICIPALITIES).index(FALUN)]
    assert (falun.id, falun.year) == ("G37366", 2025)
    assert [m.title for m in falun.members] == [
        "Oskarshamn",
        "Ängelholm",
        "Trollhättan",
        "Lidköping",
        "Hudiksvall",
        "Örnsköldsvik",
        "Skellefteå",
    ]
    assert dalarna[-1].id == "G33627" and len(dalarna[-1].members) == 15

    areas = json.loads((shared_dir / "kolada" / "municipality.json").read_text("utf-8"))
    municipalities = {a["id"]: a["title"] for a in areas["values"] if a["type"] == "K"}
    everywhere = select_groups(groups, municipalities, {code[:2] for code in municipalities})
    kinds = [g.kind for g in everywhere]
    assert (kinds.count("liknande"), kinds.count("kommungrupp"), kinds.count("län")) == (
        290,
        9,
        21,
    )
    assert all(g.made_for not in g.member_ids for g in everywhere if g.kind == "liknande")


# --- the stand-in server computes group means ----------------------------------------------


def test_the_server_answers_a_group_with_its_members_unweighted_mean(server, client):
    first, second, third, *_rest = falun_members(server)
    server.put(EMISSIONS, first, 2022, [value("T", 4.0)])
    server.put(EMISSIONS, second, 2022, [value("T", 7.0)])
    server.put(EMISSIONS, third, 2022, [value("T", None, status="Missing", count=0)])
    server.put(EMISSIONS, FALUN, 2022, [value("T", 100.0)])  # not a member of its own group

    answered = list(fetch_observations(client, [EMISSIONS], [FALUN_GROUP]))

    assert [(v.area_id, v.year, v.gender, v.value, v.count) for v in answered] == [
        (FALUN_GROUP, 2022, "T", 5.5, 2)
    ]
    assert server.data_requests()[0].path == f"/v3/data/kpi/{EMISSIONS}/municipality/G37010"


def test_all_groups_in_one_request(server, client):
    groups = list(fetch_municipality_groups(client))

    assert len(groups) == len(server.municipality_groups)
    assert [(r.path, r.query) for r in server.requests] == [
        ("/v3/municipality_groups", {"per_page": "5000"})
    ]


def test_the_server_lists_named_groups(server, client):
    (page,) = client.pages("municipality_groups/G33627,G92787")

    assert [item["id"] for item in page.values] == ["G92787", "G33627"]
    assert len(page.values[1]["members"]) == 15


def test_group_pages_are_all_read(server, client):
    server.page_size = 10

    groups = list(fetch_municipality_groups(client))

    assert len(groups) == len(server.municipality_groups) == 56
    assert [r.query.get("page") for r in server.requests] == [None, "2", "3", "4", "5", "6"]


# --- refresh -------------------------------------------------------------------------------


def test_refresh_stores_groups_and_the_means_of_the_similar_groups(engine, server, client):
    members = falun_members(server)
    for index, member in enumerate(members):
        server.put(TURNOUT, member, 2022, [value("T", 80.0 + index), value("K", 81.0 + index)])
    server.put(TURNOUT, members[0], 2018, [value("T", 70.0)])
    server.put(TURNOUT, FALUN, 2022, [value("T", 84.5), value("K", 85.0), value("M", 84.0)])

    summary = refresh(engine, client, kpi_ids=[TURNOUT])

    groups = all_groups(engine)
    assert [g.kind for g in groups].count("liknande") == 15
    assert len(groups) == summary.groups == 25
    falun = similar_group(engine, FALUN)
    assert falun is not None and falun.id == FALUN_GROUP and falun.year == 2025
    assert means(engine, TURNOUT) == [
        ("K", 2022, 84.0, 7),  # (81 + … + 87) / 7
        ("T", 2018, 70.0, 1),
        ("T", 2022, 83.0, 7),
    ]
    # Borlänge is the last member of Falun's group: its value counts in the mean, and is
    # stored as Borlänge's own (a scope area); the other members' values are not stored.
    assert members[-1] == BORLANGE
    with Session(engine) as session:
        stored_areas = set(session.scalars(select(Observation.area_id).distinct()))
        assert stored_areas == {FALUN, BORLANGE}
        assert session.get(Area, FALUN_GROUP) is None
        assert session.get(Area, members[0]) is None
    # Falun's group's three means, and three of Mora's group, which lists Falun
    assert summary.group_means == 3 + 3
    assert means(engine, TURNOUT, "G37009") == [
        ("K", 2022, 85.0, 1),
        ("M", 2022, 84.0, 1),
        ("T", 2022, 84.5, 1),
    ]
    paths = [r.path for r in server.requests]
    assert paths.count("/v3/municipality_groups") == 1
    # 17 areas and 15 groups: two area segments, of 25 and 7 ids
    segments = [r.path.split("/municipality/")[1].split(",") for r in server.data_requests()]
    assert [len(segment) for segment in segments] == [25, 7]
    assert [area for segment in segments for area in segment] == [
        *DEFAULT_AREAS,
        *(f"G{37001 + i}" for i in range(15)),
    ]
    run_scope = engine_run_scope(engine)
    assert FALUN_GROUP in run_scope["areas"] and run_scope["similar_municipalities"] is False


def engine_run_scope(engine) -> dict:
    with Session(engine) as session:
        return session.scalars(select(EtlRun.scope).order_by(EtlRun.id.desc()).limit(1)).one()


def test_incremental_refresh_merges_changed_means_and_full_replaces_them(engine, server, client):
    members = falun_members(server)
    server.put(EMISSIONS, members[0], 2021, [value("T", 4.0)])
    server.put(EMISSIONS, members[1], 2021, [value("T", 6.0)])
    server.put(EMISSIONS, members[0], 2020, [value("T", 3.0)])
    server.put(TURNOUT, members[0], 2022, [value("T", 80.0)])
    refresh(engine, client, kpi_ids=[TURNOUT])  # outside the scope below
    refresh(engine, client, kpi_ids=[EMISSIONS])
    assert means(engine, EMISSIONS) == [("T", 2020, 3.0, 1), ("T", 2021, 5.0, 2)]
    started = last_run_start(engine)
    server.put(EMISSIONS, members[1], 2021, [value("T", 8.0)], changed=started)
    server.remove(EMISSIONS, members[0], 2020)  # vanishes without a trace: only a full run sees it
    server.requests.clear()

    incremental = refresh(engine, client, kpi_ids=[EMISSIONS])

    assert incremental.from_date == started
    assert all(r.query.get("from_date") == started.isoformat() for r in server.data_requests())
    assert incremental.group_means == 1
    assert means(engine, EMISSIONS) == [("T", 2020, 3.0, 1), ("T", 2021, 6.0, 2)]

    full = refresh(engine, client, kpi_ids=[EMISSIONS], full=True)

    assert full.from_date is None
    assert means(engine, EMISSIONS) == [("T", 2021, 6.0, 2)]
    assert means(engine, TURNOUT) == [("T", 2022, 80.0, 1)]  # other KPIs' means stay


def last_run_start(engine):
    with Session(engine) as session:
        return (
            session.scalars(select(EtlRun.started_at).order_by(EtlRun.id.desc()).limit(1))
            .one()
            .date()
        )


def test_a_newer_similar_group_makes_the_next_refresh_full(engine, server, client):
    refresh(engine, client, kpi_ids=[EMISSIONS])
    old = next(g for g in server.municipality_groups if g["id"] == FALUN_GROUP)
    newer = dict(old, id="G38010", title=old["title"].replace("2025", "2026"))
    server.municipality_groups.append(newer)
    server.requests.clear()

    summary = refresh(engine, client, kpi_ids=[EMISSIONS])

    assert summary.full and summary.from_date is None
    falun = similar_group(engine, FALUN)
    assert falun is not None and (falun.id, falun.year) == ("G38010", 2026)
    assert FALUN_GROUP not in {g.id for g in all_groups(engine)}  # replaced


def test_similar_municipalities_are_fetched_and_stored_as_areas(engine, server, client):
    members = falun_members(server)
    for index, member in enumerate(members):
        server.put(EMISSIONS, member, 2021, [value("T", 4.0 + index)])
    before = set(DEFAULT_AREAS)

    summary = refresh(engine, client, kpi_ids=[EMISSIONS], similar_municipalities=True)

    with Session(engine) as session:
        peer = session.get(Area, members[0])
        assert (peer.title, peer.type, peer.county) == ("Jämförelsekommun 55", "K", "10")
        areas = set(session.scalars(select(Area.id)))
        stored = {(row.area_id, row.value) for row in session.scalars(select(Observation))}
    assert len(areas - before) == 84
    assert {(member, 4.0 + index) for index, member in enumerate(members)} <= stored
    assert means(engine, EMISSIONS) == [("T", 2021, 7.0, 7)]
    assert summary.areas == 17 + 84
    # 17 areas + 84 peers + 15 groups = 116 ids: five area segments of at most 25
    assert len(server.data_requests()) == 5
    assert engine_run_scope(engine)["similar_municipalities"] is True


# --- failures change nothing ---------------------------------------------------------------


def test_a_failed_groups_request_leaves_groups_and_values_as_they_were(engine, server, client):
    members = falun_members(server)
    server.put(EMISSIONS, members[0], 2021, [value("T", 4.0)])
    server.put(EMISSIONS, FALUN, 2021, [value("T", 5.0)])
    refresh(engine, client, kpi_ids=[EMISSIONS])
    before = dump(engine)
    assert before["area_groups"] and before["group_means"] and before["observations"]
    server.put(EMISSIONS, FALUN, 2021, [value("T", 9.0)])
    server.municipality_groups = server.municipality_groups[:3]
    server.respond(when=lambda r: r.path == "/v3/municipality_groups", status=500, times=None)
    server.requests.clear()

    with pytest.raises(KoladaError, match=r"municipality_groups.*HTTP 500"):
        refresh(engine, client, kpi_ids=[EMISSIONS], full=True)

    assert dump(engine) == before
    assert not server.data_requests()


def test_a_malformed_group_stops_the_refresh(engine, server, client):
    server.municipality_groups.append({"id": "G1", "title": "Trasig", "members": "2080"})

    with pytest.raises(KoladaFormatError, match=r"values\[56\]\.members: expected a list"):
        refresh(engine, client, kpi_ids=[EMISSIONS])

    assert dump(engine)["area_groups"] == []


# --- loading saved pages -------------------------------------------------------------------


def page(values: list) -> dict:
    return {"count": len(values), "values": values, "next_url": None, "previous_url": None}


def save(folder: Path, name: str, body: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


def mean_item(group_id: str, year: int, number: float, count: int) -> dict:
    return {
        "kpi": EMISSIONS,
        "municipality": group_id,
        "period": year,
        "values": [value("T", number, count=count)],
    }


def test_saved_group_and_data_pages_load(engine, tmp_path):
    areas = save(
        tmp_path,
        "municipality.json",
        page(
            [
                {"id": code, "title": name, "type": "K"}
                for code, name in DALARNA_MUNICIPALITIES.items()
            ]
        ),
    )
    groups = save(tmp_path, "groups.json", page(generate_groups(DALARNA_MUNICIPALITIES)))
    data = save(
        tmp_path,
        "data.json",
        page(
            [
                mean_item(FALUN_GROUP, 2021, 5.5, 7),
                mean_item("G33627", 2021, 6.25, 15),
                {"kpi": EMISSIONS, "municipality": FALUN, "period": 2021, "values": [value()]},
            ]
        ),
    )

    summary = load_files(engine, [areas, groups, data])

    # 15 similar, SKR's 9 and, unlike a refresh, every county's group (G33612 too)
    assert (summary.groups, summary.group_means, summary.inserted) == (26, 2, 1)
    assert means(engine, EMISSIONS) == [("T", 2021, 5.5, 7)]
    assert means(engine, EMISSIONS, "G33627") == [("T", 2021, 6.25, 15)]
    assert similar_group(engine, FALUN).id == FALUN_GROUP
    with Session(engine) as session:
        assert session.get(Area, FALUN_GROUP) is None

    # a later data page with a stored group needs no group page
    again = save(tmp_path, "again.json", page([mean_item(FALUN_GROUP, 2022, 6.0, 6)]))
    load_files(engine, [again])
    assert means(engine, EMISSIONS) == [("T", 2021, 5.5, 7), ("T", 2022, 6.0, 6)]


def test_a_mean_of_an_unknown_group_names_file_and_item(engine, tmp_path):
    good = save(tmp_path, "good.json", page([mean_item(FALUN_GROUP, 2021, 1.0, 1)]))
    groups = save(tmp_path, "groups.json", page(generate_groups(DALARNA_MUNICIPALITIES)))
    load_files(
        engine,
        [
            save(
                tmp_path,
                "areas.json",
                page([{"id": FALUN, "title": "Falun", "type": "K"}]),
            ),
            groups,
            good,
        ],
    )
    before = dump(engine)
    bad = save(
        tmp_path,
        "bad.json",
        page([mean_item(FALUN_GROUP, 2022, 2.0, 2), mean_item("G123", 2021, 1.0, 1)]),
    )

    with pytest.raises(KoladaFormatError) as caught:
        load_files(engine, [bad])

    assert str(caught.value).startswith(
        f"{bad}: values[1].municipality: expected a municipality group already stored"
    )
    assert "got 'G123'" in str(caught.value)
    assert dump(engine) == before


def test_a_malformed_saved_group_names_file_and_item(engine, tmp_path):
    bad = save(
        tmp_path,
        "groups.json",
        page(
            [
                municipality_group("G1", "A", [("2080", "Falun")]),
                {"id": "G2", "members": [{"member_id": "2080", "member_title": "Falun"}]},
            ]
        ),
    )
    with pytest.raises(KoladaFormatError, match=r"groups\.json: values\[1\]\.title: expected"):
        load_files(engine, [bad])
    assert dump(engine)["area_groups"] == []


def test_koladas_real_group_page_loads(engine, shared_dir: Path):
    kolada = shared_dir / "kolada"

    summary = load_files(
        engine, [kolada / "municipality.json", kolada / "municipality_groups.json"]
    )

    assert summary.groups == 290 + 9 + 21
    falun = similar_group(engine, FALUN)
    assert falun is not None and falun.id == "G37366"


def test_the_first_refresh_replaces_demo_groups_and_means(engine, server, client):
    demo_group = GroupRecord(
        "G37010", "Liknande kommuner, övergripande, Falun, 2025", "liknande", (), "2080", 2025
    )
    old_group = GroupRecord("G99", "Demogrupp (ovägt medel)", "län", ())
    with Session(engine) as session, session.begin():
        set_meta(session, DATA_ORIGIN_KEY, DATA_ORIGIN_DEMO)
        session.add(Kpi(id="N99999", title="Bara i demodata"))
        session.flush()
        save_groups(session, [demo_group, old_group], replace_all=True)
        save_group_means(
            session,
            [
                GroupMeanRow("N99999", "G99", "T", 2020, 1.0, 3),
                GroupMeanRow("N99999", "G37010", "T", 2020, 2.0, 7),
            ],
        )
    server.put(EMISSIONS, falun_members(server)[0], 2021, [value("T", 4.0)])

    refresh(engine, client, kpi_ids=[EMISSIONS])

    stored = dump(engine)
    assert {row[0] for row in stored["group_means"]} == {EMISSIONS}
    assert "G99" not in {row[0] for row in stored["area_groups"]}
    assert [row[0] for row in stored["kpis"]] == [EMISSIONS]
    assert means(engine, EMISSIONS) == [("T", 2021, 4.0, 1)]
