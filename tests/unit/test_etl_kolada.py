"""The Kolada HTTP client: URLs and chunking, settings, politeness, paging, retries, errors."""

from __future__ import annotations

import datetime as dt
import re
import socket
from collections.abc import Iterator

import pytest
import urllib3.util.retry

from etl.config import DEFAULT_BASE_URL, USER_AGENT, KoladaSettings
from etl.kolada import (
    KoladaClient,
    KoladaError,
    RateLimiter,
    build_url,
    chunked,
    data_paths,
    fetch_areas,
    fetch_group_members,
    fetch_kpis,
    fetch_municipality_groups,
    fetch_observations,
    id_segment,
    next_page_url,
)
from etl.transform import KoladaFormatError
from tests.support.kolada_server import KoladaServer, kpi_item, value


@pytest.fixture
def server() -> Iterator[KoladaServer]:
    with KoladaServer() as running:
        yield running


def fast_client(base_url: str, **settings) -> KoladaClient:
    """A client without real waiting: tiny backoff, a generous rate."""
    options = {"retries": 2, "backoff_factor": 0.01, "requests_per_second": 1000.0} | settings
    return KoladaClient(KoladaSettings(base_url=base_url, **options))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- URLs and chunks -----------------------------------------------------------------------


def test_chunks_of_at_most_25_in_order():
    ids = [f"N{i:05d}" for i in range(60)]
    chunks = chunked(ids)
    assert [len(chunk) for chunk in chunks] == [25, 25, 10]
    assert [i for chunk in chunks for i in chunk] == ids
    assert chunked([]) == []


def test_id_segment_refuses_long_lists_and_odd_ids():
    assert id_segment(["N00401", "N07702"]) == "N00401,N07702"
    assert id_segment(range(2000, 2025)).count(",") == 24
    with pytest.raises(ValueError, match="at most 25 ids"):
        id_segment([str(i) for i in range(26)])
    with pytest.raises(ValueError, match="not a Kolada id"):
        id_segment(["N00401/../kpi"])
    with pytest.raises(ValueError, match="at least one id"):
        id_segment([])


def test_data_paths_cover_every_kpi_and_area_in_segments_of_25():
    kpis = [f"N{i:05d}" for i in range(90)]
    areas = [f"{2000 + i}" for i in range(17)]
    paths = data_paths(kpis, areas)
    assert len(paths) == 4  # ceil(90 / 25) × 1 area segment
    seen = []
    for path in paths:
        assert path.startswith("data/kpi/")
        _, _, kpi_segment, _, area_segment = path.split("/")
        assert len(kpi_segment.split(",")) <= 25
        assert area_segment.split(",") == areas
        seen += kpi_segment.split(",")
    assert seen == kpis


def test_data_paths_with_years_and_many_areas():
    paths = data_paths(["N00401", "N00401"], [f"{1000 + i}" for i in range(30)], range(1990, 2020))
    # one KPI (the duplicate dropped) × 2 area segments × 2 year segments (25 + 5)
    assert len(paths) == 4
    assert paths[0] == (
        "data/kpi/N00401/municipality/"
        + ",".join(str(1000 + i) for i in range(25))
        + "/year/"
        + ",".join(str(y) for y in range(1990, 2015))
    )
    assert paths[3].endswith("/year/2015,2016,2017,2018,2019")


def test_urls_and_next_links():
    assert build_url("https://api.kolada.se/v3/", "/kpi/N00401") == (
        "https://api.kolada.se/v3/kpi/N00401"
    )
    assert build_url(DEFAULT_BASE_URL, "data/kpi/N1/municipality/0020", {"per_page": 5000}) == (
        "https://api.kolada.se/v3/data/kpi/N1/municipality/0020?per_page=5000"
    )
    assert build_url("http://h/v3", "kpi", {"from_date": None}) == "http://h/v3/kpi"
    params = {"per_page": 5000, "from_date": "2025-03-01"}
    # A link that dropped from_date gets it back; what the link says is kept.
    assert next_page_url("http://h/v3/data/x?per_page=5000", "/v3/data/x?page=2", params) == (
        "http://h/v3/data/x?page=2&per_page=5000&from_date=2025-03-01"
    )
    assert next_page_url("http://h/v3/a", "http://k/v3/a?page=3&per_page=10", params) == (
        "http://k/v3/a?page=3&per_page=10&from_date=2025-03-01"
    )


