"""The intervention register as CSV (indicators/intervention_csv.py): separators, decimal
comma, encodings, whole-file refusal with line and column, and versions guarding imports."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from data.interventions import (
    InterventionRecord,
    LinkedIndicator,
    add_intervention,
    change_intervention,
    get_intervention,
    list_interventions,
)
from indicators.intervention_csv import (
    FORMAT_EXCEL_SV,
    MAX_FILE_BYTES,
    import_intervention_csv,
    intervention_csv_text,
    read_intervention_csv,
    write_intervention_csv,
)
from indicators.interventions import InvalidInterventionError

HEADER = "title,area_id,status,start_year,end_year,indicators,decision_url"
ROW = (
    'Laddstolpar,2080,pågår,2024,2027,"N85533:down:-10%:2030;N00401:down",'
    "https://www.falun.se/beslut"
)


def _read(text: str, encoding: str = "utf-8") -> list[InterventionRecord]:
    return [record for _, record in read_intervention_csv(text.encode(encoding))]


def test_comma_file_is_read():
    (record,) = _read(f"{HEADER}\n{ROW}\n")
    assert record.title == "Laddstolpar" and record.end_year == 2027
    assert record.indicators == (
        LinkedIndicator("N85533", "down", -0.1, True, 2030),
        LinkedIndicator("N00401", "down"),
    )


def test_semicolon_file_with_decimal_comma_bom_and_windows_1252():
    text = (
        "title;area_id;status;start_year;indicators\n"
        'Gång- och cykelvägar i Säter;2082;planerad;2025;"N85533:down:-2,5%:2030"\n'
    )
    for data in (("\ufeff" + text).encode("utf-8"), text.encode("cp1252")):
        ((line, record),) = read_intervention_csv(data)
        assert line == 2
        assert record.title == "Gång- och cykelvägar i Säter"
        assert record.indicators[0].expected_change == pytest.approx(-0.025)


def test_one_bad_row_refuses_the_whole_file_with_line_and_column():
    text = f"{HEADER}\n{ROW}\nCykel,2080,klar,2024,,N85533:up:-5%:2030,\n,0000,pågår,20x4,,,\n"
    with pytest.raises(InvalidInterventionError) as caught:
        read_intervention_csv(text.encode())
    message = str(caught.value)
    assert 'Insatsfilen rad 3, fält "status": "klar"' in message
    assert 'Insatsfilen rad 3, fält "indicators"' in message
    assert 'Insatsfilen rad 4, fält "title"' in message
    assert 'Insatsfilen rad 4, fält "area_id": "0000"' in message
    assert 'Insatsfilen rad 4, fält "start_year": "20x4"' in message
    assert "rad 2" not in message


def test_header_problems_and_file_limits():
    with pytest.raises(InvalidInterventionError) as caught:
        read_intervention_csv(b"titel,area_id,status\nX,2080,pagar\n")
    message = str(caught.value)
    assert 'fält "titel": okänd kolumn' in message
    assert 'fält "start_year": kolumnen saknas' in message
    with pytest.raises(InvalidInterventionError, match="högst"):
        read_intervention_csv(b"x" * (MAX_FILE_BYTES + 1))
    with pytest.raises(InvalidInterventionError, match="NUL"):
        read_intervention_csv(b"title\x00,area_id\n")
    with pytest.raises(InvalidInterventionError, match="filen är tom"):
        read_intervention_csv(b"")


def test_written_file_reads_back_in_both_formats():
    record = InterventionRecord(
        title='=HYPERLINK("x")',  # a formula is written harmless and read back as written
        area_id="0020",
        start_year=2023,
        status="genomförd",
        indicators=(LinkedIndicator("N07702", "down", -1500.5, False, 2028),),
        goal_ids=("a", "b"),
        description="Rad ett\nrad två; med semikolon",
    )
    for fmt in ("csv", FORMAT_EXCEL_SV):
        text = intervention_csv_text([record], fmt)
        assert text.startswith("\ufeff")
        if fmt == FORMAT_EXCEL_SV:
            assert "-1500,5:2028" in text and text.splitlines()[0].count(";") == 12
        assert "'=HYPERLINK" in text
        (back,) = _read(text)
        assert back == record


def test_import_adds_changes_and_guards_versions(engine):
    stored = add_intervention(
        engine,
        InterventionRecord(title="Gammal", area_id="2080", start_year=2022, status="planerad"),
    )
    buffer = io.StringIO()
    write_intervention_csv(list_interventions(engine), buffer)
    exported = buffer.getvalue()
    changed = exported.replace("Gammal,2080,,planerad", "Gammal,2080,,pågår")
    added = changed + ",Ny insats,2062,,planerad,2026,,,,,,,\n"
    saved = import_intervention_csv(engine, added.encode(), changed_by="eva")
    assert saved.changed == (stored.id,) and len(saved.added) == 1
    assert get_intervention(engine, stored.id).status == "pågår"

    # The same export again is now stale: refused with its line, nothing stored.
    change_intervention(engine, replace(get_intervention(engine, stored.id), title="Ny rubrik"))
    with pytest.raises(InvalidInterventionError) as caught:
        import_intervention_csv(engine, added.encode(), changed_by="eva")
    assert 'rad 2, fält "version"' in str(caught.value)
    assert "har ändrats" in str(caught.value)
    assert len(list_interventions(engine)) == 2


def test_import_of_an_unknown_id_is_refused(engine):
    text = "id,title,area_id,status,start_year\n4711,X,2080,planerad,2024\n"
    with pytest.raises(InvalidInterventionError, match='rad 2, fält "id": "4711"'):
        import_intervention_csv(engine, text.encode())
    assert list_interventions(engine) == []
