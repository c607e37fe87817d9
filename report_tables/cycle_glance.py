"""A sector's cycle at a glance (Fiche secteur, Réunions): last diagnostic, when the bilan is due, and where each of
its priority problems stands.

Pure: the sector's frames (problems, actions, diagnostics) and `as_of` in; a `CycleGlance` out, whose sentences are
plain French text (the diagnostic's title comes from a tracker: a page shows them through `md_escape`). A sector
without a diagnostic says so plainly and is never « on time »: `severity` is then a warning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from domain.formatting import fr_date, fr_int
from domain.indicators.cycle import GLANCE_COLUMNS as STATE_COLUMNS
from domain.indicators.cycle import (CLOSED_LATE, DUE_SOON, DUE_SOON_DAYS, NO_DIAGNOSTIC, ON_TIME, OVERDUE, Cycle,
                                     priority_problem_states, sector_cycles)
from report_tables.cycle import priority_glance_table

NO_DIAGNOSTIC_TEXT = ("Aucun diagnostic de sécurité enregistré au {day} : ce GPO n’a pas de cycle, donc pas de bilan "
                      "à préparer, et il n’est jamais compté « à jour ». Pour ouvrir un cycle, saisir le diagnostic "
                      "(date, titre, Réf des problèmes prioritaires, synthèse) dans la feuille « Diagnostic » du "
                      "tableau de suivi, puis l’importer.")
# How a page draws the due-date sentence: an alert of this kind
SEVERITY = {OVERDUE: "error", DUE_SOON: "warning", ON_TIME: "info", NO_DIAGNOSTIC: "warning"}


def plural(count: int, singular: str, plural_form: str) -> str:
    """« 1 jour », « 12 jours », « 0 jour » (French: 0 and 1 are singular)."""
    return f"{fr_int(count)} {singular if count <= 1 else plural_form}"


def in_days(days: int) -> str:
    """« aujourd’hui », « dans 1 jour », « dans 39 jours »."""
    return "aujourd’hui" if days == 0 else f"dans {plural(days, 'jour', 'jours')}"


def due_sentence(cycle: Cycle, as_of: dt.date) -> str:
    """Where a cycle's bilan stands, in one sentence: due, due soon, overdue (a current cycle), or closed on time or
    late by the next diagnostic (a past one)."""
    due, until = cycle.bilan_due_on, (cycle.bilan_due_on - as_of).days
    if cycle.next_diagnosed_on is not None:
        after = (cycle.next_diagnosed_on - due).days
        if cycle.status == CLOSED_LATE:
            return (f"Cycle clos en retard : le diagnostic suivant, du {fr_date(cycle.next_diagnosed_on)}, est venu "
                    f"{plural(after, 'jour', 'jours')} après l’échéance du bilan ({fr_date(due)}).")
        return (f"Cycle clos à temps : le diagnostic suivant, du {fr_date(cycle.next_diagnosed_on)}, est venu avant "
                f"l’échéance du bilan ({fr_date(due)}).")
    if cycle.status == OVERDUE:
        return (f"Bilan en retard : il était dû le {fr_date(due)}, 12 mois après le diagnostic, dépassé de "
                f"{plural(-until, 'jour', 'jours')}, sans nouveau diagnostic depuis.")
    if cycle.status == DUE_SOON:
        return f"Bilan dû sous {DUE_SOON_DAYS} jours : le {fr_date(due)} ({in_days(until)})."
    return f"Bilan non encore dû : à présenter le {fr_date(due)} au plus tard ({in_days(until)})."


@dataclass(frozen=True)
class CycleGlance:
    sector_id: str
    as_of: dt.date
    cycles: tuple[Cycle, ...]  # every cycle at as_of, oldest first (empty: no diagnostic)
    priority: pd.DataFrame  # `priority_glance_table` of the current cycle (no row without a diagnostic)
    late_actions: int  # actions of the priority problems late at as_of
    closed: int  # priority problems resolved or dropped (by the tracker's status)

    @property
    def current(self) -> Cycle | None:
        return self.cycles[-1] if self.cycles else None

    @property
    def status(self) -> str:
        return self.current.status if self.current else NO_DIAGNOSTIC

    @property
    def severity(self) -> str:
        return SEVERITY[self.status]

    def diagnostic_line(self) -> str:
        """« Dernier diagnostic : 26/09/2026, il y a 60 jours (cycle n° 2 sur 2) · « titre » · partagé … »."""
        cycle = self.current
        if cycle is None:
            return NO_DIAGNOSTIC_TEXT.format(day=fr_date(self.as_of))
        age = (self.as_of - cycle.diagnosed_on).days
        parts = [f"Dernier diagnostic : {fr_date(cycle.diagnosed_on)}, "
                 + ("aujourd’hui" if age == 0 else f"il y a {plural(age, 'jour', 'jours')}")
                 + f" (cycle n° {cycle.number} sur {len(self.cycles)})"]
        if cycle.title:
            parts.append(f"« {cycle.title} »")
        parts.append(f"partagé avec les partenaires le {fr_date(cycle.shared_on)}" if cycle.shared_on
                     else "date de partage avec les partenaires non renseignée")
        return " · ".join(parts) + "."

    def due_line(self) -> str:
        """When the bilan is due, in words (a sector without diagnostic says it has no bilan)."""
        if self.current is None:
            return "Pas de bilan à préparer : aucun diagnostic."
        return due_sentence(self.current, self.as_of)

    def priority_line(self) -> str:
        """How many priority problems, how many closed, how many of their actions are late."""
        if self.current is None:
            return ""
        named = len(self.priority)
        if not named:
            return "Le diagnostic ne nomme aucun problème prioritaire."
        return (f"{plural(named, 'problème prioritaire nommé', 'problèmes prioritaires nommés')} par le diagnostic : "
                f"{plural(self.closed, 'clos', 'clos')} (résolu ou abandonné), "
                f"{plural(self.late_actions, 'action en retard', 'actions en retard')}.")


def cycle_glance(frames: dict[str, pd.DataFrame], sector_id: str, as_of: dt.date) -> CycleGlance:
    """The sector's cycle at `as_of`, from frames of any sectors (only this sector's rows are read)."""
    own = {key: frames[key][frames[key]["sector_id"] == sector_id] for key in ("problems", "actions", "diagnostics")}
    cycles = sector_cycles(own["diagnostics"], sector_id, as_of)
    if not cycles:
        no_states = pd.DataFrame(columns=list(STATE_COLUMNS))
        return CycleGlance(sector_id, as_of, (), priority_glance_table(no_states), 0, 0)
    states = priority_problem_states(own["problems"], own["actions"], cycles[-1], as_of)
    closed = int(states["status"].isin(("resolved", "dropped")).fillna(False).sum())
    return CycleGlance(sector_id, as_of, cycles, priority_glance_table(states), int(states["actions_late"].sum()),
                       closed)

