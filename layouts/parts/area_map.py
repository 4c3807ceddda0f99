"""A map of Dalarna's 15 municipalities: on Översikt the status of an SDG goal or an indicator
at the chosen goal level, on an indicator's page its value in a chosen year or its status.

The map is a plain-dict figure (as :mod:`layouts.parts.figures`) drawn with the basic plotly.js
bundle: each municipality is a ``scatter`` trace filled to itself (``fill: "toself"``) on
hidden x/y axes with equal scales, in SWEREF 99 TM kilometres
(:mod:`indicators.map_geometry`). Every municipality carries its name and its value or status
icon and label as text on the map, so colour is never the only cue; values are coloured on the
colour-blind-safe sequential scale :data:`COLOUR_SCALE` with the unit on the colour bar,
statuses in the vocabulary's colours. Region Dalarna and Riket are given beside the map as
text, the numbers as a table under "Visa som tabell" (with a link to each municipality), and a
click (or tap) on a municipality opens its page (``assets/area-map.js``). The map's own choices
live in the address (``karta``, and ``ar`` on an indicator's page) next to the page's, written
in place (``assets/area-map.js``): a choice on the map makes no step of its own for the back
button, so that back undoes the page's selections as before.

Each page calls its ``*_map_callbacks`` once with the ids of its controls; the callbacks only
select (the values and statuses come from :mod:`indicators.map_values` over the cached tables of
:mod:`indicators.service`) and render.
"""

from __future__ import annotations

import functools
import html as html_text
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dash
import pandas as pd
from dash import (
    MATCH,
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    dcc,
    html,
)
from plotly.colors import get_colorscale, sample_colorscale

from indicators import service
from indicators.catalogue import Indicator
from indicators.follow_up import goal_levels_of
from indicators.formatting import format_number
from indicators.map_geometry import (
    LabelPlace,
    MapShapes,
    county_outline,
    county_shapes,
    label_places,
    sweden_shapes,
)
from indicators.map_values import (
    AreaStatus,
    indicator_statuses,
    national_values,
    national_years,
    scale_position,
    sdg_statuses,
    value_range,
    values_in_year,
    years_with_values,
)
from indicators.overview import effective_status, sdg_aggregates
from indicators.sdg import sdg_name
from indicators.vocabulary import LEVELS, STATUS_STYLE, TREND
from layouts.parts.answer_cache import cached_answer
from layouts.parts.components import (
    METHOD_PARAM,
    data_table,
    dropdown,
    source_credit,
    status_badge,
    url_store,
)
from layouts.parts.figures import INK, Figure, base_layout
from layouts.parts.matrix import (
    AREA_PAGE,
    MatrixSelection,
    area_href,
    fallback_note,
    filter_indicators,
    parse_selection,
)
from layouts.parts.table_alternative import body_when_open, table_alternative, table_when_opened
from layouts.parts.url_state import Choice, Integer, Kind, read_query, read_value, url_notes

# --- the figure ------------------------------------------------------------------------------

#: Sequential, perceptually even and readable with every common colour-vision deficiency.
COLOUR_SCALE = "Cividis"
#: A municipality without a value or a status.
NO_DATA_FILL = "#f2f2f2"
BORDER = "#ffffff"
OUTLINE = "#4d4d4d"
LABEL_SIZE = 11
#: Labels sit on a light box, legible on every fill (black text: contrast above 4.5:1).
LABEL_BOX = "rgba(255,255,255,0.82)"
#: A label's line and a character's width, in km where the map is drawn smallest (a phone,
#: about 1 km a pixel), for the column of labels beside the map; the space between labels.
LINE_KM = 13.0
CHARACTER_KM = 6.5
LABEL_GAP_KM = 9.0
LABEL_HALF_HEIGHT_KM = 14.0
#: The invisible touch target on each label (px).
HIT_SIZE = 30
#: Room around the shapes, as a share of the map's extent.
PADDING = 0.03
MISSING_LABEL = "– saknas"
#: Marks a status judged by the trend because no goal of the chosen level applies.
TREND_MARK = "*"
CLICK_NOTE = "Klicka eller tryck på en kommun för att öppna dess sida."

GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "displayModeBar": False,
    "scrollZoom": False,
    "doubleClick": False,
}


@dataclass(frozen=True)
class MapArea:
    """How one municipality is drawn: its fill, the text on the map (name and value, or status
    icon and name; lines split by ``<br>``), the hover text and where a click leads."""

    area_id: str
    fill: str
    label: str
    hover: str
    href: str


@dataclass(frozen=True)
class ColourBar:
    """The value scale's legend: the values at its ends and the unit as its title."""

    low: float
    high: float
    unit: str


@dataclass(frozen=True)
class LegendEntry:
    """A status in the map's legend: its icon and label, and its fill."""

    name: str
    colour: str


def value_colour(position: float | None) -> str:
    """The fill of a value at ``position`` (0–1) on :data:`COLOUR_SCALE`; no value: grey."""
    if position is None:
        return NO_DATA_FILL
    return str(sample_colorscale(get_colorscale(COLOUR_SCALE), [position])[0])


def _ring_path(shape) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for ring_x, ring_y in shape.rings:
        if xs:
            xs.append(None)
            ys.append(None)
        xs.extend(ring_x)
        ys.extend(ring_y)
    return xs, ys


