"""The Bilan of a GPO's cycle as a printable PDF (A4 landscape, French), like the meeting pack.

Pure: a `domain.bilan.Bilan` in, PDF bytes out. It reuses the meeting pack's fonts,
styles, tables (headers repeated on every page a table runs over), page header and
« page n/N » footer, and its text handling: every text typed in a tracker goes
through `_plain` and is XML-escaped (reportlab's `Paragraph` reads markup: « <b> »
in a summary is printed, not obeyed); in tables it is cut to a few lines, the full
text going to the annex. A share is always printed with its counts.

Pages: a cover (sector, cycle, diagnostic, bilan due date, key figures), then
1. the diagnostic; 2. each priority problem with its actions per partner;
3. the priority problems' actions per partner; 4. meetings against the cadence and
the socle; 5. the problems reported during the cycle; 6. what the GPO recorded as
assessment. A sector without a diagnostic gets a cover and one page saying so.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, CondPageBreak, Frame, PageBreak, PageTemplate, Spacer, Table, TableStyle

from domain.bilan import Bilan, PriorityProblem
from domain.bilan_wording import SECTION_TITLES, STATE_HEADERS, cycle_span, share_or_counts, situation
from domain.formatting import fr_date, fr_days, fr_int, fr_pct, rate_with_counts
from domain.indicators.cycle import (DONE_LATE, DONE_ON_TIME, DONE_UNDATED, DROPPED, LATE,
                                     OPEN, OVERDUE)
from domain.indicators.problems import SMALL_SAMPLE
from meeting_pack.cell_text import Annex, markup
from meeting_pack.pdf import (_ANNEX, AUTHOR, BLUE_INK, HEIGHT, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, MUTED, PAGE,
                              PROBLEM_BG, RULE, WIDTH, _annex, _canvas_class, _Chip, _clip, _de, _fonts, _hex, _none, _p, _plain,
                              _plural, _table, _text, _user, _with_note)
from theme.palette import BLUISH_GREEN, GREY, ORANGE, OVERDUE_COLOUR, SKY_BLUE

NO_DIAGNOSTIC_TITLE = "Aucun diagnostic enregistré"
STATE_COLOURS = {DONE_ON_TIME: BLUISH_GREEN, DONE_LATE: ORANGE, DONE_UNDATED: SKY_BLUE, LATE: OVERDUE_COLOUR,
                 OPEN: SKY_BLUE, DROPPED: GREY}


def _dash(value: object) -> str:
    text = _plain(value)
    return text or "–"


def _due_text(bilan: Bilan) -> str:
    cycle = bilan.cycle
    return f"bilan dû le {fr_date(cycle.bilan_due_on)} : {cycle.status_label.lower()}"


def _key_values(rows: list[tuple[str, object]], extra: list[tuple] = ()) -> Table:
    """A two-column table: fixed French labels, and values printed as text (escaped, tracker text included)."""
    table = Table([[_p(escape(k), "head"), _p(_text(v), "body")] for k, v in rows],
                  colWidths=[230, WIDTH - 230], hAlign="LEFT")
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                               *extra]))
    return table


def _state_chip(state: str, days_late: object) -> _Chip:
    """The action's situation; for one done late or still late, by how many days."""
    return _Chip(situation(state, days_late), STATE_COLOURS[state], 8)


# --- cover ------------------------------------------------------------------------------------------------------

