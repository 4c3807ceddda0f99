"""Read-only queries returning tidy DataFrames for the dashboard, exports and benchmarks.

Every function takes an engine and plain arguments and returns a new DataFrame (or a small
record); none keeps state between calls. The composite indexes on ``observations``
(area, KPI, gender, year) and (KPI, gender, year) serve these queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data.db import DATA_ORIGIN_KEY, get_meta
from data.models import Area, EtlRun, Goal, GoalChange, Kpi, Observation

OBSERVATION_COLUMNS = ["kpi_id", "area_id", "year", "gender", "value", "status"]


def _in(column, values: Iterable[str] | None):
    values = None if values is None else list(values)
    return None if values is None else column.in_(values)


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
        rows = connection.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


def latest_values(
    engine: Engine,
    *,
    kpi_ids: Iterable[str] | None = None,
    area_ids: Iterable[str] | None = None,
    gender: str = "T",
) -> pd.DataFrame:
    """The newest non-missing value per (KPI, area): kpi_id, area_id, year, value."""
    frame = observations(
        engine, kpi_ids=kpi_ids, area_ids=area_ids, genders=(gender,), with_values_only=True
    )
    latest = frame.groupby(["kpi_id", "area_id"], sort=True).tail(1)
    return latest[["kpi_id", "area_id", "year", "value"]].reset_index(drop=True)


def values_for_year(
    engine: Engine, kpi_id: str, year: int, *, gender: str = "T", area_ids=None
) -> pd.DataFrame:
    """One KPI's values in one year: area_id, value (for rankings across many areas)."""
    stmt = select(Observation.area_id, Observation.value).where(
        Observation.kpi_id == kpi_id,
        Observation.gender == gender,
        Observation.year == year,
        Observation.value.is_not(None),
    )
    condition = _in(Observation.area_id, area_ids)
    if condition is not None:
        stmt = stmt.where(condition)
    with engine.connect() as connection:
        rows = connection.execute(stmt).all()
    return pd.DataFrame(rows, columns=["area_id", "value"])


def newest_year(engine: Engine, kpi_id: str, *, gender: str = "T", area_ids=None) -> int | None:
    """The newest year in which the KPI has a value (optionally among some areas)."""
    stmt = select(func.max(Observation.year)).where(
        Observation.kpi_id == kpi_id,
        Observation.gender == gender,
        Observation.value.is_not(None),
    )
    condition = _in(Observation.area_id, area_ids)
    if condition is not None:
        stmt = stmt.where(condition)
    with engine.connect() as connection:
        return connection.execute(stmt).scalar()


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
    """Per KPI: rows stored, areas with a value, first and newest year with a value."""
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
    """A token that changes whenever stored data or goals change (for caching derived tables)."""
    with engine.connect() as connection:
        return (
            connection.execute(select(func.max(EtlRun.id))).scalar(),
            connection.execute(select(func.max(EtlRun.finished_at))).scalar(),
            connection.execute(select(func.max(GoalChange.id))).scalar(),
            connection.execute(select(func.count()).select_from(Goal)).scalar(),
        )
