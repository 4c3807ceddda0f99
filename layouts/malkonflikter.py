"""Målkonflikter: two indicators across the municipalities – a scatter with the correlation read
in the light of the indicators' desired directions – and the indicator pairs whose changes most
often move against each other's goals.

The selections live in the address bar: ``x`` and ``y`` (KPI ids), ``lage`` (ar | forandring |
over_tid), ``till`` (the year, or the end of the period), ``fran`` (the start of the period) and
``period`` (the period of the pair list: senaste5 | senaste10 | sedan2015).
"""

# No ``from __future__ import annotations`` here: Dash Pages executes page modules before they
# are in ``sys.modules``, where dataclasses cannot resolve string annotations.

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from indicators import service
from indicators.catalogue import Indicator
from indicators.conflicts import (
    CONFLICT,
    DEFAULT_PERIOD,
    MIN_MUNICIPALITIES,
    PERIODS,
    SYNERGY,
    CorrelationResult,
    common_years,
    correlation,
    default_first_year,
    format_coefficient,
    least_squares,
    pair_list,
    scatter_paths,
    scatter_points,
)
from indicators.vocabulary import DIRECTIONS
from layouts.parts.answer_cache import cached_answer
from layouts.parts.comparison_figures import (
    SCATTER_HEIGHT,
    paths_figure,
    point_rows,
    scatter_figure,
    with_unit,
)
from layouts.parts.components import data_table, dropdown, source_credit, sync_url, url_store
from layouts.parts.download import download_panel, selection_store
from layouts.parts.table_alternative import body_when_open, table_alternative, table_when_opened
from layouts.parts.url_state import Choice, Integer, Kind, read_query, url_notes

log = logging.getLogger(__name__)

PAGE = "malkonflikter"
SITE = "Hållbarhetsuppföljning Dalarna"
PATH = "/malkonflikter"

#: Regional product per inhabitant (economic, higher wanted) against greenhouse-gas emissions
#: per inhabitant (lower wanted): the classic question of growth and climate.
DEFAULT_X = "N03702"
DEFAULT_Y = "N00401"

MODE_YEAR = "ar"
MODE_CHANGE = "forandring"
MODE_PATHS = "over_tid"
MODES: dict[str, str] = {
    MODE_YEAR: "Ett år",
    MODE_CHANGE: "Förändring mellan två år",
    MODE_PATHS: "Utveckling över tid",
}
#: How many pairs the list shows.
TOP_PAIRS = 20
GRAPH_CONFIG = {"displaylogo": False, "responsive": True}
#: The scatter's table alternative (built when opened): the disclosure's id and its body's.
TABLE_DETAILS, TABLE_BODY = "malkonflikter-table-details", "malkonflikter-table"
RELATION_BADGES: dict[str | None, tuple[str, str, str]] = {
    SYNERGY: ("⇈", "Synergi", "relation-synergi"),
    CONFLICT: ("⇅", "Målkonflikt", "relation-konflikt"),
    None: ("–", "Varken synergi eller konflikt", "relation-ingen"),
}


def relation_label(result: CorrelationResult) -> str:
    """The badge text: the relation and the strength of the correlation behind it."""
    if result.pearson_r is None:
        return "Inget sambandsmått"
    if result.strength is None:
        return "Inget tydligt samband"
    label = RELATION_BADGES[result.relation][1]
    return f"{label} ({result.strength} samband)"


dash.register_page(
    __name__, path=PATH, title=f"Målkonflikter – {SITE}", name="Målkonflikter", order=4
)


# --- reading the address bar ------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What the scatter shows. ``first_year`` is the period's start (change and paths)."""

    x: str
    y: str
    mode: str
    year: int | None
    first_year: int | None
    period: str
    years: tuple[int, ...]

    def export(self) -> dict:
        """The download panel's selection: both indicators for every area over the years
        shown."""
        if self.year is None:
            years = None
        elif self.mode == MODE_YEAR or self.first_year is None:
            years = [self.year, self.year]
        else:
            years = [self.first_year, self.year]
        return {
            "areas": list(service.AREA_ORDER),
            "kpis": list(dict.fromkeys([self.x, self.y])),
            "genders": ["T"],
            "years": years,
            "levels": ["trend"],
            "threshold_set": None,
        }


