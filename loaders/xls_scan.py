"""Where the filled cells of an .xls (Excel 97-2003) workbook are, before calamine opens it.

calamine parses every sheet of an .xls when the file is opened and builds each
one whole, from A1 to its farthest filled cell: one value in IV65536 asks for
16.7 million cells (about 1 GB). So the workbook stream is walked first, record
by record, without decoding any value: the OLE2 container is followed to the
"Workbook" stream, each worksheet's cell records give their line and column.
Blank (formatted-only) cells count for nothing, as for calamine.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from domain.issue_catalogue import Issue, make_issue
from loaders import limits
from loaders.raw_sheet import column_letter
from loaders.sparse_sheet import beyond_limits, cell_ref, limit_issue, too_many_cells

_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
_BOF, _EOF, _BOUNDSHEET = 0x0809, 0x000A, 0x0085
# Records that hold one value at (row, column): NUMBER, LABEL, LABELSST, RK, BOOLERR, FORMULA, RSTRING,
# and their BIFF2-4 forms.
_ONE_CELL = {0x0203, 0x0204, 0x00FD, 0x027E, 0x0205, 0x0006, 0x00D6, 0x0406, 0x0002, 0x0003, 0x0004, 0x0005}
_MULRK = 0x00BD  # several RK values in one line: row, first column, ..., last column


class _Broken(Exception):
    """The container or stream is not what an .xls is: calamine will say how."""


@dataclass
class XlsSheet:
    name: str
    cells: int = 0
    lines_with_data: int = 0
    height: int = 0
    width: int = 0
    farthest: tuple[int, int] = (0, 0)  # the filled cell spanning the largest rectangle from A1


def scan_xls(data: bytes) -> tuple[list[XlsSheet], Issue | None]:
    """Every worksheet's filled extent, or a file-level issue; ([], None) if the file cannot be walked."""
    try:
        stream = _workbook_stream(data)
        return _sheets(stream)
    except (_Broken, struct.error, IndexError, ValueError):
        return [], None


def spread_issue(sheets: list[XlsSheet]) -> Issue:
    """The file is within the limits, but reading it whole would be too heavy: name the farthest cell."""
    sheet = max(sheets, key=lambda s: s.height * s.width)
    row, col = sheet.farthest
    return make_issue("xls_too_spread", sheet_name=sheet.name, value=cell_ref(row, col), letters=column_letter(col))


def _workbook_stream(data: bytes) -> bytes:
    if len(data) < 512 or data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _Broken("not an OLE2 file")
    sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
    if sector_size not in (512, 4096) or mini_size != 64:
        raise _Broken("odd sector size")
    fat_count, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_minifat, minifat_count, first_difat, difat_count = struct.unpack_from("<IIIII", data, 0x38)
    sectors = (len(data) - sector_size) // sector_size

    def sector(n: int) -> bytes:
        if n >= sectors:
            raise _Broken("sector out of file")
        start = (n + 1) * sector_size
        return data[start:start + sector_size]

    difat = [n for n in struct.unpack_from("<109I", data, 0x4C) if n not in (_FREE, _END_OF_CHAIN)]
    n, seen = first_difat, 0
    while n not in (_FREE, _END_OF_CHAIN) and seen <= difat_count:
        entries = struct.unpack(f"<{sector_size // 4}I", sector(n))
        difat += [e for e in entries[:-1] if e not in (_FREE, _END_OF_CHAIN)]
        n, seen = entries[-1], seen + 1
    fat: list[int] = []
    for n in difat[:fat_count]:
        fat += struct.unpack(f"<{sector_size // 4}I", sector(n))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        found = []
        while start not in (_FREE, _END_OF_CHAIN):
            if start >= len(table) or len(found) > limit:
                raise _Broken("broken chain")
            found.append(start)
            start = table[start]
        return found

    directory = b"".join(sector(n) for n in chain(first_dir, fat, sectors))
    entries = {}
    root = None
    for offset in range(0, len(directory) - 127, 128):
        entry = directory[offset:offset + 128]
        length = struct.unpack_from("<H", entry, 64)[0]
        name = entry[:max(0, length - 2)].decode("utf-16-le", "replace")
        kind = entry[66]
        start, size = struct.unpack_from("<II", entry, 116)
        if kind == 5:
            root = (start, size)
        elif kind == 2:
            entries[name] = (start, size)
    target = entries.get("Workbook") or entries.get("Book")
    if target is None or root is None:
        raise _Broken("no workbook stream")
    start, size = target
    if size >= cutoff:
        return b"".join(sector(n) for n in chain(start, fat, sectors))[:size]
    mini_stream = b"".join(sector(n) for n in chain(root[0], fat, sectors))
    minifat: list[int] = []
    for n in chain(first_minifat, fat, sectors)[:minifat_count]:
        minifat += struct.unpack(f"<{sector_size // 4}I", sector(n))
    pieces = [mini_stream[m * mini_size:(m + 1) * mini_size] for m in chain(start, minifat, len(minifat))]
    return b"".join(pieces)[:size]


def _sheets(stream: bytes) -> tuple[list[XlsSheet], Issue | None]:
    """Walk the globals for the worksheets (BOUNDSHEET), then each worksheet's substream."""
    worksheets: list[tuple[int, str]] = []
    pos = 0
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4:pos + 4 + length]
        if kind == _BOUNDSHEET and len(body) >= 8 and body[5] == 0:  # 0: a worksheet (not a chart or macro)
            worksheets.append((struct.unpack_from("<I", body)[0], _sheet_name(body[6:])))
        if kind == _EOF:
            break
        pos += 4 + length
    sheets = []
    for offset, name in worksheets:
        sheet = XlsSheet(name)
        last_row = -1
        pos = offset
        while pos + 4 <= len(stream):
            kind, length = struct.unpack_from("<HH", stream, pos)
            body = stream[pos + 4:pos + 4 + length]
            pos += 4 + length
            if kind == _EOF:
                break
            if kind in _ONE_CELL and len(body) >= 4:
                row, first = struct.unpack_from("<HH", body)
                last = first
            elif kind == _MULRK and len(body) >= 6:
                row, first = struct.unpack_from("<HH", body)
                last = struct.unpack_from("<H", body, len(body) - 2)[0]
            else:
                continue
            if last < first:
                continue
            if beyond_limits(row, last):
                return [], limit_issue(name, row, max(first, limits.MAX_COLUMNS) if last >= limits.MAX_COLUMNS else last,
                                       sheet.lines_with_data)
            sheet.cells += last - first + 1
            if sheet.cells > limits.MAX_CELLS:
                return [], too_many_cells(name)
            if row != last_row:
                sheet.lines_with_data += 1
                last_row = row
            sheet.height = max(sheet.height, row + 1)
            sheet.width = max(sheet.width, last + 1)
            if (row + 1) * (last + 1) > (sheet.farthest[0] + 1) * (sheet.farthest[1] + 1):
                sheet.farthest = (row, last)
        sheets.append(sheet)
    return sheets, None


def _sheet_name(body: bytes) -> str:
    """A BOUNDSHEET name: a length, an 8/16-bit flag (BIFF8), the characters."""
    if not body:
        return ""
    length = body[0]
    if len(body) >= 2 and body[1] in (0, 1) and len(body) in (2 + length, 2 + 2 * length):
        raw = body[2:]
        return raw.decode("utf-16-le", "replace") if body[1] == 1 else raw.decode("latin-1")
    return body[1:1 + length].decode("cp1252", "replace")
