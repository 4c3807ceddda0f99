"""An area's profile, built from tables: the 17 SDG tiles, the strongest and weakest indicators,
every indicator with a sparkline and its status per goal level, and the area's own local goals.

Pure builders: the rules of :mod:`indicators.area_profile` pick and count what an area's
profile shows; these turn status tables (:func:`indicators.follow_up.status_table`), observation
tables (:func:`data.queries.observations`), goal records and catalogue entries into Dash
components and markup. Nothing here reads the database.
"""

from __future__ import annotations

import functools
import html as html_text
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from data.goals import GoalRecord
from indicators.area_profile import COUNT_COLUMNS, RANKED_COUNT, area_kind, ranked_counts
from indicators.catalogue import Indicator
from indicators.formatting import (
    MISSING,
    format_annual_change,
    format_number,
    is_missing,
)
from indicators.goal_text import PROFILE, display_unit, goal_in_words
from indicators.progress import (
    DEFAULT_THRESHOLD_SET,
    Assessment,
    change_text,
)
from indicators.sdg import DIMENSIONS, SDG_GOALS, sdg_colour, sdg_name
from indicators.status_facts import format_value, status_facts
from indicators.vocabulary import (
    ALL_LEVELS,
    GOAL_LEVELS,
    LEVEL_LABELS,
    LEVELS,
    LOKAL,
    STATUS_ORDER,
    STATUS_STYLE,
    TREND,
    Status,
    is_municipality,
    levels_for_area,
)
from layouts.parts.components import METHOD_PARAM, level_param, status_badge
from layouts.parts.sparkline import Point, sparkline_html
from layouts.parts.url_state import Choice, Choices, Kind, read_query
from layouts.parts.why import why_details, why_markup

#: The profile pages' path (the index; a profile is ``/kommun/<area id>``).
INDEX_PATH = "/kommun"
#: The level of the tiles and the ranking when the address names none (as on Översikt).
DEFAULT_LEVEL = "nationell"


# --------------------------------------------------------------------------- selections and links


@dataclass(frozen=True)
class ProfileSelection:
    """What a profile shows: the level of the tiles and ranking, one SDG goal (or all) and one
    dimension (or all) for the indicator list, and the threshold set."""

    level: str = DEFAULT_LEVEL
    sdg: int | None = None
    dimension: str | None = None
    threshold_set: str = DEFAULT_THRESHOLD_SET.name


#: The SDG goals as the ``mal`` parameter names them.
SDG_VALUES: tuple[str, ...] = tuple(str(goal.goal) for goal in SDG_GOALS)


def selection_params(levels: Sequence[str] = ALL_LEVELS) -> dict[str, Kind]:
    """A profile's parameters, by their names in the address; ``levels`` are the levels the
    area has goals for (and the trend)."""
    return {
        "niva": level_param(levels, DEFAULT_LEVEL if DEFAULT_LEVEL in levels else TREND),
        "mal": Choices(SDG_VALUES, what="Målet", what_plural="Målen", when_none_valid="empty"),
        "dimension": Choice(tuple(DIMENSIONS), None, what="Dimensionen", labels=DIMENSIONS),
        "metod": METHOD_PARAM,
    }


def read_url_selection(
    query: Mapping[str, Any], levels: Sequence[str] = ALL_LEVELS
) -> tuple[ProfileSelection, tuple[str, ...]]:
    """The selection an address asks for and the notes on what in it was not used."""
    state = read_query(query, selection_params(levels))
    goals = state["mal"]
    selection = ProfileSelection(
        state["niva"], int(goals[0]) if goals else None, state["dimension"], state["metod"]
    )
    return selection, state.notes


def read_selection(
    *,
    niva=None,
    mal=None,
    dimension=None,
    metod=None,
    levels: Sequence[str] = ALL_LEVELS,
) -> ProfileSelection:
    """The selection from query values (or control values), each checked against the allowed
    values and falling back to its default. ``mal`` may hold several goals (``3,5``): the first
    valid one counts. ``levels`` are the levels the area has goals for."""
    query = {"niva": niva, "mal": mal, "dimension": dimension, "metod": metod}
    return read_url_selection(query, levels)[0]


