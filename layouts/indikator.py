"""Indikator: one indicator in depth – its time series for chosen municipalities beside Region
Dalarna and Riket, the goal lines of every level, status per area and level, officials'
qualitative assessments of the indicator for one of the shown areas, and the municipalities'
ranking in the newest year.

The selections live in the address bar: ``omraden`` (municipality ids), ``kon`` (T, K, M or
K,M), ``niva`` (which goal levels' lines are drawn) and ``metod`` (threshold set).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from data import queries
from indicators import service
from indicators.catalogue import Indicator
from indicators.follow_up import goal_levels_of
from indicators.formatting import format_date
from indicators.ranking import RELATIVE_POSITION_NOTE
from indicators.sdg import dimension_label, sdg_name
from indicators.vocabulary import DESCRIPTIVE_TEXT, DIRECTIONS, GOAL_LEVELS, LEVELS
from layouts.parts import area_map, intervention_marks
from layouts.parts.answer_cache import cached_answer
from layouts.parts.components import (
    METHOD_PARAM,
    dropdown_labels,
    method_control,
    municipality_picker,
    not_found_page,
    source_credit,
    status_legend,
    sync_url,
    url_store,
)
from layouts.parts.download import download_panel, selection_store
from layouts.parts.indikator_view import (
    GENDER_CHOICES,
    Selection,
    build_view,
    gender_choice,
    notes_area,
    notes_area_options,
    ranking_table_of,
    read_url_selection,
    series_tables,
)
from layouts.parts.notes import notes_section
from layouts.parts.similar import similar_callbacks, similar_section
from layouts.parts.table_alternative import body_when_open, table_alternative, table_when_opened
from layouts.parts.url_state import Choice, read_path_id, read_value, url_notes

log = logging.getLogger(__name__)

PAGE = "indikator"
SITE = "Hållbarhetsuppföljning Dalarna"
INDEX_PATH = "/indikator"

#: Fewer modebar buttons: fewer tab stops between the controls and the table alternative.
GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "zoomIn2d", "zoomOut2d"],
    "toImageButtonOptions": {"format": "png", "filename": "indikator", "scale": 2},
}
DROPDOWN_LABELS = dropdown_labels("Sök kommun", "Ingen kommun matchar")


def _title(kpi_id: str | None = None, **_ignored) -> str:
    indicator = service.indicator(kpi_id or "")
    if indicator is None:
        return f"Indikatorn finns inte – {SITE}"
    return f"{indicator.label} – {SITE}"


dash.register_page(
    __name__,
    path_template="/indikator/<kpi_id>",
    title=_title,
    name="Indikator",
)


# --- layout ----------------------------------------------------------------------------------


def not_found(kpi_id: str | None) -> html.Div:
    """A clear page for an id that is not in the catalogue."""
    return not_found_page(
        "Indikatorn finns inte",
        f"Det finns ingen indikator med id ”{kpi_id or ''}” i katalogen. "
        "Kontrollera adressen eller välj en indikator i listan.",
        link_text="Till alla indikatorer",
        href=INDEX_PATH,
        link_id="indikator-index-link",
        class_name="indikator-not-found",
    )


def _direction_text(direction: str) -> str:
    """ "ska öka", "ska minska", or that the indicator describes rather than judges."""
    known = DIRECTIONS.get(direction)
    return known.change if known is not None else DESCRIPTIVE_TEXT


def _fact(term: str, *definition) -> list:
    return [html.Dt(term), html.Dd(list(definition))]


def header(indicator: Indicator, kpi_row: Mapping | None, status) -> html.Div:
    """Label, Kolada's title, id, SDG, dimension, direction, unit, definition, publication
    date and the source credit."""
    sdg = f"Mål {indicator.sdg_goal}: {sdg_name(indicator.sdg_goal)}"
    if indicator.sdg_target:
        sdg += f" (delmål {indicator.sdg_target})"
    description = (kpi_row or {}).get("description") or "Ingen beskrivning lagrad."
    published = (kpi_row or {}).get("publication_date")
    period = (kpi_row or {}).get("publ_period")
    known = published is not None and not pd.isna(published)
    published_text = format_date(published) if known else "uppgift saknas"
    facts = [
        *_fact("Eget nyckeltal" if indicator.is_own else "Nyckeltal i Kolada", indicator.kpi_id),
        *_fact("Globalt mål", sdg),
        *_fact("Dimension", dimension_label(indicator.dimension)),
        *_fact("Enhet", indicator.unit),
        *_fact(
            "Publiceringsdatum", published_text + (f" (senaste period {period})" if period else "")
        ),
    ]
    return html.Div(
        [
            html.P(dcc.Link("← Alla indikatorer", href=INDEX_PATH), className="breadcrumb"),
            html.H1(indicator.label),
            html.P(indicator.kolada_title, className="kolada-title"),
            html.P(
                f"Önskad riktning: {_direction_text(indicator.direction)}",
                className="direction",
            ),
            html.Dl(facts, className="indikator-facts"),
            html.Div(
                [html.H2("Definition", className="visually-hidden"), html.P(description)],
                className="definition",
            ),
            source_credit(status, indicator.source_name),
        ],
        className="indikator-header",
    )


def controls(indicator: Indicator, selection: Selection, available_levels: Sequence[str]):
    area_options = [{"label": service.area_title(a), "value": a} for a in service.MUNICIPALITY_IDS]
    level_options = [
        {
            "label": LEVELS[level].short + ("" if level in available_levels else " (inget mål)"),
            "value": level,
            "disabled": level not in available_levels,
        }
        for level in GOAL_LEVELS
    ]
    gender_control = html.Fieldset(
        [
            html.Legend("Kön", className="control-label"),
            dcc.RadioItems(
                id="indikator-gender",
                options=[{"label": v, "value": k} for k, v in GENDER_CHOICES.items()],
                value=selection.gender,
                inline=True,
            ),
        ],
        className="control",
        hidden=not indicator.is_divided_by_gender,
    )
    return html.Div(
        [
            municipality_picker(
                "indikator-areas",
                area_options,
                selection.areas,
                placeholder="Välj kommuner att jämföra …",
                labels=DROPDOWN_LABELS,
                class_name="control control-areas",
            ),
            gender_control,
            html.Fieldset(
                [
                    html.Legend("Mållinjer", className="control-label"),
                    dcc.Checklist(
                        id="indikator-levels",
                        options=level_options,
                        value=list(selection.levels),
                        inline=True,
                    ),
                    html.Span(
                        "Indikatorn har inga mål i katalogen; status bedöms som trend.",
                        className="note",
                        hidden=bool(available_levels),
                    ),
                ],
                className="control",
            ),
            method_control("indikator-metod", selection.threshold_set),
        ],
        className="controls indikator-controls",
        role="group",
        **{"aria-label": "Urval"},
    )


NOTES_SECTION_ID = "indikator-notes"
NOTES_AREA_ID = "indikator-notes-area"
NOTES_CONTAINER_ID = "indikator-notes-container"


def indicator_notes(area_id: str, kpi_id: str) -> html.Section:
    """The assessments of ``area_id`` on the indicator, with the form to add one."""
    return notes_section(area_id, kpi_id=kpi_id, section_id=NOTES_SECTION_ID, heading_level=3)


def notes_panel(indicator: Indicator, selection: Selection) -> html.Section:
    """Qualitative assessments beside the numbers: a choice of area among those shown (the
    first chosen municipality first) and that area's assessments of the indicator."""
    area_id = notes_area(selection.areas)
    return html.Section(
        [
            html.H2("Kvalitativa bedömningar", id="indikator-assessments-heading"),
            html.P(
                "Tjänstepersoners daterade bedömningar av hur utvecklingen går, som komplement "
                "till siffrorna: en kort text och eventuellt ett omdöme (bättre, oförändrad, "
                "sämre).",
                className="note",
            ),
            html.Div(
                [
                    html.Label(
                        "Bedömningar för område", htmlFor=NOTES_AREA_ID, className="control-label"
                    ),
                    dcc.Dropdown(
                        id=NOTES_AREA_ID,
                        options=notes_area_options(selection.areas),
                        value=area_id,
                        clearable=False,
                        searchable=False,
                    ),
                ],
                className="control control-notes-area",
                style={"maxWidth": "24rem"},
            ),
            html.Div(indicator_notes(area_id, indicator.kpi_id), id=NOTES_CONTAINER_ID),
        ],
        className="indikator-section",
        **{"aria-labelledby": "indikator-assessments-heading"},
    )


