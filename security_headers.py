"""HTTP security headers on every response the dashboard sends.

Pages, Dash's own endpoints (``/_dash-layout``, ``/_dash-update-component`` …), the component
bundles, ``/assets/``, downloads and error pages all carry:

- ``Content-Security-Policy``: everything from the dashboard's own origin; scripts only from it
  plus the hashes of Dash's inline scripts (the renderer and the clientside callbacks, from
  ``Dash.csp_hashes()``, taken again whenever those scripts change, so they always match the
  page served); no
  ``'unsafe-eval'`` (neither Dash nor the bundled plotly.js needs it); inline styles allowed;
  ``data:`` and ``blob:`` images; no plugins; ``<base>`` and form targets on the own origin;
  framing by the dashboard's own pages only (printing a whole slideshow frames each view),
  unless ``FRAME_ANCESTORS`` also names the sites that may embed the dashboard.
- ``X-Frame-Options``: the same framing rule for browsers that do not read ``frame-ancestors``
  (``SAMEORIGIN`` when only the own origin may frame; left out when other origins may, as it
  cannot name them).
- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: strict-origin-when-cross-origin``
  (links to Kolada and other sources learn the dashboard's origin, never the page or the
  selections in its address).

The app calls :func:`frame_sources` at the start of ``create_app`` (a bad ``FRAME_ANCESTORS``
stops the start with a message) and :func:`add_security_headers` once the app is built.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from dash import Dash
from flask import Response

FRAME_ANCESTORS_VARIABLE = "FRAME_ANCESTORS"
SELF_WORD = "self"

REFERRER_POLICY = "strict-origin-when-cross-origin"

#: Everything but ``script-src`` (Dash's hashes) and ``frame-ancestors`` (the setting). Checked
#: in Chromium on every page (tests/browser/test_browser_security.py):
#: ``style-src 'unsafe-inline'``: the Dash renderer, dcc's dropdown and Markdown highlighting
#: and plotly.js insert ``<style>`` elements, and plotly.js writes ``style`` attributes into its
#: SVG; all are blocked without it (a hash cannot cover styles generated at run time).
#: ``img-src data:``: the municipality profile's sparklines are ``data:image/svg+xml`` images;
#: ``blob:``: plotly.js draws a chart through a blob: image for "Download plot as a PNG".
#: Fonts and everything else fall back to ``default-src 'self'``.
POLICY_BEFORE_SCRIPTS = ("default-src 'self'",)
POLICY_AFTER_SCRIPTS = (
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_ORIGIN = re.compile(
    rf"(?P<scheme>https?)://(?P<host>{_LABEL}(?:\.{_LABEL})*|\[[0-9a-f:.]+\])"
    r"(?::(?P<port>[0-9]{1,5}))?/?",
    flags=re.IGNORECASE,
)
_EXAMPLE = 'FRAME_ANCESTORS="https://intranat.falun.se https://intra.borlange.se"'


class FrameAncestorsError(ValueError):
    """``FRAME_ANCESTORS`` (or ``create_app(frame_ancestors=...)``) is not a list of origins."""


def _problem(token: str) -> str | None:
    """Why one entry is not an origin, or None when it is."""
    if "*" in token:
        return "wildcards (*) are not allowed: name each site"
    if any(mark in token for mark in "'\";,"):
        return (
            "quotes, semicolons and commas are not allowed: separate origins with spaces "
            "and write self without quotes"
        )
    match = _ORIGIN.fullmatch(token)
    if match is None:
        return "not an origin (scheme, host and optional port, e.g. https://intranat.falun.se)"
    port = match["port"]
    if port is not None and not 0 < int(port) < 65536:
        return f"port {port} is out of range"
    return None


def frame_sources(
    argument: str | Iterable[str] | None = None, environ: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """Who may show the dashboard in a frame, as ``frame-ancestors`` sources.

    ``argument`` (``create_app``'s ``frame_ancestors``) wins over the environment variable
    ``FRAME_ANCESTORS``; either is origins separated by spaces (``https://intranat.falun.se``),
    or ``self`` for the dashboard's own origin only. Empty or unset: the own origin only
    (``("'self'",)``: the print view of a slideshow frames the dashboard's own pages). Otherwise
    ``'self'`` and the origins, lower-cased, without a trailing slash.

    Raises :class:`FrameAncestorsError` naming every bad entry.
    """
    setting = "create_app(frame_ancestors=...)"
    if argument is None:
        environ = os.environ if environ is None else environ
        argument = environ.get(FRAME_ANCESTORS_VARIABLE, "")
        setting = FRAME_ANCESTORS_VARIABLE
    tokens = argument.split() if isinstance(argument, str) else [str(t) for t in argument]
    origins: list[str] = []
    problems: list[str] = []
    for token in tokens:
        if token.lower() == SELF_WORD:
            continue
        problem = _problem(token)
        if problem is not None:
            problems.append(f"{token!r}: {problem}")
        elif (origin := token.lower().rstrip("/")) not in origins:
            origins.append(origin)
    if problems:
        raise FrameAncestorsError(
            f"{setting} must list the origins that may embed the dashboard, "
            f"separated by spaces (e.g. {_EXAMPLE}), or be {SELF_WORD} or empty; "
            + "; ".join(problems)
        )
    return ("'self'", *origins)


def frame_ancestors_directive(sources: tuple[str, ...]) -> str:
    return "frame-ancestors " + (" ".join(sources) if sources else "'none'")


def x_frame_options(sources: tuple[str, ...]) -> str | None:
    """The older header's value for the same rule; None when it cannot express it."""
    if not sources:
        return "DENY"
    if sources == ("'self'",):
        return "SAMEORIGIN"
    return None


def content_security_policy(script_hashes: Iterable[str], frame: tuple[str, ...]) -> str:
    script_src = " ".join(["script-src 'self'", *script_hashes])
    directives = [
        *POLICY_BEFORE_SCRIPTS,
        script_src,
        *POLICY_AFTER_SCRIPTS,
        frame_ancestors_directive(frame),
    ]
    return "; ".join(directives)


def _inline_scripts_state(app: Dash) -> tuple[int, int, str] | None:
    """What ``app.csp_hashes()`` hashes, told cheaply: how many inline scripts Dash holds and
    has pending, and the renderer's script; ``None`` when this Dash keeps them elsewhere (then
    the hashes are taken for every response)."""
    from dash import _callback

    scripts = getattr(app, "_inline_scripts", None)
    pending = getattr(_callback, "GLOBAL_INLINE_SCRIPTS", None)
    if not isinstance(scripts, list) or not isinstance(pending, list):
        return None
    return len(scripts), len(pending), str(app.renderer)


def add_security_headers(app: Dash, frame: tuple[str, ...] = ()) -> None:
    """Add the headers to every response of ``app.server``; ``frame`` from :func:`frame_sources`.

    The script hashes come from ``app.csp_hashes()``, taken again whenever Dash's inline scripts
    change: they are final only after its first request, and a clientside callback registered
    later is then covered too.
    """
    frame_options = x_frame_options(frame)
    remembered: dict[str, Any] = {}

    def policy() -> str:
        # Hashing every inline script costs a quarter of a millisecond per response (every
        # bundle too); the policy is computed anew only when Dash's inline scripts changed.
        state = _inline_scripts_state(app)
        if state is None or state != remembered.get("state"):
            remembered["policy"] = content_security_policy(app.csp_hashes(), frame)
            remembered["state"] = _inline_scripts_state(app)
        return remembered["policy"]

    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy())
        if frame_options is not None:
            response.headers.setdefault("X-Frame-Options", frame_options)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", REFERRER_POLICY)
        return response

    app.server.after_request(headers)
