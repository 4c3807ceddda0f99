"""A real local HTTP server speaking Kolada's API v3, with scriptable misbehaviour.

Serves ``/v3/kpi``, ``/v3/municipality``, ``/v3/kpi_groups``, ``/v3/municipality_groups`` and
``/v3/data/kpi/…`` (with ``municipality`` and/or ``year`` segments) from in-memory items, pages
them (``per_page``, ``page``, ``next_url``), filters by ``from_date`` (values changed on or after
that date) and refuses more than 25 ids in a path segment, like Kolada. Every request is
recorded.

A municipality group's id in the data endpoint's ``municipality`` segment is answered as
Kolada answers it: per KPI, year and gender, the unweighted mean of the members' stored values
(withdrawn and missing ones left out) with ``count`` = the members that reported, computed
from the stored items at the time of the request; it counts as changed when any member's item
did.

Scripted responses (:meth:`KoladaServer.respond`) answer matching requests instead, e.g. a 429
with ``Retry-After``, a 503, a persistent 500 on page 2, or a body that is not JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from data.areas import DEFAULT_AREAS

MAX_IDS = 25
MAX_PER_PAGE = 5000
#: The "changed on" date of items added without one.
OLD_DATE = dt.date(2020, 1, 1)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int = 0

    @property
    def is_data(self) -> bool:
        return self.path.startswith("/v3/data/")


@dataclass
class Scripted:
    """A canned answer for requests matching ``when``, ``times`` times (``None`` = always)."""

    when: Callable[[RecordedRequest], bool]
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = 1


@dataclass
class _Item:
    item: dict[str, Any]
    changed: dt.date


class KoladaServer:
    """Start with ``with KoladaServer(...) as server:``; point the client at ``server.base_url``."""

    def __init__(
        self,
        *,
        kpis: Iterable[dict[str, Any]] = (),
        municipalities: Iterable[dict[str, Any]] | None = None,
        groups: Iterable[dict[str, Any]] = (),
        municipality_groups: Iterable[dict[str, Any]] = (),
        page_size: int = MAX_PER_PAGE,
        latency: float = 0.0,
        next_key: str = "next_url",
    ) -> None:
        self.kpis = list(kpis)
        self.municipalities = (
            default_municipalities() if municipalities is None else list(municipalities)
        )
        self.groups = list(groups)
        self.municipality_groups = list(municipality_groups)
        self.page_size = page_size
        self.latency = latency
        self.next_key = next_key
        self.items: list[_Item] = []
        self.requests: list[RecordedRequest] = []
        self.scripts: list[Scripted] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> KoladaServer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> None:
        server = self

        class Handler(_Handler):
            kolada = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def origin(self) -> str:
        assert self._httpd is not None, "the server is not running"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v3"

    # --- content -----------------------------------------------------------------------

    def put(
        self,
        kpi: str,
        area: str,
        year: int,
        values: Sequence[dict[str, Any]],
        *,
        changed: dt.date = OLD_DATE,
    ) -> None:
        """Add (or replace) the data item of one KPI, area and year."""
        item = {"kpi": kpi, "municipality": area, "period": year, "values": list(values)}
        with self._lock:
            self.items = [
                entry
                for entry in self.items
                if (entry.item.get("kpi"), entry.item.get("municipality"), entry.item.get("period"))
                != (kpi, area, year)
            ]
            self.items.append(_Item(item, changed))

    def put_raw(self, item: Any, *, changed: dt.date = OLD_DATE) -> None:
        """Add an item exactly as given (to serve malformed ones)."""
        with self._lock:
            self.items.append(_Item(item, changed))

    def remove(self, kpi: str, area: str, year: int) -> None:
        """Stop serving an item altogether (not the same as Kolada withdrawing it)."""
        with self._lock:
            self.items = [
                entry
                for entry in self.items
                if (entry.item.get("kpi"), entry.item.get("municipality"), entry.item.get("period"))
                != (kpi, area, year)
            ]

    def respond(
        self,
        *,
        when: Callable[[RecordedRequest], bool] = lambda _request: True,
        status: int = 200,
        body: bytes | str | dict[str, Any] = b"",
        headers: dict[str, str] | None = None,
        times: int | None = 1,
    ) -> None:
        """Answer matching requests with this instead of the real content."""
        if isinstance(body, dict):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        with self._lock:
            self.scripts.append(Scripted(when, status, body, dict(headers or {}), times))

    # --- what was asked ----------------------------------------------------------------

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def data_requests(self) -> list[RecordedRequest]:
        with self._lock:
            return [request for request in self.requests if request.is_data]

    # --- answering ---------------------------------------------------------------------

    def _scripted(self, request: RecordedRequest) -> Scripted | None:
        with self._lock:
            for script in self.scripts:
                if script.times != 0 and script.when(request):
                    if script.times is not None:
                        script.times -= 1
                    return script
        return None

    def _answer(self, request: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        script = self._scripted(request)
        if script is not None:
            return script.status, script.headers, script.body
        parts = [part for part in request.path.split("/") if part]
        if not parts or parts[0] != "v3" or len(parts) < 2:
            return _error(404, "no such route")
        try:
            resource, segments = parts[1], _segments(parts[2:])
        except ValueError as exc:
            return _error(404 if "route" in str(exc) else 400, str(exc))
        try:
            per_page = int(request.query.get("per_page", MAX_PER_PAGE))
            page = int(request.query.get("page", 1))
        except ValueError:
            return _error(400, "per_page and page must be integers")
        if not 1 <= per_page <= MAX_PER_PAGE or page < 1:
            return _error(400, f"per_page must be 1-{MAX_PER_PAGE}, page 1 or more")
        values = self._select(resource, segments, request.query.get("from_date"))
        if values is None:
            return _error(404, "no such route")
        size = min(per_page, self.page_size)
        chunk = values[(page - 1) * size : page * size]
        more = page * size < len(values)
        body = {
            "count": len(chunk),
            "values": chunk,
            self.next_key: self._link(request, page + 1) if more else None,
            self.next_key.replace("next", "previous"): (
                self._link(request, page - 1) if page > 1 else None
            ),
        }
        return 200, {}, json.dumps(body, ensure_ascii=False).encode("utf-8")

    def _link(self, request: RecordedRequest, page: int) -> str:
        query = dict(request.query) | {"page": str(page)}
        return f"{self.origin}{request.path}?{urlencode(query)}"

    def _select(
        self, resource: str, segments: dict[str, list[str]], from_date: str | None
    ) -> list[Any] | None:
        ids = segments.get("")
        listings = {
            "kpi": self.kpis,
            "municipality": self.municipalities,
            "kpi_groups": self.groups,
            "municipality_groups": self.municipality_groups,
        }
        if resource in listings and set(segments) <= {""}:
            return [entry for entry in listings[resource] if ids is None or entry.get("id") in ids]
        if resource != "data" or len(segments) < 2 or "" in segments:
            return None
        since = dt.date.fromisoformat(from_date) if from_date else None
        with self._lock:
            items = list(self.items)
        kpis, areas, years = (segments.get(k) for k in ("kpi", "municipality", "year"))
        matching = [
            entry
            for entry in items
            if _matches(entry.item, "kpi", kpis) and _matches(entry.item, "period", years)
        ]
        found = [
            entry.item
            for entry in matching
            if (since is None or entry.changed >= since)
            and _matches(entry.item, "municipality", areas)
        ]
        groups = {group.get("id"): group for group in self.municipality_groups}
        wanted = {area: _member_ids(groups[area]) for area in areas or () if area in groups}
        if wanted:
            found.extend(_group_means(wanted, matching, since))
        return found


def _member_ids(group: dict[str, Any]) -> set[str]:
    return {member.get("member_id") for member in group.get("members", ())}


def _group_means(
    groups: dict[str, set[str]], items: Iterable[_Item], since: dt.date | None
) -> list[dict[str, Any]]:
    """The groups' data items: per group, KPI and year, each gender's unweighted mean of the
    members' values and the number of members that reported."""
    groups_of: dict[str, list[str]] = {}
    for group_id, members in groups.items():
        for member in members:
            groups_of.setdefault(member, []).append(group_id)
    reported: dict[tuple[str, str, int], dict[str, list[float]]] = {}
    changed: dict[tuple[str, str, int], dt.date] = {}
    for entry in items:
        item = entry.item
        if not isinstance(item, dict) or item.get("municipality") not in groups_of:
            continue
        for group_id in groups_of[item["municipality"]]:
            key = (group_id, item["kpi"], item["period"])
            changed[key] = max(changed.get(key, entry.changed), entry.changed)
            by_gender = reported.setdefault(key, {})
            for one in item.get("values", ()):
                if one.get("value") is not None and not one.get("isdeleted"):
                    by_gender.setdefault(one["gender"], []).append(one["value"])
    return [
        {
            "kpi": kpi,
            "municipality": group_id,
            "period": year,
            "values": [
                value(gender, sum(numbers) / len(numbers), count=len(numbers))
                for gender, numbers in sorted(
                    by_gender.items(), key=lambda pair: "TKM".index(pair[0])
                )
            ],
        }
        for (group_id, kpi, year), by_gender in reported.items()
        if by_gender and (since is None or changed[(group_id, kpi, year)] >= since)
    ]


