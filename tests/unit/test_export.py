"""CSV exports: exact payloads in both formats, formula neutralisation, demo marking, the table
built from observations, status and goal lines, and the checked selection."""

from __future__ import annotations

import csv
import datetime as dt
import math

import pandas as pd
import pytest

from data.goals import GoalRecord
from indicators.catalogue import Indicator
from indicators.export import (
    FORMAT_CSV,
    FORMAT_EXCEL_SV,
    Selection,
    SelectionError,
    export_columns,
    export_filename,
    export_table,
    file_slug,
    goal_lines,
    latest_status_table,
    newest_assessments,
    parse_selection,
    rounded,
    select_observations,
    to_csv_bytes,
)
from indicators.follow_up import status_table
from indicators.vocabulary import ALL_LEVELS

BOM = b"\xef\xbb\xbf"
DEMO = "Demodata – genererade värden, inte Kolada"
KOLADA = "Källa: Kolada"

INDICATOR = Indicator(
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
GOAL = GoalRecord(
    id="-utslapp-mora",  # a goal id starting with "-" (as a user could type it)
    kpi_id="N00401",
    level="lokal",
    kind="absolute",
    operator="<=",
    target_value=1.5,
    target_year=2030,
    areas=("2062",),
    wording_sv="Högst 1,5 ton per invånare 2030.",
    source_document="Mora kommun",
)


# --- to_csv_bytes on a literal frame -----------------------------------------------------------


def literal_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "område": ["Mora", "=SUMMA(A1)", "Falun, centrum"],
            "mål_id": ["-minskning", "@rad", "+plus"],
            "år": [2020, 2021, 2022],
            "värde": [-1.5, None, 1234.25],
        },
        dtype=object,
    )


def test_standard_csv_payload():
    expected = (
        "område,mål_id,år,värde\n"
        "Mora,'-minskning,2020,-1.5\n"
        "'=SUMMA(A1),'@rad,2021,\n"
        '"Falun, centrum",\'+plus,2022,1234.25\n'
    ).encode()
    assert to_csv_bytes(literal_frame(), FORMAT_CSV) == expected


def test_excel_swedish_payload():
    expected = (
        BOM
        + (
            "område;mål_id;år;värde\r\n"
            "Mora;'-minskning;2020;-1,5\r\n"
            "'=SUMMA(A1);'@rad;2021;\r\n"
            "Falun, centrum;'+plus;2022;1234,25\r\n"
        ).encode()
    )
    assert to_csv_bytes(literal_frame(), FORMAT_EXCEL_SV) == expected


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_every_formula_start_is_neutralised(start):
    frame = pd.DataFrame({"text": [f"{start}1+1"]}, dtype=object)
    assert to_csv_bytes(frame) == f"text\n'{start}1+1\n".encode()


def test_carriage_return_start_is_neutralised_and_quoted():
    frame = pd.DataFrame({"text": ["\r1"]}, dtype=object)
    assert to_csv_bytes(frame) == b'text\n"\'\r1"\n'


def test_numbers_stay_numbers():
    frame = pd.DataFrame(
        {"n": [1, 2, 3, 4, 5, 6], "tal": [-3, -0.25, 0.00001, 1e20, float("nan"), 2015.0]},
        dtype=object,
    )
    assert to_csv_bytes(frame) == (
        b"n,tal\n1,-3\n2,-0.25\n3,0.00001\n4,100000000000000000000\n5,\n6,2015\n"
    )
    assert to_csv_bytes(frame, FORMAT_EXCEL_SV) == BOM + (
        b"n;tal\r\n1;-3\r\n2;-0,25\r\n3;0,00001\r\n4;100000000000000000000\r\n5;\r\n6;2015\r\n"
    )


def test_quotes_and_line_breaks_are_quoted():
    frame = pd.DataFrame({"a": ['sa "hej"', "två\nrader"], "b": ["", "x;y"]}, dtype=object)
    assert to_csv_bytes(frame) == b'a,b\n"sa ""hej""",\n"tv\xc3\xa5\nrader",x;y\n'
    assert to_csv_bytes(frame, FORMAT_EXCEL_SV) == BOM + (
        b'a;b\r\n"sa ""hej""";\r\n"tv\xc3\xa5\nrader";"x;y"\r\n'
    )
    single = pd.DataFrame({"a": [""]}, dtype=object)
    assert to_csv_bytes(single) == b'a\n""\n'


def test_a_negative_number_written_as_text_is_neutralised():
    frame = pd.DataFrame({"a": ["-1.5"], "b": [-1.5]}, dtype=object)
    assert to_csv_bytes(frame) == b"a,b\n'-1.5,-1.5\n"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        to_csv_bytes(literal_frame(), "xlsx")


# --- export_table on literal inputs ------------------------------------------------------------

#: Mora's regional goal: climate neutrality, judged linearly (its target is 0).
ZERO_GOAL = GoalRecord(
    id="dalarna-klimatneutral",
    kpi_id="N00401",
    level="regional",
    kind="absolute",
    operator="<=",
    target_value=0.0,
    base_year=2015,
    target_year=2045,
    wording_sv="Klimatneutralt 2045.",
    source_document="Dalarnas klimatstrategi",
)
FEW_VALUES = "Bara 2 värden från basåret och framåt; minst 4 behövs för en stabil bedömning."


