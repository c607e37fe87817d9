"""Read every sheet of an xlsx / xlsm / ods / xls workbook into raw grids, with calamine.

Merged cells are filled with their top-left value (a commune merged over five
rows means that commune on each). Formulas keep their cached value; an xlsx
formula with no cached value (written by a program, never opened in Excel) is
listed so the validator can say so on that cell.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from posixpath import join as posix_join, normpath

import defusedxml.ElementTree as SafeET
from python_calamine import CalamineWorkbook

from domain.issue_catalogue import Issue, make_issue
from loaders import limits
from loaders.raw_sheet import RawSheet, column_index

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# A formula cell whose <v> is missing or empty: <c r="E8"><f>1+1</f></c>
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="workbook-read")
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*>(?:<f[^>]*/>|<f[^>]*>([^<]*)</f>)(?:<v>\s*</v>|<v\s*/>)?</c>'
)


def read_workbook(data: bytes, fmt: str) -> tuple[list[RawSheet], list[Issue]]:
    """All worksheets as raw grids, or a file-level issue. Never raises for bad data.

    calamine releases the GIL while it parses a sheet, so the sheets are parsed
    side by side on this machine's two cores (one workbook handle per thread),
    and the xlsx formula scan (zlib, GIL released too) runs beside them.
    """
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            names = [m.name for m in book.sheets_metadata if "WorkSheet" in str(m.typ)]  # skip chart sheets
    except Exception as exc:  # calamine raises several types for broken files
        return [], [_unreadable(exc)]
    scan = _POOL.submit(_xlsx_formulas_without_value, data) if fmt == "xlsx" else None
    parts = [_POOL.submit(_read_sheet, data, name) for name in names]
    sheets: list[RawSheet] = []
    issues: list[Issue] = []
    for future in parts:
        sheet, problem = future.result()
        if problem and not issues:
            issues.append(problem)
        if sheet:
            sheets.append(sheet)
    formulas = scan.result() if scan else {}
    if issues:
        return [], issues
    for sheet in sheets:
        sheet.formulas_without_value = formulas.get(sheet.name, {})
    return sheets, []


def _read_sheet(data: bytes, name: str) -> tuple[RawSheet | None, Issue | None]:
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            sheet = book.get_sheet_by_name(name)
            if sheet.total_height > limits.MAX_ROWS + limits.HEADER_SEARCH_ROWS:
                return None, make_issue("too_many_rows", sheet_name=name, limit=f"{limits.MAX_ROWS:,}".replace(",", " "))
            if sheet.total_width > limits.MAX_COLUMNS:
                return None, make_issue("too_many_columns", sheet_name=name, value=sheet.total_width, limit=limits.MAX_COLUMNS)
            rows = sheet.to_python(skip_empty_area=False)
            _fill_merged(rows, sheet.merged_cell_ranges or [])
            return RawSheet(name, rows), None
    except Exception as exc:
        return None, _unreadable(exc)


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


def _xlsx_formulas_without_value(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name -> {(Excel line, column index): formula} for formulas lacking a cached value."""
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        workbook = SafeET.fromstring(archive.read("xl/workbook.xml"))
        rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return found  # calamine will report the file as unreadable if it is
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else normpath(posix_join("xl", target))
        try:
            xml = archive.read(path)
        except KeyError:
            continue
        if b"<f" not in xml:
            continue
        cells = {}
        for m in _FORMULA_NO_VALUE.finditer(xml):
            formula = html.unescape((m.group(3) or b"").decode("utf-8", "replace"))
            cells[(int(m.group(2)), column_index(m.group(1).decode()))] = f"={formula}" if formula else "(formule partagée)"
        if cells:
            found[sheet.get("name")] = cells
    return found
