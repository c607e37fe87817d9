"""Tracker text in the meeting pack's tables: a few lines per cell, the full text in an annex.

A table row taller than a page cannot be laid out (reportlab's `LayoutError`): one
1000-character description beside a 1000-character partner name was enough. So a
cell's text is cut to what wraps in `lines` lines of its column, measured by
reportlab itself (long words are split by the paragraph style), and ends with
« … (texte complet en annexe, n° k) ». The `Annex` keeps each cut text once, in
full, for the pack's last pages.

The text given here is already printable (`meeting_pack.pdf._plain`); it is
XML-escaped here, because `Paragraph` reads markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

CELL_LINES = 10  # what one cell may take: a row stays far shorter than a page
MORE = " … (texte complet en annexe, n° {number})"
MAX_LINE_BREAKS = 12  # more line breaks than that are joined: a pasted e-mail keeps its words, not its height


@dataclass
class Annex:
    """The texts cut in the tables, in full, numbered in order of first appearance."""

    entries: list[tuple[int, str, str]] = field(default_factory=list)  # (number, where it was cut, full text)
    _numbers: dict[str, int] = field(default_factory=dict)

    def number_for(self, text: str, where: str) -> int:
        if text not in self._numbers:
            self._numbers[text] = len(self.entries) + 1
            self.entries.append((self._numbers[text], where, text))
        return self._numbers[text]

    def peek(self, text: str) -> int:
        """The number `text` has or would get."""
        return self._numbers.get(text, len(self.entries) + 1)


def markup(text: str) -> str:
    """Plain text as Paragraph markup: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


def _joined_lines(text: str) -> str:
    lines = text.split("\n")
    if len(lines) > MAX_LINE_BREAKS:
        return "\n".join(lines[:MAX_LINE_BREAKS - 1] + [" ".join(lines[MAX_LINE_BREAKS - 1:])])
    return text


def _height(text_markup: str, style: ParagraphStyle, width: float) -> float:
    return Paragraph(text_markup, style).wrap(width, 1e9)[1]


def fitted(text: str, style: ParagraphStyle, width: float, annex: Annex, where: str, lines: int = CELL_LINES,
           wrap: tuple[str, str] = ("", "")) -> str:
    """Markup of `text` that wraps to at most `lines` lines of `width` in `style`; cut (and annexed) if longer.

    `wrap` puts markup around the text (e.g. ("<b>", "</b>")); the cut mark stays outside it.
    """
    text = _joined_lines(text)
    before, after = wrap
    limit = lines * style.leading + 0.5
    whole = before + markup(text) + after
    if "\n" not in text and len(text) * style.fontSize <= width * (lines - 1):
        return whole  # short enough not to be measured: no character is wider than 1 em
    if _height(whole, style, width) <= limit:
        return whole
    number = annex.peek(text)
    mark = markup(MORE.format(number=number))

    def cut(n: int) -> str:
        return before + markup(text[:n].rstrip()) + after + mark

    low, high = 0, len(text)
    while low < high:  # the longest beginning that fits with the mark
        middle = (low + high + 1) // 2
        if _height(cut(middle), style, width) <= limit:
            low = middle
        else:
            high = middle - 1
    annex.number_for(text, where)
    return cut(low)
