"""Insatser beside the numbers: on an indicator's series chart each linked intervention of a
shown municipality marks its start year (a dashed vertical line with a label, and a marker on
the municipality's line that hover, tap and the table alternative reach); below the chart an
"Effekt av insatsen" panel per intervention with the effect indication in plain Swedish and
the numbers behind it in a "Varför?" disclosure; on the Kommun page the municipality's
interventions with each linked indicator's development since the start and its effect
verdict; and the export "Insatser och effekter".

Every number comes from :mod:`indicators.intervention_effects` (and
:func:`indicators.effect.effect_facts`); the data from :mod:`indicators.service` and
:mod:`data.interventions`. The figure stays a plain dict like :mod:`layouts.parts.figures`'.
"""

from __future__ import annotations

import html as html_text
import json
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

import dash
import pandas as pd
from dash import MATCH, Input, Output, State, callback, clientside_callback, dcc, html

from data.areas import REGION_DALARNA
from data.interventions import InterventionRecord, interventions_for, list_interventions
from indicators import service
from indicators.area_colours import area_style
from indicators.catalogue import Indicator
from indicators.effect import TERM_CAVEAT, TERM_EXPECTED, effect_facts
from indicators.export import FILE_EFFECTS, SOURCE_DEMO, SOURCE_KOLADA, Selection
from indicators.export_stream import table_chunks
from indicators.intervention_effects import (
    LinkEffect,
    area_series,
    development_since_start,
    development_text,
    effects_table,
    group_mean_series,
    link_effect,
    peer_series,
)
from indicators.interventions import (
    CREDIT,
    STATUS_LABELS,
    direction_text,
    expected_text,
    status_text,
    years_text,
)
from indicators.vocabulary import EFFECT_VERDICT_MEANINGS, EffectVerdict
from layouts.parts.components import data_table, source_credit
from layouts.parts.download import FILE_PARAM, ROUTE
from layouts.parts.figures import Figure

log = logging.getLogger(__name__)

#: The Indikator page's section of effect panels, and its body (redrawn with the areas).
SECTION_ID = "indikator-effects"
BODY_ID = "indikator-effects-body"
HEADING_ID = "indikator-effects-heading"
#: The Kommun page's section.
KOMMUN_HEADING_ID = "kommun-insatser-heading"
#: Where the method is described (the Om page renders docs/effektindikation.md there).
METHOD_ANCHOR = "effektindikation"
METHOD_HREF = f"/om#{METHOD_ANCHOR}"
METHOD_PATH = Path(__file__).resolve().parent.parent.parent / "docs" / "effektindikation.md"
REGISTER_HREF = "/insatser"

#: The chart's start-year lines and markers.
LINE_DASH = "dash"
LABEL_LENGTH = 24
MARKER_SYMBOL = "star-diamond"
MARKER_SIZE = 15
MARKER_OUTLINE = "#1a1a1a"
#: The name of the markers' trace (legend and tests).
MARKER_NAME = "Insatser (startår)"

#: Each verdict's mark, shown with its words (never a colour alone).
VERDICT_MARKS: dict[EffectVerdict, str] = {
    EffectVerdict.TYDLIG: "✔",
    EffectVerdict.INGEN_SKILLNAD: "≈",
    EffectVerdict.FEL_HALL: "✘",
    EffectVerdict.FOR_LITE_DATA: "…",
}
VERDICT_CLASSES: dict[EffectVerdict, str] = {
    EffectVerdict.TYDLIG: "effect-clear",
    EffectVerdict.INGEN_SKILLNAD: "effect-none",
    EffectVerdict.FEL_HALL: "effect-wrong",
    EffectVerdict.FOR_LITE_DATA: "effect-lacking",
}


# --- gathering --------------------------------------------------------------------------------


def _peers(area_id: str, kpi_id: str) -> tuple[dict | None, dict | None]:
    """The similar municipalities' series and their group mean (None, None without a group)."""
    group = service.similar_group(area_id)
    if group is None:
        return None, None
    members = tuple(member for member in group.member_ids if member != area_id)
    observations = service.area_observations(kpi_id, members)
    means = service.group_means((group.id,), kpi_id)
    return peer_series(observations, members), group_mean_series(means, group.id)


