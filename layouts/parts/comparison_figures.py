"""Figures and tables for comparing areas (Jämför) and indicators (Målkonflikter).

Pure builders: tidy DataFrames and catalogue entries in, a figure (a plain dict, see
:mod:`layouts.parts.figures`) or a DataFrame out; nothing here reads the database. Every figure
sets Swedish number formatting (``layout.separators``), preformatted hover texts, shows gaps as
gaps and draws every area in its own style, the same on every page
(:mod:`indicators.area_colours`: a colour safe for colour blindness and a marker of its own).
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from indicators.area_colours import AreaStyle, area_style, is_reference
from indicators.catalogue import Indicator
from indicators.conflicts import CorrelationResult, format_coefficient, in_sentence
from indicators.formatting import MISSING, format_number, format_signed
from indicators.vocabulary import DIRECTIONS, DOWN, NO_DIRECTION_TEXT, UP
from layouts.parts.figures import (
    GRID,
    INK,
    REFERENCE_STYLES,
    Figure,
    annotate,
    area_styles,
    base_layout,
    no_data_note,
    number,
    x_axis,
    y_axis,
)

FIT_COLOUR = "#555555"
TITLE_WIDTH = 120
PANEL_TITLE_WIDTH = 44
AXIS_TITLE_WIDTH = 55
#: Figure heights in pixels (the page gives each graph the same height).
PANEL_HEIGHT = 420
FACET_HEIGHT = 400
SCATTER_HEIGHT = 640
#: With areas on scales of their own (the references, for totals): a row of small panels below
#: the others. The rows' y domains (shares of the plot's height) and the figures' heights.
SHARED_ROW = [0.5, 1.0]
OWN_SCALE_ROW = [0.0, 0.28]
OWN_SCALE_PANEL_HEIGHT = 620
OWN_SCALE_FACET_HEIGHT = 600
#: What the small panels' titles add to an area's name.
OWN_SCALE_TEXT = "egen skala"


def _wrap(text: str, width: int) -> str:
    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width) or [""])


def _lines(text: str) -> int:
    return text.count("<br>") + 1


def _new_figure(title: str, width: int = TITLE_WIDTH) -> tuple[Figure, int]:
    """An empty figure with the shared layout and the wrapped title at the top left of the
    whole figure; returns it and the title's line count."""
    wrapped = _wrap(title, width)
    layout = base_layout(
        {
            "text": wrapped,
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 12, "l": 8},
            "font": {"size": 16},
        }
    )
    return {"data": [], "layout": layout}, _lines(wrapped)


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
    year with a value among the areas (NaN where missing, so lines break there); a year with
    several values for an area takes the first.

    ``observations`` is best the indicator's own rows
    (:func:`indicators.service.kpi_observations`): the rows are read one by one, which is
    quicker than pandas' filtering and pivoting for one indicator's few hundred rows; other
    indicators' rows are skipped."""
    column = {area_id: index for index, area_id in enumerate(area_ids)}
    cells: dict[tuple[int, int], float] = {}
    for kpi, area_id, year, row_gender, value in zip(
        *(observations[name].tolist() for name in ("kpi_id", "area_id", "year", "gender", "value")),
        strict=True,
    ):
        if kpi != kpi_id or row_gender != gender or area_id not in column:
            continue
        shown = number(value)
        if shown is not None:
            cells.setdefault((int(year), column[area_id]), shown)
    if not cells:
        return pd.DataFrame(index=pd.Index([], name="year"), columns=list(area_ids), dtype=float)
    years = [year for year, _ in cells]
    first = min(years)
    values = np.full((max(years) - first + 1, len(area_ids)), np.nan)
    for (year, index), value in cells.items():
        values[year - first, index] = value
    return pd.DataFrame(
        values,
        index=pd.Index(np.arange(first, first + values.shape[0]), name="year"),
        columns=list(area_ids),
    )


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
) -> dict:
    years = [int(y) for y in table.index]
    values = [number(v) for v in table[area_id]] if area_id in table.columns else []
    suffix = html.escape(unit_suffix(indicator))
    escaped = html.escape(name)
    texts = [
        f"{escaped} {year}: {format_number(v, indicator.decimals)}{suffix}"
        for year, v in zip(years, values, strict=True)
    ]
    return {
        "type": "scatter",
        "x": years,
        "y": values,
        "name": name,
        "mode": "lines+markers",
        "connectgaps": False,
        "line": {"color": style.colour, "width": style.width, "dash": style.dash},
        "marker": {"symbol": style.symbol, "size": marker_size, "color": style.colour},
        "text": texts,
        "hovertemplate": "%{text}<extra></extra>",
        "legendgroup": area_id,
        "showlegend": showlegend,
    }


