"""Validation results as the French tables a user reads (Import page, état des données, exports)."""

from __future__ import annotations

import pandas as pd

from domain.issue_catalogue import SEVERITY_LABELS, SHEET_LABELS
from domain.reference import Reference
from loaders.tracker_loader import TrackerResult

ISSUE_COLUMNS = ["Fichier", "Secteur", "Gravité", "Feuille", "Ligne", "Colonne", "Valeur trouvée", "Message"]
STATUS_COLUMNS = ["Secteur", "CSP", "Fichier", "Réunions", "Problèmes", "Actions", "Lignes non importées",
                  "Erreurs", "Avertissements", "État"]


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


def status_table(results: list[TrackerResult], reference: Reference) -> pd.DataFrame:
    """One line per sector of the reference: what its tracker gave, or that none was read."""
    by_sector = {r.sector_id: r for r in results if r.sector_id}
    rows = []
    for sector in reference.sectors.values():
        result = by_sector.get(sector.sector_id)
        base = {"Secteur": sector.name, "CSP": reference.csps[sector.csp_id].name}
        if result is None:
            rows.append({**base, "Fichier": "", "Réunions": 0, "Problèmes": 0, "Actions": 0, "Lignes non importées": 0,
                         "Erreurs": 0, "Avertissements": 0, "État": "Aucun tableau"})
            continue
        errors = sum(i.severity == "error" for i in result.issues)
        rows.append({
            **base,
            "Fichier": result.file.rsplit("/", 1)[-1],
            "Réunions": len(result.frames["meetings"]),
            "Problèmes": len(result.frames["problems"]),
            "Actions": len(result.frames["actions"]),
            "Lignes non importées": sum(c.rows_rejected for c in result.counts.values()),
            "Erreurs": errors,
            "Avertissements": sum(i.severity == "warning" for i in result.issues),
            "État": "Valide" if errors == 0 else "À corriger",
        })
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)
