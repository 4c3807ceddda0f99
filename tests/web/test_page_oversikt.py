"""Översikt: the status matrix builders on a literal status table, and the page through the app."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from data.goals import GoalRecord
from indicators import service
from indicators.catalogue import load_catalogue
from indicators.overview import effective_status, sdg_aggregates, status_counts
from indicators.sdg import SDG_GOALS, sdg_name
from indicators.status_facts import short_goal_text
from indicators.vocabulary import (
    LEVEL_LABELS,
    STATUS_ORDER,
    STATUS_STYLE,
    Status,
    css_custom_properties,
)
from layouts.parts import matrix as _matrix
from layouts.parts.matrix import (
    NO_ASSESSMENT,
    NOT_FOR_MUNICIPALITIES,
    WHY_HINT,
    MatrixSelection,
    cell_key,
    counts_summary,
    facts_panel,
    filter_indicators,
    indicator_cell_facts,
    indicator_matrix,
    parse_cell_key,
    parse_selection,
    sdg_cell_facts,
    sdg_matrix,
)
from tests.conftest import PROJECT_DIR
from tests.support.literal_tables import (
    CLIMATE,
    HEALTH,
    INDICATORS,
    REGION_ONLY,
    SCHOOL,
    row,
)

NBSP = "\u00a0"


# Column order follows SDG goals: N13 (goal 13) is listed first in the catalogue but shown last.
AREAS = [("2062", "Mora"), ("0020", "Region Dalarna")]
GOAL_WORDING = (
    "Andelen ska öka till 20 procent till 2030 för alla kommuner i länet. "
    "Tolkning: gäller den totala andelen."
)
GOAL = GoalRecord(
    id="se-halsa-20",
    kpi_id=HEALTH.kpi_id,
    level="nationell",
    kind="absolute",
    operator=">=",
    target_value=20.0,
    target_year=2030,
    wording_sv=GOAL_WORDING,
    source_document="Källa",
)


@pytest.fixture
def status() -> pd.DataFrame:
    """A literal status table: every cell has a trend row; two cells have a national goal."""
    rows = [
        row(
            "2062",
            HEALTH,
            "nationell",
            "i fas",
            3.0,
            goal_id="se-halsa-20",
            method="mål",
            base_year=2015,
            base_value=12.34,
            latest_year=2024,
            latest_value=14.56,
            target_value=20.0,
            target_year=2030,
            required_annual_change=0.0321,
            observed_annual_change=0.0189,
        ),
        row("0020", CLIMATE, "nationell", "uppnått", 5.0, goal_id="se-klimat", method="mål"),
        # a regional goal for Mora does not change the national view
        row("2062", SCHOOL, "regional", "uppnått", 5.0, goal_id="dalarna-skola", method="mål"),
        row(
            "2062",
            HEALTH,
            "trend",
            "går åt fel håll",
            -4.0,
            base_year=2015,
            base_value=12.34,
            latest_year=2024,
            latest_value=14.56,
            observed_annual_change=0.0189,
        ),
        row("2062", SCHOOL, "trend", "går åt fel håll", -4.0),
        row(
            "2062",
            CLIMATE,
            "trend",
            "behöver accelereras",
            1.0,
            base_year=2015,
            base_value=5210.0,
            latest_year=2023,
            latest_value=4560.0,
            observed_annual_change=-0.0047,
        ),
        row("0020", HEALTH, "trend", "kan inte bedömas", None, reason="Färre än två värden."),
        row("0020", SCHOOL, "trend", "i fas", 3.0),
        row("0020", CLIMATE, "trend", "otillräcklig", -1.0),
        row("0020", REGION_ONLY, "trend", "i fas", 4.0),
        # another gender's series is never shown in the matrix
        dict(row("2062", CLIMATE, "trend", "uppnått", 5.0), gender="K"),
    ]
    return pd.DataFrame(rows)


def walk(component):
    """Every Dash component in a tree (depth first)."""
    yield component
    children = getattr(component, "children", None)
    if children is None or isinstance(children, str | int | float):
        return
    if not isinstance(children, list | tuple):
        children = [children]
    for child in children:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def of_type(component, name: str) -> list:
    return [c for c in walk(component) if type(c).__name__ == name]


def text_of(component) -> str:
    parts = []
    for c in walk(component):
        children = getattr(c, "children", None)
        if isinstance(children, str | int | float):
            parts.append(str(children))
        elif isinstance(children, list | tuple):
            parts.extend(str(x) for x in children if isinstance(x, str | int | float))
    return " ".join(parts)


def body_rows(table) -> list:
    tbody = of_type(table, "Tbody")[0]
    return tbody.children


# --- selection ----------------------------------------------------------------------------------


def test_parse_selection_defaults_and_rejects_unknown_values():
    assert parse_selection() == MatrixSelection()
    assert MatrixSelection().level == "nationell"
    assert MatrixSelection().per_sdg, "one column per SDG goal unless asked otherwise"
    chosen = parse_selection("lokal", "13,3,99,x", "social,okänd", "indikator", "eurostat")
    assert chosen == MatrixSelection(
        level="lokal",
        sdgs=(3, 13),
        dimensions=("social",),
        per_sdg=False,
        threshold_set="eurostat",
    )
    bad = parse_selection("kommunal", "0", "alla", "tabell", "okänd")
    assert bad == MatrixSelection()


def test_an_address_without_a_level_opens_at_the_given_default_and_a_named_level_wins():
    selection, notes = _matrix.read_selection({}, "regional")
    assert selection.level == "regional" and notes == ()
    selection, _ = _matrix.read_selection({"niva": "global"}, "regional")
    assert selection.level == "global"
    selection, notes = _matrix.read_selection({"niva": "kommunal"}, "regional")
    assert selection.level == "regional"
    assert notes == ("Målnivån ”kommunal” finns inte – visar Regionalt mål",)


def test_parse_selection_takes_control_values_and_repeated_parameters():
    chosen = parse_selection("trend", ["1", "17"], ["miljömässig", "social"], ["mal"], None)
    # dimensions in display order (social first), goals as numbers
    assert chosen.sdgs == (1, 17)
    assert chosen.dimensions == ("social", "miljömässig")
    assert chosen.per_sdg


# --- which assessment a cell shows --------------------------------------------------------------


def test_filter_indicators_by_goal_and_dimension_grouped_by_goal():
    assert filter_indicators(INDICATORS) == [HEALTH, SCHOOL, REGION_ONLY, CLIMATE]
    assert filter_indicators(INDICATORS, sdgs=[13, 8]) == [REGION_ONLY, CLIMATE]
    assert filter_indicators(INDICATORS, dimensions=["social"]) == [HEALTH, SCHOOL]
    assert filter_indicators(INDICATORS, sdgs=[13], dimensions=["social"]) == []


# --- the matrix ---------------------------------------------------------------------------------


def build(status, level="nationell"):
    effective = effective_status(status, level)
    return indicator_matrix(
        effective, filter_indicators(INDICATORS), AREAS, level=level, reference_areas=["0020"]
    )


def facts_of(status, area_id, indicator, level="nationell", threshold_set="statistics_canada"):
    """The facts behind one indicator cell of the literal table."""
    effective = effective_status(status, level)
    record = effective[
        (effective["area_id"] == area_id) & (effective["kpi_id"] == indicator.kpi_id)
    ].iloc[0]
    return indicator_cell_facts(
        record.to_dict(),
        area_title=dict(AREAS)[area_id],
        indicator=indicator,
        level=level,
        threshold_set=threshold_set,
        goals={GOAL.id: GOAL},
    )


def lines_of(facts) -> list[str]:
    return [f"{term}: {description}" for term, description in facts.facts]


def cell(table, area_index: int, column: int):
    """The ``column``-th data cell (0-based, after the row header) of a body row."""
    return body_rows(table)[area_index].children[column + 1]


def test_matrix_headers_group_indicators_under_sdg_goals(status):
    table = build(status)
    header_rows = of_type(table, "Thead")[0].children
    groups = [
        (th.children[0].children, th.colSpan, th.scope)
        for th in header_rows[0].children
        if th.className == "ov-sdg"
    ]
    assert groups == [("3", 2, "colgroup"), ("8", 1, "colgroup"), ("13", 1, "colgroup")]
    first_group = header_rows[0].children[1]
    assert first_group.children[1].children == sdg_name(3)
    labels = [th.children.children for th in header_rows[1].children]
    assert labels == ["Hälsa", "Skola", "Länsvärde", "Utsläpp"]
    assert all(th.scope == "col" for th in header_rows[1].children)
    assert "N00003" in header_rows[1].children[0].title
    row_headers = [(r.children[0].children, r.children[0].scope) for r in body_rows(table)]
    assert row_headers == [("Mora", "row"), ("Region Dalarna", "row")]
    assert body_rows(table)[1].className == "ov-reference"
    assert LEVEL_LABELS["nationell"] in table.children[0].children


def test_matrix_cell_is_a_compact_button_with_its_status_in_words(status):
    table = build(status)
    button = cell(table, 0, 0).children  # Mora × Hälsa: national goal, i fas
    assert type(button).__name__ == "Button"
    style = STATUS_STYLE[Status.I_FAS]
    assert button.children == style.icon
    props = button.to_plotly_json()["props"]
    assert props["aria-label"] == "I fas"
    assert button.value == "2062:N00003"
    assert parse_cell_key(button.value) == ("2062", "N00003")
    assert button.className.split() == ["ov-cell", f"ov-st{style.order}"]
    # the numbers behind the cell are not in the matrix: they come with the facts panel
    assert set(props) == {"children", "value", "className", "aria-label"}


def test_facts_of_a_cell_give_the_goal_the_numbers_and_the_way_on(status):
    facts = facts_of(status, "2062", HEALTH)
    assert facts.key == "2062:N00003"
    assert facts.title == "Mora – Hälsa"
    assert facts.status == "i fas"
    assert facts.note is None
    assert facts.href == "/indikator/N00003?omraden=2062&niva=nationell"
    assert facts.link_text == "Öppna indikatorn för Mora"
    lines = lines_of(facts)
    assert lines[0] == (
        "Nationellt mål: Andelen ska öka till 20 procent till 2030 för alla kommuner i länet. "
        "(se-halsa-20)"
    )
    assert "Basår 2015: 12,3 %" in lines
    assert "Senaste värde 2024: 14,6 %" in lines
    assert "Målvärde 2030: 20,0 %" in lines
    assert "Krävd förändring: +3,2 % per år (2015–2030)" in lines
    assert "Faktisk förändring: +1,9 % per år (2015–2024)" in lines
    assert lines[-1].startswith("Metod: mot målvärde")
    assert lines[-1].endswith("(gränsvärden: Statistics Canada)")
    # in words: what "i fas" means, and the pace needed against the pace seen
    assert facts.why.meaning.startswith("I fas: takten räcker")
    share = round(0.0189 / 0.0321 * 100)
    assert facts.why.pace.endswith(f"{share} % av den takt som krävs.")


def test_facts_panel_shows_status_in_words_the_facts_the_link_and_a_close_button(status):
    panel = facts_panel(facts_of(status, "2062", HEALTH))
    props = panel.to_plotly_json()["props"]
    assert props["data-cell"] == "2062:N00003"
    heading = of_type(panel, "H2")[0]
    assert heading.tabIndex == "-1"
    assert props["aria-labelledby"] == heading.id
    assert "Varför?" in text_of(heading) and "Mora – Hälsa" in text_of(heading)
    # the status with icon and text, never colour alone
    assert STATUS_STYLE[Status.I_FAS].label_sv in text_of(panel)
    terms = [dt.children for dt in of_type(panel, "Dt")]
    descriptions = [dd.children for dd in of_type(panel, "Dd")]
    assert len(terms) == len(descriptions) == len(facts_of(status, "2062", HEALTH).facts)
    assert "Basår 2015" in terms
    assert facts_of(status, "2062", HEALTH).why.pace in text_of(panel)
    link = of_type(panel, "Link")[0]
    assert link.href == "/indikator/N00003?omraden=2062&niva=nationell"
    assert [b.children for b in of_type(panel, "Button")] == ["Stäng"]
    hint = facts_panel(None)
    assert hint.children == WHY_HINT
    assert of_type(hint, "Button") == []


def test_matrix_marks_the_trend_fallback(status):
    table = build(status)
    button = cell(table, 0, 3).children  # Mora × Utsläpp: no national goal → trend
    style = STATUS_STYLE[Status.ACCELERERA]
    assert "ov-trend" in button.className.split()
    assert f"ov-st{style.order}" in button.className.split()
    assert button.children == style.icon
    assert button.to_plotly_json()["props"]["aria-label"] == "Behöver accelereras, trend"
    facts = facts_of(status, "2062", CLIMATE)
    assert facts.note == "trend – inget nationellt mål"
    lines = lines_of(facts)
    assert "Önskad riktning: lägre är bättre" in lines
    assert "Mål: inget nationellt mål – trenden visas i stället" in lines
    # decimals 0 and the unit; thousands with a space; a true minus sign
    assert f"Basår 2015: 5{NBSP}210 ton CO2e" in lines
    assert f"Senaste värde 2023: 4{NBSP}560 ton CO2e" in lines
    assert "Faktisk förändring: −0,5 % per år (2015–2023)" in lines
    assert "Krävd förändring: inget målvärde – i fas från 1,5 % per år åt rätt håll" in lines
    assert lines[-1].startswith("Metod: trend")
    assert "Rutan visar trend – inget nationellt mål." in text_of(facts_panel(facts))
    # the arrow of a falling value where lower is better
    assert facts.why.arrow.startswith("↗ betyder här att värdet minskar, men för långsamt")


def test_matrix_explains_cells_that_cannot_be_assessed_and_are_missing(status):
    table = build(status)
    button = cell(table, 1, 0).children  # county × Hälsa: kan inte bedömas
    assert button.children == STATUS_STYLE[Status.EJ_BEDOMBAR].icon
    assert "Beräkning: Färre än två värden." in lines_of(facts_of(status, "0020", HEALTH))
    missing = cell(table, 0, 2)  # Mora × Länsvärde: the indicator is for the county only
    assert missing.className == "ov-empty"
    assert NOT_FOR_MUNICIPALITIES in text_of(missing)
    assert of_type(missing, "Button") == []
    assert NO_ASSESSMENT != NOT_FOR_MUNICIPALITIES


def test_matrix_has_one_cell_per_area_and_indicator(status):
    table = build(status, level="trend")
    rows = body_rows(table)
    assert [len(r.children) - 1 for r in rows] == [4, 4]
    buttons = of_type(table, "Button")
    assert len(buttons) == 7  # eight cells, one without an assessment
    assert all("ov-trend" not in button.className for button in buttons)
    keys = [button.value for button in buttons]
    assert len(set(keys)) == 7
    assert {parse_cell_key(key)[0] for key in keys} == {"2062", "0020"}


def test_facts_link_keeps_a_non_default_threshold_set(status):
    facts = facts_of(status, "2062", HEALTH, threshold_set="eurostat")
    assert facts.href == "/indikator/N00003?omraden=2062&niva=nationell&metod=eurostat"


def test_cell_facts_for_a_goal_without_its_record_show_its_id(status):
    record = effective_status(status, "nationell").iloc[0].to_dict()
    facts = indicator_cell_facts(
        record,
        area_title="Mora",
        indicator=HEALTH,
        level="nationell",
        threshold_set="statistics_canada",
        goals={},
    )
    assert ("Nationellt mål", "se-halsa-20") in facts.facts


@pytest.mark.parametrize(
    "key",
    [None, "", "2062", "2062:", ":N00003", "2062:N00003:x", 17, ["2062", "N00003"], "x" * 100],
)
def test_parse_cell_key_refuses_what_is_not_a_key(key):
    assert parse_cell_key(key) is None


def test_cell_key_round_trip():
    assert parse_cell_key(cell_key("2062", "N00003")) == ("2062", "N00003")
    assert parse_cell_key(cell_key("0000", 13)) == ("0000", "13")


def test_short_goal_text_cuts_long_wordings():
    assert short_goal_text(GOAL_WORDING) == (
        "Andelen ska öka till 20 procent till 2030 för alla kommuner i länet."
    )
    text = short_goal_text("ord " * 40, limit=20)
    assert len(text) <= 20 and text.endswith("…")


# --- per SDG goal -------------------------------------------------------------------------------


def test_sdg_matrix_cells_open_the_counts_and_the_area_page(status):
    effective = effective_status(status, "nationell")
    aggregates = sdg_aggregates(effective, [i.kpi_id for i in INDICATORS])
    table = sdg_matrix(aggregates, [3, 8, 13], AREAS, level="nationell")
    headers = [th.children[0].children for th in of_type(table, "Thead")[0].children.children[1:]]
    assert headers == ["3", "8", "13"]
    button = cell(table, 0, 0).children
    assert button.value == "2062:3"
    assert button.children == STATUS_STYLE[Status.OTILLRACKLIG].icon
    assert button.to_plotly_json()["props"]["aria-label"] == "Otillräcklig"
    assert "ov-trend" not in button.className.split()  # one of two parts has a national goal
    record = aggregates[(aggregates["area_id"] == "2062") & (aggregates["sdg_goal"] == 3)]
    facts = sdg_cell_facts(
        record.iloc[0].to_dict(), area_title="Mora", level="nationell", threshold_set="eurostat"
    )
    assert facts.key == "2062:3"
    assert facts.title == f"Mora – mål 3: {sdg_name(3)}"
    assert facts.status == "otillräcklig"
    assert facts.href == "/kommun/2062?mal=3&niva=nationell&metod=eurostat"
    assert facts.link_text == "Öppna Moras sida för mål 3"
    lines = lines_of(facts)
    assert "Medelpoäng: −0,5 (skala −5 till +5)" in lines
    assert "Indikatorer: 2, varav 2 bedömda" in lines
    assert "I fas: 1" in lines
    assert "Går åt fel håll: 1" in lines
    assert "Trend i stället för mål: 1 av 2" in lines
    # Mora has no indicator of goal 8 (county only); goal 13 is a pure trend fallback
    assert cell(table, 0, 1).className == "ov-empty"
    climate = cell(table, 0, 2).children
    assert "ov-trend" in climate.className.split()
    assert climate.to_plotly_json()["props"]["aria-label"].endswith(", trend")
    county_climate = cell(table, 1, 2).children
    assert "ov-trend" not in county_climate.className.split()
    assert county_climate.children == STATUS_STYLE[Status.UPPNATT].icon


# --- counts and legend --------------------------------------------------------------------------


def test_counts_summary(status):
    effective = effective_status(status, "nationell")
    counts = status_counts(effective["status"])
    n_fallback = int(effective["fallback"].sum())
    summary = counts_summary(counts, n_fallback=n_fallback, level="nationell", unit="rutor")
    text = text_of(summary)
    assert "Rutor per status (totalt 7):" in text
    assert f"{n_fallback} av 7 rutor saknar nationellt mål och visar trenden." in text
    assert n_fallback == 5  # every cell but Mora × Hälsa and the county × Utsläpp
    per_sdg = counts_summary(
        counts, n_fallback=1, level="nationell", unit="rutor", behind=(n_fallback, 7)
    )
    assert "(räknat per område och indikator: 5 av 7)." in text_of(per_sdg)
    trend = counts_summary(counts, n_fallback=0, level="trend", unit="rutor")
    assert "saknar" not in text_of(trend)
    items = of_type(summary, "Li")
    assert len(items) == len(STATUS_ORDER)
    first = items[0]
    assert STATUS_STYLE[STATUS_ORDER[0]].label_sv in text_of(first)
    assert first.children[1].children == str(counts[STATUS_ORDER[0]])


def test_fallback_legend_names_the_level():
    assert "inget regionalt mål" in text_of(_matrix.fallback_legend("regional"))
    assert "Alla rutor visar trenden" in text_of(_matrix.fallback_legend("trend"))


def test_the_legend_says_what_each_arrow_means():
    note = _matrix.arrow_note()
    text = text_of(note)
    assert "inte om värdet stiger eller sjunker" in text
    icons = [strong.children for strong in of_type(note, "Strong")]
    assert icons == [STATUS_STYLE[s].icon for s in STATUS_ORDER]
    up = STATUS_STYLE[Status.I_FAS].icon
    assert f"På en utsläppsindikator betyder {up} att utsläppen minskar tillräckligt snabbt" in (
        "".join(str(c) for c in note.children)
    )


def _css_rules(path) -> list[tuple[str, str]]:
    """(selector, declarations) of every rule in a style sheet, comments left out."""
    css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [(m[1].strip(), m[2]) for m in re.finditer(r"([^{}]+)\{([^{}]*)\}", css)]


def test_status_css_uses_only_the_vocabularys_custom_properties():
    """The status colours are written once, in the vocabulary: no status rule of any style
    sheet writes a colour of its own, and each matrix status class reads its status's custom
    properties."""
    properties = css_custom_properties()
    status_colours = {style.colour.lower() for style in STATUS_STYLE.values()}
    for path in sorted((PROJECT_DIR / "assets").glob("*.css")):
        for selector, body in _css_rules(path):
            if "status" not in selector and "ov-st" not in selector:
                continue
            written = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{3,8}\b", body)}
            assert not written & status_colours, f"{path.name}: {selector} writes a status colour"
            for used in re.findall(r"var\((--status-[\w-]+)", body):
                assert used in properties, f"{path.name}: {selector} uses unknown {used}"
    rules = dict(_css_rules(PROJECT_DIR / "assets" / "oversikt.css"))
    for status, style in STATUS_STYLE.items():
        body = rules.get(f".ov-cell.ov-st{style.order}", "")
        assert re.search(rf"background-color:\s*var\(--status-{style.css}\)", body), status
        assert re.search(rf"(?<!-)color:\s*var\(--status-{style.css}-text\)", body), status


def test_the_page_root_gets_every_status_colour(client):
    response = client.get("/_dash-layout")
    assert response.status_code == 200
    root = response.get_json()
    assert root["props"]["id"] == "shell"
    style = root["props"]["style"]
    expected = css_custom_properties()
    assert len(expected) == 2 * len(STATUS_STYLE)
    for status in STATUS_STYLE.values():
        assert style[f"--status-{status.css}"] == status.colour
        assert style[f"--status-{status.css}-text"] == status.text_colour
    assert {name: style[name] for name in expected} == expected


# --- rendering as JSX ---------------------------------------------------------------------------


def test_to_jsx_escapes_text_and_attributes():
    from dash import dcc, html

    tree = html.Table(
        [
            html.Colgroup(html.Col(), className="a"),
            html.Tr(
                html.Td(
                    dcc.Link(
                        [html.Span("↘", **{"aria-hidden": "true"}), "x{y}<z>&"],
                        href="/a?b=1&c=2",
                        title='rad 1\nrad 2 "citat"',
                    ),
                    colSpan=2,
                    style={"borderTopColor": "#E5243B"},
                )
            ),
        ]
    )
    jsx = _matrix.to_jsx(tree)
    assert jsx == (
        '<table><colgroup className="a"><col/></colgroup><tr>'
        '<td colSpan="2" style={{borderTopColor: "#E5243B"}}>'
        '<dccLink href="/a?b=1&amp;c=2" title="rad 1&#10;rad 2 &quot;citat&quot;">'
        '<span aria-hidden="true">↘</span>x&#123;y&#125;&lt;z&gt;&amp;</dccLink></td></tr></table>'
    )
    # no line breaks: a blank line would end the HTML block in Markdown
    assert "\n" not in jsx


def test_to_jsx_refuses_components_it_cannot_render():
    from dash import dcc, html

    with pytest.raises(ValueError, match="Graph"):
        _matrix.to_jsx(html.Div(dcc.Graph()))
    with pytest.raises(ValueError, match="hidden"):
        _matrix.to_jsx(html.Div(hidden=True))


def test_rendered_matrix_keeps_every_cell(status):
    table = build(status)
    rendered = _matrix.rendered_table(table)
    assert rendered.dangerously_allow_html is True
    markup = Markup.of(rendered.children)
    expected = [
        (b.value, b.to_plotly_json()["props"]["aria-label"], b.className, b.children)
        for b in of_type(table, "Button")
    ]
    found = [
        (a["value"], a["aria-label"], a["class"], a["text"])
        for tag, a in markup.elements
        if tag == "button"
    ]
    assert found == expected
    hidden = [a["text"] for a in markup.with_class("visually-hidden")]
    assert hidden == [
        c.children for c in walk(table) if getattr(c, "className", None) == "visually-hidden"
    ]
    assert [a["scope"] for a in markup.with_class("ov-area")] == ["row", "row"]
    # no per-cell tooltip text travels with the matrix
    assert "Basår" not in rendered.children and "title" not in str(expected)


# --- the page in the app ------------------------------------------------------------------------

EXPORT_ID = {"page": "oversikt", "type": "export-selection"}
OUTPUTS = [
    {"id": "oversikt-summary", "property": "children"},
    {"id": "oversikt-matrix", "property": "children"},
    {"id": "oversikt-fallback-legend", "property": "children"},
    {"id": EXPORT_ID, "property": "data"},
]


def dash_payload(level, sdgs, dimensions, view, method, changed="oversikt-level.value"):
    export = json.dumps(EXPORT_ID, sort_keys=True, separators=(",", ":"))
    return {
        "output": (
            "..oversikt-summary.children...oversikt-matrix.children..."
            f"oversikt-fallback-legend.children...{export}.data.."
        ),
        "outputs": OUTPUTS,
        "inputs": [
            {"id": "oversikt-level", "property": "value", "value": level},
            {"id": "oversikt-sdg", "property": "value", "value": sdgs},
            {"id": "oversikt-dimension", "property": "value", "value": dimensions},
            {"id": "oversikt-view", "property": "value", "value": view},
            {"id": "oversikt-method", "property": "value", "value": method},
        ],
        "changedPropIds": [changed],
        "state": [],
    }


def find_json(node, predicate) -> list[dict]:
    found = []
    if isinstance(node, dict):
        if predicate(node):
            found.append(node)
        for value in node.values():
            found.extend(find_json(value, predicate))
    elif isinstance(node, list):
        for value in node:
            found.extend(find_json(value, predicate))
    return found


class Markup(HTMLParser):
    """The elements of the matrix's rendered markup (tag, attributes, text of its first text)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self._open: list[dict] = []

    @classmethod
    def of(cls, text: str) -> Markup:
        parser = cls()
        parser.feed(text)
        parser.close()
        return parser

    def handle_starttag(self, tag, attrs):
        attributes = {k: v for k, v in attrs}
        attributes["class"] = attributes.get("classname", "")
        attributes["text"] = ""
        self.elements.append((tag, attributes))
        self._open.append(attributes)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._open.pop()

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._open:
            self._open[-1]["text"] += data

    @property
    def tables(self) -> list[str]:
        return [a["class"] for tag, a in self.elements if tag == "table"]

    def with_class(self, name: str) -> list[dict]:
        return [a for _, a in self.elements if name in a["class"].split()]

    def texts_of(self, name: str) -> list[str]:
        return [a["text"] for a in self.with_class(name)]

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.elements if t == tag)


