"""What each partner contact is sent (domain/partner_digest.py): its organisation's open actions, in three groups, at
an explicit date; no digest for a contact with nothing open or one that opted out.

The `partners` frame is built by hand with the contract's columns and dtypes (contract13.md): the Partenaires sheet's
loader is another branch's work."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from domain.partner_digest import (
    all_sector_digests, digest_period, next_planned_meeting, period_label, sector_digests,
)
from indicator_frames import frame
from partner_frames import partners

AS_OF = dt.date(2026, 11, 30)  # a Monday
def action(action_id, partner, due, status="todo", sector="forbach", problem="P-01", description=None):
    return dict(sector_id=sector, action_id=action_id, problem_id=problem, partner=partner, due_on=due, status=status,
                description=description or f"Action {action_id}")


MEETINGS = frame("meetings", [
    dict(sector_id="forbach", meeting_date="2026-11-24", status="held", kind="ordinary"),
    dict(sector_id="forbach", meeting_date="2026-12-22", status="planned", kind="ordinary"),
    dict(sector_id="forbach", meeting_date="2026-12-08", status="cancelled", kind="ordinary"),
    dict(sector_id="stiring", meeting_date="2026-12-02", status="planned", kind="ordinary"),
])
PROBLEMS = frame("problems", [
    dict(sector_id="forbach", problem_id="P-01", category="Rassemblements / occupation de halls",
         commune_name="Forbach", location="Hall du 12\u202e rue\nHoche", status="open", reported_on="2026-09-01"),
])
ACTIONS = frame("actions", [
    action("A-01", "Sainte-Barbe Habitat", "2026-11-10"),  # overdue by 20 days
    action("A-02", "SAINTE BARBE-HABITAT", "2026-11-29", status="in_progress"),  # overdue by 1 day
    action("A-03", "sainte barbe habitat", "2026-11-30"),  # due today: not overdue, due soon
    action("A-04", "Sainte-Barbe Habitat", "2026-12-22"),  # on the next meeting's day (after as_of + 14)
    action("A-05", "Sainte-Barbe Habitat", "2027-02-01"),  # later
    action("A-06", "Sainte-Barbe Habitat", "2026-11-01", status="done"),  # closed: never sent
    action("A-07", "Sainte-Barbe Habitat", "2026-11-01", status="dropped"),
    action("A-08", "Sainte-Barbe Habitat", "2026-11-01", sector="stiring"),  # another sector's GPO
    action("A-09", "Mairie de Forbach", "2026-12-01"),
    action("A-10", "Vivest", "2026-12-05"),
    action("A-11", "Transdev", "2026-12-05"),
])


def contacts() -> pd.DataFrame:
    return partners([
        dict(sector_id="forbach", organisation="Sainte-Barbe Habitat", partner_type="bailleur", contact="Mme Durand",
             email="L.Durand@SBH.example"),
        dict(sector_id="forbach", organisation="Mairie de Forbach", partner_type="mairie", contact=None,
             email="police@forbach.example", opted_out=True),
        dict(sector_id="forbach", organisation="Vivest", partner_type="bailleur", contact="M. Klein",
             email="klein@vivest.example", opted_out=False),
        dict(sector_id="forbach", organisation="Moselis", partner_type="bailleur", contact="M. Roth",
             email="roth@moselis.example"),  # no action at all
        dict(sector_id="forbach", organisation="Transdev", partner_type="transporteur", contact="M. Klein",
             email="klein@vivest.example"),  # the same person for two organisations: one message
    ])


def test_a_contact_gets_its_organisations_open_actions_in_three_groups():
    result = sector_digests("forbach", contacts(), ACTIONS, MEETINGS, AS_OF, problems=PROBLEMS)
    durand = next(d for d in result.digests if d.email == "l.durand@sbh.example")
    assert durand.contact == "Mme Durand" and durand.organisations == ("Sainte-Barbe Habitat",)
    assert result.next_meeting == durand.next_meeting == dt.date(2026, 12, 22)  # the cancelled 8 December is no meeting
    # horizon: the later of as_of + 14 days (14/12) and the next meeting (22/12)
    assert durand.horizon == dt.date(2026, 12, 22)
    assert [(a.action_id, a.days_overdue) for a in durand.overdue] == [("A-01", 20), ("A-02", 1)]
    assert [a.action_id for a in durand.due_soon] == ["A-03", "A-04"]
    assert [a.action_id for a in durand.later] == ["A-05"]
    assert durand.overdue[1].status == "in_progress"
    # the problem on one line, without the bidi override nor the line break typed in the tracker
    assert durand.overdue[0].problem == "Rassemblements / occupation de halls — Forbach — Hall du 12 rue Hoche"


def test_within_n_days_when_the_next_meeting_is_sooner():
    result = sector_digests("forbach", contacts(), ACTIONS, MEETINGS, AS_OF, horizon_days=30)
    durand = next(d for d in result.digests if d.email == "l.durand@sbh.example")
    assert durand.horizon == dt.date(2026, 12, 30)
    assert [a.action_id for a in durand.due_soon] == ["A-03", "A-04"]
    short = sector_digests("forbach", contacts(), ACTIONS, MEETINGS[MEETINGS["status"] != "planned"], AS_OF,
                           horizon_days=3)
    durand = next(d for d in short.digests if d.email == "l.durand@sbh.example")
    assert durand.next_meeting is None and durand.horizon == dt.date(2026, 12, 3)
    assert [a.action_id for a in durand.due_soon] == ["A-03"] and [a.action_id for a in durand.later] == ["A-04", "A-05"]


def test_opted_out_and_contacts_without_open_actions_get_nothing():
    result = sector_digests("forbach", contacts(), ACTIONS, MEETINGS, AS_OF)
    assert [d.email for d in result.digests] == ["klein@vivest.example", "l.durand@sbh.example"]
    assert result.opted_out == ("police@forbach.example",)  # A-09 is the mairie's: still not sent
    assert result.without_actions == ("roth@moselis.example",)
    klein = result.digests[0]
    assert klein.organisations == ("Vivest", "Transdev") and [a.action_id for a in klein.actions] == ["A-10", "A-11"]


def test_an_opt_out_on_any_line_of_the_address_wins():
    rows = contacts()
    rows.loc[rows["organisation"] == "Transdev", "opted_out"] = True
    result = sector_digests("forbach", rows, ACTIONS, MEETINGS, AS_OF)
    assert "klein@vivest.example" in result.opted_out
    assert "klein@vivest.example" not in [d.email for d in result.digests]


def test_only_the_sectors_own_actions_and_contacts():
    result = sector_digests("stiring", contacts(), ACTIONS, MEETINGS, AS_OF)
    assert result.digests == () and result.next_meeting == dt.date(2026, 12, 2)
    stiring = partners([dict(sector_id="stiring", organisation="Sainte Barbe Habitat", email="sbh@stiring.example")])
    result = sector_digests("stiring", stiring, ACTIONS, MEETINGS, AS_OF)
    assert [a.action_id for a in result.digests[0].actions] == ["A-08"]


def test_all_sectors_and_a_store_without_the_partners_sheet():
    frames = {"meetings": MEETINGS, "problems": PROBLEMS, "actions": ACTIONS, "partners": contacts()}
    assert [s.sector_id for s in all_sector_digests(frames, AS_OF)] == ["forbach"]
    assert all_sector_digests(frames, AS_OF, sector_ids=["stiring"]) == []
    assert all_sector_digests({k: v for k, v in frames.items() if k != "partners"}, AS_OF) == []


def test_the_content_hash_follows_what_the_digest_says():
    first = sector_digests("forbach", contacts(), ACTIONS, MEETINGS, AS_OF).digests[1]
    again = sector_digests("forbach", contacts(), ACTIONS, MEETINGS, AS_OF).digests[1]
    assert first.content_hash == again.content_hash and len(first.content_hash) == 64
    changed = ACTIONS.copy()
    changed.loc[changed["action_id"] == "A-05", "description"] = "Autre texte"
    other = sector_digests("forbach", contacts(), changed, MEETINGS, AS_OF).digests[1]
    assert other.content_hash != first.content_hash


@pytest.mark.parametrize(("day", "period"), [
    (dt.date(2026, 11, 30), "2026-W49"), (dt.date(2026, 12, 6), "2026-W49"), (dt.date(2026, 12, 7), "2026-W50"),
    (dt.date(2027, 1, 1), "2026-W53"),  # ISO year: the Friday 1 January 2027 belongs to 2026's last week
])
def test_the_period_is_the_iso_week(day, period):
    assert digest_period(day) == period


def test_period_label_in_french():
    assert period_label("2026-W49") == "semaine 49 de 2026 (du 30/11/2026 au 06/12/2026)"


def test_next_planned_meeting_for_a_past_date_counts_meetings_held_after_it():
    assert next_planned_meeting(MEETINGS[MEETINGS["sector_id"] == "forbach"], dt.date(2026, 11, 20)) == dt.date(2026, 11, 24)
    assert next_planned_meeting(MEETINGS.iloc[0:0], AS_OF) is None
