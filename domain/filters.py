"""The filters every page shares (CSP, sector, reference date, period), and their URL form.

Pure: the sidebar reads `st.query_params` into `Filters` with `from_query`, and
writes them back with `to_query`, so a view can be shared as a link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from domain.indicators.meetings import months_before
from domain.reference import Reference

PERIODS = {1: "Dernier mois", 3: "3 derniers mois", 6: "6 derniers mois", 12: "12 derniers mois"}
DEFAULT_PERIOD = 6


@dataclass(frozen=True)
class Filters:
    csp_id: str | None  # None: the whole département
    sector_id: str | None  # None: every sector of the CSP (or of the département)
    as_of: dt.date
    period_months: int = DEFAULT_PERIOD

    @property
    def period_start(self) -> dt.date:
        """First day of the period: `period_months` calendar months before `as_of`, same day (or the month's last)."""
        return months_before(self.as_of, self.period_months)

    allowed: frozenset[str] | None = None  # the sectors the signed-in user may read (None: all)

    def scope_label(self, reference: Reference) -> str:
        """What the view covers, in French: the département's name ("Moselle"), "CSP de Forbach" or a sector's name."""
        if self.sector_id:
            return reference.sectors[self.sector_id].name
        return self.area_label(reference)

    def area_label(self, reference: Reference) -> str:
        """The département's name or "CSP de Forbach", whatever the sector (a screen shows every sector in turn)."""
        return reference.departement.nom if self.csp_id is None else f"CSP de {reference.csps[self.csp_id].name}"

    def sector_ids(self, reference: Reference) -> list[str]:
        """The sectors the filters select, in reference order, never outside what the user may read."""
        if self.sector_id:
            chosen = [self.sector_id]
        else:
            chosen = [s.sector_id for s in reference.sectors.values() if self.csp_id in (None, s.csp_id)]
        return [s for s in chosen if self.allowed is None or s in self.allowed]


def from_query(params: dict[str, str], reference: Reference, default_as_of: dt.date,
               allowed: frozenset[str] | None = None) -> Filters:
    """Filters from URL parameters; anything unknown, malformed or not readable falls back to its default."""
    csp = params.get("csp")
    csp_id = csp if csp in reference.csps else None
    sector = params.get("secteur")
    sector_id = sector if sector in reference.sectors and (allowed is None or sector in allowed) else None
    if sector_id and csp_id and reference.sectors[sector_id].csp_id != csp_id:
        sector_id = None
    try:
        as_of = dt.date.fromisoformat(params.get("date", ""))
    except ValueError:
        as_of = default_as_of
    try:
        period = int(params.get("periode", DEFAULT_PERIOD))
    except ValueError:
        period = DEFAULT_PERIOD
    return Filters(csp_id, sector_id, as_of, period if period in PERIODS else DEFAULT_PERIOD, allowed)


def to_query(filters: Filters, default_as_of: dt.date) -> dict[str, str]:
    """URL parameters for `filters`, defaults left out so links stay short."""
    query: dict[str, str] = {}
    if filters.csp_id:
        query["csp"] = filters.csp_id
    if filters.sector_id:
        query["secteur"] = filters.sector_id
    if filters.as_of != default_as_of:
        query["date"] = filters.as_of.isoformat()
    if filters.period_months != DEFAULT_PERIOD:
        query["periode"] = str(filters.period_months)
    return query
