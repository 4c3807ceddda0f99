"""Jämför med liknande kommuner: a municipality beside RKA's most similar municipalities
(Kolada's "Liknande kommuner, övergripande") and their unweighted mean – on the Indikator page
a chart, its table alternative and the comparison table with each one's latest value, status
against the municipality's goal and the municipality's place; on the Kommun page a short list
of the similar municipalities and the SKR municipality group, with a link per indicator to the
comparison.

Every number comes from :func:`indicators.similar.compare_with_similar`; the data from
:mod:`indicators.service`. The figure is a plain dict like :mod:`layouts.parts.figures`'.
"""

from __future__ import annotations

import html as html_text
from collections.abc import Sequence
from urllib.parse import quote

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from data.models import GROUP_SKR
from indicators import service
from indicators.area_colours import area_style
from indicators.area_profile import applicable_indicators
from indicators.catalogue import Indicator
from indicators.formatting import MISSING, format_number
from indicators.progress import THRESHOLD_SETS
from indicators.similar import (
    GROUPS_MISSING_TEXT,
    MEAN,
    MEMBER,
    MUNICIPALITY,
    ComparisonRow,
    SimilarComparison,
    compare_with_similar,
    genitive,
)
from indicators.vocabulary import GENDER_LABELS, LEVELS
from layouts.parts.answer_cache import cached_answer
from layouts.parts.components import data_table, dropdown, source_credit, status_badge
from layouts.parts.figures import Figure, base_layout, goal_summary, no_data_note
from layouts.parts.table_alternative import table_alternative, table_when_opened

HEADING = "Jämför med liknande kommuner"
#: The section's anchor on the Indikator page (its heading's id).
ANCHOR = "indikator-similar"
BODY_ID = "indikator-similar-body"
GRAPH_ID = "indikator-similar-graph"
DETAILS_ID, TABLE_ID = "indikator-similar-details", "indikator-similar-table"

#: The similar municipalities: thin muted grey lines, told apart by marker and dash.
MEMBER_COLOUR = "#7a7a7a"
MEMBER_WIDTH = 1.2
MEMBER_SYMBOLS: tuple[str, ...] = (
    "triangle-up-open",
    "square-open",
    "diamond-open",
    "x-thin-open",
    "cross-open",
    "star-open",
    "pentagon-open",
    "hexagon-open",
    "triangle-down-open",
    "hourglass-open",
)
MEMBER_DASHES: tuple[str, ...] = ("dot", "dash", "dashdot", "longdash", "longdashdot", "solid")
MEAN_COLOUR = "#000000"
MUNICIPALITY_WIDTH = 4.0
GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "zoomIn2d", "zoomOut2d"],
    "toImageButtonOptions": {"format": "png", "filename": "liknande-kommuner", "scale": 2},
}


def group_credit(comparison: SimilarComparison) -> str:
    """ "Urval: RKA:s liknande kommuner, övergripande, 2025, från Kolada." – where the choice of
    municipalities comes from; the values' source is credited beside it."""
    year = f", {comparison.group.year}" if comparison.group.year else ""
    return f"Urval: RKA:s liknande kommuner, övergripande{year}, från Kolada."


# --- the figure --------------------------------------------------------------------------------


def _years(comparison: SimilarComparison) -> list[int]:
    years = [year for row in comparison.rows for year, _ in row.points]
    return list(range(min(years), max(years) + 1)) if years else []


def _trace(row: ComparisonRow, years: Sequence[int], index: int, decimals: int, unit: str):
    by_year = dict(row.points)
    values = [by_year.get(year) for year in years]
    counts = dict(row.counts)
    texts = []
    for year, value in zip(years, values, strict=True):
        reported = f" ({counts[year]} kommuner rapporterade)" if year in counts else ""
        texts.append([html_text.escape(row.name), format_number(value, decimals) + reported])
    trace: dict = {
        "type": "scatter",
        "x": list(years),
        "y": values,
        "name": html_text.escape(row.name),
        "mode": "lines+markers",
        "connectgaps": False,
        "customdata": texts,
        "hovertemplate": "%{customdata[0]}<br>%{x}: %{customdata[1]}"
        + (f" {html_text.escape(unit)}" if unit else "")
        + "<extra></extra>",
    }
    if row.role == MUNICIPALITY:
        style = area_style(row.key)
        colour, width, dash_style, symbol, size = (
            style.colour,
            MUNICIPALITY_WIDTH,
            "solid",
            style.symbol,
            10,
        )
    elif row.role == MEAN:
        colour, width, dash_style, symbol, size = MEAN_COLOUR, 3.0, "dash", "circle", 8
    else:
        colour, width, size = MEMBER_COLOUR, MEMBER_WIDTH, 7
        dash_style = MEMBER_DASHES[index % len(MEMBER_DASHES)]
        symbol = MEMBER_SYMBOLS[index % len(MEMBER_SYMBOLS)]
    trace["line"] = {"color": colour, "width": width, "dash": dash_style}
    trace["marker"] = {"symbol": symbol, "size": size, "color": colour}
    return trace


