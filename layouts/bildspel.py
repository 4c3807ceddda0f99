"""Bildspel: saved sequences of views, shown one after another in presentation mode.

``/bildspel`` lists the saved slideshows (start, change, export, remove), builds a new one from
ready-made views or pasted addresses (reordered with Upp / Ner) and imports a slideshow file.
``/bildspel/<id>`` is a slideshow's shareable address: its views and a start link.

"Ändra" loads a saved slideshow into the builder and keeps its id and version in a store; the
save sends them, so a slideshow changed by someone else meanwhile is not overwritten (the page
says what differs instead). A new slideshow needs a name of its own. Removing takes two steps:
the first hands out a confirmation signed by the server, which the second must bring back.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dash
import flask
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from data.changes import RECORD_SLIDESHOW
from data.slideshows import (
    MAX_SLIDESHOW_ID,
    MAX_VIEWS,
    InvalidSlideshowError,
    SlideshowError,
    SlideshowProblem,
    SlideshowRecord,
    StaleSlideshowError,
    delete_slideshow,
    export_slideshow,
    get_slideshow,
    import_slideshow,
    list_slideshows,
    normalise_view,
    save_slideshow,
    view_problem,
)
from indicators import service
from indicators.formatting import format_datetime
from indicators.sdg import SDG_GOALS, sdg_name
from layouts.parts.components import DROPDOWN_PLACEHOLDER, dropdown_labels, upload_name
from layouts.parts.confirmation import NOT_CONFIRMED, confirmed_version, removal_token
from layouts.parts.editor import current_editor, edit_notice, refusal, refused
from layouts.parts.presentation import app_routes, page_name, print_view_url, step_url
from layouts.parts.upload_limit import limited_upload_label, too_large_text, upload_limit_message
from layouts.parts.url_state import Integer, read_path_id, read_query, url_notes

log = logging.getLogger(__name__)

SITE = "Hållbarhetsuppföljning Dalarna"
INDEX_PATH = "/bildspel"

DRAFT_ID = "bildspel-draft"
DRAFT_LIST_ID = "bildspel-draft-list"
NAME_INPUT_ID = "bildspel-namn"
SDG_ID = "bildspel-sdg"
AREA_ID = "bildspel-omrade"
KPI_ID = "bildspel-kpi"
KPI_AREAS_ID = "bildspel-kpi-omraden"
PASTE_ID = "bildspel-adresser"
ADD_SDG_ID = "bildspel-add-sdg"
ADD_AREA_ID = "bildspel-add-omrade"
ADD_KPI_ID = "bildspel-add-kpi"
ADD_PASTE_ID = "bildspel-add-adresser"
CLEAR_ID = "bildspel-clear"
SAVE_ID = "bildspel-save"
UPLOAD_ID = "bildspel-upload"
LIST_ID = "bildspel-list"
DOWNLOAD_ID = "bildspel-download"
DRAFT_MESSAGE_ID = "bildspel-draft-message"
SAVE_MESSAGE_ID = "bildspel-save-message"
IMPORT_MESSAGE_ID = "bildspel-import-message"
LIST_MESSAGE_ID = "bildspel-list-message"
#: The slideshow open in the builder: ``{"id", "version", "name"}``, ``None`` for a new one.
EDITING_ID = "bildspel-editing"
EDITING_BOX_ID = "bildspel-editing-box"
EDITING_NOTE_ID = "bildspel-editing-note"
DETACH_ID = "bildspel-detach"
#: The removal asked for: ``{"id", "token"}`` (the server's signed confirmation), or ``None``.
REMOVAL_ID = "bildspel-removal"
QUESTION_ID = "bildspel-question"
DELETE_TYPE = "bildspel-delete"
CONFIRM_TYPE = "bildspel-delete-ok"
CANCEL_TYPE = "bildspel-delete-cancel"

MAX_UPLOAD_BYTES = 200_000
UPLOAD_LIMIT_ID = "bildspel-upload-limit"

FIELD_LABELS = {"name": "Namn", "views": "Vyer"}


dash.register_page(__name__, path=INDEX_PATH, title=f"Bildspel – {SITE}", name="Bildspel", order=8)


# --- pure functions --------------------------------------------------------------------------


def sdg_view(goal: int) -> str:
    """Översikt for every area, one SDG goal."""
    return f"/?mal={int(goal)}"


def profile_view(area_id: str) -> str:
    return f"/kommun/{area_id}"


def indicator_view(kpi_id: str, area_ids: Sequence[str] = ()) -> str:
    query = f"?omraden={','.join(area_ids)}" if area_ids else ""
    return f"/indikator/{kpi_id}{query}"


def describe_view(view: str) -> str:
    """A Swedish description of a view, e.g. "Översikt – mål 3 Hälsa och välbefinnande",
    "Jämför – Mora, Falun" or "Målkonflikter – A mot B"."""
    parts = urlsplit(view)
    path = parts.path or "/"
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    segments = [segment for segment in path.split("/") if segment]
    if path == "/":
        return _overview_text(query)
    if len(segments) == 2 and segments[0] == "kommun":
        return f"Kommunprofil – {service.area_title(segments[1])}"
    if len(segments) == 2 and segments[0] == "indikator":
        indicator = service.indicator(segments[1])
        text = f"Indikator – {indicator.label if indicator else segments[1]}"
        names = _area_names(query.get("omraden", ""))
        return f"{text} ({', '.join(names)})" if names else text
    name = page_name(path) or path
    if segments == ["jamfor"]:
        names = _area_names(query.get("omraden", ""))
        return f"{name} – {', '.join(names)}" if names else name
    if segments == ["malkonflikter"]:
        x, y = service.indicator(query.get("x", "")), service.indicator(query.get("y", ""))
        return f"{name} – {x.label} mot {y.label}" if x and y else name
    return name


def _overview_text(query: dict[str, str]) -> str:
    goals = [g for g in query.get("mal", "").split(",") if g.isdigit() and 1 <= int(g) <= 17]
    if len(goals) == 1:
        return f"Översikt – mål {goals[0]} {sdg_name(int(goals[0]))}"
    if goals:
        return f"Översikt – mål {', '.join(goals)}"
    return "Översikt"


def _area_names(ids: str) -> list[str]:
    """The names of the areas in a comma-separated list of ids (ids of no area left out)."""
    return [service.area_title(a) for a in ids.split(",") if a in service.AREA_ORDER]


def view_from_text(text: str, host: str | None) -> str:
    """A pasted address as a view: this dashboard's full address (same host) becomes its path;
    anything else is left for the validation to judge."""
    text = text.strip()
    lowered = text.lower()
    if host and (lowered.startswith("http://") or lowered.startswith("https://")):
        parts = urlsplit(text)
        if parts.netloc.lower() == host.lower():
            return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return text


def pasted_views(
    text: str | None, host: str | None, routes: Sequence[str]
) -> tuple[list[str], list[str]]:
    """The views in pasted text (one address per line) and the Swedish problems of the lines
    that are not views of this dashboard."""
    views: list[str] = []
    problems: list[str] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        view = view_from_text(line, host)
        problem = view_problem(view, routes)
        if problem is None:
            views.append(normalise_view(view))
        else:
            shown = line.strip() if len(line.strip()) <= 80 else line.strip()[:77] + "…"
            problems.append(f'Rad {number}: "{shown}" – förväntat {problem}.')
    return views, problems


def move_view(views: Sequence[str], index: int, offset: int) -> list[str]:
    """The views with the one at ``index`` moved ``offset`` places (kept inside the list)."""
    result = list(views)
    target = index + offset
    if not (0 <= index < len(result) and 0 <= target < len(result)):
        return result
    result[index], result[target] = result[target], result[index]
    return result


def remove_view(views: Sequence[str], index: int) -> list[str]:
    return [view for number, view in enumerate(views) if number != index]


def form_problem_text(problem: SlideshowProblem) -> str:
    """A validation problem in the form's words ("Namn", "Vy 2")."""
    field = problem.field
    if field.startswith("views, vy "):
        label = "Vy " + field.removeprefix("views, vy ")
    else:
        label = FIELD_LABELS.get(field, field)
    found = f'"{problem.value}"' if problem.value else "tomt"
    return f"{label}: {found} – förväntat {problem.expected}."


