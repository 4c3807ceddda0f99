"""Översikt: the status matrix – the 17 areas × the SDG goals (or × the indicators grouped by
SDG goal).

The first screen leads: a "Börja här" line offers the two ways in – one's own municipality
(its page opens) or a global goal (the matrix shows its indicators) – and the matrix opens at
the goal level that has goals for the most cells (:func:`indicators.overview.default_level`),
one column per SDG goal, saying how many cells show the trend for want of a goal.

Each cell is an area's progress status at the chosen goal level (the trend where no goal of
that level exists, marked as such). Choosing a cell shows the facts behind it ("Varför?"), with
a link onwards: ``assets/oversikt.js`` puts the cell's key in the store ``oversikt-cell`` and
:func:`show_facts` answers with the panel. The selections (level, SDG goals, dimensions, view,
threshold set) live in the URL; a level in the address wins over the default.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import dash
import pandas as pd
from dash import ClientsideFunction, Input, Output, callback, clientside_callback, dcc, html
from dash.exceptions import PreventUpdate

from indicators import service
from indicators.overview import (
    default_level,
    effective_status,
    fallback_count,
    sdg_aggregates,
    sdg_fallback_count,
    status_counts,
)
from indicators.progress import DEFAULT_THRESHOLD_SET
from indicators.sdg import DIMENSIONS, SDG_GOALS
from indicators.vocabulary import ALL_LEVELS, LEVEL_LABELS, TREND
from layouts.parts import area_map
from layouts.parts.answer_cache import cached_answer
from layouts.parts.components import (
    dropdown,
    method_control,
    source_credit,
    sync_url,
    url_store,
)
from layouts.parts.download import download_panel, selection_store
from layouts.parts.matrix import (
    DEFAULT_LEVEL,
    PER_INDICATOR,
    PER_SDG,
    VIEWS,
    CellFacts,
    CellKey,
    CellText,
    MatrixSelection,
    RawJsx,
    arrow_note,
    cell_markup,
    cell_texts,
    counts_summary,
    facts_panel,
    fallback_legend,
    filter_indicators,
    indicator_cell_facts,
    indicator_matrix,
    parse_cell_key,
    parse_selection,
    read_selection,
    rendered_table,
    sdg_cell_facts,
    sdg_matrix,
)
from layouts.parts.url_state import url_notes

log = logging.getLogger(__name__)

dash.register_page(
    __name__,
    path="/",
    title="Översikt – Hållbarhetsuppföljning Dalarna",
    name="Översikt",
    order=0,
)

PAGE_ID = "oversikt"
LEVEL_ID = "oversikt-level"
SDG_ID = "oversikt-sdg"
DIMENSION_ID = "oversikt-dimension"
VIEW_ID = "oversikt-view"
METHOD_ID = "oversikt-method"
URL_ID = "oversikt-url"
SUMMARY_ID = "oversikt-summary"
MATRIX_ID = "oversikt-matrix"
LEGEND_ID = "oversikt-fallback-legend"
#: The chosen cell's key (set by assets/oversikt.js) and the panel with its facts.
CELL_ID = "oversikt-cell"
WHY_ID = "oversikt-why"
#: "Börja här": the choice of one's own area, and where choosing it leads.
AREA_PICK_ID = "oversikt-kommun"
GO_ID = "oversikt-go"
START_LABEL_ID = "oversikt-start-label"
EXPORT_ID = {"type": "export-selection", "page": PAGE_ID}


def export_selection(selection: MatrixSelection, kpi_ids: list[str]) -> dict[str, Any]:
    """The download's selection: the 17 areas, the shown indicators, the total series, all
    years, the chosen level (plus the trend that stands in where that level has no goal)."""
    levels = [selection.level] if selection.level == TREND else [selection.level, TREND]
    return {
        "areas": list(service.AREA_ORDER),
        "kpis": kpi_ids,
        "genders": ["T"],
        "years": None,
        "levels": levels,
        "threshold_set": selection.threshold_set,
    }


@functools.lru_cache(maxsize=16)
def _cached_view_data(
    _version: tuple, threshold_set: str, level: str
) -> tuple[pd.DataFrame, dict[CellKey, CellText], dict[CellKey, RawJsx]]:
    """The effective status of every cell, what every indicator cell shows and the cells
    rendered, per data version, method and level (rendering ~1 800 cells is the costly part;
    filters only choose among them)."""
    effective = effective_status(service.status(threshold_set), level)
    texts = cell_texts(effective, service.catalogue(), _areas())
    markup = cell_markup(texts, service.catalogue(), _areas(), references=service.REFERENCE_AREAS)
    return effective, texts, markup


def _areas() -> list[tuple[str, str]]:
    return [(area_id, service.area_title(area_id)) for area_id in service.AREA_ORDER]


@functools.lru_cache(maxsize=4)
def _cached_default_level(_version: tuple) -> str:
    return default_level(service.status(DEFAULT_THRESHOLD_SET.name), DEFAULT_LEVEL)


def opening_level() -> str:
    """The level the overview opens at for the stored data (goals for the most cells)."""
    return _cached_default_level(service.version())


def build_view(selection: MatrixSelection) -> tuple[html.Div, html.Div, html.P, dict]:
    """(counts summary, matrix, fallback legend, export selection) for a selection."""
    indicators = filter_indicators(service.catalogue(), selection.sdgs, selection.dimensions)
    kpi_ids = [i.kpi_id for i in indicators]
    legend = fallback_legend(selection.level, uncertain_mark=not selection.per_sdg)
    export = export_selection(selection, kpi_ids)
    if not indicators:
        message = html.P(
            "Inga indikatorer hör till de valda målen och dimensionerna. Ändra urvalet.",
            className="note ov-empty-selection",
            role="status",
        )
        return html.Div(), message, legend, export
    effective, texts, markup = _cached_view_data(
        service.version(), selection.threshold_set, selection.level
    )
    effective = effective[effective["kpi_id"].isin(kpi_ids)]
    areas = _areas()
    if selection.per_sdg:
        sdgs = sorted({i.sdg_goal for i in indicators})
        aggregates = sdg_aggregates(effective, kpi_ids)
        table = sdg_matrix(
            aggregates, sdgs, areas, level=selection.level, reference_areas=service.REFERENCE_AREAS
        )
        summary = counts_summary(
            status_counts(aggregates["status"]),
            n_fallback=sdg_fallback_count(aggregates, selection.level),
            level=selection.level,
            unit="rutor",
            behind=(fallback_count(effective), len(effective)),
        )
    else:
        table = indicator_matrix(
            effective,
            indicators,
            areas,
            level=selection.level,
            reference_areas=service.REFERENCE_AREAS,
            texts=texts,
            markup=markup,
        )
        summary = counts_summary(
            status_counts(effective["status"]),
            n_fallback=fallback_count(effective),
            level=selection.level,
            unit="rutor",
        )
    matrix = html.Div(
        [
            html.A("Hoppa förbi matrisen", href="#oversikt-after-matrix", className="ov-skip"),
            html.Div(
                rendered_table(table),
                className="table-scroll ov-scroll",
                tabIndex="0",
                role="region",
                **{"aria-label": "Statusmatris, rullbar"},
            ),
        ]
    )
    return summary, matrix, legend, export


def cell_facts_for(key: Any, selection: MatrixSelection) -> CellFacts | None:
    """The facts behind the cell with ``key`` (from the browser) in the matrix ``selection``
    shows, or None when it shows no such cell (another view, filtered away, no assessment,
    or not a key at all)."""
    parsed = parse_cell_key(key)
    if parsed is None or parsed[0] not in service.AREA_ORDER:
        return None
    area_id, column = parsed
    indicators = filter_indicators(service.catalogue(), selection.sdgs, selection.dimensions)
    effective, _texts, _markup = _cached_view_data(
        service.version(), selection.threshold_set, selection.level
    )
    effective = effective[effective["area_id"] == area_id]
    title = service.area_title(area_id)
    if selection.per_sdg:
        kpi_ids = [i.kpi_id for i in indicators if str(i.sdg_goal) == column]
        aggregates = sdg_aggregates(effective, kpi_ids).to_dict("records")
        if not aggregates:
            return None
        return sdg_cell_facts(
            aggregates[0],
            area_title=title,
            level=selection.level,
            threshold_set=selection.threshold_set,
        )
    indicator = next((i for i in indicators if i.kpi_id == column), None)
    rows = effective[effective["kpi_id"] == column].to_dict("records")
    if indicator is None or not rows:
        return None
    goal_id = rows[0].get("goal_id")
    return indicator_cell_facts(
        rows[0],
        area_title=title,
        indicator=indicator,
        level=selection.level,
        threshold_set=selection.threshold_set,
        goals={g.id: g for g in service.goals() if g.id == goal_id},
    )


def start_here(selection: MatrixSelection) -> html.Div:
    """ "Börja här": one's own area (its page opens when chosen) or one or more global goals
    (the matrix shows them)."""
    areas = [*service.MUNICIPALITY_IDS, *service.REFERENCE_AREAS]
    return html.Div(
        [
            html.Strong("Börja här:", id=START_LABEL_ID, className="ov-start-label"),
            html.Div(
                [
                    html.Label("välj din kommun (dess sida öppnas)", htmlFor=AREA_PICK_ID),
                    dropdown(
                        AREA_PICK_ID,
                        [{"label": service.area_title(a), "value": a} for a in areas],
                        None,
                        placeholder="Välj kommun …",
                        search="Sök kommun",
                        no_match="Ingen kommun matchar",
                        clearable=False,
                    ),
                ],
                className="ov-start-choice",
            ),
            html.Span("eller", className="ov-start-or"),
            html.Div(
                [
                    html.Label("ett globalt mål", htmlFor=SDG_ID),
                    dropdown(
                        SDG_ID,
                        [{"label": f"{s.goal} {s.name}", "value": str(s.goal)} for s in SDG_GOALS],
                        [str(g) for g in selection.sdgs],
                        multi=True,
                        placeholder="Alla 17 mål",
                        search="Sök mål",
                        no_match="Inget mål matchar",
                        search_order="original",
                    ),
                ],
                className="ov-start-choice ov-sdg-control",
            ),
        ],
        className="ov-start",
        role="group",
        **{"aria-labelledby": START_LABEL_ID},
    )


def _controls(selection: MatrixSelection) -> html.Div:
    return html.Div(
        [
            html.Fieldset(
                [
                    html.Legend("Målnivå", className="control-label"),
                    dcc.RadioItems(
                        id=LEVEL_ID,
                        options=[{"label": LEVEL_LABELS[lv], "value": lv} for lv in ALL_LEVELS],
                        value=selection.level,
                        inline=True,
                        className="ov-level",
                    ),
                ],
                className="control",
            ),
            html.Fieldset(
                [
                    html.Legend("Visning", className="control-label"),
                    dcc.RadioItems(
                        id=VIEW_ID,
                        options=[{"label": label, "value": v} for v, label in VIEWS.items()],
                        value=PER_SDG if selection.per_sdg else PER_INDICATOR,
                        inline=True,
                    ),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label("Dimension", htmlFor=DIMENSION_ID),
                    dropdown(
                        DIMENSION_ID,
                        [{"label": label, "value": v} for v, label in DIMENSIONS.items()],
                        list(selection.dimensions),
                        multi=True,
                        placeholder="Alla dimensioner",
                        searchable=False,
                    ),
                ],
                className="control",
            ),
            method_control(METHOD_ID, selection.threshold_set, legend="Gränsvärden (metod)"),
        ],
        className="controls oversikt-controls",
        role="group",
        **{"aria-label": "Urval för matrisen"},
    )


@cached_answer
def layout(**query: Any) -> html.Div:
    map_query, query = area_map.split_query(query, area_map.OVERVIEW_PARAM_NAMES)
    selection, notes = read_selection(query, opening_level())
    summary, matrix, legend, export = build_view(selection)
    return html.Div(
        [
            html.H1("Översikt: status per område och mål"),
            start_here(selection),
            url_notes(notes),
            _controls(selection),
            url_store(URL_ID),
            dcc.Location(id=GO_ID, refresh="callback-nav"),
            html.Div(summary, id=SUMMARY_ID, **{"aria-live": "polite"}),
            html.Div(
                [
                    html.H2("Förklaring", className="visually-hidden"),
                    arrow_note(),
                    html.Div(legend, id=LEGEND_ID),
                ],
                className="ov-legend",
            ),
            html.Div(matrix, id=MATRIX_ID),
            dcc.Store(id=CELL_ID),
            html.Div(facts_panel(None), id=WHY_ID, className="ov-why-area"),
            html.Div(id="oversikt-after-matrix", tabIndex="-1"),
            area_map.overview_section(selection, map_query),
            html.P(
                [
                    "Statusen räknas med Statistics Canadas metod (eller Eurostats gränsvärden). "
                    "Läs mer under ",
                    dcc.Link("Om data", href="/om"),
                    ".",
                ],
                className="note",
            ),
            source_credit(service.data_status()),
            selection_store(PAGE_ID, export),
            download_panel(PAGE_ID),
        ],
        className="oversikt-page",
    )


@callback(
    Output(SUMMARY_ID, "children"),
    Output(MATRIX_ID, "children"),
    Output(LEGEND_ID, "children"),
    Output(EXPORT_ID, "data"),
    Input(LEVEL_ID, "value"),
    Input(SDG_ID, "value"),
    Input(DIMENSION_ID, "value"),
    Input(VIEW_ID, "value"),
    Input(METHOD_ID, "value"),
    prevent_initial_call=True,
)
@cached_answer
def update_matrix(level, sdgs, dimensions, view, threshold_set):
    """Rebuild the counts, the matrix and the download selection from the controls."""
    selection = parse_selection(level, sdgs, dimensions, view, threshold_set)
    return build_view(selection)


@callback(
    Output(WHY_ID, "children"),
    Input(CELL_ID, "data"),
    Input(LEVEL_ID, "value"),
    Input(SDG_ID, "value"),
    Input(DIMENSION_ID, "value"),
    Input(VIEW_ID, "value"),
    Input(METHOD_ID, "value"),
    prevent_initial_call=True,
)
def show_facts(key, level, sdgs, dimensions, view, threshold_set):
    """The facts behind the chosen cell for the current selection (after a change of the
    selection, of the same cell; the hint when none is chosen or the cell is not shown)."""
    if key is None and dash.ctx.triggered_id != CELL_ID:
        raise PreventUpdate  # no cell open: a change of the selection leaves the hint
    selection = parse_selection(level, sdgs, dimensions, view, threshold_set)
    return facts_panel(cell_facts_for(key, selection))


sync_url(
    URL_ID,
    [
        (LEVEL_ID, "niva"),
        (SDG_ID, "mal"),
        (DIMENSION_ID, "dimension"),
        (VIEW_ID, "vy"),
        (METHOD_ID, "metod"),
    ],
)

area_map.overview_map_callbacks(
    level=LEVEL_ID, sdgs=SDG_ID, dimensions=DIMENSION_ID, method=METHOD_ID
)

# "Börja här": choosing an area opens its page (assets/oversikt.js).
clientside_callback(
    ClientsideFunction(namespace="oversikt", function_name="openArea"),
    Output(GO_ID, "href"),
    Input(AREA_PICK_ID, "value"),
    prevent_initial_call=True,
)
