"""Om data: where the data comes from, licence and attribution, when it was refreshed, the newest
year per indicator, and how progress is judged (method, threshold sets, worked examples computed
with :func:`indicators.progress.assess`, relative position)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import dash
import pandas as pd
from dash import dcc, html
from sqlalchemy import Engine, select

from data import queries
from data.models import EtlRun
from indicators import service
from indicators.catalogue import Indicator
from indicators.coverage import goal_counts, newest_year_counts, newest_years, source_group_counts
from indicators.formatting import (
    MISSING,
    format_annual_change,
    format_datetime,
    format_number,
    format_signed,
)
from indicators.progress import (
    EUROSTAT,
    STATISTICS_CANADA,
    THRESHOLD_SETS,
    Assessment,
    GoalSpec,
    ThresholdSet,
    assess,
)
from indicators.ranking import RELATIVE_POSITION_NOTE
from indicators.sources import source_table
from indicators.vocabulary import DIRECTIONS, DOWN, STATUS_STYLE, UP, Status
from layouts.parts import intervention_marks
from layouts.parts.answer_cache import cached_answer
from layouts.parts.components import (
    KOLADA_CREDIT,
    data_table,
    source_credit,
    status_badge,
    status_legend,
)
from layouts.parts.url_state import read_query, url_notes

log = logging.getLogger(__name__)

SITE = "Hållbarhetsuppföljning Dalarna"
METHOD_PATH = Path(__file__).resolve().parent.parent / "docs" / "progress-method.md"
KOLADA_URL = "https://www.kolada.se"
KOLADA_API_URL = "https://api.kolada.se/v3"
REFRESH_COMMAND = "python -m etl refresh"
RUN_KINDS_SV = {
    "refresh": "uppdatering från Kolada",
    "load": "inläsning av sparade svar",
    "demo": "demodata byggd",
}
SOURCE_GROUP_TEXT = {
    "agenda2030": "ur Koladas nyckeltalsgrupp Agenda 2030 – Kommun",
    "region_dalarna": "ur Region Dalarnas uppföljning av Dalastrategin",
    "egen": "egna, inlästa ur filer (källan står vid varje värde)",
}

dash.register_page(__name__, path="/om", title=f"Om data – {SITE}", name="Om data", order=10)


# --- the method text ---------------------------------------------------------------------------


def demote_headings(markdown: str, levels: int = 2) -> str:
    """Markdown with every heading (outside code blocks) ``levels`` steps lower, so that the
    document nests under the page's own headings."""
    lines: list[str] = []
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and re.match(r"#{1,6} ", line):
            hashes = len(line) - len(line.lstrip("#"))
            line = "#" * min(hashes + levels, 6) + line[hashes:]
        lines.append(line)
    return "\n".join(lines) + "\n"


def _read_method() -> str:
    try:
        return demote_headings(METHOD_PATH.read_text(encoding="utf-8"))
    except OSError as error:
        log.error("The method description %s cannot be read: %s", METHOD_PATH, error)
        return f"Metodbeskrivningen ({METHOD_PATH.name}) kunde inte läsas."


METHOD_MARKDOWN = _read_method()


# --- worked examples ---------------------------------------------------------------------------


class WorkedExample(NamedTuple):
    """A literal series judged live with :func:`indicators.progress.assess`.

    (A named tuple, not a dataclass: Dash Pages executes page modules before they are in
    ``sys.modules``, which dataclasses need.)
    """

    title: str
    description: str
    unit: str
    decimals: int
    series: Mapping[int, float]
    direction: str
    goal: GoalSpec | None
    thresholds: ThresholdSet
    natural_limit: float | None = None

    @property
    def assessment(self) -> Assessment:
        return assess(
            self.series,
            direction=self.direction,
            goal=self.goal,
            thresholds=self.thresholds,
            natural_limit=self.natural_limit,
        )