def link_effects(
    interventions: Sequence[InterventionRecord], kpi_id: str | None = None
) -> list[LinkEffect]:
    """Each intervention × linked indicator (only ``kpi_id``'s when given): the development
    since the start and the effect indication against the similar municipalities."""
    effects: list[LinkEffect] = []
    for intervention in interventions:
        for link in intervention.indicators:
            if kpi_id is not None and link.kpi_id != kpi_id:
                continue
            series = area_series(service.kpi_observations(link.kpi_id), intervention.area_id)
            peers, mean = _peers(intervention.area_id, link.kpi_id)
            try:
                result = link_effect(
                    link,
                    intervention.start_year,
                    series,
                    peers,
                    peer_mean=mean or None,
                    area_id=intervention.area_id,
                )
            except ValueError:
                log.warning(
                    "Intervention %s: no effect indication for %s", intervention.id, link.kpi_id
                )
                continue
            development = development_since_start(series, intervention.start_year, link.direction)
            effects.append(LinkEffect(intervention, link, development, result))
    return effects


def shown_interventions(kpi_id: str, area_ids: Sequence[str]) -> list[InterventionRecord]:
    """The interventions of the shown municipalities linked to the indicator, by area."""
    engine = service.engine()
    chosen = [area for area in service.MUNICIPALITY_IDS if area in area_ids]
    return [record for area in chosen for record in interventions_for(engine, area, kpi_id)]


# --- the chart ---------------------------------------------------------------------------------


def _label(record: InterventionRecord) -> str:
    title = record.title
    if len(title) > LABEL_LENGTH:
        title = title[: LABEL_LENGTH - 1].rstrip() + "…"
    return f"Insats: {title} ({record.start_year})"


def _marker_value(series: Mapping[int, float], year: int) -> float | None:
    """Where the marker sits on the line: the start year's value, else the nearest year's."""
    if year in series:
        return series[year]
    if not series:
        return None
    nearest = min(series, key=lambda known: (abs(known - year), known))
    return series[nearest]


def add_intervention_marks(
    figure: Figure,
    interventions: Sequence[InterventionRecord],
    observations: pd.DataFrame,
    *,
    area_titles: Mapping[str, str],
    gender: str = "T",
) -> Figure:
    """Mark each intervention's start year on a series figure: a dashed vertical line in its
    municipality's colour with the label "Insats: <titel> (år)" (a layout shape and annotation)
    and a marker on the municipality's line (``gender``'s values in ``observations``) in one
    trace, :data:`MARKER_NAME`, whose hover text names the intervention, area and status."""
    if not interventions:
        return figure
    layout = figure["layout"]
    xs: list[int] = []
    ys: list[float | None] = []
    texts: list[str] = []
    colours: list[str] = []
    for index, record in enumerate(interventions):
        colour = area_style(record.area_id).colour
        area = area_titles.get(record.area_id, record.area_id)
        layout.setdefault("shapes", []).append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": record.start_year,
                "x1": record.start_year,
                "y0": 0,
                "y1": 1,
                "line": {"color": colour, "width": 1.5, "dash": LINE_DASH},
                "layer": "below",
            }
        )
        layout.setdefault("annotations", []).append(
            {
                "text": html_text.escape(_label(record)),
                "x": record.start_year,
                "xref": "x",
                "y": 1 - 0.07 * (index % 4),
                "yref": "paper",
                # left, centred or right of the line by where it lies, so that it stays
                # inside the plot on a phone too
                "xanchor": "auto",
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 11, "color": "#1a1a1a"},
                "bgcolor": "rgba(255,255,255,0.85)",
                "bordercolor": colour,
                "borderwidth": 1,
            }
        )
        series = area_series(observations, record.area_id, gender)
        xs.append(record.start_year)
        ys.append(_marker_value(series, record.start_year))
        colours.append(colour)
        texts.append(
            html_text.escape(
                f"Insats: {record.title} – {area}, start {record.start_year}, "
                f"{STATUS_LABELS.get(record.status, record.status).lower()}"
            )
        )
    figure["data"].append(
        {
            "type": "scatter",
            "x": xs,
            "y": ys,
            "name": MARKER_NAME,
            "mode": "markers",
            "marker": {
                "symbol": MARKER_SYMBOL,
                "size": MARKER_SIZE,
                "color": colours,
                "line": {"width": 1.5, "color": MARKER_OUTLINE},
            },
            "customdata": texts,
            "hovertemplate": "%{customdata}<extra></extra>",
            "legendgroup": "insatser",
            "legendgrouptitle": {"text": "Insatser"},
        }
    )
    return figure


