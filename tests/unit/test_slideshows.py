"""Saved slideshows: storage, the JSON file and every validation rule."""

from __future__ import annotations

import json

import pytest

from data.slideshows import (
    FILE_FORMAT,
    MAX_NAME_LENGTH,
    MAX_VIEWS,
    InvalidSlideshowError,
    UnknownSlideshowError,
    delete_slideshow,
    export_slideshow,
    get_slideshow,
    import_slideshow,
    list_slideshows,
    normalise_view,
    route_matches,
    save_slideshow,
    strip_presentation_params,
    validate_slideshow,
    view_problem,
)

ROUTES = ("/", "/indikator", "/indikator/<kpi_id>", "/kommun", "/kommun/<area_id>")


def _file(**fields) -> bytes:
    document = {"format": FILE_FORMAT, "version": 1, "name": "Visning", "views": ["/"]}
    document.update(fields)
    return json.dumps(document).encode("utf-8")


def _problem_fields(error: InvalidSlideshowError) -> list[str]:
    return [problem.field for problem in error.problems]


# --- storage ---------------------------------------------------------------------------------


def test_save_then_get_by_id_and_by_name(engine):
    views = ["/?mal=3", "/kommun/2062", "/indikator/N00401?omraden=2062,2080"]
    record = save_slideshow(engine, "  Kommunfullmäktige  ", views)
    assert record.name == "Kommunfullmäktige"
    assert record.views == tuple(views)
    assert get_slideshow(engine, record.id) == record
    assert get_slideshow(engine, "Kommunfullmäktige") == record
    assert get_slideshow(engine, record.id + 1) is None
    assert get_slideshow(engine, "Finns inte") is None


def test_saving_an_existing_name_replaces_its_views(engine):
    first = save_slideshow(engine, "Möte", ["/"])
    second = save_slideshow(engine, "Möte", ["/kommun/2062", "/"])
    assert second.id == first.id
    assert second.views == ("/kommun/2062", "/")
    assert second.created_at == first.created_at
    assert second.updated_at >= first.updated_at
    assert [s.name for s in list_slideshows(engine)] == ["Möte"]


def test_list_is_ordered_by_name_ignoring_case(engine):
    for name in ("beta", "Alfa", "Gamma"):
        save_slideshow(engine, name, ["/"])
    assert [s.name for s in list_slideshows(engine)] == ["Alfa", "beta", "Gamma"]


def test_delete_by_id_and_by_name(engine):
    one = save_slideshow(engine, "Ett", ["/"])
    save_slideshow(engine, "Två", ["/"])
    assert delete_slideshow(engine, one.id).name == "Ett"
    assert delete_slideshow(engine, "Två").name == "Två"
    assert list_slideshows(engine) == []
    with pytest.raises(UnknownSlideshowError, match="finns inte"):
        delete_slideshow(engine, one.id)


def test_presentation_parameters_and_trailing_slash_are_not_stored(engine):
    record = save_slideshow(
        engine,
        "Rensad",
        ["/kommun/2062/?visa=presentation&niva=lokal&bildspel=4&steg=2", "/?visa=presentation"],
    )
    assert record.views == ("/kommun/2062?niva=lokal", "/")


def test_invalid_slideshow_stores_nothing_and_keeps_the_old_one(engine):
    save_slideshow(engine, "Möte", ["/"])
    with pytest.raises(InvalidSlideshowError):
        save_slideshow(engine, "Möte", ["https://example.com/"])
    assert get_slideshow(engine, "Möte").views == ("/",)


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "view",
    [
        "https://example.com/",
        "http://127.0.0.1:8050/kommun/2062",
        "//example.com/kommun/2062",
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "kommun/2062",
        "/\\example.com",
        "/kom mun",
        "/kommun/2062#profil",
        "",
    ],
)
def test_views_outside_the_dashboard_are_refused(view):
    with pytest.raises(InvalidSlideshowError) as error:
        validate_slideshow("Namn", [view])
    assert _problem_fields(error.value) == ["views, vy 1"]
    assert 'fält "views, vy 1"' in str(error.value)
    assert "förväntat" in str(error.value)


def test_view_surrounding_spaces_are_trimmed_before_the_check():
    assert validate_slideshow("Namn", ["  /kommun/2062  "]) == ("Namn", ("/kommun/2062",))


def test_views_must_be_on_a_known_route():
    assert view_problem("/kommun/2062?niva=lokal", ROUTES) is None
    assert view_problem("/indikator", ROUTES) is None
    assert "en sida som finns" in view_problem("/okand", ROUTES)
    assert view_problem("/kommun/2062/extra", ROUTES) is not None
    assert view_problem("/okand", None) is None


def test_route_matching():
    assert route_matches("/", "/")
    assert route_matches("/kommun/2062", "/kommun/<area_id>")
    assert not route_matches("/kommun", "/kommun/<area_id>")
    assert not route_matches("/kommun/2062/x", "/kommun/<area_id>")
    assert not route_matches("/kommuner", "/kommun")