def literal_inputs():
    observations = pd.DataFrame(
        [  # deliberately out of export order
            ("N00401", "2080", 2020, "T", -0.25, None),
            ("N00401", "2062", 2021, "T", float("nan"), "Missing"),
            ("N00401", "2062", 2020, "T", 3.5, None),
        ],
        columns=["kpi_id", "area_id", "year", "gender", "value", "status"],
    )
    mora = {
        "area_id": "2062",
        "kpi_id": "N00401",
        "gender": "T",
        "base_year": 2015,
        "base_value": 4.0,
        "latest_year": 2020,
        "latest_value": 3.5,
        "threshold_set": "statistics_canada",
        "n_points": 2,
        "robustness": "osäker",
        "robustness_reason": FEW_VALUES,
    }
    status = pd.DataFrame(
        [
            {
                **mora,
                "level": "lokal",
                "goal_id": "-utslapp-mora",
                "status": "otillräcklig",
                "score": -0.765625,
                "reason": "Långsam minskning, kvot 0,3.",
                "target_value": 1.5,
                "target_year": 2030,
                "required_annual_change": -0.0632938,  # (1.5 / 4) ** (1 / 15) − 1
                "observed_annual_change": -0.0263462,  # (3.5 / 4) ** (1 / 5) − 1
                "ratio": 0.4163,
                "method": "mål",
                "pace": "procent",
                "least_squares_status": "otillräcklig",
            },
            {
                **mora,
                "level": "regional",
                "goal_id": "dalarna-klimatneutral",
                "status": "behöver accelereras",
                "score": 1.4285714,
                "reason": "Linjär takt mot 0.",
                "target_value": 0.0,
                "target_year": 2045,
                "required_annual_change": -4.0 / 30,  # (0 − 4) / (2045 − 2015)
                "observed_annual_change": -0.1,  # (3.5 − 4) / (2020 − 2015)
                "ratio": 0.75,
                "method": "mål",
                "pace": "linjär",
                "least_squares_status": "behöver accelereras",
            },
            {
                **mora,
                "level": "trend",
                "goal_id": None,
                "status": "otillräcklig",
                "score": -0.5,
                "reason": "Minskar långsamt.",
                "target_value": None,
                "target_year": None,
                "required_annual_change": None,
                "observed_annual_change": -0.0263462,
                "ratio": 0.0263462,
                "method": "trend",
                "pace": "procent",
                "least_squares_status": "otillräcklig",
            },
            {
                "area_id": "2080",
                "kpi_id": "N00401",
                "gender": "T",
                "level": "trend",
                "goal_id": None,
                "status": "kan inte bedömas",
                "score": None,
                "reason": "Färre än två värden.",
                "base_year": 2020,
                "base_value": -0.25,
                "latest_year": 2020,
                "latest_value": -0.25,
                "target_value": None,
                "target_year": None,
                "required_annual_change": None,
                "observed_annual_change": None,
                "ratio": None,
                "method": "trend",
                "threshold_set": "statistics_canada",
                "pace": "procent",
                "n_points": 1,
                "least_squares_status": None,
                "robustness": None,
                "robustness_reason": "",
            },
        ]
    )
    lines = pd.DataFrame(
        [  # the paths' values in 2020: 4 + (1.5 − 4) × 5/15 and 4 + (0 − 4) × 5/30
            ("2062", "-utslapp-mora", "N00401", "lokal", "absolute", "mål", 2020, 19 / 6, "T"),
            (
                "2062",
                "dalarna-klimatneutral",
                "N00401",
                "regional",
                "absolute",
                "mål",
                2020,
                10 / 3,
                "T",
            ),
        ],
        columns=[
            "area_id",
            "goal_id",
            "kpi_id",
            "level",
            "kind",
            "line",
            "year",
            "value",
            "gender",
        ],
    )
    return observations, status, lines


#: The newest assessment of N00401 for Mora: a formula start, a semicolon and quotes.
NOTE_TEXT = '=SUMMA(A1;A2) "ökar" igen'
GOAL_NOTE_TEXT = "+ på väg mot målet"


def literal_assessments() -> pd.DataFrame:
    """Assessments as :func:`indicators.assessments.assessments_for_export` gives them (oldest
    first; of two on the same day, the one entered last comes last)."""
    return pd.DataFrame(
        [
            ("2062", "N00401", None, dt.date(2025, 11, 2), "sämre", "Äldre bedömning", "Anna"),
            ("2062", "N00401", None, dt.date(2026, 5, 1), "bättre", NOTE_TEXT, "Eva"),
            ("2062", "N00945", None, dt.date(2026, 6, 1), "sämre", "Annan indikator", "Per"),
            ("2062", None, 13, dt.date(2026, 4, 1), "oförändrad", "Samma dag, först", ""),
            ("2062", None, 13, dt.date(2026, 4, 1), None, GOAL_NOTE_TEXT, ""),
            ("2062", None, 12, dt.date(2026, 7, 1), "bättre", "Annat mål", "Per"),
            ("2080", None, 13, dt.date(2025, 1, 1), "sämre", "Falun mål 13", "Lena"),
        ],
        columns=["area_id", "kpi_id", "sdg_goal", "assessed_on", "judgement", "text", "author"],
    ).astype({"sdg_goal": "Int64"})


