"""Insatser: the register of interventions – what Dalarna's municipalities and Region Dalarna
do to move their indicators, read by everyone, kept by signed-in editors.

Everyone sees the list, filtered by municipality (``kommun``) and indicator (``indikator``) in
the address, each intervention with its indicators, direction, expected change, status, years
and decision link, and can download it as CSV. Editors also get the form (add, change, remove
with the server's signed confirmation) and the CSV import; every write checks the signed-in
editor on the server (:func:`layouts.parts.editor.current_editor`) whatever the page showed.
The rules and words are :mod:`indicators.interventions`, the file format
:mod:`indicators.intervention_csv`, the storage :mod:`data.interventions`.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import replace
from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from data.interventions import (
    STATUSES,
    InterventionError,
    InterventionRecord,
    StaleInterventionError,
    add_intervention,
    change_intervention,
    get_intervention,
    list_interventions,
    remove_intervention,
)
from indicators import service
from indicators.goal_validation import problem_lines
from indicators.intervention_csv import (
    COLUMNS,
    FORMAT_CSV,
    FORMAT_EXCEL_SV,
    MAX_FILE_BYTES,
    MAX_ROWS,
    import_intervention_csv,
    intervention_csv_text,
)
from indicators.interventions import (
    CREDIT,
    FORM_FIELDS,
    INTERVENTION_AREAS,
    LINK_EXAMPLE,
    LINK_FORM,
    STATUS_LABELS,
    InvalidInterventionError,
    area_name,
    direction_text,
    expected_text,
    form_record,
    form_values,
    indicator_name,
    status_text,
    summary_text,
    years_text,
)
from layouts.parts.components import dropdown, sync_url, upload_name, url_store
from layouts.parts.confirmation import NOT_CONFIRMED, confirmed_version, removal_token
from layouts.parts.editor import current_editor, edit_notice, refusal, refused
from layouts.parts.upload_limit import limited_upload_label, too_large_text, upload_limit_message
from layouts.parts.url_state import Choice, read_query, url_notes

log = logging.getLogger(__name__)

dash.register_page(
    __name__,
    path="/insatser",
    title="Insatser – Hållbarhetsuppföljning Dalarna",
    name="Insatser",
    order=7,
)

#: The kind of record a removal confirmation of this page names.
INTERVENTION = "intervention"
UPLOAD_LIMIT_ID = "insatser-upload-limit"
#: The form's controls, by field.
FIELD_IDS: dict[str, str] = {
    name: f"insatser-form-{name.replace('_', '-')}" for name in FORM_FIELDS
}
FIELD_LABELS: dict[str, str] = {
    "title": "Rubrik",
    "area_id": "Kommun eller region",
    "status": "Status",
    "start_year": "Startår",
    "end_year": "Slutår (frivilligt)",
    "responsible": "Ansvarig (frivilligt)",
    "indicators": "Indikatorer",
    "goals": "Mål som insatsen bidrar till (frivilligt)",
    "decision_reference": "Beslut (frivilligt)",
    "decision_url": "Länk till beslutet (frivilligt)",
    "description": "Beskrivning (frivilligt)",
}
FIELD_HINTS: dict[str, str] = {
    "indicators": (
        f"En rad per indikator: {LINK_FORM}. Riktning up eller down; förändringen i procent "
        f"(-10%) eller i indikatorns enhet (-1500). Exempel: {LINK_EXAMPLE}"
    ),
    "goals": "Målens id från sidan Mål, åtskilda med |",
    "decision_reference": "T.ex. Kommunfullmäktige 2024-03-12 § 45",
}


def _area_options() -> list[dict[str, str]]:
    return [{"label": name, "value": code} for code, name in INTERVENTION_AREAS.items()]


def _indicator_options() -> list[dict[str, str]]:
    return [
        {"label": f"{indicator.label} ({indicator.kpi_id})", "value": indicator.kpi_id}
        for indicator in service.catalogue()
    ]


def page_params() -> dict[str, Choice]:
    return {
        "kommun": Choice(
            lambda _values: tuple(INTERVENTION_AREAS), None, what="Kommunen", labels=area_name
        ),
        "indikator": Choice(
            lambda _values: tuple(service.catalogue_by_id()), None, what="Indikatorn"
        ),
    }


# --------------------------------------------------------------------------- the list


def _indicator_item(link) -> html.Li:
    indicator = service.indicator(link.kpi_id)
    return html.Li(
        [
            html.A(indicator_name(link.kpi_id, indicator), href=f"/indikator/{link.kpi_id}"),
            ": ",
            html.Span(direction_text(link.direction), className="intervention-direction"),
            ", förväntat: ",
            expected_text(link, indicator),
        ]
    )


def _decision(record: InterventionRecord) -> list:
    if not (record.decision_reference or record.decision_url):
        return []
    label = record.decision_reference or "Läs beslutet"
    shown: Any = (
        html.A(label, href=record.decision_url, rel="noopener noreferrer", target="_blank")
        if record.decision_url
        else label
    )
    return [html.P(["Beslut: ", shown], className="intervention-decision")]


def intervention_card(record: InterventionRecord, editor: str | None) -> html.Article:
    """One intervention as the register shows it (an "Ändra" button for editors)."""
    facts = [
        html.Span(area_name(record.area_id)),
        " · ",
        html.Span(status_text(record.status), className=f"intervention-status {record.status}"),
        " · ",
        html.Span(years_text(record)),
    ]
    if record.responsible:
        facts += [" · ", html.Span(f"Ansvarig: {record.responsible}")]
    children: list = [
        html.H3(record.title),
        html.P(facts, className="intervention-facts"),
    ]
    if record.description:
        children.append(html.P(record.description, className="intervention-description"))
    if record.indicators:
        children += [
            html.P("Indikatorer som insatsen ska påverka:", className="intervention-label"),
            html.Ul([_indicator_item(link) for link in record.indicators]),
        ]
    children += _decision(record)
    if record.goal_ids:
        children.append(html.P("Bidrar till mål: " + ", ".join(record.goal_ids)))
    if editor is not None:
        children.append(
            html.Button(
                "Ändra",
                id={"type": "insatser-edit", "id": record.id},
                n_clicks=0,
                type="button",
                className="secondary presentation-hidden",
                **{"aria-label": f"Ändra insatsen {record.title}"},
            )
        )
    return html.Article(children, className="intervention-card")


def intervention_list(area_id: str | None, kpi_id: str | None, editor: str | None) -> list:
    """The register filtered by area and indicator, with how many it shows."""
    records = list_interventions(service.engine(), area_id=area_id, kpi_id=kpi_id)
    summary = html.P(summary_text(len(records), area_id, kpi_id), className="intervention-count")
    if not records:
        return [summary, html.P("Inga insatser är registrerade för det här urvalet.")]
    return [summary, *[intervention_card(record, editor) for record in records]]


# --------------------------------------------------------------------------- the form


def _control(name: str, value: str) -> Any:
    field_id = FIELD_IDS[name]
    if name == "area_id":
        return dropdown(field_id, _area_options(), value or None, clearable=False)
    if name == "status":
        options = [{"label": STATUS_LABELS[key], "value": key} for key in STATUSES]
        return dcc.RadioItems(id=field_id, options=options, value=value, inline=True)
    if name in ("indicators", "description"):
        return dcc.Textarea(id=field_id, value=value, className="wide", rows=3)
    kind = "url" if name == "decision_url" else "text"
    mode = {"inputMode": "numeric"} if name.endswith("_year") else {}
    return dcc.Input(id=field_id, type=kind, value=value, className="wide", **mode)


def _field(name: str, value: str) -> html.Div:
    label: Any = (
        html.Span(FIELD_LABELS[name], className="control-label", id=f"{FIELD_IDS[name]}-label")
        if name == "status"
        else html.Label(FIELD_LABELS[name], htmlFor=FIELD_IDS[name], className="control-label")
    )
    hint = FIELD_HINTS.get(name)
    children = [label, _control(name, value)]
    if hint:
        children.append(html.Small(hint, className="form-hint"))
    return html.Div(children, className="control form-field")


def form_section(editor: str | None) -> html.Section:
    """The editor's form (or, for everyone else, how to get it)."""
    heading = html.H2("Lägg till eller ändra en insats", id="insatser-form-heading")
    if editor is None:
        return html.Section(
            [heading, edit_notice("lägga till och ändra insatser")],
            className="presentation-hidden",
            **{"aria-labelledby": "insatser-form-heading"},
        )
    values = form_values(None)
    return html.Section(
        [
            heading,
            dcc.Store(id="insatser-editing"),
            dcc.Store(id="insatser-version"),
            dcc.Store(id="insatser-remove-token"),
            html.P(id="insatser-form-mode", children="Ny insats"),
            html.Div([_field(name, values[name]) for name in FORM_FIELDS], className="form-grid"),
            html.Div(
                [
                    html.Button("Spara insats", id="insatser-save", n_clicks=0, type="button"),
                    html.Button(
                        "Ny insats",
                        id="insatser-new",
                        n_clicks=0,
                        type="button",
                        className="secondary",
                    ),
                    html.Button(
                        "Ta bort",
                        id="insatser-remove",
                        n_clicks=0,
                        type="button",
                        className="secondary",
                    ),
                ],
                className="form-buttons",
            ),
            dcc.ConfirmDialog(id="insatser-remove-confirm"),
            html.Div(id="insatser-form-message", className="form-message", role="status"),
        ],
        id="insatser-form",
        className="presentation-hidden",
        **{"aria-labelledby": "insatser-form-heading"},
    )


