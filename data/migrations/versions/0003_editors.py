"""Editors: accounts (``users``), failed sign-ins (``sign_in_failures``) and who made a change.

Revision ID: 0003_editors
Revises: 0002_unbounded_texts
Create Date: 2026-12-02

Editors sign in to change goals, qualitative assessments and slideshows; everyone else reads.
``users`` holds their names and password hashes, ``sign_in_failures`` the recent failed
attempts that slow down guessing. Each change records the signed-in editor:
``goal_changes.changed_by``, ``qualitative_assessments.created_by`` and
``slideshows.updated_by`` (empty for rows from before, and for goal changes from the command
line).

Tables, columns and constraints are in the models' order, so that on SQLite the schema text
equals what ``Base.metadata.create_all`` writes (a test compares the two). The new columns are
added in batch mode with the table rebuilt, since SQLite's ``ADD COLUMN`` would write them
after the table's constraints.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_editors"
down_revision: str | Sequence[str] | None = "0002_unbounded_texts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The column each table gains: who made the change.
WHO: dict[str, str] = {
    "goal_changes": "changed_by",
    "slideshows": "updated_by",
    "qualitative_assessments": "created_by",
}


def _elements(name: str, *, with_who: bool) -> list[sa.schema.SchemaItem]:
    """Columns and constraints of a table in :data:`WHO` as revision 0001 made it, with or
    without the new column (after the other columns, before the constraints, as the models
    have it); new objects on each call."""
    who = [sa.Column(WHO[name], sa.String(length=64), nullable=True)] if with_who else []
    if name == "goal_changes":
        return [
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("changed_at", sa.DateTime(), nullable=False),
            sa.Column("goal_id", sa.String(length=64), nullable=False),
            sa.Column("action", sa.String(length=16), nullable=False),
            sa.Column("before", sa.JSON(), nullable=True),
            sa.Column("after", sa.JSON(), nullable=True),
            sa.Column("note", sa.Text(), nullable=False),
            *who,
            sa.PrimaryKeyConstraint("id"),
        ]
    if name == "slideshows":
        return [
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("views", sa.JSON(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            *who,
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
        *who,
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint(
            "judgement IS NULL OR judgement IN ('bättre', 'oförändrad', 'sämre')",
            name="qualitative_judgement",
        ),
        sa.CheckConstraint(
            "(kpi_id IS NOT NULL) OR (sdg_goal IS NOT NULL)", name="qualitative_subject"
        ),
    ]


#: The indexes of the tables in :data:`WHO` (name, table, columns), made anew after a rebuild.
INDEXES: tuple[tuple[str, str, list[str]], ...] = (
    ("ix_goal_changes_goal_id", "goal_changes", ["goal_id"]),
    ("ix_qualitative_assessments_area_id", "qualitative_assessments", ["area_id"]),
    ("ix_qualitative_assessments_kpi_id", "qualitative_assessments", ["kpi_id"]),
)


def _rebuild_on_sqlite(name: str, *, with_who: bool) -> None:
    """Rebuild a table in :data:`WHO` on SQLite with or without its new column, keeping the
    rows. Done by hand rather than in batch mode, which lists a table's constraints in no fixed
    order, so that the schema text stays that of the models."""
    temporary = f"_new_{name}"
    op.create_table(temporary, *_elements(name, with_who=with_who))
    kept = [item.name for item in _elements(name, with_who=False) if isinstance(item, sa.Column)]
    columns = ", ".join(f'"{column}"' for column in kept)
    op.execute(f"INSERT INTO {temporary} ({columns}) SELECT {columns} FROM {name}")
    op.drop_table(name)
    op.rename_table(temporary, name)
    for index, table, index_columns in INDEXES:
        if table == name:
            op.create_index(index, table, index_columns, unique=False)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in WHO.items():
        if sqlite:
            _rebuild_on_sqlite(table, with_who=True)
        else:
            op.add_column(table, sa.Column(column, sa.String(length=64), nullable=True))
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_sign_in_failures_address", "sign_in_failures", ["address", "failed_at"], unique=False
    )
    op.create_index(
        "ix_sign_in_failures_name",
        "sign_in_failures",
        ["name", "address", "failed_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("sign_in_failures")
    op.drop_table("users")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in WHO.items():
        if sqlite:
            _rebuild_on_sqlite(table, with_who=False)
        else:
            op.drop_column(table, column)
