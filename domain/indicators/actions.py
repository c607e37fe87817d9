"""Actions: overdue ones (status todo or in_progress, due before `as_of`), how late, grouped."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from domain.reference import Reference
from domain.vocabulary import OPEN_ACTION_STATUSES, PARTNER_TYPE


def overdue_actions(actions: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Overdue actions with `days_overdue` = as_of - due_on, most overdue first."""
    late = actions[actions["status"].isin(OPEN_ACTION_STATUSES) & (actions["due_on"] < pd.Timestamp(as_of))].copy()
    late["days_overdue"] = (pd.Timestamp(as_of) - late["due_on"]).dt.days.astype("int64")
    return late.sort_values(["days_overdue", "sector_id", "action_id"], ascending=[False, True, True])


def with_context(overdue: pd.DataFrame, problems: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """Overdue actions with their problem's category and place, sector name and CSP (for tables and grouping)."""
    keyed = problems[["sector_id", "problem_id", "category", "commune_name", "location"]]
    frame = overdue.merge(keyed, on=["sector_id", "problem_id"], how="left")
    frame["sector_name"] = frame["sector_id"].map({s.sector_id: s.name for s in reference.sectors.values()})
    csp_of = {s.sector_id: reference.csps[s.csp_id].name for s in reference.sectors.values()}
    frame["csp_name"] = frame["sector_id"].map(csp_of)
    frame["partner_type_label"] = frame["partner_type"].map(PARTNER_TYPE.labels).fillna("Non précisé")
    return frame


GROUPINGS = {"partner": "Partenaire", "partner_type_label": "Type de partenaire", "sector_name": "Secteur", "csp_name": "CSP"}


def group_overdue(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Count, median and longest delay per group (by: partner, partner_type_label, sector_name, csp_name)."""
    if frame.empty:
        return pd.DataFrame(columns=[GROUPINGS[by], "Actions en retard", "Retard médian (j)", "Plus long retard (j)"])
    grouped = frame.groupby(by, dropna=False)["days_overdue"]
    out = pd.DataFrame({
        GROUPINGS[by]: grouped.size().index.astype("object"),
        "Actions en retard": grouped.size().to_numpy(),
        "Retard médian (j)": grouped.median().round(0).astype("int64").to_numpy(),
        "Plus long retard (j)": grouped.max().to_numpy(),
    })
    return out.sort_values(["Actions en retard", "Plus long retard (j)"], ascending=False).reset_index(drop=True)
