"""The security headers in Chromium: every page works under the Content-Security-Policy with no
violation, the policy is really enforced, and another site may frame the dashboard only when
FRAME_ANCESTORS names it (security_headers.py)."""

from __future__ import annotations

import html
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, quote

import pytest
import requests

from tests.conftest import PROJECT_DIR
from tests.support.browser import LiveServer, start_server

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/indikator",
    "/indikator/N00401?omraden=2062,2080",
    "/kommun",
    "/kommun/2062",
    "/jamfor?omraden=2062,2080,2081",
    "/malkonflikter",
    "/mal",
    "/bildspel",
    "/export?omraden=2062,2080&indikatorer=N00401,N00945",
    "/om",
    "/indikator/N00401?visa=presentation",
]

#: An intranet page on another origin (another port) that embeds the dashboard.
FRAMING_PAGE = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Kommunens intranät</title>
<link rel="icon" href="data:,"></head>
<body><h1>Intranät</h1>
<iframe src="{src}" title="Hållbarhetsuppföljning Dalarna" width="1200" height="700"></iframe>
</body></html>"""


def framing_site_app(environ, start_response):
    src = parse_qs(environ.get("QUERY_STRING", "")).get("src", [""])[0]
    body = FRAMING_PAGE.format(src=html.escape(src, quote=True)).encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [body]


@pytest.fixture(scope="module")
def framing_site() -> Iterator[LiveServer]:
    site = start_server(framing_site_app)
    yield site
    site.server.shutdown()


def framing_url(site: LiveServer, src: str) -> str:
    return f"{site.url}/?src={quote(src, safe='')}"


def open_page(page, url: str):
    response = page.goto(url)
    page.wait_for_selector("main h1")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')")
    return response


@pytest.mark.parametrize("path", PAGES)
def test_page_runs_under_the_policy_without_violations(page, live_server, path):
    response = open_page(page, live_server.url + path)
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    page.console_log.assert_clean()  # console errors and securitypolicyviolation events


def test_policy_is_enforced_in_the_browser(page, live_server):
    """An inline script the policy has no hash for does not run (and the harness sees it)."""
    open_page(page, live_server.url + "/om")
    ran = page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.__injected = true;';
            document.head.appendChild(script);
            return window.__injected === true;
        }"""
    )
    assert ran is False
    deadline = time.monotonic() + 5
    while not page.console_log.csp_violations and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert [v for v in page.console_log.csp_violations if v.startswith("script-src")]
    assert any("Content Security Policy" in error for error in page.console_log.errors)
    # Expected here: clear them so the page's own cleanliness is what is checked.
    page.console_log.csp_violations.clear()
    page.console_log.errors.clear()
    page.console_log.assert_clean()


def test_chart_downloads_as_png_under_the_policy(page, live_server):
    """plotly.js draws the PNG through a blob: image (img-src blob:)."""
    open_page(page, live_server.url + "/indikator/N00401")
    graph = page.locator(".js-plotly-plot").first
    graph.hover()
    with page.expect_download() as download:
        graph.locator(".modebar-btn[data-title='Ladda ner diagrammet som PNG']").click()
    assert download.value.suggested_filename.endswith(".png")
    page.console_log.assert_clean()


def test_another_site_cannot_frame_the_dashboard_by_default(page, live_server, framing_site):
    refused = "frame-ancestors 'self'"
    with page.expect_console_message(lambda message: refused in message.text):
        page.goto(framing_url(framing_site, live_server.url + "/om"))
    page.wait_for_load_state("load")
    (frame,) = [f for f in page.frames if f != page.main_frame]
    assert not frame.url.startswith(live_server.url), frame.url
    assert page.frame_locator("iframe").locator("main").count() == 0
    # The refusal is the one console error: nothing else went wrong.
    page.console_log.errors[:] = [e for e in page.console_log.errors if refused not in e]
    page.console_log.assert_clean()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dashboard_framable_by(framing_site, tmp_path) -> Iterator[str]:
    """``python app.py`` with FRAME_ANCESTORS naming the framing site; yields its address."""
    port = _free_port()
    env = {
        **os.environ,
        "FRAME_ANCESTORS": framing_site.url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'framed.sqlite'}",
    }
    log_path = tmp_path / "app.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "app.py"], cwd=PROJECT_DIR, env=env, stdout=log, stderr=log
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(url + "/_dash-layout", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the dashboard did not answer in time"
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_site_named_in_frame_ancestors_can_frame_the_dashboard(
    page, framing_site, dashboard_framable_by
):
    headers = requests.get(dashboard_framable_by + "/om", timeout=30).headers
    assert f"frame-ancestors 'self' {framing_site.url}" in headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in headers
    page.goto(framing_url(framing_site, dashboard_framable_by + "/om"))
    frame = page.frame_locator("iframe")
    frame.locator("main h1").wait_for()
    assert frame.locator("main h1").inner_text() != ""
    page.wait_for_load_state("networkidle")
    page.console_log.assert_clean()  # the page, and the dashboard inside the frame
