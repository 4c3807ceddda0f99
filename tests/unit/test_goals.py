"""The goal catalogue, goal files and the stored goals with their change log."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data.areas import DALARNA_MUNICIPALITIES, REGION_DALARNA
from data.db import open_database
from data.goals import (
    CATALOGUE_PATH,
    ORIGIN_CATALOGUE,
    ORIGIN_USER,
    CatalogueGoalError,
    DuplicateGoalError,
    GoalError,
    GoalRecord,
    UnknownGoalError,
)
from etl.goals_cli import register
from indicators.catalogue import catalogue_by_id, load_catalogue
from indicators.formatting import parse_decimal
from indicators.goal_csv import (
    COLUMNS,
    VERSION_COLUMN,
    goal_row,
    parse_goal_rows,
    read_goal_csv,
)
from indicators.goal_text import EU_GOAL_MARK
from indicators.goal_validation import (
    GoalFileError,
    InvalidGoalError,
    against_direction,
    validate_goal,
)
from indicators.goals import (
    add_goal,
    export_goals_csv,
    get_goal,
    goal_changes,
    import_goals_csv,
    list_goals,
    remove_goal,
    sync_catalogue_goals,
    update_goal,
)
from indicators.spreadsheet import escape_formula, unescape_formula
from indicators.vocabulary import GOAL_LEVELS as LEVELS

#: KPI ids for the file-checking tests, independent of the indicator catalogue.
KPIS = frozenset({"N00401", "N07702", "N85533", "U07414"})

#: A valid user goal row (an example, not a real municipal decision).
VALID = {
    "id": "falun-exempel-utslapp-2030",
    "kpi_id": "N00401",
    "level": "lokal",
    "kind": "absolute",
    "operator": "<=",
    "target_value": "2.0",
    "relative_change": "",
    "band_low": "",
    "band_high": "",
    "direction": "down",
    "base_year": "2015",
    "target_year": "2030",
    "areas": "2080",
    "wording_sv": "Exempelmål: högst 2 ton per invånare år 2030.",
    "source_document": "Exempel för test",
    "source_url": "https://example.org/beslut",
    "adopted_year": "2024",
}


def csv_text(*rows: dict[str, str], columns=COLUMNS, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in columns})
    return buffer.getvalue()


def row(**changes: str) -> dict[str, str]:
    return {**VALID, **changes}


def problems_of(text: str, **kwargs):
    with pytest.raises(GoalFileError) as caught:
        read_goal_csv(text, source_name="mina-mal.csv", known_kpi_ids=KPIS, **kwargs)
    return caught.value.problems


def catalogue() -> list[GoalRecord]:
    return read_goal_csv(CATALOGUE_PATH)


def user_goal(**changes) -> GoalRecord:
    values = {
        "id": "mora-exempel-valdeltagande",
        "kpi_id": "N05401",
        "level": "lokal",
        "kind": "absolute",
        "operator": ">=",
        "target_value": 85.5,
        "direction": "up",
        "target_year": 2030,
        "areas": ("2062",),
        "wording_sv": "Exempelmål: valdeltagandet ska vara minst 85,5 procent.",
        "source_document": "Exempel för test",
    }
    return GoalRecord(**{**values, **changes})


def snapshot(engine: Engine):
    goals = [(goal_row(goal), goal.origin) for goal in list_goals(engine)]
    changes = [(c.goal_id, c.action, c.before, c.after, c.note) for c in goal_changes(engine)]
    return goals, changes


# --------------------------------------------------------------------------- shipped catalogue


def test_shipped_catalogue_loads_with_every_level():
    goals = catalogue()  # checked against the real indicator catalogue
    assert len(goals) >= 20
    assert {goal.level for goal in goals} == set(LEVELS)
    assert len({goal.id for goal in goals}) == len(goals)
    for goal in goals:
        assert goal.source_document.strip() and goal.wording_sv.strip()


def test_catalogue_file_has_the_columns_and_decimal_points():
    with CATALOGUE_PATH.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        # The catalogue has no versions: it is stored as it is, whatever is stored.
        assert tuple(reader.fieldnames) == tuple(c for c in COLUMNS if c != VERSION_COLUMN)
        for line in reader:
            for name in ("target_value", "relative_change", "band_low", "band_high"):
                assert re.fullmatch(r"(-?\d+(\.\d+)?)?", line[name]), (line["id"], name)


def test_catalogue_has_the_local_goals_of_mora_and_borlange():
    goals = {goal.id: goal for goal in catalogue()}
    mora = [g for g in goals.values() if g.level == "lokal" and g.areas == ("2062",)]
    by_year = {g.target_year: g for g in mora if g.kpi_id == "N00401"}
    # Mora: 1,5 ton/inv by 2030 and 2,5 ton/inv by 2022 (the municipality's own figures).
    assert by_year[2030].kind == "absolute" and by_year[2030].operator == "<="
    assert by_year[2030].target_value == 1.5
    assert by_year[2022].target_value == 2.5
    borlange = [g for g in goals.values() if g.level == "lokal" and g.areas == ("2081",)]
    assert [(g.kpi_id, g.target_year, g.direction) for g in borlange] == [("N00401", 2030, "down")]
    assert "klimatneutralt Borlänge 2030" in borlange[0].wording_sv


def test_catalogue_has_dalarnas_regional_climate_goals():
    regional = [g for g in catalogue() if g.level == "regional"]
    for goal in regional:
        assert goal.areas is not None and REGION_DALARNA in goal.areas
        assert set(goal.areas) <= {REGION_DALARNA, *DALARNA_MUNICIPALITIES}
    per_capita = [g for g in regional if g.kpi_id == "N00401" and g.target_year == 2045]
    assert [(g.operator, g.target_value) for g in per_capita] == [("<=", 1.25)]
    transport = [g for g in regional if g.kpi_id == "N85533"]
    assert [(g.kind, g.relative_change, g.target_year) for g in transport] == [
        ("relative", -0.5, 2030)
    ]
    assert transport[0].base_year in (2020, 2021)
    assert [g.target_year for g in regional if g.kpi_id == "N07702"] == [2045]
    wind = [g for g in regional if g.kpi_id == "N45904"]
    terawatt_hours = 7.5
    assert [(g.target_value, g.areas) for g in wind] == [
        (terawatt_hours * 1_000_000, (REGION_DALARNA,))
    ]


def test_catalogue_national_and_global_details():
    goals = catalogue()
    for goal in goals:
        if goal.id.startswith("eu-"):
            assert goal.level == "nationell" and "EU" in goal.source_document
    transport = next(g for g in goals if g.level == "nationell" and g.kpi_id == "N85533")
    assert (transport.relative_change, transport.base_year, transport.target_year) == (
        -0.7,
        2010,
        2030,
    )
    poverty = {g.kpi_id for g in goals if g.level == "global" and g.relative_change == -0.5}
    assert {"N66077", "N66080"} <= poverty
    recycling = sorted((g.target_year, g.target_value) for g in goals if g.kpi_id == "U07414")
    assert recycling == [(2025, 55), (2030, 60), (2035, 65)]


def test_catalogue_kpis_exist_in_koladas_catalogue(shared_dir: Path):
    kolada = json.loads((shared_dir / "kolada" / "kpi.json").read_text(encoding="utf-8"))
    known = {kpi["id"] for kpi in kolada["values"]}
    missing = {goal.kpi_id for goal in catalogue()} - known
    assert not missing


#: How a goal's wording states its number, by the catalogue unit of its indicator: the words
#: right after the number (a pattern), and words the wording must have or must not have
#: anywhere. A level or interval goal is stated in its indicator's unit, so a goal tied to
#: an indicator of another unit fails (the sick-pay goal of "dagar per registrerad
#: försäkrad" on the indicator of "dagar per person i arbetskraften"). A unit not listed
#: here fails too, until it is added.
STATED_UNITS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "andel (%)": (r"(vikt)?procent|%", (), ()),
    "dagar/registrerad försäkrad": (r"dagar\b", ("per registrerad försäkrad",), ("arbetskraft",)),
    "dagar/arbetskraften": (r"dagar\b", ("arbetskraften",), ("registrerad försäkrad",)),
    "ton CO2-ekv/inv": (r"ton(/| per )invånare", (), ()),
    "ton CO2-ekv": (r"ton\b(?!/| per invånare)", (), ()),
    "MWh": (r"MWh\b", (), ()),
}


def number_pattern(value: float) -> str:
    """A number as a wording may write it: ``9.0`` → ``9`` or ``9,0``; ``7500000`` →
    ``7 500 000``; ``1.25`` → ``1,25``."""
    whole, _, decimals = f"{value:.6f}".rstrip("0").rstrip(".").partition(".")
    digits = f"{int(whole):,}".replace(",", r"[\s\u00a0]?")
    fraction = rf",{decimals}" if decimals else r"(,0+)?"
    return rf"(?<![\d,]){digits}{fraction}(?![\d,])"


def unit_problem(goal: GoalRecord, unit: str) -> str | None:
    """Why a level or interval goal's wording does not state its number in ``unit``."""
    if unit not in STATED_UNITS:
        return f"okänd enhet {unit!r}: lägg till hur mål i den enheten skrivs"
    after, required, forbidden = STATED_UNITS[unit]
    numbers = [goal.target_value] if goal.kind == "absolute" else [goal.band_low, goal.band_high]
    for number in numbers:
        stated = rf"{number_pattern(number)}(–\d+)?\s*({after})"
        if not re.search(stated, goal.wording_sv):
            return f"{number} står inte i enheten {unit!r} i lydelsen"
    text = goal.wording_sv.lower()
    missing = [word for word in required if word not in text]
    present = [word for word in forbidden if word in text]
    if missing or present:
        return f"lydelsen saknar {missing} eller har {present} för enheten {unit!r}"
    return None