def opened_slideshow(editing: Any) -> tuple[int, int, str] | None:
    """The id, version and name of the slideshow open in the builder, from its store (``None``
    for a new slideshow, or anything else the store may be sent)."""
    if not isinstance(editing, dict):
        return None
    show_id, version, name = editing.get("id"), editing.get("version"), editing.get("name")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (show_id, version)):
        return None
    return show_id, version, name if isinstance(name, str) else ""


def editing_state(show: SlideshowRecord) -> dict[str, Any]:
    """What the builder's store keeps of the slideshow open in it."""
    return {"id": show.id, "version": show.version, "name": show.name}


def _described(view: str) -> str:
    return f"{describe_view(view)} ({view})"


def stale_differences(
    name: str | None, views: Sequence[str], stored: Mapping[str, Any]
) -> list[str]:
    """What differs between the form (``name``, ``views``) and the slideshow as stored now
    (:meth:`SlideshowRecord.stored_fields`), in Swedish: the name, the views the stored one has
    and the form lacks, and the other way round (or only their order)."""
    lines: list[str] = []
    stored_name = str(stored.get("name", ""))
    stored_views = [str(view) for view in stored.get("views") or []]
    form_name = (name or "").strip()
    if stored_name != form_name:
        lines.append(f"Namnet är nu ”{stored_name}” (i formuläret: ”{form_name}”).")
    only_stored = [view for view in stored_views if view not in views]
    only_form = [view for view in views if view not in stored_views]
    lines.extend(f"Sparad vy som saknas i din lista: {_described(v)}." for v in only_stored)
    lines.extend(f"Vy i din lista som inte är sparad: {_described(v)}." for v in only_form)
    if not only_stored and not only_form and list(views) != stored_views:
        lines.append("Vyerna är sparade i en annan ordning.")
    if not lines:
        lines.append("Namn och vyer är desamma som i din lista.")
    return lines


def _stored_when(stored: Mapping[str, Any]) -> str:
    """When (and by whom) the stored slideshow was saved, from its ISO time."""
    try:
        when = format_datetime(dt.datetime.fromisoformat(str(stored.get("updated_at"))))
    except ValueError:
        return ""
    who = stored.get("updated_by")
    return f"Senast sparat {when} av {who}." if who else f"Senast sparat {when}."


