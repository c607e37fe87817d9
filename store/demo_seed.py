"""Seed an empty store with the shipped sample trackers, marked as demonstration data."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from domain.reference import Reference
from loaders import load
from loaders.activity import latest_activity
from store import tables
from store.imports import ImportNotAllowed, Uploader, commit_import, plan_import

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
TRACKER_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".xls", ".csv"}
DEMO_UPLOADER = Uploader("Données de démonstration")


def store_is_empty(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(tables.imports)).scalar() == 0


@contextlib.contextmanager
def _seed_lock(engine: sa.Engine) -> Iterator[None]:
    """Held by one seeding server at a time, so that a server never goes on with a half-seeded store.

    PostgreSQL: a session advisory lock on its own connection. SQLite: an flock on a file beside the database (a
    BSD lock on another file: it never touches SQLite's own POSIX locks). An in-memory database has one process.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(hashtext('gpo_demo_seed'))"))
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(hashtext('gpo_demo_seed'))"))
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    try:
        lock = open(f"{database}.seed-lock", "a+b")  # noqa: SIM115 (closed below)
    except OSError:  # a read-only folder: nothing can be seeded there anyway
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def seed_demo(engine: sa.Engine, reference: Reference, sample_dir: Path = SAMPLE_DIR) -> int:
    """Import every sample tracker if the store is empty; returns how many imports were made.

    Several servers may start at once on one new store: one seeds it while the others wait for it to finish (they
    would otherwise show a half-seeded store), then find it full and import nothing.
    """
    with _seed_lock(engine):  # taken even when the store is not empty: it may be another server's half-seeded one
        if not store_is_empty(engine):
            return 0
        return _seed(engine, reference, sample_dir)


def _seed(engine: sa.Engine, reference: Reference, sample_dir: Path) -> int:
    paths = sorted(p for p in sample_dir.iterdir() if p.suffix.lower() in TRACKER_SUFFIXES)
    loaded = [(path, load(path, filename=path.name, reference=reference)) for path in paths]
    as_of = latest_activity([r for _, results in loaded for r in results])
    made = 0
    for path, _ in loaded:
        data = path.read_bytes()
        for result in load(data, filename=path.name, reference=reference, as_of=as_of):
            plan = plan_import(engine, result, data, DEMO_UPLOADER)
            if plan.status != "ready":
                continue
            try:
                commit_import(engine, plan, data, DEMO_UPLOADER, as_of=as_of, demo=True,
                              now=dt.datetime.combine(as_of, dt.time(8, 0)))
            except ImportNotAllowed:  # an import made meanwhile by another way in (the seed lock keeps out servers)
                continue
            made += 1
    return made
