"""The map of Dalarna's municipalities on Översikt and on an indicator's page: the figure (15
filled shapes with their labels, colours, colour bar or status legend), the references beside
it, its address parameters and its callbacks."""

from __future__ import annotations

import json

import pytest
from dash.exceptions import PreventUpdate

from data.areas import DALARNA_MUNICIPALITIES, REGION_DALARNA, RIKET
from indicators import service
from indicators.formatting import format_number
from indicators.map_geometry import county_shapes
from indicators.map_values import values_in_year, years_with_values
from indicators.overview import effective_status, sdg_aggregates
from indicators.vocabulary import STATUS_STYLE, Status
from layouts.parts.matrix import filter_indicators
from tests.support.figures import validated

KPI = "N00401"  # greenhouse gases per inhabitant: lokal and regional goals, not by gender
OVERVIEW_GRAPH = {"type": "area-map", "page": "oversikt"}
INDICATOR_GRAPH = {"type": "area-map", "page": "indikator"}
#: The Dalarna map's JSON stays small (no tiles, simplified shapes): well under 100 kB.
MAX_FIGURE_BYTES = 40_000


@pytest.fixture
def area_map(demo_app):
    from layouts.parts import area_map

    return area_map


@pytest.fixture
def indikator(demo_app):
    import layouts.indikator as page

    return page


@pytest.fixture
def oversikt(demo_app):
    import layouts.oversikt as page

    return page