def profile_href(area_id: str, selection: ProfileSelection, *, hash: str = "") -> str:
    """``/kommun/<id>?niva=…&mal=…&dimension=…&metod=…`` – the parameters in the order the
    address bar shows them, empty ones left out."""
    params = {
        "niva": selection.level,
        "mal": str(selection.sdg) if selection.sdg is not None else None,
        "dimension": selection.dimension,
        "metod": selection.threshold_set,
    }
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{INDEX_PATH}/{area_id}" + (f"?{query}" if query else "") + (f"#{hash}" if hash else "")


def note_href(
    area_id: str,
    kpi_id: str | None,
    sdg_goal: int | None,
    selection: ProfileSelection,
    *,
    hash: str = "",
) -> str | None:
    """Where an assessment of the area is written and shown beside its numbers: the
    indicator's page (with the area chosen, for a municipality), or this profile with the goal
    chosen (level and threshold set kept, no dimension filter) and ``hash`` as the fragment."""
    if kpi_id is not None:
        query = f"?{urlencode({'omraden': area_id})}" if is_municipality(area_id) else ""
        return f"/indikator/{kpi_id}{query}"
    if sdg_goal is not None:
        chosen = ProfileSelection(selection.level, sdg_goal, None, selection.threshold_set)
        return profile_href(area_id, chosen, hash=hash)
    return None


def export_selection(
    area_id: str, indicators: Sequence[Indicator], threshold_set: str
) -> dict[str, object]:
    """The download's selection: this area, the indicators listed, totals, every year, every
    level, the chosen threshold set."""
    return {
        "areas": [area_id],
        "kpis": [indicator.kpi_id for indicator in indicators],
        "genders": ["T"],
        "years": None,
        "levels": list(ALL_LEVELS),
        "threshold_set": threshold_set,
    }


def announcement(area_name: str, selection: ProfileSelection, export: dict) -> str:
    """What a screen reader hears after the selection changed."""
    level = LEVEL_LABELS[selection.level].lower()
    goal = f" för mål {selection.sdg}" if selection.sdg is not None else ""
    return f"{area_name}: status mot {level}; {len(export['kpis'])} indikatorer listade{goal}."


# --------------------------------------------------------------------------- areas and values


def local_heading(area_id: str) -> str:
    """The heading of the local goals: a municipality's own goals, or local goals elsewhere."""
    return "Kommunens egna mål" if LOKAL in levels_for_area(area_id) else LEVELS[LOKAL].plural


def area_kind_text(area_id: str) -> str:
    """The line under an area's name saying what kind of area it is."""
    return {
        "riket": "Riket – hela Sverige",
        "region": "Region – Dalarnas län",
        "kommun": "Kommun i Dalarnas län",
    }[area_kind(area_id)]


def _int_or_none(value) -> int | None:
    return None if is_missing(value) else int(value)


def area_series(
    observations: pd.DataFrame, area_id: str, *, gender: str = "T"
) -> dict[str, list[Point]]:
    """(year, value) points per KPI for one area and gender, years in order; a stored year
    without a value keeps its place as ``None`` so the sparkline shows the gap."""
    rows = observations[(observations["area_id"] == area_id) & (observations["gender"] == gender)]
    rows = rows.sort_values(["kpi_id", "year"])
    result: dict[str, list[Point]] = {}
    for kpi_id, year, value in zip(
        rows["kpi_id"], rows["year"].tolist(), rows["value"].tolist(), strict=True
    ):
        result.setdefault(kpi_id, []).append((int(year), None if is_missing(value) else value))
    return result


