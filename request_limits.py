"""The largest request body the dashboard reads, and a Swedish answer to a larger one.

Flask's ``MAX_CONTENT_LENGTH`` is set from ``MAX_REQUEST_BYTES`` (default
:data:`DEFAULT_MAX_REQUEST_BYTES`, 4 MiB: a goal file at its largest,
:data:`indicators.goal_csv.MAX_GOAL_FILE_BYTES`, travels base64-encoded in one callback
request). A body announced larger (``Content-Length``) is refused before anything reads it, with
status 413 and :data:`TOO_LARGE_MESSAGE` as plain text, as is one Werkzeug finds larger while
it parses it (a body without ``Content-Length`` is read at most to the limit). The callback
endpoint is
the exception: its own guard (``layouts.parts.request_guard``) reads callback bodies within the
same limit and answers a larger one with status 400 and its own Swedish message ("Felaktig
begäran: begäran är för stor …"). The page's script (``assets/limits.js``) shows either answer
in the page when a callback request gets it.

The app calls :func:`request_limit` at the start of ``create_app`` (a bad ``MAX_REQUEST_BYTES``
stops the start with a message) and :func:`add_request_limit` once the app is built.
"""

from __future__ import annotations

import os

import flask
from dash import Dash
from werkzeug.exceptions import RequestEntityTooLarge

MAX_REQUEST_BYTES_VARIABLE = "MAX_REQUEST_BYTES"
DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024
#: The smallest limit accepted: the dashboard's own callbacks send tens of kilobytes.
MIN_REQUEST_BYTES = 64 * 1024


def megabytes(size: int) -> str:
    """A byte count in MB with a decimal comma where needed: 4194304 → "4 MB"."""
    value = size / (1024 * 1024)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} MB"


def too_large_message(limit: int) -> str:
    return (
        f"Begäran är för stor: instrumentpanelen tar emot högst {megabytes(limit)} åt gången. "
        "En målfil eller bildspelsfil som är så stor går inte att ladda upp; dela upp den i "
        "mindre filer."
    )


#: The message with the default limit.
TOO_LARGE_MESSAGE = too_large_message(DEFAULT_MAX_REQUEST_BYTES)


def request_limit(value: str | None = None) -> int:
    """The largest request body in bytes: ``value``, else ``MAX_REQUEST_BYTES``, else the
    default. Raises :class:`ValueError` (in Swedish) for a value that is not a whole number of
    bytes of at least :data:`MIN_REQUEST_BYTES`."""
    text = value if value is not None else os.environ.get(MAX_REQUEST_BYTES_VARIABLE, "")
    text = text.strip().replace(" ", "").replace("_", "")
    if not text:
        return DEFAULT_MAX_REQUEST_BYTES
    if not text.isdigit() or int(text) < MIN_REQUEST_BYTES:
        raise ValueError(
            f"{MAX_REQUEST_BYTES_VARIABLE}={text!r}: ange antal byte, minst {MIN_REQUEST_BYTES} "
            f"(standard {DEFAULT_MAX_REQUEST_BYTES})"
        )
    return int(text)


def too_large_response(limit: int) -> flask.Response:
    response = flask.make_response(too_large_message(limit) + "\n", 413)
    response.mimetype = "text/plain"
    response.headers["X-Request-Limit"] = str(limit)
    return response


def add_request_limit(app: Dash, limit: int) -> None:
    """Refuse request bodies larger than ``limit`` bytes with status 413 and a Swedish
    message."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = limit

    callbacks = app.config.routes_pathname_prefix + "_dash-update-component"

    @server.before_request
    def _refuse_large_bodies() -> flask.Response | None:
        request = flask.request
        length = request.content_length
        if length is not None and length > limit and request.path != callbacks:
            return too_large_response(limit)
        return None

    @server.errorhandler(RequestEntityTooLarge)
    def _too_large(_error: RequestEntityTooLarge) -> flask.Response:
        return too_large_response(limit)


__all__ = [
    "DEFAULT_MAX_REQUEST_BYTES",
    "MAX_REQUEST_BYTES_VARIABLE",
    "TOO_LARGE_MESSAGE",
    "add_request_limit",
    "megabytes",
    "request_limit",
    "too_large_message",
]
