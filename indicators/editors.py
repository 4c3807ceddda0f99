"""Editors: the accounts that may change goals, qualitative assessments and slideshows.
Everyone else reads; reading needs no account.

An editor has a name (1–:data:`MAX_NAME_LENGTH` letters, digits, ``.``, ``_``, ``-``, ``@`` and
single spaces; unique regardless of case) and a password (at least
:data:`MIN_PASSWORD_LENGTH` characters) stored only as Werkzeug's salted hash.

Signing in is slowed down against guessing: every failure is stored (:mod:`data.users`, so the
count holds across the server's workers and across servers sharing the database), and while
the last :data:`SIGN_IN_WINDOW` holds :data:`MAX_FAILURES_PER_NAME` failures for one name from
one address, or :data:`MAX_FAILURES_PER_ADDRESS` failures from one address whatever the name,
that address is refused without the password being checked. Counting per name *and* address
means nobody can lock an editor out from elsewhere by guessing at their name; the per-address
cap stops one address from trying many names.

A signed-in session names the editor by :attr:`Editor.session_id`: the account's id and a
digest of its password hash, so removing the account, or giving it a new password, ends its
sessions.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine
from werkzeug.security import check_password_hash, generate_password_hash

from data.models import utcnow
from data.users import (
    DuplicateUserError,
    UnknownUserError,
    UserError,
    UserRecord,
    clear_sign_in_failures,
    count_sign_in_failures,
    count_users,
    delete_user,
    get_user,
    insert_user,
    list_users,
    record_sign_in_failure,
    stored_secret,
)

MAX_NAME_LENGTH = 64
MIN_PASSWORD_LENGTH = 10
#: Longer passwords are refused before hashing: hashing is deliberately slow.
MAX_PASSWORD_LENGTH = 1024

#: How long failed sign-ins count.
SIGN_IN_WINDOW = dt.timedelta(minutes=15)
#: Failures for one name from one address before that address must wait.
MAX_FAILURES_PER_NAME = 5
#: Failures from one address, whatever the names tried, before it must wait.
MAX_FAILURES_PER_ADDRESS = 20

TOO_MANY_ATTEMPTS = "För många försök – vänta en stund innan du försöker igen."
WRONG_NAME_OR_PASSWORD = "Fel namn eller lösenord."

_NAME = re.compile(r"[\w.@-]+( [\w.@-]+)*")


class InvalidEditorError(UserError):
    """The name or the password breaks the rules; ``problems`` lists each, in Swedish."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Editor:
    """A signed-in editor: who they are, and the id their session carries."""

    id: int
    name: str
    session_id: str


def _token(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:24]


def _editor(user: UserRecord) -> Editor:
    return Editor(id=user.id, name=user.name, session_id=f"{user.id}:{_token(user.password_hash)}")


def _key(name: str) -> str:
    """A name as compared and counted: without surrounding space, case-folded."""
    return name.strip().casefold()[:MAX_NAME_LENGTH]


# --------------------------------------------------------------------------- accounts


def name_problems(name: str) -> list[str]:
    if not name.strip():
        return ["Namnet är tomt – ange ett namn, t.ex. anna.berg."]
    if len(name) > MAX_NAME_LENGTH:
        return [f"Namnet är för långt – högst {MAX_NAME_LENGTH} tecken."]
    if not _NAME.fullmatch(name):
        return [
            f'"{name}" går inte som namn – använd bokstäver, siffror, punkt, bindestreck, '
            "understreck, @ och enstaka mellanslag."
        ]
    return []


def password_problems(password: str) -> list[str]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"Lösenordet är för kort – minst {MIN_PASSWORD_LENGTH} tecken."]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [f"Lösenordet är för långt – högst {MAX_PASSWORD_LENGTH} tecken."]
    return []


def find_editor(engine: Engine, name: str) -> UserRecord | None:
    """The account named ``name`` regardless of case, or ``None``."""
    key = _key(name)
    return next((user for user in list_users(engine) if user.name.casefold() == key), None)


def add_editor(engine: Engine, name: str, password: str) -> Editor:
    """Create an account. Raises :class:`InvalidEditorError` listing what is wrong with the name
    and the password, :class:`~data.users.DuplicateUserError` for a name already in use (in
    any case)."""
    name = name.strip()
    problems = name_problems(name) + password_problems(password)
    if problems:
        raise InvalidEditorError(problems)
    existing = find_editor(engine, name)
    if existing is not None:
        raise DuplicateUserError(f'Det finns redan en redaktör med namnet "{existing.name}".')
    return _editor(insert_user(engine, name, generate_password_hash(password)))


