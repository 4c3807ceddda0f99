"""Kommun in a real browser: tiles, level control synced with the address bar, SDG filter by
tile, keyboard access, accessibility audit and a clean console."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.axe import AXE_SCRIPT, blocking_violations, describe

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#kommun-tiles, .kommuner-page, .kommun-not-found")
    page.wait_for_load_state("networkidle")
    if page.locator("#kommun-tiles").count():
        # The list is drawn once its (lazily loaded) component has arrived.
        page.wait_for_selector("#kommun-indicators .sdg-section")


def _wait(page, expression: str) -> None:
    """Wait until the expression is true, checking every 100 ms (the default polls on
    animation frames, which a headless page may not draw)."""
    page.wait_for_function(expression, polling=100)


def _tiles_heading(page) -> str:
    return page.inner_text("#kommun-tiles-heading")


def test_profile_level_url_and_reload(page, live_server):
    _open(page, live_server.url + "/kommun/2062")
    assert page.inner_text("main h1") == "Mora"
    assert page.locator("#kommun-tiles > li").count() == 17
    assert "nationellt mål" in _tiles_heading(page)
    _wait(page, "location.search.includes('niva=nationell')")

    page.locator("#kommun-level input[value='global']").check()
    _wait(
        page, "document.querySelector('#kommun-tiles-heading').textContent.includes('globalt mål')"
    )
    _wait(page, "location.search.includes('niva=global')")
    assert "niva=global" in page.url

    page.reload()
    page.wait_for_selector("#kommun-tiles")
    assert "globalt mål" in _tiles_heading(page)
    assert page.locator("#kommun-level input[value='global']").is_checked()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "kommun.png"))
    page.console_log.assert_clean()


def test_tile_filters_the_indicator_list(page, live_server):
    _open(page, live_server.url + "/kommun/2062?niva=trend")
    all_sections = page.locator(".sdg-section").count()
    assert all_sections > 1
    page.locator("#kommun-tiles li[data-sdg='13'] a").click()
    _wait(page, "location.search.includes('mal=13')")
    _wait(page, "document.querySelectorAll('.sdg-section').length === 1")
    assert page.get_attribute(".sdg-section", "data-sdg") == "13"
    assert "niva=trend" in page.url, "the other selections are kept"
    assert "mål 13" in page.inner_text("#kommun-lista")
    assert page.locator("#kommun-tiles li.selected").get_attribute("data-sdg") == "13"
    # The list is brought into view with the keyboard focus on its heading.
    assert page.evaluate("document.activeElement.id") == "kommun-lista"
    page.screenshot(path=str(SCREENS / "kommun-mal13.png"))

    page.locator("#kommun-show-all").click()
    _wait(page, "!location.search.includes('mal=')")
    _wait(page, f"document.querySelectorAll('.sdg-section').length === {all_sections}")
    page.console_log.assert_clean()


def test_tab_reaches_the_level_control(page, live_server):
    _open(page, live_server.url + "/kommun/2062")
    for _ in range(60):
        page.keyboard.press("Tab")
        inside = page.evaluate(
            "!!document.activeElement.closest && !!document.activeElement.closest('#kommun-level')"
        )
        if inside:
            break
    else:
        pytest.fail("Tab never reached the level control")
    # Arrow keys move between the levels like any radio group.
    page.keyboard.press("ArrowRight")
    _wait(page, "!document.querySelector('#kommun-level input[value=\"nationell\"]').checked")
    page.console_log.assert_clean()


@pytest.mark.parametrize("path", ["/kommun", "/kommun/0020", "/kommun/0000", "/kommun/9999"])
def test_other_profiles_and_index_render(page, live_server, path):
    _open(page, live_server.url + path)
    heading = page.inner_text("main h1")
    if path == "/kommun":
        assert heading == "Kommuner"
        assert page.locator("#kommuner-table tbody tr").count() == 17
        page.screenshot(path=str(SCREENS / "kommuner.png"), full_page=True)
    elif path == "/kommun/9999":
        assert heading == "Området finns inte"
        page.click("#kommun-index-link")
        page.wait_for_selector(".kommuner-page")
    else:
        assert heading in ("Region Dalarna", "Riket")
        assert page.locator("#kommun-tiles > li").count() == 17
    page.console_log.assert_clean()


@pytest.mark.skipif(not AXE_SCRIPT.is_file(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("path", ["/kommun", "/kommun/2062"])
def test_no_serious_accessibility_violations(page, live_server, path):
    _open(page, live_server.url + path)
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
