"""The data pages show, read from the store once per set of current imports and scoped to what the user may read.

Every read of the store a page needs goes through here: the cache (st.cache_data,
keyed by the current import ids, so a new import is seen at once) and the access
scoping (`readable()`) are done once, not page by page.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_state.auth import readable
from app_state.resources import reference, store
from domain.filters import Filters
from domain.indicators.sector_metrics import sector_metrics
from domain.safe_text import visible_frame
from loaders import TrackerResult
from loaders.isolated import load_isolated, warm_up
from store.queries import current_frames, current_import_id, current_import_ids, demo_sectors, freshness


def demo_reference_date() -> dt.date:
    """The reference date pages start on: in demo mode, the day the demo data were imported as of."""
    dates = [d.date() for d in freshness(store()).values()]
    return max(dates) if dates and demo_sectors(store()) else dt.date.today()


def has_demo_data() -> bool:
    """Whether some sector still shows the demo trackers shipped with the app."""
    return bool(demo_sectors(store()))


def last_imports() -> dict:
    """The day of each sector's current import (every sector, whatever the user may read: freshness is no data)."""
    return freshness(store())


@st.cache_data(show_spinner=False, max_entries=32)
def read_upload(data: bytes, name: str, sector: str | None, as_of: dt.date) -> list[TrackerResult]:
    """An uploaded file read once per content, sector choice and date (bytes, not the file object).

    Read in a separate, limited process (loaders.isolated): a file that crashes a
    parser or wants too much memory or time costs only that read, never the server.
    """
    return load_isolated(data, filename=name, sector=sector, as_of=as_of, reference=reference())


@st.cache_resource
def upload_reader_ready() -> bool:
    """Start the upload reader's process when the Import page opens, not on the first upload."""
    warm_up()
    return True


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
