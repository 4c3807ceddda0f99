"""Saved sequences of dashboard views ("bildspel") for presentation mode.

A slideshow is a name and an ordered list of views; a view is a path inside the dashboard with
its query string (``/kommun/2062?niva=lokal``). Views are checked before anything is stored:
only paths inside the dashboard (starting with a single ``/``), on a known route when the
routes are given, never a full address to another site or a ``javascript:`` link. The
presentation parameters (``visa``, ``bildspel``, ``steg``) are removed from stored views: they
are added when the show runs.

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

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

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
    )


def save_slideshow(
    engine: Engine,
    name: str,
    views: Sequence[str],
    *,
    routes: Collection[str] | None = None,
    source: str = "Bildspelet",
    updated_by: str | None = None,
) -> SlideshowRecord:
    """Store a slideshow; saving under an existing name replaces that slideshow's views.
    ``updated_by`` is the signed-in editor.

    Raises :class:`InvalidSlideshowError` (nothing stored) when the name or a view breaks the
    rules; with ``routes`` (Dash Pages paths and path templates) every view must be on one.
    """
    clean_name, clean_views = validate_slideshow(name, views, routes=routes, source=source)
    with Session(engine) as session, session.begin():
        model = session.scalars(select(Slideshow).where(Slideshow.name == clean_name)).first()
        if model is None:
            model = Slideshow(name=clean_name, views=list(clean_views), updated_by=updated_by)
            session.add(model)
            action = "saved"
        else:
            model.views = list(clean_views)
            model.updated_at = utcnow()
            model.updated_by = updated_by
            action = "updated"
        session.flush()
        record = _record(model)
    log.info(
        "Slideshow %s: %r with %d views by %s",
        action,
        record.name,
        len(record.views),
        updated_by or "-",
    )
    return record


def list_slideshows(engine: Engine) -> list[SlideshowRecord]:
    """Every stored slideshow, by name (case-insensitive)."""
    with Session(engine) as session:
        models = session.scalars(select(Slideshow).order_by(func.lower(Slideshow.name)))
        return [_record(model) for model in models]


def get_slideshow(engine: Engine, key: int | str) -> SlideshowRecord | None:
    """The slideshow with id ``key`` (an int) or name ``key`` (a str), or ``None``."""
    if isinstance(key, int) and not 1 <= key <= MAX_SLIDESHOW_ID:
        return None  # no such id can be stored (and the database would refuse the number)
    with Session(engine) as session:
        if isinstance(key, int):
            model = session.get(Slideshow, key)
        else:
            query = select(Slideshow).where(Slideshow.name == key.strip())
            model = session.scalars(query).first()
        return _record(model) if model is not None else None


def delete_slideshow(
    engine: Engine, key: int | str, *, deleted_by: str | None = None
) -> SlideshowRecord:
    """Remove the slideshow with id or name ``key``; returns what was removed. ``deleted_by``
    (the signed-in editor) goes to the log."""
    record = get_slideshow(engine, key)
    if record is None:
        raise UnknownSlideshowError(f"Bildspelet {key!r} finns inte (redan borttaget?).")
    with Session(engine) as session, session.begin():
        session.execute(delete(Slideshow).where(Slideshow.id == record.id))
    log.info("Slideshow deleted: %r by %s", record.name, deleted_by or "-")
    return record


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
    """Store the slideshow in a file written by :func:`export_slideshow` (a slideshow with the
    same name is replaced). A file with problems raises :class:`InvalidSlideshowError` and
    nothing is stored."""
    name, views = read_slideshow_file(data, routes=routes, source=source)
    return save_slideshow(engine, name, views, routes=routes, source=source, updated_by=updated_by)
