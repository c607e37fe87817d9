"""The figures at the top of the Vue départementale (computed by `domain.indicators.engine`)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.indicators.problems import ResolutionStats


@dataclass(frozen=True)
class Headline:
    open_problems: int
    overdue_problems: int
    resolution: ResolutionStats
    overdue_actions: int
    late_gpo: int
    constituted_gpo: int
    sectors: int
    stale_sectors: int