INTERVENTION_TABLE_COLUMNS = [
    ("title", "Insats", None),
    ("area", "Kommun", None),
    ("start", "Start", None),
    ("years", "År", None),
    ("status", "Status", None),
]


def intervention_table(
    interventions: Sequence[InterventionRecord], area_titles: Mapping[str, str]
) -> html.Div | None:
    """The chart's markers as a table (title, municipality, start, years, status)."""
    if not interventions:
        return None
    frame = pd.DataFrame(
        [
            {
                "title": record.title,
                "area": area_titles.get(record.area_id, record.area_id),
                "start": str(record.start_year),
                "years": years_text(record),
                "status": status_text(record.status),
            }
            for record in interventions
        ]
    )
    return html.Div(
        data_table(
            frame,
            INTERVENTION_TABLE_COLUMNS,
            caption="Insatser markerade i diagrammet (streckad linje vid startåret)",
            id="indikator-interventions-data",
        ),
        className="table-scroll",
    )


# --- the effect panels -------------------------------------------------------------------------


def verdict_line(result_verdict: EffectVerdict, *, meaning: bool = True) -> html.P:
    """The verdict with its mark and, with ``meaning``, its plain sentence."""
    children: list = [
        html.Span(
            VERDICT_MARKS[result_verdict] + " ", className="effect-mark", **{"aria-hidden": "true"}
        ),
        html.Strong(str(result_verdict).capitalize(), className="effect-verdict-text"),
    ]
    if meaning:
        children.append(html.Span(" – " + EFFECT_VERDICT_MEANINGS[result_verdict]))
    return html.P(children, className=f"effect-verdict {VERDICT_CLASSES[result_verdict]}")


def why_list(effect: LinkEffect, indicator: Indicator | None) -> html.Details:
    """The numbers behind the verdict as a native "Varför?" disclosure (the caveat, which the
    panel shows below it, is not repeated)."""
    unit = indicator.unit if indicator is not None else ""
    decimals = indicator.decimals if indicator is not None else 1
    terms: list = []
    for term, text in effect_facts(effect.result, unit, decimals):
        if term != TERM_CAVEAT:
            terms += [html.Dt(term), html.Dd(text)]
    return html.Details(
        [
            html.Summary("Varför?", className="effect-why-summary"),
            html.Dl(terms, className="why-facts effect-facts"),
        ],
        className="effect-why",
    )


def _expected_line(effect: LinkEffect, indicator: Indicator | None) -> html.P | None:
    """The expected change beside the estimate accumulated to its year, where one is stated."""
    if effect.link.expected_change is None:
        return None
    if effect.result.expected is not None:
        unit = indicator.unit if indicator is not None else ""
        facts = dict(effect_facts(effect.result, unit, _decimals(indicator)))
        text = facts.get(TERM_EXPECTED) or expected_text(effect.link, indicator) + "."
    else:
        text = expected_text(effect.link, indicator) + "."
    return html.P(f"{TERM_EXPECTED}: {text}", className="effect-expected")


def _decimals(indicator: Indicator | None) -> int:
    return indicator.decimals if indicator is not None else 1


def effect_panel(effect: LinkEffect, indicator: Indicator | None) -> html.Article:
    """One intervention's "Effekt av insatsen" panel for the indicator."""
    record = effect.intervention
    area = service.area_title(record.area_id)
    heading_id = f"effect-{record.id}-{effect.link.kpi_id}"
    unit = indicator.unit if indicator is not None else ""
    body: list = [
        html.H3(
            f"Effekt av insatsen: {record.title} – {area}",
            id=heading_id,
        ),
        html.P(
            f"{status_text(record.status)} · {years_text(record)} · "
            f"{direction_text(effect.link.direction)}",
            className="effect-meta",
        ),
        verdict_line(effect.result.verdict),
        html.P(
            "Utveckling sedan start: "
            + development_text(effect.development, unit, _decimals(indicator)),
            className="effect-development",
        ),
    ]
    expected = _expected_line(effect, indicator)
    if expected is not None:
        body.append(expected)
    body += [
        why_list(effect, indicator),
        html.P(effect.result.caveat, className="note effect-caveat"),
        html.P(
            [
                dcc.Link("Så räknas effektindikationen", href=METHOD_HREF),
                " · ",
                dcc.Link("Alla insatser", href=f"{REGISTER_HREF}?omrade={record.area_id}"),
            ],
            className="effect-links presentation-hidden",
        ),
    ]
    return html.Article(body, className="effect-panel", **{"aria-labelledby": heading_id})


