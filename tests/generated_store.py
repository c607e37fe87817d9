"""Write a generated département (`generated_department`) into a store, fast, the way imports write rows.

One import per sector, the sectors imported in a seeded random order (and, for
every seventh sector, an older import first whose rows must never be read as
current); each import's rows together, as one import transaction writes them (a
reader must sort the sectors itself), the row values converted by
`store.frames.to_records` exactly as `store.imports.commit_import` does, inserted
with SQLAlchemy Core in chunks. This skips the trackers and their checks (the
import path has its own tests and benchmark): it only fills tables quickly.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import sqlalchemy as sa

from generated_department import Department
from store import tables
from store.frames import to_records

RAW_SHA = "0" * 64
CHUNK = 20_000


def store_department(engine: sa.Engine, dept: Department, first_import: dt.datetime = dt.datetime(2026, 11, 1, 8, 0),
                     older_every: int = 7) -> dict[str, int]:
    """Import each sector's rows (sectors of the frames, the reference's outsider included); returns current ids."""
    sector_ids = sorted(set().union(*(set(f["sector_id"].dropna()) for f in dept.frames.values())))
    sector_ids = [sector_ids[k] for k in np.random.default_rng(len(sector_ids)).permutation(len(sector_ids))]
    rank = {sector_id: n for n, sector_id in enumerate(sector_ids)}
    current: dict[str, int] = {}
    with engine.begin() as conn:
        conn.execute(tables.raw_files.insert().values(sha256=RAW_SHA, size=0, content=b"", first_seen_at=first_import))
        for n, sector_id in enumerate(sector_ids):
            versions = [first_import - dt.timedelta(days=30), first_import] if n % older_every == 0 else [first_import]
            for moment in versions:
                current[sector_id] = conn.execute(tables.imports.insert().values(
                    sector_id=sector_id, file_name=f"{sector_id}.xlsx", sha256=RAW_SHA, imported_by="Générateur",
                    imported_at=moment + dt.timedelta(seconds=n), as_of=moment.date(), meetings_read=0,
                    meetings_accepted=0, problems_read=0, problems_accepted=0, actions_read=0, actions_accepted=0,
                    errors=0, warnings=0, demo=False)).inserted_primary_key[0]
                if moment != versions[-1]:  # the older import: other rows, never current
                    conn.execute(tables.meetings.insert().values(
                        import_id=current[sector_id], sector_id=sector_id, meeting_date=dt.date(2020, 1, 1),
                        kind="ordinary", status="held", source_file="ancien.xlsx", source_row=2))
        for key, table in tables.ROW_TABLES.items():
            frame = dept.frames[key]
            frame = frame.iloc[np.argsort(frame["sector_id"].map(rank).to_numpy(), kind="stable")]  # in import order
            for start in range(0, len(frame), CHUNK):
                records = to_records(frame.iloc[start:start + CHUNK], key, 0)
                for record in records:
                    record["import_id"] = current[record["sector_id"]]
                conn.execute(table.insert(), records)
    return current