def rendered_markup(output: dict) -> str:
    """The JSX of the one Markdown component in a callback output."""
    found = find_json(output, lambda n: n.get("type") == "Markdown")
    assert len(found) == 1
    props = found[0]["props"]
    assert props["dangerously_allow_html"] is True
    return props["children"]


def has_class(name):
    return lambda n: name in str(n.get("props", {}).get("className", "")).split()


def test_overview_page_answers(client):
    response = client.get("/")
    assert response.status_code == 200


def test_layout_restores_the_selection_from_the_query(demo_app):
    from layouts import oversikt

    page = oversikt.layout(niva="lokal", mal="13,3", dimension="social", vy="mal", metod="eurostat")
    values = {
        c.id: c.value
        for c in walk(page)
        if isinstance(getattr(c, "id", None), str) and hasattr(c, "value")
    }
    assert values["oversikt-level"] == "lokal"
    assert values["oversikt-sdg"] == ["3", "13"]
    assert values["oversikt-dimension"] == ["social"]
    assert values["oversikt-view"] == "mal"
    assert values["oversikt-method"] == "eurostat"
    assert of_type(page, "H1")
    markdown = of_type(page, "Markdown")
    assert len(markdown) == 1
    assert Markup.of(markdown[0].children).tables == ["ov-matrix ov-per-sdg"]


