"""Målkedjan: for a municipality and one of the global goals, how its goals serve higher goals
(lokal → regional → nationell → global), each goal with its status, the insatser that serve it,
and where the chain breaks, said in words.

The selections live in the address bar: ``kommun`` (a municipality's id) and ``mal`` (the SDG
goal, 1–17). The chains are built by :func:`indicators.goal_chain.build_chains`; every status is
judged by :func:`indicators.goal_chain.goal_statuses` (the same judgement as elsewhere).
"""

# No ``from __future__ import annotations`` here: Dash Pages executes page modules before they
# are in ``sys.modules``, where dataclasses cannot resolve string annotations.

import logging
from collections.abc import Mapping, Sequence

import dash
from dash import Input, Output, callback, html

from data.goals import GoalRecord
from data.interventions import InterventionRecord, interventions_for_goals
from indicators import service
from indicators.goal_chain import (
    ChainNode,
    GoalChains,
    build_chains,
    chain_goal_ids,
    chain_goals,
    goal_statuses,
)
from indicators.goal_text import PROFILE, goal_in_words
from indicators.progress import Assessment
from indicators.sdg import SDG_GOALS, sdg_name
from indicators.status_facts import short_goal_text, status_facts
from indicators.vocabulary import LEVELS, STATUS_STYLE
from layouts.parts.components import dropdown, source_credit, sync_url, url_store
from layouts.parts.profile import area_series
from layouts.parts.url_state import Choice, Kind, read_query, url_notes
from layouts.parts.why import why_details

log = logging.getLogger(__name__)

SITE = "Hållbarhetsuppföljning Dalarna"
PATH = "/malkedjan"
#: Mora and Bekämpa klimatförändringarna: a chain from a municipality to the global goal.
DEFAULT_AREA = "2062"
DEFAULT_SDG = "13"

dash.register_page(__name__, path=PATH, title=f"Målkedjan – {SITE}", name="Målkedjan", order=6)


def url_params() -> dict[str, Kind]:
    """The page's address: ``kommun`` and ``mal``."""
    return {
        "kommun": Choice(
            tuple(service.MUNICIPALITY_IDS),
            DEFAULT_AREA,
            what="Kommunen",
            labels=service.area_title,
        ),
        "mal": Choice(
            tuple(str(sdg.goal) for sdg in SDG_GOALS),
            DEFAULT_SDG,
            what="Målet",
            labels=lambda goal: f"mål {goal}",
        ),
    }


# --- one goal in the chain ------------------------------------------------------------------


def _status_cell(node: ChainNode, assessment: Assessment | None, area_name: str):
    """The goal's status with icon and word, opening "Varför?"; or why it has none."""
    goal = node.goal
    if goal is None:
        return html.Span("Målet finns inte (längre)", className="chain-no-status")
    if not node.applies:
        return html.Span(f"Gäller inte {area_name}", className="chain-no-status")
    indicator = service.indicator(goal.kpi_id)
    if assessment is None or indicator is None:
        return html.Span("Ingen status (indikatorn finns inte i katalogen)")
    row = {**assessment.as_dict(), "level": goal.level, "goal_id": goal.id}
    facts = status_facts(row, indicator=indicator, goal=goal)
    level = LEVELS[goal.level].label.lower() if goal.level in LEVELS else "mål"
    return why_details(facts, title=f"{area_name} – {indicator.label}, {level}")


def _target_text(goal: GoalRecord) -> str:
    indicator = service.indicator(goal.kpi_id)
    if indicator is None:
        return ""
    return goal_in_words(
        goal,
        PROFILE,
        unit=indicator.unit,
        decimals=indicator.decimals,
        direction=indicator.direction,
    )


def _interventions(records: Sequence[InterventionRecord]):
    if not records:
        return html.P("Inga insatser kopplade till målet.", className="chain-insatser-none")
    return html.Div(
        [
            html.Span("Insatser för målet:", className="chain-insatser-label"),
            html.Ul(
                [
                    html.Li(
                        f"{record.title} ({record.status}, från {record.start_year})",
                        className="chain-insats",
                    )
                    for record in records
                ],
                className="chain-insatser",
            ),
        ]
    )


