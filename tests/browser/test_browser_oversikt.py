"""Översikt in a real browser: the selection lives in the URL (reload, back), a cell shows the
facts behind it (by mouse and keyboard) with the way on to the indicator page, no console
errors."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from indicators.catalogue import load_catalogue
from indicators.overview import effective_status
from indicators.vocabulary import LEVEL_LABELS, STATUS_STYLE
from tests.support.axe import blocking_violations, describe

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")
MATRIX = "table.ov-matrix"
FACTS = "#oversikt-why [data-cell]"


def open_overview(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(MATRIX)
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')")


def caption(page) -> str:
    return page.inner_text(f"{MATRIX} caption")


def sdg_groups(page) -> list[str]:
    return page.eval_on_selector_all(
        f"{MATRIX} th.ov-sdg .ov-sdg-number", "nodes => nodes.map(n => n.textContent)"
    )


def rgb(colour: str) -> str:
    """``#0072B2`` as the browser computes it: ``rgb(0, 114, 178)``."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def search(page) -> str:
    return page.evaluate("window.location.search")


def choose_sdg(page, label: str) -> None:
    """Pick one option in the SDG multi-select (type to filter, then click the option)."""
    page.click("#oversikt-sdg")
    page.get_by_role("option", name=label).click()
    page.keyboard.press("Escape")


def test_selection_lives_in_the_url_and_cells_lead_to_the_indicator(page, live_server):
    open_overview(page, live_server.url + "/?vy=indikator")
    page.wait_for_function("window.location.search.includes('niva=nationell')")
    assert "Nationellt mål" in caption(page)
    assert len(sdg_groups(page)) > 1

    # goal level: a radio button; the URL follows and the matrix is rebuilt
    page.get_by_label("Regionalt mål").check()
    page.wait_for_function("window.location.search.includes('niva=regional')")
    page.wait_for_function(
        "document.querySelector('table.ov-matrix caption').textContent.startsWith('Regionalt mål')"
    )
    all_goals = sdg_groups(page)

    # SDG filter: only goal 13's indicators remain
    choose_sdg(page, "13 Bekämpa klimatförändringarna")
    page.wait_for_function("new URLSearchParams(window.location.search).get('mal') === '13'")
    page.wait_for_function("document.querySelectorAll('table.ov-matrix th.ov-sdg').length === 1")
    assert sdg_groups(page) == ["13"]
    assert "niva=regional" in search(page)

    # reload restores both choices
    page.reload()
    page.wait_for_selector(MATRIX)
    assert page.get_by_label("Regionalt mål").is_checked()
    assert sdg_groups(page) == ["13"]
    assert "Bekämpa klimatförändringarna" in page.inner_text("#oversikt-sdg")
    assert caption(page).startswith("Regionalt mål")

    # back: the view before the SDG filter returns
    page.go_back()
    page.wait_for_function("!new URLSearchParams(window.location.search).get('mal')")
    page.wait_for_function("document.querySelectorAll('table.ov-matrix th.ov-sdg').length > 1")
    assert sdg_groups(page) == all_goals
    assert page.get_by_label("Regionalt mål").is_checked()

    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "oversikt.png"))
    page.screenshot(path=str(SCREENS / "oversikt-full.png"), full_page=True)

    # each status cell has its status's colours, from the vocabulary's custom properties
    shown = page.eval_on_selector_all(
        f"{MATRIX} tbody .ov-cell",
        """cells => cells.map(c => [c.className.match(/ov-st(\\d)/)[1],
            getComputedStyle(c).backgroundColor, getComputedStyle(c).color])""",
    )
    assert shown
    by_order = {str(style.order): style for style in STATUS_STYLE.values()}
    for order, background, text in shown:
        assert background == rgb(by_order[order].colour), order
        assert text == rgb(by_order[order].text_colour), order

    # a cell shows the facts behind it, and they lead to the indicator page for that area
    cell = page.locator(f"{MATRIX} tbody button.ov-cell").first
    key = cell.get_attribute("value")
    area_id, kpi_id = key.split(":")
    cell.click()
    page.wait_for_selector(f'{FACTS}[data-cell="{key}"]')
    facts = page.locator(FACTS)
    assert facts.locator("h2").inner_text().startswith("Varför?")
    assert "Metod" in facts.locator("dl").inner_text()
    assert "ov-chosen" in cell.get_attribute("class").split()
    link = facts.get_by_role("link", name=re.compile("^Öppna indikatorn för "))
    href = link.get_attribute("href")
    assert href == f"/indikator/{kpi_id}?omraden={area_id}&niva=regional"
    link.click()
    page.wait_for_url(re.compile(r"/indikator/[NU]\d{5}\?omraden=\d{4}"))
    assert page.url.endswith(href)
    page.wait_for_selector("main h1")
    page.console_log.assert_clean()


def test_download_holds_the_shown_indicators_and_levels(page, live_server):
    open_overview(page, live_server.url + "/?niva=regional&dimension=ekonomisk")
    link = page.get_by_role("link", name="Ladda ner CSV")
    link.wait_for()
    page.wait_for_function(
        "document.querySelector('a.export-button').getAttribute('href').includes('niva=regional')"
    )
    with page.expect_download() as info:
        link.click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    economic = {i.kpi_id for i in load_catalogue() if i.dimension == "ekonomisk"}
    assert rows
    assert {r["nyckeltal"] for r in rows} <= economic
    assert {"regional_status", "trend_status"} <= set(rows[0])
    assert "nationell_status" not in rows[0]
    page.console_log.assert_clean()


