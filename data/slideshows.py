"""Saved sequences of dashboard views ("bildspel") for presentation mode.

A slideshow is a unique name and an ordered list of views; a view is a path inside the
dashboard with its query string (``/kommun/2062?niva=lokal``). Views are checked before
anything is stored: only paths inside the dashboard (starting with a single ``/``), on a known
route when the routes are given, never a full address to another site or a ``javascript:``
link. The presentation parameters (``visa``, ``bildspel``, ``steg``) are removed from stored
views: they are added when the show runs.

Each slideshow has a ``version`` that every change raises by one. Creating one under a name in
use is refused; changing or removing one names the version the editor's form was opened with,
and a slideshow changed or removed since is left as it is (:class:`StaleSlideshowError`, with
what is stored now). Every addition, change and removal is logged in ``record_changes``
(:mod:`data.changes`) in the same transaction, with the editor's name.

Slideshows move between installations as a small JSON file::

    {"format": "hallbarhet-dalarna-bildspel", "version": 1, "name": "...", "views": ["/", ...]}
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus, urlsplit

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from data.changes import (
    ACTION_ADD,
    ACTION_CHANGE,
    ACTION_REMOVE,
    RECORD_SLIDESHOW,
    StaleRecordError,
    log_change,
)
from data.file_text import NotTextError, decode_text
from data.json_limits import nesting_depth
from data.models import Slideshow, utcnow

log = logging.getLogger(__name__)

FILE_FORMAT = "hallbarhet-dalarna-bildspel"
FILE_VERSION = 1
MAX_NAME_LENGTH = 200
MAX_VIEWS = 50
MAX_VIEW_LENGTH = 2000
MAX_FILE_BYTES = 200_000
#: How to save a slideshow file that is not text (UTF-16 and UTF-32 with a byte-order mark are
#: read; NUL bytes without one are not).
SAVE_AS_UTF8 = "Exportera bildspelet på nytt, eller spara filen som text i UTF-8."
#: How deeply a slideshow file may nest arrays and objects (the format itself needs 2).
MAX_FILE_DEPTH = 10
#: The largest slideshow id (the id column is a 32-bit integer on PostgreSQL).
MAX_SLIDESHOW_ID = 2**31 - 1

#: Query parameters that belong to presentation mode, not to a view.
PRESENTATION_PARAMS = ("visa", "bildspel", "steg")

_FORBIDDEN_IN_VIEW = re.compile(r"[\s\\\x00-\x1f\x7f]")
_ROUTE_VARIABLE = re.compile(r"<[^<>/]+>")


@dataclass(frozen=True)
class SlideshowRecord:
    """A stored slideshow."""

    id: int
    name: str
    views: tuple[str, ...]
    created_at: dt.datetime
    updated_at: dt.datetime
    #: The signed-in editor who saved it last (``None``: saved before editors signed in).
    updated_by: str | None = None
    #: Raised by one with each change; a form sends the version it was opened with.
    version: int = 1

    def stored_fields(self) -> dict[str, Any]:
        """The fields a page compares with its form (JSON-ready)."""
        return {
            "id": self.id,
            "name": self.name,
            "views": list(self.views),
            "version": self.version,
            "updated_by": self.updated_by,
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class SlideshowProblem:
    """One problem in a slideshow: where it is, the value found and the form expected."""

    source: str
    field: str
    value: str
    expected: str

    def __str__(self) -> str:
        value = self.value if len(self.value) <= 80 else self.value[:77] + "…"
        found = f'"{value}"' if value != "" else "tomt"
        return f'{self.source}, fält "{self.field}": {found} – förväntat {self.expected}'


class SlideshowError(ValueError):
    """A slideshow operation that cannot be done; the message is in Swedish, for the user."""


class InvalidSlideshowError(SlideshowError):
    """The slideshow breaks the rules; ``problems`` lists every problem found. Nothing was
    stored."""

    def __init__(self, problems: Sequence[SlideshowProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class UnknownSlideshowError(SlideshowError):
    """No slideshow with the given id or name exists."""


class DuplicateSlideshowError(SlideshowError):
    """A new slideshow (or a renamed one) would take a name already in use; nothing was
    stored. ``name`` is the name."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f'Det finns redan ett bildspel som heter "{name}". Välj ett annat namn, eller öppna '
            "det bildspelet och ändra det."
        )
        self.name = name


