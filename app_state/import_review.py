"""What the user reads and confirms before an import: the check report, each file's changes, the confirmation.

Shared by the Import page and the meeting's compte rendu (« Mode réunion »): a tracker written from a meeting
record is reviewed and confirmed exactly like an uploaded one, and committed by the same `commit_upload`.
`prefix` keeps the widget keys of two reviews apart (the Import page's have none).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

import incidents
from app_state.auth import audit
from app_state.data import current_import_of, rejected_rows
from app_state.downloads import guarded_export
from app_state.uploads import IMPORT_REFUSALS, READY, commit_upload
from domain.formatting import fr_int
from domain.reference import Reference
from domain.safe_text import md_escape, visible_frame
from domain.tracker_diff import diff_details, diff_summary
from exports.xlsx import tables_to_xlsx
from report_tables.validation import SEVERITY_ORDER, issues_table
from store.imports import ImportPlan

SHEET_COUNTS = (("meetings", "Réunions"), ("problems", "Problèmes"), ("actions", "Actions"))


def check_report(plans: list[tuple[ImportPlan, bytes]], reference: Reference, prefix: str = "") -> None:
    """« Rapport de contrôle »: every issue of the files, filterable by severity, downloadable as .xlsx."""
    st.subheader("Rapport de contrôle")
    report = issues_table([plan.result for plan, _ in plans], reference)
    if report.empty:
        st.success("Aucune anomalie : toutes les lignes sont acceptées.")
        return
    shown_severities = st.multiselect("Afficher", SEVERITY_ORDER, default=SEVERITY_ORDER, key=f"{prefix}report_severities")
    st.dataframe(visible_frame(report[report["Gravité"].isin(shown_severities)]), hide_index=True, width="stretch",
                 key=f"{prefix}report_table")
    report_file = guarded_export("Le rapport de contrôle (.xlsx)", lambda: tables_to_xlsx({"Rapport de contrôle": report}))
    st.download_button("Télécharger le rapport (.xlsx)", data=report_file or b"", disabled=report_file is None,
                       on_click=incidents.callback(audit), args=("download", "Rapport de contrôle"),
                       file_name="rapport_de_controle.xlsx", key=f"{prefix}report_download")


def plan_review(plan: ImportPlan, data: bytes, name: str, as_of: dt.date, reference: Reference, *, prefix: str = "",
                confirm_label: str = "Importer {rows} ligne(s)") -> int | None:
    """One file's changes and its confirmation; returns the import's number once the user confirmed and it is
    committed (None otherwise). A refused commit is said in French on the page."""
    result, file_name = plan.result, plan.file_name
    sector = reference.sectors.get(result.sector_id or "")
    with st.container(border=True):
        st.markdown(f"#### {md_escape(file_name)} — {md_escape(sector.name) if sector else 'secteur non déterminé'}")
        counts = " · ".join(f"{label} : {c.rows_accepted} acceptée(s) sur {c.rows_read}"
                            for key, label in SHEET_COUNTS if (c := result.counts.get(key)))
        if counts:
            st.caption(md_escape(counts))
        if plan.status != READY:
            {"duplicate": st.info, "no_sector": st.warning}.get(plan.status, st.error)(md_escape(plan.message))
            return None
        key = f"{prefix}{plan.sha256[:12]}_{plan.result.sector_id}"
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
        if st.button(md_escape(confirm_label.format(rows=fr_int(plan.rows_accepted))), key=f"import_{key}", type="primary",
                     disabled=not (allowed and name and plan.after is None)):
            try:
                return commit_upload(plan, data, name, as_of)
            except IMPORT_REFUSALS as refusal:
                st.error(md_escape(str(refusal)))
    return None


def rejected_rows_notice(sector_id: str) -> None:
    """Before a page writes the sector's next tracker from its current data: the rows its current import rejected
    will not be in it. Said, never dropped in silence."""
    current = current_import_of(sector_id)
    if current is not None and len(rejected := rejected_rows(current)):
        st.warning(f"Le tableau actuel du secteur (import n° {fr_int(current)}) a {fr_int(len(rejected))} ligne(s) "
                   "rejetée(s) à son import : elles ne figureront pas dans la nouvelle version. Elles restent, telles "
                   "que saisies, dans « Historique des imports ».", icon=":material/warning:")


def review_new_version(plans: list[tuple[ImportPlan, bytes]], name: str, as_of: dt.date, reference: Reference, *,
                       prefix: str, confirm_label: str) -> int | None:
    """A new version of a sector's tracker written by a page (the compte rendu, the contacts), shown like an upload
    before it is saved: whether it changes anything, the check report, each plan's changes and its confirmation.
    The import id once confirmed and committed, else None."""
    if all(plan.diff is not None and not plan.diff.has_changes for plan, _ in plans):
        st.info("Cette nouvelle version ne change rien aux données actuelles du secteur.", icon=":material/info:")
    check_report(plans, reference, prefix=prefix)
    for plan, data in plans:
        import_id = plan_review(plan, data, name, as_of, reference, prefix=prefix, confirm_label=confirm_label)
        if import_id is not None:
            return import_id
    return None
