"""Cadence of every GPO at once: what `meetings.cadence_summary` gives for one sector, for all sectors in one pass.

Same definitions as `domain.indicators.meetings` (read its docstring): constitution
(reference date passed, else the first held constitutive meeting, else the first
held meeting; scheduled when a meeting is ahead), elapsed cadence periods in the
window (calendar months; 15-day periods counted back from `as_of - 1`), never
before constitution, periods met, longest gap, lateness, socle presence.

Periods are numbered per cadence so that a meeting's period is arithmetic: a
monthly period is a month number (months since January 1970), a fortnightly one
is its rank from the oldest period of the window. Each sector's elapsed periods
are then a range [lo, hi] of those numbers, and a held meeting meets the period
its number falls in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain.indicators.engine.columns import (NO_DAY, NO_DAY_LOW, as_datetimes, count_by, day_number, day_numbers,
                                              flags, is_in, max_by, min_by, sector_codes, sorted_by_sector)
from domain.indicators.meetings import (CADENCE_DAYS, LATE_MARGIN_DAYS, SOCLE, WINDOW_MONTHS, CadenceSummary,
                                        Constitution, months_before)
from domain.reference import Reference

FORTNIGHT = 15
CONSTITUTED, SCHEDULED, NOT_YET = "constituted", "scheduled", "not_yet"

# One row per sector, in this order and with these dtypes (a missing figure is NaN, NaT or <NA>).
TABLE_DTYPES = {
    "sector_id": "str", "cadence": "str", "constitution": "str", "constituted_on": "datetime64[us]",
    "periods": "int64", "periods_met": "int64", "compliance": "float64", "last_held": "datetime64[us]",
    "days_since_last": "Int64", "longest_gap": "Int64", "next_planned": "datetime64[us]", "late": "boolean",
    "held_in_window": "int64", "socle_full": "int64", "socle_share": "float64", "missed_periods": "int64",
}
PERIOD_DTYPES = {"sector_id": "str", "first": "datetime64[us]", "last": "datetime64[us]", "met": "bool"}


@dataclass(frozen=True)
class CadenceFigures:
    table: pd.DataFrame  # one row per sector (TABLE_DTYPES), in the order asked
    periods: pd.DataFrame  # every elapsed cadence period of each constituted GPO (PERIOD_DTYPES), oldest first

    def summaries(self) -> dict[str, CadenceSummary]:
        """The `CadenceSummary` of each sector, equal to `cadence_summary`'s (missed periods included)."""
        missed: dict[str, list[tuple[dt.date, dt.date]]] = {}
        gaps = self.periods[~self.periods["met"]]
        for sector_id, first, last in zip(gaps["sector_id"].tolist(), _dates(gaps["first"]), _dates(gaps["last"])):
            missed.setdefault(sector_id, []).append((first, last))
        t = self.table
        out = {}
        for row in zip(t["sector_id"].tolist(), t["cadence"].tolist(), t["constitution"].tolist(),
                       _dates(t["constituted_on"]), t["periods"].tolist(), t["periods_met"].tolist(),
                       _dates(t["last_held"]), _optional(t["days_since_last"]), _optional(t["longest_gap"]),
                       _dates(t["next_planned"]), _optional(t["late"]), t["held_in_window"].tolist(),
                       t["socle_full"].tolist()):
            sector_id, cadence, status, on, periods, met, last, since, longest, ahead, late, held, socle = row
            out[sector_id] = CadenceSummary(sector_id, cadence, Constitution(status, on), periods, met, last, since,
                                            longest, ahead, late, held, socle, tuple(missed.get(sector_id, ())))
        return out


def _dates(column: pd.Series) -> list[dt.date | None]:
    return [None if pd.isna(v) else v.date() for v in column.tolist()]


def _optional(column: pd.Series) -> list:
    return [None if v is pd.NA else v for v in column.astype(object).tolist()]


