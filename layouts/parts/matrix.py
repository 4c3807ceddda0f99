"""The status matrix of the overview: areas × indicators (or × SDG goals) as an HTML table.

Pure builders over the cells :mod:`indicators.overview` picks from a status table (each cell's
assessment for the chosen goal level, the trend where no goal of that level exists, and the
aggregates per SDG goal): the accessible table, the counts and the legend, and the facts behind
one cell ("Varför?") with a link to the indicator page (or, per SDG goal, to the area's page).

The matrix has some 1 800 cells, so each cell carries only what it shows: a button with the
status icon, the status as visually hidden text (the row and column headers name the area and
the indicator), its status class and its key (``<area>/<indicator or SDG goal>``,
:func:`cell_key`). The numbers behind a cell travel only when asked for: choosing a cell
(click, tap, Enter or Space) makes ``assets/oversikt.js`` hand its key to the page's callback,
which answers with :func:`facts_panel`. :func:`rendered_table` hands the table to the browser
as one Markdown component, so that the cells draw fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from data.goals import GoalRecord
from indicators.catalogue import Indicator
from indicators.formatting import format_number
from indicators.overview import rests_on_trend
from indicators.progress import DEFAULT_THRESHOLD_SET
from indicators.sdg import DIMENSIONS, SDG_GOALS, sdg_colour, sdg_name
from indicators.status_facts import (
    ARROW_EXAMPLE,
    ARROW_INTRO,
    Fact,
    StatusFacts,
    aggregate_facts,
    arrow_legend,
    status_facts,
)
from indicators.vocabulary import (
    ALL_LEVELS,
    LEVEL_LABELS,
    LEVELS,
    STATUS_STYLE,
    TREND,
    UNCERTAIN,
    Status,
)
from layouts.parts.components import METHOD_PARAM, level_param, status_badge
from layouts.parts.jsx import RawJsx, to_jsx
from layouts.parts.url_state import Choice, Choices, Kind, read_query
from layouts.parts.why import why_body

#: Where an SDG cell in the per-goal view leads.
AREA_PAGE = "/kommun"
INDICATOR_PAGE = "/indikator"

NO_ASSESSMENT = "Ingen bedömning"
NOT_FOR_MUNICIPALITIES = "Redovisas inte för kommuner, bara för län och riket"
#: Separates the area from the indicator (or SDG goal) in a cell's key (not "/": Dash's JSON
#: writes every "/", "<" and ">" as six bytes).
KEY_SEPARATOR = ":"

Area = tuple[str, str]  # (area_id, title)


# --- the selection -----------------------------------------------------------------------------

#: The level when the data names none better (see :func:`indicators.overview.default_level`).
DEFAULT_LEVEL = "nationell"
#: The views: one column per SDG goal (``vy=mal``, the default) or per indicator.
PER_SDG = "mal"
PER_INDICATOR = "indikator"
VIEWS: dict[str, str] = {
    PER_SDG: "En ruta per mål (SDG)",
    PER_INDICATOR: "En ruta per indikator",
}
SDG_VALUES: tuple[str, ...] = tuple(str(s.goal) for s in SDG_GOALS)


@dataclass(frozen=True)
class MatrixSelection:
    """What the overview shows; empty ``sdgs``/``dimensions`` mean all."""

    level: str = DEFAULT_LEVEL
    sdgs: tuple[int, ...] = ()
    dimensions: tuple[str, ...] = ()
    per_sdg: bool = True
    threshold_set: str = DEFAULT_THRESHOLD_SET.name


def selection_params(default_level: str = DEFAULT_LEVEL) -> dict[str, Kind]:
    """The overview's parameters, by their names in the address; ``default_level`` stands where
    the address names no level (or an unknown one)."""
    return {
        "niva": level_param(ALL_LEVELS, default_level),
        "mal": Choices(
            SDG_VALUES,
            what="Målet",
            what_plural="Målen",
            order="choices",
            labels=lambda g: f"mål {g}",
        ),
        "dimension": Choices(
            tuple(DIMENSIONS),
            what="Dimensionen",
            what_plural="Dimensionerna",
            order="choices",
            labels=DIMENSIONS,
        ),
        "vy": Choice(tuple(VIEWS), PER_SDG, what="Visningen", labels=VIEWS),
        "metod": METHOD_PARAM,
    }


#: The overview's parameters with the fixed default level.
PARAMS: dict[str, Kind] = selection_params()


def read_selection(
    query: Mapping[str, Any], default_level: str = DEFAULT_LEVEL
) -> tuple[MatrixSelection, tuple[str, ...]]:
    """The selection an address (or the controls) asks for, and the notes on what in it was
    not used; anything unknown falls back to the default (the level to ``default_level``)."""
    state = read_query(query, selection_params(default_level))
    selection = MatrixSelection(
        level=state["niva"],
        sdgs=tuple(int(goal) for goal in state["mal"]),
        dimensions=state["dimension"],
        per_sdg=state["vy"] == PER_SDG,
        threshold_set=state["metod"],
    )
    return selection, state.notes


def parse_selection(
    level: Any = None,
    sdgs: Any = None,
    dimensions: Any = None,
    view: Any = None,
    threshold_set: Any = None,
) -> MatrixSelection:
    """A valid selection from URL or control values; anything unknown falls back to the
    default."""
    query = {"niva": level, "mal": sdgs, "dimension": dimensions, "vy": view}
    return read_selection({**query, "metod": threshold_set})[0]


# --- which indicators are shown ----------------------------------------------------------------


def filter_indicators(
    indicators: Iterable[Indicator],
    sdgs: Iterable[int] = (),
    dimensions: Iterable[str] = (),
) -> list[Indicator]:
    """The indicators of the chosen SDG goals and dimensions (empty choice = all), grouped by
    SDG goal and in catalogue order within a goal."""
    wanted_sdgs, wanted_dimensions = set(sdgs), set(dimensions)
    chosen = [
        i
        for i in indicators
        if (not wanted_sdgs or i.sdg_goal in wanted_sdgs)
        and (not wanted_dimensions or i.dimension in wanted_dimensions)
    ]
    return sorted(chosen, key=lambda i: i.sdg_goal)  # stable: catalogue order within a goal


# --- text ---------------------------------------------------------------------------------------


def status_label(status: str) -> str:
    return STATUS_STYLE[Status(status)].label_sv


def fallback_note(level: str) -> str:
    """ "trend – inget nationellt mål" """
    adjective = LEVELS[level].adjective if level in LEVELS else level
    return f"trend – inget {adjective} mål"


# --- links --------------------------------------------------------------------------------------


def _query(params: Mapping[str, str]) -> str:
    return urlencode(params, safe=",")


def indicator_href(
    kpi_id: str, area_id: str, level: str, threshold_set: str = DEFAULT_THRESHOLD_SET.name
) -> str:
    """``/indikator/<kpi_id>?omraden=<area_id>&niva=<level>`` (and ``metod`` when not the
    default)."""
    params = {"omraden": area_id, "niva": level}
    if threshold_set != DEFAULT_THRESHOLD_SET.name:
        params["metod"] = threshold_set
    return f"{INDICATOR_PAGE}/{kpi_id}?{_query(params)}"


def cell_key(area_id: str, column: str | int) -> str:
    """A cell's key: ``"2062:N00003"`` (area and indicator) or ``"2062:13"`` (area and SDG
    goal, in the per-goal view)."""
    return f"{area_id}{KEY_SEPARATOR}{column}"


def parse_cell_key(key: Any) -> tuple[str, str] | None:
    """(area id, indicator id or SDG goal number as text) of a key from :func:`cell_key`, or
    None for anything else (the key comes from the browser)."""
    if not isinstance(key, str) or len(key) > 40 or key.count(KEY_SEPARATOR) != 1:
        return None
    area_id, column = key.split(KEY_SEPARATOR)
    if not area_id or not column:
        return None
    return area_id, column


def area_href(
    area_id: str, sdg: int, level: str, threshold_set: str = DEFAULT_THRESHOLD_SET.name
) -> str:
    """``/kommun/<area_id>?mal=<sdg>&niva=<level>`` (and ``metod`` when not the default)."""
    params = {"mal": str(sdg), "niva": level}
    if threshold_set != DEFAULT_THRESHOLD_SET.name:
        params["metod"] = threshold_set
    return f"{AREA_PAGE}/{area_id}?{_query(params)}"


# --- components ---------------------------------------------------------------------------------


def status_class(status: Status | str) -> str:
    """The CSS class giving a matrix cell its status colours (``ov-st1`` … ``ov-st6`` by display
    order; ``assets/oversikt.css`` reads the colours of :data:`STATUS_STYLE` from the custom
    properties the page root gets, :func:`indicators.vocabulary.css_custom_properties`)."""
    return f"ov-st{STATUS_STYLE[Status(status)].order}"


def short_status(status: str, *, fallback: bool = False, uncertain: bool = False) -> str:
    """A cell's status in words: "I fas", or "I fas, trend" where the trend stands in for a
    missing goal, with ", osäker" where the status is not robust."""
    label = status_label(status)
    label = f"{label}, trend" if fallback else label
    return f"{label}, {UNCERTAIN}" if uncertain else label


def status_cell(
    status: str, *, key: str, fallback: bool = False, uncertain: bool = False
) -> html.Td:
    """A matrix cell: a button shown as a compact status badge – the icon on the status colour
    (a round, dashed badge where the trend stands in), named by the status in words
    (``aria-label``, which screen readers read instead of the icon). Its ``value`` is the
    cell's key: choosing it shows the facts behind it (:func:`facts_panel`).

    The cell carries nothing else: the matrix has some 1 800 cells and every byte per cell
    counts (Dash's JSON writes each ``<``, ``>`` and ``/`` of the markup as six bytes, so one
    element fewer per cell matters); the colours come from a CSS class, the area and indicator
    from the table's headers. No ``type="button"``: the matrix is in no form.
    """
    style = STATUS_STYLE[Status(status)]
    classes = (
        f"ov-cell {status_class(status)}"
        + (" ov-trend" if fallback else "")
        + (" ov-uncertain" if uncertain else "")
    )
    return html.Td(
        html.Button(
            style.icon,
            value=key,
            className=classes,
            **{"aria-label": short_status(status, fallback=fallback, uncertain=uncertain)},
        )
    )


def empty_cell(text: str = NO_ASSESSMENT) -> html.Td:
    """A cell without an assessment: a dash with the reason as tooltip and hidden text."""
    return html.Td(
        [
            html.Span("–", title=text, **{"aria-hidden": "true"}),
            html.Span(text, className="visually-hidden"),
        ],
        className="ov-empty",
    )


def _area_row_header(area_id: str, title: str, reference: bool) -> html.Th:
    return html.Th(title, scope="row", className="ov-area" + (" ov-reference" if reference else ""))


def _sdg_groups(indicators: Sequence[Indicator]) -> list[tuple[int, int]]:
    """(SDG goal, number of indicators) in column order."""
    groups: list[tuple[int, int]] = []
    for indicator in indicators:
        if groups and groups[-1][0] == indicator.sdg_goal:
            groups[-1] = (indicator.sdg_goal, groups[-1][1] + 1)
        else:
            groups.append((indicator.sdg_goal, 1))
    return groups


def _sdg_header(goal: int, span: int, scope: str) -> html.Th:
    name = sdg_name(goal)
    return html.Th(
        [html.Span(str(goal), className="ov-sdg-number"), html.Span(name, className="ov-sdg-name")],
        colSpan=span,
        scope=scope,
        title=f"Mål {goal}: {name}",
        className="ov-sdg",
        style={"borderTopColor": sdg_colour(goal)},
    )


@dataclass(frozen=True)
class CellText:
    """What one indicator cell shows: its status, whether the trend stands in for a goal, and
    whether the status is uncertain (``robustness`` "osäker" in the status table)."""

    status: str
    fallback: bool
    uncertain: bool = False


CellKey = tuple[str, str]  # (area_id, kpi_id)


def cell_texts(
    effective: pd.DataFrame,
    indicators: Iterable[Indicator],
    areas: Sequence[Area],
) -> dict[CellKey, CellText]:
    """What every cell with an assessment shows, for the shown areas and indicators."""
    area_ids = {area_id for area_id, _ in areas}
    kpi_ids = {i.kpi_id for i in indicators}
    robustness = effective["robustness"] if "robustness" in effective.columns else None
    frame = effective[["area_id", "kpi_id", "status", "fallback"]].assign(
        uncertain=(robustness == UNCERTAIN) if robustness is not None else False
    )
    return {
        (area_id, kpi_id): CellText(
            status=status, fallback=bool(fallback), uncertain=bool(uncertain)
        )
        for area_id, kpi_id, status, fallback, uncertain in frame.itertuples(index=False, name=None)
        if area_id in area_ids and kpi_id in kpi_ids
    }


def matrix_cell(
    text: CellText | None,
    indicator: Indicator,
    area_id: str,
    *,
    references: Iterable[str] = (),
) -> html.Td:
    """One cell of the indicator matrix: the status button, or an empty cell saying why."""
    if text is None:
        county_only = indicator.municipality_type == "L" and area_id not in set(references)
        return empty_cell(NOT_FOR_MUNICIPALITIES if county_only else NO_ASSESSMENT)
    return status_cell(
        text.status,
        key=cell_key(area_id, indicator.kpi_id),
        fallback=text.fallback,
        uncertain=text.uncertain,
    )


def cell_markup(
    texts: Mapping[CellKey, CellText],
    indicators: Sequence[Indicator],
    areas: Sequence[Area],
    *,
    references: Iterable[str] = (),
) -> dict[CellKey, RawJsx]:
    """Every cell of the indicator matrix rendered once (see :func:`to_jsx`), so that filtering
    by SDG or dimension only joins cells that a cache keeps per level and method."""
    references = set(references)
    return {
        (area_id, indicator.kpi_id): RawJsx(
            to_jsx(
                matrix_cell(
                    texts.get((area_id, indicator.kpi_id)),
                    indicator,
                    area_id,
                    references=references,
                )
            )
        )
        for area_id, _ in areas
        for indicator in indicators
    }


def indicator_matrix(
    effective: pd.DataFrame,
    indicators: Sequence[Indicator],
    areas: Sequence[Area],
    *,
    level: str,
    reference_areas: Iterable[str] = (),
    texts: Mapping[CellKey, CellText] | None = None,
    markup: Mapping[CellKey, RawJsx] | None = None,
) -> html.Table:
    """Areas (rows) × indicators grouped by SDG goal (columns); each cell's button shows the
    facts behind it (:func:`facts_panel`).

    ``texts`` are the cells from :func:`cell_texts` for these ``effective`` rows (computed here
    when not given); ``markup`` optionally holds cells already rendered by :func:`cell_markup`
    for the same level and method.
    """
    references = set(reference_areas)
    if texts is None:
        texts = cell_texts(effective, indicators, areas)
    groups = _sdg_groups(indicators)
    colgroups = [html.Colgroup(html.Col(), className="ov-area-col")] + [
        html.Colgroup(span=span) for _, span in groups
    ]
    header_groups = html.Tr(
        [html.Th("Område", rowSpan=2, scope="col", className="ov-corner")]
        + [_sdg_header(goal, span, "colgroup") for goal, span in groups]
    )
    header_indicators = html.Tr(
        [
            html.Th(
                html.Span(i.label, className="ov-indicator-label"),
                scope="col",
                title=f"{i.label} ({i.kpi_id}), mål {i.sdg_goal}",
                className="ov-indicator",
            )
            for i in indicators
        ]
    )
    rows = []
    for area_id, title in areas:
        cells: list = [_area_row_header(area_id, title, area_id in references)]
        for indicator in indicators:
            rendered = markup.get((area_id, indicator.kpi_id)) if markup is not None else None
            if rendered is None:
                rendered = matrix_cell(
                    texts.get((area_id, indicator.kpi_id)),
                    indicator,
                    area_id,
                    references=references,
                )
            cells.append(rendered)
        rows.append(html.Tr(cells, className="ov-reference" if area_id in references else None))
    n_sdgs = len(groups)
    caption = (
        f"{LEVEL_LABELS[level]}: status för {len(indicators)} indikatorer inom {n_sdgs} mål "
        f"och {len(areas)} områden. "
        "Välj en ruta för att se varför den har sin status, med en länk till indikatorns sida."
    )
    return html.Table(
        [
            html.Caption(caption),
            *colgroups,
            html.Thead([header_groups, header_indicators]),
            html.Tbody(rows),
        ],
        className="ov-matrix ov-per-indicator",
    )


def sdg_matrix(
    aggregates: pd.DataFrame,
    sdgs: Sequence[int],
    areas: Sequence[Area],
    *,
    level: str,
    reference_areas: Iterable[str] = (),
) -> html.Table:
    """Areas (rows) × SDG goals (columns), each cell the goal's aggregate status; its button
    shows the counts per status behind it, with a link to the area's page for that goal."""
    references = set(reference_areas)
    records = {(r["area_id"], int(r["sdg_goal"])): r for r in aggregates.to_dict("records")}
    header = html.Tr(
        [html.Th("Område", scope="col", className="ov-corner")]
        + [_sdg_header(goal, 1, "col") for goal in sdgs]
    )
    rows = []
    for area_id, title in areas:
        cells: list = [_area_row_header(area_id, title, area_id in references)]
        for goal in sdgs:
            row = records.get((area_id, goal))
            if row is None:
                cells.append(empty_cell("Inga indikatorer"))
                continue
            cells.append(
                status_cell(
                    row["status"],
                    key=cell_key(area_id, goal),
                    fallback=rests_on_trend(row, level),
                )
            )
        rows.append(html.Tr(cells, className="ov-reference" if area_id in references else None))
    caption = (
        f"{LEVEL_LABELS[level]}: sammanvägd status per mål för {len(areas)} områden. "
        "Välj en ruta för att se vad den vägs samman av, med en länk till områdets sida för "
        "målet."
    )
    return html.Table(
        [html.Caption(caption), html.Thead(header), html.Tbody(rows)],
        className="ov-matrix ov-per-sdg",
    )


