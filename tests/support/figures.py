"""Reading the dashboard's figures in tests.

The pages build figures as plain dicts (``{"data": [...], "layout": {...}}``, what ``dcc.Graph``
hands to plotly.js). :func:`validated` reads one through Plotly's graph objects, which check
every trace type, property name and value against plotly.js's schema, so that the tests read
figures by attribute (``figure.data[0].x``, ``figure.layout.title.text``) as before and a
misspelt or invalid property still fails a test.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go


def validated(figure) -> go.Figure:
    """``figure`` (a plain dict of JSON values: no NaN, no NumPy or pandas types) as a
    validated ``go.Figure``."""
    assert isinstance(figure, dict), f"a figure is a plain dict, not {type(figure).__name__}"
    assert set(figure) <= {"data", "layout"}, sorted(figure)
    json.dumps(figure, allow_nan=False)  # plain JSON: raises on NaN and on non-JSON types
    return go.Figure(figure)
