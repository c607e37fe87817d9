"""A tracker's sheets saved one by one as Excel saves « CSV (séparateur : point-virgule) » on a French Windows.

What Excel writes: the cells as they are displayed (dates in the cell's
JJ/MM/AAAA format, whole numbers without decimals, Oui / Non and list labels
as typed), `;` between cells, every line as wide as the sheet, a field quoted
only when it holds `;`, `"` or a line break (quotes doubled), CRLF line ends,
Windows-1252 text (a character outside it becomes « ? »). Optional title
lines above the headers, as animators often keep them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from openpyxl import load_workbook

SHEET_FILES = {"meetings": ("Réunions", "reunions"), "problems": ("Problèmes", "problemes"), "actions": ("Actions", "actions")}


def _displayed(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")  # the template's DD/MM/YYYY cell format
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sheet_as_excel_csv(workbook: bytes | Path, sheet: str, *, title_lines: tuple[str, ...] = ()) -> bytes:
    """One sheet of a .xlsx as Excel's semicolon CSV (bytes, Windows-1252)."""
    source = io.BytesIO(workbook) if isinstance(workbook, bytes) else workbook
    ws = load_workbook(source, data_only=True)[sheet]
    rows = [[_displayed(c) for c in row] for row in ws.iter_rows(values_only=True)]
    while rows and not any(rows[-1]):  # the export's spare lines (lists and formats only) hold no value
        rows.pop()
    width = max(len(r) for r in rows)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for title in title_lines:
        writer.writerow([title] + [""] * (width - 1))
    if title_lines:
        writer.writerow([""] * width)
    for row in rows:
        writer.writerow(row + [""] * (width - len(row)))
    return buffer.getvalue().encode("cp1252", errors="replace")


def tracker_as_excel_csvs(workbook: bytes | Path, out_dir: Path, stem: str, *, title_lines: bool = False) -> dict[str, Path]:
    """The Réunions, Problèmes and Actions sheets saved as `<stem>_reunions.csv`, … in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for key, (sheet, suffix) in SHEET_FILES.items():
        titles = (f"Suivi du GPO – {sheet}", f"Mis à jour le 20/11/2026") if title_lines else ()
        path = out_dir / f"{stem}_{suffix}.csv"
        path.write_bytes(sheet_as_excel_csv(workbook, sheet, title_lines=titles))
        paths[key] = path
    return paths
