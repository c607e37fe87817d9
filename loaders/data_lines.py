"""The lines under a header: blank ones skipped, a totals or notes line at the bottom set aside."""

from __future__ import annotations

import re

from domain.text import fold
from loaders.raw_sheet import RawSheet

DataLine = tuple[int, list]  # (Excel line, cells)

_FOOTER_WORDS = re.compile(
    r"^(total|totaux|sous total|nb|nombre|somme|moyenne|note|nota|nb |remarque|remarques|commentaire general|"
    r"mise a jour|maj|derniere mise a jour|source|legende|fin du tableau|signature|fait a|le redacteur|valide par)\b"
)


def _is_blank(cells: list) -> bool:
    filled = len(cells) - cells.count("")
    if filled == 0:
        return True
    if filled > 3:  # the common case, decided without a Python loop
        return False
    return all(cell == "" or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def data_lines(sheet: RawSheet, header_line: int) -> list[DataLine]:
    """Every non-blank line under the header, with its Excel line number."""
    rows = sheet.rows
    return [(index + 1, rows[index]) for index in range(header_line, len(rows)) if not _is_blank(rows[index])]


def split_footer(lines: list[DataLine]) -> tuple[list[DataLine], list[tuple[int, str]]]:
    """Take trailing totals / notes lines off the end: (data lines, [(Excel line, text shown)]).

    A footer line has at most two filled cells and one of them starts with a
    word such as "Total", "Nombre", "Mise à jour", "Source" or "Note".
    """
    footers: list[tuple[int, str]] = []
    end = len(lines)
    while end > 0:
        line, cells = lines[end - 1]
        filled = [c for c in cells if c != "" and not (isinstance(c, str) and not c.strip())]
        texts = [str(c).strip() for c in filled if isinstance(c, str)]
        if len(filled) <= 2 and any(_FOOTER_WORDS.match(fold(t)) for t in texts):
            shown = " ".join(str(c).strip() if isinstance(c, str) else _short(c) for c in filled)
            footers.append((line, shown[:120]))
            end -= 1
        else:
            break
    footers.reverse()
    return lines[:end], footers


def _short(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
