"""Kommun: one area's profile – the 17 SDG tiles with counts per status, the strongest and
weakest indicators against their goals, every indicator with a sparkline, latest value, trend
and status per goal level, the area's own local goals, and officials' qualitative assessments
of the area (all of them, each linking to its indicator or goal; with a goal chosen, that
goal's assessments and the form to add one).

Works for the 15 municipalities, Region Dalarna (0020) and Riket (0000). The selections live in
the address bar: ``niva`` (the level of the tiles and the ranking), ``mal`` (one SDG goal for the
indicator list), ``dimension`` and ``metod`` (threshold set).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import dash
from dash import ALL, Input, Output, State, callback, clientside_callback, dcc, html

from indicators import service
from indicators.area_profile import (
    applicable_indicators,
    area_status,
    assess_local_goals,
    available_levels,
    local_goals,
    strongest_and_weakest,
    tile_summary,
)
from indicators.progress import THRESHOLD_SETS
from indicators.sdg import DIMENSIONS, SDG_GOALS, sdg_name
from indicators.vocabulary import ALL_LEVELS, LEVEL_LABELS
from layouts.parts import intervention_marks
from layouts.parts.answer_cache import cached_answer
from layouts.parts.components import (
    dropdown_labels,
    method_control,
    not_found_page,
    source_credit,
    status_legend,
    sync_url,
    url_store,
)
from layouts.parts.download import download_panel, selection_store
from layouts.parts.mal_goals import add_goal_link
from layouts.parts.notes import newest_notes, notes_overview, notes_section
from layouts.parts.profile import (
    INDEX_PATH,
    LOCAL_GOAL_LIMIT,
    ProfileSelection,
    announcement,
    area_kind_text,
    area_series,
    export_selection,
    indicator_list,
    local_goal_table,
    local_heading,
    note_href,
    profile_href,
    ranking_note,
    ranking_table,
    read_selection,
    read_url_selection,
    sdg_tiles,
    year_span,
)
from layouts.parts.similar import KOMMUN_ANCHOR, kommun_section
from layouts.parts.url_state import Choice, read_path_id, url_notes

log = logging.getLogger(__name__)

PAGE_ID = "kommun"
SITE = "Hållbarhetsuppföljning Dalarna"

LEVEL_ID = "kommun-level"
SDG_ID = "kommun-sdg"
DIMENSION_ID = "kommun-dimension"
METHOD_ID = "kommun-method"
AREA_ID = "kommun-area"
URL_ID = "kommun-url"
CONTENT_ID = "kommun-content"
SCROLL_ID = "kommun-scroll"
ANNOUNCE_ID = "kommun-announce"
LIST_ANCHOR = "kommun-lista"
EXPORT_ID = {"type": "export-selection", "page": PAGE_ID}
NOTES_HEADING = "kommun-notes-heading"
SDG_NOTES_ID = "kommun-notes-sdg"
#: Pattern ids (keyed by area) so that the refresh after a saved or removed assessment only
#: concerns pages that show the overview.
NOTES_OVERVIEW = "kommun-notes-overview"
NOTES_CONTEXT = "kommun-notes-context"

#: Query parameters in the order the address bar shows them (as ``sync_url`` writes them).
PARAMS: tuple[tuple[str, str], ...] = (
    (LEVEL_ID, "niva"),
    (SDG_ID, "mal"),
    (DIMENSION_ID, "dimension"),
    (METHOD_ID, "metod"),
)
SDG_DROPDOWN_LABELS = dropdown_labels("Sök mål", "Inget mål matchar")


# --- page ------------------------------------------------------------------------------------


def _title(area_id: str | None = None, **_ignored) -> str:
    if area_id not in service.AREA_ORDER:
        return f"Området finns inte – {SITE}"
    return f"{service.area_title(area_id)} – {SITE}"


dash.register_page(
    __name__,
    path_template="/kommun/<area_id>",
    title=_title,
    name="Kommun",
)


def not_found(area_id: str | None) -> html.Div:
    """A clear page for an id that is not one of the dashboard's areas."""
    return not_found_page(
        "Området finns inte",
        f"Det finns inget område med id ”{area_id or ''}” i instrumentpanelen. "
        "Här finns Dalarnas 15 kommuner, Region Dalarna (0020) och riket (0000).",
        link_text="Till alla kommuner",
        href=INDEX_PATH,
        link_id="kommun-index-link",
        class_name="kommun-not-found",
    )