def remove_editor(engine: Engine, name: str) -> UserRecord:
    """Remove the account named ``name`` (regardless of case); its sessions end. Raises
    :class:`~data.users.UnknownUserError` when there is none."""
    user = find_editor(engine, name)
    if user is None:
        raise UnknownUserError(f'Det finns ingen redaktör med namnet "{name.strip()}".')
    return delete_user(engine, user.id)


def list_editors(engine: Engine) -> list[UserRecord]:
    """Every account, by name."""
    return list_users(engine)


def has_editors(engine: Engine) -> bool:
    """Whether any account exists (without one, the dashboard is read-only)."""
    return count_users(engine) > 0


def editor_of_session(engine: Engine, session_id: str) -> Editor | None:
    """The editor a session names (:attr:`Editor.session_id`), or ``None`` when the account is
    gone or its password has changed since."""
    number, _, token = session_id.partition(":")
    if not number.isascii() or not number.isdigit():
        return None
    user = get_user(engine, int(number))
    expected = _token(user.password_hash).encode() if user is not None else b""
    if user is None or not hmac.compare_digest(token.encode("utf-8"), expected):
        return None
    return _editor(user)


# --------------------------------------------------------------------------- signing in


@dataclass(frozen=True)
class SignInOutcome:
    """A sign-in attempt: the editor, or why not (:data:`WRONG_NAME_OR_PASSWORD`,
    :data:`TOO_MANY_ATTEMPTS`) and whether it was refused for too many attempts."""

    editor: Editor | None
    message: str = ""
    limited: bool = False


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown names against, so they take as long as known ones."""
    return generate_password_hash(secrets.token_hex(16))


def is_limited(engine: Engine, name: str, address: str, now: dt.datetime | None = None) -> bool:
    """Whether ``address`` must wait before trying ``name`` again."""
    since = (now or utcnow()) - SIGN_IN_WINDOW
    address = address[:64]
    if count_sign_in_failures(engine, address=address, since=since) >= MAX_FAILURES_PER_ADDRESS:
        return True
    return (
        count_sign_in_failures(engine, address=address, name=_key(name), since=since)
        >= MAX_FAILURES_PER_NAME
    )


def sign_in(
    engine: Engine, name: str, password: str, address: str, now: dt.datetime | None = None
) -> SignInOutcome:
    """Check a name and password from ``address`` (the client's IP address).

    Refused without checking the password while the address has too many recent failures;
    otherwise a wrong name or password is stored as a failure, and a right one forgets the
    failures of that name from that address.
    """
    now = now or utcnow()
    address = (address or "okänd")[:64]
    if is_limited(engine, name, address, now):
        return SignInOutcome(None, TOO_MANY_ATTEMPTS, limited=True)
    user = find_editor(engine, name) if name.strip() else None
    checkable = 0 < len(password) <= MAX_PASSWORD_LENGTH
    known_hash = user.password_hash if user is not None else _dummy_hash()
    matches = checkable and check_password_hash(known_hash, password)
    if user is None or not matches:
        record_sign_in_failure(engine, _key(name), address, now, forget_before=now - SIGN_IN_WINDOW)
        return SignInOutcome(None, WRONG_NAME_OR_PASSWORD)
    clear_sign_in_failures(engine, _key(name), address)
    return SignInOutcome(_editor(user))


# --------------------------------------------------------------------------- the session secret


def session_secret(engine: Engine) -> str:
    """The secret that signs session cookies, generated once and stored in the database, so
    every worker and every server on the same database shares it."""
    return stored_secret(engine, lambda: secrets.token_hex(32))


__all__ = [
    "MAX_FAILURES_PER_ADDRESS",
    "MAX_FAILURES_PER_NAME",
    "MAX_NAME_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "SIGN_IN_WINDOW",
    "TOO_MANY_ATTEMPTS",
    "WRONG_NAME_OR_PASSWORD",
    "DuplicateUserError",
    "Editor",
    "InvalidEditorError",
    "SignInOutcome",
    "UnknownUserError",
    "UserError",
    "add_editor",
    "editor_of_session",
    "find_editor",
    "has_editors",
    "is_limited",
    "list_editors",
    "name_problems",
    "password_problems",
    "remove_editor",
    "session_secret",
    "sign_in",
]
