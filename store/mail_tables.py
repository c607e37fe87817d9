"""Schema v5: every e-mail the app sends a partner contact (reminders, digests), one row per contact, kind and
period: what it said (a hash), where it stands, how many attempts, the last error.

Its own MetaData, like `store.account_tables`: its migration step creates exactly this table. The unique key
(sector, address, kind, period) is what makes a second run send nothing: the row is claimed before the message
leaves, and only one run can claim it.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

mail_log = sa.Table(
    "mail_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sector_id", sa.String(64), nullable=False, index=True),
    sa.Column("email", sa.String(254), nullable=False),  # lower-case
    sa.Column("kind", sa.String(20), nullable=False),  # "relance" (domain.partner_digest.DIGEST_KIND)
    sa.Column("period", sa.String(20), nullable=False),  # "2026-W48" for a reminder
    sa.Column("as_of", sa.Date, nullable=False),  # the reference date of the content last attempted
    sa.Column("organisations", sa.Text, nullable=False),  # as the Partenaires sheet writes them, joined by " ; "
    sa.Column("action_count", sa.Integer, nullable=False),
    sa.Column("overdue_count", sa.Integer, nullable=False),
    sa.Column("content_sha256", sa.String(64), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # pending | sent | failed | cancelled (store.mail_log.STATUSES)
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text),  # the French reason of the last failure, or why the message was cancelled
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_attempt_at", sa.DateTime),
    sa.Column("sent_at", sa.DateTime),
    sa.UniqueConstraint("sector_id", "email", "kind", "period", name="uq_mail_log_message"),
)
