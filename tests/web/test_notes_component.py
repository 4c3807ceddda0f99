"""The qualitative assessments component: plain-text rendering (no markup from user text), ids
derived from the section, saving through its callback, and the two-click removal through the
Dash endpoint, confirmed on the server (a second step without the first's signed confirmation,
or with one for another note or another editor, removes nothing)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from dash import dcc, html
from plotly.utils import PlotlyJSONEncoder
from sqlalchemy import update

from data.changes import RECORD_ASSESSMENT, list_changes
from data.models import QualitativeAssessment
from indicators import service
from indicators.assessments import add_assessment, list_assessments
from layouts.parts.confirmation import NOT_CONFIRMED
from tests.support.editors import EDITOR, sign_in

MORA = "2062"
EMISSIONS = "N00401"
SCRIPT = "<script>alert(1)</script>"


def walk(component):
    yield component
    children = getattr(component, "children", None)
    if children is None or isinstance(children, str | int | float):
        return
    if not isinstance(children, list | tuple):
        children = [children]
    for child in children:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def text_of(component) -> str:
    """The text of a component tree in document order, parts separated by single spaces."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component).strip()
    if isinstance(component, list | tuple):
        return " ".join(t for t in (text_of(c) for c in component) if t)
    return text_of(getattr(component, "children", None))


@pytest.fixture
def notes(demo_app, as_editor):
    """The component's module, its callbacks called as a signed-in editor."""
    from layouts.parts import notes as _notes

    return _notes


@pytest.fixture
def notes_engine(demo_app, engine):
    previous = service.engine()
    service.set_engine(engine)
    yield engine
    service.set_engine(previous)


def note(engine, **overrides):
    values = dict(
        area_id=MORA,
        kpi_id=EMISSIONS,
        assessed_on=dt.date(2026, 3, 1),
        text="Minskar långsamt.",
        judgement="bättre",
        author="Anna",
    )
    values.update(overrides)
    return add_assessment(engine, **values)


def test_script_in_a_note_is_plain_text(notes, notes_engine):
    note(notes_engine, text=SCRIPT, author="<b>Eva</b>")
    section = notes.notes_section(MORA, kpi_id=EMISSIONS, section_id="s1")
    paragraphs = [c for c in walk(section) if getattr(c, "className", "") == "note-text"]
    assert [p.children for p in paragraphs] == [SCRIPT]
    assert isinstance(paragraphs[0], html.P)
    authors = [c.children for c in walk(section) if getattr(c, "className", "") == "note-author"]
    assert authors == ["<b>Eva</b>"]
    for component in walk(section):
        assert not isinstance(component, dcc.Markdown)
        assert "dangerously_allow_html" not in component.to_plotly_json()["props"]
    # Serialised for the browser, the text is a JSON string (React renders it as a text node).
    serialised = json.dumps(section, cls=PlotlyJSONEncoder)
    assert json.dumps(SCRIPT) in serialised


def test_section_shows_date_judgement_and_ids_from_the_section(notes, notes_engine):
    note(notes_engine, judgement="sämre", assessed_on=dt.date(2026, 1, 5))
    note(notes_engine, judgement=None, assessed_on=dt.date(2026, 2, 7), text="Utan bedömning")
    note(notes_engine, judgement="oförändrad", kpi_id=None, sdg_goal=13, text="Mål 13")
    section = notes.notes_section(MORA, kpi_id=EMISSIONS, section_id="s2", heading_level=3)
    text = text_of(section)
    assert "Kvalitativa bedömningar: Mora – Växthusgasutsläpp per invånare" in text
    items = [c for c in walk(section) if getattr(c, "className", "") == "qualitative-note"]
    assert [text_of(i).split(" Ta bort")[0] for i in items] == [
        "7 februari 2026 Anna Utan bedömning",
        "5 januari 2026 ↘ Sämre Anna Minskar långsamt.",
    ]
    assert "Mål 13" not in text
    assert isinstance(section.children[0], html.H3)
    ids = [c.id for c in walk(section) if isinstance(getattr(c, "id", None), dict)]
    assert ids and all(i["section"] == "s2" for i in ids)
    assert section.id == "s2"
    goal_section = notes.notes_section(MORA, sdg_goal=13, section_id="s3")
    assert "Mora – Mål 13: Bekämpa klimatförändringarna" in text_of(goal_section)
    assert "↔" not in text_of(goal_section)
    assert "→ Oförändrad" in text_of(goal_section)


