"""On a 1366×768 laptop and a 1920×1080 screen, what a reader needs first is on screen without scrolling sideways,
and the home page's map starts on the first screen.

How a grid's columns are measured: st.dataframe draws its cells on a canvas (glide-data-grid), but keeps, for
screen readers, a hidden <table role="grid"> whose header cells (<th role="columnheader" aria-colindex="n">) are
exactly the columns that intersect the grid's visible width, partly shown ones included. With the grid scrolled to
its left edge, columns 1…k are rendered; if the grid is wider than its box (its scroller overflows), column k is the
one cut by the right edge, so 1…k-1 are fully visible; otherwise all k are. The grid's own box must also end
within the window. Checked against the screenshots the tests write (screenshots/tableau_*.png).
"""

import pytest
from playwright.sync_api import expect

SIZES = ["1366x768", "1920x1080"]
GRID_JS = """(grid) => {
  const scroller = grid.querySelector('.dvn-scroller');
  const headers = [...grid.querySelectorAll('th[role=columnheader]')]
    .map(th => [Number(th.getAttribute('aria-colindex')), th.textContent]).sort((a, b) => a[0] - b[0]);
  return {indexes: headers.map(h => h[0]), names: headers.map(h => h[1]), scrolled: scroller.scrollLeft,
          overflows: scroller.scrollWidth > scroller.clientWidth, right: grid.getBoundingClientRect().right};
}"""
FORBACH = "/fiche_secteur?secteur=forbach&csp=forbach"
# (page, the grid's first column, the columns a reader needs first, in order)
NEEDED = [
    ("/actions_en_retard", "Jours de retard", ["Jours de retard", "Échéance", "Partenaire", "Action"]),
    ("/reunions", "Secteur", ["Secteur", "En retard", "Jours depuis", "Dernière réunion tenue", "Respect de la cadence",
                              "Socle présent"]),
    ("/problemes", "Secteur", ["Secteur", "Catégorie", "Lieu", "Commune", "Âge (j)", "Priorité"]),
    (FORBACH, "Catégorie", ["Catégorie", "Lieu", "Commune", "Âge (j)", "Priorité", "Échéance", "Statut"]),
    (FORBACH, "Jours de retard", ["Jours de retard", "Échéance", "Partenaire", "Action"]),
    (FORBACH, "Date", ["Date", "Type", "Statut", "Mairie", "Police municipale", "Police nationale",
                       "Autres partenaires", "Participants"]),
    ("/", "Rang", ["Rang", "Secteur", "Problèmes ouverts", "Remarque"]),
    (FORBACH, "Réf", ["Réf", "Catégorie", "Étape", "Statut", "Résultat", "Actions réalisées", "Actions en retard"]),
    ("/bilan?secteur=forbach&csp=forbach", "Partenaire", ["Partenaire", "Situation", "Échéance", "Réalisée le"]),
    ("/relances?secteur=forbach&csp=forbach", "Organisation", ["Organisation", "Type de partenaire", "Contact",
                                                               "Courriel", "Ne plus écrire"]),
    ("/relances?secteur=forbach&csp=forbach", "Destinataire", ["Destinataire", "État"]),
    ("/pertinence", "Type de partenaire", ["Type de partenaire", "Problèmes clos", "Avec un résultat",
                                           "Éliminés ou réduits"]),
]


def grid_starting_with(tab, first: str, second: str):
    """The st.dataframe whose first two columns are `first` and `second`, scrolled into view and drawn. Two columns,
    since several tables of a page may start with the same one (« Secteur » on Réunions: the cadence and the cycle)
    and the page draws them in no fixed order."""
    header = "th[role=columnheader][aria-colindex='{}']"
    grid = tab.page.locator("[data-testid=stDataFrame]").filter(
        has=tab.page.locator(header.format(1), has_text=first)).filter(
        has=tab.page.locator(header.format(2), has_text=second)).first
    grid.scroll_into_view_if_needed(timeout=tab.wait_ms)
    expect(grid.locator("th[role=columnheader]").first).to_be_attached()
    return grid


def fully_visible_columns(tab, grid) -> list[str]:
    seen = grid.evaluate(GRID_JS)
    assert seen["scrolled"] == 0 and seen["indexes"] == list(range(1, len(seen["indexes"]) + 1)), seen
    assert seen["right"] <= tab.page.viewport_size["width"], "le tableau dépasse de la fenêtre"
    return seen["names"][:-1] if seen["overflows"] else seen["names"]


# One visit per page and size measures every table of that page the list names (a visit costs 5 to 10 s)
PAGES = list(dict.fromkeys(path for path, _, _ in NEEDED))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", PAGES, ids=[p.split("?")[0].strip("/") or "accueil" for p in PAGES])
def test_columns_a_reader_needs_first_are_on_screen(visit, size, path):
    tab = visit(size)
    tab.open(path)
    cut = []
    for page, first, needed in NEEDED:
        if page != path:
            continue
        grid = grid_starting_with(tab, first, needed[1])
        visible = fully_visible_columns(tab, grid)
        if visible[:len(needed)] != needed:
            cut.append(f"tableau « {first} » : colonnes visibles sans défiler {visible}, attendues d'abord {needed}")
        name = f"tableau_{path.split('?')[0].strip('/') or 'accueil'}_{first}_{size}".replace(" ", "_")
        tab.shot(name, grid)
    assert not cut, "\n".join(cut)


def test_the_measure_sees_a_cut_column(visit):
    """The cadence table is wider than a laptop: its seventh column is drawn cut at the right edge, and the measure
    says so (a measure that could never fail would prove nothing)."""
    tab = visit("1366x768")
    tab.open("/reunions")
    grid = grid_starting_with(tab, "Secteur", "En retard")
    seen = grid.evaluate(GRID_JS)
    assert seen["overflows"] and seen["names"][-1] == "Prochaine réunion prévue"
    assert "Prochaine réunion prévue" not in fully_visible_columns(tab, grid)


def test_home_map_starts_on_the_first_screen(visit):
    tab = visit("1920x1080")
    tab.open("/")
    plot = tab.page.locator(".js-plotly-plot").first
    tab.wait_map_drawn(plot)
    box = plot.bounding_box()
    assert box["y"] < 1080, f"la carte commence à {box['y']:.0f} px"
    assert 1080 - box["y"] >= 0.9 * box["height"], f"carte de {box['y']:.0f} à {box['y'] + box['height']:.0f} px"
    tab.shot("accueil_premier_ecran_1920x1080")
