"""Export: choose areas, indicators, years, genders, goal levels and threshold set, preview the
first rows of both files – the time series and the latest status – and download them as CSV
(standard or Excel with Swedish settings).

The selections live in the address bar: ``omraden``, ``indikatorer``, ``fran``, ``till``,
``kon``, ``niva`` and ``metod``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from indicators import service
from indicators.catalogue import Indicator
from indicators.export import Selection, parse_selection
from indicators.formatting import format_number
from indicators.progress import THRESHOLD_SETS
from indicators.sdg import DIMENSIONS, sdg_name
from indicators.vocabulary import (
    ALL_LEVELS,
    GENDER_LABELS,
    LEVEL_LABELS,
    ROBUSTNESS_LABELS,
    Status,
)
from layouts.parts import intervention_marks
from layouts.parts.components import (
    METHOD_PARAM,
    data_table,
    dropdown_labels,
    source_credit,
    status_badge,
    sync_url,
)
from layouts.parts.download import (
    download_panel,
    latest_table,
    selection_store,
    selection_table,
)
from layouts.parts.url_state import Choices, Integer, Kind, read_query, url_notes

log = logging.getLogger(__name__)

PAGE = "export"
PREVIEW_ROWS = 20
SITE = "Hållbarhetsuppföljning Dalarna"

dash.register_page(__name__, path="/export", title=f"Export – {SITE}", name="Export", order=9)

DROPDOWN_LABELS = dropdown_labels("Sök indikator, nyckeltal eller mål", "Ingen indikator matchar")


# --- choices ---------------------------------------------------------------------------------


def indicator_options(catalogue: Sequence[Indicator]) -> list[dict[str, str]]:
    """The indicators grouped by SDG goal (goal order, then label), searchable by label,
    KPI id and goal."""
    ordered = sorted(catalogue, key=lambda i: (i.sdg_goal, i.label))
    return [
        {
            "label": f"Mål {i.sdg_goal} · {i.label} ({i.kpi_id})",
            "value": i.kpi_id,
            "search": f"{i.label} {i.kpi_id} mål {i.sdg_goal} {sdg_name(i.sdg_goal)} {i.dimension}",
        }
        for i in ordered
    ]


def sdg_options(catalogue: Sequence[Indicator]) -> list[dict[str, Any]]:
    goals = sorted({i.sdg_goal for i in catalogue})
    return [{"label": f"Mål {g}: {sdg_name(g)}", "value": g} for g in goals]


def quick_pick(
    catalogue: Sequence[Indicator],
    current: Sequence[str] | None,
    sdg_goal: int | None,
    dimension: str | None,
) -> list[str]:
    """The current indicators plus every indicator of the SDG goal and/or dimension chosen
    (both chosen: indicators matching both), in catalogue order."""
    chosen = set(current or [])
    if sdg_goal is not None or dimension:
        chosen.update(
            i.kpi_id
            for i in catalogue
            if (sdg_goal is None or i.sdg_goal == int(sdg_goal))
            and (not dimension or i.dimension == dimension)
        )
    return [i.kpi_id for i in catalogue if i.kpi_id in chosen]


def year_range() -> list[int]:
    """Every year that holds an observation, oldest first."""
    years = service.observations(("T",))["year"]
    if years.empty:
        return []
    return list(range(int(years.min()), int(years.max()) + 1))


def selection_params(kpi_ids: Sequence[str], years: Sequence[int]) -> dict[str, Kind]:
    """The page's parameters, by their names in the address. Areas and levels: every one when
    missing or empty; none when naming nothing valid."""
    return {
        "omraden": Choices(
            service.AREA_ORDER,
            service.AREA_ORDER,
            what="Området",
            what_plural="Områdena",
            when_none_valid="empty",
        ),
        "indikatorer": Choices(kpi_ids, what="Indikatorn", what_plural="Indikatorerna"),
        "fran": Integer(choices=years, what="Startåret"),
        "till": Integer(choices=years, what="Slutåret"),
        "kon": Choices(
            tuple(GENDER_LABELS), ("T",), what="Könet", what_plural="Könen", labels=GENDER_LABELS
        ),
        "niva": Choices(
            ALL_LEVELS,
            ALL_LEVELS,
            what="Målnivån",
            what_plural="Målnivåerna",
            when_none_valid="empty",
        ),
        "metod": METHOD_PARAM,
    }


def selection_from_controls(
    areas: Sequence[str] | None,
    kpis: Sequence[str] | None,
    first: int | None,
    last: int | None,
    genders: Sequence[str] | None,
    levels: Sequence[str] | None,
    threshold: str | None,
    years: Sequence[int],
) -> Selection:
    """The export selection the controls describe (checked like any page's selection)."""
    span = None
    if years and (first is not None or last is not None):
        span = [first if first is not None else years[0], last if last is not None else years[-1]]
    return parse_selection(
        {
            "areas": list(areas or []),
            "kpis": list(kpis or []),
            "genders": list(genders or []),
            "years": span,
            "levels": list(levels or []),
            "threshold_set": threshold,
        },
        area_ids=service.AREA_ORDER,
        kpi_ids=[i.kpi_id for i in service.catalogue()],
    )


# --- preview ---------------------------------------------------------------------------------


def row_count_text(n: int) -> str:
    """``1 rad`` / ``12 345 rader``."""
    return f"{format_number(n, 0)} {'rad' if n == 1 else 'rader'}"


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def _status_cell(value: object) -> object:
    if _is_missing(value):
        return "–"
    return status_badge(Status(str(value)))


def _change_text(value: object, unit: object, decimals: int) -> str:
    """A rounded annual change of the latest status with what it is in: ``−3,8 % per år``,
    ``−10 000 ton CO2e per år`` (``decimals``: the indicator's values')."""
    if _is_missing(value):
        return "–"
    places = 1 if unit == "% per år" else decimals + 1
    return f"{format_number(float(str(value)), places)} {unit or ''}".strip()


def latest_preview_table(table: pd.DataFrame) -> html.Div:
    """The first rows of the latest status as an accessible table."""
    decimals = {i.kpi_id: i.decimals for i in service.catalogue()}
    kpis = table["nyckeltal"].tolist()
    display = pd.DataFrame(
        {
            "område": table["område"],
            "indikator": table["indikator"],
            "kön": table["kön"],
            "nivå": table["nivå"],
            "senaste": [
                "–" if _is_missing(v) else f"{format_number(v, decimals.get(k, 1))} ({y})"
                for v, y, k in zip(table["senaste_värde"], table["senaste_år"], kpis, strict=True)
            ],
            "mål": table["mål"],
            "status": table["status"],
            "robusthet": [
                ROBUSTNESS_LABELS.get(str(v), "–") if not _is_missing(v) else "–"
                for v in table["robusthet"]
            ],
            "krävd": [
                _change_text(v, u, decimals.get(k, 1))
                for v, u, k in zip(
                    table["krävd_förändring_per_år"], table["förändring_enhet"], kpis, strict=True
                )
            ],
            "faktisk": [
                _change_text(v, u, decimals.get(k, 1))
                for v, u, k in zip(
                    table["faktisk_förändring_per_år"],
                    table["förändring_enhet"],
                    kpis,
                    strict=True,
                )
            ],
        }
    )
    columns: list = [
        ("område", "Område", None),
        ("indikator", "Indikator", None),
        ("kön", "Kön", None),
        ("nivå", "Nivå", None),
        ("senaste", "Senaste värde (år)", None),
        ("mål", "Mål", None),
        ("status", "Status", _status_cell),
        ("robusthet", "Säkerhet", None),
        ("krävd", "Krävd förändring", None),
        ("faktisk", "Faktisk förändring", None),
    ]
    return html.Div(
        data_table(
            display,
            columns,
            caption=f"Förhandsvisning: de första {len(display)} raderna av senaste status",
            id="export-latest-preview-table",
        ),
        className="table-scroll",
        tabIndex=0,
        role="region",
        **{"aria-label": "Förhandsvisning av senaste status (rulla i sidled)"},
    )


def preview_table(table: pd.DataFrame, levels: Sequence[str]) -> html.Div:
    """The first rows of an export as an accessible table (values with Swedish numbers)."""
    decimals = {i.kpi_id: i.decimals for i in service.catalogue()}
    display = pd.DataFrame(
        {
            "område": table["område"],
            "nyckeltal": table["nyckeltal"],
            "indikator": table["indikator"],
            "kön": table["kön"],
            "år": table["år"].astype(str),
            "värde": [
                format_number(v, decimals.get(k, 1))
                for v, k in zip(table["värde"], table["nyckeltal"], strict=True)
            ],
        }
    )
    columns: list = [
        ("område", "Område", None),
        ("nyckeltal", "Nyckeltal", None),
        ("indikator", "Indikator", None),
        ("kön", "Kön", None),
        ("år", "År", None),
        ("värde", "Värde", None),
    ]
    for level in levels:
        display[f"{level}_status"] = table[f"{level}_status"]
        columns.append((f"{level}_status", f"{LEVEL_LABELS[level]}: status", _status_cell))
    display["datakälla"] = table["datakälla"]
    columns.append(("datakälla", "Datakälla", None))
    return html.Div(
        data_table(
            display,
            columns,
            caption=f"Förhandsvisning: de första {len(display)} raderna av exporten",
            id="export-preview-table",
        ),
        className="table-scroll",
        tabIndex=0,
        role="region",
        **{"aria-label": "Förhandsvisning av exporten (rulla i sidled)"},
    )


# --- layout ----------------------------------------------------------------------------------


def _control(label: str, control, *, label_for: str | None = None) -> html.Div:
    if label_for is not None:
        heading = html.Label(label, htmlFor=label_for, className="control-label")
    else:
        heading = html.Span(label, className="control-label")
    return html.Div([heading, control], className="control")


def _fieldset(legend: str, children: list, class_name: str = "") -> html.Fieldset:
    return html.Fieldset(
        [html.Legend(legend, className="control-label"), *children],
        className=("export-fieldset " + class_name).strip(),
    )


def layout(**query: Any) -> html.Div:
    catalogue = service.catalogue()
    kpi_ids = [i.kpi_id for i in catalogue]
    years = year_range()
    state = read_query(query, selection_params(kpi_ids, years))
    first, last = state["fran"], state["till"]
    if first is not None and last is not None and first > last:
        first, last = last, first
    areas, kpis = list(state["omraden"]), list(state["indikatorer"])
    genders, levels, threshold = list(state["kon"]), list(state["niva"]), state["metod"]
    selection = selection_from_controls(areas, kpis, first, last, genders, levels, threshold, years)
    year_options = [{"label": str(y), "value": y} for y in years]
    status = service.data_status()

    return html.Div(
        [
            html.H1("Export"),
            html.P(
                "Välj vad du vill ladda ner. Tidsserierna har en rad per område, indikator, kön "
                "och år med värdet och målbanan på varje vald nivå; status och underlaget bakom "
                "den står på det senaste årets rad. Senaste status har en rad per område, "
                "indikator och målnivå med senaste värde, målvärde, status, säkerhet och årlig "
                "förändring. Båda har metod, gränsvärden, datakälla och hämtningsdatum.",
                className="lead",
            ),
            dcc.Store(id="export-url"),
            selection_store(PAGE, selection.as_dict()),
            url_notes(state.notes),
            html.Div(
                [
                    _fieldset(
                        "Områden",
                        [
                            html.Div(
                                [
                                    html.Button(
                                        "Markera alla",
                                        id="export-areas-all",
                                        type="button",
                                        className="secondary",
                                    ),
                                    html.Button(
                                        "Avmarkera alla",
                                        id="export-areas-none",
                                        type="button",
                                        className="secondary",
                                    ),
                                ],
                                className="button-row",
                            ),
                            dcc.Checklist(
                                id="export-areas",
                                options=[
                                    {"label": service.area_title(a), "value": a}
                                    for a in service.AREA_ORDER
                                ],
                                value=areas,
                                className="export-areas",
                            ),
                        ],
                        "export-areas-group",
                    ),
                    _fieldset(
                        "Indikatorer",
                        [
                            dcc.Dropdown(
                                id="export-kpis",
                                options=indicator_options(catalogue),
                                value=kpis,
                                multi=True,
                                searchable=True,
                                placeholder="Sök och välj indikatorer …",
                                labels=DROPDOWN_LABELS,
                                maxHeight=320,
                                className="export-kpis",
                            ),
                            html.Div(
                                [
                                    _control(
                                        "Lägg till alla för ett globalt mål",
                                        dcc.Dropdown(
                                            id="export-sdg",
                                            options=sdg_options(catalogue),
                                            placeholder="Välj mål …",
                                            labels=dropdown_labels(),
                                        ),
                                        label_for="export-sdg",
                                    ),
                                    _control(
                                        "… och/eller en dimension",
                                        dcc.Dropdown(
                                            id="export-dimension",
                                            options=[
                                                {"label": label, "value": value}
                                                for value, label in DIMENSIONS.items()
                                            ],
                                            placeholder="Välj dimension …",
                                            labels=dropdown_labels(),
                                        ),
                                        label_for="export-dimension",
                                    ),
                                    html.Button(
                                        "Lägg till indikatorerna",
                                        id="export-add",
                                        type="button",
                                        className="secondary",
                                    ),
                                ],
                                className="quick-picks",
                            ),
                        ],
                        "export-kpis-group",
                    ),
                    html.Div(
                        [
                            _fieldset(
                                "År",
                                [
                                    html.Div(
                                        [
                                            _control(
                                                "Från",
                                                dcc.Dropdown(
                                                    id="export-from",
                                                    options=year_options,
                                                    value=first,
                                                    placeholder="Första året",
                                                    labels=dropdown_labels(),
                                                ),
                                                label_for="export-from",
                                            ),
                                            _control(
                                                "Till",
                                                dcc.Dropdown(
                                                    id="export-to",
                                                    options=year_options,
                                                    value=last,
                                                    placeholder="Senaste året",
                                                    labels=dropdown_labels(),
                                                ),
                                                label_for="export-to",
                                            ),
                                        ],
                                        className="year-range",
                                    )
                                ],
                            ),
                            _fieldset(
                                "Kön",
                                [
                                    dcc.Checklist(
                                        id="export-genders",
                                        options=[
                                            {"label": label, "value": value}
                                            for value, label in GENDER_LABELS.items()
                                        ],
                                        value=genders,
                                    )
                                ],
                            ),
                            _fieldset(
                                "Målnivåer",
                                [
                                    dcc.Checklist(
                                        id="export-levels",
                                        options=[
                                            {"label": LEVEL_LABELS[level], "value": level}
                                            for level in ALL_LEVELS
                                        ],
                                        value=levels,
                                    )
                                ],
                            ),
                            _fieldset(
                                "Gränsvärden",
                                [
                                    dcc.RadioItems(
                                        id="export-threshold",
                                        options=[
                                            {"label": t.label_sv, "value": t.name}
                                            for t in THRESHOLD_SETS.values()
                                        ],
                                        value=threshold,
                                    )
                                ],
                            ),
                        ],
                        className="export-options",
                    ),
                ],
                className="export-form presentation-hidden",
            ),
            html.H2("Förhandsvisning"),
            html.P(id="export-count", className="row-count", **{"aria-live": "polite"}),
            source_credit(status),
            html.Div(id="export-preview"),
            html.H2("Förhandsvisning: senaste status"),
            html.Div(id="export-latest-preview"),
            html.H2("Ladda ner"),
            download_panel(PAGE),
            intervention_marks.effects_download(PAGE),
        ],
        className="export-page",
    )


# --- callbacks -------------------------------------------------------------------------------


@callback(
    Output("export-areas", "value"),
    Input("export-areas-all", "n_clicks"),
    Input("export-areas-none", "n_clicks"),
    prevent_initial_call=True,
)
def mark_areas(_all: int | None, _none: int | None) -> list[str]:
    """Select every area ("Markera alla") or none ("Avmarkera alla")."""
    return areas_for_button(dash.ctx.triggered_id)


def areas_for_button(button_id: str | None) -> list[str]:
    """Every area for "Markera alla", none for "Avmarkera alla"."""
    return [] if button_id == "export-areas-none" else list(service.AREA_ORDER)


@callback(
    Output("export-kpis", "value"),
    Input("export-add", "n_clicks"),
    State("export-kpis", "value"),
    State("export-sdg", "value"),
    State("export-dimension", "value"),
    prevent_initial_call=True,
)
def add_indicators(
    _clicks: int | None, current: list[str] | None, sdg_goal: int | None, dimension: str | None
) -> list[str]:
    """Add every indicator of the chosen SDG goal and/or dimension."""
    if sdg_goal is None and not dimension:
        raise PreventUpdate
    return quick_pick(service.catalogue(), current, sdg_goal, dimension)


@callback(
    Output({"type": "export-selection", "page": PAGE}, "data"),
    Output("export-count", "children"),
    Output("export-preview", "children"),
    Output("export-latest-preview", "children"),
    Input("export-areas", "value"),
    Input("export-kpis", "value"),
    Input("export-from", "value"),
    Input("export-to", "value"),
    Input("export-genders", "value"),
    Input("export-levels", "value"),
    Input("export-threshold", "value"),
)
def update_preview(
    areas: list[str] | None,
    kpis: list[str] | None,
    first: int | None,
    last: int | None,
    genders: list[str] | None,
    levels: list[str] | None,
    threshold: str | None,
) -> tuple[dict, str, object, object]:
    """Keep the export selection in step with the controls and preview the first rows of
    both files."""
    selection = selection_from_controls(
        areas, kpis, first, last, genders, levels, threshold, year_range()
    )
    missing = [
        text
        for text, chosen in (
            ("ett område", selection.areas),
            ("en indikator", selection.kpis),
            ("ett kön", selection.genders),
        )
        if not chosen
    ]
    if missing:
        hint = "Välj minst " + " och ".join(missing) + " för att få rader i exporten."
        note = html.P(hint, className="note")
        return selection.as_dict(), row_count_text(0), note, note
    table, total = selection_table(selection, limit=PREVIEW_ROWS)
    if total == 0:
        preview = html.P("Urvalet har inga värden.", className="note")
    else:
        preview = preview_table(table, selection.levels)
    latest = latest_table(selection)
    if latest.empty:
        latest_preview: object = html.P("Urvalet har ingen status att visa.", className="note")
    else:
        latest_preview = latest_preview_table(latest.head(PREVIEW_ROWS))
    return selection.as_dict(), row_count_text(total), preview, latest_preview


sync_url(
    "export-url",
    [
        ("export-areas", "omraden"),
        ("export-kpis", "indikatorer"),
        ("export-from", "fran"),
        ("export-to", "till"),
        ("export-genders", "kon"),
        ("export-levels", "niva"),
        ("export-threshold", "metod"),
    ],
)
