"""Many participants opening the same four pages at once, against gunicorn as in production.

**Recording.** Headless Chromium (Playwright, ``/usr/bin/chromium``) opens Översikt (``/``),
an indicator page (``/indikator/N00401``), a municipality page (``/kommun/2062``) and Jämför
(``/jamfor``) one after another by their addresses, in one new browser context (cold: an
empty cache at the start; between the pages the browser keeps its cache as a real browser
does, so what the server's caching headers let it reuse is not asked for again). Each page is
left when its main view is drawn (the selectors in ``benchmarks/_server.py``) and no request
has been in flight for a second. Every request to the server is recorded from the DevTools
protocol's network events, in the order sent: method, path and query, the request headers
that matter for the answer (``Accept-Encoding``, ``Content-Type``, conditional headers …), the
body of each POST (the callbacks to ``/_dash-update-component``), and when it was sent and
answered. Answers from the browser's own cache are left out. The recording is saved as JSON
(``benchmarks/recordings/load-<database>.json``); ``--reuse-recording`` replays the saved one
instead of recording again.

**Replay.** Each of N clients is a thread that replays the whole recording once (its first
pass: all four pages), all N starting at the same moment. A client keeps up to
``--connections`` (default 6, like a browser's connections per host over HTTP/1.1) HTTP/1.1
connections of its own, kept alive where the server allows it (gunicorn's sync workers close
each connection after its answer, so then every request opens a new one, as it does for a
browser). Within a page a request is sent once every request that had been answered before
the browser sent it has been answered in the replay, so the requests the browser had in flight
at once (the renderer's parallel callbacks, the scripts) go in parallel, and the ones that
waited for an answer wait; the next page starts when the previous one is complete. Answers
are read whole but not decompressed.

For each N: the first pass (one client's time for all four pages) median and maximum, the
requests' 50th/95th/99th percentiles, errors (status other than 2xx — a 304 answering the
browser's own revalidation counts as success — timeouts, connection errors) by kind, and each
gunicorn worker's resident memory before and after (``VmRSS`` in ``/proc/<pid>/status``).
One untimed pass by one client (``--warmup``) runs first.

**ETL write.** With ``--with-etl-write`` another process writes while the clients run: in a
loop, under the ETL's lock and in one transaction as ``etl load`` does, it reads the stored
observations of the catalogue's indicators × the 17 default areas (every year and gender),
stores them again through :func:`etl.store.save_observations` with every value changed by
±0.1 % (so every row is updated, as in a full refresh of the default scope) and records a
successful run (:class:`data.models.EtlRun`, kind ``load``), which changes the data version
every worker's caches are keyed by; then it pauses ``--etl-interval`` seconds. It writes into
the benchmark's own database: the new demo database, or a copy of the Sweden-scale file.

Targets: first-pass median ≤ 2 s at 50 clients, 0 errors. The exit status is 0 either way.

Run from the project folder: ``.venv/bin/python benchmarks/load.py`` (``--database sweden``
for the Sweden-scale database).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from sqlalchemy.orm import Session  # noqa: E402

from benchmarks._server import (  # noqa: E402
    CHROMIUM,
    DATABASES,
    PAGES,
    README_WORKERS,
    GunicornServer,
    Page,
    benchmark_database_url,
    machine_lines,
)
from benchmarks.queries import percentile  # noqa: E402
from benchmarks.sweden_scale import add_database_url_option  # noqa: E402
from data.areas import DEFAULT_AREAS  # noqa: E402
from data.db import open_database  # noqa: E402
from data.locks import ETL_LOCK, hold  # noqa: E402
from data.models import EtlRun, utcnow  # noqa: E402
from etl.store import save_observations, stored_observations  # noqa: E402
from etl.transform import DataValue  # noqa: E402
from indicators.catalogue import load_catalogue  # noqa: E402

log = logging.getLogger(__name__)

RECORDINGS_DIR = PROJECT_DIR / "benchmarks" / "recordings"
#: Request headers that are replayed; the others (cookies, Host, Referer, Origin with the
#: recording server's port …) are not needed for the answer or differ at replay.
REPLAYED_HEADERS = (
    "accept",
    "accept-encoding",
    "accept-language",
    "content-type",
    "if-modified-since",
    "if-none-match",
    "user-agent",
    "x-csrftoken",
)
CONDITIONAL_HEADERS = ("if-modified-since", "if-none-match")
TARGET_FIRST_PASS_S = 2.0
TARGET_CLIENTS = 50
#: A page is left once no request to the server has been in flight for this long.
QUIET_MS = 1000


# --- the recording -------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    """One request the browser sent to the server."""

    method: str
    #: Path and query.
    path: str
    headers: dict[str, str]
    #: The body of a POST as sent (text), else None.
    body: str | None
    #: Milliseconds since the page's first request: sent, and answer complete (None: not
    #: complete when the page was left, e.g. cancelled).
    start_ms: float
    end_ms: float | None
    status: int | None = None
    encoded_bytes: int | None = None


@dataclass
class RecordedPage:
    name: str
    path: str
    requests: list[RecordedRequest]


@dataclass
class Recording:
    pages: list[RecordedPage]
    browser: str = ""
    recorded_at: str = ""
    database: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Recording:
        pages = [
            RecordedPage(
                page["name"], page["path"], [RecordedRequest(**r) for r in page["requests"]]
            )
            for page in data["pages"]
        ]
        return cls(pages, data.get("browser", ""), data.get("recorded_at", ""), data["database"])

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> Recording:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


@dataclass
class _Entry:
    """A request as the DevTools events describe it while recording."""

    page: int
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    start: float
    end: float | None = None
    status: int | None = None
    encoded_bytes: int | None = None
    decoded_bytes: int = 0
    from_cache: bool = False
    failed: bool = False
    needs_body: bool = False


class NetworkLog:
    """Collects the DevTools protocol's ``Network.*`` events of the requests to one origin."""

    def __init__(self, origin: str) -> None:
        self.origin = origin.rstrip("/")
        self.page = 0
        self.entries: list[_Entry] = []
        self._current: dict[str, _Entry] = {}
        self._extra_headers: dict[str, dict[str, str]] = {}

    def handlers(self) -> dict[str, Callable[[dict[str, Any]], None]]:
        return {
            "Network.requestWillBeSent": self.will_be_sent,
            "Network.requestWillBeSentExtraInfo": self.extra_info,
            "Network.requestServedFromCache": self.served_from_cache,
            "Network.responseReceived": self.response_received,
            "Network.dataReceived": self.data_received,
            "Network.loadingFinished": self.finished,
            "Network.loadingFailed": self.failed,
        }

    def will_be_sent(self, event: dict[str, Any]) -> None:
        request = event["request"]
        url = request["url"]
        if not url.startswith(self.origin + "/"):
            return
        request_id = event["requestId"]
        previous = self._current.get(request_id)
        if previous is not None and "redirectResponse" in event:
            previous.end = event["timestamp"]
            previous.status = event["redirectResponse"].get("status")
        parts = urlsplit(url)
        entry = _Entry(
            page=self.page,
            method=request["method"],
            path=parts.path + (f"?{parts.query}" if parts.query else ""),
            headers={k.lower(): v for k, v in request.get("headers", {}).items()},
            body=request.get("postData"),
            start=event["timestamp"],
            needs_body=bool(request.get("hasPostData")) and "postData" not in request,
        )
        self._current[request_id] = entry
        self.entries.append(entry)
        # The headers really sent (with Accept-Encoding and the cache's conditional headers)
        # may arrive before or after this event.
        if request_id in self._extra_headers:
            entry.headers.update(self._extra_headers.pop(request_id))

    def extra_info(self, event: dict[str, Any]) -> None:
        headers = {k.lower(): v for k, v in event.get("headers", {}).items()}
        entry = self._current.get(event["requestId"])
        if entry is not None:
            entry.headers.update(headers)
        else:
            self._extra_headers[event["requestId"]] = headers

    def served_from_cache(self, event: dict[str, Any]) -> None:
        entry = self._current.get(event["requestId"])
        if entry is not None:
            entry.from_cache = True

    def response_received(self, event: dict[str, Any]) -> None:
        entry = self._current.get(event["requestId"])
        if entry is None:
            return
        response = event["response"]
        entry.status = response.get("status")
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            entry.from_cache = True

    def data_received(self, event: dict[str, Any]) -> None:
        entry = self._current.get(event["requestId"])
        if entry is not None:
            entry.decoded_bytes += int(event.get("dataLength", 0))

    def finished(self, event: dict[str, Any]) -> None:
        entry = self._current.get(event["requestId"])
        if entry is not None:
            entry.end = event["timestamp"]
            entry.encoded_bytes = int(event.get("encodedDataLength", 0))

    def failed(self, event: dict[str, Any]) -> None:
        entry = self._current.get(event["requestId"])
        if entry is not None:
            entry.end = event["timestamp"]
            entry.failed = True

    def in_flight(self) -> int:
        return sum(1 for e in self.entries if e.end is None and not e.from_cache)

    def request_ids_needing_body(self) -> list[tuple[str, _Entry]]:
        return [(rid, e) for rid, e in self._current.items() if e.needs_body and e.body is None]

    def pages(self, pages: Sequence[Page]) -> list[RecordedPage]:
        """The requests sent to the server (not answered from the browser's cache), per page,
        in the order sent, with times relative to each page's first request."""
        result = []
        for index, page in enumerate(pages):
            sent = [e for e in self.entries if e.page == index and not e.from_cache]
            sent.sort(key=lambda e: e.start)
            first = sent[0].start if sent else 0.0
            requests = [
                RecordedRequest(
                    method=e.method,
                    path=e.path,
                    headers={k: v for k, v in e.headers.items() if k in REPLAYED_HEADERS},
                    body=e.body,
                    start_ms=round((e.start - first) * 1000, 3),
                    end_ms=None if e.end is None or e.failed else round((e.end - first) * 1000, 3),
                    status=e.status,
                    encoded_bytes=e.encoded_bytes,
                )
                for e in sent
            ]
            result.append(RecordedPage(page.name, page.path, requests))
        return result


