"""Figures and tables for comparing areas (Jämför) and indicators (Målkonflikter).

Pure builders: tidy DataFrames and catalogue entries in, a ``go.Figure`` or a DataFrame out;
nothing here reads the database. Every figure sets Swedish number formatting
(``layout.separators``), preformatted hover texts, shows gaps as gaps and tells areas apart by
marker symbol and dash as well as by colour (Okabe–Ito, safe for colour blindness).
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from data.areas import REGION_DALARNA, RIKET
from indicators.catalogue import Indicator
from indicators.conflicts import CorrelationResult, format_coefficient, in_sentence
from indicators.formatting import MISSING, PLOTLY_SEPARATORS, format_number, format_signed
from indicators.vocabulary import DIRECTIONS, DOWN, NO_DIRECTION_TEXT, UP
from layouts.parts.figures import AREA_COLOURS, AREA_SYMBOLS, FONT_FAMILY, no_data_note

INK = "#1a1a1a"
GRID = "#e3e3e3"
AXIS = "#767676"
FIT_COLOUR = "#555555"
TITLE_WIDTH = 120
PANEL_TITLE_WIDTH = 60
AXIS_TITLE_WIDTH = 55
#: Figure heights in pixels (the page gives each graph the same height).
PANEL_HEIGHT = 420
FACET_HEIGHT = 400
SCATTER_HEIGHT = 640


@dataclass(frozen=True)
class AreaStyle:
    """How one area is drawn: colour, marker, dash, line width and whether it is a reference."""

    colour: str
    symbol: str
    dash: str
    width: float
    reference: bool = False


#: Region Dalarna and Riket: black and grey, dashed, with their own marker shapes.
REFERENCE_STYLES: dict[str, AreaStyle] = {
    REGION_DALARNA: AreaStyle("#000000", "square", "dash", 2.5, True),
    RIKET: AreaStyle(AXIS, "diamond", "dot", 2.5, True),
}


def area_styles(area_ids: Sequence[str]) -> dict[str, AreaStyle]:
    """Styles in display order: references get theirs, municipalities are numbered in order."""
    styles: dict[str, AreaStyle] = {}
    index = 0
    for area_id in area_ids:
        if area_id in REFERENCE_STYLES:
            styles[area_id] = REFERENCE_STYLES[area_id]
            continue
        styles[area_id] = AreaStyle(
            AREA_COLOURS[index % len(AREA_COLOURS)],
            AREA_SYMBOLS[index % len(AREA_SYMBOLS)],
            "solid",
            2.0,
        )
        index += 1
    return styles


def _number(value) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _wrap(text: str, width: int) -> str:
    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width) or [""])


def _lines(text: str) -> int:
    return text.count("<br>") + 1


def _base_layout(figure: go.Figure, title: str, width: int = TITLE_WIDTH) -> int:
    """Fonts, colours, separators and the wrapped title; returns the title's line count."""
    wrapped = _wrap(title, width)
    figure.update_layout(
        title={
            "text": wrapped,
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 12, "l": 8},
            "font": {"size": 16},
        },
        separators=PLOTLY_SEPARATORS,
        font={"family": FONT_FAMILY, "size": 13, "color": INK},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        hoverlabel={"align": "left", "namelength": -1},
    )
    figure.update_xaxes(showgrid=False, linecolor=AXIS, ticks="outside")
    figure.update_yaxes(gridcolor=GRID, zerolinecolor="#bdbdbd", linecolor=AXIS)
    return _lines(wrapped)


def _top_margin(title_lines: int, extra: int = 0) -> int:
    return 30 + 22 * title_lines + extra


def with_unit(indicator: Indicator) -> str:
    """``"Växthusgasutsläpp per invånare (ton CO2-ekv/inv)"``; a unit that has parentheses of
    its own follows a comma: ``"Skyddad natur totalt, andel (%)"``."""
    if not indicator.unit:
        return indicator.label
    if "(" in indicator.unit:
        return f"{indicator.label}, {indicator.unit}"
    return f"{indicator.label} ({indicator.unit})"