def test_matrix_callback_through_the_dash_endpoint(client):
    catalogue = load_catalogue()
    response = client.post(
        "/_dash-update-component",
        json=dash_payload("regional", ["13"], [], "indikator", "eurostat"),
    )
    assert response.status_code == 200
    body = response.get_json()["response"]
    export_key = json.dumps(EXPORT_ID, sort_keys=True, separators=(",", ":"))
    assert set(body) == {
        "oversikt-summary",
        "oversikt-matrix",
        "oversikt-fallback-legend",
        export_key,
    }
    climate = [i.kpi_id for i in catalogue if i.sdg_goal == 13]
    assert body[export_key]["data"] == {
        "areas": list(service.AREA_ORDER),
        "kpis": climate,
        "genders": ["T"],
        "years": None,
        "levels": ["regional", "trend"],
        "threshold_set": "eurostat",
    }
    markup = Markup.of(rendered_markup(body["oversikt-matrix"]))
    assert markup.tables == ["ov-matrix ov-per-indicator"]
    buttons = markup.with_class("ov-cell")
    assert len(buttons) > 0
    keys = [parse_cell_key(button["value"]) for button in buttons]
    assert {area_id for area_id, _ in keys} <= set(service.AREA_ORDER)
    assert {kpi_id for _, kpi_id in keys} <= set(climate)
    assert len(set(keys)) == len(keys)
    assert all(button["aria-label"] for button in buttons)
    assert [h["colspan"] for h in markup.with_class("ov-sdg")] == [str(len(climate))]
    # every area × indicator cell is a button or says why it is empty
    cells = len(buttons) + len(markup.with_class("ov-empty"))
    assert cells == len(service.AREA_ORDER) * len(climate)
    summary_text = json.dumps(body["oversikt-summary"], ensure_ascii=False)
    assert "Rutor per status" in summary_text
    assert "rutor saknar regionalt mål och visar trenden" in summary_text
    assert "inget regionalt mål" in json.dumps(body["oversikt-fallback-legend"], ensure_ascii=False)


