"""The indicator engine against the per-sector functions looped, on a generated département, at several dates.

The oracle is `looped_indicators` (what `sector_metrics` and `headline` were,
calling `cadence_summary`, `open_problems`, `resolution_stats`… per sector): the
engine must give the same figures for every sector and every column, dtypes
included. The département is seeded (`generated_department`) and a first test
checks it does hold the edge cases it promises, so that the comparison cannot
pass on a département where they never occur.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from domain.indicators.engine import cadence_figures, sector_figures
from domain.indicators.meetings import cadence_periods, cadence_summary
from domain.indicators.sector_metrics import headline, sector_metrics
from generated_department import OUTSIDER, department
from domain.tracker_schema import OUTPUT_COLUMNS
from looped_indicators import looped_cadence_summaries, looped_headline, looped_sector_metrics
from store.frames import from_records

D = dt.date
# The trackers' date; a leap day; the end of August (minus 6 months is 28/02 or 29/02); the first of a month;
# the last day of a year and the first of the next; the end of May (minus 6 months is 30/11, not 31/11)
AS_OF_DATES = (D(2026, 11, 25), D(2024, 2, 29), D(2024, 8, 31), D(2025, 3, 1), D(2026, 12, 31), D(2027, 1, 1),
               D(2026, 5, 31))


@pytest.fixture(scope="module")
def dept():
    return department(44, seed=20261125, focus_days=AS_OF_DATES + tuple(period_start(d) for d in AS_OF_DATES))


def period_start(as_of: dt.date) -> dt.date:
    return D(as_of.year, 1, 1)


def figures_at(dept, as_of, sector_ids=None):
    chosen = dept.sector_ids if sector_ids is None else sector_ids
    return sector_figures(dept.frames, dept.reference, chosen, as_of, period_start(as_of), dept.last_imports)


def test_the_generated_departement_holds_every_edge_case(dept):
    seen = {s: set() for s in ("constitution", "late", "ahead_is_held_later", "constituted_in_window", "no_period",
                               "days_since_none", "due_today", "due_yesterday", "at_limit", "past_limit")}
    meetings, actions = dept.frames["meetings"], dept.frames["actions"]
    for as_of in AS_OF_DATES:
        table = figures_at(dept, as_of).table
        seen["constitution"] |= set(table["constitution"])
        seen["late"] |= set(table["late"].astype(object).map(repr))
        seen["no_period"] |= set(table.loc[(table["constitution"] == "constituted") & (table["periods"] == 0), "sector_id"])
        seen["days_since_none"] |= set(table.loc[table["days_since_last"].isna(), "sector_id"])
        seen["constituted_in_window"] |= set(table.loc[table["constituted_on"] > pd.Timestamp(as_of) - pd.Timedelta(days=180), "sector_id"])
        held_later = meetings[(meetings["status"] == "held") & (meetings["meeting_date"] > pd.Timestamp(as_of))]
        firsts = held_later.groupby("sector_id")["meeting_date"].min()
        ahead = table.set_index("sector_id")["next_planned"]
        seen["ahead_is_held_later"] |= {s for s, day in firsts.items() if s in ahead.index and ahead[s] == day}
        limit = np.where(table["cadence"] == "monthly", 38, 22)
        seen["at_limit"] |= set(table.loc[table["days_since_last"] == limit, "sector_id"])
        seen["past_limit"] |= set(table.loc[table["days_since_last"] == limit + 1, "sector_id"])
        open_actions = actions[actions["status"].isin(["todo", "in_progress"])]
        seen["due_today"] |= {as_of} if (open_actions["due_on"] == pd.Timestamp(as_of)).any() else set()
        seen["due_yesterday"] |= {as_of} if (open_actions["due_on"] == pd.Timestamp(as_of - dt.timedelta(days=1))).any() else set()
    assert seen["constitution"] == {"constituted", "scheduled", "not_yet"}
    assert seen["late"] == {"True", "False", "<NA>"}
    for key in ("ahead_is_held_later", "constituted_in_window", "no_period", "days_since_none", "at_limit", "past_limit"):
        assert seen[key], key
    assert seen["due_today"] == seen["due_yesterday"] == set(AS_OF_DATES)
    cadences = {s.cadence for s in dept.reference.sectors.values()}
    assert cadences == {"monthly", "fortnightly"}
    assert (meetings["meeting_date"] == pd.Timestamp("2024-02-29")).any()
    assert (meetings["sector_id"] == OUTSIDER).any() and (dept.frames["problems"]["sector_id"] == OUTSIDER).any()
    problems = dept.frames["problems"]
    closed = problems["status"].isin(["resolved", "dropped"])
    assert (closed & problems["resolved_on"].isna()).any()  # closed without a date
    assert (~closed & problems["resolved_on"].notna()).any()  # open with a closing date
    people = [sum(dept.reference.communes[c].population for c in s.communes if c in dept.reference.communes)
              for s in dept.reference.sectors.values()]
    assert 0 in people


@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_sector_table_equals_the_looped_functions(dept, as_of):
    figures = figures_at(dept, as_of)
    expected = looped_sector_metrics(dept.frames, dept.reference, dept.sector_ids, as_of, period_start(as_of),
                                     dept.last_imports)
    pd.testing.assert_frame_equal(figures.metrics_frame(), expected, check_exact=True)
    pd.testing.assert_frame_equal(sector_metrics(dept.frames, dept.reference, dept.sector_ids, as_of,
                                                 period_start(as_of), dept.last_imports), expected, check_exact=True)


@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_cadence_of_every_sector_equals_cadence_summary(dept, as_of):
    expected = looped_cadence_summaries(dept.frames["meetings"], dept.reference, dept.sector_ids, as_of)
    figures = figures_at(dept, as_of)
    assert figures.cadence_summaries() == expected
    table = figures.table.set_index("sector_id")
    for sector_id, summary in expected.items():
        row = table.loc[sector_id]
        assert _none(row["compliance"]) == summary.compliance, sector_id
        assert _none(row["socle_share"]) == summary.socle_share, sector_id
        assert row["missed_periods"] == len(summary.missed_periods), sector_id
        assert _none(row["longest_gap"]) == summary.longest_gap, sector_id
        assert _none(row["next_planned"]) == summary.next_planned, sector_id


def _none(value):
    if value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.date() if isinstance(value, pd.Timestamp) else value


@pytest.mark.parametrize("as_of", AS_OF_DATES[:2])
@pytest.mark.parametrize("window_months", [1, 12])
def test_every_elapsed_period_is_listed_with_whether_it_was_met(dept, as_of, window_months):
    figures = cadence_figures(dept.frames["meetings"], dept.reference, dept.sector_ids, as_of, window_months)
    summaries = figures.summaries()
    periods = figures.periods
    for sector_id, sector in dept.reference.sectors.items():
        summary = summaries[sector_id]
        assert summary == cadence_summary(sector, dept.frames["meetings"].query("sector_id == @sector_id"), as_of,
                                          window_months)
        mine = periods[periods["sector_id"] == sector_id]
        listed = [(a.date(), b.date()) for a, b in zip(mine["first"], mine["last"])]
        if summary.constitution.status == "constituted":
            assert listed == cadence_periods(sector.cadence, as_of, summary.constitution.on, window_months)
        else:
            assert listed == []
        assert [p for p, met in zip(listed, mine["met"]) if not met] == list(summary.missed_periods)


@pytest.mark.parametrize("as_of", [AS_OF_DATES[0], AS_OF_DATES[1]])
def test_headline_equals_the_looped_functions(dept, as_of):
    assert figures_at(dept, as_of).headline() == looped_headline(
        dept.frames, dept.reference, dept.sector_ids, as_of, period_start(as_of), dept.last_imports)


def test_a_selection_of_sectors_in_any_order_repeats_included(dept):
    as_of = AS_OF_DATES[0]
    chosen = [dept.sector_ids[k] for k in (17, 3, 8, 3, 30, 12)]  # unordered, one sector twice
    args = (dept.frames, dept.reference, chosen, as_of, period_start(as_of), dept.last_imports)
    pd.testing.assert_frame_equal(sector_metrics(*args), looped_sector_metrics(*args), check_exact=True)
    assert headline(*args) == looped_headline(*args)
    # figures computed once for every sector give any selection's headline
    assert figures_at(dept, as_of).headline(chosen) == looped_headline(*args)


def test_no_sector_and_no_rows():
    empty = {key: from_records([], key) for key in OUTPUT_COLUMNS}
    small = department(12, seed=3)
    as_of = AS_OF_DATES[0]
    for frames, sector_ids in ((empty, small.sector_ids), (small.frames, []), (empty, [])):
        args = (frames, small.reference, sector_ids, as_of, period_start(as_of), small.last_imports)
        pd.testing.assert_frame_equal(sector_metrics(*args), looped_sector_metrics(*args), check_exact=True)
        assert headline(*args) == looped_headline(*args)
    figures = cadence_figures(empty["meetings"], small.reference, small.sector_ids, as_of)
    assert figures.summaries() == looped_cadence_summaries(empty["meetings"], small.reference, small.sector_ids, as_of)


@pytest.mark.parametrize("size", [44, 0])
def test_tables_have_their_declared_columns_and_dtypes(dept, size):
    from domain.indicators.engine.cadence import PERIOD_DTYPES
    from domain.indicators.engine.cadence import TABLE_DTYPES as CADENCE_DTYPES
    from domain.indicators.engine.figures import TABLE_DTYPES

    figures = figures_at(dept, AS_OF_DATES[0], dept.sector_ids[:size] if size else [])
    for frame, declared in ((figures.table, TABLE_DTYPES), (figures.cadence.table, CADENCE_DTYPES),
                            (figures.cadence.periods, PERIOD_DTYPES)):
        assert frame.dtypes.to_dict() == {column: pd.api.types.pandas_dtype(dtype) for column, dtype in declared.items()}
    assert len(figures.table) == size and (size == 0 or len(figures.cadence.periods))
