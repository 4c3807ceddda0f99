"""Goal files and goals within limits: rows per file, bytes per file, characters per text field,
problems listed, and files in foreign encodings (Excel's "Unicode-text", NUL bytes)."""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import indicators.goal_csv as goal_csv
from data.file_text import NotTextError, byte_order_mark, decode_text
from data.goals import GoalRecord
from data.models import Goal, GoalChange
from data.slideshows import InvalidSlideshowError, read_slideshow_file
from etl.goals_cli import run_import
from indicators.goal_csv import (
    COLUMNS,
    MAX_GOAL_FILE_BYTES,
    MAX_GOAL_ROWS,
    read_goal_csv,
    write_goal_csv,
)
from indicators.goal_validation import (
    MAX_NOTE_LENGTH,
    MAX_SHOWN_PROBLEMS,
    MAX_SOURCE_DOCUMENT_LENGTH,
    MAX_SOURCE_URL_LENGTH,
    MAX_WORDING_LENGTH,
    GoalFileError,
    GoalNoteError,
    GoalProblem,
    InvalidGoalError,
    problem_lines,
    validate_goal,
)
from indicators.goals import add_goal, import_goals_csv, remove_goal, sync_catalogue_goals

EMISSIONS, MORA = "N00401", "2062"
ROW_LIMIT_MESSAGE = f"fler än {MAX_GOAL_ROWS} mål – förväntat högst {MAX_GOAL_ROWS} mål (rader)"
EXCEL_ADVICE = "Spara filen som CSV UTF-8 i Excel"


def goal(number: int = 1, **changes) -> GoalRecord:
    values = dict(
        id=f"mora-mal-{number}",
        kpi_id=EMISSIONS,
        level="lokal",
        kind="absolute",
        operator="<=",
        target_value=1.5,
        target_year=2030,
        areas=(MORA,),
        wording_sv="Utsläppen ska vara högst 1,5 ton per invånare år 2030 – så säger KF.",
        source_document="Klimatplan för Mora, KF 2026",
    )
    values.update(changes)
    return GoalRecord(**values)


