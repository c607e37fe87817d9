"""The raw grid of one sheet, as the user sees it in Excel: line 1 is rows[0], column A is rows[i][0]."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawSheet:
    name: str
    rows: list[list]  # cell values: str, float, int, bool, date, datetime; "" when empty
    # (Excel line, 0-based column) -> formula text, for formulas that have no cached value
    formulas_without_value: dict[tuple[int, int], str] = field(default_factory=dict)


def column_letter(index: int) -> str:
    """0 -> "A", 27 -> "AB"."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """ "A" -> 0, "AB" -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1