def effect_panels(indicator: Indicator, area_ids: Sequence[str]) -> list:
    """The panels of the shown municipalities' interventions on the indicator, or a note that
    there are none."""
    interventions = shown_interventions(indicator.kpi_id, area_ids)
    effects = link_effects(interventions, indicator.kpi_id)
    if not effects:
        return [
            html.P(
                [
                    "Inga insatser för de valda kommunerna är kopplade till indikatorn. ",
                    dcc.Link("Till insatsregistret", href=REGISTER_HREF),
                ],
                className="note effect-none-note",
            )
        ]
    return [effect_panel(effect, indicator) for effect in effects]


def effect_section(indicator: Indicator, area_ids: Sequence[str]) -> html.Section:
    """The Indikator page's section "Effekt av insatser", redrawn when the areas change."""
    body = effect_panels(indicator, area_ids)
    has_panels = any(isinstance(part, html.Article) for part in body)
    return html.Section(
        [
            html.H2("Effekt av insatser", id=HEADING_ID),
            html.P(
                "Har indikatorn ändrats mer efter insatsens start än hos liknande kommuner? "
                "Trenden före och efter startåret jämförs med de liknande kommunernas.",
                className="note",
            ),
            html.Div(body, id=BODY_ID),
            html.P(CREDIT, className="source-credit"),
            source_credit(service.data_status()),
        ],
        id=SECTION_ID,
        className="indikator-section effect-section"
        + ("" if has_panels else " presentation-hidden"),
        **{"aria-labelledby": HEADING_ID},
    )


@callback(
    Output(BODY_ID, "children"),
    Input("indikator-areas", "value"),
    State("indikator-kpi", "data"),
    prevent_initial_call=True,
)
def update_effect_panels(areas, kpi_id):
    """The panels of the municipalities now shown."""
    indicator = service.indicator(kpi_id or "") if isinstance(kpi_id, str) else None
    if indicator is None:
        raise dash.exceptions.PreventUpdate
    chosen = [a for a in (areas or []) if a in service.MUNICIPALITY_IDS]
    return effect_panels(indicator, chosen)


# --- the Kommun page ---------------------------------------------------------------------------


def _indicator_item(effect: LinkEffect, area_id: str) -> html.Li:
    indicator = service.indicator(effect.link.kpi_id)
    label = indicator.label if indicator is not None else effect.link.kpi_id
    unit = indicator.unit if indicator is not None else ""
    href = f"/indikator/{quote(effect.link.kpi_id)}?omraden={quote(area_id)}"
    return html.Li(
        [
            dcc.Link(label, href=href),
            f" ({direction_text(effect.link.direction)})",
            html.Br(),
            html.Span(
                "Sedan start: " + development_text(effect.development, unit, _decimals(indicator)),
                className="effect-development",
            ),
            verdict_line(effect.result.verdict, meaning=False),
        ],
        className="intervention-indicator",
    )


def _decision(record: InterventionRecord) -> list:
    if record.decision_url:
        text = record.decision_reference or "Beslut"
        return [" · ", html.A(text, href=record.decision_url, rel="noopener noreferrer")]
    if record.decision_reference:
        return [f" · {record.decision_reference}"]
    return []


def municipality_section(area_id: str, page_id: str | None = None) -> html.Section | None:
    """The Kommun page's list of the area's interventions: title, status, years, responsible,
    decision, and per linked indicator the development since the start and the effect
    verdict with a link to the indicator page; with ``page_id`` (the page's download panel)
    the link to the export "Insatser och effekter". None for Riket."""
    if area_id not in service.MUNICIPALITY_IDS and area_id != REGION_DALARNA:
        return None
    records = list_interventions(service.engine(), area_id=area_id)
    items = []
    for record in records:
        effects = link_effects([record])
        meta: list = [status_text(record.status), f" · {years_text(record)}"]
        if record.responsible:
            meta.append(f" · Ansvarig: {record.responsible}")
        meta += _decision(record)
        items.append(
            html.Li(
                [
                    html.H3(record.title),
                    html.P(meta, className="intervention-meta"),
                    html.Ul([_indicator_item(effect, area_id) for effect in effects])
                    if effects
                    else html.P("Inga indikatorer kopplade.", className="note"),
                ],
                className="intervention-item",
            )
        )
    content: list = (
        [html.Ul(items, className="intervention-list", id="kommun-interventions")]
        if items
        else [html.P("Inga insatser registrerade.", className="note")]
    )
    return html.Section(
        [
            html.H2("Insatser", id=KOMMUN_HEADING_ID),
            *content,
            html.P(
                [
                    dcc.Link("Så räknas effektindikationen", href=METHOD_HREF),
                    " · ",
                    dcc.Link("Insatsregistret", href=f"{REGISTER_HREF}?omrade={area_id}"),
                ],
                className="note",
            ),
            html.P(CREDIT, className="source-credit"),
            source_credit(service.data_status()),
            *([effects_download(page_id)] if page_id is not None and records else []),
        ],
        className="kommun-section intervention-section",
        **{"aria-labelledby": KOMMUN_HEADING_ID},
    )


