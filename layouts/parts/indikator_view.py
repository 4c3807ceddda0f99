"""What the Indikator page shows for one selection: reading the address bar, the time series,
goal-line, status and ranking tables (the ranking from :func:`indicators.ranking.dalarna_ranking`),
and the figures (built by :mod:`layouts.parts.figures`).

Pure functions over the cached tables of :mod:`indicators.service`; the page module only lays them
out and wires the controls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from dash import html

from indicators import service
from indicators.catalogue import Indicator
from indicators.follow_up import goal_levels_of, goal_line_table
from indicators.formatting import MISSING, format_number
from indicators.ranking import Ranking, dalarna_ranking, ranking_heading
from indicators.status_facts import status_facts
from indicators.vocabulary import (
    ALL_LEVELS,
    GENDER_LABELS,
    GENDERS,
    GOAL_LEVELS,
    LEVEL_LABELS,
    NO_VALUE,
    THIRD_STYLE,
)
from layouts.parts.components import METHOD_PARAM, data_table
from layouts.parts.figures import (
    DIRECTION_RANK_TEXT,
    Figure,
    goal_summary,
    ranking_figure,
    series_figure,
    series_name,
)
from layouts.parts.intervention_marks import (
    add_intervention_marks,
    intervention_table,
    shown_interventions,
)
from layouts.parts.url_state import Choices, Kind, read_query, read_value
from layouts.parts.why import why_details

#: The gender choices: radio value → label. "K,M" shows women and men side by side.
GENDER_CHOICES: dict[str, str] = {
    **{gender: GENDER_LABELS[gender] for gender in GENDERS},
    "K,M": f"{GENDER_LABELS['K']} och {GENDER_LABELS['M'].lower()}",
}

# --- reading the address bar -----------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What the page shows, as read from the address bar or the controls."""

    areas: tuple[str, ...]
    gender: str
    levels: tuple[str, ...]
    threshold_set: str

    @property
    def genders(self) -> tuple[str, ...]:
        return tuple(self.gender.split(","))

    @property
    def shown_areas(self) -> tuple[str, ...]:
        """The chosen municipalities (in display order), then Region Dalarna and Riket."""
        chosen = [a for a in service.MUNICIPALITY_IDS if a in self.areas]
        return (*chosen, *service.REFERENCE_AREAS)


#: The page's parameters, by their names in the address (the area ids of Region Dalarna and Riket
#: are accepted, though they are always shown).
PARAMS: dict[str, Kind] = {
    "omraden": Choices(
        service.AREA_ORDER, what="Området", what_plural="Områdena", labels=service.area_title
    ),
    "kon": Choices(GENDERS, what="Könet", what_plural="Könen", labels=GENDER_LABELS),
    "niva": Choices(ALL_LEVELS, what="Målnivån", what_plural="Målnivåerna", labels=LEVEL_LABELS),
    "metod": METHOD_PARAM,
}


def gender_choice(value: Any, divided: bool) -> str:
    """The gender radio value for a ``kon`` parameter: T, K, M or K,M (T when undivided)."""
    if not divided:
        return "T"
    chosen, _ = read_value("kon", value, PARAMS["kon"])
    if "K" in chosen and "M" in chosen:
        return "K,M"
    return chosen[0] if chosen else "T"


def read_url_selection(
    indicator: Indicator, goals: Sequence, query: Mapping[str, Any]
) -> tuple[Selection, tuple[str, ...]]:
    """The selection an address asks for and the notes on what in it was not used."""
    state = read_query(query, PARAMS)
    available = goal_levels_of(indicator.kpi_id, goals)
    levels = [level for level in state["niva"] if level in available] or list(available)
    selection = Selection(
        areas=tuple(a for a in state["omraden"] if a in service.MUNICIPALITY_IDS),
        gender=gender_choice(state["kon"], indicator.is_divided_by_gender),
        levels=tuple(levels),
        threshold_set=state["metod"],
    )
    return selection, state.notes


def read_selection(
    indicator: Indicator,
    goals: Sequence,
    *,
    omraden: str | list[str] | None = None,
    kon: str | list[str] | None = None,
    niva: str | list[str] | None = None,
    metod: str | list[str] | None = None,
) -> Selection:
    """The selection a URL asks for, keeping only allowed values (defaults otherwise).

    A parameter given twice arrives as a list: a list parameter adds its values, a single one
    takes the first. Goal levels default to every level with a goal, also when ``niva`` names
    none of them (e.g. ``niva=trend`` from a page where it chooses the status level).
    """
    query = {"omraden": omraden, "kon": kon, "niva": niva, "metod": metod}
    return read_url_selection(indicator, goals, query)[0]


