"""Mål: every goal at its level (lokal, regional, nationell, global) with wording and source;
a form to add, change and remove the municipalities' own goals, checked with the same rules
and messages as the goal CSV import; import and export of the goal CSV; the change log; and
the qualitative assessments of a chosen area.

Filters live in the address bar: ``niva`` (levels) and ``omraden`` (area ids); ``omrade``
chooses the area of a new goal in the form, as the link "Lägg till eget mål" on a
municipality's page sets it (``/mal?omrade=2080#nytt-mal``).

A goal against its indicator's desired direction is saved only after the editor answers the
question about it with "Spara ändå" (:func:`save_goal_anyway`); the server checks the answer
(:func:`layouts.parts.mal_form.save_form`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import dash
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from data.goals import ORIGIN_USER, GoalRecord
from indicators import service
from indicators.assessments import list_assessments
from indicators.goal_csv import COLUMNS, MAX_GOAL_FILE_BYTES, MAX_GOAL_ROWS
from indicators.goal_validation import (
    MAX_NOTE_LENGTH,
    MAX_SHOWN_PROBLEMS,
    MAX_SOURCE_DOCUMENT_LENGTH,
    MAX_SOURCE_URL_LENGTH,
    MAX_WORDING_LENGTH,
    operator_hint,
    problem_lines,
)
from indicators.goals import get_goal, goal_changes, list_goals
from indicators.sdg import SDG_GOALS
from indicators.vocabulary import (
    AT_LEAST,
    AT_MOST,
    DIRECTIONS,
    DOWN,
    GOAL_LEVELS,
    KINDS,
    LEVELS,
    OPERATORS,
    UP,
    USER_LEVELS,
)
from layouts.parts.components import dropdown_labels, sync_url, url_store
from layouts.parts.confirmation import NOT_CONFIRMED, confirmed_version, removal_token
from layouts.parts.download import download_panel, selection_store
from layouts.parts.editor import current_editor, edit_notice, refusal, refused
from layouts.parts.mal_form import (
    FORM_FIELDS,
    KIND_FIELDS,
    KIND_SPECIFIC,
    FormOutcome,
    area_options,
    chosen_ids,
    contributes_to_options,
    default_goal_id,
    form_values,
    goals_csv,
    import_upload,
    indicator_defaults,
    remove_from_form,
    save_form,
    text_value,
    user_goal_options,
)
from layouts.parts.mal_goals import (
    FIELD_LABELS,
    GOAL_FORM_ANCHOR,
    GOAL_LIST_PARAMS,
    PAGE_NEXT,
    PAGE_PREVIOUS,
    PAGE_RANGE,
    PAGE_STORE,
    PAGE_TABLE,
    change_log,
    filter_goals,
    goal_list,
    goal_page,
    selection_record,
)
from layouts.parts.notes import notes_section
from layouts.parts.upload_limit import limited_upload_label, too_large_text, upload_limit_message
from layouts.parts.url_state import Choice, read_query, url_notes

log = logging.getLogger(__name__)

dash.register_page(
    __name__,
    path="/mal",
    title="Mål – Hållbarhetsuppföljning Dalarna",
    name="Mål",
    order=5,
)

PAGE = "mal"
#: The kind of record a removal confirmation of this page names.
GOAL = "goal"
#: Where the page says that a chosen goal file is above the upload limit.
UPLOAD_LIMIT_ID = "mal-upload-limit"
CHANGE_LOG_LIMIT = 50

#: The goal form's kind options: the kind explained, then its code ("… (absolute)").
KIND_CHOICES: dict[str, str] = {key: f"{kind.choice} ({key})" for key, kind in KINDS.items()}

#: Swedish texts of the dropdowns' own controls.
DROPDOWN_LABELS = dropdown_labels()

#: The anchor of the goal form, where "Lägg till eget mål" leads.
FORM_ANCHOR = GOAL_FORM_ANCHOR
#: The page's parameters: the goal list's filters and the area of a new goal in the form.
PAGE_PARAMS = {
    **GOAL_LIST_PARAMS,
    "omrade": Choice(
        lambda _values: [option["value"] for option in area_options()],
        None,
        what="Området för ett nytt mål",
        labels=service.area_title,
    ),
}


# --------------------------------------------------------------------------- layout pieces


def _error_box(name: str) -> html.Div:
    return html.Div(id=f"mal-error-{name}", className="field-errors", **{"aria-live": "polite"})


def _field(name: str, control, hint: str | None = None, *, column: str | None = None):
    """A labelled form field with its hint and error box; wrapped so it can be hidden."""
    column = column if column is not None else name
    label_children: list = [FIELD_LABELS[name]]
    if column:
        label_children.append(html.Span(f" ({column})", className="column-name"))
    children: list = [
        html.Label(label_children, htmlFor=f"mal-form-{name}", className="control-label"),
        control,
    ]
    if hint:
        children.append(html.Span(hint, className="note"))
    children.append(_error_box(name))
    return html.Div(children, className="control form-field", id=f"mal-field-{name}")


def _group(name: str, control, hint: str | None = None) -> html.Fieldset:
    legend = [FIELD_LABELS[name], html.Span(f" ({name})", className="column-name")]
    children: list = [html.Legend(legend, className="control-label"), control]
    if hint:
        children.append(html.Span(hint, className="note"))
    children.append(_error_box(name))
    return html.Fieldset(children, className="control form-field", id=f"mal-field-{name}")


def _input(name: str, **kwargs) -> dcc.Input:
    return dcc.Input(id=f"mal-form-{name}", type="text", value="", **kwargs)


def _operator_choice(key: str) -> str:
    """An operator as a form option: "högst (≤, lägre är bättre)"."""
    operator = OPERATORS[key]
    return f"{operator.word} ({operator.sign}, {DIRECTIONS[operator.direction].better})"


def field_styles(kind: str | None) -> dict[str, dict[str, str]]:
    """Show the fields the kind uses and hide the other kind-specific ones."""
    used = KIND_FIELDS.get(kind or "", ())
    return {name: {} if name in used else {"display": "none"} for name in KIND_SPECIFIC}


def contributes_to_field(values: Mapping[str, Any]) -> html.Div:
    """Målkedjan: the higher goals (same indicator or global goal) the goal contributes to."""
    chosen = chosen_ids(values.get("contributes_to"))
    options = contributes_to_options(
        service.goals(), values.get("kpi_id"), values.get("level"), chosen
    )
    label = ["Bidrar till högre mål", html.Span(" (contributes_to)", className="column-name")]
    return html.Div(
        [
            html.Label(label, htmlFor="mal-form-contributes_to", className="control-label"),
            dcc.Dropdown(
                id="mal-form-contributes_to",
                labels=DROPDOWN_LABELS,
                options=options,
                value=chosen,
                multi=True,
                placeholder="Välj högre mål …",
            ),
            html.Span(
                "Frivilligt: mål på högre nivå för samma indikator eller samma globala mål som "
                "det här målet bidrar till; de visas på sidan Målkedjan.",
                className="note",
            ),
            _error_box("contributes_to"),
        ],
        className="control form-field",
        id="mal-field-contributes_to",
    )


def goal_form(values: Mapping[str, Any]) -> html.Div:
    indicators = [
        {"label": f"{i.label} ({i.kpi_id})", "value": i.kpi_id} for i in service.catalogue()
    ]
    styles = field_styles(values.get("kind"))

    def styled(component, name):
        component.style = styles.get(name, {})
        return component

    return html.Div(
        [
            html.Div(
                [
                    _group(
                        "level",
                        dcc.RadioItems(
                            id="mal-form-level",
                            options=[
                                {"label": LEVELS[level].choice, "value": level}
                                for level in USER_LEVELS
                            ],
                            value=values.get("level"),
                        ),
                    ),
                    _field(
                        "area",
                        dcc.Dropdown(
                            id="mal-form-area",
                            labels=DROPDOWN_LABELS,
                            options=area_options(),
                            value=values.get("area"),
                            placeholder="Välj kommun …",
                        ),
                        "Ett lokalt mål gäller en kommun; ett regionalt länet (och kommunerna).",
                        column="areas",
                    ),
                    _field(
                        "kpi_id",
                        dcc.Dropdown(
                            id="mal-form-kpi_id",
                            labels=DROPDOWN_LABELS,
                            options=indicators,
                            value=values.get("kpi_id"),
                            placeholder="Välj indikator …",
                        ),
                    ),
                ],
                className="form-row",
            ),
            _group(
                "kind",
                dcc.RadioItems(
                    id="mal-form-kind",
                    options=[{"label": label, "value": k} for k, label in KIND_CHOICES.items()],
                    value=values.get("kind"),
                ),
            ),
            html.Div(
                [
                    styled(
                        _group(
                            "operator",
                            html.Div(
                                [
                                    dcc.RadioItems(
                                        id="mal-form-operator",
                                        options=[
                                            {"label": _operator_choice(key), "value": key}
                                            for key in (AT_MOST, AT_LEAST)
                                        ],
                                        value=values.get("operator"),
                                        inline=True,
                                    ),
                                    html.Span(
                                        operator_hint(None),
                                        id="mal-form-operator-hint",
                                        className="note",
                                    ),
                                ]
                            ),
                        ),
                        "operator",
                    ),
                    styled(
                        _field(
                            "target_value",
                            _input("target_value", inputMode="decimal", size="12"),
                            "Decimalkomma går bra, t.ex. 1,5.",
                        ),
                        "target_value",
                    ),
                    styled(
                        _field(
                            "relative_change",
                            _input("relative_change", inputMode="decimal", size="8"),
                            "I procent: −70 betyder en minskning med 70 % (sparas som −0.70).",
                        ),
                        "relative_change",
                    ),
                    styled(
                        _field("band_low", _input("band_low", inputMode="decimal", size="10")),
                        "band_low",
                    ),
                    styled(
                        _field("band_high", _input("band_high", inputMode="decimal", size="10")),
                        "band_high",
                    ),
                    styled(
                        _group(
                            "direction",
                            dcc.RadioItems(
                                id="mal-form-direction",
                                options=[
                                    {"label": DIRECTIONS[key].change, "value": key}
                                    for key in (UP, DOWN)
                                ],
                                value=values.get("direction"),
                                inline=True,
                            ),
                        ),
                        "direction",
                    ),
                    styled(
                        _field("base_year", _input("base_year", inputMode="numeric", size="6")),
                        "base_year",
                    ),
                    _field("target_year", _input("target_year", inputMode="numeric", size="6")),
                ],
                className="form-row",
            ),
            _field(
                "wording_sv",
                dcc.Textarea(
                    id="mal-form-wording_sv",
                    value="",
                    rows=3,
                    className="wide",
                    maxLength=MAX_WORDING_LENGTH,
                ),
                "Målet som det står i beslutet.",
            ),
            # Målkedjan: the higher goals this goal contributes to.
            contributes_to_field(values),
            html.Div(
                [
                    _field(
                        "source_document",
                        _input(
                            "source_document",
                            className="wide",
                            maxLength=MAX_SOURCE_DOCUMENT_LENGTH,
                        ),
                    ),
                    _field(
                        "source_url",
                        _input(
                            "source_url",
                            placeholder="https://",
                            className="wide",
                            maxLength=MAX_SOURCE_URL_LENGTH,
                        ),
                        "Beslutet eller dokumentet där målet står.",
                    ),
                    _field(
                        "secondary_source_url",
                        _input(
                            "secondary_source_url",
                            placeholder="https://",
                            className="wide",
                            maxLength=MAX_SOURCE_URL_LENGTH,
                        ),
                        "Frivilligt: en annan källa, t.ex. en nyhet om beslutet.",
                    ),
                    _field("adopted_year", _input("adopted_year", inputMode="numeric", size="6")),
                ],
                className="form-row",
            ),
            html.Div(
                [
                    _field(
                        "id",
                        _input("id", className="wide"),
                        "Lämna tomt för ett id av kommun, indikator och målår.",
                    ),
                    html.Div(
                        [
                            html.Label(
                                "Anteckning till ändringsloggen",
                                htmlFor="mal-form-note",
                                className="control-label",
                            ),
                            dcc.Input(
                                id="mal-form-note",
                                type="text",
                                value="",
                                className="wide",
                                maxLength=MAX_NOTE_LENGTH,
                            ),
                        ],
                        className="control form-field",
                    ),
                ],
                className="form-row",
            ),
        ],
        className="goal-form-fields",
    )


def _form_outputs_of(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: values.get(name) for name in FORM_FIELDS}


def notes_subject_options() -> list[dict[str, str]]:
    indicators = [
        {"label": f"{i.label} ({i.kpi_id})", "value": f"kpi:{i.kpi_id}"}
        for i in service.catalogue()
    ]
    goals = [{"label": f"Mål {s.goal}: {s.name}", "value": f"sdg:{s.goal}"} for s in SDG_GOALS]
    return indicators + goals


def parse_subject(value: str | None) -> tuple[str | None, int | None]:
    """``"kpi:N00401"`` → (``"N00401"``, None); ``"sdg:13"`` → (None, 13)."""
    kind, _, rest = (value or "").partition(":")
    if kind == "kpi" and service.indicator(rest) is not None:
        return rest, None
    if kind == "sdg" and rest.isdigit() and 1 <= int(rest) <= len(SDG_GOALS):
        return None, int(rest)
    first = service.catalogue()[0].kpi_id
    return first, None


def default_subject(engine, area_id: str, goals: Sequence[GoalRecord]) -> str:
    """The subject to show first: that of the area's newest assessment, else the indicator of
    the first listed goal for the area, else the first catalogue indicator."""
    notes = list_assessments(engine, area_id=area_id, limit=1)
    if notes:
        newest = notes[0]
        return f"kpi:{newest.kpi_id}" if newest.kpi_id else f"sdg:{newest.sdg_goal}"
    for goal in goals:
        if goal.applies_to(area_id) and service.indicator(goal.kpi_id) is not None:
            return f"kpi:{goal.kpi_id}"
    return f"kpi:{service.catalogue()[0].kpi_id}"


def mal_notes(area_id: str, subject: str | None):
    kpi_id, sdg_goal = parse_subject(subject)
    return notes_section(
        area_id, kpi_id=kpi_id, sdg_goal=sdg_goal, section_id="mal-notes", heading_level=3
    )


def direction_question_box() -> html.Div:
    """The question asked before a goal against its indicator's desired direction is saved:
    the reason, "Spara ändå" and "Ändra målet" (hidden until the server asks)."""
    return html.Div(
        [
            html.P(id="mal-question-text", className="form-error-title"),
            html.P("Målet sparas bara om du svarar Spara ändå.", className="note"),
            html.Div(
                [
                    html.Button("Spara ändå", id="mal-question-save", n_clicks=0, type="button"),
                    html.Button(
                        "Ändra målet",
                        id="mal-question-cancel",
                        n_clicks=0,
                        type="button",
                        className="secondary",
                    ),
                ],
                className="form-actions",
            ),
            # The reason the server asked about; "Spara ändå" sends it back.
            dcc.Store(id="mal-question-asked", data=None),
        ],
        id="mal-question",
        className="form-question",
        role="alert",
        hidden=True,
    )


def goal_form_controls(engine, values: Mapping[str, Any] | None = None) -> list:
    """The editor's controls: the goal to change, the form (with ``values``, else empty),
    save and remove."""
    return [
        html.Div(
            [
                html.Div(
                    [
                        html.Label(
                            "Ändra ett eget mål", htmlFor="mal-edit", className="control-label"
                        ),
                        dcc.Dropdown(
                            id="mal-edit",
                            labels=DROPDOWN_LABELS,
                            options=user_goal_options(engine),
                            value=None,
                            placeholder="Välj ett eget mål att ändra …",
                        ),
                    ],
                    className="control control-edit",
                ),
                html.Button(
                    "Nytt mål (töm formuläret)",
                    id="mal-form-new",
                    n_clicks=0,
                    type="button",
                    className="secondary",
                ),
            ],
            className="controls",
        ),
        html.P("Nytt eget mål", id="mal-form-mode", className="form-mode"),
        goal_form(values if values is not None else form_values(None)),
        html.Div(
            [
                html.Button("Spara målet", id="mal-form-save", n_clicks=0, type="button"),
                html.Button(
                    "Ta bort målet …",
                    id="mal-form-remove",
                    n_clicks=0,
                    type="button",
                    className="secondary",
                    disabled=True,
                ),
                html.Button(
                    "Ladda om målet (visa det som är sparat nu)",
                    id="mal-form-reload",
                    n_clicks=0,
                    type="button",
                    className="secondary",
                    hidden=True,
                ),
            ],
            className="form-actions",
        ),
        direction_question_box(),
        # The version of the goal the form was opened with, sent with every save and removal.
        dcc.Store(id="mal-form-version", data=None),
        # The server's signed confirmation of a removal asked for (layouts/parts/confirmation).
        dcc.Store(id="mal-remove-token", data=None),
        dcc.ConfirmDialog(id="mal-remove-confirm", message=""),
        html.Div(id="mal-form-message", className="form-message", role="status"),
    ]


def goal_form_section(engine, editor: str | None, area: str | None = None) -> html.Section:
    """Adding, changing and removing own goals (a new goal for ``area`` when given); a
    participant (``editor`` ``None``) is told how to sign in instead."""
    controls = (
        goal_form_controls(engine, form_values(None, area=area))
        if editor is not None
        else [edit_notice("lägga till, ändra och ta bort egna mål")]
    )
    return html.Section(
        [
            html.H2("Egna mål: lägg till, ändra eller ta bort", id="mal-form-heading"),
            html.P(
                "Kommunernas och regionens egna mål läggs till här (nivå lokal eller "
                "regional) och kontrolleras med samma regler som vid import av en "
                "målfil. Katalogmålen – globala, nationella och de regionala och lokala "
                "mål som hör till målkatalogen – kommer ur sina källor och kan inte "
                "ändras här: katalogen läses in på nytt vid varje start, så en ändring "
                "skulle ändå försvinna. Vill du följa upp en annan tolkning, lägg till "
                "ett eget mål med ett eget id."
            ),
            html.P(
                "Jämförelsen (högst eller minst) förväljs efter indikatorns önskade riktning. "
                "Ett mål som går emot den – till exempel högst ett värde för en indikator som "
                "är bättre ju högre den är, eller minst ett värde som redan är passerat – "
                "sparas först när du har bekräftat det.",
                className="note",
            ),
            *controls,
        ],
        id=FORM_ANCHOR,
        className="goal-form presentation-hidden",
        **{"aria-labelledby": "mal-form-heading"},
    )


def add_goal_link(editor: str | None) -> html.P:
    """ "Lägg till eget mål" at the top of the page, to the form; a participant is told that
    it takes signing in."""
    children: list = [
        html.A("Lägg till eget mål", href=f"#{FORM_ANCHOR}", className="add-goal-link")
    ]
    if editor is None:
        children.append(" (kräver inloggning som redaktör)")
    return html.P(children, className="add-goal presentation-hidden", id="mal-add-goal")


def goal_import_controls() -> list:
    """The editor's import of a goal CSV: the note for the change log and the upload."""
    return [
        html.Div(
            [
                html.Label(
                    "Anteckning till ändringsloggen vid import",
                    htmlFor="mal-import-note",
                    className="control-label",
                ),
                dcc.Input(
                    id="mal-import-note",
                    type="text",
                    value="",
                    className="wide",
                    maxLength=MAX_NOTE_LENGTH,
                ),
            ],
            className="control form-field",
        ),
        limited_upload_label(
            dcc.Upload(
                html.Div(["Importera målfil (CSV): dra filen hit eller välj en fil"]),
                id="mal-upload",
                # Excel's "Unicode-text" is a tab-separated .txt file: read as well.
                accept=".csv,text/csv,.txt,text/plain,.tsv,text/tab-separated-values",
                max_size=MAX_GOAL_FILE_BYTES,
                multiple=False,
                className="goal-upload",
            ),
            message_id=UPLOAD_LIMIT_ID,
            message=too_large_text(
                "en målfil", MAX_GOAL_FILE_BYTES, f" och innehålla högst {MAX_GOAL_ROWS} mål"
            ),
            className="goal-upload-label",
        ),
        upload_limit_message(UPLOAD_LIMIT_ID),
        html.Div(id="mal-import-message", className="form-message", role="status"),
    ]


