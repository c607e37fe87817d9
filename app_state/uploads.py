"""The Import page's work: read an uploaded file (in a limited process), plan its import, commit it, journal it.

The uploader is always made here from the signed-in account: its writable sectors never come from the page (and
the import layer, `store.imports`, refuses any other sector whatever it is given).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_state.auth import audit, principal
from app_state.data import forget_import_state
from app_state.resources import reference, store
from loaders import TrackerResult
from loaders.isolated import load_isolated, warm_up
from store.accounts import uploader_for
from store.errors import StoreError
from store.imports import READY, ImportNotAllowed, ImportPlan, Uploader, commit_import, plan_imports

__all__ = ["IMPORT_REFUSALS", "READY", "commit_upload", "plan_uploads", "read_upload", "signed_in_name",
           "upload_reader_ready"]

IMPORT_REFUSALS = (ImportNotAllowed, StoreError)  # a commit refused: its message is French, for the user


@st.cache_data(show_spinner=False, max_entries=32)
def read_upload(data: bytes, name: str, sector: str | None, as_of: dt.date) -> list[TrackerResult]:
    """An uploaded file read once per content, sector choice and date (bytes, not the file object).

    Read in a separate, limited process (loaders.isolated): a file that crashes a
    parser or wants too much memory or time costs only that read, never the server.
    """
    return load_isolated(data, filename=name, sector=sector, as_of=as_of, reference=reference())


@st.cache_resource
def upload_reader_ready() -> bool:
    """Start the upload reader's process when the Import page opens, not on the first upload."""
    warm_up()
    return True


def signed_in_name() -> str:
    """The name an import is recorded under when authentication is on: the signed-in account's."""
    return uploader_for(principal()).name


def _uploader(name: str) -> Uploader:
    return Uploader(name, uploader_for(principal()).writable_sectors)


def plan_uploads(items: list[tuple[TrackerResult, bytes]], name: str) -> list[tuple[ImportPlan, bytes]]:
    """Each read file's import plan (checks, changes), in import order: a sector's CSVs one on top of the other."""
    return plan_imports(store(), items, _uploader(name))


def commit_upload(plan: ImportPlan, data: bytes, name: str, as_of: dt.date) -> int:
    """Import a ready plan (its vanishing rows confirmed by the user), journal it, and return the import's number.

    Raises one of IMPORT_REFUSALS (a French message) when the import layer refuses it."""
    import_id = commit_import(store(), plan, data, _uploader(name), accept_vanished=bool(plan.diff.vanished_count),
                              as_of=as_of)
    audit("import", f"Import n° {import_id} : {plan.file_name} ({plan.rows_accepted} ligne(s))", plan.result.sector_id)
    forget_import_state()  # the next run shows the new data at once
    return import_id
