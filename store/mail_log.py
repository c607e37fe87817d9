"""The record of every e-mail sent to a partner contact (table `mail_log`): claimed before it leaves, marked sent,
failed or cancelled after, each change journaled in the same transaction.

A message is one row per (sector, address, kind, period). Its life:
- `claim`: a run takes the row before sending: a new row (status pending, attempt 1), or one not sent yet again
  (attempts + 1; a cancelled one too: the contact opted back in within the period). Two runs at once (the timer
  and the preview page): only one claim succeeds (unique key for a new row, the attempt count for an existing
  one), so a message never leaves twice;
- `mark_sent` / `mark_failed` (the French reason kept): a failed row is taken again by the next run of the period;
- `cancel`: an unsent row that will never be sent (replaced by the next period's, the contact opted out, nothing
  left to report), with the reason. Rows are never deleted.

A pending row whose last attempt is older than `IN_FLIGHT` belongs to a run that stopped mid-way: it may be taken
again; a younger one is being sent by another run, and is left to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from store.audit import record
from store.mail_tables import mail_log

STATUSES = {"pending": "À envoyer", "sent": "Envoyé", "failed": "Échec", "cancelled": "Annulé"}
UNSENT = ("pending", "failed")
IN_FLIGHT = dt.timedelta(minutes=10)
HISTORY_COLUMNS = ["Secteur", "Courriel", "Organisations", "Type", "Période", "Date de référence", "Actions",
                   "Dont en retard", "Statut", "Essais", "Dernière erreur", "Créé le", "Dernier essai", "Envoyé le"]


@dataclass(frozen=True)
class MailContent:
    """What a message is (its key) and what it says (counts, hash of the content)."""

    sector_id: str
    email: str
    kind: str
    period: str
    as_of: dt.date
    organisations: tuple[str, ...]
    action_count: int
    overdue_count: int
    content_sha256: str


@dataclass(frozen=True)
class MailRecord:
    id: int
    sector_id: str
    email: str
    kind: str
    period: str
    as_of: dt.date
    organisations: str
    action_count: int
    overdue_count: int
    content_sha256: str
    status: str
    attempts: int
    last_error: str | None
    created_at: dt.datetime
    last_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    def in_flight(self, now: dt.datetime) -> bool:
        """Being sent by another run right now (claimed less than `IN_FLIGHT` ago, no result yet)."""
        return self.status == "pending" and self.last_attempt_at is not None and now - self.last_attempt_at < IN_FLIGHT


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _records(conn: sa.Connection, query) -> list[MailRecord]:
    rows = conn.execute(query.order_by(mail_log.c.id)).mappings().all()
    return [MailRecord(**{**row, "as_of": _as_date(row["as_of"])}) for row in rows]


def find_records(engine: sa.Engine, kind: str, *, sector_ids: list[str] | None = None,
                 statuses: tuple[str, ...] | None = None, period: str | None = None) -> list[MailRecord]:
    """The rows of one kind, oldest first, optionally of some sectors, statuses or one period."""
    query = sa.select(mail_log).where(mail_log.c.kind == kind)
    if sector_ids is not None:
        query = query.where(mail_log.c.sector_id.in_(sector_ids))
    if statuses is not None:
        query = query.where(mail_log.c.status.in_(statuses))
    if period is not None:
        query = query.where(mail_log.c.period == period)
    with engine.connect() as conn:
        return _records(conn, query)


def _get(conn: sa.Connection, record_id: int) -> MailRecord:
    return _records(conn, sa.select(mail_log).where(mail_log.c.id == record_id))[0]


def _content_values(content: MailContent) -> dict:
    return {"as_of": content.as_of, "organisations": " ; ".join(content.organisations),
            "action_count": content.action_count, "overdue_count": content.overdue_count,
            "content_sha256": content.content_sha256}


def claim(engine: sa.Engine, content: MailContent, now: dt.datetime, expected: MailRecord | None) -> MailRecord | None:
    """Take the message for sending. `expected` is its row as the run read it (None: no row yet). Returns the row
    as claimed, or None when another run took it first (nothing to send then)."""
    try:
        with engine.begin() as conn:
            if expected is None:
                inserted = conn.execute(mail_log.insert().values(
                    sector_id=content.sector_id, email=content.email, kind=content.kind, period=content.period,
                    status="pending", attempts=1, created_at=now, last_attempt_at=now, **_content_values(content)))
                return _get(conn, inserted.inserted_primary_key[0])
            c = mail_log.c
            taken = conn.execute(mail_log.update().where(
                c.id == expected.id, c.attempts == expected.attempts, c.status == expected.status, c.status != "sent",
            ).values(status="pending", attempts=c.attempts + 1, last_attempt_at=now, **_content_values(content)))
            return _get(conn, expected.id) if taken.rowcount == 1 else None
    except sa.exc.IntegrityError:  # another run inserted the same message first
        return None


def _finish(engine: sa.Engine, claimed: MailRecord, values: dict, *, actor: str, event: str, detail: str,
            at: dt.datetime) -> MailRecord:
    with engine.begin() as conn:
        conn.execute(mail_log.update().where(mail_log.c.id == claimed.id).values(**values))
        record(conn, actor, event, detail, sector_id=claimed.sector_id, at=at)
        return _get(conn, claimed.id)


def mark_sent(engine: sa.Engine, claimed: MailRecord, now: dt.datetime, *, actor: str, detail: str) -> MailRecord:
    """The server accepted the message: status sent, journaled (event mail_sent) in the same transaction."""
    return _finish(engine, claimed, {"status": "sent", "sent_at": now, "last_error": None}, actor=actor,
                   event="mail_sent", detail=detail, at=now)


def mark_failed(engine: sa.Engine, claimed: MailRecord, error: str, now: dt.datetime, *, actor: str,
                detail: str) -> MailRecord:
    """The message did not leave: status failed with the French reason, journaled (mail_failed); sent again by the
    period's next run."""
    return _finish(engine, claimed, {"status": "failed", "last_error": error}, actor=actor, event="mail_failed",
                   detail=detail, at=now)


