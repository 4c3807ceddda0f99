"""Progress towards a goal: is it met, and is the pace enough?

The method follows Statistics Canada's progress measure as implemented in Open SDG's
``ProgressMeasure`` (itself modelled on Eurostat's): compound annual growth rates (CAGR) from a
base year to the latest year, compared with the rate needed to reach the target in time
(ratio ``R``) or, without a numeric target, with fixed thresholds per year (``P``). Each series
gets a status and a score from −5 to +5; scores are averaged to aggregate series into indicators
and indicators into goals. The method, thresholds and edge cases are documented in Swedish in
``docs/progress-method.md``.

Everything here is pure: plain numbers in, frozen dataclasses out. How an area stands relative
to other areas is a different question, answered by :mod:`indicators.ranking`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from indicators.formatting import format_short
from indicators.vocabulary import (
    AT_LEAST,
    AT_MOST,
    GOAL_KINDS,
    OPERATORS,
    STATUS_STYLE,
    Status,
    StatusStyle,
)

logger = logging.getLogger(__name__)

GOAL_DIRECTIONS: tuple[str, ...] = ("up", "down")
INDICATOR_DIRECTIONS: tuple[str, ...] = ("up", "down", "none")

#: A zero base or target value is replaced by this (with the sign of the series), as in Open SDG.
ZERO_REPLACEMENT = 0.001
#: Exponent of the natural-limit coefficient ``C = 1 - (base/limit) ** 4.44``.
NATURAL_LIMIT_EXPONENT = 4.44
#: The highest and lowest score; the score of the status boundaries is ±2.5 and 0.
MAX_SCORE = 5.0
BOUNDARY_SCORE = 2.5

METHOD_TARGET = "mål"
METHOD_TREND = "trend"


@dataclass(frozen=True)
class ThresholdSet:
    """A named set of status thresholds.

    ``with_target`` applies to the ratio ``R`` (observed / required annual change) and
    ``without_target`` to ``P``, the observed annual change in the desired direction (0.015 =
    1.5 % a year). Each triple is (on track, acceleration needed, limited): a value at or above
    the first is *i fas*, at or above the second *behöver accelereras*, at or above the third
    *otillräcklig*, below it *går åt fel håll*.
    """

    name: str
    label_sv: str
    with_target: tuple[float, float, float] = (0.95, 0.60, 0.0)
    without_target: tuple[float, float, float] = (0.015, 0.005, 0.0)

    def __post_init__(self) -> None:
        for attr in ("with_target", "without_target"):
            bounds = getattr(self, attr)
            if len(bounds) != 3 or not bounds[0] > bounds[1] > bounds[2]:
                raise ValueError(
                    f"ThresholdSet {self.name!r}: {attr} must be three strictly decreasing "
                    f"numbers (on track, acceleration, limited), got {bounds!r}"
                )


STATISTICS_CANADA = ThresholdSet(
    name="statistics_canada",
    label_sv="Statistics Canada (Open SDG): 1,5 %, 0,5 % och 0 % per år utan målvärde",
    with_target=(0.95, 0.60, 0.0),
    without_target=(0.015, 0.005, 0.0),
)

EUROSTAT = ThresholdSet(
    name="eurostat",
    label_sv="Eurostat: ±1 % per år utan målvärde",
    with_target=(0.95, 0.60, 0.0),
    without_target=(0.01, 0.0, -0.01),
)

THRESHOLD_SETS: dict[str, ThresholdSet] = {t.name: t for t in (STATISTICS_CANADA, EUROSTAT)}
DEFAULT_THRESHOLD_SET = STATISTICS_CANADA


def threshold_set(name: str) -> ThresholdSet:
    """The threshold set with this name; a clear error lists the known names."""
    try:
        return THRESHOLD_SETS[name]
    except KeyError:
        known = ", ".join(sorted(THRESHOLD_SETS))
        raise ValueError(f"unknown threshold set {name!r}; expected one of: {known}") from None


@dataclass(frozen=True)
class GoalSpec:
    """The numbers of one goal that the assessment needs (built from a ``Goal`` row)."""

    kind: str
    operator: str | None = None
    target_value: float | None = None
    relative_change: float | None = None
    band_low: float | None = None
    band_high: float | None = None
    direction: str | None = None
    base_year: int | None = None
    target_year: int | None = None

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.kind not in GOAL_KINDS:
            problems.append(f"kind must be one of {', '.join(GOAL_KINDS)}, got {self.kind!r}")
        if self.operator is not None and self.operator not in OPERATORS:
            problems.append(f"operator must be '>=', '<=' or None, got {self.operator!r}")
        if self.direction is not None and self.direction not in GOAL_DIRECTIONS:
            problems.append(f"direction must be 'up', 'down' or None, got {self.direction!r}")
        if self.kind == "absolute" and self.target_value is None:
            problems.append("an absolute goal needs target_value")
        if self.kind == "relative":
            if self.relative_change is None:
                problems.append("a relative goal needs relative_change (e.g. -0.7 for −70 %)")
            elif self.relative_change < -1:
                problems.append(f"relative_change must be ≥ -1, got {self.relative_change!r}")
        if self.kind == "band":
            if self.band_low is None or self.band_high is None:
                problems.append("a band goal needs band_low and band_high")
            elif self.band_low > self.band_high:
                problems.append(
                    f"band_low ({self.band_low}) must not exceed band_high ({self.band_high})"
                )
        if problems:
            raise ValueError("invalid goal: " + "; ".join(problems))

    @classmethod
    def from_goal(cls, goal: Any) -> GoalSpec:
        """Build from any object with the ``Goal`` model's attributes (e.g. a ``Goal`` row)."""
        return cls(
            kind=goal.kind,
            operator=goal.operator,
            target_value=goal.target_value,
            relative_change=goal.relative_change,
            band_low=goal.band_low,
            band_high=goal.band_high,
            direction=goal.direction,
            base_year=goal.base_year,
            target_year=goal.target_year,
        )


