"""An intervention on an indicator's page in a real browser: an editor adds one for Falun on
the transport emissions through /insatser; the indicator page then marks its start year on the
chart and shows its effect indication, to a reader too (without edit controls); the page passes
axe, fits 390 px, 1366 px and a 1280×720 projector in presentation mode, and runs in a
slideshow beside /insatser."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.interventions import (
    InterventionRecord,
    LinkedIndicator,
    add_intervention,
    list_interventions,
)
from data.slideshows import save_slideshow
from tests.support.axe import blocking_violations, describe

SCREENS = Path("/tmp/screens")
KPI = "N85533"  # Växthusgasutsläpp, transporter (ton CO2e), should decrease
FALUN = "2080"
TITLE = "Laddstolpar vid pendlarparkeringar"
PAGE = f"/indikator/{KPI}?omraden={FALUN}"

#: The page's width against the window's (sideways overflow).
WIDTHS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
#: The series chart's traces by name, and its shapes' x positions.
CHART = """() => {
    const graph = document.querySelector('#indikator-series .js-plotly-plot');
    return {
        names: graph.data.map((trace) => trace.name),
        shapes: (graph.layout.shapes || []).map((shape) => shape.x0),
        labels: (graph.layout.annotations || []).map((note) => note.text),
    };
}"""


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')")


def open_indicator(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#indikator-series .js-plotly-plot")
    page.wait_for_selector(".effect-panel")
    settle(page)


def add_through_the_register(page, base_url: str) -> None:
    """Fill in and save the form on /insatser, as an editor does."""
    page.goto(base_url + "/insatser")
    page.wait_for_selector("#insatser-form")
    settle(page)
    page.fill("#insatser-form-title", TITLE)
    page.click("#insatser-form-area-id")
    page.locator(".dash-dropdown-options").wait_for()
    page.locator(".dash-dropdown-option", has_text="Falun").first.click()
    page.keyboard.press("Escape")
    page.locator("#insatser-form-status label", has_text="Pågår").click()
    page.fill("#insatser-form-start-year", "2020")
    page.fill("#insatser-form-responsible", "Samhällsbyggnadsförvaltningen")
    page.fill("#insatser-form-indicators", f"{KPI}:down:-10%:2030")
    page.click("#insatser-save")
    page.wait_for_function(
        "(title) => document.body.innerText.includes(title)", arg=TITLE, timeout=15000
    )
    settle(page)


def check_indicator_page(page) -> None:
    chart = page.evaluate(CHART)
    assert "Insatser (startår)" in chart["names"]
    assert 2020 in chart["shapes"]
    assert any(label.startswith("Insats: Laddstolpar") for label in chart["labels"])
    panel = page.locator(".effect-panel")
    assert panel.count() == 1
    text = panel.inner_text()
    assert f"Effekt av insatsen: {TITLE} – Falun" in text
    assert any(
        verdict in text
        for verdict in (
            "Tydlig förändring i önskad riktning",
            "Ingen tydlig skillnad mot liknande kommuner",
            "Förändring åt fel håll",
            "För lite data",
        )
    )
    # The numbers behind it open with the native disclosure, by keyboard.
    summary = panel.locator("summary", has_text="Varför?")
    summary.focus()
    page.keyboard.press("Enter")
    assert panel.locator("details.effect-why").get_attribute("open") is not None
    assert "Placebotest" in panel.locator(".effect-facts").inner_text()
    # The table alternative lists the intervention.
    page.locator("#indikator-series-details summary").click()
    page.wait_for_selector("#indikator-interventions-data")
    assert TITLE in page.inner_text("#indikator-interventions-data")


@pytest.fixture
def screens():
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS


def test_an_added_intervention_shows_on_the_indicator_page(
    page, browser, live_server, own_data, editor, screens
):
    add_through_the_register(page, live_server.url)
    (record,) = list_interventions(own_data, area_id=FALUN, kpi_id=KPI)
    assert (record.title, record.start_year, record.updated_by) == (TITLE, 2020, editor)

    open_indicator(page, live_server.url + PAGE)
    check_indicator_page(page)
    page.console_log.assert_clean()

    # A reader, not signed in, sees the same and no edit controls.
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="sv-SE")
    reader = context.new_page()
    errors: list[str] = []
    reader.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    reader.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    try:
        open_indicator(reader, live_server.url + PAGE)
        check_indicator_page(reader)
        assert reader.locator(".effect-section button:not(.why-close)").count() == 0
        assert reader.locator(".effect-section input, .effect-section textarea").count() == 0
        violations = blocking_violations(reader)
        assert violations == [], describe(violations)
        reader.screenshot(path=str(screens / "insats-indikator-1366x768.png"), full_page=True)
        widths = reader.evaluate(WIDTHS)
        assert widths[0] <= widths[1], f"sideways overflow at 1366 px: {widths}"

        reader.set_viewport_size({"width": 390, "height": 844})
        open_indicator(reader, live_server.url + PAGE)
        reader.locator(".effect-panel").scroll_into_view_if_needed()
        reader.screenshot(path=str(screens / "insats-indikator-390x844.png"), full_page=True)
        widths = reader.evaluate(WIDTHS)
        assert widths[0] <= widths[1], f"sideways overflow at 390 px: {widths}"

        # The register itself is readable without edit controls.
        reader.goto(live_server.url + "/insatser")
        reader.wait_for_selector(f"text={TITLE}")
        settle(reader)
        assert reader.locator("#insatser-save").count() == 0
        assert reader.locator("button", has_text="Ändra").count() == 0
        assert errors == [], "browser console errors:\n" + "\n".join(errors)
    finally:
        context.close()


def test_presentation_and_slideshow_show_the_effect_panel(page, live_server, own_data, screens):
    add_intervention(
        own_data,
        InterventionRecord(
            title=TITLE,
            area_id=FALUN,
            start_year=2020,
            status="pågår",
            indicators=(LinkedIndicator(KPI, "down", -0.1, True, 2030),),
        ),
        changed_by="Testredaktör",
    )
    page.set_viewport_size({"width": 1280, "height": 720})
    open_indicator(page, live_server.url + PAGE + "&visa=presentation")
    page.wait_for_selector(".shell.presentation")
    panel = page.locator(".effect-panel")
    panel.scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    box = panel.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= 720, box
    assert page.locator(".effect-section .effect-links").is_hidden()  # no links on a projector
    page.screenshot(path=str(screens / "insats-indikator-presentation-1280x720.png"))
    widths = page.evaluate(WIDTHS)
    assert widths[0] <= widths[1], f"sideways overflow in presentation mode: {widths}"

    # A slideshow stores the addresses: the indicator page with its panel, then /insatser.
    show = save_slideshow(own_data, "Insatser och effekter", [PAGE, "/insatser"])
    page.goto(f"{live_server.url}{PAGE}&visa=presentation&bildspel={show.id}&steg=1")
    page.wait_for_selector(".effect-panel")
    page.wait_for_function(
        "() => (document.getElementById('bildspel-position') || {}).innerText === 'Bild 1 av 2'"
    )
    settle(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.pathname === '/insatser'")
    page.wait_for_selector(f"text={TITLE}")
    settle(page)
    assert page.locator(".shell.presentation").count() == 1
    page.console_log.assert_clean()


def test_the_kommun_page_links_the_export_of_its_interventions(page, live_server, own_data):
    add_intervention(
        own_data,
        InterventionRecord(
            title=TITLE,
            area_id=FALUN,
            start_year=2020,
            status="planerad",
            indicators=(LinkedIndicator(KPI, "down"),),
        ),
        changed_by="Testredaktör",
    )
    page.goto(f"{live_server.url}/kommun/{FALUN}")
    page.wait_for_selector(".intervention-section")
    settle(page)
    section = page.locator(".intervention-section")
    assert TITLE in section.inner_text()
    assert "○ Planerad" in section.inner_text()
    link = section.get_by_role("link", name="Ladda ner insatser och effekter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('a')].some((a) => a.textContent === "
        "'Ladda ner insatser och effekter' && a.href.includes('omraden=2080') && "
        "a.href.includes('fil=insatser-effekter'))"
    )
    href = link.get_attribute("href")
    assert href.count("fil=") == 1
    response = page.request.get(live_server.url + href if href.startswith("/") else href)
    assert response.status == 200
    text = response.text()
    assert text.startswith("område_id,område,insats_id,insats,")
    assert ",Falun," in text
    assert TITLE in text and ",Planerad," in text
    page.console_log.assert_clean()