def selection_record(kpi_id: str, selection: Selection) -> dict:
    """The selection as the download panel expects it."""
    return {
        "areas": list(selection.shown_areas),
        "kpis": [kpi_id],
        "genders": list(selection.genders),
        "years": None,
        "levels": list(selection.levels),
        "threshold_set": selection.threshold_set,
    }


# --- qualitative assessments ------------------------------------------------------------------


def notes_areas(chosen: Sequence[str] | None) -> tuple[str, ...]:
    """The areas whose assessments the page offers: the chosen municipalities (display order),
    then Region Dalarna and Riket – the areas the page shows."""
    chosen = chosen or ()
    municipalities = [a for a in service.MUNICIPALITY_IDS if a in chosen]
    return (*municipalities, *service.REFERENCE_AREAS)


def notes_area(
    chosen: Sequence[str] | None,
    current: str | None = None,
    offered_before: Sequence[str] | None = None,
) -> str:
    """The area whose assessments the page shows after the chosen municipalities changed.

    The area shown so far (``current``) stays while the page still shows it, unless it was
    only the fallback for a page without municipalities (``offered_before`` held none): then,
    as when nothing was shown, the first chosen municipality, else Region Dalarna.
    """
    offered = notes_areas(chosen)
    municipalities = [a for a in offered if a in service.MUNICIPALITY_IDS]
    was_fallback = not any(a in service.MUNICIPALITY_IDS for a in offered_before or ())
    stays = current in service.MUNICIPALITY_IDS or not was_fallback or not municipalities
    if current is not None and current in offered and stays:
        return current
    return municipalities[0] if municipalities else offered[0]


def notes_area_options(chosen: Sequence[str] | None) -> list[dict[str, str]]:
    """The choice of area for the assessments: one option per area the page shows."""
    return [{"label": service.area_title(a), "value": a} for a in notes_areas(chosen)]


# --- tables ----------------------------------------------------------------------------------


def series_table(
    observations: pd.DataFrame,
    *,
    area_ids: Sequence[str],
    area_titles: Mapping[str, str],
    genders: Sequence[str],
    decimals: int,
) -> tuple[pd.DataFrame, list]:
    """The time series as a table: a row per year, a column per area (and gender); Swedish
    numbers and "–" for missing values. Returns the frame and ``data_table`` columns."""
    years: list[int] = []
    if not observations.empty:
        years = list(range(int(observations["year"].min()), int(observations["year"].max()) + 1))
    frame = pd.DataFrame({"year": years})
    columns: list = [("year", "År", None)]
    for i, (area_id, gender) in enumerate((a, g) for a in area_ids for g in genders):
        rows = observations[
            (observations["area_id"] == area_id) & (observations["gender"] == gender)
        ]
        by_year = dict(zip(rows["year"].astype(int), rows["value"], strict=True))
        field = f"s{i}"
        frame[field] = [format_number(by_year.get(y), decimals) for y in years]
        columns.append(
            (field, series_name(area_titles.get(area_id, area_id), gender, genders), None)
        )
    return frame, columns


def goal_table(
    goals: Sequence,
    lines: pd.DataFrame,
    *,
    levels: Sequence[str],
    area_ids: Sequence[str],
    area_titles: Mapping[str, str],
    decimals: int,
) -> pd.DataFrame:
    """The goal lines as a table: per goal and area the line's start and end (or why there is
    no line). Columns: level, goal, area, start, end, source."""
    rows: list[dict] = []
    for level in GOAL_LEVELS:
        if level not in levels:
            continue
        for goal in sorted((g for g in goals if g.level == level), key=lambda g: g.id):
            for area_id in area_ids:
                if not goal.applies_to(area_id):
                    continue
                path = lines[(lines["goal_id"] == goal.id) & (lines["area_id"] == area_id)]
                if path.empty:
                    start = (
                        "Riktningsmål – ingen mållinje"
                        if goal.kind == "direction"
                        else ("Ingen mållinje (basvärde saknas)")
                    )
                    end = MISSING
                elif goal.kind == "band":
                    start = f"{path['year'].min()}–{path['year'].max()}"
                    end = goal_summary(goal, decimals)
                else:
                    first, last = path.iloc[0], path.iloc[-1]
                    start = f"{int(first['year'])}: {format_number(first['value'], decimals)}"
                    end = f"{int(last['year'])}: {format_number(last['value'], decimals)}"
                rows.append(
                    {
                        "level": LEVEL_LABELS[level],
                        "goal": goal_summary(goal, decimals),
                        "area": area_titles.get(area_id, area_id),
                        "start": start,
                        "end": end,
                        "source": goal.source_document,
                    }
                )
    return pd.DataFrame(rows, columns=["level", "goal", "area", "start", "end", "source"])