@dataclass(frozen=True)
class Assessment:
    """The judgement of one series (one area, one gender) against one goal or trend.

    Annual changes are fractions (0.012 = +1.2 % a year) and positive when the value rises,
    also for negative series. ``ratio`` is ``R`` with a target and ``P`` without.
    """

    status: Status
    score: float | None
    reason: str
    base_year: int | None = None
    base_value: float | None = None
    latest_year: int | None = None
    latest_value: float | None = None
    target_value: float | None = None
    target_year: int | None = None
    required_annual_change: float | None = None
    observed_annual_change: float | None = None
    ratio: float | None = None
    method: str = METHOD_TREND
    threshold_set: str = DEFAULT_THRESHOLD_SET.name
    goal_kind: str | None = None
    deadline_passed: bool = False
    natural_limit_factor: float | None = None

    @property
    def style(self) -> StatusStyle:
        return STATUS_STYLE[self.status]

    def as_dict(self) -> dict[str, Any]:
        """A flat, JSON-friendly dict for exports (status as its Swedish value)."""
        style = self.style
        return {
            "status": str(self.status),
            "status_icon": style.icon,
            "status_en": style.label_en,
            "score": self.score,
            "reason": self.reason,
            "base_year": self.base_year,
            "base_value": self.base_value,
            "latest_year": self.latest_year,
            "latest_value": self.latest_value,
            "target_value": self.target_value,
            "target_year": self.target_year,
            "required_annual_change": self.required_annual_change,
            "observed_annual_change": self.observed_annual_change,
            "ratio": self.ratio,
            "method": self.method,
            "threshold_set": self.threshold_set,
            "goal_kind": self.goal_kind,
            "deadline_passed": self.deadline_passed,
            "natural_limit_factor": self.natural_limit_factor,
        }


@dataclass(frozen=True)
class Aggregate:
    """Several assessments (or aggregates) summarised by their mean score."""

    status: Status
    mean_score: float | None
    counts: dict[Status, int] = field(default_factory=dict)
    n_assessed: int = 0

    @property
    def score(self) -> float | None:
        """The mean score, so that aggregates can be aggregated again."""
        return self.mean_score

    @property
    def n_total(self) -> int:
        return sum(self.counts.values())


# --- numbers and text -------------------------------------------------------------------------


def format_percent(fraction: float, *, signed: bool = True) -> str:
    """A fraction as a Swedish percentage with one decimal: 0.0123 → '+1,2 %'."""
    pct = round(fraction * 100, 1)
    body = f"{abs(pct):.1f}".replace(".", ",")
    if pct == 0:
        return f"{body} %"
    sign = "−" if pct < 0 else ("+" if signed else "")
    return f"{sign}{body} %"


def _direction_word(sign: int) -> str:
    return "uppåt" if sign > 0 else "nedåt"


