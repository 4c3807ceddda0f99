"""The goal service: every goal operation the pages, the command line and the app call.

Goals come at four levels (:data:`indicators.vocabulary.GOAL_LEVELS`). The shipped catalogue
``data/goals.csv`` holds sourced goals; :func:`sync_catalogue_goals` checks it and stores it as
the catalogue goals (origin ``katalog``). Catalogue goals cannot be changed or removed. Users add
their own goals (origin ``användare``) one at a time or from a goal CSV file; they may add goals
at the levels in :data:`indicators.vocabulary.USER_LEVELS` (``lokal`` and ``regional``), since
their municipality's and their region's goals are theirs to record, while global and national
goals come only from the sourced catalogue. Every change to a user goal is logged.

Goals that go against their indicator's desired direction are found by
:func:`direction_questions` (with each area's newest stored value); an import saves them and
returns one warning line per goal, also logged, so that the command line shows it too.

Every goal is checked (:mod:`indicators.goal_validation`) before it is stored through
:mod:`data.goals`; files are read and written by :mod:`indicators.goal_csv`. Reads are here too
(:func:`list_goals` orders by level, :func:`get_goal`, :func:`goal_changes`), so callers have one
import point for goal operations; records and storage errors are defined in :mod:`data.goals`.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine

from data import queries
from data.areas import DEFAULT_AREAS
from data.goals import (
    CATALOGUE_PATH,
    GOAL_FIELDS,
    ORIGIN_CATALOGUE,
    GoalRecord,
    SavedGoals,
    delete_user_goal,
    get_goal,
    goal_changes,
    insert_user_goal,
    removed_goal_ids_of,
    replace_catalogue_goals,
    save_user_goals,
    search_goals,
    select_goals,
    update_user_goal,
)
from indicators.catalogue import catalogue_by_id, load_catalogue
from indicators.goal_csv import VERSION_COLUMN, read_goal_csv, read_numbered_goals, write_goal_csv
from indicators.goal_validation import (
    GoalFileError,
    GoalProblem,
    LatestValue,
    against_direction,
    latest_value_area,
    require_note,
    require_user_goal,
)
from indicators.vocabulary import GOAL_LEVELS, USER_LEVELS

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- reading


def _level_order(goal: GoalRecord) -> tuple[int, str, str]:
    rank = GOAL_LEVELS.index(goal.level) if goal.level in GOAL_LEVELS else len(GOAL_LEVELS)
    return rank, goal.kpi_id, goal.id


def list_goals(
    engine: Engine,
    *,
    kpi_id: str | None = None,
    level: str | None = None,
    area_id: str | None = None,
    origin: str | None = None,
) -> list[GoalRecord]:
    """Stored goals, ordered lokal → global, then by KPI and id.

    ``area_id`` keeps the goals for every area and those naming that area.
    """
    goals = select_goals(engine, kpi_id=kpi_id, level=level, area_id=area_id, origin=origin)
    return sorted(goals, key=_level_order)


def find_goals(
    engine: Engine, text: str = "", *, origin: str | None = None, limit: int = 50
) -> tuple[list[GoalRecord], int]:
    """At most ``limit`` goals (of ``origin``) whose id contains ``text`` or whose indicator's
    name or KPI id does (ignoring case), by id; and how many match in all."""
    needle = text.strip().lower()
    kpi_ids = [
        indicator.kpi_id
        for indicator in load_catalogue()
        if needle and (needle in indicator.label.lower() or needle in indicator.kpi_id.lower())
    ]
    return search_goals(engine, origin=origin, text=needle, kpi_ids=kpi_ids, limit=limit)


# --------------------------------------------------------------------------- against the direction


def _latest_values(
    engine: Engine, goals: Iterable[GoalRecord]
) -> dict[tuple[str, str], LatestValue]:
    """The newest value (total, not by gender) of each goal's indicator in the area that
    tells whether it is already met (:func:`~indicators.goal_validation.latest_value_area`)."""
    wanted = {
        (goal.kpi_id, area) for goal in goals if (area := latest_value_area(goal)) is not None
    }
    if not wanted:
        return {}
    table = queries.latest_values(
        engine,
        kpi_ids=sorted({kpi for kpi, _ in wanted}),
        area_ids=sorted({area for _, area in wanted}),
    )
    titles = {**{a: t for a, (t, _kind) in DEFAULT_AREAS.items()}, **queries.area_titles(engine)}
    return {
        (kpi, area): LatestValue(titles.get(area, area), int(year), float(value))
        for kpi, area, year, value in table.itertuples(index=False)
        if (kpi, area) in wanted
    }


def direction_questions(engine: Engine, goals: Iterable[GoalRecord]) -> dict[str, str]:
    """The goals (by id) that go against their indicator's desired direction, each with the
    reason in Swedish (:func:`~indicators.goal_validation.against_direction`, with the area's
    newest stored value)."""
    goals = list(goals)
    indicators = catalogue_by_id()
    latest = _latest_values(engine, goals)
    questions: dict[str, str] = {}
    for goal in goals:
        area = latest_value_area(goal)
        known = latest.get((goal.kpi_id, area)) if area is not None else None
        reason = against_direction(goal, indicators.get(goal.kpi_id), known)
        if reason is not None:
            questions[goal.id] = reason
    return questions


def direction_question(engine: Engine, goal: GoalRecord) -> str | None:
    """Why ``goal`` goes against its indicator's desired direction, or ``None``
    (:func:`direction_questions` of one goal)."""
    return direction_questions(engine, [goal]).get(goal.id)


# --------------------------------------------------------------------------- the catalogue


def sync_catalogue_goals(
    engine: Engine,
    path: str | Path | None = None,
    *,
    known_kpi_ids: Collection[str] | None = None,
    write: bool = True,
) -> int:
    """Load the goal catalogue (default ``data/goals.csv``) as the ``katalog`` goals.

    All catalogue rows are replaced in one transaction; user goals are left alone. When the
    stored catalogue already matches the file nothing is written at all (so a read-only
    database whose catalogue is current is left alone), and with ``write=False`` nothing is
    written either way: a stored catalogue that differs from the file is only logged. The file
    is checked first: a file with problems raises
    :class:`~indicators.goal_validation.GoalFileError` and the database is unchanged; a
    catalogue id used by a user goal raises :class:`~data.goals.DuplicateGoalError`. Returns the
    number of goals.
    """
    goals = read_goal_csv(Path(path or CATALOGUE_PATH), known_kpi_ids=known_kpi_ids)
    stored = {goal.id: goal for goal in select_goals(engine, origin=ORIGIN_CATALOGUE)}
    if stored == {goal.id: goal for goal in goals}:
        return len(goals)
    if not write:
        log.warning(
            "The goal catalogue file differs from the stored catalogue goals; the database is "
            "read-only, so the stored ones are shown"
        )
        return len(stored)
    return replace_catalogue_goals(engine, goals)


# --------------------------------------------------------------------------- users' goals


def add_goal(
    engine: Engine,
    goal: GoalRecord,
    note: str = "",
    *,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
    changed_by: str | None = None,
) -> GoalRecord:
    """Add a user goal and log it (``changed_by``: the signed-in editor). Raises
    :class:`~indicators.goal_validation.InvalidGoalError` for a goal that breaks the rules,
    :class:`~indicators.goal_validation.GoalLevelError` for a level users may not add,
    :class:`~data.goals.DuplicateGoalError` for an id already in use."""
    require_note(note)
    require_user_goal(goal, known_kpi_ids=known_kpi_ids, known_area_ids=known_area_ids)
    return insert_user_goal(engine, goal, note, changed_by=changed_by)


def update_goal(
    engine: Engine,
    goal: GoalRecord,
    note: str = "",
    *,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
    expected_version: int | None = None,
    changed_by: str | None = None,
) -> GoalRecord:
    """Replace the user goal with ``goal.id`` and log the change (nothing is logged when the
    goal is unchanged). Checked as :func:`add_goal`; catalogue goals raise
    :class:`~data.goals.CatalogueGoalError`, unknown ids :class:`~data.goals.UnknownGoalError`.
    ``expected_version``, the version the editor's form was opened with: a goal changed since
    raises :class:`~data.goals.StaleGoalError` and is left as it is."""
    require_note(note)
    require_user_goal(goal, known_kpi_ids=known_kpi_ids, known_area_ids=known_area_ids)
    return update_user_goal(
        engine, goal, note, expected_version=expected_version, changed_by=changed_by
    )


def remove_goal(
    engine: Engine,
    goal_id: str,
    note: str = "",
    *,
    expected_version: int | None = None,
    changed_by: str | None = None,
) -> GoalRecord:
    """Remove the user goal ``goal_id`` and log it; returns the removed goal. Catalogue goals
    raise :class:`~data.goals.CatalogueGoalError`, unknown ids
    :class:`~data.goals.UnknownGoalError`, a goal changed since ``expected_version``
    :class:`~data.goals.StaleGoalError`."""
    require_note(note)
    return delete_user_goal(
        engine, goal_id, note, expected_version=expected_version, changed_by=changed_by
    )


# --------------------------------------------------------------------------- files


def changed_fields(goal: GoalRecord, stored: GoalRecord) -> list[str]:
    """The columns in which ``goal`` differs from ``stored`` (file column names)."""
    return [name for name in GOAL_FIELDS if getattr(goal, name) != getattr(stored, name)]


def _changed_since_export(
    engine: Engine,
    name: str,
    numbered: list[tuple[int, GoalRecord]],
    stored: dict[str, GoalRecord],
) -> list[GoalProblem]:
    """The rows of an exported file whose goal someone else changed or removed since the
    export (the row's version is not the stored one): importing them would undo that."""
    removed = removed_goal_ids_of(engine, [goal.id for _, goal in numbered if goal.version])
    problems: list[GoalProblem] = []
    for line, goal in numbered:
        if goal.version is None:
            continue
        now = stored.get(goal.id)
        if now is None and goal.id in removed:
            expected = (
                "ett mål som finns: det har tagits bort sedan exporten. Ta bort raden, eller "
                "töm versionen för att lägga till målet igen"
            )
        elif now is not None and now.version != goal.version and now != goal:
            expected = (
                f"version {now.version}: målet har ändrats sedan exporten (ändrade fält: "
                f"{', '.join(changed_fields(goal, now))}). Exportera målen på nytt och gör "
                "ändringen i den filen, eller töm versionen på raden för att skriva över"
            )
        else:
            continue
        problems.append(
            GoalProblem(
                name,
                line,
                VERSION_COLUMN,
                str(goal.version),
                expected,
                found=f"version {goal.version}",
            )
        )
    return problems


def _stored_goal_problems(
    engine: Engine, name: str, numbered: list[tuple[int, GoalRecord]]
) -> list[GoalProblem]:
    """The rows of a user file that the stored goals or the user levels do not allow."""
    stored = {goal.id: goal for goal in select_goals(engine, ids=[g.id for _, g in numbered])}
    problems = _changed_since_export(engine, name, numbered, stored)
    for line, goal in numbered:
        existing = stored.get(goal.id)
        if existing is not None and existing.origin == ORIGIN_CATALOGUE:
            if existing != goal:
                problems.append(
                    GoalProblem(
                        name,
                        line,
                        "id",
                        goal.id,
                        "ett id som inte finns i målkatalogen (katalogmål kan inte ändras; "
                        "ge det egna målet ett eget id)",
                    )
                )
            continue
        if goal.level not in USER_LEVELS:
            problems.append(
                GoalProblem(
                    name,
                    line,
                    "level",
                    goal.level,
                    f"{' eller '.join(USER_LEVELS)} för egna mål (globala och nationella mål "
                    "finns i målkatalogen)",
                )
            )
    return problems


def import_goals_csv(
    engine: Engine,
    path: str | Path,
    note: str = "",
    *,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
    changed_by: str | None = None,
    source_name: str | None = None,
) -> SavedGoals:
    """Add or replace user goals from a CSV file, by id, logging each change with ``note``
    (``source_name``: what messages call the file, by default its name).

    Every row is checked first, also against the stored goals: a row may not change a catalogue
    goal (a row identical to a catalogue goal, as in an export of all goals, is skipped) and must
    have a level users may add. If anything is wrong,
    :class:`~indicators.goal_validation.GoalFileError` lists every problem and nothing is stored.
    User goals that are not in the file are kept. Returns the ids added, changed and unchanged.
    A note longer than :data:`~indicators.goal_validation.MAX_NOTE_LENGTH` raises
    :class:`~indicators.goal_validation.GoalNoteError` before the file is read.
    """
    require_note(note)
    name, numbered = read_numbered_goals(
        Path(path),
        source_name=source_name,
        known_kpi_ids=known_kpi_ids,
        known_area_ids=known_area_ids,
        # the higher goals a row may contribute to: the file's and the stored ones
        linked_levels={goal.id: goal.level for goal in select_goals(engine)},
    )
    problems = _stored_goal_problems(engine, name, numbered)
    if problems:
        raise GoalFileError(problems)
    result = save_user_goals(engine, (goal for _, goal in numbered), note, changed_by=changed_by)
    saved = {*result.added, *result.changed}
    questions = direction_questions(engine, (goal for _, goal in numbered if goal.id in saved))
    warnings = tuple(
        f"{name} rad {line} ({goal.id}): {questions[goal.id]} Målet sparades; kontrollera det."
        for line, goal in numbered
        if goal.id in questions
    )
    for warning in warnings:
        log.warning("%s", warning)
    log.info(
        "Goals imported from %s: %d added, %d changed, %d unchanged",
        name,
        len(result.added),
        len(result.changed),
        len(result.unchanged),
    )
    return replace(result, warnings=warnings)


def export_goals_csv(
    engine: Engine, path_or_buffer: str | Path | TextIO, *, origin: str | None = None
) -> int:
    """Write stored goals (all, or those of one ``origin``) as CSV; returns the number written.

    A file is written as UTF-8 with a byte-order mark so that Excel shows å, ä and ö; the file
    can be imported again with :func:`import_goals_csv`.
    """
    goals = list_goals(engine, origin=origin)
    if isinstance(path_or_buffer, str | Path):
        with Path(path_or_buffer).open("w", encoding="utf-8-sig", newline="") as handle:
            return write_goal_csv(goals, handle)
    return write_goal_csv(goals, path_or_buffer)


__all__ = [
    "add_goal",
    "direction_question",
    "direction_questions",
    "export_goals_csv",
    "find_goals",
    "get_goal",
    "goal_changes",
    "import_goals_csv",
    "list_goals",
    "remove_goal",
    "sync_catalogue_goals",
    "update_goal",
]