def similar_figure(comparison: SimilarComparison, indicator: Indicator) -> Figure:
    """The municipality (bold, in its own style), each similar municipality (thin grey, a
    marker and dash of its own) and the mean (dashed black), drawn last so they lie on top."""
    gender = GENDER_LABELS[comparison.gender].lower()
    title = f"{comparison.area_name} och liknande kommuner – {indicator.label} ({gender})"
    layout = base_layout(
        {"text": html_text.escape(title), "x": 0, "xanchor": "left", "font": {"size": 16}}
    )
    figure: Figure = {"data": [], "layout": layout}
    years = _years(comparison)
    members = [row for row in comparison.rows if row.role == MEMBER]
    for index, row in enumerate(members):
        figure["data"].append(_trace(row, years, index, indicator.decimals, indicator.unit))
    figure["data"].append(_trace(comparison.mean, years, 0, indicator.decimals, indicator.unit))
    figure["data"].append(_trace(comparison.rows[0], years, 0, indicator.decimals, indicator.unit))
    layout["xaxis"].update(
        {"title": {"text": "År"}, "tickformat": "d", "dtick": 1 if len(years) <= 12 else 2}
    )
    layout["yaxis"].update({"title": {"text": html_text.escape(indicator.unit)}})
    layout.update(
        legend={"font": {"size": 12}, "traceorder": "reversed"},
        margin={"l": 70, "r": 20, "t": 60, "b": 60},
        height=480,
    )
    if not years:
        no_data_note(figure, "Inga värden att jämföra")
    return figure


# --- tables ------------------------------------------------------------------------------------


def chart_table(comparison: SimilarComparison, indicator: Indicator) -> html.Table:
    """The chart's table alternative: a row per year, a column per line; the mean's column
    followed by how many members reported."""
    years = _years(comparison)
    frame = pd.DataFrame({"year": years})
    columns: list = [("year", "År", None)]
    ordered = [*comparison.rows[:-1], comparison.mean]
    for i, row in enumerate(ordered):
        by_year = dict(row.points)
        field = f"s{i}"
        frame[field] = [format_number(by_year.get(y), indicator.decimals) for y in years]
        columns.append((field, row.name if row.role != MEAN else "Ovägt medel", None))
    counts = dict(comparison.mean.counts)
    members = len(comparison.group.members)
    frame["count"] = [f"{counts[y]} av {members}" if y in counts else MISSING for y in years]
    columns.append(("count", "Kommuner i medlet", None))
    return data_table(
        frame,
        columns,
        caption=(
            f"{indicator.label} per år ({indicator.unit}), {comparison.area_name} och liknande "
            "kommuner; – betyder att värde saknas"
        ),
        id="indikator-similar-data",
    )


def goal_caption(comparison: SimilarComparison, indicator: Indicator) -> str:
    """What every status of the table is judged against, in words."""
    if comparison.goal is None:
        return (
            f"Status som trend i önskad riktning: inget mål på de valda nivåerna gäller "
            f"{comparison.area_name}. Värden i {indicator.unit}."
        )
    noun = LEVELS[comparison.level].noun
    summary = goal_summary(comparison.goal, indicator.decimals)
    return (
        f"Status mot {genitive(comparison.area_name)} {noun} mål ({summary}) – samma mål för "
        f"alla rader. Värden i {indicator.unit}."
    )


def comparison_table(comparison: SimilarComparison, indicator: Indicator) -> html.Table:
    """The comparison: per row its latest value and year and its status (icon and word)."""
    head = html.Thead(
        html.Tr(
            [
                html.Th("Kommun", scope="col"),
                html.Th("Senaste värde", scope="col"),
                html.Th("År", scope="col"),
                html.Th("Status", scope="col"),
            ]
        )
    )
    body = []
    for row in comparison.rows:
        name: object = row.name
        if row.role == MUNICIPALITY:
            name = html.Strong(row.name)
        value = format_number(row.latest_value, indicator.decimals)
        if row.role == MEMBER and not row.has_values:
            value = "värde saknas"
        body.append(
            html.Tr(
                [
                    html.Th(name, scope="row"),
                    html.Td(value),
                    html.Td(str(row.latest_year) if row.latest_year else MISSING),
                    html.Td(status_badge(row.assessment.status, title=row.assessment.reason)),
                ],
                className=f"similar-row similar-{row.role}",
            )
        )
    return html.Table(
        [html.Caption(goal_caption(comparison, indicator)), head, html.Tbody(body)],
        className="data-table similar-table",
        id="indikator-similar-comparison",
    )


