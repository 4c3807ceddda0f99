"""The dashboard's access to stored data: one engine per process and derived tables cached by
data version.

The caches hold tables derived from the database (keyed by :func:`data.queries.data_version`, so
a refresh or a goal change is picked up at the next request); they hold nothing per user.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
from collections.abc import Iterator

import pandas as pd
from sqlalchemy import Engine

from data import groups, queries
from data.areas import DALARNA_MUNICIPALITIES, DEFAULT_AREAS, REGION_DALARNA, RIKET
from data.goals import GoalRecord
from data.groups import GroupRecord
from indicators.catalogue import (
    Indicator,
    load_catalogue,
    own_indicator_of,
    use_own_indicators,
)
from indicators.follow_up import status_table
from indicators.goals import list_goals
from indicators.per_inhabitant import POPULATION_KPI, Population, population_by_area_year
from indicators.progress import DEFAULT_THRESHOLD_SET, THRESHOLD_SETS
from indicators.vocabulary import ALL_LEVELS

log = logging.getLogger(__name__)

_engine: Engine | None = None
_read_only = False

#: The 17 areas the dashboard shows, in display order: the 15 municipalities, county, Sweden.
AREA_ORDER: tuple[str, ...] = (*DALARNA_MUNICIPALITIES, REGION_DALARNA, RIKET)
MUNICIPALITY_IDS: tuple[str, ...] = tuple(DALARNA_MUNICIPALITIES)
REFERENCE_AREAS: tuple[str, ...] = (REGION_DALARNA, RIKET)


def set_engine(engine: Engine, *, read_only: bool = False) -> None:
    """Serve ``engine``'s database; ``read_only``: it cannot be written (the pages say so)."""
    global _engine, _read_only
    _engine = engine
    _read_only = read_only
    _cached_goals.cache_clear()
    _cached_observations.cache_clear()
    _cached_status.cache_clear()
    _cached_observations_by_kpi.cache_clear()
    _cached_population.cache_clear()
    _cached_own_indicators.cache_clear()
    use_own_indicators(())


def engine() -> Engine:
    if _engine is None:
        raise RuntimeError("the dashboard's database is not opened: call app.create_app() first")
    return _engine


def read_only() -> bool:
    """Whether the dashboard's database was found read-only when it was opened."""
    return _read_only


@functools.lru_cache(maxsize=4)
def _cached_own_indicators(_version: tuple) -> tuple[Indicator, ...]:
    return tuple(own_indicator_of(record) for record in queries.own_indicators(engine()))


def catalogue() -> tuple[Indicator, ...]:
    """The effective catalogue: the shipped one and the stored own indicators (read again
    when the data version changes, and set for every reader of the catalogue)."""
    use_own_indicators(_cached_own_indicators(version()))
    return load_catalogue()


def catalogue_by_id() -> dict[str, Indicator]:
    """The effective catalogue keyed by id (as :func:`catalogue`)."""
    return {indicator.kpi_id: indicator for indicator in catalogue()}


def indicator(kpi_id: str) -> Indicator | None:
    return catalogue_by_id().get(kpi_id)


def sources() -> list[queries.SourceSummary]:
    """Every source of stored values with its last import (Kolada first)."""
    return queries.sources(engine())


def area_title(area_id: str) -> str:
    entry = DEFAULT_AREAS.get(area_id)
    return entry[0] if entry else area_id


#: Set inside :func:`one_version`: the data version once read there.
_version_memo: contextvars.ContextVar[list[tuple] | None] = contextvars.ContextVar(
    "version_memo", default=None
)


@contextlib.contextmanager
def one_version() -> Iterator[None]:
    """Within the block, :func:`version` reads the data version once and gives that value
    afterwards: for a read-only computation that asks for it several times (a page's answer:
    each cached table asks). Never around a write, which changes the version."""
    token = _version_memo.set([])
    try:
        yield
    finally:
        _version_memo.reset(token)


def version() -> tuple:
    """The data version (:func:`data.queries.data_version`); read once per
    :func:`one_version` block."""
    memo = _version_memo.get()
    if memo:
        return memo[0]
    value = queries.data_version(engine())
    if memo is not None:
        memo.append(value)
    return value


@functools.lru_cache(maxsize=4)
def _cached_goals(_version: tuple) -> tuple[GoalRecord, ...]:
    return tuple(list_goals(engine()))


def goals() -> tuple[GoalRecord, ...]:
    """Every stored goal (catalogue and users')."""
    return _cached_goals(version())


@functools.lru_cache(maxsize=4)
def _cached_observations(_version: tuple, genders: tuple[str, ...]) -> pd.DataFrame:
    return queries.observations(
        engine(),
        kpi_ids=[i.kpi_id for i in catalogue()],
        area_ids=list(AREA_ORDER),
        genders=genders,
    )


def observations(genders: tuple[str, ...] = ("T", "K", "M")) -> pd.DataFrame:
    """All catalogue observations for the 17 areas (a cached table; copy before changing it)."""
    return _cached_observations(version(), tuple(genders))


