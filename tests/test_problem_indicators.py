"""Problem indicators and their history per import, against hand-computed expectations."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from charts.problem_charts import by_sector_chart, history_stock_chart, resolution_time_chart, stock_and_flow_chart
from domain.indicators.problem_history import (first_import_day, has_history, open_by_month_from_snapshots,
                                               open_by_month_from_states,
                                               snapshot_import_ids)
from domain.indicators.problems import (month_ends, monthly_stock_and_flow, open_age_buckets, open_during, open_problems,
                                        overdue_problems, resolution_days, resolution_stats)
from indicator_frames import frame

AS_OF = dt.date(2026, 11, 25)
START = dt.date(2026, 5, 25)


def problem(pid, status, reported, due=None, resolved=None, sector="forbach", category="Vols"):
    return {"sector_id": sector, "problem_id": pid, "reported_on": reported, "status": status, "due_on": due,
            "resolved_on": resolved, "category": category, "commune_name": "Forbach"}


def one(*args, **kwargs):
    return frame("problems", [problem("P-1", *args, **kwargs)])


@pytest.mark.parametrize("status,reported,due,resolved,is_open,is_overdue", [
    ("open", "2026-11-01", "2026-11-25", None, True, False),  # due on the reference date: not late yet
    ("open", "2026-11-01", "2026-11-24", None, True, True),  # due the day before: late
    ("in_progress", "2026-06-01", "2026-07-01", None, True, True),
    ("open", "2026-06-01", None, None, True, False),  # no deadline: never overdue
    ("open", "2026-11-25", None, None, True, False),  # reported on the reference date counts
    ("open", "2026-11-26", "2026-11-20", None, False, False),  # reported after the reference date
    ("resolved", "2026-06-01", "2026-07-01", "2026-08-01", False, False),
    ("dropped", "2026-06-01", "2026-07-01", None, False, False),
    ("resolved", "2026-06-01", "2026-07-01", "2026-12-01", True, True),  # resolved after a past reference date: open then
])
def test_open_and_overdue_at_the_reference_date(status, reported, due, resolved, is_open, is_overdue):
    problems = one(status, reported, due, resolved)
    assert (len(open_problems(problems, AS_OF)) == 1) is is_open
    assert (len(overdue_problems(problems, AS_OF)) == 1) is is_overdue


@pytest.mark.parametrize("status,reported,resolved,counted", [
    ("resolved", "2026-01-10", "2026-05-24", False),  # closed the day before the period starts
    ("resolved", "2026-01-10", "2026-05-25", True),  # closed on its first day: it was open that day
    ("resolved", "2026-06-10", "2026-07-01", True),  # reported and closed inside
    ("open", "2025-01-10", None, True),  # open since long before
    ("in_progress", "2026-11-25", None, True),  # reported on the last day
    ("open", "2026-11-26", None, False),  # reported after the period
    ("dropped", "2026-01-10", None, False),  # undated drop reported before the period: cannot be placed, left out
    ("dropped", "2026-06-10", None, True),  # undated drop reported inside the period
    ("dropped", "2026-01-10", "2026-06-01", True),  # dated drop inside the period
])
def test_open_during_the_period(status, reported, resolved, counted):
    assert (len(open_during(one(status, reported, None, resolved), START, AS_OF)) == 1) is counted


def test_resolution_stats_rate_with_counts_median_and_80th_percentile():
    reported = dt.date(2026, 6, 1)
    days = [2, 5, 9, 10, 30]
    rows = [problem(f"P-{n}", "resolved", reported.isoformat(), resolved=(reported + dt.timedelta(days=d)).isoformat())
            for n, d in enumerate(days)]
    rows += [problem("P-10", "open", "2026-03-01"), problem("P-11", "in_progress", "2026-10-01"),
             problem("P-12", "resolved", "2026-01-01", resolved="2026-03-01"),  # closed before the period: not counted
             problem("P-13", "dropped", "2026-07-01")]  # open during the period, not resolved
    stats = resolution_stats(frame("problems", rows), START, AS_OF)
    assert (stats.resolved, stats.open_during) == (5, 8)
    assert stats.rate == pytest.approx(5 / 8)
    assert stats.median_days == 9
    assert stats.p80_days == 14.0 == pytest.approx(np.percentile(days, 80))
    assert not stats.small_sample
    assert sorted(resolution_days(frame("problems", rows)).tolist()) == [2, 5, 9, 10, 30, 59]


@pytest.mark.parametrize("rows,expected", [
    ([], (0, 0, None, None, True)),
    ([("open", "2026-06-01", None)], (0, 1, None, None, True)),  # 1 problem: small sample, no time
    ([("resolved", "2026-06-01", "2026-06-11")] * 4 + [("open", "2026-06-01", None)], (4, 5, 10.0, 10.0, False)),
])
def test_resolution_stats_edges(rows, expected):
    problems = frame("problems", [problem(f"P-{n}", *r[:2], resolved=r[2]) for n, r in enumerate(rows)])
    stats = resolution_stats(problems, START, AS_OF)
    assert (stats.resolved, stats.open_during, stats.median_days, stats.p80_days, stats.small_sample) == expected


def test_open_age_buckets_at_the_reference_date():
    ages = [0, 29, 30, 89, 90, 179, 180, 364, 365, 800]
    rows = [problem(f"P-{a}", "open", (AS_OF - dt.timedelta(days=a)).isoformat()) for a in ages]
    rows.append(problem("P-closed", "resolved", "2026-01-01", resolved="2026-02-01"))
    buckets = open_age_buckets(frame("problems", rows), AS_OF)
    assert buckets.values.tolist() == [["moins de 30 j", 2], ["30 à 90 j", 2], ["3 à 6 mois", 2],
                                       ["6 à 12 mois", 2], ["plus d'un an", 2]]


def test_month_ends_stop_at_the_reference_date():
    assert month_ends(dt.date(2026, 9, 15), AS_OF) == [dt.date(2026, 9, 30), dt.date(2026, 10, 31), AS_OF]
    assert month_ends(dt.date(2025, 12, 1), dt.date(2026, 1, 31)) == [dt.date(2025, 12, 31), dt.date(2026, 1, 31)]


def test_monthly_stock_and_flow_on_a_tiny_tracker():
    problems = frame("problems", [
        problem("P-1", "resolved", "2026-08-20", resolved="2026-10-05"),
        problem("P-2", "open", "2026-09-03"),
        problem("P-3", "in_progress", "2026-10-31"),
        problem("P-4", "dropped", "2026-09-10"),  # no closing date: never in the stock
        problem("P-5", "resolved", "2026-11-02", resolved="2026-11-20"),
        problem("P-6", "open", "2026-11-26"),  # after the reference date
    ])
    monthly = monthly_stock_and_flow(problems, dt.date(2026, 9, 1), AS_OF)
    assert monthly.values.tolist() == [
        [dt.date(2026, 9, 30), 2, 0, 2],  # P-2, P-4 reported; open: P-1, P-2
        [dt.date(2026, 10, 31), 1, 1, 2],  # P-3 reported; P-1 resolved; open: P-2, P-3
        [AS_OF, 1, 1, 2],  # P-5 in and out; open: P-2, P-3
    ]
    assert monthly["open"].iloc[-1] == len(open_problems(problems, AS_OF))


def _history_rows(*rows):
    return pd.DataFrame(rows, columns=["import_id", "sector_id", "imported_at"])


def test_open_by_month_uses_the_import_current_at_each_month_end():
    september = frame("problems", [problem("P-1", "open", "2026-09-02"), problem("P-2", "open", "2026-09-05")])
    october = frame("problems", [problem("P-1", "resolved", "2026-09-02", resolved="2026-10-20"),
                                 problem("P-2", "open", "2026-09-05"), problem("P-3", "open", "2026-10-15")])
    stiring = frame("problems", [problem("P-1", "in_progress", "2026-08-01", sector="stiring")])
    snapshots = [
        (dt.datetime(2026, 10, 25, 9), "forbach", october),  # order does not matter
        (dt.datetime(2026, 9, 30, 17, 45), "forbach", september),  # late on the month's last day: counts for it
        (dt.datetime(2026, 11, 3, 8), "stiring", stiring),
    ]
    ends = [dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31), AS_OF]
    history = open_by_month_from_snapshots(snapshots, ends, ["forbach", "stiring"])
    assert [(d, None if pd.isna(n) else int(n), k, m) for d, n, k, m in history.values.tolist()] == [
        (dt.date(2026, 8, 31), None, 0, ("forbach", "stiring")),  # no tracker yet: nothing, and said so
        (dt.date(2026, 9, 30), 2, 1, ("stiring",)),
        (dt.date(2026, 10, 31), 2, 1, ("stiring",)),  # the October import: P-2, P-3 (P-1 resolved)
        (AS_OF, 3, 2, ()),  # + Stiring's first import
    ]
    only_forbach = open_by_month_from_snapshots(snapshots, ends[-1:], ["forbach"])
    assert only_forbach["open"].tolist() == [2]


def test_open_by_month_from_states_gives_the_snapshots_figures():
    """The app reads one frame per month end (every sector's import current then); same figures as per import."""
    september = frame("problems", [problem("P-1", "open", "2026-09-02"), problem("P-2", "open", "2026-09-05")])
    october = frame("problems", [problem("P-1", "resolved", "2026-09-02", resolved="2026-10-20"),
                                 problem("P-2", "open", "2026-09-05"), problem("P-3", "open", "2026-10-15")])
    stiring = frame("problems", [problem("P-1", "in_progress", "2026-08-01", sector="stiring")])
    snapshots = [(dt.datetime(2026, 9, 30, 17, 45), "forbach", september), (dt.datetime(2026, 10, 25, 9), "forbach", october),
                 (dt.datetime(2026, 11, 3, 8), "stiring", stiring)]
    ends = [dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31), AS_OF]
    states = []
    for end in ends:
        latest = {}
        for moment, sector, problems in snapshots:
            if moment <= dt.datetime.combine(end, dt.time.max):
                latest[sector] = problems
        rows = pd.concat(latest.values()) if latest else september.iloc[0:0]
        states.append((end, rows, frozenset(latest)))
    expected = open_by_month_from_snapshots(snapshots, ends, ["forbach", "stiring"])
    pd.testing.assert_frame_equal(open_by_month_from_states(states, ["forbach", "stiring"]), expected)
    pd.testing.assert_frame_equal(open_by_month_from_states(states, ["forbach"]),
                                  open_by_month_from_snapshots(snapshots, ends, ["forbach"]))