def _controls(area_id: str, selection: ProfileSelection, levels: Sequence[str]) -> html.Div:
    level_options = [
        {
            "label": LEVEL_LABELS[level] + ("" if level in levels else " (inget mål)"),
            "value": level,
            "disabled": level not in levels,
        }
        for level in ALL_LEVELS
    ]
    sdg_options = [{"label": "Alla mål", "value": ""}] + [
        {"label": f"{sdg.goal}. {sdg.name}", "value": str(sdg.goal)} for sdg in SDG_GOALS
    ]
    dimension_options = [{"label": "Alla", "value": ""}] + [
        {"label": label, "value": value} for value, label in DIMENSIONS.items()
    ]
    return html.Div(
        [
            html.Fieldset(
                [
                    html.Legend("Målnivå för rutor och rangordning", className="control-label"),
                    dcc.RadioItems(
                        id=LEVEL_ID,
                        options=level_options,
                        value=selection.level,
                        inline=True,
                        className="level-choice",
                    ),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label("Globalt mål i listan", htmlFor=SDG_ID, className="control-label"),
                    dcc.Dropdown(
                        id=SDG_ID,
                        options=sdg_options,
                        value=str(selection.sdg) if selection.sdg else "",
                        clearable=False,
                        searchable=True,
                        labels=SDG_DROPDOWN_LABELS,
                        className="sdg-dropdown",
                    ),
                ],
                className="control control-sdg",
            ),
            html.Fieldset(
                [
                    html.Legend("Dimension", className="control-label"),
                    dcc.RadioItems(
                        id=DIMENSION_ID,
                        options=dimension_options,
                        value=selection.dimension or "",
                        inline=True,
                    ),
                ],
                className="control",
            ),
            method_control(METHOD_ID, selection.threshold_set),
        ],
        className="controls kommun-controls",
        role="group",
        **{"aria-label": "Urval"},
    )


def notes_list(area_id: str, selection: ProfileSelection):
    """The area's assessments, newest first (the newest 50, with how many there are), each
    linking to its indicator or goal."""
    records, total = newest_notes(area_id)
    return notes_overview(
        records,
        lambda record: note_href(
            area_id, record.kpi_id, record.sdg_goal, selection, hash=LIST_ANCHOR
        ),
        empty_text=f"Inga kvalitativa bedömningar ännu för {service.area_title(area_id)}.",
        total=total,
    )


def notes_overview_section(area_id: str, selection: ProfileSelection) -> html.Section:
    """The section listing all the area's assessments."""
    return html.Section(
        [
            html.H2("Kvalitativa bedömningar", id=NOTES_HEADING),
            html.P(
                "Tjänstepersoners daterade bedömningar av utvecklingen, per indikator eller "
                "globalt mål, nyaste först. Skriv en bedömning av en indikator på dess sida "
                "(följ länken) eller välj ett globalt mål för att bedöma målet.",
                className="note",
            ),
            dcc.Store(
                id={"type": NOTES_CONTEXT, "area": area_id},
                data={"level": selection.level, "threshold_set": selection.threshold_set},
            ),
            html.Div(notes_list(area_id, selection), id={"type": NOTES_OVERVIEW, "area": area_id}),
        ],
        className="kommun-section",
        **{"aria-labelledby": NOTES_HEADING},
    )


