"""Om data (/om): the worked examples equal the method's formulas, the threshold sets, sources,
refresh dates (Swedish local time), newest year per indicator and the method text."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from data import queries
from data.db import DATA_ORIGIN_KEY, open_database, set_meta
from data.models import EtlRun
from indicators import service
from indicators.coverage import goal_counts, newest_years

MINUS = "−"


@pytest.fixture
def om(demo_app):
    import layouts.om as om

    return om


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
    return " ".join(parts)


def find_id(component, wanted):
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
        elif node is not None and not isinstance(node, str | int | float):
            if getattr(node, "id", None) == wanted:
                return node
            stack.append(getattr(node, "children", None))
    raise AssertionError(f"no component with id {wanted!r}")


def swedish(value: float, decimals: int) -> str:
    """A number with decimal comma and the true minus sign (for values below 1 000)."""
    text = f"{abs(value):.{decimals}f}".replace(".", ",")
    return (MINUS if value < 0 else "") + text


def percent_per_year(rate: float) -> str:
    return ("+" if rate >= 0 else MINUS) + f"{swedish(abs(rate) * 100, 2)} % per år"


# --- worked examples ---------------------------------------------------------------------------


def test_target_example_equals_the_formulas(om):
    example = om.TARGET_EXAMPLE
    base, latest = 52_000.0, 41_000.0
    assert example.series[2010] == base and example.series[2022] == latest
    target = base * (1 - 0.70)
    observed = (latest / base) ** (1 / 12) - 1
    required = (target / base) ** (1 / 20) - 1
    ratio = -1 * observed / abs(required)
    score = max(2.5 * (ratio - 0.60) / 0.60, -5)
    a = example.assessment
    assert a.target_value == pytest.approx(target)
    assert a.observed_annual_change == pytest.approx(observed)
    assert a.required_annual_change == pytest.approx(required)
    assert a.ratio == pytest.approx(ratio)
    assert a.score == pytest.approx(score)
    assert 0 <= ratio < 0.60 and str(a.status) == "otillräcklig"

    section = text_of(om._example_section(example, 1))
    assert f"15{chr(0xA0)}600 ton år 2030" in section
    assert percent_per_year(observed) in section  # −1,96 % per år
    assert percent_per_year(required) in section  # −5,84 % per år
    assert swedish(ratio, 2) in section  # 0,34
    assert swedish(score, 2) in section  # −1,10
    assert "Otillräcklig" in section
    steps = om.example_steps(example)
    nbsp = chr(0xA0)
    assert (
        f"Faktisk takt: (41{nbsp}000 / 52{nbsp}000)^(1/12) − 1 = {percent_per_year(observed)}."
        in steps
    )
    assert f"Målvärde: 52{nbsp}000 × (1 − 0,70) = 15{nbsp}600 år 2030." in steps
    assert steps[-1] == f"0 ≤ R < 0,60 → otillräcklig, poäng {swedish(score, 2)}."


@pytest.mark.parametrize(
    ("index", "bounds", "status_text"),
    [(0, (0.015, 0.005, 0.0), "0,5 % ≤ P < 1,5 %"), (1, (0.01, 0.0, -0.01), "0 % ≤ P < 1 %")],
)
def test_trend_examples_equal_the_formulas(om, index, bounds, status_text):
    example = om.TREND_EXAMPLES[index]
    assert example.series[2015] == 71.0 and example.series[2023] == 74.5
    progress = (74.5 / 71.0) ** (1 / 8) - 1
    on_track, acceleration, _ = bounds
    score = 2.5 * (progress - acceleration) / (on_track - acceleration)
    a = example.assessment
    assert a.ratio == pytest.approx(progress)
    assert a.score == pytest.approx(score)
    assert acceleration <= progress < on_track and str(a.status) == "behöver accelereras"
    section = text_of(om._example_section(example, index + 2))
    assert percent_per_year(progress) in section  # +0,60 % per år
    assert swedish(score, 2) in section  # 0,26 (Statistics Canada) / 1,51 (Eurostat)
    assert om.example_steps(example)[-1] == (
        f"{status_text} → behöver accelereras, poäng {swedish(score, 2)}."
    )


def test_threshold_table_shows_both_sets(om):
    table = om.threshold_table(om.THRESHOLD_SETS.values())
    text = text_of(table)
    for cell in ("R ≥ 0,95", "0,60 ≤ R < 0,95", "P ≥ 1,5 %", "P < 0 %", "P ≥ 1 %", "P < −1 %"):
        assert cell in text
    assert "Statistics Canada" in text and "Eurostat" in text


# --- the page ----------------------------------------------------------------------------------


def test_page_lists_sources_goals_licence_and_method(om):
    tree = om.layout()
    text = text_of(tree)
    assert "Kolada" in text and "RKA" in text and "https://api.kolada.se/v3" in text
    assert "”Källa: Kolada”" in text
    assert "inte presenteras som Koladas egna" in text
    catalogue = service.catalogue()
    groups = Counter(i.source_group for i in catalogue)
    assert f"Indikatorkatalogen har {len(catalogue)} nyckeltal" in text
    assert f"{groups['agenda2030']} ur Koladas nyckeltalsgrupp Agenda 2030 – Kommun" in text
    assert f"{groups['region_dalarna']} ur Region Dalarnas uppföljning" in text
    assert "python -m etl refresh" in text
    assert "Färgen visar hur resultatet står sig jämfört med andra, inte om det är bra." in text
    assert "Så bedöms utvecklingen mot målen" in om.METHOD_MARKDOWN


def test_goal_counts_per_level(om):
    goals = service.goals()
    counts = goal_counts(goals).set_index("level")
    for level in ("lokal", "regional", "nationell", "global"):
        assert counts.loc[level, "catalogue"] == sum(
            1 for g in goals if g.level == level and g.origin == "katalog"
        )
    table = text_of(find_id(om.layout(), "om-goal-counts"))
    assert "Nationellt mål" in table


def test_newest_year_per_indicator(om):
    table = newest_years(queries.coverage(service.engine()), service.catalogue())
    assert table["kpi_id"].tolist() == [i.kpi_id for i in service.catalogue()]
    row = table.set_index("kpi_id").loc["N00401"]
    assert row["newest_year"] == queries.newest_year(service.engine(), "N00401")
    assert "Växthusgasutsläpp" in row["label"]


def test_newest_year_summary_counts_years():
    from layouts.om import newest_year_summary

    frame = pd.DataFrame({"newest_year": [2024, 2024, 2023, None]})
    assert newest_year_summary(frame) == (
        "Senaste år med värden: 2024 för 2 indikatorer, 2023 för 1 indikator; "
        "1 indikator saknar värden."
    )


def test_demo_data_is_announced(om):
    section = text_of(om.layout())
    assert "Databasen innehåller demodata." in section
    assert "demodata byggd" in section


def test_kolada_refresh_is_shown_in_swedish_local_time(om, tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'kolada.sqlite'}")
    with Session(engine) as session, session.begin():
        set_meta(session, DATA_ORIGIN_KEY, "kolada")
        session.add(
            EtlRun(
                kind="refresh",
                started_at=dt.datetime(2026, 6, 1, 9, 58),
                finished_at=dt.datetime(2026, 6, 1, 10, 0),  # UTC, 12:00 in Sweden
                outcome="success",
                rows_inserted=1234,
            )
        )
    original = service.engine()
    try:
        service.set_engine(engine)
        text = text_of(om.layout())
    finally:
        service.set_engine(original)
        engine.dispose()
    assert "Senast uppdaterad 1 juni 2026 kl. 12:00." in text
    assert "uppdatering från Kolada" in text
    assert "Databasen innehåller demodata" not in text


def test_demote_headings_skips_code_blocks(om):
    text = "# Titel\n\n```\n# inte en rubrik\n```\n## Del\n"
    assert om.demote_headings(text) == "### Titel\n\n```\n# inte en rubrik\n```\n#### Del\n"


def test_om_answers(client):
    response = client.get("/om")
    assert response.status_code == 200
