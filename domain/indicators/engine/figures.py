"""Every sector's figures in one pass: one table, from which the map, the rankings and the headline are read.

`sector_figures` reads each frame once (problems, actions, meetings of all
sectors), computes per-sector figures with grouped numpy reductions (see
`columns`), and returns a `SectorFigures`: the table, the cadence periods, and
the resolution times needed to give the headline of any selection of sectors
(a median cannot be added up from per-sector medians).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain.indicators.engine.cadence import TABLE_DTYPES as CADENCE_DTYPES
from domain.indicators.engine.cadence import CadenceFigures, cadence_figures
from domain.indicators.engine.columns import as_datetimes, day_number
from domain.indicators.engine.counts import overdue_action_counts, problem_counts
from domain.indicators.freshness import freshness
from domain.indicators.headline import Headline
from domain.indicators.meetings import WINDOW_MONTHS, CadenceSummary
from domain.indicators.problems import SMALL_SAMPLE, ResolutionStats
from domain.reference import Reference

# The columns of `sector_metrics`, in its order (the map, rankings and charts read them).
METRICS_COLUMNS = ("sector_id", "sector", "csp", "population", "open_problems", "open_per_1000", "overdue_problems",
                   "overdue_actions", "overdue_per_1000", "resolved", "open_during", "resolution_rate", "median_days",
                   "small_sample", "constitution", "periods", "periods_met", "compliance", "cadence_small_sample",
                   "late", "days_since_last", "last_import", "stale")

# The engine's table: one row per sector, these columns in this order, these dtypes (missing: NaN, NaT or <NA>).
TABLE_DTYPES = {
    "sector_id": "str", "sector": "str", "csp": "str", "population": "int64",
    "open_problems": "int64", "open_per_1000": "float64", "overdue_problems": "int64", "overdue_actions": "int64",
    "overdue_per_1000": "float64", "resolved": "int64", "open_during": "int64", "resolution_rate": "float64",
    "median_days": "float64", "small_sample": "bool",
    **{column: dtype for column, dtype in CADENCE_DTYPES.items() if column != "sector_id"},
    "cadence_small_sample": "bool", "last_import": "datetime64[us]", "stale": "bool",
}


def sector_populations(reference: Reference, sector_ids: list[str]) -> np.ndarray:
    """Inhabitants of each sector: its communes' populations (a commune missing from the reference counts 0)."""
    communes = reference.communes
    return np.array([sum(communes[c].population for c in reference.sectors[s].communes if c in communes)
                     for s in sector_ids], dtype=np.int64)


def _per_1000(counts: np.ndarray, people: np.ndarray) -> np.ndarray:
    return np.where(people > 0, 1000 * counts / np.maximum(people, 1), np.nan)


