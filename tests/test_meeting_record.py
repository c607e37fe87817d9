"""A meeting record applied to a sector's frames (hand-computed), its Réf allocation, its French refusals, and the
round trip record → filled tracker → loader → the same frames."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from domain.meeting_record import (ActionChange, Attendance, InvalidRecord, MeetingRecord, NewAction, NewProblem,
                                   ProblemChange, default_next_meeting, record_problems, sector_partners)
from domain.record_application import apply_record, next_refs
from domain.reference import default_reference
from domain.tracker_schema import empty_frames
from indicator_frames import frame
from loaders import load
from loaders.tracker_export import filled_tracker_bytes
from record_frames import FILE, HELD, full_record, small_frames

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def reference():
    return default_reference()


def test_a_record_applied_by_hand(reference):
    before = small_frames()
    applied = apply_record(before, full_record(), reference=reference, source_file=FILE)
    after = applied.frames
    common = {"sector_id": "forbach", "source_file": FILE}

    expected_meetings = frame("meetings", [
        {**common, "meeting_date": "2026-11-10", "kind": "ordinary", "status": "held", "mayor_present": True,
         "municipal_police_present": True, "national_police_present": True, "attendees": 8},
        {**common, "meeting_date": "2026-11-24", "kind": "review", "status": "held", "mayor_present": True,
         "municipal_police_present": False, "national_police_present": True, "other_partners": "Vivest, Forbus",
         "attendees": 9, "notes": "Tour de table"},  # the planned row of the day, now held; its kind kept
        {**common, "meeting_date": "2026-12-08", "kind": "ordinary", "status": "planned"},
    ])
    expected_problems = frame("problems", [
        {**common, "problem_id": "P-11", "reported_on": "2026-08-17", "commune_insee": "57227",
         "commune_name": "Forbach", "category": "Rodéos motorisés", "description": "Rodéos sur le parking",
         "priority": "medium", "status": "in_progress"},
        {**common, "problem_id": "P-12", "reported_on": "2026-08-20", "commune_insee": "57227",
         "commune_name": "Forbach", "category": "Trafic de stupéfiants", "description": "Point de deal",
         "priority": "high", "status": "resolved", "due_on": "2026-12-31", "resolved_on": "2026-11-24"},
        {**common, "problem_id": "P-13", "reported_on": "2026-11-24", "commune_insee": "57227",
         "commune_name": "Forbach", "location": "place du Marché", "category": "Nuisances sonores",
         "description": "Musique la nuit", "priority": "high", "status": "open", "due_on": "2027-01-15"},
    ])
    expected_actions = frame("actions", [
        {**common, "action_id": "A-07", "problem_id": "P-11", "description": "Vidéoprotection",
         "partner": "Mairie de Forbach", "partner_type": "mairie", "started_on": "2026-08-29",
         "due_on": "2026-09-12", "status": "done", "done_on": "2026-11-20"},
        {**common, "action_id": "A-08", "problem_id": "P-12", "description": "Opérations ciblées",
         "partner": "Commissariat de Forbach", "partner_type": "police_nationale", "started_on": "2026-08-31",
         "due_on": "2026-09-14", "status": "todo", "comment": "Devis en cours"},
        {**common, "action_id": "A-09", "problem_id": "P-13", "description": "Médiation de nuit",
         "partner": "Club de prévention", "partner_type": "association", "started_on": "2026-11-24",
         "due_on": "2026-12-20", "status": "todo"},
        {**common, "action_id": "A-10", "problem_id": "P-11", "description": "Pose de barrières",
         "partner": "Mairie de Forbach", "partner_type": "mairie",  # the type the loader guesses from the name
         "started_on": "2026-11-24", "due_on": "2026-12-31", "status": "todo"},
    ])
    pd.testing.assert_frame_equal(after["meetings"], expected_meetings)
    pd.testing.assert_frame_equal(after["problems"], expected_problems)
    pd.testing.assert_frame_equal(after["actions"], expected_actions)
    assert (applied.new_problem_ids, applied.new_action_ids, applied.new_action_problems) == (
        ("P-13",), ("A-09", "A-10"), ("P-13", "P-11"))
    assert [(c.ref, c.before, c.after, c.on) for c in applied.problem_changes] == [("P-12", "open", "resolved", HELD)]
    assert [(c.ref, c.before, c.after, c.on) for c in applied.action_changes] == [
        ("A-07", "in_progress", "done", dt.date(2026, 11, 20))]
    assert (applied.meeting_added, applied.next_meeting_added) == (False, True)
    # the frames given are left as they were
    for key, original in small_frames().items():
        pd.testing.assert_frame_equal(before[key], original)


def test_a_meeting_not_planned_is_added_in_date_order_and_a_planned_next_one_is_kept(reference):
    frames = small_frames()
    record = MeetingRecord("forbach", dt.date(2026, 11, 17), Attendance(True, True, True),
                           next_meeting=dt.date(2026, 11, 24))
    applied = apply_record(frames, record, reference=reference, source_file=FILE)
    meetings = applied.frames["meetings"]
    assert [(d.date(), s) for d, s in zip(meetings["meeting_date"], meetings["status"])] == [
        (dt.date(2026, 11, 10), "held"), (dt.date(2026, 11, 17), "held"), (dt.date(2026, 11, 24), "planned")]
    assert meetings["kind"].tolist() == ["ordinary", "ordinary", "review"]
    assert (applied.meeting_added, applied.next_meeting_added) == (True, False)
    assert meetings["source_row"].tolist() == [2, 3, 4]
    pd.testing.assert_frame_equal(applied.frames["problems"].drop(columns=["source_file", "source_row"]),
                                  frames["problems"].drop(columns=["source_file", "source_row"]))


def test_reopening_clears_the_closing_date(reference):
    frames = small_frames()
    first = apply_record(frames, MeetingRecord("forbach", HELD, problem_changes=(ProblemChange("P-12", "resolved"),),
                                               action_changes=(ActionChange("A-08", "done"),)),
                         reference=reference, source_file=FILE).frames
    again = apply_record(first, MeetingRecord("forbach", dt.date(2026, 12, 8),
                                              problem_changes=(ProblemChange("P-12", "in_progress"),),
                                              action_changes=(ActionChange("A-08", "todo"),)),
                         reference=reference, source_file=FILE).frames
    assert first["problems"].loc[1, "resolved_on"] == pd.Timestamp(HELD)
    assert first["actions"].loc[1, "done_on"] == pd.Timestamp(HELD)
    assert pd.isna(again["problems"].loc[1, "resolved_on"]) and again["problems"].loc[1, "status"] == "in_progress"
    assert pd.isna(again["actions"].loc[1, "done_on"]) and again["actions"].loc[1, "status"] == "todo"


@pytest.mark.parametrize(("existing", "count", "expected"), [
    (["P-01", "P-12"], 1, ["P-13"]),
    (["P-08", "P-09"], 2, ["P-10", "P-11"]),  # the padding kept past 9
    (["P9", "P10"], 1, ["P11"]),
    (["A-001", "A-002"], 1, ["A-003"]),
    (["2026-7", "2026-8"], 1, ["2026-9"]),  # the last number counts
    (["P-01", "P-02", "X-99"], 1, ["P-03"]),  # the sector's usual style, not its odd one
    (["P-01", "p-02 ", "P-2"], 1, ["P-03"]),
    (["Nuisances", "Rodéos"], 2, ["P-01", "P-02"]),  # nothing numbered: the default style
    ([], 1, ["P-01"]),
])
def test_new_references_follow_the_sectors_style(existing, count, expected):
    assert next_refs(existing, count, "P-") == expected


def test_references_written_differently_count_as_the_loader_counts_them():
    """The loader compares references ignoring case and spaces: « p-04 » is P-04, « p 04 » is not."""
    assert next_refs(["P-01", "P-03", "p-04 ", "P-02"], 2, "P-") == ["P-05", "P-06"]
    assert next_refs(["P-01", "P-03", "p 04", "P-02"], 1, "P-") == ["P-04"]
    assert next_refs(["R1", "R2", "R 3"], 1, "P-") == ["R4"]


def test_a_record_that_cannot_be_applied_says_why_in_french(reference):
    record = MeetingRecord(
        "forbach", HELD, Attendance(attendees=-1),
        new_problems=(NewProblem("", "Catégorie inventée", due_on=dt.date(2026, 11, 1)),),
        new_actions=(NewAction("P-99", "", "Vivest", None), NewAction(3, "Action", "", dt.date(2026, 11, 2))),
        problem_changes=(ProblemChange("P-77", "resolved"), ProblemChange("P-11", "resolved", dt.date(2026, 1, 1))),
        action_changes=(ActionChange("A-07", "done"), ActionChange("a-07", "dropped")),
        next_meeting=dt.date(2026, 11, 20))
    assert record_problems(record, small_frames()) == [
        "Le nombre de participants ne peut pas être négatif.",
        "La prochaine réunion (20/11/2026) doit être postérieure à la réunion du 24/11/2026.",
        "Nouveau problème n° 1 : la commune est obligatoire.",
        "Nouveau problème n° 1 : catégorie « Catégorie inventée » inconnue.",
        "Nouveau problème n° 1 : l'échéance (01/11/2026) précède la réunion du 24/11/2026.",
        "Nouvelle action n° 1 : le problème « P-99 » n'existe pas dans le tableau du secteur.",
        "Nouvelle action n° 1 : la description de l'action est obligatoire.",
        "Nouvelle action n° 1 : l'échéance est obligatoire.",
        "Nouvelle action n° 2 : le nouveau problème n° 3 n'existe pas dans ce compte rendu.",
        "Nouvelle action n° 2 : le partenaire responsable est obligatoire.",
        "Nouvelle action n° 2 : l'échéance (02/11/2026) précède la réunion du 24/11/2026.",
        "Problème « P-77 » : il n'existe pas dans le tableau du secteur.",
        "Problème « P-11 » : la résolution (01/01/2026) précède son signalement (17/08/2026).",
        "Action « a-07 » : son statut est changé deux fois.",
    ]
    with pytest.raises(InvalidRecord) as refused:
        apply_record(small_frames(), record, reference=reference, source_file=FILE)
    assert refused.value.problems[0] == "Le nombre de participants ne peut pas être négatif."


def test_attendance_lists_the_partners_of_the_sector_and_its_contacts():
    frames = small_frames()
    frames["actions"].loc[1, "partner"] = "Vivest"
    frames["actions"].loc[1, "partner_type"] = "bailleur"
    assert sector_partners(frames, "forbach") == ["Vivest"]  # the mairie is a socle checkbox, not a name
    # the contacts sheet (issue 13's `partners` frame) adds its organisations, one name per organisation
    frames["partners"] = pd.DataFrame({
        "sector_id": ["forbach", "forbach", "stiring"], "organisation": ["VIVEST", "Forbus", "Batigère"],
        "partner_type": ["bailleur", "transporteur", "bailleur"], "contact": [None, None, None],
        "email": ["a@vivest.fr", "b@forbus.fr", "c@batigere.fr"], "opted_out": [False, False, False],
        "source_file": ["x"] * 3, "source_row": [2, 3, 4]})
    assert sector_partners(frames, "forbach") == ["Forbus", "Vivest"]


def test_frames_of_issue_13_pass_through(reference):
    """The cycle's problem columns (stage, outcome, lead partner) and the `partners` frame: kept, new rows leave them
    empty; closing a problem at the meeting gives its Résultat, reopening one clears it."""
    frames = small_frames()
    frames["problems"]["stage"] = pd.array(["response", None], dtype="str")
    frames["problems"]["lead_partner"] = pd.array(["Mairie de Forbach", None], dtype="str")
    frames["partners"] = pd.DataFrame({"sector_id": ["forbach"], "organisation": ["Forbus"], "source_file": ["x"],
                                       "source_row": pd.array([7], dtype="int64")})
    applied = apply_record(frames, full_record(), reference=reference, source_file=FILE).frames
    assert list(applied["problems"].columns) == list(frames["problems"].columns)
    assert applied["problems"]["stage"].tolist()[:1] == ["response"]
    assert applied["problems"]["lead_partner"].tolist()[0] == "Mairie de Forbach"
    assert applied["problems"]["stage"].isna().tolist() == [False, True, True]
    assert applied["partners"]["organisation"].tolist() == ["Forbus"]

    closed = apply_record(frames, MeetingRecord("forbach", HELD, problem_changes=(
        ProblemChange("P-11", "resolved", outcome="reduced"), ProblemChange("P-12", "dropped", outcome="handed_over"))),
        reference=reference, source_file=FILE)
    assert closed.frames["problems"]["outcome"].tolist() == ["reduced", "handed_over"]
    assert [c.outcome for c in closed.problem_changes] == ["reduced", "handed_over"]
    reopened = apply_record(closed.frames, MeetingRecord("forbach", dt.date(2026, 12, 8),
                                                         problem_changes=(ProblemChange("P-11", "in_progress"),)),
                            reference=reference, source_file=FILE).frames
    assert reopened["problems"]["outcome"].isna().tolist() == [True, False]


def test_an_outcome_is_given_only_to_a_closed_problem_and_from_the_scale(reference):
    frames = small_frames()
    record = MeetingRecord("forbach", HELD, problem_changes=(ProblemChange("P-11", "in_progress", outcome="reduced"),
                                                             ProblemChange("P-12", "resolved", outcome="magique")))
    assert record_problems(record, frames) == [
        "Problème « P-11 » : un résultat ne se donne qu'à un problème résolu ou abandonné.",
        "Problème « P-12 » : résultat « magique » inconnu."]


def test_a_sector_with_no_tracker_yet_gets_its_first_one(reference):
    """No import yet: the record makes the first version (refs from P-01 / A-01), which the loader reads back."""
    record = MeetingRecord("behren", dt.date(2026, 11, 25), Attendance(True, True, True, attendees=6),
                           new_problems=(NewProblem("Behren-lès-Forbach", "Dépôts sauvages", "Encombrants"),),
                           new_actions=(NewAction(1, "Enlèvement", "Mairie de Behren-lès-Forbach", dt.date(2026, 12, 10)),),
                           next_meeting=dt.date(2026, 12, 9), kind="constitutive")
    applied = apply_record(empty_frames(), record, reference=reference, source_file="premier.xlsx")
    assert (applied.new_problem_ids, applied.new_action_ids) == (("P-01",), ("A-01",))
    meetings = applied.frames["meetings"]
    assert list(zip(meetings["kind"], meetings["status"])) == [("constitutive", "held"), ("ordinary", "planned")]
    assert applied.frames["problems"].loc[0, "commune_insee"] == "57058"
    again = load(filled_tracker_bytes(applied.frames, sector=reference.sectors["behren"], reference=reference),
                 filename="premier.xlsx", as_of=dt.date(2026, 11, 25), reference=reference)[0]
    for key in ("meetings", "problems", "actions"):
        pd.testing.assert_frame_equal(again.frames[key], applied.frames[key])


def test_the_next_meeting_proposed_is_the_planned_one_else_one_cadence_later():
    frames = small_frames()
    assert default_next_meeting(frames, "forbach", dt.date(2026, 11, 10), "fortnightly") == dt.date(2026, 11, 24)
    assert default_next_meeting(frames, "forbach", HELD, "fortnightly") == dt.date(2026, 12, 8)
    assert default_next_meeting(frames, "forbach", HELD, "monthly") == dt.date(2026, 12, 22)


def test_record_to_workbook_to_loader_gives_the_applied_frames(reference):
    """Forbach's demo tracker, a record with hostile text: the workbook written from the applied frames reads back
    into exactly those frames (values, dtypes, lines), and its check finds nothing to say."""
    loaded = load(ROOT / "sample_data" / "suivi_gpo_forbach.xlsx", as_of=HELD)[0]
    record = MeetingRecord(
        "forbach", dt.date(2026, 11, 25),
        Attendance(True, False, True, ("Vivest", "=SOMME(A1:A2)"), 11, "Bilan <b>gras</b> **x**\nsur deux lignes"),
        new_problems=(NewProblem("Forbach", "Nuisances sonores", "<i>Musique</i> & **bruit**", "low", None,
                                 "+33 rue des Écoles"),),
        new_actions=(NewAction(1, "@médiation", "Club de prévention", dt.date(2026, 12, 20)),),
        problem_changes=(ProblemChange("P-16", "resolved", outcome="eliminated"),
                         ProblemChange("P-13", "dropped", outcome="handed_over")),
        action_changes=(ActionChange("A-21", "done", dt.date(2026, 11, 21)), ActionChange("A-23", "in_progress")),
        next_meeting=dt.date(2026, 12, 9))
    applied = apply_record(loaded.frames, record, reference=reference, source_file=FILE)
    data = filled_tracker_bytes(applied.frames, sector=reference.sectors["forbach"], reference=reference)
    again = load(data, filename=FILE, as_of=dt.date(2026, 11, 25), reference=reference)
    assert len(again) == 1 and again[0].sector_id == "forbach"
    assert again[0].issues == []
    for key in ("meetings", "problems", "actions"):
        pd.testing.assert_frame_equal(again[0].frames[key], applied.frames[key])
    assert len(applied.frames["problems"]) == len(loaded.frames["problems"]) + 1
    assert len(applied.frames["meetings"]) == len(loaded.frames["meetings"]) + 2
