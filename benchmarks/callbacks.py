"""Response times of each page's main callback, over HTTP, on a database the size of Sweden.

The dashboard runs on the generated database of ``benchmarks/sweden_scale.py`` (312 areas ×
100 indicators × 30 years × 3 genders; built on the first run, reused afterwards): a cached
SQLite file, or with ``--database-url`` (or ``BENCHMARK_DATABASE_URL``) another database, such
as an empty PostgreSQL database (``postgresql+psycopg://…``). Its Flask
server is served on a free local port, and each callback is called by posting to
``/_dash-update-component`` exactly what Dash's renderer posts: the callback is found in
``GET /_dash-dependencies`` by the start of its output id, and its inputs and state start from
the values in the page's layout (fetched through the pages callback, as on navigation) with
the changes a user makes on top.

For each callback:

* **cold** – the first request after a data refresh, which fills the derived tables the app
  caches per data version (:mod:`indicators.service` and the pages' own caches). A refresh is
  mimicked by counting a generation into :func:`data.queries.data_version` just before, so
  that every cache keyed by the version misses as after a real refresh; nothing is written
  to the database;
* **median** and **95th percentile** of ``--repeat`` requests that alternate between two
  realistic selections (what the table's notes say is cached and what is built per request).
  The shared answer cache (``layouts/parts/answer_cache.py``) keeps the answers of every page
  load and callback timed here but Export's: after the first request of each selection they
  are found there; run with ``CACHE_TYPE=null`` to time them computed each time.

Times are round trips: request sent until the whole answer has arrived (the answer's size is
shown too), with the CPU time of this process meanwhile (server and client; it is less
disturbed than the wall-clock time by other programs competing for the machine).
``--profile NAME`` runs that callback's requests under cProfile (through Flask's test client in
this thread, the same code path without the socket) and prints where the time goes;
``--page-loads`` also times loading each page (the pages callback that returns its layout,
which a user meets on every navigation). The exit status is 0 whether or not the targets are
met; the table says.

Run from the project folder: ``.venv/bin/python benchmarks/callbacks.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from app import create_app  # noqa: E402
from benchmarks._http import (  # noqa: E402
    UPDATE_PATH,
    Answer,
    CallbackError,
    DashClient,
    Dependency,
    ServedApp,
    concrete_id,
    find_dependency,
    layout_values,
    stringify_id,
    update_body,
)
from benchmarks.queries import cpu_model, percentile  # noqa: E402
from benchmarks.sweden_scale import (  # noqa: E402
    DEFAULT_SEED,
    GENDERS,
    add_database_url_option,
    database_size,
    sweden_areas,
    sweden_scale_database_url,
)
from data import queries  # noqa: E402
from indicators import service  # noqa: E402

log = logging.getLogger(__name__)

TARGET_MS = 150.0
PAGES_OUTPUT = "_pages_content.children"


@dataclass(frozen=True)
class Scenario:
    """One callback as a user meets it on one page."""

    name: str
    #: The page (path and query) whose layout gives the inputs' starting values.
    page: str
    #: The start of the callback's output id string in ``/_dash-dependencies``.
    output_prefix: str
    #: Changes on top of the layout's values (``"<id>.<property>"`` → value), used in turn.
    variants: tuple[dict[str, Any], ...]
    #: What stays cached between requests and what is built each time.
    cached: str
    #: Values for ``MATCH`` wildcards of a pattern-matching callback.
    matches: dict[str, Any] = field(default_factory=dict)
    #: An ``n_clicks`` input that counts up by one on every request (a button).
    clicks: str | None = None


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="oversikt",
        page="/?niva=nationell&metod=statistics_canada",
        output_prefix="oversikt-summary.children",
        variants=(
            {"oversikt-level.value": "nationell"},
            {"oversikt-level.value": "trend"},
        ),
        cached="the 17 areas' status table per method; effective status and cell texts per "
        "(method, level); the ~1 800 cells are built as components and rendered to one "
        "Markdown (JSX) text per request",
    ),
    Scenario(
        name="indikator",
        page="/indikator/N00401?omraden=2062,2080&metod=statistics_canada",
        output_prefix="indikator-series.figure",
        variants=(
            {"indikator-areas.value": ["2062", "2080"]},
            {"indikator-areas.value": ["2062", "2080", "2085"]},
        ),
        cached="the 17 areas' observations and status table; "
        "figures, goal lines, ranking and tables are built per request",
    ),
    Scenario(
        name="kommun",
        page="/kommun/2080?niva=nationell&metod=statistics_canada",
        output_prefix="kommun-content.children",
        variants=(
            {"kommun-level.value": "nationell"},
            {"kommun-level.value": "trend"},
        ),
        cached="the 17 areas' observations and status table; "
        "tiles, ranking, goal table and indicator list are built per request",
    ),
    Scenario(
        name="export",
        page="/export?indikatorer=N00401,N03702&metod=statistics_canada",
        output_prefix='{"page":"export","type":"export-selection"}.data',
        variants=(
            {"export-areas.value": ["2062", "2080"]},
            {"export-areas.value": ["2062", "2080", "2081", "2085", "0020", "0000"]},
        ),
        cached="the 17 areas' observations and status table; "
        "selection, goal lines, assessments and preview are built per request",
    ),
    Scenario(
        name="jamfor",
        page="/jamfor?omraden=2062,2080&metod=statistics_canada",
        output_prefix="jamfor-panels.children",
        variants=(
            {"jamfor-niva.value": "nationell"},
            {"jamfor-niva.value": "trend"},
        ),
        cached="the 17 areas' observations and status table; "
        "panels (figures and status lists) are built per request",
    ),
    Scenario(
        name="malkonflikter",
        page="/malkonflikter?x=N03702&y=N00401",
        output_prefix="malkonflikter-scatter.figure",
        variants=(
            {"malkonflikter-lage.value": "ar"},
            {"malkonflikter-lage.value": "forandring"},
        ),
        cached="the 17 areas' observations; "
        "common years, correlation, scatter and table are built per request",
    ),
)


# --- a data refresh, as the caches see it --------------------------------------------------


class Generations:
    """Counts a generation into :func:`data.queries.data_version` while installed, so that
    :meth:`refresh` makes every cache keyed by the data version miss, as a real refresh does.
    The run's start time goes in too: the shared answer cache outlives a run, and an answer a
    previous run stored must not make this run's cold request a hit."""

    def __init__(self) -> None:
        self.generation = 0
        self.run = time.time_ns()

    def refresh(self) -> None:
        self.generation += 1

    @contextmanager
    def installed(self) -> Iterator[Generations]:
        original = queries.data_version

        def data_version(engine) -> tuple:
            return (*original(engine), "benchmark generation", self.run, self.generation)

        queries.data_version = data_version
        try:
            yield self
        finally:
            queries.data_version = original


