"""Compression and browser caching of responses (transfer.py): pages, callback answers and
bundles are compressed for a browser that accepts brotli or gzip and unchanged for one that
does not; versioned bundles are cached for a year, pages and answers never; streams stay
streams and downloads are compressed piece by piece."""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib

import brotli
import pytest
from dash import Dash, html
from flask import Response, stream_with_context

import transfer
from transfer import IMMUTABLE, NOT_STORED, REVALIDATE, BundleCache, add_compression_and_caching

BROWSER = "gzip, deflate, br, zstd"
PLAIN_HTTP = "gzip, deflate"

#: Opens the overview's matrix (all indicators, national goals): the largest callback answer.
MATRIX_CALLBACK = {
    "output": "..oversikt-summary.children...oversikt-matrix.children..."
    'oversikt-fallback-legend.children...{"page":"oversikt","type":"export-selection"}.data..',
    "outputs": [
        {"id": "oversikt-summary", "property": "children"},
        {"id": "oversikt-matrix", "property": "children"},
        {"id": "oversikt-fallback-legend", "property": "children"},
        {"id": {"page": "oversikt", "type": "export-selection"}, "property": "data"},
    ],
    "inputs": [
        {"id": "oversikt-level", "property": "value", "value": "nationell"},
        {"id": "oversikt-sdg", "property": "value", "value": []},
        {"id": "oversikt-dimension", "property": "value", "value": []},
        {"id": "oversikt-view", "property": "value", "value": []},
        {"id": "oversikt-method", "property": "value", "value": "statistics_canada"},
    ],
    "changedPropIds": ["oversikt-level.value"],
    "state": [],
}


def decoded(response) -> bytes:
    """The body as the browser reads it, after undoing its Content-Encoding."""
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    assert encoding is None, encoding
    return body


def stable(body: bytes) -> bytes:
    """A page without Dash's configuration, which differs per request."""
    return re.sub(rb'<script id="_dash-config"[^<]*</script>', b"", body)


def fetch(client, url: str, encoding: str | None, **kwargs):
    headers = {} if encoding is None else {"Accept-Encoding": encoding}
    if "json" in kwargs:
        return client.post(url, headers=headers, **kwargs)
    return client.get(url, headers=headers, **kwargs)


@pytest.fixture(scope="module")
def urls(demo_app) -> dict[str, str]:
    """A fingerprinted component bundle, a stamped asset (plotly.js), the joined style sheet
    and script."""
    page = demo_app.server.test_client().get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    return {
        "bundle": next(s for s in scripts if "dash_core_components.v" in s),
        "plotly": next(s for s in scripts if s.startswith("/assets/") and "plotly" in s),
        "style": next(s for s in sheets if s.startswith("/_samlat/")),
        "script": next(s for s in scripts if s.startswith("/_samlat/")),
    }


# --- compression ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "expected"),
    [(BROWSER, "br"), ("br", "br"), (PLAIN_HTTP, "gzip"), ("gzip", "gzip")],
)
@pytest.mark.parametrize(
    "what", ["page", "layout", "dependencies", "callback", "bundle", "plotly", "style"]
)
def test_compressed_for_a_browser_that_accepts_it(client, urls, what, accepted, expected):
    url, kwargs = {
        "page": ("/", {}),
        "layout": ("/_dash-layout", {}),
        "dependencies": ("/_dash-dependencies", {}),
        "callback": ("/_dash-update-component", {"json": MATRIX_CALLBACK}),
    }.get(what, (urls.get(what), {}))
    plain = fetch(client, url, None, **kwargs)
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers
    packed = fetch(client, url, accepted, **kwargs)
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == expected
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.get_data())
    assert len(packed.get_data()) < len(plain.get_data()) / 2
    assert stable(decoded(packed)) == stable(plain.get_data())


@pytest.mark.parametrize("accepted", ["identity", "", "compress", "zstd"])
def test_not_compressed_for_a_browser_that_accepts_neither(client, urls, accepted):
    for url in ("/", urls["bundle"], urls["plotly"]):
        response = fetch(client, url, accepted)
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers, url


def test_the_callback_answer_is_compressed_and_the_same_json(client):
    plain = fetch(client, "/_dash-update-component", None, json=MATRIX_CALLBACK)
    packed = fetch(client, "/_dash-update-component", "br", json=MATRIX_CALLBACK)
    assert packed.headers["Content-Encoding"] == "br"
    assert json.loads(decoded(packed)) == plain.get_json()
    assert "oversikt-matrix" in plain.get_json()["response"]


