"""A first look at each .xlsx sheet's XML, before any reader builds a grid from it.

calamine places every cell at its `r` reference and builds the whole rectangle
from A1 to the farthest filled cell: one value typed in XFD1048576 is a 7 KB
file and 17 billion cells (the process aborts). So each sheet's XML is streamed
once, in bounded chunks, and looked at cheaply:

- a cell written the usual way, `<c r="A1"` to `<c r="Z99999"`, needs nothing
  more: whatever else the sheet holds, its rectangle stays under 2.6 million cells;
- any other cell tag (column AA or beyond, line 100,000 or beyond, no `r`,
  attributes in another order, a namespace prefix...) is looked at closely;
  an empty formatted cell (`<c r="XFD1" s="3"/>`, a format applied far away)
  holds nothing and is not counted;
- formulas that have no cached value are listed on the way.

The verdict says whether calamine may read the sheet, whether only its filled
cells should be read (`xlsx_sparse`), or whether the file must be refused.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from posixpath import join as posix_join, normpath

import defusedxml.ElementTree as SafeET

from domain.issue_catalogue import Issue
from loaders import limits
from loaders.raw_sheet import column_index
from loaders.sparse_sheet import beyond_limits, limit_issue, too_many_cells

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

CHUNK_BYTES = 4 * 1024 * 1024
MAX_TAG_BYTES = 1024 * 1024  # a cell tag longer than this is not one a spreadsheet program wrote
# Every cell tag except the usual near ones: `<c r="A1"` .. `<c r="Z99999"` followed by a space, / or >.
_UNUSUAL_CELL = re.compile(rb'<c(?! r="[A-Z][0-9]{1,5}"[\s/>])[\s/>][^>]*>')
_ANY_CELL = re.compile(rb"<c(?=[\s/>])[^>]*>")
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")
_PREFIXED_HINT = re.compile(rb":c[\s/>]")  # cheap (":" is rare in sheet XML): is a closer look needed?
_FORMULA_HINT = re.compile(rb"f>")  # in </f> and <f>: any formula with a text has one
_SHORTEST_CELL = len(b'<c r="A1"/>')
SMALL_SHEET_BYTES = 128 * 1024  # a sheet this small is placed cell by cell (a few milliseconds)
# A tag whose attributes are all name="value" with nothing odd inside the values.
_PLAIN_TAG = re.compile(rb'<c((?:\s+[A-Za-z_][\w.:-]*="[^"<>&]*")*)\s*(/?)>')
_REF_ATTR = re.compile(rb'(?:^|\s)r="([A-Z]{1,3})([0-9]{1,7})"')
# A formula cell whose <v> is missing or empty: <c r="E8"><f>1+1</f></c>
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*>(?:<f[^>]*/>|<f[^>]*>([^<]*)</f>)(?:<v>\s*</v>|<v\s*/>)?</c>'
)

DENSE, SPARSE, REFUSED = "dense", "sparse", "refused"


@dataclass
class SheetScan:
    """What the first look learned about one sheet."""

    path: str
    cell_tags: int = 0
    far: bool = False  # a filled cell past column Z or line 99,999
    odd: bool = False  # a cell the quick look cannot place for sure
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (Excel line, column) -> formula


def sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML member, found as readers find it: package relationships, then the workbook's."""
    book_path = "xl/workbook.xml"
    try:
        for rel in SafeET.fromstring(archive.read("_rels/.rels")).iter(f"{_NS_PKG_REL}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                book_path = _member(rel.get("Target", ""), "")
                break
    except KeyError:
        pass
    folder, _, file_name = book_path.rpartition("/")
    workbook = SafeET.fromstring(archive.read(book_path))
    rels = SafeET.fromstring(archive.read(posix_join(folder, "_rels", f"{file_name}.rels")))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    return {sheet.get("name"): _member(targets.get(sheet.get(f"{_NS_REL}id"), ""), folder)
            for sheet in workbook.iter(f"{_NS_MAIN}sheet")}


def _member(target: str, folder: str) -> str:
    return target.lstrip("/") if target.startswith("/") else normpath(posix_join(folder, target))


def _chunks(archive: zipfile.ZipFile, path: str):
    """The member's XML in pieces that each end before a `<c` (or a `<`), so no cell element is cut.

    Yields None once if a single tag runs longer than MAX_TAG_BYTES.
    """
    carry = b""
    with archive.open(path) as fh:
        while True:
            block = fh.read(CHUNK_BYTES)
            if not block:
                break
            buffer = carry + block
            cut = buffer.rfind(b"<c")
            if cut <= 0:
                cut = buffer.rfind(b"<")
            if cut <= 0:
                cut = len(buffer) if len(buffer) < MAX_TAG_BYTES else -1
            if cut < 0 or len(buffer) - cut > MAX_TAG_BYTES:
                yield None
                return
            yield buffer[:cut]
            carry = buffer[cut:]
    if carry:
        yield carry


def _place(tag: bytes) -> tuple[int, int, bool] | None:
    """(0-based row, column, filled) of a cell tag written plainly with an `r`; None if it is not."""
    plain = _PLAIN_TAG.fullmatch(tag)
    if not plain:
        return None
    ref = _REF_ATTR.search(plain.group(1))
    if not ref:
        return None
    return int(ref.group(2)) - 1, column_index(ref.group(1).decode()), plain.group(2) != b"/"


def scan_sheet(archive: zipfile.ZipFile, path: str) -> SheetScan:
    """One pass over the sheet's XML; each check is a C-speed search, a Python step only for unusual cells."""
    scan = SheetScan(path)
    formulas = False
    try:
        # Both zipfile and calamine stop at the declared size: a member too small to hold
        # MAX_CELLS usual cell tags need not have them counted.
        count = archive.getinfo(path).file_size >= _SHORTEST_CELL * limits.MAX_CELLS
        for chunk in _chunks(archive, path):
            if chunk is None:
                scan.odd = True
                return scan
            if count:
                scan.cell_tags += chunk.count(b'<c r="')
            for match in _UNUSUAL_CELL.finditer(chunk):
                scan.cell_tags += 1
                placed = _place(match.group(0))
                if placed is None:
                    scan.odd = True  # implicit position, odd quoting: only a real XML parser can tell
                elif placed[2]:
                    scan.far = True
            if _PREFIXED_HINT.search(chunk) and _PREFIXED_CELL.search(chunk):
                scan.odd = True
            formulas = formulas or _FORMULA_HINT.search(chunk) is not None
            if formulas:
                for m in _FORMULA_NO_VALUE.finditer(chunk):
                    formula = html.unescape((m.group(3) or b"").decode("utf-8", "replace"))
                    scan.formulas[(int(m.group(2)), column_index(m.group(1).decode()))] = (
                        f"={formula}" if formula else "(formule partagée)")
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        scan.odd = True  # the reader will say what is wrong with the file
    return scan


@dataclass
class Extent:
    lines_with_data: int = 0
    height: int = 0  # last filled line, 1-based
    width: int = 0  # last filled column, 1-based
    cells: int = 0
    first_beyond: tuple[int, int] | None = None


def exact_extent(archive: zipfile.ZipFile, path: str) -> Extent | None:
    """Where the filled cells really are, every cell tag placed; None if one cannot be placed plainly."""
    extent = Extent()
    last_row = -1
    for chunk in _chunks(archive, path):
        if chunk is None:
            return None
        for match in _ANY_CELL.finditer(chunk):
            placed = _place(match.group(0))
            if placed is None:
                return None
            row, col, filled = placed
            if not filled:
                continue
            extent.cells += 1
            if row != last_row:
                extent.lines_with_data += 1
                last_row = row
            if extent.first_beyond is None and beyond_limits(row, col):
                extent.first_beyond = (row, col)
            extent.height = max(extent.height, row + 1)
            extent.width = max(extent.width, col + 1)
    return extent


def verdict(archive: zipfile.ZipFile, name: str, scan: SheetScan) -> tuple[str, Issue | None, int]:
    """(DENSE, SPARSE or REFUSED, the refusal, the cells a dense read would build at most).

    DENSE: calamine may read it; SPARSE: read its filled cells only; REFUSED: the issue says why.
    """
    if scan.cell_tags > limits.MAX_CELLS:
        return REFUSED, too_many_cells(name), 0
    if scan.odd:
        return SPARSE, None, 0
    if not scan.far:  # everything within Z99999; a small sheet is placed exactly, it costs little
        small = archive.getinfo(scan.path).file_size <= SMALL_SHEET_BYTES
        extent = exact_extent(archive, scan.path) if small else None
        return DENSE, None, extent.height * extent.width if extent else limits.DENSE_CELLS
    extent = exact_extent(archive, scan.path)
    if extent is None:
        return SPARSE, None, 0
    if extent.first_beyond is not None:
        row, col = extent.first_beyond
        return REFUSED, limit_issue(name, row, col, extent.lines_with_data), 0
    area = extent.height * extent.width
    return (DENSE, None, area) if area <= limits.DENSE_CELLS else (SPARSE, None, 0)


def open_archive(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))