LEVELS = ("lokal", "regional", "trend")


def literal_export(origin: str) -> pd.DataFrame:
    observations, status, lines = literal_inputs()
    return export_table(
        observations,
        status,
        lines,
        [INDICATOR],
        [GOAL, ZERO_GOAL],
        area_titles={"2062": "Mora", "2080": "@Falun"},
        levels=LEVELS,
        data_origin=origin,
        retrieved=dt.datetime(2026, 11, 3, 5, 0),
        threshold_set="statistics_canada",
        assessments=literal_assessments(),
    )


LEVEL_FIELD_NAMES = (
    "mål_id",
    "mål",
    "mål_målvärde",
    "mål_målår",
    "målbana_värde",
    "status",
    "status_trendlinje",
    "robusthet",
    "poäng",
    "basår",
    "basvärde",
    "krävd_förändring_per_år",
    "faktisk_förändring_per_år",
    "förändring_enhet",
    "kvot",
    "metod",
    "motivering",
    "robusthet_motivering",
)
HEADER = [
    "område_id",
    "område",
    "nyckeltal",
    "indikator",
    "enhet",
    "kön",
    "år",
    "värde",
    "värde_status",
    *(f"{level}_{name}" for level in LEVELS for name in LEVEL_FIELD_NAMES),
    "bedömning_datum",
    "bedömning",
    "bedömning_text",
    "bedömning_av",
    "globalt_mål_bedömning_datum",
    "globalt_mål_bedömning",
    "globalt_mål_bedömning_text",
    "globalt_mål_bedömning_av",
    "tröskelvärden",
    "datakälla",
    "hämtad",
]


def test_export_columns_are_the_documented_ones():
    assert export_columns(LEVELS) == HEADER
    assert list(literal_export("demo").columns) == HEADER
    # The goal path's value and the goal's own target are different columns.
    assert {"lokal_målbana_värde", "lokal_mål_målvärde"} <= set(HEADER)
    assert "lokal_målvärde" not in HEADER and "lokal_målvärde_område" not in HEADER


def _row(cells: list[str], delimiter: str) -> str:
    return delimiter.join(cells)


def test_export_table_standard_csv_payload():
    """Percentages in per cent with one decimal, linear changes in the unit a year (one decimal
    more than the values), the path rounded likewise, ratio and score with two decimals; the
    judgement only on the row of the latest year (2020), the goal on every row."""
    lokal_goal = '\'-utslapp-mora,"högst 1,5 ton CO2-ekv/inv år 2030",1.5,2030'
    lokal_2020 = (
        f"{lokal_goal},3.167,otillräcklig,otillräcklig,osäker,-0.77,2015,4,-6.3,-2.6,"
        f'% per år,0.42,mål,"Långsam minskning, kvot 0,3.",{FEW_VALUES}'
    )
    regional_goal = "dalarna-klimatneutral,högst 0 ton CO2-ekv/inv år 2045,0,2045"
    regional_2020 = (
        f"{regional_goal},3.333,behöver accelereras,behöver accelereras,osäker,1.43,2015,4,"
        f"-0.133,-0.1,ton CO2-ekv/inv per år,0.75,mål,Linjär takt mot 0.,{FEW_VALUES}"
    )
    trend_mora = (
        f",,,,,otillräcklig,otillräcklig,osäker,-0.5,2015,4,,-2.6,% per år,,trend,"
        f"Minskar långsamt.,{FEW_VALUES}"
    )
    judgement_empty = "," * 12  # the 13 judgement cells of a row that is not the latest year
    trend_falun = ",,,,,kan inte bedömas,,,,2020,-0.25,,,,,trend,Färre än två värden.,"
    no_goal = "," * 17
    # the newest notes: neutralised, quoted (a quote inside), doubled quotes; no judgement: empty
    notes_mora = (
        '2026-05-01,bättre,"\'=SUMMA(A1;A2) ""ökar"" igen",Eva,2026-04-01,,\'+ på väg mot målet,'
    )
    notes_falun = ",,,,2025-01-01,sämre,Falun mål 13,Lena"
    tail = f'statistics_canada,"{DEMO}",2026-11-03'  # the notice holds a comma
    base = "N00401,Växthusgasutsläpp per invånare,ton CO2-ekv/inv,Totalt"
    mora_2021 = [
        f"{lokal_goal},,{judgement_empty}",
        f"{regional_goal},,{judgement_empty}",
        f",,,,,{judgement_empty}",
    ]
    expected = (
        "\n".join(
            [
                ",".join(HEADER),
                _row(
                    [
                        "2062,Mora",
                        base,
                        "2020,3.5,",
                        lokal_2020,
                        regional_2020,
                        trend_mora,
                        notes_mora,
                        tail,
                    ],
                    ",",
                ),
                _row(["2062,Mora", base, "2021,,Missing", *mora_2021, notes_mora, tail], ","),
                _row(
                    [
                        "2080,'@Falun",
                        base,
                        "2020,-0.25,",
                        no_goal,
                        no_goal,
                        trend_falun,
                        notes_falun,
                        tail,
                    ],
                    ",",
                ),
            ]
        )
        + "\n"
    )
    assert to_csv_bytes(literal_export("demo"), FORMAT_CSV) == expected.encode("utf-8")