def record(base_url: str, database: str, pages: Sequence[Page] = PAGES) -> Recording:
    """Open the pages in headless Chromium and record the requests it sends to the server."""
    from playwright.sync_api import sync_playwright

    network = NetworkLog(base_url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="sv-SE")
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            for event, handler in network.handlers().items():
                cdp.on(event, handler)
            cdp.send("Network.enable")
            for index, shown in enumerate(pages):
                network.page = index
                log.info("recording %s (%s) …", shown.name, shown.path)
                page.goto(base_url + shown.path, wait_until="load", timeout=180_000)
                page.wait_for_selector(shown.ready_selector, state="visible", timeout=180_000)
                wait_until_quiet(page, network)
            for request_id, entry in network.request_ids_needing_body():
                with contextlib.suppress(Exception):
                    entry.body = cdp.send("Network.getRequestPostData", {"requestId": request_id})[
                        "postData"
                    ]
            version = browser.version
            context.close()
        finally:
            browser.close()
    return Recording(
        network.pages(pages),
        browser=f"Chromium {version}",
        recorded_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        database=database,
    )


def wait_until_quiet(page: Any, network: NetworkLog, limit_s: float = 120.0) -> None:
    """Until no request to the server has been in flight for :data:`QUIET_MS`."""
    deadline = time.monotonic() + limit_s
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)  # lets Playwright deliver the events meanwhile
        if network.in_flight():
            quiet_since = time.monotonic()
        elif (time.monotonic() - quiet_since) * 1000 >= QUIET_MS:
            return
    log.warning("requests still in flight after %.0f s; moving on", limit_s)


