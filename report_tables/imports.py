"""The import history and the state of each sector's data, as French tables."""

from __future__ import annotations

import pandas as pd

from domain.reference import Reference
from domain.tracker_schema import SHEET_ORDER

REJECTED = "Lignes rejetées"  # rows with an error: kept as typed, not in the data
SET_ASIDE = "Lignes de total ou de note mises de côté"  # a totals or notes line below the data: not an error
HISTORY_COLUMNS = ["N°", "Secteur", "Fichier", "Importé par", "Le", "Réunions", "Problèmes", "Actions",
                   REJECTED, "Erreurs", "Avertissements", SET_ASIDE, "Données actuelles"]
STATUS_COLUMNS = ["Secteur", "CSP", "Fichier", "Importé le", "Par", "Réunions", "Problèmes", "Actions",
                  REJECTED, "Erreurs", "Avertissements", SET_ASIDE]
_SHEETS = SHEET_ORDER  # every sheet's rejected lines (an import made before the optional sheets counts 0 for them)


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
    """One line per selected sector: its current import, or that none was made yet (column by column, no loop)."""
    sectors = [reference.sectors[s] for s in sector_ids]
    out = pd.DataFrame({"Secteur": [s.name for s in sectors],
                        "CSP": [reference.csps[s.csp_id].name for s in sectors]})
    current = history[history["current"]].drop_duplicates("sector_id").set_index("sector_id") \
        if not history.empty else pd.DataFrame(columns=history.columns).set_index("sector_id")
    line = current.reindex(pd.Index(sector_ids, dtype="str"))
    imported = line["import_id"].notna().to_numpy() if len(line) else []

    def count(values) -> list[int]:
        return pd.Series(values, index=line.index).fillna(0).astype("int64").tolist()

    out["Fichier"] = line["file_name"].where(imported, "Aucun import").tolist()
    when = pd.to_datetime(line["imported_at"]).dt.strftime("%d/%m/%Y %H:%M")
    out["Importé le"] = when.where(imported, "").tolist()
    out["Par"] = line["imported_by"].where(imported, "").tolist()
    out["Réunions"] = count(line["meetings_accepted"])
    out["Problèmes"] = count(line["problems_accepted"])
    out["Actions"] = count(line["actions_accepted"])
    out[REJECTED] = count(_rejected(line))
    out["Erreurs"] = count(line["errors"])
    out["Avertissements"] = count(line["warnings"])
    out[SET_ASIDE] = count(line["lines_set_aside"])
    return out[STATUS_COLUMNS]
