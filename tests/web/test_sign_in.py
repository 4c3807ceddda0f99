"""Editors sign in; everyone else reads.

The users command line; the sign-in page and its cookie, its rate limit and its refusal of
forms from other sites; and every write the pages offer, posted to ``/_dash-update-component``
as Dash's renderer would: refused for a participant (the whole tables unchanged), done for a
signed-in editor and recorded with the editor's name.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from typing import Any

import pytest
from sqlalchemy import text

from data.users import SECRET_KEY_META
from etl.cli import main as etl_main
from indicators.assessments import add_assessment, list_assessments
from indicators.editors import (
    MAX_FAILURES_PER_NAME,
    add_editor,
    find_editor,
    is_limited,
    remove_editor,
)
from tests.support.editors import EDITOR, PASSWORD, sign_in

REFUSAL = "Logga in som redaktör för att ändra"
CREATE_COMMAND = "python -m etl users add NAMN"
ORIGIN = {"Origin": "http://localhost"}
MORA, EMISSIONS = "2062", "N00401"
TABLES = (
    "goals",
    "goal_changes",
    "qualitative_assessments",
    "record_changes",
    "slideshows",
    "users",
)


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def own(demo_app, tmp_path):
    """A copy of the demo database, served while the test runs."""
    from tests.support.own_database import own_database

    with own_database(tmp_path) as engine:
        yield engine


@pytest.fixture
def with_account(own):
    """The copy with one editor account (participants then meet an account, as at a
    workshop)."""
    add_editor(own, EDITOR, PASSWORD)
    return own


def dump(engine) -> dict[str, list[tuple]]:
    """Every row of every table a write could touch, in a fixed order."""
    with engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))]
            for table in TABLES
        }


def walk(component):
    yield component
    children = getattr(component, "children", None)
    if children is None or isinstance(children, str | int | float):
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def ids_in(component) -> set:
    return {
        json.dumps(c.id, sort_keys=True) if isinstance(c.id, dict) else c.id
        for c in walk(component)
        if getattr(c, "id", None) is not None
    }


def text_in(component) -> str:
    return json.dumps(component.to_plotly_json(), ensure_ascii=False, default=str)


def _dependency(client, input_part: str) -> dict:
    """The callback one of whose inputs names ``input_part``."""
    (dependency,) = [
        d
        for d in client.get("/_dash-dependencies").get_json()
        if any(input_part in i["id"] for i in d["inputs"])
    ]
    return dependency


def _item(id_text: str, prop: str, values: dict, wild: dict) -> Any:
    """One input, state or output of a request, its wildcards made concrete."""
    if not id_text.startswith("{"):
        return {"id": id_text, "property": prop, "value": values.get((id_text, prop))}
    pattern = json.loads(id_text)
    key = pattern["type"]
    concrete = {k: (wild[k] if v == ["MATCH"] else v) for k, v in pattern.items() if v != ["ALL"]}
    every = [k for k, v in pattern.items() if v == ["ALL"]]
    if every:
        given = values.get((key, prop), {})
        return [
            {"id": {**concrete, every[0]: member}, "property": prop, "value": value}
            for member, value in given.items()
        ]
    return {"id": concrete, "property": prop, "value": values.get((key, prop))}


def _prop_id(component_id: Any, prop: str) -> str:
    if isinstance(component_id, dict):
        component_id = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return f"{component_id}.{prop}"


def post_callback(
    client,
    input_part: str,
    values: dict,
    changed: tuple[Any, str],
    wild: dict | None = None,
) -> tuple[int, str]:
    """Post the callback with an input named ``input_part``, as the renderer would after
    ``changed`` (id, property) changed; inputs and state from ``values`` keyed by (id or
    pattern type, property). Returns the status and the response text."""
    wild = wild or {}
    dependency = _dependency(client, input_part)
    outputs = []
    for piece in dependency["output"].strip(".").split("..."):
        id_text, prop = piece.rsplit(".", 1)
        item = _item(id_text, prop, {}, wild)
        outputs.append({"id": item["id"], "property": prop})
    payload = {
        "output": dependency["output"],
        "outputs": outputs,
        "inputs": [_item(i["id"], i["property"], values, wild) for i in dependency["inputs"]],
        "state": [_item(s["id"], s["property"], values, wild) for s in dependency["state"]],
        "changedPropIds": [_prop_id(*changed)],
    }
    response = client.post("/_dash-update-component", json=payload)
    body = response.get_json(silent=True)
    shown = json.dumps(body, ensure_ascii=False) if body is not None else response.get_data(True)
    return response.status_code, shown


# --------------------------------------------------------------------------- the writes

FORM_VALUES = {
    "id": "mora-forfalskat",
    "area": MORA,
    "kpi_id": EMISSIONS,
    "level": "lokal",
    "kind": "absolute",
    "operator": "<=",
    "target_value": "1,2",
    "relative_change": "",
    "band_low": "",
    "band_high": "",
    "direction": None,
    "base_year": "2020",
    "target_year": "2035",
    "wording_sv": "Högst 1,2 ton per invånare 2035.",
    "source_document": "Mora kommun, klimatplan",
    "source_url": "",
    "adopted_year": "2025",
}
GOAL_CSV = (
    "id,kpi_id,level,kind,operator,target_value,target_year,areas,wording_sv,source_document\n"
    'falun-importerat,N00401,lokal,absolute,<=,"1,8",2030,2080,"Högst 1,8 ton.",Falu KF\n'
)
NOTES_SECTION = "mal-notes"
SUBJECT = {"area_id": MORA, "kpi_id": EMISSIONS, "sdg_goal": None, "section_id": NOTES_SECTION}


def save_goal(client) -> tuple[int, str]:
    values = {(f"mal-form-{name}", "value"): value for name, value in FORM_VALUES.items()}
    values[("mal-form-save", "n_clicks")] = 1
    values[("mal-form-note", "value")] = "Beslut i KF"
    values[("mal-level", "value")] = ["lokal"]
    values[("mal-areas", "value")] = [MORA]
    return post_callback(client, "mal-form-save", values, ("mal-form-save", "n_clicks"))


def removal_token(client, goal_id: str) -> str | None:
    """The server's confirmation of a goal removal, asked for as the "Ta bort" button does
    (``None`` when the server gives none, as to someone not signed in)."""
    values = {("mal-form-remove", "n_clicks"): 1, ("mal-edit", "value"): goal_id}
    status, body = post_callback(client, "mal-form-remove", values, ("mal-form-remove", "n_clicks"))
    if status != 200:
        return None
    return json.loads(body)["response"]["mal-remove-token"]["data"]


def remove_goal(client, goal_id: str, token: str | bool | None = True) -> tuple[int, str]:
    """Remove a goal through its two steps (``token``: ``True`` to ask the server first, else
    the token to send, as a forged request would)."""
    values = {
        ("mal-remove-confirm", "submit_n_clicks"): 1,
        ("mal-edit", "value"): goal_id,
        ("mal-remove-token", "data"): removal_token(client, goal_id) if token is True else token,
        ("mal-form-note", "value"): "Upphävt",
        ("mal-level", "value"): ["lokal"],
    }
    return post_callback(
        client, "mal-remove-confirm", values, ("mal-remove-confirm", "submit_n_clicks")
    )


def import_goals(client) -> tuple[int, str]:
    contents = "data:text/csv;base64," + base64.b64encode(GOAL_CSV.encode()).decode()
    values = {
        ("mal-upload", "contents"): contents,
        ("mal-upload", "filename"): "falun.csv",
        ("mal-import-note", "value"): "Import",
        ("mal-level", "value"): ["lokal"],
    }
    return post_callback(client, "mal-upload", values, ("mal-upload", "contents"))


def add_note(client) -> tuple[int, str]:
    values = {
        ("notes-save", "n_clicks"): 1,
        ("notes-subject", "data"): SUBJECT,
        ("notes-date", "value"): dt.date.today().isoformat(),
        ("notes-judgement", "value"): "bättre",
        ("notes-text", "value"): "Förfalskad bedömning",
        ("notes-author", "value"): "Någon",
    }
    return post_callback(
        client,
        '"notes-save"',
        values,
        ({"section": NOTES_SECTION, "type": "notes-save"}, "n_clicks"),
        wild={"section": NOTES_SECTION},
    )


def delete_note(client, note_id: int, *, pending: dict | None) -> tuple[int, str]:
    """Click the note's remove button with ``pending`` in the section's store: ``None`` asks,
    the store's answer to that (the note and its signed confirmation) confirms."""
    values = {
        ("notes-delete", "n_clicks"): {note_id: 1},
        ("notes-subject", "data"): SUBJECT,
        ("notes-pending", "data"): pending,
    }
    clicked = {"note": note_id, "section": NOTES_SECTION, "type": "notes-delete"}
    return post_callback(
        client, '"notes-delete"', values, (clicked, "n_clicks"), wild={"section": NOTES_SECTION}
    )


