"""The compte rendu of a meeting sent to the sector's partner contacts: each contact gets its digest at the meeting's
date (its open actions, or none) with the compte-rendu PDF attached, once per meeting.

Recorded in the store's mail log like the weekly reminders (store.mail_log) but with its own kind, `compte_rendu`,
and the meeting's date as period (« 2026-11-25 »): the same meeting's compte rendu never leaves twice to the same
address; a failed send is kept and sent by the next click; every result journaled (mail_sent / mail_failed). A
contact marked « Ne plus écrire » gets nothing, and a send of that meeting that failed before he opted out (or left
the « Partenaires » sheet) is cancelled by the next click, its reason kept (mail_cancelled), as the weekly reminders
cancel theirs: it never stays « Échec ». Each message goes through `mail.delivery.deliver`, the step the weekly
reminders share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from domain.partner_digest import PartnerDigest, sector_digests
from domain.reference import Reference
from domain.safe_text import one_line, visible_text
from mail.compose import CompteRendu, compose_digest
from mail.delivery import (
    NOT_A_CONTACT, OPTED_OUT, Clock, Outcome, RunReport, Wording, deliver, mail_content, now_to_the_second, withdraw,
)
from store.mail_log import UNSENT, find_records

COMPTE_RENDU_KIND = "compte_rendu"
WORDING = Wording(feminine=False, retry="à renvoyer")  # « un compte rendu », sent again by the next click


@dataclass(frozen=True)
class Recipients:
    """Who a meeting's compte rendu goes to, and who it may not be written to."""

    digests: tuple[PartnerDigest, ...]  # one per contact that may be written to, by address
    opted_out: tuple[str, ...]  # addresses marked « Ne plus écrire »


def compte_rendu_recipients(frames: Mapping[str, pd.DataFrame], sector_id: str, meeting_date: dt.date) -> Recipients:
    """One digest per contact of the sector who may be written to: its open actions at the meeting's date, or an
    empty digest for a contact whose organisation has none (it still gets the compte rendu)."""
    partners = frames.get("partners")
    found = sector_digests(sector_id, partners, frames["actions"], frames["meetings"], meeting_date,
                           problems=frames.get("problems"))
    digests = list(found.digests)
    if found.without_actions:
        contacts = partners[partners["sector_id"] == sector_id]
        emails = contacts["email"].map(lambda e: visible_text(e).strip().lower() if isinstance(e, str) else "")
        for email in found.without_actions:
            rows = contacts[emails == email]
            organisations = tuple(dict.fromkeys(one_line(o) for o in rows["organisation"]))
            contact = next((one_line(c) for c in rows["contact"] if isinstance(c, str) and one_line(c)), "")
            digests.append(PartnerDigest(sector_id, email, contact, organisations, meeting_date, meeting_date,
                                         found.next_meeting, (), (), ()))
    return Recipients(tuple(sorted(digests, key=lambda d: d.email)), found.opted_out)


def compte_rendu_subject(sector_name: str, meeting_date: dt.date) -> str:
    return f"GPO {one_line(sector_name)} : compte rendu de la réunion du {meeting_date:%d/%m/%Y}"


def send_compte_rendu(engine: sa.Engine, frames: Mapping[str, pd.DataFrame], sector_id: str, compte_rendu: CompteRendu,
                      transport, reference: Reference, *, sender: str, public_address: str | None, actor: str,
                      clock: Clock = now_to_the_second) -> RunReport:
    """Send the compte rendu to every contact of the sector not yet sent it for this meeting (each through
    `mail.delivery.deliver`, the step the weekly reminders share), after cancelling this meeting's unsent messages
    to contacts who may no longer be written to (`mail.delivery.withdraw`)."""
    sector = reference.sectors[sector_id]
    csp = reference.csps.get(sector.csp_id)
    period = compte_rendu.meeting_date.isoformat()
    rows = {r.email: r for r in find_records(engine, COMPTE_RENDU_KIND, sector_ids=[sector_id], period=period)}
    recipients = compte_rendu_recipients(frames, sector_id, compte_rendu.meeting_date)
    outcomes: list[Outcome] = []

    def said(email: str, organisations: str) -> str:
        return (f"Compte rendu de la réunion du {compte_rendu.meeting_date:%d/%m/%Y} à {email} ({organisations}), "
                f"secteur {sector.name}")

    writable = {d.email for d in recipients.digests}
    now = clock()
    for row in rows.values():  # a send that never left, to a contact no longer written to: it never will
        if row.status in UNSENT and row.email not in writable and not row.in_flight(now):
            reason = OPTED_OUT if row.email in recipients.opted_out else NOT_A_CONTACT
            done = withdraw(engine, row, reason, what=said(row.email, row.organisations), wording=WORDING,
                            actor=actor, clock=clock)
            if done is not None:
                outcomes.append(done)
    for digest in recipients.digests:
        what = said(digest.email, ", ".join(digest.organisations))

        def compose(stamp: dt.datetime, digest=digest):
            message = compose_digest(digest, sector, reference.departement, sender=sender,
                                     public_address=public_address, stamp=stamp, csp_name=csp.name if csp else None,
                                     compte_rendu=compte_rendu)
            message.replace_header("Subject", compte_rendu_subject(sector.name, compte_rendu.meeting_date))
            return message

        outcomes.append(deliver(engine, mail_content(digest, COMPTE_RENDU_KIND, period), rows.get(digest.email),
                                compose, transport, what=what, wording=WORDING, actor=actor, clock=clock))
    return RunReport(tuple(outcomes))
