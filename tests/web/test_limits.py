"""Limits through the web: the request body limit (413, in Swedish), uploads with a size limit
that say so, goal files refused for rows and problems listed 50 at a time, foreign encodings,
lists that stay small however many goals and assessments are stored, and writes the database
refuses (read-only, busy) answered with a message instead of a server error."""

from __future__ import annotations

import base64
import codecs
import datetime as dt
import io
import json
import sqlite3
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import flask
import pytest
from dash import dcc
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data.assessments import insert_assessment
from data.database_errors import BUSY_MESSAGE, READ_ONLY_MESSAGE
from data.db import BUSY_TIMEOUT_VARIABLE, open_database
from data.goals import ORIGIN_USER, GoalRecord
from data.models import Goal, GoalChange, QualitativeAssessment, Slideshow
from indicators import service
from indicators.goal_csv import MAX_GOAL_FILE_BYTES, MAX_GOAL_ROWS, write_goal_csv
from indicators.goal_validation import MAX_SHOWN_PROBLEMS, MAX_WORDING_LENGTH
from request_limits import (
    DEFAULT_MAX_REQUEST_BYTES,
    TOO_LARGE_MESSAGE,
    add_request_limit,
    request_limit,
    too_large_message,
)
from tests.support.editors import sign_in
from tests.support.own_database import own_database

EMISSIONS, MORA = "N00401", "2062"
MB = 1024 * 1024
RESPONSE_LIMIT = 1_000_000  # bytes: a page or a callback answer however much is stored


# --- calling callbacks as the renderer does -----------------------------------------------------


@pytest.fixture(scope="module")
def dependencies(demo_app) -> list[dict[str, Any]]:
    return demo_app.server.test_client().get("/_dash-dependencies").get_json()


def _find(dependencies, fragment: str, trigger: str | None = None) -> dict[str, Any]:
    found = [
        c
        for c in dependencies
        if fragment in c["output"]
        and (trigger is None or any(trigger in i["id"] for i in c["inputs"]))
    ]
    assert len(found) == 1, [c["output"] for c in found]
    return found[0]


def _concrete(component: str, match: dict[str, Any]) -> Any:
    if not component.startswith("{"):
        return component
    pattern = json.loads(component)
    return {key: match.get(key, value) for key, value in pattern.items()}


def _key(component: Any, prop: str) -> str:
    name = component["type"] if isinstance(component, dict) else component
    return f"{name}.{prop}"


def call(client, callback, values: dict[str, Any], match: dict[str, Any] | None = None):
    """POST ``callback`` with ``values`` by ``id.property`` (pattern ids by their ``type``;
    ``match`` fills MATCH wildcards; an ALL input gets no components). The first input given a
    value is the one that changed. Returns the response."""
    match = match or {}
    output = callback["output"]
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    outputs = []
    for part in parts:
        component, prop = part.split("@")[0].rsplit(".", 1)
        outputs.append({"id": _concrete(component, match), "property": prop})

    def entry(dependency):
        component = _concrete(dependency["id"], match)
        if isinstance(component, dict) and ["ALL"] in component.values():
            return []
        key = _key(component, dependency["property"])
        return {"id": component, "property": dependency["property"], "value": values.get(key)}

    inputs = [entry(d) for d in callback["inputs"]]
    changed = next(i for i in inputs if isinstance(i, dict) and i["value"] is not None)
    component = changed["id"]
    name = (
        json.dumps(component, sort_keys=True, separators=(",", ":"))
        if isinstance(component, dict)
        else component
    )
    body = {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": inputs,
        "state": [entry(d) for d in callback["state"]],
        "changedPropIds": [f"{name}.{changed['property']}"],
    }
    return client.post("/_dash-update-component", json=body)


def render(client, dependencies, path: str, search: str = ""):
    router = _find(dependencies, "_pages_content.children")
    return call(
        client,
        router,
        {"_pages_location.pathname": path, "_pages_location.search": search},
    )


