"""Relative position: how an area's value stands among other areas' values (Kolada style).

This is a different question from progress (:mod:`indicators.progress`): the best third is only
better than the others, not necessarily good, and the worst third may still meet its goal.
Show :data:`RELATIVE_POSITION_NOTE` wherever the thirds are shown.

Ranking: rank 1 is the best value given the KPI's desired direction (highest for "up",
lowest for "down"); equal values share the lower (better) rank, so ranks go 1, 2, 2, 4
("competition ranking"). Areas without a value get no rank. With no desired direction the
areas are ordered by value, highest first, but not placed in thirds.

Only comparable measures are ranked: shares, rates and values per inhabitant. A total for the
whole area (tonnes, MWh, kg, a count: :attr:`indicators.catalogue.Indicator.is_total`) grows
with the population, so its thirds would mostly rank the areas by size: its areas are listed in
the same order, but get no rank and no third (``rangordnas inte``), and the ranking says why
(:data:`NOT_RANKED_REASON`).

Thirds: of ``n`` areas with a value, the upper and the lower third each hold
``(n + 1) // 3`` positions (n/3 rounded to the nearest whole number) and the middle third the
rest, so the split is symmetric and a reversed direction swaps upper and lower:
n = 15 → 5 + 5 + 5, n = 16 → 5 + 6 + 5, n = 17 → 6 + 5 + 6, n = 2 → 1 + 0 + 1, n = 1 → the
middle. Tied areas are placed by the midpoint of the positions they share, so they always land
in the same third and, when all values are equal, all are in the middle third.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from data.areas import DALARNA_MUNICIPALITIES, DEFAULT_AREAS, REGION_DALARNA, RIKET
from indicators.catalogue import catalogue_by_id
from indicators.vocabulary import (
    LOWER_THIRD,
    MIDDLE_THIRD,
    NO_DIRECTION,
    NO_VALUE,
    NOT_RANKED,
    THIRD_STYLE,
    UPPER_THIRD,
    ThirdStyle,
    is_municipality,
)

#: Shown with every relative-position colouring.
RELATIVE_POSITION_NOTE = (
    "Färgen visar hur resultatet står sig jämfört med andra, inte om det är bra."
)


RANKING_DIRECTIONS: tuple[str, ...] = ("up", "down", "none")

#: Why a total is listed without ranks (shown with its ranking).
NOT_RANKED_REASON = "Rangordnas inte: totalvärde som beror på folkmängd."


@dataclass(frozen=True)
class RankedArea:
    """One area's place among the areas compared.

    ``third`` is one of the three third labels, "saknar värde" without a value, or None when
    the KPI has no desired direction or is not ranked; ``rank`` is None without a value or when
    not ranked; ``label`` is always a text to show ("rangordnas inte" when not ranked).
    """

    area_id: str
    value: float | None
    rank: int | None
    n: int
    third: str | None
    label: str

    @property
    def style(self) -> ThirdStyle:
        return THIRD_STYLE[self.label]


def third_sizes(n: int) -> tuple[int, int, int]:
    """How many positions the upper, middle and lower third hold among ``n`` areas."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    outer = (n + 1) // 3
    return outer, n - 2 * outer, outer


def third_of(position: float, n: int) -> str:
    """The third of a 1-based position (may be a tie midpoint such as 6.5) among ``n`` areas."""
    upper, _middle, lower = third_sizes(n)
    if position <= upper:
        return UPPER_THIRD
    if position >= n - lower + 1:
        return LOWER_THIRD
    return MIDDLE_THIRD


