""" "Varför?": what a status means and the numbers behind it, on literal rows whose expected
numbers the tests work out themselves."""

from __future__ import annotations

import math

import pytest

from data.goals import GoalRecord
from indicators.progress import EUROSTAT, PACE_LINEAR, STATISTICS_CANADA
from indicators.status_facts import (
    ARROW_EXAMPLE,
    ARROW_INTRO,
    aggregate_facts,
    arrow_legend,
    arrow_meaning,
    status_facts,
    status_meaning,
)
from indicators.vocabulary import STATUS_ORDER, STATUS_STYLE, Status
from tests.support.literal_tables import CLIMATE, HEALTH, row

NBSP = "\u00a0"
MINUS = "\u2212"


def swedish(value: float, decimals: int) -> str:
    """A number as the pages write it: decimal comma, true minus sign."""
    text = f"{abs(value):.{decimals}f}".replace(".", ",")
    return (MINUS if value < 0 and float(text.replace(",", ".")) else "") + text


def signed_rate(rate: float) -> str:
    """A compound rate as "+2,1 % per år"."""
    sign = "+" if rate > 0 else MINUS
    return f"{sign}{swedish(abs(rate) * 100, 1)} % per år"


def cagr(start: float, end: float, years: int) -> float:
    return (end / start) ** (1 / years) - 1


GOAL = GoalRecord(
    id="se-halsa-20",
    kpi_id=HEALTH.kpi_id,
    level="nationell",
    kind="absolute",
    operator=">=",
    target_value=20.0,
    target_year=2030,
    wording_sv="Andelen ska öka till 20 procent till 2030. Tolkning: den totala andelen.",
    source_document="Regeringens proposition",
)


@pytest.fixture
def target_row() -> dict:
    """Mora × Hälsa against a national goal of 20 % by 2030, from 12,34 % in 2015 to 14,56 %
    in 2024: the required and observed changes are the compound rates between them."""
    required = cagr(12.34, 20.0, 2030 - 2015)
    observed = cagr(12.34, 14.56, 2024 - 2015)
    return row(
        "2062",
        HEALTH,
        "nationell",
        "behöver accelereras",
        1.0,
        goal_id=GOAL.id,
        method="mål",
        base_year=2015,
        base_value=12.34,
        latest_year=2024,
        latest_value=14.56,
        target_value=20.0,
        target_year=2030,
        required_annual_change=required,
        observed_annual_change=observed,
        ratio=observed / required,
        reason="Förändringen 2015–2024 …",
    )


def test_facts_of_a_cell_with_a_target_give_goal_values_years_paces_and_method(target_row):
    facts = status_facts(target_row, indicator=HEALTH, goal=GOAL)
    found = dict(facts.facts)
    required, observed = target_row["required_annual_change"], target_row["observed_annual_change"]
    assert found["Nationellt mål"] == "Andelen ska öka till 20 procent till 2030. (se-halsa-20)"
    assert found["Målvärde 2030"] == "20,0 %"
    assert found["Basår 2015"] == "12,3 %"
    assert found["Senaste värde 2024"] == "14,6 %"
    assert found["Krävd förändring"] == f"{signed_rate(required)} (2015–2030)"
    assert found["Faktisk förändring"] == f"{signed_rate(observed)} (2015–2024)"
    ratio = swedish(observed / required, 2)
    assert found["Metod"] == (
        f"mot målvärde: faktisk delat med krävd förändring = {ratio}; i fas från 0,95 "
        "(gränsvärden: Statistics Canada)"
    )
    assert found["Önskad riktning"] == "högre är bättre"
    assert found["Beräkning"] == "Förändringen 2015–2024 …"
    # in words: the pace needed against the pace seen, and the share of it
    share = round(observed / required * 100)
    assert facts.pace == (
        f"För att nå 20,0 % år 2030 behöver värdet öka med {swedish(required * 100, 1)} % per "
        f"år från 2015. Värdet har ökat med {swedish(observed * 100, 1)} % per år 2015–2024, "
        f"{share} % av den takt som krävs."
    )
    high, low, _limited = STATISTICS_CANADA.with_target
    assert facts.meaning == (
        f"Behöver accelereras: rätt håll men för långsamt ({round(low * 100)} %–"
        f"{round(high * 100)} % av den takt som krävs)."
    )
    assert facts.arrow.startswith("↗ betyder här att värdet ökar, men för långsamt")


