"""Indikatorer: every catalogue indicator, grouped by Sustainable Development Goal, each linking
to its own page; filterable by dimension of sustainability (``dimension`` in the address bar) and
found by a search field that takes Swedish words with or without their accents ("utslapp" finds
"Utsläpp"; :func:`indicators.search.search_indicators`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import dash
from dash import Input, Output, callback, dcc, html

from indicators import service
from indicators.follow_up import goal_levels_by_indicator
from indicators.progress import DEFAULT_THRESHOLD_SET
from indicators.sdg import DIMENSIONS, sdg_colour, sdg_name
from indicators.search import MAX_QUERY, search_indicators
from indicators.vocabulary import ALL_LEVELS, DIRECTIONS, LEVELS, NO_DIRECTION_TEXT
from layouts.parts.components import sync_url, url_store
from layouts.parts.download import download_panel, selection_store
from layouts.parts.url_state import Choice, Kind, read_query, read_value, url_notes

log = logging.getLogger(__name__)

dash.register_page(
    __name__,
    path="/indikator",
    title="Indikatorer – Hållbarhetsuppföljning Dalarna",
    name="Indikatorer",
    order=1,
)

PAGE = "indikatorer"
ALL_DIMENSIONS = ""
SEARCH_ID = "indikatorer-sok"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_colour_on(colour: str) -> str:
    """Black or white, whichever contrasts more with ``colour`` (WCAG relative luminance)."""
    luminance = _luminance(colour)
    on_white = 1.05 / (luminance + 0.05)
    on_black = (luminance + 0.05) / 0.05
    return "#FFFFFF" if on_white >= on_black else "#000000"


#: The page's parameter, by its name in the address.
PARAMS: dict[str, Kind] = {
    "dimension": Choice(
        tuple(DIMENSIONS), ALL_DIMENSIONS, what="Dimensionen", labels={ALL_DIMENSIONS: "alla"}
    ),
}


def dimension_choice(value: Any) -> str:
    """The dimension a ``dimension`` parameter asks for, or "" (all) for anything else."""
    return read_value("dimension", value, PARAMS["dimension"])[0]


def _direction_words(direction: str) -> str:
    known = DIRECTIONS.get(direction)
    return known.change if known is not None else NO_DIRECTION_TEXT


def _entry(indicator, levels: Sequence[str]) -> html.Li:
    details = [
        indicator.kpi_id,
        DIMENSIONS[indicator.dimension],
        indicator.unit,
        _direction_words(indicator.direction),
    ]
    goal_text = (
        "Mål: " + ", ".join(LEVELS[level].adjective for level in levels) if levels else "Inga mål"
    )
    return html.Li(
        [
            dcc.Link(indicator.label, href=f"/indikator/{indicator.kpi_id}"),
            html.Span(" · ".join(details), className="indicator-meta"),
            html.Span(goal_text, className="indicator-goals"),
        ],
        className="indicator-entry",
    )


def _shown_query(query: object) -> str:
    return query.strip()[:MAX_QUERY] if isinstance(query, str) else ""


def indicator_index(
    catalogue: Sequence,
    dimension: str,
    levels_by_kpi: Mapping[str, Sequence[str]],
    query: object = "",
) -> list:
    """The indicators of one dimension (all for "") that ``query`` finds (all for none), as
    one section per SDG goal in goal order, preceded by a count."""
    in_dimension = [i for i in catalogue if not dimension or i.dimension == dimension]
    chosen = search_indicators(in_dimension, query)
    sections = []
    for goal in sorted({i.sdg_goal for i in chosen}):
        entries = [i for i in chosen if i.sdg_goal == goal]
        heading_id = f"indikatorer-mal-{goal}"
        sections.append(
            html.Section(
                [
                    html.H2(
                        [
                            html.Span(
                                str(goal),
                                className="sdg-number",
                                style={
                                    "backgroundColor": sdg_colour(goal),
                                    "color": text_colour_on(sdg_colour(goal)),
                                },
                                **{"aria-hidden": "true"},
                            ),
                            html.Span(f"Mål {goal}: {sdg_name(goal)}"),
                        ],
                        id=heading_id,
                    ),
                    html.Ul(
                        [_entry(i, levels_by_kpi.get(i.kpi_id, [])) for i in entries],
                        className="indicator-list",
                    ),
                ],
                className="sdg-group",
                style={"borderLeftColor": sdg_colour(goal)},
                **{"aria-labelledby": heading_id},
            )
        )
    where = f" i dimensionen {DIMENSIONS[dimension].lower()}" if dimension else ""
    asked = _shown_query(query)
    found = f" som matchar ”{asked}”" if asked and chosen else ""
    if asked and not chosen:
        text = (
            f"Ingen indikator{where} matchar ”{asked}”. Prova ett annat ord eller en del av "
            "ett ord, med eller utan å, ä och ö."
        )
    else:
        text = (
            f"{len(chosen)} av {len(catalogue)} indikatorer{where}{found}, fördelade på "
            f"{len(sections)} av de globala målen."
        )
    count = html.P(text, className="note", role="status")
    return [count, *sections]


def selection_record(catalogue: Sequence, dimension: str) -> dict:
    """The download selection: the listed indicators for all 17 areas, total series."""
    return {
        "areas": list(service.AREA_ORDER),
        "kpis": [i.kpi_id for i in catalogue if not dimension or i.dimension == dimension],
        "genders": ["T"],
        "years": None,
        "levels": list(ALL_LEVELS),
        "threshold_set": DEFAULT_THRESHOLD_SET.name,
    }


def layout(**query: Any) -> html.Div:
    state = read_query(query, PARAMS)
    choice = state["dimension"]
    levels = goal_levels_by_indicator(service.goals())
    return html.Div(
        [
            url_store("indikatorer-url"),
            selection_store(PAGE, selection_record(service.catalogue(), choice)),
            html.H1("Indikatorer"),
            html.P(
                "Indikatorerna som följs upp, ordnade efter de globala målen för hållbar "
                "utveckling. Välj en indikator för att se utvecklingen över tid, målen på "
                "olika nivåer och hur kommunerna står sig.",
            ),
            url_notes(state.notes),
            html.Div(
                [
                    html.Label("Sök indikator", htmlFor=SEARCH_ID),
                    dcc.Input(
                        id=SEARCH_ID,
                        type="search",
                        value="",
                        placeholder="t.ex. utsläpp, skola eller N00401",
                        debounce=0.3,
                        maxLength=MAX_QUERY,
                        autoComplete="off",
                        spellCheck=False,
                    ),
                    html.Span(
                        "Med eller utan å, ä och ö; flera ord hittar indikatorer med alla orden.",
                        className="note",
                    ),
                ],
                className="indikatorer-search",
                role="search",
            ),
            html.Div(
                html.Fieldset(
                    [
                        html.Legend("Dimension", className="control-label"),
                        dcc.RadioItems(
                            id="indikatorer-dimension",
                            options=[{"label": "Alla", "value": ALL_DIMENSIONS}]
                            + [{"label": label, "value": key} for key, label in DIMENSIONS.items()],
                            value=choice,
                            inline=True,
                        ),
                    ],
                    className="control",
                ),
                className="controls",
            ),
            html.Div(
                indicator_index(service.catalogue(), choice, levels),
                id="indikatorer-list",
            ),
            html.Section(
                [html.H2("Ladda ner"), download_panel(PAGE)], className="presentation-hidden"
            ),
        ],
        className="indikatorer-page",
    )


@callback(
    Output("indikatorer-list", "children"),
    Output({"type": "export-selection", "page": PAGE}, "data"),
    Input("indikatorer-dimension", "value"),
    Input(SEARCH_ID, "value"),
    prevent_initial_call=True,
)
def filter_indicators(dimension, query=""):
    """Show the indicators of the chosen dimension that the search finds (and offer the
    dimension's for download)."""
    choice = dimension_choice(dimension)
    levels = goal_levels_by_indicator(service.goals())
    catalogue = service.catalogue()
    return (
        indicator_index(catalogue, choice, levels, query),
        selection_record(catalogue, choice),
    )


sync_url("indikatorer-url", [("indikatorer-dimension", "dimension")])
