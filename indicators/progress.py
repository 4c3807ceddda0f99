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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from indicators.formatting import format_annual_change, format_short, format_signed
from indicators.goal_text import PERCENT_UNITS
from indicators.vocabulary import (
    AT_LEAST,
    AT_MOST,
    GOAL_KINDS,
    OPERATORS,
    ROBUST,
    STATUS_STYLE,
    UNCERTAIN,
    Status,
    StatusStyle,
)

logger = logging.getLogger(__name__)

GOAL_DIRECTIONS: tuple[str, ...] = ("up", "down")
INDICATOR_DIRECTIONS: tuple[str, ...] = ("up", "down", "none")

#: Without a target, a zero base value is replaced by this (with the sign of the series), as in
#: Open SDG. Judged against a target, a zero is never replaced: the pace is measured linearly.
ZERO_REPLACEMENT = 0.001
#: Exponent of the natural-limit coefficient ``C = 1 - (base/limit) ** 4.44``.
NATURAL_LIMIT_EXPONENT = 4.44
#: The highest and lowest score; the score of the status boundaries is ±2.5 and 0.
MAX_SCORE = 5.0
BOUNDARY_SCORE = 2.5

METHOD_TARGET = "mål"
METHOD_TREND = "trend"

#: How an annual change is measured (:attr:`Assessment.pace`): compound, as a fraction a year
#: (CAGR; 0.012 = +1.2 % a year), or linear, in the indicator's unit a year. A target of 0, a
#: base value of 0, values that change sign and band goals are judged linearly.
PACE_PERCENT = "procent"
PACE_LINEAR = "linjär"
PACES: tuple[str, ...] = (PACE_PERCENT, PACE_LINEAR)
#: A status from fewer values than this (from the base year to the latest) is marked uncertain.
MIN_ROBUST_POINTS = 4


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

    Annual changes are positive when the value rises, also for negative series; ``pace`` says
    how they are measured: :data:`PACE_PERCENT`, fractions (0.012 = +1.2 % a year), or
    :data:`PACE_LINEAR`, the indicator's unit a year. ``ratio`` is ``R`` with a target and ``P``
    without.

    Robustness: ``least_squares_status`` is the status with the observed change taken from a
    least-squares line through every value from the base year on (``least_squares_change``,
    measured as ``pace``); ``robustness`` is ``"osäker"`` when that status differs, when fewer
    than :data:`MIN_ROBUST_POINTS` values exist from the base year on, or when moving the base
    year by one year changes the status, else ``"stabil"`` (None when the series cannot be
    assessed); ``robustness_reason`` says why, in Swedish.
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
    pace: str = PACE_PERCENT
    n_points: int = 0
    least_squares_change: float | None = None
    least_squares_status: Status | None = None
    robustness: str | None = None
    robustness_reason: str = ""

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
            "pace": self.pace,
            "n_points": self.n_points,
            "least_squares_change": self.least_squares_change,
            "least_squares_status": (
                str(self.least_squares_status) if self.least_squares_status is not None else None
            ),
            "robustness": self.robustness,
            "robustness_reason": self.robustness_reason,
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


def pace_unit(pace: str | None, unit: str | None = "") -> str:
    """What an annual change is measured in: ``% per år`` for a compound rate; for a linear
    one the indicator's unit a year – ``ton CO2e per år``, ``procentenheter per år`` for a
    share, ``per år`` for a count."""
    if pace != PACE_LINEAR:
        return "% per år"
    unit = (unit or "").strip()
    if unit in PERCENT_UNITS:
        return "procentenheter per år"
    if unit in ("", "antal"):
        return "per år"
    return f"{unit} per år"


