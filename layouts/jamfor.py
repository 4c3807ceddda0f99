"""Jämför: chosen municipalities side by side for chosen indicators, as small multiples with
Region Dalarna and Riket as references.

Two views: one panel per indicator with every chosen area on the panel's y axis, or "Samma
skala": one row per indicator with a panel per municipality on a shared y axis. Every panel
spans the same years, shows each area's status at the chosen level and has a table alternative.

The selections live in the address bar: ``omraden`` (municipality ids), ``indikatorer`` (KPI
ids), ``vy`` (indikator | kommun), ``niva`` (the level whose status is shown) and ``metod``
(threshold set).
"""

# No ``from __future__ import annotations`` here: Dash Pages executes page modules before they
# are in ``sys.modules``, where dataclasses cannot resolve string annotations.

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dash
import pandas as pd
from dash import Input, Output, callback, dcc, html

from indicators import service
from indicators.catalogue import Indicator
from indicators.sdg import sdg_name
from indicators.vocabulary import ALL_LEVELS, DIRECTIONS, LEVEL_LABELS, NO_DIRECTION_TEXT, TREND
from layouts.parts.comparison_figures import (
    FACET_HEIGHT,
    PANEL_HEIGHT,
    facet_figure,
    indicator_figure,
    series_rows,
    series_table,
    with_unit,
    year_span,
)
from layouts.parts.components import (
    METHOD_PARAM,
    data_table,
    dropdown_labels,
    level_param,
    method_control,
    municipality_picker,
    source_credit,
    status_badge,
    status_legend,
    sync_url,
    url_store,
)
from layouts.parts.download import download_panel, selection_store
from layouts.parts.url_state import Choice, Choices, Kind, read_query, url_notes

log = logging.getLogger(__name__)

PAGE = "jamfor"
SITE = "Hållbarhetsuppföljning Dalarna"

#: Falun, Borlänge and Mora: the three largest towns, as a first comparison.
DEFAULT_AREAS: tuple[str, ...] = ("2080", "2081", "2062")
#: One indicator from each of four goals and all three dimensions.
DEFAULT_KPIS: tuple[str, ...] = ("N03702", "N00401", "N17457", "N01451")
VIEW_INDICATOR = "indikator"
VIEW_MUNICIPALITY = "kommun"
VIEWS: dict[str, str] = {
    VIEW_INDICATOR: "En panel per indikator",
    VIEW_MUNICIPALITY: "Samma skala: kommunerna sida vid sida",
}
#: Above this many municipalities the lines get hard to tell apart (said on the page).
MANY_AREAS = 6
GRAPH_CONFIG = {"displaylogo": False, "responsive": True}
DROPDOWN_LABELS = dropdown_labels()

dash.register_page(__name__, path="/jamfor", title=f"Jämför – {SITE}", name="Jämför", order=3)


# --- reading the address bar and the controls -------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What the page shows."""

    areas: tuple[str, ...]
    kpis: tuple[str, ...]
    view: str
    level: str
    threshold_set: str

    @property
    def shown_areas(self) -> tuple[str, ...]:
        return (*self.areas, *service.REFERENCE_AREAS)

    def export(self) -> dict:
        """The download panel's selection (keys of :func:`indicators.export.parse_selection`)."""
        return {
            "areas": list(self.shown_areas),
            "kpis": list(self.kpis),
            "genders": ["T"],
            "years": None,
            "levels": [self.level],
            "threshold_set": self.threshold_set,
        }


def selection_params() -> dict[str, Kind]:
    """The page's parameters, by their names in the address. A list missing from the address,
    or naming nothing valid, is the default; present but empty (``omraden=``), it stays empty,
    as the user left it."""
    kpi_ids = [i.kpi_id for i in service.catalogue()]
    return {
        "omraden": Choices(
            service.MUNICIPALITY_IDS,
            DEFAULT_AREAS,
            what="Kommunen",
            what_plural="Kommunerna",
            labels=service.area_title,
            when_empty="empty",
        ),
        "indikatorer": Choices(
            kpi_ids,
            [k for k in DEFAULT_KPIS if k in kpi_ids],
            what="Indikatorn",
            what_plural="Indikatorerna",
            when_empty="empty",
        ),
        "vy": Choice(tuple(VIEWS), VIEW_INDICATOR, what="Visningen", labels=VIEWS),
        "niva": level_param(ALL_LEVELS, TREND),
        "metod": METHOD_PARAM,
    }