def _year_axis(span: tuple[int, int] | None) -> dict:
    axis = {"tickformat": "d"}
    if span is not None:
        first, last = span
        axis["range"] = [first - 0.5, last + 0.5]
        axis["dtick"] = 1 if last - first <= 8 else 2 if last - first <= 20 else 5
    return axis


def _is_empty(table: pd.DataFrame) -> bool:
    return table.empty or bool(np.isnan(table.to_numpy(dtype=float)).all())


def _own_scale_panels(
    figure: Figure,
    table: pd.DataFrame,
    indicator: Indicator,
    areas: Sequence[str],
    area_titles: Mapping[str, str],
    *,
    span: tuple[int, int] | None,
    first_axis: int,
) -> None:
    """Each of ``areas`` in a small panel of its own below the others (axes ``first_axis``
    on), on a y axis of its own, titled with the area's name and "egen skala"."""
    layout = figure["layout"]
    x_options = _year_axis(span)
    if span is not None and span[1] - span[0] > 6:
        x_options["dtick"] = 5
    for index, (area_id, domain) in enumerate(
        zip(areas, facet_domains(len(areas), 0.14), strict=False)
    ):
        number_ = first_axis + index
        title = area_titles.get(area_id, area_id)
        layout[f"xaxis{number_}"] = x_axis(anchor=f"y{number_}", domain=domain, **x_options)
        layout[f"yaxis{number_}"] = y_axis(
            anchor=f"x{number_}",
            domain=OWN_SCALE_ROW,
            rangemode=_range_mode(table[[area_id]] if area_id in table.columns else table),
        )
        trace = _line(table, area_id, title, area_style(area_id), indicator, marker_size=5)
        trace.update(xaxis=f"x{number_}", yaxis=f"y{number_}")
        figure["data"].append(trace)
        annotate(
            figure,
            font={"size": 12},
            showarrow=False,
            text=f"{html.escape(title)}<br>{OWN_SCALE_TEXT}",
            x=(domain[0] + domain[1]) / 2,
            xanchor="center",
            xref="paper",
            y=OWN_SCALE_ROW[1],
            yanchor="bottom",
            yref="paper",
        )


def indicator_figure(
    table: pd.DataFrame,
    indicator: Indicator,
    area_titles: Mapping[str, str],
    *,
    span: tuple[int, int] | None = None,
    own_scale: Sequence[str] = (),
) -> Figure:
    """One panel: the areas' series of one indicator on one y axis, each area in its own style
    (references thicker, in black and dark grey). ``span`` fixes the x axis so that panels side
    by side line up. The areas in ``own_scale`` (the references, for totals) are drawn below,
    each in a small panel on a scale of its own."""
    apart = [area_id for area_id in own_scale if area_id in table.columns]
    areas = [area_id for area_id in table.columns if area_id not in apart]
    styles = area_styles(areas)
    figure, title_lines = _new_figure(indicator_title(indicator, table), PANEL_TITLE_WIDTH)
    figure["data"] = [
        _line(table, area_id, area_titles.get(area_id, area_id), styles[area_id], indicator)
        for area_id in areas
    ]
    layout = figure["layout"]
    layout["xaxis"].update(_year_axis(span))
    layout["yaxis"].update(
        title={"text": _wrap(indicator.unit, 40)}, rangemode=_range_mode(table[areas])
    )
    height = PANEL_HEIGHT
    if apart:
        layout["yaxis"]["domain"] = SHARED_ROW
        _own_scale_panels(figure, table, indicator, apart, area_titles, span=span, first_axis=2)
        height = OWN_SCALE_PANEL_HEIGHT
    layout.update(
        legend={"orientation": "h", "y": -0.1, "yanchor": "top", "x": 0, "font": {"size": 12}},
        margin={"l": 70, "r": 20, "t": _top_margin(title_lines), "b": 30},
        height=height,
    )
    if _is_empty(table):
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


