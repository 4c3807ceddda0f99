"""The Indikator page in a real browser: the chart renders, selections go to the address bar and
come back on reload, women and men, the table alternative by keyboard."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from indicators.catalogue import load_catalogue

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def settle(page) -> None:
    """Wait until the page's scripts are loaded and no callback is running."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')")


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#indikator-series .js-plotly-plot")
    settle(page)


def legend_names(page) -> list[str]:
    return page.eval_on_selector_all(
        "#indikator-series .legendtext", "nodes => nodes.map(n => n.textContent)"
    )


def wait_for_query(page, name: str, value: str) -> None:
    page.wait_for_function(
        "([name, value]) => new URLSearchParams(location.search).get(name) === value",
        arg=[name, value],
    )


def test_selection_goes_to_the_address_bar_and_back(page, live_server):
    open_page(page, live_server.url + "/indikator/N00401?omraden=2062,2080")
    assert page.inner_text("h1") == "Växthusgasutsläpp per invånare"
    names = legend_names(page)
    for name in ("Mora", "Falun", "Region Dalarna", "Riket"):
        assert name in names
    assert any(name.startswith("≤ 1,5 till 2030") for name in names)  # Mora's local goal
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "indikator.png"), full_page=True)

    # add Borlänge in the municipality list
    page.click("#indikator-areas")
    page.locator(".dash-dropdown-options").wait_for()
    page.locator(".dash-dropdown-option", has_text="Borlänge").click()
    page.keyboard.press("Escape")
    wait_for_query(page, "omraden", "2062,2080,2081")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#indikator-series .legendtext')]"
        ".some(e => e.textContent === 'Borlänge')"
    )

    # hide the local goal lines
    page.locator("#indikator-levels label", has_text="Lokalt").click()
    wait_for_query(page, "niva", "regional")
    page.wait_for_function(
        "() => ![...document.querySelectorAll('#indikator-series .legendtext')]"
        ".some(e => e.textContent.startsWith('≤ 1,5 till 2030'))"
    )

    settle(page)
    page.reload()
    page.wait_for_selector("#indikator-series .js-plotly-plot")
    settle(page)
    assert query(page)["omraden"] == "2062,2080,2081"
    assert query(page)["niva"] == "regional"
    assert "Borlänge" in page.inner_text("#indikator-areas")
    assert not page.locator("#indikator-levels input[value='lokal']").is_checked()
    assert page.locator("#indikator-levels input[value='regional']").is_checked()
    names = legend_names(page)
    assert "Borlänge" in names
    assert not any(name.startswith("≤ 1,5 till 2030") for name in names)
    page.console_log.assert_clean()


def test_women_and_men(page, live_server):
    kpi = next(i for i in load_catalogue() if i.is_divided_by_gender)
    open_page(page, f"{live_server.url}/indikator/{kpi.kpi_id}?omraden=2062")
    assert page.is_visible("#indikator-gender")
    page.get_by_label("Kvinnor och män").check()
    wait_for_query(page, "kon", "K,M")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#indikator-series .legendtext')]"
        ".some(e => e.textContent === 'Mora – män')"
    )
    names = legend_names(page)
    assert "Mora – kvinnor" in names and "Riket – män" in names
    page.screenshot(path=str(SCREENS / "indikator-kon.png"), full_page=True)
    settle(page)
    page.reload()
    page.wait_for_selector("#indikator-series .js-plotly-plot")
    settle(page)
    assert page.get_by_label("Kvinnor och män").is_checked()
    page.console_log.assert_clean()


def test_table_alternative_opens_with_the_keyboard(page, live_server):
    open_page(page, live_server.url + "/indikator/N00401?omraden=2062")
    table = page.locator("#indikator-series-data")
    assert not table.is_visible()
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    else:
        pytest.fail("no 'Visa som tabell' summary reached with Tab")
    assert page.evaluate("document.activeElement.textContent") == "Visa som tabell"
    page.keyboard.press("Enter")
    table.wait_for(state="visible")  # built when opened
    headers = table.locator("th").all_inner_texts()
    assert headers[:4] == ["År", "Mora", "Region Dalarna", "Riket"]
    assert not page.locator("#indikator-ranking-data").count()  # the closed one is not built
    page.screenshot(path=str(SCREENS / "indikator-tabell.png"), full_page=True)
    # the open table follows the selection
    page.click("#indikator-areas")
    page.locator(".dash-dropdown-options").wait_for()
    page.locator(".dash-dropdown-option", has_text="Borlänge").click()
    page.keyboard.press("Escape")
    wait_for_query(page, "omraden", "2062,2081")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#indikator-series-data th')]"
        ".some(e => e.textContent === 'Borlänge')"
    )
    # the ranking's table comes when it is opened
    page.locator("#indikator-ranking-details summary").click()
    page.locator("#indikator-ranking-data").wait_for(state="visible")
    assert page.locator("#indikator-ranking-data tbody tr").count() == 15 + 2
    page.console_log.assert_clean()


