"""An intervention's outcome per linked indicator: the development since the start, the series
gathered from tidy tables, the effect indication with and without similar municipalities, and
the rows of the export "Insatser och effekter" (exact bytes of a small case)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from data.interventions import InterventionRecord, LinkedIndicator
from indicators.catalogue import load_catalogue
from indicators.effect import effect_indication
from indicators.export import FORMAT_CSV, FORMAT_EXCEL_SV, to_csv_bytes
from indicators.intervention_effects import (
    EFFECT_COLUMNS,
    NO_GROUP_REASON,
    NO_PEER_VALUES_REASON,
    Development,
    LinkEffect,
    area_series,
    development_since_start,
    development_text,
    effects_table,
    expected_arguments,
    group_mean_series,
    link_effect,
    peer_series,
    placebo_text,
)
from indicators.interventions import STATUS_LABELS
from indicators.vocabulary import EffectVerdict

START = 2019
YEARS = range(2014, 2023)


def line(before: float, after: float, level: float = 100.0) -> dict[int, float]:
    """A series with slope ``before`` until 2018 and ``after`` from 2019 on (continuous)."""
    values = {}
    for year in YEARS:
        if year < START:
            values[year] = level + before * (year - START)
        else:
            values[year] = level + after * (year - START)
    return values


PEERS = {f"p{i}": line(-1.0, -1.0 + 0.1 * i, 90.0 + i) for i in range(7)}


# --- development since the start --------------------------------------------------------------


def test_development_from_the_year_before_the_start_to_the_latest_value():
    series = {2017: 10.0, 2018: 12.0, 2019: 11.0, 2021: 9.0, 2022: math.nan}
    development = development_since_start(series, 2019, "down")
    assert development == Development("down", 2018, 12.0, 2021, 9.0)
    assert development.change == pytest.approx(-3.0)
    assert development.relative == pytest.approx(-0.25)
    assert development.in_desired_direction is True
    rising = development_since_start(series, 2019, "up")
    assert rising is not None and rising.in_desired_direction is False


def test_development_falls_back_to_the_start_year_and_needs_a_later_value():
    assert development_since_start({2019: 5.0, 2020: 6.0}, 2019, "up") == Development(
        "up", 2019, 5.0, 2020, 6.0
    )
    assert development_since_start({2017: 5.0, 2020: 6.0}, 2019, "up") is None  # no 2018/2019
    assert development_since_start({2018: 5.0}, 2019, "up") is None  # nothing after
    assert development_since_start({}, 2019, "up") is None
    unchanged = development_since_start({2018: 4.0, 2022: 4.0}, 2019, "up")
    assert unchanged is not None and unchanged.in_desired_direction is None
    assert development_since_start({2018: 0.0, 2020: 2.0}, 2019, "up").relative is None


def test_development_refuses_a_bad_direction_and_bad_values():
    with pytest.raises(ValueError, match="direction"):
        development_since_start({2018: 1.0, 2019: 2.0}, 2019, "sideways")
    with pytest.raises(ValueError):
        development_since_start({"tjugo": 1.0}, 2019, "up")


def test_development_in_swedish_words():
    development = Development("down", 2019, 79350.6, 2024, 75847.5)
    assert development_text(development, "ton CO2e", 1) == (
        "Från 79\u00a0350,6 (2019) till 75\u00a0847,5 ton CO2e (2024): "
        "−3\u00a0503,1 ton CO2e (−4,4 %), i önskad riktning."
    )
    share = Development("up", 2018, 40.0, 2020, 38.5)
    assert development_text(share, "andel (%)", 1) == (
        "Från 40,0 (2018) till 38,5 % (2020): −1,5 % (−3,8 %), mot önskad riktning."
    )
    assert development_text(None, "ton", 0) == "Inga värden från året före start och senare."


# --- series from tables -----------------------------------------------------------------------


def test_series_are_read_from_tidy_tables_per_area_and_gender():
    observations = pd.DataFrame(
        {
            "area_id": ["2080", "2080", "2080", "1292", "1292", "9999"],
            "gender": ["T", "T", "K", "T", "T", "T"],
            "year": [2020, 2021, 2020, 2020, 2021, 2020],
            "value": [1.0, None, 3.0, 4.0, 5.0, float("nan")],
        }
    )
    assert area_series(observations, "2080") == {2020: 1.0}
    assert area_series(observations, "2080", "K") == {2020: 3.0}
    assert area_series(observations.iloc[0:0], "2080") == {}
    assert peer_series(observations, ["1292", "9999", "0000"]) == {"1292": {2020: 4.0, 2021: 5.0}}
    means = pd.DataFrame(
        {
            "group_id": ["G1", "G1", "G2"],
            "gender": ["T", "T", "T"],
            "year": [2020, 2021, 2020],
            "value": [7.0, 8.0, 9.0],
            "count": [3, 3, 2],
        }
    )
    assert group_mean_series(means, "G1") == {2020: 7.0, 2021: 8.0}
    assert group_mean_series(means.iloc[0:0], "G1") == {}


# --- the effect of one link -------------------------------------------------------------------


def test_link_effect_is_the_effect_indication_with_the_links_expectation():
    link = LinkedIndicator("N85533", "down", -0.1, True, 2022)
    own = line(-1.0, -3.0)
    result = link_effect(link, START, own, PEERS, area_id="2080")
    direct = effect_indication(
        own,
        START,
        "down",
        PEERS,
        area_id="2080",
        expected_change=-0.1,
        expected_relative=True,
        expected_year=2022,
    )
    assert result == direct
    assert result.verdict is EffectVerdict.TYDLIG
    assert result.expected is not None and result.expected.total == pytest.approx(-0.1 * 101.0)
    assert expected_arguments(LinkedIndicator("N1", "up")) == {}


def test_link_effect_with_a_group_mean_compares_with_the_mean():
    link = LinkedIndicator("N85533", "down")
    mean = line(-1.0, -1.0, 90.0)
    result = link_effect(link, START, line(-1.0, -3.0), PEERS, peer_mean=mean, area_id="2080")
    assert result.comparison is not None
    assert result.comparison.change == pytest.approx(0.0)
    assert result.estimate == pytest.approx(-2.0)


def test_without_a_group_of_similar_municipalities_the_verdict_says_why():
    link = LinkedIndicator("N85533", "down")
    result = link_effect(link, START, line(-1.0, -3.0), None, area_id="2080")
    assert result.verdict is EffectVerdict.FOR_LITE_DATA
    assert result.reasons == (NO_GROUP_REASON,)
    assert result.municipality is not None  # the own trend is still given


def test_without_the_similar_municipalities_values_the_verdict_says_why():
    link = LinkedIndicator("N85533", "down")
    result = link_effect(link, START, line(-1.0, -3.0), {"p1": {}}, peer_mean={}, area_id="2080")
    assert result.verdict is EffectVerdict.FOR_LITE_DATA
    assert result.reasons == (NO_PEER_VALUES_REASON,)


def test_the_municipalitys_own_lack_of_data_is_said_first():
    link = LinkedIndicator("N85533", "down")
    result = link_effect(link, START, {2018: 1.0, 2019: 2.0, 2020: 3.0}, None)
    assert result.verdict is EffectVerdict.FOR_LITE_DATA
    assert result.reasons and result.reasons[0].startswith("Kommunen har 1 år med värde före")


def test_peers_with_too_few_years_keep_the_effect_indications_reason():
    link = LinkedIndicator("N85533", "up")
    result = link_effect(link, START, line(1.0, 2.0), {"p1": {2018: 1.0, 2019: 2.0}})
    assert result.verdict is EffectVerdict.FOR_LITE_DATA
    assert len(result.reasons) == 1
    assert result.reasons[0].startswith("Jämförelsekommunerna har för lite data: 0 år med värde")


# --- the export -------------------------------------------------------------------------------


def _record(**changes) -> InterventionRecord:
    fields = {
        "title": "=Laddstolpar, snabba",
        "area_id": "2080",
        "start_year": START,
        "status": "pågår",
        "indicators": (LinkedIndicator("N85533", "down", -0.1, True, 2022),),
        "id": 7,
    }
    return InterventionRecord(**{**fields, **changes})


def test_the_export_has_a_row_per_intervention_and_indicator_as_exact_bytes():
    record = _record()
    link = record.indicators[0]
    own = line(-1.0, -3.0)
    effect = LinkEffect(
        record,
        link,
        development_since_start(own, START, link.direction),
        link_effect(link, START, own, PEERS, area_id="2080"),
    )
    lacking_link = LinkedIndicator("N00401", "up")
    lacking = LinkEffect(
        _record(title="Cykelvägar", status="planerad", end_year=2025, id=8),
        lacking_link,
        None,
        link_effect(lacking_link, START, {}, None),
    )
    table = effects_table(
        [effect, lacking],
        area_titles={"2080": "Falun"},
        catalogue=load_catalogue(),
        status_labels=STATUS_LABELS,
        source="Källa: Kolada",
    )
    assert list(table.columns) == list(EFFECT_COLUMNS)
    assert placebo_text(effect.result) == "1 av 8"
    header = ",".join(EFFECT_COLUMNS)
    assert to_csv_bytes(table, FORMAT_CSV).decode("utf-8") == (
        f"{header}\n"
        '2080,Falun,7,"\'=Laddstolpar, snabba",2019,,Pågår,N85533,'
        '"Växthusgasutsläpp, transporter",ton CO2e,ska minska,2018,101,2022,91,-10,-9.9,'
        "ja,tydlig förändring i önskad riktning,-2.3,1 av 8,-0.1,2022,Källa: Kolada\n"
        "2080,Falun,8,Cykelvägar,2019,2025,Planerad,N00401,"
        "Växthusgasutsläpp per invånare,ton CO2-ekv/inv,ska öka,,,,,,,,"
        "för lite data,,,,,Källa: Kolada\n"
    )
    excel = to_csv_bytes(table.iloc[1:], FORMAT_EXCEL_SV).decode("utf-8")
    assert excel.startswith("\ufeffområde_id;område;insats_id;")
    assert excel.endswith(
        "2080;Falun;8;Cykelvägar;2019;2025;Planerad;N00401;Växthusgasutsläpp per invånare;"
        "ton CO2-ekv/inv;ska öka;;;;;;;;för lite data;;;;;Källa: Kolada\r\n"
    )