def unit_suffix(indicator: Indicator) -> str:
    return f" {indicator.unit}" if indicator.unit else ""


# --- Jämför: series per indicator -------------------------------------------------------------


def series_table(
    observations: pd.DataFrame, kpi_id: str, area_ids: Sequence[str], *, gender: str = "T"
) -> pd.DataFrame:
    """One indicator's values as a year × area table over every year from the first to the last
    year with a value among the areas (NaN where missing, so lines break there)."""
    frame = observations[
        (observations["kpi_id"] == kpi_id)
        & (observations["area_id"].isin(area_ids))
        & (observations["gender"] == gender)
    ].dropna(subset=["value"])
    if frame.empty:
        return pd.DataFrame(index=pd.Index([], name="year"), columns=list(area_ids), dtype=float)
    table = frame.pivot_table(index="year", columns="area_id", values="value", aggfunc="first")
    years = range(int(table.index.min()), int(table.index.max()) + 1)
    table = table.reindex(index=list(years), columns=list(area_ids)).astype(float)
    table.index.name = "year"
    table.columns.name = None
    return table


def year_span(tables: Sequence[pd.DataFrame]) -> tuple[int, int] | None:
    """The first and last year over several :func:`series_table` results (a common x scale)."""
    years = [int(y) for table in tables for y in table.index]
    return (min(years), max(years)) if years else None


def _line(
    table: pd.DataFrame,
    area_id: str,
    name: str,
    style: AreaStyle,
    indicator: Indicator,
    *,
    showlegend: bool = True,
    marker_size: int = 7,
) -> go.Scatter:
    years = [int(y) for y in table.index]
    values = [_number(v) for v in table[area_id]] if area_id in table.columns else []
    texts = [
        f"{html.escape(name)} {year}: {format_number(v, indicator.decimals)}"
        f"{html.escape(unit_suffix(indicator))}"
        for year, v in zip(years, values, strict=True)
    ]
    return go.Scatter(
        x=years,
        y=values,
        name=name,
        mode="lines+markers",
        connectgaps=False,
        line={"color": style.colour, "width": style.width, "dash": style.dash},
        marker={"symbol": style.symbol, "size": marker_size, "color": style.colour},
        text=texts,
        hovertemplate="%{text}<extra></extra>",
        legendgroup=area_id,
        showlegend=showlegend,
    )


def _year_axis(span: tuple[int, int] | None) -> dict:
    axis = {"tickformat": "d"}
    if span is not None:
        first, last = span
        axis["range"] = [first - 0.5, last + 0.5]
        axis["dtick"] = 1 if last - first <= 8 else 2 if last - first <= 20 else 5
    return axis


def indicator_figure(
    table: pd.DataFrame,
    indicator: Indicator,
    area_titles: Mapping[str, str],
    *,
    span: tuple[int, int] | None = None,
) -> go.Figure:
    """One panel: every area's series of one indicator on one y axis (municipalities solid,
    references dashed). ``span`` fixes the x axis so that panels side by side line up."""
    figure = go.Figure()
    areas = list(table.columns)
    styles = area_styles(areas)
    title_lines = _base_layout(figure, indicator_title(indicator, table), PANEL_TITLE_WIDTH)
    for area_id in areas:
        figure.add_trace(
            _line(table, area_id, area_titles.get(area_id, area_id), styles[area_id], indicator)
        )
    figure.update_layout(
        xaxis=_year_axis(span),
        yaxis={"title": {"text": _wrap(indicator.unit, 40)}, "rangemode": _range_mode(table)},
        legend={"orientation": "h", "y": -0.1, "yanchor": "top", "x": 0, "font": {"size": 12}},
        margin={"l": 70, "r": 20, "t": _top_margin(title_lines), "b": 30},
        height=PANEL_HEIGHT,
    )
    if table.empty or table.isna().all().all():
        no_data_note(figure, "Inga värden för de valda områdena")
    return figure


