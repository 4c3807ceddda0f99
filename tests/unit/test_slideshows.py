"""Saved slideshows: storage, the JSON file and every validation rule."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import text

from data.changes import RECORD_SLIDESHOW, StaleRecordError, list_changes
from data.slideshows import (
    FILE_FORMAT,
    MAX_NAME_LENGTH,
    MAX_VIEWS,
    DuplicateSlideshowError,
    InvalidSlideshowError,
    SlideshowError,
    StaleSlideshowError,
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


def _rows(engine) -> dict[str, list[tuple]]:
    """Every row of the slideshows and the change log."""
    with engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))]
            for table in ("slideshows", "record_changes")
        }


def _log(engine) -> list[tuple]:
    """The slideshow log, oldest first: (id, action, changed_by, before, after)."""
    changes = reversed(list_changes(engine, record_type=RECORD_SLIDESHOW))
    return [(c.record_id, c.action, c.changed_by, c.before, c.after) for c in changes]


def test_a_new_slideshow_has_version_1_and_each_change_raises_it(engine):
    first = save_slideshow(engine, "Möte", ["/"])
    assert first.version == 1
    second = save_slideshow(
        engine, "Möte", ["/kommun/2062", "/"], slideshow_id=first.id, expected_version=1
    )
    assert (second.id, second.version) == (first.id, 2)
    assert second.views == ("/kommun/2062", "/")
    assert second.created_at == first.created_at
    assert second.updated_at >= first.updated_at
    third = save_slideshow(engine, "Mötet", ["/"], slideshow_id=first.id, expected_version=2)
    assert (third.name, third.version) == ("Mötet", 3)
    assert get_slideshow(engine, first.id) == third
    assert [s.name for s in list_slideshows(engine)] == ["Mötet"]


def test_saving_without_changes_keeps_the_version_and_logs_nothing(engine):
    first = save_slideshow(engine, "Möte", ["/"])
    again = save_slideshow(engine, " Möte ", ["/"], slideshow_id=first.id, expected_version=1)
    assert again == first
    assert len(_log(engine)) == 1


def test_creating_under_a_name_in_use_is_refused_and_changes_nothing(engine):
    save_slideshow(engine, "Möte", ["/"])
    before = _rows(engine)
    with pytest.raises(DuplicateSlideshowError) as error:
        save_slideshow(engine, "  Möte ", ["/kommun/2062"], updated_by="anna")
    assert str(error.value) == (
        'Det finns redan ett bildspel som heter "Möte". Välj ett annat namn, eller öppna det '
        "bildspelet och ändra det."
    )
    assert isinstance(error.value, SlideshowError)
    assert _rows(engine) == before


def test_renaming_to_a_name_in_use_is_refused(engine):
    save_slideshow(engine, "Ett", ["/"])
    two = save_slideshow(engine, "Två", ["/"])
    before = _rows(engine)
    with pytest.raises(DuplicateSlideshowError, match='heter "Ett"'):
        save_slideshow(engine, "Ett", ["/"], slideshow_id=two.id, expected_version=1)
    assert _rows(engine) == before


def test_a_change_against_an_old_version_is_refused_with_what_is_stored(engine):
    show = save_slideshow(engine, "Möte", ["/"])
    saved = save_slideshow(
        engine,
        "Möte",
        ["/", "/kommun/2062"],
        slideshow_id=show.id,
        expected_version=1,
        updated_by="anna",
    )
    before = _rows(engine)
    with pytest.raises(StaleSlideshowError) as error:
        save_slideshow(
            engine, "Möte i maj", ["/om"], slideshow_id=show.id, expected_version=1, updated_by="bo"
        )
    assert str(error.value) == "Bildspelet har ändrats av någon annan – ladda om."
    assert isinstance(error.value, StaleRecordError)
    assert error.value.stored == {
        "id": show.id,
        "name": "Möte",
        "views": ["/", "/kommun/2062"],
        "version": 2,
        "updated_by": "anna",
        "updated_at": saved.updated_at.isoformat(),
    }
    assert _rows(engine) == before


def test_a_change_of_a_removed_slideshow_is_refused(engine):
    show = save_slideshow(engine, "Möte", ["/"])
    delete_slideshow(engine, show.id)
    before = _rows(engine)
    with pytest.raises(StaleSlideshowError, match="tagits bort") as error:
        save_slideshow(engine, "Möte", ["/om"], slideshow_id=show.id, expected_version=1)
    assert error.value.stored is None
    assert _rows(engine) == before


def test_a_change_saved_by_someone_else_between_read_and_write_is_refused(engine, monkeypatch):
    """The version check in the UPDATE itself: another editor saves after this save has read
    the slideshow and before it writes."""
    import data.slideshows as slideshows

    show = save_slideshow(engine, "Möte", ["/"])
    check = slideshows._require_version
    interleaved = []

    def save_in_between(model, expected_version):
        check(model, expected_version)
        if not interleaved:
            interleaved.append(True)
            save_slideshow(
                engine, "Möte", ["/om"], slideshow_id=show.id, expected_version=1, updated_by="bo"
            )

    monkeypatch.setattr(slideshows, "_require_version", save_in_between)
    with pytest.raises(StaleSlideshowError) as error:
        save_slideshow(engine, "Möte", ["/kommun/2062"], slideshow_id=show.id, expected_version=1)
    assert (error.value.stored["views"], error.value.stored["version"]) == (["/om"], 2)
    stored = get_slideshow(engine, show.id)
    assert (stored.views, stored.version, stored.updated_by) == (("/om",), 2, "bo")


def test_parallel_creations_of_one_name_store_exactly_one(engine):
    """Eight editors save a new slideshow under one name at once: the unique name decides, the
    others are told the name is in use, and nothing else goes wrong."""
    count = 8
    barrier = threading.Barrier(count)
    saved, duplicates, others = [], [], []

    def create(number: int) -> None:
        barrier.wait()
        try:
            saved.append(save_slideshow(engine, "Samma", [f"/kommun/20{number:02d}"]))
        except DuplicateSlideshowError as error:
            duplicates.append(str(error))
        except Exception as error:  # every other outcome is counted as a failure
            others.append(repr(error))

    threads = [threading.Thread(target=create, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert others == []
    assert len(saved) == 1
    assert len(duplicates) == count - 1
    assert all('heter "Samma"' in message for message in duplicates)
    (stored,) = list_slideshows(engine)
    assert (stored.id, stored.views) == (saved[0].id, saved[0].views)
    assert [(action, record_id) for record_id, action, *_ in _log(engine)] == [
        ("add", str(stored.id))
    ]


def test_every_addition_change_and_removal_is_logged_with_the_editor(engine):
    show = save_slideshow(engine, "Möte", ["/"], updated_by="anna")
    save_slideshow(
        engine, "Möte", ["/", "/om"], slideshow_id=show.id, expected_version=1, updated_by="bo"
    )
    delete_slideshow(engine, show.id, expected_version=2, deleted_by="cecilia")
    one = {"name": "Möte", "views": ["/"], "version": 1}
    two = {"name": "Möte", "views": ["/", "/om"], "version": 2}
    key = str(show.id)
    assert _log(engine) == [
        (key, "add", "anna", None, one),
        (key, "change", "bo", one, two),
        (key, "remove", "cecilia", two, None),
    ]


def test_a_refused_save_or_removal_logs_nothing(engine):
    show = save_slideshow(engine, "Möte", ["/"])
    with pytest.raises(DuplicateSlideshowError):
        save_slideshow(engine, "Möte", ["/om"])
    with pytest.raises(StaleSlideshowError):
        delete_slideshow(engine, show.id, expected_version=7)
    assert [action for _, action, *_ in _log(engine)] == ["add"]


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


def test_a_removal_against_an_old_version_removes_nothing(engine):
    show = save_slideshow(engine, "Möte", ["/"])
    save_slideshow(engine, "Möte", ["/om"], slideshow_id=show.id, expected_version=1)
    before = _rows(engine)
    with pytest.raises(StaleSlideshowError) as error:
        delete_slideshow(engine, show.id, expected_version=1, deleted_by="anna")
    assert error.value.stored["views"] == ["/om"]
    assert _rows(engine) == before
    assert delete_slideshow(engine, show.id, expected_version=2).version == 2
    assert list_slideshows(engine) == []


def test_a_removal_by_someone_else_between_read_and_delete_is_refused(engine, monkeypatch):
    import data.slideshows as slideshows

    show = save_slideshow(engine, "Möte", ["/"])
    check = slideshows._require_version
    interleaved = []

    def change_in_between(model, expected_version):
        check(model, expected_version)
        if not interleaved:
            interleaved.append(True)
            save_slideshow(engine, "Möte", ["/om"], slideshow_id=show.id, expected_version=1)

    monkeypatch.setattr(slideshows, "_require_version", change_in_between)
    with pytest.raises(StaleSlideshowError):
        delete_slideshow(engine, show.id, expected_version=1)
    assert get_slideshow(engine, show.id).views == ("/om",)


def test_presentation_parameters_and_trailing_slash_are_not_stored(engine):
    record = save_slideshow(
        engine,
        "Rensad",
        ["/kommun/2062/?visa=presentation&niva=lokal&bildspel=4&steg=2", "/?visa=presentation"],
    )
    assert record.views == ("/kommun/2062?niva=lokal", "/")


def test_invalid_slideshow_stores_nothing_and_keeps_the_old_one(engine):
    show = save_slideshow(engine, "Möte", ["/"])
    with pytest.raises(InvalidSlideshowError):
        save_slideshow(
            engine, "Möte", ["https://example.com/"], slideshow_id=show.id, expected_version=1
        )
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


def test_import_of_a_name_in_use_is_refused_and_replaces_nothing(engine):
    save_slideshow(engine, "Visning", ["/kommun/2062"])
    before = _rows(engine)
    with pytest.raises(DuplicateSlideshowError, match='heter "Visning"'):
        import_slideshow(engine, _file(views=["/", "/kommun/2080"]), updated_by="anna")
    assert _rows(engine) == before
    imported = import_slideshow(engine, _file(name="Visning 2"), updated_by="anna")
    assert (imported.name, imported.version, imported.updated_by) == ("Visning 2", 1, "anna")
    assert _log(engine)[-1][1:3] == ("add", "anna")


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