#: Why a change or removal of a slideshow was refused (in Swedish, for the user).
STALE_SLIDESHOW_MESSAGE = "Bildspelet har ändrats av någon annan – ladda om."
REMOVED_SLIDESHOW_MESSAGE = "Bildspelet har tagits bort av någon annan – ladda om."


class StaleSlideshowError(SlideshowError, StaleRecordError):
    """The slideshow was changed or removed since the version the caller names was read;
    nothing was written. ``stored`` holds its current fields
    (:meth:`SlideshowRecord.stored_fields`: name, views, version, updated_by, updated_at as
    ISO text), ``None`` when it has been removed; ``stored_slideshow`` the record."""

    def __init__(self, stored: SlideshowRecord | None) -> None:
        message = STALE_SLIDESHOW_MESSAGE if stored is not None else REMOVED_SLIDESHOW_MESSAGE
        StaleRecordError.__init__(
            self, message, stored.stored_fields() if stored is not None else None
        )
        self.stored_slideshow = stored


# --- views -----------------------------------------------------------------------------------


def route_matches(path: str, route: str) -> bool:
    """Whether ``path`` is served by ``route`` (a Dash Pages path or path template, where a
    ``<variable>`` stands for exactly one non-empty path segment)."""
    route_parts = route.strip("/").split("/")
    path_parts = path.strip("/").split("/")
    if len(route_parts) != len(path_parts):
        return False
    for route_part, path_part in zip(route_parts, path_parts, strict=True):
        if _ROUTE_VARIABLE.fullmatch(route_part):
            if not path_part:
                return False
        elif route_part != path_part:
            return False
    return True


def strip_presentation_params(query: str) -> str:
    """The query string without ``visa``, ``bildspel`` and ``steg``; the other parameters keep
    their order and spelling."""
    kept = [
        pair
        for pair in query.split("&")
        if pair and unquote_plus(pair.split("=", 1)[0]) not in PRESENTATION_PARAMS
    ]
    return "&".join(kept)


def view_problem(view: object, routes: Collection[str] | None = None) -> str | None:
    """What is wrong with a view (the expected form, in Swedish), or ``None`` when it is fine."""
    internal = 'en sökväg i instrumentpanelen som börjar med ett "/", t.ex. "/kommun/2062"'
    if not isinstance(view, str):
        return f"{internal} (text)"
    if view == "":
        return internal
    if len(view) > MAX_VIEW_LENGTH:
        return f"högst {MAX_VIEW_LENGTH} tecken"
    if not view.startswith("/") or view.startswith("//"):
        return f"{internal}, inte en adress till en annan webbplats"
    if _FORBIDDEN_IN_VIEW.search(view):
        return f"{internal}, utan mellanslag, omvända snedstreck eller styrtecken"
    parts = urlsplit(view)
    if parts.scheme or parts.netloc:
        return f"{internal}, inte en adress till en annan webbplats"
    if "#" in view:
        return f"{internal}, utan #-del"
    if routes is not None:
        path = _normal_path(parts.path)
        if not any(route_matches(path, route) for route in routes):
            known = ", ".join(sorted(routes))
            return f"en sida som finns i instrumentpanelen ({known})"
    return None


def _normal_path(path: str) -> str:
    return path.rstrip("/") or "/"


def normalise_view(view: str) -> str:
    """A checked view in its stored form: trailing slash and presentation parameters removed."""
    parts = urlsplit(view)
    query = strip_presentation_params(parts.query)
    return _normal_path(parts.path) + (f"?{query}" if query else "")


