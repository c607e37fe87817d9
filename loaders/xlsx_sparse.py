"""Read only the filled cells of one .xlsx sheet, streaming, for sheets calamine must not read whole.

Cells are decoded by openpyxl's own worksheet parser (shared strings, dates from
the cell's number format, booleans, inline strings, cells without `r`), fed one
row at a time from a streaming parse that drops each row once read, so memory
follows the filled cells, never the distance between them.
"""

from __future__ import annotations

import datetime as dt
import io

from domain.issue_catalogue import Issue, make_issue
from loaders import limits
from loaders.raw_sheet import RawSheet
from loaders.sparse_sheet import FileCells, SparseSheet, beyond_limits, limit_issue

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _MERGE, _SHEET_DATA = f"{_NS}row", f"{_NS}c", f"{_NS}mergeCell", f"{_NS}sheetData"


def read_sparse_sheets(data: bytes, names: list[str]) -> tuple[dict[str, RawSheet], Issue | None]:
    """The named sheets, filled cells only (merged ranges filled); or the first file-level issue."""
    from openpyxl.reader.excel import ExcelReader  # openpyxl only for the rare far-flung sheet

    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        reader.read()
    except Exception as exc:  # openpyxl raises many types for broken files
        return {}, make_issue("unreadable_file", value=(str(exc) or type(exc).__name__)[:160])
    sheets = {}
    file_cells = FileCells()
    for name in names:
        try:
            sheet, issue = _read_sheet(reader.wb, name, file_cells)
        except Exception as exc:
            sheet, issue = None, make_issue("unreadable_file", value=(str(exc) or type(exc).__name__)[:160])
        if issue:
            return {}, issue
        sheets[name] = sheet
    return sheets, None


def _read_sheet(book, name: str, file_cells: FileCells) -> tuple[RawSheet | None, Issue | None]:
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.functions import iterparse  # defusedxml's: no DTD entities

    worksheet = book[name]
    sheet = SparseSheet(name, file_cells)
    merges: list = []
    lines_with_data = 0
    row_counter = 0
    with worksheet._get_source() as source:
        parser = WorkSheetParser(source, worksheet._shared_strings, data_only=True, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        depth = 0
        parents: list = []
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                parents.append(element)
                depth += 1
                continue
            depth -= 1
            parents.pop()
            tag = element.tag
            if tag == _ROW:
                ref = element.get("r")
                row_counter = int(ref) if ref else row_counter + 1
                parser.row_counter, parser.col_counter = row_counter, 0
                filled = False
                for child in element:
                    if child.tag != _CELL:
                        continue
                    cell = parser.parse_cell(child)
                    value = _plain(cell["value"])
                    if value is None or value == "":
                        continue
                    row, col = cell["row"] - 1, cell["column"] - 1
                    if beyond_limits(row, col):
                        return None, limit_issue(name, row, col, lines_with_data)
                    sheet.put(row, col, value)
                    problem = sheet.too_full()
                    if problem:
                        return None, problem
                    filled = True
                lines_with_data += filled
            elif tag == _MERGE and len(merges) <= limits.MAX_CELLS:
                try:
                    c0, r0, c1, r1 = range_boundaries(element.get("ref", ""))
                except (TypeError, ValueError):
                    continue
                merges.append(((r0 - 1, c0 - 1), (r1 - 1, c1 - 1)))
            if depth <= 2 and parents:  # a row of sheetData, or anything under the root: done with it
                element.clear()
                parents[-1].remove(element)
    problem = sheet.fill_merged(merges)
    if problem:
        return None, problem
    return sheet.raw_sheet(), None


def _plain(value: object) -> object:
    """Values as calamine gives them, so both readers feed the validator alike."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0, 0):
        return value.date()
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