def test_per_goal_view_through_the_dash_endpoint(client):
    response = client.post(
        "/_dash-update-component",
        json=dash_payload("trend", [], ["miljömässig"], "mal", "statistics_canada"),
    )
    assert response.status_code == 200
    body = response.get_json()["response"]
    markup = Markup.of(rendered_markup(body["oversikt-matrix"]))
    assert markup.tables == ["ov-matrix ov-per-sdg"]
    environmental = sorted({i.sdg_goal for i in load_catalogue() if i.dimension == "miljömässig"})
    numbers = [int(text) for text in markup.texts_of("ov-sdg-number")]
    assert numbers == environmental
    assert markup.count("tr") == 1 + len(service.AREA_ORDER)
    buttons = markup.with_class("ov-cell")
    assert all(re.fullmatch(r"\d{4}:\d{1,2}", x["value"]) for x in buttons)
    assert {int(x["value"].split(":")[1]) for x in buttons} <= set(environmental)
    assert not any("ov-trend" in x["class"] for x in buttons)


def facts_payload(
    key, level="nationell", sdgs=(), dimensions=(), view="indikator", method="eurostat"
):
    """What the renderer posts when a cell is chosen (the store set by assets/oversikt.js)."""
    return {
        "output": "oversikt-why.children",
        "outputs": {"id": "oversikt-why", "property": "children"},
        "inputs": [
            {"id": "oversikt-cell", "property": "data", "value": key},
            {"id": "oversikt-level", "property": "value", "value": level},
            {"id": "oversikt-sdg", "property": "value", "value": list(sdgs)},
            {"id": "oversikt-dimension", "property": "value", "value": list(dimensions)},
            {"id": "oversikt-view", "property": "value", "value": view},
            {"id": "oversikt-method", "property": "value", "value": method},
        ],
        "changedPropIds": ["oversikt-cell.data"],
        "state": [],
    }


