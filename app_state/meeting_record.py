"""The compte rendu's work: who may record a meeting, the tracker's next version written from a record, its
check and plan through the upload path, and the compte rendu PDF.

Nothing here writes to the store: the workbook's bytes are read by `read_upload` (the same isolated reader as an
upload), planned by `plan_uploads` (which refuses a sector the user may not write) and, once the user confirms
the same report and changes as on the Import page, committed by `commit_upload` (archive of the file, import,
journal under the signed-in name).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app_state.auth import principal, readable
from app_state.data import current_import_of, rows_generation
from app_state.resources import reference, store
from app_state.uploads import plan_uploads, read_upload
from domain.access import IMPORT, may
from domain.meeting_record import MeetingRecord
from domain.record_application import AppliedRecord, apply_record
from domain.tracker_schema import empty_frames
from loaders.tracker_export import filled_tracker_bytes
from store.accounts import uploader_for
from store.imports import ImportPlan
from store.queries import current_frames

__all__ = ["RecordDraft", "compte_rendu_bytes", "draft_record", "may_record", "plan_draft", "record_frames"]


def may_record(sector_id: str) -> bool:
    """Whether the signed-in user may record a meeting of this sector: read it and import for it."""
    allowed = readable()
    if allowed is not None and sector_id not in allowed:
        return False
    user = principal()
    return may(user, IMPORT) and uploader_for(user).may_write(sector_id)


@st.cache_data(show_spinner=False, max_entries=16)
def _stored_frames(sector_id: str, import_id: int | None, generation: int) -> dict[str, pd.DataFrame]:
    return current_frames(store(), [sector_id])


def record_frames(sector_id: str) -> dict[str, pd.DataFrame]:
    """The sector's current rows as stored (what its filled tracker holds): the next version starts from them.
    Empty for a sector the user may not read."""
    allowed = readable()
    if allowed is not None and sector_id not in allowed:
        return empty_frames()
    return _stored_frames(sector_id, current_import_of(sector_id), rows_generation())


@dataclass(frozen=True)
class RecordDraft:
    """A record written as the sector's next tracker, not yet imported: its bytes are what will be checked, archived
    and offered for download."""

    applied: AppliedRecord
    data: bytes
    file_name: str
    base_import_id: int | None  # the sector's import the draft was written from

    @property
    def record(self) -> MeetingRecord:
        return self.applied.record


def record_file_name(record: MeetingRecord) -> str:
    return f"suivi_gpo_{record.sector_id}_reunion_{record.held_on:%Y-%m-%d}.xlsx"


def draft_record(record: MeetingRecord) -> RecordDraft:
    """The tracker's next version with `record` applied; raises InvalidRecord (French reasons) if it cannot be."""
    sector = reference().sectors[record.sector_id]
    file_name = record_file_name(record)
    base = current_import_of(record.sector_id)
    applied = apply_record(record_frames(record.sector_id), record, reference=reference(), source_file=file_name)
    return RecordDraft(applied, filled_tracker_bytes(applied.frames, sector=sector, reference=reference()), file_name,
                       base)


def plan_draft(draft: RecordDraft, name: str, as_of: dt.date) -> list[tuple[ImportPlan, bytes]]:
    """The draft's bytes read and planned exactly as an uploaded file of its sector."""
    results = read_upload(draft.data, draft.file_name, draft.record.sector_id, as_of)
    return plan_uploads([(result, draft.data) for result in results], name)


def compte_rendu_bytes(draft: RecordDraft, generated_on: dt.date) -> bytes:
    """The compte rendu (relevé de décisions) of the draft's meeting, as PDF bytes."""
    from meeting_pack.compte_rendu import compte_rendu_pdf  # reportlab: imported when a compte rendu is made

    ref = reference()
    sector = ref.sectors[draft.record.sector_id]
    csp = ref.csps.get(sector.csp_id)
    return compte_rendu_pdf(draft.applied, sector=sector, csp_name=csp.name if csp else "", generated_on=generated_on,
                            departement=ref.departement.nom if ref.departement else "")
