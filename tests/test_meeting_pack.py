"""The meeting pack PDF: read back with pypdf, its pages must say what the agenda says."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pytest
from pypdf import PdfReader

from domain.formatting import fr_date, fr_int, rate_with_counts
from domain.meeting_agenda import build_agenda
from domain.reference import default_reference
from meeting_pack.pdf import SECTION_TITLES, meeting_pack_pdf
from store.database import open_store
from store.demo_seed import seed_demo
from store.queries import current_frames

AS_OF = dt.date(2026, 11, 25)
GENERATED = dt.date(2026, 11, 24)


def _norm(text: str) -> str:
    """pypdf text with no-break spaces made plain and runs of spaces collapsed (line breaks kept)."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())


def _pages(pdf: bytes) -> list[str]:
    return [_norm(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def reference():
    return default_reference()


@pytest.fixture(scope="module")
def frames(tmp_path_factory, reference):
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('pack') / 'demo.sqlite'}")
    seed_demo(engine, reference)
    return current_frames(engine)


@pytest.fixture(scope="module")
def agenda_of(frames, reference):
    return lambda sector_id, data=None: build_agenda(reference.sectors[sector_id], data if data is not None else frames,
                                                     AS_OF, reference)


@pytest.fixture(scope="module")
def most_overdue(frames, reference, agenda_of):
    """The demo sector with the most overdue actions (ties: the first in reference order)."""
    return max(reference.sectors, key=lambda sid: agenda_of(sid).overdue_count)


def _section_pages(pages: list[str], number: int) -> str:
    """The text of the pages of section `number` (1..5): from its title's page up to the next section's.

    The cover lists the titles too (« Ordre du jour »): sections are looked for after it."""
    starts = [next(i for i, text in enumerate(pages) if i > 0 and text.startswith(title)) for title in SECTION_TITLES]
    end = starts[number] if number < len(starts) else len(pages)
    return "\n".join(pages[starts[number - 1]:end])


def test_forbach_pack_has_the_sections_in_the_meeting_order(agenda_of):
    agenda = agenda_of("forbach")
    pages = _pages(meeting_pack_pdf(agenda, generated_on=GENERATED))
    assert len(pages) >= 5
    text = "\n".join(pages)
    positions = [text.index(title) for title in SECTION_TITLES]
    assert positions == sorted(positions)
    assert text.index("Groupe de partenariat opérationnel") < positions[0]  # the cover comes first
    assert f"{SECTION_TITLES[0]} ({fr_date(agenda.since)})" in text
    assert "Forbach – Bellevue-Wiesberg" in pages[0]
    assert "Réunion du 25/11/2026" in pages[0]
    assert "CSP de Forbach" in pages[0]
    for number, page in enumerate(pages, 1):
        assert f"GPO de Forbach – Bellevue-Wiesberg — réunion du 25/11/2026 — page {number}/{len(pages)}" in page
        assert "document généré le 24/11/2026, hors connexion" in page


def test_cover_figures_are_the_agenda_counts(agenda_of, most_overdue):
    for sector_id in ("forbach", most_overdue, "freyming-merlebach"):
        agenda = agenda_of(sector_id)
        cover = _pages(meeting_pack_pdf(agenda, generated_on=GENERATED))[0]

        def figure(label: str) -> str:
            match = re.search(r"([^\n]+)\n" + re.escape(label) + r"(\n|$| :)", cover)
            assert match, (sector_id, label, cover)
            return match.group(1)

        cadence = agenda.cadence
        assert figure("Problèmes ouverts") == fr_int(len(agenda.open_by_priority))
        assert figure("Actions en retard") == fr_int(agenda.overdue_count)
        assert figure("Actions à réaliser avant la prochaine réunion") == fr_int(len(agenda.due_before_next))
        assert figure("Respect de la cadence (6 derniers mois)") == _norm(rate_with_counts(cadence.periods_met, cadence.periods))
        assert figure("Dernière réunion tenue") == fr_date(cadence.last_held)
        assert figure("Prochaine réunion") == fr_date(agenda.next_meeting)


def test_every_overdue_action_is_listed_under_its_partner_with_its_delay(agenda_of, most_overdue):
    agenda = agenda_of(most_overdue)
    assert agenda.overdue_count >= 5  # the demo has a sector with many overdue actions
    overdue = _section_pages(_pages(meeting_pack_pdf(agenda, generated_on=GENERATED)), 2)
    assert f"{fr_int(agenda.overdue_count)} actions « À faire » ou « En cours »" in overdue
    # one block per partner, in the agenda's order; its heading counts its actions
    headings = []
    for partner, frame in agenda.overdue_by_partner:
        pattern = re.escape(partner) + r"( — [^\n]+)? — " + fr_int(len(frame)) + r" actions? en retard"
        match = re.search(pattern, overdue)
        assert match, partner
        headings.append(match.start())
    assert headings == sorted(headings)
    for (partner, frame), start, end in zip(agenda.overdue_by_partner, headings, headings[1:] + [len(overdue)]):
        block = overdue[start:end]
        for row in frame.itertuples():
            assert row.action_id in block, (partner, row.action_id)
            after = block[block.index(row.action_id):]
            assert re.search(rf"\b{row.days_overdue} j\b", after), (partner, row.action_id, row.days_overdue)
            assert fr_date(row.due_on) in after


def test_actions_due_before_the_next_meeting_are_listed(agenda_of, reference):
    sector_id = max(reference.sectors, key=lambda sid: len(agenda_of(sid).due_before_next))
    agenda = agenda_of(sector_id)
    assert len(agenda.due_before_next) > 0
    due = _section_pages(_pages(meeting_pack_pdf(agenda, generated_on=GENERATED)), 3)
    assert f"{SECTION_TITLES[2]} ({fr_date(agenda.next_meeting)})" in due
    for row in agenda.due_before_next.itertuples():
        assert row.action_id in due
        assert row.partner in due


def test_open_problems_show_their_actions(agenda_of, most_overdue):
    agenda = agenda_of(most_overdue)
    section = _section_pages(_pages(meeting_pack_pdf(agenda, generated_on=GENERATED)), 4)
    positions = []
    for problem in agenda.open_by_priority.itertuples():
        match = re.search(rf"\b{re.escape(problem.problem_id)}\n", section)
        assert match, problem.problem_id
        positions.append(match.start())
        for action in agenda.actions_of_problem[problem.problem_id].itertuples():
            assert action.action_id in section[match.start():]
    assert positions == sorted(positions)  # high priority first, as the agenda orders them


def test_cadence_page_says_who_of_the_socle_came(agenda_of):
    agenda = agenda_of("hombourg-haut")  # the mayor missed the last meeting
    cadence_page = _section_pages(_pages(meeting_pack_pdf(agenda, generated_on=GENERATED)), 5)
    assert "Tous les 15 jours" in cadence_page
    assert re.search(r"Mairie\s*\n?absent\b", cadence_page)
    assert re.search(r"Police nationale\s*\n?présent\b", cadence_page)
    assert _norm(rate_with_counts(agenda.cadence.socle_full, agenda.cadence.held_in_window)) in cadence_page


def test_a_gpo_not_constituted_still_gets_a_pack(agenda_of):
    agenda = agenda_of("behren")
    assert agenda.cadence.constitution.status == "not_yet"
    pages = _pages(meeting_pack_pdf(agenda, generated_on=GENERATED))
    assert len(pages) >= 5
    text = "\n".join(pages)
    assert "Aucune réunion tenue" in pages[0]
    assert "Aucune réunion tenue" in _section_pages(pages, 1)
    assert "Aucune réunion tenue" in _section_pages(pages, 5)
    assert "Pas encore constitué" in text
    assert "Aucune action en retard" in text
    assert "Aucun problème ouvert." in text
    assert "(date non fixée)" in text


def test_user_text_is_printed_literally_never_read_as_markup(frames, agenda_of):
    agenda = agenda_of("forbach")
    late_id = agenda.overdue_by_partner[0][1]["action_id"].iloc[0]
    edited = {key: frame.copy() for key, frame in frames.items()}
    actions = edited["actions"]
    row = (actions["sector_id"] == "forbach") & (actions["action_id"] == late_id)
    actions.loc[row, "description"] = "=SOMME(A1:A3) <b>gras</b> & <i>co</i> œuvre’s 🚓 10\u202f000"
    actions.loc[row, "comment"] = "<font color='red'>pas rouge</font>"
    actions.loc[row, "partner"] = "Bailleur <Moselis> & Cie"
    problems = edited["problems"]
    problems.loc[problems["sector_id"] == "forbach", "location"] = "<br/>rue des <Écoles>"
    text = "\n".join(_pages(meeting_pack_pdf(agenda_of("forbach", edited), generated_on=GENERATED)))
    assert "=SOMME(A1:A3) <b>gras</b> & <i>co</i> œuvre’s ? 10 000" in text
    assert "<font color='red'>pas rouge</font>" in text
    assert "Bailleur <Moselis> & Cie" in text
    assert "<br/>rue des <Écoles>" in text


def test_long_lists_split_across_pages_with_repeated_headers(frames, agenda_of):
    edited = {key: frame.copy() for key, frame in frames.items()}
    actions = edited["actions"]
    template = actions[actions["sector_id"] == "forbach"].iloc[0]
    extra = []
    for n in range(90):
        copy = template.copy()
        copy["action_id"] = f"X-{n:03d}"
        copy["partner"] = f"Partenaire {n % 3} — bailleur social du secteur avec un nom très long"
        copy["status"] = "todo"
        copy["due_on"] = pd.Timestamp(AS_OF) - pd.Timedelta(days=n + 1)
        copy["description"] = f"Action {n} " + "mot " * (20 + n % 60)
        extra.append(copy)
    extra[0]["description"] = "Un texte collé depuis un courriel. " * 200  # 7 000 characters in one cell
    extra[1]["comment"] = "ligne\n" * 400
    edited["actions"] = pd.concat([actions, pd.DataFrame(extra)], ignore_index=True)
    agenda = agenda_of("forbach", edited)
    pages = _pages(meeting_pack_pdf(agenda, generated_on=GENERATED))
    overdue_pages = _section_pages(pages, 2).split("document généré le")
    assert len(overdue_pages) >= 5  # 4 pages or more (each page ends with the footer)
    tables = [page for page in overdue_pages if "X-0" in page]
    assert all("Réf action" in page and "Jours de" in page for page in tables)  # the header repeats on each page
    text = "\n".join(overdue_pages)
    assert all(f"X-{n:03d}" in text for n in range(90))
    assert "(texte complet en annexe, n° 1)" in text  # a huge cell is cut, never pushed off the page
    annex = " ".join(pages[next(i for i, page in enumerate(pages) if page.startswith("Annexe : textes complets")):])
    assert annex.replace("\n", " ").count("Un texte collé depuis un courriel.") == 200  # the whole text, in the annex


def test_the_pack_is_deterministic_apart_from_its_date(agenda_of):
    agenda = agenda_of("forbach")
    first = meeting_pack_pdf(agenda, generated_on=GENERATED)
    assert first == meeting_pack_pdf(agenda, generated_on=GENERATED)
    later = meeting_pack_pdf(agenda, generated_on=dt.date(2026, 12, 1))
    assert "document généré le 01/12/2026, hors connexion" in _pages(later)[0]
    metadata = PdfReader(io.BytesIO(first)).metadata
    assert metadata.title == "Dossier de réunion — GPO de Forbach – Bellevue-Wiesberg — réunion du 25/11/2026"
    assert metadata.author == "Tableau de bord GPO Moselle"
    assert b"/Lang (fr-FR)" in first