def goal_csv_section(editor: str | None) -> html.Section:
    """Import (editors only) and export of the goal CSV."""
    importing = goal_import_controls() if editor is not None else [edit_notice("importera mål")]
    return html.Section(
        [
            html.H2("Importera och exportera mål (CSV)", id="mal-csv-heading"),
            html.P(
                "En målfil har en rad per mål med kolumnerna "
                + ", ".join(COLUMNS)
                + ". Hela filen kontrolleras först: har någon rad ett fel sparas "
                "ingenting, och varje fel visas med rad och fält. Mål med samma id "
                "som ett eget mål ersätter det; katalogmål kan inte ändras."
            ),
            *importing,
            html.Div(
                [
                    html.Button(
                        "Ladda ner egna mål (CSV)", id="mal-export-own", n_clicks=0, type="button"
                    ),
                    html.Button(
                        "Ladda ner alla mål (CSV)",
                        id="mal-export-all",
                        n_clicks=0,
                        type="button",
                        className="secondary",
                    ),
                    dcc.Download(id="mal-download-own"),
                    dcc.Download(id="mal-download-all"),
                ],
                className="download",
            ),
        ],
        className="presentation-hidden",
        **{"aria-labelledby": "mal-csv-heading"},
    )


def layout(**query) -> html.Div:
    engine = service.engine()
    editor = current_editor()
    state = read_query(query, PAGE_PARAMS)
    levels, areas = list(state["niva"]), list(state["omraden"])
    form_area = state["omrade"]
    shown = filter_goals(service.goals(), levels, areas)
    notes_area = areas[0] if areas else service.MUNICIPALITY_IDS[0]
    first_subject = default_subject(engine, notes_area, shown)
    area_filter_options = [{"label": service.area_title(a), "value": a} for a in service.AREA_ORDER]
    return html.Div(
        [
            url_store("mal-url"),
            selection_store(PAGE, selection_record(shown, levels, areas)),
            html.H1("Mål"),
            html.P(
                "Målen som indikatorerna följs upp mot, på fyra nivåer: lokala (kommunernas "
                "egna), regionala (Region Dalarnas och länets), nationella (riksdagens och "
                "regeringens, och EU:s mål för medlemsländerna) och globala (FN:s Agenda 2030 "
                "och andra internationella åtaganden). Varje mål visas med lydelse och källa."
            ),
            add_goal_link(editor),
            url_notes(state.notes),
            html.Div(
                [
                    html.Fieldset(
                        [
                            html.Legend("Nivå", className="control-label"),
                            dcc.Checklist(
                                id="mal-level",
                                options=[
                                    {"label": LEVELS[level].plural, "value": level}
                                    for level in GOAL_LEVELS
                                ],
                                value=levels,
                                inline=True,
                            ),
                        ],
                        className="control",
                    ),
                    html.Div(
                        [
                            html.Label(
                                "Gäller område", htmlFor="mal-areas", className="control-label"
                            ),
                            dcc.Dropdown(
                                id="mal-areas",
                                labels=DROPDOWN_LABELS,
                                options=area_filter_options,
                                value=areas,
                                multi=True,
                                placeholder="Alla områden",
                            ),
                        ],
                        className="control control-areas",
                    ),
                ],
                className="controls",
            ),
            html.H2("Alla mål efter nivå"),
            html.Div(goal_list(shown, levels), id="mal-goals"),
            goal_form_section(engine, editor, form_area),
            goal_csv_section(editor),
            html.Section(
                [
                    html.H2("Ändringslogg", id="mal-log-heading"),
                    html.Div(
                        change_log(goal_changes(engine, CHANGE_LOG_LIMIT), CHANGE_LOG_LIMIT),
                        id="mal-log",
                    ),
                ],
                **{"aria-labelledby": "mal-log-heading"},
            ),
            html.Section(
                [
                    html.H2("Kvalitativa bedömningar", id="mal-notes-intro"),
                    html.P(
                        "Bedömningar i ord av hur ett område utvecklas för en indikator eller ett "
                        "globalt mål – ett datum, en kort text och gärna en bedömning (bättre, "
                        "oförändrad, sämre). De visas bredvid siffrorna och följer med i "
                        "exporten."
                    ),
                    html.Div(
                        [
                            html.Div(
                                [
                                    html.Label(
                                        "Område",
                                        htmlFor="mal-notes-area",
                                        className="control-label",
                                    ),
                                    dcc.Dropdown(
                                        id="mal-notes-area",
                                        labels=DROPDOWN_LABELS,
                                        options=area_filter_options,
                                        value=notes_area,
                                        clearable=False,
                                    ),
                                ],
                                className="control",
                            ),
                            html.Div(
                                [
                                    html.Label(
                                        "Indikator eller globalt mål",
                                        htmlFor="mal-notes-subject",
                                        className="control-label",
                                    ),
                                    dcc.Dropdown(
                                        id="mal-notes-subject",
                                        labels=DROPDOWN_LABELS,
                                        options=notes_subject_options(),
                                        value=first_subject,
                                        clearable=False,
                                    ),
                                ],
                                className="control control-subject",
                            ),
                        ],
                        className="controls",
                    ),
                    html.Div(mal_notes(notes_area, first_subject), id="mal-notes-container"),
                ],
                **{"aria-labelledby": "mal-notes-intro"},
            ),
            html.Section(
                [
                    html.H2("Ladda ner värden för målens indikatorer"),
                    download_panel(PAGE),
                ],
                className="presentation-hidden",
            ),
        ],
        className="mal-page",
    )


