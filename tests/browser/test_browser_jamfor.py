"""Jämför in a real browser: change municipalities and indicators, the address bar follows,
a reload restores the view, the charts render, the "same scale" facets."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.support.axe import blocking_violations, describe

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")
PANEL_GRAPHS = ".jamfor-panel .js-plotly-plot .cartesianlayer"


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def wait_for_query(page, name: str, value: str) -> None:
    page.wait_for_function(
        "([name, value]) => new URLSearchParams(location.search).get(name) === value",
        arg=[name, value],
    )


def panel_kpis(page) -> list[str]:
    return page.eval_on_selector_all(".jamfor-panel", "nodes => nodes.map(n => n.dataset.kpi)")


def legend_names(page, kpi: str) -> list[str]:
    return page.eval_on_selector_all(
        f'.jamfor-panel[data-kpi="{kpi}"] .legendtext', "nodes => nodes.map(n => n.textContent)"
    )


def choose(page, dropdown_id: str, option: str, search: str | None = None) -> None:
    """Open a dropdown, optionally type in its search field, and pick the option."""
    page.click(f"#{dropdown_id}")
    if search:  # typed into the search field once it is there (keys sent before are lost)
        field = page.locator(".dash-dropdown-search:visible")
        field.wait_for()
        field.fill(search)
    page.locator(".dash-dropdown-content .dash-dropdown-option").filter(
        has_text=re.compile(f"^{re.escape(option)}$")
    ).click()
    page.keyboard.press("Escape")


def open_page(page, url: str, panels: int) -> None:
    page.goto(url)
    page.wait_for_function(
        "([selector, n]) => document.querySelectorAll(selector).length === n",
        arg=[PANEL_GRAPHS, panels],
    )
    page.wait_for_load_state("networkidle")


def test_change_areas_and_indicators_url_follows_and_reload_restores(page, live_server):
    open_page(page, live_server.url + "/jamfor?omraden=2062,2080&indikatorer=N00401,N03702", 2)
    assert page.inner_text("h1") == "Jämför kommuner"
    assert panel_kpis(page) == ["N00401", "N03702"]
    assert legend_names(page, "N00401") == ["Mora", "Falun", "Region Dalarna", "Riket"]

    # add Ludvika
    choose(page, "jamfor-omraden", "Ludvika")
    wait_for_query(page, "omraden", "2062,2080,2085")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jamfor-panel[data-kpi=\"N00401\"] .legendtext')]"
        ".some(e => e.textContent === 'Ludvika')"
    )

    # add an indicator by searching for it
    choose(page, "jamfor-indikatorer", "Skyddad natur totalt (mål 15)", search="Skyddad natur")
    wait_for_query(page, "indikatorer", "N00401,N03702,N85054")
    page.wait_for_function(
        "([selector, n]) => document.querySelectorAll(selector).length === n",
        arg=[PANEL_GRAPHS, 3],
    )
    assert panel_kpis(page) == ["N00401", "N03702", "N85054"]
    assert legend_names(page, "N85054") == ["Mora", "Falun", "Ludvika", "Region Dalarna", "Riket"]

    # status at another level goes to the address bar too
    choose(page, "jamfor-niva", "Regionalt mål")
    wait_for_query(page, "niva", "regional")

    # reload: the same view comes back from the address bar
    url = page.url
    open_page(page, url, 3)
    assert query(page)["omraden"] == "2062,2080,2085"
    assert panel_kpis(page) == ["N00401", "N03702", "N85054"]
    assert "Ludvika" in legend_names(page, "N03702")
    assert "Status: Regionalt mål" in page.inner_text('.jamfor-panel[data-kpi="N00401"]')
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "jamfor.png"), full_page=True)
    page.console_log.assert_clean()


def test_same_scale_view_draws_a_facet_per_municipality(page, live_server):
    open_page(page, live_server.url + "/jamfor?omraden=2021,2081&indikatorer=N00401", 1)
    page.get_by_label("Samma skala: kommunerna sida vid sida").check()
    wait_for_query(page, "vy", "kommun")
    page.wait_for_selector(".jamfor-panels.facets .js-plotly-plot .main-svg")
    titles = page.eval_on_selector_all(
        ".jamfor-panel .annotation-text", "nodes => nodes.map(n => n.textContent)"
    )
    assert titles[:2] == ["Vansbro", "Borlänge"]
    # the two facets share one y axis: only the first draws its tick labels
    assert page.locator(".jamfor-panel .yaxislayer-above .ytick").count() > 0
    assert page.locator(".jamfor-panel .x2y2 .yaxislayer-above .ytick").count() == 0
    # the table alternative opens and holds the numbers with decimal comma
    page.get_by_text("Visa som tabell").first.click()
    table = page.locator(".jamfor-panel table.data-table").first
    table.wait_for(state="visible")  # built when opened
    assert "," in table.inner_text()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "jamfor-samma-skala.png"), full_page=True)
    page.console_log.assert_clean()


def panel_table(page, kpi: str):
    return page.locator(f'.jamfor-panel[data-kpi="{kpi}"] table.data-table')


def table_headers(page, kpi: str) -> list[str]:
    return panel_table(page, kpi).locator("thead th").all_inner_texts()


def test_table_alternative_is_built_when_opened_and_follows_the_selection(page, live_server):
    open_page(page, live_server.url + "/jamfor?omraden=2080&indikatorer=N00401,N03702", 2)
    assert page.locator("table.data-table").count() == 0  # no table is built before it is opened
    # opened with the keyboard: Enter on the focused summary
    page.locator('.jamfor-panel[data-kpi="N00401"] details.table-alternative > summary').focus()
    page.keyboard.press("Enter")
    panel_table(page, "N00401").wait_for(state="visible")
    assert table_headers(page, "N00401") == ["År", "Falun", "Region Dalarna", "Riket"]
    assert panel_table(page, "N03702").count() == 0  # the other panel's is still not built
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    # another municipality: the open table stays open and shows it
    choose(page, "jamfor-omraden", "Mora")
    wait_for_query(page, "omraden", "2080,2062")
    page.wait_for_function(
        "() => [...document.querySelectorAll("
        "'.jamfor-panel[data-kpi=\"N00401\"] table.data-table thead th')]"
        ".some(e => e.textContent === 'Mora')"
    )
    assert (
        page.locator('.jamfor-panel[data-kpi="N00401"] details.table-alternative').get_attribute(
            "open"
        )
        == ""
    )
    assert table_headers(page, "N00401") == ["År", "Mora", "Falun", "Region Dalarna", "Riket"]
    assert panel_table(page, "N03702").count() == 0
    # closed with a click, it stays closed when the selection changes again
    page.locator('.jamfor-panel[data-kpi="N00401"] details.table-alternative > summary').click()
    assert not panel_table(page, "N00401").is_visible()
    choose(page, "jamfor-niva", "Regionalt mål")
    wait_for_query(page, "niva", "regional")
    page.wait_for_load_state("networkidle")
    assert (
        page.locator('.jamfor-panel[data-kpi="N00401"] details.table-alternative').get_attribute(
            "open"
        )
        is None
    )
    # opened with a click, the second panel's table comes
    page.locator('.jamfor-panel[data-kpi="N03702"] details.table-alternative > summary').click()
    panel_table(page, "N03702").wait_for(state="visible")
    assert table_headers(page, "N03702")[:3] == ["År", "Mora", "Falun"]
    page.console_log.assert_clean()


def test_table_alternative_opens_with_a_tap(browser, live_server):
    context = browser.new_context(viewport={"width": 412, "height": 900}, has_touch=True)
    try:
        touch = context.new_page()
        errors: list[str] = []
        touch.on("pageerror", lambda exc: errors.append(str(exc)))
        open_page(touch, live_server.url + "/jamfor?omraden=2080&indikatorer=N00401", 1)
        touch.locator('.jamfor-panel[data-kpi="N00401"] details.table-alternative > summary').tap()
        panel_table(touch, "N00401").wait_for(state="visible")
        assert "," in panel_table(touch, "N00401").inner_text()
        assert errors == []
    finally:
        context.close()


# --- one style per area on every page; totals per inhabitant -----------------------------------

#: Each area's trace of a Plotly graph (goal lines have no markers): name, line colour, marker
#: symbol and y axis, read from the figure data Plotly keeps on the graph's element.
TRACE_STYLES = """
(graph) => graph.data.filter(t => t.marker)
    .map(t => [t.name, t.line.color, t.marker.symbol, t.yaxis || 'y'])