def stale_message(error: StaleSlideshowError, name: str | None, views: Sequence[str]) -> html.Div:
    """Why a save was refused: the slideshow was changed (what differs) or removed meanwhile."""
    stored = error.stored
    if stored is None:
        return html.Div(
            [
                html.P(str(error)),
                html.P("Spara igen för att spara din lista som ett nytt bildspel."),
            ],
            className="message error",
            role="alert",
        )
    return html.Div(
        [
            html.P(str(error)),
            html.P(f"{_stored_when(stored)} Det här skiljer sig från din lista:".strip()),
            html.Ul([html.Li(line) for line in stale_differences(name, views, stored)]),
            html.P(
                "Läs in det sparade bildspelet med Ändra i listan (din lista ersätts), eller "
                "välj ”Gör ett nytt bildspel av listan” och spara under ett annat namn."
            ),
        ],
        className="message error",
        role="alert",
    )


def error_message(text: str) -> html.P:
    return html.P(text, className="message error", role="alert")


def problem_list(lines: Sequence[str], heading: str) -> html.Div:
    return html.Div(
        [html.P(heading), html.Ul([html.Li(line) for line in lines])],
        className="message error",
        role="alert",
    )


def success(children: Any) -> html.P:
    return html.P(children, className="message success")


# --- components ------------------------------------------------------------------------------


def start_link(slideshow: SlideshowRecord, text: str = "Starta") -> dcc.Link:
    return dcc.Link(
        text,
        href=step_url(slideshow.views[0], slideshow.id, 1),
        className="button",
        title=f"Visa {slideshow.name} i presentationsläge",
    )


def changed_text(show: SlideshowRecord) -> str:
    """When a slideshow was last saved, and by which editor when known."""
    when = format_datetime(show.updated_at)
    return f"{when} av {show.updated_by}" if show.updated_by else when


def slideshow_actions(show: SlideshowRecord, *, editable: bool) -> html.Div:
    """Start and export; for an editor (``editable``) also change and remove."""

    def button(text: str, kind: str, label: str) -> html.Button:
        return html.Button(
            text,
            id={"type": kind, "id": show.id},
            type="button",
            className="secondary",
            **{"aria-label": label},
        )

    actions: list = [start_link(show)]
    if editable:
        actions.append(button("Ändra", "bildspel-edit", f"Ändra {show.name}"))
    actions.append(button("Exportera", "bildspel-export", f"Exportera {show.name} som fil"))
    if editable:
        actions.append(button("Ta bort", "bildspel-delete", f"Ta bort {show.name}"))
    return html.Div(actions, className="bildspel-actions")


def slideshow_table(
    slideshows: Sequence[SlideshowRecord], *, editable: bool = True
) -> html.Div | html.P:
    """The saved slideshows with their actions (changing and removing only when
    ``editable``, for a signed-in editor)."""
    if not slideshows:
        return html.P("Inga bildspel är sparade ännu.", className="note")
    rows = [
        html.Tr(
            [
                html.Th(dcc.Link(show.name, href=f"{INDEX_PATH}/{show.id}"), scope="row"),
                html.Td(str(len(show.views)), className="num"),
                html.Td(changed_text(show)),
                html.Td(slideshow_actions(show, editable=editable)),
            ]
        )
        for show in slideshows
    ]
    return html.Div(
        html.Table(
            [
                html.Caption("Sparade bildspel", className="visually-hidden"),
                html.Thead(
                    html.Tr(
                        [
                            html.Th("Namn", scope="col"),
                            html.Th("Vyer", scope="col", className="num"),
                            html.Th("Senast ändrat", scope="col"),
                            html.Th("Åtgärder", scope="col"),
                        ]
                    )
                ),
                html.Tbody(rows),
            ],
            className="data-table bildspel-table",
        ),
        className="table-scroll",
    )


def draft_list(views: Sequence[str]) -> html.Div | html.P:
    """The views of the slideshow being built, each with Upp / Ner / Ta bort."""
    if not views:
        return html.P(
            "Inga vyer ännu: lägg till vyer ovan. De visas i den här ordningen.", className="note"
        )
    items = []
    last = len(views) - 1
    for index, view in enumerate(views):
        number = index + 1
        items.append(
            html.Li(
                [
                    html.Span(
                        [
                            html.Span(describe_view(view), className="bildspel-view-label"),
                            " ",
                            html.Code(view),
                        ],
                        className="bildspel-view",
                    ),
                    html.Span(
                        [
                            html.Button(
                                "Upp",
                                id={"type": "bildspel-up", "index": index},
                                type="button",
                                className="secondary",
                                disabled=index == 0,
                                **{"aria-label": f"Flytta vy {number} upp"},
                            ),
                            html.Button(
                                "Ner",
                                id={"type": "bildspel-down", "index": index},
                                type="button",
                                className="secondary",
                                disabled=index == last,
                                **{"aria-label": f"Flytta vy {number} ner"},
                            ),
                            html.Button(
                                "Ta bort",
                                id={"type": "bildspel-remove", "index": index},
                                type="button",
                                className="secondary",
                                **{"aria-label": f"Ta bort vy {number}"},
                            ),
                        ],
                        className="bildspel-actions",
                    ),
                ]
            )
        )
    return html.Ol(items, className="bildspel-views", **{"aria-label": "Vyer i bildspelet"})


def _field(label: str, control_id: str, control: Any) -> html.Div:
    return html.Div(
        [html.Label(label, htmlFor=control_id, className="control-label"), control],
        className="control",
    )


