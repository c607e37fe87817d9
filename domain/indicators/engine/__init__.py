"""Indicators of every sector in one vectorised pass (the figures of `sector_metrics` and `cadence_summary`).

Pure, like the rest of `domain.indicators`: frames, the reference, `as_of` and
`period_start` in; a `SectorFigures` out (one table row per sector, the cadence
periods, the headline of any selection). The per-sector functions of
`domain.indicators.meetings` and `problems` stay the definitions; the engine
gives the same figures for all sectors at once, grouped by sector in numpy
rather than looped (a test compares both on a generated département).

- `sector_figures(frames, reference, sector_ids, as_of, period_start, last_imports)`
  -> `SectorFigures` (`.table`, `.metrics_frame()`, `.headline()`, `.cadence_summaries()`);
- `cadence_figures(meetings, reference, sector_ids, as_of)` -> `CadenceFigures`
  (`.table`, `.periods` with `met`, `.summaries()`): the Réunions page's figures alone.
"""

from domain.indicators.engine.cadence import CadenceFigures, cadence_figures
from domain.indicators.engine.figures import SectorFigures, sector_figures

__all__ = ["CadenceFigures", "SectorFigures", "cadence_figures", "sector_figures"]
