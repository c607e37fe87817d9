"""Back up the whole store to one SQLite file, and restore such a file into any store (SQLite or PostgreSQL).

The backup is a store itself: every table of the schemas (imports, raw
files, rows, issues, accounts, journal, screen tokens, e-mails sent, schema versions), row for
row, in a SQLite file that opens with any SQLite tool and that the application
can open read-only (`GPO_DATABASE_URL=sqlite:///sauvegarde.sqlite`).

- From SQLite: SQLite's online backup API (pages copied under the database's
  lock, the WAL included: a copy of the `.sqlite` file alone misses what the WAL
  still holds).
- From PostgreSQL: every table read in one REPEATABLE READ, READ ONLY
  transaction (one snapshot, as `pg_dump` takes), written into a new SQLite file
  created from the same table declarations. No PostgreSQL client of a matching
  version is needed, and the file restores into either engine (a SQLite store
  moves to PostgreSQL this way).

The file is written next to its final name and renamed once complete and
checked (`PRAGMA integrity_check`): an interrupted backup never leaves a
truncated file under the name. A restore migrates a copy of the backup to the
current schema, then replaces the store's rows in one transaction (a failure
leaves the store as it was), resets PostgreSQL's id sequences, and journals
itself. It refuses a store that holds data unless asked to replace it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from store import account_tables, mail_tables, screen_token_tables, tables
from store.audit import record
from store.database import SCHEMA_VERSION, open_store
from store.errors import french_errors
from store.imports import lock_imports

# Every table of the store, parents before children (the order rows are inserted in).
STORE_TABLES: tuple[sa.Table, ...] = (*tables.metadata.sorted_tables, *account_tables.metadata.sorted_tables,
                                      *screen_token_tables.metadata.sorted_tables, *mail_tables.metadata.sorted_tables)
_BATCH = {"raw_files": 20}  # rows per insert: whole files in that table
_DEFAULT_BATCH = 2000


class BackupError(Exception):
    """A backup or restore refused or impossible; `str()` is a French sentence for the admin."""


@dataclass(frozen=True)
class Copied:
    """What a backup or restore copied: rows per table, and the backup file's size."""

    rows: dict[str, int]
    size: int

    def summary(self) -> str:
        """« 17 imports, 17 fichiers d'origine, 2 comptes, 40 lignes du journal, 1,4 Mo »."""
        mb = f"{self.size / 1e6:.1f}".replace(".", ",")
        return (f"{self.rows.get('imports', 0)} import(s), {self.rows.get('raw_files', 0)} fichier(s) d'origine, "
                f"{sum(self.rows.get(k, 0) for k in tables.ROW_TABLES)} ligne(s) de données, "
                f"{self.rows.get('accounts', 0)} compte(s), {self.rows.get('audit_log', 0)} ligne(s) du journal ; "
                f"{mb} Mo")


def _sqlite_path(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".partiel")


def _check_target(path: Path, replace: bool) -> None:
    if path.is_dir():
        raise BackupError(f"« {path} » est un dossier : indiquez un nom de fichier, par exemple {path / 'gpo.sqlite'}.")
    if path.exists() and not replace:
        raise BackupError(f"Le fichier « {path} » existe déjà : choisissez un autre nom, ou ajoutez --remplacer "
                          "pour l'écraser.")
    if not path.parent.is_dir():
        raise BackupError(f"Le dossier « {path.parent} » n'existe pas.")


