"""The download panel every page carries: a CSV of exactly what the page shows.

A page puts :func:`selection_store` and :func:`download_panel` in its layout and keeps the
store's ``data`` equal to its current selection (a dict with the keys ``areas``, ``kpis``,
``genders``, ``years`` ([first, last] or null), ``levels`` and ``threshold_set``; see
:func:`indicators.export.parse_selection` for the defaults). One pattern-matching callback serves
every page: it builds the table with :func:`indicators.export.export_table` (with the newest
qualitative assessments of the selection, :func:`indicators.assessments.assessments_for_export`) and
sends it in the chosen format (:func:`indicators.export.to_csv_bytes`).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pandas as pd
from dash import MATCH, Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from indicators import service
from indicators.assessments import assessments_for_export
from indicators.export import (
    FORMAT_CSV,
    FORMAT_LABELS,
    FORMATS,
    Selection,
    export_table,
    goal_lines,
    parse_selection,
    select_observations,
    sort_observations,
    to_csv_bytes,
)
from indicators.formatting import local_time, swedish_today

log = logging.getLogger(__name__)

FILENAME_PREFIX = "hallbarhet-dalarna"
CSV_MEDIA_TYPE = "text/csv"
BUTTON_TEXT = "Ladda ner CSV"


def _id(kind: str, page_id: Any) -> dict[str, Any]:
    return {"type": kind, "page": page_id}


def _check(page_id: str) -> str:
    if not isinstance(page_id, str) or not page_id:
        raise ValueError(f"page_id must be a non-empty string, got {page_id!r}")
    return page_id


def selection_store(page_id: str, selection: dict[str, Any] | None = None) -> dcc.Store:
    """The store holding the page's current export selection (keep it in sync by callback)."""
    return dcc.Store(id=_id("export-selection", _check(page_id)), data=selection)


def download_panel(page_id: str) -> html.Div:
    """Format choice, the "Ladda ner CSV" button and the download itself."""
    _check(page_id)
    legend_id = f"{page_id}-export-format-legend"
    return html.Div(
        [
            html.Fieldset(
                [
                    html.Legend("Filformat", id=legend_id, className="control-label"),
                    dcc.RadioItems(
                        id=_id("export-format", page_id),
                        options=[
                            {"label": label, "value": value}
                            for value, label in FORMAT_LABELS.items()
                        ],
                        value=FORMAT_CSV,
                        inline=True,
                        className="export-format",
                    ),
                ],
                className="export-format-group",
            ),
            html.Button(
                BUTTON_TEXT,
                id=_id("export-button", page_id),
                n_clicks=0,
                type="button",
                className="export-button",
            ),
            dcc.Download(id=_id("export-download", page_id)),
            html.P(
                "Filen innehåller exakt urvalet: värden, mål per nivå, status med underlag, "
                "metod, den senaste kvalitativa bedömningen och datakälla.",
                className="note",
            ),
        ],
        className="download",
    )


def today() -> dt.date:
    """Today's date in Sweden (for file names)."""
    return swedish_today()


def retrieval_date(finished_at: dt.datetime | None) -> dt.date | None:
    """The Swedish date of a stored run time (naive UTC)."""
    if finished_at is None:
        return None
    return local_time(finished_at).date()


def export_filename(day: dt.date) -> str:
    """``hallbarhet-dalarna-2026-11-27.csv``."""
    return f"{FILENAME_PREFIX}-{day.isoformat()}.csv"


def parse(data: dict[str, Any] | None) -> Selection:
    """A store's selection checked against the dashboard's areas and catalogue."""
    return parse_selection(
        data,
        area_ids=service.AREA_ORDER,
        kpi_ids=[indicator.kpi_id for indicator in service.catalogue()],
    )


def selection_table(selection: Selection, *, limit: int | None = None) -> tuple[pd.DataFrame, int]:
    """The export table of a selection (its first ``limit`` rows) and its full row count."""
    catalogue = service.catalogue()
    observations = service.observations(selection.genders)
    chosen = select_observations(observations, selection)
    total = len(chosen)
    areas, kpis = selection.areas, selection.kpis
    if limit is not None:
        chosen = sort_observations(chosen, service.AREA_ORDER, [i.kpi_id for i in catalogue])
        chosen = chosen.head(limit)
        areas = tuple(a for a in areas if a in set(chosen["area_id"]))
        kpis = tuple(k for k in kpis if k in set(chosen["kpi_id"]))
    status = service.status(selection.threshold_set, selection.genders)
    status = status[
        status["area_id"].isin(areas)
        & status["kpi_id"].isin(kpis)
        & status["level"].isin(selection.levels)
    ]
    goals = [goal for goal in service.goals() if goal.kpi_id in kpis]
    series = observations[observations["area_id"].isin(areas) & observations["kpi_id"].isin(kpis)]
    lines = goal_lines(series, goals, area_ids=areas, genders=selection.genders)
    data_status = service.data_status()
    table = export_table(
        chosen,
        status,
        lines,
        catalogue,
        goals,
        area_titles={area: service.area_title(area) for area in service.AREA_ORDER},
        levels=selection.levels,
        data_origin=data_status.origin,
        retrieved=retrieval_date(data_status.last_success),
        threshold_set=selection.threshold_set,
        assessments=assessments_for_export(service.engine(), areas, kpis),
    )
    return table, total


@callback(
    Output(_id("export-download", MATCH), "data"),
    Input(_id("export-button", MATCH), "n_clicks"),
    State(_id("export-selection", MATCH), "data"),
    State(_id("export-format", MATCH), "value"),
    prevent_initial_call=True,
)
def download_csv(n_clicks: int | None, selection: dict | None, fmt: str | None) -> dict:
    """Send the page's selection as CSV in the chosen format."""
    if not n_clicks:
        raise PreventUpdate
    if fmt not in FORMATS:
        fmt = FORMAT_CSV
    table, total = selection_table(parse(selection))
    log.info("Export: %d rows as %s", total, fmt)
    return dcc.send_bytes(to_csv_bytes(table, fmt), export_filename(today()), type=CSV_MEDIA_TYPE)
