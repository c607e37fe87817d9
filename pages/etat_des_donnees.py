"""Page « État des données »: what each sector's tracker gave, and every anomaly with its line."""

import streamlit as st

import app_state
from loaders.report_table import issues_table, status_table

reference = app_state.reference()
as_of = st.sidebar.date_input("Date de référence", value=app_state.demo_reference_date(), format="DD/MM/YYYY", key="as_of")

st.title("État des données des GPO")
st.info("Données de démonstration : tableaux de suivi fictifs des 17 secteurs, fournis avec l'application.", icon="ℹ️")

results = app_state.sample_results(as_of)
status = status_table(results, reference)
valid = int((status["État"] == "Valide").sum())
col1, col2, col3, col4 = st.columns(4)
col1.metric("Tableaux valides", f"{valid} / {len(reference.sectors)}")
col2.metric("Problèmes suivis", f"{int(status['Problèmes'].sum()):,}".replace(",", "\u202f"))
col3.metric("Actions suivies", f"{int(status['Actions'].sum()):,}".replace(",", "\u202f"))
col4.metric("Lignes non importées", int(status["Lignes non importées"].sum()))

st.subheader("Tableaux par secteur")
st.dataframe(status, hide_index=True, width="stretch", height=35 * (len(status) + 1) + 3, key="status_table")

st.subheader("Anomalies relevées")
issues = issues_table(results, reference)
if issues.empty:
    st.success("Aucune anomalie : toutes les lignes des tableaux ont été acceptées.")
else:
    st.dataframe(issues, hide_index=True, width="stretch", key="issues_table")