# --- scores and statuses ----------------------------------------------------------------------


def classify(value: float, thresholds: tuple[float, float, float]) -> Status:
    """The status of a ratio ``R`` or annual change ``P`` given (on track, acceleration, limited).

    Every lower bound is inclusive: a value exactly on a threshold gets the better status.
    """
    on_track, acceleration, limited = thresholds
    if value >= on_track:
        return Status.I_FAS
    if value >= acceleration:
        return Status.ACCELERERA
    if value >= limited:
        return Status.OTILLRACKLIG
    return Status.FEL_HALL


def progress_score(
    value: float,
    thresholds: tuple[float, float, float],
    *,
    below_width: float | None = None,
) -> float:
    """The −5 … +5 score of ``R`` or ``P``: piecewise linear through the status thresholds.

    The acceleration threshold scores 0, the on-track threshold +2.5 and the limited threshold
    −2.5; above the acceleration threshold the line keeps the slope of the segment
    [acceleration, on track], below it the slope of [limited, acceleration]; the result is
    clamped to ±5. With the ratio thresholds (0.95, 0.60, 0) this is Open SDG's
    ``min(7.1429·R − 4.2857, 5)`` for R ≥ 0.6 and ``max(4.1667·R − 2.5, −5)`` below, with the
    exact slopes 2.5/0.35 and 2.5/0.6.

    ``below_width`` replaces the width of [limited, acceleration] for values below the limited
    threshold (used when a natural limit has narrowed the positive thresholds, so that moving
    away is not scored more harshly near the limit).
    """
    on_track, acceleration, limited = thresholds
    if value >= on_track:
        if on_track == acceleration:
            return MAX_SCORE
        slope = BOUNDARY_SCORE / (on_track - acceleration)
        return min(BOUNDARY_SCORE + slope * (value - on_track), MAX_SCORE)
    if value >= acceleration:
        return BOUNDARY_SCORE * (value - acceleration) / (on_track - acceleration)
    if value >= limited:
        return -BOUNDARY_SCORE + BOUNDARY_SCORE * (value - limited) / (acceleration - limited)
    width = below_width if below_width is not None else acceleration - limited
    if width <= 0:
        return -MAX_SCORE
    return max(-BOUNDARY_SCORE + BOUNDARY_SCORE * (value - limited) / width, -MAX_SCORE)


def status_from_score(score: float | None) -> Status:
    """The status band of a (mean) score: [2.5, 5] i fas … [−5, −2.5) går åt fel håll."""
    if score is None or math.isnan(score):
        return Status.EJ_BEDOMBAR
    if score >= BOUNDARY_SCORE:
        return Status.I_FAS
    if score >= 0:
        return Status.ACCELERERA
    if score >= -BOUNDARY_SCORE:
        return Status.OTILLRACKLIG
    return Status.FEL_HALL


def natural_limit_factor(base: float, limit: float) -> float:
    """The coefficient ``C`` that narrows the positive no-target thresholds near a limit.

    ``C = 1 − (base/limit) ** 4.44`` when |base| ≤ |limit|; above the limit the distance is
    mirrored (``1 − ((2·limit − base)/limit) ** 4.44``) and from twice the limit on ``C = 1``,
    as in Open SDG. ``C`` is 0 at the limit and close to 1 far from it.
    """
    b, lim = abs(base), abs(limit)
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return 1.0 - (b / lim) ** NATURAL_LIMIT_EXPONENT
    return 1.0 - ((2 * lim - b) / lim) ** NATURAL_LIMIT_EXPONENT


def annual_change(start: float, end: float, years: int) -> float:
    """Compound annual growth rate from ``start`` to ``end`` over ``years`` years.

    Both values must be non-zero with the same sign (or ``end`` zero); the result is positive
    when the value rises, also for negative values.
    """
    if years <= 0:
        raise ValueError(f"years must be positive, got {years}")
    if start == 0 or end * start < 0:
        raise ValueError(f"start ({start}) and end ({end}) must be non-zero with the same sign")
    sign = -1.0 if start < 0 else 1.0
    return sign * ((end / start) ** (1.0 / years) - 1.0)


# --- series handling --------------------------------------------------------------------------

SeriesInput = Mapping[Any, float | None] | Iterable[tuple[Any, float | None]]