# --- settings ------------------------------------------------------------------------------


def test_settings_from_environment_and_explicit_arguments_win():
    environ = {"KOLADA_BASE_URL": "http://env.example/v3", "KOLADA_TIMEOUT": "7.5"}
    assert KoladaSettings.from_env({}).base_url == "https://api.kolada.se/v3"
    from_env = KoladaSettings.from_env(environ)
    assert (from_env.base_url, from_env.timeout) == ("http://env.example/v3", 7.5)
    explicit = KoladaSettings.from_env(environ, base_url="http://arg.example/v3", timeout=None)
    assert (explicit.base_url, explicit.timeout) == ("http://arg.example/v3", 7.5)


def test_settings_refuse_bad_values():
    with pytest.raises(ValueError, match="KOLADA_RETRIES='many'"):
        KoladaSettings.from_env({"KOLADA_RETRIES": "many"})
    with pytest.raises(ValueError, match="http"):
        KoladaSettings(base_url="api.kolada.se/v3")
    with pytest.raises(ValueError, match="per_page"):
        KoladaSettings(per_page=5001)


def test_client_uses_base_url_from_environment(server, monkeypatch):
    monkeypatch.setenv("KOLADA_BASE_URL", server.base_url)
    monkeypatch.setenv("KOLADA_REQUESTS_PER_SECOND", "1000")
    server.kpis = [kpi_item("N00401", "Utsläpp, ton CO2-ekv/inv")]
    with KoladaClient() as client:
        assert [row["id"] for row in fetch_kpis(client, ["N00401"])] == ["N00401"]
    assert server.requests[0].path == "/v3/kpi/N00401"


# --- politeness ----------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_rate_limiter_spaces_calls():
    clock = FakeClock()
    limiter = RateLimiter(5, clock=clock, sleep=clock.sleep)
    for _ in range(4):
        limiter.wait()
    assert clock.slept == pytest.approx([0.2, 0.2, 0.2])
    clock.now += 1.0  # idle for a while: the next call may go at once
    limiter.wait()
    assert len(clock.slept) == 3
    clock.now += 0.05
    limiter.wait()
    assert clock.slept[-1] == pytest.approx(0.15)


class CountingLimiter(RateLimiter):
    def __init__(self) -> None:
        super().__init__(1000)
        self.waits = 0

    def wait(self) -> None:
        self.waits += 1
        super().wait()


def test_every_attempt_waits_for_the_limiter_and_is_counted(server):
    server.kpis = [kpi_item("N00401", "Utsläpp, ton CO2-ekv/inv")]
    server.respond(when=lambda r: r.path == "/v3/kpi/N00401", status=503, times=2)
    limiter = CountingLimiter()
    settings = KoladaSettings(base_url=server.base_url, retries=3, backoff_factor=0.01)
    with KoladaClient(settings, limiter=limiter) as client:
        list(fetch_kpis(client, ["N00401"]))
        assert client.requests_made == 3
    assert limiter.waits == 3
    assert [r.status for r in server.requests] == [503, 503, 200]


def test_requests_identify_the_dashboard(server):
    with fast_client(server.base_url) as client:
        client.get_page(client.url("kpi"))
    headers = server.requests[0].headers
    assert headers["user-agent"] == USER_AGENT
    assert "dalarna-hallbarhet-dashboard" in USER_AGENT
    assert headers["accept"] == "application/json"


def test_every_request_has_a_timeout(server):
    server.latency = 1.0
    client = fast_client(server.base_url, timeout=0.2, retries=0)
    with client, pytest.raises(KoladaError, match=r"/v3/kpi: .*Timeout"):
        client.get_page(client.url("kpi"))


# --- paging --------------------------------------------------------------------------------


