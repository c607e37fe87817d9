"""Every page in a real browser, at both screen sizes: French title, key figures, no error, drawn map, no outside request."""

import io

import pytest
from PIL import Image

PAGES = [
    # (path, French title, a text the page must show)
    ("/", "Vue départementale", "Problèmes ouverts"),
    ("/problemes", "Problèmes signalés et résolus", "Taux de résolution"),
    ("/reunions", "Réunions des GPO", "GPO constitués"),
    ("/actions_en_retard", "Actions en retard", "Qui doit quoi"),
    ("/fiche_secteur?secteur=forbach&csp=forbach", "Fiche secteur", "Commandant Laurent Fischer"),
    ("/mode_reunion?secteur=forbach&csp=forbach", "GPO Forbach – Bellevue-Wiesberg", "Réunion du"),
    ("/ecran_rotation", "Police de sécurité du quotidien — Moselle", "Problèmes ouverts"),
    ("/import_trackers", "Importer un tableau de suivi", "Votre nom"),
    ("/import_history", "Historique des imports", "Détail de l'import"),
    ("/etat_des_donnees", "État des données des GPO", "Secteurs avec un tableau"),
]


@pytest.mark.parametrize("size", ["1920x1080", "1366x768"])
@pytest.mark.parametrize("path,title,text", PAGES, ids=[p[0].split("?")[0].strip("/") or "accueil" for p in PAGES])
def test_page_loads_in_french_without_error(visit, path, title, text, size):
    tab = visit(size)
    tab.open(path)
    page = tab.page
    assert page.locator("h1").first.inner_text().strip() == title
    assert page.get_by_text(text, exact=False).first.is_visible()
    assert page.locator("[data-testid=stException]").count() == 0, "une erreur Python est affichée"
    assert not tab.real_errors(), tab.real_errors()
    tab.shot(f"{path.split('?')[0].strip('/') or 'accueil'}_{size}")


def test_map_is_drawn_not_blank(visit):
    tab = visit("1920x1080")
    tab.open("/", wait_ms=5000)
    plot = tab.page.locator(".js-plotly-plot").first
    image = Image.open(io.BytesIO(plot.screenshot())).convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000)
    coloured = sum(n for n, (r, g, b) in colours if not (r > 235 and g > 235 and b > 235))
    assert coloured > 0.08 * image.width * image.height, "la carte est presque blanche"
    # the sector colours (OrRd scale) are there, not only the grey communes
    reddish = sum(n for n, (r, g, b) in colours if r > 180 and g < 170 and b < 140)
    assert reddish > 500
