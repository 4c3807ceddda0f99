""" "Varför?": the facts behind a status, opened from the status itself by click, tap, Enter or
Space – never only in a hover tooltip.

Every status badge that stands for an assessed cell is a native disclosure: a ``<details>``
whose ``<summary>`` is the badge (icon and text, and a visible or hidden "Varför?") and whose
panel says, in plain words, what the status means, what its arrow means for this indicator,
the pace needed against the pace seen, and the numbers – goal, target, base and latest value
with their years, required and observed annual change, method – from
:func:`indicators.status_facts.status_facts` (:func:`why_body` lays them out; Översikt's panel
below its matrix uses the same body). ``assets/why.js`` keeps one panel open at a time, closes it
with Escape or its "Stäng" button and gives the focus back to the badge; ``assets/why.css``
shows the open panel as a sheet at the bottom of the window (a card at the bottom right on a
wide screen), so that it is never cut off by a scrolling table.

For the lists drawn as one block of markup (an area's indicator list), :func:`why_markup` gives
the same disclosure as JSX for ``dcc.Markdown``.
"""

from __future__ import annotations

from dash import dcc, html

from indicators.status_facts import StatusFacts
from indicators.vocabulary import STATUS_STYLE
from layouts.parts.components import status_badge
from layouts.parts.jsx import to_jsx

WHY_CLASS = "why"
SUMMARY_CLASS = "why-summary"
PANEL_CLASS = "why-panel"
CLOSE_CLASS = "why-close"
CUE = "Varför?"

Link = tuple[str, str]  # (text, href)


def why_body(facts: StatusFacts, *, link: Link | None = None, badge: bool = True) -> list:
    """The facts as the panel shows them: the status with icon and text (as a badge, or with
    ``badge=False`` the icon alone where the badge that opened the panel shows it) and its
    meaning, what its arrow means here, the pace in one sentence, the numbers as a definition
    list and, when given, a link onwards."""
    terms: list = []
    for term, description in facts.facts:
        terms += [html.Dt(term), html.Dd(description)]
    meaning = html.Span(facts.meaning, className="why-meaning")
    if badge:
        status = [status_badge(facts.status), " ", meaning]
    else:
        icon = STATUS_STYLE[facts.status].icon
        status = [html.Span(f"{icon} ", className="why-icon", **{"aria-hidden": "true"}), meaning]
    body: list = [html.P(status, className="why-status")]
    if facts.arrow:
        body.append(html.P(facts.arrow, className="why-arrow"))
    body += [
        html.P(facts.pace, className="why-pace"),
        html.Dl(terms, className="why-facts"),
    ]
    if link is not None:
        text, href = link
        body.append(html.P(dcc.Link(text, href=href), className="why-link"))
    return body


def why_details(
    facts: StatusFacts,
    *,
    title: str,
    compact: bool = False,
    cue: bool = True,
    link: Link | None = None,
) -> html.Details:
    """A status badge that opens its facts: ``title`` names the cell ("Mora – Utsläpp,
    nationellt mål"); ``compact`` shows the icon alone (the status then as hidden text);
    "Varför?" shows beside the badge unless ``compact`` or not ``cue`` (then it is hidden
    text, read with the badge)."""
    cue_class = "why-cue visually-hidden" if compact or not cue else "why-cue"
    summary = html.Summary(
        [status_badge(facts.status, compact=compact), html.Span(f" {CUE}", className=cue_class)],
        className=SUMMARY_CLASS,
    )
    panel = html.Div(
        [
            html.Button("Stäng", type="button", className=CLOSE_CLASS),
            html.P([html.Strong(f"{CUE} "), title], className="why-title"),
            *why_body(facts, link=link, badge=False),
        ],
        className=PANEL_CLASS,
        role="group",
        **{"aria-label": f"{CUE} {title}"},
    )
    return html.Details([summary, panel], className=WHY_CLASS + (" compact" if compact else ""))


def why_markup(
    facts: StatusFacts,
    *,
    title: str,
    compact: bool = False,
    cue: bool = True,
    link: Link | None = None,
) -> str:
    """:func:`why_details` as JSX for a list drawn by ``dcc.Markdown`` (text escaped)."""
    return to_jsx(why_details(facts, title=title, compact=compact, cue=cue, link=link))
