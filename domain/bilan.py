"""The Bilan of a GPO's cycle: the document the GPO reviews before its next diagnostic.

Pure: frames of any sectors, a sector, `as_of` and a cycle number in; a `Bilan` out
(plain data, French labels), which the Bilan page and its PDF (`meeting_pack.bilan_pdf`)
both render. It lives in `domain`, like `meeting_agenda`, because the PDF layer may
read only `domain`.

A cycle runs from a diagnostic to the day before the next one, or to `as_of`
(`domain.indicators.cycle`). The Bilan of a cycle says:

1. the diagnostic: date, title, date shared, summary, the priority problems it names;
2. each priority problem: category, place, stage, status, outcome, resolution time,
   and its actions per partner, each in one state at `as_of` (done on time, done
   late, done without a date, late, open and not late, dropped);
3. the actions of the priority problems summed per partner;
4. meetings held against the cadence over the cycle: the cadence periods of
   `domain.indicators.meetings.cadence_periods` with the cycle as window (the
   period holding the diagnostic counts, as the constitution's does; a period is
   met by a held meeting in it), the meetings held, cancelled and postponed in the
   cycle, and the socle's presence at those held;
5. the problems reported during the cycle (those reported before the first
   diagnostic belong to no cycle: counted apart on the first cycle's Bilan);
6. what the GPO recorded as assessment: the outcomes of the problems closed during
   the cycle (share eliminated or reduced with its counts, how many carry no
   outcome), and, when the cycle is over, the next diagnostic's title and summary.

Statuses, stages and outcomes are the trackers' own at the time of the data (the
tracker keeps no history of them); action states are read at `as_of`.
A sector without a diagnostic gets a Bilan with `cycle = None`: no cycle, no bilan,
said plainly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from domain.indicators.cycle import (ACTION_STATE_LABELS, CLOSED_PROBLEM_STATUSES, Cycle, action_states,
                                     priority_problem_states, problems_before_first_diagnostic, problems_in_cycle,
                                     sector_cycles)
from domain.indicators.meetings import SOCLE, Constitution, cadence_periods, constitution
from domain.indicators.outcomes import (OutcomeShare, closed_in, outcome_distribution, outcome_labels,
                                        outcome_share)
from domain.reference import Reference, Sector
from domain.text import fold
from domain.vocabulary import ACTION_STATUS, CADENCES, PARTNER_TYPE, PRIORITY, PROBLEM_STATUS, VOCABULARIES

STATE_COLUMNS = tuple(ACTION_STATE_LABELS)  # per-partner count columns, in the Bilan's order
PARTNER_COLUMNS = ("partner", "partner_type_label", "actions", *STATE_COLUMNS)
ACTION_COLUMNS = ("action_id", "problem_id", "partner", "partner_type_label", "description", "due_on", "done_on",
                  "status_label", "state", "state_label", "days_late", "comment")
PROBLEM_COLUMNS = ("problem_id", "reported_on", "category", "description", "commune_name", "location",
                   "priority_label", "status_label", "stage_label", "outcome_label", "resolved_on", "is_priority")
NO_TYPE = "Type non précisé"


def stage_label(code: object) -> str | None:
    return VOCABULARIES["problem_stage"].labels.get(code) if isinstance(code, str) else None


def outcome_label(code: object) -> str | None:
    return outcome_labels().get(code, code) if isinstance(code, str) else None


@dataclass(frozen=True)
class PriorityProblem:
    """A priority problem of the cycle's diagnostic, with its actions."""

    problem_id: str  # as the diagnostic names it
    found: bool  # False: no problem of the sector has this Réf (the other fields are then empty)
    category: str | None
    description: str | None
    commune_name: str | None
    location: str | None
    reported_on: dt.date | None
    priority_label: str | None
    status: str | None  # the tracker's code (open, in_progress, resolved, dropped)
    status_label: str | None
    stage_label: str | None
    outcome_label: str | None
    lead_partner: str | None
    resolved_on: dt.date | None
    resolution_days: int | None  # resolved with both dates
    actions: pd.DataFrame  # ACTION_COLUMNS, by partner then due date
    by_partner: pd.DataFrame  # PARTNER_COLUMNS, one row per partner

    @property
    def closed(self) -> bool:
        """Resolved or dropped (by the tracker's status)."""
        return self.status in CLOSED_PROBLEM_STATUSES


