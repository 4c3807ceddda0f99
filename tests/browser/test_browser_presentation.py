"""Presentation mode and slideshows in a real browser: the toggle and the URL parameter, charts
fitted to the screen, building a slideshow on /bildspel and stepping through it by keyboard,
changing a saved one (refused when someone else saved first) and removing it after confirming."""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from data.slideshows import get_slideshow, save_slideshow
from indicators import service
from layouts.parts.matrix import PER_INDICATOR
from layouts.parts.presentation import (
    CONTENT_ID,
    running_step,
    show_state,
    slideshow_content,
    step_url,
)
from tests.support.axe import blocking_violations, describe, require_axe

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")
_names = itertools.count(1)

# Everything presentation mode hides that the normal pages show.
HIDDEN_WHEN_PRESENTING = (".site-header nav", ".controls", ".download")


def _settle(page) -> None:
    page.wait_for_selector("main h1")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')")


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _path(page) -> str:
    return urlsplit(page.url).path


def _root_font(page) -> float:
    return float(page.evaluate("getComputedStyle(document.documentElement).fontSize")[:-2])


def _presenting(page) -> bool:
    return "presentation" in (page.get_attribute("#shell", "class") or "").split()


def _expected_font(width: int) -> float:
    """The stylesheet's clamp(16px, 10px + 0.625vw, 32px)."""
    return min(max(16.0, 10 + 0.625 * width / 100), 32.0)


def _charts_fitted(page, viewport_height: int) -> None:
    """Wait until every chart is at least 70 % of the screen high."""
    page.wait_for_function(
        """(minimum) => {
            const charts = Array.from(document.querySelectorAll('.js-plotly-plot'));
            return charts.length > 0 && charts.every(
                (gd) => gd._fullLayout && gd._fullLayout.height >= minimum);
        }""",
        arg=int(0.7 * viewport_height) - 1,
    )


def _chart_heights(page) -> list[float]:
    return page.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => g._fullLayout.height)"
    )


@pytest.mark.parametrize("path", ["/", "/indikator/N00401"])
def test_toggle_presentation_mode(page, live_server, path):
    page.goto(live_server.url + path)
    _settle(page)
    assert not _presenting(page)
    normal_font = _root_font(page)
    for selector in HIDDEN_WHEN_PRESENTING:
        assert page.is_visible(selector), selector
    toggle = page.locator("#presentation-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert toggle.inner_text() == "Presentationsläge"

    toggle.click()
    page.wait_for_function("document.querySelector('.shell.presentation') !== null")
    assert _query(page)["visa"] == ["presentation"]
    assert toggle.get_attribute("aria-pressed") == "true"
    assert toggle.inner_text() == "Avsluta presentation"
    for selector in HIDDEN_WHEN_PRESENTING:
        assert page.is_hidden(selector), selector
    width = page.viewport_size["width"]
    assert _root_font(page) == pytest.approx(_expected_font(width), abs=0.05)
    assert _root_font(page) > normal_font
    assert page.is_visible("#demo-banner")
    assert "Källa: Kolada" in page.inner_text("footer")

    page.reload()
    _settle(page)
    assert _presenting(page)
    assert _query(page)["visa"] == ["presentation"]
    assert page.is_hidden(".controls")

    page.locator("#presentation-toggle").click()
    page.wait_for_function("document.querySelector('.shell.presentation') === null")
    assert "visa" not in _query(page)
    assert _root_font(page) == normal_font
    for selector in HIDDEN_WHEN_PRESENTING:
        assert page.is_visible(selector), selector
    page.console_log.assert_clean()


def test_charts_fill_the_screen_and_return_to_their_own_height(page, live_server):
    page.goto(live_server.url + "/indikator/N00401")
    _settle(page)
    page.wait_for_selector(".js-plotly-plot")
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.js-plotly-plot')).every(g => g._fullLayout)"
    )
    own_heights = _chart_heights(page)
    viewport_height = page.viewport_size["height"]

    page.locator("#presentation-toggle").click()
    _charts_fitted(page, viewport_height)
    for own, fitted in zip(own_heights, _chart_heights(page), strict=True):
        assert fitted >= max(own, 0.7 * viewport_height) - 1

    page.locator("#presentation-toggle").click()
    page.wait_for_function(
        """(heights) => Array.from(document.querySelectorAll('.js-plotly-plot')).every(
            (g, i) => Math.abs(g._fullLayout.height - heights[i]) < 1)""",
        arg=own_heights,
    )
    page.console_log.assert_clean()


