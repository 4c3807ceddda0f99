"""Calling the dashboard's callbacks over HTTP the way Dash's renderer does.

:class:`ServedApp` serves a WSGI application (``app.server``) on a free local port in a
background thread. :class:`DashClient` reads the callback graph (``GET /_dash-dependencies``),
finds a callback by the start of its output id, builds the body the renderer posts to
``/_dash-update-component`` (``output``, ``outputs``, ``inputs``, ``changedPropIds``, ``state``)
and checks that the answer carries every output. :func:`layout_values` reads control values
out of a serialised layout, so that requests start from what a page really shows.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

UPDATE_PATH = "/_dash-update-component"
DEPENDENCIES_PATH = "/_dash-dependencies"
WILDCARDS = ("MATCH", "ALL", "ALLSMALLER")


class CallbackError(RuntimeError):
    """A callback request that did not answer as the renderer expects."""


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler without a log line per request."""

    def log_request(self, *_args: object, **_kwargs: object) -> None:
        pass


class ServedApp:
    """A WSGI application served on 127.0.0.1 on a free port while the ``with`` block runs
    (a thread per request, HTTP/1.1 with kept-alive connections, as behind a production
    server; the requests of one client still run one at a time)."""

    def __init__(self, wsgi_app: Any, host: str = "127.0.0.1") -> None:
        self._server = make_server(host, 0, wsgi_app, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://{host}:{self._server.server_port}"

    def __enter__(self) -> ServedApp:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()


# --- ids as the renderer writes them -------------------------------------------------------


def stringify_id(id_: str | Mapping[str, Any]) -> str:
    """A component id as the renderer writes it in ``changedPropIds`` and the server in its
    answer: a dict id as JSON with sorted keys and no spaces, a string id as it is."""
    if isinstance(id_, str):
        return id_
    return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(id_[k])}" for k in sorted(id_)) + "}"


def parse_id(text: str) -> str | dict[str, Any]:
    """The id of a dependency entry: a pattern id arrives as JSON text."""
    return json.loads(text) if text.startswith("{") else text


def split_output(output: str) -> list[tuple[str, str]]:
    """``"..a.children...b.data.."`` (or ``"a.children"``) → ``[(id text, property), ...]``.

    An id may contain dots (pattern ids), a property cannot: split at the last dot.
    """
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    result = []
    for part in parts:
        id_text, _, prop = part.rpartition(".")
        result.append((id_text, prop))
    return result


def concrete_id(id_: str | Mapping[str, Any], matches: Mapping[str, Any]) -> str | dict:
    """A pattern id with its ``MATCH`` wildcards replaced by the values in ``matches``."""
    if isinstance(id_, str):
        return id_
    result: dict[str, Any] = {}
    for key, value in id_.items():
        if isinstance(value, list) and len(value) == 1 and value[0] in WILDCARDS:
            if value[0] != "MATCH":
                raise CallbackError(f"pattern id {id_}: only MATCH wildcards are supported")
            if key not in matches:
                raise CallbackError(f"pattern id {id_}: no value given for the key {key!r}")
            result[key] = matches[key]
        else:
            result[key] = value
    return result


@dataclass(frozen=True)
class Dependency:
    """One server-side callback of the graph."""

    output: str
    inputs: tuple[tuple[str | dict, str], ...]
    state: tuple[tuple[str | dict, str], ...]

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> Dependency:
        def pairs(items) -> tuple[tuple[str | dict, str], ...]:
            return tuple((parse_id(item["id"]), item["property"]) for item in items)

        return cls(entry["output"], pairs(entry["inputs"]), pairs(entry.get("state", [])))

    @property
    def outputs(self) -> list[tuple[str | dict, str]]:
        return [(parse_id(id_text), prop) for id_text, prop in split_output(self.output)]

    @property
    def is_multi(self) -> bool:
        return self.output.startswith("..")


def find_dependency(entries: list[Mapping[str, Any]], output_prefix: str) -> Dependency:
    """The one server-side callback whose output id string starts with ``output_prefix``
    (after the ``..`` that marks several outputs)."""
    found = [
        e
        for e in entries
        if not e.get("clientside_function")
        and (e["output"].startswith(output_prefix) or e["output"].startswith(".." + output_prefix))
    ]
    if len(found) != 1:
        outputs = [e["output"][:80] for e in found]
        raise CallbackError(
            f"expected one callback whose output starts with {output_prefix!r}, "
            f"found {len(found)}: {outputs}"
        )
    return Dependency.from_entry(found[0])


# --- requests ------------------------------------------------------------------------------


def _key(id_: str | Mapping[str, Any], prop: str) -> str:
    return f"{stringify_id(id_)}.{prop}"


