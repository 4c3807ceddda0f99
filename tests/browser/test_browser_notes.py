"""Qualitative assessments in a real browser (on Mål, under "Kvalitativa bedömningar"): a note
containing a script tag is shown as literal text and runs nothing; removal takes two clicks."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.assessments import list_assessments
from tests.support.browser import choose

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")
SCRIPT = "<script>alert(1)</script>"
SECTION = "#mal-notes"
SUBJECT = "Växthusgasutsläpp totalt (N07702)"


def test_script_in_a_note_is_shown_as_text(page, live_server, own_data, editor):
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(live_server.url + "/mal")
    page.wait_for_selector(f"{SECTION} h3")
    page.wait_for_load_state("networkidle")
    choose(page, "mal-notes-area", "Mora", "Mora")
    page.wait_for_selector(f"{SECTION} h3:has-text('Mora – ')")
    choose(page, "mal-notes-subject", "N07702", SUBJECT)
    page.wait_for_selector(f"{SECTION} h3:has-text('Mora – Växthusgasutsläpp totalt')")

    page.click(f"{SECTION} summary")
    page.get_by_label("Sämre").check()
    page.get_by_label("Text").fill(SCRIPT)
    page.get_by_label("Författare (frivilligt)").fill("Eva <i>Ek</i>")
    page.click(f"{SECTION} button:has-text('Spara bedömning')")

    shown = page.wait_for_selector(f"{SECTION} .note-text")
    assert shown.inner_text() == SCRIPT
    assert page.inner_text(f"{SECTION} .note-author") == "Eva <i>Ek</i>"
    assert "↘ Sämre" in page.inner_text(f"{SECTION} .note-header")
    assert "har sparats" in page.inner_text(f"{SECTION} .form-message")
    assert page.locator(f"{SECTION} script").count() == 0
    assert page.locator(f"{SECTION} i").count() == 0
    assert page.input_value(f"{SECTION} textarea") == ""
    page.wait_for_timeout(300)  # time for a dialog, had anything run
    assert dialogs == []

    (stored,) = list_assessments(own_data, area_id="2062", kpi_id="N07702")
    assert (stored.text, stored.judgement) == (SCRIPT, "sämre")

    SCREENS.mkdir(parents=True, exist_ok=True)
    page.locator(SECTION).scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENS / "mal-notes.png"))

    # Opened again for Mora, the page starts on the newest note, still shown as text.
    page.goto(live_server.url + "/mal?omraden=2062")
    page.wait_for_selector(f"{SECTION} h3:has-text('Mora – Växthusgasutsläpp totalt')")
    again = page.wait_for_selector(f"{SECTION} .note-text")
    assert again.inner_text() == SCRIPT
    assert dialogs == []
    page.console_log.assert_clean()


def test_invalid_note_shows_the_problem_and_removal_asks_first(page, live_server, own_data, editor):
    page.goto(live_server.url + "/mal?omraden=2062")
    page.wait_for_selector(f"{SECTION} h3")
    page.wait_for_load_state("networkidle")
    page.click(f"{SECTION} summary")
    page.get_by_label("Datum").fill("2999-01-01")
    page.get_by_label("Text").fill("Framtida bedömning")
    page.click(f"{SECTION} button:has-text('Spara bedömning')")
    error = page.wait_for_selector(f"{SECTION} .form-errors")
    assert 'Fältet "datum"' in error.inner_text() and "framtiden" in error.inner_text()
    assert list_assessments(own_data) == []

    page.get_by_label("Datum").fill("2025-06-01")
    page.click(f"{SECTION} button:has-text('Spara bedömning')")
    page.wait_for_selector(f"{SECTION} .note-text:text-is('Framtida bedömning')")
    assert len(list_assessments(own_data)) == 1

    page.click(f"{SECTION} .note-delete")
    page.wait_for_selector(f"{SECTION} .note-delete.pending")
    assert len(list_assessments(own_data)) == 1
    page.click(f"{SECTION} .note-delete.pending")
    page.wait_for_selector(f"{SECTION} :text('Inga bedömningar ännu.')")
    assert list_assessments(own_data) == []
    page.console_log.assert_clean()
