"""Målkedjan: chains of goals built from records and statuses, and where they break."""

from __future__ import annotations

from dataclasses import replace

import pytest

from data.goals import GoalRecord
from indicators.catalogue import catalogue_by_id
from indicators.follow_up import assess_series
from indicators.goal_chain import (
    BREAK_LEAD,
    BREAK_NO_HIGHER,
    BREAK_NOT_APPLICABLE,
    BREAK_STATUS,
    BREAK_UNKNOWN,
    OFF_TRACK,
    ON_TRACK,
    build_chains,
    chain_goal_ids,
    goal_statuses,
)
from indicators.vocabulary import GOAL_LEVELS, Status

MORA, FALUN = "2062", "2080"
#: The SDG goal of each test indicator (as the indicator catalogue gives it).
SDG_OF = {"N00401": 13, "N07702": 13, "N85533": 13, "N05401": 16}


def goal(goal_id: str, level: str, *links: str, kpi: str = "N00401", areas=None) -> GoalRecord:
    return GoalRecord(
        id=goal_id,
        kpi_id=kpi,
        level=level,
        kind="direction",
        direction="down",
        areas=areas,
        wording_sv=f"Mål {goal_id}",
        source_document="Exempel för test",
        contributes_to=links,
    )


LOCAL = goal("lokalt", "lokal", "regionalt", areas=(MORA,))
REGIONAL = goal("regionalt", "regional", "nationellt", areas=("0020", MORA, FALUN))
NATIONAL = goal("nationellt", "nationell", "globalt", kpi="N07702")
GLOBAL = goal("globalt", "global", kpi="N07702")
CHAIN = (LOCAL, REGIONAL, NATIONAL, GLOBAL)


def chains_of(goals, statuses=None, *, area=MORA, sdg=13):
    return build_chains(
        goals, statuses or {}, area_id=area, sdg_goal=sdg, sdg_of=SDG_OF, area_name="Mora"
    )


def path_from(node) -> list[str]:
    """The first path upwards from a node: its id and its first higher goal's, and so on."""
    ids = [node.goal_id]
    while node.higher:
        node = node.higher[0]
        ids.append(node.goal_id)
    return ids


def test_a_chain_runs_from_the_local_goal_to_the_global_one():
    statuses = dict.fromkeys((g.id for g in CHAIN), Status.OTILLRACKLIG)
    chains = chains_of(CHAIN, statuses)
    (root,) = chains.roots
    assert path_from(root) == ["lokalt", "regionalt", "nationellt", "globalt"]
    levels = [n.level for n in (root, root.higher[0], root.higher[0].higher[0])]
    assert levels == list(GOAL_LEVELS[:3])
    assert [(link.lower.goal_id, link.higher.goal_id) for link in chains.links] == [
        ("lokalt", "regionalt"),
        ("regionalt", "nationellt"),
        ("nationellt", "globalt"),
    ]
    assert root.status == Status.OTILLRACKLIG and root.applies
    assert chains.breaks == ()  # no goal on track below one off track, every local goal serves
    assert chain_goal_ids(chains) == ["lokalt", "regionalt", "nationellt", "globalt"]


@pytest.mark.parametrize("lower", list(Status))
@pytest.mark.parametrize("higher", list(Status))
def test_a_status_break_is_a_goal_on_track_below_one_off_track(lower: Status, higher: Status):
    statuses = {"lokalt": lower, "regionalt": higher, "nationellt": None, "globalt": None}
    chains = chains_of(CHAIN, statuses)
    expected = lower in (Status.UPPNATT, Status.I_FAS) and higher in (
        Status.OTILLRACKLIG,
        Status.FEL_HALL,
    )
    found = [b for b in chains.breaks if b.kind == BREAK_STATUS]
    assert bool(found) == expected
    if expected:
        (only,) = found
        assert (only.lower_id, only.higher_id) == ("lokalt", "regionalt")
        assert only.text.startswith(BREAK_LEAD)
        assert "det lokala målet lokalt" in only.text and "det regionala målet" in only.text
        assert lower.value in only.text.lower() and higher.value in only.text.lower()
        assert chains.breaks_of("lokalt") == (only,)
    assert set(ON_TRACK) == {Status.UPPNATT, Status.I_FAS}
    assert set(OFF_TRACK) == {Status.OTILLRACKLIG, Status.FEL_HALL}