def cancel(engine: sa.Engine, unsent: MailRecord, reason: str, now: dt.datetime, *, actor: str,
           detail: str) -> MailRecord | None:
    """An unsent message that will never leave: status cancelled with the reason, journaled (mail_cancelled).
    None when another run took or changed it meanwhile."""
    c = mail_log.c
    with engine.begin() as conn:
        done = conn.execute(mail_log.update().where(c.id == unsent.id, c.attempts == unsent.attempts,
                                                    c.status == unsent.status)
                            .values(status="cancelled", last_error=reason))
        if done.rowcount != 1:
            return None
        record(conn, actor, "mail_cancelled", detail, sector_id=unsent.sector_id, at=now)
        return _get(conn, unsent.id)


def mail_history(engine: sa.Engine, sector_ids: list[str] | None = None, kind: str | None = None) -> pd.DataFrame:
    """Every message recorded, newest first, with French columns (HISTORY_COLUMNS) and status labels."""
    query = sa.select(mail_log)
    if sector_ids is not None:
        query = query.where(mail_log.c.sector_id.in_(sector_ids))
    if kind is not None:
        query = query.where(mail_log.c.kind == kind)
    with engine.connect() as conn:
        rows = _records(conn, query)
    frame = pd.DataFrame([(r.sector_id, r.email, r.organisations, r.kind, r.period, r.as_of, r.action_count,
                           r.overdue_count, r.status_label, r.attempts, r.last_error or "", r.created_at,
                           r.last_attempt_at, r.sent_at) for r in reversed(rows)], columns=HISTORY_COLUMNS)
    for column in ("Créé le", "Dernier essai", "Envoyé le"):
        frame[column] = pd.to_datetime(frame[column])
    return frame