def _goal_card(
    node: ChainNode,
    chains: GoalChains,
    assessments: Mapping[str, Assessment],
    insatser: Mapping[str, Sequence[InterventionRecord]],
    area_name: str,
) -> html.Div:
    goal = node.goal
    breaks = [html.P(b.text, className="chain-break") for b in chains.breaks_of(node.goal_id)]
    if goal is None:
        return html.Div(
            [html.P(f"Okänt mål: {node.goal_id}"), *breaks], className="chain-goal unknown"
        )
    level = LEVELS[goal.level].label if goal.level in LEVELS else goal.level
    indicator = service.indicator(goal.kpi_id)
    source = (
        html.A(goal.source_document, href=goal.source_url)
        if goal.source_url
        else goal.source_document
    )
    return html.Div(
        [
            html.P(
                [html.Strong(level, className="chain-level"), f" · {goal.id}"],
                className="chain-goal-head",
            ),
            html.P(short_goal_text(goal.wording_sv), className="chain-wording"),
            html.P(
                [
                    "Indikator: ",
                    indicator.label if indicator is not None else goal.kpi_id,
                    f" – målet: {_target_text(goal)}" if indicator is not None else "",
                ],
                className="chain-indicator",
            ),
            html.Div(
                ["Status: ", _status_cell(node, assessments.get(goal.id), area_name)],
                className="chain-status",
            ),
            _interventions(insatser.get(goal.id, ())),
            html.P(["Källa för målet: ", source], className="chain-source"),
            *breaks,
        ],
        className=f"chain-goal level-{goal.level}",
        **{"data-goal-id": goal.id, "data-level": goal.level},
    )


def _repeat_card(node: ChainNode, area_name: str) -> html.Div:
    """A goal already shown higher up the page: level, id and status in words, no details."""
    goal = node.goal
    assert goal is not None
    level = LEVELS[goal.level].label if goal.level in LEVELS else goal.level
    return html.Div(
        [
            html.P(
                [html.Strong(level, className="chain-level"), f" · {goal.id}"],
                className="chain-goal-head",
            ),
            html.P(
                f"Status: {_status_text(node, area_name)} (målet visas med insatser och "
                "källa längre upp)",
                className="chain-status",
            ),
        ],
        className=f"chain-goal repeat level-{goal.level}",
        **{"data-goal-id": goal.id, "data-level": goal.level},
    )


def _tree(
    node: ChainNode,
    chains: GoalChains,
    assessments: Mapping[str, Assessment],
    insatser: Mapping[str, Sequence[InterventionRecord]],
    area_name: str,
    shown: set[str],
) -> html.Li:
    """A goal and, nested below it, the higher goals it serves; a goal shown before is shown
    again in short."""
    if node.goal is not None and node.goal_id in shown:
        card = _repeat_card(node, area_name)
    else:
        shown.add(node.goal_id)
        card = _goal_card(node, chains, assessments, insatser, area_name)
    children: list = [card]
    if node.higher:
        args = (chains, assessments, insatser, area_name, shown)
        children.append(
            html.Div(
                [
                    html.P("bidrar till ↓", className="chain-arrow"),
                    html.Ol([_tree(higher, *args) for higher in node.higher]),
                ],
                className="chain-higher",
            )
        )
    return html.Li(children, className="chain-item")


# --- the table alternative ------------------------------------------------------------------


def _status_text(node: ChainNode, area_name: str) -> str:
    if node.goal is None:
        return "finns inte"
    if not node.applies:
        return f"gäller inte {area_name}"
    if node.status is None:
        return "–"
    style = STATUS_STYLE[node.status]
    return f"{style.icon} {style.label_sv}"


def _level_text(node: ChainNode) -> str:
    level = node.level
    return LEVELS[level].short if level in LEVELS else "–"


def links_table(chains: GoalChains, area_name: str) -> html.Table:
    """Every link once: the lower goal, the higher goal it serves, each with level and
    status."""
    header = ["Mål", "Nivå", "Status", "Bidrar till", "Nivå", "Status"]
    rows = [
        html.Tr(
            [
                html.Td(link.lower.goal_id),
                html.Td(_level_text(link.lower)),
                html.Td(_status_text(link.lower, area_name)),
                html.Td(link.higher.goal_id),
                html.Td(_level_text(link.higher)),
                html.Td(_status_text(link.higher, area_name)),
            ]
        )
        for link in chains.links
    ]
    return html.Table(
        [
            html.Caption(f"Länkarna i målkedjan för {area_name}"),
            html.Thead(html.Tr([html.Th(text, scope="col") for text in header])),
            html.Tbody(rows),
        ],
        className="data-table",
        id="malkedjan-table",
    )


# --- the whole view -------------------------------------------------------------------------


