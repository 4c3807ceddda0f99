"""Dash HTML components as JSX for ``dcc.Markdown`` (``dangerously_allow_html``): a large block
of plain elements (the overview's matrix, an area's indicator list) that the browser draws at
once instead of as thousands of components the renderer tracks one by one. All text is
escaped."""

from __future__ import annotations

import html as html_text
import json
from collections.abc import Mapping
from typing import Any

#: Dash components the matrix uses that are not plain HTML elements, by their JSX tag.
_JSX_COMPONENTS = {("dash_core_components", "Link"): "dccLink"}
_HTML_NAMESPACE = "dash_html_components"
_VOID_ELEMENTS = frozenset({"col", "br", "hr", "img", "input", "wbr"})


class RawJsx(str):
    """Markup that :func:`to_jsx` already produced (e.g. cached cells): emitted as it is."""


def _jsx_escape(text: str, *, quote: bool) -> str:
    """Text safe in JSX: HTML entities for markup characters, braces and line breaks (a blank
    line would end the HTML block in Markdown)."""
    escaped = html_text.escape(text, quote=quote)
    return escaped.replace("{", "&#123;").replace("}", "&#125;").replace("\n", "&#10;")


def _jsx_attribute(name: str, value: Any) -> str:
    if name == "style":
        if not isinstance(value, Mapping):
            raise ValueError(f"style must be a mapping, got {value!r}")
        pairs = ", ".join(f"{key}: {json.dumps(str(v))}" for key, v in value.items())
        return f"style={{{{{pairs}}}}}"
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"attribute {name}: expected text or a number, got {value!r}")
    return f'{name}="{_jsx_escape(str(value), quote=True)}"'


def to_jsx(node: Any) -> str:
    """A tree of Dash HTML components (and ``dcc.Link``) as the JSX that ``dcc.Markdown`` renders
    with ``dangerously_allow_html`` (``dcc.Link`` becomes ``<dccLink>``, a client-side link).

    The matrix has some 1 800 linked cells: as Dash components each is a component the
    renderer tracks one by one, which makes the page slow to draw; as one Markdown component
    the browser draws them as plain elements. All text is escaped.
    """
    if node is None:
        return ""
    if isinstance(node, RawJsx):
        return str(node)
    if isinstance(node, str | int | float) and not isinstance(node, bool):
        return _jsx_escape(str(node), quote=False)
    if isinstance(node, list | tuple):
        return "".join(to_jsx(child) for child in node)
    if not hasattr(node, "to_plotly_json"):
        raise ValueError(f"cannot render {node!r} as JSX")
    spec = node.to_plotly_json()
    key = (spec["namespace"], spec["type"])
    if key in _JSX_COMPONENTS:
        tag = _JSX_COMPONENTS[key]
    elif spec["namespace"] == _HTML_NAMESPACE:
        tag = spec["type"].lower()
    else:
        raise ValueError(f"cannot render {spec['namespace']}.{spec['type']} as JSX")
    props = spec["props"]
    attributes = "".join(
        " " + _jsx_attribute(name, value)
        for name, value in props.items()
        if name != "children" and value is not None
    )
    children = props.get("children")
    if tag in _VOID_ELEMENTS or children is None:
        return f"<{tag}{attributes}/>"
    return f"<{tag}{attributes}>{to_jsx(children)}</{tag}>"
