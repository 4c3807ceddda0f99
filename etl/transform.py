"""Kolada's JSON → checked Python values: pages, data items, KPIs, areas, KPI groups and
municipality groups (and which of those the dashboard keeps, :func:`select_groups`).

Every function here is pure. Anything of an unexpected shape raises
:class:`KoladaFormatError` naming where it came from (URL or file), the field and what was
expected, so a run stops before anything is stored.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from data.areas import DEFAULT_AREAS, county_of
from data.groups import GroupMeanRow, GroupMember, GroupRecord
from data.models import GROUP_COUNTY, GROUP_SIMILAR, GROUP_SKR

GENDERS = ("T", "K", "M")
AREA_TYPES = ("K", "L")
MUNICIPALITY_TYPES = ("K", "L", "A")

#: (kpi_id, area_id, year, gender): the key of one stored observation.
ObservationKey = tuple[str, str, int, str]
PageKind = Literal["data", "kpi", "municipality", "kpi_group", "municipality_group", "empty"]

#: Sentinels: "no value given" for an error, and "the field is absent" in an item.
_MISSING: Any = object()
_ABSENT: Any = object()
_AREA_CODE = re.compile(r"\d{4}")
_GROUP_ID = re.compile(r"G\d+")
#: A trailing note of the years a KPI covered, e.g. "(-2023)", "(- 2024)", "(2015-)".
_YEARS_NOTE = re.compile(r"\s*\(\s*(\d{4})?\s*-\s*(\d{4})?\s*\)\s*$")
#: A trailing coded scale, e.g. "(Ja=1, Nej=0)" or "(Överskott=2, Balans=1, Underskott=0)".
_CODED_SCALE = re.compile(r"\(([^()]*=[^()]*,[^()]*=[^()]*)\)\s*$")


class KoladaFormatError(ValueError):
    """Kolada (or a saved page) sent something of a shape this program does not understand."""

    def __init__(
        self,
        source: str,
        field: str,
        expected: str,
        got: Any = _MISSING,
        *,
        detail: str | None = None,
    ) -> None:
        self.source = source
        self.field = field
        message = f"{source}: {field}: expected {expected}"
        if got is not _MISSING:
            message += f", got {_describe(got)}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)


def _describe(value: Any) -> str:
    if value is _ABSENT:
        return "nothing (the field is missing)"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


@dataclass(frozen=True, slots=True)
class Page:
    """One response page: its items and the link to the next page, if any."""

    source: str
    values: list[Any]
    next_url: str | None


@dataclass(frozen=True, slots=True)
class DataValue:
    """One value from a data item; ``deleted`` marks a value Kolada has withdrawn."""

    kpi_id: str
    area_id: str
    year: int
    gender: str
    value: float | None
    status: str
    count: int | None
    deleted: bool = False

    @property
    def key(self) -> ObservationKey:
        return (self.kpi_id, self.area_id, self.year, self.gender)


# --- pages -------------------------------------------------------------------------------


def parse_page(body: Any, source: str) -> Page:
    """Check the envelope ``{"count", "values", "next_url", "previous_url"}``.

    v2's ``next_page`` is accepted in place of ``next_url``.
    """
    if not isinstance(body, dict):
        raise KoladaFormatError(source, "body", "a JSON object with 'values'", body)
    values = body.get("values", _ABSENT)
    if not isinstance(values, list):
        raise KoladaFormatError(source, "values", "a list of items", values)
    next_url = body["next_url"] if "next_url" in body else body.get("next_page")
    if next_url is not None and not isinstance(next_url, str):
        raise KoladaFormatError(source, "next_url", "a URL or null", next_url)
    return Page(source=source, values=values, next_url=next_url or None)


def item_kind(item: Any) -> PageKind | None:
    """What an item is, judged by its shape; ``None`` when it is none of Kolada's."""
    if not isinstance(item, dict):
        return None
    if "kpi" in item and "municipality" in item:
        return "data"
    if "members" in item:
        return "municipality_group" if _lists_areas(item["members"]) else "kpi_group"
    if "id" in item and "type" in item:
        return "municipality"
    if "id" in item and ("is_divided_by_gender" in item or "municipality_type" in item):
        return "kpi"
    return None


def _lists_areas(members: Any) -> bool:
    """Whether a group's members are areas (four-digit codes), not KPIs; a group without
    members is taken for a KPI group."""
    if not isinstance(members, list) or not members:
        return False
    return all(
        isinstance(member, dict) and _AREA_CODE.fullmatch(str(member.get("member_id", "")))
        for member in members
    )