# --- the replay plan -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedRequest:
    """A request of one page as a client replays it: sent once the requests in ``after``
    (indices in the same page) are answered."""

    index: int
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    after: frozenset[int]

    @property
    def is_conditional(self) -> bool:
        return any(h in self.headers for h in CONDITIONAL_HEADERS)

    @property
    def label(self) -> str:
        """Method and path without the query; for a callback, its output too."""
        text = f"{self.method} {urlsplit(self.path).path}"
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            output = json.loads(self.body or b"")["output"]
            text += f" ({output[:60]})"
        return text


def replay_plan(recording: Recording) -> list[list[PlannedRequest]]:
    """Per page, its requests in the order sent, each waiting for every earlier request
    that the browser had got the answer to before sending it."""
    plan = []
    for page in recording.pages:
        requests = sorted(page.requests, key=lambda r: r.start_ms)
        planned = []
        for j, request in enumerate(requests):
            after = frozenset(
                i
                for i, earlier in enumerate(requests[:j])
                if earlier.end_ms is not None and earlier.end_ms <= request.start_ms
            )
            body = request.body.encode("utf-8") if request.body is not None else None
            planned.append(
                PlannedRequest(j, request.method, request.path, dict(request.headers), body, after)
            )
        plan.append(planned)
    return plan


