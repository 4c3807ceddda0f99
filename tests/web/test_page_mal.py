"""Mål: goal texts in Swedish, the goal list and its filters, the form's add/change/remove
callbacks (same rules and messages as the CSV import), CSV import and export, the change log."""

from __future__ import annotations

import base64
import csv
import io
import json
from pathlib import Path

import pytest

from data import queries
from data.db import open_database
from data.goals import CATALOGUE_PATH, ORIGIN_USER, GoalRecord
from indicators import service
from indicators.assessments import add_assessment
from indicators.formatting import format_number
from indicators.goal_csv import read_goal_csv
from indicators.goal_validation import GoalFileError
from indicators.goals import (
    get_goal,
    goal_changes,
    import_goals_csv,
    list_goals,
    sync_catalogue_goals,
)
from layouts.parts import mal_form as form
from layouts.parts import mal_goals as view
from tests.support.editors import EDITOR, sign_in
from tests.support.own_database import own_database
from tests.web.test_sign_in import dump, post_callback

NBSP = "\u00a0"
MORA, FALUN = "2062", "2080"
EMISSIONS = "N00401"
CATALOGUE_LOCAL_MORA = "mora-utslapp-1-5-ton-2030"


# --------------------------------------------------------------------------- helpers


def walk(component):
    yield component
    children = getattr(component, "children", None)
    if children is None or isinstance(children, str | int | float):
        return
    if not isinstance(children, list | tuple):
        children = [children]
    for child in children:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def text_of(component) -> str:
    if component is None:
        return ""
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    parts = []
    for c in walk(component):
        children = getattr(c, "children", None)
        if isinstance(children, str | int | float):
            parts.append(str(children))
        elif isinstance(children, list | tuple):
            parts.extend(str(x) for x in children if isinstance(x, str | int | float))
    return " ".join(parts)


def of_type(component, name: str) -> list:
    if isinstance(component, list | tuple):
        return [c for item in component for c in of_type(item, name)]
    return [c for c in walk(component) if type(c).__name__ == name]


@pytest.fixture
def mal(demo_app, as_editor):
    """The page module, its callbacks called as a signed-in editor."""
    from layouts import mal

    return mal


@pytest.fixture
def page_engine(demo_app, engine):
    """A fresh database with the goal catalogue, swapped in for the dashboard's."""
    sync_catalogue_goals(engine)
    previous = service.engine()
    service.set_engine(engine)
    yield engine
    service.set_engine(previous)


def valid_values(**overrides) -> dict:
    values = {
        "id": "",
        "area": MORA,
        "kpi_id": EMISSIONS,
        "level": "lokal",
        "kind": "absolute",
        "operator": "<=",
        "target_value": "1,2",
        "relative_change": "",
        "band_low": "",
        "band_high": "",
        "direction": None,
        "base_year": "2020",
        "target_year": "2035",
        "wording_sv": "Utsläppen ska vara högst 1,2 ton per invånare 2035.",
        "source_document": "Mora kommun, klimatplan 2025",
        "source_url": "https://www.mora.se/klimatplan",
        "adopted_year": "2025",
    }
    values.update(overrides)
    return values


def goal(**fields) -> GoalRecord:
    base = dict(
        id="g",
        kpi_id=EMISSIONS,
        level="lokal",
        kind="absolute",
        wording_sv="x",
        source_document="y",
    )
    base.update(fields)
    return GoalRecord(**base)


def flagged(mal, result) -> set[str]:
    """The fields whose error box a form callback fills."""
    return {
        name
        for name, box in result["errors"].items()
        if box is not None and box is not mal.no_update
    }


def upload(text: str) -> str:
    return "data:text/csv;base64," + base64.b64encode(text.encode("utf-8")).decode()


# --------------------------------------------------------------------------- texts


def test_page_answers(client):
    assert client.get("/mal").status_code == 200
    assert client.get("/mal?niva=lokal,global&omraden=2062").status_code == 200


def test_goal_numbers_in_swedish(mal):
    assert view.goal_number(1.5) == "1,5"
    assert view.goal_number(1.25) == "1,25"
    assert view.goal_number(7500000) == f"7{NBSP}500{NBSP}000"
    assert view.goal_number(-3) == "−3"
    assert view.percent_change(-0.7) == "−70 %"
    assert view.percent_change(0.125) == "+12,5 %"