def csv_section(editor: str | None) -> html.Section:
    """The CSV download (everyone) and import (editors)."""
    if editor is None:
        importing: list = [edit_notice("importera insatser")]
    else:
        importing = [
            limited_upload_label(
                dcc.Upload(
                    html.Div("Importera insatser (CSV): dra filen hit eller välj en fil"),
                    id="insatser-upload",
                    accept=".csv,text/csv,.txt,text/plain",
                    max_size=MAX_FILE_BYTES,
                    multiple=False,
                    className="goal-upload",
                ),
                message_id=UPLOAD_LIMIT_ID,
                message=too_large_text(
                    "en insatsfil", MAX_FILE_BYTES, f" och innehålla högst {MAX_ROWS} insatser"
                ),
                className="goal-upload-label",
            ),
            upload_limit_message(UPLOAD_LIMIT_ID),
            html.Div(id="insatser-import-message", className="form-message", role="status"),
        ]
    return html.Section(
        [
            html.H2("Importera och exportera insatser (CSV)", id="insatser-csv-heading"),
            html.P(
                "En insatsfil har en rad per insats med kolumnerna "
                + ", ".join(COLUMNS)
                + ". Kolumnen indicators har formen "
                + LINK_FORM
                + f", t.ex. {LINK_EXAMPLE}. Rader med id ändrar den insatsen (bara i den "
                "version som exporterades); rader utan id läggs till. Hela filen kontrolleras "
                "först: har någon rad ett fel sparas ingenting, och varje fel visas med rad "
                "och fält."
            ),
            *importing,
            html.Div(
                [
                    html.Button(
                        "Ladda ner insatser (CSV)", id="insatser-export", n_clicks=0, type="button"
                    ),
                    html.Button(
                        "Ladda ner insatser (Excel, svensk)",
                        id="insatser-export-excel",
                        n_clicks=0,
                        type="button",
                        className="secondary",
                    ),
                    dcc.Download(id="insatser-download"),
                ],
                className="download",
            ),
        ],
        className="presentation-hidden",
        **{"aria-labelledby": "insatser-csv-heading"},
    )


