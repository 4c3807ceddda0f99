"""A private copy of the demo database for tests that store qualitative assessments: the app
serves the copy while the test runs, and the shared demo database stays as it was."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from data.db import open_database
from indicators import service


@contextmanager
def own_database(folder: Path) -> Iterator[Engine]:
    """Copy the app's database into ``folder`` and serve the copy until the block ends."""
    shared = service.engine()
    path = folder / "copy.sqlite"
    source = sqlite3.connect(shared.url.database)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    engine = open_database(f"sqlite:///{path}")
    service.set_engine(engine)
    try:
        yield engine
    finally:
        service.set_engine(shared)
        engine.dispose()
