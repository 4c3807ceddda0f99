"""Qualitative assessments beside the numbers: the list of an area's notes on an indicator or a
global goal, and a small form to add one; and an area's overview of all its notes
(:func:`notes_overview`, read only, each note linking to what it concerns).

A page includes ``notes_section(area_id, kpi_id=..., section_id=...)``; every id inside derives
from ``section_id``, so one page can hold several sections. The callbacks here serve every
section (pattern-matching on ``section``). User text is shown as plain text only: Dash escapes
strings, and no markup is ever built from it.

Removing a note takes two clicks of its button, confirmed on the server: the first answers with
a signed confirmation (:func:`layouts.parts.confirmation.removal_token`, naming the note, the
version shown and the editor), which the section's ``notes-pending`` store keeps while the
question is shown; the second removes the note only when that confirmation holds, and only at
the version confirmed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from data.assessments import AssessmentRecord, StaleAssessmentError, UnknownAssessmentError
from indicators import service
from indicators.assessments import (
    JUDGEMENTS,
    MAX_AUTHOR_LENGTH,
    MAX_TEXT_LENGTH,
    AssessmentProblem,
    InvalidAssessmentError,
    add_assessment,
    count_assessments,
    delete_assessment,
    get_assessment,
    list_assessments,
)
from indicators.formatting import format_date, format_number
from indicators.sdg import sdg_name
from layouts.parts.confirmation import NOT_CONFIRMED, confirmed_version, removal_token
from layouts.parts.editor import current_editor, edit_notice, refusal, refused

log = logging.getLogger(__name__)

#: Judgement → (icon, Swedish label).
JUDGEMENT_STYLE: dict[str, tuple[str, str]] = {
    "bättre": ("↗", "Bättre"),
    "oförändrad": ("→", "Oförändrad"),
    "sämre": ("↘", "Sämre"),
}
NO_JUDGEMENT = ""
SAVE_TEXT = "Spara bedömning"
#: The kind of record a removal confirmation names.
REMOVAL_KIND = "assessment"


def _id(kind: str, section_id: Any, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "section": section_id, **extra}


def subject_label(kpi_id: str | None, sdg_goal: int | None) -> str:
    """What an assessment concerns: "Utsläpp av växthusgaser" (the indicator's label) or
    "Mål 13: Bekämpa klimatförändringarna"."""
    if kpi_id is not None:
        indicator = service.indicator(kpi_id)
        return indicator.label if indicator is not None else kpi_id
    if sdg_goal is not None:
        try:
            return f"Mål {sdg_goal}: {sdg_name(sdg_goal)}"
        except ValueError:
            return f"Mål {sdg_goal}"
    return "–"


def subject_title(area_id: str, kpi_id: str | None, sdg_goal: int | None) -> str:
    """ "Mora – Utsläpp av växthusgaser" or "Mora – Mål 13: Bekämpa klimatförändringarna"."""
    return f"{service.area_title(area_id)} – {subject_label(kpi_id, sdg_goal)}"


def judgement_badge(judgement: str | None) -> html.Span | None:
    """A judgement as icon + text, e.g. "↗ Bättre" (``None`` when there is none)."""
    if judgement not in JUDGEMENT_STYLE:
        return None
    icon, label = JUDGEMENT_STYLE[judgement]
    return html.Span(
        [html.Span(icon, className="judgement-icon", **{"aria-hidden": "true"}), " ", label],
        className=f"judgement judgement-{label.lower()}",
    )


def saved_by(record: AssessmentRecord) -> html.Span | None:
    """Which editor stored the assessment ("sparad av anna.berg"), when known."""
    if not record.created_by:
        return None
    return html.Span(f"sparad av {record.created_by}", className="note-editor")


def note_item(
    record: AssessmentRecord, section_id: str, *, pending: bool = False, editable: bool = True
) -> html.Li:
    """One assessment: date, judgement, the text (plain), author, the editor who saved it and,
    for an editor (``editable``), a remove button."""
    header = [html.Time(format_date(record.assessed_on), dateTime=record.assessed_on.isoformat())]
    badge = judgement_badge(record.judgement)
    if badge is not None:
        header.append(badge)
    if record.author:
        header.append(html.Span(record.author, className="note-author"))
    editor = saved_by(record)
    if editor is not None:
        header.append(editor)
    children: list = [
        html.Div(header, className="note-header"),
        html.P(record.text, className="note-text"),
    ]
    if editable:
        children.append(
            html.Button(
                "Bekräfta: ta bort" if pending else "Ta bort",
                id=_id("notes-delete", section_id, note=record.id),
                n_clicks=0,
                type="button",
                className="secondary note-delete presentation-hidden"
                + (" pending" if pending else ""),
                title=f"Ta bort bedömningen från {format_date(record.assessed_on)}",
            )
        )
    return html.Li(children, className="qualitative-note")


#: The most assessments a list shows: the newest; all of them go with the downloads.
NOTES_LIMIT = 50


def more_notes(shown: int, total: int | None) -> html.P:
    """The line under a list cut at :data:`NOTES_LIMIT`: how many there are, where the rest
    are."""
    of = f" av {format_number(total, 0)}" if total is not None else ""
    return html.P(
        f"Visar de {shown} senaste{of} bedömningarna. Alla följer med när du laddar ner "
        "värdena (Ladda ner CSV).",
        className="note list-limit-note",
    )


def _limited(items: html.Ol, shown: int, total: int | None, given: int) -> html.Ol | html.Div:
    if given <= NOTES_LIMIT and (total is None or total <= shown):
        return items
    return html.Div([items, more_notes(shown, total)])


def notes_list(
    records: list[AssessmentRecord],
    section_id: str,
    *,
    pending: int | None = None,
    editable: bool = True,
    total: int | None = None,
) -> html.Ol | html.Div | html.P:
    """The section's assessments, newest first (the first :data:`NOTES_LIMIT`, and a line
    with ``total`` when there are more), or a line saying there are none yet; with remove
    buttons when ``editable`` (a signed-in editor)."""
    if not records:
        return html.P("Inga bedömningar ännu.", className="note")
    shown = records[:NOTES_LIMIT]
    items = html.Ol(
        [note_item(r, section_id, pending=r.id == pending, editable=editable) for r in shown],
        className="qualitative-notes",
        reversed=True,
    )
    return _limited(items, len(shown), total, len(records))


def overview_item(record: AssessmentRecord, href: str | None) -> html.Li:
    """One assessment in an area's overview: date, judgement, what it concerns (a link to where
    it is written when ``href`` is given), author and the text (plain)."""
    label = subject_label(record.kpi_id, record.sdg_goal)
    subject = (
        dcc.Link(label, href=href, className="note-subject")
        if href
        else html.Span(label, className="note-subject")
    )
    header: list = [
        html.Time(format_date(record.assessed_on), dateTime=record.assessed_on.isoformat())
    ]
    badge = judgement_badge(record.judgement)
    if badge is not None:
        header.append(badge)
    header.append(subject)
    if record.author:
        header.append(html.Span(record.author, className="note-author"))
    return html.Li(
        [html.Div(header, className="note-header"), html.P(record.text, className="note-text")],
        className="qualitative-note",
        **{"data-note": str(record.id)},
    )


def notes_overview(
    records: Sequence[AssessmentRecord],
    href: Callable[[AssessmentRecord], str | None],
    *,
    empty_text: str = "Inga bedömningar ännu.",
    total: int | None = None,
) -> html.Ol | html.Div | html.P:
    """Assessments on several indicators and goals (as :func:`list_assessments` gives them,
    newest first), each naming and linking what it concerns; ``href`` gives the link of each.
    Read only: an assessment is changed where it is written. Plain components only, so no
    user text can become markup."""
    if not records:
        return html.P(empty_text, className="note")
    shown = records[:NOTES_LIMIT]
    items = html.Ol(
        [overview_item(record, href(record)) for record in shown],
        className="qualitative-notes notes-overview",
        reversed=True,
    )
    return _limited(items, len(shown), total, len(records))


def newest_notes(
    area_id: str, kpi_id: str | None = None, sdg_goal: int | None = None
) -> tuple[list[AssessmentRecord], int]:
    """The newest assessments (at most one more than :data:`NOTES_LIMIT`, so a list knows it
    is cut) and how many there are."""
    engine = service.engine()
    records = list_assessments(
        engine, area_id=area_id, kpi_id=kpi_id, sdg_goal=sdg_goal, limit=NOTES_LIMIT + 1
    )
    if len(records) <= NOTES_LIMIT:
        return records, len(records)
    return records, count_assessments(engine, area_id=area_id, kpi_id=kpi_id, sdg_goal=sdg_goal)


def subject_notes(subject: dict[str, Any], section_id: str, **kwargs: Any):
    """:func:`notes_list` of a section's subject (the newest, and how many there are)."""
    records, total = newest_notes(
        subject["area_id"], subject.get("kpi_id"), subject.get("sdg_goal")
    )
    return notes_list(records, section_id, total=total, **kwargs)