def _builder() -> html.Section:
    municipalities = [
        {"label": service.area_title(a), "value": a} for a in service.MUNICIPALITY_IDS
    ]
    all_areas = [{"label": service.area_title(a), "value": a} for a in service.AREA_ORDER]
    indicators = sorted(service.catalogue(), key=lambda i: i.label.casefold())
    return html.Section(
        [
            html.H2("Bygg ett bildspel", id="bildspel-builder-heading"),
            html.Div(
                [
                    html.P(id=EDITING_NOTE_ID),
                    html.Button(
                        "Gör ett nytt bildspel av listan",
                        id=DETACH_ID,
                        type="button",
                        className="secondary",
                    ),
                ],
                id=EDITING_BOX_ID,
                className="bildspel-editing",
                hidden=True,
            ),
            html.Div(
                _field(
                    "Namn",
                    NAME_INPUT_ID,
                    dcc.Input(
                        id=NAME_INPUT_ID,
                        type="text",
                        maxLength=200,
                        placeholder="t.ex. Kommunstyrelsen maj",
                        debounce=False,
                    ),
                ),
                className="controls bildspel-name-control",
            ),
            html.H3("Lägg till vyer"),
            html.Div(
                [
                    html.Div(
                        [
                            html.H4("Alla kommuner för ett mål"),
                            _field(
                                "Globalt mål (SDG)",
                                SDG_ID,
                                dcc.Dropdown(
                                    id=SDG_ID,
                                    options=[
                                        {"label": f"{s.goal} {s.name}", "value": s.goal}
                                        for s in SDG_GOALS
                                    ],
                                    value=SDG_GOALS[0].goal,
                                    clearable=False,
                                    labels=dropdown_labels(),
                                ),
                            ),
                            html.Button("Lägg till översikten", id=ADD_SDG_ID, type="button"),
                        ],
                        className="bildspel-preset",
                    ),
                    html.Div(
                        [
                            html.H4("Kommunprofil"),
                            _field(
                                "Område",
                                AREA_ID,
                                dcc.Dropdown(
                                    id=AREA_ID,
                                    options=all_areas,
                                    value=service.AREA_ORDER[0],
                                    clearable=False,
                                    labels=dropdown_labels(),
                                ),
                            ),
                            html.Button("Lägg till profilen", id=ADD_AREA_ID, type="button"),
                        ],
                        className="bildspel-preset",
                    ),
                    html.Div(
                        [
                            html.H4("Indikator"),
                            _field(
                                "Indikator",
                                KPI_ID,
                                dcc.Dropdown(
                                    id=KPI_ID,
                                    options=[
                                        {"label": i.label, "value": i.kpi_id} for i in indicators
                                    ],
                                    value=indicators[0].kpi_id if indicators else None,
                                    clearable=False,
                                    labels=dropdown_labels(),
                                ),
                            ),
                            _field(
                                "Kommuner att jämföra (valfritt)",
                                KPI_AREAS_ID,
                                dcc.Dropdown(
                                    id=KPI_AREAS_ID,
                                    options=municipalities,
                                    value=[],
                                    multi=True,
                                    placeholder=DROPDOWN_PLACEHOLDER,
                                    labels=dropdown_labels(),
                                ),
                            ),
                            html.Button("Lägg till indikatorn", id=ADD_KPI_ID, type="button"),
                        ],
                        className="bildspel-preset",
                    ),
                    html.Div(
                        [
                            html.H4("Egna vyer"),
                            _field(
                                "Adresser, en per rad",
                                PASTE_ID,
                                dcc.Textarea(
                                    id=PASTE_ID,
                                    rows=4,
                                    placeholder="/kommun/2062?niva=lokal\n"
                                    "http://…/indikator/N00401?omraden=2080",
                                ),
                            ),
                            html.P(
                                "Kopiera adressen från webbläsaren när en vy ser ut som du vill, "
                                "t.ex. Jämför med dina kommuner eller ett par i Målkonflikter: "
                                "allt du har valt följer med.",
                                className="note",
                            ),
                            html.Button("Lägg till adresserna", id=ADD_PASTE_ID, type="button"),
                        ],
                        className="bildspel-preset",
                    ),
                ],
                className="controls bildspel-presets",
            ),
            html.Div(id=DRAFT_MESSAGE_ID, **{"aria-live": "polite"}),
            html.H3("Vyer i bildspelet"),
            html.Div(draft_list([]), id=DRAFT_LIST_ID),
            html.Div(
                [
                    html.Button("Spara bildspelet", id=SAVE_ID, type="button"),
                    html.Button("Töm listan", id=CLEAR_ID, type="button", className="secondary"),
                ],
                className="controls bildspel-save",
            ),
            html.Div(id=SAVE_MESSAGE_ID, **{"aria-live": "polite"}),
            html.P(
                f"Högst {MAX_VIEWS} vyer. Ett nytt bildspel behöver ett eget namn; för att ändra "
                "ett sparat bildspel väljer du Ändra i listan.",
                className="note",
            ),
        ],
        className="bildspel-section",
        **{"aria-labelledby": "bildspel-builder-heading"},
    )