@dataclass(frozen=True)
class CycleMeetings:
    """Meetings of the cycle against the GPO's cadence."""

    cadence_label: str
    constitution: Constitution  # at the end of the cycle's periods
    periods: tuple[tuple[dt.date, dt.date], ...]  # elapsed cadence periods of the cycle, oldest first
    missed: tuple[tuple[dt.date, dt.date], ...]  # of which without a held meeting
    held: int  # meetings held during the cycle
    cancelled: int
    postponed: int
    socle_full: int  # of the held ones, with mairie, police municipale and police nationale all present

    @property
    def periods_met(self) -> int:
        return len(self.periods) - len(self.missed)

    @property
    def compliance(self) -> float | None:
        return self.periods_met / len(self.periods) if self.periods else None

    @property
    def socle_share(self) -> float | None:
        return self.socle_full / self.held if self.held else None


@dataclass(frozen=True)
class Bilan:
    sector: Sector
    csp_name: str
    departement: str
    as_of: dt.date
    cycles: tuple[Cycle, ...]  # every cycle of the sector at as_of (empty: no diagnostic)
    cycle: Cycle | None  # the cycle of this Bilan; None: the sector has no diagnostic
    next_cycle: Cycle | None  # the diagnostic that closed it (its title and summary are the reassessment)
    priority: tuple[PriorityProblem, ...]
    partner_summary: pd.DataFrame  # PARTNER_COLUMNS: the priority problems' actions summed per partner
    meetings: CycleMeetings | None
    new_problems: pd.DataFrame  # PROBLEM_COLUMNS: reported during the cycle, oldest first
    outside_cycles: int  # problems reported before the first diagnostic (first cycle's Bilan, or no diagnostic)
    outcomes: OutcomeShare | None  # problems closed during the cycle
    outcome_counts: pd.DataFrame  # `outcomes.outcome_distribution` over the cycle
    closed_problems: pd.DataFrame  # PROBLEM_COLUMNS: closed during the cycle, with their outcome

    @property
    def has_diagnostic(self) -> bool:
        return self.cycle is not None

    @property
    def unknown_refs(self) -> tuple[str, ...]:
        """Réf the diagnostic names that match no problem of the sector."""
        return tuple(p.problem_id for p in self.priority if not p.found)


# --- helpers ------------------------------------------------------------------------------------------------------

def _none(value: object) -> object:
    if value is None:
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


def _day(value: object) -> dt.date | None:
    value = _none(value)
    return None if value is None else pd.Timestamp(value).date()


def _labelled_problems(frame: pd.DataFrame, priority_ids: tuple[str, ...]) -> pd.DataFrame:
    out = pd.DataFrame({
        "problem_id": frame["problem_id"],
        "reported_on": frame["reported_on"],
        "category": frame["category"],
        "description": frame["description"],
        "commune_name": frame["commune_name"],
        "location": frame["location"],
        "priority_label": frame["priority"].map(PRIORITY.labels),
        "status_label": frame["status"].map(PROBLEM_STATUS.labels),
        "stage_label": frame["stage"].map(stage_label),
        "outcome_label": frame["outcome"].map(outcome_label),
        "resolved_on": frame["resolved_on"],
        "is_priority": frame["problem_id"].isin(priority_ids).to_numpy(dtype=bool),
    }, columns=list(PROBLEM_COLUMNS))
    for column in ("priority_label", "status_label", "stage_label", "outcome_label"):
        out[column] = out[column].astype("str")
    return out.reset_index(drop=True)


def _type_label(code: object) -> str:
    return PARTNER_TYPE.labels.get(code, NO_TYPE) if isinstance(code, str) else NO_TYPE


