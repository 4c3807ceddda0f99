"""Jämför: chosen municipalities side by side for chosen indicators, as small multiples with
Region Dalarna and Riket as references.

Two views: one panel per indicator with every chosen area on the panel's y axis, or "Samma
skala": one row per indicator with a panel per municipality on a shared y axis. Every panel
spans the same years, shows each area's status at the chosen level and has a table alternative.

Totals (tonnes, MWh, kg, counts) are shown per inhabitant by default, every area on one
scale (:mod:`indicators.per_inhabitant`); shown as totals, Region Dalarna and Riket get small
panels of their own below the municipalities, each on its own scale. Every area is drawn in
its own style, the same as on the other pages (:mod:`indicators.area_colours`).

The selections live in the address bar: ``omraden`` (municipality ids), ``indikatorer`` (KPI
ids), ``vy`` (indikator | kommun), ``varden`` (per-invanare | totalt: how totals are shown),
``niva`` (the level whose status is shown) and ``metod`` (threshold set).
"""

# No ``from __future__ import annotations`` here: Dash Pages executes page modules before they
# are in ``sys.modules``, where dataclasses cannot resolve string annotations.

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dash
import pandas as pd
from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, dcc, html

from indicators import service
from indicators.catalogue import Indicator
from indicators.per_inhabitant import (
    DEFAULT_MEASURE,
    MEASURES,
    POPULATION_KPI,
    POPULATION_TITLE,
    ShownValues,
    shown_values,
)
from indicators.sdg import sdg_name
from indicators.status_facts import status_facts
from indicators.vocabulary import ALL_LEVELS, DIRECTIONS, LEVEL_LABELS, NO_DIRECTION_TEXT, TREND
from layouts.parts.answer_cache import cached_answer
from layouts.parts.comparison_figures import (
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
    dropdown,
    dropdown_labels,
    level_param,
    method_control,
    municipality_picker,
    source_credit,
    status_legend,
    sync_url,
    url_store,
)
from layouts.parts.download import download_panel, selection_store
from layouts.parts.table_alternative import table_alternative, table_when_opened
from layouts.parts.url_state import Choice, Choices, Kind, read_query, url_notes
from layouts.parts.why import why_markup

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
#: A panel's table alternative (built when opened): the disclosure's and its body's id types
#: (with the panel's ``kpi``), and the store listing the indicators whose table is open.
TABLE_DETAILS = "jamfor-table-details"
TABLE_BODY = "jamfor-table"
OPEN_TABLES = "jamfor-open-tables"
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
    measure: str = DEFAULT_MEASURE

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
        "varden": Choice(
            tuple(MEASURES), DEFAULT_MEASURE, what="Totalernas visning", labels=MEASURES
        ),
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
        measure=state["varden"],
    )
    return selection, state.notes


def read_selection(
    omraden=None, indikatorer=None, vy=None, niva=None, metod=None, varden=None
) -> Selection:
    """The selection from query-string texts or control values (see
    :func:`read_url_selection`)."""
    query = {"omraden": omraden, "indikatorer": indikatorer, "vy": vy, "niva": niva}
    return read_url_selection({**query, "metod": metod, "varden": varden})[0]


# --- panels -----------------------------------------------------------------------------------


def _direction_text(direction: str) -> str:
    """ "högre värden önskas", "lägre värden önskas" or "ingen önskad riktning"."""
    wanted = DIRECTIONS.get(direction)
    return wanted.values_wanted if wanted is not None else NO_DIRECTION_TEXT


#: Per area, its row of the status table (status, reason and the numbers behind them).
AreaStatuses = Mapping[str, Mapping[str, Any]]