def test_goal_target_texts(mal):
    absolute = goal(operator="<=", target_value=1.5, target_year=2030)
    assert view.goal_target_text(absolute, "ton CO2-ekv/inv") == "≤ 1,5 ton CO2-ekv/inv till 2030"
    share = goal(operator=">=", target_value=100, target_year=2030)
    assert view.goal_target_text(share, "andel (%)") == "≥ 100 % till 2030"
    relative = goal(kind="relative", relative_change=-0.7, base_year=2010, target_year=2030)
    assert view.goal_target_text(relative, "ton CO2e") == "−70 % från 2010 till 2030"
    band = goal(kind="band", band_low=40, band_high=60)
    assert view.goal_target_text(band, "andel (%)") == "40–60 %"
    assert view.goal_target_text(goal(kind="direction", direction="down"), "kg") == "ska minska"
    rising = goal(kind="direction", direction="up", target_year=2030)
    assert view.goal_target_text(rising, "kg") == "ska öka till 2030"
    halt = goal(kind="relative", relative_change=0.0, direction="down", base_year=2010)
    assert view.goal_target_text(halt, "andel (%)") == "0 % (ingen ökning) från 2010"


def test_areas_text(mal):
    municipalities = list(service.MUNICIPALITY_IDS)
    assert view.areas_text(None) == "Alla områden"
    assert view.areas_text([MORA]) == "Mora"
    assert view.areas_text([FALUN, MORA]) == "Mora och Falun"
    assert view.areas_text(["0020", *municipalities]) == "Region Dalarna och alla 15 kommuner"
    assert view.areas_text(["0020"]) == "Region Dalarna"


def test_generated_id(mal):
    assert form.default_goal_id(MORA, EMISSIONS, "2030") == (
        "mora-vaxthusgasutslapp-per-invanare-2030"
    )
    assert form.default_goal_id(form.REGION_AND_MUNICIPALITIES, EMISSIONS, 2045) == (
        "region-dalarna-vaxthusgasutslapp-per-invanare-2045"
    )
    assert form.default_goal_id("2023", None, "") == "malung-salen"
    longest = max(service.catalogue(), key=lambda i: len(i.label))
    generated = form.default_goal_id("2023", longest.kpi_id, "2030")
    assert len(generated) <= 64
    assert generated.startswith("malung-salen-") and generated.endswith("-2030")
    assert "--" not in generated


def test_percent_conversion(mal):
    assert form.percent_to_fraction("-70") == "-0.7"
    assert form.percent_to_fraction("12,5") == "0.125"
    assert form.percent_to_fraction("−33,3") == "-0.333"
    assert form.percent_to_fraction("abc") == "abc"
    assert form.fraction_to_percent(-0.7) == "-70"
    assert form.fraction_to_percent(0.125) == "12.5"


# --------------------------------------------------------------------------- the goal list


def test_filters_keep_levels_and_areas(mal):
    catalogue = read_goal_csv(CATALOGUE_PATH)
    mora_local = view.filter_goals(catalogue, ["lokal"], [MORA])
    assert [g.id for g in mora_local] == [
        g.id for g in catalogue if g.level == "lokal" and MORA in (g.areas or [MORA])
    ]
    assert CATALOGUE_LOCAL_MORA in [g.id for g in mora_local]
    everything = view.filter_goals(catalogue, list(view.GOAL_LEVELS), [])
    assert len(everything) == len(catalogue)


def test_level_and_area_parameters(mal):
    assert view.level_choice("global,lokal,trend,x") == ["lokal", "global"]
    assert view.level_choice(None) == ["lokal", "regional", "nationell", "global"]
    assert view.area_choice("2062,9999,0020") == [MORA, "0020"]


def test_goal_list_shows_wording_source_and_links(mal, page_engine):
    levels = ["lokal", "global"]
    goals = view.filter_goals(list_goals(page_engine), levels, [MORA])
    sections = view.goal_list(goals, levels)
    text = text_of(sections)
    mora = get_goal(page_engine, CATALOGUE_LOCAL_MORA)
    assert mora.wording_sv in text
    assert mora.source_document in text
    assert "≤ 1,5 ton CO2-ekv/inv till 2030" in text
    assert "Lokala mål" in text and "Globala mål" in text and "Nationella mål" not in text
    links = {link.href for link in of_type(sections, "Link")}
    assert f"/indikator/{EMISSIONS}" in links
    anchors = {a.href for a in of_type(sections, "A")}
    assert mora.source_url in anchors
    rows = of_type(sections, "Tr")
    ids = [row.id for row in rows if getattr(row, "id", None)]
    assert ids == [f"mal-goal-{g.id}" for g in goals]


