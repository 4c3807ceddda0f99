"""Two editors at one goal, and removals confirmed on the server: through the page's
callbacks as the browser posts them (the Flask client) and called directly."""

from __future__ import annotations

import threading

import pytest

from data.goals import STALE_GOAL_MESSAGE
from indicators.goals import get_goal, goal_changes, list_goals
from layouts.parts.confirmation import NOT_CONFIRMED, removal_token
from tests.support.editors import EDITOR, sign_in
from tests.web.test_page_mal import (  # noqa: F401 - fixtures
    mal,
    page_engine,
    text_of,
    valid_values,
)
from tests.web.test_sign_in import (  # noqa: F401 - fixtures
    FORM_VALUES,
    dump,
    own,
    post_callback,
    remove_goal,
    save_goal,
    with_account,
)


def test_two_editors_editing_one_goal_the_second_save_is_refused_with_what_differs(
    mal,  # noqa: F811
    page_engine,  # noqa: F811
):
    mal.save_goal(1, valid_values(id="mora-delat"), None, "Ny")
    # Both open the goal: the form carries version 1.
    anna = mal.form_state(get_goal(page_engine, "mora-delat"))
    bertil = mal.form_state(get_goal(page_engine, "mora-delat"))
    assert anna["version"] == bertil["version"] == 1

    first = mal.save_goal(
        1,
        {**anna["fields"], "target_value": "1,0"},
        "mora-delat",
        "Anna skärper",
        version=anna["version"],
    )
    assert "har ändrats" in text_of(first["message"]) and first["version"] == 2
    before = dump(page_engine)

    second = mal.save_goal(
        1,
        {**bertil["fields"], "wording_sv": "Bertils lydelse."},
        "mora-delat",
        "Bertil ändrar lydelsen",
        version=bertil["version"],
    )
    shown = text_of(second["message"])
    assert STALE_GOAL_MESSAGE in shown  # "Målet har ändrats av någon annan – ladda om"
    assert "Sparat nu: version 2" in shown and EDITOR in shown  # who saved in between
    # What differs: Bertil's form still has the old value and his new wording.
    table = text_of(second["message"].children[1])
    assert "Målvärde 1,2 1 " in table  # Bertil's form still 1,2; stored now 1
    assert "Målets lydelse Bertils lydelse. Utsläppen ska vara högst" in table
    assert second["reload_hidden"] is False and second["version"] is mal.no_update
    assert dump(page_engine) == before  # Anna's save stands, nothing logged for Bertil

    reloaded = mal.reload_goal(1, "mora-delat")
    assert reloaded["version"] == 2 and reloaded["fields"]["target_value"] == "1"
    assert "version 2" in text_of(reloaded["message"])
    again = mal.save_goal(
        2,
        {**reloaded["fields"], "wording_sv": "Bertils lydelse."},
        "mora-delat",
        "Bertil ändrar lydelsen",
        version=reloaded["version"],
    )
    assert "har ändrats" in text_of(again["message"])
    stored = get_goal(page_engine, "mora-delat")
    assert (stored.target_value, stored.wording_sv, stored.version) == (1.0, "Bertils lydelse.", 3)


def test_a_removal_without_the_servers_confirmation_removes_nothing(
    mal,  # noqa: F811
    page_engine,  # noqa: F811
):
    mal.save_goal(1, valid_values(id="mora-kvar"), None, "Ny")
    mal.save_goal(1, valid_values(id="mora-annat"), None, "Ny")
    before = dump(page_engine)
    # Signed by the server, but for another editor than the one signed in.
    other_editor = removal_token("goal", "mora-kvar", 1, "annan.redaktor")
    forged = {
        "no token": None,
        "not a token": "abc",
        "a number": 7,
        "another goal's token": mal.confirm_removal(1, "mora-annat", 1)[2],
        "another editor's token": other_editor,
    }
    for what, token in forged.items():
        result = mal.remove_confirmed(1, "mora-kvar", "Bort", token=token)
        assert NOT_CONFIRMED in text_of(result["message"]), what
        assert result["refresh"]["goals"] is mal.no_update, what
    assert dump(page_engine) == before


def test_a_goal_changed_after_the_question_is_not_removed(mal, page_engine):  # noqa: F811
    mal.save_goal(1, valid_values(id="mora-andras"), None, "Ny")
    _shown, _question, token = mal.confirm_removal(1, "mora-andras", 1)
    form = mal.form_state(get_goal(page_engine, "mora-andras"))
    mal.save_goal(1, {**form["fields"], "target_value": "0,9"}, "mora-andras", "", version=1)
    result = mal.remove_confirmed(1, "mora-andras", "Bort", token=token)
    assert "Målet togs inte bort. Målet har ändrats av någon annan" in text_of(result["message"])
    assert result["reload_hidden"] is False
    assert get_goal(page_engine, "mora-andras").target_value == 0.9


def test_a_forged_version_can_only_refuse_a_save(mal, page_engine):  # noqa: F811
    mal.save_goal(1, valid_values(id="mora-form"), None, "Ny")
    form = mal.form_state(get_goal(page_engine, "mora-form"))
    for forged in (99, "1", True, -1, None):
        assert mal.form_version(forged) in (None, 99)
    refused = mal.save_goal(1, {**form["fields"], "target_value": "2"}, "mora-form", "", version=99)
    assert STALE_GOAL_MESSAGE in text_of(refused["message"])
    assert get_goal(page_engine, "mora-form").target_value == 1.2


def test_eight_editors_adding_one_id_at_once_one_is_stored(demo_app, with_account):  # noqa: F811
    """Eight signed-in browsers post the same new goal at the same moment (the Flask client
    of each in its own thread): one stored, seven told the id is taken, no error."""
    clients = [demo_app.server.test_client() for _ in range(8)]
    for client in clients:
        sign_in(client, with_account)
    barrier = threading.Barrier(len(clients))
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def add(client) -> None:
        barrier.wait()
        outcome = save_goal(client)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=add, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _body in results] == [200] * 8
    stored = [body for _status, body in results if "har lagts till" in body]
    taken = [body for _status, body in results if "används redan bland egna mål" in body]
    assert (len(stored), len(taken)) == (1, 7)
    assert [goal.id for goal in list_goals(with_account, origin="användare")] == [FORM_VALUES["id"]]
    assert [change.action for change in goal_changes(with_account)] == ["add"]


def test_removal_through_the_http_callbacks_needs_the_question_first(
    client,
    with_account,  # noqa: F811
):
    sign_in(client, with_account)
    assert "har lagts till" in save_goal(client)[1]
    before = dump(with_account)
    status, body = remove_goal(client, FORM_VALUES["id"], token=None)
    assert status == 200 and NOT_CONFIRMED in body
    assert dump(with_account) == before
    status, body = remove_goal(client, FORM_VALUES["id"])
    assert status == 200 and "har tagits bort" in body
    assert get_goal(with_account, FORM_VALUES["id"]) is None


@pytest.mark.parametrize("version", [{"x": 1}, [1], "2", 1.5])
def test_odd_versions_in_a_posted_save_are_no_500(client, with_account, version):  # noqa: F811
    sign_in(client, with_account)
    values = {(f"mal-form-{name}", "value"): value for name, value in FORM_VALUES.items()}
    values[("mal-form-save", "n_clicks")] = 1
    values[("mal-form-version", "data")] = version
    values[("mal-edit", "value")] = None
    status, body = post_callback(client, "mal-form-save", values, ("mal-form-save", "n_clicks"))
    assert status == 200 and "har lagts till" in body