def test_unknown_indicator_and_index(page, live_server):
    page.goto(live_server.url + "/indikator/X00000")
    page.wait_for_selector("main h1")
    assert page.inner_text("main h1") == "Indikatorn finns inte"
    page.click("#indikator-index-link")
    page.wait_for_selector("#indikatorer-list")
    assert page.inner_text("main h1") == "Indikatorer"
    total = page.locator("#indikatorer-list a").count()
    page.get_by_label("Social").check()
    wait_for_query(page, "dimension", "social")
    page.wait_for_function(
        f"() => document.querySelectorAll('#indikatorer-list a').length < {total}"
    )
    page.screenshot(path=str(SCREENS / "indikatorer.png"), full_page=True)
    page.locator("#indikatorer-list a").first.click()
    page.wait_for_selector("#indikator-series .js-plotly-plot")
    assert urlparse(page.url).path.startswith("/indikator/")
    page.console_log.assert_clean()


SCRIPT = "<script>alert(1)</script>"
NOTES = "#indikator-notes"


def test_assessments_beside_the_numbers_follow_the_area_choice(page, live_server, tmp_path):
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
        # Without municipalities: Region Dalarna's assessments.
        open_page(page, live_server.url + "/indikator/N00401")
        page.wait_for_selector(f"{NOTES} h3:has-text('Region Dalarna – ')")
        assert "Inga bedömningar ännu." in page.inner_text(NOTES)

        # Choosing Mora above brings Mora's assessments, shown as text.
        page.click("#indikator-areas")
        page.locator(".dash-dropdown-options").wait_for()
        page.get_by_role("option", name="Mora", exact=True).click()
        page.keyboard.press("Escape")
        page.wait_for_selector(f"{NOTES} h3:has-text('Mora – Växthusgasutsläpp per invånare')")
        shown = page.wait_for_selector(f"{NOTES} .note-text")
        assert shown.inner_text() == SCRIPT
        assert page.inner_text(f"{NOTES} .note-author") == "<b>Eva</b>"
        assert "↘ Sämre" in page.inner_text(f"{NOTES} .note-header")
        assert page.locator(f"{NOTES} script, {NOTES} b").count() == 0

        # A new assessment through the form.
        page.click(f"{NOTES} summary")
        page.get_by_label("Bättre").check()
        page.locator(f"{NOTES} textarea").fill('<img src=x onerror="alert(2)"> Minskar')
        page.click(f"{NOTES} button:has-text('Spara bedömning')")
        page.wait_for_selector(f"{NOTES} .form-success")
        texts = page.locator(f"{NOTES} .note-text").all_inner_texts()
        assert texts == ['<img src=x onerror="alert(2)"> Minskar', SCRIPT]
        assert page.locator(f"{NOTES} img").count() == 0
        stored = list_assessments(engine, area_id="2062", kpi_id="N00401")
        assert [(r.text, r.judgement) for r in stored] == [(texts[0], "bättre"), (SCRIPT, "sämre")]
        settle(page)
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.locator("#indikator-assessments-heading").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENS / "indikator-bedomningar.png"))

        # Another shown area's assessments through the choice.
        page.click("#indikator-notes-area")
        page.get_by_role("option", name="Riket", exact=True).click()
        page.wait_for_selector(f"{NOTES} h3:has-text('Riket – ')")
        assert page.locator(f"{NOTES} .note-text").count() == 0

        # Presentation mode: the list stays, the form and the remove buttons go.
        open_page(page, live_server.url + "/indikator/N00401?omraden=2062&visa=presentation")
        page.wait_for_selector(f"{NOTES} .note-text")
        assert page.locator(f"{NOTES} .note-text").count() == 2
        assert not page.locator(f"{NOTES} summary").is_visible()
        assert not page.locator(f"{NOTES} .note-delete").first.is_visible()
        assert not page.locator("#indikator-notes-area").is_visible()
        page.locator("#indikator-assessments-heading").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENS / "indikator-bedomningar-presentation.png"))
        page.wait_for_timeout(300)  # time for a dialog, had anything run
        assert dialogs == []
        page.console_log.assert_clean()


def test_the_index_search_finds_words_typed_without_accents(page, live_server):
    page.goto(live_server.url + "/indikator")
    page.wait_for_selector("#indikatorer-list a")
    every = page.locator("#indikatorer-list .indicator-entry").count()
    search = page.get_by_label("Sök indikator")
    search.fill("utslapp")
    page.wait_for_selector("#indikatorer-list [role=status]:has-text('utslapp')")
    labels = page.locator("#indikatorer-list .indicator-entry a").all_inner_texts()
    assert labels and len(labels) < every
    assert all("utsläpp" in label.lower() for label in labels), labels
    assert any(label.startswith("Utsläpp") for label in labels)
    search.fill("vaxthus")
    page.wait_for_selector("#indikatorer-list [role=status]:has-text('vaxthus')")
    labels = page.locator("#indikatorer-list .indicator-entry a").all_inner_texts()
    assert labels and all(label.startswith("Växthusgas") for label in labels), labels
    page.screenshot(path=str(SCREENS / "indikatorer-sok.png"))
    search.fill("")
    page.wait_for_function(
        f"() => document.querySelectorAll('#indikatorer-list .indicator-entry').length === {every}"
    )
    page.console_log.assert_clean()