def test_presentation_parameter_survives_the_pages_own_address_updates(page, live_server):
    page.goto(live_server.url + "/indikator/N00401?omraden=2080&visa=presentation")
    _settle(page)
    assert _presenting(page)
    # The page writes its own selection back (kon, niva, metod …); visa stays.
    page.wait_for_function("new URLSearchParams(location.search).has('metod')")
    query = _query(page)
    assert query["visa"] == ["presentation"]
    assert query["omraden"] == ["2080"]
    # A link inside the page keeps presentation mode (dcc.Link, no reload).
    page.click("main a[href='/om']")
    page.wait_for_function("location.pathname === '/om'")
    _settle(page)
    assert _query(page)["visa"] == ["presentation"]
    assert _presenting(page)
    page.go_back()
    page.wait_for_function("location.pathname === '/indikator/N00401'")
    _settle(page)
    assert _presenting(page)
    page.console_log.assert_clean()


def _bar_text(page) -> str:
    return page.inner_text("#bildspel-position")


def _wait_for_step(page, step: int, count: int) -> None:
    page.wait_for_function(
        """([step, text]) => {
            const bar = document.getElementById('bildspel-bar');
            const position = document.getElementById('bildspel-position');
            return new URLSearchParams(location.search).get('steg') === String(step)
                && bar !== null && !bar.hidden && position.textContent === text;
        }""",
        arg=[step, f"Bild {step} av {count}"],
    )
    _settle(page)


def test_build_a_slideshow_on_the_page_and_step_through_it_by_keyboard(page, live_server, editor):
    name = f"Prov {next(_names)} från sidan"
    page.goto(live_server.url + "/bildspel")
    _settle(page)
    page.fill("#bildspel-namn", name)
    page.click("#bildspel-add-omrade")  # the first area in the list
    first_area = service.AREA_ORDER[0]
    page.wait_for_function(
        "(view) => Array.from(document.querySelectorAll('.bildspel-views code'))"
        ".some((e) => e.textContent === view)",
        arg=f"/kommun/{first_area}",
    )
    page.fill(
        "#bildspel-adresser",
        f"{live_server.url}/indikator/N00401?omraden=2080\nhttps://example.com/\n/?mal=13",
    )
    page.click("#bildspel-add-adresser")
    page.wait_for_selector("#bildspel-draft-message .message.error")
    assert "Rad 2" in page.inner_text("#bildspel-draft-message")
    assert "https://example.com/" in page.inner_text("#bildspel-draft-message")
    page.wait_for_function("document.querySelectorAll('.bildspel-views li').length === 3")
    # Move "/?mal=13" (third) to the top: Upp twice.
    page.click("[aria-label='Flytta vy 3 upp']")
    page.wait_for_function(
        "document.querySelectorAll('.bildspel-views code')[1].textContent === '/?mal=13'"
    )
    page.click("[aria-label='Flytta vy 2 upp']")
    page.wait_for_function(
        "document.querySelectorAll('.bildspel-views code')[0].textContent === '/?mal=13'"
    )
    codes = page.eval_on_selector_all(".bildspel-views code", "els => els.map(e => e.textContent)")
    assert codes == ["/?mal=13", f"/kommun/{first_area}", "/indikator/N00401?omraden=2080"]

    page.click("#bildspel-save")
    page.wait_for_selector("#bildspel-save-message .message.success")
    assert name in page.inner_text("#bildspel-save-message")
    assert name in page.inner_text("#bildspel-list")

    page.click("#bildspel-save-message a.button")  # "Starta"
    _wait_for_step(page, 1, 3)
    assert _path(page) == "/"
    assert _query(page)["mal"] == ["13"]
    assert _presenting(page)
    assert name in page.inner_text("#bildspel-bar")

    page.locator("body").press("ArrowRight")
    _wait_for_step(page, 2, 3)
    assert _path(page) == f"/kommun/{first_area}"

    page.keyboard.press("ArrowRight")
    _wait_for_step(page, 3, 3)
    assert _path(page) == "/indikator/N00401"
    assert _query(page)["omraden"] == ["2080"]
    assert page.is_disabled("#bildspel-next")

    page.keyboard.press("ArrowLeft")
    _wait_for_step(page, 2, 3)
    assert _path(page) == f"/kommun/{first_area}"
    page.console_log.assert_clean()


