"""Read the current imports' rows straight into columns: Arrow from the database, then pandas with the frames' dtypes.

`current_columns(engine, sector_ids, columns, at)` gives what
`store.queries.current_frames` gives (same rows, order, columns and dtypes),
but only for the sheets, sectors and columns asked, and without a dict or a
Row object per row: PostgreSQL is read by its ADBC driver
(`adbc-driver-postgresql`, which bundles libpq and never downloads anything),
each column straight into Arrow; SQLite by the process's own sqlite3, whose
rows are turned into Arrow columns at once (never a second SQLite library in
the process: see `_read_sqlite`).

The SQL is built by SQLAlchemy Core for the engine's dialect, with the sector
ids and the date written as literals by the dialect's own quoting, and the
current imports chosen inside the same statement (one snapshot).

SQLite returns values, not declared types: Date columns come as text, Boolean as
integers; every column is cast to the type the frame wants, whatever the
driver gave. Another dialect is read through the SQLAlchemy connection, column
by column.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import quote, unquote
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa

from store import tables
from store.errors import StoreError, describe
from store.frames import from_records
from domain.tracker_schema import SHEET_ORDER as SHEETS

ORDER = ("sector_id", "source_file", "source_row")  # the order of `current_frames`
IN_PROCESS_ROWS = 50_000  # SQLite reads up to this many rows in this process; larger ones in a reader process
READER_TIMEOUT_S = 600  # a million rows take 5 to 35 s; a reader still running after this is stopped


@cache
def frame_dtypes(key: str) -> dict[str, object]:
    """Columns and dtypes of the store's frame of `key` (`current_frames`' own, read from its empty frame)."""
    return from_records([], key).dtypes.to_dict()


def current_columns(engine: sa.Engine, sector_ids: Sequence[str] | None = None,
                    columns: Mapping[str, Sequence[str]] | None = None,
                    at: dt.datetime | None = None) -> dict[str, pd.DataFrame]:
    """Rows of the sectors' current imports (or as they stood at `at`), per sheet, with the store frames' dtypes.

    `columns` maps a sheet (meetings, problems, actions) to the columns wanted, in
    that order; only the sheets it names are read. None: every sheet, every column.
    """
    wanted = {key: list(frame_dtypes(key)) for key in SHEETS} if columns is None else \
        {key: list(names) for key, names in columns.items()}
    for key, names in wanted.items():
        unknown = set(names) - set(frame_dtypes(key)) if key in SHEETS else {key}
        if unknown:
            raise ValueError(f"unknown sheet or columns for {key}: {sorted(unknown)}")
    try:
        read = _reader(engine, list(wanted), sector_ids, at)
        arrow = read(engine, {key: _statement(key, names, sector_ids, at) for key, names in wanted.items()})
    except StoreError:
        raise
    except Exception as exc:  # ADBC and SQLAlchemy errors alike: said in French, the driver error kept as cause
        if not _is_database_error(exc):
            raise
        raise StoreError(f"Lecture de la base impossible : {describe(exc)}.") from exc
    return {key: _frame(key, arrow[key], wanted[key]) for key in wanted}


def _statement(key: str, names: list[str], sector_ids: Sequence[str] | None, at: dt.datetime | None) -> sa.Select:
    """The rows' columns (the ordering columns too), of the sectors' current imports, in `current_frames`' order."""
    imp = tables.imports.c
    current = sa.select(sa.func.max(imp.import_id)).group_by(imp.sector_id)
    if sector_ids is not None:
        current = current.where(imp.sector_id.in_(list(sector_ids)))
    if at is not None:
        current = current.where(imp.imported_at <= at)
    table = tables.ROW_TABLES[key]
    selected = [*names, *(name for name in ORDER if name not in names)]
    return (sa.select(*(table.c[name] for name in selected)).where(table.c.import_id.in_(current.scalar_subquery()))
            .order_by(*(table.c[name] for name in ORDER)))


def _sql(engine: sa.Engine, statement: sa.Select) -> str:
    """The statement as text for this dialect, values written as literals with the dialect's quoting."""
    return str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def _is_database_error(exc: Exception) -> bool:
    if isinstance(exc, (sa.exc.SQLAlchemyError, sqlite3.Error)):
        return True
    try:
        import adbc_driver_manager
    except ImportError:
        return False
    return isinstance(exc, adbc_driver_manager.Error)


# --- readers: each gives {sheet: pyarrow.Table} -------------------------------------------------------------------


