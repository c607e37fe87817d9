"""Very long tracker text in the meeting pack, and a pack that fails: never a crashed page.

The outside review (F3) broke the pack with one 1000-character description and a
1000-character partner name: `LayoutError`, and since the PDF was built while the
page rendered, Mode réunion and Fiche secteur crashed for that sector, for everyone.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape

from domain.meeting_agenda import build_agenda
from domain.reference import default_reference
from loaders import load
from meeting_pack.pdf import ANNEX_TITLE, MARGIN_X, meeting_pack_pdf

AS_OF = dt.date(2026, 11, 25)
SAMPLE = "sample_data/suivi_gpo_forbach.xlsx"
DESCRIPTION = " ".join(f"Mot{n:03d}" for n in range(170))[:1000]  # 1000 characters of words
PARTNER = " ".join(f"Partenaire{n:03d}" for n in range(80))[:1000]
TOKEN = "X" * 1000  # one « word » of 1000 characters: no space to wrap at


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def long_agenda():
    """Forbach's demo data with an open problem described in 1000 characters, whose overdue action's partner has a
    1000-character name, and another overdue action whose partner is a single 1000-character word."""
    from pathlib import Path

    reference = default_reference()
    result = load(Path(__file__).resolve().parent.parent / SAMPLE, as_of=AS_OF)[0]
    frames = {key: frame.copy() for key, frame in result.frames.items()}
    problems, actions = frames["problems"], frames["actions"]
    opened = problems.index[problems["status"].isin(["open", "in_progress"])]
    first, second = problems.loc[opened[0], "problem_id"], problems.loc[opened[1], "problem_id"]
    problems.loc[opened[0], "description"] = DESCRIPTION
    for problem_id, partner in ((first, PARTNER), (second, TOKEN)):
        row = actions.index[actions["problem_id"] == problem_id][0]
        actions.loc[row, ["partner", "status", "due_on"]] = [partner, "todo", dt.datetime(2026, 10, 1)]
    agenda = build_agenda(reference.sectors["forbach"], frames, AS_OF, reference)
    return agenda, first


@pytest.fixture(scope="module")
def pdf(long_agenda):
    return meeting_pack_pdf(long_agenda[0], generated_on=dt.date(2026, 11, 24))


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text().replace("\u00a0", " ") for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_pack_builds_and_cuts_long_cells_with_a_pointer_to_the_annex(pdf):
    pages = _pages(pdf)
    start = next(i for i, page in enumerate(pages) if page.startswith(ANNEX_TITLE))
    tables, annex = "\n".join(pages[:start]), "\n".join(pages[start:])
    pointers = set(re.findall(r"texte complet en annexe, n° (\d+)\)", _words(tables)))
    assert pointers  # cut cells say where the rest is
    for number in pointers:
        assert re.search(rf"n° {number} — ", annex), number
    assert DESCRIPTION not in _words(tables)  # the description was cut in its cell…
    assert _words(DESCRIPTION) in _words(annex)  # …and is whole in the annex
    assert _words(PARTNER) in _words(annex)
    assert TOKEN in re.sub(r"\s", "", annex)  # the 1000-character word too (split across lines)


def test_the_annex_says_which_problem_a_text_belongs_to(pdf, long_agenda):
    _, problem_id = long_agenda
    annex = _words("\n".join(_pages(pdf)))
    assert re.search(rf"n° \d+ — Problème {re.escape(problem_id)}, description {re.escape(DESCRIPTION[:40])}", annex)


def test_no_text_runs_off_the_page(pdf):
    """Every piece of text drawn starts and ends inside the page margins: long text wraps, long words are split."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = landscape(A4)[0]
    overflow = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, 1):
        def visit(text, cm, tm, font, size):
            if not text.strip() or not font:
                return
            x = tm[4] * cm[0] + cm[4]
            name = str(font.get("/BaseFont", "")).split("+")[-1]
            face = "GPOVera-Bold" if "Bold" in name else "GPOVera-Italic" if "Oblique" in name or "Italic" in name else "GPOVera"
            drawn = stringWidth(text.rstrip("\n"), face, size * abs(tm[0]) * abs(cm[0] or 1))
            if x < MARGIN_X - 2 or x + drawn > width - MARGIN_X + 2:
                overflow.append((number, round(x), round(drawn), text[:40]))

        page.extract_text(visitor_text=visit)
    assert overflow == []


@pytest.mark.incident_expected
def test_a_failing_pack_is_a_french_message_not_a_crashed_page(app, monkeypatch, caplog):
    import meeting_pack.pdf

    def broken(*args, **kwargs):
        raise RuntimeError("mise en page impossible")

    monkeypatch.setattr(meeting_pack.pdf, "meeting_pack_pdf", broken)
    for page, key in (("pages/mode_reunion.py", "meeting_pack"), ("pages/fiche_secteur.py", "fiche_pack")):
        app.query_params.update({"csp": "forbach", "secteur": "forbach"})
        app.run()
        app.switch_page(page).run()
        assert not app.exception and not app.error
        with caplog.at_level(logging.ERROR, logger="gpo.incidents"):
            app.button(key=f"{key}_prepare").click().run()
        assert not app.exception, page
        message = app.error[0].value
        assert message.startswith("Le dossier de réunion n'a pas pu être préparé (incident "), message
        incident = re.search(r"incident n° (\d{4}-\d{2}-\d{2}-[0-9A-F]{4})", message.replace("\\", "")).group(1)
        assert any(incident in record.getMessage() and "Traceback" in record.getMessage() for record in caplog.records)
        assert not app.get("download_button")
        assert app.button(key=f"{key}_prepare")  # offered again: the user may retry


def test_the_pack_is_built_only_when_asked(app, monkeypatch):
    import meeting_pack.pdf

    calls = []
    real = meeting_pack.pdf.meeting_pack_pdf
    monkeypatch.setattr(meeting_pack.pdf, "meeting_pack_pdf", lambda *a, **k: calls.append(a) or real(*a, **k))
    app.query_params.update({"csp": "forbach", "secteur": "forbach"})
    app.run()
    app.switch_page("pages/fiche_secteur.py").run()
    assert not app.exception
    assert calls == [] and not app.get("download_button")
    app.button(key="fiche_pack_prepare").click().run()
    assert len(calls) == 1
    button = app.get("download_button")[0]
    assert "Télécharger le dossier de réunion (PDF)" in str(button.proto.label)
    assert "fiche_pack_prepare" not in [b.key for b in app.button]  # the download button took its place
