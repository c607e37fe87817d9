"""What the app writes and shows never runs as a formula and never hides its text order.

A tracker whose cells were typed to attack the readers of our exports: formula-like
text (OWASP "CSV injection": = + - @ tab CR) and a right-to-left override (U+202E)
that makes « txt.exe » read « exe.txt ». Each output is read back the way its
reader would: CSV with the csv module, .xlsx with openpyxl, PDF with pypdf,
slides as their HTML, tables through the app (AppTest).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from domain.meeting_agenda import build_agenda
from domain.reference import default_reference
from domain.safe_text import FORMULA_STARTS, INVISIBLE_CHARACTERS, csv_cell, visible_text
from loaders import load
from exports.xlsx import tables_to_xlsx
from loaders.tracker_export import filled_tracker_bytes
from tracker_builder import AS_OF, base_tracker, write_xlsx

FORMULAS = ['=HYPERLINK("http://evil.example","Cliquez")', "+1+1", "@SUM(A1:A2)", "-2+3", "\t=1+1", "=cmd|' /C calc'!A0"]
RLO = "\u202e"
SPOOFED = f"rue {RLO}txt.exe"  # shows as « rue exe.txt » in a browser, a PDF viewer or a spreadsheet
VISIBLE = "rue txt.exe"


@pytest.fixture(scope="module")
def hostile_tracker(tmp_path_factory) -> Path:
    """Stiring's tracker with formula-like descriptions and partners and a spoofed location, saved as Excel does."""
    tracker = base_tracker(seed=11)
    problems, actions = tracker.rows["problems"], tracker.rows["actions"]
    for row, payload in zip(problems, FORMULAS):
        row["Description"] = payload
    for row, payload in zip(actions, FORMULAS):
        row["Partenaire responsable"] = payload
    problems[6].update({"Lieu": SPOOFED, "Statut": "Ouvert", "Date de résolution": None,
                        "Description": f"Signalé par {RLO}fdp.exe\u200b"})
    actions[6].update({"Statut": "En cours", "Date de réalisation": None})
    path = tmp_path_factory.mktemp("hostile") / "suivi_stiring_hostile.xlsx"
    book = write_xlsx(path, tracker)
    for sheet in book.worksheets:  # typed text that starts like a formula is a text cell in the saved file
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    book.save(path)
    return path


@pytest.fixture(scope="module")
def loaded(hostile_tracker):
    result = load(hostile_tracker, sector="stiring", as_of=AS_OF)[0]
    assert result.ok, result.issues
    return result


def _cells(text: str, delimiter: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def test_csv_cell_neutralises_every_formula_start():
    for payload in FORMULAS + ["\r=1+1", "\u200b=1+1", f"{RLO}=1+1"]:
        cell = csv_cell(payload)
        assert cell.startswith("'") and not cell.startswith(FORMULA_STARTS), payload
        assert cell[1:] == visible_text(payload)
    assert csv_cell("Gêne signalée") == "Gêne signalée"
    assert csv_cell(12) == 12


def test_normalize_csv_neutralises_formula_like_cells(hostile_tracker, loaded, tmp_path, loaders_cli):
    out = loaders_cli("normalize", hostile_tracker, "--secteur", "stiring", "--date", AS_OF.isoformat(), "--out", tmp_path)
    assert out.returncode == 0, out.stderr
    for key in ("meetings", "problems", "actions"):
        cells = _cells((tmp_path / f"{key}.csv").read_text(encoding="utf-8"), ",")
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)], key
        assert not [c for c in cells if set(c) & INVISIBLE_CHARACTERS], key
    problems = list(csv.DictReader((tmp_path / "problems.csv").open(encoding="utf-8")))
    actions = list(csv.DictReader((tmp_path / "actions.csv").open(encoding="utf-8")))
    typed = loaded.frames["problems"]["description"].tolist()
    assert [p["description"] for p in problems[:len(FORMULAS)]] == ["'" + t for t in typed[:len(FORMULAS)]]
    assert problems[0]["description"] == """'=HYPERLINK("http://evil.example","Cliquez")"""
    assert {a["partner"] for a in actions} >= {"'+1+1", "'@SUM(A1:A2)", "'-2+3"}
    assert next(p["location"] for p in problems if p["problem_id"] == "P-07") == VISIBLE


