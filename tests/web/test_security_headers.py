"""Security headers on every response (security_headers.py): the Content-Security-Policy with
the hashes of exactly the inline scripts a page runs, framing refused unless FRAME_ANCESTORS (or
create_app's argument) names who may embed the dashboard, nosniff and the referrer policy."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys

import dash
import pytest

from security_headers import (
    FrameAncestorsError,
    content_security_policy,
    frame_sources,
    x_frame_options,
)
from tests.conftest import PROJECT_DIR

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


def directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy")
    assert policy, f"{response.request.path}: no Content-Security-Policy"
    parsed = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


def assert_secured(response) -> None:
    where = f"{response.request.method} {response.request.path} ({response.status_code})"
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, f"{where}: {name}"
    policy = directives(response)
    assert policy["default-src"] == ["'self'"], where
    assert policy["frame-ancestors"] == ["'self'"], where
    assert policy["object-src"] == ["'none'"], where
    script_src = policy["script-src"]
    assert script_src[0] == "'self'", where
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, where
    assert all(s.startswith("'sha256-") for s in script_src[1:]), where


def component_bundles(html: str) -> list[str]:
    return re.findall(r'<script src="(/_dash-component-suites/[^"]+)"', html)


def inline_scripts(html: str) -> list[str]:
    """The bodies of the scripts a browser runs inline (not the JSON config, not comments)."""
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    scripts = re.findall(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", html, flags=re.S)
    return [
        body
        for attrs, body in scripts
        if "src=" not in attrs and "application/json" not in attrs and body.strip()
    ]


def sha256(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


# --------------------------------------------------------------------------- every response


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/indikator/N00401",
        "/kommun/2062",
        "/bildspel",
        "/_dash-layout",
        "/_dash-dependencies",
        "/_favicon.ico",
        "/assets/style.css",
        "/assets/presentation.js",
    ],
)
def test_response_carries_the_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert_secured(response)


@pytest.mark.parametrize(
    "path", ["/finns-inte", "/indikator/FINNS_INTE", "/assets/finns-inte.css", "/_dash-finns-inte"]
)
def test_unknown_address_carries_the_headers(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404), path  # Dash Pages answers with its page
    assert_secured(response)


def test_refused_method_carries_the_headers(client):
    response = client.post("/_dash-layout")
    assert response.status_code == 405
    assert_secured(response)


def test_every_page_of_the_registry_carries_the_headers(client):
    pages = {page["path"]: page["module"] for page in dash.page_registry.values()}
    assert "/" in pages and "/om" in pages
    for path, module in pages.items():
        response = client.get(path)
        # Dash Pages' own "not found" page (module not_found_404) may answer 404.
        assert response.status_code == 200 or module.endswith("not_found_404"), path
        assert_secured(response)


def test_every_route_without_arguments_carries_the_headers(demo_app, client):
    """Whatever the server routes (Dash's, and any added beside it, such as a sign-in page)."""
    rules = [
        rule.rule
        for rule in demo_app.server.url_map.iter_rules()
        if not rule.arguments and "GET" in (rule.methods or ())
    ]
    assert "/_dash-layout" in rules
    for path in rules:
        assert_secured(client.get(path))


def test_component_bundles_carry_the_headers(client):
    bundles = component_bundles(client.get("/").get_data(as_text=True))
    assert any("dash_renderer" in bundle for bundle in bundles), bundles
    # plotly.js is loaded by the graph component, not listed in the page.
    bundles.append("/_dash-component-suites/plotly/package_data/plotly.min.js")
    for bundle in bundles:
        response = client.get(bundle)
        assert response.status_code == 200, bundle
        assert response.mimetype == "text/javascript", bundle  # nosniff needs the right type
        assert_secured(response)


def test_a_callback_response_carries_the_headers(client):
    """A POST to /_dash-update-component: the pages router drawing /om."""
    dependencies = client.get("/_dash-dependencies").get_json()
    (router,) = [c for c in dependencies if "_pages_content.children" in c["output"]]
    values = {"pathname": "/om", "search": ""}
    body = {
        "output": router["output"],
        "outputs": [
            {"id": part.split(".")[0], "property": part.split(".")[1]}
            for part in router["output"].strip(".").split("...")
        ],
        "inputs": [
            {**dependency, "value": values.get(dependency["property"])}
            for dependency in router["inputs"]
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [{**dependency, "value": None} for dependency in router["state"]],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "Om data" in json.dumps(response.get_json(), ensure_ascii=False)
    assert_secured(response)


# --------------------------------------------------------------------------- the policy


@pytest.mark.parametrize("path", ["/", "/kommun/2062", "/malkonflikter", "/bildspel"])
def test_every_inline_script_of_a_page_is_allowed_by_its_hash(client, path):
    """The renderer and the clientside callbacks run; a script added to the page (e.g. by a
    changed index string) that the policy does not know fails here, as it would in a browser."""
    response = client.get(path)
    allowed = set(directives(response)["script-src"])
    scripts = inline_scripts(response.get_data(as_text=True))
    assert any("DashRenderer" in script for script in scripts)
    assert len(scripts) > 1, "the clientside callbacks are inline scripts"
    missing = [script[:120] for script in scripts if sha256(script) not in allowed]
    assert missing == []


def test_policy_as_served(client):
    policy = directives(client.get("/"))
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "font-src" not in policy  # default-src 'self'


# --------------------------------------------------------------------------- framing setting


@pytest.mark.parametrize(
    ("value", "sources", "frame_options"),
    [
        (None, ("'self'",), "SAMEORIGIN"),
        ("", ("'self'",), "SAMEORIGIN"),
        ("   ", ("'self'",), "SAMEORIGIN"),
        ("self", ("'self'",), "SAMEORIGIN"),
        (
            "https://intranat.falun.se  HTTPS://Intra.Borlange.se/",
            ("'self'", "https://intranat.falun.se", "https://intra.borlange.se"),
            None,
        ),
        ("self http://10.0.0.5:8080", ("'self'", "http://10.0.0.5:8080"), None),
        (["https://intranat.falun.se"], ("'self'", "https://intranat.falun.se"), None),
    ],
)
def test_frame_sources(value, sources, frame_options):
    assert frame_sources(value, environ={}) == sources
    assert x_frame_options(sources) == frame_options
    expected = " ".join(sources) if sources else "'none'"
    assert content_security_policy([], sources).endswith(f"frame-ancestors {expected}")


def test_argument_wins_over_the_environment():
    environ = {"FRAME_ANCESTORS": "https://intranat.falun.se"}
    assert frame_sources(None, environ) == ("'self'", "https://intranat.falun.se")
    assert frame_sources("https://intra.mora.se", environ) == ("'self'", "https://intra.mora.se")
    assert frame_sources("", environ) == ("'self'",)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("*", "wildcards"),
        ("https://*.falun.se", "wildcards"),
        ("'self'", "quotes"),
        ("https://intranat.falun.se;", "semicolons"),
        ("https://a.se,https://b.se", "commas"),
        ("https://intranat.falun.se; script-src *", "wildcards"),
        ("intranat.falun.se", "not an origin"),
        ("https://intranat.falun.se/sidor/statistik", "not an origin"),
        ("ftp://intranat.falun.se", "not an origin"),
        ("https://intranat.falun.se:99999", "out of range"),
        ("https://", "not an origin"),
    ],
)
def test_invalid_frame_ancestors_are_refused_with_a_clear_message(value, reason):
    with pytest.raises(FrameAncestorsError) as raised:
        frame_sources(value, environ={})
    message = str(raised.value)
    assert "FRAME_ANCESTORS" in message and reason in message
    assert "https://intranat.falun.se" in message  # an example of the expected form


def _run_app(tmp_path, script: str, frame_ancestors: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRAME_ANCESTORS": frame_ancestors}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'framing.sqlite'}"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


HEADERS_OF = """
import json, sys
from app import create_app
app = create_app(frame_ancestors={argument!r})
client = app.server.test_client()
print(json.dumps({{path: dict(client.get(path).headers) for path in ("/", "/_dash-layout")}}))
"""


def test_environment_variable_lets_named_sites_frame_the_dashboard(tmp_path):
    result = _run_app(tmp_path, HEADERS_OF.format(argument=None), "https://intranat.falun.se")
    assert result.returncode == 0, result.stderr
    for path, headers in json.loads(result.stdout.splitlines()[-1]).items():
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'self' https://intranat.falun.se" in policy, path
        assert "X-Frame-Options" not in headers, path
        assert headers["X-Content-Type-Options"] == "nosniff", path


def test_create_app_argument_wins_over_the_environment_variable(tmp_path):
    # The environment's value is not even read (it would be refused).
    result = _run_app(tmp_path, HEADERS_OF.format(argument="self"), "*")
    assert result.returncode == 0, result.stderr
    for path, headers in json.loads(result.stdout.splitlines()[-1]).items():
        assert headers["Content-Security-Policy"].endswith("frame-ancestors 'self'"), path
        assert headers["X-Frame-Options"] == "SAMEORIGIN", path


def test_an_invalid_environment_variable_stops_the_start(tmp_path):
    result = _run_app(tmp_path, "from app import create_app; create_app()", "https://x.se;")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("security_headers.FrameAncestorsError: FRAME_ANCESTORS"), last_line
    assert "'https://x.se;'" in last_line
    assert not (tmp_path / "framing.sqlite").exists(), "refused before opening the database"
