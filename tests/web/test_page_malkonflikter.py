"""The Målkonflikter page (/malkonflikter): the scatter and its correlation against values
computed here from the stored observations, the modes, the address bar, the callbacks and the
list of conflicting pairs."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from dash import dcc, html
from dash.exceptions import PreventUpdate

from indicators import service
from indicators.catalogue import catalogue_by_id
from indicators.conflicts import MIN_MUNICIPALITIES
from indicators.formatting import PLOTLY_SEPARATORS
from layouts.parts.comparison_figures import LABEL_POSITIONS, axis_title, label_positions
from tests.support.dash_tree import find
from tests.support.figures import validated

X, Y = "N03702", "N00401"  # regional product per inhabitant (↑) and emissions per inhabitant (↓)


@pytest.fixture
def page(demo_app):
    import layouts.malkonflikter as page

    return page


def by_id(tree, component_id):
    matches = find(tree, lambda c: getattr(c, "id", None) == component_id)
    assert len(matches) == 1, component_id
    return matches[0]


def pearson(xs: list[float], ys: list[float]) -> float:
    """The textbook formula: Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² Σ(y − ȳ)²)."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True))
    sxx = sum((a - mx) ** 2 for a in xs)
    syy = sum((b - my) ** 2 for b in ys)
    return sxy / math.sqrt(sxx * syy)


def swedish(r: float) -> str:
    text = f"{abs(r):.2f}".replace(".", ",")
    return ("−" if r < 0 and text != "0,00" else "") + text


def municipal_values(kpi: str) -> pd.DataFrame:
    """Year × municipality values of one indicator, straight from the stored observations."""
    frame = service.observations(("T",))
    frame = frame[
        (frame["kpi_id"] == kpi)
        & (frame["gender"] == "T")
        & frame["area_id"].isin(service.MUNICIPALITY_IDS)
    ]
    return frame.pivot_table(index="year", columns="area_id", values="value")


def newest_common_year(x: str, y: str) -> int:
    xv, yv = municipal_values(x), municipal_values(y)
    years = [
        year
        for year in sorted(set(xv.index) & set(yv.index))
        if (xv.loc[year].notna() & yv.loc[year].notna()).sum() >= 3
    ]
    return years[-1]


def expected_r(x: str, y: str, year: int, base: int | None = None) -> tuple[float, int]:
    xv, yv = municipal_values(x), municipal_values(y)
    xs_row, ys_row = xv.loc[year], yv.loc[year]
    if base is not None:
        xs_row, ys_row = xs_row - xv.loc[base], ys_row - yv.loc[base]
    pairs = [
        (xs_row[a], ys_row[a])
        for a in service.MUNICIPALITY_IDS
        if a in xs_row.index and a in ys_row.index
        if not (pd.isna(xs_row[a]) or pd.isna(ys_row[a]))
    ]
    return pearson([p[0] for p in pairs], [p[1] for p in pairs]), len(pairs)


# --- the default view -------------------------------------------------------------------------


def test_default_is_regional_product_against_emissions_in_the_newest_common_year(page):
    tree = page.layout()
    assert by_id(tree, "malkonflikter-x").value == X
    assert by_id(tree, "malkonflikter-y").value == Y
    catalogue = catalogue_by_id()
    assert catalogue[X].dimension == "ekonomisk" and catalogue[Y].direction == "down"
    year = newest_common_year(X, Y)
    assert by_id(tree, "malkonflikter-till").value == str(year)
    r, n = expected_r(X, Y, year)
    shown = by_id(tree, "malkonflikter-pearson")
    assert shown.children == swedish(r)
    assert float(shown.to_plotly_json()["props"]["data-value"]) == pytest.approx(r, abs=1e-12)
    assert by_id(tree, "malkonflikter-n").children == str(n)
    text = by_id(tree, "malkonflikter-tolkning").children
    assert "orsak och verkan" in text
    assert f"r = {swedish(r)}" in text


