"""Import a validated tracker into the store: plan (diff, checks) first, then one transaction.

The import layer is where write access is enforced: it takes the uploader and
the sectors they may write, and refuses the others, whatever the page did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

from domain.tracker_diff import TrackerDiff, diff_trackers
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
    result: TrackerResult
    file_name: str
    sha256: str
    status: str
    previous_import_id: int | None
    diff: TrackerDiff | None

    @property
    def message(self) -> str:
        return STATUS_MESSAGES[self.status]

    @property
    def has_row_errors(self) -> bool:
        return any(i.severity == "error" and i.row is not None for i in self.result.issues)

    @property
    def rows_accepted(self) -> int:
        return sum(c.rows_accepted for c in self.result.counts.values())


class ImportNotAllowed(Exception):
    """A commit the plan did not allow (refused, duplicate, stale plan, vanished rows not accepted)."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plan_import(engine: sa.Engine, result: TrackerResult, data: bytes, uploader: Uploader) -> ImportPlan:
    """What importing `result` would do: checks and the diff against the sector's current data."""
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
    with engine.connect() as conn:
        previous = current_import_id(conn, result.sector_id)
        if previous is not None:
            same = conn.execute(sa.select(tables.imports.c.sha256).where(tables.imports.c.import_id == previous)).scalar()
            if same == digest:
                return ImportPlan(result, name, digest, DUPLICATE, previous, None)
        old_frames = import_frames(conn, previous) if previous is not None else None
    diff = diff_trackers(old_frames, result.frames)
    return ImportPlan(result, name, digest, READY, previous, diff)


def commit_import(engine: sa.Engine, plan: ImportPlan, data: bytes, uploader: Uploader, *, accept_vanished: bool = False,
                  now: dt.datetime | None = None, as_of: dt.date | None = None, demo: bool = False) -> int:
    """Write the import in one transaction and return its id. Never half-writes.

    Raises ImportNotAllowed (what the plan did not allow) or StoreError (the database failed: read-only, full…).
    """
    if plan.status != READY:
        raise ImportNotAllowed(plan.message)
    if not uploader.may_write(plan.result.sector_id):
        raise ImportNotAllowed(STATUS_MESSAGES[REFUSED])
    if plan.diff and plan.diff.vanished_count and not accept_vanished:
        raise ImportNotAllowed(f"{plan.diff.vanished_count} ligne(s) de l'import précédent disparaîtraient : "
                               "confirmez explicitement leur disparition.")
    if sha256_of(data) != plan.sha256:
        raise ImportNotAllowed("Le fichier a changé depuis son contrôle : contrôlez-le à nouveau.")
    now = now or dt.datetime.now().replace(microsecond=0)
    result = plan.result
    errors = sum(i.severity == "error" for i in result.issues)
    warnings = sum(i.severity == "warning" for i in result.issues)
    counts = {f"{key}_{kind}": getattr(result.counts[key], f"rows_{kind}") if key in result.counts else 0
              for key in ("meetings", "problems", "actions") for kind in ("read", "accepted")}
    with french_errors("Import non enregistré"), engine.begin() as conn:
        # The archive is written first: on SQLite that write takes the database's write lock, so the check
        # below sees the last committed import and no other import can slip in before ours.
        archive_raw_file(conn, plan.sha256, data, now)
        if current_import_id(conn, result.sector_id) != plan.previous_import_id:
            raise ImportNotAllowed("Le secteur a reçu un autre import entre-temps : contrôlez à nouveau le fichier.")
        import_id = conn.execute(tables.imports.insert().values(
            sector_id=result.sector_id, file_name=plan.file_name, sha256=plan.sha256, imported_by=uploader.name,
            imported_at=now, as_of=as_of or now.date(), errors=errors, warnings=warnings, demo=demo, **counts,
        )).inserted_primary_key[0]
        _write_details(conn, import_id, result)
    return import_id


def _write_details(conn: sa.Connection, import_id: int, result: TrackerResult) -> None:
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
        records = to_records(result.frames[key], key, import_id)
        if records:
            conn.execute(table.insert(), records)