def change_text(
    value: float | None, pace: str | None, unit: str | None = "", decimals: int = 1
) -> str:
    """An annual change as a page shows it ("Krävd förändring", "Faktisk förändring"): a
    compound rate as ``−3,8 % per år`` (one decimal), a linear one in the unit a year,
    ``−12 500 ton CO2e per år`` (``decimals`` decimals, more when those would show 0);
    missing → ``–``. ``pace`` is the assessment's (:data:`PACE_PERCENT` when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return format_annual_change(None)
    if pace != PACE_LINEAR:
        return format_annual_change(value)
    number = format_signed(value, decimals)
    if value != 0 and round(abs(value), decimals) == 0:
        number = _signed_short(value)
    return f"{number} {pace_unit(pace, unit)}"


def _signed_short(value: float) -> str:
    """:func:`format_short` with a plus sign on a rise (running text)."""
    text = format_short(value)
    return "+" + text if value > 0 and any(ch in "123456789" for ch in text) else text


def _pace_text(value: float, pace: str, unit: str) -> str:
    """An annual change in running text: ``−2,0 % per år`` or ``−1 667 ton CO2e per år``."""
    if pace == PACE_LINEAR:
        return f"{_signed_short(value)} {pace_unit(pace, unit)}"
    return f"{format_percent(value)} per år"


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


# --- robustness: least squares and band distance ---------------------------------------------


def least_squares_slope(points: Sequence[tuple[int, float]]) -> float | None:
    """The slope (value per year) of the ordinary least-squares line through the points; None
    with fewer than two different years."""
    n = len(points)
    if n < 2:
        return None
    mean_year = math.fsum(year for year, _ in points) / n
    mean_value = math.fsum(value for _, value in points) / n
    spread = math.fsum((year - mean_year) ** 2 for year, _ in points)
    if spread == 0:
        return None
    return math.fsum((year - mean_year) * (value - mean_value) for year, value in points) / spread


def least_squares_change(points: Sequence[tuple[int, float]], pace: str) -> float | None:
    """The annual change of the least-squares line through ``points``, measured as ``pace``:
    linear, its slope in the unit a year; compound, ``e^b − 1`` for the slope ``b`` of the line
    through the logarithms of the values (positive when the value rises, also for negative
    values). None with fewer than two years, or, compound, when the values are not all non-zero
    with one sign."""
    if pace == PACE_LINEAR:
        return least_squares_slope(points)
    if any(value == 0 for _, value in points) or len({value > 0 for _, value in points}) > 1:
        return None
    slope = least_squares_slope([(year, math.log(abs(value))) for year, value in points])
    if slope is None:
        return None
    sign = 1.0 if points[0][1] > 0 else -1.0
    return sign * math.expm1(slope)


def band_distance(value: float, low: float, high: float) -> float:
    """How far a value lies outside a band: 0 inside it (bounds included), else the distance to
    the nearest bound."""
    return max(low - value, value - high, 0.0)


def uses_linear_pace(base: float, latest: float, target: float) -> bool:
    """Whether a target's pace is measured linearly: a target or base value of 0, or values of
    different signs, where a compound rate would need a stand-in for 0 or is not defined."""
    return target == 0 or base == 0 or base * latest < 0 or base * target < 0


def _linear_cause(base: float, target: float) -> str:
    if target == 0:
        return "målvärdet är 0"
    if base == 0:
        return "basvärdet är 0"
    return "värdena har olika tecken"


def _pace_status(
    progress: float, needed: float, bounds: tuple[float, float, float]
) -> tuple[Status, float, float | None]:
    """Status, score and ratio of ``progress`` towards a target a year against the ``needed``
    progress a year (both positive towards the target). Nothing needed (the target is the base
    value) and no progress: moving away."""
    if needed == 0:
        if progress > 0:
            return Status.I_FAS, MAX_SCORE, None
        return Status.FEL_HALL, -MAX_SCORE, None
    ratio = progress / abs(needed)
    return classify(ratio, bounds), progress_score(ratio, bounds), ratio


# --- assessment -------------------------------------------------------------------------------


@dataclass
class _Context:
    """Facts gathered while assessing, turned into an :class:`Assessment` at the end."""

    thresholds: ThresholdSet
    goal_kind: str | None
    method: str
    unit: str = ""
    target_year: int | None = None
    notes: list[str] = field(default_factory=list)
    base: tuple[int, float] | None = None
    latest: tuple[int, float] | None = None
    target_value: float | None = None
    pace: str = PACE_PERCENT
    n_points: int = 0
    least_squares: tuple[float | None, Status | None] = (None, None)

    def result(self, status: Status, score: float | None, reason: str, **extra: Any) -> Assessment:
        least_change, least_status = self.least_squares
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
            pace=self.pace,
            n_points=self.n_points,
            least_squares_change=least_change if status != Status.EJ_BEDOMBAR else None,
            least_squares_status=least_status if status != Status.EJ_BEDOMBAR else None,
            **extra,
        )

    def since_base(self, points: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """The points from the base year to the latest (the base must be set)."""
        assert self.base is not None
        return [point for point in points if point[0] >= self.base[0]]


def assess(
    series: SeriesInput,
    *,
    direction: str,
    goal: GoalSpec | None = None,
    thresholds: ThresholdSet = DEFAULT_THRESHOLD_SET,
    natural_limit: float | None = None,
    default_base_year: int = 2015,
    default_target_year: int = 2030,
    unit: str = "",
    robustness: bool = True,
) -> Assessment:
    """Judge one series against a goal (or, without a numeric goal, its trend).

    ``series`` maps year → value (``None`` ignored) or is an iterable of (year, value) pairs;
    ``direction`` is the indicator's desired direction ("up", "down" or "none"). A gender
    breakdown is just another series: assess women and men separately. ``natural_limit`` (e.g.
    100 for a percentage) only affects the assessment without a numeric target; ``unit`` (the
    indicator's) is named in the reason where a change is measured linearly.

    ``robustness``: also judge the status's robustness (:attr:`Assessment.robustness`), which
    assesses the series again with the base year a year earlier and a year later.
    """
    _check_direction(direction)
    points = series_points(series)

    def judged(base_year: int | None = None) -> Assessment:
        chosen, default_base = goal, default_base_year
        if base_year is not None:
            if goal is not None:
                chosen = replace(goal, base_year=base_year)
            default_base = base_year
        return _assess_points(
            points,
            direction,
            chosen,
            thresholds=thresholds,
            natural_limit=natural_limit,
            default_base_year=default_base,
            default_target_year=default_target_year,
            unit=unit,
        )

    result = judged()
    if not robustness or result.status == Status.EJ_BEDOMBAR:
        return result
    return _with_robustness(result, judged)


def _status_word(status: Status) -> str:
    return f"”{STATUS_STYLE[status].label_sv.lower()}”"


def _with_robustness(result: Assessment, judged: Any) -> Assessment:
    """``result`` with its robustness: uncertain when the least-squares status differs, when
    fewer than :data:`MIN_ROBUST_POINTS` values exist from the base year on, or when the base
    year a year earlier or later gives another status (``judged(base_year)`` assesses again)."""
    reasons: list[str] = []
    n = result.n_points
    period = f"{result.base_year}–{result.latest_year}" if result.base_year is not None else ""
    least = result.least_squares_status
    if least is None:
        reasons.append(
            "Trendlinjen (minsta kvadrat) kan inte beräknas: för få värden, eller värden som är 0 "
            "eller har olika tecken."
        )
    elif least != result.status:
        reasons.append(
            f"Trendlinjen (minsta kvadrat) genom {n} värden {period} ger {_status_word(least)}."
        )
    if n < MIN_ROBUST_POINTS:
        word = "värde" if n == 1 else "värden"
        reasons.append(
            f"Bara {n} {word} från basåret och framåt; minst {MIN_ROBUST_POINTS} behövs för en "
            "stabil bedömning."
        )
    if result.base_year is not None:
        for year in (result.base_year - 1, result.base_year + 1):
            other = judged(year)
            if other.status not in (Status.EJ_BEDOMBAR, result.status):
                reasons.append(
                    f"Med basåret {other.base_year} blir statusen {_status_word(other.status)}."
                )
    if reasons:
        return replace(result, robustness=UNCERTAIN, robustness_reason=" ".join(reasons))
    return replace(
        result,
        robustness=ROBUST,
        robustness_reason=(
            f"Trendlinjen (minsta kvadrat) genom {n} värden {period} ger samma status, och "
            "statusen står sig när basåret flyttas ett år."
        ),
    )


def _assess_points(
    points: list[tuple[int, float]],
    direction: str,
    goal: GoalSpec | None,
    *,
    thresholds: ThresholdSet,
    natural_limit: float | None,
    default_base_year: int,
    default_target_year: int,
    unit: str,
) -> Assessment:
    """:func:`assess` of sorted points, without robustness."""
    kind = goal.kind if goal is not None else None
    with_target = goal is not None and kind != "direction"
    ctx = _Context(
        thresholds=thresholds,
        goal_kind=kind,
        method=METHOD_TARGET if with_target else METHOD_TREND,
        unit=unit,
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
    ctx.n_points = len(ctx.since_base(points))
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

    A band goal points from the latest value towards the band, whatever the indicator's
    direction; otherwise the operator decides, then the sign of a relative change, then the
    goal's and finally the indicator's direction.
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
    ctx: _Context, points: list[tuple[int, float]], requested: int, text: str, goal: GoalSpec
) -> Assessment:
    """An *uppnått* result; the base and the observed change are shown when there is a base,
    without further notes. The change is measured as the pace would be (linear for a band goal
    or where :func:`uses_linear_pace`)."""
    ctx.base = resolve_base(points, requested)
    ctx.notes = []
    observed = least = None
    if ctx.base is not None and ctx.latest is not None:
        (base_year, base_value), (latest_year, latest_value) = ctx.base, ctx.latest
        since = ctx.since_base(points)
        ctx.n_points = len(since)
        if goal.kind == "band" or (
            ctx.target_value is not None
            and uses_linear_pace(base_value, latest_value, ctx.target_value)
        ):
            ctx.pace = PACE_LINEAR
        if base_year < latest_year:
            years = latest_year - base_year
            if ctx.pace == PACE_LINEAR:
                observed = (latest_value - base_value) / years
            else:
                observed = annual_change(base_value, latest_value, years)
            least = least_squares_change(since, ctx.pace)
    ctx.least_squares = (least, Status.UPPNATT)
    return ctx.result(Status.UPPNATT, MAX_SCORE, text, observed_annual_change=observed)


def _observed_change(base: float, latest: float, years: int) -> float | None:
    """The annual change without a target, zeros handled as in the assessment; None with a
    sign change."""
    if base * latest < 0:
        return None
    if base == 0 and latest == 0:
        return 0.0
    return annual_change(_nonzero(base, latest), latest, years)


def _assess_with_target(
    points: list[tuple[int, float]],
    goal: GoalSpec,
    direction: str,
    requested_base: int,
    ctx: _Context,
) -> Assessment:
    """Question 1 (is the goal met?), then question 2 (is the pace enough?), as documented."""
    if ctx.latest is None or ctx.target_year is None:
        raise ValueError("internal: latest point and target year must be set")
    latest_year, latest_value = ctx.latest
    sign = _goal_sign(goal, direction, latest_value)
    if sign is None:
        return ctx.result(
            Status.EJ_BEDOMBAR,
            None,
            "Målet anger inte om värdet ska öka eller minska och indikatorn saknar önskad "
            "riktning.",
        )
    met = _met_text(goal, sign, ctx)
    if met is not None:
        return _achieved(ctx, points, requested_base, met, goal)

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
                f"Målet är uppnått: {_latest_text(ctx)} är {_at_most_least(sign)} "
                f"{format_short(ctx.target_value)} ({format_percent(change)} från "
                f"{format_short(base_value)} år {base_year}).",
                goal,
            )

    deadline_passed = latest_year >= ctx.target_year
    if deadline_passed:
        ctx.notes.append(f"Målet skulle ha nåtts senast {ctx.target_year} men har inte nåtts.")
    if ctx.target_year <= base_year:
        return ctx.result(
            Status.EJ_BEDOMBAR,
            None,
            f"Målåret {ctx.target_year} ligger inte efter basåret {base_year}.",
            deadline_passed=deadline_passed,
        )
    if goal.kind == "band":
        return _band_pace(points, goal, ctx, deadline_passed)
    return _target_pace(points, sign, ctx, deadline_passed)


def _latest_text(ctx: _Context) -> str:
    assert ctx.latest is not None
    return f"senaste värdet {format_short(ctx.latest[1])} ({ctx.latest[0]})"


def _at_most_least(sign: int) -> str:
    return OPERATORS[AT_LEAST if sign > 0 else AT_MOST].word


def _met_text(goal: GoalSpec, sign: int, ctx: _Context) -> str | None:
    """Question 1 for band and absolute goals, which need only the latest value: why the goal
    is met, or None (a band goal's target is then the bound the latest value is to reach)."""
    latest_value = ctx.latest[1] if ctx.latest else 0.0
    if goal.kind == "band":
        low, high = goal.band_low, goal.band_high
        if low is None or high is None:
            raise ValueError("internal: band goal without band_low/band_high")
        if low <= latest_value <= high:
            return (
                f"Målet är uppnått: {_latest_text(ctx)} ligger inom intervallet "
                f"{format_short(low)}–{format_short(high)}."
            )
        ctx.target_value = low if sign > 0 else high
    elif goal.kind == "absolute":
        if goal.target_value is None:
            raise ValueError("internal: absolute goal without target_value")
        ctx.target_value = goal.target_value
        if _is_met(latest_value, goal.target_value, sign):
            return (
                f"Målet är uppnått: {_latest_text(ctx)} är {_at_most_least(sign)} "
                f"{format_short(goal.target_value)}."
            )
    return None


def _target_pace(
    points: list[tuple[int, float]], sign: int, ctx: _Context, deadline_passed: bool
) -> Assessment:
    """Question 2 for an absolute or relative target: the observed against the required annual
    change, compound (CAGR) or, where :func:`uses_linear_pace`, linear."""
    assert ctx.base is not None and ctx.latest is not None and ctx.target_year is not None
    assert ctx.target_value is not None
    (base_year, base_value), (latest_year, latest_value) = ctx.base, ctx.latest
    target_value, target_year = ctx.target_value, ctx.target_year
    years, span = latest_year - base_year, target_year - base_year
    if uses_linear_pace(base_value, latest_value, target_value):
        ctx.pace = PACE_LINEAR
        observed = (latest_value - base_value) / years
        required = (target_value - base_value) / span
        ctx.notes.append(
            f"Takten mäts linjärt, i {pace_unit(PACE_LINEAR, ctx.unit)}, eftersom "
            f"{_linear_cause(base_value, target_value)}."
        )
    else:
        observed = annual_change(base_value, latest_value, years)
        required = annual_change(base_value, target_value, span)
    bounds = ctx.thresholds.with_target
    least = least_squares_change(ctx.since_base(points), ctx.pace)
    ctx.least_squares = (
        least,
        None if least is None else _pace_status(sign * least, sign * required, bounds)[0],
    )
    extra: dict[str, Any] = {
        "observed_annual_change": observed,
        "required_annual_change": required,
        "deadline_passed": deadline_passed,
    }
    observed_text = _pace_text(observed, ctx.pace, ctx.unit)
    summary = (
        f"Förändringen {base_year}–{latest_year} är {observed_text}; för att nå "
        f"{format_short(target_value)} till {target_year} behövs "
        f"{_pace_text(required, ctx.pace, ctx.unit)}"
    )
    status, score, ratio = _pace_status(sign * observed, sign * required, bounds)
    if required == 0:
        # The target is the base value itself (e.g. "no increase") and it is not met.
        reason = f"{summary}: målet är att inte passera basvärdet, men värdet har gått åt fel håll."
    elif sign * required < 0:
        # The base value already met the target; the latest does not, so it moved away.
        reason = (
            f"Basvärdet {format_short(base_value)} ({base_year}) uppfyllde målet "
            f"{format_short(target_value)}, men {_latest_text(ctx)} gör det inte: förändringen "
            f"är {observed_text}, åt fel håll (kvot {format_short(ratio or 0.0, 2)})."
        )
    else:
        reason = (
            f"{summary} (kvot {format_short(ratio or 0.0, 2)}; i fas från "
            f"{format_short(bounds[0], 2)})."
        )
    return ctx.result(status, score, reason, ratio=ratio, **extra)


def _band_pace(
    points: list[tuple[int, float]], goal: GoalSpec, ctx: _Context, deadline_passed: bool
) -> Assessment:
    """Question 2 for a band goal: the distance to the band, which is to be 0 by the target
    year, closed linearly – whatever the indicator's desired direction."""
    assert ctx.base is not None and ctx.latest is not None and ctx.target_year is not None
    assert goal.band_low is not None and goal.band_high is not None
    low, high = goal.band_low, goal.band_high
    (base_year, base_value), (latest_year, latest_value) = ctx.base, ctx.latest
    years, span = latest_year - base_year, ctx.target_year - base_year
    ctx.pace = PACE_LINEAR
    base_distance = band_distance(base_value, low, high)
    latest_distance = band_distance(latest_value, low, high)
    needed = base_distance / span  # distance to close a year
    progress = (base_distance - latest_distance) / years  # distance closed a year
    towards = 0 if base_distance == 0 else (1 if base_value < low else -1)
    bounds = ctx.thresholds.with_target
    since = ctx.since_base(points)
    distance_slope = least_squares_slope([(y, band_distance(v, low, high)) for y, v in since])
    ctx.least_squares = (
        least_squares_slope(since),
        None if distance_slope is None else _pace_status(-distance_slope, needed, bounds)[0],
    )
    extra: dict[str, Any] = {
        "observed_annual_change": (latest_value - base_value) / years,
        "required_annual_change": towards * needed,
        "deadline_passed": deadline_passed,
    }
    band = f"{format_short(low)}–{format_short(high)}"
    status, score, ratio = _pace_status(progress, needed, bounds)
    if base_distance == 0:
        reason = (
            f"Basvärdet {format_short(base_value)} ({base_year}) låg inom intervallet {band}, "
            f"men {_latest_text(ctx)} ligger {format_short(latest_distance)} utanför: åt fel håll."
        )
    else:
        per_year = pace_unit(PACE_LINEAR, ctx.unit)
        reason = (
            f"Avståndet till intervallet {band} var {format_short(base_distance)} år "
            f"{base_year} och är {format_short(latest_distance)} år {latest_year}: det ändras "
            f"med {_signed_short(-progress)} {per_year}, och {_signed_short(-needed)} "
            f"{per_year} behövs för att vara inom intervallet {ctx.target_year} (kvot "
            f"{format_short(ratio or 0.0, 2)}; i fas från {format_short(bounds[0], 2)})."
        )
    return ctx.result(status, score, reason, ratio=ratio, **extra)


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
    least = least_squares_change(ctx.since_base(points), PACE_PERCENT)
    ctx.least_squares = (least, None if least is None else classify(sign * least, bounds))
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
    value); a relative goal's target is computed from it. A level goal without a base year
    starts from ``default_base_year`` unless that would mislead (:func:`_level_line_start`):
    when the latest value already meets the target the line is the target level from the
    latest year, and when the line from the default base would point away from the goal's
    direction it starts at the latest value. Band goals are drawn with :func:`band_lines`;
    direction goals have no line (``[]``), nor has a series without a base.
    """
    if goal.kind not in ("absolute", "relative"):
        return []
    points = series_points(series)
    base = resolve_base(points, goal.base_year or default_base_year)
    if base is None:
        return []
    target_year = goal.target_year or default_target_year
    if goal.kind == "relative":
        assert goal.relative_change is not None
        target_value = base[1] * (1.0 + goal.relative_change)
    else:
        assert goal.target_value is not None
        target_value = goal.target_value
        if goal.base_year is None:
            base = _level_line_start(goal, base, points[-1], target_value, target_year)
    base_year, base_value = base
    if target_year <= base_year:
        return []
    span = target_year - base_year
    return [
        (year, base_value + (target_value - base_value) * (year - base_year) / span)
        for year in range(base_year, target_year + 1)
    ]


def _level_line_start(
    goal: GoalSpec,
    base: tuple[int, float],
    latest: tuple[int, float],
    target_value: float,
    target_year: int,
) -> tuple[int, float]:
    """Where the line of a level goal without a base year starts (:func:`goal_line`).

    With the goal's direction (its operator's, else its own) known: when the latest value
    meets the target, the line starts at the target itself in the latest year (a flat line: the
    level to stay on the right side of); when the line from ``base`` would point away from the
    goal's direction (the base already met the target, the latest value does not), it starts at
    the latest value. A target year not after the latest year keeps the base year. Otherwise
    the line starts at ``base``.
    """
    operator = OPERATORS.get(goal.operator or "")
    sign = _sign_of(operator.direction if operator is not None else goal.direction)
    if sign is None:
        return base
    latest_met = (latest[1] - target_value) * sign >= 0
    wrong_way = (target_value - base[1]) * sign < 0
    if not (latest_met or wrong_way):
        return base
    from_latest = latest[0] < target_year
    start_year = latest[0] if from_latest else base[0]
    start_value = latest[1] if from_latest and not latest_met else target_value
    return start_year, start_value


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
