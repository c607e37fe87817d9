"""Files the user downloads: a sector's filled tracker, the blank template, the meeting pack, an import's file (or
its sector's extract), each cached where it is costly, and `guarded_export`, which turns a failed build into a
French message instead of a failed page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePath

import streamlit as st

import incidents
from app_state.auth import principal, readable
from app_state.cycle import bilan_for
from app_state.data import agenda_for, current_import_of, rows_generation
from app_state.resources import reference, store
from domain.raw_file_access import FileSectors, original_allowed
from domain.safe_text import md_escape
from loaders import template_writer, tracker_export
from loaders.file_sectors import file_sectors
from store.evaluation_export import evaluation_xlsx
from store.queries import current_frames, file_frames, raw_file, raw_file_sectors


def guarded_export(subject: str, build, place=None):
    """`build()`, or None after saying in French that `subject` (« Le dossier de réunion ») could not be prepared.

    An export is a file made from the data (PDF, spreadsheet): its failure must cost the user that file, not
    the page. The details go to the server log under an incident reference the user can quote.
    """
    try:
        return build()
    except Exception as error:  # noqa: BLE001 (any failure of an export builder: reported, logged, the page goes on)
        incident = incidents.report(error, f"export « {subject} »")
        (place or st).error(f"{md_escape(subject)} n'a pas pu être préparé (incident n° {md_escape(incident)}). "
                            "Le reste de la page est à jour ; réessayez plus tard et, si cela se reproduit, "
                            "communiquez ce numéro à l'administrateur.", icon=":material/warning:")
        return None


# --- trackers: blank, or filled with a sector's current data ------------------------------------------------------
def tracker_download(sector_id: str, import_id: int | None) -> bytes:
    """A sector's current data as a filled tracker; cached per import, so reruns cost nothing."""
    allowed = readable() is None or sector_id in readable()
    return _tracker_bytes(sector_id, import_id, rows_generation()) if allowed else b""


@st.cache_data(show_spinner=False, max_entries=64)
def _tracker_bytes(sector_id: str, import_id: int | None, generation: int) -> bytes:
    frames = current_frames(store(), [sector_id])
    return tracker_export.filled_tracker_bytes(frames, sector=reference().sectors[sector_id], reference=reference())


@st.cache_data(show_spinner=False)
def template_download(sector_id: str) -> bytes:
    return template_writer.template_bytes(reference().sectors.get(sector_id), reference())


def evaluation_export(sector_ids: list[str]) -> bytes:
    """The workbook for the university's evaluation (no free text), for the sectors chosen the user may read.

    Journaled there, once; raises ExportNotAllowed if the role may not make it."""
    return evaluation_xlsx(store(), principal(), reference(), sector_ids=sector_ids)


# --- the meeting pack (PDF) ---------------------------------------------------------------------------------------
@st.cache_data(show_spinner="Préparation du dossier de réunion…", max_entries=32)
def _meeting_pack(sector_id: str, import_id: int | None, as_of: dt.date, generated_on: dt.date, generation: int) -> bytes:
    from meeting_pack import pdf  # reportlab takes 0.4 s to import: paid by the first pack, not by every start

    agenda = agenda_for(sector_id, as_of)
    return pdf.meeting_pack_pdf(agenda, generated_on=generated_on)


def meeting_pack_download(sector_id: str, as_of: dt.date) -> bytes:
    """The meeting pack PDF of a sector at `as_of` (cached per imports and date)."""
    return _meeting_pack(sector_id, current_import_of(sector_id), as_of, dt.date.today(), rows_generation())


def file_when_asked(subject: str, key: str, build, *, label: str, token: object = None, place=None) -> bytes | None:
    """A file built only once the user asks for it: None until then (or if it could not be built).

    Draws `label` (« Préparer … ») in `place` (a column; the page by default) until it is clicked; the file is then
    built for what `token` names (the sector, the date, the filters it depends on: when they change, the button
    comes back) and the page shows its download button. A failed build is a French message, never a crashed page.
    """
    place = place or st
    if st.session_state.get(f"{key}_asked") == token:
        made = guarded_export(subject, build, place)
        if made is not None:
            return made
        st.session_state.pop(f"{key}_asked", None)  # the button comes back: the user may try again

    def ask() -> None:
        st.session_state[f"{key}_asked"] = token

    place.button(md_escape(label), key=f"{key}_prepare", width="stretch", on_click=incidents.callback(ask))
    return None


