"""Files from users read as text: the encoding told by a byte-order mark, and files that are no
text in a known encoding.

Excel saves "Unicode-text" as UTF-16 (little-endian, with a byte-order mark, tab-separated) and
other programs write UTF-16 or UTF-32 with a mark too; such a file is decoded by its mark. Without
a mark a file is read as UTF-8, else (``fallback``) as Windows-1252, as older Excel saves CSV. A
file without a mark that holds NUL bytes is neither (UTF-16 without a mark, or not text at all):
:class:`NotTextError`, whose message says how to save it instead.
"""

from __future__ import annotations

import codecs

#: Byte-order marks and their encodings; UTF-32 LE before UTF-16 LE, whose mark begins it.
BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class NotTextError(ValueError):
    """The bytes are not text in an encoding that can be told (NUL bytes without a byte-order
    mark); the message is Swedish and ends with ``advice``."""

    def __init__(self, advice: str) -> None:
        self.advice = advice
        super().__init__(f"filen innehåller NUL-tecken (byte 0) och är inte vanlig text. {advice}")


def byte_order_mark(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark at the start of ``data`` names and the mark's length, or
    ``None`` without a mark."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return encoding, len(mark)
    return None


def decode_text(data: bytes, *, advice: str, fallback: str | None = "cp1252") -> str:
    """``data`` as text, without its byte-order mark.

    With the mark of UTF-16 or UTF-32: decoded by it (characters that cannot be read become
    U+FFFD, or without a ``fallback`` raise :class:`UnicodeDecodeError`). Otherwise NUL bytes
    raise :class:`NotTextError` (with ``advice``, how to save the file instead); the rest is
    read as UTF-8, else as ``fallback`` (``None``: the :class:`UnicodeDecodeError` is raised).
    """
    marked = byte_order_mark(data)
    if marked is not None and marked[0] != "utf-8":
        encoding, length = marked
        errors = "strict" if fallback is None else "replace"
        return data[length:].decode(encoding, errors=errors)
    body = data[marked[1] :] if marked is not None else data
    if b"\x00" in body:
        raise NotTextError(advice)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        if fallback is None:
            raise
        return data.decode(fallback, errors="replace")


__all__ = ["BYTE_ORDER_MARKS", "NotTextError", "byte_order_mark", "decode_text"]
