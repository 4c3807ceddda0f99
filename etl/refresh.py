"""Refreshing from Kolada and loading saved pages: fetch and check everything, then write once.

A run either changes the database completely or not at all. Everything is fetched and checked
first; the writes, the ``meta`` facts and the run's own :class:`~data.models.EtlRun` record then
share one transaction. A failed run is recorded in a transaction of its own and its error is
raised again.

Incremental refresh: unless ``full`` is asked for, a refresh asks Kolada only for values changed
since the *start date* (UTC) of the latest successful refresh whose scope covers this one
(same or more KPIs and areas, all years or the same years). Runs of other scopes do not count:
they say nothing about the values of KPIs or areas they did not read. When no such run exists,
or the database holds demo data, the refresh reads everything, and that counts as a full refresh:
stored observations of the scope that Kolada no longer returns are deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data.areas import DEFAULT_AREAS
from data.db import DATA_ORIGIN_KEY, DATA_ORIGIN_KOLADA, get_meta
from data.locks import ETL_LOCK, LockBusyError, hold
from data.models import EtlRun, utcnow
from etl.kolada import (
    KoladaClient,
    fetch_areas,
    fetch_group_members,
    fetch_kpis,
    fetch_observations,
    unique,
)
from etl.store import (
    ChangeCounts,
    Scope,
    mark_kolada_origin,
    replace_demo_data,
    save_areas,
    save_kpis,
    save_observations,
)
from etl.transform import (
    DataValue,
    KoladaFormatError,
    Page,
    page_kind,
    parse_area,
    parse_data_item,
    parse_kpi,
    parse_page,
)
from indicators.catalogue import OWN_PREFIX, CatalogueError, load_catalogue
from indicators.per_inhabitant import SUPPORTING_KPIS

log = logging.getLogger(__name__)

KIND_REFRESH = "refresh"
KIND_LOAD = "load"

#: Called after each data request path is read: (paths done, paths in all).
Progress = Callable[[int, int], None]
P = ParamSpec("P")
R = TypeVar("R")


class ScopeError(ValueError):
    """The KPIs or areas to refresh cannot be determined."""


@dataclass(frozen=True)
class RunSummary:
    """What one successful run did."""

    run_id: int
    kind: str
    full: bool
    from_date: dt.date | None
    http_requests: int
    inserted: int
    updated: int
    deleted: int
    seconds: float
    kpis: int = 0
    areas: int = 0


class RunInProgressError(RuntimeError):
    """Another refresh or load is writing to the same database (on this host or another):
    this run stopped before reading or writing anything."""

    def __init__(self, busy: LockBusyError) -> None:
        since = f"sedan {busy.since.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC" if busy.since else ""
        where = ", ".join(part for part in (busy.where, since) if part)
        super().__init__(
            "En annan uppdatering eller inläsning pågår redan mot samma databas"
            + (f" ({where})" if where else "")
            + "; den här körningen avbröts utan att ändra något. Försök igen när den är klar."
        )


def one_run_at_a_time(
    run: Callable[Concatenate[Engine, P], R],
) -> Callable[Concatenate[Engine, P], R]:
    """Hold the ETL's lock (:data:`data.locks.ETL_LOCK`) while ``run`` runs, so that two
    refreshes or loads never overlap, whichever hosts they run on; raise
    :class:`RunInProgressError` at once, before anything is read or written, when another run
    holds it."""

    @functools.wraps(run)
    def locked(engine: Engine, *args: P.args, **kwargs: P.kwargs) -> R:
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(hold(engine, ETL_LOCK))
            except LockBusyError as busy:
                raise RunInProgressError(busy) from None
            return run(engine, *args, **kwargs)

    return locked


# --- scope -------------------------------------------------------------------------------


def default_kpi_ids() -> list[str]:
    """The KPIs of the project's indicator catalogue, in catalogue order, followed by the
    supporting KPIs the dashboard computes with (the population,
    :data:`indicators.per_inhabitant.SUPPORTING_KPIS`)."""
    try:
        catalogue = load_catalogue()
    except CatalogueError as exc:
        raise ScopeError(
            f"the indicator catalogue cannot be read ({exc}); name KPIs with --kpi or --group"
        ) from exc
    # Own indicators (imported from files, ids beginning with EGEN_) are not Kolada's.
    ids = unique(i.kpi_id for i in catalogue if not i.kpi_id.startswith(OWN_PREFIX))
    if not ids:
        raise ScopeError("the indicator catalogue lists no KPIs; name KPIs with --kpi or --group")
    return unique([*ids, *SUPPORTING_KPIS])


def resolve_kpi_ids(
    client: KoladaClient, kpi_ids: Sequence[str] | None, group: str | None
) -> list[str]:
    """The named KPIs plus the members of the named Kolada KPI group, else the catalogue's."""
    ids = list(kpi_ids or ())
    if group:
        ids += fetch_group_members(client, group)
    if kpi_ids or group:
        ids = unique(ids)
        if not ids:
            raise ScopeError(f"the KPI group {group!r} has no members")
        return ids
    return default_kpi_ids()


