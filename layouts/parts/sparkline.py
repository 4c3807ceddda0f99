"""Sparklines: one series as a small, light SVG image (no Plotly graph per row).

A page that lists a hundred indicators draws a hundred sparklines; a Plotly graph each would be
heavy, so each sparkline is a few hundred bytes of SVG shown in an ``<img>`` whose ``alt`` text
says what the line shows (first and latest value, missing years).

Gaps are gaps: a point whose value is ``None`` (a year Kolada lists without a value) breaks the
line; a lone value between gaps is drawn as a dot. Years absent from the series altogether are
not gaps (some indicators are published every other year) – the line joins their neighbours.
"""

from __future__ import annotations

import html as html_text
import math
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from dash import html

from indicators.formatting import format_number

Point = tuple[int, float | None]  # (year, value or None)
ScreenPoint = tuple[float, float]

LINE_COLOUR = "#004488"
MISSING_COLOUR = "#767676"


@dataclass(frozen=True)
class SparklineBox:
    """Size of a sparkline in pixels; ``padding`` keeps the line and dots off the edges."""

    width: float = 120.0
    height: float = 32.0
    padding: float = 3.0


DEFAULT_BOX = SparklineBox()


def _is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _clean(points: Sequence[Point]) -> list[Point]:
    """Points sorted by year with NaN turned into None."""
    return [
        (int(year), None if _is_missing(value) else float(value))
        for year, value in sorted(points, key=lambda p: p[0])
    ]


def sparkline_segments(
    points: Sequence[Point],
    *,
    years: tuple[int, int] | None = None,
    box: SparklineBox = DEFAULT_BOX,
) -> list[list[ScreenPoint]]:
    """The unbroken runs of a series in screen coordinates (x right, y down).

    ``years`` fixes the horizontal range (e.g. the same first and last year for every row of a
    list, so that the lines can be compared); by default it is the series' own first and last
    year. The vertical range is the series' own lowest and highest value; a flat series (or a
    single value) lies on the middle line, a single year in the middle column.
    """
    cleaned = _clean(points)
    values = [v for _, v in cleaned if v is not None]
    if not values:
        return []
    if years is None:
        years = (cleaned[0][0], cleaned[-1][0])
    first_year, last_year = years
    low, high = min(values), max(values)
    inner_w = box.width - 2 * box.padding
    inner_h = box.height - 2 * box.padding

    def x_of(year: int) -> float:
        if last_year == first_year:
            return box.width / 2
        return box.padding + (year - first_year) / (last_year - first_year) * inner_w

    def y_of(value: float) -> float:
        if high == low:
            return box.height / 2
        return box.padding + (high - value) / (high - low) * inner_h

    segments: list[list[ScreenPoint]] = []
    current: list[ScreenPoint] = []
    for year, value in cleaned:
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append((x_of(year), y_of(value)))
    if current:
        segments.append(current)
    return segments


def _coordinate(number: float) -> str:
    text = f"{number:.1f}"
    return text[:-2] if text.endswith(".0") else text


def sparkline_path(segments: Sequence[Sequence[ScreenPoint]]) -> str:
    """An SVG path ``d`` drawing every run of two or more points (``Mx,yLx,y…``)."""
    parts: list[str] = []
    for segment in segments:
        if len(segment) < 2:
            continue
        commands = [
            f"{'M' if i == 0 else 'L'}{_coordinate(x)},{_coordinate(y)}"
            for i, (x, y) in enumerate(segment)
        ]
        parts.append("".join(commands))
    return "".join(parts)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
    )