@dataclass(frozen=True)
class SectorFigures:
    table: pd.DataFrame  # one row per sector, in the order asked (sector ids unique)
    cadence: CadenceFigures
    resolution_codes: np.ndarray  # each problem resolved in the period: its row in `table`
    resolution_days: np.ndarray  # and its resolution time in days

    def positions(self, sector_ids: list[str] | None) -> np.ndarray:
        """Rows of `table` for these sectors (all when None), repeated if a sector is repeated."""
        if sector_ids is None:
            return np.arange(len(self.table))
        index = pd.Index(self.table["sector_id"])
        rows = index.get_indexer(list(sector_ids))
        if (rows < 0).any():
            raise KeyError([s for s, r in zip(sector_ids, rows) if r < 0])
        return rows

    def metrics_frame(self, sector_ids: list[str] | None = None) -> pd.DataFrame:
        """Exactly what `sector_metrics` returns: the same columns, values and dtypes (Python values inferred)."""
        rows = self.positions(sector_ids)
        if not len(rows):
            return pd.DataFrame([])
        t = self.table.iloc[rows]
        values = {}
        for column in METRICS_COLUMNS:
            series = t[column]
            if series.dtype.kind == "M":
                values[column] = [None if pd.isna(v) else v.date() for v in series.tolist()]
            else:
                values[column] = [None if v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v
                                  for v in series.astype(object).tolist()]
        return pd.DataFrame([dict(zip(METRICS_COLUMNS, line)) for line in zip(*values.values())])

    def headline(self, sector_ids: list[str] | None = None) -> Headline:
        """The headline of these sectors (all when None), as `sector_metrics.headline` gives it."""
        rows = self.positions(sector_ids)
        unique = np.unique(rows)
        t = self.table
        days = self.resolution_days[np.isin(self.resolution_codes, unique)]
        median = round(float(np.median(days)), 1) if len(days) else None
        p80 = round(float(np.percentile(days, 80)), 1) if len(days) else None
        total = {c: int(t[c].to_numpy()[unique].sum()) for c in ("open_problems", "overdue_problems", "resolved",
                                                                  "open_during", "overdue_actions")}
        return Headline(
            open_problems=total["open_problems"],
            overdue_problems=total["overdue_problems"],
            resolution=ResolutionStats(total["resolved"], total["open_during"], median, p80),
            overdue_actions=total["overdue_actions"],
            late_gpo=int(t["late"].fillna(False).to_numpy(dtype=bool)[rows].sum()),
            constituted_gpo=int((t["constitution"].to_numpy()[rows] == "constituted").sum()),
            sectors=len(rows),
            stale_sectors=int(t["stale"].to_numpy()[rows].sum()),
        )

    def cadence_summaries(self) -> dict[str, CadenceSummary]:
        return self.cadence.summaries()


def sector_figures(frames: dict[str, pd.DataFrame], reference: Reference, sector_ids: list[str], as_of: dt.date,
                   period_start: dt.date, last_imports: dict[str, dt.datetime],
                   window_months: int = WINDOW_MONTHS) -> SectorFigures:
    """Every figure of `sector_metrics` and `cadence_summary` for `sector_ids`, in one pass over the frames."""
    sector_ids = list(dict.fromkeys(sector_ids))
    sectors = [reference.sectors[s] for s in sector_ids]
    people = sector_populations(reference, sector_ids)
    problems = problem_counts(frames["problems"], sector_ids, as_of, period_start)
    overdue_actions = overdue_action_counts(frames["actions"], sector_ids, as_of)
    cadence = cadence_figures(frames["meetings"], reference, sector_ids, as_of, window_months)
    fresh = freshness(reference, last_imports, as_of)
    imported = [fresh[s].last_import for s in sector_ids]
    c = cadence.table
    table = pd.DataFrame({
        "sector_id": pd.array(sector_ids, dtype="str"),
        "sector": pd.array([s.name for s in sectors], dtype="str"),
        "csp": pd.array([reference.csps[s.csp_id].name for s in sectors], dtype="str"),
        "population": people,
        "open_problems": problems.open_problems,
        "open_per_1000": _per_1000(problems.open_problems, people),
        "overdue_problems": problems.overdue_problems,
        "overdue_actions": overdue_actions,
        "overdue_per_1000": _per_1000(overdue_actions, people),
        "resolved": problems.resolved,
        "open_during": problems.open_during,
        "resolution_rate": np.where(problems.open_during > 0,
                                    problems.resolved / np.maximum(problems.open_during, 1), np.nan),
        "median_days": np.round(problems.median_days, 1),
        "small_sample": problems.open_during < SMALL_SAMPLE,
        **{column: c[column].array for column in c.columns if column != "sector_id"},
        "cadence_small_sample": c["periods"].to_numpy() < SMALL_SAMPLE,
        "last_import": as_datetimes(np.array([day_number(d) if d else 0 for d in imported], dtype=np.int64),
                                    np.array([d is not None for d in imported], dtype=bool)),
        "stale": np.array([fresh[s].stale for s in sector_ids], dtype=bool),
    }, columns=list(TABLE_DTYPES))
    return SectorFigures(table, cadence, problems.resolution_codes, problems.resolution_days)
