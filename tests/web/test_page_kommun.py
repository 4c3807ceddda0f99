"""Kommun: an area's profile (/kommun/<id>) and the index (/kommun).

Pure builders are tested with literal tables; the page layouts and the callback on the demo app.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import math
import sys
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pandas as pd
import pytest
from plotly.utils import PlotlyJSONEncoder

from data.goals import CATALOGUE_PATH, GoalRecord
from indicators.area_profile import (
    applicable_indicators,
    assess_local_goals,
    local_goals,
    tile_summary,
)
from indicators.catalogue import catalogue_by_id, load_catalogue
from indicators.formatting import format_number
from indicators.goal_csv import read_goal_csv
from indicators.vocabulary import ALL_LEVELS, GOAL_LEVELS, STATUS_STYLE, TREND, Status
from layouts.parts import profile as _profile
from layouts.parts.profile import (
    DEFAULT_LEVEL,
    ProfileSelection,
    area_series,
    count_badges,
    goal_target_text,
    local_goal_table,
    note_href,
    profile_href,
    ranking_note,
    read_selection,
    sdg_tiles,
)
from layouts.parts.sparkline import (
    SparklineBox,
    sparkline_description,
    sparkline_image,
    sparkline_path,
    sparkline_segments,
    sparkline_svg,
)
from tests.support.literal_tables import status_frame

# --------------------------------------------------------------------------- helpers


def walk(component):
    """Every component in a Dash tree (depth first)."""
    if component is None or isinstance(component, (str, int, float)):
        return
    if isinstance(component, (list, tuple)):
        for child in component:
            yield from walk(child)
        return
    yield component
    yield from walk(getattr(component, "children", None))


def text_of(component) -> str:
    """All the text in a Dash tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return "".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


def by_id(tree, component_id):
    found = [c for c in walk(tree) if getattr(c, "id", None) == component_id]
    assert len(found) == 1, f"expected one component with id {component_id!r}, got {len(found)}"
    return found[0]


def with_class(tree, name: str) -> list:
    return [c for c in walk(tree) if name in (getattr(c, "className", None) or "").split()]


def attribute(component, name: str):
    return component.to_plotly_json()["props"].get(name)


