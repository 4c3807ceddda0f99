"""A second source for goals: ``goals.secondary_source_url``.

Revision ID: 0005_secondary_source_url
Revises: 0004_versions_and_change_log
Create Date: 2027-01-15

A goal's ``source_url`` points to the primary document (a proposition, a government decision,
the municipality's adopted plan); ``secondary_source_url`` keeps a second reference beside it,
such as the news item that reported the decision. Existing goals get an empty one.

On SQLite the table is rebuilt by hand, as in revision 0004, so that the schema text equals
what ``Base.metadata.create_all`` writes for the models (``ADD COLUMN`` would write the new
column after the table's constraints). On PostgreSQL the column is added at the end, where the
model has it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_secondary_source_url"
down_revision: str | Sequence[str] | None = "0004_versions_and_change_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMN = "secondary_source_url"


def _goal_columns() -> list[sa.Column]:
    """The columns of ``goals`` as revision 0004 left them (new objects on each call)."""
    return [
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kpi_id", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("operator", sa.String(length=2), nullable=True),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("relative_change", sa.Float(), nullable=True),
        sa.Column("band_low", sa.Float(), nullable=True),
        sa.Column("band_high", sa.Float(), nullable=True),
        sa.Column("direction", sa.String(length=8), nullable=True),
        sa.Column("base_year", sa.Integer(), nullable=True),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("areas", sa.JSON(), nullable=True),
        sa.Column("wording_sv", sa.Text(), nullable=False),
        sa.Column("source_document", sa.Text(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("adopted_year", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    ]


def _constraints() -> list[sa.schema.SchemaItem]:
    return [
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint(
            "level IN ('lokal', 'regional', 'nationell', 'global')", name="goal_level"
        ),
        sa.CheckConstraint(
            "kind IN ('absolute', 'relative', 'band', 'direction')", name="goal_kind"
        ),
    ]


def _rebuild_on_sqlite(*, with_column: bool) -> None:
    """Rebuild ``goals`` on SQLite with or without the new column, keeping the rows."""
    temporary = "_new_goals"
    extra = [sa.Column(COLUMN, sa.Text(), nullable=False)] if with_column else []
    op.create_table(temporary, *_goal_columns(), *extra, *_constraints())
    kept = ", ".join(f'"{column.name}"' for column in _goal_columns())
    if with_column:
        op.execute(f"INSERT INTO {temporary} ({kept}, \"{COLUMN}\") SELECT {kept}, '' FROM goals")
    else:
        op.execute(f"INSERT INTO {temporary} ({kept}) SELECT {kept} FROM goals")
    op.drop_table("goals")
    op.rename_table(temporary, "goals")
    op.create_index("ix_goals_kpi_id", "goals", ["kpi_id"], unique=False)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_column=True)
        return
    op.add_column("goals", sa.Column(COLUMN, sa.Text(), server_default="", nullable=False))
    op.alter_column("goals", COLUMN, server_default=None)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_column=False)
        return
    op.drop_column("goals", COLUMN)
