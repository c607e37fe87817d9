"""One streaming pass over an .ods file's content.xml: where the filled cells are, and the merged ranges.

OpenDocument places cells by counting: a row or cell may stand for many
(`table:number-rows-repeated`, `table:number-columns-repeated`), which is how
LibreOffice writes the empty space after a table, and how a one-kilobyte file
can describe a value in the millionth line. calamine reads every sheet of an
.ods when the file is opened and builds each one whole, so the extent must be
known before calamine sees the file.

Merged cells: LibreOffice writes `table:number-rows-spanned` /
`table:number-columns-spanned` on the first cell and `table:covered-table-cell`
in the cells it covers; calamine gives no merged ranges for .ods, so they are
collected here. Empty cells, formatted or not, count for nothing.

`values=True` also decodes the filled cells' values, for sheets read cell by
cell (`SparseSheet`) because a dense grid would be too big.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from domain.issue_catalogue import Issue, make_issue
from loaders import limits
from loaders.sparse_sheet import FileCells, SparseSheet, beyond_limits, limit_issue, too_many_cells

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_T_TABLE, _T_ROW = f"{_TABLE} table", f"{_TABLE} table-row"
_T_CELL, _T_COVERED = f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"
_A_NAME = f"{_TABLE} name"
_A_ROWS_REPEATED, _A_COLS_REPEATED = f"{_TABLE} number-rows-repeated", f"{_TABLE} number-columns-repeated"
_A_ROWS_SPANNED, _A_COLS_SPANNED = f"{_TABLE} number-rows-spanned", f"{_TABLE} number-columns-spanned"
_A_TYPE = f"{_OFFICE} value-type"
_ANNOTATION = f"{_OFFICE} annotation"
_PARAGRAPHS = {f"{_TEXT} p", f"{_TEXT} h"}
_SPACE, _TAB, _BREAK = f"{_TEXT} s", f"{_TEXT} tab", f"{_TEXT} line-break"
_A_COUNT = f"{_TEXT} c"
_CHUNK = 1024 * 1024
_DURATION = re.compile(r"-?P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$")


class _Stop(Exception):
    """Raised from a handler to end the parse early with a file-level issue."""

    def __init__(self, issue: Issue):
        self.issue = issue


@dataclass
class OdsTable:
    name: str
    cells: int = 0  # filled cells, repeats counted
    lines_with_data: int = 0
    height: int = 0  # last filled line, 1-based
    width: int = 0  # last filled column, 1-based
    merges: list = field(default_factory=list)  # ((row, col), (row, col)), 0-based, top-left holds a value
    sparse: SparseSheet | None = None


class _Scanner:
    def __init__(self, values: bool):
        self.values = values
        self.tables: list[OdsTable] = []
        self.file_cells = FileCells()  # cells put in the sparse sheets (merged ranges filled included)
        self.cells = 0  # filled cells seen, repeats counted
        self.table: OdsTable | None = None
        self.row = 0  # 0-based line of the row being read
        self.rows_repeated = 1
        self.row_filled = False
        self.col = 0
        self.cell: dict | None = None  # the cell being read
        self.nested = 0  # depth inside a cell (paragraphs, a table in a cell...)
        self.skip = 0  # depth inside an annotation, whose text is not the cell's
        self.in_paragraph = 0
        self.text: list[str] = []

    def start(self, name: str, attrs: dict) -> None:
        if self.cell is not None:
            self.nested += 1
            if self.skip or name == _ANNOTATION:
                self.skip += 1
                return
            self.cell["content"] = True
            if not self.values:
                return
            if name in _PARAGRAPHS and self.cell["paragraphs"]:
                self.text.append("\n")
            elif name == _SPACE:
                self.text.append(" " * _count(attrs.get(_A_COUNT)))
            elif name == _TAB:
                self.text.append("\t")
            elif name == _BREAK:
                self.text.append("\n")
            if name in _PARAGRAPHS:
                self.cell["paragraphs"] += 1
                self.in_paragraph += 1
            return
        if name == _T_TABLE:
            self.table = OdsTable(attrs.get(_A_NAME, f"Feuille{len(self.tables) + 1}"))
            self.tables.append(self.table)
            if self.values:
                self.table.sparse = SparseSheet(self.table.name, self.file_cells)
            self.row = 0
        elif self.table is None:
            return
        elif name == _T_ROW:
            self.rows_repeated = _count(attrs.get(_A_ROWS_REPEATED))
            self.row_filled = False
            self.col = 0
        elif name in (_T_CELL, _T_COVERED):
            self.cell = {"repeated": _count(attrs.get(_A_COLS_REPEATED)), "attrs": attrs, "paragraphs": 0,
                         "content": _A_TYPE in attrs, "covered": name == _T_COVERED}
            self.nested = 0
            self.in_paragraph = 0
            self.text = []

    def end(self, name: str) -> None:
        if self.cell is not None and self.nested:
            self.nested -= 1
            if self.skip:
                self.skip -= 1
            elif name in _PARAGRAPHS:
                self.in_paragraph -= 1
            return
        if self.cell is not None:
            self._end_cell()
        elif self.table is None:
            return
        elif name == _T_ROW:
            if self.row_filled:
                self.table.lines_with_data += self.rows_repeated
            self.row += self.rows_repeated
        elif name == _T_TABLE:
            self.table = None

    def chars(self, data: str) -> None:
        if self.in_paragraph and self.cell is not None and not self.skip:
            self.text.append(data)

    def _end_cell(self) -> None:
        cell, self.cell = self.cell, None
        table, col, repeated = self.table, self.col, cell["repeated"]
        self.col += repeated
        if not cell["content"] or table is None:
            return
        value = _value(cell["attrs"], "".join(self.text)) if self.values else True
        if value is None or value == "":
            return
        last_row, last_col = self.row + self.rows_repeated - 1, col + repeated - 1
        if beyond_limits(last_row, last_col):
            row, column = (last_row, col) if last_row >= limits.last_line() else (self.row, max(col, limits.MAX_COLUMNS))
            raise _Stop(limit_issue(table.name, row, column, table.lines_with_data + self.rows_repeated))
        self.row_filled = True
        table.cells += repeated * self.rows_repeated
        self.cells += repeated * self.rows_repeated
        if table.cells > limits.MAX_CELLS:
            raise _Stop(too_many_cells(table.name))
        if self.cells > limits.MAX_CELLS_IN_FILE:
            raise _Stop(too_many_cells(table.name, whole_file=True))
        table.height = max(table.height, last_row + 1)
        table.width = max(table.width, last_col + 1)
        attrs = cell["attrs"]
        rows_spanned, cols_spanned = _count(attrs.get(_A_ROWS_SPANNED)), _count(attrs.get(_A_COLS_SPANNED))
        merged = (rows_spanned > 1 or cols_spanned > 1) and not cell["covered"]
        if table.sparse is None and not merged:
            return
        for r in range(self.row, last_row + 1):  # a repeated block: each of its cells (bounded by MAX_CELLS)
            for c in range(col, last_col + 1):
                if table.sparse is not None:
                    table.sparse.put(r, c, value)
                if merged:
                    table.merges.append(((r, c), (r + rows_spanned - 1, c + cols_spanned - 1)))


def _count(text: str | None) -> int:
    """A repeat or span count; absent, broken or below 1 means 1 (as LibreOffice reads it)."""
    if not text:
        return 1
    try:
        return max(1, int(text))
    except ValueError:
        return 1


def _value(attrs: dict, text: str) -> object:
    """A filled cell's value, the way calamine gives it: float, date, datetime, bool, or text."""
    kind = attrs.get(_A_TYPE)
    if kind is None:  # text without a value type: calamine reads nothing there either
        return None
    try:
        if kind in ("float", "percentage", "currency"):
            return float(attrs[f"{_OFFICE} value"])
        if kind == "date":
            stamp = attrs[f"{_OFFICE} date-value"]
            return dt.datetime.fromisoformat(stamp) if "T" in stamp else dt.date.fromisoformat(stamp)
        if kind == "boolean":
            return attrs[f"{_OFFICE} boolean-value"].strip().lower() in ("true", "1")
        if kind == "time":
            found = _DURATION.match(attrs[f"{_OFFICE} time-value"])
            if found:
                d, h, m, s = (float(x or 0) for x in found.groups())
                return dt.timedelta(days=d, hours=h, minutes=m, seconds=s)
    except (KeyError, ValueError):
        pass
    return attrs.get(f"{_OFFICE} string-value", text)


def scan_ods(data: bytes, *, values: bool = False) -> tuple[list[OdsTable], Issue | None]:
    """Every table of content.xml with its filled extent and merged ranges; or a file-level issue."""
    scanner = _Scanner(values)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args):
        raise _Stop(make_issue("xml_entities"))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = scanner.start
    parser.EndElementHandler = scanner.end
    if values:
        parser.CharacterDataHandler = scanner.chars
    try:
        with zipfile.ZipFile(io.BytesIO(data)).open("content.xml") as fh:
            while block := fh.read(_CHUNK):
                parser.Parse(block, False)
        parser.Parse(b"", True)
    except _Stop as stop:
        return [], stop.issue
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, expat.ExpatError, ValueError) as exc:
        return [], make_issue("unreadable_file", value=(str(exc) or type(exc).__name__)[:160])
    return scanner.tables, None