#: The table alternatives (built when opened): the disclosure's id and its body's.
SERIES_DETAILS, SERIES_TABLES = "indikator-series-details", "indikator-series-tables"
RANKING_DETAILS, RANKING_TABLE = "indikator-ranking-details", "indikator-ranking-table"


@cached_answer
def layout(kpi_id: str | None = None, **query) -> html.Div:
    known, asked = read_path_id(kpi_id, Choice(service.catalogue_by_id()))
    indicator = service.indicator(known) if known is not None else None
    if indicator is None:
        return not_found(asked)
    goals = service.goals()
    map_query, query = area_map.split_query(query, area_map.INDICATOR_PARAM_NAMES)
    selection, notes = read_url_selection(indicator, goals, query)
    kpi_rows = queries.kpis(service.engine(), [indicator.kpi_id]).to_dict("records")
    status = service.data_status()
    view = build_view(indicator, selection)
    return html.Div(
        [
            dcc.Store(id="indikator-kpi", data=indicator.kpi_id),
            url_store("indikator-url"),
            selection_store(PAGE, view.selection),
            header(indicator, kpi_rows[0] if kpi_rows else None, status),
            url_notes(notes),
            controls(indicator, selection, goal_levels_of(indicator.kpi_id, goals)),
            html.Section(
                [
                    html.H2("Utveckling över tid", id="indikator-series-heading"),
                    html.P(
                        "Heldragna linjer är utfall; streckade linjer är mål (prickat lokalt, "
                        "streck-prick regionalt, streckat nationellt, långa streck globalt). "
                        "Luckor i linjerna betyder att värde saknas. Klicka i förklaringen "
                        "för att dölja eller visa en linje.",
                        className="note",
                    ),
                    dcc.Graph(
                        id="indikator-series",
                        figure=view.series_figure,
                        config=GRAPH_CONFIG,
                    ),
                    table_alternative(SERIES_DETAILS, SERIES_TABLES),
                    source_credit(status, indicator.source_name),
                ],
                className="indikator-section",
                **{"aria-labelledby": "indikator-series-heading"},
            ),
            intervention_marks.effect_section(indicator, selection.areas),
            area_map.indicator_section(
                indicator, map_query, selection.gender, selection.threshold_set
            ),
            html.Section(
                [
                    html.H2("Status per område och nivå"),
                    status_legend(),
                    html.Div(view.status, id="indikator-status", className="table-scroll"),
                    html.P(
                        [
                            "Statusen bedömer utvecklingen mot målet eller, för trend, i önskad "
                            "riktning. ",
                            dcc.Link("Om metoden", href="/om"),
                        ],
                        className="note",
                    ),
                ],
                className="indikator-section",
            ),
            notes_panel(indicator, selection),
            html.Section(
                [
                    html.H2(view.ranking_heading, id="indikator-ranking-heading"),
                    dcc.Graph(
                        id="indikator-ranking",
                        figure=view.ranking_figure,
                        config=GRAPH_CONFIG,
                    ),
                    html.P(RELATIVE_POSITION_NOTE, className="note relative-note"),
                    table_alternative(RANKING_DETAILS, RANKING_TABLE),
                    source_credit(status, indicator.source_name),
                ],
                className="indikator-section",
            ),
            similar_section(indicator, selection),
            html.Section(
                [html.H2("Ladda ner"), download_panel(PAGE)],
                className="indikator-section presentation-hidden",
            ),
        ],
        className="indikator-page",
    )


