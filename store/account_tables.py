"""Schema v2: local accounts and the audit journal.

These tables live in their own MetaData on purpose: migration v1 creates every
table of `store.tables.metadata`, so adding them there would make a new store
create them at v1 and then fail at v2. Here v2 creates exactly these tables, on
a new store and on a v1 store alike.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("login", sa.String(120), primary_key=True),  # lower case, unique
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("csp_id", sa.String(64)),
    sa.Column("sectors", sa.Text, nullable=False, default=""),  # sector ids, space-separated
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("password_changed_at", sa.DateTime),
    sa.Column("failed_logins", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.DateTime),
)

# Append-only: the code writes rows (store.audit.record) and reads them, never updates or deletes one.
audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("user_login", sa.String(120), nullable=False, index=True),
    sa.Column("event", sa.String(30), nullable=False, index=True),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("sector_id", sa.String(64)),
)