@pytest.mark.parametrize(
    ("judgement", "shown"),
    [("bättre", "↗ Bättre"), ("oförändrad", "→ Oförändrad"), ("sämre", "↘ Sämre")],
)
def test_judgement_badge_has_icon_and_text(notes, judgement, shown):
    assert text_of(notes.judgement_badge(judgement)) == shown
    icon, label = shown.split(" ")
    badge = notes.judgement_badge(judgement)
    assert badge.children[0].children == icon
    assert badge.children[-1] == label
    assert notes.judgement_badge(None) is None


def test_save_callback_stores_and_refreshes(notes, notes_engine):
    subject = {"area_id": MORA, "kpi_id": EMISSIONS, "sdg_goal": None, "section_id": "s4"}
    today = dt.date.today().isoformat()
    listing, message, cleared = notes.save_assessment(1, subject, today, "sämre", SCRIPT, "Eva")
    (stored,) = list_assessments(notes_engine)
    assert (stored.text, stored.judgement, stored.author) == (SCRIPT, "sämre", "Eva")
    assert stored.assessed_on.isoformat() == today
    assert cleared == ""
    assert "har sparats" in text_of(message)
    assert SCRIPT in text_of(listing)


def test_save_callback_lists_problems_and_stores_nothing(notes, notes_engine):
    subject = {"area_id": MORA, "kpi_id": EMISSIONS, "sdg_goal": None, "section_id": "s5"}
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    listing, message, text = notes.save_assessment(1, subject, tomorrow, "", "   ", "")
    assert listing is notes.no_update and text is notes.no_update
    shown = text_of(message)
    assert 'Fältet "datum"' in shown and "framtiden" in shown
    assert 'Fältet "text"' in shown
    assert message.role == "alert"
    assert list_assessments(notes_engine) == []


def _delete_payload(output: str, section: str, note_ids, clicked, pending, subject) -> dict:
    delete_ids = [{"note": n, "section": section, "type": "notes-delete"} for n in note_ids]
    changed = json.dumps(
        {"note": clicked, "section": section, "type": "notes-delete"},
        sort_keys=True,
        separators=(",", ":"),
    )
    return {
        "output": output,
        "outputs": [
            {"id": {"section": section, "type": "notes-list"}, "property": "children"},
            {"id": {"section": section, "type": "notes-message"}, "property": "children"},
            {"id": {"section": section, "type": "notes-pending"}, "property": "data"},
        ],
        "inputs": [
            [
                {"id": i, "property": "n_clicks", "value": 1 if i["note"] == clicked else 0}
                for i in delete_ids
            ]
        ],
        "changedPropIds": [changed + ".n_clicks"],
        "state": [
            {
                "id": {"section": section, "type": "notes-subject"},
                "property": "data",
                "value": subject,
            },
            {
                "id": {"section": section, "type": "notes-pending"},
                "property": "data",
                "value": pending,
            },
        ],
    }


SUBJECT_S6 = {"area_id": MORA, "kpi_id": EMISSIONS, "sdg_goal": None, "section_id": "s6"}
PENDING_KEY = json.dumps({"section": "s6", "type": "notes-pending"}, separators=(",", ":"))
STALE = "Bedömningen har ändrats av någon annan – ladda om sidan."