def _figure_boxes(figures: list[tuple[str, str, str | None]]) -> Table:
    cells = [[_p(_text(value) if len(value) <= 14 else f'<font size="15">{_text(value)}</font>', "figure_value"),
              _p(escape(label), "figure_label")] for value, label, _ in figures]
    boxes = [Table([[c[0]], [c[1]]], colWidths=[WIDTH / 3 - 14]) for c in cells]
    for box, (_, _, alert) in zip(boxes, figures):
        box.setStyle(TableStyle([
            ("LINEBEFORE", (0, 0), (0, -1), 4, _hex(alert) if alert else BLUE_INK),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fdf0e8" if alert else "#f3f6fa")),
            ("LEFTPADDING", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]))
    grid = Table([boxes[i:i + 3] for i in range(0, len(boxes), 3)], colWidths=[WIDTH / 3] * 3, hAlign="LEFT")
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
    return grid


def _cover(bilan: Bilan) -> list:
    sector = bilan.sector
    story = [
        Spacer(1, 2 * mm),
        _p("Groupe de partenariat opérationnel — bilan de cycle", "cover_kicker"),
        _p(_text(sector.name), "cover_title"),
        _p(_text(f"CSP {_de(bilan.csp_name)}") + f" · animateur : {_text(sector.animateur) or 'non renseigné'}",
           "cover_line"),
    ]
    if bilan.cycle is None:
        return story + [_p(escape(f"Situation au {fr_date(bilan.as_of)}"), "cover_date"),
                        _p(escape(f"{NO_DIAGNOSTIC_TITLE} : pas de cycle, donc pas de bilan."), "lead")]
    cycle = bilan.cycle
    closing = ("cycle en cours" if cycle.current
               else f"clos par le diagnostic du {fr_date(cycle.next_diagnosed_on)}")
    story += [
        _p(escape(f"Cycle n° {cycle.number} sur {len(bilan.cycles)} : du {fr_date(cycle.diagnosed_on)} au "
                  f"{fr_date(cycle.end)}"), "cover_date"),
        _p(escape(f"{closing[0].upper()}{closing[1:]} · diagnostic du {fr_date(cycle.diagnosed_on)}")
           + (f" : « {_text(cycle.title, 200)} »" if cycle.title else "")
           + escape(f" · {_due_text(bilan)} · situation au {fr_date(bilan.as_of)}"), "lead"),
    ]
    closed = sum(1 for p in bilan.priority if p.closed)
    summary = bilan.partner_summary
    actions = int(summary["actions"].sum()) if len(summary) else 0
    on_time = int(summary[DONE_ON_TIME].sum()) if len(summary) else 0
    late = int(summary[LATE].sum()) if len(summary) else 0
    outcomes, meetings = bilan.outcomes, bilan.meetings
    figures = [
        (f"{fr_int(closed)} / {fr_int(len(bilan.priority))}",
         "problèmes prioritaires clos (résolus ou abandonnés) sur ceux que nomme le diagnostic", None),
        (rate_with_counts(on_time, actions), "actions des problèmes prioritaires réalisées dans les délais", None),
        (fr_int(late), "actions des problèmes prioritaires en retard", OVERDUE_COLOUR if late else None),
        (share_or_counts(outcomes.success, outcomes.with_outcome),
         f"problèmes clos pendant le cycle éliminés ou réduits, parmi ceux qui ont un résultat "
         f"({_plural(outcomes.without_outcome, 'clos sans résultat', 'clos sans résultat')})", None),
        (rate_with_counts(meetings.periods_met, len(meetings.periods)) if meetings.periods else "–",
         "périodes de la cadence avec au moins une réunion tenue", None),
        (rate_with_counts(meetings.socle_full, meetings.held) if meetings.held else "–",
         "réunions tenues avec le socle complet (mairie, police municipale, police nationale)", None),
    ]
    if cycle.status == OVERDUE:
        figures[0] = figures[0][:2] + (OVERDUE_COLOUR,)
    story += [_figure_boxes(figures), Spacer(1, 2 * mm), _p("Sommaire", "h2")]
    story += [_p(escape(title), "agenda") for title in SECTION_TITLES]
    return story


# --- sections ---------------------------------------------------------------------------------------------------

def _section_diagnostic(bilan: Bilan) -> list:
    cycle = bilan.cycle
    refs = ", ".join(cycle.priority_ids)
    rows: list[tuple[str, object]] = [
        ("Date du diagnostic", fr_date(cycle.diagnosed_on)),
        ("Titre", _dash(cycle.title)),
        ("Partagé avec les partenaires le", fr_date(cycle.shared_on) if cycle.shared_on else "non renseigné"),
        ("Problèmes prioritaires", refs or "aucun problème prioritaire nommé"),
        ("Période du cycle", cycle_span(cycle)),
        ("Bilan", _due_text(bilan)),
    ]
    extra = []
    if cycle.status in (OVERDUE, "closed_late"):
        extra.append(("TEXTCOLOR", (1, 5), (1, 5), _hex(OVERDUE_COLOUR)))
    story = [_p(escape(SECTION_TITLES[0]), "h1"), _key_values(rows, extra)]
    if bilan.unknown_refs:
        story.append(_p(escape(f"Réf nommées par le diagnostic mais absentes de la feuille « Problèmes » : "
                               f"{', '.join(bilan.unknown_refs)}."), "note"))
    story.append(_p("Synthèse du diagnostic", "h2"))
    # the whole summary (a paragraph may run over pages), escaped
    story.append(_p(markup(_plain(cycle.summary)), "body") if cycle.summary else _none("Aucune synthèse saisie."))
    if bilan.outside_cycles:
        story.append(Spacer(1, 4))
        story.append(_p(escape(f"{_plural(bilan.outside_cycles, 'problème signalé', 'problèmes signalés')} avant ce "
                               f"premier diagnostic : hors cycle, ils ne figurent dans aucun bilan (sauf s’ils sont "
                               f"nommés prioritaires ci-dessus)."), "note"))
    return story


def _problem_line(problem: PriorityProblem) -> str:
    parts = [f"<b>Statut :</b> {escape(problem.status_label or '–')}",
             f"<b>Étape :</b> {escape(problem.stage_label or 'non renseignée')}",
             f"<b>Résultat :</b> {escape(problem.outcome_label or 'non renseigné')}"]
    if problem.resolution_days is not None:
        parts.append(f"<b>Résolu en</b> {escape(fr_days(problem.resolution_days))} (signalé le "
                     f"{escape(fr_date(problem.reported_on))}, résolu le {escape(fr_date(problem.resolved_on))})")
    else:
        parts.append(f"<b>Signalé le</b> {escape(fr_date(problem.reported_on))}")
    parts.append(f"<b>Chef de file :</b> {_text(problem.lead_partner, 200) or 'non renseigné'}")
    return " · ".join(parts)


def _counts_table(frame, with_type: bool = True) -> object:
    header = ["Partenaire"] + (["Type"] if with_type else []) + ["Actions"] + [STATE_HEADERS[s] for s in STATE_HEADERS]
    widths = [170] + ([95] if with_type else []) + [50] + [74] * len(STATE_HEADERS)
    rows = []
    for r in frame.itertuples(index=False):
        counts = [fr_int(getattr(r, s)) for s in STATE_HEADERS]
        rows.append([_user(r.partner or "Partenaire non renseigné")] + ([r.partner_type_label] if with_type else [])
                    + [fr_int(r.actions)] + counts)
    if len(frame) > 1:
        totals = [fr_int(frame[s].sum()) for s in STATE_HEADERS]
        rows.append([_p("<b>Total</b>")] + ([""] if with_type else []) + [fr_int(frame["actions"].sum())] + totals)
    extra = [("BACKGROUND", (0, len(rows)), (-1, len(rows)), PROBLEM_BG)] if len(frame) > 1 else []
    return _table(header, rows, widths, extra)


def _section_priority(bilan: Bilan) -> list:
    story = [_p(escape(SECTION_TITLES[1]), "h1")]
    if not bilan.priority:
        return story + [_none("Le diagnostic ne nomme aucun problème prioritaire.")]
    story.append(_p(escape(f"{_plural(len(bilan.priority), 'problème prioritaire', 'problèmes prioritaires')}, dans "
                           f"l’ordre du diagnostic. Situation des actions au {fr_date(bilan.as_of)} ; une action "
                           f"« en retard » est à faire ou en cours après son échéance."), "lead"))
    for problem in bilan.priority:
        ref = _plain(problem.problem_id)
        if not problem.found:
            story += [CondPageBreak(60), _p(f"{escape(ref)} — introuvable", "h2"),
                      _none(f"Aucune ligne de la feuille « Problèmes » n’a la Réf {ref} : vérifier le diagnostic.")]
            continue
        story += [CondPageBreak(120), _p(f"{escape(ref)} — {_text(problem.category, 200)}", "h2"),
                  _p(_problem_line(problem), "body")]
        place = " · ".join(x for x in (_plain(problem.commune_name), _plain(problem.location)) if x)
        if place:
            story.append(_p(_text(place, 300), "note"))
        if problem.description:
            story.append(_p(_text(problem.description, 600), "body"))
        story.append(Spacer(1, 3))
        if not len(problem.actions):
            story.append(_none("Aucune action décidée pour ce problème."))
            continue
        rows, extra, previous = [], [], None
        for a in problem.actions.itertuples(index=False):
            partner = a.partner if a.partner != previous else ""
            if a.partner != previous and rows:
                extra.append(("LINEABOVE", (0, len(rows) + 1), (-1, len(rows) + 1), 0.8, MUTED))
            previous = a.partner
            name = f"Action {_plain(a.action_id)}"
            rows.append([_user(partner, bold=True, where=f"{name}, partenaire") if partner else "",
                         _user(a.action_id, where=f"{name}, réf"),
                         _with_note(a.description, a.comment, where=f"{name}, description",
                                    note_where=f"{name}, commentaire"),
                         fr_date(a.due_on), fr_date(a.done_on),
                         _state_chip(a.state, a.days_late)])
        story.append(_table(["Partenaire", "Réf action", "Action", "Échéance", "Réalisée le", "Situation"], rows,
                            [170, 62, 290, 66, 70, 150], extra))
        story += [Spacer(1, 4), _p(escape(f"{ref} : actions par partenaire"), "head"), Spacer(1, 2),
                  _counts_table(problem.by_partner, with_type=False)]
    return story


def _section_partners(bilan: Bilan) -> list:
    story = [_p(escape(SECTION_TITLES[2]), "h1")]
    if not len(bilan.partner_summary):
        return story + [_none("Aucune action sur les problèmes prioritaires.")]
    story.append(_p(escape(f"Toutes les actions des problèmes prioritaires, comptées par partenaire et par situation "
                           f"au {fr_date(bilan.as_of)}."), "lead"))
    return story + [_counts_table(bilan.partner_summary)]


def _period(first: dt.date, last: dt.date) -> str:
    return f"{fr_date(first)} – {fr_date(last)}"


def _section_meetings(bilan: Bilan) -> list:
    m = bilan.meetings
    story = [_p(escape(SECTION_TITLES[3]), "h1")]
    constituted = m.constitution.status == "constituted"
    rows: list[tuple[str, object]] = [
        ("Cadence prévue", m.cadence_label),
        ("Constitution", m.constitution.label + (f" le {fr_date(m.constitution.on)}" if m.constitution.on else "")),
        ("Respect de la cadence sur le cycle",
         f"{rate_with_counts(m.periods_met, len(m.periods))} : périodes avec au moins une réunion tenue"
         + (f" (moins de {SMALL_SAMPLE} périodes écoulées)" if 0 < len(m.periods) < SMALL_SAMPLE else "")
         if m.periods else ("aucune période écoulée" if constituted else "sans objet : GPO non constitué")),
        ("Réunions tenues pendant le cycle", fr_int(m.held)),
        ("Réunions annulées / reportées", f"{fr_int(m.cancelled)} / {fr_int(m.postponed)}"),
        ("Socle complet (mairie, police municipale et police nationale présentes)",
         f"{rate_with_counts(m.socle_full, m.held)} des réunions tenues" if m.held else "aucune réunion tenue"),
    ]
    story.append(_key_values(rows))
    if m.missed:
        story.append(_p(escape(f"Périodes sans réunion tenue ({fr_int(len(m.missed))})"), "h2"))
        story.append(_p(escape(" ; ".join(_period(*p) for p in m.missed)), "body"))
    return story


def _section_new(bilan: Bilan) -> list:
    new = bilan.new_problems
    story = [_p(escape(SECTION_TITLES[4]), "h1")]
    if not len(new):
        story.append(_none("Aucun problème signalé pendant le cycle."))
    else:
        story.append(_p(escape(f"{_plural(len(new), 'problème signalé', 'problèmes signalés')} entre le "
                               f"{fr_date(bilan.cycle.diagnosed_on)} et le {fr_date(bilan.cycle.end)}, du plus ancien "
                               f"au plus récent ; « oui » dans la dernière colonne : nommé prioritaire par le "
                               f"diagnostic."), "lead"))
        rows = [[r.problem_id, fr_date(r.reported_on),
                 _with_note(r.category, r.description, where=f"Problème {_plain(r.problem_id)}, catégorie",
                            note_where=f"Problème {_plain(r.problem_id)}, description"),
                 _dash(r.priority_label), _dash(r.status_label), _dash(r.stage_label), _dash(r.outcome_label),
                 "oui" if r.is_priority else ""] for r in new.itertuples(index=False)]
        story.append(_table(["Réf", "Signalé le", "Catégorie / description", "Priorité", "Statut", "Étape", "Résultat",
                             "Prioritaire"], rows, [55, 62, 300, 60, 70, 70, 100, 60]))
    if bilan.outside_cycles:
        verb = "n’appartient" if bilan.outside_cycles == 1 else "n’appartiennent"
        story.append(_p(escape(f"{_plural(bilan.outside_cycles, 'problème signalé', 'problèmes signalés')} avant le "
                               f"premier diagnostic {verb} à aucun cycle."), "note"))
    return story


def _section_assessment(bilan: Bilan) -> list:
    story = [_p(escape(SECTION_TITLES[5]), "h1")]
    o = bilan.outcomes
    cycle = bilan.cycle
    if not o.with_outcome:
        share = "Aucun problème clos pendant le cycle n’a de résultat saisi."
    elif o.with_outcome < SMALL_SAMPLE:  # the counts alone, as in the table below and on the Bilan page
        share = (f"Sur {_plural(o.with_outcome, 'problème clos', 'problèmes clos')} pendant le cycle avec un résultat, "
                 f"{fr_int(o.success)} éliminé(s) ou réduit(s).")
    else:
        share = (f"{rate_with_counts(o.success, o.with_outcome)} des problèmes clos pendant le cycle avec un résultat "
                 f"ont été éliminés ou réduits.")
    lines = [share, f"{_plural(o.closed, 'problème clos', 'problèmes clos')} (résolus ou abandonnés) entre le "
                    f"{fr_date(cycle.diagnosed_on)} et le {fr_date(cycle.end)}, dont "
                    f"{_plural(o.without_outcome, 'sans résultat saisi', 'sans résultat saisi')}."]
    if o.undated:
        lines.append(f"{fr_int(o.undated)} problème clos sans date de clôture, signalé pendant le cycle, n’entre dans "
                     f"aucun de ces nombres." if o.undated == 1 else
                     f"{fr_int(o.undated)} problèmes clos sans date de clôture, signalés pendant le cycle, n’entrent "
                     f"dans aucun de ces nombres.")
    story += [_p(escape(" ".join(lines)), "lead")]
    if o.closed:
        small = o.with_outcome < SMALL_SAMPLE
        rows = [[r.label, fr_int(r.problems), "–" if r.outcome == "none" or small else fr_pct(r.share)]
                for r in bilan.outcome_counts.itertuples(index=False) if r.problems or r.outcome != "none"]
        story.append(_table(["Résultat", "Problèmes", f"Part (sur {fr_int(o.with_outcome)} avec un résultat)"], rows,
                            [260, 90, 200], full_width=False))
        if small:
            story.append(_p(escape(f"Moins de {SMALL_SAMPLE} problèmes avec un résultat : les nombres seuls, sans part."),
                            "note"))
        closed = bilan.closed_problems
        story.append(_p(escape(f"Problèmes clos pendant le cycle ({fr_int(len(closed))})"), "h2"))
        rows = [[r.problem_id, _with_note(r.category, r.description,
                                          where=f"Problème {_plain(r.problem_id)}, catégorie",
                                          note_where=f"Problème {_plain(r.problem_id)}, description"),
                 _dash(r.status_label), fr_date(r.resolved_on), r.outcome_label if isinstance(r.outcome_label, str)
                 else "non renseigné", "oui" if r.is_priority else ""] for r in closed.itertuples(index=False)]
        story.append(_table(["Réf", "Catégorie / description", "Statut", "Clos le", "Résultat", "Prioritaire"], rows,
                            [55, 380, 80, 70, 140, 60]))
    if bilan.next_cycle is not None:
        nxt = bilan.next_cycle
        story.append(_p(escape(f"Diagnostic suivant, du {fr_date(nxt.diagnosed_on)}"), "h2"))
        if nxt.title:
            story.append(_p(f"<b>Titre :</b> {_text(nxt.title)}", "body"))
        story.append(_p(markup(_plain(nxt.summary)), "body") if nxt.summary else _none("Aucune synthèse saisie."))
    return story


def _section_no_diagnostic(bilan: Bilan) -> list:
    story = [_p(escape(NO_DIAGNOSTIC_TITLE), "h1"),
             _p(escape(f"Aucun diagnostic de sécurité n’est enregistré pour ce secteur au {fr_date(bilan.as_of)} : "
                       f"le GPO n’a pas de cycle, donc pas de bilan à présenter. Ce secteur n’est jamais compté "
                       f"« à jour »."), "lead")]
    if bilan.outside_cycles:
        verb = "n’appartient" if bilan.outside_cycles == 1 else "n’appartiennent"
        story.append(_p(escape(f"{_plural(bilan.outside_cycles, 'problème signalé', 'problèmes signalés')} à ce jour "
                               f"{verb} à aucun cycle."), "body"))
    story.append(_p(escape("Pour ouvrir un cycle : saisir le diagnostic (date, titre, date de partage, Réf des "
                           "problèmes prioritaires, synthèse) dans la feuille « Diagnostic » du tableau de suivi, "
                           "puis l’importer."), "body"))
    return story


# --- entry point ------------------------------------------------------------------------------------------------

def bilan_pdf(bilan: Bilan, *, generated_on: dt.date | None = None) -> bytes:
    """The Bilan as PDF bytes (A4 landscape, every word French)."""
    _fonts()
    generated_on = generated_on or dt.date.today()
    sector_name = _plain(bilan.sector.name)
    gpo = f"GPO {_de(sector_name)}"
    author = f"{AUTHOR} {_plain(bilan.departement)}".strip()
    which = f"cycle n° {bilan.cycle.number}" if bilan.cycle else "aucun diagnostic"
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=PAGE, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=f"Bilan de cycle — {gpo} — {which}", author=author, creator=author, producer=author,
        subject=f"Groupe de partenariat opérationnel, CSP {_de(_plain(bilan.csp_name))}",
        keywords=["GPO", *([_plain(bilan.departement)] if bilan.departement else []), "bilan", "diagnostic"],
        invariant=1, lang="fr-FR",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    annex = Annex()
    token = _ANNEX.set(annex)
    try:
        story = _cover(bilan)
        if bilan.cycle is None:
            story += [PageBreak(), *_section_no_diagnostic(bilan)]
        else:
            story += [PageBreak(), *_section_diagnostic(bilan), PageBreak(), *_section_priority(bilan)]
            for section in (_section_partners, _section_meetings, _section_new, _section_assessment):
                # the shorter sections share a page when a good part of one is left
                story += [CondPageBreak(HEIGHT * 0.4), Spacer(1, 14), *section(bilan)]
    finally:
        _ANNEX.reset(token)
    if annex.entries:
        story += [PageBreak(), *_annex(annex)]
    span = (f"du {fr_date(bilan.cycle.diagnosed_on)} au {fr_date(bilan.cycle.end)}" if bilan.cycle
            else f"au {fr_date(bilan.as_of)}")
    canvas = _canvas_class(
        f"Bilan de cycle — Groupe de partenariat opérationnel {_de(_clip(sector_name, 70))}",
        f"CSP {_de(_plain(bilan.csp_name))} · animateur : {_clip(_plain(bilan.sector.animateur), 60) or 'non renseigné'}",
        f"{_clip(gpo, 80)} — {which}, {span}",
        f"document généré le {fr_date(generated_on)}, hors connexion",
    )
    doc.build(story, canvasmaker=canvas)
    return buffer.getvalue()