def facet_domains(columns: int, spacing: float) -> list[list[float]]:
    """The x domains of ``columns`` side-by-side subplots ``spacing`` apart (as Plotly's
    ``make_subplots`` lays out one row)."""
    width = (1.0 - spacing * (columns - 1)) / columns
    domains = []
    start = 0.0
    for _ in range(columns):
        # rounded: added up, the floats may end a hair beyond 1, which Plotly refuses
        domains.append([round(start, 9), min(round(start + width, 9), 1.0)])
        start += width + spacing
    return domains


def _axis_suffix(column: int) -> str:
    return "" if column == 1 else str(column)


def _facet_axes(
    layout: dict,
    columns: int,
    span: tuple[int, int] | None,
    range_mode: str,
    y_domain: Sequence[float] = (0.0, 1.0),
) -> None:
    """One x and y axis per facet, the y axes sharing the first one's scale."""
    x_options = _year_axis(span)
    if span is not None and span[1] - span[0] > 6:
        x_options["dtick"] = 5 if columns > 3 else 2
    domains = facet_domains(columns, 0.02 if columns > 4 else 0.03)
    for column, domain in enumerate(domains, start=1):
        suffix = _axis_suffix(column)
        layout[f"xaxis{suffix}"] = x_axis(anchor=f"y{suffix}", domain=domain, **x_options)
        y_options = {"anchor": f"x{suffix}", "domain": list(y_domain), "rangemode": range_mode}
        if column > 1:
            y_options.update(matches="y", showticklabels=False)
        layout[f"yaxis{suffix}"] = y_axis(**y_options)


def facet_figure(
    table: pd.DataFrame,
    indicator: Indicator,
    municipalities: Sequence[str],
    references: Sequence[str],
    area_titles: Mapping[str, str],
    *,
    span: tuple[int, int] | None = None,
    own_scale: bool = False,
) -> Figure:
    """One indicator, one facet per municipality side by side on a shared y axis, each with
    the references drawn for comparison; with ``own_scale`` (for totals) the references are
    drawn below instead, each in a small panel on a scale of its own."""
    columns = max(len(municipalities), 1)
    figure, title_lines = _new_figure(indicator_title(indicator, table))
    layout = figure["layout"]
    shared = [a for a in municipalities if a in table.columns] if own_scale else list(table.columns)
    y_domain = SHARED_ROW if own_scale else [0.0, 1.0]
    _facet_axes(layout, columns, span, _range_mode(table[shared]), y_domain)
    layout["yaxis"]["title"] = {"text": _wrap(indicator.unit, 30)}
    domains = facet_domains(columns, 0.02 if columns > 4 else 0.03)
    for area_id, (low, high) in zip(municipalities, domains, strict=False):
        annotate(
            figure,
            font={"size": 13},
            showarrow=False,
            text=html.escape(area_titles.get(area_id, area_id)),
            x=(low + high) / 2,
            xanchor="center",
            xref="paper",
            y=1.0,
            yanchor="bottom",
            yref="paper",
        )
    styles = area_styles([*municipalities, *references])
    drawn_with = () if own_scale else tuple(references)
    for column, area_id in enumerate(municipalities, start=1):
        suffix = _axis_suffix(column)
        for shown in (area_id, *drawn_with):
            trace = _line(
                table,
                shown,
                area_titles.get(shown, shown),
                styles[shown],
                indicator,
                showlegend=column == 1 or shown == area_id,
                marker_size=5,
            )
            trace.update(xaxis=f"x{suffix}", yaxis=f"y{suffix}")
            figure["data"].append(trace)
    apart = [area_id for area_id in references if area_id in table.columns] if own_scale else []
    if apart:
        _own_scale_panels(
            figure, table, indicator, apart, area_titles, span=span, first_axis=columns + 1
        )
    layout.update(
        legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0, "font": {"size": 12}},
        margin={"l": 70, "r": 20, "t": _top_margin(title_lines, 24), "b": 30},
        height=OWN_SCALE_FACET_HEIGHT if apart else FACET_HEIGHT,
    )
    if not municipalities or _is_empty(table):
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
            row[area_id] = format_number(number(table.at[year, area_id]), indicator.decimals)
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


