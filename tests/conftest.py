"""Shared fixtures: a fresh database per test and the read-only reference folder.

The tests are in tiers that mirror the source: ``tests/unit`` (pure functions, storage, ETL
against a local HTTP server), ``tests/web`` (the Flask test client, page callbacks, gunicorn) and
``tests/browser`` (real headless Chromium). Each test is marked with its tier, so
``pytest -m unit`` or ``pytest -m "not browser"`` selects a tier.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from data.db import open_database

pytest_plugins = ["tests.support.browser"]

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_DIR.parent / "shared"
TESTS_DIR = Path(__file__).resolve().parent
TIERS = ("unit", "web", "browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with the tier its folder names."""
    for item in items:
        relative = item.path.resolve().relative_to(TESTS_DIR)
        tier = relative.parts[0] if len(relative.parts) > 1 else None
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """URL of a new, empty SQLite database file for one test."""
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def engine(db_url: str):
    """An opened (schema created) database for one test."""
    engine = open_database(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def shared_dir() -> Path:
    """The reference folder beside the project; tests that need it skip where it is absent."""
    if not (SHARED_DIR / "kolada" / "kpi.json").is_file():
        pytest.skip(
            f"reference data not found at {SHARED_DIR} (present only beside a full checkout)"
        )
    return SHARED_DIR


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    """The Dash app on a database filled with the demo data and the goal catalogue.

    One app per test session (Dash Pages registers pages globally); tests that need other data
    swap the engine with ``layouts.service.set_engine`` and restore it.
    """
    from app import create_app

    path = tmp_path_factory.mktemp("app") / "demo.sqlite"
    return create_app(f"sqlite:///{path}")


@pytest.fixture
def client(demo_app):
    """Flask's test client for the demo app."""
    return demo_app.server.test_client()