def read_url_selection(query: Mapping[str, Any]) -> tuple[Selection, tuple[str, ...]]:
    """The selection from query-string texts or control values, invalid parts replaced by
    defaults (municipalities in display order, indicators in the chosen order), and the notes
    on what was not used."""
    state = read_query(query, selection_params())
    order = {area: i for i, area in enumerate(service.MUNICIPALITY_IDS)}
    selection = Selection(
        areas=tuple(sorted(state["omraden"], key=order.__getitem__)),
        kpis=state["indikatorer"],
        view=state["vy"],
        level=state["niva"],
        threshold_set=state["metod"],
    )
    return selection, state.notes


def read_selection(omraden=None, indikatorer=None, vy=None, niva=None, metod=None) -> Selection:
    """The selection from query-string texts or control values (see
    :func:`read_url_selection`)."""
    query = {"omraden": omraden, "indikatorer": indikatorer, "vy": vy, "niva": niva}
    return read_url_selection({**query, "metod": metod})[0]


# --- panels -----------------------------------------------------------------------------------


def _direction_text(direction: str) -> str:
    """ "högre värden önskas", "lägre värden önskas" or "ingen önskad riktning"."""
    wanted = DIRECTIONS.get(direction)
    return wanted.values_wanted if wanted is not None else NO_DIRECTION_TEXT


def status_list(
    status: pd.DataFrame, indicator: Indicator, area_ids: Sequence[str], level: str
) -> html.Ul:
    """Each area's status for one indicator at one level (icon + text), or why there is none."""
    rows = status[
        (status["kpi_id"] == indicator.kpi_id)
        & (status["level"] == level)
        & (status["gender"] == "T")
    ].set_index("area_id")
    items = []
    for area_id in area_ids:
        name = service.area_title(area_id)
        if area_id in rows.index:
            row = rows.loc[area_id]
            badge = status_badge(row["status"], title=row["reason"] or None)
        else:
            badge = html.Span(f"inget {LEVEL_LABELS[level].lower()}", className="note")
        items.append(html.Li([html.Span(f"{name}: ", className="status-area"), badge]))
    return html.Ul(
        items,
        className="jamfor-status",
        **{"aria-label": f"Status – {LEVEL_LABELS[level]} – {indicator.label}"},
    )


def panel(
    indicator: Indicator,
    table: pd.DataFrame,
    selection: Selection,
    status: pd.DataFrame,
    span: tuple[int, int] | None,
) -> html.Section:
    """One indicator: heading, figure, statuses and the table alternative."""
    titles = {area: service.area_title(area) for area in selection.shown_areas}
    if selection.view == VIEW_MUNICIPALITY:
        figure = facet_figure(
            table, indicator, selection.areas, service.REFERENCE_AREAS, titles, span=span
        )
        height = FACET_HEIGHT
    else:
        figure = indicator_figure(table, indicator, titles, span=span)
        height = PANEL_HEIGHT
    rows, columns = series_rows(table, indicator, titles)
    heading_id = f"jamfor-heading-{indicator.kpi_id}"
    return html.Section(
        [
            html.H2(indicator.label, id=heading_id),
            html.P(
                [
                    f"Mål {indicator.sdg_goal}: {sdg_name(indicator.sdg_goal)} · ",
                    f"{_direction_text(indicator.direction).capitalize()} · ",
                    dcc.Link("Mer om indikatorn", href=f"/indikator/{indicator.kpi_id}"),
                ],
                className="note",
            ),
            dcc.Graph(
                figure=figure,
                config=GRAPH_CONFIG,
                className="jamfor-graph",
                id={"type": "jamfor-graph", "kpi": indicator.kpi_id},
                style={"height": f"{height}px"},
            ),
            html.H3(f"Status: {LEVEL_LABELS[selection.level]}", className="jamfor-status-heading"),
            status_list(status, indicator, selection.shown_areas, selection.level),
            html.Details(
                [
                    html.Summary("Visa som tabell"),
                    html.Div(
                        data_table(
                            rows,
                            columns,
                            caption=f"{with_unit(indicator)} per år och område",
                        ),
                        className="table-scroll",
                    ),
                ],
                className="table-alternative",
            ),
        ],
        className="jamfor-panel",
        **{"aria-labelledby": heading_id, "data-kpi": indicator.kpi_id},
    )


def panels(selection: Selection) -> list:
    """Every chosen indicator's panel, all on the same years; a note when nothing is chosen."""
    if not selection.areas or not selection.kpis:
        missing = "minst en kommun" if not selection.areas else "minst en indikator"
        return [html.P(f"Välj {missing} för att jämföra.", className="note jamfor-empty")]
    observations = service.observations(("T",))
    status = service.status(selection.threshold_set, ("T",))
    indicators = [service.indicator(kpi) for kpi in selection.kpis]
    indicators = [i for i in indicators if i is not None]
    tables = [series_table(observations, i.kpi_id, selection.shown_areas) for i in indicators]
    span = year_span(tables)
    children = []
    if len(selection.areas) > MANY_AREAS:
        children.append(
            html.P(
                f"Du har valt {len(selection.areas)} kommuner: färgerna upprepas efter "
                f"{MANY_AREAS}, men varje kommun har sin egen markör. Färre kommuner blir "
                "lättare att läsa.",
                className="note",
            )
        )
    children.extend(
        panel(indicator, table, selection, status, span)
        for indicator, table in zip(indicators, tables, strict=True)
    )
    return children


