"""The uploaded files themselves, kept once by content (SHA-256), whoever archives them first.

Two imports of the same bytes (one file sent for two sectors, two animators
sending the same export) may commit at the same moment: checking for the row
and then inserting it lets both see "absent" and the second fail on the
primary key. The insert itself is made idempotent instead.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from store import tables

_UPSERT_DIALECTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def archive_statement(dialect_name: str, values: dict) -> sa.Executable | None:
    """INSERT … ON CONFLICT (sha256) DO NOTHING where the dialect has it (None elsewhere)."""
    insert = _UPSERT_DIALECTS.get(dialect_name)
    if insert is None:
        return None
    return insert(tables.raw_files).values(**values).on_conflict_do_nothing(index_elements=["sha256"])


def archive_raw_file(conn: sa.Connection, sha256: str, data: bytes, now: dt.datetime) -> None:
    """Keep `data` under `sha256` in the caller's transaction; nothing happens if it is already kept."""
    values = {"sha256": sha256, "size": len(data), "content": data, "first_seen_at": now}
    statement = archive_statement(conn.dialect.name, values)
    if statement is not None:
        conn.execute(statement)
        return
    # Another database: insert in a savepoint; losing the race to the same bytes leaves the same row.
    raw = tables.raw_files
    if conn.execute(sa.select(raw.c.sha256).where(raw.c.sha256 == sha256)).scalar() is None:
        try:
            with conn.begin_nested():
                conn.execute(raw.insert().values(**values))
        except sa.exc.IntegrityError:
            pass
