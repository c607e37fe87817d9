"""Column helpers of the indicator engine: sector codes, day numbers, masks and grouped reductions in numpy.

Every figure of the engine is computed on plain numpy arrays: each row gets the
position of its sector in the requested list (its code, -1 when the sector was
not asked for), dates become day numbers (days since 1970-01-01, with a mask for
missing dates), and per-sector figures are `bincount`s and `minimum.at`s over
the codes. No Python loop runs over rows, nor over sectors except to read their
reference attributes (cadence, constitution date, communes).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

EPOCH = dt.date(1970, 1, 1)
NO_DAY = np.iinfo(np.int64).max  # "no date" in a grouped minimum: larger than any day number
NO_DAY_LOW = np.iinfo(np.int64).min  # "no date" in a grouped maximum


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def day_of(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


def _arrow(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The column as Arrow: free for the Arrow-backed `str` columns of the normalized frames."""
    return pa.array(column, from_pandas=True)


def sector_codes(column: pd.Series, sector_ids: list[str]) -> np.ndarray:
    """Position of each row's sector in `sector_ids` (unique), -1 for any other sector or a missing one."""
    if not len(column):
        return np.zeros(0, dtype=np.int64)
    found = pc.index_in(_arrow(column), value_set=pa.array(sector_ids, type=pa.string()))
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def is_in(column: pd.Series, values: tuple[str, ...] | list[str]) -> np.ndarray:
    """Row mask: the text equals one of `values` (a missing value never does)."""
    if not len(column):
        return np.zeros(0, dtype=bool)
    found = pc.is_in(_arrow(column), value_set=pa.array(list(values), type=pa.string()), skip_nulls=True)
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


def day_numbers(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(day numbers, mask of rows with a date). Dates of the normalized frames are days at midnight."""
    values = column.to_numpy()
    if values.dtype.kind != "M":
        values = pd.to_datetime(column).to_numpy()
    days = values.astype("datetime64[D]")
    present = ~np.isnat(days)
    return np.where(present, days.view(np.int64), 0), present


def flags(column: pd.Series) -> np.ndarray:
    """A yes/no column as a numpy mask, an unknown value counted as no."""
    return column.fillna(False).to_numpy(dtype=bool)


def count_by(codes: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
    """Per sector: rows where `mask` holds (rows of other sectors, code -1, never count)."""
    keep = mask & (codes >= 0)
    return np.bincount(codes[keep], minlength=size).astype(np.int64)


def min_by(codes: np.ndarray, values: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
    """Per sector: smallest value where `mask` holds, NO_DAY when none."""
    out = np.full(size, NO_DAY, dtype=np.int64)
    keep = mask & (codes >= 0)
    np.minimum.at(out, codes[keep], values[keep])
    return out


def max_by(codes: np.ndarray, values: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
    """Per sector: largest value where `mask` holds, NO_DAY_LOW when none."""
    out = np.full(size, NO_DAY_LOW, dtype=np.int64)
    keep = mask & (codes >= 0)
    np.maximum.at(out, codes[keep], values[keep])
    return out


def sorted_by_sector(codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, values) sorted by sector then value: one sort of a combined 64-bit key.

    Codes are small non-negative ints and values are day numbers or day counts
    (|value| < 2**31), so `code * 2**32 + value + 2**31` orders them exactly.
    """
    key = np.sort(codes.astype(np.int64) * (1 << 32) + (values.astype(np.int64) + (1 << 31)))
    return key >> 32, (key & 0xFFFFFFFF) - (1 << 31)


def group_medians(codes: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Per sector: median of `values` (numpy's: mean of the two middle values), NaN when none."""
    codes, values = sorted_by_sector(codes, values)
    counts = np.bincount(codes, minlength=size)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    out = np.full(size, np.nan)
    some = counts > 0
    low = values[(starts + (counts - 1) // 2)[some]].astype(np.float64)
    high = values[(starts + counts // 2)[some]].astype(np.float64)
    out[some] = (low + high) / 2
    return out


def dates_or_none(numbers: np.ndarray, present: np.ndarray) -> list[dt.date | None]:
    """Day numbers as Python dates, None where absent."""
    return [day_of(n) if p else None for n, p in zip(numbers.tolist(), present.tolist())]


def as_datetimes(numbers: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Day numbers as datetime64[us] (NaT where absent), the dtype of the normalized frames."""
    out = np.where(present, numbers, 0).astype("datetime64[D]").astype("datetime64[us]")
    out[~present] = np.datetime64("NaT")
    return out
