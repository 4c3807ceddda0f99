"""Comparison with similar municipalities: a municipality beside RKA's most similar
municipalities (Kolada's "Liknande kommuner, övergripande") and their unweighted mean.

Pure functions: the municipality's series, the members' series (ordinary observations, which
may be missing when only the group mean was fetched) and the group mean series in, the rows the
page shows out. Every status is judged by :func:`indicators.follow_up.assess_series` – the
function behind the status table – against the *same* goal: the one that applies to the
municipality at the first chosen goal level (:func:`comparison_goal`), or the trend when none
does. A relative goal's target is computed from each series' own base value, as for any area.

The place among similar municipalities is counted among the municipality itself and the members
with a value in the newest year in which the municipality and at least one member have one, with
:func:`indicators.ranking.rank_areas` (1 is best given the desired direction; ties share the
better place). A total for the whole area (:attr:`~indicators.catalogue.Indicator.is_total`) is
not ranked (:data:`indicators.ranking.NOT_RANKED_REASON`).

The lists are one-way: a group is made *for* one municipality and does not list it; the
municipality it lists need not list it back. The mean is the members' mean, without the
municipality itself; ``count`` says how many members reported each year.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from data.groups import GroupRecord
from indicators.catalogue import Indicator
from indicators.follow_up import Points, assess_series, primary_goal
from indicators.progress import DEFAULT_THRESHOLD_SET, Assessment, ThresholdSet
from indicators.ranking import NOT_RANKED_REASON, rank_areas
from indicators.vocabulary import DIRECTIONS, GOAL_LEVELS, TREND

#: The roles of a comparison row.
MUNICIPALITY, MEMBER, MEAN = "kommun", "liknande", "medel"

#: How an administrator fetches what is missing (shown when it is).
GROUPS_MISSING_TEXT = (
    "Liknande kommuner är inte hämtade till databasen. En administratör hämtar grupperna och "
    "deras medelvärden med python -m etl refresh; med --similar-municipalities hämtas också de "
    "liknande kommunernas egna värden."
)
MEAN_MISSING_TEXT = (
    "Koladas medelvärde för de liknande kommunerna finns inte i databasen för den här "
    "indikatorn och det här könet."
)
MEMBER_VALUES_MISSING_TEXT = (
    "De liknande kommunernas egna värden är inte hämtade – bara deras medelvärde visas. En "
    "administratör hämtar dem med python -m etl refresh --similar-municipalities."
)


def mean_label(count: int | None, members: int) -> str:
    """The mean's name: ``ovägt medel, 6 av 7 kommuner`` (``count`` members of ``members``
    reported; ``?`` when Kolada gave no count)."""
    reported = "?" if count is None else str(count)
    return f"ovägt medel, {reported} av {members} kommuner"


@dataclass(frozen=True)
class ComparisonRow:
    """One line of the comparison: the municipality, a similar municipality or the mean.

    ``key`` is the area id (the group id for the mean); ``points`` the series (year, value),
    ``latest_year``/``latest_value`` its newest value; ``assessment`` its status against the
    comparison's goal. For the mean, ``counts`` maps year → members that reported and
    ``count`` is the newest year's.
    """

    key: str
    name: str
    role: str
    points: tuple[tuple[int, float], ...]
    assessment: Assessment
    counts: tuple[tuple[int, int | None], ...] = ()

    @property
    def latest_year(self) -> int | None:
        return self.points[-1][0] if self.points else None

    @property
    def latest_value(self) -> float | None:
        return self.points[-1][1] if self.points else None

    @property
    def has_values(self) -> bool:
        return bool(self.points)

    @property
    def count(self) -> int | None:
        latest = self.latest_year
        return dict(self.counts).get(latest) if latest is not None else None


@dataclass(frozen=True)
class Placing:
    """The municipality's place among itself and the members with a value in ``year``:
    ``rank`` of ``n`` (None when not ranked or no common year); ``text`` says it in words."""

    rank: int | None
    n: int
    year: int | None
    text: str


@dataclass(frozen=True)
class SimilarComparison:
    """What the section shows for one municipality and indicator.

    ``rows``: the municipality, each member in Kolada's order, then the mean. ``level`` and
    ``goal`` are what every status is judged against (``goal`` None: the trend).
    ``missing_members`` names the members without any value; ``notes`` are sentences to show
    (the one-way lists, what the comparison includes, what is missing).
    """

    area_id: str
    area_name: str
    group: GroupRecord
    gender: str
    level: str
    goal: object | None
    rows: tuple[ComparisonRow, ...]
    placing: Placing
    missing_members: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def mean(self) -> ComparisonRow:
        return self.rows[-1]

    @property
    def member_values_fetched(self) -> bool:
        """Whether any member has a value (else only the mean was fetched)."""
        return any(row.has_values for row in self.rows if row.role == MEMBER)


# --- inputs ------------------------------------------------------------------------------------


def _number(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def area_points(observations: pd.DataFrame, area_id: str, gender: str) -> Points:
    """One area's (year, value) points of one gender, sorted by year, missing values left out.
    ``observations`` is a tidy table of one KPI (area_id, year, gender, value)."""
    if observations.empty:
        return []
    rows = observations[(observations["area_id"] == area_id) & (observations["gender"] == gender)]
    points: dict[int, float] = {}
    for year, value in zip(rows["year"].tolist(), rows["value"].tolist(), strict=True):
        number = _number(value)
        if number is not None:
            points[int(year)] = number
    return sorted(points.items())


def mean_points(means: pd.DataFrame, group_id: str, gender: str) -> tuple[Points, dict[int, int]]:
    """The group mean's points and, per year, the number of members that reported
    (``means`` as :func:`data.groups.group_means` returns it)."""
    if means.empty:
        return [], {}
    rows = means[(means["group_id"] == group_id) & (means["gender"] == gender)]
    points: dict[int, float] = {}
    counts: dict[int, int] = {}
    for year, value, count in zip(
        rows["year"].tolist(), rows["value"].tolist(), rows["count"].tolist(), strict=True
    ):
        number = _number(value)
        if number is None:
            continue
        points[int(year)] = number
        reported = _number(count)
        if reported is not None:
            counts[int(year)] = int(reported)
    return sorted(points.items()), counts


def comparison_goal(
    goals: Iterable, area_id: str, levels: Sequence[str], latest_year: int | None
) -> tuple[str, object | None]:
    """The level and goal every status of the comparison is judged against: of the chosen
    ``levels`` (local first), the first at which a goal applies to the municipality, the goal
    chosen as in the status table (:func:`indicators.follow_up.primary_goal`); else the trend."""
    goals = list(goals)
    for level in GOAL_LEVELS:
        if level not in levels:
            continue
        goal = primary_goal(goals, area_id, level, latest_year)
        if goal is not None:
            return level, goal
    return TREND, None


# --- the place among similar municipalities ------------------------------------------------------


def latest_common_year(own: Points, others: Iterable[Points]) -> int | None:
    """The newest year in which the municipality (``own``) and at least one other series has
    a value."""
    own_years = {year for year, _ in own}
    other_years = {year for points in others for year, _ in points}
    common = own_years & other_years
    return max(common) if common else None


def placing_text(area_name: str, rank: int, n: int, year: int, direction: str) -> str:
    """The place in words, with what 1 means: "Falun har plats 2 av 8 år 2023, där 1 är bäst
    (lägre är bättre)." – without a desired direction counted from the highest value."""
    known = DIRECTIONS.get(direction)
    if known is None:
        return (
            f"{area_name} har plats {rank} av {n} år {year} räknat från det högsta värdet; "
            "indikatorn har ingen önskad riktning, så platsen säger inte vad som är bäst."
        )
    return f"{area_name} har plats {rank} av {n} år {year}, där 1 är bäst ({known.better})."