"""


def trace_styles(page, selector: str) -> dict[str, tuple[str, str, str]]:
    rows = page.eval_on_selector(f"{selector} .js-plotly-plot", TRACE_STYLES)
    return {name: (colour, symbol, axis) for name, colour, symbol, axis in rows}


def svg_text(page, selector: str) -> str:
    return page.locator(selector).first.text_content() or ""


def test_falun_has_the_same_colour_and_marker_on_the_indicator_page_and_in_jamfor(
    page, live_server
):
    page.goto(live_server.url + "/indikator/N00401?omraden=2062,2080")
    page.wait_for_selector("#indikator-series .js-plotly-plot .main-svg")
    indicator = trace_styles(page, "#indikator-series")
    open_page(page, live_server.url + "/jamfor?omraden=2080,2085&indikatorer=N00401", 1)
    compared = trace_styles(page, '.jamfor-panel[data-kpi="N00401"]')
    for area in ("Falun", "Region Dalarna", "Riket"):
        assert indicator[area][:2] == compared[area][:2], area
    assert compared["Falun"][:2] == ("#0072B2", "circle")
    # Ludvika first in Jämför, Mora first on the indicator page: Falun keeps its style
    assert compared["Ludvika"][:2] != compared["Falun"][:2]
    page.console_log.assert_clean()


def test_totals_per_inhabitant_or_with_the_references_on_their_own_scales(page, live_server):
    open_page(page, live_server.url + "/jamfor?omraden=2080,2081&indikatorer=N07702", 1)
    panel = '.jamfor-panel[data-kpi="N07702"]'
    assert page.is_checked("#jamfor-varden input[value='per-invanare']")  # the default
    styles = trace_styles(page, panel)
    assert {axis for _, _, axis in styles.values()} == {"y"}  # one scale for all
    title = page.eval_on_selector(
        f"{panel} .js-plotly-plot", "(graph) => graph.layout.title.text.split('<br>').join(' ')"
    )
    assert "per invånare" in title
    assert "invånare" in svg_text(page, f"{panel} .gtitle")  # drawn
    # totals: the references move to panels of their own
    page.get_by_role("radio", name="Totalt", exact=True).check()
    wait_for_query(page, "varden", "totalt")
    page.wait_for_function(
        "() => document.querySelectorAll('.jamfor-panel .subplot.x3y3').length === 1"
    )
    styles = trace_styles(page, panel)
    assert styles["Falun"][2] == styles["Borlänge"][2] == "y"
    assert len({styles["Riket"][2], styles["Region Dalarna"][2], "y"}) == 3
    assert "egen skala" in page.inner_text(panel)
    # the table alternative shows the totals, and per inhabitant again when chosen
    page.locator(f"{panel} details.table-alternative > summary").click()
    table = page.locator(f"{panel} table.data-table")
    table.wait_for(state="visible")
    assert "ton CO2-ekv)" in table.locator("caption").inner_text()
    page.get_by_role("radio", name="Per invånare", exact=True).check()
    wait_for_query(page, "varden", "per-invanare")
    page.wait_for_function(
        "() => (document.querySelector('.jamfor-panel table.data-table caption') || {})"
        ".textContent.includes('per invånare')"
    )
    # the address restores the choice
    open_page(page, page.url.replace("varden=per-invanare", "varden=totalt"), 1)
    assert page.is_checked("#jamfor-varden input[value='totalt']")
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "jamfor-totaler.png"), full_page=True)
    page.console_log.assert_clean()