def page_kind(page: Page) -> PageKind:
    """The kind of every item on a page (``"empty"`` for no items); mixed pages are refused."""
    if not page.values:
        return "empty"
    first = item_kind(page.values[0])
    for index, item in enumerate(page.values):
        kind = item_kind(item)
        if kind is None or kind != first:
            expected = f"a {first} item like values[0]" if first else "a data, KPI or area item"
            raise KoladaFormatError(page.source, f"values[{index}]", expected, item)
    return first  # type: ignore[return-value]


# --- field checks ------------------------------------------------------------------------


def _field(item: dict[str, Any], name: str, path: str) -> tuple[Any, str]:
    return item.get(name, _ABSENT), f"{path}.{name}"


def _text(item: dict[str, Any], name: str, source: str, path: str, *, required: bool) -> str:
    value, where = _field(item, name, path)
    if value is _ABSENT or value is None:
        if required:
            raise KoladaFormatError(source, where, "a text", value)
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise KoladaFormatError(source, where, "a non-empty text" if required else "a text", value)
    return value


def _require_object(item: Any, source: str, path: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise KoladaFormatError(source, path, "an object", item)
    return item


def _date(item: dict[str, Any], name: str, source: str, path: str) -> dt.date | None:
    value, where = _field(item, name, path)
    if value is _ABSENT or value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise KoladaFormatError(source, where, "a date YYYY-MM-DD or null", value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- data --------------------------------------------------------------------------------


def parse_data_item(item: Any, source: str, path: str) -> list[DataValue]:
    """One data item (a KPI, an area, a period and its values by gender) → its values."""
    item = _require_object(item, source, path)
    kpi_id = _text(item, "kpi", source, path, required=True)
    area_id = _text(item, "municipality", source, path, required=True)
    period, where = _field(item, "period", path)
    if not _is_int(period):
        raise KoladaFormatError(source, where, "a year as an integer", period)
    values, where = _field(item, "values", path)
    if not isinstance(values, list):
        raise KoladaFormatError(source, where, "a list of values by gender", values)
    parsed: list[DataValue] = []
    seen: set[str] = set()
    for index, entry in enumerate(values):
        value = _parse_value(entry, source, f"{path}.values[{index}]", kpi_id, area_id, period)
        if value.gender in seen:
            raise KoladaFormatError(
                source, f"{path}.values[{index}].gender", "one value per gender", value.gender
            )
        seen.add(value.gender)
        parsed.append(value)
    return parsed


def _parse_value(
    entry: Any, source: str, path: str, kpi_id: str, area_id: str, year: int
) -> DataValue:
    entry = _require_object(entry, source, path)
    gender, where = _field(entry, "gender", path)
    if gender not in GENDERS:
        raise KoladaFormatError(source, where, "a gender T, K or M", gender)
    number, where = _field(entry, "value", path)
    if number is not None and (
        isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number)
    ):
        raise KoladaFormatError(source, where, "a finite number or null", number)
    status = _text(entry, "status", source, path, required=False)
    count, where = _field(entry, "count", path)
    if count is _ABSENT:
        count = None
    if count is not None and not _is_int(count):
        raise KoladaFormatError(source, where, "an integer count or null", count)
    deleted, where = _field(entry, "isdeleted", path)
    if deleted is _ABSENT or deleted is None:
        deleted = False
    if not isinstance(deleted, bool):
        raise KoladaFormatError(source, where, "true or false", deleted)
    return DataValue(
        kpi_id=kpi_id,
        area_id=area_id,
        year=year,
        gender=gender,
        value=None if number is None else float(number),
        status=status,
        count=count,
        deleted=deleted,
    )


# --- metadata ----------------------------------------------------------------------------


def parse_kpi(item: Any, source: str, path: str) -> dict[str, Any]:
    """A KPI item → the columns of a :class:`data.models.Kpi` row (unit from the title)."""
    item = _require_object(item, source, path)
    title = _text(item, "title", source, path, required=True)
    divided, where = _field(item, "is_divided_by_gender", path)
    if divided is _ABSENT or divided is None:
        divided = False
    if not isinstance(divided, bool):
        raise KoladaFormatError(source, where, "true or false", divided)
    municipality_type, where = _field(item, "municipality_type", path)
    if municipality_type is _ABSENT or municipality_type is None:
        municipality_type = "A"
    if municipality_type not in MUNICIPALITY_TYPES:
        raise KoladaFormatError(source, where, "K, L or A", municipality_type)
    publ_period, where = _field(item, "publ_period", path)
    if publ_period is _ABSENT:
        publ_period = None
    if _is_int(publ_period):
        publ_period = str(publ_period)
    if publ_period is not None and not isinstance(publ_period, str):
        raise KoladaFormatError(source, where, "a period as text or null", publ_period)
    return {
        "id": _text(item, "id", source, path, required=True),
        "title": title,
        "description": _text(item, "description", source, path, required=False),
        "unit": unit_from_title(title),
        "is_divided_by_gender": divided,
        "municipality_type": municipality_type,
        "operating_area": _text(item, "operating_area", source, path, required=False),
        "perspective": _text(item, "perspective", source, path, required=False),
        "auspice": _text(item, "auspice", source, path, required=False),
        "publ_period": publ_period,
        "publication_date": _date(item, "publication_date", source, path),
        "prel_publication_date": _date(item, "prel_publication_date", source, path),
    }


def parse_area(item: Any, source: str, path: str) -> dict[str, Any]:
    """A municipality item → the columns of a :class:`data.models.Area` row."""
    item = _require_object(item, source, path)
    area_id = _text(item, "id", source, path, required=True)
    area_type, where = _field(item, "type", path)
    if area_type not in AREA_TYPES:
        raise KoladaFormatError(source, where, "an area type K or L", area_type)
    return {
        "id": area_id,
        "title": _text(item, "title", source, path, required=True),
        "type": area_type,
        "county": area_county(area_id, area_type),
    }


def parse_group_members(item: Any, source: str, path: str) -> list[str]:
    """A KPI group item → the ids of its members, in Kolada's order."""
    item = _require_object(item, source, path)
    members, where = _field(item, "members", path)
    if not isinstance(members, list):
        raise KoladaFormatError(source, where, "a list of members", members)
    ids = []
    for index, member in enumerate(members):
        member = _require_object(member, source, f"{where}[{index}]")
        ids.append(_text(member, "member_id", source, f"{where}[{index}]", required=True))
    return ids


def area_county(area_id: str, area_type: str) -> str | None:
    """The county of an area with a four-digit code; ``None`` for groups (``G…``)."""
    if not _AREA_CODE.fullmatch(area_id):
        return None
    return county_of(area_id, area_type)


def placeholder_area(area_id: str) -> dict[str, Any]:
    """A stand-in Area row for an id seen only in data, until Kolada's metadata replaces it."""
    title, area_type = DEFAULT_AREAS.get(area_id, (area_id, _guess_area_type(area_id)))
    return {
        "id": area_id,
        "title": title,
        "type": area_type,
        "county": area_county(area_id, area_type),
    }


def placeholder_kpi(kpi_id: str) -> dict[str, Any]:
    """A stand-in Kpi row (the title is the id) until Kolada's metadata replaces it."""
    return {"id": kpi_id, "title": kpi_id}


def _guess_area_type(area_id: str) -> str:
    """Municipality codes are four digits not starting with 00; the rest are regions or groups."""
    return "K" if _AREA_CODE.fullmatch(area_id) and not area_id.startswith("00") else "L"


# --- municipality groups -----------------------------------------------------------------

#: SKR's municipality groups (kommungruppsindelning 2017) as Kolada serves them: Kolada's id
#: and SKR's name of each; Kolada's title adds " (ovägt medel)".
SKR_GROUPS: dict[str, str] = {
    "G92786": "Lågpendlingskommun nära större stad",
    "G92787": "Storstäder",
    "G92788": "Mindre stad/tätort",
    "G92789": "Pendlingskommun nära mindre tätort",
    "G92790": "Större stad",
    "G92791": "Landsbygdskommun, ej nära större stad",
    "G92792": "Pendlingskommun nära större stad",
    "G92793": "Pendlingskommun nära storstad",
    "G92794": "Landsbygdskommun med besöksnäring",
}
_MEAN_NOTE = " (ovägt medel)"
#: RKA's overall similar municipalities: "Liknande kommuner, övergripande, Falun, 2025".
_SIMILAR_TITLE = re.compile(r"Liknande kommuner, övergripande, (?P<name>.+), (?P<year>\d{4})")
#: A county's municipalities: "Dalarnas läns kommuner (ovägt medel)".
_COUNTY_TITLE = re.compile(r".+ läns kommuner \(ovägt medel\)")


@dataclass(frozen=True, slots=True)
class KoladaGroup:
    """A municipality group as Kolada lists it (``/municipality_groups``)."""

    id: str
    title: str
    members: tuple[GroupMember, ...]


def is_group_id(area_id: str) -> bool:
    """Whether an area id of a data item is a municipality group's (``G`` and digits)."""
    return _GROUP_ID.fullmatch(area_id) is not None


def parse_municipality_group(item: Any, source: str, path: str) -> KoladaGroup:
    """A municipality group item → its id, title and members (code and name) in order."""
    item = _require_object(item, source, path)
    group_id = _text(item, "id", source, path, required=True)
    if not is_group_id(group_id):
        raise KoladaFormatError(source, f"{path}.id", "a group id such as G33627", group_id)
    members, where = _field(item, "members", path)
    if not isinstance(members, list):
        raise KoladaFormatError(source, where, "a list of members", members)
    parsed = []
    for index, member in enumerate(members):
        at = f"{where}[{index}]"
        member = _require_object(member, source, at)
        member_id = _text(member, "member_id", source, at, required=True)
        if not _AREA_CODE.fullmatch(member_id):
            raise KoladaFormatError(
                source, f"{at}.member_id", "a four-digit municipality code", member_id
            )
        parsed.append(
            GroupMember(member_id, _text(member, "member_title", source, at, required=True))
        )
    return KoladaGroup(group_id, _text(item, "title", source, path, required=True), tuple(parsed))


def select_groups(
    groups: Iterable[KoladaGroup],
    municipalities: Mapping[str, str],
    counties: Collection[str],
) -> list[GroupRecord]:
    """The groups the dashboard keeps, of the three kinds of :data:`data.groups.GROUP_KINDS`:

    - ``liknande``: for each of ``municipalities`` (code → name), the newest group titled
      "Liknande kommuner, övergripande, <name>, <year>"; the name is matched against the
      municipalities' names, and the municipality itself is never a member.
    - ``kommungrupp``: SKR's nine groups, known by Kolada's ids (:data:`SKR_GROUPS`) *and*
      SKR's names in their titles; an id under another title is not taken for SKR's.
    - ``län``: groups titled "<län>s läns kommuner (ovägt medel)" whose members all lie in one
      county, one of ``counties`` (two-digit codes).

    Similar groups come in the order of ``municipalities``, then SKR's, then the counties'.
    """
    by_name = {name: code for code, name in municipalities.items()}
    similar: dict[str, tuple[int, int, KoladaGroup]] = {}
    skr: list[GroupRecord] = []
    county: list[GroupRecord] = []
    for group in groups:
        match = _SIMILAR_TITLE.fullmatch(group.title)
        if match and match["name"] in by_name:
            made_for, year = by_name[match["name"]], int(match["year"])
            newest = similar.get(made_for)
            if newest is None or (year, _group_number(group.id)) > newest[:2]:
                similar[made_for] = (year, _group_number(group.id), group)
        elif SKR_GROUPS.get(group.id) == group.title.removesuffix(_MEAN_NOTE):
            skr.append(GroupRecord(group.id, group.title, GROUP_SKR, group.members))
        elif _COUNTY_TITLE.fullmatch(group.title) and _county_of_members(group) in counties:
            county.append(GroupRecord(group.id, group.title, GROUP_COUNTY, group.members))
    kept = []
    for made_for in municipalities:
        if made_for in similar:
            year, _number, group = similar[made_for]
            members = tuple(member for member in group.members if member.id != made_for)
            kept.append(GroupRecord(group.id, group.title, GROUP_SIMILAR, members, made_for, year))
    return kept + skr + county


def _group_number(group_id: str) -> int:
    return int(group_id[1:])


def _county_of_members(group: KoladaGroup) -> str | None:
    """The one county all members lie in (``None`` when none or several)."""
    counties = {member.id[:2] for member in group.members}
    return counties.pop() if len(counties) == 1 else None


def group_mean_row(value: DataValue) -> GroupMeanRow:
    """A data value of a group id → a group mean (``count`` = members that reported)."""
    return GroupMeanRow(
        kpi_id=value.kpi_id,
        group_id=value.area_id,
        gender=value.gender,
        year=value.year,
        value=value.value,
        count=value.count,
        status=value.status,
    )


# --- units -------------------------------------------------------------------------------


def unit_from_title(title: str) -> str:
    """The unit of a KPI, read from its title (Kolada v3 has no unit field).

    The unit is the tail after the title's last comma outside parentheses, e.g.
    "Utsläpp till luft av växthusgaser totalt, ton CO2-ekv/inv" → "ton CO2-ekv/inv". A trailing
    note of the years covered ("(-2023)") is dropped; a trailing coded scale
    ("(Ja=1, Nej=0)") is the unit itself; a title without a comma has no unit ("").
    """
    text = " ".join(title.split())
    text = _YEARS_NOTE.sub("", text)
    scale = _CODED_SCALE.search(text)
    if scale:
        return f"({' '.join(scale.group(1).split())})"
    depth = 0
    cut = -1
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            cut = index
    if cut < 0:
        return ""
    return text[cut + 1 :].strip()
