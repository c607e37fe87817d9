"""Freshness: when each sector's data were last imported, and whether they are older than its cadence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from domain.indicators.meetings import CADENCE_DAYS
from domain.reference import Reference


@dataclass(frozen=True)
class Freshness:
    sector_id: str
    last_import: dt.date | None
    stale: bool  # no import at all, or older than the GPO's cadence at `as_of`

    def age_days(self, as_of: dt.date) -> int | None:
        return None if self.last_import is None else (as_of - self.last_import).days


def freshness(reference: Reference, last_imports: dict[str, dt.datetime], as_of: dt.date) -> dict[str, Freshness]:
    out = {}
    for sector in reference.sectors.values():
        moment = last_imports.get(sector.sector_id)
        day = moment.date() if isinstance(moment, dt.datetime) else moment
        stale = day is None or (as_of - day).days > CADENCE_DAYS[sector.cadence]
        out[sector.sector_id] = Freshness(sector.sector_id, day, stale)
    return out
