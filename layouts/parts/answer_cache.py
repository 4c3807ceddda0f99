"""The read-only pages' answers, computed once and shared by every worker and server process.

Thirty participants opening Översikt at once ask the server the same question thirty times.
The answers of the callbacks marked :func:`cached_answer`, and of Dash Pages' router for the
pages whose ``layout`` function is marked, are kept whole – the JSON body Dash sent – in a cache
that every gunicorn worker and every server process on the machine shares (Flask-Caching): the
next request with the same question gets the same bytes without computing anything.

**What may be marked.** A callback (``@cached_answer`` under ``@callback``) or a page's
``layout`` whose answer follows from its inputs and state (or the address) and the stored data
alone: it does not read ``dash.ctx.triggered``, the request (host, cookies), the clock or
chance, and writes nothing. What a signed-in editor sees is kept out whatever is marked: a
request with an editor signed in neither reads nor fills the cache, so the edit controls that
some pages draw for editors never reach a participant; and the key carries whether any editor
account exists (participants' pages say how to get one).

**The key**: the callback (its output and the outputs asked for), its inputs and state (id,
property and value of each, not which one changed), the data version
(:func:`indicators.service.version`: it changes with every ETL run, goal change, assessment and
slideshow change), the database served and whether it is read-only, and the release (a digest
of the dashboard's source files and the Dash and Plotly versions, so a new release never serves
an old answer). Nothing is ever deleted to invalidate: a new version makes new keys, and old
answers expire after :data:`ANSWER_TIMEOUT` (the file cache also keeps at most
:data:`FILE_THRESHOLD` answers, dropping the oldest).

**Where** (:func:`cache_settings`): with ``CACHE_URL`` (``redis://host:6379/0``) in Redis (the
``redis`` package is then needed), else in files in ``CACHE_DIR``, by default a folder in the
system's temporary folder named after a digest of the database URL, so that two databases
never share answers (this user's alone: answers are unpickled when read, see
:func:`own_private_folder`). ``CACHE_TYPE=null`` turns the cache off. A cache that stops answering
(Redis gone) is logged and the answers are computed as without it.

:func:`warm` asks for the common pages once; gunicorn's master calls it before it forks the
workers (``gunicorn.conf.py``).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import inspect
import json
import logging
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import dash
import flask
import plotly
from dash import Dash
from dash.exceptions import UnsupportedRelativePath
from flask_caching import Cache
from sqlalchemy import URL, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from indicators import service
from indicators.editors import has_editors
from layouts.parts.editor import current_editor
from layouts.parts.routes import page_for

log = logging.getLogger(__name__)

CACHE_TYPE_VARIABLE = "CACHE_TYPE"
CACHE_DIR_VARIABLE = "CACHE_DIR"
CACHE_URL_VARIABLE = "CACHE_URL"

#: The kinds of cache (``CacheSettings.kind``); an in-memory database gets one per process.
FILESYSTEM, REDIS, MEMORY, OFF = "filesystem", "redis", "memory", "null"
_TYPE_WORDS = {
    "filesystem": FILESYSTEM,
    "filesystemcache": FILESYSTEM,
    "redis": REDIS,
    "rediscache": REDIS,
    "null": OFF,
    "nullcache": OFF,
    "none": OFF,
    "off": OFF,
}
REDIS_SCHEMES = ("redis", "rediss", "unix")

#: Seconds an answer is kept (a new data version makes new keys long before).
ANSWER_TIMEOUT = 24 * 60 * 60
#: Answers the file cache keeps at most (one is 10 kB to 1.5 MB), the oldest dropped first.
FILE_THRESHOLD = 500
#: The default folder's name, followed by a digest of the database URL.
FOLDER_PREFIX = "hallbarhet-answers-"

#: The project's files whose content goes into the release digest.
PROJECT_DIR = Path(__file__).resolve().parents[2]
RELEASE_PARTS = ("app.py", "layouts", "indicators", "data", "docs")
RELEASE_SUFFIXES = (".py", ".csv", ".md")

#: Dash Pages' router: its output, and the component whose address it reads.
PAGES_OUTPUT = ".._pages_content.children"
LOCATION_ID = "_pages_location"
#: The indicator and the municipality whose pages :func:`warm` draws (greenhouse gas emissions,
#: Mora).
WARM_INDICATOR = "N00401"
WARM_AREA = "2062"
#: The Flask extension name the shared answers are kept under.
EXTENSION = "answer_cache"
_MARK = "_cached_answer"

F = TypeVar("F", bound=Callable[..., Any])


def cached_answer(func: F) -> F:
    """Share the answers of ``func``: a read-only callback (put it under ``@callback``) or a
    page's ``layout`` function. Only for answers that follow from the inputs and state (or the
    address) and the stored data alone; see the module's rules."""
    setattr(func, _MARK, True)
    return func


