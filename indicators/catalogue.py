"""The curated indicator catalogue: which Kolada KPIs the dashboard follows and how.

The catalogue lives in ``indicators/catalogue.csv`` (UTF-8, one row per KPI). Each row names
the KPI, a short Swedish label, Kolada's own title, the Sustainable Development Goal (and
target) it serves, its dimension of sustainability, the desired direction of change, the unit
and how to show it. Loading validates every row; a bad row raises :class:`CatalogueError`
naming the file, the line and the field.

The effective catalogue (:func:`load_catalogue` without a path, :func:`catalogue_by_id`) is the
shipped catalogue followed by the own indicators stored by imports of own statistics (``python
-m etl import-csv``): indicators Kolada does not carry, whose ids begin with ``EGEN_`` and whose
metadata file is validated here as well (:func:`own_indicator`). The dashboard's service reads
them from the database and sets them with :func:`use_own_indicators` whenever the data
changes; everything that asks the catalogue then sees them.
"""

from __future__ import annotations

import csv
import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from data.models import SOURCE_KOLADA, OwnIndicator
from indicators.sdg import DIMENSIONS

log = logging.getLogger(__name__)

DEFAULT_CATALOGUE_PATH = Path(__file__).resolve().parent / "catalogue.csv"

#: The catalogue's columns, in file order.
COLUMNS: tuple[str, ...] = (
    "kpi_id",
    "label",
    "kolada_title",
    "sdg_goal",
    "sdg_target",
    "dimension",
    "direction",
    "unit",
    "decimals",
    "natural_limit",
    "is_divided_by_gender",
    "municipality_type",
    "source_group",
)

#: Desired direction of change: ``up`` (higher is better), ``down`` (lower is better) or
#: ``none`` (descriptive; no better direction).
DIRECTIONS: tuple[str, ...] = ("up", "down", "none")
MUNICIPALITY_TYPES: tuple[str, ...] = ("K", "L", "A")
#: Where an entry comes from: Kolada's group "Agenda 2030 - Kommun" or Region Dalarna's
#: follow-up of its regional development strategy.
SOURCE_GROUPS: tuple[str, ...] = ("agenda2030", "region_dalarna")
#: The source group of own indicators (imported from a file, not from Kolada).
OWN_SOURCE_GROUP = "egen"
#: How an own indicator's id begins; the rest is capital letters, digits and ``_``.
OWN_PREFIX = "EGEN_"
OWN_ID_FORM = "EGEN_ följt av 1–11 versaler (A–Z), siffror eller _, t.ex. EGEN_UTSLAPP"
#: The columns a metadata file of own indicators must have, and those it may have.
OWN_REQUIRED_COLUMNS: tuple[str, ...] = (
    "kpi_id",
    "label",
    "unit",
    "sdg_goal",
    "dimension",
    "direction",
    "source_name",
    "source_url",
)
OWN_COLUMNS: tuple[str, ...] = (*COLUMNS, "source_name", "source_url")
#: What the optional columns of an own indicator are when left out or empty.
OWN_DEFAULTS: dict[str, str] = {
    "sdg_target": "",
    "decimals": "1",
    "natural_limit": "",
    "is_divided_by_gender": "false",
    "municipality_type": "A",
    "source_group": OWN_SOURCE_GROUP,
}
MAX_SOURCE_NAME_LENGTH = 200
MAX_LABEL_LENGTH = 60
MAX_DECIMALS = 3

#: Units that describe a municipality as a whole without depending on its size: shares, indices,
#: ratios and ages. Any other unit without a "per" ("/") is a total for the whole municipality.
SIZE_INDEPENDENT_UNITS: frozenset[str] = frozenset({"andel (%)", "procent", "index", "kvot", "år"})

_KPI_ID = re.compile(r"[NU]\d{5}")
_OWN_ID = re.compile(r"EGEN_[A-Z0-9_]{1,11}")
_SDG_TARGET = re.compile(r"(\d{1,2})\.(\d{1,2}|[a-z])")
_BOOLEANS = {"true": True, "false": False}


