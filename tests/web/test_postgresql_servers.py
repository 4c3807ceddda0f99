"""Two app servers on one PostgreSQL database, as behind a load balancer.

Two gunicorn instances (``create_app`` on ``DATABASE_URL=postgresql+psycopg://…``, one with two
workers) are started at the same moment on an empty database on the session's own PostgreSQL
server (tests/support/postgresql.py): one creates the schema and fills the demo data while the
other waits for it. Then: every page answers and one callback of each page answers, and a goal
change or a data load made beside one server is what the other shows on its next request (the
tables each worker caches are keyed by the database's data version, nothing else).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks._http import DashClient, find_dependency, layout_values, update_body
from data.db import open_database
from data.goals import GoalRecord
from data.models import EtlRun
from etl.cli import main as etl_main
from indicators.goals import add_goal, update_goal
from tests.conftest import PROJECT_DIR
from tests.support.postgresql import PostgreSQLServer

pytestmark = pytest.mark.postgresql

GUNICORN = Path(sys.executable).with_name("gunicorn")
PAGES_OUTPUT = "_pages_content.children"
STARTUP_SECONDS = 180

#: Every page (its address with a selection) and the start of one of its own callbacks'
#: output ids; ``None``: the page has none but the pages callback that draws it.
PAGES: tuple[tuple[str, str | None], ...] = (
    ("/", "oversikt-summary.children"),
    ("/indikator", "indikatorer-list.children"),
    ("/indikator/N00401?omraden=2062,2080", "indikator-series.figure"),
    ("/kommun", None),
    ("/kommun/2062", "kommun-content.children"),
    ("/jamfor?omraden=2062,2080", "jamfor-panels.children"),
    ("/malkonflikter?x=N03702&y=N00401", "malkonflikter-scatter.figure"),
    ("/mal", "mal-goals.children"),
    ("/bildspel", None),  # its editor is for signed-in editors
    ("/export?indikatorer=N00401,N03702", '{"page":"export","type":"export-selection"}.data'),
    ("/om", None),
    ("/sidan-finns-inte", None),
)


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@dataclass
class Servers:
    database_url: str
    first: Server
    second: Server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(name: str, database_url: str, workers: int, folder: Path) -> Server:
    port = _free_port()
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "app:server"],
            cwd=PROJECT_DIR,
            env={**os.environ, "DATABASE_URL": database_url},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Server(name, f"http://127.0.0.1:{port}", process, log)


def _wait_until_serving(server: Server, deadline: float) -> None:
    while True:
        try:
            if requests.get(server.url + "/", timeout=10).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        assert server.process.poll() is None, f"{server.name} exited:\n{server.output()}"
        assert time.monotonic() < deadline, f"{server.name} did not answer:\n{server.output()}"
        time.sleep(0.25)


@pytest.fixture(scope="module")
def servers(postgresql_server: PostgreSQLServer, tmp_path_factory) -> Iterator[Servers]:
    """Two gunicorn instances started at once on one new, empty PostgreSQL database."""
    database = postgresql_server.create_database(prefix="two_servers")
    database_url = postgresql_server.url(database)
    folder = tmp_path_factory.mktemp("two-servers")
    started = [
        _start("first", database_url, 2, folder),
        _start("second", database_url, 1, folder),
    ]
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        for server in started:
            _wait_until_serving(server, deadline)
        yield Servers(database_url, *started)
    finally:
        for server in started:
            server.process.send_signal(signal.SIGINT)  # quick shutdown
        for server in started:
            server.process.wait(timeout=30)
        postgresql_server.drop_database(database)
    for server in started:
        output = server.output()
        assert "Traceback" not in output and "Exception in worker" not in output, output


def _pages_request(address: str) -> dict[str, Any]:
    parts = urlsplit(address)
    return {
        "_pages_location.pathname": parts.path,
        "_pages_location.search": f"?{parts.query}" if parts.query else "",
    }


def call_page(base_url: str, address: str, output_prefix: str | None) -> tuple[Any, Any]:
    """The page's layout through the pages callback, then (with ``output_prefix``) the answer
    of that callback to the layout's own values; every request must answer 200."""
    with DashClient(base_url, timeout=120) as client:
        entries = client.dependencies()
        pages = find_dependency(entries, PAGES_OUTPUT)
        layout = client.call(pages, update_body(pages, _pages_request(address))).values[
            PAGES_OUTPUT
        ]
        if output_prefix is None:
            return layout, None
        dependency = find_dependency(entries, output_prefix)
        values = layout_values(layout, [*dependency.inputs, *dependency.state])
        return layout, client.call(dependency, update_body(dependency, values)).values


