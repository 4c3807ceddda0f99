"""Plotly figures for an indicator: its time series with goal lines, and the municipalities'
ranking in the newest year; and the figure vocabulary every chart of the dashboard shares.

Pure builders: tidy DataFrames and options in, a figure out; nothing here reads the database.
A figure is a plain dict (``{"data": [...], "layout": {...}}``), the JSON that ``dcc.Graph``
hands to plotly.js, built without Plotly's validating graph objects (which cost more than the
rest of a page's callback); plotly.js fills in every default. The tests read each figure
through ``plotly.graph_objects.Figure``, which validates it. Every figure uses Swedish number
formatting (``layout.separators``) and preformatted hover texts, shows gaps as gaps and tells
lines apart by marker symbol or dash, not only by colour.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from data.areas import REGION_DALARNA, RIKET
from indicators.area_colours import AreaStyle, area_colour, area_style
from indicators.formatting import PLOTLY_SEPARATORS, format_number
from indicators.goal_text import CHART, goal_in_words
from indicators.vocabulary import (
    DIRECTIONS,
    DOWN,
    GENDER_LABELS,
    GOAL_LEVELS,
    LEVEL_LABELS,
    LEVELS,
    NO_DIRECTION_TEXT,
    NO_VALUE,
    NONE,
    THIRD_STYLE,
    UP,
)

#: A figure as ``dcc.Graph`` takes it: ``{"data": [trace, …], "layout": {…}}``.
Figure = dict

#: Region Dalarna and Riket: black and dark grey, thicker, with their own marker shapes.
REFERENCE_STYLES: dict[str, AreaStyle] = {
    area: area_style(area) for area in (REGION_DALARNA, RIKET)
}
#: One dash style per goal level (the vocabulary's); area series are always solid.
LEVEL_DASH: dict[str, str] = {level: LEVELS[level].line_dash for level in GOAL_LEVELS}
#: Colour of a goal line that is the same for every area shown.
SHARED_GOAL_COLOUR = "#444444"
BAND_FILL_ALPHA = 0.12
HOVER_WIDTH = 70

# --- the figure vocabulary: fonts, colours, axes, the empty-figure note -----------------------

FONT_FAMILY = '"Segoe UI", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif'
#: Text, grid lines, axis lines and zero lines.
INK = "#1a1a1a"
GRID = "#e3e3e3"
AXIS = "#767676"
ZERO_LINE = "#bdbdbd"
BACKGROUND = "#ffffff"
#: What the figures took from Plotly's default template ("plotly") that plotly.js would not
#: do by itself for scatter and bar traces on x/y axes; everything else of that template is
#: overridden by every figure (fonts, backgrounds, titles) or concerns other trace types.
#: Applies to every x and y axis, also the facets' ``xaxis2`` … .
TEMPLATE: dict = {
    "layout": {
        "autotypenumbers": "strict",
        "colorway": [
            "#636efa",
            "#EF553B",
            "#00cc96",
            "#ab63fa",
            "#FFA15A",
            "#19d3f3",
            "#FF6692",
            "#B6E880",
            "#FF97FF",
            "#FECB52",
        ],
        "hovermode": "closest",
        "xaxis": {
            "automargin": True,
            "gridcolor": "white",
            "linecolor": "white",
            "ticks": "",
            "title": {"standoff": 15},
            "zerolinecolor": "white",
            "zerolinewidth": 2,
        },
        "yaxis": {
            "automargin": True,
            "gridcolor": "white",
            "linecolor": "white",
            "ticks": "",
            "title": {"standoff": 15},
            "zerolinecolor": "white",
            "zerolinewidth": 2,
        },
        "annotationdefaults": {"arrowcolor": "#2a3f5f", "arrowhead": 0, "arrowwidth": 1},
        "shapedefaults": {"line": {"color": "#2a3f5f"}},
    }
}


def base_layout(title: Mapping) -> dict:
    """The layout every figure starts from: ``title`` (a title dict), Swedish separators,
    fonts, white backgrounds and left-aligned hover labels, and x/y axes styled alike."""
    return {
        "template": TEMPLATE,
        "title": dict(title),
        "separators": PLOTLY_SEPARATORS,
        "font": {"family": FONT_FAMILY, "size": 13, "color": INK},
        "paper_bgcolor": BACKGROUND,
        "plot_bgcolor": BACKGROUND,
        "hoverlabel": {"align": "left", "namelength": -1},
        "xaxis": x_axis(),
        "yaxis": y_axis(),
    }


def x_axis(**options) -> dict:
    """An x axis in the figures' style (no grid, a tick per label), with ``options`` on top."""
    return {"showgrid": False, "linecolor": AXIS, "ticks": "outside", **options}


