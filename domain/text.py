"""Text folding used wherever people type names: headers, sheet names, vocabularies, places."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Ligatures and letters NFKD does not split into base + accent.
_SPECIAL = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "ø": "o"})


def fold(text: object) -> str:
    """Lower-case, strip accents, turn punctuation and line breaks into single spaces.

    >>> fold("  Date de\\nRÉSOLUTION : ")
    'date de resolution'
    >>> fold("N°")
    'n'
    """
    if text is None:
        return ""
    s = str(text).lower().translate(_SPECIAL)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", s).strip()


def squash(text: object) -> str:
    """`fold` with every space removed: "Freyming - Merlebach" and "freymingmerlebach" meet."""
    return fold(text).replace(" ", "")


def singular(word: str) -> str:
    """Drop a plural mark at the end of a folded word ("problemes" -> "probleme")."""
    if len(word) > 3 and word.endswith(("s", "x")):
        return word[:-1]
    return word