def test_show_goals_callback_filters_and_sets_the_download(mal, page_engine):
    children, selection = mal.show_goals(["lokal"], [MORA])
    expected = [g for g in list_goals(page_engine, level="lokal") if g.applies_to(MORA)]
    rows = [r.id for r in of_type(children, "Tr") if getattr(r, "id", None)]
    assert rows == [f"mal-goal-{g.id}" for g in expected]
    assert selection["areas"] == [MORA]
    assert selection["kpis"] == list(dict.fromkeys(g.kpi_id for g in expected))
    assert selection["levels"] == ["lokal"]


# --------------------------------------------------------------------------- add / change / remove


def test_add_through_the_form_stores_and_logs(mal, page_engine):
    result = mal.save_goal(1, valid_values(), None, "Beslut i KF")
    expected_id = "mora-vaxthusgasutslapp-per-invanare-2035"
    stored = get_goal(page_engine, expected_id)
    assert stored is not None and stored.origin == ORIGIN_USER
    assert stored.target_value == 1.2
    assert stored.direction == "down"
    assert stored.areas == (MORA,)
    assert stored.adopted_year == 2025
    assert result["editing"] == expected_id
    refresh = result["refresh"]
    assert expected_id in [o["value"] for o in refresh["options"]]
    rows = [r.id for r in of_type(refresh["goals"], "Tr") if getattr(r, "id", None)]
    assert f"mal-goal-{expected_id}" in rows
    assert expected_id in text_of(refresh["log"])
    assert EMISSIONS in refresh["selection"]["kpis"]
    assert expected_id in text_of(result["message"])
    assert "har lagts till" in text_of(result["message"])
    assert flagged(mal, result) == set()
    assert result["note"] == ""
    (change,) = goal_changes(page_engine)
    assert (change.goal_id, change.action, change.note) == (expected_id, "add", "Beslut i KF")


def test_target_year_before_base_year_is_refused_with_the_import_message(
    mal, page_engine, tmp_path
):
    values = valid_values(base_year="2030", target_year="2020", id="mora-fel")
    result = mal.save_goal(1, values, None, "")
    assert get_goal(page_engine, "mora-fel") is None
    assert goal_changes(page_engine) == []
    assert all(value is mal.no_update for value in result["refresh"].values())
    assert result["note"] is mal.no_update
    # The same row in a CSV file gets the same message (with its line number).
    row = form.form_row(values)
    path = tmp_path / "mal.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    with pytest.raises(GoalFileError) as excinfo:
        read_goal_csv(path)
    (csv_problem,) = excinfo.value.problems
    assert csv_problem.field == "target_year" and csv_problem.line == 2
    shown = text_of(result["errors"]["target_year"])
    assert csv_problem.expected in shown
    assert "ett år efter base_year (2030)" in shown
    assert "rad" not in shown
    assert csv_problem.expected in text_of(result["message"])
    assert flagged(mal, result) == {"target_year"}


def test_missing_target_lists_every_field_problem(mal, page_engine):
    values = valid_values(target_value="", target_year="", wording_sv=" ", source_url="mora.se")
    result = mal.save_goal(1, values, None, "")
    assert flagged(mal, result) == {"target_value", "target_year", "wording_sv", "source_url"}
    assert "krävs för kind absolute" in text_of(result["errors"]["target_value"])
    assert "http://" in text_of(result["errors"]["source_url"])
    assert list_goals(page_engine, origin=ORIGIN_USER) == []


def test_format_problems_use_the_import_rules(mal, page_engine):
    values = valid_values(target_value="ett och ett halvt", base_year="20")
    result = mal.save_goal(1, values, None, "")
    assert "decimalkomma" in text_of(result["errors"]["target_value"])
    assert "fyra siffror" in text_of(result["errors"]["base_year"])
    assert list_goals(page_engine, origin=ORIGIN_USER) == []


def test_lokal_goal_for_the_region_is_refused_on_the_area_field(mal, page_engine):
    result = mal.save_goal(1, valid_values(area="0020"), None, "")
    assert "exakt ett kommun-id" in text_of(result["errors"]["area"])
    assert list_goals(page_engine, origin=ORIGIN_USER) == []


def test_regional_goal_for_the_region_and_its_municipalities(mal, page_engine):
    values = valid_values(
        level="regional",
        area=form.REGION_AND_MUNICIPALITIES,
        kind="relative",
        relative_change="−50",
        base_year="2020",
        target_year="2040",
    )
    mal.save_goal(1, values, None, "")
    stored = get_goal(page_engine, "region-dalarna-vaxthusgasutslapp-per-invanare-2040")
    assert stored.relative_change == -0.5
    assert stored.target_value is None and stored.operator is None
    assert stored.direction == "down"
    assert stored.areas == ("0020", *service.MUNICIPALITY_IDS)