def layout(**query) -> html.Div:
    editor = current_editor()
    state = read_query(query, page_params())
    area_id, kpi_id = state["kommun"], state["indikator"]
    return html.Div(
        [
            url_store("insatser-url"),
            dcc.Store(id="insatser-refresh", data=0),
            html.H1("Insatser"),
            html.P(
                "Vad kommunerna i Dalarna och Region Dalarna gör för att nå sina mål: varje "
                "insats med de indikatorer den ska påverka, i vilken riktning och hur mycket, "
                "dess status, år och beslut."
            ),
            url_notes(state.notes),
            html.Div(
                [
                    html.Div(
                        [
                            html.Label(
                                "Kommun", htmlFor="insatser-area", className="control-label"
                            ),
                            dropdown(
                                "insatser-area",
                                _area_options(),
                                area_id,
                                placeholder="Alla kommuner och Region Dalarna",
                            ),
                        ],
                        className="control",
                    ),
                    html.Div(
                        [
                            html.Label(
                                "Indikator", htmlFor="insatser-kpi", className="control-label"
                            ),
                            dropdown(
                                "insatser-kpi",
                                _indicator_options(),
                                kpi_id,
                                placeholder="Alla indikatorer",
                            ),
                        ],
                        className="control",
                    ),
                ],
                className="controls",
            ),
            html.Div(
                intervention_list(area_id, kpi_id, editor),
                id="insatser-list",
                **{"aria-live": "polite"},
            ),
            html.P(CREDIT, className="source-credit"),
            form_section(editor),
            csv_section(editor),
        ],
        className="insatser-page",
    )


