"""Why a write to the database failed, when it is no bug: the database is read-only, or another
writer holds it (a refresh is storing its run) for longer than the busy timeout.

:func:`write_error` reads the driver's error (SQLite's result code, PostgreSQL's SQLSTATE; the
message when neither is there) and returns a :class:`ReadOnlyDatabaseError` or a
:class:`DatabaseBusyError` with the Swedish message a user is shown, or ``None`` for any other
error, which callers raise as it is.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

READ_ONLY_MESSAGE = "Databasen är skrivskyddad – ändringar kan inte sparas"
BUSY_MESSAGE = "Uppdatering pågår – försök igen om en stund"

#: SQLite's primary result codes (the low byte of an extended code).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 5, 6, 8
#: PostgreSQL's SQLSTATEs: a read-only transaction (a standby, ``default_transaction_read_only``)
#: or a role without the right to write; a lock or a conflict that a retry may clear.
POSTGRESQL_READ_ONLY = frozenset({"25006", "42501"})
POSTGRESQL_BUSY = frozenset({"55P03", "40P01", "40001"})

_READ_ONLY_TEXTS = ("readonly database", "read-only database", "read-only transaction")
_BUSY_TEXTS = ("database is locked", "database table is locked", "database is busy")


class DatabaseWriteError(RuntimeError):
    """A write the database refused for a reason that is not in the data."""


class ReadOnlyDatabaseError(DatabaseWriteError):
    """The database (its file, its folder, the connection or the role) is read-only."""

    def __init__(self, message: str = READ_ONLY_MESSAGE) -> None:
        super().__init__(message)


class DatabaseBusyError(DatabaseWriteError):
    """Another writer held the database for longer than the busy timeout."""

    def __init__(self, message: str = BUSY_MESSAGE) -> None:
        super().__init__(message)


def _driver_error(error: BaseException) -> BaseException:
    return error.orig if isinstance(error, DBAPIError) and error.orig is not None else error


def write_error(error: BaseException) -> DatabaseWriteError | None:
    """The read-only or busy database behind ``error`` (SQLAlchemy's or the driver's own), or
    ``None`` when it is another error."""
    if isinstance(error, DatabaseWriteError):
        return error
    driver = _driver_error(error)
    code = getattr(driver, "sqlite_errorcode", None)
    if isinstance(code, int):
        primary = code & 0xFF
        if primary == SQLITE_READONLY:
            return ReadOnlyDatabaseError()
        if primary in (SQLITE_BUSY, SQLITE_LOCKED):
            return DatabaseBusyError()
    state = getattr(driver, "sqlstate", None) or getattr(driver, "pgcode", None)
    if state in POSTGRESQL_READ_ONLY:
        return ReadOnlyDatabaseError()
    if state in POSTGRESQL_BUSY:
        return DatabaseBusyError()
    if not isinstance(error, DBAPIError) and driver is error and not _is_driver_error(driver):
        return None
    text = str(driver).lower()
    if any(part in text for part in _READ_ONLY_TEXTS):
        return ReadOnlyDatabaseError()
    if any(part in text for part in _BUSY_TEXTS):
        return DatabaseBusyError()
    return None


def _is_driver_error(error: BaseException) -> bool:
    """A DB-API error of some driver (``sqlite3.OperationalError``, psycopg's errors …): by
    the DB-API's class names, so no driver needs importing."""
    return any(cls.__name__ in ("DatabaseError", "OperationalError") for cls in type(error).__mro__)


__all__ = [
    "BUSY_MESSAGE",
    "READ_ONLY_MESSAGE",
    "DatabaseBusyError",
    "DatabaseWriteError",
    "ReadOnlyDatabaseError",
    "write_error",
]
