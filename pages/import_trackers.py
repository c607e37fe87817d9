"""Page « Import »: an animator uploads trackers, reads the check report and the changes, then confirms."""

import streamlit as st

import app_state
import incidents
import navigation
from app_state.uploads import IMPORT_REFUSALS, READY
from domain.formatting import fr_int
from domain.safe_text import md_escape, visible_frame
from domain.tracker_diff import diff_details, diff_summary
from exports.xlsx import tables_to_xlsx
from report_tables.validation import SEVERITY_ORDER, issues_table

view = app_state.page_header(navigation.IMPORT_TRACKERS, "Importer un tableau de suivi", stale=False)
reference, filters = view.reference, view.filters
sector_names = app_state.readable_sector_names()

st.write("Déposez le tableau de suivi de votre GPO (Excel, LibreOffice ou CSV). Chaque ligne est contrôlée ; "
         "rien n'est enregistré avant votre confirmation.")

for message in st.session_state.pop("import_done", []):
    st.success(md_escape(message), icon=":material/check_circle:")

with st.expander("Modèle vierge et données actuelles d'un secteur", icon=":material/description:"):
    left, right = st.columns(2)
    template_sector = left.selectbox("Secteur du modèle", ["", *sector_names], key="template_sector",
                                     format_func=lambda s: sector_names[s] if s else "Sans secteur")
    template = app_state.guarded_export("Le modèle vierge", lambda: app_state.template_download(template_sector), left)
    left.download_button("Télécharger le modèle vierge (.xlsx)", key="template_download",
                         on_click=incidents.callback(app_state.audit), args=("download", "Modèle vierge"),
                         data=template or b"", disabled=template is None,
                         file_name=f"modele_suivi_gpo{'_' + template_sector if template_sector else ''}.xlsx")
    if not sector_names:  # a new département's reference whose sectors.csv is still empty
        right.info("Aucun secteur dans le référentiel : le fichier sectors.csv est à remplir (voir LISEZMOI.md).")
    else:
        export_sector = right.selectbox("Secteur à télécharger", list(sector_names), key="export_sector",
                                        index=list(sector_names).index(filters.sector_id) if filters.sector_id else 0,
                                        format_func=sector_names.get)
        filled = app_state.guarded_export("Le tableau de suivi rempli", lambda: app_state.tracker_download(
            export_sector, app_state.current_import_of(export_sector)), right)
        right.download_button("Télécharger ses données actuelles (.xlsx)", key="export_download",
                              on_click=incidents.callback(app_state.audit),
                              args=("export", "Tableau de suivi rempli", export_sector), data=filled or b"",
                              disabled=filled is None, file_name=f"suivi_gpo_{export_sector}.xlsx")

if app_state.auth_mode() == "off":  # the open demo: nobody is signed in, the importer says who he is
    name = st.text_input("Votre nom (enregistré avec l'import)", key="uploader_name", max_chars=120).strip()
else:  # with authentication, an import is recorded under the signed-in account, never a typed name
    name = app_state.signed_in_name()
    st.text(f"Import enregistré au nom de : {name}")
chosen_sector = st.selectbox("Secteur des fichiers", ["", *sector_names], key="upload_sector",
                             format_func=lambda s: sector_names[s] if s else
                             "Lu dans le fichier (feuille, colonne ou nom du fichier)") or None
app_state.french_file_uploader()
app_state.upload_reader_ready()
files = st.file_uploader("Tableaux de suivi", type=["xlsx", "xlsm", "ods", "xls", "csv"], accept_multiple_files=True,
                         key="uploads", help="Un tableau de suivi fait moins de 5 Mo ; la limite est de 10 Mo.")
if not files:
    st.info("Aucun fichier déposé pour l'instant.", icon=":material/upload_file:")
    st.stop()

items = []
progress = st.progress(0.0, text="Lecture des fichiers…")
for n, upload in enumerate(files):
    data = upload.getvalue()
    for result in app_state.read_upload(data, upload.name, chosen_sector, filters.as_of):
        items.append((upload.name, data, result))
    progress.progress((n + 1) / len(files), text=f"Lu : {md_escape(upload.name)}")
progress.empty()

