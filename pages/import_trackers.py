"""Page « Import »: an animator uploads trackers, reads the check report and the changes, then confirms."""

import streamlit as st

import app_state
import incidents
import navigation
from domain.safe_text import md_escape

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

app_state.check_report(plans, reference)
for plan, data in plans:
    import_id = app_state.plan_review(plan, data, name, filters.as_of, reference)
    if import_id is not None:
        sector = reference.sectors[plan.result.sector_id]
        st.session_state.setdefault("import_done", []).append(
            f"Import n° {import_id} enregistré : {plan.file_name}, secteur {sector.name}, {plan.rows_accepted} ligne(s).")
        st.rerun()