def _area_trace(shape, area: MapArea) -> dict:
    xs, ys = _ring_path(shape)
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines",
        "fill": "toself",
        "fillcolor": area.fill,
        "line": {"color": BORDER, "width": 1.5},
        "name": html_text.escape(shape.name),
        "hoveron": "fills",
        "hoverinfo": "text",
        "text": area.hover,
        "meta": area.href,
        "showlegend": False,
    }


def _hit_trace(places: Mapping[str, LabelPlace], areas: Sequence[MapArea]) -> dict:
    """Invisible touch targets on the labels: every municipality answers a hover, a click or a
    tap on its label (inside it, or beside the map), as on its shape."""
    shown = [a for a in areas if a.area_id in places]
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [places[a.area_id].x for a in shown],
        "y": [places[a.area_id].y for a in shown],
        "marker": {"size": HIT_SIZE, "color": "rgba(0,0,0,0)"},
        "cliponaxis": False,
        "customdata": [[a.area_id, a.hover, a.href] for a in shown],
        "hovertemplate": "%{customdata[1]}<extra></extra>",
        "showlegend": False,
        "name": "Kommuner",
    }


def _label(place: LabelPlace, area: MapArea) -> dict:
    """An area's label on a light box (legible on every fill): inside the area, or beside the
    map with a line to it."""
    label = {
        "x": place.x,
        "y": place.y,
        "xref": "x",
        "yref": "y",
        "text": area.label,
        "showarrow": False,
        "bgcolor": LABEL_BOX,
        "borderpad": 1,
        "font": {"size": LABEL_SIZE, "color": INK},
        "name": f"etikett-{area.area_id}",
    }
    if place.anchor is not None:
        label.update(
            x=place.anchor[0],
            y=place.anchor[1],
            ax=place.x,
            ay=place.y,
            axref="x",
            ayref="y",
            xanchor="left",
            align="left",
            showarrow=True,
            arrowhead=0,
            arrowwidth=1,
            arrowcolor=INK,
            bordercolor=OUTLINE,
            borderwidth=1,
        )
    return label


def _colour_bar_trace(bar: ColourBar) -> dict:
    """An invisible trace that only draws the colour bar."""
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [None, None],
        "y": [None, None],
        "marker": {
            "color": [bar.low, bar.high],
            "colorscale": COLOUR_SCALE,
            "cmin": bar.low,
            "cmax": bar.high,
            "showscale": True,
            "colorbar": {
                "title": {"text": html_text.escape(bar.unit), "side": "top"},
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": 0,
                "yanchor": "top",
                "thickness": 12,
                "len": 0.8,
                "outlinewidth": 0,
            },
        },
        "hoverinfo": "skip",
        "showlegend": False,
        "name": "Färgskala",
    }


def _legend_trace(entry: LegendEntry) -> dict:
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [None],
        "y": [None],
        "name": html_text.escape(entry.name),
        "marker": {
            "symbol": "square",
            "size": 14,
            "color": entry.colour,
            "line": {"color": OUTLINE, "width": 1},
        },
        "hoverinfo": "skip",
        "showlegend": True,
    }


def _lines(label: str) -> int:
    return label.count("<br>") + 1


def _column_km(areas: Sequence[MapArea]) -> float:
    """How wide the labels beside the map are, in km where the map is drawn smallest."""
    longest = max((len(line) for a in areas for line in a.label.split("<br>")), default=0)
    return longest * CHARACTER_KM + 8.0


def _ranges(
    shapes: MapShapes, places: Mapping[str, LabelPlace], column_km: float
) -> tuple[list, list]:
    """The axes' ranges: the shapes and the labels beside them, with a little room."""
    x0, y0, x1, y1 = shapes.bounds
    outside = [p for p in places.values() if p.anchor is not None]
    if outside:
        x1 = max(x1, max(p.x for p in outside) + column_km)
        y0 = min(y0, min(p.y for p in outside) - LABEL_HALF_HEIGHT_KM)
        y1 = max(y1, max(p.y for p in outside) + LABEL_HALF_HEIGHT_KM)
    pad = PADDING * max(x1 - x0, y1 - y0)
    return [round(x0 - pad, 1), round(x1 + pad, 1)], [round(y0 - pad, 1), round(y1 + pad, 1)]


def map_figure(
    shapes: MapShapes,
    areas: Sequence[MapArea],
    *,
    title: str,
    colour_bar: ColourBar | None = None,
    legend: Sequence[LegendEntry] = (),
) -> Figure:
    """The municipalities of ``shapes`` filled as ``areas`` says (a municipality not among
    them is drawn without data), each with its label (inside it, or beside the map with a line
    to it: :func:`indicators.map_geometry.label_places`), on hidden axes of equal scale; with
    a colour bar for values or a legend of the statuses shown, under the map."""
    layout = base_layout(
        {"text": html_text.escape(title), "x": 0, "xanchor": "left", "font": {"size": 15}}
    )
    by_area = {a.area_id: a for a in areas}
    drawn = [
        by_area.get(shape.area_id)
        or MapArea(shape.area_id, NO_DATA_FILL, html_text.escape(shape.name), "", "")
        for shape in shapes.shapes
    ]
    lines = max((_lines(a.label) for a in drawn), default=1)
    places = label_places(shapes, spacing_km=LINE_KM * lines + LABEL_GAP_KM)
    figure: Figure = {
        "data": [
            _area_trace(shape, area) for shape, area in zip(shapes.shapes, drawn, strict=True)
        ],
        "layout": layout,
    }
    figure["data"].append(_hit_trace(places, drawn))
    if colour_bar is not None:
        figure["data"].append(_colour_bar_trace(colour_bar))
    figure["data"].extend(_legend_trace(entry) for entry in legend)
    layout["annotations"] = [_label(places[a.area_id], a) for a in drawn if a.area_id in places]
    outside = [a for a in drawn if a.area_id in places and places[a.area_id].anchor is not None]
    x_range, y_range = _ranges(shapes, places, _column_km(outside))
    hidden = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": True}
    layout["xaxis"] = {**hidden, "range": x_range}
    layout["yaxis"] = {**hidden, "range": y_range, "scaleanchor": "x", "scaleratio": 1}
    layout.update(
        autosize=True,
        margin={"l": 4, "r": 4, "t": 36, "b": 70 if colour_bar or legend else 4},
        dragmode=False,
        hovermode="closest",
        legend={
            "orientation": "h",
            "x": 0,
            "y": 0,
            "xanchor": "left",
            "yanchor": "top",
            "itemclick": False,
            "itemdoubleclick": False,
            "font": {"size": 12},
        },
    )
    return figure


