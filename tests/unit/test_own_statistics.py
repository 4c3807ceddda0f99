"""Own statistics from a file (``python -m etl import-csv``): reading users' CSV files, the own
indicators in the effective catalogue, atomic imports that name the bad line and column, the
source of every value, and Kolada refreshes that leave other sources' values alone."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from data import queries
from data.areas import DALARNA_MUNICIPALITIES
from data.db import DATA_ORIGIN_DEMO, DATA_ORIGIN_KEY, set_meta
from data.models import SOURCE_KOLADA, Area, EtlRun, Kpi, Observation, OwnIndicator
from etl.cli import main
from etl.own_statistics import OwnStatisticsError, import_file, parse_number
from etl.store import Scope, replace_demo_data, save_observations
from etl.transform import DataValue
from indicators.catalogue import (
    load_catalogue,
    own_indicator_of,
    shipped_catalogue,
    use_own_indicators,
)
from indicators.export import SOURCE_KOLADA as KOLADA_CELL
from indicators.export import source_text
from indicators.sources import DEMO_SOURCE, source_table

SMHI = "SMHI, Nationella emissionsdatabasen"
META = (
    "kpi_id,label,unit,sdg_goal,dimension,direction,source_name,source_url\n"
    f'EGEN_UTSLAPP,Växthusgasutsläpp,ton CO2e,13,miljömässig,down,"{SMHI}",'
    "https://nationellaemissionsdatabasen.smhi.se/\n"
    "EGEN_ENKAT,Trygghet i enkäten,andel (%),16,social,up,Kommunens enkät,\n"
)
HEADER = "kpi_id;area_id;year;gender;value\n"
GOOD = HEADER + "EGEN_UTSLAPP;2080;2020;T;123,5\nEGEN_UTSLAPP;20;2021;T;1 234,5\n"
LAST_YEAR = 2024


@pytest.fixture(autouse=True)
def shipped_only():
    """Every test starts and ends with the shipped catalogue alone."""
    use_own_indicators(())
    yield
    use_own_indicators(())


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def dump(engine) -> dict[str, list]:
    """Every stored row of the tables an import may change (not the run log)."""
    with Session(engine) as session:
        return {
            model.__tablename__: sorted(
                (tuple(row) for row in session.execute(select(model.__table__))), key=repr
            )
            for model in (Observation, Kpi, Area, OwnIndicator)
        }


def stored(engine) -> dict[tuple, tuple]:
    with Session(engine) as session:
        rows = session.execute(
            select(
                Observation.kpi_id,
                Observation.area_id,
                Observation.year,
                Observation.gender,
                Observation.value,
                Observation.source,
            )
        )
        return {tuple(row[:4]): tuple(row[4:]) for row in rows}


def runs(engine) -> list[EtlRun]:
    with Session(engine) as session:
        return list(session.scalars(select(EtlRun).order_by(EtlRun.id)))


# --- numbers as users write them -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        ("1.234,5", 1234.5),
        ("-3", -3.0),
        ("", None),
    ],
)
def test_numbers_are_read_with_point_or_comma(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["tolv", "12,5 %", "nan", "inf", "1,2,3"])
def test_text_is_no_number(text):
    with pytest.raises(ValueError):
        parse_number(text)


# --- importing -------------------------------------------------------------------------------


def test_import_stores_values_with_their_source_and_logs_the_run(engine, tmp_path):
    meta = write(tmp_path, "meta.csv", META)
    values = write(tmp_path, "v.csv", GOOD)

    summary = import_file(engine, values, indicators_path=meta, last_year=LAST_YEAR)

    assert (summary.inserted, summary.updated, summary.deleted) == (2, 0, 0)
    assert stored(engine) == {
        ("EGEN_UTSLAPP", "2080", 2020, "T"): (123.5, SMHI),
        ("EGEN_UTSLAPP", "0020", 2021, "T"): (1234.5, SMHI),  # Excel's "20" is 0020
    }
    records = queries.own_indicators(engine)
    assert [r.kpi_id for r in records] == ["EGEN_ENKAT", "EGEN_UTSLAPP"]
    utslapp = own_indicator_of(records[1])
    assert (utslapp.label, utslapp.unit, utslapp.sdg_goal, utslapp.direction) == (
        "Växthusgasutsläpp",
        "ton CO2e",
        13,
        "down",
    )
    assert utslapp.is_own and utslapp.source_text == f"Källa: {SMHI}"
    assert utslapp.is_total  # tonnes: a total for the whole area
    (run,) = runs(engine)
    assert (run.kind, run.outcome, run.rows_inserted) == ("import", "success", 2)
    assert run.scope["sources"] == [SMHI]


def test_importing_again_updates_changed_values_and_deletes_left_out_ones(engine, tmp_path):
    meta = write(tmp_path, "meta.csv", META)
    import_file(engine, write(tmp_path, "v.csv", GOOD), indicators_path=meta, last_year=LAST_YEAR)
    again = write(tmp_path, "v2.csv", HEADER + "EGEN_UTSLAPP;2080;2020;T;100\n")

    summary = import_file(engine, again, last_year=LAST_YEAR)  # indicators already stored

    assert (summary.inserted, summary.updated, summary.deleted) == (0, 1, 1)
    assert stored(engine) == {("EGEN_UTSLAPP", "2080", 2020, "T"): (100.0, SMHI)}


def test_source_option_names_every_value_source(engine, tmp_path):
    meta = write(tmp_path, "meta.csv", META)
    values = write(tmp_path, "v.csv", HEADER + "EGEN_ENKAT;2062;2023;K;71\n")

    import_file(
        engine, values, indicators_path=meta, source="Moras enkät 2023", last_year=LAST_YEAR
    )

    assert stored(engine) == {("EGEN_ENKAT", "2062", 2023, "K"): (71.0, "Moras enkät 2023")}
    by_id = {record.kpi_id: record for record in queries.own_indicators(engine)}
    assert by_id["EGEN_ENKAT"].source_name == "Moras enkät 2023"  # the page says so too
    assert by_id["EGEN_UTSLAPP"].source_name == SMHI  # not in the file: as declared


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1252", "kpi_id;area_id;year;gender;value;status\nEGEN_ENKAT;2080;2022;T;55,5;Värde\n"),
        ("utf-8-sig", "kpi_id,area_id,year,gender,value\nEGEN_ENKAT,2080,2022,T,55.5\n"),
        ("utf-16", "kpi_id\tarea_id\tyear\tgender\tvalue\nEGEN_ENKAT\t2080\t2022\tT\t55,5\n"),
    ],
    ids=["excel-windows-1252", "utf-8-bom", "utf-16-tab"],
)
def test_files_saved_by_excel_are_read(engine, tmp_path, encoding, text):
    meta = write(tmp_path, "meta.csv", META, "cp1252")
    values = write(tmp_path, "v.csv", text, encoding)

    import_file(engine, values, indicators_path=meta, last_year=LAST_YEAR)

    assert stored(engine) == {("EGEN_ENKAT", "2080", 2022, "T"): (55.5, "Kommunens enkät")}


# --- one bad row rejects the whole file --------------------------------------------------------

BAD_ROWS = {
    "unknown area": ("EGEN_UTSLAPP;9999;2021;T;1", "area_id", "områdes-id"),
    "year out of range": ("EGEN_UTSLAPP;2080;1800;T;1", "year", f"från 1950 till {LAST_YEAR}"),
    "year in the future": (f"EGEN_UTSLAPP;2080;{LAST_YEAR + 1};T;1", "year", "ett år"),
    "text as value": ("EGEN_UTSLAPP;2080;2021;T;tolv", "value", "ett tal"),
    "duplicate key": ("EGEN_UTSLAPP;2080;2020;T;7", "kpi_id", "redan på rad 2"),
    "unknown indicator": ("EGEN_OKAND;2080;2021;T;1", "kpi_id", "metadatafilen"),
    "Kolada's indicator": ("N00401;2080;2021;T;1", "kpi_id", "Kolada"),
    "bad gender": ("EGEN_UTSLAPP;2080;2021;X;1", "gender", "T (totalt), K"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_one_bad_row_changes_nothing_and_names_line_and_column(engine, tmp_path, case):
    meta = write(tmp_path, "meta.csv", META)
    import_file(engine, write(tmp_path, "v.csv", GOOD), indicators_path=meta, last_year=LAST_YEAR)
    before = dump(engine)
    row, column, expected = BAD_ROWS[case]
    text = HEADER + "EGEN_UTSLAPP;2080;2020;T;999\n" + "EGEN_ENKAT;2080;2020;T;5\n" + row + "\n"
    bad = write(tmp_path, "bad.csv", text)

    with pytest.raises(OwnStatisticsError) as raised:
        import_file(engine, bad, indicators_path=meta, last_year=LAST_YEAR)

    error = raised.value
    assert (error.path, error.line, error.column) == (bad, 4, column)
    assert f"{bad}, rad 4, kolumn '{column}'" in str(error)
    assert expected in str(error)
    assert dump(engine) == before  # not even line 2's new value nor EGEN_ENKAT's is stored
    failed = runs(engine)[-1]
    assert (failed.kind, failed.outcome) == ("import", "failed")
    assert "rad 4" in failed.error


def test_bad_metadata_names_file_line_and_field(engine, tmp_path):
    meta = write(tmp_path, "meta.csv", META.replace(",13,miljömässig,", ",13,ekologisk,"))
    values = write(tmp_path, "v.csv", GOOD)

    with pytest.raises(OwnStatisticsError) as raised:
        import_file(engine, values, indicators_path=meta, last_year=LAST_YEAR)

    assert (raised.value.path, raised.value.line, raised.value.column) == (meta, 2, "dimension")
    assert "väntade något av social, ekonomisk, miljömässig" in str(raised.value)
    assert stored(engine) == {}


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (("EGEN_UTSLAPP,", "N00401,"), "kpi_id"),  # Kolada's ids are not own ids
        (("EGEN_UTSLAPP,", "utslapp,"), "kpi_id"),
        ((f'"{SMHI}"', '""'), "source_name"),
        (("https://nationellaemissionsdatabasen.smhi.se/", "ftp://x"), "source_url"),
        ((",13,", ",18,"), "sdg_goal"),
    ],
)
def test_metadata_is_checked_like_the_catalogue(engine, tmp_path, change, column):
    meta = write(tmp_path, "meta.csv", META.replace(*change))
    with pytest.raises(OwnStatisticsError) as raised:
        import_file(engine, write(tmp_path, "v.csv", GOOD), indicators_path=meta)
    assert (raised.value.line, raised.value.column) == (2, column)


def test_missing_column_is_named(engine, tmp_path):
    values = write(tmp_path, "v.csv", "kpi_id;area_id;year;value\nEGEN_X;2080;2020;1\n")
    with pytest.raises(OwnStatisticsError) as raised:
        import_file(engine, values)
    assert (raised.value.line, raised.value.column) == (1, "gender")


# --- Kolada's values and the others' ----------------------------------------------------------


def kolada_value(kpi_id: str, area_id: str, year: int, value: float) -> DataValue:
    return DataValue(
        kpi_id=kpi_id, area_id=area_id, year=year, gender="T", value=value, status="", count=1
    )


def test_full_kolada_refresh_never_deletes_another_sources_values(engine, tmp_path):
    meta = write(tmp_path, "meta.csv", META)
    import_file(engine, write(tmp_path, "v.csv", GOOD), indicators_path=meta, last_year=LAST_YEAR)
    # A full refresh whose scope covers the own indicator's key and returns nothing for it.
    scope = Scope(("N00401", "EGEN_UTSLAPP"), ("2080", "0020"))
    with Session(engine) as session, session.begin():
        counts = save_observations(
            session, [kolada_value("N00401", "2080", 2020, 4.5)], full_scope=scope
        )

    assert (counts.inserted, counts.deleted) == (1, 0)
    values = stored(engine)
    assert values[("N00401", "2080", 2020, "T")] == (4.5, SOURCE_KOLADA)
    assert values[("EGEN_UTSLAPP", "2080", 2020, "T")] == (123.5, SMHI)


def test_replacing_demo_data_keeps_imported_values(engine, tmp_path):
    with Session(engine) as session, session.begin():
        save_observations(session, [kolada_value("N00401", "2062", 2020, 4.5)])
        set_meta(session, DATA_ORIGIN_KEY, DATA_ORIGIN_DEMO)
    meta = write(tmp_path, "meta.csv", META)
    import_file(engine, write(tmp_path, "v.csv", GOOD), indicators_path=meta, last_year=LAST_YEAR)

    with Session(engine) as session, session.begin():
        removed = replace_demo_data(session)

    assert removed == 1
    assert set(stored(engine)) == {
        ("EGEN_UTSLAPP", "2080", 2020, "T"),
        ("EGEN_UTSLAPP", "0020", 2021, "T"),
    }


def test_an_import_never_touches_kolada_values(engine, tmp_path):
    with Session(engine) as session, session.begin():
        save_observations(session, [kolada_value("N00401", "2080", 2020, 4.5)])
    meta = write(tmp_path, "meta.csv", META)

    import_file(engine, write(tmp_path, "v.csv", GOOD), indicators_path=meta, last_year=LAST_YEAR)
    import_file(engine, write(tmp_path, "v2.csv", HEADER + "EGEN_UTSLAPP;2080;2020;T;1\n"))

    assert stored(engine)[("N00401", "2080", 2020, "T")] == (4.5, SOURCE_KOLADA)


# --- the effective catalogue, exports and the list of sources ----------------------------------


def test_effective_catalogue_is_the_shipped_one_and_the_stored_own_ones(engine, tmp_path):
    meta = write(tmp_path, "meta.csv", META)
    import_file(engine, write(tmp_path, "v.csv", GOOD), indicators_path=meta, last_year=LAST_YEAR)
    own = [own_indicator_of(record) for record in queries.own_indicators(engine)]

    use_own_indicators(own)

    shipped = shipped_catalogue()
    catalogue = load_catalogue()
    assert catalogue[: len(shipped)] == shipped
    assert [i.kpi_id for i in catalogue[len(shipped) :]] == ["EGEN_ENKAT", "EGEN_UTSLAPP"]
    assert all(i.source_name == SOURCE_KOLADA and not i.is_own for i in shipped)


def test_export_source_is_the_indicators(engine, tmp_path):
    meta = write(tmp_path, "meta.csv", META)
    import_file(engine, write(tmp_path, "v.csv", GOOD), indicators_path=meta, last_year=LAST_YEAR)
    own = {r.kpi_id: own_indicator_of(r) for r in queries.own_indicators(engine)}

    assert source_text("kolada", own["EGEN_UTSLAPP"]) == f"Källa: {SMHI}"
    assert source_text(DATA_ORIGIN_DEMO, own["EGEN_ENKAT"]) == "Källa: Kommunens enkät"
    assert source_text("kolada", shipped_catalogue()[0]) == KOLADA_CELL


def test_every_source_is_listed_with_its_last_import(engine, tmp_path):
    with Session(engine) as session, session.begin():
        save_observations(session, [kolada_value("N00401", "2080", 2020, 4.5)])
        session.add(
            EtlRun(
                kind="refresh",
                outcome="success",
                started_at=dt.datetime(2026, 11, 1, 7),
                finished_at=dt.datetime(2026, 11, 1, 8),
            )
        )
    meta = write(tmp_path, "meta.csv", META)
    import_file(engine, write(tmp_path, "v.csv", GOOD), indicators_path=meta, last_year=LAST_YEAR)
    imported = runs(engine)[-1].finished_at

    summaries = queries.sources(engine)
    table = source_table(summaries, [own_indicator_of(r) for r in queries.own_indicators(engine)])

    assert [(s.source, s.values, s.indicators) for s in summaries] == [
        (SOURCE_KOLADA, 1, 1),
        (SMHI, 2, 1),
    ]
    assert summaries[0].last_import == dt.datetime(2026, 11, 1, 8)
    assert summaries[1].last_import == imported
    assert table["source"].tolist() == [SOURCE_KOLADA, SMHI]
    assert table["url"].tolist()[1] == "https://nationellaemissionsdatabasen.smhi.se/"
    assert table["last_import"].tolist()[0] == "1 november 2026 kl. 09:00"  # Swedish local time
    demo = source_table(summaries, [], demo=True)
    assert demo["source"].tolist() == [DEMO_SOURCE, SMHI]
    assert demo["url"].tolist() == ["", ""]


# --- the command line and the real emissions file ---------------------------------------------


def test_command_line_imports_and_refuses_a_bad_file(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    meta = write(tmp_path, "meta.csv", META)
    good = write(tmp_path, "v.csv", GOOD)
    bad = write(tmp_path, "bad.csv", HEADER + "EGEN_UTSLAPP;2080;2020;T;12 ton\n")

    assert main(["import-csv", str(good), "--indicators", str(meta), "--database-url", url]) == 0
    assert "2 nya" in capsys.readouterr().out
    assert main(["import-csv", str(bad), "--database-url", url]) == 1
    error = capsys.readouterr().err
    assert "databasen är oförändrad" in error
    assert f"{bad}, rad 2, kolumn 'value'" in error


def test_the_municipal_emissions_file_is_imported(engine, tmp_path, shared_dir):
    source = shared_dir / "sources" / "smhi_municipal_ghg_emissions.csv"
    if not source.is_file():
        pytest.skip(f"{source} not found")
    with source.open(encoding="utf-8", newline="") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if row["sector"] == "Totalt" and row["municipality_id"] in DALARNA_MUNICIPALITIES
        ]
    expected = {
        ("EGEN_UTSLAPP", row["municipality_id"], int(row["year"]), "T"): float(
            row["emissions_t_co2e"]
        )
        for row in rows
    }
    # The tidy form as an official saves it from Swedish Excel: semicolons, decimal commas.
    lines = [HEADER.strip()] + [
        f"EGEN_UTSLAPP;{row['municipality_id']};{row['year']};T;"
        + row["emissions_t_co2e"].replace(".", ",")
        for row in rows
    ]
    values = write(tmp_path, "utslapp.csv", "\r\n".join(lines) + "\r\n", "cp1252")
    meta = write(tmp_path, "meta.csv", META)

    summary = import_file(engine, values, indicators_path=meta)

    assert len(expected) == 15 * len({key[2] for key in expected})  # every municipality, year
    assert summary.inserted == len(expected)
    assert {key: value for key, (value, _source) in stored(engine).items()} == pytest.approx(
        expected
    )
    assert {source for _value, source in stored(engine).values()} == {SMHI}