def validate_slideshow(
    name: object,
    views: object,
    *,
    routes: Collection[str] | None = None,
    source: str = "Bildspelet",
) -> tuple[str, tuple[str, ...]]:
    """The slideshow's name and views in stored form, or :class:`InvalidSlideshowError`
    listing every problem (``source`` names where the slideshow came from in the messages)."""
    problems: list[SlideshowProblem] = []
    clean_name = name.strip() if isinstance(name, str) else ""
    if not isinstance(name, str):
        problems.append(SlideshowProblem(source, "name", _shown(name), "ett namn (text)"))
    elif not 1 <= len(clean_name) <= MAX_NAME_LENGTH:
        problems.append(
            SlideshowProblem(source, "name", clean_name, f"ett namn på 1–{MAX_NAME_LENGTH} tecken")
        )
    clean_views: list[str] = []
    if not isinstance(views, list | tuple):
        problems.append(
            SlideshowProblem(source, "views", _shown(views), "en lista med vyer (sökvägar)")
        )
    elif not 1 <= len(views) <= MAX_VIEWS:
        problems.append(
            SlideshowProblem(
                source, "views", f"{len(views)} vyer", f"1–{MAX_VIEWS} vyer i bildspelet"
            )
        )
    else:
        for number, view in enumerate(views, start=1):
            text = view.strip() if isinstance(view, str) else view
            problem = view_problem(text, routes)
            if problem is not None:
                problems.append(
                    SlideshowProblem(source, f"views, vy {number}", _shown(view), problem)
                )
            else:
                clean_views.append(normalise_view(text))
    if problems:
        raise InvalidSlideshowError(problems)
    return clean_name, tuple(clean_views)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


# --- storage ---------------------------------------------------------------------------------


def _record(model: Slideshow) -> SlideshowRecord:
    return SlideshowRecord(
        id=model.id,
        name=model.name,
        views=tuple(model.views),
        created_at=model.created_at,
        updated_at=model.updated_at,
        updated_by=model.updated_by,
        version=model.version,
    )


def _logged(record: SlideshowRecord) -> dict[str, Any]:
    """What the change log keeps of a slideshow (JSON-ready)."""
    return {"name": record.name, "views": list(record.views), "version": record.version}


def _require_version(model: Slideshow, expected_version: int | None) -> None:
    """Raise :class:`StaleSlideshowError` when ``expected_version`` is given and is not the
    stored one."""
    if expected_version is not None and model.version != expected_version:
        raise StaleSlideshowError(_record(model))


def _stale_after_race(engine: Engine, slideshow_id: int) -> StaleSlideshowError:
    """The error for a write whose ``UPDATE``/``DELETE`` found another version than it read
    (someone saved or removed it in between): what is stored now."""
    return StaleSlideshowError(get_slideshow(engine, slideshow_id))


def save_slideshow(
    engine: Engine,
    name: str,
    views: Sequence[str],
    *,
    routes: Collection[str] | None = None,
    source: str = "Bildspelet",
    updated_by: str | None = None,
    slideshow_id: int | None = None,
    expected_version: int | None = None,
) -> SlideshowRecord:
    """Store a new slideshow, or with ``slideshow_id`` change that one (its name and views),
    and log it; ``updated_by`` is the signed-in editor. Returns the slideshow as stored.

    A new slideshow under a name in use raises :class:`DuplicateSlideshowError` (also when two
    editors create one name at once: the name's unique constraint decides), as does renaming to
    one. ``expected_version`` is the version the caller's form was opened with: a slideshow
    stored at another version, or removed since, raises :class:`StaleSlideshowError` and
    nothing is written (``None``: no comparison). Raises :class:`InvalidSlideshowError`
    (nothing stored) when the name or a view breaks the rules; with ``routes`` (Dash Pages
    paths and path templates) every view must be on one.
    """
    clean_name, clean_views = validate_slideshow(name, views, routes=routes, source=source)
    if slideshow_id is None:
        return _create(engine, clean_name, clean_views, updated_by)
    return _change(engine, slideshow_id, clean_name, clean_views, expected_version, updated_by)


