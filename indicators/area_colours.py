"""One style per area, the same on every page: its colour, marker symbol, line dash and width.

A municipality keeps its colour and marker wherever it is drawn (the indicator chart, Jämför,
Målkonflikter), whichever other areas are shown beside it, so that Falun is the same blue line
with round markers on every page.

Colours come from the Okabe–Ito palette, which stays distinguishable with the common forms of
colour blindness (yellow is left out: too pale for a line on white; black is Region Dalarna's),
and Paul Tol's indigo, whose pairs with the others and the references stay apart as well.
Seven colours cannot tell 15 municipalities apart, so colour is never the only cue: every
municipality has a marker symbol of its own, and a municipality's colour is shared only with
municipalities far from it in the county (Falun's blue with Älvdalen's), which are seldom
compared. The references have fixed styles no municipality has: Region Dalarna a black, Riket a
dark grey, thicker line with square and diamond markers.

Every area's line is solid: on the indicator chart dashes mark the goal levels
(:data:`indicators.vocabulary.LEVELS`), so an area drawn dashed would read as a goal.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from data.areas import DALARNA_MUNICIPALITIES, REGION_DALARNA, RIKET

#: The municipalities' colours: Okabe–Ito blue, vermilion, bluish green, reddish purple,
#: orange and sky blue, and Tol's indigo.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#332288",
)
#: The municipalities' marker symbols (Plotly's names), one each; "square" and "diamond" are
#: the references'.
SYMBOLS: tuple[str, ...] = (
    "circle",
    "triangle-up",
    "x",
    "star",
    "triangle-down",
    "pentagon",
    "cross",
    "hexagon",
    "triangle-left",
    "hourglass",
    "triangle-right",
    "star-triangle-up",
    "bowtie",
    "hexagram",
    "star-diamond",
)
REFERENCE_SYMBOLS: tuple[str, ...] = ("square", "diamond")
#: The line of every area (dashes are the goal levels').
AREA_DASH = "solid"
MUNICIPALITY_WIDTH = 2.0
REFERENCE_WIDTH = 3.0


@dataclass(frozen=True)
class AreaStyle:
    """How one area is drawn: ``colour`` (hex), Plotly ``symbol`` and ``dash``, line
    ``width``; ``reference`` for Region Dalarna and Riket."""

    colour: str
    symbol: str
    dash: str = AREA_DASH
    width: float = MUNICIPALITY_WIDTH
    reference: bool = False


def _municipality(colour: int, symbol: int) -> AreaStyle:
    return AreaStyle(PALETTE[colour], SYMBOLS[symbol])


#: Every followed area's style. The seven largest towns each have a colour no other of them
#: has; every other municipality shares one with a town in another part of the county (the
#: south-east's with the north-west's), and each has a marker of its own.
AREA_STYLES: dict[str, AreaStyle] = {
    "2080": _municipality(0, 0),  # Falun: blue, circle
    "2081": _municipality(1, 1),  # Borlänge: vermilion, triangle up
    "2062": _municipality(2, 2),  # Mora: bluish green, x
    "2085": _municipality(3, 3),  # Ludvika: reddish purple, star
    "2084": _municipality(4, 4),  # Avesta: orange, triangle down
    "2029": _municipality(5, 5),  # Leksand: sky blue, pentagon
    "2083": _municipality(6, 6),  # Hedemora: indigo, cross
    "2039": _municipality(0, 7),  # Älvdalen: blue, hexagon
    "2034": _municipality(1, 8),  # Orsa: vermilion, triangle left
    "2082": _municipality(2, 9),  # Säter: bluish green, hourglass
    "2031": _municipality(3, 10),  # Rättvik: reddish purple, triangle right
    "2023": _municipality(4, 11),  # Malung-Sälen: orange, star triangle
    "2061": _municipality(5, 12),  # Smedjebacken: sky blue, bowtie
    "2021": _municipality(6, 13),  # Vansbro: indigo, hexagram
    "2026": _municipality(4, 14),  # Gagnef: orange, star diamond
    REGION_DALARNA: AreaStyle("#000000", "square", width=REFERENCE_WIDTH, reference=True),
    RIKET: AreaStyle("#595959", "diamond", width=REFERENCE_WIDTH, reference=True),
}

if set(AREA_STYLES) != {*DALARNA_MUNICIPALITIES, REGION_DALARNA, RIKET}:  # pragma: no cover
    raise RuntimeError("AREA_STYLES must name exactly the followed areas")


def area_style(area_id: str) -> AreaStyle:
    """The area's style: its own for the 17 followed areas; for any other area (a
    municipality elsewhere in Sweden) one taken from its code, the same every time."""
    style = AREA_STYLES.get(area_id)
    if style is not None:
        return style
    code = zlib.crc32(area_id.encode("utf-8"))
    return AreaStyle(PALETTE[code % len(PALETTE)], SYMBOLS[code % len(SYMBOLS)])


def area_colour(area_id: str) -> str:
    """The area's colour as ``#RRGGBB``."""
    return area_style(area_id).colour


def is_reference(area_id: str) -> bool:
    """Region Dalarna and Riket: drawn as references, not as one of the municipalities."""
    return area_style(area_id).reference
