"""Read the store: a sector's current data (its latest import), older states, the import history."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from domain.issue_catalogue import Issue
from store import tables
from store.account_tables import audit_log
from store.frames import from_records


def current_import_id(conn: sa.Connection, sector_id: str, at: dt.datetime | None = None) -> int | None:
    """The sector's latest import (at a past moment when `at` is given)."""
    query = sa.select(sa.func.max(tables.imports.c.import_id)).where(tables.imports.c.sector_id == sector_id)
    if at is not None:
        query = query.where(tables.imports.c.imported_at <= at)
    return conn.execute(query).scalar()


def current_import_ids(conn: sa.Connection, sector_ids: list[str] | None = None, at: dt.datetime | None = None) -> dict[str, int]:
    imp = tables.imports.c
    query = sa.select(imp.sector_id, sa.func.max(imp.import_id)).group_by(imp.sector_id)
    if sector_ids is not None:
        query = query.where(imp.sector_id.in_(sector_ids))
    if at is not None:
        query = query.where(imp.imported_at <= at)
    return {sector: import_id for sector, import_id in conn.execute(query)}


def _frames_for(conn: sa.Connection, import_ids: list[int]) -> dict[str, pd.DataFrame]:
    frames = {}
    for key, table in tables.ROW_TABLES.items():
        rows = []
        if import_ids:
            order = [table.c.sector_id, table.c.source_file, table.c.source_row]
            result = conn.execute(sa.select(table).where(table.c.import_id.in_(import_ids)).order_by(*order))
            rows = [dict(r) for r in result.mappings()]
        frames[key] = from_records(rows, key)
    return frames


def import_frames(conn: sa.Connection, import_id: int) -> dict[str, pd.DataFrame]:
    return _frames_for(conn, [import_id])


ONE_SHEET_CODES = ("one_sheet_replaces", "one_sheet_first_import")  # a one-sheet file: the sheet it carried
OPTIONAL_KEPT_CODE = "optional_sheet_kept"  # a workbook without an optional sheet: that sheet was kept


def file_frames(conn: sa.Connection, import_id: int) -> dict[str, pd.DataFrame]:
    """The rows the import's own file held: its frames, less the sheets it kept from the sector's earlier data (the
    other sheets of a one-sheet CSV, the optional sheets a workbook lacked), emptied. Told by the import's issues."""
    frames = import_frames(conn, import_id)
    ii = tables.import_issues.c
    said = conn.execute(sa.select(ii.code, ii.sheet).where(ii.import_id == import_id,
                                                          ii.code.in_((*ONE_SHEET_CODES, OPTIONAL_KEPT_CODE)))).all()
    carried = [sheet for code, sheet in said if code in ONE_SHEET_CODES]
    kept = {sheet for code, sheet in said if code == OPTIONAL_KEPT_CODE}
    if carried:
        kept |= set(frames) - set(carried)
    return {key: frame.iloc[0:0] if key in kept else frame for key, frame in frames.items()}


def current_frames(engine: sa.Engine, sector_ids: list[str] | None = None, at: dt.datetime | None = None) -> dict[str, pd.DataFrame]:
    """Meetings, problems and actions of the sectors' current imports (or as they stood at `at`)."""
    with engine.connect() as conn:
        ids = current_import_ids(conn, sector_ids, at)
        return _frames_for(conn, sorted(ids.values()))


SET_ASIDE_CODE = "footer_line"  # a totals or notes line below the data: counted as read, never as data


def import_history(engine: sa.Engine, sector_ids: list[str] | None = None) -> pd.DataFrame:
    """Every import, newest first, with whether it is the sector's current data.

    `lines_set_aside` counts the totals or notes lines left out (info, not
    errors): of the lines read and not accepted, the others were rejected.
    """
    imp, ii = tables.imports, tables.import_issues
    set_aside = (sa.select(ii.c.import_id, sa.func.count().label("lines_set_aside"))
                 .where(ii.c.code == SET_ASIDE_CODE).group_by(ii.c.import_id).subquery())
    query = (sa.select(imp, sa.func.coalesce(set_aside.c.lines_set_aside, 0).label("lines_set_aside"))
             .outerjoin(set_aside, set_aside.c.import_id == imp.c.import_id).order_by(imp.c.import_id.desc()))
    if sector_ids is not None:
        query = query.where(imp.c.sector_id.in_(sector_ids))
    with engine.connect() as conn:
        frame = pd.DataFrame([dict(r) for r in conn.execute(query).mappings()],
                             columns=[*(c.name for c in imp.columns), "lines_set_aside"])
        current = set(current_import_ids(conn, sector_ids).values())
    frame["current"] = frame["import_id"].isin(current)
    return frame


