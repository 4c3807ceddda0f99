"""Printing in a real browser (print / "Spara som PDF"): a municipality's profile, an indicator
page and a slideshow's views print on A4 pages without the menu or any controls, with every
chart redrawn within the page's width and no chart taller than a page (so never cut across
two); a slideshow's views print on landscape pages. After printing the charts are the screen's
again."""

from __future__ import annotations

import itertools
import re

import pytest

from data.slideshows import save_slideshow
from indicators import service

pytestmark = pytest.mark.browser

MM = 96 / 25.4  # CSS px per millimetre
#: A4 in PDF points, and the room between assets/print.css's margins in CSS px.
A4_POINTS = (595.92, 842.88)
PORTRAIT = {"width": (210 - 2 * 12) * MM, "height": (297 - 2 * 12) * MM}
LANDSCAPE = {"width": (297 - 2 * 10) * MM, "height": (210 - 2 * 10) * MM}

#: What must not be on paper: the menu and its button, the controls, the downloads, the
#: slideshow bar, the presentation toggle.
NOT_PRINTED = (
    ".site-header nav",
    "#site-menu",
    "#site-menu-button",
    ".controls",
    ".download",
    "#bildspel-bar",
    "#presentation-toggle",
)

_names = itertools.count(1)


def _open(page, url: str) -> None:
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


def _print_media(page, widest: float) -> None:
    """Switch to the print media type and wait until every chart is redrawn for paper."""
    page.emulate_media(media="print")
    page.wait_for_function(
        """(widest) => Array.from(document.querySelectorAll('.js-plotly-plot'))
            .every((gd) => gd._fullLayout.width <= widest)""",
        arg=widest,
        polling=100,
    )


def _shown(page, selectors) -> list[str]:
    return page.evaluate(
        """(selectors) => selectors.filter((selector) => Array.from(
            document.querySelectorAll(selector)).some(
                (el) => getComputedStyle(el).display !== 'none' && !el.closest('[hidden]')))""",
        list(selectors),
    )


def _charts(page) -> list[dict]:
    """Every chart's box on paper (its drawing and its wrapper)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((gd) => {
            const svg = gd.querySelector('.main-svg').getBoundingClientRect();
            return {id: (gd.closest('.dash-graph') || gd).id, width: svg.width,
                    height: svg.height, drawn: gd._fullLayout.width};
        })"""
    )


def _pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size (width, height in points) of every page of a PDF from Chromium, read from its
    page objects' MediaBox."""
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)
    boxes = [
        tuple(float(n) for n in box.split()[2:4])
        for box in re.findall(rb"/MediaBox\s*\[\s*([-0-9. ]+)\]", pdf)
    ]
    assert len(pages) == len(boxes), (len(pages), boxes)
    return boxes


@pytest.mark.parametrize("path", ["/kommun/2080", "/indikator/N00401?omraden=2062,2080"])
def test_profile_and_indicator_print_on_a4_without_menu_and_whole_charts(page, live_server, path):
    _open(page, live_server.url + path)
    if path.startswith("/kommun"):
        page.wait_for_selector("#kommun-indicators .sdg-section")
    assert page.locator(".js-plotly-plot").count() >= (0 if path.startswith("/kommun") else 2)
    screen_widths = [chart["drawn"] for chart in _charts(page)]

    _print_media(page, PORTRAIT["width"])
    assert _shown(page, NOT_PRINTED) == []
    assert page.is_visible("main h1")
    assert page.is_visible("footer") and "Källa: Kolada" in page.inner_text("footer")
    for chart in _charts(page):
        assert chart["width"] <= PORTRAIT["width"] + 1, chart
        assert chart["height"] <= PORTRAIT["height"], chart
    pdf = page.pdf(format="A4", print_background=True)
    sizes = _pdf_pages(pdf)
    assert sizes, "no pages"
    for width, height in sizes:
        assert width == pytest.approx(A4_POINTS[0], abs=1)
        assert height == pytest.approx(A4_POINTS[1], abs=1)

    # Back on the screen, the charts are drawn for the window again.
    page.emulate_media(media="screen")
    page.wait_for_function(
        """(widths) => Array.from(document.querySelectorAll('.js-plotly-plot'))
            .every((gd, i) => Math.abs(gd._fullLayout.width - widths[i]) < 2)""",
        arg=screen_widths,
        polling=100,
    )
    page.console_log.assert_clean()


