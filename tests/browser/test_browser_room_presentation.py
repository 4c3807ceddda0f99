"""Presentation mode in a workshop room, on a projector's screen (1280×720 and 1920×1080).

Every page's main view lies whole on the first screen, above the slideshow bar, and takes at
least 60 % of its height; the overview's column labels lie flat in readable type; a four-view
slideshow stepped with a clicker's PageDown shows every view whole (Jämför with the
municipalities it was saved with); views added to a slideshow from Jämför and Målkonflikter
keep their selections; axe passes in presentation mode.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from data.slideshows import get_slideshow, list_slideshows, save_slideshow
from indicators import service
from layouts.parts.matrix import PER_INDICATOR
from layouts.parts.presentation import step_url
from tests.support.axe import blocking_violations, describe

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens/presentation")
SCREEN_SIZES = [(1280, 720), (1920, 1080)]
#: The least share of the screen's height a main view takes.
LEAST_SHARE = 0.6
_names = itertools.count(1)

MATRIX = "#oversikt-matrix"
SERIES = "#indikator-series"
TILES = "#kommun-tiles"
PANELS = "#jamfor-panels"
SCATTER = "section:has(> #malkonflikter-scatter)"
GOALS = "#mal-goals"

#: Each page's main view, by the view shown (the goal list is the one view that may scroll
#: inside its box: a long list of goals is a document, not a picture).
MAIN_VIEWS = {
    "oversikt": ("/", MATRIX),
    "oversikt-mal": (f"/?mal=13&vy={PER_INDICATOR}", MATRIX),
    "oversikt-alla": (f"/?vy={PER_INDICATOR}", MATRIX),
    "indikator": ("/indikator/N00401?omraden=2080,2062", SERIES),
    "kommun": ("/kommun/2062", TILES),
    "riket": ("/kommun/0000?niva=trend", TILES),
    "jamfor": ("/jamfor?omraden=2080,2081,2062", PANELS),
    "malkonflikter": ("/malkonflikter", SCATTER),
    "mal": ("/mal", GOALS),
}
SCROLLS_INSIDE = {GOALS}

#: What keeps the main view (``selector``) from lying whole on the first screen, above the
#: slideshow bar, at least ``least`` of the screen's height, with what it holds fitting
#: inside it (unless it ``scrolls`` inside by design): an empty list when it does.
PROBLEMS = """
([selector, scrolls, least]) => {
    const view = document.querySelector(selector);
    if (view === null) return ['the view is not on the page'];
    const found = [];
    if (document.querySelector('[data-dash-is-loading="true"]')) found.push('still loading');
    if (window.scrollY !== 0) found.push(`the page is scrolled by ${window.scrollY}px`);
    const box = view.getBoundingClientRect();
    const screen = window.innerHeight;
    const width = document.documentElement.clientWidth;
    const bar = document.getElementById('bildspel-bar');
    const floor = bar !== null && !bar.hidden ? bar.getBoundingClientRect().top : screen;
    if (box.top < 0 || box.left < 0 || box.right > width + 0.5) {
        found.push(`the view sticks out: ${JSON.stringify(box)}`);
    }
    if (box.bottom > Math.min(floor, screen) + 0.5) {
        found.push(`the view ends at ${box.bottom}px, under the bar or the screen (${floor}px)`);
    }
    if (box.height < least * screen) {
        found.push(`the view is ${box.height}px high, less than ${least * 100} % of ${screen}px`);
    }
    if (!scrolls) {
        const boxes = [view, ...view.querySelectorAll('.ov-scroll, .sdg-tile-item, .jamfor-panel')];
        boxes.filter((node) => node.scrollHeight > node.clientHeight + 1
                || node.scrollWidth > node.clientWidth + 1)
            .forEach((node) => found.push(`${node.id || node.className} overflows`));
    }
    view.querySelectorAll('.js-plotly-plot').forEach((gd) => {
        const rect = gd.getBoundingClientRect();
        const drawn = gd._fullLayout ? gd._fullLayout.height : 0;
        if (drawn < 100 || rect.bottom > box.bottom + 0.5 || Math.abs(drawn - rect.height) > 2) {
            found.push(`a chart is drawn ${drawn}px high in a ${rect.height}px box`);
        }
    });
    return found;
}
"""


def _assert_fits(page, selector: str) -> None:
    """Wait until the main view ``selector`` lies whole on the first screen (above the bar),
    at least 60 % of its height; fail saying what is wrong when it does not."""
    arg = [selector, selector in SCROLLS_INSIDE, LEAST_SHARE]
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"(arg) => ({PROBLEMS})(arg).length === 0", arg=arg, timeout=15_000)
    problems = page.evaluate(PROBLEMS, arg)
    assert problems == [], f"{page.url}: " + "; ".join(problems)


def _settle(page) -> None:
    page.wait_for_selector("main h1")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')")


def _wait_for_step(page, step: int, count: int) -> None:
    page.wait_for_function(
        """([step, text]) => {
            const bar = document.getElementById('bildspel-bar');
            return new URLSearchParams(location.search).get('steg') === String(step)
                && bar !== null && !bar.hidden
                && document.getElementById('bildspel-position').textContent === text;
        }""",
        arg=[step, f"Bild {step} av {count}"],
    )
    _settle(page)


def _shoot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(SCREENS / f"room-{name}-{size['width']}x{size['height']}.png"))


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# --- every page's main view fits the screen -----------------------------------------------


@pytest.mark.parametrize(("width", "height"), SCREEN_SIZES, ids=["1280x720", "1920x1080"])
@pytest.mark.parametrize("name", list(MAIN_VIEWS))
def test_the_main_view_fits_the_screen_above_the_slideshow_bar(
    page, live_server, name, width, height
):
    view, selector = MAIN_VIEWS[name]
    page.set_viewport_size({"width": width, "height": height})
    # A one-view slideshow: the bar is on the screen, as in the room.
    show = save_slideshow(service.engine(), f"Rum {next(_names)} {name}", [view])
    page.goto(live_server.url + step_url(view, show.id, 1))
    _wait_for_step(page, 1, 1)
    _assert_fits(page, selector)
    _shoot(page, name)
    page.console_log.assert_clean()


# --- column labels a room can read --------------------------------------------------------


LABELS = """
() => {
    const seen = (node) => node.getClientRects().length > 0
        && node.getBoundingClientRect().width > 1 && node.getBoundingClientRect().height > 1;
    const described = (node) => {
        const style = getComputedStyle(node);
        return {text: node.textContent.trim(), size: parseFloat(style.fontSize),
                writing: style.writingMode, transform: style.transform, shown: seen(node)};
    };
    return {
        indicators: Array.from(document.querySelectorAll('.ov-indicator-label')).map(described),
        goals: Array.from(document.querySelectorAll('.ov-sdg-number')).map(described),
        names: Array.from(document.querySelectorAll('th.ov-indicator'))
            .map((th) => th.textContent.trim()),
    };
}
"""


@pytest.mark.parametrize(
    ("view", "named"),
    [("/", False), (f"/?mal=13&vy={PER_INDICATOR}", True), (f"/?vy={PER_INDICATOR}", False)],
    ids=["per-goal", "one-goal", "every-indicator"],
)
def test_column_labels_lie_flat_in_readable_type(page, live_server, view, named):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(live_server.url + view + ("&" if "?" in view else "?") + "visa=presentation")
    _settle(page)
    _assert_fits(page, MATRIX)
    labels = page.evaluate(LABELS)
    shown = [label for label in labels["indicators"] if label["shown"]]
    if named:  # few indicators: each one's name lies flat over its column
        assert len(shown) == len(labels["indicators"]) > 0
    else:  # the goals' numbers head the columns; the names stay in the table's text
        assert shown == []
        assert all(labels["names"]) and len(labels["names"]) == len(labels["indicators"])
    for label in shown:
        assert label["writing"] == "horizontal-tb" and label["transform"] == "none", label
        assert label["size"] >= 13, label
    goals = [goal for goal in labels["goals"] if goal["shown"]]
    assert goals and all(goal["size"] >= 15 for goal in goals), goals
    assert all(goal["text"].isdigit() for goal in goals)
    page.console_log.assert_clean()


# --- a four-view slideshow, stepped with a clicker -----------------------------------------

ROOM_SHOW = [
    ("oversikt", "/", MATRIX),
    ("indikator", "/indikator/N00401?omraden=2080,2062", SERIES),
    ("kommun", "/kommun/2062", TILES),
    ("jamfor", "/jamfor?omraden=2080,2081,2062", PANELS),
]
CHOSEN = ("Falun", "Borlänge", "Mora")


@pytest.mark.parametrize(("width", "height"), SCREEN_SIZES, ids=["1280x720", "1920x1080"])
def test_a_four_view_slideshow_stepped_with_page_down_shows_every_view_whole(
    page, live_server, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    views = [view for _, view, _ in ROOM_SHOW]
    show = save_slideshow(service.engine(), f"Rum {next(_names)} fyra vyer", views)
    page.goto(f"{live_server.url}/bildspel/{show.id}")
    _settle(page)
    page.click("text=Starta bildspelet")
    for step, (name, view, selector) in enumerate(ROOM_SHOW, start=1):
        _wait_for_step(page, step, len(ROOM_SHOW))
        assert urlsplit(page.url).path == urlsplit(view).path
        _assert_fits(page, selector)
        _shoot(page, f"steg{step}-{name}")
        page.keyboard.press("PageDown")  # what a presenter's clicker sends
    # Jämför shows the municipalities it was saved with (not a prompt to choose some).
    panels = page.inner_text(PANELS)
    for municipality in CHOSEN:
        assert municipality in panels
    legend = page.eval_on_selector_all(
        f"{PANELS} .legendtext", "nodes => nodes.map((n) => n.textContent)"
    )
    assert set(CHOSEN) <= set(legend)
    assert not page.get_by_text(re.compile("Välj (kommuner|minst en kommun)")).first.is_visible()
    assert page.is_disabled("#bildspel-next")
    page.console_log.assert_clean()


# --- views added from Jämför and Målkonflikter keep their selections -----------------------


def _choose(page, dropdown_id: str, search: str, option: str) -> None:
    page.click(f"#{dropdown_id}")
    field = page.locator(".dash-dropdown-search:visible")
    field.wait_for()
    field.fill(search)
    page.locator(".dash-dropdown-content .dash-dropdown-option").filter(
        has_text=re.compile(f"^{re.escape(option)}$")
    ).click()
    page.keyboard.press("Escape")


def _wait_for_query(page, name: str, test: str) -> None:
    """Wait until the address's ``name`` passes ``test`` (a JavaScript predicate of it)."""
    page.wait_for_function(
        f"([name]) => {{ const value = new URLSearchParams(location.search).get(name); "
        f"return value !== null && ({test})(value); }}",
        arg=[name],
    )


