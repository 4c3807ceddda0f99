"""Opening the database: configuration, SQLite pragmas, schema version and migrations.

The database is chosen by an explicit URL, else the ``DATABASE_URL`` environment variable,
else a SQLite file under ``data/``. The schema is created and upgraded by the Alembic
revisions in ``data/migrations`` (see :func:`open_database`).

A read-only SQLite database (its file, or the folder it lies in) is opened read-only, and
:func:`database_writable` tells whether writes can succeed, so that readers (the dashboard,
``etl status``) work on it and writers say so before they start. SQLite waits
:data:`BUSY_TIMEOUT_VARIABLE` seconds for another writer (default
:data:`DEFAULT_BUSY_TIMEOUT_SECONDS`), well below gunicorn's worker timeout, before a write
fails as busy (:mod:`data.database_errors`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from alembic import command
from alembic.migration import MigrationContext
from sqlalchemy import (
    URL,
    Connection,
    Engine,
    create_engine,
    event,
    false,
    insert,
    inspect,
    make_url,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from data import migrations
from data.database_errors import (
    READ_ONLY_MESSAGE,
    DatabaseBusyError,
    ReadOnlyDatabaseError,
    write_error,
)
from data.locks import SCHEMA_LOCK, lock_in_transaction
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


#: How long SQLite waits for another writer before a write fails as busy, in seconds.
BUSY_TIMEOUT_VARIABLE = "SQLITE_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT_SECONDS = 10.0
#: SQLite's result code for a file it cannot open.
SQLITE_CANTOPEN = 14
#: SQLite URI parameters that open a database read-only.
_READ_ONLY_URI = (("mode", "ro"), ("immutable", "1"))


class SchemaVersionError(RuntimeError):
    """The database was written by another version of the schema and cannot be migrated."""


def busy_timeout_ms() -> int:
    """SQLite's busy timeout in milliseconds, from :data:`BUSY_TIMEOUT_VARIABLE` (seconds)."""
    text_value = os.environ.get(BUSY_TIMEOUT_VARIABLE, "").strip()
    if not text_value:
        return int(DEFAULT_BUSY_TIMEOUT_SECONDS * 1000)
    try:
        seconds = float(text_value.replace(",", "."))
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise ValueError(
            f"{BUSY_TIMEOUT_VARIABLE}={text_value!r}: ange sekunder, 0–3600 (t.ex. 10)"
        )
    return int(seconds * 1000)


def database_url(url: str | None = None) -> str:
    """The database URL: the argument, else ``DATABASE_URL``, else the default SQLite file."""
    return url or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE_PATH}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    # WAL lets the dashboard read while the ETL writes; memory databases stay in "memory".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_read_only_pragmas(dbapi_connection, _record) -> None:
    """A read-only connection: no journal mode to set (that writes), and no write at all."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def is_read_only_url(url: str | URL) -> bool:
    """Whether ``url`` opens a SQLite database read-only (``mode=ro`` or ``immutable=1``)."""
    url = make_url(url)
    return url.get_backend_name() == "sqlite" and any(
        url.query.get(key) == value for key, value in _READ_ONLY_URI
    )


def make_engine(url: str | URL | None = None, *, read_only: bool = False) -> Engine:
    """An engine for the configured database (not yet checked or created); ``read_only`` (or a
    SQLite URL with ``mode=ro`` or ``immutable=1``) connects without writing anything."""
    url = database_url(url) if not isinstance(url, URL) else url
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        read_only = read_only or is_read_only_url(engine.url)
        pragmas = _sqlite_read_only_pragmas if read_only else _sqlite_pragmas
        event.listen(engine, "connect", pragmas)
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

    A SQLite database that cannot be written (a read-only file or folder) is opened
    read-only instead (:func:`_open_sqlite_read_only`), if its schema is current.

    Raises :class:`SchemaVersionError` for a database this code cannot use: one written by a
    newer program (an unknown revision, or a newer ``schema_version``), one with tables but
    no schema version, or a read-only one that would need an upgrade.
    """
    engine = make_engine(url)
    where = engine.url.render_as_string(hide_password=True)
    try:
        with engine.begin() as connection:
            # Two servers starting at once on a new PostgreSQL database: one creates the
            # schema, the other waits and then finds it there.
            lock_in_transaction(connection, SCHEMA_LOCK)
            _bring_schema_up_to_date(connection, where)
    except DBAPIError as error:
        engine.dispose()
        if engine.dialect.name == "sqlite" and _cannot_write_sqlite(error):
            if not is_read_only_url(engine.url):
                return _open_sqlite_read_only(engine.url, where, error)
            if _readable(engine.url):  # opened read-only as asked, but the schema needs writing
                raise _schema_needs_writing(where) from None
        raise
    except BaseException:
        engine.dispose()
        raise
    return engine


