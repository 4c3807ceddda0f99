"""The Målkedjan page (/malkedjan): the chain of a municipality's goals for one global goal, each
goal's status as judged here from the stored values, the insatser serving each goal, the breaks,
the table alternative and the address bar."""

from __future__ import annotations

from dataclasses import replace

import pytest

from data.goals import GoalRecord
from data.interventions import InterventionRecord, add_intervention
from indicators import service
from indicators.follow_up import assess_series
from indicators.goals import add_goal, sync_catalogue_goals
from indicators.vocabulary import GOAL_LEVELS, LEVELS, STATUS_STYLE
from layouts.parts.mal_form import contributes_to_options, form_values, save_form
from layouts.parts.mal_goals import goal_differences
from layouts.parts.profile import area_series
from tests.support.dash_tree import find

MORA, BORLANGE = "2062", "2081"


@pytest.fixture
def page(demo_app):
    import layouts.malkedjan as page

    return page


@pytest.fixture
def page_engine(demo_app, engine):
    """A fresh database with the goal catalogue (no values), swapped in for the dashboard's."""
    sync_catalogue_goals(engine)
    previous = service.engine()
    service.set_engine(engine)
    yield engine
    service.set_engine(previous)


def by_id(tree, component_id):
    (match,) = find(tree, lambda c: getattr(c, "id", None) == component_id)
    return match


def text_of(component) -> str:
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return "".join(text_of(child) for child in component)
    return text_of(getattr(component, "children", None))


def props(component) -> dict:
    return component.to_plotly_json()["props"]


def cards(tree) -> list:
    return find(
        tree, lambda c: "data-goal-id" in props(c) if hasattr(c, "to_plotly_json") else False
    )


def first_path(tree) -> list:
    """The cards of the first chain, following the first higher goal at each step."""
    chain = find(tree, lambda c: "malkedjan-chains" in (getattr(c, "className", "") or ""))[0]
    item = chain.children[0]
    path = []
    while True:
        card, *rest = item.children
        path.append(card)
        if not rest:
            return path
        item = rest[0].children[1].children[0]


def expected_status(goal_id: str, area_id: str) -> str:
    goal = next(g for g in service.goals() if g.id == goal_id)
    indicator = service.indicator(goal.kpi_id)
    series = area_series(service.observations(("T",)), area_id)
    points = [(y, v) for y, v in series.get(goal.kpi_id, []) if v is not None]
    status = assess_series(points, indicator, goal).status
    return STATUS_STYLE[status].label_sv


def test_the_page_answers(client):
    response = client.get("/malkedjan?kommun=2062&mal=13")
    assert response.status_code == 200


def test_mora_and_sdg_13_run_from_the_local_goal_to_the_global_one(page):
    tree = page.layout(kommun=MORA, mal="13")
    assert by_id(tree, "malkedjan-kommun").value == MORA
    assert by_id(tree, "malkedjan-mal").value == "13"
    assert "Mora: mål 13 Bekämpa klimatförändringarna" in text_of(by_id(tree, "malkedjan-heading"))
    path = first_path(tree)
    assert [props(card)["data-level"] for card in path] == list(GOAL_LEVELS)
    ids = [props(card)["data-goal-id"] for card in path]
    assert ids[0].startswith("mora-") and ids[-1] == "un-13-2-vaxthusgasutslapp"
    for card, goal_id in zip(path, ids, strict=True):
        text = text_of(card)
        # the level, the indicator and the status in words (with its icon) at every link
        assert LEVELS[props(card)["data-level"]].label in text
        label = expected_status(goal_id, MORA)
        assert label in text, (goal_id, label)
        icon = next(s.icon for s in STATUS_STYLE.values() if s.label_sv == label)
        assert icon in text


def test_each_goal_is_shown_in_full_once_and_credits_its_source(page):
    tree = page.layout(kommun=MORA, mal="13")
    full = [c for c in cards(tree) if "repeat" not in props(c)["className"]]
    ids = [props(c)["data-goal-id"] for c in full]
    assert len(ids) == len(set(ids))
    for card in full:
        assert "Källa för målet:" in text_of(card)
        assert find(card, lambda c: getattr(c, "className", None) == "why")  # Varför?
    assert "Källa:" in text_of(tree) or "Demodata" in text_of(tree)


