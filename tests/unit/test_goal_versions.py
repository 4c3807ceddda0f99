"""Concurrent edits of goals: versions, stale saves refused, the database's key deciding
between two editors adding one id, and imports of exported files that someone else's change
has overtaken."""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from data import goals as stored_goals
from data.db import open_database
from data.goals import (
    ORIGIN_USER,
    REMOVED_GOAL_MESSAGE,
    STALE_GOAL_MESSAGE,
    DuplicateGoalError,
    GoalRecord,
    StaleGoalError,
)
from data.models import Goal
from indicators.goal_csv import VERSION_COLUMN, goal_row
from indicators.goal_validation import GoalFileError
from indicators.goals import (
    add_goal,
    export_goals_csv,
    get_goal,
    goal_changes,
    import_goals_csv,
    list_goals,
    remove_goal,
    update_goal,
)
from tests.unit.test_goals import csv_text, run_cli, snapshot, user_goal


def _raise_version_meanwhile(engine: Engine, goal_id: str) -> None:
    """Another writer's change, committed on its own connection."""
    with engine.begin() as connection:
        connection.execute(
            update(Goal)
            .where(Goal.id == goal_id)
            .values(version=Goal.version + 1, target_value=99.0)
        )


def test_versions_start_at_one_and_rise_with_each_change(engine: Engine):
    added = add_goal(engine, user_goal(), "Ny")
    assert added.version == 1 and get_goal(engine, added.id).version == 1
    changed = update_goal(engine, replace(added, target_value=90.0), "Ändrad")
    assert changed.version == 2
    same = update_goal(engine, replace(changed, target_value=90.0), "Samma")
    assert same.version == 2  # nothing to save: no new version, nothing logged
    assert [change.action for change in goal_changes(engine)] == ["change", "add"]


def test_a_save_against_an_older_version_is_refused_with_what_is_stored(engine: Engine):
    opened = add_goal(engine, user_goal(), "Ny")
    # The first editor saves; the second still has the form opened at version 1.
    update_goal(engine, replace(opened, target_value=90.0), "Först", expected_version=1)
    before = snapshot(engine)
    with pytest.raises(StaleGoalError) as raised:
        update_goal(engine, replace(opened, target_value=70.0), "Sedan", expected_version=1)
    assert str(raised.value) == STALE_GOAL_MESSAGE == "Målet har ändrats av någon annan – ladda om"
    assert raised.value.stored_goal.target_value == 90.0
    assert raised.value.stored["version"] == 2
    assert snapshot(engine) == before


def test_a_change_between_read_and_write_is_refused_too(engine: Engine, monkeypatch):
    opened = add_goal(engine, user_goal(), "Ny")
    real_check = stored_goals._require_version

    def check_then_someone_saves(model, expected_version):
        real_check(model, expected_version)
        _raise_version_meanwhile(engine, opened.id)

    monkeypatch.setattr(stored_goals, "_require_version", check_then_someone_saves)
    with pytest.raises(StaleGoalError) as raised:
        update_goal(engine, replace(opened, target_value=70.0), "Sedan", expected_version=1)
    assert raised.value.stored_goal.target_value == 99.0  # the other writer's value stays
    assert [change.action for change in goal_changes(engine)] == ["add"]


def test_removing_an_older_version_is_refused_and_a_removed_goal_is_told(engine: Engine):
    opened = add_goal(engine, user_goal(), "Ny")
    update_goal(engine, replace(opened, target_value=90.0), "Först")
    with pytest.raises(StaleGoalError):
        remove_goal(engine, opened.id, "Bort", expected_version=1)
    assert get_goal(engine, opened.id).target_value == 90.0
    remove_goal(engine, opened.id, "Bort", expected_version=2)
    with pytest.raises(StaleGoalError) as raised:
        stored_goals.save_user_goals(engine, [replace(opened, version=2)], "Tillbaka")
    assert str(raised.value) == REMOVED_GOAL_MESSAGE and raised.value.stored is None