def panel_of(response) -> dict:
    assert response.status_code == 200
    return response.get_json()["response"]["oversikt-why"]["children"]


def test_choosing_a_cell_answers_with_its_facts_through_the_dash_endpoint(client):
    """The matrix's own cells: each key the callback answers gives that cell's facts."""
    matrix = client.post(
        "/_dash-update-component",
        json=dash_payload("nationell", ["13"], [], "indikator", "eurostat"),
    )
    buttons = Markup.of(rendered_markup(matrix.get_json()["response"]["oversikt-matrix"]))
    key = buttons.with_class("ov-cell")[0]["value"]
    area_id, kpi_id = parse_cell_key(key)
    panel = panel_of(client.post("/_dash-update-component", json=facts_payload(key, sdgs=["13"])))
    assert panel["props"]["data-cell"] == key
    text = json.dumps(panel, ensure_ascii=False)
    assert service.area_title(area_id) in text
    assert service.indicator(kpi_id).label in text
    assert "Metod: " not in text and "Metod" in text  # term and description apart
    assert f"/indikator/{kpi_id}?omraden={area_id}&niva=nationell&metod=eurostat" in text
    assert "gränsvärden: Eurostat" in text
    # the per-goal view's cell: the counts and the area's page
    key = f"{area_id}:13"
    panel = panel_of(client.post("/_dash-update-component", json=facts_payload(key, view="mal")))
    text = json.dumps(panel, ensure_ascii=False)
    assert panel["props"]["data-cell"] == key
    assert "Indikatorer" in text
    assert f"/kommun/{area_id}?mal=13&niva=nationell&metod=eurostat" in text


