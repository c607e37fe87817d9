"""The data pages show: read from the store once per set of current imports, shared by every session, scoped to
what the user may read.

Every read of the store a page needs goes through here, and three rules keep the pages fast at any size:

- one small query per run says which import is each sector's current one (`import_state`); every cache below is
  keyed by those import ids, so a new import is seen at once and nothing else ever goes stale (a retention purge or
  a restore, which change rows in place, bump the store's `generation`, part of every key too);
- the rows are read in columns (`store.columnar`) and kept with `st.cache_resource`: one copy shared by every
  session, handed out without a copy (pandas 3 copies on write, so no page can change what another sees). A view
  of a few sectors reads only those sectors; a wide view filters the shared frames once per scope;
- every sector's indicators come from one grouped pass (`domain.indicators.engine`), cached per imports, date and
  period; a page takes the rows of its sectors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
import streamlit as st

from app_state.auth import readable
from app_state.resources import reference, store
from domain.filters import Filters
from domain.indicators.actions import overdue_actions, with_context
from domain.indicators.cycle_figures import sector_cycle_figures, with_cycle_figures
from domain.indicators.engine import SectorFigures, sector_figures
from domain.indicators.meetings import CadenceSummary
from domain.indicators.problem_history import open_by_month_from_states
from domain.issue_catalogue import Issue
from domain.meeting_agenda import build_agenda
from domain.safe_text import visible_frame
from store import queries
from store.columnar import current_columns

SMALL_SCOPE = 24  # up to this many sectors a view reads its own rows; beyond, it takes them from the shared frames


@dataclass(frozen=True)
class ImportState:
    """Each sector's current import, as one run of a page sees it."""

    import_ids: dict[str, int]
    imported_at: dict[str, dt.datetime]
    demo: frozenset[str]
    generation: int = 0  # `store.queries.rows_generation`: grows when a purge or a restore changed rows in place

    @cached_property
    def key(self) -> str:
        """What the caches of the whole département are keyed by: a digest of the current imports (and the
        generation), made once per state; Streamlit would hash 2,000 import ids one by one on every call."""
        ids = tuple(sorted(self.import_ids.values()))
        return hashlib.blake2b(repr((ids, self.generation)).encode("ascii"), digest_size=16).hexdigest()

    def key_of(self, sector_ids: list[str]) -> tuple[tuple[str, int], ...]:
        """What the caches of a few sectors are keyed by: each one's current import (then ("", -generation))."""
        pairs = tuple((s, self.import_ids[s]) for s in sector_ids if s in self.import_ids)
        return (*pairs, ("", -self.generation)) if self.generation else pairs


@st.cache_data(show_spinner=False, ttl=1)
def _import_state() -> ImportState:
    # Kept one second (runs that follow each other share one query); an import made here clears it at once
    # (`forget_import_state`), one made by another server or the command line is seen within the second.
    current = queries.current_imports(store())
    return ImportState(dict(zip(current["sector_id"], current["import_id"].astype(int))),
                       {s: pd.Timestamp(t).to_pydatetime() for s, t in zip(current["sector_id"], current["imported_at"])},
                       frozenset(current.loc[current["demo"].astype(bool), "sector_id"]),
                       queries.rows_generation(store()))


def import_state() -> ImportState:
    return _import_state()


def forget_import_state() -> None:
    """After an import from this server: the next run sees it, without waiting for the second to pass."""
    _import_state.clear()


def demo_reference_date() -> dt.date:
    """The reference date pages start on: in demo mode, the day the demo data were imported as of."""
    state = import_state()
    dates = [d.date() for d in state.imported_at.values()]
    return max(dates) if dates and state.demo else dt.date.today()


def readable_sector_names() -> dict[str, str]:
    """Name of each sector the user may read, by id, in reference order (for the pages' lists of sectors)."""
    allowed = readable()
    return {s.sector_id: s.name for s in reference().sectors.values() if allowed is None or s.sector_id in allowed}


def has_demo_data() -> bool:
    """Whether some sector still shows the demo trackers shipped with the app."""
    return bool(import_state().demo)


def last_imports() -> dict:
    """The moment of each sector's current import (every sector, whatever the user may read: freshness is no data)."""
    return import_state().imported_at


def current_import_of(sector_id: str) -> int | None:
    return import_state().import_ids.get(sector_id)


def current_import_now(sector_id: str) -> int | None:
    """The sector's current import as the store has it now, not as it was up to a second ago: for the check made
    before a write is offered (another server's import must not be missed because the state was cached)."""
    forget_import_state()
    return current_import_of(sector_id)


def rows_generation() -> int:
    """For caches keyed by one import: grows when a purge or a restore changed rows in place."""
    return import_state().generation


def current_imports() -> str:
    """The current import of every sector, as a digest: what the caches of the whole département are keyed by."""
    return import_state().key


