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

The cycle's diagnostics are purged the same way: a diagnostic's title and summary are the sector's free text, kept
while its cycle runs. Its cycle ends when a newer diagnostic appears in the sector's current import (on that newer
diagnostic's date), or when the animator took it out of the tracker (on the day of the import that took it out); the
sector's latest diagnostic never ends. A diagnostic whose cycle ended before `cutoff` loses its free text (its date,
sharing date and priority problems stay: the cycle's figures are computed from them).

A partner contact (the person's name and e-mail, `Partenaires`) is kept while the sector's current import lists it
(same organisation and e-mail); once taken out of the tracker, on the day of the import that took it out, it counts
as gone, and a contact gone before `cutoff` loses its name and e-mail in every import (the organisation and its
type stay, as the partners of actions do).
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


# Text columns that are references, not free text: a diagnostic's priority problems are Réf, kept like them.
_REFERENCES = {"diagnostics": ("priority_problem_ids",)}


def free_text_fields(key: str) -> tuple[str, ...]:
    """The columns of a sheet an animator types freely (`Kind.TEXT`): descriptions, comments, places, notes, a
    diagnostic's title and summary, a contact's name and e-mail.

    Dates, statuses, categories, priorities, references, communes and partners are kept: every indicator is
    computed from them (the partner responsible for an action groups the overdue actions).
    """
    return tuple(c.field for c in SHEETS[key].frame_columns
                 if c.kind is Kind.TEXT and c.in_tracker and c.field not in _REFERENCES.get(key, ()))


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


def _import_days(imports: pd.DataFrame) -> tuple[dict[int, dt.date], dict[str, list[int]]]:
    """Each import's day, and each sector's imports in order."""
    days = {int(i): pd.Timestamp(t).date() for i, t in zip(imports["import_id"], imports["imported_at"])}
    sequence = {sector: sorted(int(i) for i in ids) for sector, ids in imports.groupby("sector_id")["import_id"]}
    return days, sequence


@dataclass(frozen=True)
class EndedDiagnostic:
    sector_id: str
    diagnosed_on: dt.date
    ended_on: dt.date


def ended_diagnostics(imports: pd.DataFrame, diagnostic_rows: pd.DataFrame) -> list[EndedDiagnostic]:
    """Every diagnostic whose cycle ended, with the day it ended (see the module's docstring).

    `imports`: import_id, sector_id, imported_at (every import). `diagnostic_rows`: import_id, sector_id,
    diagnosed_on (every imported diagnostic row, whatever the import).
    """
    if diagnostic_rows.empty:
        return []
    days, sequence = _import_days(imports)
    rows = diagnostic_rows.assign(day=[pd.Timestamp(d).date() for d in diagnostic_rows["diagnosed_on"]])
    current = {sector: sorted(set(rows.loc[(rows["sector_id"] == sector) & (rows["import_id"] == ids[-1]), "day"]))
               for sector, ids in sequence.items()}
    ended = []
    for (sector_id, day), group in rows.groupby(["sector_id", "day"], sort=True):
        last_import = int(group["import_id"].max())
        imports_of_sector = sequence[sector_id]
        if last_import != imports_of_sector[-1]:  # taken out of the tracker
            after = next(i for i in imports_of_sector if i > last_import)
            ended.append(EndedDiagnostic(sector_id, day, days[after]))
            continue
        newer = [d for d in current[sector_id] if d > day]
        if newer:  # the next cycle began on the next diagnostic's date
            ended.append(EndedDiagnostic(sector_id, day, newer[0]))
    return ended


def past_diagnostics(imports: pd.DataFrame, diagnostic_rows: pd.DataFrame, cutoff: dt.date) -> set[tuple[str, dt.date]]:
    """(sector_id, diagnosed_on) of the diagnostics whose cycle ended before `cutoff`."""
    return {(d.sector_id, d.diagnosed_on) for d in ended_diagnostics(imports, diagnostic_rows) if d.ended_on < cutoff}


def gone_contacts(imports: pd.DataFrame, partner_rows: pd.DataFrame, cutoff: dt.date) -> set[tuple[str, str]]:
    """(sector_id, contact_key) of the partner contacts the sector's tracker stopped listing before `cutoff`.

    `partner_rows`: import_id, sector_id, contact_key (the folded organisation and the e-mail in lower case: the
    Partenaires sheet's key), every imported row.
    """
    if partner_rows.empty:
        return set()
    days, sequence = _import_days(imports)
    gone = set()
    for (sector_id, key), group in partner_rows.groupby(["sector_id", "contact_key"], sort=True):
        last_import = int(group["import_id"].max())
        imports_of_sector = sequence[sector_id]
        if last_import == imports_of_sector[-1]:
            continue  # still listed
        after = next(i for i in imports_of_sector if i > last_import)
        if days[after] < cutoff:
            gone.add((sector_id, key))
    return gone
