"""The shared answer cache (``layouts.parts.answer_cache``): the read-only pages' answers are
computed once and served byte for byte to every participant, worker and server process on the
machine, until the data version changes; what an editor sees never enters it.

Requests are posted to ``/_dash-update-component`` as Dash's renderer posts them (the pages
router for a page load, a page's own callback for a control). A test that counts computed
answers serves its own copy of the demo database, so the answers it meets start uncached; two
app instances, ``CACHE_TYPE=null``, a broken ``CACHE_URL`` and gunicorn's warming start apps in
processes of their own.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dash
import pytest
import requests
from dash import Dash
from sqlalchemy.orm import Session

from benchmarks._http import find_dependency, layout_values, update_body
from data.goals import GoalRecord
from data.models import EtlRun
from indicators import service
from indicators.assessments import add_assessment
from indicators.editors import add_editor
from indicators.goals import add_goal, update_goal
from layouts.parts import answer_cache
from layouts.parts.answer_cache import (
    AnswerCacheError,
    cache_settings,
    init_answer_cache,
    is_cached,
    own_private_folder,
    shared_answers,
    warm,
)
from tests.conftest import PROJECT_DIR
from tests.support.editors import sign_in
from tests.support.gunicorn import stop, wait_until_answering
from tests.support.own_database import own_database

UPDATE = "/_dash-update-component"
PAGES_OUTPUT = "_pages_content.children"
MORA = "2062"
PROFILE = f"/kommun/{MORA}"
INDICATOR = f"/indikator/N00401?omraden={MORA}"
#: The editor's assessment form (its date field), and what participants see instead.
FORM, NOTICE = '"notes-date"', "skriva och ta bort bedömningar"
GUNICORN = Path(sys.executable).with_name("gunicorn")


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def own(demo_app, tmp_path):
    """A copy of the demo database, served while the test runs (its answers start uncached)."""
    with own_database(tmp_path) as engine:
        yield engine


@pytest.fixture
def answers(demo_app):
    shared = shared_answers(demo_app)
    assert shared is not None, "the demo app runs without its answer cache"
    return shared


@pytest.fixture
def bare_app(demo_app, monkeypatch):
    """A new Dash app without pages, for settings that stop a start; Dash's "current app"
    (``dash.get_app()``, which a new app takes over) is the demo app again afterwards."""
    monkeypatch.setattr(dash._get_app, "APP", dash._get_app.APP)
    return Dash(__name__)


def _dependencies(client) -> list[dict]:
    return client.get("/_dash-dependencies").get_json()


def page_body(client, address: str) -> dict:
    """What the browser posts to draw the page at ``address``."""
    parts = urlsplit(address)
    return update_body(
        find_dependency(_dependencies(client), PAGES_OUTPUT),
        {
            "_pages_location.pathname": parts.path,
            "_pages_location.search": f"?{parts.query}" if parts.query else "",
        },
    )


def post(client, body: dict) -> bytes:
    response = client.post(UPDATE, json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data()


def draw(client, address: str) -> bytes:
    return post(client, page_body(client, address))


def page_text(answer: bytes) -> str:
    return json.dumps(json.loads(answer), ensure_ascii=False)


@pytest.fixture
def layout_calls(monkeypatch):
    """Counts the calls of a page's ``layout`` (as Dash Pages' router makes them)."""
    calls: dict[str, int] = {}

    def count(module: str) -> None:
        page = dash.page_registry[module]
        original = page["layout"]

        @functools.wraps(original)  # keeps the mark of the original
        def counted(*args, **kwargs):
            calls[module] = calls.get(module, 0) + 1
            return original(*args, **kwargs)

        monkeypatch.setitem(page, "layout", counted)

    calls_of = calls.get
    return count, lambda module: calls_of(module, 0)


def _snapshot(shared) -> tuple[int, int]:
    return shared.hits, shared.misses


# --------------------------------------------------------------------------- reuse


def test_a_page_is_drawn_once_then_served_from_the_cache_byte_for_byte(
    own, client, answers, layout_calls
):
    count, calls = layout_calls
    count("layouts.kommun")
    hits, misses = _snapshot(answers)

    first = draw(client, PROFILE)
    second = draw(client, PROFILE)
    assert calls("layouts.kommun") == 1
    assert (answers.hits, answers.misses) == (hits + 1, misses + 1)
    assert second == first

    answers.clear()  # computed afresh: the same bytes as the shared answer
    assert draw(client, PROFILE) == first
    assert calls("layouts.kommun") == 2


def test_a_page_s_address_is_part_of_the_question(own, client, layout_calls):
    count, calls = layout_calls
    count("layouts.kommun")
    national = draw(client, f"{PROFILE}?niva=nationell")
    trend = draw(client, f"{PROFILE}?niva=trend")
    assert national != trend
    assert draw(client, f"{PROFILE}?niva=nationell") == national
    assert draw(client, "/kommun/2080") not in (national, trend)
    assert calls("layouts.kommun") == 3


def test_a_callback_answer_is_shared_and_depends_on_its_inputs(own, client, answers):
    dependency = find_dependency(_dependencies(client), "kommun-content.children")
    layout = json.loads(draw(client, PROFILE))["response"]["_pages_content"]["children"]
    values = layout_values(layout, [*dependency.inputs, *dependency.state])

    def ask(level: str, changed: list[str] | None = None) -> bytes:
        return post(
            client,
            update_body(dependency, {**values, "kommun-level.value": level}, changed=changed),
        )

    hits, misses = _snapshot(answers)
    trend = ask("trend")
    assert ask("trend", changed=["kommun-method.value"]) == trend  # which input changed: not asked
    assert (answers.hits, answers.misses) == (hits + 1, misses + 1)
    national = ask("nationell")
    assert national != trend
    assert (answers.hits, answers.misses) == (hits + 1, misses + 2)


def test_the_main_views_of_the_read_only_pages_are_marked(demo_app):
    pages = {module: is_cached(page["layout"]) for module, page in dash.page_registry.items()}
    for module in (
        "layouts.oversikt",
        "layouts.indikator",
        "layouts.kommun",
        "layouts.jamfor",
        "layouts.malkonflikter",
        "layouts.om",
    ):
        assert pages[module], module
    # Pages whose answer is the editor's own tools are never shared.
    assert not pages["layouts.mal"]
    assert not pages["layouts.bildspel"]


def test_the_pages_own_main_callbacks_are_marked(demo_app, client):
    _dependencies(client)  # the callback map is complete after the first request
    marked = {
        output
        for output, entry in demo_app.callback_map.items()
        if is_cached(entry.get("callback"))
    }
    for prefix in (
        "..oversikt-summary.children",
        "..indikator-series.figure",
        "..kommun-content.children",
        "..jamfor-panels.children",
        "..malkonflikter-scatter.figure",
    ):
        assert any(output.startswith(prefix) for output in marked), prefix
    assert not any("mal-" in output and "malkonflikter" not in output for output in marked)
    assert not any("notes" in output or "bildspel" in output for output in marked)


# --------------------------------------------------------------------------- invalidation


def test_a_new_etl_run_makes_the_pages_computed_anew(own, client, layout_calls):
    count, calls = layout_calls
    count("layouts.oversikt")
    before = draw(client, "/")
    draw(client, "/")
    assert calls("layouts.oversikt") == 1
    with Session(own) as session, session.begin():
        session.add(
            EtlRun(
                kind="refresh",
                started_at=dt.datetime(2026, 6, 1, 9, 58),
                finished_at=dt.datetime(2026, 6, 1, 10, 0),
                outcome="success",
                rows_inserted=1,
            )
        )
    after = draw(client, "/")
    assert calls("layouts.oversikt") == 2
    assert after == before  # the same data drawn again: the same page
    draw(client, "/")
    assert calls("layouts.oversikt") == 2


def _local_goal(target: float) -> GoalRecord:
    return GoalRecord(
        id="mora-cache-test",
        kpi_id="N00401",
        level="lokal",
        kind="absolute",
        operator="<=",
        target_value=target,
        target_year=2030,
        areas=(MORA,),
        wording_sv=f"Moras utsläpp ska vara högst {target:g} ton per invånare.",
        source_document="Moras klimatplan",
    )


def test_a_goal_change_makes_the_pages_computed_anew(own, client, layout_calls):
    count, calls = layout_calls
    count("layouts.kommun")
    assert "Moras utsläpp" not in page_text(draw(client, PROFILE))
    add_goal(own, _local_goal(3.0))
    added = page_text(draw(client, PROFILE))
    assert "Moras utsläpp ska vara högst 3 ton" in added
    update_goal(own, _local_goal(2.5))
    assert "Moras utsläpp ska vara högst 2.5 ton" in page_text(draw(client, PROFILE))
    assert calls("layouts.kommun") == 3


def test_an_assessment_makes_the_pages_computed_anew(own, client, layout_calls):
    count, calls = layout_calls
    count("layouts.kommun")
    text = "Utsläppen minskar snabbare än planerat."
    assert text not in page_text(draw(client, PROFILE))
    add_assessment(own, area_id=MORA, kpi_id="N00401", assessed_on=dt.date(2026, 3, 1), text=text)
    assert text in page_text(draw(client, PROFILE))
    assert calls("layouts.kommun") == 2


# --------------------------------------------------------------------------- who sees what


def test_what_an_editor_sees_is_neither_shared_nor_served_from_the_cache(own, demo_app, answers):
    """The indicator page draws the assessment form for an editor and a notice for everyone
    else; the Mål page is the editors' tools and is never shared."""
    editor = demo_app.server.test_client()
    sign_in(editor, own)
    participant = demo_app.server.test_client()

    shared = page_text(draw(participant, INDICATOR))  # participants' answer, now cached
    assert FORM not in shared and NOTICE in shared
    hits, misses = _snapshot(answers)
    assert FORM in page_text(draw(editor, INDICATOR))  # the editor's own form
    for address in (INDICATOR, "/mal", "/"):
        draw(editor, address)
    assert _snapshot(answers) == (hits, misses)  # the editor passed the cache by

    participant_mal = page_text(draw(participant, "/mal"))
    assert _snapshot(answers) == (hits, misses)  # the Mål page is not shared at all
    assert "Logga in som redaktör" in participant_mal
    assert page_text(draw(participant, INDICATOR)) == shared
    assert answers.hits == hits + 1


