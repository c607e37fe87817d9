"""Meeting indicators against hand-computed answers: cadence periods, compliance, gaps, lateness, socle, attendance."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.indicators.meetings import cadence_periods, cadence_summary, constitution, partner_types_attending
from report_tables.meetings import cadence_table, meetings_headline
from domain.reference import Sector, default_reference
from indicator_frames import frame

D = dt.date
AS_OF = D(2026, 11, 25)  # a Wednesday, mid-month; the 6-month window starts on 25/05/2026


def sector(cadence="monthly", constituted_on=D(2019, 6, 1), sector_id="marly"):
    return Sector(sector_id, "Marly", "metz", (), "Lieutenant X", cadence, constituted_on, 0, False)


def meeting(day, status="held", kind="ordinary", mayor=True, pm=True, pn=True, others=None, sector_id="marly"):
    return {"sector_id": sector_id, "meeting_date": day, "kind": kind, "status": status, "mayor_present": mayor,
            "municipal_police_present": pm, "national_police_present": pn, "other_partners": others}


def meetings(*rows):
    return frame("meetings", list(rows))


def month(year, m):
    first = D(year, m, 1)
    last = (D(year + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1))
    return first, last


MAY_TO_OCT = [month(2026, m) for m in range(5, 11)]
# 15-day periods counted back from 24/11/2026 (the day before AS_OF): 184 days in the window -> 12 periods
FORTNIGHTS_TO_24_11 = [
    (D(2026, 5, 29), D(2026, 6, 12)), (D(2026, 6, 13), D(2026, 6, 27)), (D(2026, 6, 28), D(2026, 7, 12)),
    (D(2026, 7, 13), D(2026, 7, 27)), (D(2026, 7, 28), D(2026, 8, 11)), (D(2026, 8, 12), D(2026, 8, 26)),
    (D(2026, 8, 27), D(2026, 9, 10)), (D(2026, 9, 11), D(2026, 9, 25)), (D(2026, 9, 26), D(2026, 10, 10)),
    (D(2026, 10, 11), D(2026, 10, 25)), (D(2026, 10, 26), D(2026, 11, 9)), (D(2026, 11, 10), D(2026, 11, 24)),
]


@pytest.mark.parametrize("cadence, as_of, constituted_on, expected", [
    # mid-month: May (it meets the window, which starts on 25/05) to October; November has not ended
    ("monthly", AS_OF, None, MAY_TO_OCT),
    # last day of the month: November ends on the reference day itself, so it is not elapsed yet
    ("monthly", D(2026, 11, 30), None, MAY_TO_OCT),
    # first day of the month: November has just ended; the window starts on 01/06
    ("monthly", D(2026, 12, 1), None, [month(2026, m) for m in range(6, 12)]),
    # 31/08 minus 6 months is 28/02 (February has no 31st): February to July
    ("monthly", D(2026, 8, 31), None, [month(2026, m) for m in range(2, 8)]),
    # constituted inside the window: its own month counts, earlier months do not
    ("monthly", AS_OF, D(2026, 8, 20), [month(2026, 8), month(2026, 9), month(2026, 10)]),
    # constituted after the last elapsed month: nothing to measure yet
    ("monthly", AS_OF, D(2026, 11, 2), []),
    # constituted long before the window: the whole window
    ("monthly", AS_OF, D(2019, 6, 18), MAY_TO_OCT),
    ("fortnightly", AS_OF, None, FORTNIGHTS_TO_24_11),
    # end of month: 30/05 -> 30/11 is 184 days, 12 periods, the last one ending on 29/11
    ("fortnightly", D(2026, 11, 30), None,
     [(D(2026, 6, 3) + dt.timedelta(days=15 * k), D(2026, 6, 17) + dt.timedelta(days=15 * k)) for k in range(12)]),
    # constituted on 01/10: the period 26/09-10/10 holds that day and counts
    ("fortnightly", AS_OF, D(2026, 10, 1), FORTNIGHTS_TO_24_11[8:]),
    # constituted on the first day of a period: that period and the next ones
    ("fortnightly", AS_OF, D(2026, 10, 26), FORTNIGHTS_TO_24_11[10:]),
])
def test_cadence_periods(cadence, as_of, constituted_on, expected):
    assert cadence_periods(cadence, as_of, constituted_on) == expected


def test_the_fortnightly_end_of_month_case_by_hand():
    periods = cadence_periods("fortnightly", D(2026, 11, 30), None)
    assert periods[0] == (D(2026, 6, 3), D(2026, 6, 17)) and periods[-1] == (D(2026, 11, 15), D(2026, 11, 29))


# A monthly GPO with gaps, at AS_OF (window 25/05 -> 25/11, months May to October):
#   20/04 held (before the window), 10/06 held (socle complete), 08/07 held (mairie unknown),
#   12/08 cancelled, 15/09 held (socle complete), 20/10 held (police nationale absent),
#   20/11 planned but never updated (past: ignored), 08/12 planned, 12/01/2027 planned.
GAPPY = [
    meeting(D(2026, 4, 20)), meeting(D(2026, 6, 10)), meeting(D(2026, 7, 8), mayor=None),
    meeting(D(2026, 8, 12), "cancelled", mayor=None, pm=None, pn=None), meeting(D(2026, 9, 15)),
    meeting(D(2026, 10, 20), pn=False), meeting(D(2026, 11, 20), "planned", mayor=None, pm=None, pn=None),
    meeting(D(2026, 12, 8), "planned", mayor=None, pm=None, pn=None),
    meeting(D(2027, 1, 12), "planned", mayor=None, pm=None, pn=None),
]


def test_cadence_summary_of_a_monthly_gpo_with_gaps():
    s = cadence_summary(sector(), meetings(*GAPPY), AS_OF)
    assert (s.periods, s.periods_met) == (6, 4)  # June, July, September, October
    assert s.compliance == pytest.approx(4 / 6)
    assert s.missed_periods == (month(2026, 5), month(2026, 8))
    assert s.last_held == D(2026, 10, 20)
    assert s.days_since_last == 36  # 20/10 -> 20/11 = 31, -> 25/11 = 36
    # gaps: 20/04->10/06 = 51, 10/06->08/07 = 28, 08/07->15/09 = 69, 15/09->20/10 = 35, 20/10->25/11 = 36
    assert s.longest_gap == 69
    assert s.late is False  # 36 <= 31 + 7
    assert s.next_planned == D(2026, 12, 8)  # the stale 20/11 « prévue » is not ahead
    assert s.held_in_window == 4  # 20/04 is before the window
    assert s.socle_full == 2  # 10/06 and 15/09; an unknown presence counts as absent
    assert s.socle_share == pytest.approx(0.5)


@pytest.mark.parametrize("cadence, days_since, late", [
    ("monthly", 38, False), ("monthly", 39, True),
    ("fortnightly", 22, False), ("fortnightly", 23, True),
    ("monthly", 0, False),
])
def test_late_edges(cadence, days_since, late):
    held = meeting(AS_OF - dt.timedelta(days=days_since))
    s = cadence_summary(sector(cadence), meetings(held), AS_OF)
    assert (s.days_since_last, s.late) == (days_since, late)


def test_constituted_gpo_without_any_held_meeting_is_late_from_its_constitution():
    s = cadence_summary(sector("fortnightly", AS_OF - dt.timedelta(days=23)), meetings(), AS_OF)
    assert (s.last_held, s.days_since_last, s.late) == (None, None, True)
    s = cadence_summary(sector("fortnightly", AS_OF - dt.timedelta(days=22)), meetings(), AS_OF)
    assert s.late is False


@pytest.mark.parametrize("planned_on, expected", [
    (AS_OF, AS_OF),  # planned on the reference day itself: it is the next one
    (AS_OF + dt.timedelta(days=1), AS_OF + dt.timedelta(days=1)),
    (AS_OF - dt.timedelta(days=1), None),  # a past « prévue » never updated is not ahead
])
def test_next_planned(planned_on, expected):
    rows = meetings(meeting(D(2026, 11, 10)), meeting(planned_on, "planned", mayor=None, pm=None, pn=None))
    assert cadence_summary(sector(), rows, AS_OF).next_planned == expected


def test_at_a_past_reference_date_a_meeting_held_later_is_the_next_one():
    rows = meetings(meeting(D(2026, 9, 8)), meeting(D(2026, 10, 6)), meeting(D(2026, 11, 3)))
    s = cadence_summary(sector(), rows, D(2026, 10, 1))
    assert (s.last_held, s.days_since_last, s.next_planned) == (D(2026, 9, 8), 23, D(2026, 10, 6))


def test_socle_share_counts_unknown_presence_as_absent():
    rows = meetings(meeting(D(2026, 11, 2)), meeting(D(2026, 11, 9), mayor=None), meeting(D(2026, 11, 16), pm=None, pn=None),
                    meeting(D(2026, 11, 23), pn=False))
    s = cadence_summary(sector("fortnightly"), rows, AS_OF)
    assert (s.socle_full, s.held_in_window) == (1, 4)


@pytest.mark.parametrize("constituted_on, rows, expected", [
    # the reference file gives the date, and it has passed
    (D(2019, 6, 18), [], ("constituted", D(2019, 6, 18))),
    # no date in the reference: the held constitutive meeting gives it
    (None, [meeting(D(2026, 10, 6), kind="constitutive"), meeting(D(2026, 10, 20))], ("constituted", D(2026, 10, 6))),
    # no constitutive meeting marked: the first held meeting
    (None, [meeting(D(2026, 9, 2)), meeting(D(2026, 10, 20))], ("constituted", D(2026, 9, 2))),
    # only a planned meeting ahead
    (None, [meeting(D(2026, 12, 14), "planned", "constitutive", None, None, None)], ("scheduled", D(2026, 12, 14))),
    # the constitutive meeting was held, but after the reference date: on that day it was scheduled
    (None, [meeting(D(2026, 12, 1), kind="constitutive")], ("scheduled", D(2026, 12, 1))),
    # a reference date in the future and nothing ahead in the tracker
    (D(2027, 3, 1), [], ("not_yet", None)),
    (None, [], ("not_yet", None)),
    # a cancelled constitutive meeting does not constitute anything
    (None, [meeting(D(2026, 11, 3), "cancelled", "constitutive", None, None, None)], ("not_yet", None)),
])
def test_constitution(constituted_on, rows, expected):
    status = constitution(sector(constituted_on=constituted_on), meetings(*rows), AS_OF)
    assert (status.status, status.on) == expected


def test_a_gpo_constituted_inside_the_window_is_measured_from_its_constitution():
    rows = meetings(meeting(D(2026, 10, 6), kind="constitutive"), meeting(D(2026, 11, 3)))
    s = cadence_summary(sector(constituted_on=None), rows, AS_OF)
    assert (s.constitution.status, s.periods, s.periods_met, s.held_in_window) == ("constituted", 1, 1, 2)
    assert s.longest_gap == 28  # 06/10 -> 03/11 = 28, 03/11 -> 25/11 = 22


def test_a_gpo_not_yet_constituted_has_no_cadence():
    s = cadence_summary(sector(constituted_on=None), meetings(), AS_OF)
    assert (s.periods, s.compliance, s.late, s.longest_gap, s.socle_share) == (0, None, None, None, None)


@pytest.mark.parametrize("others, expected", [
    ("Moselis, Le Met' ; sécurité privée", {"bailleur": 1, "transporteur": 1, "securite_privee": 1}),
    ("Moselis, Batigère", {"bailleur": 1}),  # two landlords at one meeting: the type attended once
    ("collège Jean Moulin et association de médiation", {"education": 1, "association": 1}),
    ("Club de foot local", {"autre": 1}),
    ("Mairie de Marly / commissariat", {}),  # the socle comes from its own columns, never from this text
    (None, {}),
])
def test_partner_types_attending_reads_other_partners(others, expected):
    counts = partner_types_attending(meetings(meeting(D(2026, 11, 3), others=others, mayor=None, pm=None, pn=None)))
    assert {k: v for k, v in counts.items() if v} == expected


def test_partner_types_attending_counts_held_meetings_only():
    rows = meetings(meeting(D(2026, 10, 6), others="Moselis"), meeting(D(2026, 10, 20), pm=False, pn=None, others="Forbus"),
                    meeting(D(2026, 11, 3), "cancelled", others="Moselis"),
                    meeting(D(2026, 11, 17), "planned", mayor=None, pm=None, pn=None, others="Moselis"))
    counts = partner_types_attending(rows)
    assert (counts["mairie"], counts["police_municipale"], counts["police_nationale"]) == (2, 1, 1)
    assert (counts["bailleur"], counts["transporteur"]) == (1, 1)


def test_cadence_table_in_french_and_the_headline_counts():
    ref = default_reference()
    few = meetings(meeting(D(2026, 10, 6), kind="constitutive", sector_id="fameck"))
    summaries = {
        "marly": cadence_summary(ref.sectors["marly"], meetings(*GAPPY), AS_OF),
        "fameck": cadence_summary(ref.sectors["fameck"], few, AS_OF),
        "behren": cadence_summary(ref.sectors["behren"], meetings(), AS_OF),
        "sarreguemines-peripherie": cadence_summary(ref.sectors["sarreguemines-peripherie"], meetings(
            meeting(D(2026, 12, 2), "planned", "constitutive", None, None, None)), AS_OF),
    }
    table = cadence_table(summaries, ref).set_index("Secteur")
    marly = table.loc["Marly"]
    assert marly[["CSP", "Cadence", "Constitution", "En retard", "Jours depuis", "Plus long intervalle (j)"]].tolist() == [
        "Metz", "Mensuelle", "Constitué", "Non", "36", "69"]
    assert marly["Respect de la cadence"] == "67\u202f% (4/6)"
    assert marly["Socle présent"] == "50\u202f% (2/4)"
    assert (marly["Dernière réunion tenue"], marly["Prochaine réunion prévue"]) == ("20/10/2026", "08/12/2026")
    # constituted on 06/10 by its meeting: one elapsed month, marked as too few
    assert table.loc["Fameck – Florange", "Respect de la cadence"] == "100\u202f% (1/1) · peu de périodes"
    assert table.loc["Behren-lès-Forbach", ["Constitution", "Respect de la cadence", "En retard", "Socle présent"]].tolist() == [
        "Pas encore constitué", "–", "–", "–"]
    assert table.loc["Sarreguemines périphérie", "Constitution"] == "Programmée le 02/12/2026"
    top = meetings_headline(summaries)
    # Fameck: 50 days since its only meeting (06/10), past 31 + 7
    assert table.loc["Fameck – Florange", "En retard"] == "Oui"
    assert (top.sectors, top.constituted, top.scheduled, top.not_yet, top.late) == (4, 2, 1, 1, 1)
    assert (top.periods, top.periods_met, top.held, top.socle_full) == (7, 5, 5, 3)
