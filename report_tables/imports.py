"""The import history and the state of each sector's data, as French tables."""

from __future__ import annotations

import pandas as pd

from domain.reference import Reference

REJECTED = "Lignes rejetées"  # rows with an error: kept as typed, not in the data
SET_ASIDE = "Lignes de total ou de note mises de côté"  # a totals or notes line below the data: not an error
HISTORY_COLUMNS = ["N°", "Secteur", "Fichier", "Importé par", "Le", "Réunions", "Problèmes", "Actions",
                   REJECTED, "Erreurs", "Avertissements", SET_ASIDE, "Données actuelles"]
STATUS_COLUMNS = ["Secteur", "CSP", "Fichier", "Importé le", "Par", "Réunions", "Problèmes", "Actions",
                  REJECTED, "Erreurs", "Avertissements", SET_ASIDE]
_SHEETS = ("meetings", "problems", "actions")


def _rejected(lines: pd.DataFrame | pd.Series) -> pd.Series | int:
    """Lines read and not accepted, less the totals or notes lines set aside."""
    return sum(lines[f"{k}_read"] - lines[f"{k}_accepted"] for k in _SHEETS) - lines["lines_set_aside"]


def history_table(history: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """One line per import, newest first (history as `store.queries.import_history` gives it)."""
    if history.empty:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    names = {s.sector_id: s.name for s in reference.sectors.values()}
    return pd.DataFrame({
        "N°": history["import_id"],
        "Secteur": history["sector_id"].map(names),
        "Fichier": history["file_name"],
        "Importé par": history["imported_by"],
        "Le": pd.to_datetime(history["imported_at"]).dt.strftime("%d/%m/%Y %H:%M"),
        "Réunions": history["meetings_accepted"],
        "Problèmes": history["problems_accepted"],
        "Actions": history["actions_accepted"],
        REJECTED: _rejected(history),
        "Erreurs": history["errors"],
        "Avertissements": history["warnings"],
        SET_ASIDE: history["lines_set_aside"],
        "Données actuelles": history["current"].map({True: "Oui", False: "Non"}),
    })[HISTORY_COLUMNS]


def foreign_rejected_rows(issues: list) -> set[tuple[str, int]]:
    """(sheet, Excel line) of the rows an import rejected because they belong to another or an unknown sector."""
    return {(i.sheet, i.row) for i in issues if i.code in ("sector_mismatch", "row_sector_unknown") and i.row is not None}


def sector_status_table(history: pd.DataFrame, reference: Reference, sector_ids: list[str]) -> pd.DataFrame:
    """One line per selected sector: its current import, or that none was made yet."""
    current = history[history["current"]].set_index("sector_id") if not history.empty else pd.DataFrame()
    rows = []
    for sector_id in sector_ids:
        sector = reference.sectors[sector_id]
        base = {"Secteur": sector.name, "CSP": reference.csps[sector.csp_id].name}
        if sector_id not in current.index:
            rows.append({**base, "Fichier": "Aucun import", "Importé le": "", "Par": "", "Réunions": 0, "Problèmes": 0,
                         "Actions": 0, REJECTED: 0, "Erreurs": 0, "Avertissements": 0, SET_ASIDE: 0})
            continue
        line = current.loc[sector_id]
        rows.append({**base, "Fichier": line["file_name"],
                     "Importé le": pd.Timestamp(line["imported_at"]).strftime("%d/%m/%Y %H:%M"), "Par": line["imported_by"],
                     "Réunions": int(line["meetings_accepted"]), "Problèmes": int(line["problems_accepted"]),
                     "Actions": int(line["actions_accepted"]), REJECTED: int(_rejected(line)),
                     "Erreurs": int(line["errors"]), "Avertissements": int(line["warnings"]),
                     SET_ASIDE: int(line["lines_set_aside"])})
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)