#: The county's outline on the map of Sweden.
COUNTY_OUTLINE_WIDTH = 3.0
SWEDEN_BORDER_WIDTH = 0.4


def _outline_trace(rings, name: str) -> dict:
    xs: list = []
    ys: list = []
    for ring_x, ring_y in rings:
        if xs:
            xs.append(None)
            ys.append(None)
        xs.extend(ring_x)
        ys.extend(ring_y)
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines",
        "line": {"color": INK, "width": COUNTY_OUTLINE_WIDTH},
        "name": html_text.escape(name),
        "hoverinfo": "skip",
        "showlegend": True,
    }


def sweden_figure(
    shapes: MapShapes,
    areas: Sequence[MapArea],
    outline,
    *,
    title: str,
    colour_bar: ColourBar | None,
) -> Figure:
    """All of Sweden's municipalities filled as ``areas`` says, with Dalarna outlined. There is
    no room for 290 labels: each municipality names itself and its value on hover or tap, and
    the table alternative lists them all."""
    layout = base_layout(
        {"text": html_text.escape(title), "x": 0, "xanchor": "left", "font": {"size": 15}}
    )
    by_area = {a.area_id: a for a in areas}
    traces = []
    for shape in shapes.shapes:
        area = by_area.get(shape.area_id) or MapArea(
            shape.area_id, NO_DATA_FILL, "", html_text.escape(f"{shape.name}: saknar värde"), ""
        )
        trace = _area_trace(shape, area)
        trace["line"] = {"color": BORDER, "width": SWEDEN_BORDER_WIDTH}
        traces.append(trace)
    traces.append(_outline_trace(outline, "Dalarnas län"))
    if colour_bar is not None:
        traces.append(_colour_bar_trace(colour_bar))
    x0, y0, x1, y1 = shapes.bounds
    pad = PADDING * max(x1 - x0, y1 - y0)
    hidden = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": True}
    layout["xaxis"] = {**hidden, "range": [round(x0 - pad, 1), round(x1 + pad, 1)]}
    layout["yaxis"] = {
        **hidden,
        "range": [round(y0 - pad, 1), round(y1 + pad, 1)],
        "scaleanchor": "x",
        "scaleratio": 1,
    }
    layout.update(
        autosize=True,
        margin={"l": 4, "r": 4, "t": 36, "b": 70 if colour_bar else 30},
        dragmode=False,
        hovermode="closest",
        legend={
            "orientation": "h",
            "x": 0,
            "y": 1,
            "xanchor": "left",
            "yanchor": "bottom",
            "itemclick": False,
            "itemdoubleclick": False,
            "font": {"size": 12},
        },
    )
    return {"data": traces, "layout": layout}


# --- what the municipalities show -------------------------------------------------------------


def _name(area_id: str) -> str:
    return service.area_title(area_id)


def value_text(value: float | None, decimals: int, unit: str) -> str:
    """ "12,3 t/inv" or "saknar värde"."""
    if value is None:
        return "saknar värde"
    return f"{format_number(value, decimals)} {unit}".strip()


def value_areas(
    values: Mapping[str, float | None],
    *,
    decimals: int,
    unit: str,
    year: int,
    href: Callable[[str], str],
) -> list[MapArea]:
    """The municipalities coloured by value on :data:`COLOUR_SCALE` (by their place between
    the lowest and the highest value shown), with name and value on the map."""
    extent = value_range(values)
    areas = []
    for area_id, value in values.items():
        fill = value_colour(scale_position(value, extent))
        shown = format_number(value, decimals) if value is not None else MISSING_LABEL
        name = _name(area_id)
        areas.append(
            MapArea(
                area_id,
                fill,
                f"{html_text.escape(name)}<br>{html_text.escape(shown)}",
                html_text.escape(f"{name} {year}: {value_text(value, decimals, unit)}"),
                href(area_id),
            )
        )
    return areas


def status_words(entry: AreaStatus | None, *, mark_trend: bool = False) -> str:
    """ "↑ I fas" (with :data:`TREND_MARK` where the trend stands in and ``mark_trend``);
    "– saknas" without a status."""
    if entry is None:
        return MISSING_LABEL
    style = STATUS_STYLE[entry.status]
    return f"{style.icon} {style.label_sv}" + (TREND_MARK if mark_trend and entry.on_trend else "")


