"""Query timings on a database the size of all of Sweden.

The database (``benchmarks/sweden_scale.py``: 312 areas × 100 indicators × 30 years × 3
genders, about 2.8 million rows) is built on the first run and reused from the temporary folder
afterwards (``--database`` times another SQLite file instead). Each operation runs twice to
warm up, then ``--repeat`` times; the median, the 95th percentile and the fastest run are
printed in milliseconds with the target beside them, and the median CPU time of this process,
which other programs competing for the machine disturb less (the load average is printed too):

* status matrix: what the dashboard does for its overview of the 17 areas (Dalarna's 15
  municipalities, Region Dalarna, Riket) × every catalogue indicator: read their observations,
  list the goals and judge every level (:func:`indicators.follow_up.status_table`), as
  :func:`indicators.service.status` does — for the total series, and for comparison also with
  women's and men's series;
* series: one indicator's observations for the 17 areas;
* ranking: one indicator's relative position among all of Sweden's municipalities (read its
  values, then :func:`indicators.ranking.ranking`).

Run from the project folder: ``.venv/bin/python benchmarks/queries.py``.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from benchmarks.sweden_scale import (  # noqa: E402
    DEFAULT_SEED,
    add_database_url_option,
    database_size,
    sweden_scale_database_url,
)
from data import queries  # noqa: E402
from data.areas import DEFAULT_AREAS  # noqa: E402
from data.db import open_database  # noqa: E402
from indicators.catalogue import load_catalogue  # noqa: E402
from indicators.follow_up import status_table  # noqa: E402
from indicators.goals import list_goals  # noqa: E402
from indicators.ranking import ranking as rank_by  # noqa: E402
from indicators.vocabulary import ALL_LEVELS  # noqa: E402

#: The indicator timed for the series and the ranking (greenhouse-gas emissions per
#: inhabitant in the catalogue; any catalogue indicator present in the database would do).
DEFAULT_KPI = "N00401"
WARM_UPS = 2


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile by linear interpolation between closest ranks."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def timed(operation: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of ``repeat`` runs after :data:`WARM_UPS` untimed ones.

    The CPU time of this process is shown besides the wall-clock time because it is less
    disturbed by other programs competing for the machine.
    """
    for _ in range(WARM_UPS):
        operation()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        operation()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--kpi", default=DEFAULT_KPI, help="KPI for the series and the ranking")
    parser.add_argument(
        "--database",
        type=Path,
        help="time an existing SQLite file instead (e.g. a copy with another index)",
    )
    add_database_url_option(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    started = time.perf_counter()
    if args.database is not None:
        if not args.database.is_file():
            parser.error(f"--database {args.database}: no such file")
        url = f"sqlite:///{args.database.resolve()}"
    else:
        url = sweden_scale_database_url(
            args.database_url, n_indicators=args.indicators, years=args.years, seed=args.seed
        )
    prepared = time.perf_counter() - started
    engine = open_database(url)
    catalogue = load_catalogue()
    kpi_ids = [indicator.kpi_id for indicator in catalogue]
    area_ids = list(DEFAULT_AREAS)
    if args.kpi not in kpi_ids:
        parser.error(f"--kpi {args.kpi} is not in the indicator catalogue")

    def status_matrix(genders: tuple[str, ...]) -> Callable[[], object]:
        def run() -> object:
            points = queries.series_points(
                engine, kpi_ids=kpi_ids, area_ids=area_ids, genders=genders
            )
            goals = list_goals(engine)
            return status_table(
                points,
                goals,
                catalogue,
                area_ids=area_ids,
                levels=ALL_LEVELS,
                genders=genders,
            )

        return run

    def series() -> object:
        return queries.observations(engine, kpi_ids=[args.kpi], area_ids=area_ids)

    def ranking() -> object:
        observations = queries.observations(engine, kpi_ids=[args.kpi], with_values_only=True)
        return rank_by(observations, args.kpi).ranks

    table = status_matrix(("T",))()
    ranked = ranking()
    operations = [
        (
            f"status matrix, 17 areas × {len(kpi_ids)} indicators, T ({len(table)} rows)",
            status_matrix(("T",)),
            200.0,
        ),
        ("status matrix, as above with T, K and M", status_matrix(("T", "K", "M")), None),
        (f"series, {args.kpi}, 17 areas", series, 20.0),
        (f"ranking, {args.kpi}, all {len(ranked)} municipalities", ranking, 50.0),
    ]

    print(f"machine:  {os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()}")
    shown = engine.url.render_as_string(hide_password=True)
    print(f"database: {shown} ({database_size(engine)}; ready in {prepared:.1f} s)")
    print(f"repeats:  {args.repeat} after {WARM_UPS} warm-ups")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print(f"{'milliseconds':<14}{'median':>9}{'p95':>9}{'min':>9}{'CPU median':>12}  target")
    for name, operation, target in operations:
        wall, cpu = timed(operation, args.repeat)
        median = statistics.median(wall)
        goal = f"≤ {target:.0f}" if target is not None else "–"
        verdict = "" if target is None else (" ok" if median <= target else " over")
        print(name)
        print(
            f"{'':<14}{median:>9.1f}{percentile(wall, 0.95):>9.1f}{min(wall):>9.1f}"
            f"{statistics.median(cpu):>12.1f}  {goal}{verdict}"
        )
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