#: ``fokus=diagram`` (from a pair link) moves the view to the scatter.
FOCUS_SCATTER = "diagram"
PERIOD_LABELS: dict[str, str] = {key: period.label for key, period in PERIODS.items()}


def _indicator_label(kpi_id: str) -> str:
    indicator = service.indicator(kpi_id)
    return indicator.label if indicator is not None else kpi_id


def read_url_selection(query: Mapping[str, Any]) -> tuple[Selection, tuple[str, ...]]:
    """The selection from query-string texts or control values, invalid parts replaced by
    defaults, and the notes on what was not used. The years are those in which at least three
    municipalities have both values; the year defaults to the newest of them, the start of the
    period (before the year) to the period's start."""
    kpi_ids = [i.kpi_id for i in service.catalogue()]

    @functools.cache
    def years_of(x: str, y: str) -> tuple[int, ...]:
        return tuple(common_years(_pair_observations(x, y), x, y, service.MUNICIPALITY_IDS))

    def years(values: Mapping[str, Any]) -> tuple[int, ...]:
        return years_of(values["x"], values["y"])

    def newest(values: Mapping[str, Any]) -> int | None:
        return years(values)[-1] if years(values) else None

    def earlier(values: Mapping[str, Any]) -> list[int]:
        year = values["till"]
        return [y for y in years(values) if year is not None and y < year]

    def period_start(values: Mapping[str, Any]) -> int | None:
        year = values["till"]
        return None if year is None else default_first_year(years(values), year, values["period"])

    params: dict[str, Kind] = {
        "x": Choice(kpi_ids, DEFAULT_X, what="Indikatorn", labels=_indicator_label),
        "y": Choice(kpi_ids, DEFAULT_Y, what="Indikatorn", labels=_indicator_label),
        "lage": Choice(tuple(MODES), MODE_YEAR, what="Läget", labels=MODES),
        "period": Choice(tuple(PERIODS), DEFAULT_PERIOD, what="Perioden", labels=PERIOD_LABELS),
        "till": Integer(choices=years, default=newest, what="Året"),
        "fran": Integer(choices=earlier, default=period_start, what="Startåret"),
        "fokus": Choice((FOCUS_SCATTER,), None, what="Fokus"),
    }
    state = read_query(query, params)
    selection = Selection(
        state["x"],
        state["y"],
        state["lage"],
        state["till"],
        state["fran"],
        state["period"],
        years(state.values),
    )
    return selection, state.notes


def read_selection(x=None, y=None, lage=None, till=None, fran=None, period=None) -> Selection:
    """The selection from query-string texts or control values (see
    :func:`read_url_selection`)."""
    query = {"x": x, "y": y, "lage": lage, "till": till, "fran": fran, "period": period}
    return read_url_selection(query)[0]


# --- the scatter ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScatterView:
    figure: object
    result: CorrelationResult
    note: str
    #: Builds the table alternative (only an open one is built).
    make_table: Callable[[], html.Table]

    def table(self) -> html.Table:
        return self.make_table()


def _titles() -> dict[str, str]:
    return {area: service.area_title(area) for area in service.AREA_ORDER}


def _missing_year_view(x: Indicator, y: Indicator) -> ScatterView:
    result = CorrelationResult(
        None,
        None,
        0,
        "Sambandet kan inte beräknas: inget år har värden på båda indikatorerna för minst tre "
        "kommuner.",
    )
    figure = scatter_figure(
        pd.DataFrame(columns=["area_id", "x", "y"]), x, y, _titles(), result, year=0
    )
    return ScatterView(
        figure,
        result,
        "",
        lambda: data_table(pd.DataFrame(columns=["area"]), [("area", "Område", None)], caption=""),
    )


def _pair_observations(x_kpi: str, y_kpi: str) -> pd.DataFrame:
    """The total series of the two indicators only (the scatter needs no others)."""
    return pd.concat(
        [service.kpi_observations(kpi_id, ("T",)) for kpi_id in dict.fromkeys((x_kpi, y_kpi))]
    )