def csv_text(goals, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    write_goal_csv(goals, buffer)
    if delimiter == ",":
        return buffer.getvalue()
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def compact_rows(count: int, kpi_id: str = EMISSIONS) -> str:
    """A goal file of ``count`` short valid (with a known KPI) regional direction goals."""
    header = "id,kpi_id,level,kind,direction,wording_sv,source_document\n"
    return header + "".join(f"r{i},{kpi_id},regional,direction,up,x,y\n" for i in range(count))


def table_dump(engine) -> tuple[list, list]:
    with Session(engine) as session:
        goals = [tuple(row) for row in session.execute(select(Goal.__table__).order_by(Goal.id))]
        changes = [
            tuple(row)
            for row in session.execute(select(GoalChange.__table__).order_by(GoalChange.id))
        ]
    return goals, changes


@pytest.fixture
def catalogue_engine(engine):
    sync_catalogue_goals(engine)
    return engine


# --- rows and bytes per file -------------------------------------------------------------------


def test_100000_goal_rows_are_refused_before_any_row_is_checked(
    catalogue_engine, tmp_path, monkeypatch
):
    path = tmp_path / "mal.csv"
    path.write_text(csv_text([goal(i) for i in range(100_000)]), encoding="utf-8")
    assert path.stat().st_size > 10_000_000  # as the probe's 21 MB file
    checked = []
    original = goal_csv._parse_row
    monkeypatch.setattr(
        goal_csv, "_parse_row", lambda *a, **k: checked.append(1) or original(*a, **k)
    )
    before = table_dump(catalogue_engine)

    started = time.perf_counter()
    with pytest.raises(GoalFileError) as refused:
        import_goals_csv(catalogue_engine, path, "prov")
    elapsed = time.perf_counter() - started

    assert str(refused.value) == (
        f'mal.csv, fält "(filen)": {ROW_LIMIT_MESSAGE} per fil; dela upp filen i flera filer'
    )
    assert len(refused.value.problems) == 1
    assert checked == []  # no row was parsed or checked
    assert table_dump(catalogue_engine) == before
    print(f"100 000 rows (21 MB) refused in {elapsed:.3f} s")


def test_100000_compact_rows_under_the_byte_limit_are_refused_by_the_row_limit(
    catalogue_engine, tmp_path, monkeypatch
):
    path = tmp_path / "mal.csv"
    path.write_text(compact_rows(100_000), encoding="utf-8")
    checked = []
    monkeypatch.setattr(goal_csv, "_parse_row", lambda *a, **k: checked.append(1))
    before = table_dump(catalogue_engine)
    with pytest.raises(GoalFileError) as refused:
        import_goals_csv(catalogue_engine, path)
    assert ROW_LIMIT_MESSAGE in str(refused.value)
    assert checked == []
    assert table_dump(catalogue_engine) == before


def test_the_row_limit_holds_for_text_and_rows_too():
    with pytest.raises(GoalFileError, match="högst 2000 mål"):
        read_goal_csv(compact_rows(MAX_GOAL_ROWS + 1))
    assert len(read_goal_csv(compact_rows(MAX_GOAL_ROWS))) == MAX_GOAL_ROWS
    rows = [dict.fromkeys(COLUMNS, "")] * (MAX_GOAL_ROWS + 1)
    with pytest.raises(GoalFileError, match="högst 2000 mål"):
        goal_csv.parse_goal_rows(rows, source_name="rader")


def test_blank_lines_do_not_count_as_goals():
    text = compact_rows(MAX_GOAL_ROWS).replace("\n", "\n\n")
    assert len(read_goal_csv(text)) == MAX_GOAL_ROWS


def test_a_file_above_the_byte_limit_with_few_rows_is_refused_for_its_size(tmp_path):
    path = tmp_path / "stor.csv"
    path.write_text(compact_rows(3).replace(",x,", "," + "x" * MAX_GOAL_FILE_BYTES + ",", 1))
    with pytest.raises(GoalFileError) as refused:
        read_goal_csv(path)
    assert str(refused.value) == (
        f'stor.csv, fält "(filen)": {path.stat().st_size} byte – förväntat en fil på högst '
        f"{MAX_GOAL_FILE_BYTES} byte (högst {MAX_GOAL_ROWS} mål); dela upp filen i flera filer"
    )


# --- text fields -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit", "value"),
    [
        ("wording_sv", MAX_WORDING_LENGTH, "Lydelse " * 650_000),  # 5.2 million characters
        ("wording_sv", MAX_WORDING_LENGTH, "x" * (MAX_WORDING_LENGTH + 1)),
        ("source_document", MAX_SOURCE_DOCUMENT_LENGTH, "K" * (MAX_SOURCE_DOCUMENT_LENGTH + 1)),
        ("source_url", MAX_SOURCE_URL_LENGTH, "https://" + "a" * MAX_SOURCE_URL_LENGTH),
    ],
)
def test_a_text_above_its_limit_is_refused_naming_field_and_limit(field, limit, value):
    problems = validate_goal(goal(**{field: value}))
    assert [str(p) for p in problems] == [
        f'målet "mora-mal-1", fält "{field}": en text på {len(value)} tecken – förväntat '
        f"högst {limit} tecken"
    ]


def test_texts_at_their_limits_are_accepted():
    assert (
        validate_goal(
            goal(
                wording_sv="x" * MAX_WORDING_LENGTH,
                source_document="k" * MAX_SOURCE_DOCUMENT_LENGTH,
                source_url="https://" + "a" * (MAX_SOURCE_URL_LENGTH - 8),
            )
        )
        == []
    )


def test_a_long_wording_in_a_file_is_told_by_the_goal_rules_not_the_csv_module():
    text = csv_text([goal(wording_sv="Lydelse." * 200_000)])  # 1.6 million characters
    with pytest.raises(GoalFileError) as refused:
        read_goal_csv(text)
    assert [p.field for p in refused.value.problems] == ["wording_sv"]
    assert "en text på 1600000 tecken – förväntat högst 2000 tecken" in str(refused.value)


