"""Kommuner: the index of area profiles – Dalarna's 15 municipalities, Region Dalarna and Riket,
each with how many indicators have each status against the national goals and by trend."""

from __future__ import annotations

import dash
from dash import dcc, html

from indicators import service
from indicators.area_profile import area_overview
from indicators.vocabulary import ALL_LEVELS, TREND
from layouts.parts.components import METHOD_PARAM, source_credit, status_legend
from layouts.parts.download import download_panel, selection_store
from layouts.parts.profile import area_index_table
from layouts.parts.url_state import Kind, read_query, url_notes

PAGE_ID = "kommuner"
SUMMARY_LEVELS: tuple[str, ...] = ("nationell", TREND)

dash.register_page(
    __name__,
    path="/kommun",
    title="Kommuner – Hållbarhetsuppföljning Dalarna",
    name="Kommuner",
    order=2,
)


#: The page's parameter, by its name in the address.
PARAMS: dict[str, Kind] = {"metod": METHOD_PARAM}


def layout(**query) -> html.Div:
    state = read_query(query, PARAMS)
    threshold_set = state["metod"]
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
            url_notes(state.notes),
            status_legend(),
            area_index_table(overview, levels=SUMMARY_LEVELS),
            source_credit(service.data_status()),
            selection_store(PAGE_ID, export),
            download_panel(PAGE_ID),
        ],
        className="kommuner-page",
    )
