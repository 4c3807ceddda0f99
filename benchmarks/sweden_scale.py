"""A generated database the size of all of Sweden, for timing the queries.

312 areas (Riket 0000, the 21 regions and 290 municipalities: Dalarna's 15 with their real codes
and names, the others with realistic codes under their county's prefix and generated names),
``n_indicators`` KPIs (the indicator catalogue's ids first, then generated ids ``Z00001`` …),
``years`` years ending 2024, three genders (T, K, M) per key. Values are random walks: on the
logit scale for shares with a natural limit of 100, on the log scale otherwise; women and men
lie either side of the total; about one key in a hundred has a row without a value. The goal
catalogue is synced as in a real database, and ``meta`` records ``data_origin = "demo"``: the
numbers are generated, not Kolada's.

:func:`cached_sweden_scale_database` builds the file once under the system's temporary folder
and reuses it while the parameters (and this generator's version) are the same.

Run from the project folder to build (or find) the cached file and print its path:
``.venv/bin/python benchmarks/sweden_scale.py``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import numpy as np  # noqa: E402  (installed with pandas)
from sqlalchemy import Engine, func, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from data.areas import DALARNA_MUNICIPALITIES, REGION_DALARNA, RIKET, county_of  # noqa: E402
from data.db import (  # noqa: E402
    DATA_ORIGIN_DEMO,
    DATA_ORIGIN_KEY,
    get_meta,
    open_database,
    set_meta,
)
from data.models import SCHEMA_VERSION, Area, EtlRun, Kpi, Observation, utcnow  # noqa: E402
from indicators.catalogue import load_catalogue  # noqa: E402
from indicators.goals import sync_catalogue_goals  # noqa: E402

log = logging.getLogger(__name__)

#: Bump when the generated content changes, so that cached files are rebuilt.
GENERATOR_VERSION = 1
PARAMETERS_META_KEY = "sweden_scale_parameters"
DEFAULT_SEED = 20240
LAST_YEAR = 2024
GENDERS: tuple[str, ...] = ("T", "K", "M")
MISSING_SHARE = 0.01
MISSING_STATUS = "Missing"
CACHE_FOLDER_NAME = "dalarna-indicators-benchmark"

#: The 21 regions: code → (name, number of municipalities in the county).
REGIONS: dict[str, tuple[str, int]] = {
    "0001": ("Region Stockholm", 26),
    "0003": ("Region Uppsala", 8),
    "0004": ("Region Sörmland", 9),
    "0005": ("Region Östergötland", 13),
    "0006": ("Region Jönköpings län", 13),
    "0007": ("Region Kronoberg", 8),
    "0008": ("Region Kalmar", 12),
    "0009": ("Region Gotland", 1),
    "0010": ("Region Blekinge", 5),
    "0012": ("Region Skåne", 33),
    "0013": ("Region Halland", 6),
    "0014": ("Västra Götalandsregionen", 49),
    "0017": ("Region Värmland", 16),
    "0018": ("Region Örebro län", 12),
    "0019": ("Region Västmanland", 10),
    REGION_DALARNA: ("Region Dalarna", 15),
    "0021": ("Region Gävleborg", 10),
    "0022": ("Region Västernorrland", 7),
    "0023": ("Region Jämtland Härjedalen", 8),
    "0024": ("Region Västerbotten", 15),
    "0025": ("Region Norrbotten", 14),
}


def sweden_areas() -> dict[str, tuple[str, str]]:
    """The 312 areas: id → (title, type). Dalarna's municipalities are real, the others'
    codes follow their county's prefix (``cc`` + two digits) and their names are generated."""
    result: dict[str, tuple[str, str]] = {RIKET: ("Riket", "L")}
    for region_id, (title, count) in REGIONS.items():
        result[region_id] = (title, "L")
        county = region_id[2:]
        if region_id == REGION_DALARNA:
            codes = {code: name for code, name in DALARNA_MUNICIPALITIES.items()}
        else:
            # Real codes are spread over 01–99 within a county; spread these the same way.
            step = max(1, 88 // count)
            codes = {
                f"{county}{10 + i * step:02d}": f"Kommun {county}{10 + i * step:02d}"
                for i in range(count)
            }
        result.update({code: (name, "K") for code, name in codes.items()})
    return result


def benchmark_kpi_ids(n_indicators: int) -> list[str]:
    """The catalogue's KPI ids first, then generated ids ``Z00001`` … up to ``n_indicators``."""
    ids = [indicator.kpi_id for indicator in load_catalogue()][:n_indicators]
    ids += [f"Z{i:05d}" for i in range(1, n_indicators - len(ids) + 1)]
    return ids


def parameters(n_indicators: int, years: int, seed: int) -> dict[str, int]:
    return {
        "n_indicators": n_indicators,
        "years": years,
        "seed": seed,
        "schema_version": SCHEMA_VERSION,
        "generator_version": GENERATOR_VERSION,
    }


def _sqlite_path(url_or_path: str | os.PathLike[str]) -> tuple[str, Path | None]:
    """The SQLAlchemy URL and, for a SQLite file, its path."""
    text = os.fspath(url_or_path)
    if "://" not in text:
        return f"sqlite:///{Path(text).resolve()}", Path(text).resolve()
    url = make_url(text)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return text, Path(url.database).resolve()
    return text, None


def _observation_rows(
    kpi_ids: list[str], area_ids: list[str], years: int, seed: int
) -> tuple[list[tuple], int]:
    """Every observation row as a tuple in the model's column order, sorted by primary key."""
    limits = {i.kpi_id: (i.natural_limit, i.decimals) for i in load_catalogue()}
    first_year = LAST_YEAR - years + 1
    year_list = list(range(first_year, LAST_YEAR + 1))
    rng = np.random.default_rng(seed)
    n_areas = len(area_ids)
    rows: list[tuple] = []
    missing = 0
    for kpi_id in kpi_ids:
        natural_limit, decimals = limits.get(kpi_id, (None, 1))
        is_share = natural_limit == 100
        # Levels and walks on the transformed scale: logit for shares, log otherwise.
        level = rng.normal(0.0 if is_share else np.log(rng.uniform(5, 5000)), 0.6, n_areas)
        drift = rng.normal(0.0, 0.02, n_areas)
        steps = rng.normal(0.0, 0.04, (n_areas, years))
        walk = level[:, None] + np.cumsum(steps + drift[:, None], axis=1)
        gap = rng.normal(0.0, 0.08, n_areas)[:, None]
        scaled = {"T": walk, "K": walk + gap, "M": walk - gap}
        values = {}
        for gender, x in scaled.items():
            v = 100.0 / (1.0 + np.exp(-x)) if is_share else np.exp(x)
            values[gender] = np.round(v, decimals + 1).tolist()
        absent = (rng.random((n_areas, years)) < MISSING_SHARE).tolist()
        for a, area_id in enumerate(area_ids):
            absent_row = absent[a]
            by_gender = [(g, values[g][a]) for g in sorted(GENDERS)]
            for y, year in enumerate(year_list):
                if absent_row[y]:
                    missing += len(GENDERS)
                    rows.extend(
                        (kpi_id, area_id, year, g, None, MISSING_STATUS, None) for g, _ in by_gender
                    )
                else:
                    rows.extend((kpi_id, area_id, year, g, v[y], "", 1) for g, v in by_gender)
    return rows, missing


def build_sweden_scale_database(
    url_or_path: str | os.PathLike[str],
    *,
    n_indicators: int = 100,
    years: int = 30,
    seed: int = DEFAULT_SEED,
) -> Engine:
    """Fill a new, empty database with the Sweden-scale dataset and return its engine.

    ``url_or_path`` is a database URL or the path of a SQLite file. On SQLite the rows are
    written with the ``sqlite3`` module's ``executemany`` in one transaction (a few seconds
    per million rows); other databases get SQLAlchemy's bulk insert.
    """
    if n_indicators < 1 or years < 2:
        raise ValueError(f"need n_indicators ≥ 1 and years ≥ 2, got {n_indicators}, {years}")
    url, path = _sqlite_path(url_or_path)
    engine = open_database(url)
    with Session(engine) as session:
        if session.scalar(select(Observation.kpi_id).limit(1)) is not None:
            raise ValueError(f"{url}: the database already holds observations")

    started = time.perf_counter()
    area_map = sweden_areas()
    kpi_ids = benchmark_kpi_ids(n_indicators)
    catalogue = {i.kpi_id: i for i in load_catalogue()}
    params = parameters(n_indicators, years, seed)
    with Session(engine) as session, session.begin():
        run = EtlRun(kind="demo", scope={"benchmark": "sweden_scale", **params})
        session.add(run)
        session.add_all(
            Area(id=a, title=title, type=kind, county=county_of(a, kind))
            for a, (title, kind) in area_map.items()
        )
        for kpi_id in kpi_ids:
            indicator = catalogue.get(kpi_id)
            session.add(
                Kpi(
                    id=kpi_id,
                    title=indicator.kolada_title if indicator else f"Genererat nyckeltal {kpi_id}",
                    description="Genererade värden för prestandamätning, inte Koladas.",
                    unit=indicator.unit if indicator else "antal",
                    is_divided_by_gender=True,
                    municipality_type="A",
                )
            )
        set_meta(session, DATA_ORIGIN_KEY, DATA_ORIGIN_DEMO)
        session.flush()
        run_id = run.id

    rows, missing = _observation_rows(kpi_ids, sorted(area_map), years, seed)
    generated = time.perf_counter()
    columns = ("kpi_id", "area_id", "year", "gender", "value", "status", "count")
    if path is not None:
        engine.dispose()
        connection = sqlite3.connect(path)
        try:
            # A new file that is rebuilt if anything fails: no journal needed while loading.
            connection.execute("PRAGMA journal_mode=OFF")
            connection.execute("PRAGMA synchronous=OFF")
            # Rows arrive in primary-key order; the secondary indexes are faster built after.
            indexes = connection.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'observations'"
                " AND sql IS NOT NULL"
            ).fetchall()
            with connection:
                for (sql,) in indexes:
                    name = sql.split()[2]
                    connection.execute(f"DROP INDEX {name}")
                connection.executemany(
                    f"INSERT INTO observations ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' * len(columns))})",
                    rows,
                )
                for (sql,) in indexes:
                    connection.execute(sql)
            connection.execute("ANALYZE")
            connection.execute("PRAGMA journal_mode=WAL")
        finally:
            connection.close()
        engine = open_database(url)
    elif engine.dialect.name == "postgresql":
        _copy_into_postgresql(engine, columns, rows)
    else:
        chunk = 50_000
        with engine.begin() as connection:
            for start in range(0, len(rows), chunk):
                connection.execute(
                    insert(Observation),
                    [dict(zip(columns, row, strict=True)) for row in rows[start : start + chunk]],
                )
    sync_catalogue_goals(engine)
    with Session(engine) as session, session.begin():
        run = session.get(EtlRun, run_id)
        assert run is not None
        run.outcome = "success"
        run.rows_inserted = len(rows)
        run.finished_at = utcnow()
        # Last: a build that stopped half-way records no parameters and is never reused.
        set_meta(session, PARAMETERS_META_KEY, json.dumps(params, sort_keys=True))
    log.info(
        "Sweden-scale database: %d rows (%d without a value) generated in %.1f s, stored in %.1f s",
        len(rows),
        missing,
        generated - started,
        time.perf_counter() - generated,
    )
    return engine


