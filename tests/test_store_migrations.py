"""Schema migrations run the same way on SQLite and PostgreSQL: several servers starting at once on a new store.

(An older store migrated to the current schema on both engines: `tests/test_accounts.py`, v1 → v3 and v2 → v3.)
"""

import threading

import sqlalchemy as sa

from store import database, tables
from store.database import SCHEMA_VERSION, open_store


def test_four_servers_starting_at_once_on_a_new_store_migrate_it_once(new_store_url):
    url = new_store_url(migrated=False)
    start = threading.Barrier(4)
    outcomes = [None] * 4

    def server(n):
        start.wait()
        try:
            engine = open_store(url)
            outcomes[n] = "ok"
            engine.dispose()
        except Exception as exc:  # noqa: BLE001 (the assertion below shows it)
            outcomes[n] = repr(exc)

    threads = [threading.Thread(target=server, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert outcomes == ["ok"] * 4
    engine = open_store(url)
    with engine.connect() as conn:
        versions = conn.execute(sa.select(tables.schema_version.c.version)).scalars().all()
    assert sorted(versions) == [version for version, _ in database.MIGRATIONS] and versions[-1] == SCHEMA_VERSION
    engine.dispose()
