"""Finding indicators by Swedish words typed with or without their accents."""

from __future__ import annotations

import pytest

from indicators.search import MAX_QUERY, fold, matches, query_words, search_indicators
from tests.support.literal_tables import CLIMATE, HEALTH, INDICATORS, SCHOOL, make_indicator

GREENHOUSE = make_indicator(
    "N00401", "Växthusgasutsläpp per invånare", 13, "miljömässig", kolada_title="Utsläpp (RUS)"
)
CATALOGUE = [*INDICATORS, GREENHOUSE]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Utsläpp", "utslapp"),
        ("Växthusgas-utsläpp  per invånare", "vaxthusgas utslapp per invanare"),
        ("ÅÄÖ éü", "aao eu"),
        ("  Hälsa,   skola!  ", "halsa skola"),
        ("", ""),
    ],
)
def test_fold_drops_accents_case_and_punctuation(text, folded):
    assert fold(text) == folded


def test_a_query_without_accents_finds_the_words_with_them():
    # literal catalogue: "Utsläpp" (CLIMATE), "Hälsa" (HEALTH), "Skola" (SCHOOL), GREENHOUSE
    assert [i.kpi_id for i in search_indicators(CATALOGUE, "utslapp")] == [
        CLIMATE.kpi_id,
        GREENHOUSE.kpi_id,
    ]
    assert search_indicators(CATALOGUE, "vaxthus") == [GREENHOUSE]
    assert search_indicators(CATALOGUE, "VÄXTHUS") == [GREENHOUSE]
    # "Hälsa" is HEALTH's label and part of goal 3's name ("Hälsa och välbefinnande"),
    # the goal of SCHOOL too
    assert search_indicators(CATALOGUE, "halsa") == [HEALTH, SCHOOL]
    assert search_indicators(CATALOGUE, "hälsa") == [HEALTH, SCHOOL]
    assert search_indicators(CATALOGUE, "skola") == [SCHOOL]


def test_every_word_must_match_in_any_order_and_ids_and_goals_count():
    assert search_indicators(CATALOGUE, "invanare vaxthus") == [GREENHOUSE]
    assert search_indicators(CATALOGUE, "invanare skola") == []
    assert search_indicators(CATALOGUE, "n00401") == [GREENHOUSE]
    # Kolada's title is searched too, and so is the global goal's number and name
    assert search_indicators(CATALOGUE, "rus") == [GREENHOUSE]
    assert [i.kpi_id for i in search_indicators(CATALOGUE, "mal 13")] == [
        CLIMATE.kpi_id,
        GREENHOUSE.kpi_id,
    ]
    assert search_indicators(CATALOGUE, "klimat") == search_indicators(CATALOGUE, "mål 13")


@pytest.mark.parametrize("query", ["", "   ", None, 17, ["utslapp"]])
def test_an_empty_or_unreadable_query_finds_everything(query):
    assert search_indicators(CATALOGUE, query) == CATALOGUE
    assert query_words(query) == () or query == "   "


def test_matches_and_the_longest_query():
    assert matches("utslapp per", "Växthusgasutsläpp per invånare")
    assert not matches("utslapp skola", "Växthusgasutsläpp per invånare")
    assert matches("", "vad som helst")
    long = "a " * MAX_QUERY + "zzz"
    assert "zzz" not in query_words(long)
