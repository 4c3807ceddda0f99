"""The Export page (/export) and the download panel every page carries: address-bar selections,
the preview callback, the download link (the file itself: tests/web/test_export_route.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from data import queries
from indicators import service
from indicators.vocabulary import ALL_LEVELS

NBSP = "\u00a0"
MORA, KPI = "2062", "N00401"


@pytest.fixture
def page(demo_app):
    import layouts.export as page

    return page


@pytest.fixture
def download(demo_app):
    from layouts.parts import download as _download

    return _download


def find(component, predicate) -> list:
    """Every component in a Dash tree for which ``predicate`` holds."""
    found = []
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
            continue
        if node is None or isinstance(node, str | int | float):
            continue
        if predicate(node):
            found.append(node)
        stack.append(getattr(node, "children", None))
    return found


def by_id(tree, component_id):
    matches = find(tree, lambda c: getattr(c, "id", None) == component_id)
    assert len(matches) == 1, f"expected one component with id {component_id!r}"
    return matches[0]


def text_of(component) -> str:
    parts = []
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(reversed(node))
        elif isinstance(node, str | int | float):
            parts.append(str(node))
        elif node is not None:
            stack.append(getattr(node, "children", None))
    return "".join(parts)


# --- layout and the address bar ----------------------------------------------------------------


def test_layout_reads_the_selection_from_the_address(page):
    tree = page.layout(
        omraden="2062,9999,0000",
        indikatorer="N00401,X1",
        fran="2022",
        till="2015",
        kon="K,M,Q",
        niva="lokal,trend,kommunal",
        metod="eurostat",
    )
    assert by_id(tree, "export-areas").value == ["2062", "0000"]
    assert by_id(tree, "export-kpis").value == ["N00401"]
    assert (by_id(tree, "export-from").value, by_id(tree, "export-to").value) == (2015, 2022)
    assert by_id(tree, "export-genders").value == ["K", "M"]
    assert by_id(tree, "export-levels").value == ["lokal", "trend"]
    assert by_id(tree, "export-threshold").value == "eurostat"
    store = by_id(tree, {"type": "export-selection", "page": "export"})
    assert store.data == {
        "areas": ["2062", "0000"],
        "kpis": ["N00401"],
        "genders": ["K", "M"],
        "years": [2015, 2022],
        "levels": ["lokal", "trend"],
        "threshold_set": "eurostat",
    }


def test_layout_defaults_without_parameters(page):
    tree = page.layout()
    assert by_id(tree, "export-areas").value == list(service.AREA_ORDER)
    assert len(by_id(tree, "export-areas").options) == 17
    assert by_id(tree, "export-kpis").value == []
    assert by_id(tree, "export-genders").value == ["T"]
    assert by_id(tree, "export-levels").value == list(ALL_LEVELS)
    assert by_id(tree, "export-threshold").value == "statistics_canada"
    assert by_id(tree, "export-from").value is None
    years = [o["value"] for o in by_id(tree, "export-from").options]
    stored = service.observations(("T",))["year"]
    assert years == list(range(int(stored.min()), int(stored.max()) + 1))


def test_a_year_outside_the_data_is_ignored(page):
    tree = page.layout(fran="1850", till="abc")
    assert by_id(tree, "export-from").value is None
    assert by_id(tree, "export-to").value is None


def test_layout_holds_the_download_panel(page):
    tree = page.layout(omraden=MORA, indikatorer=KPI)
    fmt = by_id(tree, {"type": "export-format", "page": "export"})
    assert [o["label"] for o in fmt.options] == [
        "CSV (komma, decimalpunkt)",
        "Excel (svensk: semikolon, decimalkomma)",
    ]
    assert fmt.value == "csv"
    link = by_id(tree, {"type": "export-link", "page": "export"})
    assert link.children == "Ladda ner CSV"
    assert link.href == "/ladda-ner"  # the clientside callback adds the selection and format
    latest = by_id(tree, {"type": "export-latest-link", "page": "export"})
    assert latest.children == "Ladda ner senaste status"
    assert latest.href == "/ladda-ner?fil=senaste-status"
    assert not find(tree, lambda c: type(c).__name__ == "Download")


def test_indicator_options_are_grouped_by_goal_and_searchable(page):
    options = page.indicator_options(service.catalogue())
    goals = [int(o["label"].split(" ")[1]) for o in options]
    assert goals == sorted(goals)
    assert len(options) == len(service.catalogue())
    n00401 = next(o for o in options if o["value"] == KPI)
    assert "Växthusgasutsläpp" in n00401["label"] and "mål 13" in n00401["search"]


def test_quick_pick_adds_by_goal_and_dimension(page):
    catalogue = service.catalogue()
    sdg13 = [i.kpi_id for i in catalogue if i.sdg_goal == 13]
    assert page.quick_pick(catalogue, [], 13, None) == sdg13
    social = [i.kpi_id for i in catalogue if i.dimension == "social"]
    assert page.quick_pick(catalogue, [], None, "social") == social
    both = [i.kpi_id for i in catalogue if i.sdg_goal == 1 and i.dimension == "social"]
    keep = next(k for k in sdg13 if k not in both)
    assert page.quick_pick(catalogue, [keep], 1, "social") == [
        i.kpi_id for i in catalogue if i.kpi_id in {keep, *both}
    ]


# --- preview -----------------------------------------------------------------------------------


def test_preview_counts_the_rows_and_shows_the_first_twenty(page):
    selection, count, preview, _ = page.update_preview(
        [MORA, "2080"], [KPI], None, None, ["T"], ["lokal", "trend"], "statistics_canada"
    )
    expected = queries.observations(service.engine(), kpi_ids=[KPI], area_ids=[MORA, "2080"])
    n = len(expected)
    assert count == f"{n} rader"
    assert selection["areas"] == [MORA, "2080"] and selection["years"] is None
    table = by_id(preview, "export-preview-table")
    body = find(table, lambda c: type(c).__name__ == "Tbody")[0]
    assert len(body.children) == min(n, page.PREVIEW_ROWS)
    first = text_of(body.children[0])
    assert first.startswith("MoraN00401")
    assert "Demodata" in text_of(table)


def test_preview_count_uses_swedish_thousands(page):
    _, count, _, _ = page.update_preview(
        list(service.AREA_ORDER), None, None, None, ["T"], ["trend"], None
    )
    assert count == "0 rader"  # no indicator chosen
    kpis = [i.kpi_id for i in service.catalogue()]
    _, count, _, _ = page.update_preview(
        list(service.AREA_ORDER), kpis, None, None, ["T"], ["trend"], None
    )
    n = len(queries.observations(service.engine(), kpi_ids=kpis, area_ids=list(service.AREA_ORDER)))
    assert n >= 1000
    assert count == f"{n // 1000}{NBSP}{n % 1000:03d} rader"


def test_preview_respects_the_year_range(page):
    selection, count, _, _ = page.update_preview(
        [MORA], [KPI], 2016, 2018, ["T"], ["trend"], "eurostat"
    )
    assert selection["years"] == [2016, 2018]
    assert selection["threshold_set"] == "eurostat"
    expected = queries.observations(
        service.engine(), kpi_ids=[KPI], area_ids=[MORA], first_year=2016, last_year=2018
    )
    assert count == f"{len(expected)} rader"


def test_preview_asks_for_a_choice_when_nothing_is_selected(page):
    _, count, preview, latest = page.update_preview([], [KPI], None, None, [], ["trend"], None)
    assert count == "0 rader"
    assert text_of(preview) == "Välj minst ett område och ett kön för att få rader i exporten."
    assert text_of(latest) == text_of(preview)


def test_preview_of_the_latest_status(page, download):
    *_, latest = page.update_preview(
        [MORA, "2080"], [KPI], 2016, 2017, ["T"], ["nationell", "trend"], "statistics_canada"
    )
    table = by_id(latest, "export-latest-preview-table")
    body = find(table, lambda c: type(c).__name__ == "Tbody")[0]
    expected = download.latest_table(
        download.parse({"areas": [MORA, "2080"], "kpis": [KPI], "levels": ["nationell", "trend"]})
    )
    assert len(body.children) == len(expected) > 0
    first = text_of(body.children[0])
    assert first.startswith("Mora" + expected.iloc[0]["indikator"] + "Totalt")
    row = expected.iloc[0]
    assert f"({row['senaste_år']})" in first  # the latest year, whatever years are chosen
    head = find(table, lambda c: type(c).__name__ == "Thead")[0]
    headers = [text_of(th) for th in head.children.children]
    assert headers == [
        "Område",
        "Indikator",
        "Kön",
        "Nivå",
        "Senaste värde (år)",
        "Mål",
        "Status",
        "Säkerhet",
        "Krävd förändring",
        "Faktisk förändring",
    ]


def test_mark_all_and_none(page):
    assert page.areas_for_button("export-areas-all") == list(service.AREA_ORDER)
    assert page.areas_for_button("export-areas-none") == []


# --- the download panel ------------------------------------------------------------------------


def test_download_panel_needs_a_page_id(download):
    with pytest.raises(ValueError, match="page_id"):
        download.download_panel("")
    store = download.selection_store("kommun", {"areas": [MORA]})
    assert store.id == {"type": "export-selection", "page": "kommun"}
    assert store.data == {"areas": [MORA]}


def test_retrieval_date_is_swedish():
    from layouts.parts.download import retrieval_date

    # 23:30 UTC on 31 December is already New Year's Day in Sweden (UTC+1 in winter).
    assert retrieval_date(dt.datetime(2025, 12, 31, 23, 30)) == dt.date(2026, 1, 1)
    assert retrieval_date(None) is None


# --- routes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/export", "/export?omraden=2062&indikatorer=N00401", "/om"])
def test_pages_answer(client, path):
    response = client.get(path)
    assert response.status_code == 200