class CatalogueError(ValueError):
    """A catalogue file that cannot be used; the message names file, line and field."""

    def __init__(self, path: Path, line: int | None, field: str | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.problem = problem
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Indicator:
    """One catalogue entry: a Kolada KPI and how the dashboard presents and judges it."""

    kpi_id: str
    label: str
    kolada_title: str
    sdg_goal: int
    sdg_target: str | None
    dimension: str
    direction: str
    unit: str
    decimals: int
    natural_limit: float | None
    is_divided_by_gender: bool
    municipality_type: str
    source_group: str
    #: Where the values come from: Kolada for the shipped catalogue, the source named in the
    #: metadata file for an own indicator (e.g. "SMHI, Nationella emissionsdatabasen").
    source_name: str = SOURCE_KOLADA
    source_url: str = ""

    @property
    def is_own(self) -> bool:
        """Whether the indicator is an own one (imported from a file, not from Kolada)."""
        return self.source_group == OWN_SOURCE_GROUP

    @property
    def source_text(self) -> str:
        """ "Källa: Kolada", "Källa: SMHI, Nationella emissionsdatabasen", …"""
        return f"Källa: {self.source_name}"

    @property
    def is_total(self) -> bool:
        """Whether the value is a total for the whole area (tonnes, MWh, kg, a count), which grows
        with its population – unlike a share, a rate or a value per inhabitant. Totals are not
        ranked against each other, and Jämför offers them per inhabitant."""
        return "/" not in self.unit and self.unit not in SIZE_INDEPENDENT_UNITS


def load_catalogue(path: Path | None = None) -> tuple[Indicator, ...]:
    """The catalogue's entries in file order; when ``path`` is ``None`` the effective
    catalogue: the shipped one followed by the own indicators (:func:`use_own_indicators`).

    The shipped catalogue is read once and cached. Raises :class:`CatalogueError` for a file
    that is missing, has unknown or missing columns, or has a bad row.
    """
    if path is None:
        return _default_catalogue() + _own_indicators
    return _read_catalogue(Path(path))


def shipped_catalogue() -> tuple[Indicator, ...]:
    """The shipped catalogue alone (``indicators/catalogue.csv``), without own indicators."""
    return _default_catalogue()


def catalogue_by_id() -> dict[str, Indicator]:
    """The effective catalogue keyed by KPI id."""
    return {indicator.kpi_id: indicator for indicator in load_catalogue()}


#: The stored own indicators, in id order (set by :func:`use_own_indicators`).
_own_indicators: tuple[Indicator, ...] = ()


def use_own_indicators(indicators: Iterable[Indicator]) -> None:
    """Make the effective catalogue the shipped one followed by ``indicators`` (own ones whose
    ids the shipped catalogue does not use; others are left out)."""
    global _own_indicators
    shipped = {indicator.kpi_id for indicator in _default_catalogue()}
    _own_indicators = tuple(
        indicator
        for indicator in indicators
        if indicator.is_own and indicator.kpi_id not in shipped
    )


def own_indicator_of(record: OwnIndicator) -> Indicator:
    """The catalogue entry of a stored own indicator."""
    return Indicator(
        kpi_id=record.kpi_id,
        label=record.label,
        kolada_title=record.title,
        sdg_goal=record.sdg_goal,
        sdg_target=record.sdg_target,
        dimension=record.dimension,
        direction=record.direction,
        unit=record.unit,
        decimals=record.decimals,
        natural_limit=record.natural_limit,
        is_divided_by_gender=record.is_divided_by_gender,
        municipality_type=record.municipality_type,
        source_group=OWN_SOURCE_GROUP,
        source_name=record.source_name,
        source_url=record.source_url,
    )


def own_indicator(path: Path, line: int, row: dict[str, str]) -> Indicator:
    """One row of a metadata file of own indicators, checked like a catalogue row (and its
    source); ``row`` holds at least :data:`OWN_REQUIRED_COLUMNS`. ``kolada_title`` (the long
    title) defaults to the label, the other optional columns to :data:`OWN_DEFAULTS`. Raises
    :class:`CatalogueError` naming file, line and field."""
    full = {name: (row.get(name) or "").strip() for name in OWN_COLUMNS}
    for name, default in OWN_DEFAULTS.items():
        full[name] = full[name] or default
    full["kolada_title"] = full["kolada_title"] or full["label"]
    if full["source_group"] != OWN_SOURCE_GROUP:
        raise CatalogueError(path, line, "source_group", f"expected empty or {OWN_SOURCE_GROUP!r}")
    indicator = _indicator(path, line, full, own=True)
    source_name, source_url = full["source_name"], full["source_url"]
    if not source_name or len(source_name) > MAX_SOURCE_NAME_LENGTH:
        raise CatalogueError(
            path,
            line,
            "source_name",
            f"expected the source's name, at most {MAX_SOURCE_NAME_LENGTH} characters, "
            "e.g. 'SMHI, Nationella emissionsdatabasen'",
        )
    if source_url and not source_url.startswith(("https://", "http://")):
        raise CatalogueError(
            path,
            line,
            "source_url",
            f"expected empty or an address beginning with https://, got {source_url!r}",
        )
    return replace(indicator, source_name=source_name, source_url=source_url)


@functools.cache
def _default_catalogue() -> tuple[Indicator, ...]:
    return _read_catalogue(DEFAULT_CATALOGUE_PATH)


def _read_catalogue(path: Path) -> tuple[Indicator, ...]:
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise CatalogueError(path, None, None, f"cannot be read ({error.strerror})") from error
    with handle:
        try:
            indicators = _parse(path, handle)
        except UnicodeDecodeError as error:
            raise CatalogueError(path, None, None, "expected a UTF-8 text file") from error
    log.debug("Loaded %d indicators from %s", len(indicators), path)
    return indicators


def _parse(path: Path, handle) -> tuple[Indicator, ...]:
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None:
        raise CatalogueError(path, 1, None, f"expected a header row with {', '.join(COLUMNS)}")
    header = [name.strip().removeprefix("\ufeff") for name in header]
    _check_header(path, header)

    indicators: list[Indicator] = []
    first_line: dict[str, int] = {}
    end_of_previous = reader.line_num
    for values in reader:
        line = end_of_previous + 1
        end_of_previous = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            raise CatalogueError(
                path, line, None, f"expected {len(header)} fields, found {len(values)}"
            )
        row = dict(zip(header, (value.strip() for value in values), strict=True))
        indicator = _indicator(path, line, row)
        if indicator.kpi_id in first_line:
            raise CatalogueError(
                path,
                line,
                "kpi_id",
                f"duplicate KPI id {indicator.kpi_id!r}, first listed on line "
                f"{first_line[indicator.kpi_id]}",
            )
        first_line[indicator.kpi_id] = line
        indicators.append(indicator)
    return tuple(indicators)


def _check_header(path: Path, header: list[str]) -> None:
    expected = ", ".join(COLUMNS)
    for name in header:
        if name not in COLUMNS:
            raise CatalogueError(
                path, 1, name, f"unknown column; expected only the columns {expected}"
            )
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise CatalogueError(path, 1, name, "column appears twice")
        seen.add(name)
    missing = [name for name in COLUMNS if name not in seen]
    if missing:
        raise CatalogueError(path, 1, missing[0], f"missing column (missing: {', '.join(missing)})")


def _indicator(path: Path, line: int, row: dict[str, str], *, own: bool = False) -> Indicator:  # noqa: C901 - one check per column, in column order
    def fail(field: str, expected: str) -> CatalogueError:
        return CatalogueError(path, line, field, f"expected {expected}, got {row[field]!r}")

    kpi_id = row["kpi_id"]
    if own and not _OWN_ID.fullmatch(kpi_id):
        raise fail("kpi_id", OWN_ID_FORM)
    if not own and not _KPI_ID.fullmatch(kpi_id):
        raise fail("kpi_id", "a Kolada KPI id: N or U followed by five digits, e.g. N00401")

    label = row["label"]
    if not label:
        raise fail("label", "a short Swedish label")
    if len(label) > MAX_LABEL_LENGTH:
        raise fail("label", f"at most {MAX_LABEL_LENGTH} characters ({len(label)} given)")

    if not row["kolada_title"]:
        raise fail("kolada_title", "Kolada's title of the KPI")

    try:
        sdg_goal = int(row["sdg_goal"])
    except ValueError:
        sdg_goal = 0
    if not 1 <= sdg_goal <= 17 or not row["sdg_goal"].isdigit():
        raise fail("sdg_goal", "a goal number from 1 to 17")

    sdg_target = row["sdg_target"] or None
    if sdg_target is not None:
        match = _SDG_TARGET.fullmatch(sdg_target)
        if match is None or int(match.group(1)) != sdg_goal:
            raise fail(
                "sdg_target",
                f"empty or a target of goal {sdg_goal}, e.g. {sdg_goal}.1 or {sdg_goal}.a",
            )

    if row["dimension"] not in DIMENSIONS:
        raise fail("dimension", f"one of {', '.join(DIMENSIONS)}")
    if row["direction"] not in DIRECTIONS:
        raise fail("direction", f"one of {', '.join(DIRECTIONS)}")
    if not row["unit"]:
        raise fail("unit", "the unit, e.g. 'andel (%)'")

    if not row["decimals"].isdigit() or int(row["decimals"]) > MAX_DECIMALS:
        raise fail("decimals", f"a whole number from 0 to {MAX_DECIMALS}")
    decimals = int(row["decimals"])

    natural_limit: float | None = None
    if row["natural_limit"]:
        try:
            natural_limit = float(row["natural_limit"])
        except ValueError:
            natural_limit = None
        if natural_limit is None or not natural_limit > 0 or natural_limit == float("inf"):
            raise fail("natural_limit", "empty or a positive number, e.g. 100")

    gender = _BOOLEANS.get(row["is_divided_by_gender"].lower())
    if gender is None:
        raise fail("is_divided_by_gender", "true or false")

    if row["municipality_type"] not in MUNICIPALITY_TYPES:
        raise fail("municipality_type", "K (municipalities), L (regions) or A (both)")
    if row["source_group"] not in ((OWN_SOURCE_GROUP,) if own else SOURCE_GROUPS):
        raise fail("source_group", f"one of {', '.join(SOURCE_GROUPS)}")

    return Indicator(
        kpi_id=kpi_id,
        label=label,
        kolada_title=row["kolada_title"],
        sdg_goal=sdg_goal,
        sdg_target=sdg_target,
        dimension=row["dimension"],
        direction=row["direction"],
        unit=row["unit"],
        decimals=decimals,
        natural_limit=natural_limit,
        is_divided_by_gender=gender,
        municipality_type=row["municipality_type"],
        source_group=row["source_group"],
    )
