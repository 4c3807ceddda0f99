"""Stored editor accounts (``users``), failed sign-ins (``sign_in_failures``) and the session
secret kept in ``meta``.

Storage only: the functions here read and write rows exactly as given. Checking names and
passwords, hashing and deciding when sign-ins are refused is the domain's
(:mod:`indicators.editors`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from data.database_errors import ReadOnlyDatabaseError, write_error
from data.db import get_meta
from data.models import Meta, SignInFailure, User

log = logging.getLogger(__name__)

#: The ``meta`` key of the generated session secret (used when ``SECRET_KEY`` is not set).
SECRET_KEY_META = "session_secret_key"


class UserError(ValueError):
    """An account operation that cannot be done; the message is in Swedish, for the user."""


class DuplicateUserError(UserError):
    """An account with that name already exists."""


class UnknownUserError(UserError):
    """No account with that name exists."""


@dataclass(frozen=True)
class UserRecord:
    """One stored account."""

    id: int
    name: str
    password_hash: str
    created_at: dt.datetime


def _record(model: User) -> UserRecord:
    return UserRecord(
        id=model.id,
        name=model.name,
        password_hash=model.password_hash,
        created_at=model.created_at,
    )


# --------------------------------------------------------------------------- accounts


def list_users(engine: Engine) -> list[UserRecord]:
    """Every account, by name (case-insensitive)."""
    with Session(engine) as session:
        models = session.scalars(select(User).order_by(func.lower(User.name), User.id))
        return [_record(model) for model in models]


def count_users(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


def get_user(engine: Engine, user_id: int) -> UserRecord | None:
    """The account with ``user_id``, or ``None``."""
    with Session(engine) as session:
        model = session.get(User, user_id)
        return _record(model) if model is not None else None


def insert_user(engine: Engine, name: str, password_hash: str) -> UserRecord:
    """Store an account; raises :class:`DuplicateUserError` when the name is taken."""
    try:
        with Session(engine) as session, session.begin():
            model = User(name=name, password_hash=password_hash)
            session.add(model)
            session.flush()
            record = _record(model)
    except IntegrityError:
        raise DuplicateUserError(f'Det finns redan en redaktör med namnet "{name}".') from None
    log.info("Editor account added: %s", name)
    return record


def delete_user(engine: Engine, user_id: int) -> UserRecord:
    """Remove an account; raises :class:`UnknownUserError` when it is not there."""
    with Session(engine) as session, session.begin():
        model = session.get(User, user_id)
        if model is None:
            raise UnknownUserError(f"Det finns ingen redaktör med id {user_id}.")
        record = _record(model)
        session.delete(model)
    log.info("Editor account removed: %s", record.name)
    return record


# --------------------------------------------------------------------------- failed sign-ins


def record_sign_in_failure(
    engine: Engine, name: str, address: str, at: dt.datetime, *, forget_before: dt.datetime
) -> None:
    """Store a failed sign-in, and delete the failures from before ``forget_before``."""
    with Session(engine) as session, session.begin():
        session.execute(delete(SignInFailure).where(SignInFailure.failed_at < forget_before))
        session.add(SignInFailure(name=name, address=address, failed_at=at))


def count_sign_in_failures(
    engine: Engine, *, address: str, since: dt.datetime, name: str | None = None
) -> int:
    """The failed sign-ins from ``address`` (for ``name``, if given) since ``since``."""
    query = select(func.count()).select_from(SignInFailure)
    query = query.where(SignInFailure.address == address, SignInFailure.failed_at >= since)
    if name is not None:
        query = query.where(SignInFailure.name == name)
    with Session(engine) as session:
        return session.scalar(query) or 0


def clear_sign_in_failures(engine: Engine, name: str, address: str) -> None:
    """Forget the failed sign-ins for ``name`` from ``address`` (after a successful one)."""
    with Session(engine) as session, session.begin():
        session.execute(
            delete(SignInFailure).where(
                SignInFailure.name == name, SignInFailure.address == address
            )
        )


# --------------------------------------------------------------------------- session secret


def stored_secret(engine: Engine, generate: Callable[[], str]) -> str:
    """The session secret stored in ``meta``; the first caller stores ``generate()``.

    Inserted, never overwritten: when several workers or servers start at once, one insert
    wins and every caller returns the stored value.
    """
    with Session(engine) as session:
        stored = get_meta(session, SECRET_KEY_META)
    if stored:
        return stored
    try:
        with Session(engine) as session, session.begin():
            session.add(Meta(key=SECRET_KEY_META, value=generate()))
        log.info("Generated the session secret and stored it in the database")
    except IntegrityError:
        log.info("Another process stored the session secret first")
    except DBAPIError as error:
        if not isinstance(write_error(error), ReadOnlyDatabaseError):
            raise
        # A read-only database (the dashboard runs read-only): this process's own secret,
        # shared by gunicorn's workers, which fork after the app is built.
        log.warning("The database is read-only: the session secret is not stored (set SECRET_KEY)")
        return generate()
    with Session(engine) as session:
        stored = get_meta(session, SECRET_KEY_META)
    if not stored:  # pragma: no cover - the insert above or another one succeeded
        raise RuntimeError("the session secret could not be stored")
    return stored


__all__ = [
    "SECRET_KEY_META",
    "DuplicateUserError",
    "UnknownUserError",
    "UserError",
    "UserRecord",
    "clear_sign_in_failures",
    "count_sign_in_failures",
    "count_users",
    "delete_user",
    "get_user",
    "insert_user",
    "list_users",
    "record_sign_in_failure",
    "stored_secret",
]
