"""The goals as the Mål page shows them: goal numbers and areas in Swedish, the goal tables by
level and the change log of users' goals. Pure functions over :class:`data.goals.GoalRecord`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from babel.numbers import format_decimal
from dash import dcc, html

from data.areas import REGION_DALARNA, RIKET
from data.goals import (
    COLUMNS,
    ORIGIN_CATALOGUE,
    ORIGIN_USER,
    GoalChangeRecord,
    GoalRecord,
)
from indicators import service
from indicators.follow_up import ALL_LEVELS, GOAL_LEVELS
from indicators.formatting import LOCALE, MINUS, format_datetime
from indicators.progress import DEFAULT_THRESHOLD_SET
from layouts.parts.components import parse_list

LEVEL_HEADINGS: dict[str, str] = {
    "lokal": "Lokala mål",
    "regional": "Regionala mål",
    "nationell": "Nationella mål",
    "global": "Globala mål",
}
KIND_LABELS: dict[str, str] = {
    "absolute": "Nivå",
    "relative": "Förändring",
    "band": "Intervall",
    "direction": "Riktning",
}
ORIGIN_LABELS: dict[str, str] = {ORIGIN_CATALOGUE: "katalog", ORIGIN_USER: "egen"}
OPERATOR_SIGNS: dict[str, str] = {">=": "≥", "<=": "≤"}
DIRECTION_WORDS: dict[str, str] = {"up": "ska öka", "down": "ska minska"}
ACTION_LABELS: dict[str, str] = {"add": "Tillagt", "change": "Ändrat", "remove": "Borttaget"}
PERCENT_UNITS = ("andel (%)", "procent", "%")

#: Swedish names of the goal fields (CSV columns; ``area`` is the form's one area choice).
FIELD_LABELS: dict[str, str] = {
    "id": "Id",
    "area": "Kommun eller område",
    "areas": "Områden",
    "kpi_id": "Indikator",
    "level": "Nivå",
    "kind": "Typ av mål",
    "operator": "Jämförelse",
    "target_value": "Målvärde",
    "relative_change": "Förändring i procent",
    "band_low": "Intervall, lägst",
    "band_high": "Intervall, högst",
    "direction": "Riktning",
    "base_year": "Basår",
    "target_year": "Målår",
    "wording_sv": "Målets lydelse",
    "source_document": "Källa (dokument eller beslut)",
    "source_url": "Webbadress till källan",
    "adopted_year": "Antaget år",
}


# --------------------------------------------------------------------------- formatting


def goal_number(value: float | None) -> str:
    """A goal's number as written, in Swedish: ``1.25`` → ``"1,25"``, ``7500000`` →
    ``"7 500 000"``, ``-3`` → ``"−3"``."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.###", locale=LOCALE).replace("-", MINUS)


def unit_text(unit: str) -> str:
    """The unit after a goal's number: ``"%"`` for shares, else the indicator's unit."""
    unit = (unit or "").strip()
    return "%" if unit in PERCENT_UNITS else unit


def _with_unit(number: str, unit: str) -> str:
    return f"{number} {unit}" if unit else number


def percent_change(fraction: float) -> str:
    """A relative change (−0.7) as ``"−70 %"``; an increase has a plus sign."""
    percent = goal_number(abs(fraction) * 100)
    sign = "" if fraction == 0 else ("+" if fraction > 0 else MINUS)
    return f"{sign}{percent} %"


def goal_target_text(goal: GoalRecord, unit: str = "") -> str:
    """A goal's numbers in Swedish: "≤ 1,5 ton CO2-ekv/inv till 2030", "−70 % från 2010 till
    2030", "40–60 %", "ska minska till 2030"."""
    unit = unit_text(unit)
    until = f" till {goal.target_year}" if goal.target_year is not None else ""
    if goal.kind == "absolute":
        sign = OPERATOR_SIGNS.get(goal.operator or "", goal.operator or "")
        return f"{sign} {_with_unit(goal_number(goal.target_value), unit)}{until}".strip()
    if goal.kind == "relative":
        change = goal.relative_change or 0.0
        text = percent_change(change)
        if change == 0:
            text += " (ingen ökning)" if goal.direction == "down" else " (ingen minskning)"
        since = f" från {goal.base_year}" if goal.base_year is not None else ""
        return f"{text}{since}{until}"
    if goal.kind == "band":
        band = f"{goal_number(goal.band_low)}–{goal_number(goal.band_high)}"
        return f"{_with_unit(band, unit)}{until}"
    return f"{DIRECTION_WORDS.get(goal.direction or '', 'riktning')}{until}"


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " och " + parts[-1]


