"""The indicator figures: gaps, goal lines per level, bands, reference areas, ranking order."""

from __future__ import annotations

import pandas as pd
import plotly.io as pio
import pytest

from data.areas import DEFAULT_AREAS
from data.goals import GoalRecord
from indicators.area_colours import area_style
from indicators.catalogue import catalogue_by_id
from indicators.conflicts import CorrelationResult
from indicators.follow_up import goal_line_table
from indicators.goal_text import goal_number
from indicators.ranking import rank_table
from indicators.vocabulary import LOWER_THIRD, NO_VALUE, THIRD_STYLE, UPPER_THIRD
from layouts.parts.comparison_figures import (
    facet_figure,
    indicator_figure,
    paths_figure,
    scatter_figure,
    series_table,
)
from layouts.parts.figures import (
    LEVEL_DASH,
    REFERENCE_STYLES,
    SHARED_GOAL_COLOUR,
    TEMPLATE,
    complete_years,
    goal_summary,
    ranking_figure,
    series_figure,
)
from tests.support.figures import validated

TITLES = {"2062": "Mora", "2080": "Falun", "0020": "Region Dalarna", "0000": "Riket"}
NBSP = "\u00a0"


def obs(rows) -> pd.DataFrame:
    """A tidy observation table from (area, year, gender, value) tuples."""
    frame = pd.DataFrame(rows, columns=["area_id", "year", "gender", "value"])
    frame["kpi_id"] = "N00401"
    frame["value"] = frame["value"].astype("float64")
    return frame


def goal(**fields) -> GoalRecord:
    values = {
        "id": "g",
        "kpi_id": "N00401",
        "level": "regional",
        "kind": "absolute",
        "wording_sv": "Utsläppen ska minska.",
        "source_document": "Dalastrategin",
    }
    values.update(fields)
    return GoalRecord(**values)


def traces(figure, **match):
    return [t for t in figure.data if all(getattr(t, k) == v for k, v in match.items())]


def by_name(figure, name):
    found = [t for t in figure.data if t.name == name]
    assert len(found) == 1, [t.name for t in figure.data]
    return found[0]


def series(frame, *, area_ids=("2062", "0020", "0000"), **options):
    defaults = {
        "title": "Växthusgasutsläpp per invånare",
        "unit": "ton CO2-ekv/inv",
        "decimals": 2,
        "area_ids": area_ids,
        "area_titles": TITLES,
    }
    defaults.update(options)
    return validated(series_figure(frame, **defaults))


# --- series ----------------------------------------------------------------------------------


def test_complete_years_puts_none_where_a_year_or_a_value_is_missing():
    frame = obs([("2062", 2010, "T", 3.0), ("2062", 2012, "T", None), ("2062", 2013, "T", 2.5)])
    assert complete_years(frame, [2010, 2011, 2012, 2013, 2014]) == [3.0, None, None, 2.5, None]


def test_gaps_stay_gaps_over_the_whole_chart_period():
    frame = obs(
        [
            ("2062", 2010, "T", 3.0),
            ("2062", 2013, "T", 2.0),  # 2011 and 2012 have no row
            ("0020", 2010, "T", 5.0),
            ("0020", 2011, "T", None),  # a row without a value
            ("0020", 2012, "T", 4.5),
            ("0020", 2013, "T", 4.0),
            ("0000", 2011, "T", 4.0),
        ]
    )
    figure = series(frame)
    mora, dalarna, riket = (by_name(figure, n) for n in ("Mora", "Region Dalarna", "Riket"))
    assert list(mora.x) == [2010, 2011, 2012, 2013]
    assert list(mora.y) == [3.0, None, None, 2.0]
    assert list(dalarna.y) == [5.0, None, 4.5, 4.0]
    assert list(riket.y) == [None, 4.0, None, None]
    assert all(t.connectgaps is False for t in (mora, dalarna, riket))


