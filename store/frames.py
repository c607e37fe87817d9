"""Normalized frames to SQL rows and back, by each column's declared kind (`domain.tracker_schema`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from domain.tracker_schema import SHEETS, Kind, frame_from_values


def _date(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value  # a Timestamp is a datetime


_PLAIN = {Kind.DATE: _date, Kind.BOOL: bool, Kind.INT: int, Kind.LINE: int}  # any other kind is text


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value))


def to_records(frame: pd.DataFrame, key: str, import_id: int) -> list[dict]:
    """Rows ready for an executemany insert: plain Python values, None for missing."""
    schema = SHEETS[key]
    fields = schema.fields
    plain = [_PLAIN.get(column.kind, str) for column in schema.frame_columns]
    records = []
    for values in frame[list(fields)].itertuples(index=False, name=None):
        record = {field: None if _is_missing(value) else convert(value)
                  for field, convert, value in zip(fields, plain, values)}
        record["import_id"] = import_id
        records.append(record)
    return records


def from_records(rows: list[dict], key: str) -> pd.DataFrame:
    """A frame with exactly the declared columns and dtypes (an empty one too)."""
    return frame_from_values(key, {field: [row[field] for row in rows] for field in SHEETS[key].fields})