def meeting_pack_when_asked(sector_id: str, as_of: dt.date, key: str, place=None) -> bytes | None:
    """The meeting pack of a sector at `as_of`, built when asked (see `file_when_asked`)."""
    return file_when_asked("Le dossier de réunion", key, lambda: meeting_pack_download(sector_id, as_of),
                           label="Préparer le dossier de réunion (PDF)", token=(sector_id, as_of), place=place)


# --- the Bilan of a cycle (PDF) -----------------------------------------------------------------------------------
@st.cache_data(show_spinner="Préparation du bilan (PDF)…", max_entries=32)
def _bilan_pdf(sector_id: str, import_id: int | None, as_of: dt.date, cycle_number: int | None, generated_on: dt.date,
               generation: int) -> bytes:
    from meeting_pack.bilan_pdf import bilan_pdf  # reportlab: imported by the first PDF, not at every start

    return bilan_pdf(bilan_for(sector_id, as_of, cycle_number), generated_on=generated_on)


def bilan_pdf_when_asked(sector_id: str, as_of: dt.date, cycle_number: int | None, key: str,
                         place=None) -> bytes | None:
    """The Bilan PDF of a sector's cycle at `as_of`, built when asked (see `file_when_asked`); cached per import,
    date and cycle. Nothing for a sector the user may not read."""
    if not (readable() is None or sector_id in readable()):
        return None
    return file_when_asked("Le bilan", key, lambda: _bilan_pdf(sector_id, current_import_of(sector_id), as_of,
                                                               cycle_number, dt.date.today(), rows_generation()),
                           label="Préparer le bilan (PDF)", token=(sector_id, as_of, cycle_number), place=place)


# --- an import's file, as uploaded or as the reader's sector extract ----------------------------------------------
@dataclass(frozen=True)
class RawDownload:
    """What « Historique des imports » offers for an import: the original file, or the reader's sector extract."""

    data: bytes | None
    file_name: str
    extract_rows: int | None = None  # None: the original file; else the rows of the extract
    purged: bool = False  # the original is no longer kept (retention purge)


@st.cache_data(show_spinner="Lecture du fichier d'origine…", max_entries=32)
def _file_content_sectors(sha256: str, file_name: str):
    """The sectors a raw file holds rows for, read from its content (None: no such file kept)."""
    data = raw_file(store(), sha256)
    return None if data is None else file_sectors(data, file_name, reference=reference())


@st.cache_data(show_spinner=False, max_entries=32)
def _import_extract(import_id: int, sector_id: str, generation: int) -> tuple[bytes, int]:
    """One import's rows, those its file held, as a filled tracker of its sector, and how many rows it holds."""
    with store().connect() as conn:
        frames = file_frames(conn, import_id)
    data = tracker_export.filled_tracker_bytes(frames, sector=reference().sectors[sector_id], reference=reference())
    return data, sum(len(frame) for frame in frames.values())


def raw_file_download(import_id: int, sector_id: str, sha256: str, file_name: str) -> RawDownload:
    """The original file if the user may read every sector in it, else the extract of the import's sector."""
    allowed = readable()
    if allowed is not None and sector_id not in allowed:
        return RawDownload(None, file_name)
    content = _file_content_sectors(sha256, file_name)
    if content is None:  # every import keeps its file: only the retention purge empties one
        return RawDownload(None, file_name, purged=True)
    holds = FileSectors(content.sectors | raw_file_sectors(store(), sha256), content.unassigned_rows)
    if original_allowed(holds, allowed, reference().sectors):
        data = raw_file(store(), sha256)
        return RawDownload(data, file_name, purged=data is None)
    data, rows = _import_extract(import_id, sector_id, rows_generation())
    return RawDownload(data, f"{PurePath(file_name).stem}_extrait_{sector_id}.xlsx", rows)