def test_every_figure_uses_swedish_separators_and_says_what_it_shows():
    figure = series(obs([("2062", 2010, "T", 1234.5)]), decimals=1)
    assert figure.layout.separators == ", "
    assert figure.layout.title.text == "Växthusgasutsläpp per invånare"
    assert figure.layout.yaxis.title.text == "ton CO2-ekv/inv"
    mora = by_name(figure, "Mora")
    assert mora.customdata[0][1] == f"1{NBSP}234,5"
    assert "ton CO2-ekv/inv" in mora.hovertemplate
    ranking = validated(
        ranking_figure(
            rank_table({"2062": 1.5}, "up"), title="R", unit="%", decimals=1, area_titles=TITLES
        )
    )
    assert ranking.layout.separators == ", "


def test_reference_areas_are_styled_apart_and_municipalities_differ_by_marker():
    frame = obs([(a, 2010, "T", 1.0) for a in ("2062", "2080", "0020", "0000")])
    figure = series(frame, area_ids=("2062", "2080", "0020", "0000"))
    mora, falun = by_name(figure, "Mora"), by_name(figure, "Falun")
    dalarna, riket = by_name(figure, "Region Dalarna"), by_name(figure, "Riket")
    assert (mora.line.color, mora.marker.symbol) == (area_style("2062").colour, "x")
    assert (falun.line.color, falun.marker.symbol) == (area_style("2080").colour, "circle")
    assert dalarna.line.color == REFERENCE_STYLES["0020"].colour == "#000000"
    assert dalarna.marker.symbol == "square"
    assert riket.marker.symbol == "diamond"
    assert riket.line.color == REFERENCE_STYLES["0000"].colour
    assert dalarna.line.width > mora.line.width
    symbols = [t.marker.symbol for t in (mora, falun, dalarna, riket)]
    assert len(set(symbols)) == 4
    assert all(t.line.dash == "solid" for t in (mora, falun, dalarna, riket))


def test_women_and_men_get_a_line_each_told_apart_by_name_and_open_markers():
    frame = obs([("2062", 2010, "K", 1.0), ("2062", 2010, "M", 2.0), ("0020", 2010, "K", 1.5)])
    figure = series(frame, area_ids=("2062", "0020"), genders=("K", "M"))
    women, men = by_name(figure, "Mora – kvinnor"), by_name(figure, "Mora – män")
    assert list(women.y) == [1.0] and list(men.y) == [2.0]
    assert men.marker.symbol == women.marker.symbol + "-open"
    assert list(by_name(figure, "Region Dalarna – män").y) == [None]


def _within(ours, theirs, path="template") -> None:
    if isinstance(ours, dict):
        for key, value in ours.items():
            assert key in theirs, f"{path}.{key}"
            _within(value, theirs[key], f"{path}.{key}")
    else:
        assert ours == theirs, path


def test_figures_are_plain_json_with_what_they_used_of_plotlys_default_template():
    frame = obs([("2062", 2010, "T", 1.0), ("2062", 2011, "T", None)])
    figure = series_figure(
        frame, title="T", unit="%", decimals=1, area_ids=("2062",), area_titles=TITLES
    )
    assert isinstance(figure, dict) and isinstance(figure["data"][0], dict)
    assert figure["data"][0]["y"] == [1.0, None]  # a gap is null, never NaN
    assert figure["layout"]["template"] is TEMPLATE
    # what the figures took over from Plotly's default template, unchanged
    _within(TEMPLATE, pio.templates["plotly"].to_plotly_json())
    assert TEMPLATE["layout"]["xaxis"]["automargin"] is True
    assert validated(figure).layout.template.layout.yaxis.title.standoff == 15


# --- goal lines ------------------------------------------------------------------------------

MORA_LOCAL = goal(
    id="mora-1-5",
    level="lokal",
    operator="<=",
    target_value=1.5,
    target_year=2030,
    base_year=2010,
    areas=("2062",),
    wording_sv="Mora ska ligga på 1,5 ton per invånare 2030.",
    source_document="Hållbara Mora",
)
DALARNA_REGIONAL = goal(
    id="dalarna-1-25",
    level="regional",
    operator="<=",
    target_value=1.25,
    target_year=2045,
    base_year=2010,
)
BAND = goal(
    id="band-40-60",
    kpi_id="N00401",
    level="nationell",
    kind="band",
    band_low=40,
    band_high=60,
    wording_sv="Jämn könsfördelning.",
    source_document="SCB",
)