def test_export_table_excel_swedish_payload():
    lokal_goal = "'-utslapp-mora;högst 1,5 ton CO2-ekv/inv år 2030;1,5;2030"
    few_values = f'"{FEW_VALUES}"'  # it holds a semicolon
    lokal_2020 = (
        f"{lokal_goal};3,167;otillräcklig;otillräcklig;osäker;-0,77;2015;4;-6,3;-2,6;"
        f"% per år;0,42;mål;Långsam minskning, kvot 0,3.;{few_values}"
    )
    regional_goal = "dalarna-klimatneutral;högst 0 ton CO2-ekv/inv år 2045;0;2045"
    regional_2020 = (
        f"{regional_goal};3,333;behöver accelereras;behöver accelereras;osäker;1,43;2015;4;"
        f"-0,133;-0,1;ton CO2-ekv/inv per år;0,75;mål;Linjär takt mot 0.;{few_values}"
    )
    trend_mora = (
        f";;;;;otillräcklig;otillräcklig;osäker;-0,5;2015;4;;-2,6;% per år;;trend;"
        f"Minskar långsamt.;{few_values}"
    )
    judgement_empty = ";" * 12
    trend_falun = ";;;;;kan inte bedömas;;;;2020;-0,25;;;;;trend;Färre än två värden.;"
    no_goal = ";" * 17
    notes_mora = (
        '2026-05-01;bättre;"\'=SUMMA(A1;A2) ""ökar"" igen";Eva;2026-04-01;;\'+ på väg mot målet;'
    )
    notes_falun = ";;;;2025-01-01;sämre;Falun mål 13;Lena"
    tail = f"statistics_canada;{KOLADA};2026-11-03"
    base = "N00401;Växthusgasutsläpp per invånare;ton CO2-ekv/inv;Totalt"
    mora_2021 = [
        f"{lokal_goal};;{judgement_empty}",
        f"{regional_goal};;{judgement_empty}",
        f";;;;;{judgement_empty}",
    ]
    expected = (
        "\r\n".join(
            [
                ";".join(HEADER),
                _row(
                    [
                        "2062;Mora",
                        base,
                        "2020;3,5;",
                        lokal_2020,
                        regional_2020,
                        trend_mora,
                        notes_mora,
                        tail,
                    ],
                    ";",
                ),
                _row(["2062;Mora", base, "2021;;Missing", *mora_2021, notes_mora, tail], ";"),
                _row(
                    [
                        "2080;'@Falun",
                        base,
                        "2020;-0,25;",
                        no_goal,
                        no_goal,
                        trend_falun,
                        notes_falun,
                        tail,
                    ],
                    ";",
                ),
            ]
        )
        + "\r\n"
    )
    payload = to_csv_bytes(literal_export("kolada"), FORMAT_EXCEL_SV)
    assert payload == BOM + expected.encode("utf-8")


@pytest.mark.parametrize(("origin", "text"), [("demo", DEMO), ("kolada", KOLADA)])
def test_every_row_names_the_data_source(origin, text):
    table = literal_export(origin)
    assert table["datakälla"].tolist() == [text] * len(table)
    for fmt, delimiter in ((FORMAT_CSV, ","), (FORMAT_EXCEL_SV, ";")):
        text_rows = to_csv_bytes(table, fmt).decode("utf-8-sig").splitlines()
        rows = list(csv.DictReader(text_rows, delimiter=delimiter))
        assert [row["datakälla"] for row in rows] == [text] * 3
        if origin == "kolada":
            assert all("Demodata" not in line for line in text_rows)


@pytest.mark.parametrize(("fmt", "delimiter"), [(FORMAT_CSV, ","), (FORMAT_EXCEL_SV, ";")])
def test_a_note_reads_back_as_written_but_never_as_a_formula(fmt, delimiter):
    payload = to_csv_bytes(literal_export("kolada"), fmt).decode("utf-8-sig")
    rows = list(csv.DictReader(payload.splitlines(), delimiter=delimiter))
    assert [row["bedömning_text"] for row in rows] == ["'" + NOTE_TEXT] * 2 + [""]
    assert [row["globalt_mål_bedömning_text"] for row in rows] == ["'" + GOAL_NOTE_TEXT] * 2 + [
        "Falun mål 13"
    ]
    assert rows[0]["bedömning_av"] == "Eva" and rows[0]["bedömning_datum"] == "2026-05-01"


def test_without_assessments_the_columns_are_empty():
    observations, status, lines = literal_inputs()
    table = export_table(
        observations,
        status,
        lines,
        [INDICATOR],
        [GOAL],
        area_titles={"2062": "Mora", "2080": "Falun"},
        levels=("trend",),
        data_origin="kolada",
        retrieved=None,
        threshold_set="statistics_canada",
    )
    columns = [c for c in table.columns if "bedömning" in c]
    assert len(columns) == 8
    assert table[columns].isna().all().all()