def source_problems(goals: list[GoalRecord]) -> list[str]:
    """The catalogue goals without an http(s) address to their source."""
    return [
        goal.id
        for goal in goals
        if not re.fullmatch(r"https?://\S+", goal.source_url)
        or (goal.secondary_source_url and not goal.secondary_source_url.startswith("http"))
    ]


def test_every_catalogue_goal_links_to_its_source():
    goals = catalogue()
    assert source_problems(goals) == []
    # A second reference (a news item, a summary) is never the only one.
    for goal in goals:
        if goal.secondary_source_url:
            assert goal.source_url != goal.secondary_source_url, goal.id


def test_a_catalogue_row_without_a_web_address_fails_the_source_check():
    goals = catalogue()
    first = goals[0]
    without = [replace(first, source_url=""), *goals[1:]]
    assert source_problems(without) == [first.id]
    ftp = [*goals[:-1], replace(goals[-1], source_url="ftp://example.org/beslut.pdf")]
    assert source_problems(ftp) == [goals[-1].id]


def test_level_and_interval_goals_are_stated_in_their_indicators_unit():
    units = {indicator.kpi_id: indicator.unit for indicator in load_catalogue()}
    checked = [g for g in catalogue() if g.kind in ("absolute", "band")]
    assert len(checked) >= 20
    problems = {g.id: unit_problem(g, units[g.kpi_id]) for g in checked}
    assert {goal_id: p for goal_id, p in problems.items() if p} == {}


def test_the_unit_check_fails_for_a_goal_on_an_indicator_of_another_unit():
    goals = {g.id: g for g in catalogue()}
    units = {indicator.kpi_id: indicator.unit for indicator in load_catalogue()}
    sick_pay = goals["se-sjukpenningtal-9-2020"]
    assert unit_problem(sick_pay, units["N00938"]) is None
    assert unit_problem(sick_pay, units["N00967"]) is not None  # per person in the labour force
    per_capita = goals["mora-utslapp-1-5-ton-2030"]
    assert unit_problem(per_capita, units["N07702"]) is not None  # total tonnes, not per capita
    assert unit_problem(per_capita, "kr/invånare") is not None  # a unit the check does not know