def test_duplicate_id_and_national_level_are_refused(mal, page_engine):
    duplicate = mal.save_goal(1, valid_values(id=CATALOGUE_LOCAL_MORA), None, "")
    assert "målkatalogen" in text_of(duplicate["errors"]["id"])
    national = mal.save_goal(1, valid_values(level="nationell", area=None), None, "")
    assert "lokal eller regional" in text_of(national["errors"]["level"])
    assert list_goals(page_engine, origin=ORIGIN_USER) == []


def test_change_and_remove_are_logged(mal, page_engine):
    added = mal.save_goal(1, valid_values(id="mora-test"), None, "ny")
    assert added["editing"] == "mora-test"
    state = mal.form_state(get_goal(page_engine, "mora-test"))
    assert state["id_disabled"] is True and state["remove_disabled"] is False
    values = {**state["fields"], "target_value": "1,1", "id": "ignored-while-editing"}
    changed = mal.save_goal(2, values, "mora-test", "skärpt")
    assert "har ändrats" in text_of(changed["message"])
    assert get_goal(page_engine, "mora-test").target_value == 1.1
    assert get_goal(page_engine, "ignored-while-editing") is None

    unchanged = mal.save_goal(3, values, "mora-test", "")
    assert "oförändrat" in text_of(unchanged["message"])

    version = get_goal(page_engine, "mora-test").version
    displayed, _question, token = mal.confirm_removal(1, "mora-test", version)
    assert displayed is True
    removed = mal.remove_confirmed(1, "mora-test", "upphävt", {"levels": ["lokal"]}, token=token)
    assert removed["editing"] is None
    assert removed["refresh"]["options"] == []
    assert "mal-goal-mora-test" not in text_of(removed["refresh"]["goals"])
    assert get_goal(page_engine, "mora-test") is None

    changes = goal_changes(page_engine)
    assert [(c.action, c.note) for c in changes] == [
        ("remove", "upphävt"),
        ("change", "skärpt"),
        ("add", "ny"),
    ]
    assert view.change_summary(changes[1]) == "Målvärde: 1,2 → 1,1"
    assert view.change_summary(changes[2]).startswith("Nytt: Växthusgasutsläpp per invånare, Mora")
    assert view.change_summary(changes[0]).startswith("Borttaget: ")
    log = view.change_log(changes)
    cells = [text_of(td) for td in of_type(log, "Td")]
    assert cells[1:5] == [
        "mora-test",
        "Borttaget",
        "upphävt",
        view.change_summary(changes[0]),
    ]
    assert "Tillagt" in cells and "Ändrat" in cells


def test_error_boxes_are_redrawn_only_when_they_change(mal, page_engine):
    refused = mal.save_goal(1, valid_values(target_year="2019"), None, "")
    shown = {
        name: box.to_plotly_json() if hasattr(box, "to_plotly_json") else None
        for name, box in refused["errors"].items()
        if box is not mal.no_update
    }
    assert set(shown) == {"target_year"}
    saved = mal.save_goal(2, valid_values(), None, "", shown_errors=shown)
    assert saved["errors"]["target_year"] is None
    assert {name for name, box in saved["errors"].items() if box is not mal.no_update} == {
        "target_year"
    }
    state = mal.load_goal(saved["editing"], shown=valid_values(), shown_errors={})
    unchanged = {name for name, value in state["fields"].items() if value is mal.no_update}
    assert "target_value" in unchanged and "wording_sv" in unchanged
    assert state["fields"]["id"] == saved["editing"]
    assert all(box is mal.no_update for box in state["errors"].values())


def test_catalogue_goals_are_read_only(mal, page_engine):
    catalogue_goal = get_goal(page_engine, CATALOGUE_LOCAL_MORA)
    values = {**form.form_values(catalogue_goal), "target_value": "1"}
    outcome = form.save_form(page_engine, values, CATALOGUE_LOCAL_MORA, "")
    assert not outcome.ok and "målkatalogen" in outcome.message
    _shown, _question, token = mal.confirm_removal(1, CATALOGUE_LOCAL_MORA)
    removal = mal.remove_confirmed(1, CATALOGUE_LOCAL_MORA, "", token=token)
    assert removal["refresh"]["goals"] is mal.no_update
    assert "målkatalogen" in text_of(removal["message"])
    assert get_goal(page_engine, CATALOGUE_LOCAL_MORA) == catalogue_goal
    assert mal.form_state(None)["remove_disabled"] is True
    assert mal.load_goal(CATALOGUE_LOCAL_MORA)["mode"] == "Nytt eget mål"
    assert CATALOGUE_LOCAL_MORA not in [o["value"] for o in form.user_goal_options(page_engine)]