# --- rows ------------------------------------------------------------------------------------------------------------
def _shown(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {key: visible_frame(frame) for key, frame in frames.items()}  # bidi overrides, zero-width: removed


@st.cache_resource(show_spinner="Lecture des données…", max_entries=2)
def frames_for_imports(imports: str) -> dict[str, pd.DataFrame]:
    """Every sector's current rows, as shown; one copy for every session, per set of current imports (`imports`:
    their digest, `current_imports()`)."""
    return _shown(current_columns(store()))


@st.cache_resource(show_spinner=False, max_entries=64)
def _few_sectors(key: tuple[tuple[str, int], ...]) -> dict[str, pd.DataFrame]:
    return _shown(current_columns(store(), [sector for sector, _ in key if sector]))  # "": the generation


@st.cache_resource(show_spinner=False, max_entries=16)
def _many_sectors(digest: str, imports: str, _sector_ids: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    frames = frames_for_imports(imports)
    wanted = set(_sector_ids)
    if wanted >= set(import_state().import_ids):
        return frames
    return {key: frame[frame["sector_id"].isin(wanted)].reset_index(drop=True) for key, frame in frames.items()}


def readable_of(sector_ids: list[str]) -> list[str]:
    """`sector_ids` less those the user may not read, in the same order."""
    allowed = readable()
    return [s for s in sector_ids if allowed is None or s in allowed]


def scope_frames(sector_ids: list[str]) -> dict[str, pd.DataFrame]:
    """The current rows of `sector_ids` the user may read (a few sectors are read on their own, many are filtered
    from the shared frames), cached per their current imports."""
    state = import_state()
    wanted = readable_of(sector_ids)
    if len(wanted) <= SMALL_SCOPE:
        return _few_sectors(state.key_of(wanted))
    return _many_sectors(digest_of((state.key,), tuple(wanted)), state.key, tuple(wanted))


def current_data() -> tuple[dict, dict]:
    """(current rows of every sector the user may read, last import per sector)."""
    allowed = readable()
    sectors = list(reference().sectors) if allowed is None else [s for s in reference().sectors if s in allowed]
    return scope_frames(sectors), {s: d for s, d in last_imports().items() if allowed is None or s in allowed}


# --- indicators ------------------------------------------------------------------------------------------------------
def scope_key(sector_ids: list[str]) -> tuple:
    """What the figures of these (readable) sectors are computed from: their own rows when they are few, else every
    sector's. Hashable and small, so that the caches below never hash frames."""
    state = import_state()
    if len(sector_ids) <= SMALL_SCOPE:
        return ("few", state.key_of(sector_ids), tuple(sector_ids))
    return ("all", state.key, ())


def digest_of(scope: tuple, sector_ids: tuple[str, ...]) -> str:
    """A short key for a view's (scope, sectors): what the caches of the cycle's figures are keyed by, the scope and
    the sectors themselves passed beside it unhashed (`_scope`, `_sector_ids`). Streamlit hashes a tuple element by
    element: ~50 ms for 2,000 sectors' import ids and names, on every call; this digest costs ~1 ms."""
    return hashlib.blake2b(repr((scope, sector_ids)).encode("utf-8"), digest_size=16).hexdigest()


@st.cache_resource(show_spinner="Calcul des indicateurs…", max_entries=32)
def _figures(scope: tuple, as_of: dt.date, period_start: dt.date) -> SectorFigures:
    kind, key, sector_ids = scope
    if kind == "few":
        return sector_figures(_few_sectors(key), reference(), list(sector_ids), as_of, period_start,
                              import_state().imported_at)
    return sector_figures(frames_for_imports(key), reference(), list(reference().sectors), as_of, period_start,
                          import_state().imported_at)


def figures_for(sector_ids: list[str], as_of: dt.date, period_start: dt.date) -> SectorFigures:
    """Every figure of the readable `sector_ids` (one grouped pass; a few sectors computed on their own rows)."""
    return _figures(scope_key(readable_of(sector_ids)), as_of, period_start)


@st.cache_resource(show_spinner="Calcul des indicateurs du cycle…", max_entries=32)
def cycle_figures_of_scope(scope: tuple, as_of: dt.date, period_start: dt.date) -> pd.DataFrame:
    """Every sector's cycle status, PSQ ratio and outcome share (`domain.indicators.cycle_figures`), for the same
    scope as `_figures`: three grouped passes over its rows, once per set of current imports, date and period."""
    kind, key, sector_ids = scope
    frames = _few_sectors(key) if kind == "few" else frames_for_imports(key)
    ids = list(sector_ids) if kind == "few" else list(reference().sectors)
    return sector_cycle_figures(frames["diagnostics"], frames["problems"], ids, as_of, period_start)


@st.cache_resource(show_spinner=False, max_entries=32)
def _metrics(digest: str, _scope: tuple, _sector_ids: tuple[str, ...], as_of: dt.date,
             period_start: dt.date) -> pd.DataFrame:
    metrics = _figures(_scope, as_of, period_start).metrics_frame(list(_sector_ids))
    return with_cycle_figures(metrics, cycle_figures_of_scope(_scope, as_of, period_start))


def metrics_of_scope(scope: tuple, sector_ids: tuple[str, ...], as_of: dt.date, period_start: dt.date) -> pd.DataFrame:
    """One line of figures per sector, the cycle's beside the others (the map and the ranking read both)."""
    return _metrics(digest_of(scope, sector_ids), scope, sector_ids, as_of, period_start)


def metrics_for(filters: Filters) -> pd.DataFrame:
    """One line of figures per selected sector the user may read (shared by every session: never change it)."""
    wanted = readable_of(filters.sector_ids(reference()))
    return metrics_of_scope(scope_key(wanted), tuple(wanted), filters.as_of, filters.period_start)


def headline_for(filters: Filters):
    """The headline figures of the selected sectors the user may read."""
    wanted = readable_of(filters.sector_ids(reference()))
    return figures_for(wanted, filters.as_of, filters.period_start).headline(wanted)


@st.cache_resource(show_spinner=False, max_entries=32)
def summaries_of_scope(scope: tuple, as_of: dt.date, period_start: dt.date) -> dict[str, CadenceSummary]:
    return _figures(scope, as_of, period_start).cadence_summaries()


def cadence_for(sector_ids: list[str], as_of: dt.date, period_start: dt.date) -> dict[str, CadenceSummary]:
    """Each readable sector's cadence summary at `as_of` (the Réunions page), in the order asked."""
    wanted = readable_of(sector_ids)
    every = summaries_of_scope(scope_key(wanted), as_of, period_start)
    return {s: every[s] for s in wanted}


# --- the import history: every import of the sectors the user may read ----------------------------------------------
@st.cache_data(show_spinner=False, max_entries=8)
def _all_imports(import_ids: tuple[int, ...]) -> pd.DataFrame:
    """Every import, newest first; cached per set of current imports (a new import is always its sector's current)."""
    return queries.import_history(store())


def import_history(sector_ids: list[str]) -> pd.DataFrame:
    """The imports of `sector_ids` the user may read, newest first, with whether each is its sector's current data."""
    history = _all_imports(current_imports())
    return history[history["sector_id"].isin(readable_of(sector_ids))].reset_index(drop=True)


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


PROBLEM_HISTORY_COLUMNS = {"problems": ["sector_id", "problem_id", "reported_on", "status", "resolved_on"]}


@st.cache_resource(show_spinner=False, max_entries=16)
def _open_history(digest: str, _sector_ids: tuple[str, ...], ends: tuple[dt.date, ...]) -> pd.DataFrame:
    sector_ids = _sector_ids
    states = []
    for month_end in ends:  # one read per month end: the imports current at that day's end, only the columns needed
        at = dt.datetime.combine(month_end, dt.time.max)
        with store().connect() as conn:
            reporting = frozenset(queries.current_import_ids(conn, list(sector_ids), at))
        problems = current_columns(store(), list(reporting), PROBLEM_HISTORY_COLUMNS, at=at)["problems"]
        states.append((month_end, problems, reporting))
    return open_by_month_from_states(states, sector_ids)


def open_problems_history(sector_ids: list[str], ends: tuple[dt.date, ...]) -> pd.DataFrame:
    """Open problems at each month end according to the imports current at that time (the sectors the user may
    read among `sector_ids`); cached per set of current imports, sectors and month ends."""
    wanted = tuple(readable_of(sector_ids))
    return _open_history(digest_of((current_imports(),), wanted), wanted, ends)


# --- what one view computes from rows: cached per the current imports it reads ----------------------------------------
@st.cache_resource(show_spinner=False, max_entries=128)
def _agenda(key: tuple[tuple[str, int], ...], sector_id: str, as_of: dt.date):
    return build_agenda(reference().sectors[sector_id], _few_sectors(key), as_of, reference())


def agenda_for(sector_id: str, as_of: dt.date):
    """The meeting agenda of one sector at `as_of` (the meeting screen, the rotation, the meeting pack)."""
    return _agenda(import_state().key_of(readable_of([sector_id])), sector_id, as_of)


@st.cache_resource(show_spinner=False, max_entries=32)
def _overdue(digest: str, _sector_ids: tuple[str, ...], as_of: dt.date) -> pd.DataFrame:
    frames = scope_frames(list(_sector_ids))
    return with_context(overdue_actions(frames["actions"], as_of), frames["problems"], reference())


def overdue_for(sector_ids: list[str], as_of: dt.date) -> pd.DataFrame:
    """The overdue actions of the readable `sector_ids` at `as_of`, with their problem, sector and CSP."""
    wanted = readable_of(sector_ids)
    return _overdue(digest_of(scope_key(wanted), tuple(wanted)), tuple(wanted), as_of)
