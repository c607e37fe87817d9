"""Entry point: `streamlit run dashboard.py`. Sets the page up and lists the pages (French titles)."""

import streamlit as st

st.set_page_config(page_title="GPO Moselle — Police de sécurité du quotidien", page_icon="🛡️", layout="wide")

navigation = st.navigation([
    st.Page("pages/etat_des_donnees.py", title="État des données", icon="📋", default=True),
])
navigation.run()