def test_a_problem_quotes_at_most_100_characters_of_a_value():
    problem = GoalProblem("mal.csv", 2, "target_value", "9" * 5000, "ett tal")
    assert str(problem) == f'mal.csv rad 2, fält "target_value": "{"9" * 99}…" – förväntat ett tal'


def test_the_note_of_a_change_has_a_limit(catalogue_engine, tmp_path):
    before = table_dump(catalogue_engine)
    for action in (
        lambda note: add_goal(catalogue_engine, goal(), note),
        lambda note: remove_goal(catalogue_engine, "mora-mal-1", note),
        lambda note: import_goals_csv(catalogue_engine, tmp_path / "saknas.csv", note),
    ):
        with pytest.raises(GoalNoteError) as refused:
            action("n" * (MAX_NOTE_LENGTH + 1))
        assert str(refused.value) == (
            "Anteckningen till ändringsloggen är 501 tecken; den får vara högst 500 tecken."
        )
    assert table_dump(catalogue_engine) == before
    add_goal(catalogue_engine, goal(), "n" * MAX_NOTE_LENGTH)


# --- problems listed ---------------------------------------------------------------------------


def test_problem_lines_give_the_first_50_and_count_the_rest():
    problems = [f"fel {n}" for n in range(1, 121)]
    assert problem_lines(problems) == [*problems[:MAX_SHOWN_PROBLEMS], "… och 70 fel till"]
    assert problem_lines(problems[:50]) == problems[:50]


def test_an_invalid_file_lists_50_problems_and_counts_the_rest(tmp_path):
    text = compact_rows(MAX_GOAL_ROWS, kpi_id="X1")  # every row: an unknown KPI
    with pytest.raises(GoalFileError) as refused:
        read_goal_csv(text)
    assert len(refused.value.problems) == MAX_GOAL_ROWS  # all are found …
    lines = str(refused.value).splitlines()
    assert len(lines) == MAX_SHOWN_PROBLEMS + 1  # … the first 50 are told
    assert lines[0].startswith('CSV-texten rad 2, fält "kpi_id": "X1"')
    assert lines[-1] == f"… och {MAX_GOAL_ROWS - MAX_SHOWN_PROBLEMS} fel till"


def test_100000_invalid_rows_are_one_problem_the_row_limit(tmp_path):
    with pytest.raises(GoalFileError) as refused:
        read_goal_csv(compact_rows(100_000, kpi_id="X1"))
    assert len(refused.value.problems) == 1
    assert ROW_LIMIT_MESSAGE in str(refused.value)


def test_the_command_line_prints_50_problems_and_the_count(db_url, tmp_path, capsys):
    path = tmp_path / "fel.csv"
    path.write_text(compact_rows(300, kpi_id="X1"))
    args = argparse.Namespace(file=path, note="", database_url=db_url)
    assert run_import(args) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"Ingenting importerades från {path} (300 fel):"
    assert len(lines) == 1 + MAX_SHOWN_PROBLEMS + 1
    assert lines[-1] == "… och 250 fel till"


def test_the_invalid_goal_error_message_is_cut_too():
    problems = [GoalProblem("f", n, "id", "", "ett id") for n in range(60)]
    assert str(InvalidGoalError(problems)).splitlines()[-1] == "… och 10 fel till"


# --- foreign files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mark", "encoding"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ],
)
def test_a_file_with_a_byte_order_mark_is_read_in_its_encoding(tmp_path, mark, encoding):
    expected = [goal(1), goal(2, wording_sv='Åtgärder; "citat", och\tmer – ≤ 1,5 ton')]
    path = tmp_path / "mal.csv"
    path.write_bytes(mark + csv_text(expected).encode(encoding))
    assert read_goal_csv(path) == expected


