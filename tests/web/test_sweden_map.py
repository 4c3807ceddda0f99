"""The map of all of Sweden's municipalities on an indicator's page, offered when the database
holds (nearly) every municipality's values, as after ``etl refresh --all-municipalities``."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from data.areas import DALARNA_MUNICIPALITIES
from data.models import Area, EtlRun, Observation, utcnow
from indicators import service
from indicators.map_geometry import county_outline, read_boundaries, sweden_shapes
from indicators.map_values import SWEDEN_MIN_MUNICIPALITIES, national_values, national_years
from tests.support.figures import validated
from tests.support.own_database import own_database

KPI = "N00401"
YEAR = 2022


def test_national_years_need_the_minimum_of_municipalities():
    rows = [("0180", 2020, 1.0), ("0181", 2020, 2.0), ("0180", 2021, 3.0), ("0181", 2021, None)]
    frame = pd.DataFrame(rows, columns=["area_id", "year", "value"])
    assert national_years(frame, minimum=2) == [2020]
    assert national_years(frame, minimum=1) == [2020, 2021]
    assert national_values(frame, 2021) == {"0180": 3.0}


def test_dalarnas_outline_encloses_its_15_municipalities_and_no_other():
    outline = county_outline()
    import shapely

    county = shapely.union_all(
        [shapely.Polygon(list(zip(xs, ys, strict=True))) for xs, ys in outline]
    )
    for shape in sweden_shapes().shapes:
        inside = county.contains(shapely.Point(shape.label_point))
        assert inside == (shape.area_id in DALARNA_MUNICIPALITIES), shape.name


@pytest.fixture
def sweden_database(demo_app, tmp_path):
    """The demo database with every one of Sweden's municipalities and a value for each in
    ``YEAR`` (the value is the municipality's code / 1000, so the test knows each one)."""
    ids, names, _ = read_boundaries()
    with own_database(tmp_path) as engine:
        with Session(engine) as session, session.begin():
            stored = {a.id for a in session.query(Area)}
            for area_id, name in zip(ids, names, strict=True):
                if area_id not in stored:
                    session.add(Area(id=area_id, title=name, type="K", county=area_id[:2]))
            session.flush()
            for area_id in ids:
                session.merge(
                    Observation(
                        kpi_id=KPI,
                        area_id=area_id,
                        gender="T",
                        year=YEAR,
                        value=int(area_id) / 1000,
                        status="",
                    )
                )
            # Stored data changes with a run (the data version the caches are keyed on).
            session.add(EtlRun(kind="load", outcome="success", finished_at=utcnow()))
        yield engine


def test_the_demo_database_offers_no_map_of_sweden(demo_app):
    from layouts.parts import area_map

    indicator = service.indicator(KPI)
    assert area_map.SWEDEN not in area_map.indicator_views(indicator)


def test_all_municipalities_stored_offer_a_map_of_sweden_with_dalarna_outlined(sweden_database):
    from layouts.parts import area_map

    indicator = service.indicator(KPI)
    assert area_map.SWEDEN in area_map.indicator_views(indicator)
    view = area_map.indicator_view(indicator, area_map.SWEDEN, YEAR + 5, "T", "standard")
    validated(view.figure)
    figure = view.figure
    filled = [t for t in figure["data"] if t.get("fill") == "toself"]
    assert len(filled) == 290 >= SWEDEN_MIN_MUNICIPALITIES
    outline = [t for t in figure["data"] if t.get("name") == "Dalarnas län"]
    assert len(outline) == 1 and outline[0]["showlegend"]
    falun = next(t for t in filled if t["name"] == "Falun")
    assert falun["meta"] == "/kommun/2080"
    assert "Falun 2022: 2,08" in falun["text"]
    stockholm = next(t for t in filled if t["name"] == "Stockholm")
    assert stockholm["meta"] == ""  # only Dalarna's municipalities have a page here
    # The address asked for a year without values for the whole country: the newest before it.
    assert str(YEAR) in figure["layout"]["title"]["text"]
    assert f"{YEAR + 5} saknar värden för hela landet" in view.note
    assert len(view.rows) == 290 + 2  # every municipality, then Region Dalarna and Riket


def test_the_map_of_sweden_stays_light(sweden_database):
    import json

    from layouts.parts import area_map

    view = area_map.sweden_view(service.indicator(KPI), YEAR, "T")
    size = len(json.dumps(view.figure, separators=(",", ":")))
    # 290 simplified shapes and their hover texts: well under what a chart of a few series
    # with its goal lines weighs once compressed.
    assert size < 250_000, size