def test_newest_assessments_by_date_then_entry():
    by_indicator, by_goal = newest_assessments(literal_assessments())
    assert {key: r["text"] for key, r in by_indicator.items()} == {
        ("2062", "N00401"): NOTE_TEXT,
        ("2062", "N00945"): "Annan indikator",
    }
    assert {key: r["text"] for key, r in by_goal.items()} == {
        ("2062", 13): GOAL_NOTE_TEXT,  # the later of two on 2026-04-01
        ("2062", 12): "Annat mål",
        ("2080", 13): "Falun mål 13",
    }
    # the input's order only decides between equal dates
    reversed_rows = literal_assessments().iloc[::-1]
    by_indicator, by_goal = newest_assessments(reversed_rows)
    assert by_indicator[("2062", "N00401")]["text"] == NOTE_TEXT
    assert by_goal[("2062", 13)]["text"] == "Samma dag, först"
    assert newest_assessments(None) == ({}, {})


def test_export_of_nothing_is_the_header():
    observations, status, lines = literal_inputs()
    table = export_table(
        observations.iloc[0:0],
        status,
        lines,
        [INDICATOR],
        [GOAL],
        area_titles={"2062": "Mora"},
        levels=ALL_LEVELS,
        data_origin="demo",
        retrieved=None,
        threshold_set="eurostat",
    )
    assert to_csv_bytes(table) == (",".join(export_columns(ALL_LEVELS)) + "\n").encode()


# --- with the real status table and goal lines -------------------------------------------------


def test_status_and_goal_line_values_follow_the_method():
    base_value, latest_value, target = 4.0, 3.6, 1.5
    observations = pd.DataFrame(
        [
            ("N00401", "2062", 2015, "T", base_value, None),
            ("N00401", "2062", 2018, "T", 3.8, None),
            ("N00401", "2062", 2020, "T", latest_value, None),
        ],
        columns=["kpi_id", "area_id", "year", "gender", "value", "status"],
    )
    goal = GoalRecord(
        id="mora-utslapp",
        kpi_id="N00401",
        level="lokal",
        kind="absolute",
        operator="<=",
        target_value=target,
        base_year=2015,
        target_year=2030,
        areas=("2062",),
        wording_sv="Högst 1,5 ton 2030.",
        source_document="Mora kommun",
    )
    status = status_table(
        observations, [goal], [INDICATOR], area_ids=["2062"], levels=("lokal", "trend")
    )
    lines = goal_lines(observations, [goal], area_ids=["2062"], genders=["T"])
    table = export_table(
        observations,
        status,
        lines,
        [INDICATOR],
        [goal],
        area_titles={"2062": "Mora"},
        levels=("lokal", "trend"),
        data_origin="kolada",
        retrieved=dt.date(2026, 11, 1),
        threshold_set="statistics_canada",
    )
    observed = (latest_value / base_value) ** (1 / 5) - 1
    required = (target / base_value) ** (1 / 15) - 1
    ratio = -1 * observed / abs(required)
    assert table["år"].tolist() == [2015, 2018, 2020]
    for _, row in table.iterrows():
        path = base_value + (target - base_value) * (row["år"] - 2015) / 15
        # The path's value, rounded to one decimal more than the indicator's two …
        assert row["lokal_målbana_värde"] == round(path, 3)
        # … beside the goal's own target, on every row.
        assert row["lokal_mål_målvärde"] == target and row["lokal_mål_målår"] == 2030
        assert row["lokal_mål"] == "högst 1,5 ton CO2-ekv/inv år 2030"
        assert row["hämtad"] == "2026-11-01"
        assert row["trend_mål_id"] is None and row["trend_målbana_värde"] is None
    latest = table.iloc[-1]
    # The judgement on the latest year's row only, in per cent with one decimal.
    assert latest["lokal_faktisk_förändring_per_år"] == round(observed * 100, 1)
    assert latest["lokal_krävd_förändring_per_år"] == round(required * 100, 1)
    assert latest["lokal_förändring_enhet"] == "% per år"
    assert latest["lokal_kvot"] == round(ratio, 2)
    assert latest["lokal_basår"] == 2015
    assert latest["lokal_status"] == "otillräcklig"  # 0 ≤ R < 0.60
    assert latest["lokal_poäng"] == round(-2.5 + 2.5 * ratio / 0.6, 2)
    assert latest["lokal_robusthet"] == "osäker"  # three values
    assert latest["trend_faktisk_förändring_per_år"] == round(observed * 100, 1)
    for _, row in table.iloc[:-1].iterrows():
        for field in ("status", "robusthet", "poäng", "basår", "krävd_förändring_per_år"):
            assert row[f"lokal_{field}"] is None and row[f"trend_{field}"] is None
    assert 0 < ratio < 0.6 and not math.isnan(ratio)


