"""Bad input never gives a 500: addresses with repeated, unknown or out-of-range parameters draw
the page with a note, unknown addresses the Swedish 404 page (status 404), malformed requests to
the callback endpoint status 400, and deep or oddly named files a Swedish message – with the
stored data unchanged where a request tried to write.

Everything goes through Flask's test client, as a browser (or anyone on the network) would send
it; the property-based tests at the end fuzz every page's address with Hypothesis.
"""

from __future__ import annotations

import base64
import io
import json
import re
import time
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from dash._pages import _path_to_page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from data.slideshows import MAX_FILE_DEPTH
from layouts.parts.request_guard import MAX_CALLBACK_BYTES
from layouts.parts.routes import page_for
from layouts.parts.url_state import NOTES_HEADING
from tests.support.editors import sign_in
from tests.support.own_database import own_database

ROUTER = "_pages_content.children"
NOT_FOUND_TITLE = "Sidan finns inte – Hållbarhetsuppföljning Dalarna"
WILDCARDS = (["ALL"], ["MATCH"], ["ALLSMALLER"])


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dependencies(demo_app) -> list[dict[str, Any]]:
    return demo_app.server.test_client().get("/_dash-dependencies").get_json()


def _callback(dependencies, fragment: str) -> dict[str, Any]:
    (found,) = [c for c in dependencies if fragment in c["output"]]
    return found


def _outputs(output: str) -> list[dict[str, Any]] | dict[str, Any]:
    """The ``outputs`` the renderer sends for a callback's output string."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    entries = []
    for part in parts:
        component, prop = part.split("@")[0].rsplit(".", 1)
        entries.append(
            {
                "id": json.loads(component) if component.startswith("{") else component,
                "property": prop,
            }
        )
    return entries if output.startswith("..") else entries[0]


def callback_body(callback: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A request as the renderer sends it: ``values`` by ``id.property`` (a pattern-matching
    ALL input gets no components); the first input is the one that changed."""

    def entry(dependency: dict[str, str]) -> Any:
        if dependency["id"].startswith("{"):
            return []
        key = f"{dependency['id']}.{dependency['property']}"
        return {**dependency, "value": values.get(key)}

    first = callback["inputs"][0]
    return {
        "output": callback["output"],
        "outputs": _outputs(callback["output"]),
        "inputs": [entry(d) for d in callback["inputs"]],
        "state": [entry(d) for d in callback["state"]],
        "changedPropIds": [f"{first['id']}.{first['property']}"],
    }


def render(client, dependencies, path: str, search: str = "") -> tuple[int, str]:
    """(status, the drawn page as JSON text) for the address ``path`` + ``search``."""
    router = _callback(dependencies, ROUTER)
    body = callback_body(
        router, {"_pages_location.pathname": path, "_pages_location.search": search}
    )
    response = client.post("/_dash-update-component", json=body)
    return response.status_code, response.get_data(as_text=True)


def page_json(rendered: str) -> dict[str, Any]:
    return json.loads(rendered)["response"]


def find_json(node: Any, predicate) -> list[dict[str, Any]]:
    found = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if predicate(item):
                found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def texts(node: Any) -> list[str]:
    """Every text in a rendered component tree."""
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.append(item.get("props", {}).get("children"))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return found


def url_notes_of(rendered: str) -> list[str]:
    """The notes on the address the page shows (in its role="status" box)."""
    boxes = find_json(
        page_json(rendered),
        lambda n: (
            "url-notes" in str(n.get("props", {}).get("className", ""))
            and n.get("props", {}).get("role") == "status"
        ),
    )
    assert len(boxes) <= 1
    if not boxes:
        return []
    heading, *notes = texts(boxes[0])
    assert heading == NOTES_HEADING
    return notes


#: Tables only a data refresh writes, compared by a summary (their full dump is slow).
BULK_TABLES = {"observations": "COUNT(*), TOTAL(value), TOTAL(year), COUNT(DISTINCT kpi_id)"}


