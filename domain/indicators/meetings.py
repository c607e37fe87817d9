"""Meetings: cadence compliance, gaps, lateness, socle presence, who attends, constitution status.

Cadence periods (domain.md): calendar months for a monthly GPO, 15-day periods
for a fortnightly one, over a window (default the last 6 months), never before
the GPO was constituted. Only elapsed periods count:
- monthly: each calendar month that meets the window and ended before `as_of`;
- fortnightly: the 15-day periods counted back from the day before `as_of`
  (the last one ends on `as_of - 1`), as many as fit in the window.
The period in which the GPO was constituted counts; earlier ones do not.
Compliance = periods with at least one held meeting / periods.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from domain.reference import Sector
from domain.text import fold
from domain.vocabulary import PARTNER_TYPE, partner_type_of

CADENCE_DAYS = {"monthly": 31, "fortnightly": 15}
LATE_MARGIN_DAYS = 7
WINDOW_MONTHS = 6
SOCLE = ("mayor_present", "municipal_police_present", "national_police_present")


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it has fewer days)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def cadence_periods(cadence: str, as_of: dt.date, constituted_on: dt.date | None,
                    window_months: int = WINDOW_MONTHS) -> list[tuple[dt.date, dt.date]]:
    """Elapsed cadence periods (first day, last day) in the window, oldest first."""
    window_start = months_before(as_of, window_months)
    periods: list[tuple[dt.date, dt.date]] = []
    if cadence == "monthly":
        cursor = dt.date(window_start.year, window_start.month, 1)
        while True:
            next_month = dt.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
            last = next_month - dt.timedelta(days=1)
            if last >= as_of:
                break
            periods.append((cursor, last))
            cursor = next_month
    else:
        count = (as_of - window_start).days // 15
        for k in range(count, 0, -1):
            first = as_of - dt.timedelta(days=15 * k)
            periods.append((first, first + dt.timedelta(days=14)))
    if constituted_on is not None:
        periods = [(first, last) for first, last in periods if last >= constituted_on]
    return periods


def _dates(meetings: pd.DataFrame, status: str) -> list[dt.date]:
    frame = meetings[meetings["status"] == status]
    return sorted(d.date() for d in frame["meeting_date"].dropna())


def _ahead(meetings: pd.DataFrame, as_of: dt.date) -> list[dt.date]:
    """Meetings still to come at `as_of`: planned from that day on, and, when `as_of` is in the past,
    those held after it (on that day they were ahead; the tracker only keeps their final status)."""
    return sorted([d for d in _dates(meetings, "planned") if d >= as_of] + [d for d in _dates(meetings, "held") if d > as_of])


@dataclass(frozen=True)
class Constitution:
    status: str  # constituted | scheduled | not_yet
    on: dt.date | None  # when it was (or will be) constituted

    @property
    def label(self) -> str:
        return {"constituted": "Constitué", "scheduled": "Constitution programmée", "not_yet": "Pas encore constitué"}[self.status]


def constitution(sector: Sector, meetings: pd.DataFrame, as_of: dt.date) -> Constitution:
    """Constituted (reference date passed, or a meeting held by `as_of`), scheduled (a meeting ahead), or not yet."""
    held = [d for d in _dates(meetings, "held") if d <= as_of]
    if sector.constituted_on and sector.constituted_on <= as_of:
        return Constitution("constituted", sector.constituted_on)
    if held:
        constitutive = [d for d in _dates(meetings[meetings["kind"] == "constitutive"], "held") if d <= as_of]
        return Constitution("constituted", constitutive[0] if constitutive else held[0])
    planned = _ahead(meetings, as_of)
    if planned:
        return Constitution("scheduled", planned[0])
    return Constitution("not_yet", None)


@dataclass(frozen=True)
class CadenceSummary:
    sector_id: str
    cadence: str
    constitution: Constitution
    periods: int  # elapsed cadence periods in the window
    periods_met: int  # of which with at least one held meeting
    last_held: dt.date | None
    days_since_last: int | None
    longest_gap: int | None  # days, between held meetings in the window or since the last one
    next_planned: dt.date | None
    late: bool | None  # None when the GPO is not constituted
    held_in_window: int
    socle_full: int  # held meetings in the window with mairie, police municipale and police nationale present
    missed_periods: tuple[tuple[dt.date, dt.date], ...] = ()

    @property
    def compliance(self) -> float | None:
        return self.periods_met / self.periods if self.periods else None

    @property
    def socle_share(self) -> float | None:
        return self.socle_full / self.held_in_window if self.held_in_window else None


def cadence_summary(sector: Sector, meetings: pd.DataFrame, as_of: dt.date,
                    window_months: int = WINDOW_MONTHS) -> CadenceSummary:
    """Everything the Réunions page says about one GPO at `as_of` (meetings of this sector only)."""
    status = constitution(sector, meetings, as_of)
    held = [d for d in _dates(meetings, "held") if d <= as_of]
    planned = _ahead(meetings, as_of)
    last = held[-1] if held else None
    since = (as_of - last).days if last else None
    window_start = months_before(as_of, window_months)
    if status.status != "constituted":
        return CadenceSummary(sector.sector_id, sector.cadence, status, 0, 0, last, since, None,
                              planned[0] if planned else None, None, 0, 0)
    periods = cadence_periods(sector.cadence, as_of, status.on, window_months)
    met = [p for p in periods if any(p[0] <= d <= p[1] for d in held)]
    missed = tuple(p for p in periods if p not in met)
    start = max(window_start, status.on) if status.on else window_start
    in_window = [d for d in held if d >= start]
    before = [d for d in held if d < start]
    points = ([before[-1]] if before else [start]) + in_window + [as_of]
    longest = max((b - a).days for a, b in zip(points, points[1:])) if len(points) > 1 else None
    reference_day = last or status.on
    late = (as_of - reference_day).days > CADENCE_DAYS[sector.cadence] + LATE_MARGIN_DAYS if reference_day else None
    window_meetings = meetings[(meetings["status"] == "held") & (meetings["meeting_date"] >= pd.Timestamp(start))
                               & (meetings["meeting_date"] <= pd.Timestamp(as_of))]
    socle = window_meetings[list(SOCLE)].fillna(False).astype(bool).all(axis=1) if len(window_meetings) else pd.Series(dtype=bool)
    return CadenceSummary(sector.sector_id, sector.cadence, status, len(periods), len(met), last, since, longest,
                          planned[0] if planned else None, late, len(window_meetings), int(socle.sum()), missed)


_SPLIT = re.compile(r"\s*(?:[,;/+\n]|\bet\b)\s*")


def partner_types_attending(meetings: pd.DataFrame) -> dict[str, int]:
    """Held meetings attended by each partner type: the socle from its columns, others from « Autres partenaires »."""
    held = meetings[meetings["status"] == "held"]
    counts = {code: 0 for code in PARTNER_TYPE.labels}
    counts["mairie"] = int(held["mayor_present"].fillna(False).astype(bool).sum())
    counts["police_municipale"] = int(held["municipal_police_present"].fillna(False).astype(bool).sum())
    counts["police_nationale"] = int(held["national_police_present"].fillna(False).astype(bool).sum())
    for text in held["other_partners"].dropna():
        kinds = {partner_type_of(part) or "autre" for part in _SPLIT.split(str(text)) if fold(part)}
        for kind in kinds - {"mairie", "police_municipale", "police_nationale"}:
            counts[kind] += 1
    return counts