# --- the section on the Indikator page ---------------------------------------------------------


def chosen_municipality(areas: Sequence[str]) -> tuple[str | None, str | None]:
    """The municipality compared and a note on the choice: the only one chosen, else the first
    chosen (and the note says so), else none (the note asks for one)."""
    chosen = [a for a in areas if a in service.MUNICIPALITY_IDS]
    if not chosen:
        return None, "Välj en kommun ovan för att jämföra den med liknande kommuner."
    if len(chosen) > 1:
        name = service.area_title(chosen[0])
        return chosen[0], (
            f"Du har valt flera kommuner; jämförelsen gäller den första, {name}. Välj bara en "
            "kommun för att jämföra en annan."
        )
    return chosen[0], None


def comparison_of(
    indicator: Indicator, area_id: str, levels: Sequence[str], gender: str, threshold_set: str
) -> SimilarComparison | None:
    """The comparison for one municipality, or None when its group is not stored."""
    group = service.similar_group(area_id)
    if group is None:
        return None
    areas = (area_id, *group.member_ids)
    return compare_with_similar(
        indicator,
        area_id=area_id,
        area_name=service.area_title(area_id),
        group=group,
        observations=service.area_observations(indicator.kpi_id, areas),
        means=service.group_means((group.id,), indicator.kpi_id),
        goals=service.goals(),
        levels=levels,
        gender=gender,
        thresholds=THRESHOLD_SETS[threshold_set],
    )


def _gender(genders: Sequence[str]) -> str:
    return genders[0] if len(genders) == 1 else "T"


def similar_body(
    indicator: Indicator,
    areas: Sequence[str],
    genders: Sequence[str],
    levels: Sequence[str],
    threshold_set: str,
    *,
    table_open: bool = False,
) -> list:
    """The section's content for the page's selection."""
    if indicator.municipality_type == "L":
        return [
            html.P(
                "Indikatorn redovisas för regioner, inte för kommuner, så den jämförs inte med "
                "liknande kommuner.",
                className="note",
            )
        ]
    area_id, choice_note = chosen_municipality(areas)
    if area_id is None:
        return [html.P(choice_note, className="note similar-choice")]
    comparison = comparison_of(indicator, area_id, levels, _gender(genders), threshold_set)
    notes = [html.P(choice_note, className="note similar-choice")] if choice_note else []
    if comparison is None:
        return [*notes, html.P(GROUPS_MISSING_TEXT, className="note similar-missing")]
    if len(genders) > 1:
        notes.append(html.P("Jämförelsen visar totalen för kvinnor och män.", className="note"))
    return [
        *notes,
        *(html.P(text, className="note similar-note") for text in comparison.notes),
        dcc.Graph(id=GRAPH_ID, figure=similar_figure(comparison, indicator), config=GRAPH_CONFIG),
        table_alternative(
            DETAILS_ID,
            TABLE_ID,
            chart_table(comparison, indicator) if table_open else None,
            is_open=table_open,
        ),
        html.Div(comparison_table(comparison, indicator), className="table-scroll"),
        html.P(comparison.placing.text, className="similar-placing", id="indikator-similar-rank"),
        html.P(group_credit(comparison), className="source-credit"),
        source_credit(service.data_status(), indicator.source_name),
    ]


def similar_section(indicator: Indicator, selection) -> html.Section:
    """The section for the page's first answer (``selection``: the page's Selection)."""
    return html.Section(
        [
            html.H2(HEADING, id=ANCHOR, tabIndex="-1"),
            html.Div(
                similar_body(
                    indicator,
                    selection.areas,
                    selection.genders,
                    selection.levels,
                    selection.threshold_set,
                ),
                id=BODY_ID,
                **{"aria-live": "polite"},
            ),
        ],
        className="indikator-section similar-section",
        **{"aria-labelledby": ANCHOR},
    )