# --------------------------------------------------------------------------- callbacks


def _chosen(levels, areas) -> tuple[list[str], list[str]]:
    levels = [level for level in (levels or []) if level in GOAL_LEVELS]
    areas = [area for area in (areas or []) if area in service.AREA_ORDER]
    return levels, areas


@callback(
    Output("mal-goals", "children"),
    Output({"type": "export-selection", "page": PAGE}, "data"),
    Input("mal-level", "value"),
    Input("mal-areas", "value"),
    prevent_initial_call=True,
)
def show_goals(levels, areas):
    """The goal list for the chosen levels and areas (and the download selection)."""
    levels, areas = _chosen(levels, areas)
    shown = filter_goals(service.goals(), levels, areas)
    return goal_list(shown, levels), selection_record(shown, levels, areas)


def _pager(kind: str) -> dict[str, Any]:
    return {"type": kind, "level": MATCH}


@callback(
    output={
        "table": Output(_pager(PAGE_TABLE), "children"),
        "range": Output(_pager(PAGE_RANGE), "children"),
        "previous_disabled": Output(_pager(PAGE_PREVIOUS), "disabled"),
        "next_disabled": Output(_pager(PAGE_NEXT), "disabled"),
        "page": Output(_pager(PAGE_STORE), "data"),
    },
    inputs={
        "_previous": Input(_pager(PAGE_PREVIOUS), "n_clicks"),
        "_next": Input(_pager(PAGE_NEXT), "n_clicks"),
    },
    state={
        "page": State(_pager(PAGE_STORE), "data"),
        "levels": State("mal-level", "value"),
        "areas": State("mal-areas", "value"),
    },
    prevent_initial_call=True,
)
def turn_goal_page(_previous, _next, page, levels, areas):
    """The previous or next page of one level's goals (the list's filters as they stand)."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or trigger.get("level") not in GOAL_LEVELS:
        raise PreventUpdate
    level = trigger["level"]
    step = -1 if trigger.get("type") == PAGE_PREVIOUS else 1
    _levels, areas = _chosen(levels, areas)
    chosen = filter_goals(service.goals(), [level], areas)
    current = page if isinstance(page, int) and not isinstance(page, bool) else 0
    return goal_page(chosen, level, current + step)


#: What a stored change redraws: the goal list, the download selection, the change log and the
#: choice of goals to change (all in the response of the action itself, one round trip).
REFRESH_OUTPUTS = {
    "goals": Output("mal-goals", "children", allow_duplicate=True),
    "selection": Output({"type": "export-selection", "page": PAGE}, "data", allow_duplicate=True),
    "log": Output("mal-log", "children", allow_duplicate=True),
    "options": Output("mal-edit", "options", allow_duplicate=True),
}
FILTER_STATES = {"levels": State("mal-level", "value"), "areas": State("mal-areas", "value")}


def refreshed(
    engine, filters: Mapping[str, Any] | None, selected: str | None = None
) -> dict[str, Any]:
    """The goal list, download selection, change log and goal choice (with ``selected``, the
    goal being edited) after a change."""
    filters = filters or {}
    levels, areas = _chosen(filters.get("levels", GOAL_LEVELS), filters.get("areas"))
    shown = filter_goals(list_goals(engine), levels, areas)
    return {
        "goals": goal_list(shown, levels),
        "selection": selection_record(shown, levels, areas),
        "log": change_log(goal_changes(engine, CHANGE_LOG_LIMIT), CHANGE_LOG_LIMIT),
        "options": user_goal_options(engine, selected=selected),
    }


def unchanged() -> dict[str, Any]:
    return dict.fromkeys(REFRESH_OUTPUTS, no_update)


@callback(
    Output("mal-edit", "options", allow_duplicate=True),
    Input("mal-edit", "search_value"),
    State("mal-edit", "value"),
    prevent_initial_call=True,
)
def search_own_goals(search, value):
    """The goals to change matching what is typed (at most 50 are offered at once)."""
    if not isinstance(search, str):
        raise PreventUpdate
    selected = value if isinstance(value, str) else None
    return user_goal_options(service.engine(), search[:200], selected)


@callback(
    output={name: Output(f"mal-field-{name}", "style") for name in KIND_SPECIFIC},
    inputs={"kind": Input("mal-form-kind", "value")},
)
def show_kind_fields(kind):
    """Show the number fields of the chosen kind of goal."""
    return field_styles(kind)


@callback(
    Output("mal-form-contributes_to", "options"),
    Input("mal-form-kpi_id", "value"),
    Input("mal-form-level", "value"),
    State("mal-form-contributes_to", "value"),
    prevent_initial_call=True,
)
def offer_higher_goals(kpi_id, level, chosen):
    """The higher goals offered follow the indicator and the level chosen."""
    kpi_id = kpi_id if isinstance(kpi_id, str) else None
    level = level if isinstance(level, str) else None
    return contributes_to_options(service.goals(), kpi_id, level, chosen_ids(chosen))


@callback(
    Output("mal-form-id", "placeholder"),
    Input("mal-form-area", "value"),
    Input("mal-form-kpi_id", "value"),
    Input("mal-form-target_year", "value"),
)
def suggest_id(area, kpi_id, target_year):
    """The id an empty id field will get."""
    suggestion = default_goal_id(area, kpi_id, target_year)
    return suggestion or "t.ex. mora-vaxthusgasutslapp-per-invanare-2030"


ERROR_OUTPUTS = {name: Output(f"mal-error-{name}", "children") for name in FORM_FIELDS}


def _no_errors() -> dict[str, Any]:
    return dict.fromkeys(FORM_FIELDS)


def _error_lists(errors: Mapping[str, list[str]]) -> dict[str, Any]:
    return {
        name: html.Ul([html.Li(text) for text in errors[name]]) if name in errors else None
        for name in FORM_FIELDS
    }


def form_state(goal: GoalRecord | None) -> dict[str, Any]:
    """The form showing ``goal`` (a user goal being changed) or empty for a new goal."""
    return {
        "fields": _form_outputs_of(form_values(goal)),
        "errors": _no_errors(),
        "id_disabled": goal is not None,
        "remove_disabled": goal is None,
        "mode": f'Ändrar det egna målet "{goal.id}"' if goal is not None else "Nytt eget mål",
        "note": "",
        "version": goal.version if goal is not None else None,
        "reload_hidden": True,
    }


def _form_state_outputs(duplicate: bool) -> dict[str, Any]:
    return {
        "fields": {
            name: Output(f"mal-form-{name}", "value", allow_duplicate=duplicate)
            for name in FORM_FIELDS
        },
        "errors": {
            name: Output(f"mal-error-{name}", "children", allow_duplicate=True)
            for name in FORM_FIELDS
        },
        "id_disabled": Output("mal-form-id", "disabled", allow_duplicate=duplicate),
        "remove_disabled": Output("mal-form-remove", "disabled", allow_duplicate=duplicate),
        "mode": Output("mal-form-mode", "children", allow_duplicate=duplicate),
        "note": Output("mal-form-note", "value", allow_duplicate=duplicate),
        "version": Output("mal-form-version", "data", allow_duplicate=duplicate),
        "reload_hidden": Output("mal-form-reload", "hidden", allow_duplicate=duplicate),
    }


def error_updates(errors: Mapping[str, Any], shown: Mapping[str, Any] | None) -> dict[str, Any]:
    """The error boxes to redraw: ``no_update`` where a box is empty and stays empty (every
    redrawn box costs the browser a walk over the page)."""
    shown = shown or {}
    return {
        name: no_update if errors.get(name) is None and not shown.get(name) else errors.get(name)
        for name in FORM_FIELDS
    }


def only_changes(
    state: dict[str, Any],
    shown: Mapping[str, Any] | None,
    shown_errors: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``state`` with ``no_update`` for the fields already showing their value and the error
    boxes already empty (a goal just saved from the form is shown as it is, without redrawing
    every field)."""
    fields = state["fields"]
    if shown:
        fields = {
            name: no_update if text_value(shown.get(name)) == text_value(value) else value
            for name, value in fields.items()
        }
    return {**state, "fields": fields, "errors": error_updates(state["errors"], shown_errors)}