def test_a_local_goal_that_serves_no_higher_goal_is_a_break():
    alone = goal("lokalt-ensamt", "lokal", areas=(MORA,))
    chains = chains_of((*CHAIN, alone))
    (found,) = chains.breaks
    assert (found.kind, found.lower_id, found.higher_id) == (BREAK_NO_HIGHER, alone.id, None)
    assert (
        found.text
        == f"{BREAK_LEAD} det lokala målet lokalt-ensamt bidrar inte till något högre mål."
    )
    # a regional goal serving none is not a break
    chains = chains_of((replace(REGIONAL, contributes_to=()),))
    assert chains.breaks == ()


def test_a_link_to_a_goal_that_does_not_apply_to_the_area_is_a_break():
    county_only = replace(REGIONAL, areas=("0020",))
    chains = chains_of((LOCAL, county_only, NATIONAL, GLOBAL), {"regionalt": Status.I_FAS})
    (found,) = chains.breaks
    assert (found.kind, found.lower_id, found.higher_id) == (
        BREAK_NOT_APPLICABLE,
        "lokalt",
        "regionalt",
    )
    assert "som inte gäller Mora" in found.text
    node = chains.roots[0].higher[0]
    assert not node.applies and node.status is None  # not judged in an area it does not apply to
    # the chain still goes on above it
    assert path_from(chains.roots[0]) == ["lokalt", "regionalt", "nationellt", "globalt"]


def test_a_link_to_a_goal_that_is_not_stored_is_a_break():
    chains = chains_of((replace(LOCAL, contributes_to=("borttaget",)),))
    (found,) = chains.breaks
    assert (found.kind, found.higher_id) == (BREAK_UNKNOWN, "borttaget")
    assert chains.roots[0].higher[0].goal is None


def test_chains_start_at_the_areas_goals_of_the_sdg_not_served_by_another():
    other_area = goal("falun-lokalt", "lokal", "regionalt", areas=(FALUN,))
    other_sdg = goal("valdeltagande", "lokal", kpi="N05401", areas=(MORA,))
    national_alone = goal("nationellt-transporter", "nationell", "globalt", kpi="N85533")
    chains = chains_of((*CHAIN, other_area, other_sdg, national_alone))
    assert [root.goal_id for root in chains.roots] == ["lokalt", "nationellt-transporter"]
    # Falun's own chain shows Falun's goal, and Mora's goal is not among them
    falun = chains_of((*CHAIN, other_area), area=FALUN)
    assert [root.goal_id for root in falun.roots] == ["falun-lokalt"]
    # SDG 16 in Mora: the local goal on turnout, which serves nothing
    sdg16 = chains_of((*CHAIN, other_sdg), sdg=16)
    assert [root.goal_id for root in sdg16.roots] == ["valdeltagande"]
    assert [b.kind for b in sdg16.breaks] == [BREAK_NO_HIGHER]


def test_a_goal_served_twice_gives_each_link_and_break_once():
    second = goal("lokalt-2", "lokal", "regionalt", areas=(MORA,))
    statuses = {"lokalt": Status.I_FAS, "lokalt-2": Status.I_FAS, "regionalt": Status.I_FAS}
    statuses |= {"nationellt": Status.FEL_HALL}
    chains = chains_of((*CHAIN, second), statuses)
    pairs = [(link.lower.goal_id, link.higher.goal_id) for link in chains.links]
    assert len(pairs) == len(set(pairs)) == 4
    assert [(b.kind, b.lower_id, b.higher_id) for b in chains.breaks] == [
        (BREAK_STATUS, "regionalt", "nationellt")
    ]


def test_links_downwards_or_in_a_loop_are_not_followed():
    looping = replace(GLOBAL, contributes_to=("lokalt",))
    downwards = replace(REGIONAL, contributes_to=("nationellt", "lokalt"))
    chains = chains_of((LOCAL, downwards, NATIONAL, looping))
    assert path_from(chains.roots[0]) == ["lokalt", "regionalt", "nationellt", "globalt"]
    assert len(chains.links) == 3


def test_statuses_are_those_of_the_one_judgement_of_a_goal():
    indicators = catalogue_by_id()
    series = {"N00401": [(2015, 5.0), (2016, None), (2018, 4.0), (2022, 3.0)]}
    goals = [LOCAL, replace(LOCAL, id="okand-kpi", kpi_id="X99999")]
    found = goal_statuses(goals, series, indicators)
    assert set(found) == {"lokalt"}  # an indicator outside the catalogue is not judged
    points = [(2015, 5.0), (2018, 4.0), (2022, 3.0)]
    assert found["lokalt"] == assess_series(points, indicators["N00401"], LOCAL)
