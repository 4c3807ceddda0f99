"""The Insatser page: layouts for readers and editors, the write callbacks called directly
(each checks the signed-in editor on the server) and the address over HTTP."""

from __future__ import annotations

import base64
import json
from contextvars import copy_context

import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict
from flask_login import login_user

from data.interventions import get_intervention, list_interventions
from indicators import service
from indicators.editors import Editor
from layouts.parts.confirmation import removal_token
from layouts.parts.editor import EditorUser
from tests.support.editors import EDITOR
from tests.support.own_database import own_database

FORM = {
    "title": "Laddstolpar vid kommunens arbetsplatser",
    "area_id": "2080",
    "status": "pågår",
    "start_year": "2024",
    "end_year": "2027",
    "responsible": "Samhällsbyggnadsförvaltningen",
    "indicators": "N85533:down:-10%:2030",
    "goals": "",
    "decision_reference": "KF 2024-03-12 § 45",
    "decision_url": "https://www.falun.se/beslut",
    "description": "",
}


@pytest.fixture
def data(demo_app, tmp_path):
    """A copy of the demo database served for the test, and the page module (imported once
    the app has registered its pages)."""
    global insatser
    import layouts.insatser as page

    insatser = page
    with own_database(tmp_path) as engine:
        yield engine


insatser = None


def _run(callback, trigger: str, value, *args):
    def run():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": trigger, "value": value}]))
        return callback(*args)

    return copy_context().run(run)


def _save(values=None, editing=None, version=None):
    values = FORM if values is None else values
    states = [values[name] for name in insatser.FORM_FIELDS]
    return _run(
        insatser.save_intervention,
        "insatser-save.n_clicks",
        1,
        1,
        *states,
        editing,
        version,
        0,
    )


def _text(component) -> str:
    return json.dumps(
        component.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False
    )


def _as(demo_app, name: str | None):
    context = demo_app.server.test_request_context("/insatser")
    context.push()
    if name is not None:
        login_user(EditorUser(Editor(id=0, name=name, session_id="0:test")))
    return context


def test_reader_sees_the_list_without_edit_controls(demo_app, data):
    context = _as(demo_app, EDITOR)
    try:
        _save()
    finally:
        context.pop()
    context = _as(demo_app, None)
    try:
        page = _text(insatser.layout())
        assert "Laddstolpar vid kommunens arbetsplatser" in page
        assert "Växthusgasutsläpp, transporter (N85533)" in page
        assert "−10 % till 2030" in page and "◐ Pågår" in page and "2024–2027" in page
        assert "Uppgifter: redaktörerna" in page
        assert "https://www.falun.se/beslut" in page
        assert "insatser-save" not in page and "insatser-edit" not in page
        assert "insatser-upload" not in page
        assert "edit-notice" in page
        # The filters narrow the list.
        assert "Inga insatser" in _text(insatser.layout(kommun="2062"))
        assert "Laddstolpar" in _text(insatser.layout(kommun="2080", indikator="N85533"))
    finally:
        context.pop()


def test_editor_adds_changes_and_removes(demo_app, data):
    context = _as(demo_app, EDITOR)
    try:
        assert "insatser-save" in _text(insatser.layout())
        message, refresh, editing, version, _mode = _save()
        assert "är sparad" in _text(message) and refresh == 1 and version == 1
        stored = get_intervention(data, editing)
        assert stored.updated_by == EDITOR and stored.area_id == "2080"

        changed = {**FORM, "status": "genomförd"}
        message, _r, _e, version, _m = _save(changed, editing, 1)
        assert version == 2 and get_intervention(data, editing).status == "genomförd"

        # A form opened at version 1 is now stale: refused in Swedish, nothing written.
        message, *_ = _save({**FORM, "status": "avbruten"}, editing, 1)
        assert "Insatsen har ändrats av någon annan – ladda om" in _text(message)
        assert get_intervention(data, editing).status == "genomförd"

        # Bad input names the field.
        message, *_ = _save({**FORM, "start_year": "tjugo", "decision_url": "ftp://x"})
        assert 'fält \\"start_year\\"' in _text(message) and "decision_url" in _text(message)

        # Removal needs the server's token for this record and editor.
        args = ("insatser-remove-confirm.submit_n_clicks", 1, 1, editing)
        message, *_ = _run(insatser.remove_confirmed, *args, "forged", 0)
        assert "inte bekräftad" in _text(message) and get_intervention(data, editing)
        token = removal_token(insatser.INTERVENTION, editing, 2, EDITOR)
        message, refresh, *_ = _run(insatser.remove_confirmed, *args, token, 0)
        assert "borttagen" in _text(message) and get_intervention(data, editing) is None
    finally:
        context.pop()


def test_every_write_refuses_a_reader(demo_app, data):
    context = _as(demo_app, None)
    try:
        message, *rest = _save()
        assert "Logga in som redaktör" in _text(message)
        assert all(value is insatser.no_update for value in rest)
        upload = (
            "data:text/csv;base64,"
            + base64.b64encode(b"title,area_id,status,start_year\nX,2080,planerad,2024\n").decode()
        )
        message, _ = _run(
            insatser.import_file, "insatser-upload.contents", upload, upload, "x.csv", 0
        )
        assert "Logga in som redaktör" in _text(message)
        token = removal_token(insatser.INTERVENTION, 1, 1, EDITOR)
        message, *_ = _run(
            insatser.remove_confirmed, "insatser-remove-confirm.submit_n_clicks", 1, 1, 1, token, 0
        )
        assert "Logga in som redaktör" in _text(message)
        assert list_interventions(data) == []
    finally:
        context.pop()


def test_import_and_download(demo_app, data):
    context = _as(demo_app, EDITOR)
    try:
        text = "title;area_id;status;start_year;indicators\nBuss;2081;planerad;2026;N85533:down\n"
        upload = "data:text/csv;base64," + base64.b64encode(text.encode("cp1252")).decode()
        message, refresh = _run(
            insatser.import_file, "insatser-upload.contents", upload, upload, "buss.csv", 0
        )
        assert "1 tillagda" in _text(message) and refresh == 1
        bad = "data:text/csv;base64," + base64.b64encode(b"title,area_id\n,2080\n").decode()
        message, refresh = _run(
            insatser.import_file, "insatser-upload.contents", bad, bad, "fel.csv", 0
        )
        assert "Inget från fel.csv sparades" in _text(message) and refresh is insatser.no_update
        download = _run(insatser.download_register, "insatser-export.n_clicks", 1, 1, 0)
        assert download["filename"] == "insatser.csv"
        assert "Buss,2081" in download["content"]
    finally:
        context.pop()


def test_the_address_answers_and_bad_filters_are_noted(client):
    assert client.get("/insatser").status_code == 200
    assert client.get("/insatser?kommun=9999&indikator=X").status_code == 200
    assert service.engine() is not None
