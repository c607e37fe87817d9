"""Database failures: a read-only store still serves reads; every failure is one French line, never a trace or row data.

The read-only store is made the way it happens on a server: the folder and the
file lose their write permission. Tests run as root here, and root writes
through permissions, so the commands are then run as `nobody` (setpriv) keeping
only CAP_DAC_READ_SEARCH: that user reads everything (the interpreter under
/root, the store) and writes only where permissions allow.
"""

import datetime as dt
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import AS_OF
from loaders import load
from store import account_tables, tables
from store.accounts import create_account
from store.database import open_store
from store.errors import StoreError
from store.imports import Uploader, commit_import, plan_import

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
PASSWORD = "Mirabelle-de-Metz-2026"
READER = (["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=+dac_read_search",
           "--ambient-caps=+dac_read_search"] if os.geteuid() == 0 else [])


def _plan(engine, name, sector=None):
    data = (SAMPLES / name).read_bytes()
    result = load(data, filename=name, sector=sector, as_of=AS_OF)[0]
    return plan_import(engine, result, data, Uploader("Cne Meyer")), data


def _counts(engine):
    with engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                for t in (tables.imports, tables.raw_files, tables.problems, account_tables.accounts)}


def _counts_at(path: Path):
    engine = open_store(f"sqlite:///{path}")
    try:
        return _counts(engine)
    finally:
        engine.dispose()  # the last connection closed: SQLite removes -wal and -shm


@pytest.fixture
def filled_store():
    """A store with Forbach's tracker and one account, closed (no -wal, no -shm left).

    It lives in a folder of its own under /tmp that every user may cross, not under pytest's private folder:
    SQLite looks for the -wal file with access(2), which ignores the capability the reader is given.
    """
    folder = Path(tempfile.mkdtemp(prefix="gpo-lecture-seule-"))
    folder.chmod(0o755)
    engine = open_store(f"sqlite:///{folder / 'gpo.sqlite'}")
    plan, data = _plan(engine, "suivi_gpo_forbach.xlsx")
    commit_import(engine, plan, data, Uploader("Cne Meyer"), as_of=AS_OF)
    create_account(engine, "meyer", "Cne Meyer", "direction", PASSWORD, by="test")
    engine.dispose()
    yield folder / "gpo.sqlite"
    folder.chmod(0o755)
    shutil.rmtree(folder)


def _run(*args, db: Path, reader: bool = True, **env):
    return subprocess.run([*(READER if reader else []), sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "GPO_DATABASE_URL": f"sqlite:///{db}", **env})


def _one_french_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "[SQL" not in stderr and "parameters" not in stderr and "INSERT" not in stderr
    return lines[0]


@pytest.mark.slow  # the commands run as another user, in fresh interpreters
@pytest.mark.parametrize("writer_open", [False, True], ids=["store-closed", "server-holds-it-open"])
def test_read_only_store_serves_reads_and_refuses_writes_in_french(filled_store, tmp_path, writer_open):
    folder = filled_store.parent
    before = _counts_at(filled_store)
    holder = None
    if writer_open:  # a running app keeps the WAL files: the reader goes through them (mode=ro)
        holder = sqlite3.connect(filled_store)
        holder.execute("SELECT count(*) FROM imports").fetchall()
        assert Path(f"{filled_store}-shm").exists()
    else:
        assert not Path(f"{filled_store}-shm").exists()  # nothing to read through: opened immutable
    out_dir = tmp_path / "sorties"
    out_dir.mkdir()
    out_dir.chmod(0o777)
    filled_store.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    folder.chmod(0o555)
    try:
        listed = _run("store", "comptes", "lister", db=filled_store)
        assert listed.returncode == 0, listed.stderr
        assert "Cne Meyer" in listed.stdout and "1 compte(s)." in listed.stdout
        journal = _run("store", "journal", db=filled_store)
        assert journal.returncode == 0 and "Compte créé" in journal.stdout, journal.stderr
        exported = _run("loaders", "export", "--secteur", "forbach", "--out", str(out_dir / "forbach.xlsx"), db=filled_store)
        assert exported.returncode == 0, exported.stderr
        assert len(load(out_dir / "forbach.xlsx", as_of=AS_OF)[0].frames["problems"]) == before["problems"]

        imported = _run("loaders", "import", str(SAMPLES / "suivi_gpo_stiring.xlsx"), "--date", "2026-11-25", db=filled_store)
        assert imported.returncode == 1
        assert _one_french_line(imported.stderr) == ("Erreur : Import non enregistré : la base est en lecture seule "
                                                     "(droits du fichier ou de son dossier, ou disque monté en lecture seule).")
        created = _run("store", "comptes", "creer", "lang", "--nom", "Lt Lang", "--role", "ecran", db=filled_store,
                       GPO_NEW_PASSWORD=PASSWORD)
        assert created.returncode == 1
        assert "la base est en lecture seule" in _one_french_line(created.stderr)
        assert "Lt Lang" not in created.stderr  # no row data
    finally:
        folder.chmod(0o755)
        filled_store.chmod(0o644)
        if holder:
            holder.close()
    assert _counts_at(filled_store) == before


