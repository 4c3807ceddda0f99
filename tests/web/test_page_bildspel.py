"""The Bildspel page and the presentation shell: pure functions, layouts, callbacks called
directly (with a callback context saying what was clicked) and the routes over HTTP."""

from __future__ import annotations

import base64
import json
from contextvars import copy_context

import dash
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict

from data.slideshows import export_slideshow, get_slideshow, list_slideshows, save_slideshow

# The callbacks are called as a signed-in editor (saving and removing need one).
pytestmark = pytest.mark.usefixtures("demo_app", "as_editor")

_counter = iter(range(1, 10_000))


def _unique(prefix: str) -> str:
    return f"{prefix} {next(_counter)}"


def _prop_id(component_id, prop: str = "n_clicks") -> str:
    if isinstance(component_id, dict):
        component_id = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return f"{component_id}.{prop}"


def _run(callback, trigger, value, *args):
    """Call a page callback as Dash would after ``trigger`` changed to ``value``."""

    def run():
        context_value.set(
            AttributeDict(triggered_inputs=[{"prop_id": _prop_id(trigger), "value": value}])
        )
        return callback(*args)

    return copy_context().run(run)


def _engine():
    from indicators import service

    return service.engine()


# --- routes ----------------------------------------------------------------------------------


def test_routes_answer(client):
    show = save_slideshow(_engine(), _unique("Rutt"), ["/"])
    for path in ("/bildspel", f"/bildspel/{show.id}", "/bildspel/999999"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b'<html lang="sv">' in response.data


def test_navigation_lists_every_page(demo_app):
    from app import navigation

    menu = navigation()  # from the page registry, filled when the app is built
    assert [href for href, _ in menu] == [
        "/",
        "/indikator",
        "/kommun",
        "/jamfor",
        "/malkonflikter",
        "/mal",
        "/bildspel",
        "/export",
        "/om",
    ]
    assert [label for _, label in menu] == [
        "Översikt",
        "Indikatorer",
        "Kommuner",
        "Jämför",
        "Målkonflikter",
        "Mål",
        "Bildspel",
        "Export",
        "Om data",
    ]


def test_shell_has_the_toggle_and_the_slideshow_bar():
    from app import shell

    layout = shell()
    assert layout.id == "shell"
    text = str(layout)
    assert "Presentationsläge" in text
    assert "aria-pressed='false'" in text
    for button in ("bildspel-prev", "bildspel-next", "bildspel-exit"):
        assert button in text


# --- presentation: pure functions -----------------------------------------------------------


def test_step_url_appends_the_presentation_parameters():
    from layouts.parts.presentation import step_url

    assert step_url("/", 4, 1) == "/?visa=presentation&bildspel=4&steg=1"
    assert step_url("/kommun/2062?niva=lokal", 4, 2) == (
        "/kommun/2062?niva=lokal&visa=presentation&bildspel=4&steg=2"
    )
    # A view that already names them is not doubled.
    assert step_url("/?mal=3&visa=presentation&steg=9", 4, 3) == (
        "/?mal=3&visa=presentation&bildspel=4&steg=3"
    )


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("?visa=presentation&bildspel=4&steg=2", (4, 2)),
        ("?mal=3&bildspel=12&steg=1", (12, 1)),
        ("?visa=presentation", None),
        ("?bildspel=4", None),
        ("?bildspel=x&steg=1", None),
        ("?bildspel=4&steg=-1", None),
        ("", None),
        (None, None),
    ],
)
def test_running_step(search, expected):
    from layouts.parts.presentation import running_step

    assert running_step(search) == expected


def test_show_state_gives_position_and_neighbours():
    from layouts.parts.presentation import show_state

    show = save_slideshow(_engine(), _unique("Tillstånd"), ["/", "/kommun/2062", "/om"])
    first = show_state(show, 1)
    assert first["position"] == "Bild 1 av 3"
    assert first["previous"] is None
    assert first["next"] == f"/kommun/2062?visa=presentation&bildspel={show.id}&steg=2"
    middle = show_state(show, 2)
    assert middle["previous"] == f"/?visa=presentation&bildspel={show.id}&steg=1"
    assert middle["next"] == f"/om?visa=presentation&bildspel={show.id}&steg=3"
    last = show_state(show, 3)
    assert (last["position"], last["next"]) == ("Bild 3 av 3", None)
    assert show_state(show, 0) is None
    assert show_state(show, 4) is None
    assert show_state(None, 1) is None


def test_follow_slideshow_reads_the_address():
    from layouts.parts.presentation import follow_slideshow

    show = save_slideshow(_engine(), _unique("Följ"), ["/", "/om"])
    state = follow_slideshow(f"?visa=presentation&bildspel={show.id}&steg=2")
    assert (state["id"], state["step"], state["count"], state["name"]) == (
        show.id,
        2,
        2,
        show.name,
    )
    assert follow_slideshow("?visa=presentation") is None
    assert follow_slideshow(f"?bildspel={show.id}&steg=3") is None
    assert follow_slideshow("?bildspel=999999&steg=1") is None


