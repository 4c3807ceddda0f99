"""Qualitative assessments: validation with Swedish messages naming the field, storage round
trip, order, removal (logged, and refused against a version no longer stored) and the export
table."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from data.assessments import (
    STALE_MESSAGE,
    StaleAssessmentError,
    UnknownAssessmentError,
    assessment_fields,
)
from data.changes import RECORD_ASSESSMENT, StaleRecordError, list_changes
from data.models import QualitativeAssessment
from indicators.assessments import (
    EXPORT_COLUMNS,
    MAX_TEXT_LENGTH,
    InvalidAssessmentError,
    add_assessment,
    assessments_for_export,
    delete_assessment,
    get_assessment,
    list_assessments,
)
from indicators.catalogue import catalogue_by_id

TODAY = dt.date(2026, 3, 15)
MORA, FALUN = "2062", "2080"
EMISSIONS = "N00401"


def add(engine, **overrides):
    values = dict(
        area_id=MORA,
        kpi_id=EMISSIONS,
        assessed_on=dt.date(2026, 3, 1),
        text="Utsläppen minskar, men för långsamt.",
        judgement="bättre",
        author="Anna Svensson",
        today=TODAY,
    )
    values.update(overrides)
    return add_assessment(engine, **values)


def problems_of(excinfo) -> dict[str, str]:
    return {problem.field: str(problem) for problem in excinfo.value.problems}


def test_round_trip_keeps_every_field(engine):
    record = add(engine, text='  Text med <b>tecken</b> & citat "så"  ', author=" Anna ")
    stored = get_assessment(engine, record.id)
    assert stored == record
    assert stored.area_id == MORA
    assert stored.kpi_id == EMISSIONS
    assert stored.sdg_goal is None
    assert stored.assessed_on == dt.date(2026, 3, 1)
    assert stored.judgement == "bättre"
    assert stored.text == 'Text med <b>tecken</b> & citat "så"'
    assert stored.author == "Anna"


def test_an_assessment_of_a_global_goal_and_without_judgement(engine):
    record = add(engine, kpi_id=None, sdg_goal=13, judgement=None, author="")
    assert (record.kpi_id, record.sdg_goal, record.judgement, record.author) == (
        None,
        13,
        None,
        "",
    )


def test_date_as_iso_text_is_accepted(engine):
    assert add(engine, assessed_on="2026-03-15").assessed_on == TODAY


def test_list_is_newest_first_and_filtered(engine):
    older = add(engine, assessed_on=dt.date(2025, 1, 10))
    newer = add(engine, assessed_on=dt.date(2026, 2, 1))
    same_day_later = add(engine, assessed_on=dt.date(2026, 2, 1))
    other_area = add(engine, area_id=FALUN)
    goal_note = add(engine, kpi_id=None, sdg_goal=13)

    mora_emissions = list_assessments(engine, area_id=MORA, kpi_id=EMISSIONS)
    assert [r.id for r in mora_emissions] == [same_day_later.id, newer.id, older.id]
    assert [r.id for r in list_assessments(engine, area_id=FALUN)] == [other_area.id]
    assert [r.id for r in list_assessments(engine, sdg_goal=13)] == [goal_note.id]
    assert len(list_assessments(engine)) == 5


def test_delete_removes_only_that_assessment(engine):
    first = add(engine)
    second = add(engine)
    removed = delete_assessment(engine, first.id)
    assert removed == first
    assert [r.id for r in list_assessments(engine)] == [second.id]
    with pytest.raises(UnknownAssessmentError, match=str(first.id)):
        delete_assessment(engine, first.id)


def raise_version(engine, assessment_id: int) -> None:
    """Change the stored row's version, as another process saving it would."""
    with engine.begin() as connection:
        connection.execute(
            update(QualitativeAssessment)
            .where(QualitativeAssessment.id == assessment_id)
            .values(version=QualitativeAssessment.version + 1)
        )


