"""The plotly.js the dashboard serves: the "basic" partial bundle (scatter, bar, pie) from npm,
kept in assets/vendor/ so that the app needs no npm to run, and the same plotly.js version as the
full bundle of the plotly package (which dcc.Graph would otherwise load), so that figures draw
the same.

To update: raise the pin of ``plotly.js-basic-dist-min`` in package.json to the version of
``plotly.offline.get_plotlyjs_version()``, run ``npm install``, and copy
``node_modules/plotly.js-basic-dist-min/plotly-basic.min.js`` (and its LICENSE) to
``assets/vendor/``.
"""

from __future__ import annotations

import ast
import json
import os
import re

import pytest
from plotly.offline import get_plotlyjs_version

from tests.conftest import PROJECT_DIR

PACKAGE = "plotly.js-basic-dist-min"
VENDORED = PROJECT_DIR / "assets" / "vendor" / "plotly-basic.min.js"
INSTALLED = PROJECT_DIR / "node_modules" / PACKAGE / "plotly-basic.min.js"
#: The trace types the basic bundle registers (its README: bar, pie and scatter).
BASIC_TRACES = {"Scatter", "Bar", "Pie"}
#: plotly.graph_objects names that are not traces.
NOT_TRACES = {"Figure", "FigureWidget", "Layout", "Frame", "layout"}


def header_version(text: str) -> str:
    match = re.search(r"plotly\.js \(basic - minified\) v(\d+\.\d+\.\d+)", text[:300])
    assert match, "the vendored file does not start with plotly.js basic's header"
    return match[1]


def test_the_vendored_bundle_is_the_pinned_npm_package_byte_for_byte():
    if not INSTALLED.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{INSTALLED} is missing: run `npm ci` (CI does in .ci/run)")
        pytest.skip(f"{PACKAGE} is not installed: run `npm ci` in the project folder")
    assert VENDORED.read_bytes() == INSTALLED.read_bytes(), (
        f"assets/vendor/plotly-basic.min.js differs from node_modules/{PACKAGE}: copy it again"
    )


def test_the_pin_the_lock_and_the_vendored_file_name_one_version():
    package = json.loads((PROJECT_DIR / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((PROJECT_DIR / "package-lock.json").read_text(encoding="utf-8"))
    pinned = package["devDependencies"][PACKAGE]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "pin an exact version"
    assert lock["packages"][f"node_modules/{PACKAGE}"]["version"] == pinned
    vendored = header_version(VENDORED.read_text(encoding="utf-8"))
    assert vendored == pinned


def test_the_vendored_bundle_is_the_plotly_js_version_of_the_plotly_package():
    vendored = header_version(VENDORED.read_text(encoding="utf-8"))
    assert vendored == get_plotlyjs_version(), (
        f"plotly.js {vendored} is vendored but the plotly package carries "
        f"{get_plotlyjs_version()}: update the pin in package.json and copy the file again"
    )


def test_the_licence_travels_with_it():
    licence = (PROJECT_DIR / "assets" / "vendor" / "plotly.js-LICENSE.txt").read_text()
    assert "MIT License" in licence and "Plotly" in licence


def _trace_constructors() -> set[str]:
    """Every ``go.<Name>(`` and ``plotly.express`` use in the pages' code."""
    found: set[str] = set()
    for folder in ("layouts", "indicators"):
        for path in sorted((PROJECT_DIR / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == "plotly.express":
                    found.add(f"plotly.express in {path.name}")
                if isinstance(node, ast.Import):
                    found |= {
                        f"plotly.express in {path.name}"
                        for alias in node.names
                        if alias.name == "plotly.express"
                    }
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "go"
                ):
                    found.add(node.func.attr)
    return found - NOT_TRACES


def test_the_figures_use_only_traces_the_basic_bundle_draws():
    """A trace type the bundle lacks would draw as nothing; the browser tests check the
    figures as drawn too (tests/browser/test_browser_plotly_bundle.py)."""
    assert _trace_constructors() <= BASIC_TRACES
