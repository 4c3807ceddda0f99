"""Read-only queries returning tidy DataFrames for the dashboard, exports and benchmarks.

Every function that reads the database takes an engine and plain arguments and returns a new
DataFrame (or a small record); none keeps state between calls. The primary key of
``observations`` (KPI, area, year, gender) and its composite indexes (area, KPI, gender, year)
and (KPI, gender, year) serve these queries. :func:`latest_matrix` reshapes a result without
reading anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Select, func, select
from sqlalchemy.orm import Session

from data.areas import RIKET
from data.db import DATA_ORIGIN_KEY, get_meta
from data.goals import ORIGIN_CATALOGUE
from data.models import (
    SOURCE_KOLADA,
    Area,
    EtlRun,
    Goal,
    GoalChange,
    Kpi,
    Observation,
    OwnIndicator,
    RecordChange,
)

OBSERVATION_COLUMNS = ["kpi_id", "area_id", "year", "gender", "value", "status"]
OBSERVATION_DTYPES = {
    "kpi_id": "str",
    "area_id": "str",
    "year": "int64",
    "gender": "str",
    "value": "float64",
    "status": "str",
}
LATEST_COLUMNS = ["kpi_id", "area_id", "year", "value"]
#: ``area_type`` values of :func:`values_for_year` and :func:`newest_year`: municipalities,
#: regions (without Riket), every area.
MUNICIPALITIES, REGIONS, ALL_AREAS = "K", "L", "all"
AREA_TYPES: tuple[str, ...] = (MUNICIPALITIES, REGIONS, ALL_AREAS)


def _in(column, values: Iterable[str] | None):
    values = None if values is None else list(values)
    return None if values is None else column.in_(values)


#: Drivers whose cursors return rows as tuples of plain Python values (psycopg's default).
_PLAIN_ROW_DRIVERS = ("pysqlite", "psycopg")


def _fetch(connection: Connection, stmt: Select) -> Sequence[tuple[Any, ...]]:
    """The rows of ``stmt`` as plain tuples.

    On SQLite and on PostgreSQL through psycopg the rows are taken straight from the driver's
    cursor: the selected columns are text, whole numbers and floats, which these drivers
    already return as Python values, and their tuples make a DataFrame several times faster
    than SQLAlchemy's row objects do (this matters for results of tens of thousands of rows;
    30 000 rows from PostgreSQL: 45 ms instead of 120–160 ms). Other drivers go through
    SQLAlchemy's rows.
    """
    result = connection.execute(stmt)
    if connection.dialect.driver in _PLAIN_ROW_DRIVERS and result.cursor is not None:
        rows = result.cursor.fetchall()
        result.close()
        return rows
    return [tuple(row) for row in result]


def _frame(rows: Sequence[tuple[Any, ...]], dtypes: dict[str, str]) -> pd.DataFrame:
    """A DataFrame with the columns and dtypes ``dtypes`` from row tuples in that order.

    Built column by column from one object array, which spares pandas inferring each column's
    type (a third of the time for large results); text columns get pandas' string dtype, as
    they would from ``pd.DataFrame(rows)``.
    """
    if not rows:
        return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in dtypes.items()})
    table = np.array(rows, dtype=object)
    return pd.DataFrame(
        {
            name: (
                pd.array(table[:, i], dtype="str") if dtype == "str" else table[:, i].astype(dtype)
            )
            for i, (name, dtype) in enumerate(dtypes.items())
        }
    )


def observations(
    engine: Engine,
    *,
    kpi_ids: Iterable[str] | None = None,
    area_ids: Iterable[str] | None = None,
    genders: Sequence[str] | None = ("T",),
    first_year: int | None = None,
    last_year: int | None = None,
    with_values_only: bool = False,
) -> pd.DataFrame:
    """Observations as a tidy table: kpi_id, area_id, year, gender, value, status.

    ``None`` for a filter means "all". Rows are sorted by KPI, area, gender and year; a key that
    Kolada publishes without a value has ``value`` NaN and its ``status``.
    """
    stmt = select(
        Observation.kpi_id,
        Observation.area_id,
        Observation.year,
        Observation.gender,
        Observation.value,
        Observation.status,
    )
    for condition in (
        _in(Observation.kpi_id, kpi_ids),
        _in(Observation.area_id, area_ids),
        _in(Observation.gender, genders),
    ):
        if condition is not None:
            stmt = stmt.where(condition)
    if first_year is not None:
        stmt = stmt.where(Observation.year >= first_year)
    if last_year is not None:
        stmt = stmt.where(Observation.year <= last_year)
    if with_values_only:
        stmt = stmt.where(Observation.value.is_not(None))
    stmt = stmt.order_by(
        Observation.kpi_id, Observation.area_id, Observation.gender, Observation.year
    )
    with engine.connect() as connection:
        rows = _fetch(connection, stmt)
    return _frame(rows, OBSERVATION_DTYPES)


def series_points(
    engine: Engine,
    *,
    kpi_ids: Iterable[str] | None = None,
    area_ids: Iterable[str] | None = None,
    genders: Sequence[str] | None = ("T",),
) -> dict[tuple[str, str, str], list[tuple[int, float]]]:
    """The values (missing ones left out) grouped per (KPI, area, gender), years ascending.

    The (year, value) points of the rows :func:`observations` returns with a value, read
    without building a table first.
    """
    stmt = select(
        Observation.kpi_id,
        Observation.area_id,
        Observation.gender,
        Observation.year,
        Observation.value,
    ).where(Observation.value.is_not(None))
    for condition in (
        _in(Observation.kpi_id, kpi_ids),
        _in(Observation.area_id, area_ids),
        _in(Observation.gender, genders),
    ):
        if condition is not None:
            stmt = stmt.where(condition)
    stmt = stmt.order_by(
        Observation.kpi_id, Observation.area_id, Observation.gender, Observation.year
    )
    with engine.connect() as connection:
        rows = _fetch(connection, stmt)
    result: dict[tuple[str, str, str], list[tuple[int, float]]] = {}
    for key, group in groupby(rows, key=itemgetter(0, 1, 2)):
        result[key] = [(int(row[3]), float(row[4])) for row in group]
    return result


def latest_values(
    engine: Engine,
    *,
    kpi_ids: Iterable[str] | None = None,
    area_ids: Iterable[str] | None = None,
    gender: str = "T",
) -> pd.DataFrame:
    """The newest non-missing value per (KPI, area): kpi_id, area_id, year, value.

    A year whose row has no value (Kolada published the key without a number) is skipped, so
    the value shown is the newest real number and ``year`` says how old it is.
    """
    frame = observations(
        engine, kpi_ids=kpi_ids, area_ids=area_ids, genders=(gender,), with_values_only=True
    )
    latest = frame.groupby(["kpi_id", "area_id"], sort=True).tail(1)
    return latest[LATEST_COLUMNS].reset_index(drop=True)


def latest_matrix(
    latest: pd.DataFrame,
    *,
    area_ids: Sequence[str] | None = None,
    kpi_ids: Sequence[str] | None = None,
    column: str = "value",
) -> pd.DataFrame:
    """A :func:`latest_values` table as a wide matrix: one row per area, one column per KPI.

    ``column`` picks what the cells hold (``"value"`` or ``"year"``). Rows and columns follow
    ``area_ids`` and ``kpi_ids`` when given (an area or KPI without a value gets an empty row or
    column), else the areas and KPIs in the table, sorted. The index is named ``area_id`` and
    the columns ``kpi_id``.
    """
    missing = [name for name in ("kpi_id", "area_id", column) if name not in latest.columns]
    if missing:
        raise ValueError(
            f"latest_matrix: the table lacks the column(s) {', '.join(missing)}; expected a "
            f"latest_values() table with {', '.join(LATEST_COLUMNS)}"
        )
    if latest.duplicated(["area_id", "kpi_id"]).any():
        raise ValueError("latest_matrix: expected one row per (area_id, kpi_id)")
    matrix = latest.pivot(index="area_id", columns="kpi_id", values=column)
    rows = list(area_ids) if area_ids is not None else sorted(latest["area_id"].unique())
    columns = list(kpi_ids) if kpi_ids is not None else sorted(latest["kpi_id"].unique())
    matrix = matrix.reindex(index=pd.Index(rows, name="area_id"))
    matrix = matrix.reindex(columns=pd.Index(columns, name="kpi_id"))
    return matrix


def _area_type_condition(area_type: str | None):
    """A condition on ``Area`` for ``area_type`` (None and "all": no condition)."""
    if area_type is None or area_type == ALL_AREAS:
        return None
    if area_type == MUNICIPALITIES:
        return Area.type == "K"
    if area_type == REGIONS:
        return (Area.type == "L") & (Area.id != RIKET)
    raise ValueError(f"area_type must be one of {', '.join(AREA_TYPES)} or None, got {area_type!r}")


def _restrict_areas(stmt: Select, area_ids: Iterable[str] | None, area_type: str | None):
    condition = _in(Observation.area_id, area_ids)
    if condition is not None:
        stmt = stmt.where(condition)
    type_condition = _area_type_condition(area_type)
    if type_condition is not None:
        stmt = stmt.join(Area, Area.id == Observation.area_id).where(type_condition)
    return stmt


def values_for_year(
    engine: Engine,
    kpi_id: str,
    year: int,
    *,
    gender: str = "T",
    area_ids: Iterable[str] | None = None,
    area_type: str | None = None,
) -> pd.DataFrame:
    """One KPI's values in one year: area_id, value (for comparisons across many areas).

    Only rows with a value; ``area_type`` keeps municipalities (``"K"``) or regions (``"L"``,
    without Riket).
    """
    stmt = select(Observation.area_id, Observation.value).where(
        Observation.kpi_id == kpi_id,
        Observation.gender == gender,
        Observation.year == year,
        Observation.value.is_not(None),
    )
    stmt = _restrict_areas(stmt, area_ids, area_type).order_by(Observation.area_id)
    with engine.connect() as connection:
        rows = _fetch(connection, stmt)
    frame = pd.DataFrame(rows, columns=["area_id", "value"])
    frame["value"] = frame["value"].astype("float64")
    return frame


def municipality_values(engine: Engine, kpi_id: str, *, gender: str = "T") -> pd.DataFrame:
    """Every stored municipality's values of one KPI (area_id, year, value; only rows with a
    value), e.g. for a map of all of Sweden's municipalities."""
    stmt = (
        select(Observation.area_id, Observation.year, Observation.value)
        .join(Area, Area.id == Observation.area_id)
        .where(
            Observation.kpi_id == kpi_id,
            Observation.gender == gender,
            Observation.value.is_not(None),
            Area.type == "K",
        )
        .order_by(Observation.year, Observation.area_id)
    )
    with engine.connect() as connection:
        rows = _fetch(connection, stmt)
    frame = pd.DataFrame(rows, columns=["area_id", "year", "value"])
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


