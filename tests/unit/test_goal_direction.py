"""A goal against its indicator's desired direction: the rule and its reason in Swedish
(:func:`indicators.goal_validation.against_direction`), the comparison a new goal starts with,
and the import that saves such goals but lists them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from data.goals import GoalRecord
from data.models import Area, Kpi, Observation
from indicators.catalogue import Indicator, catalogue_by_id
from indicators.formatting import format_number
from indicators.goal_validation import (
    LatestValue,
    against_direction,
    goal_way,
    latest_value_area,
    operator_for,
    operator_hint,
)
from indicators.goals import direction_questions, import_goals_csv
from indicators.vocabulary import AT_LEAST, AT_MOST, DOWN, NONE, OPERATORS, UP
from tests.unit.test_goals import csv_text

#: Indicators as the catalogue has them: a share that is better the higher (renewable
#: electricity), a rate better the lower (emissions per inhabitant), and one without a
#: desired direction.
RENEWABLE = catalogue_by_id()["N45925"]
EMISSIONS = catalogue_by_id()["N00401"]
ORSA, MORA = "2034", "2062"


def indicator_without_direction() -> Indicator:
    return next(i for i in catalogue_by_id().values() if i.direction == NONE)


def level_goal(
    operator: str | None, target: float | None, kpi_id: str = "N45925", **fields
) -> GoalRecord:
    values = {
        "id": "orsa-fornybar-el-2030",
        "kpi_id": kpi_id,
        "level": "lokal",
        "kind": "absolute",
        "operator": operator,
        "target_value": target,
        "target_year": 2030,
        "areas": (ORSA,),
        "wording_sv": "Exempel.",
        "source_document": "Exempel",
    }
    return GoalRecord(**{**values, **fields})


# --------------------------------------------------------------------------- the rule


def test_at_most_on_an_indicator_better_the_higher_is_against_it():
    reason = against_direction(level_goal(AT_MOST, 80), RENEWABLE)
    assert reason == "Indikatorn är bättre ju högre den är, men målet säger högst 80 %."


def test_at_least_on_an_indicator_better_the_lower_is_against_it():
    goal = level_goal(AT_LEAST, 1.5, kpi_id="N00401", areas=(MORA,))
    reason = against_direction(goal, EMISSIONS)
    assert reason == (
        "Indikatorn är bättre ju lägre den är, men målet säger minst 1,5 ton CO2-ekv/inv."
    )


def test_a_goal_the_right_way_round_is_not_against_it():
    assert against_direction(level_goal(AT_LEAST, 80), RENEWABLE) is None
    emissions = level_goal(AT_MOST, 1.5, kpi_id="N00401", areas=(MORA,))
    assert against_direction(emissions, EMISSIONS) is None


def test_a_change_or_a_direction_the_other_way_is_against_it():
    decrease = level_goal(None, None, kind="relative", relative_change=-0.1, base_year=2020)
    assert against_direction(decrease, RENEWABLE) == (
        "Indikatorn är bättre ju högre den är, men målet säger en minskning med 10 %."
    )
    increase = replace(decrease, kpi_id="N00401", relative_change=0.25)
    assert against_direction(increase, EMISSIONS) == (
        "Indikatorn är bättre ju lägre den är, men målet säger en ökning med 25 %."
    )
    falling = level_goal(None, None, kind="direction", direction=DOWN)
    assert against_direction(falling, RENEWABLE) == (
        "Indikatorn är bättre ju högre den är, men målet säger att den ska minska."
    )
    assert against_direction(replace(falling, direction=UP), RENEWABLE) is None


def test_no_change_an_interval_and_an_indicator_without_direction_are_never_against_it():
    steady = level_goal(None, None, kind="relative", relative_change=0.0)
    band = level_goal(None, None, kind="band", band_low=40.0, band_high=60.0)
    assert goal_way(steady) is None and goal_way(band) is None
    assert against_direction(steady, RENEWABLE) is None
    assert against_direction(band, RENEWABLE) is None
    descriptive = indicator_without_direction()
    either = [level_goal(op, 1.0, kpi_id=descriptive.kpi_id) for op in (AT_MOST, AT_LEAST)]
    assert [against_direction(goal, descriptive) for goal in either] == [None, None]
    assert against_direction(level_goal(AT_MOST, 80), None) is None  # not in the catalogue


def test_a_target_already_passed_by_the_latest_value_lets_it_get_worse():
    latest = LatestValue("Orsa", 2023, 97.0)
    target = latest.value - 17  # "minst 80 %" where the value is 97 %
    reason = against_direction(level_goal(AT_LEAST, target), RENEWABLE, latest)
    shown = format_number(latest.value, RENEWABLE.decimals)
    assert reason == (
        f"Målet minst {format_number(target, 0)} % är redan uppnått i Orsa: senaste värdet är "
        f"{shown} % (2023). Ett mål som är sämre än nuläget tillåter att värdet blir sämre."
    )
    # Lower is better: a ceiling above the latest value lets it rise.
    emissions = LatestValue("Mora", 2022, 3.2)
    ceiling = level_goal(AT_MOST, emissions.value + 1, kpi_id="N00401", areas=(MORA,))
    assert "är redan uppnått i Mora" in against_direction(ceiling, EMISSIONS, emissions)


def test_a_target_equal_to_or_beyond_the_latest_value_is_not_against_it():
    latest = LatestValue("Orsa", 2023, 97.0)
    for target in (latest.value, latest.value + 1):
        assert against_direction(level_goal(AT_LEAST, target), RENEWABLE, latest) is None
    # The wrong operator is reported as such, not as a target already met.
    assert against_direction(level_goal(AT_MOST, 80), RENEWABLE, latest).startswith(
        "Indikatorn är bättre ju högre"
    )


def test_which_areas_latest_value_decides():
    assert latest_value_area(level_goal(AT_LEAST, 80)) == ORSA
    county = level_goal(AT_LEAST, 80, level="regional", areas=("0020", ORSA, MORA))
    assert latest_value_area(county) == "0020"
    assert latest_value_area(level_goal(AT_LEAST, 80, areas=None)) is None
    assert latest_value_area(level_goal(AT_LEAST, 80, areas=(ORSA, MORA))) is None


# --------------------------------------------------------------------------- the form's default


def test_the_comparison_a_new_goal_starts_with_follows_the_desired_direction():
    assert operator_for(UP) == AT_LEAST and OPERATORS[AT_LEAST].word == "minst"
    assert operator_for(DOWN) == AT_MOST and OPERATORS[AT_MOST].word == "högst"
    assert operator_for(NONE) is None and operator_for(None) is None
    assert operator_hint(UP) == ("Indikatorn är bättre ju högre den är, så ”minst (≥)” är förvalt.")
    assert operator_hint(DOWN) == "Indikatorn är bättre ju lägre den är, så ”högst (≤)” är förvalt."
    assert "välj själv" in operator_hint(NONE)
    assert "när du har valt indikator" in operator_hint(None)


# --------------------------------------------------------------------------- stored data


def test_direction_questions_read_the_areas_newest_stored_value(engine):
    """The already-met rule uses the newest stored value of the goal's area (not by gender)."""
    rows = [("T", 2021, 90.0), ("T", 2022, 97.0), ("T", 2023, None), ("K", 2023, 50.0)]
    with Session(engine) as session, session.begin():
        session.add(Area(id=ORSA, title="Orsa", type="K", county="20"))
        session.add(Kpi(id="N45925", title="Förnybar el", unit="andel (%)"))
        session.flush()
        session.add_all(
            Observation(
                kpi_id="N45925",
                area_id=ORSA,
                gender=gender,
                year=year,
                value=value,
                status="" if value is not None else "Missing",
                count=None if value is None else 1,
            )
            for gender, year, value in rows
        )
    below, above = level_goal(AT_LEAST, 80), level_goal(AT_LEAST, 98, id="orsa-hogre")
    questions = direction_questions(engine, [below, above])
    assert list(questions) == [below.id]
    assert "senaste värdet är 97,0 % (2022)" in questions[below.id]


