"""Geography of the département for the maps: commune shapes, the borders between them, sector and CSP outlines.

Pure (no streamlit). The commune polygons come from the reference folder's
``communes.geojson`` (``reference.directory``: ``reference_data/`` for the
default Moselle, or the folder ``GPO_REFERENCE_DIR`` names), simplified as one
coverage by ``scripts/build_reference.py``: neighbouring communes share their
border vertex for vertex, so merging communes is exact (no sliver to paper
over). ``geography(reference)`` gives the ``Geography`` of a reference's folder,
read once per folder; the map's centre and zoom come from its contours.

Outlines are drawn from the border network of the communes, computed once:
each piece of border is stored once with the two communes it separates (or one
commune and the outside of the département). Given a label per commune (its
sector, its CSP, or None), the lines to draw are the borders between communes
of different labels (``border_lines``). Their size is bounded by the communes'
borders, whatever the number of sectors or CSPs in the reference, and each
border is drawn once even where two outlines meet. Results are cached by the
labels, i.e. by the reference content and scope, so editing ``sectors.csv``
gives new outlines without touching code.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from domain.reference import COMMUNES_GEOJSON, Reference

# Size of the frame the default zoom fits the département into (the map's default height).
FRAME_WIDTH = 900
FRAME_HEIGHT = 650

# Coordinates in the GeoJSON are rounded to 4 decimals; vertices are matched on that grid.
GRID = 10_000
DECIMALS = 4

Ring = list[tuple[float, float]]
Labels = tuple[str | None, ...]  # one label per commune, in ``Geography.codes`` order


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


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


@dataclass(frozen=True)
class BorderNetwork:
    """Every border of the communes once: ``lines[k]`` separates commune ``left[k]`` from ``right[k]`` (-1: outside)."""

    left: np.ndarray
    right: np.ndarray
    lines: np.ndarray  # LineString or MultiLineString per pair


class Geography:
    """The communes of one reference folder: their GeoJSON, shapes, bounds and border network, each computed once."""

    def __init__(self, geojson_path: Path):
        self.path = geojson_path
        with geojson_path.open(encoding="utf-8") as fh:
            self.geojson: dict = json.load(fh)  # FeatureCollection, feature id = INSEE code; shared, read-only
        features = self.geojson["features"]
        self.codes: tuple[str, ...] = tuple(str(f["id"]) for f in features)  # file order
        self.shapes: np.ndarray = np.array([shape(f["geometry"]) for f in features], dtype=object)
        self.index: dict[str, int] = {code: i for i, code in enumerate(self.codes)}
        self.features_by_code: dict[str, dict] = {str(f["id"]): f for f in features}
        self.names: dict[str, str] = {str(f["id"]): f["properties"].get("nom", str(f["id"])) for f in features}
        minx, miny, maxx, maxy = shapely.total_bounds(self.shapes)
        self.bounds: tuple[float, float, float, float] = (float(minx), float(miny), float(maxx), float(maxy))
        self._network: BorderNetwork | None = None
        self._commune_bounds: dict[str, tuple[float, float, float, float]] | None = None
        self.border_lines = lru_cache(maxsize=64)(self._border_lines)
        self.union = lru_cache(maxsize=4096)(self._union)
        self.outline = lru_cache(maxsize=4096)(self._outline)
        self.point_inside = lru_cache(maxsize=4096)(self._point_inside)

    # --- where the map looks ------------------------------------------------------------------------------------
    def center(self) -> tuple[float, float]:
        """(lat, lon) of the centre of the département's bounding box."""
        minx, miny, maxx, maxy = self.bounds
        return (round(float(miny + maxy) / 2, 5), round(float(minx + maxx) / 2, 5))

    def zoom(self, width: int = FRAME_WIDTH, height: int = FRAME_HEIGHT, padding: float = 0.04) -> float:
        """Map zoom that fits the whole département in a width × height px frame (about 8.1 for Moselle in 900×650)."""
        return fit_zoom(self.bounds, width, height, padding)

    def commune_bounds(self) -> dict[str, tuple[float, float, float, float]]:
        """(min lon, min lat, max lon, max lat) of each commune."""
        if self._commune_bounds is None:
            self._commune_bounds = {code: tuple(float(v) for v in geom.bounds)  # type: ignore[misc]
                                    for code, geom in zip(self.codes, self.shapes)}
        return self._commune_bounds

    def commune_labels(self, owner: dict[str, str]) -> Labels:
        """``owner`` (INSEE code -> label) as one label per commune in ``codes`` order."""
        return tuple(owner.get(code) for code in self.codes)

    # --- the border network -------------------------------------------------------------------------------------
    def _segments(self) -> tuple[np.ndarray, np.ndarray]:
        """Every ring segment of every commune as grid integers (x1, y1, x2, y2), endpoints sorted, and its commune."""
        parts, owner_of_part = shapely.get_parts(self.shapes, return_index=True)  # polygons of multipolygons apart
        rings = shapely.get_rings(parts)  # exterior then holes, polygon by polygon
        ring_owner = np.repeat(owner_of_part, shapely.get_num_interior_rings(parts) + 1)
        coords, ring_index = shapely.get_coordinates(rings, return_index=True)
        points = np.rint(coords * GRID).astype(np.int64)
        same_ring = ring_index[1:] == ring_index[:-1]
        start, end = points[:-1][same_ring], points[1:][same_ring]
        owner = ring_owner[ring_index[:-1][same_ring]]
        swap = (start[:, 0] > end[:, 0]) | ((start[:, 0] == end[:, 0]) & (start[:, 1] > end[:, 1]))
        first = np.where(swap[:, None], end, start)
        second = np.where(swap[:, None], start, end)
        return np.hstack([first, second]), owner

    def border_network(self) -> BorderNetwork:
        """The communes' border network, from their shared ring segments. Computed once (about 0.1 s)."""
        if self._network is not None:
            return self._network
        segments, owner = self._segments()
        unique, inverse, counts = np.unique(segments, axis=0, return_inverse=True, return_counts=True)
        inverse = inverse.ravel()
        if counts.max() > 2:
            raise ValueError("communes overlap: a border segment belongs to more than two communes")
        order = np.argsort(inverse, kind="stable")
        first_owner = np.full(len(unique), -1)
        second_owner = np.full(len(unique), -1)
        sorted_inverse = inverse[order]
        starts = np.r_[True, sorted_inverse[1:] != sorted_inverse[:-1]]
        first_owner[sorted_inverse[starts]] = owner[order][starts]
        second_owner[sorted_inverse[~starts]] = owner[order][~starts]
        left = np.where(second_owner == -1, first_owner, np.minimum(first_owner, second_owner))
        right = np.where(second_owner == -1, -1, np.maximum(first_owner, second_owner))
        pairs, pair_of_segment = np.unique(np.column_stack([left, right]), axis=0, return_inverse=True)
        pair_of_segment = pair_of_segment.ravel()
        segment_lines = shapely.linestrings(unique.reshape(-1, 2, 2) / GRID)
        by_pair = np.argsort(pair_of_segment, kind="stable")
        bounds = np.searchsorted(pair_of_segment[by_pair], np.arange(len(pairs) + 1))
        lines = np.array([shapely.line_merge(shapely.multilinestrings(segment_lines[by_pair[a:b]]))
                          for a, b in zip(bounds[:-1], bounds[1:])], dtype=object)
        self._network = BorderNetwork(pairs[:, 0], pairs[:, 1], lines)
        return self._network

    def _border_lines(self, labels: Labels, same: Labels | None = None
                      ) -> tuple[tuple[float | None, ...], tuple[float | None, ...]]:
        """(lons, lats) of the borders between communes of different labels, lines separated by None (plotly's form).

        ``labels`` gives one label per commune in ``codes`` order (None: no label; the outside of the
        département counts as None); a border is drawn where the labels on its two sides differ and one is not None.
        With ``same``, only the borders whose two sides have equal ``same`` labels are kept (the sector borders inside
        a CSP, when the CSP borders are drawn by another trace). Touching pieces are merged into long lines, so each
        junction point is written once. Cached by the labels (``border_lines``): one computation per scope.
        """
        network = self.border_network()
        if len(labels) != len(self.codes) or (same is not None and len(same) != len(self.codes)):
            raise ValueError("one label per commune expected")

        def sides(of: Labels) -> tuple[np.ndarray, np.ndarray]:
            values = np.array([*of, None], dtype=object)  # index -1: the outside
            return values[network.left], values[network.right]

        a, b = sides(labels)
        keep = (a != b) & ~(np.equal(a, None) & np.equal(b, None))
        if same is not None:
            c, d = sides(same)
            keep &= c == d
        if not keep.any():
            return (), ()
        merged = shapely.line_merge(shapely.multilinestrings(shapely.get_parts(network.lines[keep])))
        lons: list[float | None] = []
        lats: list[float | None] = []
        for part in shapely.get_parts(merged):
            xy = np.round(shapely.get_coordinates(part), DECIMALS)
            lons.extend(xy[:, 0].tolist())
            lats.extend(xy[:, 1].tolist())
            lons.append(None)
            lats.append(None)
        return tuple(lons[:-1]), tuple(lats[:-1])

    # --- unions of communes -------------------------------------------------------------------------------------
    def _union(self, insee_codes: tuple[str, ...]) -> shapely.Geometry | None:
        """The exact union of some communes (a coverage: no overlap, shared borders identical)."""
        rows = [self.index[c] for c in dict.fromkeys(insee_codes) if c in self.index]
        return shapely.coverage_union_all(self.shapes[rows]) if rows else None

    def _outline(self, insee_codes: tuple[str, ...]) -> tuple[tuple[tuple[float, float], ...], ...]:
        union = self.union(insee_codes)
        return tuple(tuple(ring) for ring in _exterior_rings(union)) if union is not None else ()

    def _point_inside(self, insee_codes: tuple[str, ...]) -> tuple[float, float] | None:
        union = self.union(insee_codes)
        if union is None:
            return None
        point = union.representative_point()
        return (round(point.x, 5), round(point.y, 5))