def is_cached(func: Any) -> bool:
    """Whether ``func`` (or the function Dash wrapped it in) is marked :func:`cached_answer`."""
    return bool(getattr(func, _MARK, False))


# --- settings ----------------------------------------------------------------------------------


class AnswerCacheError(RuntimeError):
    """``CACHE_TYPE``, ``CACHE_DIR`` or ``CACHE_URL`` cannot be used: the start stops with this
    message."""


@dataclass(frozen=True)
class CacheSettings:
    """Which cache holds the answers: its kind, where (for the log; a URL's password hidden)
    and Flask-Caching's configuration."""

    kind: str
    where: str
    config: dict[str, Any]
    #: The folder is the default one in the shared temporary folder, which must be this
    #: user's alone (:func:`own_private_folder`).
    private_folder: bool = False


def database_identity(url: URL | str) -> str | None:
    """The database a URL names, for telling databases apart: a SQLite file by its absolute
    path, another database by its URL without the password; ``None`` for an in-memory SQLite
    database, which each process has for itself."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or url.query.get("mode") == "memory":
            return None
        return f"sqlite:///{Path(database).resolve()}"
    return url.render_as_string(hide_password=True)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def default_cache_dir(identity: str) -> Path:
    """The answers' folder for a database when ``CACHE_DIR`` is not set."""
    return Path(tempfile.gettempdir()) / f"{FOLDER_PREFIX}{_digest(identity)}"


def shown_url(url: str) -> str:
    """A URL for messages and the log: its password replaced by ``***``."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "(an unreadable URL)"
    if not password:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{password}@", ":***@", 1)).geturl()


def _kind(word: str, url: str) -> str:
    text = word.strip().lower()
    if not text:
        return REDIS if url else FILESYSTEM
    kind = _TYPE_WORDS.get(text)
    if kind is None:
        raise AnswerCacheError(
            f"{CACHE_TYPE_VARIABLE}={word!r} is not a kind of cache: use filesystem, redis "
            "or null (no cache), or leave it unset"
        )
    if kind == REDIS and not url:
        raise AnswerCacheError(
            f"{CACHE_TYPE_VARIABLE}=redis needs {CACHE_URL_VARIABLE}, e.g. redis://localhost:6379/0"
        )
    return kind


def _redis_settings(url: str, prefix: str) -> CacheSettings:
    shown = shown_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port  # a port that is not a number raises ValueError
        usable = (
            parts.scheme in REDIS_SCHEMES
            and bool(parts.hostname or parts.scheme == "unix")
            and port != 0
        )
    except ValueError:
        usable = False
    if not usable:
        raise AnswerCacheError(
            f"{CACHE_URL_VARIABLE}={shown} is not a Redis URL: write redis://host:6379/0 "
            "(rediss:// with TLS, unix:///path/redis.sock), or unset it to keep the answers "
            "in files"
        )
    if importlib.util.find_spec("redis") is None:
        raise AnswerCacheError(
            f"{CACHE_URL_VARIABLE} is set ({shown}) but the Python package redis is not "
            "installed: install it (.venv/bin/pip install redis) or unset "
            f"{CACHE_URL_VARIABLE} to keep the answers in files"
        )
    config = {
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": url,
        "CACHE_KEY_PREFIX": f"hallbarhet:{prefix}:",
        "CACHE_DEFAULT_TIMEOUT": ANSWER_TIMEOUT,
    }
    return CacheSettings(REDIS, shown, config)


def cache_settings(
    database_url: URL | str,
    *,
    cache_type: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    cache_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> CacheSettings:
    """Where the answers of the database at ``database_url`` are kept.

    The arguments win over the environment variables ``CACHE_TYPE`` (filesystem, redis, or
    null: off), ``CACHE_DIR`` (the file cache's folder) and ``CACHE_URL`` (Redis; implies
    ``CACHE_TYPE=redis``). Raises :class:`AnswerCacheError` for settings that cannot work."""
    environ = os.environ if environ is None else environ
    url = cache_url if cache_url is not None else environ.get(CACHE_URL_VARIABLE, "")
    word = cache_type if cache_type is not None else environ.get(CACHE_TYPE_VARIABLE, "")
    folder = cache_dir if cache_dir is not None else environ.get(CACHE_DIR_VARIABLE, "")
    kind = _kind(word, url.strip())
    if kind == OFF:
        return CacheSettings(OFF, "off", {"CACHE_TYPE": "NullCache"})
    identity = database_identity(database_url)
    if identity is None:
        config = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": ANSWER_TIMEOUT}
        return CacheSettings(MEMORY, "this process (an in-memory database)", config)
    if kind == REDIS:
        return _redis_settings(url.strip(), _digest(identity))
    path = Path(folder) if folder else default_cache_dir(identity)
    config = {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(path),
        "CACHE_THRESHOLD": FILE_THRESHOLD,
        "CACHE_DEFAULT_TIMEOUT": ANSWER_TIMEOUT,
    }
    return CacheSettings(FILESYSTEM, str(path), config, private_folder=not folder)


def own_private_folder(path: Path) -> None:
    """Make the default folder for this user alone, or check that the one found is. Answers
    are unpickled when read, so a folder in the shared temporary folder that is a link,
    another user's, or writable by others is refused (:class:`AnswerCacheError`)."""
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        found = path.lstat()
    except OSError as error:
        raise AnswerCacheError(f"The answer cache cannot use {path}: {error}") from error
    foreign = hasattr(os, "getuid") and found.st_uid != os.getuid()
    if not stat.S_ISDIR(found.st_mode) or foreign or found.st_mode & 0o022:
        raise AnswerCacheError(
            f"The answer cache will not use {path}: it is not a folder of this user's alone "
            f"(a link, another user's, or writable by others). Remove it, or set "
            f"{CACHE_DIR_VARIABLE} to a folder of the server's own"
        )


