"""Saving checked Kolada values into the database, inside the caller's transaction.

Upserts use the dialect's ``INSERT … ON CONFLICT`` (SQLite and PostgreSQL share one code path).
Observations are compared with what is stored first, so the change counts are exact: a key
is *inserted* when new, *updated* when its value, status or count differs, and unchanged rows
count as nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, select
from sqlalchemy.orm import Session

from data.db import DATA_ORIGIN_DEMO, DATA_ORIGIN_KEY, DATA_ORIGIN_KOLADA, get_meta, set_meta
from data.models import (
    SOURCE_KOLADA,
    Area,
    AreaGroup,
    EtlRun,
    GroupMean,
    Kpi,
    Observation,
    OwnIndicator,
)
from etl.transform import (
    DataValue,
    ObservationKey,
    group_mean_row,
    is_group_id,
    placeholder_area,
    placeholder_kpi,
)

log = logging.getLogger(__name__)

#: Meta key holding the ISO timestamp (UTC) of the last successful refresh from Kolada.
LAST_REFRESH_KEY = "last_refresh"

_KEY_COLUMNS = ("kpi_id", "area_id", "year", "gender")
_VALUE_COLUMNS = ("value", "status", "count")
#: Ids per ``IN (…)`` when reading stored observations.
_QUERY_CHUNK = 500

StoredValue = tuple[float | None, str, int | None]


@dataclass
class ChangeCounts:
    """Observations inserted, updated (value, status or count changed) and deleted."""

    inserted: int = 0
    updated: int = 0
    deleted: int = 0


@dataclass(frozen=True)
class Scope:
    """The KPIs × areas (× years; ``None`` = all years) one refresh answers for."""

    kpi_ids: tuple[str, ...]
    area_ids: tuple[str, ...]
    years: tuple[int, ...] | None = None

    @cached_property
    def _sets(self) -> tuple[frozenset[str], frozenset[str], frozenset[int] | None]:
        years = None if self.years is None else frozenset(self.years)
        return frozenset(self.kpi_ids), frozenset(self.area_ids), years

    def contains(self, key: ObservationKey) -> bool:
        kpi_id, area_id, year, _gender = key
        kpis, areas, years = self._sets
        return kpi_id in kpis and area_id in areas and (years is None or year in years)

    def as_json(self) -> dict[str, Any]:
        return {
            "kpis": sorted(self.kpi_ids),
            "areas": sorted(self.area_ids),
            "years": None if self.years is None else sorted(self.years),
        }

    def covered_by(self, stored: dict[str, Any] | None) -> bool:
        """Whether a scope stored with a run (:meth:`as_json`) includes all of this one."""
        if not isinstance(stored, dict):
            return False
        kpis, areas, years = stored.get("kpis"), stored.get("areas"), stored.get("years")
        if not isinstance(kpis, list) or not isinstance(areas, list):
            return False
        if not set(self.kpi_ids) <= set(kpis) or not set(self.area_ids) <= set(areas):
            return False
        if years is None:
            return True
        return self.years is not None and set(self.years) <= set(years)


def dialect_insert(session: Session, table: Table) -> Any:
    """``INSERT`` with ``on_conflict_do_update``/``_nothing`` for the session's database."""
    name = session.get_bind().dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        raise NotImplementedError(f"upserts are written for SQLite and PostgreSQL, not {name}")
    return insert(table)


def _upsert(session: Session, table: Table, rows: list[dict[str, Any]], keys: tuple[str, ...]):
    if not rows:
        return
    stmt = dialect_insert(session, table)
    columns = [name for name in rows[0] if name not in keys]
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={name: stmt.excluded[name] for name in columns}
    )
    session.execute(stmt, rows)


