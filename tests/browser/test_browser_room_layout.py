"""The dashboard in a workshop room, in a real browser: no page scrolls sideways on a phone, a
laptop or a projector, in normal and presentation mode; on a phone (390×844, touch) the header
is one line with a menu button, the main controls are at least 44 px high, a chart's legend is
under its plot with year labels that do not pile up, tables keep a readable first column and
the overview's area column is narrow and stays in view; the pages pass axe at that width."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from data.slideshows import save_slideshow
from indicators import service
from tests.support.axe import blocking_violations, describe
from tests.support.browser import CSP_VIOLATION_LISTENER, ConsoleLog, csp_safe_predicate

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens/layout")

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 720}}
WIDE = {"viewport": {"width": 1366, "height": 768}}
SCREEN_SIZES = {"390x844-touch": PHONE, "1280x720": LAPTOP, "1366x768": WIDE}

NOT_FOUND_PATH = "/sidan-finns-inte"
#: What Chromium logs for a document answered with status 404 (as test_browser_bad_input).
DOCUMENT_404 = "Failed to load resource: the server responded with a status of 404 (NOT FOUND)"

#: Every page (the paths of layouts/*.py's register_page) and the overview's views.
PAGES = (
    "/",
    "/?vy=mal",
    "/?vy=indikator",
    "/?vy=indikator&mal=1,13&dimension=social,ekonomisk",
    "/indikator",
    "/indikator/N00401",
    "/indikator/N00401?omraden=2062,2080,2081,2085",
    "/kommun",
    "/kommun/2080",
    "/jamfor",
    "/jamfor?omraden=2062,2080,2081",
    "/mal",
    "/malkedjan?kommun=2062&mal=13",
    "/insatser",
    "/malkonflikter",
    "/bildspel",
    "/export",
    "/om",
    NOT_FOUND_PATH,
)

#: The smallest touch target (WCAG 2.5.5, and Apple's and Google's guidance).
TOUCH = 44
#: The main controls a phone's user taps (visible ones only; matrix cells are left out).
MAIN_CONTROLS = (
    "button:not(.ov-cell)",
    ".dash-dropdown",
    ".dash-options-list-option",
    "details.table-alternative > summary",
    "a.export-button",
)


def _new_page(browser, options: dict):
    """A page in a context of its own with ``options`` (viewport, touch), recording console
    errors and Content-Security-Policy violations as the ``page`` fixture does."""
    context = browser.new_context(locale="sv-SE", **options)
    log = ConsoleLog()
    context.expose_binding(
        "__recordCspViolation", lambda _source, text: log.csp_violations.append(text)
    )
    context.add_init_script(CSP_VIOLATION_LISTENER)
    page = context.new_page()
    wait_for_function = page.wait_for_function
    page.wait_for_function = lambda expression, *args, **kwargs: wait_for_function(
        csp_safe_predicate(expression), *args, **kwargs
    )
    page.on("console", lambda msg: log.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: log.errors.append(f"page error: {exc}"))
    page.console_log = log
    return context, page


@pytest.fixture(scope="module", params=list(SCREEN_SIZES))
def screen(request, browser) -> Iterator:
    """One context per screen size, its page reused by the tests of that size."""
    context, page = _new_page(browser, SCREEN_SIZES[request.param])
    page.screen_name = request.param
    yield page
    context.close()


#: The sideways check loads each page once per device: on a laptop at 1280×720 and then, the
#: same page resized, at 1366×768 (each page's layout follows the window's size).
ROOM_SCREENS = {"390x844-touch": (PHONE, ()), "1280x720+1366x768": (LAPTOP, (WIDE,))}


@pytest.fixture(scope="module", params=list(ROOM_SCREENS))
def room_screen(request, browser) -> Iterator:
    """A phone, or a laptop whose window is also resized to a wider screen."""
    options, resized = ROOM_SCREENS[request.param]
    context, page = _new_page(browser, options)
    page.screen_name = request.param
    page.sizes = [options["viewport"], *(extra["viewport"] for extra in resized)]
    yield page
    context.close()


@pytest.fixture(scope="module")
def phone(browser) -> Iterator:
    context, page = _new_page(browser, PHONE)
    yield page
    context.close()


@pytest.fixture(scope="module")
def wide(browser) -> Iterator:
    context, page = _new_page(browser, WIDE)
    yield page
    context.close()


def _open(page, url: str) -> None:
    """Go to ``url`` and wait until Dash has drawn it and every chart is drawn."""
    page.console_log.errors.clear()
    page.goto(url)
    page.wait_for_selector("main h1")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "!document.querySelector('[data-dash-is-loading=\"true\"]')", polling=100
    )
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".every((gd) => gd._fullLayout && gd.querySelector('.main-svg'))",
        polling=100,
    )
    # Charts adjusted to a narrow screen (assets/narrow-charts.js) settle within two frames.
    page.evaluate("() => new Promise((done) => setTimeout(done, 250))")


def _presentation(path: str) -> str:
    return path + ("&" if "?" in path else "?") + "visa=presentation"


#: The page's widths and, when it is wider than the window, what sticks out (elements whose right
#: edge is past the window and that no box scrolling sideways holds).
SIDEWAYS = """() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const out = [];
    if (root.scrollWidth > width) {
        for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.right <= width + 1 || box.width === 0) continue;
            let held = false;
            for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
                const style = getComputedStyle(up);
                const inside = up.getBoundingClientRect().right <= width + 1;
                if (style.overflowX !== 'visible' && inside) {
                    held = true;
                    break;
                }
            }
            const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                (typeof el.className === 'string' && el.className ? '.' + el.className : '');
            if (!held || getComputedStyle(el).position === 'absolute') {
                out.push(name.slice(0, 80) + ' to ' + Math.round(box.right));
            }
            if (out.length >= 5) break;
        }
    }
    return {scroll: root.scrollWidth, client: width, out: out};
}"""


def _settled(page) -> None:
    """Wait until a resized page has laid itself out again (charts redrawn to the new size)."""
    page.evaluate("() => new Promise((done) => setTimeout(done, 300))")
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".every((gd) => gd._fullLayout && gd.querySelector('.main-svg'))",
        polling=100,
    )


@pytest.mark.parametrize("mode", ["normal", "presentation"])
def test_no_page_scrolls_sideways(room_screen, live_server, mode):
    """Every page at every screen size, in both modes: the page is never wider than the window
    (wide tables and the matrix scroll in their own boxes)."""
    screen = room_screen
    problems = []
    for path in PAGES:
        url = live_server.url + (_presentation(path) if mode == "presentation" else path)
        screen.set_viewport_size(screen.sizes[0])
        _open(screen, url)
        for number, size in enumerate(screen.sizes):
            if number:
                screen.set_viewport_size(size)
                _settled(screen)
            widths = screen.evaluate(SIDEWAYS)
            if widths["scroll"] > widths["client"]:
                problems.append(
                    f"{path} at {size['width']} px: {widths['scroll']} px wide in "
                    f"{widths['client']} px, {widths['out']}"
                )
        if path == NOT_FOUND_PATH and DOCUMENT_404 in screen.console_log.errors:
            screen.console_log.errors.remove(DOCUMENT_404)  # the page's own status, as meant
        if screen.console_log.errors:
            problems.append(f"{path}: console errors {screen.console_log.errors}")
    assert problems == [], f"{screen.screen_name} ({mode}):\n" + "\n".join(problems)
    screen.console_log.assert_clean()


def test_a_running_slideshow_does_not_scroll_sideways(screen, live_server):
    """A slideshow's page and a step of it in presentation mode, with the slideshow bar."""
    show = save_slideshow(
        service.engine(), f"Rummet {screen.screen_name}", ["/kommun/2080", "/?vy=indikator"]
    )
    for path in (
        f"/bildspel/{show.id}",
        f"/bildspel/{show.id}?visa=presentation",
        f"/kommun/2080?visa=presentation&bildspel={show.id}&steg=1",
        f"/?vy=indikator&visa=presentation&bildspel={show.id}&steg=2",
    ):
        _open(screen, live_server.url + path)
        widths = screen.evaluate(SIDEWAYS)
        assert widths["scroll"] <= widths["client"], f"{path}: {widths}"
    screen.console_log.assert_clean()