def _matches(item: Any, key: str, wanted: list[str] | None) -> bool:
    if wanted is None or not isinstance(item, dict):
        return True
    return key not in item or str(item[key]) in wanted


def _segments(parts: list[str]) -> dict[str, list[str]]:
    """``["N1,N2"]`` → ``{"": [...]}``; ``["kpi", "N1", "year", "2020"]`` → by name."""
    if len(parts) == 1:
        named = {"": parts[0].split(",")}
    elif len(parts) % 2 == 0:
        named = {parts[i]: parts[i + 1].split(",") for i in range(0, len(parts), 2)}
        if not set(named) <= {"kpi", "municipality", "year"}:
            raise ValueError("no such route")
    else:
        raise ValueError("no such route")
    for name, ids in named.items():
        if len(ids) > MAX_IDS:
            raise ValueError(f"at most {MAX_IDS} ids in {name or 'the id list'}, got {len(ids)}")
    return named


def _error(status: int, message: str) -> tuple[int, dict[str, str], bytes]:
    return status, {}, json.dumps({"error": message}).encode()


class _Handler(BaseHTTPRequestHandler):
    kolada: KoladaServer

    def do_GET(self) -> None:
        if self.kolada.latency:
            time.sleep(self.kolada.latency)
        url = urlsplit(self.path)
        request = RecordedRequest(
            path=url.path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers={key.lower(): value for key, value in self.headers.items()},
        )
        status, headers, body = self.kolada._answer(request)
        with self.kolada._lock:
            self.kolada.requests.append(
                RecordedRequest(request.path, request.query, request.headers, status)
            )
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


