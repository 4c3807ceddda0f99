"""The Jämför page (/jamfor): address-bar selections, the panels per indicator, the "same
scale" facets, statuses, table alternatives and the figure builders behind them."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from dash import dcc, html
from dash.exceptions import PreventUpdate

from data import queries
from indicators import service
from indicators.area_colours import area_style
from indicators.catalogue import catalogue_by_id
from indicators.formatting import PLOTLY_SEPARATORS, format_number
from indicators.vocabulary import STATUS_STYLE
from layouts.parts.comparison_figures import (
    REFERENCE_STYLES,
    facet_figure,
    indicator_figure,
    series_rows,
    series_table,
    with_unit,
    year_span,
)
from tests.support.dash_tree import find
from tests.support.figures import validated


@pytest.fixture
def page(demo_app):
    import layouts.jamfor as page

    return page


def by_id(tree, component_id):
    matches = find(tree, lambda c: getattr(c, "id", None) == component_id)
    assert len(matches) == 1, component_id
    return matches[0]


def panels_of(tree) -> list[html.Section]:
    return find(tree, lambda c: getattr(c, "className", None) == "jamfor-panel")


def graph_of(panel) -> dcc.Graph:
    (graph,) = find(panel, lambda c: isinstance(c, dcc.Graph))
    return graph


def figure_of(panel):
    """The panel's figure, validated by Plotly."""
    return validated(graph_of(panel).figure)


def text_of(component) -> str:
    parts = []
    for node in find(component, lambda c: True):
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if isinstance(child, str):
                parts.append(child)
    return " ".join(parts)


# --- layout and address bar -------------------------------------------------------------------


def test_default_layout_shows_three_municipalities_and_four_indicators(page):
    tree = page.layout()
    areas = by_id(tree, "jamfor-omraden").value
    kpis = by_id(tree, "jamfor-indikatorer").value
    assert sorted(areas) == sorted(page.DEFAULT_AREAS)
    assert kpis == list(page.DEFAULT_KPIS)
    assert len({service.indicator(k).sdg_goal for k in kpis}) == len(kpis)  # different goals
    panels = panels_of(tree)
    assert [p.to_plotly_json()["props"]["data-kpi"] for p in panels] == kpis
    for panel in panels:
        figure = figure_of(panel)
        names = [trace.name for trace in figure.data]
        assert names == [service.area_title(a) for a in (*areas, "0020", "0000")]
        assert figure.layout.separators == PLOTLY_SEPARATORS
        assert figure.layout.title.text
        references = {t.name: t for t in figure.data if t.name in ("Region Dalarna", "Riket")}
        assert references["Region Dalarna"].line.color == "#000000"
        assert {references[name].marker.symbol for name in references} == {"square", "diamond"}
        assert all(references[name].line.width > figure.data[0].line.width for name in references)
        assert all(t.connectgaps is False for t in figure.data)
        assert {t.marker.symbol for t in figure.data[:3]} == {"circle", "triangle-up", "x"}
        for trace, area_id in zip(figure.data, (*areas, "0020", "0000"), strict=True):
            assert trace.line.color == trace.marker.color == area_style(area_id).colour


def test_url_parameters_set_the_controls_and_unknown_values_are_dropped(page):
    tree = page.layout(
        omraden="2085,9999,2021",
        indikatorer="N00401,XXXXX",
        vy="kommun",
        niva="lokal",
        metod="eurostat",
    )
    assert by_id(tree, "jamfor-omraden").value == ["2021", "2085"]  # display order
    assert by_id(tree, "jamfor-indikatorer").value == ["N00401"]
    assert by_id(tree, "jamfor-vy").value == "kommun"
    assert by_id(tree, "jamfor-niva").value == "lokal"
    assert by_id(tree, "jamfor-metod").value == "eurostat"
    assert "facets" in by_id(tree, "jamfor-panels").className
    (panel,) = panels_of(tree)
    figure = figure_of(panel)
    # a facet per municipality, each with its series and both references
    assert [a.text for a in figure.layout.annotations] == ["Vansbro", "Ludvika"]
    assert len(figure.data) == 2 * 3
    assert figure.layout.yaxis2.matches == "y"  # one shared y axis across the row