def test_follows_next_url_over_several_pages(server):
    server.page_size = 2
    for year in range(2018, 2023):
        server.put("N00401", "2080", year, [value("T", year - 2000)])
    with fast_client(server.base_url) as client:
        values = list(fetch_observations(client, ["N00401"], ["2080"]))
        assert client.requests_made == 3
    assert [(v.year, v.value) for v in values] == [(y, y - 2000.0) for y in range(2018, 2023)]
    assert [r.query.get("page") for r in server.requests] == [None, "2", "3"]
    assert {r.query["per_page"] for r in server.requests} == {"5000"}
    assert {r.path for r in server.requests} == {"/v3/data/kpi/N00401/municipality/2080"}


def test_follows_v2_next_page(server):
    server.page_size = 1
    server.next_key = "next_page"
    server.put("N00401", "2080", 2020, [value()])
    server.put("N00401", "2080", 2021, [value()])
    with fast_client(server.base_url) as client:
        values = list(fetch_observations(client, ["N00401"], ["2080"]))
    assert [v.year for v in values] == [2020, 2021]
    assert server.request_count == 2


def test_stops_at_an_empty_page_even_with_a_next_link(server):
    link = f"{server.base_url}/data/kpi/N00401/municipality/2080?page=2"
    server.respond(body={"count": 0, "values": [], "next_url": link}, times=None)
    with fast_client(server.base_url) as client:
        assert list(fetch_observations(client, ["N00401"], ["2080"])) == []
    assert server.request_count == 1


def test_a_next_link_back_to_a_read_page_is_refused(server):
    url = f"{server.base_url}/data/kpi/N00401/municipality/2080?per_page=5000"
    page = {"count": 1, "values": [], "next_url": url}
    page["values"] = [{"kpi": "N00401", "municipality": "2080", "period": 2020, "values": []}]
    server.respond(body=page, times=None)
    with fast_client(server.base_url) as client, pytest.raises(KoladaFormatError, match="next_url"):
        list(fetch_observations(client, ["N00401"], ["2080"]))
    assert server.request_count == 1


def test_incremental_requests_send_from_date(server):
    server.put("N00401", "2080", 2020, [value()], changed=dt.date(2025, 1, 1))
    server.put("N00401", "2080", 2021, [value()], changed=dt.date(2025, 3, 2))
    with fast_client(server.base_url) as client:
        values = list(
            fetch_observations(client, ["N00401"], ["2080"], from_date=dt.date(2025, 3, 1))
        )
    assert [v.year for v in values] == [2021]
    assert server.requests[0].query == {"per_page": "5000", "from_date": "2025-03-01"}


def test_metadata_requests_are_chunked(server):
    ids = [f"N{i:05d}" for i in range(60)]
    server.kpis = [kpi_item(i, f"Nyckeltal {i}, antal") for i in ids]
    with fast_client(server.base_url) as client:
        rows = list(fetch_kpis(client, ids))
    assert [row["id"] for row in rows] == ids
    assert [r.status for r in server.requests] == [200, 200, 200]
    assert [len(r.path.rsplit("/", 1)[1].split(",")) for r in server.requests] == [25, 25, 10]


def test_areas_all_or_by_id_and_group_members(server):
    server.groups = [
        {
            "id": "G2KPI130255",
            "title": "Agenda 2030 - Kommun",
            "members": [{"member_id": "N00401", "member_title": "Utsläpp"}],
        }
    ]
    with fast_client(server.base_url) as client:
        everything = list(fetch_areas(client))
        two = list(fetch_areas(client, ["2080", "0020"]))
        members = fetch_group_members(client, "G2KPI130255")
        with pytest.raises(KoladaError, match="no KPI group 'G404'"):
            fetch_group_members(client, "G404")
    assert len(everything) == 17
    assert [(a["id"], a["title"], a["county"]) for a in two] == [
        ("2080", "Falun", "20"),
        ("0020", "Region Dalarna", "20"),
    ]
    assert members == ["N00401"]
    assert [r.path for r in server.requests] == [
        "/v3/municipality",
        "/v3/municipality/2080,0020",
        "/v3/kpi_groups/G2KPI130255",
        "/v3/kpi_groups/G404",
    ]


