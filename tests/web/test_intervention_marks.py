"""Insatser on the indicator's chart, its table alternative and effect panels, on the Kommun
page and in the export "Insatser och effekter": on a copy of the demo database holding one
intervention of Falun on the transport emissions."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from data.groups import save_groups
from data.interventions import InterventionRecord, LinkedIndicator, add_intervention
from indicators import service
from indicators.intervention_effects import EFFECT_COLUMNS, NO_GROUP_REASON
from indicators.vocabulary import EffectVerdict
from tests.support.dash_tree import find, text_of
from tests.support.figures import validated
from tests.support.own_database import own_database

KPI = "N85533"  # Växthusgasutsläpp, transporter (ton CO2e), should decrease
FALUN = "2080"
TITLE = "Laddstolpar <och> pendlarparkeringar"
RECORD = InterventionRecord(
    title=TITLE,
    area_id=FALUN,
    start_year=2020,
    status="pågår",
    end_year=2026,
    responsible="Samhällsbyggnadsförvaltningen",
    decision_reference="KF 2020-02-13 § 12",
    decision_url="https://www.falun.se/beslut",
    indicators=(LinkedIndicator(KPI, "down", -0.1, True, 2030),),
)


@pytest.fixture
def data(demo_app, tmp_path):
    """A copy of the demo database with Falun's intervention, served for the test."""
    with own_database(tmp_path) as engine:
        add_intervention(engine, RECORD, changed_by="Testredaktör")
        yield engine


@pytest.fixture
def marks(demo_app):
    from layouts.parts import intervention_marks

    return intervention_marks


def by_class(component, name: str) -> list:
    return find(component, lambda n: name in (getattr(n, "className", None) or "").split())


# --- the chart --------------------------------------------------------------------------------


def test_the_series_chart_marks_the_start_year_and_validates(data):
    from layouts.parts import indikator_view as view

    indicator = service.indicator(KPI)
    selection = view.Selection(
        areas=(FALUN,), gender="T", levels=(), threshold_set="statistics_canada"
    )
    figure = view.build_view(indicator, selection).series_figure
    checked = validated(figure)
    (line,) = [s for s in checked.layout.shapes if s.x0 == 2020]
    assert (line.x1, line.yref, line.line.dash) == (2020, "paper", "dash")
    (label,) = [a for a in checked.layout.annotations if "Insats" in a.text]
    assert label.text == "Insats: Laddstolpar &lt;och&gt; pendl… (2020)"
    (markers,) = [t for t in checked.data if t.name == "Insatser (startår)"]
    observations = service.kpi_observations(KPI)
    falun_2020 = observations[
        (observations["area_id"] == FALUN)
        & (observations["year"] == 2020)
        & (observations["gender"] == "T")
    ]["value"].iloc[0]
    assert markers.x == (2020,) and markers.y == (pytest.approx(falun_2020),)
    assert markers.mode == "markers"
    assert markers.customdata[0] == (
        "Insats: Laddstolpar &lt;och&gt; pendlarparkeringar – Falun, start 2020, pågår"
    )


def test_without_a_shown_municipalitys_intervention_nothing_is_marked(data):
    from layouts.parts import indikator_view as view

    indicator = service.indicator(KPI)
    selection = view.Selection(
        areas=("2062",), gender="T", levels=(), threshold_set="statistics_canada"
    )
    figure = validated(view.build_view(indicator, selection).series_figure)
    assert all(t.name != "Insatser (startår)" for t in figure.data)
    assert not any("Insats" in (a.text or "") for a in figure.layout.annotations)


def test_the_table_alternative_lists_the_interventions(data):
    from layouts.parts import indikator_view as view

    indicator = service.indicator(KPI)
    selection = view.Selection(
        areas=(FALUN,), gender="T", levels=(), threshold_set="statistics_canada"
    )
    tables = view.series_tables(indicator, selection)
    (table,) = find(tables, lambda n: getattr(n, "id", None) == "indikator-interventions-data")
    text = text_of(table)
    assert "Insats Kommun Start År Status" in text
    assert f"{TITLE} Falun 2020 2020–2026 ◐ Pågår" in text


# --- the effect panels ------------------------------------------------------------------------


def test_the_indicator_page_shows_the_effect_panel(data, demo_app):
    import layouts.indikator as page

    layout = page.layout(kpi_id=KPI, omraden=FALUN)
    (section,) = find(layout, lambda n: getattr(n, "id", None) == "indikator-effects")
    (panel,) = by_class(section, "effect-panel")
    text = text_of(panel)
    assert f"Effekt av insatsen: {TITLE} – Falun" in text
    verdicts = [str(v) for v in EffectVerdict]
    (verdict,) = by_class(panel, "effect-verdict")
    assert any(str(v).capitalize() in text_of(verdict) for v in verdicts)
    (why,) = by_class(panel, "effect-why")
    assert why.children[0].children == "Varför?"
    why_text = text_of(why)
    for term in ("Bedömning", "Kommunens trend", "Skattad skillnad", "Placebotest"):
        assert term in why_text
    assert "Observera" not in why_text  # the caveat stands below, once
    assert "Förväntad förändring: −" in text and "till 2030" in text
    assert "Utveckling sedan start: Från " in text and "(2019)" in text
    assert "En indikation, inte ett bevis" in text
    links = find(panel, lambda n: getattr(n, "href", None) == "/om#effektindikation")
    assert links, "the panel links to the method"
    assert "Uppgifter: redaktörerna" in text_of(section)