@pytest.mark.parametrize(
    "query", [{}, {"omraden": "x,y", "indikatorer": "z", "vy": "?", "niva": "?", "metod": "?"}]
)
def test_missing_or_invalid_parameters_fall_back_to_the_defaults(page, query):
    selection = page.read_selection(**query)
    assert set(selection.areas) == set(page.DEFAULT_AREAS)
    assert selection.kpis == page.DEFAULT_KPIS
    assert selection.view == "indikator"
    assert selection.level == "trend"
    assert selection.threshold_set == "statistics_canada"


def test_an_emptied_list_stays_empty_and_asks_for_a_choice(page):
    tree = page.layout(omraden="", indikatorer="N00401")
    assert by_id(tree, "jamfor-omraden").value == []
    assert panels_of(tree) == []
    assert "Välj minst en kommun" in text_of(by_id(tree, "jamfor-panels"))


def test_panels_share_the_years(page):
    tree = page.layout(indikatorer="N00401,N17457")
    ranges = [tuple(figure_of(p).layout.xaxis.range) for p in panels_of(tree)]
    assert len(set(ranges)) == 1
    observations = service.observations(("T",))
    chosen = observations[observations["kpi_id"].isin(["N00401", "N17457"])].dropna(
        subset=["value"]
    )
    assert ranges[0] == (chosen["year"].min() - 0.5, chosen["year"].max() + 0.5)


def test_status_badges_show_each_areas_status_at_the_chosen_level(page):
    tree = page.layout(omraden="2062", indikatorer="N00401", niva="trend")
    (panel,) = panels_of(tree)
    (status_list,) = find(panel, lambda c: getattr(c, "className", None) == "jamfor-status")
    status = service.status("statistics_canada", ("T",))
    expected = status[
        (status["kpi_id"] == "N00401") & (status["level"] == "trend") & (status["gender"] == "T")
    ].set_index("area_id")
    items = status_list.children
    assert len(items) == 3  # Mora, Region Dalarna, Riket
    for item, area in zip(items, ["2062", "0020", "0000"], strict=True):
        label = STATUS_STYLE[expected.at[area, "status"]].label_sv
        assert item.children[0].children == f"{service.area_title(area)}: "
        assert label in text_of(item)


def test_a_level_without_a_goal_says_so(page):
    tree = page.layout(omraden="2021", indikatorer="N45926", niva="global")
    (panel,) = panels_of(tree)
    assert "inget globalt mål" in text_of(panel)


def table_details(panel) -> html.Details:
    (details,) = find(panel, lambda c: isinstance(c, html.Details))
    return details


def test_table_alternative_is_built_when_opened(page):
    tree = page.layout(omraden="2080", indikatorer="N00401")
    (panel,) = panels_of(tree)
    details = table_details(panel)
    assert details.id == {"type": page.TABLE_DETAILS, "kpi": "N00401"}
    assert details.open is False and details.children[0].children == "Visa som tabell"
    assert find(panel, lambda c: isinstance(c, html.Table)) == []  # not built until opened
    assert "Hämtar tabellen" in text_of(details)
    with pytest.raises(PreventUpdate):  # closing changes nothing
        page.open_table(False, details.id, ["2080"])
    with pytest.raises(PreventUpdate):  # an unknown indicator
        page.open_table(True, {"type": page.TABLE_DETAILS, "kpi": "XXXXX"}, ["2080"])


def test_table_alternative_has_every_year_and_area_with_decimal_comma(page):
    details_id = {"type": "jamfor-table-details", "kpi": "N00401"}
    table = page.open_table(True, details_id, ["2080"])
    assert isinstance(table, html.Table)
    header = [th.children for th in table.children[1].children.children]
    assert header == ["År", "Falun", "Region Dalarna", "Riket"]
    rows = table.children[2].children
    observations = service.observations(("T",))
    falun = observations[
        (observations["kpi_id"] == "N00401") & (observations["area_id"] == "2080")
    ].set_index("year")["value"]
    decimals = service.indicator("N00401").decimals
    for row in rows:
        year = int(row.children[0].children)
        value = falun.get(year)
        expected = format_number(None if value is None or math.isnan(value) else value, decimals)
        assert row.children[1].children == expected
    assert any("," in row.children[1].children for row in rows)