def fallback_text(n_fallback: int, total: int, *, level: str, unit: str) -> str:
    """ "1 532 av 1 770 rutor saknar nationellt mål och visar trenden." """
    return (
        f"{format_number(n_fallback, 0)} av {format_number(total, 0)} {unit} saknar "
        f"{LEVELS[level].adjective} mål och visar trenden."
    )


def counts_summary(
    counts: Mapping[Status, int],
    *,
    n_fallback: int,
    level: str,
    unit: str,
    behind: tuple[int, int] | None = None,
):
    """How many cells show the trend for want of a goal (first: it says how to read the rest),
    then per status how many cells. ``behind`` is (cells without a goal, cells) of the
    indicators an SDG goal's cells are made of."""
    total = sum(counts.values())
    items = [
        html.Li(
            [status_badge(status), html.Span(format_number(count, 0), className="ov-count")],
            className="ov-count-item",
        )
        for status, count in counts.items()
    ]
    parts: list = []
    if level != TREND:
        text = fallback_text(n_fallback, total, level=level, unit=unit)
        if behind is not None:
            text = text.removesuffix(".") + (
                f" (räknat per område och indikator: {format_number(behind[0], 0)} av "
                f"{format_number(behind[1], 0)})."
            )
        parts.append(html.P(text, className="ov-fallback-count"))
    parts += [
        html.P(
            f"{unit.capitalize()} per status (totalt {format_number(total, 0)}):",
            className="ov-counts-intro",
        ),
        html.Ul(items, className="ov-status-counts", **{"aria-label": "Antal per status"}),
    ]
    return html.Div(parts, className="ov-counts")


