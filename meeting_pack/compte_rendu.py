"""The compte rendu of a GPO meeting (relevé de décisions) as a PDF: A4 portrait, French, made without a network.

Pure: an `AppliedRecord` (the record and the sector's frames once applied) in, PDF bytes out. In order: who
attended, each decision (new problems, new actions with owner and deadline, status changes), each partner's open
actions with their deadlines after the meeting, the next meeting.

Text typed by a user or read from a tracker is printed as text: `_plain` (the meeting pack's: glyphs the font
lacks replaced, invisible characters removed), then XML-escaped by `meeting_pack.cell_text` (reportlab's
`Paragraph` reads markup: « <b> » is printed, not obeyed). A text too long for its cell is cut there and given in
full in an annex, as in the meeting pack, so no row can outgrow a page.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Frame, KeepTogether, LongTable, PageTemplate, Paragraph,
                                Spacer, Table, TableStyle)

from domain.formatting import fr_date, fr_int
from domain.meeting_record import own_rows
from domain.record_application import AppliedRecord
from domain.reference import Sector
from domain.text import fold
from domain.vocabulary import ACTION_STATUS, MEETING_KIND, OPEN_ACTION_STATUSES, OUTCOME, PRIORITY, PROBLEM_STATUS
from meeting_pack.cell_text import Annex, fitted, markup
from meeting_pack.pdf import (AUTHOR, HEADER_BG, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, NAVY, RULE, _canvas_class,
                              _de, _fonts, _plain, _styles)
from theme.palette import OVERDUE_COLOUR

PAGE = A4
WIDTH = PAGE[0] - 2 * MARGIN_X  # ~515 pt
PADDING = 4
TITLE = "Relevé de décisions"
SECTION_TITLES = ("1. Présents", "2. Décisions", "3. Actions en cours, par partenaire", "4. Prochaine réunion")
SOCLE = (("mayor", "Mairie"), ("municipal_police", "Police municipale"), ("national_police", "Police nationale"))
PRESENCE = {True: "présente", False: "absente", None: "non renseigné"}


def _label(labels: dict[str, str], code: object) -> str:
    return labels.get(code, _plain(code)) if isinstance(code, str) else "–"


class _Layout:
    """The cells of one compte rendu: text fitted to its column, long texts sent to the annex."""

    def __init__(self) -> None:
        self.annex = Annex()
        self.styles = _styles()

    def p(self, text_markup: str, style: str = "body") -> Paragraph:
        return Paragraph(text_markup, self.styles[style])

    def table(self, header: list[str], rows: list[list[object]], widths: list[float], caption: str | None = None,
              extra: list[tuple] = ()) -> LongTable:
        """A table over the page's width, header repeated on each page; each str cell is user text fitted to its
        column (named in the annex by the row's first cell and the column's title)."""
        scale = WIDTH / sum(widths)
        col_widths = [w * scale for w in widths]
        body = []
        for row in rows:
            ref = _plain(row[0]) if isinstance(row[0], str) else ""
            cells = []
            for cell, width, name in zip(row, col_widths, header):
                if isinstance(cell, str):
                    where = f"{ref} · {name}" if ref else name
                    cell = Paragraph(fitted(_plain(cell), self.styles["cell"], width - 2 * PADDING, self.annex, where),
                                     self.styles["cell"])
                cells.append(cell)
            body.append(cells)
        data = [[self.p(escape(h), "head") for h in header], *body]
        top = 0
        if caption is not None:
            data.insert(0, [self.p(caption, "caption")] + [""] * (len(header) - 1))
            top = 1
        table = LongTable(data, colWidths=col_widths, repeatRows=1 + top, hAlign="LEFT")
        style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, top), (-1, top), HEADER_BG),
                 ("LINEBELOW", (0, top), (-1, top), 0.8, NAVY), ("LINEBELOW", (0, top + 1), (-1, -1), 0.3, RULE),
                 ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                 ("LEFTPADDING", (0, 0), (-1, -1), PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), PADDING)]
        if caption is not None:
            style += [("SPAN", (0, 0), (-1, 0)), ("LEFTPADDING", (0, 0), (-1, 0), 0), ("TOPPADDING", (0, 0), (-1, 0), 8)]
        table.setStyle(TableStyle(style + [(n, (a[0], a[1] + top), (b[0], b[1] + top), *r) for n, a, b, *r in extra]))
        return table

    def none(self, text: str) -> Paragraph:
        return self.p(escape(text), "empty")


def _due(due: object, as_of: dt.date, status: object, layout: _Layout) -> Paragraph:
    """A deadline, in red with « en retard » when an open action's is past at the meeting."""
    text = escape(fr_date(due))
    if status in OPEN_ACTION_STATUSES and not pd.isna(due) and due < pd.Timestamp(as_of):
        return layout.p(f'<font color="{OVERDUE_COLOUR}"><b>{text}</b><br/>en retard</font>', "cell")
    return layout.p(text, "cell")


