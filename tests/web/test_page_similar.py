"""Jämför med liknande kommuner on the Indikator and Kommun pages, served from a database with
Falun's similar municipalities (Kolada's group G37366), their values and the group mean – and
from one without groups, where the section says how an administrator fetches them."""

from __future__ import annotations

import json

import pytest
from plotly.utils import PlotlyJSONEncoder
from sqlalchemy import delete
from sqlalchemy.orm import Session

from data.groups import GroupMeanRow, GroupMember, GroupRecord, save_group_means, save_groups
from data.models import GROUP_SIMILAR, GROUP_SKR, Observation
from etl.store import save_areas, save_observations
from etl.transform import DataValue
from indicators import service
from indicators.similar import GROUPS_MISSING_TEXT, MEMBER_VALUES_MISSING_TEXT
from indicators.vocabulary import LEVELS, STATUS_STYLE
from tests.support.figures import validated
from tests.support.own_database import own_database

KPI = "N00401"  # greenhouse gases per inhabitant: lower is better, a rate (ranked)
FALUN = "2080"
MEMBERS = (
    GroupMember("0882", "Oskarshamn"),
    GroupMember("1292", "Ängelholm"),
    GroupMember("1488", "Trollhättan"),
    GroupMember("1494", "Lidköping"),
    GroupMember("2184", "Hudiksvall"),
    GroupMember("2284", "Örnsköldsvik"),
    GroupMember("2482", "Skellefteå"),
)
GROUP = GroupRecord(
    "G37366",
    "Liknande kommuner, övergripande, Falun, 2025",
    GROUP_SIMILAR,
    MEMBERS,
    made_for=FALUN,
    year=2025,
)
SKR = GroupRecord(
    "G92788",
    "Mindre stad/tätort (ovägt medel)",
    GROUP_SKR,
    (GroupMember(FALUN, "Falun"), GroupMember("0882", "Oskarshamn")),
)


def _falun_latest_year() -> int:
    frame = service.kpi_observations(KPI)
    rows = frame[(frame["area_id"] == FALUN) & (frame["gender"] == "T")].dropna(subset=["value"])
    return int(rows["year"].max())


def seed(engine, *, member_values: bool = True, skip: tuple[str, ...] = ()) -> int:
    """Store Falun's group and SKR group, the members' values (2015 up to Falun's newest year,
    each member a step higher than the one before, all but those in ``skip``) and the mean;
    returns the newest year."""
    last = _falun_latest_year()
    years = range(2015, last + 1)
    reporting = [m for m in MEMBERS if m.id not in skip]
    member_ids = [m.id for m in MEMBERS]
    with Session(engine) as session, session.begin():
        # Whatever an earlier build stored for the members and groups is replaced.
        session.execute(delete(Observation).where(Observation.area_id.in_(member_ids)))
        save_areas(session, [{"id": m.id, "title": m.title, "type": "K"} for m in MEMBERS])
        save_groups(session, [GROUP, SKR], replace_all=True)
        if member_values:
            save_observations(
                session,
                [
                    DataValue(KPI, m.id, year, "T", 1.0 + i, "", None)
                    for i, m in enumerate(MEMBERS)
                    if m.id not in skip
                    for year in years
                ],
            )
        mean = sum(1.0 + i for i, m in enumerate(MEMBERS) if m.id not in skip) / len(reporting)
        save_group_means(
            session,
            [GroupMeanRow(KPI, GROUP.id, "T", year, mean, len(reporting)) for year in years],
        )
    return last


def clear_groups(engine) -> None:
    """Remove every stored group (as a database never refreshed with groups has none)."""
    with Session(engine) as session, session.begin():
        save_groups(session, [], replace_all=True)


@pytest.fixture
def page(demo_app):
    import layouts.indikator as page

    return page


@pytest.fixture
def kommun(demo_app):
    import layouts.kommun as kommun

    return kommun


@pytest.fixture
def own(demo_app, tmp_path):
    with own_database(tmp_path) as engine:
        yield engine