def statuses_by_indicator(
    status: pd.DataFrame, kpi_ids: Sequence[str], level: str
) -> dict[str, dict[str, Mapping[str, Any]]]:
    """The total's status at ``level`` of each of ``kpi_ids``, per area, from
    :func:`indicators.service.status`'s table (read once for every panel)."""
    rows = status[
        (status["level"] == level) & (status["gender"] == "T") & status["kpi_id"].isin(kpi_ids)
    ]
    result: dict[str, dict[str, Mapping[str, Any]]] = {kpi_id: {} for kpi_id in kpi_ids}
    for record in rows.to_dict("records"):
        result[record["kpi_id"]][record["area_id"]] = record
    return result


def status_list(
    statuses: AreaStatuses, indicator: Indicator, area_ids: Sequence[str], level: str
) -> html.Ul:
    """Each area's status for one indicator at one level (icon + text, opening the facts
    behind it: "Varför?"), or why there is none; ``statuses`` is the indicator's entry of
    :func:`statuses_by_indicator`."""
    items = []
    judged = service.indicator(indicator.kpi_id) or indicator  # the unit the status was judged in
    goals = {goal.id: goal for goal in service.goals() if goal.kpi_id == indicator.kpi_id}
    for area_id in area_ids:
        name = service.area_title(area_id)
        if area_id in statuses:
            record = statuses[area_id]
            goal_id = record.get("goal_id")
            badge = dcc.Markdown(
                why_markup(
                    status_facts(
                        record,
                        indicator=judged,
                        goal=goals.get(goal_id) if isinstance(goal_id, str) else None,
                    ),
                    title=f"{name} – {judged.label}, {LEVEL_LABELS[level].lower()}",
                    cue=False,
                ),
                dangerously_allow_html=True,
                className="why-markup",
            )
        else:
            badge = html.Span(f"inget {LEVEL_LABELS[level].lower()}", className="note")
        items.append(html.Li([html.Span(f"{name}: ", className="status-area"), badge]))
    return html.Ul(
        items,
        className="jamfor-status",
        **{"aria-label": f"Status – {LEVEL_LABELS[level]} – {indicator.label}"},
    )


def series_data_table(indicator: Indicator, table: pd.DataFrame, selection: Selection):
    """A panel's table alternative: the values per year and area, as the chart shows them
    (``indicator`` carries the unit and decimals shown: :func:`shown_indicator`)."""
    titles = {area: service.area_title(area) for area in selection.shown_areas}
    rows, columns = series_rows(table, indicator, titles)
    return data_table(rows, columns, caption=f"{with_unit(indicator)} per år och område")


def shown_indicator(indicator: Indicator, shown: ShownValues) -> Indicator:
    """The indicator with the unit and decimals its values are shown in (per inhabitant)."""
    return dataclasses.replace(indicator, unit=shown.unit, decimals=shown.decimals)


def measure_note(shown: ShownValues) -> html.P | None:
    """What a total's chart shows: per inhabitant (and where the population is missing), or
    the totals with the references on scales of their own; nothing for other indicators."""
    if shown.per_inhabitant:
        text = (
            "Per invånare: varje års total delad med folkmängden samma år (Kolada "
            f"{POPULATION_KPI}, {POPULATION_TITLE.lower()}); alla områden på samma skala. "
            "Statusen gäller totalen."
        )
        if shown.without_population and shown.values.isna().all().all():
            text += (
                " Folkmängden är inte hämtad än: uppdatera från Kolada (python -m etl "
                "refresh) eller välj ”Totalt”."
            )
        elif shown.without_population:
            names = ", ".join(service.area_title(a) for a in shown.without_population)
            text += f" Folkmängd saknas för {names} något år – där visas inget värde."
        return html.P(text, className="note jamfor-measure-note")
    if shown.own_scale:
        names = " och ".join(service.area_title(a) for a in shown.own_scale)
        return html.P(
            f"Totaler: {names} visas under kommunerna, var och en på en egen skala – deras "
            "totaler är många gånger större än kommunernas. Välj ”Per invånare” för att "
            "jämföra alla på samma skala.",
            className="note jamfor-measure-note",
        )
    return None


