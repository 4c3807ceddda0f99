"""What the pages say when the database cannot take a change: the read-only banner on every page,
and the answer of any write callback whose write the database refused.

The app starts read-only on a database it cannot write (``app.create_app``); the shell then shows
:func:`read_only_banner`. Every callback runs under :func:`write_failure` (Dash's ``on_error``):
a write refused because the database is read-only, or busy for longer than SQLite's busy timeout
while a refresh stores its run, is answered with the Swedish message of
:mod:`data.database_errors` in the callback's own message box (an output whose id names a
``message``), or else in the shell's message area – never with a server error. Any other
exception is raised again as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import dash
import flask
from dash import html
from dash.exceptions import MissingCallbackContextException
from sqlalchemy.exc import DBAPIError

from data.database_errors import READ_ONLY_MESSAGE, write_error

log = logging.getLogger(__name__)

#: The shell's own message area, for a callback without a message box of its own.
SHELL_MESSAGE_ID = "database-message"


def read_only_banner(read_only: bool) -> html.Div | None:
    """The banner on every page while the database is read-only."""
    if not read_only:
        return None
    return html.Div(
        [
            html.Strong(f"{READ_ONLY_MESSAGE}. "),
            "Instrumentpanelen visar det som finns i databasen, men mål, bedömningar och "
            "bildspel kan inte läggas till, ändras eller tas bort.",
        ],
        className="read-only-banner",
        role="status",
        id="read-only-banner",
    )


def shell_message_area() -> html.Div:
    """Where a refused write is told when its callback has no message box."""
    return html.Div(id=SHELL_MESSAGE_ID, className="database-message", **{"aria-live": "polite"})


def _outputs(items: Any) -> Iterator[dict[str, Any]]:
    """The outputs in Dash's grouping of them (dicts and lists of ``{id, property}``)."""
    if isinstance(items, dict) and "id" in items and "property" in items:
        yield items
    elif isinstance(items, dict):
        for item in items.values():
            yield from _outputs(item)
    elif isinstance(items, list | tuple):
        for item in items:
            yield from _outputs(item)


def _names_a_message(component_id: Any) -> bool:
    if isinstance(component_id, dict):
        component_id = component_id.get("type", "")
    return isinstance(component_id, str) and "message" in component_id


def message_output() -> str | dict[str, Any] | None:
    """The id of the running callback's message box: the first ``children`` output whose id
    (or pattern-matching ``type``) names a ``message``."""
    try:
        outputs = dash.ctx.outputs_grouping
    except MissingCallbackContextException:
        return None
    for output in _outputs(outputs):
        if output.get("property") == "children" and _names_a_message(output.get("id")):
            return output["id"]
    return None


def refusal_message(text: str) -> html.P:
    return html.P(text.rstrip(".") + ".", className="message error form-error-title", role="alert")


def write_failure(error: Exception) -> None:
    """Dash's ``on_error`` for every callback: a write the database refused (read-only, or busy
    past the busy timeout) is told to the user, and the callback's outputs stay as they were;
    any other error is raised again."""
    problem = write_error(error)
    if problem is None:
        raise error
    log.warning("A write was refused: %s (%s)", problem, str(error).splitlines()[0][:200])
    target = message_output() or SHELL_MESSAGE_ID
    dash.set_props(target, {"children": refusal_message(str(problem))})


def install_write_error_page(server: flask.Flask) -> None:
    """Any other request (the sign-in form …) whose write the database refused is answered
    with status 503 and the Swedish message, not a server error."""

    @server.errorhandler(DBAPIError)
    def _refused_write(error: DBAPIError) -> flask.Response:
        problem = write_error(error)
        if problem is None:
            raise error
        log.warning("A request's write was refused: %s", problem)
        response = flask.make_response(f"{str(problem).rstrip('.')}.\n", 503)
        response.mimetype = "text/plain"
        response.headers["Retry-After"] = "30"
        return response


__all__ = [
    "SHELL_MESSAGE_ID",
    "install_write_error_page",
    "message_output",
    "read_only_banner",
    "refusal_message",
    "shell_message_area",
    "write_failure",
]
