"""Översikt: the status matrix builders on a literal status table, and the page through the app."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from indicators import service
from indicators.catalogue import load_catalogue
from indicators.overview import effective_status, sdg_aggregates, status_counts
from indicators.sdg import SDG_GOALS, sdg_name
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
    MatrixSelection,
    cell_tooltip,
    counts_summary,
    filter_indicators,
    indicator_matrix,
    parse_selection,
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
    chosen = parse_selection("lokal", "13,3,99,x", "social,okänd", "mal", "eurostat")
    assert chosen == MatrixSelection(
        level="lokal",
        sdgs=(3, 13),
        dimensions=("social",),
        per_sdg=True,
        threshold_set="eurostat",
    )
    bad = parse_selection("kommunal", "0", "alla", "tabell", "okänd")
    assert bad == MatrixSelection()


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


def build(status, level="nationell", threshold_set="statistics_canada"):
    effective = effective_status(status, level)
    return indicator_matrix(
        effective,
        filter_indicators(INDICATORS),
        AREAS,
        level=level,
        goal_wordings={"se-halsa-20": GOAL_WORDING},
        threshold_set=threshold_set,
        reference_areas=["0020"],
    )


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


def test_matrix_cell_links_to_the_indicator_page_with_a_badge_and_the_numbers(status):
    table = build(status)
    link = cell(table, 0, 0).children  # Mora × Hälsa: national goal, i fas
    assert type(link).__name__ == "Link"
    assert link.href == "/indikator/N00003?omraden=2062&niva=nationell"
    style = STATUS_STYLE[Status.I_FAS]
    icon, hidden = link.children
    assert icon.children == style.icon
    assert icon.to_plotly_json()["props"]["aria-hidden"] == "true"
    assert hidden.className == "visually-hidden"
    assert hidden.children == "Mora, Hälsa: I fas"
    assert f"ov-st{style.order}" in link.className.split()
    assert "ov-trend" not in link.className.split()
    lines = link.title.split("\n")
    assert lines[0] == "Mora – Hälsa"
    assert lines[1] == "Status: I fas"
    assert lines[2] == (
        "Nationellt mål: Andelen ska öka till 20 procent till 2030 för alla kommuner i länet. "
        "(se-halsa-20)"
    )
    assert "Basår 2015: 12,3 %" in lines
    assert "Senaste år 2024: 14,6 %" in lines
    assert "Målvärde 2030: 20,0 %" in lines
    assert "Krävd förändring: +3,2 % per år" in lines
    assert "Faktisk förändring: +1,9 % per år" in lines
    assert lines[-1] == "Metod: mot målvärde (gränsvärden: Statistics Canada)"


def test_matrix_marks_the_trend_fallback(status):
    table = build(status)
    link = cell(table, 0, 3).children  # Mora × Utsläpp: no national goal → trend
    style = STATUS_STYLE[Status.ACCELERERA]
    assert "ov-trend" in link.className.split()
    assert f"ov-st{style.order}" in link.className.split()
    assert link.children[0].children == style.icon
    assert link.children[1].children == (
        "Mora, Utsläpp: Behöver accelereras (trend – inget nationellt mål)"
    )
    lines = link.title.split("\n")
    assert lines[1] == "Status: Behöver accelereras (trend – inget nationellt mål)"
    assert "Önskad riktning: lägre är bättre" in lines
    # decimals 0 and the unit; thousands with a space; a true minus sign
    assert f"Basår 2015: 5{NBSP}210 ton CO2e" in lines
    assert f"Senaste år 2023: 4{NBSP}560 ton CO2e" in lines
    assert "Faktisk förändring: −0,5 % per år" in lines
    assert not any(line.startswith("Krävd") for line in lines)
    assert lines[-1] == "Metod: trend (gränsvärden: Statistics Canada)"


def test_matrix_explains_cells_that_cannot_be_assessed_and_are_missing(status):
    table = build(status)
    link = cell(table, 1, 0).children  # county × Hälsa: kan inte bedömas
    assert link.children[0].children == STATUS_STYLE[Status.EJ_BEDOMBAR].icon
    assert "Skäl: Färre än två värden." in link.title.split("\n")
    missing = cell(table, 0, 2)  # Mora × Länsvärde: the indicator is for the county only
    assert missing.className == "ov-empty"
    assert NOT_FOR_MUNICIPALITIES in text_of(missing)
    assert of_type(missing, "Link") == []
    assert NO_ASSESSMENT != NOT_FOR_MUNICIPALITIES


def test_matrix_has_one_cell_per_area_and_indicator(status):
    table = build(status, level="trend")
    rows = body_rows(table)
    assert [len(r.children) - 1 for r in rows] == [4, 4]
    links = of_type(table, "Link")
    assert len(links) == 7  # eight cells, one without an assessment
    assert all("ov-trend" not in link.className for link in links)
    assert all(link.href.endswith("niva=trend") for link in links)


def test_matrix_links_keep_a_non_default_threshold_set(status):
    table = build(status, threshold_set="eurostat")
    link = cell(table, 0, 0).children
    assert link.href == "/indikator/N00003?omraden=2062&niva=nationell&metod=eurostat"


def test_cell_tooltip_for_a_goal_without_wording_shows_its_id(status):
    record = effective_status(status, "nationell").iloc[0].to_dict()
    text = cell_tooltip(
        record, area_title="Mora", indicator=HEALTH, level="nationell", goal_wordings={}
    )
    assert "Nationellt mål: se-halsa-20 (se-halsa-20)" in text.split("\n")


def test_short_goal_text_cuts_long_wordings():
    assert _matrix.short_goal_text(GOAL_WORDING) == (
        "Andelen ska öka till 20 procent till 2030 för alla kommuner i länet."
    )
    text = _matrix.short_goal_text("ord " * 40, limit=20)
    assert len(text) <= 20 and text.endswith("…")


# --- per SDG goal -------------------------------------------------------------------------------


def test_sdg_matrix_links_to_the_area_page_with_counts_in_the_tooltip(status):
    effective = effective_status(status, "nationell")
    aggregates = sdg_aggregates(effective, [i.kpi_id for i in INDICATORS])
    table = sdg_matrix(aggregates, [3, 8, 13], AREAS, level="nationell")
    headers = [th.children[0].children for th in of_type(table, "Thead")[0].children.children[1:]]
    assert headers == ["3", "8", "13"]
    link = cell(table, 0, 0).children
    assert link.href == "/kommun/2062?mal=3&niva=nationell"
    assert link.children[0].children == STATUS_STYLE[Status.OTILLRACKLIG].icon
    assert "ov-trend" not in link.className.split()  # one of two parts has a national goal
    lines = link.title.split("\n")
    assert lines[0] == f"Mora – mål 3: {sdg_name(3)}"
    assert lines[1] == "Sammanvägd status: Otillräcklig"
    assert "Medelpoäng: −0,5 (skala −5 till +5)" in lines
    assert "2 indikatorer, varav 2 bedömda:" in lines
    assert f"{STATUS_STYLE[Status.I_FAS].icon} I fas: 1" in lines
    assert f"{STATUS_STYLE[Status.FEL_HALL].icon} Går åt fel håll: 1" in lines
    assert "1 av 2 bedömda som trend – inget nationellt mål" in lines
    # Mora has no indicator of goal 8 (county only); goal 13 is a pure trend fallback
    assert cell(table, 0, 1).className == "ov-empty"
    climate = cell(table, 0, 2).children
    assert "ov-trend" in climate.className.split()
    assert climate.children[1].children.endswith("(trend – inget nationellt mål)")
    county_climate = cell(table, 1, 2).children
    assert "ov-trend" not in county_climate.className.split()
    assert county_climate.children[0].children == STATUS_STYLE[Status.UPPNATT].icon


# --- counts and legend --------------------------------------------------------------------------


def test_counts_summary(status):
    effective = effective_status(status, "nationell")
    counts = status_counts(effective["status"])
    summary = counts_summary(
        counts, n_fallback=int(effective["fallback"].sum()), level="nationell", unit="rutor"
    )
    text = text_of(summary)
    assert "Antal rutor per status (totalt 7):" in text
    assert "5 av 7 rutor visar trenden eftersom inget nationellt mål finns." in text
    items = of_type(summary, "Li")
    assert len(items) == len(STATUS_ORDER)
    first = items[0]
    assert STATUS_STYLE[STATUS_ORDER[0]].label_sv in text_of(first)
    assert first.children[1].children == str(counts[STATUS_ORDER[0]])


def test_fallback_legend_names_the_level():
    assert "inget regionalt mål" in text_of(_matrix.fallback_legend("regional"))
    assert "Alla rutor visar trenden" in text_of(_matrix.fallback_legend("trend"))


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


def test_rendered_matrix_keeps_every_link_and_tooltip(status):
    table = build(status)
    rendered = _matrix.rendered_table(table)
    assert rendered.dangerously_allow_html is True
    markup = Markup.of(rendered.children)
    expected = [(link.href, link.title, link.className) for link in of_type(table, "Link")]
    found = [(a["href"], a["title"], a["class"]) for tag, a in markup.elements if tag == "dcclink"]
    assert found == expected
    hidden = [a["text"] for a in markup.with_class("visually-hidden")]
    assert hidden == [
        c.children for c in walk(table) if getattr(c, "className", None) == "visually-hidden"
    ]
    assert [a["scope"] for a in markup.with_class("ov-area")] == ["row", "row"]


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
    assert values["oversikt-view"] == ["mal"]
    assert values["oversikt-method"] == "eurostat"
    assert of_type(page, "H1")
    markdown = of_type(page, "Markdown")
    assert len(markdown) == 1
    assert Markup.of(markdown[0].children).tables == ["ov-matrix ov-per-sdg"]


def test_matrix_callback_through_the_dash_endpoint(client):
    catalogue = load_catalogue()
    response = client.post(
        "/_dash-update-component", json=dash_payload("regional", ["13"], [], [], "eurostat")
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
    links = markup.with_class("ov-cell")
    assert len(links) > 0
    hrefs = {link["href"] for link in links}
    assert all(
        re.fullmatch(r"/indikator/[NU]\d{5}\?omraden=\d{4}&niva=regional&metod=eurostat", h)
        for h in hrefs
    )
    assert {h.split("?")[0].removeprefix("/indikator/") for h in hrefs} <= set(climate)
    assert [h["colspan"] for h in markup.with_class("ov-sdg")] == [str(len(climate))]
    # every area × indicator cell is a link or says why it is empty
    cells = len(links) + len(markup.with_class("ov-empty"))
    assert cells == len(service.AREA_ORDER) * len(climate)
    summary_text = json.dumps(body["oversikt-summary"], ensure_ascii=False)
    assert "Antal rutor per status" in summary_text
    assert "inget regionalt mål" in json.dumps(body["oversikt-fallback-legend"], ensure_ascii=False)


def test_per_goal_view_through_the_dash_endpoint(client):
    response = client.post(
        "/_dash-update-component",
        json=dash_payload("trend", [], ["miljömässig"], ["mal"], "statistics_canada"),
    )
    assert response.status_code == 200
    body = response.get_json()["response"]
    markup = Markup.of(rendered_markup(body["oversikt-matrix"]))
    assert markup.tables == ["ov-matrix ov-per-sdg"]
    environmental = sorted({i.sdg_goal for i in load_catalogue() if i.dimension == "miljömässig"})
    numbers = [int(text) for text in markup.texts_of("ov-sdg-number")]
    assert numbers == environmental
    assert markup.count("tr") == 1 + len(service.AREA_ORDER)
    links = markup.with_class("ov-cell")
    assert all(re.fullmatch(r"/kommun/\d{4}\?mal=\d+&niva=trend", x["href"]) for x in links)
    assert not any("ov-trend" in x["class"] for x in links)


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
    texts = cell_texts(effective, catalogue, areas, level="regional", goal_wordings={})
    markup = cell_markup(
        texts,
        catalogue,
        areas,
        level="regional",
        threshold_set="statistics_canada",
        references=service.REFERENCE_AREAS,
    )
    chosen = [i for i in catalogue if i.sdg_goal in (11, 13)]
    arguments = {
        "level": "regional",
        "threshold_set": "statistics_canada",
        "reference_areas": service.REFERENCE_AREAS,
        "texts": texts,
    }
    built = to_jsx(indicator_matrix(effective, chosen, areas, **arguments))
    cached = to_jsx(indicator_matrix(effective, chosen, areas, markup=markup, **arguments))
    assert cached == built
    assert "<dccLink" in cached
