"""Retention of free text: which problems are closed for longer than the retention period, and since when.

Pure: the imports and every imported row of the problems in, the decision out, with an explicit reference date.
`store.retention` reads the store and blanks what this module names.

A problem (a sector and its reference, compared as the loader compares them: "p-01 " is "P-01") is closed when the
sector's current import says « Résolu » or « Abandonné », or when the animator took it out of the tracker (it is no longer
in the current import). It is closed since:
- its resolution date, when the current import gives one;
- otherwise the day of the first import that showed it closed for good (« Abandonné » has no date of its own);
- for a problem taken out of the tracker, the day of the import that took it out.
A problem closed before `cutoff` (the reference date minus the retention) loses its free text in every import,
and so do its actions. A problem that is open again in the current import is never past retention.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from domain.tracker_schema import SHEETS, Kind
from domain.vocabulary import OPEN_PROBLEM_STATUSES, PROBLEM_STATUS

DEFAULT_MONTHS = 36
CLOSED_PROBLEM_STATUSES = tuple(code for code in PROBLEM_STATUS.labels if code not in OPEN_PROBLEM_STATUSES)
PURGED_TEXT = "[texte effacé : durée de conservation dépassée]"


def free_text_fields(key: str) -> tuple[str, ...]:
    """The columns of a sheet an animator types freely (`Kind.TEXT`): descriptions, comments, places, notes.

    Dates, statuses, categories, priorities, references, communes and partners are kept: every indicator is
    computed from them (the partner responsible for an action groups the overdue actions).
    """
    return tuple(c.field for c in SHEETS[key].frame_columns if c.kind is Kind.TEXT and c.in_tracker)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class ClosedProblem:
    sector_id: str
    ref_key: str
    closed_on: dt.date


def closed_problems(imports: pd.DataFrame, problem_rows: pd.DataFrame) -> list[ClosedProblem]:
    """Every closed problem of every sector, with the day it closed.

    `imports`: import_id, sector_id, imported_at (every import). `problem_rows`: import_id, sector_id, ref_key,
    status, resolved_on (every imported problem row, whatever the import).
    """
    if problem_rows.empty:
        return []
    days = {int(i): pd.Timestamp(t).date() for i, t in zip(imports["import_id"], imports["imported_at"])}
    sequence = {sector: sorted(int(i) for i in ids) for sector, ids in imports.groupby("sector_id")["import_id"]}
    rows = problem_rows.sort_values("import_id", kind="stable")
    closed = []
    for (sector_id, key), group in rows.groupby(["sector_id", "ref_key"], sort=True):
        imports_of_sector = sequence[sector_id]
        last = group.iloc[-1]
        last_import = int(last["import_id"])
        if last_import != imports_of_sector[-1]:  # taken out of the tracker: closed by the next import
            after = next(i for i in imports_of_sector if i > last_import)
            closed.append(ClosedProblem(sector_id, key, days[after]))
            continue
        if last["status"] not in CLOSED_PROBLEM_STATUSES:
            continue
        if pd.notna(last["resolved_on"]):
            closed.append(ClosedProblem(sector_id, key, pd.Timestamp(last["resolved_on"]).date()))
            continue
        statuses = group["status"].tolist()
        streak = len(statuses)
        while streak > 0 and statuses[streak - 1] in CLOSED_PROBLEM_STATUSES:
            streak -= 1
        closed.append(ClosedProblem(sector_id, key, days[int(group.iloc[streak]["import_id"])]))
    return closed


def past_retention(imports: pd.DataFrame, problem_rows: pd.DataFrame, cutoff: dt.date) -> set[tuple[str, str]]:
    """(sector_id, ref_key) of the problems closed before `cutoff`."""
    return {(p.sector_id, p.ref_key) for p in closed_problems(imports, problem_rows) if p.closed_on < cutoff}