def profile_content(area_id: str, selection: ProfileSelection) -> tuple[list, dict]:
    """The profile's sections for a selection, and the download's selection."""
    area_name = service.area_title(area_id)
    catalogue = service.catalogue()
    by_id = {indicator.kpi_id: indicator for indicator in catalogue}
    goals = service.goals()
    goals_by_id = {goal.id: goal for goal in goals}
    shown = applicable_indicators(catalogue, area_id, dimension=selection.dimension)
    listed = applicable_indicators(
        catalogue, area_id, sdg=selection.sdg, dimension=selection.dimension
    )
    status = area_status(
        service.status(selection.threshold_set), area_id, [i.kpi_id for i in shown]
    )
    series = area_series(service.observations(("T",)), area_id)
    level_text = LEVEL_LABELS[selection.level].lower()

    def tile_href(goal: int | None) -> str:
        chosen = ProfileSelection(
            selection.level, goal, selection.dimension, selection.threshold_set
        )
        return profile_href(area_id, chosen, hash=LIST_ANCHOR if goal is not None else "")

    strongest, weakest = strongest_and_weakest(
        status, selection.level, order=[i.kpi_id for i in catalogue]
    )
    note = ranking_note(status, selection.level, selection.dimension)

    if selection.sdg is not None:
        list_heading = f"Indikatorer för mål {selection.sdg}: {sdg_name(selection.sdg)}"
        show_all = dcc.Link(
            "Visa alla mål",
            href=profile_href(
                area_id,
                ProfileSelection(
                    selection.level, None, selection.dimension, selection.threshold_set
                ),
            ),
            id="kommun-show-all",
        )
    else:
        list_heading = "Alla indikatorer"
        show_all = None
    list_intro = (
        f"{len(listed)} indikatorer"
        + (
            f" inom dimensionen {DIMENSIONS[selection.dimension].lower()}"
            if selection.dimension
            else ""
        )
        + ". Linjen visar utvecklingen (luckor = värde saknas, punkten = senaste värdet). Trend "
        "är den genomsnittliga årliga förändringen från basåret; kolumnerna Lokalt–Globalt visar "
        "status mot målet på varje nivå, – där inget mål gäller. Välj en symbol (klicka, tryck "
        "eller Enter) för att se varför den har sin status."
    )

    own_goals = local_goals(goals, area_id)
    assessed_goals = assess_local_goals(
        own_goals[:LOCAL_GOAL_LIMIT],  # the rest are listed on the Mål page
        series,
        by_id,
        thresholds=THRESHOLD_SETS[selection.threshold_set],
    )
    sections = [
        html.Section(
            [
                html.H2(f"De globala målen – status mot {level_text}", id="kommun-tiles-heading"),
                html.P(
                    "Varje ruta visar målets sammanvägda status (medelpoängen av dess indikatorer) "
                    "och hur många indikatorer som har varje status. Välj ett mål för att visa "
                    "dess indikatorer.",
                    className="note",
                ),
                sdg_tiles(
                    tile_summary(status, selection.level),
                    selection.level,
                    href=tile_href,
                    selected=selection.sdg,
                ),
            ],
            className="kommun-section",
            **{"aria-labelledby": "kommun-tiles-heading"},
        ),
        html.Section(
            [
                html.H2("Starkast och svagast", id="kommun-ranking-heading"),
                html.P(note, className="note", id="kommun-ranking-note"),
                html.Div(
                    [
                        ranking_table(
                            strongest,
                            by_id,
                            goals_by_id,
                            area_id=area_id,
                            area_name=area_name,
                            caption=f"Starkast: högst poäng mot {level_text}",
                            id="kommun-strongest",
                            empty_text="Inga indikatorer kunde bedömas på den här nivån.",
                        ),
                        ranking_table(
                            weakest,
                            by_id,
                            goals_by_id,
                            area_id=area_id,
                            area_name=area_name,
                            caption=f"Svagast: lägst poäng mot {level_text}",
                            id="kommun-weakest",
                            empty_text="För få bedömda indikatorer för en lista över de svagaste.",
                        ),
                    ],
                    className="ranking-tables",
                ),
            ],
            className="kommun-section",
            **{"aria-labelledby": "kommun-ranking-heading"},
        ),
        html.Section(
            [
                html.H2(local_heading(area_id), id="kommun-local-heading"),
                local_goal_table(
                    assessed_goals,
                    by_id,
                    area_id=area_id,
                    area_name=area_name,
                    total=len(own_goals),
                ),
                add_goal_link(area_id, area_name),
            ],
            className="kommun-section",
            **{"aria-labelledby": "kommun-local-heading"},
        ),
        notes_overview_section(area_id, selection),
        html.Section(
            [
                html.H2(list_heading, id=LIST_ANCHOR, tabIndex="-1"),
                html.P([list_intro, " ", show_all] if show_all else list_intro, className="note"),
                status_legend(),
                indicator_list(
                    status,
                    series,
                    listed,
                    area_id=area_id,
                    years=year_span(series),
                    area_name=area_name,
                    goals=goals_by_id,
                ),
                source_credit(service.data_status()),
                *(
                    [
                        notes_section(
                            area_id,
                            sdg_goal=selection.sdg,
                            section_id=SDG_NOTES_ID,
                            heading_level=3,
                        )
                    ]
                    if selection.sdg is not None
                    else []
                ),
            ],
            className="kommun-section",
            **{"aria-labelledby": LIST_ANCHOR},
        ),
    ]
    return sections, export_selection(area_id, listed, selection.threshold_set)