def placing(
    indicator: Indicator, area_id: str, area_name: str, rows: Sequence[ComparisonRow]
) -> Placing:
    """The municipality's place among itself and the members with a value in the newest
    common year (see the module doc); a total is not ranked and says why."""
    own = next(row for row in rows if row.key == area_id and row.role == MUNICIPALITY)
    members = [row for row in rows if row.role == MEMBER]
    year = latest_common_year(list(own.points), (list(row.points) for row in members))
    if indicator.is_total:
        return Placing(None, 0, year, NOT_RANKED_REASON)
    if year is None:
        return Placing(
            None,
            0,
            None,
            f"Ingen placering: det finns inget år där både {area_name} och någon av de "
            "liknande kommunerna har ett värde.",
        )
    values = {row.key: dict(row.points).get(year) for row in (own, *members)}
    present = {key: value for key, value in values.items() if value is not None}
    places = rank_areas(present, indicator.direction)
    mine = next(place for place in places if place.area_id == area_id)
    rank = mine.rank if mine.rank is not None else 0
    text = placing_text(area_name, rank, mine.n, year, indicator.direction)
    return Placing(rank, mine.n, year, text)


# --- the comparison ---------------------------------------------------------------------------


def _row(
    key: str,
    name: str,
    role: str,
    points: Points,
    indicator: Indicator,
    goal: object | None,
    thresholds: ThresholdSet,
    counts: Mapping[int, int] | None = None,
) -> ComparisonRow:
    assessment = assess_series(points, indicator, goal, thresholds=thresholds)
    return ComparisonRow(
        key=key,
        name=name,
        role=role,
        points=tuple(points),
        assessment=assessment,
        counts=tuple(sorted((counts or {}).items())),
    )


