"""A sector's contacts as edited on the « Relances » page, turned into the frames of the tracker's next version.

Pure: the sector's current frames and the edited table (French column names, as the page shows it) in, the
sector's frames with `partners` replaced out. Every other sheet is the sector's rows as they were; the partner type
is stored as its code (a French label of the vocabulary, or text kept as typed so that the check reports it); a row
with nothing written and « Ne plus écrire » unticked is an empty line of the editor, left out. Nothing is checked
here: the written tracker goes through the upload path, whose validation reports a malformed address.
"""

from __future__ import annotations

import pandas as pd

from domain.meeting_record import clean_text, own_rows
from domain.vocabulary import PARTNER_TYPE

FIRST_LINE = 2  # the header is line 1 of the sheet the export writes
EDITOR_COLUMNS = {"organisation": "Organisation", "partner_type": "Type de partenaire", "contact": "Contact",
                  "email": "Courriel", "opted_out": "Ne plus écrire"}
TEXT_FIELDS = ("organisation", "partner_type", "contact", "email")
_CODE_OF_LABEL = {label: code for code, label in PARTNER_TYPE.labels.items()}


def _ticked(value: object) -> bool:
    if value is None or value is pd.NA:
        return False
    try:
        if pd.isna(value):
            return False
    except (TypeError, ValueError):
        pass
    return bool(value)


def _partner_type(value: object) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    return text if text in PARTNER_TYPE.labels else _CODE_OF_LABEL.get(text, text)


def contact_rows(edited: pd.DataFrame, sector_id: str) -> list[dict]:
    """The edited table's rows as partner records (fields of the `partners` frame), empty lines left out."""
    rows = []
    for raw in edited.to_dict("records"):
        texts = {field: clean_text(raw.get(label)) for field, label in EDITOR_COLUMNS.items() if field in TEXT_FIELDS}
        opted_out = _ticked(raw.get(EDITOR_COLUMNS["opted_out"]))
        if not any(texts.values()) and not opted_out:
            continue
        rows.append({"sector_id": sector_id, "organisation": texts["organisation"] or None,
                     "partner_type": _partner_type(texts["partner_type"]), "contact": texts["contact"] or None,
                     "email": texts["email"] or None, "opted_out": opted_out})
    return rows


def frames_with_contacts(frames: dict[str, pd.DataFrame], sector_id: str, edited: pd.DataFrame, *,
                         source_file: str) -> dict[str, pd.DataFrame]:
    """The sector's frames (other sectors' rows left out) with `partners` replaced by the edited contacts, each
    traced to the line the filled export writes it on in `source_file`."""
    own = own_rows(frames, sector_id)
    template = own["partners"]
    rows = contact_rows(edited, sector_id)
    placed = {"source_file": source_file}
    columns = {}
    for column in template.columns:
        if column == "source_row":
            values = list(range(FIRST_LINE, FIRST_LINE + len(rows)))
        else:
            values = [row.get(column, placed.get(column)) for row in rows]
        columns[column] = pd.array(values, dtype=template[column].dtype)
    return {**own, "partners": pd.DataFrame(columns, columns=template.columns)}