GOAL_TABLE_COLUMNS = [
    ("level", "Nivå", None),
    ("goal", "Mål", None),
    ("area", "Område", None),
    ("start", "Mållinjen börjar (år: värde)", None),
    ("end", "Mållinjen slutar (år: värde)", None),
    ("source", "Källa", None),
]


def ranking_table(ranking: Ranking, area_titles: Mapping[str, str], decimals: int) -> pd.DataFrame:
    """The ranking as a table, references last. Columns: rank, area, value, position."""
    rows = []
    for record in ranking.ranks.to_dict("records"):
        style = THIRD_STYLE.get(record["label"], THIRD_STYLE[NO_VALUE])
        rows.append(
            {
                "rank": MISSING if pd.isna(record["rank"]) else str(int(record["rank"])),
                "area": area_titles.get(record["area_id"], record["area_id"]),
                "value": format_number(record["value"], decimals),
                "position": f"{style.icon} {style.label_sv}",
            }
        )
    for area_id, value in ranking.references.items():
        rows.append(
            {
                "rank": "Jämförelse",
                "area": area_titles.get(area_id, area_id),
                "value": format_number(value, decimals),
                "position": MISSING,
            }
        )
    return pd.DataFrame(rows, columns=["rank", "area", "value", "position"])


RANKING_TABLE_COLUMNS = [
    ("rank", "Placering", None),
    ("area", "Område", None),
    ("value", "Värde", None),
    ("position", "Relativ position", None),
]


def status_cell(record: Mapping, goal, indicator: Indicator, *, name: str) -> html.Details:
    """One status of the table: its badge opens the facts behind it ("Varför?")."""
    level = LEVEL_LABELS[record["level"]].lower()
    return why_details(
        status_facts(record, indicator=indicator, goal=goal),
        title=f"{name} – {indicator.label}, {level}",
    )


def status_matrix(
    status: pd.DataFrame,
    goals: Mapping[str, object],
    *,
    indicator: Indicator,
    area_ids: Sequence[str],
    area_titles: Mapping[str, str],
    genders: Sequence[str],
) -> html.Table:
    """A table area (× gender) × level with a status badge per cell, each opening the facts
    behind it; "Inget mål" where no goal of the level applies."""
    header = html.Thead(
        html.Tr(
            [html.Th("Område", scope="col")]
            + [html.Th(LEVEL_LABELS[level], scope="col") for level in ALL_LEVELS]
        )
    )
    cells = {(r["area_id"], r["gender"], r["level"]): r for r in status.to_dict("records")}
    body = []
    for area_id in area_ids:
        for gender in genders:
            name = series_name(area_titles.get(area_id, area_id), gender, genders)
            row = [html.Th(name, scope="row")]
            for level in ALL_LEVELS:
                record = cells.get((area_id, gender, level))
                if record is None:
                    row.append(html.Td(html.Span("Inget mål", className="no-goal")))
                    continue
                goal = goals.get(record["goal_id"]) if record["goal_id"] else None
                row.append(html.Td(status_cell(record, goal, indicator, name=name)))
            body.append(html.Tr(row))
    return html.Table(
        [
            html.Caption(
                "Status per område och nivå – välj en status för att se varför den är som den är"
            ),
            header,
            html.Tbody(body),
        ],
        className="data-table status-matrix",
    )


# --- the page's content for one selection ----------------------------------------------------


@dataclass
class IndicatorView:
    """Everything that changes with the selection, but the table alternatives (built when
    opened: :func:`series_tables`, :func:`ranking_table_of`)."""

    series_figure: Figure
    status: html.Table
    ranking_heading: str
    ranking_figure: Figure
    selection: dict


@dataclass(frozen=True)
class _Shown:
    """The rows and goals one selection draws."""

    titles: dict[str, str]
    observations: pd.DataFrame  # the indicator's rows for every area and gender
    shown: pd.DataFrame  # the shown areas' and genders' rows
    goals: list  # the indicator's goals
    lines: pd.DataFrame  # goal lines of the chosen levels for the shown areas

    @property
    def goals_by_id(self) -> dict:
        return {g.id: g for g in self.goals}


def _titles() -> dict[str, str]:
    return {area_id: service.area_title(area_id) for area_id in service.AREA_ORDER}


def _gender_phrase(genders: Sequence[str]) -> str:
    return " och ".join(GENDER_LABELS[g].lower() for g in genders)


def _shown(indicator: Indicator, selection: Selection) -> _Shown:
    area_ids = selection.shown_areas
    kpi_obs = service.kpi_observations(indicator.kpi_id)
    shown = kpi_obs[kpi_obs["area_id"].isin(area_ids) & kpi_obs["gender"].isin(selection.genders)]
    kpi_goals = [g for g in service.goals() if g.kpi_id == indicator.kpi_id]
    lines = goal_line_table(
        kpi_obs, [g for g in kpi_goals if g.level in selection.levels], area_ids=area_ids
    )
    return _Shown(_titles(), kpi_obs, shown, kpi_goals, lines)