class MarkupReader(HTMLParser):
    """The elements of the indicator list's markup: (tag, attributes) in order, and text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.texts: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.texts.append(data)

    def having(self, name: str) -> list[dict]:
        return [attrs for _, attrs in self.elements if name in attrs]

    def with_class(self, name: str) -> list[dict]:
        return [a for _, a in self.elements if name in (a.get("class") or "").split()]


def list_markup(tree) -> MarkupReader:
    return MarkupReader(by_id(tree, "kommun-indicators").children)


STATUS_COLUMNS = ["area_id", "kpi_id", "gender", "level", "goal_id", "sdg_goal", "status", "score"]


# --------------------------------------------------------------------------- SDG tiles


def test_sdg_tiles_link_to_their_goal_and_show_counts():
    frame = status_frame(
        [
            ("N1", "nationell", 3, Status.I_FAS, 5.0),
            ("N2", "nationell", 3, Status.I_FAS, 4.0),
            ("N3", "nationell", 3, Status.FEL_HALL, -4.0),
        ]
    )
    tiles = sdg_tiles(
        tile_summary(frame, "nationell"),
        "nationell",
        href=lambda goal: f"/x?mal={goal}" if goal else "/x",
        selected=5,
    )
    items = tiles.children
    assert [attribute(item, "data-sdg") for item in items] == [str(g) for g in range(1, 18)]
    links = [item.children for item in items]
    assert links[2].href == "/x?mal=3"
    assert links[4].href == "/x", "the selected tile links back to every goal"
    assert "selected" in links[4].className
    counts = {
        attribute(badge, "data-status"): text_of(badge)
        for badge in with_class(links[2], "count-badge")
    }
    i_fas = STATUS_STYLE[Status.I_FAS]
    fel = STATUS_STYLE[Status.FEL_HALL]
    assert counts == {
        "i fas": f"{i_fas.icon}{i_fas.label_sv}: 2",
        "går åt fel håll": f"{fel.icon}{fel.label_sv}: 1",
    }
    assert "Inget nationellt mål" in text_of(links[0])


def test_count_badges_leave_out_or_show_zero():
    counts = {"n_uppnått": 0, "n_i fas": 3, "n_går åt fel håll": 1}
    shown = [attribute(b, "data-status") for b in count_badges(counts).children]
    assert shown == ["i fas", "går åt fel håll"]
    every = count_badges(counts, show_zero=True).children
    assert [attribute(b, "data-status") for b in every] == [s.value for s in _profile.STATUS_ORDER]
    assert "zero" in every[0].className


# --------------------------------------------------------------------------- strongest/weakest


def test_ranking_note_counts_goals_and_assessed():
    frame = status_frame(
        [
            ("A", "nationell", 1, Status.I_FAS, 5.0),
            ("B", "nationell", 1, Status.EJ_BEDOMBAR, math.nan),
            ("C", TREND, 1, Status.I_FAS, 1.0),
        ]
    )
    note = ranking_note(frame, "nationell", "social")
    assert "2 av områdets indikatorer har ett nationellt mål; 1 kunde bedömas" in note
    assert "Välj Trend" in note
    assert note.endswith("Endast dimensionen social.")
    assert "1 av 1 indikatorer kunde bedömas" in ranking_note(frame, TREND)


# --------------------------------------------------------------------------- goal texts


def _goal(**fields) -> GoalRecord:
    base = {
        "id": "g",
        "kpi_id": "N00401",
        "level": "lokal",
        "kind": "absolute",
        "wording_sv": "Mål",
        "source_document": "Källa",
    }
    return GoalRecord(**{**base, **fields})


def test_goal_target_text_for_each_kind():
    emissions = catalogue_by_id()["N00401"]  # lower is better
    unit = _profile.display_unit(emissions.unit)
    assert (
        goal_target_text(
            _goal(kind="absolute", operator="<=", target_value=1.5, target_year=2030), emissions
        )
        == f"högst 1,5 {unit} år 2030"
    )
    assert (
        goal_target_text(_goal(kind="absolute", target_value=2.0), emissions) == f"högst 2 {unit}"
    ), "without an operator the indicator's direction decides"
    relative = _goal(kind="relative", relative_change=-0.5, base_year=2015, target_year=2030)
    assert goal_target_text(relative, emissions, target_value=4.0) == (
        f"−50 % från 2015 ({_profile.format_value(4.0, emissions)}) år 2030"
    )
    assert goal_target_text(relative, emissions, with_year=False) == "−50 % från 2015"
    halt = _goal(kind="relative", relative_change=0.0, direction="down", base_year=2010)
    assert goal_target_text(halt, emissions) == "ingen ökning från 2010"
    band = _goal(kind="band", band_low=40, band_high=60)
    share = catalogue_by_id()["N05815"]
    assert goal_target_text(band, share) == "40–60 %"
    direction = _goal(kind="direction", direction="down", target_year=2030)
    assert goal_target_text(direction, emissions) == "ska minska till 2030"
    assert goal_target_text(None, emissions) == "–"


# --------------------------------------------------------------------------- sparklines


SERIES = [
    (2010, 1.0),
    (2011, 3.0),
    (2012, None),
    (2013, 2.0),
    (2014, 5.0),
    (2015, math.nan),
    (2016, 4.0),
]


def test_sparkline_points_break_at_missing_values():
    box = SparklineBox(width=60, height=20, padding=0)

    # x: 10 px a year from 2010; y: (5 − value) / (5 − 1) × 20 px from the top.
    def x(year):
        return (year - 2010) * 60 / 6

    def y(value):
        return (5 - value) / 4 * 20

    segments = sparkline_segments(SERIES, box=box)
    assert segments == [
        [(x(2010), y(1.0)), (x(2011), y(3.0))],
        [(x(2013), y(2.0)), (x(2014), y(5.0))],
        [(x(2016), y(4.0))],
    ]
    assert sparkline_path(segments) == "M0,20L10,10M30,15L40,0"
    svg = sparkline_svg(SERIES, box=box)
    assert "d='M0,20L10,10M30,15L40,0'" in svg
    assert "<circle cx='60' cy='5' r='1.5'" in svg, "a lone value is a dot"
    assert "<circle cx='60' cy='5' r='2.5'" in svg, "the latest value is marked"


def test_sparkline_common_year_range_and_flat_series():
    box = SparklineBox(width=100, height=30, padding=5)
    segments = sparkline_segments([(2015, 7.0), (2020, 7.0)], years=(2010, 2020), box=box)
    # 2015 is halfway between 2010 and 2020 inside the padding; a flat line lies in the middle.
    assert segments == [[(5 + 0.5 * 90, 15.0), (95.0, 15.0)]]
    assert sparkline_segments([(2015, None)], box=box) == []
    assert "stroke-dasharray" in sparkline_svg([], box=box), "no values: a dashed line"


def test_sparkline_description_and_image():
    assert sparkline_description(SERIES, decimals=1, unit="%") == (
        "Från 1,0 % (2010) till 4,0 % (2016); värde saknas för 2012, 2015"
    )
    assert sparkline_description([(2020, 3.25)], decimals=2) == "Ett värde: 3,25 (2020)"
    assert sparkline_description([]) == "Inga värden"
    image = sparkline_image(SERIES, decimals=1, unit="%")
    assert image.alt == sparkline_description(SERIES, decimals=1, unit="%")
    prefix = "data:image/svg+xml;charset=utf-8,"
    assert image.src.startswith(prefix)
    encoded = image.src.removeprefix(prefix)
    assert "#" not in encoded, "a raw # would end the data URI"
    assert unquote(encoded) == sparkline_svg(SERIES)


# --------------------------------------------------------------------------- indicator list


def test_indicator_list_markup_rows_cells_and_escaping():
    real = catalogue_by_id()["N00401"]
    odd = dataclasses.replace(real, kpi_id="N99999", label='<b>{x}</b> & "co"', sdg_goal=13)
    frame = status_frame(
        [
            ("N00401", TREND, 13, Status.I_FAS, 4.0),
            ("N00401", "lokal", 13, Status.FEL_HALL, -3.0),
            ("N99999", TREND, 13, Status.OTILLRACKLIG, -1.0),
        ]
    )
    series = {"N00401": [(2020, 4.0), (2021, None), (2022, 3.5)]}
    markup = _profile.indicator_list_html(frame, series, [real, odd], area_id="2062")
    reader = MarkupReader(markup)
    assert [a["data-sdg"] for a in reader.with_class("sdg-section")] == ["13"]
    assert [a["data-kpi"] for a in reader.with_class("indicator-row")] == ["N00401", "N99999"]
    links = [a for tag, a in reader.elements if tag == "dcclink"]
    assert [a["href"] for a in links] == [
        "/indikator/N00401?omraden=2062",
        "/indikator/N99999?omraden=2062",
    ]
    assert '<b>{x}</b> & "co"' in reader.texts, "the label comes back as written"
    assert "<b>" not in markup and "{x}" not in markup, "markup and JSX braces are escaped"
    # Each row: one level cell per goal level; the local goal has a badge, the others "–".
    level_cells = reader.with_class("level-cell")
    header_cells, row_cells = level_cells[:4], level_cells[4:]
    assert [a["title"] for a in header_cells] == [
        _profile.LEVEL_LABELS[level] for level in GOAL_LEVELS
    ]
    assert [a["class"] for a in row_cells[:4]] == [
        "level-cell",
        "level-cell none",
        "level-cell none",
        "level-cell none",
    ]
    fel = STATUS_STYLE[Status.FEL_HALL]
    assert f"{fel.icon}{fel.label_sv}" in "".join(reader.texts)
    sparklines = reader.with_class("sparkline")
    unit = _profile.display_unit(real.unit)
    first, last = (format_number(v, real.decimals) for v in (4.0, 3.5))
    assert sparklines[0]["alt"] == (
        f"Från {first} {unit} (2020) till {last} {unit} (2022); värde saknas för 2021"
    )
    assert sparklines[1]["alt"] == "Inga värden"
    assert "Inga värden" in reader.texts, "a row without values says so"


def test_status_badge_markup_matches_the_component():
    from layouts.parts.components import status_badge

    component = status_badge(Status.ACCELERERA, title="varför")
    reader = MarkupReader(_profile.status_badge_html(Status.ACCELERERA, title="varför"))
    tag, outer = reader.elements[0]
    assert (tag, outer["class"], outer["title"]) == ("span", component.className, "varför")
    style = STATUS_STYLE[Status.ACCELERERA]
    assert outer["style"] == f"background-color:{style.colour};color:{style.text_colour}"
    assert "".join(reader.texts) == text_of(component)


# --------------------------------------------------------------------------- local goals


def _catalogue_goals_for(area_id: str) -> set[str]:
    """The shipped catalogue's local goals for an area, read straight from the CSV."""
    with CATALOGUE_PATH.open(encoding="utf-8", newline="") as handle:
        return {
            row["id"]
            for row in csv.DictReader(handle)
            if row["level"] == "lokal" and area_id in row["areas"].split("|")
        }


