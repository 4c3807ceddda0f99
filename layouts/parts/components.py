"""Shared pieces of every page: banners, source credit, status badges, tables, URL sync."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence

import pandas as pd
from dash import Input, Output, clientside_callback, dcc, html

from data.queries import DataStatus
from indicators.formatting import format_date
from indicators.progress import DEFAULT_THRESHOLD_SET, THRESHOLD_SETS
from indicators.vocabulary import (
    LEVEL_LABELS,
    NO_DIRECTION,
    STATUS_ORDER,
    STATUS_STYLE,
    THIRD_STYLE,
    Status,
)
from layouts.parts.url_state import Choice

KOLADA_CREDIT = "Källa: Kolada"
DEMO_TEXT = "Värdena är genererade exempel, inte Koladas statistik."
#: The longest uploaded file name a message shows.
MAX_UPLOAD_NAME = 80

#: The threshold sets by their short names ("Statistics Canada (Open SDG)", "Eurostat").
METHOD_NAMES: dict[str, str] = {
    name: t.label_sv.split(":")[0] for name, t in THRESHOLD_SETS.items()
}
#: The ``metod`` parameter (the threshold set) of every page that offers the choice.
METHOD_PARAM = Choice(
    tuple(THRESHOLD_SETS), DEFAULT_THRESHOLD_SET.name, what="Metoden", labels=METHOD_NAMES
)


def level_param(levels, default: str | None) -> Choice:
    """A ``niva`` parameter: one of ``levels`` (goal levels or the trend)."""
    return Choice(tuple(levels), default, what="Målnivån", labels=LEVEL_LABELS)


def demo_banner(status: DataStatus) -> html.Div | None:
    """An unmissable banner while the database holds the bundled demo data."""
    if not status.is_demo:
        return None
    return html.Div(
        [
            html.Strong("Demodata. "),
            DEMO_TEXT,
            " Den som sköter servern byter till Koladas värden; ",
            dcc.Link("se Om data", href="/om#uppdatering"),
            ".",
        ],
        className="demo-banner",
        role="alert",
        id="demo-banner",
    )


def source_credit(status: DataStatus, source_name: str | None = None) -> html.P:
    """ "Källa: Kolada" with the refresh date, or the demo notice; for values of another
    source (``source_name``, an own indicator's) "Källa: <that source>"."""
    if source_name and source_name != KOLADA_CREDIT.removeprefix("Källa: "):
        return html.P(f"Källa: {source_name}.", className="source-credit")
    if status.is_demo:
        text = "Demodata (genererade värden, inte från Kolada)."
    elif status.last_success is not None:
        text = f"{KOLADA_CREDIT}. Hämtat {format_date(status.last_success)}."
    else:
        text = f"{KOLADA_CREDIT}."
    return html.P(text, className="source-credit")


def status_badge(
    status: Status | str, *, title: str | None = None, compact: bool = False, id=None
) -> html.Span:
    """A status shown with icon + text (never colour alone); ``title`` is the tooltip."""
    style = STATUS_STYLE[Status(status)]
    label = style.label_sv
    children = [html.Span(style.icon, className="status-icon", **{"aria-hidden": "true"})]
    if compact:
        children.append(html.Span(label, className="visually-hidden"))
    else:
        children.append(html.Span(label, className="status-label"))
    kwargs = {"id": id} if id is not None else {}
    return html.Span(
        children,
        className="status-badge" + (" compact" if compact else ""),
        title=title or label,
        style={"backgroundColor": style.colour, "color": style.text_colour},
        **kwargs,
    )


def status_legend() -> html.Ul:
    """The statuses with icon, colour and label."""
    return html.Ul(
        [html.Li(status_badge(s)) for s in STATUS_ORDER],
        className="status-legend",
        **{"aria-label": "Förklaring av statusar"},
    )


def third_badge(third: str | None, label: str) -> html.Span:
    """Relative position (Kolada-style third) with icon + text, in its own palette."""
    style = THIRD_STYLE.get(third or "", THIRD_STYLE[NO_DIRECTION])
    return html.Span(
        [html.Span(style.icon, **{"aria-hidden": "true"}), " ", label],
        className="third-badge",
        style={"backgroundColor": style.colour, "color": style.text_colour},
    )


def dropdown_labels(search: str = "Sök", no_match: str = "Inget matchar") -> dict[str, str]:
    """Swedish texts for a ``dcc.Dropdown``'s ``labels``.

    No count beside the chosen names in a multi-select: Dash reads the count before the names,
    so a visible count makes the accessible name differ from the visible text (WCAG 2.5.3).
    """
    return {
        "select_all": "Markera alla",
        "deselect_all": "Avmarkera alla",
        "selected_count": "",
        "search": search,
        "clear_search": "Rensa sökningen",
        "clear_selection": "Rensa valet",
        "no_options_found": no_match,
    }


#: What an empty dropdown says when its page gives nothing better.
DROPDOWN_PLACEHOLDER = "Välj …"


def dropdown(
    component_id,
    options: Sequence,
    value=None,
    *,
    search: str = "Sök",
    no_match: str = "Inget matchar",
    placeholder: str = DROPDOWN_PLACEHOLDER,
    **kwargs,
) -> dcc.Dropdown:
    """A ``dcc.Dropdown`` whose every text is Swedish: its placeholder, and the texts Dash
    writes itself (``labels``: the search field, "Markera alla", "Avmarkera alla", the
    clear buttons, the no-match line; :func:`dropdown_labels`). Every page's dropdown is made
    here; other ``dcc.Dropdown`` keywords pass through."""
    kwargs.setdefault("labels", dropdown_labels(search, no_match))
    return dcc.Dropdown(
        id=component_id, options=list(options), value=value, placeholder=placeholder, **kwargs
    )


def municipality_picker(
    component_id: str,
    options: Sequence[dict],
    value: Sequence[str],
    *,
    placeholder: str = "Välj kommuner …",
    labels: dict[str, str] | None = None,
    class_name: str = "control",
) -> html.Div:
    """A labelled multi-select of municipalities, with the note that Region Dalarna and Riket
    are always shown beside them."""
    return html.Div(
        [
            html.Label("Kommuner", htmlFor=component_id, className="control-label"),
            dropdown(
                component_id,
                options,
                list(value),
                multi=True,
                placeholder=placeholder,
                labels=labels or dropdown_labels("Sök kommun", "Ingen kommun matchar"),
            ),
            html.Span("Region Dalarna och Riket visas alltid som jämförelse.", className="note"),
        ],
        className=class_name,
    )


Column = tuple[str, str, Callable[[object], str] | None]  # (field, header, formatter)


def data_table(
    frame: pd.DataFrame, columns: Sequence[Column], *, caption: str, id=None, max_rows=None
) -> html.Table:
    """An accessible HTML table (caption, header cells with scope) – the table alternative
    to a chart."""
    header = html.Thead(html.Tr([html.Th(label, scope="col") for _, label, _ in columns]))
    rows = []
    records = frame.to_dict("records")
    if max_rows is not None:
        records = records[:max_rows]
    for record in records:
        cells = []
        for field, _, formatter in columns:
            value = record.get(field)
            cells.append(html.Td(formatter(value) if formatter else _plain(value)))
        rows.append(html.Tr(cells))
    kwargs = {"id": id} if id is not None else {}
    return html.Table(
        [html.Caption(caption), header, html.Tbody(rows)], className="data-table", **kwargs
    )


def _plain(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    return str(value)


def sync_url(store_id: str, params: Sequence[tuple[str, str]]) -> None:
    """Mirror controls in the address bar so that reload, back and shared links restore a view.

    ``params`` pairs a component id (its ``value``) with a query parameter name. Lists are
    joined with commas (an empty list as an empty parameter); empty values are left out; other
    parameters in the address (e.g. ``visa=presentation``) are kept. The first sync after
    arriving on a page replaces the history entry, later ones push a new one.
    """
    names = json.dumps([name for _, name in params])
    store = json.dumps(store_id)
    clientside_callback(
        f"""
        function() {{
            const names = {names};
            const query = new URLSearchParams();
            for (let i = 0; i < names.length; i++) {{
                const v = arguments[i];
                if (v === null || v === undefined || v === '') continue;
                if (Array.isArray(v)) {{
                    // An emptied list is kept as "name=" so that a reload keeps it empty.
                    query.set(names[i], v.join(','));
                }} else {{
                    query.set(names[i], String(v));
                }}
            }}
            // Parameters that belong to the whole app (e.g. presentation mode) survive.
            const current = new URLSearchParams(window.location.search);
            for (const [name, value] of current.entries()) {{
                if (!names.includes(name) && !query.has(name)) query.set(name, value);
            }}
            const text = query.toString();
            const search = text ? '?' + text : '';
            const synced = window.__urlSync || (window.__urlSync = {{}});
            if (search !== window.location.search) {{
                const url = window.location.pathname + search;
                // The first sync after arriving on a page completes its address; later
                // changes are steps the back button can return to.
                if (synced[{store}] !== window.location.pathname) {{
                    window.history.replaceState(window.history.state, '', url);
                }} else {{
                    window.history.pushState(window.history.state, '', url);
                }}
            }}
            synced[{store}] = window.location.pathname;
            return search;
        }}
        """,
        Output(store_id, "data"),
        [Input(component_id, "value") for component_id, _ in params],
    )


def url_store(store_id: str) -> dcc.Store:
    return dcc.Store(id=store_id)


def method_control(
    control_id: str, value: str, *, legend: str = "Bedömningsmetod", inline: bool = True
) -> html.Fieldset:
    """The choice of threshold set (the progress method), named by its short label with the full
    name as the option's title."""
    return html.Fieldset(
        [
            html.Legend(legend, className="control-label"),
            dcc.RadioItems(
                id=control_id,
                options=[
                    {
                        "label": html.Span(METHOD_NAMES[name], title=t.label_sv),
                        "value": name,
                    }
                    for name, t in THRESHOLD_SETS.items()
                ],
                value=value,
                inline=inline,
            ),
        ],
        className="control",
    )


def not_found_page(
    heading: str, text: str, *, link_text: str, href: str, link_id: str, class_name: str
) -> html.Div:
    """A clear page for an address whose id the dashboard does not know, with a way back."""
    return html.Div(
        [
            html.H1(heading),
            html.P(text),
            html.P(dcc.Link(link_text, href=href, id=link_id)),
        ],
        className=class_name,
    )


def upload_name(filename: object, default: str) -> str:
    """An uploaded file's name as messages show it – text only, never a path on this server:
    the last part of any path the browser sent, without control characters, at most
    :data:`MAX_UPLOAD_NAME` characters (``default`` when nothing is left)."""
    text = filename if isinstance(filename, str) else ""
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C")).strip()
    if text in ("", ".", ".."):
        return default
    return text if len(text) <= MAX_UPLOAD_NAME else text[: MAX_UPLOAD_NAME - 1] + "…"