def test_versions_start_at_one(engine):
    record = add(engine)
    assert record.version == 1
    assert get_assessment(engine, record.id).version == 1
    assert [r.version for r in list_assessments(engine)] == [1]


def test_adding_and_removing_are_logged_with_who_and_the_fields(engine):
    record = add(engine, created_by="anna.berg")
    (added,) = list_changes(engine, record_type=RECORD_ASSESSMENT, record_id=record.id)
    fields = assessment_fields(record)
    assert (added.action, added.changed_by, added.before) == ("add", "anna.berg", None)
    assert added.after == fields
    assert fields["assessed_on"] == "2026-03-01"
    assert fields["created_at"] == record.created_at.isoformat()
    assert (fields["id"], fields["version"], fields["created_by"]) == (record.id, 1, "anna.berg")

    delete_assessment(engine, record.id, expected_version=1, deleted_by="eva.ek")
    removed, _added = list_changes(engine, record_type=RECORD_ASSESSMENT, record_id=record.id)
    assert (removed.action, removed.changed_by, removed.after) == ("remove", "eva.ek", None)
    assert removed.before == fields


def test_removal_at_another_version_is_refused_and_removes_nothing(engine):
    record = add(engine)
    raise_version(engine, record.id)
    with pytest.raises(StaleAssessmentError) as excinfo:
        delete_assessment(engine, record.id, expected_version=1, deleted_by="eva.ek")
    error = excinfo.value
    assert str(error) == STALE_MESSAGE == "Bedömningen har ändrats av någon annan – ladda om sidan."
    assert isinstance(error, StaleRecordError)
    assert error.stored == assessment_fields(get_assessment(engine, record.id))
    assert error.stored["version"] == 2
    assert [r.id for r in list_assessments(engine)] == [record.id]
    assert [c.action for c in list_changes(engine, record_id=record.id)] == ["add"]
    # at the version stored it goes; then it is unknown, whatever version is named
    delete_assessment(engine, record.id, expected_version=2)
    with pytest.raises(UnknownAssessmentError):
        delete_assessment(engine, record.id, expected_version=2)


def test_a_change_between_reading_and_removing_is_refused(engine):
    """Another connection raises the version after the row was read: the DELETE, which names
    the version read, matches nothing, and the removal and its log entry are rolled back."""
    record = add(engine)

    def changed_meanwhile(session, _context, _instances):
        if any(isinstance(model, QualitativeAssessment) for model in session.deleted):
            raise_version(engine, record.id)

    event.listen(Session, "before_flush", changed_meanwhile)
    try:
        with pytest.raises(StaleAssessmentError) as excinfo:
            delete_assessment(engine, record.id, deleted_by="eva.ek")
    finally:
        event.remove(Session, "before_flush", changed_meanwhile)
    assert excinfo.value.stored["version"] == 2
    assert [r.id for r in list_assessments(engine)] == [record.id]
    assert [c.action for c in list_changes(engine, record_id=record.id)] == ["add"]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"area_id": "9999"}, "area_id", ['"område"', "9999"]),
        ({"kpi_id": "N99999"}, "kpi_id", ['"indikator"', "N99999", "indikatorkatalogen"]),
        ({"kpi_id": None}, "kpi_id", ['"indikator"', "indikator eller ett globalt mål"]),
        ({"sdg_goal": 13}, "sdg_goal", ['"globalt mål"', "inte båda"]),
        ({"kpi_id": None, "sdg_goal": 18}, "sdg_goal", ['"globalt mål"', "1–17"]),
        ({"assessed_on": dt.date(2026, 3, 16)}, "assessed_on", ['"datum"', "framtiden"]),
        ({"assessed_on": "15/3 2026"}, "assessed_on", ['"datum"', "ÅÅÅÅ-MM-DD"]),
        ({"assessed_on": "2026-02-30"}, "assessed_on", ['"datum"', "2026-02-30"]),
        ({"assessed_on": None}, "assessed_on", ['"datum"', "tomt"]),
        ({"text": "   "}, "text", ['"text"', "tomt"]),
        ({"text": "x" * (MAX_TEXT_LENGTH + 1)}, "text", ['"text"', str(MAX_TEXT_LENGTH)]),
        ({"judgement": "bra"}, "judgement", ['"bedömning"', "bättre, oförändrad, sämre"]),
        ({"author": "A" * 201}, "author", ['"författare"', "200"]),
    ],
)
def test_invalid_assessment_names_the_field_and_stores_nothing(engine, overrides, field, words):
    with pytest.raises(InvalidAssessmentError) as excinfo:
        add(engine, **overrides)
    problems = problems_of(excinfo)
    assert list(problems) == [field]
    for word in words:
        assert word in problems[field]
    assert list_assessments(engine) == []