def test_a_bundle_is_compressed_once_and_then_served_as_kept(client, urls, monkeypatch):
    first = fetch(client, urls["bundle"], "br")
    calls = []
    original = brotli.compress
    monkeypatch.setattr(brotli, "compress", lambda *a, **k: calls.append(1) or original(*a, **k))
    again = fetch(client, urls["bundle"], "br")
    assert calls == []  # from memory
    assert again.get_data() == first.get_data()
    # a callback answer is compressed anew every time: it follows its inputs
    fetch(client, "/_dash-update-component", "br", json=MATRIX_CALLBACK)
    assert calls == [1]


def test_the_bundle_cache_keeps_only_what_it_is_given_an_address_for():
    cache = BundleCache()
    cache.set("br;/_dash-component-suites/dash/x.js", b"a")
    cache.set("br;", b"b")  # an answer that is not to be kept
    assert cache.get("br;/_dash-component-suites/dash/x.js") == b"a"
    assert cache.get("br;") is None
    assert len(cache) == 1


def test_a_conditional_request_for_an_unversioned_bundle_gets_304(client):
    url = "/_dash-component-suites/dash/dcc/async-graph.js"
    first = fetch(client, url, "br")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == REVALIDATE
    etag = first.headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


# --- browser caching -----------------------------------------------------------------------


def test_versioned_bundles_and_stamped_assets_are_kept_for_a_year(client, urls):
    for url in (urls["bundle"], urls["plotly"], urls["style"]):
        response = fetch(client, url, BROWSER)
        assert response.headers["Cache-Control"] == IMMUTABLE, url
        assert IMMUTABLE == "public, max-age=31536000, immutable"


def test_an_asset_with_an_old_or_no_stamp_is_revalidated(client):
    path = "/assets/oversikt.css"
    for url in (path, f"{path}?m=1.0", f"{path}?m=", f"{path}?m=abc"):
        response = fetch(client, url, BROWSER)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache", url


@pytest.mark.parametrize(
    ("url", "kwargs"),
    [
        ("/", {}),
        ("/indikator/N00401", {}),
        ("/_dash-layout", {}),
        ("/_dash-dependencies", {}),
        ("/_dash-update-component", {"json": MATRIX_CALLBACK}),
        ("/finns-inte", {}),
    ],
)
def test_pages_and_answers_are_not_stored_by_the_browser(client, url, kwargs):
    response = fetch(client, url, BROWSER, **kwargs)
    assert response.headers["Cache-Control"] == NOT_STORED


# --- streams and downloads -------------------------------------------------------------------

CHUNKS = 12
CHUNK_BYTES = 128 * 1024