def test_participants_pages_follow_whether_an_editor_account_exists(own, client):
    without = page_text(draw(client, INDICATOR))
    assert "det finns inget redaktörskonto ännu" in without
    add_editor(own, "anna.berg", "ett-långt-lösenord")
    with_account = page_text(draw(client, INDICATOR))
    assert "det finns inget redaktörskonto ännu" not in with_account
    assert NOTICE in with_account


# --------------------------------------------------------------------------- warming


def test_warming_draws_the_common_pages_once_for_everyone(own, client, answers, layout_calls):
    count, calls = layout_calls
    for module in ("layouts.oversikt", "layouts.indikator", "layouts.kommun", "layouts.jamfor"):
        count(module)
    pages = answer_cache.warm_pages()
    assert pages[0] == "/" and PROFILE in pages and "/jamfor" in pages
    assert any(page.startswith("/indikator/") for page in pages)
    assert warm(client.application) == len(pages)
    drawn = {m: calls(m) for m in ("layouts.oversikt", "layouts.kommun", "layouts.jamfor")}
    assert drawn == {"layouts.oversikt": 1, "layouts.kommun": 1, "layouts.jamfor": 1}
    hits = answers.hits
    for page in pages:
        draw(client, page)
    assert answers.hits == hits + len(pages)
    assert calls("layouts.oversikt") == 1


