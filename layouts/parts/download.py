"""The download panel every page carries: a CSV of exactly what the page shows.

A page puts :func:`selection_store` and :func:`download_panel` in its layout and keeps the
store's ``data`` equal to its current selection (a dict with the keys ``areas``, ``kpis``,
``genders``, ``years`` ([first, last] or null), ``levels`` and ``threshold_set``; see
:func:`indicators.export.parse_selection` for the defaults). The panel offers two files: "Ladda
ner CSV", the time series (a row per area, indicator, gender and year), and "Ladda ner senaste
status", a row per area, indicator and level with the latest value, the goal, the status and
its robustness (:func:`indicators.export.latest_status_table`). Both are links to the download
route (``layouts/parts/export_route.py``, :data:`ROUTE`; the second with ``fil=senaste-status``);
one clientside callback keeps their addresses equal to the store's selection and the chosen
format, so the browser fetches the file itself, streamed as it is written
(:func:`selection_csv`), without a callback in between. The route names the file for what it
holds (:func:`export_filename`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from typing import Any

import dash
import pandas as pd
from dash import MATCH, Input, Output, State, clientside_callback, dcc, html

from indicators import service
from indicators.assessments import assessments_for_export
from indicators.export import (
    FILE_LATEST,
    FILE_SERIES,
    FORMAT_CSV,
    FORMAT_LABELS,
    Selection,
    export_table,
    goal_lines,
    latest_status_table,
    parse_selection,
    select_observations,
    sort_observations,
)
from indicators.export import export_filename as _export_filename
from indicators.export_stream import csv_chunks, table_chunks
from indicators.formatting import local_time, swedish_today

log = logging.getLogger(__name__)

BUTTON_TEXT = "Ladda ner CSV"
LATEST_BUTTON_TEXT = "Ladda ner senaste status"
#: The download route (``layouts/parts/export_route.py``), below the app's path prefix.
ROUTE = "/ladda-ner"
#: The route's query parameters: the selection's keys by their names in the address (the
#: Export page's names), and the format.
PARAMS: dict[str, str] = {
    "areas": "omraden",
    "kpis": "indikatorer",
    "genders": "kon",
    "levels": "niva",
    "threshold_set": "metod",
}
YEAR_PARAMS = ("fran", "till")
FORMAT_PARAM = "format"
#: Which file: the time series (the default, left out of the address) or the latest status.
FILE_PARAM = "fil"


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
    """Format choice and the "Ladda ner CSV" link (its address follows the page's selection
    store and the format)."""
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
            html.Div(
                [
                    html.A(
                        BUTTON_TEXT,
                        id=_id("export-link", page_id),
                        href=dash.get_relative_path(ROUTE),
                        download=export_filename(today()),
                        className="button export-button",
                    ),
                    html.A(
                        LATEST_BUTTON_TEXT,
                        id=_id("export-latest-link", page_id),
                        href=dash.get_relative_path(f"{ROUTE}?{FILE_PARAM}={FILE_LATEST}"),
                        download=export_filename(today(), kind=FILE_LATEST),
                        className="button export-button",
                    ),
                ],
                className="button-row export-links",
            ),
            html.P(
                "Tidsserierna (Ladda ner CSV): exakt urvalet, en rad per område, indikator, kön "
                "och år med värdet, målet och målbanan per nivå, och på det senaste årets rad "
                "status med underlag, den senaste kvalitativa bedömningen och datakälla. "
                "Senaste status: en rad per område, indikator och målnivå med senaste värde, "
                "målvärde och målår, status, säkerhet och årlig förändring – att klistra in i "
                "en rapport.",
                className="note",
            ),
        ],
        className="download",
    )


#: The links' addresses follow the selection store and the format in the browser, without
#: asking the server: the route's query with lists joined by commas (an empty list as an empty
#: value: nothing), missing keys left out (the route's defaults), the years as ``fran`` and
#: ``till``, then the format; the latest status's link adds ``fil=senaste-status``.
clientside_callback(
    f"""
    function(selection, fmt, href, latestHref) {{
        const names = {json.dumps(PARAMS)};
        const years = {json.dumps(YEAR_PARAMS)};
        const code = (value) => encodeURIComponent(String(value));
        const chosen = selection || {{}};
        const pairs = [];
        for (const key of Object.keys(names)) {{
            const value = chosen[key];
            if (Array.isArray(value)) {{
                pairs.push(names[key] + '=' + value.map(code).join(','));
            }} else if (value !== null && value !== undefined) {{
                pairs.push(names[key] + '=' + code(value));
            }}
        }}
        if (Array.isArray(chosen.years) && chosen.years.length === 2) {{
            pairs.push(years[0] + '=' + code(chosen.years[0]));
            pairs.push(years[1] + '=' + code(chosen.years[1]));
        }}
        pairs.push({json.dumps(FORMAT_PARAM)} + '=' + code(fmt || {json.dumps(FORMAT_CSV)}));
        const query = pairs.join('&');
        return [
            (href || '').split('?')[0] + '?' + query,
            (latestHref || '').split('?')[0] + '?' + query + '&' +
                {json.dumps(f"{FILE_PARAM}={FILE_LATEST}")},
        ];
    }}
    """,
    Output(_id("export-link", MATCH), "href"),
    Output(_id("export-latest-link", MATCH), "href"),
    Input(_id("export-selection", MATCH), "data"),
    Input(_id("export-format", MATCH), "value"),
    State(_id("export-link", MATCH), "href"),
    State(_id("export-latest-link", MATCH), "href"),
)


def today() -> dt.date:
    """Today's date in Sweden (for file names)."""
    return swedish_today()


