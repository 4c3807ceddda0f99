"""Editor accounts (indicators.editors, data.users): names and passwords, hashing, signing in
and its rate limit, sessions that end with the account, the stored session secret, and the
revision that adds the accounts and the who-made-it columns."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from data import migrations
from data.db import get_meta, open_database
from data.users import SECRET_KEY_META, DuplicateUserError, UnknownUserError, list_users
from indicators.editors import (
    MAX_FAILURES_PER_ADDRESS,
    MAX_FAILURES_PER_NAME,
    SIGN_IN_WINDOW,
    TOO_MANY_ATTEMPTS,
    WRONG_NAME_OR_PASSWORD,
    InvalidEditorError,
    add_editor,
    editor_of_session,
    find_editor,
    has_editors,
    is_limited,
    remove_editor,
    session_secret,
    sign_in,
)

PASSWORD = "korrekt-häst-batteri"
NOW = dt.datetime(2026, 5, 12, 9, 0)


def test_an_account_stores_only_a_salted_hash(engine):
    assert not has_editors(engine)
    editor = add_editor(engine, "anna.berg", PASSWORD)
    (stored,) = list_users(engine)
    assert stored.name == editor.name == "anna.berg"
    assert PASSWORD not in stored.password_hash
    assert stored.password_hash.startswith(("scrypt:", "pbkdf2:"))
    other = add_editor(engine, "bo", PASSWORD)
    assert find_editor(engine, "bo").password_hash != stored.password_hash  # salted
    assert has_editors(engine) and other.name == "bo"


def test_names_and_passwords_are_checked_with_swedish_messages(engine):
    with pytest.raises(InvalidEditorError) as error:
        add_editor(engine, "anna <b>", "kort")
    assert len(error.value.problems) == 2
    assert "går inte som namn" in error.value.problems[0]
    assert "minst 10 tecken" in error.value.problems[1]
    with pytest.raises(InvalidEditorError, match="tomt"):
        add_editor(engine, "  ", PASSWORD)
    assert add_editor(engine, " Åsa Öberg ", PASSWORD).name == "Åsa Öberg"
    with pytest.raises(DuplicateUserError, match="Åsa Öberg"):
        add_editor(engine, "åsa öberg", PASSWORD)  # names are unique regardless of case
    assert list_users(engine)[0].name == "Åsa Öberg"


def test_remove_by_name_regardless_of_case(engine):
    add_editor(engine, "Anna", PASSWORD)
    assert remove_editor(engine, "anna").name == "Anna"
    with pytest.raises(UnknownUserError, match="ingen redaktör"):
        remove_editor(engine, "anna")
    assert not has_editors(engine)


def test_sign_in_with_the_right_and_a_wrong_password(engine):
    add_editor(engine, "Anna", PASSWORD)
    right = sign_in(engine, "anna", PASSWORD, "10.0.0.1", NOW)
    assert right.editor is not None and right.editor.name == "Anna"
    wrong = sign_in(engine, "Anna", PASSWORD + "x", "10.0.0.1", NOW)
    assert (wrong.editor, wrong.message, wrong.limited) == (None, WRONG_NAME_OR_PASSWORD, False)
    unknown = sign_in(engine, "Okänd", PASSWORD, "10.0.0.1", NOW)
    assert unknown.message == WRONG_NAME_OR_PASSWORD  # the same answer for an unknown name
    assert sign_in(engine, "Anna", "", "10.0.0.1", NOW).editor is None


def test_too_many_failures_for_a_name_from_an_address_must_wait(engine):
    add_editor(engine, "anna", PASSWORD)
    for _ in range(MAX_FAILURES_PER_NAME):
        assert sign_in(engine, "anna", "fel", "10.0.0.1", NOW).message == WRONG_NAME_OR_PASSWORD
    limited = sign_in(engine, "ANNA", PASSWORD, "10.0.0.1", NOW + dt.timedelta(minutes=1))
    assert (limited.editor, limited.message, limited.limited) == (None, TOO_MANY_ATTEMPTS, True)
    assert TOO_MANY_ATTEMPTS.startswith("För många försök – vänta en stund")
    # Not locked out from elsewhere, and free again once the window has passed.
    assert sign_in(engine, "anna", PASSWORD, "10.0.0.2", NOW).editor is not None
    later = NOW + SIGN_IN_WINDOW + dt.timedelta(seconds=1)
    assert sign_in(engine, "anna", PASSWORD, "10.0.0.1", later).editor is not None


def test_one_address_trying_many_names_must_wait(engine):
    for number in range(MAX_FAILURES_PER_ADDRESS):
        sign_in(engine, f"namn{number}", "fel", "10.0.0.9", NOW)
    assert is_limited(engine, "ett-nytt-namn", "10.0.0.9", NOW)
    assert not is_limited(engine, "ett-nytt-namn", "10.0.0.8", NOW)


def test_a_successful_sign_in_forgets_the_failures_and_old_ones_are_deleted(engine):
    add_editor(engine, "anna", PASSWORD)
    for _ in range(MAX_FAILURES_PER_NAME - 1):
        sign_in(engine, "anna", "fel", "10.0.0.1", NOW)
    assert sign_in(engine, "anna", PASSWORD, "10.0.0.1", NOW).editor is not None
    assert not is_limited(engine, "anna", "10.0.0.1", NOW)
    sign_in(engine, "bo", "fel", "10.0.0.3", NOW)
    sign_in(engine, "bo", "fel", "10.0.0.3", NOW + 2 * SIGN_IN_WINDOW)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM sign_in_failures")).scalar()
    assert count == 1


def test_a_session_ends_when_the_account_goes_or_gets_a_new_password(engine):
    editor = add_editor(engine, "anna", PASSWORD)
    assert editor_of_session(engine, editor.session_id) == editor
    assert editor_of_session(engine, f"{editor.id}:förfalskad") is None
    assert editor_of_session(engine, "x:y") is None
    remove_editor(engine, "anna")
    assert editor_of_session(engine, editor.session_id) is None
    again = add_editor(engine, "anna", PASSWORD + "2")
    assert again.session_id != editor.session_id
    assert editor_of_session(engine, editor.session_id) is None


def test_session_secret_is_generated_once_and_stored(engine):
    first = session_secret(engine)
    assert len(first) >= 32
    assert session_secret(engine) == first
    with Session(engine) as session:
        assert get_meta(session, SECRET_KEY_META) == first


def test_revision_0003_keeps_rows_and_adds_the_who_columns(db_url):
    """A database at 0002 with rows in the three tables that gain a column: upgraded on
    opening, every row kept, the new columns empty."""
    engine = create_engine(db_url)
    with engine.begin() as connection:
        command.upgrade(migrations.alembic_config(connection), "0002_unbounded_texts")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO goal_changes (changed_at, goal_id, action, note) "
                "VALUES ('2026-01-02 03:04:05', 'mora-mal', 'add', 'KF')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO slideshows (name, views, created_at, updated_at) "
                "VALUES ('Maj', '[\"/\"]', '2026-01-02 03:04:05', '2026-01-02 03:04:05')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO qualitative_assessments (area_id, kpi_id, assessed_on, text, "
                "author, created_at) VALUES ('2062', 'N00401', '2026-01-02', 'Bättre', 'Eva', "
                "'2026-01-02 03:04:05')"
            )
        )
    engine.dispose()

    upgraded = open_database(db_url)
    with upgraded.connect() as connection:
        change = connection.execute(text("SELECT goal_id, note, changed_by FROM goal_changes"))
        assert change.one() == ("mora-mal", "KF", None)
        show = connection.execute(text("SELECT name, updated_by FROM slideshows"))
        assert show.one() == ("Maj", None)
        note = connection.execute(
            text("SELECT text, author, created_by FROM qualitative_assessments")
        )
        assert note.one() == ("Bättre", "Eva", None)
        assert connection.execute(text("SELECT count(*) FROM users")).scalar() == 0
    # and back down to 0002, the rows still there
    with upgraded.begin() as connection:
        command.downgrade(migrations.alembic_config(connection), "0002_unbounded_texts")
    with upgraded.connect() as connection:
        assert connection.execute(text("SELECT note FROM goal_changes")).scalar() == "KF"
        assert connection.execute(text("SELECT author FROM qualitative_assessments")).scalar()
    upgraded.dispose()
