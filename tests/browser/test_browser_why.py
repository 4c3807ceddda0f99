""" "Varför?" in a real browser: on the overview's matrix, the indicator page's status table and
a municipality's strongest and weakest indicators, the facts behind a status open by keyboard
(focus and Enter) and by a tap on a touch screen, and say the target, the base and latest values
with their years and both paces – the required and the observed annual change – as text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from indicators import service
from indicators.overview import effective_status
from indicators.status_facts import format_value, signed_per_year
from indicators.vocabulary import ALL_LEVELS, Status
from tests.support.axe import blocking_violations, describe
from tests.support.browser import CSP_VIOLATION_LISTENER, ConsoleLog, csp_safe_predicate

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens/why")
MATRIX = "table.ov-matrix"
FACTS = "#oversikt-why [data-cell]"
OPEN_PANEL = "details.why[open] > .why-panel"


@pytest.fixture
def phone(browser) -> Iterator:
    """A page on a 390 × 844 touch screen (Swedish locale) whose console errors and
    Content-Security-Policy violations are collected in ``phone.console_log``."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="sv-SE", has_touch=True, is_mobile=True
    )
    log = ConsoleLog()
    context.expose_binding(
        "__recordCspViolation", lambda _source, text: log.csp_violations.append(text)
    )
    context.add_init_script(CSP_VIOLATION_LISTENER)
    page = context.new_page()
    wait_for_function = page.wait_for_function
    page.wait_for_function = lambda expression, *args, **kwargs: wait_for_function(
        csp_safe_predicate(expression), *args, **kwargs
    )
    page.on("console", lambda msg: log.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: log.errors.append(f"page error: {exc}"))
    page.console_log = log
    yield page
    context.close()


def settled(page, url: str, selector: str) -> None:
    page.goto(url)
    page.wait_for_selector(selector)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')")


def both_paces(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows judged against a target with a required and an observed change."""
    return rows[
        rows["required_annual_change"].notna()
        & rows["observed_annual_change"].notna()
        & rows["target_value"].notna()
        & (rows["status"] != Status.UPPNATT.value)
    ]


def expected_texts(row, kpi_id: str) -> list[str]:
    """What the panel says of a row: target, base and latest value with their years, and the
    required and observed annual change (formatted as the pages format them)."""
    indicator = service.indicator(kpi_id)
    return [
        f"Målvärde {int(row['target_year'])}",
        format_value(row["target_value"], indicator),
        f"Basår {int(row['base_year'])}",
        format_value(row["base_value"], indicator),
        f"Senaste värde {int(row['latest_year'])}",
        format_value(row["latest_value"], indicator),
        "Krävd förändring",
        signed_per_year(row["required_annual_change"], row, indicator),
        "Faktisk förändring",
        signed_per_year(row["observed_annual_change"], row, indicator),
    ]


def assert_says(text: str, expected: list[str]) -> None:
    missing = [part for part in expected if part not in text]
    assert missing == [], f"missing {missing} in:\n{text}"


def assert_on_screen(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    assert box is not None and box["height"] > 50
    assert box["y"] >= 0 and box["y"] + 40 <= viewport["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1, box


# --- the overview's matrix ----------------------------------------------------------------------


def matrix_cell() -> tuple[str, list[str]]:
    """A cell of the national level's matrix judged against a target, and what its facts say."""
    effective = effective_status(service.status("statistics_canada"), "nationell")
    row = both_paces(effective[~effective["fallback"].astype(bool)]).iloc[0]
    return f"{row['area_id']}:{row['kpi_id']}", expected_texts(row, row["kpi_id"])


def test_matrix_facts_open_by_keyboard(page, live_server):
    key, expected = matrix_cell()
    settled(page, live_server.url + "/?niva=nationell&vy=indikator", MATRIX)
    cell = page.locator(f'{MATRIX} button.ov-cell[value="{key}"]')
    cell.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f'{FACTS}[data-cell="{key}"]')
    page.wait_for_function("document.activeElement.id === 'oversikt-why-title'")
    assert_says(page.locator(FACTS).inner_text(), expected)
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    page.keyboard.press("Escape")
    page.wait_for_function("!document.querySelector('#oversikt-why [data-cell]')")
    assert page.evaluate("document.activeElement.value") == key
    page.console_log.assert_clean()


def test_matrix_facts_open_by_a_tap(phone, live_server):
    key, expected = matrix_cell()
    settled(phone, live_server.url + "/?niva=nationell&vy=indikator", MATRIX)
    cell = phone.locator(f'{MATRIX} button.ov-cell[value="{key}"]')
    cell.scroll_into_view_if_needed()
    cell.tap()
    phone.wait_for_selector(f'{FACTS}[data-cell="{key}"]')
    assert_says(phone.locator(FACTS).inner_text(), expected)
    assert_on_screen(phone, FACTS)
    SCREENS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENS / "test-oversikt-telefon.png"))
    phone.locator(FACTS).get_by_role("button", name="Stäng").tap()
    phone.wait_for_function("!document.querySelector('#oversikt-why [data-cell]')")
    phone.console_log.assert_clean()


# --- the indicator page's status table ----------------------------------------------------------

KPI = "N00401"
AREA = "2080"


