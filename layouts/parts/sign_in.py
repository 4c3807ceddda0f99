"""Signing in and out: Flask-Login on the dashboard's Flask server, the session cookie, and the
sign-in page (``/logga-in``, a plain HTML form that works without JavaScript) and sign-out
(a POST to ``/logga-ut``).

The session cookie is signed with ``SECRET_KEY`` from the environment, else a secret generated
once and stored in the database (:func:`indicators.editors.session_secret`), so every worker and
every server on the same database accepts it. It is HttpOnly, SameSite=Lax, and Secure when the
request came over HTTPS or ``SESSION_COOKIE_SECURE=1`` (set that behind a proxy that ends TLS).

Forged requests: both forms are POST only and the server refuses a POST whose ``Origin`` (or,
without one, ``Referer``) names another host than the request's. With SameSite=Lax a cross-site
POST carries no session cookie either, so another site cannot sign a visitor in or out, or
write as them (Dash's callbacks are JSON POSTs, which a cross-site form cannot send and a
cross-site script may not without CORS). No form token is needed for that; the forms work with
cookies and a modern browser alone. Guessing is slowed down by
:func:`indicators.editors.sign_in` (failures counted in the database).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from urllib.parse import urlsplit

import dash
import flask
import flask_login
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from indicators import service
from indicators.editors import (
    SIGN_IN_WINDOW,
    editor_of_session,
    has_editors,
    session_secret,
    sign_in,
)
from layouts.parts.editor import (
    CREATE_COMMAND,
    SIGN_IN_PATH,
    SIGN_OUT_PATH,
    EditorUser,
    current_editor,
)

log = logging.getLogger(__name__)

#: How long a sign-in lasts without a new one.
SESSION_LIFETIME = dt.timedelta(hours=12)
#: Style sheets of the dashboard that the sign-in page uses.
STYLESHEETS = ("style.css", "presentation.css", "mal.css", "editor.css")

PAGE = """<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} – Hållbarhetsuppföljning Dalarna</title>
<link rel="icon" href="{{ favicon }}">
{% for href in stylesheets %}<link rel="stylesheet" href="{{ href }}">
{% endfor %}</head>
<body>
<div class="shell">
<a href="#main" class="skip-link">Hoppa till innehållet</a>
<header class="site-header">
<div class="brand"><span class="site-title">Hållbarhetsuppföljning Dalarna</span>
<span class="tagline">Agenda 2030 – mål och indikatorer</span></div>
<div class="header-tools"><nav aria-label="Huvudmeny"><ul>
{% for href, label in menu %}<li><a class="nav-link" href="{{ href }}">{{ label }}</a></li>
{% endfor %}</ul></nav></div>
</header>
<main id="main" tabindex="-1" class="sign-in-page">
<h1>{{ title }}</h1>
{% if message %}<div class="form-errors" role="alert">
<p class="form-error-title">{{ message }}</p></div>
{% endif %}{% if editor %}<p>Du är inloggad som <strong>{{ editor }}</strong>.</p>
<form method="post" action="{{ sign_out }}" class="sign-in-form">
<input type="hidden" name="nasta" value="{{ next }}">
<div class="form-actions"><button type="submit">Logga ut</button></div>
<p><a href="{{ next }}">Tillbaka till instrumentpanelen</a></p>
</form>
{% elif not accounts %}<p class="edit-notice"><strong>Bara läsning:</strong> det finns inget
redaktörskonto ännu. Den som sköter servern skapar ett i projektmappen med
<code>{{ create_command }}</code> (lösenordet frågas efter), och loggar sedan in här.</p>
<p><a href="{{ next }}">Tillbaka till instrumentpanelen</a></p>
{% else %}<form method="post" action="{{ sign_in }}" class="sign-in-form">
<input type="hidden" name="nasta" value="{{ next }}">
<div class="control form-field"><label for="sign-in-name" class="control-label">Namn</label>
<input id="sign-in-name" name="namn" type="text" autocomplete="username" required
maxlength="64" value="{{ name }}"></div>
<div class="control form-field"><label for="sign-in-password" class="control-label">Lösenord</label>
<input id="sign-in-password" name="losenord" type="password" autocomplete="current-password"
required></div>
<div class="form-actions"><button type="submit">Logga in</button></div>
</form>
{% endif %}<p class="note">Redaktörer loggar in för att ändra mål, kvalitativa bedömningar och
bildspel. Alla andra kan läsa allt utan att logga in.</p>
</main>
<footer class="site-footer"><p class="footer-note">Källa: Kolada (RKA).</p></footer>
</div>
</body>
</html>
"""


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the cookie Secure when the request is HTTPS even
    where ``SESSION_COOKIE_SECURE`` is off (one setting for plain HTTP on a workshop network
    and HTTPS in production)."""

    def get_cookie_secure(self, app: flask.Flask) -> bool:
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (flask.has_request_context() and flask.request.is_secure)


def _load_user(session_id: str) -> EditorUser | None:
    editor = editor_of_session(service.engine(), session_id)
    return EditorUser(editor) if editor is not None else None


def proxy_hops() -> int:
    """``PROXY_HOPS``: how many reverse proxies in front of the app to trust (0 when unset)."""
    text = os.environ.get("PROXY_HOPS", "").strip() or "0"
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"PROXY_HOPS must be a whole number of proxies (0, 1, 2 …), not {text!r}")
    return int(text)