def incremental_from_date(engine: Engine, scope: Scope) -> dt.date | None:
    """The ``from_date`` for an incremental refresh of ``scope``; ``None`` = read everything."""
    with Session(engine) as session:
        if get_meta(session, DATA_ORIGIN_KEY) != DATA_ORIGIN_KOLADA:
            return None
        runs = session.scalars(
            select(EtlRun)
            .where(EtlRun.kind == KIND_REFRESH, EtlRun.outcome == "success")
            .order_by(EtlRun.started_at.desc(), EtlRun.id.desc())
        )
        for run in runs:
            if scope.covered_by(run.scope):
                return run.started_at.date()
    return None


# --- runs --------------------------------------------------------------------------------


@one_run_at_a_time
def refresh(
    engine: Engine,
    client: KoladaClient,
    *,
    kpi_ids: Sequence[str] | None = None,
    group: str | None = None,
    all_municipalities: bool = False,
    years: Sequence[int] | None = None,
    full: bool = False,
    progress: Progress | None = None,
) -> RunSummary:
    """Fetch the scope's KPIs, areas and values from Kolada and store them in one transaction.

    Default scope: the catalogue's KPIs and the supporting ones (:func:`default_kpi_ids`) ×
    :data:`data.areas.DEFAULT_AREAS`, all years.
    """
    started, clock = utcnow(), time.perf_counter()
    requests_before = client.requests_made
    run: dict[str, Any] = {
        "kind": KIND_REFRESH,
        "started_at": started,
        "scope": {"kpis": sorted(kpi_ids or ()), "group": group},
        "full": full,
        "from_date": None,
    }
    try:
        kpis = resolve_kpi_ids(client, kpi_ids, group)
        area_rows = list(fetch_areas(client)) if all_municipalities else None
        area_ids = (
            [row["id"] for row in area_rows] if area_rows is not None else list(DEFAULT_AREAS)
        )
        scope = Scope(tuple(kpis), tuple(area_ids), tuple(sorted(set(years))) if years else None)
        run["scope"] = scope.as_json() | {"group": group, "all_municipalities": all_municipalities}
        from_date = None if full else incremental_from_date(engine, scope)
        run.update(full=from_date is None, from_date=from_date)
        log.info(
            "Refreshing %d KPIs × %d areas, %s",
            len(kpis),
            len(area_ids),
            f"changed since {from_date}" if from_date else "everything",
        )

        kpi_rows = list(fetch_kpis(client, kpis))
        _warn_unknown("KPIs", kpis, kpi_rows)
        if area_rows is None:
            area_rows = list(fetch_areas(client, area_ids))
            _warn_unknown("areas", area_ids, area_rows)
        values = list(
            fetch_observations(
                client, kpis, area_ids, years=years, from_date=from_date, on_path_done=progress
            )
        )

        with Session(engine) as session, session.begin():
            replace_demo_data(session)
            save_kpis(session, kpi_rows)
            save_areas(session, area_rows)
            counts = save_observations(
                session, values, full_scope=scope if from_date is None else None
            )
            finished = utcnow()
            mark_kolada_origin(session, refreshed_at=finished.replace(tzinfo=dt.UTC))
            run_id = _record(session, run, counts, finished, client.requests_made - requests_before)
    except BaseException as exc:
        run["http_requests"] = client.requests_made - requests_before
        record_failure(engine, run, exc)
        raise
    return _summary(
        run_id,
        run,
        counts,
        client.requests_made - requests_before,
        clock,
        kpis=len(kpi_rows),
        areas=len(area_rows),
    )


