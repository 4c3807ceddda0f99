"""What became of an intervention ("insats") on each indicator it is linked to: the
development since the start and the effect indication against the similar municipalities.

Pure functions over plain inputs, which the pages and the export gather from the stored tables:

* :func:`development_since_start` – the value in the year before the start year (or, lacking
  it, in the start year) against the latest value: the change in the unit and in per cent, and
  whether it goes the desired direction;
* :func:`area_series`, :func:`peer_series`, :func:`group_mean_series` – one area's series, the
  similar municipalities' series and their group mean (Kolada's) from tidy tables;
* :func:`link_effect` – the effect indication (:func:`indicators.effect.effect_indication`) of
  one intervention × linked indicator, or "för lite data" saying why when the similar
  municipalities or their values are not fetched;
* :func:`effects_table` – one row per intervention × indicator, the export "Insatser och
  effekter" (:data:`EFFECT_COLUMNS`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from data.interventions import InterventionRecord, LinkedIndicator
from indicators.effect import EffectResult, effect_indication
from indicators.formatting import format_number, format_signed
from indicators.goal_text import display_unit
from indicators.progress import SeriesInput, series_points
from indicators.similar import area_points, mean_points
from indicators.vocabulary import DIRECTIONS, UP, EffectVerdict

#: Why there is no comparison when no group of similar municipalities is stored for the area.
NO_GROUP_REASON = (
    "Liknande kommuner är inte hämtade för kommunen, så trenden kan inte jämföras med någon."
)
#: Why there is no comparison when the group is stored but none of its values are.
NO_PEER_VALUES_REASON = (
    "De liknande kommunernas värden för indikatorn är inte hämtade, så trenden kan inte "
    "jämföras med deras."
)

#: The export's columns, one row per intervention × linked indicator.
EFFECT_COLUMNS: tuple[str, ...] = (
    "område_id",
    "område",
    "insats_id",
    "insats",
    "startår",
    "slutår",
    "status",
    "nyckeltal",
    "indikator",
    "enhet",
    "önskad_riktning",
    "utveckling_från_år",
    "utveckling_från_värde",
    "utveckling_till_år",
    "utveckling_till_värde",
    "utveckling_förändring",
    "utveckling_förändring_procent",
    "utveckling_i_önskad_riktning",
    "bedömning",
    "skattad_skillnad_per_år",
    "placebo_plats",
    "förväntad_förändring",
    "förväntad_till_år",
    "datakälla",
)


# --- development since the start --------------------------------------------------------------


@dataclass(frozen=True)
class Development:
    """An indicator's development since an intervention started: from the value of
    ``base_year`` (the year before the start, or the start year) to the latest value."""

    direction: str
    base_year: int
    base_value: float
    latest_year: int
    latest_value: float

    @property
    def change(self) -> float:
        """The latest value minus the base value, in the indicator's unit."""
        return self.latest_value - self.base_value

    @property
    def relative(self) -> float | None:
        """The change as a fraction of the base value (None when the base value is 0)."""
        if self.base_value == 0:
            return None
        return self.change / abs(self.base_value)

    @property
    def in_desired_direction(self) -> bool | None:
        """Whether the change goes the desired direction (None for no change at all)."""
        if self.change == 0:
            return None
        return (self.change > 0) == (self.direction == UP)