# Planned in import order: a sector's CSVs one on top of the other (meetings, problems, actions). The import layer
# refuses any sector this user may not write, whatever this page shows.
plans = app_state.plan_uploads([(result, data) for _, data, result in items], name)

st.subheader("Rapport de contrôle")
report = issues_table([plan.result for plan, _ in plans], reference)
if report.empty:
    st.success("Aucune anomalie : toutes les lignes sont acceptées.")
else:
    shown_severities = st.multiselect("Afficher", SEVERITY_ORDER, default=SEVERITY_ORDER, key="report_severities")
    st.dataframe(visible_frame(report[report["Gravité"].isin(shown_severities)]), hide_index=True, width="stretch", key="report_table")
    report_file = app_state.guarded_export("Le rapport de contrôle (.xlsx)",
                                           lambda: tables_to_xlsx({"Rapport de contrôle": report}))
    st.download_button("Télécharger le rapport (.xlsx)", data=report_file or b"", disabled=report_file is None,
                       on_click=incidents.callback(app_state.audit), args=("download", "Rapport de contrôle"),
                       file_name="rapport_de_controle.xlsx", key="report_download")

for plan, data in plans:
    result, file_name = plan.result, plan.file_name
    sector = reference.sectors.get(result.sector_id or "")
    with st.container(border=True):
        st.markdown(f"#### {md_escape(file_name)} — {md_escape(sector.name) if sector else 'secteur non déterminé'}")
        counts = " · ".join(f"{label} : {c.rows_accepted} acceptée(s) sur {c.rows_read}"
                            for key, label in (("meetings", "Réunions"), ("problems", "Problèmes"), ("actions", "Actions"))
                            if (c := result.counts.get(key)))
        if counts:
            st.caption(md_escape(counts))
        if plan.status != READY:
            {"duplicate": st.info, "no_sector": st.warning}.get(plan.status, st.error)(md_escape(plan.message))
            continue
        key = f"{plan.sha256[:12]}_{plan.result.sector_id}"
        if plan.scope_message:
            st.info(md_escape(plan.scope_message), icon=":material/description:")
        if plan.after is not None:
            title = "Ce qui change une fois le fichier précédent importé"  # names stay out of markdown
        else:
            title = "Premier import de ce secteur" if plan.diff.first_import else "Ce qui change par rapport aux données actuelles"
        st.markdown(f"**{md_escape(title)}**")
        st.dataframe(visible_frame(diff_summary(plan.diff)), hide_index=True, key=f"diff_{key}")
        for heading, table in diff_details(plan.diff).items():
            with st.expander(md_escape(heading), expanded="disparaîtraient" in heading):
                st.dataframe(visible_frame(table), hide_index=True, width="stretch", key=f"detail_{key}_{heading}")
        allowed = True
        if plan.diff.vanished_count:
            allowed = st.checkbox(f"Je confirme que ces {fr_int(plan.diff.vanished_count)} ligne(s) ne figurent plus dans le tableau "
                                  "et peuvent disparaître des données actuelles (elles restent dans l'historique).",
                                  key=f"vanish_{key}")
        if plan.has_row_errors:
            choice = st.radio("Des lignes ont été rejetées (voir le rapport).", key=f"rows_{key}",
                              options=["valid", "cancel"],
                              format_func={"valid": "Importer les lignes valides ; les lignes rejetées sont conservées avec "
                                                    "leurs erreurs",
                                           "cancel": "Ne pas importer ce fichier, je le corrige d'abord"}.get)
            allowed = allowed and choice == "valid"
        if plan.after is not None:
            st.caption("Importez d'abord le fichier précédent, ci-dessus : celui-ci a été contrôlé à sa suite.")
        elif not name:
            st.caption("Indiquez votre nom ci-dessus pour importer.")
        if st.button(f"Importer {fr_int(plan.rows_accepted)} ligne(s)", key=f"import_{key}", type="primary",
                     disabled=not (allowed and name and plan.after is None)):
            try:
                import_id = app_state.commit_upload(plan, data, name, filters.as_of)
            except IMPORT_REFUSALS as refusal:
                st.error(md_escape(str(refusal)))
            else:
                st.session_state.setdefault("import_done", []).append(
                    f"Import n° {import_id} enregistré : {file_name}, secteur {sector.name}, {plan.rows_accepted} ligne(s).")
                st.rerun()
