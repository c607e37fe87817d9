"""Entry point: `streamlit run dashboard.py`. Signs the user in, lists the pages their role allows, shares the sidebar."""

from pathlib import Path

import streamlit as st

import app_state
import incidents
from navigation import PAGES, Page, pages_for


def pages_of(allowed: list[Page], with_default: bool = True) -> dict[str, list]:
    """The st.Page objects of the `allowed` pages (registry order), by menu section; the first one is the default page.

    A page's address (hence Streamlit's page id) is its file name whatever the
    role, so the page a link names is found again in every role's navigation.
    """
    first = allowed[0] if with_default and allowed else None
    menu: dict[str, list] = {}
    for page in allowed:
        menu.setdefault(page.section, []).append(
            st.Page(page.path, title=page.title, icon=page.icon, default=page == first,
                    url_path=None if page == first else page.url_path))
    return menu


# A local image (scripts/draw_favicon.py): an emoji needs an emoji font, and a Material icon as favicon (the first
# page's icon, when none is set here) is fetched from a font CDN, unreachable offline
FAVICON = Path(__file__).resolve().parent / "static" / "favicon.png"
# The browser tab names the reference's département (reference_data/departement.toml, or GPO_REFERENCE_DIR's)
st.set_page_config(page_title=f"GPO {app_state.reference().departement.nom} — Police de sécurité du quotidien",
                   page_icon=str(FAVICON), layout="wide")

with incidents.guard("page"):  # any error below (this script or the page it runs): a French message, an incident number
    app_state.store()  # migrate (and, when authentication is off, seed an empty store with the demo trackers)
    principal = app_state.current_principal()
    if principal is None:  # authentication on and nobody signed in: nothing but the login screen is shown
        # Every page is declared (hidden, never run) so that the address asked for (/mode_reunion?secteur=…) stays the
        # current page: the run after login opens it, with its parameters, if the role may see it. The default page is
        # the login screen itself, so a login from the home address lands on the role's own first page.
        login_page = st.Page(app_state.login_screen, title="Connexion", url_path="connexion", default=True)
        st.navigation({"": [login_page], **pages_of(list(PAGES), with_default=False)}, position="hidden")
        app_state.accessibility_script()
        app_state.login_screen()
        st.stop()
    app_state.enter_as(principal)

    kiosk = app_state.is_kiosk()  # a briefing screen: ?ecran=1
    # a page the role may not see is not listed, so its URL is not reachable. Streamlit's own menu is hidden (its
    # markup fails RGAA: section titles inside its list); ours lists the same pages as links (app_state.accessibility)
    menu = pages_of(pages_for(principal))
    pages = st.navigation(menu, position="hidden")
    app_state.accessibility_script()
    if kiosk:
        app_state.kiosk_css()
        app_state.keep_filters(app_state.kiosk_filters())
    else:
        app_state.screen_css()
        app_state.sidebar_menu(menu)
        app_state.keep_filters(app_state.shared_filters())
        app_state.user_box(principal)
    app_state.resume_requested_page()  # a link that first reached a page file alone (see app_state.page_filters)
    app_state.publish_screen_token()  # a screen just signed in: its address gets its token
    pages.run()
