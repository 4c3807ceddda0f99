"""The load benchmark's parts that are not timing: recording, replay plan, replay, statistics."""

from __future__ import annotations

import argparse
import json
import random
import statistics
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmarks._server import Page, log_problems
from benchmarks.load import (
    ClientResult,
    NetworkLog,
    PlannedRequest,
    RecordedPage,
    RecordedRequest,
    Recording,
    RequestResult,
    Write,
    client_counts,
    error_kind,
    meets_targets,
    parse_writes,
    replay_plan,
    request_percentiles,
    rounds,
    run_client,
    run_clients,
    summarize,
)
from benchmarks.queries import percentile

ORIGIN = "http://127.0.0.1:8050"
CALLBACK = {"output": "_pages_content.children", "inputs": []}


def _sent(request_id: str, url: str, at: float, method: str = "GET", **request) -> dict:
    return {
        "requestId": request_id,
        "timestamp": at,
        "request": {"url": url, "method": method, "headers": {"Accept": "*/*"}, **request},
    }


def _network_log() -> NetworkLog:
    """A page as the DevTools protocol reports it: the document, a script answered from the
    browser's cache, a font from another origin, and a callback sent after the document."""
    network = NetworkLog(ORIGIN)
    network.will_be_sent(_sent("1", f"{ORIGIN}/?a=1", 10.0))
    network.extra_info(
        {
            "requestId": "1",
            "headers": {"Accept-Encoding": "gzip, br", "Cookie": "x=1", "Host": "127.0.0.1"},
        }
    )
    network.response_received({"requestId": "1", "response": {"status": 200}})
    network.finished({"requestId": "1", "timestamp": 10.25, "encodedDataLength": 1234})
    network.will_be_sent(_sent("2", f"{ORIGIN}/bundle.js", 10.3))
    network.served_from_cache({"requestId": "2"})
    network.finished({"requestId": "2", "timestamp": 10.31, "encodedDataLength": 0})
    network.will_be_sent(_sent("3", "https://fonts.example/font.woff2", 10.3))
    # The headers really sent may come before the request's own event.
    network.extra_info({"requestId": "4", "headers": {"Content-Type": "application/json"}})
    network.will_be_sent(
        _sent(
            "4",
            f"{ORIGIN}/_dash-update-component?endId=x",
            10.5,
            method="POST",
            postData=json.dumps(CALLBACK),
        )
    )
    return network


def test_the_network_log_keeps_the_requests_sent_to_the_server_in_order():
    network = _network_log()
    # The callback only: the cached script is done and the other origin's font not tracked.
    assert network.in_flight() == 1
    network.finished({"requestId": "4", "timestamp": 10.9, "encodedDataLength": 99})
    assert network.in_flight() == 0
    [page] = network.pages([_page("Översikt", "/")])
    assert [(r.method, r.path) for r in page.requests] == [
        ("GET", "/?a=1"),
        ("POST", "/_dash-update-component?endId=x"),
    ]
    document, callback = page.requests
    assert document.headers == {"accept": "*/*", "accept-encoding": "gzip, br"}
    assert (document.start_ms, document.end_ms, document.status) == (0.0, 250.0, 200)
    assert document.encoded_bytes == 1234 and document.body is None
    assert callback.headers["content-type"] == "application/json"
    assert json.loads(callback.body) == CALLBACK
    assert (callback.start_ms, callback.end_ms) == (500.0, 900.0)


def test_a_request_not_finished_when_the_page_was_left_has_no_end():
    network = _network_log()
    network.failed({"requestId": "4", "timestamp": 11.0})
    [page] = network.pages([_page("Översikt", "/")])
    assert page.requests[-1].end_ms is None


def _page(name: str, path: str) -> Page:
    return Page(name, path, "body")


def _request(method: str, path: str, start: float, end: float | None, **extra) -> RecordedRequest:
    return RecordedRequest(method, path, extra.pop("headers", {}), None, start, end, **extra)


def _recording() -> Recording:
    """The document; then two scripts in flight at once; a callback after both; the
    favicon sent while the callback was in flight; one more request after all of them."""
    first = RecordedPage(
        "Översikt",
        "/",
        [
            _request("GET", "/", 0, 100, headers={"accept-encoding": "gzip"}),
            _request("GET", "/b.js", 110, 200),
            _request("GET", "/a.js", 105, 300),
            RecordedRequest(
                "POST",
                "/_dash-update-component",
                {"content-type": "application/json"},
                json.dumps(CALLBACK),
                310,
                500,
            ),
            _request("GET", "/_favicon.ico", 320, 330),
            _request("GET", "/late.js", 600, None),
        ],
    )
    second = RecordedPage("Jämför", "/jamfor", [_request("GET", "/jamfor", 0, 50)])
    return Recording([first, second], "Chromium test", "2026-01-01T00:00:00+00:00", "demo")


