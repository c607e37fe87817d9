"""The cycle and the partner contacts in the tracker (issues 13 and 14): the Diagnostic and Partenaires sheets and
the Étape, Résultat and Chef de file columns of Problèmes, read from real files, checked rule by rule (Excel line and
column in each message), written in the template and the export, read back identically; a tracker made before them
loads exactly as before.

Fixtures (tests/fixtures/build_fixtures.py, build_libreoffice_fixtures.py): cycle-sheets.xlsx (written by openpyxl:
the sheets named « Diagnostic de sécurité » and « Annuaire », header synonyms, values typed freely, text dates) and
cycle-sheets.ods (the same saved by LibreOffice); cycle-row-errors.xlsx (one line per rule).
"""

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import AS_OF, FIXTURES, assert_rows_accounted, issue_tuples
from domain.reference import default_reference
from domain.tracker_schema import SHEET_ORDER, SHEETS
from loaders import load
from loaders.template_writer import write_template
from loaders.tracker_export import write_filled_tracker
from tracker_builder import base_tracker, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"


def load_one(name, sector="stiring", **options):
    results = load(FIXTURES / name if isinstance(name, str) else name, sector=sector, as_of=AS_OF, **options)
    assert len(results) == 1
    return results[0]


# --- real files with the cycle -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["cycle-sheets.xlsx", "cycle-sheets.ods"])
def test_diagnostic_and_partner_sheets_with_synonyms_and_text_dates_load(name):
    result = load_one(name)
    assert result.ok and issue_tuples(result) == []
    assert_rows_accounted(result)
    assert {k: c.rows_accepted for k, c in result.counts.items()} == {
        "meetings": 9, "problems": 8, "actions": 8, "diagnostics": 3, "partners": 3}
    diagnostics = result.frames["diagnostics"]
    assert diagnostics["diagnosed_on"].dt.date.tolist() == [dt.date(2025, 3, 12), dt.date(2026, 1, 15),
                                                           dt.date(2026, 6, 1)]  # « 12/03/2025 », a date, « 2026-06-01 »
    assert diagnostics["shared_on"].iloc[0] == pd.Timestamp("2025-04-03")  # « 3 avril 2025 »
    assert diagnostics["priority_problem_ids"].tolist()[:2] == ["P-01;P-03", "P-02;P-05;P-06"]  # p-03: its own spelling
    assert pd.isna(diagnostics["priority_problem_ids"].iloc[2])
    assert diagnostics["source_row"].tolist() == [3, 4, 5]  # a title line above the headers
    assert diagnostics["summary"].iloc[0] == "Rodéos et dépôts sauvages ; halls occupés le soir"
    partners = result.frames["partners"]
    assert partners[["organisation", "partner_type", "opted_out"]].values.tolist() == [
        ["Mairie de Stiring-Wendel", "mairie", False],
        ["Moselis", "bailleur", True],  # no type typed: told by its name; « X »: yes
        ["Forbus", "transporteur", False]]  # « Ne plus écrire » left empty: no
    assert partners["email"].tolist()[1] == "secteur.stiring@moselis.invalid"
    problems = result.frames["problems"].set_index("problem_id")
    assert problems["stage"].tolist() == ["assessment", "response", "assessment", "analysis", "assessment", "response",
                                          "scanning", "scanning"]  # « à l'étude »: Analyse
    assert problems.loc[["P-01", "P-03", "P-05"], "outcome"].tolist() == ["reduced", "eliminated", "no_effect"]
    assert problems["lead_partner"].dropna().to_dict() == {"P-02": "Forbus"}


def test_the_ods_is_libreoffices_with_its_dates_kept_as_text():
    """Guards the fixture: written by LibreOffice, sheets under their own names, the typed dates still text."""
    content = zipfile.ZipFile(FIXTURES / "cycle-sheets.ods").read("content.xml").decode("utf-8")
    assert "calcext:value-type" in content  # LibreOffice's, not a Python library's
    assert re.findall(r'table:table table:name="([^"]+)"', content) == [
        "Réunions", "Problèmes", "Actions", "Diagnostic de sécurité", "Annuaire"]
    assert re.search(r'office:value-type="string"[^>]*>\s*<text:p>12/03/2025</text:p>', content)