def test_form_round_trip_of_every_lokal_and_regional_catalogue_goal(mal):
    for record in read_goal_csv(CATALOGUE_PATH):
        if record.level not in ("lokal", "regional"):
            continue
        values = form.form_values(record)
        checked, problems = form.check_form(values)
        assert problems == (), record.id
        assert checked == record, record.id


# --------------------------------------------------------------------------- import / export

GOOD_CSV = (
    "id,kpi_id,level,kind,operator,target_value,target_year,areas,wording_sv,source_document\n"
    'falun-utslapp-2030,N00401,lokal,absolute,<=,"1,8",2030,2080,"Högst 1,8 ton.",Falu KF\n'
)
BAD_CSV = (
    "id,kpi_id,level,kind,operator,target_value,target_year,areas,wording_sv,source_document\n"
    "falun-utslapp-2030,N00401,lokal,absolute,<=,1.8,2030,2080,Högst 1,8 ton.,Falu KF\n"
    "falun-fel,N99999,lokal,absolute,<=,,2030,2080,Text,Källa\n"
    "global-fel,N00401,global,direction,,,,,Text,Källa\n"
)


def test_import_of_a_bad_file_stores_nothing_and_lists_every_problem(mal, page_engine):
    result = mal.import_goals(upload(BAD_CSV), "falun.csv", "")
    message = text_of(result["message"])
    assert result["refresh"]["goals"] is mal.no_update
    assert "Inget från falun.csv sparades" in message
    assert 'falun.csv rad 2, fält "(extra fält)"' in message
    assert 'falun.csv rad 3, fält "kpi_id"' in message
    assert 'falun.csv rad 3, fält "target_value"' in message
    assert list_goals(page_engine, origin=ORIGIN_USER) == []
    assert goal_changes(page_engine) == []


def test_import_of_a_file_with_a_national_goal_is_refused_whole(mal, page_engine):
    rows = (
        "id,kpi_id,level,kind,direction,areas,wording_sv,source_document\n"
        "falun-minska,N00401,lokal,direction,down,2080,Text,Källa\n"
        "nationellt,N00401,nationell,direction,down,,Text,Källa\n"
    )
    result = mal.import_goals(upload(rows), "blandat.csv", "")
    message = text_of(result["message"])
    assert 'blandat.csv rad 3, fält "level"' in message
    assert "rad 2" not in message
    assert list_goals(page_engine, origin=ORIGIN_USER) == []


def test_import_of_a_good_file_adds_and_logs(mal, page_engine):
    filters = {"levels": ["lokal"], "areas": [FALUN]}
    result = mal.import_goals(upload(GOOD_CSV), "falun.csv", "Import från KF", filters)
    assert "1 tillagda" in text_of(result["message"])
    assert "mal-goal-falun-utslapp-2030" in [
        r.id for r in of_type(result["refresh"]["goals"], "Tr") if getattr(r, "id", None)
    ]
    assert result["refresh"]["selection"]["areas"] == [FALUN]
    stored = get_goal(page_engine, "falun-utslapp-2030")
    assert stored.target_value == 1.8 and stored.areas == (FALUN,)
    assert [o["value"] for o in result["refresh"]["options"]] == ["falun-utslapp-2030"]
    (change,) = goal_changes(page_engine)
    assert change.note == "Import från KF"


def test_import_of_an_unreadable_upload(mal, page_engine):
    result = mal.import_goals("data:text/csv;base64,@@@", "x.csv", "")
    assert "kunde inte läsas" in text_of(result["message"])


