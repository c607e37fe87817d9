"""Slides for the leadership screen that cycles through the département: headline figures, the map, each GPO."""

from __future__ import annotations

import datetime as dt

from briefing.slides import Figure, Slide, shorten
from domain.formatting import fr_date, fr_days, fr_int, rate_with_counts
from domain.indicators.sector_metrics import Headline
from domain.meeting_agenda import Agenda
from theme.palette import OVERDUE_COLOUR

MAP_SLIDE = "map"  # placeholder in the list: the page draws the map there


def headline_slide(top: Headline, scope: str, as_of: dt.date) -> Slide:
    return Slide(
        f"Police de sécurité du quotidien — {scope}",
        f"Situation au {fr_date(as_of)}",
        figures=(
            Figure("Problèmes ouverts", fr_int(top.open_problems)),
            Figure("Taux de résolution (période)", rate_with_counts(top.resolution.resolved, top.resolution.open_during)),
            Figure("Actions en retard", fr_int(top.overdue_actions), alert=top.overdue_actions > 0),
            Figure("GPO en retard / constitués", f"{top.late_gpo} / {top.constituted_gpo}", alert=top.late_gpo > 0),
        ),
        columns=("Indicateur", "Valeur"),
        rows=(("Délai médian de résolution", fr_days(top.resolution.median_days)),
              ("80 % des problèmes résolus en", fr_days(top.resolution.p80_days)),
              ("GPO constitués", f"{top.constituted_gpo} / {top.sectors}"),
              ("Secteurs aux données anciennes", f"{top.stale_sectors} / {top.sectors}")),
    )


def sector_slide(agenda: Agenda, stale: bool) -> Slide:
    """One GPO on one slide: its figures and who owes the most overdue actions."""
    cadence = agenda.cadence
    rows = [(shorten(partner, 40), fr_int(len(group)), f"{int(group['days_overdue'].max())} j")
            for partner, group in agenda.overdue_by_partner[:5]]
    return Slide(
        f"GPO {agenda.sector.name}",
        f"CSP de {agenda.csp_name} · {cadence.constitution.label.lower()}" + (" · données anciennes" if stale else ""),
        figures=(
            Figure("Problèmes ouverts", fr_int(len(agenda.open_by_priority))),
            Figure("Actions en retard", fr_int(agenda.overdue_count), alert=agenda.overdue_count > 0),
            Figure("Respect de la cadence", rate_with_counts(cadence.periods_met, cadence.periods) if cadence.periods else "–",
                   alert=bool(cadence.late)),
            Figure("Prochaine réunion", fr_date(agenda.next_meeting) if agenda.next_meeting else "non fixée"),
        ),
        columns=("Partenaire", "Actions en retard", "Plus long retard"),
        rows=tuple(rows),
        row_colours=tuple(OVERDUE_COLOUR for _ in rows),
        empty="Aucune action en retard.",
        notes=("GPO en retard sur sa cadence." if cadence.late else "",),
    )