def development_since_start(
    series: SeriesInput, start_year: int, direction: str
) -> Development | None:
    """The development from the value in the year before ``start_year`` (or, when that year
    has none, in the start year) to the latest value after it; None when neither year has a
    value or no later value exists. Raises ``ValueError`` for a direction other than up/down
    and for a series that is not year → number."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'up' or 'down', got {direction!r}")
    values = dict(series_points(series))
    base_year = next((year for year in (start_year - 1, start_year) if year in values), None)
    if base_year is None:
        return None
    later = [year for year in values if year > base_year]
    if not later:
        return None
    latest = max(later)
    return Development(direction, base_year, values[base_year], latest, values[latest])


def development_text(development: Development | None, unit: str | None, decimals: int) -> str:
    """The development in words: ``från 79 350,6 (2019) till 75 847,5 ton CO2e (2024):
    −3 503,1 ton CO2e (−4,4 %), i önskad riktning``."""
    if development is None:
        return "Inga värden från året före start och senare."
    shown = display_unit(unit)
    after = f" {shown}" if shown else ""
    change = f"{format_signed(development.change, decimals)}{after}"
    if development.relative is not None:
        change += f" ({format_signed(development.relative * 100, 1)} %)"
    way = development.in_desired_direction
    judged = {None: "oförändrat", True: "i önskad riktning", False: "mot önskad riktning"}[way]
    return (
        f"Från {format_number(development.base_value, decimals)} ({development.base_year}) "
        f"till {format_number(development.latest_value, decimals)}{after} "
        f"({development.latest_year}): {change}, {judged}."
    )


# --- series from tidy tables ------------------------------------------------------------------


def area_series(observations: pd.DataFrame, area_id: str, gender: str = "T") -> dict[int, float]:
    """One area's series (year → value) of one KPI's observations (columns area_id, gender,
    year, value); missing values left out (:func:`indicators.similar.area_points`)."""
    return dict(area_points(observations, area_id, gender))


def peer_series(
    observations: pd.DataFrame, peer_ids: Iterable[str], gender: str = "T"
) -> dict[str, dict[int, float]]:
    """The similar municipalities' series (id → year → value), in the order of ``peer_ids``;
    a peer without values is left out."""
    series = {peer: area_series(observations, peer, gender) for peer in peer_ids}
    return {peer: values for peer, values in series.items() if values}


def group_mean_series(means: pd.DataFrame, group_id: str, gender: str = "T") -> dict[int, float]:
    """A group's mean series (year → value) of a table of group means (columns group_id,
    gender, year, value, count; :func:`indicators.similar.mean_points`)."""
    return dict(mean_points(means, group_id, gender)[0])


# --- the effect of one intervention on one indicator -----------------------------------------


def expected_arguments(link: LinkedIndicator) -> dict[str, float | bool | int | None]:
    """The expected change of a link as :func:`effect_indication` takes it (nothing when none
    is stated): in the unit, or with ``expected_relative`` as a fraction, by the year."""
    if link.expected_change is None or link.expected_year is None:
        return {}
    return {
        "expected_change": link.expected_change,
        "expected_relative": link.expected_relative,
        "expected_year": link.expected_year,
    }


def link_effect(
    link: LinkedIndicator,
    start_year: int,
    series: SeriesInput,
    peers: Mapping[str, SeriesInput] | None,
    *,
    peer_mean: SeriesInput | None = None,
    area_id: str | None = None,
) -> EffectResult:
    """The effect indication of an intervention started in ``start_year`` on the linked
    indicator: ``series`` is the municipality's, ``peers`` the similar municipalities' series
    (None when no group of similar municipalities is stored) and ``peer_mean`` their group
    mean. Without the peers or any of their values the verdict is "för lite data" and says
    so (unless the municipality's own values already fall short, which it says first)."""
    expected = expected_arguments(link)
    given_peers = dict(peers or {})
    mean = peer_mean if peer_mean is not None and series_points(peer_mean) else None
    result = effect_indication(
        series,
        start_year,
        link.direction,
        given_peers,
        peer_mean=mean,
        area_id=area_id,
        **expected,  # type: ignore[arg-type]
    )
    if result.municipality is None or result.comparison is not None:
        return result
    has_peer_values = any(series_points(values) for values in given_peers.values())
    if peers is None:
        reason = NO_GROUP_REASON
    elif not has_peer_values and mean is None:
        reason = NO_PEER_VALUES_REASON
    else:
        return result
    return dataclasses.replace(result, verdict=EffectVerdict.FOR_LITE_DATA, reasons=(reason,))


@dataclass(frozen=True)
class LinkEffect:
    """One intervention × linked indicator: the development since the start and the effect
    indication."""

    intervention: InterventionRecord
    link: LinkedIndicator
    development: Development | None
    result: EffectResult


def placebo_text(result: EffectResult) -> str | None:
    """The municipality's place in the placebo test, ``2 av 8`` (None without one)."""
    if result.rank is None:
        return None
    return f"{result.rank} av {result.units}"


def _rounded(value: float | None, decimals: int) -> float | None:
    return None if value is None else round(value, decimals)


def effect_row(
    effect: LinkEffect,
    *,
    area_title: str,
    indicator,
    status_label: str,
    source: str,
) -> dict:
    """One row of :func:`effects_table`. ``indicator``: the catalogue's record (or None)."""
    intervention, link, development = effect.intervention, effect.link, effect.development
    decimals = indicator.decimals if indicator is not None else 1
    result = effect.result
    relative = development.relative if development is not None else None
    way = development.in_desired_direction if development is not None else None
    return {
        "område_id": intervention.area_id,
        "område": area_title,
        "insats_id": intervention.id,
        "insats": intervention.title,
        "startår": intervention.start_year,
        "slutår": intervention.end_year,
        "status": status_label,
        "nyckeltal": link.kpi_id,
        "indikator": indicator.label if indicator is not None else None,
        "enhet": indicator.unit if indicator is not None else None,
        "önskad_riktning": DIRECTIONS[link.direction].change,
        "utveckling_från_år": development.base_year if development else None,
        "utveckling_från_värde": development.base_value if development else None,
        "utveckling_till_år": development.latest_year if development else None,
        "utveckling_till_värde": development.latest_value if development else None,
        "utveckling_förändring": _rounded(
            development.change if development else None, decimals + 1
        ),
        "utveckling_förändring_procent": _rounded(
            relative * 100 if relative is not None else None, 1
        ),
        "utveckling_i_önskad_riktning": way,
        "bedömning": str(result.verdict),
        "skattad_skillnad_per_år": _rounded(result.estimate, decimals + 1),
        "placebo_plats": placebo_text(result),
        "förväntad_förändring": link.expected_change,
        "förväntad_till_år": link.expected_year,
        "datakälla": source,
    }


def effects_table(
    effects: Sequence[LinkEffect],
    *,
    area_titles: Mapping[str, str],
    catalogue: Sequence,
    status_labels: Mapping[str, str],
    source: str,
) -> pd.DataFrame:
    """The export "Insatser och effekter": one row per intervention × linked indicator
    (:data:`EFFECT_COLUMNS`), in the order given. The change since the start is rounded to one
    decimal more than the indicator's values, the estimate (unit per year) likewise, per cent
    to one decimal; ``utveckling_i_önskad_riktning`` is ja/nej (empty for no change);
    ``förväntad_förändring`` is in the unit, or a fraction (−0.1) for a relative one, as the
    register stores it; ``source`` fills ``datakälla``."""
    indicators = {indicator.kpi_id: indicator for indicator in catalogue}
    rows = [
        effect_row(
            effect,
            area_title=area_titles.get(effect.intervention.area_id, effect.intervention.area_id),
            indicator=indicators.get(effect.link.kpi_id),
            status_label=status_labels.get(effect.intervention.status, effect.intervention.status),
            source=source,
        )
        for effect in effects
    ]
    return pd.DataFrame(rows, columns=list(EFFECT_COLUMNS), dtype=object)