@functools.lru_cache(maxsize=2)
def _cached_observations_by_kpi(
    _version: tuple, genders: tuple[str, ...]
) -> dict[str, pd.DataFrame]:
    frame = observations(genders)
    return {str(kpi_id): group for kpi_id, group in frame.groupby("kpi_id", sort=False)}


def kpi_observations(kpi_id: str, genders: tuple[str, ...] = ("T", "K", "M")) -> pd.DataFrame:
    """One indicator's rows of :func:`observations` (split once per data version, so a page
    about one indicator does not scan every indicator's rows)."""
    groups = _cached_observations_by_kpi(version(), tuple(genders))
    if kpi_id in groups:
        return groups[kpi_id]
    frame = observations(genders)
    return frame.iloc[0:0]


@functools.lru_cache(maxsize=16)
def _cached_municipality_values(_version: tuple, kpi_id: str, gender: str) -> pd.DataFrame:
    return queries.municipality_values(engine(), kpi_id, gender=gender)


def municipality_values(kpi_id: str, gender: str = "T") -> pd.DataFrame:
    """Every stored municipality's values of one KPI — all 290 after a refresh with
    ``--all-municipalities`` (area_id, year, value; a cached table, copy before changing it)."""
    return _cached_municipality_values(version(), kpi_id, gender)


@functools.lru_cache(maxsize=2)
def _cached_population(_version: tuple) -> Population:
    frame = queries.observations(
        engine(),
        kpi_ids=[POPULATION_KPI],
        area_ids=list(AREA_ORDER),
        genders=("T",),
        with_values_only=True,
    )
    return population_by_area_year(frame)


def population() -> Population:
    """The 17 areas' population by (area, year): Kolada's "Invånare totalt", a supporting
    series for values per inhabitant (a cached mapping; do not change it)."""
    return _cached_population(version())


@functools.lru_cache(maxsize=8)
def _cached_status(_version: tuple, threshold_name: str, genders: tuple[str, ...]) -> pd.DataFrame:
    points = queries.series_points(
        engine(),
        kpi_ids=[i.kpi_id for i in catalogue()],
        area_ids=list(AREA_ORDER),
        genders=genders,
    )
    return status_table(
        points,
        goals(),
        catalogue(),
        area_ids=AREA_ORDER,
        levels=ALL_LEVELS,
        genders=genders,
        thresholds=THRESHOLD_SETS[threshold_name],
    )


def status(
    threshold_name: str = DEFAULT_THRESHOLD_SET.name, genders: tuple[str, ...] = ("T",)
) -> pd.DataFrame:
    """Progress status for the 17 areas × every catalogue indicator × every level."""
    return _cached_status(version(), threshold_name, tuple(genders))


def data_status() -> queries.DataStatus:
    return queries.data_status(engine())


# --- similar municipalities (Kolada's municipality groups) ------------------------------------
# Keyed by the engine too: a group is stored with a refresh (a new data version), but a test or
# a second database served by the same process must not get another database's groups.


@functools.lru_cache(maxsize=32)
def _cached_similar_group(_engine: Engine, _version: tuple, area_id: str) -> GroupRecord | None:
    return groups.similar_group(_engine, area_id)


def similar_group(area_id: str) -> GroupRecord | None:
    """The newest stored group of similar municipalities made for ``area_id`` (None when
    groups are not fetched)."""
    return _cached_similar_group(engine(), version(), area_id)


@functools.lru_cache(maxsize=32)
def _cached_member_groups(
    _engine: Engine, _version: tuple, area_id: str, kinds: tuple[str, ...]
) -> tuple[GroupRecord, ...]:
    return tuple(groups.groups_with_member(_engine, area_id, kinds))


def member_groups(area_id: str, kinds: tuple[str, ...]) -> tuple[GroupRecord, ...]:
    """The stored groups of the given kinds (e.g. SKR's ``kommungrupp``) listing ``area_id``."""
    return _cached_member_groups(engine(), version(), area_id, tuple(kinds))


@functools.lru_cache(maxsize=32)
def _cached_group_means(
    _engine: Engine, _version: tuple, group_ids: tuple[str, ...], kpi_id: str
) -> pd.DataFrame:
    return groups.group_means(_engine, group_ids, kpi_id)


def group_means(group_ids: tuple[str, ...], kpi_id: str) -> pd.DataFrame:
    """The stored means of one KPI for the groups (a cached table; copy before changing it)."""
    return _cached_group_means(engine(), version(), tuple(group_ids), kpi_id)


@functools.lru_cache(maxsize=32)
def _cached_area_observations(
    _engine: Engine, _version: tuple, kpi_id: str, area_ids: tuple[str, ...]
) -> pd.DataFrame:
    return queries.observations(_engine, kpi_ids=[kpi_id], area_ids=area_ids, genders=None)


def area_observations(kpi_id: str, area_ids: tuple[str, ...]) -> pd.DataFrame:
    """One KPI's stored observations of any areas, also outside Dalarna (a similar
    municipality's), every gender (a cached table; copy before changing it)."""
    return _cached_area_observations(engine(), version(), kpi_id, tuple(area_ids))
