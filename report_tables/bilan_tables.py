"""The Bilan of a cycle as the Bilan page shows it: the same sections as the PDF (`meeting_pack.bilan_pdf`), as
French key figures, label/value lines and tables.

Pure: a `domain.bilan.Bilan` in, plain French text and frames out. Texts typed in a tracker (titles, summaries,
descriptions, partners) are kept as they are: the page shows tables through `visible_frame` and lines through
`md_escape`. Every share is written with its counts. Dates stay dates in tables (the page formats them).
"""

from __future__ import annotations

import pandas as pd

from domain.bilan import Bilan, PriorityProblem
from domain.formatting import fr_date, fr_days, fr_int, fr_pct, rate_with_counts
from domain.indicators.cycle import DONE_ON_TIME, LATE, Cycle
from domain.bilan_wording import STATE_HEADERS, cycle_span, share_or_counts, situation
from domain.indicators.problems import SMALL_SAMPLE
from report_tables.cycle_glance import plural

ACTION_TABLE_COLUMNS = ("Partenaire", "Situation", "Échéance", "Réalisée le", "Action", "Commentaire", "Réf action")
NEW_PROBLEM_COLUMNS = ("Réf", "Signalé le", "Catégorie", "Prioritaire", "Statut", "Étape", "Résultat", "Priorité",
                       "Description")
CLOSED_PROBLEM_COLUMNS = ("Réf", "Clos le", "Catégorie", "Statut", "Résultat", "Prioritaire", "Description")


def cycle_choice(cycle: Cycle) -> str:
    """How the cycle chooser names a cycle, short enough for a laptop's chooser: « Cycle n° 2 : du 26/09/2026 au
    25/11/2026 (en cours) », « Cycle n° 1 : du 14/10/2025 au 25/09/2026 » (the next diagnostic closed it)."""
    return (f"Cycle n° {cycle.number} : du {fr_date(cycle.diagnosed_on)} au {fr_date(cycle.end)}"
            + (" (en cours)" if cycle.current else ""))


def due_text(cycle: Cycle) -> str:
    """« 26/09/2027 (bilan non encore dû) »."""
    return f"{fr_date(cycle.bilan_due_on)} ({cycle.status_label[:1].lower()}{cycle.status_label[1:]})"


def key_figures(bilan: Bilan) -> list[tuple[str, str]]:
    """The cover's six figures (value, what it counts), as the PDF prints them."""
    closed = sum(1 for p in bilan.priority if p.closed)
    summary = bilan.partner_summary
    actions = int(summary["actions"].sum()) if len(summary) else 0
    on_time = int(summary[DONE_ON_TIME].sum()) if len(summary) else 0
    late = int(summary[LATE].sum()) if len(summary) else 0
    outcomes, meetings = bilan.outcomes, bilan.meetings
    return [
        (f"{fr_int(closed)} / {fr_int(len(bilan.priority))}", "Problèmes prioritaires clos"),
        (rate_with_counts(on_time, actions), "Actions prioritaires réalisées dans les délais"),
        (fr_int(late), "Actions prioritaires en retard"),
        (share_or_counts(outcomes.success, outcomes.with_outcome), "Clos pendant le cycle : éliminés ou réduits"),
        (rate_with_counts(meetings.periods_met, len(meetings.periods)) if meetings.periods else "–",
         "Périodes de cadence avec une réunion"),
        (rate_with_counts(meetings.socle_full, meetings.held) if meetings.held else "–",
         "Réunions tenues avec le socle complet"),
    ]


def figure_help(bilan: Bilan) -> list[str]:
    """What each key figure counts, in full (the metric's help)."""
    return [
        "Problèmes nommés prioritaires par le diagnostic, au statut « Résolu » ou « Abandonné ».",
        f"Actions des problèmes prioritaires réalisées au plus tard à leur échéance, sur toutes leurs actions "
        f"(situation au {fr_date(bilan.as_of)}).",
        f"Actions des problèmes prioritaires « À faire » ou « En cours » dont l’échéance est dépassée au "
        f"{fr_date(bilan.as_of)}.",
        f"Parmi les problèmes clos pendant le cycle qui ont un résultat (moins de {SMALL_SAMPLE} : les nombres seuls, "
        f"sans part) ; {plural(bilan.outcomes.without_outcome, 'clos sans résultat saisi', 'clos sans résultat saisi')}.",
        "Périodes de la cadence du GPO (mois ou quinzaines) écoulées pendant le cycle avec au moins une réunion tenue.",
        "Réunions tenues pendant le cycle où la mairie, la police municipale et la police nationale étaient toutes "
        "présentes.",
    ]