def _month_numbers(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _month_first_days(months: np.ndarray) -> np.ndarray:
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def cadence_figures(meetings: pd.DataFrame, reference: Reference, sector_ids: list[str], as_of: dt.date,
                    window_months: int = WINDOW_MONTHS) -> CadenceFigures:
    """Cadence figures of `sector_ids` (reference sectors) at `as_of`, from the meetings of all sectors at once."""
    sector_ids = list(dict.fromkeys(sector_ids))
    n = len(sector_ids)
    sectors = [reference.sectors[s] for s in sector_ids]
    monthly = np.array([s.cadence == "monthly" for s in sectors], dtype=bool)
    cadence_days = np.array([CADENCE_DAYS[s.cadence] for s in sectors], dtype=np.int64)
    ref_given = np.array([s.constituted_on is not None for s in sectors], dtype=bool)
    ref_on = np.array([day_number(s.constituted_on) if s.constituted_on else 0 for s in sectors], dtype=np.int64)
    today = day_number(as_of)
    window_start = day_number(months_before(as_of, window_months))

    codes = sector_codes(meetings["sector_id"], sector_ids)
    days, dated = day_numbers(meetings["meeting_date"])
    rows = dated & (codes >= 0)
    held = rows & is_in(meetings["status"], ("held",))
    planned = rows & is_in(meetings["status"], ("planned",))
    held_by_now = held & (days <= today)

    # Constitution
    held_count = count_by(codes, held_by_now, n)
    has_last = held_count > 0
    last_held = max_by(codes, days, held_by_now, n)
    first_held = min_by(codes, days, held_by_now, n)
    first_constitutive = min_by(codes, days, held_by_now & is_in(meetings["kind"], ("constitutive",)), n)
    ahead = min_by(codes, days, (planned & (days >= today)) | (held & (days > today)), n)
    has_ahead = ahead != NO_DAY
    by_reference = ref_given & (ref_on <= today)
    constituted = by_reference | has_last
    scheduled = ~constituted & has_ahead
    on = np.where(by_reference, ref_on, np.where(first_constitutive != NO_DAY, first_constitutive, first_held))
    on = np.where(constituted, on, np.where(scheduled, ahead, 0))
    status = np.where(constituted, CONSTITUTED, np.where(scheduled, SCHEDULED, NOT_YET))

    # Elapsed periods in the window, from constitution: the range [lo, hi] of period numbers
    fortnights = (today - window_start) // FORTNIGHT
    base = today - FORTNIGHT * fortnights  # first day of the oldest fortnightly period
    lo = np.where(monthly, np.maximum(_month_numbers(np.array([window_start]))[0], _month_numbers(on)),
                  np.maximum(0, -((base + FORTNIGHT - 1 - on) // FORTNIGHT)))
    hi = np.where(monthly, _month_numbers(np.array([today]))[0] - 1, fortnights - 1)
    periods = np.where(constituted, np.maximum(0, hi - lo + 1), 0)

    # Held meetings by now of constituted GPO: the periods they meet, the gaps between them
    # (a row of another sector has code -1: it reads the last item of these arrays, an appended blank)
    counted = held_by_now & np.append(constituted, False)[codes]
    start = np.where(constituted, np.maximum(window_start, on), 0)  # window start, or constitution if later
    in_window = counted & (days >= np.append(start, 0)[codes])
    full_socle = np.ones(len(meetings), dtype=bool)
    for column in SOCLE:
        full_socle &= flags(meetings[column])
    held_in_window = count_by(codes, in_window, n)
    socle_full = count_by(codes, in_window & full_socle, n)

    c, d = codes[counted], days[counted]
    number = np.where(monthly[c], _month_numbers(d), (d - base) // FORTNIGHT)
    meets = (number >= lo[c]) & (number <= hi[c])
    met_keys = np.unique(c[meets].astype(np.int64) * (1 << 32) + number[meets] + (1 << 31))
    periods_met = np.bincount(met_keys >> 32, minlength=n).astype(np.int64)

    c, d = sorted_by_sector(c, d)
    same_sector = np.concatenate(([False], c[1:] == c[:-1]))
    previous = np.concatenate(([0], d[:-1]))
    gaps = d - np.where(same_sector, previous, start[c])  # from the previous held meeting, else from the start
    longest_inside = max_by(c, gaps, d >= start[c], n)
    to_today = today - np.where(has_last, last_held, start)
    longest = np.maximum(longest_inside, to_today)

    reference_day = np.where(has_last, last_held, on)
    late = (today - reference_day) > cadence_days + LATE_MARGIN_DAYS

    table = pd.DataFrame({
        "sector_id": pd.array(sector_ids, dtype="str"),
        "cadence": pd.array([s.cadence for s in sectors], dtype="str"),
        "constitution": pd.array(status.tolist(), dtype="str"),
        "constituted_on": as_datetimes(on, constituted | scheduled),
        "periods": periods,
        "periods_met": periods_met,
        "compliance": np.where(periods > 0, periods_met / np.maximum(periods, 1), np.nan),
        "last_held": as_datetimes(last_held, has_last),
        "days_since_last": pd.arrays.IntegerArray(np.where(has_last, today - last_held, 0), ~has_last),
        "longest_gap": pd.arrays.IntegerArray(np.where(constituted, longest, 0), ~constituted),
        "next_planned": as_datetimes(ahead, has_ahead),
        "late": pd.arrays.BooleanArray(late & constituted, ~constituted),
        "held_in_window": held_in_window,
        "socle_full": socle_full,
        "socle_share": np.where(held_in_window > 0, socle_full / np.maximum(held_in_window, 1), np.nan),
        "missed_periods": periods - periods_met,
    }, columns=list(TABLE_DTYPES))
    return CadenceFigures(table, _period_rows(sector_ids, monthly, lo, periods, base, met_keys))


def _period_rows(sector_ids: list[str], monthly: np.ndarray, lo: np.ndarray, periods: np.ndarray, base: int,
                 met_keys: np.ndarray) -> pd.DataFrame:
    """One row per elapsed period of each sector (oldest first), with whether a held meeting met it."""
    sector = np.repeat(np.arange(len(sector_ids)), periods)
    rank = np.arange(len(sector)) - np.repeat(np.cumsum(periods) - periods, periods)
    number = lo[sector] + rank
    is_monthly = monthly[sector]
    first = np.where(is_monthly, _month_first_days(number), base + FORTNIGHT * number)
    last = np.where(is_monthly, _month_first_days(number + 1) - 1, first + FORTNIGHT - 1)
    met = np.isin(sector.astype(np.int64) * (1 << 32) + number + (1 << 31), met_keys)
    present = np.ones(len(sector), dtype=bool)
    return pd.DataFrame({"sector_id": pd.array(np.asarray(sector_ids, dtype=object)[sector].tolist(), dtype="str"),
                         "first": as_datetimes(first, present), "last": as_datetimes(last, present), "met": met},
                        columns=list(PERIOD_DTYPES))
