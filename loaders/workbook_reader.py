"""Read every sheet of an xlsx / xlsm / ods / xls workbook into raw grids.

calamine reads a sheet fast but builds it whole, from A1 to its farthest filled
cell, so each sheet's true extent is learned first (`xlsx_scan`, `ods_scan`, `xls_scan`):
a sheet whose filled cells fit a modest rectangle is read by calamine; one
whose filled cells lie far apart is read cell by cell (`xlsx_sparse`,
`ods_scan` with values), so a stray value in XFD1048576 costs nothing; a value
past the limits a tracker may use refuses the file, naming the cell.

Merged cells are filled with their top-left value (a commune merged over five
rows means that commune on each), in every format: calamine gives the ranges of
xlsx and xls, `ods_scan` those of ods. Formulas keep their cached value; an xlsx
formula with no cached value (written by a program, never opened in Excel) is
listed so the validator can say so on that cell.
"""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor

from python_calamine import CalamineWorkbook

from domain.issue_catalogue import Issue, make_issue
from loaders import limits
from loaders.raw_sheet import RawSheet

_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="workbook-read")


def read_workbook(data: bytes, fmt: str) -> tuple[list[RawSheet], list[Issue]]:
    """All worksheets as raw grids, or a file-level issue. Never raises for bad data."""
    if fmt == "ods":
        return _read_ods(data)
    if fmt == "xlsx":
        return _read_xlsx(data)
    return _read_xls(data)


def _read_xlsx(data: bytes) -> tuple[list[RawSheet], list[Issue]]:
    """Each sheet looked at, then read by calamine or cell by cell, two sheets at a time.

    calamine releases the GIL while it parses a sheet and zlib while it inflates
    one, so two sheets go at once (one workbook handle per thread). The grids
    calamine builds are kept: each sheet reserves its grid's cells as soon as it
    is looked at, and once TOTAL_DENSE_CELLS are reserved the next sheets are
    read cell by cell.
    """
    from loaders import xlsx_scan

    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            names = [m.name for m in book.sheets_metadata if "WorkSheet" in str(m.typ)]  # skip chart sheets
        paths = xlsx_scan.sheet_paths(xlsx_scan.open_archive(data))
    except Exception as exc:  # calamine raises several types for broken files
        return [], [_unreadable(exc)]
    budget = _DenseBudget()
    parts = [_POOL.submit(_look_and_read, data, name, paths.get(name), budget) for name in names]
    found: dict[str, RawSheet | None] = {}
    formulas: dict[str, dict] = {}
    for name, future in zip(names, parts):
        sheet, found_formulas, problem = future.result()
        if problem:
            return [], [problem]
        found[name] = sheet
        formulas[name] = found_formulas
    far_flung = [name for name, sheet in found.items() if sheet is None]
    if far_flung:
        from loaders.xlsx_sparse import read_sparse_sheets

        sparse, problem = read_sparse_sheets(data, far_flung)
        if problem:
            return [], [problem]
        found.update(sparse)
    sheets = []
    for name, sheet in found.items():
        sheet.formulas_without_value = formulas[name]
        sheets.append(sheet)
    return sheets, []


class _DenseBudget:
    """The cells of the grids calamine builds for one workbook, reserved sheet by sheet from two threads."""

    def __init__(self):
        self.reserved = 0
        self.lock = threading.Lock()

    def reserve(self, cells: int) -> bool:
        with self.lock:
            if self.reserved + cells > limits.TOTAL_DENSE_CELLS:
                return False
            self.reserved += cells
            return True