def test_a_zero_target_is_exported_per_year_in_the_unit():
    base_value = 4.0
    observations = pd.DataFrame(
        [
            ("N00401", "2062", year, "T", base_value - 0.1 * (year - 2015), None)
            for year in (2015, 2018, 2020)
        ],
        columns=["kpi_id", "area_id", "year", "gender", "value", "status"],
    )
    status = status_table(
        observations, [ZERO_GOAL], [INDICATOR], area_ids=["2062"], levels=("regional",)
    )
    lines = goal_lines(observations, [ZERO_GOAL], area_ids=["2062"], genders=["T"])
    table = export_table(
        observations,
        status,
        lines,
        [INDICATOR],
        [ZERO_GOAL],
        area_titles={"2062": "Mora"},
        levels=("regional",),
        data_origin="kolada",
        retrieved=None,
        threshold_set="statistics_canada",
    )
    latest = table.iloc[-1]
    required = (0.0 - base_value) / (2045 - 2015)  # −0.1333… tonnes per inhabitant a year
    assert latest["regional_krävd_förändring_per_år"] == round(required, 3)
    assert latest["regional_faktisk_förändring_per_år"] == -0.1
    assert latest["regional_förändring_enhet"] == "ton CO2-ekv/inv per år"
    assert latest["regional_kvot"] == round(0.1 / abs(required), 2)
    assert latest["regional_mål_målvärde"] == 0.0 and latest["regional_mål_målår"] == 2045
    assert table["regional_målbana_värde"].tolist() == [
        round(base_value + (0.0 - base_value) * (year - 2015) / 30, 3)
        for year in (2015, 2018, 2020)
    ]


def test_goal_lines_follow_each_gender_s_own_base():
    relative = GoalRecord(
        id="halvera",
        kpi_id="N00401",
        level="global",
        kind="relative",
        relative_change=-0.5,
        base_year=2015,
        target_year=2025,
        wording_sv="Halvera.",
        source_document="FN",
    )
    observations = pd.DataFrame(
        [
            ("N00401", "2062", 2015, "K", 4.0, None),
            ("N00401", "2062", 2015, "M", 6.0, None),
        ],
        columns=["kpi_id", "area_id", "year", "gender", "value", "status"],
    )
    lines = goal_lines(observations, [relative], area_ids=["2062"], genders=["K", "M"])
    ends = lines[lines["year"] == 2025].set_index("gender")["value"]
    assert ends.to_dict() == {"K": 4.0 * 0.5, "M": 6.0 * 0.5}


# --- the latest status ("Senaste status") ------------------------------------------------------


def literal_latest(origin: str, levels=LEVELS) -> pd.DataFrame:
    _, status, _ = literal_inputs()
    return latest_status_table(
        status.iloc[::-1],  # any order in, export order out
        [INDICATOR],
        [GOAL, ZERO_GOAL],
        area_titles={"2062": "Mora", "2080": "@Falun"},
        levels=levels,
        data_origin=origin,
        retrieved=dt.date(2026, 11, 3),
        threshold_set="statistics_canada",
    )


LATEST_HEADER = [
    "område_id",
    "område",
    "nyckeltal",
    "indikator",
    "enhet",
    "kön",
    "nivå",
    "mål_id",
    "mål",
    "senaste_år",
    "senaste_värde",
    "mål_målvärde",
    "mål_målår",
    "status",
    "robusthet",
    "status_trendlinje",
    "krävd_förändring_per_år",
    "faktisk_förändring_per_år",
    "förändring_enhet",
    "kvot",
    "metod",
    "basår",
    "basvärde",
    "motivering",
    "robusthet_motivering",
    "målets_källa",
    "tröskelvärden",
    "datakälla",
    "hämtad",
]


def test_latest_status_standard_csv_payload():
    """One row per area, indicator, gender and level: the goal's own target (not the path),
    the status beside its robustness, the changes in per cent or in the unit a year."""
    mora = "2062,Mora,N00401,Växthusgasutsläpp per invånare,ton CO2-ekv/inv,Totalt"
    falun = "2080,'@Falun,N00401,Växthusgasutsläpp per invånare,ton CO2-ekv/inv,Totalt"
    tail = f'statistics_canada,"{DEMO}",2026-11-03'
    expected = "\n".join(
        [
            ",".join(LATEST_HEADER),
            f'{mora},Lokalt mål,\'-utslapp-mora,"högst 1,5 ton CO2-ekv/inv år 2030",2020,3.5,'
            "1.5,2030,otillräcklig,osäker,otillräcklig,-6.3,-2.6,% per år,0.42,mål,2015,4,"
            f'"Långsam minskning, kvot 0,3.",{FEW_VALUES},Mora kommun,{tail}',
            f"{mora},Regionalt mål,dalarna-klimatneutral,högst 0 ton CO2-ekv/inv år 2045,2020,"
            "3.5,0,2045,behöver accelereras,osäker,behöver accelereras,-0.133,-0.1,"
            "ton CO2-ekv/inv per år,0.75,mål,2015,4,Linjär takt mot 0.,"
            f"{FEW_VALUES},Dalarnas klimatstrategi,{tail}",
            f"{mora},Trend (utan mål),,,2020,3.5,,,otillräcklig,osäker,otillräcklig,,-2.6,"
            f"% per år,,trend,2015,4,Minskar långsamt.,{FEW_VALUES},,{tail}",
            f"{falun},Trend (utan mål),,,2020,-0.25,,,kan inte bedömas,,,,,,,trend,2020,-0.25,"
            f"Färre än två värden.,,,{tail}",
        ]
    )
    table = literal_latest("demo")
    assert list(table.columns) == LATEST_HEADER
    assert to_csv_bytes(table, FORMAT_CSV) == (expected + "\n").encode("utf-8")


