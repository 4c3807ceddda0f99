"""Unbounded texts: area titles and KPI units and perspectives as TEXT.

Revision ID: 0002_unbounded_texts
Revises: 0001_schema_v3
Create Date: 2026-12-02

Schema version 3 declared these VARCHAR(200) and VARCHAR(100). SQLite ignores declared lengths,
but PostgreSQL enforces them, and real Kolada titles (a KPI's unit is read from its title) are
longer. Revision 0001 now creates them as TEXT; this revision widens them in a database that
was stamped at 0001 from before. On SQLite nothing changes: it never enforced the lengths, and
rebuilding the tables would only rewrite the declared type.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_unbounded_texts"
down_revision: str | Sequence[str] | None = "0001_schema_v3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column, the declared type before).
WIDENED: tuple[tuple[str, str, sa.types.TypeEngine], ...] = (
    ("areas", "title", sa.String(length=200)),
    ("kpis", "unit", sa.String(length=100)),
    ("kpis", "perspective", sa.String(length=100)),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column, before in WIDENED:
        op.alter_column(
            table, column, type_=sa.Text(), existing_type=before, existing_nullable=False
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column, before in WIDENED:
        op.alter_column(
            table, column, type_=before, existing_type=sa.Text(), existing_nullable=False
        )
