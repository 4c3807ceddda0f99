"""Reading a Dash component tree in tests: the components that match, and the text shown."""

from __future__ import annotations


def find(component, predicate) -> list:
    """Every component in a Dash tree for which ``predicate`` holds, in document order."""
    found = []
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(reversed(node))
            continue
        if node is None or isinstance(node, str | int | float):
            continue
        if predicate(node):
            found.append(node)
        stack.append(getattr(node, "children", None))
    return found


def text_of(component) -> str:
    """Every string and number in a Dash tree, in document order, joined by spaces."""
    parts: list[str] = []
    stack = [component]
    while stack:
        node = stack.pop(0)
        if isinstance(node, list | tuple):
            stack[:0] = list(node)
        elif isinstance(node, str | int | float):
            parts.append(str(node))
        elif node is not None:
            stack.insert(0, getattr(node, "children", None))
    return " ".join(parts)