def _subject(subject: dict[str, Any] | None) -> dict[str, Any]:
    if not isinstance(subject, dict) or "area_id" not in subject or "section_id" not in subject:
        raise PreventUpdate
    return subject


def problem_list(problems: list[AssessmentProblem]) -> html.Div:
    """The validation problems as a list the screen reader announces."""
    return html.Div(
        [
            html.P("Bedömningen sparades inte. Rätta följande:", className="form-error-title"),
            html.Ul([html.Li(str(problem)) for problem in problems]),
        ],
        className="form-errors",
        role="alert",
    )


def _field(label: str, control, hint: str | None = None) -> html.Label:
    children = [html.Span(label, className="control-label"), control]
    if hint:
        children.append(html.Span(hint, className="note"))
    return html.Label(children, className="control")


def note_form(section_id: str) -> html.Details:
    """The editor's form to write an assessment, folded away."""
    today = dt.date.today().isoformat()
    return html.Details(
        [
            html.Summary("Skriv en bedömning"),
            html.Div(
                [
                    html.Div(
                        [
                            _field(
                                "Datum",
                                dcc.Input(
                                    id=_id("notes-date", section_id),
                                    type="text",
                                    value=today,
                                    placeholder="ÅÅÅÅ-MM-DD",
                                    maxLength=10,
                                    size="12",
                                ),
                                "ÅÅÅÅ-MM-DD, inte senare än i dag",
                            ),
                            _field(
                                "Författare (frivilligt)",
                                dcc.Input(
                                    id=_id("notes-author", section_id),
                                    type="text",
                                    value="",
                                    maxLength=MAX_AUTHOR_LENGTH,
                                ),
                            ),
                        ],
                        className="note-form-row",
                    ),
                    html.Fieldset(
                        [
                            html.Legend("Bedömning", className="control-label"),
                            dcc.RadioItems(
                                id=_id("notes-judgement", section_id),
                                options=[{"label": "Ingen bedömning", "value": NO_JUDGEMENT}]
                                + [
                                    {
                                        "label": f"{JUDGEMENT_STYLE[j][0]} {JUDGEMENT_STYLE[j][1]}",
                                        "value": j,
                                    }
                                    for j in JUDGEMENTS
                                ],
                                value=NO_JUDGEMENT,
                                inline=True,
                            ),
                        ],
                        className="control",
                    ),
                    _field(
                        "Text",
                        dcc.Textarea(
                            id=_id("notes-text", section_id),
                            value="",
                            maxLength=MAX_TEXT_LENGTH,
                            rows=4,
                            className="note-textarea",
                        ),
                        f"Högst {MAX_TEXT_LENGTH} tecken. Visas som vanlig text.",
                    ),
                    html.Button(
                        SAVE_TEXT,
                        id=_id("notes-save", section_id),
                        n_clicks=0,
                        type="button",
                    ),
                    html.Div(
                        id=_id("notes-message", section_id),
                        className="form-message",
                        **{"aria-live": "polite"},
                    ),
                ],
                className="note-form",
            ),
        ],
        className="note-form-details presentation-hidden",
    )


