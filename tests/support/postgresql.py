"""A throwaway PostgreSQL server for the test session, and a database of its own for each test.

The server is a cluster of its own, made with ``initdb`` in a temporary folder and started with
``postgres`` on a Unix socket in that folder (no TCP port, so it never meets another server on
this machine), tuned for tests (no fsync); it is stopped and its folder deleted when the session
ends. As root (PostgreSQL refuses to run as root) the cluster belongs to, and the server runs
as, the ``postgres`` user that Debian's package creates.

A test that wants an empty database gets a new one (``CREATE DATABASE … TEMPLATE``), dropped
afterwards. A test that opens its database at once (the ``engine`` fixture) gets one as the
migrations leave it: copied from a migrated template, or, quicker still, one an earlier test
used, emptied (rows deleted, sequences restarted) when it gave it back; one whose schema a test
changed is dropped instead.

The binaries are found on ``PATH``, else in ``POSTGRESQL_BIN``, else in Debian's
``/usr/lib/postgresql/<version>/bin``. Where they are absent the PostgreSQL tests are skipped
with the reason; in CI (``CI=true``) they fail.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from data.db import open_database

#: The folder of ``initdb`` and ``postgres`` when neither ``PATH`` nor ``POSTGRESQL_BIN`` has it.
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"
#: The OS user that runs the server when the tests run as root.
SERVER_USER = "postgres"
#: The database role the tests connect as (made by ``initdb``, trusted on the socket).
ROLE = "tests"
#: An empty database that every test database is copied from.
TEMPLATE = "empty_template"
STARTUP_TIMEOUT = 30.0

#: Settings for a server whose data may be lost: speed over durability.
SERVER_SETTINGS = {
    "listen_addresses": "",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "64MB",
    "log_min_messages": "warning",
}


class PostgreSQLUnavailable(RuntimeError):
    """The binaries (or a user to run them as) are not on this machine."""


def find_binaries() -> Path:
    """The folder holding ``initdb`` and ``postgres``."""
    candidates = []
    if os.environ.get("POSTGRESQL_BIN"):
        candidates.append(Path(os.environ["POSTGRESQL_BIN"]))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    debian = sorted(
        Path("/").glob(DEBIAN_BIN_GLOB.lstrip("/")),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates += debian
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return folder
    raise PostgreSQLUnavailable(
        "PostgreSQL's server binaries (initdb, postgres) were not found on PATH, in "
        f"POSTGRESQL_BIN or in {DEBIAN_BIN_GLOB}: install Debian's package `postgresql`"
    )


def _server_user() -> pwd.struct_passwd | None:
    """The user to run the server as: ``postgres`` when we are root, else ourselves (None)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PostgreSQLUnavailable(
            f"running as root, and there is no {SERVER_USER!r} user to run PostgreSQL as "
            "(Debian's package `postgresql` creates it)"
        ) from None


