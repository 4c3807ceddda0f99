"""Command-line options shared by the `python -m etl` subcommands."""

from __future__ import annotations

import argparse


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """``--database-url`` on a subcommand (it wins over ``DATABASE_URL``)."""
    # SUPPRESS keeps a --database-url given to the parent parser from being reset to None.
    parser.add_argument(
        "--database-url",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="databasens SQLAlchemy-adress; går före DATABASE_URL",
    )
