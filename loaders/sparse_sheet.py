"""A sheet kept as its filled cells only, for sheets whose filled cells lie far apart.

A dense reader builds every cell from A1 to the farthest filled one; a stray
value in XFD1048576 would make that 17 billion cells. Here only filled cells
are stored, and the raw grid handed to the validator has one short row per
filled line and one shared empty row for every other line, so a value far
away is still a line the validator reports, at its own Excel line.
"""

from __future__ import annotations

from domain.issue_catalogue import Issue, make_issue
from loaders import limits
from loaders.raw_sheet import RawSheet, column_letter

_EMPTY_ROW: tuple = ()  # shared by every line without a value; a tuple, so nobody can fill it by mistake


def cell_ref(row: int, col: int) -> str:
    """0-based position -> the reference Excel shows: (1047575, 16383) -> "XFD1048576"."""
    return f"{column_letter(col)}{row + 1}"


def beyond_limits(row: int, col: int) -> bool:
    """Is this 0-based position past the last line or column a tracker may use?"""
    return row >= limits.last_line() or col >= limits.MAX_COLUMNS


def limit_issue(sheet_name: str, row: int, col: int, lines_with_data: int) -> Issue:
    """The file-level error for a value found past the limits: too many lines, or one stray cell named."""
    if lines_with_data > limits.MAX_ROWS:
        return make_issue("too_many_rows", sheet_name=sheet_name, limit=_thousands(limits.MAX_ROWS))
    return make_issue("cell_beyond_limits", sheet_name=sheet_name, value=cell_ref(row, col),
                      line=_thousands(row + 1), letters=column_letter(col),
                      limit=f"{_thousands(limits.last_line())} lignes et {limits.MAX_COLUMNS} colonnes, "
                            f"soit jusqu'à la colonne {column_letter(limits.MAX_COLUMNS - 1)}")


def too_many_cells(sheet_name: str, whole_file: bool = False) -> Issue:
    limit = (f"{_thousands(limits.MAX_CELLS_IN_FILE)} cellules remplies pour tout le fichier" if whole_file else
             f"{_thousands(limits.MAX_CELLS)} cellules remplies ou mises en forme par feuille")
    return make_issue("too_many_cells", sheet_name=sheet_name, limit=limit)


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


class FileCells:
    """Filled cells read so far in the whole file (every sheet), against MAX_CELLS_IN_FILE."""

    def __init__(self):
        self.count = 0


class SparseSheet:
    """Filled cells by 0-based (line, column); the caller checks positions against the limits."""

    def __init__(self, name: str, file_cells: FileCells | None = None):
        self.name = name
        self.lines: dict[int, dict[int, object]] = {}
        self.count = 0
        self.file_cells = file_cells or FileCells()

    def put(self, row: int, col: int, value: object) -> None:
        line = self.lines.get(row)
        if line is None:
            line = self.lines[row] = {}
        if col not in line:
            self.count += 1
            self.file_cells.count += 1
        line[col] = value

    def too_full(self) -> Issue | None:
        if self.count > limits.MAX_CELLS:
            return too_many_cells(self.name)
        if self.file_cells.count > limits.MAX_CELLS_IN_FILE:
            return too_many_cells(self.name, whole_file=True)
        return None

    def fill_merged(self, ranges: list) -> Issue | None:
        """Copy each merged range's top-left value into its empty cells, as `_fill_merged` does on a dense grid.

        A range is cut to the sheet's filled extent, as the dense grid would cut it;
        if filling would make the sheet hold more cells than the limit, the file is refused.
        """
        if not self.lines:
            return None
        height = max(self.lines) + 1
        width = max(max(line) for line in self.lines.values()) + 1
        for (r0, c0), (r1, c1) in ranges:
            value = self.lines.get(r0, {}).get(c0, "")
            if value == "":
                continue
            for r in range(r0, min(r1, height - 1) + 1):
                for c in range(c0, min(c1, width - 1) + 1):
                    line = self.lines.get(r)
                    if line is None or c not in line:
                        self.put(r, c, value)
                        problem = self.too_full()
                        if problem:
                            return problem
        return None

    def raw_sheet(self) -> RawSheet:
        if not self.lines:
            return RawSheet(self.name, [])
        rows: list = [_EMPTY_ROW] * (max(self.lines) + 1)
        for index, line in self.lines.items():
            cells = [""] * (max(line) + 1)
            for col, value in line.items():
                cells[col] = value
            rows[index] = cells
        return RawSheet(self.name, rows)