def test_stepping_with_clicker_keys_buttons_reload_and_exit(page, live_server):
    show = save_slideshow(
        service.engine(),
        f"Prov {next(_names)} med fyra vyer",
        ["/om", "/?mal=3", "/bildspel", "/indikator/N00401?omraden=2062"],
    )
    page.goto(f"{live_server.url}/bildspel/{show.id}")
    _settle(page)
    assert page.inner_text("main h1") == show.name
    page.click("text=Starta bildspelet")
    _wait_for_step(page, 1, 4)
    assert _path(page) == "/om"
    assert page.is_disabled("#bildspel-prev")
    assert _query(page)["bildspel"] == [str(show.id)]

    page.keyboard.press("PageDown")
    _wait_for_step(page, 2, 4)
    assert _path(page) == "/"
    assert _query(page)["mal"] == ["3"]
    page.click("#bildspel-next")  # the on-screen button
    _wait_for_step(page, 3, 4)
    assert _path(page) == "/bildspel"

    page.reload()  # a shared or reloaded address keeps the show running
    _wait_for_step(page, 3, 4)
    assert _presenting(page)

    page.keyboard.press("PageUp")
    _wait_for_step(page, 2, 4)
    page.keyboard.press("ArrowRight")
    _wait_for_step(page, 3, 4)
    page.keyboard.press("ArrowRight")
    _wait_for_step(page, 4, 4)
    assert _path(page) == "/indikator/N00401"
    assert _query(page)["omraden"] == ["2062"]
    assert page.is_disabled("#bildspel-next")

    # Focus on the exit button by keyboard and press it.
    page.focus("#bildspel-exit")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('bildspel-bar').hidden")
    assert not _presenting(page)
    query = _query(page)
    assert not {"visa", "bildspel", "steg"} & set(query)
    assert query["omraden"] == ["2062"]
    assert _path(page) == "/indikator/N00401"
    page.keyboard.press("ArrowLeft")  # no show running: the keys do nothing
    page.wait_for_timeout(200)
    assert _path(page) == "/indikator/N00401"
    page.console_log.assert_clean()


def test_arrow_keys_in_a_text_field_do_not_step(page, live_server, editor):
    show = save_slideshow(service.engine(), f"Prov {next(_names)}", ["/bildspel", "/om"])
    # A running show outside presentation mode: the bar is there and so is the form.
    page.goto(f"{live_server.url}/bildspel?bildspel={show.id}&steg=1")
    _wait_for_step(page, 1, 2)
    assert not _presenting(page)
    page.focus("#bildspel-namn")
    page.keyboard.type("ab")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("PageDown")
    page.wait_for_timeout(300)
    assert _query(page)["steg"] == ["1"]
    assert page.input_value("#bildspel-namn") == "ab"
    page.focus("#bildspel-next")
    page.keyboard.press("ArrowRight")  # outside text fields the keys step again
    _wait_for_step(page, 2, 2)
    assert _path(page) == "/om"
    page.console_log.assert_clean()


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_presentation_screenshots(page, live_server, width, height):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": height})
    for name, path in [
        ("oversikt", "/?mal=13"),
        ("indikator", "/indikator/N00401?omraden=2080,2062"),
        ("kommun", "/kommun/2062"),
    ]:
        page.goto(live_server.url + path + ("&" if "?" in path else "?") + "visa=presentation")
        _settle(page)
        assert _presenting(page)
        assert _root_font(page) == pytest.approx(_expected_font(width), abs=0.05)
        if page.query_selector(".js-plotly-plot"):
            _charts_fitted(page, height)
        page.screenshot(path=str(SCREENS / f"presentation-{name}-{width}x{height}.png"))
    page.console_log.assert_clean()


#: How the overview's column labels and a profile's tiles look, and what presentation mode
#: set on them (the main view's height, the matrix's and the tiles' type).
LOOK = """
() => {
    const label = document.querySelector('.ov-indicator-label');
    const tiles = document.getElementById('kommun-tiles');
    const matrix = document.getElementById('oversikt-matrix');
    const style = label ? getComputedStyle(label) : null;
    return {
        label: style ? [style.writingMode, style.transform, style.fontSize] : null,
        tiles: tiles ? [getComputedStyle(tiles).fontSize, tiles.style.fontSize] : null,
        matrix: matrix ? [matrix.className, matrix.getAttribute('style') || ''] : null,
        view: document.documentElement.style.getPropertyValue('--presentation-view-height'),
    };
}
"""


