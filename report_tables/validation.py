"""Validation issues as the French table a user reads (Import page, import history, downloads)."""

from __future__ import annotations

import pandas as pd

from domain.issue_catalogue import SEVERITY_LABELS, SHEET_LABELS, Issue
from domain.reference import Reference
from loaders.tracker_loader import TrackerResult

ISSUE_COLUMNS = ["Gravité", "Feuille", "Ligne", "Colonne", "Valeur trouvée", "Message"]
SEVERITY_ORDER = ["Erreur", "Avertissement", "Information"]


def issue_rows(issues: list[Issue]) -> pd.DataFrame:
    """One line per issue. "Ligne" is text: a file-level issue has none, and shows an empty cell."""
    return pd.DataFrame([{
        "Gravité": SEVERITY_LABELS[i.severity],
        "Feuille": SHEET_LABELS.get(i.sheet or "", i.sheet or "(fichier)"),
        "Ligne": "" if i.row is None else str(i.row),
        "Colonne": i.column or "",
        "Valeur trouvée": i.value or "",
        "Message": i.message,
    } for i in issues], columns=ISSUE_COLUMNS)


def issues_table(results: list[TrackerResult], reference: Reference) -> pd.DataFrame:
    """Every issue of several files, with the file and the sector in front."""
    parts = []
    for result in results:
        sector = reference.sectors.get(result.sector_id or "")
        rows = issue_rows(result.issues)
        rows.insert(0, "Secteur", sector.name if sector else "(non déterminé)")
        rows.insert(0, "Fichier", result.file.replace("\\", "/").rsplit("/", 1)[-1])
        parts.append(rows)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["Fichier", "Secteur", *ISSUE_COLUMNS])
