"""Own statistics: every observation names its source, and own indicators are stored.

Revision ID: 0006_own_statistics
Revises: 0005_secondary_source_url
Create Date: 2027-01-20

``observations.source`` says where a value comes from: ``Kolada`` for every value stored so
far, or the source named when a file of own statistics was imported (``python -m etl
import-csv``). ``own_indicators`` holds the indicators such files declare (ids beginning with
``EGEN_``), with the catalogue's columns and their source.

On SQLite ``observations`` is rebuilt by hand, as ``goals`` in revision 0005, so that the schema
text equals what ``Base.metadata.create_all`` writes for the models; the rows are copied and
get the column's default, ``Kolada``. On PostgreSQL the column is added at the end, where the
model has it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_own_statistics"
down_revision: str | Sequence[str] | None = "0005_secondary_source_url"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMN = "source"
KOLADA = "Kolada"


def _observation_columns() -> list[sa.Column]:
    """The columns of ``observations`` before this revision (new objects on each call)."""
    return [
        sa.Column("kpi_id", sa.String(length=16), nullable=False),
        sa.Column("area_id", sa.String(length=8), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
    ]


def _source_column() -> sa.Column:
    return sa.Column(COLUMN, sa.String(length=200), server_default=KOLADA, nullable=False)


def _constraints() -> list[sa.schema.SchemaItem]:
    return [
        sa.PrimaryKeyConstraint("kpi_id", "area_id", "gender", "year"),
        sa.CheckConstraint("gender IN ('T', 'K', 'M')", name="observation_gender"),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpis.id"]),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"]),
    ]


def _rebuild_on_sqlite(*, with_column: bool) -> None:
    """Rebuild ``observations`` on SQLite with or without ``source``, keeping the rows."""
    temporary = "_new_observations"
    extra = [_source_column()] if with_column else []
    op.create_table(
        temporary, *_observation_columns(), *extra, *_constraints(), sqlite_with_rowid=False
    )
    kept = ", ".join(f'"{column.name}"' for column in _observation_columns())
    op.execute(f"INSERT INTO {temporary} ({kept}) SELECT {kept} FROM observations")
    op.drop_index("ix_observations_area_kpi", table_name="observations")
    op.drop_index("ix_observations_kpi_year", table_name="observations")
    op.drop_table("observations")
    op.rename_table(temporary, "observations")
    op.create_index(
        "ix_observations_area_kpi",
        "observations",
        ["area_id", "kpi_id", "gender", "year"],
        unique=False,
    )
    op.create_index(
        "ix_observations_kpi_year", "observations", ["kpi_id", "gender", "year"], unique=False
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_column=True)
    else:
        op.add_column("observations", _source_column())
    op.create_table(
        "own_indicators",
        sa.Column("kpi_id", sa.String(length=16), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("sdg_goal", sa.Integer(), nullable=False),
        sa.Column("sdg_target", sa.String(length=8), nullable=True),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.Column("natural_limit", sa.Float(), nullable=True),
        sa.Column("is_divided_by_gender", sa.Boolean(), nullable=False),
        sa.Column("municipality_type", sa.String(length=1), nullable=False),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("kpi_id"),
    )


def downgrade() -> None:
    op.drop_table("own_indicators")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_column=False)
        return
    op.drop_column("observations", COLUMN)