def dump_tables(engine) -> dict[str, list[str]]:
    """Every table's rows (as text, sorted): what a refused write must leave as it was."""
    dump = {}
    with engine.connect() as connection:
        for table in sorted(inspect(engine).get_table_names()):
            columns = BULK_TABLES.get(table, "*")
            rows = connection.execute(text(f'SELECT {columns} FROM "{table}"')).fetchall()
            dump[table] = sorted(repr(tuple(row)) for row in rows)
    return dump


def newest_conflict_year() -> int:
    from layouts.malkonflikter import read_selection

    return read_selection().years[-1]


# --- addresses: repeated, unknown and out-of-range parameters ----------------------------------


def test_a_repeated_parameter_on_the_overview_draws_it_with_a_note(client, dependencies):
    status, rendered = render(client, dependencies, "/", "?metod=eurostat&metod=nej&mal=3&mal=5")
    assert status == 200
    assert url_notes_of(rendered) == ["”metod” angavs två gånger – den första användes"]
    # the goals of a repeated list parameter add up
    (sdg,) = find_json(
        page_json(rendered), lambda n: n.get("props", {}).get("id") == "oversikt-sdg"
    )
    assert sdg["props"]["value"] == ["3", "5"]


@pytest.mark.parametrize(
    ("path", "search", "notes"),
    [
        (
            "/malkonflikter",
            "?x=a&x=b",
            [
                "”x” angavs två gånger – den första användes",
                "Indikatorn ”a” finns inte – visar Bruttoregionprodukt per invånare",
            ],
        ),
        (
            "/export",
            "?metod=eurostat&metod=statistics_canada&omraden=2062&omraden=9999",
            [
                "Området ”9999” finns inte och ignorerades",
                "”metod” angavs två gånger – den första användes",
            ],
        ),
        (
            "/indikator",
            "?dimension=social&dimension=ekonomisk",
            ["”dimension” angavs två gånger – den första användes"],
        ),
        ("/indikator", "?dimension=okänd", ["Dimensionen ”okänd” finns inte – visar alla"]),
        (
            "/",
            "?x=1&niva=kommunal",
            [
                "Okänd parameter ”x” ignorerades",
                "Målnivån ”kommunal” finns inte – visar Nationellt mål",
            ],
        ),
        (
            "/jamfor",
            "?omraden=9999&vy=a&vy=b",
            [
                "Kommunen ”9999” finns inte – visar Falun, Borlänge, Mora",
                "”vy” angavs två gånger – den första användes",
                "Visningen ”a” finns inte – visar En panel per indikator",
            ],
        ),
        (
            "/kommun/2062",
            "?mal=99&niva=a&niva=b",
            [
                "”niva” angavs två gånger – den första användes",
                "Målnivån ”a” finns inte – visar Nationellt mål",
                "Målet ”99” finns inte och ignorerades",
            ],
        ),
        (
            "/kommun",
            "?metod=a&metod=b",
            [
                "”metod” angavs två gånger – den första användes",
                "Metoden ”a” finns inte – visar Statistics Canada (Open SDG)",
            ],
        ),
        (
            "/mal",
            "?niva=lokal&niva=x&y=1",
            [
                "Okänd parameter ”y” ignorerades",
                "Målnivån ”x” finns inte och ignorerades",
            ],
        ),
        (
            "/indikator/N00401",
            "?kon=X&niva=a,b&metod=x&metod=y",
            [
                "Könet ”X” finns inte och ignorerades",
                "Målnivåerna ”a” och ”b” finns inte och ignorerades",
                "”metod” angavs två gånger – den första användes",
                "Metoden ”x” finns inte – visar Statistics Canada (Open SDG)",
            ],
        ),
        ("/om", "?a=1&a=2&b", ["Okända parametrar ”a” och ”b” ignorerades"]),
        ("/bildspel", "?z=%00%01", ["Okänd parameter ”z” ignorerades"]),
    ],
)
def test_bad_parameters_draw_the_page_with_notes(client, dependencies, path, search, notes):
    status, rendered = render(client, dependencies, path, search)
    assert status == 200, rendered[:300]
    assert url_notes_of(rendered) == notes


def test_a_year_outside_the_data_falls_back_to_the_newest(client, dependencies):
    newest = newest_conflict_year()
    status, rendered = render(client, dependencies, "/malkonflikter", "?till=99999")
    assert status == 200
    assert url_notes_of(rendered) == [f"Året 99999 finns inte – visar {newest}"]


