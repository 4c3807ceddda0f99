"""Comparison with similar municipalities: rows in Kolada's order, the mean's label, every
status against the municipality's goal, the place among the compared and its wording."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from data.goals import GoalRecord
from data.groups import GroupMember, GroupRecord
from indicators.catalogue import catalogue_by_id
from indicators.follow_up import assess_series, status_table
from indicators.ranking import NOT_RANKED_REASON
from indicators.similar import (
    MEAN,
    MEAN_MISSING_TEXT,
    MEMBER,
    MEMBER_VALUES_MISSING_TEXT,
    MUNICIPALITY,
    area_points,
    compare_with_similar,
    comparison_goal,
    genitive,
    latest_common_year,
    mean_label,
    mean_points,
)
from indicators.vocabulary import LOKAL, NATIONELL, REGIONAL, TREND, Status

KPI = "N00401"  # greenhouse gases per inhabitant, lower is better
FALUN = "2080"
GROUP = GroupRecord(
    id="G37366",
    title="Liknande kommuner, övergripande, Falun, 2025",
    kind="liknande",
    members=(
        GroupMember("0882", "Oskarshamn"),
        GroupMember("1292", "Ängelholm"),
        GroupMember("1488", "Trollhättan"),
    ),
    made_for=FALUN,
    year=2025,
)

#: area → {year: value}
SERIES: dict[str, dict[int, float]] = {
    FALUN: {2015: 4.0, 2018: 3.5, 2021: 3.0, 2023: 2.6},
    "0882": {2015: 5.0, 2018: 5.2, 2021: 5.6, 2022: 5.9},  # rising: the wrong way
    "1292": {2015: 1.4, 2018: 1.3, 2021: 1.2, 2022: 1.1},  # already below the target
    "1488": {2015: 3.0, 2018: 2.9, 2021: 2.7, 2022: 2.5},
}
MEANS = [  # year, value, count
    (2015, 3.1, 3),
    (2018, 3.1, 3),
    (2021, 3.2, 3),
    (2022, 3.5, 2),
]


def indicator(kpi_id: str = KPI):
    return catalogue_by_id()[kpi_id]


def observations(series: dict[str, dict[int, float]] = SERIES, kpi_id: str = KPI) -> pd.DataFrame:
    rows = [
        (kpi_id, area_id, year, "T", value)
        for area_id, values in series.items()
        for year, value in values.items()
    ]
    return pd.DataFrame(rows, columns=["kpi_id", "area_id", "year", "gender", "value"])


def means(rows=MEANS, group_id: str = GROUP.id) -> pd.DataFrame:
    return pd.DataFrame(
        [(group_id, "T", year, value, count, "") for year, value, count in rows],
        columns=["group_id", "gender", "year", "value", "count", "status"],
    )


def local_goal(**fields) -> GoalRecord:
    base = {
        "id": "falun-lokalt",
        "kpi_id": KPI,
        "level": LOKAL,
        "kind": "absolute",
        "operator": "<=",
        "target_value": 1.5,
        "direction": "down",
        "base_year": 2015,
        "target_year": 2030,
        "areas": (FALUN,),
        "wording_sv": "Högst 1,5 ton per invånare 2030",
        "source_document": "Falu kommun",
    }
    return GoalRecord(**{**base, **fields})


def compare(series=SERIES, mean_rows=MEANS, goals=None, levels=(LOKAL, REGIONAL), kpi_id=KPI):
    return compare_with_similar(
        indicator(kpi_id),
        area_id=FALUN,
        area_name="Falun",
        group=GROUP,
        observations=observations(series, kpi_id),
        means=means(mean_rows),
        goals=[local_goal(kpi_id=kpi_id)] if goals is None else goals,
        levels=levels,
    )


def test_rows_are_the_municipality_the_members_in_kolada_s_order_and_the_mean():
    result = compare()
    assert [row.role for row in result.rows] == [MUNICIPALITY, MEMBER, MEMBER, MEMBER, MEAN]
    assert [row.name for row in result.rows[:4]] == [
        "Falun",
        "Oskarshamn",
        "Ängelholm",
        "Trollhättan",
    ]
    assert [row.key for row in result.rows[1:4]] == list(GROUP.member_ids)


def test_each_row_has_its_newest_value_and_year():
    result = compare()
    for row in result.rows[:4]:
        newest = max(SERIES[row.key])
        assert (row.latest_year, row.latest_value) == (newest, SERIES[row.key][newest])
    assert (result.mean.latest_year, result.mean.latest_value) == (2022, 3.5)


def test_the_mean_is_labelled_with_how_many_members_reported_its_newest_year():
    result = compare()
    reported = dict((year, count) for year, _, count in MEANS)[2022]
    assert result.mean.count == reported == 2
    assert result.mean.name == f"Liknande kommuner, ovägt medel, {reported} av 3 kommuner"
    assert mean_label(None, 7) == "ovägt medel, ? av 7 kommuner"


def test_every_status_is_judged_against_the_municipality_s_goal():
    goal = local_goal()
    result = compare()
    assert (result.level, result.goal) == (LOKAL, goal)
    for row in result.rows:
        expected = assess_series(list(row.points), indicator(), goal)
        assert row.assessment == expected
    statuses = {row.key: row.assessment.status for row in result.rows}
    assert statuses["1292"] == Status.UPPNATT  # 1.1 ≤ 1.5
    assert statuses["0882"] == Status.FEL_HALL  # rising while lower is better


def test_the_municipality_s_status_is_the_status_table_s():
    result = compare()
    table = status_table(
        observations(), [local_goal()], [indicator()], area_ids=[FALUN], levels=[LOKAL]
    )
    assert table["status"].tolist() == [str(result.rows[0].assessment.status)]


def test_without_a_goal_at_the_chosen_levels_the_trend_is_judged():
    result = compare(levels=(NATIONELL,))
    assert (result.level, result.goal) == (TREND, None)
    assert result.rows[1].assessment == assess_series(list(result.rows[1].points), indicator())


def test_comparison_goal_takes_the_most_local_chosen_level_with_a_goal_for_the_municipality():
    regional = local_goal(id="regionalt", level=REGIONAL, areas=None, target_value=1.25)
    other_town = local_goal(id="annan", areas=("2081",))
    goals = [regional, other_town]
    assert comparison_goal(goals, FALUN, (LOKAL, REGIONAL), 2023) == (REGIONAL, regional)
    assert comparison_goal([*goals, local_goal()], FALUN, (LOKAL, REGIONAL), 2023)[0] == LOKAL
    assert comparison_goal(goals, FALUN, (LOKAL,), 2023) == (TREND, None)


def test_place_is_counted_in_the_newest_year_the_municipality_and_a_member_share():
    result = compare()
    year = latest_common_year(
        sorted(SERIES[FALUN].items()), [sorted(SERIES[a].items()) for a in GROUP.member_ids]
    )
    # Falun's newest is 2023 and the members' 2022, which Falun lacks: 2021 is shared.
    assert year == 2021 == result.placing.year
    assert latest_common_year([(2023, 2.6)], [[(2022, 1.0)]]) is None


def test_place_is_direction_aware_and_counts_the_municipality_itself():
    series = {**SERIES, FALUN: {**SERIES[FALUN], 2022: 2.8}}
    result = compare(series=series)
    values = {area: series[area][2022] for area in series}
    better = sum(1 for v in values.values() if v < values[FALUN])  # lower is better
    assert result.placing.rank == better + 1 == 3
    assert result.placing.n == len(GROUP.members) + 1 == 4
    assert result.placing.text == "Falun har plats 3 av 4 år 2022, där 1 är bäst (lägre är bättre)."


def test_a_rising_indicator_ranks_the_highest_first():
    up = next(i for i in catalogue_by_id().values() if i.direction == "up" and not i.is_total)
    series = {FALUN: {2022: 50.0}, "0882": {2022: 60.0}, "1292": {2022: 40.0}}
    result = compare(series=series, goals=[], kpi_id=up.kpi_id)
    assert (result.placing.rank, result.placing.n) == (2, 3)
    assert "där 1 är bäst (högre är bättre)" in result.placing.text


def test_equal_values_share_the_better_place():
    series = {FALUN: {2022: 2.0}, "0882": {2022: 2.0}, "1292": {2022: 1.0}}
    result = compare(series=series)
    assert (result.placing.rank, result.placing.n) == (2, 3)


def test_a_total_is_not_ranked_and_says_why():
    total = next(i for i in catalogue_by_id().values() if i.is_total)
    result = compare(goals=[], kpi_id=total.kpi_id)
    assert result.placing.rank is None
    assert result.placing.text == NOT_RANKED_REASON


def test_without_a_desired_direction_the_place_says_it_is_not_a_judgement():
    plain = next(i for i in catalogue_by_id().values() if i.direction == "none" and not i.is_total)
    result = compare(goals=[], kpi_id=plain.kpi_id)
    in_2021 = {area: values[2021] for area, values in SERIES.items()}
    higher = sum(1 for v in in_2021.values() if v > in_2021[FALUN])  # highest first
    assert result.placing.rank == higher + 1 == 2
    assert "räknat från det högsta värdet" in result.placing.text


def test_members_values_not_fetched_still_shows_the_mean_and_says_so():
    result = compare(series={FALUN: SERIES[FALUN]})
    assert not result.member_values_fetched
    assert MEMBER_VALUES_MISSING_TEXT in result.notes
    assert result.mean.latest_value == 3.5
    assert result.mean.assessment.status != Status.EJ_BEDOMBAR
    assert [row.assessment.status for row in result.rows if row.role == MEMBER] == [
        Status.EJ_BEDOMBAR
    ] * 3
    assert result.placing.rank is None
    assert result.placing.text.startswith("Ingen placering")


def test_a_mean_not_stored_is_said():
    result = compare(mean_rows=[])
    assert MEAN_MISSING_TEXT in result.notes
    assert result.mean.name == "Liknande kommuner, ovägt medel, ? av 3 kommuner"
    assert MEAN_MISSING_TEXT not in compare().notes


def test_members_without_values_are_named():
    series = {a: v for a, v in SERIES.items() if a != "1292"}
    result = compare(series=series)
    assert result.missing_members == ("Ängelholm",)
    assert "Värden saknas för Ängelholm." in result.notes
    assert result.placing.n == 3


def test_the_notes_say_the_lists_are_one_way_and_what_the_comparison_includes():
    notes = " ".join(compare().notes)
    assert "Listorna är enkelriktade" in notes
    assert "Faluns lista" in notes
    assert "Jämförelsen omfattar Falun själv och de 3 liknande kommunerna" in notes
    assert genitive("Bollnäs") == "Bollnäs"


def test_series_helpers_drop_missing_values_and_sort_by_year():
    frame = pd.DataFrame(
        [(KPI, FALUN, 2020, "T", None), (KPI, FALUN, 2019, "T", 1.0), (KPI, FALUN, 2019, "K", 9.0)],
        columns=["kpi_id", "area_id", "year", "gender", "value"],
    )
    assert area_points(frame, FALUN, "T") == [(2019, 1.0)]
    points, counts = mean_points(means([(2020, None, 0), (2019, 2.0, 5)]), GROUP.id, "T")
    assert (points, counts) == ([(2019, 2.0)], {2019: 5})


@pytest.mark.parametrize("gender", ["K"])
def test_another_gender_reads_that_gender_s_rows(gender):
    frame = observations()
    frame = pd.concat([frame, frame.assign(gender=gender, value=frame["value"] * 2)])
    result = compare_with_similar(
        replace(indicator(), is_divided_by_gender=True),
        area_id=FALUN,
        area_name="Falun",
        group=GROUP,
        observations=frame,
        means=means(),
        goals=[],
        gender=gender,
    )
    assert result.rows[0].latest_value == SERIES[FALUN][2023] * 2
    assert result.mean.points == ()  # the mean was stored for the total only
