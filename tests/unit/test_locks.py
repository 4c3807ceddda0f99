"""Locks across processes and hosts (``data.locks``): two ETL runs never overlap, on SQLite
(a lock file) and on PostgreSQL (an advisory lock that every host using the server sees)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.db import open_database
from data.locks import ETL_LOCK, LockBusyError, hold, lock_key
from data.models import EtlRun
from etl.cli import EXIT_RUN_IN_PROGRESS, main
from etl.config import KoladaSettings
from etl.kolada import KoladaClient
from etl.refresh import RunInProgressError, load_files, refresh
from tests.conftest import PROJECT_DIR
from tests.support.kolada_server import KoladaServer, kpi_item, value

EMISSIONS = "N00401"
BUSY = "En annan uppdatering eller inläsning pågår redan mot samma databas"

#: Holds the ETL lock in a process of its own until its standard input closes.
HOLDER = """
import sys
from data.db import open_database
from data.locks import ETL_LOCK, hold
engine = open_database(sys.argv[1])
with hold(engine, ETL_LOCK):
    print("held", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def server() -> Iterator[KoladaServer]:
    with KoladaServer(kpis=[kpi_item(EMISSIONS, "Utsläpp totalt, ton CO2-ekv/inv")]) as running:
        running.put(EMISSIONS, "2080", 2021, [value("T", 4.25)])
        yield running


def runs(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(EtlRun)) or 0


@pytest.fixture
def holder(db_url: str) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the ETL lock on the test's database (as on another host)."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, db_url],
        cwd=PROJECT_DIR,
        env={**os.environ, "PYTHONPATH": str(PROJECT_DIR)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "held"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def test_lock_keys_are_stable_signed_64_bit_numbers():
    assert lock_key(ETL_LOCK) == lock_key("etl")
    assert lock_key("etl") != lock_key("schema")
    assert -(2**63) <= lock_key("etl") < 2**63


def test_a_held_lock_is_refused_to_another_connection_until_released(engine, db_url):
    other = open_database(db_url)
    try:
        with hold(engine, ETL_LOCK):
            with pytest.raises(LockBusyError) as busy, hold(other, ETL_LOCK):
                pass
            assert busy.value.since is not None  # when the holder connected or took it
        with hold(other, ETL_LOCK):  # free again
            pass
    finally:
        other.dispose()


def test_waiting_for_a_lock_takes_it_once_released(engine, db_url):
    other = open_database(db_url)
    order: list[str] = []
    try:
        with hold(engine, ETL_LOCK):

            def wait_for_it() -> None:
                with hold(other, ETL_LOCK, wait=True):
                    order.append("second")

            waiting = threading.Thread(target=wait_for_it)
            waiting.start()
            time.sleep(0.3)
            order.append("first")
        waiting.join(timeout=30)
        assert order == ["first", "second"]
    finally:
        other.dispose()


def test_refresh_and_load_refuse_to_start_while_another_process_runs(
    engine, holder, server, capsys, db_url
):
    code = main(
        ["refresh", "--kpi", EMISSIONS, "--database-url", db_url, "--base-url", server.base_url]
    )

    assert code == EXIT_RUN_IN_PROGRESS
    message = capsys.readouterr().err
    assert message.startswith(BUSY)
    assert "avbröts utan att ändra något" in message
    assert server.request_count == 0  # stopped before asking Kolada anything
    with pytest.raises(RunInProgressError, match=BUSY):
        load_files(engine, [])
    assert runs(engine) == 0  # and nothing recorded as a failed run


def test_a_holder_that_dies_leaves_no_stale_lock(engine, holder, server, db_url, capsys):
    holder.kill()  # as a crashed or killed job on another host
    holder.wait(timeout=30)

    code = main(
        ["refresh", "--kpi", EMISSIONS, "--database-url", db_url, "--base-url", server.base_url]
    )
    assert code == 0, capsys.readouterr().err
    assert runs(engine) == 1


def test_two_refreshes_at_once_one_runs_the_other_says_so(engine, server, db_url, capsys):
    server.latency = 0.5  # the first run is still reading from Kolada when the second starts
    settings = KoladaSettings(base_url=server.base_url, requests_per_second=1000)
    outcome: list[object] = []

    def first() -> None:
        with KoladaClient(settings) as client:
            outcome.append(refresh(engine, client, kpi_ids=[EMISSIONS]))

    running = threading.Thread(target=first)
    running.start()
    deadline = time.monotonic() + 30
    while server.request_count == 0 and time.monotonic() < deadline:
        time.sleep(0.01)

    code = main(
        ["refresh", "--kpi", EMISSIONS, "--database-url", db_url, "--base-url", server.base_url]
    )
    running.join(timeout=60)

    assert code == EXIT_RUN_IN_PROGRESS
    assert BUSY in capsys.readouterr().err
    assert len(outcome) == 1 and runs(engine) == 1  # the first finished alone