#: The method's examples (docs/progress-method.md, "Räkneexempel"), computed live.
TARGET_EXAMPLE = WorkedExample(
    title="Med målvärde: utsläpp som ska minska med 70 %",
    description=(
        "Utsläppen från inrikes transporter ska minska med minst 70 % från 2010 till 2030. "
        "Målvärdet räknas från kommunens eget basvärde."
    ),
    unit="ton",
    decimals=0,
    series={2010: 52_000.0, 2014: 49_000.0, 2018: 45_500.0, 2022: 41_000.0},
    direction="down",
    goal=GoalSpec(kind="relative", relative_change=-0.70, base_year=2010, target_year=2030),
    thresholds=STATISTICS_CANADA,
)
TREND_SERIES: Mapping[int, float] = {2015: 71.0, 2017: 72.1, 2019: 72.6, 2021: 73.8, 2023: 74.5}
TREND_EXAMPLES: tuple[WorkedExample, ...] = tuple(
    WorkedExample(
        title=f"Utan målvärde, gränsvärden {thresholds.label_sv.split(':')[0]}",
        description="En andel som ska öka, utan något mål med målvärde.",
        unit="%",
        decimals=1,
        series=TREND_SERIES,
        direction="up",
        goal=None,
        thresholds=thresholds,
    )
    for thresholds in (STATISTICS_CANADA, EUROSTAT)
)
WORKED_EXAMPLES: tuple[WorkedExample, ...] = (TARGET_EXAMPLE, *TREND_EXAMPLES)


def _value(value: float | None, decimals: int, unit: str = "") -> str:
    text = format_number(value, decimals)
    return f"{text} {unit}".strip() if value is not None and unit else text


def example_outputs(example: WorkedExample) -> list[tuple[str, str]]:
    """The assessment of an example as (label, Swedish text) pairs."""
    a = example.assessment
    rows = [
        (
            "Basår och basvärde",
            f"{a.base_year}: {_value(a.base_value, example.decimals, example.unit)}",
        ),
        (
            "Senaste år och värde",
            f"{a.latest_year}: {_value(a.latest_value, example.decimals, example.unit)}",
        ),
    ]
    if a.method == "mål":
        rows.append(
            (
                "Målvärde för området",
                f"{_value(a.target_value, example.decimals, example.unit)} år {a.target_year}",
            )
        )
    rows.append(("Faktisk årlig förändring", format_annual_change(a.observed_annual_change, 2)))
    if a.method == "mål":
        rows.append(("Behövd årlig förändring", format_annual_change(a.required_annual_change, 2)))
        rows.append(("Kvot R", format_number(a.ratio, 2)))
    else:
        rows.append(("P (förändring i önskad riktning)", format_annual_change(a.ratio, 2)))
    rows.append(("Poäng", format_number(a.score, 2)))
    return rows


def _pct(fraction: float | None) -> str:
    return MISSING if fraction is None else f"{format_signed(fraction * 100, 2)} %"


def example_steps(example: WorkedExample) -> list[str]:
    """The calculation of an example written out with its own numbers (Swedish notation)."""
    a = example.assessment
    if a.base_year is None or a.latest_year is None or a.observed_annual_change is None:
        return []
    d = example.decimals
    base, latest = format_number(a.base_value, d), format_number(a.latest_value, d)
    years = a.latest_year - a.base_year
    steps: list[str] = []
    rows: list[str] = []
    if a.method == "mål" and a.target_value is not None and a.target_year is not None:
        goal = example.goal
        if goal is not None and goal.kind == "relative" and goal.relative_change is not None:
            change = goal.relative_change
            sign = "−" if change < 0 else "+"
            steps.append(
                f"Målvärde: {base} × (1 {sign} {format_number(abs(change), 2)}) = "
                f"{format_number(a.target_value, d)} år {a.target_year}."
            )
        steps.append(
            f"Faktisk takt: ({latest} / {base})^(1/{years}) − 1 = "
            f"{format_annual_change(a.observed_annual_change, 2)}."
        )
        if a.required_annual_change is not None and a.ratio is not None:
            target = format_number(a.target_value, d)
            span = a.target_year - a.base_year
            steps.append(
                f"Behövd takt: ({target} / {base})^(1/{span}) − 1 = "
                f"{format_annual_change(a.required_annual_change, 2)}."
            )
            direction = 1 if a.required_annual_change > 0 else -1
            steps.append(
                f"Målet kräver en {'ökning' if direction > 0 else 'minskning'}, riktning "
                f"{'+1' if direction > 0 else '−1'}: R = {'+1' if direction > 0 else '−1'} × "
                f"({_pct(a.observed_annual_change)}) / "
                f"{format_number(abs(a.required_annual_change) * 100, 2)} % = "
                f"{format_number(a.ratio, 2)}."
            )
            rows = _ratio_rows(example.thresholds.with_target)
    else:
        wanted = DIRECTIONS[UP if example.direction == UP else DOWN].way
        steps.append(
            f"P = ({latest} / {base})^(1/{years}) − 1 = "
            f"{format_annual_change(a.observed_annual_change, 2)} (önskad riktning {wanted})."
        )
        rows = _change_rows(example.thresholds.without_target)
    if rows and a.status in THRESHOLD_STATUSES and a.ratio is not None:
        bound = rows[THRESHOLD_STATUSES.index(a.status)]
        steps.append(
            f"{bound} → {STATUS_STYLE[a.status].label_sv.lower()}, "
            f"poäng {format_number(a.score, 2)}."
        )
    return steps


