"""One test per quirk of tracker-format.md, on the fixture file named after it."""

import datetime as dt

import pandas as pd
import pytest

from conftest import AS_OF, FIXTURES, assert_rows_accounted, issue_tuples
from loaders import load

CLEAN = ["title-lines.xlsx", "header-synonyms.xlsx", "extra-columns.xlsx", "blank-rows.xlsx", "totals-line.xlsx",
         "hidden-rows.xlsx", "merged-cells.xlsx", "serial-dates.xlsx", "status-synonyms.xlsx", "formulas-cached.xlsx",
         "secteur-sheet.xlsx", "loose-sheet-names.xlsx", "opendocument.ods", "old-excel.xls", "macro-enabled.xlsm"]


def load_one(name, **kwargs):
    results = load(FIXTURES / name, as_of=AS_OF, **kwargs)
    assert len(results) == 1
    assert_rows_accounted(results[0])
    return results[0]


@pytest.mark.parametrize("name", CLEAN)
def test_quirky_but_valid_files_load_every_row(name):
    result = load_one(name, sector="stiring" if name != "secteur-sheet.xlsx" else None)
    assert result.ok, issue_tuples(result, "error")
    assert result.sector_id == "stiring"
    assert {k: c.rows_accepted for k, c in result.counts.items()} == {"meetings": 9, "problems": 8, "actions": 8}
    problems = result.frames["problems"]
    assert problems["problem_id"].tolist() == [f"P-{n:02d}" for n in range(1, 9)]
    assert set(problems["status"]) <= {"open", "in_progress", "resolved", "dropped"}
    assert problems["reported_on"].notna().all()


def test_title_lines_keep_excel_line_numbers():
    result = load_one("title-lines.xlsx", sector="stiring")
    # three title lines, the header on line 4, first problem on line 5
    assert result.frames["problems"]["source_row"].tolist() == list(range(5, 13))
    assert (result.frames["problems"]["source_file"] == "title-lines.xlsx").all()


def test_header_synonyms_map_to_canonical_fields():
    result = load_one("header-synonyms.xlsx", sector="stiring")
    actions = result.frames["actions"]
    assert actions["due_on"].notna().all()
    assert actions["partner"].str.len().gt(0).all()
    assert result.frames["meetings"]["attendees"].iloc[:8].notna().all()  # the 9th is planned
    assert not [i for i in result.issues if i.code == "extra_column"]


def test_extra_columns_reported_once_as_information():
    result = load_one("extra-columns.xlsx", sector="stiring")
    assert issue_tuples(result) == [("problems", None, None, "extra_column"), ("actions", None, None, "extra_column")]
    assert [i.value for i in result.issues] == ["Suivi élu", "Coût (€)"]


def test_blank_rows_are_not_counted():
    result = load_one("blank-rows.xlsx", sector="stiring")
    assert result.counts["problems"].rows_read == 8
    # blank lines after every third row shift the Excel lines
    assert result.frames["problems"]["source_row"].tolist() == [2, 3, 4, 6, 7, 8, 10, 11]


def test_totals_line_is_set_aside_and_said():
    result = load_one("totals-line.xlsx", sector="stiring")
    assert issue_tuples(result) == [("problems", 11, None, "footer_line"), ("problems", 12, None, "footer_line")]
    assert result.counts["problems"].rows_read == 10
    assert result.counts["problems"].rows_rejected == 2
    assert result.ok


def test_merged_commune_applies_to_every_merged_line():
    result = load_one("merged-cells.xlsx", sector="stiring")
    problems = result.frames["problems"].set_index("source_row")
    assert problems.loc[[2, 3, 4], "commune_name"].tolist() == ["Spicheren"] * 3
    assert problems.loc[[2, 3, 4], "commune_insee"].tolist() == ["57659"] * 3
    assert problems.loc[[5, 6], "category"].tolist() == ["Dépôts sauvages"] * 2


@pytest.mark.parametrize("name", ["merged-communes.ods", "merged-communes.xls"])
def test_commune_merged_over_four_problems_in_a_libreoffice_file_keeps_every_problem_and_action(name):
    """The Forbach sample with its communes merged by fours, saved by LibreOffice (before: 4 of 16 problems
    and 6 of 25 actions kept from the .ods, the merged ranges being ignored)."""
    result = load_one(name)
    assert result.ok, issue_tuples(result, "error")
    assert result.sector_id == "forbach"  # from the Secteur sheet
    assert {k: (c.rows_read, c.rows_accepted) for k, c in result.counts.items()} == {
        "meetings": (28, 28), "problems": (16, 16), "actions": (25, 25)}
    problems = result.frames["problems"].set_index("source_row")
    assert problems.loc[[2, 3, 4, 5], "commune_name"].tolist() == ["Forbach"] * 4  # one merged cell, C2:C5
    assert (problems["commune_insee"] == "57227").all()


