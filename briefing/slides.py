"""Slides for the meeting screen: what each one says, then the HTML that shows it at 5 metres.

Pure: an `Agenda` in, a list of `Slide` out; `slide_html` turns one slide into
self-contained HTML sized in viewport units, so the same slide fills a
1920×1080 projector and a 1366×768 laptop without scrolling. Every text that
came from a tracker is escaped: nothing typed by a user is ever read as HTML, and
invisible characters (bidi overrides, zero-width) are removed before display.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from domain.formatting import fr_date, fr_int, rate_with_counts
from domain.meeting_agenda import Agenda
from domain.safe_text import visible_text
from domain.vocabulary import ACTION_STATUS, CADENCES, PRIORITY
from theme.palette import ACTION_STATUS_COLOURS, OVERDUE_COLOUR

ROWS_PER_SLIDE = 7  # what reads at 5 metres on a 768-pixel-high screen
PRIORITY_COLOURS = {"high": OVERDUE_COLOUR, "medium": "#E69F00", "low": "#56B4E9"}


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    alert: bool = False


@dataclass(frozen=True)
class Slide:
    title: str
    subtitle: str = ""
    figures: tuple[Figure, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()  # plain text cells, escaped when rendered
    row_colours: tuple[str | None, ...] = ()  # a colour mark per row (status or priority)
    empty: str = ""  # what to say when there is nothing to list
    notes: tuple[str, ...] = field(default_factory=tuple)


def shorten(text: object, limit: int = 70) -> str:
    """`text` as shown (invisible characters removed), cut to `limit` characters with an ellipsis."""
    value = visible_text(text)
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _pages(title: str, rows: list[tuple[str, ...]], colours: list[str | None], **kwargs) -> list[Slide]:
    """One slide, or several titled « (1/3) » when the rows do not fit."""
    chunks = [rows[i:i + ROWS_PER_SLIDE] for i in range(0, len(rows), ROWS_PER_SLIDE)] or [[]]
    colour_chunks = [colours[i:i + ROWS_PER_SLIDE] for i in range(0, len(rows), ROWS_PER_SLIDE)] or [[]]
    out = []
    for n, (chunk, marks) in enumerate(zip(chunks, colour_chunks), 1):
        suffix = f" ({n}/{len(chunks)})" if len(chunks) > 1 else ""
        out.append(Slide(title + suffix, rows=tuple(chunk), row_colours=tuple(marks), **kwargs))
    return out


def agenda_slides(agenda: Agenda) -> list[Slide]:
    """The meeting, slide by slide, in the order of the agenda."""
    sector, cadence = agenda.sector, agenda.cadence
    next_text = fr_date(agenda.next_meeting) if agenda.next_meeting else "non fixée"
    compliance = rate_with_counts(cadence.periods_met, cadence.periods) if cadence.periods else "–"
    slides = [Slide(
        f"GPO {sector.name}",
        f"Réunion du {fr_date(agenda.as_of)} · CSP de {agenda.csp_name} · animateur : {sector.animateur or 'non renseigné'}",
        figures=(
            Figure("Problèmes ouverts", fr_int(len(agenda.open_by_priority))),
            Figure("Actions en retard", fr_int(agenda.overdue_count), alert=agenda.overdue_count > 0),
            Figure("À faire avant la prochaine réunion", fr_int(len(agenda.due_before_next))),
            Figure("Prochaine réunion", next_text),
        ),
    )]

    since = f"depuis la réunion du {fr_date(agenda.since)}" if agenda.since else "aucune réunion tenue jusqu'ici"
    slides.append(Slide(
        "1. Depuis la dernière réunion", since,
        figures=(Figure("Nouveaux problèmes", fr_int(len(agenda.new_problems))),
                 Figure("Problèmes résolus", fr_int(len(agenda.resolved_problems))),
                 Figure("Actions réalisées", fr_int(len(agenda.done_actions)))),
        columns=("", "Réf", "Quoi", "Où / qui", "Le"),
        rows=tuple(
            [("Nouveau", r.problem_id, shorten(r.category, 40), shorten(r.commune_name, 30), fr_date(r.reported_on))
             for r in agenda.new_problems.itertuples()][:3]
            + [("Résolu", r.problem_id, shorten(r.category, 40), shorten(r.commune_name, 30), fr_date(r.resolved_on))
               for r in agenda.resolved_problems.itertuples()][:2]
            + [("Réalisée", r.action_id, shorten(r.description, 40), shorten(r.partner, 30), fr_date(r.done_on))
               for r in agenda.done_actions.itertuples()][:2]),
        empty="Rien de nouveau depuis la dernière réunion.",
    ))

    rows, colours = [], []
    for partner, group in agenda.overdue_by_partner:
        for r in group.itertuples():
            rows.append((shorten(partner, 34), r.action_id, shorten(r.description, 48), fr_date(r.due_on), f"{r.days_overdue} j"))
            colours.append(OVERDUE_COLOUR)
    slides += _pages("2. Actions en retard, par partenaire", rows, colours,
                     subtitle=f"{fr_int(agenda.overdue_count)} action(s) dont l'échéance est dépassée au {fr_date(agenda.as_of)}",
                     columns=("Partenaire", "Réf", "Action", "Échéance", "Retard"),
                     empty="Aucune action en retard : bravo à tous les partenaires.")

    due = agenda.due_before_next
    slides += _pages(f"3. À faire avant la prochaine réunion ({next_text})",
                     [(r.action_id, shorten(r.description, 52), shorten(r.partner, 34), fr_date(r.due_on),
                       ACTION_STATUS.labels.get(r.status, r.status)) for r in due.itertuples()],
                     [ACTION_STATUS_COLOURS.get(r.status) for r in due.itertuples()],
                     subtitle="actions « À faire » ou « En cours » dont l'échéance tombe d'ici là",
                     columns=("Réf", "Action", "Partenaire", "Échéance", "Statut"),
                     empty="Aucune action n'arrive à échéance d'ici la prochaine réunion.")

    opened = agenda.open_by_priority
    problem_rows, problem_colours = [], []
    for r in opened.itertuples():
        linked = agenda.actions_of_problem.get(r.problem_id, pd.DataFrame())
        open_count = int(linked["status"].isin(["todo", "in_progress"]).sum()) if len(linked) else 0
        problem_rows.append((PRIORITY.labels.get(r.priority, "–") if isinstance(r.priority, str) else "–", r.problem_id,
                             shorten(r.category, 34), shorten(f"{r.commune_name or ''} {('· ' + r.location) if isinstance(r.location, str) else ''}", 40),
                             f"{r.age_days} j", f"{open_count} en cours sur {len(linked)}"))
        problem_colours.append(PRIORITY_COLOURS.get(r.priority) if isinstance(r.priority, str) else None)
    slides += _pages("4. Problèmes ouverts, par priorité", problem_rows, problem_colours,
                     subtitle=f"{fr_int(len(opened))} problème(s) ouvert(s) ; âge depuis le signalement",
                     columns=("Priorité", "Réf", "Catégorie", "Où", "Âge", "Actions"),
                     empty="Aucun problème ouvert.")

    socle_words = {True: "présente", False: "absente", None: "non renseigné"}
    socle = agenda.last_meeting_socle
    slides.append(Slide(
        "5. Cadence et présence",
        f"{CADENCES[sector.cadence]} · {cadence.constitution.label.lower()}"
        + (f" le {fr_date(cadence.constitution.on)}" if cadence.constitution.on else ""),
        figures=(
            Figure("Respect de la cadence (6 mois)", compliance, alert=bool(cadence.compliance is not None and cadence.compliance < 0.75)),
            Figure("Dernière réunion tenue", fr_date(cadence.last_held) if cadence.last_held else "aucune", alert=bool(cadence.late)),
            Figure("Socle complet (6 mois)", rate_with_counts(cadence.socle_full, cadence.held_in_window) if cadence.held_in_window else "–"),
            Figure("Prochaine réunion", next_text),
        ),
        columns=("Socle à la dernière réunion", "Présence"),
        rows=(("Mairie", socle_words[socle["mayor_present"]]),
              ("Police municipale", socle_words[socle["municipal_police_present"]]),
              ("Police nationale", socle_words[socle["national_police_present"]])),
        row_colours=tuple({True: "#009E73", False: OVERDUE_COLOUR, None: "#999999"}[socle[k]]
                          for k in ("mayor_present", "municipal_police_present", "national_police_present")),
        notes=("GPO en retard sur sa cadence." if cadence.late else "",),
    ))
    return slides


_CSS = """
<style>
.gpo-slide { font-family: "Source Sans Pro", "Source Sans 3", sans-serif; color: #111; background: #fff;
  height: 76vh; display: flex; flex-direction: column; gap: 1.6vh; overflow: hidden; }