def test_the_verdict_is_the_effect_indications(data, marks):
    from data.interventions import list_interventions

    effects = marks.link_effects(list_interventions(data, area_id=FALUN), KPI)
    (effect,) = effects
    group = service.similar_group(FALUN)
    assert group is not None, "the demo data holds Falun's similar municipalities"
    assert set(effect.result.peers_used) | set(effect.result.peers_left_out) <= set(
        group.member_ids
    )
    assert effect.result.comparison_source == "gruppmedel"
    assert effect.development is not None and effect.development.base_year == 2019


def test_without_groups_the_panel_says_why(data, marks):
    with Session(data) as session, session.begin():
        save_groups(session, [], replace_all=True)
    indicator = service.indicator(KPI)
    (panel,) = marks.effect_panels(indicator, [FALUN])
    text = text_of(panel)
    assert "För lite data" in text
    assert NO_GROUP_REASON in text


def test_the_panels_follow_the_chosen_municipalities(data, marks):
    assert "Inga insatser för de valda kommunerna" in text_of(
        marks.update_effect_panels(["2062"], KPI)
    )
    panels = marks.update_effect_panels(["2062", FALUN, "nej"], KPI)
    assert len(by_class(panels, "effect-panel")) == 1
    from dash.exceptions import PreventUpdate

    with pytest.raises(PreventUpdate):
        marks.update_effect_panels([FALUN], "X99999")


# --- the Kommun page and the Om page ----------------------------------------------------------


def test_the_kommun_page_lists_the_interventions(data, demo_app):
    import layouts.kommun as page

    layout = page.layout(area_id=FALUN)
    (section,) = by_class(layout, "intervention-section")
    text = text_of(section)
    assert TITLE in text
    assert "◐ Pågår" in text and "2020–2026" in text and "Samhällsbyggnadsförvaltningen" in text
    (decision,) = find(section, lambda n: getattr(n, "href", None) == RECORD.decision_url)
    assert decision.children == RECORD.decision_reference
    (indicator_link,) = find(
        section, lambda n: getattr(n, "href", None) == f"/indikator/{KPI}?omraden={FALUN}"
    )
    assert indicator_link.children == "Växthusgasutsläpp, transporter"
    assert "Sedan start: Från " in text
    assert any(str(v).capitalize() in text for v in EffectVerdict)


def test_riket_has_no_intervention_section(demo_app, marks):
    assert marks.municipality_section("0000") is None


def test_the_om_page_describes_the_effect_indication(client):
    response = client.get("/om")
    assert response.status_code == 200
    import layouts.om as page

    layout = page.layout()
    (section,) = find(
        layout,
        lambda n: any(
            getattr(child, "id", None) == "effektindikation"
            for child in (n.children if isinstance(getattr(n, "children", None), list) else [])
        ),
    )
    assert "Placebotest" in text_of(section)


# --- the export -------------------------------------------------------------------------------


def test_the_download_route_serves_the_interventions_and_effects(data, client):
    response = client.get(
        f"/ladda-ner?omraden={FALUN},2062&indikatorer={KPI},N00401&fil=insatser-effekter"
    )
    assert response.status_code == 200
    assert 'filename="insatser-effekter-mora-falun-' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == list(EFFECT_COLUMNS)
    (row,) = rows
    assert (row["område"], row["insats"], row["startår"], row["status"]) == (
        "Falun",
        TITLE,
        "2020",
        "Pågår",
    )
    assert row["nyckeltal"] == KPI and row["önskad_riktning"] == "ska minska"
    assert row["bedömning"] in {str(v) for v in EffectVerdict}
    assert row["placebo_plats"].endswith(" av 8")
    assert (row["förväntad_förändring"], row["förväntad_till_år"]) == ("-0.1", "2030")
    observations = service.kpi_observations(KPI)
    falun = observations[(observations["area_id"] == FALUN) & (observations["gender"] == "T")]
    latest = falun.dropna(subset=["value"]).sort_values("year").iloc[-1]
    assert row["utveckling_till_år"] == str(int(latest["year"]))
    assert not pd.isna(float(row["utveckling_förändring"]))
    empty = client.get(f"/ladda-ner?omraden=2062&indikatorer={KPI}&fil=insatser-effekter")
    assert empty.get_data(as_text=True) == ",".join(EFFECT_COLUMNS) + "\n"
