"""Read-only and busy databases: what a refused write is, opening a database that cannot be
written, the ETL's check before it fetches anything, ``etl status`` in a read-only folder, and
SQLite's busy timeout.

Read-only is made three ways, each reaching the code as a real deployment would:

* SQLite's own ``?mode=ro`` URI (``sqlite:///file:…?mode=ro&uri=true``): the connection is
  read-only and every write fails in SQLite with ``SQLITE_READONLY`` – the path a read-only
  file takes once opened;
* file permissions (a file 0444, its folder 0555), with the commands run in a child process
  without the right to ignore them: root ignores permissions, so as root the child runs under
  ``capsh --drop=cap_dac_override,…`` (skipped where ``capsh`` is missing); a WAL database in
  a read-only folder cannot even be read normally (its shared-memory file cannot be made), so
  this exercises the fallback to ``immutable=1`` too;
* a driver error raised by hand (``sqlite3.OperationalError("attempt to write a readonly
  database")``), for the classification alone.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from data.database_errors import (
    BUSY_MESSAGE,
    READ_ONLY_MESSAGE,
    DatabaseBusyError,
    ReadOnlyDatabaseError,
    write_error,
)
from data.db import (
    BUSY_TIMEOUT_VARIABLE,
    SchemaVersionError,
    busy_timeout_ms,
    database_label,
    database_writable,
    is_read_only_url,
    open_database,
    require_writable,
)
from data.models import Meta
from etl.cli import main
from indicators.goals import list_goals, sync_catalogue_goals
from tests.conftest import PROJECT_DIR
from tests.support.kolada_server import KoladaServer, kpi_item, value

pytestmark = pytest.mark.sqlite_only

EMISSIONS = "N00401"


def read_only_url(path: Path) -> str:
    return f"sqlite:///file:{path}?mode=ro&uri=true"


@pytest.fixture
def database(tmp_path) -> Path:
    """A migrated SQLite database with the goal catalogue, closed again."""
    path = tmp_path / "db" / "dashboard.sqlite"
    path.parent.mkdir()
    engine = open_database(f"sqlite:///{path}")
    sync_catalogue_goals(engine)
    engine.dispose()
    return path


@pytest.fixture
def server():
    with KoladaServer(kpis=[kpi_item(EMISSIONS, "Utsläpp totalt, ton CO2-ekv/inv")]) as running:
        running.put(EMISSIONS, "2080", 2021, [value("T", 4.25)])
        yield running


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setenv("KOLADA_REQUESTS_PER_SECOND", "1000")
    monkeypatch.setenv("KOLADA_RETRIES", "1")
    monkeypatch.setenv("KOLADA_BACKOFF", "0.01")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv(BUSY_TIMEOUT_VARIABLE, raising=False)


def dump(path: Path) -> list[tuple]:
    """Every row of every table (read through SQLite's immutable mode, which writes nothing)."""
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return [
            (table, *row)
            for table in sorted(tables)
            if not table.startswith("sqlite_")
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY 1')
        ]
    finally:
        connection.close()


def write_something(engine) -> None:
    with Session(engine) as session, session.begin():
        session.execute(insert(Meta).values(key="x", value="y"))


# --- what a refused write is -------------------------------------------------------------------


class _PostgresError(Exception):
    """Stands for a psycopg error: a DB-API error with a SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def _wrapped(error: Exception) -> DBAPIError:
    return OperationalError("UPDATE …", {}, error)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (sqlite3.OperationalError("attempt to write a readonly database"), ReadOnlyDatabaseError),
        (
            _wrapped(sqlite3.OperationalError("attempt to write a readonly database")),
            ReadOnlyDatabaseError,
        ),
        (sqlite3.OperationalError("database is locked"), DatabaseBusyError),
        (_wrapped(sqlite3.OperationalError("database is locked")), DatabaseBusyError),
        (_wrapped(_PostgresError("25006")), ReadOnlyDatabaseError),  # read-only transaction
        (_wrapped(_PostgresError("42501")), ReadOnlyDatabaseError),  # no privilege
        (_wrapped(_PostgresError("55P03")), DatabaseBusyError),  # lock not available
        (_wrapped(_PostgresError("40P01")), DatabaseBusyError),  # deadlock
        (_wrapped(sqlite3.OperationalError("no such table: goals")), type(None)),
        (IntegrityError("INSERT …", {}, sqlite3.IntegrityError("UNIQUE")), type(None)),
        (ValueError("attempt to write a readonly database"), type(None)),  # not a driver's
    ],
)
def test_write_error_tells_read_only_and_busy_from_other_errors(error, kind):
    assert isinstance(write_error(error), kind)


def test_the_messages_are_swedish():
    assert str(ReadOnlyDatabaseError()) == READ_ONLY_MESSAGE
    assert READ_ONLY_MESSAGE == "Databasen är skrivskyddad – ändringar kan inte sparas"
    assert str(DatabaseBusyError()) == BUSY_MESSAGE
    assert BUSY_MESSAGE == "Uppdatering pågår – försök igen om en stund"


# --- opening a read-only database --------------------------------------------------------------


def test_a_mode_ro_database_opens_reads_and_refuses_every_write(database):
    before = dump(database)
    engine = open_database(read_only_url(database))
    try:
        assert is_read_only_url(engine.url)
        assert not database_writable(engine)
        assert len(list_goals(engine)) > 0
        with pytest.raises(OperationalError) as refused:
            write_something(engine)
        assert isinstance(write_error(refused.value), ReadOnlyDatabaseError)
        assert refused.value.orig.sqlite_errorcode & 0xFF == 8  # SQLITE_READONLY
        with pytest.raises(ReadOnlyDatabaseError) as told:
            require_writable(engine)
        assert str(told.value).startswith(f"{READ_ONLY_MESSAGE} (sqlite:///{database})")
        # the catalogue is current: nothing to write, so no error either
        assert sync_catalogue_goals(engine) == sync_catalogue_goals(engine, write=False) > 0
    finally:
        engine.dispose()
    assert dump(database) == before


def test_a_changed_catalogue_is_not_written_to_a_read_only_database(database, tmp_path, caplog):
    changed = tmp_path / "katalog.csv"
    lines = (PROJECT_DIR / "data" / "goals.csv").read_text(encoding="utf-8").splitlines()
    changed.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    before = dump(database)
    engine = open_database(read_only_url(database))
    try:
        stored = len(list_goals(engine))
        assert sync_catalogue_goals(engine, changed, write=False) == stored
    finally:
        engine.dispose()
    assert "read-only" in caplog.text
    assert dump(database) == before


def test_a_writable_database_says_so_even_while_another_writer_holds_it(database, monkeypatch):
    monkeypatch.setenv(BUSY_TIMEOUT_VARIABLE, "5")
    engine = open_database(f"sqlite:///{database}")
    holder = sqlite3.connect(database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.perf_counter()
        assert database_writable(engine)
        assert time.perf_counter() - started < 1  # no wait for the busy timeout
        with engine.connect() as connection:  # the busy timeout is back for real writes
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()


def test_an_empty_read_only_database_is_refused_with_a_message(tmp_path):
    path = tmp_path / "tom.sqlite"
    sqlite3.connect(path).close()
    with pytest.raises(SchemaVersionError, match="skrivskyddad, och dess schema måste skapas"):
        open_database(read_only_url(path))


def test_database_label_names_a_read_only_file_by_its_path(database):
    engine = open_database(read_only_url(database))
    try:
        assert database_label(engine.url) == f"sqlite:///{database}"
    finally:
        engine.dispose()


# --- busy --------------------------------------------------------------------------------------


def test_busy_timeout_is_10_seconds_and_configurable(monkeypatch, database):
    assert busy_timeout_ms() == 10_000
    monkeypatch.setenv(BUSY_TIMEOUT_VARIABLE, "2,5")
    assert busy_timeout_ms() == 2_500
    for bad in ("soon", "-1", "7200"):
        monkeypatch.setenv(BUSY_TIMEOUT_VARIABLE, bad)
        with pytest.raises(ValueError, match="SQLITE_BUSY_TIMEOUT"):
            busy_timeout_ms()
    monkeypatch.delenv(BUSY_TIMEOUT_VARIABLE)
    engine = open_database(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    finally:
        engine.dispose()


def test_gunicorn_waits_well_beyond_the_busy_timeout():
    settings: dict = {}
    exec((PROJECT_DIR / "gunicorn.conf.py").read_text(encoding="utf-8"), settings)
    assert settings["timeout"] >= 6 * busy_timeout_ms() / 1000


def test_a_write_that_meets_a_held_lock_is_a_busy_error(database, monkeypatch):
    monkeypatch.setenv(BUSY_TIMEOUT_VARIABLE, "0.2")
    engine = open_database(f"sqlite:///{database}")
    holder = sqlite3.connect(database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError) as locked:
            write_something(engine)
        assert str(write_error(locked.value)) == BUSY_MESSAGE
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()


# --- the ETL -----------------------------------------------------------------------------------


def test_refresh_of_a_read_only_database_fetches_nothing(database, server, capsys):
    before = dump(database)
    url = read_only_url(database)
    code = main(
        ["refresh", "--kpi", EMISSIONS, "--database-url", url, "--base-url", server.base_url]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(
        "Uppdateringen från Kolada misslyckades; databasen är oförändrad: "
        f"{READ_ONLY_MESSAGE} (sqlite:///{database})."
    )
    assert server.request_count == 0
    assert dump(database) == before


def test_load_into_a_read_only_database_is_refused(database, tmp_path, capsys):
    page = tmp_path / "kpi.json"
    page.write_text('{"values": []}', encoding="utf-8")
    assert main(["load", str(page), "--database-url", read_only_url(database)]) == 1
    assert READ_ONLY_MESSAGE in capsys.readouterr().err


def test_status_of_a_read_only_database(database, capsys):
    assert main(["status", "--database-url", read_only_url(database)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"Databas: sqlite:///{database} (skrivskyddad: kan bara läsas)"


# --- real file permissions, in a child process --------------------------------------------------


def _unprivileged(command: list[str]) -> list[str]:
    """``command`` run without the right to ignore file permissions."""
    if os.geteuid() != 0:
        return command
    capsh = shutil.which("capsh")
    if capsh is None:
        pytest.skip("runs as root without capsh: file permissions cannot be enforced")
    drop = "cap_dac_override,cap_dac_read_search,cap_fowner"
    return [capsh, f"--drop={drop}", "--", "-c", "exec " + shlex.join(command)]


def _etl(*args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "KOLADA_REQUESTS_PER_SECOND": "1000",
        "KOLADA_RETRIES": "1",
        "KOLADA_BACKOFF": "0.01",
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        _unprivileged([sys.executable, "-m", "etl", *args]),
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def read_only_folder(database):
    """The database file 0444 in a folder 0555 (restored afterwards)."""
    database.chmod(0o444)
    database.parent.chmod(0o555)
    yield database
    database.parent.chmod(0o755)
    database.chmod(0o644)


def test_status_works_in_a_read_only_folder(read_only_folder):
    before = dump(read_only_folder)
    result = _etl("status", "--database-url", f"sqlite:///{read_only_folder}")
    assert result.returncode == 0, result.stderr
    assert "(skrivskyddad: kan bara läsas)" in result.stdout
    assert "Data: ingen data ännu" in result.stdout
    assert sorted(p.name for p in read_only_folder.parent.iterdir()) == ["dashboard.sqlite"]
    assert dump(read_only_folder) == before


@pytest.mark.parametrize("folder_writable", [False, True], ids=["read-only-folder", "file-only"])
def test_refresh_in_a_read_only_place_fetches_nothing(database, server, folder_writable):
    database.chmod(0o444)
    if not folder_writable:
        database.parent.chmod(0o555)
    try:
        result = _etl(
            "refresh",
            "--kpi",
            EMISSIONS,
            "--database-url",
            f"sqlite:///{database}",
            "--base-url",
            server.base_url,
        )
    finally:
        database.parent.chmod(0o755)
        database.chmod(0o644)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{READ_ONLY_MESSAGE} (sqlite:///{database})" in result.stderr
    assert "Traceback" not in result.stderr
    assert server.request_count == 0