def areas_text(areas: Sequence[str] | None) -> str:
    """Where a goal applies: "Alla områden", "Mora", "Region Dalarna och alla 15 kommuner"."""
    if areas is None:
        return "Alla områden"
    chosen = set(areas)
    municipalities = set(service.MUNICIPALITY_IDS)
    parts = []
    if REGION_DALARNA in chosen:
        parts.append("Region Dalarna")
    if municipalities <= chosen:
        parts.append(f"alla {len(municipalities)} kommuner")
    else:
        parts.extend(service.area_title(a) for a in service.MUNICIPALITY_IDS if a in chosen)
    if RIKET in chosen:
        parts.append("Riket")
    parts.extend(service.area_title(a) for a in areas if a not in service.AREA_ORDER)
    text = _join(parts)
    return text[:1].upper() + text[1:]


def indicator_label(kpi_id: str) -> str:
    indicator = service.indicator(kpi_id)
    return indicator.label if indicator is not None else kpi_id


def indicator_unit(kpi_id: str) -> str:
    indicator = service.indicator(kpi_id)
    return indicator.unit if indicator is not None else ""


def goal_title(goal: GoalRecord) -> str:
    """ "Växthusgasutsläpp per invånare, Mora: ≤ 1,5 ton CO2-ekv/inv till 2030"."""
    return (
        f"{indicator_label(goal.kpi_id)}, {areas_text(goal.areas)}: "
        f"{goal_target_text(goal, indicator_unit(goal.kpi_id))}"
    )


# --------------------------------------------------------------------------- the goal list


def level_choice(text: str | None) -> list[str]:
    """The levels a ``niva`` parameter asks for (every goal level when none is valid)."""
    chosen = set(parse_list(text, GOAL_LEVELS))
    return [level for level in GOAL_LEVELS if level in chosen] or list(GOAL_LEVELS)


def area_choice(text: str | None) -> list[str]:
    """The areas an ``omraden`` parameter names (empty: every area)."""
    return parse_list(text, service.AREA_ORDER)


def filter_goals(
    goals: Iterable[GoalRecord], levels: Sequence[str], area_ids: Sequence[str]
) -> list[GoalRecord]:
    """The goals at ``levels`` that apply to at least one of ``area_ids`` (all when empty)."""
    return [
        goal
        for goal in goals
        if goal.level in levels and (not area_ids or any(goal.applies_to(a) for a in area_ids))
    ]


def _source_cell(goal: GoalRecord) -> html.Td:
    if goal.source_url:
        return html.Td(html.A(goal.source_document, href=goal.source_url))
    return html.Td(goal.source_document)


def goal_row(goal: GoalRecord) -> html.Tr:
    """One goal as a table row; user text is plain text (escaped by Dash). Few components per
    row: the page lists every goal, and the browser's work grows with the component count."""
    unit = indicator_unit(goal.kpi_id)
    origin = ORIGIN_LABELS.get(goal.origin or "", goal.origin or "")
    return html.Tr(
        [
            html.Td(
                [
                    dcc.Link(indicator_label(goal.kpi_id), href=f"/indikator/{goal.kpi_id}"),
                    f" ({goal.kpi_id})",
                ]
            ),
            html.Td(
                [
                    f"{KIND_LABELS.get(goal.kind, goal.kind)}: ",
                    html.Strong(goal_target_text(goal, unit)),
                ],
                className="goal-target",
            ),
            html.Td(areas_text(goal.areas)),
            html.Td(goal.wording_sv, className="goal-wording"),
            _source_cell(goal),
            html.Td(str(goal.adopted_year) if goal.adopted_year else "–"),
            html.Td(f"{origin}: {goal.id}", className="goal-id"),
        ],
        className=f"goal-row origin-{'egen' if goal.origin == ORIGIN_USER else 'katalog'}",
        id=f"mal-goal-{goal.id}",
    )


GOAL_TABLE_HEADERS = (
    "Indikator",
    "Mål",
    "Gäller",
    "Lydelse",
    "Källa",
    "Antaget",
    "Ursprung och id",
)


