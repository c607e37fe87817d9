"""The compte rendu (relevé de décisions) PDF, read back with pypdf: attendance, each decision, each partner's open
actions with their deadlines, the next meeting; text typed by users printed as typed, never obeyed as markup."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from domain.meeting_record import ActionChange, Attendance, MeetingRecord, NewAction, NewProblem, ProblemChange
from domain.record_application import apply_record
from domain.reference import default_reference
from meeting_pack.compte_rendu import SECTION_TITLES, compte_rendu_pdf
from record_frames import FILE, HELD, full_record, small_frames

GENERATED = dt.date(2026, 11, 25)
HOSTILE = "<b>gras</b> **x** & <font color='red'>rouge</font>"


def _text(pdf: bytes) -> str:
    """Every page's text, no-break spaces made plain, runs of spaces collapsed, lines joined by spaces."""
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return re.sub(r"\s+", " ", " ".join(pages).replace("\u00a0", " ").replace("\u202f", " "))


@pytest.fixture(scope="module")
def reference():
    return default_reference()


def _pdf(record: MeetingRecord, reference) -> bytes:
    applied = apply_record(small_frames(), record, reference=reference, source_file=FILE)
    return compte_rendu_pdf(applied, sector=reference.sectors["forbach"], csp_name="Forbach", generated_on=GENERATED,
                            departement="Moselle")


def test_the_compte_rendu_says_who_came_what_was_decided_who_owes_what_and_when_next(reference):
    pdf = _pdf(full_record(), reference)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Relevé de décisions — GPO de Forbach – Bellevue-Wiesberg — réunion du 24/11/2026"
    assert all(p.mediabox.width < p.mediabox.height for p in reader.pages)  # A4 portrait
    text = _text(pdf)
    assert "Relevé de décisions de la réunion du 24/11/2026 (réunion bilan)" in text
    positions = [text.index(title) for title in SECTION_TITLES]
    assert positions == sorted(positions)
    attendance = text[positions[0]:positions[1]]
    assert "Mairie présente" in attendance and "Police municipale absente" in attendance
    assert "Police nationale présente" in attendance
    assert "Autres partenaires présents Vivest, Forbus" in attendance
    assert "Nombre de participants 9" in attendance and "Observations Tour de table" in attendance

    decisions = text[positions[1]:positions[2]]
    assert "Nouveaux problèmes (1)" in decisions
    assert "P-13 Forbach Nuisances sonores — Musique la nuit Haute 15/01/2027" in decisions
    assert "Nouvelles actions (2)" in decisions
    assert "A-09 P-13 Médiation de nuit Club de prévention 20/12/2026" in decisions
    assert "A-10 P-11 Pose de barrières Mairie de Forbach 31/12/2026" in decisions
    assert "Problèmes : changements de statut (1)" in decisions
    assert "P-12 Trafic de stupéfiants — Point de deal Ouvert Résolu 24/11/2026" in decisions
    assert "Actions réalisées ou changées de statut (1)" in decisions
    assert "A-07 Vidéoprotection Mairie de Forbach En cours Réalisée 20/11/2026" in decisions

    owed = text[positions[2]:positions[3]]
    # each partner with its open actions, soonest deadline first; A-08 was due on 14/09: late at the meeting
    assert "Club de prévention — 1 action" in owed and "A-09 P-13 Médiation de nuit 20/12/2026 À faire" in owed
    assert "Commissariat de Forbach — 1 action" in owed
    assert "A-08 P-12 Opérations ciblées 14/09/2026 en retard À faire" in owed
    assert "Mairie de Forbach — 1 action" in owed and "A-10 P-11 Pose de barrières 31/12/2026 À faire" in owed
    assert "A-07" not in owed  # done at this meeting
    assert owed.index("Club de prévention") < owed.index("Commissariat") < owed.index("Mairie de Forbach")

    assert "4. Prochaine réunion Le 08/12/2026." in text[positions[3]:]
    assert "document généré le 25/11/2026, hors connexion" in text


def test_user_text_is_printed_as_typed_never_as_markup(reference):
    record = MeetingRecord(
        "forbach", HELD, Attendance(True, True, True, (HOSTILE,), 3, HOSTILE),
        new_problems=(NewProblem("Forbach", "Autre", HOSTILE),),
        new_actions=(NewAction(1, HOSTILE, "**Partenaire** <i>x</i>", dt.date(2026, 12, 1)),))
    text = _text(_pdf(record, reference))
    assert text.count("<b>gras</b> **x** & <font color='red'>rouge</font>") >= 4  # attendance, notes, problem, action
    assert "**Partenaire** <i>x</i> — 1 action" in text


def test_a_meeting_with_no_decision_says_so(reference):
    text = _text(_pdf(MeetingRecord("forbach", HELD, Attendance(None, None, None)), reference))
    assert "Aucune décision enregistrée." in text
    assert "Mairie non renseigné" in text and "Autres partenaires présents aucun" in text
    assert "Nombre de participants non renseigné" in text
    # no next meeting in the record: the next planned one of the tracker, here none after the 24th
    assert "4. Prochaine réunion Date non fixée." in text


def test_a_very_long_text_goes_to_the_annex_and_the_pdf_is_still_made(reference):
    long = "Rassemblements répétés devant le hall. " * 120
    record = MeetingRecord("forbach", HELD, new_problems=(NewProblem("Forbach", "Autre", long),),
                           new_actions=(NewAction(1, long, "P" * 400, dt.date(2026, 12, 1)),),
                           action_changes=(ActionChange("A-08", "done"),), problem_changes=(ProblemChange("P-11", "dropped"),))
    text = _text(_pdf(record, reference))
    assert "(texte complet en annexe, n° 1)" in text and "Annexe : textes complets" in text
    assert text.count("Rassemblements répétés devant le hall.") >= 120
