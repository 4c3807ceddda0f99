"""Which addresses are pages: status 404 for those that are not, and the server's guards.

Dash serves every path with the same HTML page (its catch-all route) and draws the page the
address names in the browser: for an address no page serves, the ``not_found_404`` page
(``layouts/not_found_404.py``). Flask would answer such an address with status 200;
:func:`install_routes` adds an after-request hook that answers it with status 404 instead,
the same page (menu and all) still in the body. A path is a page's when it is a registered
page's path or matches its path template as Dash Pages matches them (:func:`page_for`), and the
not-found page's own path is not a page.

:func:`install_routes` also installs the guard of the callback endpoint
(:mod:`layouts.parts.request_guard`), so ``app.py`` registers both with one call.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Any

import dash
import flask
from dash import Dash
from dash.exceptions import (
    DependencyException,
    MissingCallbackContextException,
    UnsupportedRelativePath,
)

from layouts.parts.request_guard import guard_callbacks

#: The module name Dash Pages looks for to show for an unknown address.
NOT_FOUND_MODULE = "not_found_404"

_VARIABLE = re.compile(r"<.*?>")


def is_not_found_page(page: dict[str, Any]) -> bool:
    return str(page.get("module", "")).split(".")[-1] == NOT_FOUND_MODULE


def _template_matches(path: str, template: str) -> bool:
    """Dash Pages' test (``dash._pages._parse_path_variables``): the template with each
    ``<variable>`` as a wildcard matches the path."""
    return fnmatchcase(path, _VARIABLE.sub("*", template))


def page_for(path: str) -> dict[str, Any] | None:
    """The registered page that serves ``path`` (relative to the app, e.g. ``/kommun/2062``),
    as Dash Pages picks it – in registry order, a page's path template or its path, slashes at
    either end ignored – or ``None``; the not-found page serves no path of its own."""
    stripped = path.strip("/")
    for page in dash.page_registry.values():
        template = page.get("path_template")
        if template and _template_matches(stripped, template.strip("/")):
            return None if is_not_found_page(page) else page
        if stripped == str(page["path"]).strip("/"):
            return None if is_not_found_page(page) else page
    return None


def requested_path() -> str | None:
    """The address the page being drawn was asked for (in the callback that draws it)."""
    try:
        inputs = dash.ctx.inputs
    except MissingCallbackContextException:  # outside a callback: no address to tell
        return None
    path = inputs.get("_pages_location.pathname")
    return path if isinstance(path, str) else None


def install_routes(app: Dash) -> None:
    """Answer addresses that no page serves with status 404 (also a script or style bundle
    that Dash does not have: Dash raises for those, which would be a 500), and guard the
    callback endpoint against malformed requests (status 400)."""
    catch_all = app.config.routes_pathname_prefix + "<path:path>"
    server = app.server

    @server.after_request
    def _not_found_status(response: flask.Response) -> flask.Response:
        request = flask.request
        if request.endpoint == catch_all and response.status_code == 200:
            try:
                path = app.strip_relative_path(request.path)
            except UnsupportedRelativePath:  # a path outside the app's prefix
                path = None
            if path is None or page_for(path) is None:
                response.status_code = 404
        return response

    @server.errorhandler(DependencyException)
    def _no_such_bundle(_error: DependencyException) -> flask.Response:
        return flask.Response("Filen finns inte.", status=404, mimetype="text/plain")

    guard_callbacks(app)