def y_axis(**options) -> dict:
    """A y axis in the figures' style (light grid lines), with ``options`` on top."""
    return {"gridcolor": GRID, "zerolinecolor": ZERO_LINE, "linecolor": AXIS, **options}


def annotate(figure: Figure, **annotation) -> None:
    """Add a layout annotation."""
    figure["layout"].setdefault("annotations", []).append(annotation)


def no_data_note(figure: Figure, text: str) -> None:
    """Say in the middle of an empty figure why it is empty."""
    annotate(
        figure,
        text=html.escape(text),
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
    )


def area_styles(area_ids: Sequence[str]) -> dict[str, AreaStyle]:
    """Each area's own style (:func:`indicators.area_colours.area_style`), whichever areas are
    shown beside it."""
    return {area_id: area_style(area_id) for area_id in area_ids}


def series_name(area_title: str, gender: str, genders: Sequence[str]) -> str:
    """A line's legend name: the area, with the gender when it is not the total alone."""
    if gender == "T" and list(genders) == ["T"]:
        return area_title
    return f"{area_title} – {GENDER_LABELS.get(gender, gender).lower()}"


def number(value: float | None) -> float | None:
    """A value as a JSON number: a float, or ``None`` for a missing value (also NaN)."""
    if value is None:
        return None
    result = float(value)
    return None if math.isnan(result) else result


def goal_summary(goal, decimals: int = 1) -> str:
    """A goal in a few words, in the chart form of :func:`indicators.goal_text.goal_in_words`:
    "≤ 1,25 till 2045", "−70 % från 1990 till 2030", "mellan 40 och 60", "ska minska till 2030"."""
    return goal_in_words(goal, CHART, decimals=decimals)


def _hover_text(text: str) -> str:
    """Escaped and wrapped for a Plotly hover label."""
    lines = textwrap.wrap(text, HOVER_WIDTH) or [""]
    return "<br>".join(html.escape(line) for line in lines)


def _year_range(frames: Iterable[pd.DataFrame]) -> list[int]:
    years = [int(y) for frame in frames if not frame.empty for y in frame["year"]]
    if not years:
        return []
    return list(range(min(years), max(years) + 1))


def complete_years(frame: pd.DataFrame, years: Sequence[int]) -> list[float | None]:
    """A series' values for every year in ``years``: ``None`` where a year has no row or no
    value, so that the line breaks there (with ``connectgaps=False``)."""
    by_year = {int(y): number(v) for y, v in zip(frame["year"], frame["value"], strict=True)}
    return [by_year.get(int(year)) for year in years]


def _unit_text(unit: str) -> str:
    return f" {html.escape(unit)}" if unit else ""


def _series_trace(
    rows: pd.DataFrame,
    years: Sequence[int],
    name: str,
    style: AreaStyle,
    *,
    open_marker: bool,
    decimals: int,
    unit: str,
) -> dict:
    values = complete_years(rows, years)
    return {
        "type": "scatter",
        "x": list(years),
        "y": values,
        "name": name,
        "mode": "lines+markers",
        "connectgaps": False,
        "line": {"color": style.colour, "width": style.width, "dash": style.dash},
        "marker": {
            "symbol": style.symbol + ("-open" if open_marker else ""),
            "size": 8,
            "color": style.colour,
            "line": {"width": 1.5, "color": style.colour},
        },
        "customdata": [[name, format_number(v, decimals)] for v in values],
        "hovertemplate": "%{customdata[0]}<br>%{x}: %{customdata[1]}"
        + _unit_text(unit)
        + "<extra></extra>",
        "legendgroup": "omraden",
        "legendgrouptitle": {"text": "Områden"},
    }


