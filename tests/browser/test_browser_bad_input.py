"""Bad addresses in a real browser: the Swedish 404 page in the site's shell and menu, and a page
whose address it could not use in full, with its note – and a clean console."""

from __future__ import annotations

import pytest

from tests.support.axe import blocking_violations, describe

pytestmark = pytest.mark.browser


def _open(page, url: str):
    response = page.goto(url)
    page.wait_for_selector("main h1")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')")
    return response


def _menu(page) -> list[str]:
    return [
        text.strip() for text in page.locator("nav[aria-label='Huvudmeny'] a").all_inner_texts()
    ]


#: What Chromium logs for a document answered with status 404 (the browser's report of the
#: status, not an error of the page).
DOCUMENT_404 = "Failed to load resource: the server responded with a status of 404 (NOT FOUND)"


def test_an_unknown_address_shows_the_swedish_404_page_with_the_menu(page, live_server):
    url = live_server.url + "/finns-inte?x=1"
    failed_loads = []
    page.on(
        "console",
        lambda msg: (
            failed_loads.append(msg.location.get("url"))
            if msg.type == "error" and msg.text == DOCUMENT_404
            else None
        ),
    )
    response = _open(page, url)
    assert response.status == 404
    # the one error in the console is the browser's report of the document's status
    assert failed_loads == [url]
    page.console_log.errors.remove(DOCUMENT_404)
    assert page.inner_text("main h1") == "Sidan finns inte"
    assert "”/finns-inte”" in page.inner_text("main")
    assert page.title() == "Sidan finns inte – Hållbarhetsuppföljning Dalarna"
    assert "404 - Page not found" not in page.content()
    assert _menu(page)[:2] == ["Översikt", "Indikatorer"]
    assert page.get_attribute("html", "lang") == "sv"
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    # the way back: the link to the overview, and the menu
    page.click("#not-found-home-link")
    page.wait_for_selector("main h1:has-text('Översikt')")
    page.console_log.assert_clean()


def test_a_link_within_the_app_to_an_unknown_address_shows_the_same_page(page, live_server):
    _open(page, live_server.url + "/om")
    page.evaluate(
        "window.history.pushState({}, '', '/inte/har'); "
        "window.dispatchEvent(new PopStateEvent('popstate'))"
    )
    page.wait_for_selector("main h1:has-text('Sidan finns inte')")
    assert "”/inte/har”" in page.inner_text("main")
    page.console_log.assert_clean()


def test_a_page_with_a_bad_address_shows_what_it_did_not_use(page, live_server):
    _open(page, live_server.url + "/?metod=eurostat&metod=okänd&okand=1")
    note = page.locator("main [role='status'].url-notes")
    assert note.is_visible()
    assert note.inner_text().splitlines() == [
        "Adressen justerades:",
        "Okänd parameter ”okand” ignorerades",
        "”metod” angavs två gånger – den första användes",
    ]
    assert page.locator("#oversikt-method input[value='eurostat']").is_checked()
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    page.console_log.assert_clean()
