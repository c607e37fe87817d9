"""The Bilan's words, declared once for its page (`report_tables.bilan_tables`) and its PDF
(`meeting_pack.bilan_pdf`): the section titles, the column heading of each action situation, how an action's
situation, a share of a small sample and a cycle's span are written.

Pure French text from a `domain.bilan.Bilan`'s parts; the page and the PDF format it (escaping, bold, colours).
"""

from __future__ import annotations

import pandas as pd

from domain.formatting import fr_date, fr_days, fr_int, rate_with_counts
from domain.indicators.cycle import (ACTION_STATE_LABELS, DONE_LATE, DONE_ON_TIME, DONE_UNDATED, DROPPED, LATE, OPEN,
                                     Cycle)
from domain.indicators.problems import SMALL_SAMPLE

# The sections, in the order of the PDF and of the page
SECTION_TITLES = (
    "1. Le diagnostic",
    "2. Problèmes prioritaires et leurs actions",
    "3. Actions des problèmes prioritaires, par partenaire",
    "4. Réunions et cadence pendant le cycle",
    "5. Problèmes apparus pendant le cycle",
    "6. Évaluation enregistrée par le GPO",
)
# Each action situation's column heading in the tables of actions per partner, in their order
STATE_HEADERS = {DONE_ON_TIME: "Réalisées dans les délais", DONE_LATE: "Réalisées après l’échéance",
                 DONE_UNDATED: "Réalisées, date non renseignée", LATE: "En retard", OPEN: "En cours, dans les délais",
                 DROPPED: "Abandonnées"}


def share_or_counts(part: int, whole: int) -> str:
    """« 60 % (3/5) », or under SMALL_SAMPLE the counts alone: « 2 sur 3 » (« – » for none)."""
    if not whole:
        return "–"
    return rate_with_counts(part, whole) if whole >= SMALL_SAMPLE else f"{fr_int(part)} sur {fr_int(whole)}"


def situation(state: str, days_late: object) -> str:
    """An action's situation; for one done late or still late, by how many days: « En retard (12 j) »."""
    label = ACTION_STATE_LABELS[state]
    if state in (DONE_LATE, LATE) and not pd.isna(days_late):
        label += f" ({fr_days(int(days_late))})"
    return label


def cycle_span(cycle: Cycle) -> str:
    """« du 10/02/2025 au 01/03/2026 (clos par le diagnostic du 02/03/2026) », or « … (cycle en cours) »."""
    return (f"du {fr_date(cycle.diagnosed_on)} au {fr_date(cycle.end)} "
            + ("(cycle en cours)" if cycle.current else f"(clos par le diagnostic du {fr_date(cycle.next_diagnosed_on)})"))