@functools.cache
def release() -> str:
    """A digest of this release: the Dash and Plotly versions and the content of the source
    files the answers are built from (``RELEASE_PARTS``)."""
    digest = hashlib.sha256(f"dash {dash.__version__} plotly {plotly.__version__}".encode())
    for part in RELEASE_PARTS:
        root = PROJECT_DIR / part
        files = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in files:
            if path.suffix in RELEASE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(PROJECT_DIR)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


# --- the shared answers --------------------------------------------------------------------------


def _entries(items: Any) -> Any:
    """What of a request's inputs, state or outputs decides the answer: each entry's id,
    property and value (a pattern-matching one is a list of entries)."""
    if isinstance(items, list):
        return [_entries(item) for item in items]
    if isinstance(items, dict):
        return [items.get("id"), items.get("property"), items.get("value")]
    return items


def _value(inputs: Any, component_id: str, prop: str) -> Any:
    for item in inputs if isinstance(inputs, list) else []:
        if isinstance(item, dict) and (item.get("id"), item.get("property")) == (
            component_id,
            prop,
        ):
            return item.get("value")
    return None


def _reusable(response: Any) -> bytes | None:
    """The body of an answer that may be shared: a complete 200 answer with no headers but its
    type and length, and no side update (a refused write told elsewhere, see
    ``database_state``); else ``None``."""
    if not isinstance(response, flask.Response) or response.status_code != 200:
        return None
    if response.is_streamed:
        return None
    if any(name.lower() not in ("content-type", "content-length") for name, _ in response.headers):
        return None
    body = response.get_data()
    return None if b'"sideUpdate"' in body else body