@callback(
    Output("indikator-series", "figure"),
    Output(SERIES_TABLES, "children"),
    Output("indikator-status", "children"),
    Output("indikator-ranking-heading", "children"),
    Output("indikator-ranking", "figure"),
    Output(RANKING_TABLE, "children"),
    Output({"type": "export-selection", "page": PAGE}, "data"),
    Input("indikator-areas", "value"),
    Input("indikator-gender", "value"),
    Input("indikator-levels", "value"),
    Input("indikator-metod", "value"),
    State("indikator-kpi", "data"),
    State(SERIES_DETAILS, "open"),
    State(RANKING_DETAILS, "open"),
    prevent_initial_call=True,
)
@cached_answer
def update_indikator(areas, gender, levels, metod, kpi_id, series_open=False, ranking_open=False):
    """Redraw the page's figures for the controls' values, and the table alternatives that
    are open (the closed ones get their placeholder back)."""
    indicator = _indicator_or_stop(kpi_id)
    selection = control_selection(indicator, areas, gender, levels, metod)
    view = build_view(indicator, selection)
    return (
        view.series_figure,
        body_when_open(series_open, lambda: series_tables(indicator, selection)),
        view.status,
        view.ranking_heading,
        view.ranking_figure,
        body_when_open(ranking_open, lambda: ranking_table_of(indicator, selection)),
        view.selection,
    )