def series_points(series: SeriesInput) -> list[tuple[int, float]]:
    """The (year, value) points of a series, sorted, with missing values (None, NaN) dropped.

    Raises ``ValueError`` naming the year and field for a year or value that is not a number and
    for a year given twice.
    """
    items = series.items() if isinstance(series, Mapping) else series
    points: dict[int, float] = {}
    for item in items:
        try:
            raw_year, raw_value = item
        except (TypeError, ValueError):
            raise ValueError(f"series item {item!r}: expected a (year, value) pair") from None
        try:
            year = int(raw_year)
        except (TypeError, ValueError):
            raise ValueError(f"series year {raw_year!r}: expected a whole year") from None
        if isinstance(raw_year, float) and not raw_year.is_integer():
            raise ValueError(f"series year {raw_year!r}: expected a whole year")
        if raw_value is None:
            continue
        if isinstance(raw_value, bool):
            raise ValueError(f"series value for {year}: expected a number, got {raw_value!r}")
        try:
            value = float(raw_value)
        except (TypeError, ValueError):
            raise ValueError(
                f"series value for {year}: expected a number, got {raw_value!r}"
            ) from None
        if math.isnan(value):
            continue
        if math.isinf(value):
            raise ValueError(f"series value for {year}: expected a finite number, got {value}")
        if year in points:
            raise ValueError(f"series year {year} is given twice")
        points[year] = value
    return sorted(points.items())


def resolve_base(points: list[tuple[int, float]], requested_year: int) -> tuple[int, float] | None:
    """The base point: the requested year, else the first later year with a value, else None."""
    for year, value in points:
        if year >= requested_year:
            return year, value
    return None


def _check_direction(direction: str) -> None:
    if direction not in INDICATOR_DIRECTIONS:
        raise ValueError(f"direction must be 'up', 'down' or 'none', got {direction!r}")


def _sign_of(direction: str | None) -> int | None:
    return {"up": 1, "down": -1}.get(direction or "")


def _nonzero(value: float, like: float) -> float:
    """``value``, or ±0.001 (with the sign of ``like``) when it is zero."""
    if value != 0:
        return value
    return math.copysign(ZERO_REPLACEMENT, like) if like != 0 else ZERO_REPLACEMENT


# --- assessment -------------------------------------------------------------------------------


@dataclass
class _Context:
    """Facts gathered while assessing, turned into an :class:`Assessment` at the end."""

    thresholds: ThresholdSet
    goal_kind: str | None
    method: str
    target_year: int | None = None
    notes: list[str] = field(default_factory=list)
    base: tuple[int, float] | None = None
    latest: tuple[int, float] | None = None
    target_value: float | None = None

    def result(self, status: Status, score: float | None, reason: str, **extra: Any) -> Assessment:
        return Assessment(
            status=status,
            score=score,
            reason=" ".join([reason, *self.notes]),
            base_year=self.base[0] if self.base else None,
            base_value=self.base[1] if self.base else None,
            latest_year=self.latest[0] if self.latest else None,
            latest_value=self.latest[1] if self.latest else None,
            target_value=self.target_value,
            target_year=self.target_year,
            method=self.method,
            threshold_set=self.thresholds.name,
            goal_kind=self.goal_kind,
            **extra,
        )


def assess(
    series: SeriesInput,
    *,
    direction: str,
    goal: GoalSpec | None = None,
    thresholds: ThresholdSet = DEFAULT_THRESHOLD_SET,
    natural_limit: float | None = None,
    default_base_year: int = 2015,
    default_target_year: int = 2030,
) -> Assessment:
    """Judge one series against a goal (or, without a numeric goal, its trend).

    ``series`` maps year → value (``None`` ignored) or is an iterable of (year, value) pairs;
    ``direction`` is the indicator's desired direction ("up", "down" or "none"). A gender
    breakdown is just another series: assess women and men separately. ``natural_limit`` (e.g.
    100 for a percentage) only affects the assessment without a numeric target.
    """
    _check_direction(direction)
    points = series_points(series)
    kind = goal.kind if goal is not None else None
    with_target = goal is not None and kind != "direction"
    ctx = _Context(
        thresholds=thresholds,
        goal_kind=kind,
        method=METHOD_TARGET if with_target else METHOD_TREND,
        target_year=(goal.target_year or default_target_year) if goal and with_target else None,
    )
    if not points:
        return ctx.result(Status.EJ_BEDOMBAR, None, "Inga värden.")
    ctx.latest = points[-1]
    requested_base = (goal.base_year if goal is not None else None) or default_base_year
    if goal is not None and with_target:
        return _assess_with_target(points, goal, direction, requested_base, ctx)
    wanted = _sign_of(goal.direction if goal is not None else None) or _sign_of(direction)
    if wanted is None:
        return ctx.result(Status.EJ_BEDOMBAR, None, "Ingen önskad riktning.")
    return _assess_trend(points, wanted, requested_base, natural_limit, ctx)


