"""French formatting of numbers and dates, missing values included."""

import datetime as dt

import pandas as pd
import pytest

from domain.formatting import fr_date, fr_days, fr_int, fr_number, fr_pct, rate_with_counts


@pytest.mark.parametrize("fn,value,expected", [
    (fr_int, 1234567, "1\u202f234\u202f567"), (fr_int, None, "–"), (fr_int, float("nan"), "–"),
    (fr_number, 12.345, "12,3"), (fr_pct, 0.4267, "43\u202f%"), (fr_pct, pd.NA, "–"),
    (fr_date, dt.date(2026, 3, 4), "04/03/2026"), (fr_date, pd.Timestamp("2026-11-25"), "25/11/2026"),
    (fr_date, pd.NaT, "–"), (fr_date, None, "–"), (fr_days, 12.0, "12 j"), (fr_days, 12.5, "12,5 j"),
])
def test_formats(fn, value, expected):
    assert fn(value) == expected


def test_rate_always_with_counts():
    assert rate_with_counts(6, 14) == "43\u202f% (6/14)"
    assert rate_with_counts(0, 0) == "– (0/0)"
