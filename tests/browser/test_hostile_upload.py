"""A 7 KB tracker with one value in XFD1048576, dropped on the real Import page: the user reads why it is
refused, the server still answers, and the next user's page works (before: the server process aborted)."""

import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "far-cell-xfd1048576.xlsx"


def test_far_cell_upload_is_refused_and_the_server_stays_up(visit, server):
    tab = visit("1920x1080")
    tab.open("/import_trackers")
    page = tab.page
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(FIXTURE))
    page.get_by_text("Rapport de contrôle").wait_for(timeout=60_000)
    # The grid is drawn on a canvas; its cells' text is in the accessible table behind it.
    cells = page.locator("[data-testid=stDataFrame] [role=gridcell]")
    cells.filter(has_text="La feuille « Problèmes » contient une valeur en XFD1048576").first.wait_for(
        state="attached", timeout=60_000)
    page.get_by_text("Le fichier n'est pas lisible comme tableau de suivi").wait_for(timeout=60_000)
    assert cells.filter(has_text="far-cell-xfd1048576.xlsx").count() == 1
    assert page.get_by_text("Le fichier n'est pas lisible comme tableau de suivi : rien n'est importé").is_visible()
    assert page.get_by_role("button", name="Importer", exact=False).count() == 0
    tab.shot("import_cellule_lointaine_1920x1080")

    assert urllib.request.urlopen(server.base + "/_stcore/health", timeout=10).status == 200
    following = visit("1366x768")
    following.open("/")
    overdue = following.page.locator("[data-testid=stMetric]").filter(has_text="Actions en retard").locator(
        "[data-testid=stMetricValue]")
    assert overdue.inner_text().strip().isdigit()
    following.shot("accueil_apres_fichier_hostile_1366x768")
    assert not tab.real_errors()
    assert not following.real_errors()