def two_areas() -> pd.DataFrame:
    return obs(
        [
            ("2062", 2010, "T", 3.0),
            ("2062", 2011, "T", 2.8),
            ("0020", 2010, "T", 5.0),
            ("0020", 2011, "T", 4.9),
        ]
    )


def goal_figure(goals, levels=("lokal", "regional", "nationell", "global"), frame=None):
    frame = two_areas() if frame is None else frame
    area_ids = ("2062", "0020")
    lines = goal_line_table(frame, goals, area_ids=area_ids)
    return series(
        frame,
        area_ids=area_ids,
        goal_lines=lines,
        goals={g.id: g for g in goals},
        levels=levels,
    )


def test_goal_lines_have_a_dash_style_and_legend_group_per_level():
    figure = goal_figure([MORA_LOCAL, DALARNA_REGIONAL])
    local = traces(figure, legendgroup="mal-lokal")
    regional = traces(figure, legendgroup="mal-regional")
    assert [t.name for t in local] == ["≤ 1,5 till 2030 – Mora"]
    assert [t.name for t in regional] == [
        "≤ 1,25 till 2045 – Mora",
        "≤ 1,25 till 2045 – Region Dalarna",
    ]
    assert {t.line.dash for t in local} == {LEVEL_DASH["lokal"]} == {"dot"}
    assert {t.line.dash for t in regional} == {LEVEL_DASH["regional"]} == {"dashdot"}
    assert local[0].legendgrouptitle.text == "Lokalt mål"
    assert regional[0].legendgrouptitle.text == "Regionalt mål"
    # the line runs from the area's base (2010: 3.0) to the target (2030: 1.5)
    assert (local[0].x[0], local[0].y[0]) == (2010, 3.0)
    assert (local[0].x[-1], local[0].y[-1]) == (2030, 1.5)
    # each area's goal line has the area's colour
    assert regional[0].line.color == by_name(figure, "Mora").line.color
    assert regional[1].line.color == "#000000"
    # the x axis reaches the target year; the series get None up to there
    assert list(by_name(figure, "Mora").x)[-1] == 2045


def test_goal_hover_names_level_wording_source_and_value():
    figure = goal_figure([MORA_LOCAL])
    (line,) = traces(figure, legendgroup="mal-lokal")
    assert "Lokalt mål: ≤ 1,5 till 2030" in line.hovertemplate
    assert "Mora ska ligga på 1,5 ton per invånare 2030." in line.hovertemplate
    assert "Källa: Hållbara Mora" in line.hovertemplate
    # 2020 is half way from 3.0 (2010) to 1.5 (2030): 2.25
    index = list(line.x).index(2020)
    assert line.customdata[index][0] == "2,25"


def test_only_the_chosen_levels_are_drawn():
    figure = goal_figure([MORA_LOCAL, DALARNA_REGIONAL], levels=("regional",))
    assert traces(figure, legendgroup="mal-lokal") == []
    assert len(traces(figure, legendgroup="mal-regional")) == 2
    assert list(by_name(figure, "Mora").x)[-1] == 2045
    figure = goal_figure([MORA_LOCAL, DALARNA_REGIONAL], levels=())
    assert [t.legendgroup for t in figure.data] == ["omraden", "omraden"]
    assert list(by_name(figure, "Mora").x) == [2010, 2011]


def test_a_band_is_one_shaded_band_when_all_areas_share_it():
    figure = goal_figure([BAND])
    band = traces(figure, legendgroup="mal-nationell")
    assert [t.meta["line"] for t in band] == ["band, lägsta", "band, högsta"]
    low, high = band
    assert list(low.y) == [40.0, 40.0] and list(high.y) == [60.0, 60.0]
    assert high.fill == "tonexty" and low.fill is None
    assert low.showlegend is False and high.showlegend is True
    assert high.name == "mellan 40 och 60 (intervall)"
    assert low.line.color == high.line.color == SHARED_GOAL_COLOUR
    assert {low.line.dash, high.line.dash} == {LEVEL_DASH["nationell"]}
    # the filled trace comes right after the line it fills down to
    assert figure.data.index(high) == figure.data.index(low) + 1