def test_libreoffice_fixtures_hold_merges_as_libreoffice_writes_them():
    """Guards the fixtures: spans on the first cell and covered cells under it (.ods), merge records (.xls)."""
    import zipfile

    from python_calamine import CalamineWorkbook

    content = zipfile.ZipFile(FIXTURES / "merged-communes.ods").read("content.xml")
    assert content.count(b'table:number-rows-spanned="4"') == 4
    assert content.count(b"<table:covered-table-cell") >= 12
    assert b"calcext:value-type" in content  # written by LibreOffice, not by a Python library
    with CalamineWorkbook.from_path(FIXTURES / "merged-communes.xls") as book:
        assert ((1, 2), (4, 2)) in book.get_sheet_by_name("Problèmes").merged_cell_ranges


def test_text_dates_in_every_form_day_first():
    result = load_one("text-dates.xlsx", sector="stiring")
    expected = [dt.date(2026, 3, 12)] * 5 + [dt.date(2026, 4, 3), dt.date(2026, 4, 1)]
    assert [d.date() for d in result.frames["problems"]["reported_on"]] == expected
    assert issue_tuples(result, "error") == [("problems", 9, "Date de signalement", "invalid_date"),
                                             ("actions", 9, "Réf problème", "problem_rejected")]
    bad = next(i for i in result.issues if i.code == "invalid_date")
    assert bad.message == ("Ligne 9, colonne « Date de signalement » : « 31/02/2026 » n'est pas une date valide "
                           "(attendu : JJ/MM/AAAA).")


def test_serial_numbers_in_general_cells_are_dates():
    serial = load_one("serial-dates.xlsx", sector="stiring").frames["problems"]
    real = load_one("title-lines.xlsx", sector="stiring").frames["problems"]
    pd.testing.assert_series_equal(serial["reported_on"], real["reported_on"])
    pd.testing.assert_series_equal(serial["resolved_on"], real["resolved_on"])


def test_status_and_presence_synonyms():
    result = load_one("status-synonyms.xlsx", sector="stiring")
    assert result.frames["problems"]["status"].tolist() == [
        "in_progress", "resolved", "resolved", "resolved", "dropped", "open", "in_progress", "resolved"]
    assert result.frames["actions"]["status"].tolist() == [
        "done", "done", "todo", "todo", "todo", "in_progress", "done", "dropped"]
    mayor = result.frames["meetings"]["mayor_present"].tolist()
    assert mayor[:8] == [True, pd.NA, True, False, True, False, True, False]
    assert (result.frames["meetings"]["status"].iloc[:8] == "held").all()


def test_commune_spellings_matched_to_insee():
    result = load_one("commune-spellings.xlsx", sector="stiring")
    problems = result.frames["problems"]
    assert problems["commune_insee"].tolist()[:6] == ["57660", "57660", "57638", "57638", "57659", "57606"]
    assert problems["commune_name"].tolist()[5] == "Saint-Avold"
    assert pd.isna(problems["commune_insee"].iloc[6])
    assert problems["commune_name"].iloc[6] == "Trifouillis-les-Oies"
    assert issue_tuples(result) == [("problems", 7, "Commune", "commune_outside_sector"),
                                    ("problems", 8, "Commune", "unknown_commune")]


def test_formula_cached_value_is_used():
    problems = load_one("formulas-cached.xlsx", sector="stiring").frames["problems"]
    assert problems["problem_id"].iloc[0] == "P-01"
    assert problems["location"].iloc[0] == "RUE DE LA GARE"


def test_formula_without_cached_value_is_an_error_on_that_cell():
    result = load_one("formula-without-cached-value.xlsx", sector="stiring")
    formula = next(i for i in result.issues if i.code == "formula_without_value")
    assert (formula.row, formula.column, formula.value) == (3, "Catégorie", '=IF(1=1,"Nuisances sonores","Autre")')
    assert "n'a pas de valeur calculée" in formula.message
    assert not [i for i in result.issues if i.code == "missing_value"]