# --- content builders --------------------------------------------------------------------


def default_municipalities() -> list[dict[str, Any]]:
    """The 17 default areas as Kolada describes them."""
    return [
        {"id": area_id, "title": title, "type": area_type}
        for area_id, (title, area_type) in DEFAULT_AREAS.items()
    ]


def kpi_item(kpi_id: str, title: str, *, divided: bool = False, **extra: Any) -> dict[str, Any]:
    """A KPI item in v3's shape."""
    return {
        "id": kpi_id,
        "title": title,
        "description": f"Beskrivning av {kpi_id}.",
        "is_divided_by_gender": divided,
        "municipality_type": "A",
        "auspice": "X",
        "operating_area": "Miljö",
        "perspective": "Resultat",
        "prel_publication_date": None,
        "publication_date": "2026-03-01",
        "publ_period": "2025",
        "has_ou_data": False,
    } | extra


def value(
    gender: str = "T",
    number: float | None = 1.0,
    *,
    status: str = "",
    count: int = 1,
    deleted: bool = False,
) -> dict[str, Any]:
    """One value of a data item in v3's shape."""
    return {
        "gender": gender,
        "count": count,
        "status": status,
        "value": number,
        "isdeleted": deleted,
    }


def synthetic_number(kpi_index: int, area_index: int, year: int, gender: str) -> float:
    """The generated value of one KPI, area, year and gender."""
    return kpi_index * 10 + area_index + (year - 1990) / 100 + "TKM".index(gender) / 1000