def sparkline_svg(
    points: Sequence[Point],
    *,
    label: str = "",
    years: tuple[int, int] | None = None,
    box: SparklineBox = DEFAULT_BOX,
    colour: str = LINE_COLOUR,
) -> str:
    """The sparkline as a standalone SVG document: the line, dots for lone values, and a
    larger dot on the latest value; a series without values is a dashed grey line.

    A ``label`` becomes the SVG's title and aria-label (leave it out when the SVG is shown in
    an ``<img>`` whose ``alt`` says the same). Attributes are single-quoted so the document
    stays short inside JSON and data URIs.
    """
    segments = sparkline_segments(points, years=years, box=box)
    c = _coordinate
    w, h = c(box.width), c(box.height)
    title = _escape(label)
    labelled = f" role='img' aria-label='{title}'" if label else ""
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{w}' height='{h}'{labelled}>"]
    if label:
        parts.append(f"<title>{title}</title>")
    if not segments:
        y = c(box.height / 2)
        parts.append(
            f"<path d='M{c(box.padding)},{y}H{c(box.width - box.padding)}' "
            f"stroke='{MISSING_COLOUR}' stroke-dasharray='3 3'/>"
        )
    else:
        path = sparkline_path(segments)
        if path:
            parts.append(
                f"<path d='{path}' fill='none' stroke='{colour}' stroke-width='1.5' "
                "stroke-linejoin='round'/>"
            )
        for segment in segments:
            if len(segment) == 1:
                x, y = segment[0]
                parts.append(f"<circle cx='{c(x)}' cy='{c(y)}' r='1.5' fill='{colour}'/>")
        x, y = segments[-1][-1]
        parts.append(f"<circle cx='{c(x)}' cy='{c(y)}' r='2.5' fill='{colour}'/>")
    parts.append("</svg>")
    return "".join(parts)


def sparkline_description(points: Sequence[Point], *, decimals: int = 1, unit: str = "") -> str:
    """What the line shows, in words: first and latest value and any years without a value."""
    cleaned = _clean(points)
    present = [(y, v) for y, v in cleaned if v is not None]
    if not present:
        return "Inga värden"
    suffix = f" {unit}" if unit else ""
    first_year, first_value = present[0]
    last_year, last_value = present[-1]
    if first_year == last_year:
        text = f"Ett värde: {format_number(last_value, decimals)}{suffix} ({last_year})"
    else:
        text = (
            f"Från {format_number(first_value, decimals)}{suffix} ({first_year}) "
            f"till {format_number(last_value, decimals)}{suffix} ({last_year})"
        )
    missing = [y for y, v in cleaned if v is None and first_year < y < last_year]
    if missing:
        years = ", ".join(str(y) for y in missing)
        text += f"; värde saknas för {years}"
    return text


def sparkline_src(
    points: Sequence[Point],
    *,
    years: tuple[int, int] | None = None,
    box: SparklineBox = DEFAULT_BOX,
) -> str:
    """The sparkline as an SVG data URI (``#`` and ``<`` escaped)."""
    svg = sparkline_svg(points, years=years, box=box)
    return "data:image/svg+xml;charset=utf-8," + quote(svg, safe="=:/,'.")


def sparkline_html(
    points: Sequence[Point],
    *,
    decimals: int = 1,
    unit: str = "",
    years: tuple[int, int] | None = None,
    box: SparklineBox = DEFAULT_BOX,
    class_name: str = "sparkline",
) -> str:
    """The sparkline as an ``<img …/>`` element in markup (for lists rendered as one block of
    HTML); the alt text describes the series."""
    description = html_text.escape(
        sparkline_description(points, decimals=decimals, unit=unit), quote=True
    )
    src = html_text.escape(sparkline_src(points, years=years, box=box), quote=True)
    return (
        f'<img src="{src}" alt="{description}" title="{description}" '
        f'width="{int(box.width)}" height="{int(box.height)}" class="{class_name}"/>'
    )


def sparkline_image(
    points: Sequence[Point],
    *,
    decimals: int = 1,
    unit: str = "",
    years: tuple[int, int] | None = None,
    box: SparklineBox = DEFAULT_BOX,
    className: str = "sparkline",
) -> html.Img:
    """The sparkline as an ``<img>`` (an SVG data URI) whose alt text describes the series."""
    description = sparkline_description(points, decimals=decimals, unit=unit)
    return html.Img(
        src=sparkline_src(points, years=years, box=box),
        alt=description,
        title=description,
        width=int(box.width),
        height=int(box.height),
        className=className,
    )
