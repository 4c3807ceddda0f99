"""The Bildspel page and the presentation shell: pure functions, layouts, callbacks called
directly (with a callback context saying what was clicked) and the routes over HTTP."""

from __future__ import annotations

import base64
import json
import logging
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
        "/malkedjan",
        "/insatser",
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
        "Målkedjan",
        "Insatser",
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


def test_load_slideshow_gives_the_content_the_browser_runs_the_show_with(caplog):
    from layouts.parts.presentation import load_slideshow

    show = save_slideshow(_engine(), _unique("Följ"), ["/", "/om"])
    search = f"?visa=presentation&bildspel={show.id}&steg=2"
    assert load_slideshow(show.id, search) == {
        "id": show.id,
        "name": show.name,
        "views": ["/", "/om"],
    }
    # The step is the browser's business: any step of a known show gets the same content.
    assert load_slideshow(show.id, f"?bildspel={show.id}&steg=9") == load_slideshow(show.id, "")
    with caplog.at_level(logging.INFO, logger="layouts.parts.presentation"):
        assert load_slideshow(999_999, "?bildspel=999999&steg=1") is None
    assert "No slideshow 999999 with a step 1" in caplog.text
    # Whatever else the store may be sent is no slideshow (and no database question).
    for sent in (None, True, 0, -1, 2**31, 1.5, "1", [1], {"id": show.id}):
        assert load_slideshow(sent, search) is None, sent


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


def test_describe_view_names_what_jamfor_and_malkonflikter_show():
    from indicators import service
    from layouts.bildspel import describe_view

    assert describe_view("/jamfor?omraden=2062%2C2080&vy=kommun") == "Jämför – Mora, Falun"
    assert describe_view("/jamfor?omraden=2062,x") == "Jämför – Mora"
    assert describe_view("/jamfor") == "Jämför"
    x, y = service.indicator("N03702").label, service.indicator("N00401").label
    assert describe_view("/malkonflikter?x=N03702&y=N00401&lage=forandring") == (
        f"Målkonflikter – {x} mot {y}"
    )
    assert describe_view("/malkonflikter?x=N03702") == "Målkonflikter"


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


def test_print_view_url_shows_the_view_in_presentation_mode_without_the_bar():
    from layouts.parts.presentation import print_view_url

    assert print_view_url("/kommun/2080") == "/kommun/2080?visa=presentation"
    assert print_view_url("/?mal=13&visa=presentation&bildspel=4&steg=2") == (
        "/?mal=13&visa=presentation"
    )


def test_print_page_frames_every_view_in_order_and_is_linked_from_the_slideshow():
    from dash import html

    from layouts.bildspel import print_path, slideshow_page, slideshow_print_page

    show = save_slideshow(_engine(), _unique("Utskrift"), ["/kommun/2080", "/?mal=13", "/om"])
    page = slideshow_print_page(str(show.id))
    frames = []

    def walk(component):
        if isinstance(component, html.Iframe):
            frames.append(component)
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    walk(page)
    assert [frame.src for frame in frames] == [
        "/kommun/2080?visa=presentation",
        "/?mal=13&visa=presentation",
        "/om?visa=presentation",
    ]
    assert frames[0].title == "Bild 1: Kommunprofil – Falun"
    assert "Bild 3 av 3" in str(page)
    assert print_path(show.id) == f"/bildspel/{show.id}/utskrift"
    assert print_path(show.id) in str(slideshow_page(str(show.id)))
    assert "Bildspelet finns inte" in str(slideshow_print_page("999999"))


def test_print_page_answers_and_the_dashboard_may_frame_itself(client):
    show = save_slideshow(_engine(), _unique("Ram"), ["/om"])
    response = client.get(f"/bildspel/{show.id}/utskrift")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'")


# --- page: callbacks -------------------------------------------------------------------------


def _draft(trigger, value=1, draft=(), goal=3, area="2062", kpi="N00401", areas=(), pasted=""):
    from layouts.bildspel import edit_draft

    # Inputs: 6 buttons and 4 pattern groups, then the states.
    inputs = [None] * 10
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
    draft, _, _, message, editing = _draft("bildspel-add-sdg", goal=13)
    assert (draft, message) == (["/?mal=13"], "")
    assert editing is dash.no_update  # adding views keeps the slideshow open
    draft, *_ = _draft("bildspel-add-omrade", draft=draft, area="2080")
    assert draft == ["/?mal=13", "/kommun/2080"]
    draft, *_ = _draft("bildspel-add-kpi", draft=draft, kpi="N00401", areas=["2062", "0000"])
    assert draft[-1] == "/indikator/N00401?omraden=2062"  # only municipalities are compared
    draft, *_ = _draft("bildspel-add-kpi", draft=[], kpi="N00401", areas=[])
    assert draft == ["/indikator/N00401"]