# --- callback ---------------------------------------------------------------------------------


def test_callback_redraws_panels_and_keeps_the_export_selection(page):
    children, class_name, export = page.update_jamfor(
        ["2081", "2021"], ["N17457", "N00401"], "kommun", "regional", "eurostat"
    )
    panels = [c for c in children if getattr(c, "className", None) == "jamfor-panel"]
    assert [p.to_plotly_json()["props"]["data-kpi"] for p in panels] == ["N17457", "N00401"]
    assert class_name == "jamfor-panels facets"
    assert export == {
        "areas": ["2021", "2081", "0020", "0000"],
        "kpis": ["N17457", "N00401"],
        "genders": ["T"],
        "years": None,
        "levels": ["regional"],
        "threshold_set": "eurostat",
    }


def test_callback_keeps_open_tables_open_and_built(page):
    children, _, _ = page.update_jamfor(
        ["2080"], ["N17457", "N00401"], "indikator", "trend", None, None, ["N00401", "XXXXX"]
    )
    emissions, other = reversed(panels_of(children))
    assert table_details(emissions).open is True
    (table,) = find(emissions, lambda c: isinstance(c, html.Table))
    assert [th.children for th in table.children[1].children.children] == [
        "År",
        "Falun",
        "Region Dalarna",
        "Riket",
    ]
    assert table_details(other).open is False
    assert find(other, lambda c: isinstance(c, html.Table)) == []


def test_callback_with_nothing_chosen_asks_for_a_choice(page):
    children, _, export = page.update_jamfor([], ["N00401"], "indikator", "trend", None)
    assert "Välj minst en kommun" in children[0].children
    assert export["areas"] == ["0020", "0000"]
    children, _, _ = page.update_jamfor(["2021"], [], "indikator", "trend", None)
    assert "Välj minst en indikator" in children[0].children


def test_many_municipalities_get_a_note(page):
    children, _, _ = page.update_jamfor(
        list(service.MUNICIPALITY_IDS[:8]), ["N00401"], "indikator", "trend", None
    )
    assert "Du har valt 8 kommuner" in children[0].children


def test_routes_answer(client):
    response = client.get("/jamfor?omraden=2080&indikatorer=N00401")
    assert response.status_code == 200


# --- figure builders on literal data ----------------------------------------------------------


def literal_frame() -> pd.DataFrame:
    rows = [
        ("N00401", "a", 2018, "T", 1.5),
        ("N00401", "a", 2020, "T", 1.25),
        ("N00401", "0020", 2018, "T", 2.0),
        ("N00401", "0020", 2019, "T", 2.5),
        ("N00401", "0020", 2020, "T", None),
        ("N00401", "a", 2019, "K", 9.0),
    ]
    return pd.DataFrame(rows, columns=["kpi_id", "area_id", "year", "gender", "value"])


def test_series_table_keeps_missing_years_as_gaps():
    table = series_table(literal_frame(), "N00401", ["a", "0020"])
    assert list(table.index) == [2018, 2019, 2020]
    assert table["a"].tolist()[0] == 1.5 and math.isnan(table["a"].tolist()[1])
    assert math.isnan(table.at[2020, "0020"])
    indicator = catalogue_by_id()["N00401"]
    figure = validated(indicator_figure(table, indicator, {"a": "A-stad"}, span=year_span([table])))
    assert figure.data[0].y == (1.5, None, 1.25)
    assert figure.data[0].name == "A-stad"
    assert figure.data[1].line.color == REFERENCE_STYLES["0020"].colour
    assert "1,25" in figure.data[0].text[2]
    rows, columns = series_rows(table, indicator, {"a": "A-stad", "0020": "Region Dalarna"})
    assert [c[1] for c in columns] == ["År", "A-stad", "Region Dalarna"]
    assert rows["a"].tolist() == ["1,50", "–", "1,25"]


