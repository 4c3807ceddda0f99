"""Editors in a real browser: a participant sees no edit controls and a "Logga in" link; the
sign-in form (wrong password, then right) brings the editor back to the page, now with the
controls and "Inloggad som …"; "Logga ut" ends it. The sign-in page and the editors' pages pass
the accessibility audit."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.editors import add_editor
from tests.support.axe import blocking_violations, describe
from tests.support.browser import choose
from tests.support.editors import EDITOR, PASSWORD

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")


def _settle(page) -> None:
    page.wait_for_selector("main h1")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("[data-dash-is-loading='true']", state="detached")


def test_sign_in_from_a_page_and_out_again(page, live_server, own_data):
    add_editor(own_data, EDITOR, PASSWORD)
    page.goto(live_server.url + "/bildspel")
    _settle(page)
    page.click(".site-header nav a:text-is('Mål')")  # the pages' own navigation
    page.wait_for_url(live_server.url + "/mal")
    _settle(page)
    choose(page, "mal-areas", "Mora", "Mora")
    page.wait_for_url("**omraden=2062**")
    _settle(page)
    here = page.url  # the address the pages wrote, which signing in returns to
    assert page.locator("#mal-form-save").count() == 0
    assert "Logga in som redaktör" in page.inner_text(".goal-form .edit-notice")
    assert page.locator("#mal-notes summary").count() == 0  # no assessment form either

    page.click("#account a:has-text('Logga in')")
    page.wait_for_selector("form.sign-in-form")
    assert page.title().startswith("Logga in")
    page.get_by_label("Namn").fill(EDITOR)
    page.get_by_label("Lösenord").fill("fel lösenord")
    page.click("button:has-text('Logga in')")
    assert "Fel namn eller lösenord" in page.inner_text("[role=alert]")
    assert page.input_value("#sign-in-name") == EDITOR
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.click("button:has-text('Logga in')")

    page.wait_for_url(here)
    page.wait_for_selector("#mal-form-save")
    assert page.inner_text("#account .account-name") == f"Inloggad som {EDITOR}"
    assert page.locator("#mal-notes summary").count() == 1
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "inloggad.png"))

    page.click("#account button:has-text('Logga ut')")
    page.wait_for_selector("#account a:has-text('Logga in')")
    assert page.url == here
    _settle(page)
    assert page.locator("#mal-form-save").count() == 0
    page.console_log.assert_clean()


def test_sign_in_page_without_accounts_says_how_to_create_one(page, live_server, own_data):
    page.goto(live_server.url + "/logga-in")
    assert "python -m etl users add NAMN" in page.inner_text("main")
    assert page.locator("input[type=password]").count() == 0
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    page.console_log.assert_clean()


def test_sign_in_page_passes_the_audit_with_a_message(page, live_server, own_data):
    add_editor(own_data, EDITOR, PASSWORD)
    page.goto(live_server.url + "/logga-in")
    page.get_by_label("Namn").fill("okänd")
    page.get_by_label("Lösenord").fill("fel lösenord")
    page.click("button:has-text('Logga in')")
    page.wait_for_selector("[role=alert]")
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "logga-in.png"))
    page.console_log.assert_clean()


@pytest.mark.parametrize("path", ["/mal", "/bildspel", "/indikator/N00401", "/kommun/2062?mal=13"])
def test_editors_pages_have_no_serious_accessibility_violations(
    page, live_server, own_data, editor, path
):
    page.goto(live_server.url + path)
    _settle(page)
    assert page.locator("#account .account-name").count() == 1
    violations = blocking_violations(page)
    assert violations == [], f"{path} (redaktör):\n{describe(violations)}"
    page.console_log.assert_clean()


@pytest.mark.parametrize("path", ["/mal?omraden=2062", "/bildspel", "/indikator/N00401"])
def test_participants_pages_offer_sign_in_and_pass_the_audit(page, live_server, own_data, path):
    add_editor(own_data, EDITOR, PASSWORD)
    page.goto(live_server.url + path)
    _settle(page)
    assert page.locator(".edit-notice a:has-text('Logga in som redaktör')").count() >= 1
    assert page.locator("#bildspel-save, #mal-form-save, .note-delete").count() == 0
    violations = blocking_violations(page)
    assert violations == [], f"{path} (deltagare):\n{describe(violations)}"
    page.console_log.assert_clean()