@one_run_at_a_time
def load_files(engine: Engine, paths: Sequence[Path]) -> RunSummary:
    """Store saved Kolada pages (data, KPI or area pages, told apart by their items).

    Every file is read and checked before anything is written; all are stored in one
    transaction. KPIs and areas seen only in data get stand-in rows until their metadata
    is loaded or refreshed.
    """
    started, clock = utcnow(), time.perf_counter()
    run: dict[str, Any] = {
        "kind": KIND_LOAD,
        "started_at": started,
        "scope": {"files": [str(path) for path in paths]},
        "full": False,
        "from_date": None,
    }
    try:
        kpi_rows: list[dict[str, Any]] = []
        area_rows: list[dict[str, Any]] = []
        values: list[DataValue] = []
        for path in paths:
            page = read_saved_page(path)
            kind = page_kind(page)
            log.info("%s: %d %s items", path, len(page.values), kind)
            items = [(item, f"values[{index}]") for index, item in enumerate(page.values)]
            if kind == "data":
                for item, where in items:
                    values.extend(parse_data_item(item, page.source, where))
            elif kind == "kpi":
                kpi_rows.extend(parse_kpi(item, page.source, where) for item, where in items)
            elif kind == "municipality":
                area_rows.extend(parse_area(item, page.source, where) for item, where in items)
            elif kind == "kpi_group":
                raise KoladaFormatError(
                    page.source, "values[0]", "data, KPI or area items, not KPI groups"
                )
            if page.next_url:
                log.warning("%s: only this page was saved; the next one is not loaded", path)

        with Session(engine) as session, session.begin():
            replace_demo_data(session)
            save_kpis(session, kpi_rows)
            save_areas(session, area_rows)
            counts = save_observations(session, values)
            mark_kolada_origin(session)
            run_id = _record(session, run, counts, utcnow(), 0)
    except BaseException as exc:
        record_failure(engine, run, exc)
        raise
    return _summary(
        run_id,
        run,
        counts,
        0,
        clock,
        kpis=len({row["id"] for row in kpi_rows}),
        areas=len({row["id"] for row in area_rows}),
    )


def read_saved_page(path: Path) -> Page:
    """A saved API page from a file; errors name the file and, for bad JSON, line and column."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KoladaFormatError(source, f"byte {exc.start}", "UTF-8 text") from exc
    except OSError as exc:
        raise FileNotFoundError(f"{source}: cannot be read: {exc.strerror}") from exc
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KoladaFormatError(
            source, f"line {exc.lineno} column {exc.colno}", "valid JSON", detail=exc.msg
        ) from exc
    return parse_page(body, source)


# --- run records -------------------------------------------------------------------------


def _record(
    session: Session,
    run: dict[str, Any],
    counts: ChangeCounts,
    finished: dt.datetime,
    http_requests: int,
) -> int:
    record = EtlRun(
        **run,
        finished_at=finished,
        outcome="success",
        http_requests=http_requests,
        rows_inserted=counts.inserted,
        rows_updated=counts.updated,
        rows_deleted=counts.deleted,
    )
    session.add(record)
    session.flush()
    return record.id


def record_failure(engine: Engine, run: dict[str, Any], error: BaseException) -> None:
    """Log a failed run in its own transaction (the run's own writes were rolled back)."""
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    try:
        with Session(engine) as session, session.begin():
            session.add(EtlRun(**run, finished_at=utcnow(), outcome="failed", error=text))
    except Exception as exc:  # the database itself may be what failed
        log.warning("The failed run could not be recorded: %s", str(exc).splitlines()[0])


def _summary(
    run_id: int,
    run: dict[str, Any],
    counts: ChangeCounts,
    requests: int,
    clock: float,
    *,
    kpis: int,
    areas: int,
) -> RunSummary:
    return RunSummary(
        run_id=run_id,
        kind=run["kind"],
        full=run["full"],
        from_date=run["from_date"],
        http_requests=requests,
        inserted=counts.inserted,
        updated=counts.updated,
        deleted=counts.deleted,
        seconds=time.perf_counter() - clock,
        kpis=kpis,
        areas=areas,
    )


def _warn_unknown(what: str, asked: Iterable[str], rows: Iterable[dict[str, Any]]) -> None:
    missing = sorted(set(asked) - {row["id"] for row in rows})
    if missing:
        log.warning("Kolada does not describe these %s: %s", what, ", ".join(missing))