def test_latest_status_excel_swedish_payload():
    mora = "2062;Mora;N00401;Växthusgasutsläpp per invånare;ton CO2-ekv/inv;Totalt"
    falun = "2080;'@Falun;N00401;Växthusgasutsläpp per invånare;ton CO2-ekv/inv;Totalt"
    few_values = f'"{FEW_VALUES}"'  # it holds a semicolon
    tail = f"statistics_canada;{KOLADA};2026-11-03"
    expected = "\r\n".join(
        [
            ";".join(LATEST_HEADER),
            f"{mora};Lokalt mål;'-utslapp-mora;högst 1,5 ton CO2-ekv/inv år 2030;2020;3,5;"
            "1,5;2030;otillräcklig;osäker;otillräcklig;-6,3;-2,6;% per år;0,42;mål;2015;4;"
            f"Långsam minskning, kvot 0,3.;{few_values};Mora kommun;{tail}",
            f"{mora};Regionalt mål;dalarna-klimatneutral;högst 0 ton CO2-ekv/inv år 2045;2020;"
            "3,5;0;2045;behöver accelereras;osäker;behöver accelereras;-0,133;-0,1;"
            "ton CO2-ekv/inv per år;0,75;mål;2015;4;Linjär takt mot 0.;"
            f"{few_values};Dalarnas klimatstrategi;{tail}",
            f"{mora};Trend (utan mål);;;2020;3,5;;;otillräcklig;osäker;otillräcklig;;-2,6;"
            f"% per år;;trend;2015;4;Minskar långsamt.;{few_values};;{tail}",
            f"{falun};Trend (utan mål);;;2020;-0,25;;;kan inte bedömas;;;;;;;trend;2020;-0,25;"
            f"Färre än två värden.;;;{tail}",
        ]
    )
    payload = to_csv_bytes(literal_latest("kolada"), FORMAT_EXCEL_SV)
    assert payload == BOM + (expected + "\r\n").encode("utf-8")


def test_latest_status_keeps_the_chosen_levels():
    table = literal_latest("kolada", levels=("regional",))
    assert table["nivå"].tolist() == ["Regionalt mål"]
    assert latest_status_table(
        literal_inputs()[1].iloc[0:0],
        [INDICATOR],
        [],
        area_titles={},
        levels=ALL_LEVELS,
        data_origin=None,
        retrieved=None,
        threshold_set="eurostat",
    ).empty


@pytest.mark.parametrize(
    ("titles", "kind", "name"),
    [
        (["Falun"], "tidsserier", "hallbarhet-falun-2026-12-02.csv"),
        (["Älvdalen"], "senaste-status", "senaste-status-alvdalen-2026-12-02.csv"),
        (["Borlänge", "Säter"], "tidsserier", "hallbarhet-borlange-sater-2026-12-02.csv"),
        (["Region Dalarna"], "tidsserier", "hallbarhet-region-dalarna-2026-12-02.csv"),
        (
            ["Falun", "Mora", "Rättvik", "Orsa"],
            "senaste-status",
            "senaste-status-dalarna-2026-12-02.csv",
        ),
        ([], "tidsserier", "hallbarhet-dalarna-2026-12-02.csv"),
    ],
)
def test_file_names_say_what_they_hold(titles, kind, name):
    assert export_filename(dt.date(2026, 12, 2), titles, kind) == name


def test_file_slugs_and_unknown_file_kinds():
    assert file_slug("Smedjebacken") == "smedjebacken"
    assert file_slug("Ludvika/Säter & Co") == "ludvika-sater-co"
    assert file_slug("Ödeshög") == "odeshog"
    assert file_slug("Malung-Sälen") == "malung-salen"
    with pytest.raises(ValueError, match="unknown export file"):
        export_filename(dt.date(2026, 12, 2), ["Falun"], "pdf")


def test_rounded_is_per_value_and_has_no_negative_zero():
    values = rounded([-0.04, 1.2345, None, 15600.000000000002, float("nan")], [1, 2, 1, 1, 1])
    assert values[0] == 0.0 and math.copysign(1.0, values[0]) == 1.0
    assert values[1] == 1.23 and values[3] == 15600.0
    assert math.isnan(values[2]) and math.isnan(values[4])


# --- the selection -----------------------------------------------------------------------------

AREAS = ("2062", "2080", "0020", "0000")
KPIS = ("N00401", "N00945")


def test_missing_keys_get_defaults():
    selection = parse_selection({}, area_ids=AREAS, kpi_ids=KPIS)
    assert selection == Selection(
        areas=AREAS,
        kpis=KPIS,
        genders=("T",),
        years=None,
        levels=ALL_LEVELS,
        threshold_set="statistics_canada",
    )
    assert parse_selection(None, area_ids=AREAS, kpi_ids=KPIS) == selection
    assert parse_selection("nonsense", area_ids=AREAS, kpi_ids=KPIS) == selection


