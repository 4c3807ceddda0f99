"""Municipality groups — similar municipalities, SKR's municipality groups, a county's
municipalities — and the group means Kolada serves for them: stored and read here.

A group of similar municipalities is made *for* one municipality (``made_for``) and does not
list it: the lists are one-way (Falun lists Hudiksvall; Hudiksvall need not list Falun).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from data.models import (
    GROUP_COUNTY,
    GROUP_SIMILAR,
    GROUP_SKR,
    AreaGroup,
    AreaGroupMember,
    GroupMean,
)

GROUP_KINDS: tuple[str, ...] = (GROUP_SIMILAR, GROUP_SKR, GROUP_COUNTY)


@dataclass(frozen=True)
class GroupMember:
    id: str
    title: str


@dataclass(frozen=True)
class GroupRecord:
    """A municipality group and its members in Kolada's order."""

    id: str
    title: str
    kind: str
    members: tuple[GroupMember, ...]
    made_for: str | None = None
    year: int | None = None

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(member.id for member in self.members)


@dataclass(frozen=True)
class GroupMeanRow:
    """One group mean: KPI, group, gender, year, value (``None`` when not published), the
    number of members that reported and Kolada's status text."""

    kpi_id: str
    group_id: str
    gender: str
    year: int
    value: float | None
    count: int | None
    status: str = ""


# --- writing -------------------------------------------------------------------------------


def save_groups(session: Session, groups: Iterable[GroupRecord], *, replace_all: bool) -> int:
    """Store groups with their members, each replacing a stored group of the same id.

    ``replace_all``: remove every stored group not among ``groups`` (with its members and
    means), as a full refresh or the demo data does. Returns the number of groups stored.
    """
    groups = list(groups)
    ids = [group.id for group in groups]
    if replace_all:
        session.execute(delete(GroupMean).where(GroupMean.group_id.not_in(ids)))
        session.execute(delete(AreaGroupMember).where(AreaGroupMember.group_id.not_in(ids)))
        session.execute(delete(AreaGroup).where(AreaGroup.id.not_in(ids)))
    for group in groups:
        if group.kind not in GROUP_KINDS:
            raise ValueError(f"unknown group kind {group.kind!r} for {group.id}")
        session.execute(delete(AreaGroupMember).where(AreaGroupMember.group_id == group.id))
        session.merge(
            AreaGroup(
                id=group.id,
                title=group.title,
                kind=group.kind,
                made_for=group.made_for,
                year=group.year,
            )
        )
        session.add_all(
            AreaGroupMember(
                group_id=group.id, member_id=member.id, member_title=member.title, position=i
            )
            for i, member in enumerate(group.members)
        )
    session.flush()
    return len(groups)


def save_group_means(
    session: Session,
    rows: Iterable[GroupMeanRow],
    *,
    replace_for: Collection[str] | None = None,
) -> int:
    """Store group means, each replacing the stored one of the same key.

    ``replace_for``: group ids whose stored means are all removed first (a full refresh of
    them). Returns the number of rows stored.
    """
    if replace_for:
        session.execute(delete(GroupMean).where(GroupMean.group_id.in_(list(replace_for))))
    count = 0
    for row in rows:
        session.merge(
            GroupMean(
                kpi_id=row.kpi_id,
                group_id=row.group_id,
                gender=row.gender,
                year=row.year,
                value=row.value,
                count=row.count,
                status=row.status,
            )
        )
        count += 1
    session.flush()
    return count


# --- reading -------------------------------------------------------------------------------


def _records(session: Session, groups: Sequence[AreaGroup]) -> list[GroupRecord]:
    if not groups:
        return []
    members: dict[str, list[GroupMember]] = {group.id: [] for group in groups}
    rows = session.execute(
        select(AreaGroupMember)
        .where(AreaGroupMember.group_id.in_(list(members)))
        .order_by(AreaGroupMember.group_id, AreaGroupMember.position)
    ).scalars()
    for row in rows:
        members[row.group_id].append(GroupMember(row.member_id, row.member_title))
    return [
        GroupRecord(
            id=group.id,
            title=group.title,
            kind=group.kind,
            members=tuple(members[group.id]),
            made_for=group.made_for,
            year=group.year,
        )
        for group in groups
    ]


def all_groups(engine: Engine) -> list[GroupRecord]:
    """Every stored group, by kind and id."""
    with Session(engine) as session:
        groups = session.scalars(select(AreaGroup).order_by(AreaGroup.kind, AreaGroup.id)).all()
        return _records(session, groups)


def similar_group(engine: Engine, area_id: str) -> GroupRecord | None:
    """The newest group of similar municipalities made for ``area_id``, if any is stored."""
    with Session(engine) as session:
        group = session.scalars(
            select(AreaGroup)
            .where(AreaGroup.kind == GROUP_SIMILAR, AreaGroup.made_for == area_id)
            .order_by(AreaGroup.year.desc().nulls_last(), AreaGroup.id)
            .limit(1)
        ).first()
        return _records(session, [group])[0] if group is not None else None


def groups_with_member(engine: Engine, area_id: str, kinds: Collection[str]) -> list[GroupRecord]:
    """The stored groups of the given kinds that list ``area_id`` as a member."""
    with Session(engine) as session:
        groups = session.scalars(
            select(AreaGroup)
            .join(AreaGroupMember, AreaGroupMember.group_id == AreaGroup.id)
            .where(AreaGroupMember.member_id == area_id, AreaGroup.kind.in_(list(kinds)))
            .order_by(AreaGroup.kind, AreaGroup.id)
        ).all()
        return _records(session, groups)


def group_means(engine: Engine, group_ids: Collection[str], kpi_id: str) -> pd.DataFrame:
    """The stored means of one KPI for the groups: group_id, gender, year, value, count,
    status — sorted by group, gender and year."""
    columns = ["group_id", "gender", "year", "value", "count", "status"]
    if not group_ids:
        return pd.DataFrame(columns=columns)
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                GroupMean.group_id,
                GroupMean.gender,
                GroupMean.year,
                GroupMean.value,
                GroupMean.count,
                GroupMean.status,
            )
            .where(GroupMean.kpi_id == kpi_id, GroupMean.group_id.in_(list(group_ids)))
            .order_by(GroupMean.group_id, GroupMean.gender, GroupMean.year)
        ).all()
    return pd.DataFrame(rows, columns=columns)
