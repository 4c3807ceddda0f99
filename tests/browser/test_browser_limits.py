"""Limits in a real browser: a goal file above the upload limit is refused in the browser with a
Swedish message beside the upload (nothing is sent), a request the server finds too large is
told at the foot of the window, and a long goal list is stepped through 50 goals at a time."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from data.goals import ORIGIN_USER, GoalRecord
from data.models import Goal
from indicators.goal_csv import MAX_GOAL_FILE_BYTES
from request_limits import TOO_LARGE_MESSAGE

pytestmark = pytest.mark.browser

MORA = "2062"


def open_mal(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#mal-level")
    page.wait_for_load_state("networkidle")


def test_a_goal_file_above_the_limit_is_refused_in_the_browser(page, live_server, own_data, editor):
    requests: list[str] = []
    page.on(
        "request",
        lambda request: (
            requests.append(request.url) if "_dash-update-component" in request.url else None
        ),
    )
    open_mal(page, live_server.url + "/mal")
    page.wait_for_selector("#mal-upload")
    requests.clear()
    big = b"id,kpi_id\n" + b"x" * MAX_GOAL_FILE_BYTES
    page.set_input_files(
        "#mal-upload input[type=file]",
        files=[{"name": "stor.csv", "mimeType": "text/csv", "buffer": big}],
    )
    message = page.wait_for_selector("#mal-upload-limit:not(:empty)")
    assert message.inner_text() == (
        "Filen stor.csv är 3 MB och kan inte laddas upp: en målfil får vara högst 3 MB och "
        "innehålla högst 2000 mål. Dela upp den i mindre filer och försök igen."
    )
    assert message.get_attribute("role") == "alert"
    page.wait_for_timeout(300)
    assert requests == []  # nothing was sent
    assert page.inner_text("#mal-import-message") == ""

    # a file within the limit clears the message and is read as usual
    page.set_input_files(
        "#mal-upload input[type=file]",
        files=[{"name": "liten.csv", "mimeType": "text/csv", "buffer": b"id\n"}],
    )
    page.wait_for_selector("#mal-import-message .form-errors")
    assert page.inner_text("#mal-upload-limit") == ""
    page.console_log.assert_clean()


def test_a_request_the_server_finds_too_large_is_told(page, live_server):
    open_mal(page, live_server.url + "/mal")
    page.route(
        re.compile(r".*/_dash-update-component(\?.*)?$"),
        lambda route: route.fulfill(status=413, body=TOO_LARGE_MESSAGE + "\n"),
    )
    page.locator("#mal-level input[value=global]").uncheck()
    box = page.wait_for_selector("#request-limit-message")
    assert box.get_attribute("role") == "alert"
    assert TOO_LARGE_MESSAGE in box.inner_text()
    page.click("#request-limit-message button:text('Stäng')")
    page.wait_for_selector("#request-limit-message", state="detached")


def test_a_long_goal_list_is_stepped_through_50_at_a_time(page, live_server, own_data):
    goals = [
        GoalRecord(
            id=f"mora-prov-{n:03d}",
            kpi_id="N00401",
            level="lokal",
            kind="direction",
            direction="down",
            areas=(MORA,),
            wording_sv=f"Utsläppen ska minska (prov {n}).",
            source_document="Prov",
        )
        for n in range(120)
    ]
    with Session(own_data) as session, session.begin():
        session.execute(insert(Goal), [{**g.as_dict(), "origin": ORIGIN_USER} for g in goals])
    open_mal(page, live_server.url + "/mal?niva=lokal")

    status = '[id*="mal-goal-range"]'
    assert page.inner_text(status) == "Mål 1–50 av 123"
    previous = page.locator('[id*="mal-goal-previous"]')
    following = page.locator('[id*="mal-goal-next"]')
    assert previous.is_disabled()
    following.click()
    page.wait_for_function(
        f"() => document.querySelector('{status}').textContent === 'Mål 51–100 av 123'"
    )
    assert page.locator(".goal-table tbody tr").count() == 50
    following.focus()
    following.press("Enter")
    page.wait_for_function(
        f"() => document.querySelector('{status}').textContent === 'Mål 101–123 av 123'"
    )
    assert following.is_disabled()
    assert page.locator(".goal-table tbody tr").count() == 23
    previous.click()
    page.wait_for_function(
        f"() => document.querySelector('{status}').textContent === 'Mål 51–100 av 123'"
    )
    page.console_log.assert_clean()