def newest_year(
    engine: Engine,
    kpi_id: str,
    *,
    gender: str = "T",
    area_ids: Iterable[str] | None = None,
    area_type: str | None = None,
) -> int | None:
    """The newest year in which the KPI has a value (optionally among some areas)."""
    stmt = select(func.max(Observation.year)).where(
        Observation.kpi_id == kpi_id,
        Observation.gender == gender,
        Observation.value.is_not(None),
    )
    stmt = _restrict_areas(stmt, area_ids, area_type)
    with engine.connect() as connection:
        return connection.execute(stmt).scalar()


def own_indicators(engine: Engine) -> list[OwnIndicator]:
    """The stored own indicators (imported with a file of own statistics), by id."""
    with Session(engine) as session:
        records = list(session.scalars(select(OwnIndicator).order_by(OwnIndicator.kpi_id)))
        session.expunge_all()
    return records


#: The ETL run kinds that bring values from Kolada, and the kind of an import of own statistics.
KOLADA_RUN_KINDS: tuple[str, ...] = ("refresh", "load")
IMPORT_RUN_KIND = "import"


@dataclass(frozen=True)
class SourceSummary:
    """One source of stored values: how many values and indicators, and its last import."""

    source: str
    values: int
    indicators: int
    last_import: dt.datetime | None


