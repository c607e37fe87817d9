"""The Réunions page in words and numbers: one French line per GPO, and the headline counts.

Pure: takes the `CadenceSummary` of each sector (see `domain.indicators.meetings`)
and the reference data, returns frames and plain values. Sectors keep the
reference order (grouped by CSP), the order every other page uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from domain.formatting import fr_date, fr_int, rate_with_counts
from domain.indicators.meetings import CadenceSummary
from domain.indicators.problems import SMALL_SAMPLE
from domain.reference import Reference
from domain.vocabulary import CADENCES

# What a director asks first comes first (is it late, since when, how regular, with whom): those six columns fit a
# 1366-pixel screen at TABLE_WIDTHS (pixels); the rest scroll sideways. Constitution details come last and are also
# listed above the table.
TABLE_COLUMNS = ("Secteur", "En retard", "Jours depuis", "Dernière réunion tenue", "Respect de la cadence",
                 "Socle présent", "Prochaine réunion prévue", "Cadence", "CSP", "Plus long intervalle (j)", "Constitution")
TABLE_WIDTHS = {"Secteur": 210, "En retard": 80, "Jours depuis": 100, "Dernière réunion tenue": 165,
                "Respect de la cadence": 200, "Socle présent": 125, "Prochaine réunion prévue": 175, "Cadence": 130,
                "CSP": 145, "Plus long intervalle (j)": 165, "Constitution": 190}
FEW_PERIODS = " · peu de périodes"


def constitution_text(summary: CadenceSummary) -> str:
    """« Constitué », « Programmée le 14/12/2026 » or « Pas encore constitué » (short: it sits in a table column)."""
    status = summary.constitution
    if status.status == "scheduled" and status.on:
        return f"Programmée le {fr_date(status.on)}"
    return status.label


def compliance_text(summary: CadenceSummary) -> str:
    """« 83 % (10/12) », marked when fewer than SMALL_SAMPLE periods have elapsed; « – » before constitution."""
    if summary.constitution.status != "constituted":
        return "–"
    if not summary.periods:
        return "– (aucune période écoulée)"
    text = rate_with_counts(summary.periods_met, summary.periods)
    return text + FEW_PERIODS if summary.periods < SMALL_SAMPLE else text


def _yes_no(flag: bool | None) -> str:
    return "–" if flag is None else ("Oui" if flag else "Non")


def cadence_table(summaries: dict[str, CadenceSummary], reference: Reference) -> pd.DataFrame:
    """One French line per GPO, in the order of `summaries` (give it in reference order)."""
    rows = []
    for sector_id, s in summaries.items():
        sector = reference.sectors[sector_id]
        constituted = s.constitution.status == "constituted"
        rows.append({
            "Secteur": sector.name,
            "CSP": reference.csps[sector.csp_id].name,
            "Cadence": CADENCES.get(sector.cadence, sector.cadence),
            "Constitution": constitution_text(s),
            "Respect de la cadence": compliance_text(s),
            "Dernière réunion tenue": fr_date(s.last_held),
            "Jours depuis": fr_int(s.days_since_last),
            "Plus long intervalle (j)": fr_int(s.longest_gap),
            "Prochaine réunion prévue": fr_date(s.next_planned),
            "En retard": _yes_no(s.late),
            "Socle présent": rate_with_counts(s.socle_full, s.held_in_window) if constituted and s.held_in_window else "–",
        })
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


@dataclass(frozen=True)
class MeetingsHeadline:
    sectors: int
    constituted: int
    scheduled: int
    not_yet: int
    late: int  # constituted GPO past their cadence + margin
    periods: int  # elapsed cadence periods, all constituted GPO together
    periods_met: int
    held: int  # held meetings in the window
    socle_full: int


def meetings_headline(summaries: dict[str, CadenceSummary]) -> MeetingsHeadline:
    """Counts over the selected GPO; rates are built from them (sum of periods met / sum of periods)."""
    values = list(summaries.values())
    by_status = [s.constitution.status for s in values]
    return MeetingsHeadline(
        sectors=len(values),
        constituted=by_status.count("constituted"),
        scheduled=by_status.count("scheduled"),
        not_yet=by_status.count("not_yet"),
        late=sum(1 for s in values if s.late),
        periods=sum(s.periods for s in values),
        periods_met=sum(s.periods_met for s in values),
        held=sum(s.held_in_window for s in values),
        socle_full=sum(s.socle_full for s in values),
    )
