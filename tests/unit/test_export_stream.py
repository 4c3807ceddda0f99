"""The export written in pieces (indicators/export_stream.py): byte for byte the file that
``to_csv_bytes(export_table(...))`` writes, in both formats, whatever the piece size; numbers
written a column at a time exactly as one cell at a time; any table (the latest status) in
pieces as ``to_csv_bytes`` writes it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.export import (
    FORMAT_CSV,
    FORMAT_EXCEL_SV,
    FORMATS,
    export_columns,
    export_table,
    format_cell,
    to_csv_bytes,
)
from indicators.export_stream import csv_chunks, number_cells, table_chunks
from indicators.vocabulary import ALL_LEVELS
from tests.unit.test_export import (
    GOAL,
    INDICATOR,
    LEVELS,
    ZERO_GOAL,
    literal_assessments,
    literal_inputs,
    literal_latest,
)

AREA_TITLES = {"2062": "Mora", "2080": "@Falun"}


def arguments(observations=None, status=None, lines=None, **overrides):
    literal_observations, literal_status, literal_lines = literal_inputs()
    kwargs = dict(
        area_titles=AREA_TITLES,
        levels=LEVELS,
        data_origin="demo",
        retrieved=dt.datetime(2026, 11, 3, 5, 0),
        threshold_set="statistics_canada",
        assessments=literal_assessments(),
    )
    kwargs.update(overrides)
    positional = (
        literal_observations if observations is None else observations,
        literal_status if status is None else status,
        literal_lines if lines is None else lines,
        [INDICATOR],
        [GOAL, ZERO_GOAL],
    )
    return positional, kwargs


def reference(positional, kwargs, fmt) -> bytes:
    return to_csv_bytes(export_table(*positional, **kwargs), fmt)


def streamed(positional, kwargs, fmt, chunk_rows=5_000) -> bytes:
    return b"".join(csv_chunks(*positional, **kwargs, fmt=fmt, chunk_rows=chunk_rows))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("chunk_rows", [1, 2, 5_000])
def test_pieces_make_the_same_file(fmt, chunk_rows):
    positional, kwargs = arguments()
    expected = reference(positional, kwargs, fmt)
    assert expected.count(b"\n") == 4  # header and three rows
    assert streamed(positional, kwargs, fmt, chunk_rows) == expected


def test_the_header_comes_first_and_each_piece_holds_whole_lines():
    positional, kwargs = arguments()
    pieces = list(csv_chunks(*positional, **kwargs, fmt=FORMAT_EXCEL_SV, chunk_rows=2))
    assert len(pieces) == 3  # the header, two rows, one row
    assert pieces[0].startswith(b"\xef\xbb\xbf") and pieces[0].endswith(b"\r\n")
    assert pieces[0].count(b"\r\n") == 1
    assert [piece.count(b"\r\n") for piece in pieces[1:]] == [2, 1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_variants_of_the_inputs(fmt):
    """Every level, no assessments, no goal lines, Kolada data, status columns of any dtype."""
    observations, status, lines = literal_inputs()
    cases = [
        arguments(levels=ALL_LEVELS, assessments=None, data_origin="kolada", retrieved=None),
        arguments(lines=lines.iloc[0:0]),
        arguments(status=status.astype(object)),
        arguments(status=status.iloc[0:0]),
        arguments(observations=observations.iloc[0:0]),
        arguments(retrieved=dt.date(2026, 1, 2), levels=()),
    ]
    for positional, kwargs in cases:
        assert streamed(positional, kwargs, fmt, 2) == reference(positional, kwargs, fmt)


def test_an_export_of_nothing_is_the_header():
    observations, _, _ = literal_inputs()
    positional, kwargs = arguments(observations=observations.iloc[0:0], levels=ALL_LEVELS)
    assert (
        streamed(positional, kwargs, FORMAT_CSV)
        == (",".join(export_columns(ALL_LEVELS)) + "\n").encode()
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("chunk_rows", [None, 1, 3, 5_000])
def test_a_table_in_pieces_is_the_same_file(fmt, chunk_rows):
    table = literal_latest("demo")
    assert len(table) == 4
    pieces = list(table_chunks(table, fmt, chunk_rows=chunk_rows))
    assert b"".join(pieces) == to_csv_bytes(table, fmt)
    if chunk_rows == 3:
        assert len(pieces) == 3  # the header, three rows, one row
    empty = table.iloc[0:0]
    assert b"".join(table_chunks(empty, fmt)) == to_csv_bytes(empty, fmt)


def test_a_table_s_bad_arguments_are_refused_before_the_first_piece():
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        table_chunks(literal_latest("demo"), "xlsx")
    with pytest.raises(ValueError, match="chunk_rows"):
        table_chunks(literal_latest("demo"), chunk_rows=0)


def test_bad_arguments_are_refused_before_the_first_piece():
    positional, kwargs = arguments()
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        csv_chunks(*positional, **kwargs, fmt="xlsx")
    with pytest.raises(ValueError, match="chunk_rows"):
        csv_chunks(*positional, **kwargs, chunk_rows=0)


# --- numbers a column at a time ----------------------------------------------------------------

EDGE_NUMBERS = [
    0.0,
    -0.0,
    0.1,
    -0.7,
    1.0,
    2015.0,
    7500000.0,
    0.0001,
    0.00001,
    1e-300,
    5e-324,
    1e16,
    1234567890123456.0,
    1e20,
    1.7976931348623157e308,
    0.30000000000000004,
    float("nan"),
    float("inf"),
    float("-inf"),
]


@pytest.mark.parametrize("decimal", [".", ","])
def test_edge_numbers_are_written_as_one_cell_at_a_time(decimal):
    written = number_cells(np.array(EDGE_NUMBERS), decimal).tolist()
    assert written == [format_cell(x, decimal) for x in EDGE_NUMBERS]
    assert written[:8] == [
        "0",
        "-0",
        f"0{decimal}1",
        f"-0{decimal}7",
        "1",
        "2015",
        "7500000",
        f"0{decimal}0001",
    ]
    assert written[-3:] == ["", "", ""]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=40),
    st.sampled_from([".", ","]),
)
def test_any_numbers_are_written_as_one_cell_at_a_time(numbers, decimal):
    written = number_cells(np.array(numbers, dtype=np.float64), decimal).tolist()
    assert written == [format_cell(x, decimal) for x in numbers]


def test_many_random_numbers_are_written_as_one_cell_at_a_time():
    rng = np.random.default_rng(20240)
    numbers = np.concatenate(
        [
            rng.normal(size=20_000) * 10.0 ** rng.integers(-8, 18, size=20_000),
            np.round(rng.normal(size=5_000) * 100, 2),
            rng.integers(-(10**6), 10**6, size=5_000).astype(np.float64),
        ]
    )
    assert number_cells(numbers, ",").tolist() == [format_cell(x, ",") for x in numbers]


# --- whole exports with generated values -------------------------------------------------------

TEXTS = st.text(alphabet=st.sampled_from(list('ab;,"\n\r\t=+-@ å')), max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(
        st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
        min_size=1,
        max_size=12,
    ),
    texts=st.lists(st.one_of(st.none(), TEXTS), min_size=1, max_size=12),
    title=TEXTS.filter(bool),
    reason=st.one_of(st.none(), TEXTS),
    chunk_rows=st.integers(1, 5),
    fmt=st.sampled_from(FORMATS),
)
def test_generated_exports_are_the_same_file(values, texts, title, reason, chunk_rows, fmt):
    n = len(values)
    observations = pd.DataFrame(
        {
            "kpi_id": "N00401",
            "area_id": ["2062" if i % 3 else "2080" for i in range(n)],
            "year": [2000 + (i * 7) % 25 for i in range(n)],
            "gender": "T",
            "value": values,
            "status": [texts[i % len(texts)] for i in range(n)],
        }
    ).drop_duplicates(["area_id", "year"])
    status = literal_inputs()[1].assign(reason=reason)
    positional, kwargs = arguments(
        observations=observations, status=status, area_titles={"2062": title, "2080": "Falun"}
    )
    assert streamed(positional, kwargs, fmt, chunk_rows) == reference(positional, kwargs, fmt)