def _sample(status: Status, *, trend: bool) -> html.Span:
    style = STATUS_STYLE[status]
    classes = f"ov-cell {status_class(status)} ov-sample"
    return html.Span(
        style.icon,
        className=classes + (" ov-trend" if trend else ""),
        **{"aria-hidden": "true"},
    )


#: What a dash in the matrix means (the cell's reason is its hidden text).
EMPTY_LEGEND = " Streck (–): ingen bedömning."
#: The mark of an uncertain status (assets/oversikt.css draws it in the cell's corner).
UNCERTAIN_LEGEND = (
    " En prick i hörnet (•): osäker status – trendlinjen genom alla värden, för få värden eller "
    "ett annat basår ger en annan status (se Varför?)."
)


def fallback_legend(level: str, *, uncertain_mark: bool = False) -> html.P:
    """What a square (judged against the level's goal), a round (trend) and an empty cell
    mean; with ``uncertain_mark`` (the indicator view), also the mark of an uncertain status."""
    marks = [EMPTY_LEGEND, UNCERTAIN_LEGEND] if uncertain_mark else [EMPTY_LEGEND]
    if level == TREND:
        return html.P(
            [
                "Alla rutor visar trenden: utvecklingen i indikatorns önskade riktning, utan mål.",
                *marks,
            ],
            className="ov-trend-legend",
        )
    adjective = LEVELS[level].adjective
    return html.P(
        [
            _sample(Status.I_FAS, trend=False),
            f" Fyrkantig ruta: bedömd mot {adjective} mål. ",
            _sample(Status.I_FAS, trend=True),
            f" Rund, streckad ruta: inget {adjective} mål, så rutan visar trenden.",
            *marks,
        ],
        className="ov-trend-legend",
    )


