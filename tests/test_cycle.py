"""The cycle (issue 13): cycles, a problem's cycle, priority problems, bilan due dates and status, by hand.

The scenario is in `tests/cycle_scenario.py` (its docstring tells the story).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from domain.indicators.cycle import (ACTION_STATE_LABELS, GLANCE_COLUMNS, STATUS_DTYPES, action_states,
                                     add_months_to_days, bilan_due, cycle_on, cycle_status, priority_problem_states,
                                     problem_cycles, problems_before_first_diagnostic, problems_in_cycle,
                                     sector_cycles, split_refs)
from domain.indicators.engine.columns import day_number, day_of
from domain.tracker_schema import SHEETS
from tests import cycle_frames
from tests.cycle_scenario import ACTIONS, AS_OF, D1, D2, DIAGNOSTICS, PROBLEMS

SECTORS = ["marly", "behren", "sarrebourg"]


def _ids(frame: pd.DataFrame) -> list[str]:
    return frame["problem_id"].tolist()


# --- the frames themselves ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key, built", [("problems", PROBLEMS), ("diagnostics", DIAGNOSTICS)])
def test_hand_built_frames_match_the_declared_schema_once_it_exists(key, built):
    """The contract's frames, built by hand here, are the schema's (checked once cycle-tracker declares them)."""
    schema = SHEETS.get(key)
    if schema is None or (key == "problems" and "outcome" not in schema.fields):
        pytest.skip("domain.tracker_schema does not declare the cycle's columns yet (cycle-tracker branch)")
    from domain.tracker_schema import conformance_problems
    assert conformance_problems(built, key) == []


def test_the_hand_built_frames_have_the_contract_columns_and_dtypes():
    assert list(PROBLEMS.columns[PROBLEMS.columns.get_loc("resolved_on"):][:4]) == [
        "resolved_on", "stage", "outcome", "lead_partner"]
    assert list(DIAGNOSTICS.columns) == ["sector_id", "diagnosed_on", "title", "shared_on", "priority_problem_ids",
                                         "summary", "source_file", "source_row"]
    assert str(DIAGNOSTICS["diagnosed_on"].dtype) == "datetime64[us]"
    assert str(PROBLEMS["outcome"].dtype) == "str"


# --- dates ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("diagnosed, due", [
    ("2025-02-10", "2026-02-10"),
    ("2024-02-29", "2025-02-28"),  # no 29 February in 2025: the month's last day
    ("2023-02-28", "2024-02-28"),  # a 28 February stays the 28th, even in a leap year
    ("2025-01-31", "2026-01-31"),
    ("2025-12-31", "2026-12-31"),
])
def test_bilan_is_due_twelve_calendar_months_later(diagnosed, due):
    day = dt.date.fromisoformat(diagnosed)
    assert bilan_due(day) == dt.date.fromisoformat(due)
    # the vectorised form (cycle_status) gives the same day
    assert day_of(add_months_to_days(np.array([day_number(day)]), 12)[0]) == dt.date.fromisoformat(due)


def test_a_month_later_is_the_same_day_or_the_months_last():
    days = np.array([day_number(dt.date(2025, 1, 31)), day_number(dt.date(2024, 1, 31)), day_number(dt.date(2025, 3, 15))])
    assert [day_of(d) for d in add_months_to_days(days, 1)] == [dt.date(2025, 2, 28), dt.date(2024, 2, 29),
                                                                dt.date(2025, 4, 15)]


def test_priority_refs_are_split_stripped_and_kept_once_in_order():
    assert split_refs("P-01;P-04") == ("P-01", "P-04")
    assert split_refs(" P-04 , P-01;;P-04 ") == ("P-04", "P-01")
    assert split_refs(None) == ()
    assert split_refs(float("nan")) == ()


# --- cycles of a sector ----------------------------------------------------------------------------------------------

def test_two_diagnostics_make_two_cycles_the_last_running_to_as_of():
    first, second = sector_cycles(DIAGNOSTICS, "marly", AS_OF)
    assert (first.number, first.diagnosed_on, first.end, first.next_diagnosed_on) == (1, D1, dt.date(2026, 3, 1), D2)
    assert (second.number, second.diagnosed_on, second.end, second.next_diagnosed_on) == (2, D2, AS_OF, None)
    assert first.priority_ids == ("P-01", "P-03", "P-09") and second.priority_ids == ("P-05",)
    assert first.title == "Diagnostic de sécurité 2025" and first.shared_on == dt.date(2025, 2, 20)
    assert first.bilan_due_on == dt.date(2026, 2, 10) and second.bilan_due_on == dt.date(2027, 3, 2)
    # D2 came on 02/03/2026, after the due date of 10/02/2026
    assert first.status == "closed_late" and first.status_label == "Nouveau diagnostic après l’échéance du bilan"
    assert second.status == "on_time" and second.current and not first.current
    assert first.days == 385  # 10/02/2025 → 01/03/2026, both included


def test_a_diagnostic_after_as_of_does_not_exist_yet():
    (only,) = sector_cycles(DIAGNOSTICS, "marly", dt.date(2026, 3, 1))
    assert only.current and only.end == dt.date(2026, 3, 1) and only.status == "overdue"
    assert sector_cycles(DIAGNOSTICS, "marly", dt.date(2025, 2, 9)) == ()
    assert sector_cycles(DIAGNOSTICS, "sarrebourg", AS_OF) == ()


def test_a_cycle_closed_by_a_diagnostic_on_its_due_day_was_closed_on_time():
    diagnostics = cycle_frames.diagnostics([{"sector_id": "marly", "diagnosed_on": "2025-02-10"},
                                            {"sector_id": "marly", "diagnosed_on": "2026-02-10"}])
    first, _ = sector_cycles(diagnostics, "marly", AS_OF)
    assert first.status == "closed_on_time" and first.end == dt.date(2026, 2, 9)


# --- which problems belong to which cycle -----------------------------------------------------------------------------

def test_each_problem_belongs_to_the_cycle_it_was_reported_in():
    first, second = sector_cycles(DIAGNOSTICS, "marly", AS_OF)
    # P-03 on D1's day, P-05 the day before D2, P-06 on D2's day
    assert _ids(problems_in_cycle(PROBLEMS, first)) == ["P-03", "P-04", "P-05"]
    assert _ids(problems_in_cycle(PROBLEMS, second)) == ["P-06", "P-07"]  # P-08 is reported after as_of
    assert cycle_on((first, second), dt.date(2026, 3, 1)) is first
    assert cycle_on((first, second), D2) is second
    assert cycle_on((first, second), dt.date(2025, 2, 9)) is None


def test_problems_before_the_first_diagnostic_belong_to_no_cycle():
    cycles = sector_cycles(DIAGNOSTICS, "marly", AS_OF)
    assert _ids(problems_before_first_diagnostic(PROBLEMS, cycles, "marly", AS_OF)) == ["P-01", "P-02"]
    # a sector without diagnostic: all its problems reported by as_of, none of another sector's
    assert _ids(problems_before_first_diagnostic(PROBLEMS, (), "sarrebourg", AS_OF)) == ["P-01"]


def test_problem_cycles_gives_every_row_its_cycle_or_nat_in_one_pass():
    cycles = problem_cycles(PROBLEMS, DIAGNOSTICS, AS_OF)
    assert cycles.index.equals(PROBLEMS.index)
    got = {(s, p): (None if pd.isna(c) else c.date())
           for s, p, c in zip(PROBLEMS["sector_id"], PROBLEMS["problem_id"], cycles)}
    assert got == {("marly", "P-01"): None, ("marly", "P-02"): None, ("marly", "P-03"): D1, ("marly", "P-04"): D1,
                   ("marly", "P-05"): D1, ("marly", "P-06"): D2, ("marly", "P-07"): D2,
                   ("marly", "P-08"): None,  # after as_of
                   ("sarrebourg", "P-01"): None}  # no diagnostic in its sector
    # at an earlier reference date D2 does not exist yet: P-06 and P-07 (reported later) have no cycle, P-05 is D1's
    earlier = problem_cycles(PROBLEMS, DIAGNOSTICS, dt.date(2026, 3, 1))
    assert [None if pd.isna(c) else c.date() for c in earlier] == [None, None, D1, D1, D1, None, None, None, None]


def test_problem_cycles_agree_with_the_per_cycle_definition():
    cycles = problem_cycles(PROBLEMS, DIAGNOSTICS, AS_OF)
    for cycle in sector_cycles(DIAGNOSTICS, "marly", AS_OF):
        mask = (PROBLEMS["sector_id"] == "marly") & (cycles == pd.Timestamp(cycle.diagnosed_on))
        assert sorted(PROBLEMS[mask]["problem_id"]) == sorted(_ids(problems_in_cycle(PROBLEMS, cycle)))


def test_problem_cycles_without_any_diagnostic():
    none = problem_cycles(PROBLEMS, DIAGNOSTICS.iloc[0:0], AS_OF)
    assert none.isna().all() and len(none) == len(PROBLEMS)


# --- actions and priority problems ------------------------------------------------------------------------------------

def test_every_action_has_exactly_one_state():
    states = dict(zip(ACTIONS["action_id"] + "@" + ACTIONS["sector_id"], action_states(ACTIONS, AS_OF)))
    assert states == {
        "A-01@marly": "done_on_time",  # done 20/03, due 31/03
        "A-02@marly": "done_late",  # done 10/05, due 30/04
        "A-03@marly": "dropped",
        "A-04@marly": "late",  # in progress, due 30/06/2025
        "A-05@marly": "open",  # to do, due 31/12/2026
        "A-06@marly": "done_undated",  # done, no date
        "A-07@marly": "done_on_time",  # done on its due day
        "A-08@marly": "done_on_time",
        "A-01@sarrebourg": "late",
    }
    assert set(states.values()) <= set(ACTION_STATE_LABELS)


def test_priority_problems_at_a_glance():
    first, second = sector_cycles(DIAGNOSTICS, "marly", AS_OF)
    glance = priority_problem_states(PROBLEMS, ACTIONS, first, AS_OF)
    assert list(glance.columns) == list(GLANCE_COLUMNS)
    assert _ids(glance) == ["P-01", "P-03", "P-09"]  # as the diagnostic names them
    assert glance["found"].tolist() == [True, True, False]
    p01, p03, p09 = (glance.iloc[i] for i in range(3))
    # P-01: reported before D1 but named by it; resolved 30/06/2025 after 166 days (15/01 → 30/06), outcome reduced
    assert (p01["status"], p01["stage"], p01["outcome"], p01["lead_partner"]) == (
        "resolved", "assessment", "reduced", "Mairie de Marly")
    assert p01["resolution_days"] == 166
    assert p01[["actions", "actions_done", "actions_done_late", "actions_late", "actions_dropped", "actions_open"]
               ].tolist() == [3, 2, 1, 0, 1, 0]
    # P-03: resolved 01/09/2025 after 203 days; one late action, one open, one done without a date
    assert p03["resolution_days"] == 203 and p03["outcome"] == "eliminated"
    assert p03[["actions", "actions_done", "actions_done_late", "actions_late", "actions_dropped", "actions_open"]
               ].tolist() == [3, 1, 0, 1, 0, 1]
    assert pd.isna(p09["status"]) and p09["actions"] == 0 and pd.isna(p09["resolution_days"])
    # D2 names P-05: in progress, its one action done on time; sarrebourg's P-01 never mixes in
    (p05,) = priority_problem_states(PROBLEMS, ACTIONS, second, AS_OF).itertuples()
    assert (p05.problem_id, p05.status, p05.stage, p05.actions, p05.actions_done) == ("P-05", "in_progress", "response", 1, 1)


# --- every sector's status ------------------------------------------------------------------------------------------------

def _status(as_of: dt.date, sectors=SECTORS) -> pd.DataFrame:
    return cycle_status(DIAGNOSTICS, PROBLEMS, sectors, as_of).set_index("sector_id")


@pytest.mark.parametrize("as_of, status, until", [
    (dt.date(2025, 2, 9), "no_diagnostic", None),  # D1 not made yet
    (D1, "on_time", 365),  # the diagnostic's own day
    (dt.date(2025, 12, 11), "on_time", 61),
    (dt.date(2025, 12, 12), "due_soon", 60),  # due within 60 days, 60 included
    (dt.date(2026, 2, 10), "due_soon", 0),  # the due day itself
    (dt.date(2026, 2, 11), "overdue", -1),  # the day after, no newer diagnostic
    (dt.date(2026, 3, 1), "overdue", -19),
    (D2, "on_time", 365),  # D2 starts a new cycle
])
def test_marly_status_at_several_reference_dates(as_of, status, until):
    row = _status(as_of).loc["marly"]
    assert row["status"] == status
    if until is None:
        assert pd.isna(row["days_until_due"]) and pd.isna(row["bilan_due_on"]) and row["diagnostics"] == 0
    else:
        assert row["days_until_due"] == until


@pytest.mark.parametrize("as_of, status", [
    (dt.date(2024, 12, 29), "on_time"),  # 61 days before 28/02/2025
    (dt.date(2024, 12, 30), "due_soon"),
    (dt.date(2025, 2, 28), "due_soon"),
    (dt.date(2025, 3, 1), "overdue"),
])
def test_a_29_february_diagnostic_is_due_on_28_february(as_of, status):
    row = _status(as_of).loc["behren"]
    assert row["bilan_due_on"] == pd.Timestamp("2025-02-28") and row["status"] == status


def test_status_table_at_as_of():
    table = cycle_status(DIAGNOSTICS, PROBLEMS, SECTORS, AS_OF)
    assert {c: str(t) for c, t in table.dtypes.items()} == STATUS_DTYPES
    assert table["sector_id"].tolist() == SECTORS
    marly, behren, sarrebourg = (table.iloc[i] for i in range(3))
    assert marly["status"] == "on_time" and marly["status_label"] == "Bilan non encore dû"
    assert (marly["diagnostics"], marly["last_diagnosed_on"], marly["diagnostic_age_days"]) == (2, pd.Timestamp(D2), 120)
    assert (marly["bilan_due_on"], marly["days_until_due"]) == (pd.Timestamp("2027-03-02"), 245)
    # current cycle: P-06 and P-07 (P-08 comes after as_of); D2 names P-05, found, still in progress
    assert marly[["cycle_problems", "priority_problems", "priority_found", "priority_closed"]].tolist() == [2, 1, 1, 0]
    assert behren["status"] == "overdue" and behren["diagnostic_age_days"] == 852 and behren["priority_problems"] == 0
    # never counted on time: no date, no age, its own label
    assert sarrebourg["status"] == "no_diagnostic" and sarrebourg["status_label"] == "Aucun diagnostic"
    assert pd.isna(sarrebourg["last_diagnosed_on"]) and pd.isna(sarrebourg["diagnostic_age_days"])
    assert sarrebourg[["diagnostics", "cycle_problems", "priority_problems"]].tolist() == [0, 0, 0]


def test_status_counts_priority_problems_closed_and_unknown_refs():
    # at 01/03/2026 marly's last diagnostic is D1: P-01 and P-03 resolved, P-09 unknown
    row = _status(dt.date(2026, 3, 1)).loc["marly"]
    assert row[["priority_problems", "priority_found", "priority_closed", "cycle_problems"]].tolist() == [3, 2, 2, 3]


def test_status_of_sectors_with_nothing_at_all():
    table = cycle_status(DIAGNOSTICS.iloc[0:0], PROBLEMS.iloc[0:0], ["marly", "woippy"], AS_OF)
    assert table["status"].tolist() == ["no_diagnostic", "no_diagnostic"]
    assert cycle_status(DIAGNOSTICS, PROBLEMS, [], AS_OF).empty
