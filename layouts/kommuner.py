"""Kommuner: the index of area profiles – Dalarna's 15 municipalities, Region Dalarna and Riket,
each with how many indicators have each status against the national goals and by trend."""

from __future__ import annotations

import dash
from dash import dcc, html

from indicators import service
from indicators.area_profile import area_overview
from indicators.progress import DEFAULT_THRESHOLD_SET, THRESHOLD_SETS
from indicators.vocabulary import ALL_LEVELS, TREND
from layouts.parts.components import source_credit, status_legend
from layouts.parts.download import download_panel, selection_store
from layouts.parts.profile import area_index_table

PAGE_ID = "kommuner"
SUMMARY_LEVELS: tuple[str, ...] = ("nationell", TREND)

dash.register_page(
    __name__,
    path="/kommun",
    title="Kommuner – Hållbarhetsuppföljning Dalarna",
    name="Kommuner",
    order=2,
)


def layout(metod=None, **_other) -> html.Div:
    threshold_set = metod if metod in THRESHOLD_SETS else DEFAULT_THRESHOLD_SET.name
    overview = area_overview(
        service.status(threshold_set), service.goals(), service.AREA_ORDER, levels=SUMMARY_LEVELS
    )
    export = {
        "areas": list(service.AREA_ORDER),
        "kpis": [indicator.kpi_id for indicator in service.catalogue()],
        "genders": ["T"],
        "years": None,
        "levels": list(ALL_LEVELS),
        "threshold_set": threshold_set,
    }
    return html.Div(
        [
            html.H1("Kommuner"),
            html.P(
                [
                    "Välj ett område för att se dess profil: status per globalt mål, starkaste "
                    "och svagaste indikatorer, alla indikatorer med utveckling och status per "
                    "målnivå, och kommunens egna mål. Tabellen visar hur många indikatorer som "
                    "har varje status mot de nationella målen och enligt trenden (utan mål). ",
                    dcc.Link("Om metoden", href="/om"),
                ],
                className="intro",
            ),
            status_legend(),
            area_index_table(overview, levels=SUMMARY_LEVELS),
            source_credit(service.data_status()),
            selection_store(PAGE_ID, export),
            download_panel(PAGE_ID),
        ],
        className="kommuner-page",
    )