def year_span(series: Mapping[str, Sequence[Point]]) -> tuple[int, int] | None:
    """The first and last year of any value in the series (the sparklines' common x range)."""
    years = [year for points in series.values() for year, value in points if value is not None]
    if not years:
        return None
    return min(years), max(years)


# --------------------------------------------------------------------------- status counts


def count_badges(
    counts: Mapping[str, int], *, noun: str = "indikatorer", show_zero: bool = False
) -> html.Span:
    """The number of indicators per status as small badges (``↑ 3``), best status first.
    Statuses with no indicators are left out, or with ``show_zero`` shown uncoloured (so that
    rows of badges line up in a table). Each badge reads "I fas: 3" to a screen reader."""
    badges = []
    for s in STATUS_ORDER:
        n = int(counts.get(f"n_{s.value}", 0) or 0)
        if n == 0 and not show_zero:
            continue
        style = STATUS_STYLE[s]
        if n == 0:
            badges.append(
                html.Span(
                    [
                        html.Span(style.icon, className="status-icon", **{"aria-hidden": "true"}),
                        html.Span(f"{style.label_sv}: ", className="visually-hidden"),
                        html.Span("0", className="count"),
                    ],
                    className="status-badge count-badge zero",
                    title=f"{style.label_sv}: 0 {noun}",
                    **{"data-status": s.value},
                )
            )
            continue
        badges.append(
            html.Span(
                [
                    html.Span(style.icon, className="status-icon", **{"aria-hidden": "true"}),
                    html.Span(f"{style.label_sv}: ", className="visually-hidden"),
                    html.Span(str(n), className="count"),
                ],
                className="status-badge count-badge",
                title=f"{style.label_sv}: {n} {noun}",
                style={"backgroundColor": style.colour, "color": style.text_colour},
                **{"data-status": s.value},
            )
        )
    return html.Span(badges, className="count-badges")


def sdg_tiles(
    summary: pd.DataFrame,
    level: str,
    *,
    href: Callable[[int | None], str],
    selected: int | None = None,
) -> html.Ul:
    """The 17 SDG tiles: number and name, the SDG colour as a strip, the aggregate status at
    ``level`` and the count per status. Each tile links to the indicator list filtered to its
    goal (``href(goal)``); the selected tile links back to every goal (``href(None)``)."""
    level_text = LEVEL_LABELS[level].lower()
    tiles = []
    for record in summary.to_dict("records"):
        goal = int(record["sdg_goal"])
        is_selected = goal == selected
        if record["n_total"] == 0:
            body = html.P(
                "Inga indikatorer" if level == TREND else f"Inget {_level_noun(level)}",
                className="tile-empty",
            )
            title = f"Mål {goal}: inga indikatorer bedömda mot {level_text}"
        else:
            n = int(record["n_total"])
            body = html.Div(
                [
                    status_badge(
                        record["status"], title=f"Sammanvägd status ({level_text}), {n} st."
                    ),
                    html.Span(f"{n} {'indikator' if n == 1 else 'indikatorer'}", className="note"),
                    count_badges(record),
                ],
                className="tile-status",
            )
            title = f"Visa indikatorerna för mål {goal}"
        if is_selected:
            title = "Visa alla mål"
        tiles.append(
            html.Li(
                dcc.Link(
                    [
                        html.Span(
                            [html.Span(str(goal), className="tile-number"), sdg_name(goal)],
                            className="tile-name",
                        ),
                        body,
                        html.Span(" (valt – visa alla mål)", className="visually-hidden")
                        if is_selected
                        else None,
                    ],
                    href=href(None if is_selected else goal),
                    title=title,
                    className="sdg-tile" + (" selected" if is_selected else ""),
                ),
                style={"borderLeftColor": sdg_colour(goal)},
                className="sdg-tile-item" + (" selected" if is_selected else ""),
                **{"data-sdg": str(goal)},
            )
        )
    return html.Ul(tiles, className="sdg-tiles", id="kommun-tiles")


