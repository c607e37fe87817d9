"""Geography of Moselle for the maps: commune shapes, sector and CSP outlines.

Pure (no streamlit). The commune polygons come from the committed, simplified
GeoJSON in ``reference_data/``; sector and CSP outlines are computed from it
with shapely (union of their communes) and cached by the reference content,
so editing ``sectors.csv`` gives new outlines without touching code.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import shape

from domain.reference import Reference

GEOJSON_PATH = Path(__file__).resolve().parent.parent / "reference_data" / "communes_moselle.geojson"

# Close the slivers left between independently simplified neighbouring communes
# (0.0005° ≈ 40-55 m), then simplify the outline lightly.
_SLIVER = 0.0005
_SIMPLIFY = 0.0003

# Size of the frame the default zoom fits Moselle into (the map's default height).
FRAME_WIDTH = 900
FRAME_HEIGHT = 650

Ring = list[tuple[float, float]]


@lru_cache(maxsize=1)
def communes_geojson() -> dict:
    """The committed commune GeoJSON (FeatureCollection, feature id = INSEE code). Read once."""
    with GEOJSON_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _commune_shapes() -> dict[str, shapely.Geometry]:
    return {str(f["id"]): shape(f["geometry"]) for f in communes_geojson()["features"]}


def commune_codes() -> list[str]:
    """INSEE codes of every commune drawn on the map, in file order."""
    return [str(f["id"]) for f in communes_geojson()["features"]]


@lru_cache(maxsize=1)
def _bounds() -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = shapely.total_bounds(list(_commune_shapes().values()))
    return (float(minx), float(miny), float(maxx), float(maxy))


def moselle_center() -> tuple[float, float]:
    """(lat, lon) of the centre of Moselle's bounding box."""
    minx, miny, maxx, maxy = _bounds()
    return (round(float(miny + maxy) / 2, 5), round(float(minx + maxx) / 2, 5))


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def moselle_zoom(width: int = FRAME_WIDTH, height: int = FRAME_HEIGHT, padding: float = 0.04) -> float:
    """Map zoom that fits the whole département in a width × height px frame (about 8.1 for 900×650)."""
    return fit_zoom(_bounds(), width, height, padding)


@lru_cache(maxsize=1)
def commune_bounds() -> dict[str, tuple[float, float, float, float]]:
    """(min lon, min lat, max lon, max lat) of each commune."""
    return {code: tuple(float(v) for v in geom.bounds) for code, geom in _commune_shapes().items()}  # type: ignore[misc]


def fit_zoom(bounds: tuple[float, float, float, float], width: int, height: int, padding: float = 0.04) -> float:
    """Map zoom that fits a (min lon, min lat, max lon, max lat) box in a width × height px frame.

    Web Mercator with maplibre's 512 px world at zoom 0; ``padding`` is the
    share of the frame kept free on each side.
    """
    minx, miny, maxx, maxy = bounds
    maxx, maxy = max(maxx, minx + 1e-3), max(maxy, miny + 1e-3)
    usable_w = width * (1 - 2 * padding)
    usable_h = height * (1 - 2 * padding)
    zoom_w = math.log2(usable_w * 360 / (512 * (maxx - minx)))
    zoom_h = math.log2(usable_h * 2 * math.pi / (512 * (_mercator_y(maxy) - _mercator_y(miny))))
    return round(min(zoom_w, zoom_h), 2)


def _exterior_rings(geom: shapely.Geometry) -> list[Ring]:
    parts = getattr(geom, "geoms", [geom])
    rings: list[Ring] = []
    for part in parts:
        if part.is_empty or part.geom_type != "Polygon":
            continue
        rings.append([(round(x, 5), round(y, 5)) for x, y in part.exterior.coords])
    return rings


def _merged_outline(insee_codes: tuple[str, ...]) -> list[Ring]:
    shapes = _commune_shapes()
    geoms = [shapes[c] for c in insee_codes if c in shapes]
    if not geoms:
        return []
    merged = shapely.union_all(geoms).buffer(_SLIVER).buffer(-_SLIVER)
    return _exterior_rings(merged.simplify(_SIMPLIFY, preserve_topology=True))


@lru_cache(maxsize=8)
def _sector_outlines_cached(key: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, list[Ring]]:
    return {sector_id: _merged_outline(communes) for sector_id, communes in key}


def _sector_key(reference: Reference) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((s.sector_id, tuple(s.communes)) for s in reference.sectors.values())


def _csp_key(reference: Reference) -> tuple[tuple[str, tuple[str, ...]], ...]:
    members: dict[str, list[str]] = {cid: [] for cid in reference.csps}
    for s in reference.sectors.values():
        members.setdefault(s.csp_id, []).extend(s.communes)
    return tuple((cid, tuple(codes)) for cid, codes in members.items())


def sector_outlines(reference: Reference) -> dict[str, list[Ring]]:
    """Outer boundary rings (lon, lat) of each sector: the union of its communes."""
    return _sector_outlines_cached(_sector_key(reference))


def csp_outlines(reference: Reference) -> dict[str, list[Ring]]:
    """Outer boundary rings (lon, lat) of each CSP: the union of its sectors' communes."""
    return _sector_outlines_cached(_csp_key(reference))


@lru_cache(maxsize=8)
def _centroids_cached(key: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, tuple[float, float]]:
    shapes = _commune_shapes()
    out: dict[str, tuple[float, float]] = {}
    for sector_id, communes in key:
        geoms = [shapes[c] for c in communes if c in shapes]
        if geoms:
            point = shapely.union_all(geoms).buffer(_SLIVER).buffer(-_SLIVER).representative_point()
            out[sector_id] = (round(point.x, 5), round(point.y, 5))
    return out


def sector_centroids(reference: Reference) -> dict[str, tuple[float, float]]:
    """A (lon, lat) point inside each sector, for its label."""
    return _centroids_cached(_sector_key(reference))