def test_a_slideshow_prints_each_view_on_landscape_a4(page, live_server):
    show = save_slideshow(
        service.engine(),
        f"Utskrift {next(_names)}",
        ["/indikator/N00401?omraden=2062", "/kommun/2080", "/jamfor?omraden=2062,2080"],
    )
    for step in (1, 2, 3):
        view = show.views[step - 1]
        sep = "&" if "?" in view else "?"
        _open(page, f"{live_server.url}{view}{sep}visa=presentation&bildspel={show.id}&steg={step}")
        page.wait_for_selector("#bildspel-bar:not([hidden])")
        _print_media(page, LANDSCAPE["width"])
        assert _shown(page, NOT_PRINTED) == []
        for chart in _charts(page):
            assert chart["width"] <= LANDSCAPE["width"] + 1, (view, chart)
            assert chart["height"] <= LANDSCAPE["height"], (view, chart)
        # The style sheet's own page size (the print dialog uses it): landscape A4.
        sizes = _pdf_pages(page.pdf(prefer_css_page_size=True, print_background=True))
        assert sizes, view
        for width, height in sizes:
            assert width == pytest.approx(A4_POINTS[1], abs=1), view
            assert height == pytest.approx(A4_POINTS[0], abs=1), view
        page.emulate_media(media="screen")
    page.console_log.assert_clean()


def test_a_whole_slideshow_prints_one_view_per_landscape_page(page, live_server):
    show = save_slideshow(
        service.engine(),
        f"Hela bildspelet {next(_names)}",
        ["/indikator/N00401?omraden=2062", "/kommun/2080", "/om"],
    )
    page.goto(f"{live_server.url}/bildspel/{show.id}")
    page.get_by_role("link", name="Skriv ut hela bildspelet").click()
    page.wait_for_selector("iframe.print-slide-frame")
    assert page.locator("iframe.print-slide-frame").count() == 3
    frames = page.frame_locator("iframe.print-slide-frame")
    for number in range(3):
        frames.nth(number).locator("main h1").wait_for()
    views = [frame for frame in page.frames if frame != page.main_frame]
    assert len(views) == 3
    for frame in views:
        frame.wait_for_function(
            "Array.from(document.querySelectorAll('.js-plotly-plot'))"
            ".every((gd) => gd._fullLayout && gd.querySelector('.main-svg'))",
            polling=100,
        )
        # Each view as on the projector, without the slideshow bar.
        assert frame.evaluate("document.querySelector('.shell.presentation') !== null")
        assert frame.evaluate(
            "(() => { const bar = document.getElementById('bildspel-bar');"
            " return !bar || bar.hidden || bar.offsetParent === null; })()"
        )
    page.emulate_media(media="print")
    assert _shown(page, (".print-instructions", "main h1", ".site-header")) == []
    sizes = _pdf_pages(page.pdf(prefer_css_page_size=True, print_background=True))
    assert len(sizes) == 3, sizes  # one landscape A4 page per view
    for width, height in sizes:
        assert width == pytest.approx(A4_POINTS[1], abs=1)
        assert height == pytest.approx(A4_POINTS[0], abs=1)
    page.console_log.assert_clean()


def test_a_normal_page_prints_portrait_with_the_style_sheets_page_size(page, live_server):
    _open(page, live_server.url + "/indikator/N00401")
    page.emulate_media(media="print")
    sizes = _pdf_pages(page.pdf(prefer_css_page_size=True))
    assert sizes and all((w, h) == pytest.approx(A4_POINTS, abs=1) for w, h in sizes), sizes
    page.console_log.assert_clean()
