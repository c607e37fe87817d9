"""Reference data of one département: its name, its CSP, its sectors, its communes (and their contours).

A reference is a folder of editable files (an admin changes an animateur or a
commune list in LibreOffice, not in code), written for any département by
``scripts/build_reference.py``:

* ``departement.toml``: the département's code and name (``Departement``);
* ``communes.csv`` (INSEE code, name, population) and ``communes.geojson``
  (their contours, read by ``domain.geography``);
* ``csp.csv`` and ``sectors.csv``: the police organisation, filled by hand.

``reference_data/`` (Moselle, with example CSP and sectors) is the default;
``GPO_REFERENCE_DIR`` names another folder. This module reads a folder and
answers the matching questions loaders ask: which sector does "FREYMING
MERLEBACH" mean, which INSEE code is "St-Avold".
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from domain.text import fold, squash

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference_data"  # the default reference (Moselle)
DEPARTEMENT_FILE = "departement.toml"
COMMUNES_CSV = "communes.csv"
COMMUNES_GEOJSON = "communes.geojson"
CSP_CSV = "csp.csv"
SECTORS_CSV = "sectors.csv"
# The columns of the two files filled by hand (scripts/build_reference.py writes them empty with these headers).
CSP_COLUMNS = ("csp_id", "name", "commissariat_insee", "aliases")
SECTOR_COLUMNS = ("sector_id", "name", "csp_id", "communes", "animateur", "cadence", "constituted_on",
                  "reinforcements", "qrr", "aliases")


@dataclass(frozen=True)
class Departement:
    """The département a reference describes: what titles, captions and documents call it."""

    code: str  # INSEE code: "57", "2A", "971"
    nom: str  # "Moselle", "Bas-Rhin"
    nom_avec_de: str  # the name after "de", with its article: "de la Moselle", "du Bas-Rhin", "de l'Ain"


class ReferenceFolderError(ValueError):
    """A reference folder that cannot be read (a file missing or malformed); the message is French."""


@dataclass(frozen=True)
class Csp:
    csp_id: str
    name: str
    commissariat_insee: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sector:
    sector_id: str
    name: str
    csp_id: str
    communes: tuple[str, ...]
    animateur: str
    cadence: str  # monthly | fortnightly
    constituted_on: dt.date | None
    reinforcements: int
    qrr: bool
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    population: int


@dataclass
class Reference:
    csps: dict[str, Csp]
    sectors: dict[str, Sector]
    communes: dict[str, Commune]
    directory: Path = REFERENCE_DIR  # where its files are: domain.geography reads the contours there
    departement: Departement | None = None  # None: read from the folder's departement.toml
    _sector_keys: dict[str, str] = field(default_factory=dict, repr=False)
    _csp_keys: dict[str, str] = field(default_factory=dict, repr=False)
    _commune_keys: dict[str, str] = field(default_factory=dict, repr=False)
    _sector_of_commune: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)
        if self.departement is None:
            self.departement = read_departement(self.directory)
        for s in self.sectors.values():
            for name in (s.sector_id, s.name, *s.aliases):
                self._sector_keys.setdefault(squash(name), s.sector_id)
            for insee in s.communes:
                self._sector_of_commune[insee] = s.sector_id
        for c in self.csps.values():
            for name in (c.csp_id, c.name, *c.aliases):
                self._csp_keys.setdefault(squash(name), c.csp_id)
        for c in self.communes.values():
            self._commune_keys.setdefault(_commune_key(c.name), c.insee)

    # --- sectors ------------------------------------------------------------
    def match_sector(self, text: object) -> Sector | None:
        """A sector from its id, name or alias, ignoring case, accents, hyphens and spaces."""
        sid = self._sector_keys.get(squash(text))
        return self.sectors[sid] if sid else None

    def sector_in_text(self, text: str) -> Sector | None:
        """The sector named inside a longer text (a file name); the longest match wins, ties give None."""
        hay = squash(text)
        best: list[tuple[int, str]] = []
        for key, sid in self._sector_keys.items():
            if len(key) >= 4 and key in hay:
                best.append((len(key), sid))
        if not best:
            return None
        best.sort(reverse=True)
        top_len = best[0][0]
        winners = {sid for n, sid in best if n == top_len}
        return self.sectors[winners.pop()] if len(winners) == 1 else None

    def sector_names(self) -> str:
        return ", ".join(s.name for s in self.sectors.values())

    def sector_of_commune(self, insee: str) -> str | None:
        return self._sector_of_commune.get(insee)

    # --- CSP ----------------------------------------------------------------
    def match_csp(self, text: object) -> Csp | None:
        cid = self._csp_keys.get(squash(text))
        return self.csps[cid] if cid else None

    # --- communes -----------------------------------------------------------
    def match_commune(self, text: object) -> Commune | None:
        """A commune of the département from its INSEE code or its name as people write it.

        "St-Avold", "SAINT AVOLD" and "Saint-Avold" are one commune; "Metz - Borny"
        (a quartier after the commune) resolves to Metz.
        """
        raw = str(text).strip() if text is not None else ""
        if not raw:
            return None
        code = raw[:-2] if raw.endswith(".0") else raw
        if code in self.communes:
            return self.communes[code]
        key = _commune_key(raw)
        insee = self._commune_keys.get(key)
        if insee is None:
            tokens = key.split(" ")
            for n in range(len(tokens) - 1, 0, -1):
                insee = self._commune_keys.get(" ".join(tokens[:n]))
                if insee:
                    break
        return self.communes[insee] if insee else None


_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "s": "sur", "ss": "sous"}


def _commune_key(name: str) -> str:
    words = fold(name).split(" ")
    return " ".join(_ABBREVIATIONS.get(w, w) if i else {"st": "saint", "ste": "sainte"}.get(w, w) for i, w in enumerate(words))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh, delimiter=";")]


def _aliases(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in text.split("|") if a.strip())


def read_departement(directory: Path | str) -> Departement:
    """The département of a reference folder, from its departement.toml."""
    path = Path(directory) / DEPARTEMENT_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReferenceFolderError(f"Référentiel incomplet : le fichier {path} manque (il est écrit par "
                              "scripts/build_reference.py).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ReferenceFolderError(f"Référentiel illisible : {path} n'est pas un fichier TOML valide ({exc}).") from None
    missing = [key for key in ("code", "nom") if not str(data.get(key, "")).strip()]
    if missing:
        raise ReferenceFolderError(f"Référentiel incomplet : {path} ne donne pas {' ni '.join(missing)}.")
    nom = str(data["nom"]).strip()
    return Departement(str(data["code"]).strip(), nom, str(data.get("nom_avec_de", "")).strip() or f"de {nom}")


def read_reference(directory: Path | str | None = None) -> Reference:
    """Read a reference folder (the shipped one by default). Pure: same folder, same answer."""
    base = Path(directory) if directory else REFERENCE_DIR
    csps = {
        r["csp_id"]: Csp(r["csp_id"], r["name"], r.get("commissariat_insee", ""), _aliases(r.get("aliases", "")))
        for r in _rows(base / CSP_CSV)
    }
    sectors = {}
    for r in _rows(base / SECTORS_CSV):
        sectors[r["sector_id"]] = Sector(
            sector_id=r["sector_id"],
            name=r["name"],
            csp_id=r["csp_id"],
            communes=tuple(r["communes"].split()),
            animateur=r.get("animateur", ""),
            cadence=r.get("cadence", "fortnightly") or "fortnightly",
            constituted_on=dt.date.fromisoformat(r["constituted_on"]) if r.get("constituted_on") else None,
            reinforcements=int(r.get("reinforcements") or 0),
            qrr=r.get("qrr", "").lower() in ("true", "oui", "1", "vrai"),
            aliases=_aliases(r.get("aliases", "")),
        )
    communes = {
        r["insee"]: Commune(r["insee"], r["nom"], int(float(r.get("population") or 0)))
        for r in _rows(base / COMMUNES_CSV)
    }
    return Reference(csps, sectors, communes, base, read_departement(base))


@lru_cache(maxsize=4)
def _cached(directory: str) -> Reference:
    return read_reference(directory)


def reference_dir() -> Path:
    """The reference folder this process serves: GPO_REFERENCE_DIR, or the shipped one (Moselle)."""
    return Path(os.environ.get("GPO_REFERENCE_DIR") or REFERENCE_DIR)


def default_reference() -> Reference:
    """The shipped reference data, or the folder named by GPO_REFERENCE_DIR."""
    return _cached(str(reference_dir()))
