"""Every sector's cycle status, PSQ ratio and outcome share in one frame: what the leadership's map and ranking read.

Pure: the `diagnostics` and `problems` frames, the sectors, `as_of` and the period's first day in. Three grouped
passes over all sectors at once (`cycle.cycle_status`, `outcomes.psq_by_sector`, `outcomes.outcome_share_by_sector`),
never a loop over sectors: 2,000 sectors and a million problems take well under a second
(`benchmarks/bench_cycle.py`). The period is [period_start, as_of], both days included, as on every page.

One row per sector of `sector_ids`, in that order, columns `FIGURE_COLUMNS`:

- the cycle (at `as_of`): cycle_status (no_diagnostic, on_time, due_soon, overdue), cycle_status_label,
  diagnostics, last_diagnosed_on, diagnostic_age_days, bilan_due_on, days_until_due (negative: days overdue),
  priority_problems, priority_closed (of the last diagnostic);
- the PSQ ratio over the period (a cohort: `outcomes`' docstring): psq_identified, psq_resolved, psq_ratio (NaN when
  nothing was identified), psq_small_sample (fewer than 5 identified);
- the outcome share over the period: outcome_closed, outcome_with (with an outcome), outcome_without, outcome_success
  (eliminated or reduced), outcome_share (NaN when none has an outcome), outcome_small_sample (fewer than 5 with one).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from domain.indicators.cycle import CYCLE_STATUS_LABELS, NO_DIAGNOSTIC, cycle_status
from domain.indicators.outcomes import outcome_share_by_sector, psq_by_sector

FIGURE_COLUMNS = (
    "sector_id", "cycle_status", "cycle_status_label", "diagnostics", "last_diagnosed_on", "diagnostic_age_days",
    "bilan_due_on", "days_until_due", "priority_problems", "priority_closed",
    "psq_identified", "psq_resolved", "psq_ratio", "psq_small_sample",
    "outcome_closed", "outcome_with", "outcome_without", "outcome_success", "outcome_share", "outcome_small_sample",
)


def sector_cycle_figures(diagnostics: pd.DataFrame, problems: pd.DataFrame, sector_ids: list[str], as_of: dt.date,
                         period_start: dt.date) -> pd.DataFrame:
    """One row per sector (FIGURE_COLUMNS): its cycle at `as_of`, its PSQ ratio and outcome share over the period."""
    sector_ids = list(dict.fromkeys(sector_ids))
    status = cycle_status(diagnostics, problems, sector_ids, as_of)
    psq = psq_by_sector(problems, sector_ids, period_start, as_of)
    shares = outcome_share_by_sector(problems, sector_ids, period_start, as_of)
    # the three come back in the order of `sector_ids`: columns are taken side by side, no join
    return pd.DataFrame({
        "sector_id": status["sector_id"],
        "cycle_status": status["status"],
        "cycle_status_label": status["status_label"],
        "diagnostics": status["diagnostics"],
        "last_diagnosed_on": status["last_diagnosed_on"],
        "diagnostic_age_days": status["diagnostic_age_days"],
        "bilan_due_on": status["bilan_due_on"],
        "days_until_due": status["days_until_due"],
        "priority_problems": status["priority_problems"],
        "priority_closed": status["priority_closed"],
        "psq_identified": psq["identified"].to_numpy(),
        "psq_resolved": psq["resolved"].to_numpy(),
        "psq_ratio": psq["ratio"].to_numpy(),
        "psq_small_sample": psq["small_sample"].to_numpy(),
        "outcome_closed": shares["closed"].to_numpy(),
        "outcome_with": shares["with_outcome"].to_numpy(),
        "outcome_without": shares["without_outcome"].to_numpy(),
        "outcome_success": shares["success"].to_numpy(),
        "outcome_share": shares["share"].to_numpy(),
        "outcome_small_sample": shares["small_sample"].to_numpy(),
    }, columns=list(FIGURE_COLUMNS))


def with_cycle_figures(metrics: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """`metrics` (one row per sector, a `sector_id` column) with each sector's `figures` columns beside, its rows and
    order kept. A sector missing from `figures` gets « no diagnostic » and zero counts, never « on time »."""
    if metrics.empty or "sector_id" not in metrics.columns:
        return metrics
    extra = figures.set_index("sector_id").reindex(metrics["sector_id"].tolist())
    missing = extra["cycle_status"].isna().to_numpy()
    if missing.any():
        extra.loc[missing, "cycle_status"] = NO_DIAGNOSTIC
        extra.loc[missing, "cycle_status_label"] = CYCLE_STATUS_LABELS[NO_DIAGNOSTIC]
        for column in ("diagnostics", "priority_problems", "priority_closed", "psq_identified", "psq_resolved",
                       "outcome_closed", "outcome_with", "outcome_without", "outcome_success"):
            extra.loc[missing, column] = 0
        extra.loc[missing, ["psq_small_sample", "outcome_small_sample"]] = True
    out = metrics.copy()
    for column in FIGURE_COLUMNS[1:]:
        out[column] = extra[column].to_numpy()
    return out
