"""The columnar store read gives exactly `current_frames`' frames (rows, order, values, dtypes), on real stores.

Stores: the demo store (the 17 sample trackers through the import path), a
generated département written as imports write rows (older imports included,
which must not be read) in SQLite and in PostgreSQL (the session's throwaway
cluster, tests/conftest.py), SQLite in memory, a store opened read-only.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import postgres_cluster
from conftest import STORE_ENGINES
from generated_department import OUTSIDER, department
from generated_store import store_department
from store import tables
from store.columnar import _read_postgresql, _read_sqlite, _read_sqlite_apart, _reader, current_columns
from store.database import open_store, read_only_sqlite_url
from store.errors import StoreError
from store.queries import current_frames

ENGINE_COLUMNS = {  # what the indicator engine reads
    "meetings": ["sector_id", "meeting_date", "kind", "status", "mayor_present", "municipal_police_present",
                 "national_police_present"],
    "problems": ["sector_id", "reported_on", "status", "due_on", "resolved_on"],
    "actions": ["sector_id", "status", "due_on"],
}
ODD_COLUMNS = {"meetings": ["attendees", "notes", "source_row", "meeting_date"], "problems": ["resolved_on", "problem_id"]}


def assert_same(read: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame], columns=None) -> None:
    assert set(read) == set(columns or expected)
    for key, frame in read.items():
        wanted = expected[key] if columns is None else expected[key][columns[key]]
        pd.testing.assert_frame_equal(frame, wanted, check_exact=True)
        assert frame.dtypes.to_dict() == wanted.dtypes.to_dict()


def test_demo_store_every_sheet_column_and_sector(demo_store, sqlite_reader):
    engine = open_store(demo_store)
    chosen = _reader(engine, ["meetings", "problems", "actions"], None, None)
    assert chosen is (_read_sqlite if sqlite_reader == "dans le processus" else _read_sqlite_apart)
    expected = current_frames(engine)
    read = current_columns(engine)
    assert_same(read, expected)
    assert len(read["meetings"]) == 330 and read["meetings"]["mayor_present"].isna().any()


@pytest.mark.parametrize("columns", [ENGINE_COLUMNS, ODD_COLUMNS])
def test_demo_store_some_sectors_and_columns(demo_store, columns, sqlite_reader):
    engine = open_store(demo_store)
    sectors = ["marly", "forbach", "secteur-inconnu"]
    assert_same(current_columns(engine, sectors, columns), current_frames(engine, sectors), columns)
    every = current_columns(engine, sectors)
    for key in ("problems", "diagnostics", "partners"):  # the cycle's sheets are scoped like the others
        assert set(every[key]["sector_id"]) == {"marly", "forbach"}, key


@pytest.fixture(params=["dans le processus", "processus de lecture"])
def sqlite_reader(request, monkeypatch):
    """A SQLite test twice: a read in the app's process (sqlite3), and a large read's own process (ADBC)."""
    import store.columnar

    if request.param == "processus de lecture":
        monkeypatch.setattr(store.columnar, "IN_PROCESS_ROWS", -1)
    return request.param


@pytest.fixture(scope="module")
def generated_by_engine(tmp_path_factory, request):
    """`generated_by_engine(name)`: the generated store of that engine (url, département, current ids), made once."""
    made = {}

    def generated(name: str):
        if name not in made:
            if name == "sqlite":
                url = f"sqlite:///{tmp_path_factory.mktemp('generated') / 'gpo.sqlite'}"
            else:
                url = request.getfixturevalue("postgres_server").new_database("gpo_template")
            made[name] = (url, *_generate(url))
        return made[name]

    yield generated
    for name, (url, *_) in made.items():
        if name == "postgresql":
            request.getfixturevalue("postgres_server").drop_database(url)


def _generate(url: str):
    engine = open_store(url)
    dept = department(60, seed=7)
    current = store_department(engine, dept)
    with engine.begin() as conn:  # a sector id with a quote: written as a literal by the dialect's quoting
        conn.execute(tables.imports.insert().values(
            sector_id="l'hôpital", file_name="x.xlsx", sha256="0" * 64, imported_by="Test",
            imported_at=dt.datetime(2026, 11, 2), as_of=dt.date(2026, 11, 2), meetings_read=1, meetings_accepted=1,
            problems_read=0, problems_accepted=0, actions_read=0, actions_accepted=0, errors=0, warnings=0, demo=False))
        import_id = conn.execute(sa.select(sa.func.max(tables.imports.c.import_id))).scalar()
        conn.execute(tables.meetings.insert().values(import_id=import_id, sector_id="l'hôpital", meeting_date=dt.date(2026, 2, 28),
                                                     kind="ordinary", status="held", source_file="x.xlsx", source_row=2))
    engine.dispose()
    return dept, current


@pytest.fixture(params=[*STORE_ENGINES, "sqlite-processus"])
def generated_store(request, generated_by_engine, monkeypatch):
    """The generated store on SQLite (read in the process, and by the large reads' own process) and on PostgreSQL:
    (url, département, current ids)."""
    import store.columnar

    if request.param == "sqlite-processus":
        monkeypatch.setattr(store.columnar, "IN_PROCESS_ROWS", -1)
        return generated_by_engine("sqlite")
    return generated_by_engine(request.param)


@pytest.fixture
def generated_sqlite(generated_by_engine):
    """The generated SQLite store: (path, département, current ids)."""
    url, dept, current = generated_by_engine("sqlite")
    return Path(sa.engine.make_url(url).database), dept, current


def test_generated_store_equals_current_frames_and_skips_older_imports(generated_store):
    url, dept, current = generated_store
    engine = open_store(url)
    import store.columnar

    sqlite = _read_sqlite_apart if store.columnar.IN_PROCESS_ROWS < 0 else _read_sqlite
    assert _reader(engine, ["meetings"], None, None) is {"sqlite": sqlite, "postgresql": _read_postgresql}[engine.dialect.name]
    read = current_columns(engine)
    assert_same(read, current_frames(engine))
    # every row of the generated frames, once; the older imports' rows (2020-01-01, ancien.xlsx) never
    for key, frame in dept.frames.items():
        assert len(read[key]) == len(frame) + (key == "meetings")
    assert not (read["meetings"]["source_file"] == "ancien.xlsx").any()


def test_generated_store_a_quote_in_a_sector_id_an_outsider_and_a_past_moment(generated_store):
    url, dept, _ = generated_store
    engine = open_store(url)
    sectors = ["l'hôpital", OUTSIDER, dept.sector_ids[0], dept.sector_ids[7]]
    assert_same(current_columns(engine, sectors), current_frames(engine, sectors))
    assert current_columns(engine, ["l'hôpital"], {"meetings": ["sector_id"]})["meetings"]["sector_id"].tolist() == ["l'hôpital"]
    # between the older and the current imports of sectors 0, 7, 14…: the older rows are the current ones then
    before = dt.datetime(2026, 10, 15)
    read = current_columns(engine, at=before)
    assert_same(read, current_frames(engine, at=before))
    assert set(read["meetings"]["source_file"]) == {"ancien.xlsx"}
    assert_same(current_columns(engine, at=dt.datetime(2000, 1, 1)), current_frames(engine, at=dt.datetime(2000, 1, 1)))
    nothing = current_columns(engine, [])  # a user who may read no sector
    assert_same(nothing, current_frames(engine, []))
    assert all(frame.empty for frame in nothing.values())


def test_a_store_opened_read_only_and_a_store_in_memory(generated_sqlite, sqlite_reader):
    path, _, _ = generated_sqlite
    read_only = sa.create_engine(read_only_sqlite_url(path))
    assert_same(current_columns(read_only, columns=ENGINE_COLUMNS), current_frames(read_only), ENGINE_COLUMNS)
    memory = open_store("sqlite://")
    store_department(memory, department(8, seed=2))
    assert_same(current_columns(memory), current_frames(memory))


def test_unknown_columns_and_a_file_that_is_not_a_store(tmp_path, generated_sqlite, sqlite_reader):
    engine = open_store(f"sqlite:///{generated_sqlite[0]}")
    with pytest.raises(ValueError):
        current_columns(engine, columns={"meetings": ["meeting_date", "nope"]})
    with pytest.raises(ValueError):
        current_columns(engine, columns={"reunions": ["meeting_date"]})
    garbage = tmp_path / "pas_une_base.sqlite"
    garbage.write_bytes(b"ceci n'est pas une base SQLite" * 200)
    with pytest.raises(StoreError, match="abîmé ou n'est pas une base SQLite"):
        current_columns(sa.create_engine(f"sqlite:///{garbage}"))
    missing = tmp_path / "absente.sqlite"
    with pytest.raises(StoreError, match="n'existe pas"):
        current_columns(sa.create_engine(f"sqlite:///{missing}"))
    assert not missing.exists()  # reading never creates a store


DEBIAN_SOCKETS = "/var/run/postgresql"


@pytest.mark.postgresql
@pytest.mark.skipif(postgres_cluster.available() is not None or os.geteuid() != 0 or not os.path.isdir(DEBIAN_SOCKETS),
                    reason="needs root, Debian's postgresql package and its socket folder")
def test_a_postgresql_url_without_host_reads_the_server_psycopg_reaches():
    """`postgresql+psycopg:///gpo` is Debian's local socket (peer authentication): psycopg's libpq looks in
    /var/run/postgresql, the libpq bundled with the ADBC driver in /tmp. The columnar read must reach the same server
    as the store (a cluster run by Debian's `postgres` user, its socket in Debian's folder, on a free port)."""
    with postgres_cluster.ThrowawayPostgres(run_as="postgres", socket_dirs=(DEBIAN_SOCKETS,)) as cluster:
        url = f"postgresql+psycopg://postgres@/postgres?port={cluster.port}"  # no host: the default socket folder
        engine = open_store(url)
        store_department(engine, department(4, seed=3))
        assert_same(current_columns(engine), current_frames(engine))
        engine.dispose()


_OTHER_PROCESS_WRITES = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("UPDATE imports SET imported_by = 'autre processus' WHERE import_id = (SELECT min(import_id) FROM imports)")
conn.commit()
conn.close()  # SQLite checkpoints and deletes the WAL when it believes it holds the file's last connection
"""


def test_a_columnar_read_leaves_the_process_seeing_what_other_processes_write(demo_store, sqlite_reader):
    """The app reads the store in columns while an import (`python -m loaders import`, another server) writes it.

    SQLite's locks are POSIX locks, which a process loses on a file when ANY of its descriptors of that file is
    closed: a second copy of SQLite in the process (a driver that bundles its own, as ADBC's SQLite driver does)
    closing its descriptor drops the locks of the app's open connections. A writer in another process, believing
    itself alone, then checkpoints and deletes the WAL under them (SQLite's « How to corrupt » §2.2.1): the server
    went on showing a disabled account's kiosk. Reading through the process's one SQLite keeps every lock."""
    import subprocess
    import sys
    from pathlib import Path

    engine = open_store(demo_store)
    path = Path(engine.url.database)
    with engine.connect() as conn:  # the app's pooled connection stays open, as a server's does
        conn.execute(sa.select(1))
    current_columns(engine, columns={"meetings": ["sector_id"]})
    subprocess.run([sys.executable, "-c", _OTHER_PROCESS_WRITES, str(path)], check=True)
    assert Path(f"{path}-wal").exists(), "le WAL a été supprimé alors que ce processus avait la base ouverte"
    with engine.connect() as conn:
        seen = conn.execute(sa.select(tables.imports.c.imported_by).order_by(tables.imports.c.import_id)).scalars().first()
    assert seen == "autre processus"
    engine.dispose()
