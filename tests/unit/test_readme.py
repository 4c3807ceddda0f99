"""The README's quick start stays true: CI runs exactly its test command."""

from __future__ import annotations

import re

from tests.conftest import PROJECT_DIR


def _shell_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S)]


def test_ci_runs_the_readme_test_command():
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    blocks = _shell_blocks(readme)
    test_command = blocks[1]
    assert "pytest" in test_command
    ci_lines = (PROJECT_DIR / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines


def test_quick_start_starts_the_app():
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    run_command = _shell_blocks(readme)[0]
    assert run_command.endswith("python app.py")
    assert "requirements.txt" in run_command
