"""Page « Historique des imports »: who imported what and when, the issues, the archived file."""

import json

import pandas as pd
import streamlit as st

import app_state
import navigation
import incidents
from domain.formatting import fr_int
from domain.issue_catalogue import SHEET_LABELS
from domain.raw_file_access import EXTRACT_NOTICE
from domain.safe_text import md_escape, visible_frame, visible_text
from report_tables.imports import foreign_rejected_rows, history_table
from report_tables.validation import issue_rows

view = app_state.page_header(navigation.IMPORT_HISTORY, "Historique des imports", stale=False)
reference = view.reference
history = app_state.import_history(view.sector_ids)
if history.empty:
    st.info("Aucun import pour les secteurs choisis.")
    st.stop()
st.dataframe(visible_frame(history_table(history, reference)), hide_index=True, width="stretch", key="history_table")

names = dict(zip(history["import_id"], history["file_name"]))
chosen = st.selectbox("Détail de l'import", history["import_id"].tolist(), key="history_import",
                      format_func=lambda i: f"n° {i} — {visible_text(names[i])}")  # options are plain text
line = history.loc[history["import_id"] == chosen].iloc[0]
sector = reference.sectors[line["sector_id"]]
st.subheader(f"Import n° {chosen:d} — {md_escape(sector.name)}")
st.write(f"Fichier « {md_escape(line['file_name'])} », importé le {pd.Timestamp(line['imported_at']):%d/%m/%Y à %H:%M} "
         f"par {md_escape(line['imported_by'])}." + (" Ce sont les données actuelles du secteur." if line["current"] else ""))
# A multi-sector workbook is kept whole: only a reader of every sector in it gets it; others get their sector's extract.
download = app_state.guarded_export("Le fichier de cet import", lambda: app_state.raw_file_download(
    int(chosen), line["sector_id"], line["sha256"], line["file_name"]))
if download is not None and download.purged:
    st.caption("Le fichier d'origine n'est plus conservé : la durée de conservation des textes de ses problèmes, "
               "tous clos, est dépassée.")
elif download is not None:
    extract = download.extract_rows is not None
    if extract:
        st.info(md_escape(EXTRACT_NOTICE.format(rows=fr_int(download.extract_rows))), icon=":material/content_cut:")
    st.download_button("Télécharger l'extrait de votre secteur (.xlsx)" if extract else "Télécharger le fichier d'origine",
                       data=download.data or b"", file_name=download.file_name, key="history_raw_download",
                       on_click=incidents.callback(app_state.audit), disabled=download.data is None,
                       args=("download", (f"Extrait du secteur {sector.name}, import n° {chosen} (fichier d'origine "
                                          "multi-secteurs)" if extract else f"Fichier d'origine de l'import n° {chosen}"),
                             line["sector_id"]))

issues = app_state.import_issues(chosen)
if issues:
    st.markdown("**Anomalies relevées à l'import**")
    st.dataframe(visible_frame(issue_rows(issues)), hide_index=True, width="stretch", key="history_issues")
else:
    st.success("Aucune anomalie à cet import.")

kept = app_state.rejected_rows(chosen)
if download is None or download.extract_rows is not None:  # another sector's rows, rejected here, stay unseen
    foreign = foreign_rejected_rows(issues)
    hidden = kept[[(sheet, row) in foreign for sheet, row in zip(kept["sheet"], kept["source_row"])]]
    kept = kept.drop(hidden.index)
    if len(hidden):
        st.caption(f"{fr_int(len(hidden))} ligne(s) rejetée(s) d'autres secteurs ne sont pas montrées.")
if not kept.empty:
    st.markdown("**Lignes rejetées, telles que saisies**")
    for sheet, group in kept.groupby("sheet", sort=False):
        cells = pd.DataFrame([{"Ligne": row, **json.loads(text)} for row, text in zip(group["source_row"], group["cells_json"])])
        st.caption(md_escape(SHEET_LABELS.get(sheet, sheet)))
        st.dataframe(visible_frame(cells), hide_index=True, width="stretch", key=f"rejected_{sheet}")