def rounds(page: Sequence[PlannedRequest]) -> int:
    """The longest chain of requests each waiting for the one before (1 = all at once)."""
    depth: dict[int, int] = {}
    for request in page:
        depth[request.index] = 1 + max((depth[i] for i in request.after), default=0)
    return max(depth.values(), default=0)


# --- the replay ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestResult:
    page: int
    index: int
    label: str
    status: int | None
    milliseconds: float
    size: int
    #: None when successful, else its kind: "HTTP 500", "timeout", "ConnectionResetError" …
    error: str | None

    @property
    def error_key(self) -> str:
        return f"{self.error} on {self.label}"


@dataclass
class ClientResult:
    first_pass_s: float
    requests: list[RequestResult] = field(default_factory=list)


def error_kind(status: int, request: PlannedRequest) -> str | None:
    """None for a successful answer: 2xx, or 304 to a conditional request."""
    if 200 <= status < 300 or (status == 304 and request.is_conditional):
        return None
    return f"HTTP {status}"


class _Connections:
    """One HTTP/1.1 connection per thread of a client, all closed at the end."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._local = threading.local()
        self._all: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def get(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._local.connection = connection
            with self._lock:
                self._all.append(connection)
        return connection

    def close_all(self) -> None:
        with self._lock:
            for connection in self._all:
                connection.close()


def send(connections: _Connections, page: int, request: PlannedRequest) -> RequestResult:
    """Send one request and read its answer whole (not decompressed)."""
    connection = connections.get()
    started = time.perf_counter()
    status: int | None = None
    size = 0
    try:
        connection.request(request.method, request.path, body=request.body, headers=request.headers)
        response = connection.getresponse()
        status = response.status
        size = len(response.read())
        error = error_kind(status, request)
    except TimeoutError:
        error = "timeout"
        connection.close()
    except (OSError, http.client.HTTPException) as exc:
        error = type(exc).__name__
        connection.close()
    milliseconds = (time.perf_counter() - started) * 1000
    return RequestResult(page, request.index, request.label, status, milliseconds, size, error)


def _replay_page(
    pool: ThreadPoolExecutor, connections: _Connections, page_no: int, page: list[PlannedRequest]
) -> list[RequestResult]:
    pending = list(page)
    answered: set[int] = set()
    running: dict[Future[RequestResult], PlannedRequest] = {}
    results = []
    while pending or running:
        ready = [r for r in pending if r.after <= answered]
        for request in ready:
            running[pool.submit(send, connections, page_no, request)] = request
            pending.remove(request)
        if not running:
            raise ValueError(f"page {page_no}: requests wait for requests that never come")
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            answered.add(running.pop(future).index)
            results.append(future.result())
    return results


def run_client(
    base_url: str,
    plan: list[list[PlannedRequest]],
    *,
    connections: int = 6,
    timeout: float = 60.0,
    start: threading.Barrier | None = None,
) -> ClientResult:
    """One client's first pass: every page of the plan, one after another (no pause between
    them), starting when every party of ``start`` is there."""
    parts = urlsplit(base_url)
    pool_of_connections = _Connections(parts.hostname or "127.0.0.1", parts.port or 80, timeout)
    results: list[RequestResult] = []
    with ThreadPoolExecutor(max_workers=connections) as pool:
        if start is not None:
            start.wait()
        started = time.perf_counter()
        for page_no, page in enumerate(plan):
            results += _replay_page(pool, pool_of_connections, page_no, page)
        seconds = time.perf_counter() - started
    pool_of_connections.close_all()
    return ClientResult(seconds, results)


def run_clients(
    base_url: str, plan: list[list[PlannedRequest]], clients: int, **options: Any
) -> list[ClientResult]:
    """``clients`` clients replaying the plan, all starting at the same moment."""
    start = threading.Barrier(clients + 1)
    results: list[ClientResult | None] = [None] * clients

    def client(slot: int) -> None:
        results[slot] = run_client(base_url, plan, start=start, **options)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()  # every client is ready: all start at once
    for thread in threads:
        thread.join()
    return [r for r in results if r is not None]


# --- statistics ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    clients: int
    first_pass_median_s: float
    first_pass_max_s: float
    requests: int
    #: Bytes received per client (as sent: compressed where the server compressed).
    bytes_per_client: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    #: Failed requests by kind and request ("HTTP 500 on POST /_dash-update-component (…)").
    errors: dict[str, int]

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def request_percentiles(milliseconds: Sequence[float]) -> tuple[float, float, float]:
    """The 50th, 95th and 99th percentiles (linear interpolation between closest ranks)."""
    values = list(milliseconds)
    if not values:
        return (float("nan"),) * 3
    return percentile(values, 0.50), percentile(values, 0.95), percentile(values, 0.99)


def summarize(results: Sequence[ClientResult]) -> Summary:
    """First passes over clients; every request of every client, failed ones included."""
    passes = [r.first_pass_s for r in results]
    requests = [q for r in results for q in r.requests]
    p50, p95, p99 = request_percentiles([q.milliseconds for q in requests])
    errors = Counter(q.error_key for q in requests if q.error is not None)
    return Summary(
        clients=len(results),
        first_pass_median_s=statistics.median(passes) if passes else float("nan"),
        first_pass_max_s=max(passes, default=float("nan")),
        requests=len(requests),
        bytes_per_client=sum(q.size for q in requests) / len(results) if results else 0.0,
        p50_ms=p50,
        p95_ms=p95,
        p99_ms=p99,
        errors=dict(errors.most_common()),
    )


# --- the concurrent ETL write --------------------------------------------------------------


def write_once(engine: Any, generation: int) -> int:
    """One write as ``etl load`` makes it (under the ETL's lock, one transaction): every
    stored observation of the catalogue's indicators × the 17 default areas again, its
    value changed by ±0.1 %, and a successful run recorded. Returns the rows updated."""
    factor = 1.001 if generation % 2 == 0 else 1 / 1.001
    kpi_ids = [indicator.kpi_id for indicator in load_catalogue()]
    started = utcnow()
    with hold(engine, ETL_LOCK, wait=True), Session(engine) as session, session.begin():
        stored = stored_observations(session, kpi_ids, list(DEFAULT_AREAS))
        values = [
            DataValue(*key, None if value is None else value * factor, status, count)
            for key, (value, status, count) in stored.items()
        ]
        counts = save_observations(session, values)
        session.add(
            EtlRun(
                kind="load",
                started_at=started,
                finished_at=utcnow(),
                outcome="success",
                scope={"benchmark": "load.py concurrent write", "generation": generation},
                full=False,
                rows_updated=counts.updated,
                rows_inserted=counts.inserted,
            )
        )
    return counts.updated


def etl_write_loop(database_url: str, interval: float) -> None:
    """Write (:func:`write_once`) every ``interval`` seconds until stopped; on standard
    output a JSON line as each write starts and one as it has been committed (Unix times)."""
    engine = open_database(database_url)
    generation = 0
    while True:
        started = time.time()
        print(json.dumps({"generation": generation, "start": started}), flush=True)
        rows = write_once(engine, generation)
        ended = time.time()
        print(json.dumps({"generation": generation, "start": started, "end": ended, "rows": rows}))
        sys.stdout.flush()
        generation += 1
        time.sleep(interval)


@dataclass(frozen=True)
class Write:
    start: float
    #: When it was committed; None while it runs.
    end: float | None = None
    rows: int | None = None

    def overlaps(self, start: float, end: float) -> bool:
        return self.start < end and (self.end is None or self.end > start)

    def committed_between(self, start: float, end: float) -> bool:
        return self.end is not None and start <= self.end <= end


def parse_writes(lines: Iterable[str]) -> list[Write]:
    """The writes in :func:`etl_write_loop`'s output, each once (committed or running)."""
    by_generation: dict[int, Write] = {}
    for line in lines:
        if line.strip():
            data = json.loads(line)
            generation = data.pop("generation")
            by_generation[generation] = Write(**data)
    return [by_generation[g] for g in sorted(by_generation)]


class EtlWriter:
    """:func:`etl_write_loop` in a process of its own while the ``with`` block runs."""

    def __init__(self, database_url: str, interval: float) -> None:
        self.interval = interval
        self.command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--etl-writer",
            database_url,
            "--etl-interval",
            str(interval),
        ]
        descriptor, name = tempfile.mkstemp(prefix="etl-writes-", suffix=".jsonl")
        os.close(descriptor)
        self.output = Path(name)
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> EtlWriter:
        with self.output.open("w") as out:
            self.process = subprocess.Popen(self.command, cwd=PROJECT_DIR, stdout=out)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=60)
        self.output.unlink(missing_ok=True)

    def writes(self) -> list[Write]:
        return parse_writes(self.output.read_text().splitlines())

    def during(self, start: float, end: float) -> str:
        """How many writes ran during the time from ``start`` to ``end`` (Unix time), and how
        many of them were committed (changing the data version) in it."""
        writes = self.writes()
        running = sum(1 for w in writes if w.overlaps(start, end))
        committed = sum(1 for w in writes if w.committed_between(start, end))
        return f"{running} ({committed} committed)"


