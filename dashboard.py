"""Entry point: `streamlit run dashboard.py`. Opens the store, lists the pages (French titles), shares the sidebar."""

import streamlit as st

import app_state

st.set_page_config(page_title="GPO Moselle — Police de sécurité du quotidien", page_icon="🛡️", layout="wide")

app_state.store()  # migrate, and seed an empty store with the demo trackers, before any page reads it
kiosk = app_state.is_kiosk()  # a briefing screen: ?ecran=1
# Each url_path is its file's name: on a fresh server, Streamlit's own discovery of the pages/ folder serves the
# first request, and it knows pages by file name; with the same paths, a bookmarked link works from the first visit.
navigation = st.navigation(position="hidden" if kiosk else "sidebar", pages={
    "Pilotage": [
        st.Page("pages/vue_departementale.py", title="Vue départementale", icon="🗺️", default=True),
        st.Page("pages/problemes.py", title="Problèmes", icon="📌", url_path="problemes"),
        st.Page("pages/reunions.py", title="Réunions", icon="🤝", url_path="reunions"),
        st.Page("pages/actions_en_retard.py", title="Actions en retard", icon="⏰", url_path="actions_en_retard"),
        st.Page("pages/fiche_secteur.py", title="Fiche secteur", icon="📍", url_path="fiche_secteur"),
    ],
    "Réunions et écrans": [
        st.Page("pages/mode_reunion.py", title="Mode réunion", icon="📽️", url_path="mode_reunion"),
        st.Page("pages/ecran_rotation.py", title="Écran de direction", icon="🖥️", url_path="ecran_rotation"),
    ],
    "Tableaux de suivi": [
        st.Page("pages/import_trackers.py", title="Import", icon="📥", url_path="import_trackers"),
        st.Page("pages/import_history.py", title="Historique des imports", icon="🗂️", url_path="import_history"),
        st.Page("pages/etat_des_donnees.py", title="État des données", icon="📋", url_path="etat_des_donnees"),
    ],
})
if kiosk:
    app_state.kiosk_css()
    st.session_state["filters"] = app_state.kiosk_filters()
else:
    st.session_state["filters"] = app_state.shared_filters()
app_state.resume_requested_page()  # a link that first reached a page file alone (see app_state.page_filters)
navigation.run()