def status_cell() -> tuple[str, list[str]]:
    """A status of the indicator page's table (Falun, Region Dalarna and Riket) judged against
    a target: the selector of its badge and what its facts say."""
    status = service.status("statistics_canada", ("T",))
    rows = status[(status["kpi_id"] == KPI) & status["area_id"].isin([AREA, "0020", "0000"])]
    row = both_paces(rows).iloc[0]
    column = ALL_LEVELS.index(row["level"]) + 2  # after the area's header cell
    title = service.area_title(row["area_id"])
    selector = (
        f'#indikator-status tbody tr:has(th:text-is("{title}")) '
        f"td:nth-child({column}) details.why > summary"
    )
    return selector, expected_texts(row, KPI)


def test_indicator_status_facts_open_by_keyboard(page, live_server):
    summary, expected = status_cell()
    settled(page, live_server.url + f"/indikator/{KPI}?omraden={AREA}", "#indikator-status")
    page.locator(summary).focus()
    page.keyboard.press("Enter")
    panel = page.locator(OPEN_PANEL)
    panel.wait_for()
    assert_says(panel.inner_text(), expected)
    assert_on_screen(page, OPEN_PANEL)
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    # Escape closes it and gives the focus back to the badge
    page.keyboard.press("Escape")
    page.wait_for_function("!document.querySelector('details.why[open]')")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.console_log.assert_clean()


def test_indicator_status_facts_open_by_a_tap(phone, live_server):
    summary, expected = status_cell()
    settled(phone, live_server.url + f"/indikator/{KPI}?omraden={AREA}", "#indikator-status")
    badge = phone.locator(summary)
    badge.scroll_into_view_if_needed()
    badge.tap()
    panel = phone.locator(OPEN_PANEL)
    panel.wait_for()
    assert_says(panel.inner_text(), expected)
    assert_on_screen(phone, OPEN_PANEL)
    SCREENS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENS / "test-indikator-telefon.png"))
    panel.get_by_role("button", name="Stäng").tap()
    phone.wait_for_function("!document.querySelector('details.why[open]')")
    phone.console_log.assert_clean()


# --- a municipality's strongest and weakest indicators --------------------------------------------


def weakest_row(page) -> tuple[str, list[str]]:
    """The first of Falun's weakest indicators judged against a target with both paces."""
    status = service.status("statistics_canada")
    rows = status[
        (status["area_id"] == AREA) & (status["gender"] == "T") & (status["level"] == "nationell")
    ]
    shown = page.eval_on_selector_all(
        "#kommun-weakest tr[data-kpi], #kommun-strongest tr[data-kpi]",
        "rows => rows.map(r => r.dataset.kpi)",
    )
    candidates = both_paces(rows[rows["kpi_id"].isin(shown)])
    assert not candidates.empty, "the ranking tables list an indicator with both paces"
    row = candidates.iloc[0]
    return row["kpi_id"], expected_texts(row, row["kpi_id"])


def test_profile_facts_open_by_keyboard_one_at_a_time(page, live_server):
    settled(page, live_server.url + f"/kommun/{AREA}?niva=nationell", "#kommun-tiles")
    kpi_id, expected = weakest_row(page)
    summary = page.locator(f'#kommun-ranking-heading ~ div tr[data-kpi="{kpi_id}"] summary')
    summary.focus()
    page.keyboard.press("Enter")
    panel = page.locator(OPEN_PANEL)
    panel.wait_for()
    assert_says(panel.inner_text(), expected)
    assert_on_screen(page, OPEN_PANEL)
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    # Space on another badge opens its facts and closes the first
    other = page.locator(".ranking-table tr[data-kpi] summary").nth(0)
    if other.evaluate("(e, s) => e === s", summary.element_handle()):
        other = page.locator(".ranking-table tr[data-kpi] summary").nth(1)
    other.focus()
    page.keyboard.press(" ")
    page.wait_for_function("document.querySelectorAll('details.why[open]').length === 1")
    assert other.evaluate("e => e.parentElement.open")
    page.keyboard.press("Escape")
    page.wait_for_function("!document.querySelector('details.why[open]')")
    page.console_log.assert_clean()


def test_profile_facts_open_by_a_tap(phone, live_server):
    settled(phone, live_server.url + f"/kommun/{AREA}?niva=nationell", "#kommun-tiles")
    kpi_id, expected = weakest_row(phone)
    summary = phone.locator(f'.ranking-table tr[data-kpi="{kpi_id}"] summary')
    summary.scroll_into_view_if_needed()
    summary.tap()
    panel = phone.locator(OPEN_PANEL)
    panel.wait_for()
    assert_says(panel.inner_text(), expected)
    assert_on_screen(phone, OPEN_PANEL)
    SCREENS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENS / "test-kommun-telefon.png"))
    # a tap outside the panel closes it
    phone.locator("main h1").tap()
    phone.wait_for_function("!document.querySelector('details.why[open]')")
    # the indicator list's statuses open the same way
    listed = phone.locator("#kommun-indicators details.why > summary").first
    listed.scroll_into_view_if_needed()
    listed.tap()
    phone.locator(OPEN_PANEL).wait_for()
    assert "Faktisk förändring" in phone.locator(OPEN_PANEL).inner_text()
    phone.console_log.assert_clean()


def test_no_page_asks_for_a_mouse_pointer(page, live_server):
    for path in ("/", f"/indikator/{KPI}?omraden={AREA}", f"/kommun/{AREA}"):
        settled(page, live_server.url + path, "main h1")
        text = page.locator("main").inner_text().lower()
        assert "muspekaren" not in text, path
    page.console_log.assert_clean()