def test_export_of_own_and_all_goals(mal, page_engine, db_url, tmp_path):
    mal.save_goal(1, valid_values(id="mora-eget"), None, "")
    own = mal.download_own_goals(1)
    assert own["filename"] == "egna-mal.csv"
    assert own["content"].startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(own["content"].removeprefix("\ufeff"))))
    assert [r["id"] for r in rows] == ["mora-eget"]
    assert rows[0]["target_value"] == "1.2"
    assert rows[0]["areas"] == MORA
    every = mal.download_all_goals(1)
    all_rows = list(csv.DictReader(io.StringIO(every["content"].removeprefix("\ufeff"))))
    assert len(all_rows) == len(read_goal_csv(CATALOGUE_PATH)) + 1

    # The export of own goals imports again into another database unchanged.
    other = open_database(f"sqlite:///{tmp_path / 'other.sqlite'}")
    path = Path(tmp_path / "egna-mal.csv")
    path.write_text(own["content"], encoding="utf-8")
    import_goals_csv(other, path)
    assert list_goals(other) == list_goals(page_engine, origin=ORIGIN_USER)
    other.dispose()


def test_layout_restores_filters_and_lists_own_goals(mal, page_engine):
    mal.save_goal(1, valid_values(id="mora-eget"), None, "")
    page = mal.layout(niva="lokal", omraden="2062")
    by_id = {c.id: c for c in walk(page) if isinstance(getattr(c, "id", None), str)}
    assert by_id["mal-level"].value == ["lokal"]
    assert by_id["mal-areas"].value == [MORA]
    assert [o["value"] for o in by_id["mal-edit"].options] == ["mora-eget"]
    assert by_id["mal-notes-area"].value == MORA
    first_mora_goal = next(g for g in list_goals(page_engine, level="lokal") if g.applies_to(MORA))
    assert by_id["mal-notes-subject"].value == f"kpi:{first_mora_goal.kpi_id}"
    assert "mal-goal-mora-eget" in by_id
    assert "mora-eget" in text_of(by_id["mal-log"])


def test_notes_open_on_the_areas_newest_assessment(mal, page_engine):
    add_assessment(
        page_engine, area_id=MORA, sdg_goal=13, assessed_on="2025-05-01", text="Mål 13 i Mora"
    )
    page = mal.layout(omraden="2062")
    by_id = {c.id: c for c in walk(page) if isinstance(getattr(c, "id", None), str)}
    assert by_id["mal-notes-subject"].value == "sdg:13"
    assert "Mål 13 i Mora" in text_of(by_id["mal-notes-container"])


# --------------------------------------------------------------------------- the direction


ORSA, RENEWABLE = "2034", "N45925"  # renewable electricity: better the higher
DESCRIPTIVE = "N00927"  # demographic dependency ratio: no desired direction
ORSA_AT_MOST_80 = "Indikatorn är bättre ju högre den är, men målet säger högst 80 %."


@pytest.fixture
def demo_copy(demo_app, tmp_path):
    """A copy of the demo database (its values), served while the test runs."""
    with own_database(tmp_path) as engine:
        yield engine


def renewable_values(**overrides) -> dict:
    values = {
        "id": "orsa-fornybar-el-2030",
        "area": ORSA,
        "kpi_id": RENEWABLE,
        "operator": "<=",
        "target_value": "80",
        "base_year": "",
        "target_year": "2030",
        "wording_sv": "Minst 80 procent av elen ska vara förnybar 2030.",
        "source_document": "Orsa kommun, energiplan",
        "source_url": "https://www.orsa.se/energiplan",
    }
    return valid_values(**{**values, **overrides})


def posted(values: dict, clicked: str, asked=None) -> dict:
    """The request values of a save (``clicked``: "mal-form-save" or "mal-question-save")."""
    request = {(f"mal-form-{name}", "value"): value for name, value in values.items()}
    request[(clicked, "n_clicks")] = 1
    request[("mal-question-asked", "data")] = asked
    request[("mal-level", "value")] = ["lokal"]
    return request


def test_a_goal_against_the_direction_is_stored_only_after_its_question_is_answered(
    client, demo_copy
):
    """Posted as the browser posts them: "Spara" answers the reason and stores nothing; "Spara
    ändå" with another answer (forged, or about another goal) is asked again; with the reason
    asked about, the goal is stored."""
    sign_in(client, demo_copy)
    values = renewable_values()
    before = dump(demo_copy)

    status, body = post_callback(
        client, "mal-form-save", posted(values, "mal-form-save"), ("mal-form-save", "n_clicks")
    )
    response = json.loads(body)["response"]
    assert status == 200
    assert response["mal-question-asked"]["data"] == ORSA_AT_MOST_80
    assert response["mal-question-text"]["children"] == f"{ORSA_AT_MOST_80} Spara ändå?"
    assert response["mal-question"]["hidden"] is False
    assert dump(demo_copy) == before  # nothing stored, nothing logged

    for answer in (None, "Något annat.", "Indikatorn är bättre ju lägre den är"):
        status, body = post_callback(
            client,
            "mal-question-save",
            posted(values, "mal-question-save", asked=answer),
            ("mal-question-save", "n_clicks"),
        )
        assert json.loads(body)["response"]["mal-question-asked"]["data"] == ORSA_AT_MOST_80
        assert dump(demo_copy) == before, answer

    status, body = post_callback(
        client,
        "mal-question-save",
        posted(values, "mal-question-save", asked=ORSA_AT_MOST_80),
        ("mal-question-save", "n_clicks"),
    )
    response = json.loads(body)["response"]
    assert "har lagts till" in json.dumps(response["mal-form-message"], ensure_ascii=False)
    assert response["mal-question"]["hidden"] is True
    stored = get_goal(demo_copy, values["id"])
    assert (stored.operator, stored.target_value, stored.areas) == ("<=", 80.0, (ORSA,))
    (change,) = goal_changes(demo_copy)
    assert change.changed_by == EDITOR


