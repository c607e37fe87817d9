"""Text typed by users, made safe to show and to export.

Three dangers, one module:

- **Invisible characters.** Bidirectional overrides and isolates (U+202A–U+202E,
  U+2066–U+2069), marks and zero-width characters (U+200B–U+200F, U+2060–U+2064,
  U+FEFF…) change how a text looks without showing themselves: « rapport‮txt.exe »
  reads « rapportexe.txt ». `visible_text` removes them from everything the
  app shows or writes (tables, slides, PDF, spreadsheets, CSV).
- **Markdown.** Streamlit renders markdown in `st.markdown`, `st.write`,
  captions, titles, alerts and in every widget label. `md_escape` turns any
  text into markdown that displays exactly that text: no image fetched, no
  link, no bold, no `:red[…]` or `:material/…:` directive, no LaTeX.
  `tests/test_markdown_safety.py` fails when a page puts a non-literal text in
  one of those calls without it.
- **Formulas.** A spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, a tab
  or a carriage return (OWASP "CSV injection"). `FORMULA_STARTS` is the one list;
  `csv_cell` neutralises a CSV cell (the .xlsx writer uses Excel's quote prefix).
"""

from __future__ import annotations

import re

import pandas as pd

# Characters that change the display of a text without being seen (Unicode "format" characters used for spoofing).
# Code points, not literal characters: the source stays readable and free of invisible text.
INVISIBLE_CHARACTERS = frozenset(map(chr, (
    0x00AD,  # soft hyphen
    0x061C,  # Arabic letter mark
    0x180E,  # Mongolian vowel separator
    *range(0x200B, 0x2010),  # zero-width space / non-joiner / joiner, left-to-right and right-to-left marks
    *range(0x202A, 0x202F),  # bidi embeddings and overrides (U+202E: right-to-left override)
    *range(0x2060, 0x2065),  # word joiner, invisible operators
    *range(0x2066, 0x206A),  # bidi isolates
    0xFEFF,  # zero-width no-break space (byte order mark)
)))
_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE_CHARACTERS)) + "]")
_INVISIBLE_TABLE = {ord(c): None for c in INVISIBLE_CHARACTERS}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Markdown that must be escaped wherever it stands: emphasis, code, links and images, HTML and autolinks, LaTeX,
# and a colon touching a word on either side (Streamlit's `:material/icon:` and `:emoji:` shortcodes, `https:`;
# Streamlit reads « :material/ » before any escape, hence its slash). French « : »
# between spaces, dots, hyphens and underscores inside a word stay as they are: they make no markdown there.
_MD_ANYWHERE = re.compile(r"([\\`*~\[\]<$]|:(?=\S)|(?<=\S):|(?<=material)/|&(?=#?\w+;)|(?<![^\W_])_|_(?![^\W_]))")
# What only counts at the start of a line: headings, lists, quotes, rules.
_MD_LINE_START = re.compile(r"^([#>+\-=|])")
_MD_ORDERED_LIST = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
# GitHub-style "literal" autolinks (https://…, www.…, name@host) are found in the text after escapes are read:
# a word joiner (U+2060, invisible) after the scheme or « www », and before « @ », keeps them from becoming links.
_AUTOLINK = re.compile(r"(?i)(https?(?=\\:)|www(?=\.)|(?=@))")
WORD_JOINER = "\u2060"


def visible_text(value: object) -> str:
    """`value` as text, without invisible characters (None / missing -> "")."""
    if value is None:
        return ""
    if not isinstance(value, str):
        try:
            if pd.isna(value):
                return ""
        except (TypeError, ValueError):
            pass
        value = str(value)
    return value.translate(_INVISIBLE_TABLE)


def md_escape(value: object) -> str:
    """Markdown that Streamlit displays as exactly `value`'s visible text, on one line.

    Markdown characters are backslash-escaped where they would mean something
    (CommonMark then shows them as themselves), white space runs and line breaks
    become one space (as the browser shows them anyway), and an invisible word
    joiner keeps a URL or an e-mail address from turning into a link. Plain
    French text comes out unchanged: « Import n° 3 : suivi_gpo_forbach.xlsx. »
    """
    text = " ".join(visible_text(value).split())
    text = _MD_ANYWHERE.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(r"\\\1", text)
    text = _MD_ORDERED_LIST.sub(r"\1\\\2", text)
    return _AUTOLINK.sub(lambda m: m.group(1) + WORD_JOINER, text)


def visible_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) carry no invisible characters: for `st.dataframe`."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object:
            out[column] = series.map(lambda v: v.translate(_INVISIBLE_TABLE) if isinstance(v, str) else v).astype(object)
        elif pd.api.types.is_string_dtype(series):
            out[column] = series.str.replace(_INVISIBLE_RE.pattern, "", regex=True)
    if any(isinstance(c, str) and _INVISIBLE_RE.search(c) for c in out.columns):
        out.columns = [c.translate(_INVISIBLE_TABLE) if isinstance(c, str) else c for c in out.columns]
    return out


def has_invisible(text: object) -> bool:
    return isinstance(text, str) and bool(_INVISIBLE_RE.search(text))


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet will never run: invisible characters removed, formula-like text quoted with « ' »."""
    if not isinstance(value, str):
        return value
    text = visible_text(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class CodeMarkdown(str):
    """Markdown written in the code itself (a fixed text such as the accessibility statement), never user text: what
    it holds from elsewhere was escaped with `md_escape` when it was built. tests/test_markdown_safety.py accepts
    what passes through `code_markdown`."""


def code_markdown(text: str) -> CodeMarkdown:
    return CodeMarkdown(text)


def one_line(value: object) -> str:
    """Tracker text on one line: invisible (bidi, zero-width) and control characters removed, white space runs made
    one space. What a mail header, a list item or a calendar field may hold."""
    text = visible_text(value)
    text = "".join(ch if ch.isprintable() else " " for ch in text)  # C0/C1 controls, line and paragraph separators
    return " ".join(text.split())