def import_issues(engine: sa.Engine, import_id: int) -> list[Issue]:
    ii = tables.import_issues
    with engine.connect() as conn:
        rows = conn.execute(sa.select(ii).where(ii.c.import_id == import_id).order_by(ii.c.position)).mappings()
        return [Issue(r["code"], r["severity"], r["sheet"], r["row"], r["column_label"], r["value"], r["message"]) for r in rows]


def rejected_rows(engine: sa.Engine, import_id: int) -> pd.DataFrame:
    rr = tables.rejected_rows
    with engine.connect() as conn:
        rows = conn.execute(sa.select(rr).where(rr.c.import_id == import_id).order_by(rr.c.sheet, rr.c.source_row))
        return pd.DataFrame([dict(r) for r in rows.mappings()], columns=["import_id", "sheet", "source_row", "cells_json"])


def raw_file(engine: sa.Engine, sha256: str) -> bytes | None:
    """The uploaded file's bytes; None when it is not kept (emptied by the retention purge, `store.retention`)."""
    with engine.connect() as conn:
        content = conn.execute(sa.select(tables.raw_files.c.content).where(tables.raw_files.c.sha256 == sha256)).scalar()
    return bytes(content) if content else None


def raw_file_sectors(engine: sa.Engine, sha256: str) -> set[str]:
    """Every sector an import of this raw file went into (a multi-sector workbook is filed once per sector)."""
    imp = tables.imports.c
    with engine.connect() as conn:
        return set(conn.execute(sa.select(imp.sector_id).where(imp.sha256 == sha256).distinct()).scalars())


def freshness(engine: sa.Engine) -> dict[str, dt.datetime]:
    """Date of the last import per sector."""
    imp = tables.imports.c
    with engine.connect() as conn:
        return {s: d for s, d in conn.execute(sa.select(imp.sector_id, sa.func.max(imp.imported_at)).group_by(imp.sector_id))}


def demo_sectors(engine: sa.Engine) -> set[str]:
    """Sectors whose current data are the shipped demonstration trackers."""
    with engine.connect() as conn:
        ids = list(current_import_ids(conn).values())
        if not ids:
            return set()
        imp = tables.imports.c
        return {s for s, in conn.execute(sa.select(imp.sector_id).where(imp.import_id.in_(ids), imp.demo.is_(True)))}


def current_imports(engine: sa.Engine) -> pd.DataFrame:
    """One row per sector with data: its current import (sector_id, import_id, imported_at, demo), in one query.

    What a page run needs to know about the store before it reads anything: the ids key every cache, the dates say
    how fresh each sector is, `demo` says which sectors still show the shipped demonstration trackers.
    """
    imp = tables.imports
    latest = sa.select(sa.func.max(imp.c.import_id)).group_by(imp.c.sector_id).scalar_subquery()
    query = sa.select(imp.c.sector_id, imp.c.import_id, imp.c.imported_at, imp.c.demo).where(imp.c.import_id.in_(latest))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["sector_id", "import_id", "imported_at", "demo"])


ROWS_CHANGING_EVENTS = ("purge", "restore")


def rows_generation(engine: sa.Engine) -> int:
    """A number that grows whenever rows of existing imports change in place (a retention purge, a restore): 0 until
    then. Imports only ever add rows, so caches keyed by the current imports need this too (`app_state.data`)."""
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(audit_log.c.id), 0))
                                .where(audit_log.c.event.in_(ROWS_CHANGING_EVENTS))).scalar())
