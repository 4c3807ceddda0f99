"""``python -m etl``: help, refresh, status, load, configuration precedence and exit codes."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.areas import DALARNA_MUNICIPALITIES, DEFAULT_AREAS
from data.db import open_database
from data.models import Area, Kpi, Observation
from etl.cli import build_parser, main, swedish_number
from tests.conftest import PROJECT_DIR
from tests.support.kolada_server import KoladaServer, generate_groups, kpi_item, value

EMISSIONS = "N00401"


@pytest.fixture
def server() -> Iterator[KoladaServer]:
    with KoladaServer(kpis=[kpi_item(EMISSIONS, "Utsläpp totalt, ton CO2-ekv/inv")]) as running:
        running.put(EMISSIONS, "2080", 2020, [value("T", 4.5)])
        running.put(EMISSIONS, "2080", 2021, [value("T", 4.25)])
        running.put(EMISSIONS, "0020", 2021, [value("T", 6.0)])
        yield running


@pytest.fixture(autouse=True)
def quick_kolada(monkeypatch) -> None:
    """No real waiting in these tests, and no settings leaking in from outside."""
    monkeypatch.setenv("KOLADA_REQUESTS_PER_SECOND", "1000")
    monkeypatch.setenv("KOLADA_BACKOFF", "0.01")
    monkeypatch.setenv("KOLADA_RETRIES", "1")
    monkeypatch.delenv("KOLADA_BASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)


def subcommands() -> list[str]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(action.choices)


def stored_values(db_url: str) -> list[tuple]:
    engine = open_database(db_url)
    with Session(engine) as session:
        rows = session.execute(
            select(Observation.area_id, Observation.year, Observation.value).order_by(
                Observation.area_id, Observation.year
            )
        )
        result = [tuple(row) for row in rows]
    engine.dispose()
    return result


# --- help ----------------------------------------------------------------------------------


def test_subcommands():
    assert subcommands()[:3] == ["refresh", "status", "load"]


@pytest.mark.parametrize("command", subcommands())
def test_help_of_every_subcommand(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: python -m etl {command}")


@pytest.mark.parametrize("command", ["refresh", "status", "load"])
def test_every_etl_command_takes_a_database_url(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "--database-url URL" in capsys.readouterr().out


def test_refresh_help_lists_its_options(capsys):
    with pytest.raises(SystemExit):
        main(["refresh", "--help"])
    out = capsys.readouterr().out
    for option in (
        "--full",
        "--all-municipalities",
        "--similar-municipalities",
        "--kpi",
        "--group",
        "--base-url",
    ):
        assert option in out
    assert "liknande kommuner" in out


def test_module_entry_point_help():
    result = subprocess.run(
        [sys.executable, "-m", "etl", "--help"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert all(command in result.stdout for command in ("refresh", "status", "load"))


@pytest.mark.parametrize(
    "argv",
    [[], ["refresh", "--kpi"], ["refresh", "--kpi", "N00401/x"], ["refresh", "--frobnicate"]],
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "usage:" in capsys.readouterr().err


# --- refresh -------------------------------------------------------------------------------


def test_refresh_prints_a_summary(server, db_url, capsys):
    code = main(
        ["refresh", "--kpi", EMISSIONS, "--database-url", db_url, "--base-url", server.base_url]
    )

    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    assert re.fullmatch(
        r"Uppdatering klar \(allt lästes om\): 4 anrop, 3 nya, 0 ändrade, 0 borttagna värden, "
        r"\d+,\d s\.\n",
        out,
    )
    assert stored_values(db_url) == [("0020", 2021, 6.0), ("2080", 2020, 4.5), ("2080", 2021, 4.25)]


def test_refresh_options_reach_kolada(server, db_url, capsys):
    server.groups = [{"id": "G1", "title": "Grupp", "members": [{"member_id": EMISSIONS}]}]
    base = ["--database-url", db_url, "--base-url", server.base_url]
    assert main(["refresh", "--kpi", EMISSIONS, *base]) == 0
    server.requests.clear()

    code = main(
        ["refresh", "--group", "G1", "--all-municipalities", "--full", "--year", "2021", *base]
    )

    assert code == 0, capsys.readouterr().err
    assert [r.path for r in server.requests] == [
        "/v3/kpi_groups/G1",
        "/v3/municipality",
        f"/v3/kpi/{EMISSIONS}",
        "/v3/municipality_groups",
        f"/v3/data/kpi/{EMISSIONS}/municipality/{','.join(DEFAULT_AREAS)}/year/2021",
    ]
    assert "from_date" not in server.requests[-1].query  # --full, though a covering run exists
    assert "Uppdatering klar (allt lästes om)" in capsys.readouterr().out


def test_explicit_options_win_over_the_environment(server, db_url, tmp_path, monkeypatch, capsys):
    other_db = f"sqlite:///{tmp_path / 'other.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", other_db)
    monkeypatch.setenv("KOLADA_BASE_URL", "http://127.0.0.1:9/v3")  # nothing listens there

    code = main(
        ["refresh", "--kpi", EMISSIONS, "--database-url", db_url, "--base-url", server.base_url]
    )

    assert code == 0, capsys.readouterr().err
    assert len(stored_values(db_url)) == 3
    assert stored_values(other_db) == []


def test_environment_is_used_without_options(server, db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("KOLADA_BASE_URL", server.base_url)

    assert main(["refresh", "--kpi", EMISSIONS]) == 0

    assert len(stored_values(db_url)) == 3
    assert server.request_count == 4


def test_failed_refresh_prints_one_line_and_exits_1(server, db_url, capsys):
    server.respond(when=lambda r: r.is_data, status=500, times=None)

    code = main(
        ["refresh", "--kpi", EMISSIONS, "--database-url", db_url, "--base-url", server.base_url]
    )

    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("Uppdateringen från Kolada misslyckades; databasen är oförändrad: ")
    assert f"{server.base_url}/data/kpi/{EMISSIONS}/municipality/" in err
    assert err.rstrip().endswith("HTTP 500 Internal Server Error")
    assert stored_values(db_url) == []


# --- status --------------------------------------------------------------------------------


def test_status_of_an_empty_database(db_url, capsys):
    assert main(["status", "--database-url", db_url]) == 0
    out = capsys.readouterr().out
    assert "Data: ingen data ännu; senast uppdaterad från Kolada: aldrig" in out
    assert "Kommungrupper: 0 sparade, med 0 gruppmedelvärden" in out
    assert "Senaste körningar:\n  inga" in out
    assert "Per nyckeltal:\n  inga värden" in out


def test_status_shows_runs_and_kpis(server, db_url, capsys):
    base = ["--database-url", db_url, "--base-url", server.base_url]
    main(["refresh", "--kpi", EMISSIONS, *base])
    server.respond(status=500, times=None)
    main(["refresh", "--kpi", EMISSIONS, *base])
    capsys.readouterr()

    assert main(["status", "--database-url", db_url]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("Data: Kolada; senast uppdaterad från Kolada: 20")
    runs = lines[lines.index("Senaste körningar:") + 1 : lines.index("Per nyckeltal:") - 1]
    assert len(runs) == 2
    assert re.fullmatch(
        r"  #2 refresh \S+ \S+ UTC misslyckades, sedan \S+, 2 anrop "
        r"– KoladaError: .*HTTP 500 Internal Server Error",
        runs[0],
    )
    assert re.fullmatch(
        r"  #1 refresh \S+ \S+ UTC lyckades, allt, 4 anrop, 3 nya, 0 ändrade, 0 borttagna", runs[1]
    )
    kpi_line = lines[-1].split()
    # N00401: three values, in two areas (2080, 0020), newest year 2021
    assert kpi_line[:4] == [EMISSIONS, "3", "2", "2021"]
    assert " ".join(kpi_line[4:]) == "Utsläpp totalt, ton CO2-ekv/inv"


def test_similar_municipalities_through_the_command_line(server, db_url, capsys):
    server.municipality_groups = generate_groups(DALARNA_MUNICIPALITIES)
    falun = next(g for g in server.municipality_groups if g["id"] == "G37010")
    for index, member in enumerate(falun["members"]):
        server.put(EMISSIONS, member["member_id"], 2021, [value("T", 4.0 + index)])
    base = ["--database-url", db_url, "--base-url", server.base_url]

    code = main(["refresh", "--kpi", EMISSIONS, "--similar-municipalities", *base])

    out = capsys.readouterr().out
    assert code == 0
    # /kpi, /municipality, /municipality_groups and 17 + 84 + 15 area ids in 5 segments;
    # the means: Falun's group's for 2021, and Mora's group's (it lists Falun) for 2020, 2021
    assert server.request_count == 3 + 5
    assert re.fullmatch(
        r"Uppdatering klar \(allt lästes om\): 8 anrop, 10 nya, 0 ändrade, 0 borttagna värden, "
        r"25 kommungrupper, 3 gruppmedelvärden, \d+,\d s\.\n",
        out,
    )
    assert main(["status", "--database-url", db_url]) == 0
    status = capsys.readouterr().out.splitlines()
    assert status[2] == "Kommungrupper: 25 sparade, med 3 gruppmedelvärden"


# --- load ----------------------------------------------------------------------------------


def test_load_prints_a_summary(db_url, tmp_path, capsys):
    path = tmp_path / "data.json"
    path.write_text(
        '{"count": 1, "values": [{"kpi": "N00401", "municipality": "2080", "period": 2020, '
        '"values": [{"gender": "T", "count": 1, "status": "", "value": 4.5, '
        '"isdeleted": false}]}], "next_url": null}',
        encoding="utf-8",
    )
    assert main(["load", "--database-url", db_url, str(path)]) == 0
    assert re.fullmatch(
        r"Inläsning klar \(0 nyckeltal, 0 områden\): 1 nya, 0 ändrade, 0 borttagna värden, "
        r"\d+,\d s\.\n",
        capsys.readouterr().out,
    )


def test_failed_load_prints_one_line_and_exits_1(db_url, tmp_path, capsys):
    path = tmp_path / "trasig.json"
    path.write_text('{"values": [', encoding="utf-8")

    assert main(["load", "--database-url", db_url, str(path)]) == 1

    err = capsys.readouterr().err
    assert err == (
        f"Inläsningen misslyckades; databasen är oförändrad: {path}: line 1 column 13: "
        "expected valid JSON (Expecting value)\n"
    )


def test_real_kolada_pages_load_through_the_command_line(shared_dir: Path, db_url):
    kolada = shared_dir / "kolada"
    files = [kolada / "kpi.json", kolada / "municipality.json", *sorted(kolada.glob("data/*.json"))]

    result = subprocess.run(
        [sys.executable, "-m", "etl", "load", "--database-url", db_url, *map(str, files)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Inläsning klar (")
    engine = open_database(db_url)
    with Session(engine) as session:
        vab = session.get(
            Observation, {"kpi_id": "N00945", "area_id": "0180", "year": 2000, "gender": "T"}
        )
        assert round(vab.value, 2) == 31.33
        assert vab.status == ""
        kpi = session.get(Kpi, "N00945")
        assert kpi.unit == "andel av antal dagar (%)"
        assert session.get(Kpi, "N00401").unit == "ton CO2-ekv/inv"
        stockholm = session.get(Area, "0180")
        assert (stockholm.title, stockholm.type, stockholm.county) == ("Stockholm", "K", "01")
        assert session.get(Area, "2023").title == "Malung-Sälen"
        assert session.get(Area, "0000").county is None
    engine.dispose()


# --- formatting ----------------------------------------------------------------------------


def test_swedish_numbers():
    assert swedish_number(64260) == "64 260"
    assert swedish_number(3.25, 1) == "3,2"
    assert swedish_number(1234567.891, 2) == "1 234 567,89"