def chain_view(area_id: str, sdg_goal: int) -> list:
    """The chains of ``area_id`` for ``sdg_goal``: the breaks, the chains, the table."""
    area_name = service.area_title(area_id)
    goals = service.goals()
    indicators = service.catalogue_by_id()
    series = area_series(service.observations(("T",)), area_id)
    assessments = goal_statuses(chain_goals(goals, area_id), series, indicators)
    chains = build_chains(
        goals,
        {goal_id: a.status for goal_id, a in assessments.items()},
        area_id=area_id,
        sdg_goal=sdg_goal,
        sdg_of={kpi_id: i.sdg_goal for kpi_id, i in indicators.items()},
        area_name=area_name,
    )
    insatser = interventions_for_goals(service.engine(), chain_goal_ids(chains))
    heading = html.H2(
        f"{area_name}: mål {sdg_goal} {sdg_name(sdg_goal)}", id="malkedjan-heading", tabIndex="-1"
    )
    if not chains.roots:
        return [
            heading,
            html.P(
                f"Inga mål för mål {sdg_goal} gäller {area_name}. Välj ett annat globalt mål "
                "eller lägg till kommunens mål på sidan Mål.",
                id="malkedjan-empty",
            ),
        ]
    if chains.breaks:
        breaks = html.Div(
            [
                html.H3("Var kedjan brister"),
                html.Ul([html.Li(b.text) for b in chains.breaks]),
            ],
            className="chain-breaks",
            id="malkedjan-breaks",
        )
    else:
        breaks = html.P(
            "Kedjan är hel: varje lokalt mål bidrar till ett högre mål, varje högre mål gäller "
            "kommunen, och inget mål är i fas medan ett högre mål det bidrar till halkar efter.",
            id="malkedjan-breaks",
        )
    shown: set[str] = set()
    args = (chains, assessments, insatser, area_name, shown)
    return [
        heading,
        breaks,
        html.Ol([_tree(root, *args) for root in chains.roots], className="malkedjan-chains"),
        html.Details(
            [
                html.Summary("Visa länkarna som tabell"),
                html.Div(links_table(chains, area_name), className="table-scroll"),
            ],
            className="table-alternative",
        ),
        html.P(
            "Status bedöms för varje mål i kommunen med samma metod som på övriga sidor. "
            "Målens källor står vid varje mål.",
            className="note",
        ),
        source_credit(service.data_status()),
    ]


def _safe_view(area_id: str, sdg_goal: int) -> list:
    try:
        return chain_view(area_id, sdg_goal)
    except Exception:  # a broken view must not break the page
        log.exception("Goal chain for %s and SDG %s could not be drawn", area_id, sdg_goal)
        return [html.P("Målkedjan kunde inte visas just nu. Försök igen om en stund.")]


def controls(area_id: str, sdg_goal: str) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.Label("Kommun", htmlFor="malkedjan-kommun", className="control-label"),
                    dropdown(
                        "malkedjan-kommun",
                        [
                            {"label": service.area_title(a), "value": a}
                            for a in service.MUNICIPALITY_IDS
                        ],
                        area_id,
                        clearable=False,
                    ),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label("Globalt mål", htmlFor="malkedjan-mal", className="control-label"),
                    dropdown(
                        "malkedjan-mal",
                        [
                            {"label": f"{sdg.goal} {sdg.name}", "value": str(sdg.goal)}
                            for sdg in SDG_GOALS
                        ],
                        sdg_goal,
                        clearable=False,
                    ),
                ],
                className="control",
            ),
        ],
        className="controls",
    )


def layout(**query) -> html.Div:
    state = read_query(query, url_params())
    area_id, sdg_goal = state["kommun"], state["mal"]
    return html.Div(
        [
            url_store("malkedjan-url"),
            html.H1("Målkedjan"),
            html.P(
                "Hur kommunens mål bidrar till högre mål – lokalt → regionalt → nationellt → "
                "globalt – med varje måls status, insatserna som ska bidra till det, och var "
                "kedjan brister: ett mål som är i fas medan målet det ska bidra till halkar "
                "efter, ett lokalt mål som inte bidrar till något högre mål, eller en länk till "
                "ett mål som inte gäller kommunen.",
                className="intro",
            ),
            url_notes(state.notes),
            controls(area_id, sdg_goal),
            html.Section(
                _safe_view(area_id, int(sdg_goal)),
                id="malkedjan-content",
                className="malkedjan-section",
                **{"aria-live": "polite", "aria-labelledby": "malkedjan-heading"},
            ),
        ],
        className="malkedjan-page",
    )


@callback(
    Output("malkedjan-content", "children"),
    Input("malkedjan-kommun", "value"),
    Input("malkedjan-mal", "value"),
    prevent_initial_call=True,
)
def show_chain(area_id, sdg_goal):
    state = read_query({"kommun": area_id, "mal": sdg_goal}, url_params())
    return _safe_view(state["kommun"], int(state["mal"]))


sync_url("malkedjan-url", [("malkedjan-kommun", "kommun"), ("malkedjan-mal", "mal")])
