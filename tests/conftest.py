"""Shared fixtures: a fresh database per test and the read-only reference folder.

The tests are in tiers that mirror the source: ``tests/unit`` (pure functions, storage, ETL
against a local HTTP server), ``tests/web`` (the Flask test client, page callbacks, gunicorn) and
``tests/browser`` (real headless Chromium). Each test is marked with its tier, so
``pytest -m unit`` or ``pytest -m "not browser"`` selects a tier.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from data.db import open_database

pytest_plugins = ["tests.support.browser", "tests.support.postgresql", "tests.support.editors"]

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_DIR.parent / "shared"
TESTS_DIR = Path(__file__).resolve().parent
TIERS = ("unit", "web", "browser")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with the tier its folder names."""
    for item in items:
        relative = item.path.resolve().relative_to(TESTS_DIR)
        tier = relative.parts[0] if len(relative.parts) > 1 else None
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))
    _deselect_postgresql_variants_of_sqlite_only_tests(config, items)


def _deselect_postgresql_variants_of_sqlite_only_tests(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """A test marked ``sqlite_only`` runs on SQLite alone: its PostgreSQL variant is dropped."""
    dropped = {
        item
        for item in items
        if item.get_closest_marker("sqlite_only")
        and getattr(item, "callspec", None) is not None
        and item.callspec.params.get("database_backend") == "postgresql"
    }
    if dropped:
        config.hook.pytest_deselected(items=[item for item in items if item in dropped])
        items[:] = [item for item in items if item not in dropped]


#: The database backends every storage test runs on (PostgreSQL: tests/support/postgresql.py).
BACKENDS = (
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
)


@pytest.fixture(params=BACKENDS)
def database_backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: a test that uses ``db_url`` or ``engine`` runs on both
    (one marked ``sqlite_only`` on SQLite alone)."""
    return request.param


def _new_database_url(
    request: pytest.FixtureRequest, backend: str, name: str, *, migrated: bool = False
) -> str:
    if backend == "postgresql":
        server = request.getfixturevalue("postgresql_server")
        if migrated:  # what opening an empty database makes, only quicker
            database = server.take_migrated()
            request.addfinalizer(lambda: server.give_back(database))
        else:
            database = server.create_database()
            request.addfinalizer(lambda: server.drop_database(database))
        return server.url(database)
    return f"sqlite:///{request.getfixturevalue('tmp_path') / name}"


@pytest.fixture
def db_url(request: pytest.FixtureRequest, database_backend: str) -> str:
    """URL of a new, empty database for one test: a SQLite file, or a PostgreSQL database on
    the session's own server. For a test that also uses ``engine`` (which opens it before the
    test runs) a PostgreSQL database is a copy of one already migrated: the same, quicker."""
    opened = "engine" in request.fixturenames
    return _new_database_url(request, database_backend, "test.sqlite", migrated=opened)


@pytest.fixture
def other_db_url(request: pytest.FixtureRequest, database_backend: str) -> str:
    """URL of a second new, empty database on the same backend as ``db_url``."""
    return _new_database_url(request, database_backend, "andra.sqlite")


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


@pytest.fixture(scope="session", autouse=True)
def answer_cache_dir(tmp_path_factory) -> Iterator[Path]:
    """Every app the tests start (here or in a child process) keeps its shared answers in the
    session's temporary folder rather than the system's (``CACHE_DIR``; answers are keyed by
    database, so the apps do not share them)."""
    folder = tmp_path_factory.mktemp("answers")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CACHE_DIR", str(folder))
        patch.delenv("CACHE_TYPE", raising=False)
        patch.delenv("CACHE_URL", raising=False)
        yield folder


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
