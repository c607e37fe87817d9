"""Page « État des données »: what each sector's current tracker holds, when it was imported, and by whom."""

import streamlit as st

import app_state
from report_tables.imports import sector_status_table
from store.queries import import_history

reference = app_state.reference()
filters = app_state.page_filters("pages/etat_des_donnees.py")
sector_ids = filters.sector_ids(reference)

st.title("État des données des GPO")
app_state.demo_banner()
history = import_history(app_state.store(), sector_ids)
status = sector_status_table(history, reference, sector_ids)
imported = int((status["Fichier"] != "Aucun import").sum())
col1, col2, col3, col4 = st.columns(4)
col1.metric("Secteurs avec un tableau", f"{imported} / {len(sector_ids)}")
col2.metric("Problèmes suivis", f"{int(status['Problèmes'].sum()):,}".replace(",", "\u202f"))
col3.metric("Actions suivies", f"{int(status['Actions'].sum()):,}".replace(",", "\u202f"))
col4.metric("Lignes non importées", int(status["Lignes non importées"].sum()))

st.subheader("Tableau actuel de chaque secteur")
st.dataframe(status, hide_index=True, width="stretch", height=35 * (len(status) + 1) + 3, key="status_table")
st.caption("Le détail des anomalies de chaque import et le fichier d'origine sont dans « Historique des imports ».")