def test_multi_sector_workbook_is_split():
    results = load(FIXTURES / "multi-sector.xlsx", as_of=AS_OF)
    assert [r.sector_id for r in results] == ["stiring", "freyming-merlebach", None]
    for r in results:
        assert_rows_accounted(r)
    stiring, freyming, unknown = results
    assert (stiring.frames["problems"]["sector_id"] == "stiring").all()
    assert (freyming.frames["meetings"]["sector_id"] == "freyming-merlebach").all()
    assert freyming.ok
    assert issue_tuples(unknown) == [("problems", 4, "Secteur", "row_sector_unknown")]
    # the action of the problem whose sector is unknown cannot find it in its own sector
    assert issue_tuples(stiring, "error") == [("actions", 4, "Réf problème", "unknown_problem")]
    total = sum(r.counts["problems"].rows_read for r in results)
    assert total == 8


def test_sector_option_wins_and_conflicting_lines_are_rejected():
    result = load(FIXTURES / "multi-sector.xlsx", as_of=AS_OF, sector="STIRING WENDEL")
    assert len(result) == 1
    codes = {code for *_, code in issue_tuples(result[0], "error")}
    assert codes == {"sector_mismatch", "row_sector_unknown", "unknown_problem"}
    assert_rows_accounted(result[0])


def test_sector_from_secteur_sheet_and_its_checks():
    result = load_one("secteur-sheet.xlsx")
    assert result.sector_id == "stiring"
    assert result.sector_sheet["animateur"] == "Capitaine Céline Meyer"


@pytest.mark.parametrize("spelling", ["FREYMING MERLEBACH", "Freming-Merlebach", "freyming-merlebach"])
def test_sector_names_matched_ignoring_case_accents_hyphens(spelling):
    result = load(FIXTURES / "title-lines.xlsx", as_of=AS_OF, sector=spelling)[0]
    assert result.sector_id == "freyming-merlebach"


def test_sector_from_file_name(tmp_path):
    target = tmp_path / "Suivi GPO Stiring-Wendel novembre.xlsx"
    target.write_bytes((FIXTURES / "title-lines.xlsx").read_bytes())
    assert load(target, as_of=AS_OF)[0].sector_id == "stiring"


def test_no_sector_anywhere_is_a_file_error():
    result = load_one("title-lines.xlsx")
    assert issue_tuples(result) == [(None, None, None, "sector_not_found")]
    assert result.frames["problems"].empty


def test_row_errors_and_warnings_with_line_column_code():
    result = load_one("row-errors.xlsx", sector="stiring")
    assert issue_tuples(result) == [
        ("meetings", 10, "Date", "held_in_future"),
        ("problems", 2, "Catégorie", "missing_value"),
        ("problems", 3, "Statut", "invalid_value"),
        ("problems", 4, "Date de signalement", "invalid_date"),
        ("problems", 5, "Réf", "duplicate_ref"),
        ("problems", 6, "Date de résolution", "resolved_before_reported"),
        ("problems", 7, "Date de résolution", "resolved_without_date"),
        ("problems", 8, "Commune", "unknown_commune"),
        ("problems", 9, "Échéance", "due_before_reported"),
        ("actions", 2, "Réf problème", "unknown_problem"),
        ("actions", 3, "Réf problème", "problem_rejected"),
        ("actions", 3, "Échéance", "date_far_future"),
        ("actions", 4, "Réf problème", "problem_rejected"),
        ("actions", 5, "Réf problème", "unknown_problem"),  # P-04 was retyped P-03 on line 5
        ("actions", 6, "Réf problème", "problem_rejected"),
    ]
    assert result.counts["problems"].rows_accepted == 3  # lines 7, 8, 9: warned but kept
    assert result.rejected["problems"]["source_row"].tolist() == [2, 3, 4, 5, 6]
    assert result.rejected["problems"].loc[1, "Statut"] == "Peut-être"


@pytest.mark.parametrize("name,sheet,rows", [
    ("problemes-semicolon-cp1252.csv", "problems", 8),
    ("actions-comma-utf8.csv", "actions", 8),
    ("suivi-reunions.csv", "meetings", 9),
])
def test_csv_sheets_told_by_headers(name, sheet, rows):
    result = load_one(name, sector="stiring")
    assert result.ok
    assert list(result.counts) == [sheet]
    assert result.counts[sheet].rows_accepted == rows


def test_csv_windows_1252_accents_survive():
    problems = load_one("problemes-semicolon-cp1252.csv", sector="stiring").frames["problems"]
    assert "Gêne signalée par les riverains" in problems["description"].tolist()
    assert set(problems["commune_name"]) <= {"Stiring-Wendel", "Schœneck", "Spicheren"}


def test_same_file_twice_same_result():
    first = load_one("row-errors.xlsx", sector="stiring")
    second = load_one("row-errors.xlsx", sector="stiring")
    assert first.as_json() == second.as_json()
    for key in first.frames:
        pd.testing.assert_frame_equal(first.frames[key], second.frames[key])
