"""Jämför med liknande kommuner in a real browser: Falun's seven similar municipalities and
their mean on the Indikator page, reached by keyboard, clean console, axe, and no sideways
scrolling on a phone, a laptop and a projector in presentation mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.test_browser_room_layout import SIDEWAYS
from tests.support.axe import blocking_violations, describe
from tests.web.test_page_similar import KPI, MEMBERS, seed

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")
PATH = f"/indikator/{KPI}?omraden=2080"
#: (name, width, height, presentation mode)
SCREEN_SIZES = [
    ("telefon", 390, 844, False),
    ("laptop", 1366, 768, False),
    ("projektor", 1280, 720, True),
]


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')")


def open_similar(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#indikator-similar-graph .js-plotly-plot .main-svg")
    settle(page)


@pytest.fixture
def seeded(own_data):
    seed(own_data)
    return own_data


def test_the_demo_data_compares_falun_with_its_seven(page, live_server):
    """The demo database holds Kolada's group for Falun (G37366) and values for its members."""
    open_similar(page, live_server.url + PATH)
    rows = page.eval_on_selector_all(
        "#indikator-similar-comparison tbody th", "nodes => nodes.map(n => n.textContent)"
    )
    assert rows[0] == "Falun"
    assert rows[1:8] == [m.title for m in MEMBERS]
    assert re.fullmatch(r"Liknande kommuner, ovägt medel, [0-7] av 7 kommuner", rows[8])
    assert re.fullmatch(
        r"Falun har plats [1-8] av [2-8] år \d{4}, där 1 är bäst \(lägre är bättre\)\.",
        page.inner_text("#indikator-similar-rank"),
    )
    page.console_log.assert_clean()


def test_falun_s_similar_municipalities_and_their_mean(page, live_server, seeded):
    open_similar(page, live_server.url + PATH + "#indikator-similar")
    table = page.inner_text("#indikator-similar-comparison")
    for member in MEMBERS:
        assert member.title in table
    assert "Liknande kommuner, ovägt medel, 7 av 7 kommuner" in table
    legend = page.eval_on_selector_all(
        "#indikator-similar-graph .legendtext", "nodes => nodes.map(n => n.textContent)"
    )
    assert {m.title for m in MEMBERS} <= set(legend)
    assert "Falun" in legend
    assert any("ovägt medel" in name for name in legend)
    assert "där 1 är bäst" in page.inner_text("#indikator-similar-rank")
    assert "Urval: RKA:s liknande kommuner, övergripande, 2025, från Kolada." in page.inner_text(
        "#indikator-similar-body"
    )
    page.console_log.assert_clean()


def test_the_table_alternative_opens_by_keyboard(page, live_server, seeded):
    open_similar(page, live_server.url + PATH)
    page.focus("#indikator-similar")
    for _ in range(40):
        page.keyboard.press("Tab")
        inside = page.evaluate(
            "() => document.activeElement.closest('#indikator-similar-details') !== null"
        )
        if inside:
            break
    assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    page.wait_for_selector("#indikator-similar-data")
    text = page.inner_text("#indikator-similar-data")
    assert "Ovägt medel" in text and "7 av 7" in text
    for member in MEMBERS:
        assert member.title in text
    page.console_log.assert_clean()


def test_axe_finds_nothing_serious(page, live_server, seeded):
    open_similar(page, live_server.url + PATH)
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    page.console_log.assert_clean()


@pytest.mark.parametrize(("name", "width", "height", "presentation"), SCREEN_SIZES)
def test_no_sideways_scrolling(browser, live_server, name, width, height, presentation):
    """On the demo data (which holds Kolada's groups and generated values for the members)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="sv-SE")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        url = live_server.url + PATH + ("&visa=presentation" if presentation else "")
        open_similar(page, url)
        assert page.locator("#indikator-similar-comparison tbody tr").count() == 1 + 7 + 1
        page.locator("#indikator-similar").scroll_into_view_if_needed()
        page.evaluate("() => new Promise((done) => setTimeout(done, 300))")
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.locator(".similar-section").screenshot(path=str(SCREENS / f"liknande-{name}.png"))
        widths = page.evaluate(SIDEWAYS)
        assert widths["scroll"] <= widths["client"], widths["out"]
        assert errors == []
    finally:
        context.close()


def test_kommun_page_lists_them_and_links_to_the_comparison(page, live_server, seeded):
    page.goto(live_server.url + "/kommun/2080")
    page.wait_for_selector("#kommun-similar-list")
    settle(page)
    names = page.eval_on_selector_all(
        "#kommun-similar-list li", "nodes => nodes.map(n => n.textContent)"
    )
    assert names == [m.title for m in MEMBERS]
    assert page.inner_text("#kommun-skr-group") == "Kommungrupp (SKR): Mindre stad/tätort."
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.locator("#kommun-similar").locator("xpath=..").screenshot(
        path=str(SCREENS / "liknande-kommun.png")
    )
    page.focus("#kommun-similar-link")
    page.keyboard.press("Enter")
    page.wait_for_selector("#indikator-similar-comparison")
    settle(page)
    assert "omraden=2080" in page.url
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'indikator-similar'"
    )
    page.console_log.assert_clean()