# --- report --------------------------------------------------------------------------------


def _mb(kib: int | None) -> str:
    return "gone" if kib is None else f"{kib / 1024:.0f}"


def memory_line(before: dict[int, int | None], after: dict[int, int | None]) -> str:
    """Each worker's RSS in MB, before → after (a worker restarted meanwhile shows apart)."""
    parts = [f"{pid}: {_mb(kib)} → {_mb(after.get(pid))}" for pid, kib in before.items()]
    parts += [f"{pid} (new): – → {_mb(kib)}" for pid, kib in after.items() if pid not in before]
    return "worker RSS MB: " + ", ".join(parts)


def meets_targets(summary: Summary) -> bool:
    """0 errors; at :data:`TARGET_CLIENTS` clients also the first-pass median target."""
    fast = summary.clients != TARGET_CLIENTS or summary.first_pass_median_s <= TARGET_FIRST_PASS_S
    return summary.error_count == 0 and fast


def table(rows: Iterable[tuple[Summary, str]]) -> list[str]:
    header = (
        f"{'clients':>7} {'1st pass median s':>17} {'max s':>7} {'target':>7} "
        f"{'requests':>8} {'MB/client':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'met?':>4} {'ETL writes':>15}"
    )
    lines = [header, "-" * len(header)]
    for summary, writes in rows:
        target = f"≤ {TARGET_FIRST_PASS_S:g}" if summary.clients == TARGET_CLIENTS else ""
        lines.append(
            f"{summary.clients:>7} {summary.first_pass_median_s:>17.2f} "
            f"{summary.first_pass_max_s:>7.2f} {target:>7} {summary.requests:>8} "
            f"{summary.bytes_per_client / 1e6:>9.2f} "
            f"{summary.p50_ms:>7.0f} {summary.p95_ms:>7.0f} {summary.p99_ms:>7.0f} "
            f"{summary.error_count:>6} {'yes' if meets_targets(summary) else 'NO':>4} "
            f"{writes:>15}"
        )
    return lines


