"""The goals as the Mål page shows them: goal numbers and areas in Swedish, the goal tables by
level and the change log of users' goals. Pure functions over :class:`data.goals.GoalRecord`.

Each level's table shows :data:`GOAL_PAGE_SIZE` goals at a time, with a pager to step through
the rest (:func:`goal_page`), so no number of stored goals makes the page large.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dash import dcc, html

from data.areas import REGION_DALARNA, RIKET
from data.goals import (
    GOAL_FIELDS,
    ORIGIN_USER,
    GoalChangeRecord,
    GoalRecord,
)
from indicators import service
from indicators.formatting import format_datetime, format_number
from indicators.goal_csv import COLUMNS
from indicators.goal_text import (
    CATALOGUE,
    EU_GOAL_MARK,
    goal_in_words,
    goal_number,
    percent_change,
    source_site,
)
from indicators.progress import DEFAULT_THRESHOLD_SET
from indicators.vocabulary import (
    ALL_LEVELS,
    DIRECTIONS,
    GOAL_LEVELS,
    KINDS,
    LEVEL_LABELS,
    LEVELS,
    NATIONELL,
    OPERATORS,
    ORIGINS,
)
from layouts.parts.url_state import Choices, Kind, read_value

ACTION_LABELS: dict[str, str] = {"add": "Tillagt", "change": "Ändrat", "remove": "Borttaget"}
#: Where the EU's targets are listed, said under the national goals' heading.
EU_LEVEL_NOTE = (
    "EU:s mål för medlemsländerna står bland de nationella målen, eftersom Sverige har åtagit "
    f"sig dem som medlemsstat; deras källa börjar med ”{EU_GOAL_MARK}”."
)

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
    "secondary_source_url": "Webbadress till en annan källa",
    "adopted_year": "Antaget år",
    "contributes_to": "Bidrar till högre mål",
}


# --------------------------------------------------------------------------- formatting


def goal_target_text(goal: GoalRecord, unit: str = "") -> str:
    """A goal's numbers in the catalogue form of :func:`indicators.goal_text.goal_in_words`:
    "≤ 1,5 ton CO2-ekv/inv till 2030", "−70 % från 2010 till 2030", "40–60 %", "ska minska"."""
    return goal_in_words(goal, CATALOGUE, unit=unit)


def _kind_label(kind: str) -> str:
    known = KINDS.get(kind)
    return known.label if known is not None else kind


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


# --------------------------------------------------------------------------- to the goal form

#: The anchor of the goal form on the Mål page.
GOAL_FORM_ANCHOR = "nytt-mal"


def add_goal_href(area_id: str) -> str:
    """The Mål page's goal form with a new goal for ``area_id`` chosen."""
    return f"/mal?omrade={area_id}#{GOAL_FORM_ANCHOR}"


def add_goal_link(area_id: str, area_name: str) -> html.P | None:
    """ "Lägg till eget mål" for a municipality or Region Dalarna (the areas own goals are
    added for), to the Mål page's form with the area chosen; ``None`` for other areas. The
    same for everyone: the form itself is shown to signed-in editors."""
    if area_id not in (*service.MUNICIPALITY_IDS, REGION_DALARNA):
        return None
    return html.P(
        [
            dcc.Link(f"Lägg till eget mål för {area_name}", href=add_goal_href(area_id)),
            " – i formuläret på sidan Mål; att spara mål kräver inloggning som redaktör.",
        ],
        className="add-goal presentation-hidden",
        id="kommun-add-goal",
    )


# --------------------------------------------------------------------------- the goal list


#: The goal list's parameters, by their names in the address.
GOAL_LIST_PARAMS: dict[str, Kind] = {
    "niva": Choices(
        GOAL_LEVELS,
        GOAL_LEVELS,
        what="Målnivån",
        what_plural="Målnivåerna",
        labels=LEVEL_LABELS,
        order="choices",
    ),
    "omraden": Choices(
        service.AREA_ORDER, what="Området", what_plural="Områdena", labels=service.area_title
    ),
}


def level_choice(value: Any) -> list[str]:
    """The levels a ``niva`` parameter asks for (every goal level when none is valid)."""
    return list(read_value("niva", value, GOAL_LIST_PARAMS["niva"])[0])


def area_choice(value: Any) -> list[str]:
    """The areas an ``omraden`` parameter names (empty: every area)."""
    return list(read_value("omraden", value, GOAL_LIST_PARAMS["omraden"])[0])


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
    """The source document (linked to it), and a second reference by its site's name."""
    main = html.A(goal.source_document, href=goal.source_url) if goal.source_url else None
    children: list = [main if main is not None else goal.source_document]
    if goal.secondary_source_url:
        second = html.A(source_site(goal.secondary_source_url), href=goal.secondary_source_url)
        children.append(html.Span(["Även: ", second], className="goal-source-second"))
    return html.Td(children)


def goal_row(goal: GoalRecord) -> html.Tr:
    """One goal as a table row; user text is plain text (escaped by Dash). Few components per
    row: the page lists every goal, and the browser's work grows with the component count."""
    unit = indicator_unit(goal.kpi_id)
    origin = ORIGINS[goal.origin].label if goal.origin in ORIGINS else (goal.origin or "")
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
                    f"{_kind_label(goal.kind)}: ",
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


