"""Read the current imports' rows straight into columns: Arrow from the database, then pandas with the frames' dtypes.

`current_columns(engine, sector_ids, columns, at)` gives what
`store.queries.current_frames` gives (same rows, order, columns and dtypes),
but only for the sheets, sectors and columns asked, and without building one
Python object per row: SQLite and PostgreSQL are read by their ADBC drivers
(`adbc-driver-sqlite`, `adbc-driver-postgresql`, which bundle their native
libraries and never download anything), each column straight into Arrow.

The SQL is built by SQLAlchemy Core for the engine's dialect, with the sector
ids and the date written as literals by the dialect's own quoting, and the
current imports chosen inside the same statement (one snapshot).

SQLite returns values, not declared types: Date columns come as text, Boolean as
integers, and the ADBC SQLite driver infers each column's type from its first
batch of rows (a column empty in that batch would be typed integer, and a later
text would fail). The whole result is therefore read as one batch and every
column is cast to the type the frame wants, whatever the driver chose. A store
the drivers cannot reach this way (SQLite in memory, another dialect) is read
through the SQLAlchemy connection, column by column.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa

from store import tables
from store.errors import StoreError, describe
from store.frames import from_records
from domain.tracker_schema import SHEET_ORDER as SHEETS

ONE_BATCH = str(2**30)  # rows per batch for the ADBC SQLite driver: the whole result, so types are inferred from all rows
ORDER = ("sector_id", "source_file", "source_row")  # the order of `current_frames`


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
    read = _reader(engine)
    try:
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
    if isinstance(exc, sa.exc.SQLAlchemyError):
        return True
    try:
        import adbc_driver_manager
    except ImportError:
        return False
    return isinstance(exc, adbc_driver_manager.Error)


# --- readers: each gives {sheet: pyarrow.Table} -------------------------------------------------------------------


def _reader(engine: sa.Engine):
    url = engine.url
    if engine.dialect.name == "sqlite" and _sqlite_file(url) is not None:
        try:
            import adbc_driver_sqlite.dbapi  # noqa: F401
            return _read_sqlite
        except ImportError:
            return _read_sqlalchemy
    if engine.dialect.name == "postgresql":
        try:
            import adbc_driver_postgresql.dbapi  # noqa: F401
            return _read_postgresql
        except ImportError:
            return _read_sqlalchemy
    return _read_sqlalchemy


def _sqlite_file(url: sa.URL) -> Path | None:
    """The SQLite store's file, None for a database in memory."""
    database = url.database or ""
    if database in ("", ":memory:") or "mode=memory" in database:
        return None
    if url.query.get("uri"):
        database = unquote(database.removeprefix("file:").split("?", 1)[0])
    return Path(database)


def _sqlite_uri(url: sa.URL) -> str:
    """A read-only SQLite URI for ADBC, keeping the engine's `immutable=1` (a store it may not write)."""
    path = _sqlite_file(url)
    if not path.exists():  # SQLite would create it; this reader only reads
        raise StoreError(f"Lecture de la base impossible : le fichier {path.name} n'existe pas.")
    query = "mode=ro" + ("&immutable=1" if url.query.get("immutable") == "1" else "")
    return f"file:{quote(os.path.abspath(path))}?{query}"


def _read_sqlite(engine: sa.Engine, statements: dict[str, sa.Select]) -> dict[str, pa.Table]:
    """ADBC SQLite, sorted by Arrow rather than by SQLite (twice as fast on a million rows).

    The same order: the ordering columns use SQLite's BINARY collation (bytes
    compared, shorter first), which is how Arrow compares UTF-8 strings, and
    they hold no NULL.
    """
    import adbc_driver_sqlite.dbapi as adbc_sqlite

    out = {}
    with adbc_sqlite.connect(_sqlite_uri(engine.url)) as conn, conn.cursor() as cursor:
        for key, statement in statements.items():  # one transaction (autocommit off): one snapshot for the sheets
            cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": ONE_BATCH})
            cursor.execute(_sql(engine, statement.order_by(None)))
            out[key] = cursor.fetch_arrow_table().sort_by([(name, "ascending") for name in ORDER])
        conn.rollback()
    return out


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
