"""A small département for the cycle's tests, every figure computed by hand in `tests/test_cycle.py`.

- marly (monthly GPO): two diagnostics. D1 on 10/02/2025 names P-01, P-03 and P-09 (no such problem);
  D2 on 02/03/2026 (after D1's bilan was due on 10/02/2026: cycle 1 closed late) names P-05.
  Cycle 1 = 10/02/2025 → 01/03/2026; cycle 2 = 02/03/2026 → as_of.
  P-01 (15/01/2025) and P-02 (01/02/2025) come before D1: no cycle. P-03 (on D1's day), P-04, P-05 (the day
  before D2) are in cycle 1; P-06 (D2's day) and P-07 in cycle 2; P-08 (01/07/2026) after AS_OF.
- behren: one diagnostic on 29/02/2024 (bilan due 28/02/2025).
- sarrebourg: no diagnostic; its own P-01 (same Réf as marly's) must never mix with marly's.
"""

from __future__ import annotations

import datetime as dt

from tests import cycle_frames

AS_OF = dt.date(2026, 6, 30)
D1, D2 = dt.date(2025, 2, 10), dt.date(2026, 3, 2)

DIAGNOSTICS = cycle_frames.diagnostics([
    # out of order on purpose: cycles follow the dates, not the lines
    {"sector_id": "marly", "diagnosed_on": "2026-03-02", "title": "Diagnostic 2026", "shared_on": "2026-03-16",
     "priority_problem_ids": "P-05", "summary": "Baisse des nuisances ; rodéos toujours présents.", "source_row": 3},
    {"sector_id": "marly", "diagnosed_on": "2025-02-10", "title": "Diagnostic de sécurité 2025",
     "shared_on": "2025-02-20", "priority_problem_ids": "P-01;P-03;P-09",
     "summary": "Nuisances rue des Écoles <b>urgent</b> **x**", "source_row": 2},
    {"sector_id": "behren", "diagnosed_on": "2024-02-29", "title": "Diagnostic bissextile",
     "priority_problem_ids": None, "source_row": 2},
])

PROBLEMS = cycle_frames.problems([
    {"sector_id": "marly", "problem_id": "P-01", "reported_on": "2025-01-15", "status": "resolved",
     "resolved_on": "2025-06-30", "outcome": "reduced", "stage": "assessment", "priority": "high",
     "description": "Rassemblements bruyants <script>alert(1)</script>", "location": "Rue des Écoles",
     "lead_partner": "Mairie de Marly"},
    {"sector_id": "marly", "problem_id": "P-02", "reported_on": "2025-02-01", "status": "open", "stage": "scanning"},
    {"sector_id": "marly", "problem_id": "P-03", "reported_on": "2025-02-10", "status": "resolved",
     "resolved_on": "2025-09-01", "outcome": "eliminated", "category": "Rodéos motorisés", "stage": "assessment"},
    {"sector_id": "marly", "problem_id": "P-04", "reported_on": "2025-12-01", "status": "dropped",
     "resolved_on": "2026-01-10", "category": "Dépôts sauvages"},
    {"sector_id": "marly", "problem_id": "P-05", "reported_on": "2026-03-01", "status": "in_progress",
     "stage": "response", "category": "Rodéos motorisés"},
    {"sector_id": "marly", "problem_id": "P-06", "reported_on": "2026-03-02", "status": "resolved",
     "resolved_on": "2026-04-15", "outcome": "no_effect"},
    {"sector_id": "marly", "problem_id": "P-07", "reported_on": "2026-05-01", "status": "resolved",
     "resolved_on": None, "outcome": "reduced"},
    {"sector_id": "marly", "problem_id": "P-08", "reported_on": "2026-07-01", "status": "open"},
    {"sector_id": "sarrebourg", "problem_id": "P-01", "reported_on": "2025-03-01", "status": "resolved",
     "resolved_on": "2025-04-01", "outcome": "worse", "commune_name": "Sarrebourg"},
])