def notes_section(
    area_id: str,
    *,
    kpi_id: str | None = None,
    sdg_goal: int | None = None,
    section_id: str,
    heading_level: int = 2,
) -> html.Section:
    """The qualitative assessments of ``area_id`` on one indicator or global goal, with a form
    to add one. ``section_id`` must be unique on the page; ``heading_level`` (2–4) sets the
    heading element so the section fits the page's outline."""
    heading_id = f"{section_id}-heading"
    heading_tag = {2: html.H2, 3: html.H3, 4: html.H4}.get(heading_level, html.H2)
    subject = {
        "area_id": area_id,
        "kpi_id": kpi_id,
        "sdg_goal": sdg_goal,
        "section_id": section_id,
    }
    records, total = newest_notes(area_id, kpi_id, sdg_goal)
    editable = current_editor() is not None
    form: list = (
        [note_form(section_id)]
        if editable
        else [
            edit_notice("skriva och ta bort bedömningar"),
            html.Div(id=_id("notes-message", section_id), **{"aria-live": "polite"}),
        ]
    )
    return html.Section(
        [
            heading_tag(
                f"Kvalitativa bedömningar: {subject_title(area_id, kpi_id, sdg_goal)}",
                id=heading_id,
            ),
            dcc.Store(id=_id("notes-subject", section_id), data=subject),
            dcc.Store(id=_id("notes-pending", section_id), data=None),
            html.Div(
                notes_list(records, section_id, editable=editable, total=total),
                id=_id("notes-list", section_id),
            ),
            *form,
        ],
        className="qualitative-section",
        id=section_id,
        **{"aria-labelledby": heading_id},
    )