def test_snapshot_imports_and_history_start():
    history = _history_rows((1, "forbach", dt.datetime(2026, 9, 30, 17)), (2, "forbach", dt.datetime(2026, 10, 2, 9)),
                            (3, "forbach", dt.datetime(2026, 10, 25, 9)), (4, "stiring", dt.datetime(2026, 11, 3, 8)))
    ends = [dt.date(2026, 9, 30), dt.date(2026, 10, 31), AS_OF]
    assert snapshot_import_ids(history, ends) == [1, 3, 4]  # import 2 was never current at a month end
    assert first_import_day(history) == dt.date(2026, 9, 30)
    assert has_history(history)
    assert not has_history(history[history["import_id"] == 4])
    assert snapshot_import_ids(history.iloc[0:0], ends) == [] and first_import_day(history.iloc[0:0]) is None


def test_resolution_time_chart_draws_median_and_80th_percentile():
    figure = resolution_time_chart(pd.Series([2, 5, 9, 10, 30]))
    lines = {a.text: a.x for a in figure.layout.annotations}
    assert lines == {"médiane : 9 j": 9.0, "80 % : 14 j": 14.0}
    assert sorted(s.x0 for s in figure.layout.shapes) == [9.0, 14.0]
    assert sum(figure.data[0].y) == 5
    assert figure.layout.font.size >= 16
    empty = resolution_time_chart(pd.Series([], dtype="float64"))
    assert empty.layout.annotations[0].text == "Aucun problème résolu sur la période."


