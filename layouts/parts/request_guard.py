"""The callback endpoint's guard: a malformed request is answered 400, never 500.

Dash's ``/_dash-update-component`` reads its body with ``request.get_json()`` and trusts its
shape: ``null``, ``{}``, an unknown output or wrongly typed inputs end in a ``KeyError``,
``AttributeError`` or ``TypeError`` (status 500), and 50 000 nested lists in a
``RecursionError``. :func:`guard_callbacks` wraps the endpoint's view:

- the body is read within the app's ``MAX_CONTENT_LENGTH`` (``MAX_REQUEST_BYTES``; without
  one, :data:`MAX_CALLBACK_BYTES`; a larger one is refused with status 413 like any other
  request, see ``request_limits``), and its nesting is measured before it is parsed
  (:mod:`data.json_limits`);
- its shape is checked against the callback it names (:func:`body_problem`): a known server
  callback, the declared inputs and state in number, ids and properties, the outputs'
  form, and the address values the page router reads.

Anything wrong is answered with status 400 and a short Swedish message. A callback that still
fails on values it does not expect (a text where it reads a list …) raises one of
:data:`BAD_INPUT_ERRORS`: that is answered 400 as well, and logged with its traceback, since it
may also be a bug. ``/_dash-layout`` and ``/_dash-dependencies`` read no input.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

import flask
from dash import Dash
from dash.exceptions import InvalidCallbackReturnValue, UnsupportedRelativePath
from werkzeug.exceptions import RequestEntityTooLarge

from data.json_limits import JsonLimitError, loads_limited

log = logging.getLogger(__name__)

#: The largest callback request read when the app sets no ``MAX_CONTENT_LENGTH`` (an upload
#: travels in one, base64-encoded).
MAX_CALLBACK_BYTES = 4 * 1024 * 1024
#: How deeply a callback request may nest (a component tree sent as a value nests three levels
#: per component).
MAX_CALLBACK_DEPTH = 200
#: What a callback raises on values it cannot use (and Dash, on a return that does not fit the
#: outputs a request named).
BAD_INPUT_ERRORS: tuple[type[Exception], ...] = (
    InvalidCallbackReturnValue,
    UnsupportedRelativePath,
    AttributeError,
    IndexError,
    KeyError,
    OverflowError,
    RecursionError,
    TypeError,
    UnicodeError,
    ValueError,
)
#: Dash's wildcards in a pattern-matching id, as its dependency list spells them.
WILDCARDS = (["ALL"], ["MATCH"], ["ALLSMALLER"])
#: Values the page router and the slideshow bar read from the address.
VALUE_RULES: dict[tuple[str, str], Callable[[Any], bool]] = {
    ("_pages_location", "pathname"): lambda v: isinstance(v, str) and v.startswith("/"),
    ("_pages_location", "search"): lambda v: v is None or isinstance(v, str),
    ("_pages_location", "href"): lambda v: v is None or isinstance(v, str),
}

BAD_REQUEST = "Felaktig begäran"


# --- the body ---------------------------------------------------------------------------------


def body_problem(body: Any, callbacks: Mapping[str, Mapping[str, Any]]) -> str | None:
    """What is wrong with a callback request's (parsed) body, in Swedish, or ``None``.

    ``callbacks`` is the app's ``callback_map``."""
    if not isinstance(body, dict):
        return "begäran ska vara ett JSON-objekt"
    output = body.get("output")
    entry = callbacks.get(output) if isinstance(output, str) else None
    if entry is None or "callback" not in entry:
        return "begäran nämner ingen känd callback"
    for key in ("inputs", "state"):
        problem = _dependencies_problem(key, body.get(key, []), entry[key])
        if problem:
            return problem
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "”changedPropIds” ska vara en lista av texter"
    return _outputs_problem(output, body.get("outputs"), bool(entry.get("no_output")))


def _dependencies_problem(key: str, items: Any, declared: list[dict[str, str]]) -> str | None:
    if not isinstance(items, list) or len(items) != len(declared):
        return f"”{key}” ska vara en lista med {len(declared)} värden"
    for item, dependency in zip(items, declared, strict=True):
        if not _item_matches(item, dependency):
            where = f"{dependency['id']}.{dependency['property']}"
            return f"”{key}” stämmer inte med callbacken ({where})"
    return None