def describe_recording(recording: Recording) -> list[str]:
    plan = replay_plan(recording)
    lines = [f"recording: {recording.browser}, {recording.recorded_at}, {recording.database}"]
    for page, planned in zip(recording.pages, plan, strict=True):
        callbacks = sum(1 for r in page.requests if r.method == "POST")
        size = sum(r.encoded_bytes or 0 for r in page.requests)
        lines.append(
            f"  {page.name:<10} {page.path:<20} {len(page.requests):>3} requests "
            f"({callbacks} callback{'' if callbacks == 1 else 's'}), "
            f"{rounds(planned)} steps in sequence, {size / 1e6:.2f} MB over the wire"
        )
    return lines


# --- main ----------------------------------------------------------------------------------


def client_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give client counts such as 10,30,50")
    return counts


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=client_counts, default=[10, 30, 50])
    parser.add_argument("--workers", type=int, default=README_WORKERS, help="gunicorn workers")
    parser.add_argument("--database", choices=DATABASES, default="demo")
    parser.add_argument("--with-etl-write", action="store_true", help="write while replaying")
    parser.add_argument(
        "--etl-interval", type=float, default=5.0, help="pause after each write, seconds"
    )
    parser.add_argument("--record-only", action="store_true", help="record, save and stop")
    parser.add_argument("--reuse-recording", action="store_true", help="replay the saved recording")
    parser.add_argument("--recording", type=Path, help="the recording's file")
    parser.add_argument("--connections", type=int, default=6, help="connections per client")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--warmup", type=int, default=1, help="untimed passes by one client")
    parser.add_argument("--etl-writer", metavar="URL", help=argparse.SUPPRESS)
    add_database_url_option(parser)
    args = parser.parse_args(argv)
    if args.recording is None:
        args.recording = RECORDINGS_DIR / f"load-{args.database}.json"
    if args.reuse_recording and not args.recording.is_file():
        parser.error(f"no saved recording at {args.recording}")
    return args