def test_the_sick_pay_goal_follows_the_measure_it_was_set_in(shared_dir: Path):
    """The 2015 goal (9,0 days, 10,3 in 2015) was set in the measure of that time: days per
    registered insured person 16–64 years (Försäkringskassan's "sjuktalet 1.0"), not per person
    15–69 in the labour force ("sjuktalet 2.0")."""
    kolada = json.loads((shared_dir / "kolada" / "kpi.json").read_text(encoding="utf-8"))
    descriptions = {kpi["id"]: kpi["description"] for kpi in kolada["values"]}
    (goal,) = [g for g in catalogue() if g.id == "se-sjukpenningtal-9-2020"]
    measure = descriptions[goal.kpi_id]
    assert "registrerad försäkrad i åldrarna 16-64" in measure and "sjuktalet 1.0" in measure
    assert "i arbetskraften" not in measure
    assert (goal.operator, goal.target_value, goal.base_year) == ("<=", 9.0, 2015)
    assert "sjuktalet 1.0" in goal.wording_sv and "10,3 dagar 2015" in goal.wording_sv


def test_eu_targets_are_marked_as_the_eus():
    """EU targets stay at the national level (Sweden has taken them on as a member state) and
    say so: the source starts with "EU-mål:" and the interpretation names them EU targets."""
    for goal in catalogue():
        is_eu = goal.source_document.startswith(EU_GOAL_MARK)
        assert is_eu == goal.id.startswith("eu-"), goal.id
        if is_eu:
            assert goal.level == "nationell" and "EU-mål för EU som helhet" in goal.wording_sv


def test_catalogue_goals_go_the_way_their_indicators_want():
    indicators = catalogue_by_id()
    wrong = {g.id: against_direction(g, indicators[g.kpi_id]) for g in catalogue()}
    assert {goal_id: reason for goal_id, reason in wrong.items() if reason} == {}


# --------------------------------------------------------------------------- file problems


def test_problem_message_names_file_line_field_value_and_form():
    (problem,) = problems_of(csv_text(row(level="lokalt")))
    assert str(problem) == (
        'mina-mal.csv rad 2, fält "level": "lokalt" – förväntat en av lokal, regional, '
        "nationell, global"
    )


RELATIVE = {"kind": "relative", "operator": "", "target_value": "", "relative_change": "-0.5"}
BAND = {"kind": "band", "operator": "", "target_value": "", "direction": ""}
DIRECTION = {"kind": "direction", "operator": "", "target_value": ""}


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"kind": "absolut"}, "kind", "en av absolute, relative, band, direction"),
        ({"operator": ""}, "operator", "en av >=, <= (krävs för kind absolute)"),
        ({"operator": "=>"}, "operator", "en av >=, <="),
        ({"target_value": ""}, "target_value", "krävs för kind absolute"),
        ({"target_value": "två"}, "target_value", "ett tal med decimalpunkt eller decimalkomma"),
        ({"target_value": "1.5,0"}, "target_value", "ett tal med decimalpunkt"),
        ({"target_year": ""}, "target_year", "krävs för kind absolute"),
        ({"target_year": "2030a"}, "target_year", "ett årtal 1900–2100 med fyra siffror"),
        ({"base_year": "1850"}, "base_year", "ett årtal 1900–2100"),
        ({"base_year": "2031"}, "target_year", "ett år efter base_year (2031)"),
        ({"adopted_year": "2201"}, "adopted_year", "ett årtal 1900–2100"),
        ({"kpi_id": "N99999"}, "kpi_id", "finns i indikatorkatalogen"),
        ({"areas": "9999"}, "areas", "okänt: 9999"),
        ({"areas": "208"}, "areas", "områdes-id med fyra siffror"),
        ({"areas": ""}, "areas", "exakt ett kommun-id för level lokal"),
        ({"areas": "2080|2062"}, "areas", "exakt ett kommun-id för level lokal"),
        ({"areas": "0020"}, "areas", "exakt ett kommun-id för level lokal"),
        ({"level": "regional", "areas": "2080|2080"}, "areas", "varje område bara en gång"),
        ({"source_url": "www.falun.se"}, "source_url", "börjar med http:// eller https://"),
        (
            {"secondary_source_url": "falun.se/nyhet"},
            "secondary_source_url",
            "börjar med http:// eller https://",
        ),
        (
            {"source_url": "", "secondary_source_url": "https://www.falun.se/nyhet"},
            "source_url",
            "huvudkällan",
        ),
        ({"id": "Falun mål"}, "id", "små bokstäver a–z"),
        ({"wording_sv": " "}, "wording_sv", "målets lydelse på svenska"),
        ({"source_document": ""}, "source_document", "anger källan"),
        ({"direction": "uppåt"}, "direction", "en av up, down"),
        ({"direction": "up"}, "direction", "down eller tomt, eftersom operator <="),
        ({"band_low": "10"}, "band_low", "tomt för kind absolute"),
        ({**RELATIVE, "relative_change": ""}, "relative_change", "krävs för kind relative"),
        ({**RELATIVE, "relative_change": "-1"}, "relative_change", "större än -1"),
        ({**RELATIVE, "relative_change": "-70"}, "relative_change", "större än -1"),
        ({**RELATIVE, "base_year": ""}, "base_year", "krävs för kind relative"),
        ({**RELATIVE, "operator": "<="}, "operator", "tomt för kind relative"),
        ({**RELATIVE, "target_value": "2"}, "target_value", "tomt för kind relative"),
        ({**RELATIVE, "direction": "up"}, "direction", "eftersom relative_change är negativ"),
        ({**BAND, "band_low": "60", "band_high": "40"}, "band_high", "större än band_low (60)"),
        ({**BAND, "band_low": "40"}, "band_high", "krävs för kind band"),
        ({**DIRECTION, "target_value": "5"}, "target_value", "tomt för kind direction"),
        ({**DIRECTION, "direction": ""}, "direction", "krävs för kind direction"),
    ],
)
def test_each_bad_value_gives_its_message(changes, field, expected):
    bad = row(**changes)
    (problem,) = problems_of(csv_text(bad))
    assert (problem.source, problem.line, problem.field) == ("mina-mal.csv", 2, field)
    assert problem.value == bad[field].strip()
    assert expected in problem.expected
    assert str(problem).startswith(f'mina-mal.csv rad 2, fält "{field}": ')