def _import_section() -> html.Section:
    return html.Section(
        [
            html.H2("Importera ett bildspel", id="bildspel-import-heading"),
            html.P(
                "En bildspelsfil (.json) exporterad från den här eller en annan "
                "instrumentpanel. Finns redan ett bildspel med samma namn importeras filen inte: "
                "byt namnet i filen eller ta bort det sparade bildspelet först.",
                className="note",
            ),
            # The label names the upload's file field for assistive technology, and its
            # limit for the script that says when a file is above it.
            limited_upload_label(
                dcc.Upload(
                    html.Span(
                        ["Välj en bildspelsfil ", html.Span("(eller dra hit den)")],
                        className="upload-text",
                    ),
                    id=UPLOAD_ID,
                    accept=".json,application/json",
                    max_size=MAX_UPLOAD_BYTES,
                    multiple=False,
                    className="bildspel-upload",
                ),
                message_id=UPLOAD_LIMIT_ID,
                message=too_large_text("en bildspelsfil", MAX_UPLOAD_BYTES),
                className="bildspel-upload-label presentation-hidden",
            ),
            upload_limit_message(UPLOAD_LIMIT_ID),
            html.Div(id=IMPORT_MESSAGE_ID, **{"aria-live": "polite"}),
        ],
        className="bildspel-section",
        **{"aria-labelledby": "bildspel-import-heading"},
    )


def layout(**query: Any) -> html.Div:
    notes = read_query(query, {}).notes
    slideshows = list_slideshows(service.engine())
    editable = current_editor() is not None
    # Building, saving and importing are for editors; participants start and export.
    editing: list = (
        [
            dcc.Store(id=DRAFT_ID, data=[]),
            dcc.Store(id=EDITING_ID, data=None),
            dcc.Store(id=REMOVAL_ID, data=None),
            _builder(),
            _import_section(),
        ]
        if editable
        else [edit_notice("bygga, spara, ändra och ta bort bildspel")]
    )
    return html.Div(
        [
            html.H1("Bildspel"),
            url_notes(notes),
            html.P(
                "Ett bildspel är en sparad följd av vyer som visas i presentationsläge: stora "
                "bokstäver, dolda kontroller och diagram över hela skärmen. Stega med "
                "högerpil och vänsterpil (eller en presentationsklickare) eller med knapparna "
                "Föregående och Nästa längst ner.",
                className="intro",
            ),
            html.Section(
                [
                    html.H2("Sparade bildspel", id="bildspel-list-heading"),
                    html.Div(id=LIST_MESSAGE_ID, **{"aria-live": "polite"}),
                    html.Div(id=QUESTION_ID, **{"aria-live": "polite"}),
                    html.Div(slideshow_table(slideshows, editable=editable), id=LIST_ID),
                    dcc.Download(id=DOWNLOAD_ID),
                ],
                className="bildspel-section",
                **{"aria-labelledby": "bildspel-list-heading"},
            ),
            *editing,
        ],
        className="bildspel-page",
    )


#: A slideshow's number in its address (``/bildspel/<id>``).
SLIDESHOW_ID = Integer(1, MAX_SLIDESHOW_ID, what="Bildspelet")


def _slideshow_key(slideshow_id: Any) -> int | None:
    return read_path_id(slideshow_id, SLIDESHOW_ID)[0]


def _detail_title(slideshow_id: str | None = None, **_ignored: Any) -> str:
    key = _slideshow_key(slideshow_id)
    show = get_slideshow(service.engine(), key) if key is not None else None
    return f"{show.name} – Bildspel – {SITE}" if show else f"Bildspelet finns inte – {SITE}"


def slideshow_page(slideshow_id: str | None = None, **query: Any) -> html.Div:
    """A slideshow's own address: its views in order and a start link."""
    key, asked = read_path_id(slideshow_id, SLIDESHOW_ID)
    notes = url_notes(read_query(query, {}).notes)
    show = get_slideshow(service.engine(), key) if key is not None else None
    back = html.P(dcc.Link("← Alla bildspel", href=INDEX_PATH), className="breadcrumb")
    if show is None:
        return html.Div(
            [
                back,
                html.H1("Bildspelet finns inte"),
                html.P(
                    f"Det finns inget sparat bildspel med nummer {asked}. Det kan ha tagits bort.",
                ),
                notes,
            ],
            className="bildspel-page",
        )
    return html.Div(
        [
            back,
            html.H1(show.name),
            notes,
            html.P(
                f"{len(show.views)} vyer, senast ändrat {format_datetime(show.updated_at)}. "
                "Välj en vy för att börja där.",
            ),
            html.P(
                [
                    start_link(show, "Starta bildspelet"),
                    " ",
                    dcc.Link(
                        "Skriv ut hela bildspelet",
                        href=print_path(show.id),
                        className="button",
                        title=f"Alla vyer i {show.name} på var sin liggande A4-sida",
                    ),
                ]
            ),
            html.Ol(
                [
                    html.Li(dcc.Link(describe_view(view), href=step_url(view, show.id, number)))
                    for number, view in enumerate(show.views, start=1)
                ],
                className="bildspel-views",
            ),
        ],
        className="bildspel-page",
    )


dash.register_page(
    f"{__name__}.visning",
    path_template=f"{INDEX_PATH}/<slideshow_id>",
    title=_detail_title,
    name="Bildspel",
    layout=slideshow_page,
)


def print_path(slideshow_id: int) -> str:
    """The address where a whole slideshow prints: every view on a landscape A4 page."""
    return f"{INDEX_PATH}/{slideshow_id}/utskrift"


