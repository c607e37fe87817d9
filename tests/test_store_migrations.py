"""Several servers starting at once on a new store, on SQLite and PostgreSQL: the schema migrated once, the demo data
seeded once.

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


def test_two_servers_seeding_one_new_store_write_each_demo_tracker_once(store_url, tmp_path):
    """Two servers started at once on a new store both find it empty: each demo tracker is written once (before, the
    second commit of a sector raised « Le secteur a reçu un autre import entre-temps » on the page), and neither goes
    on before the store is fully seeded (before, the second one showed a half-seeded store: 9 open problems instead
    of 89 on one of two PostgreSQL servers in CI)."""
    import shutil

    from domain.reference import default_reference
    from store.demo_seed import SAMPLE_DIR, seed_demo
    from store.queries import import_history

    samples = tmp_path / "demo"
    samples.mkdir()
    for name in ("suivi_gpo_forbach.xlsx", "suivi_gpo_stiring.xlsx", "suivi_gpo_marly.xlsx"):
        shutil.copy(SAMPLE_DIR / name, samples / name)
    reference = default_reference()
    engines = [open_store(store_url) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes = [None, None]
    seen_after = [None, None]

    def server(n):
        start.wait()
        try:
            outcomes[n] = seed_demo(engines[n], reference, samples)
            seen_after[n] = sorted(import_history(engines[n])["sector_id"])  # what this server's page would show
        except Exception as exc:  # noqa: BLE001 (the assertion below shows it)
            outcomes[n] = repr(exc)

    threads = [threading.Thread(target=server, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert all(isinstance(made, int) for made in outcomes), outcomes
    history = import_history(engines[0])
    assert sorted(history["sector_id"]) == ["forbach", "marly", "stiring"] and history["demo"].all()
    assert sum(outcomes) == 3  # each sector by one of them
    assert seen_after == [["forbach", "marly", "stiring"]] * 2  # neither went on with a half-seeded store
    for engine in engines:
        engine.dispose()


def test_a_server_starting_while_another_seeds_waits_for_the_whole_demo(store_url):
    """The second server comes up once the first has committed some sectors: it must not go on with that
    half-seeded store (its pages would show 9 open problems instead of 89 until the next click)."""
    import time

    from domain.reference import default_reference
    from store.demo_seed import seed_demo
    from store.queries import import_history

    reference = default_reference()
    first, second = open_store(store_url), open_store(store_url)
    seeding = threading.Thread(target=seed_demo, args=(first, reference))
    seeding.start()
    deadline = time.monotonic() + 300
    while import_history(second).empty:  # wait for the first sector the first server commits
        assert seeding.is_alive() and time.monotonic() < deadline
        time.sleep(0.01)  # polling the store for the first commit
    assert seed_demo(second, reference) == 0
    assert len(import_history(second)) == 17  # the whole demo, not the part committed when it started
    seeding.join(300)
    first.dispose()
    second.dispose()
