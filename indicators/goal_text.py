"""A goal in words: what a goal aims at, in Swedish, said the same way on every page.

:func:`goal_in_words` is the one implementation. Places differ only in a few deliberate ways –
a chart legend is short and unit-less, the Mål page's list writes the comparison as a sign, an
area's profile writes it as a word – and each such way is a named :class:`GoalForm`:

* :data:`CHART` – figure legends and hover texts and the Indikator page's tables:
  ``≤ 1,25 till 2045``, ``−70 % från 2010 till 2030``, ``mellan 40 och 60``, ``ska minska``.
* :data:`CATALOGUE` – the Mål page's goal list and change log: ``≤ 1,5 ton CO2-ekv/inv till
  2030``, ``0 % (ingen ökning) från 2010``, ``40–60 %``.
* :data:`PROFILE` – an area's profile tables: ``högst 1,5 ton CO2-ekv/inv år 2030``, ``ingen
  ökning från 2010``, ``40–60 %``.
* :data:`LINE` – one line of ``python -m etl goals list``: ``högst 1,5 år 2030``,
  ``mellan 40 och 60 år 2030``, ``ska minska till 2030``.

Numbers are written as the goal gives them (:func:`goal_number`): no trailing zeros, as many
decimals as the goal has (up to three, or the indicator's own if more). The words come from
:mod:`indicators.vocabulary`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from indicators.formatting import MINUS, MISSING, format_number
from indicators.vocabulary import ABSOLUTE, BAND, DIRECTIONS, DOWN, OPERATORS, RELATIVE

#: How the source of an EU target begins (EU targets are listed among the national goals).
EU_GOAL_MARK = "EU-mål:"
#: Units written as "%" after a number.
PERCENT_UNITS: tuple[str, ...] = ("andel (%)", "procent", "%")
#: Said of a direction goal whose direction is missing.
UNKNOWN_DIRECTION = "riktning"


class Goal(Protocol):
    """The fields of a goal record that its words are made of."""

    @property
    def kind(self) -> str: ...
    @property
    def operator(self) -> str | None: ...
    @property
    def target_value(self) -> float | None: ...
    @property
    def relative_change(self) -> float | None: ...
    @property
    def band_low(self) -> float | None: ...
    @property
    def band_high(self) -> float | None: ...
    @property
    def direction(self) -> str | None: ...
    @property
    def base_year(self) -> int | None: ...
    @property
    def target_year(self) -> int | None: ...


@dataclass(frozen=True)
class GoalForm:
    """How one kind of place puts a goal in words.

    ``signs``: a level goal's comparison as a sign (``≤ 1,5``), else as a word (``högst 1,5``).
    ``units``: the indicator's unit after a level or an interval (``1,5 ton``, ``40–60 %``).
    ``band_words``: an interval in words (``mellan 40 och 60``), else with a dash (``40–60``).
    ``year_word``: before the target year of a level, change or interval goal (``till 2030``,
    ``år 2030``); a direction goal always says ``till``.
    ``steady_words``: a change of 0 % in words alone (``ingen ökning``), else as the per cent
    with the words in brackets (``0 % (ingen ökning)``).
    """

    signs: bool
    units: bool
    band_words: bool
    year_word: str
    steady_words: bool


CHART = GoalForm(signs=True, units=False, band_words=True, year_word="till", steady_words=False)
CATALOGUE = GoalForm(signs=True, units=True, band_words=False, year_word="till", steady_words=False)
PROFILE = GoalForm(signs=False, units=True, band_words=False, year_word="år", steady_words=True)
LINE = GoalForm(signs=False, units=False, band_words=True, year_word="år", steady_words=True)


def display_unit(unit: str | None) -> str:
    """The unit as written after a number: ``andel (%)`` → ``%``, others as they are."""
    unit = (unit or "").strip()
    return "%" if unit in PERCENT_UNITS else unit


def goal_number(value: float | None, decimals: int = 0) -> str:
    """A goal's number as written: ``40`` → ``"40"``, ``1.25`` → ``"1,25"``, ``-3`` →
    ``"−3"``; no more decimals than it has, up to three (or ``decimals``, if more); ``None`` →
    ``"–"``."""
    if value is None:
        return MISSING
    most = max(decimals, 3)
    for places in range(most + 1):
        if math.isclose(round(value, places), value, abs_tol=1e-12):
            return format_number(value, places)
    return format_number(value, most)


def percent_change(fraction: float) -> str:
    """A relative change (−0.7) as ``"−70 %"``; an increase has a plus sign."""
    sign = "" if fraction == 0 else ("+" if fraction > 0 else MINUS)
    return f"{sign}{goal_number(abs(fraction) * 100)} %"


def _with_unit(number: str, unit: str, form: GoalForm) -> str:
    shown = display_unit(unit) if form.units else ""
    return f"{number} {shown}" if shown else number


def _level(goal: Goal, form: GoalForm, unit: str, decimals: int, direction: str | None) -> str:
    """``≤ 1,5 ton`` / ``högst 1,5 ton``; without an operator, the desired direction (the
    goal's, else the indicator's) decides."""
    operator = OPERATORS.get(goal.operator or "")
    if operator is None:
        wanted = goal.direction or direction
        operator = next((op for op in OPERATORS.values() if op.direction == wanted), None)
    number = _with_unit(goal_number(goal.target_value, decimals), unit, form)
    if operator is None:
        return number
    return f"{operator.sign if form.signs else operator.word} {number}"


def _change(goal: Goal, form: GoalForm, direction: str | None, target: str | None) -> str:
    """``−70 % från 2010`` / ``0 % (ingen ökning) från 2010`` / ``ingen ökning från 2010``,
    with the area's computed target in brackets when given."""
    change = goal.relative_change or 0.0
    if change == 0:
        steady = DIRECTIONS.get(goal.direction or direction or "", DIRECTIONS[DOWN]).steady
        text = steady if form.steady_words else f"{percent_change(change)} ({steady})"
    else:
        text = percent_change(change)
    if goal.base_year is not None:
        text += f" från {goal.base_year}"
    if target:
        text += f" ({target})"
    return text