# --- a phone ---------------------------------------------------------------------------------


def _box(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


def test_phone_header_is_one_line_with_a_menu_button(phone, live_server):
    _open(phone, live_server.url + "/")
    header = _box(phone, ".site-header")
    title = _box(phone, ".site-title")
    button = _box(phone, "#site-menu-button")
    assert header["height"] <= 64, header
    assert abs((title["y"] + title["height"] / 2) - (button["y"] + button["height"] / 2)) < 8
    assert button["height"] >= TOUCH
    assert not phone.is_visible("#site-menu")
    assert not phone.is_visible(".site-header nav")
    # The header and the demo banner take at most a quarter of the first screen.
    banner = _box(phone, "#demo-banner")
    assert banner["y"] + banner["height"] <= 0.25 * 844
    SCREENS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENS / "phone-header.png"))

    # Keyboard: Enter on the button opens the menu; Escape closes it and keeps the focus there.
    phone.focus("#site-menu-button")
    phone.keyboard.press("Enter")
    phone.wait_for_selector(".site-header nav", state="visible")
    assert phone.get_attribute("#site-menu-button", "aria-expanded") == "true"
    links = phone.locator(".site-header nav a")
    assert links.count() >= 8
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box is not None and box["height"] >= TOUCH, (links.nth(index).inner_text(), box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    phone.screenshot(path=str(SCREENS / "phone-menu-open.png"))
    phone.keyboard.press("Escape")
    phone.wait_for_selector(".site-header nav", state="hidden")
    assert phone.get_attribute("#site-menu-button", "aria-expanded") == "false"
    assert phone.evaluate("document.activeElement.id") == "site-menu-button"

    # Touch: a tap opens it, and choosing a page goes there and closes it.
    phone.tap("#site-menu-button")
    phone.wait_for_selector(".site-header nav", state="visible")
    phone.tap(".site-header nav a[href='/kommun']")
    phone.wait_for_function("location.pathname === '/kommun'", polling=100)
    phone.wait_for_selector(".kommuner-page")
    assert not phone.is_visible(".site-header nav")
    assert phone.get_attribute("#site-menu-button", "aria-expanded") == "false"
    phone.console_log.assert_clean()


@pytest.mark.parametrize(
    "path", ["/", "/indikator/N00401", "/kommun/2080", "/jamfor", "/export", "/mal"]
)
def test_phone_main_controls_are_at_least_44_px_high(phone, live_server, path):
    _open(phone, live_server.url + path)
    small = phone.evaluate(
        """([selectors, least]) => {
            const out = [];
            for (const el of document.querySelectorAll(selectors.join(', '))) {
                const box = el.getBoundingClientRect();
                const shown = el.checkVisibility({contentVisibilityAuto: true,
                                                  visibilityProperty: true});
                if (!shown || box.width === 0 || box.height === 0) continue;
                if (box.height < least - 0.5) {
                    out.push((el.id || el.className || el.tagName) + ': ' + box.height);
                }
            }
            return out;
        }""",
        [list(MAIN_CONTROLS), TOUCH],
    )
    assert small == [], f"{path}: controls lower than {TOUCH} px: {small}"
    phone.console_log.assert_clean()


#: The first chart's legend, plot area and x-axis tick labels (page coordinates).
CHART_PARTS = """() => {
    const gd = document.querySelector('.js-plotly-plot');
    const rect = (el) => { const b = el.getBoundingClientRect(); return {
        left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width}; };
    return {
        chart: rect(gd),
        plot: rect(gd.querySelector('.cartesianlayer .xy .gridlayer') ||
                   gd.querySelector('.draglayer .nsewdrag')),
        drag: rect(gd.querySelector('.draglayer .nsewdrag')),
        legend: rect(gd.querySelector('g.legend')),
        orientation: (gd.layout.legend || {}).orientation || 'v',
        ticks: Array.from(gd.querySelectorAll('.xaxislayer-above .xtick text'))
            .map(rect).filter((box) => box.width > 0),
    };
}"""


def test_phone_chart_legend_under_the_plot_and_readable_years(phone, live_server):
    _open(phone, live_server.url + "/indikator/N00401?omraden=2062,2080,2081,2085")
    parts = phone.evaluate(CHART_PARTS)
    chart, plot, legend = parts["chart"], parts["drag"], parts["legend"]
    assert parts["orientation"] == "h"
    assert legend["top"] >= plot["bottom"], (legend, plot)
    assert legend["right"] <= chart["right"] + 1
    assert plot["width"] >= 0.6 * chart["width"], (plot, chart)
    ticks = sorted(parts["ticks"], key=lambda box: box["left"])
    assert len(ticks) >= 3
    for left, right in itertools.pairwise(ticks):
        assert left["right"] + 4 <= right["left"], f"year labels overlap: {ticks}"
    SCREENS.mkdir(parents=True, exist_ok=True)
    phone.locator(".dash-graph").first.screenshot(path=str(SCREENS / "phone-chart.png"))
    phone.console_log.assert_clean()


def test_wide_screen_keeps_its_menu_and_the_legend_beside_the_plot(wide, live_server):
    _open(wide, live_server.url + "/indikator/N00401?omraden=2062,2080")
    assert not wide.is_visible("#site-menu-button")
    assert wide.is_visible(".site-header nav")
    parts = wide.evaluate(CHART_PARTS)
    assert parts["orientation"] != "h"
    assert parts["legend"]["left"] >= parts["drag"]["right"]
    wide.console_log.assert_clean()


#: Per table: the width of its first column and whether its header cells overlap.
TABLE_COLUMNS = """(selector) => Array.from(document.querySelectorAll(selector)).map((table) => {
    const heads = Array.from(table.querySelectorAll('thead th'))
        .map((th) => th.getBoundingClientRect());
    const overlaps = heads.some((box, i) => i > 0 && heads[i - 1].right > box.left + 1);
    const first = table.querySelector('tbody th, tbody td');
    const rowHead = table.querySelector('tbody th[scope="row"]');
    const badge = table.querySelector('tbody tr .status-badge');
    return {
        first: first ? first.getBoundingClientRect().width : 0,
        overlaps: overlaps,
        badgeLeft: badge ? badge.getBoundingClientRect().left : null,
        rowHeadRight: rowHead ? rowHead.getBoundingClientRect().right : null,
        inScrollBox: Boolean(table.closest('.table-scroll')),
    };
})"""


def test_phone_tables_keep_a_readable_first_column(phone, live_server):
    _open(phone, live_server.url + "/kommun/2080")
    phone.wait_for_selector("#kommun-indicators .sdg-section")
    for selector in (".ranking-table", ".indicator-table"):
        for table in phone.evaluate(TABLE_COLUMNS, selector):
            assert table["inScrollBox"]
            assert table["first"] >= 120, (selector, table)
            assert not table["overlaps"], (selector, table)
            if table["badgeLeft"] is not None and table["rowHeadRight"] is not None:
                assert table["badgeLeft"] >= table["rowHeadRight"] - 1, (selector, table)
    _open(phone, live_server.url + "/indikator/N00401?omraden=2062,2080")
    tables = phone.evaluate(TABLE_COLUMNS, "#indikator-status table")
    assert tables and all(t["inScrollBox"] and t["first"] >= 90 for t in tables), tables
    phone.console_log.assert_clean()


def test_phone_matrix_area_column_is_narrow_and_stays_in_view(phone, live_server):
    _open(phone, live_server.url + "/?vy=indikator")
    box = _box(phone, ".ov-scroll")
    area = _box(phone, ".ov-matrix tbody th.ov-area")
    assert area["width"] <= 0.35 * box["width"], (area, box)
    phone.eval_on_selector(".ov-scroll", "(el) => { el.scrollLeft = 400; }")
    phone.wait_for_function("document.querySelector('.ov-scroll').scrollLeft > 0", polling=100)
    moved = _box(phone, ".ov-matrix tbody th.ov-area")
    assert abs(moved["x"] - box["x"]) <= 2, (moved, box)
    phone.console_log.assert_clean()


@pytest.mark.parametrize(
    "path",
    ["/", "/?vy=indikator", "/indikator/N00401", "/kommun/2080", "/jamfor", "/om", "/mal"],
)
def test_phone_pages_pass_axe(phone, live_server, path):
    _open(phone, live_server.url + path)
    if path == "/":
        phone.click("#site-menu-button")  # with the menu open
        phone.wait_for_selector(".site-header nav", state="visible")
    violations = blocking_violations(phone)
    assert violations == [], f"{path} at 390 px:\n{describe(violations)}"
    phone.console_log.assert_clean()