def slideshow_print_page(slideshow_id: str | None = None, **query: Any) -> html.Div:
    """Every view of a slideshow, in order, each in a frame the size of a landscape A4 page
    (``print-slide``: assets/print.css prints each on a page of its own). Each frame shows the
    view's own page in presentation mode, so the paper shows what the projector shows."""
    key = _slideshow_key(slideshow_id)
    notes = url_notes(read_query(query, {}).notes)
    show = get_slideshow(service.engine(), key) if key is not None else None
    if show is None:
        return slideshow_page(slideshow_id, **query)
    count = len(show.views)
    slides = [
        html.Section(
            [
                html.H2(f"Bild {number} av {count}: {describe_view(view)}"),
                html.Div(
                    html.Iframe(
                        src=print_view_url(view),
                        title=f"Bild {number}: {describe_view(view)}",
                        className="print-slide-frame",
                    ),
                    className="print-slide-scroll",
                ),
            ],
            className="print-slide",
        )
        for number, view in enumerate(show.views, start=1)
    ]
    return html.Div(
        [
            html.P(
                dcc.Link(f"← {show.name}", href=f"{INDEX_PATH}/{show.id}"),
                className="breadcrumb",
            ),
            html.H1(f"Skriv ut: {show.name}"),
            notes,
            html.Div(
                [
                    html.P(
                        f"{count} vyer, var och en på en liggande A4-sida som i "
                        "presentationsläget. Vänta tills alla vyer syns, välj sedan Skriv ut "
                        "(eller Spara som PDF) i webbläsaren.",
                    ),
                    html.Button("Skriv ut", type="button", className="print-now"),
                ],
                className="controls print-instructions",
            ),
            *slides,
        ],
        className="bildspel-page print-slides",
    )


dash.register_page(
    f"{__name__}.utskrift",
    path_template=f"{INDEX_PATH}/<slideshow_id>/utskrift",
    title=lambda slideshow_id=None, **_ignored: "Utskrift – " + _detail_title(slideshow_id),
    name="Bildspel",
    layout=slideshow_print_page,
)


# --- callbacks -------------------------------------------------------------------------------


def _clicked() -> bool:
    """Whether the callback was started by a real click (not by buttons being re-rendered)."""
    return any(trigger.get("value") for trigger in ctx.triggered)


def _request_host() -> str | None:
    try:
        return flask.request.host
    except RuntimeError:
        return None


@callback(
    Output(DRAFT_ID, "data"),
    Output(NAME_INPUT_ID, "value"),
    Output(PASTE_ID, "value"),
    Output(DRAFT_MESSAGE_ID, "children"),
    Output(EDITING_ID, "data"),
    Input(ADD_SDG_ID, "n_clicks"),
    Input(ADD_AREA_ID, "n_clicks"),
    Input(ADD_KPI_ID, "n_clicks"),
    Input(ADD_PASTE_ID, "n_clicks"),
    Input(CLEAR_ID, "n_clicks"),
    Input(DETACH_ID, "n_clicks"),
    Input({"type": "bildspel-up", "index": ALL}, "n_clicks"),
    Input({"type": "bildspel-down", "index": ALL}, "n_clicks"),
    Input({"type": "bildspel-remove", "index": ALL}, "n_clicks"),
    Input({"type": "bildspel-edit", "id": ALL}, "n_clicks"),
    State(DRAFT_ID, "data"),
    State(SDG_ID, "value"),
    State(AREA_ID, "value"),
    State(KPI_ID, "value"),
    State(KPI_AREAS_ID, "value"),
    State(PASTE_ID, "value"),
    prevent_initial_call=True,
)
def edit_draft(*args: Any) -> tuple[Any, Any, Any, Any, Any]:
    """Add, move and remove views of the slideshow being built, load a saved one to change it
    (its id and version go to the editing store) or turn the list into a new one."""
    draft, goal, area, kpi_id, kpi_areas, pasted = args[-6:]
    if not _clicked():
        raise PreventUpdate
    views = list(draft or [])
    trigger = ctx.triggered_id
    keep = dash.no_update
    if isinstance(trigger, dict):
        return _list_change(trigger, views)
    if trigger == ADD_PASTE_ID:
        new, problems = pasted_views(pasted, _request_host(), app_routes())
        message = problem_list(problems, "De här raderna lades inte till:") if problems else ""
        if not new and not problems:
            message = html.P("Klistra in minst en adress först.", className="message error")
        return views + new, keep, "" if not problems else keep, message, keep
    if trigger == CLEAR_ID:
        return [], keep, keep, "", keep
    if trigger == DETACH_ID:
        return keep, keep, keep, success(DETACHED), None
    view = _preset_view(trigger, goal, area, kpi_id, kpi_areas)
    if view is None:
        raise PreventUpdate
    return [*views, view], keep, keep, "", keep


#: What the builder says when its list is no longer tied to a saved slideshow.
DETACHED = "Listan sparas nu som ett nytt bildspel: ge det ett eget namn och spara."


def _preset_view(trigger: Any, goal: Any, area: Any, kpi_id: Any, kpi_areas: Any) -> str | None:
    """The view a preset button adds (``None``: nothing to add)."""
    if trigger == ADD_SDG_ID and goal:
        return sdg_view(goal)
    if trigger == ADD_AREA_ID and area in service.AREA_ORDER:
        return profile_view(area)
    if trigger == ADD_KPI_ID and service.indicator(kpi_id or "") is not None:
        areas = [a for a in (kpi_areas or []) if a in service.MUNICIPALITY_IDS]
        return indicator_view(kpi_id, areas)
    return None


