"""JSON from users read within limits (data/json_limits.py), and the slideshow file that uses
them: deep nesting is refused with a Swedish message, never a RecursionError."""

from __future__ import annotations

import json

import pytest

from data.json_limits import JsonLimitError, loads_limited, nesting_depth
from data.slideshows import MAX_FILE_DEPTH, InvalidSlideshowError, read_slideshow_file

DEEP = "[" * 50_000 + "]" * 50_000


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ('"[[[{{{"', 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["\\"[", ["]"]]', 2),
        ("[[],[[]],[]]", 3),
        (DEEP, 50_000),
    ],
)
def test_nesting_depth_counts_brackets_outside_strings(text, depth):
    assert nesting_depth(text) == depth


def test_nesting_depth_stops_beyond_the_limit():
    assert nesting_depth(DEEP, 10) == 11


def test_loads_limited_reads_json_within_the_limits():
    assert loads_limited(b'\xef\xbb\xbf{"a": [1, 2]}', max_depth=2) == {"a": [1, 2]}
    assert loads_limited("[[1]]", max_depth=2, max_bytes=5) == [[1]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (DEEP, "för djupt nästlad: mer än 100 nivåer"),
        ("[" * 101 + "]" * 101, "för djupt nästlad: mer än 100 nivåer"),
        ("x" * 2_000, "för stor: 2000 byte, högst 1000 byte"),
        (b"\xff\xfe", "inte text i UTF-8 (byte 0)"),
        ('{"a": }', "ogiltig JSON på rad 1, kolumn 7"),
        ("", "ogiltig JSON på rad 1, kolumn 1"),
    ],
)
def test_loads_limited_refuses_with_a_swedish_message(data, message):
    limit = 1_000 if message.startswith("för stor") else None
    with pytest.raises(JsonLimitError) as caught:
        loads_limited(data, max_depth=100, max_bytes=limit)
    assert str(caught.value) == message


def test_a_deeply_nested_slideshow_file_is_refused_by_name():
    document = {"format": "hallbarhet-dalarna-bildspel", "version": 1, "name": "x", "views": "@"}
    nested = json.dumps(document).replace('"@"', "[" * 50_000 + "]" * 50_000)
    with pytest.raises(InvalidSlideshowError) as caught:
        read_slideshow_file(nested.encode())
    assert str(caught.value) == (
        f'Bildspelsfilen, fält "(filen)": "mer än {MAX_FILE_DEPTH} nivåer" – förväntat JSON med '
        f"högst {MAX_FILE_DEPTH} nästlade nivåer"
    )
