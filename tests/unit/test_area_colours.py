"""One style per area: stable, told apart by more than colour, safe for colour blindness."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from data.areas import DALARNA_MUNICIPALITIES, DEFAULT_AREAS, REGION_DALARNA, RIKET
from indicators.area_colours import (
    AREA_STYLES,
    PALETTE,
    AreaStyle,
    area_colour,
    area_style,
    is_reference,
)
from indicators.vocabulary import GOAL_LEVELS, LEVELS

HEX = re.compile(r"#[0-9A-F]{6}")


def test_every_followed_area_has_a_style_of_its_own():
    assert set(AREA_STYLES) == set(DEFAULT_AREAS)
    styles = [(area_style(a).colour, area_style(a).symbol) for a in DEFAULT_AREAS]
    assert len(set(styles)) == len(DEFAULT_AREAS)
    # the marker alone tells every area apart, whatever the colour
    assert len({area_style(a).symbol for a in DEFAULT_AREAS}) == len(DEFAULT_AREAS)
    for area_id in DEFAULT_AREAS:
        assert HEX.fullmatch(area_colour(area_id)), area_id
        assert area_colour(area_id) == area_style(area_id).colour


def test_styles_are_stable_whatever_else_is_asked_for():
    before = {area_id: area_style(area_id) for area_id in DEFAULT_AREAS}
    for area_id in reversed(list(DEFAULT_AREAS)):
        area_style(area_id)
    area_style("1280")  # another area in between changes nothing
    assert {area_id: area_style(area_id) for area_id in DEFAULT_AREAS} == before
    assert area_style("2080") == AreaStyle("#0072B2", "circle")  # Falun: blue, round


def test_municipalities_take_the_palette_and_references_their_own_styles():
    for area_id in DALARNA_MUNICIPALITIES:
        style = area_style(area_id)
        assert style.colour in PALETTE and not style.reference and not is_reference(area_id)
    region, riket = area_style(REGION_DALARNA), area_style(RIKET)
    assert (region.colour, riket.colour) == ("#000000", "#595959")
    assert (region.symbol, riket.symbol) == ("square", "diamond")
    assert region.reference and riket.reference and is_reference(RIKET)
    municipal = [area_style(a) for a in DALARNA_MUNICIPALITIES]
    assert {region.colour, riket.colour}.isdisjoint(s.colour for s in municipal)
    assert {region.symbol, riket.symbol}.isdisjoint(s.symbol for s in municipal)
    assert min(region.width, riket.width) > max(s.width for s in municipal)


def test_the_seven_largest_towns_have_colours_no_other_of_them_has():
    largest = ("2080", "2081", "2062", "2085", "2084", "2029", "2083")
    assert len({area_colour(a) for a in largest}) == len(largest) == len(PALETTE)
    # every colour is used, and by at most three municipalities
    counts = [sum(area_colour(a) == colour for a in DALARNA_MUNICIPALITIES) for colour in PALETTE]
    assert min(counts) >= 1 and max(counts) <= 3


def test_lines_are_solid_so_they_never_look_like_goal_lines():
    goal_dashes = {LEVELS[level].line_dash for level in GOAL_LEVELS}
    for area_id in DEFAULT_AREAS:
        assert area_style(area_id).dash == "solid"
        assert area_style(area_id).dash not in goal_dashes


@pytest.mark.parametrize("area_id", ["1280", "0180", "2480"])
def test_another_area_gets_a_palette_style_that_stays_the_same(area_id):
    style = area_style(area_id)
    assert style == area_style(area_id)
    assert style.colour in PALETTE and not style.reference


# --- colour blindness -------------------------------------------------------------------------

#: Machado, Oliveira & Fernandes (2009), severity 1, on linear RGB.
CVD = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}


def _linear(colour: str) -> np.ndarray:
    srgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = np.array(
        [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    ) @ np.clip(linear, 0, 1)
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", list(CVD))
def test_no_two_colours_look_alike_with_colour_blindness(vision):
    """Every pair of the municipalities' and references' colours stays at least 15 CIELAB units
    apart as people with each kind of dichromacy see them (simulated)."""
    colours = sorted({area_colour(a) for a in DEFAULT_AREAS})
    seen = {c: _lab(CVD[vision] @ _linear(c)) for c in colours}
    distances = {
        (a, b): float(np.linalg.norm(seen[a] - seen[b]))
        for a, b in itertools.combinations(colours, 2)
    }
    closest = min(distances, key=distances.__getitem__)
    assert distances[closest] >= 15, (vision, closest, distances[closest])
