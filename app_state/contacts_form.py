"""« Contacts des partenaires » on the « Relances » page: the sector's Partenaires sheet kept on the page.

A user who may write the sector (`meeting_record.may_record`: read it and import for it) edits its contacts in a
table; « Enregistrer les contacts » writes the sector's next tracker (its current rows, the Partenaires sheet
replaced: `domain.partner_contacts`) with the filled export, and those bytes go through the upload path exactly as
a file would: read by `read_upload`, planned by `plan_uploads`, reviewed and confirmed with the Import page's own
report and changes (`import_review`), committed by `commit_upload` (archive, import, journal). Once confirmed, the
updated tracker is offered for download. A user who may only read the sector sees the contacts read-only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

import incidents
from app_state.auth import audit
from app_state.config import auth_mode
from app_state.data import current_import_now, current_import_of
from app_state.downloads import guarded_export
from app_state.import_review import rejected_rows_notice, review_new_version
from app_state.meeting_record import may_record, record_frames
from app_state.resources import reference
from app_state.uploads import plan_uploads, read_upload, signed_in_name
from domain.formatting import fr_int
from domain.meeting_record import own_rows
from domain.partner_contacts import EDITOR_COLUMNS, contact_rows, frames_with_contacts
from domain.reference import Sector
from domain.safe_text import md_escape, visible_frame
from domain.vocabulary import PARTNER_TYPE
from loaders.tracker_export import filled_tracker_bytes
from store.imports import ImportPlan

__all__ = ["ContactsDraft", "contacts_frame", "contacts_section", "draft_contacts", "plan_contacts"]

CONFIRM_LABEL = "Confirmer l'enregistrement des contacts ({rows} ligne(s) du tableau)"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def contacts_frame(sector_id: str) -> pd.DataFrame:
    """The sector's stored contacts as the page's table (French columns, types as labels, « Ne plus écrire » ticked
    or not); empty for a sector the user may not read."""
    partners = own_rows(record_frames(sector_id), sector_id)["partners"]

    def text(field: str) -> list[object]:
        return [None if pd.isna(v) else str(v) for v in partners[field].tolist()]

    return pd.DataFrame({
        EDITOR_COLUMNS["organisation"]: pd.Series(text("organisation"), dtype="object"),
        EDITOR_COLUMNS["partner_type"]: pd.Series([PARTNER_TYPE.labels.get(c, c) if c else None
                                                   for c in text("partner_type")], dtype="object"),
        EDITOR_COLUMNS["contact"]: pd.Series(text("contact"), dtype="object"),
        EDITOR_COLUMNS["email"]: pd.Series(text("email"), dtype="object"),
        EDITOR_COLUMNS["opted_out"]: pd.Series([v is True for v in partners["opted_out"].tolist()], dtype="bool"),
    })


@dataclass(frozen=True)
class ContactsDraft:
    """The sector's next tracker with the edited contacts, not yet imported: its bytes are what is checked,
    archived and offered for download."""

    sector_id: str
    rows: tuple[tuple, ...]  # the contacts written (to tell whether the table changed since)
    data: bytes
    file_name: str
    base_import_id: int | None  # the sector's import the draft was written from


def _rows_key(edited: pd.DataFrame, sector_id: str) -> tuple[tuple, ...]:
    return tuple(tuple(row.values()) for row in contact_rows(edited, sector_id))


def draft_contacts(sector_id: str, edited: pd.DataFrame, as_of: dt.date) -> ContactsDraft:
    """The sector's tracker written from its current rows with `edited` as its Partenaires sheet."""
    file_name = f"suivi_gpo_{sector_id}_contacts_{as_of:%Y-%m-%d}.xlsx"
    base = current_import_of(sector_id)
    frames = frames_with_contacts(record_frames(sector_id), sector_id, edited, source_file=file_name)
    data = filled_tracker_bytes(frames, sector=reference().sectors[sector_id], reference=reference())
    return ContactsDraft(sector_id, _rows_key(edited, sector_id), data, file_name, base)


def plan_contacts(draft: ContactsDraft, name: str, as_of: dt.date) -> list[tuple[ImportPlan, bytes]]:
    """The draft's bytes read and planned exactly as an uploaded file of its sector."""
    results = read_upload(draft.data, draft.file_name, draft.sector_id, as_of)
    return plan_uploads([(result, draft.data) for result in results], name)


# Pixels per column: the five fit the page's width on a 1366-pixel laptop (the address and the opt-out included);
# longer text shows whole in the cell being edited.
_WIDTHS = {"organisation": 200, "partner_type": 150, "contact": 150, "email": 230, "opted_out": 110}


