"""Waiting for a gunicorn server a test started to answer."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import requests


def wait_until_answering(
    base: str, server: subprocess.Popen, log_path: Path, seconds: float = 120
) -> None:
    """Return once ``GET base/`` answers 200; fail with gunicorn's log when the process ends
    first, or when ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(base + "/", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        assert server.poll() is None, log_path.read_text()
        assert time.monotonic() < deadline, "gunicorn did not answer in time"
        time.sleep(0.5)