def test_unknown_values_are_dropped_and_order_is_canonical():
    selection = parse_selection(
        {
            "areas": ["0000", "9999", "2062"],
            "kpis": ["N99999", "N00401"],
            "genders": ["M", "X", "K"],
            "years": ["2022", 2015],
            "levels": ["trend", "lokal", "kommunal"],
            "threshold_set": "eurostat",
        },
        area_ids=AREAS,
        kpi_ids=KPIS,
    )
    assert selection.areas == ("2062", "0000")
    assert selection.kpis == ("N00401",)
    assert selection.genders == ("K", "M")
    assert selection.years == (2015, 2022)
    assert selection.levels == ("lokal", "trend")
    assert selection.threshold_set == "eurostat"
    assert selection.as_dict()["years"] == [2015, 2022]


@pytest.mark.parametrize("years", [[2015], "2015-2020", [2015, "x"], 7])
def test_bad_years_mean_all_years(years):
    assert parse_selection({"years": years}, area_ids=AREAS, kpi_ids=KPIS).years is None


def test_unknown_threshold_set_falls_back_to_the_default():
    selection = parse_selection({"threshold_set": "oecd"}, area_ids=AREAS, kpi_ids=KPIS)
    assert selection.threshold_set == "statistics_canada"


def test_empty_lists_stay_empty():
    selection = parse_selection({"areas": [], "levels": []}, area_ids=AREAS, kpi_ids=KPIS)
    assert selection.areas == () and selection.levels == ()


def test_a_strict_reading_has_the_same_defaults_and_order():
    assert parse_selection({}, area_ids=AREAS, kpi_ids=KPIS, strict=True) == parse_selection(
        {}, area_ids=AREAS, kpi_ids=KPIS
    )
    chosen = {"areas": ["0000", "2062"], "years": ["2022", 2015], "levels": [], "kpis": "N00401"}
    assert parse_selection(chosen, area_ids=AREAS, kpi_ids=KPIS, strict=True) == parse_selection(
        chosen, area_ids=AREAS, kpi_ids=KPIS
    )


@pytest.mark.parametrize(
    ("data", "key", "problem"),
    [
        ({"areas": ["2062", "9999"]}, "areas", "okänt värde: 9999"),
        ({"areas": ["2062", ""]}, "areas", "okänt värde: (tomt)"),
        ({"kpis": ["N1", "N2", "N00401"]}, "kpis", "okända värden: N1, N2"),
        ({"genders": 7}, "genders", "ange en lista av värden"),
        ({"levels": ["x" * 30]}, "levels", "okänt värde: " + "x" * 20 + "…"),
        ({"years": [2015, "x"]}, "years", "ange första och sista året som heltal"),
        ({"years": [2015]}, "years", "ange första och sista året som heltal"),
        ({"years": [1899, 2020]}, "years", "ange år mellan 1900 och 2100"),
        ({"years": [2015, 10**30]}, "years", "ange år mellan 1900 och 2100"),
        ({"threshold_set": "oecd"}, "threshold_set", "okänt värde: oecd"),
        ({"threshold_set": ["eurostat"]}, "threshold_set", "okänt värde: ['eurostat']"),
        ("nonsense", "selection", "ange urvalet som namn och värden"),
    ],
)
def test_a_strict_reading_refuses_naming_the_field(data, key, problem):
    with pytest.raises(SelectionError) as raised:
        parse_selection(data, area_ids=AREAS, kpi_ids=KPIS, strict=True)
    assert (raised.value.key, raised.value.problem) == (key, problem)


def test_a_strict_reading_names_the_first_few_refused_values():
    with pytest.raises(SelectionError) as raised:
        parse_selection(
            {"areas": [str(i) for i in range(9)]}, area_ids=AREAS, kpi_ids=KPIS, strict=True
        )
    assert raised.value.problem == "okända värden: 0, 1, 2, 3, 4 (och 4 till)"


def test_a_threshold_set_that_is_not_text_falls_back_to_the_default():
    selection = parse_selection({"threshold_set": ["eurostat"]}, area_ids=AREAS, kpi_ids=KPIS)
    assert selection.threshold_set == "statistics_canada"


def test_select_observations_keeps_exactly_the_selection():
    observations = pd.DataFrame(
        [
            ("N00401", "2062", 2014, "T", 1.0, None),
            ("N00401", "2062", 2015, "T", 2.0, None),
            ("N00401", "2062", 2015, "K", 2.0, None),
            ("N00401", "2080", 2015, "T", 3.0, None),
            ("N00945", "2062", 2016, "T", 4.0, None),
            ("N00401", "2062", 2021, "T", 5.0, None),
        ],
        columns=["kpi_id", "area_id", "year", "gender", "value", "status"],
    )
    selection = Selection(areas=("2062",), kpis=("N00401",), years=(2015, 2020))
    chosen = select_observations(observations, selection)
    assert chosen["value"].tolist() == [2.0]