def scatter_view(selection: Selection) -> ScatterView:
    """The scatter (or paths), the municipalities' correlation and the table alternative."""
    x, y = service.indicator(selection.x), service.indicator(selection.y)
    if selection.year is None:
        return _missing_year_view(x, y)
    observations = _pair_observations(selection.x, selection.y)
    titles = _titles()
    change = selection.mode == MODE_CHANGE and selection.first_year is not None
    base = selection.first_year if change else None
    points = scatter_points(
        observations, x.kpi_id, y.kpi_id, service.AREA_ORDER, year=selection.year, base_year=base
    )
    municipal = points[points["area_id"].isin(service.MUNICIPALITY_IDS)]
    result = correlation(
        municipal["x"],
        municipal["y"],
        x_label=x.label,
        y_label=y.label,
        x_direction=x.direction,
        y_direction=y.direction,
        of_changes=change,
    )
    when = f"förändring {base}–{selection.year}" if change else f"år {selection.year}"
    note = (
        f"Korrelationen gäller kommunernas förändring {base}–{selection.year}."
        if change
        else f"Korrelationen gäller kommunernas värden år {selection.year}."
    )
    if selection.mode == MODE_PATHS and selection.first_year is not None:
        paths = scatter_paths(
            observations,
            x.kpi_id,
            y.kpi_id,
            service.AREA_ORDER,
            first_year=selection.first_year,
            last_year=selection.year,
        )
        figure = paths_figure(
            paths, x, y, titles, first_year=selection.first_year, last_year=selection.year
        )
        table_points, with_year = paths, True
        columns = [
            ("area", "Område", None),
            ("year", "År", None),
            ("x", with_unit(x), None),
            ("y", with_unit(y), None),
        ]
        caption = f"{x.label} och {y.label} per område och år {selection.first_year}–"
        caption += str(selection.year)
    else:
        figure = scatter_figure(
            points,
            x,
            y,
            titles,
            result,
            year=selection.year,
            base_year=base,
            fit=least_squares(municipal) if result.pearson_r is not None else None,
        )
        table_points, with_year = points, False
        prefix = f"Förändring {base}–{selection.year}: " if change else ""
        columns = [
            ("area", "Område", None),
            ("role", "Roll", None),
            ("x", f"{prefix}{with_unit(x)}", None),
            ("y", f"{prefix}{with_unit(y)}", None),
        ]
        caption = f"Diagrammets punkter, {when}"

    def make_table() -> html.Table:
        rows = point_rows(
            table_points, x, y, titles, change=change and not with_year, with_year=with_year
        )
        return data_table(rows, columns, caption=caption, id="malkonflikter-points")

    return ScatterView(figure, result, note, make_table)


def correlation_box(result: CorrelationResult, note: str) -> list:
    """r, ρ and n (with the exact r in ``data-value``), the relation and its interpretation."""
    icon, _, class_name = RELATION_BADGES[result.relation]
    exact = "" if result.pearson_r is None else repr(result.pearson_r)
    return [
        html.P(
            [
                html.Span("Pearson r = "),
                html.Strong(
                    format_coefficient(result.pearson_r),
                    id="malkonflikter-pearson",
                    **{"data-value": exact},
                ),
                html.Span(" · Spearman ρ = "),
                html.Strong(format_coefficient(result.spearman_rho), id="malkonflikter-spearman"),
                html.Span(" · n = "),
                html.Strong(str(result.n), id="malkonflikter-n"),
                html.Span(" kommuner"),
            ],
            className="correlation-numbers",
        ),
        html.P(
            html.Span(
                [html.Span(icon, **{"aria-hidden": "true"}), " ", relation_label(result)],
                className=f"relation-badge {class_name}",
                id="malkonflikter-relation",
            )
        ),
        html.P(result.interpretation_sv, id="malkonflikter-tolkning"),
        html.P(
            f"{note} Region Dalarna och Riket visas som referenser men ingår inte i "
            "beräkningen. Pearsons r mäter linjärt samband, Spearmans ρ samband i rangordning "
            "(mindre känsligt för enstaka extrema kommuner).",
            className="note",
        ),
    ]


# --- the pair list ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _pairs(_version: tuple, period: str) -> pd.DataFrame:
    return pair_list(
        service.observations(("T",)),
        service.MUNICIPALITY_IDS,
        {i.kpi_id: i.direction for i in service.catalogue()},
        period,
        top=TOP_PAIRS,
    )


def pair_table(period: str) -> pd.DataFrame:
    """The most conflicting pairs for a period (:func:`indicators.conflicts.pair_list`, cached
    per data version)."""
    return _pairs(service.version(), period)


