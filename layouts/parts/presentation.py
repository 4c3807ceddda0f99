"""Presentation mode and running slideshows, for every page, from the shell.

Presentation mode is the query parameter ``visa=presentation`` on any page, or the toggle in the
header; it sets the class ``presentation`` on the shell root (``assets/presentation.css`` hides
the controls, intros and help texts, enlarges the type and turns the demo notice into a small tag
in the header's corner; ``assets/presentation.js`` fits the charts to the screen and keeps
``visa`` in the address bar while pages rewrite their own query parameters).

On a projector's or a computer's screen each page's main view – the overview's matrix, the
indicator's chart, a profile's SDG tiles, Jämför's panels, Målkonflikter's scatter with its
correlation, Mål's goal list – lies whole on the first screen: the script measures where the
view starts and keeps the height left above the slideshow bar in ``--presentation-view-height``,
which the style sheet sizes the view from (the matrix's and the tiles' type follow it, so that
they fit). The overview's column labels lie flat; with more indicators than can be named over
their columns, the goals' numbers head them and the names stay in the table's text. What
follows the main view stays below it, reachable by scrolling. A slide is an address, so a view
added to a slideshow keeps everything its page keeps in the address.

A running slideshow adds ``bildspel=<id>&steg=<n>`` (1-based) to the view's own query string.
The slideshow bar shows "Bild n av m" with Föregående / Nästa / Avsluta; the arrow keys and
PageUp / PageDown (as presentation clickers send) press those buttons.

The bar is drawn in the browser: ``assets/presentation.js`` reads ``bildspel`` and ``steg`` from
the address (as :func:`running_step`), builds the neighbouring steps' addresses (as
:func:`step_url`) and the position (as :func:`show_state`); these Python functions are the
reference the browser tests compare it with. The server is asked only for a slideshow's content
(:func:`load_slideshow`: id, name, views), once when a show starts or another one does: the
browser writes the running show's id into a store only when it changes, so stepping within a
show and navigating with no show running cost the server nothing.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dash
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html

from data.slideshows import (
    MAX_SLIDESHOW_ID,
    SlideshowRecord,
    get_slideshow,
    route_matches,
    strip_presentation_params,
)
from indicators import service
from layouts.parts.routes import is_not_found_page

log = logging.getLogger(__name__)

MODE_PARAM = "visa"
MODE_VALUE = "presentation"
SLIDESHOW_PARAM = "bildspel"
STEP_PARAM = "steg"

#: Dash Pages' own ``dcc.Location`` (see ``dash.dash._ID_LOCATION``).
PAGES_LOCATION = "_pages_location"

SHELL_ID = "shell"
TOGGLE_ID = "presentation-toggle"
#: The id of the slideshow whose content was asked for last (written in the browser only when
#: the running show changes; the server's :func:`load_slideshow` listens to it).
RUNNING_ID = "bildspel-running"
#: ``True`` while no slideshow runs (a show starting again then asks for its content anew).
IDLE_ID = "bildspel-idle"
#: The running slideshow's content, ``{"id", "name", "views"}`` (:func:`slideshow_content`).
CONTENT_ID = "bildspel-content"
BAR_ID = "bildspel-bar"
NAME_ID = "bildspel-name"
POSITION_ID = "bildspel-position"
PREVIOUS_ID = "bildspel-prev"
NEXT_ID = "bildspel-next"
EXIT_ID = "bildspel-exit"

TOGGLE_ON_TEXT = "Presentationsläge"
TOGGLE_OFF_TEXT = "Avsluta presentation"


# --- pure functions --------------------------------------------------------------------------


def step_url(view: str, slideshow_id: int, step: int) -> str:
    """The address of step ``step`` (1-based) of a slideshow showing ``view``: the view's own
    path and query with ``visa=presentation&bildspel=<id>&steg=<n>`` appended."""
    parts = urlsplit(view)
    query = strip_presentation_params(parts.query)
    extra = f"{MODE_PARAM}={MODE_VALUE}&{SLIDESHOW_PARAM}={slideshow_id}&{STEP_PARAM}={step}"
    return f"{parts.path or '/'}?{query + '&' if query else ''}{extra}"


def print_view_url(view: str) -> str:
    """The address a slideshow's view prints from: the view's own path and query in
    presentation mode, without the slideshow bar (``visa=presentation`` only)."""
    parts = urlsplit(view)
    query = strip_presentation_params(parts.query)
    extra = f"{MODE_PARAM}={MODE_VALUE}"
    return f"{parts.path or '/'}?{query + '&' if query else ''}{extra}"


def position_text(step: int, count: int) -> str:
    return f"Bild {step} av {count}"


def running_step(search: str | None) -> tuple[int, int] | None:
    """(slideshow id, step) from a query string with ``bildspel`` and ``steg``, else None
    (``runningStep`` in ``assets/presentation.js`` reads the address the same way)."""
    params = parse_qs((search or "").removeprefix("?"))
    slideshow = params.get(SLIDESHOW_PARAM, [""])[-1]
    step = params.get(STEP_PARAM, [""])[-1]
    if not (slideshow.isascii() and slideshow.isdigit() and step.isascii() and step.isdigit()):
        return None
    return int(slideshow), int(step)


def show_state(slideshow: SlideshowRecord | None, step: int) -> dict[str, Any] | None:
    """What the slideshow bar shows at ``step``: position, name and the neighbouring steps'
    addresses; None when there is no such slideshow or step (``showState`` in
    ``assets/presentation.js`` computes the same from :func:`slideshow_content`)."""
    if slideshow is None or not 1 <= step <= len(slideshow.views):
        return None
    count = len(slideshow.views)

    def url(number: int) -> str | None:
        if not 1 <= number <= count:
            return None
        return step_url(slideshow.views[number - 1], slideshow.id, number)

    return {
        "id": slideshow.id,
        "name": slideshow.name,
        "step": step,
        "count": count,
        "position": position_text(step, count),
        "previous": url(step - 1),
        "next": url(step + 1),
    }


def slideshow_content(slideshow: SlideshowRecord | None) -> dict[str, Any] | None:
    """What the browser needs of a slideshow to run it: id, name and views (JSON-ready)."""
    if slideshow is None:
        return None
    return {"id": slideshow.id, "name": slideshow.name, "views": list(slideshow.views)}


def is_slideshow_id(value: object) -> bool:
    """Whether ``value`` (from the browser's store) can be a stored slideshow's id."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_SLIDESHOW_ID


def app_routes() -> tuple[str, ...]:
    """Every registered page's path or path template (what a slideshow view may show), but the
    not-found page's."""
    routes = []
    for page in dash.page_registry.values():
        if not is_not_found_page(page):
            routes.append(page.get("path_template") or page["path"])
    return tuple(routes)


def page_name(path: str) -> str | None:
    """The name of the page serving ``path``, or None."""
    for page in dash.page_registry.values():
        if route_matches(path, page.get("path_template") or page["path"]):
            return str(page.get("name") or page["path"])
    return None


# --- shell parts -----------------------------------------------------------------------------


def presentation_toggle() -> html.Button:
    """The header's toggle between normal and presentation mode."""
    return html.Button(
        TOGGLE_ON_TEXT,
        id=TOGGLE_ID,
        type="button",
        className="presentation-toggle",
        title="Stora bokstäver, dolda kontroller och diagram över hela skärmen (visa=presentation)",
        **{"aria-pressed": "false"},
    )


def slideshow_bar() -> html.Div:
    """The bar of a running slideshow (hidden until ``bildspel`` and ``steg`` are in the
    address): position, Föregående / Nästa and Avsluta."""
    return html.Div(
        [
            # No data=None: a memory store given None finds its (empty) memory unequal to it
            # when it mounts and sets its data again, which would ask the server for a
            # slideshow on every page load.
            dcc.Store(id=RUNNING_ID),
            dcc.Store(id=IDLE_ID, data=True),
            dcc.Store(id=CONTENT_ID),
            html.Span(id=NAME_ID, className="bildspel-name"),
            html.Span(
                id=POSITION_ID,
                className="bildspel-position",
                **{"aria-live": "polite", "aria-atomic": "true"},
            ),
            html.Div(
                [
                    html.Button(
                        [html.Span("◀", **{"aria-hidden": "true"}), " Föregående"],
                        id=PREVIOUS_ID,
                        type="button",
                        title="Föregående bild (vänsterpil eller Page Up)",
                    ),
                    html.Button(
                        ["Nästa ", html.Span("▶", **{"aria-hidden": "true"})],
                        id=NEXT_ID,
                        type="button",
                        title="Nästa bild (högerpil eller Page Down)",
                    ),
                    html.Button(
                        "Avsluta",
                        id=EXIT_ID,
                        type="button",
                        className="secondary",
                        title="Avsluta bildspelet och presentationsläget",
                    ),
                ],
                className="bildspel-buttons",
            ),
        ],
        id=BAR_ID,
        className="bildspel-bar",
        hidden=True,
        role="region",
        **{"aria-label": "Bildspel"},
    )


# --- callbacks -------------------------------------------------------------------------------


# Which slideshow runs (from the address): its id goes to the store only when it changes.
clientside_callback(
    ClientsideFunction(namespace="presentation", function_name="follow"),
    Output(RUNNING_ID, "data"),
    Output(IDLE_ID, "data"),
    Input(PAGES_LOCATION, "search"),
    Input(TOGGLE_ID, "n_clicks"),
    Input(EXIT_ID, "n_clicks"),
    State(RUNNING_ID, "data"),
    State(IDLE_ID, "data"),
)


@callback(
    Output(CONTENT_ID, "data"),
    Input(RUNNING_ID, "data"),
    State(PAGES_LOCATION, "search"),
    prevent_initial_call=True,
)
def load_slideshow(slideshow_id: Any, search: Any) -> dict[str, Any] | None:
    """The content of the slideshow that started running (``None`` for an unknown id); the
    address is read only to name the step in the log."""
    show = get_slideshow(service.engine(), slideshow_id) if is_slideshow_id(slideshow_id) else None
    if show is None:
        running = running_step(search if isinstance(search, str) else None)
        log.info("No slideshow %s with a step %s", slideshow_id, running[1] if running else None)
    return slideshow_content(show)


clientside_callback(
    ClientsideFunction(namespace="presentation", function_name="mode"),
    Output(SHELL_ID, "className"),
    Output(TOGGLE_ID, "children"),
    Output(TOGGLE_ID, "aria-pressed"),
    Output(BAR_ID, "hidden"),
    Output(NAME_ID, "children"),
    Output(POSITION_ID, "children"),
    Output(PREVIOUS_ID, "disabled"),
    Output(NEXT_ID, "disabled"),
    Input(PAGES_LOCATION, "search"),
    Input(TOGGLE_ID, "n_clicks"),
    Input(EXIT_ID, "n_clicks"),
    Input(CONTENT_ID, "data"),
)

clientside_callback(
    ClientsideFunction(namespace="presentation", function_name="step"),
    Output(PAGES_LOCATION, "href", allow_duplicate=True),
    Input(PREVIOUS_ID, "n_clicks"),
    Input(NEXT_ID, "n_clicks"),
    State(CONTENT_ID, "data"),
    prevent_initial_call=True,
)