def save_note(
    subject: dict[str, Any],
    assessed_on: str | None,
    judgement: str | None,
    text: str | None,
    author: str | None,
    created_by: str | None = None,
) -> tuple[AssessmentRecord | None, list[AssessmentProblem]]:
    """Store an assessment from the form's values (``created_by``: the signed-in editor); the
    record, or the problems found."""
    try:
        record = add_assessment(
            service.engine(),
            area_id=subject.get("area_id", ""),
            kpi_id=subject.get("kpi_id"),
            sdg_goal=subject.get("sdg_goal"),
            assessed_on=(assessed_on or "").strip(),
            text=text or "",
            judgement=judgement or None,
            author=author or "",
            created_by=created_by,
        )
    except InvalidAssessmentError as error:
        return None, error.problems
    return record, []


@callback(
    Output(_id("notes-list", MATCH), "children"),
    Output(_id("notes-message", MATCH), "children"),
    Output(_id("notes-text", MATCH), "value"),
    Input(_id("notes-save", MATCH), "n_clicks"),
    State(_id("notes-subject", MATCH), "data"),
    State(_id("notes-date", MATCH), "value"),
    State(_id("notes-judgement", MATCH), "value"),
    State(_id("notes-text", MATCH), "value"),
    State(_id("notes-author", MATCH), "value"),
    prevent_initial_call=True,
)
def save_assessment(n_clicks, subject, assessed_on, judgement, text, author):
    """Save the form as an assessment and show the refreshed list, or say what to fix. Only a
    signed-in editor may; anyone else is refused and nothing is stored."""
    if not n_clicks:
        raise PreventUpdate
    subject = _subject(subject)
    editor = current_editor()
    if editor is None:
        refused("saving an assessment")
        return no_update, refusal(), no_update
    record, problems = save_note(subject, assessed_on, judgement, text, author, editor)
    if record is None:
        return no_update, problem_list(problems), no_update
    message = html.P(
        f"Bedömningen från {format_date(record.assessed_on)} har sparats.",
        className="form-success",
        role="status",
    )
    return subject_notes(subject, subject["section_id"]), message, ""


