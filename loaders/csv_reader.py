"""Read a CSV tracker sheet as French Excel and LibreOffice write it: `;` or `,`, UTF-8 or Windows-1252."""

from __future__ import annotations

import csv
import io

from domain.issue_catalogue import Issue, make_issue
from loaders import limits
from loaders.file_guard import decode_text
from loaders.raw_sheet import RawSheet


def sniff_delimiter(text: str) -> str:
    """The separator used most on the first lines (quoted text can hold the others)."""
    sample = text[:20_000].splitlines()[:40]
    counts = {sep: sum(line.count(sep) for line in sample) for sep in (";", ",", "\t")}
    return max(counts, key=counts.get)


def read_csv(data: bytes, sheet_name: str) -> tuple[list[RawSheet], list[Issue]]:
    """One raw sheet; record n is Excel line n, as when Excel opens the file."""
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows: list[list] = []
    try:
        for record in reader:
            if len(rows) >= limits.MAX_ROWS + limits.HEADER_SEARCH_ROWS:
                return [], [make_issue("too_many_rows", sheet_name=sheet_name, limit=f"{limits.MAX_ROWS:,}".replace(",", " "))]
            if len(record) > limits.MAX_COLUMNS:
                return [], [make_issue("too_many_columns", sheet_name=sheet_name, value=len(record), limit=limits.MAX_COLUMNS)]
            rows.append(record)
    except csv.Error as exc:
        return [], [make_issue("unreadable_file", value=f"CSV mal formé : {exc}")]
    return [RawSheet(sheet_name, rows)], []