def indicator_title(indicator: Indicator, table: pd.DataFrame) -> str:
    """``"Växthusgasutsläpp per invånare (ton CO2-ekv/inv), 2010–2024"``."""
    years = ""
    if not table.empty:
        years = f", {int(table.index.min())}–{int(table.index.max())}"
    return f"{with_unit(indicator)}{years}"


def _range_mode(table: pd.DataFrame) -> str:
    values = table.to_numpy(dtype=float)
    values = values[~np.isnan(values)]
    return "tozero" if values.size == 0 or values.min() >= 0 else "normal"


def facet_figure(
    table: pd.DataFrame,
    indicator: Indicator,
    municipalities: Sequence[str],
    references: Sequence[str],
    area_titles: Mapping[str, str],
    *,
    span: tuple[int, int] | None = None,
) -> go.Figure:
    """One indicator, one facet per municipality side by side on a shared y axis, each with
    the references drawn for comparison."""
    columns = max(len(municipalities), 1)
    figure = make_subplots(
        rows=1,
        cols=columns,
        shared_yaxes=True,
        horizontal_spacing=0.02 if columns > 4 else 0.03,
        subplot_titles=[html.escape(area_titles.get(a, a)) for a in municipalities] or None,
    )
    title_lines = _base_layout(figure, indicator_title(indicator, table))
    styles = area_styles([*municipalities, *references])
    for column, area_id in enumerate(municipalities, start=1):
        for shown in (area_id, *references):
            trace = _line(
                table,
                shown,
                area_titles.get(shown, shown),
                styles[shown],
                indicator,
                showlegend=column == 1 or shown == area_id,
                marker_size=5,
            )
            figure.add_trace(trace, row=1, col=column)
    figure.update_xaxes(**_year_axis(span))
    if span is not None and span[1] - span[0] > 6:
        figure.update_xaxes(dtick=5 if columns > 3 else 2)
    figure.update_yaxes(rangemode=_range_mode(table))
    figure.update_yaxes(title={"text": _wrap(indicator.unit, 30)}, row=1, col=1)
    figure.update_annotations(font={"size": 13})
    figure.update_layout(
        legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0, "font": {"size": 12}},
        margin={"l": 70, "r": 20, "t": _top_margin(title_lines, 24), "b": 30},
        height=FACET_HEIGHT,
    )
    if not municipalities or table.empty or table.isna().all().all():
        no_data_note(figure, "Inga värden för de valda områdena")
    return figure


def series_rows(
    table: pd.DataFrame, indicator: Indicator, area_titles: Mapping[str, str]
) -> tuple[pd.DataFrame, list[tuple[str, str, None]]]:
    """A :func:`series_table` formatted for the table alternative: one row per year, one
    column per area (values with the indicator's decimals, "–" where missing)."""
    rows = []
    for year in table.index:
        row = {"year": str(int(year))}
        for area_id in table.columns:
            row[area_id] = format_number(_number(table.at[year, area_id]), indicator.decimals)
        rows.append(row)
    columns = [("year", "År", None)] + [
        (area_id, area_titles.get(area_id, area_id), None) for area_id in table.columns
    ]
    return pd.DataFrame(rows, columns=[c[0] for c in columns]), columns


# --- Målkonflikter: scatter of two indicators -------------------------------------------------


def axis_title(indicator: Indicator, *, period: tuple[int, int] | None = None) -> str:
    """Label, unit and desired direction; with ``period`` the change over it."""
    wanted = DIRECTIONS.get(indicator.direction)
    if period is None:
        direction = f"{wanted.arrow} {wanted.wanted}" if wanted else NO_DIRECTION_TEXT
        text = with_unit(indicator)
    else:
        direction = f"{wanted.arrow} {wanted.change_wanted}" if wanted else NO_DIRECTION_TEXT
        text = f"Förändring {period[0]}–{period[1]}: {with_unit(indicator)}"
    return f"{_wrap(text, AXIS_TITLE_WIDTH)}<br><b>{html.escape(direction)}</b>"