def test_the_table_alternative_lists_every_link_with_levels_and_statuses(page):
    tree = page.layout(kommun=MORA, mal="13")
    table = by_id(tree, "malkedjan-table")
    rows = table.children[2].children
    pairs = {(text_of(r.children[0]), text_of(r.children[3])) for r in rows}
    assert ("mora-utslapp-1-5-ton-2030", "dalarna-klimatneutral-2045") in pairs
    assert ("se-klimat-85-2045", "un-13-2-vaxthusgasutslapp") in pairs
    first = next(r for r in rows if text_of(r.children[0]) == "mora-utslapp-1-5-ton-2030")
    assert text_of(first.children[1]) == "Lokalt" and text_of(first.children[4]) == "Regionalt"
    assert expected_status("mora-utslapp-1-5-ton-2030", MORA) in text_of(first.children[2])


def test_breaks_are_said_in_words(page):
    # Mora and SDG 16: the county's goal on turnout serves the UN's; a break only if the
    # county's goal is on track in Mora while the UN's is off track, judged here.
    tree = page.layout(kommun=MORA, mal="16")
    text = text_of(by_id(tree, "malkedjan-breaks"))
    lower = expected_status("dalarna-sammanhallet-valdeltagande-2030", MORA)
    higher = expected_status("un-16-7-valdeltagande", MORA)
    broken = lower in ("Uppnått", "I fas") and higher in ("Otillräcklig", "Går åt fel håll")
    if broken:
        assert "Kedjan brister här: det regionala målet dalarna-sammanhallet" in text
        assert lower.lower() in text and higher.lower() in text
    else:
        assert text.startswith("Kedjan är hel")


def test_the_address_is_read_and_bad_values_fall_back_with_a_note(page):
    tree = page.layout(kommun="9999", mal="99")
    assert by_id(tree, "malkedjan-kommun").value == MORA
    assert by_id(tree, "malkedjan-mal").value == "13"
    assert "Adressen justerades" in text_of(tree)


def test_choosing_borlange_shows_its_own_goal(page):
    children = page.show_chain(BORLANGE, "13")
    path = first_path(children)
    assert props(path[0])["data-goal-id"] == "borlange-klimatneutral-2030"
    assert [props(c)["data-level"] for c in path] == list(GOAL_LEVELS)
    # a forged value falls back to the default instead of failing
    assert "Mora" in text_of(page.show_chain({"x": 1}, None))


def test_an_sdg_without_goals_says_so(page):
    children = page.show_chain(MORA, "14")
    assert "Inga mål för mål 14 gäller Mora" in text_of(children)


def test_the_insatser_serving_each_goal_are_listed(page, page_engine):
    add_intervention(
        page_engine,
        InterventionRecord(
            title="Laddinfrastruktur i Mora",
            area_id=MORA,
            start_year=2023,
            status="pågår",
            goal_ids=("mora-utslapp-1-5-ton-2030",),
        ),
    )
    tree = page.layout(kommun=MORA, mal="13")
    (card,) = [
        c
        for c in cards(tree)
        if props(c)["data-goal-id"] == "mora-utslapp-1-5-ton-2030"
        and "repeat" not in props(c)["className"]
    ]
    assert "Laddinfrastruktur i Mora (pågår, från 2023)" in text_of(card)
    others = [c for c in cards(tree) if props(c)["data-goal-id"] != "mora-utslapp-1-5-ton-2030"]
    assert all("Laddinfrastruktur" not in text_of(c) for c in others)


