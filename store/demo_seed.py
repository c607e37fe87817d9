"""Seed an empty store with the shipped sample trackers, marked as demonstration data."""

from __future__ import annotations

import datetime as dt
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


def seed_demo(engine: sa.Engine, reference: Reference, sample_dir: Path = SAMPLE_DIR) -> int:
    """Import every sample tracker if the store is empty; returns how many imports were made.

    Several servers may start at once on one new store (PostgreSQL): each sector's demo tracker is written once,
    by whichever commits first; the others find it there and skip it.
    """
    if not store_is_empty(engine):
        return 0
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
            except ImportNotAllowed:  # another server starting on the same empty store seeded this sector meanwhile
                continue
            made += 1
    return made