def test_valid_kinds_parse():
    relative = row(id="rel", **RELATIVE)
    band = row(id="band", **BAND, band_low="40", band_high="60")
    direction = row(id="dir", **DIRECTION, base_year="", target_year="")
    goals = read_goal_csv(csv_text(relative, band, direction), known_kpi_ids=KPIS)
    assert [(g.kind, g.relative_change, g.band_low, g.band_high) for g in goals] == [
        ("relative", -0.5, None, None),
        ("band", None, 40.0, 60.0),
        ("direction", None, None, None),
    ]
    assert goals[2].direction == "down" and goals[2].target_year is None


def test_unknown_and_missing_columns_are_reported_on_the_header_line():
    columns = [name for name in COLUMNS if name != "wording_sv"] + ["anteckning"]
    problems = problems_of(csv_text(row(), columns=columns))
    header = [p for p in problems if p.line == 1]
    assert {(p.field, p.found) for p in header} == {
        ("anteckning", "okänd kolumn"),
        ("wording_sv", "kolumnen saknas"),
    }
    assert (
        'mina-mal.csv rad 1, fält "anteckning": okänd kolumn – förväntat en av kolumnerna id'
        in ("\n".join(str(p) for p in problems))
    )


def test_duplicate_ids_name_the_first_line():
    problems = problems_of(csv_text(row(), row(areas="2062")))
    assert [(p.line, p.field) for p in problems] == [(3, "id")]
    assert "samma id finns på rad 2" in problems[0].expected


def test_every_problem_in_every_row_is_reported_with_its_line():
    multiline = row(id="flera-rader", wording_sv="Första raden\nandra raden")
    bad_first = row(id="forsta", level="lokalt", target_value="x", source_url="ftp://a")
    bad_last = row(id="sista", kind="relativ")
    problems = problems_of(csv_text(bad_first, multiline, bad_last))
    # The quoted line break moves the last record to line 5.
    assert sorted((p.line, p.field) for p in problems) == [
        (2, "level"),
        (2, "source_url"),
        (2, "target_value"),
        (5, "kind"),
    ]


def test_surplus_fields_are_a_problem():
    text = csv_text(row()).rstrip("\n") + ",överblivet\n"
    (problem,) = problems_of(text)
    assert (problem.line, problem.field, problem.value) == (2, "(extra fält)", "överblivet")


def test_empty_file_is_a_problem():
    (problem,) = problems_of("\n\n")
    assert problem.found == "filen är tom"


def test_parse_goal_rows_checks_mappings():
    goals = parse_goal_rows([row()], source_name="rader", known_kpi_ids=KPIS)
    assert goals[0].target_value == 2.0 and goals[0].areas == ("2080",)
    with pytest.raises(GoalFileError) as caught:
        parse_goal_rows(
            [row(), {**row(id="andra"), "okänd": "x"}], source_name="rader", known_kpi_ids=KPIS
        )
    assert [(p.line, p.field, p.found) for p in caught.value.problems] == [
        (1, "okänd", "okänd kolumn")
    ]


def test_known_areas_can_be_passed():
    goals = read_goal_csv(csv_text(row(areas="1280")), known_kpi_ids=KPIS, known_area_ids={"1280"})
    assert goals[0].areas == ("1280",)
    (problem,) = problems_of(csv_text(row()), known_area_ids={"1280"})
    assert problem.field == "areas"