def _reader(engine: sa.Engine, keys: list[str], sector_ids: Sequence[str] | None, at: dt.datetime | None):
    if engine.dialect.name == "sqlite":
        path = _sqlite_file(engine.url)
        if path is not None and not path.exists():  # SQLite would create it; this reader only reads
            raise StoreError(f"Lecture de la base impossible : le fichier {path.name} n'existe pas.")
        if path is not None and _current_rows(engine, keys, sector_ids, at) > IN_PROCESS_ROWS:
            return _read_sqlite_apart
        return _read_sqlite
    if engine.dialect.name == "postgresql":
        try:
            import adbc_driver_postgresql.dbapi  # noqa: F401
            return _read_postgresql
        except ImportError:
            return _read_sqlalchemy
    return _read_sqlalchemy


def _read_sqlite(engine: sa.Engine, statements: dict[str, sa.Select]) -> dict[str, pa.Table]:
    """SQLite through the engine's own DB-API connection (Python's sqlite3), each column turned into Arrow at once,
    sorted by Arrow rather than by SQLite (twice as fast on a million rows).

    Never a second copy of SQLite in the process (ADBC's driver bundles one): SQLite's locks are POSIX locks, and
    another library closing its descriptor of the file would drop this process's locks, letting a writer in another
    process delete the WAL under the app's open connections (tests/test_columnar_store.py shows it).

    The same order as `current_frames`: the ordering columns use SQLite's BINARY
    collation (bytes compared, shorter first), which is how Arrow compares UTF-8
    strings, and they hold no NULL.
    """
    out = {}
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if not raw.in_transaction:
            cursor.execute("BEGIN")  # one read transaction: one snapshot for the sheets
        try:
            for key, statement in statements.items():
                cursor.execute(_sql(engine, statement.order_by(None)))
                names = [d[0] for d in cursor.description]
                rows = cursor.fetchall()
                columns = list(zip(*rows)) if rows else [() for _ in names]
                table = pa.table({name: pa.array(values, type=_sqlite_type(values)) for name, values in zip(names, columns)})
                out[key] = table.sort_by([(name, "ascending") for name in ORDER])
        finally:
            raw.rollback()
            cursor.close()
    finally:
        raw.close()  # back to the pool
    return out


def _current_rows(engine: sa.Engine, keys: list[str], sector_ids: Sequence[str] | None, at: dt.datetime | None) -> int:
    """How many rows the read will bring: the current imports' own counts of accepted rows (one small query)."""
    imp = tables.imports.c
    current = sa.select(sa.func.max(imp.import_id)).group_by(imp.sector_id)
    if sector_ids is not None:
        current = current.where(imp.sector_id.in_(list(sector_ids)))
    if at is not None:
        current = current.where(imp.imported_at <= at)
    counts = [imp[f"{key}_accepted"] for key in keys if f"{key}_accepted" in imp]
    if not counts:
        return 0
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.sum(sum(counts[1:], counts[0])))
                             .where(imp.import_id.in_(current.scalar_subquery()))).scalar()
    return int(total or 0)


def _read_sqlite_apart(engine: sa.Engine, statements: dict[str, sa.Select]) -> dict[str, pa.Table]:
    """A large read: ADBC's SQLite driver in a process of its own (`store/sqlite_arrow_reader.py`), each sheet
    handed back as an Arrow IPC file, then sorted here as `_read_sqlite` sorts. Three to four times faster than
    sqlite3 on a million rows, and its temporary Python rows never weigh on the server. A missing driver: read here.
    """
    if importlib.util.find_spec("adbc_driver_sqlite") is None:
        return _read_sqlite(engine, statements)
    path = _sqlite_file(engine.url)
    query = "mode=ro" + ("&immutable=1" if engine.url.query.get("immutable") == "1" else "")
    uri = f"file:{quote(os.path.abspath(path))}?{query}"
    sql = {key: _sql(engine, statement.order_by(None)) for key, statement in statements.items()}
    with tempfile.TemporaryDirectory(prefix="gpo-lecture-") as folder:
        try:
            done = subprocess.run([sys.executable, "-I", str(Path(__file__).with_name("sqlite_arrow_reader.py")), uri,
                                   folder], input=json.dumps(sql), capture_output=True, text=True,
                                  timeout=READER_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:  # a stuck reader costs this read, never the page for good
            raise StoreError(f"Lecture de la base impossible : pas de réponse en {READER_TIMEOUT_S // 60} minutes.") from exc
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or [f"code de sortie {done.returncode}"])[-1]
            raise StoreError(f"Lecture de la base impossible : {reason}.")
        out = {}
        for key in statements:
            with pa.OSFile(f"{folder}/{key}.arrow") as source:
                out[key] = pa.ipc.open_file(source).read_all().sort_by([(name, "ascending") for name in ORDER])
    return out