def text_of(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def upload(data: bytes, mime: str = "text/csv") -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def goal(number: int = 1, **changes) -> GoalRecord:
    values = dict(
        id=f"mora-prov-{number}",
        kpi_id=EMISSIONS,
        level="lokal",
        kind="absolute",
        operator="<=",
        target_value=1.5,
        target_year=2030,
        areas=(MORA,),
        wording_sv=f"Utsläppen ska vara högst 1,5 ton per invånare år 2030 (prov {number}).",
        source_document="Klimatplan för Mora, KF 2026",
        origin=None,
    )
    values.update(changes)
    return GoalRecord(**values)


def goal_file(goals) -> bytes:
    buffer = io.StringIO()
    write_goal_csv(goals, buffer)
    return buffer.getvalue().encode("utf-8")


def compact_rows(count: int, kpi_id: str = EMISSIONS) -> bytes:
    header = "id,kpi_id,level,kind,direction,wording_sv,source_document\n"
    rows = "".join(f"r{i},{kpi_id},regional,direction,up,x,y\n" for i in range(count))
    return (header + rows).encode()


def stored(engine) -> tuple[list, list]:
    with Session(engine) as session:
        goals = [tuple(r) for r in session.execute(select(Goal.__table__).order_by(Goal.id))]
        changes = [
            tuple(r) for r in session.execute(select(GoalChange.__table__).order_by(GoalChange.id))
        ]
    return goals, changes


@pytest.fixture
def editor_client(demo_app, tmp_path):
    """A signed-in client on a private copy of the demo database."""
    with own_database(tmp_path) as engine:
        client = demo_app.server.test_client()
        sign_in(client, engine)
        yield client, engine


# --- the request body limit ---------------------------------------------------------------------


def test_request_limit_from_the_environment(monkeypatch):
    monkeypatch.delenv("MAX_REQUEST_BYTES", raising=False)
    assert request_limit() == DEFAULT_MAX_REQUEST_BYTES == 4 * MB
    monkeypatch.setenv("MAX_REQUEST_BYTES", "10 000 000")
    assert request_limit() == 10_000_000
    for bad in ("4MB", "-1", "1000"):
        with pytest.raises(ValueError, match="MAX_REQUEST_BYTES"):
            request_limit(bad)


def test_a_body_above_the_limit_gets_413_with_a_swedish_message(client):
    response = client.post(
        "/logga-in",
        data={"namn": "x" * (DEFAULT_MAX_REQUEST_BYTES + 10), "losenord": "y"},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 413
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).strip() == TOO_LARGE_MESSAGE
    assert TOO_LARGE_MESSAGE.startswith(
        "Begäran är för stor: instrumentpanelen tar emot högst 4 MB åt gången."
    )


def test_the_limit_is_flasks_max_content_length_on_any_app():
    server = flask.Flask(__name__)

    @server.post("/prov")
    def read_it():
        return str(len(flask.request.get_data()))

    # what add_request_limit reads of a Dash app (a second Dash app would replace the
    # dashboard's as the one Dash's helpers use)
    app = SimpleNamespace(server=server, config=SimpleNamespace(routes_pathname_prefix="/"))
    add_request_limit(app, 100_000)
    assert server.config["MAX_CONTENT_LENGTH"] == 100_000
    client = server.test_client()
    assert client.post("/prov", data=b"x" * 99_000).get_data(as_text=True) == "99000"
    response = client.post("/prov", data=b"x" * 100_001)
    assert response.status_code == 413
    assert response.get_data(as_text=True).strip() == too_large_message(100_000)
    assert "högst 0,1 MB" in too_large_message(100_000)


def test_an_oversized_upload_request_stores_nothing(editor_client, dependencies):
    client, engine = editor_client
    before = stored(engine)
    data = goal_file([goal(n) for n in range(100_000)])  # the probe's 21 MB file
    response = call(
        client,
        _find(dependencies, "mal-import-message"),
        {"mal-upload.contents": upload(data), "mal-upload.filename": "mal.csv"},
    )
    assert response.status_code in (400, 413)
    assert "för stor" in response.get_data(as_text=True)
    assert stored(engine) == before


# --- uploads say when a file is too large -------------------------------------------------------


def _uploads_with_labels(component, parent=None):
    if isinstance(component, dcc.Upload):
        yield component, parent
    children = getattr(component, "children", None)
    if not isinstance(children, list | tuple):
        children = [children]
    for child in children:
        if hasattr(child, "to_plotly_json"):
            yield from _uploads_with_labels(child, component)


def test_every_upload_has_a_limit_and_a_message(demo_app, as_editor):
    from layouts import bildspel, mal

    found = {}
    for page in (mal.layout(), bildspel.layout()):
        for component, label in _uploads_with_labels(page):
            props = label.to_plotly_json()["props"]
            assert component.max_size > 0
            assert props["data-max-bytes"] == str(component.max_size)
            message_id = props["data-message-for"]
            assert [c for c in _walk(page) if getattr(c, "id", None) == message_id]
            found[component.id] = (component.max_size, props["data-too-large"])
    assert found == {
        "mal-upload": (
            MAX_GOAL_FILE_BYTES,
            "Filen {namn} är {storlek} och kan inte laddas upp: en målfil får vara högst 3 MB "
            f"och innehålla högst {MAX_GOAL_ROWS} mål. Dela upp den i mindre filer och försök "
            "igen.",
        ),
        "bildspel-upload": (
            200_000,
            "Filen {namn} är {storlek} och kan inte laddas upp: en bildspelsfil får vara högst "
            "200 kB. Dela upp den i mindre filer och försök igen.",
        ),
    }
    # the base64 of the largest goal file fits the request limit
    assert MAX_GOAL_FILE_BYTES * 4 / 3 + 10_000 < DEFAULT_MAX_REQUEST_BYTES


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    if not isinstance(children, list | tuple):
        children = [children]
    for child in children:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def test_the_script_that_tells_is_served(client):
    script = client.get("/assets/limits.js").get_data(as_text=True)
    assert "data-max-bytes" in script and "{storlek}" in script and "413" in script


# --- goal files through the page ----------------------------------------------------------------


def test_too_many_rows_are_refused_with_the_row_limit(editor_client, dependencies):
    client, engine = editor_client
    before = stored(engine)
    response = call(
        client,
        _find(dependencies, "mal-import-message"),
        {"mal-upload.contents": upload(compact_rows(2_500)), "mal-upload.filename": "mal.csv"},
    )
    assert response.status_code == 200
    assert (
        f'mal.csv, fält \\"(filen)\\": fler än {MAX_GOAL_ROWS} mål – förväntat högst '
        f"{MAX_GOAL_ROWS} mål (rader) per fil" in text_of(response)
    )
    assert stored(engine) == before


def test_an_invalid_file_shows_50_problems_and_counts_the_rest(editor_client, dependencies):
    client, engine = editor_client
    before = stored(engine)
    response = call(
        client,
        _find(dependencies, "mal-import-message"),
        {"mal-upload.contents": upload(compact_rows(2_000, "X1")), "mal-upload.filename": "f.csv"},
    )
    message = response.get_json()["response"]["mal-import-message"]["children"]
    items = [node["props"]["children"] for node in _json_nodes(message) if node.get("type") == "Li"]
    assert len(items) == MAX_SHOWN_PROBLEMS + 1
    assert items[0].startswith('f.csv rad 2, fält "kpi_id": "X1"')
    assert items[-1] == "… och 1950 fel till"
    assert len(response.get_data()) < 50_000
    assert stored(engine) == before


def _json_nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _json_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _json_nodes(value)


def test_excel_unicode_text_is_imported(editor_client, dependencies):
    client, engine = editor_client
    text = goal_file([goal(1), goal(2)]).decode().replace(",", "\t")
    data = codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le")
    response = call(
        client,
        _find(dependencies, "mal-import-message"),
        {"mal-upload.contents": upload(data, "text/plain"), "mal-upload.filename": "mal.txt"},
    )
    assert "mal.txt är importerad: 2 tillagda" in text_of(response)
    with Session(engine) as session:
        assert session.get(Goal, "mora-prov-2").origin == ORIGIN_USER


def test_a_file_with_nul_bytes_gets_the_advice(editor_client, dependencies):
    client, engine = editor_client
    before = stored(engine)
    data = goal_file([goal(1)]).decode().encode("utf-16-le")  # no byte-order mark
    response = call(
        client,
        _find(dependencies, "mal-import-message"),
        {"mal-upload.contents": upload(data), "mal-upload.filename": "mal.csv"},
    )
    body = text_of(response)
    assert "Spara filen som CSV UTF-8 i Excel" in body
    assert body.count("<li") == 0 and body.count('"Li"') == 1  # one problem
    assert stored(engine) == before


def test_a_long_wording_from_the_form_is_refused(editor_client, dependencies):
    client, engine = editor_client
    before = stored(engine)
    values = {
        "mal-form-save.n_clicks": 1,
        "mal-form-area.value": MORA,
        "mal-form-kpi_id.value": EMISSIONS,
        "mal-form-level.value": "lokal",
        "mal-form-kind.value": "absolute",
        "mal-form-operator.value": "<=",
        "mal-form-target_value.value": "1,5",
        "mal-form-target_year.value": "2030",
        "mal-form-wording_sv.value": "Lydelse." * 650_000,  # 5.2 million characters
        "mal-form-source_document.value": "KF",
        "mal-level.value": ["lokal"],
    }
    response = call(client, _find(dependencies, "mal-form-message", "mal-form-save"), values)
    assert response.status_code in (400, 413)  # 5.2 million characters: above the body limit
    values["mal-form-wording_sv.value"] = "x" * (MAX_WORDING_LENGTH + 1)
    response = call(client, _find(dependencies, "mal-form-message", "mal-form-save"), values)
    assert response.status_code == 200
    body = text_of(response)
    assert 'fält \\"wording_sv\\": en text på 2001 tecken – förväntat högst 2000 tecken' in body
    assert stored(engine) == before


# --- writes the database refuses ----------------------------------------------------------------


@pytest.fixture
def read_only(demo_app, tmp_path):
    """A signed-in client; the app then serves its database read-only (``mode=ro``)."""
    with own_database(tmp_path) as engine:
        client = demo_app.server.test_client()
        sign_in(client, engine)
        path = Path(engine.url.database)
        engine.dispose()
        read_only_engine = open_database(f"sqlite:///file:{path}?mode=ro&uri=true")
        service.set_engine(read_only_engine, read_only=True)
        try:
            yield client, read_only_engine
        finally:
            read_only_engine.dispose()


def _dump(engine) -> list:
    with Session(engine) as session:
        return [
            session.execute(select(table.__table__)).all()
            for table in (Goal, GoalChange, QualitativeAssessment, Slideshow)
        ]


def _notes_save(client, dependencies):
    return call(
        client,
        _find(dependencies, "notes-list", "notes-save"),
        {
            "notes-save.n_clicks": 1,
            "notes-subject.data": {
                "area_id": MORA,
                "kpi_id": EMISSIONS,
                "sdg_goal": None,
                "section_id": "prov",
            },
            "notes-date.value": "2026-01-15",
            "notes-text.value": "Utsläppen minskar.",
        },
        match={"section": "prov"},
    )


def _side_message(response, fragment: str) -> str:
    body = response.get_json()
    assert response.status_code == 200, body
    (update,) = [v for k, v in body.get("sideUpdate", {}).items() if fragment in k]
    return update["children"]["props"]["children"]


def test_the_read_only_banner_is_on_every_page(read_only):
    from app import shell

    layout = json.dumps(shell().to_plotly_json(), default=str, ensure_ascii=False)
    assert "Databasen är skrivskyddad – ändringar kan inte sparas" in layout


def test_writes_to_a_read_only_database_answer_with_the_message(read_only, dependencies):
    client, engine = read_only
    before = _dump(engine)
    assert _side_message(_notes_save(client, dependencies), "notes-message") == (
        f"{READ_ONLY_MESSAGE}."
    )
    goal_values = {
        "mal-form-save.n_clicks": 1,
        "mal-form-area.value": MORA,
        "mal-form-kpi_id.value": EMISSIONS,
        "mal-form-level.value": "lokal",
        "mal-form-kind.value": "direction",
        "mal-form-direction.value": "down",
        "mal-form-wording_sv.value": "Utsläppen ska minska.",
        "mal-form-source_document.value": "KF",
    }
    response = call(client, _find(dependencies, "mal-form-message", "mal-form-save"), goal_values)
    assert _side_message(response, "mal-form-message") == f"{READ_ONLY_MESSAGE}."
    response = call(
        client,
        _find(dependencies, "bildspel-save-message"),
        {"bildspel-save.n_clicks": 1, "bildspel-namn.value": "Prov", "bildspel-draft.data": ["/"]},
    )
    assert _side_message(response, "bildspel-save-message") == f"{READ_ONLY_MESSAGE}."
    assert _dump(engine) == before


def test_signing_in_to_a_read_only_database_is_told_not_a_500(read_only):
    client, _engine = read_only
    response = client.post(
        "/logga-in",
        data={"namn": "redaktor.test", "losenord": "ett-långt-lösenord"},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 503
    assert response.get_data(as_text=True).strip() == f"{READ_ONLY_MESSAGE}."


def test_a_write_meeting_a_running_refresh_says_try_again(
    demo_app, tmp_path, dependencies, monkeypatch
):
    monkeypatch.setenv(BUSY_TIMEOUT_VARIABLE, "0.2")
    with own_database(tmp_path) as engine:
        client = demo_app.server.test_client()
        sign_in(client, engine)
        engine.dispose()  # new connections take the short busy timeout
        before = _dump(engine)
        holder = sqlite3.connect(engine.url.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # as a refresh storing its run
        try:
            response = _notes_save(client, dependencies)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert _side_message(response, "notes-message") == f"{BUSY_MESSAGE}."
        assert _dump(engine) == before


# --- lists that stay small ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def many_goals(demo_app, tmp_path_factory):
    """A copy of the demo database with 100 000 users' goals for Mora (stored through the
    ``goals`` table directly; the upload refuses such files), served by the app."""
    folder = tmp_path_factory.mktemp("many-goals")
    with own_database(folder) as engine:
        rows = [{**goal(n).as_dict(), "origin": ORIGIN_USER} for n in range(100_000)]
        with Session(engine) as session, session.begin():
            session.execute(insert(Goal), rows)
        service.set_engine(engine)
        client = demo_app.server.test_client()
        sign_in(client, engine)
        yield client, engine


def _timed(label: str, action):
    started = time.perf_counter()
    response = action()
    print(f"{label}: {len(response.get_data())} bytes in {time.perf_counter() - started:.2f} s")
    assert response.status_code == 200
    assert len(response.get_data()) < RESPONSE_LIMIT
    return response


def test_pages_stay_small_with_100000_goals(many_goals, dependencies):
    client, _engine = many_goals
    mal_page = _timed("/mal", lambda: render(client, dependencies, "/mal"))
    body = text_of(mal_page).replace("\u00a0", " ")
    assert "Mål 1–50 av 100 003" in body  # 100 000 and the catalogue's 3
    _timed("/mal again", lambda: render(client, dependencies, "/mal"))
    _timed("/kommun/2062", lambda: render(client, dependencies, "/kommun/2062"))
    kommun = _timed("/kommun/2062 again", lambda: render(client, dependencies, "/kommun/2062"))
    assert "Alla lokala mål för Mora på sidan Mål" in text_of(kommun)
    assert "/mal?niva=lokal&omraden=2062" in text_of(kommun)


def test_the_main_callbacks_stay_small_with_100000_goals(many_goals, dependencies):
    client, _engine = many_goals
    _timed(
        "Mål: the list for the chosen levels",
        lambda: call(
            client,
            _find(dependencies, "mal-goals.children", "mal-level"),
            {"mal-level.value": ["lokal", "regional"], "mal-areas.value": [MORA]},
        ),
    )
    page = _timed(
        "Mål: the next 50 local goals",
        lambda: call(
            client,
            _find(dependencies, "mal-goal-table"),
            {
                "mal-goal-next.n_clicks": 1,
                "mal-goal-page.data": 0,
                "mal-level.value": ["lokal"],
                "mal-areas.value": [],
            },
            match={"level": "lokal"},
        ),
    )
    answer = page.get_json()["response"]
    (range_text,) = [v["children"] for k, v in answer.items() if "mal-goal-range" in k]
    assert range_text.replace("\u00a0", " ") == "Mål 51–100 av 100 003"
    rows = [n for n in _json_nodes(answer) if n.get("type") == "Tr"]
    assert len(rows) == 51  # a header and 50 goals
    options = _timed(
        "Mål: goals to change matching a search",
        lambda: call(
            client,
            _find(dependencies, "mal-edit.options", "mal-edit"),
            {"mal-edit.search_value": "prov-99"},
        ),
    )
    (found,) = options.get_json()["response"].values()
    assert len(found["options"]) == 51
    assert found["options"][-1]["label"].startswith("… och 1061 mål till")
    _timed(
        "Kommun: the profile for another level",
        lambda: call(
            client,
            _find(dependencies, "kommun-content"),
            {"kommun-level.value": "lokal", "kommun-area.data": MORA},
        ),
    )


def test_assessment_lists_show_the_newest_50_and_the_count(many_goals, dependencies):
    from layouts import kommun
    from layouts.parts.notes import notes_section

    _client, engine = many_goals
    for day in range(60):
        insert_assessment(
            engine,
            area_id=MORA,
            kpi_id=EMISSIONS,
            sdg_goal=None,
            assessed_on=dt.date(2025, 1, 1) + dt.timedelta(days=day),
            judgement=None,
            text=f"Bedömning {day}",
            author="",
        )
    section = notes_section(MORA, kpi_id=EMISSIONS, section_id="prov")
    notes = [c for c in _walk(section) if getattr(c, "className", "") == "qualitative-note"]
    assert len(notes) == 50
    texts = [getattr(c, "children", "") for c in _walk(section)]
    assert (
        "Visar de 50 senaste av 60 bedömningarna. Alla följer med när du laddar ner "
        "värdena (Ladda ner CSV)." in texts
    )
    overview = kommun.notes_list(MORA, kommun.read_selection(levels=("lokal",)))
    assert (
        len([c for c in _walk(overview) if getattr(c, "className", "") == "qualitative-note"]) == 50
    )


def test_the_callback_guard_reads_up_to_the_configured_request_limit():
    """Raising MAX_REQUEST_BYTES raises what a callback (an upload) may carry too."""
    import flask

    from layouts.parts import request_guard

    server = flask.Flask("limits")
    assert request_guard._limit(server) == request_guard.MAX_CALLBACK_BYTES
    server.config["MAX_CONTENT_LENGTH"] = 10_000_000
    assert request_guard._limit(server) == 10_000_000
    server.config["MAX_CONTENT_LENGTH"] = 100_000
    assert request_guard._limit(server) == 100_000
