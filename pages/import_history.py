"""Page « Historique des imports »: who imported what and when, the issues, the archived file."""

import json

import pandas as pd
import streamlit as st

import app_state
import incidents
from report_tables.imports import history_table
from report_tables.validation import issue_rows
from domain.issue_catalogue import SHEET_LABELS
from store.queries import import_history, import_issues, raw_file, rejected_rows

reference = app_state.reference()
engine = app_state.store()
filters = app_state.page_filters("pages/import_history.py")

st.title("Historique des imports")
app_state.demo_banner()
history = import_history(engine, filters.sector_ids(reference))
if history.empty:
    st.info("Aucun import pour les secteurs choisis.")
    st.stop()
st.dataframe(history_table(history, reference), hide_index=True, width="stretch", key="history_table")

chosen = st.selectbox("Détail de l'import", history["import_id"].tolist(), key="history_import",
                      format_func=lambda i: f"n° {i} — {history.loc[history['import_id'] == i, 'file_name'].item()}")
line = history.loc[history["import_id"] == chosen].iloc[0]
sector = reference.sectors[line["sector_id"]]
st.subheader(f"Import n° {chosen} — {sector.name}")
st.write(f"Fichier « {line['file_name']} », importé le {pd.Timestamp(line['imported_at']):%d/%m/%Y à %H:%M} "
         f"par {line['imported_by']}." + (" Ce sont les données actuelles du secteur." if line["current"] else ""))
original = raw_file(engine, line["sha256"])
st.download_button("Télécharger le fichier d'origine", data=original or b"", file_name=line["file_name"],
                   on_click=incidents.callback(app_state.audit),
                   args=("download", f"Fichier d'origine de l'import n° {chosen}", line["sector_id"]),
                   key="history_raw_download", disabled=original is None)

issues = import_issues(engine, chosen)
if issues:
    st.markdown("**Anomalies relevées à l'import**")
    st.dataframe(issue_rows(issues), hide_index=True, width="stretch", key="history_issues")
else:
    st.success("Aucune anomalie à cet import.")

kept = rejected_rows(engine, chosen)
if not kept.empty:
    st.markdown("**Lignes rejetées, telles que saisies**")
    for sheet, group in kept.groupby("sheet", sort=False):
        cells = pd.DataFrame([{"Ligne": row, **json.loads(text)} for row, text in zip(group["source_row"], group["cells_json"])])
        st.caption(SHEET_LABELS.get(sheet, sheet))
        st.dataframe(cells, hide_index=True, width="stretch", key=f"rejected_{sheet}")