class PostgreSQLServer:
    """A private PostgreSQL cluster: :meth:`start`, :meth:`url`, :meth:`create_database`,
    :meth:`stop`."""

    def __init__(self) -> None:
        self.bin = find_binaries()
        self.user = _server_user()
        # A short path of its own under /tmp: the socket path must stay under ~100 bytes, and
        # the server user must be able to reach it (pytest's root-owned folders are 0700).
        self.folder = Path(tempfile.mkdtemp(prefix="pgtest-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder
        self.log = self.folder / "server.log"
        self.port = 5432  # only names the socket file; nothing listens on TCP
        self.process: subprocess.Popen[bytes] | None = None
        self._names = itertools.count(1)
        self._migrated: str | None = None
        self._migrated_state = _State("", (), (), ())
        self._pool: list[str] = []
        if self.user is not None:
            os.chown(self.folder, self.user.pw_uid, self.user.pw_gid)

    def _run_as_server_user(self) -> dict[str, Any]:
        if self.user is None:
            return {}
        return {
            "user": self.user.pw_uid,
            "group": self.user.pw_gid,
            "extra_groups": [],
            "env": {**os.environ, "HOME": self.user.pw_dir, "USER": self.user.pw_name},
        }

    def start(self) -> None:
        initdb = [
            str(self.bin / "initdb"),
            "--pgdata",
            str(self.data),
            "--username",
            ROLE,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C.UTF-8",
            "--no-sync",
        ]
        done = subprocess.run(
            initdb, capture_output=True, text=True, check=False, **self._run_as_server_user()
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        settings = [f"--{key}={value}" for key, value in SERVER_SETTINGS.items()]
        command = [
            str(self.bin / "postgres"),
            "-D",
            str(self.data),
            "-k",
            str(self.socket_dir),
            "-p",
            str(self.port),
            *settings,
        ]
        log = self.log.open("wb")
        if self.user is not None:
            os.chown(self.log, self.user.pw_uid, self.user.pw_gid)
        self.process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            **self._run_as_server_user(),
        )
        log.close()
        self._wait_until_ready()
        with self.admin() as connection:
            connection.execute(f"CREATE DATABASE {TEMPLATE} IS_TEMPLATE true")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"PostgreSQL exited with {self.process.returncode}:\n{self.server_log()}"
                )
            try:
                psycopg.connect(self.conninfo("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"PostgreSQL did not start in {STARTUP_TIMEOUT:.0f} s:\n{self.server_log()}"
                    ) from None
                time.sleep(0.05)

    def server_log(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def conninfo(self, database: str) -> str:
        return f"host={self.socket_dir} port={self.port} user={ROLE} dbname={database}"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` on this server (psycopg 3 over the socket)."""
        return f"postgresql+psycopg://{ROLE}@/{database}?host={self.socket_dir}&port={self.port}"

    def admin(self) -> psycopg.Connection:
        """An autocommit connection to the ``postgres`` database (CREATE and DROP DATABASE)."""
        return psycopg.connect(self.conninfo("postgres"), autocommit=True)

    def create_database(self, template: str = TEMPLATE, prefix: str = "test") -> str:
        """A new database copied from ``template``; returns its name."""
        name = f"{prefix}_{next(self._names)}"
        with self.admin() as connection:
            connection.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return name

    def migrated_template(self) -> str:
        """A template database with the schema made by the migrations (made on first use)."""
        if self._migrated is None:
            name = self.create_database(prefix="migrated_template")
            open_database(self.url(name)).dispose()
            with psycopg.connect(self.conninfo(name), autocommit=True) as connection:
                self._migrated_state = _state(connection)
            self.mark_template(name)
            self._migrated = name
        return self._migrated

    def take_migrated(self) -> str:
        """A database as the migrations leave a new one: an emptied one given back by an
        earlier test, else a copy of :meth:`migrated_template`."""
        if self._pool:
            return self._pool.pop()
        return self.create_database(self.migrated_template(), prefix="migrated")

    def give_back(self, name: str) -> None:
        """Empty a database from :meth:`take_migrated` for the next test (deleting rows is far
        quicker than copying a database); one whose schema the test changed is dropped."""
        try:
            with psycopg.connect(self.conninfo(name), autocommit=True) as connection:
                connection.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                if _state(connection).schema != self._migrated_state.schema:
                    raise psycopg.Error("the test changed the schema")
                _reset(connection, self._migrated_state)
        except psycopg.Error:
            self.drop_database(name)
            return
        self._pool.append(name)

    def drop_database(self, name: str) -> None:
        with self.admin() as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def mark_template(self, name: str) -> None:
        """Let ``name`` be copied while nobody is connected to it (it is left as it is)."""
        with self.admin() as connection:
            connection.execute(
                f"ALTER DATABASE {name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS true"
            )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown: ends open connections
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass(frozen=True)
class _State:
    """What a migrated database holds besides its users' rows."""

    schema: str  # a digest of every column, index and constraint
    tables: tuple[str, ...]
    sequences: tuple[str, ...]
    rows: tuple[tuple[str, tuple[tuple[object, ...], ...]], ...]  # (table, rows) of kept tables


#: Tables whose rows the migrations write (the schema's own records).
_KEPT_TABLES = ("alembic_version", "meta")

_SCHEMA_DIGEST = """
SELECT md5(string_agg(item, '|' ORDER BY item)) FROM (
    SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' '
        || coalesce(column_default, '') AS item
    FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
) AS items
"""


def _state(connection: psycopg.Connection) -> _State:
    schema = connection.execute(_SCHEMA_DIGEST).fetchone()
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    sequences = [
        row[0]
        for row in connection.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
        )
    ]
    rows = tuple(
        (table, tuple(connection.execute(f"SELECT * FROM {table}").fetchall()))
        for table in _KEPT_TABLES
        if table in tables
    )
    return _State(schema[0] if schema else "", tuple(tables), tuple(sequences), rows)


def _reset(connection: psycopg.Connection, state: _State) -> None:
    """Delete every row and restart every sequence; put back the migrations' own rows."""
    with connection.transaction():
        connection.execute("SET LOCAL lock_timeout = '5s'")
        # Delete in any order: foreign keys are not checked for this transaction's deletes.
        connection.execute("SET LOCAL session_replication_role = replica")
        for table in state.tables:
            connection.execute(f"DELETE FROM {table}")
        for sequence in state.sequences:
            connection.execute(f"ALTER SEQUENCE {sequence} RESTART")
        for table, rows in state.rows:
            for row in rows:
                marks = ", ".join(["%s"] * len(row))
                connection.execute(f"INSERT INTO {table} VALUES ({marks})", row)


def _unavailable(reason: str) -> None:
    """Skip, or in CI (``CI=true``) fail: there the PostgreSQL tests must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgreSQLServer]:
    """The session's private PostgreSQL server (started on first use)."""
    try:
        server = PostgreSQLServer()
    except PostgreSQLUnavailable as error:
        _unavailable(str(error))
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgresql_url(postgresql_server: PostgreSQLServer) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database for one test (dropped afterwards)."""
    name = postgresql_server.create_database()
    try:
        yield postgresql_server.url(name)
    finally:
        postgresql_server.drop_database(name)
