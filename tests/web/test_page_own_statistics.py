"""Own statistics on the pages: an imported indicator has its own page showing the imported
values with their source, is in the export with its source on each row, and the Om page lists
its source with its last import."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.own_statistics import import_file
from indicators import service
from indicators.catalogue import use_own_indicators
from indicators.formatting import format_number
from tests.support.figures import validated
from tests.support.own_database import own_database

SMHI = "SMHI, Nationella emissionsdatabasen"
KPI = "EGEN_UTSLAPP"
META = (
    "kpi_id,label,unit,sdg_goal,dimension,direction,source_name,source_url\n"
    f'{KPI},Växthusgasutsläpp (egen),ton CO2e,13,miljömässig,down,"{SMHI}",'
    "https://nationellaemissionsdatabasen.smhi.se/\n"
)
VALUES = {("2080", 2019): 212_345.5, ("2080", 2022): 198_765.25, ("2062", 2022): 101_234.0}


def text_of(component) -> str:
    parts = []
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(reversed(node))
        elif isinstance(node, str | int | float):
            parts.append(str(node))
        elif node is not None:
            stack.append(getattr(node, "children", None))
    return " ".join(parts)


def find_id(component, wanted):
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
        elif node is not None and not isinstance(node, str | int | float):
            if getattr(node, "id", None) == wanted:
                return node
            stack.append(getattr(node, "children", None))
    raise AssertionError(f"no component with id {wanted!r}")


@pytest.fixture
def imported(demo_app, tmp_path: Path):
    meta = tmp_path / "meta.csv"
    meta.write_text(META, encoding="utf-8")
    values = tmp_path / "values.csv"
    lines = ["kpi_id;area_id;year;gender;value"] + [
        f"{KPI};{area};{year};T;{str(value).replace('.', ',')}"
        for (area, year), value in VALUES.items()
    ]
    values.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    with own_database(tmp_path) as engine:
        import_file(engine, values, indicators_path=meta)
        yield engine
    use_own_indicators(())


def test_imported_indicator_is_in_the_catalogue(imported):
    indicator = service.indicator(KPI)
    assert indicator is not None and indicator.source_name == SMHI
    assert service.catalogue()[-1].kpi_id == KPI
    assert KPI in set(service.status()["kpi_id"])  # in the matrix's status table too
    frame = service.kpi_observations(KPI, ("T",))
    assert {
        (a, int(y)): v for a, y, v in frame[["area_id", "year", "value"]].itertuples(index=False)
    } == VALUES


def test_indicator_page_shows_the_values_with_their_source(imported):
    import layouts.indikator as page

    tree = page.layout(kpi_id=KPI, omraden="2062,2080")
    text = text_of(tree)

    assert "Växthusgasutsläpp (egen)" in text
    assert f"Källa: {SMHI}." in text
    assert "Källa: Kolada" not in text
    figure = find_id(tree, "indikator-series").figure
    validated(figure)
    points = {
        (trace.get("name"), x, y)
        for trace in figure["data"]
        for x, y in zip(trace.get("x", []), trace.get("y", []), strict=False)
        if y is not None
    }
    assert any(int(x) == 2022 and y == pytest.approx(198_765.25) for _n, x, y in points)


def test_om_page_lists_the_source_with_its_last_import(imported):
    import layouts.om as om

    table = find_id(om.layout(), "om-sources")
    text = text_of(table)
    assert "Kolada" in text and SMHI in text
    assert format_number(len(VALUES), 0) in text


def test_export_rows_name_the_source(imported, client):
    for kind in ("tidsserier", "senaste-status"):
        response = client.get(f"/ladda-ner?fil={kind}&indikatorer={KPI},N00401&omraden=2080")
        assert response.status_code == 200, response.get_data(as_text=True)
        rows = response.get_data(as_text=True).splitlines()
        own = [row for row in rows if KPI in row]
        kolada = [row for row in rows if "N00401" in row]
        assert own and all(f"Källa: {SMHI}" in row for row in own)
        assert kolada and not any(SMHI in row for row in kolada)