@lru_cache(maxsize=4)
def _geography_at(path: str) -> Geography:
    return Geography(Path(path))


def geography(reference: Reference) -> Geography:
    """The communes' geography of ``reference``'s folder, read once per folder."""
    return _geography_at(str(Path(reference.directory) / COMMUNES_GEOJSON))


# --- sector and CSP shapes ----------------------------------------------------------------------------------------

def _exterior_rings(geom: shapely.Geometry) -> list[Ring]:
    rings: list[Ring] = []
    for part in shapely.get_parts(geom):
        if part.is_empty or part.geom_type != "Polygon":
            continue
        rings.append([(round(x, DECIMALS), round(y, DECIMALS)) for x, y in part.exterior.coords])
    return rings


def _rings(reference: Reference, insee_codes: tuple[str, ...]) -> list[Ring]:
    return [list(ring) for ring in geography(reference).outline(insee_codes)]


def _csp_communes(reference: Reference) -> dict[str, tuple[str, ...]]:
    members: dict[str, list[str]] = {cid: [] for cid in reference.csps}
    for s in reference.sectors.values():
        members.setdefault(s.csp_id, []).extend(s.communes)
    return {cid: tuple(sorted(set(codes))) for cid, codes in members.items()}


def sector_outlines(reference: Reference) -> dict[str, list[Ring]]:
    """Outer boundary rings (lon, lat) of each sector: the union of its communes (cached per commune list)."""
    return {s.sector_id: _rings(reference, tuple(sorted(s.communes))) for s in reference.sectors.values()}


def csp_outlines(reference: Reference) -> dict[str, list[Ring]]:
    """Outer boundary rings (lon, lat) of each CSP: the union of its sectors' communes."""
    return {cid: _rings(reference, codes) for cid, codes in _csp_communes(reference).items()}


def sector_centroids(reference: Reference) -> dict[str, tuple[float, float]]:
    """A (lon, lat) point inside each sector, for its label."""
    geo = geography(reference)
    points = {s.sector_id: geo.point_inside(tuple(sorted(s.communes))) for s in reference.sectors.values()}
    return {sid: point for sid, point in points.items() if point is not None}
