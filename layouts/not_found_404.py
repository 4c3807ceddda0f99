"""Sidan finns inte: what an address that leads to no page shows, in the site's shell and menu.

Dash Pages draws the page module named ``not_found_404`` for an address no page serves; the
server answers such an address with status 404 (:mod:`layouts.parts.routes`). The page's own
path is not a page either.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from layouts.parts.routes import requested_path
from layouts.parts.url_state import shown

SITE = "Hållbarhetsuppföljning Dalarna"
PATH = "/sidan-finns-inte"

dash.register_page(__name__, path=PATH, title=f"Sidan finns inte – {SITE}", name="Sidan finns inte")


def layout(**_query: Any) -> html.Div:
    path = requested_path()
    where = f" på adressen ”{shown(path)}”" if path and path != PATH else ""
    return html.Div(
        [
            html.H1("Sidan finns inte"),
            html.P(
                f"Det finns ingen sida{where} i instrumentpanelen. Adressen kan vara felskriven, "
                "eller så har sidan flyttats."
            ),
            html.P(
                [
                    "Välj en sida i menyn ovan, eller börja på ",
                    dcc.Link("översikten", href="/", id="not-found-home-link"),
                    ".",
                ]
            ),
        ],
        className="not-found-page",
    )
