"""Hand-built frames of the cycle (issue 13), with exactly the columns and dtypes of /work/contract13.md.

The loaders and `domain.tracker_schema` gain these columns in another branch; until then (and to stay
independent of them) the cycle's tests build their frames here: the problems frame with `stage`, `outcome`,
`lead_partner` after `resolved_on`, and the `diagnostics` frame. `tests/test_cycle.py` checks them against
the schema once it declares them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tests.indicator_frames import frame

# (field, dtype) in the contract's order
PROBLEM_FIELDS = (
    ("sector_id", "str"), ("problem_id", "str"), ("reported_on", "datetime64[us]"), ("commune_insee", "str"),
    ("commune_name", "str"), ("location", "str"), ("category", "str"), ("description", "str"),
    ("reported_by", "str"), ("priority", "str"), ("status", "str"), ("due_on", "datetime64[us]"),
    ("resolved_on", "datetime64[us]"), ("stage", "str"), ("outcome", "str"), ("lead_partner", "str"),
    ("source_file", "str"), ("source_row", "int64"),
)
DIAGNOSTIC_FIELDS = (
    ("sector_id", "str"), ("diagnosed_on", "datetime64[us]"), ("title", "str"), ("shared_on", "datetime64[us]"),
    ("priority_problem_ids", "str"), ("summary", "str"), ("source_file", "str"), ("source_row", "int64"),
)


def _column(values: list, dtype: str):
    if dtype.startswith("datetime64"):
        days = [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
        return np.array([np.datetime64(d, "D") if d is not None else np.datetime64("NaT") for d in days],
                        dtype="datetime64[D]").astype(dtype)
    return pd.array(values, dtype=dtype)


def _frame(fields: tuple[tuple[str, str], ...], rows: list[dict], defaults: dict) -> pd.DataFrame:
    columns = {}
    for field, dtype in fields:
        values = [row.get(field, defaults.get(field)) for row in rows]
        if field == "source_row":
            values = [v if v is not None else i + 2 for i, v in enumerate(values)]
        columns[field] = _column(values, dtype)
    return pd.DataFrame(columns, columns=[f for f, _ in fields])


def problems(rows: list[dict]) -> pd.DataFrame:
    return _frame(PROBLEM_FIELDS, rows, {"source_file": "suivi.xlsx", "commune_name": "Marly",
                                         "category": "Nuisances sonores"})


def diagnostics(rows: list[dict]) -> pd.DataFrame:
    return _frame(DIAGNOSTIC_FIELDS, rows, {"source_file": "suivi.xlsx"})


def actions(rows: list[dict]) -> pd.DataFrame:
    return frame("actions", [{"source_file": "suivi.xlsx", **r} for r in rows])


def meetings(rows: list[dict]) -> pd.DataFrame:
    return frame("meetings", [{"source_file": "suivi.xlsx", "kind": "ordinary", **r} for r in rows])