def test_edit_draft_pasted_addresses():
    draft, _, pasted, message, _ = _draft(
        "bildspel-add-adresser", draft=["/"], pasted="/kommun/2062\nhttps://example.com/"
    )
    assert draft == ["/", "/kommun/2062"]
    assert "Rad 2" in str(message)
    assert pasted is dash.no_update  # the text stays for correcting
    draft, _, pasted, message, _ = _draft("bildspel-add-adresser", draft=[], pasted="/om")
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


def test_edit_draft_loads_a_saved_slideshow_with_its_id_and_version():
    show = save_slideshow(_engine(), _unique("Ändra"), ["/om", "/"])
    draft, name, _, message, editing = _draft({"type": "bildspel-edit", "id": show.id})
    assert (draft, name) == (["/om", "/"], show.name)
    assert show.name in str(message)
    assert editing == {"id": show.id, "version": 1, "name": show.name}
    _, _, _, message, editing = _draft({"type": "bildspel-edit", "id": 999_999})
    assert "finns inte längre" in str(message)
    assert editing is dash.no_update


def test_detach_turns_the_list_into_a_new_slideshow():
    draft, name, _, message, editing = _draft("bildspel-detach", draft=["/om"])
    assert (draft, name, editing) == (dash.no_update, dash.no_update, None)
    assert "nytt bildspel" in str(message)


def test_the_builder_says_which_slideshow_it_changes():
    from layouts.bildspel import show_editing

    note, hidden = show_editing({"id": 4, "version": 2, "name": "Maj"})
    assert "”Maj”" in str(note) and hidden is False
    assert show_editing(None) == ("", True)
    assert show_editing({"id": "4", "version": 2}) == ("", True)  # not a stored id


def test_edit_draft_ignores_buttons_that_were_only_drawn():
    from dash.exceptions import PreventUpdate

    with pytest.raises(PreventUpdate):
        _draft({"type": "bildspel-up", "index": 1}, value=None, draft=["/a", "/b"])


def _change(
    trigger, value=1, name="", draft=(), contents=None, filename=None, editing=None, removal=None
):
    """The outputs of ``change_slideshows``: the list, the save, import and list messages, the
    editing store, the removal store and the question."""
    from layouts.bildspel import change_slideshows

    return _run(
        change_slideshows,
        trigger,
        value,
        None,
        contents,
        None,
        None,
        None,
        name,
        list(draft),
        filename,
        editing,
        removal,
    )


def _text(component) -> str:
    """A component's text and props as plain text (for ``role="alert"`` and the ids)."""
    if isinstance(component, list | tuple):
        return " ".join(_text(child) for child in component)
    if not hasattr(component, "to_plotly_json"):
        return "" if component is None else str(component)
    props = component.to_plotly_json()["props"]
    shown = [f'{key}="{value}"' for key, value in props.items() if key != "children"]
    return " ".join([*shown, _text(props.get("children"))])


def test_save_from_the_form():
    name = _unique("Sparad")
    table, message, _, _, editing, *_ = _change(
        "bildspel-save", name=name, draft=["/?mal=3", "/om"]
    )
    show = get_slideshow(_engine(), name)
    assert show.views == ("/?mal=3", "/om")
    assert name in str(table)
    assert "sparades med 2 vyer" in str(message)
    assert f"/?mal=3&visa=presentation&bildspel={show.id}&steg=1" in str(message)
    # The builder now holds the saved slideshow: saving again changes it.
    assert editing == {"id": show.id, "version": 1, "name": name}
    _, message, _, _, editing, *_ = _change(
        "bildspel-save", name=name, draft=["/om"], editing=editing
    )
    assert "sparades med 1 vyer" in str(message)
    assert editing == {"id": show.id, "version": 2, "name": name}
    assert get_slideshow(_engine(), show.id).views == ("/om",)


