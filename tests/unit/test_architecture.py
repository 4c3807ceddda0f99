"""The layers keep one direction of dependencies: data ← indicators ← layouts ← app; etl writes
through data (docs/architecture.md).

Read from the source with :mod:`ast`, so a docstring or comment naming another package does not
count, and an import inside a function does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR

PACKAGES = ("data", "indicators", "layouts", "etl")

#: What each package may not import.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "data": ("indicators", "layouts", "etl", "app"),
    "indicators": ("layouts", "etl", "app"),
    "etl": ("layouts", "app"),
    "layouts": ("etl", "app"),
}


def _modules(package: str) -> list[Path]:
    return sorted((PROJECT_DIR / package).rglob("*.py"))


def _imports(path: Path) -> Iterator[tuple[int, str, bool]]:
    """(line, imported module, inside a function) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    functions = [
        node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    nested = {id(inner) for function in functions for inner in ast.walk(function)}
    for node in ast.walk(tree):
        inside = id(node) in nested
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, inside
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module, inside
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}", inside


def _top(module: str) -> str:
    return module.split(".")[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_import_only_downwards(package: str):
    wrong = [
        f"{path.relative_to(PROJECT_DIR)}:{line} imports {module}"
        for path in _modules(package)
        for line, module, _inside in _imports(path)
        if _top(module) in FORBIDDEN[package]
    ]
    assert wrong == []


@pytest.mark.parametrize("package", ["data", "indicators", "etl"])
def test_no_project_import_hides_inside_a_function(package: str):
    """A lazy import of another project package would only hide a cycle."""
    lazy = [
        f"{path.relative_to(PROJECT_DIR)}:{line} imports {module} inside a function"
        for path in _modules(package)
        for line, module, inside in _imports(path)
        if inside and _top(module) in PACKAGES
    ]
    assert lazy == []


def _is_private_module(module: str) -> bool:
    parts = module.split(".")
    is_module = (PROJECT_DIR.joinpath(*parts).with_suffix(".py")).is_file()
    return is_module and any(part.startswith("_") for part in parts)


def test_no_private_layouts_module_is_imported_from_outside_layouts():
    sources = [PROJECT_DIR / "app.py", PROJECT_DIR / "gunicorn.conf.py"]
    for package in ("data", "indicators", "etl", "tests", "benchmarks"):
        sources += _modules(package)
    wrong = [
        f"{path.relative_to(PROJECT_DIR)}:{line} imports {module}"
        for path in sources
        for line, module, _inside in _imports(path)
        if _top(module) == "layouts" and _is_private_module(module)
    ]
    assert wrong == []


def test_page_parts_live_apart_from_pages():
    """Pages are the modules directly in layouts/ (Dash Pages registers them); their parts are in
    layouts/parts/, which holds no page."""
    pages = [p for p in (PROJECT_DIR / "layouts").glob("*.py") if p.name != "__init__.py"]
    assert pages, "no pages found"
    for page in pages:
        assert "register_page" in page.read_text(encoding="utf-8"), f"{page.name} is not a page"
    private = [p.name for p in (PROJECT_DIR / "layouts").glob("_*.py") if p.name != "__init__.py"]
    assert private == []
    for part in (PROJECT_DIR / "layouts" / "parts").glob("*.py"):
        assert "register_page(" not in part.read_text(encoding="utf-8"), f"{part.name} registers"