@cached_answer
def layout(area_id: str | None = None, **query):
    area_id, asked = read_path_id(area_id, Choice(service.AREA_ORDER))
    if area_id is None:
        return not_found(asked)
    levels = available_levels(service.goals(), area_id)
    selection, notes = read_url_selection(query, levels)
    content, export = profile_content(area_id, selection)
    data_status = service.data_status()
    return html.Div(
        [
            dcc.Store(id=AREA_ID, data=area_id),
            dcc.Store(id=SCROLL_ID),
            url_store(URL_ID),
            html.P(dcc.Link("← Alla kommuner", href=INDEX_PATH), className="breadcrumb"),
            html.H1(service.area_title(area_id)),
            html.P(area_kind_text(area_id), className="area-kind"),
            source_credit(data_status),
            url_notes(notes),
            _controls(area_id, selection, levels),
            html.Nav(
                html.Ul(
                    [
                        html.Li(html.A("De globala målen", href="#kommun-tiles-heading")),
                        html.Li(html.A("Starkast och svagast", href="#kommun-ranking-heading")),
                        html.Li(html.A(local_heading(area_id), href="#kommun-local-heading")),
                        html.Li(html.A("Kvalitativa bedömningar", href=f"#{NOTES_HEADING}")),
                        html.Li(html.A("Alla indikatorer", href=f"#{LIST_ANCHOR}")),
                        *(
                            [html.Li(html.A("Liknande kommuner", href=f"#{KOMMUN_ANCHOR}"))]
                            if area_id in service.MUNICIPALITY_IDS
                            else []
                        ),
                        html.Li(html.A("Ladda ner", href="#kommun-download")),
                    ]
                ),
                className="kommun-toc",
                **{"aria-label": "På sidan"},
            ),
            html.P(
                announcement(service.area_title(area_id), selection, export),
                id=ANNOUNCE_ID,
                className="visually-hidden",
                **{"aria-live": "polite"},
            ),
            html.Div(content, id=CONTENT_ID),
            kommun_section(area_id),
            intervention_marks.municipality_section(area_id, PAGE_ID),
            selection_store(PAGE_ID, export),
            html.Section(
                [
                    html.H2("Ladda ner", id="kommun-download"),
                    html.P(
                        "Värden och status för områdets listade indikatorer, alla år och alla "
                        "målnivåer.",
                        className="note",
                    ),
                    download_panel(PAGE_ID),
                ],
                className="kommun-section",
                **{"aria-labelledby": "kommun-download"},
            ),
        ],
        className="kommun-page",
    )


@callback(
    Output(CONTENT_ID, "children"),
    Output(EXPORT_ID, "data"),
    Output(ANNOUNCE_ID, "children"),
    Input(LEVEL_ID, "value"),
    Input(SDG_ID, "value"),
    Input(DIMENSION_ID, "value"),
    Input(METHOD_ID, "value"),
    State(AREA_ID, "data"),
    prevent_initial_call=True,
)
@cached_answer
def update_profile(level, sdg, dimension, method, area_id):
    """Rebuild the profile for the controls' values."""
    if area_id not in service.AREA_ORDER:
        raise dash.exceptions.PreventUpdate
    levels = available_levels(service.goals(), area_id)
    selection = read_selection(
        niva=level, mal=sdg, dimension=dimension, metod=method, levels=levels
    )
    content, export = profile_content(area_id, selection)
    return content, export, announcement(service.area_title(area_id), selection, export)


@callback(
    Output({"type": NOTES_OVERVIEW, "area": ALL}, "children"),
    Input({"type": "notes-list", "section": ALL}, "children"),
    State({"type": NOTES_CONTEXT, "area": ALL}, "data"),
    State({"type": NOTES_CONTEXT, "area": ALL}, "id"),
    prevent_initial_call=True,
)
def refresh_notes(_lists, contexts, ids):
    """After an assessment was saved or removed on the profile, list the area's anew."""
    if not ids:
        raise dash.exceptions.PreventUpdate
    shown = []
    for context, component_id in zip(contexts, ids, strict=True):
        area_id = component_id["area"]
        if area_id not in service.AREA_ORDER:
            raise dash.exceptions.PreventUpdate
        context = context or {}
        selection = read_selection(
            niva=context.get("level"),
            metod=context.get("threshold_set"),
            levels=available_levels(service.goals(), area_id),
        )
        shown.append(notes_list(area_id, selection))
    return shown


sync_url(URL_ID, list(PARAMS))

# A tile links to the list of its goal (``#kommun-lista``): bring the list into view and move
# the keyboard focus to its heading once the page is drawn.
clientside_callback(
    f"""
    function(area) {{
        if (window.location.hash === '#{LIST_ANCHOR}') {{
            const target = document.getElementById('{LIST_ANCHOR}');
            if (target) {{
                target.scrollIntoView();
                target.focus({{preventScroll: true}});
            }}
        }}
        return null;
    }}
    """,
    Output(SCROLL_ID, "data"),
    Input(AREA_ID, "data"),
)