def test_scatter_has_one_labelled_point_per_municipality_and_distinct_references(page):
    figure = validated(by_id(page.layout(), "malkonflikter-scatter").figure)
    traces = {trace.name: trace for trace in figure.data}
    municipalities = traces["Kommuner"]
    year = newest_common_year(X, Y)
    _, n = expected_r(X, Y, year)
    assert len(municipalities.x) == n
    assert set(municipalities.text) <= {service.area_title(a) for a in service.MUNICIPALITY_IDS}
    region = traces["Region Dalarna (referens, ingår inte i r)"]
    riket = traces["Riket (referens, ingår inte i r)"]
    assert (region.marker.symbol, riket.marker.symbol) == ("square", "diamond")
    assert region.marker.symbol != municipalities.marker.symbol
    assert "Linjär anpassning (kommunerna)" in traces
    assert figure.layout.separators == PLOTLY_SEPARATORS
    x_title, y_title = figure.layout.xaxis.title.text, figure.layout.yaxis.title.text
    assert "1000 kr/invånare" in x_title and "↑ högre önskas" in x_title
    assert "ton CO2-ekv/inv" in y_title and "↓ lägre önskas" in y_title
    assert f"r = {swedish(expected_r(X, Y, year)[0])}" in figure.layout.title.text


def test_table_alternative_is_built_when_opened(page):
    tree = page.layout()
    details = by_id(tree, page.TABLE_DETAILS)
    assert details.open is False and details.children[0].children == "Visa som tabell"
    assert not find(details, lambda c: isinstance(c, html.Table))
    with pytest.raises(PreventUpdate):  # closing changes nothing
        page.open_table(False, X, Y, "ar", None, None, "senaste5")


def test_table_alternative_lists_every_area(page):
    table = page.open_table(True, X, Y, "ar", None, None, "senaste5")
    assert table.id == "malkonflikter-points"
    rows = table.children[2].children
    assert len(rows) == len(service.AREA_ORDER)
    roles = [row.children[1].children for row in rows]
    assert roles.count("referens") == 2 and roles.count("kommun") == 15


# --- address bar and modes --------------------------------------------------------------------


def test_change_mode_correlates_the_changes_between_two_years(page):
    tree = page.layout(x=X, y=Y, lage="forandring", fran="2016", till="2022")
    assert by_id(tree, "malkonflikter-lage").value == "forandring"
    r, n = expected_r(X, Y, 2022, base=2016)
    shown = by_id(tree, "malkonflikter-pearson")
    assert float(shown.to_plotly_json()["props"]["data-value"]) == pytest.approx(r, abs=1e-12)
    assert by_id(tree, "malkonflikter-n").children == str(n)
    figure = validated(by_id(tree, "malkonflikter-scatter").figure)
    assert "Förändring 2016–2022" in figure.layout.xaxis.title.text
    assert "↓ minskning önskas" in figure.layout.yaxis.title.text
    box = by_id(tree, "malkonflikter-correlation")
    assert "Korrelationen gäller kommunernas förändring 2016–2022." in str(box.children[-1])


def test_paths_mode_draws_each_area_over_the_years(page):
    tree = page.layout(x=X, y=Y, lage="over_tid", fran="2018", till="2021")
    figure = validated(by_id(tree, "malkonflikter-scatter").figure)
    names = [trace.name for trace in figure.data]
    assert "Falun" in names and "Region Dalarna" in names and "Riket" in names
    falun = next(t for t in figure.data if t.name == "Falun")
    assert len(falun.x) == 4 and falun.connectgaps is False
    assert [t for t in falun.text if t] == ["Falun"]  # labelled at the last year only
    table = page.open_table(True, X, Y, "over_tid", "2021", "2018", "senaste5")
    rows = table.children[2].children
    assert len(rows) == len(service.AREA_ORDER) * 4


def test_invalid_parameters_fall_back_to_the_defaults(page):
    selection = page.read_selection(x="XXX", y="", lage="?", till="1900", fran="abc", period="?")
    assert (selection.x, selection.y, selection.mode, selection.period) == (
        X,
        Y,
        "ar",
        "senaste5",
    )
    assert selection.year == newest_common_year(X, Y)
    assert selection.first_year == selection.year - 5


# --- callbacks --------------------------------------------------------------------------------


def test_years_callback_offers_only_years_with_both_values(page):
    survey = next(i.kpi_id for i in service.catalogue() if i.kpi_id == "U01402")  # every 2 years
    options, till, fran_options, fran = page.update_years(X, survey, "2024", "2019", "senaste5")
    offered = [int(o["value"]) for o in options]
    survey_years = set(municipal_values(survey).dropna(how="all").index)
    assert set(offered) <= survey_years
    assert int(till) == max(offered)
    assert int(fran) < int(till) and int(fran) in offered
    assert fran_options == options