def _better_corner(x: Indicator, y: Indicator) -> dict | None:
    """Where "better on both" lies: an annotation in that corner of the plot."""
    horizontal = {UP: (0.99, "right", "→"), DOWN: (0.01, "left", "←")}.get(x.direction)
    vertical = {
        UP: (0.99, "top", DIRECTIONS[UP].arrow),
        DOWN: (0.01, "bottom", DIRECTIONS[DOWN].arrow),
    }.get(y.direction)
    if horizontal is None or vertical is None:
        return None
    arrow = {
        ("→", "↑"): "↗",
        ("→", "↓"): "↘",
        ("←", "↑"): "↖",
        ("←", "↓"): "↙",
    }[(horizontal[2], vertical[2])]
    return {
        "text": f"{arrow} bättre på båda",
        "x": horizontal[0],
        "xanchor": horizontal[1],
        "y": vertical[0],
        "yanchor": vertical[1],
        "xref": "paper",
        "yref": "paper",
        "showarrow": False,
        "font": {"size": 12, "color": "#333333"},
        "bgcolor": "rgba(255,255,255,0.85)",
    }


def _value_text(value: float | None, indicator: Indicator, *, change: bool) -> str:
    text = (
        format_signed(value, indicator.decimals)
        if change
        else format_number(value, indicator.decimals)
    )
    return text + (html.escape(unit_suffix(indicator)) if value is not None else "")


#: Where a point's label may go, in order of preference.
LABEL_POSITIONS: tuple[str, ...] = (
    "top center",
    "bottom center",
    "middle right",
    "middle left",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)


def _label_box(position: str, px: float, py: float, w: float, h: float, m: float):
    vertical, horizontal = position.split()
    if vertical == "top":
        y0, y1 = py + m, py + m + h
    elif vertical == "bottom":
        y0, y1 = py - m - h, py - m
    else:
        y0, y1 = py - h / 2, py + h / 2
    if horizontal == "right":
        x0, x1 = (px + m, px + m + w) if vertical == "middle" else (px, px + w)
    elif horizontal == "left":
        x0, x1 = (px - m - w, px - m) if vertical == "middle" else (px - w, px)
    else:
        x0, x1 = px - w / 2, px + w / 2
    return x0, y0, x1, y1


def _overlap(a, b) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def label_positions(
    xs: Sequence[float],
    ys: Sequence[float],
    labels: Sequence[str],
    *,
    width_px: float = 1100,
    height_px: float = 430,
    char_px: float = 6.6,
    line_px: float = 14,
    marker_px: float = 7,
) -> list[str]:
    """A text position per point so that labels overlap each other and the markers as little
    as possible: greedily, each label takes the first of :data:`LABEL_POSITIONS` that is free
    (else the least covered), on a plot assumed ``width_px`` × ``height_px`` pixels."""
    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    if x.size == 0:
        return []

    def scale(values: np.ndarray, size: float) -> np.ndarray:
        finite = values[~np.isnan(values)]
        if finite.size == 0:
            return np.zeros_like(values)
        low, high = float(finite.min()), float(finite.max())
        span = (high - low) or 1.0
        return (values - low) / span * size * 0.9 + size * 0.05

    px, py = scale(x, width_px), scale(y, height_px)
    markers = [
        (a - marker_px, b - marker_px, a + marker_px, b + marker_px)
        for a, b in zip(px, py, strict=True)
    ]
    placed: list[tuple[float, float, float, float]] = []
    positions: list[str] = []
    for index, label in enumerate(labels):
        w, h = len(label) * char_px, line_px
        best, best_cost = LABEL_POSITIONS[0], math.inf
        for position in LABEL_POSITIONS:
            box = _label_box(position, px[index], py[index], w, h, marker_px)
            cost = sum(_overlap(box, other) for other in placed)
            cost += sum(_overlap(box, m) for i, m in enumerate(markers) if i != index)
            if cost < best_cost:
                best, best_cost = position, cost
            if cost == 0:
                break
        positions.append(best)
        placed.append(_label_box(best, px[index], py[index], w, h, marker_px))
    return positions


