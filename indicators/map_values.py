"""What a map of the municipalities shows in each area: an indicator's value in a chosen year,
or a status (an indicator's at a goal level, or an SDG goal's aggregate).

The statuses are those the rest of the dashboard computes
(:func:`indicators.overview.effective_status`, :func:`indicators.overview.sdg_aggregates`,
:func:`indicators.overview.rests_on_trend`); here they are only read per area. Values are read
from a tidy observation table (area_id, year, gender, value). Pure functions; nothing here reads
the database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from indicators.overview import rests_on_trend
from indicators.vocabulary import Status


def _value(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _of(observations: pd.DataFrame, gender: str, area_ids: Sequence[str]) -> pd.DataFrame:
    rows = observations[
        (observations["gender"] == gender) & observations["area_id"].isin(list(area_ids))
    ]
    return rows.dropna(subset=["value"])


def years_with_values(
    observations: pd.DataFrame, *, gender: str, area_ids: Sequence[str]
) -> list[int]:
    """The years, oldest first, in which at least one of ``area_ids`` has a value of the
    ``gender`` series (the years a map can show)."""
    rows = _of(observations, gender, area_ids)
    return sorted({int(year) for year in rows["year"]})


def values_in_year(
    observations: pd.DataFrame, year: int, *, gender: str, area_ids: Sequence[str]
) -> dict[str, float | None]:
    """Each area's value of the ``gender`` series in ``year`` (``None`` where it has none), in
    the order of ``area_ids``."""
    rows = _of(observations, gender, area_ids)
    rows = rows[rows["year"].astype(int) == int(year)]
    found = dict(zip(rows["area_id"], rows["value"], strict=True))
    return {area_id: _value(found.get(area_id)) for area_id in area_ids}


#: A map of all of Sweden is offered for a year in which at least this many of the 290
#: municipalities have a value (a database refreshed with ``--all-municipalities``).
SWEDEN_MIN_MUNICIPALITIES = 250


def national_years(values: pd.DataFrame, minimum: int = SWEDEN_MIN_MUNICIPALITIES) -> list[int]:
    """The years, oldest first, in which at least ``minimum`` municipalities have a value, in
    a table of every stored municipality's values (area_id, year, value)."""
    present = values.dropna(subset=["value"])
    counts = present.groupby("year")["area_id"].nunique()
    return sorted(int(year) for year in counts[counts >= minimum].index.tolist())


def national_values(values: pd.DataFrame, year: int) -> dict[str, float]:
    """Each municipality's value in ``year``, in the order of the table (by id)."""
    rows = values[(values["year"].astype(int) == int(year))].dropna(subset=["value"])
    return {str(a): float(v) for a, v in zip(rows["area_id"], rows["value"], strict=True)}


def value_range(values: Mapping[str, float | None]) -> tuple[float, float] | None:
    """The lowest and highest of the values present (``None`` when none is)."""
    present = [v for v in values.values() if v is not None]
    if not present:
        return None
    return min(present), max(present)


def scale_position(value: float | None, extent: tuple[float, float] | None) -> float | None:
    """Where ``value`` lies in ``extent`` (lowest, highest): 0 at the lowest, 1 at the
    highest, 0.5 when all values are equal; ``None`` without a value."""
    if value is None or extent is None:
        return None
    low, high = extent
    if high <= low:
        return 0.5
    return min(1.0, max(0.0, (value - low) / (high - low)))


@dataclass(frozen=True)
class AreaStatus:
    """An area's status on a map; ``on_trend``: judged by the trend because no goal of the
    chosen level applies."""

    status: Status
    on_trend: bool = False


def indicator_statuses(effective: pd.DataFrame, kpi_id: str) -> dict[str, AreaStatus]:
    """Each area's status of one indicator, from an
    :func:`indicators.overview.effective_status` table (the trend where no goal of the level
    applies, marked ``on_trend``)."""
    rows = effective[effective["kpi_id"] == kpi_id]
    return {
        str(area_id): AreaStatus(Status(status), bool(fallback))
        for area_id, status, fallback in zip(
            rows["area_id"], rows["status"], rows["fallback"], strict=True
        )
    }


def sdg_statuses(aggregates: pd.DataFrame, sdg_goal: int, level: str) -> dict[str, AreaStatus]:
    """Each area's status of one SDG goal, from an :func:`indicators.overview.sdg_aggregates`
    table (``on_trend`` when every part rests on the trend:
    :func:`indicators.overview.rests_on_trend`)."""
    rows = aggregates[aggregates["sdg_goal"].astype(int) == int(sdg_goal)]
    return {
        str(record["area_id"]): AreaStatus(Status(record["status"]), rests_on_trend(record, level))
        for record in rows.to_dict("records")
    }
