"""Interventions: the rules (indicators/interventions.py) and their storage
(data/interventions.py) – versions, stale saves, the change log and the lookups other pages
use."""

from __future__ import annotations

from dataclasses import replace

import pytest

from data.changes import StaleRecordError, list_changes
from data.interventions import (
    RECORD_INTERVENTION,
    InterventionRecord,
    LinkedIndicator,
    StaleInterventionError,
    UnknownInterventionError,
    add_intervention,
    change_intervention,
    get_intervention,
    interventions_for,
    interventions_for_goals,
    list_interventions,
    remove_intervention,
    save_interventions,
)
from indicators.catalogue import catalogue_by_id
from indicators.interventions import (
    InvalidInterventionError,
    check_intervention,
    expected_text,
    form_record,
    link_text,
    parse_links,
    status_text,
    validate_intervention,
    years_text,
)

TRANSPORT = "N85533"  # Växthusgasutsläpp, transporter


def _record(**changes) -> InterventionRecord:
    base = InterventionRecord(
        title="Laddstolpar vid kommunens arbetsplatser",
        area_id="2080",
        start_year=2024,
        end_year=2027,
        status="pågår",
        indicators=(LinkedIndicator(TRANSPORT, "down", -0.1, True, 2030),),
        goal_ids=("falun-utslapp-2030",),
    )
    return replace(base, **changes)


def _fields(record: InterventionRecord) -> set[str]:
    return {problem.field for problem in check_intervention(record)}


# --------------------------------------------------------------------------- the rules


def test_a_sound_intervention_keeps_the_rules():
    assert check_intervention(_record()) == []
    assert check_intervention(_record(area_id="0020", end_year=None)) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"area_id": "0000"}, "area_id"),  # Riket is not a register area
        ({"area_id": "0180"}, "area_id"),  # Stockholm is not in Dalarna
        ({"start_year": 1850}, "start_year"),
        ({"end_year": 2023}, "end_year"),
        ({"status": "klar"}, "status"),
        ({"decision_url": "javascript:alert(1)"}, "decision_url"),
        ({"decision_url": "ftp://falun.se/beslut.pdf"}, "decision_url"),
        ({"indicators": (LinkedIndicator("N99999", "down"),)}, "indicators"),
        ({"indicators": (LinkedIndicator(TRANSPORT, "sideways"),)}, "indicators"),
        ({"indicators": (LinkedIndicator(TRANSPORT, "down", -0.1, True, None),)}, "indicators"),
        ({"indicators": (LinkedIndicator(TRANSPORT, "down", 0.1, True, 2030),)}, "indicators"),
        ({"indicators": (LinkedIndicator(TRANSPORT, "down", -1500, False, 2020),)}, "indicators"),
        ({"indicators": (LinkedIndicator(TRANSPORT, "down"),) * 2}, "indicators"),
    ],
)
def test_each_broken_rule_names_its_field(changes, field):
    assert _fields(_record(**changes)) == {field}


def test_messages_are_swedish_and_name_field_and_expectation():
    with pytest.raises(InvalidInterventionError) as caught:
        validate_intervention(_record(status="klar", end_year=2020))
    text = str(caught.value)
    assert 'fält "status": "klar" – förväntat en av planerad, pågår, genomförd, avbruten' in text
    assert 'fält "end_year": "2020" – förväntat samma år som start_year (2024)' in text


def test_unknown_goals_are_named_when_goals_are_known():
    problems = check_intervention(_record(), known_goal_ids={"annat-mal"})
    assert [p.field for p in problems] == ["goals"]
    assert "falun-utslapp-2030" in str(problems[0])


def test_indicators_round_trip_through_their_text_form():
    text = "N85533:down:-10%:2030;N00401:down\nN07702:down:-1 500,5:2028"
    links, problems = parse_links(text)
    assert problems == []
    assert links == (
        LinkedIndicator("N85533", "down", -0.1, True, 2030),
        LinkedIndicator("N00401", "down"),
        LinkedIndicator("N07702", "down", -1500.5, False, 2028),
    )
    assert [link_text(link) for link in links] == [
        "N85533:down:-10%:2030",
        "N00401:down",
        "N07702:down:-1500.5:2028",
    ]


@pytest.mark.parametrize(
    "text", ["N85533", "N85533:down:-10%", "N85533:down:mycket:2030", "N85533:down:-10%:år"]
)
def test_unreadable_indicator_text_is_reported(text):
    links, problems = parse_links(text)
    assert links == () and len(problems) == 1


def test_form_record_reports_fields_and_trims():
    record, problems = form_record(
        {
            "title": "  Cykelvägar ",
            "area_id": "2080",
            "status": "planerad",
            "start_year": "2025",
            "indicators": "N85533:down:-5%:2030",
        }
    )
    assert problems == [] and record is not None and record.title == "Cykelvägar"
    record, problems = form_record({"title": "", "area_id": 7, "start_year": "tjugo"})
    assert record is None
    assert {p.field for p in problems} == {"title", "area_id", "status", "start_year"}