def series_figure(
    observations: pd.DataFrame,
    *,
    title: str,
    unit: str,
    decimals: int,
    area_ids: Sequence[str],
    area_titles: Mapping[str, str],
    genders: Sequence[str] = ("T",),
    goal_lines: pd.DataFrame | None = None,
    goals: Mapping[str, object] | None = None,
    levels: Sequence[str] = GOAL_LEVELS,
) -> Figure:
    """One indicator's time series: a line per area and gender, goal lines per level.

    ``observations`` is a tidy table (area_id, year, gender, value) of one KPI. Each line runs
    over every year from the first to the last year of the whole chart, with ``None`` where a
    value is missing, so that gaps show. ``goal_lines`` is
    :func:`indicators.follow_up.goal_line_table`'s output and ``goals`` maps its goal ids to
    goal records (wording, source, target); only goals of ``levels`` are drawn, each level with
    its own dash style and legend group.
    """
    layout = base_layout(
        {"text": html.escape(title), "x": 0, "xanchor": "left", "font": {"size": 17}}
    )
    figure: Figure = {"data": [], "layout": layout}
    shown_lines = pd.DataFrame(columns=["level", "year"])
    if goal_lines is not None and not goal_lines.empty:
        shown_lines = goal_lines[goal_lines["level"].isin(list(levels))]
    years = _year_range([observations, shown_lines])
    styles = area_styles(area_ids)
    groups = {key: rows for key, rows in observations.groupby(["area_id", "gender"], sort=False)}
    empty = observations.iloc[0:0]
    for area_id in area_ids:
        for gender in genders:
            name = series_name(area_titles.get(area_id, area_id), gender, genders)
            figure["data"].append(
                _series_trace(
                    groups.get((area_id, gender), empty),
                    years,
                    name,
                    styles[area_id],
                    open_marker=gender == "M",
                    decimals=decimals,
                    unit=unit,
                )
            )
    if not shown_lines.empty:
        _add_goal_lines(figure, shown_lines, goals or {}, styles, area_titles, decimals, unit)
    layout["xaxis"].update({"title": {"text": "År"}, "tickformat": "d", "dtick": _year_step(years)})
    layout["yaxis"].update(
        {"title": {"text": html.escape(unit)}, "rangemode": _range_mode(observations)}
    )
    layout.update(
        legend={
            "groupclick": "toggleitem",
            "traceorder": "grouped",
            "tracegroupgap": 12,
            "font": {"size": 12},
        },
        margin={"l": 70, "r": 20, "t": 60, "b": 60},
        height=520,
    )
    if not years:
        no_data_note(figure, "Inga värden för det valda urvalet")
    return figure


def _year_step(years: Sequence[int]) -> int:
    span = (max(years) - min(years)) if years else 0
    return 1 if span <= 16 else (2 if span <= 32 else 5)


def _range_mode(observations: pd.DataFrame) -> str:
    values = observations["value"].dropna() if not observations.empty else pd.Series([])
    return "tozero" if values.empty or values.min() >= 0 else "normal"


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


#: One goal's lines for one area: (line, year, value) rows in the table's order.
GoalPath = list[tuple[str, int, float]]


def _goal_paths(lines: pd.DataFrame) -> dict[str, dict[str, dict[str, GoalPath]]]:
    """The goal-line table as level → goal → area → rows (areas in order of appearance),
    read once instead of filtered per level, goal and area."""
    tree: dict[str, dict[str, dict[str, GoalPath]]] = {}
    columns = ("level", "goal_id", "area_id", "line", "year", "value")
    for level, goal_id, area_id, line, year, value in zip(
        *(lines[name].tolist() for name in columns), strict=True
    ):
        area_paths = tree.setdefault(level, {}).setdefault(goal_id, {})
        area_paths.setdefault(area_id, []).append((line, int(year), float(value)))
    return tree


def _shared(paths: Mapping[str, GoalPath]) -> bool:
    """Whether every area (of several) has the same lines."""
    drawn = {
        tuple((line, year, round(value, 9)) for line, year, value in p) for p in paths.values()
    }
    return len(paths) > 1 and len(drawn) == 1


