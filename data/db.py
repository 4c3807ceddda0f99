"""Opening the database: configuration, SQLite pragmas, schema version and migrations.

The database is chosen by an explicit URL, else the ``DATABASE_URL`` environment variable,
else a SQLite file under ``data/``. The schema is created and upgraded by the Alembic
revisions in ``data/migrations`` (see :func:`open_database`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from alembic import command
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, event, insert, inspect, select, update
from sqlalchemy.orm import Session

from data import migrations
from data.migrations import legacy
from data.models import SCHEMA_VERSION, Meta

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent
DEFAULT_DATABASE_PATH = DATA_DIR / "dashboard.sqlite"

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
    with engine.connect() as connection:
        return _schema_version(connection)


def _schema_version(connection: Connection) -> int | None:
    if not inspect(connection).has_table(Meta.__tablename__):
        return None
    value = connection.scalar(select(Meta.value).where(Meta.key == SCHEMA_VERSION_KEY))
    return int(value) if value is not None else None


def open_database(url: str | None = None) -> Engine:
    """Open the database, creating the schema in an empty one and upgrading an older one.

    * An empty database: the Alembic revisions create the schema.
    * A database at an Alembic revision: upgraded to the newest revision (head), if it is
      not there already.
    * A database from before Alembic (a ``schema_version`` in ``meta``, no
      ``alembic_version``): versions 1 and 2 are first migrated to version 3, whose schema is
      that of the first revision; then it is stamped at that revision and upgraded to head.

    Every database opened records :data:`~data.models.SCHEMA_VERSION` in ``meta`` too. All of
    it runs in one transaction, which on PostgreSQL includes the schema changes; SQLite's
    driver commits a schema change made before the transaction's first row change at once.

    Raises :class:`SchemaVersionError` for a database this code cannot use: one written by a
    newer program (an unknown revision, or a newer ``schema_version``), or one with tables but
    no schema version.
    """
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            _bring_schema_up_to_date(connection, engine.url.render_as_string(hide_password=True))
    except BaseException:
        engine.dispose()
        raise
    return engine


def _bring_schema_up_to_date(connection: Connection, where: str) -> None:
    tables = set(inspect(connection).get_table_names())
    revisions: tuple[str, ...] = ()
    if migrations.VERSION_TABLE in tables:
        revisions = MigrationContext.configure(connection).get_current_heads()
    version = _schema_version(connection)
    script = migrations.script_directory()
    head = migrations.head_revision(script)
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = [revision for revision in revisions if revision not in known]
    if unknown:
        raise SchemaVersionError(
            f"{where} has schema revision {', '.join(unknown)}, which this program does not "
            f"know (its newest is {head}): upgrade the program, or point DATABASE_URL at "
            "another database."
        )
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{where} has schema version {version}, newer than this program's "
            f"{SCHEMA_VERSION}: upgrade the program, or point DATABASE_URL at another database."
        )
    if version is not None and version < migrations.FIRST_REVISION_SCHEMA_VERSION:
        # Only a program from before Alembic writes such a version, and its tables are what
        # that version had, whatever an alembic_version table may say.
        revisions = ()
    config = migrations.alembic_config(connection)
    if revisions:
        if revisions != (head,):
            log.info("Upgrading database schema %s → %s", ", ".join(revisions), head)
            command.upgrade(config, "head")
    elif version is None:
        if tables - {migrations.VERSION_TABLE}:
            raise SchemaVersionError(
                f"{where}: the database has tables but no schema version; it was not written "
                "by this dashboard."
            )
        log.info("Creating database schema (revision %s)", head)
        command.upgrade(config, "head")
    else:
        _adopt_database_from_before_alembic(connection, where, version, head)
    if version is None:
        connection.execute(insert(Meta).values(key=SCHEMA_VERSION_KEY, value=str(SCHEMA_VERSION)))
    elif version != SCHEMA_VERSION:
        connection.execute(
            update(Meta).where(Meta.key == SCHEMA_VERSION_KEY).values(value=str(SCHEMA_VERSION))
        )


def _adopt_database_from_before_alembic(
    connection: Connection, where: str, version: int, head: str
) -> None:
    """Bring a database that has a ``schema_version`` but no Alembic revision to version 3,
    stamp it at the first revision (which is version 3) and upgrade it to ``head``."""
    first_version = migrations.FIRST_REVISION_SCHEMA_VERSION
    if version > first_version:
        raise SchemaVersionError(
            f"{where} has schema version {version} but no schema revision; it was not "
            "written by this dashboard's migrations: rebuild it with "
            "`python -m etl refresh --full` into a new database."
        )
    if not legacy.can_migrate(version):
        raise SchemaVersionError(
            f"{where} has schema version {version} and no migration to {version + 1} exists: "
            "rebuild it with `python -m etl refresh --full` into a new database."
        )
    legacy.migrate_to_first_revision(connection, version)
    log.info(
        "Database schema version %d is revision %s: stamping it",
        first_version,
        migrations.FIRST_REVISION,
    )
    config = migrations.alembic_config(connection)
    command.stamp(config, migrations.FIRST_REVISION)
    if head != migrations.FIRST_REVISION:
        log.info("Upgrading database schema %s → %s", migrations.FIRST_REVISION, head)
        command.upgrade(config, "head")


def get_meta(session: Session, key: str) -> str | None:
    return session.scalar(select(Meta.value).where(Meta.key == key))


def set_meta(session: Session, key: str, value: str) -> None:
    session.merge(Meta(key=key, value=value))


def data_origin(engine: Engine) -> str | None:
    """``"demo"`` when the database holds the bundled demo data, ``"kolada"`` after a real
    refresh or load, ``None`` when nothing has been stored yet."""
    with Session(engine) as session:
        return get_meta(session, DATA_ORIGIN_KEY)