def status_mark(entry: AreaStatus | None, name: str, *, mark_trend: bool = False) -> str:
    """An area's name with its status's icon, as the map shows it ("↘ Falun"; the legend
    names the icons): short enough for the smallest municipality on a phone. "– Falun" without
    a status."""
    icon = STATUS_STYLE[entry.status].icon if entry is not None else MISSING_LABEL.split()[0]
    mark = TREND_MARK if mark_trend and entry is not None and entry.on_trend else ""
    return f"{icon} {name}{mark}"


def marks_trend(statuses: Mapping[str, AreaStatus]) -> bool:
    """Whether the trend marks are needed: some, but not all, statuses rest on the trend (when
    all do, the note under the map says so once)."""
    on_trend = [entry.on_trend for entry in statuses.values()]
    return any(on_trend) and not all(on_trend)


def status_areas(
    statuses: Mapping[str, AreaStatus],
    *,
    area_ids: Sequence[str],
    level: str,
    href: Callable[[str], str],
) -> list[MapArea]:
    """The municipalities in their status's colour, with name, icon and label on the map."""
    mark = marks_trend(statuses)
    areas = []
    for area_id in area_ids:
        entry = statuses.get(area_id)
        style = STATUS_STYLE[entry.status] if entry is not None else None
        name = _name(area_id)
        trend = f" ({fallback_note(level)})" if entry and entry.on_trend else ""
        areas.append(
            MapArea(
                area_id,
                style.colour if style else NO_DATA_FILL,
                html_text.escape(status_mark(entry, name, mark_trend=mark)),
                html_text.escape(f"{name}: {status_words(entry)}{trend}"),
                href(area_id),
            )
        )
    return areas


def status_legend_entries(statuses: Mapping[str, AreaStatus]) -> list[LegendEntry]:
    """The statuses the map shows, best first."""
    shown = {entry.status for entry in statuses.values()}
    ordered = sorted(shown, key=lambda status: STATUS_STYLE[status].order)
    return [
        LegendEntry(f"{STATUS_STYLE[s].icon} {STATUS_STYLE[s].label_sv}", STATUS_STYLE[s].colour)
        for s in ordered
    ]


# --- the section ------------------------------------------------------------------------------


def graph_id(page: str) -> dict:
    return {"type": "area-map", "page": page}


def go_id(page: str) -> dict:
    return {"type": "area-map-go", "page": page}


def _ids(page: str) -> dict[str, str]:
    return {
        name: f"{page}-map-{name}"
        for name in (
            "choice",
            "year",
            "year-control",
            "year-shown",
            "year-marks",
            "references",
            "note",
            "details",
            "table",
        )
    } | {"url": f"{page}-map-url", "heading": f"{page}-map-heading"}


@dataclass
class MapView:
    """What the map section shows for one choice: the figure, Region Dalarna's and Riket's
    reference values, a note under the map, and the table alternative's rows."""

    figure: Figure
    references: list
    note: str
    rows: list[dict]
    caption: str
    value_heading: str


def references_list(items: Sequence[tuple[str, Any]]) -> html.Dl:
    """Region Dalarna and Riket beside the map: name and value (or status badge)."""
    children: list = []
    for area_id, shown in items:
        children.extend([html.Dt(_name(area_id)), html.Dd(shown)])
    return html.Dl(children, className="area-map-references-list")


def _as_is(value: Any) -> Any:
    return value


def map_table(view: MapView) -> html.Div:
    """The table alternative: each municipality (a link to its page) and the references."""
    frame = pd.DataFrame(view.rows, columns=["area", "shown"])
    return html.Div(
        data_table(
            frame,
            [("area", "Område", _as_is), ("shown", view.value_heading, None)],
            caption=view.caption,
        ),
        className="table-scroll",
    )


def _row(area_id: str, shown: str, href: str) -> dict:
    """A row of the table alternative: the area as a link to its page (its name alone when it
    has none here), and what it shows."""
    name = _name(area_id)
    return {"area": dcc.Link(name, href=href) if href else name, "shown": shown}


def map_section(
    page: str,
    *,
    heading: str,
    controls: list,
    view: MapView,
    notes: Sequence[str],
    source_name: str | None = None,
) -> html.Section:
    """The map with its controls, the reference values beside it, the note, the table
    alternative and the source credit."""
    ids = _ids(page)
    return html.Section(
        [
            html.H2(heading, id=ids["heading"]),
            url_notes(notes),
            html.Div(controls, className="controls area-map-controls"),
            url_store(ids["url"]),
            dcc.Location(id=go_id(page), refresh="callback-nav"),
            html.Div(
                [
                    dcc.Graph(
                        id=graph_id(page),
                        figure=view.figure,
                        config=GRAPH_CONFIG,
                        className="area-map-graph",
                    ),
                    html.Div(
                        [
                            html.H3("Jämförelse", className="area-map-references-heading"),
                            html.Div(view.references, id=ids["references"]),
                        ],
                        className="area-map-references",
                    ),
                ],
                className="area-map-body",
            ),
            html.P(view.note, id=ids["note"], className="note area-map-note"),
            html.P(CLICK_NOTE, className="note area-map-click-note"),
            table_alternative(ids["details"], ids["table"]),
            source_credit(service.data_status(), source_name),
        ],
        className="area-map",
        **{"aria-labelledby": ids["heading"]},
    )


# --- Översikt: an SDG goal's or an indicator's status at the chosen level ---------------------

OVERVIEW = "oversikt"
SDG_PREFIX = "mal-"