def text_of(component) -> str:
    """Every string in a Dash tree, joined."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    children = getattr(component, "children", None)
    return text_of(children)


def find_id(component, wanted):
    if isinstance(component, list | tuple):
        for child in component:
            found = find_id(child, wanted)
            if found is not None:
                return found
        return None
    if getattr(component, "id", None) == wanted:
        return component
    children = getattr(component, "children", None)
    return find_id(children, wanted) if children is not None else None


def similar_section(layout):
    return find_id(layout, "indikator-similar-body")


def test_indicator_page_compares_falun_with_its_similar_municipalities(page, own):
    last = seed(own)
    layout = page.layout(kpi_id=KPI, omraden=FALUN)
    body = similar_section(layout)
    text = text_of(body)
    for member in MEMBERS:
        assert member.title in text
    assert "Liknande kommuner, ovägt medel, 7 av 7 kommuner" in text
    assert "Listorna är enkelriktade" in text
    assert "Jämförelsen omfattar Falun själv och de 7 liknande kommunerna" in text
    assert "Urval: RKA:s liknande kommuner, övergripande, 2025, från Kolada." in text
    rows = find_id(body, "indikator-similar-comparison").children[2].children
    assert len(rows) == 1 + 7 + 1
    for row in rows:  # every status as icon and word
        badge_text = text_of(row.children[3])
        assert any(s.icon in badge_text and s.label_sv in badge_text for s in STATUS_STYLE.values())
        assert text_of(row.children[2]) == str(last)
    # Lower is better: the members' values 1..7 t/inv beside Falun's.
    falun_value = float(
        service.kpi_observations(KPI)
        .query("area_id == @FALUN and gender == 'T' and year == @last")["value"]
        .iloc[0]
    )
    better = sum(1 for i in range(7) if 1.0 + i < falun_value)
    rank_text = text_of(find_id(body, "indikator-similar-rank"))
    assert (
        rank_text
        == f"Falun har plats {better + 1} av 8 år {last}, där 1 är bäst (lägre är bättre)."
    )


def test_the_chart_draws_falun_bold_every_member_and_the_dashed_mean(page, own):
    seed(own)
    layout = page.layout(kpi_id=KPI, omraden=FALUN)
    graph = find_id(layout, "indikator-similar-graph")
    figure = validated(json.loads(json.dumps(graph.figure, cls=PlotlyJSONEncoder)))
    names = [trace.name for trace in figure.data]
    assert names[:7] == [m.title for m in MEMBERS]
    assert names[7].startswith("Liknande kommuner, ovägt medel")
    assert names[8] == "Falun"
    assert figure.data[7].line.dash == "dash" and figure.data[7].line.color == "#000000"
    assert figure.data[8].line.width > figure.data[0].line.width
    member_looks = {(t.marker.symbol, t.line.dash) for t in figure.data[:7]}
    assert len(member_looks) == 7  # told apart without colour


def test_the_table_alternative_holds_the_chart_s_numbers(page, own):
    last = seed(own)
    from layouts.parts.similar import chart_table, comparison_of

    indicator = service.indicator(KPI)
    comparison = comparison_of(indicator, FALUN, ("lokal", "regional"), "T", "eurostat")
    table = chart_table(comparison, indicator)
    text = text_of(table)
    assert "Ovägt medel" in text and "Kommuner i medlet" in text
    assert "7 av 7" in text
    assert str(last) in text


def test_only_the_mean_when_members_values_are_not_fetched(page, own):
    seed(own, member_values=False)
    text = text_of(similar_section(page.layout(kpi_id=KPI, omraden=FALUN)))
    assert MEMBER_VALUES_MISSING_TEXT in text
    assert "Liknande kommuner, ovägt medel, 7 av 7 kommuner" in text
    assert "Oskarshamn" in text and "värde saknas" in text
    assert "Ingen placering" in text


def test_members_without_values_are_named_and_the_mean_counts_the_others(page, own):
    seed(own, skip=("1292", "2482"))
    text = text_of(similar_section(page.layout(kpi_id=KPI, omraden=FALUN)))
    assert "Värden saknas för Ängelholm, Skellefteå." in text
    assert "Liknande kommuner, ovägt medel, 5 av 7 kommuner" in text


def test_without_groups_the_section_says_how_to_fetch_them(page, own):
    clear_groups(own)
    layout = page.layout(kpi_id=KPI, omraden=FALUN)
    text = text_of(similar_section(layout))
    assert text == GROUPS_MISSING_TEXT
    assert "python -m etl refresh" in text and "--similar-municipalities" in text


def test_without_a_municipality_the_section_asks_for_one(page, own):
    seed(own)
    text = text_of(similar_section(page.layout(kpi_id=KPI)))
    assert "Välj en kommun" in text


def test_with_several_municipalities_the_first_is_compared_and_the_page_says_so(page, own):
    seed(own)
    text = text_of(similar_section(page.layout(kpi_id=KPI, omraden=[FALUN, "2062"])))
    assert "jämförelsen gäller den första, Falun" in text
    assert "Oskarshamn" in text


def test_the_callback_redraws_the_section_for_the_controls(page, own):
    clear_groups(own)
    seed(own)
    from layouts.parts import similar

    body = similar.similar_body(service.indicator(KPI), [FALUN], ("T",), ("lokal",), "eurostat")
    assert "Oskarshamn" in text_of(body)
    other = similar.similar_body(service.indicator(KPI), ["2062"], ("T",), ("lokal",), "eurostat")
    assert text_of(other) == GROUPS_MISSING_TEXT  # Mora's group is not stored


def test_served_pages_answer_with_and_without_groups(client, own):
    clear_groups(own)
    assert client.get(f"/indikator/{KPI}?omraden={FALUN}").status_code == 200
    seed(own)
    assert client.get(f"/indikator/{KPI}?omraden={FALUN}").status_code == 200
    assert client.get(f"/kommun/{FALUN}").status_code == 200


def test_kommun_page_lists_the_similar_municipalities_and_the_skr_group(kommun, own):
    seed(own)
    layout = kommun.layout(area_id=FALUN)
    section = find_id(layout, "kommun-similar-list")
    assert [li.children for li in section.children] == [m.title for m in MEMBERS]
    assert text_of(find_id(layout, "kommun-skr-group")) == "Kommungrupp (SKR): Mindre stad/tätort."
    link = find_id(layout, "kommun-similar-link")
    assert link.href.startswith("/indikator/") and link.href.endswith(
        f"?omraden={FALUN}#indikator-similar"
    )


def test_kommun_page_link_follows_the_picked_indicator(kommun, own):
    from layouts.parts.similar import pick_indicator

    href, label = pick_indicator(KPI, FALUN)
    assert href == f"/indikator/{KPI}?omraden={FALUN}#indikator-similar"
    assert service.indicator(KPI).label in label


def test_kommun_page_without_groups_says_how_to_fetch_them(kommun, own):
    clear_groups(own)
    text = text_of(kommun.layout(area_id=FALUN))
    assert GROUPS_MISSING_TEXT in text
    assert find_id(kommun.layout(area_id="0020"), "kommun-similar") is None


def test_falun_s_status_is_the_one_the_page_s_status_table_shows(page, own):
    from layouts.parts.similar import comparison_of, goal_caption

    seed(own)
    indicator = service.indicator(KPI)
    comparison = comparison_of(indicator, FALUN, ("lokal", "regional"), "T", "eurostat")
    status = service.status("eurostat", ("T",))
    cell = status[
        (status["kpi_id"] == KPI)
        & (status["area_id"] == FALUN)
        & (status["level"] == comparison.level)
    ]
    assert cell["goal_id"].tolist() == [comparison.goal.id]
    assert cell["status"].tolist() == [str(comparison.rows[0].assessment.status)]
    assert goal_caption(comparison, indicator).startswith(
        f"Status mot Faluns {LEVELS[comparison.level].noun} mål ("
    )