def diagnostic_rows(bilan: Bilan) -> list[tuple[str, str]]:
    """Section 1: (label, value) lines; the title comes from the tracker (shown as text by the page)."""
    cycle = bilan.cycle
    return [
        ("Date du diagnostic", fr_date(cycle.diagnosed_on)),
        ("Titre", cycle.title or "–"),
        ("Partagé avec les partenaires le", fr_date(cycle.shared_on) if cycle.shared_on else "non renseigné"),
        ("Problèmes prioritaires", ", ".join(cycle.priority_ids) or "aucun problème prioritaire nommé"),
        ("Période du cycle", cycle_span(cycle)),
        ("Échéance du bilan", due_text(cycle)),
    ]


def problem_line(problem: PriorityProblem) -> str:
    """A priority problem's status, stage, outcome, resolution time and lead partner, in one line."""
    parts = [f"Statut : {problem.status_label or '–'}", f"Étape : {problem.stage_label or 'non renseignée'}",
             f"Résultat : {problem.outcome_label or 'non renseigné'}"]
    if problem.resolution_days is not None:
        parts.append(f"résolu en {fr_days(problem.resolution_days)} (signalé le {fr_date(problem.reported_on)}, "
                     f"résolu le {fr_date(problem.resolved_on)})")
    else:
        parts.append(f"signalé le {fr_date(problem.reported_on)}")
    parts.append(f"chef de file : {problem.lead_partner or 'non renseigné'}")
    return " · ".join(parts)


def actions_table(actions: pd.DataFrame) -> pd.DataFrame:
    """A priority problem's actions (`domain.bilan.ACTION_COLUMNS`, by partner then due date), in French."""
    return pd.DataFrame({
        "Partenaire": actions["partner"].astype("object").fillna("Partenaire non renseigné"),
        "Situation": [situation(s, d) for s, d in zip(actions["state"], actions["days_late"])],
        "Échéance": actions["due_on"].dt.date,
        "Réalisée le": actions["done_on"].dt.date,
        "Action": actions["description"].astype("object").fillna(""),
        "Commentaire": actions["comment"].astype("object").fillna(""),
        "Réf action": actions["action_id"].astype("object"),
    }, columns=list(ACTION_TABLE_COLUMNS))


def partner_table(counts: pd.DataFrame, with_type: bool = True) -> pd.DataFrame:
    """Actions counted per partner and situation (`domain.bilan.PARTNER_COLUMNS`), with a total line beyond one."""
    frame = pd.DataFrame({"Partenaire": counts["partner"].astype("object").replace("", "Partenaire non renseigné")})
    if with_type:
        frame["Type"] = counts["partner_type_label"].astype("object")
    frame["Actions"] = counts["actions"].astype("int64")
    for state, header in STATE_HEADERS.items():
        frame[header] = counts[state].astype("int64")
    if len(frame) > 1:
        total = {"Partenaire": "Total", **({"Type": ""} if with_type else {}), "Actions": int(frame["Actions"].sum()),
                 **{h: int(frame[h].sum()) for h in STATE_HEADERS.values()}}
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return frame


def _yes(flags: pd.Series) -> list[str]:
    return ["oui" if flag else "" for flag in flags]


def new_problems_table(bilan: Bilan) -> pd.DataFrame:
    """Section 5: problems reported during the cycle, oldest first; « oui »: named priority by the diagnostic."""
    new = bilan.new_problems
    return pd.DataFrame({
        "Réf": new["problem_id"].astype("object"), "Signalé le": new["reported_on"].dt.date,
        "Catégorie": new["category"].astype("object").fillna(""), "Prioritaire": _yes(new["is_priority"]),
        "Statut": new["status_label"].astype("object").fillna("–"),
        "Étape": new["stage_label"].astype("object").fillna("non renseignée"),
        "Résultat": new["outcome_label"].astype("object").fillna("–"),
        "Priorité": new["priority_label"].astype("object").fillna("–"),
        "Description": new["description"].astype("object").fillna(""),
    }, columns=list(NEW_PROBLEM_COLUMNS))


def closed_problems_table(bilan: Bilan) -> pd.DataFrame:
    """Section 6: problems closed during the cycle, with their outcome (« non renseigné » when none)."""
    closed = bilan.closed_problems
    return pd.DataFrame({
        "Réf": closed["problem_id"].astype("object"), "Clos le": closed["resolved_on"].dt.date,
        "Catégorie": closed["category"].astype("object").fillna(""),
        "Statut": closed["status_label"].astype("object").fillna("–"),
        "Résultat": closed["outcome_label"].astype("object").fillna("non renseigné"),
        "Prioritaire": _yes(closed["is_priority"]), "Description": closed["description"].astype("object").fillna(""),
    }, columns=list(CLOSED_PROBLEM_COLUMNS))


