"""The GPO's cycle (domain.md, « The cycle »): diagnostic → responses → assessment → bilan → next diagnostic.

Pure, like the rest of `domain.indicators`: frames and an explicit `as_of` in. The
`diagnostics` frame is the contract's (sector_id, diagnosed_on, title, shared_on,
priority_problem_ids, summary, source_file, source_row; one row per sector and day,
the sheet's key); `problems` carries `stage`, `outcome` and `lead_partner`.

Definitions (the README's « Cycle du GPO » says the same in French):

- **Diagnostics at `as_of`**: those dated on or before `as_of`; one dated later does
  not exist yet on that day (as a problem reported later is not counted).
- **Cycle**: starts on its diagnostic's day and runs to the day before the next
  diagnostic; the last one runs to `as_of` included. Cycles are numbered 1, 2, …
  from the sector's first diagnostic.
- **A problem's cycle**: the one in which it was reported (start ≤ reported_on ≤
  end). A problem reported before the sector's first diagnostic (or in a sector
  without one) belongs to **no cycle**: `problem_cycles` gives it NaT, and the
  Bilan of the first cycle counts it apart, « signalé avant le premier
  diagnostic », never inside a cycle.
- **Priority problems**: the Réf its diagnostic names (`priority_problem_ids`,
  split on « ; » or « , », blanks removed, each Réf once, in the order named),
  matched exactly to a `problem_id` of the same sector (the loader writes each
  Réf with the problem's own spelling). A Réf that matches no problem is kept and
  marked not found. A priority problem may have been reported before its
  diagnostic: it is the diagnostic's priority all the same.
- **Bilan due**: 12 calendar months after the cycle's diagnostic, same day of the
  month, or the month's last day when it is shorter (29/02/2024 → 28/02/2025).
- **Cycle status** of a sector at `as_of` (that of its last diagnostic's cycle):
  `no_diagnostic` (no diagnostic by `as_of`: no cycle, never counted on time);
  `overdue` (the due date has passed without a newer diagnostic: as_of > due);
  `due_soon` (due within the next `DUE_SOON_DAYS` = 60 days, due date included:
  0 ≤ due − as_of ≤ 60); `on_time` (due in more than 60 days). A past cycle is
  `closed_on_time` when the next diagnostic came on or before its due date,
  `closed_late` otherwise.
- **Action state** (`action_states`, for the glance and the Bilan): done on time
  (done_on ≤ due_on), done late (done_on > due_on), done without a date to compare
  (`done_undated`), late (to do or in progress, due before `as_of`: the project's
  overdue action), open and not late, dropped. Every action has exactly one state.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from domain.indicators.engine.columns import (NO_DAY_LOW, as_datetimes, count_by, day_number, day_numbers, day_of,
                                              is_in, max_by, sector_codes)
from domain.vocabulary import OPEN_ACTION_STATUSES

BILAN_MONTHS = 12
DUE_SOON_DAYS = 60
CLOSED_PROBLEM_STATUSES = ("resolved", "dropped")

NO_DIAGNOSTIC, ON_TIME, DUE_SOON, OVERDUE = "no_diagnostic", "on_time", "due_soon", "overdue"
CLOSED_ON_TIME, CLOSED_LATE = "closed_on_time", "closed_late"
CYCLE_STATUS_LABELS = {
    NO_DIAGNOSTIC: "Aucun diagnostic",
    ON_TIME: "Bilan non encore dû",
    DUE_SOON: f"Bilan dû sous {DUE_SOON_DAYS} jours",
    OVERDUE: "Bilan en retard",
    CLOSED_ON_TIME: "Nouveau diagnostic dans les 12 mois",
    CLOSED_LATE: "Nouveau diagnostic après l’échéance du bilan",
}

DONE_ON_TIME, DONE_LATE, DONE_UNDATED, LATE, OPEN, DROPPED = (
    "done_on_time", "done_late", "done_undated", "late", "open", "dropped")
ACTION_STATE_LABELS = {  # in the order the Bilan shows them
    DONE_ON_TIME: "Réalisée dans les délais",
    DONE_LATE: "Réalisée après l’échéance",
    DONE_UNDATED: "Réalisée (date non renseignée)",
    LATE: "En retard",
    OPEN: "En cours, dans les délais",
    DROPPED: "Abandonnée",
}

# The per-sector table of `cycle_status`: these columns, in this order, with these dtypes.
STATUS_DTYPES = {
    "sector_id": "str", "status": "str", "status_label": "str", "diagnostics": "int64",
    "last_diagnosed_on": "datetime64[us]", "diagnostic_age_days": "Int64", "bilan_due_on": "datetime64[us]",
    "days_until_due": "Int64", "cycle_problems": "int64", "priority_problems": "int64", "priority_found": "int64",
    "priority_closed": "int64",
}

# The table of `priority_problem_states`: one row per Réf the diagnostic names, in its order.
GLANCE_COLUMNS = ("problem_id", "found", "category", "description", "commune_name", "location", "reported_on",
                  "priority", "stage", "status", "outcome", "lead_partner", "resolved_on", "resolution_days",
                  "actions", "actions_done", "actions_done_late", "actions_late", "actions_dropped", "actions_open")

_REF_SPLIT = re.compile(r"[;,]")


# --- dates -------------------------------------------------------------------------------------------------------

def add_months_to_days(days: np.ndarray, months: int) -> np.ndarray:
    """Day numbers (days since 1970-01-01) `months` calendar months later: same day of the month, or the
    target month's last day when it is shorter (31/01 + 1 month → 28 or 29/02; 29/02/2024 + 12 → 28/02/2025)."""
    day = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    day_in_month = (day - month.astype("datetime64[D]")).astype(np.int64)  # 0 for the 1st
    target = month + months
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    return (target.astype("datetime64[D]") + np.minimum(day_in_month, length - 1)).astype(np.int64)