def test_excel_unicode_text_utf16_tab_separated_is_accepted(catalogue_engine, tmp_path):
    """Excel's "Unicode-text": UTF-16 LE with a byte-order mark, tabs, CRLF."""
    expected = [goal(1), goal(2, wording_sv="Öka andelen; minska utsläppen, 50 %")]
    path = tmp_path / "mal.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + csv_text(expected, "\t").encode("utf-16-le"))
    assert read_goal_csv(path) == expected
    result = import_goals_csv(catalogue_engine, path, "Unicode-text")
    assert result.added == ("mora-mal-1", "mora-mal-2")


def test_the_tab_separated_header_is_recognised_without_utf16():
    expected = [goal(1)]
    assert read_goal_csv(csv_text(expected, "\t")) == expected


def test_utf16_without_a_mark_gets_one_problem_with_advice(tmp_path):
    path = tmp_path / "mal.txt"
    path.write_bytes(csv_text([goal(1)], "\t").encode("utf-16-le"))
    with pytest.raises(GoalFileError) as refused:
        read_goal_csv(path)
    assert len(refused.value.problems) == 1
    message = str(refused.value)
    assert message.startswith('mal.txt, fält "(filen)": NUL-tecken (byte 0)')
    assert EXCEL_ADVICE in message
    assert "ÿþ" not in message and "i d" not in message


def test_a_binary_file_gets_the_advice_too(tmp_path):
    path = tmp_path / "bild.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00" + bytes(range(256)))  # e.g. an .xlsx file
    with pytest.raises(GoalFileError, match=EXCEL_ADVICE):
        read_goal_csv(path)


def test_windows_1252_is_still_read(tmp_path):
    path = tmp_path / "mal.csv"
    text = csv_text([goal(1, wording_sv="Växthusgaser ska minska – så är det")])
    path.write_bytes(text.replace("–", "-").encode("cp1252"))
    assert read_goal_csv(path)[0].wording_sv == "Växthusgaser ska minska - så är det"


def test_decode_text():
    advice = "Gör så här."
    assert byte_order_mark(codecs.BOM_UTF32_LE + b"a\x00\x00\x00") == ("utf-32-le", 4)
    assert byte_order_mark(b"abc") is None
    assert decode_text("åäö".encode("utf-16"), advice=advice) == "åäö"
    assert decode_text(codecs.BOM_UTF8 + "åäö".encode(), advice=advice) == "åäö"
    assert decode_text("åäö".encode("cp1252"), advice=advice) == "åäö"
    with pytest.raises(UnicodeDecodeError):
        decode_text("åäö".encode("cp1252"), advice=advice, fallback=None)
    with pytest.raises(UnicodeDecodeError):
        decode_text(codecs.BOM_UTF16_LE + b"\x00", advice=advice, fallback=None)
    with pytest.raises(NotTextError) as refused:
        decode_text(b"a\x00b", advice=advice)
    assert str(refused.value).endswith(advice)


def _slideshow(encoding: str) -> bytes:
    text = (
        '{"format": "hallbarhet-dalarna-bildspel", "version": 1, "name": "Årsmöte", '
        '"views": ["/", "/kommun/2062"]}'
    )
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig", "utf-8"])
def test_a_slideshow_file_in_utf16_or_utf32_with_a_mark_is_read(encoding):
    assert read_slideshow_file(_slideshow(encoding)) == ("Årsmöte", ("/", "/kommun/2062"))


def test_a_slideshow_file_with_nul_bytes_gets_advice():
    with pytest.raises(InvalidSlideshowError) as refused:
        read_slideshow_file(_slideshow("utf-16-le"))
    assert str(refused.value) == (
        'Bildspelsfilen, fält "(filen)": "NUL-tecken (byte 0)" – förväntat text i UTF-8. '
        "Exportera bildspelet på nytt, eller spara filen som text i UTF-8."
    )


def test_the_shipped_catalogue_is_within_the_limits():
    goals = read_goal_csv(Path(goal_csv.__file__).resolve().parent.parent / "data" / "goals.csv")
    assert 0 < len(goals) <= MAX_GOAL_ROWS
    assert all(validate_goal(g) == [] for g in goals)