def test_app_parameters_and_valid_addresses_give_no_notes(client, dependencies):
    for path, search in [
        ("/", "?niva=lokal&mal=13,3&visa=presentation"),
        ("/kommun/2062", "?niva=trend&bildspel=1&steg=2"),
        ("/malkonflikter", "?x=N00401&y=N03702&fokus=diagram"),
        ("/jamfor", "?omraden="),
    ]:
        status, rendered = render(client, dependencies, path, search)
        assert status == 200
        assert url_notes_of(rendered) == [], (path, search)


@pytest.mark.parametrize(
    ("path", "heading", "shown"),
    [
        ("/bildspel/99999999999999999999999", "Bildspelet finns inte", "99999999999999999999999"),
        ("/bildspel/-1", "Bildspelet finns inte", "-1"),
        ("/kommun/9999", "Området finns inte", "9999"),
        ("/kommun/a/b", "Området finns inte", "a/b"),
        ("/indikator/FINNS_INTE", "Indikatorn finns inte", "FINNS_INTE"),
        ("/indikator/" + "x" * 300, "Indikatorn finns inte", "x" * 39 + "…"),
    ],
)
def test_an_unknown_id_in_the_path_gives_the_pages_not_found_view(
    client, dependencies, path, heading, shown
):
    assert client.get(path).status_code == 200  # a page's address; the id is the page's concern
    status, rendered = render(client, dependencies, path)
    assert status == 200
    words = texts(page_json(rendered)["_pages_content"]["children"])
    assert heading in words
    assert any(shown in w for w in words)


def test_the_query_cannot_smuggle_an_id_as_a_list(client, dependencies):
    status, rendered = render(client, dependencies, "/indikator/N00401", "?kpi_id=a&kpi_id=b")
    assert status == 200
    assert "Indikatorn finns inte" in texts(page_json(rendered)["_pages_content"]["children"])


# --- unknown addresses: the Swedish 404 page ---------------------------------------------------


@pytest.mark.parametrize("path", ["/finns-inte", "/OM", "/kommuner/2062", "/sidan-finns-inte"])
def test_an_unknown_address_answers_404_with_the_swedish_page(client, dependencies, path):
    response = client.get(path)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert '<html lang="sv">' in page and "_dash-renderer" in page  # the app, menu and all
    status, rendered = render(client, dependencies, path)
    assert status == 200
    content = page_json(rendered)
    words = texts(content["_pages_content"]["children"])
    assert "Sidan finns inte" in words
    assert content["_pages_store"]["data"]["title"] == NOT_FOUND_TITLE
    assert "404 - Page not found" not in rendered


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/dash/finns-inte.js",
        "/_dash-component-suites/finns-inte/x.js",
        "/_dash-component-suites/dash/../../etc/passwd",
    ],
)
def test_an_unknown_bundle_answers_404_not_500(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_data(as_text=True) == "Filen finns inte."


def test_the_404_page_names_the_address_escaped(client, dependencies):
    status, rendered = render(client, dependencies, "/<script>alert(1)</script>\x00")
    assert status == 200
    words = texts(page_json(rendered)["_pages_content"]["children"])
    (text_node,) = [w for w in words if w.startswith("Det finns ingen sida")]
    assert "”/<script>alert(1)</script>”" in text_node  # shown as text: React escapes it


def test_every_page_and_template_answers_200(client):
    import dash

    for page in dash.page_registry.values():
        if page["module"].endswith("not_found_404"):
            continue
        path = (page.get("path_template") or page["path"]).replace("<area_id>", "2062")
        path = path.replace("<kpi_id>", "N00401").replace("<slideshow_id>", "1")
        assert client.get(path).status_code == 200, path
        if path != "/":
            assert client.get(path + "/").status_code == 200, path


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/",
        "om",
        "/om/",
        "OM",
        "kommun",
        "kommun/2062",
        "kommun/2062/x",
        "kommun/",
        "x/y",
        "bildspel/1",
        "indikator/N00401",
        "sidan-finns-inte",
        "mal",
        "/malkonflikter/",
    ],
)
def test_page_for_agrees_with_dash_pages(demo_app, path):
    dash_page, _ = _path_to_page(path.strip("/"))
    ours = page_for(path)
    if dash_page and not dash_page["module"].endswith("not_found_404"):
        assert ours is dash_page
    else:
        assert ours is None


