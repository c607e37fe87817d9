"""The Bilan of a cycle (issue 13): the document model by hand, and its PDF read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pytest
from pypdf import PdfReader

from domain.bilan import ACTION_COLUMNS, PARTNER_COLUMNS, PROBLEM_COLUMNS, build_bilan
from domain.indicators.outcomes import OutcomeShare
from domain.reference import default_reference
from meeting_pack.bilan_pdf import NO_DIAGNOSTIC_TITLE, SECTION_TITLES, bilan_pdf
from tests import cycle_frames
from tests.cycle_scenario import AS_OF, D1, D2, FRAMES

GENERATED = dt.date(2026, 7, 1)


@pytest.fixture(scope="module")
def reference():
    return default_reference()


@pytest.fixture(scope="module")
def bilan_of(reference):
    return lambda sector_id, number=None, frames=FRAMES: build_bilan(reference.sectors[sector_id], frames, AS_OF,
                                                                     reference, number)


def _norm(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())


def _pages(pdf: bytes) -> list[str]:
    return [_norm(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(pages: list[str]) -> str:
    """All pages as one line of text (table cells and wrapped lines joined by spaces)."""
    return re.sub(r"\s+", " ", " ".join(pages))


# --- the model ---------------------------------------------------------------------------------------------------------

def test_bilan_of_the_first_cycle(bilan_of):
    bilan = bilan_of("marly", 1)
    assert bilan.has_diagnostic and bilan.cycle.number == 1 and len(bilan.cycles) == 2
    assert (bilan.cycle.diagnosed_on, bilan.cycle.end, bilan.next_cycle.diagnosed_on) == (D1, dt.date(2026, 3, 1), D2)
    assert bilan.csp_name == "Metz" and bilan.departement == "Moselle"
    assert [p.problem_id for p in bilan.priority] == ["P-01", "P-03", "P-09"] and bilan.unknown_refs == ("P-09",)
    p01 = bilan.priority[0]
    assert (p01.status_label, p01.stage_label, p01.outcome_label, p01.resolution_days, p01.lead_partner) == (
        "Résolu", "Évaluation", "Réduit", 166, "Mairie de Marly")
    assert list(p01.actions.columns) == list(ACTION_COLUMNS) and list(p01.by_partner.columns) == list(PARTNER_COLUMNS)
    # its actions, by partner (A→Z) then due date, each in one state; days late for the one done late
    assert p01.actions[["partner", "action_id", "state", "state_label"]].values.tolist() == [
        ["Mairie de Marly", "A-01", "done_on_time", "Réalisée dans les délais"],
        ["Mairie de Marly", "A-03", "dropped", "Abandonnée"],
        ["Police municipale de Marly", "A-02", "done_late", "Réalisée après l’échéance"]]
    assert p01.actions["days_late"].tolist()[2] == 10 and pd.isna(p01.actions["days_late"].tolist()[0])
    assert p01.by_partner[["partner", "actions", "done_on_time", "done_late", "late", "dropped"]].values.tolist() == [
        ["Mairie de Marly", 2, 1, 0, 0, 1], ["Police municipale de Marly", 1, 0, 1, 0, 0]]
    p03 = bilan.priority[1]
    assert p03.actions[["action_id", "state", "days_late"]].values.tolist()[0] == ["A-04", "late", 365]
    p09 = bilan.priority[2]
    assert not p09.found and p09.status_label is None and p09.actions.empty and p09.by_partner.empty
    # the priority problems' six actions summed per partner
    summary = bilan.partner_summary.set_index("partner")
    assert summary["actions"].to_dict() == {"Bailleur Moselis": 1, "Mairie de Marly": 2, "Police municipale de Marly": 3}
    assert summary.loc["Police municipale de Marly", ["done_late", "done_undated", "open"]].tolist() == [1, 1, 1]
    assert summary.loc["Bailleur Moselis", "partner_type_label"] == "Bailleur"


def test_first_cycle_meetings_problems_and_assessment(bilan_of):
    bilan = bilan_of("marly", 1)
    m = bilan.meetings
    # monthly GPO, periods ended before D2: February 2025 (the diagnostic's) to February 2026 = 13; the one held
    # meeting (26/02/2026, socle complete) meets February 2026
    assert (len(m.periods), m.periods_met, m.held, m.cancelled, m.socle_full) == (13, 1, 1, 0, 1)
    assert m.periods[0] == (dt.date(2025, 2, 1), dt.date(2025, 2, 28)) and m.cadence_label == "Mensuelle"
    assert list(bilan.new_problems.columns) == list(PROBLEM_COLUMNS)
    assert bilan.new_problems["problem_id"].tolist() == ["P-03", "P-04", "P-05"]
    assert bilan.new_problems["is_priority"].tolist() == [True, False, False]
    assert bilan.outside_cycles == 2  # P-01 and P-02, reported before D1
    assert bilan.outcomes == OutcomeShare(success=2, with_outcome=2, without_outcome=1, undated=0)
    closed = bilan.closed_problems
    assert closed["problem_id"].tolist() == ["P-01", "P-03", "P-04"]
    assert closed["outcome_label"].tolist()[:2] == ["Réduit", "Éliminé"] and pd.isna(closed["outcome_label"].iloc[2])


def test_bilan_of_the_current_cycle(bilan_of):
    bilan = bilan_of("marly")
    assert bilan.cycle.number == 2 and bilan.cycle.current and bilan.next_cycle is None
    (p05,) = bilan.priority
    assert (p05.status_label, p05.stage_label, p05.outcome_label) == ("En cours", "Réponse", None)
    m = bilan.meetings
    # March, April and May 2026 elapsed (June ends on as_of); May has only a cancelled meeting
    assert [p[0] for p in m.periods] == [dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)]
    assert m.missed == ((dt.date(2026, 5, 1), dt.date(2026, 5, 31)),)
    assert (m.held, m.cancelled, m.socle_full) == (3, 1, 2)  # the mayor missed 09/04
    assert m.compliance == pytest.approx(2 / 3) and m.socle_share == pytest.approx(2 / 3)
    assert bilan.new_problems["problem_id"].tolist() == ["P-06", "P-07"] and bilan.outside_cycles == 0
    assert bilan.outcomes == OutcomeShare(success=0, with_outcome=1, without_outcome=0, undated=1)


def test_a_sector_without_diagnostic_has_no_cycle(bilan_of):
    bilan = bilan_of("sarrebourg")
    assert not bilan.has_diagnostic and bilan.cycle is None and bilan.cycles == () and bilan.priority == ()
    assert bilan.meetings is None and bilan.outcomes is None and bilan.outside_cycles == 1
    with pytest.raises(ValueError):
        bilan_of("sarrebourg", 1)
    with pytest.raises(ValueError):
        bilan_of("marly", 3)


# --- the PDF ---------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def first_cycle_pages(bilan_of):
    return _pages(bilan_pdf(bilan_of("marly", 1), generated_on=GENERATED))


def test_pdf_has_the_sections_in_order_and_page_numbers(first_cycle_pages):
    pages = first_cycle_pages
    text = "\n".join(pages)
    assert pages[0].startswith("Groupe de partenariat opérationnel — bilan de cycle\nMarly")
    assert "Cycle n° 1 sur 2 : du 10/02/2025 au 01/03/2026" in pages[0]
    # the sections, after the cover's table of contents, in order
    body = "\n".join(pages[1:])
    positions = [body.index(title) for title in SECTION_TITLES]
    assert positions == sorted(positions)
    for number, page in enumerate(pages, 1):
        assert f"page {number}/{len(pages)}" in page
        assert "Bilan de cycle — Groupe de partenariat opérationnel de Marly" in page
    assert "document généré le 01/07/2026, hors connexion" in text


def test_pdf_is_a4_with_a_french_title(bilan_of):
    reader = PdfReader(io.BytesIO(bilan_pdf(bilan_of("marly", 1), generated_on=GENERATED)))
    box = reader.pages[0].mediabox
    assert sorted((round(float(box.width)), round(float(box.height)))) == [595, 842]
    assert reader.metadata.title == "Bilan de cycle — GPO de Marly — cycle n° 1"


def test_pdf_shows_a_priority_problem_with_its_actions_per_partner(first_cycle_pages):
    text = _flat(first_cycle_pages)
    assert "P-01 — Nuisances sonores" in text
    assert "Statut : Résolu · Étape : Évaluation · Résultat : Réduit · Résolu en 166 j" in text
    assert "Chef de file : Mairie de Marly" in text
    assert ("Mairie de Marly A-01 Médiation de rue 31/03/2025 20/03/2025 Réalisée dans les délais A-03 Caméra "
            "<b>gras</b> 31/05/2025 – Abandonnée Police municipale de Marly A-02 Patrouilles le soir 30/04/2025 "
            "10/05/2025 Réalisée après l’échéance (10 j)") in text
    assert "Bailleur Moselis A-04 Fermer l'accès au parking 30/06/2025 – En retard (365 j)" in text
    # the per-partner counts of P-01: Mairie 2 actions (1 on time, 1 dropped), police municipale 1 done late
    assert "Mairie de Marly 2 1 0 0 0 0 1 Police municipale de Marly 1 0 1 0 0 0 0 Total 3 1 1 0 0 0 1" in text
    assert "P-09 — introuvable" in text and "Réf nommées par le diagnostic mais absentes" in text


def test_pdf_prints_counts_beside_every_share(first_cycle_pages):
    text = _flat(first_cycle_pages)
    # 2 closed with an outcome, fewer than 5: the counts alone, on the cover and in section 6 (as on the Bilan page)
    assert "2 sur 2 problèmes clos pendant le cycle éliminés ou réduits" in text
    assert "Sur 2 problèmes clos pendant le cycle avec un résultat, 2 éliminé(s) ou réduit(s)." in text
    assert "8 % (1/13) : périodes avec au moins une réunion tenue" in text
    assert "100 % (1/1) des réunions tenues" in text
    assert "17 % (1/6) actions des problèmes prioritaires réalisées dans les délais" in text
    # fewer than 5 problems with an outcome: the distribution gives numbers, no share
    assert "Éliminé 1 – Réduit 1 –" in text and "Moins de 5 problèmes avec un résultat" in text
    assert "2 problèmes signalés avant le premier diagnostic n’appartiennent à aucun cycle." in text


def test_pdf_shows_tracker_text_literally(first_cycle_pages):
    text = _flat(first_cycle_pages)
    assert "Nuisances rue des Écoles <b>urgent</b> **x**" in text  # the diagnostic's summary
    assert "Rassemblements bruyants <script>alert(1)</script>" in text
    assert "Caméra <b>gras</b>" in text
    assert "Diagnostic suivant, du 02/03/2026" in text and "Baisse des nuisances ; rodéos toujours présents." in text


def test_pdf_of_a_sector_without_diagnostic_says_so(bilan_of):
    pages = _pages(bilan_pdf(bilan_of("sarrebourg"), generated_on=GENERATED))
    text = _flat(pages)
    assert len(pages) == 2
    assert f"{NO_DIAGNOSTIC_TITLE} : pas de cycle, donc pas de bilan." in pages[0].replace("\n", " ")
    assert "aucun diagnostic de sécurité n’est enregistré pour ce secteur au 30/06/2026" in text.lower()
    assert "1 problème signalé à ce jour n’appartient à aucun cycle." in text
    assert not any(title in text for title in SECTION_TITLES)
    assert "page 2/2" in pages[1]


def test_pdf_repeats_the_header_of_a_long_table_on_every_page(reference):
    many = cycle_frames.problems([
        {"sector_id": "marly", "problem_id": f"N-{i:03d}", "reported_on": dt.date(2026, 3, 2) + dt.timedelta(days=i),
         "status": "open", "category": "Stationnement gênant",
         "description": f"Véhicules sur le trottoir, rue n° {i} " + "texte " * 20} for i in range(90)])
    frames = {**FRAMES, "problems": pd.concat([FRAMES["problems"], many], ignore_index=True)}
    pages = _pages(bilan_pdf(build_bilan(reference.sectors["marly"], frames, AS_OF, reference), generated_on=GENERATED))
    start = next(i for i, p in enumerate(pages) if i and SECTION_TITLES[4] in p)  # the cover lists the titles too
    end = next(i for i, p in enumerate(pages) if "N-089" in p)  # the table's last row
    table_pages = pages[start:end + 1]
    assert len(table_pages) >= 3
    for page in table_pages:
        assert "Réf\nSignalé le\nCatégorie / description" in page
    assert "92 problèmes signalés entre le 02/03/2026 et le 30/06/2026" in _flat(table_pages)
    assert [n for n in range(90) if f"N-{n:03d}" not in _flat(table_pages)] == []  # every row printed


def test_pdf_survives_texts_longer_than_a_page(reference):
    """A huge summary runs over pages; a huge action or partner name is cut in its cell, whole in the annex."""
    diagnostics = cycle_frames.diagnostics([{"sector_id": "marly", "diagnosed_on": "2026-03-02", "title": "T" * 900,
                                             "priority_problem_ids": "P-05", "summary": "Constat détaillé. " * 900}])
    actions = cycle_frames.actions([
        {"sector_id": "marly", "action_id": f"B-{i}", "problem_id": "P-05", "partner": "Partenaire " * (120 if i else 1),
         "partner_type": "mairie", "description": ("x" * 3000) if i == 1 else "Action courte", "due_on": "2026-04-01",
         "status": "todo"} for i in range(3)])
    frames = {**FRAMES, "diagnostics": diagnostics, "actions": actions}
    pages = _pages(bilan_pdf(build_bilan(reference.sectors["marly"], frames, AS_OF, reference), generated_on=GENERATED))
    text = _flat(pages)
    assert "Annexe : textes complets" in text and "(texte complet en annexe, n° 1)" in text
    assert text.count("Constat détaillé.") == 900  # the whole summary, over several pages
    assert all(f"page {n}/{len(pages)}" in page for n, page in enumerate(pages, 1))
