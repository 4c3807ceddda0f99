"""Insatser and the goal chain: interventions, what they are meant to move, and which goals
a goal contributes to.

Revision ID: 0008_insatser_and_goal_chain
Revises: 0007_similar_municipalities
Create Date: 2027-02-02

``interventions`` is the register of insatser (versioned like goals), with
``intervention_indicators`` (the indicators each is meant to move, desired direction and
expected change) and ``intervention_goals`` (the goals it serves). ``goals.contributes_to``
lists the higher goals a goal contributes to; existing goals name none.

On SQLite ``goals`` is rebuilt by hand, as in revision 0005, so that the schema text equals
what ``Base.metadata.create_all`` writes for the models. On PostgreSQL the column is added at
the end, where the model has it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_insatser_and_goal_chain"
down_revision: str | Sequence[str] | None = "0007_similar_municipalities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMN = "contributes_to"


def _goal_columns() -> list[sa.Column]:
    """The columns of ``goals`` as revision 0005 left them (new objects on each call)."""
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
        sa.Column("secondary_source_url", sa.Text(), nullable=False),
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
    extra = [sa.Column(COLUMN, sa.JSON(), nullable=True)] if with_column else []
    op.create_table(temporary, *_goal_columns(), *extra, *_constraints())
    kept = ", ".join(f'"{column.name}"' for column in _goal_columns())
    op.execute(f"INSERT INTO {temporary} ({kept}) SELECT {kept} FROM goals")
    op.drop_table("goals")
    op.rename_table(temporary, "goals")
    op.create_index("ix_goals_kpi_id", "goals", ["kpi_id"], unique=False)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_column=True)
    else:
        op.add_column("goals", sa.Column(COLUMN, sa.JSON(), nullable=True))
    op.create_table(
        "interventions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("area_id", sa.String(length=8), nullable=False),
        sa.Column("responsible", sa.Text(), nullable=False),
        sa.Column("decision_reference", sa.Text(), nullable=False),
        sa.Column("decision_url", sa.Text(), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=False),
        sa.Column("end_year", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "status IN ('planerad', 'pågår', 'genomförd', 'avbruten')",
            name="intervention_status",
        ),
        sa.CheckConstraint("end_year IS NULL OR end_year >= start_year", name="intervention_years"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_interventions_area_id", "interventions", ["area_id"], unique=False)
    op.create_table(
        "intervention_indicators",
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("expected_change", sa.Float(), nullable=True),
        sa.Column("expected_relative", sa.Boolean(), nullable=False),
        sa.Column("expected_year", sa.Integer(), nullable=True),
        sa.CheckConstraint("direction IN ('up', 'down')", name="intervention_direction"),
        sa.ForeignKeyConstraint(["intervention_id"], ["interventions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("intervention_id", "kpi_id"),
    )
    op.create_table(
        "intervention_goals",
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["intervention_id"], ["interventions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("intervention_id", "goal_id"),
    )


def downgrade() -> None:
    op.drop_table("intervention_goals")
    op.drop_table("intervention_indicators")
    op.drop_index("ix_interventions_area_id", table_name="interventions")
    op.drop_table("interventions")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_column=False)
        return
    op.drop_column("goals", COLUMN)