def test_scatter_callback_returns_figure_correlation_table_and_export(page):
    figure, box, table, hidden, label, export = page.update_scatter(
        X, Y, "forandring", "2023", "2018", "senaste5", True
    )
    figure = validated(figure)
    r, _ = expected_r(X, Y, 2023, base=2018)
    (shown,) = find(box, lambda c: getattr(c, "id", None) == "malkonflikter-pearson")
    assert shown.children == swedish(r)
    assert hidden is False and label == "Till år"
    assert "Förändring 2018–2023" in figure.layout.xaxis.title.text
    assert export["kpis"] == [X, Y] and export["years"] == [2018, 2023]
    assert export["areas"] == list(service.AREA_ORDER)
    assert isinstance(table, html.Table)
    _, _, table, hidden, label, export = page.update_scatter(X, Y, "ar", "2023", "2018", "senaste5")
    assert "Hämtar tabellen" in str(table.children)  # closed: the placeholder
    assert hidden is True and label == "År" and export["years"] == [2023, 2023]


# --- the pair list ----------------------------------------------------------------------------


def changes_by_hand(kpi: str, span: int) -> pd.Series:
    """A municipality's change from the year ≤ newest − span to the newest year with values."""
    values = municipal_values(kpi).dropna(how="all")
    end = max(values.index)
    start = max(year for year in values.index if year <= end - span)
    return values.loc[end] - values.loc[start]


def test_pair_list_counts_agree_with_counting_by_hand(page):
    table = page.pair_table("senaste5")
    assert 0 < len(table) <= page.TOP_PAIRS
    shares = table["konflikt_andel"].tolist()
    assert shares == sorted(shares, reverse=True)
    directions = {i.kpi_id: i.direction for i in service.catalogue()}
    sign = {"up": 1, "down": -1}
    for record in table.head(3).to_dict("records"):
        dx = changes_by_hand(record["kpi_x"], 5) * sign[directions[record["kpi_x"]]]
        dy = changes_by_hand(record["kpi_y"], 5) * sign[directions[record["kpi_y"]]]
        both = [(a, b) for a, b in zip(dx, dy, strict=True) if not (pd.isna(a) or pd.isna(b))]
        assert record["n"] == len(both) >= MIN_MUNICIPALITIES
        assert record["n_konflikt"] == sum(1 for a, b in both if a * b < 0)
        assert record["n_synergi"] == sum(1 for a, b in both if a > 0 and b > 0)
        assert record["n_bada_samre"] == sum(1 for a, b in both if a < 0 and b < 0)


def test_pair_links_set_the_scatter_to_the_pair(page):
    wrapper = page.update_pairs("sedan2015")
    assert "sedan 2015" in wrapper.children[0].children
    links = find(wrapper, lambda c: isinstance(c, dcc.Link))
    assert len(links) == len(page.pair_table("sedan2015"))
    query = {k: v[0] for k, v in parse_qs(urlparse(links[0].href).query).items()}
    first = page.pair_table("sedan2015").iloc[0]
    assert query["x"] == first["kpi_x"] and query["y"] == first["kpi_y"]
    assert query["lage"] == "forandring" and query["period"] == "sedan2015"
    tree = page.layout(**query)
    assert by_id(tree, "malkonflikter-x").value == first["kpi_x"]
    assert by_id(tree, "malkonflikter-y").value == first["kpi_y"]
    assert by_id(tree, "malkonflikter-focus").data == "diagram"


def test_routes_answer(client):
    assert client.get("/malkonflikter").status_code == 200
    assert client.get(f"/malkonflikter?x={Y}&y={X}&lage=over_tid").status_code == 200


# --- figure helpers ---------------------------------------------------------------------------


def test_close_labels_are_placed_apart_and_lone_labels_on_top():
    positions = label_positions(
        [1.0, 1.01, 5.0], [1.0, 1.0, 9.0], ["Malung-Sälen", "Hedemora", "X"]
    )
    assert positions[0] == LABEL_POSITIONS[0]
    assert positions[1] != positions[0]
    assert positions[2] == "top center"
    assert label_positions([], [], []) == []


def test_axis_title_names_unit_and_direction():
    catalogue = catalogue_by_id()
    assert axis_title(catalogue["N45926"]).endswith("<b>ingen önskad riktning</b>")
    title = axis_title(catalogue[Y], period=(2015, 2024))
    assert title.startswith("Förändring 2015–2024: Växthusgasutsläpp per invånare")
    assert "↓ minskning önskas" in title
