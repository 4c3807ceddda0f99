"""A chart's table alternative, built when it is opened.

Each chart has a "Visa som tabell" disclosure (``<details>``) holding the same numbers as an
accessible table. Few readers open it, so its body is only filled when they do: the body starts
with a short placeholder, the ``<details>`` reports its ``open`` property to the server when the
reader opens or closes it (``assets/table-alternative.js``: Dash's Details does not itself), and
the page's callbacks build the table when ``open`` is true – the callback that redraws the chart
too, while the table stays open. It is a native disclosure: opened by a click, a tap, or Enter
or Space on its summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import html

#: The disclosure's summary (the browser tests look it up by this text).
SUMMARY = "Visa som tabell"
PENDING_TEXT = "Hämtar tabellen …"
CLASS_NAME = "table-alternative"


def pending() -> html.P:
    """The body until the table has arrived."""
    return html.P(PENDING_TEXT, className="note table-pending")


def table_alternative(
    details_id: Any,
    body_id: Any,
    body: Any = None,
    *,
    is_open: bool = False,
    body_class: str | None = None,
) -> html.Details:
    """The disclosure: closed with the placeholder, or open with ``body`` (a page that keeps a
    table open when it redraws its charts)."""
    shown = body if is_open and body is not None else pending()
    return html.Details(
        [html.Summary(SUMMARY), html.Div(shown, id=body_id, className=body_class)],
        id=details_id,
        open=is_open,
        className=CLASS_NAME,
    )


def body_when_open(is_open: Any, build: Callable[[], Any]) -> Any:
    """A redrawn chart's table body: the table while the disclosure is open, else the
    placeholder (so that opening it later never shows an earlier selection's numbers)."""
    return build() if is_open else pending()


def table_when_opened(is_open: Any, build: Callable[[], Any]) -> Any:
    """The body when the reader opens the disclosure; nothing changes when it is closed."""
    if not is_open:
        raise dash.exceptions.PreventUpdate
    return build()