def _create(
    engine: Engine, name: str, views: tuple[str, ...], updated_by: str | None
) -> SlideshowRecord:
    # No check-then-insert: the unique name decides between two editors creating it at once.
    try:
        with Session(engine) as session, session.begin():
            model = Slideshow(name=name, views=list(views), updated_by=updated_by)
            session.add(model)
            session.flush()
            record = _record(model)
            log_change(
                session,
                RECORD_SLIDESHOW,
                record.id,
                ACTION_ADD,
                before=None,
                after=_logged(record),
                changed_by=updated_by,
            )
    except IntegrityError:
        if get_slideshow(engine, name) is None:  # not the name: a broken rule, a bug to raise
            raise
        raise DuplicateSlideshowError(name) from None
    log.info("Slideshow added: %r with %d views by %s", name, len(views), updated_by or "-")
    return record


def _change(
    engine: Engine,
    slideshow_id: int,
    name: str,
    views: tuple[str, ...],
    expected_version: int | None,
    updated_by: str | None,
) -> SlideshowRecord:
    try:
        with Session(engine) as session, session.begin():
            model = _stored(session, slideshow_id)
            if model is None:
                raise StaleSlideshowError(None)
            _require_version(model, expected_version)
            before = _record(model)
            if (before.name, before.views) == (name, views):
                return before  # nothing to change, nothing to log
            model.name = name
            model.views = list(views)
            model.updated_at = utcnow()
            model.updated_by = updated_by
            session.flush()
            record = _record(model)
            log_change(
                session,
                RECORD_SLIDESHOW,
                record.id,
                ACTION_CHANGE,
                before=_logged(before),
                after=_logged(record),
                changed_by=updated_by,
            )
    except StaleDataError:
        raise _stale_after_race(engine, slideshow_id) from None
    except IntegrityError:
        if get_slideshow(engine, name) is None:
            raise
        raise DuplicateSlideshowError(name) from None
    log.info(
        "Slideshow changed: %r (id %d, version %d) with %d views by %s",
        record.name,
        record.id,
        record.version,
        len(record.views),
        updated_by or "-",
    )
    return record


def _stored(session: Session, key: int | str) -> Slideshow | None:
    """The slideshow with id ``key`` (an int) or name ``key`` (a str) in ``session``."""
    if isinstance(key, int):
        if not 1 <= key <= MAX_SLIDESHOW_ID:
            return None  # no such id can be stored (and the database would refuse the number)
        return session.get(Slideshow, key)
    return session.scalars(select(Slideshow).where(Slideshow.name == key.strip())).first()


def list_slideshows(engine: Engine) -> list[SlideshowRecord]:
    """Every stored slideshow, by name (case-insensitive)."""
    with Session(engine) as session:
        models = session.scalars(select(Slideshow).order_by(func.lower(Slideshow.name)))
        return [_record(model) for model in models]


def get_slideshow(engine: Engine, key: int | str) -> SlideshowRecord | None:
    """The slideshow with id ``key`` (an int) or name ``key`` (a str), or ``None``."""
    with Session(engine) as session:
        model = _stored(session, key)
        return _record(model) if model is not None else None


def delete_slideshow(
    engine: Engine,
    key: int | str,
    *,
    expected_version: int | None = None,
    deleted_by: str | None = None,
) -> SlideshowRecord:
    """Remove the slideshow with id or name ``key`` and log it (with ``deleted_by``, the
    signed-in editor); returns what was removed.

    ``expected_version`` as for :func:`save_slideshow`: a slideshow changed since is not
    removed (:class:`StaleSlideshowError`). Raises :class:`UnknownSlideshowError` when there is
    no such slideshow.
    """
    try:
        with Session(engine) as session, session.begin():
            model = _stored(session, key)
            if model is None:
                raise UnknownSlideshowError(f"Bildspelet {key!r} finns inte (redan borttaget?).")
            _require_version(model, expected_version)
            removed = _record(model)
            session.delete(model)  # through the ORM: the DELETE names the version read
            session.flush()
            log_change(
                session,
                RECORD_SLIDESHOW,
                removed.id,
                ACTION_REMOVE,
                before=_logged(removed),
                after=None,
                changed_by=deleted_by,
            )
    except StaleDataError:
        raise _stale_after_race(engine, removed.id) from None
    log.info("Slideshow deleted: %r by %s", removed.name, deleted_by or "-")
    return removed