def pending_of(body: str) -> Any:
    """What a removal's answer puts in the notes section's pending store."""
    key = json.dumps({"section": NOTES_SECTION, "type": "notes-pending"}, separators=(",", ":"))
    return json.loads(body)["response"][key]["data"]


def save_slideshow_form(
    client, name: str, views: tuple[str, ...] = ("/?mal=13", "/om"), editing: Any = None
) -> tuple[int, str]:
    """Save the builder's form; ``editing`` is its store (the slideshow opened with Ändra:
    id, version and name), ``None`` for a new slideshow."""
    values = {
        ("bildspel-save", "n_clicks"): 1,
        ("bildspel-namn", "value"): name,
        ("bildspel-draft", "data"): list(views),
        ("bildspel-editing", "data"): editing,
    }
    return post_callback(client, "bildspel-save", values, ("bildspel-save", "n_clicks"))


def import_slideshow_file(client, name: str) -> tuple[int, str]:
    document = {"format": "hallbarhet-dalarna-bildspel", "version": 1, "name": name, "views": ["/"]}
    contents = "data:application/json;base64," + base64.b64encode(
        json.dumps(document).encode()
    ).decode("ascii")
    values = {("bildspel-upload", "contents"): contents, ("bildspel-upload", "filename"): "b.json"}
    return post_callback(client, "bildspel-save", values, ("bildspel-upload", "contents"))


