"""The bundled file of Kolada's municipality groups for Dalarna, and how group files are read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data.areas import DALARNA_MUNICIPALITIES
from data.groups import (
    GROUP_FILE,
    GROUP_FILE_COLUMNS,
    GroupFileError,
    GroupMember,
    GroupRecord,
    read_group_file,
)
from data.models import GROUP_COUNTY, GROUP_SIMILAR, GROUP_SKR

HEADER = ",".join(GROUP_FILE_COLUMNS)
SKR_GROUP_IDS = {f"G{number}" for number in range(92786, 92795)}


@pytest.fixture(scope="module")
def groups() -> list[GroupRecord]:
    return read_group_file()


@pytest.fixture(scope="module")
def kolada_groups() -> dict[str, dict]:
    """Kolada's own groups (``../shared``), by id."""
    path = Path(__file__).resolve().parents[2].parent / "shared" / "kolada"
    path = path / "municipality_groups.json"
    if not path.is_file():
        pytest.skip(f"Kolada's municipality groups not found at {path} (beside a full checkout)")
    return {group["id"]: group for group in json.loads(path.read_text("utf-8"))["values"]}


def _members(group: dict) -> tuple[GroupMember, ...]:
    return tuple(GroupMember(m["member_id"], m["member_title"]) for m in group["members"])


# --- the bundled file ------------------------------------------------------------------------


def test_each_dalarna_municipality_has_one_group_of_seven_similar_municipalities(
    groups: list[GroupRecord],
) -> None:
    similar = {group.made_for: group for group in groups if group.kind == GROUP_SIMILAR}
    assert set(similar) == set(DALARNA_MUNICIPALITIES)
    assert len(similar) == len([group for group in groups if group.kind == GROUP_SIMILAR])
    for area_id, name in DALARNA_MUNICIPALITIES.items():
        group = similar[area_id]
        assert group.title == f"Liknande kommuner, övergripande, {name}, 2025"
        assert group.year == 2025
        assert len(group.members) == len(set(group.member_ids)) == 7
        assert area_id not in group.member_ids


def test_the_skr_groups_list_each_dalarna_municipality_once_and_nothing_else(
    groups: list[GroupRecord],
) -> None:
    skr = [group for group in groups if group.kind == GROUP_SKR]
    assert {group.id for group in skr} <= SKR_GROUP_IDS
    listed = [member_id for group in skr for member_id in group.member_ids]
    assert sorted(listed) == sorted(DALARNA_MUNICIPALITIES)
    assert all(group.made_for is None and group.year is None for group in skr)
    # The file says so, for whoever reads it without the code.
    assert "only the dalarna members are listed" in GROUP_FILE.read_text("utf-8").lower()


def test_the_county_group_lists_dalarnas_fifteen_in_code_order(groups: list[GroupRecord]) -> None:
    county = [group for group in groups if group.kind == GROUP_COUNTY]
    assert [group.id for group in county] == ["G33627"]
    assert county[0].title == "Dalarnas läns kommuner (ovägt medel)"
    assert county[0].members == tuple(
        GroupMember(area_id, name) for area_id, name in DALARNA_MUNICIPALITIES.items()
    )


def test_the_file_holds_only_these_groups(groups: list[GroupRecord]) -> None:
    assert len(groups) == 15 + 6 + 1
    assert len({group.id for group in groups}) == len(groups)


def test_every_group_is_kolada_s(groups: list[GroupRecord], kolada_groups: dict[str, dict]) -> None:
    """Ids, titles and members as Kolada gives them; the SKR groups' members in Dalarna."""
    for group in groups:
        kolada = kolada_groups[group.id]
        assert group.title == kolada["title"], group.id
        members = _members(kolada)
        if group.kind == GROUP_SKR:
            members = tuple(m for m in members if m.id in DALARNA_MUNICIPALITIES)
            assert len(kolada["members"]) > len(members), group.id  # the rest left out
        assert group.members == members, group.id


def test_each_similar_group_is_kolada_s_latest_overall_group_for_that_municipality(
    groups: list[GroupRecord], kolada_groups: dict[str, dict]
) -> None:
    by_title = {group["title"]: group_id for group_id, group in kolada_groups.items()}
    for group in groups:
        if group.kind == GROUP_SIMILAR:
            name = DALARNA_MUNICIPALITIES[str(group.made_for)]
            assert by_title[f"Liknande kommuner, övergripande, {name}, 2025"] == group.id
            assert f"Liknande kommuner, övergripande, {name}, 2026" not in by_title


def test_every_skr_group_with_a_dalarna_member_is_listed(
    groups: list[GroupRecord], kolada_groups: dict[str, dict]
) -> None:
    expected = {
        group_id
        for group_id in SKR_GROUP_IDS
        if any(m["member_id"] in DALARNA_MUNICIPALITIES for m in kolada_groups[group_id]["members"])
    }
    assert {group.id for group in groups if group.kind == GROUP_SKR} == expected