# --- running one scenario ------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    name: str
    cold_ms: float
    times_ms: list[float]
    cpu_ms: list[float]
    size: int

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 0.95)


def page_request(path_and_query: str) -> dict[str, Any]:
    parts = urlsplit(path_and_query)
    return {
        "_pages_location.pathname": parts.path or "/",
        "_pages_location.search": f"?{parts.query}" if parts.query else "",
    }


def load_page(client: DashClient, pages: Dependency, path_and_query: str) -> tuple[Any, Answer]:
    """The page's serialised layout, fetched as the renderer does on navigation."""
    answer = client.call(pages, update_body(pages, page_request(path_and_query)))
    return answer.values[PAGES_OUTPUT], answer


class Requests:
    """The bodies for one scenario: the layout's values with each variant applied in turn;
    only the inputs that changed since the previous request are named as changed."""

    def __init__(self, scenario: Scenario, dependency: Dependency, layout: Any) -> None:
        self.scenario = scenario
        self.dependency = dependency
        wanted = [
            (concrete_id(id_, scenario.matches), prop)
            for id_, prop in (*dependency.inputs, *dependency.state)
        ]
        self.base = layout_values(layout, wanted)
        for variant in scenario.variants:
            unknown = set(variant) - set(self.base)
            if unknown:
                raise CallbackError(f"{scenario.name}: not an input or state: {sorted(unknown)}")
        self.count = 0
        self.previous: dict[str, Any] | None = None

    def next_body(self) -> dict[str, Any]:
        variant = self.scenario.variants[self.count % len(self.scenario.variants)]
        self.count += 1
        values = dict(self.base)
        values.update(variant)
        if self.scenario.clicks:
            values[self.scenario.clicks] = (self.base[self.scenario.clicks] or 0) + self.count
        inputs = [
            f"{stringify_id(concrete_id(id_, self.scenario.matches))}.{p}"
            for id_, p in self.dependency.inputs
        ]
        if self.previous is None:
            changed = inputs
        else:
            changed = [k for k in inputs if values[k] != self.previous[k]] or inputs[:1]
        self.previous = values
        return update_body(self.dependency, values, changed=changed, matches=self.scenario.matches)


def run_scenario(
    client: DashClient,
    scenario: Scenario,
    dependency: Dependency,
    layout: Any,
    generations: Generations,
    repeat: int,
) -> Timing:
    bodies = Requests(scenario, dependency, layout)
    generations.refresh()
    cold = client.call(dependency, bodies.next_body())
    answers = [client.call(dependency, bodies.next_body()) for _ in range(repeat)]
    return Timing(
        scenario.name,
        cold.milliseconds,
        [a.milliseconds for a in answers],
        [a.cpu_milliseconds for a in answers],
        int(statistics.median(a.size for a in answers)),
    )


def time_page_load(
    client: DashClient, pages: Dependency, page: str, generations: Generations, repeat: int
) -> Timing:
    generations.refresh()
    _, cold = load_page(client, pages, page)
    answers = [load_page(client, pages, page)[1] for _ in range(repeat)]
    return Timing(
        urlsplit(page).path,
        cold.milliseconds,
        [a.milliseconds for a in answers],
        [a.cpu_milliseconds for a in answers],
        int(statistics.median(a.size for a in answers)),
    )


# --- profiling -----------------------------------------------------------------------------


