"""The compte rendu of a meeting sent to the sector's partner contacts: each contact gets its digest at the meeting's
date (its open actions, or none) with the compte-rendu PDF attached, once per meeting.

Recorded in the store's mail log like the weekly reminders (store.mail_log) but with its own kind, `compte_rendu`,
and the meeting's date as period (« 2026-11-25 »): the same meeting's compte rendu never leaves twice to the same
address; a failed send is kept and sent by the next click; every result journaled (mail_sent / mail_failed). A
contact marked « Ne plus écrire » gets nothing. Each message goes through `mail.delivery.deliver`, the step the
weekly reminders share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
import sqlalchemy as sa

from domain.partner_digest import PartnerDigest, sector_digests
from domain.reference import Reference
from domain.safe_text import one_line, visible_text
from mail.compose import CompteRendu, compose_digest
from mail.delivery import Clock, Outcome, RunReport, Wording, deliver, mail_content, now_to_the_second
from store.mail_log import find_records

COMPTE_RENDU_KIND = "compte_rendu"
WORDING = Wording(feminine=False, retry="à renvoyer")  # « un compte rendu », sent again by the next click


def compte_rendu_digests(frames: Mapping[str, pd.DataFrame], sector_id: str, meeting_date: dt.date) -> list[PartnerDigest]:
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
    return sorted(digests, key=lambda d: d.email)


def compte_rendu_subject(sector_name: str, meeting_date: dt.date) -> str:
    return f"GPO {one_line(sector_name)} : compte rendu de la réunion du {meeting_date:%d/%m/%Y}"


def send_compte_rendu(engine: sa.Engine, frames: Mapping[str, pd.DataFrame], sector_id: str, compte_rendu: CompteRendu,
                      transport, reference: Reference, *, sender: str, public_address: str | None, actor: str,
                      clock: Clock = now_to_the_second) -> RunReport:
    """Send the compte rendu to every contact of the sector not yet sent it for this meeting (each through
    `mail.delivery.deliver`, the step the weekly reminders share)."""
    sector = reference.sectors[sector_id]
    csp = reference.csps.get(sector.csp_id)
    period = compte_rendu.meeting_date.isoformat()
    rows = {r.email: r for r in find_records(engine, COMPTE_RENDU_KIND, sector_ids=[sector_id], period=period)}
    outcomes: list[Outcome] = []
    for digest in compte_rendu_digests(frames, sector_id, compte_rendu.meeting_date):
        what = (f"Compte rendu de la réunion du {compte_rendu.meeting_date:%d/%m/%Y} à {digest.email} "
                f"({', '.join(digest.organisations)}), secteur {sector.name}")

        def compose(stamp: dt.datetime, digest=digest):
            message = compose_digest(digest, sector, reference.departement, sender=sender,
                                     public_address=public_address, stamp=stamp, csp_name=csp.name if csp else None,
                                     compte_rendu=compte_rendu)
            message.replace_header("Subject", compte_rendu_subject(sector.name, compte_rendu.meeting_date))
            return message

        outcomes.append(deliver(engine, mail_content(digest, COMPTE_RENDU_KIND, period), rows.get(digest.email),
                                compose, transport, what=what, wording=WORDING, actor=actor, clock=clock))
    return RunReport(tuple(outcomes))
