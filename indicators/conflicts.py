"""Synergies and conflicts between indicators: correlation across municipalities and the
pairs of indicators whose changes most often move against each other's goals.

Pure functions over tidy observation tables (:func:`data.queries.observations`: kpi_id,
area_id, year, gender, value); nothing here reads the database.

Correlation (:func:`correlation`) is computed across areas (one point per municipality):
Pearson's r on the values and Spearman's ρ on their ranks (ties share their mean rank). Pairs
with a missing value on either side are left out; fewer than three points, or one side with the
same value everywhere, give no coefficient and a Swedish reason instead. The interpretation
takes the indicators' desired directions into account: a relation in which a better value of one
goes with a better value of the other is a *synergy*, one in which a better value of one goes
with a worse value of the other a *conflict*. Correlation is not causation, and the text says so.

Conflicting pairs (:func:`conflict_pairs`): each municipality's change over a period
(:func:`period_changes`) is classified per indicator as improved (+1, moved in the desired
direction), worsened (−1) or unchanged (0) (:func:`improvement_signs`). For every pair of
indicators, over the municipalities with a change on both, the pair counts as a *konflikt* in a
municipality where one improved while the other worsened, a *synergi* where both improved, and
*båda sämre* where both worsened. Pairs are ranked by their conflict share (konflikt / n).

Periods: by default each indicator's change runs from the newest year with a municipal value
(the end year) back to the newest year with a value at least ``span_years`` earlier (so an
indicator published every other year, or only in election years, still gets a period);
alternatively from a base year (the first year with a value from that year on) to the end year.
A municipality without a value in either year has no change for that indicator. The pair list
offers three such periods (:data:`PERIODS`) and lists a pair only when at least
:data:`MIN_MUNICIPALITIES` municipalities have a change on both indicators
(:func:`pair_list`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

#: The desired directions that can improve or worsen, as the sign of an improvement.
DIRECTION_SIGN: dict[str, int] = {"up": 1, "down": -1}

#: The fewest points for a correlation coefficient.
MIN_POINTS = 3

SYNERGY = "synergi"
CONFLICT = "konflikt"

#: |r| below each bound gets the word (Cohen's rule of thumb); at or above the last, "starkt".
STRENGTH_WORDS: tuple[tuple[float, str | None], ...] = (
    (0.1, None),
    (0.3, "svagt"),
    (0.5, "måttligt"),
)
STRONG_WORD = "starkt"

#: Always part of an interpretation.
NOT_CAUSATION = (
    "Ett samband visar inte orsak och verkan: båda indikatorerna kan till exempel bero på "
    "kommunens storlek, näringsliv eller befolkning."
)

#: The z value of a two-sided 95 % interval (Fisher's z transform of r).
Z_95 = 1.959964

PAIR_COLUMNS: tuple[str, ...] = (
    "kpi_x",
    "kpi_y",
    "n",
    "n_konflikt",
    "n_synergi",
    "n_bada_samre",
    "n_oforandrad",
    "konflikt_andel",
    "synergi_andel",
)
#: The columns :func:`pair_list` adds: each indicator's period (first and last year).
PERIOD_COLUMNS: tuple[str, ...] = ("first_year_x", "last_year_x", "first_year_y", "last_year_y")
#: A pair is listed when at least this many municipalities have a change on both indicators.
MIN_MUNICIPALITIES = 8


@dataclass(frozen=True)
class Period:
    """How the pair list measures change: back ``span`` years from each indicator's newest
    year, or from a base year."""

    label: str
    span: int | None = None
    base_year: int | None = None


PERIODS: dict[str, Period] = {
    "senaste5": Period("Senaste fem åren", span=5),
    "senaste10": Period("Senaste tio åren", span=10),
    "sedan2015": Period("Sedan 2015 (då Agenda 2030 antogs)", base_year=2015),
}
DEFAULT_PERIOD = "senaste5"


# --- correlation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrelationResult:
    """Pearson's r and Spearman's ρ across areas, with n and a Swedish interpretation.

    ``relation`` is :data:`SYNERGY`, :data:`CONFLICT` or ``None`` (no clear relation, no
    desired direction, or no coefficient); ``strength`` is "svagt", "måttligt" or "starkt"
    (``None`` without a clear relation).
    """

    pearson_r: float | None
    spearman_rho: float | None
    n: int
    interpretation_sv: str
    relation: str | None = None
    strength: str | None = None


def format_coefficient(value: float | None) -> str:
    """A coefficient with two decimals the Swedish way: ``−0,45``; ``None`` → ``"–"``."""
    if value is None or math.isnan(value):
        return "–"
    text = f"{abs(value):.2f}".replace(".", ",")
    return ("−" if value < 0 and text != "0,00" else "") + text


def critical_r(n: int) -> float | None:
    """The smallest |r| that differs from zero at the 95 % level with n points (Fisher z)."""
    if n <= 3:
        return None
    return math.tanh(Z_95 / math.sqrt(n - 3))


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    dx = x - x.mean()
    dy = y - y.mean()
    return float(np.sum(dx * dy) / math.sqrt(float(np.sum(dx * dx)) * float(np.sum(dy * dy))))


def _ranks(values: np.ndarray) -> np.ndarray:
    return pd.Series(values).rank(method="average").to_numpy(dtype=float)


def strength_of(r: float) -> str | None:
    """ "svagt", "måttligt" or "starkt" by |r| (Cohen's rule of thumb); None below 0,1."""
    for bound, word in STRENGTH_WORDS:
        if abs(r) < bound:
            return word
    return STRONG_WORD


def in_sentence(label: str) -> str:
    """A label inside a sentence: lower-case first letter unless it starts an abbreviation."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def _wanted(label: str, direction: str | None) -> str:
    if direction == "up":
        return f"högre {label} önskas"
    return f"lägre {label} önskas"


def correlation(
    xs: Iterable[float | None],
    ys: Iterable[float | None],
    *,
    x_label: str = "X",
    y_label: str = "Y",
    x_direction: str | None = None,
    y_direction: str | None = None,
    of_changes: bool = False,
) -> CorrelationResult:
    """Pearson's r and Spearman's ρ of paired values (one pair per area) and what they mean.

    Pairs where either value is missing (``None``/NaN) are dropped. ``x_direction`` and
    ``y_direction`` are the indicators' desired directions (``up``/``down``; anything else means
    none); ``of_changes`` says that the values are changes over a period, which changes the
    wording.
    """
    x = np.asarray([np.nan if v is None else v for v in xs], dtype=float)
    y = np.asarray([np.nan if v is None else v for v in ys], dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"correlation needs pairs: got {x.size} x values and {y.size} y values")
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = int(x.size)
    x_text, y_text = in_sentence(x_label), in_sentence(y_label)
    if n < MIN_POINTS:
        places = "område har" if n == 1 else "områden har"
        return CorrelationResult(
            None,
            None,
            n,
            f"Sambandet kan inte beräknas: bara {n} {places} värden på båda indikatorerna "
            f"(minst {MIN_POINTS} behövs).",
        )
    for values, text in ((x, x_text), (y, y_text)):
        if np.all(values == values[0]):
            return CorrelationResult(
                None,
                None,
                n,
                f"Sambandet kan inte beräknas: {text} har samma värde i alla {n} områden.",
            )
    r = _pearson(x, y)
    rho = _pearson(_ranks(x), _ranks(y))
    text, relation = _interpret(
        r, rho, n, x_text, y_text, x_direction, y_direction, of_changes=of_changes
    )
    return CorrelationResult(r, rho, n, text, relation, strength_of(r))


def _interpret(
    r: float,
    rho: float,
    n: int,
    x_text: str,
    y_text: str,
    x_direction: str | None,
    y_direction: str | None,
    *,
    of_changes: bool,
) -> tuple[str, str | None]:
    numbers = f"r = {format_coefficient(r)}, ρ = {format_coefficient(rho)}, n = {n}"
    strength = strength_of(r)
    if strength is None:
        return (
            f"Inget tydligt samband ({numbers}) mellan {x_text} och {y_text}. {NOT_CAUSATION}",
            None,
        )
    sign_word = "positivt" if r > 0 else "negativt"
    if of_changes:
        tendency = (
            f"där {x_text} har ökat mer har i regel också {y_text} ökat mer"
            if r > 0
            else f"där {x_text} har ökat mer har {y_text} i regel ökat mindre eller minskat"
        )
    else:
        tendency = (
            f"områden med högre {x_text} har i regel också högre {y_text}"
            if r > 0
            else f"områden med högre {x_text} har i regel lägre {y_text}"
        )
    parts = [f"Ett {strength} {sign_word} samband ({numbers}): {tendency}."]
    relation: str | None = None
    x_sign = DIRECTION_SIGN.get(x_direction or "")
    y_sign = DIRECTION_SIGN.get(y_direction or "")
    if x_sign is None or y_sign is None:
        missing = x_text if x_sign is None else y_text
        parts.append(
            f"{missing.capitalize()} har ingen önskad riktning, så sambandet kan inte kallas "
            "synergi eller konflikt."
        )
    else:
        wanted = f"{_wanted(x_text, x_direction)} och {_wanted(y_text, y_direction)}"
        if (1 if r > 0 else -1) * x_sign * y_sign > 0:
            relation = SYNERGY
            pattern = (
                "där den ena indikatorn har förbättrats mer brukar även den andra ha gjort det"
                if of_changes
                else "där den ena indikatorn är bättre brukar även den andra vara det"
            )
            parts.append(f"Eftersom {wanted} tyder det på en synergi: {pattern}.")
        else:
            relation = CONFLICT
            pattern = (
                "där den ena indikatorn har förbättrats mer har den andra oftast utvecklats sämre"
                if of_changes
                else "där den ena indikatorn är bättre är den andra oftast sämre"
            )
            parts.append(f"Eftersom {wanted} tyder det på en målkonflikt: {pattern}.")
    if (r > 0) != (rho > 0) and abs(rho) >= STRENGTH_WORDS[0][0]:
        parts.append(
            "Rangkorrelationen ρ har motsatt tecken: sambandet styrs troligen av enstaka "
            "områden med extrema värden."
        )
    limit = critical_r(n)
    if limit is not None and abs(r) < limit:
        parts.append(
            f"Med n = {n} kan ett samband svagare än |r| ≈ {format_coefficient(limit)} lätt "
            "uppstå av en slump."
        )
    parts.append(NOT_CAUSATION)
    return " ".join(parts), relation


# --- points for a scatter ---------------------------------------------------------------------


def _total(observations: pd.DataFrame, gender: str) -> pd.DataFrame:
    frame = observations
    if "gender" in frame.columns:
        frame = frame[frame["gender"] == gender]
    return frame.dropna(subset=["value"])


def _values(
    observations: pd.DataFrame, kpi_id: str, area_ids: Sequence[str], gender: str
) -> pd.DataFrame:
    """Area × year values of one indicator (missing as NaN)."""
    frame = _total(observations, gender)
    frame = frame[(frame["kpi_id"] == kpi_id) & frame["area_id"].isin(area_ids)]
    table = frame.pivot_table(index="area_id", columns="year", values="value", aggfunc="first")
    return table.reindex(index=list(area_ids))


def common_years(
    observations: pd.DataFrame,
    x_kpi: str,
    y_kpi: str,
    area_ids: Sequence[str],
    *,
    gender: str = "T",
    min_areas: int = MIN_POINTS,
) -> list[int]:
    """Years (ascending) in which at least ``min_areas`` of the areas have both values."""
    x = _values(observations, x_kpi, area_ids, gender)
    y = _values(observations, y_kpi, area_ids, gender)
    years = sorted(set(x.columns) & set(y.columns))
    counts = [int((x[year].notna() & y[year].notna()).sum()) for year in years]
    return [int(year) for year, count in zip(years, counts, strict=True) if count >= min_areas]


def scatter_points(
    observations: pd.DataFrame,
    x_kpi: str,
    y_kpi: str,
    area_ids: Sequence[str],
    *,
    year: int,
    base_year: int | None = None,
    gender: str = "T",
) -> pd.DataFrame:
    """One row per area: area_id, x, y — the values in ``year``, or with ``base_year`` the
    changes from ``base_year`` to ``year`` (NaN where a value is missing)."""
    rows: dict[str, object] = {"area_id": list(area_ids)}
    for axis, kpi in (("x", x_kpi), ("y", y_kpi)):
        table = _values(observations, kpi, area_ids, gender)
        end = table[year] if year in table.columns else pd.Series(np.nan, index=table.index)
        if base_year is not None:
            start = (
                table[base_year]
                if base_year in table.columns
                else pd.Series(np.nan, index=table.index)
            )
            end = end - start
        rows[axis] = end.to_numpy(dtype=float)
    return pd.DataFrame(rows, columns=["area_id", "x", "y"])


def scatter_paths(
    observations: pd.DataFrame,
    x_kpi: str,
    y_kpi: str,
    area_ids: Sequence[str],
    *,
    first_year: int,
    last_year: int,
    gender: str = "T",
) -> pd.DataFrame:
    """Each area's path over the years: area_id, year, x, y for every year from ``first_year``
    to ``last_year`` (NaN where a value is missing, so a path shows its gaps)."""
    years = list(range(first_year, last_year + 1))
    x = _values(observations, x_kpi, area_ids, gender).reindex(columns=years)
    y = _values(observations, y_kpi, area_ids, gender).reindex(columns=years)
    rows = [
        {"area_id": area, "year": year, "x": x.at[area, year], "y": y.at[area, year]}
        for area in area_ids
        for year in years
    ]
    frame = pd.DataFrame(rows, columns=["area_id", "year", "x", "y"])
    frame[["x", "y"]] = frame[["x", "y"]].astype(float)
    return frame


# --- changes and conflicting pairs ------------------------------------------------------------


@dataclass(frozen=True)
class PeriodChanges:
    """Each area's change per indicator, and each indicator's period.

    ``changes``: index area ids, columns KPI ids, value = end − start (NaN where either is
    missing). ``periods``: kpi_id, start_year, end_year (indicators without a period are left
    out of both).
    """

    changes: pd.DataFrame
    periods: pd.DataFrame


def period_changes(
    observations: pd.DataFrame,
    area_ids: Sequence[str],
    *,
    span_years: int | None = 5,
    base_year: int | None = None,
    gender: str = "T",
    kpi_ids: Sequence[str] | None = None,
) -> PeriodChanges:
    """Each area's change per indicator over the indicator's period (see the module doc).

    Give ``span_years`` (end year back to the newest year with values at least that many years
    earlier) or ``base_year`` (the first year with values from that year on, to the end year).
    """
    if base_year is None and (span_years is None or span_years < 1):
        raise ValueError(f"period_changes needs span_years ≥ 1 or a base_year, got {span_years!r}")
    frame = _total(observations, gender)
    frame = frame[frame["area_id"].isin(area_ids)]
    if kpi_ids is not None:
        frame = frame[frame["kpi_id"].isin(kpi_ids)]
    years = frame[["kpi_id", "year"]].drop_duplicates()
    end = years.groupby("kpi_id")["year"].max().rename("end_year")
    years = years.join(end, on="kpi_id")
    if base_year is not None:
        candidates = years[(years["year"] >= base_year) & (years["year"] < years["end_year"])]
        start = candidates.groupby("kpi_id")["year"].min()
    else:
        candidates = years[years["year"] <= years["end_year"] - (span_years or 0)]
        start = candidates.groupby("kpi_id")["year"].max()
    periods = (
        pd.DataFrame({"start_year": start})
        .join(end, how="inner")
        .reset_index()
        .rename(columns={"index": "kpi_id"})
    )
    periods = periods[["kpi_id", "start_year", "end_year"]].astype(
        {"start_year": "int64", "end_year": "int64"}
    )
    order = sorted(periods["kpi_id"]) if kpi_ids is None else list(kpi_ids)
    order = [kpi for kpi in order if kpi in set(periods["kpi_id"])]
    changes = _values_in(frame, periods, "end_year") - _values_in(frame, periods, "start_year")
    changes = changes.reindex(index=list(area_ids), columns=order).astype(float)
    changes.index.name = "area_id"
    changes.columns.name = None
    periods = periods.set_index("kpi_id").reindex(order).reset_index()
    return PeriodChanges(changes=changes, periods=periods)


def _values_in(frame: pd.DataFrame, periods: pd.DataFrame, which: str) -> pd.DataFrame:
    """Area × KPI values in each KPI's ``which`` year (start_year or end_year)."""
    chosen = frame.merge(
        periods[["kpi_id", which]], left_on=["kpi_id", "year"], right_on=["kpi_id", which]
    )
    return chosen.pivot_table(index="area_id", columns="kpi_id", values="value", aggfunc="first")


