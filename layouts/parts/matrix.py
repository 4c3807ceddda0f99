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

import html as html_text
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from indicators.catalogue import Indicator
from indicators.formatting import format_annual_change, format_number
from indicators.overview import rests_on_trend
from indicators.progress import DEFAULT_THRESHOLD_SET, METHOD_TARGET, THRESHOLD_SETS
from indicators.sdg import DIMENSIONS, SDG_GOALS, sdg_colour, sdg_name
from indicators.vocabulary import (
    ALL_LEVELS,
    DIRECTIONS,
    LEVEL_LABELS,
    LEVELS,
    STATUS_ORDER,
    STATUS_STYLE,
    TREND,
    Status,
)
from layouts.parts.components import METHOD_PARAM, level_param, status_badge
from layouts.parts.url_state import Choices, Kind, read_query

METHOD_LABELS: dict[str, str] = {METHOD_TARGET: "mot målvärde", TREND: "trend"}
PERCENT_UNITS = ("andel (%)", "procent", "%")
MAX_GOAL_TEXT = 90
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

DEFAULT_LEVEL = "nationell"
#: The value of the per-goal view toggle (``vy=mal`` in the URL).
PER_SDG = "mal"
SDG_VALUES: tuple[str, ...] = tuple(str(s.goal) for s in SDG_GOALS)


@dataclass(frozen=True)
class MatrixSelection:
    """What the overview shows; empty ``sdgs``/``dimensions`` mean all."""

    level: str = DEFAULT_LEVEL
    sdgs: tuple[int, ...] = ()
    dimensions: tuple[str, ...] = ()
    per_sdg: bool = False
    threshold_set: str = DEFAULT_THRESHOLD_SET.name


#: The overview's parameters, by their names in the address.
PARAMS: dict[str, Kind] = {
    "niva": level_param(ALL_LEVELS, DEFAULT_LEVEL),
    "mal": Choices(
        SDG_VALUES, what="Målet", what_plural="Målen", order="choices", labels=lambda g: f"mål {g}"
    ),
    "dimension": Choices(
        tuple(DIMENSIONS),
        what="Dimensionen",
        what_plural="Dimensionerna",
        order="choices",
        labels=DIMENSIONS,
    ),
    "vy": Choices((PER_SDG,), what="Visningen", what_plural="Visningarna"),
    "metod": METHOD_PARAM,
}


