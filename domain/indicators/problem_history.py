"""Open problems month by month as the trackers said at the time (one snapshot per import).

`monthly_stock_and_flow` rebuilds the past from today's trackers' dates; this
module answers the other question a director asks: "what did the trackers
show at the end of each month?". For each month end and each sector, the
snapshot is the sector's latest import made on or before that day; a sector
with no import yet contributes nothing and is listed as missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from domain.indicators.problems import open_at, open_problems

# (imported_at, sector_id, problems frame of that import)
Snapshot = tuple[dt.datetime, str, pd.DataFrame]

HISTORY_COLUMNS = ["month_end", "open", "sectors_reporting", "sectors_missing"]


def _end_of(day: dt.date) -> dt.datetime:
    """An import made at any hour of `day` counts for that day's end."""
    return dt.datetime.combine(day, dt.time.max)


def _as_datetime(value: object) -> dt.datetime:
    return pd.Timestamp(value).to_pydatetime()


def snapshot_import_ids(history: pd.DataFrame, month_ends: Iterable[dt.date]) -> list[int]:
    """The imports that were some sector's current data at one of the month ends (the only ones worth loading).

    `history` has the columns of `store.queries.import_history`: import_id, sector_id, imported_at.
    """
    needed: set[int] = set()
    if history.empty:
        return []
    imported_at = pd.to_datetime(history["imported_at"])
    for month_end in month_ends:
        then = history[imported_at <= pd.Timestamp(_end_of(month_end))]
        if then.empty:
            continue
        latest = then.sort_values(["imported_at", "import_id"]).groupby("sector_id").tail(1)
        needed.update(int(i) for i in latest["import_id"])
    return sorted(needed)


def open_by_month_from_snapshots(snapshots: Iterable[Snapshot], month_ends: Iterable[dt.date],
                                 sector_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Per month end: open problems according to each sector's latest import on or before that day.

    Columns: month_end, open (None when no selected sector had any import yet),
    sectors_reporting (how many sectors had a tracker then), sectors_missing
    (tuple of the selected sectors without one, in the given order). Without
    `sector_ids`, the sectors are those of the snapshots.
    """
    snapshots = sorted(snapshots, key=lambda s: _as_datetime(s[0]))
    sectors = list(sector_ids) if sector_ids is not None else sorted({s[1] for s in snapshots})
    wanted = set(sectors)
    rows = []
    for month_end in month_ends:
        limit = _end_of(month_end)
        latest: dict[str, pd.DataFrame] = {}
        for imported_at, sector_id, problems in snapshots:
            if sector_id in wanted and _as_datetime(imported_at) <= limit:
                latest[sector_id] = problems  # sorted by time: the last one wins
        count = sum(len(open_problems(problems, month_end)) for problems in latest.values())
        rows.append({
            "month_end": month_end,
            "open": count if latest else None,
            "sectors_reporting": len(latest),
            "sectors_missing": tuple(s for s in sectors if s not in latest),
        })
    frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    frame["open"] = pd.array([row["open"] for row in rows], dtype="Int64")  # <NA>: no tracker yet, not zero
    return frame


def first_import_day(history: pd.DataFrame) -> dt.date | None:
    """Day of the oldest import among `history`'s rows (where the recorded history starts)."""
    if history.empty:
        return None
    return pd.Timestamp(pd.to_datetime(history["imported_at"]).min()).date()


def has_history(history: pd.DataFrame) -> bool:
    """True when at least one sector has more than one import (else there is no past to show)."""
    return bool(not history.empty and history.groupby("sector_id")["import_id"].nunique().max() > 1)


def open_by_month_from_states(states: Iterable[tuple[dt.date, pd.DataFrame, frozenset[str]]],
                              sector_ids: Iterable[str]) -> pd.DataFrame:
    """`open_by_month_from_snapshots` for many sectors: one frame per month end instead of one per import.

    Each state is (month end, the problems of the imports current at that day's end, the sectors that had an
    import by then); the figures are the same (a sector's latest import on or before the month end, open at that
    day; no tracker yet: not counted, and listed as missing).
    """
    sectors = list(sector_ids)
    rows = []
    for month_end, problems, reporting in states:
        reporting = frozenset(reporting) & set(sectors)
        mine = problems[problems["sector_id"].isin(reporting)] if len(problems) else problems
        rows.append({
            "month_end": month_end,
            "open": int(open_at(mine, month_end).sum()) if reporting else None,
            "sectors_reporting": len(reporting),
            "sectors_missing": tuple(s for s in sectors if s not in reporting),
        })
    frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    frame["open"] = pd.array([row["open"] for row in rows], dtype="Int64")
    return frame
