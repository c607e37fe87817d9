"""The `partners` frame (the tracker's « Partenaires » sheet) built by hand with exactly the contract's columns and
dtypes (/work/contract13.md): sector_id, organisation, partner_type, contact, email as str, opted_out boolean
(nullable), source_file str, source_row int64. Its loader is another branch's work; these tests code against it, and
once `domain.tracker_schema` declares the sheet, every frame built here is checked against the declaration."""

from __future__ import annotations

import pandas as pd

from domain.tracker_schema import SHEETS, conformance_problems

PARTNER_COLUMNS = ["sector_id", "organisation", "partner_type", "contact", "email", "opted_out", "source_file",
                   "source_row"]


def partners(rows: list[dict]) -> pd.DataFrame:
    """The contract's `partners` frame: str columns, opted_out boolean (nullable), source_row int64."""
    cells = {c: [row.get(c) for row in rows] for c in PARTNER_COLUMNS}
    cells["source_file"] = [v or "suivi.xlsx" for v in cells["source_file"]]
    cells["source_row"] = [v or i + 2 for i, v in enumerate(cells["source_row"])]
    out = pd.DataFrame({c: pd.array(cells[c], dtype="str") for c in PARTNER_COLUMNS[:5] + ["source_file"]})
    out.insert(5, "opted_out", pd.array(cells["opted_out"], dtype="boolean"))
    out["source_row"] = pd.array(cells["source_row"], dtype="int64")
    out = out[PARTNER_COLUMNS]
    if "partners" in SHEETS:  # once the sheet is declared, the hand-built frame must be the declared one
        assert conformance_problems(out, "partners") == [], conformance_problems(out, "partners")
    return out