def _fit_trace(municipal: pd.DataFrame, fit: tuple[float, float]) -> dict:
    low, high = float(municipal["x"].min()), float(municipal["x"].max())
    slope, intercept = fit
    return {
        "type": "scatter",
        "x": [low, high],
        "y": [slope * low + intercept, slope * high + intercept],
        "mode": "lines",
        "name": "Linjär anpassning (kommunerna)",
        "line": {"color": FIT_COLOUR, "width": 1.5, "dash": "dash"},
        "hoverinfo": "skip",
    }


def _point_hover(label: str, vx, vy, x: Indicator, y: Indicator, *, change: bool) -> str:
    return (
        f"<b>{html.escape(label)}</b><br>"
        f"{html.escape(x.label)}: {_value_text(number(vx), x, change=change)}<br>"
        f"{html.escape(y.label)}: {_value_text(number(vy), y, change=change)}"
    )


def _scatter_layout(
    figure: Figure, x_title: str, y_title: str, x: Indicator, y: Indicator, **layout
) -> None:
    """Axis titles (with the margins they need), the "better on both" corner and ``layout``."""
    left, bottom = _axis_margins(x_title, y_title)
    margin = layout.pop("margin")
    figure["layout"]["xaxis"].update(title={"text": x_title}, showgrid=True, gridcolor=GRID)
    figure["layout"]["yaxis"]["title"] = {"text": y_title}
    figure["layout"].update(
        margin={"l": left, "r": 20, "b": bottom, **margin}, height=SCATTER_HEIGHT, **layout
    )
    corner = _better_corner(x, y)
    if corner is not None:
        annotate(figure, **corner)


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
) -> Figure:
    """One point per municipality (labelled), Region Dalarna and Riket as distinct reference
    markers; a dashed least-squares line ``fit`` = (slope, intercept) over the municipalities."""
    change = base_year is not None
    period = (base_year, year) if change else None
    title = scatter_title(x, y, year=year, base_year=base_year, result=result)
    figure, title_lines = _new_figure(title)
    chosen = points.dropna(subset=["x", "y"])
    municipal = chosen[np.array([not is_reference(a) for a in chosen["area_id"]], dtype=bool)]
    if fit is not None and not municipal.empty:
        figure["data"].append(_fit_trace(municipal, fit))
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
    groups = [("Kommuner", municipal)]
    for area_id in REFERENCE_STYLES:
        rows = chosen[chosen["area_id"] == area_id]
        groups.append((f"{area_titles.get(area_id, area_id)} (referens, ingår inte i r)", rows))
    for name, rows in groups:
        if rows.empty:
            continue
        labels = [area_titles.get(a, a) for a in rows["area_id"]]
        styles = [area_style(a) for a in rows["area_id"]]
        reference = styles[0].reference
        figure["data"].append(
            {
                "type": "scatter",
                "x": rows["x"].tolist(),
                "y": rows["y"].tolist(),
                "mode": "markers+text",
                "name": name,
                "text": [html.escape(label) for label in labels],
                "textposition": [positions[a] for a in rows["area_id"]],
                "textfont": {"size": 11, "color": INK},
                "marker": {
                    # a reference is one area: its style; the municipalities: each its own
                    "symbol": styles[0].symbol if reference else [st.symbol for st in styles],
                    "size": 14 if reference else 11,
                    "color": styles[0].colour if reference else [st.colour for st in styles],
                    "line": {"width": 1, "color": "#ffffff"},
                },
                "hovertext": [
                    _point_hover(label, vx, vy, x, y, change=change)
                    for label, vx, vy in zip(labels, rows["x"], rows["y"], strict=True)
                ],
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
    _scatter_layout(
        figure,
        axis_title(x, period=period),
        axis_title(y, period=period),
        x,
        y,
        legend={"orientation": "h", "y": 1.01, "yanchor": "bottom", "x": 0, "font": {"size": 12}},
        margin={"t": _top_margin(title_lines, 30)},
    )
    if municipal.empty:
        no_data_note(figure, "Inga kommuner har värden på båda indikatorerna")
    return figure


def _path_trace(rows: pd.DataFrame, title: str, style: AreaStyle, x, y, last_year: int) -> dict:
    years = [int(v) for v in rows["year"]]
    is_last = [year == last_year for year in years]
    return {
        "type": "scatter",
        "x": [number(v) for v in rows["x"]],
        "y": [number(v) for v in rows["y"]],
        "mode": "lines+markers+text",
        "name": title,
        "connectgaps": False,
        "text": [html.escape(title) if last else "" for last in is_last],
        "textposition": "top center",
        "textfont": {"size": 11, "color": INK},
        "line": {"color": style.colour, "width": 1.5, "dash": style.dash},
        "marker": {
            "symbol": style.symbol,
            "color": style.colour,
            "size": [12 if last else 6 for last in is_last],
        },
        "hovertext": [
            _point_hover(f"{title} {year}", vx, vy, x, y, change=False)
            for year, vx, vy in zip(years, rows["x"], rows["y"], strict=True)
        ],
        "hovertemplate": "%{hovertext}<extra></extra>",
    }


def paths_figure(
    paths: pd.DataFrame,
    x: Indicator,
    y: Indicator,
    area_titles: Mapping[str, str],
    *,
    first_year: int,
    last_year: int,
) -> Figure:
    """Each area's path over the years (lines with markers, the last year's marker larger and
    labelled); missing years break the path."""
    title = f"{x.label} och {in_sentence(y.label)}: utveckling {first_year}–{last_year}"
    figure, title_lines = _new_figure(title)
    area_ids = list(dict.fromkeys(paths["area_id"]))
    styles = area_styles(area_ids)
    for area_id, rows in paths.groupby("area_id", sort=False):
        rows = rows.sort_values("year")
        if rows[["x", "y"]].dropna().empty:
            continue
        figure["data"].append(
            _path_trace(rows, area_titles.get(area_id, area_id), styles[area_id], x, y, last_year)
        )
    _scatter_layout(
        figure,
        axis_title(x),
        axis_title(y),
        x,
        y,
        legend={"font": {"size": 12}, "title": {"text": "Område (stor markör = sista året)"}},
        margin={"t": _top_margin(title_lines)},
    )
    if not figure["data"]:
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
            "role": "referens" if is_reference(area_id) else "kommun",
            "x": _format(record["x"], x, change),
            "y": _format(record["y"], y, change),
        }
        if with_year:
            row["year"] = str(int(record["year"]))
        rows.append(row)
    return pd.DataFrame(rows, columns=["area", "role", "x", "y"] + (["year"] if with_year else []))


def _format(value, indicator: Indicator, change: bool) -> str:
    shown = number(value)
    if shown is None:
        return MISSING
    return (
        format_signed(shown, indicator.decimals)
        if change
        else format_number(shown, indicator.decimals)
    )
