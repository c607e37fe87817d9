"""The blank template a person fills, and the filled tracker export (round trip with the loader)."""

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from conftest import AS_OF, FIXTURES, assert_rows_accounted, issue_tuples
from domain.reference import default_reference
from domain.tracker_schema import SHEETS
from loaders import load
from loaders.template_writer import write_template
from loaders.tracker_export import write_filled_tracker


@pytest.fixture(scope="module")
def forbach_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("modele") / "modele_forbach.xlsx"
    write_template(path, sector=default_reference().sectors["forbach"])
    return path


def test_template_layout_a_person_is_glad_to_fill(forbach_template):
    book = openpyxl.load_workbook(forbach_template)
    assert book.sheetnames == ["Mode d'emploi", "Secteur", "Réunions", "Problèmes", "Actions", "Diagnostic",
                               "Partenaires", "Listes"]
    assert book["Listes"].sheet_state == "hidden"
    guide = "\n".join(str(c.value) for row in book["Mode d'emploi"].iter_rows() for c in row if c.value)
    assert "JJ/MM/AAAA" in guide and "Échéance" in guide
    for key, sheet_name in (("meetings", "Réunions"), ("problems", "Problèmes"), ("actions", "Actions")):
        sheet = book[sheet_name]
        assert [c.value for c in sheet[1]] == [c.label for c in SHEETS[key].columns]
        assert sheet.freeze_panes == "A2"
        assert all(sheet.column_dimensions[col].width >= 8 for col in "ABC")
        rules = sheet.data_validations.dataValidation
        lists = [r for r in rules if r.type == "list"]
        assert lists and all(r.formula1.lstrip("=").startswith("Listes!") for r in lists)  # no inline lists
        assert any(r.type == "date" for r in rules)
    statuses = next(r for r in book["Problèmes"].data_validations.dataValidation
                    if "I2" in str(r.sqref))  # Statut column
    ref = statuses.formula1.lstrip("=").split("!")[1].replace("$", "")
    listed = [c.value for row in book["Listes"][ref] for c in row]
    assert listed == ["Ouvert", "En cours", "Résolu", "Abandonné"]
    assert book["Secteur"]["B1"].value == "Forbach – Bellevue-Wiesberg"
    assert book["Secteur"]["B2"].value == "Forbach"


def test_blank_template_validates_with_no_error(forbach_template, tmp_path):
    result = load(forbach_template, as_of=AS_OF)[0]
    assert result.ok and result.sector_id == "forbach"
    assert issue_tuples(result) == []
    assert all(c.rows_read == 0 for c in result.counts.values())
    anonymous = tmp_path / "modele.xlsx"
    write_template(anonymous)
    result = load(anonymous, as_of=AS_OF)[0]
    assert result.ok
    assert issue_tuples(result) == [(None, None, None, "sector_not_given")]


def test_export_then_reimport_gives_identical_frames(tmp_path):
    original = load(FIXTURES / "row-errors.xlsx", sector="stiring", as_of=AS_OF)[0]
    path = write_filled_tracker(tmp_path / "export.xlsx", original.frames, sector=default_reference().sectors["stiring"])
    again = load(path, as_of=AS_OF)[0]
    assert again.sector_id == "stiring"
    assert_rows_accounted(again)
    for key in SHEETS:
        before = original.frames[key].drop(columns=["source_file", "source_row"])
        after = again.frames[key].drop(columns=["source_file", "source_row"])
        pd.testing.assert_frame_equal(before.reset_index(drop=True), after.reset_index(drop=True), check_dtype=False)


def test_export_neutralises_formula_like_text(tmp_path):
    frames = load(FIXTURES / "title-lines.xlsx", sector="stiring", as_of=AS_OF)[0].frames
    frames["problems"].loc[0, "description"] = "=HYPERLINK(\"http://example.invalid\",\"clic\")"
    frames["problems"].loc[1, "location"] = "+33 6 00 00 00 00"
    frames["actions"].loc[0, "comment"] = "@SOMME(A1:A2)"
    path = write_filled_tracker(tmp_path / "export.xlsx", frames, sector=default_reference().sectors["stiring"])
    book = openpyxl.load_workbook(path)
    cells = [c for row in book.worksheets for line in row.iter_rows() for c in line]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    reread = load(path, as_of=AS_OF)[0].frames
    assert reread["problems"].loc[0, "description"].startswith("=HYPERLINK")
    assert reread["actions"].loc[0, "comment"] == "@SOMME(A1:A2)"


def test_report_and_table_downloads_neutralise_formulas():
    import io

    from exports.xlsx import tables_to_xlsx

    table = pd.DataFrame({"Valeur trouvée": ["=1+1", "+33 6", "-2", "@SOMME(A1)", "texte"], "Ligne": [1, 2, 3, 4, 5]})
    book = openpyxl.load_workbook(io.BytesIO(tables_to_xlsx({"Rapport": table})))
    cells = [c for row in book["Rapport"].iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert [c.value for c in cells if c.column == 1] == ["=1+1", "+33 6", "-2", "@SOMME(A1)", "texte"]
