"""The plain reference computation: the per-sector indicator functions looped over sectors, as the app did.

`sector_metrics` and `headline` were these loops before the engine; they stay
here, unchanged, as the oracle the engine is compared with
(`test_indicator_engine.py`) and as "today" in `benchmarks/bench_engine.py`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from domain.indicators.actions import overdue_actions
from domain.indicators.freshness import freshness
from domain.indicators.headline import Headline
from domain.indicators.meetings import CadenceSummary, cadence_summary
from domain.indicators.problems import SMALL_SAMPLE, open_problems, overdue_problems, resolution_stats
from domain.reference import Reference


def _of(frame: pd.DataFrame, sector_id: str) -> pd.DataFrame:
    return frame[frame["sector_id"] == sector_id]


def population(reference: Reference, sector_id: str) -> int:
    return sum(reference.communes[c].population for c in reference.sectors[sector_id].communes if c in reference.communes)


def looped_sector_metrics(frames: dict[str, pd.DataFrame], reference: Reference, sector_ids: list[str], as_of: dt.date,
                          period_start: dt.date, last_imports: dict[str, dt.datetime]) -> pd.DataFrame:
    """One row per sector: counts, rates with their counts, per-1,000 rates, cadence, freshness."""
    fresh = freshness(reference, last_imports, as_of)
    rows = []
    for sector_id in sector_ids:
        sector = reference.sectors[sector_id]
        problems, actions, meetings = (_of(frames[k], sector_id) for k in ("problems", "actions", "meetings"))
        people = population(reference, sector_id)
        n_open = len(open_problems(problems, as_of))
        n_overdue = len(overdue_actions(actions, as_of))
        stats = resolution_stats(problems, period_start, as_of)
        cadence = cadence_summary(sector, meetings, as_of)
        rows.append({
            "sector_id": sector_id,
            "sector": sector.name,
            "csp": reference.csps[sector.csp_id].name,
            "population": people,
            "open_problems": n_open,
            "open_per_1000": 1000 * n_open / people if people else None,
            "overdue_problems": len(overdue_problems(problems, as_of)),
            "overdue_actions": n_overdue,
            "overdue_per_1000": 1000 * n_overdue / people if people else None,
            "resolved": stats.resolved,
            "open_during": stats.open_during,
            "resolution_rate": stats.rate,
            "median_days": stats.median_days,
            "small_sample": stats.open_during < SMALL_SAMPLE,
            "constitution": cadence.constitution.status,
            "periods": cadence.periods,
            "periods_met": cadence.periods_met,
            "compliance": cadence.compliance,
            "cadence_small_sample": cadence.periods < SMALL_SAMPLE,
            "late": cadence.late,
            "days_since_last": cadence.days_since_last,
            "last_import": fresh[sector_id].last_import,
            "stale": fresh[sector_id].stale,
        })
    return pd.DataFrame(rows)


def looped_headline(frames: dict[str, pd.DataFrame], reference: Reference, sector_ids: list[str], as_of: dt.date,
                    period_start: dt.date, last_imports: dict[str, dt.datetime]) -> Headline:
    """The figures at the top of the Vue départementale, for the selected sectors."""
    selected = {k: f[f["sector_id"].isin(sector_ids)] for k, f in frames.items()}
    summaries: list[CadenceSummary] = [
        cadence_summary(reference.sectors[s], _of(selected["meetings"], s), as_of) for s in sector_ids]
    fresh = freshness(reference, last_imports, as_of)
    return Headline(
        open_problems=len(open_problems(selected["problems"], as_of)),
        overdue_problems=len(overdue_problems(selected["problems"], as_of)),
        resolution=resolution_stats(selected["problems"], period_start, as_of),
        overdue_actions=len(overdue_actions(selected["actions"], as_of)),
        late_gpo=sum(1 for s in summaries if s.late),
        constituted_gpo=sum(1 for s in summaries if s.constitution.status == "constituted"),
        sectors=len(sector_ids),
        stale_sectors=sum(1 for s in sector_ids if fresh[s].stale),
    )


def looped_cadence_summaries(meetings: pd.DataFrame, reference: Reference, sector_ids: list[str],
                             as_of: dt.date) -> dict[str, CadenceSummary]:
    """`cadence_summary` of each sector, from its own meetings (as the Réunions page does)."""
    return {s: cadence_summary(reference.sectors[s], _of(meetings, s), as_of) for s in sector_ids}