def _belongs(record: AssessmentRecord | None, subject: dict[str, Any]) -> bool:
    """Whether ``record`` is one of the section's notes (a request may name any id)."""
    return record is not None and (record.area_id, record.kpi_id, record.sdg_goal) == (
        subject["area_id"],
        subject.get("kpi_id"),
        subject.get("sdg_goal"),
    )


def _error(message: str) -> html.Div:
    return html.Div(
        html.P(message, className="form-error-title"), className="form-errors", role="alert"
    )


def ask_removal(subject: dict[str, Any], record: AssessmentRecord, editor: str):
    """The first click: the list with the note's button asking to confirm, the question, and
    the signed confirmation for the pending store (the note's id and version as shown now)."""
    token = removal_token(REMOVAL_KIND, record.id, record.version, editor)
    message = html.P(
        f"Klicka på ”Bekräfta: ta bort” för att ta bort bedömningen från "
        f"{format_date(record.assessed_on)}.",
        role="status",
    )
    listing = subject_notes(subject, subject["section_id"], pending=record.id)
    return listing, message, {"note": record.id, "token": token}


def confirm_removal(subject: dict[str, Any], record: AssessmentRecord, editor: str, token: Any):
    """The second click: remove the note if ``token`` confirms it for this editor, at the
    version confirmed; otherwise say why nothing was removed."""
    section_id = subject["section_id"]
    confirmed, version = confirmed_version(token, REMOVAL_KIND, record.id, editor)
    if not confirmed:
        return subject_notes(subject, section_id), _error(NOT_CONFIRMED), None
    try:
        delete_assessment(service.engine(), record.id, expected_version=version, deleted_by=editor)
    except StaleAssessmentError as error:
        return subject_notes(subject, section_id), _error(str(error)), None
    except UnknownAssessmentError as error:
        return subject_notes(subject, section_id), html.P(str(error)), None
    message = html.P(
        f"Bedömningen från {format_date(record.assessed_on)} har tagits bort.",
        className="form-success",
        role="status",
    )
    return subject_notes(subject, section_id), message, None


@callback(
    Output(_id("notes-list", MATCH), "children", allow_duplicate=True),
    Output(_id("notes-message", MATCH), "children", allow_duplicate=True),
    Output(_id("notes-pending", MATCH), "data"),
    Input(_id("notes-delete", MATCH, note=ALL), "n_clicks"),
    State(_id("notes-subject", MATCH), "data"),
    State(_id("notes-pending", MATCH), "data"),
    prevent_initial_call=True,
)
def remove_assessment(clicks, subject, pending):
    """Remove an assessment on the second click of its button (the first asks to confirm and
    hands out the confirmation the second must bring back)."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks or []):
        raise PreventUpdate
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        raise PreventUpdate
    subject = _subject(subject)
    editor = current_editor()
    if editor is None:
        refused("removing an assessment")
        return no_update, refusal(), None
    note_id = trigger.get("note")
    if not isinstance(note_id, int) or isinstance(note_id, bool):
        raise PreventUpdate
    record = get_assessment(service.engine(), note_id)
    if record is None or not _belongs(record, subject):
        return subject_notes(subject, subject["section_id"]), no_update, None
    if isinstance(pending, dict) and pending.get("note") == note_id:
        return confirm_removal(subject, record, editor, pending.get("token"))
    return ask_removal(subject, record, editor)