def pair_href(kpi_x: str, kpi_y: str, period: str) -> str:
    """The scatter of a pair's changes over the list's period."""
    return f"{PATH}?x={kpi_x}&y={kpi_y}&lage={MODE_CHANGE}&period={period}&fokus=diagram"


def _with_arrow(indicator: Indicator) -> str:
    """The indicator's label with the arrow of its desired direction ("… ↑")."""
    wanted = DIRECTIONS.get(indicator.direction)
    return f"{indicator.label} {wanted.arrow}" if wanted else indicator.label


def _named(kpi_id: str) -> str:
    indicator = service.indicator(kpi_id)
    return _with_arrow(indicator)


def pairs_section_table(period: str) -> html.Table:
    top = pair_table(period)
    rows = []
    for rank, record in enumerate(top.to_dict("records"), start=1):
        period_x = f"{record['first_year_x']}–{record['last_year_x']}"
        period_y = f"{record['first_year_y']}–{record['last_year_y']}"
        rows.append(
            {
                "rank": str(rank),
                "pair": (
                    f"{_named(record['kpi_x'])} – {_named(record['kpi_y'])}",
                    pair_href(record["kpi_x"], record["kpi_y"], period),
                ),
                "konflikt": str(record["n_konflikt"]),
                "synergi": str(record["n_synergi"]),
                "samre": str(record["n_bada_samre"]),
                "n": str(record["n"]),
                "andel": f"{round(record['konflikt_andel'] * 100)} %",
                "period": period_x if period_x == period_y else f"{period_x} resp. {period_y}",
            }
        )
    frame = pd.DataFrame(
        rows, columns=["rank", "pair", "konflikt", "synergi", "samre", "n", "andel", "period"]
    )
    return data_table(
        frame,
        [
            ("rank", "Nr", None),
            ("pair", "Indikatorpar (visa i diagrammet)", _pair_link),
            ("konflikt", "Konflikt", None),
            ("synergi", "Synergi", None),
            ("samre", "Båda sämre", None),
            ("n", "Kommuner (n)", None),
            ("andel", "Konfliktandel", None),
            ("period", "Period", None),
        ],
        caption=f"De {TOP_PAIRS} indikatorpar vars förändring oftast går emot varandras mål "
        f"({PERIODS[period].label.lower()})",
        id="malkonflikter-pairs",
    )


def _pair_link(value) -> dcc.Link:
    text, href = value
    return dcc.Link(text, href=href, className="pair-link")


# --- layout -----------------------------------------------------------------------------------


def _kpi_options() -> list[dict]:
    return [
        {
            "label": f"{_with_arrow(i)} (mål {i.sdg_goal})",
            "value": i.kpi_id,
            "search": f"{i.label} {i.kolada_title} {i.kpi_id}",
        }
        for i in service.catalogue()
    ]


def _year_options(years: Sequence[int]) -> list[dict]:
    return [{"label": str(y), "value": str(y)} for y in reversed(years)]


def controls(selection: Selection) -> html.Div:
    options = _kpi_options()
    return html.Div(
        [
            html.Div(
                [
                    html.Label(
                        "Indikator på x-axeln", htmlFor="malkonflikter-x", className="control-label"
                    ),
                    dropdown(
                        "malkonflikter-x",
                        options,
                        selection.x,
                        clearable=False,
                        search="Sök indikator",
                        no_match="Ingen indikator matchar",
                    ),
                ],
                className="control control-wide",
            ),
            html.Div(
                [
                    html.Label(
                        "Indikator på y-axeln", htmlFor="malkonflikter-y", className="control-label"
                    ),
                    dropdown(
                        "malkonflikter-y",
                        options,
                        selection.y,
                        clearable=False,
                        search="Sök indikator",
                        no_match="Ingen indikator matchar",
                    ),
                ],
                className="control control-wide",
            ),
            html.Fieldset(
                [
                    html.Legend("Visa", className="control-label"),
                    dcc.RadioItems(
                        id="malkonflikter-lage",
                        options=[{"label": v, "value": k} for k, v in MODES.items()],
                        value=selection.mode,
                    ),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label("Från år", htmlFor="malkonflikter-fran", className="control-label"),
                    dropdown(
                        "malkonflikter-fran",
                        _year_options(selection.years),
                        _text(selection.first_year),
                        clearable=False,
                        searchable=False,
                    ),
                ],
                className="control control-year",
                id="malkonflikter-fran-control",
                hidden=selection.mode == MODE_YEAR,
            ),
            html.Div(
                [
                    html.Label(
                        "År" if selection.mode == MODE_YEAR else "Till år",
                        htmlFor="malkonflikter-till",
                        className="control-label",
                        id="malkonflikter-till-label",
                    ),
                    dropdown(
                        "malkonflikter-till",
                        _year_options(selection.years),
                        _text(selection.year),
                        clearable=False,
                        searchable=False,
                    ),
                ],
                className="control control-year",
            ),
        ],
        className="controls malkonflikter-controls",
        role="group",
        **{"aria-label": "Urval för spridningsdiagrammet"},
    )


