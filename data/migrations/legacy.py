"""Databases from before Alembic: schema versions 1 and 2 brought to version 3.

Version 3 is the schema of the first revision (:data:`data.migrations.FIRST_REVISION`), so a
database these steps bring to version 3 is then stamped at that revision by ``data.db``. The
steps are Alembic operations and reuse the first revision's table definitions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import ModuleType

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Connection

from data.migrations import FIRST_REVISION, FIRST_REVISION_SCHEMA_VERSION, script_directory

log = logging.getLogger(__name__)


def _add_follow_up_tables(op: Operations, first: ModuleType) -> None:
    """Version 1 → 2: slideshows and qualitative assessments (new tables only)."""
    first.create_slideshows()
    first.create_qualitative_assessments()


def _cluster_observations(op: Operations, first: ModuleType) -> None:
    """Version 2 → 3: on SQLite, rebuild ``observations`` clustered on its key (WITHOUT ROWID,
    key order KPI, area, gender, year), so reading series needs no second lookup per row.
    Other databases keep their table (the key is the same set of columns) and get version 3's
    indexes (gender before year) in place of version 2's."""
    if op.get_bind().dialect.name != "sqlite":
        for name in ("ix_observations_area_kpi", "ix_observations_kpi_year"):
            op.drop_index(name, table_name="observations", if_exists=True)
        first.create_observations_indexes()
        return
    # The table as version 3 has it; the rows are copied over by column name, and the old
    # table goes with its indexes, which are then made anew.
    version_3 = sa.Table(
        "observations", sa.MetaData(), *first.observations_elements(), **first.OBSERVATIONS_OPTIONS
    )
    with op.batch_alter_table(
        "observations",
        recreate="always",
        copy_from=version_3,
        table_kwargs=first.OBSERVATIONS_OPTIONS,
    ):
        pass
    first.create_observations_indexes()


#: Steps that bring a database from version N to N + 1, keyed by N.
STEPS: dict[int, Callable[[Operations, ModuleType], None]] = {
    1: _add_follow_up_tables,
    2: _cluster_observations,
}


def can_migrate(version: int) -> bool:
    """Whether there are steps from ``version`` up to the first revision's version."""
    return all(step in STEPS for step in range(version, FIRST_REVISION_SCHEMA_VERSION))


def migrate_to_first_revision(connection: Connection, version: int) -> None:
    """Bring a database at ``version`` (before Alembic) to the first revision's schema, in the
    connection's transaction. Check :func:`can_migrate` first."""
    script = script_directory().get_revision(FIRST_REVISION)
    assert script is not None, FIRST_REVISION
    first = script.module
    with Operations.context(MigrationContext.configure(connection)) as op:
        for step in range(version, FIRST_REVISION_SCHEMA_VERSION):
            log.info("Migrating database schema %d → %d", step, step + 1)
            STEPS[step](op, first)
