"""Numbers and dates the French way: 1 234, 42 %, 12,5 j, 25/11/2026. Used by every table and chart."""

from __future__ import annotations

import datetime as dt

import pandas as pd

THIN_SPACE = "\u202f"  # the French thousands separator (narrow no-break space)


def _missing(value: object) -> bool:
    """None, NaN, NA and NaT all mean "no value"."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fr_int(value: object) -> str:
    if _missing(value):
        return "–"
    return f"{int(round(float(value))):,}".replace(",", THIN_SPACE)


def fr_number(value: object, decimals: int = 1) -> str:
    if _missing(value):
        return "–"
    text = f"{float(value):,.{decimals}f}".replace(",", THIN_SPACE).replace(".", ",")
    return text


def fr_pct(value: object, decimals: int = 0) -> str:
    """0.4267 -> "43 %" (a share between 0 and 1)."""
    if _missing(value):
        return "–"
    return f"{fr_number(100 * float(value), decimals)}{THIN_SPACE}%"


def fr_date(value: object) -> str:
    if _missing(value):
        return "–"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        value = value.date()
    return value.strftime("%d/%m/%Y")


def fr_days(value: object) -> str:
    if _missing(value):
        return "–"
    n = float(value)
    return f"{fr_number(n, 0 if n.is_integer() else 1)} j"


def rate_with_counts(numerator: int, denominator: int) -> str:
    """ "43 % (6/14)": a rate is never shown without its counts."""
    if not denominator:
        return "– (0/0)"
    return f"{fr_pct(numerator / denominator)} ({fr_int(numerator)}/{fr_int(denominator)})"