def _list_change(trigger: dict[str, Any], views: list[str]) -> tuple[Any, Any, Any, Any, Any]:
    """A button in the list of views (Upp, Ner, Ta bort) or a saved slideshow's Ändra."""
    keep = dash.no_update
    kind = trigger.get("type")
    if kind == "bildspel-edit":
        return _open_saved(trigger.get("id"))
    index = trigger.get("index")
    if not isinstance(index, int) or isinstance(index, bool):
        raise PreventUpdate
    if kind == "bildspel-up":
        return move_view(views, index, -1), keep, keep, "", keep
    if kind == "bildspel-down":
        return move_view(views, index, 1), keep, keep, "", keep
    if kind == "bildspel-remove":
        return remove_view(views, index), keep, keep, "", keep
    raise PreventUpdate


def _open_saved(show_id: Any) -> tuple[Any, Any, Any, Any, Any]:
    """Load a saved slideshow into the builder, with its id and version for the save."""
    keep = dash.no_update
    show = _slideshow_or_none(show_id)
    if show is None:
        return keep, keep, keep, error_message("Bildspelet finns inte längre."), keep
    message = success(f"”{show.name}” är inläst nedan: ändra och spara.")
    return list(show.views), show.name, keep, message, editing_state(show)


def _slideshow_or_none(show_id: Any) -> SlideshowRecord | None:
    if not isinstance(show_id, int) or isinstance(show_id, bool):
        return None
    return get_slideshow(service.engine(), show_id)


@callback(Output(DRAFT_LIST_ID, "children"), Input(DRAFT_ID, "data"))
def show_draft(views: list[str] | None) -> Any:
    return draft_list(views or [])


@callback(
    Output(EDITING_NOTE_ID, "children"),
    Output(EDITING_BOX_ID, "hidden"),
    Input(EDITING_ID, "data"),
)
def show_editing(editing: Any) -> tuple[Any, bool]:
    """Say which saved slideshow the builder changes (nothing for a new one)."""
    opened = opened_slideshow(editing)
    if opened is None:
        return "", True
    return (
        [
            "Du ändrar det sparade bildspelet ",
            html.Strong(f"”{opened[2]}”"),
            ". Spara ersätter dess namn och vyer.",
        ],
        False,
    )


#: The outputs of :func:`change_slideshows`, in order.
_CHANGE_OUTPUTS = ("table", "save", "imported", "listed", "editing", "removal", "question")


@callback(
    Output(LIST_ID, "children"),
    Output(SAVE_MESSAGE_ID, "children"),
    Output(IMPORT_MESSAGE_ID, "children"),
    Output(LIST_MESSAGE_ID, "children"),
    Output(EDITING_ID, "data", allow_duplicate=True),
    Output(REMOVAL_ID, "data"),
    Output(QUESTION_ID, "children"),
    Input(SAVE_ID, "n_clicks"),
    Input(UPLOAD_ID, "contents"),
    Input({"type": DELETE_TYPE, "id": ALL}, "n_clicks"),
    Input({"type": CONFIRM_TYPE, "id": ALL}, "n_clicks"),
    Input({"type": CANCEL_TYPE, "id": ALL}, "n_clicks"),
    State(NAME_INPUT_ID, "value"),
    State(DRAFT_ID, "data"),
    State(UPLOAD_ID, "filename"),
    State(EDITING_ID, "data"),
    State(REMOVAL_ID, "data"),
    prevent_initial_call=True,
)
def change_slideshows(
    _save: Any,
    contents: str | None,
    _delete: Any,
    _confirm: Any,
    _cancel: Any,
    name: str | None,
    draft: list[str] | None,
    filename: str | None,
    editing: Any,
    removal: Any,
) -> tuple[Any, ...]:
    """Save the slideshow being built (new, or the one opened with Ändra at the version
    opened), import a file, or remove a saved slideshow in two steps: "Ta bort" asks and hands
    out a signed confirmation, "Ja, ta bort" brings it back. Signed-in editors only: anyone
    else is refused and nothing changes."""
    if not _clicked():
        raise PreventUpdate
    trigger = ctx.triggered_id
    kind = trigger.get("type") if isinstance(trigger, dict) else trigger
    if kind == CANCEL_TYPE:
        return _answer(None, removal=None, question="")
    editor = current_editor()
    if editor is None:
        return _refused(kind)
    engine = service.engine()
    if kind == SAVE_ID:
        message, opened = _save_form(engine, name, draft or [], editing, editor)
        return _answer(engine, save=message, editing=opened)
    if kind == UPLOAD_ID:
        return _answer(engine, imported=_import(engine, contents, filename, editor))
    if kind == DELETE_TYPE:
        return _answer(engine, **_ask_removal(engine, trigger.get("id"), editor))
    if kind == CONFIRM_TYPE:
        answer = _confirm_removal(engine, trigger.get("id"), removal, editing, editor)
        return _answer(engine, **answer)
    raise PreventUpdate


def _answer(engine: Any, **changed: Any) -> tuple[Any, ...]:
    """The outputs of :func:`change_slideshows`: the list drawn again (with ``engine``), the
    messages not named emptied, the stores and the question left as they are unless named."""
    keep = dash.no_update
    values: dict[str, Any] = {"editing": keep, "removal": keep, "question": keep}
    if engine is None:
        values.update(table=keep, save=keep, imported=keep, listed=keep)
    else:
        values.update(table=slideshow_table(list_slideshows(engine)), save="", imported="")
        values["listed"] = ""
    values.update(changed)
    return tuple(values[output] for output in _CHANGE_OUTPUTS)