def _attendance(applied: AppliedRecord, layout: _Layout) -> list:
    attendance = applied.record.attendance
    rows = [[label, PRESENCE[getattr(attendance, field)]] for field, label in SOCLE]
    others = [name for name in (_plain(p) for p in attendance.partners) if name]
    rows.append(["Autres partenaires présents", ", ".join(others) if others else "aucun"])
    rows.append(["Nombre de participants",
                 fr_int(attendance.attendees) if attendance.attendees is not None else "non renseigné"])
    if _plain(attendance.notes):
        rows.append(["Observations", attendance.notes])
    table = Table([[layout.p(escape(k), "head"), Paragraph(fitted(_plain(v), layout.styles["body"], 0.7 * WIDTH - 12,
                                                                  layout.annex, k), layout.styles["body"])]
                   for k, v in rows], colWidths=[0.3 * WIDTH, 0.7 * WIDTH], hAlign="LEFT")
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return [layout.p(escape(SECTION_TITLES[0]), "h1"), table]


def _problem_text(problems: pd.DataFrame, ref: str) -> str:
    row = problems[problems["problem_id"] == ref]
    if not len(row):
        return ""
    first = row.iloc[0]
    parts = [_plain(first["category"]), _plain(first["description"])]
    return " — ".join(p for p in parts if p)


def _decisions(applied: AppliedRecord, layout: _Layout) -> list:
    record, frames = applied.record, applied.frames
    problems, actions = frames["problems"], frames["actions"]
    story = [layout.p(escape(SECTION_TITLES[1]), "h1")]
    if not record.decision_count:
        return story + [layout.none("Aucune décision enregistrée.")]

    if record.new_problems:
        story.append(layout.p(escape(f"Nouveaux problèmes ({fr_int(len(record.new_problems))})"), "h2"))
        rows = []
        for ref in applied.new_problem_ids:
            row = problems[problems["problem_id"] == ref].iloc[0]
            rows.append([ref, _plain(row["commune_name"]), _problem_text(problems, ref),
                         layout.p(escape(_label(PRIORITY.labels, row["priority"]) if isinstance(row["priority"], str)
                                         else "Non précisée"), "cell"),
                         layout.p(escape(fr_date(row["due_on"])), "cell")])
        story.append(layout.table(["Réf", "Commune", "Catégorie / description", "Priorité", "Échéance"], rows,
                                  [42, 80, 250, 60, 62]))

    if record.new_actions:
        story.append(layout.p(escape(f"Nouvelles actions ({fr_int(len(record.new_actions))})"), "h2"))
        rows = []
        for ref, problem_id in zip(applied.new_action_ids, applied.new_action_problems):
            row = actions[actions["action_id"] == ref].iloc[0]
            rows.append([ref, problem_id, _plain(row["description"]), _plain(row["partner"]),
                         layout.p(escape(fr_date(row["due_on"])), "cell")])
        story.append(layout.table(["Réf action", "Problème", "Action", "Partenaire responsable", "Échéance"], rows,
                                  [52, 52, 200, 128, 62]))

    if applied.problem_changes:
        story.append(layout.p(escape(f"Problèmes : changements de statut ({fr_int(len(applied.problem_changes))})"),
                              "h2"))
        rows = [[c.ref, _problem_text(problems, c.ref),
                 layout.p(escape(_label(PROBLEM_STATUS.labels, c.before)), "cell"),
                 layout.p(f"<b>{escape(_label(PROBLEM_STATUS.labels, c.after))}</b>", "cell"),
                 layout.p(escape(fr_date(c.on)) if c.on else "", "cell"),
                 layout.p(escape(OUTCOME.labels.get(c.outcome, "")), "cell")] for c in applied.problem_changes]
        story.append(layout.table(["Réf", "Problème", "Avant", "Après", "Résolu le", "Résultat"], rows,
                                  [42, 192, 62, 62, 58, 70]))

    if applied.action_changes:
        story.append(layout.p(escape(f"Actions réalisées ou changées de statut ({fr_int(len(applied.action_changes))})"),
                              "h2"))
        rows = []
        for c in applied.action_changes:
            row = actions[actions["action_id"] == c.ref].iloc[0]
            rows.append([c.ref, _plain(row["description"]), _plain(row["partner"]),
                         layout.p(escape(_label(ACTION_STATUS.labels, c.before)), "cell"),
                         layout.p(f"<b>{escape(_label(ACTION_STATUS.labels, c.after))}</b>", "cell"),
                         layout.p(escape(fr_date(c.on)) if c.on else "", "cell")])
        story.append(layout.table(["Réf action", "Action", "Partenaire", "Avant", "Après", "Réalisée le"], rows,
                                  [52, 170, 110, 62, 62, 62]))
    return story