def _insert_missing(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        stmt = dialect_insert(session, table).on_conflict_do_nothing(index_elements=["id"])
        session.execute(stmt, rows)


def save_kpis(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    """Insert or replace KPI descriptions (placeholders included); returns how many."""
    rows = list({row["id"]: row for row in rows}.values())
    _upsert(session, Kpi.__table__, rows, ("id",))
    return len(rows)


def save_areas(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    """Insert or replace areas; returns how many."""
    rows = list({row["id"]: row for row in rows}.values())
    _upsert(session, Area.__table__, rows, ("id",))
    return len(rows)


def add_missing_kpis(session: Session, kpi_ids: Iterable[str]) -> None:
    """Stand-in rows for KPIs not stored yet; stored descriptions are left as they are."""
    _insert_missing(session, Kpi.__table__, [placeholder_kpi(i) for i in sorted(set(kpi_ids))])


def add_missing_areas(session: Session, area_ids: Iterable[str]) -> None:
    """Stand-in rows for areas not stored yet; stored areas are left as they are."""
    _insert_missing(session, Area.__table__, [placeholder_area(i) for i in sorted(set(area_ids))])


def replace_demo_data(session: Session) -> int:
    """When the database holds the bundled demo data, delete its observations, group means,
    KPIs and areas. The municipality groups stay: they are Kolada's own (the next full
    refresh replaces them).

    Returns the number of demo observations removed (0 when the data is not the demo's).
    """
    if get_meta(session, DATA_ORIGIN_KEY) != DATA_ORIGIN_DEMO:
        return 0
    kolada = Observation.source == SOURCE_KOLADA
    removed = session.scalar(select(func.count()).select_from(Observation).where(kolada)) or 0
    session.execute(delete(GroupMean.__table__))
    # Imported own statistics stay, with their indicators and areas.
    session.execute(delete(Observation.__table__).where(kolada))
    session.execute(delete(Kpi.__table__).where(Kpi.id.not_in(select(OwnIndicator.kpi_id))))
    session.execute(
        delete(Area.__table__).where(Area.id.not_in(select(Observation.area_id).distinct()))
    )
    log.info("Replacing the demo data (%d observations)", removed)
    return removed


def mark_kolada_origin(session: Session, refreshed_at: dt.datetime | None = None) -> None:
    """Record that the data now comes from Kolada (and when it was last refreshed)."""
    set_meta(session, DATA_ORIGIN_KEY, DATA_ORIGIN_KOLADA)
    if refreshed_at is not None:
        set_meta(session, LAST_REFRESH_KEY, refreshed_at.isoformat(timespec="seconds"))


def stored_observations(
    session: Session, kpi_ids: Collection[str], area_ids: Collection[str]
) -> dict[ObservationKey, StoredValue]:
    """The stored observations from Kolada of these KPIs × areas, by key (values of other
    sources, imported own statistics, are never compared, replaced or deleted by a refresh)."""
    table = Observation.__table__
    areas = set(area_ids)
    stored: dict[ObservationKey, StoredValue] = {}
    kpis = sorted(set(kpi_ids))
    for start in range(0, len(kpis), _QUERY_CHUNK):
        stmt = select(*(table.c[name] for name in _KEY_COLUMNS + _VALUE_COLUMNS)).where(
            table.c.kpi_id.in_(kpis[start : start + _QUERY_CHUNK]),
            table.c.source == SOURCE_KOLADA,
        )
        if len(areas) <= _QUERY_CHUNK:
            stmt = stmt.where(table.c.area_id.in_(sorted(areas)))
        for kpi_id, area_id, year, gender, value, status, count in session.execute(stmt):
            if area_id in areas:
                stored[(kpi_id, area_id, year, gender)] = (value, status or "", count)
    return stored


def save_observations(
    session: Session, values: Iterable[DataValue], *, full_scope: Scope | None = None
) -> ChangeCounts:
    """Store values (later ones win), delete withdrawn ones (``isdeleted``) and, given the
    scope of a full refresh, delete stored observations of that scope Kolada did not return.

    Missing KPIs and areas get stand-in rows so every observation has its references.
    """
    kept: dict[ObservationKey, DataValue] = {}
    withdrawn: set[ObservationKey] = set()
    for value in values:
        if value.deleted:
            kept.pop(value.key, None)
            withdrawn.add(value.key)
        else:
            withdrawn.discard(value.key)
            kept[value.key] = value
    keys = kept.keys() | withdrawn
    kpi_ids = {key[0] for key in keys} | set(full_scope.kpi_ids if full_scope else ())
    area_ids = {key[1] for key in keys} | set(full_scope.area_ids if full_scope else ())
    stored = stored_observations(session, kpi_ids, area_ids)

    counts = ChangeCounts()
    changed: list[dict[str, Any]] = []
    for key, value in kept.items():
        before = stored.get(key)
        if before == (value.value, value.status, value.count):
            continue
        if before is None:
            counts.inserted += 1
        else:
            counts.updated += 1
        changed.append(
            dict(zip(_KEY_COLUMNS, key, strict=True))
            | {"value": value.value, "status": value.status, "count": value.count}
        )
    doomed = {key for key in withdrawn if key in stored}
    if full_scope is not None:
        doomed |= {key for key in stored if key not in kept and full_scope.contains(key)}
    counts.deleted = len(doomed)

    add_missing_kpis(session, {key[0] for key in kept})
    add_missing_areas(session, {key[1] for key in kept})
    _delete_observations(session, sorted(doomed))
    _upsert(session, Observation.__table__, changed, _KEY_COLUMNS)
    log.info(
        "Observations: %d inserted, %d updated, %d deleted, %d unchanged",
        counts.inserted,
        counts.updated,
        counts.deleted,
        len(kept) - counts.inserted - counts.updated,
    )
    return counts


def _delete_observations(session: Session, keys: list[ObservationKey]) -> None:
    if not keys:
        return
    table = Observation.__table__
    stmt = delete(table).where(
        *(table.c[name] == bindparam(f"key_{name}") for name in _KEY_COLUMNS)
    )
    session.execute(
        stmt, [{f"key_{n}": v for n, v in zip(_KEY_COLUMNS, key, strict=True)} for key in keys]
    )


# --- group means ---------------------------------------------------------------------------

#: (kpi_id, group_id, year, gender): the key of one stored group mean.
GroupMeanKey = tuple[str, str, int, str]
_GROUP_MEAN_KEY = ("kpi_id", "group_id", "gender", "year")


def save_group_values(
    session: Session, values: Iterable[DataValue], *, full_scope: Scope | None = None
) -> int:
    """Store the values Kolada answered for group ids as group means (later ones win) and
    delete withdrawn ones (``isdeleted``). Given the scope of a full refresh, first delete
    the stored means of its groups (the group ids among its areas) for its KPIs and years,
    so that means Kolada no longer has do not linger. Every group must be stored already.

    Returns the number of means stored.
    """
    kept: dict[GroupMeanKey, DataValue] = {}
    withdrawn: set[GroupMeanKey] = set()
    for value in values:
        if value.deleted:
            kept.pop(value.key, None)
            withdrawn.add(value.key)
        else:
            withdrawn.discard(value.key)
            kept[value.key] = value
    if full_scope is not None:
        _delete_scope_means(session, full_scope)
    for kpi_id, group_id, year, gender in sorted(withdrawn):
        session.execute(
            delete(GroupMean.__table__).where(
                GroupMean.kpi_id == kpi_id,
                GroupMean.group_id == group_id,
                GroupMean.year == year,
                GroupMean.gender == gender,
            )
        )
    add_missing_kpis(session, {key[0] for key in kept})
    # One INSERT … ON CONFLICT for all rows, as for observations: data.groups.save_group_means
    # merges row by row (a query each), some 1.5 ms a row — 50 s for the default scope's
    # 34,000 means, a quarter of an hour for every municipality's.
    rows = [
        {
            "kpi_id": row.kpi_id,
            "group_id": row.group_id,
            "gender": row.gender,
            "year": row.year,
            "value": row.value,
            "count": row.count,
            "status": row.status,
        }
        for row in map(group_mean_row, kept.values())
    ]
    _upsert(session, GroupMean.__table__, rows, _GROUP_MEAN_KEY)
    log.info("Group means: %d stored, %d withdrawn", len(rows), len(withdrawn))
    return len(rows)


def _delete_scope_means(session: Session, scope: Scope) -> None:
    groups = sorted(area_id for area_id in scope.area_ids if is_group_id(area_id))
    kpis = sorted(set(scope.kpi_ids))
    if not groups or not kpis:
        return
    for start in range(0, len(kpis), _QUERY_CHUNK):
        stmt = delete(GroupMean.__table__).where(
            GroupMean.group_id.in_(groups),
            GroupMean.kpi_id.in_(kpis[start : start + _QUERY_CHUNK]),
        )
        if scope.years is not None:
            stmt = stmt.where(GroupMean.year.in_(sorted(scope.years)))
        session.execute(stmt)


# --- reading back ------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiCoverage:
    """How much of one KPI is stored."""

    kpi_id: str
    title: str
    rows: int
    areas: int
    newest_year: int | None


def recent_runs(session: Session, limit: int = 10) -> list[EtlRun]:
    """The latest ETL runs, newest first."""
    return list(session.scalars(select(EtlRun).order_by(EtlRun.id.desc()).limit(limit)))


def group_counts(session: Session) -> tuple[int, int]:
    """The number of stored municipality groups and group means."""
    groups = session.scalar(select(func.count()).select_from(AreaGroup)) or 0
    means = session.scalar(select(func.count()).select_from(GroupMean)) or 0
    return groups, means


def kpi_coverage(session: Session) -> list[KpiCoverage]:
    """Per KPI with stored observations: rows, areas and the newest year, by KPI id."""
    o = Observation.__table__.c
    stmt = (
        select(
            o.kpi_id,
            Kpi.title,
            func.count(),
            func.count(o.area_id.distinct()),
            func.max(o.year),
        )
        .select_from(Observation.__table__)
        .join(Kpi, Kpi.id == o.kpi_id)
        .group_by(o.kpi_id, Kpi.title)
        .order_by(o.kpi_id)
    )
    return [KpiCoverage(*row) for row in session.execute(stmt)]