SHOWN_FIELDS = {name: State(f"mal-form-{name}", "value") for name in FORM_FIELDS}
SHOWN_ERRORS = {name: State(f"mal-error-{name}", "children") for name in FORM_FIELDS}


def _user_goal(goal_id: Any) -> GoalRecord | None:
    """The stored user goal ``goal_id`` (catalogue goals are never loaded into the form)."""
    goal = get_goal(service.engine(), goal_id) if goal_id else None
    return goal if goal is not None and goal.origin == ORIGIN_USER else None


@callback(
    output=_form_state_outputs(duplicate=False),
    inputs={"goal_id": Input("mal-edit", "value")},
    state={"shown": SHOWN_FIELDS, "shown_errors": SHOWN_ERRORS},
    prevent_initial_call=True,
)
def load_goal(goal_id, shown=None, shown_errors=None):
    """Load the chosen user goal into the form."""
    return only_changes(form_state(_user_goal(goal_id)), shown, shown_errors)


@callback(
    output={
        **_form_state_outputs(duplicate=True),
        "message": Output("mal-form-message", "children", allow_duplicate=True),
    },
    inputs={"n_clicks": Input("mal-form-reload", "n_clicks")},
    state={"goal_id": State("mal-edit", "value"), "shown_errors": SHOWN_ERRORS},
    prevent_initial_call=True,
)
def reload_goal(n_clicks, goal_id, shown_errors=None):
    """Load the goal being edited again as it is stored now, after someone else changed it."""
    if not n_clicks:
        raise PreventUpdate
    goal = _user_goal(goal_id)
    now = f" (version {goal.version})." if goal is not None else ": det finns inte längre."
    message = html.Div(
        html.P(
            f"Formuläret visar nu målet som det är sparat{now} Gör om dina ändringar och "
            "spara igen."
        ),
        className="form-success",
    )
    return {**only_changes(form_state(goal), None, shown_errors), "message": message}