def profile_scenario(
    server, scenario: Scenario, dependency: Dependency, layout: Any, repeat: int, top: int
) -> str:
    """cProfile of ``repeat`` warm requests through Flask's test client (this thread)."""
    bodies = Requests(scenario, dependency, layout)
    test_client = server.test_client()

    def post() -> None:
        response = test_client.post(UPDATE_PATH, json=bodies.next_body())
        if response.status_code != 200:
            raise CallbackError(f"{scenario.name}: HTTP {response.status_code} while profiling")

    for _ in range(len(scenario.variants)):
        post()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        post()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- report --------------------------------------------------------------------------------


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (other programs competing for the CPUs)."""
    return ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "–"


def machine(load_before: str) -> list[str]:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"machine:  {cpus} CPUs (nproc), {cpu_model()}",
        f"python:   {sys.version.split()[0]} ({sys.implementation.name})",
        f"load avg: {load_before} before, {load_average()} after",
    ]


def table(timings: list[Timing], target: float, first: str = "callback") -> list[str]:
    header = (
        f"{first:<22} {'cold ms':>9} {'median ms':>10} {'p95 ms':>9} "
        f"{'target':>8} {'met?':>5} {'CPU ms':>8} {'answer kB':>10}"
    )
    lines = [header, "-" * len(header)]
    for t in timings:
        met = "yes" if t.median <= target else "NO"
        lines.append(
            f"{t.name:<22} {t.cold_ms:>9.0f} {t.median:>10.1f} {t.p95:>9.1f} "
            f"{'≤ ' + format(target, '.0f'):>8} {met:>5} {statistics.median(t.cpu_ms):>8.1f} "
            f"{t.size / 1000:>10.0f}"
        )
    return lines


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per callback")
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--target", type=float, default=TARGET_MS, help="median target, ms")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="time only these callbacks (repeatable)"
    )
    parser.add_argument("--page-loads", action="store_true", help="also time loading each page")
    parser.add_argument(
        "--profile", action="append", metavar="NAME", help="print a cProfile of this callback"
    )
    parser.add_argument("--profile-top", type=int, default=30, help="functions per profile list")
    parser.add_argument("--profile-repeat", type=int, default=10, help="requests profiled")
    add_database_url_option(parser)
    args = parser.parse_args(argv)
    names = [s.name for s in SCENARIOS]
    for chosen in (args.only or []) + (args.profile or []):
        if chosen not in names:
            parser.error(f"unknown callback {chosen!r}: expected one of {', '.join(names)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)  # progress on stderr; the app's own logging stays quiet
    scenarios = [s for s in SCENARIOS if not args.only or s.name in args.only]

    started = time.perf_counter()
    url = sweden_scale_database_url(
        args.database_url, n_indicators=args.indicators, years=args.years, seed=args.seed
    )
    prepared = time.perf_counter() - started
    app = create_app(url)
    load_before = load_average()

    timings: list[Timing] = []
    page_timings: list[Timing] = []
    profiles: list[tuple[str, str]] = []
    with (
        Generations().installed() as generations,
        ServedApp(app.server) as served,
        DashClient(served.url) as client,
    ):
        entries = client.dependencies()
        pages = find_dependency(entries, PAGES_OUTPUT)
        for scenario in scenarios:
            dependency = find_dependency(entries, scenario.output_prefix)
            log.info("timing %s …", scenario.name)
            layout, _ = load_page(client, pages, scenario.page)
            timings.append(
                run_scenario(client, scenario, dependency, layout, generations, args.repeat)
            )
            if scenario.name in (args.profile or []):
                profiles.append(
                    (
                        scenario.name,
                        profile_scenario(
                            app.server,
                            scenario,
                            dependency,
                            layout,
                            args.profile_repeat,
                            args.profile_top,
                        ),
                    )
                )
        if args.page_loads:
            for page in dict.fromkeys(s.page for s in scenarios):
                log.info("timing the page load of %s …", page)
                page_timings.append(time_page_load(client, pages, page, generations, args.repeat))

    engine = service.engine()
    shown = engine.url.render_as_string(hide_password=True)
    print(f"database: {shown} ({database_size(engine)}; found or built in {prepared:.1f} s)")
    print(
        f"          {len(sweden_areas())} areas × {args.indicators} indicators × "
        f"{args.years} years × {len(GENDERS)} genders"
    )
    for line in machine(load_before):
        print(line)
    print(
        f"requests: 1 cold (after a simulated data refresh), then {args.repeat} timed, "
        "alternating the variants below; round trip over HTTP on 127.0.0.1"
    )
    print()
    for line in table(timings, args.target):
        print(line)
    if page_timings:
        print()
        for line in table(page_timings, args.target, "page load"):
            print(line)
    print()
    print("what the timed requests alternate, and what is cached between them:")
    for scenario in scenarios:
        changes = " ↔ ".join(
            ", ".join(f"{k.rsplit('.', 1)[0]}={v}" for k, v in variant.items())
            for variant in scenario.variants
        )
        print(f"  {scenario.name}: {changes}")
        print(f"      cached: {scenario.cached}")
    for name, text in profiles:
        print()
        print(f"=== cProfile: {name}, {args.profile_repeat} warm requests ===")
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
