"""The app through AppTest, on a temporary store seeded with the demo data: what a user sees and gets."""

from pathlib import Path

import pytest

from conftest import FIXTURES
from domain.access import IMPORT, READ_DASHBOARDS
from navigation import PAGES as REGISTRY

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
# The data pages: each has a title and shows the demo banner (the screens and the admin pages do not)
PAGES = [page.path for page in REGISTRY if page.needs in (READ_DASHBOARDS, IMPORT)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_with(app, *columns):
    """The first table showing all these columns (AppTest does not expose a dataframe's key)."""
    return next(df.value for df in app.dataframe if set(columns) <= set(df.value.columns))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_demo_store(app, page):
    app.run()
    app.switch_page(page).run()
    assert not app.exception
    assert app.title[0].value
    assert "Données de démonstration" in app.warning[0].value


def test_etat_des_donnees_shows_each_sector_current_tracker(app):
    app.run()
    app.switch_page("pages/etat_des_donnees.py").run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Secteurs avec un tableau"] == "17 / 17"
    table = app.dataframe[0].value
    assert len(table) == 17
    assert table.loc[table["Secteur"] == "Forbach – Bellevue-Wiesberg", ["CSP", "Par"]].values.tolist() == [
        ["Forbach", "Données de démonstration"]]


def test_totals_lines_set_aside_are_not_counted_as_rejected_rows(app):
    """Metz, Thionville and Sarreguemines's demo trackers end their Problèmes sheet with a totals line."""
    app.run()
    app.switch_page("pages/etat_des_donnees.py").run()
    metrics = {m.label: m.value for m in app.metric}
    assert (metrics["Lignes rejetées"], metrics["Lignes de total ou de note mises de côté"]) == ("0", "3")
    table = app.dataframe[0].value.set_index("Secteur")
    assert table.loc["Metz", ["Lignes rejetées", "Erreurs", "Lignes de total ou de note mises de côté"]].tolist() == [0, 0, 1]
    assert table["Lignes de total ou de note mises de côté"].sum() == 3
    app.switch_page("pages/import_history.py").run()
    history = table_with(app, "N°", "Lignes rejetées").set_index("Secteur")
    assert history.loc["Metz", ["Lignes rejetées", "Lignes de total ou de note mises de côté"]].tolist() == [0, 1]


def test_sidebar_filters_come_from_the_url(app):
    app.query_params["csp"] = "forbach"
    app.run()  # the home page: the sidebar is drawn in this run
    assert app.selectbox(key="f_csp").value == "forbach"
    ranking = table_with(app, "Rang", "Secteur")
    assert sorted(ranking["Secteur"]) == ["Behren-lès-Forbach", "Forbach – Bellevue-Wiesberg", "Stiring-Wendel"]
    app.switch_page("pages/etat_des_donnees.py").run()
    assert app.dataframe[0].value["Secteur"].tolist() == ["Forbach – Bellevue-Wiesberg", "Stiring-Wendel", "Behren-lès-Forbach"]


def test_a_shared_link_opens_on_its_sector_and_date(app):
    app.query_params.update({"csp": "forbach", "secteur": "stiring", "date": "2026-10-01", "periode": "12"})
    app.run()
    assert str(app.date_input(key="f_as_of").value) == "2026-10-01"
    assert app.selectbox(key="f_period").value == 12
    assert app.caption[0].value.startswith("Stiring-Wendel · au 01/10/2026 · période : 12 derniers mois")
    app.switch_page("pages/etat_des_donnees.py").run()
    assert app.dataframe[0].value["Secteur"].tolist() == ["Stiring-Wendel"]


def test_import_a_tracker_with_row_errors_and_vanishing_rows(app):
    app.run()
    app.switch_page("pages/import_trackers.py").run()
    app.file_uploader(key="uploads").upload("row-errors.xlsx", (FIXTURES / "row-errors.xlsx").read_bytes(), XLSX).run()
    assert "n'a pas pu être déterminé" in app.warning[1].value  # no sector in the file: the user is told to choose
    sectors = app.selectbox(key="upload_sector")
    sectors.select_index(sectors.options.index("Stiring-Wendel")).run()
    report = table_with(app, "Gravité", "Valeur trouvée", "Fichier")
    assert ("Problèmes", "4", "Date de signalement") in set(zip(report["Feuille"], report["Ligne"], report["Colonne"]))
    assert "« 31/02/2026 » n'est pas une date valide" in " ".join(report["Message"])
    button = next(b for b in app.button if b.label == "Importer 15 ligne(s)")
    assert button.disabled  # no name yet, and the demo rows that would vanish are not confirmed
    vanish = next(c for c in app.checkbox if c.key.startswith("vanish_"))
    assert "ligne(s) ne figurent plus dans le tableau" in vanish.label
    app.text_input(key="uploader_name").input("Cne Meyer").run()
    assert next(b for b in app.button if b.label == "Importer 15 ligne(s)").disabled
    next(c for c in app.checkbox if c.key.startswith("vanish_")).check().run()
    next(b for b in app.button if b.label == "Importer 15 ligne(s)").click().run()
    assert not app.exception
    assert any("Import n° 18 enregistré : row-errors.xlsx, secteur Stiring-Wendel" in s.value for s in app.success)
    assert "déjà la version importée" in app.info[0].value  # the same file again: nothing to do
    app.switch_page("pages/import_history.py").run()
    history = table_with(app, "N°", "Importé par")
    newest = history.iloc[0]
    assert (newest["N°"], newest["Secteur"], newest["Importé par"], newest["Problèmes"], newest["Données actuelles"]) == (
        18, "Stiring-Wendel", "Cne Meyer", 3, "Oui")
    assert (newest["Lignes rejetées"], newest["Lignes de total ou de note mises de côté"]) == (10, 0)
    issues = table_with(app, "Gravité", "Message")
    assert (issues["Ligne"] == "4").any() and "Erreur" in set(issues["Gravité"])


def test_hostile_upload_is_refused_and_imports_nothing(app):
    app.run()
    app.switch_page("pages/import_trackers.py").run()
    app.text_input(key="uploader_name").input("Cne Meyer").run()
    app.file_uploader(key="uploads").upload("zip-bomb.xlsx", (FIXTURES / "zip-bomb.xlsx").read_bytes(), XLSX).run()
    assert "rien n'est importé" in app.error[0].value
    assert not [b for b in app.button if b.label.startswith("Importer")]
    report = table_with(app, "Gravité", "Message")
    assert report["Message"].iloc[0].startswith("Une fois décompressé, ce fichier ferait")
