"""Uploads with a size limit that say so: a ``dcc.Upload`` refuses a file above its ``max_size``
in the browser without a word (nothing reaches the server), so the label around it carries the
limit and a Swedish message, and ``assets/limits.js`` shows that message beside the upload when
a chosen or dropped file is too large.

A page wraps its upload with :func:`limited_upload_label` and places
:func:`upload_limit_message` after it.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

#: Placeholders the script fills in: the file's name and its size.
NAME, SIZE = "{namn}", "{storlek}"


def size_text(size: int) -> str:
    """A file size in Swedish: 3000000 → "3 MB", 200000 → "200 kB", 2500000 → "2,5 MB"."""
    if size >= 1_000_000:
        text = f"{size / 1_000_000:.1f}".rstrip("0").rstrip(".")
        return f"{text.replace('.', ',')} MB"
    return f"{max(round(size / 1000), 1)} kB"


def too_large_text(what: str, max_bytes: int, more: str = "") -> str:
    """The message for a file above the limit (``what``: "en målfil"), with the placeholders
    :data:`NAME` and :data:`SIZE` for the script."""
    return (
        f"Filen {NAME} är {SIZE} och kan inte laddas upp: {what} får vara högst "
        f"{size_text(max_bytes)}{more}. Dela upp den i mindre filer och försök igen."
    )


def limited_upload_label(
    upload: dcc.Upload, *, message_id: str, message: str, **kwargs: Any
) -> html.Label:
    """A label around ``upload`` that tells the script its limit (the upload's ``max_size``),
    where to show ``message`` (:func:`too_large_text`) and the message itself."""
    attributes = {
        "data-max-bytes": str(upload.max_size),
        "data-message-for": message_id,
        "data-too-large": message,
    }
    return html.Label(upload, **attributes, **kwargs)


def upload_limit_message(message_id: str) -> html.P:
    """Where the script says a file was too large (empty until then; no callback writes it)."""
    return html.P(id=message_id, className="upload-limit-message", role="alert")


__all__ = [
    "NAME",
    "SIZE",
    "limited_upload_label",
    "size_text",
    "too_large_text",
    "upload_limit_message",
]
