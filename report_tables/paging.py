"""Long tables shown a page at a time: the rows of one page, and the French caption giving the count.

Pure: a page keeps the page number in a widget and calls ``page_of``; nothing is dropped in silence, the caption
says how many rows there are and which ones are shown.
"""

from __future__ import annotations

import math

import pandas as pd

from domain.formatting import fr_int

PAGE_SIZE = 200  # rows shown at once: a browser table stays quick, and the count is always said


def page_of(frame: pd.DataFrame, page: int, size: int = PAGE_SIZE) -> tuple[pd.DataFrame, int, int]:
    """(rows of page ``page``, total rows, number of pages). Pages count from 1; a page out of range gives the
    nearest one (the last page after a filter shortened the table), and an empty table has one empty page."""
    if size < 1:
        raise ValueError("page size must be at least 1")
    total = len(frame)
    pages = max(1, math.ceil(total / size))
    page = min(max(int(page), 1), pages)
    return frame.iloc[(page - 1) * size: page * size], total, pages


def page_caption(page: int, total: int, size: int = PAGE_SIZE) -> str:
    """« 200 premières lignes sur 4 450 », « lignes 201 à 400 sur 4 450 (page 2 sur 23) », or « 12 lignes »."""
    pages = max(1, math.ceil(total / size))
    page = min(max(int(page), 1), pages)
    if total <= size:
        return "Aucune ligne" if total == 0 else f"{fr_int(total)} ligne" + ("s" if total > 1 else "")
    if page == 1:
        return f"{fr_int(size)} premières lignes sur {fr_int(total)}"
    first, last = (page - 1) * size + 1, min(page * size, total)
    return f"Lignes {fr_int(first)} à {fr_int(last)} sur {fr_int(total)} (page {fr_int(page)} sur {fr_int(pages)})"