def test_journal_csv_neutralises_formula_like_logins(tmp_path):
    from store.audit import audit_csv, read_audit, record
    from store.database import open_store

    engine = open_store(f"sqlite:///{tmp_path / 'journal.sqlite'}")
    for payload in FORMULAS + [f"{RLO}nimda"]:
        record(engine, payload, "login_failed", f"Identifiant inconnu : {payload}")
    cells = _cells(audit_csv(read_audit(engine)).decode("utf-8-sig"), ";")
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert not [c for c in cells if set(c) & INVISIBLE_CHARACTERS]
    for payload in FORMULAS:
        assert "'" + payload in cells
    assert "nimda" in cells


def test_xlsx_exports_drop_invisible_characters_and_keep_formulas_as_text(loaded):
    reference = default_reference()
    tracker = openpyxl.load_workbook(io.BytesIO(filled_tracker_bytes(loaded.frames, sector=reference.sectors["stiring"],
                                                                     reference=reference)))
    report = openpyxl.load_workbook(io.BytesIO(tables_to_xlsx({"Problèmes": loaded.frames["problems"]})))
    for book in (tracker, report):
        texts = [c for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)]
        assert VISIBLE in [c.value for c in texts]
        assert not [c.value for c in texts if set(c.value) & INVISIBLE_CHARACTERS]
        assert not [c.coordinate for c in texts if c.data_type == "f"]
        tabbed = [c for c in texts if c.value.startswith(FORMULA_STARTS)]
        assert tabbed and all(c.quotePrefix for c in tabbed)


def test_slides_and_pdf_show_the_text_in_its_real_order(loaded):
    from briefing.slides import agenda_slides, slide_html
    from meeting_pack.pdf import meeting_pack_pdf

    reference = default_reference()
    agenda = build_agenda(reference.sectors["stiring"], loaded.frames, AS_OF, reference)
    html = "".join(slide_html(slide) for slide in agenda_slides(agenda))
    assert VISIBLE in html and RLO not in html
    assert not set(html) & INVISIBLE_CHARACTERS
    pdf = meeting_pack_pdf(agenda, generated_on=dt.date(2026, 11, 24))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert VISIBLE in text and "fdp.exe" in text
    assert not set(text) & INVISIBLE_CHARACTERS


def test_app_tables_show_the_text_in_its_real_order(app, hostile_tracker):
    """Imported through the store, then read on Fiche secteur and in the import history."""
    from store.database import open_store
    from store.imports import Uploader, commit_import, plan_import

    engine = open_store(__import__("os").environ["GPO_DATABASE_URL"])
    data = hostile_tracker.read_bytes()
    result = load(data, filename=f"{RLO}xslx.suivi_stiring.exe", sector="stiring", as_of=AS_OF)[0]
    plan = plan_import(engine, result, data, Uploader(f"Cne {RLO}reyeM"))
    commit_import(engine, plan, data, Uploader(f"Cne {RLO}reyeM"), accept_vanished=True, as_of=AS_OF)
    app.query_params.update({"csp": "forbach", "secteur": "stiring"})
    app.run()
    app.switch_page("pages/fiche_secteur.py").run()
    assert not app.exception
    problems = next(df.value for df in app.dataframe if "Lieu" in df.value.columns)
    assert VISIBLE in problems["Lieu"].tolist()
    app.switch_page("pages/import_history.py").run()
    history = next(df.value for df in app.dataframe if "Fichier" in df.value.columns)
    assert history.iloc[0][["Fichier", "Importé par"]].tolist() == ["xslx.suivi_stiring.exe", "Cne reyeM"]
    shown = [df.value for df in app.dataframe]
    for frame in shown:
        cells = [v for column in frame.columns for v in frame[column].tolist() if isinstance(v, str)]
        assert not [v for v in cells if set(v) & INVISIBLE_CHARACTERS]
