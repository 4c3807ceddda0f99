"""Removals confirmed on the server, not by what the browser says.

Removing a goal, an assessment or a slideshow takes two steps. The first (the "Ta bort" button)
asks the server for a confirmation: :func:`removal_token` signs, with the server's secret key,
what is to be removed (kind, id, the version shown), by whom and when. The page keeps the token
and shows the question; the second step (the "OK" of the question) sends it back, and
:func:`confirmed_version` accepts it only when the signature holds, it is at most
:data:`CONFIRMATION_MAX_AGE` seconds old and it names the same kind, record and editor. A
request that skips the first step, or reuses a token for another record or another editor,
removes nothing. The version it returns is the one the editor saw, so a record changed by
someone else in between is not removed either (the storage layer compares versions).

Signed with :mod:`itsdangerous`, the library Flask signs its session cookie with.
"""

from __future__ import annotations

import logging

import flask
from itsdangerous import BadSignature, URLSafeTimedSerializer

log = logging.getLogger(__name__)

#: How long a confirmation question may stay open, in seconds.
CONFIRMATION_MAX_AGE = 600
_SALT = "removal-confirmation"

#: What the editor is told when a removal arrives without a valid confirmation.
NOT_CONFIRMED = (
    "Borttagningen är inte bekräftad (frågan var för gammal eller gällde något annat). "
    "Klicka på Ta bort igen och bekräfta."
)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(flask.current_app.secret_key, salt=_SALT)


def removal_token(kind: str, record_id: int | str, version: int | None, editor: str) -> str:
    """A signed confirmation that ``editor`` asked to remove record ``record_id`` of ``kind``
    as shown at ``version``."""
    return _serializer().dumps([kind, str(record_id), version, editor])


def confirmed_version(
    token: object, kind: str, record_id: int | str, editor: str
) -> tuple[bool, int | None]:
    """Whether ``token`` confirms removing record ``record_id`` of ``kind`` by ``editor``, and
    the version the editor was shown (``None`` when the page knew none)."""
    if not isinstance(token, str) or not token:
        return False, None
    try:
        content = _serializer().loads(token, max_age=CONFIRMATION_MAX_AGE)
    except BadSignature as error:  # also SignatureExpired
        log.warning("Removal of %s %s by %s refused: %s", kind, record_id, editor, error)
        return False, None
    if not (isinstance(content, list) and len(content) == 4):
        return False, None
    token_kind, token_id, version, token_editor = content
    if (token_kind, token_id, token_editor) != (kind, str(record_id), editor):
        log.warning(
            "Removal of %s %s by %s refused: the token names another", kind, record_id, editor
        )
        return False, None
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        return False, None
    return True, version


__all__ = ["CONFIRMATION_MAX_AGE", "NOT_CONFIRMED", "confirmed_version", "removal_token"]