def find(component, predicate) -> list:
    found, stack = [], [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(reversed(node))
            continue
        if node is None or isinstance(node, str | int | float):
            continue
        if predicate(node):
            found.append(node)
        stack.append(getattr(node, "children", None))
    return found


def by_id(component, component_id):
    (node,) = find(component, lambda n: getattr(n, "id", None) == component_id)
    return node


def text_of(component) -> str:
    parts, stack = [], [component]
    while stack:
        node = stack.pop(0)
        if isinstance(node, list | tuple):
            stack[:0] = list(node)
        elif isinstance(node, str | int | float):
            parts.append(str(node))
        elif node is not None:
            stack.insert(0, getattr(node, "children", None))
    return " ".join(parts)


def shapes_of(figure) -> list:
    return [t for t in figure.data if t.fill == "toself"]


def labels_of(figure) -> dict[str, str]:
    """Each municipality's label on the map, by its id."""
    return {a.name.removeprefix("etikett-"): a.text for a in figure.layout.annotations}


def figure_bytes(figure: dict) -> int:
    return len(json.dumps(figure, separators=(",", ":")).encode("utf-8"))


def latest_year() -> int:
    observations = service.kpi_observations(KPI)
    return years_with_values(observations, gender="T", area_ids=service.MUNICIPALITY_IDS)[-1]


# --- the indicator page: values -----------------------------------------------------------------


def test_the_indicator_page_maps_the_latest_values_of_the_15_municipalities(indikator):
    layout = indikator.layout(kpi_id=KPI)
    raw = by_id(layout, INDICATOR_GRAPH).figure
    figure = validated(raw)
    indicator = service.indicator(KPI)
    year = latest_year()
    values = values_in_year(
        service.kpi_observations(KPI), year, gender="T", area_ids=service.MUNICIPALITY_IDS
    )
    shapes = shapes_of(figure)
    assert len(shapes) == 15
    assert [t.meta for t in shapes] == [f"/kommun/{s.area_id}" for s in county_shapes().shapes]
    assert str(year) in figure.layout.title.text
    labels = labels_of(figure)
    assert set(labels) == set(DALARNA_MUNICIPALITIES)
    for area_id, name in DALARNA_MUNICIPALITIES.items():
        assert labels[area_id] == f"{name}<br>{format_number(values[area_id], indicator.decimals)}"
    # the lowest value is the scale's first colour, the highest its last; the unit titles it
    (bar,) = [t for t in figure.data if t.marker.showscale]
    assert bar.marker.colorbar.title.text == indicator.unit
    present = {a: v for a, v in values.items() if v is not None}
    fill = {t.meta.removeprefix("/kommun/"): t.fillcolor for t in shapes}
    low, high = min(present, key=present.get), max(present, key=present.get)
    assert fill[low] == "rgb(0, 34, 78)" and fill[high] == "rgb(254, 232, 56)"  # Cividis ends
    assert (bar.marker.cmin, bar.marker.cmax) == (present[low], present[high])
    # equal scales, hidden axes, no zoom: a map
    assert figure.layout.yaxis.scaleanchor == "x" and figure.layout.yaxis.scaleratio == 1
    assert figure.layout.xaxis.visible is False and figure.layout.xaxis.fixedrange is True
    assert figure_bytes(raw) < MAX_FIGURE_BYTES


def test_region_dalarna_and_riket_are_given_beside_the_map(indikator):
    layout = indikator.layout(kpi_id=KPI)
    indicator = service.indicator(KPI)
    references = values_in_year(
        service.kpi_observations(KPI),
        latest_year(),
        gender="T",
        area_ids=[REGION_DALARNA, RIKET],
    )
    text = text_of(by_id(layout, "indikator-map-references"))
    for area_id, value in references.items():
        assert service.area_title(area_id) in text
        assert f"{format_number(value, indicator.decimals)} {indicator.unit}" in text


def test_the_address_chooses_the_year_and_notes_one_it_does_not_have(indikator):
    observations = service.kpi_observations(KPI)
    first = years_with_values(observations, gender="T", area_ids=service.MUNICIPALITY_IDS)[0]
    layout = indikator.layout(kpi_id=KPI, ar=str(first))
    figure = validated(by_id(layout, INDICATOR_GRAPH).figure)
    assert str(first) in figure.layout.title.text
    assert by_id(layout, "indikator-map-year").value == first
    layout = indikator.layout(kpi_id=KPI, ar="1800", karta="okänd")
    text = text_of(layout)
    assert f"Kartans år 1800 finns inte – visar {latest_year()}" in text
    assert "Kartans visning ”okänd” finns inte – visar Värde" in text
    # the map's parameters are the map's: the page does not call them unknown
    assert "Okänd parameter" not in text_of(indikator.layout(kpi_id=KPI, ar=str(first)))


def test_a_status_map_colours_each_municipality_and_writes_its_icon(indikator, area_map):
    layout = indikator.layout(kpi_id=KPI, karta="trend")
    figure = validated(by_id(layout, INDICATOR_GRAPH).figure)
    effective = effective_status(service.status(), "trend")
    rows = effective[effective["kpi_id"] == KPI].set_index("area_id")["status"]
    labels = labels_of(figure)
    fills = {t.meta.removeprefix("/kommun/"): t.fillcolor for t in shapes_of(figure)}
    for area_id, name in DALARNA_MUNICIPALITIES.items():
        style = STATUS_STYLE[Status(rows[area_id])]
        assert labels[area_id] == f"{style.icon} {name}"
        assert fills[area_id] == style.colour
    legend = {t.name for t in figure.data if t.showlegend}
    assert legend == {
        f"{STATUS_STYLE[Status(s)].icon} {STATUS_STYLE[Status(s)].label_sv}"
        for s in rows[list(DALARNA_MUNICIPALITIES)]
    }
    assert by_id(layout, "indikator-map-year-control").hidden is True


def test_the_indicator_map_callback_redraws_for_the_controls(area_map):
    year = latest_year() - 1
    figure, _references, _note, table, hidden, shown = area_map.redraw_indicator_map(
        "varde", year, "T", "eurostat", KPI, False
    )
    assert str(year) in validated(figure).layout.title.text
    assert hidden is False and shown == str(year)
    assert "Hämtar tabellen" in text_of(table)  # closed: the placeholder
    figure, *_rest, hidden, shown = area_map.redraw_indicator_map(
        "regional", year, "T", "eurostat", KPI, False
    )
    assert "Regionalt mål" in validated(figure).layout.title.text
    assert hidden is True
    with pytest.raises(PreventUpdate):
        area_map.redraw_indicator_map("varde", year, "T", None, "N99999", False)


def test_the_table_alternative_links_every_municipality(area_map):
    table = area_map.open_indicator_table(True, "varde", None, "T", None, KPI)
    links = find(table, lambda n: type(n).__name__ == "Link")
    areas = [*DALARNA_MUNICIPALITIES, REGION_DALARNA, RIKET]
    assert [link.href for link in links] == [f"/kommun/{a}" for a in areas]
    assert [link.children for link in links][-2:] == ["Region Dalarna", "Riket"]
    with pytest.raises(PreventUpdate):
        area_map.open_indicator_table(False, "varde", None, "T", None, KPI)


# --- Översikt: an SDG goal's status ---------------------------------------------------------------


def test_oversikt_maps_the_first_sdg_goals_status_at_the_chosen_level(oversikt):
    layout = oversikt.layout(niva="nationell")
    raw = by_id(layout, OVERVIEW_GRAPH).figure
    figure = validated(raw)
    indicators = filter_indicators(service.catalogue())
    goal = min(i.sdg_goal for i in indicators)
    kpi_ids = [i.kpi_id for i in indicators if i.sdg_goal == goal]
    effective = effective_status(service.status(), "nationell")
    aggregates = sdg_aggregates(effective, kpi_ids).set_index("area_id")
    assert len(shapes_of(figure)) == 15
    assert f"Mål {goal}" in figure.layout.title.text
    labels = labels_of(figure)
    for area_id, name in DALARNA_MUNICIPALITIES.items():
        icon = STATUS_STYLE[Status(aggregates.loc[area_id, "status"])].icon
        assert labels[area_id].startswith(f"{icon} {name}")
    # a click opens the municipality's page for that goal and level
    assert {t.meta for t in shapes_of(figure)} == {
        f"/kommun/{a}?mal={goal}&niva=nationell" for a in DALARNA_MUNICIPALITIES
    }
    assert by_id(layout, "oversikt-map-choice").value == f"mal-{goal}"
    assert "Källa: Kolada" in text_of(layout) or "Demodata" in text_of(layout)
    assert figure_bytes(raw) < MAX_FIGURE_BYTES


def test_oversikt_map_follows_its_choice_in_the_address(oversikt):
    layout = oversikt.layout(karta=KPI, niva="trend")
    figure = validated(by_id(layout, OVERVIEW_GRAPH).figure)
    assert service.indicator(KPI).label in figure.layout.title.text
    assert "Okänd parameter" not in text_of(layout)


def test_oversikt_choices_follow_the_matrix_selection(area_map):
    options, value = area_map.offer_overview_choices(["13"], [], "mal-1")
    assert value == "mal-13"  # goal 1 is no longer shown
    assert options[0]["value"] == "mal-13"
    assert {o["value"] for o in options[1:]} == {
        i.kpi_id for i in service.catalogue() if i.sdg_goal == 13
    }
    assert area_map.offer_overview_choices(["13"], [], KPI)[1] == KPI  # still offered: kept


def test_oversikt_map_callback_redraws_for_the_level(area_map):
    figure, _references, note, _table = area_map.redraw_overview_map(
        "trend", ["13"], [], None, "mal-13", False
    )
    assert "Trend" in validated(figure).layout.title.text
    assert "trend" in note