@pytest.mark.parametrize(
    ("key", "view", "sdgs"),
    [
        ("9999:N00401", "indikator", ()),  # unknown area
        ("2062:N99999", "indikator", ()),  # unknown indicator
        ("2062:N00401", "indikator", ("3",)),  # filtered away
        ("2062:13", "indikator", ()),  # an SDG key in the per-indicator view
        ("2062:N00401", "mal", ()),  # an indicator key in the per-goal view
        ("<script>", "indikator", ()),
        (["2062", "N00401"], "indikator", ()),
        (None, "indikator", ()),  # closed
    ],
)
def test_a_key_the_matrix_does_not_show_answers_with_the_hint(client, key, view, sdgs):
    panel = panel_of(
        client.post("/_dash-update-component", json=facts_payload(key, view=view, sdgs=sdgs))
    )
    assert panel["props"]["children"] == WHY_HINT


def test_a_change_of_the_selection_without_a_chosen_cell_changes_nothing(client):
    payload = dict(facts_payload(None), changedPropIds=["oversikt-level.value"])
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 204


def test_callback_called_directly_reports_an_empty_selection(demo_app):
    from layouts import oversikt

    # no economic indicator under goal 14
    economic_14 = [i for i in load_catalogue() if i.sdg_goal == 14 and i.dimension == "ekonomisk"]
    assert economic_14 == []
    _summary, matrix, _legend, export = oversikt.update_matrix(
        "global", ["14"], ["ekonomisk"], [], "statistics_canada"
    )
    assert "Inga indikatorer" in text_of(matrix)
    assert export["kpis"] == []
    assert export["levels"] == ["global", "trend"]