def test_facet_figure_has_a_panel_per_municipality_on_one_y_axis():
    frame = pd.concat(
        [
            literal_frame(),
            pd.DataFrame(
                [("N00401", "b", 2018, "T", 4.0)],
                columns=["kpi_id", "area_id", "year", "gender", "value"],
            ),
        ]
    )
    table = series_table(frame, "N00401", ["a", "b", "0020"])
    figure = validated(
        facet_figure(table, catalogue_by_id()["N00401"], ["a", "b"], ["0020"], {"a": "A", "b": "B"})
    )
    assert [a.text for a in figure.layout.annotations] == ["A", "B"]
    assert [(t.name, t.xaxis) for t in figure.data] == [
        ("A", "x"),
        ("0020", "x"),
        ("B", "x2"),
        ("0020", "x2"),
    ]
    assert figure.layout.yaxis2.matches == "y"
    assert figure.layout.separators == PLOTLY_SEPARATORS


def test_units_with_parentheses_follow_a_comma():
    catalogue = catalogue_by_id()
    assert with_unit(catalogue["N00401"]) == "Växthusgasutsläpp per invånare (ton CO2-ekv/inv)"
    assert with_unit(catalogue["N85054"]) == "Skyddad natur totalt, andel (%)"


# --- totals: per inhabitant, or with the references on scales of their own --------------------

TOTAL_KPI = "N07702"  # Växthusgasutsläpp totalt, ton CO2-ekv


def stored(kpi_id: str) -> dict[tuple[str, int], float]:
    """The stored totals (gender T) of one KPI by (area, year), read from the database."""
    rows = queries.observations(service.engine(), kpi_ids=[kpi_id], with_values_only=True)
    return {
        (area, int(year)): float(value)
        for area, year, value in zip(rows["area_id"], rows["year"], rows["value"], strict=True)
    }


def test_a_total_per_inhabitant_is_the_total_divided_by_the_population(page):
    tree = page.layout(omraden="2080,2081", indikatorer=TOTAL_KPI, varden="per-invanare")
    assert by_id(tree, "jamfor-varden").value == "per-invanare"
    (panel,) = panels_of(tree)
    figure = figure_of(panel)
    totals, population = stored(TOTAL_KPI), stored("N01951")
    checked = 0
    for trace, area in zip(figure.data, ("2080", "2081", "0020", "0000"), strict=True):
        assert trace.name == service.area_title(area)
        assert trace.yaxis in (None, "y")  # every area, Riket too, on one scale
        for year, shown in zip(trace.x, trace.y, strict=True):
            if (area, year) in totals and (area, year) in population:
                assert shown == pytest.approx(totals[area, year] / population[area, year])
                checked += 1
            else:
                assert shown is None
    assert checked > 40
    # Falun: some five tonnes per inhabitant, not hundreds of thousands of tonnes
    assert 1 < max(v for v in figure.data[0].y if v is not None) < 20
    assert "ton CO2-ekv per invånare" in figure.layout.yaxis.title.text
    assert "per invånare" in figure.layout.title.text.replace("<br>", " ")
    assert "per invånare" in figure.data[0].text[-1]
    assert "Per invånare: varje års total delad med folkmängden" in text_of(panel)


def test_the_table_alternative_follows_the_per_inhabitant_choice(page):
    details_id = {"type": page.TABLE_DETAILS, "kpi": TOTAL_KPI}
    table = page.open_table(True, details_id, ["2080"], "per-invanare")
    assert "ton CO2-ekv per invånare" in table.children[0].children  # the caption
    rows = table.children[2].children
    totals, population = stored(TOTAL_KPI), stored("N01951")
    shown = {int(row.children[0].children): row.children[1].children for row in rows}
    year = max(y for (a, y) in totals if a == "2080" and (a, y) in population)
    per_inhabitant = totals["2080", year] / population["2080", year]
    whole, _, fraction = shown[year].partition(",")
    assert len(fraction) >= 1  # a few tonnes per inhabitant, with decimals
    assert float(f"{whole}.{fraction}") == pytest.approx(
        per_inhabitant, abs=0.6 * 10 ** -len(fraction)
    )
    # as totals: the stored values with the indicator's own unit and decimals
    table = page.open_table(True, details_id, ["2080"], "totalt")
    assert table.children[0].children == "Växthusgasutsläpp totalt (ton CO2-ekv) per år och område"
    rows = table.children[2].children
    shown = {int(row.children[0].children): row.children[1].children for row in rows}
    decimals = service.indicator(TOTAL_KPI).decimals
    assert shown[year] == format_number(totals["2080", year], decimals)