def _band(goal: Goal, form: GoalForm, unit: str, decimals: int) -> str:
    low, high = goal_number(goal.band_low, decimals), goal_number(goal.band_high, decimals)
    band = f"mellan {low} och {high}" if form.band_words else f"{low}–{high}"
    return _with_unit(band, unit, form)


def goal_in_words(
    goal: Goal,
    form: GoalForm = CATALOGUE,
    *,
    unit: str = "",
    decimals: int = 0,
    direction: str | None = None,
    target: str | None = None,
    with_year: bool = True,
) -> str:
    """What ``goal`` aims at, in ``form``: ``≤ 1,5 ton CO2-ekv/inv till 2030``, ``högst 1,5 ton
    CO2-ekv/inv år 2030``, ``−70 % från 2010 till 2030``, ``40–60 %``, ``ska minska till 2030``.

    ``unit``, ``decimals`` and ``direction`` are the indicator's (its unit, its decimals and its
    desired direction, which stands in where the goal gives none); ``target`` is an area's
    computed target for a change goal, already formatted; ``with_year=False`` leaves the target
    year out (a table with a year column).
    """
    year = goal.target_year if with_year else None
    if goal.kind == ABSOLUTE:
        text = _level(goal, form, unit, decimals, direction)
    elif goal.kind == RELATIVE:
        text = _change(goal, form, direction, target)
    elif goal.kind == BAND:
        text = _band(goal, form, unit, decimals)
    else:
        known = DIRECTIONS.get(goal.direction or "")
        word = known.change if known is not None else UNKNOWN_DIRECTION
        return f"{word} till {year}" if year is not None else word
    return f"{text} {form.year_word} {year}" if year is not None else text


def source_site(url: str) -> str:
    """The site a source address is on, as a link to it is named: ``"aftonbladet.se"`` for
    ``https://www.aftonbladet.se/…``; the address itself when it names no site."""
    host = urlsplit(url).hostname or ""
    host = host.removeprefix("www.")
    return host or url