def test_warming_never_stops_the_start(demo_app, monkeypatch, caplog):
    def broken(*_args):
        raise RuntimeError("the router is gone")

    monkeypatch.setattr(answer_cache, "_warm", broken)
    assert warm(demo_app) == 0
    assert "warming failed" in caplog.text
    # an address that answers 400 is logged and skipped, the rest still warmed
    monkeypatch.undo()
    assert warm(demo_app, pages=["/", "utan-snedstreck"]) == 1


# --------------------------------------------------------------------------- settings


def test_the_default_folder_is_one_per_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(answer_cache.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    empty: dict[str, str] = {}
    one = cache_settings(f"sqlite:///{tmp_path / 'a.sqlite'}", environ=empty)
    same = cache_settings("sqlite:///a.sqlite", environ=empty)  # the same file, relatively
    other = cache_settings(f"sqlite:///{tmp_path / 'b.sqlite'}", environ=empty)
    assert one.kind == "filesystem"
    assert Path(one.where).parent == tmp_path / "tmp"
    assert Path(one.where).name.startswith("hallbarhet-answers-")
    assert same.where == one.where != other.where
    server = cache_settings("postgresql+psycopg://u:hemligt@db/x", environ=empty)
    assert "hemligt" not in server.where
    assert server.where != cache_settings("postgresql+psycopg://u:p@db/y", environ=empty).where
    # an in-memory database is each process's own
    assert cache_settings("sqlite://", environ=empty).kind == "memory"


def test_settings_come_from_the_environment_and_arguments_win(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    environ = {"CACHE_DIR": str(tmp_path / "svar")}
    assert cache_settings(url, environ=environ).where == str(tmp_path / "svar")
    assert cache_settings(url, environ=environ, cache_dir=tmp_path / "x").where == str(
        tmp_path / "x"
    )
    for word in ("null", "NullCache", "off", "none"):
        assert cache_settings(url, environ={"CACHE_TYPE": word}).kind == "null"
    assert cache_settings(url, environ={"CACHE_TYPE": "null"}, cache_type="filesystem").kind == (
        "filesystem"
    )
    if answer_cache.importlib.util.find_spec("redis") is not None:
        redis = cache_settings(url, environ={"CACHE_URL": "redis://:hemligt@cache:6379/0"})
        assert redis.kind == "redis" and "hemligt" not in redis.where


def test_the_cache_can_be_turned_off(bare_app):
    app = bare_app
    endpoint = app.config.routes_pathname_prefix + "_dash-update-component"
    view = app.server.view_functions[endpoint]
    assert init_answer_cache(app, service.engine(), cache_type="null") is None
    assert app.server.view_functions[endpoint] is view
    assert shared_answers(app) is None
    assert warm(app) == 0


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CACHE_TYPE": "memcached"}, "CACHE_TYPE='memcached' is not a kind of cache"),
        ({"CACHE_TYPE": "redis"}, "CACHE_TYPE=redis needs CACHE_URL"),
        ({"CACHE_URL": "localhost:6379"}, "is not a Redis URL"),
        ({"CACHE_URL": "memcached://cache:11211"}, "is not a Redis URL"),
        ({"CACHE_URL": "redis://cache:port/0"}, "is not a Redis URL"),
        ({"CACHE_URL": "redis://:hemligt@[::1/0"}, "is not a Redis URL"),
    ],
)
def test_a_broken_cache_setting_is_refused_with_a_message(tmp_path, environ, message):
    with pytest.raises(AnswerCacheError, match=message) as refused:
        cache_settings(f"sqlite:///{tmp_path / 'a.sqlite'}", environ=environ)
    assert "hemligt" not in str(refused.value)


