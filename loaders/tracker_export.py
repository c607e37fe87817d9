"""A sector's current data written back into the template layout, so the tracker goes round.

`write_filled_tracker` takes normalized frames (columns of `domain.tracker_schema.OUTPUT_COLUMNS`)
and writes what `tracker_loader.load` reads back into the same frames: codes
turned into their French labels, dates as real dates shown JJ/MM/AAAA,
booleans as Oui / Non. Text that a spreadsheet would take for a formula
(starting with =, +, - or @) is written and kept as text.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from domain.reference import Reference, Sector, default_reference
from domain.tracker_schema import SHEET_ORDER, SHEETS, Column, Kind
from domain.vocabulary import VOCABULARIES
from exports.xlsx import set_safe_value
from loaders.template_writer import DATE_FORMAT, TEMPLATE_ROWS, build_workbook

_TOP = Alignment(vertical="top")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_SPARE_ROWS = 500  # dropdowns keep working on lines added after the export


def write_filled_tracker(path: str | Path, frames: dict[str, pd.DataFrame], *, sector: Sector,
                         reference: Reference | None = None) -> Path:
    """Write `frames` (meetings, problems, actions) for `sector` as a tracker .xlsx; returns the path.

    Rows of another sector (a `sector_id` that is set and differs) are left out,
    so the frames of a whole département can be passed as they are. A missing
    key writes an empty sheet.
    """
    reference = reference or default_reference()
    own = {key: _own_rows(frames.get(key), sector.sector_id) for key in SHEET_ORDER}
    last_row = max(TEMPLATE_ROWS, max(len(frame) for frame in own.values()) + 1 + _SPARE_ROWS)
    wb = build_workbook(sector, reference, last_row=last_row)
    for key in SHEET_ORDER:
        schema = SHEETS[key]
        ws = wb[schema.label]
        frame = own[key]
        for j, col in enumerate(schema.columns, 1):
            series = frame[col.field] if col.field in frame else pd.Series([None] * len(frame), dtype="object")
            alignment = _WRAP_TOP if col.width >= 28 else _TOP
            for i, raw in enumerate(series.tolist(), 2):
                cell = ws.cell(i, j)
                value = cell_value(col, raw)
                if value is None:
                    continue
                set_safe_value(cell, value)
                cell.alignment = alignment
        ws.auto_filter.ref = f"A1:{get_column_letter(len(schema.columns))}{len(frame) + 1}"
    if not isinstance(path, (str, Path)):  # a binary buffer (downloads)
        wb.save(path)
        return path
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def filled_tracker_bytes(frames: dict[str, pd.DataFrame], *, sector: Sector, reference: Reference | None = None) -> bytes:
    """The filled tracker as bytes, for a download button."""
    buffer = io.BytesIO()
    write_filled_tracker(buffer, frames, sector=sector, reference=reference)
    return buffer.getvalue()


def _own_rows(frame: pd.DataFrame | None, sector_id: str) -> pd.DataFrame:
    if frame is None:
        return pd.DataFrame()
    frame = frame.reset_index(drop=True)
    if "sector_id" in frame:
        ids = frame["sector_id"]
        frame = frame[ids.isna() | (ids.astype("object") == sector_id)].reset_index(drop=True)
    return frame


def _missing(raw: object) -> bool:
    if raw is None:
        return True
    try:
        return bool(pd.isna(raw))
    except (TypeError, ValueError):
        return False


def cell_value(col: Column, raw: object) -> object:
    """One normalized value as the tracker shows it: French label, real date, Oui / Non, int or text."""
    if _missing(raw):
        return None
    if col.kind is Kind.DATE:
        if isinstance(raw, (pd.Timestamp, dt.datetime)):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        return pd.Timestamp(raw).date()
    if col.kind is Kind.BOOL:
        return "Oui" if bool(raw) else "Non"
    if col.kind is Kind.INT:
        return int(raw)
    if col.kind is Kind.VOCAB:
        return VOCABULARIES[col.vocabulary].labels.get(str(raw), str(raw))
    text = ILLEGAL_CHARACTERS_RE.sub("", str(raw))
    return text or None
