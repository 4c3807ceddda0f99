"""JSON from users, read within limits: a size and a depth of nesting.

Python's JSON reader recurses once per nested array or object, so a small file of 50 000
brackets exhausts the interpreter's recursion limit (``RecursionError``), and whatever walks the
result afterwards recurses as deep. :func:`nesting_depth` measures the nesting without parsing
(one pass over the brackets outside strings) and :func:`loads_limited` refuses a text that is too
large or too deep, or not JSON, with :class:`JsonLimitError` and a Swedish message, before
anything recurses.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: A JSON string (with escapes): skipped when counting brackets.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class JsonLimitError(ValueError):
    """The text is not JSON within the limits; the message says why, in Swedish."""


def nesting_depth(text: str, limit: int | None = None) -> int:
    """How deeply arrays and objects nest in ``text`` (0 for a plain value; brackets inside
    strings do not count). With ``limit``, counting stops at the first level beyond it, so the
    answer is then ``limit + 1``."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if limit is not None and deepest > limit:
                    return deepest
        else:
            depth = max(depth - 1, 0)
    return deepest


def loads_limited(data: str | bytes, *, max_depth: int, max_bytes: int | None = None) -> Any:
    """``json.loads`` for text from users: at most ``max_bytes`` (bytes are read as UTF-8) and
    ``max_depth`` levels of nesting. Raises :class:`JsonLimitError` otherwise, and for
    text that is not JSON."""
    if max_bytes is not None and len(data) > max_bytes:
        raise JsonLimitError(f"för stor: {len(data)} byte, högst {max_bytes} byte")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise JsonLimitError(f"inte text i UTF-8 (byte {error.start})") from None
    else:
        text = data
    if nesting_depth(text, max_depth) > max_depth:
        raise JsonLimitError(f"för djupt nästlad: mer än {max_depth} nivåer")
    try:
        return json.loads(text)
    except RecursionError:  # not reached within the depth check; kept for safety
        raise JsonLimitError(f"för djupt nästlad: mer än {max_depth} nivåer") from None
    except json.JSONDecodeError as error:
        raise JsonLimitError(f"ogiltig JSON på rad {error.lineno}, kolumn {error.colno}") from error
