"""A full refresh of the default scope's size against a local Kolada server.

The server (``tests/kolada_server.py``) answers each request after 50 ms and holds generated
data the size of the default scope: 90 KPIs × 17 areas × 30 years, every fifth KPI by gender
too. The refresh runs into a temporary SQLite database with the client's real politeness
limit (5 requests/second unless ``--requests-per-second`` says otherwise).

Run from the project folder: ``.venv/bin/python benchmarks/etl_refresh.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from data.db import open_database  # noqa: E402
from data.models import Observation  # noqa: E402
from etl.config import KoladaSettings  # noqa: E402
from etl.kolada import KoladaClient  # noqa: E402
from etl.refresh import refresh  # noqa: E402
from tests.support.kolada_server import KoladaServer, generate_dataset  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=90)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--requests-per-second", type=float, default=5.0)
    args = parser.parse_args(argv)

    with KoladaServer(latency=args.latency) as server, tempfile.TemporaryDirectory() as folder:
        years = range(2024 - args.years, 2024)
        kpi_ids = generate_dataset(server, kpi_count=args.kpis, years=years)
        engine = open_database(f"sqlite:///{Path(folder) / 'benchmark.sqlite'}")
        settings = KoladaSettings(
            base_url=server.base_url, requests_per_second=args.requests_per_second
        )
        started = time.perf_counter()
        with KoladaClient(settings) as client:
            summary = refresh(engine, client, kpi_ids=kpi_ids, full=True)
        seconds = time.perf_counter() - started
        with Session(engine) as session:
            rows = session.scalar(select(func.count()).select_from(Observation))
        engine.dispose()

        print(f"scope:             {args.kpis} KPIs × 17 areas × {args.years} years")
        print(f"latency:           {args.latency * 1000:.0f} ms per request")
        print(f"rate limit:        {args.requests_per_second:g} requests/second")
        print(f"requests (client): {summary.http_requests}")
        print(f"requests (server): {server.request_count}")
        print(f"rows stored:       {rows}")
        print(f"seconds:           {seconds:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