@dataclass
class SharedAnswers:
    """An app's shared answers: the cache, and how often this process found (``hits``) or
    computed and stored (``misses``) an answer."""

    app: Dash
    cache: Cache
    settings: CacheSettings
    release: str
    hits: int = 0
    misses: int = 0

    def _page_marked(self, inputs: Any) -> bool:
        pathname = _value(inputs, LOCATION_ID, "pathname")
        if not isinstance(pathname, str):
            return False
        try:
            path = self.app.strip_relative_path(pathname)
        except UnsupportedRelativePath:
            return False
        page = page_for(path or "")
        return page is not None and is_cached(page.get("layout"))

    def marked(self, body: Mapping[str, Any]) -> bool:
        """Whether the request asks a marked callback, or the router for a marked page."""
        output = body.get("output")
        entry = self.app.callback_map.get(output) if isinstance(output, str) else None
        if entry is None:
            return False
        if is_cached(entry.get("callback")):
            return True
        return output.startswith(PAGES_OUTPUT) and self._page_marked(body.get("inputs"))

    def shares(self, body: Any) -> bool:
        """Whether the answer to a callback request is shared: a marked callback (or page),
        asked by someone who is not a signed-in editor."""
        return isinstance(body, dict) and self.marked(body) and current_editor() is None

    def key(self, body: Any) -> str | None:
        """The cache key of a callback request, or ``None`` when its answer is not shared (not
        marked, or an editor is signed in)."""
        if not self.shares(body):
            return None
        engine = service.engine()
        try:
            material = [
                self.release,
                database_identity(engine.url) or engine.url.render_as_string(hide_password=True),
                service.read_only(),
                has_editors(engine),
                service.version(),
                body.get("output"),
                _entries(body.get("outputs")),
                _entries(body.get("inputs")),
                _entries(body.get("state")),
            ]
        except SQLAlchemyError as error:  # the callback will meet it too, and say so
            log.warning("Answer cache: no data version (%s); computing the answer", error)
            return None
        text = json.dumps(material, default=str, sort_keys=True, separators=(",", ":"))
        return "answer:" + hashlib.sha256(text.encode()).hexdigest()

    def _safely(self, what: str, operation: Callable[..., Any], *args: Any) -> Any:
        try:
            return operation(*args)
        except Exception as error:  # a failing cache costs the reuse, never the answer
            log.warning("Answer cache: could not %s an answer (%s)", what, error)
            return None

    def lookup(self, key: str) -> flask.Response | None:
        stored = self._safely("read", self.cache.get, key)
        if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], bytes)):
            return None
        self.hits += 1
        return flask.Response(stored[1], status=200, content_type=stored[0])

    def store(self, key: str, response: Any) -> None:
        self.misses += 1
        self._safely("store", self._store, key, response)

    def _store(self, key: str, response: Any) -> None:
        body = _reusable(response)
        if body is not None:
            self.cache.set(key, (response.content_type, body))

    def clear(self) -> None:
        """Forget every stored answer (of every database sharing this cache)."""
        self._safely("clear", self.cache.clear)


def shared_answers(app: Dash | flask.Flask) -> SharedAnswers | None:
    """The app's shared answers (``None``: the cache is off)."""
    server = app.server if isinstance(app, Dash) else app
    return server.extensions.get(EXTENSION)


def _answer_from_cache(app: Dash, answers: SharedAnswers) -> None:
    """Wrap the callback endpoint's view: a shared answer when there is one, else Dash's, kept
    for the next request."""
    server = app.server
    endpoint = app.config.routes_pathname_prefix + "_dash-update-component"
    view = server.view_functions[endpoint]
    if inspect.iscoroutinefunction(view):  # dash[async]: not used here, left as Dash made it
        log.warning("Answer cache: the callback endpoint is asynchronous; not caching")
        return

    @functools.wraps(view)
    def answering(*args: Any, **kwargs: Any) -> Any:
        body = flask.request.get_json(silent=True)
        if not answers.shares(body):
            return view(*args, **kwargs)
        # A shared answer is read-only: the data version is read once for the key and the
        # tables the answer is computed from (each cached table asks for it).
        with service.one_version():
            key = answers.key(body)
            if key is None:
                return view(*args, **kwargs)
            found = answers.lookup(key)
            if found is not None:
                return found
            response = view(*args, **kwargs)
            answers.store(key, response)
            return response

    server.view_functions[endpoint] = answering


def _check(cache: Cache, settings: CacheSettings) -> None:
    """Store and remove a probe, so that a cache that cannot work stops the start."""
    probe = "answer-cache-probe"
    try:
        stored = cache.cache.set(probe, (settings.kind, b""), timeout=60)
        cache.cache.delete(probe)
    except Exception as error:
        if settings.kind == REDIS:
            raise AnswerCacheError(
                f"{CACHE_URL_VARIABLE}={settings.where}: Redis does not answer ({error}); start "
                f"Redis, correct {CACHE_URL_VARIABLE} or unset it to keep the answers in files"
            ) from error
        raise AnswerCacheError(f"The answer cache ({settings.where}) fails: {error}") from error
    if not stored:
        raise AnswerCacheError(
            f"The answer cache cannot write in {settings.where}: give the server's user "
            f"write access there, or set {CACHE_DIR_VARIABLE} to a folder it may write"
        )