def test_a_figure_without_values_says_so():
    figure = series(obs([]))
    assert [a.text for a in figure.layout.annotations] == ["Inga värden för det valda urvalet"]


# --- goal texts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"operator": "<=", "target_value": 1.25, "target_year": 2045}, "≤ 1,25 till 2045"),
        ({"operator": ">=", "target_value": 82.0}, "≥ 82"),
        (
            {"kind": "relative", "relative_change": -0.7, "base_year": 2010, "target_year": 2030},
            "−70 % från 2010 till 2030",
        ),
        ({"kind": "relative", "relative_change": -0.125, "target_year": 2030}, "−12,5 % till 2030"),
        ({"kind": "band", "band_low": 40.0, "band_high": 60.0}, "mellan 40 och 60"),
        ({"kind": "direction", "direction": "down", "target_year": 2030}, "ska minska till 2030"),
        ({"kind": "direction", "direction": "up"}, "ska öka"),
    ],
)
def test_goal_summary(fields, expected):
    assert goal_summary(goal(**fields), decimals=1) == expected


def test_goal_number_shows_the_decimals_the_goal_has():
    assert goal_number(40.0, 1) == "40"
    assert goal_number(1.25, 1) == "1,25"
    assert goal_number(1.5, 2) == "1,5"
    assert goal_number(7_500_000.0, 0) == f"7{NBSP}500{NBSP}000"


# --- ranking ---------------------------------------------------------------------------------


def rank_figure(values, direction, references=None):
    titles = {"a": "Aby", "b": "Bro", "c": "Ceby", "d": "Dal", **TITLES}
    return validated(
        ranking_figure(
            rank_table(values, direction),
            title="Rangordning",
            unit="%",
            decimals=1,
            area_titles=titles,
            references=references,
        )
    )


def test_ranking_puts_the_best_at_the_top_for_an_upward_direction():
    figure = rank_figure({"a": 10.0, "b": 30.0, "c": 20.0}, "up")
    assert list(figure.layout.yaxis.categoryarray) == ["1. Bro", "2. Ceby", "3. Aby"]
    assert figure.layout.yaxis.autorange == "reversed"


def test_ranking_puts_the_lowest_at_the_top_for_a_downward_direction():
    figure = rank_figure({"a": 10.0, "b": 30.0, "c": 20.0}, "down")
    assert list(figure.layout.yaxis.categoryarray) == ["1. Aby", "2. Ceby", "3. Bro"]
    upper = THIRD_STYLE[UPPER_THIRD]
    top = by_name(figure, f"{upper.icon} {upper.label_sv}")
    assert list(top.y) == ["1. Aby"] and list(top.x) == [10.0]
    assert top.marker.color == upper.colour
    assert list(top.text) == [f"{upper.icon} 10,0"]
    lower = THIRD_STYLE[LOWER_THIRD]
    bottom = by_name(figure, f"{lower.icon} {lower.label_sv}")
    assert list(bottom.y) == ["3. Bro"] and bottom.marker.color == lower.colour


def test_areas_without_a_value_come_last_and_say_so():
    figure = rank_figure({"a": 10.0, "b": None, "c": 20.0}, "up")
    assert list(figure.layout.yaxis.categoryarray) == ["1. Ceby", "2. Aby", "Bro"]
    missing = THIRD_STYLE[NO_VALUE]
    text = by_name(figure, f"{missing.icon} {missing.label_sv}")
    assert list(text.y) == ["Bro"] and list(text.text) == [f"{missing.icon} saknar värde"]


def test_reference_areas_are_vertical_rules_labelled_without_overlap():
    figure = rank_figure({"a": 10.0, "b": 30.0}, "up", {"0020": 25.0, "0000": 20.0, "x": 1.0})
    rules = [(s.x0, s.line.color, s.line.dash) for s in figure.layout.shapes]
    assert rules == [(20.0, "#595959", "dot"), (25.0, "#000000", "dash")]
    labels = {a.text: a.xanchor for a in figure.layout.annotations}
    # the lower value is labelled to the left of its rule, the higher to the right
    assert labels == {"Riket: 20,0": "right", "Region Dalarna: 25,0": "left"}
    none_missing = rank_figure({"a": 10.0}, "up", {"0020": None})
    assert list(none_missing.layout.shapes) == []


