"""Alembic migrations of the dashboard's schema, configured in code (no ``alembic.ini``).

``versions/`` holds one revision file per schema change; the first, ``0001_schema_v3``, is the
whole schema as it stood at version 3, when the dashboard moved to Alembic. The dashboard and
the ETL upgrade a database on start (:func:`data.db.open_database`), so nobody needs to run a
migration by hand. To add one, from the project folder::

    python -m data.migrations revision -m "Add notes to goals"
    python -m data.migrations revision --autogenerate -m "Add notes to goals"

The second form compares ``data.models`` with the database that ``DATABASE_URL`` (else the
default SQLite file) names, which must be at the current head. Either way the new file is
named ``versions/NNNN_<words of the message>.py`` with that name as its revision id; review
it (autogenerate misses check constraints and ``sqlite_with_rowid``), use
``op.batch_alter_table`` for changes to existing tables so they also work on SQLite, and bump
``data.models.SCHEMA_VERSION`` by one. ``tests/unit/test_db.py`` checks that the revisions
create exactly the models and that ``SCHEMA_VERSION`` keeps in step with them.
Other Alembic commands work the same way: ``python -m data.migrations history``, ``heads``.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent

#: Folders with revision files; tests add a folder of their own.
VERSION_LOCATIONS: tuple[Path, ...] = (MIGRATIONS_DIR / "versions",)

#: The revision that creates the schema of version 3, the last one numbered by hand.
FIRST_REVISION = "0001_schema_v3"
#: The ``schema_version`` (in ``meta``) that :data:`FIRST_REVISION` stands for.
FIRST_REVISION_SCHEMA_VERSION = 3

#: The table in which Alembic records a database's revision.
VERSION_TABLE = "alembic_version"
#: Alembic's ``alembic_version.version_num`` is ``VARCHAR(32)``: revision ids must fit.
MAX_REVISION_ID_LENGTH = 32


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for this project, built in code.

    With ``connection``, commands such as ``command.upgrade`` run on that connection (and in
    its transaction) instead of opening the configured database themselves.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations", os.pathsep.join(str(path) for path in VERSION_LOCATIONS)
    )
    # A revision file is named by its revision id alone ("%%" is a literal "%").
    config.set_main_option("file_template", "%%(rev)s")
    if importlib.util.find_spec("ruff") is not None:  # a development install
        config.set_section_option("post_write_hooks", "hooks", "ruff_format")
        config.set_section_option("post_write_hooks", "ruff_format.type", "module")
        config.set_section_option("post_write_hooks", "ruff_format.module", "ruff")
        config.set_section_option(
            "post_write_hooks", "ruff_format.options", "format REVISION_SCRIPT_FILENAME"
        )
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    """The revision files, read afresh."""
    return ScriptDirectory.from_config(alembic_config())


def head_revision(script: ScriptDirectory | None = None) -> str:
    """The newest revision: the schema that this program writes and reads."""
    head = (script or script_directory()).get_current_head()
    if head is None:
        raise RuntimeError(f"no Alembic revisions under {VERSION_LOCATIONS}")
    return head


def next_revision_id(message: str | None, script: ScriptDirectory | None = None) -> str:
    """A readable id for a new revision: the next number and the message's first words,
    e.g. ``0002_add_notes_to_goals``, at most :data:`MAX_REVISION_ID_LENGTH` characters."""
    script = script or script_directory()
    number = len(list(script.walk_revisions())) + 1
    words = re.sub(r"[^a-z0-9]+", "_", (message or "").lower()).strip("_")
    revision_id = f"{number:04d}_{words}".rstrip("_")
    return revision_id[:MAX_REVISION_ID_LENGTH].rstrip("_")
