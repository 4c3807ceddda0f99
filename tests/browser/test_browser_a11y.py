"""Accessibility audit: axe-core on every page, in normal and presentation mode.

Fails on any serious or critical violation (WCAG 2.1 A/AA and axe best practices).
"""

from __future__ import annotations

import pytest

from tests.support.axe import blocking_violations, describe

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/indikator",
    "/indikator/N00401",
    "/indikator/N00401?omraden=2062,2080",
    "/kommun",
    "/kommun/2062",
    "/export",
    "/export?omraden=2062,2080&indikatorer=N00401,N00945",
    "/jamfor?omraden=2062,2080,2081",
    "/?mal=1,13&dimension=social,ekonomisk",
    "/om",
    "/jamfor",
    "/malkonflikter",
    "/mal",
    "/bildspel",
]


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("main h1")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')")


@pytest.mark.parametrize("mode", ["normal", "presentation"])
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violations(page, live_server, path, mode):
    url = live_server.url + path
    if mode == "presentation":
        url += ("&" if "?" in url else "?") + "visa=presentation"
    _open(page, url)
    violations = blocking_violations(page)
    assert violations == [], f"{path} ({mode}):\n{describe(violations)}"
    page.console_log.assert_clean()
