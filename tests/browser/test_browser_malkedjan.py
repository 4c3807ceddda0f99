"""Målkedjan in a real browser: Mora and SDG 13 show the chain lokal → regional → nationell →
global with a status (icon and word) at every link; "Varför?" opens; choosing another
municipality updates the chain and the address; the console stays clean and axe passes; no
screen scrolls sideways."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from indicators.vocabulary import STATUS_STYLE
from tests.support.axe import blocking_violations, describe
from tests.support.browser import choose

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")
PATH = "/malkedjan?kommun=2062&mal=13"
LEVEL_LABELS = ["Lokalt mål", "Regionalt mål", "Nationellt mål", "Globalt mål"]
#: The first chain: the first goal card at each depth, following the first higher goal.
FIRST_PATH = """() => {
    const cards = [];
    let item = document.querySelector('.malkedjan-chains > .chain-item');
    while (item) {
        const card = item.querySelector(':scope > .chain-goal');
        cards.push({level: card.dataset.level, id: card.dataset.goalId,
                    head: card.querySelector('.chain-level').textContent,
                    status: card.querySelector('.chain-status .status-badge').textContent});
        item = item.querySelector(':scope > .chain-higher > ol > .chain-item');
    }
    return cards;
}"""
SIDEWAYS = """() => ({scroll: document.documentElement.scrollWidth,
                    client: document.documentElement.clientWidth})"""


def test_mora_climate_chain_runs_to_the_global_goal_with_a_status_at_each_link(page, live_server):
    page.goto(live_server.url + PATH)
    page.wait_for_selector(".malkedjan-chains .chain-goal")
    cards = page.evaluate(FIRST_PATH)
    assert [card["level"] for card in cards] == ["lokal", "regional", "nationell", "global"]
    assert [card["head"] for card in cards] == LEVEL_LABELS
    assert cards[0]["id"].startswith("mora-") and cards[-1]["id"] == "un-13-2-vaxthusgasutslapp"
    words = {style.label_sv: style.icon for style in STATUS_STYLE.values()}
    for card in cards:
        shown = [word for word in words if word in card["status"]]
        assert len(shown) == 1, card
        assert words[shown[0]] in card["status"]  # the icon beside the word, never colour alone
    # "Varför?" opens the facts behind the local goal's status
    first = page.locator(".malkedjan-chains .chain-goal").first
    first.locator("summary.why-summary").click()
    panel = first.locator(".why-panel")
    assert panel.is_visible() and "Varför?" in (panel.text_content() or "")
    page.keyboard.press("Escape")
    # the table alternative lists the same links
    page.get_by_text("Visa länkarna som tabell").click()
    table = page.locator("#malkedjan-table")
    assert table.is_visible()
    assert "un-13-2-vaxthusgasutslapp" in (table.text_content() or "")
    assert "Kedjan" in (page.locator("#malkedjan-breaks").text_content() or "")
    violations = blocking_violations(page)
    assert not violations, describe(violations)
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / "malkedjan.png"), full_page=True)
    page.console_log.assert_clean()


def test_choosing_borlange_updates_the_chain_and_the_address(page, live_server):
    page.goto(live_server.url + PATH)
    page.wait_for_selector(".malkedjan-chains .chain-goal")
    choose(page, "malkedjan-kommun", "Borl", "Borlänge")
    page.wait_for_function(
        "() => document.querySelector('.malkedjan-chains .chain-goal')"
        "?.dataset.goalId === 'borlange-klimatneutral-2030'"
    )
    query = parse_qs(urlparse(page.url).query)
    assert query["kommun"] == ["2081"] and query["mal"] == ["13"]
    page.reload()
    page.wait_for_selector(".malkedjan-chains .chain-goal")
    first = page.locator(".malkedjan-chains .chain-goal").first
    assert first.get_attribute("data-goal-id") == "borlange-klimatneutral-2030"
    page.console_log.assert_clean()


@pytest.mark.parametrize(
    ("name", "width", "height", "suffix"),
    [
        ("telefon", 390, 844, ""),
        ("laptop", 1366, 768, ""),
        ("presentation", 1280, 720, "&visa=presentation"),
    ],
)
def test_no_screen_scrolls_sideways(page, live_server, name, width, height, suffix):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + PATH + suffix)
    page.wait_for_selector(".malkedjan-chains .chain-goal")
    widths = page.evaluate(SIDEWAYS)
    assert widths["scroll"] <= widths["client"], widths
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / f"malkedjan-{name}.png"))
    page.console_log.assert_clean()
