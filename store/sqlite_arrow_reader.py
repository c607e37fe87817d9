"""A separate process that reads a SQLite store with ADBC's driver and writes each result as an Arrow IPC file.

    python store/sqlite_arrow_reader.py URI FOLDER < {"meetings": "SELECT …", …}

Run by `store.columnar` for large reads only, never imported by the app: ADBC's
driver bundles its own copy of SQLite, and two copies of SQLite in one process
break SQLite's locking (closing either one's descriptor of the file drops the
other's POSIX locks, and a writer elsewhere may then delete the WAL under the
app's open connections). In a process of its own, its locks are its own.

Reads every statement in one read transaction (one snapshot), the whole result
as one batch (the driver infers a column's type from its first batch), writes
FOLDER/<key>.arrow and exits 0; on a database error, prints it on stderr and
exits 3. Imports only pyarrow and the ADBC driver (no project code).
"""

from __future__ import annotations

import json
import sys

ONE_BATCH = str(2**30)  # rows per batch: the whole result, so types are inferred from all rows


def main() -> int:
    uri, folder = sys.argv[1], sys.argv[2]
    statements = json.loads(sys.stdin.read())
    import adbc_driver_manager
    import adbc_driver_sqlite.dbapi as adbc_sqlite
    import pyarrow as pa

    try:
        with adbc_sqlite.connect(uri) as conn, conn.cursor() as cursor:
            for key, sql in statements.items():  # one transaction (autocommit off): one snapshot for the sheets
                cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": ONE_BATCH})
                cursor.execute(sql)
                table = cursor.fetch_arrow_table()
                with pa.OSFile(f"{folder}/{key}.arrow", "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                    writer.write_table(table)
            conn.rollback()
    except adbc_driver_manager.Error as exc:
        print(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