def test_local_goal_table_of_mora_from_the_shipped_catalogue():
    found = local_goals(read_goal_csv(CATALOGUE_PATH), "2062")
    indicators = catalogue_by_id()
    assessed = assess_local_goals(found, {}, indicators)
    table = local_goal_table(assessed, indicators, area_id="2062", area_name="Mora")
    rows = [c for c in walk(table) if attribute(c, "data-goal")]
    assert [attribute(r, "data-goal") for r in rows] == [g.id for g in found]
    # Without values every goal is shown as not assessable.
    assert text_of(table).count(STATUS_STYLE[Status.EJ_BEDOMBAR].label_sv) == len(found)


def test_an_area_without_local_goals_says_so():
    goals = read_goal_csv(CATALOGUE_PATH)
    if _catalogue_goals_for("2080"):
        pytest.skip("the shipped catalogue now has local goals for Falun")
    assert local_goals(goals, "2080") == []
    table = local_goal_table([], catalogue_by_id(), area_id="2080", area_name="Falun")
    assert "Inga lokala mål för Falun" in text_of(table)
    region = local_goal_table([], catalogue_by_id(), area_id="0020", area_name="Region Dalarna")
    assert "lokala mål gäller en kommun" in text_of(region)


# --------------------------------------------------------------------------- selections


