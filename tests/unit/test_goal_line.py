"""Goal lines of level goals without a base year (:func:`indicators.progress.goal_line`): the
line never makes a "minst 80 %" goal look like a goal to decline."""

from __future__ import annotations

import pytest

from indicators.progress import GoalSpec, goal_line

DEFAULT_BASE = 2015


def level(operator: str, target: float, target_year: int = 2030, base_year=None) -> GoalSpec:
    return GoalSpec(
        kind="absolute",
        operator=operator,
        target_value=target,
        direction="up" if operator == ">=" else "down",
        base_year=base_year,
        target_year=target_year,
    )


def straight(start: tuple[int, float], end: tuple[int, float]) -> list[tuple[int, float]]:
    """The yearly points of the straight line between two points."""
    (y0, v0), (y1, v1) = start, end
    return [(y, v0 + (v1 - v0) * (y - y0) / (y1 - y0)) for y in range(y0, y1 + 1)]


def assert_line(line, expected) -> None:
    assert [year for year, _ in line] == [year for year, _ in expected]
    for (_, value), (_, wanted) in zip(line, expected, strict=True):
        assert value == pytest.approx(wanted)


def test_a_target_already_met_is_drawn_as_the_level_from_the_latest_year():
    """Orsa at 97 % with "minst 80 %": a flat line at 80 from the latest year, not a line
    falling from 97 towards 80."""
    series = {2015: 90.0, 2020: 95.0, 2023: 97.0}
    target = 80.0
    line = goal_line(level(">=", target), series)
    latest_year = max(series)
    assert_line(line, [(year, target) for year in range(latest_year, 2030 + 1)])
    assert all(value <= series[latest_year] for _, value in line)


def test_a_line_from_the_base_that_would_point_the_wrong_way_starts_at_the_latest_value():
    """The 2015 value met "minst 80" but the latest does not: the line rises from the latest
    value to the target instead of falling from the 2015 value."""
    series = {2015: 85.0, 2020: 78.0, 2023: 75.0}
    target = 80.0
    line = goal_line(level(">=", target), series)
    assert_line(line, straight((2023, series[2023]), (2030, target)))
    values = [value for _, value in line]
    assert values == sorted(values)  # it points up, the goal's way


def test_the_same_for_a_goal_of_at_most():
    """Lower is better: "högst 2" with 1,5 now is the level 2; a base below 2 with a latest
    value above it starts at the latest value and falls."""
    met = goal_line(level("<=", 2.0), {2015: 3.0, 2022: 1.5})
    assert_line(met, [(year, 2.0) for year in range(2022, 2031)])
    wrong_way = {2015: 1.8, 2022: 2.6}
    line = goal_line(level("<=", 2.0), wrong_way)
    assert_line(line, straight((2022, wrong_way[2022]), (2030, 2.0)))


def test_a_line_the_right_way_from_the_base_is_kept():
    series = {2015: 60.0, 2023: 70.0}
    line = goal_line(level(">=", 80.0), series)
    assert_line(line, straight((DEFAULT_BASE, series[DEFAULT_BASE]), (2030, 80.0)))


def test_a_goal_with_a_base_year_keeps_its_base():
    """A base year is part of the goal: its line starts there whatever the values."""
    series = {2015: 90.0, 2023: 97.0}
    line = goal_line(level(">=", 80.0, base_year=2015), series)
    assert_line(line, straight((2015, series[2015]), (2030, 80.0)))


def test_a_passed_target_year_draws_the_level_over_the_goals_years():
    """The target year is before the latest value: the line cannot start there, so a base
    that already met the target gives the level from the base year to the target year."""
    series = {2015: 45.0, 2023: 38.0}
    target = 40.0
    line = goal_line(level(">=", target, target_year=2020), series)
    assert_line(line, [(year, target) for year in range(DEFAULT_BASE, 2020 + 1)])


def test_relative_goals_are_unchanged():
    """A change goal has a base year and its target follows from the base value."""
    spec = GoalSpec(kind="relative", relative_change=-0.5, base_year=2015, target_year=2030)
    series = {2015: 10.0, 2023: 12.0}
    line = goal_line(spec, series)
    assert_line(line, straight((2015, 10.0), (2030, 10.0 * (1 - 0.5))))
