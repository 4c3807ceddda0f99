"""Production serving: ``gunicorn app:server`` with several workers on an empty database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import requests

from tests.conftest import PROJECT_DIR
from tests.support.gunicorn import stop, wait_until_answering

GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_several_workers_share_one_freshly_filled_database(tmp_path):
    port = _free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite'}"}
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(GUNICORN), "--workers", "3", "--bind", f"127.0.0.1:{port}", "app:server"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(base, server, log_path, 120)
        # Enough requests to reach every worker.
        for _ in range(4):
            for path in ("/", "/indikator/N00401", "/kommun/2062", "/_dash-layout"):
                assert requests.get(base + path, timeout=30).status_code == 200, path
        layout = requests.get(base + "/_dash-layout", timeout=30).text
        assert "Demodata" in layout
    finally:
        stop(server, log_path)
    output = log_path.read_text()
    assert "Booting worker" in output
    assert "Exception in worker" not in output and "Traceback" not in output, output