def test_read_selection_validates_and_falls_back():
    levels = ("regional", "nationell", "global", TREND)
    chosen = read_selection(
        niva="global", mal="13", dimension="miljömässig", metod="eurostat", levels=levels
    )
    assert chosen == ProfileSelection("global", 13, "miljömässig", "eurostat")
    fallback = read_selection(niva="lokal", mal="99", dimension="x", metod="y", levels=levels)
    assert fallback == ProfileSelection(DEFAULT_LEVEL, None, None, "statistics_canada")
    assert read_selection(mal="x,5,3").sdg == 5, "the first valid goal counts"
    assert read_selection(niva=["trend", "global"]).level == TREND, "a repeated parameter"
    assert read_selection(niva="nationell", levels=("lokal", TREND)).level == TREND


def test_profile_href_keeps_the_address_bar_order():
    selection = ProfileSelection("global", 3, "miljömässig", "eurostat")
    href = profile_href("2062", selection, hash="kommun-lista")
    parts = urlsplit(href)
    assert parts.path == "/kommun/2062"
    assert parts.fragment == "kommun-lista"
    assert [p.split("=")[0] for p in parts.query.split("&")] == [
        "niva",
        "mal",
        "dimension",
        "metod",
    ]
    assert parse_qs(parts.query) == {
        "niva": ["global"],
        "mal": ["3"],
        "dimension": ["miljömässig"],
        "metod": ["eurostat"],
    }
    assert "mal" not in profile_href("2062", ProfileSelection())


def test_area_series_keeps_missing_values_as_gaps():
    observations = pd.DataFrame(
        {
            "kpi_id": ["K", "K", "K", "K"],
            "area_id": ["2062", "2062", "2062", "2080"],
            "year": [2021, 2020, 2022, 2020],
            "gender": ["T", "T", "T", "T"],
            "value": [None, 1.5, 2.5, 9.0],
        }
    )
    assert area_series(observations, "2062") == {"K": [(2020, 1.5), (2021, None), (2022, 2.5)]}


# --------------------------------------------------------------------------- the pages


@pytest.fixture
def kommun_page(demo_app):
    return sys.modules["layouts.kommun"]


@pytest.fixture
def kommuner_page(demo_app):
    return sys.modules["layouts.kommuner"]


