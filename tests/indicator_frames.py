"""Tiny normalized frames for indicator tests, with the loader's columns and dtypes."""

from __future__ import annotations

import pandas as pd

from loaders.schema import OUTPUT_COLUMNS

DATES = {"meeting_date", "reported_on", "due_on", "resolved_on", "started_on", "done_on"}
BOOLS = {"mayor_present", "municipal_police_present", "national_police_present"}


def frame(key: str, rows: list[dict]) -> pd.DataFrame:
    """Rows give only what matters to the test; the rest of the columns are empty."""
    data = {}
    for column in OUTPUT_COLUMNS[key]:
        values = [row.get(column) for row in rows]
        if column in DATES:
            data[column] = pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[us]")
        elif column in BOOLS:
            data[column] = pd.array(values, dtype="boolean")
        elif column in ("attendees", "source_row"):
            data[column] = pd.array([v if v is not None else (i + 2 if column == "source_row" else None)
                                     for i, v in enumerate(values)], dtype="Int64")
        else:
            data[column] = pd.array(values, dtype="str")
    return pd.DataFrame(data, columns=list(OUTPUT_COLUMNS[key]))
