"""The meeting agenda and its slides on a hand-built sector, at a known reference date."""

import datetime as dt

import pytest

from briefing.slides import ROWS_PER_SLIDE, Slide, agenda_slides, slide_html
from domain.meeting_agenda import build_agenda
from domain.reference import default_reference
from indicator_frames import frame

REF = default_reference()
FORBACH = REF.sectors["forbach"]
AS_OF = dt.date(2026, 11, 17)


def meeting(day, status="held", socle=(True, True, True)):
    mayor, pm, pn = socle
    return {"sector_id": "forbach", "meeting_date": day, "kind": "ordinary", "status": status,
            "mayor_present": mayor, "municipal_police_present": pm, "national_police_present": pn}


def problem(pid, reported, status="open", priority="medium", resolved=None):
    return {"sector_id": "forbach", "problem_id": pid, "reported_on": reported, "status": status, "priority": priority,
            "resolved_on": resolved, "category": "Vols", "commune_name": "Forbach", "location": "Bellevue"}


def action(aid, pid, due, status="todo", partner="Mairie de Forbach", done=None):
    return {"sector_id": "forbach", "action_id": aid, "problem_id": pid, "description": f"Action {aid}", "partner": partner,
            "partner_type": "mairie", "due_on": due, "status": status, "done_on": done}


@pytest.fixture
def agenda():
    frames = {
        "meetings": frame("meetings", [meeting("2026-10-27"), meeting("2026-11-10", socle=(True, False, None)),
                                       meeting("2026-11-24", "planned"), meeting("2026-12-08", "planned")]),
        "problems": frame("problems", [
            problem("P-1", "2026-09-01", priority="low"),
            problem("P-2", "2026-11-12", priority="high"),  # new since the last meeting
            problem("P-3", "2026-06-01", status="resolved", resolved="2026-11-14"),  # resolved since
            problem("P-4", "2026-06-01", status="resolved", resolved="2026-11-01"),  # resolved before: not listed
            problem("P-5", "2026-10-01", status="in_progress", priority="high"),
        ]),
        "actions": frame("actions", [
            action("A-1", "P-1", "2026-11-16"),  # 1 day overdue
            action("A-2", "P-5", "2026-10-18", status="in_progress", partner="Moselis"),  # 30 days overdue
            action("A-3", "P-5", "2026-11-17"),  # due today: not overdue, due before the next meeting
            action("A-4", "P-2", "2026-11-24"),  # due on the next meeting's day: included
            action("A-5", "P-2", "2026-11-25"),  # after the next meeting: not listed
            action("A-6", "P-3", "2026-11-20", status="done", done="2026-11-13"),  # done since the last meeting
            action("A-7", "P-1", "2026-11-01", status="dropped"),  # dropped: never overdue
        ]),
    }
    return build_agenda(FORBACH, frames, AS_OF, REF)


def test_since_the_last_meeting(agenda):
    assert (agenda.since, agenda.next_meeting) == (dt.date(2026, 11, 10), dt.date(2026, 11, 24))
    assert agenda.new_problems["problem_id"].tolist() == ["P-2"]
    assert agenda.resolved_problems["problem_id"].tolist() == ["P-3"]
    assert agenda.done_actions["action_id"].tolist() == ["A-6"]


def test_overdue_grouped_by_partner_most_overdue_first(agenda):
    assert [(p, g["action_id"].tolist(), g["days_overdue"].tolist()) for p, g in agenda.overdue_by_partner] == [
        ("Moselis", ["A-2"], [30]), ("Mairie de Forbach", ["A-1"], [1])]
    assert agenda.overdue_count == 2


def test_due_before_next_meeting(agenda):
    assert agenda.due_before_next["action_id"].tolist() == ["A-3", "A-4"]


def test_open_problems_by_priority_then_age(agenda):
    assert agenda.open_by_priority["problem_id"].tolist() == ["P-5", "P-2", "P-1"]
    assert agenda.open_by_priority["age_days"].tolist() == [47, 5, 77]
    assert agenda.actions_of_problem["P-5"]["action_id"].tolist() == ["A-2", "A-3"]


def test_socle_at_the_last_meeting(agenda):
    assert agenda.last_meeting_socle == {"mayor_present": True, "municipal_police_present": False,
                                         "national_police_present": None}


def test_slides_follow_the_agenda_and_escape_tracker_text(agenda):
    slides = agenda_slides(agenda)
    titles = [s.title for s in slides]
    assert titles == ["GPO Forbach – Bellevue-Wiesberg", "1. Depuis la dernière réunion", "2. Actions en retard, par partenaire",
                      "3. À faire avant la prochaine réunion (24/11/2026)", "4. Problèmes ouverts, par priorité",
                      "5. Cadence et présence"]
    overdue = slides[2]
    assert [row[:2] for row in overdue.rows] == [("Moselis", "A-2"), ("Mairie de Forbach", "A-1")]
    assert [row[-1] for row in overdue.rows] == ["30 j", "1 j"]
    socle = slides[5]
    assert socle.rows == (("Mairie", "présente"), ("Police municipale", "absente"), ("Police nationale", "non renseigné"))
    markup = slide_html(Slide("<script>alert(1)</script>", rows=(("<b>gras</b>",),), columns=("x",)))
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "&lt;b&gt;gras&lt;/b&gt;" in markup


def test_long_lists_are_split_into_slides_that_fit():
    rows = [action(f"A-{n:02d}", "P-1", "2026-10-01") for n in range(ROWS_PER_SLIDE * 2 + 1)]
    frames = {"meetings": frame("meetings", [meeting("2026-11-10")]),
              "problems": frame("problems", [problem("P-1", "2026-09-01")]),
              "actions": frame("actions", rows)}
    slides = agenda_slides(build_agenda(FORBACH, frames, AS_OF, REF))
    overdue = [s for s in slides if s.title.startswith("2. Actions en retard")]
    assert [s.title[-5:] for s in overdue] == ["(1/3)", "(2/3)", "(3/3)"]
    assert [len(s.rows) for s in overdue] == [ROWS_PER_SLIDE, ROWS_PER_SLIDE, 1]
