"""Back and forward through selections of one page restore each selection."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _checked_level(page) -> str:
    return page.eval_on_selector("#oversikt-level input:checked", "element => element.value")


def _choose_level(page, value: str) -> None:
    page.check(f"#oversikt-level input[value='{value}']")
    page.wait_for_function(f"window.location.search.includes('niva={value}')", polling=100)


def test_back_twice_walks_back_through_selections(page, live_server):
    page.goto(live_server.url + "/")
    page.wait_for_selector("#oversikt-level input:checked")
    first = _checked_level(page)
    _choose_level(page, "global")
    _choose_level(page, "lokal")

    page.go_back()
    page.wait_for_function("window.location.search.includes('niva=global')", polling=100)
    page.wait_for_selector("#oversikt-level input[value='global']:checked")
    assert _checked_level(page) == "global"

    page.go_back()
    page.wait_for_selector(f"#oversikt-level input[value='{first}']:checked")
    assert _checked_level(page) == first

    page.go_forward()
    page.wait_for_selector("#oversikt-level input[value='global']:checked")
    assert _checked_level(page) == "global"
    page.console_log.assert_clean()