def test_a_goal_known_only_by_its_id_is_named_by_it(target_row):
    facts = dict(status_facts(target_row, indicator=HEALTH).facts)
    assert facts["Nationellt mål"] == GOAL.id
    assert facts["Målvärde 2030"] == "20,0 %"


def test_facts_of_a_trend_on_an_indicator_where_lower_is_better():
    observed = cagr(5210.0, 4560.0, 2023 - 2015)  # falling: good for emissions
    trend = row(
        "2062",
        CLIMATE,
        "trend",
        "i fas",
        3.0,
        base_year=2015,
        base_value=5210.0,
        latest_year=2023,
        latest_value=4560.0,
        observed_annual_change=observed,
    )
    facts = status_facts(trend, indicator=CLIMATE, fallback_level="nationell")
    found = dict(facts.facts)
    assert found["Mål"] == "inget nationellt mål – trenden visas i stället"
    assert found["Önskad riktning"] == "lägre är bättre"
    assert found["Basår 2015"] == f"5{NBSP}210 ton CO2e"
    assert found["Senaste värde 2023"] == f"4{NBSP}560 ton CO2e"
    bound = swedish(STATISTICS_CANADA.without_target[0] * 100, 1)
    assert found["Krävd förändring"] == f"inget målvärde – i fas från {bound} % per år åt rätt håll"
    assert found["Faktisk förändring"] == f"{signed_rate(observed)} (2015–2023)"
    assert "Målvärde" not in " ".join(found)
    # ↑ on emissions: the value falls fast enough
    assert facts.arrow.startswith("↑ betyder här att värdet minskar tillräckligt snabbt")
    assert facts.pace == (
        f"Utan målvärde bedöms trenden. Värdet har minskat med {swedish(-observed * 100, 1)} % "
        f"per år 2015–2023; lägre är bättre. I fas kräver minst {bound} % per år i önskad "
        "riktning."
    )
    assert (
        facts.meaning
        == f"I fas: värdet rör sig tydligt i önskad riktning (minst {bound} % per år)."
    )


def test_a_linear_pace_is_written_in_the_unit_a_year():
    trend = row(
        "2062",
        CLIMATE,
        "nationell",
        "otillräcklig",
        -1.0,
        goal_id="klimat-0",
        method="mål",
        base_year=2015,
        base_value=5000.0,
        latest_year=2023,
        latest_value=4600.0,
        target_value=0.0,
        target_year=2045,
        required_annual_change=-5000.0 / 30,
        observed_annual_change=-400.0 / 8,
        pace=PACE_LINEAR,
    )
    facts = status_facts(trend, indicator=CLIMATE)
    found = dict(facts.facts)
    assert found["Krävd förändring"] == f"{MINUS}167 ton CO2e per år (2015–2045)"
    assert found["Faktisk förändring"] == f"{MINUS}50 ton CO2e per år (2015–2023)"
    assert "minska med 167 ton CO2e per år" in facts.pace
    assert "minskat med 50 ton CO2e per år" in facts.pace
    assert "30 % av den takt som krävs" in facts.pace  # 50 of 167 a year


def test_achieved_and_not_assessable_say_so_in_words():
    achieved = row(
        "2062",
        HEALTH,
        "nationell",
        "uppnått",
        5.0,
        goal_id="g",
        method="mål",
        latest_year=2024,
        latest_value=41.6,
        target_value=40.0,
    )
    facts = status_facts(achieved, indicator=HEALTH)
    assert facts.pace == "Senaste värdet 41,6 % (2024) når målvärdet 40,0 %."
    assert facts.meaning == "Uppnått: målvärdet är redan nått."
    assert facts.arrow is None
    missing = row("0020", HEALTH, "trend", "kan inte bedömas", None, reason="Färre än två värden.")
    facts = status_facts(missing, indicator=HEALTH)
    assert facts.pace == "Färre än två värden."
    assert dict(facts.facts)["Beräkning"] == "Färre än två värden."
    assert "Krävd förändring" not in dict(facts.facts)