def control_selection(indicator: Indicator, areas, gender, levels, metod) -> Selection:
    """The selection the controls' values make (values not allowed left out)."""
    available = goal_levels_of(indicator.kpi_id, service.goals())
    return Selection(
        areas=tuple(a for a in (areas or []) if a in service.MUNICIPALITY_IDS),
        gender=gender_choice(gender, indicator.is_divided_by_gender),
        levels=tuple(level for level in (levels or []) if level in available),
        threshold_set=read_value("metod", metod, METHOD_PARAM)[0],
    )


def _indicator_or_stop(kpi_id) -> Indicator:
    indicator = service.indicator(kpi_id or "")
    if indicator is None:
        raise dash.exceptions.PreventUpdate
    return indicator


@callback(
    Output(SERIES_TABLES, "children", allow_duplicate=True),
    Input(SERIES_DETAILS, "open"),
    State("indikator-areas", "value"),
    State("indikator-gender", "value"),
    State("indikator-levels", "value"),
    State("indikator-kpi", "data"),
    prevent_initial_call=True,
)
def open_series_tables(is_open, areas, gender, levels, kpi_id):
    """The time series' table alternative, when it is opened."""
    indicator = _indicator_or_stop(kpi_id)
    selection = control_selection(indicator, areas, gender, levels, None)
    return table_when_opened(is_open, lambda: series_tables(indicator, selection))


@callback(
    Output(RANKING_TABLE, "children", allow_duplicate=True),
    Input(RANKING_DETAILS, "open"),
    State("indikator-gender", "value"),
    State("indikator-kpi", "data"),
    prevent_initial_call=True,
)
def open_ranking_table(is_open, gender, kpi_id):
    """The ranking's table alternative, when it is opened."""
    indicator = _indicator_or_stop(kpi_id)
    selection = control_selection(indicator, [], gender, [], None)
    return table_when_opened(is_open, lambda: ranking_table_of(indicator, selection))


@callback(
    Output(NOTES_AREA_ID, "options"),
    Output(NOTES_AREA_ID, "value"),
    Input("indikator-areas", "value"),
    State(NOTES_AREA_ID, "value"),
    State(NOTES_AREA_ID, "options"),
    prevent_initial_call=True,
)
def update_notes_areas(areas, current, options):
    """Offer the assessments of the areas now shown; keep the chosen one while it is shown."""
    chosen = [a for a in (areas or []) if a in service.MUNICIPALITY_IDS]
    offered_before = [o.get("value") for o in options or [] if isinstance(o, dict)]
    return notes_area_options(chosen), notes_area(chosen, current, offered_before)


@callback(
    Output(NOTES_CONTAINER_ID, "children"),
    Input(NOTES_AREA_ID, "value"),
    State("indikator-kpi", "data"),
    prevent_initial_call=True,
)
def show_notes(area_id, kpi_id):
    """The assessments of the chosen area on the indicator."""
    if area_id not in service.AREA_ORDER or service.indicator(kpi_id or "") is None:
        raise dash.exceptions.PreventUpdate
    return indicator_notes(area_id, kpi_id)


sync_url(
    "indikator-url",
    [
        ("indikator-areas", "omraden"),
        ("indikator-gender", "kon"),
        ("indikator-levels", "niva"),
        ("indikator-metod", "metod"),
    ],
)

area_map.indicator_map_callbacks(
    kpi="indikator-kpi", gender="indikator-gender", method="indikator-metod"
)

similar_callbacks(
    selection_of=control_selection,
    areas="indikator-areas",
    gender="indikator-gender",
    levels="indikator-levels",
    method="indikator-metod",
    kpi="indikator-kpi",
)
