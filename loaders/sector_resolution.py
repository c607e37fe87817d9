"""Which sector a tracker, or each of its lines, belongs to.

In order: the upload form or command-line option, the `Secteur` sheet, a
`Secteur` column (a workbook holding several sectors is split), the file name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.issue_catalogue import Issue, make_issue
from domain.reference import Reference, Sector
from domain.text import fold
from domain.tracker_schema import SECTOR_KEYS
from domain.vocabulary import CADENCE_SYNONYMS, CADENCES
from loaders.cell_values import parse_date, parse_text
from loaders.raw_sheet import RawSheet


@dataclass
class SectorSheet:
    """What the key / value `Secteur` sheet says, as typed."""

    values: dict[str, object] = field(default_factory=dict)  # sector, csp, animateur, cadence, constituted_on

    def text(self, key: str) -> str | None:
        return parse_text(self.values.get(key, ""))[0]


_KEY_LOOKUP = {fold(word): key for key, words in SECTOR_KEYS.items() for word in words}


def read_sector_sheet(sheet: RawSheet) -> SectorSheet:
    """Find "Secteur : Forbach" style pairs: a known key, then the next filled cell on its right."""
    found = SectorSheet()
    for row in sheet.rows[:60]:
        for index, cell in enumerate(row):
            key = _KEY_LOOKUP.get(fold(cell)) if isinstance(cell, str) else None
            if key is None or key in found.values:
                continue
            value = next((v for v in row[index + 1:] if v != ""), "")
            if value != "":
                found.values[key] = value
            break
    return found


def check_sector_sheet(info: SectorSheet, sector: Sector, reference: Reference) -> list[Issue]:
    """Warn where the sheet disagrees with the reference data (the reference wins)."""
    issues = []
    csp_text = info.text("csp")
    if csp_text:
        csp = reference.match_csp(csp_text)
        if csp is None or csp.csp_id != sector.csp_id:
            issues.append(make_issue("sector_info_mismatch", sheet="sector", column="Circonscription", value=csp_text,
                                     expected=f"le secteur {sector.name} relève de la CSP de {reference.csps[sector.csp_id].name}"))
    cadence_text = info.text("cadence")
    if cadence_text:
        cadence = next((code for code, words in CADENCE_SYNONYMS.items() if fold(cadence_text) in {fold(w) for w in words}), None)
        if cadence != sector.cadence:
            issues.append(make_issue("sector_info_mismatch", sheet="sector", column="Cadence", value=cadence_text,
                                     expected=f"cadence de référence : {CADENCES[sector.cadence].lower()}"))
    constituted = info.values.get("constituted_on")
    if constituted not in (None, ""):
        day, ok = parse_date(constituted)
        if ok and day and sector.constituted_on and day != sector.constituted_on:
            issues.append(make_issue("sector_info_mismatch", sheet="sector", column="Date de constitution", value=day,
                                     expected=f"référentiel : {sector.constituted_on.strftime('%d/%m/%Y')}"))
    return issues