def test_every_rule_of_the_cycle_says_the_line_and_the_column():
    result = load_one("cycle-row-errors.xlsx")
    assert_rows_accounted(result)
    assert issue_tuples(result) == [
        ("problems", 2, "Résultat", "closed_without_outcome"),
        ("problems", 4, "Résultat", "invalid_value"),  # said once: no « without outcome » on top
        ("problems", 6, "Catégorie", "missing_value"),
        ("problems", 9, "Résultat", "outcome_but_open"),
        ("actions", 4, "Réf problème", "problem_rejected"),
        ("actions", 6, "Réf problème", "problem_rejected"),
        ("diagnostics", 2, "Problèmes prioritaires", "unknown_priority_problem"),
        ("diagnostics", 3, "Date du diagnostic", "duplicate_diagnostic"),
        ("diagnostics", 4, "Partagé le", "shared_before_diagnosed"),
        ("diagnostics", 4, "Problèmes prioritaires", "priority_problem_rejected"),
        ("diagnostics", 5, "Date du diagnostic", "invalid_date"),
        ("diagnostics", 6, "Date du diagnostic", "event_in_future"),
        ("diagnostics", 7, "Date du diagnostic", "missing_value"),
        ("partners", 3, "Courriel", "duplicate_partner"),
        ("partners", 4, "Courriel", "invalid_email"),
        ("partners", 5, "Courriel", "invalid_email"),
        ("partners", 6, "Ne plus écrire", "invalid_value"),
        ("partners", 7, "Courriel", "missing_value"),
    ]
    messages = {(i.sheet, i.row, i.code): i.message for i in result.issues}
    assert messages[("problems", 2, "closed_without_outcome")] == (
        "Ligne 2, colonne « Résultat » : problème « P-01 » marqué « Résolu » sans résultat ; indiquez ce que l'action "
        "du GPO a changé (« Éliminé », « Réduit », « Moins grave », « Mieux traité », « Confié à un autre acteur », "
        "« Sans effet », « Aggravé »).")
    assert messages[("problems", 4, "invalid_value")].startswith(
        "Ligne 4, colonne « Résultat » : « Formidable » n'est pas une valeur reconnue (attendu : « Éliminé », « Réduit »")
    assert messages[("problems", 9, "outcome_but_open")] == (
        "Ligne 9, colonne « Résultat » : un résultat (« Réduit ») est saisi mais le problème est « Ouvert » ; le "
        "résultat se note quand le problème est résolu ou abandonné.")
    assert messages[("diagnostics", 2, "unknown_priority_problem")] == (
        "Ligne 2, colonne « Problèmes prioritaires » : le problème « P-99 » n'existe pas dans la feuille « Problèmes » ; "
        "la ligne est gardée, vérifiez la référence.")
    assert messages[("diagnostics", 3, "duplicate_diagnostic")] == (
        "Ligne 3, colonne « Date du diagnostic » : un diagnostic du 01/02/2025 figure déjà ligne 2.")
    assert messages[("diagnostics", 4, "shared_before_diagnosed")] == (
        "Ligne 4, colonne « Partagé le » : le partage (15/05/2025) est antérieur au diagnostic (01/06/2025).")
    assert messages[("diagnostics", 4, "priority_problem_rejected")] == (
        "Ligne 4, colonne « Problèmes prioritaires » : le problème « P-05 » a été rejeté (ligne 6 de la feuille "
        "« Problèmes ») ; la ligne est gardée, corrigez ce problème.")
    assert messages[("partners", 3, "duplicate_partner")] == (
        "Ligne 3, colonne « Courriel » : l'adresse « Accueil@Mairie-de-Stiring-Wendel.example.org » figure déjà "
        "ligne 2 pour la même organisation.")
    assert messages[("partners", 5, "invalid_email")] == (
        "Ligne 5, colonne « Courriel » : « a@forbus.example.org; b@forbus.example.org » n'est pas une adresse "
        "électronique valide (attendu : une seule adresse par ligne, par exemple prenom.nom@mairie-exemple.fr).")
    # the warned lines are kept: the priority problems as named, each in the problem's own spelling
    diagnostics = result.frames["diagnostics"]
    assert diagnostics["source_row"].tolist() == [2, 4, 6]
    assert diagnostics["priority_problem_ids"].tolist()[:2] == ["P-01;P-99", "P-04;P-05"]
    partners = result.frames["partners"]
    assert partners[["source_row", "opted_out", "partner_type"]].values.tolist() == [
        [2, True, "mairie"], [8, False, "police_nationale"]]
    assert result.rejected["partners"]["Courriel"].tolist() == [
        "Accueil@Mairie-de-Stiring-Wendel.example.org", "moselis.invalid",
        "a@forbus.example.org; b@forbus.example.org", "securite@forbus.example.org", ""]
    assert result.frames["problems"].set_index("problem_id").loc["P-08", "outcome"] == "reduced"  # warned, kept


