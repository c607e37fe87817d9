"""Problems and actions of every sector at once: open, overdue, resolved in the period, open during it, delays.

Same definitions as `domain.indicators.problems` and `domain.indicators.actions`
(open at `as_of`: reported by then and still open, or closed after it; a closed
problem without a closing date counts closed from its report; open during the
period: reported by its end and still open, or closed in or after it, or closed
without a date and reported in it; overdue action: to do or in progress, due
before `as_of`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain.indicators.engine.columns import count_by, day_number, day_numbers, group_medians, is_in, sector_codes
from domain.vocabulary import OPEN_ACTION_STATUSES, OPEN_PROBLEM_STATUSES


@dataclass(frozen=True)
class ProblemCounts:
    open_problems: np.ndarray  # per sector
    overdue_problems: np.ndarray
    resolved: np.ndarray
    open_during: np.ndarray
    median_days: np.ndarray  # NaN when nothing was resolved in the period
    resolution_codes: np.ndarray  # per problem resolved in the period (with both dates): its sector's position
    resolution_days: np.ndarray  # and its resolution time in days


def problem_counts(problems: pd.DataFrame, sector_ids: list[str], as_of: dt.date, period_start: dt.date) -> ProblemCounts:
    """Counts per sector of `sector_ids` (unique), in that order, from the problems of all sectors."""
    n = len(sector_ids)
    today, start = day_number(as_of), day_number(period_start)
    codes = sector_codes(problems["sector_id"], sector_ids)
    reported, has_reported = day_numbers(problems["reported_on"])
    closed, has_closed = day_numbers(problems["resolved_on"])
    due, has_due = day_numbers(problems["due_on"])
    still_open = is_in(problems["status"], OPEN_PROBLEM_STATUSES)
    resolved_status = is_in(problems["status"], ("resolved",))

    reported_by_now = has_reported & (reported <= today)
    open_now = reported_by_now & (still_open | (has_closed & (closed > today)))
    overdue = open_now & has_due & (due < today)
    resolved = resolved_status & has_closed & (closed >= start) & (closed <= today)
    during = reported_by_now & (still_open | (~still_open & has_closed & (closed >= start))
                                | (~still_open & ~has_closed & has_reported & (reported >= start)))
    timed = resolved & has_reported & (codes >= 0)
    resolution_codes, resolution_days = codes[timed], (closed - reported)[timed]
    return ProblemCounts(count_by(codes, open_now, n), count_by(codes, overdue, n), count_by(codes, resolved, n),
                         count_by(codes, during, n), group_medians(resolution_codes, resolution_days, n),
                         resolution_codes, resolution_days)


def overdue_action_counts(actions: pd.DataFrame, sector_ids: list[str], as_of: dt.date) -> np.ndarray:
    """Overdue actions per sector of `sector_ids` (unique), in that order."""
    codes = sector_codes(actions["sector_id"], sector_ids)
    due, has_due = day_numbers(actions["due_on"])
    late = is_in(actions["status"], OPEN_ACTION_STATUSES) & has_due & (due < day_number(as_of))
    return count_by(codes, late, len(sector_ids))
