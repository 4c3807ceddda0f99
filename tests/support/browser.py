"""Real headless Chromium for browser tests: a live server and pages that record console errors.

Debian's ``chromium`` is driven through Playwright (no browser download). Where Chromium is not
installed the browser tests skip with that reason, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from werkzeug.serving import make_server

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


def require_chromium() -> str:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (CI installs Debian's chromium in .ci/run)")
        pytest.skip("chromium is not installed: apt-get install chromium chromium-driver")
    return path


@dataclass
class LiveServer:
    url: str
    thread: threading.Thread
    server: object


#: Reports every Content-Security-Policy violation in a page and its frames to the test (the
#: binding ``__recordCspViolation``); see ``page``.
CSP_VIOLATION_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
    window.__recordCspViolation(
        `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} `
        + `(${event.sourceFile || document.location.href}:${event.lineNumber})`
    );
}, true);
"""


def csp_safe_predicate(expression: str) -> str:
    """A ``wait_for_function`` expression as a function, which the dashboard's policy allows.

    Playwright evaluates a plain expression (``"location.pathname === '/om'"``) with ``eval`` on
    every poll, which a Content-Security-Policy without ``'unsafe-eval'`` refuses after the
    first poll; a function is evaluated once (inside the DevTools call, which the policy does
    not govern) and then only called. A function expression keeps its meaning and argument.
    """
    return (
        "(arg) => {\n"
        f"const predicate = ({expression}\n);\n"
        "return typeof predicate === 'function' ? predicate(arg) : predicate;\n}"
    )


@dataclass
class ConsoleLog:
    errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.errors == [], "browser console errors:\n" + "\n".join(self.errors)
        assert self.csp_violations == [], "Content-Security-Policy violations:\n" + "\n".join(
            self.csp_violations
        )


def start_server(flask_app) -> LiveServer:
    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return LiveServer(url=f"http://127.0.0.1:{server.server_port}", thread=thread, server=server)


@pytest.fixture(scope="session")
def live_server(demo_app) -> Iterator[LiveServer]:
    live = start_server(demo_app.server)
    yield live
    live.server.shutdown()


@pytest.fixture(scope="session")
def browser():
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, tmp_path):
    """A fresh page (1366×900, Swedish locale) whose console errors are collected in
    ``page.console_log``; call ``page.console_log.assert_clean()`` at the end of a test.
    A Content-Security-Policy violation (``securitypolicyviolation`` event) fails the test
    even where it does not call ``assert_clean``."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="sv-SE", accept_downloads=True
    )
    log = ConsoleLog()
    context.expose_binding(
        "__recordCspViolation", lambda _source, text: log.csp_violations.append(text)
    )
    context.add_init_script(CSP_VIOLATION_LISTENER)
    new_page = context.new_page()
    wait_for_function = new_page.wait_for_function
    new_page.wait_for_function = lambda expression, *args, **kwargs: wait_for_function(
        csp_safe_predicate(expression), *args, **kwargs
    )
    new_page.on("console", lambda msg: log.errors.append(msg.text) if msg.type == "error" else None)
    new_page.on("pageerror", lambda exc: log.errors.append(f"page error: {exc}"))
    new_page.console_log = log
    yield new_page
    context.close()
    if log.csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(log.csp_violations))


@pytest.fixture
def own_data(live_server, tmp_path):
    """A copy of the demo database served while the test runs (the shared one stays as it was)."""
    from tests.support.own_database import own_database

    with own_database(tmp_path) as engine:
        yield engine


def choose(page, dropdown_id: str, search: str, option: str) -> None:
    """Pick an option of a Dash dropdown by searching for it, as a user would."""
    page.click(f"#{dropdown_id}")
    field = page.locator(".dash-dropdown-search:visible")
    field.wait_for()
    field.fill(search)
    page.locator(".dash-dropdown-content").get_by_text(option, exact=True).click()
