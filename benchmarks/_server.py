"""The dashboard under gunicorn as in production, for the benchmarks that measure it from outside.

:class:`GunicornServer` starts ``gunicorn --workers N --bind 127.0.0.1:PORT app:server`` from
the project folder (so gunicorn reads ``gunicorn.conf.py`` there, as the README's production
command does) with ``DATABASE_URL`` set, waits until ``/`` answers, and stops it at the end of
the ``with`` block. :func:`benchmark_database_url` gives the database: ``demo`` (a new SQLite file
that the server fills with the demo data when it starts) or ``sweden`` (the generated
Sweden-scale database of ``benchmarks/sweden_scale.py``, built once and cached). Unless the
environment sets ``CACHE_DIR``, ``CACHE_URL`` or ``CACHE_TYPE``, the server keeps its shared
answer cache in a new folder of its own, removed when it stops, so that every run starts as a
freshly deployed server does and runs do not reuse each other's answers. Worker memory is read
from ``/proc/<pid>/status``; :func:`machine_lines` describes the machine.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from benchmarks.queries import cpu_model  # noqa: E402
from benchmarks.sweden_scale import sweden_scale_database_url  # noqa: E402

log = logging.getLogger(__name__)

#: The worker count of the README's production command (``gunicorn --workers 3 …``).
README_WORKERS = 3
DATABASES = ("demo", "sweden")
GUNICORN = Path(sys.executable).with_name("gunicorn")
CHROMIUM = "/usr/bin/chromium"
#: The environment variables that choose the dashboard's shared answer cache.
CACHE_VARIABLES = ("CACHE_DIR", "CACHE_URL", "CACHE_TYPE")


@dataclass(frozen=True)
class Page:
    """One of the pages the benchmarks open, and the element that means its main view is
    drawn (a CSS selector waited for until visible)."""

    name: str
    path: str
    ready_selector: str


#: Översikt, an indicator page, a municipality page and Jämför, in the order a participant
#: opens them. Ready when: the status matrix's table is there; the indicator's time series is
#: drawn (plotly's SVG); the municipality's indicator list is there; the first comparison
#: chart is drawn.
PAGES: tuple[Page, ...] = (
    Page("Översikt", "/", "#oversikt-matrix table"),
    Page("Indikator", "/indikator/N00401", "#indikator-series .main-svg"),
    Page("Kommun", "/kommun/2062", "#kommun-indicators"),
    Page("Jämför", "/jamfor", ".jamfor-graph .main-svg"),
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int | None:
    """The resident set size of a process in KiB (``VmRSS`` in ``/proc/<pid>/status``);
    None when the process is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers under its master)."""
    children_file = Path(f"/proc/{pid}/task/{pid}/children")
    with contextlib.suppress(OSError):
        return sorted(int(p) for p in children_file.read_text().split())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            # "pid (comm) state ppid …": the command may hold spaces, so split after ")".
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


@dataclass
class GunicornServer:
    """``gunicorn --workers N app:server`` on 127.0.0.1 while the ``with`` block runs."""

    database_url: str
    workers: int = README_WORKERS
    start_timeout: float = 600.0
    log_path: Path | None = None

    def __post_init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self._log_file = None
        self._cache_dir: Path | None = None
        if self.log_path is None:
            handle, name = tempfile.mkstemp(prefix="gunicorn-benchmark-", suffix=".log")
            os.close(handle)
            self.log_path = Path(name)

    @property
    def command(self) -> list[str]:
        return [
            str(GUNICORN),
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "app:server",
        ]

    def __enter__(self) -> GunicornServer:
        env = {**os.environ, "DATABASE_URL": self.database_url, "LOG_LEVEL": "WARNING"}
        if not any(name in os.environ for name in CACHE_VARIABLES):
            self._cache_dir = Path(tempfile.mkdtemp(prefix="dashboard-benchmark-answers-"))
            env["CACHE_DIR"] = str(self._cache_dir)
        assert self.log_path is not None
        self._log_file = self.log_path.open("w")
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_DIR,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _wait_until_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped while starting:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                answered = requests.get(self.url + "/", timeout=30).status_code == 200
                if answered and len(self.worker_pids()) >= self.workers:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer in time:\n{self.log_tail()}")
            time.sleep(0.5)

    def worker_pids(self) -> list[int]:
        return [] if self.process is None else child_pids(self.process.pid)

    def worker_memory(self) -> dict[int, int | None]:
        """RSS in KiB of each worker, by pid."""
        return {pid: rss_kib(pid) for pid in self.worker_pids()}

    def log_tail(self, lines: int = 40) -> str:
        assert self.log_path is not None
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def problems(self) -> dict[str, int]:
        """What went wrong in the server, from its log: each exception's last line (after a
        traceback) and gunicorn's worker timeouts and restarts, with how often."""
        assert self.log_path is not None
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return {}
        return dict(Counter(log_problems(lines)).most_common())

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self._cache_dir is not None:
            shutil.rmtree(self._cache_dir, ignore_errors=True)
            self._cache_dir = None


#: gunicorn's log lines that say a worker was stopped or lost.
WORKER_TROUBLE = ("WORKER TIMEOUT", "was sent SIG", "exited with code", "Worker failed to boot")


def log_problems(lines: Iterable[str]) -> Iterator[str]:
    """The exception line that ends each traceback, and gunicorn's worker troubles."""
    in_traceback = False
    for line in lines:
        if line.startswith("Traceback (most recent call last)"):
            in_traceback = True
        elif in_traceback and line and not line[0].isspace():
            in_traceback = False
            yield line.strip()[:200]
        elif any(trouble in line for trouble in WORKER_TROUBLE):
            yield line.split("] ", 3)[-1].strip()[:200]


@contextlib.contextmanager
def benchmark_database_url(
    database: str, *, copy: bool = False, sweden_url: str | None = None
) -> Iterator[str]:
    """The database URL the server is started on while the ``with`` block runs.

    ``demo``: a new SQLite file in a temporary folder, which the server fills with the demo
    data as it starts (on an empty database). ``sweden``: the Sweden-scale database
    (``sweden_url`` if given, else the cached SQLite file, built the first time); with
    ``copy`` a SQLite file is copied to a temporary folder first, so that writes made during
    the benchmark leave the cached file as it was.
    """
    if database not in DATABASES:
        raise ValueError(f"unknown database {database!r}: expected one of {DATABASES}")
    with tempfile.TemporaryDirectory(prefix="dashboard-benchmark-") as folder:
        if database == "demo":
            yield f"sqlite:///{Path(folder) / 'demo.sqlite'}"
            return
        url = sweden_scale_database_url(sweden_url)
        if copy and url.startswith("sqlite:///"):
            target = Path(folder) / "sweden.sqlite"
            log.info("copying the Sweden-scale database to %s …", target)
            shutil.copyfile(url.removeprefix("sqlite:///"), target)
            url = f"sqlite:///{target}"
        yield url


def load_average() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def gunicorn_version() -> str:
    with contextlib.suppress(Exception):
        from importlib.metadata import version

        return version("gunicorn")
    return "unknown"


def machine_lines(workers: int) -> list[str]:
    """Cores, CPU model, Python, gunicorn and its workers, and the load average now."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"machine:  {cpus} cores (nproc), {cpu_model()}",
        f"python:   {sys.version.split()[0]} ({sys.implementation.name})",
        f"gunicorn: {gunicorn_version()}, {workers} sync workers, gunicorn.conf.py of the "
        "project folder (preload_app)",
        f"load avg: {load_average()} (1, 5, 15 min) at the start",
    ]
