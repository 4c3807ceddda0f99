"""The dashboard starts on a database it cannot write: read-only, with the banner, without
filling demo data or syncing the goal catalogue, and without writing a byte.

Each start runs ``app.create_app`` in a child process (Dash Pages registers pages once per
process). Read-only is SQLite's ``?mode=ro`` URI, or real file permissions: the file 0444 in a
folder 0555, with the child run without the right to ignore them (as root under ``capsh
--drop=cap_dac_override,…``; skipped where ``capsh`` is missing), which also needs the fallback
to ``immutable=1`` (a WAL database in a read-only folder cannot be read otherwise).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from data.db import open_database
from indicators import service
from tests.conftest import PROJECT_DIR

BANNER = "Databasen är skrivskyddad – ändringar kan inte sparas"

#: Starts the app and reports what it serves, as JSON on the last line of its output.
SCRIPT = """
import json, sys
from app import create_app, shell
from indicators import service

app = create_app(sys.argv[1])
client = app.server.test_client()
router = [d for d in client.get("/_dash-dependencies").get_json()
          if "_pages_content" in d["output"]][0]
statuses = {}
for path in ("/", "/mal", "/kommun/2062"):
    body = {
        "output": router["output"],
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": ""}],
        "changedPropIds": ["_pages_location.pathname"],
    }
    statuses[path] = client.post("/_dash-update-component", json=body).status_code
print(json.dumps({
    "read_only": service.read_only(),
    "origin": service.data_status().origin,
    "goals": len(service.goals()),
    "banner": json.dumps(shell().to_plotly_json(), default=str, ensure_ascii=False),
    "statuses": statuses,
}, ensure_ascii=False))
"""


def _unprivileged(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    capsh = shutil.which("capsh")
    if capsh is None:
        pytest.skip("runs as root without capsh: file permissions cannot be enforced")
    drop = "cap_dac_override,cap_dac_read_search,cap_fowner"
    return [capsh, f"--drop={drop}", "--", "-c", "exec " + shlex.join(command)]


def start(url: str, *, unprivileged: bool = False) -> dict:
    command = [sys.executable, "-c", SCRIPT, url]
    env = {**os.environ}
    for name in ("DATABASE_URL", "SECRET_KEY", "MAX_REQUEST_BYTES"):
        env.pop(name, None)
    result = subprocess.run(
        _unprivileged(command) if unprivileged else command,
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def dump(path: Path) -> list[tuple]:
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return [
            (table, *row)
            for table in sorted(tables)
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY 1')
        ]
    finally:
        connection.close()


@pytest.fixture
def demo_copy(demo_app, tmp_path) -> Path:
    """A copy of the demo database (demo data and the goal catalogue), closed."""
    folder = tmp_path / "db"
    folder.mkdir()
    path = folder / "dashboard.sqlite"
    source = sqlite3.connect(service.engine().url.database)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return path


def test_the_dashboard_starts_read_only_on_a_mode_ro_database(demo_copy):
    before = dump(demo_copy)
    served = start(f"sqlite:///file:{demo_copy}?mode=ro&uri=true")
    assert served["read_only"] is True
    assert served["origin"] == "demo"
    assert served["goals"] > 0
    assert BANNER in served["banner"]
    assert served["statuses"] == {"/": 200, "/mal": 200, "/kommun/2062": 200}
    assert dump(demo_copy) == before


def test_an_empty_read_only_database_is_not_filled(tmp_path):
    path = tmp_path / "tom.sqlite"
    open_database(f"sqlite:///{path}").dispose()  # the schema, no data, no session secret
    before = dump(path)
    served = start(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert served["read_only"] is True
    assert served["origin"] is None  # no demo data filled in
    assert served["goals"] == 0  # and no goal catalogue synced
    assert served["statuses"]["/mal"] == 200
    assert dump(path) == before


def test_the_dashboard_starts_on_a_file_in_a_read_only_folder(demo_copy):
    before = dump(demo_copy)
    demo_copy.chmod(0o444)
    demo_copy.parent.chmod(0o555)
    try:
        served = start(f"sqlite:///{demo_copy}", unprivileged=True)
    finally:
        demo_copy.parent.chmod(0o755)
        demo_copy.chmod(0o644)
    assert served["read_only"] is True
    assert BANNER in served["banner"]
    assert served["statuses"] == {"/": 200, "/mal": 200, "/kommun/2062": 200}
    assert sorted(p.name for p in demo_copy.parent.iterdir()) == ["dashboard.sqlite"]
    assert dump(demo_copy) == before


def test_a_writable_database_has_no_banner(demo_copy):
    served = start(f"sqlite:///{demo_copy}")
    assert served["read_only"] is False
    assert BANNER not in served["banner"]
