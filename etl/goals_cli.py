"""Command line for goals: ``goals import FILE``, ``goals export FILE``, ``goals list``.

Each command first loads the shipped goal catalogue into the database (it changes nothing when
the catalogue is already loaded), so that imports are checked against it and lists show it.
Exit codes: 0 done, 1 a bad file or another error (every problem printed to stderr, one a line).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from data.areas import DEFAULT_AREAS
from data.db import open_database
from data.goals import ORIGIN_USER, GoalError, GoalRecord
from etl.options import add_database_option
from indicators.goal_text import LINE, goal_in_words
from indicators.goals import (
    export_goals_csv,
    import_goals_csv,
    list_goals,
    sync_catalogue_goals,
)
from indicators.vocabulary import GOAL_LEVELS, ORIGINS

#: Who the change log names for changes made here (no editor's name has parentheses).
CHANGED_BY = "(kommandoraden)"


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``goals`` with its subcommands ``import``, ``export`` and ``list``."""
    parser = subparsers.add_parser(
        "goals",
        help="mål: importera och exportera egna mål, lista alla",
        description="Mål på fyra nivåer: målkatalogen (med källor) och egna lokala och "
        "regionala mål. Egna mål läses från och skrivs till CSV-filer.",
    )
    commands = parser.add_subparsers(dest="goals_command", required=True, metavar="KOMMANDO")

    importing = commands.add_parser(
        "import",
        help="lägg till eller ändra egna mål från en CSV-fil",
        description="Läser egna mål från en CSV-fil (samma kolumner som export). Varje rad "
        "kontrolleras först; har filen något fel sparas ingenting och alla fel skrivs ut. "
        "Decimalkomma (1,5) och semikolonavgränsade filer från Excel går bra. Rader från en "
        "export har målets version: ett mål som någon annan har ändrat eller tagit bort sedan "
        "exporten skrivs inte över, utan raden listas (med de ändrade fälten) och ingenting "
        "sparas. Töm versionen på en rad för att skriva över ändå.",
    )
    importing.add_argument("file", metavar="FIL", type=Path, help="CSV-filen med mål")
    importing.add_argument(
        "--note", default="", metavar="TEXT", help="anteckning i ändringsloggen, t.ex. beslutet"
    )
    add_database_option(importing)
    importing.set_defaults(handler=run_import, failure="Importen misslyckades")

    exporting = commands.add_parser(
        "export",
        help="skriv egna mål (eller alla med --all) till en CSV-fil",
        description="Skriver mål som CSV (UTF-8, decimalpunkt) som kan ändras och importeras "
        "igen. Ange - som FIL för att skriva till standard ut.",
    )
    exporting.add_argument("file", metavar="FIL", help="CSV-filen att skriva, eller -")
    exporting.add_argument(
        "--all", action="store_true", help="ta med målkatalogens mål, inte bara egna mål"
    )
    add_database_option(exporting)
    exporting.set_defaults(handler=run_export, failure="Exporten misslyckades")

    listing = commands.add_parser(
        "list",
        help="lista målen",
        description="Listar målen, ett per rad: id, nivå, nyckeltal, mål, områden och ursprung.",
    )
    listing.add_argument("--kpi", metavar="ID", help="bara mål för detta nyckeltal")
    listing.add_argument("--level", choices=GOAL_LEVELS, help="bara mål på denna nivå")
    listing.add_argument(
        "--area", metavar="ID", help="bara mål som gäller detta område, t.ex. 2062"
    )
    add_database_option(listing)
    listing.set_defaults(handler=run_list, failure="Kunde inte lista målen")
    return parser


def _open(args: argparse.Namespace) -> Engine:
    engine = open_database(getattr(args, "database_url", None))
    sync_catalogue_goals(engine)
    return engine


def _print_error(error: GoalError) -> None:
    for line in str(error).splitlines():
        print(line, file=sys.stderr)


def run_import(args: argparse.Namespace) -> int:
    try:
        engine = _open(args)
        result = import_goals_csv(engine, args.file, note=args.note, changed_by=CHANGED_BY)
    except GoalError as error:
        count = len(getattr(error, "problems", [])) or 1
        print(f"Ingenting importerades från {args.file} ({count} fel):", file=sys.stderr)
        _print_error(error)
        return 1
    except OSError as error:
        print(f"Kunde inte läsa {args.file}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(
        f"Importerade från {args.file}: {len(result.added)} nya, {len(result.changed)} ändrade, "
        f"{len(result.unchanged)} oförändrade mål."
    )
    return 0


def run_export(args: argparse.Namespace) -> int:
    try:
        engine = _open(args)
        origin = None if args.all else ORIGIN_USER
        if args.file == "-":
            export_goals_csv(engine, sys.stdout, origin=origin)
            return 0
        count = export_goals_csv(engine, Path(args.file), origin=origin)
    except GoalError as error:
        _print_error(error)
        return 1
    except OSError as error:
        print(f"Kunde inte skriva {args.file}: {error.strerror or error}", file=sys.stderr)
        return 1
    what = "mål" if args.all else "egna mål"
    print(f"Exporterade {count} {what} till {args.file}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    try:
        engine = _open(args)
    except GoalError as error:
        _print_error(error)
        return 1
    goals = list_goals(engine, kpi_id=args.kpi, level=args.level, area_id=args.area)
    for goal in goals:
        print(describe_goal(goal))
    print(f"{len(goals)} mål.")
    return 0


# --- Swedish one-line descriptions -------------------------------------------------------


def describe_target(goal: GoalRecord) -> str:
    """The goal's target in words, e.g. "högst 1,5 år 2030" or "−70 % från 2010 år 2030"."""
    return goal_in_words(goal, LINE)


def describe_areas(goal: GoalRecord) -> str:
    if goal.areas is None:
        return "alla områden"
    names = [DEFAULT_AREAS.get(area, (area, ""))[0] for area in goal.areas]
    if len(names) > 3:
        return f"{names[0]}, {names[1]} m.fl. ({len(names)} områden)"
    return ", ".join(names)


def describe_goal(goal: GoalRecord) -> str:
    """One tab-separated line: id, level, KPI, target, areas, origin."""
    origin = ORIGINS[goal.origin].adjective if goal.origin in ORIGINS else (goal.origin or "")
    return "\t".join(
        (goal.id, goal.level, goal.kpi_id, describe_target(goal), describe_areas(goal), origin)
    )
