"""The shell in a real browser: demo banner, navigation by keyboard, no console errors."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_home_page_shows_banner_and_credit(page, live_server, tmp_path):
    page.goto(live_server.url + "/")
    page.wait_for_selector("h1")
    assert "Demodata" in page.inner_text("#demo-banner")
    assert "Källa: Kolada" in page.inner_text("footer")
    assert page.get_attribute("html", "lang") == "sv"
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    page.console_log.assert_clean()


def test_skip_link_is_first_in_tab_order(page, live_server):
    page.goto(live_server.url + "/")
    page.wait_for_selector("h1")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Hoppa till innehållet"
    page.console_log.assert_clean()