def test_mora_profile_layout(kommun_page):
    from indicators import service

    layout = kommun_page.layout(area_id="2062")
    assert text_of(layout).count("Mora") >= 1
    assert len(by_id(layout, "kommun-tiles").children) == 17
    listed = applicable_indicators(service.catalogue(), "2062")
    markup = list_markup(layout)
    rows = markup.with_class("indicator-row")
    assert [r["data-kpi"] for r in rows] == [
        i.kpi_id for sdg in range(1, 18) for i in listed if i.sdg_goal == sdg
    ]
    assert len(markup.with_class("sparkline")) == len(listed)
    # Strongest and weakest at the default level, best first / worst first.
    strongest = [attribute(r, "data-kpi") for r in walk(by_id(layout, "kommun-strongest"))]
    strongest = [k for k in strongest if k]
    status = service.status()
    national = status[
        (status["area_id"] == "2062")
        & (status["level"] == DEFAULT_LEVEL)
        & (status["gender"] == "T")
    ]
    scores = dict(zip(national["kpi_id"], national["score"], strict=True))
    assert strongest and len(strongest) <= 5
    assert [scores[k] for k in strongest] == sorted((scores[k] for k in strongest), reverse=True)
    assert scores[strongest[0]] == national["score"].max()
    # Mora's own goals are listed.
    local = by_id(layout, "kommun-local-goals")
    goal_rows = [attribute(c, "data-goal") for c in walk(local) if attribute(c, "data-goal")]
    assert set(goal_rows) == {g.id for g in local_goals(service.goals(), "2062")}
    # The download's selection: this area and the indicators listed.
    store = next(
        c
        for c in walk(layout)
        if getattr(c, "id", None) == {"type": "export-selection", "page": "kommun"}
    )
    assert store.data == {
        "areas": ["2062"],
        "kpis": [i.kpi_id for i in listed],
        "genders": ["T"],
        "years": None,
        "levels": list(ALL_LEVELS),
        "threshold_set": "statistics_canada",
    }


def test_profile_filtered_by_query(kommun_page):
    layout = kommun_page.layout(area_id="2062", mal="13", niva="trend", dimension="miljömässig")
    sections = list_markup(layout).with_class("sdg-section")
    assert [s["data-sdg"] for s in sections] == ["13"]
    assert by_id(layout, "kommun-level").value == TREND
    assert by_id(layout, "kommun-sdg").value == "13"
    selected = [
        item for item in by_id(layout, "kommun-tiles").children if "selected" in item.className
    ]
    assert [attribute(item, "data-sdg") for item in selected] == ["13"]
    assert "Visa alla mål" in text_of(layout)


def test_region_and_riket_profiles(kommun_page):
    from indicators import service

    region = kommun_page.layout(area_id="0020")
    assert "Region – Dalarnas län" in text_of(region)
    assert len(by_id(region, "kommun-tiles").children) == 17
    assert "inga lokala mål" in text_of(by_id(region, "kommun-local-goals"))
    riket = kommun_page.layout(area_id="0000")
    options = {o["value"]: o.get("disabled", False) for o in by_id(riket, "kommun-level").options}
    riket_levels = {g.level for g in service.goals() if g.applies_to("0000")}
    assert options == {level: level not in riket_levels for level in GOAL_LEVELS} | {TREND: False}
    assert len(list_markup(riket).with_class("indicator-row")) == len(service.catalogue())


def test_unknown_area_gives_a_clear_page(kommun_page):
    layout = kommun_page.layout(area_id="9999")
    assert text_of(layout.children[0]) == "Området finns inte"
    link = by_id(layout, "kommun-index-link")
    assert link.href == "/kommun"
    assert kommun_page._title(area_id="9999").startswith("Området finns inte")
    assert kommun_page._title(area_id="2062").startswith("Mora")


def test_callback_rebuilds_the_profile(kommun_page):
    content, export, announcement = kommun_page.update_profile(
        "global", "7", "", "eurostat", "2062"
    )
    markup = list_markup(content)
    assert [s["data-sdg"] for s in markup.with_class("sdg-section")] == ["7"]
    assert export["threshold_set"] == "eurostat"
    assert export["kpis"] == [r["data-kpi"] for r in markup.with_class("indicator-row")]
    assert "globalt mål" in announcement and "mål 7" in announcement


