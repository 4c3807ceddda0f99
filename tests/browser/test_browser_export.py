"""Export in a real browser: the previews, downloading the time series and the latest status in
both formats through the download links (their addresses follow the selection; the file names
say what they hold), /om renders."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")
HEADER_START = "område_id,område,nyckeltal,indikator,enhet,kön,år,värde,värde_status,"


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("main h1")
    page.wait_for_load_state("networkidle")


def _download(
    page,
    fmt: str = "csv",
    *,
    keyboard: bool = False,
    name: str = "hallbarhet-mora",
    latest: bool = False,
) -> bytes:
    """Download the page's time series (or its latest status) with the link (clicked, or
    focused and Enter pressed), once its address names the format; the file's name starts with
    ``name``."""
    text = "Ladda ner senaste status" if latest else "Ladda ner CSV"
    link = page.get_by_role("link", name=text)
    end = "&fil=senaste-status" if latest else ""
    expect(link).to_have_attribute("href", re.compile(rf"^/ladda-ner\?.*format={fmt}{end}$"))
    with page.expect_download() as info:
        if keyboard:
            link.focus()
            page.keyboard.press("Enter")
        else:
            link.click()
    download = info.value
    assert download.failure() is None
    pattern = re.escape(name) + r"-\d{4}-\d{2}-\d{2}\.csv"
    assert re.fullmatch(pattern, download.suggested_filename), download.suggested_filename
    return Path(download.path()).read_bytes()


def test_export_downloads_a_csv(page, live_server):
    _open(page, live_server.url + "/export?omraden=2062&indikatorer=N00401")
    page.wait_for_selector("#export-preview-table")
    assert page.inner_text("#export-count").endswith("rader")
    assert "Mora" in page.inner_text("#export-preview-table")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "export.png"), full_page=True)

    payload = _download(page)
    text = payload.decode("utf-8")
    assert text.startswith(HEADER_START)
    rows = list(csv.DictReader(text.splitlines()))
    assert rows, "the CSV has no rows"
    assert {(r["område_id"], r["område"], r["nyckeltal"]) for r in rows} == {
        ("2062", "Mora", "N00401")
    }
    assert all(r["datakälla"] == "Demodata – genererade värden, inte Kolada" for r in rows)

    page.get_by_label("Excel (svensk: semikolon, decimalkomma)").check()
    payload = _download(page, "excel-sv", keyboard=True)
    assert payload.startswith(b"\xef\xbb\xbf")
    lines = payload.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith(HEADER_START.replace(",", ";"))
    rows = list(csv.DictReader(lines[:-1], delimiter=";"))
    assert len(rows) > 0 and all(r["område"] == "Mora" for r in rows)
    assert any("," in r["värde"] for r in rows)  # decimal comma
    page.console_log.assert_clean()


def test_export_downloads_the_latest_status(page, live_server):
    _open(page, live_server.url + "/export?omraden=2062,2080&indikatorer=N00401,N07702")
    page.wait_for_selector("#export-latest-preview-table")
    assert "Mora" in page.inner_text("#export-latest-preview-table")
    payload = _download(page, latest=True, name="senaste-status-mora-falun")
    rows = list(csv.DictReader(payload.decode("utf-8").splitlines()))
    assert {r["område"] for r in rows} == {"Mora", "Falun"}
    assert {r["nyckeltal"] for r in rows} == {"N00401", "N07702"}
    assert all(r["robusthet"] in ("stabil", "osäker", "") for r in rows)
    # The total's zero target is judged in tonnes a year, not in per cent.
    climate = [r for r in rows if r["mål_id"] == "dalarna-klimatneutral-2045"]
    assert climate and {r["förändring_enhet"] for r in climate} <= {"ton CO2-ekv per år", ""}
    page.get_by_label("Excel (svensk: semikolon, decimalkomma)").check()
    payload = _download(page, "excel-sv", latest=True, name="senaste-status-mora-falun")
    assert payload.startswith(b"\xef\xbb\xbfomr\xc3\xa5de_id;")
    page.console_log.assert_clean()


def test_changing_the_selection_updates_address_and_preview(page, live_server):
    _open(page, live_server.url + "/export?omraden=2062&indikatorer=N00401")
    page.wait_for_selector("#export-preview-table")
    page.get_by_label("Falun").check()
    page.wait_for_function(
        "document.querySelector('#export-preview-table').innerText.includes('Falun')"
    )
    page.wait_for_function("window.location.search.includes('2080')")
    assert "omraden=2062%2C2080" in page.url or "omraden=2062,2080" in page.url
    # the download link follows the selection without a request to the server
    link = page.get_by_role("link", name="Ladda ner CSV")
    expect(link).to_have_attribute("href", re.compile(r"omraden=2062,2080&indikatorer=N00401&"))
    lines = _download(page, name="hallbarhet-mora-falun").decode("utf-8").splitlines()
    assert {row["område"] for row in csv.DictReader(lines)} == {"Mora", "Falun"}
    page.get_by_role("button", name="Avmarkera alla").click()
    page.wait_for_function(
        "document.querySelector('#export-count').innerText.startsWith('0 rader')"
    )
    page.console_log.assert_clean()


def test_om_page_renders(page, live_server):
    _open(page, live_server.url + "/om")
    assert page.inner_text("main h1") == "Om data"
    assert "Källa: Kolada" in page.inner_text("main")
    assert page.locator("#om-example-1-outputs").is_visible()
    assert page.locator(".method-text table").count() >= 3
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "om.png"), full_page=True)
    page.console_log.assert_clean()


def test_the_csv_carries_the_newest_assessment_safely(page, live_server, tmp_path):
    from indicators.assessments import add_assessment
    from tests.support.own_database import own_database

    text = '=HYPERLÄNK("http://x";"klicka") – "citat"; mer'
    with own_database(tmp_path) as engine:
        add_assessment(
            engine,
            area_id="2062",
            kpi_id="N00401",
            assessed_on="2026-02-01",
            text=text,
            judgement="sämre",
            author="Eva",
        )
        _open(page, live_server.url + "/kommun/2062?mal=13")
        page.wait_for_selector("#kommun-download")
        lines = _download(page).decode("utf-8").splitlines()
        rows = [r for r in csv.DictReader(lines) if r["nyckeltal"] == "N00401"]
        assert rows and all(r["område"] == "Mora" for r in rows)
        assert {(r["bedömning_datum"], r["bedömning"], r["bedömning_text"]) for r in rows} == {
            ("2026-02-01", "sämre", "'" + text)
        }
        others = [r for r in csv.DictReader(lines) if r["nyckeltal"] != "N00401"]
        assert all(r["bedömning_text"] == "" for r in others)
        page.console_log.assert_clean()