def bilan_due(diagnosed_on: dt.date) -> dt.date:
    """The day the bilan of a diagnostic is due: 12 calendar months later (29/02 → 28/02)."""
    return day_of(add_months_to_days(np.array([day_number(diagnosed_on)]), BILAN_MONTHS)[0])


def current_status(due: dt.date, as_of: dt.date) -> str:
    """Status of the last cycle at `as_of`: overdue, due_soon (within 60 days, due day included) or on_time."""
    until = (due - as_of).days
    return OVERDUE if until < 0 else DUE_SOON if until <= DUE_SOON_DAYS else ON_TIME


# --- cycles of one sector ------------------------------------------------------------------------------------------

def split_refs(text: object) -> tuple[str, ...]:
    """The Réf named in a « Problèmes prioritaires » cell: split on « ; » or « , », stripped, once each, in order."""
    if not isinstance(text, str):
        return ()
    return tuple(dict.fromkeys(part.strip() for part in _REF_SPLIT.split(text) if part.strip()))


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _day_or_none(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


@dataclass(frozen=True)
class Cycle:
    """One cycle of a sector: from its diagnostic to the day before the next one, or to `as_of`."""

    sector_id: str
    number: int  # 1 for the sector's first diagnostic
    diagnosed_on: dt.date
    end: dt.date  # last day of the cycle, included: the day before the next diagnostic, or as_of
    next_diagnosed_on: dt.date | None  # the diagnostic that closed this cycle; None: the current cycle
    bilan_due_on: dt.date
    status: str  # on_time | due_soon | overdue (current cycle) | closed_on_time | closed_late
    title: str | None
    shared_on: dt.date | None
    summary: str | None
    priority_ids: tuple[str, ...]
    source_row: int  # the Diagnostic sheet's line

    @property
    def current(self) -> bool:
        return self.next_diagnosed_on is None

    @property
    def status_label(self) -> str:
        return CYCLE_STATUS_LABELS[self.status]

    @property
    def days(self) -> int:
        """Length in days, both ends included."""
        return (self.end - self.diagnosed_on).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.diagnosed_on <= day <= self.end


def sector_diagnostics(diagnostics: pd.DataFrame, sector_id: str, as_of: dt.date) -> pd.DataFrame:
    """The sector's diagnostics dated on or before `as_of`, oldest first."""
    own = diagnostics[(diagnostics["sector_id"] == sector_id) & diagnostics["diagnosed_on"].notna()
                      & (diagnostics["diagnosed_on"] <= pd.Timestamp(as_of))]
    return own.sort_values(["diagnosed_on", "source_row"], kind="stable")


def sector_cycles(diagnostics: pd.DataFrame, sector_id: str, as_of: dt.date) -> tuple[Cycle, ...]:
    """The sector's cycles at `as_of`, oldest first (empty: no diagnostic by then)."""
    own = sector_diagnostics(diagnostics, sector_id, as_of)
    days = [d.date() for d in own["diagnosed_on"]]
    cycles = []
    for i, row in enumerate(own.itertuples(index=False)):
        start = days[i]
        following = days[i + 1] if i + 1 < len(days) else None
        due = bilan_due(start)
        if following is None:
            end, status = as_of, current_status(due, as_of)
        else:
            end, status = following - dt.timedelta(days=1), CLOSED_ON_TIME if following <= due else CLOSED_LATE
        cycles.append(Cycle(sector_id, i + 1, start, end, following, due, status, _text_or_none(row.title),
                            _day_or_none(row.shared_on), _text_or_none(row.summary),
                            split_refs(row.priority_problem_ids), int(row.source_row)))
    return tuple(cycles)


def cycle_on(cycles: tuple[Cycle, ...], day: dt.date) -> Cycle | None:
    """The cycle that holds `day` (None: before the first diagnostic, or after the last cycle's end)."""
    return next((c for c in cycles if c.contains(day)), None)


def problems_in_cycle(problems: pd.DataFrame, cycle: Cycle) -> pd.DataFrame:
    """The sector's problems reported within the cycle (start ≤ reported_on ≤ end), oldest first."""
    reported = problems["reported_on"]
    mine = problems[(problems["sector_id"] == cycle.sector_id)
                    & reported.between(pd.Timestamp(cycle.diagnosed_on), pd.Timestamp(cycle.end))]
    return mine.sort_values(["reported_on", "problem_id"], kind="stable")


def problems_before_first_diagnostic(problems: pd.DataFrame, cycles: tuple[Cycle, ...], sector_id: str,
                                     as_of: dt.date) -> pd.DataFrame:
    """The sector's problems that belong to no cycle because they were reported before its first diagnostic
    (all its problems reported by `as_of` when it has no diagnostic)."""
    mine = problems[(problems["sector_id"] == sector_id) & (problems["reported_on"] <= pd.Timestamp(as_of))]
    if cycles:
        mine = mine[mine["reported_on"] < pd.Timestamp(cycles[0].diagnosed_on)]
    return mine.sort_values(["reported_on", "problem_id"], kind="stable")


# --- every problem's cycle, all sectors at once -------------------------------------------------------------------

def _valid_diagnostics(diagnostics: pd.DataFrame, sector_ids: list[str], as_of: dt.date):
    codes = sector_codes(diagnostics["sector_id"], sector_ids)
    days, dated = day_numbers(diagnostics["diagnosed_on"])
    return codes, days, dated & (codes >= 0) & (days <= day_number(as_of))


def problem_cycles(problems: pd.DataFrame, diagnostics: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Per problem (aligned on `problems`' index): the `diagnosed_on` of the cycle it was reported in.

    NaT when it belongs to no cycle: reported before its sector's first diagnostic, in a sector without one, or
    after `as_of`. One sorted search over (sector, day) keys: no loop over sectors.
    """
    sector_ids = list(dict.fromkeys(diagnostics["sector_id"].dropna().tolist()))
    out = np.full(len(problems), np.iinfo(np.int64).min, dtype=np.int64)
    if sector_ids and len(problems):
        codes, days, valid = _valid_diagnostics(diagnostics, sector_ids, as_of)
        keys = np.sort(codes[valid] * (1 << 32) + days[valid] + (1 << 31))
        p_codes = sector_codes(problems["sector_id"], sector_ids)
        reported, has_reported = day_numbers(problems["reported_on"])
        p_keys = p_codes * (1 << 32) + reported + (1 << 31)
        at = np.searchsorted(keys, p_keys, side="right") - 1
        found = keys[np.maximum(at, 0)] if len(keys) else np.zeros(len(problems), dtype=np.int64)
        ok = (p_codes >= 0) & has_reported & (reported <= day_number(as_of)) & (at >= 0) & ((found >> 32) == p_codes)
        out = np.where(ok, (found & 0xFFFFFFFF) - (1 << 31), out)
    present = out != np.iinfo(np.int64).min
    return pd.Series(as_datetimes(np.where(present, out, 0), present), index=problems.index, name="cycle")


# --- actions and priority problems -------------------------------------------------------------------------------

def action_states(actions: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Each action's state at `as_of` (codes of ACTION_STATE_LABELS), aligned on `actions`' index."""
    status = actions["status"]
    done = (status == "done").fillna(False).to_numpy(dtype=bool)
    dropped = (status == "dropped").fillna(False).to_numpy(dtype=bool)
    open_ = status.isin(OPEN_ACTION_STATUSES).to_numpy(dtype=bool)
    due, done_on = actions["due_on"], actions["done_on"]
    dated = (due.notna() & done_on.notna()).to_numpy(dtype=bool)
    in_time = (done_on <= due).fillna(False).to_numpy(dtype=bool)
    late = (due < pd.Timestamp(as_of)).fillna(False).to_numpy(dtype=bool)
    states = np.select([done & dated & in_time, done & dated, done, dropped, open_ & late],
                       [DONE_ON_TIME, DONE_LATE, DONE_UNDATED, DROPPED, LATE], OPEN)
    return pd.Series(pd.array(states.tolist() if len(states) else [], dtype="str"), index=actions.index, name="state")


def priority_problem_states(problems: pd.DataFrame, actions: pd.DataFrame, cycle: Cycle,
                            as_of: dt.date) -> pd.DataFrame:
    """The cycle's priority problems at a glance: one row per Réf its diagnostic names, in the order named.

    Columns GLANCE_COLUMNS: the problem's fields (missing when `found` is False), its resolution time in days
    (resolved with both dates), and its actions counted by state at `as_of`: done (on time, late or undated),
    of which done late, late, dropped, open and not late.
    """
    refs = list(cycle.priority_ids)
    mine = problems[problems["sector_id"] == cycle.sector_id].drop_duplicates("problem_id")
    named = pd.DataFrame({"problem_id": pd.array(refs, dtype="str")})
    frame = named.merge(mine, on="problem_id", how="left", indicator=True)
    frame["found"] = (frame.pop("_merge") == "both").to_numpy(dtype=bool)
    resolved = (frame["status"].eq("resolved").fillna(False) & frame["resolved_on"].notna()
                & frame["reported_on"].notna())
    frame["resolution_days"] = (frame["resolved_on"] - frame["reported_on"]).dt.days.where(resolved).astype("Int64")
    own_actions = actions[(actions["sector_id"] == cycle.sector_id) & actions["problem_id"].isin(refs)]
    states = action_states(own_actions, as_of)
    counts = pd.crosstab(own_actions["problem_id"], states) if len(own_actions) else pd.DataFrame()

    def count(*codes: str) -> np.ndarray:
        total = np.zeros(len(frame), dtype=np.int64)
        for code in codes:
            if code in counts.columns:
                total += frame["problem_id"].map(counts[code]).fillna(0).to_numpy(dtype=np.int64)
        return total

    frame["actions"] = count(*ACTION_STATE_LABELS)
    frame["actions_done"] = count(DONE_ON_TIME, DONE_LATE, DONE_UNDATED)
    frame["actions_done_late"] = count(DONE_LATE)
    frame["actions_late"] = count(LATE)
    frame["actions_dropped"] = count(DROPPED)
    frame["actions_open"] = count(OPEN)
    return frame[list(GLANCE_COLUMNS)]


# --- every sector's cycle status in one pass ------------------------------------------------------------------------

def _ref_codes(column: pd.Series | list[str], refs: pa.Array) -> np.ndarray:
    """Position of each value in `refs` (-1: not there, or missing)."""
    if not len(column):
        return np.zeros(0, dtype=np.int64)
    found = pc.index_in(pa.array(column, type=pa.string(), from_pandas=True), value_set=refs)
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def cycle_status(diagnostics: pd.DataFrame, problems: pd.DataFrame, sector_ids: list[str],
                 as_of: dt.date) -> pd.DataFrame:
    """One row per sector of `sector_ids` (in that order): its cycle status at `as_of` (STATUS_DTYPES).

    status / status_label (no_diagnostic, on_time, due_soon, overdue), diagnostics (how many by as_of),
    last_diagnosed_on, diagnostic_age_days, bilan_due_on, days_until_due (negative: days overdue),
    cycle_problems (problems reported in the current cycle), priority_problems (Réf the last diagnostic names),
    priority_found (of which matching a problem), priority_closed (of which resolved or dropped, by the tracker's
    status). Grouped numpy and Arrow over all sectors at once: no Python loop over sectors or problems.
    """
    sector_ids = list(dict.fromkeys(sector_ids))
    n = len(sector_ids)
    today = day_number(as_of)
    codes, days, valid = _valid_diagnostics(diagnostics, sector_ids, as_of)
    count = count_by(codes, valid, n)
    has = count > 0
    last = max_by(codes, days, valid, n)
    last = np.where(has, last, 0)
    due = np.where(has, add_months_to_days(last, BILAN_MONTHS), 0)
    until = due - today
    status = np.select([~has, until < 0, until <= DUE_SOON_DAYS], [NO_DIAGNOSTIC, OVERDUE, DUE_SOON], ON_TIME)

    # Problems reported in the current cycle
    p_codes = sector_codes(problems["sector_id"], sector_ids)
    reported, has_reported = day_numbers(problems["reported_on"])
    pad = np.append(last, NO_DAY_LOW)  # a problem of another sector (code -1) reads the appended blank
    in_cycle = has_reported & (p_codes >= 0) & np.append(has, False)[p_codes] & (reported >= pad[p_codes]) \
        & (reported <= today)
    cycle_problems = count_by(p_codes, in_cycle, n)

    # Priority problems of each sector's last diagnostic
    latest = valid & (days == np.append(last, NO_DAY_LOW)[codes])
    named = pd.DataFrame({"code": codes[latest], "refs": diagnostics["priority_problem_ids"].to_numpy()[latest]})
    named["ref"] = named["refs"].map(lambda text: list(split_refs(text)))  # one cell per sector: ≤ n calls
    named = named.explode("ref").dropna(subset=["ref"])
    ref_codes = named["code"].to_numpy(dtype=np.int64)
    priority = np.bincount(ref_codes, minlength=n).astype(np.int64) if len(named) else np.zeros(n, dtype=np.int64)
    found_n = np.zeros(n, dtype=np.int64)
    closed_n = np.zeros(n, dtype=np.int64)
    if len(named) and len(problems):
        # (sector, Réf) pairs as integers: sector code × number of Réf named + the Réf's code, matched by a sorted
        # search (the few named Réf are looked up in the problems, never the reverse)
        refs = pa.array(sorted(set(named["ref"])), type=pa.string())
        size = len(refs)
        wanted = ref_codes * size + _ref_codes(named["ref"].tolist(), refs)
        p_refs = _ref_codes(problems["problem_id"], refs)
        mine = np.flatnonzero((p_codes >= 0) & (p_refs >= 0))
        keys = p_codes[mine] * size + p_refs[mine]
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], mine[order]
        at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
        found = (keys[at] == wanted) if len(keys) else np.zeros(len(wanted), dtype=bool)
        closed = found & is_in(problems["status"], CLOSED_PROBLEM_STATUSES)[rows[at] if len(rows) else at]
        found_n = np.bincount(ref_codes[found], minlength=n).astype(np.int64)
        closed_n = np.bincount(ref_codes[closed], minlength=n).astype(np.int64)

    return pd.DataFrame({
        "sector_id": pd.array(sector_ids, dtype="str"),
        "status": pd.array(status.tolist(), dtype="str"),
        "status_label": pd.array([CYCLE_STATUS_LABELS[s] for s in status.tolist()], dtype="str"),
        "diagnostics": count,
        "last_diagnosed_on": as_datetimes(last, has),
        "diagnostic_age_days": pd.arrays.IntegerArray(np.where(has, today - last, 0), ~has),
        "bilan_due_on": as_datetimes(due, has),
        "days_until_due": pd.arrays.IntegerArray(np.where(has, until, 0), ~has),
        "cycle_problems": cycle_problems,
        "priority_problems": priority,
        "priority_found": found_n,
        "priority_closed": closed_n,
    }, columns=list(STATUS_DTYPES))