@pytest.mark.parametrize("thresholds", [STATISTICS_CANADA, EUROSTAT])
def test_meanings_name_the_bounds_of_the_method(thresholds):
    _on_track, acceleration, limited = thresholds.without_target
    text = status_meaning(Status.OTILLRACKLIG, with_target=False, thresholds=thresholds)
    assert f"{swedish(limited * 100, 1)} % till {swedish(acceleration * 100, 1)} % per år" in text
    wrong = status_meaning(Status.FEL_HALL, with_target=False, thresholds=thresholds)
    assert ("mer än" in wrong) == (limited < 0)
    on = status_meaning(Status.I_FAS, with_target=True, thresholds=thresholds)
    assert f"minst {round(thresholds.with_target[0] * 100)} %" in on


def test_every_status_has_a_meaning_and_the_legend_lists_them_best_first():
    for status in Status:
        for with_target in (True, False):
            text = status_meaning(status, with_target=with_target, thresholds=STATISTICS_CANADA)
            assert text.startswith(STATUS_STYLE[status].label_sv + ": ")
    assert [status for status, _ in arrow_legend()] == list(STATUS_ORDER)
    assert "inte om värdet stiger eller sjunker" in ARROW_INTRO
    up, wrong = STATUS_STYLE[Status.I_FAS].icon, STATUS_STYLE[Status.FEL_HALL].icon
    assert f"{up} att utsläppen minskar tillräckligt snabbt" in ARROW_EXAMPLE
    assert f"{wrong} att de ökar" in ARROW_EXAMPLE
    assert arrow_meaning(Status.FEL_HALL, "up").startswith(
        f"{wrong} betyder här att värdet minskar"
    )
    assert arrow_meaning(Status.I_FAS, "none") is None


def test_aggregate_facts_count_the_parts():
    aggregate = {
        "area_id": "2062",
        "sdg_goal": 3,
        "status": "otillräcklig",
        "mean_score": -0.5,
        "n_total": 3,
        "n_assessed": 2,
        "n_i fas": 1,
        "n_går åt fel håll": 1,
        "n_kan inte bedömas": 1,
        "n_fallback": 2,
    }
    facts = aggregate_facts(aggregate, level="nationell")
    found = dict(facts.facts)
    assert found["Medelpoäng"] == f"{MINUS}0,5 (skala {MINUS}5 till +5)"
    assert found["Indikatorer"] == "3, varav 2 bedömda"
    assert found["I fas"] == "1" and found["Går åt fel håll"] == "1"
    assert "Uppnått" not in found
    assert found["Trend i stället för mål"] == "2 av 3"
    assert "Trend i stället för mål" not in dict(aggregate_facts(aggregate, level="trend").facts)
    assert facts.pace.startswith("2 av 3 indikatorer kunde bedömas")
    assert facts.meaning == (
        f"Otillräcklig: indikatorernas medelpoäng, {MINUS}0,5 på en skala från {MINUS}5 till +5, "
        "ger den här statusen."
    )
    assert not math.isnan(aggregate["mean_score"])


def test_an_uncertain_status_says_why_and_a_stable_one_only_that_it_is(target_row):
    uncertain = dict(target_row, robustness="osäker", robustness_reason="Bara 3 värden.")
    assert dict(status_facts(uncertain, indicator=HEALTH).facts)["Säkerhet"] == (
        "Osäker: Bara 3 värden."
    )
    stable = dict(target_row, robustness="stabil", robustness_reason="Samma status.")
    assert dict(status_facts(stable, indicator=HEALTH).facts)["Säkerhet"] == "Stabil"
    assert "Säkerhet" not in dict(status_facts(target_row, indicator=HEALTH).facts)
