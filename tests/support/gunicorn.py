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
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or still warming the answers before the workers fork
        assert server.poll() is None, log_path.read_text()
        assert time.monotonic() < deadline, "gunicorn did not answer in time"
        time.sleep(0.5)


def stop(server: subprocess.Popen, log_path: Path, seconds: float = 90) -> None:
    """Stop a gunicorn server a test started, the way a service manager does (SIGTERM, then
    the workers finish their requests). gunicorn itself kills a worker that has not finished
    after its ``graceful_timeout`` (30 s); on a busy machine the exit can take a little longer
    than that, so wait ``seconds`` before calling it hung and failing with its log."""
    server.terminate()
    try:
        server.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)
        raise AssertionError(
            f"gunicorn did not stop within {seconds} s of SIGTERM:\n" + log_path.read_text()
        ) from None
