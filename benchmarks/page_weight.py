"""What a cold page load transfers: bytes over the wire and decoded, per kind of resource.

The dashboard runs on a fresh demo database (or ``--database-url``), served on a free local
port; headless Chromium (Debian's, through Playwright) loads each page with an empty cache and
waits until Dash has drawn it (no callback pending, every chart drawn). Every response is
counted through the DevTools protocol: **wire** bytes are ``Network.loadingFinished``'s
``encodedDataLength`` (headers plus the body as sent, compressed where the server compressed
it), **decoded** bytes are the body after decompression (``Network.dataReceived``'s
``dataLength``). A second load of the same page in the same browser shows what the cache
saves. For the overview it also prints the bytes of its callback answers and the number of
elements in its DOM.

``--cpu`` instead measures the server's CPU time per response for the largest responses (the
dcc component bundle, plotly.js, the overview's matrix callback answer), through Flask's test
client in this process, without compression and with gzip and brotli: the first request (which
compresses a bundle and keeps it) and the median of ``--repeat`` more.

Run from the project folder: ``.venv/bin/python benchmarks/page_weight.py``
(``--page /indikator/N00401`` and so on to choose pages; ``--accept-encoding identity`` shows
the uncompressed sizes, ``--accept-encoding "gzip, deflate"`` what a browser gets over plain
HTTP, where browsers do not offer brotli).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from app import create_app  # noqa: E402
from benchmarks._http import ServedApp  # noqa: E402

DEFAULT_PAGES = ("/", "/indikator/N00401")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"]
#: Dash has drawn the page: no component waits for a callback and every chart has its SVG.
SETTLED = """() => !document.querySelector('[data-dash-is-loading="true"]')
    && Array.from(document.querySelectorAll('.js-plotly-plot')).every(
        g => g.querySelector('.main-svg'))"""
#: What shows that a page's main content has been drawn, by the start of its path.
DRAWN = (("/indikator", ".js-plotly-plot .main-svg"), ("/", "main h1"))
OVERVIEW_DRAWN = "table.ov-matrix"


@dataclass
class Transfer:
    url: str
    kind: str
    wire: int = 0
    decoded: int = 0
    encoding: str = ""
    cached: bool = False


@dataclass
class Load:
    transfers: dict[str, Transfer] = field(default_factory=dict)
    dom_elements: int = 0

    def add(self, request_id: str, url: str) -> None:
        self.transfers[request_id] = Transfer(url=url, kind=kind_of(url))

    def by_kind(self) -> dict[str, tuple[int, int, int]]:
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for transfer in self.transfers.values():
            row = sums[transfer.kind]
            row[0] += 1
            row[1] += transfer.wire
            row[2] += transfer.decoded
        return {kind: (n, wire, decoded) for kind, (n, wire, decoded) in sorted(sums.items())}


def kind_of(url: str) -> str:
    path = urlsplit(url).path
    if path.startswith("/_dash-update-component"):
        return "callback answers"
    if path.startswith(("/_dash-layout", "/_dash-dependencies")):
        return "layout, dependencies"
    if path.startswith("/_dash-component-suites/"):
        return "plotly.js" if "plotly" in path else "component bundles"
    if path.startswith("/assets/") or path == "/_favicon.ico":
        return "plotly.js" if "plotly" in path else "assets"
    return "page (HTML)"


def drawn(path: str) -> str:
    if path in ("", "/"):
        return OVERVIEW_DRAWN
    return next(selector for start, selector in DRAWN if path.startswith(start))


def load(context, url: str) -> Load:
    """Load ``url`` in a new page of ``context`` and count what came over the network."""
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    result = Load()
    session.on(
        "Network.requestWillBeSent", lambda e: result.add(e["requestId"], e["request"]["url"])
    )

    def response(event: dict) -> None:
        transfer = result.transfers.get(event["requestId"])
        if transfer is not None:
            headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
            transfer.encoding = headers.get("content-encoding", "")
            transfer.cached = bool(event["response"].get("fromDiskCache"))

    def data(event: dict) -> None:
        transfer = result.transfers.get(event["requestId"])
        if transfer is not None:
            transfer.decoded += event["dataLength"]

    def finished(event: dict) -> None:
        transfer = result.transfers.get(event["requestId"])
        if transfer is not None:
            transfer.wire = int(event["encodedDataLength"])

    session.on("Network.responseReceived", response)
    session.on("Network.dataReceived", data)
    session.on("Network.loadingFinished", finished)
    page.goto(url)
    page.wait_for_selector(drawn(urlsplit(url).path))
    page.wait_for_load_state("networkidle")
    page.wait_for_function(SETTLED)
    result.dom_elements = page.evaluate("document.getElementsByTagName('*').length")
    page.close()
    return result


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:7.3f} MB"


def report(name: str, result: Load) -> list[str]:
    lines = [f"{name}: {len(result.transfers)} requests, {result.dom_elements} DOM elements"]
    total_wire = total_decoded = 0
    for kind, (n, wire, decoded) in result.by_kind().items():
        total_wire += wire
        total_decoded += decoded
        lines.append(f"  {kind:22} {n:3}  wire {megabytes(wire)}  decoded {megabytes(decoded)}")
    lines.append(
        f"  {'total':22}      wire {megabytes(total_wire)}  decoded {megabytes(total_decoded)}"
    )
    return lines


def details(result: Load) -> list[str]:
    rows = sorted(result.transfers.values(), key=lambda t: -t.decoded)
    return [
        f"    {t.wire:9} {t.decoded:9} {t.encoding or '-':5} {'cache' if t.cached else '':5} "
        f"{urlsplit(t.url).path[:90]}"
        for t in rows
    ]


#: The overview's matrix callback as the renderer posts it (all indicators, national goals).
OVERVIEW_CALLBACK = {
    "output": "..oversikt-summary.children...oversikt-matrix.children..."
    'oversikt-fallback-legend.children...{"page":"oversikt","type":"export-selection"}.data..',
    "outputs": [
        {"id": "oversikt-summary", "property": "children"},
        {"id": "oversikt-matrix", "property": "children"},
        {"id": "oversikt-fallback-legend", "property": "children"},
        {"id": {"page": "oversikt", "type": "export-selection"}, "property": "data"},
    ],
    "inputs": [
        {"id": "oversikt-level", "property": "value", "value": "nationell"},
        {"id": "oversikt-sdg", "property": "value", "value": []},
        {"id": "oversikt-dimension", "property": "value", "value": []},
        {"id": "oversikt-view", "property": "value", "value": []},
        {"id": "oversikt-method", "property": "value", "value": "statistics_canada"},
    ],
    "changedPropIds": ["oversikt-level.value"],
    "state": [],
}
ENCODINGS = ("identity", "gzip", "br")


def cpu_per_response(app, repeat: int) -> list[str]:
    """CPU milliseconds and bytes per response, by encoding, for the largest responses."""
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'src="([^"]+)"', page)
    requests = {
        "dcc bundle": ("GET", next(s for s in scripts if "dash_core_components.v" in s), None),
        "plotly.js": ("GET", next(s for s in scripts if "plotly" in s), None),
        "overview matrix answer": ("POST", "/_dash-update-component", OVERVIEW_CALLBACK),
    }
    lines = [f"{'response':24} {'encoding':8} {'bytes':>10} {'first ms':>9} {'median ms':>10}"]
    for name, (method, url, body) in requests.items():
        for encoding in ENCODINGS:
            times = []
            for _ in range(repeat + 1):
                started = time.process_time()
                response = client.open(
                    url,
                    method=method,
                    data=None if body is None else json.dumps(body),
                    content_type="application/json",
                    headers={"Accept-Encoding": encoding},
                )
                size = len(response.get_data())
                times.append((time.process_time() - started) * 1000)
            lines.append(
                f"{name:24} {encoding:8} {size:10} {times[0]:9.1f} "
                f"{statistics.median(times[1:]):10.1f}"
            )
    return lines


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", action="append", help="path to load (repeatable)")
    parser.add_argument("--database-url", default=None, help="default: a fresh demo database")
    parser.add_argument(
        "--accept-encoding", default=None, help="the browser's Accept-Encoding instead of its own"
    )
    parser.add_argument("--details", action="store_true", help="list every response")
    parser.add_argument("--cpu", action="store_true", help="CPU per response instead")
    parser.add_argument("--repeat", type=int, default=20, help="requests per --cpu figure")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    logging.basicConfig(level=logging.WARNING)
    if arguments.cpu:
        with tempfile.TemporaryDirectory() as folder:
            url = arguments.database_url or f"sqlite:///{Path(folder) / 'demo.sqlite'}"
            print("\n".join(cpu_per_response(create_app(url), arguments.repeat)))
        return 0
    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if chromium is None:
        print("chromium is not installed: apt-get install chromium", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        url = arguments.database_url or f"sqlite:///{Path(folder) / 'demo.sqlite'}"
        app = create_app(url)
        encoding = arguments.accept_encoding
        headers = {} if encoding is None else {"Accept-Encoding": encoding}
        with ServedApp(app.server) as served, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for path in arguments.page or DEFAULT_PAGES:
                context = browser.new_context(
                    viewport={"width": 1366, "height": 900}, extra_http_headers=headers
                )
                cold = load(context, served.url + path)
                warm = load(context, served.url + path)
                context.close()
                print("\n".join(report(f"{path} cold", cold)))
                if arguments.details:
                    print("\n".join(details(cold)))
                print("\n".join(report(f"{path} again (browser cache)", warm)))
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