@pytest.mark.parametrize("address", ["prenom.nom@mairie-forbach.fr", "gpo+relances@moselis.invalid",
                                     "Accueil@Ville.Example.ORG"])
def test_well_formed_addresses_are_accepted(address):
    from loaders.row_validation import is_email

    assert is_email(address)


@pytest.mark.parametrize("address", ["jean dupont@mairie.fr", "Jean <jean@mairie.fr>", "jean@mairie", ".jean@mairie.fr",
                                     "jean..dupont@mairie.fr", "jean@-mairie.fr", "jean@mairie.f", "mairie.fr",
                                     "jean@mairie.fr, paul@mairie.fr", "élodie@mairie.fr"])
def test_malformed_addresses_are_refused(address):
    from loaders.row_validation import is_email

    assert not is_email(address)


# --- old trackers keep working -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "sector"), [(SAMPLES / "suivi_gpo_sarrebourg.ods", None),
                                              (FIXTURES / "row-errors.xlsx", "stiring"),
                                              (FIXTURES / "merged-communes.ods", None)])
def test_a_tracker_made_before_the_cycle_loads_as_before(path, sector):
    """No Diagnostic, no Partenaires, no Étape / Résultat / Chef de file: the three sheets only, no word about the
    new ones (a closed problem without a Résultat column is not warned about), empty frames for them."""
    result = load(path, sector=sector, as_of=AS_OF)[0]
    assert set(result.counts) == {"meetings", "problems", "actions"}
    cycle_codes = {"closed_without_outcome", "outcome_but_open", "missing_sheet", "optional_sheet_not_read",
                   "optional_sheet_kept", "header_not_found"}
    assert not cycle_codes & {i.code for i in result.issues}
    assert result.frames["diagnostics"].empty and result.frames["partners"].empty
    assert result.frames["problems"][["stage", "outcome", "lead_partner"]].isna().all().all()
    assert (result.frames["problems"]["status"] == "resolved").any()


def test_an_optional_sheet_without_headers_is_left_unread_with_a_warning(tmp_path):
    """A « Diagnostic » sheet holding prose (the diagnostic pasted as text) does not stop the file."""
    path = tmp_path / "suivi.xlsx"
    book = write_xlsx(path, base_tracker())
    prose = book.create_sheet("Diagnostic")
    prose["A1"] = "Diagnostic local de sécurité de Stiring-Wendel, établi en mars 2025 avec les partenaires."
    prose["A3"] = "Les rodéos motorisés et les dépôts sauvages sont les deux priorités."
    book.save(path)
    result = load_one(path)
    assert result.ok and set(result.counts) == {"meetings", "problems", "actions"}
    assert issue_tuples(result) == [("diagnostics", None, None, "optional_sheet_not_read")]
    assert result.issues[0].severity == "warning"
    assert result.issues[0].message == (
        "Feuille « Diagnostic » : aucune ligne d'en-têtes trouvée dans les 30 premières lignes (attendu par exemple : "
        "« Date du diagnostic », « Titre », « Partagé le ») ; cette feuille facultative n'est pas lue comme feuille "
        "« Diagnostic » et les données actuelles du secteur pour cette feuille restent inchangées.")
    assert len(result.frames["problems"]) == 8


