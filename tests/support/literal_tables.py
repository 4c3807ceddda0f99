"""Literal indicators and status tables for the tests of the overview and of an area's profile
(the rules in tests/unit and the pages in tests/web)."""

from __future__ import annotations

import pandas as pd

from indicators.catalogue import Indicator
from indicators.vocabulary import TREND


def make_indicator(kpi_id: str, label: str, sdg: int, dimension: str, **extra) -> Indicator:
    fields = dict(
        kpi_id=kpi_id,
        label=label,
        kolada_title=f"{label} (Kolada)",
        sdg_goal=sdg,
        sdg_target=None,
        dimension=dimension,
        direction="up",
        unit="andel (%)",
        decimals=1,
        natural_limit=None,
        is_divided_by_gender=False,
        municipality_type="A",
        source_group="agenda2030",
    )
    fields.update(extra)
    return Indicator(**fields)


CLIMATE = make_indicator(
    "N00013", "Utsläpp", 13, "miljömässig", direction="down", unit="ton CO2e", decimals=0
)
HEALTH = make_indicator("N00003", "Hälsa", 3, "social")
SCHOOL = make_indicator("N00004", "Skola", 3, "social")
REGION_ONLY = make_indicator("N00008", "Länsvärde", 8, "ekonomisk", municipality_type="L")
INDICATORS = [CLIMATE, HEALTH, SCHOOL, REGION_ONLY]

BASE = {
    "gender": "T",
    "goal_id": None,
    "score": None,
    "reason": "",
    "base_year": None,
    "base_value": None,
    "latest_year": None,
    "latest_value": None,
    "target_value": None,
    "target_year": None,
    "required_annual_change": None,
    "observed_annual_change": None,
    "method": "trend",
    "threshold_set": "statistics_canada",
}


def row(area_id, indicator, level, status, score, **extra):
    values = dict(BASE, area_id=area_id, kpi_id=indicator.kpi_id, level=level, status=status)
    values.update(sdg_goal=indicator.sdg_goal, dimension=indicator.dimension, score=score)
    values.update(extra)
    return values


def status_frame(rows: list[tuple]) -> pd.DataFrame:
    """A small status table: (kpi_id, level, sdg_goal, status, score) for area 2062, total."""
    records = [
        {
            "area_id": "2062",
            "kpi_id": kpi,
            "gender": "T",
            "level": level,
            "goal_id": None if level == TREND else f"{kpi}-{level}",
            "sdg_goal": sdg,
            "status": str(status),
            "score": score,
            "reason": f"motivering {kpi}",
            "latest_year": 2024,
            "latest_value": 10.0,
            "target_value": None,
            "required_annual_change": None,
            "observed_annual_change": 0.01,
        }
        for kpi, level, sdg, status, score in rows
    ]
    return pd.DataFrame(records)