# --------------------------------------------------------------------------- callbacks


sync_url("insatser-url", [("insatser-area", "kommun"), ("insatser-kpi", "indikator")])


@callback(
    Output("insatser-list", "children"),
    Input("insatser-area", "value"),
    Input("insatser-kpi", "value"),
    Input("insatser-refresh", "data"),
    prevent_initial_call=True,
)
def show_list(area_id, kpi_id, _refresh):
    """The list for the chosen municipality and indicator (anything else: all)."""
    area = area_id if area_id in INTERVENTION_AREAS else None
    kpi = kpi_id if isinstance(kpi_id, str) and kpi_id in service.catalogue_by_id() else None
    return intervention_list(area, kpi, current_editor())


FORM_OUTPUTS = [Output(FIELD_IDS[name], "value", allow_duplicate=True) for name in FORM_FIELDS]


def _form_outputs(record: InterventionRecord | None) -> list:
    values = form_values(record)
    return [values[name] if name != "area_id" else values[name] or None for name in FORM_FIELDS]


def _mode(record: InterventionRecord | None) -> str:
    return f"Ändrar: {record.title} (version {record.version})" if record else "Ny insats"


@callback(
    *FORM_OUTPUTS,
    Output("insatser-editing", "data", allow_duplicate=True),
    Output("insatser-version", "data", allow_duplicate=True),
    Output("insatser-form-mode", "children", allow_duplicate=True),
    Output("insatser-form-message", "children", allow_duplicate=True),
    Input({"type": "insatser-edit", "id": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def load_for_editing(clicks):
    """Open the chosen intervention in the form (a click, not the list being drawn)."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks or []):
        raise PreventUpdate
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        raise PreventUpdate
    record = get_intervention(service.engine(), trigger.get("id"))
    if record is None:
        raise PreventUpdate
    return *_form_outputs(record), record.id, record.version, _mode(record), ""


@callback(
    *FORM_OUTPUTS,
    Output("insatser-editing", "data", allow_duplicate=True),
    Output("insatser-version", "data", allow_duplicate=True),
    Output("insatser-form-mode", "children", allow_duplicate=True),
    Output("insatser-form-message", "children", allow_duplicate=True),
    Input("insatser-new", "n_clicks"),
    prevent_initial_call=True,
)
def new_intervention(n_clicks):
    """An empty form for a new intervention."""
    if not n_clicks:
        raise PreventUpdate
    return *_form_outputs(None), None, None, _mode(None), ""


def _problems_box(title: str, lines: list[str]) -> html.Div:
    return html.Div(
        [html.P(title, className="form-error-title"), html.Ul([html.Li(line) for line in lines])],
        className="form-errors",
        role="alert",
    )


def _stale_box(error: StaleInterventionError) -> html.Div:
    stored = error.stored_intervention
    detail = (
        f" Sparad nu: version {stored.version}"
        + (f", av {stored.updated_by}" if stored.updated_by else "")
        + ". Öppna den igen med Ändra i listan."
        if stored is not None
        else ""
    )
    return html.Div(
        html.P(f"Inget sparades. {error}.{detail}", className="form-error-title"),
        className="form-errors",
        role="alert",
    )


def _as_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def save(values: dict[str, Any], editing: Any, version: Any, editor: str) -> tuple[Any, Any]:
    """Check and store the form; (message, the record saved or ``None``)."""
    record, problems = form_record(
        values,
        known_kpi_ids=service.catalogue_by_id().keys(),
        known_goal_ids={goal.id for goal in service.goals()},
    )
    if record is None:
        return _problems_box("Inget sparades. Rätta följande:", problem_lines(problems)), None
    engine = service.engine()
    editing_id = _as_id(editing)
    try:
        if editing_id is None:
            saved = add_intervention(engine, record, changed_by=editor)
        else:
            saved = change_intervention(
                engine,
                replace(record, id=editing_id),
                expected_version=_as_id(version),
                changed_by=editor,
            )
    except StaleInterventionError as error:
        return _stale_box(error), None
    except InterventionError as error:
        return _problems_box(f"Inget sparades. {error}", []), None
    return html.P(f'Insatsen "{saved.title}" är sparad (version {saved.version}).'), saved


@callback(
    Output("insatser-form-message", "children"),
    Output("insatser-refresh", "data"),
    Output("insatser-editing", "data"),
    Output("insatser-version", "data"),
    Output("insatser-form-mode", "children"),
    Input("insatser-save", "n_clicks"),
    *[State(FIELD_IDS[name], "value") for name in FORM_FIELDS],
    State("insatser-editing", "data"),
    State("insatser-version", "data"),
    State("insatser-refresh", "data"),
    prevent_initial_call=True,
)
def save_intervention(n_clicks, *states):
    """Save the form (signed-in editors only; anyone else is refused and nothing changes)."""
    if not n_clicks:
        raise PreventUpdate
    editor = current_editor()
    if editor is None:
        refused("saving an intervention")
        return refusal(), no_update, no_update, no_update, no_update
    values = dict(zip(FORM_FIELDS, states[: len(FORM_FIELDS)], strict=True))
    editing, version, refresh = states[len(FORM_FIELDS) :]
    message, saved = save(values, editing, version, editor)
    if saved is None:
        return message, no_update, no_update, no_update, no_update
    counter = refresh + 1 if isinstance(refresh, int) else 1
    return message, counter, saved.id, saved.version, _mode(saved)


@callback(
    Output("insatser-remove-confirm", "displayed"),
    Output("insatser-remove-confirm", "message"),
    Output("insatser-remove-token", "data"),
    Input("insatser-remove", "n_clicks"),
    State("insatser-editing", "data"),
    State("insatser-version", "data"),
    prevent_initial_call=True,
)
def confirm_removal(n_clicks, editing, version):
    """Ask before removing the intervention in the form, with the server's signed token."""
    editor = current_editor()
    intervention_id = _as_id(editing)
    if not n_clicks or intervention_id is None or editor is None:
        raise PreventUpdate
    record = get_intervention(service.engine(), intervention_id)
    title = record.title if record is not None else str(intervention_id)
    token = removal_token(INTERVENTION, intervention_id, _as_id(version), editor)
    return True, f'Ta bort insatsen "{title}"? Ändringsloggen behåller hur den såg ut.', token


@callback(
    Output("insatser-form-message", "children", allow_duplicate=True),
    Output("insatser-refresh", "data", allow_duplicate=True),
    Output("insatser-editing", "data", allow_duplicate=True),
    Output("insatser-version", "data", allow_duplicate=True),
    Output("insatser-form-mode", "children", allow_duplicate=True),
    Input("insatser-remove-confirm", "submit_n_clicks"),
    State("insatser-editing", "data"),
    State("insatser-remove-token", "data"),
    State("insatser-refresh", "data"),
    prevent_initial_call=True,
)
def remove_confirmed(confirmed, editing, token, refresh):
    """Remove the intervention once the removal is confirmed by the server's token."""
    if not confirmed:
        raise PreventUpdate
    unchanged = (no_update, no_update, no_update, no_update)
    editor = current_editor()
    if editor is None:
        refused("removing an intervention")
        return refusal(), *unchanged
    intervention_id = _as_id(editing)
    asked, version = confirmed_version(token, INTERVENTION, intervention_id or "", editor)
    if intervention_id is None or not asked:
        return _problems_box(NOT_CONFIRMED, []), *unchanged
    try:
        removed = remove_intervention(
            service.engine(), intervention_id, expected_version=version, changed_by=editor
        )
    except StaleInterventionError as error:
        return _stale_box(error), *unchanged
    except InterventionError as error:
        return _problems_box(f"Inget togs bort. {error}", []), *unchanged
    counter = refresh + 1 if isinstance(refresh, int) else 1
    message = html.P(f'Insatsen "{removed.title}" är borttagen.')
    return message, counter, None, None, _mode(None)


def import_upload(contents: Any, filename: Any, editor: str) -> tuple[Any, bool]:
    """Import an uploaded register file all or nothing; (message, whether anything was
    stored)."""
    name = upload_name(filename, "insatser.csv")
    if not isinstance(contents, str) or "," not in contents:
        return _problems_box(f"{name}: filen kunde inte läsas (tom uppladdning).", []), False
    try:
        data = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return _problems_box(f"{name}: filen kunde inte läsas (felaktig uppladdning).", []), False
    try:
        saved = import_intervention_csv(
            service.engine(),
            data,
            source_name=name,
            known_kpi_ids=service.catalogue_by_id().keys(),
            known_goal_ids={goal.id for goal in service.goals()},
            changed_by=editor,
        )
    except InvalidInterventionError as error:
        title = f"Inget från {name} sparades. Rätta följande och försök igen:"
        return _problems_box(title, problem_lines(error.problems)), False
    except InterventionError as error:
        return _problems_box(f"Inget från {name} sparades. {error}", []), False
    summary = (
        f"{name} är importerad: {len(saved.added)} tillagda, {len(saved.changed)} ändrade, "
        f"{len(saved.unchanged)} oförändrade insatser."
    )
    return html.P(summary), True


@callback(
    Output("insatser-import-message", "children"),
    Output("insatser-refresh", "data", allow_duplicate=True),
    Input("insatser-upload", "contents"),
    State("insatser-upload", "filename"),
    State("insatser-refresh", "data"),
    prevent_initial_call=True,
)
def import_file(contents, filename, refresh):
    """Import an uploaded register CSV (signed-in editors only)."""
    if not contents:
        raise PreventUpdate
    editor = current_editor()
    if editor is None:
        refused("importing interventions")
        return refusal(), no_update
    message, stored = import_upload(contents, filename, editor)
    if not stored:
        return message, no_update
    return message, refresh + 1 if isinstance(refresh, int) else 1


@callback(
    Output("insatser-download", "data"),
    Input("insatser-export", "n_clicks"),
    Input("insatser-export-excel", "n_clicks"),
    prevent_initial_call=True,
)
def download_register(n_csv, n_excel):
    """The whole register as CSV (importable again), for everyone."""
    if not (n_csv or n_excel):
        raise PreventUpdate
    fmt = FORMAT_EXCEL_SV if ctx.triggered_id == "insatser-export-excel" else FORMAT_CSV
    records = list_interventions(service.engine())
    suffix = "-excel" if fmt == FORMAT_EXCEL_SV else ""
    return {"content": intervention_csv_text(records, fmt), "filename": f"insatser{suffix}.csv"}