def _column_config() -> dict:
    w = _WIDTHS
    return {
        EDITOR_COLUMNS["organisation"]: st.column_config.TextColumn(max_chars=200, width=w["organisation"]),
        EDITOR_COLUMNS["partner_type"]: st.column_config.SelectboxColumn(options=list(PARTNER_TYPE.labels.values()),
                                                                         width=w["partner_type"]),
        EDITOR_COLUMNS["contact"]: st.column_config.TextColumn(max_chars=120, width=w["contact"]),
        EDITOR_COLUMNS["email"]: st.column_config.TextColumn(max_chars=254, width=w["email"]),
        EDITOR_COLUMNS["opted_out"]: st.column_config.CheckboxColumn(default=False, width=w["opted_out"]),
    }


def contacts_section(sector: Sector, as_of: dt.date) -> None:
    """The sector's contacts: editable and saved through the upload path for a user who may write it, read-only
    otherwise."""
    sid = sector.sector_id
    prefix = f"contacts_{sid}_"
    contacts = contacts_frame(sid)
    if not may_record(sid):
        if contacts.empty:
            st.info("Aucun contact enregistré pour ce secteur.", icon=":material/info:")
        else:
            st.dataframe(visible_frame(contacts), hide_index=True, width="stretch", key=f"{prefix}table",
                         column_config={EDITOR_COLUMNS[f]: st.column_config.Column(width=px) for f, px in _WIDTHS.items()})
        return
    _saved_panel(prefix, sid)
    rejected_rows_notice(sid)
    st.caption("Modifiez, ajoutez (ligne vide en bas) ou supprimez des contacts, puis « Enregistrer les contacts » : "
               "une nouvelle version du tableau de suivi du secteur est contrôlée et confirmée comme un import.")
    edited = st.data_editor(contacts, key=f"{prefix}editor", num_rows="dynamic", hide_index=True, width="stretch",
                            column_config=_column_config())
    if auth_mode() == "off":  # the open demo: nobody is signed in, the animator says who he is
        name = st.text_input("Votre nom (enregistré avec l'import)", key=f"{prefix}name", max_chars=120).strip()
    else:
        name = signed_in_name()
        st.text(f"Enregistré au nom de : {name}")
    if st.button("Enregistrer les contacts", key=f"{prefix}save", type="primary", icon=":material/save:"):
        st.session_state.pop(f"{prefix}draft", None)
        draft = guarded_export("Le tableau de suivi à jour", lambda: draft_contacts(sid, edited, as_of))
        if draft is not None:
            st.session_state[f"{prefix}draft"] = draft
    _review(prefix, sid, edited, name, as_of)


def _review(prefix: str, sector_id: str, edited: pd.DataFrame, name: str, as_of: dt.date) -> None:
    draft: ContactsDraft | None = st.session_state.get(f"{prefix}draft")
    if draft is None:
        return
    if draft.rows != _rows_key(edited, sector_id):  # edited since: what was checked is not what would be saved
        st.session_state.pop(f"{prefix}draft")
        st.info("Les contacts ont changé depuis « Enregistrer les contacts » : cliquez à nouveau pour contrôler la "
                "nouvelle version.", icon=":material/info:")
        return
    if current_import_now(sector_id) != draft.base_import_id:
        st.session_state.pop(f"{prefix}draft")
        st.info("Le tableau du secteur a été importé à nouveau depuis « Enregistrer les contacts » : cliquez à "
                "nouveau pour repartir de ses données actuelles.", icon=":material/info:")
        return
    import_id = review_new_version(plan_contacts(draft, name, as_of), name, as_of, reference(), prefix=prefix,
                                   confirm_label=CONFIRM_LABEL)
    if import_id is not None:
        for key in [key for key in st.session_state if str(key).startswith(prefix) and key != f"{prefix}name"]:
            del st.session_state[key]
        st.session_state[f"{prefix}saved"] = (import_id, draft)
        st.rerun()


def _saved_panel(prefix: str, sector_id: str) -> None:
    saved: tuple[int, ContactsDraft] | None = st.session_state.get(f"{prefix}saved")
    if saved is None:
        return
    import_id, draft = saved
    st.success(f"Contacts enregistrés : import n° {fr_int(import_id)} ({md_escape(draft.file_name)}).",
               icon=":material/check_circle:")
    st.download_button("Télécharger le tableau de suivi à jour (.xlsx)", data=draft.data, file_name=draft.file_name,
                       key=f"{prefix}tracker_download", mime=XLSX, on_click=incidents.callback(audit),
                       args=("download", "Tableau de suivi à jour", sector_id))