def test_every_sdg_has_an_option(demo_app):
    from layouts import oversikt

    page = oversikt.layout()
    dropdown = next(c for c in walk(page) if getattr(c, "id", None) == "oversikt-sdg")
    assert [o["value"] for o in dropdown.options] == [str(s.goal) for s in SDG_GOALS]
    assert dropdown.options[12]["label"] == f"13 {sdg_name(13)}"


def test_cached_cell_markup_renders_the_same_matrix_as_building_every_cell(demo_app):
    from indicators import service
    from layouts.parts.matrix import (
        cell_markup,
        cell_texts,
        indicator_matrix,
        to_jsx,
    )

    areas = [(area_id, service.area_title(area_id)) for area_id in service.AREA_ORDER]
    catalogue = service.catalogue()
    effective = effective_status(service.status("statistics_canada"), "regional")
    texts = cell_texts(effective, catalogue, areas)
    markup = cell_markup(texts, catalogue, areas, references=service.REFERENCE_AREAS)
    chosen = [i for i in catalogue if i.sdg_goal in (11, 13)]
    arguments = {
        "level": "regional",
        "reference_areas": service.REFERENCE_AREAS,
        "texts": texts,
    }
    built = to_jsx(indicator_matrix(effective, chosen, areas, **arguments))
    cached = to_jsx(indicator_matrix(effective, chosen, areas, markup=markup, **arguments))
    assert cached == built
    assert "<button" in cached


