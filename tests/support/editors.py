"""Signed-in editors for tests that change things through the pages.

* ``as_editor``: callbacks and layouts called directly run as a signed-in editor (a request
  context with the editor signed in, for the whole test).
* :func:`sign_in`: a Flask test client signs in through ``/logga-in`` with an account created
  in the given database (the one the app serves during the test).
* ``editor``: a browser page signs in through the sign-in form; the account is made in the
  database the app serves (the test's own copy when it uses ``own_data``) and removed after.
"""

from __future__ import annotations

import pytest
from flask_login import login_user

from indicators.editors import Editor, add_editor, find_editor, remove_editor

EDITOR = "redaktor.test"
PASSWORD = "ett-långt-lösenord"


def ensure_account(engine, name: str = EDITOR, password: str = PASSWORD) -> None:
    if find_editor(engine, name) is None:
        add_editor(engine, name, password)


def sign_in(client, engine, name: str = EDITOR, password: str = PASSWORD) -> str:
    """Create the account in ``engine`` (if needed) and sign ``client`` in; returns the name."""
    ensure_account(engine, name, password)
    response = client.post(
        "/logga-in",
        data={"namn": name, "losenord": password, "nasta": "/"},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return name


@pytest.fixture
def as_editor(demo_app):
    """Run the test inside a request on which an editor is signed in (for callbacks and
    layouts called directly, which check the signed-in editor)."""
    from layouts.parts.editor import EditorUser

    with demo_app.server.test_request_context("/"):
        login_user(EditorUser(Editor(id=0, name=EDITOR, session_id="0:test")))
        yield EDITOR


def sign_in_page(page, base_url: str, engine) -> str:
    """Create the account in ``engine`` (if needed) and sign the browser ``page`` in through
    the sign-in form; returns the name."""
    ensure_account(engine)
    page.goto(base_url + "/logga-in")
    page.get_by_label("Namn").fill(EDITOR)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.click("button:has-text('Logga in')")
    page.wait_for_url(base_url + "/")
    return EDITOR


@pytest.fixture
def editor(request, page, live_server):
    """Sign the browser ``page`` in as an editor through the sign-in form."""
    from indicators import service

    if "own_data" in request.fixturenames:
        request.getfixturevalue("own_data")  # the account goes into the test's own copy
    engine = service.engine()
    sign_in_page(page, live_server.url, engine)
    yield EDITOR
    if find_editor(engine, EDITOR) is not None:
        remove_editor(engine, EDITOR)