def configure(server: flask.Flask, engine) -> None:
    """The session cookie's settings and secret; behind ``PROXY_HOPS`` trusted proxies, the
    client's address, scheme and host from their ``X-Forwarded-*`` headers (the sign-in limit
    counts per client address, and the cookie is Secure when the client used HTTPS)."""
    hops = proxy_hops()
    if hops:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE") == "1",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
    )
    server.secret_key = os.environ.get("SECRET_KEY") or session_secret(engine)
    server.session_interface = SessionInterface()


def init_sign_in(app: dash.Dash, engine) -> None:
    """Set up sessions, Flask-Login and the sign-in and sign-out routes on the app's server."""
    server = app.server
    configure(server, engine)
    manager = flask_login.LoginManager()
    manager.session_protection = "basic"
    manager.user_loader(_load_user)
    manager.init_app(server)
    prefix = app.config.routes_pathname_prefix.rstrip("/")
    server.add_url_rule(prefix + SIGN_IN_PATH, "logga_in", sign_in_page, methods=["GET", "POST"])
    server.add_url_rule(prefix + SIGN_OUT_PATH, "logga_ut", sign_out, methods=["GET", "POST"])


# --------------------------------------------------------------------------- the routes


def safe_next(target: str | None) -> str:
    """Where to go after signing in or out: a path on this site, else the start page."""
    target = (target or "").strip()
    parts = urlsplit(target)
    local = target.startswith("/") and not target.startswith("//") and "\\" not in target
    if not local or parts.scheme or parts.netloc:
        return dash.get_relative_path("/")
    return target


def referring_page(request: flask.Request) -> str:
    """The page of this site the request came from (path and query, from ``Referer``), or
    ``""``; never the sign-in or sign-out address itself."""
    parts = urlsplit(request.referrer or "")
    own = {dash.get_relative_path(SIGN_IN_PATH), dash.get_relative_path(SIGN_OUT_PATH)}
    if parts.netloc != request.host or parts.path in own:
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def same_origin(request: flask.Request) -> bool:
    """Whether a POST came from a page of this site: its ``Origin``, or without one its
    ``Referer``, names the request's own host."""
    source = request.headers.get("Origin") or request.referrer
    if not source or source == "null":
        return False
    return urlsplit(source).netloc == request.host


def _menu() -> list[tuple[str, str]]:
    return [
        (page["relative_path"], page["name"])
        for page in dash.page_registry.values()
        if page["order"] is not None
    ]


def _page(status: int = 200, *, message: str = "", name: str = "", next_path: str = "/"):
    editor = current_editor()
    html_text = flask.render_template_string(
        PAGE,
        title="Inloggad" if editor else "Logga in",
        stylesheets=[dash.get_asset_url(sheet) for sheet in STYLESHEETS],
        favicon=dash.get_relative_path("/_favicon.ico"),
        menu=_menu(),
        message=message,
        editor=editor,
        accounts=editor is not None or has_editors(service.engine()),
        create_command=CREATE_COMMAND,
        name=name,
        next=next_path,
        sign_in=dash.get_relative_path(SIGN_IN_PATH),
        sign_out=dash.get_relative_path(SIGN_OUT_PATH),
    )
    response = flask.make_response(html_text, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _foreign_post():
    log.warning(
        "Refused a sign-in form from another site (Origin %s, Referer %s)",
        flask.request.headers.get("Origin"),
        flask.request.referrer,
    )
    return _page(
        403,
        message="Formuläret kom inte från den här webbplatsen. Ladda om sidan och försök igen.",
    )


def sign_in_page():
    """``GET``: the sign-in form. ``POST``: check the name and password, then go back."""
    request = flask.request
    next_path = safe_next(request.values.get("nasta") or referring_page(request))
    if request.method == "GET":
        return _page(next_path=next_path)
    if not same_origin(request):
        return _foreign_post()
    name = request.form.get("namn", "")[:200]
    outcome = sign_in(
        service.engine(), name, request.form.get("losenord", ""), request.remote_addr or ""
    )
    if outcome.editor is None:
        if outcome.limited:
            log.warning("Sign-in refused, too many attempts: %r from %s", name, request.remote_addr)
        else:
            log.info("Sign-in failed: %r from %s", name, request.remote_addr)
        # A wrong password gets the form again (200, as any page: browsers log 4xx pages as
        # errors); too many attempts get 429 and when to try again.
        status = 429 if outcome.limited else 200
        response = _page(status, message=outcome.message, name=name, next_path=next_path)
        if outcome.limited:
            response.headers["Retry-After"] = str(int(SIGN_IN_WINDOW.total_seconds()))
        return response
    flask.session.clear()
    flask_login.login_user(EditorUser(outcome.editor))
    flask.session.permanent = True
    log.info("Signed in: %s from %s", outcome.editor.name, request.remote_addr)
    return flask.redirect(next_path, code=303)


def sign_out():
    """``POST``: sign out and go back. ``GET`` changes nothing: it leads to the sign-in page,
    which offers the sign-out button to an editor."""
    if flask.request.method == "GET":
        return flask.redirect(dash.get_relative_path(SIGN_IN_PATH), code=303)
    if not same_origin(flask.request):
        return _foreign_post()
    name = current_editor()
    flask_login.logout_user()
    flask.session.clear()
    if name:
        log.info("Signed out: %s", name)
    target = flask.request.values.get("nasta") or referring_page(flask.request)
    return flask.redirect(safe_next(target), code=303)


__all__ = ["SESSION_LIFETIME", "init_sign_in", "safe_next", "same_origin"]