@callback(
    output={
        **_form_state_outputs(duplicate=True),
        "editing": Output("mal-edit", "value", allow_duplicate=True),
    },
    inputs={"n_clicks": Input("mal-form-new", "n_clicks")},
    state={"shown_errors": SHOWN_ERRORS},
    prevent_initial_call=True,
)
def new_goal(n_clicks, shown_errors=None):
    """Empty the form for a new goal."""
    if not n_clicks:
        raise PreventUpdate
    return {**only_changes(form_state(None), None, shown_errors), "editing": None}


def _message(outcome: FormOutcome) -> html.Div:
    if outcome.ok:
        children_ok: list = [html.P(outcome.message)]
        if outcome.warnings:
            shown = list(outcome.warnings[:MAX_SHOWN_PROBLEMS])
            if len(outcome.warnings) > MAX_SHOWN_PROBLEMS:
                shown.append(f"… och {len(outcome.warnings) - MAX_SHOWN_PROBLEMS} mål till")
            children_ok.append(html.Ul([html.Li(line) for line in shown]))
        return html.Div(children_ok, className="form-success")
    children: list = [html.P(outcome.message, className="form-error-title")]
    lines = problem_lines(outcome.problems)  # the first 50, then "… och N fel till"
    if not lines:
        lines = [text for texts in outcome.field_errors.values() for text in texts]
    if lines:
        children.append(html.Ul([html.Li(line) for line in lines]))
    if outcome.differences:
        children.append(difference_table(outcome.differences))
    if outcome.stale:
        children.append(
            html.P(
                "Klicka på ”Ladda om målet” för att se det som är sparat nu, och gör sedan "
                "om dina ändringar."
            )
        )
    return html.Div(children, className="form-errors", role="alert")


