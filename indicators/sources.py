"""Where the stored values come from: Kolada, and the sources of imported own statistics.

:func:`source_table` is the Om page's list of sources: each with its values, its indicators,
its address and its last import, in words and numbers a reader sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from data.models import SOURCE_KOLADA
from data.queries import SourceSummary
from indicators.catalogue import Indicator
from indicators.formatting import MISSING, format_datetime, format_number

KOLADA_URL = "https://www.kolada.se/"
#: What the Kolada row says while the stored values are the generated demo data.
DEMO_SOURCE = "Demodata (genererade värden, inte Kolada)"

SOURCE_COLUMNS: tuple[str, ...] = ("source", "url", "values", "indicators", "last_import")


def source_table(
    summaries: Sequence[SourceSummary], catalogue: Iterable[Indicator], *, demo: bool = False
) -> pd.DataFrame:
    """One row per source of stored values (in the order given): its name, its address (Kolada's,
    or the one an own indicator of that source names), how many values and indicators it has,
    and its last import as Swedish text ("–" for never). ``demo``: the values stored as
    Kolada's are the demo data, and their row says so (without Kolada's address)."""
    addresses = {} if demo else {SOURCE_KOLADA: KOLADA_URL}
    for indicator in catalogue:
        if indicator.is_own and indicator.source_url:
            addresses.setdefault(indicator.source_name, indicator.source_url)
    rows = [
        {
            "source": DEMO_SOURCE if demo and summary.source == SOURCE_KOLADA else summary.source,
            "url": addresses.get(summary.source, ""),
            "values": format_number(summary.values, 0),
            "indicators": format_number(summary.indicators, 0),
            "last_import": (
                format_datetime(summary.last_import) if summary.last_import else MISSING
            ),
        }
        for summary in summaries
    ]
    return pd.DataFrame(rows, columns=list(SOURCE_COLUMNS))
