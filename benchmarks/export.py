"""The CSV download (``GET /ladda-ner``) as a worker serves it, on a database the size of Sweden.

The dashboard runs under gunicorn as in production (``gunicorn.conf.py``, one sync worker, so
that every request lands on the worker measured) on the generated database of
``benchmarks/sweden_scale.py`` (built on the first run, reused afterwards; ``--database-url``
for another). The selection is Översikt's download (the 17 areas, every indicator, the total,
every year, the national level and the trend); ``--query`` times another.

For each format: the first request (the worker fills the tables it caches per data version,
as the pages need them too), then ``--repeat`` more. Per request:

* **first byte / last byte** – seconds from sending the request until the first and the last
  byte of the body arrived (the body is read and dropped piece by piece, as a browser saves
  it);
* **bytes** – as sent (compressed when the server compressed it for
  ``--accept-encoding``), and the body gzipped here at level 5 and 6 for comparison;
* **worker CPU** – the worker's user + system time over the request (``/proc/<pid>/stat``);
* **worker memory** – the worker's peak resident memory during the request above what it
  held just before (its high-water mark is reset through ``/proc/<pid>/clear_refs`` before
  each request; where that is not allowed, RSS is sampled every 5 ms instead), and what it
  still holds afterwards. A warm worker reuses the memory earlier requests freed, so its RSS
  hardly moves; what one download allocates is tracemalloc's peak (``--tracemalloc``).

``--tracemalloc`` also runs the route's view in this process and reports tracemalloc's peak
over one download (the Python heap, numpy and pandas included). ``--reference`` times the way
the file was made before it was streamed – the whole table (``export_table``), the whole file
(``to_csv_bytes``) and the base64 text a ``dcc.Download`` callback answer carried – with its
tracemalloc peak, in this process.

Run from the project folder: ``.venv/bin/python benchmarks/export.py``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gzip
import logging
import os
import statistics
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import flask
import requests

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from app import create_app  # noqa: E402
from benchmarks._server import GunicornServer, machine_lines, rss_kib  # noqa: E402
from benchmarks.sweden_scale import (  # noqa: E402
    DEFAULT_SEED,
    add_database_url_option,
    sweden_scale_database_url,
)
from indicators.export import to_csv_bytes  # noqa: E402
from layouts.parts import download as panel  # noqa: E402
from layouts.parts.export_route import download_csv, read_query  # noqa: E402

log = logging.getLogger(__name__)

ROUTE = "/ladda-ner"
#: Översikt's download: what its store holds at the national level (areas and indicators
#: left out: every one).
OVERVIEW_QUERY = "kon=T&niva=nationell,trend&metod=statistics_canada"
FORMATS = ("csv", "excel-sv")
TARGET_SECONDS = 1.0
TARGET_MB = 50.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PIECE = 64 * 1024


@dataclass(frozen=True)
class Download:
    first_byte: float
    last_byte: float
    sent: int
    encoding: str
    cpu: float
    added_mib: float
    kept_mib: float


def cpu_seconds(pid: int) -> float:
    """A process's user + system CPU time (``/proc/<pid>/stat`` fields 14 and 15)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def status_kib(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