def read_selection(query: Mapping[str, Any]) -> tuple[MatrixSelection, tuple[str, ...]]:
    """The selection an address (or the controls) asks for, and the notes on what in it was
    not used; anything unknown falls back to the default."""
    state = read_query(query, PARAMS)
    selection = MatrixSelection(
        level=state["niva"],
        sdgs=tuple(int(goal) for goal in state["mal"]),
        dimensions=state["dimension"],
        per_sdg=PER_SDG in state["vy"],
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


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _year(value) -> str:
    return str(int(value))


def format_value(value, indicator: Indicator) -> str:
    """A value with the indicator's decimals and unit ("12,3 %", "4 560 ton CO2e")."""
    number = format_number(value, indicator.decimals)
    if indicator.unit in PERCENT_UNITS:
        return f"{number} %"
    return f"{number} {indicator.unit}" if indicator.unit else number


def short_goal_text(wording: str, limit: int = MAX_GOAL_TEXT) -> str:
    """The goal's wording up to its interpretation note, cut to ``limit`` characters."""
    text = wording.split(" Tolkning:")[0].strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip(" ,;.") + "…"


def threshold_name(name: str) -> str:
    """The threshold set's short name ("Statistics Canada", "Eurostat")."""
    known = THRESHOLD_SETS.get(name)
    return known.label_sv.split(":")[0].split(" (")[0] if known else name


def status_label(status: str) -> str:
    return STATUS_STYLE[Status(status)].label_sv


def fallback_note(level: str) -> str:
    """ "trend – inget nationellt mål" """
    adjective = LEVELS[level].adjective if level in LEVELS else level
    return f"trend – inget {adjective} mål"


Fact = tuple[str, str]  # (term, description): "Basår 2015", "12,3 %"


def cell_facts(
    row: Mapping,
    *,
    indicator: Indicator,
    goal_wordings: Mapping[str, str],
) -> list[Fact]:
    """The numbers behind one indicator cell, as (term, description): the goal (or the desired
    direction), base year and value, latest value, target, required and observed annual
    change, the method, and why a cell cannot be assessed."""
    facts: list[Fact] = []
    goal_id = row.get("goal_id")
    if not _missing(goal_id) and goal_id:
        wording = goal_wordings.get(goal_id)
        text = short_goal_text(wording) if wording else goal_id
        facts.append((LEVEL_LABELS[row["level"]], f"{text} ({goal_id})"))
    elif indicator.direction in DIRECTIONS:
        facts.append(("Önskad riktning", DIRECTIONS[indicator.direction].better))
    if not _missing(row.get("base_year")):
        facts.append(
            (f"Basår {_year(row['base_year'])}", format_value(row["base_value"], indicator))
        )
    if not _missing(row.get("latest_year")):
        facts.append(
            (
                f"Senaste år {_year(row['latest_year'])}",
                format_value(row["latest_value"], indicator),
            )
        )
    if not _missing(row.get("target_value")):
        when = "" if _missing(row.get("target_year")) else f" {_year(row['target_year'])}"
        facts.append((f"Målvärde{when}", format_value(row["target_value"], indicator)))
    if not _missing(row.get("required_annual_change")):
        facts.append(("Krävd förändring", format_annual_change(row["required_annual_change"])))
    if not _missing(row.get("observed_annual_change")):
        facts.append(("Faktisk förändring", format_annual_change(row["observed_annual_change"])))
    method = METHOD_LABELS.get(row.get("method"), row.get("method"))
    facts.append(("Metod", f"{method} (gränsvärden: {threshold_name(row.get('threshold_set'))})"))
    if row["status"] == Status.EJ_BEDOMBAR and row.get("reason"):
        facts.append(("Skäl", row["reason"]))
    return facts


def sdg_facts(row: Mapping, *, level: str) -> list[Fact]:
    """The counts behind one SDG cell of the per-goal view, as (term, description)."""
    facts: list[Fact] = []
    if not _missing(row.get("mean_score")):
        facts.append(("Medelpoäng", f"{format_number(row['mean_score'], 1)} (skala −5 till +5)"))
    facts.append(("Indikatorer", f"{row['n_total']}, varav {row['n_assessed']} bedömda"))
    for status in STATUS_ORDER:
        count = int(row.get(f"n_{status.value}", 0))
        if count:
            facts.append((STATUS_STYLE[status].label_sv, str(count)))
    n_fallback = int(row.get("n_fallback", 0) or 0)
    if level != TREND and n_fallback:
        facts.append(("Trend i stället för mål", f"{n_fallback} av {row['n_total']}"))
    return facts


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


def short_status(status: str, *, fallback: bool = False) -> str:
    """A cell's status in words: "I fas", or "I fas, trend" where the trend stands in for a
    missing goal."""
    label = status_label(status)
    return f"{label}, trend" if fallback else label


def status_cell(status: str, *, key: str, fallback: bool = False) -> html.Td:
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
    classes = f"ov-cell {status_class(status)}" + (" ov-trend" if fallback else "")
    return html.Td(
        html.Button(
            style.icon,
            value=key,
            className=classes,
            **{"aria-label": short_status(status, fallback=fallback)},
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
    """What one indicator cell shows: its status and whether the trend stands in for a goal."""

    status: str
    fallback: bool


CellKey = tuple[str, str]  # (area_id, kpi_id)


def cell_texts(
    effective: pd.DataFrame,
    indicators: Iterable[Indicator],
    areas: Sequence[Area],
) -> dict[CellKey, CellText]:
    """What every cell with an assessment shows, for the shown areas and indicators."""
    area_ids = {area_id for area_id, _ in areas}
    kpi_ids = {i.kpi_id for i in indicators}
    frame = effective[["area_id", "kpi_id", "status", "fallback"]]
    return {
        (area_id, kpi_id): CellText(status=status, fallback=bool(fallback))
        for area_id, kpi_id, status, fallback in frame.itertuples(index=False, name=None)
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
    return status_cell(text.status, key=cell_key(area_id, indicator.kpi_id), fallback=text.fallback)


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


def counts_summary(counts: Mapping[Status, int], *, n_fallback: int, level: str, unit: str):
    """Per status how many cells, as badges with counts; and how many show the trend."""
    total = sum(counts.values())
    items = [
        html.Li(
            [status_badge(status), html.Span(format_number(count, 0), className="ov-count")],
            className="ov-count-item",
        )
        for status, count in counts.items()
    ]
    parts = [
        html.P(
            f"Antal {unit} per status (totalt {format_number(total, 0)}):",
            className="ov-counts-intro",
        ),
        html.Ul(items, className="ov-status-counts", **{"aria-label": "Antal per status"}),
    ]
    if level != TREND:
        parts.append(
            html.P(
                f"{format_number(n_fallback, 0)} av {format_number(total, 0)} {unit} visar "
                f"trenden eftersom inget {LEVELS[level].adjective} mål finns.",
                className="note",
            )
        )
    return html.Div(parts, className="ov-counts")


def _sample(status: Status, *, trend: bool, title: str) -> html.Span:
    style = STATUS_STYLE[status]
    classes = f"ov-cell {status_class(status)} ov-sample"
    return html.Span(
        style.icon,
        className=classes + (" ov-trend" if trend else ""),
        title=title,
        **{"aria-hidden": "true"},
    )


#: What a dash in the matrix means (the cell's reason is its hidden text and tooltip).
EMPTY_LEGEND = (
    " Ett streck (–): ingen bedömning, för att värden saknas eller för att indikatorn bara "
    "redovisas för län och riket."
)


def fallback_legend(level: str) -> html.P:
    """What a square (judged against the level's goal), a round (trend) and an empty cell
    mean."""
    if level == TREND:
        return html.P(
            [
                "Alla rutor visar trenden: utvecklingen i indikatorns önskade riktning, utan mål.",
                EMPTY_LEGEND,
            ],
            className="ov-trend-legend",
        )
    adjective = LEVELS[level].adjective
    return html.P(
        [
            _sample(Status.I_FAS, trend=False, title=f"Exempel: bedömd mot {adjective} mål"),
            f" Fyrkantig ruta: bedömd mot {adjective} mål. ",
            _sample(Status.I_FAS, trend=True, title="Exempel: trend"),
            f" Rund, ljusare ruta med streckad kant: det finns inget {adjective} mål för "
            "indikatorn i området, så rutan visar trenden i stället (utvecklingen i önskad "
            "riktning); rutans förklaring säger då ”trend”.",
            EMPTY_LEGEND,
        ],
        className="ov-trend-legend",
    )


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
    facts: list[Fact]
    href: str
    link_text: str


def indicator_cell_facts(
    row: Mapping,
    *,
    area_title: str,
    indicator: Indicator,
    level: str,
    threshold_set: str,
    goal_wordings: Mapping[str, str],
) -> CellFacts:
    """The facts behind an indicator cell (a row of the effective status table)."""
    return CellFacts(
        key=cell_key(row["area_id"], indicator.kpi_id),
        title=f"{area_title} – {indicator.label}",
        status=row["status"],
        note=fallback_note(level) if row.get("fallback") else None,
        facts=cell_facts(row, indicator=indicator, goal_wordings=goal_wordings),
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
        facts=sdg_facts(row, level=level),
        href=area_href(row["area_id"], goal, level, threshold_set),
        link_text=f"Öppna {area_title}s sida för mål {goal}",
    )


def facts_panel(facts: CellFacts | None) -> html.Section | html.P:
    """The facts behind one cell: a heading (focused when it appears, see
    ``assets/oversikt.js``), the status with icon and text, the facts as a definition list, the
    link onwards and a close button; without a cell, the hint how to choose one."""
    if facts is None:
        return html.P(WHY_HINT, className="note ov-why-hint")
    status = [status_badge(facts.status)]
    if facts.note:
        status.append(html.Span(f" ({facts.note})", className="ov-why-note"))
    terms: list = []
    for term, description in facts.facts:
        terms += [html.Dt(term), html.Dd(description)]
    return html.Section(
        [
            html.H2(
                ["Varför? ", html.Span(facts.title, className="ov-why-cell")],
                id=WHY_TITLE_ID,
                tabIndex="-1",
            ),
            html.P(status, className="ov-why-status"),
            html.Dl(terms, className="ov-why-facts"),
            html.P(dcc.Link(facts.link_text, href=facts.href), className="ov-why-link"),
            html.Button("Stäng", type="button", className=WHY_CLOSE_CLASS),
        ],
        className="ov-why",
        **{"aria-labelledby": WHY_TITLE_ID, "data-cell": facts.key},
    )


# --- rendering ------------------------------------------------------------------------------------

#: Dash components the matrix uses that are not plain HTML elements, by their JSX tag.
_JSX_COMPONENTS = {("dash_core_components", "Link"): "dccLink"}
_HTML_NAMESPACE = "dash_html_components"
_VOID_ELEMENTS = frozenset({"col", "br", "hr", "img", "input", "wbr"})


class RawJsx(str):
    """Markup that :func:`to_jsx` already produced (e.g. cached cells): emitted as it is."""


def _jsx_escape(text: str, *, quote: bool) -> str:
    """Text safe in JSX: HTML entities for markup characters, braces and line breaks (a blank
    line would end the HTML block in Markdown)."""
    escaped = html_text.escape(text, quote=quote)
    return escaped.replace("{", "&#123;").replace("}", "&#125;").replace("\n", "&#10;")


def _jsx_attribute(name: str, value: Any) -> str:
    if name == "style":
        if not isinstance(value, Mapping):
            raise ValueError(f"style must be a mapping, got {value!r}")
        pairs = ", ".join(f"{key}: {json.dumps(str(v))}" for key, v in value.items())
        return f"style={{{{{pairs}}}}}"
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"attribute {name}: expected text or a number, got {value!r}")
    return f'{name}="{_jsx_escape(str(value), quote=True)}"'


def to_jsx(node: Any) -> str:
    """A tree of Dash HTML components (and ``dcc.Link``) as the JSX that ``dcc.Markdown`` renders
    with ``dangerously_allow_html`` (``dcc.Link`` becomes ``<dccLink>``, a client-side link).

    The matrix has some 1 800 linked cells: as Dash components each is a component the
    renderer tracks one by one, which makes the page slow to draw; as one Markdown component
    the browser draws them as plain elements. All text is escaped.
    """
    if node is None:
        return ""
    if isinstance(node, RawJsx):
        return str(node)
    if isinstance(node, str | int | float) and not isinstance(node, bool):
        return _jsx_escape(str(node), quote=False)
    if isinstance(node, list | tuple):
        return "".join(to_jsx(child) for child in node)
    if not hasattr(node, "to_plotly_json"):
        raise ValueError(f"cannot render {node!r} as JSX")
    spec = node.to_plotly_json()
    key = (spec["namespace"], spec["type"])
    if key in _JSX_COMPONENTS:
        tag = _JSX_COMPONENTS[key]
    elif spec["namespace"] == _HTML_NAMESPACE:
        tag = spec["type"].lower()
    else:
        raise ValueError(f"cannot render {spec['namespace']}.{spec['type']} as JSX")
    props = spec["props"]
    attributes = "".join(
        " " + _jsx_attribute(name, value)
        for name, value in props.items()
        if name != "children" and value is not None
    )
    children = props.get("children")
    if tag in _VOID_ELEMENTS or children is None:
        return f"<{tag}{attributes}/>"
    return f"<{tag}{attributes}>{to_jsx(children)}</{tag}>"


def rendered_table(table: html.Table, *, id: str | None = None) -> dcc.Markdown:
    """The table as one Markdown component holding its JSX (see :func:`to_jsx`)."""
    kwargs = {"id": id} if id is not None else {}
    return dcc.Markdown(to_jsx(table), dangerously_allow_html=True, className="ov-render", **kwargs)
