"""Overdue actions as the French table leadership reads and downloads."""

from __future__ import annotations

import pandas as pd

from domain.vocabulary import ACTION_STATUS

# What a director looks for first, on the left: how late, who owes it, what. The first four fit a 1366-pixel screen
# without scrolling sideways (WIDTHS, pixels); the rest follow.
COLUMNS = ["Jours de retard", "Échéance", "Partenaire", "Action", "Secteur", "Type de partenaire", "Commune", "Catégorie",
           "Statut", "Réf problème", "Réf action", "CSP"]
WIDTHS = {"Jours de retard": 105, "Échéance": 90, "Partenaire": 250, "Action": 420, "Secteur": 200,
          "Type de partenaire": 150, "Commune": 150, "Catégorie": 190, "Statut": 90, "Réf problème": 105,
          "Réf action": 90, "CSP": 140}


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
