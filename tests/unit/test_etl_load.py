"""Loading saved Kolada pages offline: page kinds, stand-in rows, one transaction, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from data.db import DATA_ORIGIN_DEMO, DATA_ORIGIN_KEY, get_meta, set_meta
from data.models import Area, EtlRun, GroupMean, Kpi, Observation
from etl.refresh import load_files
from etl.store import LAST_REFRESH_KEY
from etl.transform import KoladaFormatError
from tests.support.kolada_server import kpi_item, value


def page(values: list, next_url: str | None = None) -> dict:
    return {"count": len(values), "values": values, "next_url": next_url, "previous_url": None}


def data(kpi: str, area: str, year: int, *values: dict) -> dict:
    return {"kpi": kpi, "municipality": area, "period": year, "values": list(values)}


def save(folder: Path, name: str, body: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def dump(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            table: sorted(
                (tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))),
                key=repr,
            )
            for table in ("observations", "kpis", "areas", "meta")
        }


def runs(engine) -> list[tuple]:
    with Session(engine) as session:
        return [
            (run.kind, run.outcome, run.rows_inserted, run.rows_updated, run.rows_deleted)
            for run in session.scalars(select(EtlRun).order_by(EtlRun.id))
        ]


def test_data_first_gets_stand_ins_that_metadata_replaces(engine, tmp_path):
    values = save(
        tmp_path,
        "data.json",
        page(
            [
                data("N00945", "0180", 2000, value("T", 31.25)),
                data("N00945", "0020", 2000, value("T", 20.5)),
                data("N00945", "G33627", 2000, value("T", 18.0, count=15)),
            ]
        ),
    )
    groups = save(
        tmp_path,
        "groups.json",
        page(
            [
                {
                    "id": "G33627",
                    "title": "Dalarnas läns kommuner (ovägt medel)",
                    "members": [{"member_id": "2080", "member_title": "Falun"}],
                }
            ]
        ),
    )
    summary = load_files(engine, [values, groups])

    # the group's value is a group mean, not an observation
    assert (summary.inserted, summary.updated, summary.deleted) == (2, 0, 0)
    assert (summary.groups, summary.group_means) == (1, 1)
    with Session(engine) as session:
        assert session.get(Kpi, "N00945").title == "N00945"
        stockholm = session.get(Area, "0180")
        assert (stockholm.title, stockholm.type, stockholm.county) == ("0180", "K", "01")
        dalarna = session.get(Area, "0020")
        assert (dalarna.title, dalarna.type, dalarna.county) == ("Region Dalarna", "L", "20")
        assert session.get(Area, "G33627") is None
        mean = session.get(
            GroupMean, {"kpi_id": "N00945", "group_id": "G33627", "year": 2000, "gender": "T"}
        )
        assert (mean.value, mean.count) == (18.0, 15)
        assert get_meta(session, DATA_ORIGIN_KEY) == "kolada"
        assert get_meta(session, LAST_REFRESH_KEY) is None  # a load is not a refresh

    title = "Tillfälliga föräldrapenningdagar (VAB) som tas ut av män, andel av antal dagar (%)"
    kpis = save(tmp_path, "kpi.json", page([kpi_item("N00945", title)]))
    areas = save(
        tmp_path, "municipality.json", page([{"id": "0180", "title": "Stockholm", "type": "K"}])
    )
    load_files(engine, [kpis, areas])

    with Session(engine) as session:
        kpi = session.get(Kpi, "N00945")
        assert (kpi.title, kpi.unit) == (title, "andel av antal dagar (%)")
        assert session.get(Area, "0180").title == "Stockholm"
    assert runs(engine) == [("load", "success", 2, 0, 0), ("load", "success", 0, 0, 0)]


def test_metadata_already_stored_is_not_replaced_by_stand_ins(engine, tmp_path):
    kpis = save(tmp_path, "kpi.json", page([kpi_item("N00401", "Utsläpp, ton CO2-ekv/inv")]))
    values = save(tmp_path, "data.json", page([data("N00401", "2080", 2020, value("T", 4.5))]))

    load_files(engine, [kpis, values])
    load_files(engine, [values])

    with Session(engine) as session:
        assert session.get(Kpi, "N00401").unit == "ton CO2-ekv/inv"
        assert session.get(Area, "2080").title == "Falun"
    assert runs(engine)[-1] == ("load", "success", 0, 0, 0)


def test_loaded_changes_and_withdrawals(engine, tmp_path):
    first = save(
        tmp_path,
        "first.json",
        page([data("N00945", "0180", 2000, value("T", 31.0), value("K", 68.0), value("M", 31.0))]),
    )
    load_files(engine, [first])
    second = save(
        tmp_path,
        "second.json",
        page([data("N00945", "0180", 2000, value("T", 31.5), value("K", 68.0, deleted=True))]),
    )

    summary = load_files(engine, [second])

    assert (summary.inserted, summary.updated, summary.deleted) == (0, 1, 1)
    with Session(engine) as session:
        rows = session.execute(select(Observation.gender, Observation.value).order_by("gender"))
        assert list(map(tuple, rows)) == [("M", 31.0), ("T", 31.5)]


def test_load_replaces_the_demo_data(engine, tmp_path):
    with Session(engine) as session, session.begin():
        set_meta(session, DATA_ORIGIN_KEY, DATA_ORIGIN_DEMO)
        session.add_all([Kpi(id="N99999", title="Demo"), Area(id="2080", title="Demo", type="K")])
        session.flush()
        session.add(Observation(kpi_id="N99999", area_id="2080", year=2020, gender="T", value=1))
    values = save(tmp_path, "data.json", page([data("N00401", "2080", 2020, value("T", 4.5))]))

    load_files(engine, [values])

    stored = dump(engine)
    assert stored["observations"] == [("N00401", "2080", "T", 2020, 4.5, "", 1, "Kolada")]
    assert [row[0] for row in stored["kpis"]] == ["N00401"]
    assert [row[:2] for row in stored["areas"]] == [("2080", "Falun")]
    assert ("data_origin", "kolada") in stored["meta"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            page([data("N00401", "2080", 2021, value("T", 4.0)), {"kpi": "N00401"}]),
            "bad.json: values[1]: expected a data item like values[0]",
        ),
        (
            page([data("N00401", "2080", 2021, value("T", 4.0)), data("N00401", "2080", "2021")]),
            "bad.json: values[1].period: expected a year as an integer, got '2021' (str)",
        ),
        (
            page([{"id": "G1", "title": "Grupp", "members": [{"member_id": "N00401"}]}]),
            "bad.json: values[0]: expected data, KPI, area or municipality group items, "
            "not KPI groups",
        ),
        ({"count": 0}, "bad.json: values: expected a list of items"),
        ('{\n "count": 1,\n "values": [\n  {"kpi": "N00401",}\n ]\n}', "bad.json: line 4 column"),
    ],
)
def test_bad_file_leaves_everything_as_it_was(engine, tmp_path, body, message):
    load_files(engine, [save(tmp_path, "good.json", page([data("N00401", "2080", 2020, value())]))])
    before = dump(engine)
    good = save(tmp_path, "good2.json", page([data("N00401", "2080", 2020, value("T", 2.0))]))
    bad = tmp_path / "bad.json"
    bad.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")

    with pytest.raises(KoladaFormatError) as caught:
        load_files(engine, [good, bad])

    assert message in str(caught.value)
    assert str(caught.value).startswith(str(bad))
    assert dump(engine) == before
    with Session(engine) as session:
        failed = session.scalars(select(EtlRun).order_by(EtlRun.id.desc()).limit(1)).one()
        assert (failed.kind, failed.outcome) == ("load", "failed")
        assert failed.scope == {"files": [str(good), str(bad)]}
        assert str(bad) in failed.error


def test_missing_file_is_a_failed_load(engine, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere\.json: cannot be read"):
        load_files(engine, [tmp_path / "nowhere.json"])
    assert runs(engine) == [("load", "failed", 0, 0, 0)]
