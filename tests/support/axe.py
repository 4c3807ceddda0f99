"""axe-core (from the npm registry, installed by `npm ci`) run inside a Playwright page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR

AXE_SCRIPT = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def require_axe() -> str:
    if not AXE_SCRIPT.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci` (CI does in .ci/run)")
        pytest.skip("axe-core is not installed: run `npm ci` in the project folder")
    return str(AXE_SCRIPT)


def blocking_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.x A/AA rules) on the page; return serious and critical violations.

    axe-core is evaluated through the DevTools protocol, not added as a ``<script>``: the
    dashboard's Content-Security-Policy refuses inline scripts it does not know the hash of."""
    page.evaluate(Path(require_axe()).read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'best-practice']},
            resultTypes: ['violations']
        })"""
    )
    return [v for v in result["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(
            f"{violation['impact']}: {violation['id']} – {violation['help']} "
            f"({len(violation['nodes'])} element(s), e.g. {'; '.join(targets)})"
        )
    return "\n".join(lines)
