"""Versions and a change log: goals, assessments and slideshows count their changes.

Revision ID: 0004_versions_and_change_log
Revises: 0003_editors
Create Date: 2026-12-02

``goals``, ``qualitative_assessments`` and ``slideshows`` gain ``version``, raised by one with
each change: a form sends the version it was opened with, and a save against a newer version
is refused instead of silently undoing someone else's change. Rows from before start at 1.
``record_changes`` logs every change to assessments and slideshows (goals keep their own log),
naming them by id; on SQLite their ids are made never to be reused (``AUTOINCREMENT``), so a
removed one's entries never name a later one.

As in revision 0003, the tables are rebuilt by hand on SQLite so that the schema text equals
what ``Base.metadata.create_all`` writes for the models (``ADD COLUMN`` would write the new
column after the table's constraints).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_versions_and_change_log"
down_revision: str | Sequence[str] | None = "0003_editors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The tables that gain ``version``.
VERSIONED: tuple[str, ...] = ("goals", "slideshows", "qualitative_assessments")
#: The tables whose ids SQLite must never reuse (``AUTOINCREMENT``) from this revision on.
NEVER_REUSED_IDS: tuple[str, ...] = ("slideshows", "qualitative_assessments")


def _version() -> list[sa.Column]:
    return [sa.Column("version", sa.Integer(), server_default="1", nullable=False)]


def _elements(name: str, *, with_version: bool) -> list[sa.schema.SchemaItem]:
    """Columns and constraints of a table in :data:`VERSIONED` as revision 0003 left it, with
    or without ``version`` (after the other columns, before the constraints, as the models have
    it); new objects on each call."""
    version = _version() if with_version else []
    if name == "goals":
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
            *version,
            sa.PrimaryKeyConstraint("id"),
            sa.CheckConstraint(
                "level IN ('lokal', 'regional', 'nationell', 'global')", name="goal_level"
            ),
            sa.CheckConstraint(
                "kind IN ('absolute', 'relative', 'band', 'direction')", name="goal_kind"
            ),
        ]
    if name == "slideshows":
        return [
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("views", sa.JSON(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.Column("updated_by", sa.String(length=64), nullable=True),
            *version,
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("name"),
        ]
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("area_id", sa.String(length=8), nullable=False),
        sa.Column("kpi_id", sa.String(length=16), nullable=True),
        sa.Column("sdg_goal", sa.Integer(), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("judgement", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        *version,
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint(
            "judgement IS NULL OR judgement IN ('bättre', 'oförändrad', 'sämre')",
            name="qualitative_judgement",
        ),
        sa.CheckConstraint(
            "(kpi_id IS NOT NULL) OR (sdg_goal IS NOT NULL)", name="qualitative_subject"
        ),
    ]


#: The indexes of the tables in :data:`VERSIONED` (name, table, columns), made anew after a
#: rebuild.
INDEXES: tuple[tuple[str, str, list[str]], ...] = (
    ("ix_goals_kpi_id", "goals", ["kpi_id"]),
    ("ix_qualitative_assessments_area_id", "qualitative_assessments", ["area_id"]),
    ("ix_qualitative_assessments_kpi_id", "qualitative_assessments", ["kpi_id"]),
)


def _rebuild_on_sqlite(name: str, *, with_version: bool) -> None:
    """Rebuild a table in :data:`VERSIONED` on SQLite with or without ``version``, keeping
    the rows (which start at version 1)."""
    temporary = f"_new_{name}"
    # With the version come ids that are never reused (AUTOINCREMENT), as the change log
    # names assessments and slideshows by id.
    never_reused = with_version and name in NEVER_REUSED_IDS
    op.create_table(
        temporary,
        *_elements(name, with_version=with_version),
        sqlite_autoincrement=never_reused,
    )
    kept = [
        item.name for item in _elements(name, with_version=False) if isinstance(item, sa.Column)
    ]
    columns = ", ".join(f'"{column}"' for column in kept)
    op.execute(f"INSERT INTO {temporary} ({columns}) SELECT {columns} FROM {name}")
    op.drop_table(name)
    op.rename_table(temporary, name)
    for index, table, index_columns in INDEXES:
        if table == name:
            op.create_index(index, table, index_columns, unique=False)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in VERSIONED:
        if sqlite:
            _rebuild_on_sqlite(table, with_version=True)
        else:
            op.add_column(table, *_version())
    op.create_table(
        "record_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("record_type", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("changed_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("action IN ('add', 'change', 'remove')", name="record_change_action"),
    )
    op.create_index(
        "ix_record_changes_record", "record_changes", ["record_type", "record_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("record_changes")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in VERSIONED:
        if sqlite:
            _rebuild_on_sqlite(table, with_version=False)
        else:
            op.drop_column(table, "version")
