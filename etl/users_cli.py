"""Command line for editor accounts: ``users add NAME``, ``users remove NAME``, ``users list``.

Editors sign in on the dashboard (``/logga-in``) to change goals, qualitative assessments and
slideshows; everyone else reads. The password is asked for twice without echo (``getpass``), or
read from the first line of standard input with ``--password-stdin`` (for scripts). Exit codes:
0 done, 1 refused (the reason printed to stderr).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from sqlalchemy import Engine

from data.db import open_database
from etl.options import add_database_option
from indicators.editors import (
    MIN_PASSWORD_LENGTH,
    UserError,
    add_editor,
    list_editors,
    remove_editor,
)


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``users`` with its subcommands ``add``, ``remove`` and ``list``."""
    parser = subparsers.add_parser(
        "users",
        help="redaktörer: skapa, ta bort och lista konton",
        description="Redaktörer loggar in på instrumentpanelen (/logga-in) för att ändra mål, "
        "kvalitativa bedömningar och bildspel. Alla andra kan läsa utan konto. Utan något "
        "konto går instrumentpanelen bara att läsa.",
    )
    commands = parser.add_subparsers(dest="users_command", required=True, metavar="KOMMANDO")

    adding = commands.add_parser(
        "add",
        help="skapa ett redaktörskonto",
        description="Skapar ett konto. Lösenordet frågas efter två gånger (utan att synas), "
        f"minst {MIN_PASSWORD_LENGTH} tecken; bara en saltad hash sparas.",
    )
    adding.add_argument("name", metavar="NAMN", help="redaktörens namn, t.ex. anna.berg")
    adding.add_argument(
        "--password-stdin",
        action="store_true",
        help="läs lösenordet från första raden på standard in (för skript)",
    )
    add_database_option(adding)
    adding.set_defaults(handler=run_add, failure="Kontot skapades inte")

    removing = commands.add_parser(
        "remove",
        help="ta bort ett redaktörskonto",
        description="Tar bort kontot; den som är inloggad med det loggas ut vid nästa klick.",
    )
    removing.add_argument("name", metavar="NAMN", help="kontots namn")
    add_database_option(removing)
    removing.set_defaults(handler=run_remove, failure="Kontot togs inte bort")

    listing = commands.add_parser(
        "list",
        help="lista redaktörskontona",
        description="Listar kontona, ett per rad: namn och när det skapades (UTC).",
    )
    add_database_option(listing)
    listing.set_defaults(handler=run_list, failure="Kunde inte lista kontona")
    return parser


def _open(args: argparse.Namespace) -> Engine:
    return open_database(getattr(args, "database_url", None))


def _password(args: argparse.Namespace) -> str | None:
    """The new password, from standard input or asked for twice; ``None`` when the two
    answers differ."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Lösenord: ")
    second = getpass.getpass("Samma lösenord igen: ")
    return first if first == second else None


def run_add(args: argparse.Namespace) -> int:
    password = _password(args)
    if password is None:
        print("Lösenorden var olika; inget konto skapades.", file=sys.stderr)
        return 1
    engine = _open(args)
    try:
        editor = add_editor(engine, args.name, password)
    except UserError as error:
        print(f"Kontot skapades inte: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f'Redaktören "{editor.name}" kan nu logga in på /logga-in.')
    return 0


def run_remove(args: argparse.Namespace) -> int:
    engine = _open(args)
    try:
        removed = remove_editor(engine, args.name)
    except UserError as error:
        print(f"Kontot togs inte bort: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f'Redaktören "{removed.name}" är borttagen.')
    return 0


def run_list(args: argparse.Namespace) -> int:
    engine = _open(args)
    try:
        editors = list_editors(engine)
    finally:
        engine.dispose()
    for editor in editors:
        print(f"{editor.name}\tskapad {editor.created_at:%Y-%m-%d %H:%M} UTC")
    if not editors:
        print(
            "Inga redaktörer: instrumentpanelen går bara att läsa. "
            "Skapa ett konto med: python -m etl users add NAMN"
        )
    else:
        print(f"{len(editors)} {'redaktör' if len(editors) == 1 else 'redaktörer'}.")
    return 0
