"""Import a validated tracker into the store: plan (diff, checks) first, then one transaction.

The import layer is where write access is enforced: it takes the uploader and
the sectors they may write, and refuses the others, whatever the page did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from domain.tracker_diff import TrackerDiff, diff_trackers
from domain.tracker_schema import SHEET_ORDER
from loaders.one_sheet_files import (carried_sheets, import_order, is_one_sheet_file, keep_optional_sheets, kept_sheet_count,
                                     merge_with_current)
from loaders.tracker_loader import TrackerResult
from store import tables
from store.errors import french_errors
from store.frames import to_records
from store.raw_archive import archive_raw_file
from store.queries import current_import_id, import_frames


@dataclass(frozen=True)
class Uploader:
    """Who imports, and which sectors they may write (None: every sector)."""

    name: str
    writable_sectors: frozenset[str] | None = None

    def may_write(self, sector_id: str) -> bool:
        return self.writable_sectors is None or sector_id in self.writable_sectors


# Plan statuses and what the user is told (French).
READY, DUPLICATE, FILE_ERROR, REFUSED = "ready", "duplicate", "file_error", "refused"
NO_SECTOR, UNASSIGNED_ROWS = "no_sector", "unassigned_rows"
STATUS_MESSAGES = {
    READY: "Prêt à importer.",
    DUPLICATE: "Ce fichier est déjà la version importée de ce secteur : rien à faire, rien n'est dupliqué.",
    FILE_ERROR: "Le fichier n'est pas lisible comme tableau de suivi : rien n'est importé (voir le rapport).",
    REFUSED: "Vous n'êtes pas autorisé à importer des données pour ce secteur.",
    NO_SECTOR: "Le secteur de ce fichier n'a pas pu être déterminé : choisissez-le dans la liste « Secteur des fichiers » "
               "(ou ajoutez une feuille « Secteur » au fichier), puis déposez-le à nouveau.",
    UNASSIGNED_ROWS: "Ces lignes ne se rattachent à aucun secteur connu : elles ne peuvent pas être importées "
                     "(voir le rapport).",
}


@dataclass
class ImportPlan:
    result: TrackerResult  # a one-sheet file: with the issues saying what it replaces, actions checked
    file_name: str
    sha256: str
    status: str
    previous_import_id: int | None
    diff: TrackerDiff | None
    frames: dict[str, pd.DataFrame] | None = None  # the sector's data once imported (kept sheets included)
    after: ImportPlan | None = field(default=None, repr=False)  # a file of the same upload to import first

    @property
    def message(self) -> str:
        return STATUS_MESSAGES[self.status]

    @property
    def has_row_errors(self) -> bool:
        return any(i.severity == "error" and i.row is not None for i in self.result.issues)

    @property
    def rows_accepted(self) -> int:
        return sum(c.rows_accepted for c in self.result.counts.values())

    @property
    def kept_sheets(self) -> tuple[str, ...]:
        """Sheets this file does not hold: importing it keeps the sector's current ones."""
        carried = carried_sheets(self.result)
        return tuple(key for key in SHEET_ORDER if key not in carried) if carried else ()

    @property
    def scope_message(self) -> str | None:
        """For a one-sheet file, the French sentence saying which sheet it replaces and which are kept."""
        return next((i.message for i in self.result.issues if i.code in SCOPE_CODES), None)


SCOPE_CODES = ("one_sheet_replaces", "one_sheet_first_import")