def test_index_lists_every_area_with_counts(kommuner_page):
    from indicators import service

    layout = kommuner_page.layout()
    rows = [c for c in walk(layout) if attribute(c, "data-area")]
    assert [attribute(r, "data-area") for r in rows] == list(service.AREA_ORDER)
    links = [c.href for c in walk(layout) if type(c).__name__ == "Link" and "/kommun/" in c.href]
    assert links == [f"/kommun/{a}" for a in service.AREA_ORDER]
    status = service.status()
    mora_row = rows[list(service.AREA_ORDER).index("2062")]
    national_cell, trend_cell = mora_row.children[2], mora_row.children[3]
    for level, cell in (("nationell", national_cell), (TREND, trend_cell)):
        rows_at_level = status[(status["area_id"] == "2062") & (status["level"] == level)]
        shown = {
            attribute(b, "data-status"): int(text_of(b.children[-1]))
            for b in with_class(cell, "count-badge")
        }
        expected = rows_at_level["status"].value_counts()
        assert shown == {s.value: int(expected.get(s.value, 0)) for s in _profile.STATUS_ORDER}
        assert f"av {len(rows_at_level)}" in text_of(cell)


@pytest.mark.parametrize("path", ["/kommun/2062", "/kommun", "/kommun/0020", "/kommun/9999"])
def test_routes_answer(client, path):
    response = client.get(path)
    assert response.status_code == 200


# --------------------------------------------------------------------- qualitative assessments

SCRIPT = "<script>alert(1)</script>"
EMISSIONS = "N00401"  # an indicator of global goal 13


def test_note_href_leads_to_where_the_assessment_is_written():
    chosen = ProfileSelection("global", 3, "social", "eurostat")
    assert note_href("2062", EMISSIONS, None, chosen) == f"/indikator/{EMISSIONS}?omraden=2062"
    # Region Dalarna and Riket are always on the indicator page: no area to choose there
    assert note_href("0020", EMISSIONS, None, chosen) == f"/indikator/{EMISSIONS}"
    assert note_href("0000", EMISSIONS, None, chosen) == f"/indikator/{EMISSIONS}"
    # a goal's assessment: the profile with that goal chosen, level and method kept
    assert (
        note_href("2062", None, 13, chosen, hash="kommun-lista")
        == "/kommun/2062?niva=global&mal=13&metod=eurostat#kommun-lista"
    )
    assert note_href("2062", None, None, chosen) is None


@pytest.fixture
def notes_db(demo_app, tmp_path):
    from tests.support.own_database import own_database

    with own_database(tmp_path) as engine:
        yield engine


def _other_indicator() -> str:
    """An indicator of Mora's profile that is not about global goal 13."""
    listed = applicable_indicators(load_catalogue(), "2062")
    return next(i.kpi_id for i in listed if i.sdg_goal != 13)


def _seed(engine) -> str:
    from indicators.assessments import add_assessment

    other = _other_indicator()

    def add(area_id, day, text, **fields):
        add_assessment(engine, area_id=area_id, assessed_on=day, text=text, **fields)

    add("2062", dt.date(2026, 3, 1), SCRIPT, kpi_id=EMISSIONS, judgement="sämre", author="<i>E</i>")
    add("2062", dt.date(2026, 4, 1), "Mål 13 går framåt", sdg_goal=13, judgement="bättre")
    add("2062", dt.date(2025, 12, 1), "Äldst", kpi_id=other)
    add("2080", dt.date(2026, 5, 1), "Falun", kpi_id=EMISSIONS)
    return other


def _note_texts(tree) -> list[str]:
    return [c.children for c in with_class(tree, "note-text")]


def _overview(tree, area_id: str = "2062"):
    return by_id(tree, {"type": "kommun-notes-overview", "area": area_id})


