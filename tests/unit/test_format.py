"""Swedish number and date formatting."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.numbers import format_decimal

from indicators.formatting import (
    format_annual_change,
    format_date,
    format_datetime,
    format_number,
    format_signed,
    is_missing,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234567.891, 1, f"1{NBSP}234{NBSP}567,9"),
        (-1234.5, 2, f"−1{NBSP}234,50"),
        (0.05, 0, "0"),
        (-0.04, 1, "0,0"),
        (999.96, 1, f"1{NBSP}000,0"),
        (12, 0, "12"),
        (None, 1, "–"),
        (float("nan"), 1, "–"),
    ],
)
def test_numbers_are_written_the_swedish_way(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize("value", [0.125, 2.675, -1e6 / 3, 1e9 + 0.5, 123.455, -0.0049])
@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
def test_numbers_agree_with_babels_swedish_locale(value, decimals):
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    expected = format_decimal(value, format=pattern, locale="sv_SE").replace("-", "−")
    if expected.startswith("−") and set(expected[1:]) <= set("0,"):
        expected = expected[1:]
    assert format_number(value, decimals) == expected


def test_changes_carry_a_sign_unless_they_round_to_zero():
    assert format_signed(2.54) == "+2,5"
    assert format_signed(-1.0) == "−1,0"
    assert format_signed(-0.01) == "0,0"
    assert format_annual_change(-0.0234) == "−2,3 % per år"


def test_times_are_shown_in_swedish_local_time():
    stored = dt.datetime(2026, 6, 30, 22, 30)  # naive UTC, as stored: 00:30 next day in summer
    assert format_date(stored) == "1 juli 2026"
    assert format_datetime(stored) == "1 juli 2026 kl. 00:30"
    assert format_date(dt.date(2026, 3, 1)) == "1 mars 2026"


@pytest.mark.parametrize(
    ("value", "missing"),
    [(None, True), (float("nan"), True), (0.0, False), (3, False), ("osäker", False)],
)
def test_is_missing_means_none_or_nan(value, missing):
    assert is_missing(value) is missing