def click_delete(client, note_ids, clicked, pending) -> tuple[str, object]:
    """Post a click on ``clicked``'s remove button in section s6 with ``pending`` in the
    section's store, as the renderer would; the response's text and the store's new value."""
    dependencies = client.get("/_dash-dependencies").get_json()
    (callback,) = [c for c in dependencies if any("notes-delete" in i["id"] for i in c["inputs"])]
    response = client.post(
        "/_dash-update-component",
        json=_delete_payload(callback["output"], "s6", note_ids, clicked, pending, SUBJECT_S6),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()["response"]
    return json.dumps(answer, ensure_ascii=False), answer[PENDING_KEY]["data"]


def stored(engine) -> tuple[list, list]:
    """The stored assessments and the change log, to compare before and after."""
    return list_assessments(engine), list_changes(engine)


def test_removal_needs_a_second_click_and_is_logged(client, notes_engine):
    sign_in(client, notes_engine)
    first = note(notes_engine, text="Första")
    second = note(notes_engine, text="Andra")
    ids = [second.id, first.id]

    body, pending = click_delete(client, ids, first.id, None)
    assert "Bekräfta: ta bort" in body and "Klicka på ”Bekräfta: ta bort”" in body
    assert pending["note"] == first.id and isinstance(pending["token"], str)
    assert len(list_assessments(notes_engine)) == 2

    body, pending = click_delete(client, ids, first.id, pending)
    assert "har tagits bort" in body
    assert pending is None
    assert [r.id for r in list_assessments(notes_engine)] == [second.id]
    removed = list_changes(notes_engine, record_type=RECORD_ASSESSMENT, record_id=first.id)[0]
    assert (removed.action, removed.changed_by) == ("remove", EDITOR)
    assert removed.before["text"] == "Första" and removed.before["version"] == 1


def test_clicking_another_note_asks_about_that_one(client, notes_engine):
    sign_in(client, notes_engine)
    first = note(notes_engine, text="Första")
    second = note(notes_engine, text="Andra")
    ids = [second.id, first.id]
    _body, asked_first = click_delete(client, ids, first.id, None)
    before = stored(notes_engine)
    body, pending = click_delete(client, ids, second.id, asked_first)
    assert "Klicka på ”Bekräfta: ta bort”" in body and "har tagits bort" not in body
    assert pending["note"] == second.id
    assert stored(notes_engine) == before


def _altered(token: str) -> str:
    """``token`` with the first character of its signature changed (not the last: its low
    bits are base64 padding, so changing it may leave the signature's bytes as they were)."""
    payload, signature = token.rsplit(".", 1)
    first = "A" if signature[0] != "A" else "B"
    return f"{payload}.{first}{signature[1:]}"


@pytest.mark.parametrize(
    "forged",
    [
        pytest.param(lambda note_id, own, other: {"note": note_id}, id="no token"),
        pytest.param(lambda note_id, own, other: {"note": note_id, "token": None}, id="null"),
        pytest.param(lambda note_id, own, other: {"note": note_id, "token": "x.y.z"}, id="made up"),
        pytest.param(
            lambda note_id, own, other: {"note": note_id, "token": _altered(own)}, id="altered"
        ),
        pytest.param(
            lambda note_id, own, other: {"note": note_id, "token": other}, id="another note's"
        ),
    ],
)
def test_a_forged_second_step_removes_nothing(client, notes_engine, forged):
    sign_in(client, notes_engine)
    first = note(notes_engine, text="Första")
    second = note(notes_engine, text="Andra")
    ids = [second.id, first.id]
    _body, asked_first = click_delete(client, ids, first.id, None)
    _body, asked_second = click_delete(client, ids, second.id, None)
    before = stored(notes_engine)

    pending = forged(first.id, asked_first["token"], asked_second["token"])
    body, pending = click_delete(client, ids, first.id, pending)
    assert NOT_CONFIRMED in body and "har tagits bort" not in body
    assert pending is None
    assert stored(notes_engine) == before


def test_the_old_pending_store_only_asks(client, notes_engine):
    """A request in the form the page used to send (the note's id in the store) is a first
    click: it asks, and removes nothing."""
    sign_in(client, notes_engine)
    first = note(notes_engine)
    before = stored(notes_engine)
    body, pending = click_delete(client, [first.id], first.id, first.id)
    assert "Klicka på ”Bekräfta: ta bort”" in body
    assert pending["note"] == first.id
    assert stored(notes_engine) == before


def test_another_editors_confirmation_removes_nothing(demo_app, client, notes_engine):
    sign_in(client, notes_engine)
    first = note(notes_engine)
    _body, asked = click_delete(client, [first.id], first.id, None)
    other = demo_app.server.test_client()
    sign_in(other, notes_engine, name="annan.redaktor", password="ett-annat-långt-lösenord")
    before = stored(notes_engine)

    body, pending = click_delete(other, [first.id], first.id, asked)
    assert NOT_CONFIRMED in body and pending is None
    assert stored(notes_engine) == before
    # the editor who asked still can
    body, _pending = click_delete(client, [first.id], first.id, asked)
    assert "har tagits bort" in body and list_assessments(notes_engine) == []


def test_a_note_changed_since_the_question_is_not_removed(client, notes_engine):
    sign_in(client, notes_engine)
    first = note(notes_engine)
    _body, asked = click_delete(client, [first.id], first.id, None)
    with notes_engine.begin() as connection:  # someone else saves the note meanwhile
        connection.execute(
            update(QualitativeAssessment)
            .where(QualitativeAssessment.id == first.id)
            .values(version=QualitativeAssessment.version + 1)
        )
    before = stored(notes_engine)

    body, pending = click_delete(client, [first.id], first.id, asked)
    assert STALE in body and "har tagits bort" not in body
    assert pending is None
    assert stored(notes_engine) == before


def test_overview_names_and_links_what_each_note_concerns(notes, notes_engine):
    note(notes_engine, text=SCRIPT, author="<b>Eva</b>", assessed_on=dt.date(2026, 3, 1))
    note(notes_engine, kpi_id=None, sdg_goal=13, text="Mål 13", judgement=None, author="")
    note(notes_engine, kpi_id=None, sdg_goal=5, text="Utan länk", assessed_on=dt.date(2025, 1, 2))
    records = list_assessments(notes_engine, area_id=MORA)

    def href(record):
        if record.sdg_goal == 5:
            return None
        return f"/mål/{record.sdg_goal}" if record.kpi_id is None else f"/ind/{record.kpi_id}"

    overview = notes.notes_overview(records, href)
    assert isinstance(overview, html.Ol) and overview.reversed is True
    items = [c for c in walk(overview) if getattr(c, "className", "") == "qualitative-note"]
    assert [text_of(i) for i in items] == [  # newest first; the same day: entered last first
        "1 mars 2026 Mål 13: Bekämpa klimatförändringarna Mål 13",
        f"1 mars 2026 ↗ Bättre Växthusgasutsläpp per invånare <b>Eva</b> {SCRIPT}",
        "2 januari 2025 ↗ Bättre Mål 5: Jämställdhet Anna Utan länk",
    ]
    links = [(c.children, c.href) for c in walk(overview) if isinstance(c, dcc.Link)]
    assert links == [
        ("Mål 13: Bekämpa klimatförändringarna", "/mål/13"),
        ("Växthusgasutsläpp per invånare", f"/ind/{EMISSIONS}"),
    ]
    # read only, and plain text only
    assert not [c for c in walk(overview) if isinstance(c, html.Button)]
    for component in walk(overview):
        assert not isinstance(component, dcc.Markdown)
    assert json.dumps(SCRIPT) in json.dumps(overview, cls=PlotlyJSONEncoder)
    empty = notes.notes_overview([], href, empty_text="Inget här.")
    assert isinstance(empty, html.P) and empty.children == "Inget här."