def _text(year: int | None) -> str | None:
    return None if year is None else str(year)


@cached_answer
def layout(**query) -> html.Div:
    selection, notes = read_url_selection(query)
    view = scatter_view(selection)
    status = service.data_status()
    return html.Div(
        [
            url_store("malkonflikter-url"),
            dcc.Store(
                id="malkonflikter-focus",
                data=FOCUS_SCATTER if query.get("fokus") == FOCUS_SCATTER else None,
            ),
            selection_store(PAGE, selection.export()),
            html.H1("Målkonflikter och synergier"),
            html.P(
                "Två indikatorer mot varandra över Dalarnas kommuner: går de hand i hand mot "
                "sina mål (synergi), eller brukar den ena bli sämre där den andra blir bättre "
                "(målkonflikt)? Underlag för samtal – ett samband visar inte orsak och verkan.",
                className="intro",
            ),
            url_notes(notes),
            controls(selection),
            html.Section(
                [
                    html.H2(
                        "Spridningsdiagram",
                        id="malkonflikter-scatter-heading",
                        tabIndex="-1",
                    ),
                    html.Div(
                        correlation_box(view.result, view.note),
                        id="malkonflikter-correlation",
                        className="correlation-box",
                        **{"aria-live": "polite"},
                    ),
                    dcc.Graph(
                        id="malkonflikter-scatter",
                        figure=view.figure,
                        config=GRAPH_CONFIG,
                        style={"height": f"{SCATTER_HEIGHT}px"},
                    ),
                    table_alternative(TABLE_DETAILS, TABLE_BODY, body_class="table-scroll"),
                    source_credit(status),
                ],
                className="malkonflikter-section",
                **{"aria-labelledby": "malkonflikter-scatter-heading"},
            ),
            html.Section(
                [
                    html.H2("Indikatorpar som oftast drar åt olika håll", id="malkonflikter-ph"),
                    html.P(
                        [
                            "För varje par av indikatorer med önskad riktning räknas i hur många "
                            "kommuner den ena har utvecklats i önskad riktning medan den andra "
                            "har gått åt fel håll (konflikt), och i hur många båda har "
                            "förbättrats (synergi). Förändringen mäts för varje indikator från "
                            "dess senaste år med värden bakåt (fem eller tio år, eller från "
                            "2015). Bara par där minst ",
                            str(MIN_MUNICIPALITIES),
                            " kommuner har värden båda åren listas; de sorteras efter "
                            "konfliktandel. Att två indikatorer ofta går åt olika håll behöver "
                            "inte betyda att den ena orsakar den andra.",
                        ],
                        className="note",
                    ),
                    html.Fieldset(
                        [
                            html.Legend("Period", className="control-label"),
                            dcc.RadioItems(
                                id="malkonflikter-period",
                                options=[
                                    {"label": p.label, "value": k} for k, p in PERIODS.items()
                                ],
                                value=selection.period,
                                inline=True,
                            ),
                        ],
                        className="controls",
                    ),
                    html.Div(
                        pairs_section_table(selection.period),
                        id="malkonflikter-pairs-wrapper",
                        className="table-scroll",
                    ),
                    source_credit(status),
                ],
                className="malkonflikter-section",
                **{"aria-labelledby": "malkonflikter-ph"},
            ),
            html.Section(
                [html.H2("Ladda ner"), download_panel(PAGE)], className="malkonflikter-download"
            ),
        ],
        className="malkonflikter-page",
    )


