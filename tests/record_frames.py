"""A sector's frames cut down to a few rows, and a meeting record with every kind of decision: what the tests of the
compte rendu (record, application, PDF, page) start from."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from domain.meeting_record import ActionChange, Attendance, MeetingRecord, NewAction, NewProblem, ProblemChange
from indicator_frames import frame

HELD = dt.date(2026, 11, 24)
FILE = "suivi_gpo_forbach_reunion_2026-11-24.xlsx"


def small_frames() -> dict[str, pd.DataFrame]:
    """Forbach's tracker, cut down: two meetings (the second planned on the day of the record), two problems, two
    actions, each from a line of the animator's own file."""
    common = {"sector_id": "forbach", "source_file": "suivi_forbach.xlsx"}
    return {
        "meetings": frame("meetings", [
            {**common, "meeting_date": "2026-11-10", "kind": "ordinary", "status": "held", "mayor_present": True,
             "municipal_police_present": True, "national_police_present": True, "attendees": 8, "source_row": 5},
            {**common, "meeting_date": "2026-11-24", "kind": "review", "status": "planned", "source_row": 6},
        ]),
        "problems": frame("problems", [
            {**common, "problem_id": "P-11", "reported_on": "2026-08-17", "commune_insee": "57227",
             "commune_name": "Forbach", "category": "Rodéos motorisés", "description": "Rodéos sur le parking",
             "priority": "medium", "status": "in_progress", "source_row": 8},
            {**common, "problem_id": "P-12", "reported_on": "2026-08-20", "commune_insee": "57227",
             "commune_name": "Forbach", "category": "Trafic de stupéfiants", "description": "Point de deal",
             "priority": "high", "status": "open", "due_on": "2026-12-31", "source_row": 9},
        ]),
        "actions": frame("actions", [
            {**common, "action_id": "A-07", "problem_id": "P-11", "description": "Vidéoprotection",
             "partner": "Mairie de Forbach", "partner_type": "mairie", "started_on": "2026-08-29",
             "due_on": "2026-09-12", "status": "in_progress", "source_row": 4},
            {**common, "action_id": "A-08", "problem_id": "P-12", "description": "Opérations ciblées",
             "partner": "Commissariat de Forbach", "partner_type": "police_nationale", "started_on": "2026-08-31",
             "due_on": "2026-09-14", "status": "todo", "comment": "Devis en cours", "source_row": 5},
        ]),
    }


def full_record() -> MeetingRecord:
    return MeetingRecord(
        "forbach", HELD,
        Attendance(mayor=True, municipal_police=False, national_police=True, partners=("Vivest", "Forbus"),
                   attendees=9, notes="Tour de table"),
        new_problems=(NewProblem("forbach", "Nuisances sonores", "Musique la nuit", "high", dt.date(2027, 1, 15),
                                 "place du Marché"),),
        new_actions=(NewAction(1, "Médiation de nuit", "Club de prévention", dt.date(2026, 12, 20), "association"),
                     NewAction("p-11", "Pose de barrières", "Mairie de Forbach", dt.date(2026, 12, 31))),
        problem_changes=(ProblemChange("P-12", "resolved"),),
        action_changes=(ActionChange("A-07", "done", dt.date(2026, 11, 20)),),
        next_meeting=dt.date(2026, 12, 8),
    )
