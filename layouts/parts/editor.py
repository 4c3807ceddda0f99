"""Who may change things: the one check every write makes, and what pages show instead of edit
controls.

Editors sign in (:mod:`layouts.parts.sign_in`); everyone else reads. Every callback or route
that writes calls :func:`current_editor` on the server first and, when it returns ``None``,
answers with :func:`refusal` and changes nothing. Pages leave out their edit controls for
participants (:func:`edit_notice` says how to get them), but that is a courtesy: the check in
the callback is what counts, since anyone can post to ``/_dash-update-component``.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import dash
import flask
import flask_login
from dash import html

from indicators import service
from indicators.editors import Editor, has_editors

log = logging.getLogger(__name__)

SIGN_IN_PATH = "/logga-in"
SIGN_OUT_PATH = "/logga-ut"
#: The command that creates an account, as the pages and the sign-in page show it.
CREATE_COMMAND = "python -m etl users add NAMN"
#: What a write answers a participant.
REFUSAL = "Logga in som redaktör för att ändra."


class EditorUser(flask_login.UserMixin):
    """A signed-in editor as Flask-Login holds them; the session carries
    :attr:`~indicators.editors.Editor.session_id`."""

    def __init__(self, editor: Editor) -> None:
        self.editor = editor
        self.name = editor.name

    def get_id(self) -> str:
        return self.editor.session_id


def current_editor() -> str | None:
    """The name of the editor signed in on this request, or ``None`` (a participant, or no
    request at all). The check every write makes before changing anything."""
    if not flask.has_request_context():
        return None
    user = flask_login.current_user
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "name", None)


def refused(what: str) -> None:
    """Log a write refused to a participant (``what`` names the action)."""
    address = flask.request.remote_addr if flask.has_request_context() else None
    log.warning("Refused %s: not signed in as an editor (from %s)", what, address or "-")


def sign_in_href(next_path: str | None = None) -> str:
    """The sign-in page's address. Without ``next_path`` the page returns to where it was
    opened from (its ``Referer``: the current address, also after the pages' own navigation),
    so the links stay right however the header was drawn."""
    query = f"?{urlencode({'nasta': next_path})}" if next_path else ""
    return dash.get_relative_path(SIGN_IN_PATH) + query


def refusal() -> html.Div:
    """The answer to a write from someone who is not signed in as an editor."""
    return html.Div(
        html.P(
            [REFUSAL, " ", html.A("Logga in", href=sign_in_href())],
            className="form-error-title",
        ),
        className="form-errors editor-refusal",
        role="alert",
    )


def edit_notice(what: str) -> html.Div:
    """What participants see instead of edit controls: how to sign in to ``what`` (e.g.
    "lägga till och ändra egna mål"), or, with no account at all, how to create one."""
    if not has_editors(service.engine()):
        children: list = [
            html.Strong("Bara läsning: "),
            "det finns inget redaktörskonto ännu. Den som sköter servern skapar ett med ",
            html.Code(CREATE_COMMAND),
            f" i projektmappen; logga sedan in för att {what}.",
        ]
    else:
        children = [
            html.A("Logga in som redaktör", href=sign_in_href()),
            f" för att {what}. Alla kan läsa utan att logga in.",
        ]
    return html.P(children, className="edit-notice presentation-hidden")


def account_status() -> html.Div:
    """The header's "Logga in", or "Inloggad som NAMN · Logga ut" (a form that posts)."""
    name = current_editor()
    if name is None:
        children: list = [html.A("Logga in", href=sign_in_href(), className="nav-link")]
    else:
        children = [
            html.Span(["Inloggad som ", html.Strong(name)], className="account-name"),
            html.Span(" · ", **{"aria-hidden": "true"}),
            html.Form(
                html.Button("Logga ut", type="submit", className="account-button"),
                method="post",
                action=dash.get_relative_path(SIGN_OUT_PATH),
                className="account-form",
            ),
        ]
    return html.Div(children, className="account presentation-hidden", id="account")


__all__ = [
    "CREATE_COMMAND",
    "REFUSAL",
    "SIGN_IN_PATH",
    "SIGN_OUT_PATH",
    "EditorUser",
    "account_status",
    "current_editor",
    "edit_notice",
    "refusal",
    "refused",
    "sign_in_href",
]