# --- callbacks --------------------------------------------------------------------------------


@callback(
    Output("malkonflikter-till", "options"),
    Output("malkonflikter-till", "value"),
    Output("malkonflikter-fran", "options"),
    Output("malkonflikter-fran", "value"),
    Input("malkonflikter-x", "value"),
    Input("malkonflikter-y", "value"),
    State("malkonflikter-till", "value"),
    State("malkonflikter-fran", "value"),
    State("malkonflikter-period", "value"),
    prevent_initial_call=True,
)
@cached_answer
def update_years(x, y, till, fran, period):
    """The years in which both indicators have values; the chosen years kept where possible."""
    selection = read_selection(x=x, y=y, till=till, fran=fran, period=period)
    options = _year_options(selection.years)
    return options, _text(selection.year), options, _text(selection.first_year)


@callback(
    Output("malkonflikter-scatter", "figure"),
    Output("malkonflikter-correlation", "children"),
    Output(TABLE_BODY, "children"),
    Output("malkonflikter-fran-control", "hidden"),
    Output("malkonflikter-till-label", "children"),
    Output({"type": "export-selection", "page": PAGE}, "data"),
    Input("malkonflikter-x", "value"),
    Input("malkonflikter-y", "value"),
    Input("malkonflikter-lage", "value"),
    Input("malkonflikter-till", "value"),
    Input("malkonflikter-fran", "value"),
    State("malkonflikter-period", "value"),
    State(TABLE_DETAILS, "open"),
    prevent_initial_call=True,
)
@cached_answer
def update_scatter(x, y, lage, till, fran, period, table_open=False):
    """Redraw the scatter, the correlation and (when open) the table for the controls'
    values."""
    selection = read_selection(x=x, y=y, lage=lage, till=till, fran=fran, period=period)
    view = scatter_view(selection)
    return (
        view.figure,
        correlation_box(view.result, view.note),
        body_when_open(table_open, view.table),
        selection.mode == MODE_YEAR,
        "År" if selection.mode == MODE_YEAR else "Till år",
        selection.export(),
    )


@callback(
    Output(TABLE_BODY, "children", allow_duplicate=True),
    Input(TABLE_DETAILS, "open"),
    State("malkonflikter-x", "value"),
    State("malkonflikter-y", "value"),
    State("malkonflikter-lage", "value"),
    State("malkonflikter-till", "value"),
    State("malkonflikter-fran", "value"),
    State("malkonflikter-period", "value"),
    prevent_initial_call=True,
)
def open_table(is_open, x, y, lage, till, fran, period):
    """The scatter's table alternative, when it is opened."""
    selection = read_selection(x=x, y=y, lage=lage, till=till, fran=fran, period=period)
    return table_when_opened(is_open, lambda: scatter_view(selection).table())


@callback(
    Output("malkonflikter-pairs-wrapper", "children"),
    Input("malkonflikter-period", "value"),
    prevent_initial_call=True,
)
@cached_answer
def update_pairs(period):
    """The pair list for the chosen period."""
    return pairs_section_table(period if period in PERIODS else DEFAULT_PERIOD)


# A pair link (``fokus=diagram``) moves the view and the keyboard focus to the scatter, then
# drops ``fokus`` from the address.
clientside_callback(
    """
    function(focus) {
        if (focus === 'diagram') {
            const heading = document.getElementById('malkonflikter-scatter-heading');
            if (heading) {
                heading.scrollIntoView();
                heading.focus({preventScroll: true});
            }
            // A one-off request: a reload or a shared address starts at the top again.
            const query = new URLSearchParams(window.location.search);
            if (query.has('fokus')) {
                query.delete('fokus');
                const text = query.toString();
                window.history.replaceState(
                    window.history.state, '', window.location.pathname + (text ? '?' + text : '')
                );
            }
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output("malkonflikter-focus", "clear_data"),
    Input("malkonflikter-focus", "data"),
)

sync_url(
    "malkonflikter-url",
    [
        ("malkonflikter-x", "x"),
        ("malkonflikter-y", "y"),
        ("malkonflikter-lage", "lage"),
        ("malkonflikter-till", "till"),
        ("malkonflikter-fran", "fran"),
        ("malkonflikter-period", "period"),
    ],
)
