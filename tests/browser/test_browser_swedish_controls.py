"""Every control speaks Swedish: no English text – words Dash's dropdowns and plotly.js's mode
bar write by default – anywhere in a page, also with each of its dropdowns opened (and two
options chosen in a multi-select, where Dash would write "2 selected")."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/?vy=indikator",
    "/indikator",
    "/indikator/N00401?omraden=2062,2080",
    "/kommun",
    "/kommun/2080",
    "/jamfor?omraden=2062,2080",
    "/malkonflikter",
    "/mal",
    "/bildspel",
    "/export",
    "/om",
]

#: What Dash's components and plotly.js write when nobody asks them to write Swedish.
ENGLISH = re.compile(
    r"\b(Search|Select|Selected|selected|Select All|Deselect All|No results found|"
    r"No options found|Clear search|Clear selection|Loading|Updating|Download plot|Zoom|"
    r"Zoom in|Zoom out|Pan|Autoscale|Reset axes|Box Select|Lasso Select|Toggle Spike Lines|"
    r"Show closest data|Compare data|Double-click|Produced with|Click to enter|"
    r"Drag and Drop|Browse|Cancel|Submit|Close)\b"
)

#: Every text a reader or a screen reader gets: text nodes (not scripts' or styles'), and the
#: attributes that name or describe an element.
TEXTS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (node.parentElement && node.parentElement.closest('script, style, head')) continue;
    const text = node.textContent.trim();
    if (text) found.push(text);
  }
  for (const element of document.querySelectorAll('body *')) {
    for (const name of ['placeholder', 'aria-label', 'title', 'data-title', 'alt',
                        'aria-placeholder', 'aria-roledescription']) {
      const value = element.getAttribute(name);
      if (value) found.push(`${name}=${value}`);
    }
  }
  return found;
}"""


def english_in(page) -> set[str]:
    return {text for text in page.evaluate(TEXTS) if ENGLISH.search(text)}


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')")


@pytest.mark.parametrize("path", PAGES)
def test_no_english_control_text(page, live_server, path):
    page.goto(live_server.url + path)
    page.wait_for_selector("main h1")
    settle(page)
    found = english_in(page)
    dropdowns = page.locator(".dash-dropdown")
    for index in range(dropdowns.count()):
        dropdown = dropdowns.nth(index)
        if not dropdown.is_visible() or dropdown.is_disabled():
            continue
        dropdown.scroll_into_view_if_needed()
        dropdown.click()
        content = page.locator(".dash-dropdown-content")
        content.wait_for()
        found |= english_in(page)
        # where several options can be chosen: choose two, so that the dropdown counts them
        checkboxes = content.locator("input[type=checkbox]:not(:checked)")
        if checkboxes.count() >= 2:
            for _ in range(2):
                checkboxes.first.click()
            found |= english_in(page)
        # a search that finds nothing says so
        search = content.locator("input.dash-dropdown-search")
        if search.count():
            search.fill("qqqzz")
            found |= english_in(page)
        page.keyboard.press("Escape")
        content.wait_for(state="hidden")
        found |= english_in(page)
    assert found == set(), f"{path}: {sorted(found)}"
    page.console_log.assert_clean()