@pytest.mark.parametrize("path", [f"/?mal=13&vy={PER_INDICATOR}", "/kommun/0000?niva=trend"])
def test_leaving_presentation_mode_gives_the_main_view_its_own_look_back(page, live_server, path):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(live_server.url + path)
    _settle(page)
    own = page.evaluate(LOOK)
    assert own["view"] == ""

    page.locator("#presentation-toggle").click()
    page.wait_for_function(
        "document.documentElement.style.getPropertyValue('--presentation-view-height') !== ''"
    )
    page.wait_for_function(
        "!document.querySelector('.ov-indicator-label') || getComputedStyle("
        "document.querySelector('.ov-indicator-label')).writingMode === 'horizontal-tb'"
    )
    presenting = page.evaluate(LOOK)
    assert presenting != own
    if own["label"] is not None:  # the names lie flat over their columns, in larger type
        assert presenting["label"][:2] == ["horizontal-tb", "none"]
        assert float(presenting["label"][2][:-2]) > float(own["label"][2][:-2])

    page.locator("#presentation-toggle").click()
    page.wait_for_function(
        "document.documentElement.style.getPropertyValue('--presentation-view-height') === ''"
    )
    page.wait_for_function(
        "(own) => JSON.stringify(({LOOK})()) === JSON.stringify(own)".replace("{LOOK}", LOOK),
        arg=own,
    )
    assert page.evaluate(LOOK) == own
    page.console_log.assert_clean()


def _draft_views(page) -> list[str]:
    return page.eval_on_selector_all(".bildspel-views code", "els => els.map(e => e.textContent)")


def test_change_a_saved_slideshow_and_remove_it_after_confirming(page, live_server, editor):
    engine = service.engine()
    show = save_slideshow(engine, f"Prov {next(_names)} att ändra", ["/om", "/?mal=3"])
    page.goto(live_server.url + "/bildspel")
    _settle(page)
    assert page.is_hidden("#bildspel-editing-box")

    page.click(f"[aria-label='Ändra {show.name}']")
    page.wait_for_function("document.querySelectorAll('.bildspel-views li').length === 2")
    assert page.input_value("#bildspel-namn") == show.name
    page.wait_for_selector("#bildspel-editing-box", state="visible")
    assert show.name in page.inner_text("#bildspel-editing-note")

    page.click("[aria-label='Ta bort vy 1']")
    page.wait_for_function("document.querySelectorAll('.bildspel-views li').length === 1")
    page.click("#bildspel-add-omrade")
    page.wait_for_function("document.querySelectorAll('.bildspel-views li').length === 2")
    expected = _draft_views(page)
    assert expected == ["/?mal=3", f"/kommun/{service.AREA_ORDER[0]}"]
    page.click("#bildspel-save")
    page.wait_for_selector("#bildspel-save-message .message.success")
    stored = get_slideshow(engine, show.id)
    assert (list(stored.views), stored.version) == (expected, 2)

    # Someone else saves meanwhile; this page's next save is refused and says what differs.
    save_slideshow(engine, show.name, ["/om"], slideshow_id=show.id, expected_version=2)
    page.click("[aria-label='Flytta vy 2 upp']")
    page.wait_for_function(
        "document.querySelectorAll('.bildspel-views code')[0].textContent.startsWith('/kommun')"
    )
    page.click("#bildspel-save")
    alert = page.wait_for_selector("#bildspel-save-message [role=alert]")
    text = alert.inner_text()
    assert "Bildspelet har ändrats av någon annan – ladda om." in text
    assert "Sparad vy som saknas i din lista: Om data (/om)" in text
    assert get_slideshow(engine, show.id).views == ("/om",)

    # Removing asks first; the slideshow goes on the confirmation.
    page.click(f"[aria-label='Ta bort {show.name}']")
    page.wait_for_selector("#bildspel-question .bildspel-question")
    assert f"Ta bort bildspelet ”{show.name}”?" in page.inner_text("#bildspel-question")
    violations = blocking_violations(page)  # the editor's page with the alert and the question
    assert violations == [], describe(violations)
    assert get_slideshow(engine, show.id) is not None
    page.click(f"[aria-label='Ja, ta bort {show.name}']")
    page.wait_for_selector("#bildspel-list-message .message.success")
    assert "togs bort" in page.inner_text("#bildspel-list-message")
    assert show.name not in page.inner_text("#bildspel-list")
    assert page.inner_text("#bildspel-question") == ""
    page.wait_for_selector("#bildspel-editing-box", state="hidden")
    assert get_slideshow(engine, show.id) is None
    page.console_log.assert_clean()


