"""Schema v3: the tokens that keep a briefing screen (écran account) signed in across reloads.

Their own MetaData, like `store.account_tables`: migration v3 creates exactly
this table, on a new store and on a v2 store alike. Only a SHA-256 of each
token is kept; the token itself is shown once, when it is created.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

screen_tokens = sa.Table(
    "screen_tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("login", sa.String(120), nullable=False, index=True),  # an écran account
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(120), nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("revoked_at", sa.DateTime),
    sa.Column("last_used_at", sa.DateTime),
)