class ImportNotAllowed(Exception):
    """A commit the plan did not allow (refused, duplicate, stale plan, vanished rows not accepted)."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plan_import(engine: sa.Engine, result: TrackerResult, data: bytes, uploader: Uploader, *,
                after: ImportPlan | None = None) -> ImportPlan:
    """What importing `result` would do: checks and the diff against the sector's current data.

    A one-sheet file (a CSV) replaces the sheet it holds and keeps the others;
    the diff covers that sheet only. A workbook without an optional sheet keeps
    that sheet's current rows likewise. `after` plans it on top of another ready
    plan of the same sector (files uploaded together, imported one after the
    other): that plan must be imported first.
    """
    digest = sha256_of(data)
    name = result.file.replace("\\", "/").rsplit("/", 1)[-1]
    if result.sector_id is None:
        file_errors = {i.code for i in result.issues if i.row is None and i.severity == "error"}
        if file_errors and file_errors <= {"sector_not_found", "sector_unknown"}:
            status = NO_SECTOR
        else:
            status = FILE_ERROR if file_errors else UNASSIGNED_ROWS
        return ImportPlan(result, name, digest, status, None, None)
    if any(i.row is None and i.severity == "error" for i in result.issues):
        return ImportPlan(result, name, digest, FILE_ERROR, None, None)
    if not uploader.may_write(result.sector_id):
        return ImportPlan(result, name, digest, REFUSED, None, None)
    one_sheet = is_one_sheet_file(result)
    if after is not None and not (one_sheet and after.status == READY and after.result.sector_id == result.sector_id):
        after = None
    imp = tables.imports.c
    with engine.connect() as conn:
        if after is not None:
            previous, old_frames = after.previous_import_id, after.frames
        else:
            previous = current_import_id(conn, result.sector_id)
            if previous is not None and not one_sheet:
                same = conn.execute(sa.select(imp.sha256).where(imp.import_id == previous)).scalar()
                if same == digest:
                    return ImportPlan(result, name, digest, DUPLICATE, previous, None)
            old_frames = import_frames(conn, previous) if previous is not None else None
        seen = one_sheet and after is None and conn.execute(sa.select(sa.func.count()).where(
            imp.sector_id == result.sector_id, imp.sha256 == digest)).scalar() > 0
    frames = result.frames
    if one_sheet:
        result, frames = merge_with_current(result, old_frames)
    else:  # a whole tracker: an optional sheet it lacks (Diagnostic, Partenaires) keeps the sector's current rows
        result, frames = keep_optional_sheets(result, old_frames)
    diff = diff_trackers(old_frames, frames, sheets=carried_sheets(result))
    if seen and not diff.has_changes:  # this CSV was imported before and its sheet is still as it left it
        return ImportPlan(result, name, digest, DUPLICATE, previous, None)
    return ImportPlan(result, name, digest, READY, previous, diff, frames, after)


def plan_imports(engine: sa.Engine, items: list[tuple[TrackerResult, bytes]],
                 uploader: Uploader) -> list[tuple[ImportPlan, bytes]]:
    """Plan files uploaded together, in the order to import them (each with its bytes).

    The one-sheet files of a sector (its CSVs) are imported one after the
    other, meetings, problems, then actions: each is planned on top of the
    previous one, so what each shows is what it will do once the previous one
    is imported, and together they give what the workbook would.
    """
    plans: list[tuple[ImportPlan, bytes]] = []
    last: dict[str, ImportPlan] = {}
    for n in import_order([result for result, _ in items]):
        result, data = items[n]
        plan = plan_import(engine, result, data, uploader, after=last.get(result.sector_id or ""))
        if plan.status == READY and is_one_sheet_file(result):
            last[result.sector_id] = plan
        plans.append((plan, data))
    return plans


def commit_import(engine: sa.Engine, plan: ImportPlan, data: bytes, uploader: Uploader, *, accept_vanished: bool = False,
                  now: dt.datetime | None = None, as_of: dt.date | None = None, demo: bool = False) -> int:
    """Write the import in one transaction and return its id. Never half-writes.

    Raises ImportNotAllowed (what the plan did not allow) or StoreError (the database failed: read-only, full…).
    """
    if plan.status != READY:
        raise ImportNotAllowed(plan.message)
    if not uploader.may_write(plan.result.sector_id):
        raise ImportNotAllowed(STATUS_MESSAGES[REFUSED])
    if plan.after is not None:
        raise ImportNotAllowed(f"Importez d'abord « {plan.after.file_name} » : ce fichier a été contrôlé à sa suite.")
    if plan.diff and plan.diff.vanished_count and not accept_vanished:
        raise ImportNotAllowed(f"{plan.diff.vanished_count} ligne(s) de l'import précédent disparaîtraient : "
                               "confirmez explicitement leur disparition.")
    if sha256_of(data) != plan.sha256:
        raise ImportNotAllowed("Le fichier a changé depuis son contrôle : contrôlez-le à nouveau.")
    now = now or dt.datetime.now().replace(microsecond=0)
    result = plan.result
    frames = plan.frames if plan.frames is not None else result.frames
    errors = sum(i.severity == "error" for i in result.issues)
    warnings = sum(i.severity == "warning" for i in result.issues)
    sheet_counts = {key: result.counts.get(key) or kept_sheet_count(frames, key) for key in SHEET_ORDER}
    counts = {f"{key}_{kind}": getattr(sheet_counts[key], f"rows_{kind}") for key in SHEET_ORDER for kind in ("read", "accepted")}
    with french_errors("Import non enregistré"), engine.begin() as conn:
        lock_imports(conn)  # the check below sees the last committed import; no other import slips in before ours
        archive_raw_file(conn, plan.sha256, data, now)
        if current_import_id(conn, result.sector_id) != plan.previous_import_id:
            raise ImportNotAllowed("Le secteur a reçu un autre import entre-temps : contrôlez à nouveau le fichier.")
        import_id = conn.execute(tables.imports.insert().values(
            sector_id=result.sector_id, file_name=plan.file_name, sha256=plan.sha256, imported_by=uploader.name,
            imported_at=now, as_of=as_of or now.date(), errors=errors, warnings=warnings, demo=demo, **counts,
        )).inserted_primary_key[0]
        _write_details(conn, import_id, result, frames)
    return import_id


def lock_imports(conn: sa.Connection) -> None:
    """Make the caller's transaction the store's only writer until it ends (readers go on). Call it first.

    Every statement after it sees every import committed before, and no import can commit until the caller's
    transaction ends: an import's check of the sector's previous import, a purge's or a restore's reading of what it
    is about to change, stay true until they are written.
    SQLite has one writer at a time: a write (here one that changes nothing) takes the database's write lock.
    PostgreSQL lets writers run side by side: two servers committing imports of one sector at once would both find
    the same previous import and both write. The lock on `imports` makes them queue (SHARE ROW EXCLUSIVE conflicts
    with itself and with writes, never with reads); in READ COMMITTED each later statement sees what the previous
    holder committed. Taken before any other write, so two writers never wait on each other in opposite orders.
    """
    table = conn.dialect.identifier_preparer.format_table(tables.imports)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    else:
        conn.execute(tables.imports.update().where(sa.false()).values(import_id=tables.imports.c.import_id))


def _write_details(conn: sa.Connection, import_id: int, result: TrackerResult, frames: dict[str, pd.DataFrame]) -> None:
    issues = [{"import_id": import_id, "position": n, "severity": i.severity, "code": i.code, "sheet": i.sheet, "row": i.row,
               "column_label": i.column, "value": i.value, "message": i.message} for n, i in enumerate(result.issues)]
    if issues:
        conn.execute(tables.import_issues.insert(), issues)
    rejected = []
    for sheet, frame in result.rejected.items():
        for record in frame.to_dict("records"):
            line = int(record.pop("source_row"))
            rejected.append({"import_id": import_id, "sheet": sheet, "source_row": line,
                             "cells_json": json.dumps(record, ensure_ascii=False)})
    if rejected:
        conn.execute(tables.rejected_rows.insert(), rejected)
    for key, table in tables.ROW_TABLES.items():
        records = to_records(frames[key], key, import_id)
        if records:
            conn.execute(table.insert(), records)