def test_a_sheet_of_another_name_is_an_optional_sheet_only_on_a_strict_match(tmp_path):
    path = tmp_path / "suivi.xlsx"
    book = write_xlsx(path, base_tracker())
    diagnostics = book.create_sheet("Feuil4")  # three of its headers: it is the Diagnostic
    diagnostics.append(["Date du diagnostic", "Titre", "Synthèse"])
    diagnostics.append([dt.datetime(2025, 3, 12), "Diagnostic 2025", "Rodéos"])
    notes = book.create_sheet("Notes")  # a date and a title: notes, not a diagnostic
    notes.append(["Date", "Titre"])
    notes.append([dt.datetime(2025, 4, 1), "Réunion avec le bailleur"])
    book.save(path)
    result = load_one(path)
    assert result.ok and result.counts["diagnostics"].rows_accepted == 1
    assert issue_tuples(result) == [(None, None, None, "extra_sheet")] and result.issues[0].value == "Notes"


def test_a_diagnostic_csv_without_headers_is_refused_as_a_file(tmp_path):
    path = tmp_path / "diagnostic.csv"
    path.write_text("Note;Commentaire\nDiagnostic établi en mars;Rodéos et dépôts\n", encoding="utf-8")
    result = load(path, sector="stiring", as_of=AS_OF)[0]
    assert not result.ok and issue_tuples(result, "error") == [("diagnostics", None, None, "header_not_found")]


@pytest.mark.parametrize(("headers", "sheet"), [
    ("Établi le;Intitulé;Diffusé le;Priorités;Résumé", "diagnostics"),
    ("Structure;Type;Interlocuteur;E-mail;Désinscrit", "partners"),
])
def test_a_csv_is_told_a_diagnostic_or_a_partner_list_by_its_headers(tmp_path, headers, sheet):
    path = tmp_path / "export_01.csv"  # a name that says nothing
    line = ("12/03/2025;Diagnostic 2025;03/04/2025;P-01, P-02;Rodéos" if sheet == "diagnostics" else
            "Moselis;Bailleur;Responsable de secteur;secteur@moselis.invalid;Non")
    path.write_bytes(f"{headers}\r\n{line}\r\n".encode("cp1252"))
    result = load(path, sector="stiring", as_of=AS_OF)[0]
    assert result.ok and list(result.counts) == [sheet] and result.counts[sheet].rows_accepted == 1
    codes = [i.code for i in result.issues]
    assert codes == (["problems_not_checked"] if sheet == "diagnostics" else [])


# --- the template and the export -----------------------------------------------------------------------------------

def test_the_template_offers_the_cycle_with_dropdowns(tmp_path):
    path = write_template(tmp_path / "modele.xlsx", sector=default_reference().sectors["forbach"])
    book = openpyxl.load_workbook(path)
    lists = book["Listes"]

    def listed(sheet, label):
        ws = book[sheet]
        letter = next(c.column_letter for c in ws[1] if c.value == label)
        rule = next(r for r in ws.data_validations.dataValidation if f"{letter}2:" in str(r.sqref))
        assert rule.type == "list"
        return [c.value for row in lists[rule.formula1.lstrip("=").split("!")[1].replace("$", "")] for c in row]

    assert [c.value for c in book["Problèmes"][1]][-3:] == ["Étape", "Résultat", "Chef de file"]
    assert listed("Problèmes", "Étape") == ["Repérage", "Analyse", "Réponse", "Évaluation"]
    assert listed("Problèmes", "Résultat") == ["Éliminé", "Réduit", "Moins grave", "Mieux traité",
                                               "Confié à un autre acteur", "Sans effet", "Aggravé"]
    assert [c.value for c in book["Diagnostic"][1]] == ["Date du diagnostic", "Titre", "Partagé le",
                                                        "Problèmes prioritaires", "Synthèse"]
    assert {r.type for r in book["Diagnostic"].data_validations.dataValidation} == {"date"}
    assert [c.value for c in book["Partenaires"][1]] == ["Organisation", "Type de partenaire", "Contact", "Courriel",
                                                         "Ne plus écrire"]
    assert listed("Partenaires", "Type de partenaire")[:3] == ["Mairie", "Police municipale", "Police nationale"]
    assert listed("Partenaires", "Ne plus écrire") == ["Oui", "Non"]
    guide = "\n".join(str(c.value) for row in book["Mode d'emploi"].iter_rows() for c in row if c.value)
    assert "Feuille « Diagnostic » : les colonnes" in guide and "Feuille « Partenaires » : les colonnes" in guide
    assert "Les feuilles « Diagnostic » et « Partenaires » sont facultatives" in guide