@pytest.mark.sqlite_only
def test_parallel_adds_of_one_id_store_one_and_tell_the_rest(db_url: str):
    """Eight editors add the same new id at once, three rounds: one stored each time, the
    others a clear message, no other error (the key decides, not a check before the insert)."""
    engine = open_database(db_url)
    outcomes: list[str] = []
    lock = threading.Lock()

    def add(goal: GoalRecord, barrier: threading.Barrier) -> None:
        barrier.wait()
        try:
            add_goal(engine, goal, "Samtidigt")
            outcome = "stored"
        except DuplicateGoalError as error:
            outcome = "duplicate" if "används redan" in str(error) else f"other: {error}"
        except Exception as error:  # the failure this test exists to catch
            outcome = f"error: {type(error).__name__}: {error}"
        with lock:
            outcomes.append(outcome)

    for round_number in range(3):
        goal = user_goal(id=f"mora-samtidigt-{round_number}")
        barrier = threading.Barrier(8)
        threads = [threading.Thread(target=add, args=(goal, barrier)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(set(outcomes)) == ["duplicate", "stored"], outcomes
    assert outcomes.count("stored") == 3 and outcomes.count("duplicate") == 21
    stored = [goal.id for goal in list_goals(engine, origin=ORIGIN_USER)]
    assert sorted(stored) == [f"mora-samtidigt-{n}" for n in range(3)]
    assert len(goal_changes(engine)) == 3
    engine.dispose()


def test_parallel_adds_on_postgresql_too(engine: Engine):
    """The same on whichever backend ``engine`` is (PostgreSQL raises the key's error at the
    second insert, after waiting for the first transaction)."""
    results: list[str] = []
    barrier = threading.Barrier(6)

    def add() -> None:
        barrier.wait()
        try:
            add_goal(engine, user_goal(), "Samtidigt")
            results.append("stored")
        except DuplicateGoalError:
            results.append("duplicate")

    threads = [threading.Thread(target=add) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["duplicate"] * 5 + ["stored"]


# --------------------------------------------------------------------------- exported files


def _exported(engine: Engine) -> list[dict[str, str]]:
    buffer = io.StringIO()
    export_goals_csv(engine, buffer, origin=ORIGIN_USER)
    return list(csv.DictReader(io.StringIO(buffer.getvalue())))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text(csv_text(*rows), encoding="utf-8")
    return path


def test_export_carries_each_goals_version(engine: Engine):
    added = add_goal(engine, user_goal(), "Ny")
    update_goal(engine, replace(added, target_value=90.0), "Ändrad")
    [row] = _exported(engine)
    assert row[VERSION_COLUMN] == "2"


def test_import_reports_rows_changed_since_the_export_and_stores_nothing(
    engine: Engine, tmp_path: Path
):
    first = add_goal(engine, user_goal(), "Ny")
    add_goal(engine, user_goal(id="mora-exempel-tva"), "Ny")
    rows = {row["id"]: row for row in _exported(engine)}
    # Someone changes the first goal in the form after the export...
    update_goal(engine, replace(first, target_value=90.0), "I formuläret")
    # ...and the file, edited meanwhile, would put the old value back with another change.
    rows[first.id]["wording_sv"] = "Ändrad lydelse i filen."
    rows["mora-exempel-tva"]["target_value"] = "80"
    ordered = [rows[first.id], rows["mora-exempel-tva"]]
    before = snapshot(engine)
    with pytest.raises(GoalFileError) as raised:
        import_goals_csv(engine, _write(tmp_path / "mal.csv", ordered), "Import")
    [problem] = raised.value.problems
    assert (problem.line, problem.field) == (2, VERSION_COLUMN)
    message = str(problem)
    assert "version 1" in message and "version 2" in message
    assert "ändrats sedan exporten" in message and "target_value" in message
    assert snapshot(engine) == before


def test_import_of_a_row_whose_goal_was_removed_since_is_reported(engine: Engine, tmp_path: Path):
    add_goal(engine, user_goal(), "Ny")
    rows = _exported(engine)
    remove_goal(engine, user_goal().id, "Bort")
    with pytest.raises(GoalFileError) as raised:
        import_goals_csv(engine, _write(tmp_path / "mal.csv", rows), "Import")
    assert "tagits bort sedan exporten" in str(raised.value)
    # Emptying the version adds it again on purpose.
    rows[0][VERSION_COLUMN] = ""
    result = import_goals_csv(engine, _write(tmp_path / "mal.csv", rows), "Igen")
    assert result.added == (user_goal().id,)


def test_import_of_the_current_export_and_from_another_installation_works(
    engine: Engine, other_db_url: str, tmp_path: Path
):
    first = add_goal(engine, user_goal(), "Ny")
    rows = _exported(engine)
    rows[0]["target_value"] = "88"
    result = import_goals_csv(engine, _write(tmp_path / "mal.csv", rows), "Import")
    assert result.changed == (first.id,) and get_goal(engine, first.id).version == 2
    # The same file in a database that never had the goal: added, as a file from elsewhere.
    other = open_database(other_db_url)
    try:
        moved = import_goals_csv(other, _write(tmp_path / "mal.csv", rows), "Flytt")
        assert moved.added == (first.id,)
    finally:
        other.dispose()


def test_a_bad_version_cell_is_a_problem_with_line_and_field(engine: Engine, tmp_path: Path):
    row = {**goal_row(user_goal()), VERSION_COLUMN: "tre"}
    with pytest.raises(GoalFileError) as raised:
        import_goals_csv(engine, _write(tmp_path / "mal.csv", [row]), "Import")
    assert 'rad 2, fält "version": "tre"' in str(raised.value)
    assert "versionsnummer" in str(raised.value)


def test_cli_import_names_the_rows_changed_since_the_export(db_url: str, tmp_path: Path, capsys):
    engine = open_database(db_url)
    added = add_goal(engine, user_goal(), "Ny")
    exported = tmp_path / "export.csv"
    assert run_cli(["--database-url", db_url, "goals", "export", str(exported)]) == 0
    update_goal(engine, replace(added, target_value=90.0), "I formuläret", expected_version=1)
    text = exported.read_text(encoding="utf-8-sig").replace("Exempelmål:", "Ändrat mål:")
    exported.write_text(text, encoding="utf-8")
    before = snapshot(engine)
    capsys.readouterr()
    assert run_cli(["--database-url", db_url, "goals", "import", str(exported)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"Ingenting importerades från {exported} (1 fel):"
    assert lines[1].startswith('export.csv rad 2, fält "version": version 1 – förväntat version 2')
    assert "ändrade fält: target_value, wording_sv" in lines[1]
    assert snapshot(engine) == before
    engine.dispose()
