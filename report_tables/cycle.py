"""The cycle's figures as the French tables pages show (cycle status, priority problems, outcomes, PSQ, pertinence).

Pure: the frames of `domain.indicators.cycle` and `domain.indicators.outcomes` in, display frames out. Every share
is written with its counts (« 60 % (3/5) »); under `SMALL_SAMPLE` items the counts alone, said so. Dates stay dates
(sortable, shown JJ/MM/AAAA by the page).
"""

from __future__ import annotations

import pandas as pd

from domain.formatting import fr_int, fr_pct, rate_with_counts
from domain.indicators.outcomes import NO_OUTCOME
from domain.indicators.problems import SMALL_SAMPLE
from domain.reference import Reference
from domain.vocabulary import PROBLEM_STATUS, VOCABULARIES

# Most urgent first, when a page sorts sectors by their cycle: no diagnostic is never « on time ».
STATUS_ORDER = {"overdue": 0, "no_diagnostic": 1, "due_soon": 2, "on_time": 3}
FEW = f" · moins de {SMALL_SAMPLE}"

STATUS_COLUMNS = ("Secteur", "CSP", "État du cycle", "Dernier diagnostic", "Âge du diagnostic (j)", "Bilan dû le",
                  "Échéance", "Diagnostics", "Problèmes prioritaires clos", "Problèmes signalés depuis")
# The order a page shows them in, and pixel widths: sector, status and due date first fit a 1366-pixel screen (the
# CSP, also in the filters, last)
STATUS_ORDER_SHOWN = ("Secteur", "État du cycle", "Échéance", "Bilan dû le", "Dernier diagnostic",
                      "Âge du diagnostic (j)", "Problèmes prioritaires clos", "Problèmes signalés depuis",
                      "Diagnostics", "CSP")
STATUS_WIDTHS = {"Secteur": 220, "CSP": 130, "État du cycle": 190, "Dernier diagnostic": 130,
                 "Âge du diagnostic (j)": 150, "Bilan dû le": 100, "Échéance": 135, "Diagnostics": 95,
                 "Problèmes prioritaires clos": 190, "Problèmes signalés depuis": 185}


def _due_text(days: object) -> str:
    if pd.isna(days):
        return "–"
    days = int(days)
    if days < 0:
        return f"dépassée de {fr_int(-days)} j"
    return "aujourd’hui" if days == 0 else f"dans {fr_int(days)} j"


def _date(value: object):
    return None if pd.isna(value) else pd.Timestamp(value).date()