def test_a_new_slideshow_under_a_name_in_use_is_refused():
    show = save_slideshow(_engine(), _unique("Upptaget"), ["/"])
    before = list_slideshows(_engine())
    _, message, _, _, editing, *_ = _change("bildspel-save", name=show.name, draft=["/om"])
    text = _text(message)
    assert f'Det finns redan ett bildspel som heter "{show.name}"' in text
    assert 'role="alert"' in text
    assert editing is dash.no_update
    assert list_slideshows(_engine()) == before


def test_a_stale_save_is_refused_and_says_what_differs():
    from indicators import service

    show = save_slideshow(_engine(), _unique("Möte"), ["/", "/kommun/2062"])
    opened = {"id": show.id, "version": show.version, "name": show.name}
    # Someone else saves first: a view added, one removed.
    save_slideshow(
        _engine(),
        show.name,
        ["/", "/om"],
        slideshow_id=show.id,
        expected_version=1,
        updated_by="annan.redaktor",
    )
    before = list_slideshows(_engine())
    _, message, _, _, editing, *_ = _change(
        "bildspel-save",
        name=show.name + " ny",
        draft=["/", "/kommun/2062", "/?mal=3"],
        editing=opened,
    )
    text = _text(message)
    assert "Bildspelet har ändrats av någon annan – ladda om." in text
    assert 'role="alert"' in text
    assert "av annan.redaktor" in text
    assert f"Namnet är nu ”{show.name}” (i formuläret: ”{show.name} ny”)" in text
    assert "Sparad vy som saknas i din lista: Om data (/om)" in text
    mora = service.area_title("2062")
    assert f"Vy i din lista som inte är sparad: Kommunprofil – {mora} (/kommun/2062)" in text
    assert "Vy i din lista som inte är sparad: Översikt – mål 3" in text
    assert editing is dash.no_update  # still the old version: saving again is refused again
    assert list_slideshows(_engine()) == before


def test_a_save_of_a_slideshow_removed_meanwhile_is_refused():
    from data.slideshows import delete_slideshow

    show = save_slideshow(_engine(), _unique("Borta"), ["/"])
    opened = {"id": show.id, "version": 1, "name": show.name}
    delete_slideshow(_engine(), show.id)
    _, message, _, _, editing, *_ = _change(
        "bildspel-save", name=show.name, draft=["/om"], editing=opened
    )
    assert "Bildspelet har tagits bort av någon annan" in _text(message)
    assert get_slideshow(_engine(), show.name) is None
    assert editing is None  # saving again creates it anew
    _change("bildspel-save", name=show.name, draft=["/om"], editing=editing)
    assert get_slideshow(_engine(), show.name).views == ("/om",)


def test_stale_differences():
    from layouts.bildspel import stale_differences

    stored = {"name": "A", "views": ["/", "/om"]}
    assert stale_differences("A", ["/", "/om"], stored) == [
        "Namn och vyer är desamma som i din lista."
    ]
    assert stale_differences(" A ", ["/om", "/"], stored) == [
        "Vyerna är sparade i en annan ordning."
    ]
    assert stale_differences("B", ["/"], stored) == [
        "Namnet är nu ”A” (i formuläret: ”B”).",
        "Sparad vy som saknas i din lista: Om data (/om).",
    ]


def test_save_problems_are_shown_in_the_forms_words_and_nothing_is_stored():
    before = list_slideshows(_engine())
    _, message, *_ = _change("bildspel-save", name="", draft=["https://example.com/"])
    text = str(message)
    assert "sparades inte" in text
    assert "Namn: tomt" in text
    assert 'Vy 1: "https://example.com/"' in text
    assert list_slideshows(_engine()) == before


def test_delete_asks_first_then_removes_with_the_servers_confirmation():
    show = save_slideshow(_engine(), _unique("Bort"), ["/"])
    opened = {"id": show.id, "version": 1, "name": show.name}
    table, _, _, _, _, removal, question = _change({"type": "bildspel-delete", "id": show.id})
    assert get_slideshow(_engine(), show.id) is not None  # the first click only asks
    assert f"Ta bort bildspelet ”{show.name}”?" in _text(question)
    assert "bildspel-delete-ok" in _text(question)
    assert removal["id"] == show.id and isinstance(removal["token"], str)
    confirm = {"type": "bildspel-delete-ok", "id": show.id}
    table, _, _, message, editing, removal, question = _change(
        confirm, editing=opened, removal=removal
    )
    assert get_slideshow(_engine(), show.id) is None
    assert show.name not in str(table)
    assert "togs bort" in str(message)
    assert (editing, removal, question) == (None, None, "")  # the builder is no longer tied
    _, _, _, message, *_ = _change({"type": "bildspel-delete", "id": show.id})
    assert "finns inte" in str(message)