def difference_table(differences: Sequence[tuple[str, str, str]]) -> html.Table:
    """What differs between the form and the stored goal, as a table."""
    return html.Table(
        [
            html.Caption("Det här skiljer mellan ditt formulär och det som är sparat nu"),
            html.Thead(
                html.Tr(
                    [
                        html.Th(heading, scope="col")
                        for heading in ("Fält", "I ditt formulär", "Sparat nu")
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr([html.Th(label, scope="row"), html.Td(mine), html.Td(stored)])
                    for label, mine, stored in differences
                ]
            ),
        ],
        className="data-table goal-differences",
        id="mal-form-differences",
    )


#: What a save answers besides the message and the error boxes: the redrawn lists, the goal
#: being edited, the note, the version, "Ladda om" and the question about the direction.
SAVE_OUTPUTS = {
    "message": Output("mal-form-message", "children", allow_duplicate=True),
    "refresh": REFRESH_OUTPUTS,
    "editing": Output("mal-edit", "value", allow_duplicate=True),
    "note": Output("mal-form-note", "value", allow_duplicate=True),
    "version": Output("mal-form-version", "data", allow_duplicate=True),
    "reload_hidden": Output("mal-form-reload", "hidden", allow_duplicate=True),
    "question_hidden": Output("mal-question", "hidden", allow_duplicate=True),
    "question": Output("mal-question-text", "children", allow_duplicate=True),
    "asked": Output("mal-question-asked", "data", allow_duplicate=True),
}
#: What a save reads: the form, the goal being edited and its version, the note, the list's
#: filters and the error boxes shown.
SAVE_STATES = {
    "values": {name: State(f"mal-form-{name}", "value") for name in FORM_FIELDS},
    "editing_id": State("mal-edit", "value"),
    "version": State("mal-form-version", "data"),
    "note": State("mal-form-note", "value"),
    "filters": FILTER_STATES,
    "shown_errors": SHOWN_ERRORS,
}


@callback(
    output={**SAVE_OUTPUTS, "errors": ERROR_OUTPUTS},
    inputs={"n_clicks": Input("mal-form-save", "n_clicks")},
    state=SAVE_STATES,
    prevent_initial_call=True,
)
def save_goal(n_clicks, values, editing_id, note, filters=None, shown_errors=None, version=None):
    """Save the form: add a goal, or change the one being edited if nobody else has changed it
    since the form was opened; otherwise list the problems. A goal against its indicator's
    desired direction is not saved: the answer asks about it (:func:`save_goal_anyway`). Only a
    signed-in editor may; anyone else is refused and nothing changes."""
    if not n_clicks:
        raise PreventUpdate
    return _save(values, editing_id, note, filters, shown_errors, version, confirmed=None)


@callback(
    output={
        **SAVE_OUTPUTS,
        "errors": {
            name: Output(f"mal-error-{name}", "children", allow_duplicate=True)
            for name in FORM_FIELDS
        },
    },
    inputs={"n_clicks": Input("mal-question-save", "n_clicks")},
    state={**SAVE_STATES, "asked": State("mal-question-asked", "data")},
    prevent_initial_call=True,
)
def save_goal_anyway(
    n_clicks, values, editing_id, note, filters=None, shown_errors=None, version=None, asked=None
):
    """ "Spara ändå": save the form's goal although it goes against its indicator's desired
    direction. ``asked`` is the reason the server asked about; the server saves only when the
    goal still gives that very reason (a goal changed since is asked about again)."""
    if not n_clicks:
        raise PreventUpdate
    confirmed = asked if isinstance(asked, str) else None
    return _save(values, editing_id, note, filters, shown_errors, version, confirmed=confirmed)


@callback(
    Output("mal-question", "hidden", allow_duplicate=True),
    Output("mal-question-asked", "data", allow_duplicate=True),
    Output("mal-form-message", "children", allow_duplicate=True),
    Input("mal-question-cancel", "n_clicks"),
    prevent_initial_call=True,
)
def cancel_question(n_clicks):
    """ "Ändra målet": close the question; nothing was saved."""
    if not n_clicks:
        raise PreventUpdate
    return True, None, html.P("Målet sparades inte. Ändra det och spara igen.", className="note")


def _save(values, editing_id, note, filters, shown_errors, version, *, confirmed):
    """Save the form as the signed-in editor (``confirmed``: the answered question about the
    goal's direction, if any) and say how it went."""
    editor = current_editor()
    if editor is None:
        refused("saving a goal")
        return _not_saved(refusal())
    engine = service.engine()
    outcome = save_form(
        engine,
        values,
        editing_id,
        text_value(note),
        expected_version=form_version(version),
        changed_by=editor,
        confirmed=confirmed,
    )
    if outcome.question is not None:
        return {
            **_not_saved(None),
            "errors": error_updates(_no_errors(), shown_errors),
            "question_hidden": False,
            "question": f"{outcome.question} Spara ändå?",
            "asked": outcome.question,
        }
    if not outcome.ok:
        return {
            **_not_saved(_message(outcome)),
            "errors": error_updates(_error_lists(outcome.field_errors), shown_errors),
            "reload_hidden": False if outcome.stale else no_update,
        }
    return {
        **QUESTION_CLOSED,
        "message": _message(outcome),
        "errors": error_updates(_no_errors(), shown_errors),
        "refresh": refreshed(engine, filters, selected=outcome.goal.id),
        "editing": outcome.goal.id,
        "note": "",
        "version": outcome.goal.version,
        "reload_hidden": True,
    }


#: The question about a goal's direction closed and forgotten.
QUESTION_CLOSED = {"question_hidden": True, "question": None, "asked": None}


def _not_saved(message: Any) -> dict[str, Any]:
    return {
        **QUESTION_CLOSED,
        "message": message,
        "errors": dict.fromkeys(FORM_FIELDS, no_update),
        "refresh": unchanged(),
        "editing": no_update,
        "note": no_update,
        "version": no_update,
        "reload_hidden": no_update,
    }


@callback(
    Output("mal-form-operator", "value", allow_duplicate=True),
    Output("mal-form-direction", "value", allow_duplicate=True),
    Output("mal-form-operator-hint", "children"),
    Input("mal-form-kpi_id", "value"),
    State("mal-edit", "value"),
    prevent_initial_call=True,
)
def follow_indicator(kpi_id, editing_id):
    """The comparison (and a direction goal's direction) follow the indicator chosen: "minst"
    for an indicator that is better the higher it is, "högst" for one better the lower, none
    for one without a desired direction. A stored goal loaded into the form keeps its own."""
    kpi_id = kpi_id if isinstance(kpi_id, str) else None
    indicator = service.indicator(kpi_id) if kpi_id else None
    hint = operator_hint(indicator.direction if indicator is not None else None)
    stored = _user_goal(editing_id) if isinstance(editing_id, str) else None
    if kpi_id is None or (stored is not None and stored.kpi_id == kpi_id):
        return no_update, no_update, hint
    operator, direction = indicator_defaults(kpi_id)
    return operator, direction, hint


def form_version(value: Any) -> int | None:
    """The version a form says it was opened with: a positive whole number, else ``None`` (a
    new goal, or a forged value; a forged value can only make a save refused, never let one
    through, since the stored version is compared)."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


@callback(
    Output("mal-remove-confirm", "displayed"),
    Output("mal-remove-confirm", "message"),
    Output("mal-remove-token", "data"),
    Input("mal-form-remove", "n_clicks"),
    State("mal-edit", "value"),
    State("mal-form-version", "data"),
    prevent_initial_call=True,
)
def confirm_removal(n_clicks, goal_id, version=None):
    """Ask before removing the goal being edited, with the server's signed confirmation of
    what was asked (the removal needs it)."""
    editor = current_editor()
    if not n_clicks or not isinstance(goal_id, str) or not goal_id or editor is None:
        raise PreventUpdate
    token = removal_token(GOAL, goal_id, form_version(version), editor)
    return (
        True,
        f'Ta bort det egna målet "{goal_id}"? Ändringsloggen behåller hur målet såg ut. '
        "Anteckningen i formuläret sparas i loggen.",
        token,
    )


@callback(
    output={
        "message": Output("mal-form-message", "children", allow_duplicate=True),
        "refresh": REFRESH_OUTPUTS,
        "editing": Output("mal-edit", "value", allow_duplicate=True),
        "reload_hidden": Output("mal-form-reload", "hidden", allow_duplicate=True),
    },
    inputs={"confirmed": Input("mal-remove-confirm", "submit_n_clicks")},
    state={
        "goal_id": State("mal-edit", "value"),
        "token": State("mal-remove-token", "data"),
        "note": State("mal-form-note", "value"),
        "filters": FILTER_STATES,
    },
    prevent_initial_call=True,
)
def remove_confirmed(confirmed, goal_id, note, filters=None, token=None):
    """Remove the goal being edited once the removal is confirmed (signed-in editors only; the
    confirmation is the server's signed token for this goal and editor, not the click)."""
    if not confirmed:
        raise PreventUpdate
    editor = current_editor()
    if editor is None:
        refused("removing a goal")
        return _not_removed(refusal())
    goal_id = goal_id if isinstance(goal_id, str) else ""
    asked, version = confirmed_version(token, GOAL, goal_id, editor)
    if not asked:
        return _not_removed(html.Div(html.P(NOT_CONFIRMED), className="form-errors", role="alert"))
    engine = service.engine()
    outcome = remove_from_form(
        engine, goal_id, text_value(note), expected_version=version, changed_by=editor
    )
    if not outcome.ok:
        return {**_not_removed(_message(outcome)), "reload_hidden": not outcome.stale}
    return {
        "message": _message(outcome),
        "refresh": refreshed(engine, filters),
        "editing": None,
        "reload_hidden": True,
    }


def _not_removed(message: Any) -> dict[str, Any]:
    return {
        "message": message,
        "refresh": unchanged(),
        "editing": no_update,
        "reload_hidden": no_update,
    }


@callback(
    output={
        "message": Output("mal-import-message", "children"),
        "refresh": REFRESH_OUTPUTS,
    },
    inputs={"contents": Input("mal-upload", "contents")},
    state={
        "filename": State("mal-upload", "filename"),
        "note": State("mal-import-note", "value"),
        "filters": FILTER_STATES,
    },
    prevent_initial_call=True,
)
def import_goals(contents, filename, note, filters=None):
    """Import an uploaded goal CSV: everything or nothing, with every problem listed (signed-in
    editors only)."""
    if not contents:
        raise PreventUpdate
    editor = current_editor()
    if editor is None:
        refused("importing goals")
        return {"message": refusal(), "refresh": unchanged()}
    engine = service.engine()
    outcome = import_upload(engine, contents, filename, text_value(note), changed_by=editor)
    if not outcome.ok:
        return {"message": _message(outcome), "refresh": unchanged()}
    return {"message": _message(outcome), "refresh": refreshed(engine, filters)}


@callback(
    Output("mal-download-own", "data"),
    Input("mal-export-own", "n_clicks"),
    prevent_initial_call=True,
)
def download_own_goals(n_clicks):
    """The users' own goals as a goal CSV (importable again)."""
    if not n_clicks:
        raise PreventUpdate
    return {"content": goals_csv(service.engine(), ORIGIN_USER), "filename": "egna-mal.csv"}


@callback(
    Output("mal-download-all", "data"),
    Input("mal-export-all", "n_clicks"),
    prevent_initial_call=True,
)
def download_all_goals(n_clicks):
    """Every goal, catalogue and own, as a goal CSV."""
    if not n_clicks:
        raise PreventUpdate
    return {"content": goals_csv(service.engine(), None), "filename": "alla-mal.csv"}


@callback(
    Output("mal-notes-container", "children"),
    Input("mal-notes-area", "value"),
    Input("mal-notes-subject", "value"),
    prevent_initial_call=True,
)
def show_notes(area_id, subject):
    """The qualitative assessments of the chosen area and indicator or goal."""
    if area_id not in service.AREA_ORDER:
        raise PreventUpdate
    return mal_notes(area_id, subject)


sync_url("mal-url", [("mal-level", "niva"), ("mal-areas", "omraden")])