def test_import_saves_goals_against_the_direction_and_lists_them(engine, tmp_path: Path):
    """A file is saved whole, as before, and each goal against its indicator's direction is
    listed with the form's reason and its line."""
    row = {
        "id": "orsa-fornybar-el-2030",
        "kpi_id": "N45925",
        "level": "lokal",
        "kind": "absolute",
        "operator": "<=",
        "target_value": "80",
        "target_year": "2030",
        "areas": ORSA,
        "wording_sv": "Exempel.",
        "source_document": "Exempel",
    }
    good = {**row, "id": "orsa-fornybar-el-minst", "operator": ">=", "target_value": "99"}
    path = tmp_path / "orsa.csv"
    path.write_text(csv_text(good, row), encoding="utf-8")
    result = import_goals_csv(engine, path, "Import")
    assert set(result.added) == {row["id"], good["id"]}
    (warning,) = result.warnings
    assert warning.startswith("orsa.csv rad 3 (orsa-fornybar-el-2030): Indikatorn är bättre")
    assert "högst 80 %" in warning and "Målet sparades" in warning
    again = import_goals_csv(engine, path, "Samma fil igen")
    assert again.unchanged and again.warnings == ()  # nothing new to look at


def test_the_reason_names_the_goal_in_the_indicators_unit_and_decimals():
    goal = level_goal(AT_MOST, 80.5)
    assert "högst 80,5 %" in against_direction(goal, RENEWABLE)