def similar_callbacks(*, selection_of, areas: str, gender: str, levels: str, method: str, kpi: str):
    """Redraw the section when the page's controls change, and fill its table when opened.
    ``selection_of(indicator, areas, gender, levels, method)`` reads the controls as the page
    does."""

    def _indicator(kpi_id) -> Indicator:
        indicator = service.indicator(kpi_id or "")
        if indicator is None:
            raise dash.exceptions.PreventUpdate
        return indicator

    @callback(
        Output(BODY_ID, "children"),
        Input(areas, "value"),
        Input(gender, "value"),
        Input(levels, "value"),
        Input(method, "value"),
        State(kpi, "data"),
        prevent_initial_call=True,
    )
    @cached_answer
    def update_similar(area_ids, gender_value, level_values, method_value, kpi_id):
        indicator = _indicator(kpi_id)
        chosen = selection_of(indicator, area_ids, gender_value, level_values, method_value)
        return similar_body(
            indicator, chosen.areas, chosen.genders, chosen.levels, chosen.threshold_set
        )

    @callback(
        Output(TABLE_ID, "children"),
        Input(DETAILS_ID, "open"),
        State(areas, "value"),
        State(gender, "value"),
        State(levels, "value"),
        State(method, "value"),
        State(kpi, "data"),
        prevent_initial_call=True,
    )
    def open_similar_table(is_open, area_ids, gender_value, level_values, method_value, kpi_id):
        indicator = _indicator(kpi_id)
        chosen = selection_of(indicator, area_ids, gender_value, level_values, method_value)

        def build():
            area_id, _ = chosen_municipality(chosen.areas)
            comparison = (
                comparison_of(
                    indicator, area_id, chosen.levels, _gender(chosen.genders), chosen.threshold_set
                )
                if area_id is not None
                else None
            )
            if comparison is None:
                return html.P(GROUPS_MISSING_TEXT, className="note")
            return chart_table(comparison, indicator)

        return table_when_opened(is_open, build)

    return update_similar, open_similar_table


# --- the Kommun page -------------------------------------------------------------------------

KOMMUN_ANCHOR = "kommun-similar"
KOMMUN_KPI_ID = "kommun-similar-kpi"
KOMMUN_LINK_ID = "kommun-similar-link"


def indicator_href(kpi_id: str, area_id: str) -> str:
    """The Indikator page with the municipality chosen, at the comparison."""
    return f"/indikator/{quote(kpi_id)}?omraden={quote(area_id)}#{ANCHOR}"


def _group_name(title: str) -> str:
    return title.removesuffix(" (ovägt medel)").strip()


def kommun_section(area_id: str) -> html.Section | None:
    """The Kommun page's short section: the municipality's similar municipalities, its SKR
    municipality group, and a link to the comparison for an indicator it picks. None for
    Region Dalarna and Riket."""
    if area_id not in service.MUNICIPALITY_IDS:
        return None
    name = service.area_title(area_id)
    group = service.similar_group(area_id)
    skr = service.member_groups(area_id, (GROUP_SKR,))
    listed = applicable_indicators(service.catalogue(), area_id)
    content: list = []
    if group is None:
        content.append(html.P(GROUPS_MISSING_TEXT, className="note similar-missing"))
    else:
        year = f" ({group.year})" if group.year else ""
        content += [
            html.P(f"RKA:s {len(group.members)} kommuner som liknar {name} mest{year}:"),
            html.Ul(
                [html.Li(member.title) for member in group.members],
                className="similar-list",
                id="kommun-similar-list",
            ),
            html.P(
                "Listorna är enkelriktade: en kommun på listan har en egen lista, där "
                f"{name} inte behöver finnas med.",
                className="note",
            ),
        ]
    if skr:
        content.append(
            html.P(
                f"Kommungrupp (SKR): {', '.join(_group_name(g.title) for g in skr)}.",
                id="kommun-skr-group",
            )
        )
    if listed:
        first = listed[0]
        content.append(
            html.Div(
                [
                    html.Label("Indikator", htmlFor=KOMMUN_KPI_ID, className="control-label"),
                    dropdown(
                        KOMMUN_KPI_ID,
                        [{"label": i.label, "value": i.kpi_id} for i in listed],
                        first.kpi_id,
                        search="Sök indikator",
                        no_match="Ingen indikator matchar",
                        clearable=False,
                    ),
                    dcc.Link(
                        f"Jämför {first.label} med liknande kommuner",
                        href=indicator_href(first.kpi_id, area_id),
                        id=KOMMUN_LINK_ID,
                    ),
                ],
                className="control similar-pick",
                style={"maxWidth": "32rem"},
            )
        )
    return html.Section(
        [html.H2(HEADING, id=KOMMUN_ANCHOR), *content],
        className="kommun-section similar-section",
        **{"aria-labelledby": KOMMUN_ANCHOR},
    )


@callback(
    Output(KOMMUN_LINK_ID, "href"),
    Output(KOMMUN_LINK_ID, "children"),
    Input(KOMMUN_KPI_ID, "value"),
    State("kommun-area", "data"),
    prevent_initial_call=True,
)
def pick_indicator(kpi_id, area_id):
    """Point the link at the picked indicator's comparison."""
    indicator = service.indicator(kpi_id or "")
    if indicator is None or area_id not in service.MUNICIPALITY_IDS:
        raise dash.exceptions.PreventUpdate
    return indicator_href(indicator.kpi_id, area_id), (
        f"Jämför {indicator.label} med liknande kommuner"
    )