# --- malformed requests to the callback endpoint ------------------------------------------------


def _post(client, data: bytes | str, content_type: str = "application/json"):
    return client.post("/_dash-update-component", data=data, content_type=content_type)


def _assert_400(response, message: str) -> None:
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert body.startswith("Felaktig begäran: "), body
    assert message in body, body
    assert len(body) < 300


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("x", "inte JSON som kan läsas: ogiltig JSON på rad 1, kolumn 1"),
        ("", "inte JSON som kan läsas"),
        (b"\xff\xfe{}", "inte text i UTF-8"),
        ("null", "begäran ska vara ett JSON-objekt"),
        ("[]", "begäran ska vara ett JSON-objekt"),
        ('"text"', "begäran ska vara ett JSON-objekt"),
        ("{}", "begäran nämner ingen känd callback"),
        ('{"output": 1}', "begäran nämner ingen känd callback"),
        ('{"output": ["a"]}', "begäran nämner ingen känd callback"),
        ('{"output": "nej.children"}', "begäran nämner ingen känd callback"),
        ('{"output": "mal-url.data"}', "begäran nämner ingen känd callback"),  # clientside
        ("[" * 50_000 + "]" * 50_000, "för djupt nästlad: mer än 200 nivåer"),
        ('{"a": ' * 50_000 + "1" + "}" * 50_000, "för djupt nästlad"),
    ],
)
def test_malformed_bodies_get_400(client, data, message):
    _assert_400(_post(client, data), message)
    assert client.get("/_dash-layout").status_code == 200, "the worker still answers"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b.update(inputs="x"), "”inputs” ska vara en lista med 2 värden"),
        (lambda b: b.update(inputs=b["inputs"][:1]), "”inputs” ska vara en lista med 2 värden"),
        (lambda b: b["inputs"][0].update(id="annat"), "”inputs” stämmer inte med callbacken"),
        (lambda b: b["inputs"][0].update(property="x"), "”inputs” stämmer inte med callbacken"),
        (lambda b: b["inputs"][0].update(value=17), "”inputs” stämmer inte med callbacken"),
        (lambda b: b["inputs"][0].update(value="utan-snedstreck"), "”inputs” stämmer inte"),
        (lambda b: b["inputs"][1].update(value=["?a=1"]), "”inputs” stämmer inte med callbacken"),
        (lambda b: b.update(state=[1]), "”state” ska vara en lista med 0 värden"),
        (lambda b: b.update(changedPropIds="x"), "”changedPropIds” ska vara en lista av texter"),
        (lambda b: b.update(changedPropIds=[{}]), "”changedPropIds” ska vara en lista av texter"),
        (lambda b: b.pop("outputs"), "”outputs” saknas"),
        (lambda b: b.update(outputs=b["outputs"][:1]), "”outputs” stämmer inte med callbacken"),
        (lambda b: b.update(outputs=[1, 2]), "”outputs” stämmer inte med callbacken"),
    ],
)
def test_wrongly_typed_router_requests_get_400(client, dependencies, change, message):
    body = callback_body(
        _callback(dependencies, ROUTER),
        {"_pages_location.pathname": "/om", "_pages_location.search": ""},
    )
    assert client.post("/_dash-update-component", json=body).status_code == 200
    change(body)
    _assert_400(client.post("/_dash-update-component", json=body), message)


def test_a_pattern_matching_id_must_have_the_patterns_keys(client, dependencies):
    callback = _callback(dependencies, "bildspel-download.data")
    body = callback_body(callback, {})
    good = {"id": {"id": 1, "type": "bildspel-export"}, "property": "n_clicks", "value": None}
    body["inputs"] = [[good]]
    assert client.post("/_dash-update-component", json=body).status_code == 204  # no click
    for wrong in (
        {"id": {"id": 1, "type": "annat"}},
        {"id": {"id": {"nested": 1}, "type": "bildspel-export"}},
        {"id": {"id": True, "type": "bildspel-export"}},
        {"id": {"type": "bildspel-export"}},
        {"id": "bildspel-export"},
        {"property": "value"},
    ):
        body["inputs"] = [[{**good, **wrong}]]
        _assert_400(client.post("/_dash-update-component", json=body), "”inputs” stämmer inte")