def panels_class(view: str) -> str:
    return "jamfor-panels" + (" facets" if view == VIEW_MUNICIPALITY else "")


# --- layout -----------------------------------------------------------------------------------


def _kpi_option(indicator: Indicator) -> dict:
    return {
        "label": f"{indicator.label} (mål {indicator.sdg_goal})",
        "value": indicator.kpi_id,
        "search": f"{indicator.label} {indicator.kolada_title} {indicator.kpi_id}",
    }


def controls(selection: Selection) -> html.Div:
    area_options = [{"label": service.area_title(a), "value": a} for a in service.MUNICIPALITY_IDS]
    kpi_options = [_kpi_option(i) for i in service.catalogue()]
    return html.Div(
        [
            municipality_picker(
                "jamfor-omraden",
                area_options,
                selection.areas,
                labels=DROPDOWN_LABELS,
                class_name="control control-wide",
            ),
            html.Div(
                [
                    html.Label(
                        "Indikatorer", htmlFor="jamfor-indikatorer", className="control-label"
                    ),
                    dcc.Dropdown(
                        id="jamfor-indikatorer",
                        options=kpi_options,
                        value=list(selection.kpis),
                        multi=True,
                        placeholder="Välj indikatorer …",
                        labels=DROPDOWN_LABELS,
                    ),
                ],
                className="control control-wide",
            ),
            html.Fieldset(
                [
                    html.Legend("Visning", className="control-label"),
                    dcc.RadioItems(
                        id="jamfor-vy",
                        options=[{"label": v, "value": k} for k, v in VIEWS.items()],
                        value=selection.view,
                    ),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label("Status mot", htmlFor="jamfor-niva", className="control-label"),
                    dcc.Dropdown(
                        id="jamfor-niva",
                        options=[{"label": LEVEL_LABELS[lv], "value": lv} for lv in ALL_LEVELS],
                        value=selection.level,
                        clearable=False,
                        searchable=False,
                    ),
                ],
                className="control",
            ),
            method_control("jamfor-metod", selection.threshold_set, inline=False),
        ],
        className="controls jamfor-controls",
        role="group",
        **{"aria-label": "Urval"},
    )


def layout(**query) -> html.Div:
    selection, notes = read_url_selection(query)
    status = service.data_status()
    return html.Div(
        [
            url_store("jamfor-url"),
            selection_store(PAGE, selection.export()),
            html.H1("Jämför kommuner"),
            html.P(
                "Välj kommuner och indikatorer. Varje indikator får en egen panel med samma "
                "årsaxel; inom en panel delar alla områden samma skala. Region Dalarna (svart, "
                "streckad) och Riket (grå, prickad) är referenser. Luckor i linjerna betyder att "
                "värde saknas.",
                className="intro",
            ),
            url_notes(notes),
            controls(selection),
            status_legend(),
            source_credit(status),
            html.Div(panels(selection), id="jamfor-panels", className=panels_class(selection.view)),
            source_credit(status),
            html.Section([html.H2("Ladda ner"), download_panel(PAGE)], className="jamfor-download"),
        ],
        className="jamfor-page",
    )


@callback(
    Output("jamfor-panels", "children"),
    Output("jamfor-panels", "className"),
    Output({"type": "export-selection", "page": PAGE}, "data"),
    Input("jamfor-omraden", "value"),
    Input("jamfor-indikatorer", "value"),
    Input("jamfor-vy", "value"),
    Input("jamfor-niva", "value"),
    Input("jamfor-metod", "value"),
    prevent_initial_call=True,
)
def update_jamfor(omraden, indikatorer, vy, niva, metod):
    """Redraw the panels and the export selection for the controls' values."""
    selection = read_selection(
        omraden=omraden or [], indikatorer=indikatorer or [], vy=vy, niva=niva, metod=metod
    )
    return panels(selection), panels_class(selection.view), selection.export()


sync_url(
    "jamfor-url",
    [
        ("jamfor-omraden", "omraden"),
        ("jamfor-indikatorer", "indikatorer"),
        ("jamfor-vy", "vy"),
        ("jamfor-niva", "niva"),
        ("jamfor-metod", "metod"),
    ],
)