def _level_noun(level: str) -> str:
    """ "nationellt mål" for a goal level, "mål" otherwise."""
    return f"{LEVELS[level].adjective} mål" if level in GOAL_LEVELS else "mål"


# --------------------------------------------------------------------------- strongest and weakest


def goal_target_text(
    goal: GoalRecord | None,
    indicator: Indicator,
    *,
    target_value: float | None = None,
    with_year: bool = True,
) -> str:
    """A goal's target in the profile form of :func:`indicators.goal_text.goal_in_words`:
    ``högst 1,5 ton CO2-ekv/inv år 2030``, ``−50 % från 2015 (8,2 %) år 2030``, ``40–60 %``,
    ``ska minska till 2030``; ``–`` without a goal.

    ``target_value`` is the area's computed target (for a relative goal, from its own base),
    shown with the indicator's decimals; the goal's own numbers are shown as written.
    """
    if goal is None:
        return MISSING
    return goal_in_words(
        goal,
        PROFILE,
        unit=indicator.unit,
        decimals=indicator.decimals,
        direction=indicator.direction,
        target=None if is_missing(target_value) else format_value(target_value, indicator),
        with_year=with_year,
    )


def ranking_note(status: pd.DataFrame, level: str, dimension: str | None = None) -> str:
    """What the strongest/weakest lists rank, and how many indicators they draw from."""
    n_total, n_scored = ranked_counts(status, level)
    if level == TREND:
        text = (
            "Rangordnat efter poäng (−5 till +5) för utvecklingen i önskad riktning, utan mål. "
            f"{n_scored} av {n_total} indikatorer kunde bedömas."
        )
    else:
        noun = _level_noun(level)
        text = (
            f"Rangordnat efter poäng (−5 till +5) mot {noun}. {n_total} av områdets indikatorer "
            f"har ett {noun}; {n_scored} kunde bedömas."
        )
        if n_scored < 2 * RANKED_COUNT:
            text += " Välj Trend (utan mål) för att rangordna alla indikatorer."
    if dimension:
        text += f" Endast dimensionen {DIMENSIONS[dimension].lower()}."
    return text


def _change_cell(rate, record: Mapping | None = None, indicator: Indicator | None = None) -> str:
    """An annual change in the unit its assessment measures it in (``pace``)."""
    if is_missing(rate):
        return MISSING
    if record is None or indicator is None:
        return format_annual_change(float(rate))
    return change_text(float(rate), record.get("pace"), indicator.unit, indicator.decimals)


def ranking_table(
    rows: pd.DataFrame,
    indicators: Mapping[str, Indicator],
    goals: Mapping[str, GoalRecord],
    *,
    area_id: str,
    caption: str,
    id: str,
    empty_text: str,
    area_name: str | None = None,
) -> html.Div:
    """Strongest or weakest indicators with the numbers behind the status: latest value,
    target, required and observed annual change; labels link to the indicator page, and each
    status opens the facts behind it ("Varför?")."""
    area_name = area_name or area_id
    if rows.empty:
        return html.Div(html.P(empty_text, className="note"), id=id)
    header = html.Thead(
        html.Tr(
            [
                html.Th("Indikator", scope="col", className="col-label"),
                html.Th("Status", scope="col", className="col-status"),
                html.Th("Senaste värde", scope="col", className="num col-latest"),
                html.Th("Mål", scope="col", className="col-target"),
                html.Th("Krävd förändring", scope="col", className="num col-change"),
                html.Th("Faktisk förändring", scope="col", className="num col-change"),
            ]
        )
    )
    body = []
    for record in rows.to_dict("records"):
        indicator = indicators[record["kpi_id"]]
        goal = goals.get(record["goal_id"]) if isinstance(record["goal_id"], str) else None
        year = _int_or_none(record["latest_year"])
        latest = format_value(record["latest_value"], indicator)
        body.append(
            html.Tr(
                [
                    html.Th(indicator_link(indicator, area_id), scope="row"),
                    html.Td(
                        why_details(
                            status_facts(record, indicator=indicator, goal=goal),
                            title=_why_title(area_name, indicator, record["level"]),
                        )
                    ),
                    html.Td(f"{latest} ({year})" if year else latest, className="num"),
                    html.Td(
                        goal_target_text(goal, indicator, target_value=record["target_value"])
                        if goal is not None
                        else "Ingen målnivå (trend)"
                    ),
                    html.Td(
                        _change_cell(record["required_annual_change"], record, indicator),
                        className="num",
                    ),
                    html.Td(
                        _change_cell(record["observed_annual_change"], record, indicator),
                        className="num",
                    ),
                ],
                **{"data-kpi": record["kpi_id"]},
            )
        )
    table = html.Table(
        [html.Caption(caption), header, html.Tbody(body)], className="data-table ranking-table"
    )
    return html.Div(table, className="table-scroll", id=id)