def delete_slideshow_row(client, show_id: int) -> tuple[int, str]:
    """The first step of a removal: "Ta bort" on the slideshow's row (asks)."""
    values = {("bildspel-delete", "n_clicks"): {show_id: 1}}
    clicked = {"id": show_id, "type": "bildspel-delete"}
    return post_callback(client, "bildspel-save", values, (clicked, "n_clicks"))


def slideshow_removal_of(body: str) -> Any:
    """What the first step puts in the removal store (the slideshow and its confirmation)."""
    return json.loads(body)["response"]["bildspel-removal"]["data"]


def confirm_slideshow_removal(client, show_id: int, removal: Any) -> tuple[int, str]:
    """The second step: "Ja, ta bort" with ``removal`` in the removal store."""
    values = {
        ("bildspel-delete-ok", "n_clicks"): {show_id: 1},
        ("bildspel-removal", "data"): removal,
    }
    clicked = {"id": show_id, "type": "bildspel-delete-ok"}
    return post_callback(client, "bildspel-save", values, (clicked, "n_clicks"))


def _user_goal(engine) -> str:
    from indicators.goal_csv import parse_goal_rows
    from indicators.goals import add_goal

    row = dict.fromkeys(
        ("id", "kpi_id", "level", "kind", "direction", "areas", "wording_sv", "source_document"),
        "",
    )
    row.update(
        id="mora-befintligt",
        kpi_id=EMISSIONS,
        level="lokal",
        kind="direction",
        direction="down",
        areas=MORA,
        wording_sv="Ska minska.",
        source_document="KF",
    )
    (goal,) = parse_goal_rows([row], source_name="test")
    return add_goal(engine, goal).id


