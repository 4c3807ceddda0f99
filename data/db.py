"""Opening the database: configuration, SQLite pragmas, schema version and migrations.

The database is chosen by an explicit URL, else the ``DATABASE_URL`` environment variable,
else a SQLite file under ``data/``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.orm import Session

from data.models import SCHEMA_VERSION, Base, Meta

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent
DEFAULT_DATABASE_PATH = DATA_DIR / "dashboard.sqlite"


def _add_follow_up_tables(engine: Engine) -> None:
    """Version 1 → 2: slideshows and qualitative assessments (new tables only)."""
    from data.models import QualitativeAssessment, Slideshow

    Base.metadata.create_all(engine, tables=[Slideshow.__table__, QualitativeAssessment.__table__])


def _cluster_observations(engine: Engine) -> None:
    """Version 2 → 3: on SQLite, rebuild ``observations`` clustered on its key (WITHOUT ROWID,
    key order KPI, area, gender, year), so reading series needs no second lookup per row.
    Other databases keep their table (the key is the same set of columns)."""
    from data.models import Observation

    if engine.dialect.name != "sqlite":
        return
    columns = "kpi_id, area_id, gender, year, value, status, count"
    with engine.begin() as connection:
        for index in Observation.__table__.indexes:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {index.name}")
        connection.exec_driver_sql("ALTER TABLE observations RENAME TO observations_v2")
        Observation.__table__.create(connection)
        connection.exec_driver_sql(
            f"INSERT INTO observations ({columns}) SELECT {columns} FROM observations_v2"
        )
        connection.exec_driver_sql("DROP TABLE observations_v2")


#: Steps that bring a database from version N to N + 1, keyed by N.
MIGRATIONS: dict[int, Callable[[Engine], None]] = {
    1: _add_follow_up_tables,
    2: _cluster_observations,
}

#: Keys in the ``meta`` table.
SCHEMA_VERSION_KEY = "schema_version"
DATA_ORIGIN_KEY = "data_origin"  # "demo" or "kolada"
DATA_ORIGIN_DEMO = "demo"
DATA_ORIGIN_KOLADA = "kolada"


class SchemaVersionError(RuntimeError):
    """The database was written by another version of the schema and cannot be migrated."""


def database_url(url: str | None = None) -> str:
    """The database URL: the argument, else ``DATABASE_URL``, else the default SQLite file."""
    return url or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE_PATH}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # WAL lets the dashboard read while the ETL writes; memory databases stay in "memory".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for the configured database (not yet checked or created)."""
    url = database_url(url)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def stored_schema_version(engine: Engine) -> int | None:
    """The schema version recorded in the database, ``None`` for an empty database."""
    if not inspect(engine).has_table(Meta.__tablename__):
        return None
    with Session(engine) as session:
        value = session.scalar(select(Meta.value).where(Meta.key == SCHEMA_VERSION_KEY))
    return int(value) if value is not None else None


def open_database(url: str | None = None) -> Engine:
    """Open the database, creating the schema in an empty one and migrating an older one.

    Raises :class:`SchemaVersionError` for a database of a version this code cannot use.
    """
    engine = make_engine(url)
    version = stored_schema_version(engine)
    if version is None:
        if inspect(engine).get_table_names():
            raise SchemaVersionError(
                f"{engine.url.render_as_string(hide_password=True)}: the database has tables "
                "but no schema version; it was not written by this dashboard."
            )
        Base.metadata.create_all(engine)
        with Session(engine) as session, session.begin():
            session.merge(Meta(key=SCHEMA_VERSION_KEY, value=str(SCHEMA_VERSION)))
        return engine
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{engine.url.render_as_string(hide_password=True)} has schema version {version}, "
            f"newer than this program's {SCHEMA_VERSION}: upgrade the program, or point "
            "DATABASE_URL at another database."
        )
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise SchemaVersionError(
                f"{engine.url.render_as_string(hide_password=True)} has schema version {version} "
                f"and no migration to {version + 1} exists: rebuild it with "
                "`python -m etl refresh --full` into a new database."
            )
        log.info("Migrating database schema %d → %d", version, version + 1)
        step(engine)
        version += 1
        with Session(engine) as session, session.begin():
            session.merge(Meta(key=SCHEMA_VERSION_KEY, value=str(version)))
    # Tables added in this version without data changes are created here.
    Base.metadata.create_all(engine)
    return engine


def get_meta(session: Session, key: str) -> str | None:
    return session.scalar(select(Meta.value).where(Meta.key == key))


def set_meta(session: Session, key: str, value: str) -> None:
    session.merge(Meta(key=key, value=value))


def data_origin(engine: Engine) -> str | None:
    """``"demo"`` when the database holds the bundled demo data, ``"kolada"`` after a real
    refresh or load, ``None`` when nothing has been stored yet."""
    with Session(engine) as session:
        return get_meta(session, DATA_ORIGIN_KEY)