def init_answer_cache(
    app: Dash,
    engine: Engine,
    *,
    cache_type: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    cache_url: str | None = None,
) -> SharedAnswers | None:
    """Share the marked answers of ``app`` (serving ``engine``'s database) in the cache
    :func:`cache_settings` names; ``None`` when it is off. Call it before
    ``layouts.parts.routes.install_routes``, whose guard then checks a request before the
    cache sees it. Raises :class:`AnswerCacheError` when the cache cannot be used."""
    settings = cache_settings(
        engine.url, cache_type=cache_type, cache_dir=cache_dir, cache_url=cache_url
    )
    if settings.kind == OFF:
        log.info("Answer cache: off (%s)", CACHE_TYPE_VARIABLE)
        return None
    if settings.private_folder:
        own_private_folder(Path(settings.where))
    cache = Cache(config=settings.config)
    try:
        cache.init_app(app.server)
    except (OSError, RuntimeError) as error:
        raise AnswerCacheError(
            f"The answer cache ({settings.where}) cannot be used: {error}"
        ) from error
    _check(cache, settings)
    answers = SharedAnswers(app, cache, settings, release())
    app.server.extensions[EXTENSION] = answers
    _answer_from_cache(app, answers)
    log.info("Answer cache: %s (%s)", settings.kind, settings.where)
    return answers


# --- warming -----------------------------------------------------------------------------------


def warm_pages() -> tuple[str, ...]:
    """The pages most participants open first, each as it opens without a query: Översikt,
    the page of :data:`WARM_INDICATOR` (or of the catalogue's first indicator), the profile of
    :data:`WARM_AREA` and Jämför."""
    pages = ["/"]
    kpi_ids = [indicator.kpi_id for indicator in service.catalogue()]
    if kpi_ids:
        pages.append(f"/indikator/{WARM_INDICATOR if WARM_INDICATOR in kpi_ids else kpi_ids[0]}")
    pages.append(f"/kommun/{WARM_AREA}")
    pages.append("/jamfor")
    return tuple(pages)


def _router_body(entry: Mapping[str, Any], page: str) -> dict[str, Any]:
    """What the browser posts to draw ``page`` (a path with an optional query)."""
    parts = urlsplit(page)
    values = {"pathname": parts.path or "/", "search": f"?{parts.query}" if parts.query else ""}
    inputs = []
    for item in entry["inputs"]:
        if item["id"] != LOCATION_ID or item["property"] not in values:
            raise ValueError(f"the router reads {item['id']}.{item['property']} too")
        inputs.append({**item, "value": values[item["property"]]})
    outputs = []
    for part in entry["output"][2:-2].split("..."):
        component_id, _, prop = part.rpartition(".")
        outputs.append({"id": component_id, "property": prop})
    return {
        "output": entry["output"],
        "outputs": outputs,
        "inputs": inputs,
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs],
    }


def _warm(app: Dash, pages: Iterable[str]) -> int:
    client = app.server.test_client()
    prefix = app.config.routes_pathname_prefix
    # The first request also registers Dash Pages' router.
    entries = client.get(prefix + "_dash-dependencies").get_json()
    entry = next(e for e in entries if str(e.get("output", "")).startswith(PAGES_OUTPUT))
    answered = 0
    for page in pages:
        response = client.post(prefix + "_dash-update-component", json=_router_body(entry, page))
        if response.status_code == 200:
            answered += 1
        else:
            log.warning("Answer cache: warming %s got status %d", page, response.status_code)
    return answered


def warm(app: Dash | flask.Flask, pages: Iterable[str] | None = None) -> int:
    """Ask once for the answers the first participants need (``pages``, default
    :func:`warm_pages`), so that they find them in the shared cache; gunicorn's master calls
    it before forking the workers. Returns how many pages answered. Never raises: a failure is
    logged and the start goes on (the pages are then computed on first use)."""
    answers = shared_answers(app)
    if answers is None:
        log.info("Answer cache: off, nothing to warm")
        return 0
    try:
        chosen = tuple(pages) if pages is not None else warm_pages()
        answered = _warm(answers.app, chosen)
    except Exception:  # warming is a courtesy: the start must go on
        log.warning("Answer cache: warming failed; pages are computed on first use", exc_info=True)
        return 0
    log.info("Answer cache: warmed %d of %d pages", answered, len(chosen))
    return answered


__all__ = [
    "ANSWER_TIMEOUT",
    "CACHE_DIR_VARIABLE",
    "CACHE_TYPE_VARIABLE",
    "CACHE_URL_VARIABLE",
    "FILE_THRESHOLD",
    "AnswerCacheError",
    "CacheSettings",
    "SharedAnswers",
    "cache_settings",
    "cached_answer",
    "database_identity",
    "default_cache_dir",
    "init_answer_cache",
    "is_cached",
    "own_private_folder",
    "release",
    "shared_answers",
    "warm",
    "warm_pages",
]
