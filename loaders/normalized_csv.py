"""Write normalized frames as CSV: UTF-8, domain.md column names, ISO dates, true/false booleans.

Text is written as a spreadsheet will not run it: a cell starting with =, +, -,
@, a tab or a carriage return gets a leading « ' », and invisible characters
(bidi overrides, zero-width) are removed (`domain.safe_text.csv_cell`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from domain.safe_text import csv_cell
from domain.tracker_schema import OUTPUT_COLUMNS, SHEET_ORDER


def to_csv_frame(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """The frame as text cells: dates YYYY-MM-DD, booleans true/false/empty, empty for missing, formulas neutralised."""
    out = pd.DataFrame(index=frame.index)
    for column in OUTPUT_COLUMNS[key]:
        series = frame[column] if column in frame else pd.Series([None] * len(frame), index=frame.index)
        if pd.api.types.is_datetime64_any_dtype(series):
            out[column] = series.dt.strftime("%Y-%m-%d").astype("object").where(series.notna(), "")
        elif isinstance(series.dtype, pd.BooleanDtype):
            out[column] = series.map(lambda v: "" if v is pd.NA else ("true" if v else "false")).astype("object")
        else:
            out[column] = series.astype("object").where(series.notna(), "").map(str).map(csv_cell)
    return out


def write_normalized(frames: dict[str, pd.DataFrame], out_dir: Path | str) -> list[Path]:
    """meetings.csv, problems.csv, actions.csv, diagnostics.csv, partners.csv in `out_dir` (created if needed)."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key in SHEET_ORDER:
        path = folder / f"{key}.csv"
        to_csv_frame(frames[key], key).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    return written