def goal_list(goals: Sequence[GoalRecord], levels: Sequence[str]) -> list:
    """One section per chosen level, each with its goals in a table (or a line saying none)."""
    sections: list = [
        html.P(
            f"{len(goals)} mål visas.",
            className="note",
            role="status",
            id="mal-goal-count",
        )
    ]
    for level in GOAL_LEVELS:
        if level not in levels:
            continue
        chosen = [g for g in goals if g.level == level]
        heading_id = f"mal-level-{level}"
        if chosen:
            body: Any = html.Div(
                html.Table(
                    [
                        html.Thead(html.Tr([html.Th(h, scope="col") for h in GOAL_TABLE_HEADERS])),
                        html.Tbody([goal_row(g) for g in chosen]),
                    ],
                    className="data-table goal-table",
                    **{"aria-labelledby": heading_id},
                ),
                className="table-scroll",
            )
        else:
            body = html.P("Inga mål på den här nivån i urvalet.", className="note")
        sections.append(
            html.Section(
                [html.H3(f"{LEVEL_HEADINGS[level]} ({len(chosen)})", id=heading_id), body],
                className=f"goal-level goal-level-{level}",
                **{"aria-labelledby": heading_id},
            )
        )
    return sections


def selection_record(goals: Sequence[GoalRecord], levels: Sequence[str], areas: Sequence[str]):
    """The download selection: the listed goals' indicators for the chosen areas."""
    kpis = list(dict.fromkeys(goal.kpi_id for goal in goals))
    return {
        "areas": list(areas) or list(service.AREA_ORDER),
        "kpis": kpis,
        "genders": ["T"],
        "years": None,
        "levels": [level for level in ALL_LEVELS if level in levels],
        "threshold_set": DEFAULT_THRESHOLD_SET.name,
    }


# --------------------------------------------------------------------------- change log


def _record_of(values: Mapping[str, Any] | None) -> GoalRecord | None:
    if not values:
        return None
    fields = {name: values.get(name) for name in COLUMNS}
    fields["areas"] = tuple(fields["areas"]) if fields["areas"] is not None else None
    try:
        return GoalRecord(**fields)
    except TypeError:
        return None


def _field_value(goal: GoalRecord, name: str) -> str:
    value = getattr(goal, name)
    if value is None or value == "":
        return "–"
    if name == "areas":
        return areas_text(value)
    if name == "kpi_id":
        return indicator_label(value)
    if name == "kind":
        return KIND_LABELS.get(value, value)
    if name == "relative_change":
        return percent_change(value)
    if name in ("target_value", "band_low", "band_high"):
        return goal_number(value)
    if name == "operator":
        return OPERATOR_SIGNS.get(value, value)
    if name == "direction":
        return DIRECTION_WORDS.get(value, value)
    return str(value)


def change_summary(change: GoalChangeRecord) -> str:
    """Before → after in a line: the goal added or removed, or the fields that changed."""
    before, after = _record_of(change.before), _record_of(change.after)
    if before is None and after is not None:
        return f"Nytt: {goal_title(after)}"
    if after is None and before is not None:
        return f"Borttaget: {goal_title(before)}"
    if before is None or after is None:
        return "–"
    parts = []
    for name in COLUMNS:
        if getattr(before, name) != getattr(after, name):
            label = FIELD_LABELS.get(name, name)
            parts.append(f"{label}: {_field_value(before, name)} → {_field_value(after, name)}")
    return "; ".join(parts) or "Inga ändrade fält"


def change_log(changes: Sequence[GoalChangeRecord], limit: int | None = None) -> html.Div:
    """The change log as an accessible table, newest first (``limit``: the most shown)."""
    if not changes:
        return html.P("Inga ändringar av egna mål ännu.", className="note")
    rows = [
        html.Tr(
            [
                html.Td(
                    html.Time(
                        format_datetime(change.changed_at),
                        dateTime=change.changed_at.isoformat() + "Z",
                    )
                ),
                html.Td(change.goal_id, className="goal-id-cell"),
                html.Td(ACTION_LABELS.get(change.action, change.action)),
                html.Td(change.note or "–"),
                html.Td(change_summary(change), className="change-summary"),
            ]
        )
        for change in changes
    ]
    return html.Div(
        html.Table(
            [
                html.Caption(
                    f"De {len(changes)} senaste ändringarna av egna mål, senaste först (svensk tid)"
                    if limit is not None and len(changes) >= limit
                    else f"Ändringar av egna mål, senaste först ({len(changes)} st., svensk tid)"
                ),
                html.Thead(
                    html.Tr(
                        [
                            html.Th(h, scope="col")
                            for h in ("När", "Mål", "Åtgärd", "Anteckning", "Före → efter")
                        ]
                    )
                ),
                html.Tbody(rows),
            ],
            className="data-table change-log",
            id="mal-change-table",
        ),
        className="table-scroll",
    )