def retrieval_date(finished_at: dt.datetime | None) -> dt.date | None:
    """The Swedish date of a stored run time (naive UTC)."""
    if finished_at is None:
        return None
    return local_time(finished_at).date()


def export_filename(
    day: dt.date, selection: Selection | None = None, kind: str = FILE_SERIES
) -> str:
    """The file's name for a selection (:func:`indicators.export.export_filename` with the
    areas' names): ``hallbarhet-falun-2026-12-02.csv``, ``senaste-status-dalarna-2026-12-02.csv``
    (more than three areas, or no selection)."""
    areas = selection.areas if selection is not None else ()
    return _export_filename(day, [service.area_title(area) for area in areas], kind)


def parse(data: dict[str, Any] | None) -> Selection:
    """A store's selection checked against the dashboard's areas and catalogue."""
    return parse_selection(
        data,
        area_ids=service.AREA_ORDER,
        kpi_ids=[indicator.kpi_id for indicator in service.catalogue()],
    )


def _export_inputs(
    selection: Selection, observations: pd.DataFrame, areas: tuple[str, ...], kpis: tuple[str, ...]
) -> dict[str, Any]:
    """What :func:`indicators.export.export_table` takes besides the rows, for the rows of
    ``areas`` and ``kpis`` (``observations``: the cached table of the selection's genders)."""
    catalogue = service.catalogue()
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
    return {
        "status_table": status,
        "goal_lines": lines,
        "catalogue": catalogue,
        "goals": goals,
        "area_titles": {area: service.area_title(area) for area in service.AREA_ORDER},
        "levels": selection.levels,
        "data_origin": data_status.origin,
        "retrieved": retrieval_date(data_status.last_success),
        "threshold_set": selection.threshold_set,
        "assessments": assessments_for_export(service.engine(), areas, kpis),
    }


def selection_table(selection: Selection, *, limit: int | None = None) -> tuple[pd.DataFrame, int]:
    """The export table of a selection (its first ``limit`` rows) and its full row count."""
    observations = service.observations(selection.genders)
    chosen = select_observations(observations, selection)
    total = len(chosen)
    areas, kpis = selection.areas, selection.kpis
    if limit is not None:
        kpi_order = [i.kpi_id for i in service.catalogue()]
        chosen = sort_observations(chosen, service.AREA_ORDER, kpi_order).head(limit)
        areas = tuple(a for a in areas if a in set(chosen["area_id"]))
        kpis = tuple(k for k in kpis if k in set(chosen["kpi_id"]))
    table = export_table(chosen, **_export_inputs(selection, observations, areas, kpis))
    return table, total


def latest_table(selection: Selection) -> pd.DataFrame:
    """The selection's latest status (:func:`indicators.export.latest_status_table`): every
    area, indicator, gender and level of the selection, judged on the whole series (the
    selection's years do not apply)."""
    status = service.status(selection.threshold_set, selection.genders)
    status = status[
        status["area_id"].isin(selection.areas)
        & status["kpi_id"].isin(selection.kpis)
        & status["level"].isin(selection.levels)
    ]
    data_status = service.data_status()
    return latest_status_table(
        status,
        service.catalogue(),
        [goal for goal in service.goals() if goal.kpi_id in selection.kpis],
        area_titles={area: service.area_title(area) for area in service.AREA_ORDER},
        levels=selection.levels,
        data_origin=data_status.origin,
        retrieved=retrieval_date(data_status.last_success),
        threshold_set=selection.threshold_set,
    )


def selection_csv(
    selection: Selection, fmt: str, kind: str = FILE_SERIES
) -> tuple[Iterator[bytes], int]:
    """The selection's file ``kind`` (the time series or the latest status) in format ``fmt``
    as pieces of bytes (the same bytes as ``to_csv_bytes(selection_table(selection)[0], fmt)``,
    or ``to_csv_bytes(latest_table(selection), fmt)``) and its row count. Everything the file
    needs is read before this returns; the rows are written as the pieces are read."""
    if kind == FILE_LATEST:
        table = latest_table(selection)
        return table_chunks(table, fmt), len(table)
    observations = service.observations(selection.genders)
    chosen = select_observations(observations, selection)
    inputs = _export_inputs(selection, observations, selection.areas, selection.kpis)
    return csv_chunks(chosen, fmt=fmt, **inputs), len(chosen)