.gpo-slide h1 { font-size: 6vh; line-height: 1.1; margin: 0; padding: 0; color: #0b2545; font-weight: 700; }
.gpo-slide .sub { font-size: 3vh; color: #333; margin: 0; }
.gpo-slide .figures { display: flex; gap: 2vw; }
.gpo-slide .fig { flex: 1; border-left: 0.8vh solid #0072B2; padding: 0.6vh 1vw; background: #f3f6fa; }
.gpo-slide .fig.alert { border-left-color: #D55E00; background: #fdf0e8; }
.gpo-slide .fig .v { font-size: 6.5vh; font-weight: 700; line-height: 1.1; }
.gpo-slide .fig .l { font-size: 2.6vh; color: #222; }
.gpo-slide table { border-collapse: collapse; width: 100%; font-size: 3.1vh; }
.gpo-slide th { text-align: left; font-size: 2.5vh; color: #333; border-bottom: 0.3vh solid #0b2545; padding: 0.5vh 0.6vw; }
.gpo-slide td { padding: 0.9vh 0.6vw; border-bottom: 0.15vh solid #ccc; vertical-align: top; }
.gpo-slide td.mark { width: 0.8vw; padding: 0; }
.gpo-slide .empty { font-size: 4vh; color: #1b5e20; margin-top: 3vh; }
.gpo-slide .note { font-size: 3vh; color: #D55E00; font-weight: 700; }
</style>
"""


def slide_html(slide: Slide, position: str = "") -> str:
    """Self-contained HTML for one slide; every text escaped, invisible characters removed."""

    def e(text: object) -> str:
        return html.escape(visible_text(text))

    parts = [_CSS, '<div class="gpo-slide">', f"<h1>{e(slide.title)}</h1>"]
    if slide.subtitle or position:
        parts.append(f'<p class="sub">{e(slide.subtitle)}{" · " if slide.subtitle and position else ""}{e(position)}</p>')
    if slide.figures:
        parts.append('<div class="figures">' + "".join(
            f'<div class="fig{" alert" if f.alert else ""}"><div class="v">{e(f.value)}</div><div class="l">{e(f.label)}</div></div>'
            for f in slide.figures) + "</div>")
    if slide.rows:
        head = '<tr><th></th>' + "".join(f"<th>{e(c)}</th>" for c in slide.columns) + "</tr>"
        body = "".join(
            f'<tr><td class="mark" style="background:{e(colour or "transparent")}"></td>'
            + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>"
            for row, colour in zip(slide.rows, slide.row_colours or (None,) * len(slide.rows)))
        parts.append(f"<table>{head}{body}</table>")
    elif slide.empty:
        parts.append(f'<p class="empty">{e(slide.empty)}</p>')
    for note in slide.notes:
        if note:
            parts.append(f'<p class="note">{e(note)}</p>')
    parts.append("</div>")
    return "".join(parts)
