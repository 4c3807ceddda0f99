"""Cold page loads in headless Chromium: time until the main view is drawn, bytes, requests.

The dashboard runs under gunicorn as in production (``benchmarks/_server.py``: ``gunicorn
--workers 3 app:server`` from the project folder, on the demo database or with ``--database
sweden`` the Sweden-scale one). Each of the four pages — Översikt, an indicator page, a
municipality page and Jämför — is opened ``--repeat`` times, each time in a new browser context
(an empty cache, as a first visit), with normal CPU speed and with the CPU throttled 4× (the
DevTools protocol's ``Emulation.setCPUThrottlingRate``, rate 4: an old laptop).

For each load:

* **visible** – seconds from asking for the address until the page's main view is visible:
  Översikt's status matrix table (``#oversikt-matrix table``), the indicator's time series
  drawn by plotly (``#indikator-series .main-svg``), the municipality's indicator list
  (``#kommun-indicators``), the first comparison chart drawn (``.jamfor-graph .main-svg``);
* **transferred** – bytes over the wire (the sum of ``Network.loadingFinished``'s
  ``encodedDataLength``, compressed where the server compressed) and, for comparison, the
  decoded size (``Network.dataReceived``), of every request to the server until none has been
  in flight for a second after the main view appeared;
* **requests** – how many requests went to the server in that time.

The table shows the median of the repeats (the fastest and slowest beside the time). One
untimed load of each page first lets the server fill its caches, so that the times are the
browser's cold start, not the server's. Target for a chart page (Indikator, Jämför): at most
2 MB transferred. The exit status is 0 whether or not the target is met.

Run from the project folder: ``.venv/bin/python benchmarks/page_load.py``.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from benchmarks._server import (  # noqa: E402
    CHROMIUM,
    DATABASES,
    PAGES,
    README_WORKERS,
    GunicornServer,
    Page,
    benchmark_database_url,
    load_average,
    machine_lines,
)
from benchmarks.load import NetworkLog, wait_until_quiet  # noqa: E402
from benchmarks.sweden_scale import add_database_url_option  # noqa: E402

log = logging.getLogger(__name__)

THROTTLE_RATES = (1, 4)
#: Pages whose main view is a chart, and the most a cold load of one may transfer.
CHART_PAGES = ("Indikator", "Jämför")
TARGET_CHART_PAGE_MB = 2.0


@dataclass(frozen=True)
class Load:
    """One cold load of one page."""

    visible_s: float
    encoded_bytes: int
    decoded_bytes: int
    requests: int


def load_once(browser: Any, base_url: str, page: Page, rate: int, timeout_s: float) -> Load:
    """Open ``page`` in a new context (empty cache) with the CPU slowed ``rate`` times."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="sv-SE")
    try:
        tab = context.new_page()
        cdp = context.new_cdp_session(tab)
        network = NetworkLog(base_url)
        for event, handler in network.handlers().items():
            cdp.on(event, handler)
        cdp.send("Network.enable")
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        started = time.perf_counter()
        tab.goto(base_url + page.path, wait_until="commit", timeout=timeout_s * 1000)
        tab.wait_for_selector(page.ready_selector, state="visible", timeout=timeout_s * 1000)
        visible = time.perf_counter() - started
        wait_until_quiet(tab, network, limit_s=timeout_s)
        sent = [e for e in network.entries if not e.from_cache]
        return Load(
            visible_s=visible,
            encoded_bytes=sum(e.encoded_bytes or 0 for e in sent),
            decoded_bytes=sum(e.decoded_bytes for e in sent),
            requests=len(sent),
        )
    finally:
        context.close()


@dataclass(frozen=True)
class Row:
    page: Page
    rate: int
    loads: list[Load]

    @property
    def visible(self) -> list[float]:
        return [load.visible_s for load in self.loads]

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(load, attribute) for load in self.loads)


def table(rows: Sequence[Row]) -> list[str]:
    header = (
        f"{'page':<10} {'CPU':>4} {'visible s':>10} {'fastest':>8} {'slowest':>8} "
        f"{'transferred MB':>15} {'target':>8} {'decoded MB':>11} {'requests':>9}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        target = f"≤ {TARGET_CHART_PAGE_MB:g}" if row.page.name in CHART_PAGES else ""
        lines.append(
            f"{row.page.name:<10} {f'{row.rate}×':>4} {row.median('visible_s'):>10.2f} "
            f"{min(row.visible):>8.2f} {max(row.visible):>8.2f} "
            f"{row.median('encoded_bytes') / 1e6:>15.2f} {target:>8} "
            f"{row.median('decoded_bytes') / 1e6:>11.2f} {row.median('requests'):>9.0f}"
        )
    return lines


def measure(
    base_url: str, pages: Sequence[Page], rates: Sequence[int], repeat: int, timeout_s: float
) -> tuple[list[Row], str]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for page in pages:  # untimed: the server fills its caches
                load_once(browser, base_url, page, 1, timeout_s)
            for rate in rates:
                for page in pages:
                    log.info("loading %s with the CPU slowed %d× …", page.name, rate)
                    loads = [
                        load_once(browser, base_url, page, rate, timeout_s) for _ in range(repeat)
                    ]
                    rows.append(Row(page, rate, loads))
            version = browser.version
        finally:
            browser.close()
    return rows, f"Chromium {version}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=README_WORKERS, help="gunicorn workers")
    parser.add_argument("--database", choices=DATABASES, default="demo")
    parser.add_argument("--repeat", type=int, default=3, help="cold loads per page and CPU speed")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per page load")
    add_database_url_option(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)  # progress on stderr; the figures on stdout
    sys.stdout.reconfigure(line_buffering=True)

    for line in machine_lines(args.workers):
        print(line)
    with (
        benchmark_database_url(args.database, sweden_url=args.database_url) as url,
        GunicornServer(url, workers=args.workers) as server,
    ):
        print(f"database: {args.database} ({url})")
        rows, browser = measure(server.url, PAGES, THROTTLE_RATES, args.repeat, args.timeout)
    print(f"browser:  {browser} (headless), a new context per load, 1366×900")
    print(f"loads:    {args.repeat} per page and CPU speed (medians shown), after 1 untimed each")
    print()
    for line in table(rows):
        print(line)
    print()
    print("visible when:")
    for page in PAGES:
        print(f"  {page.name:<10} {page.path:<20} {page.ready_selector}")
    print(f"target:   a cold chart page transfers ≤ {TARGET_CHART_PAGE_MB:g} MB")
    print(f"load avg: {load_average()} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