def test_both_servers_started_at_once_and_the_data_was_filled_once(servers):
    engine = open_database(servers.database_url)
    try:
        with Session(engine) as session:
            kinds = session.scalars(select(EtlRun.kind)).all()
    finally:
        engine.dispose()
    assert kinds == ["demo"]
    for server in (servers.first, servers.second):
        assert "Demodata" in requests.get(server.url + "/_dash-layout", timeout=30).text


@pytest.mark.parametrize(("address", "output_prefix"), PAGES, ids=[page for page, _ in PAGES])
def test_every_page_and_a_callback_of_each_answer_on_postgresql(servers, address, output_prefix):
    response = requests.get(servers.first.url + address, timeout=60)
    assert response.status_code == (404 if address == "/sidan-finns-inte" else 200)
    assert '<html lang="sv">' in response.text
    layout, answer = call_page(servers.first.url, address, output_prefix)
    assert layout
    assert output_prefix is None or answer


GOAL = GoalRecord(
    id="mora-tvaservrar",
    kpi_id="N00401",
    level="lokal",
    kind="absolute",
    operator="<=",
    target_value=1.5,
    target_year=2030,
    areas=("2062",),
    wording_sv="Tvåservrarsmålet: utsläppen ska vara högst 1,5 ton per invånare.",
    source_document="Test med två servrar",
)


def goals_shown(server: Server) -> str:
    _, answer = call_page(server.url, "/mal", "mal-goals.children")
    return str(answer)


def test_a_goal_change_beside_one_server_shows_on_the_other_at_the_next_request(servers):
    # Both have built and cached their goal tables before the change.
    for server in (servers.first, servers.second):
        assert "Tvåservrarsmålet" not in goals_shown(server)

    # The change as the first server's goal form makes it (the same service function).
    engine = open_database(servers.database_url)
    try:
        add_goal(engine, GOAL, note="Lagt till via den första servern")
        assert "Tvåservrarsmålet" in goals_shown(servers.second)
        assert "Tvåservrarsmålet" in goals_shown(servers.first)

        changed = replace(GOAL, wording_sv="Tvåservrarsmålet, ändrat: högst 1,2 ton.")
        update_goal(engine, changed, note="Ändrat via den första servern")
    finally:
        engine.dispose()
    assert "ändrat: högst 1,2 ton" in goals_shown(servers.second)


def test_a_data_load_shows_on_both_servers_at_the_next_request(servers, tmp_path):
    address = "/indikator/N00401?omraden=2062"
    for server in (servers.first, servers.second):
        _, figure = call_page(server.url, address, "indikator-series.figure")
        assert "4321.5" not in str(figure)  # warm: the demo data's figure is cached

    page = tmp_path / "data.json"
    page.write_text(
        '{"count": 1, "next_url": null, "values": [{"kpi": "N00401", "municipality": "2062", '
        '"period": 2024, "values": [{"gender": "T", "count": 1, "status": "", '
        '"value": 4321.5, "isdeleted": false}]}]}',
        encoding="utf-8",
    )
    assert etl_main(["load", "--database-url", servers.database_url, str(page)]) == 0

    for server in (servers.second, servers.first):
        _, figure = call_page(server.url, address, "indikator-series.figure")
        assert "4321.5" in str(figure), server.name