# --- the first screen ---------------------------------------------------------------------------


def test_the_first_screen_leads_and_opens_at_the_level_with_most_goals(demo_app):
    from indicators.overview import default_level, fallback_count, goal_coverage
    from layouts import oversikt

    status = service.status("statistics_canada")
    coverage = goal_coverage(status)
    best = max(coverage, key=coverage.get)
    assert default_level(status, "nationell") == best
    page = oversikt.layout()
    values = {
        c.id: c.value
        for c in walk(page)
        if isinstance(getattr(c, "id", None), str) and hasattr(c, "value")
    }
    assert values["oversikt-level"] == best
    assert values["oversikt-view"] == "mal"
    start = next(c for c in walk(page) if getattr(c, "className", None) == "ov-start")
    assert text_of(start).startswith("Börja här:")
    picker = next(c for c in walk(page) if getattr(c, "id", None) == "oversikt-kommun")
    assert [o["value"] for o in picker.options] == list(service.AREA_ORDER)
    # the first screen says how many cells show the trend for want of a goal
    effective = effective_status(status, best)
    cells = len(effective)
    summary = next(c for c in walk(page) if getattr(c, "className", None) == "ov-fallback-count")
    n = fallback_count(effective)
    assert f"{n:,} av {cells:,}".replace(",", NBSP) in summary.children
    # a level in the address wins
    named = oversikt.layout(niva="global")
    level = next(c for c in walk(named) if getattr(c, "id", None) == "oversikt-level")
    assert level.value == "global"


def test_an_uncertain_status_is_marked_in_its_cell_by_shape_and_words():
    import pandas as pd

    from indicators.catalogue import load_catalogue
    from layouts.parts.matrix import cell_texts, fallback_legend, matrix_cell

    indicator = next(i for i in load_catalogue() if i.kpi_id == "N00401")
    effective = pd.DataFrame(
        {
            "area_id": ["2080", "2062"],
            "kpi_id": ["N00401", "N00401"],
            "status": ["i fas", "i fas"],
            "fallback": [False, False],
            "robustness": ["osäker", "stabil"],
        }
    )
    texts = cell_texts(effective, [indicator], [("2080", "Falun"), ("2062", "Mora")])
    uncertain = str(matrix_cell(texts[("2080", "N00401")], indicator, "2080"))
    robust = str(matrix_cell(texts[("2062", "N00401")], indicator, "2062"))
    assert "ov-uncertain" in uncertain and "I fas, osäker" in uncertain
    assert "ov-uncertain" not in robust and "osäker" not in robust
    assert "osäker status" in str(fallback_legend("nationell", uncertain_mark=True))
    assert "osäker" not in str(fallback_legend("nationell"))