def test_profile_lists_the_area_s_assessments_as_plain_text(kommun_page, notes_db):
    from dash import dcc

    from indicators import service
    from indicators.sdg import sdg_name

    other = _seed(notes_db)
    layout = kommun_page.layout(area_id="2062", niva="trend", metod="eurostat")
    overview = _overview(layout)
    assert _note_texts(overview) == ["Mål 13 går framåt", SCRIPT, "Äldst"]  # newest first
    links = [(c.children, c.href) for c in walk(overview) if isinstance(c, dcc.Link)]
    assert links == [
        (f"Mål 13: {sdg_name(13)}", "/kommun/2062?niva=trend&mal=13&metod=eurostat#kommun-lista"),
        (service.indicator(EMISSIONS).label, f"/indikator/{EMISSIONS}?omraden=2062"),
        (service.indicator(other).label, f"/indikator/{other}?omraden=2062"),
    ]
    items = with_class(overview, "qualitative-note")
    assert "↘ Sämre" in text_of(items[1]) and "<i>E</i>" in text_of(items[1])
    assert "1 mars 2026" in text_of(items[1])
    assert "Ta bort" not in text_of(overview)  # read only: removed where written
    # User text never enters the Markdown of the indicator list, and is a plain string.
    for markdown in (c for c in walk(layout) if isinstance(c, dcc.Markdown)):
        assert "alert(1)" not in markdown.children
    serialised = json.dumps(overview, cls=PlotlyJSONEncoder)
    assert json.dumps(SCRIPT) in serialised and "dangerously_allow_html" not in serialised
    # Without a chosen goal there is no goal form; the table of contents leads to the section.
    assert not [c for c in walk(layout) if getattr(c, "id", None) == "kommun-notes-sdg"]
    toc = [c.href for c in walk(layout) if type(c).__name__ == "A"]
    assert "#kommun-notes-heading" in toc
    heading = by_id(layout, "kommun-notes-heading")
    assert heading.children == "Kvalitativa bedömningar"
    with_goal = kommun_page.layout(area_id="2062", mal="13")
    ids = [str(c.id) for c in walk(with_goal) if getattr(c, "id", None) is not None]
    assert len(ids) == len(set(ids))


def test_an_area_without_assessments_says_so(kommun_page, notes_db):
    _seed(notes_db)
    layout = kommun_page.layout(area_id="0000")
    assert _note_texts(_overview(layout, "0000")) == []
    assert text_of(_overview(layout, "0000")) == "Inga kvalitativa bedömningar ännu för Riket."


def test_a_chosen_goal_shows_its_assessments_and_form(kommun_page, notes_db):
    from dash import html

    _seed(notes_db)
    layout = kommun_page.layout(area_id="2062", mal="13")
    section = by_id(layout, "kommun-notes-sdg")
    assert _note_texts(section) == ["Mål 13 går framåt"]
    heading = section.children[0]
    assert isinstance(heading, html.H3)
    goal = "Mål 13: Bekämpa klimatförändringarna"
    assert heading.children == f"Kvalitativa bedömningar: Mora – {goal}"
    subject = by_id(layout, {"type": "notes-subject", "section": "kommun-notes-sdg"})
    assert subject.data == {
        "area_id": "2062",
        "kpi_id": None,
        "sdg_goal": 13,
        "section_id": "kommun-notes-sdg",
    }
    # The controls' callback: another goal, its (empty) section; no goal, no section.
    content, _export, _announcement = kommun_page.update_profile("trend", "7", "", None, "2062")
    section = by_id(content, "kommun-notes-sdg")
    assert _note_texts(section) == [] and "Mål 7:" in text_of(section.children[0])
    assert _note_texts(_overview(content)) == ["Mål 13 går framåt", SCRIPT, "Äldst"]
    content, _export, _announcement = kommun_page.update_profile("trend", "", "", None, "2062")
    assert not [c for c in walk(content) if getattr(c, "id", None) == "kommun-notes-sdg"]


def test_a_saved_assessment_refreshes_the_overview(kommun_page, notes_db, as_editor):
    from dash.exceptions import PreventUpdate

    from layouts.parts import notes as _notes

    _seed(notes_db)
    layout = kommun_page.layout(area_id="2062", mal="13", niva="trend")
    subject = by_id(layout, {"type": "notes-subject", "section": "kommun-notes-sdg"}).data
    context_id = {"type": "kommun-notes-context", "area": "2062"}
    context = by_id(layout, context_id).data
    assert context == {"level": "trend", "threshold_set": "statistics_canada"}
    today = dt.date.today()
    listing, _message, _text = _notes.save_assessment(
        1, subject, today.isoformat(), "oförändrad", "Ny " + SCRIPT, "Anna"
    )
    (shown,) = kommun_page.refresh_notes([listing.children], [context], [context_id])
    assert _note_texts(shown)[0] == "Ny " + SCRIPT
    assert len(_note_texts(shown)) == 4
    assert "→ Oförändrad" in text_of(with_class(shown, "qualitative-note")[0])
    with pytest.raises(PreventUpdate):
        kommun_page.refresh_notes([], [], [])
    with pytest.raises(PreventUpdate):
        kommun_page.refresh_notes([[]], [context], [{"type": "kommun-notes-context", "area": "1"}])