def _clean(area_id: str, value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"value for area {area_id}: expected a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"value for area {area_id}: expected a number, got {value!r}") from None
    return None if math.isnan(number) else number


def rank_areas(
    values: Mapping[str, float | None], direction: str, *, ranked: bool = True
) -> list[RankedArea]:
    """Rank areas by value given the desired direction ("up", "down" or "none").

    Returns every area, ranked ones first (by rank, then area id), then those without a value.
    ``ranked=False`` (a total, which is not comparable): the same order, but no rank and no
    third, labelled "rangordnas inte".
    """
    if direction not in RANKING_DIRECTIONS:
        raise ValueError(f"direction must be 'up', 'down' or 'none', got {direction!r}")
    cleaned = {area_id: _clean(area_id, value) for area_id, value in values.items()}
    present = [(a, v) for a, v in cleaned.items() if v is not None]
    missing = sorted(a for a, v in cleaned.items() if v is None)
    best_first = direction != "down"  # "up" and "none": highest value first
    present.sort(key=lambda item: (-item[1] if best_first else item[1], item[0]))
    n = len(present)

    places: list[RankedArea] = []
    start = 0
    while start < n:
        end = start
        while end + 1 < n and present[end + 1][1] == present[start][1]:
            end += 1
        rank = start + 1 if ranked else None
        midpoint = (start + 1 + end + 1) / 2
        third = third_of(midpoint, n) if direction != "none" and ranked else None
        label = third or (NO_DIRECTION if ranked else NOT_RANKED)
        for area_id, value in present[start : end + 1]:
            places.append(RankedArea(area_id, value, rank, n, third, label))
        start = end + 1
    places.extend(RankedArea(a, None, None, n, NO_VALUE, NO_VALUE) for a in missing)
    return places


# --- an indicator's ranking in one year ---------------------------------------------------------

#: ``area_type`` values of :func:`ranking`: municipalities, regions (without Riket), every area.
MUNICIPALITIES, REGIONS, ALL_AREAS = "K", "L", "all"
AREA_TYPES: tuple[str, ...] = (MUNICIPALITIES, REGIONS, ALL_AREAS)
RANK_COLUMNS: tuple[str, ...] = ("area_id", "value", "rank", "n", "third", "label")
#: The columns of :attr:`Ranking.ranks`.
RANKING_COLUMNS = ["kpi_id", "year", "gender", "direction", "area_id", "title", *RANK_COLUMNS[1:]]


def rank_table(
    values: Mapping[str, float | None], direction: str, *, ranked: bool = True
) -> pd.DataFrame:
    """:func:`rank_areas` as a table (:data:`RANK_COLUMNS`), best first."""
    ranked_areas = rank_areas(values, direction, ranked=ranked)
    return pd.DataFrame(
        [(r.area_id, r.value, r.rank, r.n, r.third, r.label) for r in ranked_areas],
        columns=list(RANK_COLUMNS),
    )


@dataclass(frozen=True)
class Ranking:
    """Areas ranked by one indicator in one year, best first, and reference areas' values.

    ``ranks`` has :data:`RANKING_COLUMNS` (the inputs kpi_id, year, gender and direction, then
    per area its title, value, rank, n – the areas with a value –, third and label); it is empty,
    and ``year`` None, when none of the compared areas has a value. ``references`` holds each
    reference area's value in ``year`` (None without one), and nothing without a year.
    ``not_ranked`` says why the areas are listed without ranks and thirds (a total), else None.
    """

    kpi_id: str
    year: int | None
    gender: str
    direction: str
    ranks: pd.DataFrame
    references: dict[str, float | None]
    not_ranked: str | None = None

    @property
    def is_ranked(self) -> bool:
        return self.not_ranked is None


def is_comparable(kpi_id: str) -> bool:
    """Whether an indicator's values can be ranked: not a total for the whole area
    (:attr:`~indicators.catalogue.Indicator.is_total`); a KPI outside the catalogue is."""
    indicator = catalogue_by_id().get(kpi_id)
    return indicator is None or not indicator.is_total


def ranking_heading(ranking: Ranking, areas: str = "Dalarnas kommuner") -> str:
    """The heading of a ranking: ``Rangordning av Dalarnas kommuner 2024``; for a total
    ``Dalarnas kommuner 2024 – rangordnas inte: totalvärde som beror på folkmängd``; without a
    value ``Rangordning av Dalarnas kommuner – inga värden``."""
    if ranking.year is None:
        return f"Rangordning av {areas} – inga värden"
    if ranking.not_ranked is not None:
        reason = ranking.not_ranked.rstrip(".")
        return f"{areas} {ranking.year} – {reason[:1].lower()}{reason[1:]}"
    return f"Rangordning av {areas} {ranking.year}"


def _ranking_direction(kpi_id: str, direction: str | None) -> str:
    """``direction`` checked, or by default the catalogue's ("none" outside the catalogue)."""
    if direction is None:
        indicator = catalogue_by_id().get(kpi_id)
        return indicator.direction if indicator is not None else "none"
    if direction not in RANKING_DIRECTIONS:
        raise ValueError(
            f"direction must be one of {', '.join(RANKING_DIRECTIONS)} or None, got {direction!r}"
        )
    return direction


def _ranking_area_type(kpi_id: str, area_type: str | None) -> str:
    """``area_type`` checked, or by default the kind of area the indicator is reported for."""
    if area_type is not None:
        if area_type not in AREA_TYPES:
            raise ValueError(
                f"area_type must be one of {', '.join(AREA_TYPES)} or None, got {area_type!r}"
            )
        return area_type
    indicator = catalogue_by_id().get(kpi_id)
    region_only = indicator is not None and indicator.municipality_type == "L"
    return REGIONS if region_only else MUNICIPALITIES


def is_of_type(area_id: str, area_type: str) -> bool:
    """Whether an area is of the kind ``area_type`` names, by Kolada's numbering
    (:func:`indicators.vocabulary.is_municipality`): regions are the other areas but Riket."""
    if area_type == ALL_AREAS:
        return True
    if area_type == MUNICIPALITIES:
        return is_municipality(area_id)
    return not is_municipality(area_id) and area_id != RIKET


def ranking(
    observations: pd.DataFrame,
    kpi_id: str,
    *,
    year: int | None = None,
    gender: str = "T",
    area_ids: Iterable[str] | None = None,
    area_type: str | None = None,
    direction: str | None = None,
    references: Sequence[str] = (),
    titles: Mapping[str, str] | None = None,
    comparable: bool | None = None,
) -> Ranking:
    """Relative position of areas by one KPI in one year, best first (Kolada-style thirds), from
    a tidy observation table (kpi_id, area_id, year, gender, value).

    This says how a value compares with other areas' values, not whether it is good: show
    :data:`RELATIVE_POSITION_NOTE` with it.

    Which areas are compared: ``area_ids`` when given (every one of them is listed; those
    without a value in the year come last as "saknar värde"); otherwise every area with a value
    of the kind ``area_type`` says (:func:`is_of_type`): ``"K"`` municipalities, ``"L"`` regions
    (Riket is not one of them), ``"all"`` every area. By default (``None``) like is compared with
    like: regions for an indicator the catalogue marks as region-only, municipalities otherwise.

    ``year`` defaults to the newest year in which any of the compared areas has a value;
    ``direction`` to the catalogue's desired direction of the indicator ("none" for a KPI
    outside the catalogue: ordered by value, no thirds). ``references`` are areas whose values
    in that year are returned beside the ranking (e.g. the county and Sweden). An area's title is
    ``titles``' (e.g. the stored one), else the known default area's, else its id.

    ``comparable`` defaults to :func:`is_comparable`: a total is listed in the same order but
    without ranks and thirds, and ``not_ranked`` says why; its references are left out too (the
    county's or Sweden's total is not comparable with a municipality's either).
    """
    direction = _ranking_direction(kpi_id, direction)
    if comparable is None:
        comparable = is_comparable(kpi_id)
    reason = None if comparable else NOT_RANKED_REASON
    kind = _ranking_area_type(kpi_id, area_type)
    wanted = list(area_ids) if area_ids is not None else None
    series = observations[(observations["gender"] == gender) & observations["value"].notna()]
    if "kpi_id" in series.columns:
        series = series[series["kpi_id"] == kpi_id]
    if wanted is not None:
        compared = series[series["area_id"].isin(wanted)]
    else:
        compared = series.loc[[is_of_type(a, kind) for a in series["area_id"]]]
    if year is None:
        if compared.empty:
            return Ranking(kpi_id, None, gender, direction, _no_ranks(), {}, reason)
        year = int(compared["year"].max())
    in_year = compared[compared["year"] == year]
    values: dict[str, float | None] = dict(
        zip(in_year["area_id"].tolist(), in_year["value"].tolist(), strict=True)
    )
    for area_id in wanted or ():
        values.setdefault(area_id, None)
    everywhere = series[series["year"] == year]
    known = dict(zip(everywhere["area_id"].tolist(), everywhere["value"].tolist(), strict=True))
    shown = {area_id: known.get(area_id) for area_id in references if comparable}
    if not values:
        return Ranking(kpi_id, int(year), gender, direction, _no_ranks(), shown, reason)
    table = rank_table(values, direction, ranked=comparable)
    table.insert(1, "title", [_title(titles or {}, a) for a in table["area_id"]])
    table.insert(0, "kpi_id", kpi_id)
    table.insert(1, "year", int(year))
    table.insert(2, "gender", gender)
    table.insert(3, "direction", direction)
    return Ranking(kpi_id, int(year), gender, direction, table[RANKING_COLUMNS], shown, reason)


def _no_ranks() -> pd.DataFrame:
    return pd.DataFrame(columns=RANKING_COLUMNS)


def _title(titles: Mapping[str, str], area_id: str) -> str:
    return titles.get(area_id) or DEFAULT_AREAS.get(area_id, (area_id,))[0]


def dalarna_ranking(
    observations: pd.DataFrame,
    kpi_id: str,
    *,
    year: int | None = None,
    gender: str = "T",
    direction: str | None = None,
    comparable: bool | None = None,
) -> Ranking:
    """:func:`ranking` among Dalarna's 15 municipalities (all listed, with or without a value),
    by default in the newest year in which any of them has a value, with Region Dalarna's and
    Riket's values that year as references (a total is listed but not ranked)."""
    return ranking(
        observations,
        kpi_id,
        year=year,
        gender=gender,
        area_ids=list(DALARNA_MUNICIPALITIES),
        direction=direction,
        references=(REGION_DALARNA, RIKET),
        comparable=comparable,
    )