# --------------------------------------------------------------------------- the command line


def _run(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = etl_main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_users_command_adds_lists_and_removes(db_url, capsys, monkeypatch):
    where = ("--database-url", db_url)
    code, out, _ = _run(capsys, monkeypatch, "users", "list", *where)
    assert code == 0 and "Inga redaktörer" in out and CREATE_COMMAND in out

    code, out, _ = _run(
        capsys, monkeypatch, "users", "add", "anna.berg", "--password-stdin", *where,
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0 and "anna.berg" in out and "/logga-in" in out

    code, out, _ = _run(capsys, monkeypatch, "users", "list", *where)
    assert code == 0 and out.startswith("anna.berg\tskapad ") and "1 redaktör." in out

    code, _, err = _run(
        capsys, monkeypatch, "users", "add", "Anna.Berg", "--password-stdin", *where,
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 1 and "finns redan" in err

    code, _, err = _run(
        capsys, monkeypatch, "users", "add", "bo", "--password-stdin", *where, stdin="kort\n"
    )
    assert code == 1 and "minst 10 tecken" in err

    code, out, _ = _run(capsys, monkeypatch, "users", "remove", "anna.berg", *where)
    assert code == 0 and "borttagen" in out
    code, _, err = _run(capsys, monkeypatch, "users", "remove", "anna.berg", *where)
    assert code == 1 and "ingen redaktör" in err


def test_users_add_asks_for_the_password_twice(db_url, capsys, monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, err = _run(capsys, monkeypatch, "users", "add", "anna", "--database-url", db_url)
    assert code == 1 and "olika" in err
    answers = iter([PASSWORD, PASSWORD])
    code, out, _ = _run(capsys, monkeypatch, "users", "add", "anna", "--database-url", db_url)
    assert code == 0 and "anna" in out


# --------------------------------------------------------------------------- signing in


def _sign_in(client, name: str, password: str, **kwargs):
    return client.post(
        "/logga-in",
        data={"namn": name, "losenord": password, "nasta": "/mal?omraden=2062"},
        headers=kwargs.pop("headers", ORIGIN),
        **kwargs,
    )


def _session_cookie(response) -> str | None:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookies[0] if cookies else None


def test_the_sign_in_page_is_swedish_and_looks_like_the_rest(client, with_account):
    page = client.get("/logga-in?nasta=/mal")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="sv">' in body
    assert 'class="site-header"' in body and 'href="/assets/style.css"' in body
    assert 'for="sign-in-name"' in body and 'autocomplete="current-password"' in body
    assert 'name="nasta" value="/mal"' in body
    assert page.headers["Cache-Control"] == "no-store"
    assert "Logga in" in body


def test_a_wrong_password_fails_and_after_n_attempts_is_rate_limited(client, with_account):
    for _ in range(MAX_FAILURES_PER_NAME):
        wrong = _sign_in(client, EDITOR, "fel lösenord")
        assert wrong.status_code == 200  # the form again, with the message
        assert "Fel namn eller lösenord" in wrong.get_data(as_text=True)
        assert _session_cookie(wrong) is None
    limited = _sign_in(client, EDITOR, PASSWORD)  # even the right password must wait
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "900"
    assert "För många försök – vänta en stund" in limited.get_data(as_text=True)
    assert _session_cookie(limited) is None
    # The count is in the database, so every worker and server sees it.
    assert is_limited(with_account, EDITOR, "127.0.0.1")
    # Not a lockout of the editor from everywhere: another address signs in.
    other = _sign_in(client, EDITOR, PASSWORD, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 303


def test_the_right_password_sets_an_httponly_samesite_cookie(client, with_account):
    response = _sign_in(client, EDITOR.upper(), PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/mal?omraden=2062"
    cookie = _session_cookie(response)
    assert cookie is not None
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes and "samesite=lax" in attributes
    assert "secure" not in attributes  # plain HTTP on a workshop network
    header = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    assert "Inloggad som " in header and EDITOR in header and "/logga-ut" in header


def test_the_cookie_is_secure_over_https(demo_app, with_account):
    client = demo_app.server.test_client()
    response = _sign_in(
        client,
        EDITOR,
        PASSWORD,
        base_url="https://localhost",
        headers={"Origin": "https://localhost"},
    )
    assert response.status_code == 303
    assert "secure" in [p.strip().lower() for p in _session_cookie(response).split(";")]


def test_forms_from_another_site_are_refused(client, with_account):
    foreign = _sign_in(client, EDITOR, PASSWORD, headers={"Origin": "https://elak.example"})
    assert foreign.status_code == 403
    assert _session_cookie(foreign) is None
    assert "kom inte från den här webbplatsen" in foreign.get_data(as_text=True)
    bare = _sign_in(client, EDITOR, PASSWORD, headers={})
    assert bare.status_code == 403
    referred = _sign_in(client, EDITOR, PASSWORD, headers={"Referer": "http://localhost/mal"})
    assert referred.status_code == 303
    out = client.post("/logga-ut", headers={"Origin": "https://elak.example"})
    assert out.status_code == 403
    assert EDITOR in json.dumps(client.get("/_dash-layout").get_json())  # still signed in


def test_sign_out_is_a_post_and_ends_the_editing(client, with_account):
    sign_in(client, with_account)
    visit = client.get("/logga-ut")  # a link or a prefetch signs nobody out
    assert visit.status_code == 303 and visit.headers["Location"] == "/logga-in"
    assert "Du är inloggad som" in client.get("/logga-in").get_data(as_text=True)
    out = client.post("/logga-ut?nasta=/bildspel", headers=ORIGIN)
    assert out.status_code == 303 and out.headers["Location"] == "/bildspel"
    before = dump(with_account)
    status, body = save_goal(client)
    assert status == 200 and REFUSAL in body
    assert dump(with_account) == before


def test_signing_in_and_out_returns_to_the_page_it_came_from(client, with_account):
    page = client.get("/logga-in", headers={"Referer": "http://localhost/kommun/2062?mal=13"})
    assert 'name="nasta" value="/kommun/2062?mal=13"' in page.get_data(as_text=True)
    elsewhere = client.get("/logga-in", headers={"Referer": "https://elak.example/x"})
    assert 'name="nasta" value="/"' in elsewhere.get_data(as_text=True)
    sign_in(client, with_account)
    out = client.post("/logga-ut", headers={"Referer": "http://localhost/bildspel?x=1"})
    assert out.status_code == 303 and out.headers["Location"] == "/bildspel?x=1"


def test_where_to_go_after_signing_in_stays_on_this_site(demo_app):
    from layouts.parts.sign_in import safe_next

    with demo_app.server.test_request_context("/"):
        assert safe_next("/mal?omraden=2062") == "/mal?omraden=2062"
        for elsewhere in ("//elak.example/", "https://elak.example/", "javascript:x", "\\\\x", ""):
            assert safe_next(elsewhere) == "/"


def test_the_session_secret_comes_from_the_environment_or_the_database(own, monkeypatch):
    import flask

    from layouts.parts.sign_in import configure

    monkeypatch.delenv("SECRET_KEY", raising=False)
    server = flask.Flask("prov")
    configure(server, own)
    with own.connect() as connection:
        stored = connection.execute(
            text("SELECT value FROM meta WHERE key = :key"), {"key": SECRET_KEY_META}
        ).scalar()
    assert server.secret_key == stored and len(stored) >= 32
    other = flask.Flask("andra")  # another worker or server on the same database
    configure(other, own)
    assert other.secret_key == stored
    monkeypatch.setenv("SECRET_KEY", "från-miljön")
    configured = flask.Flask("tredje")
    configure(configured, own)
    assert configured.secret_key == "från-miljön"


def test_behind_trusted_proxies_the_client_address_and_scheme_count(own, monkeypatch):
    import flask

    from layouts.parts.sign_in import configure

    def seen(server: flask.Flask) -> tuple[str, bool]:
        server.add_url_rule(
            "/vem", "vem", lambda: f"{flask.request.remote_addr} {flask.request.is_secure}"
        )
        response = server.test_client().get(
            "/vem", headers={"X-Forwarded-For": "10.9.8.7", "X-Forwarded-Proto": "https"}
        )
        address, secure = response.get_data(as_text=True).split()
        return address, secure == "True"

    monkeypatch.delenv("PROXY_HOPS", raising=False)
    direct = flask.Flask("direkt")
    configure(direct, own)
    assert seen(direct) == ("127.0.0.1", False)  # headers anyone could send are ignored
    monkeypatch.setenv("PROXY_HOPS", "1")
    proxied = flask.Flask("bakom")
    configure(proxied, own)
    assert seen(proxied) == ("10.9.8.7", True)
    monkeypatch.setenv("PROXY_HOPS", "ett")
    with pytest.raises(ValueError, match="PROXY_HOPS"):
        configure(flask.Flask("fel"), own)


def test_removing_the_account_ends_its_session(client, with_account):
    sign_in(client, with_account)
    remove_editor(with_account, EDITOR)
    before = dump(with_account)
    _status, body = save_goal(client)
    assert REFUSAL in body
    assert dump(with_account) == before


# --------------------------------------------------------------------------- forged writes


def test_every_write_from_a_participant_is_refused_and_changes_nothing(client, with_account):
    goal_id = _user_goal(with_account)
    note = add_assessment(
        with_account, area_id=MORA, kpi_id=EMISSIONS, assessed_on="2026-01-05", text="Finns"
    )
    from data.slideshows import save_slideshow

    show = save_slideshow(with_account, "Befintligt", ["/"])
    before = dump(with_account)
    writes = {
        "goal form": lambda: save_goal(client),
        "goal removal": lambda: remove_goal(client, goal_id),
        "goal CSV import": lambda: import_goals(client),
        "assessment": lambda: add_note(client),
        "assessment removal (ask)": lambda: delete_note(client, note.id, pending=None),
        "assessment removal (confirm)": lambda: delete_note(
            client, note.id, pending={"note": note.id, "token": "förfalskad"}
        ),
        "slideshow save": lambda: save_slideshow_form(client, "Förfalskat"),
        "slideshow import": lambda: import_slideshow_file(client, "Förfalskat import"),
        "slideshow change": lambda: save_slideshow_form(
            client, "Befintligt", editing={"id": show.id, "version": 1, "name": "Befintligt"}
        ),
        "slideshow removal (ask)": lambda: delete_slideshow_row(client, show.id),
        "slideshow removal (confirm)": lambda: confirm_slideshow_removal(
            client, show.id, {"id": show.id, "token": "förfalskad"}
        ),
    }
    for what, write in writes.items():
        status, body = write()
        assert status == 200, what
        assert REFUSAL in body, what
        assert dump(with_account) == before, what


def test_every_write_from_a_signed_in_editor_is_done_and_names_the_editor(client, with_account):
    sign_in(client, with_account)

    status, body = save_goal(client)
    assert status == 200 and "har lagts till" in body
    assert EDITOR in body  # the change log in the response names the editor
    status, body = import_goals(client)
    assert "1 tillagda" in body
    status, body = remove_goal(client, "mora-forfalskat")
    assert "har tagits bort" in body
    with with_account.connect() as connection:
        changes = connection.execute(
            text("SELECT goal_id, action, changed_by FROM goal_changes ORDER BY id")
        ).all()
    assert [tuple(c) for c in changes] == [
        ("mora-forfalskat", "add", EDITOR),
        ("falun-importerat", "add", EDITOR),
        ("mora-forfalskat", "remove", EDITOR),
    ]

    status, body = add_note(client)
    assert "har sparats" in body and f"sparad av {EDITOR}" in body
    (note,) = list_assessments(with_account, area_id=MORA, kpi_id=EMISSIONS)
    assert (note.author, note.created_by) == ("Någon", EDITOR)
    status, body = delete_note(client, note.id, pending=None)
    assert "Bekräfta: ta bort" in body
    status, body = delete_note(client, note.id, pending=pending_of(body))
    assert "har tagits bort" in body
    assert list_assessments(with_account, area_id=MORA, kpi_id=EMISSIONS) == []
    with with_account.connect() as connection:
        changes = connection.execute(
            text(
                "SELECT record_id, action, changed_by FROM record_changes "
                "WHERE record_type = 'assessment' AND record_id = :id ORDER BY id"
            ),
            {"id": str(note.id)},
        ).all()
    assert [tuple(c) for c in changes] == [
        (str(note.id), "add", EDITOR),
        (str(note.id), "remove", EDITOR),
    ]

    from data.slideshows import get_slideshow

    with with_account.connect() as connection:
        logged = connection.execute(text("SELECT max(id) FROM record_changes")).scalar() or 0
    status, body = save_slideshow_form(client, "Redaktörens")
    assert "sparades med 2 vyer" in body
    saved = get_slideshow(with_account, "Redaktörens")
    assert saved.updated_by == EDITOR
    assert f"av {EDITOR}" in body  # "Senast ändrat … av redaktor.test"
    status, body = import_slideshow_file(client, "Importerat")
    assert get_slideshow(with_account, "Importerat").updated_by == EDITOR
    status, body = delete_slideshow_row(client, saved.id)
    assert "Ta bort bildspelet" in body and get_slideshow(with_account, saved.id) is not None
    status, body = confirm_slideshow_removal(client, saved.id, slideshow_removal_of(body))
    assert "togs bort" in body and get_slideshow(with_account, saved.id) is None
    with with_account.connect() as connection:
        changes = connection.execute(
            text(
                "SELECT record_id, action, changed_by FROM record_changes "
                "WHERE record_type = 'slideshow' AND id > :logged ORDER BY id"
            ),
            {"logged": logged},
        ).all()
    imported = get_slideshow(with_account, "Importerat")
    assert [tuple(c) for c in changes] == [
        (str(saved.id), "add", EDITOR),
        (str(imported.id), "add", EDITOR),
        (str(saved.id), "remove", EDITOR),
    ]


def test_an_editors_slideshow_removal_needs_the_servers_confirmation(client, with_account):
    """A signed-in editor's request that skips the question, or brings a confirmation made for
    another slideshow, removes nothing."""
    from data.slideshows import get_slideshow, save_slideshow
    from layouts.parts.confirmation import NOT_CONFIRMED

    sign_in(client, with_account)
    show = save_slideshow(with_account, "Kvar", ["/"])
    other = save_slideshow(with_account, "Annat", ["/"])
    _status, body = delete_slideshow_row(client, other.id)
    others = slideshow_removal_of(body)
    before = dump(with_account)
    for removal in (None, {"id": show.id, "token": "förfalskad"}, others):
        status, body = confirm_slideshow_removal(client, show.id, removal)
        assert status == 200, removal
        assert NOT_CONFIRMED in body, removal
        assert dump(with_account) == before, removal
    assert get_slideshow(with_account, show.id) is not None


def test_a_stale_slideshow_save_is_refused_with_what_differs(client, with_account):
    """Two editors opened one slideshow; the second save is refused and says what differs."""
    from data.slideshows import get_slideshow, save_slideshow

    sign_in(client, with_account)
    show = save_slideshow(with_account, "Möte", ["/", "/om"])
    opened = {"id": show.id, "version": show.version, "name": show.name}
    status, body = save_slideshow_form(client, "Möte", ("/om",), editing=opened)
    assert "sparades med 1 vyer" in body
    before = dump(with_account)
    status, body = save_slideshow_form(client, "Möte", ("/", "/om", "/?mal=13"), editing=opened)
    assert status == 200
    assert "Bildspelet har ändrats av någon annan – ladda om." in body
    assert '"role": "alert"' in body
    assert "Vy i din lista som inte är sparad: Översikt" in body
    assert dump(with_account) == before
    assert get_slideshow(with_account, show.id).views == ("/om",)
    status, body = save_slideshow_form(client, "Möte", ("/",))  # a new one under its name
    assert 'Det finns redan ett bildspel som heter \\"Möte\\"' in body
    assert dump(with_account) == before


def test_the_change_log_on_the_page_names_the_editor(with_account, as_editor):
    from layouts import mal

    mal.save_goal(1, dict(FORM_VALUES), None, "")
    page = mal.layout()
    log = next(c for c in walk(page) if getattr(c, "id", None) == "mal-log")
    shown = text_in(log)
    assert "Ändrat av" in shown and EDITOR in shown


# --------------------------------------------------------------------------- what participants see


def _as_participant(demo_app):
    return demo_app.server.test_request_context("/")


def test_participants_see_no_edit_controls_but_how_to_sign_in(demo_app, with_account):
    from app import shell
    from layouts import bildspel, mal

    with _as_participant(demo_app):
        page = mal.layout(omraden=MORA)
        ids = ids_in(page)
        shown = text_in(page)
        slides = bildspel.layout()
        header = text_in(shell())
    for control in ("mal-form-save", "mal-edit", "mal-upload", "mal-import-note"):
        assert control not in ids
    assert not any("notes-save" in i or "notes-delete" in i for i in ids)
    assert "mal-log" in ids and "mal-export-own" in ids  # reading and downloading stay
    assert "Logga in som redaktör" in shown and "/logga-in" in shown
    assert CREATE_COMMAND not in shown
    slide_ids = ids_in(slides)
    assert not {"bildspel-save", "bildspel-upload", "bildspel-draft"} & slide_ids
    assert "Logga in som redaktör" in text_in(slides)
    assert "Logga in" in header and "Inloggad som" not in header


def test_editors_see_the_edit_controls_and_their_name(demo_app, with_account, as_editor):
    from app import shell
    from layouts import bildspel, mal

    ids = ids_in(mal.layout(omraden=MORA))
    assert {"mal-form-save", "mal-edit", "mal-upload"} <= ids
    assert any("notes-save" in i for i in ids)
    assert {"bildspel-save", "bildspel-upload"} <= ids_in(bildspel.layout())
    header = text_in(shell())
    assert "Inloggad som" in header and EDITOR in header and "Logga ut" in header


def test_without_any_account_the_pages_say_how_to_create_one(client, demo_app, own):
    from layouts import bildspel, mal

    assert find_editor(own, EDITOR) is None
    with _as_participant(demo_app):
        shown = text_in(mal.layout())
        slides = text_in(bildspel.layout())
    assert CREATE_COMMAND in shown and "inget redaktörskonto" in shown
    assert CREATE_COMMAND in slides
    page = client.get("/logga-in").get_data(as_text=True)
    assert CREATE_COMMAND in page and 'name="losenord"' not in page
    assert client.get("/mal").status_code == 200