def _goal_trace(
    path: GoalPath, line_name: str, name: str, colour: str, level: str, decimals: int
) -> dict:
    """One line of a goal (or one edge of its band) for one area."""
    is_band_high = line_name == "band, högsta"
    is_band = line_name.startswith("band")
    values = [value for _, _, value in path]
    trace = {
        "type": "scatter",
        "x": [year for _, year, _ in path],
        "y": values,
        "name": name + (" (intervall)" if is_band else ""),
        "mode": "lines",
        "line": {"color": colour, "width": 2, "dash": LEVELS[level].line_dash},
        "showlegend": not (is_band and not is_band_high),
        "legendgroup": f"mal-{level}",
        "legendgrouptitle": {"text": LEVEL_LABELS[level]},
        "customdata": [[format_number(v, decimals)] for v in values],
    }
    if is_band_high:
        trace["fill"] = "tonexty"
        trace["fillcolor"] = _rgba(colour, BAND_FILL_ALPHA)
    return trace


def _by_line(path: GoalPath) -> dict[str, GoalPath]:
    """An area's rows of one goal per line (lines in order of appearance)."""
    lines: dict[str, GoalPath] = {}
    for row in path:
        lines.setdefault(row[0], []).append(row)
    return lines


def _add_goal_lines(
    figure: Figure,
    lines: pd.DataFrame,
    goals: Mapping[str, object],
    styles: Mapping[str, AreaStyle],
    area_titles: Mapping[str, str],
    decimals: int,
    unit: str,
) -> None:
    """Goal lines grouped by level (in :data:`GOAL_LEVELS` order), one legend group each."""
    tree = _goal_paths(lines)
    for level in GOAL_LEVELS:
        level_goals = tree.get(level, {})
        for goal_id in sorted(level_goals):
            paths = level_goals[goal_id]
            goal = goals.get(goal_id)
            summary = goal_summary(goal, decimals) if goal is not None else str(goal_id)
            shared = _shared(paths)
            hover = _goal_hover(goal, level, summary, unit)
            for area_id in [next(iter(paths))] if shared else list(paths):
                colour = SHARED_GOAL_COLOUR if shared else styles[area_id].colour
                if shared or len(styles) == 1:
                    name = summary
                else:
                    name = f"{summary} – {area_titles.get(area_id, area_id)}"
                for line_name, path in _by_line(paths[area_id]).items():
                    trace = _goal_trace(path, line_name, name, colour, level, decimals)
                    trace["hovertemplate"] = hover
                    trace["meta"] = {"level": level, "goal_id": goal_id, "line": line_name}
                    figure["data"].append(trace)


def _goal_hover(goal, level: str, summary: str, unit: str) -> str:
    parts = [f"<b>{html.escape(LEVEL_LABELS[level])}: {html.escape(summary)}</b>"]
    if goal is not None:
        parts.append(_hover_text(goal.wording_sv))
        parts.append(_hover_text(f"Källa: {goal.source_document}"))
    value = "%{customdata[0]}" + _unit_text(unit)
    parts.append(f"Mållinje %{{x}}: {value}")
    return "<br>".join(parts) + "<extra></extra>"


# --- ranking ---------------------------------------------------------------------------------

#: How the reference areas are marked in the ranking chart.
REFERENCE_RULES: dict[str, tuple[str, str]] = {
    REGION_DALARNA: (area_colour(REGION_DALARNA), "dash"),
    RIKET: (area_colour(RIKET), "dot"),
}

#: How the ranking is ordered, per desired direction ("högst värde först (högre är bättre)").
DIRECTION_RANK_TEXT: dict[str, str] = {
    UP: f"{DIRECTIONS[UP].ranking} ({DIRECTIONS[UP].better})",
    DOWN: f"{DIRECTIONS[DOWN].ranking} ({DIRECTIONS[DOWN].better})",
    NONE: f"{DIRECTIONS[UP].ranking} ({NO_DIRECTION_TEXT})",
}


def rank_label(rank: int | None, area_title: str) -> str:
    return f"{rank}. {area_title}" if rank is not None else area_title