def _sqlite_file(url: sa.URL) -> Path | None:
    """The SQLite store's file, None for a database in memory."""
    database = url.database or ""
    if database in ("", ":memory:") or "mode=memory" in database:
        return None
    if url.query.get("uri"):
        database = unquote(database.removeprefix("file:").split("?", 1)[0])
    return Path(database)


def _sqlite_type(values: Sequence) -> pa.DataType | None:
    """A column with no value at all is typed null (cast later to what the frame wants); otherwise Arrow infers."""
    return pa.null() if all(v is None for v in values) else None


def _postgresql_uri(engine: sa.Engine) -> str:
    """The engine's URL for libpq, with the server psycopg reaches when the URL names no host.

    `postgresql+psycopg:///gpo` (Debian's local socket, peer authentication) means the default socket folder of the
    libpq that reads it: `/var/run/postgresql` for psycopg's, `/tmp` for the one ADBC bundles. Asking psycopg where
    it connected gives ADBC the same server.
    """
    url = engine.url.set(drivername="postgresql")
    if not url.host and "host" not in url.query:
        with engine.connect() as conn:
            info = conn.connection.dbapi_connection.info
            url = url.update_query_dict({"host": info.host, "port": str(info.port)})
    return url.render_as_string(hide_password=False)


def _read_postgresql(engine: sa.Engine, statements: dict[str, sa.Select]) -> dict[str, pa.Table]:
    """ADBC PostgreSQL, sorted by the server (its collation decides the order of `current_frames` too)."""
    import adbc_driver_postgresql.dbapi as adbc_postgresql

    out = {}
    with adbc_postgresql.connect(_postgresql_uri(engine)) as conn, conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")  # one snapshot for the sheets
        for key, statement in statements.items():
            cursor.execute(_sql(engine, statement))
            out[key] = cursor.fetch_arrow_table()
        conn.rollback()
    return out


def _read_sqlalchemy(engine: sa.Engine, statements: dict[str, sa.Select]) -> dict[str, pa.Table]:
    """Any other store: the rows through SQLAlchemy, turned into columns (Arrow types them: date, bool, int, text)."""
    out = {}
    with engine.connect() as conn:
        for key, statement in statements.items():
            result = conn.execute(statement)
            names = list(result.keys())
            rows = result.all()
            columns = list(zip(*rows)) if rows else [() for _ in names]
            out[key] = pa.table({name: pa.array(values) for name, values in zip(names, columns)})
    return out


# --- Arrow to the frames' dtypes ----------------------------------------------------------------------------------


def _frame(key: str, table: pa.Table, names: list[str]) -> pd.DataFrame:
    dtypes = frame_dtypes(key)
    return pd.DataFrame({name: _column(table.column(name), dtypes[name]) for name in names}, columns=names)


def _column(column: pa.ChunkedArray, dtype) -> object:
    """One Arrow column as the pandas array of `dtype`, whatever type the driver gave it."""
    if isinstance(dtype, pd.BooleanDtype):
        return dtype.__from_arrow__(_cast(column, pa.bool_()))
    if isinstance(dtype, pd.Int64Dtype):
        return dtype.__from_arrow__(_cast(column, pa.int64()))
    if isinstance(dtype, pd.StringDtype):
        return dtype.__from_arrow__(_cast(column, pa.large_string()))
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        unit = np.datetime_data(dtype)[0]
        days = _cast(column, pa.date32())  # SQLite: 'YYYY-MM-DD' text; PostgreSQL: date
        return _cast(days, pa.timestamp(unit)).to_numpy()
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf":
        values = _cast(column, pa.from_numpy_dtype(dtype))
        if values.null_count:
            raise ValueError(f"missing values in a column of dtype {dtype}")
        return values.to_numpy()
    raise TypeError(f"no Arrow conversion for dtype {dtype}")


def _cast(column: pa.ChunkedArray, target: pa.DataType) -> pa.ChunkedArray:
    if column.type == target:
        return column
    if column.null_count == len(column):  # the driver could not see a type: no value at all
        return pa.chunked_array([pa.nulls(len(column), type=target)], type=target)
    return column.cast(target)  # text to date is strict: anything but 'YYYY-MM-DD' fails
