"""Insatser in a real browser: an editor adds an intervention for Falun on transport
emissions; a reader sees it without edit controls, and a write the reader forges changes
nothing; console clean, axe passes, no sideways overflow on a phone, a laptop or a projector."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data.interventions import list_interventions
from tests.support.axe import blocking_violations, describe
from tests.support.browser import choose

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")
TITLE = "Laddstolpar vid kommunens arbetsplatser"
TRANSPORT = "Växthusgasutsläpp, transporter (N85533)"
FIELDS = (
    "title",
    "area_id",
    "status",
    "start_year",
    "end_year",
    "responsible",
    "indicators",
    "goals",
    "decision_reference",
    "decision_url",
    "description",
)
OVERFLOW = """() => {
    const root = document.documentElement;
    return {scroll: root.scrollWidth, client: root.clientWidth};
}"""


def _forged_save(page) -> dict:
    """Post the save callback's request as the page would, from a reader's browser."""
    outputs = [
        ("insatser-form-message", "children"),
        ("insatser-refresh", "data"),
        ("insatser-editing", "data"),
        ("insatser-version", "data"),
        ("insatser-form-mode", "children"),
    ]
    values = {name: "" for name in FIELDS} | {
        "title": "Förfalskad insats",
        "area_id": "2080",
        "status": "pågår",
        "start_year": "2024",
    }
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": "insatser-save", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["insatser-save.n_clicks"],
        "state": [
            *[
                {"id": "insatser-form-" + name.replace("_", "-"), "property": "value", "value": v}
                for name, v in values.items()
            ],
            {"id": "insatser-editing", "property": "data", "value": None},
            {"id": "insatser-version", "property": "data", "value": None},
            {"id": "insatser-refresh", "property": "data", "value": 0},
        ],
    }
    return page.evaluate(
        """async (body) => {
            const response = await fetch('/_dash-update-component', {
                method: 'POST',
                headers: {'Content-Type': 'application/json'},
                body: JSON.stringify(body),
            });
            return {status: response.status, text: await response.text()};
        }""",
        body,
    )


def test_editor_adds_and_reader_reads(page, browser, live_server, own_data, editor):
    page.goto(live_server.url + "/insatser")
    page.wait_for_selector("#insatser-form")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Rubrik", exact=True).fill(TITLE)
    choose(page, "insatser-form-area-id", "Falun", "Falun")
    page.get_by_label("Pågår").check()
    page.get_by_label("Startår").fill("2024")
    page.get_by_label("Slutår (frivilligt)").fill("2027")
    page.get_by_label("Indikatorer", exact=True).fill("N85533:down:-10%:2030")
    page.get_by_label("Länk till beslutet (frivilligt)").fill("https://www.falun.se/beslut")
    page.click("#insatser-save")
    page.wait_for_selector(f".intervention-card h3:has-text('{TITLE}')")
    assert "är sparad" in page.inner_text("#insatser-form-message")
    (stored,) = list_interventions(own_data)
    assert (stored.area_id, stored.updated_by) == ("2080", editor)
    assert stored.indicators[0].kpi_id == "N85533"
    violations = blocking_violations(page)
    assert not violations, describe(violations)
    page.console_log.assert_clean()

    # A reader in a browser of their own (not signed in).
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="sv-SE")
    errors: list[str] = []
    reader = context.new_page()
    reader.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    reader.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        reader.goto(live_server.url + "/insatser?kommun=2080&indikator=N85533")
        card = reader.wait_for_selector(".intervention-card")
        text = card.inner_text()
        assert TITLE in text and TRANSPORT in text
        assert "↓ ska minska" in text and "−10 % till 2030" in text
        assert "Pågår" in text and "2024–2027" in text
        assert (
            reader.locator("#insatser-save, #insatser-upload, .intervention-card button").count()
            == 0
        )
        assert "Uppgifter: redaktörerna" in reader.inner_text(".source-credit")
        violations = blocking_violations(reader)
        assert not violations, describe(violations)

        answer = _forged_save(reader)
        assert answer["status"] == 200, answer
        assert "Logga in som redaktör" in json.dumps(json.loads(answer["text"]), ensure_ascii=False)
        assert [r.title for r in list_interventions(own_data)] == [TITLE]

        SCREENS.mkdir(parents=True, exist_ok=True)
        for width, height, query in (
            (390, 844, ""),
            (1366, 768, ""),
            (1280, 720, "&visa=presentation"),
        ):
            reader.set_viewport_size({"width": width, "height": height})
            reader.goto(live_server.url + "/insatser?kommun=2080" + query)
            reader.wait_for_selector(".intervention-card")
            reader.wait_for_load_state("networkidle")
            sizes = reader.evaluate(OVERFLOW)
            assert sizes["scroll"] <= sizes["client"], (width, sizes)
            reader.screenshot(path=str(SCREENS / f"insatser-{width}x{height}.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