def meetings_rows(bilan: Bilan) -> list[tuple[str, str]]:
    """Section 4: the cadence over the cycle, meetings held, cancelled, postponed, and the socle's presence."""
    m = bilan.meetings
    constituted = m.constitution.status == "constituted"
    if m.periods:
        cadence = f"{rate_with_counts(m.periods_met, len(m.periods))} : périodes avec au moins une réunion tenue"
        if len(m.periods) < SMALL_SAMPLE:
            cadence += f" (moins de {SMALL_SAMPLE} périodes écoulées)"
    else:
        cadence = "aucune période écoulée" if constituted else "sans objet : GPO non constitué"
    return [
        ("Cadence prévue", m.cadence_label),
        ("Constitution", m.constitution.label + (f" le {fr_date(m.constitution.on)}" if m.constitution.on else "")),
        ("Respect de la cadence sur le cycle", cadence),
        ("Réunions tenues pendant le cycle", fr_int(m.held)),
        ("Réunions annulées / reportées", f"{fr_int(m.cancelled)} / {fr_int(m.postponed)}"),
        ("Socle complet (mairie, police municipale et police nationale présentes)",
         f"{rate_with_counts(m.socle_full, m.held)} des réunions tenues" if m.held else "aucune réunion tenue"),
    ]


def missed_periods(bilan: Bilan) -> str:
    """« 01/05/2026 – 31/05/2026 ; … »: the cadence periods of the cycle without a held meeting."""
    return " ; ".join(f"{fr_date(a)} – {fr_date(b)}" for a, b in bilan.meetings.missed)


def assessment_lines(bilan: Bilan) -> list[str]:
    """Section 6's sentences: the share eliminated or reduced with its counts, how many closed, without outcome,
    without a closing date."""
    o, cycle = bilan.outcomes, bilan.cycle
    span = f"entre le {fr_date(cycle.diagnosed_on)} et le {fr_date(cycle.end)}"
    if not o.closed:
        lines = [f"Aucun problème clos (résolu ou abandonné) {span}."]
    elif not o.with_outcome:
        share = "Aucun problème clos pendant le cycle n’a de résultat saisi."
    elif o.with_outcome < SMALL_SAMPLE:
        share = (f"Sur {plural(o.with_outcome, 'problème clos', 'problèmes clos')} pendant le cycle avec un résultat, "
                 f"{fr_int(o.success)} éliminé(s) ou réduit(s) (moins de {SMALL_SAMPLE} : les nombres seuls, "
                 f"sans part).")
    else:
        share = (f"{rate_with_counts(o.success, o.with_outcome)} des problèmes clos pendant le cycle avec un résultat "
                 f"ont été éliminés ou réduits.")
    if o.closed:
        without = ("tous avec un résultat saisi" if not o.without_outcome else
                   f"dont {plural(o.without_outcome, 'sans résultat saisi', 'sans résultat saisi')}")
        lines = [share, f"{plural(o.closed, 'problème clos', 'problèmes clos')} (résolus ou abandonnés) {span}, "
                        f"{without}."]
    if o.undated:
        lines.append(f"{plural(o.undated, 'problème clos sans date de clôture', 'problèmes clos sans date de clôture')}"
                     f", signalé(s) pendant le cycle, n’entre(nt) dans aucun de ces nombres.")
    return lines


def outcome_table(bilan: Bilan) -> pd.DataFrame:
    """Section 6: problems closed during the cycle by outcome; a share only from SMALL_SAMPLE with an outcome."""
    o = bilan.outcomes
    small = o.with_outcome < SMALL_SAMPLE
    rows = [(r.label, int(r.problems), "–" if r.outcome == "none" or small else
             f"{fr_pct(r.share)} ({fr_int(r.problems)}/{fr_int(o.with_outcome)})")
            for r in bilan.outcome_counts.itertuples(index=False) if r.problems or r.outcome != "none"]
    return pd.DataFrame(rows, columns=["Résultat", "Problèmes", "Part"])


def outside_cycles_line(bilan: Bilan) -> str:
    """Problems reported before the first diagnostic: in no cycle (said on the first cycle's Bilan only)."""
    n = bilan.outside_cycles
    if not n:
        return ""
    if n == 1:
        return ("1 problème signalé avant le premier diagnostic n’appartient à aucun cycle : il ne figure dans aucun "
                "bilan (sauf s’il est nommé prioritaire).")
    return (f"{fr_int(n)} problèmes signalés avant le premier diagnostic n’appartiennent à aucun cycle : ils ne "
            f"figurent dans aucun bilan (sauf s’ils sont nommés prioritaires).")