def sources(engine: Engine) -> list[SourceSummary]:
    """Every source of stored values (Kolada first, then by name) with its last successful
    import: for Kolada the newest refresh or load, for another source the newest import that
    named it (``scope["source"]`` of the run)."""
    with engine.connect() as connection:
        counts = connection.execute(
            select(
                Observation.source,
                func.count(),
                func.count(func.distinct(Observation.kpi_id)),
            ).group_by(Observation.source)
        ).all()
        runs = connection.execute(
            select(EtlRun.kind, EtlRun.scope, EtlRun.finished_at).where(
                EtlRun.outcome == "success",
                EtlRun.kind.in_((*KOLADA_RUN_KINDS, IMPORT_RUN_KIND)),
            )
        ).all()
    last: dict[str, dt.datetime] = {}
    for kind, scope, finished in runs:
        if finished is None:
            continue
        names = [SOURCE_KOLADA] if kind in KOLADA_RUN_KINDS else _run_sources(scope)
        for name in names:
            if name not in last or finished > last[name]:
                last[name] = finished
    summaries = [
        SourceSummary(str(name), int(values), int(kpis), last.get(str(name)))
        for name, values, kpis in counts
    ]
    return sorted(summaries, key=lambda s: (s.source != SOURCE_KOLADA, s.source.casefold()))


def _run_sources(scope: Any) -> list[str]:
    names = scope.get("sources") if isinstance(scope, dict) else None
    return [str(name) for name in names] if isinstance(names, list) else []