def genitive(name: str) -> str:
    """A Swedish genitive: "Faluns"; a name ending in s, x or z stays as it is ("Bollnäs")."""
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


def _notes(
    area_name: str, group: GroupRecord, rows: Sequence[ComparisonRow], missing: Sequence[str]
) -> tuple[str, ...]:
    made = f" ({group.year})" if group.year else ""
    members = len(group.members)
    notes = [
        f"De liknande kommunerna är RKA:s {members} kommuner som liknar {area_name} mest i "
        f"struktur{made}. Listorna är enkelriktade: att en kommun finns på "
        f"{genitive(area_name)} lista betyder inte att {area_name} finns på dess lista.",
        f"Jämförelsen omfattar {area_name} själv och de {members} liknande kommunerna; "
        f"medelvärdet är Koladas ovägda medel av de liknande kommunerna, utan {area_name}.",
    ]
    if not rows[-1].has_values:
        notes.append(MEAN_MISSING_TEXT)
    if not any(row.has_values for row in rows if row.role == MEMBER):
        notes.append(MEMBER_VALUES_MISSING_TEXT)
    elif missing:
        notes.append(f"Värden saknas för {', '.join(missing)}.")
    return tuple(notes)


def compare_with_similar(
    indicator: Indicator,
    *,
    area_id: str,
    area_name: str,
    group: GroupRecord,
    observations: pd.DataFrame,
    means: pd.DataFrame,
    goals: Iterable,
    levels: Sequence[str] = GOAL_LEVELS,
    gender: str = "T",
    thresholds: ThresholdSet = DEFAULT_THRESHOLD_SET,
) -> SimilarComparison:
    """The comparison of ``area_id`` with its similar municipalities (``group``, made for it).

    ``observations``: tidy rows of the indicator (area_id, year, gender, value) for the
    municipality and the members – those of members not fetched are simply absent. ``means``:
    the group's means as :func:`data.groups.group_means` returns them. ``goals``: the
    indicator's goals; ``levels`` the chosen goal levels (see :func:`comparison_goal`).
    """
    own = area_points(observations, area_id, gender)
    kpi_goals = [g for g in goals if g.kpi_id == indicator.kpi_id]
    level, goal = comparison_goal(kpi_goals, area_id, levels, own[-1][0] if own else None)
    rows = [_row(area_id, area_name, MUNICIPALITY, own, indicator, goal, thresholds)]
    for member in group.members:
        points = area_points(observations, member.id, gender)
        rows.append(_row(member.id, member.title, MEMBER, points, indicator, goal, thresholds))
    points, counts = mean_points(means, group.id, gender)
    label = "Liknande kommuner, " + mean_label(
        counts.get(points[-1][0]) if points else None, len(group.members)
    )
    rows.append(_row(group.id, label, MEAN, points, indicator, goal, thresholds, counts))
    missing = tuple(row.name for row in rows if row.role == MEMBER and not row.has_values)
    return SimilarComparison(
        area_id=area_id,
        area_name=area_name,
        group=group,
        gender=gender,
        level=level,
        goal=goal,
        rows=tuple(rows),
        placing=placing(indicator, area_id, area_name, rows),
        missing_members=missing,
        notes=_notes(area_name, group, rows, missing),
    )