def test_the_replay_plan_waits_for_what_the_browser_had_answered_before_sending():
    first, second = replay_plan(_recording())
    assert [(r.method, r.path) for r in first] == [
        ("GET", "/"),
        ("GET", "/a.js"),
        ("GET", "/b.js"),
        ("POST", "/_dash-update-component"),
        ("GET", "/_favicon.ico"),
        ("GET", "/late.js"),
    ]
    assert [r.index for r in first] == list(range(6))
    assert [sorted(r.after) for r in first] == [[], [0], [0], [0, 1, 2], [0, 1, 2], [0, 1, 2, 3, 4]]
    assert first[0].headers == {"accept-encoding": "gzip"}
    assert first[3].body == json.dumps(CALLBACK).encode()
    assert first[3].label == "POST /_dash-update-component (_pages_content.children)"
    assert first[1].body is None and first[1].label == "GET /a.js"
    assert rounds(first) == 4
    assert [(r.path, r.after) for r in second] == [("/jamfor", frozenset())]


def test_a_recording_survives_its_json_file(tmp_path):
    recording = _recording()
    path = tmp_path / "recordings" / "load-demo.json"
    recording.save(path)
    assert Recording.load(path) == recording


def test_only_2xx_and_revalidated_304_are_successes():
    plain = PlannedRequest(0, "GET", "/", {}, None, frozenset())
    revalidation = PlannedRequest(0, "GET", "/", {"if-none-match": '"x"'}, None, frozenset())
    assert error_kind(200, plain) is None
    assert error_kind(204, plain) is None
    assert error_kind(304, revalidation) is None
    assert error_kind(304, plain) == "HTTP 304"
    assert error_kind(500, revalidation) == "HTTP 500"