#: How many goals a level's table shows at a time.
GOAL_PAGE_SIZE = 50
#: The pattern-matching ids of a level's pager (``{"type": ..., "level": level}``).
PAGE_TABLE, PAGE_RANGE, PAGE_PREVIOUS, PAGE_NEXT, PAGE_STORE = (
    "mal-goal-table",
    "mal-goal-range",
    "mal-goal-previous",
    "mal-goal-next",
    "mal-goal-page",
)


def _pager_id(kind: str, level: str) -> dict[str, str]:
    return {"type": kind, "level": level}


def _count(value: int) -> str:
    return format_number(value, 0)


def page_count(total: int, size: int = GOAL_PAGE_SIZE) -> int:
    return max((total + size - 1) // size, 1)


def goal_table(goals: Sequence[GoalRecord], level: str) -> html.Div:
    """One page of a level's goals as a table."""
    return html.Div(
        html.Table(
            [
                html.Thead(html.Tr([html.Th(h, scope="col") for h in GOAL_TABLE_HEADERS])),
                html.Tbody([goal_row(g) for g in goals]),
            ],
            className="data-table goal-table",
            **{"aria-labelledby": f"mal-level-{level}"},
        ),
        className="table-scroll",
    )


def goal_page(goals: Sequence[GoalRecord], level: str, page: int) -> dict[str, Any]:
    """Page ``page`` (from 0; kept within the pages there are) of a level's goals: the table,
    the range shown ("Mål 51–100 av 1 234"), whether the previous and next buttons are off,
    and the page shown."""
    page = min(max(page, 0), page_count(len(goals)) - 1)
    first = page * GOAL_PAGE_SIZE
    shown = goals[first : first + GOAL_PAGE_SIZE]
    return {
        "table": goal_table(shown, level),
        "range": f"Mål {_count(first + 1)}–{_count(first + len(shown))} av {_count(len(goals))}",
        "previous_disabled": page == 0,
        "next_disabled": first + len(shown) >= len(goals),
        "page": page,
    }


def goal_pager(level: str, shown: Mapping[str, Any]) -> html.Nav:
    """Buttons to step through a level's goals, the range shown, and the page (a store)."""
    return html.Nav(
        [
            html.Button(
                f"← Föregående {GOAL_PAGE_SIZE}",
                id=_pager_id(PAGE_PREVIOUS, level),
                n_clicks=0,
                type="button",
                className="secondary",
                disabled=shown["previous_disabled"],
            ),
            html.Span(
                shown["range"],
                id=_pager_id(PAGE_RANGE, level),
                className="pager-status",
                role="status",
            ),
            html.Button(
                f"Nästa {GOAL_PAGE_SIZE} →",
                id=_pager_id(PAGE_NEXT, level),
                n_clicks=0,
                type="button",
                className="secondary",
                disabled=shown["next_disabled"],
            ),
            dcc.Store(id=_pager_id(PAGE_STORE, level), data=shown["page"]),
            html.Span("Alla mål finns i filen Ladda ner alla mål (CSV) nedan.", className="note"),
        ],
        className="list-pager presentation-hidden",
        **{"aria-label": f"Bläddra bland {LEVELS[level].plural.lower()}"},
    )


def goal_list(goals: Sequence[GoalRecord], levels: Sequence[str]) -> list:
    """One section per chosen level, each with its goals in a table (or a line saying none);
    a level with more than :data:`GOAL_PAGE_SIZE` goals shows the first page and a pager."""
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
        body: list
        if chosen:
            first = goal_page(chosen, level, 0)
            body = [html.Div(first["table"], id=_pager_id(PAGE_TABLE, level))]
            if len(chosen) > GOAL_PAGE_SIZE:
                body.append(goal_pager(level, first))
        else:
            body = [html.P("Inga mål på den här nivån i urvalet.", className="note")]
        if level == NATIONELL:
            body.insert(0, html.P(EU_LEVEL_NOTE, className="note"))
        sections.append(
            html.Section(
                [html.H3(f"{LEVELS[level].plural} ({len(chosen)})", id=heading_id), *body],
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
    # Entries logged before a field existed leave it out: it was empty then.
    for name in ("source_url", "secondary_source_url"):
        if fields.get(name) is None:
            fields[name] = ""
    fields["areas"] = tuple(fields["areas"]) if fields["areas"] is not None else None
    fields["contributes_to"] = tuple(fields.get("contributes_to") or ())  # målkedjan
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
    if name == "contributes_to":  # målkedjan: the ids of the higher goals
        return ", ".join(value) or "–"
    if name == "kpi_id":
        return indicator_label(value)
    if name == "kind":
        return _kind_label(value)
    if name == "relative_change":
        return percent_change(value)
    if name in ("target_value", "band_low", "band_high"):
        return goal_number(value)
    if name == "operator" and value in OPERATORS:
        return OPERATORS[value].sign
    if name == "direction" and value in DIRECTIONS:
        return DIRECTIONS[value].change
    return str(value)


def goal_differences(mine: GoalRecord, stored: GoalRecord) -> tuple[tuple[str, str, str], ...]:
    """The fields in which ``mine`` (a form's goal) differs from ``stored``: the field's name,
    the form's value and the stored value, as the change log words them."""
    return tuple(
        (FIELD_LABELS.get(name, name), _field_value(mine, name), _field_value(stored, name))
        for name in GOAL_FIELDS
        if getattr(mine, name) != getattr(stored, name)
    )


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
                html.Td(change.changed_by or "–", className="change-editor"),
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
                            for h in (
                                "När",
                                "Mål",
                                "Åtgärd",
                                "Anteckning",
                                "Före → efter",
                                "Ändrat av",
                            )
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