def panel(
    indicator: Indicator,
    shown: ShownValues,
    selection: Selection,
    statuses: AreaStatuses,
    span: tuple[int, int] | None,
    *,
    table_open: bool = False,
) -> html.Section:
    """One indicator: heading, figure (its values as ``shown``), statuses and the table
    alternative (built here only when it is open)."""
    titles = {area: service.area_title(area) for area in selection.shown_areas}
    table, values = shown.values, shown_indicator(indicator, shown)
    if selection.view == VIEW_MUNICIPALITY:
        figure = facet_figure(
            table,
            values,
            selection.areas,
            service.REFERENCE_AREAS,
            titles,
            span=span,
            own_scale=bool(shown.own_scale),
        )
    else:
        figure = indicator_figure(table, values, titles, span=span, own_scale=shown.own_scale)
    height = figure["layout"]["height"]
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
            measure_note(shown),
            dcc.Graph(
                figure=figure,
                config=GRAPH_CONFIG,
                className="jamfor-graph",
                id={"type": "jamfor-graph", "kpi": indicator.kpi_id},
                style={"height": f"{height}px"},
            ),
            html.H3(f"Status: {LEVEL_LABELS[selection.level]}", className="jamfor-status-heading"),
            status_list(statuses, indicator, selection.shown_areas, selection.level),
            table_alternative(
                {"type": TABLE_DETAILS, "kpi": indicator.kpi_id},
                {"type": TABLE_BODY, "kpi": indicator.kpi_id},
                series_data_table(values, table, selection) if table_open else None,
                is_open=table_open,
                body_class="table-scroll",
            ),
        ],
        className="jamfor-panel",
        **{"aria-labelledby": heading_id, "data-kpi": indicator.kpi_id},
    )


def _indicator_table(indicator: Indicator, selection: Selection) -> pd.DataFrame:
    """One indicator's year × area table of the selection (from its own cached rows)."""
    return series_table(
        service.kpi_observations(indicator.kpi_id, ("T",)), indicator.kpi_id, selection.shown_areas
    )


def shown_table(indicator: Indicator, selection: Selection) -> ShownValues:
    """One indicator's values of the selection as the page shows them (totals per inhabitant
    or with the references on scales of their own)."""
    return shown_values(
        indicator,
        _indicator_table(indicator, selection),
        service.population(),
        selection.measure,
        service.REFERENCE_AREAS,
    )


