"""The indicator catalogue: loading, validation, and agreement with Kolada's own catalogue."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from indicators.catalogue import (
    COLUMNS,
    DEFAULT_CATALOGUE_PATH,
    CatalogueError,
    Indicator,
    catalogue_by_id,
    load_catalogue,
)
from indicators.sdg import DIMENSIONS, SDG_GOALS, dimension_label, sdg_colour, sdg_name

VALID_ROWS = [
    {
        "kpi_id": "N00401",
        "label": "Växthusgasutsläpp per invånare",
        "kolada_title": "Utsläpp till luft av växthusgaser totalt, ton CO2-ekv/inv",
        "sdg_goal": "13",
        "sdg_target": "13.2",
        "dimension": "miljömässig",
        "direction": "down",
        "unit": "ton CO2-ekv/inv",
        "decimals": "2",
        "natural_limit": "",
        "is_divided_by_gender": "false",
        "municipality_type": "A",
        "source_group": "agenda2030",
    },
    {
        "kpi_id": "N05401",
        "label": "Valdeltagande i kommunvalet",
        "kolada_title": "Valdeltagande i senaste kommunalvalet, andel (%)",
        "sdg_goal": "16",
        "sdg_target": "",
        "dimension": "social",
        "direction": "up",
        "unit": "andel (%)",
        "decimals": "1",
        "natural_limit": "100",
        "is_divided_by_gender": "true",
        "municipality_type": "A",
        "source_group": "region_dalarna",
    },
]


def write_catalogue(path: Path, rows: list[dict[str, str]], columns=COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_valid_file_loads_with_typed_fields(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path / "catalogue.csv", VALID_ROWS)

    emissions, turnout = load_catalogue(path)

    assert emissions == Indicator(
        kpi_id="N00401",
        label="Växthusgasutsläpp per invånare",
        kolada_title="Utsläpp till luft av växthusgaser totalt, ton CO2-ekv/inv",
        sdg_goal=13,
        sdg_target="13.2",
        dimension="miljömässig",
        direction="down",
        unit="ton CO2-ekv/inv",
        decimals=2,
        natural_limit=None,
        is_divided_by_gender=False,
        municipality_type="A",
        source_group="agenda2030",
    )
    assert turnout.sdg_target is None
    assert turnout.natural_limit == 100.0
    assert turnout.is_divided_by_gender is True


def test_blank_lines_are_skipped_and_line_numbers_still_count_them(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path / "catalogue.csv", VALID_ROWS)
    lines = path.read_text(encoding="utf-8").splitlines()
    bad = dict(VALID_ROWS[1], direction="upp")
    path.write_text(
        "\n".join([*lines, "", ",".join(bad[column] for column in COLUMNS)]) + "\n",
        encoding="utf-8",
    )

    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path)

    assert raised.value.line == 5  # header, two rows, a blank line, then the bad row


BAD_VALUES = [
    ("kpi_id", "X0401", "N or U followed by five digits"),
    ("kpi_id", "N401", "N or U followed by five digits"),
    ("label", "", "label"),
    ("kolada_title", "", "Kolada's title"),
    ("sdg_goal", "18", "1 to 17"),
    ("sdg_goal", "0", "1 to 17"),
    ("sdg_goal", "tretton", "1 to 17"),
    ("sdg_target", "12.3", "goal 16"),
    ("sdg_target", "16", "goal 16"),
    ("sdg_target", "16.x1", "goal 16"),
    ("dimension", "miljö", "social, ekonomisk, miljömässig"),
    ("direction", "upp", "up, down, none"),
    ("unit", "", "unit"),
    ("decimals", "4", "0 to 3"),
    ("decimals", "-1", "0 to 3"),
    ("decimals", "1.5", "0 to 3"),
    ("natural_limit", "hundra", "positive number"),
    ("natural_limit", "-5", "positive number"),
    ("is_divided_by_gender", "ja", "true or false"),
    ("municipality_type", "X", "K (municipalities), L (regions) or A (both)"),
    ("source_group", "kolada", "agenda2030, region_dalarna"),
]


@pytest.mark.parametrize(("field", "value", "expected"), BAD_VALUES)
def test_a_bad_value_names_file_line_and_field(
    tmp_path: Path, field: str, value: str, expected: str
) -> None:
    path = write_catalogue(
        tmp_path / "catalogue.csv", [VALID_ROWS[0], {**VALID_ROWS[1], field: value}]
    )

    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path)

    message = str(raised.value)
    assert str(path) in message
    assert "line 3" in message  # the header is line 1, the bad row the second data row
    assert repr(field) in message
    assert expected in message
    assert repr(value) in message
    assert (raised.value.line, raised.value.field) == (3, field)


def test_a_too_long_label_is_refused(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path / "catalogue.csv", [{**VALID_ROWS[0], "label": "x" * 61}])

    with pytest.raises(CatalogueError, match=r"line 2, field 'label': expected at most 60"):
        load_catalogue(path)


def test_a_duplicate_kpi_id_names_both_lines(tmp_path: Path) -> None:
    path = write_catalogue(
        tmp_path / "catalogue.csv", [VALID_ROWS[0], VALID_ROWS[1], VALID_ROWS[0]]
    )

    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path)

    message = str(raised.value)
    assert f"{path}, line 4, field 'kpi_id'" in message
    assert "duplicate KPI id 'N00401', first listed on line 2" in message


def test_an_unknown_column_is_refused(tmp_path: Path) -> None:
    rows = [{**row, "comment": "x"} for row in VALID_ROWS]
    path = write_catalogue(tmp_path / "catalogue.csv", rows, columns=[*COLUMNS, "comment"])

    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path)

    assert str(raised.value).startswith(f"{path}, line 1, field 'comment': unknown column")


def test_a_missing_column_is_refused(tmp_path: Path) -> None:
    columns = [column for column in COLUMNS if column != "unit"]
    path = write_catalogue(tmp_path / "catalogue.csv", VALID_ROWS, columns=columns)

    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path)

    assert str(raised.value).startswith(f"{path}, line 1, field 'unit': missing column")


def test_a_row_with_too_few_fields_is_refused(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path / "catalogue.csv", VALID_ROWS)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("N00403,Ekologiskt brukad åkermark\n")

    with pytest.raises(CatalogueError, match=r"line 4: expected 13 fields, found 2"):
        load_catalogue(path)


def test_an_empty_or_missing_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"empty\.csv, line 1: expected a header row"):
        load_catalogue(empty)
    with pytest.raises(CatalogueError, match=r"absent\.csv: cannot be read"):
        load_catalogue(tmp_path / "absent.csv")


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(",".join(COLUMNS).encode() + b"\nN00403,\xc5kermark\n")

    with pytest.raises(CatalogueError, match="expected a UTF-8 text file"):
        load_catalogue(path)


# --- the shipped catalogue --------------------------------------------------------------------


def test_the_shipped_catalogue_loads_and_is_cached() -> None:
    catalogue = load_catalogue()

    assert 90 <= len(catalogue) <= 110
    assert load_catalogue() is catalogue
    assert list(catalogue_by_id()) == [indicator.kpi_id for indicator in catalogue]
    assert load_catalogue(DEFAULT_CATALOGUE_PATH) == catalogue


def test_the_shipped_catalogue_is_utf8_with_the_documented_header() -> None:
    text = DEFAULT_CATALOGUE_PATH.read_bytes().decode("utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)


def test_shipped_labels_are_short_and_units_match_natural_limits() -> None:
    for indicator in load_catalogue():
        assert len(indicator.label) <= 50, indicator
        if indicator.natural_limit is not None:
            assert indicator.unit == "andel (%)", indicator


def test_region_dalarnas_indicators_are_in_the_catalogue_with_sensible_directions() -> None:
    by_id = catalogue_by_id()
    sectors = ["N85532", "N85533", "N85535", "N85536", "N85537", "N85538"]
    waste = ["U07482", "U07484", "U07801"]
    for kpi_id in [*sectors, "N07702", "N00401", *waste, "N02797", "N00967", "N66077"]:
        assert by_id[kpi_id].direction == "down", kpi_id
    for kpi_id in ["N05401", "N02243", "U07414", "N01982", "N17457", "N45904", "N85054"]:
        assert by_id[kpi_id].direction == "up", kpi_id
    for kpi_id in sectors:
        assert by_id[kpi_id].sdg_goal == 13


def test_every_sdg_target_belongs_to_its_goal() -> None:
    for indicator in load_catalogue():
        if indicator.sdg_target is not None:
            assert indicator.sdg_target.split(".")[0] == str(indicator.sdg_goal), indicator


def _kolada_catalogue(shared_dir: Path) -> dict[str, dict]:
    page = json.loads((shared_dir / "kolada" / "kpi.json").read_text(encoding="utf-8"))
    return {kpi["id"]: kpi for kpi in page["values"]}


def test_every_shipped_indicator_agrees_with_koladas_catalogue(shared_dir: Path) -> None:
    kolada = _kolada_catalogue(shared_dir)

    for indicator in load_catalogue():
        assert indicator.kpi_id in kolada, f"{indicator.kpi_id} is not in Kolada's catalogue"
        kpi = kolada[indicator.kpi_id]
        assert indicator.kolada_title == kpi["title"]
        assert indicator.is_divided_by_gender == kpi["is_divided_by_gender"]
        assert indicator.municipality_type == kpi["municipality_type"]


def test_units_come_from_the_tail_of_koladas_title(shared_dir: Path) -> None:
    kolada = _kolada_catalogue(shared_dir)
    for indicator in load_catalogue():
        tail = kolada[indicator.kpi_id]["title"].rsplit(",", 1)[-1].strip()
        if indicator.unit == "andel (%)":
            assert "(%)" in tail, indicator
        elif "," in kolada[indicator.kpi_id]["title"] and not re.search(r"gammal|antal$", tail):
            assert indicator.unit == tail, indicator


def test_every_agenda_2030_member_still_in_koladas_catalogue_is_included(
    shared_dir: Path,
) -> None:
    kolada = _kolada_catalogue(shared_dir)
    with (shared_dir / "kolada" / "agenda2030_kpi_groups_2024.csv").open(
        encoding="utf-8", newline=""
    ) as handle:
        members = {
            row["kpi_id"] for row in csv.DictReader(handle) if row["group_id"] == "G2KPI130255"
        }
    still_there = {kpi_id for kpi_id in members if kpi_id in kolada}
    by_id = catalogue_by_id()

    assert still_there, "the group file lists no current members"
    assert still_there <= set(by_id), sorted(still_there - set(by_id))
    for kpi_id, indicator in by_id.items():
        expected = "agenda2030" if kpi_id in members else "region_dalarna"
        assert indicator.source_group == expected, kpi_id


# --- SDGs and dimensions ----------------------------------------------------------------------


def test_the_seventeen_goals_are_ordered_with_names_and_colours() -> None:
    assert [sdg.goal for sdg in SDG_GOALS] == list(range(1, 18))
    assert all(re.fullmatch(r"#[0-9A-F]{6}", sdg.colour) for sdg in SDG_GOALS)
    assert len({sdg.colour for sdg in SDG_GOALS}) == 17
    assert sdg_name(1) == "Ingen fattigdom"
    assert sdg_name(13) == "Bekämpa klimatförändringarna"
    assert sdg_name(17) == "Genomförande och globalt partnerskap"
    assert sdg_colour(13) == "#3F7E44"


@pytest.mark.parametrize("goal", [0, 18, -1])
def test_an_unknown_goal_is_refused(goal: int) -> None:
    with pytest.raises(ValueError, match="expected 1–17"):
        sdg_name(goal)


def test_dimensions_have_swedish_labels() -> None:
    assert list(DIMENSIONS) == ["social", "ekonomisk", "miljömässig"]
    assert dimension_label("miljömässig") == "Miljömässig"
    with pytest.raises(ValueError, match="unknown dimension 'miljö'"):
        dimension_label("miljö")
    assert {indicator.dimension for indicator in load_catalogue()} == set(DIMENSIONS)


def test_totals_are_the_units_for_a_whole_municipality():
    by_id = {indicator.kpi_id: indicator for indicator in load_catalogue()}
    assert by_id["N07702"].is_total  # ton CO2-ekv
    assert by_id["N45926"].is_total  # MWh
    assert by_id["N07713"].is_total  # antal
    assert not by_id["N00401"].is_total  # ton CO2-ekv/inv
    assert not by_id["N31816"].is_total  # andel (%)
    assert not by_id["N00923"].is_total  # år
    assert not by_id["N00997"].is_total  # index
    totals = {i.unit for i in by_id.values() if i.is_total}
    assert totals == {"ton CO2e", "MWh", "kg", "antal", "ton CO2-ekv"}