def test_per_goal_view_and_keyboard(page, live_server):
    open_overview(page, live_server.url + "/?niva=trend&vy=mal")
    assert page.get_by_label("Trend (utan mål)").is_checked()
    assert page.get_by_label("En ruta per mål (SDG)").is_checked()
    page.wait_for_selector("table.ov-matrix.ov-per-sdg")
    rows = page.locator("table.ov-matrix tbody tr")
    assert rows.count() == 17
    # the first cell is a button reachable by keyboard, named by its status in words
    first = page.locator("table.ov-matrix tbody button.ov-cell").first
    first.focus()
    assert page.evaluate("document.activeElement.classList.contains('ov-cell')")
    statuses = {style.label_sv for style in STATUS_STYLE.values()}
    assert first.get_attribute("aria-label") in statuses
    key = first.get_attribute("value")
    assert re.fullmatch(r"\d{4}:\d{1,2}", key)
    # Enter shows its facts and moves focus to them; Escape closes them and returns focus
    page.keyboard.press("Enter")
    page.wait_for_selector(f'{FACTS}[data-cell="{key}"]')
    page.wait_for_function("document.activeElement.id === 'oversikt-why-title'")
    heading = page.locator("#oversikt-why-title").inner_text()
    assert re.fullmatch(r"Varför\? .+ – mål \d+: .+", heading), heading
    assert "Indikatorer" in page.locator(FACTS).inner_text()
    link = page.locator(FACTS).get_by_role("link")
    assert re.fullmatch(r"/kommun/\d{4}\?mal=\d+&niva=trend", link.get_attribute("href"))
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    page.keyboard.press("Escape")
    page.wait_for_function("!document.querySelector('#oversikt-why [data-cell]')")
    page.wait_for_function("document.activeElement.classList.contains('ov-cell')")
    assert page.evaluate("document.activeElement.value") == key
    # the skip link before the matrix takes keyboard users past its links
    skip = page.get_by_role("link", name="Hoppa förbi matrisen")
    skip.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'oversikt-after-matrix'")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "oversikt-per-mal.png"))
    page.console_log.assert_clean()


def test_facts_follow_the_selection_and_close_with_the_button(page, live_server):
    open_overview(page, live_server.url + "/?niva=nationell&mal=13")
    cell = page.locator(f"{MATRIX} tbody button.ov-cell").first
    key = cell.get_attribute("value")
    cell.click()
    page.wait_for_selector(f'{FACTS}[data-cell="{key}"]')
    assert "niva=nationell" in page.locator(FACTS).get_by_role("link").get_attribute("href")
    # another level: the same cell's facts for that level
    page.get_by_label("Regionalt mål").check()
    page.wait_for_function(
        "document.querySelector('#oversikt-why a')?.getAttribute('href').includes('niva=regional')"
    )
    assert page.locator(FACTS).get_attribute("data-cell") == key
    # on a narrow screen the panel is tapped like any button
    page.set_viewport_size({"width": 420, "height": 800})
    page.locator(FACTS).get_by_role("button", name="Stäng").click()
    page.wait_for_function("!document.querySelector('#oversikt-why [data-cell]')")
    assert page.evaluate("document.activeElement.value") == key
    assert "Välj en ruta" in page.inner_text("#oversikt-why")
    page.console_log.assert_clean()


def test_the_first_screen_leads_and_opens_at_the_level_with_most_goals(browser, live_server):
    """At 1366 × 768 the first screen says where to start and the matrix begins on it; the
    overview opens at the level with goals for most cells, one column per SDG goal, and says
    how many cells show the trend instead; a level in the address wins."""
    from indicators import service
    from indicators.overview import default_level, sdg_aggregates, sdg_fallback_count

    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="sv-SE")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/")
    page.wait_for_selector(MATRIX)
    status = service.status("statistics_canada")
    level = default_level(status, "nationell")
    page.wait_for_url(re.compile(rf"niva={level}"))
    start = page.locator(".ov-start")
    assert start.inner_text().startswith("Börja här:")
    box = start.bounding_box()
    assert box["y"] + box["height"] <= 768
    assert page.locator(MATRIX).bounding_box()["y"] < 768, "the matrix starts on the first screen"
    assert page.locator("table.ov-matrix.ov-per-sdg").count() == 1
    effective = effective_status(status, level)
    aggregates = sdg_aggregates(effective, effective["kpi_id"].unique())
    n = sdg_fallback_count(aggregates, level)
    line = page.locator(".ov-fallback-count").inner_text()
    total = len(aggregates)
    assert line.startswith(f"{n:,} av {total:,} rutor saknar".replace(",", "\u00a0"))
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "oversikt-forsta-skarmen.png"))
    # choosing one's municipality opens its page
    page.click("#oversikt-kommun")
    page.locator(".dash-dropdown-content").get_by_text("Falun", exact=True).click()
    page.wait_for_url(re.compile(r"/kommun/2080"))
    page.wait_for_selector("#kommun-tiles")
    # an explicit level in the address wins over the default
    other = "global" if level != "global" else "regional"
    page.goto(live_server.url + f"/?niva={other}")
    page.wait_for_selector(MATRIX)
    assert page.get_by_role("radio", name=LEVEL_LABELS[other], exact=True).is_checked()
    assert f"niva={other}" in page.evaluate("window.location.search")
    context.close()
    assert errors == []
