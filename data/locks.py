"""Locks that every process using the same database respects, on one host or on several.

Two kinds:

* :func:`hold` – a named lock held for a whole job, taken before its first query and released
  at its end, such as an ETL run that reads from Kolada for minutes before it writes. On
  PostgreSQL it is a session-level advisory lock (``pg_try_advisory_lock``), held by one
  connection kept open for the job: every host connected to the same server sees it, and it
  goes when the process or its connection does. On SQLite (a file on one host) it is an
  exclusive ``flock`` on ``<database file>.lock`` beside the database, which the system drops
  when the process ends.
* :func:`lock_in_transaction` – a named lock held until the current transaction ends
  (``pg_advisory_xact_lock``), for short check-then-write steps that two servers starting at
  once would otherwise both take (creating the schema, replacing the goal catalogue). SQLite
  needs none: it lets one writer at a time write the whole file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import logging
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select, text

log = logging.getLogger(__name__)

#: The ETL's writes of Kolada data (refresh, load) and the demo data build: one at a time.
ETL_LOCK = "etl"
#: Creating or upgrading the schema.
SCHEMA_LOCK = "schema"
#: Replacing the goal catalogue's rows.
GOAL_CATALOGUE_LOCK = "goal-catalogue"


class LockBusyError(RuntimeError):
    """Another process holds the lock (:func:`hold` with ``wait=False``): ``where`` it runs
    (host and process on SQLite, client address on PostgreSQL; "" when unknown) and ``since``
    when it has held it or been connected (``None`` when unknown)."""

    def __init__(self, name: str, where: str = "", since: dt.datetime | None = None) -> None:
        self.name = name
        self.where = where
        self.since = since
        super().__init__(f"the lock {name!r} is held by another process")


def lock_key(name: str) -> int:
    """The signed 64-bit key PostgreSQL's advisory locks take, derived from ``name`` (and
    the same in every process)."""
    digest = hashlib.sha256(f"dalarna-indicators/{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.contextmanager
def hold(engine: Engine, name: str, *, wait: bool = False) -> Iterator[None]:
    """Hold the lock ``name`` for the block; raises :class:`LockBusyError` when another
    process holds it, or with ``wait`` waits until it is free."""
    dialect = engine.dialect.name
    if dialect == "postgresql":
        with _postgresql_lock(engine, name, wait):
            yield
    elif dialect == "sqlite":
        with _sqlite_lock(engine, name, wait):
            yield
    else:
        log.warning("No lock %r on %s: nothing stops two such jobs running at once", name, dialect)
        yield


@contextlib.contextmanager
def _postgresql_lock(engine: Engine, name: str, wait: bool) -> Iterator[None]:
    key = lock_key(name)
    with engine.connect() as connection:
        if wait:
            connection.execute(select(func.pg_advisory_lock(key)))
        elif not connection.scalar(select(func.pg_try_advisory_lock(key))):
            connection.rollback()
            raise LockBusyError(name, *_postgresql_holder(connection, key))
        # A session lock outlives the transaction: end it, so the connection does not sit
        # "idle in transaction" while the job runs on other connections.
        connection.commit()
        try:
            yield
        finally:
            try:
                connection.execute(select(func.pg_advisory_unlock(key)))
                connection.commit()
            except Exception as error:  # a broken connection has released it already
                log.warning("Releasing the lock %r: %s", name, str(error).splitlines()[0])


def _postgresql_holder(connection: Connection, key: int) -> tuple[str, dt.datetime | None]:
    """The client address of the holder of advisory lock ``key`` and when it connected, as far
    as this role may see them (another role's address is hidden)."""
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    row = connection.execute(
        text(
            "SELECT coalesce(host(a.client_addr), ''), a.backend_start FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
            "AND l.granted AND l.classid::bigint = :high AND l.objid::bigint = :low "
            "AND l.objsubid = 1 LIMIT 1"
        ),
        {"high": unsigned >> 32, "low": unsigned & 0xFFFF_FFFF},
    ).first()
    connection.rollback()
    return (row[0], row[1]) if row is not None else ("", None)


@contextlib.contextmanager
def _sqlite_lock(engine: Engine, name: str, wait: bool) -> Iterator[None]:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield  # a database of this process alone
        return
    path = Path(f"{database}.{name}.lock")
    try:
        handle = path.open("a+", encoding="utf-8")
    except OSError as error:  # a folder this process may not write in: nor the database
        log.warning("No lock file %s (%s): going on without the lock", path, error.strerror)
        yield
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            raise LockBusyError(name, *_file_holder(handle.read())) from None
        try:
            handle.seek(0)
            handle.truncate()
            started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            handle.write(f"{socket.gethostname()} {os.getpid()} {started}\n")
            handle.flush()
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _file_holder(content: str) -> tuple[str, dt.datetime | None]:
    """Host and process, and since when, from a lock file's line."""
    parts = content.split()
    if len(parts) != 3:
        return "", None
    host, pid, started = parts
    try:
        return f"{host}, process {pid}", dt.datetime.fromisoformat(started)
    except ValueError:
        return f"{host}, process {pid}", None


def lock_in_transaction(connection: Connection, name: str) -> None:
    """Wait for, and hold until the transaction ends, the lock ``name`` (PostgreSQL; on SQLite
    the transaction's own write lock does the same)."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(lock_key(name))))