def test_a_callback_that_cannot_use_the_values_sent_gets_400(client, dependencies):
    body = callback_body(
        _callback(dependencies, "malkonflikter-pairs-wrapper"),
        {"malkonflikter-period.value": ["en", "lista"]},
    )
    _assert_400(
        client.post("/_dash-update-component", json=body),
        "callbacken kunde inte använda värdena i begäran",
    )
    body["inputs"][0]["value"] = "senaste10"
    assert client.post("/_dash-update-component", json=body).status_code == 200


@pytest.mark.parametrize("announced", [True, False])
def test_an_oversized_body_is_refused_without_being_read_whole(client, announced):
    """Too large for any request (``request_limits``): status 413 with the Swedish message,
    whether the size is announced (Content-Length) or found while reading (chunked)."""
    big = b'{"output": "' + b"x" * (MAX_CALLBACK_BYTES + 10) + b'"}'
    if announced:
        response = _post(client, big)
    else:
        response = client.post(
            "/_dash-update-component",
            input_stream=io.BytesIO(big),
            content_type="application/json",
            environ_overrides={"wsgi.input_terminated": True},
        )
    assert response.status_code == 413
    assert response.get_data(as_text=True).startswith("Begäran är för stor")
    assert client.get("/_dash-layout").status_code == 200, "the worker still answers"


def test_deep_nesting_is_refused_quickly(client):
    started = time.perf_counter()
    _assert_400(_post(client, "[" * 1_000_000), "för djupt nästlad")
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("path", ["/_dash-layout", "/_dash-dependencies"])
def test_the_read_only_endpoints_take_no_input(client, path):
    assert client.get(path + "?x=" + "[" * 10_000).status_code == 200
    assert client.post(path, data="[" * 50_000).status_code == 405


# --- writes: a deep or oddly named file, a malformed write; the stored data unchanged -------


@pytest.fixture
def own_data(demo_app, tmp_path):
    with own_database(tmp_path) as engine:
        yield engine


def _import_slideshow(client, dependencies, data: bytes, filename: Any):
    callback = _callback(dependencies, "bildspel-list.children")
    contents = "data:application/json;base64," + base64.b64encode(data).decode()
    body = callback_body(
        callback,
        {
            "bildspel-upload.contents": contents,
            "bildspel-upload.filename": filename,
            "bildspel-save.n_clicks": None,
        },
    )
    body["changedPropIds"] = ["bildspel-upload.contents"]
    return client.post("/_dash-update-component", json=body)


def test_a_deeply_nested_slideshow_file_is_refused_with_a_swedish_message(
    client, dependencies, own_data
):
    sign_in(client, own_data)
    before = dump_tables(own_data)
    document = '{"format": "hallbarhet-dalarna-bildspel", "version": 1, "name": "x", "views": '
    data = (document + "[" * 50_000 + "]" * 50_000 + "}").encode()
    response = _import_slideshow(client, dependencies, data, "djup.json")
    assert response.status_code == 200
    shown = json.dumps(response.get_json(), ensure_ascii=False)
    assert "Bildspelet importerades inte" in shown
    assert f"mer än {MAX_FILE_DEPTH} nivåer" in shown
    assert f"JSON med högst {MAX_FILE_DEPTH} nästlade nivåer" in shown
    assert dump_tables(own_data) == before


#: Uploaded file names (as a browser, or anyone, may send them) and how messages show them.
ODD_NAMES = [
    ("..", None),
    ("/etc/passwd", "passwd"),
    ("..\\..\\windows\\win.ini", "win.ini"),
    ("a" * 300, "a" * 79 + "…"),
    ({"inte": "text"}, None),
    (["lista.csv"], None),
    ("<i>\x00.json", "<i>.json"),
    ("x/../../../../tmp/ut.csv", "ut.csv"),
]