def _why_title(area_name: str, indicator: Indicator, level: str) -> str:
    """What a "Varför?" panel is about: "Falun – Utsläpp, nationellt mål"."""
    return f"{area_name} – {indicator.label}, {LEVEL_LABELS[level].lower()}"


def indicator_link(indicator: Indicator, area_id: str) -> dcc.Link:
    """The indicator's label linking to its page with this area selected."""
    return dcc.Link(
        indicator.label,
        href=f"/indikator/{indicator.kpi_id}?omraden={area_id}",
        title=indicator.kolada_title,
    )


# --------------------------------------------------------------------------- indicator list
#
# The list of every indicator is one block of markup shown by a single ``dcc.Markdown``: a
# hundred rows as separate Dash components (some 2 500 of them) make the browser spend tens of
# seconds on every change of selection, while the same table as markup is drawn at once. Every
# text is escaped; labels link with ``<dccLink>`` (Dash's own link inside Markdown) so that
# following them does not reload the page.


def _esc(text: object) -> str:
    """Text or an attribute value for the list's markup (braces too: the markup is read as
    JSX)."""
    return html_text.escape(str(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def _element(tag: str, content: str = "", **attributes: object) -> str:
    """``<tag a="…">content</tag>``; ``class_`` becomes ``class``, ``data_x`` ``data-x``;
    attributes that are None are left out."""
    parts = [tag]
    for name, value in attributes.items():
        if value is None:
            continue
        name = name.rstrip("_").replace("_", "-")
        parts.append(f'{name}="{_esc(value)}"')
    return f"<{' '.join(parts)}>{content}</{tag}>"


def status_badge_html(status: Status | str, *, title: str | None = None, compact: bool = False):
    """:func:`layouts.parts.components.status_badge` as markup: icon + text, the status colours."""
    style = STATUS_STYLE[Status(status)]
    label_class = "visually-hidden" if compact else "status-label"
    return _element(
        "span",
        _element("span", _esc(style.icon), class_="status-icon", aria_hidden="true")
        + _element("span", _esc(style.label_sv), class_=label_class),
        class_="status-badge" + (" compact" if compact else ""),
        title=title or style.label_sv,
        style=f"background-color:{style.colour};color:{style.text_colour}",
    )


def indicator_link_html(indicator: Indicator, area_id: str) -> str:
    """The indicator's label linking to its page with this area selected (a Dash link)."""
    return _element(
        "dccLink",
        _esc(indicator.label),
        href=f"/indikator/{indicator.kpi_id}?omraden={area_id}",
        title=indicator.kolada_title,
    )


@dataclass(frozen=True)
class WhyContext:
    """What the list's "Varför?" panels need besides a row: the area's name and the goals by
    id."""

    area_name: str
    goals: Mapping[str, GoalRecord]

    def markup(self, row: Mapping, indicator: Indicator, *, compact: bool) -> str:
        """The row's status as a badge that opens the facts behind it."""
        goal_id = row.get("goal_id")
        goal = self.goals.get(goal_id) if isinstance(goal_id, str) else None
        return why_markup(
            status_facts(row, indicator=indicator, goal=goal),
            title=_why_title(self.area_name, indicator, row["level"]),
            compact=compact,
            cue=False,
        )


def _level_cell(row: Mapping | None, indicator: Indicator, why: WhyContext) -> str:
    if row is None:
        return _element("td", MISSING, class_="level-cell none")
    return _element("td", why.markup(row, indicator, compact=True), class_="level-cell")


@functools.lru_cache(maxsize=2048)
def _sparkline(
    points: tuple[Point, ...], decimals: int, unit: str, years: tuple[int, int] | None
) -> str:
    """:func:`sparkline_html`, kept per series (a pure function of it): an area's sparklines
    are the same at every level and method and for everyone who views them (17 areas × the
    catalogue's indicators fit)."""
    return sparkline_html(points, decimals=decimals, unit=unit, years=years)


def indicator_row_html(
    indicator: Indicator,
    points: Sequence[Point],
    rows_by_level: Mapping[str, Mapping],
    *,
    area_id: str,
    years: tuple[int, int] | None,
    why: WhyContext | None = None,
) -> str:
    """One indicator: label, sparkline, latest value and year, the trend (observed annual
    change and trend status) and the status against each goal level (``–`` without a goal);
    each status opens the facts behind it (``why``: the area's name and the goals)."""
    why = why or WhyContext(area_id, {})
    present = [(y, v) for y, v in points if v is not None]
    if present:
        year, value = present[-1]
        latest = _element(
            "td",
            _esc(format_value(value, indicator)) + _element("span", f" ({year})", class_="year"),
            class_="num",
        )
    else:
        latest = _element("td", "Inga värden", class_="num note")
    trend = rows_by_level.get(TREND)
    if trend is not None:
        trend_cell = _element(
            "td",
            _element("span", _esc(_change_cell(trend["observed_annual_change"])), class_="change")
            + why.markup(trend, indicator, compact=False),
            class_="trend-cell",
        )
    else:
        trend_cell = _element("td", MISSING, class_="trend-cell")
    spark = _sparkline(tuple(points), indicator.decimals, display_unit(indicator.unit), years)
    cells = [
        _element("th", indicator_link_html(indicator, area_id), scope="row", class_="label-cell"),
        _element("td", spark, class_="spark-cell"),
        latest,
        trend_cell,
        *(_level_cell(rows_by_level.get(level), indicator, why) for level in GOAL_LEVELS),
    ]
    return _element("tr", "".join(cells), class_="indicator-row", data_kpi=indicator.kpi_id)


def _list_header() -> str:
    cells = [
        _element("th", "Indikator", scope="col", class_="label-cell"),
        _element("th", "Utveckling", scope="col", class_="spark-cell"),
        _element("th", "Senaste värde", scope="col", class_="num"),
        _element("th", "Trend per år", scope="col", class_="trend-cell"),
        *(
            _element(
                "th",
                LEVELS[level].short,
                scope="col",
                class_="level-cell",
                title=LEVEL_LABELS[level],
            )
            for level in GOAL_LEVELS
        ),
    ]
    return _element("thead", _element("tr", "".join(cells)))


def indicator_list_html(
    status: pd.DataFrame,
    series: Mapping[str, Sequence[Point]],
    indicators: Sequence[Indicator],
    *,
    area_id: str,
    years: tuple[int, int] | None = None,
    area_name: str | None = None,
    goals: Mapping[str, GoalRecord] | None = None,
) -> str:
    """Every indicator of ``indicators`` grouped by SDG goal, one table per goal with the same
    columns (see :func:`indicator_row_html`), as markup. ``status`` holds the area's rows;
    ``area_name`` and ``goals`` (by id) name the area and the goals in the "Varför?" panels."""
    why = WhyContext(area_name or area_id, goals or {})
    by_cell: dict[tuple[str, str], Mapping] = {
        (r["kpi_id"], r["level"]): r for r in status.to_dict("records")
    }
    header = _list_header()
    sections = []
    for sdg in SDG_GOALS:
        members = [i for i in indicators if i.sdg_goal == sdg.goal]
        if not members:
            continue
        rows = "".join(
            indicator_row_html(
                indicator,
                series.get(indicator.kpi_id, []),
                {
                    level: by_cell[(indicator.kpi_id, level)]
                    for level in (*GOAL_LEVELS, TREND)
                    if (indicator.kpi_id, level) in by_cell
                },
                area_id=area_id,
                years=years,
                why=why,
            )
            for indicator in members
        )
        heading = _element(
            "h3",
            _element("span", f"Mål {sdg.goal}", class_="kommun-sdg-number") + " " + _esc(sdg.name),
            id=f"kommun-mal-{sdg.goal}",
            class_="sdg-heading",
            style=f"border-left-color:{sdg.colour}",
        )
        table = _element(
            "table",
            _element(
                "caption", _esc(f"Mål {sdg.goal} {sdg.name}: indikatorer"), class_="visually-hidden"
            )
            + header
            + _element("tbody", rows),
            class_="data-table indicator-table",
        )
        sections.append(
            _element(
                "section",
                heading + _element("div", table, class_="table-scroll"),
                class_="sdg-section",
                data_sdg=sdg.goal,
            )
        )
    return _element("div", "".join(sections), class_="indicator-sections")


def indicator_list(
    status: pd.DataFrame,
    series: Mapping[str, Sequence[Point]],
    indicators: Sequence[Indicator],
    *,
    area_id: str,
    years: tuple[int, int] | None = None,
    area_name: str | None = None,
    goals: Mapping[str, GoalRecord] | None = None,
) -> dcc.Markdown:
    """The indicator list (:func:`indicator_list_html`) as one Dash component."""
    markup = indicator_list_html(
        status,
        series,
        indicators,
        area_id=area_id,
        years=years,
        area_name=area_name,
        goals=goals,
    )
    return dcc.Markdown(
        markup, dangerously_allow_html=True, id="kommun-indicators", className="indicator-list"
    )


# --------------------------------------------------------------------------- local goals


#: The most local goals the profile shows (and judges); the rest are on the Mål page.
LOCAL_GOAL_LIMIT = 50


def more_local_goals(area_id: str, area_name: str, shown: int, total: int) -> html.P:
    """Where the area's other local goals are: the Mål page, filtered to them."""
    query = urlencode({"niva": LOKAL, "omraden": area_id})
    return html.P(
        [
            f"Visar de första {format_number(shown, 0)} av {format_number(total, 0)} lokala "
            f"målen för {area_name}. ",
            dcc.Link(f"Alla lokala mål för {area_name} på sidan Mål", href=f"/mal?{query}"),
        ],
        className="note list-limit-note",
        id="kommun-local-goals-more",
    )


def local_goal_table(
    assessed: Sequence[tuple[GoalRecord, Assessment | None]],
    indicators: Mapping[str, Indicator],
    *,
    area_id: str,
    area_name: str,
    total: int | None = None,
) -> html.Div:
    """The area's own goals: wording, indicator, target, deadline, source and status; with
    ``total`` above the goals given, a line saying where the others are."""
    if not assessed:
        if LOKAL not in levels_for_area(area_id):
            text = (
                f"{area_name} har inga lokala mål – lokala mål gäller en kommun. Välj nivån "
                "Regionalt mål eller Nationellt mål för att se hur området följer sina mål."
            )
        else:
            text = (
                f"Inga lokala mål för {area_name} finns registrerade. Kommunens egna mål "
                "läggs till av en inloggad redaktör i formuläret på sidan Mål (länken nedan)."
            )
        return html.Div(html.P(text, className="note"), id="kommun-local-goals")
    header = html.Thead(
        html.Tr(
            [
                html.Th("Mål", scope="col", className="wording"),
                html.Th("Indikator", scope="col", className="goal-indicator"),
                html.Th("Målvärde", scope="col", className="goal-target"),
                html.Th("Målår", scope="col", className="goal-year"),
                html.Th("Källa", scope="col", className="goal-source"),
                html.Th("Status nu", scope="col", className="goal-status"),
            ]
        )
    )
    body = []
    for goal, assessment in assessed:
        indicator = indicators.get(goal.kpi_id)
        source = (
            html.A(goal.source_document, href=goal.source_url, target="_blank", rel="noopener")
            if goal.source_url
            else goal.source_document
        )
        if assessment is None or indicator is None:
            status_cell = html.Td("Indikatorn följs inte i instrumentpanelen", className="note")
        else:
            latest = format_value(assessment.latest_value, indicator)
            status_cell = html.Td(
                [
                    status_badge(assessment.status, title=assessment.reason),
                    html.P(
                        f"Senast {latest} ({assessment.latest_year})"
                        if assessment.latest_year
                        else "Inga värden",
                        className="note",
                    ),
                    html.P(assessment.reason, className="note reason"),
                ]
            )
        body.append(
            html.Tr(
                [
                    html.Td(goal.wording_sv, className="wording"),
                    html.Td(
                        indicator_link(indicator, area_id) if indicator is not None else goal.kpi_id
                    ),
                    html.Td(
                        goal_target_text(
                            goal,
                            indicator,
                            target_value=assessment.target_value if assessment else None,
                            with_year=False,
                        )
                        if indicator is not None
                        else MISSING
                    ),
                    html.Td(str(goal.target_year) if goal.target_year else "Inget målår"),
                    html.Td(source),
                    status_cell,
                ],
                **{"data-goal": goal.id},
            )
        )
    table = html.Table(
        [
            html.Caption(f"Egna mål för {area_name}"),
            header,
            html.Tbody(body),
        ],
        className="data-table local-goal-table",
    )
    if total is not None and total > len(assessed):
        more = more_local_goals(area_id, area_name, len(assessed), total)
        return html.Div([more, html.Div(table, className="table-scroll")], id="kommun-local-goals")
    return html.Div(table, className="table-scroll", id="kommun-local-goals")


# --------------------------------------------------------------------------- the index


def area_index_table(overview: pd.DataFrame, *, levels: Sequence[str] = ("nationell", TREND)):
    """The index of areas: name (link to the profile), kind, local goals and status counts."""
    header = html.Thead(
        html.Tr(
            [
                html.Th("Område", scope="col"),
                html.Th("Typ", scope="col"),
                *(
                    html.Th(
                        "Mot nationella mål" if level == "nationell" else LEVEL_LABELS[level],
                        scope="col",
                    )
                    for level in levels
                ),
                html.Th("Egna mål", scope="col", className="num"),
            ]
        )
    )
    body = []
    for record in overview.to_dict("records"):
        cells = [
            html.Th(dcc.Link(record["title"], href=f"/kommun/{record['area_id']}"), scope="row"),
            html.Td(record["kind"].capitalize()),
        ]
        for level in levels:
            counts = {c: record[f"{level}:{c}"] for c in COUNT_COLUMNS}
            n = record[f"{level}:n_total"]
            cells.append(
                html.Td(
                    [count_badges(counts, show_zero=True), html.Span(f" av {n}", className="note")]
                    if n
                    else html.Span("Inga mål", className="note")
                )
            )
        cells.append(
            html.Td(
                str(record["local_goals"]) if record["kind"] == "kommun" else MISSING,
                className="num",
            )
        )
        body.append(html.Tr(cells, **{"data-area": record["area_id"]}))
    return html.Div(
        html.Table(
            [
                html.Caption("Kommunerna, Region Dalarna och riket: antal indikatorer per status"),
                header,
                html.Tbody(body),
            ],
            className="data-table area-index",
            id="kommuner-table",
        ),
        className="table-scroll",
    )