def _copy_into_postgresql(engine: Engine, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """The rows through ``COPY`` in one transaction, the secondary indexes built after them,
    then ``ANALYZE`` (a fresh table has no statistics for the planner)."""
    with engine.begin() as connection:
        indexes = connection.exec_driver_sql(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'observations' AND left(indexname, 3) = 'ix_'"
        ).all()
        for name, _definition in indexes:
            connection.exec_driver_sql(f"DROP INDEX {name}")
        cursor = connection.connection.cursor()
        with cursor.copy(f"COPY observations ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        for _name, definition in indexes:
            connection.exec_driver_sql(definition)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def sweden_scale_database_url(
    database_url: str | None,
    *,
    n_indicators: int = 100,
    years: int = 30,
    seed: int = DEFAULT_SEED,
) -> str:
    """The URL of a Sweden-scale database with these parameters.

    Without ``database_url`` (or with a SQLite one): the cached SQLite file
    (:func:`cached_sweden_scale_database`). Another database, e.g. PostgreSQL, must be empty,
    and is then built, or hold a build with the same parameters, which is reused.
    """
    if database_url is None or make_url(database_url).get_backend_name() == "sqlite":
        if database_url is not None:
            _url, path = _sqlite_path(database_url)
            if path is None:
                raise ValueError(f"{database_url}: a SQLite database in a file is needed")
            if path.is_file():
                if _stored_parameters(path) != parameters(n_indicators, years, seed):
                    raise ValueError(f"{path} holds no Sweden-scale build with these parameters")
                return f"sqlite:///{path}"
            build_sweden_scale_database(
                path, n_indicators=n_indicators, years=years, seed=seed
            ).dispose()
            return f"sqlite:///{path}"
        path = cached_sweden_scale_database(n_indicators=n_indicators, years=years, seed=seed)
        return f"sqlite:///{path}"
    engine = open_database(database_url)
    try:
        with Session(engine) as session:
            stored = get_meta(session, PARAMETERS_META_KEY)
            has_rows = session.scalar(select(Area.id).limit(1)) is not None
    finally:
        engine.dispose()
    wanted = parameters(n_indicators, years, seed)
    if stored is not None and json.loads(stored) == wanted:
        log.info("Reusing %s", make_url(database_url).render_as_string(hide_password=True))
        return database_url
    if stored is not None or has_rows:
        raise ValueError(
            f"{make_url(database_url).render_as_string(hide_password=True)} holds other data "
            f"(or a build with other parameters): give an empty database"
        )
    build_sweden_scale_database(
        database_url, n_indicators=n_indicators, years=years, seed=seed
    ).dispose()
    return database_url


def database_size(engine: Engine) -> str:
    """The database's size on disk, e.g. "212 MB"."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            size = connection.scalar(select(func.pg_database_size(func.current_database())))
    elif engine.url.database and Path(engine.url.database).is_file():
        size = Path(engine.url.database).stat().st_size
    else:
        return "size unknown"
    return f"{(size or 0) / 1e6:.0f} MB"


def cache_folder() -> Path:
    """Where generated benchmark databases are kept between runs."""
    return Path(tempfile.gettempdir()) / CACHE_FOLDER_NAME


def cached_sweden_scale_database(
    *,
    n_indicators: int = 100,
    years: int = 30,
    seed: int = DEFAULT_SEED,
    folder: Path | None = None,
) -> Path:
    """The path of a Sweden-scale SQLite file with these parameters, built if not yet there.

    The file is built under a temporary name and renamed when complete, so an interrupted
    build is never reused; a file whose recorded parameters differ is rebuilt.
    """
    folder = folder or cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    params = parameters(n_indicators, years, seed)
    name = "sweden-{n_indicators}kpi-{years}y-seed{seed}-s{schema_version}-g{generator_version}"
    path = folder / (name.format(**params) + ".sqlite")
    if path.is_file() and _stored_parameters(path) == params:
        log.info("Reusing %s", path)
        return path
    partial = path.with_suffix(f".partial-{os.getpid()}")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    engine = build_sweden_scale_database(partial, n_indicators=n_indicators, years=years, seed=seed)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    os.replace(partial, path)
    for leftover in (Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    return path


def _stored_parameters(path: Path) -> dict[str, int] | None:
    """The parameters recorded in a cached file; None for a file that cannot be used."""
    try:
        connection = sqlite3.connect(path)
        try:
            row = connection.execute(
                "SELECT value FROM meta WHERE key = ?", (PARAMETERS_META_KEY,)
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:  # a damaged or foreign file is simply rebuilt
        log.warning("Cannot reuse %s (%s); rebuilding it", path, error)
        return None
    return json.loads(row[0]) if row else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    add_database_url_option(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    started = time.perf_counter()
    url = sweden_scale_database_url(
        args.database_url, n_indicators=args.indicators, years=args.years, seed=args.seed
    )
    engine = open_database(url)
    size = database_size(engine)
    engine.dispose()
    shown = make_url(url).render_as_string(hide_password=True)
    print(f"{shown} ({size}, {time.perf_counter() - started:.1f} s)")
    return 0


def add_database_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        metavar="URL",
        default=os.environ.get("BENCHMARK_DATABASE_URL"),
        help="build (once) and use the Sweden-scale data in this database, e.g. an empty "
        "PostgreSQL database (postgresql+psycopg://…); default BENCHMARK_DATABASE_URL, else a "
        "cached SQLite file under the temporary folder",
    )


if __name__ == "__main__":
    raise SystemExit(main())