def test_an_uploaded_slideshow_name_is_only_shown(client, dependencies, own_data):
    sign_in(client, own_data)
    before = dump_tables(own_data)
    for filename, shown in ODD_NAMES:
        response = _import_slideshow(client, dependencies, b'{"format": "fel"}', filename)
        assert response.status_code == 200
        source = f"Filen {shown}" if shown else "Bildspelsfilen"
        assert f"{source}, fält" in json.dumps(response.get_json(), ensure_ascii=False)
    assert dump_tables(own_data) == before


GOALS_CSV = (
    "id,kpi_id,level,kind,operator,target_value,target_year,areas,wording_sv,source_document\n"
    'falun-utslapp-2030,N00401,lokal,absolute,<=,"1,8",2030,2080,"Högst 1,8 ton.",Falu KF\n'
)


def _import_goals(client, dependencies, csv: str, filename: Any):
    callback = _callback(dependencies, "mal-import-message.children")
    contents = "data:text/csv;base64," + base64.b64encode(csv.encode()).decode()
    body = callback_body(
        callback,
        {
            "mal-upload.contents": contents,
            "mal-upload.filename": filename,
            "mal-import-note.value": "test",
        },
    )
    return client.post("/_dash-update-component", json=body)


def test_an_uploaded_goal_file_name_is_never_a_path(client, dependencies, own_data):
    sign_in(client, own_data)
    for number, (filename, shown) in enumerate(ODD_NAMES):
        name = shown or "mal.csv"
        csv = GOALS_CSV.replace("falun-utslapp-2030", f"falun-utslapp-{number}")
        response = _import_goals(client, dependencies, csv, filename)
        assert response.status_code == 200
        message = json.dumps(response.get_json(), ensure_ascii=False)
        assert f"{name} är importerad: 1 tillagda" in message, message[:500]
        # a file with a problem names the same shown name, and stores nothing
        before = dump_tables(own_data)
        response = _import_goals(client, dependencies, csv.replace("N00401", "N99999"), filename)
        assert response.status_code == 200
        assert f"Inget från {name} sparades" in json.dumps(response.get_json(), ensure_ascii=False)
        assert dump_tables(own_data) == before


def test_a_malformed_write_request_gets_400_and_changes_nothing(client, dependencies, own_data):
    sign_in(client, own_data)
    before = dump_tables(own_data)
    body = json.loads(json.dumps(_goal_body(dependencies)))
    body["inputs"][0]["value"] = 5  # not the text of an upload
    _assert_400(
        client.post("/_dash-update-component", json=body),
        "callbacken kunde inte använda värdena i begäran",
    )
    body["state"] = body["state"][:1]
    _assert_400(client.post("/_dash-update-component", json=body), "”state” ska vara en lista")
    assert dump_tables(own_data) == before


def _goal_body(dependencies) -> dict[str, Any]:
    callback = _callback(dependencies, "mal-import-message.children")
    contents = "data:text/csv;base64," + base64.b64encode(GOALS_CSV.encode()).decode()
    return callback_body(callback, {"mal-upload.contents": contents, "mal-upload.filename": "x"})


# --- property-based: every page's address, fuzzed ----------------------------------------------

