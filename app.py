"""The sustainability indicator follow-up dashboard for Dalarna (Plotly Dash).

Run ``python app.py`` (development server) or ``gunicorn app:server`` (production, several
workers). The database is ``DATABASE_URL`` or the default SQLite file under ``data/``; an empty
database is filled with the bundled demo data so the dashboard starts populated.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

import dash
from dash import Dash, dcc, html

from data.db import database_writable, open_database
from etl.demo import ensure_demo_data
from indicators import service
from indicators.goals import sync_catalogue_goals
from indicators.vocabulary import css_custom_properties
from layouts.parts.answer_cache import init_answer_cache
from layouts.parts.components import KOLADA_CREDIT, demo_banner, source_credit
from layouts.parts.database_state import (
    install_write_error_page,
    read_only_banner,
    shell_message_area,
    write_failure,
)
from layouts.parts.editor import account_status
from layouts.parts.export_route import install_export_route
from layouts.parts.presentation import SHELL_ID, presentation_toggle, slideshow_bar
from layouts.parts.routes import install_routes
from layouts.parts.sign_in import init_sign_in
from request_limits import add_request_limit, request_limit
from security_headers import add_security_headers, frame_sources
from transfer import SEPARATE_ASSETS, add_compression_and_caching, serve_joined_assets

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parent


def navigation() -> tuple[tuple[str, str], ...]:
    """The main menu as (path, label), from Dash's page registry: the pages registered with an
    ``order``, in that order (the registry is sorted by it), named by their ``name``. The pages
    of one indicator, one area or one slideshow have no order: reached from the others, not from
    the menu."""
    return tuple(
        (page["path"], page["name"])
        for page in dash.page_registry.values()
        if page["order"] is not None
    )


def shell() -> html.Div:
    """The frame around every page; built per page load so the demo banner is current.

    Presentation mode (``visa=presentation`` or the header toggle) is the class
    ``presentation`` on the root; a running slideshow shows its bar below the page. On a
    narrow screen the header is one line, its menu behind the "Meny" button.
    """
    status = service.data_status()
    return html.Div(
        [
            html.A("Hoppa till innehållet", href="#main", className="skip-link"),
            html.Header(
                [
                    html.Div(
                        [
                            html.Span("Hållbarhetsuppföljning Dalarna", className="site-title"),
                            html.Span("Agenda 2030 – mål och indikatorer", className="tagline"),
                        ],
                        className="brand",
                    ),
                    # A narrow screen's "Meny" button (assets/site-menu.js sets aria-expanded);
                    # hidden where the menu fits on the line.
                    html.Button(
                        [
                            html.Span("☰", className="menu-icon", **{"aria-hidden": "true"}),
                            " Meny",
                        ],
                        id="site-menu-button",
                        type="button",
                        className="menu-button",
                        **{"aria-expanded": "false", "aria-controls": "site-menu"},
                    ),
                    # The toggle and the sign-in come first, as they are seen: beside the title
                    # (assets/style.css), the menu on the line below.
                    html.Div(
                        [
                            presentation_toggle(),
                            account_status(),
                            html.Nav(
                                html.Ul(
                                    [
                                        html.Li(dcc.Link(label, href=href, className="nav-link"))
                                        for href, label in navigation()
                                    ]
                                ),
                                **{"aria-label": "Huvudmeny"},
                            ),
                        ],
                        id="site-menu",
                        className="header-tools",
                    ),
                ],
                id="site-header",
                className="site-header",
            ),
            demo_banner(status),
            read_only_banner(service.read_only()),
            shell_message_area(),
            html.Main(dash.page_container, id="main", tabIndex="-1"),
            slideshow_bar(),
            html.Footer(
                [
                    source_credit(status),
                    html.P(
                        f"{KOLADA_CREDIT} – data bearbetad av instrumentpanelen; statusbedömningar "
                        "är instrumentpanelens egna, inte Koladas.",
                        className="footer-note",
                    ),
                ],
                className="site-footer",
            ),
        ],
        id=SHELL_ID,
        className="shell",
        # The status colours as CSS custom properties (--status-i-fas …) for the style sheets.
        style=css_custom_properties(),
    )


def create_app(
    database_url: str | None = None, frame_ancestors: str | Sequence[str] | None = None
) -> Dash:
    """Open (and if empty, fill with demo data) the database and build the Dash app.

    A database that cannot be written is served read-only: nothing is filled or synced, every
    page shows the read-only banner and a write callback answers with its message
    (``layouts.parts.database_state``).

    ``frame_ancestors``: the origins that may embed the dashboard (wins over
    ``FRAME_ANCESTORS``; see ``security_headers``)."""
    framing = frame_sources(frame_ancestors)
    body_limit = request_limit()  # a bad MAX_REQUEST_BYTES stops the start with a message
    engine = open_database(database_url)
    writable = database_writable(engine)
    if not writable:  # read-only: show what is stored, write nothing (see database_state)
        log.warning("The database is read-only: the dashboard starts read-only")
    elif ensure_demo_data(engine):
        log.info("The database was empty: filled it with the bundled demo data")
    sync_catalogue_goals(engine, write=writable)
    service.set_engine(engine, read_only=not writable)
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PROJECT_DIR / "layouts"),
        assets_folder=str(PROJECT_DIR / "assets"),
        assets_ignore=SEPARATE_ASSETS,  # linked joined, one style sheet and one script
        title="Hållbarhetsuppföljning Dalarna",
        update_title="Uppdaterar … – Hållbarhetsuppföljning Dalarna",  # the tab while it works
        suppress_callback_exceptions=True,
        on_error=write_failure,  # a refused write (read-only, busy) is told, not a 500
    )
    app.layout = shell
    app.index_string = app.index_string.replace("<html>", '<html lang="sv">')
    init_sign_in(app, engine)  # editors sign in (Flask-Login); everyone else reads
    add_security_headers(app, framing)
    serve_joined_assets(app)  # the assets' style sheets and scripts: two requests, not 18
    add_compression_and_caching(app)  # brotli/gzip; Cache-Control by kind of response
    init_answer_cache(app, engine)  # shared answers; before install_routes, whose guard runs first
    install_routes(app)  # status 404 for unknown addresses, 400 for malformed callbacks
    install_export_route(app)  # the CSV download, streamed (GET /ladda-ner?…)
    add_request_limit(app, body_limit)  # request bodies: at most MAX_REQUEST_BYTES (413)
    install_write_error_page(app.server)  # a refused write outside callbacks: 503, in Swedish
    return app


_default_app: Dash | None = None


def __getattr__(name: str):
    """``app`` and ``server`` are built on first use (``gunicorn app:server`` asks for
    ``server``), so importing this module in tests opens no database."""
    global _default_app
    if name in ("app", "server"):
        if _default_app is None:
            _default_app = create_app()
        return _default_app if name == "app" else _default_app.server
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    create_app().run(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8050")),
        debug=os.environ.get("DASH_DEBUG") == "1",
    )