def backup(engine: sa.Engine, path: str | os.PathLike, *, replace: bool = False) -> Copied:
    """Write a consistent copy of the whole store to the SQLite file `path`."""
    path = Path(path)
    _check_target(path, replace)
    partial = _partial(path)
    partial.unlink(missing_ok=True)
    try:
        with french_errors("Sauvegarde impossible"):
            if _sqlite_path(engine):
                _sqlite_backup(engine, partial)
            else:
                _copy_into_new_sqlite(engine, partial)
            rows = _checked(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Copied(rows, path.stat().st_size)


def _sqlite_backup(engine: sa.Engine, target: Path) -> None:
    """SQLite's online backup: the store's pages, WAL included, copied under its lock; the copy in one file."""
    source = engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        try:
            source.driver_connection.backup(destination)
            destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            destination.close()
    finally:
        source.close()


def _copy_into_new_sqlite(engine: sa.Engine, target: Path) -> None:
    """Every table of another engine's store, read in one snapshot, into a new SQLite file of the same tables."""
    destination = sa.create_engine(f"sqlite:///{target}")
    try:
        with destination.begin() as out:
            for meta in (tables.metadata, account_tables.metadata, screen_token_tables.metadata,
                         mail_tables.metadata):
                meta.create_all(out)
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin(), destination.begin() as out:
                _copy_tables(conn, out)
    finally:
        destination.dispose()


def _copy_tables(source: sa.Connection, target: sa.Connection) -> dict[str, int]:
    """Insert every row of every store table of `source` into `target` (parents first); rows per table."""
    copied = {}
    for table in STORE_TABLES:
        batch = _BATCH.get(table.name, _DEFAULT_BATCH)
        result = source.execution_options(stream_results=True, yield_per=batch).execute(
            sa.select(table).order_by(*table.primary_key.columns) if table.primary_key.columns else sa.select(table))
        copied[table.name] = 0
        for part in result.mappings().partitions(batch):
            target.execute(table.insert(), [dict(row) for row in part])
            copied[table.name] += len(part)
    return copied


def _checked(path: Path) -> dict[str, int]:
    """The backup file's rows per table, once SQLite says the file is sound."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"La copie écrite est abîmée ({verdict}) : sauvegarde abandonnée.")
        counts = {table.name: conn.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0] for table in STORE_TABLES}
    conn.close()
    return counts


# --- restore ------------------------------------------------------------------------------------------------------


def backup_version(path: Path) -> int:
    """The schema version of a backup file, or BackupError in French if it is not one."""
    if not path.is_file():
        raise BackupError(f"Le fichier « {path} » n'existe pas.")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            version = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        conn.close()
    except sqlite3.DatabaseError:
        version = None
    if version is None:
        raise BackupError(f"« {path.name} » n'est pas une sauvegarde de la base des GPO "
                          "(attendu : un fichier écrit par « python -m store sauvegarde »).")
    return int(version)


def store_holds_data(conn: sa.Connection) -> bool:
    """Whether any table of the store holds a row (the schema versions aside)."""
    return any(conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None
               for table in STORE_TABLES if table is not tables.schema_version)


def restore(engine: sa.Engine, path: str | os.PathLike, *, replace: bool = False, by: str) -> Copied:
    """Replace the store's rows by the backup's (migrated to the current schema first), in one transaction.

    Refuses (BackupError) a file that is not a backup, a backup of a newer schema, and a store that holds data
    unless `replace`. The restore is journaled, by `by`, after the backup's own journal.
    """
    path = Path(path)
    version = backup_version(path)
    if version > SCHEMA_VERSION:
        raise BackupError(f"Cette sauvegarde vient d'une version plus récente de l'application (schéma n° {version}, "
                          f"celui-ci est au n° {SCHEMA_VERSION}) : mettez d'abord l'application à jour.")
    with tempfile.TemporaryDirectory(prefix="gpo-restauration-") as folder:
        copy = Path(folder) / "sauvegarde.sqlite"
        shutil.copyfile(path, copy)  # migrated here, never in place: the backup file stays as it was
        source = open_store(f"sqlite:///{copy}")
        try:
            with french_errors("Restauration impossible"), source.connect() as src, engine.begin() as conn:
                lock_imports(conn)  # no import, purge or other restore in between
                if store_holds_data(conn) and not replace:
                    raise BackupError("La base contient déjà des données (imports, comptes ou journal) : rien n'est "
                                      "restauré. Ajoutez --remplacer pour les remplacer par celles de la sauvegarde.")
                for table in reversed(STORE_TABLES):
                    conn.execute(table.delete())
                rows = _copy_tables(src, conn)
                _reset_sequences(conn)
                record(conn, by, "restore", f"Base restaurée depuis « {path.name} » : {rows['imports']} import(s), "
                       f"{rows['accounts']} compte(s), {rows['audit_log']} ligne(s) du journal"
                       + (" ; les données présentes ont été remplacées." if replace else "."))
        finally:
            source.dispose()
    return Copied(rows, path.stat().st_size)


def _reset_sequences(conn: sa.Connection) -> None:
    """PostgreSQL: each id sequence continues after the largest id restored (SQLite takes the largest + 1 itself)."""
    if conn.dialect.name != "postgresql":
        return
    for table in STORE_TABLES:
        column = table.autoincrement_column
        if column is None:
            continue
        conn.execute(sa.select(sa.func.setval(
            sa.func.pg_get_serial_sequence(table.name, column.name),
            sa.select(sa.func.coalesce(sa.func.max(column), 0) + 1).scalar_subquery(), False)))