# --- reading a group file --------------------------------------------------------------------

SIMILAR_ROW = 'G1,liknande,2080,2025,"Liknande kommuner, övergripande, Falun, 2025",{p},{m},{t}'


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "groups.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_file_is_read_with_comments_and_members_in_position_order(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "# a comment",
        HEADER,
        SIMILAR_ROW.format(p=2, m="2184", t="Hudiksvall"),
        "",
        SIMILAR_ROW.format(p=1, m="0882", t="Oskarshamn"),
        "G33627,län,,,Dalarnas läns kommuner (ovägt medel),1,2080,Falun",
    )
    assert read_group_file(path) == [
        GroupRecord(
            id="G1",
            title="Liknande kommuner, övergripande, Falun, 2025",
            kind=GROUP_SIMILAR,
            members=(GroupMember("0882", "Oskarshamn"), GroupMember("2184", "Hudiksvall")),
            made_for="2080",
            year=2025,
        ),
        GroupRecord(
            id="G33627",
            title="Dalarnas läns kommuner (ovägt medel)",
            kind=GROUP_COUNTY,
            members=(GroupMember("2080", "Falun"),),
        ),
    ]


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        ("X1,län,,,T,1,2080,Falun", "group_id", "group id"),
        ("G1,grupp,,,T,1,2080,Falun", "kind", "liknande, kommungrupp, län"),
        ("G1,liknande,,2025,T,1,2081,Borlänge", "made_for", "four-digit"),
        ("G1,län,2080,,T,1,2081,Borlänge", "made_for", "expected empty"),
        ("G1,län,,25,T,1,2080,Falun", "year", "a year"),
        ("G1,län,,,,1,2080,Falun", "title", "title"),
        ("G1,län,,,T,0,2080,Falun", "position", "whole number"),
        ("G1,län,,,T,1,208,Falun", "member_id", "four-digit"),
        ("G1,län,,,T,1,2080,", "member_title", "name"),
        ("G1,liknande,2080,2025,T,1,2080,Falun", "member_id", "does not list made_for"),
    ],
)
def test_a_bad_row_names_file_line_and_column(
    tmp_path: Path, row: str, column: str, expected: str
) -> None:
    path = _write(tmp_path, "# comment", HEADER, row)
    with pytest.raises(GroupFileError, match=expected) as caught:
        read_group_file(path)
    assert (caught.value.path, caught.value.line, caught.value.column) == (path, 3, column)
    assert str(caught.value).startswith(f"{path}, line 3, column {column!r}: ")


def test_rows_of_one_group_must_agree_and_not_repeat(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER, "G1,län,,,Title,1,2080,Falun", "G1,län,,,Other,2,2081,B")
    with pytest.raises(GroupFileError, match="differs from 'Title' given for G1 on line 2") as c:
        read_group_file(path)
    assert (c.value.line, c.value.column) == (3, "title")

    path = _write(tmp_path, HEADER, "G1,län,,,T,1,2080,Falun", "G1,län,,,T,2,2080,Falun")
    with pytest.raises(GroupFileError, match="2080 already listed in G1 on line 2"):
        read_group_file(path)

    path = _write(tmp_path, HEADER, "G1,län,,,T,1,2080,Falun", "G1,län,,,T,1,2081,Borlänge")
    with pytest.raises(GroupFileError, match="position 1 of G1 already given on line 2"):
        read_group_file(path)

    path = _write(tmp_path, HEADER, "G1,län,,,T,1,2080,Falun", "G1,län,,,T,3,2081,Borlänge")
    with pytest.raises(GroupFileError, match="positions of G1 are 1, 3; expected 1 to 2") as c:
        read_group_file(path)
    assert (c.value.line, c.value.column) == (2, "position")


def test_a_bad_header_or_file_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER.replace("member_title", "name"), "G1,län,,,T,1,2080,Falun")
    with pytest.raises(GroupFileError, match="unknown column") as caught:
        read_group_file(path)
    assert (caught.value.line, caught.value.column) == (1, "name")

    path = _write(tmp_path, HEADER.replace(",member_title", ""))
    with pytest.raises(GroupFileError, match="missing column"):
        read_group_file(path)

    path = _write(tmp_path, HEADER, "G1,län,,,T,1,2080")
    with pytest.raises(GroupFileError, match="line 2: expected 8 fields, found 7"):
        read_group_file(path)

    with pytest.raises(GroupFileError, match="expected a header row"):
        read_group_file(_write(tmp_path, "# only a comment"))

    path.write_bytes("group_id,kind\nG1,län".encode("utf-16"))
    with pytest.raises(GroupFileError, match="expected a UTF-8 text file"):
        read_group_file(path)

    with pytest.raises(GroupFileError, match="cannot be read"):
        read_group_file(tmp_path / "absent.csv")
