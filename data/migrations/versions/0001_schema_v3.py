"""The schema at version 3, when the dashboard moved to Alembic: every table of data.models.

Revision ID: 0001_schema_v3
Revises:
Create Date: 2026-12-02

A database written before Alembic at ``schema_version`` 3 has exactly this schema and is
stamped at this revision without running it; versions 1 and 2 are first brought to version 3
by ``data.migrations.legacy``, which reuses the table definitions below.

Area titles and KPI units and perspectives are created as TEXT: version 3 declared them
VARCHAR(200/100), which SQLite never enforced and PostgreSQL does (real Kolada titles, from which
units are read, are longer); revision 0002 widens them in databases created before.

Tables, columns and constraints are in the models' order, so that on SQLite the schema text
equals what ``Base.metadata.create_all`` writes (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_schema_v3"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "areas",
        sa.Column("id", sa.String(length=8), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=1), nullable=False),
        sa.Column("county", sa.String(length=2), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("type IN ('K', 'L')", name="area_type"),
    )
    op.create_index("ix_areas_county", "areas", ["county"], unique=False)
    op.create_table(
        "kpis",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("is_divided_by_gender", sa.Boolean(), nullable=False),
        sa.Column("municipality_type", sa.String(length=1), nullable=False),
        sa.Column("operating_area", sa.Text(), nullable=False),
        sa.Column("perspective", sa.Text(), nullable=False),
        sa.Column("auspice", sa.String(length=8), nullable=False),
        sa.Column("publ_period", sa.String(length=16), nullable=True),
        sa.Column("publication_date", sa.Date(), nullable=True),
        sa.Column("prel_publication_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table("observations", *observations_elements(), **OBSERVATIONS_OPTIONS)
    create_observations_indexes()
    op.create_table(
        "etl_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=True),
        sa.Column("http_requests", sa.Integer(), nullable=False),
        sa.Column("rows_inserted", sa.Integer(), nullable=False),
        sa.Column("rows_updated", sa.Integer(), nullable=False),
        sa.Column("rows_deleted", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("outcome IN ('running', 'success', 'failed')", name="etl_run_outcome"),
    )
    op.create_table(
        "goals",
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
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint(
            "level IN ('lokal', 'regional', 'nationell', 'global')", name="goal_level"
        ),
        sa.CheckConstraint(
            "kind IN ('absolute', 'relative', 'band', 'direction')", name="goal_kind"
        ),
    )
    op.create_index("ix_goals_kpi_id", "goals", ["kpi_id"], unique=False)
    op.create_table(
        "goal_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("goal_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_goal_changes_goal_id", "goal_changes", ["goal_id"], unique=False)
    create_slideshows()
    create_qualitative_assessments()


def downgrade() -> None:
    for table in (
        "qualitative_assessments",
        "slideshows",
        "goal_changes",
        "goals",
        "etl_runs",
        "observations",
        "kpis",
        "areas",
        "meta",
    ):
        op.drop_table(table)


# The parts below are also used by data.migrations.legacy (schema versions 1 → 2 → 3).

#: Table options of ``observations``: on SQLite clustered on its key (WITHOUT ROWID).
OBSERVATIONS_OPTIONS: dict[str, bool] = {"sqlite_with_rowid": False}


def observations_elements() -> list[sa.schema.SchemaItem]:
    """Columns and constraints of ``observations``, new objects on each call. The key is in
    the order the dashboard reads series: KPI, area, gender, year."""
    return [
        sa.Column("kpi_id", sa.String(length=16), nullable=False),
        sa.Column("area_id", sa.String(length=8), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("kpi_id", "area_id", "gender", "year"),
        sa.CheckConstraint("gender IN ('T', 'K', 'M')", name="observation_gender"),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpis.id"]),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"]),
    ]


def create_observations_indexes() -> None:
    op.create_index(
        "ix_observations_area_kpi",
        "observations",
        ["area_id", "kpi_id", "gender", "year"],
        unique=False,
    )
    op.create_index(
        "ix_observations_kpi_year", "observations", ["kpi_id", "gender", "year"], unique=False
    )


def create_slideshows() -> None:
    op.create_table(
        "slideshows",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("views", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )


def create_qualitative_assessments() -> None:
    op.create_table(
        "qualitative_assessments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("area_id", sa.String(length=8), nullable=False),
        sa.Column("kpi_id", sa.String(length=16), nullable=True),
        sa.Column("sdg_goal", sa.Integer(), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("judgement", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint(
            "judgement IS NULL OR judgement IN ('bättre', 'oförändrad', 'sämre')",
            name="qualitative_judgement",
        ),
        sa.CheckConstraint(
            "(kpi_id IS NOT NULL) OR (sdg_goal IS NOT NULL)", name="qualitative_subject"
        ),
    )
    op.create_index(
        "ix_qualitative_assessments_area_id", "qualitative_assessments", ["area_id"], unique=False
    )
    op.create_index(
        "ix_qualitative_assessments_kpi_id", "qualitative_assessments", ["kpi_id"], unique=False
    )