def _item_matches(item: Any, dependency: Mapping[str, str]) -> bool:
    """Whether a request's input (or state) is the declared one: its id and property, the
    value the router reads, and for a pattern-matching id one entry or a list of entries
    whose ids have the pattern's keys (wildcards: a text or a number)."""
    declared_id, prop = dependency["id"], dependency["property"]
    if not declared_id.startswith("{"):
        return (
            isinstance(item, dict)
            and item.get("id") == declared_id
            and item.get("property") == prop
            and VALUE_RULES.get((declared_id, prop), lambda _: True)(item.get("value"))
        )
    pattern = json.loads(declared_id)
    entries = item if isinstance(item, list) else [item]
    return all(
        isinstance(entry, dict)
        and entry.get("property") == prop
        and _id_matches(entry.get("id"), pattern)
        for entry in entries
    )


def _id_matches(value: Any, pattern: Mapping[str, Any]) -> bool:
    if not isinstance(value, dict) or set(value) != set(pattern):
        return False
    for key, wanted in pattern.items():
        if wanted in WILDCARDS:
            if not isinstance(value[key], str | int | float) or isinstance(value[key], bool):
                return False
        elif value[key] != wanted:
            return False
    return True


def _is_output(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("id"), str | dict)
        and isinstance(entry.get("property"), str)
    )


def _outputs_problem(output: str, outputs: Any, no_output: bool) -> str | None:
    """The outputs a request names: one entry per output (a list of entries for a
    pattern-matching output), as the renderer sends them."""
    if no_output:
        return None
    if not isinstance(outputs, list | dict):
        return "”outputs” saknas"
    entries = outputs if isinstance(outputs, list) else [outputs]
    if output.startswith("..") and len(entries) != len(output[2:-2].split("...")):
        return "”outputs” stämmer inte med callbacken"
    for entry in entries:
        group = entry if isinstance(entry, list) else [entry]
        if not all(_is_output(e) for e in group):
            return "”outputs” stämmer inte med callbacken"
    return None


# --- the endpoint -----------------------------------------------------------------------------


def _limit(server: flask.Flask) -> int:
    configured = server.config.get("MAX_CONTENT_LENGTH")
    return configured if configured else MAX_CALLBACK_BYTES


def read_body(server: flask.Flask) -> tuple[Any, str | None]:
    """The request's body parsed within the limits, or the problem with it. A body larger than
    the limit is not read: :class:`~werkzeug.exceptions.RequestEntityTooLarge` is raised, which
    the app answers with status 413 (``request_limits``), as for any other request."""
    request = flask.request
    limit = _limit(server)
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    request.max_content_length = limit  # also bounds a body sent without a Content-Length
    data = request.get_data(cache=True)
    try:
        return loads_limited(data, max_depth=MAX_CALLBACK_DEPTH, max_bytes=limit), None
    except JsonLimitError as error:
        return None, f"begäran är inte JSON som kan läsas: {error}"


def bad_request(problem: str) -> flask.Response:
    response = flask.make_response(f"{BAD_REQUEST}: {problem}.\n", 400)
    response.mimetype = "text/plain"
    return response


def guard_callbacks(app: Dash) -> None:
    """Wrap the callback endpoint's view so that a malformed request gets status 400."""
    server = app.server
    endpoint = app.config.routes_pathname_prefix + "_dash-update-component"
    view = server.view_functions[endpoint]
    if inspect.iscoroutinefunction(view):  # dash[async]: not used here, left as Dash made it
        return

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        body, problem = read_body(server)
        if problem is None:
            problem = body_problem(body, app.callback_map)
        if problem is not None:
            log.info("Callback request refused: %s", problem)
            return bad_request(problem)
        try:
            return view(*args, **kwargs)
        except BAD_INPUT_ERRORS:
            log.warning(
                "Callback %s failed on the values sent; answered 400",
                str(body.get("output"))[:200],
                exc_info=True,
            )
            return bad_request("callbacken kunde inte använda värdena i begäran")

    server.view_functions[endpoint] = guarded