# --- the slideshow bar is drawn in the browser --------------------------------------------------


def _content_requests(page) -> list[str]:
    """Every callback request (its body) that asks the server for a slideshow's content, from
    now on, in a list that grows as the page makes them."""
    asked: list[str] = []

    def record(request) -> None:
        if request.method == "POST" and urlsplit(request.url).path == "/_dash-update-component":
            body = request.post_data or ""
            if f'"{CONTENT_ID}.data"' in body or f'"{CONTENT_ID}"' in body:
                asked.append(body)

    page.on("request", record)
    return asked


def _address(page) -> str:
    parts = urlsplit(page.url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _bar_violations(page) -> list[dict]:
    """axe-core's serious and critical violations in the slideshow bar (the rules of
    ``blocking_violations``)."""
    page.evaluate(Path(require_axe()).read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run({include: [['#bildspel-bar']]}, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'best-practice']},
            resultTypes: ['violations']
        })"""
    )
    return [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]


def _check_step(page, show, step: int) -> None:
    """The address is the server's ``step_url`` of the step and the bar shows its position,
    the show's name and the buttons its ends allow."""
    count = len(show.views)
    _wait_for_step(page, step, count)
    assert _address(page) == step_url(show.views[step - 1], show.id, step)
    assert _bar_text(page) == f"Bild {step} av {count}"
    assert page.inner_text("#bildspel-name") == show.name
    assert page.is_disabled("#bildspel-prev") == (step == 1)
    assert page.is_disabled("#bildspel-next") == (step == count)


def test_stepping_within_a_show_asks_the_server_nothing(page, live_server):
    engine = service.engine()
    show = save_slideshow(
        engine, f"Prov {next(_names)} i tre steg", ["/om", "/bildspel", "/om?x=1&steg=7"]
    )
    other = save_slideshow(engine, f"Prov {next(_names)} ett annat", ["/bildspel"])
    asked = _content_requests(page)

    # No show running: neither the first page nor a navigation asks for a slideshow.
    page.goto(live_server.url + "/om")
    _settle(page)
    assert page.is_hidden("#bildspel-bar")
    page.click(".site-header nav a[href='/bildspel']")
    page.wait_for_function("location.pathname === '/bildspel'")
    _settle(page)
    assert asked == []

    # Starting the show asks once, for this show.
    page.click(f"a[href='{step_url(show.views[0], show.id, 1)}']")
    _check_step(page, show, 1)
    assert len(asked) == 1 and f'"value":{show.id}' in asked[0].replace(" ", "")
    violations = _bar_violations(page)
    assert violations == [], describe(violations)

    # Every step within it, by the bar's buttons and by a clicker's keys: no question.
    page.click("#bildspel-next")
    _check_step(page, show, 2)
    page.keyboard.press("PageDown")
    _check_step(page, show, 3)
    page.keyboard.press("PageDown")  # the last step: nowhere to go
    page.wait_for_timeout(200)
    _check_step(page, show, 3)
    page.keyboard.press("PageUp")
    _check_step(page, show, 2)
    page.click("#bildspel-prev")
    _check_step(page, show, 1)
    violations = _bar_violations(page)
    assert violations == [], describe(violations)
    assert len(asked) == 1

    # Ending it and navigating without a show asks nothing; starting it again asks anew (it
    # may have been changed meanwhile), as does starting another show.
    page.click("#bildspel-exit")
    page.wait_for_function("document.getElementById('bildspel-bar').hidden")
    page.click(".site-header nav a[href='/bildspel']")
    page.wait_for_function("location.pathname === '/bildspel'")
    _settle(page)
    assert len(asked) == 1
    page.click(f"a[href='{step_url(show.views[0], show.id, 1)}']")
    _check_step(page, show, 1)
    assert len(asked) == 2
    page.click("#bildspel-exit")
    page.wait_for_function("document.getElementById('bildspel-bar').hidden")
    page.click(".site-header nav a[href='/bildspel']")
    page.wait_for_function("location.pathname === '/bildspel'")
    _settle(page)
    page.click(f"a[href='{step_url(other.views[0], other.id, 1)}']")
    _check_step(page, other, 1)
    assert len(asked) == 3 and f'"value":{other.id}' in asked[2].replace(" ", "")
    page.console_log.assert_clean()


