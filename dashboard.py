"""Entry point: `streamlit run dashboard.py`. Opens the store, lists the pages (French titles), shares the sidebar."""

import streamlit as st

import app_state

st.set_page_config(page_title="GPO Moselle — Police de sécurité du quotidien", page_icon="🛡️", layout="wide")

app_state.store()  # migrate, and seed an empty store with the demo trackers, before any page reads it
navigation = st.navigation({
    "Suivi": [
        st.Page("pages/etat_des_donnees.py", title="État des données", icon="📋", default=True),
    ],
    "Tableaux de suivi": [
        st.Page("pages/import_trackers.py", title="Import", icon="📥", url_path="import"),
        st.Page("pages/import_history.py", title="Historique des imports", icon="🗂️", url_path="historique"),
    ],
})
st.session_state["filters"] = app_state.shared_filters()
navigation.run()