@pytest.fixture(scope="module")
def small_app(tmp_path_factory):
    """A Dash app of its own with a streamed text route and two downloads."""
    folder = tmp_path_factory.mktemp("assets")
    (folder / "a.js").write_text("var a = 1;\n" * 200)
    app = Dash("transfer_test", assets_folder=str(folder))
    app.layout = html.Div("x")
    produced: list[int] = []

    def lines():
        for index in range(CHUNKS):
            produced.append(index)
            yield os.urandom(CHUNK_BYTES // 2).hex()  # hardly compressible: output flows

    @app.server.route("/strom")
    def stream():
        produced.clear()
        return Response(stream_with_context(lines()), mimetype="text/plain")

    @app.server.route("/ladda")
    def download():
        produced.clear()
        response = Response(stream_with_context(lines()), mimetype="text/csv")
        response.headers["Content-Disposition"] = 'attachment; filename="data.csv"'
        return response

    @app.server.route("/ladda.json")
    def download_json():
        response = Response(json.dumps({"rad": list(range(2000))}), mimetype="application/json")
        response.headers["Content-Disposition"] = 'attachment; filename="data.json"'
        return response

    add_compression_and_caching(app)
    app.produced = produced
    return app


def test_a_stream_is_compressed_as_it_is_sent_not_read_whole_first(small_app):
    """Over plain HTTP (gzip, deflate offered) a stream is deflated chunk by chunk."""
    client = small_app.server.test_client()
    response = client.get("/strom", headers={"Accept-Encoding": PLAIN_HTTP}, buffered=False)
    assert response.headers["Content-Encoding"] == "deflate"
    assert "Content-Length" not in response.headers
    pieces = iter(response.response)
    first = b""
    while not first:
        first = next(pieces)
    assert len(small_app.produced) < CHUNKS  # the first bytes left before the last were made
    body = first + b"".join(pieces)
    response.close()
    assert len(small_app.produced) == CHUNKS
    assert len(zlib.decompress(body)) == CHUNKS * CHUNK_BYTES


def test_a_stream_to_a_browser_that_accepts_brotli(small_app):
    """brotli keeps up to a few megabytes before its first output: the bytes arrive whole."""
    client = small_app.server.test_client()
    response = client.get("/strom", headers={"Accept-Encoding": BROWSER})
    assert response.headers["Content-Encoding"] == "br"
    assert "Content-Length" not in response.headers
    assert len(brotli.decompress(response.get_data())) == CHUNKS * CHUNK_BYTES


@pytest.mark.parametrize("url", ["/ladda", "/ladda.json"])
def test_a_download_is_compressed_and_decodes_to_the_file(small_app, url):
    """A streamed CSV download is compressed piece by piece (brotli), a whole one at once;
    either way the browser saves the route's bytes."""
    client = small_app.server.test_client()
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    packed = client.get(url, headers={"Accept-Encoding": BROWSER}, buffered=False)
    assert packed.headers["Content-Encoding"] == "br"
    assert packed.headers["Content-Disposition"].startswith("attachment")
    body = brotli.decompress(b"".join(packed.response))
    packed.close()
    if url == "/ladda":  # random text of a known length, sent as a stream
        assert packed.is_streamed and len(body) == len(plain.get_data()) == CHUNKS * CHUNK_BYTES
    else:
        assert body == plain.get_data()


def test_a_range_of_an_asset_is_sent_as_those_bytes(client, urls):
    whole = fetch(client, urls["plotly"], "identity").get_data()
    part = client.get(
        urls["plotly"], headers={"Accept-Encoding": BROWSER, "Range": "bytes=0-99999"}
    )
    assert part.status_code == 206
    assert "Content-Encoding" not in part.headers
    assert part.get_data() == whole[:100000]


def test_an_asset_of_another_app_is_compressed_and_kept_for_a_year(small_app):
    client = small_app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    url = re.search(r'src="(/assets/a\.js\?m=[^"]+)"', page)[1]
    response = client.get(url, headers={"Accept-Encoding": "br"})
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert brotli.decompress(response.get_data()) == ("var a = 1;\n" * 200).encode()


# --- one style sheet, one script ----------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "suffix", "mimetype"),
    [("style", ".css", "text/css"), ("script", ".js", "text/javascript")],
)
def test_the_pages_link_the_assets_joined_in_order(client, urls, what, suffix, mimetype):
    from tests.conftest import PROJECT_DIR

    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="(/(?:assets|_samlat)/[^"]+)"', page)
    # One of each kind instead of one request per file; the vendored plotly.js on its own.
    assert [link for link in links if link.split("?")[0].endswith(suffix)] == (
        [urls[what]] if suffix == ".css" else [urls[what], urls["plotly"]]
    )
    response = fetch(client, urls[what], "identity")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Cache-Control"] == IMMUTABLE
    body = response.get_data()
    assert body == transfer.joined_assets(PROJECT_DIR / "assets", suffix)
    header = rb"^/\* ([\w.-]+" + re.escape(suffix.encode()) + rb") \*/$"
    names = re.findall(header, body, flags=re.MULTILINE)
    expected = sorted(path.name for path in (PROJECT_DIR / "assets").glob(f"*{suffix}"))
    assert len(expected) > 3 and [name.decode() for name in names] == expected
    for name in expected:  # each file whole, as served on its own
        assert (PROJECT_DIR / "assets" / name).read_bytes().rstrip() in body
        assert client.get(f"/assets/{name}").status_code == 200
    assert client.get(f"/_samlat/0000000000000000{suffix}").status_code == 404


def test_the_joined_addresses_change_with_their_content(tmp_path):
    (tmp_path / "b.css").write_text("b { color: red; }\n")
    (tmp_path / "a.css").write_text("a { color: blue; }\n")
    (tmp_path / "x.js").write_text("var x = 1\n")
    (tmp_path / "y.js").write_text("(function () {})()\n")
    first = Dash("joined_a", assets_folder=str(tmp_path))
    first.layout = html.Div("x")
    stylesheet, script = transfer.serve_joined_assets(first)
    client = first.server.test_client()
    assert client.get(stylesheet).get_data() == (
        b"/* a.css */\na { color: blue; }\n\n/* b.css */\nb { color: red; }\n"
    )
    # each script ends with a ";": "var x = 1" and "(function…)()" must not run together
    assert client.get(script).get_data() == (
        b"/* x.js */\nvar x = 1\n;\n\n/* y.js */\n(function () {})()\n;\n"
    )
    (tmp_path / "b.css").write_text("b { color: green; }\n")
    second = Dash("joined_b", assets_folder=str(tmp_path))
    assert transfer.serve_joined_assets(second) == (
        second.config.external_stylesheets[-1]["href"],
        script,
    )
    assert second.config.external_stylesheets[-1]["href"] != stylesheet
