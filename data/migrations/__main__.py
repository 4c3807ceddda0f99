"""Alembic's command line with this project's configuration: ``python -m data.migrations ...``.

Run it from the project folder, e.g. ``python -m data.migrations revision -m "Add notes"``;
``revision`` names the new file and revision with the next number and the message's words
unless ``--rev-id`` is given. Commands that touch a database (``current``, ``upgrade``,
``stamp``, ``revision --autogenerate``) use ``DATABASE_URL``, else the default SQLite file;
the dashboard and the ETL upgrade their database on start, so ``upgrade`` is rarely needed.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from alembic import command
from alembic.config import CommandLine

from data.migrations import alembic_config, next_revision_id


def main(argv: Sequence[str] | None = None) -> int:
    cli = CommandLine(prog="python -m data.migrations")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    if options.cmd[0] is command.revision and not options.rev_id:
        options.rev_id = next_revision_id(options.message)
    config = alembic_config()
    config.cmd_opts = options
    cli.run_cmd(config, options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