def test_an_unknown_show_is_asked_for_once_and_shows_no_bar(page, live_server):
    asked = _content_requests(page)
    with page.expect_response(
        lambda r: (
            urlsplit(r.url).path == "/_dash-update-component"
            and CONTENT_ID in (r.request.post_data or "")
        )
    ) as answer:
        page.goto(live_server.url + "/indikator/N00401?visa=presentation&bildspel=999999&steg=1")
    assert answer.value.json()["response"][CONTENT_ID]["data"] is None
    _settle(page)
    assert page.is_hidden("#bildspel-bar")
    assert _presenting(page)
    # The page's own address updates and a link keep the parameters; the show is not asked
    # for again, and the keys step nowhere.
    page.wait_for_function("new URLSearchParams(location.search).has('metod')")
    page.click("main a[href='/om']")
    page.wait_for_function("location.pathname === '/om'")
    _settle(page)
    assert _query(page)["bildspel"] == ["999999"]
    page.keyboard.press("PageDown")
    page.wait_for_timeout(200)
    assert _query(page)["steg"] == ["1"]
    assert page.is_hidden("#bildspel-bar")
    assert len(asked) == 1
    page.console_log.assert_clean()


#: Views (as stored, and a few a store would refuse) and query strings on which the browser's
#: reading of the address must agree with the server's.
VIEWS = [
    "/",
    "/om",
    "/kommun/2062?niva=lokal",
    "/?mal=3&visa=presentation&steg=9",
    "/indikator/N00401?omraden=2062%2C2080&kon=K,M",
    "/?visa=x&mal=13&bildspel=2&Steg=3&%73teg=4&vis%61=5",
    "/?&&a=1&&b&=c&a=2+3",
    "/?bildspel",
    "/x??y=1&steg=2",
    "/jämför?område=Mora&q=%E4%ZZ&r=%",
    "/om?a=1#del",
    "?a=1",
    "",
]
SEARCHES = [
    None,
    "",
    "?",
    "?visa=presentation&bildspel=4&steg=2",
    "?mal=3&bildspel=12&steg=1",
    "?visa=presentation",
    "?bildspel=4",
    "?bildspel=x&steg=1",
    "?bildspel=4&steg=-1",
    "?bildspel=4&steg=+1",
    "?bildspel=4&steg=1.0",
    "?bildspel=4&steg=٣",
    "?bildspel=4&steg=2&steg=",
    "?bildspel=4&steg=2&steg",
    "?bildspel=4&steg=2&steg=3",
    "?bildspel=4&steg=3&steg=x",
    "?%62ildspel=5&st%65g=0002",
    "?bildspel=%34&steg=1",
    "?bildspel=4&steg=%ZZ",
    "??bildspel=4&steg=1",
    "?bildspel=007&steg=1&bildspel=8",
]


def test_the_browser_reads_and_builds_addresses_as_the_server_does(page, live_server):
    page.goto(live_server.url + "/om")
    _settle(page)
    urls = page.evaluate(
        """(views) => views.map((view, i) =>
            window.dash_clientside.presentation.stepUrl(view, 10 + i, i + 1))""",
        VIEWS,
    )
    assert urls == [step_url(view, 10 + i, i + 1) for i, view in enumerate(VIEWS)]

    read = page.evaluate(
        """(searches) => searches.map((search) => {
            const running = window.dash_clientside.presentation.runningStep(search);
            return running === null ? null : [running.id, running.step];
        })""",
        SEARCHES,
    )
    assert [tuple(r) if r is not None else None for r in read] == [
        running_step(search) for search in SEARCHES
    ]

    show = save_slideshow(
        service.engine(),
        f"Prov {next(_names)} tillstånd",
        ["/", "/kommun/2062?niva=lokal", "/om?a=%C3%A5&b=1+2"],
    )
    states = page.evaluate(
        """([content, steps]) => steps.map(
            (step) => window.dash_clientside.presentation.showState(content, step))""",
        [slideshow_content(show), list(range(0, 5))],
    )
    assert states == [show_state(show, step) for step in range(0, 5)]
    assert page.evaluate("window.dash_clientside.presentation.showState(null, 1)") is None
    page.console_log.assert_clean()
