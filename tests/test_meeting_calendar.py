"""A sector's meetings as an .ics calendar (exports/calendar.py), read back with the `icalendar` package: whole-day
events on the meeting days, the meeting screen's address, stable UIDs (a re-import updates the event), cancelled
meetings marked cancelled, no invisible or control character from a name."""

from __future__ import annotations

import dataclasses
import datetime as dt

import icalendar

import navigation
from domain.reference import default_reference
from exports.calendar import SCREEN_PAGE, meeting_invitation, meeting_screen_url, meeting_uid, sector_calendar
from indicator_frames import frame

AS_OF = dt.date(2026, 11, 30)
STAMP = dt.datetime(2026, 11, 30, 7, 30, tzinfo=dt.timezone.utc)
URL = "https://gpo.example.fr/gpo/mode_reunion?secteur=forbach"
MEETINGS = frame("meetings", [
    dict(sector_id="forbach", meeting_date="2026-11-24", status="held", kind="ordinary"),  # past: not listed
    dict(sector_id="forbach", meeting_date="2026-12-08", status="planned", kind="ordinary"),
    dict(sector_id="forbach", meeting_date="2026-12-22", status="postponed", kind="ordinary"),
    dict(sector_id="forbach", meeting_date="2027-01-05", status="planned", kind="review"),
    dict(sector_id="stiring", meeting_date="2026-12-09", status="planned", kind="ordinary"),  # another sector
])


def events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_the_calendar_lists_the_sectors_meetings_ahead_as_whole_days():
    sector = default_reference().sectors["forbach"]
    data = sector_calendar(sector, MEETINGS, AS_OF, department_code="57", screen_url=URL, stamp=STAMP)
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["method"]) == "PUBLISH" and "Forbach" in str(calendar["x-wr-calname"])
    found = events(data)
    assert [e.decoded("dtstart") for e in found] == [dt.date(2026, 12, 8), dt.date(2026, 12, 22), dt.date(2027, 1, 5)]
    assert [e.decoded("dtend") for e in found] == [dt.date(2026, 12, 9), dt.date(2026, 12, 23), dt.date(2027, 1, 6)]
    assert [str(e["status"]) for e in found] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]
    assert str(found[0]["summary"]) == f"Réunion du GPO {sector.name}"
    assert str(found[1]["summary"]) == f"Annulée : Réunion du GPO {sector.name}"
    assert str(found[2]["summary"]) == f"Réunion du GPO {sector.name} (bilan)"
    for event in found:
        assert str(event["url"]) == URL and f"Écran de réunion : {URL}" in str(event["description"])
        assert f"Animateur : {sector.animateur}." in str(event["description"])
    assert found[0]["uid"] == "20261208-forbach-57@gpo-psq"


def test_uids_are_stable_and_a_newer_file_has_a_higher_sequence():
    sector = default_reference().sectors["forbach"]
    first = events(sector_calendar(sector, MEETINGS, AS_OF, department_code="57", screen_url=URL, stamp=STAMP))
    later = events(sector_calendar(sector, MEETINGS, AS_OF, department_code="57", screen_url=None,
                                   stamp=STAMP + dt.timedelta(days=3)))
    assert [str(e["uid"]) for e in first] == [str(e["uid"]) for e in later]
    assert all(int(b["sequence"]) > int(a["sequence"]) for a, b in zip(first, later))
    assert "url" not in later[0] and "Écran de réunion" not in str(later[0]["description"])
    invitation = events(meeting_invitation(sector, dt.date(2026, 12, 8), department_code="57", screen_url=URL,
                                           stamp=STAMP))
    assert [str(e["uid"]) for e in invitation] == [str(first[0]["uid"])] == [meeting_uid("57", "forbach", dt.date(2026, 12, 8))]


def test_a_day_listed_planned_and_cancelled_is_one_planned_event():
    sector = default_reference().sectors["forbach"]
    twice = frame("meetings", [dict(sector_id="forbach", meeting_date="2026-12-08", status="cancelled"),
                               dict(sector_id="forbach", meeting_date="2026-12-08", status="planned")])
    found = events(sector_calendar(sector, twice, AS_OF, department_code="57", screen_url=URL, stamp=STAMP))
    assert [str(e["status"]) for e in found] == ["CONFIRMED"]


def test_no_meeting_ahead_gives_a_valid_empty_calendar():
    sector = default_reference().sectors["forbach"]
    data = sector_calendar(sector, MEETINGS, dt.date(2027, 6, 1), department_code="57", screen_url=URL, stamp=STAMP)
    assert events(data) == [] and icalendar.Calendar.from_ical(data)["version"] == "2.0"


def test_names_lose_their_invisible_and_control_characters():
    sector = dataclasses.replace(default_reference().sectors["forbach"], animateur="Cne\u202e Meyer\r\nBCC: x")
    found = events(meeting_invitation(sector, dt.date(2026, 12, 8), department_code="57", screen_url=None, stamp=STAMP))
    assert "Animateur : Cne Meyer BCC: x." in str(found[0]["description"])


def test_the_screen_address_is_the_meeting_pages_address():
    assert SCREEN_PAGE == navigation.MODE_REUNION.url_path
    assert meeting_screen_url("https://gpo.example.fr/gpo/", "forbach") == URL
    assert meeting_screen_url("https://gpo.example.fr", "saint avold") == \
        "https://gpo.example.fr/mode_reunion?secteur=saint%20avold"