def test_a_minimum_already_passed_is_asked_about_with_the_latest_value(client, demo_copy):
    """ "Minst" below the area's newest value lets it get worse: asked about, with the value."""
    sign_in(client, demo_copy)
    (latest,) = queries.latest_values(demo_copy, kpi_ids=[RENEWABLE], area_ids=[ORSA]).itertuples()
    target = int(latest.value) - 10
    values = renewable_values(operator=">=", target_value=str(target))
    before = dump(demo_copy)
    _status, body = post_callback(
        client, "mal-form-save", posted(values, "mal-form-save"), ("mal-form-save", "n_clicks")
    )
    asked = json.loads(body)["response"]["mal-question-asked"]["data"]
    shown = format_number(latest.value, service.indicator(RENEWABLE).decimals)
    assert asked.startswith(f"Målet minst {target} % är redan uppnått i Orsa: ")
    assert f"senaste värdet är {shown} % ({latest.year})" in asked
    assert dump(demo_copy) == before
    # A target above the newest value is not asked about.
    higher = renewable_values(operator=">=", target_value=str(int(latest.value) + 1))
    _status, body = post_callback(
        client, "mal-form-save", posted(higher, "mal-form-save"), ("mal-form-save", "n_clicks")
    )
    assert "har lagts till" in body
    assert get_goal(demo_copy, higher["id"]).target_value == int(latest.value) + 1


def test_save_callbacks_called_directly_ask_and_then_save(mal, page_engine):
    asked = mal.save_goal(1, renewable_values(), None, "Beslut")
    assert asked["asked"] == ORSA_AT_MOST_80 and asked["question_hidden"] is False
    assert asked["refresh"]["goals"] is mal.no_update
    assert get_goal(page_engine, "orsa-fornybar-el-2030") is None
    saved = mal.save_goal_anyway(1, renewable_values(), None, "Beslut", asked=asked["asked"])
    assert saved["question_hidden"] is True and saved["asked"] is None
    assert get_goal(page_engine, "orsa-fornybar-el-2030").operator == "<="
    # Changing the wording of the goal stored so is not asked about again.
    changed = mal.save_goal(
        2, renewable_values(wording_sv="Ny lydelse."), "orsa-fornybar-el-2030", "", version=1
    )
    assert "har ändrats" in text_of(changed["message"]) and changed["asked"] is None
    # "Ändra målet" closes the question.
    hidden, kept, message = mal.cancel_question(1)
    assert hidden is True and kept is None and "sparades inte" in text_of(message)


def test_the_comparison_follows_the_indicator_chosen(mal, page_engine):
    operator, direction, hint = mal.follow_indicator(RENEWABLE, None)
    assert (operator, direction) == (">=", "up") and "”minst (≥)” är förvalt" in hint
    operator, direction, hint = mal.follow_indicator(EMISSIONS, None)
    assert (operator, direction) == ("<=", "down") and "”högst (≤)” är förvalt" in hint
    assert service.indicator(DESCRIPTIVE).direction == "none"
    operator, direction, hint = mal.follow_indicator(DESCRIPTIVE, None)
    assert (operator, direction) == (None, None) and "välj själv" in hint
    # A stored goal loaded into the form keeps its own comparison.
    mal.save_goal_anyway(1, renewable_values(), None, "", asked=ORSA_AT_MOST_80)
    kept = mal.follow_indicator(RENEWABLE, "orsa-fornybar-el-2030")
    assert kept[:2] == (mal.no_update, mal.no_update)
    # A new goal starts without a comparison: it is chosen with the indicator.
    assert form.form_values(None)["operator"] is None
    refused = mal.save_goal(1, valid_values(operator=None), None, "")
    assert "operator" in flagged(mal, refused)