def _take_base(points: list[tuple[int, float]], requested: int, ctx: _Context) -> str | None:
    """Set ``ctx.base``; return why the series cannot be assessed, or None when it can."""
    base = resolve_base(points, requested)
    if base is None:
        latest_year = ctx.latest[0] if ctx.latest else None
        return (
            f"Inget värde för basåret {requested} eller senare (senaste värdet är från "
            f"{latest_year})."
        )
    ctx.base = base
    if base[0] != requested:
        ctx.notes.append(
            f"Basåret {requested} saknar värde; första året därefter med värde ({base[0]}) "
            "används som bas."
        )
    if len(points) < 2:
        return "Färre än två värden."
    if ctx.latest is not None and base[0] >= ctx.latest[0]:
        return f"Färre än två värden från basåret {base[0]} och framåt."
    return None


def _goal_sign(goal: GoalSpec, direction: str, latest_value: float) -> int | None:
    """+1 when the goal wants the value to rise, −1 to fall, None when nothing says which.

    A band goal points from the latest value towards the band; otherwise the operator decides,
    then the sign of a relative change, then the goal's and finally the indicator's direction.
    """
    if goal.kind == "band":
        return 1 if latest_value < (goal.band_low or 0.0) else -1
    by_operator = {">=": 1, "<=": -1}.get(goal.operator or "")
    if by_operator is not None:
        return by_operator
    if goal.kind == "relative" and goal.relative_change:
        return 1 if goal.relative_change > 0 else -1
    return _sign_of(goal.direction) or _sign_of(direction)


def _is_met(latest: float, target: float, sign: int) -> bool:
    return latest >= target if sign > 0 else latest <= target


def _achieved(
    ctx: _Context, points: list[tuple[int, float]], requested: int, text: str
) -> Assessment:
    """An *uppnått* result; the base is shown when there is one, without further notes."""
    ctx.base = resolve_base(points, requested)
    ctx.notes = []
    observed = None
    if ctx.base is not None and ctx.latest is not None and ctx.base[0] < ctx.latest[0]:
        observed = _observed_change(ctx.base[1], ctx.latest[1], ctx.latest[0] - ctx.base[0])
    return ctx.result(Status.UPPNATT, MAX_SCORE, text, observed_annual_change=observed)


def _observed_change(base: float, latest: float, years: int) -> float | None:
    """The annual change, with zeros handled as in the assessment; None with a sign change."""
    if base * latest < 0:
        return None
    if base == 0 and latest == 0:
        return 0.0
    return annual_change(_nonzero(base, latest), latest, years)


