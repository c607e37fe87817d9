"""Validation results as the French tables a user reads (Import page, état des données, exports)."""

from __future__ import annotations

import pandas as pd

from domain.issue_catalogue import SEVERITY_LABELS, SHEET_LABELS
from domain.reference import Reference
from loaders.tracker_loader import TrackerResult

ISSUE_COLUMNS = ["Fichier", "Secteur", "Gravité", "Feuille", "Ligne", "Colonne", "Valeur trouvée", "Message"]
SEVERITY_ORDER = ["Erreur", "Avertissement", "Information"]


def issues_table(results: list[TrackerResult], reference: Reference) -> pd.DataFrame:
    """One line per issue: where it is (line, column), what was found, what it means."""
    rows = []
    for result in results:
        sector = reference.sectors.get(result.sector_id or "")
        for issue in result.issues:
            rows.append({
                "Fichier": result.file.rsplit("/", 1)[-1],
                "Secteur": sector.name if sector else "(non déterminé)",
                "Gravité": SEVERITY_LABELS[issue.severity],
                "Feuille": SHEET_LABELS.get(issue.sheet or "", issue.sheet or "(fichier)"),
                "Ligne": issue.row,
                "Colonne": issue.column or "",
                "Valeur trouvée": issue.value or "",
                "Message": issue.message,
            })
    frame = pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    frame["Ligne"] = frame["Ligne"].astype("Int64")
    return frame