def test_views_added_from_jamfor_and_malkonflikter_keep_their_selections(page, live_server, editor):
    page.set_viewport_size({"width": 1280, "height": 720})
    # Jämför: four municipalities, the same scale, the status against the national goals.
    page.goto(live_server.url + "/jamfor")
    _settle(page)
    _choose(page, "jamfor-omraden", "Ludv", "Ludvika")
    _wait_for_query(page, "omraden", "(v) => v.split(',').includes('2085')")
    page.get_by_label("Samma skala: kommunerna sida vid sida").check()
    _wait_for_query(page, "vy", "(v) => v === 'kommun'")
    jamfor = page.url
    chosen = set(_query(jamfor)["omraden"][0].split(","))
    assert chosen == {"2080", "2081", "2062", "2085"}
    # Målkonflikter: the change between two years.
    page.goto(live_server.url + "/malkonflikter")
    _settle(page)
    page.get_by_label("Förändring mellan två år").check()
    _wait_for_query(page, "lage", "(v) => v === 'forandring'")
    _wait_for_query(page, "fran", "(v) => v !== ''")
    malkonflikter = page.url

    # The addresses as copied from the address bar, pasted into the builder and saved.
    name = f"Rum {next(_names)} från sidorna"
    page.goto(live_server.url + "/bildspel")
    _settle(page)
    page.fill("#bildspel-namn", name)
    page.fill("#bildspel-adresser", f"{jamfor}\n{malkonflikter}")
    page.click("#bildspel-add-adresser")
    page.wait_for_function("document.querySelectorAll('.bildspel-views li').length === 2")
    labels = page.inner_text(".bildspel-views")
    assert "Jämför – " in labels and "Ludvika" in labels
    assert "Målkonflikter – " in labels
    page.click("#bildspel-save")
    page.wait_for_selector("#bildspel-save-message .message.success")

    show = next(s for s in list_slideshows(service.engine()) if s.name == name)
    stored = get_slideshow(service.engine(), show.id)
    jamfor_view, conflict_view = stored.views
    for view, copied in ((jamfor_view, jamfor), (conflict_view, malkonflikter)):
        assert urlsplit(view).path == urlsplit(copied).path
        assert _query(view) == _query(copied)  # every selection, as the page wrote it
    assert set(_query(jamfor_view)["omraden"][0].split(",")) == chosen
    assert _query(jamfor_view)["vy"] == ["kommun"]
    assert _query(conflict_view)["lage"] == ["forandring"]

    # Running it shows both as they were chosen.
    page.goto(live_server.url + step_url(jamfor_view, show.id, 1))
    _wait_for_step(page, 1, 2)
    _assert_fits(page, PANELS)
    assert "Ludvika" in page.eval_on_selector_all(
        f"{PANELS} .legendtext", "nodes => nodes.map((n) => n.textContent)"
    )
    assert page.locator(f"{PANELS}.facets").count() == 1
    page.keyboard.press("PageDown")
    _wait_for_step(page, 2, 2)
    assert _query(page.url)["lage"] == ["forandring"]
    _assert_fits(page, SCATTER)
    assert "Förändring" in page.text_content("#malkonflikter-scatter .g-xtitle")
    page.console_log.assert_clean()


# --- accessibility in presentation mode on a projector's screen ---------------------------


@pytest.mark.parametrize(
    "name", ["oversikt", "oversikt-mal", "indikator", "kommun", "jamfor", "malkonflikter", "mal"]
)
def test_presentation_mode_passes_axe_on_a_projector(page, live_server, name):
    view, selector = MAIN_VIEWS[name]
    page.set_viewport_size({"width": 1280, "height": 720})
    show = save_slideshow(service.engine(), f"Rum {next(_names)} axe {name}", [view])
    page.goto(live_server.url + step_url(view, show.id, 1))
    _wait_for_step(page, 1, 1)
    _assert_fits(page, selector)
    violations = blocking_violations(page)
    assert violations == [], f"{name}:\n{describe(violations)}"
    page.console_log.assert_clean()
