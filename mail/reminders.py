"""The reminder run: each partner contact's digest (domain.partner_digest) sent once per sector and ISO week,
recorded in the store (store.mail_log) and the journal.

- `plan_reminders` reads the store and writes nothing (the dry run, the preview page): for each digest of the
  period, whether it is new, a retry of a failed send, already sent, or being sent by another run; and which unsent
  messages will never leave (cancelled): an older week's, replaced by this week's digest or with nothing left to
  say; or this week's when the contact has since opted out or has no open action left.
- `send_reminders` carries a plan out: cancellations, then each message through `mail.delivery.deliver` (the step
  the compte rendu shares): claimed in the store before it leaves (a concurrent run sends nothing twice), sent,
  then marked sent or failed with its French reason; each change is journaled (who, what, when, result). A failed
  message is claimed again by the next run of the same week (with the content of that day); the next week's
  digest replaces it.

A message whose send succeeded but whose row could not be marked (the store failing at that very moment) stays
« pending »: after `store.mail_log.IN_FLIGHT` a later run sends it again (at least once, never silently lost).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from domain.partner_digest import (
    DEFAULT_HORIZON_DAYS, DIGEST_KIND, PartnerDigest, SectorDigests, all_sector_digests, digest_period, period_label,
)
from domain.reference import Reference
from mail.compose import compose_digest
from mail.delivery import (
    NOT_A_CONTACT, OPTED_OUT, Clock, Outcome, RunReport, Wording, deliver, mail_content, now_to_the_second, withdraw,
)
from store.mail_log import UNSENT, MailContent, MailRecord, find_records

NEW, RETRY, SENT = "new", "retry", "sent"
WORDING = Wording(feminine=True, retry="nouvel essai au prochain passage")  # « une relance »


@dataclass(frozen=True)
class PlannedMessage:
    """One digest of the run and where its message stands in the store."""

    digest: PartnerDigest
    record: MailRecord | None  # this period's row, if any

    @property
    def state(self) -> str:
        """new (no row yet), sent, or retry: failed, left pending by a stopped run, or cancelled earlier in the
        period (the contact opted out, then back in)."""
        if self.record is None:
            return NEW
        return SENT if self.record.status == "sent" else RETRY

    def content(self) -> MailContent:
        return mail_content(self.digest, DIGEST_KIND, self.digest.period)


@dataclass(frozen=True)
class Cancellation:
    record: MailRecord
    reason: str  # French, kept in the row's last_error


@dataclass(frozen=True)
class ReminderPlan:
    as_of: dt.date
    period: str
    horizon_days: int
    sectors: tuple[SectorDigests, ...]
    messages: tuple[PlannedMessage, ...]  # every digest of the run, sector by sector
    in_flight: tuple[PlannedMessage, ...]  # being sent by another run right now: left to it
    cancellations: tuple[Cancellation, ...]
    judged_at: dt.datetime  # the instant the plan judged which rows another run is sending (`in_flight`)

    @property
    def to_send(self) -> tuple[PlannedMessage, ...]:
        return tuple(m for m in self.messages if m.state in (NEW, RETRY))

    @property
    def already_sent(self) -> tuple[PlannedMessage, ...]:
        return tuple(m for m in self.messages if m.state == SENT)


def plan_reminders(engine: sa.Engine, frames: Mapping[str, pd.DataFrame], as_of: dt.date, *,
                   sector_ids: list[str] | None = None, horizon_days: int = DEFAULT_HORIZON_DAYS,
                   now: dt.datetime | None = None) -> ReminderPlan:
    """What a run at `as_of` would do, for `sector_ids` (None: the sectors `frames` holds data of; frames filtered
    for a user leave the other sectors' messages alone). Writes nothing."""
    now = now or dt.datetime.now()
    period = digest_period(as_of)
    if sector_ids is None:
        sector_ids = sorted({s for f in frames.values() if "sector_id" in f.columns for s in f["sector_id"].dropna()})
    sectors = all_sector_digests(frames, as_of, sector_ids=sector_ids, horizon_days=horizon_days)
    digests = {(d.sector_id, d.email): d for s in sectors for d in s.digests}
    opted_out = {(s.sector_id, email) for s in sectors for email in s.opted_out}
    without = {(s.sector_id, email) for s in sectors for email in s.without_actions}
    rows = find_records(engine, DIGEST_KIND, sector_ids=sector_ids)
    this_period = {(r.sector_id, r.email): r for r in rows if r.period == period}

    messages, in_flight = [], []
    for key, digest in digests.items():
        planned = PlannedMessage(digest, this_period.get(key))
        (in_flight if planned.record is not None and planned.record.in_flight(now) else messages).append(planned)

    cancellations = []
    for row in rows:
        if row.status not in UNSENT or row.in_flight(now) or row.period > period:
            continue
        key = (row.sector_id, row.email)
        if key in digests and row.period < period:
            reason = f"remplacé par la relance de la {period_label(period)}"
        elif key in digests:
            continue  # this period's message: sent again by the run
        elif key in opted_out:
            reason = OPTED_OUT
        elif key in without:
            reason = f"plus aucune action ouverte au {as_of:%d/%m/%Y}"
        else:
            reason = NOT_A_CONTACT
        cancellations.append(Cancellation(row, reason))
    return ReminderPlan(as_of, period, horizon_days, tuple(sectors), tuple(messages), tuple(in_flight),
                        tuple(cancellations), now)


def describe(digest: PartnerDigest, reference: Reference) -> str:
    """« Relance de la semaine 48 de 2026 (…) à durand@vivest.fr (Vivest), secteur Forbach : 3 actions, dont 1 en
    retard »: what the journal and the report say of a message."""
    sector = reference.sectors.get(digest.sector_id)
    name = sector.name if sector else digest.sector_id
    late = f", dont {len(digest.overdue)} en retard" if digest.overdue else ""
    return (f"Relance de la {period_label(digest.period)} à {digest.email} ({', '.join(digest.organisations)}), "
            f"secteur {name} : {len(digest.actions)} action(s){late}")


def _describe_row(row: MailRecord, reference: Reference) -> str:
    sector = reference.sectors.get(row.sector_id)
    return (f"Relance de la {period_label(row.period)} à {row.email} ({row.organisations}), "
            f"secteur {sector.name if sector else row.sector_id}")


def send_reminders(engine: sa.Engine, plan: ReminderPlan, transport, reference: Reference, *, sender: str,
                   public_address: str | None, actor: str, clock: Clock = now_to_the_second) -> RunReport:
    """Carry `plan` out: cancellations first, then each message of the plan through `mail.delivery.deliver` (an
    already sent one skipped; the others claimed, composed, sent, marked). `transport` has `send(EmailMessage)`
    raising `MailSendError` (mail.smtp.SmtpTransport)."""
    outcomes: list[Outcome] = []
    for cancelling in plan.cancellations:
        done = withdraw(engine, cancelling.record, cancelling.reason, what=_describe_row(cancelling.record, reference),
                        wording=WORDING, actor=actor, clock=clock)
        if done is not None:
            outcomes.append(done)
    for planned in plan.in_flight:
        outcomes.append(Outcome(planned.digest.sector_id, planned.digest.email, "skipped",
                                f"{describe(planned.digest, reference)} : en cours d'envoi par un autre passage",
                                planned.record))
    for planned in plan.messages:
        digest = planned.digest
        sector = reference.sectors[digest.sector_id]
        csp = reference.csps.get(sector.csp_id)

        def compose(stamp: dt.datetime, digest=digest, sector=sector, csp=csp):
            return compose_digest(digest, sector, reference.departement, sender=sender, public_address=public_address,
                                  stamp=stamp, csp_name=csp.name if csp else None)

        outcomes.append(deliver(engine, planned.content(), planned.record, compose, transport,
                                what=describe(digest, reference), wording=WORDING, actor=actor, clock=clock,
                                judged_at=plan.judged_at))
    return RunReport(tuple(outcomes))
