"""Kolada's REST API v3: a polite HTTP client and the ``fetch_*`` generators built on it.

One :class:`requests.Session` carries every request: urllib3 retries (HTTP 429 honouring
``Retry-After``, 5xx and network errors, exponential backoff), a timeout on every request,
a descriptive User-Agent and a rate limit counted per attempt, retries included.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from etl.config import MAX_IDS_PER_SEGMENT, KoladaSettings
from etl.transform import (
    DataValue,
    KoladaFormatError,
    KoladaGroup,
    Page,
    parse_area,
    parse_data_item,
    parse_group_members,
    parse_kpi,
    parse_municipality_group,
    parse_page,
)

log = logging.getLogger(__name__)

RETRY_STATUSES = (429, 500, 502, 503, 504)
_ID = re.compile(r"[A-Za-z0-9]+")


class KoladaError(RuntimeError):
    """A request to Kolada failed: network error, or an HTTP error status after retries."""


# --- URLs --------------------------------------------------------------------------------


def unique(ids: Iterable[str]) -> list[str]:
    """The ids in their first order, each once."""
    return list(dict.fromkeys(ids))


def chunked(ids: Sequence[str], size: int = MAX_IDS_PER_SEGMENT) -> list[tuple[str, ...]]:
    """Split ids into runs of at most ``size`` (Kolada's limit per path segment)."""
    if size < 1:
        raise ValueError(f"chunk size must be positive, got {size}")
    return [tuple(ids[start : start + size]) for start in range(0, len(ids), size)]


def id_segment(ids: Sequence[str | int]) -> str:
    """A comma-separated path segment of 1–25 ids, each letters and digits only."""
    texts = [str(i) for i in ids]
    if not texts:
        raise ValueError("a path segment needs at least one id")
    if len(texts) > MAX_IDS_PER_SEGMENT:
        raise ValueError(f"at most {MAX_IDS_PER_SEGMENT} ids per path segment, got {len(texts)}")
    for text in texts:
        if not _ID.fullmatch(text):
            raise ValueError(f"not a Kolada id (letters and digits only): {text!r}")
    return ",".join(texts)


def data_paths(
    kpi_ids: Sequence[str], area_ids: Sequence[str], years: Sequence[int] | None = None
) -> list[str]:
    """The data paths covering every KPI × area (× year), each id list chunked to ≤ 25.

    Without years the paths ask for all years: ``data/kpi/{kpis}/municipality/{areas}``.
    """
    kpi_ids, area_ids = unique(kpi_ids), unique(area_ids)
    if not kpi_ids or not area_ids:
        raise ValueError("data paths need at least one KPI and one area")
    year_ids = None if years is None else unique(str(year) for year in years)
    if year_ids == []:
        raise ValueError("data paths need at least one year when years are given")
    paths = []
    for kpis in chunked(kpi_ids):
        for areas in chunked(area_ids):
            base = f"data/kpi/{id_segment(kpis)}/municipality/{id_segment(areas)}"
            if year_ids is None:
                paths.append(base)
            else:
                paths.extend(f"{base}/year/{id_segment(chunk)}" for chunk in chunked(year_ids))
    return paths


def build_url(base_url: str, path: str, params: Mapping[str, Any] | None = None) -> str:
    """``base_url`` + ``path`` + the query string of ``params`` (``None`` values left out)."""
    url = f"{base_url.rstrip('/')}/{path.lstrip('/')}"
    query = {k: v for k, v in (params or {}).items() if v is not None}
    return f"{url}?{urlencode(query)}" if query else url


def next_page_url(current_url: str, next_url: str, params: Mapping[str, Any]) -> str:
    """The absolute URL of the next page, keeping query parameters the link may have dropped."""
    absolute = urljoin(current_url, next_url)
    parts = urlsplit(absolute)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in params.items():
        if value is not None:
            query.setdefault(key, str(value))
    return urlunsplit(parts._replace(query=urlencode(query)))


# --- politeness --------------------------------------------------------------------------


class RateLimiter:
    """At most ``per_second`` calls of :meth:`wait` per second; it sleeps as needed."""

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError(f"rate must be positive, got {per_second}")
        self.interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._next_allowed: float | None = None
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            if self._next_allowed is not None and now < self._next_allowed:
                self._sleep(self._next_allowed - now)
                now = max(self._clock(), self._next_allowed)
            self._next_allowed = now + self.interval


class _AttemptRetry(Retry):
    """urllib3's Retry, telling the client before each repeated attempt (after the backoff)."""

    def __init__(self, *args: Any, before_attempt: Callable[[], None] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.before_attempt = before_attempt

    def new(self, **kw: Any) -> _AttemptRetry:
        retry = super().new(**kw)
        retry.before_attempt = self.before_attempt
        return retry

    def sleep(self, response: Any = None) -> None:
        super().sleep(response)
        if self.before_attempt is not None:
            self.before_attempt()


class _PoliteAdapter(HTTPAdapter):
    """An adapter telling the client before each first attempt of a request."""

    def __init__(self, before_attempt: Callable[[], None], **kw: Any) -> None:
        self.before_attempt = before_attempt
        super().__init__(**kw)

    def send(self, request: requests.PreparedRequest, *args: Any, **kw: Any) -> requests.Response:
        self.before_attempt()
        return super().send(request, *args, **kw)


# --- the client --------------------------------------------------------------------------


class KoladaClient:
    """Pages from Kolada, politely; :attr:`requests_made` counts every attempt."""

    def __init__(
        self, settings: KoladaSettings | None = None, *, limiter: RateLimiter | None = None
    ) -> None:
        self.settings = settings or KoladaSettings.from_env()
        self.limiter = limiter or RateLimiter(self.settings.requests_per_second)
        self.requests_made = 0
        retry = _AttemptRetry(
            total=self.settings.retries,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            backoff_factor=self.settings.backoff_factor,
            respect_retry_after_header=True,
            raise_on_status=False,
            before_attempt=self._before_attempt,
        )
        adapter = _PoliteAdapter(self._before_attempt, max_retries=retry)
        self.session = requests.Session()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update(
            {"User-Agent": self.settings.user_agent, "Accept": "application/json"}
        )

    def _before_attempt(self) -> None:
        self.limiter.wait()
        self.requests_made += 1

    def __enter__(self) -> KoladaClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        return build_url(self.settings.base_url, path, params)

    def get_page(self, url: str) -> Page:
        """One page (one request, plus retries); errors name the URL."""
        log.debug("GET %s", url)
        try:
            response = self.session.get(url, timeout=self.settings.timeout)
            response.raise_for_status()
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else "?"
            reason = exc.response.reason if exc.response is not None else ""
            raise KoladaError(f"{url}: HTTP {status} {reason}".rstrip()) from exc
        except requests.RequestException as exc:
            raise KoladaError(f"{url}: {type(exc).__name__}: {exc}") from exc
        try:
            body = response.json()
        except ValueError as exc:
            raise KoladaFormatError(
                url, "body", "JSON", response.text[:40], detail=str(exc)
            ) from exc
        return parse_page(body, url)

    def pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Page]:
        """Every page of a listing: follows ``next_url`` until it is absent or a page is empty."""
        params = dict(params or {})
        url: str | None = self.url(path, params)
        seen: set[str] = set()
        while url is not None:
            if url in seen:
                raise KoladaFormatError(url, "next_url", "a page not already read", url)
            seen.add(url)
            page = self.get_page(url)
            yield page
            if not page.values or page.next_url is None:
                return
            url = next_page_url(url, page.next_url, params)


# --- extract -----------------------------------------------------------------------------


def _items(pages: Iterable[Page]) -> Iterator[tuple[Page, int, Any]]:
    for page in pages:
        for index, item in enumerate(page.values):
            yield page, index, item


def fetch_kpis(client: KoladaClient, kpi_ids: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Kolada's description of each KPI (one request per 25 ids) as Kpi row values."""
    for chunk in chunked(unique(kpi_ids)):
        for page, index, item in _items(client.pages(f"kpi/{id_segment(chunk)}")):
            yield parse_kpi(item, page.source, f"values[{index}]")


def fetch_areas(
    client: KoladaClient, area_ids: Sequence[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Areas as Area row values: the given ids (one request per 25), or every area Kolada lists."""
    paths = (
        ["municipality"]
        if area_ids is None
        else [f"municipality/{id_segment(chunk)}" for chunk in chunked(unique(area_ids))]
    )
    for path in paths:
        for page, index, item in _items(client.pages(path)):
            yield parse_area(item, page.source, f"values[{index}]")


def fetch_group_members(client: KoladaClient, group_id: str) -> list[str]:
    """The KPI ids of a Kolada KPI group (``/kpi_groups/{id}``)."""
    members: list[str] = []
    found = False
    for page, index, item in _items(client.pages(f"kpi_groups/{id_segment([group_id])}")):
        found = True
        members.extend(parse_group_members(item, page.source, f"values[{index}]"))
    if not found:
        raise KoladaError(f"{client.url(f'kpi_groups/{group_id}')}: no KPI group {group_id!r}")
    return unique(members)


def fetch_municipality_groups(client: KoladaClient) -> Iterator[KoladaGroup]:
    """Every municipality group Kolada lists, with its members (``/municipality_groups``,
    every page; Kolada's about 3,600 groups fit on one page of 5,000)."""
    params = {"per_page": client.settings.per_page}
    for page, index, item in _items(client.pages("municipality_groups", params)):
        yield parse_municipality_group(item, page.source, f"values[{index}]")


def fetch_observations(
    client: KoladaClient,
    kpi_ids: Sequence[str],
    area_ids: Sequence[str],
    *,
    years: Sequence[int] | None = None,
    from_date: dt.date | None = None,
    on_path_done: Callable[[int, int], None] | None = None,
) -> Iterator[DataValue]:
    """Every value of the KPIs × areas (× years), changed since ``from_date`` when given."""
    params = {
        "per_page": client.settings.per_page,
        "from_date": from_date.isoformat() if from_date else None,
    }
    paths = data_paths(kpi_ids, area_ids, years)
    for done, path in enumerate(paths, start=1):
        for page, index, item in _items(client.pages(path, params)):
            yield from parse_data_item(item, page.source, f"values[{index}]")
        if on_path_done is not None:
            on_path_done(done, len(paths))