# --------------------------------------------------------------------------- decimal comma


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,5", 1.5), ("1.5", 1.5), ("-0,70", -0.7), ("−0,5", -0.5), ("7 500 000", 7_500_000.0)],
)
def test_parse_decimal_accepts_point_comma_and_spaces(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["1.5,0", "1,5,0", "", "abc", "1e3", "5 %"])
def test_parse_decimal_rejects_other_forms(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_excel_file_with_semicolons_decimal_comma_and_windows_encoding(tmp_path: Path):
    text = csv_text(
        row(target_value="1,5", wording_sv="Målet är ändrat för Säter."),
        row(id="andra", **{**RELATIVE, "kpi_id": "N85533", "relative_change": "-0,7"}),
        delimiter=";",
    )
    path = tmp_path / "mål från excel.csv"
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    goals = read_goal_csv(path, known_kpi_ids=KPIS)
    assert [g.target_value for g in goals] == [1.5, None]
    assert goals[1].relative_change == -0.7
    assert goals[0].wording_sv == "Målet är ändrat för Säter."


def test_utf8_file_with_byte_order_mark(tmp_path: Path):
    path = tmp_path / "mal.csv"
    path.write_bytes(csv_text(row(wording_sv="Åtgärd i Älvdalen")).encode("utf-8-sig"))
    assert read_goal_csv(path, known_kpi_ids=KPIS)[0].wording_sv == "Åtgärd i Älvdalen"


def test_validate_goal_checks_a_record():
    assert validate_goal(user_goal()) == []
    problems = validate_goal(user_goal(level="kommun", target_year=None))
    assert {p.field for p in problems} == {"level", "target_year"}
    assert str(problems[0]).startswith('målet "mora-exempel-valdeltagande", fält')


# --------------------------------------------------------------------------- database


def test_sync_loads_the_catalogue_and_is_idempotent(engine: Engine):
    expected = [goal_row(goal) for goal in catalogue()]
    assert sync_catalogue_goals(engine) == len(expected)
    stored = list_goals(engine)
    assert sorted(goal_row(g)["id"] for g in stored) == sorted(r["id"] for r in expected)
    assert {g.origin for g in stored} == {ORIGIN_CATALOGUE}
    first = snapshot(engine)
    assert sync_catalogue_goals(engine) == len(expected)
    assert snapshot(engine) == first
    assert goal_changes(engine) == []


def test_sync_replaces_catalogue_rows_and_keeps_user_goals(engine: Engine, tmp_path: Path):
    sync_catalogue_goals(engine)
    mine = add_goal(engine, user_goal())
    goals = catalogue()
    # drop a goal that no other contributes to: a link to a dropped goal is refused
    served = {goal_id for goal in goals for goal_id in goal.contributes_to}
    dropped = next(goal for goal in goals if goal.id not in served)
    goals = [dropped, *(goal for goal in goals if goal is not dropped)]
    changed = goals[1]
    kept = goals[2:]
    new_changed = replace(changed, wording_sv="Ny")
    path = tmp_path / "katalog.csv"
    path.write_text(csv_text(*(goal_row(g) for g in [new_changed, *kept])), encoding="utf-8")
    sync_catalogue_goals(engine, path)
    stored = {g.id: g for g in list_goals(engine)}
    assert dropped.id not in stored
    assert stored[changed.id].wording_sv == "Ny"
    assert stored[mine.id] == mine and stored[mine.id].origin == ORIGIN_USER
    assert len(stored) == len(goals)  # one dropped, one user goal


def test_sync_with_a_bad_catalogue_changes_nothing(engine: Engine, tmp_path: Path):
    sync_catalogue_goals(engine)
    before = snapshot(engine)
    path = tmp_path / "katalog.csv"
    path.write_text(csv_text(row(level="lokalt")), encoding="utf-8")
    with pytest.raises(GoalFileError):
        sync_catalogue_goals(engine, path)
    assert snapshot(engine) == before


def test_sync_refuses_a_catalogue_id_used_by_a_user_goal(engine: Engine, tmp_path: Path):
    sync_catalogue_goals(engine)
    add_goal(engine, user_goal())
    before = snapshot(engine)
    path = tmp_path / "katalog.csv"
    clash = {**goal_row(user_goal()), "level": "nationell", "areas": ""}
    path.write_text(csv_text(clash), encoding="utf-8")
    with pytest.raises(DuplicateGoalError, match="mora-exempel-valdeltagande"):
        sync_catalogue_goals(engine, path)
    assert snapshot(engine) == before


def test_add_change_remove_are_logged_with_notes(engine: Engine):
    goal = user_goal()
    stored = add_goal(engine, goal, note="KF 2024-05-01 § 12")
    assert stored.origin == ORIGIN_USER
    changed = user_goal(target_value=90.0, target_year=2035)
    update_goal(engine, changed, note="Höjt mål")
    update_goal(engine, changed, note="ingen ändring")  # identical: nothing logged
    remove_goal(engine, goal.id, note="Upphävt")
    log = goal_changes(engine)
    assert [(c.action, c.note) for c in log] == [
        ("remove", "Upphävt"),
        ("change", "Höjt mål"),
        ("add", "KF 2024-05-01 § 12"),
    ]
    removed, change, added = log
    assert added.before is None and added.after == goal.as_dict()
    assert change.before["target_value"] == 85.5 and change.after["target_value"] == 90.0
    assert change.after["areas"] == ["2062"]
    assert removed.before == changed.as_dict() and removed.after is None
    assert [c.action for c in goal_changes(engine, limit=1)] == ["remove"]
    assert goal_changes(engine, goal_id="annat") == []
    assert list_goals(engine, origin=ORIGIN_USER) == []


def test_catalogue_goals_are_protected(engine: Engine):
    sync_catalogue_goals(engine)
    mora = next(g for g in list_goals(engine, area_id="2062") if g.level == "lokal")
    with pytest.raises(CatalogueGoalError, match="målkatalogen"):
        update_goal(engine, replace(mora, wording_sv="Ändrad"))
    with pytest.raises(CatalogueGoalError):
        remove_goal(engine, mora.id)
    with pytest.raises(DuplicateGoalError, match="i målkatalogen"):
        add_goal(engine, replace(mora, origin=None))
    assert goal_changes(engine) == []


def test_user_goal_rules(engine: Engine):
    with pytest.raises(GoalError, match="nivån nationell"):
        add_goal(engine, user_goal(level="nationell", areas=None))
    with pytest.raises(InvalidGoalError) as caught:
        add_goal(engine, user_goal(kpi_id="N99999"))
    assert [p.field for p in caught.value.problems] == ["kpi_id"]
    with pytest.raises(UnknownGoalError):
        remove_goal(engine, "finns-inte")
    with pytest.raises(UnknownGoalError):
        update_goal(engine, user_goal())
    add_goal(engine, user_goal())
    with pytest.raises(DuplicateGoalError, match="bland egna mål"):
        add_goal(engine, user_goal())
    regional = user_goal(id="region-exempel", level="regional", areas=(REGION_DALARNA,))
    assert add_goal(engine, regional).level == "regional"


def test_list_goals_filters(engine: Engine):
    sync_catalogue_goals(engine)
    goals = catalogue()
    for area in ("2062", "2081", REGION_DALARNA, "0000"):
        expected = {g.id for g in goals if g.areas is None or area in g.areas}
        assert {g.id for g in list_goals(engine, area_id=area)} == expected
    assert {g.id for g in list_goals(engine, kpi_id="N00401", level="lokal")} == {
        g.id for g in goals if g.kpi_id == "N00401" and g.level == "lokal"
    }
    levels = [g.level for g in list_goals(engine)]
    assert levels == sorted(levels, key=LEVELS.index)


# --------------------------------------------------------------------------- import and export


def write(path: Path, *rows: dict[str, str], **kwargs) -> Path:
    path.write_text(csv_text(*rows, **kwargs), encoding="utf-8")
    return path


def mora_row(**changes: str) -> dict[str, str]:
    return {**goal_row(user_goal()), **changes}


def test_import_adds_changes_and_logs(engine: Engine, tmp_path: Path):
    sync_catalogue_goals(engine)
    second = mora_row(id="mora-exempel-tva", target_value="80,5")
    path = write(tmp_path / "mal.csv", mora_row(), second)
    result = import_goals_csv(engine, path, note="Import 1")
    assert result.added == ("mora-exempel-valdeltagande", "mora-exempel-tva")
    stored = {g.id: g for g in list_goals(engine, origin=ORIGIN_USER)}
    assert stored["mora-exempel-tva"].target_value == 80.5
    again = import_goals_csv(engine, path, note="Import 2")
    assert (again.added, again.changed) == ((), ())
    assert len(again.unchanged) == 2
    write(path, mora_row(target_value="88"), second)
    changed = import_goals_csv(engine, path, note="Import 3")
    assert changed.changed == ("mora-exempel-valdeltagande",)
    assert [(c.action, c.note) for c in goal_changes(engine)] == [
        ("change", "Import 3"),
        ("add", "Import 1"),
        ("add", "Import 1"),
    ]


def test_a_bad_file_loads_nothing(engine: Engine, tmp_path: Path):
    sync_catalogue_goals(engine)
    add_goal(engine, user_goal(), note="först")
    before = snapshot(engine)
    good = mora_row(id="mora-exempel-ny")
    changed = mora_row(target_value="99")
    path = write(tmp_path / "mal.csv", good, changed, mora_row(id="trasig", kind="absolut"))
    with pytest.raises(GoalFileError) as caught:
        import_goals_csv(engine, path)
    assert [(p.source, p.line, p.field) for p in caught.value.problems] == [("mal.csv", 4, "kind")]
    assert snapshot(engine) == before


def test_import_may_not_change_catalogue_goals_or_add_national_ones(engine: Engine, tmp_path: Path):
    sync_catalogue_goals(engine)
    before = snapshot(engine)
    national = next(g for g in catalogue() if g.level == "nationell")
    edited = {**goal_row(national), "wording_sv": "Ändrad"}
    own_national = mora_row(id="eget-nationellt", level="nationell", areas="")
    path = write(tmp_path / "mal.csv", mora_row(), edited, own_national)
    with pytest.raises(GoalFileError) as caught:
        import_goals_csv(engine, path)
    assert [(p.line, p.field) for p in caught.value.problems] == [(3, "id"), (4, "level")]
    assert "katalogmål kan inte ändras" in str(caught.value)
    assert snapshot(engine) == before


def test_export_import_round_trip(engine: Engine, tmp_path: Path, other_db_url: str):
    sync_catalogue_goals(engine)
    add_goal(
        engine,
        user_goal(
            target_value=1 / 3,
            source_url="https://example.org/beslut",
            secondary_source_url="https://example.org/nyhet",
        ),
    )
    add_goal(
        engine,
        user_goal(
            id="mora-exempel-rel",
            kind="relative",
            operator=None,
            target_value=None,
            relative_change=-0.255,
            base_year=2015,
            direction="down",
            kpi_id="N00401",
        ),
    )
    mine = list_goals(engine, origin=ORIGIN_USER)
    path = tmp_path / "export.csv"
    assert export_goals_csv(engine, path, origin=ORIGIN_USER) == len(mine)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_goal_csv(path) == mine

    other = open_database(other_db_url)
    sync_catalogue_goals(other)
    assert len(import_goals_csv(other, path).added) == len(mine)
    assert list_goals(other, origin=ORIGIN_USER) == mine
    other.dispose()

    # An export of everything imports again: catalogue rows are identical, so skipped.
    everything = tmp_path / "alla.csv"
    total = export_goals_csv(engine, everything)
    assert total == len(catalogue()) + len(mine)
    before = snapshot(engine)
    result = import_goals_csv(engine, everything)
    assert len(result.unchanged) == total and not result.added and not result.changed
    assert snapshot(engine) == before


def test_export_to_a_buffer(engine: Engine):
    add_goal(engine, user_goal())
    buffer = io.StringIO()
    assert export_goals_csv(engine, buffer, origin=ORIGIN_USER) == 1
    lines = buffer.getvalue().splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert read_goal_csv(buffer.getvalue()) == [user_goal()]


# --------------------------------------------------------------------------- formula escaping


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=SUMMA(A1)", "'=SUMMA(A1)"),
        ("+46 procent", "'+46 procent"),
        ("-70 procent till 2045", "'-70 procent till 2045"),
        ("@kommunen", "'@kommunen"),
        ("\tindraget", "'\tindraget"),
        ("\rrad", "'\rrad"),
        ("'=redan med apostrof", "''=redan med apostrof"),  # else the import would drop it
        ("''-två", "'''-två"),
        ("Vanlig text", "Vanlig text"),
        ("'citat' först", "'citat' först"),
        ("'", "'"),
        ("", ""),
    ],
)
def test_formula_escaping_and_its_undoing(text: str, written: str):
    assert escape_formula(text) == written
    assert unescape_formula(written) == text


