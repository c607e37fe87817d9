"""Problems: open versus resolved, resolution rate and time, age, stock and flow by month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain.vocabulary import OPEN_PROBLEM_STATUSES

SMALL_SAMPLE = 5  # under this many items a rate is marked and never ranked


def _ts(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


def is_open(problems: pd.DataFrame) -> pd.Series:
    """Open problem: status open or in_progress."""
    return problems["status"].isin(OPEN_PROBLEM_STATUSES)


def open_at(problems: pd.DataFrame, day: dt.date) -> pd.Series:
    """Mask of the problems open at the end of `day`: reported by then and not closed by then.

    Still open now, or closed after `day` (a reference date in the past must
    count a problem resolved since as open). A closed problem without a closing
    date cannot be placed in time: it is counted closed from its report, so it
    never inflates the stock.
    """
    closed_on = problems["resolved_on"]
    return (problems["reported_on"] <= _ts(day)) & (is_open(problems) | (closed_on.notna() & (closed_on > _ts(day))))


def open_problems(problems: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Problems open at `as_of`: status open / in_progress at the tracker's date, or closed after `as_of`."""
    return problems[open_at(problems, as_of)]


def overdue_problems(problems: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Overdue problem: open, `due_on` set and before `as_of`."""
    frame = open_problems(problems, as_of)
    return frame[frame["due_on"].notna() & (frame["due_on"] < _ts(as_of))]


def resolved_in(problems: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Problems resolved between `start` and `end` included (by their resolution date)."""
    return problems[(problems["status"] == "resolved") & problems["resolved_on"].between(_ts(start), _ts(end))]


def open_during(problems: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Problems open at any time between `start` and `end`.

    Reported on or before `end`, and still open, or closed on or after `start`.
    A closed problem without a closing date (dropped, or resolved with the date
    missing) counts only if it was reported within the period.
    """
    reported = problems["reported_on"] <= _ts(end)
    closed_on = problems["resolved_on"]
    still_open = is_open(problems)
    closed_late = ~still_open & closed_on.notna() & (closed_on >= _ts(start))
    undated = ~still_open & closed_on.isna() & (problems["reported_on"] >= _ts(start))
    return problems[reported & (still_open | closed_late | undated)]


@dataclass(frozen=True)
class ResolutionStats:
    resolved: int  # resolved in the period
    open_during: int  # open at any time in the period
    median_days: float | None
    p80_days: float | None

    @property
    def rate(self) -> float | None:
        return self.resolved / self.open_during if self.open_during else None

    @property
    def small_sample(self) -> bool:
        return self.open_during < SMALL_SAMPLE


def resolution_days(problems: pd.DataFrame) -> pd.Series:
    """Resolution time in days: resolved_on - reported_on (resolved problems with both dates)."""
    done = problems[(problems["status"] == "resolved") & problems["resolved_on"].notna()]
    return (done["resolved_on"] - done["reported_on"]).dt.days


def resolution_stats(problems: pd.DataFrame, start: dt.date, end: dt.date) -> ResolutionStats:
    """Rate = resolved in the period / open at any time in the period; median and 80th percentile times."""
    resolved = resolved_in(problems, start, end)
    days = resolution_days(resolved)
    # Rounded to a tenth of a day: interpolation noise (14.000000000000004) would print as « 14,0 j »
    median = round(float(np.median(days)), 1) if len(days) else None
    p80 = round(float(np.percentile(days, 80)), 1) if len(days) else None
    return ResolutionStats(len(resolved), len(open_during(problems, start, end)), median, p80)


AGE_BUCKETS = [(0, 30, "moins de 30 j"), (30, 90, "30 à 90 j"), (90, 180, "3 à 6 mois"), (180, 365, "6 à 12 mois"),
               (365, 100_000, "plus d'un an")]


def open_age_buckets(problems: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Open problems by age at `as_of` (age = as_of - reported_on), in fixed buckets, empty ones kept."""
    ages = (_ts(as_of) - open_problems(problems, as_of)["reported_on"]).dt.days
    rows = [{"Âge": label, "Problèmes": int(((ages >= low) & (ages < high)).sum())} for low, high, label in AGE_BUCKETS]
    return pd.DataFrame(rows)


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """Last day of each month from `start`'s month to `end`'s month; the last one is `end` itself."""
    out = []
    cursor = dt.date(start.year, start.month, 1)
    while cursor <= end:
        next_month = dt.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        out.append(min(next_month - dt.timedelta(days=1), end))
        cursor = next_month
    return out


def monthly_stock_and_flow(problems: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per month: problems reported, resolved, and open at the month's end, from the trackers' dates.

    Open at a month's end is `open_at` that day (a closed problem without a
    closing date is counted closed from its report: it never inflates the stock).
    """
    rows = []
    reported, closed_on = problems["reported_on"], problems["resolved_on"]
    for month_end in month_ends(start, end):
        first = _ts(dt.date(month_end.year, month_end.month, 1))
        last = _ts(month_end)
        opened = int(reported.between(first, last).sum())
        resolved = int(((problems["status"] == "resolved") & closed_on.between(first, last)).sum())
        open_then = int(open_at(problems, month_end).sum())
        rows.append({"month_end": month_end, "reported": opened, "resolved": resolved, "open": open_then})
    return pd.DataFrame(rows, columns=["month_end", "reported", "resolved", "open"])
