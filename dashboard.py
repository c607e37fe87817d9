"""Entry point: `streamlit run dashboard.py`. Signs the user in, lists the pages their role allows, shares the sidebar."""

from pathlib import Path

import streamlit as st

import app_state
import incidents
from domain.access import ALL_PAGES, pages_for

# Each url_path is its file's name: on a fresh server, Streamlit's own discovery of the pages/ folder serves the
# first request, and it knows pages by file name; with the same paths, a bookmarked link works from the first visit.
MENU = {
    "Pilotage": [
        ("pages/vue_departementale.py", "Vue départementale", ":material/map:"),
        ("pages/problemes.py", "Problèmes", ":material/report_problem:"),
        ("pages/reunions.py", "Réunions", ":material/groups:"),
        ("pages/actions_en_retard.py", "Actions en retard", ":material/alarm:"),
        ("pages/fiche_secteur.py", "Fiche secteur", ":material/location_on:"),
    ],
    "Réunions et écrans": [
        ("pages/mode_reunion.py", "Mode réunion", ":material/slideshow:"),
        ("pages/ecran_rotation.py", "Écran de direction", ":material/tv:"),
    ],
    "Tableaux de suivi": [
        ("pages/import_trackers.py", "Import", ":material/upload_file:"),
        ("pages/import_history.py", "Historique des imports", ":material/history:"),
        ("pages/etat_des_donnees.py", "État des données", ":material/fact_check:"),
    ],
    "Administration": [
        ("pages/admin_comptes.py", "Comptes", ":material/manage_accounts:"),
        ("pages/journal.py", "Journal", ":material/receipt_long:"),
    ],
}


def pages_of(allowed: set[str], with_default: bool = True) -> dict[str, list]:
    """The st.Page objects of the `allowed` page files, by menu section; the first one is the default page.

    A page's address (hence Streamlit's page id) is its file name whatever the
    role, so the page a link names is found again in every role's navigation.
    """
    first = next(path for entries in MENU.values() for path, _, _ in entries if path in allowed) if with_default else None
    menu = {}
    for section, entries in MENU.items():
        listed = [st.Page(path, title=title, icon=icon, default=path == first,
                          url_path=None if path == first else path.removeprefix("pages/").removesuffix(".py"))
                  for path, title, icon in entries if path in allowed]
        if listed:
            menu[section] = listed
    return menu


# A local image (scripts/draw_favicon.py): an emoji needs an emoji font, and a Material icon as favicon (the first
# page's icon, when none is set here) is fetched from a font CDN, unreachable offline
FAVICON = Path(__file__).resolve().parent / "static" / "favicon.png"
st.set_page_config(page_title="GPO Moselle — Police de sécurité du quotidien", page_icon=str(FAVICON), layout="wide")

with incidents.guard("page"):  # any error below (this script or the page it runs): a French message, an incident number
    app_state.store()  # migrate (and, when authentication is off, seed an empty store with the demo trackers)
    principal = app_state.current_principal()
    if principal is None:  # authentication on and nobody signed in: nothing but the login screen is shown
        # Every page is declared (hidden, never run) so that the address asked for (/mode_reunion?secteur=…) stays the
        # current page: the run after login opens it, with its parameters, if the role may see it. The default page is
        # the login screen itself, so a login from the home address lands on the role's own first page.
        login_page = st.Page(app_state.login_screen, title="Connexion", url_path="connexion", default=True)
        st.navigation({"": [login_page], **pages_of(set(ALL_PAGES), with_default=False)}, position="hidden")
        app_state.login_screen()
        st.stop()
    st.session_state["page_principal"] = principal

    kiosk = app_state.is_kiosk()  # a briefing screen: ?ecran=1
    allowed = set(pages_for(principal))  # a page the role may not see is not listed, so its URL is not reachable
    pages = st.navigation(pages_of(allowed), position="hidden" if kiosk else "sidebar")
    if kiosk:
        app_state.kiosk_css()
        st.session_state["filters"] = app_state.kiosk_filters()
    else:
        app_state.screen_css()
        st.session_state["filters"] = app_state.shared_filters()
        app_state.user_box(principal)
    app_state.resume_requested_page()  # a link that first reached a page file alone (see app_state.page_filters)
    app_state.publish_screen_token()  # a screen just signed in: its address gets its token
    pages.run()