def test_the_address_chooses_the_area_of_a_new_goal(mal, page_engine):
    def form_controls(**query):
        page = mal.layout(**query)
        by_id = {c.id: c for c in walk(page) if isinstance(getattr(c, "id", None), str)}
        return by_id["mal-form-area"].value, by_id["mal-form-level"].value, page

    assert form_controls(omrade=FALUN)[:2] == (FALUN, "lokal")
    assert form_controls(omrade="0020")[:2] == ("0020", "regional")
    area, level, page = form_controls(omrade="9999")
    assert (area, level) == (None, "lokal")
    assert "Området för ett nytt mål ”9999” finns inte" in text_of(page)
    section = next(c for c in walk(page) if getattr(c, "id", None) == mal.FORM_ANCHOR)
    assert "mal-form-save" in {getattr(c, "id", None) for c in walk(section)}
    link = next(c for c in walk(page) if getattr(c, "id", None) == "mal-add-goal")
    assert text_of(link) == "Lägg till eget mål"
    assert of_type(link, "A")[0].href == f"#{mal.FORM_ANCHOR}"


def test_participants_see_the_link_and_that_adding_goals_needs_signing_in(demo_app):
    from layouts import mal

    with demo_app.server.test_request_context("/"):
        page = mal.layout(omrade=FALUN)
    ids = {c.id for c in walk(page) if isinstance(getattr(c, "id", None), str)}
    assert "mal-form-save" not in ids and mal.FORM_ANCHOR in ids
    link = next(c for c in walk(page) if getattr(c, "id", None) == "mal-add-goal")
    assert "kräver inloggning som redaktör" in text_of(link)


def test_the_municipality_page_links_to_the_form_for_that_municipality(demo_app):
    from layouts import kommun

    with demo_app.server.test_request_context("/"):
        falun = kommun.layout(area_id=FALUN)
        region = kommun.layout(area_id="0020")
        riket = kommun.layout(area_id="0000")
    links = [c for c in walk(falun) if getattr(c, "id", None) == "kommun-add-goal"]
    (link,) = links
    (target,) = of_type(link, "Link")
    assert target.href == f"/mal?omrade={FALUN}#{view.GOAL_FORM_ANCHOR}"
    assert "Lägg till eget mål för Falun" in text_of(link)
    assert any(getattr(c, "id", None) == "kommun-add-goal" for c in walk(region))
    assert not any(getattr(c, "id", None) == "kommun-add-goal" for c in walk(riket))


def test_an_import_lists_the_goals_against_the_direction_it_saved(mal, page_engine):
    rows = (
        "id,kpi_id,level,kind,operator,target_value,target_year,areas,wording_sv,source_document\n"
        f"orsa-fornybar-el-2030,{RENEWABLE},lokal,absolute,<=,80,2030,{ORSA},Text,Orsa KF\n"
        f"orsa-fornybar-el-2035,{RENEWABLE},lokal,absolute,>=,99,2035,{ORSA},Text,Orsa KF\n"
    )
    result = mal.import_goals(upload(rows), "orsa.csv", "Import")
    message = text_of(result["message"])
    assert "2 tillagda" in message
    assert "1 av målen går emot indikatorns önskade riktning" in message
    assert f"orsa.csv rad 2 (orsa-fornybar-el-2030): {ORSA_AT_MOST_80}" in message
    assert "rad 3" not in message
    assert get_goal(page_engine, "orsa-fornybar-el-2030").operator == "<="


def test_a_second_source_is_saved_and_shown_by_its_site(mal, page_engine):
    values = valid_values(id="mora-kalla", secondary_source_url="https://www.dt.se/nyhet")
    mal.save_goal(1, values, None, "")
    stored = get_goal(page_engine, "mora-kalla")
    assert stored.secondary_source_url == "https://www.dt.se/nyhet"
    row = view.goal_row(stored)
    cell = text_of(row.children[4])
    assert "Även:" in cell and "dt.se" in cell
    assert [a.href for a in of_type(row.children[4], "A")] == [
        values["source_url"],
        "https://www.dt.se/nyhet",
    ]
    missing_main = mal.save_goal(
        1,
        valid_values(id="mora-utan", source_url="", secondary_source_url="https://dt.se/x"),
        None,
        "",
    )
    assert "source_url" in flagged(mal, missing_main)
