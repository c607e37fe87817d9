"""Normalized frames to SQL rows and back, with the loader's dtypes (dates, nullable booleans and ints)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from loaders.schema import OUTPUT_COLUMNS

DATE_COLUMNS = {"meeting_date", "reported_on", "due_on", "resolved_on", "started_on", "done_on"}
BOOL_COLUMNS = {"mayor_present", "municipal_police_present", "national_police_present"}
INT_COLUMNS = {"attendees", "source_row"}


def _plain(value: object, column: str) -> object:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return None
    if column in DATE_COLUMNS:
        return value.date() if isinstance(value, (pd.Timestamp, dt.datetime)) else value
    if column in BOOL_COLUMNS:
        return bool(value)
    if column in INT_COLUMNS:
        return int(value)
    return str(value)


def to_records(frame: pd.DataFrame, key: str, import_id: int) -> list[dict]:
    """Rows ready for an executemany insert."""
    columns = list(OUTPUT_COLUMNS[key])
    records = []
    for values in frame[columns].itertuples(index=False, name=None):
        record = {column: _plain(value, column) for column, value in zip(columns, values)}
        record["import_id"] = import_id
        records.append(record)
    return records


def from_records(rows: list[dict], key: str) -> pd.DataFrame:
    """A frame with exactly the loader's columns and dtypes (an empty one too)."""
    columns = list(OUTPUT_COLUMNS[key])
    data = {}
    for column in columns:
        values = [row[column] for row in rows]
        if column in DATE_COLUMNS:
            data[column] = pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[us]")
        elif column in BOOL_COLUMNS:
            data[column] = pd.array(values, dtype="boolean")
        elif column == "attendees":
            data[column] = pd.array(values, dtype="Int64")
        elif column == "source_row":
            data[column] = pd.array(values, dtype="int64")
        else:
            data[column] = pd.array(values, dtype="str")
    return pd.DataFrame(data, columns=columns)