def _assess_with_target(  # noqa: C901 - the ratio method's steps, each documented in turn
    points: list[tuple[int, float]],
    goal: GoalSpec,
    direction: str,
    requested_base: int,
    ctx: _Context,
) -> Assessment:
    if ctx.latest is None or ctx.target_year is None:
        raise ValueError("internal: latest point and target year must be set")
    latest_year, latest_value = ctx.latest
    target_year = ctx.target_year
    sign = _goal_sign(goal, direction, latest_value)
    if sign is None:
        return ctx.result(
            Status.EJ_BEDOMBAR,
            None,
            "Målet anger inte om värdet ska öka eller minska och indikatorn saknar önskad "
            "riktning.",
        )
    at_most_least = OPERATORS[AT_LEAST if sign > 0 else AT_MOST].word
    latest_text = f"senaste värdet {format_short(latest_value)} ({latest_year})"

    # Question 1: is the goal met? Absolute and band goals need only the latest value.
    if goal.kind == "band":
        low, high = goal.band_low, goal.band_high
        if low is None or high is None:
            raise ValueError("internal: band goal without band_low/band_high")
        if low <= latest_value <= high:
            return _achieved(
                ctx,
                points,
                requested_base,
                f"Målet är uppnått: {latest_text} ligger inom intervallet "
                f"{format_short(low)}–{format_short(high)}.",
            )
        ctx.target_value = low if sign > 0 else high
    elif goal.kind == "absolute":
        if goal.target_value is None:
            raise ValueError("internal: absolute goal without target_value")
        ctx.target_value = goal.target_value
        if _is_met(latest_value, goal.target_value, sign):
            return _achieved(
                ctx,
                points,
                requested_base,
                f"Målet är uppnått: {latest_text} är {at_most_least} "
                f"{format_short(goal.target_value)}.",
            )

    problem = _take_base(points, requested_base, ctx)
    if problem is not None:
        return ctx.result(Status.EJ_BEDOMBAR, None, problem)
    assert ctx.base is not None
    base_year, base_value = ctx.base

    if goal.kind == "relative":
        change = goal.relative_change or 0.0
        ctx.target_value = base_value * (1.0 + change)
        if _is_met(latest_value, ctx.target_value, sign):
            return _achieved(
                ctx,
                points,
                requested_base,
                f"Målet är uppnått: {latest_text} är {at_most_least} "
                f"{format_short(ctx.target_value)} ({format_percent(change)} från "
                f"{format_short(base_value)} år {base_year}).",
            )
    target_value = ctx.target_value
    assert target_value is not None

    deadline_passed = latest_year >= target_year
    if deadline_passed:
        ctx.notes.append(f"Målet skulle ha nåtts senast {target_year} men har inte nåtts.")

    # Question 2: is the pace enough?
    if base_value * latest_value < 0:
        problem = "Bas- och senaste värde har olika tecken."
    elif base_value * target_value < 0:
        problem = "Bas- och målvärde har olika tecken."
    elif target_year <= base_year:
        problem = f"Målåret {target_year} ligger inte efter basåret {base_year}."
    if problem is not None:
        return ctx.result(Status.EJ_BEDOMBAR, None, problem, deadline_passed=deadline_passed)

    base_used = _nonzero(base_value, latest_value or target_value)
    target_used = _nonzero(target_value, base_used)
    latest_used = _nonzero(latest_value, base_used) if base_value == 0 else latest_value
    if base_used != base_value:
        ctx.notes.append("Basvärdet 0 har ersatts med 0,001 i beräkningen.")
    if target_used != target_value:
        ctx.notes.append("Målvärdet 0 har ersatts med 0,001 i beräkningen.")
    observed = annual_change(base_used, latest_used, latest_year - base_year)
    required = annual_change(base_used, target_used, target_year - base_year)
    summary = (
        f"Förändringen {base_year}–{latest_year} är {format_percent(observed)} per år; för att nå "
        f"{format_short(target_value)} till {target_year} behövs {format_percent(required)} "
        "per år"
    )
    extra: dict[str, Any] = {
        "observed_annual_change": observed,
        "required_annual_change": required,
        "deadline_passed": deadline_passed,
    }
    if required == 0:
        # The target is the base value itself (e.g. "no increase") and it is not met.
        return ctx.result(
            Status.FEL_HALL,
            -MAX_SCORE,
            f"{summary}: målet är att inte passera basvärdet, men värdet har gått åt fel håll.",
            **extra,
        )
    bounds = ctx.thresholds.with_target
    ratio = sign * observed / abs(required)
    if sign * required < 0:
        # The base value already met the target; the latest does not, so it moved away.
        reason = (
            f"Basvärdet {format_short(base_value)} ({base_year}) uppfyllde målet "
            f"{format_short(target_value)}, men {latest_text} gör det inte: förändringen är "
            f"{format_percent(observed)} per år, åt fel håll (kvot {format_short(ratio, 2)})."
        )
    else:
        reason = (
            f"{summary} (kvot {format_short(ratio, 2)}; i fas från {format_short(bounds[0], 2)})."
        )
    return ctx.result(
        classify(ratio, bounds), progress_score(ratio, bounds), reason, ratio=ratio, **extra
    )