def test_unescaping_removes_only_the_apostrophe_before_a_formula_start():
    assert unescape_formula("'=1+1") == "=1+1"
    assert unescape_formula("'-5") == "-5"
    assert unescape_formula("'citat'") == "'citat'"
    assert unescape_formula("'") == "'"
    assert unescape_formula("=1+1") == "=1+1"


def formula_goal() -> GoalRecord:
    return user_goal(
        id="mora-exempel-formel",
        kind="relative",
        operator=None,
        target_value=None,
        relative_change=-0.25,
        base_year=2015,
        direction="down",
        kpi_id="N00401",
        wording_sv='=HYPERLÄNK("https://example.org";"klicka här") -25 procent',
        source_document="-Kommunfullmäktige, exempel",
        source_url="",
    )


def test_export_escapes_formula_text_and_keeps_numbers_plain(engine: Engine, tmp_path: Path):
    goal = formula_goal()
    apostrophe = user_goal(id="mora-exempel-apostrof", wording_sv="'@ står först")
    plain = user_goal(id="mora-exempel-vanlig")
    for record in (goal, apostrophe, plain):
        add_goal(engine, record)
    buffer = io.StringIO()
    assert export_goals_csv(engine, buffer, origin=ORIGIN_USER) == 3
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(buffer.getvalue()))}
    written = rows["mora-exempel-formel"]
    assert written["wording_sv"] == "'" + goal.wording_sv
    assert written["source_document"] == "'-Kommunfullmäktige, exempel"
    assert written["relative_change"] == "-0.25"  # a number, not text: no apostrophe
    assert rows["mora-exempel-apostrof"]["wording_sv"] == "''@ står först"
    assert rows["mora-exempel-vanlig"] == goal_row(replace(plain, version=1))
    for cells in rows.values():  # no text cell starts like a formula
        starts = [name for name, cell in cells.items() if cell.startswith(("=", "+", "-", "@"))]
        assert starts in ([], ["relative_change"])

    # Read back and imported again: unchanged.
    mine = list_goals(engine, origin=ORIGIN_USER)
    assert read_goal_csv(buffer.getvalue()) == mine
    path = tmp_path / "formler.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    before = snapshot(engine)
    result = import_goals_csv(engine, path)
    assert len(result.unchanged) == 3 and not result.added and not result.changed
    assert snapshot(engine) == before


