"""Tiny normalized frames for indicator tests, with the declared columns and dtypes (`domain.tracker_schema`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from domain.tracker_schema import SHEETS, Kind, frame_from_values


def _day(value: object) -> object:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def frame(key: str, rows: list[dict]) -> pd.DataFrame:
    """Rows give only what matters to the test (dates may be "YYYY-MM-DD"); the rest of the columns are empty,
    but for `source_row`, numbered from line 2."""
    values = {}
    for column in SHEETS[key].frame_columns:
        cells = [row.get(column.field) for row in rows]
        if column.kind is Kind.DATE:
            cells = [_day(v) for v in cells]
        elif column.field == "source_row":
            cells = [v if v is not None else i + 2 for i, v in enumerate(cells)]
        values[column.field] = cells
    return frame_from_values(key, values)