def _assess_trend(
    points: list[tuple[int, float]],
    sign: int,
    requested_base: int,
    natural_limit: float | None,
    ctx: _Context,
) -> Assessment:
    problem = _take_base(points, requested_base, ctx)
    if problem is not None:
        return ctx.result(Status.EJ_BEDOMBAR, None, problem)
    assert ctx.base is not None and ctx.latest is not None
    base_year, base_value = ctx.base
    latest_year, latest_value = ctx.latest
    if base_value * latest_value < 0:
        return ctx.result(Status.EJ_BEDOMBAR, None, "Bas- och senaste värde har olika tecken.")
    if base_value == 0:
        ctx.notes.append("Basvärdet 0 har ersatts med 0,001 i beräkningen.")
    observed = _observed_change(base_value, latest_value, latest_year - base_year)
    assert observed is not None
    progress = sign * observed

    on_track, acceleration, limited = ctx.thresholds.without_target
    below_width = acceleration - limited
    factor: float | None = None
    # A natural limit (e.g. 100 % for a share) narrows the thresholds only where the series
    # moves towards it: an increase wanted and the base at or below the ceiling.
    if natural_limit is not None and sign > 0 and abs(base_value) <= abs(natural_limit):
        factor = natural_limit_factor(_nonzero(base_value, latest_value), natural_limit)
        on_track, acceleration, limited = (
            b * factor if b > 0 else b for b in (on_track, acceleration, limited)
        )
        if factor < 0.995:
            ctx.notes.append(
                f"Värdet ligger nära den naturliga gränsen {format_short(natural_limit)}, så "
                "de positiva gränsvärdena har multiplicerats med "
                f"C = {format_short(factor, 3)}."
            )
    bounds = (on_track, acceleration, limited)
    return ctx.result(
        classify(progress, bounds),
        progress_score(progress, bounds, below_width=below_width),
        f"Förändringen {base_year}–{latest_year} är {format_percent(observed)} per år; önskad "
        f"riktning är {_direction_word(sign)} (i fas från {format_percent(on_track, signed=False)}"
        " per år i önskad riktning).",
        observed_annual_change=observed,
        ratio=progress,
        natural_limit_factor=factor,
    )


# --- aggregation ------------------------------------------------------------------------------


def aggregate(assessments: Iterable[Assessment | Aggregate]) -> Aggregate:
    """Summarise series into an indicator, or indicators into a goal, by their mean score.

    The mean is over assessable parts only; it is *uppnått* only when every part is
    *uppnått*; with no assessable part it is *kan inte bedömas*. ``counts`` holds every status.
    """
    parts = list(assessments)
    counts = {status: 0 for status in Status}
    for part in parts:
        counts[part.status] += 1
    scores = [p.score for p in parts if p.status != Status.EJ_BEDOMBAR and p.score is not None]
    if not scores:
        return Aggregate(Status.EJ_BEDOMBAR, None, counts, 0)
    mean = math.fsum(scores) / len(scores)
    if all(p.status == Status.UPPNATT for p in parts):
        status = Status.UPPNATT
    else:
        status = status_from_score(mean)
    return Aggregate(status, mean, counts, len(scores))


# --- goal lines -------------------------------------------------------------------------------


def goal_line(
    goal: GoalSpec,
    series: SeriesInput,
    *,
    default_base_year: int = 2015,
    default_target_year: int = 2030,
) -> list[tuple[int, float]]:
    """The straight path from (base year, base value) to (target year, target value), per year.

    The base is the area's own value in the goal's base year (or the first later year with a
    value); a relative goal's target is computed from it. Band goals are drawn with
    :func:`band_lines`; direction goals have no line (``[]``), nor has a series without a base.
    """
    if goal.kind not in ("absolute", "relative"):
        return []
    points = series_points(series)
    base = resolve_base(points, goal.base_year or default_base_year)
    if base is None:
        return []
    base_year, base_value = base
    target_year = goal.target_year or default_target_year
    if target_year <= base_year:
        return []
    if goal.kind == "relative":
        assert goal.relative_change is not None
        target_value = base_value * (1.0 + goal.relative_change)
    else:
        assert goal.target_value is not None
        target_value = goal.target_value
    span = target_year - base_year
    return [
        (year, base_value + (target_value - base_value) * (year - base_year) / span)
        for year in range(base_year, target_year + 1)
    ]


def band_lines(
    goal: GoalSpec, series: SeriesInput = ()
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """Two flat lines (low, high) of a band goal across the series' years and the target year.

    Empty lines for other goal kinds or when there is no year to draw over.
    """
    if goal.kind != "band":
        return [], []
    assert goal.band_low is not None and goal.band_high is not None
    years = [year for year, _ in series_points(series)]
    if goal.target_year is not None:
        years.append(goal.target_year)
    if not years:
        return [], []
    first, last = min(years), max(years)
    return (
        [(first, goal.band_low), (last, goal.band_low)],
        [(first, goal.band_high), (last, goal.band_high)],
    )