def test_escaped_goals_import_into_another_database(
    engine: Engine, tmp_path: Path, other_db_url: str
):
    add_goal(engine, formula_goal())
    path = tmp_path / "formel.csv"
    export_goals_csv(engine, path, origin=ORIGIN_USER)
    other = open_database(other_db_url)
    assert import_goals_csv(other, path).added == ("mora-exempel-formel",)
    assert list_goals(other, origin=ORIGIN_USER) == [formula_goal()]
    other.dispose()


def test_import_undoes_the_escaping_of_a_file_written_by_hand():
    text = csv_text(row(wording_sv="'=Minst 2 ton", source_document="'Beslut' 2024"))
    (goal,) = read_goal_csv(text, known_kpi_ids=KPIS)
    assert goal.wording_sv == "=Minst 2 ton"
    assert goal.source_document == "'Beslut' 2024"  # no formula start after it: kept
    # in a number column the apostrophe is no escape: the cell is no number
    problems = problems_of(csv_text(row(target_value="'-2.0")))
    assert [(p.line, p.field) for p in problems] == [(2, "target_value")]


# --------------------------------------------------------------------------- command line


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


def test_cli_import_list_export(db_url: str, tmp_path: Path, capsys):
    path = write(tmp_path / "mal.csv", mora_row(target_value="85,5"))
    assert run_cli(["--database-url", db_url, "goals", "import", str(path), "--note", "KF"]) == 0
    assert "1 nya, 0 ändrade, 0 oförändrade" in capsys.readouterr().out

    assert run_cli(["goals", "list", "--area", "2062", "--database-url", db_url]) == 0
    out = capsys.readouterr().out.splitlines()
    mine = next(line for line in out if line.startswith("mora-exempel-valdeltagande\t"))
    assert mine.split("\t")[1:] == ["lokal", "N05401", "minst 85,5 år 2030", "Mora", "eget"]
    expected = sum(1 for g in catalogue() if g.applies_to("2062")) + 1
    assert out[-1] == f"{expected} mål."

    exported = tmp_path / "ut.csv"
    assert run_cli(["--database-url", db_url, "goals", "export", str(exported)]) == 0
    assert [g.id for g in read_goal_csv(exported)] == ["mora-exempel-valdeltagande"]
    assert run_cli(["--database-url", db_url, "goals", "export", str(exported), "--all"]) == 0
    assert len(read_goal_csv(exported)) == len(catalogue()) + 1
    capsys.readouterr()
    assert run_cli(["--database-url", db_url, "goals", "export", "-"]) == 0
    assert read_goal_csv(capsys.readouterr().out)[0].id == "mora-exempel-valdeltagande"
    engine = open_database(db_url)
    assert [c.note for c in goal_changes(engine)] == ["KF"]
    engine.dispose()


