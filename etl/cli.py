"""Command line: ``python -m etl refresh | status | load | import-csv | goals | users``
(``--help`` on each).

Subcommands are registered by functions taking the subparsers object; add one to
:data:`COMMANDS` (or pass your own list to :func:`build_parser`). A registered parser sets
``handler`` (``Namespace -> int`` exit code) and may set ``failure`` (the Swedish lead-in of
the one error line printed when the handler raises).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from tqdm import tqdm

from data.db import (
    DATA_ORIGIN_KEY,
    database_label,
    database_writable,
    get_meta,
    open_database,
    require_writable,
)
from etl import goals_cli, users_cli
from etl.config import ENV_VARIABLES, KoladaSettings
from etl.kolada import KoladaClient
from etl.own_statistics import import_file
from etl.refresh import RunInProgressError, RunSummary, load_files, refresh
from etl.store import LAST_REFRESH_KEY, group_counts, kpi_coverage, recent_runs
from indicators.formatting import format_number

log = logging.getLogger(__name__)

Registrar = Callable[[Any], None]  # receives argparse's subparsers object

#: Exit status when another refresh or load holds the database (EX_TEMPFAIL: try again later).
EXIT_RUN_IN_PROGRESS = 75
OUTCOMES_SV = {"success": "lyckades", "failed": "misslyckades", "running": "pågår"}
ORIGINS_SV = {"kolada": "Kolada", "demo": "demodata (inte Koladas siffror)"}
_KOLADA_ID = re.compile(r"[A-Za-z0-9]+")


# --- shared options ----------------------------------------------------------------------


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="databasens SQLAlchemy-adress; går före DATABASE_URL "
        "(standard: SQLite-filen data/dashboard.sqlite)",
    )


def add_base_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help=f"Koladas API-adress; går före {ENV_VARIABLES['base_url']} "
        f"(standard: {KoladaSettings.base_url})",
    )


def kolada_id(text: str) -> str:
    """An argparse type: a Kolada id (letters and digits)."""
    if not _KOLADA_ID.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"inte ett Kolada-id (bara bokstäver och siffror): {text!r}"
        )
    return text


def swedish_number(value: float, decimals: int = 0) -> str:
    """1234567.8 → "1 234 567,8" for a terminal (a plain space between thousands)."""
    return format_number(value, decimals, thousands=" ")


# --- refresh -----------------------------------------------------------------------------


def register_refresh(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "refresh",
        help="hämta nyckeltal, områden och värden från Kolada",
        description="Hämtar från Kolada och sparar allt i en enda transaktion: antingen "
        "uppdateras databasen helt eller inte alls. Standard: katalogens nyckeltal för "
        "Dalarnas 15 kommuner, Region Dalarna och riket, alla år, och bara värden som "
        "ändrats sedan förra lyckade uppdateringen av samma urval. Koladas kommungrupper "
        "(liknande kommuner, SKR:s kommungrupper, länets kommuner) hämtas också, och "
        "medelvärdet för varje kommuns liknande kommuner.",
    )
    add_database_option(parser)
    add_base_url_option(parser)
    parser.add_argument(
        "--full",
        action="store_true",
        help="läs om allt (och ta bort värden Kolada inte längre har)",
    )
    parser.add_argument(
        "--all-municipalities",
        action="store_true",
        help="alla kommuner och regioner Kolada listar, inte bara Dalarnas",
    )
    parser.add_argument(
        "--similar-municipalities",
        action="store_true",
        help="hämta också värdena för varje kommuns liknande kommuner (Koladas grupper), så "
        "att de kan jämföras namn för namn; kräver fler anrop",
    )
    parser.add_argument(
        "--kpi",
        nargs="+",
        action="extend",
        type=kolada_id,
        metavar="ID",
        help="andra nyckeltal än katalogens, t.ex. N00401",
    )
    parser.add_argument(
        "--group", type=kolada_id, metavar="ID", help="en nyckeltalsgrupp i Kolada (kpi_groups)"
    )
    parser.add_argument(
        "--year", nargs="+", action="extend", type=int, metavar="ÅR", help="bara dessa år"
    )
    parser.set_defaults(
        handler=run_refresh,
        failure="Uppdateringen från Kolada misslyckades; databasen är oförändrad",
    )


def run_refresh(args: argparse.Namespace) -> int:
    engine = open_database(args.database_url)
    try:
        require_writable(engine)  # before anything is fetched: a read-only database says so
    except BaseException:
        engine.dispose()
        raise
    settings = KoladaSettings.from_env(base_url=args.base_url)
    bar = tqdm(
        desc="Hämtar från Kolada",
        unit="del",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        leave=False,
    )

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        with KoladaClient(settings) as client:
            summary = refresh(
                engine,
                client,
                kpi_ids=args.kpi,
                group=args.group,
                all_municipalities=args.all_municipalities,
                similar_municipalities=args.similar_municipalities,
                years=args.year,
                full=args.full,
                progress=progress,
            )
    finally:
        bar.close()
        engine.dispose()
    print(summary_line(summary))
    return 0


def summary_line(summary: RunSummary) -> str:
    """The one-line Swedish account of a successful run."""
    if summary.kind == "load":
        what = f"Inläsning klar ({swedish_number(summary.kpis)} nyckeltal, "
        what += f"{swedish_number(summary.areas)} områden)"
    elif summary.from_date is None:
        what = "Uppdatering klar (allt lästes om)"
    else:
        what = f"Uppdatering klar (ändringar sedan {summary.from_date.isoformat()})"
    requests = "" if summary.kind == "load" else f"{swedish_number(summary.http_requests)} anrop, "
    groups = (
        f"{swedish_number(summary.groups)} kommungrupper, "
        f"{swedish_number(summary.group_means)} gruppmedelvärden, "
        if summary.groups or summary.group_means
        else ""
    )
    return (
        f"{what}: {requests}"
        f"{swedish_number(summary.inserted)} nya, {swedish_number(summary.updated)} ändrade, "
        f"{swedish_number(summary.deleted)} borttagna värden, {groups}"
        f"{swedish_number(summary.seconds, 1)} s."
    )


# --- load --------------------------------------------------------------------------------


def register_load(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "load",
        help="läs in sparade svar från Koladas API (JSON-filer)",
        description="Läser sparade sidor från Koladas API v3 (data, nyckeltal, områden eller "
        "kommungrupper; typen känns igen på innehållet) och sparar alla filer i en enda "
        "transaktion. Värden för en kommungrupp (id som börjar med G) sparas som "
        "gruppmedelvärden; gruppen måste redan finnas eller läsas in samtidigt. "
        "Nyckeltal och områden som bara finns i data får enkla platshållare tills "
        "deras beskrivningar läses in.",
    )
    add_database_option(parser)
    parser.add_argument("files", nargs="+", type=Path, metavar="FIL", help="sparade JSON-sidor")
    parser.set_defaults(
        handler=run_load, failure="Inläsningen misslyckades; databasen är oförändrad"
    )


def run_load(args: argparse.Namespace) -> int:
    engine = open_database(args.database_url)
    try:
        require_writable(engine)
        summary = load_files(engine, args.files)
    finally:
        engine.dispose()
    print(summary_line(summary))
    return 0


# --- import-csv --------------------------------------------------------------------------


def register_import_csv(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import-csv",
        help="läs in egen statistik från en CSV-fil (värden som Kolada inte har)",
        description="Läser in värden ur en CSV-fil med kolumnerna kpi_id, area_id, year, "
        "gender, value (och valfritt status), i en enda transaktion: en felaktig rad stoppar "
        "hela filen och databasen är oförändrad. Egna nyckeltal (id som börjar med EGEN_) "
        "beskrivs i en metadatafil med --indicators. Filens värden ersätter de lagrade "
        "värdena för filens nyckeltal; Koladas värden rörs aldrig.",
    )
    add_database_option(parser)
    parser.add_argument("file", type=Path, metavar="FIL", help="CSV-filen med värden")
    parser.add_argument(
        "--indicators",
        type=Path,
        metavar="META.csv",
        help="metadatafil för nya egna nyckeltal: kpi_id, label, unit, sdg_goal, dimension, "
        "direction, source_name, source_url",
    )
    parser.add_argument(
        "--source",
        metavar="NAMN",
        help="källans namn för varje värde och nyckeltal i filen (standard: nyckeltalets "
        "source_name)",
    )
    parser.set_defaults(
        handler=run_import_csv,
        failure="Inläsningen av egen statistik misslyckades; databasen är oförändrad",
    )


def run_import_csv(args: argparse.Namespace) -> int:
    source = args.source.strip() if args.source else None
    engine = open_database(args.database_url)
    try:
        require_writable(engine)
        summary = import_file(
            engine, args.file, indicators_path=args.indicators, source=source or None
        )
    finally:
        engine.dispose()
    print(
        f"Egen statistik inläst ({swedish_number(summary.kpis)} nyckeltal, "
        f"{swedish_number(summary.areas)} områden): {swedish_number(summary.inserted)} nya, "
        f"{swedish_number(summary.updated)} ändrade, {swedish_number(summary.deleted)} "
        f"borttagna värden, {swedish_number(summary.seconds, 1)} s."
    )
    return 0


# --- status ------------------------------------------------------------------------------


def register_status(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "status",
        help="visa senaste körningarna och vad som finns per nyckeltal",
        description="Visar datakällan, antal sparade kommungrupper och gruppmedelvärden, de "
        "senaste körningarna och, per nyckeltal, antal värden, antal områden och senaste år.",
    )
    add_database_option(parser)
    parser.add_argument(
        "--runs", type=int, default=10, metavar="N", help="antal körningar att visa (standard 10)"
    )
    parser.set_defaults(handler=run_status, failure="Kunde inte visa status")


def run_status(args: argparse.Namespace) -> int:
    engine = open_database(args.database_url)
    try:
        with Session(engine) as session:
            origin = get_meta(session, DATA_ORIGIN_KEY)
            last_refresh = get_meta(session, LAST_REFRESH_KEY)
            runs = recent_runs(session, args.runs)
            coverage = kpi_coverage(session)
            groups, means = group_counts(session)
        writable = database_writable(engine)
    finally:
        engine.dispose()
    where = database_label(engine.url)
    print(f"Databas: {where}" + ("" if writable else " (skrivskyddad: kan bara läsas)"))
    source = ORIGINS_SV.get(origin or "", origin or "ingen data ännu")
    print(f"Data: {source}; senast uppdaterad från Kolada: {last_refresh or 'aldrig'}")
    print(
        f"Kommungrupper: {swedish_number(groups)} sparade, "
        f"med {swedish_number(means)} gruppmedelvärden"
    )
    print()
    print("Senaste körningar:")
    if not runs:
        print("  inga")
    for run in runs:
        print("  " + _run_line(run))
    print()
    print("Per nyckeltal:")
    if not coverage:
        print("  inga värden")
        return 0
    print(f"  {'nyckeltal':<10} {'värden':>8} {'områden':>8} {'senaste år':>10}  titel")
    for row in coverage:
        print(
            f"  {row.kpi_id:<10} {swedish_number(row.rows):>8} {row.areas:>8} "
            f"{row.newest_year if row.newest_year is not None else '–':>10}  {row.title}"
        )
    return 0


def _run_line(run: Any) -> str:
    started = run.started_at.strftime("%Y-%m-%d %H:%M") if run.started_at else "?"
    text = f"#{run.id} {run.kind} {started} UTC {OUTCOMES_SV.get(run.outcome, run.outcome)}"
    if run.kind == "refresh":
        text += ", allt" if run.full else f", sedan {run.from_date}"
        text += f", {swedish_number(run.http_requests)} anrop"
    if run.outcome == "success":
        text += (
            f", {swedish_number(run.rows_inserted)} nya, {swedish_number(run.rows_updated)} "
            f"ändrade, {swedish_number(run.rows_deleted)} borttagna"
        )
    if run.error:
        text += f" – {_one_line(run.error)}"
    return text


# --- entry point -------------------------------------------------------------------------

#: The subcommands of ``python -m etl``, in help order.
COMMANDS: list[Registrar] = [
    register_refresh,
    register_status,
    register_load,
    register_import_csv,
    goals_cli.register,
    users_cli.register,
]


def build_parser(commands: Iterable[Registrar] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m etl",
        description="Hämtar nyckeltal från Kolada (Källa: Kolada) till instrumentpanelens databas.",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="mer diagnostik på stderr (-vv för allt)",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    for register in COMMANDS if commands is None else commands:
        register(subparsers)
    return parser


def configure_logging(verbosity: int) -> None:
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    # urllib3 announces each retry; the run's own outcome is reported once instead.
    logging.getLogger("urllib3").setLevel(logging.DEBUG if verbosity > 1 else logging.ERROR)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("Avbrutet; databasen är oförändrad.", file=sys.stderr)
        return 130
    except RunInProgressError as busy:  # not a failure: the other run does the work
        print(str(busy), file=sys.stderr)
        return EXIT_RUN_IN_PROGRESS
    except Exception as exc:
        log.debug("Failure", exc_info=True)
        lead = getattr(args, "failure", "Fel")
        print(f"{lead}: {_one_line(str(exc))}", file=sys.stderr)
        return 1


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else text


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