def generate_dataset(
    server: KoladaServer,
    *,
    kpi_count: int,
    years: Sequence[int],
    divided_every: int = 5,
    area_ids: Sequence[str] | None = None,
) -> list[str]:
    """Fill the server with generated KPIs (every ``divided_every``-th by gender) and values;
    returns the KPI ids."""
    area_ids = list(DEFAULT_AREAS) if area_ids is None else list(area_ids)
    kpi_ids = [f"N{90000 + index:05d}" for index in range(kpi_count)]
    server.kpis = [
        kpi_item(
            kpi_id,
            f"Genererat nyckeltal {index} för Dalarnas kommuner, andel (%)",
            divided=index % divided_every == 0,
        )
        for index, kpi_id in enumerate(kpi_ids)
    ]
    items = []
    for kpi_index, kpi_id in enumerate(kpi_ids):
        genders = "TKM" if kpi_index % divided_every == 0 else "T"
        for area_index, area_id in enumerate(area_ids):
            for year in years:
                values = [
                    value(g, synthetic_number(kpi_index, area_index, year, g)) for g in genders
                ]
                items.append(
                    _Item(
                        {"kpi": kpi_id, "municipality": area_id, "period": year, "values": values},
                        OLD_DATE,
                    )
                )
    server.items = items
    return kpi_ids


def municipality_group(
    group_id: str, title: str, members: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    """A municipality group item in v3's shape; ``members`` as (code, name)."""
    return {
        "id": group_id,
        "title": title,
        "members": [{"member_id": code, "member_title": name} for code, name in members],
    }


def similar_group(
    group_id: str, municipality: str, year: int, members: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    """RKA's overall similar municipalities of one municipality, as Kolada titles them."""
    title = f"Liknande kommuner, övergripande, {municipality}, {year}"
    return municipality_group(group_id, title, members)


#: Kolada's ids of SKR's nine municipality groups and SKR's names of them.
SKR_GROUP_NAMES: dict[str, str] = {
    "G92786": "Lågpendlingskommun nära större stad",
    "G92787": "Storstäder",
    "G92788": "Mindre stad/tätort",
    "G92789": "Pendlingskommun nära mindre tätort",
    "G92790": "Större stad",
    "G92791": "Landsbygdskommun, ej nära större stad",
    "G92792": "Pendlingskommun nära större stad",
    "G92793": "Pendlingskommun nära storstad",
    "G92794": "Landsbygdskommun med besöksnäring",
}


def generate_groups(
    municipalities: dict[str, str], *, peers: int = 84, per_group: int = 7, year: int = 2025
) -> list[dict[str, Any]]:
    """Groups shaped like Kolada's for one county's ``municipalities`` (code → name):

    - each municipality's similar municipalities of ``year`` (``G37001``…): ``per_group - 1``
      drawn in turn from ``peers`` generated municipalities ``1001``… (another county), all
      of them used, and the next municipality of the county; and an older set of
      ``year - 1`` (``G36001``…);
    - a set of similar municipalities for one area only (``G35001``…), not the overall one;
    - SKR's nine groups (:data:`SKR_GROUP_NAMES`);
    - ``G33627``, the county's municipalities, and ``G33612``, another county's.
    """
    pool = [(f"{1001 + index}", f"Jämförelsekommun {index + 1}") for index in range(peers)]
    own = list(municipalities.items())
    groups = []
    for index, (_code, name) in enumerate(own):
        members = [pool[(index * (per_group - 1) + turn) % peers] for turn in range(per_group - 1)]
        members.append(own[(index + 1) % len(own)])
        groups.append(similar_group(f"G{37001 + index}", name, year, members))
        groups.append(similar_group(f"G{36001 + index}", name, year - 1, pool[:per_group]))
        title = f"Liknande kommuner grundskola, {name}, {year}"
        groups.append(municipality_group(f"G{35001 + index}", title, pool[:3]))
    for index, (group_id, name) in enumerate(SKR_GROUP_NAMES.items()):
        members = own[index::9] + pool[index::9]
        groups.append(municipality_group(group_id, f"{name} (ovägt medel)", members))
    groups.append(municipality_group("G33627", "Dalarnas läns kommuner (ovägt medel)", own))
    groups.append(municipality_group("G33612", "Stockholms läns kommuner (ovägt medel)", pool[:5]))
    return groups