def _rank_trace(third: str, labels: list[str], values: list, decimals: int, unit: str) -> dict:
    """The areas of one relative position: bars with the value, or a note for no value."""
    style = THIRD_STYLE[third]
    name = f"{style.icon} {style.label_sv}"
    if third == NO_VALUE:
        return {
            "type": "scatter",
            "x": [0] * len(labels),
            "y": labels,
            "mode": "text",
            "text": [f"{style.icon} saknar värde"] * len(labels),
            "textposition": "middle right",
            "name": name,
            "hoverinfo": "skip",
            "showlegend": True,
        }
    numbers = [number(v) for v in values]
    texts = [f"{style.icon} {format_number(v, decimals)}" for v in numbers]
    return {
        "type": "bar",
        "x": numbers,
        "y": labels,
        "orientation": "h",
        "name": name,
        "marker": {"color": style.colour, "line": {"color": "#333333", "width": 0.5}},
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
        "textfont": {"color": INK},
        "customdata": [[label, text] for label, text in zip(labels, texts, strict=True)],
        "hovertemplate": "%{customdata[0]}: %{customdata[1]}"
        + _unit_text(unit)
        + f"<br>{html.escape(style.label_sv)}<extra></extra>",
    }


def ranking_figure(
    ranks: pd.DataFrame,
    *,
    title: str,
    unit: str,
    decimals: int,
    area_titles: Mapping[str, str],
    references: Mapping[str, float | None] | None = None,
) -> Figure:
    """The municipalities as horizontal bars, best at the top, coloured by relative position.

    ``ranks`` is :func:`indicators.ranking.rank_table`'s output (best first, areas without
    a value last). Each bar's text carries the third's icon and the value; ``references``
    (Region Dalarna, Riket → value) are drawn as vertical rules.
    """
    layout = base_layout(
        {"text": html.escape(title), "x": 0, "xanchor": "left", "font": {"size": 17}}
    )
    figure: Figure = {"data": [], "layout": layout}
    labels = [
        rank_label(None if pd.isna(r) else int(r), area_titles.get(a, a))
        for a, r in zip(ranks["area_id"], ranks["rank"], strict=True)
    ]
    by_third: dict[str, tuple[list, list]] = {}
    for third, label, value in zip(ranks["label"], labels, ranks["value"], strict=True):
        shown, values = by_third.setdefault(third, ([], []))
        shown.append(label)
        values.append(value)
    for third, _style in sorted(THIRD_STYLE.items(), key=lambda item: item[1].order):
        if third in by_third:
            figure["data"].append(_rank_trace(third, *by_third[third], decimals, unit))
    _add_reference_rules(figure, references or {}, area_titles, decimals)
    layout["yaxis"].update(categoryorder="array", categoryarray=labels, autorange="reversed")
    layout["xaxis"].update(title={"text": html.escape(unit)}, rangemode="tozero")
    layout.update(
        barmode="overlay",
        bargap=0.25,
        legend={"orientation": "h", "y": -0.18, "x": 0, "title": {"text": "Relativ position"}},
        margin={"l": 150, "r": 70, "t": 95, "b": 90},
        height=max(380, 40 + 30 * len(labels) + 170),
    )
    if not labels:
        no_data_note(figure, "Inga kommunvärden att rangordna")
    return figure


def _add_reference_rules(
    figure: Figure,
    references: Mapping[str, float | None],
    area_titles: Mapping[str, str],
    decimals: int,
) -> None:
    """Vertical rules for Region Dalarna and Riket, labelled above the plot: the lower value's
    label to the left of its rule, the higher one's to the right, so that they do not overlap."""
    present = sorted(
        (value, area_id)
        for area_id, value in ((a, number(v)) for a, v in references.items())
        if value is not None and area_id in REFERENCE_RULES
    )
    for index, (value, area_id) in enumerate(present):
        colour, dash = REFERENCE_RULES[area_id]
        figure["layout"].setdefault("shapes", []).append(
            {
                "type": "line",
                "x0": value,
                "x1": value,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": colour, "dash": dash, "width": 2},
            }
        )
        left = index == 0 and len(present) > 1
        annotate(
            figure,
            x=value,
            xref="x",
            y=1,
            yref="paper",
            yanchor="bottom",
            xanchor="right" if left else "left",
            showarrow=False,
            text=f"{html.escape(area_titles.get(area_id, area_id))}: "
            f"{format_number(value, decimals)}",
            font={"color": colour, "size": 12},
            name=f"referens-{area_id}",
        )