# --- file ------------------------------------------------------------------------------------


def export_slideshow(slideshow: SlideshowRecord) -> bytes:
    """The slideshow as a small JSON file (UTF-8)."""
    document = {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "name": slideshow.name,
        "views": list(slideshow.views),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_slideshow_file(
    data: bytes,
    *,
    routes: Collection[str] | None = None,
    source: str = "Bildspelsfilen",
) -> tuple[str, tuple[str, ...]]:
    """The name and views in a slideshow file, checked; raises :class:`InvalidSlideshowError`
    naming the field (and for broken JSON the line and column)."""

    def fail(field: str, value: str, expected: str) -> InvalidSlideshowError:
        return InvalidSlideshowError([SlideshowProblem(source, field, value, expected)])

    if len(data) > MAX_FILE_BYTES:
        raise fail(
            "(filen)", f"{len(data)} byte", f"en bildspelsfil på högst {MAX_FILE_BYTES} byte"
        )
    try:
        text = decode_text(data, advice=SAVE_AS_UTF8, fallback=None)
    except NotTextError as error:
        raise fail("(filen)", "NUL-tecken (byte 0)", f"text i UTF-8. {error.advice}") from None
    except UnicodeDecodeError as error:
        raise fail("(filen)", f"byte {error.start}", "text i UTF-8") from None
    if nesting_depth(text, MAX_FILE_DEPTH) > MAX_FILE_DEPTH:
        raise fail(
            "(filen)",
            f"mer än {MAX_FILE_DEPTH} nivåer",
            f"JSON med högst {MAX_FILE_DEPTH} nästlade nivåer",
        )
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidSlideshowError(
            [
                SlideshowProblem(
                    f"{source} rad {error.lineno}, kolumn {error.colno}",
                    "(filen)",
                    "",
                    "giltig JSON",
                )
            ]
        ) from None
    if not isinstance(document, dict):
        raise fail(
            "(filen)", _shown(document)[:40], "ett JSON-objekt med format, version, name, views"
        )
    problems: list[SlideshowProblem] = []
    if document.get("format") != FILE_FORMAT:
        problems.append(
            SlideshowProblem(source, "format", _shown(document.get("format")), f'"{FILE_FORMAT}"')
        )
    version = document.get("version")
    if isinstance(version, bool) or version != FILE_VERSION:
        problems.append(
            SlideshowProblem(source, "version", _shown(version), f"{FILE_VERSION} (ett heltal)")
        )
    try:
        name, views = validate_slideshow(
            document.get("name"), document.get("views"), routes=routes, source=source
        )
    except InvalidSlideshowError as error:
        problems.extend(error.problems)
    if problems:
        raise InvalidSlideshowError(problems)
    return name, views


def import_slideshow(
    engine: Engine,
    data: bytes,
    *,
    routes: Collection[str] | None = None,
    source: str = "Bildspelsfilen",
    updated_by: str | None = None,
) -> SlideshowRecord:
    """Store the slideshow in a file written by :func:`export_slideshow` as a new slideshow. A
    file with problems raises :class:`InvalidSlideshowError`, a name already in use
    :class:`DuplicateSlideshowError` (rename the slideshow in the file, or remove the stored
    one); either way nothing is stored."""
    name, views = read_slideshow_file(data, routes=routes, source=source)
    return save_slideshow(engine, name, views, routes=routes, source=source, updated_by=updated_by)