def test_app_routes_are_the_registered_pages():
    from layouts.parts.presentation import app_routes

    routes = app_routes()
    for route in ("/", "/indikator/<kpi_id>", "/kommun/<area_id>", "/bildspel"):
        assert route in routes


# --- page: pure functions --------------------------------------------------------------------


def test_describe_view():
    from indicators import service
    from layouts.bildspel import describe_view

    assert describe_view("/") == "Översikt"
    assert describe_view("/?mal=3") == "Översikt – mål 3 Hälsa och välbefinnande"
    assert describe_view("/?mal=3,13") == "Översikt – mål 3, 13"
    assert describe_view("/kommun/2062") == "Kommunprofil – Mora"
    label = service.indicator("N00401").label
    assert describe_view("/indikator/N00401") == f"Indikator – {label}"
    assert describe_view("/indikator/N00401?omraden=2062,2080") == (
        f"Indikator – {label} (Mora, Falun)"
    )
    assert describe_view("/om") == "Om data"


def test_pasted_views():
    from layouts.bildspel import pasted_views
    from layouts.parts.presentation import app_routes

    text = "\n".join(
        [
            "http://dash.example:8050/kommun/2062?niva=lokal",
            "",
            "https://annan.example/kommun/2062",
            "  /?mal=13&visa=presentation  ",
            "javascript:alert(1)",
            "/finns-inte",
        ]
    )
    views, problems = pasted_views(text, "dash.example:8050", app_routes())
    assert views == ["/kommun/2062?niva=lokal", "/?mal=13"]
    assert [p.split(":")[0] for p in problems] == ["Rad 3", "Rad 5", "Rad 6"]
    assert "annan webbplats" in problems[0]
    assert "en sida som finns" in problems[2]


def test_move_and_remove_views():
    from layouts.bildspel import move_view, remove_view

    views = ["a", "b", "c"]
    assert move_view(views, 2, -1) == ["a", "c", "b"]
    assert move_view(views, 0, 1) == ["b", "a", "c"]
    assert move_view(views, 0, -1) == views
    assert move_view(views, 2, 1) == views
    assert remove_view(views, 1) == ["a", "c"]
    assert views == ["a", "b", "c"]


def test_file_stem_keeps_swedish_letters():
    from layouts.bildspel import _file_stem

    assert _file_stem("Kommunstyrelsen – maj/juni") == "kommunstyrelsen-maj-juni"
    assert _file_stem("Årsmöte Älvdalen") == "årsmöte-älvdalen"
    assert _file_stem("!!!") == "bildspel"


# --- page: layouts ---------------------------------------------------------------------------


def test_layout_lists_saved_slideshows_with_start_links():
    from layouts.bildspel import layout

    show = save_slideshow(_engine(), _unique("Listad"), ["/?mal=3", "/kommun/2062"])
    text = str(layout())
    assert show.name in text
    assert f"/?mal=3&visa=presentation&bildspel={show.id}&steg=1" in text
    assert f"/bildspel/{show.id}" in text


def test_slideshow_page_shows_views_in_order():
    from layouts.bildspel import slideshow_page

    show = save_slideshow(_engine(), _unique("Sida"), ["/kommun/2080", "/?mal=13"])
    text = str(slideshow_page(str(show.id)))
    assert show.name in text
    assert text.index("Kommunprofil – Falun") < text.index("Översikt – mål 13")
    assert f"/?mal=13&visa=presentation&bildspel={show.id}&steg=2" in text
    assert "Bildspelet finns inte" in str(slideshow_page("999999"))
    assert "Bildspelet finns inte" in str(slideshow_page("x"))


# --- page: callbacks -------------------------------------------------------------------------


def _draft(trigger, value=1, draft=(), goal=3, area="2062", kpi="N00401", areas=(), pasted=""):
    from layouts.bildspel import edit_draft

    # Inputs: 5 buttons and 4 pattern groups, then the states.
    inputs = [None] * 9
    return _run(
        edit_draft,
        trigger,
        value,
        *inputs,
        list(draft),
        goal,
        area,
        kpi,
        list(areas),
        pasted,
    )


def test_edit_draft_adds_presets():
    draft, _, _, message = _draft("bildspel-add-sdg", goal=13)
    assert (draft, message) == (["/?mal=13"], "")
    draft, *_ = _draft("bildspel-add-omrade", draft=draft, area="2080")
    assert draft == ["/?mal=13", "/kommun/2080"]
    draft, *_ = _draft("bildspel-add-kpi", draft=draft, kpi="N00401", areas=["2062", "0000"])
    assert draft[-1] == "/indikator/N00401?omraden=2062"  # only municipalities are compared
    draft, *_ = _draft("bildspel-add-kpi", draft=[], kpi="N00401", areas=[])
    assert draft == ["/indikator/N00401"]