def update_body(
    dependency: Dependency,
    values: Mapping[str, Any],
    *,
    changed: list[str] | None = None,
    matches: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The body the renderer posts for ``dependency``.

    ``values`` maps ``"<id>.<property>"`` (the id as :func:`stringify_id` writes it, with
    ``MATCH`` already replaced) to the value of every input and state; ``changed`` names the
    inputs that triggered the call (default: every input). The renderer sends a single
    output as an object and several as a list, and leaves ``state`` out when there is none.
    """
    matches = matches or {}

    def filled(pairs) -> list[dict[str, Any]]:
        result = []
        for id_, prop in pairs:
            concrete = concrete_id(id_, matches)
            key = _key(concrete, prop)
            if key not in values:
                raise CallbackError(f"{dependency.output[:80]}: no value given for {key}")
            result.append({"id": concrete, "property": prop, "value": values[key]})
        return result

    outputs = [{"id": concrete_id(i, matches), "property": p} for i, p in dependency.outputs]
    inputs = filled(dependency.inputs)
    body: dict[str, Any] = {
        "output": dependency.output,
        "outputs": outputs if dependency.is_multi else outputs[0],
        "inputs": inputs,
        "changedPropIds": changed
        if changed is not None
        else [_key(i["id"], i["property"]) for i in inputs],
    }
    if dependency.state:
        body["state"] = filled(dependency.state)
    return body


@dataclass(frozen=True)
class Answer:
    """A checked callback answer: the outputs by ``"<id>.<property>"``, the response size, the
    round-trip time (request sent until the whole body arrived) and the CPU time this process
    spent meanwhile (server and client, when the app is served from this process)."""

    values: dict[str, Any]
    size: int
    milliseconds: float
    cpu_milliseconds: float


class DashClient:
    """Requests to a served Dash app over one kept-alive session."""

    def __init__(self, base_url: str, timeout: float = 300.0) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json"})

    def __enter__(self) -> DashClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.session.close()

    def dependencies(self) -> list[dict[str, Any]]:
        response = self.session.get(self.base_url + DEPENDENCIES_PATH, timeout=self.timeout)
        if response.status_code != 200:
            raise CallbackError(f"GET {DEPENDENCIES_PATH}: HTTP {response.status_code}")
        return response.json()

    def call(self, dependency: Dependency, body: Mapping[str, Any]) -> Answer:
        """Post ``body`` and check the answer: HTTP 200 and every output present."""
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        started, started_cpu = time.perf_counter(), time.process_time()
        response = self.session.post(
            self.base_url + UPDATE_PATH, data=data, headers=headers, timeout=self.timeout
        )
        content = response.content
        milliseconds = (time.perf_counter() - started) * 1000
        cpu_milliseconds = (time.process_time() - started_cpu) * 1000
        if response.status_code != 200:
            raise CallbackError(
                f"{dependency.output[:80]}: HTTP {response.status_code} "
                f"(204 means the callback prevented the update): {content[:500]!r}"
            )
        answer = json.loads(content)
        values = {
            _key(parse_id(id_text), prop.split("@")[0]): value
            for id_text, props in answer.get("response", {}).items()
            for prop, value in props.items()
        }
        outputs = body["outputs"] if isinstance(body["outputs"], list) else [body["outputs"]]
        expected = [_key(o["id"], o["property"].split("@")[0]) for o in outputs]
        missing = [key for key in expected if key not in values]
        if missing:
            raise CallbackError(f"{dependency.output[:80]}: the answer lacks {missing}")
        return Answer(values, len(content), milliseconds, cpu_milliseconds)


# --- reading a serialised layout -----------------------------------------------------------


def walk_components(node: Any) -> Iterator[Mapping[str, Any]]:
    """Every component (``{"type", "namespace", "props"}``) in a serialised layout."""
    if isinstance(node, list):
        for item in node:
            yield from walk_components(item)
    elif isinstance(node, dict):
        if "props" in node and "type" in node:
            yield node
            props = node["props"]
            for value in props.values():
                yield from walk_components(value)
        else:
            for value in node.values():
                yield from walk_components(value)


def layout_values(layout: Any, wanted: list[tuple[str | dict, str]]) -> dict[str, Any]:
    """``"<id>.<property>"`` → value for each wanted (id, property) in a serialised layout;
    a property the component leaves unset reads as None. Raises when an id is absent."""
    by_id = {}
    for component in walk_components(layout):
        id_ = component["props"].get("id")
        if id_ is not None:
            by_id[stringify_id(id_)] = component["props"]
    result = {}
    for id_, prop in wanted:
        key = stringify_id(id_)
        if key not in by_id:
            raise CallbackError(f"the page's layout has no component with id {key}")
        result[_key(id_, prop)] = by_id[key].get(prop)
    return result