def _open_actions(applied: AppliedRecord, layout: _Layout) -> list:
    held = applied.record.held_on
    actions = applied.frames["actions"]
    story = [layout.p(escape(SECTION_TITLES[2]), "h1")]
    open_ = actions[actions["status"].isin(OPEN_ACTION_STATUSES)]
    if not len(open_):
        return story + [layout.none("Aucune action en cours.")]
    story.append(layout.p(escape(f"Actions « À faire » ou « En cours » à l’issue de la réunion du {fr_date(held)}, "
                                 "échéance la plus proche d’abord ; en rouge, celles dont l’échéance est dépassée."),
                          "lead"))
    partners = sorted(open_["partner"].dropna().unique().tolist(), key=lambda name: (fold(name), name))
    for partner in partners:
        own = open_[open_["partner"] == partner].sort_values(["due_on", "action_id"], kind="stable")
        name = fitted(_plain(partner), layout.styles["caption"], WIDTH * 0.75, layout.annex, "Partenaire", lines=2)
        count = f"{fr_int(len(own))} action{'s' if len(own) > 1 else ''}"
        rows = [[r.action_id, r.problem_id, _plain(r.description), _due(r.due_on, held, r.status, layout),
                 layout.p(escape(_label(ACTION_STATUS.labels, r.status)), "cell")] for r in own.itertuples()]
        story += [CondPageBreak(60), layout.table(["Réf action", "Problème", "Action", "Échéance", "Statut"], rows,
                                                  [52, 52, 260, 66, 66], caption=f"{name} — {escape(count)}")]
    return story


def _next_meeting(applied: AppliedRecord, layout: _Layout) -> list:
    record = applied.record
    meetings = applied.frames["meetings"]
    date = record.next_meeting
    if date is None:  # not set in the record: the first planned after this one, if the tracker has one
        later = meetings[(meetings["status"] == "planned") & (meetings["meeting_date"] > pd.Timestamp(record.held_on))]
        date = later["meeting_date"].min().date() if len(later) else None
    text = f"Le {fr_date(date)}." if date else "Date non fixée."
    return [KeepTogether([layout.p(escape(SECTION_TITLES[3]), "h1"), layout.p(escape(text), "cover_line")])]


def compte_rendu_pdf(applied: AppliedRecord, *, sector: Sector, csp_name: str, generated_on: dt.date,
                     departement: str = "") -> bytes:
    """The compte rendu of the meeting `applied` records, as PDF bytes (A4 portrait, every word French)."""
    _fonts()
    record = applied.record
    layout = _Layout()
    sector_name = _plain(sector.name)
    held = fr_date(record.held_on)
    gpo = f"GPO {_de(sector_name)}"
    author = f"{AUTHOR} {_plain(departement)}".strip()
    meetings = own_rows(applied.frames, record.sector_id)["meetings"]
    row = meetings[meetings["meeting_date"] == pd.Timestamp(record.held_on)]
    kind = _label(MEETING_KIND.labels, row["kind"].iloc[0]) if len(row) else ""

    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                          bottomMargin=MARGIN_BOTTOM, title=f"{TITLE} — {gpo} — réunion du {held}", author=author,
                          creator=author, producer=author, subject=f"Compte rendu de la réunion du {held}",
                          keywords=["GPO", "compte rendu", "relevé de décisions"], invariant=1, lang="fr-FR")
    doc.addPageTemplates([PageTemplate(id="page", frames=[Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height,
                                                                id="body", leftPadding=0, rightPadding=0, topPadding=0,
                                                                bottomPadding=0)])])
    story = [layout.p("Groupe de partenariat opérationnel", "cover_kicker"),
             layout.p(markup(sector_name), "h1"),
             layout.p(escape(f"{TITLE} de la réunion du {held}" + (f" (réunion {kind.lower()})" if kind else "")),
                      "cover_line"),
             layout.p(f"CSP {markup(_de(_plain(csp_name)))} · animateur : "
                      f"{markup(_plain(sector.animateur)) or 'non renseigné'}", "lead"),
             Spacer(1, 3 * mm)]
    for section in (_attendance, _decisions, _open_actions, _next_meeting):
        story += [CondPageBreak(90), *section(applied, layout), Spacer(1, 4 * mm)]  # no title alone at a page's foot
    if layout.annex.entries:
        story.append(layout.p("Annexe : textes complets", "h1"))
        for number, where, text in layout.annex.entries:
            story += [CondPageBreak(40), layout.p(f"n° {number} — {markup(where)}", "h2"), layout.p(markup(text))]
    canvas = _canvas_class(f"{TITLE} — {gpo}"[:90], f"CSP {_de(_plain(csp_name))}"[:60],
                           f"Réunion du {held}", f"document généré le {fr_date(generated_on)}, hors connexion", PAGE)
    doc.build(story, canvasmaker=canvas)
    return buffer.getvalue()