def test_words_shown():
    transport = catalogue_by_id()[TRANSPORT]
    assert expected_text(LinkedIndicator(TRANSPORT, "down", -0.1, True, 2030), transport) == (
        "−10 % till 2030"
    )
    assert (
        expected_text(LinkedIndicator(TRANSPORT, "down", -1500, False, 2028), transport)
        == "−1\u00a0500 ton CO2e till 2028"
    )
    assert years_text(_record()) == "2024–2027"
    assert years_text(_record(end_year=None)) == "från 2024"
    assert status_text("pågår") == "◐ Pågår"


# --------------------------------------------------------------------------- storage


def test_add_change_remove_are_versioned_and_logged(engine):
    stored = add_intervention(engine, _record(), changed_by="eva")
    assert stored.id is not None and stored.version == 1 and stored.updated_by == "eva"
    assert stored == _record()

    changed = change_intervention(
        engine,
        replace(stored, status="genomförd", indicators=(LinkedIndicator(TRANSPORT, "down"),)),
        expected_version=1,
        changed_by="olle",
    )
    assert changed.version == 2 and changed.status == "genomförd"
    assert changed.indicators == (LinkedIndicator(TRANSPORT, "down"),)

    # The same content again changes and logs nothing.
    again = change_intervention(engine, changed, expected_version=2, changed_by="olle")
    assert again.version == 2

    removed = remove_intervention(engine, stored.id, expected_version=2, changed_by="eva")
    assert removed.title == stored.title
    assert get_intervention(engine, stored.id) is None

    log = list_changes(engine, record_type=RECORD_INTERVENTION)
    assert [(c.action, c.changed_by) for c in log] == [
        ("remove", "eva"),
        ("change", "olle"),
        ("add", "eva"),
    ]
    assert log[1].before["status"] == "pågår" and log[1].after["status"] == "genomförd"
    assert log[2].after["indicators"][0]["expected_change"] == -0.1


def test_a_save_against_an_old_version_is_refused_in_swedish(engine):
    stored = add_intervention(engine, _record(), changed_by="eva")
    change_intervention(engine, replace(stored, title="Ny rubrik"), expected_version=1)
    with pytest.raises(StaleInterventionError) as caught:
        change_intervention(engine, replace(stored, status="avbruten"), expected_version=1)
    assert str(caught.value) == "Insatsen har ändrats av någon annan – ladda om"
    assert isinstance(caught.value, StaleRecordError)
    assert caught.value.stored["title"] == "Ny rubrik" and caught.value.stored["version"] == 2
    with pytest.raises(StaleInterventionError):
        remove_intervention(engine, stored.id, expected_version=1)
    assert get_intervention(engine, stored.id).status == "pågår"


def test_a_removed_intervention_is_told_as_removed(engine):
    stored = add_intervention(engine, _record())
    remove_intervention(engine, stored.id)
    with pytest.raises(StaleInterventionError) as caught:
        change_intervention(engine, stored, expected_version=1)
    assert "tagits bort" in str(caught.value) and caught.value.stored is None
    with pytest.raises(UnknownInterventionError):
        remove_intervention(engine, 987654)
    assert get_intervention(engine, "1; DROP TABLE interventions") is None


def test_lists_filter_by_area_indicator_and_goal(engine):
    falun = add_intervention(engine, _record())
    mora = add_intervention(
        engine,
        _record(
            title="Energieffektivisering",
            area_id="2062",
            start_year=2026,
            end_year=None,
            indicators=(LinkedIndicator("N00401", "down"),),
            goal_ids=("mora-klimat",),
        ),
    )
    assert [r.id for r in list_interventions(engine)] == [mora.id, falun.id]  # newest first
    assert [r.id for r in interventions_for(engine, area_id="2080")] == [falun.id]
    assert [r.id for r in interventions_for(engine, kpi_id="N00401")] == [mora.id]
    assert interventions_for(engine, area_id="2080", kpi_id="N00401") == []
    assert [r.id for r in list_interventions(engine, goal_id="mora-klimat")] == [mora.id]
    found = interventions_for_goals(engine, ["falun-utslapp-2030", "mora-klimat", "inget"])
    assert {goal: [r.id for r in records] for goal, records in found.items()} == {
        "falun-utslapp-2030": [falun.id],
        "mora-klimat": [mora.id],
    }
    assert interventions_for_goals(engine, []) == {}


def test_save_many_is_all_or_nothing(engine):
    stored = add_intervention(engine, _record())
    change_intervention(engine, replace(stored, title="Ändrad"), expected_version=1)
    batch = [_record(title="Ny insats"), replace(stored, status="avbruten", version=1)]
    with pytest.raises(StaleInterventionError):
        save_interventions(engine, batch, changed_by="eva")
    assert len(list_interventions(engine)) == 1
    saved = save_interventions(
        engine, [_record(title="Ny insats"), replace(stored, title="Ändrad", version=2)]
    )
    assert len(saved.added) == 1 and saved.unchanged == (stored.id,)