def _recording(args: argparse.Namespace, server: GunicornServer) -> Recording:
    if args.reuse_recording:
        return Recording.load(args.recording)
    recording = record(server.url, args.database)
    recording.save(args.recording)
    log.info("saved the recording to %s", args.recording)
    return recording


def _measure(
    args: argparse.Namespace,
    server: GunicornServer,
    plan: list[list[PlannedRequest]],
    writer: EtlWriter | None,
) -> list[str]:
    options = {"connections": args.connections, "timeout": args.timeout}
    for _ in range(args.warmup):
        warm = summarize(run_clients(server.url, plan, 1, **options))
        log.info("warm-up pass: %.2f s, %d errors", warm.first_pass_median_s, warm.error_count)
    rows: list[tuple[Summary, str]] = []
    details: list[str] = []
    for clients in args.clients:
        log.info("replaying with %d clients …", clients)
        before = server.worker_memory()
        started, cpu = time.time(), time.process_time()
        summary = summarize(run_clients(server.url, plan, clients, **options))
        ended, cpu = time.time(), time.process_time() - cpu
        after = server.worker_memory()
        rows.append((summary, "–" if writer is None else writer.during(started, ended)))
        details.append(
            f"{clients} clients: {summary.error_count} errors; the clients' own CPU time "
            f"{cpu:.1f} s in {ended - started:.1f} s"
        )
        details += [f"    {n} × {kind}" for kind, n in summary.errors.items()]
        details.append(f"    {memory_line(before, after)}")
    return [*table(rows), "", *details]


def _write_lines(writer: EtlWriter) -> list[str]:
    done = [w for w in writer.writes() if w.end is not None]
    if not done:
        return ["ETL writes: none committed"]
    seconds = statistics.median(w.end - w.start for w in done if w.end is not None)
    return [
        f"ETL writes: {len(done)} committed, {done[0].rows} rows updated each, "
        f"{seconds:.1f} s each (median), {writer.interval:g} s pause after each; the table "
        "counts the writes running during each run and those committed in it (each changed "
        "the data version)"
    ]


def _server_lines(server: GunicornServer) -> list[str]:
    problems = server.problems()
    lines = [f"server log: {server.log_path} ({sum(problems.values())} problems)"]
    lines += [f"    {n} × {problem}" for problem, n in problems.items()]
    return lines


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.etl_writer:
        etl_write_loop(args.etl_writer, args.etl_interval)
        return 0
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)  # progress on stderr; the figures on stdout
    sys.stdout.reconfigure(line_buffering=True)
    for line in machine_lines(args.workers):
        print(line)
    copy = args.with_etl_write and not args.record_only
    with (
        benchmark_database_url(args.database, copy=copy, sweden_url=args.database_url) as url,
        GunicornServer(url, workers=args.workers) as server,
    ):
        print(f"database: {args.database} ({url})")
        recording = _recording(args, server)
        for line in describe_recording(recording):
            print(line)
        if args.record_only:
            print(f"saved to {args.recording}")
            return 0
        plan = replay_plan(recording)
        print(
            f"replay:   {args.connections} connections per client, {args.timeout:g} s timeout, "
            f"{args.warmup} untimed warm-up pass(es) by one client first"
        )
        with EtlWriter(url, args.etl_interval) if args.with_etl_write else _nothing() as writer:
            lines = _measure(args, server, plan, writer)
            writer_lines = _write_lines(writer) if writer is not None else []
    print()
    for line in [*lines, *writer_lines, *_server_lines(server)]:
        print(line)
    print(
        f"targets:  first-pass median ≤ {TARGET_FIRST_PASS_S:g} s at {TARGET_CLIENTS} clients; "
        "0 errors"
    )
    print(f"load avg: {', '.join(f'{v:.2f}' for v in os.getloadavg())} at the end")
    return 0


@contextlib.contextmanager
def _nothing() -> Any:
    yield None


if __name__ == "__main__":
    raise SystemExit(main())
