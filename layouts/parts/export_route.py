"""The CSV download as a plain Flask route: ``GET /ladda-ner?omraden=…&format=excel-sv``.

Every page's "Ladda ner CSV" and "Ladda ner senaste status" are links here
(``layouts/parts/download.py`` keeps their addresses equal to the page's selection). The answer
is streamed: the file is written in pieces as it is sent
(:func:`layouts.parts.download.selection_csv`), so neither the time series' table nor the file
is held whole, and the browser saves it under a name that says what it holds and for which
areas: ``hallbarhet-falun-<date>.csv``, ``senaste-status-dalarna-<date>.csv``
(:func:`indicators.export.export_filename`).

The query names the selection as the Export page's address does (every key optional; the
defaults of :func:`indicators.export.parse_selection`):

========================  =======================================================================
``omraden``               area ids, comma-separated (empty: none)
``indikatorer``           KPI ids
``kon``                   ``T``, ``K``, ``M``
``fran``, ``till``        the first and last year (both or neither; neither: every year)
``niva``                  goal levels (``lokal``, ``regional``, ``nationell``, ``global``,
                          ``trend``)
``metod``                 the threshold set
``format``                ``csv`` (default) or ``excel-sv``
``fil``                   ``tidsserier`` (default: the time series), ``senaste-status``
                          (the latest status, whatever the years) or ``insatser-effekter``
                          (the areas' interventions × the indicators, with their effects)
========================  =======================================================================

The values are read strictly (``parse_selection(..., strict=True)``): an unknown value, a
parameter given twice, an unknown parameter, years that are not years or a query longer than
:data:`MAX_QUERY_BYTES` get status 400 (414 for the length) and a Swedish message naming the
parameter, as plain text – never a 500. Reading is open to everyone, as the pages are.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import flask
from dash import Dash
from werkzeug.datastructures import MultiDict

from indicators import service
from indicators.export import (
    FILE_EFFECTS,
    FILE_SERIES,
    FILES,
    FORMATS,
    Selection,
    SelectionError,
    parse_selection,
)
from layouts.parts import download, intervention_marks
from layouts.parts.download import FILE_PARAM, FORMAT_PARAM, PARAMS, ROUTE, YEAR_PARAMS

log = logging.getLogger(__name__)

ENDPOINT = "ladda_ner"
CONTENT_TYPE = "text/csv; charset=utf-8"
#: The longest query read: the longest real selection (every area and indicator) is about
#: 1 kB; gunicorn refuses request lines over 4 094 bytes before they get here.
MAX_QUERY_BYTES = 4096

_YEARS_NAME = f"{YEAR_PARAMS[0]}/{YEAR_PARAMS[1]}"
#: The selection's keys whose values are lists (comma-separated in the query).
_LIST_KEYS = ("areas", "kpis", "genders", "levels")


class BadQuery(ValueError):
    """A download query that is refused, with its Swedish message."""


def _names_of_key() -> dict[str, str]:
    return {**PARAMS, "years": _YEARS_NAME}


def _list(text: str) -> list[str]:
    """A comma-separated value: ``""`` is the empty list."""
    return [] if text == "" else text.split(",")


def read_file_kind(args: MultiDict[str, str]) -> str:
    """Which file a download query names (``fil``); :class:`BadQuery` for an unknown one."""
    kind = args.get(FILE_PARAM, FILE_SERIES)
    if kind not in FILES:
        raise BadQuery(
            f"Felaktig parameter {FILE_PARAM}: okänd fil {kind[:40]!r}; "
            f"välj {', '.join(FILES[:-1])} eller {FILES[-1]}."
        )
    return kind


def read_query(args: MultiDict[str, str]) -> tuple[Selection, str]:
    """The selection and format a download query names; :class:`BadQuery` for one that is
    refused (see the module documentation)."""
    known = {*PARAMS.values(), *YEAR_PARAMS, FORMAT_PARAM, FILE_PARAM}
    unknown = sorted(name for name in args if name not in known)
    if unknown:
        raise BadQuery(f"Okänd parameter: {unknown[0][:40]}. Tillåtna: {', '.join(sorted(known))}.")
    for name in args:
        if len(args.getlist(name)) > 1:
            raise BadQuery(f"Parametern {name} får bara anges en gång.")
    data: dict[str, object] = {
        key: _list(args[PARAMS[key]]) for key in _LIST_KEYS if PARAMS[key] in args
    }
    if PARAMS["threshold_set"] in args:
        data["threshold_set"] = args[PARAMS["threshold_set"]]
    given = [name for name in YEAR_PARAMS if name in args]
    if len(given) == 1:
        raise BadQuery(f"Ange både {YEAR_PARAMS[0]} och {YEAR_PARAMS[1]}, eller ingen av dem.")
    if given:
        data["years"] = [args[name] for name in YEAR_PARAMS]
    fmt = args.get(FORMAT_PARAM, FORMATS[0])
    if fmt not in FORMATS:
        raise BadQuery(
            f"Felaktig parameter {FORMAT_PARAM}: okänt format {fmt[:40]!r}; "
            f"välj {' eller '.join(FORMATS)}."
        )
    try:
        selection = parse_selection(
            data,
            area_ids=service.AREA_ORDER,
            kpi_ids=[indicator.kpi_id for indicator in service.catalogue()],
            strict=True,
        )
    except SelectionError as error:
        name = _names_of_key().get(error.key, error.key)
        raise BadQuery(f"Felaktig parameter {name}: {error.problem}.") from None
    return selection, fmt


def _refusal(message: str, status: int = 400) -> flask.Response:
    response = flask.make_response(message + "\n", status)
    response.mimetype = "text/plain"
    response.headers["Cache-Control"] = "no-store"
    return response


def _logged(chunks: Iterator[bytes], rows: int, fmt: str) -> Iterator[bytes]:
    """The pieces, with a log line when the last one has been sent."""
    started = time.perf_counter()
    sent = 0
    for chunk in chunks:
        sent += len(chunk)
        yield chunk
    log.info(
        "Export: %d rows as %s, %d bytes in %.2f s",
        rows,
        fmt,
        sent,
        time.perf_counter() - started,
    )


def download_csv() -> flask.Response:
    """``GET`` the download route: the selection's CSV, streamed."""
    request = flask.request
    if len(request.query_string) > MAX_QUERY_BYTES:
        return _refusal(
            f"Adressen är för lång: urvalet får vara högst {MAX_QUERY_BYTES} tecken.", 414
        )
    try:
        selection, fmt = read_query(request.args)
        kind = read_file_kind(request.args)
    except BadQuery as error:
        log.info("Refused a download: %s", error)
        return _refusal(str(error))
    if kind == FILE_EFFECTS:  # "Insatser och effekter"
        chunks, rows = intervention_marks.effects_csv(selection, fmt)
    else:
        chunks, rows = download.selection_csv(selection, fmt, kind)
    response = flask.Response(_logged(chunks, rows, fmt), content_type=CONTENT_TYPE)
    filename = download.export_filename(download.today(), selection, kind)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def install_export_route(app: Dash) -> None:
    """Serve the download route (:data:`layouts.parts.download.ROUTE`) on the app's server."""
    prefix = app.config.routes_pathname_prefix.rstrip("/")
    app.server.add_url_rule(prefix + ROUTE, ENDPOINT, download_csv, methods=["GET"])


__all__ = [
    "MAX_QUERY_BYTES",
    "BadQuery",
    "download_csv",
    "install_export_route",
    "read_file_kind",
    "read_query",
]
