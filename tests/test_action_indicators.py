"""Overdue actions, freshness and per-sector figures against hand-computed expectations."""

import datetime as dt

import pandas as pd
import pytest

from domain.indicators.actions import group_overdue, overdue_actions, with_context
from domain.indicators.freshness import freshness
from domain.indicators.sector_metrics import headline, population, ranked, sector_metrics
from domain.reference import default_reference
from indicator_frames import frame

REF = default_reference()
AS_OF = dt.date(2026, 11, 25)


def action(action_id, status, due, partner="Mairie de Forbach", kind="mairie", sector="forbach", problem="P-1"):
    return {"sector_id": sector, "action_id": action_id, "problem_id": problem, "description": "Patrouilles",
            "partner": partner, "partner_type": kind, "status": status, "due_on": due}


@pytest.mark.parametrize("status,due,overdue,days", [
    ("todo", "2026-11-24", True, 1),  # the day before the reference date
    ("todo", "2026-11-25", False, None),  # due today is not late yet
    ("in_progress", "2026-10-26", True, 30),
    ("done", "2026-01-01", False, None),  # done: never overdue
    ("dropped", "2026-01-01", False, None),
    ("todo", "2026-12-31", False, None),
])
def test_overdue_action_edges(status, due, overdue, days):
    late = overdue_actions(frame("actions", [action("A-1", status, due)]), AS_OF)
    assert (len(late) == 1) == overdue
    if overdue:
        assert late["days_overdue"].tolist() == [days]


def test_overdue_grouped_by_partner_type_sector_and_csp():
    actions = frame("actions", [
        action("A-1", "todo", "2026-11-15"),  # 10 days
        action("A-2", "in_progress", "2026-10-26", partner="Moselis", kind="bailleur"),  # 30 days
        action("A-3", "todo", "2026-11-05", partner="Moselis", kind="bailleur", sector="stiring"),  # 20 days
        action("A-4", "done", "2026-01-01"),
    ])
    problems = frame("problems", [{"sector_id": "forbach", "problem_id": "P-1", "category": "Vols", "commune_name": "Forbach"},
                                  {"sector_id": "stiring", "problem_id": "P-1", "category": "Rodéos motorisés",
                                   "commune_name": "Spicheren"}])
    late = with_context(overdue_actions(actions, AS_OF), problems, REF)
    assert late["action_id"].tolist() == ["A-2", "A-3", "A-1"]  # most overdue first
    assert late["category"].tolist() == ["Vols", "Rodéos motorisés", "Vols"]
    by_partner = group_overdue(late, "partner")
    assert by_partner.values.tolist() == [["Moselis", 2, 25, 30], ["Mairie de Forbach", 1, 10, 10]]
    by_csp = group_overdue(late, "csp_name")
    assert by_csp.values.tolist() == [["Forbach", 3, 20, 30]]
    by_type = group_overdue(late, "partner_type_label")
    assert by_type["Type de partenaire"].tolist() == ["Bailleur", "Mairie"]


@pytest.mark.parametrize("last_import,cadence_sector,stale", [
    (dt.datetime(2026, 11, 10, 9), "forbach", False),  # fortnightly: 15 days old is fine
    (dt.datetime(2026, 11, 9, 9), "forbach", True),  # 16 days
    (dt.datetime(2026, 10, 25, 9), "marly", False),  # monthly: 31 days
    (dt.datetime(2026, 10, 24, 9), "marly", True),  # 32 days
    (None, "marly", True),  # never imported
])
def test_freshness_against_cadence(last_import, cadence_sector, stale):
    imports = {cadence_sector: last_import} if last_import else {}
    assert freshness(REF, imports, AS_OF)[cadence_sector].stale is stale


def test_sector_metrics_counts_rates_and_small_samples():
    problems = frame("problems", [
        {"sector_id": "forbach", "problem_id": f"P-{n}", "reported_on": "2026-06-01", "status": status,
         "resolved_on": resolved, "category": "Vols"}
        for n, (status, resolved) in enumerate([("resolved", "2026-06-11"), ("resolved", "2026-07-01"), ("open", None),
                                                ("in_progress", None), ("open", None), ("resolved", "2026-08-01")])
    ] + [{"sector_id": "stiring", "problem_id": "P-1", "reported_on": "2026-09-01", "status": "open", "category": "Vols"}])
    frames = {"problems": problems, "actions": frame("actions", [action("A-1", "todo", "2026-11-01")]),
              "meetings": frame("meetings", [])}
    metrics = sector_metrics(frames, REF, ["forbach", "stiring"], AS_OF, dt.date(2026, 5, 25), {})
    forbach, stiring = metrics.to_dict("records")
    assert (forbach["open_problems"], forbach["resolved"], forbach["open_during"]) == (3, 3, 6)
    assert forbach["resolution_rate"] == 0.5 and forbach["median_days"] == 30
    assert forbach["open_per_1000"] == pytest.approx(3000 / population(REF, "forbach"))
    assert forbach["overdue_actions"] == 1 and forbach["small_sample"] is False
    assert stiring["small_sample"] is True  # 1 problem: marked, never ranked
    order = ranked(metrics, "resolution_rate")
    assert order["sector_id"].tolist() == ["forbach", "stiring"] and pd.isna(order.loc[1, "rank"])
    top = headline(frames, REF, ["forbach", "stiring"], AS_OF, dt.date(2026, 5, 25), {})
    assert (top.open_problems, top.overdue_actions, top.resolution.resolved, top.resolution.open_during) == (4, 1, 3, 7)
    assert top.stale_sectors == 2 and top.sectors == 2
