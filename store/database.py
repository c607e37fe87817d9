"""Open the store named by GPO_DATABASE_URL (default: SQLite under data/) and bring its schema up to date."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from store import account_tables, screen_token_tables, tables
from store.errors import StoreError, describe, french_errors

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "gpo.sqlite"


def database_url() -> str:
    return os.environ.get("GPO_DATABASE_URL") or f"sqlite:///{DEFAULT_PATH}"


def _create_v1(conn: sa.Connection) -> None:
    tables.metadata.create_all(conn, tables=[t for t in tables.metadata.sorted_tables if t.name != "schema_version"])


def _create_v2(conn: sa.Connection) -> None:
    """Accounts and the audit journal (their own MetaData: v1 never creates them)."""
    account_tables.metadata.create_all(conn)


def _create_v3(conn: sa.Connection) -> None:
    """The briefing screens' tokens (their own MetaData: v1 and v2 never create them)."""
    screen_token_tables.metadata.create_all(conn)


def add_missing_columns(conn: sa.Connection, table: sa.Table) -> list[str]:
    """Add to the store's `table` the declared columns it lacks; returns their names.

    For a column declared in `domain.tracker_schema` after a store was created: step 1 creates the row tables as
    declared *now*, so a new store already has the column (nothing to do) and an older one gets it here. Existing
    rows have no value for it: the column must be nullable.
    """
    present = {column["name"] for column in sa.inspect(conn).get_columns(table.name)}
    added = []
    for column in table.columns:
        if column.name in present:
            continue
        if not column.nullable:
            raise ValueError(f"{table.name}.{column.name}: a column added to existing rows must be nullable")
        preparer = conn.dialect.identifier_preparer
        conn.execute(sa.text(f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {preparer.format_column(column)} "
                             f"{column.type.compile(dialect=conn.dialect)}"))
        added.append(column.name)
    return added


def add_import_counters(conn: sa.Connection, names: tuple[str, ...]) -> list[str]:
    """Add to `imports` the row counters `names` it lacks (NOT NULL, 0 for the imports already there, which had no
    such sheet); returns those added."""
    present = {column["name"] for column in sa.inspect(conn).get_columns(tables.imports.name)}
    preparer = conn.dialect.identifier_preparer
    added = []
    for name in names:
        if name in present:
            continue
        column = tables.imports.c[name]
        conn.execute(sa.text(f"ALTER TABLE {preparer.format_table(tables.imports)} ADD COLUMN "
                             f"{preparer.format_column(column)} {column.type.compile(dialect=conn.dialect)} "
                             "DEFAULT 0 NOT NULL"))
        added.append(name)
    return added


def _create_v4(conn: sa.Connection) -> None:
    """The cycle and the partners (issues 13 and 14): the Diagnostic and Partenaires tables, the Problèmes columns
    Étape, Résultat and Chef de file, the imports' counters of the two new sheets. A store created at version 4 or
    later already has them all (step 1 creates the tables as declared): each part does nothing there."""
    tables.diagnostics.create(conn, checkfirst=True)
    tables.partners.create(conn, checkfirst=True)
    add_missing_columns(conn, tables.problems)
    add_import_counters(conn, tables.LATER_IMPORT_COUNTERS)


# (version, step). Append only: a deployed store replays the steps it has not seen.
# A column declared later: append `(n, lambda conn: add_missing_columns(conn, tables.<sheet>))`;
# a sheet declared later: append `(n, lambda conn: tables.<sheet>.create(conn, checkfirst=True))`.
MIGRATIONS = [(1, _create_v1), (2, _create_v2), (3, _create_v3), (4, _create_v4)]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def migrate(engine: sa.Engine, attempts: int = 5) -> int:
    """Apply the missing migration steps, each in its own transaction. Returns the version reached.

    Two processes starting on a new store race to create it: the loser's step
    fails on "already exists" or on the version's primary key, and it simply
    looks again at what the winner did.
    """
    for attempt in range(attempts):
        try:
            return _migrate_once(engine)
        except (sa.exc.OperationalError, sa.exc.IntegrityError, sa.exc.ProgrammingError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def _migrate_once(engine: sa.Engine) -> int:
    with engine.begin() as conn:
        tables.schema_version.create(conn, checkfirst=True)
        current = conn.execute(sa.select(sa.func.max(tables.schema_version.c.version))).scalar() or 0
    for version, step in MIGRATIONS:
        if version > current:
            with engine.begin() as conn:
                step(conn)
                conn.execute(tables.schema_version.insert().values(version=version, applied_at=dt.datetime.now()))
            current = version
    return current


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the importer
    cursor.execute("PRAGMA busy_timeout=30000")  # two animators importing at once wait, not fail
    cursor.close()


def _sqlite_read_only_pragmas(dbapi_connection, _record) -> None:
    """A read-only connection cannot set the journal mode (a WAL store stays WAL)."""
    dbapi_connection.execute("PRAGMA busy_timeout=30000")


def read_only_sqlite_url(path: Path) -> sa.URL:
    """A URL that reads a SQLite store this process may not write.

    In WAL mode even a reader needs the `-shm` file. When a writer has it open
    (the file exists), `mode=ro` reads through it; when no writer is there and
    the folder is not writable, the file cannot be created and the store is
    opened `immutable=1`: read as it stands, without locks or WAL.
    """
    query = {"mode": "ro", "uri": "true"}
    if not Path(f"{path}-shm").exists():
        query["immutable"] = "1"
    return sa.URL.create("sqlite", database="file:" + quote(str(path.resolve())), query=query)


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _engine(url: str) -> sa.Engine:
    parsed = sa.engine.make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:") and not parsed.query.get("uri"):
        path = Path(database)
        if path.exists() and not _writable(path):
            parsed = read_only_sqlite_url(path)
        elif not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed)
    if engine.dialect.name == "sqlite":
        read_only = parsed.query.get("mode") == "ro" or parsed.query.get("immutable") == "1"
        sa.event.listen(engine, "connect", _sqlite_read_only_pragmas if read_only else _sqlite_pragmas)
    return engine


def open_store(url: str | None = None) -> sa.Engine:
    """An engine on the store, schema migrated. A SQLite file's folder is created if needed.

    A SQLite store this process may not write (file or folder read-only) is
    opened read-only: reads work, writes fail. Any failure raises `StoreError`
    with a French sentence.
    """
    try:
        engine = _engine(url or database_url())
    except (sa.exc.SQLAlchemyError, OSError, ImportError) as exc:
        raise StoreError(f"Impossible d'ouvrir la base : {describe(exc)}.") from exc
    with french_errors("Impossible d'ouvrir la base"):
        migrate(engine)
    return engine
