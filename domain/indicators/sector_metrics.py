"""Headline figures of the département and one line of figures per sector (map, rankings, Fiche secteur).

Both are read from the indicator engine's one grouped pass over all sectors
(`domain.indicators.engine`); the per-sector definitions stay in `problems`,
`actions`, `meetings` and `freshness`, and a test checks the engine against them
looped sector by sector.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from domain.indicators.engine import sector_figures
from domain.indicators.headline import Headline
from domain.reference import Reference

__all__ = ["Headline", "headline", "population", "ranked", "sector_metrics"]


def population(reference: Reference, sector_id: str) -> int:
    return sum(reference.communes[c].population for c in reference.sectors[sector_id].communes if c in reference.communes)


def sector_metrics(frames: dict[str, pd.DataFrame], reference: Reference, sector_ids: list[str], as_of: dt.date,
                   period_start: dt.date, last_imports: dict[str, dt.datetime]) -> pd.DataFrame:
    """One row per sector: counts, rates with their counts, per-1,000 rates, cadence, freshness."""
    return sector_figures(frames, reference, sector_ids, as_of, period_start, last_imports).metrics_frame(sector_ids)


def headline(frames: dict[str, pd.DataFrame], reference: Reference, sector_ids: list[str], as_of: dt.date,
             period_start: dt.date, last_imports: dict[str, dt.datetime]) -> Headline:
    """The figures at the top of the Vue départementale, for the selected sectors."""
    return sector_figures(frames, reference, sector_ids, as_of, period_start, last_imports).headline(sector_ids)


def ranked(metrics: pd.DataFrame, rate_column: str, small_column: str = "small_sample") -> pd.DataFrame:
    """Sectors sorted by a rate, those with too few items (< 5) after the others and never ranked."""
    ok = metrics[~metrics[small_column]].sort_values(rate_column, ascending=False, na_position="last")
    small = metrics[metrics[small_column]]
    ok = ok.assign(rank=range(1, len(ok) + 1))
    return pd.concat([ok, small.assign(rank=pd.NA)], ignore_index=True)
