"""Mål in a real browser: a local goal for Mora added through the form appears in the list and
the change log; an invalid one is refused with the message beside the field and not saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.goals import get_goal, goal_changes, list_goals
from tests.support.axe import blocking_violations, describe
from tests.support.browser import choose

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")
GOAL_ID = "mora-vaxthusgasutslapp-per-invanare-2035"


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#mal-form-save")
    page.wait_for_load_state("networkidle")


def fill_goal(page, *, target: str, base_year: str, target_year: str) -> None:
    choose(page, "mal-form-area", "Mora", "Mora")
    choose(page, "mal-form-kpi_id", "N00401", "Växthusgasutsläpp per invånare (N00401)")
    page.fill("#mal-form-target_value", target)
    page.fill("#mal-form-base_year", base_year)
    page.fill("#mal-form-target_year", target_year)
    page.fill("#mal-form-wording_sv", "Utsläppen ska vara högst 1,2 ton per invånare 2035.")
    page.fill("#mal-form-source_document", "Mora kommun, klimatplan 2025")
    page.fill("#mal-form-source_url", "https://www.mora.se/klimatplan")
    page.fill("#mal-form-note", "Antaget av kommunfullmäktige")


def test_add_a_local_goal_for_mora(page, live_server, own_data, editor):
    open_page(page, live_server.url + "/mal?omraden=2062")
    fill_goal(page, target="1,2", base_year="2020", target_year="2035")
    page.click("#mal-form-save")

    success = page.wait_for_selector("#mal-form-message .form-success")
    assert GOAL_ID in success.inner_text()
    row = page.wait_for_selector(f"#mal-goal-{GOAL_ID}")
    row_text = row.inner_text()
    assert "≤ 1,2 ton CO2-ekv/inv till 2035" in row_text
    assert "egen" in row_text
    log = page.wait_for_selector(f"#mal-change-table td:text-is('{GOAL_ID}')")
    assert log is not None
    assert "Tillagt" in page.inner_text("#mal-change-table")
    assert "Antaget av kommunfullmäktige" in page.inner_text("#mal-change-table")
    assert page.inner_text("#mal-form-mode") == f'Ändrar det egna målet "{GOAL_ID}"'

    stored = get_goal(own_data, GOAL_ID)
    assert stored is not None and stored.target_value == 1.2 and stored.areas == ("2062",)
    (change,) = goal_changes(own_data)
    assert (change.goal_id, change.action) == (GOAL_ID, "add")

    SCREENS.mkdir(parents=True, exist_ok=True)
    page.locator("#mal-form-message").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENS / "mal-added.png"))
    page.screenshot(path=str(SCREENS / "mal.png"), full_page=True)
    page.console_log.assert_clean()


def test_invalid_goal_is_refused_and_not_saved(page, live_server, own_data, editor):
    before = list_goals(own_data)
    open_page(page, live_server.url + "/mal")
    fill_goal(page, target="", base_year="2035", target_year="2030")
    page.click("#mal-form-save")

    page.wait_for_selector("#mal-form-message .form-errors")
    target_year = page.wait_for_selector("#mal-error-target_year li")
    assert 'fält "target_year"' in target_year.inner_text()
    assert "ett år efter base_year (2035)" in target_year.inner_text()
    target_value = page.inner_text("#mal-error-target_value")
    assert "krävs för kind absolute" in target_value
    assert "Målet sparades inte" in page.inner_text("#mal-form-message")
    assert page.inner_text("#mal-form-mode") == "Nytt eget mål"

    assert list_goals(own_data) == before
    assert goal_changes(own_data) == []
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.locator("#mal-field-target_year").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENS / "mal-rejected.png"))
    page.console_log.assert_clean()


def test_a_goal_changed_by_someone_else_meanwhile_is_not_overwritten(
    page, live_server, own_data, editor
):
    """Another editor saves the goal while this one has it open: this save is refused with
    what differs, "Ladda om målet" shows the stored goal, the next save and a removal (its
    question answered in the browser's dialog) go through."""
    from dataclasses import replace

    from indicators.goals import add_goal, update_goal

    goal = add_goal(own_data, replace(get_goal_template(), id="mora-delat-mal"), "Ny")
    open_page(page, live_server.url + "/mal?omraden=2062")
    choose(page, "mal-edit", "mora-delat", "mora-delat-mal – Växthusgasutsläpp per invånare")
    page.wait_for_function(
        "document.querySelector('#mal-form-mode').innerText.includes('mora-delat-mal')"
    )
    update_goal(own_data, replace(goal, target_value=1.0), "Annans ändring", changed_by="anna")

    page.fill("#mal-form-wording_sv", "Min nya lydelse.")
    page.click("#mal-form-save")
    alert = page.wait_for_selector("#mal-form-message .form-errors")
    assert "Målet har ändrats av någon annan – ladda om" in alert.inner_text()
    assert "av anna" in alert.inner_text()
    differences = page.inner_text("#mal-form-differences")
    assert "Målvärde\t1,2\t1" in differences and "Min nya lydelse." in differences
    assert "Riktning" not in differences  # only what differs
    assert get_goal(own_data, "mora-delat-mal").wording_sv == goal.wording_sv
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.locator("#mal-form-message").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENS / "mal-stale.png"))

    page.click("#mal-form-reload")
    page.wait_for_selector("#mal-form-message .form-success")
    assert page.input_value("#mal-form-target_value") == "1"
    assert page.is_hidden("#mal-form-reload")
    page.fill("#mal-form-wording_sv", "Min nya lydelse.")
    page.click("#mal-form-save")
    # The reload's message is a success too: wait for the save's own.
    wait_for_text(page, "#mal-form-message .form-success", "har ändrats")
    stored = get_goal(own_data, "mora-delat-mal")
    assert (stored.target_value, stored.wording_sv, stored.version) == (1.0, "Min nya lydelse.", 3)

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#mal-form-remove")
    page.wait_for_function(
        "document.querySelector('#mal-form-message').innerText.includes('har tagits bort')"
    )
    assert get_goal(own_data, "mora-delat-mal") is None
    page.console_log.assert_clean()


