"""Overdue actions as the French table leadership reads and downloads."""

from __future__ import annotations

import pandas as pd

from domain.vocabulary import ACTION_STATUS

# What a director looks for first on the left: how late, who, where.
COLUMNS = ["Jours de retard", "Échéance", "Partenaire", "Type de partenaire", "Secteur", "Action", "Catégorie", "Commune",
           "Réf problème", "Réf action", "Statut", "CSP"]


def overdue_table(frame: pd.DataFrame) -> pd.DataFrame:
    """From `domain.indicators.actions.with_context` output; the due date stays a date (sortable, shown JJ/MM/AAAA)."""
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    return pd.DataFrame({
        "Secteur": frame["sector_name"].astype("object"),
        "CSP": frame["csp_name"].astype("object"),
        "Réf action": frame["action_id"].astype("object"),
        "Réf problème": frame["problem_id"].astype("object"),
        "Catégorie": frame["category"].astype("object").fillna(""),
        "Commune": frame["commune_name"].astype("object").fillna(""),
        "Action": frame["description"].astype("object"),
        "Partenaire": frame["partner"].astype("object"),
        "Type de partenaire": frame["partner_type_label"].astype("object"),
        "Échéance": frame["due_on"].dt.date,
        "Jours de retard": frame["days_overdue"].astype("int64"),
        "Statut": frame["status"].map(ACTION_STATUS.labels),
    })[COLUMNS].reset_index(drop=True)
