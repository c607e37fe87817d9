"""Entry point: `streamlit run dashboard.py`. Opens the store, lists the pages (French titles), shares the sidebar."""

import streamlit as st

import app_state

st.set_page_config(page_title="GPO Moselle — Police de sécurité du quotidien", page_icon="🛡️", layout="wide")

app_state.store()  # migrate, and seed an empty store with the demo trackers, before any page reads it
navigation = st.navigation({
    "Pilotage": [
        st.Page("pages/vue_departementale.py", title="Vue départementale", icon="🗺️", default=True),
        st.Page("pages/problemes.py", title="Problèmes", icon="📌", url_path="problemes"),
        st.Page("pages/reunions.py", title="Réunions", icon="🤝", url_path="reunions"),
        st.Page("pages/actions_en_retard.py", title="Actions en retard", icon="⏰", url_path="actions-en-retard"),
        st.Page("pages/fiche_secteur.py", title="Fiche secteur", icon="📍", url_path="secteur"),
    ],
    "Tableaux de suivi": [
        st.Page("pages/import_trackers.py", title="Import", icon="📥", url_path="import"),
        st.Page("pages/import_history.py", title="Historique des imports", icon="🗂️", url_path="historique"),
        st.Page("pages/etat_des_donnees.py", title="État des données", icon="📋", url_path="etat-des-donnees"),
    ],
})
st.session_state["filters"] = app_state.shared_filters()
app_state.resume_requested_page()  # a link that first reached a page file alone (see app_state.page_filters)
navigation.run()