def test_a_ranking_without_values_says_so():
    figure = rank_figure({}, "up")
    assert [a.text for a in figure.layout.annotations] == ["Inga kommunvärden att rangordna"]
    assert list(figure.data) == []


# --- one style per area on every page ---------------------------------------------------------

ALL_AREAS = tuple(DEFAULT_AREAS)
ALL_TITLES = {area_id: title for area_id, (title, _) in DEFAULT_AREAS.items()}


def _line_styles(figure) -> dict[str, tuple[str, str, str]]:
    """Per area title: (line colour, marker symbol, dash) of its line traces."""
    styles: dict[str, set] = {}
    for trace in figure.data:
        if trace.name in ALL_TITLES.values():
            styles.setdefault(trace.name, set()).add(
                (trace.line.color, trace.marker.symbol, trace.line.dash)
            )
    assert all(len(found) == 1 for found in styles.values()), styles  # the same in every facet
    return {name: next(iter(found)) for name, found in styles.items()}


def _point_styles(figure) -> dict[str, tuple[str, str]]:
    """Per area title: (marker colour, marker symbol) of the scatter's labelled points."""
    styles = {}
    for trace in figure.data:
        if trace.mode != "markers+text":
            continue
        colours = trace.marker.color
        symbols = trace.marker.symbol
        for index, label in enumerate(trace.text):
            colour = colours if isinstance(colours, str) else colours[index]
            symbol = symbols if isinstance(symbols, str) else symbols[index]
            styles[label] = (colour, symbol)
    return styles


def test_every_area_has_the_same_style_on_every_page():
    """The indicator chart, Jämför's panels and facets and Målkonflikter's scatter and paths
    draw each area in its own colour and marker, whichever areas are shown with it."""
    years = (2018, 2019, 2020)
    frame = obs([(a, y, "T", 1.0 + i) for i, a in enumerate(ALL_AREAS) for y in years])
    indicator = catalogue_by_id()["N00401"]
    table = series_table(frame, "N00401", ALL_AREAS)
    municipalities = [a for a in ALL_AREAS if a not in ("0020", "0000")]
    points = pd.DataFrame(
        {"area_id": ALL_AREAS, "x": range(17), "y": [v * v for v in range(17)]}, dtype=object
    )
    paths = pd.DataFrame(
        [(a, y, float(i), float(y - 2000)) for i, a in enumerate(ALL_AREAS) for y in years],
        columns=["area_id", "year", "x", "y"],
    )
    result = CorrelationResult(0.5, 0.5, 15, "")
    gdp = catalogue_by_id()["N03702"]

    expected = {
        ALL_TITLES[a]: (area_style(a).colour, area_style(a).symbol, area_style(a).dash)
        for a in ALL_AREAS
    }
    line_figures = {
        "indikator": series(frame, area_ids=ALL_AREAS, area_titles=ALL_TITLES),
        "indikator, Falun först": series(frame, area_ids=("2080", "0000"), area_titles=ALL_TITLES),
        "jämför": validated(indicator_figure(table, indicator, ALL_TITLES)),
        "jämför, två kommuner": validated(
            indicator_figure(table[["2085", "2080", "0020"]], indicator, ALL_TITLES)
        ),
        "jämför, egen skala": validated(
            indicator_figure(table, indicator, ALL_TITLES, own_scale=("0020", "0000"))
        ),
        "samma skala": validated(
            facet_figure(table, indicator, municipalities, ("0020", "0000"), ALL_TITLES)
        ),
        "målkonflikter, över tid": validated(
            paths_figure(paths, gdp, indicator, ALL_TITLES, first_year=2018, last_year=2020)
        ),
    }
    for page, figure in line_figures.items():
        found = _line_styles(figure)
        assert found, page
        assert found == {name: expected[name] for name in found}, page
    scatter = validated(
        scatter_figure(points, gdp, indicator, ALL_TITLES, result, year=2020, fit=(1.0, 0.0))
    )
    assert _point_styles(scatter) == {name: style[:2] for name, style in expected.items()}