def test_cli_import_warns_of_a_goal_against_its_indicators_direction(
    db_url: str, tmp_path: Path, capsys, caplog
):
    """The command line saves the file as the page's upload does and reports each goal
    against its indicator's direction as a warning, with the reason the form gives."""
    against = mora_row(operator="<=", direction="down", target_value="60")  # turnout: up
    path = write(tmp_path / "mal.csv", against)
    with caplog.at_level("WARNING", logger="indicators.goals"):
        assert run_cli(["--database-url", db_url, "goals", "import", str(path)]) == 0
    assert "1 nya" in capsys.readouterr().out
    (warning,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warning.startswith("mal.csv rad 2 (mora-exempel-valdeltagande): Indikatorn är bättre")
    assert "men målet säger högst 60 %" in warning
    engine = open_database(db_url)
    assert get_goal(engine, "mora-exempel-valdeltagande").operator == "<="
    engine.dispose()


def test_cli_bad_file_prints_every_problem_and_stores_nothing(db_url, tmp_path, capsys):
    path = write(
        tmp_path / "mal.csv", mora_row(level="lokalt"), mora_row(id="b", target_year="20x0")
    )
    with pytest.raises(GoalFileError) as caught:
        read_goal_csv(path)
    assert run_cli(["--database-url", db_url, "goals", "import", str(path)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[0] == f"Ingenting importerades från {path} (2 fel):"
    assert lines[1:] == [str(problem) for problem in caught.value.problems]
    assert captured.out == ""
    engine = open_database(db_url)
    assert list_goals(engine, origin=ORIGIN_USER) == [] and goal_changes(engine) == []
    engine.dispose()


def test_cli_missing_file(db_url: str, tmp_path: Path, capsys):
    missing = tmp_path / "finns-inte.csv"
    assert run_cli(["--database-url", db_url, "goals", "import", str(missing)]) == 1
    assert capsys.readouterr().err.startswith(f"Kunde inte läsa {missing}")


# --------------------------------------------------------------------------- målkedjan: links


def test_catalogue_chain_runs_from_mora_and_borlange_to_sdg_13():
    goals = {goal.id: goal for goal in catalogue()}
    indicators = catalogue_by_id()
    for local in (
        "mora-utslapp-1-5-ton-2030",
        "mora-utslapp-2-5-ton-2022",
        "borlange-klimatneutral-2030",
    ):
        path, goal = [goals[local].level], goals[local]
        while goal.contributes_to:
            goal = goals[goal.contributes_to[0]]
            path.append(goal.level)
        assert path == ["lokal", "regional", "nationell", "global"], local
        assert indicators[goal.kpi_id].sdg_goal == 13
        assert "13.2" in goal.source_document
    regional = goals["dalarna-klimatneutral-2045"]
    assert regional.contributes_to == ("se-klimat-85-2045",)
    # every link is cited in the goal's wording
    for goal in goals.values():
        if goal.contributes_to:
            assert "Målkedjan:" in goal.wording_sv, goal.id


def test_every_catalogue_link_names_a_higher_catalogue_goal():
    goals = {goal.id: goal for goal in catalogue()}
    links = [(goal, goals[i]) for goal in goals.values() for i in goal.contributes_to]
    assert len(links) >= 10
    for lower, higher in links:
        assert LEVELS.index(higher.level) > LEVELS.index(lower.level), (lower.id, higher.id)


def regional_row(**changes: str) -> dict[str, str]:
    values = {
        "id": "dalarna-exempel-utslapp-2045",
        "level": "regional",
        "areas": f"{REGION_DALARNA}|2080",
        "target_year": "2045",
    }
    return row(**{**values, **changes})


def test_a_link_to_an_unknown_goal_is_refused_naming_the_goal():
    (problem,) = problems_of(csv_text(regional_row(), row(contributes_to="finns-inte")))
    assert (problem.line, problem.field) == (3, "contributes_to")
    assert "falun-exempel-utslapp-2030" in str(problem) and "finns-inte" in str(problem)


def test_a_link_to_a_goal_of_the_same_or_a_lower_level_is_refused():
    text = csv_text(
        regional_row(contributes_to="falun-exempel-utslapp-2030"),
        row(),
        row(id="falun-exempel-tva", contributes_to="falun-exempel-utslapp-2030"),
    )
    problems = problems_of(text)
    assert [(p.line, p.field) for p in problems] == [(2, "contributes_to"), (4, "contributes_to")]
    assert "dalarna-exempel-utslapp-2045" in str(problems[0]) and "(lokal)" in str(problems[0])
    assert "högre nivå än lokal" in str(problems[1])


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        ("falun-exempel-utslapp-2030", "andra mål än målet självt"),
        ("dalarna-exempel-utslapp-2045;dalarna-exempel-utslapp-2045", "bara en gång"),
        ("Stora Bokstäver", "id för högre mål"),
    ],
)
def test_the_form_of_the_links_is_checked(links: str, expected: str):
    problems = problems_of(csv_text(regional_row(), row(contributes_to=links)))
    assert [p.field for p in problems] == ["contributes_to"]
    assert expected in str(problems[0])


def test_links_are_read_with_semicolons_also_from_a_semicolon_file():
    national = regional_row(id="sverige-exempel-2045", level="nationell", areas="")
    text = csv_text(
        regional_row(),
        national,
        row(contributes_to="dalarna-exempel-utslapp-2045; sverige-exempel-2045"),
        delimiter=";",
    )
    goals = read_goal_csv(text, known_kpi_ids=KPIS)
    assert goals[2].contributes_to == ("dalarna-exempel-utslapp-2045", "sverige-exempel-2045")
    assert goal_row(goals[2])["contributes_to"] == (
        "dalarna-exempel-utslapp-2045;sverige-exempel-2045"
    )


def test_an_old_file_without_the_column_still_reads():
    columns = [c for c in COLUMNS if c not in ("contributes_to", VERSION_COLUMN)]
    (goal,) = read_goal_csv(csv_text(row(), columns=columns), known_kpi_ids=KPIS)
    assert goal.contributes_to == ()


def test_a_catalogue_with_a_bad_link_changes_nothing(engine: Engine, tmp_path: Path):
    sync_catalogue_goals(engine)
    before = snapshot(engine)
    path = tmp_path / "katalog.csv"
    bad = {**goal_row(catalogue()[-1]), "contributes_to": "finns-inte"}
    path.write_text(csv_text(bad), encoding="utf-8")
    with pytest.raises(GoalFileError, match=catalogue()[-1].id):
        sync_catalogue_goals(engine, path)
    assert snapshot(engine) == before


def test_user_goals_link_to_stored_goals_and_round_trip(engine: Engine, tmp_path: Path):
    sync_catalogue_goals(engine)
    links = "dalarna-klimatneutral-2045;se-klimat-85-2045"
    path = write(tmp_path / "mal.csv", row(contributes_to=links))
    import_goals_csv(engine, path, note="med länkar")
    (stored,) = list_goals(engine, origin=ORIGIN_USER)
    assert stored.contributes_to == ("dalarna-klimatneutral-2045", "se-klimat-85-2045")
    assert goal_changes(engine)[0].after["contributes_to"] == list(stored.contributes_to)
    exported = tmp_path / "export.csv"
    export_goals_csv(engine, exported, origin=ORIGIN_USER)
    stored_levels = {goal.id: goal.level for goal in list_goals(engine)}
    assert read_goal_csv(exported, linked_levels=stored_levels) == [stored]
    # read alone, the file does not know the goals it links to
    with pytest.raises(GoalFileError, match="okända mål: dalarna-klimatneutral-2045"):
        read_goal_csv(exported)
    # a link to a goal neither stored nor in the file is refused, and nothing is stored
    before = snapshot(engine)
    write(path, row(id="falun-exempel-ny", contributes_to="finns-inte"))
    with pytest.raises(GoalFileError, match="falun-exempel-ny"):
        import_goals_csv(engine, path)
    assert snapshot(engine) == before