def improvement_signs(changes: pd.DataFrame, directions: Mapping[str, str]) -> pd.DataFrame:
    """+1 where a change went in the indicator's desired direction, −1 where against it, 0 for
    no change, NaN where the change is missing or the indicator has no desired direction.

    ``changes``: rows areas, columns KPI ids; ``directions``: KPI id → ``up``/``down``/``none``.
    """
    factors = np.array(
        [DIRECTION_SIGN.get(directions.get(kpi, ""), np.nan) for kpi in changes.columns],
        dtype=float,
    )
    signs = np.sign(changes.to_numpy(dtype=float)) * factors
    return pd.DataFrame(signs, index=changes.index, columns=changes.columns)


def conflict_pairs(signs: pd.DataFrame, *, min_n: int = MIN_MUNICIPALITIES) -> pd.DataFrame:
    """Every pair of indicators (columns of :func:`improvement_signs`) counted across areas.

    Columns: kpi_x, kpi_y (in the order of ``signs``' columns), n (areas with a sign on both),
    n_konflikt (one improved, the other worsened), n_synergi (both improved), n_bada_samre (both
    worsened), n_oforandrad (the rest: at least one unchanged), konflikt_andel and synergi_andel
    (shares of n). Only pairs with n ≥ ``min_n``; sorted by conflict share, then conflicts, then
    n (all descending), then the ids.
    """
    if min_n < 1:
        raise ValueError(f"conflict_pairs needs min_n ≥ 1, got {min_n!r}")
    matrix = signs.to_numpy(dtype=float)
    known = (~np.isnan(matrix)).astype(float)
    improved = (matrix > 0).astype(float)
    worsened = (matrix < 0).astype(float)
    n = known.T @ known
    synergy = improved.T @ improved
    both_worse = worsened.T @ worsened
    conflict = improved.T @ worsened + worsened.T @ improved
    first, second = np.triu_indices(matrix.shape[1], k=1)
    counts = n[first, second]
    keep = counts >= min_n
    first, second = first[keep], second[keep]
    kpis = np.asarray(signs.columns, dtype=object)
    frame = pd.DataFrame(
        {
            "kpi_x": kpis[first],
            "kpi_y": kpis[second],
            "n": n[first, second].astype("int64"),
            "n_konflikt": conflict[first, second].astype("int64"),
            "n_synergi": synergy[first, second].astype("int64"),
            "n_bada_samre": both_worse[first, second].astype("int64"),
        },
        columns=list(PAIR_COLUMNS[:6]),
    )
    frame["n_oforandrad"] = frame["n"] - frame["n_konflikt"] - frame["n_synergi"]
    frame["n_oforandrad"] -= frame["n_bada_samre"]
    frame["konflikt_andel"] = frame["n_konflikt"] / frame["n"]
    frame["synergi_andel"] = frame["n_synergi"] / frame["n"]
    frame = frame.sort_values(
        ["konflikt_andel", "n_konflikt", "n", "kpi_x", "kpi_y"],
        ascending=[False, False, False, True, True],
        kind="mergesort",
    )
    return frame[list(PAIR_COLUMNS)].reset_index(drop=True)


