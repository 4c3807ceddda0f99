"""Målkonflikter in a real browser: the correlation shown equals Pearson's r computed here from
the stored observations; a conflict-pair link sets the scatter's axes."""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from indicators import service

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")
SCATTER = "#malkonflikter-scatter .cartesianlayer"


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def municipal_points(x: str, y: str, year: int, base: int | None = None) -> list[tuple]:
    """(x, y) per municipality with both values, from the stored observations."""
    frame = service.observations()
    frame = frame[(frame["gender"] == "T") & frame["area_id"].isin(service.MUNICIPALITY_IDS)]

    def values(kpi: str, when: int) -> dict[str, float]:
        rows = frame[(frame["kpi_id"] == kpi) & (frame["year"] == when)].dropna(subset=["value"])
        return dict(zip(rows["area_id"], rows["value"], strict=True))

    xs, ys = values(x, year), values(y, year)
    if base is not None:
        x0, y0 = values(x, base), values(y, base)
        xs = {a: v - x0[a] for a, v in xs.items() if a in x0}
        ys = {a: v - y0[a] for a, v in ys.items() if a in y0}
    return [(xs[a], ys[a]) for a in service.MUNICIPALITY_IDS if a in xs and a in ys]


def pearson(points: list[tuple]) -> float:
    """r = (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²))."""
    n = len(points)
    sx = sum(p[0] for p in points)
    sy = sum(p[1] for p in points)
    sxy = sum(p[0] * p[1] for p in points)
    sxx = sum(p[0] ** 2 for p in points)
    syy = sum(p[1] ** 2 for p in points)
    return (n * sxy - sx * sy) / math.sqrt((n * sxx - sx**2) * (n * syy - sy**2))


def swedish(r: float) -> str:
    text = f"{abs(r):.2f}".replace(".", ",")
    return ("−" if r < 0 and text != "0,00" else "") + text


def svg_text(page, selector: str) -> str:
    return page.locator(selector).first.text_content() or ""


def shown_r(page) -> tuple[str, float]:
    element = page.locator("#malkonflikter-pearson")
    return element.inner_text(), float(element.get_attribute("data-value"))


def test_correlation_on_the_page_equals_pearson_computed_from_the_data(page, live_server):
    page.goto(live_server.url + "/malkonflikter")
    page.wait_for_selector(SCATTER)
    page.wait_for_load_state("networkidle")
    params = query(page)
    assert (params["x"], params["y"], params["lage"]) == ("N03702", "N00401", "ar")
    year = int(params["till"])
    points = municipal_points("N03702", "N00401", year)
    r = pearson(points)
    text, exact = shown_r(page)
    assert text == swedish(r)
    assert exact == pytest.approx(r, abs=1e-9)
    assert page.inner_text("#malkonflikter-n") == str(len(points))
    assert "orsak och verkan" in page.inner_text("#malkonflikter-tolkning")
    x_title = svg_text(page, "#malkonflikter-scatter .xtitle")
    assert "Bruttoregionprodukt per invånare" in x_title and "↑ högre önskas" in x_title
    assert "↓ lägre önskas" in svg_text(page, "#malkonflikter-scatter .ytitle")
    # the reference areas are drawn, but apart from the municipalities
    legend = page.eval_on_selector_all(
        "#malkonflikter-scatter .legendtext", "nodes => nodes.map(n => n.textContent)"
    )
    assert "Region Dalarna (referens, ingår inte i r)" in legend
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "malkonflikter.png"), full_page=True)
    page.console_log.assert_clean()


def test_a_conflict_pair_link_sets_the_scatter_axes(page, live_server):
    page.goto(live_server.url + "/malkonflikter")
    page.wait_for_selector(SCATTER)
    page.wait_for_load_state("networkidle")
    link = page.locator("#malkonflikter-pairs .pair-link").first
    href = link.get_attribute("href")
    target = {k: v[0] for k, v in parse_qs(urlparse(href).query).items()}
    x_label = service.indicator(target["x"]).label
    y_label = service.indicator(target["y"]).label
    link.click()
    page.wait_for_function(
        "(label) => (document.querySelector('#malkonflikter-scatter .xtitle') || {})"
        ".textContent?.includes(label)",
        arg="Förändring",
    )
    page.wait_for_function(
        "(x) => new URLSearchParams(location.search).get('x') === x", arg=target["x"]
    )
    page.wait_for_load_state("networkidle")
    x_title = svg_text(page, "#malkonflikter-scatter .xtitle")
    y_title = svg_text(page, "#malkonflikter-scatter .ytitle")
    assert x_label.split()[0] in x_title and "Förändring" in x_title
    assert y_label.split()[0] in y_title
    params = query(page)
    assert (params["x"], params["y"], params["lage"]) == (target["x"], target["y"], "forandring")
    assert "fokus" not in params
    # the correlation is now that of the municipalities' changes over the period shown
    points = municipal_points(params["x"], params["y"], int(params["till"]), int(params["fran"]))
    text, exact = shown_r(page)
    assert exact == pytest.approx(pearson(points), abs=1e-9)
    assert text == swedish(pearson(points))
    # the view and the keyboard focus moved to the scatter
    assert page.evaluate("document.activeElement.id") == "malkonflikter-scatter-heading"
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "malkonflikter-par.png"), full_page=True)
    page.console_log.assert_clean()


def test_mode_and_year_go_to_the_address_bar_and_back(page, live_server):
    page.goto(live_server.url + "/malkonflikter")
    page.wait_for_selector(SCATTER)
    assert not page.locator("#malkonflikter-fran-control").is_visible()
    page.get_by_label("Utveckling över tid").check()
    page.wait_for_function("() => new URLSearchParams(location.search).get('lage') === 'over_tid'")
    page.locator("#malkonflikter-fran-control").wait_for(state="visible")
    page.wait_for_function(
        "() => document.querySelector('#malkonflikter-scatter .gtitle')"
        "?.textContent.includes('utveckling')"
    )
    url = page.url
    page.goto(url)
    page.wait_for_selector(SCATTER)
    assert page.locator("#malkonflikter-lage input[value=over_tid]").is_checked()
    page.get_by_text("Visa som tabell").click()
    table = page.locator("#malkonflikter-points")
    table.wait_for(state="visible")  # built when opened
    assert table.locator("tbody tr").count() > len(service.AREA_ORDER)  # one row per area and year
    page.console_log.assert_clean()
