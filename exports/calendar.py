"""A sector's GPO meetings as iCalendar (.ics, RFC 5545): the calendar of its meetings ahead, and one meeting's
invitation (attached to the partners' reminders).

- Trackers give a meeting's day, never its hour: every event is a whole day (DTSTART;VALUE=DATE).
- Each event's UID is made of the département, the sector and the day (`meeting_uid`): the same meeting always has
  the same UID, so a calendar imported again (or an invitation received again) updates the event instead of adding
  a second one. A planned meeting later cancelled or postponed is still listed, with STATUS:CANCELLED, so the
  re-import takes it out of the partner's agenda; SEQUENCE grows with the moment the file is written (`stamp`), so
  a newer file wins over an older one.
- METHOD:PUBLISH, not REQUEST: nobody collects acceptances, and a REQUEST would make calendar clients send their
  answers to the sending address.
- Each event carries the meeting screen's address (URL property and description) when the public address is known.
- Names come from the reference (sector, CSP, animateur); no tracker text is written, and what is written is put on
  one line without invisible or control characters.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

import icalendar
import pandas as pd

from domain.reference import Sector
from domain.safe_text import one_line
from domain.vocabulary import MEETING_KIND

PRODID = "-//GPO//Tableau de bord des GPO//FR"
SCREEN_PAGE = "mode_reunion"  # navigation.MODE_REUNION.url_path (tests/test_meeting_calendar.py checks they agree)
_SEQUENCE_ORIGIN = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


def meeting_screen_url(public_address: str, sector_id: str) -> str:
    """The meeting screen of a sector under the app's public address:
    « https://gpo.example/gpo/mode_reunion?secteur=forbach »."""
    return f"{public_address.rstrip('/')}/{SCREEN_PAGE}?{urlencode({'secteur': sector_id}, quote_via=quote)}"


def meeting_uid(department_code: str, sector_id: str, day: dt.date) -> str:
    """« 20261203-forbach-57@gpo-psq »: one UID per sector and day, whatever file carries the event."""
    return f"{day:%Y%m%d}-{sector_id}-{department_code}@gpo-psq"


def _utc(stamp: dt.datetime) -> dt.datetime:
    return stamp.astimezone(dt.timezone.utc).replace(microsecond=0)  # a naive stamp is the machine's local time


def _event(sector: Sector, day: dt.date, kind: str | None, cancelled: bool, *, department_code: str,
           screen_url: str | None, stamp: dt.datetime, csp_name: str | None) -> icalendar.Event:
    name = one_line(sector.name)
    kind_label = MEETING_KIND.labels.get(kind or "", "")
    summary = f"Réunion du GPO {name}" + (f" ({kind_label.lower()})" if kind in ("constitutive", "review",
                                                                              "extraordinary") else "")
    if cancelled:
        summary = f"Annulée : {summary}"
    csp = f" (CSP {one_line(csp_name)})" if csp_name else ""
    lines = [f"Groupe de partenariat opérationnel du secteur {name}{csp}."]
    if sector.animateur:
        lines.append(f"Animateur : {one_line(sector.animateur)}.")
    if cancelled:
        lines.append("Cette réunion n'aura pas lieu à cette date.")
    if screen_url:
        lines.append(f"Écran de réunion : {screen_url}")
    event = icalendar.Event()
    event.add("uid", meeting_uid(department_code, sector.sector_id, day))
    event.add("dtstamp", _utc(stamp))
    event.add("sequence", max(0, int((_utc(stamp) - _SEQUENCE_ORIGIN).total_seconds() // 60)))
    event.add("dtstart", day)  # a date: a whole-day event
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    if screen_url:
        event.add("url", screen_url)
    return event


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def sector_calendar(sector: Sector, meetings: pd.DataFrame, as_of: dt.date, *, department_code: str,
                    screen_url: str | None, stamp: dt.datetime, csp_name: str | None = None) -> bytes:
    """The sector's meetings from `as_of` on as an .ics file: planned ones, and cancelled or postponed ones marked
    cancelled (`meetings` may hold other sectors: only this one's are read). A day listed twice (a planned and a
    cancelled line) is one event, planned."""
    calendar = _calendar(f"Réunions du GPO {one_line(sector.name)}")
    mine = meetings[(meetings["sector_id"] == sector.sector_id) & (meetings["meeting_date"] >= pd.Timestamp(as_of))]
    by_day: dict[dt.date, tuple[str | None, bool]] = {}
    for day, status, kind in zip(mine["meeting_date"], mine["status"], mine["kind"]):
        if pd.isna(day) or status not in ("planned", "cancelled", "postponed"):
            continue
        day = pd.Timestamp(day).date()
        cancelled = status != "planned"
        if day not in by_day or by_day[day][1]:  # a planned line wins over a cancelled one
            by_day[day] = (kind if isinstance(kind, str) else None, cancelled)
    for day in sorted(by_day):
        kind, cancelled = by_day[day]
        calendar.add_component(_event(sector, day, kind, cancelled, department_code=department_code,
                                      screen_url=screen_url, stamp=stamp, csp_name=csp_name))
    return calendar.to_ical()


def meeting_invitation(sector: Sector, day: dt.date, *, department_code: str, screen_url: str | None,
                       stamp: dt.datetime, kind: str | None = None, csp_name: str | None = None) -> bytes:
    """One planned meeting as an .ics file (the same UID as in `sector_calendar`)."""
    calendar = _calendar(f"Réunion du GPO {one_line(sector.name)}")
    calendar.add_component(_event(sector, day, kind, False, department_code=department_code, screen_url=screen_url,
                                  stamp=stamp, csp_name=csp_name))
    return calendar.to_ical()