class _Recorder(BaseHTTPRequestHandler):
    """Records each request (and when it arrived and was answered); 500 for /broken."""

    protocol_version = "HTTP/1.1"
    seen: list[dict]
    lock: threading.Lock

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        entry = {
            "method": self.command,
            "path": self.path,
            "body": body,
            "headers": {k.lower(): v for k, v in self.headers.items()},
        }
        with self.lock:
            entry["arrived"] = len(self.seen)
            self.seen.append(entry)
        status = 500 if self.path == "/broken" else 200
        payload = b"x" * 10
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        with self.lock:
            entry["answered"] = sum(1 for e in self.seen if "answered" in e)

    do_GET = do_POST = _answer

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture
def recording_server() -> Iterator[tuple[str, list[dict]]]:
    seen: list[dict] = []
    handler = type("Handler", (_Recorder,), {"seen": seen, "lock": threading.Lock()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_a_client_replays_the_recorded_requests(recording_server):
    url, seen = recording_server
    plan = replay_plan(_recording())
    result = run_client(url, plan, connections=3, timeout=10)
    sent = [(e["method"], e["path"]) for e in seen]
    assert sorted(sent) == sorted((r.method, r.path) for page in plan for r in page)
    # Every request was sent after the requests it waits for (same page) had arrived.
    arrival = {e["path"]: e["arrived"] for e in seen}
    for page in plan:
        for request in page:
            for earlier in request.after:
                assert arrival[page[earlier].path] < arrival[request.path], request.path
    assert sent[0] == ("GET", "/") and sent[-1] == ("GET", "/jamfor")
    callback = next(e for e in seen if e["method"] == "POST")
    assert json.loads(callback["body"]) == CALLBACK
    assert callback["headers"]["content-type"] == "application/json"
    assert next(e for e in seen if e["path"] == "/")["headers"]["accept-encoding"] == "gzip"
    assert len(result.requests) == 7
    assert all(r.error is None and r.status == 200 and r.size == 10 for r in result.requests)
    assert result.first_pass_s > 0


def test_failed_requests_are_counted_by_kind(recording_server):
    url, _seen = recording_server
    page = RecordedPage("x", "/", [_request("GET", "/", 0, 10), _request("GET", "/broken", 20, 30)])
    result = run_client(url, replay_plan(Recording([page])), timeout=10)
    assert [r.error for r in result.requests] == [None, "HTTP 500"]
    refused = run_client("http://127.0.0.1:9", replay_plan(Recording([page])), timeout=5)
    assert {r.error for r in refused.requests} == {"ConnectionRefusedError"}
    assert all(r.status is None for r in refused.requests)


def test_request_percentiles_interpolate_between_closest_ranks():
    assert request_percentiles(range(1, 102)) == (51.0, 96.0, 100.0)
    assert request_percentiles([10.0]) == (10.0, 10.0, 10.0)
    assert request_percentiles([0.0, 10.0]) == (5.0, 9.5, 9.9)
    rng = random.Random(11)
    values = [rng.lognormvariate(3, 1) for _ in range(537)]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    p50, p95, p99 = request_percentiles(values)
    assert p50 == pytest.approx(cuts[49])
    assert p95 == pytest.approx(cuts[94])
    assert p99 == pytest.approx(cuts[98])
    assert percentile(list(reversed(values)), 0.95) == pytest.approx(p95)


def _result(seconds: float, *errors: str | None) -> ClientResult:
    requests = [
        RequestResult(0, i, f"GET /{i}", 200 if e is None else 500, 10.0 * (i + 1), 1, e)
        for i, e in enumerate(errors)
    ]
    return ClientResult(seconds, requests)


def test_summarize_takes_first_passes_over_clients_and_every_request():
    summary = summarize(
        [
            _result(3.0, None, None),
            _result(1.0, None, "HTTP 500"),
            _result(2.0, "timeout", "HTTP 500"),
            _result(9.0, None, None),
        ]
    )
    assert summary.clients == 4
    assert summary.first_pass_median_s == 2.5
    assert summary.first_pass_max_s == 9.0
    assert summary.requests == 8
    assert summary.bytes_per_client == 2.0
    assert summary.p50_ms == 15.0
    assert summary.errors == {"HTTP 500 on GET /1": 2, "timeout on GET /0": 1}
    assert summary.error_count == 3


def test_client_counts_are_read_from_a_comma_separated_list():
    assert client_counts("10,30,50") == [10, 30, 50]
    assert client_counts("5") == [5]
    with pytest.raises(argparse.ArgumentTypeError):
        client_counts("0,10")


def test_the_server_log_yields_exceptions_and_worker_troubles():
    lines = [
        "[2026-01-01 10:00:00 +0000] [1] [INFO] Booting worker with pid: 2",
        "Traceback (most recent call last):",
        '  File "x.py", line 1, in f',
        "    f()",
        "NameError: name 'f' is not defined",
        "[2026-01-01 10:00:05 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:2)",
        "[2026-01-01 10:00:06 +0000] [1] [ERROR] Worker (pid:2) was sent SIGKILL! Perhaps out of "
        "memory?",
        "[2026-01-01 10:00:07 +0000] [1] [INFO] Worker exiting (pid: 3)",
    ]
    assert list(log_problems(lines)) == [
        "NameError: name 'f' is not defined",
        "WORKER TIMEOUT (pid:2)",
        "Worker (pid:2) was sent SIGKILL! Perhaps out of memory?",
    ]


def test_the_concurrent_writes_are_read_from_the_writer_output():
    lines = [
        '{"generation": 0, "start": 100.0}',
        '{"generation": 0, "start": 100.0, "end": 107.5, "rows": 37}',
        "",
        '{"generation": 1, "start": 112.5}',
    ]
    first, second = parse_writes(lines)
    assert first == Write(100.0, 107.5, 37)
    assert second == Write(112.5)
    assert first.overlaps(105.0, 110.0) and first.committed_between(105.0, 110.0)
    assert not first.overlaps(108.0, 120.0)
    assert second.overlaps(108.0, 120.0) and not second.committed_between(108.0, 120.0)
    assert not second.overlaps(90.0, 112.5)


def test_several_clients_each_replay_the_whole_recording(recording_server):
    url, seen = recording_server
    results = run_clients(url, replay_plan(_recording()), 3, connections=2, timeout=10)
    assert len(results) == 3
    assert [len(r.requests) for r in results] == [7, 7, 7]
    assert len(seen) == 21
    assert sorted(e["path"] for e in seen).count("/_dash-update-component") == 3


def test_the_targets_are_0_errors_and_a_fast_first_pass_at_50_clients():
    fast, slow = _result(1.5, None), _result(2.5, None)
    assert meets_targets(summarize([fast] * 50))
    assert not meets_targets(summarize([slow] * 50))
    assert meets_targets(summarize([slow] * 10))  # the time target is for 50 clients
    assert not meets_targets(summarize([_result(1.0, "timeout")] * 10))