# --- retries and errors --------------------------------------------------------------------


def test_429_waits_for_retry_after_then_succeeds(server, monkeypatch):
    slept: list[float] = []
    real_sleep = urllib3.util.retry.time.sleep

    def recording_sleep(seconds: float) -> None:
        slept.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(urllib3.util.retry.time, "sleep", recording_sleep)
    server.put("N00401", "2080", 2020, [value("T", 3.5)])
    server.respond(status=429, headers={"Retry-After": "1"}, body={"error": "slow down"})
    with fast_client(server.base_url) as client:
        values = list(fetch_observations(client, ["N00401"], ["2080"]))
        assert client.requests_made == 2
    assert [v.value for v in values] == [3.5]
    assert [r.status for r in server.requests] == [429, 200]
    assert slept == [1]


def test_503_is_retried(server):
    server.put("N00401", "2080", 2020, [value("T", 3.5)])
    server.respond(status=503, body="Service Unavailable")
    with fast_client(server.base_url) as client:
        assert [v.value for v in fetch_observations(client, ["N00401"], ["2080"])] == [3.5]
        assert client.requests_made == 2
    assert [r.status for r in server.requests] == [503, 200]


def test_persistent_500_fails_after_the_retries(server):
    server.respond(status=500, body={"error": "boom"}, times=None)
    with fast_client(server.base_url, retries=2) as client:
        url = client.url("kpi/N00401")
        with pytest.raises(KoladaError) as caught:
            client.get_page(url)
        assert client.requests_made == 3
    assert str(caught.value) == f"{url}: HTTP 500 Internal Server Error"
    assert server.request_count == 3


def test_client_errors_are_not_retried(server):
    with fast_client(server.base_url) as client, pytest.raises(KoladaError, match="HTTP 400"):
        client.get_page(client.url("kpi/" + ",".join(f"N{i:05d}" for i in range(26))))
    assert server.request_count == 1


def test_body_that_is_not_json(server):
    server.respond(body="<html>Bad gateway</html>")
    with fast_client(server.base_url) as client:
        url = client.url("kpi")
        with pytest.raises(KoladaFormatError) as caught:
            client.get_page(url)
    assert str(caught.value).startswith(f"{url}: body: expected JSON, got '<html>Bad gateway")


def test_envelope_without_values(server):
    server.respond(body={"count": 0, "next_url": None})
    with fast_client(server.base_url) as client:
        url = client.url("kpi")
        with pytest.raises(KoladaFormatError, match=f"^{re.escape(url)}: values: expected a list"):
            client.get_page(url)


def test_unreachable_server():
    base_url = f"http://127.0.0.1:{free_port()}/v3"
    with fast_client(base_url, retries=1) as client:
        with pytest.raises(KoladaError, match=r"^http://127\.0\.0\.1:\d+/v3/kpi: ConnectionError"):
            client.get_page(client.url("kpi"))
        assert client.requests_made == 2


def test_municipality_groups_with_members_and_errors_that_name_the_item(server):
    server.municipality_groups = [
        {
            "id": "G33627",
            "title": "Dalarnas läns kommuner (ovägt medel)",
            "members": [
                {"member_id": "2021", "member_title": "Vansbro"},
                {"member_id": "2080", "member_title": "Falun"},
            ],
        }
    ]
    with fast_client(server.base_url) as client:
        (group,) = fetch_municipality_groups(client)
        assert (group.id, [m.title for m in group.members]) == ("G33627", ["Vansbro", "Falun"])
        server.municipality_groups.append(
            {"id": "G1", "title": "Trasig", "members": [{"member_id": "N00401"}]}
        )
        with pytest.raises(KoladaFormatError) as caught:
            list(fetch_municipality_groups(client))
    assert re.search(
        r"/v3/municipality_groups\?per_page=5000: values\[1\]\.members\[0\]\.member_id: "
        r"expected a four-digit municipality code, got 'N00401'",
        str(caught.value),
    )
