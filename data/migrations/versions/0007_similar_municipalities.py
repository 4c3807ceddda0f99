"""Similar municipalities: Kolada's municipality groups, their members and their means.

Revision ID: 0007_similar_municipalities
Revises: 0006_own_statistics
Create Date: 2027-02-01

``area_groups`` keeps the groups the dashboard compares with — RKA's similar municipalities
(one group per municipality, ``made_for`` naming it), SKR's municipality groups and a county's
municipalities — and ``area_group_members`` their members with Kolada's names.
``group_means`` holds what Kolada serves for a group id in its data endpoint: the unweighted
mean of the members that reported, and how many did.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_similar_municipalities"
down_revision: str | Sequence[str] | None = "0006_own_statistics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "area_groups",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("made_for", sa.String(length=8), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('liknande', 'kommungrupp', 'län')", name="area_group_kind"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_area_groups_made_for", "area_groups", ["made_for"], unique=False)
    op.create_table(
        "area_group_members",
        sa.Column("group_id", sa.String(length=16), nullable=False),
        sa.Column("member_id", sa.String(length=8), nullable=False),
        sa.Column("member_title", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["area_groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("group_id", "member_id"),
    )
    op.create_table(
        "group_means",
        sa.Column("kpi_id", sa.String(length=16), nullable=False),
        sa.Column("group_id", sa.String(length=16), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.CheckConstraint("gender IN ('T', 'K', 'M')", name="group_mean_gender"),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpis.id"]),
        sa.ForeignKeyConstraint(["group_id"], ["area_groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("kpi_id", "group_id", "gender", "year"),
    )
    op.create_index(
        "ix_group_means_group_kpi",
        "group_means",
        ["group_id", "kpi_id", "gender", "year"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_group_means_group_kpi", table_name="group_means")
    op.drop_table("group_means")
    op.drop_table("area_group_members")
    op.drop_index("ix_area_groups_made_for", table_name="area_groups")
    op.drop_table("area_groups")
