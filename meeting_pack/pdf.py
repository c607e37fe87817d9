"""The meeting pack: one GPO meeting's agenda as a printable PDF (A4 landscape, French).

Pure: an `Agenda` in, PDF bytes out, no network and no app needed to read it.
Pages follow the meeting: a cover with the key figures, then the five points
of `domain.meeting_agenda` (since the last meeting, overdue actions by partner,
actions due before the next meeting, open problems by priority with their
actions, cadence and attendance).

Every text typed in a tracker goes through `_plain` (characters the bundled
font lacks are replaced, invisible ones removed), then is XML-escaped, because
reportlab's `Paragraph` reads markup (« <b> » in a description is printed, not
obeyed). In tables it is cut to a few lines of its column, the full text going
to an annex at the end (`meeting_pack.cell_text`): no row can outgrow a page.
The output is byte-for-byte deterministic apart from the generation date.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

import pandas as pd
import reportlab
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Flowable, Frame, LongTable, PageBreak,
                                PageTemplate, Paragraph, Spacer, Table, TableStyle)

from domain.formatting import fr_date, fr_days, fr_int, rate_with_counts
from domain.meeting_agenda import Agenda
from domain.safe_text import visible_text
from domain.vocabulary import ACTION_STATUS, CADENCES, OPEN_ACTION_STATUSES, PARTNER_TYPE, PRIORITY, PROBLEM_STATUS
from meeting_pack.cell_text import Annex, fitted, markup
from theme.palette import (ACTION_STATUS_COLOURS, BLUE, BLUISH_GREEN, GREY, ORANGE, OVERDUE_COLOUR,
                           PROBLEM_STATUS_COLOURS, SKY_BLUE)

AUTHOR = "Tableau de bord GPO"  # followed by the département's name (the agenda's reference)
PAGE = landscape(A4)
MARGIN_X = 14 * mm
MARGIN_TOP = 17 * mm
MARGIN_BOTTOM = 16 * mm
WIDTH = PAGE[0] - 2 * MARGIN_X  # usable width, ~762 pt
HEIGHT = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM  # usable height, ~501 pt
CELL_PADDING = 4  # left and right, in every table
ANNEX_TITLE = "Annexe : textes complets"

FONT, FONT_BOLD, FONT_ITALIC = "GPOVera", "GPOVera-Bold", "GPOVera-Italic"
INK = colors.HexColor("#1a1a1a")
NAVY = colors.HexColor("#0b2545")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#c8c8c8")
HEADER_BG = colors.HexColor("#e8eef5")
PROBLEM_BG = colors.HexColor("#f4f4f4")
BLUE_INK = colors.HexColor(BLUE)
PRIORITY_COLOURS = {"high": OVERDUE_COLOUR, "medium": ORANGE, "low": SKY_BLUE}  # as on the meeting screen
SOCLE_LABELS = (("mayor_present", "Mairie"), ("municipal_police_present", "Police municipale"),
                ("national_police_present", "Police nationale"))
SOCLE_WORDS = {True: ("présent", BLUISH_GREEN), False: ("absent", OVERDUE_COLOUR), None: ("non renseigné", GREY)}
NO_MEETING = "Aucune réunion tenue"
SECTION_TITLES = (
    "1. Depuis la dernière réunion",
    "2. Actions en retard, par partenaire",
    "3. Actions à réaliser avant la prochaine réunion",
    "4. Problèmes ouverts, par priorité",
    "5. Cadence et présence",
)


# --- fonts and text ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _fonts() -> frozenset[int]:
    """Register reportlab's bundled Bitstream Vera (accents, « », œ, ’) and return the code points it draws."""
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    regular = TTFont(FONT, os.path.join(folder, "Vera.ttf"))
    for name, file in ((FONT, None), (FONT_BOLD, "VeraBd.ttf"), (FONT_ITALIC, "VeraIt.ttf"), ("GPOVera-BoldItalic", "VeraBI.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(regular if file is None else TTFont(name, os.path.join(folder, file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic="GPOVera-BoldItalic")
    return frozenset(regular.face.charToGlyph)


_SPACES = {"\u202f": "\u00a0", "\u2009": " ", "\u2007": "\u00a0", "\u2002": " ", "\u2003": " ", "\t": " ", "\r": ""}


def _plain(value: object) -> str:
    """Printable text: missing -> "", narrow spaces -> no-break space, glyphs the font lacks -> their base letter or « ? »."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, dt.date)):
        return fr_date(value)
    drawable = _fonts()
    out = []
    for char in visible_text(str(value)):  # bidi overrides and zero-width characters never reach the page
        char = _SPACES.get(char, char)
        if char == "\n" or ord(char) in drawable:
            out.append(char)
        elif unicodedata.category(char).startswith("C"):
            continue  # control characters pasted from Excel
        else:
            base = unicodedata.normalize("NFKD", char)
            out.append(base if base and all(ord(c) in drawable for c in base) else "?")
    return "".join(out).strip()


TEXT_LIMIT = 1000  # characters of one tracker cell; beyond, a table row could outgrow a page


def _text(value: object, limit: int = TEXT_LIMIT) -> str:
    """User text as Paragraph markup: escaped, line breaks kept, cut (and said so) past `limit` characters."""
    text = _plain(value)
    lines = text.split("\n")
    if len(lines) > 12:
        text = "\n".join(lines[:11] + [" ".join(lines[11:])])
    if len(text) > limit:
        text = text[:limit].rstrip() + "… [texte tronqué, voir le tableau de suivi]"
    return escape(text).replace("\n", "<br/>")


def _de(name: str) -> str:
    """« de Forbach », « d’Amnéville »."""
    first = unicodedata.normalize("NFKD", name[:1]).lower()[:1]
    return f"d’{name}" if first in "aeiouy" and first else f"de {name}"


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{fr_int(count)} {singular if count <= 1 else plural}"


def _hex(colour: str) -> colors.Color:
    return colors.HexColor(colour)


# --- styles -------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5, textColor=INK)
    return {
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "cell_small": ParagraphStyle("cell_small", parent=body, fontSize=8, leading=10),
        "note": ParagraphStyle("note", parent=body, fontName=FONT_ITALIC, fontSize=7.5, leading=9.5, textColor=MUTED),
        "head": ParagraphStyle("head", parent=body, fontName=FONT_BOLD, fontSize=8.5, leading=10.5, textColor=NAVY),
        "h1": ParagraphStyle("h1", parent=body, fontName=FONT_BOLD, fontSize=17, leading=21, textColor=NAVY, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=14, textColor=NAVY,
                             spaceBefore=9, spaceAfter=4),
        "caption": ParagraphStyle("caption", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=14, textColor=NAVY),
        "lead": ParagraphStyle("lead", parent=body, fontSize=10, leading=13, textColor=MUTED, spaceAfter=6),
        "empty": ParagraphStyle("empty", parent=body, fontName=FONT_ITALIC, fontSize=10, leading=13, textColor=MUTED,
                                spaceBefore=2, spaceAfter=4),
        "cover_kicker": ParagraphStyle("cover_kicker", parent=body, fontName=FONT_BOLD, fontSize=15, leading=19, textColor=BLUE_INK),
        "cover_title": ParagraphStyle("cover_title", parent=body, fontName=FONT_BOLD, fontSize=30, leading=36, textColor=NAVY,
                                      spaceBefore=6, spaceAfter=4),
        "cover_line": ParagraphStyle("cover_line", parent=body, fontSize=14, leading=18, textColor=INK, spaceAfter=2),
        "cover_date": ParagraphStyle("cover_date", parent=body, fontName=FONT_BOLD, fontSize=20, leading=25, textColor=INK,
                                     spaceBefore=8, spaceAfter=4),
        "figure_value": ParagraphStyle("figure_value", parent=body, fontName=FONT_BOLD, fontSize=22, leading=26, textColor=NAVY),
        "figure_label": ParagraphStyle("figure_label", parent=body, fontSize=9.5, leading=12, textColor=INK),
        "agenda": ParagraphStyle("agenda", parent=body, fontSize=10.5, leading=14, leftIndent=10),
        "centre": ParagraphStyle("centre", parent=body, alignment=TA_CENTER),
    }


def _p(markup: str, style: str = "cell") -> Paragraph:
    return Paragraph(markup, _styles()[style])


def _cell(value: object, style: str = "cell") -> Paragraph:
    """Text of the code (labels, dates, figures) in a cell."""
    return Paragraph(_text(value), _styles()[style])


# The texts cut in the tables of the pack being built (one build per thread at a time: a ContextVar, not a global).
_ANNEX: ContextVar[Annex] = ContextVar("meeting_pack_annex")


@dataclass(frozen=True)
class _Typed:
    """Text typed in a tracker, for a table cell: laid out by `_table` once its column width is known."""

    main: object
    note: object = None  # a comment or description, in small grey italics underneath
    style: str = "cell"
    bold: bool = False
    where: str = ""  # what it is, for the annex (« Problème P-03, catégorie »)
    note_where: str = ""  # the same for the note (« Problème P-03, description »)

    def render(self, width: float, where: str) -> Flowable | list[Flowable]:
        annex, style = _ANNEX.get(), _styles()[self.style]
        label = self.where or where
        main = fitted(_plain(self.main), style, width, annex, label, wrap=("<b>", "</b>") if self.bold else ("", ""))
        first = Paragraph(main, style)
        note = _plain(self.note)
        if not note:
            return first
        note_label = self.note_where or f"{label}, suite"
        return [first, Paragraph(fitted(note, _styles()["note"], width, annex, note_label, lines=6), _styles()["note"])]


def _user(value: object, style: str = "cell", bold: bool = False, where: str = "") -> _Typed:
    return _Typed(value, None, style, bold, where)


def _with_note(main: object, note: object, where: str = "", note_where: str = "") -> _Typed:
    """The action or problem text, with its comment / description in small grey italics underneath."""
    return _Typed(main, note, where=where, note_where=note_where)


def _action_text(action) -> _Typed:
    """An action's description with its comment underneath, named for the annex."""
    name = f"Action {_plain(action.action_id)}"
    return _with_note(action.description, action.comment, where=f"{name}, description", note_where=f"{name}, commentaire")


class _Chip(Flowable):
    """A status or priority: a small square in its palette colour, then the French label."""

    def __init__(self, label: str, colour: str | None, size: float = 8.5, bold: bool = False):
        super().__init__()
        self.label, self.colour, self.size = _plain(label) or "–", colour, size
        self.font = FONT_BOLD if bold else FONT

    def wrap(self, avail_width, avail_height):
        while self.size > 6 and 11 + stringWidth(self.label, self.font, self.size) > avail_width:
            self.size -= 0.5
        self.width = min(avail_width, 11 + stringWidth(self.label, self.font, self.size))
        self.height = self.size + 2.5
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        baseline = self.height - 0.93 * self.size  # level with a Paragraph's first line in the next cell
        if self.colour:
            canvas.setFillColor(_hex(self.colour))
            canvas.roundRect(0, baseline - 0.5, 7.5, 7.5, 1.2, stroke=0, fill=1)
        canvas.setFillColor(INK)
        canvas.setFont(self.font, self.size)
        canvas.drawString(11, baseline, self.label)


# --- tables -------------------------------------------------------------------------------------------

def _laid_out(cell: object, width: float, where: str) -> object:
    if isinstance(cell, (Flowable, list)):
        return cell
    if isinstance(cell, str) and not cell:
        return cell
    return (cell if isinstance(cell, _Typed) else _user(cell)).render(width - 2 * CELL_PADDING, where)


def _row_height(row: list[object], widths: list[float]) -> float:
    height = 0.0
    for cell, width in zip(row, widths):
        parts = cell if isinstance(cell, list) else [cell]
        height = max(height, sum(p.wrap(width - 2 * CELL_PADDING, HEIGHT)[1] for p in parts if isinstance(p, Flowable)))
    return height + 5.5  # top and bottom padding


def _table(header: list[str], rows: list[list[object]], widths: list[float], extra: list[tuple] = (),
           full_width: bool = True, caption: Paragraph | None = None,
           keep_together: list[tuple[int, int]] = ()) -> LongTable:
    """A table that splits across pages with its header repeated (widths are stretched to the page unless told).

    A `caption` (e.g. the partner owing the actions) is a first row repeated with the header on every page;
    the row numbers in `extra` and `keep_together` count from the column header (row 0) either way.
    Typed text is cut to a few lines of its column (see `meeting_pack.cell_text`); the rows of a
    `keep_together` range (first, last) stay on one page when they fit on one."""
    scale = WIDTH / sum(widths) if full_width else 1
    col_widths = [w * scale for w in widths]
    body = []
    for row in rows:
        ref = _plain(row[0]) if isinstance(row[0], str) else ""
        body.append([_laid_out(cell, width, f"{ref + ' · ' if ref else ''}{name}")
                     for cell, width, name in zip(row, col_widths, header)])
    extra = list(extra)
    for first, last in keep_together:
        if sum(_row_height(body[n - 1], col_widths) for n in range(first, last + 1)) < 0.8 * HEIGHT:
            extra.append(("NOSPLIT", (0, first), (-1, last)))
    data = [[_p(escape(h), "head") for h in header]] + body
    top = 0
    if caption is not None:
        data.insert(0, [caption] + [""] * (len(header) - 1))
        top = 1
        extra = [(name, (a[0], a[1] + 1), (b[0], b[1] + 1), *rest) for name, a, b, *rest in extra]
    table = LongTable(data, colWidths=col_widths, repeatRows=1 + top, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, top), (-1, top), HEADER_BG),
        ("LINEBELOW", (0, top), (-1, top), 0.8, NAVY),
        ("LINEBELOW", (0, top + 1), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    if caption is not None:
        style += [("SPAN", (0, 0), (-1, 0)), ("LEFTPADDING", (0, 0), (-1, 0), 0), ("TOPPADDING", (0, 0), (-1, 0), 9),
                  ("BOTTOMPADDING", (0, 0), (-1, 0), 4)]
    table.setStyle(TableStyle(style + list(extra)))
    return table


def _action_status(status: object, size: float = 8.5) -> _Chip:
    code = status if isinstance(status, str) else ""
    return _Chip(ACTION_STATUS.labels.get(code, _plain(status)), ACTION_STATUS_COLOURS.get(code, GREY), size)


def _problem_status(status: object) -> _Chip:
    code = status if isinstance(status, str) else ""
    return _Chip(PROBLEM_STATUS.labels.get(code, _plain(status)), PROBLEM_STATUS_COLOURS.get(code, GREY))


def _priority(priority: object, bold: bool = False) -> _Chip:
    code = priority if isinstance(priority, str) else ""
    return _Chip(PRIORITY.labels.get(code, "Non précisée"), PRIORITY_COLOURS.get(code), bold=bold)


def _none(text: str) -> Paragraph:
    return _p(escape(text), "empty")


# --- page decoration ------------------------------------------------------------------------------------

def _canvas_class(header_left: str, header_right: str, footer_left: str, footer_right: str, page: tuple = PAGE):
    """A canvas that holds pages back until the end, to print « page n/N » on each (`page`: the page size)."""

    class PackCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held)
            for number, state in enumerate(self._held, 1):
                self.__dict__.update(state)
                self._decorate(number, total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _decorate(self, number: int, total: int) -> None:
            width, height = page
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.6)
            self.line(MARGIN_X, height - 11 * mm, width - MARGIN_X, height - 11 * mm)
            self.line(MARGIN_X, 11 * mm, width - MARGIN_X, 11 * mm)
            self.setFillColor(MUTED)
            self.setFont(FONT, 8)
            self.drawString(MARGIN_X, height - 9.5 * mm, header_left)
            self.drawRightString(width - MARGIN_X, height - 9.5 * mm, header_right)
            self.setFont(FONT_BOLD, 8.5)
            self.setFillColor(INK)
            self.drawString(MARGIN_X, 7 * mm, f"{footer_left} — page {number}/{total}")
            self.setFont(FONT, 8)
            self.setFillColor(MUTED)
            self.drawRightString(width - MARGIN_X, 7 * mm, footer_right)
            self.restoreState()

    return PackCanvas


# --- pages ------------------------------------------------------------------------------------------------

def _next_text(agenda: Agenda) -> str:
    return fr_date(agenda.next_meeting) if agenda.next_meeting else "non fixée"


def _cover(agenda: Agenda) -> list:
    sector, cadence = agenda.sector, agenda.cadence
    story = [
        Spacer(1, 6 * mm),
        _p("Groupe de partenariat opérationnel", "cover_kicker"),
        _p(_text(sector.name), "cover_title"),
        _p(_text(f"CSP {_de(agenda.csp_name)}"), "cover_line"),
        _p(escape(f"Réunion du {fr_date(agenda.as_of)}"), "cover_date"),
        _p(f"Animateur : {_text(sector.animateur) or 'non renseigné'}", "cover_line"),
    ]
    extras = []
    if sector.qrr:
        extras.append("quartier de reconquête républicaine")
    if sector.reinforcements:
        extras.append(f"renfort de {_plural(sector.reinforcements, 'policier', 'policiers')}")
    constitution = cadence.constitution
    status = constitution.label + (f" le {fr_date(constitution.on)}" if constitution.on else "")
    extras.insert(0, f"{CADENCES.get(sector.cadence, sector.cadence)} · {status}")
    story.append(_p(_text(" · ".join(extras)), "lead"))
    story.append(Spacer(1, 5 * mm))

    compliance = rate_with_counts(cadence.periods_met, cadence.periods) if cadence.periods else "–"
    figures = [
        (fr_int(len(agenda.open_by_priority)), "Problèmes ouverts", None),
        (fr_int(agenda.overdue_count), "Actions en retard", OVERDUE_COLOUR if agenda.overdue_count else None),
        (fr_int(len(agenda.due_before_next)), "Actions à réaliser avant la prochaine réunion", None),
        (compliance, "Respect de la cadence (6 derniers mois)"
         + ("" if cadence.periods else " : sans objet, GPO non constitué"),
         OVERDUE_COLOUR if cadence.compliance is not None and cadence.compliance < 0.75 else None),
        (fr_date(cadence.last_held) if cadence.last_held else NO_MEETING, "Dernière réunion tenue",
         OVERDUE_COLOUR if cadence.late else None),
        (_next_text(agenda), "Prochaine réunion", None),
    ]
    cells = [[_p(_text(value) if len(value) <= 14 else f'<font size="15">{_text(value)}</font>', "figure_value"),
              _p(escape(label), "figure_label")] for value, label, _ in figures]
    boxes = [Table([[c[0]], [c[1]]], colWidths=[WIDTH / 3 - 14]) for c in cells]
    for box, (_, _, alert) in zip(boxes, figures):
        box.setStyle(TableStyle([
            ("LINEBEFORE", (0, 0), (0, -1), 4, _hex(alert) if alert else BLUE_INK),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fdf0e8" if alert else "#f3f6fa")),
            ("LEFTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]))
    grid = Table([boxes[0:3], boxes[3:6]], colWidths=[WIDTH / 3] * 3, hAlign="LEFT")
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
    story += [grid, Spacer(1, 4 * mm), _p("Ordre du jour", "h2")]
    story += [_p(escape(title), "agenda") for title in SECTION_TITLES]
    return story


def _section_since(agenda: Agenda) -> list:
    if agenda.since:
        story = [_p(escape(f"{SECTION_TITLES[0]} ({fr_date(agenda.since)})"), "h1"),
                 _p(escape(f"Ce qui a changé entre la réunion du {fr_date(agenda.since)} et celle du {fr_date(agenda.as_of)}."), "lead")]
    else:
        story = [_p(escape(SECTION_TITLES[0]), "h1"),
                 _p(escape(f"{NO_MEETING} : tout ce qui a été signalé jusqu’au {fr_date(agenda.as_of)}."), "lead")]

    new = agenda.new_problems
    story.append(_p(escape(f"Nouveaux problèmes ({fr_int(len(new))})"), "h2"))
    if len(new):
        rows = [[r.problem_id, fr_date(r.reported_on), r.category, r.commune_name, r.location, r.description,
                 _priority(r.priority), _problem_status(r.status)] for r in new.itertuples()]
        story.append(_table(["Réf", "Signalé le", "Catégorie", "Commune", "Lieu", "Description", "Priorité", "Statut"],
                            rows, [48, 62, 120, 95, 115, 200, 64, 76]))
    else:
        story.append(_none("Aucun nouveau problème."))

    resolved = agenda.resolved_problems
    story.append(_p(escape(f"Problèmes résolus ({fr_int(len(resolved))})"), "h2"))
    if len(resolved):
        rows = [[r.problem_id, r.category, r.commune_name, r.location, r.description, fr_date(r.reported_on),
                 fr_date(r.resolved_on)] for r in resolved.itertuples()]
        story.append(_table(["Réf", "Catégorie", "Commune", "Lieu", "Description", "Signalé le", "Résolu le"],
                            rows, [48, 125, 95, 120, 250, 65, 65]))
    else:
        story.append(_none("Aucun problème résolu."))

    done = agenda.done_actions
    story.append(_p(escape(f"Actions réalisées ({fr_int(len(done))})"), "h2"))
    if len(done):
        rows = [[r.action_id, r.problem_id, _action_text(r), r.partner, fr_date(r.due_on),
                 fr_date(r.done_on)] for r in done.itertuples()]
        story.append(_table(["Réf action", "Réf problème", "Action", "Partenaire", "Échéance", "Réalisée le"],
                            rows, [62, 78, 310, 170, 65, 72]))
    else:
        story.append(_none("Aucune action réalisée."))
    return story


def _within(text: str, font: str, size: float, width: float) -> str:
    """`text` on one line of at most `width` points, cut with « … » if longer (chart labels do not wrap)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _overdue_chart(agenda: Agenda) -> Drawing:
    """Overdue actions per partner, the partner owing the most on top."""
    pairs = sorted(((partner, len(frame)) for partner, frame in agenda.overdue_by_partner), key=lambda p: (-p[1], p[0]))
    pairs.reverse()  # the chart draws the first category at the bottom
    bar_height = 15
    left = 250
    names = [_within(_plain(name), FONT, 8, left - 8) for name, _ in pairs]
    counts = [count for _, count in pairs]
    height = 36 + bar_height * len(pairs)
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = left, 22
    chart.width, chart.height = WIDTH - left - 60, bar_height * len(pairs)
    chart.data = [counts]
    chart.barSpacing = 0
    chart.groupSpacing = 4
    chart.bars[0].fillColor = _hex(OVERDUE_COLOUR)
    chart.bars[0].strokeColor = None
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.tickLeft = 0
    top = max(counts)
    step = max(1, -(-top // 8))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = step * (-(-top // step) + (1 if top % step == 0 else 0))
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e6e6e6")
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT_BOLD
    chart.barLabels.fontSize = 8
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    drawing.add(String(left, 4, "nombre d’actions en retard", fontName=FONT, fontSize=7.5, fillColor=MUTED))
    return drawing


def _section_overdue(agenda: Agenda) -> list:
    story = [_p(escape(SECTION_TITLES[1]), "h1")]
    if not agenda.overdue_by_partner:
        return story + [_none(f"Aucune action en retard au {fr_date(agenda.as_of)}.")]
    story.append(_p(escape(f"{_plural(agenda.overdue_count, 'action', 'actions')} « À faire » ou « En cours » dont "
                           f"l’échéance est dépassée au {fr_date(agenda.as_of)}, "
                           f"{_plural(len(agenda.overdue_by_partner), 'partenaire concerné', 'partenaires concernés')}."),
                    "lead"))
    chart = _overdue_chart(agenda)
    story += [CondPageBreak(chart.height + 30), _p("Actions en retard par partenaire", "h2"), chart]
    for partner, frame in agenda.overdue_by_partner:
        types = [PARTNER_TYPE.labels.get(t, "") for t in frame["partner_type"].dropna().unique() if isinstance(t, str)]
        kind = f" — {_text(types[0])}" if len(types) == 1 and types[0] else ""
        name = fitted(_plain(partner), _styles()["caption"], WIDTH * 0.6, _ANNEX.get(), "Partenaire", lines=2)
        heading = _p(f"{name}{kind} — {escape(_plural(len(frame), 'action en retard', 'actions en retard'))}", "caption")
        rows = []
        for r in frame.itertuples():
            late = _p(f'<font name="{FONT_BOLD}" color="{OVERDUE_COLOUR}">{escape(_plain(fr_days(r.days_overdue)))}</font>')
            rows.append([r.action_id, r.problem_id, _action_text(r), fr_date(r.due_on), late,
                         _action_status(r.status)])
        story.append(_table(["Réf action", "Réf problème", "Action", "Échéance", "Jours de retard", "Statut"], rows,
                            [62, 78, 410, 66, 70, 80], caption=heading))
    return story


def _section_due(agenda: Agenda) -> list:
    next_text = _next_text(agenda)
    title = f"{SECTION_TITLES[2]} ({next_text})" if agenda.next_meeting else f"{SECTION_TITLES[2]} (date non fixée)"
    story = [_p(escape(title), "h1")]
    if agenda.next_meeting is None:
        return story + [_none("Aucune prochaine réunion n’est prévue : fixer la date en séance.")]
    due = agenda.due_before_next
    story.append(_p(escape(f"Actions « À faire » ou « En cours » dont l’échéance tombe entre le {fr_date(agenda.as_of)} "
                           f"et le {next_text} inclus."), "lead"))
    if not len(due):
        return story + [_none("Aucune action n’arrive à échéance d’ici la prochaine réunion.")]
    rows = [[r.action_id, r.problem_id, _action_text(r), r.partner, fr_date(r.due_on),
             _action_status(r.status)] for r in due.itertuples()]
    story.append(_table(["Réf action", "Réf problème", "Action", "Partenaire", "Échéance", "Statut"], rows,
                        [62, 78, 320, 170, 66, 80]))
    return story


def _section_open(agenda: Agenda) -> list:
    story = [_p(escape(SECTION_TITLES[3]), "h1")]
    opened = agenda.open_by_priority
    if not len(opened):
        return story + [_none("Aucun problème ouvert.")]
    story.append(_p(escape(f"{_plural(len(opened), 'problème ouvert', 'problèmes ouverts')}, priorité haute d’abord ; "
                           f"âge en jours depuis le signalement. Sous chaque problème, ses actions."), "lead"))
    header = ["Priorité", "Réf", "Catégorie / description", "Commune", "Lieu", "Âge (j)", "Statut"]
    widths = [62, 50, 240, 110, 150, 58, 80]
    rows: list[list[object]] = []
    extra: list[tuple] = []
    together: list[tuple[int, int]] = []
    for r in opened.itertuples():
        first = len(rows) + 1  # table row index (header = 0)
        ref = _plain(r.problem_id)
        rows.append([_priority(r.priority, bold=True), _user(r.problem_id, bold=True, where=f"Problème {ref}, réf"),
                     _with_note(r.category, r.description, where=f"Problème {ref}, catégorie",
                                note_where=f"Problème {ref}, description"),
                     _user(r.commune_name, where=f"Problème {ref}, commune"), _user(r.location, where=f"Problème {ref}, lieu"),
                     fr_int(r.age_days), _problem_status(r.status)])
        extra += [("BACKGROUND", (0, first), (-1, first), PROBLEM_BG), ("LINEABOVE", (0, first), (-1, first), 0.8, MUTED)]
        linked = agenda.actions_of_problem.get(r.problem_id)
        if linked is None or not len(linked):
            rows.append(["", _p('<i><font color="#555555">Aucune action décidée pour ce problème.</font></i>', "cell_small"),
                         "", "", "", "", ""])
            extra.append(("SPAN", (1, first + 1), (-1, first + 1)))
        else:
            rows.append(["", _p("<i>Réf action</i>", "cell_small"), _p("<i>Action</i>", "cell_small"), "",
                         _p("<i>Partenaire</i>", "cell_small"), _p("<i>Échéance</i>", "cell_small"),
                         _p("<i>Statut</i>", "cell_small")])
            extra += [("SPAN", (2, first + 1), (3, first + 1)), ("TEXTCOLOR", (0, first + 1), (-1, first + 1), MUTED)]
            for a in linked.itertuples():
                row = len(rows) + 1
                overdue = a.status in OPEN_ACTION_STATUSES and pd.notna(a.due_on) and a.due_on < pd.Timestamp(agenda.as_of)
                due = escape(fr_date(a.due_on))
                due_cell = _p(f'<font color="{OVERDUE_COLOUR}"><b>{due}</b><br/>en retard</font>' if overdue else due, "cell_small")
                action = f"Action {_plain(a.action_id)}"
                rows.append(["", _user(a.action_id, "cell_small", where=f"{action}, réf"),
                             _user(a.description, "cell_small", where=action), "",
                             _user(a.partner, "cell_small", where=f"{action}, partenaire"), due_cell,
                             _action_status(a.status, 8)])
                extra.append(("SPAN", (2, row), (3, row)))
        together.append((first, len(rows)))  # a problem and its actions on one page, when they fit on one
    story.append(_table(header, rows, widths, extra, keep_together=together))
    return story


def _section_cadence(agenda: Agenda) -> list:
    cadence, sector = agenda.cadence, agenda.sector
    story = [_p(escape(SECTION_TITLES[4]), "h1")]
    constitution = cadence.constitution
    rows = [
        ["Cadence prévue", CADENCES.get(sector.cadence, _plain(sector.cadence))],
        ["Constitution", constitution.label + (f" le {fr_date(constitution.on)}" if constitution.on else "")],
        ["Respect de la cadence (6 derniers mois)",
         f"{rate_with_counts(cadence.periods_met, cadence.periods)} : périodes avec au moins une réunion tenue"
         if cadence.periods else "sans objet : GPO non constitué"],
        ["Dernière réunion tenue", fr_date(cadence.last_held) if cadence.last_held else NO_MEETING],
        ["Jours depuis la dernière réunion", fr_days(cadence.days_since_last) if cadence.days_since_last is not None else "–"],
        ["Plus long intervalle sans réunion (6 derniers mois)", fr_days(cadence.longest_gap) if cadence.longest_gap is not None else "–"],
        ["Prochaine réunion", _next_text(agenda)],
    ]
    extra = []
    if cadence.late:
        rows.append(["Alerte", "GPO en retard sur sa cadence (plus de "
                     + ("31" if sector.cadence == "monthly" else "15") + " + 7 jours sans réunion)"])
        extra.append(("TEXTCOLOR", (1, len(rows)), (1, len(rows)), _hex(OVERDUE_COLOUR)))
    table = Table([[_p(escape(_plain(k)), "head"), _cell(v, "body")] for k, v in rows], colWidths=[260, 420], hAlign="LEFT")
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)] + extra))
    story.append(table)

    title = (f"Socle à la dernière réunion ({fr_date(cadence.last_held)})" if cadence.last_held
             else "Socle à la dernière réunion")
    story.append(_p(escape(title), "h2"))
    if cadence.last_held is None:
        story.append(_none(f"{NO_MEETING} : présence du socle non mesurable."))
    else:
        socle_rows = [[label, _Chip(*SOCLE_WORDS[agenda.last_meeting_socle.get(key)])] for key, label in SOCLE_LABELS]
        story.append(_table(["Membre du socle", "Présence"], socle_rows, [260, 160], full_width=False))
    story.append(Spacer(1, 6))
    share = (f"{rate_with_counts(cadence.socle_full, cadence.held_in_window)} des réunions tenues "
             f"sur les 6 derniers mois avec la mairie, la police municipale et la police nationale présentes")
    story.append(_p(f"<b>Socle complet :</b> {_text(share) if cadence.held_in_window else escape(NO_MEETING + ' sur les 6 derniers mois.')}",
                    "body"))
    return story


# --- entry point -----------------------------------------------------------------------------------------

def meeting_pack_pdf(agenda: Agenda, *, generated_on: dt.date | None = None) -> bytes:
    """The meeting pack of `agenda` as PDF bytes (A4 landscape, every word French)."""
    _fonts()
    generated_on = generated_on or dt.date.today()
    sector_name = _plain(agenda.sector.name)
    meeting = fr_date(agenda.as_of)
    gpo = f"GPO {_de(sector_name)}"
    author = f"{AUTHOR} {_plain(agenda.departement)}".strip()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=PAGE, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=f"Dossier de réunion — {gpo} — réunion du {meeting}", author=author, creator=author, producer=author,
        subject=f"Groupe de partenariat opérationnel, CSP {_de(_plain(agenda.csp_name))}",
        keywords=["GPO", *([_plain(agenda.departement)] if agenda.departement else []), "dossier de réunion"], invariant=1, lang="fr-FR",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    annex = Annex()
    token = _ANNEX.set(annex)
    try:
        story = _cover(agenda)
        for section in (_section_since, _section_overdue, _section_due, _section_open, _section_cadence):
            story += [PageBreak(), *section(agenda)]
    finally:
        _ANNEX.reset(token)
    if annex.entries:
        story += [PageBreak(), *_annex(annex)]
    canvas = _canvas_class(
        f"Dossier de réunion — Groupe de partenariat opérationnel {_de(_clip(sector_name, 70))}",
        f"CSP {_de(_plain(agenda.csp_name))} · animateur : {_clip(_plain(agenda.sector.animateur), 60) or 'non renseigné'}",
        f"{_clip(gpo, 90)} — réunion du {meeting}",
        f"document généré le {fr_date(generated_on)}, hors connexion",
    )
    doc.build(story, canvasmaker=canvas)
    return buffer.getvalue()


def _clip(text: str, limit: int) -> str:
    """A page header line stays on its line."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _annex(annex: Annex) -> list:
    """The texts cut in the tables, in full: the number each cut cell points to, where it was, the whole text."""
    story = [_p(escape(ANNEX_TITLE), "h1"),
             _p(escape("Textes trop longs pour leur case : chaque case coupée renvoie ici à son numéro."), "lead")]
    for number, where, text in annex.entries:
        story += [CondPageBreak(40), _p(f"n° {number} — {markup(where)}", "h2"), _p(markup(text), "body")]
    return story
