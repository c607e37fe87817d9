"""Spreadsheets the app writes: text that came from uploads can never become a formula.

A cell starting with =, +, -, @, a tab or a carriage return would run as a
formula in Excel or LibreOffice (formula injection). Such text is stored as
text with Excel's quote prefix. Invisible characters (bidi overrides,
zero-width) are removed: see `domain.safe_text`.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from domain.safe_text import FORMULA_STARTS, visible_text

DATE_FORMAT = "DD/MM/YYYY"


def set_safe_value(cell, value: object) -> None:
    """Put `value` in `cell`; formula-like text stays text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", visible_text(value))
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl took "=..." for a formula: keep it text
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    elif isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = DATE_FORMAT


def _plain(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime().date()
    return value


def tables_to_xlsx(tables: dict[str, pd.DataFrame]) -> bytes:
    """Several French tables as the sheets of one .xlsx (report downloads): bold frozen headers, widths."""
    book = Workbook()
    book.remove(book.active)
    for title, frame in tables.items():
        sheet = book.create_sheet(title[:31])
        for j, name in enumerate(frame.columns, 1):
            cell = sheet.cell(1, j, str(name))
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E78")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            width = max([len(str(name))] + [len(str(v)) for v in frame[name].head(200).tolist()])
            sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 10), 80)
        for i, row in enumerate(frame.itertuples(index=False, name=None), 2):
            for j, value in enumerate(row, 1):
                set_safe_value(sheet.cell(i, j), _plain(value))
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