def test_a_removal_without_the_servers_confirmation_removes_nothing():
    from layouts.parts.confirmation import NOT_CONFIRMED, removal_token

    show = save_slideshow(_engine(), _unique("Kvar"), ["/"])
    other = save_slideshow(_engine(), _unique("Annan"), ["/"])
    confirm = {"type": "bildspel-delete-ok", "id": show.id}
    forged = [
        None,
        {"id": show.id},
        {"id": show.id, "token": "förfalskad"},
        {"id": show.id, "token": removal_token("slideshow", other.id, 1, "redaktor.test")},
        {"id": show.id, "token": removal_token("slideshow", show.id, 1, "någon.annan")},
        {"id": show.id, "token": removal_token("assessment", show.id, 1, "redaktor.test")},
    ]
    for removal in forged:
        _, _, _, message, *_ = _change(confirm, removal=removal)
        assert NOT_CONFIRMED in _text(message), removal
        assert get_slideshow(_engine(), show.id) is not None, removal


def test_a_removal_confirmed_for_an_older_version_removes_nothing():
    show = save_slideshow(_engine(), _unique("Ändrad"), ["/"])
    *_, removal, _ = _change({"type": "bildspel-delete", "id": show.id})
    save_slideshow(_engine(), show.name, ["/om"], slideshow_id=show.id, expected_version=1)
    _, _, _, message, *_ = _change({"type": "bildspel-delete-ok", "id": show.id}, removal=removal)
    assert "Bildspelet har ändrats av någon annan" in _text(message)
    assert get_slideshow(_engine(), show.id).views == ("/om",)


def test_cancel_closes_the_question():
    answer = _change({"type": "bildspel-delete-cancel", "id": 1})
    assert answer[-2:] == (None, "")
    assert all(value is dash.no_update for value in answer[:5])


def _upload(document) -> str:
    data = json.dumps(document).encode("utf-8")
    return "data:application/json;base64," + base64.b64encode(data).decode("ascii")


def test_import_a_file():
    name = _unique("Importerad")
    contents = _upload(
        {"format": "hallbarhet-dalarna-bildspel", "version": 1, "name": name, "views": ["/om"]}
    )
    table, _, message, *_ = _change(
        "bildspel-upload", contents, contents=contents, filename="b.json"
    )
    assert get_slideshow(_engine(), name).views == ("/om",)
    assert name in str(table)
    assert "importerades med 1 vyer" in str(message)
    # The same file again: the name is in use, nothing is replaced.
    _, _, message, *_ = _change("bildspel-upload", contents, contents=contents, filename="b.json")
    assert "Bildspelet importerades inte." in _text(message)
    assert f'Det finns redan ett bildspel som heter "{name}"' in _text(message)
    assert len([s for s in list_slideshows(_engine()) if s.name == name]) == 1


def test_import_problems_name_the_file_and_field():
    name = _unique("Trasig")
    contents = _upload({"format": "annat", "version": 1, "name": name, "views": ["//evil"]})
    _, _, message, *_ = _change("bildspel-upload", contents, contents=contents, filename="b.json")
    text = str(message)
    assert 'Filen b.json, fält "format"' in text
    assert 'Filen b.json, fält "views, vy 1"' in text
    assert get_slideshow(_engine(), name) is None
    _, _, message, *_ = _change("bildspel-upload", "x", contents="inte base64", filename="c.json")
    assert "Filen c.json kunde inte läsas" in str(message)


def test_export_sends_the_file():
    from layouts.bildspel import export_file

    show = save_slideshow(_engine(), _unique("Export Åre"), ["/", "/om"])
    sent = _run(export_file, {"type": "bildspel-export", "id": show.id}, 1, [1])
    assert sent["filename"] == f"bildspel-{show.name.lower().replace(' ', '-')}.json"
    assert base64.b64decode(sent["content"]) == export_slideshow(show)