def test_a_link_to_a_goal_that_does_not_apply_is_a_break_on_the_page(page, page_engine):
    add_goal(
        page_engine,
        GoalRecord(
            id="mora-exempel-vind",
            kpi_id="N45904",
            level="lokal",
            kind="direction",
            direction="up",
            areas=(MORA,),
            wording_sv="Exempelmål: mer vindkraft.",
            source_document="Exempel för test",
            contributes_to=("dalarna-vindkraft-7-5-twh-2045",),
        ),
    )
    tree = page.layout(kommun=MORA, mal="7")
    text = text_of(by_id(tree, "malkedjan-breaks"))
    assert "Kedjan brister här:" in text and "som inte gäller Mora" in text


# --- the goal form: the higher goals a user goal contributes to -----------------------------


def form_values_for(**overrides) -> dict:
    values = {
        "id": "mora-exempel-klimat-2035",
        "area": MORA,
        "kpi_id": "N00401",
        "level": "lokal",
        "kind": "absolute",
        "operator": "<=",
        "target_value": "1,2",
        "base_year": "2020",
        "target_year": "2035",
        "wording_sv": "Exempelmål: högst 1,2 ton per invånare 2035.",
        "source_document": "Exempel för test",
        "contributes_to": [],
    }
    values.update(overrides)
    return values


def test_the_form_offers_higher_goals_of_the_same_indicator_or_sdg(page_engine):
    goals = service.goals()
    offered = [o["value"] for o in contributes_to_options(goals, "N00401", "lokal")]
    indicators = service.catalogue_by_id()
    expected = {
        g.id
        for g in goals
        if g.level != "lokal" and (g.kpi_id == "N00401" or indicators[g.kpi_id].sdg_goal == 13)
    }
    assert set(offered) == expected and len(offered) == len(expected)
    assert "dalarna-klimatneutral-2045" in offered and "un-13-2-vaxthusgasutslapp" in offered
    assert "un-16-7-valdeltagande" not in offered  # another global goal
    ranks = [GOAL_LEVELS.index(next(g for g in goals if g.id == i).level) for i in offered]
    assert ranks == sorted(ranks)  # lowest level first
    regional = [o["value"] for o in contributes_to_options(goals, "N00401", "regional")]
    assert not any(g.level == "regional" for g in goals if g.id in regional)
    # a goal already chosen stays offered, so a stored link is never lost
    kept = contributes_to_options(goals, None, None, ["un-16-7-valdeltagande"])
    assert [o["value"] for o in kept] == ["un-16-7-valdeltagande"]


def test_the_form_saves_the_links_and_refuses_a_lower_one(page, page_engine, as_editor):
    links = ["dalarna-klimatneutral-2045", "se-klimat-85-2045"]
    outcome = save_form(page_engine, form_values_for(contributes_to=links), None, "med länkar")
    assert outcome.ok, outcome
    assert outcome.goal.contributes_to == tuple(links)
    assert form_values(outcome.goal)["contributes_to"] == links
    # the page shows the new goal's chain (the page reads what is stored)
    tree = page.layout(kommun=MORA, mal="13")
    ids = [props(c)["data-goal-id"] for c in cards(tree)]
    assert "mora-exempel-klimat-2035" in ids
    table = by_id(tree, "malkedjan-table")
    pairs = {(text_of(r.children[0]), text_of(r.children[3])) for r in table.children[2].children}
    assert ("mora-exempel-klimat-2035", "se-klimat-85-2045") in pairs
    refused = save_form(
        page_engine,
        form_values_for(id="mora-exempel-tva", contributes_to=["mora-exempel-klimat-2035"]),
        None,
        "",
    )
    assert not refused.ok
    (message,) = refused.field_errors["contributes_to"]
    assert "mora-exempel-tva" in message and "högre nivå än lokal" in message


def test_the_change_log_words_the_links(demo_app):
    before = next(g for g in service.goals() if g.id == "mora-utslapp-1-5-ton-2030")
    after = replace(before, contributes_to=("se-klimat-85-2045",))
    assert goal_differences(after, before) == (
        (
            "Bidrar till högre mål",
            "se-klimat-85-2045",
            "dalarna-klimatneutral-2045, dalarna-utslapp-1-25-ton-2045",
        ),
    )
