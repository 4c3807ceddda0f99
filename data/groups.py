"""Municipality groups — similar municipalities, SKR's municipality groups, a county's
municipalities — and the group means Kolada serves for them: stored and read here.

A group of similar municipalities is made *for* one municipality (``made_for``) and does not
list it: the lists are one-way (Falun lists Hudiksvall; Hudiksvall need not list Falun).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

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


# --- the bundled group file ----------------------------------------------------------------

#: The project's own list of Kolada's groups for Dalarna's municipalities — each one's similar
#: municipalities, its SKR municipality group (Dalarna's members only) and G33627 — which the
#: demo dataset stores (:func:`read_group_file`).
GROUP_FILE = Path(__file__).resolve().parent / "similar_municipalities.csv"
#: A group file's columns: one row per member, the group's own fields repeated on each row.
GROUP_FILE_COLUMNS: tuple[str, ...] = (
    "group_id",
    "kind",
    "made_for",
    "year",
    "title",
    "position",
    "member_id",
    "member_title",
)
_GROUP_ID = re.compile(r"G\d+")
_MUNICIPALITY_ID = re.compile(r"\d{4}")


class GroupFileError(ValueError):
    """A group file that cannot be used; the message names file, line and column."""

    def __init__(self, path: Path, line: int | None, column: str | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.problem = problem
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {problem}")


@dataclass
class _FileGroup:
    """A group being read: its own fields, the line that first gave them, and its members by
    position with the line of each."""

    fields: dict[str, str]
    line: int
    members: dict[int, tuple[int, GroupMember]]


def read_group_file(path: Path = GROUP_FILE) -> list[GroupRecord]:
    """The groups of a group file, in the order the file first lists them, each one's members
    in the order of their ``position`` (1, 2, …).

    The file is UTF-8 CSV with the header :data:`GROUP_FILE_COLUMNS`; lines starting with
    ``#`` are comments. Raises :class:`GroupFileError` naming the file, line and column of the
    first problem.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise GroupFileError(path, None, None, f"cannot be read ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise GroupFileError(path, None, None, "expected a UTF-8 text file") from error
    # Comment lines become empty lines, so that line numbers stay the file's.
    lines = [
        "\n" if line.lstrip().startswith("#") else line
        for line in text.removeprefix("\ufeff").splitlines(keepends=True)
    ]
    reader = csv.reader(lines)
    header: list[str] | None = None
    groups: dict[str, _FileGroup] = {}
    end_of_previous = 0
    for values in reader:
        line = end_of_previous + 1
        end_of_previous = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if header is None:
            header = _group_file_header(path, line, values)
            continue
        if len(values) != len(header):
            raise GroupFileError(
                path, line, None, f"expected {len(header)} fields, found {len(values)}"
            )
        row = dict(zip(header, (value.strip() for value in values), strict=True))
        _add_group_row(path, line, row, groups)
    if header is None:
        raise GroupFileError(
            path, None, None, f"expected a header row with {', '.join(GROUP_FILE_COLUMNS)}"
        )
    return [_file_group_record(path, group_id, group) for group_id, group in groups.items()]


def _group_file_header(path: Path, line: int, values: list[str]) -> list[str]:
    header = [value.strip() for value in values]
    for name in header:
        if name not in GROUP_FILE_COLUMNS:
            raise GroupFileError(
                path, line, name, f"unknown column; expected {', '.join(GROUP_FILE_COLUMNS)}"
            )
        if header.count(name) > 1:
            raise GroupFileError(path, line, name, "column appears twice")
    missing = [name for name in GROUP_FILE_COLUMNS if name not in header]
    if missing:
        raise GroupFileError(
            path, line, missing[0], f"missing column (missing: {', '.join(missing)})"
        )
    return header


def _group_fields(path: Path, line: int, row: dict[str, str]) -> dict[str, str]:
    """The row's group fields, checked."""
    if not _GROUP_ID.fullmatch(row["group_id"]):
        raise GroupFileError(path, line, "group_id", "expected a Kolada group id such as G33627")
    if row["kind"] not in GROUP_KINDS:
        raise GroupFileError(path, line, "kind", f"expected one of {', '.join(GROUP_KINDS)}")
    if row["kind"] == GROUP_SIMILAR and not _MUNICIPALITY_ID.fullmatch(row["made_for"]):
        raise GroupFileError(
            path, line, "made_for", "expected the four-digit code of the municipality"
        )
    if row["kind"] != GROUP_SIMILAR and row["made_for"]:
        raise GroupFileError(path, line, "made_for", f"expected empty for kind {row['kind']}")
    if row["year"] and not re.fullmatch(r"\d{4}", row["year"]):
        raise GroupFileError(path, line, "year", "expected empty or a year such as 2025")
    if not row["title"]:
        raise GroupFileError(path, line, "title", "expected the group's title")
    return {name: row[name] for name in ("kind", "made_for", "year", "title")}


def _add_group_row(
    path: Path, line: int, row: dict[str, str], groups: dict[str, _FileGroup]
) -> None:
    """Add one row's member to its group (created by its first row)."""
    fields = _group_fields(path, line, row)
    if not re.fullmatch(r"[1-9]\d*", row["position"]):
        raise GroupFileError(path, line, "position", "expected a whole number from 1")
    if not _MUNICIPALITY_ID.fullmatch(row["member_id"]):
        raise GroupFileError(path, line, "member_id", "expected a four-digit municipality code")
    if not row["member_title"]:
        raise GroupFileError(path, line, "member_title", "expected the member's name")
    group = groups.setdefault(row["group_id"], _FileGroup(fields, line, {}))
    for name, value in fields.items():
        if value != group.fields[name]:
            raise GroupFileError(
                path,
                line,
                name,
                f"{value!r} differs from {group.fields[name]!r} given for {row['group_id']} "
                f"on line {group.line}",
            )
    position = int(row["position"])
    if position in group.members:
        raise GroupFileError(
            path,
            line,
            "position",
            f"position {position} of {row['group_id']} already given on line "
            f"{group.members[position][0]}",
        )
    for other_line, member in group.members.values():
        if member.id == row["member_id"]:
            raise GroupFileError(
                path,
                line,
                "member_id",
                f"{row['member_id']} already listed in {row['group_id']} on line {other_line}",
            )
    if row["member_id"] == fields["made_for"]:
        raise GroupFileError(
            path, line, "member_id", "a group of similar municipalities does not list made_for"
        )
    group.members[position] = (line, GroupMember(row["member_id"], row["member_title"]))


def _file_group_record(path: Path, group_id: str, group: _FileGroup) -> GroupRecord:
    positions = sorted(group.members)
    if positions != list(range(1, len(positions) + 1)):
        raise GroupFileError(
            path,
            group.line,
            "position",
            f"positions of {group_id} are {', '.join(map(str, positions))}; "
            f"expected 1 to {len(positions)}",
        )
    return GroupRecord(
        id=group_id,
        title=group.fields["title"],
        kind=group.fields["kind"],
        members=tuple(group.members[position][1] for position in positions),
        made_for=group.fields["made_for"] or None,
        year=int(group.fields["year"]) if group.fields["year"] else None,
    )