def arrow_note() -> html.P:
    """What each arrow says – the pace towards the goal, not whether a value rises or falls –
    with the example of an indicator where lower is better."""
    parts: list = [f"{ARROW_INTRO}: "]
    for i, (status, words) in enumerate(arrow_legend()):
        parts += [
            " · " if i else "",
            html.Strong(STATUS_STYLE[status].icon, className="ov-arrow"),
            f" {words}",
        ]
    parts.append(f". {ARROW_EXAMPLE}")
    return html.P(parts, className="ov-arrow-note")


# --- the facts behind one cell ("Varför?") --------------------------------------------------------

WHY_TITLE_ID = "oversikt-why-title"
WHY_CLOSE_CLASS = "ov-why-close"
#: Shown where the facts appear until a cell is chosen.
WHY_HINT = (
    "Välj en ruta i matrisen (klicka, tryck eller använd Enter) för att se varför den har sin "
    "status: målet, basår och senaste värde, krävd och faktisk årlig förändring och metoden."
)


@dataclass(frozen=True)
class CellFacts:
    """What the facts panel shows for one cell."""

    key: str
    title: str  # "Mora – Hälsa"
    status: str
    note: str | None  # "trend – inget nationellt mål"
    why: StatusFacts
    href: str
    link_text: str

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The numbers behind the cell, as (term, description)."""
        return self.why.facts


def indicator_cell_facts(
    row: Mapping,
    *,
    area_title: str,
    indicator: Indicator,
    level: str,
    threshold_set: str,
    goals: Mapping[str, GoalRecord],
) -> CellFacts:
    """The facts behind an indicator cell (a row of the effective status table); ``goals``
    holds (at least) the goal the cell was judged against, by id."""
    goal_id = row.get("goal_id")
    goal = goals.get(goal_id) if isinstance(goal_id, str) else None
    return CellFacts(
        key=cell_key(row["area_id"], indicator.kpi_id),
        title=f"{area_title} – {indicator.label}",
        status=row["status"],
        note=fallback_note(level) if row.get("fallback") else None,
        why=status_facts(
            row,
            indicator=indicator,
            goal=goal,
            fallback_level=level if row.get("fallback") else None,
        ),
        href=indicator_href(indicator.kpi_id, row["area_id"], level, threshold_set),
        link_text=f"Öppna indikatorn för {area_title}",
    )


def sdg_cell_facts(row: Mapping, *, area_title: str, level: str, threshold_set: str) -> CellFacts:
    """The facts behind an SDG cell of the per-goal view (a row of the SDG aggregates)."""
    goal = int(row["sdg_goal"])
    return CellFacts(
        key=cell_key(row["area_id"], goal),
        title=f"{area_title} – mål {goal}: {sdg_name(goal)}",
        status=row["status"],
        note=fallback_note(level) if rests_on_trend(row, level) else None,
        why=aggregate_facts(row, level=level),
        href=area_href(row["area_id"], goal, level, threshold_set),
        link_text=f"Öppna {area_title}s sida för mål {goal}",
    )


def facts_panel(facts: CellFacts | None) -> html.Section | html.P:
    """The facts behind one cell: a heading (focused when it appears, see
    ``assets/oversikt.js``), the status with icon, text and meaning, the pace, the facts as a
    definition list (:func:`layouts.parts.why.why_body`), the link onwards and a close
    button; without a cell, the hint how to choose one."""
    if facts is None:
        return html.P(WHY_HINT, className="note ov-why-hint")
    body = why_body(facts.why, link=(facts.link_text, facts.href))
    if facts.note:
        body.insert(1, html.P(f"Rutan visar {facts.note}.", className="ov-why-note"))
    return html.Section(
        [
            html.Button("Stäng", type="button", className=WHY_CLOSE_CLASS),
            html.H2(
                ["Varför? ", html.Span(facts.title, className="ov-why-cell")],
                id=WHY_TITLE_ID,
                tabIndex="-1",
            ),
            *body,
        ],
        className="ov-why why-panel-static",
        **{"aria-labelledby": WHY_TITLE_ID, "data-cell": facts.key},
    )


# --- rendering ------------------------------------------------------------------------------------


def rendered_table(table: html.Table, *, id: str | None = None) -> dcc.Markdown:
    """The table as one Markdown component holding its JSX (see :func:`to_jsx`)."""
    kwargs = {"id": id} if id is not None else {}
    return dcc.Markdown(to_jsx(table), dangerously_allow_html=True, className="ov-render", **kwargs)