def test_edit_draft_pasted_addresses():
    draft, _, pasted, message = _draft(
        "bildspel-add-adresser", draft=["/"], pasted="/kommun/2062\nhttps://example.com/"
    )
    assert draft == ["/", "/kommun/2062"]
    assert "Rad 2" in str(message)
    assert pasted is dash.no_update  # the text stays for correcting
    draft, _, pasted, message = _draft("bildspel-add-adresser", draft=[], pasted="/om")
    assert (draft, pasted, message) == (["/om"], "", "")


def test_edit_draft_moves_removes_and_clears():
    draft = ["/a", "/b", "/c"]
    moved, *_ = _draft({"type": "bildspel-up", "index": 2}, draft=draft)
    assert moved == ["/a", "/c", "/b"]
    moved, *_ = _draft({"type": "bildspel-down", "index": 0}, draft=draft)
    assert moved == ["/b", "/a", "/c"]
    removed, *_ = _draft({"type": "bildspel-remove", "index": 1}, draft=draft)
    assert removed == ["/a", "/c"]
    cleared, *_ = _draft("bildspel-clear", draft=draft)
    assert cleared == []


def test_edit_draft_loads_a_saved_slideshow():
    show = save_slideshow(_engine(), _unique("Ändra"), ["/om", "/"])
    draft, name, _, message = _draft({"type": "bildspel-edit", "id": show.id})
    assert (draft, name) == (["/om", "/"], show.name)
    assert show.name in str(message)


def test_edit_draft_ignores_buttons_that_were_only_drawn():
    from dash.exceptions import PreventUpdate

    with pytest.raises(PreventUpdate):
        _draft({"type": "bildspel-up", "index": 1}, value=None, draft=["/a", "/b"])


def _change(trigger, value=1, name="", draft=(), contents=None, filename=None):
    from layouts.bildspel import change_slideshows

    return _run(
        change_slideshows, trigger, value, None, contents, None, name, list(draft), filename
    )


def test_save_from_the_form():
    name = _unique("Sparad")
    table, message, _, _ = _change("bildspel-save", name=name, draft=["/?mal=3", "/om"])
    show = get_slideshow(_engine(), name)
    assert show.views == ("/?mal=3", "/om")
    assert name in str(table)
    assert "sparades med 2 vyer" in str(message)
    assert f"/?mal=3&visa=presentation&bildspel={show.id}&steg=1" in str(message)


def test_save_problems_are_shown_in_the_forms_words_and_nothing_is_stored():
    before = list_slideshows(_engine())
    _, message, _, _ = _change("bildspel-save", name="", draft=["https://example.com/"])
    text = str(message)
    assert "sparades inte" in text
    assert "Namn: tomt" in text
    assert 'Vy 1: "https://example.com/"' in text
    assert list_slideshows(_engine()) == before


def test_delete_from_the_list():
    show = save_slideshow(_engine(), _unique("Bort"), ["/"])
    table, _, _, message = _change({"type": "bildspel-delete", "id": show.id})
    assert get_slideshow(_engine(), show.id) is None
    assert show.name not in str(table)
    assert "togs bort" in str(message)
    _, _, _, message = _change({"type": "bildspel-delete", "id": show.id})
    assert "finns inte" in str(message)


def _upload(document) -> str:
    data = json.dumps(document).encode("utf-8")
    return "data:application/json;base64," + base64.b64encode(data).decode("ascii")


def test_import_a_file():
    name = _unique("Importerad")
    contents = _upload(
        {"format": "hallbarhet-dalarna-bildspel", "version": 1, "name": name, "views": ["/om"]}
    )
    table, _, message, _ = _change(
        "bildspel-upload", contents, contents=contents, filename="b.json"
    )
    assert get_slideshow(_engine(), name).views == ("/om",)
    assert name in str(table)
    assert "importerades med 1 vyer" in str(message)


def test_import_problems_name_the_file_and_field():
    name = _unique("Trasig")
    contents = _upload({"format": "annat", "version": 1, "name": name, "views": ["//evil"]})
    _, _, message, _ = _change("bildspel-upload", contents, contents=contents, filename="b.json")
    text = str(message)
    assert 'Filen b.json, fält "format"' in text
    assert 'Filen b.json, fält "views, vy 1"' in text
    assert get_slideshow(_engine(), name) is None
    _, _, message, _ = _change("bildspel-upload", "x", contents="inte base64", filename="c.json")
    assert "Filen c.json kunde inte läsas" in str(message)


def test_export_sends_the_file():
    from layouts.bildspel import export_file

    show = save_slideshow(_engine(), _unique("Export Åre"), ["/", "/om"])
    sent = _run(export_file, {"type": "bildspel-export", "id": show.id}, 1, [1])
    assert sent["filename"] == f"bildspel-{show.name.lower().replace(' ', '-')}.json"
    assert base64.b64decode(sent["content"]) == export_slideshow(show)