def cycle_status_table(status: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """From `cycle.cycle_status` (its row order kept): one French line per sector."""
    rows = []
    for r in status.itertuples(index=False):
        sector = reference.sectors[r.sector_id]
        rows.append({
            "Secteur": sector.name,
            "CSP": reference.csps[sector.csp_id].name if sector.csp_id in reference.csps else "",
            "État du cycle": r.status_label,
            "Dernier diagnostic": _date(r.last_diagnosed_on),
            "Âge du diagnostic (j)": None if pd.isna(r.diagnostic_age_days) else int(r.diagnostic_age_days),
            "Bilan dû le": _date(r.bilan_due_on),
            "Échéance": _due_text(r.days_until_due),
            "Diagnostics": int(r.diagnostics),
            "Problèmes prioritaires clos": (f"{fr_int(r.priority_closed)}/{fr_int(r.priority_problems)}"
                                            if r.priority_problems else "–"),
            "Problèmes signalés depuis": int(r.cycle_problems) if r.diagnostics else None,
        })
    frame = pd.DataFrame(rows, columns=list(STATUS_COLUMNS))
    frame["Âge du diagnostic (j)"] = frame["Âge du diagnostic (j)"].astype("Int64")
    frame["Problèmes signalés depuis"] = frame["Problèmes signalés depuis"].astype("Int64")
    return frame


GLANCE_COLUMNS = ("Réf", "Catégorie", "Étape", "Statut", "Actions réalisées", "Actions en retard",
                  "Actions abandonnées", "Résultat", "Délai de résolution (j)")


def priority_glance_table(glance: pd.DataFrame) -> pd.DataFrame:
    """From `cycle.priority_problem_states`: the diagnostic's priority problems at a glance, in its order."""
    stages, outcomes = VOCABULARIES["problem_stage"].labels, VOCABULARIES["outcome"].labels
    rows = []
    for r in glance.itertuples(index=False):
        if not r.found:
            rows.append({"Réf": r.problem_id, "Catégorie": "Réf introuvable dans la feuille « Problèmes »"})
            continue
        rows.append({
            "Réf": r.problem_id,
            "Catégorie": r.category if isinstance(r.category, str) else "",
            "Étape": stages.get(r.stage, "non renseignée") if isinstance(r.stage, str) else "non renseignée",
            "Statut": PROBLEM_STATUS.labels.get(r.status, "") if isinstance(r.status, str) else "",
            "Actions réalisées": f"{fr_int(r.actions_done)}/{fr_int(r.actions)}",
            "Actions en retard": int(r.actions_late),
            "Actions abandonnées": int(r.actions_dropped),
            "Résultat": outcomes.get(r.outcome, r.outcome) if isinstance(r.outcome, str) else "non renseigné",
            "Délai de résolution (j)": None if pd.isna(r.resolution_days) else int(r.resolution_days),
        })
    frame = pd.DataFrame(rows, columns=list(GLANCE_COLUMNS))
    for column in ("Actions en retard", "Actions abandonnées", "Délai de résolution (j)"):
        frame[column] = frame[column].astype("Int64")
    return frame


def outcome_distribution_table(distribution: pd.DataFrame) -> pd.DataFrame:
    """From `outcomes.outcome_distribution`: « Résultat », « Problèmes », « Part » (with counts, or « – »)."""
    return pd.DataFrame({
        "Résultat": distribution["label"].astype("object"),
        "Problèmes": distribution["problems"].astype("int64"),
        "Part": [("–" if pd.isna(share) else f"{fr_pct(share)} ({fr_int(n)}/{fr_int(of)})")
                 for share, n, of in zip(distribution["share"], distribution["problems"], distribution["of"])],
    })


def psq_table(psq: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """From `outcomes.psq_by_sector`: « Secteur », « Identifiés », « Résolus », « Ratio PSQ » with its counts."""
    return pd.DataFrame({
        "Secteur": [reference.sectors[s].name for s in psq["sector_id"]],
        "Identifiés": psq["identified"].astype("int64"),
        "Résolus": psq["resolved"].astype("int64"),
        "Ratio PSQ": [rate_with_counts(r, i) + (FEW if small and i else "")
                      for r, i, small in zip(psq["resolved"], psq["identified"], psq["small_sample"])],
    })


def pertinence_table(long: pd.DataFrame, group_title: str) -> pd.DataFrame:
    """From `outcomes.pertinence_by_category` / `pertinence_by_partner_type`: one line per group, in their order.

    Columns: `group_title`, « Problèmes clos », « Avec un résultat », « Éliminés ou réduits » (share with counts),
    then one column per outcome (count, and share when the group holds at least SMALL_SAMPLE problems with an
    outcome), « Sans résultat ». Never sorted by a share.
    """
    outcomes = [(code, label) for code, label in dict(zip(long["outcome"], long["outcome_label"])).items()
                if code != NO_OUTCOME]
    rows = []
    for group, lines in long.groupby("group", sort=False):
        counts = dict(zip(lines["outcome"], lines["problems"]))
        shares = dict(zip(lines["outcome"], lines["share"]))
        with_outcome = int(lines["group_with_outcome"].iloc[0])
        small = bool(lines["small_sample"].iloc[0])
        success = counts.get("eliminated", 0) + counts.get("reduced", 0)
        row = {group_title: lines["group_label"].iloc[0], "Problèmes clos": int(lines["group_closed"].iloc[0]),
               "Avec un résultat": with_outcome,
               "Éliminés ou réduits": (f"{fr_int(success)}/{fr_int(with_outcome)}{FEW}" if small
                                       else rate_with_counts(success, with_outcome))}
        for code, label in outcomes:
            n = int(counts.get(code, 0))
            row[label] = fr_int(n) if small or pd.isna(shares.get(code)) else f"{fr_int(n)} ({fr_pct(shares[code])})"
        row["Sans résultat"] = int(counts.get(NO_OUTCOME, 0))
        rows.append(row)
    columns = [group_title, "Problèmes clos", "Avec un résultat", "Éliminés ou réduits",
               *[label for _, label in outcomes], "Sans résultat"]
    return pd.DataFrame(rows, columns=columns)
