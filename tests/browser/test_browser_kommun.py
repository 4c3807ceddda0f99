"""Kommun in a real browser: tiles, level control synced with the address bar, SDG filter by
tile, keyboard access, accessibility audit and a clean console."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.axe import AXE_SCRIPT, blocking_violations, describe

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
@pytest.mark.parametrize("path", ["/kommun", "/kommun/2062", "/kommun/2062?mal=13"])
def test_no_serious_accessibility_violations(page, live_server, path):
    _open(page, live_server.url + path)
    violations = blocking_violations(page)
    assert violations == [], describe(violations)


SCRIPT = "<script>alert(1)</script>"
OVERVIEW = "#kommun-notes-heading + .note + div"
SDG_NOTES = "#kommun-notes-sdg"


def test_assessments_on_the_profile_are_text_and_lead_to_their_subject(page, live_server, tmp_path):
    from indicators.assessments import add_assessment, list_assessments
    from tests.support.editors import sign_in_page
    from tests.support.own_database import own_database

    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    with own_database(tmp_path) as engine:
        sign_in_page(page, live_server.url, engine)
        add_assessment(
            engine,
            area_id="2062",
            kpi_id="N00401",
            assessed_on="2026-03-01",
            text=SCRIPT,
            judgement="sämre",
            author="<b>Eva</b>",
        )
        add_assessment(
            engine, area_id="2062", sdg_goal=13, assessed_on="2026-02-01", text="Mål 13 framåt"
        )
        _open(page, live_server.url + "/kommun/2062?niva=trend")
        overview = page.locator(OVERVIEW)
        assert overview.locator(".note-text").all_inner_texts() == [SCRIPT, "Mål 13 framåt"]
        assert overview.locator(".note-author").inner_text() == "<b>Eva</b>"
        assert page.locator("main script, main .note-author b").count() == 0
        assert page.locator(SDG_NOTES).count() == 0

        # The goal's assessment leads to the goal's indicators and its assessments, with a form.
        overview.get_by_role("link", name="Mål 13: Bekämpa klimatförändringarna").click()
        page.wait_for_selector(f"{SDG_NOTES} .note-text")
        _wait(page, "location.search.includes('mal=13')")
        assert "Indikatorer för mål 13" in page.inner_text("#kommun-lista")
        assert page.locator(f"{SDG_NOTES} .note-text").all_inner_texts() == ["Mål 13 framåt"]

        page.click(f"{SDG_NOTES} summary")
        page.locator(f"{SDG_NOTES}").get_by_label("Oförändrad").check()
        page.locator(f"{SDG_NOTES} textarea").fill("=1+1 <i>kursiv</i>")
        page.click(f"{SDG_NOTES} button:has-text('Spara bedömning')")
        page.wait_for_selector(f"{SDG_NOTES} .form-success")
        # The overview above lists the new assessment too, first (it is dated today).
        _wait(
            page,
            "document.querySelector('#kommun-notes-heading + .note + div .note-text')"
            ".textContent === '=1+1 <i>kursiv</i>'",
        )
        assert page.locator(OVERVIEW).locator(".note-text").count() == 3
        assert page.locator("main i").count() == 0
        (stored, _older) = list_assessments(engine, area_id="2062", sdg_goal=13)
        assert (stored.text, stored.judgement) == ("=1+1 <i>kursiv</i>", "oförändrad")
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.locator("#kommun-notes-heading").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENS / "kommun-bedomningar.png"))
        page.locator(SDG_NOTES).scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENS / "kommun-bedomningar-mal.png"))

        # The indicator's assessment leads to the indicator page, Mora's assessments there.
        page.locator(OVERVIEW).get_by_role("link", name="Växthusgasutsläpp per invånare").click()
        page.wait_for_selector("#indikator-notes .note-text")
        assert "omraden=2062" in page.url
        assert page.inner_text("#indikator-notes .note-text") == SCRIPT
        page.wait_for_timeout(300)  # time for a dialog, had anything run
        assert dialogs == []
        page.console_log.assert_clean()