def _labelled_actions(actions: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    states = action_states(actions, as_of)
    today = pd.Timestamp(as_of)
    late_done = (actions["done_on"] - actions["due_on"]).dt.days
    late_open = (today - actions["due_on"]).dt.days
    days_late = late_done.where(states == "done_late", late_open.where(states == "late"))
    out = pd.DataFrame({
        "action_id": actions["action_id"],
        "problem_id": actions["problem_id"],
        "partner": actions["partner"],
        "partner_type_label": actions["partner_type"].map(_type_label).astype("str"),
        "description": actions["description"],
        "due_on": actions["due_on"],
        "done_on": actions["done_on"],
        "status_label": actions["status"].map(ACTION_STATUS.labels).astype("str"),
        "state": states,
        "state_label": states.map(ACTION_STATE_LABELS).astype("str"),
        "days_late": days_late.astype("Int64"),
        "comment": actions["comment"],
    }, columns=list(ACTION_COLUMNS))
    key = out["partner"].map(lambda p: fold(p) if isinstance(p, str) else "")
    return out.assign(_key=key).sort_values(["_key", "due_on", "action_id"], kind="stable").drop(
        columns="_key").reset_index(drop=True)


def partner_counts(actions: pd.DataFrame) -> pd.DataFrame:
    """Labelled actions (ACTION_COLUMNS) counted per partner and state (PARTNER_COLUMNS), partners A→Z."""
    if not len(actions):
        return pd.DataFrame({c: pd.Series(dtype="str" if c in ("partner", "partner_type_label") else "int64")
                             for c in PARTNER_COLUMNS})
    partner = actions["partner"].astype("object").where(actions["partner"].notna(), "")
    counts = pd.crosstab(partner, actions["state"]).reindex(columns=list(STATE_COLUMNS), fill_value=0)
    kinds = actions.assign(partner=partner).groupby("partner", sort=False)["partner_type_label"].agg(
        lambda s: " / ".join(dict.fromkeys(s.dropna())))
    out = counts.reset_index().rename(columns={"row_0": "partner"})
    out.columns.name = None
    out.insert(1, "partner_type_label", out["partner"].map(kinds).astype("str"))
    out.insert(2, "actions", counts.sum(axis=1).to_numpy(dtype="int64"))
    out["partner"] = out["partner"].astype("str")
    order = out["partner"].map(fold).argsort(kind="stable")
    return out.iloc[order][list(PARTNER_COLUMNS)].reset_index(drop=True)


def cycle_meetings(sector: Sector, meetings: pd.DataFrame, cycle: Cycle) -> CycleMeetings:
    """The cycle's meetings against the cadence (meetings of this sector only)."""
    # Periods elapsed by the cycle's end: before the next diagnostic's day, or before as_of for the current cycle
    # (`cadence_periods` counts the periods ended before the day it is given, as on the Réunions page).
    until = cycle.next_diagnosed_on or cycle.end
    status = constitution(sector, meetings, until)
    periods: list[tuple[dt.date, dt.date]] = []
    if status.status == "constituted":
        # a window from at least a month before the diagnostic; `cadence_periods` keeps only the periods that end on
        # or after `since` (the period holding the diagnostic counts, as the constitution's does)
        months = (until.year - cycle.diagnosed_on.year) * 12 + until.month - cycle.diagnosed_on.month + 2
        since = max(cycle.diagnosed_on, status.on) if status.on else cycle.diagnosed_on
        periods = cadence_periods(sector.cadence, until, since, months)
    dates = meetings["meeting_date"]
    held_days = [d.date() for d in dates[meetings["status"] == "held"].dropna()]
    missed = tuple(p for p in periods if not any(p[0] <= d <= p[1] for d in held_days))
    inside = meetings[dates.between(pd.Timestamp(cycle.diagnosed_on), pd.Timestamp(cycle.end))]
    held = inside[inside["status"] == "held"]
    socle = held[list(SOCLE)].fillna(False).astype(bool).all(axis=1) if len(held) else pd.Series(dtype=bool)
    return CycleMeetings(CADENCES.get(sector.cadence, sector.cadence), status, tuple(periods), missed, len(held),
                         int((inside["status"] == "cancelled").sum()), int((inside["status"] == "postponed").sum()),
                         int(socle.sum()))


def _priority(problems: pd.DataFrame, actions: pd.DataFrame, cycle: Cycle,
              as_of: dt.date) -> tuple[PriorityProblem, ...]:
    glance = priority_problem_states(problems, actions, cycle, as_of)
    own = actions[actions["sector_id"] == cycle.sector_id]
    labelled = _labelled_actions(own[own["problem_id"].isin(cycle.priority_ids)], as_of)
    items = []
    for row in glance.itertuples(index=False):
        mine = labelled[labelled["problem_id"] == row.problem_id].reset_index(drop=True)
        status, days = _none(row.status), _none(row.resolution_days)
        items.append(PriorityProblem(
            problem_id=row.problem_id, found=bool(row.found), category=_none(row.category),
            description=_none(row.description), commune_name=_none(row.commune_name), location=_none(row.location),
            reported_on=_day(row.reported_on), priority_label=PRIORITY.labels.get(_none(row.priority)),
            status=status, status_label=PROBLEM_STATUS.labels.get(status), stage_label=stage_label(_none(row.stage)),
            outcome_label=outcome_label(_none(row.outcome)), lead_partner=_none(row.lead_partner),
            resolved_on=_day(row.resolved_on), resolution_days=None if days is None else int(days),
            actions=mine, by_partner=partner_counts(mine)))
    return tuple(items)


def build_bilan(sector: Sector, frames: dict[str, pd.DataFrame], as_of: dt.date, reference: Reference,
                cycle_number: int | None = None) -> Bilan:
    """The Bilan of `sector`'s cycle number `cycle_number` (1 = first diagnostic; None = the current, last one).

    `frames` holds problems, actions, meetings and diagnostics of any sectors: only this sector's rows are read.
    A number the sector does not have raises ValueError.
    """
    own = {key: frames[key][frames[key]["sector_id"] == sector.sector_id]
           for key in ("problems", "actions", "meetings", "diagnostics")}
    problems, actions = own["problems"], own["actions"]
    cycles = sector_cycles(own["diagnostics"], sector.sector_id, as_of)
    csp_name = reference.csps[sector.csp_id].name if sector.csp_id in reference.csps else ""
    departement = reference.departement.nom if reference.departement else ""
    outside = problems_before_first_diagnostic(problems, cycles, sector.sector_id, as_of)
    if not cycles:
        if cycle_number is not None:
            raise ValueError(f"sector {sector.sector_id} has no diagnostic at {as_of}")
        no_problem = _labelled_problems(problems.iloc[0:0], ())
        return Bilan(sector=sector, csp_name=csp_name, departement=departement, as_of=as_of, cycles=(), cycle=None,
                     next_cycle=None, priority=(), partner_summary=partner_counts(_labelled_actions(actions.iloc[0:0],
                                                                                                   as_of)),
                     meetings=None, new_problems=no_problem, outside_cycles=len(outside), outcomes=None,
                     outcome_counts=outcome_distribution(problems.iloc[0:0], as_of, as_of), closed_problems=no_problem)
    number = cycle_number if cycle_number is not None else len(cycles)
    if not 1 <= number <= len(cycles):
        raise ValueError(f"sector {sector.sector_id} has {len(cycles)} cycle(s), not {number}")
    cycle = cycles[number - 1]
    next_cycle = cycles[number] if number < len(cycles) else None
    priority = _priority(problems, actions, cycle, as_of)
    all_actions = _labelled_actions(actions[actions["problem_id"].isin(cycle.priority_ids)], as_of)
    closed = closed_in(problems, cycle.diagnosed_on, cycle.end)
    closed = closed.sort_values(["resolved_on", "problem_id"], kind="stable")
    return Bilan(
        sector=sector, csp_name=csp_name, departement=departement, as_of=as_of, cycles=cycles, cycle=cycle,
        next_cycle=next_cycle, priority=priority, partner_summary=partner_counts(all_actions),
        meetings=cycle_meetings(sector, own["meetings"], cycle),
        new_problems=_labelled_problems(problems_in_cycle(problems, cycle), cycle.priority_ids),
        outside_cycles=len(outside) if number == 1 else 0,
        outcomes=outcome_share(problems, cycle.diagnosed_on, cycle.end),
        outcome_counts=outcome_distribution(problems, cycle.diagnosed_on, cycle.end),
        closed_problems=_labelled_problems(closed, cycle.priority_ids),
    )