class PeakMemory:
    """A process's peak RSS over a stretch of time: its high-water mark (reset at the start),
    or where the kernel does not let it be reset, RSS sampled every 5 ms."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.sampled = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> PeakMemory:
        self.before = status_kib(self.pid, "VmRSS")
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w", encoding="ascii") as handle:
                handle.write("5")  # reset VmHWM to the current RSS
            self.high_water = True
        except OSError:
            self.high_water = False
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.sampled = max(self.sampled, rss_kib(self.pid) or 0)
            time.sleep(0.005)

    def __exit__(self, *_exc: object) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        peak = status_kib(self.pid, "VmHWM") if self.high_water else self.sampled
        self.added_kib = max(peak - self.before, 0)
        self.kept_kib = status_kib(self.pid, "VmRSS") - self.before


def download(session: requests.Session, url: str, pid: int, accept_encoding: str) -> Download:
    """One download, read piece by piece and dropped (as a browser saves it)."""
    with PeakMemory(pid) as memory:
        cpu_before = cpu_seconds(pid)
        started = time.perf_counter()
        first = None
        sent = 0
        with session.get(url, stream=True, headers={"Accept-Encoding": accept_encoding}) as answer:
            answer.raise_for_status()
            for piece in answer.raw.stream(PIECE, decode_content=False):
                if first is None:
                    first = time.perf_counter() - started
                sent += len(piece)
            last = time.perf_counter() - started
            encoding = answer.headers.get("Content-Encoding", "identity")
        cpu = cpu_seconds(pid) - cpu_before
    return Download(
        first_byte=first or last,
        last_byte=last,
        sent=sent,
        encoding=encoding,
        cpu=cpu,
        added_mib=memory.added_kib / 1024,
        kept_mib=memory.kept_kib / 1024,
    )


def gzip_sizes(body: bytes) -> str:
    return ", ".join(f"level {lvl}: {len(gzip.compress(body, lvl)) / 1e6:.2f} MB" for lvl in (5, 6))


# --- in this process ---------------------------------------------------------------------------


@contextlib.contextmanager
def traced() -> Iterator[dict[str, float]]:
    """tracemalloc's peak (MiB) over the block and its CPU seconds."""
    figures: dict[str, float] = {}
    tracemalloc.start()
    cpu = time.process_time()
    try:
        yield figures
    finally:
        figures["cpu"] = time.process_time() - cpu
        figures["peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()


def in_process(database_url: str, query: str, reference: bool) -> list[str]:
    """tracemalloc's peak over the route's view (and the old whole-file way) in this process."""
    app = create_app(database_url)
    lines = []
    for fmt in FORMATS:
        with app.server.test_request_context(f"{ROUTE}?{query}&format={fmt}"):
            b"".join(download_csv().response)  # the worker's caches, as after the first request
            with traced() as streamed:
                size = sum(len(piece) for piece in download_csv().response)
            lines.append(
                f"  {fmt:<9} streamed by the route: tracemalloc peak "
                f"{streamed['peak_mib']:6.1f} MiB, CPU {streamed['cpu']:.2f} s (traced), "
                f"{size / 1e6:.1f} MB"
            )
            if not reference:
                continue
            selection, _ = read_query(flask.request.args)
            with traced() as whole:
                table, _ = panel.selection_table(selection)
                text = base64.b64encode(to_csv_bytes(table, fmt))
            lines.append(
                f"  {fmt:<9} before (table, file, base64): tracemalloc peak "
                f"{whole['peak_mib']:6.1f} MiB, CPU {whole['cpu']:.2f} s (traced), "
                f"base64 {len(text) / 1e6:.1f} MB"
            )
    return lines


# --- report ------------------------------------------------------------------------------------


def report(name: str, cold: Download, warm: list[Download]) -> str:
    median = statistics.median
    worst_added = max(d.added_mib for d in warm)
    met = median(d.last_byte for d in warm) <= TARGET_SECONDS and worst_added <= TARGET_MB
    return (
        f"{name:<24} {cold.last_byte:>6.2f} {cold.added_mib:>7.1f} "
        f"{median(d.first_byte for d in warm):>7.2f} {median(d.last_byte for d in warm):>8.2f} "
        f"{median(d.cpu for d in warm):>6.2f} {warm[0].sent / 1e6:>8.2f} {warm[0].encoding:>9} "
        f"{worst_added:>8.1f} {sum(d.kept_mib for d in warm):>8.1f} {'yes' if met else 'NO':>5}"
    )


HEADER = (
    f"{'download':<24} {'cold s':>6} {'cold +MiB':>7} {'1st B s':>7} {'last B s':>8} "
    f"{'CPU s':>6} {'sent MB':>8} {'encoding':>9} {'+MiB max':>8} {'kept MiB':>8} {'met?':>5}"
)
NOTES = (
    "cold: the worker's first download of the format (it also fills the tables the pages share);",
    "1st B / last B / CPU: medians of the timed downloads; +MiB max: the largest peak above "
    "the RSS held before a download;",
    "kept MiB: RSS growth summed over the timed downloads (freed memory is reused, so a warm "
    "worker barely grows).",
)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="timed downloads per format")
    parser.add_argument("--query", default=OVERVIEW_QUERY, help="the selection, as the link has it")
    parser.add_argument(
        "--accept-encoding",
        action="append",
        metavar="VALUE",
        help="Accept-Encoding headers to time (default: identity, and a browser's over HTTP)",
    )
    parser.add_argument("--tracemalloc", action="store_true", help="also trace it in-process")
    parser.add_argument("--reference", action="store_true", help="also time the whole-file way")
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    add_database_url_option(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)
    encodings = args.accept_encoding or ["identity", "gzip, deflate"]
    url = sweden_scale_database_url(
        args.database_url, n_indicators=args.indicators, years=args.years, seed=args.seed
    )
    rows: list[str] = []
    sizes: list[str] = []
    log.info("starting gunicorn on %s …", url)
    with GunicornServer(url, workers=1) as server, requests.Session() as session:
        (pid,) = server.worker_pids()
        lines = machine_lines(1)
        for fmt in FORMATS:
            target = f"{server.url}{ROUTE}?{args.query}&format={fmt}"
            for encoding in encodings:
                log.info("timing %s with Accept-Encoding %r …", fmt, encoding)
                cold = download(session, target, pid, encoding)
                warm = [download(session, target, pid, encoding) for _ in range(args.repeat)]
                rows.append(report(f"{fmt} ({encoding})", cold, warm))
            body = session.get(target, headers={"Accept-Encoding": "identity"}).content
            sizes.append(f"  {fmt}: {len(body) / 1e6:.2f} MB raw; gzip {gzip_sizes(body)}")
        problems = server.problems()
    for line in lines:
        print(line)
    print(f"database: {url}")
    print(f"query:    {ROUTE}?{args.query}&format=…")
    print(
        f"requests: 1 cold (the worker's first), then {args.repeat} timed per row; "
        f"targets: last byte ≤ {TARGET_SECONDS:.0f} s, added memory ≤ {TARGET_MB:.0f} MiB"
    )
    print()
    print(HEADER)
    print("-" * len(HEADER))
    for row in rows:
        print(row)
    for note in NOTES:
        print(note)
    print()
    print("body sizes:")
    for line in sizes:
        print(line)
    if problems:
        print(f"server problems: {problems}")
    if args.tracemalloc or args.reference:
        print()
        print("in this process:")
        for line in in_process(url, args.query, args.reference):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
