"""Effect indication of an intervention (insats): did an indicator's trend change after the
start year more than the similar municipalities' trends did?

Three steps, documented in Swedish with a worked example in ``docs/effektindikation.md``:

1. *Interrupted time series*: the least-squares slope (the indicator's unit per year) over the
   years before the start year and over the years from it on; the change in slope is after
   minus before. The start year counts as *after*, as in segmented regression, where the
   post-intervention segment begins at the intervention.
2. *Difference-in-differences*: the municipality's change in slope minus the comparison
   group's: the slope change of Kolada's group mean when one is given, otherwise of the
   unweighted mean, year by year, of the peers that have enough data.
3. *Placebo (permutation) test*, as in synthetic-control studies (Abadie et al. 2010): every
   peer is treated as if it had the intervention, its slope change minus the mean slope change
   of all the other units (the other peers and the municipality), and the municipality's
   statistic is ranked among them all (rank 1 = the largest change in the desired direction);
   the one-sided permutation p is rank / (n + 1). Ties count against the municipality.

The verdict is one of :class:`indicators.vocabulary.EffectVerdict`; :func:`effect_facts` gives
the numbers behind it as Swedish (term, description) pairs for a "Varför?" list.

Pure functions over plain values: an indication, never proof.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indicators.formatting import format_number, format_short, format_signed
from indicators.goal_text import display_unit
from indicators.progress import (
    PACE_LINEAR,
    SeriesInput,
    change_text,
    least_squares_slope,
    series_points,
)
from indicators.vocabulary import DIRECTIONS, DOWN, UP, EffectVerdict

#: At least this many years with a value before the start year (years < start) …
MIN_YEARS_BEFORE = 3
#: … and from the start year on (years ≥ start): two points give a slope, three a trend.
MIN_YEARS_AFTER = 2
#: Fewer peers with enough data than this give no clear verdict either way: with n peers the
#: smallest possible p is 1 / (n + 1), and with four peers rank 1 happens by chance one time in
#: five.
MIN_PEERS = 5
#: The largest one-sided permutation p that counts as a clear change (rank 1 of 6–9 units,
#: rank 1–2 of 10–14): lenient, since this is an indication, not a test of proof.
MAX_P = 0.20
#: The key of the municipality itself in the placebo rows when no area id is given.
MUNICIPALITY_KEY = "kommunen"
#: Where the comparison slope comes from.
COMPARISON_GROUP_MEAN = "gruppmedel"
COMPARISON_PEER_MEAN = "medel av jämförelsekommunerna"
#: Two statistics closer than this (relative to the data's size) are a tie.
_TIE_TOLERANCE = 1e-9

CAVEAT = (
    "En indikation, inte ett bevis: indikatorn kan ha ändrats av andra orsaker samma år, i en "
    "liten kommun svänger värdena mycket av en slump, och få år ger osäkra trender."
)


# --- results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlopeChange:
    """Least-squares slopes (unit per year) before and from the start year, and the change."""

    before: float
    after: float
    years_before: tuple[int, ...]
    years_after: tuple[int, ...]

    @property
    def change(self) -> float:
        """The slope after minus the slope before."""
        return self.after - self.before


@dataclass(frozen=True)
class PlaceboRow:
    """One unit of the placebo test: its change in slope, the statistic (that change minus the
    mean change of all the other units) and its rank (1 = the largest change in the desired
    direction; tied units share the worse rank)."""

    area: str
    slope_change: float
    statistic: float
    rank: int
    is_municipality: bool


@dataclass(frozen=True)
class ExpectedChange:
    """An expected change by a year beside the estimate accumulated to that year, both in the
    indicator's unit. ``relative`` is the expected change as a fraction (−0.10) when it was
    given so; then ``total`` is that fraction of ``reference_value``, the last value before the
    start year (``reference_year``). ``estimated_total`` is the estimate (unit per year) times
    the years from the start year through ``by_year``."""

    by_year: int
    total: float
    relative: float | None
    reference_year: int | None
    reference_value: float | None
    estimated_total: float | None

    @property
    def share(self) -> float | None:
        """The estimated total as a share of the expected total (None when either is missing
        or the expected total is 0)."""
        if self.estimated_total is None or self.total == 0:
            return None
        return self.estimated_total / self.total


@dataclass(frozen=True)
class EffectResult:
    """Everything behind an effect verdict.

    ``municipality`` and ``comparison`` hold the slopes before and after and their change (None
    when there is too little data); ``estimate`` is the difference-in-differences in the unit
    per year, with its raw sign (``in_desired_direction`` says whether it points the desired
    way; None when it is 0 or missing). ``rank`` and ``p_value`` place the municipality among
    ``units`` units (itself and the peers used) from the desired side, ``rank_wrong_way`` and
    ``p_wrong_way`` from the other. ``reasons`` says why the verdict is what it is when the data
    do not suffice or the peers are too few."""

    verdict: EffectVerdict
    direction: str
    start_year: int
    municipality: SlopeChange | None
    comparison: SlopeChange | None
    comparison_source: str | None
    estimate: float | None
    in_desired_direction: bool | None
    placebo: tuple[PlaceboRow, ...]
    rank: int | None
    rank_wrong_way: int | None
    p_value: float | None
    p_wrong_way: float | None
    peers_used: tuple[str, ...]
    peers_left_out: tuple[str, ...]
    expected: ExpectedChange | None
    reasons: tuple[str, ...]
    caveat: str = CAVEAT

    @property
    def units(self) -> int:
        """The units ranked in the placebo test: the municipality and the peers used."""
        return len(self.placebo)


# --- the steps ------------------------------------------------------------------------------------


def _split(points: Sequence[tuple[int, float]], start_year: int) -> tuple[list, list]:
    before = [(year, value) for year, value in points if year < start_year]
    after = [(year, value) for year, value in points if year >= start_year]
    return before, after


def lacking_years(points: Sequence[tuple[int, float]], start_year: int) -> tuple[str, ...]:
    """Which side of the start year has too few values, in Swedish (empty when both suffice)."""
    before, after = _split(points, start_year)
    lacking = []
    if len(before) < MIN_YEARS_BEFORE:
        lacking.append(
            f"{len(before)} år med värde före {start_year}, minst {MIN_YEARS_BEFORE} behövs"
        )
    if len(after) < MIN_YEARS_AFTER:
        lacking.append(
            f"{len(after)} år med värde från {start_year}, minst {MIN_YEARS_AFTER} behövs"
        )
    return tuple(lacking)


def slope_change(points: Sequence[tuple[int, float]], start_year: int) -> SlopeChange | None:
    """The least-squares slopes before the start year and from it on (None with too few
    values on either side)."""
    if lacking_years(points, start_year):
        return None
    before, after = _split(points, start_year)
    slope_before = least_squares_slope(before)
    slope_after = least_squares_slope(after)
    if slope_before is None or slope_after is None:  # pragma: no cover - years are distinct
        return None
    return SlopeChange(
        slope_before,
        slope_after,
        tuple(year for year, _ in before),
        tuple(year for year, _ in after),
    )


def mean_series(series: Mapping[str, Sequence[tuple[int, float]]]) -> list[tuple[int, float]]:
    """The unweighted mean per year of the series that have a value that year."""
    by_year: dict[int, list[float]] = {}
    for points in series.values():
        for year, value in points:
            by_year.setdefault(year, []).append(value)
    return [(year, math.fsum(values) / len(values)) for year, values in sorted(by_year.items())]


def _sign(direction: str) -> int:
    if direction not in (UP, DOWN):
        raise ValueError(f"direction must be 'up' or 'down', got {direction!r}")
    return 1 if direction == UP else -1


def _tolerance(*series: Sequence[tuple[int, float]]) -> float:
    largest = max((abs(value) for points in series for _, value in points), default=1.0)
    return _TIE_TOLERANCE * max(1.0, largest)


def placebo_rows(
    changes: Mapping[str, float], municipality: str, sign: int, tolerance: float = 0.0
) -> tuple[PlaceboRow, ...]:
    """Each unit's placebo statistic (its slope change minus the mean slope change of all the
    other units) and rank from the desired side (``sign`` +1 up, −1 down). A unit's rank is 1
    plus the number of other units whose statistic is at least as large in the desired
    direction (within ``tolerance``), so tied units share the worse rank."""
    total = math.fsum(changes.values())
    others = len(changes) - 1
    statistics = {
        area: change - (total - change) / others if others else 0.0
        for area, change in changes.items()
    }
    rows = []
    for area, change in changes.items():
        own = sign * statistics[area]
        better = sum(
            1
            for other, statistic in statistics.items()
            if other != area and sign * statistic >= own - tolerance
        )
        rows.append(PlaceboRow(area, change, statistics[area], 1 + better, area == municipality))
    return tuple(sorted(rows, key=lambda row: (row.rank, row.area)))


def _rank_wrong_way(rows: Sequence[PlaceboRow], sign: int, tolerance: float) -> int:
    """The municipality's rank from the wrong side (1 = the largest change against the desired
    direction; ties count against it)."""
    own = next(row for row in rows if row.is_municipality)
    worse = sum(
        1
        for row in rows
        if not row.is_municipality and -sign * row.statistic >= -sign * own.statistic - tolerance
    )
    return 1 + worse


def _expected(
    expected_change: float | None,
    expected_relative: bool,
    expected_year: int | None,
    points: Sequence[tuple[int, float]],
    start_year: int,
    estimate: float | None,
) -> ExpectedChange | None:
    if expected_change is None:
        return None
    if expected_year is None or expected_year < start_year:
        raise ValueError(f"expected_year must be a year from the start year {start_year} on")
    before, _after = _split(points, start_year)
    reference = before[-1] if before else None
    if not expected_relative:
        total = float(expected_change)
    elif reference is not None:
        total = expected_change * reference[1]
    else:
        return None
    accumulated = None if estimate is None else estimate * (expected_year - start_year + 1)
    return ExpectedChange(
        expected_year,
        total,
        expected_change if expected_relative else None,
        reference[0] if reference else None,
        reference[1] if reference else None,
        accumulated,
    )


def _clear(rank: int, units: int) -> bool:
    """Whether rank / units is at most :data:`MAX_P` (2/10 counts, whatever the float)."""
    return rank <= MAX_P * units + 1e-9


def _verdict(
    estimate: float, tolerance: float, sign: int, rank: int | None, wrong: int | None, units: int
) -> tuple[EffectVerdict, tuple[str, ...]]:
    peers = units - 1
    if peers < MIN_PEERS:
        return EffectVerdict.INGEN_SKILLNAD, (
            f"{peers} jämförelsekommuner med tillräckligt med värden; minst {MIN_PEERS} behövs "
            "för att kalla en skillnad tydlig.",
        )
    if rank is None or wrong is None or abs(estimate) <= tolerance:
        return EffectVerdict.INGEN_SKILLNAD, ()
    if sign * estimate > 0 and _clear(rank, units):
        return EffectVerdict.TYDLIG, ()
    if sign * estimate < 0 and _clear(wrong, units):
        return EffectVerdict.FEL_HALL, ()
    return EffectVerdict.INGEN_SKILLNAD, ()


# --- the whole indication -------------------------------------------------------------------------


def _too_little(
    direction: str,
    start_year: int,
    reasons: tuple[str, ...],
    municipality: SlopeChange | None,
    used: tuple[str, ...],
    left_out: tuple[str, ...],
    expected: ExpectedChange | None,
) -> EffectResult:
    return EffectResult(
        EffectVerdict.FOR_LITE_DATA,
        direction,
        start_year,
        municipality,
        None,
        None,
        None,
        None,
        (),
        None,
        None,
        None,
        None,
        used,
        left_out,
        expected,
        reasons,
    )


def _peer_points(
    peers: Mapping[str, SeriesInput], area_id: str | None, start_year: int
) -> tuple[dict[str, list[tuple[int, float]]], dict[str, float], tuple[str, ...]]:
    """The points and slope changes of the peers with enough values on both sides, and the ids
    of those left out (the municipality itself, if listed among its peers, is neither)."""
    points: dict[str, list[tuple[int, float]]] = {}
    changes: dict[str, float] = {}
    left_out: list[str] = []
    for peer, series in peers.items():
        if area_id is not None and str(peer) == area_id:
            continue
        peer_points = series_points(series)
        change = slope_change(peer_points, start_year)
        if change is None:
            left_out.append(str(peer))
        else:
            points[str(peer)] = peer_points
            changes[str(peer)] = change.change
    return points, changes, tuple(left_out)


def effect_indication(
    series: SeriesInput,
    start_year: int,
    direction: str,
    peers: Mapping[str, SeriesInput],
    *,
    peer_mean: SeriesInput | None = None,
    area_id: str | None = None,
    expected_change: float | None = None,
    expected_relative: bool = False,
    expected_year: int | None = None,
) -> EffectResult:
    """The effect indication of an intervention that started in ``start_year``.

    ``series`` is the municipality's (year → value), ``direction`` the desired direction
    (``up``/``down``), ``peers`` the similar municipalities' series (id → year → value) and
    ``peer_mean`` their mean series (Kolada's group mean), which, when given, is the comparison
    for the estimate; otherwise the unweighted yearly mean of the peers with enough data is.
    ``area_id`` is the municipality's own id: listed among its peers, it is left out of the
    comparison. An expected change by ``expected_year`` (``expected_change``) is in the
    indicator's unit or, with ``expected_relative``, a fraction (−0.10 for −10 %), as an
    intervention's linked indicator states it (:class:`data.interventions.LinkedIndicator`).

    Raises ``ValueError`` for a direction other than up/down, a series that is not year →
    number, or an expected change without a year from the start year on.
    """
    sign = _sign(direction)
    points = series_points(series)
    municipality_key = area_id or MUNICIPALITY_KEY
    if area_id is None and MUNICIPALITY_KEY in peers:
        raise ValueError(f"a peer may not be called {MUNICIPALITY_KEY!r}; give area_id")
    expect = (expected_change, expected_relative, expected_year, points, start_year)
    expected = _expected(*expect, None)
    used_points, peer_changes, left_out = _peer_points(peers, area_id, start_year)
    used = tuple(used_points)
    lacking = lacking_years(points, start_year)
    own = slope_change(points, start_year)
    if own is None:
        reasons = tuple(f"Kommunen har {text}." for text in lacking)
        return _too_little(direction, start_year, reasons, None, used, left_out, expected)
    comparison_points = (
        series_points(peer_mean) if peer_mean is not None else mean_series(used_points)
    )
    comparison = slope_change(comparison_points, start_year)
    if comparison is None:
        gap = lacking_years(comparison_points, start_year)
        who = "Gruppmedlet" if peer_mean is not None else "Jämförelsekommunerna"
        detail = "; ".join(gap) if gap else "inga värden"
        reasons = (f"{who} har för lite data: {detail}.",)
        return _too_little(direction, start_year, reasons, own, used, left_out, expected)
    estimate = own.change - comparison.change
    tolerance = _tolerance(points, comparison_points, *used_points.values())
    rows: tuple[PlaceboRow, ...] = ()
    rank = wrong = None
    if used:
        changes = {municipality_key: own.change, **peer_changes}
        rows = placebo_rows(changes, municipality_key, sign, tolerance)
        rank = next(row.rank for row in rows if row.is_municipality)
        wrong = _rank_wrong_way(rows, sign, tolerance)
    units = len(rows)
    verdict, reasons = _verdict(estimate, tolerance, sign, rank, wrong, max(units, 1))
    in_direction = None if abs(estimate) <= tolerance else sign * estimate > 0
    return EffectResult(
        verdict,
        direction,
        start_year,
        own,
        comparison,
        COMPARISON_GROUP_MEAN if peer_mean is not None else COMPARISON_PEER_MEAN,
        estimate,
        in_direction,
        rows,
        rank,
        wrong,
        rank / units if rank else None,
        wrong / units if wrong else None,
        used,
        left_out,
        _expected(*expect, estimate),
        reasons,
    )


# --- in words -------------------------------------------------------------------------------------

#: (term, description), as in :mod:`indicators.status_facts`.
Fact = tuple[str, str]

TERM_VERDICT = "Bedömning"
TERM_DIRECTION = "Önskad riktning"
TERM_YEARS = "År som jämförs"
TERM_MUNICIPALITY = "Kommunens trend"
TERM_COMPARISON = "Jämförelsegruppens trend"
TERM_ESTIMATE = "Skattad skillnad"
TERM_PLACEBO = "Placebotest"
TERM_PEERS = "Jämförelsekommuner"
TERM_EXPECTED = "Förväntad förändring"
TERM_WHY = "Varför"
TERM_CAVEAT = "Observera"


def _per_year(value: float, unit: str | None, decimals: int) -> str:
    return change_text(value, PACE_LINEAR, unit, decimals)


def _amount(value: float, unit: str | None, decimals: int) -> str:
    return f"{format_signed(value, decimals)} {display_unit(unit)}".rstrip()


def _span(years: Sequence[int]) -> str:
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


def _trend_text(change: SlopeChange, unit: str | None, decimals: int) -> str:
    return (
        f"{_per_year(change.before, unit, decimals)} före ({_span(change.years_before)}), "
        f"{_per_year(change.after, unit, decimals)} efter ({_span(change.years_after)}); "
        f"trenden ändrades med {_per_year(change.change, unit, decimals)}."
    )


def _estimate_text(result: EffectResult, unit: str | None, decimals: int) -> str:
    estimate = result.estimate if result.estimate is not None else math.nan
    if result.in_desired_direction is None:
        way = "ingen skillnad i någon riktning"
    elif result.in_desired_direction:
        way = "i önskad riktning"
    else:
        way = "mot önskad riktning"
    return (
        f"{_per_year(estimate, unit, decimals)} ({way}): kommunens ändring av trenden minus "
        "jämförelsegruppens."
    )


def _placebo_text(result: EffectResult) -> str:
    if result.rank is None or result.p_value is None:
        return "Går inte att göra utan jämförelsekommuner med tillräckligt med värden."
    return (
        f"Plats {result.rank} av {result.units} i önskad riktning (p ≈ "
        f"{format_short(result.p_value, 3)}), plats {result.rank_wrong_way} av {result.units} "
        "åt fel håll, när varje jämförelsekommun prövas som om den hade haft insatsen."
    )


def _peers_text(result: EffectResult) -> str:
    text = f"{len(result.peers_used)} med tillräckligt med värden"
    if result.peers_left_out:
        count = len(result.peers_left_out)
        which = "utelämnad, den har" if count == 1 else "utelämnade, de har"
        text += f"; {count} {which} för få år ({', '.join(result.peers_left_out)})"
    source = (
        "Koladas gruppmedel"
        if result.comparison_source == COMPARISON_GROUP_MEAN
        else "ovägt medel per år av jämförelsekommunerna"
    )
    return f"{text}. Jämförelsegruppens trend: {source}."


def _expected_text(expected: ExpectedChange, unit: str | None, decimals: int) -> str:
    text = f"{_amount(expected.total, unit, decimals)} till {expected.by_year}"
    if expected.relative is not None and expected.reference_value is not None:
        text += (
            f" ({format_signed(expected.relative * 100, 0)} % av "
            f"{format_number(expected.reference_value, decimals)} år {expected.reference_year})"
        )
    if expected.estimated_total is None:
        return text + "."
    text += (
        f"; den skattade skillnaden ger {_amount(expected.estimated_total, unit, decimals)} "
        f"till {expected.by_year}"
    )
    if expected.share is not None:
        text += f" ({format_number(expected.share * 100, 0)} % av det förväntade)"
    return text + "."


def effect_facts(
    result: EffectResult, unit: str | None = "", decimals: int = 1
) -> tuple[Fact, ...]:
    """The numbers behind an effect verdict as (term, description) in Swedish, for a
    "Varför?" list: the verdict, the desired direction, the trends, the estimate, the placebo
    test, the peers, an expected change and the caveat. ``unit`` is the indicator's unit and
    ``decimals`` its decimals."""
    direction = DIRECTIONS[result.direction]
    facts: list[Fact] = [
        (TERM_VERDICT, str(result.verdict).capitalize() + "."),
        (TERM_DIRECTION, f"{direction.change} ({direction.arrow})."),
    ]
    if result.reasons:
        facts.append((TERM_WHY, " ".join(result.reasons)))
    if result.municipality is not None:
        facts.append(
            (
                TERM_YEARS,
                f"{len(result.municipality.years_before)} år före {result.start_year} och "
                f"{len(result.municipality.years_after)} år från {result.start_year} "
                "(startåret räknas till efter).",
            )
        )
        facts.append((TERM_MUNICIPALITY, _trend_text(result.municipality, unit, decimals)))
    if result.comparison is not None:
        facts.append((TERM_COMPARISON, _trend_text(result.comparison, unit, decimals)))
    if result.estimate is not None:
        facts.append((TERM_ESTIMATE, _estimate_text(result, unit, decimals)))
        facts.append((TERM_PLACEBO, _placebo_text(result)))
    if result.municipality is not None:
        facts.append((TERM_PEERS, _peers_text(result)))
    if result.expected is not None:
        facts.append((TERM_EXPECTED, _expected_text(result.expected, unit, decimals)))
    facts.append((TERM_CAVEAT, result.caveat))
    return tuple(facts)
