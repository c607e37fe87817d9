"""One message to one partner contact, sent and recorded: the step the weekly reminders (mail.reminders) and the
compte rendu after a meeting (mail.compte_rendu_mail) both take for each contact, so they cannot drift apart.

`deliver`, for one digest (domain.partner_digest) under a kind and a period (store.mail_log's key):
1. a message already sent for the period is not sent again (skipped, « déjà envoyé(e) le … »); one claimed by
   another run less than `store.mail_log.IN_FLIGHT` ago is left to it;
2. the row is claimed in the store before the message leaves (store.mail_log.claim): of two runs at once only one
   can, the other skips it;
3. the message is composed (by the caller's `compose`) and sent through the transport;
4. the row is marked sent, or failed with the French reason (kept: the period's next run claims it again), and the
   result journaled (who, what, when, result: mail_sent / mail_failed) in the same transaction.

Who gets a message at all is the caller's digests' business: a contact marked « Ne plus écrire » has no digest
(domain.partner_digest leaves it out), so `deliver` is never asked to write to it. A message of the period that never
left (failed, or pending after a stopped run) and will never be sent, its contact having opted out or left the
« Partenaires » sheet since, is closed by `withdraw` (status cancelled, the reason kept), the same way for both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

import sqlalchemy as sa

from domain.partner_digest import PartnerDigest
from mail.smtp import MailSendError
from store.mail_log import MailContent, MailRecord, cancel, claim, mark_failed, mark_sent

Clock = Callable[[], dt.datetime]
OPTED_OUT = "le contact ne veut plus recevoir de courriels (« Ne plus écrire »)"
NOT_A_CONTACT = "contact absent de la feuille « Partenaires » du secteur"


def now_to_the_second() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class Outcome:
    sector_id: str
    email: str
    result: str  # sent | failed | cancelled | skipped
    detail: str  # French: what the journal says
    record: MailRecord | None


@dataclass(frozen=True)
class RunReport:
    outcomes: tuple[Outcome, ...]

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.result == "failed")


@dataclass(frozen=True)
class Wording:
    """How the journal speaks of one kind of message: « une relance » is feminine, « un compte rendu » masculine;
    `retry` says when a failed one leaves again (« nouvel essai au prochain passage », « à renvoyer »)."""

    feminine: bool
    retry: str

    def said(self, word: str) -> str:
        return word + ("e" if self.feminine else "")


def mail_content(digest: PartnerDigest, kind: str, period: str) -> MailContent:
    """The digest's message as the mail log keys and describes it."""
    return MailContent(digest.sector_id, digest.email, kind, period, digest.as_of, digest.organisations,
                       len(digest.actions), len(digest.overdue), digest.content_hash)


def deliver(engine: sa.Engine, content: MailContent, expected: MailRecord | None,
            compose: Callable[[dt.datetime], EmailMessage], transport, *, what: str, wording: Wording, actor: str,
            clock: Clock = now_to_the_second, judged_at: dt.datetime | None = None) -> Outcome:
    """Send `content`'s message once (see the module's docstring). `expected`: its row as the run read it (None: no
    row yet). `compose(stamp)` builds the message (a ValueError: an address that cannot be written in a header);
    `transport.send` raises MailSendError (mail.smtp.SmtpTransport). `what` is the French description the journal
    and the outcome start with. `judged_at`: the instant whether another run holds the row is judged at (a plan
    made earlier keeps its judgment; default: now)."""
    sector_id, email = content.sector_id, content.email
    now = clock()
    if expected is not None and expected.status == "sent":
        return Outcome(sector_id, email, "skipped",
                       f"{what} : déjà {wording.said('envoyé')} le {expected.sent_at:%d/%m/%Y à %H:%M}", expected)
    if expected is not None and expected.in_flight(judged_at or now):
        return Outcome(sector_id, email, "skipped", f"{what} : en cours d'envoi par un autre passage", expected)
    claimed = claim(engine, content, now, expected)
    if claimed is None:
        return Outcome(sector_id, email, "skipped", f"{what} : {wording.said('pris')} en charge par un autre envoi en "
                       "cours", None)
    try:
        transport.send(compose(clock()))
    except ValueError:
        error = (f"Adresse « {email} » impossible à écrire dans un courriel : corrigez-la dans la feuille "
                 "« Partenaires ».")
    except MailSendError as exc:
        error = str(exc)
    else:
        detail = f"{what} : {wording.said('envoyé')} (essai n° {claimed.attempts})"
        return Outcome(sector_id, email, "sent", detail,
                       mark_sent(engine, claimed, clock(), actor=actor, detail=detail))
    detail = f"{what} : échec de l'essai n° {claimed.attempts}, {wording.retry} : {error}"
    return Outcome(sector_id, email, "failed", detail,
                   mark_failed(engine, claimed, error, clock(), actor=actor, detail=detail))


def withdraw(engine: sa.Engine, unsent: MailRecord, reason: str, *, what: str, wording: Wording, actor: str,
             clock: Clock = now_to_the_second) -> Outcome | None:
    """Close `unsent` (failed, or pending and no longer in flight), a message that will never leave: status cancelled
    with the French `reason`, journaled (mail_cancelled) as « `what` : annulé(e), `reason` ». None when another run
    took or changed the row meanwhile (store.mail_log.cancel)."""
    detail = f"{what} : {wording.said('annulé')}, {reason}"
    done = cancel(engine, unsent, reason, clock(), actor=actor, detail=detail)
    return None if done is None else Outcome(unsent.sector_id, unsent.email, "cancelled", detail, done)