ACTIONS = cycle_frames.actions([
    {"sector_id": "marly", "action_id": "A-01", "problem_id": "P-01", "partner": "Mairie de Marly",
     "partner_type": "mairie", "description": "Médiation de rue", "due_on": "2025-03-31", "status": "done",
     "done_on": "2025-03-20"},
    {"sector_id": "marly", "action_id": "A-02", "problem_id": "P-01", "partner": "Police municipale de Marly",
     "partner_type": "police_municipale", "description": "Patrouilles le soir", "due_on": "2025-04-30",
     "status": "done", "done_on": "2025-05-10"},
    {"sector_id": "marly", "action_id": "A-03", "problem_id": "P-01", "partner": "Mairie de Marly",
     "partner_type": "mairie", "description": "Caméra <b>gras</b>", "due_on": "2025-05-31", "status": "dropped"},
    {"sector_id": "marly", "action_id": "A-04", "problem_id": "P-03", "partner": "Bailleur Moselis",
     "partner_type": "bailleur", "description": "Fermer l'accès au parking", "due_on": "2025-06-30",
     "status": "in_progress"},
    {"sector_id": "marly", "action_id": "A-05", "problem_id": "P-03", "partner": "Police municipale de Marly",
     "partner_type": "police_municipale", "description": "Contrôles routiers", "due_on": "2026-12-31",
     "status": "todo"},
    {"sector_id": "marly", "action_id": "A-06", "problem_id": "P-03", "partner": "Police municipale de Marly",
     "partner_type": "police_municipale", "description": "Saisie de motos", "due_on": "2025-08-31",
     "status": "done", "done_on": None},
    {"sector_id": "marly", "action_id": "A-07", "problem_id": "P-05", "partner": "Mairie de Marly",
     "partner_type": "mairie", "description": "Plots anti-rodéo", "due_on": "2026-05-31", "status": "done",
     "done_on": "2026-05-31"},
    {"sector_id": "marly", "action_id": "A-08", "problem_id": "P-04", "partner": "Transports TIM",
     "partner_type": "transporteur", "description": "Signalement", "due_on": "2025-12-31", "status": "done",
     "done_on": "2025-12-20"},
    {"sector_id": "sarrebourg", "action_id": "A-01", "problem_id": "P-01", "partner": "Mairie de Sarrebourg",
     "partner_type": "mairie", "description": "Autre secteur", "due_on": "2025-03-15", "status": "todo"},
])

FULL = {"mayor_present": True, "municipal_police_present": True, "national_police_present": True}
MEETINGS = cycle_frames.meetings([
    {"sector_id": "marly", "meeting_date": "2026-02-26", "status": "held", **FULL},  # cycle 1
    {"sector_id": "marly", "meeting_date": "2026-03-05", "status": "held", **FULL},
    {"sector_id": "marly", "meeting_date": "2026-04-09", "status": "held", **FULL, "mayor_present": False},
    {"sector_id": "marly", "meeting_date": "2026-05-07", "status": "cancelled"},
    {"sector_id": "marly", "meeting_date": "2026-06-04", "status": "held", **FULL},
])

FRAMES = {"problems": PROBLEMS, "actions": ACTIONS, "meetings": MEETINGS, "diagnostics": DIAGNOSTICS}


# Pertinence: woippy's problems closed in the first half of 2026 (tests/test_outcomes.py tells the counts)
PERTINENCE_START, PERTINENCE_END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


def pertinence_problem(ref: str, outcome: str | None, category: str = "Nuisances sonores", status: str = "resolved",
       resolved_on: str | None = "2026-03-01") -> dict:
    return {"sector_id": "woippy", "problem_id": ref, "reported_on": "2025-12-01", "status": status,
            "resolved_on": resolved_on, "outcome": outcome, "category": category}


_p = pertinence_problem
PERTINENCE = cycle_frames.problems([
    _p("N-1", "eliminated"), _p("N-2", "eliminated"), _p("N-3", "eliminated"), _p("N-4", "reduced"),
    _p("N-5", "no_effect"), _p("N-6", "no_effect"), _p("N-7", None),
    _p("V-1", "reduced", "Vols"), _p("V-2", "worse", "Vols", status="dropped"),
    _p("R-1", "no_effect", "Rodéos motorisés"),
    _p("V-3", "eliminated", "Vols", resolved_on="2025-11-30"),  # closed before the period
    _p("O-1", "reduced", status="in_progress", resolved_on=None),  # still open
])


def _a(ref: str, action: str, kind: str | None, status: str = "done") -> dict:
    return {"sector_id": "woippy", "action_id": action, "problem_id": ref, "partner": f"Partenaire {kind}",
            "partner_type": kind, "description": "x", "due_on": "2026-02-01", "status": status,
            "done_on": "2026-01-20" if status == "done" else None}


PERTINENCE_ACTIONS = cycle_frames.actions([
    _a("N-1", "A-1", "mairie"), _a("N-2", "A-2", "mairie"), _a("N-3", "A-3", "mairie"), _a("N-4", "A-4", "mairie"),
    _a("N-5", "A-5", "mairie"), _a("N-1", "A-6", "police_municipale"),
    _a("N-2", "A-7", "police_municipale", status="dropped"),  # dropped: the type did not act
    _a("N-7", "A-8", None),  # no type
    _a("V-1", "A-9", "bailleur"), _a("V-2", "A-10", "bailleur"), _a("V-2", "A-11", "mairie"),
    _a("V-2", "A-12", "mairie", status="in_progress"),  # a second mairie action: the problem counts once
    _a("R-1", "A-13", "transporteur"),
    # N-6 has no action
])