def areas(engine: Engine) -> pd.DataFrame:
    """All stored areas: id, title, type, county."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(Area.id, Area.title, Area.type, Area.county).order_by(Area.id)
        ).all()
    return pd.DataFrame(rows, columns=["id", "title", "type", "county"])


def area_titles(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        return dict(connection.execute(select(Area.id, Area.title)).all())


def kpis(engine: Engine, kpi_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Stored KPI metadata (Kolada's description, unit, publication dates)."""
    stmt = select(
        Kpi.id,
        Kpi.title,
        Kpi.description,
        Kpi.unit,
        Kpi.is_divided_by_gender,
        Kpi.municipality_type,
        Kpi.operating_area,
        Kpi.publ_period,
        Kpi.publication_date,
        Kpi.prel_publication_date,
    ).order_by(Kpi.id)
    condition = _in(Kpi.id, kpi_ids)
    if condition is not None:
        stmt = stmt.where(condition)
    with engine.connect() as connection:
        rows = connection.execute(stmt).all()
    columns = [
        "id",
        "title",
        "description",
        "unit",
        "is_divided_by_gender",
        "municipality_type",
        "operating_area",
        "publ_period",
        "publication_date",
        "prel_publication_date",
    ]
    return pd.DataFrame(rows, columns=columns)


def coverage(engine: Engine) -> pd.DataFrame:
    """Per KPI with any value: rows with a value, areas with a value, first and newest year
    with a value (rows Kolada published without a number are not counted)."""
    stmt = (
        select(
            Observation.kpi_id,
            func.count(),
            func.count(func.distinct(Observation.area_id)),
            func.min(Observation.year),
            func.max(Observation.year),
        )
        .where(Observation.value.is_not(None))
        .group_by(Observation.kpi_id)
        .order_by(Observation.kpi_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(stmt).all()
    return pd.DataFrame(rows, columns=["kpi_id", "rows", "areas", "first_year", "newest_year"])


@dataclass(frozen=True)
class DataStatus:
    """Where the stored data comes from and when it was last refreshed."""

    origin: str | None  # "demo", "kolada" or None (empty)
    last_success: dt.datetime | None  # end of the newest successful run of any kind
    last_success_kind: str | None

    @property
    def is_demo(self) -> bool:
        return self.origin == "demo"


def data_status(engine: Engine) -> DataStatus:
    with Session(engine) as session:
        origin = get_meta(session, DATA_ORIGIN_KEY)
        run = session.execute(
            select(EtlRun.finished_at, EtlRun.kind)
            .where(EtlRun.outcome == "success")
            .order_by(EtlRun.id.desc())
            .limit(1)
        ).first()
    return DataStatus(
        origin=origin,
        last_success=run.finished_at if run else None,
        last_success_kind=run.kind if run else None,
    )


def data_version(engine: Engine) -> tuple:
    """A token that changes whenever stored data, goals, assessments or slideshows change (the
    key of the cached derived tables and of the pages' shared answer cache).

    It combines the ETL runs (the newest, how many, the latest finish: every refresh, load and
    demo build is a run), the logged goal changes (the newest and how many), the number of
    goals and a digest of the catalogue's goals, so that a goal catalogue loaded again with
    changed content is noticed too (users' goals change only with a logged change), and the
    logged changes of assessments and slideshows (``record_changes``: the newest and how many;
    every add, change and removal is logged in the transaction that makes it). The counts
    matter with several servers on PostgreSQL: ids come from a sequence, and a transaction that
    took an id first may commit after one that took a higher id, which the newest id alone
    would miss.
    """
    with engine.connect() as connection:
        runs = connection.execute(
            select(func.max(EtlRun.id), func.count(EtlRun.id), func.max(EtlRun.finished_at))
        ).one()
        changes = connection.execute(
            select(func.max(GoalChange.id), func.count(GoalChange.id))
        ).one()
        records = connection.execute(
            select(func.max(RecordChange.id), func.count(RecordChange.id))
        ).one()
        # Users' goals change only with a logged change (counted above); the catalogue is
        # replaced without one, so its rows are digested – a handful, however many goals
        # users have stored (reading every goal made each request slow with 100 000).
        goal_count = connection.scalar(select(func.count()).select_from(Goal))
        catalogue = connection.execute(
            select(Goal.__table__).where(Goal.origin == ORIGIN_CATALOGUE).order_by(Goal.id)
        ).all()
    digest = hashlib.sha256(repr([tuple(goal) for goal in catalogue]).encode()).hexdigest()
    return (*runs, *changes, *records, goal_count, digest[:16])
