"""Hostile and broken files: one clear file-level error, fast, in bounded memory, no rows."""

import resource
import time
import zipfile
import io

import pytest

from conftest import AS_OF, FIXTURES, issue_tuples
from loaders import limits, load


@pytest.mark.parametrize("name,code", [
    ("empty.xlsx", "file_empty"),
    ("not-a-spreadsheet.xlsx", "not_a_spreadsheet"),
    ("entity-bomb.xlsx", "xml_entities"),
    ("zip-bomb.xlsx", "zip_bomb"),
])
def test_hostile_file_refused_with_one_file_error(name, code):
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results = load(FIXTURES / name, sector="stiring", as_of=AS_OF)
    elapsed = time.perf_counter() - started
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert [issue_tuples(r) for r in results] == [[(None, None, None, code)]]
    assert not results[0].ok
    assert all(frame.empty for frame in results[0].frames.values())
    assert elapsed < 1.0  # refused from the zip directory, before any parsing
    assert grown_kb < 100_000  # never inflates the 300 MB


def test_zip_bomb_message_says_sizes():
    issue = load(FIXTURES / "zip-bomb.xlsx", sector="stiring", as_of=AS_OF)[0].issues[0]
    assert issue.message.startswith("Une fois décompressé, ce fichier ferait 299,1 Mo")


def test_text_renamed_as_xlsx_is_read_for_what_it_is():
    result = load(FIXTURES / "text-renamed.xlsx", sector="stiring", as_of=AS_OF)[0]
    assert issue_tuples(result) == [(None, None, None, "extension_mismatch"), (None, None, None, "csv_sheet_unknown")]


@pytest.mark.parametrize("payload,expected", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image PNG"),
    (b"<!DOCTYPE html><html><body>Erreur 404</body></html>", "page web"),
    (b"\x00\x01\x02binaire" * 10, "fichier binaire"),
])
def test_not_a_spreadsheet_says_what_it_is(payload, expected):
    issue = load(payload, filename="suivi.xlsx", sector="stiring", as_of=AS_OF)[0].issues[0]
    assert issue.code == "not_a_spreadsheet"
    assert expected in issue.message


def test_word_document_is_not_a_tracker():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    issue = load(buffer.getvalue(), filename="compte-rendu.xlsx", sector="stiring", as_of=AS_OF)[0].issues[0]
    assert (issue.code, "document Word" in issue.message) == ("not_a_spreadsheet", True)


def test_file_too_big_is_refused_before_reading(tmp_path):
    huge = tmp_path / "enorme.csv"
    with huge.open("wb") as fh:
        fh.truncate(limits.MAX_FILE_BYTES + 1)  # sparse: costs no disk
    result = load(huge, sector="stiring", as_of=AS_OF)[0]
    assert issue_tuples(result) == [(None, None, None, "file_too_big")]


def test_more_rows_than_a_sane_tracker(tmp_path):
    lines = ["Réf;Date de signalement;Commune;Catégorie;Statut"]
    lines += [f"P-{n};12/03/2026;Spicheren;Vols;Ouvert" for n in range(limits.MAX_ROWS + limits.HEADER_SEARCH_ROWS + 1)]
    path = tmp_path / "problemes.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert path.stat().st_size < limits.MAX_FILE_BYTES
    result = load(path, sector="stiring", as_of=AS_OF)[0]
    assert issue_tuples(result) == [(None, None, None, "too_many_rows")]
    assert "100 000 lignes" in result.issues[0].message


def test_missing_file_is_reported_not_raised():
    result = load(FIXTURES / "absent.xlsx", sector="stiring", as_of=AS_OF)[0]
    assert issue_tuples(result) == [(None, None, None, "file_not_found")]


def test_missing_sheet_and_missing_column_are_file_errors(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Réunions"
    book["Réunions"].append(["Date", "Statut"])
    problems = book.create_sheet("Problèmes")
    problems.append(["Réf", "Date de signalement", "Commune", "Statut"])  # no Catégorie
    path = tmp_path / "incomplet.xlsx"
    book.save(path)
    result = load(path, sector="stiring", as_of=AS_OF)[0]
    assert issue_tuples(result) == [("actions", None, None, "missing_sheet"),
                                    ("problems", None, "Catégorie", "missing_column")]
    assert "en-têtes lus ligne 1" in result.issues[1].message