def test_text_of_exactly_the_maximum_length_is_accepted(engine):
    assert len(add(engine, text="å" * MAX_TEXT_LENGTH).text) == MAX_TEXT_LENGTH


def test_today_is_accepted_and_every_problem_is_listed_at_once(engine):
    assert add(engine, assessed_on=TODAY).assessed_on == TODAY
    with pytest.raises(InvalidAssessmentError) as excinfo:
        add(engine, area_id="1", text="", judgement="?", assessed_on="i morgon")
    assert set(problems_of(excinfo)) == {"area_id", "text", "judgement", "assessed_on"}
    assert len(list_assessments(engine)) == 1


def test_default_today_rejects_tomorrow(engine):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(InvalidAssessmentError, match="framtiden"):
        add_assessment(engine, area_id=MORA, kpi_id=EMISSIONS, assessed_on=tomorrow, text="x")


def test_export_keeps_the_chosen_areas_indicators_and_their_goals(engine):
    catalogue = catalogue_by_id()
    emissions_goal = catalogue[EMISSIONS].sdg_goal
    other_goal = next(g for g in range(1, 18) if g != emissions_goal)
    other_kpi = next(k for k, i in catalogue.items() if i.sdg_goal != emissions_goal)

    kept_kpi = add(engine, assessed_on=dt.date(2026, 2, 1), judgement=None)
    kept_earlier = add(engine, assessed_on=dt.date(2025, 2, 1), text="Äldre")
    kept_goal = add(engine, kpi_id=None, sdg_goal=emissions_goal, judgement="sämre")
    add(engine, kpi_id=None, sdg_goal=other_goal)
    add(engine, kpi_id=other_kpi)
    add(engine, area_id=FALUN)

    frame = assessments_for_export(engine, [MORA], [EMISSIONS])
    assert list(frame.columns) == list(EXPORT_COLUMNS)
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    assert rows == [
        {
            "area_id": MORA,
            "kpi_id": EMISSIONS,
            "sdg_goal": None,
            "assessed_on": kept_earlier.assessed_on,
            "judgement": "bättre",
            "text": "Äldre",
            "author": "Anna Svensson",
        },
        {
            "area_id": MORA,
            "kpi_id": EMISSIONS,
            "sdg_goal": None,
            "assessed_on": kept_kpi.assessed_on,
            "judgement": None,
            "text": kept_kpi.text,
            "author": "Anna Svensson",
        },
        {
            "area_id": MORA,
            "kpi_id": None,
            "sdg_goal": emissions_goal,
            "assessed_on": kept_goal.assessed_on,
            "judgement": "sämre",
            "text": kept_goal.text,
            "author": "Anna Svensson",
        },
    ]
    assert str(frame["sdg_goal"].dtype) == "Int64"


def test_export_of_everything_and_of_nothing(engine):
    add(engine)
    add(engine, area_id=FALUN)
    assert len(assessments_for_export(engine, None, None)) == 2
    empty = assessments_for_export(engine, [], [EMISSIONS])
    assert empty.empty
    assert list(empty.columns) == list(EXPORT_COLUMNS)
