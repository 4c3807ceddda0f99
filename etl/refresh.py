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

Municipality groups: every refresh reads Kolada's groups (one request) and keeps the scope
municipalities' similar municipalities, SKR's municipality groups and the scope's counties'
groups. The scope municipalities' groups of similar municipalities are areas of the scope like
any other: their values, Kolada's unweighted means of the members, are asked for with the
same from_date and stored as group means, never as observations.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data.areas import DEFAULT_AREAS
from data.db import DATA_ORIGIN_KEY, DATA_ORIGIN_KOLADA, get_meta
from data.groups import GroupRecord, save_groups
from data.locks import ETL_LOCK, LockBusyError, hold
from data.models import GROUP_SIMILAR, Area, AreaGroup, EtlRun, utcnow
from etl.kolada import (
    KoladaClient,
    fetch_areas,
    fetch_group_members,
    fetch_kpis,
    fetch_municipality_groups,
    fetch_observations,
    unique,
)
from etl.store import (
    ChangeCounts,
    Scope,
    mark_kolada_origin,
    replace_demo_data,
    save_areas,
    save_group_values,
    save_kpis,
    save_observations,
)
from etl.transform import (
    DataValue,
    KoladaFormatError,
    KoladaGroup,
    Page,
    area_county,
    is_group_id,
    page_kind,
    parse_area,
    parse_data_item,
    parse_kpi,
    parse_municipality_group,
    parse_page,
    select_groups,
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
    #: Municipality groups stored, and group means stored.
    groups: int = 0
    group_means: int = 0


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


@dataclass(frozen=True)
class _Plan:
    """What a refresh asks Kolada for values of, and the metadata fetched to decide it."""

    kpi_ids: list[str]
    kpi_rows: list[dict[str, Any]]
    area_rows: list[dict[str, Any]]
    groups: list[GroupRecord]
    #: The scope's areas, the similar municipalities fetched beside them and the scope
    #: municipalities' groups of similar municipalities (for their means).
    data_area_ids: list[str]


def _plan(
    client: KoladaClient,
    kpis: list[str],
    *,
    all_municipalities: bool,
    similar_municipalities: bool,
) -> _Plan:
    """Fetch the KPIs', areas' and municipality groups' metadata and decide what to ask for."""
    area_rows = list(fetch_areas(client)) if all_municipalities else None
    area_ids = [row["id"] for row in area_rows] if area_rows is not None else list(DEFAULT_AREAS)
    kpi_rows = list(fetch_kpis(client, kpis))
    _warn_unknown("KPIs", kpis, kpi_rows)
    if area_rows is None:
        area_rows = list(fetch_areas(client, area_ids))
        _warn_unknown("areas", area_ids, area_rows)
    municipalities = {row["id"]: row["title"] for row in area_rows if row["type"] == "K"}
    counties = {row["county"] for row in area_rows if row["type"] == "K" and row["county"]}
    groups = select_groups(fetch_municipality_groups(client), municipalities, counties)
    similar = [group for group in groups if group.kind == GROUP_SIMILAR]
    without = sorted(set(municipalities) - {group.made_for for group in similar})
    if without:
        log.warning("Kolada has no similar municipalities for: %s", ", ".join(without))
    member_rows = _member_areas(similar, area_ids) if similar_municipalities else []
    data_area_ids = unique(
        [*area_ids, *(row["id"] for row in member_rows), *(group.id for group in similar)]
    )
    if similar_municipalities:
        log.info(
            "Similar municipalities: %d besides the scope's areas, in %d groups",
            len(member_rows),
            len(similar),
        )
    return _Plan(kpis, kpi_rows, area_rows + member_rows, groups, data_area_ids)


def _member_areas(similar: Iterable[GroupRecord], area_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The groups' members not among ``area_ids`` as Area rows, named as the groups name them."""
    known = set(area_ids)
    rows: dict[str, dict[str, Any]] = {}
    for group in similar:
        for member in group.members:
            if member.id not in known and member.id not in rows:
                rows[member.id] = {
                    "id": member.id,
                    "title": member.title,
                    "type": "K",
                    "county": area_county(member.id, "K"),
                }
    return list(rows.values())


@one_run_at_a_time
def refresh(
    engine: Engine,
    client: KoladaClient,
    *,
    kpi_ids: Sequence[str] | None = None,
    group: str | None = None,
    all_municipalities: bool = False,
    similar_municipalities: bool = False,
    years: Sequence[int] | None = None,
    full: bool = False,
    progress: Progress | None = None,
) -> RunSummary:
    """Fetch the scope's KPIs, areas, municipality groups and values from Kolada and store
    them in one transaction.

    Default scope: the catalogue's KPIs and the supporting ones (:func:`default_kpi_ids`) ×
    :data:`data.areas.DEFAULT_AREAS`, all years. Kolada's municipality groups are read in one
    request (:func:`etl.transform.select_groups` says which are kept); the ids of the scope
    municipalities' groups of similar municipalities join the data requests' area segments,
    and their answers — the groups' unweighted means — are stored as group means.
    ``similar_municipalities`` also fetches the values of those groups' members, stored as
    areas of their own.

    Incremental runs upsert the groups and merge the means Kolada reports as changed. A full
    run replaces every stored group (``replace_all``) and the stored means of the scope's
    groups for its KPIs (and years). A newer group of similar municipalities is a new area
    of the scope, so the first run after Kolada publishes one reads everything.
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
        plan = _plan(
            client,
            resolve_kpi_ids(client, kpi_ids, group),
            all_municipalities=all_municipalities,
            similar_municipalities=similar_municipalities,
        )
        scope = Scope(
            tuple(plan.kpi_ids),
            tuple(plan.data_area_ids),
            tuple(sorted(set(years))) if years else None,
        )
        run["scope"] = scope.as_json() | {
            "group": group,
            "all_municipalities": all_municipalities,
            "similar_municipalities": similar_municipalities,
        }
        from_date = None if full else incremental_from_date(engine, scope)
        run.update(full=from_date is None, from_date=from_date)
        log.info(
            "Refreshing %d KPIs × %d areas and groups, %s",
            len(plan.kpi_ids),
            len(plan.data_area_ids),
            f"changed since {from_date}" if from_date else "everything",
        )
        values = list(
            fetch_observations(
                client,
                plan.kpi_ids,
                plan.data_area_ids,
                years=years,
                from_date=from_date,
                on_path_done=progress,
            )
        )
        means = [value for value in values if is_group_id(value.area_id)]
        values = [value for value in values if not is_group_id(value.area_id)]

        with Session(engine) as session, session.begin():
            replace_demo_data(session)
            save_kpis(session, plan.kpi_rows)
            save_areas(session, plan.area_rows)
            stored_groups = save_groups(session, plan.groups, replace_all=from_date is None)
            full_scope = scope if from_date is None else None
            counts = save_observations(session, values, full_scope=full_scope)
            stored_means = save_group_values(session, means, full_scope=full_scope)
            finished = utcnow()
            mark_kolada_origin(session, refreshed_at=finished.replace(tzinfo=dt.UTC))
            run_id = _record(session, run, counts, finished, client.requests_made - requests_before)
    except BaseException as exc:
        run["http_requests"] = client.requests_made - requests_before
        record_failure(engine, run, exc)
        raise
    log.info("Refresh done in %d requests", client.requests_made - requests_before)
    return _summary(
        run_id,
        run,
        counts,
        client.requests_made - requests_before,
        clock,
        kpis=len(plan.kpi_rows),
        areas=len(plan.area_rows),
        groups=stored_groups,
        group_means=stored_means,
    )


@dataclass
class _Loaded:
    """Everything read from saved pages, checked, before it is stored."""

    kpi_rows: list[dict[str, Any]] = field(default_factory=list)
    area_rows: list[dict[str, Any]] = field(default_factory=list)
    values: list[DataValue] = field(default_factory=list)
    means: list[DataValue] = field(default_factory=list)
    groups: list[KoladaGroup] = field(default_factory=list)
    #: Where each group id was first seen in data: (file, item).
    mean_sources: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add_page(self, page: Page) -> None:
        kind = page_kind(page)
        log.info("%s: %d %s items", page.source, len(page.values), kind)
        items = [(item, f"values[{index}]") for index, item in enumerate(page.values)]
        if kind == "data":
            for item, where in items:
                for value in parse_data_item(item, page.source, where):
                    if is_group_id(value.area_id):
                        self.means.append(value)
                        self.mean_sources.setdefault(value.area_id, (page.source, where))
                    else:
                        self.values.append(value)
        elif kind == "kpi":
            self.kpi_rows.extend(parse_kpi(item, page.source, where) for item, where in items)
        elif kind == "municipality":
            self.area_rows.extend(parse_area(item, page.source, where) for item, where in items)
        elif kind == "municipality_group":
            self.groups.extend(
                parse_municipality_group(item, page.source, where) for item, where in items
            )
        elif kind == "kpi_group":
            raise KoladaFormatError(
                page.source,
                "values[0]",
                "data, KPI, area or municipality group items, not KPI groups",
            )

    def kept_groups(self, session: Session) -> list[GroupRecord]:
        """The loaded groups the dashboard keeps (:func:`etl.transform.select_groups`): the
        similar municipalities of the municipalities stored or loaded now, SKR's groups and
        every county's group."""
        if not self.groups:
            return []
        stored = session.execute(select(Area.id, Area.title).where(Area.type == "K"))
        municipalities: dict[str, str] = {area_id: title for area_id, title in sorted(stored)}
        municipalities |= {row["id"]: row["title"] for row in self.area_rows if row["type"] == "K"}
        counties = {member.id[:2] for group in self.groups for member in group.members}
        return select_groups(self.groups, municipalities, counties)

    def check_means(self, session: Session, groups: Iterable[GroupRecord]) -> None:
        """Every group mean must be of a stored group or of one loaded now."""
        known = set(session.scalars(select(AreaGroup.id))) | {group.id for group in groups}
        for group_id, (source, where) in self.mean_sources.items():
            if group_id not in known:
                raise KoladaFormatError(
                    source,
                    f"{where}.municipality",
                    "a municipality group already stored or loaded with its "
                    "/municipality_groups page (similar municipalities of a known "
                    "municipality, SKR's or a county's)",
                    group_id,
                )


@one_run_at_a_time
def load_files(engine: Engine, paths: Sequence[Path]) -> RunSummary:
    """Store saved Kolada pages (data, KPI, area or municipality group pages, told apart by
    their items).

    Every file is read and checked before anything is written; all are stored in one
    transaction. KPIs and areas seen only in data get stand-in rows until their metadata
    is loaded or refreshed. Values of group ids (``G…``) are group means: their group must be
    stored or loaded with them. Of a municipality group page, the groups
    :func:`etl.transform.select_groups` keeps are stored — similar municipalities of the
    municipalities stored or loaded with it, SKR's groups, every county's group — beside
    the stored ones.
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
        loaded = _Loaded()
        for path in paths:
            page = read_saved_page(path)
            loaded.add_page(page)
            if page.next_url:
                log.warning("%s: only this page was saved; the next one is not loaded", path)

        with Session(engine) as session, session.begin():
            groups = loaded.kept_groups(session)
            loaded.check_means(session, groups)
            replace_demo_data(session)
            save_kpis(session, loaded.kpi_rows)
            save_areas(session, loaded.area_rows)
            stored_groups = save_groups(session, groups, replace_all=False)
            counts = save_observations(session, loaded.values)
            stored_means = save_group_values(session, loaded.means)
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
        kpis=len({row["id"] for row in loaded.kpi_rows}),
        areas=len({row["id"] for row in loaded.area_rows}),
        groups=stored_groups,
        group_means=stored_means,
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
    groups: int = 0,
    group_means: int = 0,
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
        groups=groups,
        group_means=group_means,
    )


def _warn_unknown(what: str, asked: Iterable[str], rows: Iterable[dict[str, Any]]) -> None:
    missing = sorted(set(asked) - {row["id"] for row in rows})
    if missing:
        log.warning("Kolada does not describe these %s: %s", what, ", ".join(missing))
