"""The one reading of a page's address (layouts/parts/url_state.py): kinds, defaults, repeated
and unknown parameters, and the Swedish notes on what was reduced or rejected."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layouts.parts.url_state import (
    APP_PARAMS,
    MAX_SHOWN,
    NOTES_HEADING,
    Choice,
    Choices,
    Integer,
    UrlState,
    listed,
    read_path_id,
    read_query,
    read_value,
    shown,
    url_notes,
)

METHOD = Choice(
    ("statistics_canada", "eurostat"),
    "statistics_canada",
    what="Metoden",
    labels={"statistics_canada": "Statistics Canada", "eurostat": "Eurostat"},
)
AREAS = Choices(
    ("2062", "2080", "2081"),
    ("2080",),
    what="Kommunen",
    what_plural="Kommunerna",
    labels={"2062": "Mora", "2080": "Falun", "2081": "Borlänge"},
)
YEAR = Integer(choices=(2020, 2022, 2024), default=2024, what="Året")


# --- one value out of a set ---------------------------------------------------------------------


def test_choice_keeps_a_valid_value_and_defaults_without_a_note():
    assert read_value("metod", "eurostat", METHOD) == ("eurostat", [])
    assert read_value("metod", None, METHOD) == ("statistics_canada", [])
    assert read_value("metod", "", METHOD) == ("statistics_canada", [])
    assert read_value("metod", "  eurostat ", METHOD) == ("eurostat", [])
    assert read_value("metod", ["eurostat"], METHOD) == ("eurostat", []), "a list of one"


def test_choice_notes_an_unknown_value_and_names_what_is_shown_instead():
    assert read_value("metod", "okänd", METHOD) == (
        "statistics_canada",
        ["Metoden ”okänd” finns inte – visar Statistics Canada"],
    )
    no_default = Choice(("a", "b"), None, what="Dimensionen")
    assert read_value("dimension", "c", no_default) == (
        None,
        ["Dimensionen ”c” finns inte och ignorerades"],
    )


def test_a_repeated_single_parameter_uses_the_first_and_says_so():
    value, notes = read_value("metod", ["eurostat", "statistics_canada"], METHOD)
    assert value == "eurostat"
    assert notes == ["”metod” angavs två gånger – den första användes"]
    value, notes = read_value("metod", ["x", "eurostat", "y"], METHOD)
    assert value == "statistics_canada"
    assert notes == [
        "”metod” angavs tre gånger – den första användes",
        "Metoden ”x” finns inte – visar Statistics Canada",
    ]
    assert read_value("metod", ["eurostat", "eurostat"], METHOD) == ("eurostat", [])
    twelve = [str(n) for n in range(12)]
    assert read_value("metod", twelve, METHOD)[1][0].startswith("”metod” angavs 12 gånger")


@pytest.mark.parametrize("raw", [{"a": 1}, [[1]], True, object()])
def test_a_value_that_is_not_text_or_a_number_is_unreadable(raw):
    value, notes = read_value("metod", raw, METHOD)
    assert value == "statistics_canada"
    assert notes == ["Metoden ”(oläsbart värde)” finns inte – visar Statistics Canada"]


def test_choices_and_default_may_depend_on_earlier_values():
    years = {"a": (2001, 2002), "b": (2010,)}
    params = {
        "serie": Choice(("a", "b"), "a"),
        "ar": Integer(
            choices=lambda v: years[v["serie"]],
            default=lambda v: years[v["serie"]][-1],
            what="Året",
        ),
    }
    assert read_query({"serie": "b", "ar": "2010"}, params).values == {"serie": "b", "ar": 2010}
    state = read_query({"serie": "b", "ar": "2001"}, params)
    assert state.values == {"serie": "b", "ar": 2010}
    assert state.notes == ("Året 2001 finns inte – visar 2010",)


# --- several values ------------------------------------------------------------------------------


def test_choices_split_commas_join_repeated_parameters_and_drop_duplicates():
    assert read_value("omraden", "2081,2062", AREAS) == (("2081", "2062"), [])
    assert read_value("omraden", ["2081", "2062,2081"], AREAS) == (("2081", "2062"), [])
    assert read_value("omraden", " 2062 , ,2062", AREAS) == (("2062",), [])
    in_order = Choices(("2062", "2080", "2081"), order="choices")
    assert read_value("omraden", "2081,2062", in_order) == (("2062", "2081"), [])


def test_choices_missing_empty_and_naming_nothing_valid():
    assert read_value("omraden", None, AREAS) == (("2080",), [])
    assert read_value("omraden", "", AREAS) == (("2080",), [])
    assert read_value("omraden", [], AREAS) == (("2080",), [])
    kept_empty = Choices(("a",), ("a",), when_empty="empty", when_none_valid="empty")
    assert read_value("x", "", kept_empty) == ((), [])
    assert read_value("x", "b", kept_empty) == ((), ["Värdet ”b” finns inte och ignorerades"])


def test_choices_note_unknown_values_singular_and_plural():
    assert read_value("omraden", "2062,9999", AREAS) == (
        ("2062",),
        ["Kommunen ”9999” finns inte och ignorerades"],
    )
    assert read_value("omraden", "9999,x", AREAS) == (
        ("2080",),
        ["Kommunerna ”9999” och ”x” finns inte – visar Falun"],
    )
    many = ",".join(str(n) for n in range(8))
    (note,) = read_value("omraden", many, AREAS)[1]
    assert note == "Kommunerna ”0”, ”1”, ”2”, ”3”, ”4” och 3 till finns inte – visar Falun"


# --- whole numbers -------------------------------------------------------------------------------


def test_integer_in_range_and_among_choices():
    assert read_value("till", "2022", YEAR) == (2022, [])
    assert read_value("till", 2022, YEAR) == (2022, [])
    assert read_value("till", " +2022 ", YEAR) == (2022, [])
    assert read_value("till", "99999", YEAR) == (2024, ["Året 99999 finns inte – visar 2024"])
    assert read_value("till", "abc", YEAR) == (2024, ["Året ”abc” finns inte – visar 2024"])
    bounded = Integer(1, 2**31 - 1, what="Bildspelet")
    assert read_value("id", "7", bounded) == (7, [])
    assert read_value("id", "0", bounded)[0] is None
    assert read_value("id", "-3", bounded)[0] is None
    assert read_value("id", "9" * 23, bounded) == (
        None,
        ["Bildspelet 99999999999999999999999 finns inte och ignorerades"],
    )


@pytest.mark.parametrize("text", ["٣", "²", "1_000", "1e3", "0x10", "2022.0", "9" * 5000, "--1"])
def test_integer_reads_only_plain_ascii_digits(text):
    assert read_value("till", text, YEAR)[0] == 2024


# --- the whole address ---------------------------------------------------------------------------


def test_unknown_parameters_are_noted_first_and_app_parameters_are_not():
    params = {"metod": METHOD}
    state = read_query({"x": "a", "metod": "eurostat", "visa": "presentation"}, params)
    assert state == UrlState({"metod": "eurostat"}, ("Okänd parameter ”x” ignorerades",))
    state = read_query({"b": "1", "a": ["1", "2"], "metod": "nej"}, params)
    assert state.notes == (
        "Okända parametrar ”b” och ”a” ignorerades",
        "Metoden ”nej” finns inte – visar Statistics Canada",
    )
    assert set(APP_PARAMS) == {"visa", "bildspel", "steg"}
    query = {"bildspel": "1", "steg": "2", "fokus": "x"}
    assert read_query(query, params, also_known=("fokus",)).notes == ()
    assert state["metod"] == "statistics_canada"


def test_path_ids_read_as_a_kind_without_default():
    assert read_path_id("2062", Choice(("2062",))) == ("2062", "2062")
    assert read_path_id("xyz", Choice(("2062",))) == (None, "xyz")
    assert read_path_id(["a", "b"], Choice(("2062",))) == (None, "a")
    huge = "9" * 60
    assert read_path_id(huge, Integer(1, 2**31 - 1)) == (None, huge[: MAX_SHOWN - 1] + "…")


def test_shown_values_lose_control_characters_and_are_cut():
    assert shown("a\x00b\u202ec\nd") == "a b c d"
    assert shown("\ud800x") == "x"
    assert shown("x" * 500) == "x" * (MAX_SHOWN - 1) + "…"
    assert listed(["a"]) == "”a”"
    assert listed(["a", "b", "c"]) == "”a”, ”b” och ”c”"


def test_url_notes_is_a_status_note_or_nothing():
    assert url_notes(()) is None
    box = url_notes(["Okänd parameter ”x” ignorerades"], id="n")
    assert box.role == "status" and box.id == "n"
    assert "presentation-hidden" in box.className
    heading, items = box.children
    assert heading.children == NOTES_HEADING
    assert [item.children for item in items.children] == ["Okänd parameter ”x” ignorerades"]


# --- never raises --------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(st.characters()),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.dictionaries(st.sampled_from(["metod", "omraden", "till", "x", "visa"]), JSON_VALUES))
def test_any_query_gives_valid_values_and_notes(query):
    state = read_query(query, {"metod": METHOD, "omraden": AREAS, "till": YEAR})
    assert state["metod"] in ("statistics_canada", "eurostat")
    assert set(state["omraden"]) <= {"2062", "2080", "2081"}
    assert state["till"] in (2020, 2022, 2024)
    assert all(isinstance(note, str) and len(note) < 400 for note in state.notes)