# --- the method on the Om page -----------------------------------------------------------------


def method_section() -> html.Section:
    """The Om page's section on the effect indication: docs/effektindikation.md."""
    text = METHOD_PATH.read_text(encoding="utf-8")
    lines = text.splitlines()
    body = "\n".join(lines[1:]) if lines and lines[0].startswith("# ") else text
    body = re.sub(r"^(#{2,5}) ", r"#\1 ", body, flags=re.MULTILINE)  # under the page's h2
    return html.Section(
        [
            html.H2("Effektindikation för insatser", id=METHOD_ANCHOR),
            html.Details(
                [
                    html.Summary("Visa hur effekten av en insats indikeras"),
                    dcc.Markdown(body, className="method-text", link_target="_blank"),
                ],
                className="table-alternative",
                open=True,
            ),
        ],
        className="om-section",
    )


# --- the export --------------------------------------------------------------------------------


EFFECTS_BUTTON_TEXT = "Ladda ner insatser och effekter"


def effects_download(page_id: str) -> html.Div:
    """The link to the export "Insatser och effekter" of a page's selection: its address
    follows the page's "Ladda ner CSV" link (selection and format) with
    ``fil=insatser-effekter``."""
    return html.Div(
        [
            html.A(
                EFFECTS_BUTTON_TEXT,
                id={"type": "export-effects-link", "page": page_id},
                href=dash.get_relative_path(f"{ROUTE}?{FILE_PARAM}={FILE_EFFECTS}"),
                className="button export-button",
            ),
            html.P(
                "Insatser och effekter: en rad per insats och kopplad indikator med startår, "
                "status, önskad riktning, utvecklingen sedan start, effektbedömningen, skattad "
                "skillnad per år, placebotestets plats och förväntad förändring.",
                className="note",
            ),
        ],
        className="download export-effects presentation-hidden",
    )


clientside_callback(
    f"""
    function(href) {{
        if (!href) {{ return window.dash_clientside.no_update; }}
        const [path, query] = href.split('?');
        const pairs = (query || '').split('&').filter(
            (pair) => pair && !pair.startsWith({json.dumps(FILE_PARAM + "=")})
        );
        pairs.push({json.dumps(f"{FILE_PARAM}={FILE_EFFECTS}")});
        return path + '?' + pairs.join('&');
    }}
    """,
    Output({"type": "export-effects-link", "page": MATCH}, "href"),
    Input({"type": "export-link", "page": MATCH}, "href"),
)


def effects_export_table(selection: Selection) -> pd.DataFrame:
    """The export "Insatser och effekter" of a selection: the interventions of its areas,
    each linked indicator of its indicators."""
    engine = service.engine()
    records = [
        record
        for area in service.AREA_ORDER
        if area in selection.areas
        for record in list_interventions(engine, area_id=area)
    ]
    wanted = set(selection.kpis)
    effects = [effect for effect in link_effects(records) if effect.link.kpi_id in wanted]
    status = service.data_status()
    return effects_table(
        effects,
        area_titles={area: service.area_title(area) for area in service.AREA_ORDER},
        catalogue=service.catalogue(),
        status_labels=STATUS_LABELS,
        source=SOURCE_DEMO if status.is_demo else SOURCE_KOLADA,
    )


def effects_csv(selection: Selection, fmt: str) -> tuple[Iterator[bytes], int]:
    """The export as pieces of bytes and its row count."""
    table = effects_export_table(selection)
    return table_chunks(table, fmt), len(table)


__all__ = [
    "FILE_EFFECTS",
    "MARKER_NAME",
    "add_intervention_marks",
    "effect_section",
    "effects_csv",
    "effects_download",
    "intervention_table",
    "link_effects",
    "method_section",
    "municipality_section",
    "shown_interventions",
]