def test_totals_keep_riket_and_region_dalarna_off_the_municipalities_axis(page):
    tree = page.layout(omraden="2080,2081", indikatorer=TOTAL_KPI, varden="totalt")
    (panel,) = panels_of(tree)
    figure = figure_of(panel)
    axes = {trace.name: trace.yaxis or "y" for trace in figure.data}
    assert axes["Falun"] == axes["Borlänge"] == "y"
    riket, region = axes["Riket"], axes["Region Dalarna"]
    assert len({riket, region, "y"}) == 3  # each reference on a scale of its own
    for axis in (riket, region):
        layout_axis = figure.layout[axis.replace("y", "yaxis")]
        assert layout_axis.matches is None
        assert layout_axis.domain[1] < figure.layout.yaxis.domain[0]  # drawn below
    titles = [a.text for a in figure.layout.annotations]
    assert "Region Dalarna<br>egen skala" in titles and "Riket<br>egen skala" in titles
    # the municipalities' axis is theirs: no reference value on it
    municipal = [v for t in figure.data if (t.yaxis or "y") == "y" for v in t.y if v is not None]
    totals = stored(TOTAL_KPI)
    assert max(municipal) < min(v for (a, _), v in totals.items() if a == "0000")
    assert "var och en på en egen skala" in text_of(panel)
    # the same in the "same scale" view: the facets hold the municipalities alone
    tree = page.layout(omraden="2080,2081", indikatorer=TOTAL_KPI, varden="totalt", vy="kommun")
    figure = figure_of(panels_of(tree)[0])
    facets = {(t.name, t.yaxis) for t in figure.data}
    assert facets == {("Falun", "y"), ("Borlänge", "y2"), ("Region Dalarna", "y3"), ("Riket", "y4")}
    assert figure.layout.yaxis2.matches == "y" and figure.layout.yaxis4.matches is None


def test_without_a_population_there_is_no_value_per_inhabitant(page, monkeypatch):
    falun_2015 = {("2080", 2015): 59_000.0}
    monkeypatch.setattr(service, "population", lambda: falun_2015)
    selection = page.read_selection(omraden="2080,2081", indikatorer=TOTAL_KPI)
    (panel,) = panels_of(page.panels(selection))
    figure = figure_of(panel)
    shown = {
        t.name: [(x, y) for x, y in zip(t.x, t.y, strict=True) if y is not None]
        for t in figure.data
    }
    assert shown["Falun"] == [(2015, pytest.approx(stored(TOTAL_KPI)["2080", 2015] / 59_000))]
    assert shown["Borlänge"] == shown["Riket"] == []
    assert "Folkmängd saknas för Falun, Borlänge, Region Dalarna, Riket något år" in text_of(panel)
    monkeypatch.setattr(service, "population", lambda: {})
    (panel,) = panels_of(page.panels(selection))
    assert "Folkmängden är inte hämtad än" in text_of(panel)
    assert all(v is None for t in figure_of(panel).data for v in t.y)


def test_indicators_that_are_not_totals_are_shown_as_they_are(page):
    shown = {
        measure: figure_of(
            panels_of(page.layout(omraden="2080", indikatorer="N00401", varden=measure))[0]
        )
        for measure in ("per-invanare", "totalt")
    }
    assert [t.y for t in shown["per-invanare"].data] == [t.y for t in shown["totalt"].data]
    assert shown["totalt"].layout.yaxis.title.text == "ton CO2-ekv/inv"
    assert {t.yaxis for t in shown["totalt"].data} <= {None, "y"}


def test_the_choice_lives_in_the_address_and_a_bad_value_falls_back(page):
    assert page.read_selection().measure == "per-invanare"
    assert page.read_selection(varden="totalt").measure == "totalt"
    selection, notes = page.read_url_selection({"varden": "per-ko"})
    assert selection.measure == "per-invanare"
    assert any("per-ko" in note for note in notes)
    children, _, _ = page.update_jamfor(["2080"], [TOTAL_KPI], "indikator", "trend", None, "totalt")
    figure = figure_of(panels_of(children)[0])
    assert len({t.yaxis or "y" for t in figure.data}) == 3  # Falun's, Region Dalarna's, Riket's
