"""Lint, format and type checks run with the tests, so the README's one test command covers them.

ruff (with the complexity limit in pyproject.toml) over the whole project, and mypy over the
storage and domain layers (``data/``, ``indicators/``). Where a tool is not installed the check is
skipped with that reason, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_DIR


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(tool) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not installed (requirements-dev.txt installs it)")
        pytest.skip(f"{tool} is not installed: pip install -r requirements-dev.txt")
    return subprocess.run(
        [sys.executable, "-m", tool, *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ruff_finds_nothing():
    result = _run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted():
    result = _run("ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_storage_and_domain_layers_type_check():
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
