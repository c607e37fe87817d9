"""RGAA AA in Chromium: axe-core on every page of the registry and on every slide of the two screens (zero serious
or critical violation), the screens driven by the keyboard alone, our own menu instead of Streamlit's, the map's
table and the accessibility statement. Screenshots of the menu, the map's table and the statement at both sizes.
The admin pages and the login screen are checked in test_signed_in_screens.py (a server with accounts)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser.axe_check import blocking_violations
from domain.access import OPEN_ACCESS
from app_state.accessibility import FRENCH_LABELS, FRENCH_PREFIXES
from navigation import PAGES, pages_for
from report_tables.accessibility_statement import AXE_CORE_VERSION

QUERIES = {"pages/fiche_secteur.py": "?secteur=forbach&csp=forbach", "pages/mode_reunion.py": "?secteur=forbach",
           "pages/bilan.py": "?secteur=forbach&csp=forbach"}
OPEN_PAGES = pages_for(OPEN_ACCESS)  # what the open demo lists: every page but the administrators'


def _address(page) -> str:
    return "/" + ("" if page == OPEN_PAGES[0] else page.url_path) + QUERIES.get(page.path, "")


@pytest.mark.parametrize("page", OPEN_PAGES, ids=[p.url_path for p in OPEN_PAGES])
def test_every_page_has_no_serious_accessibility_violation(visit, page):
    """At 1920 × 1080: axe's target-size flagged Streamlit's date field there and not at 1366 (the slides and the
    menu's test below run at 1366 × 768)."""
    tab = visit("1920x1080")
    tab.open(_address(page))
    if page.path == "pages/import_trackers.py":  # the uploader's button, named for screen readers by our script
        expect(tab.page.get_by_role("button", name="Parcourir les fichiers (tableaux de suivi)")).to_be_visible()
    if page == OPEN_PAGES[0]:  # the map, then what it shows in a sentence, then its figures as a table
        expect(tab.page.get_by_text("Carte : problèmes ouverts de 17 secteur(s)")).to_be_visible()
        tab.page.get_by_role("heading", name="Problèmes ouverts par secteur (la carte en tableau)").scroll_into_view_if_needed()
        expect(tab.page.locator("[data-testid=stDataFrame]").first).to_be_visible()
        tab.shot("carte_en_tableau_1920x1080")
    assert tab.page.evaluate("document.documentElement.lang") == "fr"
    assert blocking_violations(tab.page) == []
    labels = tab.page.evaluate("""() => [...document.querySelectorAll('[aria-label], [title], [placeholder]')]
        .flatMap(e => ['aria-label', 'title', 'placeholder'].map(name => e.getAttribute(name)).filter(Boolean))""")
    english = [t for t in labels if t in FRENCH_LABELS or t.startswith(tuple(FRENCH_PREFIXES))]
    assert not english, f"libellés de Streamlit restés en anglais : {english}"


def test_our_menu_lists_the_pages_by_section_and_streamlits_is_hidden(visit):
    tab = visit("1920x1080")
    tab.open("/")
    page = tab.page
    assert page.locator("[data-testid=stSidebarNav]").count() == 0
    links = page.locator("[data-testid=stSidebar] [data-testid=stPageLink] a")
    expect(links).to_have_count(len(OPEN_PAGES))
    for n, listed in enumerate(OPEN_PAGES):  # in menu order, named by the title alone (the icon is hidden)
        expect(links.nth(n)).to_have_accessible_name(listed.title)
    sidebar = page.locator("[data-testid=stSidebar]").inner_text()
    sections = list(dict.fromkeys(p.section for p in OPEN_PAGES))
    assert [s for s in sections if s in sidebar] == sections
    tab.shot("menu_1920x1080", page.locator("[data-testid=stSidebar]"))
    page.set_viewport_size({"width": 1366, "height": 768})
    tab.wait_idle()
    tab.shot("menu_1366x768")
    page.get_by_role("heading", name="Problèmes ouverts par secteur (la carte en tableau)").scroll_into_view_if_needed()
    tab.shot("carte_en_tableau_1366x768")
    links.nth(1).click()  # a link of the menu opens its page
    expect(page.locator("h1").first).to_have_text("Problèmes signalés et résolus")


def test_the_statement_says_what_was_checked_and_how(visit):
    tab = visit("1920x1080")
    tab.open("/accessibilite")
    page = tab.page
    expect(page.locator("h1").first).to_have_text("Déclaration d'accessibilité")
    text = page.locator("[data-testid=stMain]").inner_text()
    assert f"axe-core {AXE_CORE_VERSION}" in text and "non conforme" in text
    assert all(p.title in text for p in PAGES)
    for heading in ("État de conformité", "Résultats des tests", "Contenus non accessibles",
                    "Retour d'information et contact", "Voies de recours"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    tab.shot("declaration_accessibilite_1920x1080")
    page.set_viewport_size({"width": 1366, "height": 768})
    tab.wait_idle()
    tab.shot("declaration_accessibilite_1366x768")


def _focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {text: e.innerText || '', tag: e.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""")


@pytest.mark.parametrize("screen", ["mode_reunion?secteur=woippy", "ecran_rotation?csp=metz"])
def test_every_slide_passes_axe_and_the_screen_works_with_the_keyboard_alone(visit, screen):
    tab = visit("1366x768")
    tab.open(f"/{screen}&ecran=1&embed=true&intervalle=600")
    page = tab.page
    pause = page.get_by_role("button", name="Pause")
    total = int(pause.inner_text().rsplit("/", 1)[1])
    # Tab reaches the « Suivant » button (after the skip link and the other two), with a visible focus ring
    for _ in range(15):
        page.keyboard.press("Tab")
        if _focused(page)["tag"] == "BUTTON" and "Suivant" in _focused(page)["text"]:
            break
    focus = _focused(page)
    assert focus["tag"] == "BUTTON" and "Suivant" in focus["text"], focus
    assert focus["outline"] != "none" and focus["width"] >= 2, focus
    tab.shot(f"{screen.split('?')[0]}_focus_clavier")
    page.keyboard.press("Enter")
    for n in range(2, total + 1):  # each slide once: Entrée on the button, then the right arrow
        expect(pause).to_contain_text(f"· {n} / {total}")
        tab.wait_idle()
        assert blocking_violations(page) == [], f"diapositive {n}"
        page.keyboard.press("ArrowRight")
    expect(pause).to_contain_text(f"· 1 / {total}")
    tab.wait_idle()
    assert blocking_violations(page) == [], "diapositive 1"
    page.keyboard.press("ArrowLeft")  # back past the first: the last one
    expect(pause).to_contain_text(f"· {total} / {total}")
    page.keyboard.press("PageDown")  # a presenter's remote
    expect(pause).to_contain_text(f"· 1 / {total}")
