"""The data pages show, read from the store once per set of current imports and scoped to what the user may read.

Every read of the store a page needs goes through here: the cache (st.cache_data,
keyed by the current import ids, so a new import is seen at once) and the access
scoping (`readable()`) are done once, not page by page.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_state.auth import readable
from app_state.resources import reference, store
from domain.filters import Filters
from domain.indicators.problem_history import open_by_month_from_snapshots, snapshot_import_ids
from domain.indicators.sector_metrics import sector_metrics
from domain.issue_catalogue import Issue
from domain.safe_text import visible_frame
from store import queries
from store.queries import current_frames, current_import_id, current_import_ids, demo_sectors, freshness


def demo_reference_date() -> dt.date:
    """The reference date pages start on: in demo mode, the day the demo data were imported as of."""
    dates = [d.date() for d in freshness(store()).values()]
    return max(dates) if dates and demo_sectors(store()) else dt.date.today()


def readable_sector_names() -> dict[str, str]:
    """Name of each sector the user may read, by id, in reference order (for the pages' lists of sectors)."""
    allowed = readable()
    return {s.sector_id: s.name for s in reference().sectors.values() if allowed is None or s.sector_id in allowed}


def has_demo_data() -> bool:
    """Whether some sector still shows the demo trackers shipped with the app."""
    return bool(demo_sectors(store()))


def last_imports() -> dict:
    """The day of each sector's current import (every sector, whatever the user may read: freshness is no data)."""
    return freshness(store())


def current_import_of(sector_id: str) -> int | None:
    with store().connect() as conn:
        return current_import_id(conn, sector_id)


def current_imports() -> tuple[int, ...]:
    """The current import of every sector: what the caches below are keyed by."""
    with store().connect() as conn:
        return tuple(sorted(current_import_ids(conn).values()))


@st.cache_data(show_spinner=False, max_entries=8)
def frames_for_imports(import_ids: tuple[int, ...]) -> dict:
    """Every sector's current data, as shown: invisible characters (bidi overrides, zero-width) removed."""
    return {key: visible_frame(frame) for key, frame in current_frames(store()).items()}


def current_data() -> tuple[dict, dict]:
    """(frames of the current imports of the sectors the user may read, last import per sector); cached per imports."""
    frames = frames_for_imports(current_imports())
    allowed = readable()
    if allowed is not None:
        frames = {k: f[f["sector_id"].isin(allowed)] for k, f in frames.items()}
    return frames, {s: d for s, d in freshness(store()).items() if allowed is None or s in allowed}


@st.cache_data(show_spinner=False, max_entries=32)
def _metrics(import_ids: tuple[int, ...], sector_ids: tuple[str, ...], as_of: dt.date, period_start: dt.date):
    frames = frames_for_imports(import_ids)
    return sector_metrics(frames, reference(), list(sector_ids), as_of, period_start, freshness(store()))


def metrics_for(filters: Filters):
    """One line of figures per selected sector (cached per imports, sectors, date and period)."""
    return _metrics(current_imports(), tuple(filters.sector_ids(reference())), filters.as_of, filters.period_start)


# --- the import history: every import of the sectors the user may read ----------------------------------------------
@st.cache_data(show_spinner=False, max_entries=8)
def _all_imports(import_ids: tuple[int, ...]) -> pd.DataFrame:
    """Every import, newest first; cached per set of current imports (a new import is always its sector's current)."""
    return queries.import_history(store())


def import_history(sector_ids: list[str]) -> pd.DataFrame:
    """The imports of `sector_ids` the user may read, newest first, with whether each is its sector's current data."""
    allowed = readable()
    history = _all_imports(current_imports())
    wanted = [s for s in sector_ids if allowed is None or s in allowed]
    return history[history["sector_id"].isin(wanted)].reset_index(drop=True)


def _may_read_import(import_id: int) -> bool:
    allowed = readable()
    if allowed is None:
        return True
    history = _all_imports(current_imports())
    return bool(history.loc[history["import_id"] == import_id, "sector_id"].isin(allowed).any())


def import_issues(import_id: int) -> list[Issue]:
    """What the check found in an import (none for an import the user may not read)."""
    return queries.import_issues(store(), import_id) if _may_read_import(import_id) else []


def rejected_rows(import_id: int) -> pd.DataFrame:
    """An import's rejected rows, as typed (none for an import the user may not read)."""
    rows = queries.rejected_rows(store(), import_id)
    return rows if _may_read_import(import_id) else rows.iloc[0:0]


@st.cache_data(show_spinner=False, max_entries=16)
def _open_history(history: pd.DataFrame, sector_ids: tuple[str, ...], ends: tuple[dt.date, ...]) -> pd.DataFrame:
    wanted = snapshot_import_ids(history, ends)
    by_id = history.set_index("import_id")
    with store().connect() as conn:
        snapshots = [(by_id.at[i, "imported_at"], by_id.at[i, "sector_id"], queries.import_frames(conn, i)["problems"])
                     for i in wanted]
    return open_by_month_from_snapshots(snapshots, ends, sector_ids)


def open_problems_history(sector_ids: list[str], ends: tuple[dt.date, ...]) -> pd.DataFrame:
    """Open problems at each month end according to the imports current at that time (the sectors the user may
    read among `sector_ids`); cached per history, sectors and month ends."""
    history = import_history(sector_ids)
    allowed = readable()
    return _open_history(history, tuple(s for s in sector_ids if allowed is None or s in allowed), ends)