def _save_form(
    engine: Any, name: str | None, draft: list[str], editing: Any, editor: str
) -> tuple[Any, Any]:
    """Save the form: a new slideshow, or the one open in the builder at the version opened.
    Returns the message and the editing store's new value."""
    opened = opened_slideshow(editing)
    try:
        show = save_slideshow(
            engine,
            name or "",
            draft,
            routes=app_routes(),
            source="Formuläret",
            updated_by=editor,
            slideshow_id=opened[0] if opened else None,
            expected_version=opened[1] if opened else None,
        )
    except InvalidSlideshowError as error:
        lines = [form_problem_text(p) for p in error.problems]
        return problem_list(lines, "Bildspelet sparades inte. Rätta det här:"), dash.no_update
    except StaleSlideshowError as error:
        # Removed meanwhile: the list is no longer tied to it (saving again creates it anew).
        kept = None if error.stored is None else dash.no_update
        return stale_message(error, name, draft), kept
    except SlideshowError as error:  # the name is in use
        return error_message(str(error)), dash.no_update
    message = success([f"”{show.name}” sparades med {len(show.views)} vyer. ", start_link(show)])
    return message, editing_state(show)


def _ask_removal(engine: Any, show_id: Any, editor: str) -> dict[str, Any]:
    """The first step of a removal: the question, and the server's signed confirmation of
    which slideshow, at which version, by whom (kept in the removal store)."""
    show = _slideshow_or_none(show_id)
    if show is None:
        message = error_message("Bildspelet finns inte längre (redan borttaget?).")
        return {"listed": message, "removal": None, "question": ""}
    token = removal_token(RECORD_SLIDESHOW, show.id, show.version, editor)
    question = html.Div(
        [
            html.P(f"Ta bort bildspelet ”{show.name}”? Det går inte att ångra."),
            html.Button(
                "Ja, ta bort",
                id={"type": CONFIRM_TYPE, "id": show.id},
                type="button",
                **{"aria-label": f"Ja, ta bort {show.name}"},
            ),
            html.Button(
                "Avbryt",
                id={"type": CANCEL_TYPE, "id": show.id},
                type="button",
                className="secondary",
            ),
        ],
        className="message bildspel-question",
        role="group",
        **{"aria-label": f"Bekräfta borttagning av {show.name}"},
    )
    return {"removal": {"id": show.id, "token": token}, "question": question}


def _confirm_removal(
    engine: Any, show_id: Any, removal: Any, editing: Any, editor: str
) -> dict[str, Any]:
    """The second step: remove the slideshow if the confirmation brought back is the server's
    for this slideshow and this editor, at the version it was asked for."""
    done: dict[str, Any] = {"removal": None, "question": ""}
    token = removal.get("token") if isinstance(removal, dict) else None
    if not isinstance(show_id, int) or isinstance(show_id, bool):
        raise PreventUpdate
    confirmed, version = confirmed_version(token, RECORD_SLIDESHOW, show_id, editor)
    if not confirmed:
        return {**done, "listed": error_message(NOT_CONFIRMED)}
    try:
        removed = delete_slideshow(engine, show_id, expected_version=version, deleted_by=editor)
    except SlideshowError as error:
        return {**done, "listed": error_message(str(error))}
    opened = opened_slideshow(editing)
    if opened is not None and opened[0] == removed.id:
        done["editing"] = None  # the builder's list is no longer tied to it
    return {**done, "listed": success(f"”{removed.name}” togs bort.")}


def _refused(kind: Any) -> tuple[Any, ...]:
    """The answer to a participant's save, import or removal: the refusal where its message
    goes, nothing changed."""
    if kind == SAVE_ID:
        refused("saving a slideshow")
        return _answer(None, save=refusal())
    if kind == UPLOAD_ID:
        refused("importing a slideshow")
        return _answer(None, imported=refusal())
    if kind in (DELETE_TYPE, CONFIRM_TYPE):
        refused("removing a slideshow")
        return _answer(None, listed=refusal())
    raise PreventUpdate


def _import(engine, contents: str | None, filename: str | None, editor: str) -> Any:
    name = upload_name(filename, "")
    source = f"Filen {name}" if name else "Bildspelsfilen"
    try:
        _, encoded = (contents or "").split(",", 1)
        data = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        return html.P(f"{source} kunde inte läsas.", className="message error", role="alert")
    try:
        show = import_slideshow(engine, data, routes=app_routes(), source=source, updated_by=editor)
    except InvalidSlideshowError as error:
        return problem_list(
            [str(p) for p in error.problems], "Bildspelet importerades inte. Rätta filen:"
        )
    except SlideshowError as error:  # the name is in use
        return error_message(f"Bildspelet importerades inte. {error}")
    return success([f"”{show.name}” importerades med {len(show.views)} vyer. ", start_link(show)])


@callback(
    Output(DOWNLOAD_ID, "data"),
    Input({"type": "bildspel-export", "id": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def export_file(_clicks: Any) -> dict[str, Any]:
    """Send the chosen slideshow as a JSON file."""
    if not _clicked() or not isinstance(ctx.triggered_id, dict):
        raise PreventUpdate
    show = get_slideshow(service.engine(), int(ctx.triggered_id["id"]))
    if show is None:
        raise PreventUpdate
    return dcc.send_bytes(export_slideshow(show), filename=f"bildspel-{_file_stem(show.name)}.json")


def _file_stem(name: str) -> str:
    """A safe file name part: letters (å, ä, ö kept), digits and dashes."""
    stem = "".join(ch.lower() if ch.isalnum() else "-" for ch in name)
    stem = "-".join(part for part in stem.split("-") if part)
    return stem[:60] or "bildspel"