def test_every_problem_is_listed_with_its_field():
    with pytest.raises(InvalidSlideshowError) as error:
        validate_slideshow("", ["/", "https://example.com", "/okand"], routes=ROUTES)
    assert _problem_fields(error.value) == ["name", "views, vy 2", "views, vy 3"]
    lines = str(error.value).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith('Bildspelet, fält "name": tomt')


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("x", True),
        ("x" * MAX_NAME_LENGTH, True),
        ("x" * (MAX_NAME_LENGTH + 1), False),
        ("  ", False),
    ],
)
def test_name_length(name, ok):
    if ok:
        assert validate_slideshow(name, ["/"])[0] == name
    else:
        with pytest.raises(InvalidSlideshowError, match='fält "name"'):
            validate_slideshow(name, ["/"])


def test_name_must_be_text():
    with pytest.raises(InvalidSlideshowError, match='fält "name"'):
        validate_slideshow(42, ["/"])


@pytest.mark.parametrize(
    ("count", "ok"), [(0, False), (1, True), (MAX_VIEWS, True), (MAX_VIEWS + 1, False)]
)
def test_number_of_views(count, ok):
    views = ["/"] * count
    if ok:
        assert len(validate_slideshow("Namn", views)[1]) == count
    else:
        with pytest.raises(InvalidSlideshowError) as error:
            validate_slideshow("Namn", views)
        assert _problem_fields(error.value) == ["views"]
        assert f"1–{MAX_VIEWS} vyer" in str(error.value)


@pytest.mark.parametrize("views", ["/", None, {"a": "/"}, [1]])
def test_views_must_be_a_list_of_text(views):
    with pytest.raises(InvalidSlideshowError, match='fält "views'):
        validate_slideshow("Namn", views)


def test_strip_presentation_params_keeps_the_rest_verbatim():
    assert strip_presentation_params("omraden=2062%2C2080&visa=presentation&kon=K,M") == (
        "omraden=2062%2C2080&kon=K,M"
    )
    assert strip_presentation_params("bildspel=1&steg=2") == ""
    assert normalise_view("/?steg=3") == "/"


# --- file ------------------------------------------------------------------------------------


def test_export_then_import_round_trip(engine, db_url, tmp_path):
    from data.db import open_database

    record = save_slideshow(engine, "Dalarna åk 3", ["/?mal=13", "/kommun/2080"])
    data = export_slideshow(record)
    document = json.loads(data.decode("utf-8"))
    assert document == {
        "format": "hallbarhet-dalarna-bildspel",
        "version": 1,
        "name": "Dalarna åk 3",
        "views": ["/?mal=13", "/kommun/2080"],
    }
    other = open_database(f"sqlite:///{tmp_path / 'other.sqlite'}")
    imported = import_slideshow(other, data, routes=ROUTES)
    assert (imported.name, imported.views) == (record.name, record.views)
    other.dispose()


def test_import_replaces_a_slideshow_of_the_same_name(engine):
    save_slideshow(engine, "Visning", ["/kommun/2062"])
    imported = import_slideshow(engine, _file(views=["/", "/kommun/2080"]))
    assert imported.views == ("/", "/kommun/2080")
    assert len(list_slideshows(engine)) == 1


def test_import_accepts_a_byte_order_mark(engine):
    assert import_slideshow(engine, b"\xef\xbb\xbf" + _file()).name == "Visning"


@pytest.mark.parametrize(
    ("data", "fields", "text"),
    [
        (_file(format="annat"), ["format"], '"hallbarhet-dalarna-bildspel"'),
        (_file(format=None), ["format"], 'fält "format": tomt'),
        (_file(version=2), ["version"], "1 (ett heltal)"),
        (_file(version=True), ["version"], "1 (ett heltal)"),
        (_file(version="1"), ["version"], "1 (ett heltal)"),
        (_file(name=""), ["name"], "1–200 tecken"),
        (_file(name=None), ["name"], "ett namn"),
        (_file(views=[]), ["views"], "1–50 vyer"),
        (_file(views="/"), ["views"], "en lista"),
        (_file(views=["/", "javascript:alert(1)"]), ["views, vy 2"], "börjar med"),
        (_file(views=["/okand"]), ["views, vy 1"], "en sida som finns"),
        (
            _file(format="x", name="", views=["https://example.com"]),
            ["format", "name", "views, vy 1"],
            "Bildspelsfilen",
        ),
        (b"[1, 2]", ["(filen)"], "ett JSON-objekt"),
        (b"\xff\xfe\x00", ["(filen)"], "UTF-8"),
        (b" " * 200_001, ["(filen)"], "högst 200000 byte"),
    ],
)
def test_import_errors_name_the_field_and_store_nothing(engine, data, fields, text):
    with pytest.raises(InvalidSlideshowError) as error:
        import_slideshow(engine, data, routes=ROUTES)
    assert _problem_fields(error.value) == fields
    assert text in str(error.value)
    assert list_slideshows(engine) == []


def test_broken_json_names_line_and_column(engine):
    bad_line = '  "version": 1,,'
    data = ('{\n  "format": "hallbarhet-dalarna-bildspel",\n' + bad_line + "\n}").encode()
    with pytest.raises(InvalidSlideshowError) as error:
        import_slideshow(engine, data)
    message = str(error.value)
    column = bad_line.index(",,") + 2  # 1-based column of the second comma
    assert message.startswith(f"Bildspelsfilen rad 3, kolumn {column},")
    assert "giltig JSON" in message
    assert list_slideshows(engine) == []