def test_a_redis_url_without_the_redis_package_is_refused(tmp_path, monkeypatch):
    find_spec = answer_cache.importlib.util.find_spec
    monkeypatch.setattr(
        answer_cache.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "redis" else find_spec(name, *a),
    )
    with pytest.raises(AnswerCacheError, match="the Python package redis is not installed") as e:
        cache_settings(
            f"sqlite:///{tmp_path / 'a.sqlite'}",
            environ={"CACHE_URL": "redis://:hemligt@cache:6379/0"},
        )
    assert "redis://:***@cache:6379/0" in str(e.value)


def test_an_unreachable_redis_stops_the_start(bare_app):
    pytest.importorskip("redis")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once closed
    with pytest.raises(AnswerCacheError, match="Redis does not answer"):
        init_answer_cache(bare_app, service.engine(), cache_url=f"redis://127.0.0.1:{port}/0")


def test_a_folder_that_cannot_be_written_stops_the_start(bare_app, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with pytest.raises(AnswerCacheError, match="cannot"):
        init_answer_cache(bare_app, service.engine(), cache_dir=blocked)


def test_the_default_folder_is_this_user_s_alone(tmp_path):
    fresh = tmp_path / "ny"
    own_private_folder(fresh)
    assert stat.S_IMODE(fresh.stat().st_mode) & 0o077 == 0
    own_private_folder(fresh)  # found again, as made: used
    shared = tmp_path / "delad"
    shared.mkdir()
    shared.chmod(0o777)
    link = tmp_path / "länk"
    link.symlink_to(fresh)
    for refused in (shared, link):
        with pytest.raises(AnswerCacheError, match="not a folder of this user's alone"):
            own_private_folder(refused)


def test_a_default_folder_someone_else_may_write_stops_the_start(bare_app, tmp_path, monkeypatch):
    monkeypatch.setattr(answer_cache.tempfile, "gettempdir", lambda: str(tmp_path))
    monkeypatch.delenv("CACHE_DIR", raising=False)
    planted = Path(cache_settings(service.engine().url).where)
    assert planted.parent == tmp_path
    planted.mkdir()
    planted.chmod(0o777)
    with pytest.raises(AnswerCacheError, match="not a folder of this user's alone"):
        init_answer_cache(bare_app, service.engine())


# --------------------------------------------------------------------------- processes

CHILD = """
import hashlib, json, sys
from urllib.parse import urlsplit

from app import create_app
from benchmarks._http import find_dependency, update_body
from layouts.parts.answer_cache import shared_answers

app = create_app(sys.argv[1])
client = app.server.test_client()
router = find_dependency(client.get("/_dash-dependencies").get_json(), "_pages_content.children")
drawn = {}
for address in sys.argv[2:]:
    parts = urlsplit(address)
    values = {
        "_pages_location.pathname": parts.path,
        "_pages_location.search": f"?{parts.query}" if parts.query else "",
    }
    response = client.post("/_dash-update-component", json=update_body(router, values))
    drawn[address] = [response.status_code, hashlib.sha256(response.get_data()).hexdigest()]
answers = shared_answers(app)
print(json.dumps({
    "kind": answers.settings.kind if answers else "null",
    "hits": answers.hits if answers else 0,
    "misses": answers.misses if answers else 0,
    "drawn": drawn,
}))
"""


def run_app(database_url: str, *addresses: str, **environ: str) -> subprocess.CompletedProcess:
    """``create_app`` in a process of its own (Dash Pages registers pages once per process),
    drawing ``addresses`` through its test client."""
    env = {**os.environ, **environ}
    for name in ("CACHE_TYPE", "CACHE_URL"):
        if name not in environ:
            env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", CHILD, database_url, *addresses],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def report(run: subprocess.CompletedProcess) -> dict:
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_two_app_instances_on_one_database_share_the_file_cache(tmp_path):
    url = f"sqlite:///{tmp_path / 'delad.sqlite'}"
    folder = str(tmp_path / "svar")
    pages = ("/", PROFILE)
    first = report(run_app(url, *pages, CACHE_DIR=folder))
    second = report(run_app(url, *pages, CACHE_DIR=folder))
    assert first["kind"] == second["kind"] == "filesystem"
    assert (first["hits"], first["misses"]) == (0, 2)
    assert (second["hits"], second["misses"]) == (2, 0)
    assert second["drawn"] == first["drawn"]
    assert all(status == 200 for status, _digest in first["drawn"].values())

    # Another database beside it shares nothing, even in the same folder.
    other = report(run_app(f"sqlite:///{tmp_path / 'annan.sqlite'}", "/", CACHE_DIR=folder))
    assert (other["hits"], other["misses"]) == (0, 1)


def test_cache_type_null_turns_the_cache_off(tmp_path):
    folder = tmp_path / "svar"
    url = f"sqlite:///{tmp_path / 'av.sqlite'}"
    first = report(run_app(url, "/", "/", CACHE_DIR=str(folder), CACHE_TYPE="null"))
    assert first["kind"] == "null"
    assert first["drawn"]["/"][0] == 200
    assert not folder.exists()


def test_a_broken_cache_url_stops_the_start_with_a_clear_message(tmp_path):
    url = f"sqlite:///{tmp_path / 'trasig.sqlite'}"
    run = run_app(url, "/", CACHE_URL="memcached://cache:11211")
    assert run.returncode != 0
    assert "AnswerCacheError" in run.stderr
    assert "CACHE_URL=memcached://cache:11211 is not a Redis URL" in run.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers_in(folder: Path) -> int:
    return sum(1 for path in folder.iterdir() if not path.name.startswith("__wz"))


def test_gunicorn_warms_the_cache_before_the_workers_start(tmp_path):
    port = _free_port()
    folder = tmp_path / "svar"
    log_path = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'varm.sqlite'}",
        "CACHE_DIR": str(folder),
    }
    env.pop("CACHE_TYPE", None)
    env.pop("CACHE_URL", None)
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{port}", "app:server"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base, server, log_path, 180)
        warmed = _answers_in(folder)
        assert warmed >= 4  # before any callback was asked for
        session = requests.Session()
        router = find_dependency(
            session.get(base + "/_dash-dependencies", timeout=30).json(), PAGES_OUTPUT
        )
        for _ in range(3):  # reaches both workers: each finds the master's answer
            body = update_body(
                router, {"_pages_location.pathname": "/", "_pages_location.search": ""}
            )
            assert session.post(base + UPDATE, json=body, timeout=60).status_code == 200
        assert _answers_in(folder) == warmed
    finally:
        stop(server, log_path)
    output = log_path.read_text()
    assert "Traceback" not in output, output
