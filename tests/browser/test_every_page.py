"""Every page in a real browser, at both screen sizes: French title, key figures, no error, drawn map, no outside request."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    # (path, French title, a text the page must show)
    ("/", "Vue départementale", "Problèmes ouverts"),
    ("/problemes", "Problèmes signalés et résolus", "Taux de résolution"),
    ("/reunions", "Réunions des GPO", "GPO constitués"),
    ("/actions_en_retard", "Actions en retard", "Qui doit quoi"),
    ("/fiche_secteur?secteur=forbach&csp=forbach", "Fiche secteur", "Commandant Laurent Fischer"),
    ("/bilan?secteur=forbach&csp=forbach", "Bilan de cycle", "Problèmes prioritaires clos"),
    ("/pertinence", "Pertinence des actions", "Lecture descriptive, pas une cause"),
    ("/mode_reunion?secteur=forbach&csp=forbach", "GPO Forbach – Bellevue-Wiesberg", "Réunion du"),
    ("/ecran_rotation", "Police de sécurité du quotidien — Moselle", "Problèmes ouverts"),
    ("/relances?secteur=forbach&csp=forbach", "Relances des partenaires par courriel", "Contacts des partenaires"),
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
    expect(page.locator("h1").first).to_have_text(title)
    expect(page.get_by_text(text, exact=False).first).to_be_visible()
    shown = page.locator("body").inner_text()
    assert page.locator("[data-testid=stException]").count() == 0, "une erreur Python est affichée"
    assert "Traceback" not in shown and 'File "' not in shown, "une trace Python est affichée"
    assert "Une erreur inattendue" not in shown
    assert not tab.real_errors(), tab.real_errors()
    maps = page.locator(".js-plotly-plot .mapboxgl-map, .js-plotly-plot .maplibregl-map")
    if maps.count():  # the screenshot shows the map as the user sees it once painted, not its empty frame
        tab.wait_map_drawn(page.locator(".js-plotly-plot").first)
    tab.shot(f"{path.split('?')[0].strip('/') or 'accueil'}_{size}")


def test_every_page_of_the_registry_is_visited_here():
    """The list above follows navigation.py: a page added to the registry is opened here too (the signed-in pages,
    accounts and journal, are in test_signed_in_screens.py)."""
    from domain.access import OPEN_ACCESS
    from navigation import pages_for

    listed = {path.split("?")[0].strip("/") for path, _, _ in PAGES}
    registry = pages_for(OPEN_ACCESS)
    expected = {"" if page == registry[0] else page.url_path for page in registry} - {"accessibilite"}
    assert expected <= listed, sorted(expected - listed)


def test_map_is_drawn_not_blank(visit):
    tab = visit("1920x1080")
    tab.open("/")
    plot = tab.page.locator(".js-plotly-plot").first
    tab.wait_map_drawn(plot)
    image = Image.open(io.BytesIO(plot.screenshot())).convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000)
    coloured = sum(n for n, (r, g, b) in colours if not (r > 235 and g > 235 and b > 235))
    assert coloured > 0.08 * image.width * image.height, "la carte est presque blanche"
    # the sector colours (OrRd scale) are there, not only the grey communes
    reddish = sum(n for n, (r, g, b) in colours if r > 180 and g < 170 and b < 140)
    assert reddish > 500


def test_favicon_is_the_apps_own_image_served_locally(visit):
    """The tab's icon is our PNG, from the app's server: no emoji font needed, no font CDN asked."""
    tab = visit("1920x1080")
    with tab.page.expect_request(re.compile(r"/media/\w+\.png$"), timeout=tab.wait_ms) as fetched:
        tab.open("/reunions")  # any page: the icon is set once for the whole app; this one shows no other image
    icon = tab.page.locator("link[rel='shortcut icon']")
    expect(icon).to_have_attribute("href", re.compile(r"/media/\w+\.png$"))
    href = icon.evaluate("link => link.href")  # absolute
    assert href == fetched.value.url and href.startswith(tab.base + "/media/")  # the browser asked our server
    response = tab.page.request.get(href)
    assert response.ok and response.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(response.body())) as served, Image.open(ROOT / "static" / "favicon.png") as ours:
        assert served.size == ours.size and served.convert("RGBA").tobytes() == ours.convert("RGBA").tobytes()
    assert not tab.foreign
