"""Page « État des données »: what each sector's current tracker holds, when it was imported, and by whom."""

import streamlit as st

import app_state
import navigation
from domain.access import EXPORT_EVALUATION, may
from domain.formatting import fr_int
from domain.safe_text import visible_frame
from report_tables.imports import REJECTED, SET_ASIDE, sector_status_table

view = app_state.page_header(navigation.ETAT_DES_DONNEES, "État des données des GPO", stale=False)
reference, filters, sector_ids = view.reference, view.filters, view.sector_ids
history = app_state.import_history(sector_ids)
status = sector_status_table(history, reference, sector_ids)
imported = int((status["Fichier"] != "Aucun import").sum())
col1, col2, col3, col4, col5 = st.columns(5)
col1.metric("Secteurs avec un tableau", f"{fr_int(imported)} / {fr_int(len(sector_ids))}")
col2.metric("Problèmes suivis", fr_int(status["Problèmes"].sum()))
col3.metric("Actions suivies", fr_int(status["Actions"].sum()))
col4.metric(REJECTED, fr_int(status[REJECTED].sum()),
            help="Lignes écartées pour une erreur (voir « Historique des imports ») : elles ne sont pas dans les données.")
col5.metric(SET_ASIDE, fr_int(status[SET_ASIDE].sum()),
            help="Lignes de total ou de note sous les données : elles ne sont pas des données, ce n'est pas une erreur.")

st.subheader("Tableau actuel de chaque secteur")
st.dataframe(visible_frame(status), hide_index=True, width="stretch", height=35 * (len(status) + 1) + 3, key="status_table")
st.caption("Le détail des anomalies de chaque import et le fichier d'origine sont dans « Historique des imports ».")

if may(app_state.principal(), EXPORT_EVALUATION):
    st.subheader("Export pour l'évaluation universitaire")
    st.caption("Problèmes, actions et réunions des secteurs choisis, sans les textes libres où des noms de personnes "
               "peuvent figurer (descriptions, commentaires, observations, signalants, noms des partenaires) ; "
               "la feuille « Colonnes » du fichier dit ce qui est gardé et retiré.")
    if st.button("Préparer l'export", key="evaluation_prepare"):
        st.session_state["evaluation_file"] = app_state.guarded_export(
            "L'export pour l'évaluation", lambda: app_state.evaluation_export(sector_ids))  # journaled once, there
    if st.session_state.get("evaluation_file"):
        st.download_button("Télécharger l'export (.xlsx)", data=st.session_state["evaluation_file"], key="evaluation_download",
                           file_name=f"export_evaluation_gpo_{filters.as_of:%Y-%m-%d}.xlsx")