def scatter_title(
    x: Indicator, y: Indicator, *, year: int, base_year: int | None, result: CorrelationResult
) -> str:
    """``"Bruttoregionprodukt per invånare och växthusgasutsläpp per invånare, 2024 (r = −0,15,
    n = 15)"``."""
    when = f"förändring {base_year}–{year}" if base_year is not None else str(year)
    r_text = (
        f"r = {format_coefficient(result.pearson_r)}, n = {result.n}"
        if result.pearson_r is not None
        else f"n = {result.n}"
    )
    return f"{x.label} och {in_sentence(y.label)}, {when} ({r_text})"


def _axis_margins(x_title: str, y_title: str) -> tuple[int, int]:
    """Left and bottom margins that fit the (wrapped) axis titles beside the tick labels."""
    return 60 + 18 * _lines(y_title), 40 + 18 * _lines(x_title)


def scatter_figure(
    points: pd.DataFrame,
    x: Indicator,
    y: Indicator,
    area_titles: Mapping[str, str],
    result: CorrelationResult,
    *,
    year: int,
    base_year: int | None = None,
    fit: tuple[float, float] | None = None,
) -> go.Figure:
    """One point per municipality (labelled), Region Dalarna and Riket as distinct reference
    markers; a dashed least-squares line ``fit`` = (slope, intercept) over the municipalities."""
    change = base_year is not None
    period = (base_year, year) if change else None
    figure = go.Figure()
    title = scatter_title(x, y, year=year, base_year=base_year, result=result)
    title_lines = _base_layout(figure, title)
    chosen = points.dropna(subset=["x", "y"])
    municipal = chosen[~chosen["area_id"].isin(list(REFERENCE_STYLES))]
    if fit is not None and not municipal.empty:
        low, high = float(municipal["x"].min()), float(municipal["x"].max())
        slope, intercept = fit
        figure.add_trace(
            go.Scatter(
                x=[low, high],
                y=[slope * low + intercept, slope * high + intercept],
                mode="lines",
                name="Linjär anpassning (kommunerna)",
                line={"color": FIT_COLOUR, "width": 1.5, "dash": "dash"},
                hoverinfo="skip",
            )
        )
    positions = dict(
        zip(
            chosen["area_id"],
            label_positions(
                chosen["x"].tolist(),
                chosen["y"].tolist(),
                [area_titles.get(a, a) for a in chosen["area_id"]],
            ),
            strict=True,
        )
    )
    groups = [("Kommuner", municipal, AreaStyle(AREA_COLOURS[0], "circle", "solid", 0))]
    for area_id, style in REFERENCE_STYLES.items():
        rows = chosen[chosen["area_id"] == area_id]
        groups.append(
            (f"{area_titles.get(area_id, area_id)} (referens, ingår inte i r)", rows, style)
        )
    for name, rows, style in groups:
        if rows.empty:
            continue
        labels = [area_titles.get(a, a) for a in rows["area_id"]]
        hover = [
            f"<b>{html.escape(label)}</b><br>"
            f"{html.escape(x.label)}: {_value_text(_number(vx), x, change=change)}<br>"
            f"{html.escape(y.label)}: {_value_text(_number(vy), y, change=change)}"
            for label, vx, vy in zip(labels, rows["x"], rows["y"], strict=True)
        ]
        figure.add_trace(
            go.Scatter(
                x=rows["x"].tolist(),
                y=rows["y"].tolist(),
                mode="markers+text",
                name=name,
                text=[html.escape(label) for label in labels],
                textposition=[positions[a] for a in rows["area_id"]],
                textfont={"size": 11, "color": INK},
                marker={
                    "symbol": style.symbol,
                    "size": 14 if style.reference else 11,
                    "color": style.colour,
                    "line": {"width": 1, "color": "#ffffff"},
                },
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    x_title, y_title = axis_title(x, period=period), axis_title(y, period=period)
    left, bottom = _axis_margins(x_title, y_title)
    figure.update_layout(
        xaxis={"title": {"text": x_title}, "showgrid": True, "gridcolor": GRID},
        yaxis={"title": {"text": y_title}},
        legend={"orientation": "h", "y": 1.01, "yanchor": "bottom", "x": 0, "font": {"size": 12}},
        margin={"l": left, "r": 20, "t": _top_margin(title_lines, 30), "b": bottom},
        height=SCATTER_HEIGHT,
    )
    corner = _better_corner(x, y)
    if corner is not None:
        figure.add_annotation(**corner)
    if municipal.empty:
        no_data_note(figure, "Inga kommuner har värden på båda indikatorerna")
    return figure


def paths_figure(
    paths: pd.DataFrame,
    x: Indicator,
    y: Indicator,
    area_titles: Mapping[str, str],
    *,
    first_year: int,
    last_year: int,
) -> go.Figure:
    """Each area's path over the years (lines with markers, the last year's marker larger and
    labelled); missing years break the path."""
    figure = go.Figure()
    title = f"{x.label} och {in_sentence(y.label)}: utveckling {first_year}–{last_year}"
    title_lines = _base_layout(figure, title)
    area_ids = list(dict.fromkeys(paths["area_id"]))
    styles = area_styles(area_ids)
    for area_id in area_ids:
        rows = paths[paths["area_id"] == area_id].sort_values("year")
        if rows[["x", "y"]].dropna().empty:
            continue
        style = styles[area_id]
        title = area_titles.get(area_id, area_id)
        years = [int(v) for v in rows["year"]]
        is_last = [year == last_year for year in years]
        hover = [
            f"<b>{html.escape(title)} {year}</b><br>"
            f"{html.escape(x.label)}: {_value_text(_number(vx), x, change=False)}<br>"
            f"{html.escape(y.label)}: {_value_text(_number(vy), y, change=False)}"
            for year, vx, vy in zip(years, rows["x"], rows["y"], strict=True)
        ]
        figure.add_trace(
            go.Scatter(
                x=[_number(v) for v in rows["x"]],
                y=[_number(v) for v in rows["y"]],
                mode="lines+markers+text",
                name=title,
                connectgaps=False,
                text=[html.escape(title) if last else "" for last in is_last],
                textposition="top center",
                textfont={"size": 11, "color": INK},
                line={"color": style.colour, "width": 1.5, "dash": style.dash},
                marker={
                    "symbol": style.symbol,
                    "color": style.colour,
                    "size": [12 if last else 6 for last in is_last],
                },
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    x_title, y_title = axis_title(x), axis_title(y)
    left, bottom = _axis_margins(x_title, y_title)
    figure.update_layout(
        xaxis={"title": {"text": x_title}, "showgrid": True, "gridcolor": GRID},
        yaxis={"title": {"text": y_title}},
        legend={"font": {"size": 12}, "title": {"text": "Område (stor markör = sista året)"}},
        margin={"l": left, "r": 20, "t": _top_margin(title_lines), "b": bottom},
        height=SCATTER_HEIGHT,
    )
    corner = _better_corner(x, y)
    if corner is not None:
        figure.add_annotation(**corner)
    if not figure.data:
        no_data_note(figure, "Inga områden har värden på båda indikatorerna")
    return figure


def point_rows(
    points: pd.DataFrame,
    x: Indicator,
    y: Indicator,
    area_titles: Mapping[str, str],
    *,
    change: bool,
    with_year: bool = False,
) -> pd.DataFrame:
    """The scatter's points formatted for the table alternative: area, role, x, y
    (and year for paths)."""
    rows = []
    for record in points.to_dict("records"):
        area_id = record["area_id"]
        row = {
            "area": area_titles.get(area_id, area_id),
            "role": "referens" if area_id in REFERENCE_STYLES else "kommun",
            "x": _format(record["x"], x, change),
            "y": _format(record["y"], y, change),
        }
        if with_year:
            row["year"] = str(int(record["year"]))
        rows.append(row)
    return pd.DataFrame(rows, columns=["area", "role", "x", "y"] + (["year"] if with_year else []))


def _format(value, indicator: Indicator, change: bool) -> str:
    number = _number(value)
    if number is None:
        return MISSING
    return (
        format_signed(number, indicator.decimals)
        if change
        else format_number(number, indicator.decimals)
    )