def panels(selection: Selection, open_tables: Sequence[str] = ()) -> list:
    """Every chosen indicator's panel, all on the same years; a note when nothing is chosen.
    The indicators in ``open_tables`` keep their table alternative open (and built)."""
    if not selection.areas or not selection.kpis:
        missing = "minst en kommun" if not selection.areas else "minst en indikator"
        return [html.P(f"Välj {missing} för att jämföra.", className="note jamfor-empty")]
    indicators = [service.indicator(kpi) for kpi in selection.kpis]
    indicators = [i for i in indicators if i is not None]
    statuses = statuses_by_indicator(
        service.status(selection.threshold_set, ("T",)),
        [i.kpi_id for i in indicators],
        selection.level,
    )
    tables = [shown_table(i, selection) for i in indicators]
    span = year_span([shown.values for shown in tables])
    children = []
    if len(selection.areas) > MANY_AREAS:
        children.append(
            html.P(
                f"Du har valt {len(selection.areas)} kommuner: några delar färg, men varje "
                "kommun har sin egen markör (samma färg och markör på alla sidor). Färre "
                "kommuner blir lättare att läsa.",
                className="note",
            )
        )
    children.extend(
        panel(
            indicator,
            shown,
            selection,
            statuses[indicator.kpi_id],
            span,
            table_open=indicator.kpi_id in open_tables,
        )
        for indicator, shown in zip(indicators, tables, strict=True)
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
                    dropdown(
                        "jamfor-indikatorer",
                        kpi_options,
                        list(selection.kpis),
                        multi=True,
                        placeholder="Välj indikatorer …",
                        search="Sök indikator",
                        no_match="Ingen indikator matchar",
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
            html.Fieldset(
                [
                    html.Legend("Totaler (ton, MWh, kg, antal)", className="control-label"),
                    dcc.RadioItems(
                        id="jamfor-varden",
                        options=[{"label": v, "value": k} for k, v in MEASURES.items()],
                        value=selection.measure,
                    ),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label("Status mot", htmlFor="jamfor-niva", className="control-label"),
                    dropdown(
                        "jamfor-niva",
                        [{"label": LEVEL_LABELS[lv], "value": lv} for lv in ALL_LEVELS],
                        selection.level,
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


@cached_answer
def layout(**query) -> html.Div:
    selection, notes = read_url_selection(query)
    status = service.data_status()
    return html.Div(
        [
            url_store("jamfor-url"),
            dcc.Store(id=OPEN_TABLES, data=[]),
            selection_store(PAGE, selection.export()),
            html.H1("Jämför kommuner"),
            html.P(
                "Välj kommuner och indikatorer. Varje indikator får en egen panel med samma "
                "årsaxel; inom en panel delar alla områden samma skala. Totaler (som ton "
                "växthusgaser) visas per invånare, eller som totaler med Region Dalarna och "
                "Riket på egna skalor. Region Dalarna (svart, tjock linje, fyrkanter) och Riket "
                "(mörkgrå, tjock linje, romber) är referenser; varje kommun har samma färg och "
                "markör på alla sidor. Luckor i linjerna betyder att värde saknas.",
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
    Input("jamfor-varden", "value"),
    State(OPEN_TABLES, "data"),
    prevent_initial_call=True,
)
@cached_answer
def update_jamfor(omraden, indikatorer, vy, niva, metod, varden=None, open_tables=None):
    """Redraw the panels and the export selection for the controls' values (the table
    alternatives that were open stay open)."""
    selection = read_selection(
        omraden=omraden or [],
        indikatorer=indikatorer or [],
        vy=vy,
        niva=niva,
        metod=metod,
        varden=varden,
    )
    opened = [k for k in open_tables or [] if isinstance(k, str)]
    return panels(selection, opened), panels_class(selection.view), selection.export()


@callback(
    Output({"type": TABLE_BODY, "kpi": MATCH}, "children"),
    Input({"type": TABLE_DETAILS, "kpi": MATCH}, "open"),
    State({"type": TABLE_DETAILS, "kpi": MATCH}, "id"),
    State("jamfor-omraden", "value"),
    State("jamfor-varden", "value"),
    prevent_initial_call=True,
)
def open_table(is_open, details_id, omraden, varden=None):
    """A panel's table alternative, when it is opened (values as the chart shows them)."""
    kpi_id = details_id.get("kpi") if isinstance(details_id, dict) else None
    indicator = service.indicator(kpi_id) if isinstance(kpi_id, str) else None
    if indicator is None:
        raise dash.exceptions.PreventUpdate
    selection = read_selection(omraden=omraden or [], indikatorer=[indicator.kpi_id], varden=varden)

    def build():
        shown = shown_table(indicator, selection)
        return series_data_table(shown_indicator(indicator, shown), shown.values, selection)

    return table_when_opened(is_open, build)


# Which panels' table alternatives are open, for the redraw to keep them open.
clientside_callback(
    """
    function(opened, ids) {
        return ids.filter(function (id, i) { return opened[i]; })
            .map(function (id) { return id.kpi; });
    }
    """,
    Output(OPEN_TABLES, "data"),
    Input({"type": TABLE_DETAILS, "kpi": ALL}, "open"),
    State({"type": TABLE_DETAILS, "kpi": ALL}, "id"),
)


sync_url(
    "jamfor-url",
    [
        ("jamfor-omraden", "omraden"),
        ("jamfor-indikatorer", "indikatorer"),
        ("jamfor-vy", "vy"),
        ("jamfor-varden", "varden"),
        ("jamfor-niva", "niva"),
        ("jamfor-metod", "metod"),
    ],
)