def _readable(target: Engine | URL) -> bool:
    """Whether the SQLite database can be read (a WAL database in a read-only folder cannot,
    opened other than ``immutable``); ``False`` for an error that says so."""
    engine = target if isinstance(target, Engine) else make_engine(target, read_only=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
    except DBAPIError as failure:
        if _cannot_write_sqlite(failure):
            return False
        raise
    finally:
        if engine is not target:
            engine.dispose()
    return True


def _schema_needs_writing(where: str) -> SchemaVersionError:
    return SchemaVersionError(
        f"{where} är skrivskyddad, och dess schema måste skapas eller uppgraderas, vilket "
        "kräver skrivrätt: ge skrivrätt till databasfilen och mappen den ligger i, och försök "
        "igen."
    )


def _cannot_write_sqlite(error: DBAPIError) -> bool:
    """SQLite could not write: a read-only file or folder, or on a read-only file system
    "unable to open database file" (a WAL database's shared-memory file cannot be made)."""
    if isinstance(write_error(error), ReadOnlyDatabaseError):
        return True
    code = getattr(error.orig, "sqlite_errorcode", None)
    return (code & 0xFF if isinstance(code, int) else None) == SQLITE_CANTOPEN or (
        "unable to open database file" in str(error.orig)
    )


def _open_sqlite_read_only(url: URL, where: str, error: DBAPIError) -> Engine:
    """Open a SQLite database that cannot be written: with ``mode=ro``, and where even reading
    needs a write (a WAL database in a read-only folder, whose shared-memory file cannot be
    made) with ``immutable=1``, which reads the file as it stands. Its schema must be current:
    nothing can be migrated."""
    path = url.database
    if not path or path == ":memory:" or path.startswith("file:") or not Path(path).is_file():
        raise error
    for key, value in _READ_ONLY_URI:
        read_only_url = url.set(
            database=Path(path).resolve().as_uri(), query={key: value, "uri": "true"}
        )
        engine = make_engine(read_only_url, read_only=True)
        if not _readable(engine):
            engine.dispose()
            continue
        try:
            with engine.connect() as connection:
                _bring_schema_up_to_date(connection, where)
        except DBAPIError as failure:
            engine.dispose()
            if isinstance(write_error(failure), ReadOnlyDatabaseError):
                raise _schema_needs_writing(where) from None
            raise
        log.warning("%s is read-only: opened read-only (%s=%s)", where, key, value)
        return engine
    raise error


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


def database_writable(engine: Engine) -> bool:
    """Whether a write to ``engine``'s database can succeed: an update of no row, rolled back
    (on SQLite without waiting for another writer; one that holds the database means it is
    writable). ``False`` for a read-only database, connection or role."""
    if engine.dialect.name == "sqlite" and is_read_only_url(engine.url):
        return False
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA busy_timeout=0")
        try:
            connection.execute(update(Meta).where(false()).values(value=Meta.value))
        except DBAPIError as error:
            problem = write_error(error)
            if problem is None:
                raise
            return isinstance(problem, DatabaseBusyError)
        finally:
            connection.rollback()
            if sqlite:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    return True


def database_label(url: URL) -> str:
    """The database's URL for a message, without password; a SQLite file opened read-only by
    its ``file:`` URI is named by its path."""
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database.startswith("file:"):
        return f"sqlite:///{unquote(urlsplit(database).path)}"
    return url.render_as_string(hide_password=True)


def require_writable(engine: Engine) -> None:
    """Raise :class:`~data.database_errors.ReadOnlyDatabaseError` naming the database when it
    cannot be written (:func:`database_writable`)."""
    if not database_writable(engine):
        where = database_label(engine.url)
        raise ReadOnlyDatabaseError(
            f"{READ_ONLY_MESSAGE} ({where}). Ge skrivrätt till databasen (för SQLite: filen "
            "och mappen den ligger i) eller välj en annan databas med DATABASE_URL eller "
            "--database-url."
        )


def get_meta(session: Session, key: str) -> str | None:
    return session.scalar(select(Meta.value).where(Meta.key == key))


def set_meta(session: Session, key: str, value: str) -> None:
    session.merge(Meta(key=key, value=value))


def data_origin(engine: Engine) -> str | None:
    """``"demo"`` when the database holds the bundled demo data, ``"kolada"`` after a real
    refresh or load, ``None`` when nothing has been stored yet."""
    with Session(engine) as session:
        return get_meta(session, DATA_ORIGIN_KEY)
