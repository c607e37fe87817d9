"""The agenda a GPO meeting follows, built from one sector's data at a reference date.

1. since the last meeting: new problems, problems resolved, actions done;
2. overdue actions, grouped by responsible partner (who owes what, since when);
3. actions due before the next planned meeting;
4. open problems by priority, with their age and their actions;
5. the GPO's cadence and attendance (is the socle there?), next meeting date.

Pure: frames of one sector and `as_of` in, an `Agenda` out. The briefing
screen and the meeting pack (PDF) both render it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from domain.indicators.actions import overdue_actions
from domain.indicators.meetings import CadenceSummary, cadence_summary
from domain.indicators.problems import open_problems
from domain.reference import Reference, Sector
from domain.vocabulary import OPEN_ACTION_STATUSES

PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Agenda:
    sector: Sector
    csp_name: str
    as_of: dt.date
    since: dt.date | None  # the last held meeting before `as_of` (None: no meeting held yet)
    next_meeting: dt.date | None
    new_problems: pd.DataFrame
    resolved_problems: pd.DataFrame
    done_actions: pd.DataFrame
    overdue_by_partner: list[tuple[str, pd.DataFrame]]  # (partner, its overdue actions, most overdue first)
    due_before_next: pd.DataFrame  # open actions due from as_of up to the next meeting (included)
    open_by_priority: pd.DataFrame  # open problems, high priority first, with age_days
    actions_of_problem: dict[str, pd.DataFrame]  # problem_id -> its actions (open ones first)
    cadence: CadenceSummary
    last_meeting_socle: dict[str, bool | None]  # who of the socle came to the last held meeting
    departement: str = ""  # the reference's département ("Moselle"): the meeting pack names it

    @property
    def overdue_count(self) -> int:
        return sum(len(frame) for _, frame in self.overdue_by_partner)


def _after(frame: pd.DataFrame, column: str, start: dt.date | None, end: dt.date) -> pd.DataFrame:
    dates = frame[column]
    keep = dates.notna() & (dates <= pd.Timestamp(end))
    if start is not None:
        keep &= dates > pd.Timestamp(start)
    return frame[keep].sort_values(column)


def build_agenda(sector: Sector, frames: dict[str, pd.DataFrame], as_of: dt.date, reference: Reference) -> Agenda:
    """`frames` may hold every sector: only `sector`'s rows are used."""
    own = {k: f[f["sector_id"] == sector.sector_id] for k, f in frames.items()}
    meetings, problems, actions = own["meetings"], own["problems"], own["actions"]
    cadence = cadence_summary(sector, meetings, as_of)
    held_before = meetings[(meetings["status"] == "held") & (meetings["meeting_date"] < pd.Timestamp(as_of))]
    since = held_before["meeting_date"].max().date() if len(held_before) else None
    upcoming = meetings[(meetings["status"] == "planned") & (meetings["meeting_date"] > pd.Timestamp(as_of))]
    next_meeting = upcoming["meeting_date"].min().date() if len(upcoming) else cadence.next_planned

    new_problems = _after(problems, "reported_on", since, as_of)
    resolved = _after(problems[problems["status"] == "resolved"], "resolved_on", since, as_of)
    done = _after(actions[actions["status"] == "done"], "done_on", since, as_of)

    late = overdue_actions(actions, as_of)
    by_partner = sorted(((partner, group) for partner, group in late.groupby("partner", sort=False)),
                        key=lambda pair: (-int(pair[1]["days_overdue"].max()), pair[0]))

    open_actions = actions[actions["status"].isin(OPEN_ACTION_STATUSES)]
    if next_meeting is not None:
        window = open_actions["due_on"].between(pd.Timestamp(as_of), pd.Timestamp(next_meeting))
        due_before_next = open_actions[window].sort_values(["due_on", "action_id"])
    else:
        due_before_next = open_actions.iloc[0:0]

    opened = open_problems(problems, as_of).copy()
    opened["age_days"] = (pd.Timestamp(as_of) - opened["reported_on"]).dt.days.astype("int64")
    opened["_rank"] = opened["priority"].map(PRIORITY_ORDER).fillna(3)
    opened = opened.sort_values(["_rank", "age_days"], ascending=[True, False]).drop(columns="_rank")
    actions_of = {}
    for problem_id in opened["problem_id"]:
        linked = actions[actions["problem_id"] == problem_id].copy()
        linked["_open"] = ~linked["status"].isin(OPEN_ACTION_STATUSES)
        actions_of[problem_id] = linked.sort_values(["_open", "due_on"]).drop(columns="_open")

    last_held = held_before.sort_values("meeting_date").tail(1)
    socle = {}
    for column in ("mayor_present", "municipal_police_present", "national_police_present"):
        value = last_held[column].iloc[0] if len(last_held) else None
        socle[column] = None if value is None or value is pd.NA else bool(value)
    return Agenda(sector, reference.csps[sector.csp_id].name, as_of, since, next_meeting, new_problems, resolved, done,
                  by_partner, due_before_next, opened, actions_of, cadence, socle, reference.departement.nom)