def _choice_values(_values: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """Every SDG goal of the catalogue (``mal-<n>``) and every indicator id."""
    goals = sorted({i.sdg_goal for i in service.catalogue()})
    return (*(f"{SDG_PREFIX}{g}" for g in goals), *(i.kpi_id for i in service.catalogue()))


OVERVIEW_PARAM_NAMES = ("karta",)


def overview_params() -> dict[str, Kind]:
    """The map's parameter on Översikt: ``karta`` = ``mal-<n>`` or an indicator id."""
    return {"karta": Choice(_choice_values, None, what="Kartans val")}


def split_query(query: Mapping[str, Any], names: Sequence[str]) -> tuple[dict, dict]:
    """(the map's parameters, the rest of the address)."""
    own = {k: v for k, v in query.items() if k in names}
    return own, {k: v for k, v in query.items() if k not in names}


def overview_options(selection: MatrixSelection) -> list[dict[str, str]]:
    """What the Översikt map can show for a selection: each SDG goal shown (its indicators'
    aggregate), then each indicator shown."""
    indicators = filter_indicators(service.catalogue(), selection.sdgs, selection.dimensions)
    goals = sorted({i.sdg_goal for i in indicators})
    return [
        *({"label": f"Mål {g}: {sdg_name(g)}", "value": f"{SDG_PREFIX}{g}"} for g in goals),
        *({"label": f"Indikator: {i.label}", "value": i.kpi_id} for i in indicators),
    ]


def overview_choice(choice: Any, selection: MatrixSelection) -> str | None:
    """The shown choice: ``choice`` when the selection offers it, else its first option."""
    offered = [o["value"] for o in overview_options(selection)]
    if isinstance(choice, str) and choice in offered:
        return choice
    return offered[0] if offered else None


@functools.lru_cache(maxsize=16)
def _effective(_version: tuple, threshold_set: str, level: str) -> pd.DataFrame:
    return effective_status(service.status(threshold_set), level)


def _statuses(choice: str, selection: MatrixSelection) -> tuple[dict[str, AreaStatus], str]:
    """Every area's status of the choice (an SDG goal over the selection's indicators, or one
    indicator) at the selection's level, and what it is called."""
    effective = _effective(service.version(), selection.threshold_set, selection.level)
    if choice.startswith(SDG_PREFIX):
        goal = int(choice.removeprefix(SDG_PREFIX))
        indicators = filter_indicators(service.catalogue(), (goal,), selection.dimensions)
        aggregates = sdg_aggregates(effective, [i.kpi_id for i in indicators])
        return sdg_statuses(aggregates, goal, selection.level), f"Mål {goal}: {sdg_name(goal)}"
    indicator = service.indicator(choice)
    return indicator_statuses(effective, choice), indicator.label if indicator else choice


def status_note(statuses: Mapping[str, AreaStatus], level: str) -> str:
    """What the status map shows, and where the trend stands in for a goal."""
    if level == TREND:
        return "Status: utvecklingen i önskad riktning (trend)."
    note = f"Status mot {LEVELS[level].noun} mål."
    on_trend = [entry.on_trend for entry in statuses.values()]
    if on_trend and all(on_trend):
        return note + f" Inget {LEVELS[level].adjective} mål finns här: alla visar trenden."
    if any(on_trend):
        return note + f" {TREND_MARK} = trend, inget {LEVELS[level].adjective} mål för området."
    return note


def status_view(
    statuses: Mapping[str, AreaStatus], *, title: str, level: str, href: Callable[[str], str]
) -> MapView:
    """A status map of the municipalities, the references as badges, the table's rows."""
    municipalities = {a: s for a, s in statuses.items() if a in service.MUNICIPALITY_IDS}
    areas = status_areas(municipalities, area_ids=service.MUNICIPALITY_IDS, level=level, href=href)
    figure = map_figure(
        county_shapes(), areas, title=title, legend=status_legend_entries(municipalities)
    )
    references = [
        (area_id, _reference_status(statuses.get(area_id), level))
        for area_id in service.REFERENCE_AREAS
    ]
    rows = []
    for area_id in (*service.MUNICIPALITY_IDS, *service.REFERENCE_AREAS):
        entry = statuses.get(area_id)
        trend = f" ({fallback_note(level)})" if entry and entry.on_trend else ""
        rows.append(_row(area_id, status_words(entry) + trend, href(area_id)))
    return MapView(
        figure,
        [references_list(references)],
        status_note(municipalities, level),
        rows,
        f"{title}: status per område",
        "Status",
    )


def _reference_status(entry: AreaStatus | None, level: str) -> Any:
    if entry is None:
        return MISSING_LABEL
    badge = status_badge(entry.status)
    if not entry.on_trend:
        return badge
    return [badge, html.Span(f" {fallback_note(level)}", className="note")]


def overview_view(choice: str | None, selection: MatrixSelection) -> MapView:
    """The Översikt map for a choice and the matrix's selection."""
    if choice is None:
        return _empty_view("Inga indikatorer hör till urvalet.")
    statuses, title = _statuses(choice, selection)
    goal = int(choice.removeprefix(SDG_PREFIX)) if choice.startswith(SDG_PREFIX) else None

    def href(area_id: str) -> str:
        if goal is None or area_id not in service.MUNICIPALITY_IDS:
            return f"{AREA_PAGE}/{area_id}"
        return area_href(area_id, goal, selection.level, selection.threshold_set)

    level_name = LEVELS[selection.level].label
    return status_view(statuses, title=f"{title} – {level_name}", level=selection.level, href=href)


def _empty_view(note: str) -> MapView:
    figure = map_figure(county_shapes(), [], title="")
    return MapView(figure, [], note, [], note, "Status")


def overview_controls(options: list[dict[str, str]], choice: str | None) -> list:
    ids = _ids(OVERVIEW)
    return [
        html.Div(
            [
                html.Label("Kartan visar", htmlFor=ids["choice"], className="control-label"),
                dropdown(
                    ids["choice"],
                    options,
                    choice,
                    clearable=False,
                    search="Sök mål eller indikator",
                    placeholder="Välj mål eller indikator",
                ),
            ],
            className="control area-map-choice",
        )
    ]


def overview_section(selection: MatrixSelection, query: Mapping[str, Any]) -> html.Section:
    """Översikt's map for the matrix's selection and the map's own parameter in ``query``."""
    state = read_query(query, overview_params())
    choice = overview_choice(state["karta"], selection)
    view = overview_view(choice, selection)
    return map_section(
        OVERVIEW,
        heading="Karta",
        controls=overview_controls(overview_options(selection), choice),
        view=view,
        notes=state.notes,
    )


def offer_overview_choices(sdg_values: Any, dimension_values: Any, current: Any):
    """The Översikt map's options for the matrix's SDG goals and dimensions, and its choice
    (kept while offered)."""
    selection = parse_selection(None, sdg_values, dimension_values)
    return overview_options(selection), overview_choice(current, selection)


def _overview_view_for(level_value, sdg_values, dimension_values, method_value, choice) -> MapView:
    selection = parse_selection(level_value, sdg_values, dimension_values, None, method_value)
    return overview_view(overview_choice(choice, selection), selection)


@cached_answer
def redraw_overview_map(level_value, sdg_values, dimension_values, method_value, choice, open_):
    """The Översikt map (and its table, when open) for the matrix's selection and the choice."""
    view = _overview_view_for(level_value, sdg_values, dimension_values, method_value, choice)
    return view.figure, view.references, view.note, body_when_open(open_, lambda: map_table(view))


def open_overview_table(is_open, level_value, sdg_values, dimension_values, method_value, choice):
    """The Översikt map's table alternative, when it is opened."""
    return table_when_opened(
        is_open,
        lambda: map_table(
            _overview_view_for(level_value, sdg_values, dimension_values, method_value, choice)
        ),
    )


def overview_map_callbacks(*, level: str, sdgs: str, dimensions: str, method: str) -> None:
    """Register Översikt's map callbacks: its choices follow the matrix's SDG goals and
    dimensions, its status the level and method (the ids are the page's controls)."""
    ids = _ids(OVERVIEW)
    callback(
        Output(ids["choice"], "options"),
        Output(ids["choice"], "value"),
        Input(sdgs, "value"),
        Input(dimensions, "value"),
        State(ids["choice"], "value"),
        prevent_initial_call=True,
    )(offer_overview_choices)
    callback(
        Output(graph_id(OVERVIEW), "figure"),
        Output(ids["references"], "children"),
        Output(ids["note"], "children"),
        Output(ids["table"], "children"),
        Input(level, "value"),
        Input(sdgs, "value"),
        Input(dimensions, "value"),
        Input(method, "value"),
        Input(ids["choice"], "value"),
        State(ids["details"], "open"),
        prevent_initial_call=True,
    )(redraw_overview_map)
    callback(
        Output(ids["table"], "children", allow_duplicate=True),
        Input(ids["details"], "open"),
        State(level, "value"),
        State(sdgs, "value"),
        State(dimensions, "value"),
        State(method, "value"),
        State(ids["choice"], "value"),
        prevent_initial_call=True,
    )(open_overview_table)
    clientside_callback(
        ClientsideFunction(namespace="areaMap", function_name="keepOverview"),
        Output(ids["url"], "data"),
        Input(ids["choice"], "value"),
    )


# --- an indicator's page: its value in a year, or its status ----------------------------------

INDICATOR = "indikator"
VALUE = "varde"
SWEDEN = "sverige"
#: The views that show values in a year (the year slider shows for them).
VALUE_VIEWS = (VALUE, SWEDEN)


def map_gender(gender: Any) -> str:
    """The series the map shows for the page's gender choice: one gender, else the total."""
    chosen = str(gender or "T").split(",")
    return chosen[0] if len(chosen) == 1 and chosen[0] in ("T", "K", "M") else "T"


def sweden_years(indicator: Indicator) -> list[int]:
    """The years with values for (nearly) all of Sweden's municipalities stored."""
    return national_years(service.municipality_values(indicator.kpi_id))


def indicator_views(indicator: Indicator) -> list[str]:
    """The value, the value in all of Sweden when the database holds every municipality, then
    the status at each goal level the indicator has, then the trend."""
    sweden = [SWEDEN] if sweden_years(indicator) else []
    return [VALUE, *sweden, *goal_levels_of(indicator.kpi_id, service.goals()), TREND]


def view_label(view: str) -> str:
    if view == VALUE:
        return "Värde"
    if view == SWEDEN:
        return "Värde – hela Sverige"
    return f"Status – {LEVELS[view].short.lower()}"


def map_years(indicator: Indicator) -> list[int]:
    """The years with a value for at least one municipality (any series)."""
    observations = service.kpi_observations(indicator.kpi_id)
    years: set[int] = set()
    for gender in ("T", "K", "M"):
        years.update(
            years_with_values(observations, gender=gender, area_ids=service.MUNICIPALITY_IDS)
        )
    return sorted(years)


def indicator_params(indicator: Indicator) -> dict[str, Kind]:
    """``karta`` (value, or a status level) and ``ar`` (the value's year)."""
    years = map_years(indicator)
    return {
        "karta": Choice(
            tuple(indicator_views(indicator)), VALUE, what="Kartans visning", labels=view_label
        ),
        "ar": Integer(choices=years, default=years[-1] if years else None, what="Kartans år"),
    }


INDICATOR_PARAM_NAMES = ("karta", "ar")


def value_view(indicator: Indicator, year: int | None, gender: str) -> MapView:
    """The municipalities' values in ``year``, Region Dalarna and Riket beside them."""
    if year is None:
        return _empty_view("Inga värden för kommunerna.")
    observations = service.kpi_observations(indicator.kpi_id)
    values = values_in_year(observations, year, gender=gender, area_ids=service.MUNICIPALITY_IDS)
    references = values_in_year(observations, year, gender=gender, area_ids=service.REFERENCE_AREAS)
    decimals, unit = indicator.decimals, indicator.unit
    extent = value_range(values)
    figure = map_figure(
        county_shapes(),
        value_areas(
            values, decimals=decimals, unit=unit, year=year, href=lambda a: f"{AREA_PAGE}/{a}"
        ),
        title=f"{indicator.label} {year}",
        colour_bar=ColourBar(extent[0], extent[1], unit) if extent else None,
    )
    shown = [(a, value_text(v, decimals, unit)) for a, v in references.items()]
    rows = [
        _row(a, value_text(v, decimals, unit), f"{AREA_PAGE}/{a}")
        for a, v in {**values, **references}.items()
    ]
    note = (
        "Färgen visar värdet från lägst (mörkblått) till högst (gult) bland kommunerna, "
        "inte om det är bra."
    )
    return MapView(
        figure,
        [references_list(shown)],
        note,
        rows,
        f"{indicator.label} {year} ({unit})",
        f"Värde {year}",
    )


def sweden_year(years: Sequence[int], year: int | None) -> int | None:
    """The year the map of Sweden shows: the chosen one when the country has values for it,
    else the newest such year before it, else the newest of all."""
    if not years:
        return None
    if year is None:
        return years[-1]
    earlier = [y for y in years if y <= year]
    return earlier[-1] if earlier else years[-1]


def sweden_view(indicator: Indicator, year: int | None, gender: str) -> MapView:
    """Every municipality's value in Sweden, Dalarna outlined, Region Dalarna and Riket beside."""
    shown_year = sweden_year(sweden_years(indicator), year)
    if shown_year is None:
        return _empty_view("Databasen har inte värden för alla Sveriges kommuner.")
    values = national_values(service.municipality_values(indicator.kpi_id, gender), shown_year)
    observations = service.kpi_observations(indicator.kpi_id)
    references = values_in_year(
        observations, shown_year, gender=gender, area_ids=service.REFERENCE_AREAS
    )
    decimals, unit = indicator.decimals, indicator.unit
    extent = value_range(values)

    def href(area_id: str) -> str:
        return f"{AREA_PAGE}/{area_id}" if area_id in service.MUNICIPALITY_IDS else ""

    figure = sweden_figure(
        sweden_shapes(),
        value_areas(values, decimals=decimals, unit=unit, year=shown_year, href=href),
        county_outline(),
        title=f"{indicator.label} {shown_year} – Sveriges kommuner",
        colour_bar=ColourBar(extent[0], extent[1], unit) if extent else None,
    )
    shown = [(a, value_text(v, decimals, unit)) for a, v in references.items()]
    ordered = sorted(values.items(), key=lambda item: _name(item[0]))
    rows = [
        _row(a, value_text(v, decimals, unit), href(a)) for a, v in [*ordered, *references.items()]
    ]
    moved = f" ({year} saknar värden för hela landet)" if year not in (None, shown_year) else ""
    note = (
        f"Visar {shown_year}{moved}: {len(values)} kommuner med värde. Färgen visar värdet från "
        "lägst (mörkblått) till högst (gult) bland Sveriges kommuner, inte om det är bra. "
        "Dalarnas län har svart kant; varje kommuns namn och värde visas när du pekar eller "
        "trycker på den, och alla står i tabellen. Dalarnas kommuner öppnar sin sida."
    )
    return MapView(
        figure,
        [references_list(shown)],
        note,
        rows,
        f"{indicator.label} {shown_year} ({unit}), Sveriges kommuner",
        f"Värde {shown_year}",
    )


def indicator_status_view(indicator: Indicator, level: str, threshold_set: str) -> MapView:
    effective = _effective(service.version(), threshold_set, level)
    statuses = indicator_statuses(effective, indicator.kpi_id)
    return status_view(
        statuses,
        title=f"{indicator.label} – {LEVELS[level].label}",
        level=level,
        href=lambda a: f"{AREA_PAGE}/{a}",
    )


def indicator_view(
    indicator: Indicator, view: str, year: int | None, gender: str, threshold_set: str
) -> MapView:
    if view == VALUE:
        return value_view(indicator, year, map_gender(gender))
    if view == SWEDEN:
        return sweden_view(indicator, year, map_gender(gender))
    return indicator_status_view(indicator, view, threshold_set)


def year_slider(years: Sequence[int], year: int | None) -> html.Div:
    """The year of the values: a native range input (keyboard, touch and screen readers know
    it), its ends written beside it and the chosen year in its label."""
    ids = _ids(INDICATOR)
    first, last = (years[0], years[-1]) if years else (0, 0)
    return html.Div(
        [
            html.Label(
                ["År: ", html.Span(str(year) if year is not None else "", id=ids["year-shown"])],
                htmlFor=ids["year"],
                className="control-label",
            ),
            html.Div(
                [
                    html.Span(str(first), className="area-map-year-end", **{"aria-hidden": "true"}),
                    dcc.Input(
                        id=ids["year"],
                        type="range",
                        min=first,
                        max=last,
                        step=1,
                        value=year,
                        list=ids["year-marks"],
                        className="area-map-year-input",
                    ),
                    html.Span(str(last), className="area-map-year-end", **{"aria-hidden": "true"}),
                ],
                className="area-map-year-row",
            ),
            html.Datalist([html.Option(value=str(y)) for y in years], id=ids["year-marks"]),
        ],
        id=ids["year-control"],
        className="control area-map-year",
    )


def indicator_controls(indicator: Indicator, view: str, year: int | None) -> list:
    ids = _ids(INDICATOR)
    years = map_years(indicator)
    slider = year_slider(years, year)
    slider.hidden = view not in VALUE_VIEWS or not years
    return [
        html.Fieldset(
            [
                html.Legend("Kartan visar", className="control-label"),
                dcc.RadioItems(
                    id=ids["choice"],
                    options=[
                        {"label": view_label(v), "value": v} for v in indicator_views(indicator)
                    ],
                    value=view,
                    inline=True,
                ),
            ],
            className="control",
        ),
        slider,
    ]


def indicator_section(
    indicator: Indicator, query: Mapping[str, Any], gender: str, threshold_set: str
) -> html.Section:
    """The indicator page's map for the map's parameters in ``query``."""
    state = read_query(query, indicator_params(indicator))
    view = indicator_view(indicator, state["karta"], state["ar"], gender, threshold_set)
    return map_section(
        INDICATOR,
        heading="Karta över kommunerna",
        controls=indicator_controls(indicator, state["karta"], state["ar"]),
        view=view,
        notes=state.notes,
        source_name=indicator.source_name,
    )


def _read_indicator_controls(indicator: Indicator, view: Any, year: Any) -> tuple[str, int | None]:
    params = indicator_params(indicator)
    return read_value("karta", view, params["karta"])[0], read_value("ar", year, params["ar"])[0]


def _indicator_view_for(kpi_id, view, year, gender_value, method_value):
    """The indicator map for the controls' values, the view and the year shown."""
    indicator = service.indicator(kpi_id if isinstance(kpi_id, str) else "")
    if indicator is None:
        raise dash.exceptions.PreventUpdate
    chosen, chosen_year = _read_indicator_controls(indicator, view, year)
    method_value = read_value("metod", method_value, METHOD_PARAM)[0]
    shown = indicator_view(indicator, chosen, chosen_year, gender_value, method_value)
    return shown, chosen, chosen_year


@cached_answer
def redraw_indicator_map(view, year, gender_value, method_value, kpi_id, open_):
    """The indicator map (and its table, when open) for the map's and the page's controls;
    the year slider is hidden for a status, and its label names the year shown."""
    shown, chosen, chosen_year = _indicator_view_for(kpi_id, view, year, gender_value, method_value)
    table = body_when_open(open_, lambda: map_table(shown))
    hidden = chosen not in VALUE_VIEWS or chosen_year is None
    year_text = "" if chosen_year is None else str(chosen_year)
    return shown.figure, shown.references, shown.note, table, hidden, year_text


def open_indicator_table(is_open, view, year, gender_value, method_value, kpi_id):
    """The indicator map's table alternative, when it is opened."""
    return table_when_opened(
        is_open,
        lambda: map_table(_indicator_view_for(kpi_id, view, year, gender_value, method_value)[0]),
    )


def indicator_map_callbacks(*, kpi: str, gender: str, method: str) -> None:
    """Register the indicator page's map callbacks (``kpi`` is the store of the page's
    indicator id; ``gender`` and ``method`` its controls)."""
    ids = _ids(INDICATOR)
    callback(
        Output(graph_id(INDICATOR), "figure"),
        Output(ids["references"], "children"),
        Output(ids["note"], "children"),
        Output(ids["table"], "children"),
        Output(ids["year-control"], "hidden"),
        Output(ids["year-shown"], "children"),
        Input(ids["choice"], "value"),
        Input(ids["year"], "value"),
        Input(gender, "value"),
        Input(method, "value"),
        State(kpi, "data"),
        State(ids["details"], "open"),
        prevent_initial_call=True,
    )(redraw_indicator_map)
    callback(
        Output(ids["table"], "children", allow_duplicate=True),
        Input(ids["details"], "open"),
        State(ids["choice"], "value"),
        State(ids["year"], "value"),
        State(gender, "value"),
        State(method, "value"),
        State(kpi, "data"),
        prevent_initial_call=True,
    )(open_indicator_table)
    clientside_callback(
        ClientsideFunction(namespace="areaMap", function_name="keepIndicator"),
        Output(ids["url"], "data"),
        Input(ids["choice"], "value"),
        Input(ids["year"], "value"),
    )


# --- clicking a municipality opens its page (assets/area-map.js) ----------------------------

clientside_callback(
    ClientsideFunction(namespace="areaMap", function_name="open"),
    Output(go_id(MATCH), "href"),
    Input(graph_id(MATCH), "clickData"),
    State(graph_id(MATCH), "figure"),
    prevent_initial_call=True,
)