def default_first_year(years: Sequence[int], year: int, period: str) -> int | None:
    """The start of the period ending in ``year`` among ``years``: ``span`` years back (or the
    earliest year when the data are shorter), or the base year (or the first year after it)."""
    earlier = [y for y in years if y < year]
    if not earlier:
        return None
    rule = PERIODS[period]
    if rule.base_year is not None:
        after = [y for y in earlier if y >= rule.base_year]
        return after[0] if after else earlier[-1]
    back = [y for y in earlier if y <= year - (rule.span or 0)]
    return back[-1] if back else earlier[0]


def pair_list(
    observations: pd.DataFrame,
    area_ids: Sequence[str],
    directions: Mapping[str, str],
    period: str,
    *,
    top: int | None = None,
) -> pd.DataFrame:
    """The indicator pairs whose changes over a period of :data:`PERIODS` most often go against
    each other's goals across the areas, most conflicting first (at most ``top``).

    ``directions`` maps the KPI ids to compare to their desired directions (``up``/``down``;
    others are left out of every pair), in the order the pairs name them. Columns: those of
    :func:`conflict_pairs` (pairs with at least :data:`MIN_MUNICIPALITIES` areas), then each
    indicator's period (:data:`PERIOD_COLUMNS`).
    """
    rule = PERIODS[period]
    changes = period_changes(
        observations,
        area_ids,
        span_years=rule.span,
        base_year=rule.base_year,
        kpi_ids=list(directions),
    )
    signs = improvement_signs(changes.changes, directions)
    pairs = conflict_pairs(signs, min_n=MIN_MUNICIPALITIES)
    if top is not None:
        pairs = pairs.head(top)
    spans = changes.periods.set_index("kpi_id")
    for side in ("x", "y"):
        kpis = pairs[f"kpi_{side}"]
        pairs = pairs.assign(
            **{
                f"first_year_{side}": kpis.map(spans["start_year"]).astype("int64"),
                f"last_year_{side}": kpis.map(spans["end_year"]).astype("int64"),
            }
        )
    return pairs[[*PAIR_COLUMNS, *PERIOD_COLUMNS]].reset_index(drop=True)


# --- the scatter's fitted line ----------------------------------------------------------------


def least_squares(points: pd.DataFrame) -> tuple[float, float] | None:
    """Slope and intercept of y on x over the rows with both values (None below 2 distinct x)."""
    rows = points.dropna(subset=["x", "y"])
    if len(rows) < 2 or rows["x"].nunique() < 2:
        return None
    x = rows["x"].to_numpy(dtype=float)
    y = rows["y"].to_numpy(dtype=float)
    dx = x - x.mean()
    slope = float(np.sum(dx * (y - y.mean())) / np.sum(dx * dx))
    return slope, float(y.mean() - slope * x.mean())