def get_goal_template():
    """A valid local goal for Mora (the one the form adds in the tests above)."""
    from data.goals import GoalRecord

    return GoalRecord(
        id=GOAL_ID,
        kpi_id="N00401",
        level="lokal",
        kind="absolute",
        operator="<=",
        target_value=1.2,
        direction="down",
        base_year=2020,
        target_year=2035,
        areas=("2062",),
        wording_sv="Utsläppen ska vara högst 1,2 ton per invånare 2035.",
        source_document="Mora kommun, klimatplan 2025",
    )


# --------------------------------------------------------------------------- the direction

ORSA_GOAL = "orsa-fornybar-el-2030"
MY_SCREENS = SCREENS / "goalform"


def wait_for_text(page, selector: str, text: str) -> None:
    """Wait until the element shows ``text`` (a dropdown draws its value once its script has
    loaded)."""
    page.wait_for_function(
        "([selector, text]) => { const e = document.querySelector(selector);"
        " return e !== null && e.innerText.includes(text); }",
        arg=[selector, text],
    )


def checked_operator(page) -> str | None:
    return page.evaluate(
        "() => { const c = document.querySelector('#mal-form-operator input:checked');"
        " return c ? c.value : null; }"
    )


def wait_for_operator(page, value: str | None) -> None:
    page.wait_for_function(
        "(wanted) => { const c = document.querySelector('#mal-form-operator input:checked');"
        " return (c ? c.value : null) === wanted; }",
        arg=value,
    )


def test_the_comparison_follows_the_indicator_and_a_goal_against_it_waits_for_a_yes(
    page, live_server, own_data, editor
):
    """Choosing an indicator chooses "minst" or "högst" by its desired direction; "högst 80 %"
    on renewable electricity is asked about and stored only after "Spara ändå"."""
    open_page(page, live_server.url + "/mal?omrade=2034")
    wait_for_text(page, "#mal-field-area", "Orsa")
    assert checked_operator(page) is None  # nothing chosen before the indicator
    choose(page, "mal-form-kpi_id", "N45925", "Förnybar elproduktion (N45925)")
    wait_for_operator(page, ">=")
    assert "bättre ju högre" in page.inner_text("#mal-form-operator-hint")
    choose(page, "mal-form-kpi_id", "N00401", "Växthusgasutsläpp per invånare (N00401)")
    wait_for_operator(page, "<=")
    choose(page, "mal-form-kpi_id", "N45925", "Förnybar elproduktion (N45925)")
    wait_for_operator(page, ">=")

    page.locator("#mal-form-operator label", has_text="högst").click()
    wait_for_operator(page, "<=")
    page.fill("#mal-form-target_value", "80")
    page.fill("#mal-form-target_year", "2030")
    page.fill("#mal-form-wording_sv", "Högst 80 procent av elen ska vara förnybar 2030.")
    page.fill("#mal-form-source_document", "Orsa kommun, energiplan")
    page.fill("#mal-form-id", ORSA_GOAL)
    page.click("#mal-form-save")

    question = page.wait_for_selector("#mal-question:not([hidden])")
    assert (
        "Indikatorn är bättre ju högre den är, men målet säger högst 80 %. Spara ändå?"
        in question.inner_text()
    )
    assert get_goal(own_data, ORSA_GOAL) is None and goal_changes(own_data) == []
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
    MY_SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.locator("#mal-question").scroll_into_view_if_needed()
    page.screenshot(path=str(MY_SCREENS / "mal-question-1366.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#mal-question").scroll_into_view_if_needed()
    page.screenshot(path=str(MY_SCREENS / "mal-question-390.png"))
    page.set_viewport_size({"width": 1366, "height": 900})

    page.click("#mal-question-save")
    success = page.wait_for_selector("#mal-form-message .form-success")
    assert ORSA_GOAL in success.inner_text()
    assert page.is_hidden("#mal-question")
    stored = get_goal(own_data, ORSA_GOAL)
    assert (stored.operator, stored.target_value, stored.areas) == ("<=", 80.0, ("2034",))
    page.console_log.assert_clean()


def test_the_link_on_a_municipality_page_opens_the_form_for_that_municipality(
    page, live_server, own_data, editor
):
    page.goto(live_server.url + "/kommun/2080")
    page.wait_for_selector("#kommun-add-goal a")
    page.wait_for_load_state("networkidle")
    link = page.get_by_role("link", name="Lägg till eget mål för Falun")
    link.scroll_into_view_if_needed()
    link.click()
    # The app's own link: the address changes without a new page load (and the page then adds
    # its own selections to it).
    page.wait_for_function(
        "() => location.pathname === '/mal'"
        " && new URLSearchParams(location.search).get('omrade') === '2080'"
    )
    page.wait_for_selector("#mal-form-save")
    wait_for_text(page, "#mal-field-area", "Falun")
    assert page.is_checked("#mal-form-level input[value='lokal']")
    # The form is scrolled to, and its heading has the focus.
    page.wait_for_function(
        "() => { const top = document.getElementById('nytt-mal').getBoundingClientRect().top;"
        " return top > -10 && top < window.innerHeight / 2; }"
    )
    page.wait_for_function("() => document.activeElement.id === 'mal-form-heading'")
    page.console_log.assert_clean()