#: Each page's address (one id for a page with a path template) and its parameters.
PAGES: dict[str, tuple[str, ...]] = {
    "/": ("niva", "mal", "dimension", "vy", "metod"),
    "/indikator": ("dimension",),
    "/indikator/N00401": ("omraden", "kon", "niva", "metod"),
    "/kommun": ("metod",),
    "/kommun/2062": ("niva", "mal", "dimension", "metod"),
    "/jamfor": ("omraden", "indikatorer", "vy", "varden", "niva", "metod"),
    "/malkonflikter": ("x", "y", "lage", "till", "fran", "period", "fokus"),
    "/mal": ("niva", "omraden"),
    "/bildspel": (),
    "/bildspel/1": (),
    "/export": ("omraden", "indikatorer", "fran", "till", "kon", "niva", "metod"),
    "/om": (),
    "/finns-inte": (),
}
#: Values the pages know, so that fuzzing also reaches their valid paths.
KNOWN_VALUES = (
    "lokal", "regional", "nationell", "global", "trend", "eurostat", "statistics_canada",
    "2062", "2080", "0020", "0000", "N00401", "N03702", "N17457", "13", "3", "17", "social",
    "miljömässig", "mal", "kommun", "indikator", "ar", "forandring", "over_tid", "senaste5",
    "sedan2015", "2015", "2020", "2022", "T", "K", "M", "K,M", "diagram", "presentation",
    "N07702", "per-invanare", "totalt",
)  # fmt: skip
HUGE_NUMBERS = st.integers(min_value=-(10**40), max_value=10**40).map(str) | st.sampled_from(
    ["99999999999999999999999", "9" * 5000, "-0", "1e400", "NaN", "٣", "0x1F"]
)
UNICODE = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)
VALUES = st.one_of(
    st.sampled_from(KNOWN_VALUES),
    st.lists(st.sampled_from((*KNOWN_VALUES, "x", "")), min_size=2, max_size=5).map(",".join),
    HUGE_NUMBERS,
    UNICODE,
)
EXTRA_KEYS = st.sampled_from(("visa", "bildspel", "steg", "kpi_id", "area_id", "x", "")) | UNICODE


def _query(keys: tuple[str, ...]):
    key = st.sampled_from(keys) | EXTRA_KEYS if keys else EXTRA_KEYS
    # a list value is a repeated key
    value = VALUES | st.lists(VALUES, min_size=2, max_size=4)
    return st.dictionaries(key, value, max_size=6)


def _search(query: dict[str, Any]) -> str:
    text = urlencode(query, doseq=True)
    return f"?{text}" if text else ""


FUZZ = settings(
    max_examples=10,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


#: Fewer examples where a page takes long to draw: the fuzzing stays within some 30 seconds.
SLOW_PAGES = {"/jamfor": 4, "/malkonflikter": 6, "/kommun": 5, "/indikator/N00401": 6}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_fuzzed_addresses_draw_every_page(demo_app, dependencies, path):
    client = demo_app.server.test_client()

    @settings(FUZZ, max_examples=SLOW_PAGES.get(path, 12))
    @given(query=_query(PAGES[path]))
    def draw(query):
        status, rendered = render(client, dependencies, path, _search(query))
        assert status == 200, (path, query, rendered[:300])
        assert all(isinstance(note, str) for note in url_notes_of(rendered))

    draw()


@settings(FUZZ, max_examples=30)
@given(
    page=st.sampled_from(["/kommun/", "/indikator/", "/bildspel/", "/"]),
    segment=UNICODE | HUGE_NUMBERS,
    search=st.text(st.characters(exclude_categories=()), max_size=30),
)
def test_fuzzed_paths_and_raw_search_strings(demo_app, dependencies, page, segment, search):
    """Path ids (random text, huge numbers) and raw search strings (lone surrogates and all):
    status 200 for the drawing; the page's own status for the address."""
    client = demo_app.server.test_client()
    path = page + quote(segment, safe="")
    status, rendered = render(client, dependencies, path, "?" + search)
    assert status == 200, (path, search, rendered[:300])
    expected = 404 if page_for(page + segment) is None else 200  # the server reads it decoded
    assert client.get(path).status_code == expected, path


def test_notes_box_is_near_the_controls_on_every_page_with_controls(client, dependencies):
    """The note sits right before the page's controls (where the user changes what it says)."""
    for path, controls in [
        ("/", "oversikt-controls"),
        ("/jamfor", "jamfor-controls"),
        ("/malkonflikter", "malkonflikter-controls"),
    ]:
        _, rendered = render(client, dependencies, path, "?okand=1")
        children = page_json(rendered)["_pages_content"]["children"]["props"]["children"]
        names = [str((c or {}).get("props", {}).get("className", "")) for c in children]
        notes = next(i for i, n in enumerate(names) if "url-notes" in n)
        assert re.search(controls, names[notes + 1]), (path, names)


def test_a_slideshow_view_cannot_be_the_not_found_page(demo_app):
    from layouts.parts.presentation import app_routes

    routes = app_routes()
    assert "/sidan-finns-inte" not in routes
    assert "/kommun/<area_id>" in routes