def test_stock_and_flow_chart_in_french_months():
    monthly = pd.DataFrame({"month_end": [dt.date(2026, 10, 31), AS_OF], "reported": [3, 1], "resolved": [0, 2],
                            "open": [5, 4]})
    figure = stock_and_flow_chart(monthly)
    assert [t.name for t in figure.data] == ["Signalés dans le mois", "Résolus dans le mois", "Ouverts en fin de mois"]
    assert list(figure.data[0].x) == ["oct. 2026", "nov. 2026"]
    assert list(figure.data[2].y) == [5, 4]
    assert "du 01/11/2026 au 25/11/2026" in json.dumps(figure.to_plotly_json()["data"][0]["customdata"])


def test_sector_chart_marks_small_samples_and_keeps_them_off_the_ranking():
    metrics = pd.DataFrame([
        {"sector_id": "a", "sector": "Alpha", "open_problems": 4, "overdue_problems": 1, "resolved": 2, "open_during": 10,
         "resolution_rate": 0.2, "small_sample": False, "last_import": dt.datetime(2026, 11, 1)},
        {"sector_id": "b", "sector": "Bravo", "open_problems": 1, "overdue_problems": 0, "resolved": 2, "open_during": 2,
         "resolution_rate": 1.0, "small_sample": True, "last_import": dt.datetime(2026, 11, 1)},
        {"sector_id": "c", "sector": "Charlie", "open_problems": 3, "overdue_problems": 0, "resolved": 3, "open_during": 6,
         "resolution_rate": 0.5, "small_sample": False, "last_import": dt.datetime(2026, 11, 1)},
    ])
    rates = by_sector_chart(metrics, AS_OF).data[1]
    # drawn bottom-up: the top row is the last one
    assert list(rates.y)[::-1] == ["Charlie", "Alpha", "Bravo (peu de données)"]
    assert list(rates.text)[::-1] == ["50\u202f% (3/6)", "20\u202f% (2/10)", "100\u202f% (2/2)"]
    assert list(rates.marker.pattern.shape)[::-1] == ["", "", "/"]


def test_history_chart_leaves_out_months_without_any_tracker():
    history = pd.DataFrame({"month_end": [dt.date(2026, 9, 30), dt.date(2026, 10, 31), AS_OF],
                            "open": pd.array([None, 2, 3], dtype="Int64"), "sectors_reporting": [0, 1, 2],
                            "sectors_missing": [("forbach", "stiring"), ("stiring",), ()]})
    trace = history_stock_chart(history).data[0]
    assert (list(trace.x), list(trace.y)) == (["oct. 2026", "nov. 2026"], [2, 3])
    assert trace.customdata[0] == "au 31/10/2026, d'après 1 tableau(x) ; 1 secteur(s) sans tableau"
