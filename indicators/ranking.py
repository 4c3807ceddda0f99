"""Relative position: how an area's value stands among other areas' values (Kolada style).

This is a different question from progress (:mod:`indicators.progress`): the best third is only
better than the others, not necessarily good, and the worst third may still meet its goal.
Show :data:`RELATIVE_POSITION_NOTE` wherever the thirds are shown.

Ranking: rank 1 is the best value given the KPI's desired direction (highest for "up",
lowest for "down"); equal values share the lower (better) rank, so ranks go 1, 2, 2, 4
("competition ranking"). Areas without a value get no rank. With no desired direction the
areas are ordered by value, highest first, but not placed in thirds.

Thirds: of ``n`` areas with a value, the upper and the lower third each hold
``(n + 1) // 3`` positions (n/3 rounded to the nearest whole number) and the middle third the
rest, so the split is symmetric and a reversed direction swaps upper and lower:
n = 15 → 5 + 5 + 5, n = 16 → 5 + 6 + 5, n = 17 → 6 + 5 + 6, n = 2 → 1 + 0 + 1, n = 1 → the
middle. Tied areas are placed by the midpoint of the positions they share, so they always land
in the same third and, when all values are equal, all are in the middle third.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

#: Shown with every relative-position colouring.
RELATIVE_POSITION_NOTE = (
    "Färgen visar hur resultatet står sig jämfört med andra, inte om det är bra."
)

UPPER_THIRD = "övre tredjedelen"
MIDDLE_THIRD = "mellersta tredjedelen"
LOWER_THIRD = "nedre tredjedelen"
NO_VALUE = "saknar värde"
NO_DIRECTION = "ingen riktning"

RANKING_DIRECTIONS: tuple[str, ...] = ("up", "down", "none")


@dataclass(frozen=True)
class ThirdStyle:
    """How a relative position is shown: icon and label besides the colour.

    The colours are Paul Tol's high-contrast scheme (blue, yellow, red: readable with colour
    blindness and in greyscale) and deliberately differ from the progress status colours.
    ``text_colour`` gives text on the fill a contrast of at least 4.5:1.
    """

    icon: str
    label_sv: str
    label_en: str
    colour: str
    text_colour: str
    order: int


THIRD_STYLE: dict[str, ThirdStyle] = {
    UPPER_THIRD: ThirdStyle("▲", "Övre tredjedelen", "Top third", "#004488", "#FFFFFF", 1),
    MIDDLE_THIRD: ThirdStyle("◆", "Mellersta tredjedelen", "Middle third", "#DDAA33", "#000000", 2),
    LOWER_THIRD: ThirdStyle("▼", "Nedre tredjedelen", "Bottom third", "#BB5566", "#000000", 3),
    NO_DIRECTION: ThirdStyle("○", "Ingen riktning", "No direction", "#DDDDDD", "#000000", 4),
    NO_VALUE: ThirdStyle("–", "Saknar värde", "No value", "#BBBBBB", "#000000", 5),
}


@dataclass(frozen=True)
class RankedArea:
    """One area's place among the areas compared.

    ``third`` is one of the three third labels, "saknar värde" without a value, or None when
    the KPI has no desired direction; ``label`` is always a text to show.
    """

    area_id: str
    value: float | None
    rank: int | None
    n: int
    third: str | None
    label: str

    @property
    def style(self) -> ThirdStyle:
        return THIRD_STYLE[self.label]


def third_sizes(n: int) -> tuple[int, int, int]:
    """How many positions the upper, middle and lower third hold among ``n`` areas."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    outer = (n + 1) // 3
    return outer, n - 2 * outer, outer


def third_of(position: float, n: int) -> str:
    """The third of a 1-based position (may be a tie midpoint such as 6.5) among ``n`` areas."""
    upper, _middle, lower = third_sizes(n)
    if position <= upper:
        return UPPER_THIRD
    if position >= n - lower + 1:
        return LOWER_THIRD
    return MIDDLE_THIRD


def _clean(area_id: str, value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"value for area {area_id}: expected a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"value for area {area_id}: expected a number, got {value!r}") from None
    return None if math.isnan(number) else number


def rank_areas(values: Mapping[str, float | None], direction: str) -> list[RankedArea]:
    """Rank areas by value given the desired direction ("up", "down" or "none").

    Returns every area, ranked ones first (by rank, then area id), then those without a value.
    """
    if direction not in RANKING_DIRECTIONS:
        raise ValueError(f"direction must be 'up', 'down' or 'none', got {direction!r}")
    cleaned = {area_id: _clean(area_id, value) for area_id, value in values.items()}
    present = [(a, v) for a, v in cleaned.items() if v is not None]
    missing = sorted(a for a, v in cleaned.items() if v is None)
    best_first = direction != "down"  # "up" and "none": highest value first
    present.sort(key=lambda item: (-item[1] if best_first else item[1], item[0]))
    n = len(present)

    ranked: list[RankedArea] = []
    start = 0
    while start < n:
        end = start
        while end + 1 < n and present[end + 1][1] == present[start][1]:
            end += 1
        rank = start + 1
        midpoint = (start + 1 + end + 1) / 2
        third = third_of(midpoint, n) if direction != "none" else None
        for area_id, value in present[start : end + 1]:
            ranked.append(
                RankedArea(area_id, value, rank, n, third, third if third else NO_DIRECTION)
            )
        start = end + 1
    ranked.extend(RankedArea(a, None, None, n, NO_VALUE, NO_VALUE) for a in missing)
    return ranked