def _look_and_read(data: bytes, name: str, path: str | None, budget: _DenseBudget):
    """(the sheet read by calamine, or None to read it cell by cell; formulas without a value; a refusal)."""
    from loaders import xlsx_scan

    if path is None:  # not where the relationships say: only openpyxl's own lookup will do
        return None, {}, None
    archive = xlsx_scan.open_archive(data)
    scan = xlsx_scan.scan_sheet(archive, path)
    decision, problem, cells = xlsx_scan.verdict(archive, name, scan)
    if problem or decision != xlsx_scan.DENSE or not budget.reserve(cells):
        return None, scan.formulas, problem
    sheet, problem = _read_dense(data, name)
    return sheet, scan.formulas, problem


def _read_dense(data: bytes, name: str) -> tuple[RawSheet | None, Issue | None]:
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            return _dense(book, name, None)
    except Exception as exc:
        return None, _unreadable(exc)


def _read_ods(data: bytes) -> tuple[list[RawSheet], list[Issue]]:
    from loaders.ods_scan import scan_ods

    tables, problem = scan_ods(data)
    if problem:
        return [], [problem]
    if sum(t.height * t.width for t in tables) <= limits.DENSE_CELLS:  # calamine builds every sheet at once
        return _read_whole(data, {t.name: t.merges for t in tables})
    tables, problem = scan_ods(data, values=True)
    if problem:
        return [], [problem]
    sheets = []
    for table in tables:  # the sheets share one count of cells, so filling merged ranges is bounded too
        problem = table.sparse.fill_merged(table.merges)
        if problem:
            return [], [problem]
        sheets.append(table.sparse.raw_sheet())
    return sheets, []


def _read_xls(data: bytes) -> tuple[list[RawSheet], list[Issue]]:
    """calamine reads an .xls whole when opening it: only if its filled cells fit a modest rectangle.

    A container the walk cannot follow goes to calamine as before (its read of an
    upload runs in a limited process anyway, loaders.isolated).
    """
    from loaders.xls_scan import scan_xls, spread_issue

    sheets, problem = scan_xls(data)
    if problem:
        return [], [problem]
    if sum(s.height * s.width for s in sheets) > limits.DENSE_CELLS:
        return [], [spread_issue(sheets)]
    return _read_whole(data, {})


def _read_whole(data: bytes, merges: dict[str, list]) -> tuple[list[RawSheet], list[Issue]]:
    """Every sheet through one calamine handle (ods and xls are parsed whole when opened)."""
    sheets = []
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            for meta in book.sheets_metadata:
                if "WorkSheet" not in str(meta.typ):
                    continue
                sheet, problem = _dense(book, meta.name, merges.get(meta.name))
                if problem:
                    return [], [problem]
                sheets.append(sheet)
    except Exception as exc:
        return [], [_unreadable(exc)]
    return sheets, []


def _dense(book: CalamineWorkbook, name: str, merges: list | None) -> tuple[RawSheet | None, Issue | None]:
    sheet = book.get_sheet_by_name(name)
    if sheet.total_height > limits.last_line():
        return None, make_issue("too_many_rows", sheet_name=name, limit=f"{limits.MAX_ROWS:,}".replace(",", " "))
    if sheet.total_width > limits.MAX_COLUMNS:
        return None, make_issue("too_many_columns", sheet_name=name, value=sheet.total_width, limit=limits.MAX_COLUMNS)
    rows = sheet.to_python(skip_empty_area=False)
    _fill_merged(rows, (sheet.merged_cell_ranges or []) if merges is None else merges)
    return RawSheet(name, rows), None


def _unreadable(exc: Exception) -> Issue:
    text = str(exc) or type(exc).__name__
    if "password" in text.lower() or "encrypt" in text.lower():
        return make_issue("password_protected")
    if "entit" in text.lower() or "doctype" in text.lower():
        return make_issue("xml_entities")
    return make_issue("unreadable_file", value=text[:160])


def _fill_merged(rows: list[list], ranges: list) -> None:
    """Copy each merged range's top-left value into its other cells, within the read grid."""
    height = len(rows)
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= height or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        if value == "":
            continue
        for r in range(r0, min(r1, height - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if row[c] == "":
                    row[c] = value