def _example_section(example: WorkedExample, index: int) -> html.Section:
    a = example.assessment
    series = pd.DataFrame(
        {"år": list(example.series), "värde": [example.series[y] for y in example.series]}
    )
    outputs = example_outputs(example)
    return html.Section(
        [
            html.H4(example.title),
            html.P(example.description),
            html.Div(
                [
                    data_table(
                        series,
                        [
                            ("år", "År", str),
                            (
                                "värde",
                                f"Värde ({example.unit})",
                                lambda v: format_number(v, example.decimals),
                            ),
                        ],
                        caption="Indata",
                        id=f"om-example-{index}-inputs",
                    ),
                    html.Table(
                        [
                            html.Caption("Resultat"),
                            html.Tbody(
                                [
                                    html.Tr([html.Th(label, scope="row"), html.Td(text)])
                                    for label, text in outputs
                                ]
                                + [
                                    html.Tr(
                                        [
                                            html.Th("Status", scope="row"),
                                            html.Td(status_badge(a.status)),
                                        ]
                                    )
                                ]
                            ),
                        ],
                        className="data-table",
                        id=f"om-example-{index}-outputs",
                    ),
                ],
                className="example-tables",
            ),
            html.H5("Uträkning"),
            html.Ol([html.Li(step) for step in example_steps(example)], className="steps"),
            html.P(["Motivering: ", html.Q(a.reason)], className="note"),
        ],
        className="worked-example",
        id=f"om-example-{index}",
    )


# --- thresholds --------------------------------------------------------------------------------


def _ratio_rows(bounds: tuple[float, float, float]) -> list[str]:
    on, acc, lim = (format_number(b, 2) if b else "0" for b in bounds)
    return [f"R ≥ {on}", f"{acc} ≤ R < {on}", f"{lim} ≤ R < {acc}", f"R < {lim}"]


def _percent(fraction: float) -> str:
    return format_number(fraction * 100, 1).replace(",0", "") + " %"


def _change_rows(bounds: tuple[float, float, float]) -> list[str]:
    on, acc, lim = (_percent(b) for b in bounds)
    return [f"P ≥ {on}", f"{acc} ≤ P < {on}", f"{lim} ≤ P < {acc}", f"P < {lim}"]


THRESHOLD_STATUSES: tuple[Status, ...] = (
    Status.I_FAS,
    Status.ACCELERERA,
    Status.OTILLRACKLIG,
    Status.FEL_HALL,
)


def threshold_table(sets: Iterable[ThresholdSet]) -> html.Table:
    """Both threshold sets side by side: the bounds of every status with and without a target."""
    sets = list(sets)
    header = [html.Th("Status", scope="col")]
    columns: list[list[str]] = []
    for t in sets:
        name = t.label_sv.split(":")[0]
        header.append(html.Th(f"{name}: med målvärde (kvot R)", scope="col"))
        header.append(html.Th(f"{name}: utan målvärde (P per år)", scope="col"))
        columns.append(_ratio_rows(t.with_target))
        columns.append(_change_rows(t.without_target))
    body = [
        html.Tr([html.Th(status_badge(status), scope="row")] + [html.Td(col[i]) for col in columns])
        for i, status in enumerate(THRESHOLD_STATUSES)
    ]
    return html.Table(
        [
            html.Caption("Gränsvärden för status i de två uppsättningarna"),
            html.Thead(html.Tr(header)),
            html.Tbody(body),
        ],
        className="data-table",
        id="om-thresholds",
    )