def _ranking(
    indicator: Indicator, selection: Selection, observations: pd.DataFrame
) -> tuple[Ranking, str]:
    """The ranking (of the one gender shown, else the total) and its chart title."""
    genders = selection.genders
    rank_gender = genders[0] if len(genders) == 1 else "T"
    ranking = dalarna_ranking(
        observations, indicator.kpi_id, gender=rank_gender, direction=indicator.direction
    )
    title = (
        f"{indicator.label} {ranking.year or ''} ({GENDER_LABELS[rank_gender].lower()}): "
        f"{DIRECTION_RANK_TEXT[indicator.direction]}"
    )
    return ranking, title


def build_view(indicator: Indicator, selection: Selection) -> IndicatorView:
    """Figures and the status table for one selection (what the layout shows first and the
    callback returns on every change)."""
    data = _shown(indicator, selection)
    genders = selection.genders
    area_ids = selection.shown_areas
    years = data.shown.dropna(subset=["value"])["year"]
    period = f", {years.min()}–{years.max()}" if not years.empty else ""
    figure = series_figure(
        data.shown,
        title=f"{indicator.label} ({_gender_phrase(genders)}){period}",
        unit=indicator.unit,
        decimals=indicator.decimals,
        area_ids=area_ids,
        area_titles=data.titles,
        genders=genders,
        goal_lines=data.lines,
        goals=data.goals_by_id,
        levels=selection.levels,
    )
    # Insatser: the start year of each shown municipality's intervention on the indicator.
    interventions = shown_interventions(indicator.kpi_id, area_ids)
    add_intervention_marks(
        figure, interventions, data.shown, area_titles=data.titles, gender=genders[0]
    )
    status = service.status(selection.threshold_set, genders)
    status = status[(status["kpi_id"] == indicator.kpi_id) & status["area_id"].isin(area_ids)]
    matrix = status_matrix(
        status,
        data.goals_by_id,
        indicator=indicator,
        area_ids=area_ids,
        area_titles=data.titles,
        genders=genders,
    )
    ranking, rank_title = _ranking(indicator, selection, data.observations)
    heading = ranking_heading(ranking)
    rank_figure = ranking_figure(
        ranking.ranks,
        title=rank_title,
        unit=indicator.unit,
        decimals=indicator.decimals,
        area_titles=data.titles,
        references=ranking.references,
    )
    return IndicatorView(
        series_figure=figure,
        status=matrix,
        ranking_heading=heading,
        ranking_figure=rank_figure,
        selection=selection_record(indicator.kpi_id, selection),
    )


def series_tables(indicator: Indicator, selection: Selection) -> list:
    """The time series' table alternative: the values per year and area, and the goal lines."""
    data = _shown(indicator, selection)
    frame, columns = series_table(
        data.shown,
        area_ids=selection.shown_areas,
        area_titles=data.titles,
        genders=selection.genders,
        decimals=indicator.decimals,
    )
    goals_frame = goal_table(
        data.goals,
        data.lines,
        levels=selection.levels,
        area_ids=selection.shown_areas,
        area_titles=data.titles,
        decimals=indicator.decimals,
    )
    tables: list = [
        html.Div(
            data_table(
                frame,
                columns,
                caption=f"{indicator.label} per år ({indicator.unit}); – betyder att värde saknas",
                id="indikator-series-data",
            ),
            className="table-scroll",
        )
    ]
    # Insatser: the markers' table (none when no shown municipality has one on the indicator).
    interventions = intervention_table(
        shown_interventions(indicator.kpi_id, selection.shown_areas), data.titles
    )
    if interventions is not None:
        tables.append(interventions)
    if goals_frame.empty:
        tables.append(html.P("Inga mållinjer för de valda nivåerna.", className="note"))
    else:
        tables.append(
            html.Div(
                data_table(goals_frame, GOAL_TABLE_COLUMNS, caption="Mållinjer"),
                className="table-scroll",
            )
        )
    return tables


def ranking_table_of(indicator: Indicator, selection: Selection) -> html.Table:
    """The ranking's table alternative."""
    observations = service.kpi_observations(indicator.kpi_id)
    ranking, rank_title = _ranking(indicator, selection, observations)
    return data_table(
        ranking_table(ranking, _titles(), indicator.decimals),
        RANKING_TABLE_COLUMNS,
        caption=f"{rank_title} ({indicator.unit})",
        id="indikator-ranking-data",
    )
