"""Reference data: the 7 CSP, the 17 sectors, the 725 Moselle communes.

Kept as editable `;`-separated files in `reference_data/` (an admin changes an
animateur or a commune list in LibreOffice, not in code). This module reads
them and answers the matching questions loaders ask: which sector does
"FREYMING MERLEBACH" mean, which INSEE code is "St-Avold".
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from domain.text import fold, squash

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference_data"


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
    _sector_keys: dict[str, str] = field(default_factory=dict, repr=False)
    _csp_keys: dict[str, str] = field(default_factory=dict, repr=False)
    _commune_keys: dict[str, str] = field(default_factory=dict, repr=False)
    _sector_of_commune: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
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
        """A Moselle commune from its INSEE code or its name as people write it.

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


def read_reference(directory: Path | str | None = None) -> Reference:
    """Read the three reference files. Pure: same folder, same answer."""
    base = Path(directory) if directory else REFERENCE_DIR
    csps = {
        r["csp_id"]: Csp(r["csp_id"], r["name"], r.get("commissariat_insee", ""), _aliases(r.get("aliases", "")))
        for r in _rows(base / "csp.csv")
    }
    sectors = {}
    for r in _rows(base / "sectors.csv"):
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
        for r in _rows(base / "communes_moselle.csv")
    }
    return Reference(csps, sectors, communes)


@lru_cache(maxsize=4)
def _cached(directory: str) -> Reference:
    return read_reference(directory)


def default_reference() -> Reference:
    """The shipped reference data, or the folder named by GPO_REFERENCE_DIR."""
    return _cached(os.environ.get("GPO_REFERENCE_DIR") or str(REFERENCE_DIR))