@pytest.mark.parametrize("source", ["suivi_gpo_forbach.xlsx", "suivi_gpo_yutz.xlsx", "suivi_gpo_amneville.ods"])
def test_the_export_writes_the_cycle_and_reads_back_the_same_frames(tmp_path, source):
    """Export → import: the same five frames, Étape, Résultat and Chef de file included (a hand-edited tracker with
    synonyms and renamed sheets, an .ods among them)."""
    original = load(SAMPLES / source, as_of=AS_OF)[0]
    assert len(original.frames["diagnostics"]) and len(original.frames["partners"])
    sector = default_reference().sectors[original.sector_id]
    path = write_filled_tracker(tmp_path / "export.xlsx", original.frames, sector=sector)
    again = load(path, as_of=AS_OF)[0]
    assert again.ok and list(again.counts) == list(SHEET_ORDER)
    assert_rows_accounted(again)
    for key in SHEET_ORDER:
        before = original.frames[key].drop(columns=["source_file", "source_row"]).reset_index(drop=True)
        after = again.frames[key].drop(columns=["source_file", "source_row"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(before, after, check_exact=True, obj=key)
    book = openpyxl.load_workbook(path)

    def column(sheet, label):
        ws = book[sheet]
        letter = next(c.column_letter for c in ws[1] if c.value == label)
        return {c.value for c in ws[letter][1:] if c.value}

    outcomes = column("Problèmes", "Résultat")
    assert outcomes and set(outcomes) <= {"Éliminé", "Réduit", "Moins grave", "Mieux traité", "Confié à un autre acteur",
                                          "Sans effet", "Aggravé"}  # French labels, not codes
    assert column("Partenaires", "Ne plus écrire") <= {"Oui", "Non"}


def test_site_settings_add_synonyms_for_the_new_sheets_and_lists(tmp_path):
    from loaders.settings import read_settings

    settings_file = tmp_path / "synonymes.toml"
    settings_file.write_text('[entetes.diagnostic]\n"Date du diagnostic" = ["Date DLS"]\n'
                             '[valeurs.resultat]\n"Éliminé" = ["Réglé pour de bon"]\n'
                             '[feuilles]\n"Partenaires" = ["Carnet GPO"]\n', encoding="utf-8")
    settings = read_settings(settings_file)
    tracker = base_tracker()
    tracker.rows["problems"][0]["Résultat"] = "Réglé pour de bon"
    tracker.rows["diagnostics"] = [{"Date du diagnostic": dt.date(2025, 3, 12), "Titre": "DLS 2025"}]
    tracker.rows["partners"] = [{"Organisation": "Moselis", "Courriel": "gpo@moselis.invalid"}]
    path = tmp_path / "suivi.xlsx"
    write_xlsx(path, tracker, headers={"diagnostics": {"Date du diagnostic": "Date DLS"}},
               sheet_names={"partners": "Carnet GPO"})
    result = load_one(path, settings=settings)
    assert result.ok, issue_tuples(result)
    assert result.frames["problems"]["outcome"].iloc[0] == "eliminated"
    assert (result.counts["diagnostics"].rows_accepted, result.counts["partners"].rows_accepted) == (1, 1)