# --- stored facts ------------------------------------------------------------------------------


def successful_runs(engine: Engine, limit: int = 5) -> pd.DataFrame:
    """The newest successful ETL runs: kind, finished_at, rows_inserted, rows_updated."""
    stmt = (
        select(EtlRun.kind, EtlRun.finished_at, EtlRun.rows_inserted, EtlRun.rows_updated)
        .where(EtlRun.outcome == "success")
        .order_by(EtlRun.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        rows = connection.execute(stmt).all()
    return pd.DataFrame(rows, columns=["kind", "finished_at", "rows_inserted", "rows_updated"])


def newest_year_summary(table: pd.DataFrame) -> str:
    """``"2024 för 90 indikatorer, 2023 för 12 …"`` (most recent year first)."""
    counts, missing = newest_year_counts(table)
    if not counts:
        return "Databasen har inga värden ännu."
    parts = [
        f"{year} för {n} {'indikator' if n == 1 else 'indikatorer'}" for year, n in counts.items()
    ]
    text = "Senaste år med värden: " + ", ".join(parts)
    if missing:
        text += f"; {missing} {'indikator saknar' if missing == 1 else 'indikatorer saknar'} värden"
    return text + "."


def _date_text(value: dt.datetime | None) -> str:
    return format_datetime(value) if value is not None else MISSING


# --- layout ------------------------------------------------------------------------------------


def _source_link(url: str, name: str):
    return html.A(name, href=url) if url else name


def _source_list(sources: pd.DataFrame) -> html.Table:
    """Every source of stored values with its last import."""
    header = html.Thead(
        html.Tr(
            [
                html.Th(text, scope="col")
                for text in ("Källa", "Värden", "Nyckeltal", "Senast inläst")
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Td(_source_link(row.url, row.source)),
                html.Td(row.values),
                html.Td(row.indicators),
                html.Td(row.last_import),
            ]
        )
        for row in sources.itertuples()
    ]
    return html.Table(
        [html.Caption("Källor och senaste inläsning"), header, html.Tbody(rows)],
        className="data-table",
        id="om-sources",
    )


def _sources_section(
    catalogue: Sequence[Indicator], goals: Sequence, sources: pd.DataFrame
) -> html.Section:
    groups = source_group_counts(catalogue)
    counts = goal_counts(goals)
    return html.Section(
        [
            html.H2("Varifrån data kommer", id="kallor"),
            html.P(
                [
                    "Värdena kommer från ",
                    html.A("Kolada", href=KOLADA_URL),
                    ", den öppna databasen för kommuner och regioner som drivs av RKA (Rådet "
                    "för främjande av kommunala analyser). De hämtas med Koladas öppna REST-API "
                    "version 3 (",
                    html.Code(KOLADA_API_URL),
                    ") för Dalarnas 15 kommuner, Region Dalarna (0020) och riket (0000).",
                ]
            ),
            html.P(
                f"Indikatorkatalogen har {len(catalogue)} nyckeltal: "
                + ", ".join(
                    f"{groups[group]} {text}"
                    for group, text in SOURCE_GROUP_TEXT.items()
                    if groups.get(group)
                )
                + ". Varje nyckeltal är kopplat till ett av de globala målen och en dimension "
                "av hållbarhet och har en önskad riktning."
            ),
            html.P(
                [
                    "Statistik som Kolada inte har (egna enkäter, SMHI:s utsläpp per sektor, "
                    "energibalanser) läses in ur CSV-filer med ",
                    html.Code("python -m etl import-csv"),
                    "; varje värde har sin källa, och en uppdatering från Kolada ändrar aldrig "
                    "dem.",
                ]
            ),
            _source_list(sources),
            html.P(
                [
                    f"Målkatalogen har {int(counts['catalogue'].sum())} mål med källa (beslut, "
                    "strategi eller avtal som målet kommer från); egna lokala och regionala mål "
                    "läggs till av inloggade redaktörer på sidan ",
                    dcc.Link("Mål", href="/mal#nytt-mal"),
                    ", i formuläret eller som en målfil (CSV).",
                ]
            ),
            data_table(
                counts,
                [
                    ("label", "Nivå", None),
                    ("catalogue", "Mål i katalogen", str),
                    ("user", "Egna mål", str),
                ],
                caption="Mål per nivå",
                id="om-goal-counts",
            ),
        ],
        className="om-section",
    )


def _licence_section() -> html.Section:
    return html.Section(
        [
            html.H2("Licens och källhänvisning", id="licens"),
            html.P(
                [
                    "Koladas data får användas fritt, även kommersiellt, med källhänvisningen ",
                    html.Strong(f"”{KOLADA_CREDIT}”"),
                    ". Bearbetade data får inte presenteras som Koladas egna. ",
                    "Statusbedömningar, mållinjer, poäng och relativa placeringar i "
                    "instrumentpanelen är instrumentpanelens egna beräkningar, inte Koladas.",
                ]
            ),
            html.P(
                "Varje export har källan på varje rad (”Källa: Kolada”, en egen källa eller "
                "demodata) och datum "
                "då data hämtades.",
                className="note",
            ),
        ],
        className="om-section",
    )


def _refresh_section(status: queries.DataStatus, runs: pd.DataFrame) -> html.Section:
    if status.is_demo:
        built = status.last_success
        state = html.P(
            [
                html.Strong("Databasen innehåller demodata. "),
                "Värdena är genererade exempel, inte Koladas statistik"
                + (f"; de byggdes {_date_text(built)}." if built else "."),
            ],
            className="demo-notice",
        )
    elif status.last_success is not None:
        state = html.P(f"Senast uppdaterad {_date_text(status.last_success)}.")
    else:
        state = html.P("Ingen lyckad uppdatering är registrerad ännu.")
    runs = runs.assign(
        kind_sv=runs["kind"].map(lambda k: RUN_KINDS_SV.get(k, k)),
        finished=runs["finished_at"].map(_date_text),
    )
    return html.Section(
        [
            html.H2("När data hämtades", id="uppdatering"),
            state,
            data_table(
                runs,
                [
                    ("finished", "Klar", None),
                    ("kind_sv", "Körning", None),
                    ("rows_inserted", "Nya värden", lambda v: format_number(v, 0)),
                    ("rows_updated", "Ändrade värden", lambda v: format_number(v, 0)),
                ],
                caption="Senaste lyckade körningar",
                id="om-runs",
            )
            if not runs.empty
            else html.P("Inga lyckade körningar.", className="note"),
            html.H3("Så uppdateras data"),
            html.P(
                "Värdena hämtas från Kolada av den som sköter servern (det behöver internet och "
                "görs inte i instrumentpanelen), med kommandot:"
            ),
            html.Pre(html.Code(REFRESH_COMMAND)),
            html.P(
                [
                    "Uppdateringen hämtar bara värden som ändrats sedan förra körningen; ",
                    html.Code("python -m etl refresh --full"),
                    " läser om allt. Den första riktiga uppdateringen ersätter demodata helt. ",
                    html.Code("python -m etl status"),
                    " visar de senaste körningarna.",
                ]
            ),
        ],
        className="om-section",
    )


def _coverage_section(table: pd.DataFrame, status: queries.DataStatus) -> html.Section:
    return html.Section(
        [
            html.H2("Senaste år per indikator", id="senaste-ar"),
            html.P(newest_year_summary(table), id="om-newest-summary"),
            source_credit(status),
            html.Details(
                [
                    html.Summary(f"Visa tabellen ({len(table)} indikatorer)"),
                    html.Div(
                        data_table(
                            table,
                            [
                                ("kpi_id", "Nyckeltal", None),
                                ("label", "Indikator", None),
                                ("sdg_goal", "Globalt mål", str),
                                ("first_year", "Första år", None),
                                ("newest_year", "Senaste år", None),
                                ("areas", "Områden med värden", str),
                            ],
                            caption="Lagrade år per indikator",
                            id="om-coverage",
                        ),
                        className="table-scroll",
                        tabIndex=0,
                        role="region",
                        **{"aria-label": "Lagrade år per indikator (rulla i sidled)"},
                    ),
                ],
                className="table-alternative",
            ),
        ],
        className="om-section",
    )


def _method_section() -> html.Section:
    return html.Section(
        [
            html.H2("Så bedöms utvecklingen", id="metod"),
            html.P(
                "Varje serie (område, indikator, kön) bedöms mot målet på varje nivå: är målet "
                "uppnått, och räcker takten för att nå det i tid? Den faktiska genomsnittliga "
                "årliga förändringen från basåret jämförs med den förändring som behövs (kvoten "
                "R). Utan målvärde bedöms förändringen i önskad riktning (P) mot fasta "
                "gränsvärden. Metoden följer Statistics Canadas framstegsmått i Open SDG, som "
                "bygger på Eurostats."
            ),
            status_legend(),
            html.H3("Gränsvärden"),
            html.P(
                "Två uppsättningar gränsvärden finns; standard är Statistics Canada. De skiljer "
                "sig bara utan målvärde."
            ),
            html.Div(
                threshold_table(THRESHOLD_SETS.values()),
                className="table-scroll",
                tabIndex=0,
                role="region",
                **{"aria-label": "Gränsvärden (rulla i sidled)"},
            ),
            html.H3("Räkneexempel"),
            html.P(
                "Exemplen räknas fram av instrumentpanelens egen bedömningsfunktion när sidan "
                "visas.",
                className="note",
            ),
            *(_example_section(ex, i) for i, ex in enumerate(WORKED_EXAMPLES, start=1)),
            html.H3("Relativ position"),
            html.P(
                "Hur ett område står sig jämfört med andra är en annan fråga än om målet nås. "
                "Områdena rangordnas efter indikatorns önskade riktning och delas i en övre, "
                "mellersta och nedre tredjedel. Att ligga i den övre tredjedelen betyder bara "
                "att man ligger bättre till än de andra."
            ),
            html.P(html.Strong(RELATIVE_POSITION_NOTE), className="relative-note"),
            html.H3("Hela metodbeskrivningen"),
            html.Details(
                [
                    html.Summary("Visa metodbeskrivningen (formler, poäng, kantfall)"),
                    dcc.Markdown(
                        METHOD_MARKDOWN,
                        className="method-text",
                        dangerously_allow_html=True,
                        link_target="_blank",
                    ),
                ],
                className="table-alternative",
                open=True,
            ),
        ],
        className="om-section",
    )


@cached_answer
def layout(**query) -> html.Div:
    state = read_query(query, {})
    status = service.data_status()
    catalogue = service.catalogue()
    engine = service.engine()
    coverage = newest_years(queries.coverage(engine), catalogue)
    return html.Div(
        [
            html.H1("Om data"),
            url_notes(state.notes),
            html.Nav(
                html.Ul(
                    [
                        html.Li(html.A(text, href=f"#{anchor}"))
                        for anchor, text in (
                            ("kallor", "Varifrån data kommer"),
                            ("licens", "Licens och källhänvisning"),
                            ("uppdatering", "När data hämtades"),
                            ("senaste-ar", "Senaste år per indikator"),
                            ("metod", "Så bedöms utvecklingen"),
                            (intervention_marks.METHOD_ANCHOR, "Effektindikation för insatser"),
                        )
                    ]
                ),
                className="om-contents",
                **{"aria-label": "Innehåll på sidan"},
            ),
            _sources_section(
                catalogue,
                service.goals(),
                source_table(service.sources(), catalogue, demo=status.is_demo),
            ),
            _licence_section(),
            _refresh_section(status, successful_runs(engine)),
            _coverage_section(coverage, status),
            _method_section(),
            intervention_marks.method_section(),
        ],
        className="om-page",
    )
