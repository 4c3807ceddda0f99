"""Översikt: what the database holds (replaced by the status matrix)."""

from __future__ import annotations

import dash
from dash import html

from data import queries
from layouts import _data
from layouts._components import data_table

dash.register_page(__name__, path="/", title="Översikt – Hållbarhetsuppföljning Dalarna", order=0)


def layout(**_query) -> html.Div:
    coverage = queries.coverage(_data.engine())
    titles = {i.kpi_id: i.label for i in _data.catalogue()}
    coverage["label"] = coverage["kpi_id"].map(titles).fillna("")
    return html.Div(
        [
            html.H1("Översikt"),
            data_table(
                coverage,
                [
                    ("kpi_id", "Nyckeltal", None),
                    ("label", "Indikator", None),
                    ("rows", "Värden", None),
                    ("areas", "Områden", None),
                    ("newest_year", "Senaste år", None),
                ],
                caption="Lagrade värden per nyckeltal",
            ),
        ]
    )
