"""The municipality map in Chromium: 15 shapes with their labels on Översikt and an indicator's
page, a click or a tap on a municipality opens its page, the year slider redraws the map and
keeps the year in the address, presentation mode fits the map in a 1280×720 screen, and axe
finds nothing serious with the map's table open."""

from __future__ import annotations

import pytest

from data.areas import DALARNA_MUNICIPALITIES
from tests.support.axe import blocking_violations, describe

pytestmark = pytest.mark.browser

MAP = ".area-map .js-plotly-plot"

#: Falun's Stora torget in map coordinates (SWEREF 99 TM, km): inside Falun's shape.
FALUN = (534.6, 6719.1)

#: The map as drawn: its shapes (filled traces), the labels' texts and the figure's title.
DRAWN = """(selector) => {
    const gd = document.querySelector(selector);
    return {
        shapes: gd.data.filter(t => t.fill === 'toself').length,
        filled: gd.querySelectorAll('.scatterlayer .trace .fills path').length,
        labels: Array.from(gd.querySelectorAll('.annotation-text')).map(e => e.textContent),
        title: gd.querySelector('.gtitle') ? gd.querySelector('.gtitle').textContent : '',
    };
}"""

#: The screen position (px) of a point of the map (km).
SCREEN_POINT = """([selector, x, y]) => {
    const gd = document.querySelector(selector);
    const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
    return [box.left + gd._fullLayout.xaxis.l2p(x), box.top + gd._fullLayout.yaxis.l2p(y)];
}"""


def open_map(page, url: str) -> dict:
    page.goto(url)
    page.wait_for_selector(f"{MAP} .main-svg")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')")
    page.locator(MAP).scroll_into_view_if_needed()
    return page.evaluate(DRAWN, MAP)


def assert_every_municipality_drawn_and_named(drawn: dict) -> None:
    assert drawn["shapes"] == 15
    assert drawn["filled"] == 15
    for name in DALARNA_MUNICIPALITIES.values():
        assert sum(name in label for label in drawn["labels"]) == 1, name


def click_map(page, x: float, y: float, *, tap: bool = False) -> None:
    left, top = page.evaluate(SCREEN_POINT, [MAP, x, y])
    if tap:
        page.touchscreen.tap(left, top)
    else:
        page.mouse.click(left, top)


def test_oversikt_shows_the_map_and_a_click_on_falun_opens_its_page(page, live_server):
    drawn = open_map(page, live_server.url + "/?niva=trend")
    assert_every_municipality_drawn_and_named(drawn)
    assert "Trend" in drawn["title"]
    click_map(page, *FALUN)
    page.wait_for_url("**/kommun/2080?*")
    page.wait_for_selector("main h1:has-text('Falun')")
    page.console_log.assert_clean()


def test_the_indicator_map_follows_its_year_slider_and_keeps_it_in_the_address(page, live_server):
    drawn = open_map(page, live_server.url + "/indikator/N00401")
    assert_every_municipality_drawn_and_named(drawn)
    slider = page.locator("#indikator-map-year")
    last = int(slider.get_attribute("max"))
    assert str(last) in drawn["title"]
    assert page.locator("label[for='indikator-map-year']").inner_text() == f"År: {last}"
    slider.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "(year) => document.querySelector('.area-map .gtitle').textContent.includes(year)",
        arg=str(last - 1),
    )
    page.wait_for_function("(year) => location.search.includes('ar=' + year)", arg=str(last - 1))
    assert page.locator("label[for='indikator-map-year']").inner_text() == f"År: {last - 1}"
    # a status instead: the slider goes, the icons come
    page.get_by_label("Status – trend").check()
    page.wait_for_function("() => location.search.includes('karta=trend')")
    page.wait_for_selector("#indikator-map-year-control", state="hidden")
    page.console_log.assert_clean()


def test_a_tap_on_a_label_opens_the_municipality_on_a_phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, locale="sv-SE"
    )
    phone = context.new_page()
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        open_map(phone, live_server.url + "/indikator/N00401")
        box = phone.locator(MAP).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        label = phone.evaluate(
            """(selector) => {
                const gd = document.querySelector(selector);
                const a = gd.layout.annotations.find(n => n.name === 'etikett-2062');
                return [a.x, a.y];
            }""",
            MAP,
        )
        click_map(phone, *label, tap=True)
        phone.wait_for_url("**/kommun/2062")
        assert errors == []
    finally:
        context.close()


def test_presentation_mode_fits_the_map_in_a_1280_by_720_screen(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="sv-SE")
    screen = context.new_page()
    try:
        for path in ("/?visa=presentation", "/indikator/N00401?visa=presentation"):
            drawn = open_map(screen, live_server.url + path)
            assert drawn["shapes"] == 15
            screen.wait_for_timeout(300)  # presentation.js fits the charts after drawing
            box = screen.locator(MAP).bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= 720, (path, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, (path, box)
            # the whole map is inside the graph: its shapes' extent within the graph's box
            shapes = screen.locator(f"{MAP} .scatterlayer").bounding_box()
            assert shapes["y"] >= box["y"] - 1
            assert shapes["y"] + shapes["height"] <= box["y"] + box["height"] + 1
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/indikator/N00401"])
def test_the_map_and_its_open_table_pass_axe(page, live_server, path):
    open_map(page, live_server.url + path)
    details = page.locator(".area-map details.table-alternative")
    details.locator("summary").click()
    page.wait_for_selector(".area-map details.table-alternative table")
    links = details.locator("table a")
    assert links.count() == 17  # the municipalities, Region Dalarna and Riket
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    page.console_log.assert_clean()