@pytest.mark.slow  # six commands, each in a fresh interpreter (what an administrator types)
def test_a_store_that_cannot_be_reached_is_one_french_line(tmp_path):
    cases = {
        "postgresql://gpo@127.0.0.1:9/gpo": "le serveur de base de données ne répond pas",  # nothing listens on port 9
        "mysql://gpo@127.0.0.1:9/gpo": "le pilote de cette base de données n'est pas installé",
        "pas-une-adresse": "n'est pas une adresse de base de données valide",
        f"sqlite:///{tmp_path / 'fichier' / 'gpo.sqlite'}": "le dossier de la base ne peut pas être créé",
    }
    (tmp_path / "fichier").write_text("un fichier à la place du dossier")
    for url, reason in cases.items():
        for command in (["store", "comptes", "lister"], ["loaders", "export", "--secteur", "forbach", "--out", "x.xlsx"]):
            done = subprocess.run([sys.executable, "-m", *command], cwd=tmp_path, capture_output=True, text=True,
                                  timeout=120, env={**os.environ, "GPO_DATABASE_URL": url, "PYTHONPATH": str(ROOT)})
            assert done.returncode == 1, (url, command, done.stderr)
            line = _one_french_line(done.stderr)
            assert line.startswith("Erreur : Impossible d'ouvrir la base : ") and reason in line, (url, line)


def test_full_disk_during_an_import_is_a_french_store_error_and_writes_nothing(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'gpo.sqlite'}")
    plan, data = _plan(engine, "suivi_gpo_forbach.xlsx")
    commit_import(engine, plan, data, Uploader("Cne Meyer"), as_of=AS_OF)
    before = _counts(engine)
    engine.dispose()

    @sa.event.listens_for(engine, "connect")
    def _small_disk(dbapi_connection, _record):  # SQLite's own "database or disk is full" once the file would grow
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    plan, data = _plan(engine, "suivi_gpo_metz-centre.xlsx")
    with pytest.raises(StoreError) as failure:
        commit_import(engine, plan, data, Uploader("Cne Meyer"), as_of=AS_OF)
    assert str(failure.value) == "Import non enregistré : le disque de la base est plein."
    assert isinstance(failure.value.__cause__, sa.exc.OperationalError)  # the details stay for the server log
    assert _counts(engine) == before


def test_a_locked_store_is_a_french_store_error(tmp_path):
    path = tmp_path / "gpo.sqlite"
    engine = open_store(f"sqlite:///{path}")
    sa.event.listen(engine, "connect", lambda dbapi_connection, _: dbapi_connection.execute("PRAGMA busy_timeout = 0"))
    engine.dispose()
    plan, data = _plan(engine, "suivi_gpo_forbach.xlsx")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer in the middle of its transaction
    try:
        with pytest.raises(StoreError, match="^Import non enregistré : la base est occupée par une autre écriture"):
            commit_import(engine, plan, data, Uploader("Cne Meyer"), as_of=AS_OF, now=dt.datetime(2026, 11, 25, 9))
    finally:
        other.execute("ROLLBACK")
        other.close()
    commit_import(engine, plan, data, Uploader("Cne Meyer"), as_of=AS_OF)  # once free, the same plan goes through
