"""Turn one cell, as people type it, into a normalized value, or say it is not one.

Each parser takes a raw cell value (str, float, int, bool, date, datetime or "")
and returns `(value, ok)`: `(None, True)` for an empty cell, `(None, False)` for
a value that cannot be read. Parsers are pure and cheap to memoize: the
validator calls them once per distinct value of a column, not once per cell.
"""

from __future__ import annotations

import datetime as dt
import re

from domain.text import fold
from domain.vocabulary import NO_WORDS, YES_WORDS

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers of 01/01/2000 and 31/12/2099: a General cell holding a date.
_SERIAL_MIN, _SERIAL_MAX = 36526, 73050
_YEAR_MIN, _YEAR_MAX = 2000, 2099

_DAY_FIRST = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})(?:[ T]\d{1,2}[:h]\d{2}(?::\d{2})?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2,
    "mars": 3, "mar": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7,
    "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_WORDY = re.compile(r"^(\d{1,2})(?: ?er)? ([a-z]+) (\d{4}|\d{2})$")


def _is_empty(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    if year < 100:
        year += 2000
    if not (_YEAR_MIN <= year <= _YEAR_MAX):
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(raw: object) -> tuple[dt.date | None, bool]:
    """Real dates, Excel serials, and text dates, always day first (03/04/2026 is 3 April)."""
    if _is_empty(raw):
        return None, True
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return (raw, True) if _YEAR_MIN <= raw.year <= _YEAR_MAX else (None, False)
    if isinstance(raw, bool):
        return None, False
    if isinstance(raw, (int, float)):
        if float(raw).is_integer() and _SERIAL_MIN <= raw <= _SERIAL_MAX:
            return EXCEL_EPOCH + dt.timedelta(days=int(raw)), True
        return None, False
    if not isinstance(raw, str):
        return None, False
    text = raw.strip()
    m = _DAY_FIRST.match(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        value = _make_date(year, month, day)
        return value, value is not None
    m = _ISO.match(text)
    if m:
        year, month, day = (int(g) for g in m.groups())
        value = _make_date(year, month, day) if year >= 1000 else None
        return value, value is not None
    folded = fold(text)
    for weekday in _WEEKDAYS:
        if folded.startswith(weekday + " "):
            folded = folded[len(weekday) + 1:]
            break
    m = _WORDY.match(folded)
    if m and m.group(2) in _MONTHS:
        value = _make_date(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
        return value, value is not None
    if re.fullmatch(r"\d{5}(?:[.,]0+)?", text):  # a serial typed or exported as text
        return parse_date(float(text.replace(",", ".")))
    return None, False


_YES = {fold(w) for w in YES_WORDS}
_NO = {fold(w) for w in NO_WORDS}


def parse_bool(raw: object) -> tuple[bool | None, bool]:
    """Oui / Non / X / Présent / Absent / O / N / 1 / 0, any case; empty means unknown."""
    if _is_empty(raw):
        return None, True
    if isinstance(raw, bool):
        return raw, True
    if isinstance(raw, (int, float)):
        if raw in (0, 1):
            return bool(raw), True
        return None, False
    key = fold(raw)
    if key in _YES:
        return True, True
    if key in _NO:
        return False, True
    return None, False


def parse_int(raw: object) -> tuple[int | None, bool]:
    if _is_empty(raw):
        return None, True
    if isinstance(raw, bool):
        return None, False
    if isinstance(raw, (int, float)):
        return (int(raw), True) if float(raw).is_integer() and raw >= 0 else (None, False)
    text = str(raw).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if re.fullmatch(r"\d+(?:[.,]0+)?", text):
        return int(float(text.replace(",", "."))), True
    return None, False


def parse_text(raw: object) -> tuple[str | None, bool]:
    """Free text, trimmed; numbers and dates written back the way the user typed them."""
    if type(raw) is str:
        text = raw.strip()
        return (text or None), True
    if raw is None:
        return None, True
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw)), True
    if isinstance(raw, dt.datetime):
        return raw.strftime("%d/%m/%Y"), True
    if isinstance(raw, dt.date):
        return raw.strftime("%d/%m/%Y"), True
    if isinstance(raw, bool):
        return ("Oui" if raw else "Non"), True
    return str(raw).strip(), True


def ref_key(ref: str) -> str:
    """How two references are compared: "p-01 " and "P-01" are the same problem."""
    return "".join(ref.split()).upper()


def parse_vocab(raw: object, table: dict[str, str]) -> tuple[str | None, bool]:
    if _is_empty(raw):
        return None, True
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    code = table.get(fold(raw))
    return (code, True) if code else (None, False)
