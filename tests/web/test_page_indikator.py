"""The Indikator page (/indikator/<kpi_id>) and the index (/indikator): layout, address-bar
selections, the main callback, the tables behind the charts."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from dash import dcc
from dash.exceptions import PreventUpdate
from plotly.utils import PlotlyJSONEncoder

from data import queries
from data.goals import GoalRecord
from indicators import service
from indicators.assessments import add_assessment
from indicators.catalogue import load_catalogue
from indicators.ranking import dalarna_ranking
from indicators.sdg import DIMENSIONS
from indicators.vocabulary import STATUS_STYLE, Status
from tests.support.dash_tree import find, text_of
from tests.support.figures import validated
from tests.support.own_database import own_database

KPI = "N00401"  # greenhouse gases per inhabitant: lokal and regional goals, not by gender
NBSP = "\u00a0"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def page(demo_app):
    import layouts.indikator as page

    return page


@pytest.fixture
def index(demo_app):
    import layouts.indikatorer as index

    return index


@pytest.fixture
def view(demo_app):
    from layouts.parts import indikator_view as view

    return view


def gender_kpi() -> str:
    return next(i.kpi_id for i in load_catalogue() if i.is_divided_by_gender)


def by_id(component, component_id):
    (node,) = find(component, lambda n: getattr(n, "id", None) == component_id)
    return node


# --- the page for a known and an unknown indicator -------------------------------------------


def test_layout_of_a_known_indicator_shows_its_facts_and_sections(page, as_editor):
    layout = page.layout(kpi_id=KPI, omraden="2062,2080")
    text = text_of(layout)
    indicator = service.indicator(KPI)
    (h1,) = find(layout, lambda n: type(n).__name__ == "H1")
    assert h1.children == indicator.label
    assert indicator.kolada_title in text
    assert "Önskad riktning: ska minska" in text
    assert "Mål 13: Bekämpa klimatförändringarna (delmål 13.2)" in text
    assert indicator.unit in text
    description = queries.kpis(service.engine(), [KPI])["description"].iloc[0]
    assert description and description in text
    assert "Demodata (genererade värden, inte från Kolada)." in text  # the demo source credit
    assert by_id(layout, "indikator-areas").value == ["2062", "2080"]
    # gender choice hidden for an indicator that is not divided by gender
    (fieldset,) = find(layout, _holds_gender_choice)
    assert fieldset.hidden is True
    summaries = [
        s.children
        for s in find(layout, lambda n: type(n).__name__ == "Summary")
        if getattr(s, "className", None) != "why-summary"  # the statuses' "Varför?"
    ]
    # the charts' table alternatives and the assessment form, folded away
    assert set(summaries) == {"Visa som tabell", "Skriv en bedömning"}
    assert summaries.count("Visa som tabell") >= 2
    assert validated(by_id(layout, "indikator-series").figure).layout.separators == ", "
    # the table alternatives are built when opened
    tables = find(layout, lambda n: type(n).__name__ == "Table")
    # (the comparison with similar municipalities is a table of its own, not a chart's alternative)
    assert [t.className for t in tables] == ["data-table status-matrix", "data-table similar-table"]
    for details_id in (page.SERIES_DETAILS, page.RANKING_DETAILS):
        assert by_id(layout, details_id).open is False
        assert "Hämtar tabellen" in text_of(by_id(layout, details_id))


def _holds_gender_choice(node) -> bool:
    children = node.children if isinstance(getattr(node, "children", None), list) else []
    return any(getattr(child, "id", None) == "indikator-gender" for child in children)


def test_goal_levels_without_goals_are_disabled_and_default_to_those_with_goals(page):
    layout = page.layout(kpi_id=KPI)
    levels = by_id(layout, "indikator-levels")
    levels_with_goals = sorted({g.level for g in service.goals() if g.kpi_id == KPI})
    enabled = sorted(o["value"] for o in levels.options if not o["disabled"])
    assert enabled == levels_with_goals == ["lokal", "regional"]
    assert sorted(levels.value) == levels_with_goals
    (note,) = find(layout, _no_goals_note)
    assert note.hidden is True

    with_goals = {g.kpi_id for g in service.goals()}
    without = next(i.kpi_id for i in service.catalogue() if i.kpi_id not in with_goals)
    layout = page.layout(kpi_id=without)
    levels = by_id(layout, "indikator-levels")
    assert all(o["disabled"] for o in levels.options) and levels.value == []
    (note,) = find(layout, _no_goals_note)
    assert note.hidden is False


def _no_goals_note(node) -> bool:
    children = getattr(node, "children", None)
    return isinstance(children, str) and "inga mål i katalogen" in children


def test_unknown_indicator_gives_a_clear_swedish_page_with_a_link_to_the_index(page):
    layout = page.layout(kpi_id="X12345")
    assert "Indikatorn finns inte" in text_of(layout)
    assert "X12345" in text_of(layout)
    link = by_id(layout, "indikator-index-link")
    assert link.href == "/indikator"
    assert page._title(kpi_id="X12345").startswith("Indikatorn finns inte")
    assert page._title(kpi_id=KPI).startswith(service.indicator(KPI).label)


def test_routes_answer(client):
    for path in ("/indikator/N00401", "/indikator", "/indikator/okänd"):
        response = client.get(path)
        assert response.status_code == 200, path


# --- address bar -----------------------------------------------------------------------------


def test_read_selection_keeps_only_allowed_values(view):
    indicator = service.indicator(KPI)
    selection = view.read_selection(
        indicator,
        service.goals(),
        omraden="2080,9999,0020,2062",
        kon="K,M",
        niva="global,regional,trend",
        metod="okänd",
    )
    # municipalities in display order; references are not choices but always shown
    assert selection.areas == ("2080", "2062")
    assert selection.shown_areas == ("2062", "2080", "0020", "0000")
    assert selection.gender == "T"  # not divided by gender
    assert selection.levels == ("regional",)  # no global goal; trend is not a line
    assert selection.threshold_set == "statistics_canada"


def test_read_selection_falls_back_to_every_goal_level_when_none_is_valid(view):
    indicator = service.indicator(KPI)
    read = view.read_selection
    assert read(indicator, service.goals(), niva="trend").levels == ("lokal", "regional")
    assert read(indicator, service.goals()).levels == ("lokal", "regional")
    # a parameter given twice arrives as a list
    twice = read(indicator, service.goals(), omraden=["2062", "2080"], metod=["eurostat"])
    assert twice.areas == ("2062", "2080")
    assert twice.threshold_set == "eurostat"


def test_gender_choice(view):
    assert view.gender_choice("K,M", divided=True) == "K,M"
    assert view.gender_choice("M,K,T", divided=True) == "K,M"
    assert view.gender_choice("M", divided=True) == "M"
    assert view.gender_choice("X", divided=True) == "T"
    assert view.gender_choice(None, divided=True) == "T"
    assert view.gender_choice("K", divided=False) == "T"


# --- the main callback -----------------------------------------------------------------------


def test_callback_redraws_for_the_chosen_areas_levels_and_method(page):
    result = page.update_indikator(["2081"], "T", ["regional"], "eurostat", KPI, True, True)
    figure, tables, status, heading, ranking, ranking_table, selection = result
    figure, ranking = validated(figure), validated(ranking)
    names = [t.name for t in figure.data if t.legendgroup == "omraden"]
    assert names == ["Borlänge", "Region Dalarna", "Riket"]
    assert {t.legendgroup for t in figure.data} == {"omraden", "mal-regional"}
    assert selection == {
        "areas": ["2081", "0020", "0000"],
        "kpis": [KPI],
        "genders": ["T"],
        "years": None,
        "levels": ["regional"],
        "threshold_set": "eurostat",
    }
    # the status matrix: one row per shown area, badges from the chosen method's status table
    expected = service.status("eurostat", ("T",))
    expected = expected[(expected["kpi_id"] == KPI) & (expected["area_id"] == "2081")]
    trend = expected[expected["level"] == "trend"]["status"].iloc[0]
    rows = find(status, lambda n: type(n).__name__ == "Tr")
    assert len(rows) == 1 + 3
    borlange = text_of(rows[1])
    assert borlange.startswith("Borlänge")
    # each status a badge that opens the facts behind it ("Varför?"), not a tooltip
    opened = find(rows[1], lambda n: type(n).__name__ == "Details")
    assert len(opened) == len(expected)  # lokal (direction goal), regional, trend
    summary, panel = opened[-1].children
    label = STATUS_STYLE[Status(trend)].label_sv
    assert label in text_of(summary) and "Varför?" in text_of(summary)
    assert f"Borlänge – {service.indicator(KPI).label}, trend" in text_of(panel)
    assert f"{label}: " in text_of(panel)
    row = expected[expected["level"] == "trend"].iloc[0]
    assert f"Basår {int(row['base_year'])}" in text_of(panel)
    assert f"Senaste värde {int(row['latest_year'])}" in text_of(panel)
    assert "Faktisk förändring" in text_of(panel) and "Krävd förändring" in text_of(panel)
    # ranking of the 15 municipalities in the newest year
    newest = int(
        service.observations(("T",))
        .query("kpi_id == @KPI and gender == 'T' and value.notna()")
        .query("area_id in @service.MUNICIPALITY_IDS")["year"]
        .max()
    )
    assert heading == f"Rangordning av Dalarnas kommuner {newest}"
    assert len(ranking.layout.yaxis.categoryarray) == 15
    assert "Visa som tabell" not in text_of(ranking_table)  # the table itself, not the details
    assert ranking_table.id == "indikator-ranking-data"
    assert [getattr(t.children, "id", None) for t in tables[:1]] == ["indikator-series-data"]
    # the same as when the tables are opened now
    for opened, expected in (
        (page.open_series_tables(True, ["2081"], "T", ["regional"], KPI), tables),
        (page.open_ranking_table(True, "T", KPI), ranking_table),
    ):
        assert json.dumps(opened, cls=PlotlyJSONEncoder) == json.dumps(
            expected, cls=PlotlyJSONEncoder
        )
    # closed tables get the placeholder back (opening them shows the new selection)
    _, tables, *_rest, ranking_table, _ = page.update_indikator(
        ["2081"], "T", ["regional"], "eurostat", KPI
    )
    assert "Hämtar tabellen" in text_of(tables) and "Hämtar tabellen" in text_of(ranking_table)
    with pytest.raises(PreventUpdate):  # closing changes nothing
        page.open_series_tables(False, ["2081"], "T", ["regional"], KPI)
    with pytest.raises(PreventUpdate):
        page.open_ranking_table(True, "T", "X00000")


def test_callback_with_women_and_men(page):
    kpi = gender_kpi()
    figure, *_rest, selection = page.update_indikator(["2062"], "K,M", [], "statistics_canada", kpi)
    figure = validated(figure)
    names = [t.name for t in figure.data]
    assert names == [
        "Mora – kvinnor",
        "Mora – män",
        "Region Dalarna – kvinnor",
        "Region Dalarna – män",
        "Riket – kvinnor",
        "Riket – män",
    ]
    assert selection["genders"] == ["K", "M"]


def test_callback_ignores_an_unknown_indicator(page):
    from dash.exceptions import PreventUpdate

    with pytest.raises(PreventUpdate):
        page.update_indikator(["2062"], "T", [], "eurostat", "X00000")


# --- qualitative assessments ----------------------------------------------------------------


@pytest.fixture
def notes_db(demo_app, tmp_path):
    with own_database(tmp_path) as engine:
        yield engine


def note(engine, area_id: str, text: str, **fields):
    values = {"kpi_id": KPI, "assessed_on": dt.date(2026, 3, 1), "judgement": "bättre"}
    values.update(fields)
    return add_assessment(engine, area_id=area_id, text=text, **values)


def note_texts(tree) -> list[str]:
    return [n.children for n in find(tree, lambda n: getattr(n, "className", "") == "note-text")]


def first_municipality(*area_ids: str) -> str:
    return next(a for a in service.MUNICIPALITY_IDS if a in area_ids)


def test_notes_area_defaults_to_the_first_chosen_municipality(view):
    references = list(service.REFERENCE_AREAS)
    assert view.notes_areas(["2062", "2080"]) == (
        *[a for a in service.MUNICIPALITY_IDS if a in ("2062", "2080")],
        *references,
    )
    assert view.notes_areas([]) == tuple(references)
    assert view.notes_area(["2062", "2080"]) == first_municipality("2062", "2080")
    assert view.notes_area([]) == references[0]  # Region Dalarna without municipalities


def test_notes_area_follows_the_area_selection(view):
    offered = view.notes_areas(["2062", "2080"])
    # still shown: kept (a municipality, or a reference area the user chose among several)
    assert view.notes_area(["2062", "2081"], "2062", offered) == "2062"
    assert view.notes_area(["2062"], "0000", offered) == "0000"
    # no longer shown: the first chosen municipality, else Region Dalarna
    assert view.notes_area(["2081", "2084"], "2062", offered) == first_municipality("2081", "2084")
    assert view.notes_area([], "2062", offered) == service.REFERENCE_AREAS[0]
    # the fallback of a page without municipalities gives way to the first one chosen
    fallback = view.notes_areas([])
    assert view.notes_area(["2062"], service.REFERENCE_AREAS[0], fallback) == "2062"
    assert view.notes_area([], "0000", fallback) == "0000"
    assert view.notes_area(["2062"], "9999", offered) == "2062"


def test_layout_shows_the_assessments_of_the_first_chosen_municipality(page, notes_db):
    chosen = first_municipality("2062", "2080")
    other = "2080" if chosen == "2062" else "2062"
    note(notes_db, chosen, SCRIPT, author="<b>Eva</b>")
    note(notes_db, chosen, "Nyare", assessed_on=dt.date(2026, 4, 1), judgement=None)
    note(notes_db, other, "Annan kommun")
    note(notes_db, chosen, "Annan indikator", kpi_id="N00945")
    note(notes_db, chosen, "Mål 13", kpi_id=None, sdg_goal=13)
    layout = page.layout(kpi_id=KPI, omraden="2062,2080")
    selector = by_id(layout, "indikator-notes-area")
    assert selector.value == chosen
    assert [o["value"] for o in selector.options] == [
        *(a for a in service.MUNICIPALITY_IDS if a in ("2062", "2080")),
        *service.REFERENCE_AREAS,
    ]
    assert [o["label"] for o in selector.options][-2:] == ["Region Dalarna", "Riket"]
    panel = by_id(layout, "indikator-notes-container")
    assert note_texts(panel) == ["Nyare", SCRIPT]  # this indicator and area, newest first
    heading = (
        f"Kvalitativa bedömningar: {service.area_title(chosen)} – {service.indicator(KPI).label}"
    )
    assert heading in text_of(panel)
    # shown as text: no Markdown, no raw HTML, the script a JSON string in what the browser gets
    assert not find(layout, lambda n: isinstance(n, dcc.Markdown))
    serialised = json.dumps(layout, cls=PlotlyJSONEncoder)
    assert json.dumps(SCRIPT) in serialised and "dangerously_allow_html" not in serialised
    # every id once (the page's heading and the notes' own heading differ)
    ids = [str(n.id) for n in find(layout, lambda n: getattr(n, "id", None) is not None)]
    assert len(ids) == len(set(ids))
    # the section sits between the status table and the ranking
    headings = [n.children for n in find(layout, lambda n: type(n).__name__ == "H2")]
    status_at = headings.index("Status per område och nivå")
    assert headings[status_at + 1] == "Kvalitativa bedömningar"


def test_layout_without_municipalities_shows_region_dalarna(page, notes_db):
    note(notes_db, "0020", "Regionens bedömning")
    layout = page.layout(kpi_id=KPI)
    assert by_id(layout, "indikator-notes-area").value == "0020"
    assert note_texts(by_id(layout, "indikator-notes-container")) == ["Regionens bedömning"]


def test_area_changes_update_the_notes_choice_and_the_list(page, view, notes_db):
    note(notes_db, "2062", "Mora " + SCRIPT)
    note(notes_db, "2081", "Borlänge")
    options, value = page.update_notes_areas(["2081", "2062"], "0020", [])
    assert value == first_municipality("2062", "2081")
    assert [o["value"] for o in options] == list(view.notes_areas(["2062", "2081"]))
    # the area shown so far stays while it is shown
    options, value = page.update_notes_areas(["2062", "2081", "2084"], "2081", options)
    assert value == "2081"
    # and gives way when it is no longer chosen
    options, value = page.update_notes_areas(["2062"], "2081", options)
    assert (value, [o["value"] for o in options]) == ("2062", ["2062", *service.REFERENCE_AREAS])
    panel = page.show_notes("2062", KPI)
    assert note_texts(panel) == ["Mora " + SCRIPT]
    assert panel.id == "indikator-notes"
    assert note_texts(page.show_notes("2081", KPI)) == ["Borlänge"]
    assert note_texts(page.show_notes("0000", KPI)) == []
    assert "Inga bedömningar ännu." in text_of(page.show_notes("0000", KPI))


def test_show_notes_ignores_unknown_areas_and_indicators(page):
    from dash.exceptions import PreventUpdate

    with pytest.raises(PreventUpdate):
        page.show_notes("9999", KPI)
    with pytest.raises(PreventUpdate):
        page.show_notes("2062", "X00000")


# --- tables ----------------------------------------------------------------------------------


def test_series_table_has_a_row_per_year_and_a_dash_for_gaps(view):
    frame = pd.DataFrame(
        {
            "area_id": ["2062", "2062", "0020"],
            "year": [2010, 2012, 2011],
            "gender": ["T", "T", "T"],
            "value": [1234.5, None, 2.0],
        }
    )
    table, columns = view.series_table(
        frame,
        area_ids=("2062", "0020"),
        area_titles={"2062": "Mora", "0020": "Region Dalarna"},
        genders=("T",),
        decimals=1,
    )
    assert [header for _, header, _ in columns] == ["År", "Mora", "Region Dalarna"]
    assert table.to_dict("records") == [
        {"year": 2010, "s0": f"1{NBSP}234,5", "s1": "–"},
        {"year": 2011, "s0": "–", "s1": "2,0"},
        {"year": 2012, "s0": "–", "s1": "–"},
    ]


def test_goal_table_lists_each_goal_line_or_why_there_is_none(view):
    from indicators.follow_up import goal_line_table

    goals = [
        GoalRecord(
            id="abs",
            kpi_id=KPI,
            level="regional",
            kind="absolute",
            operator="<=",
            target_value=1.0,
            base_year=2010,
            target_year=2020,
            wording_sv="…",
            source_document="Strategi",
        ),
        GoalRecord(
            id="dir",
            kpi_id=KPI,
            level="lokal",
            kind="direction",
            direction="down",
            areas=("2062",),
            wording_sv="…",
            source_document="Kommunen",
        ),
    ]
    observations = pd.DataFrame(
        {
            "kpi_id": [KPI] * 2,
            "area_id": ["2062", "0020"],
            "year": [2010, 2010],
            "gender": ["T", "T"],
            "value": [3.0, 5.0],
        }
    )
    lines = goal_line_table(observations, goals, area_ids=["2062", "0020"])
    table = view.goal_table(
        goals,
        lines,
        levels=("lokal", "regional"),
        area_ids=("2062", "0020"),
        area_titles={"2062": "Mora", "0020": "Region Dalarna"},
        decimals=1,
    )
    assert table.to_dict("records") == [
        {
            "level": "Lokalt mål",
            "goal": "ska minska",
            "area": "Mora",
            "start": "Riktningsmål – ingen mållinje",
            "end": "–",
            "source": "Kommunen",
        },
        {
            "level": "Regionalt mål",
            "goal": "≤ 1 till 2020",
            "area": "Mora",
            "start": "2010: 3,0",
            "end": "2020: 1,0",
            "source": "Strategi",
        },
        {
            "level": "Regionalt mål",
            "goal": "≤ 1 till 2020",
            "area": "Region Dalarna",
            "start": "2010: 5,0",
            "end": "2020: 1,0",
            "source": "Strategi",
        },
    ]
    only_local = view.goal_table(
        goals, lines, levels=("lokal",), area_ids=("0020",), area_titles={}, decimals=1
    )
    assert only_local.empty  # the local goal applies to Mora only


def test_ranking_table_lists_the_ranks_then_the_references(view):
    municipalities = service.MUNICIPALITY_IDS
    rows = [(a, 2022, float(i + 1)) for i, a in enumerate(municipalities)]
    rows += [(municipalities[0], 2023, 9.0), (municipalities[1], 2023, 4.0)]
    rows += [("0020", 2023, 6.0), ("0020", 2024, 7.0)]  # the region's newer year is not used
    observations = pd.DataFrame(rows, columns=["area_id", "year", "value"]).assign(
        kpi_id=KPI, gender="T"
    )
    ranking = dalarna_ranking(observations, KPI, gender="T")  # lower is better
    table = view.ranking_table(ranking, {a: a for a in service.AREA_ORDER}, 1)
    assert table.iloc[0].to_dict() == {
        "rank": "1",
        "area": municipalities[1],
        "value": "4,0",
        "position": "▲ Övre tredjedelen",
    }
    assert table.iloc[-2:]["rank"].tolist() == ["Jämförelse", "Jämförelse"]
    assert table.iloc[-1]["value"] == "–"


# --- the index -------------------------------------------------------------------------------


def links(component) -> list[str]:
    return [n.href for n in find(component, lambda n: type(n).__name__ == "Link")]


def test_index_links_every_indicator_grouped_by_sdg(index):
    catalogue = service.catalogue()
    layout = index.layout()
    hrefs = links(by_id(layout, "indikatorer-list"))
    assert sorted(hrefs) == sorted(f"/indikator/{i.kpi_id}" for i in catalogue)
    headings = [text_of(h) for h in find(layout, lambda n: type(n).__name__ == "H2")]
    goals = sorted({i.sdg_goal for i in catalogue})
    assert [h for h in headings if h.split(" ")[0].isdigit()] == [
        f"{g} Mål {g}: {_sdg_name(g)}" for g in goals
    ]


def _sdg_name(goal: int) -> str:
    from indicators.sdg import sdg_name

    return sdg_name(goal)


@pytest.mark.parametrize("dimension", list(DIMENSIONS))
def test_index_filters_by_dimension(index, dimension):
    expected = [f"/indikator/{i.kpi_id}" for i in service.catalogue() if i.dimension == dimension]
    layout = index.layout(dimension=dimension)
    assert by_id(layout, "indikatorer-dimension").value == dimension
    assert sorted(links(by_id(layout, "indikatorer-list"))) == sorted(expected)
    children, selection = index.filter_indicators(dimension)
    assert sorted(links(children)) == sorted(expected)
    assert selection["kpis"] == [h.removeprefix("/indikator/") for h in expected]
    assert f"{len(expected)} av {len(service.catalogue())} indikatorer" in text_of(children)


def test_index_search_finds_words_typed_without_their_accents(index):
    from indicators.search import fold

    catalogue = service.catalogue()
    expected = [i for i in catalogue if "utslapp" in fold(f"{i.label} {i.kolada_title}")]
    assert expected, "the catalogue has emission indicators"
    children, selection = index.filter_indicators("", "utslapp")
    found = links(children)
    assert set(found) >= {f"/indikator/{i.kpi_id}" for i in expected}
    assert any(
        "Utsläpp" in text_of(c) for c in find(children, lambda n: type(n).__name__ == "Link")
    )
    assert f"{len(found)} av {len(catalogue)} indikatorer som matchar ”utslapp”" in text_of(
        children
    )
    # the search narrows the dimension's list; the download keeps the dimension's indicators
    environmental = [i.kpi_id for i in catalogue if i.dimension == "miljömässig"]
    children, selection = index.filter_indicators("miljömässig", "vaxthus")
    assert all(h.removeprefix("/indikator/") in environmental for h in links(children))
    assert all(
        "Växthus" in text_of(c) for c in find(children, lambda n: type(n).__name__ == "Link")
    )
    assert selection["kpis"] == environmental
    children, _ = index.filter_indicators("", "zzzz")
    assert links(children) == []
    assert "Ingen indikator matchar ”zzzz”" in text_of(children)


def test_index_ignores_an_unknown_dimension(index):
    layout = index.layout(dimension="okänd")
    assert by_id(layout, "indikatorer-dimension").value == ""
    assert len(links(by_id(layout, "indikatorer-list"))) == len(service.catalogue())


def _contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_sdg_numbers_are_readable_on_their_colour(index):
    from indicators.sdg import SDG_GOALS

    for sdg in SDG_GOALS:
        text = index.text_colour_on(sdg.colour)
        assert _contrast(text, sdg.colour) >= 4.5, (sdg.goal, sdg.colour, text)
    assert index.text_colour_on("#19486A") == "#FFFFFF"
    assert index.text_colour_on("#FCC30B") == "#000000"
