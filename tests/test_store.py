"""The store: round trip, idempotence, rollback, concurrency, history, the diff, export round trip, access.

Every test runs on SQLite and on PostgreSQL (`store_engine`, `store_url` in tests/conftest.py)."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from conftest import AS_OF, FIXTURES
from domain.reference import default_reference
from domain.tracker_schema import SHEETS
from loaders import load
from loaders.tracker_export import write_filled_tracker
from store import tables
from store.database import SCHEMA_VERSION, open_store
from store.imports import DUPLICATE, FILE_ERROR, READY, REFUSED, ImportNotAllowed, Uploader, commit_import, plan_import
from store.queries import current_frames, import_history, import_issues, raw_file, rejected_rows

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
ADMIN = Uploader("Cne Meyer")


@pytest.fixture
def engine(store_engine):
    return store_engine


def _import(engine, path, *, sector=None, uploader=ADMIN, accept_vanished=False, when=None, data=None):
    data = data if data is not None else Path(path).read_bytes()
    result = load(data, filename=Path(path).name, sector=sector, as_of=AS_OF)[0]
    plan = plan_import(engine, result, data, uploader)
    if plan.status != READY:
        return plan, None
    return plan, commit_import(engine, plan, data, uploader, accept_vanished=accept_vanished, as_of=AS_OF, now=when)


def _count(engine, table):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_schema_is_versioned(engine):
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.max(tables.schema_version.c.version))).scalar() == SCHEMA_VERSION


def test_round_trip_gives_the_loader_frames(engine):
    path = SAMPLES / "suivi_gpo_forbach.xlsx"
    _, import_id = _import(engine, path)
    stored = current_frames(engine, ["forbach"])
    loaded = load(path, as_of=AS_OF)[0].frames
    for key in SHEETS:
        pd.testing.assert_frame_equal(stored[key], loaded[key].reset_index(drop=True), check_like=False)
    history = import_history(engine)
    assert history.loc[0, ["import_id", "sector_id", "imported_by", "problems_accepted"]].tolist() == [import_id, "forbach", "Cne Meyer", 16]
    assert raw_file(engine, history.loc[0, "sha256"]) == path.read_bytes()


def test_same_file_twice_nothing_duplicated(engine):
    path = SAMPLES / "suivi_gpo_forbach.xlsx"
    _import(engine, path)
    counts = {t.name: _count(engine, t) for t in tables.metadata.sorted_tables}
    plan, import_id = _import(engine, path)
    assert (plan.status, import_id) == (DUPLICATE, None)
    assert "déjà la version importée" in plan.message
    assert {t.name: _count(engine, t) for t in tables.metadata.sorted_tables} == counts


def test_failure_mid_import_leaves_the_store_as_it_was(engine, monkeypatch):
    _import(engine, SAMPLES / "suivi_gpo_stiring.xlsx")
    before = {t.name: _count(engine, t) for t in tables.metadata.sorted_tables}
    import store.imports as imports_module

    real = imports_module.to_records

    def explode(frame, key, import_id):
        if key == "actions":  # meetings and problems already written in this transaction
            raise OSError("disque plein")
        return real(frame, key, import_id)

    monkeypatch.setattr(imports_module, "to_records", explode)
    with pytest.raises(OSError):
        _import(engine, SAMPLES / "suivi_gpo_forbach.xlsx")
    assert {t.name: _count(engine, t) for t in tables.metadata.sorted_tables} == before


def test_file_errors_import_nothing_and_row_errors_keep_rejected_rows(engine):
    plan, import_id = _import(engine, FIXTURES / "zip-bomb.xlsx", sector="stiring")
    assert (plan.status, import_id) == (FILE_ERROR, None)
    assert _count(engine, tables.imports) == 0
    plan, import_id = _import(engine, FIXTURES / "row-errors.xlsx", sector="stiring")
    assert plan.has_row_errors and import_id
    frames = current_frames(engine, ["stiring"])
    assert frames["problems"]["source_row"].tolist() == [7, 8, 9]
    kept = rejected_rows(engine, import_id)
    assert kept.loc[kept["sheet"] == "problems", "source_row"].tolist() == [2, 3, 4, 5, 6]
    problem_3 = kept[(kept["sheet"] == "problems") & (kept["source_row"] == 3)]
    assert '"Statut": "Peut-être"' in problem_3["cells_json"].iloc[0]
    codes = [(i.sheet, i.row, i.code) for i in import_issues(engine, import_id)]
    assert ("problems", 4, "invalid_date") in codes


def test_new_version_diff_and_vanished_rows_need_consent(engine, tmp_path):
    first = FIXTURES / "title-lines.xlsx"
    _import(engine, first, sector="stiring", when=dt.datetime(2026, 11, 1, 9))
    frames = load(first, sector="stiring", as_of=AS_OF)[0].frames
    frames["problems"] = frames["problems"].iloc[1:].reset_index(drop=True)  # P-01 deleted by the animator
    frames["actions"] = frames["actions"].iloc[1:].reset_index(drop=True)
    frames["actions"].loc[0, "status"] = "done"
    frames["actions"].loc[0, "done_on"] = pd.Timestamp("2026-11-20")
    second = write_filled_tracker(tmp_path / "v2.xlsx", frames, sector=default_reference().sectors["stiring"])
    data = second.read_bytes()
    result = load(data, filename="v2.xlsx", as_of=AS_OF)[0]
    plan = plan_import(engine, result, data, ADMIN)
    diff = plan.diff
    assert not diff.first_import
    assert diff.sheets["problems"].vanished["problem_id"].tolist() == ["P-01"]
    assert diff.sheets["actions"].vanished["action_id"].tolist() == ["A-01"]
    assert diff.sheets["actions"].status_changed[["key", "status_after"]].values.tolist() == [["A-02", "done"]]
    assert diff.vanished_count == 2
    with pytest.raises(ImportNotAllowed, match="disparaîtraient"):
        commit_import(engine, plan, data, ADMIN)
    assert _count(engine, tables.imports) == 1
    commit_import(engine, plan, data, ADMIN, accept_vanished=True, now=dt.datetime(2026, 11, 20, 9))
    assert "P-01" not in current_frames(engine, ["stiring"])["problems"]["problem_id"].tolist()
    then = current_frames(engine, ["stiring"], at=dt.datetime(2026, 11, 10))
    assert "P-01" in then["problems"]["problem_id"].tolist()  # older imports stay queryable


def test_a_text_longer_than_its_column_rejects_its_line_on_both_engines(engine, tmp_path, loaders_cli):
    """PostgreSQL refuses a value longer than its VARCHAR (SQLite keeps it): the loader rejects such a line, kept as
    typed among the rejected lines, so the same file gives the same store on both engines, never a failed import."""
    frames = {k: f.copy() for k, f in load(SAMPLES / "suivi_gpo_forbach.xlsx", as_of=AS_OF)[0].frames.items()}
    long_ref = "P-" + "9" * 70
    frames["problems"].loc[0, "problem_id"] = long_ref
    frames["actions"] = frames["actions"][frames["actions"]["problem_id"] != "P-01"].reset_index(drop=True)
    frames["problems"].loc[1, "commune_name"] = "Forbach " + "y" * 130
    path = write_filled_tracker(tmp_path / "suivi_gpo_forbach.xlsx", frames, sector=default_reference().sectors["forbach"])
    plan, import_id = _import(engine, path)
    too_long = [(i.row, i.column, i.message) for i in plan.result.issues if i.code == "text_too_long"]
    assert too_long == [
        (2, "Réf", f"Ligne 2, colonne « Réf » : texte trop long (72 caractères, 64 au plus) : « {long_ref[:40]}… »."),
        (3, "Commune", "Ligne 3, colonne « Commune » : texte trop long (138 caractères, 120 au plus) : "
                       f"« Forbach {'y' * 32}… »."),
    ]
    assert import_id is not None
    assert len(current_frames(engine, ["forbach"])["problems"]) == 14
    kept = rejected_rows(engine, import_id)
    assert long_ref in kept.loc[(kept["sheet"] == "problems") & (kept["source_row"] == 2), "cells_json"].item()  # as typed
    named = loaders_cli("import", str(path), "--as", "x" * 121, "--yes", env={"GPO_DATABASE_URL": str(engine.url)})
    assert named.returncode == 2 and "nom trop long (121 caractères, 120 au plus)" in named.stderr


def test_uploader_may_only_write_their_sectors(engine):
    animateur = Uploader("Lt Lang", frozenset({"behren"}))
    plan, import_id = _import(engine, SAMPLES / "suivi_gpo_forbach.xlsx", uploader=animateur)
    assert (plan.status, import_id) == (REFUSED, None)
    assert "pas autorisé" in plan.message
    assert _count(engine, tables.imports) == 0


def test_export_then_reimport_gives_identical_normalized_data(engine, tmp_path, loaders_cli):
    _import(engine, SAMPLES / "suivi_gpo_marly.xlsx")
    out = loaders_cli("export", "--secteur", "Marly", "--out", tmp_path / "marly.xlsx",
                      env={"GPO_DATABASE_URL": str(engine.url)})
    assert out.returncode == 0, out.stderr
    assert "Tableau du secteur Marly écrit" in out.stdout
    again = load(tmp_path / "marly.xlsx", as_of=AS_OF)[0]
    stored = current_frames(engine, ["marly"])
    for key in SHEETS:
        pd.testing.assert_frame_equal(stored[key].drop(columns=["source_file", "source_row"]),
                                      again.frames[key].drop(columns=["source_file", "source_row"]))


@pytest.mark.slow  # two real processes
def test_two_processes_import_two_sectors_at_once(store_url):
    url = store_url
    env = {**os.environ, "GPO_DATABASE_URL": url}
    runs = [subprocess.Popen([sys.executable, "-m", "loaders", "import", str(SAMPLES / name), "--as", who, "--date", "2026-11-25"],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for name, who in (("suivi_gpo_forbach.xlsx", "Cdt Fischer"), ("suivi_gpo_woippy.xlsx", "Cne Benali"))]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    history = import_history(open_store(url))
    assert sorted(history["sector_id"]) == ["forbach", "woippy"]
    assert sorted(history["imported_by"]) == ["Cdt Fischer", "Cne Benali"]


def test_cli_import_refuses_vanishing_rows_without_yes(store_url, loaders_cli):
    def run(*args):
        return loaders_cli("import", *args, "--date", "2026-11-25", env={"GPO_DATABASE_URL": store_url})

    assert run(str(SAMPLES / "suivi_gpo_forbach.xlsx")).returncode == 0
    again = run(str(SAMPLES / "suivi_gpo_forbach.xlsx"))
    assert again.returncode == 0 and "rien n'est dupliqué" in again.stdout
    shrunk = run(str(FIXTURES / "title-lines.xlsx"), "--secteur", "forbach")
    assert shrunk.returncode == 1 and "Relancez avec --yes" in shrunk.stdout
    forced = run(str(FIXTURES / "title-lines.xlsx"), "--secteur", "forbach", "--yes")
    assert forced.returncode == 0 and "Importé (import n° 2)" in forced.stdout


def test_archiving_the_same_bytes_again_is_a_no_op(engine):
    from sqlalchemy.dialects import postgresql

    from store.raw_archive import archive_raw_file, archive_statement

    data = (SAMPLES / "suivi_gpo_forbach.xlsx").read_bytes()
    with engine.begin() as conn:
        archive_raw_file(conn, "a" * 64, data, dt.datetime(2026, 11, 1, 9))
        archive_raw_file(conn, "a" * 64, b"other bytes, same key", dt.datetime(2026, 11, 2, 9))  # no check, no error
    with engine.connect() as conn:
        rows = conn.execute(sa.select(tables.raw_files)).mappings().all()
    assert [(r["sha256"], r["size"], r["first_seen_at"]) for r in rows] == [("a" * 64, len(data), dt.datetime(2026, 11, 1, 9))]
    assert rows[0]["content"] == data  # the first archived bytes are kept
    sql = str(archive_statement("postgresql", {"sha256": "a", "size": 1, "content": b"x",
                                               "first_seen_at": dt.datetime(2026, 11, 1)}).compile(dialect=postgresql.dialect()))
    assert sql.endswith("ON CONFLICT (sha256) DO NOTHING")


class _WriteBlocker:
    """Holds the store's write lock: readers go on, every import waits.

    SQLite: a write transaction (the importers wait on busy_timeout). PostgreSQL: the lock on `imports` that an
    import takes first (`store.imports.lock_imports`), in a stronger mode that still lets plans read.
    """

    def __init__(self, url: str):
        self.engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        self.conn = self.engine.connect()
        if self.engine.dialect.name == "sqlite":
            self.conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            self.conn.exec_driver_sql("BEGIN")
            self.conn.exec_driver_sql("LOCK TABLE imports IN SHARE ROW EXCLUSIVE MODE")

    def waiting(self) -> int:
        """PostgreSQL: how many transactions wait for the lock on `imports`."""
        return self.conn.exec_driver_sql("SELECT count(*) FROM pg_locks WHERE NOT granted "
                                         "AND relation = 'imports'::regclass").scalar()

    def release(self) -> None:
        self.conn.exec_driver_sql("COMMIT")
        self.conn.close()
        self.engine.dispose()


@pytest.mark.slow  # two real processes
def test_two_processes_import_the_same_bytes_into_two_sectors_at_once(store_url, tmp_path):
    """Both imports wait on a write lock held by the test, then commit one after the other: the second finds the
    file archived by the first (before, it failed on raw_files.sha256)."""
    url = store_url
    open_store(url).dispose()
    env = {**os.environ, "GPO_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    data = (SAMPLES / "suivi_gpo_forbach.xlsx").read_bytes()
    (tmp_path / "suivi.xlsx").write_bytes(data)
    blocker = _WriteBlocker(url)
    runs = [subprocess.Popen([sys.executable, "-m", "loaders", "import", str(tmp_path / "suivi.xlsx"), "--secteur", sector,
                              "--as", who, "--date", "2026-11-25"],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for sector, who in (("forbach", "Cdt Fischer"), ("behren", "Cne Benali"))]
    try:
        for run in runs:  # each has planned its import and is about to write it
            for line in run.stdout:
                if "Premier import de ce secteur" in line:
                    break
    finally:
        blocker.release()
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert all("Traceback" not in err for _, err in outputs), outputs
    engine = open_store(url)
    history = import_history(engine)
    assert sorted(history["sector_id"]) == ["behren", "forbach"]
    assert history["sha256"].nunique() == 1 and _count(engine, tables.raw_files) == 1
    assert raw_file(engine, history.loc[0, "sha256"]) == data


@pytest.mark.postgresql
def test_two_imports_of_one_sector_committed_at_once_on_postgresql(postgres_server):
    """Two servers commit two versions of one sector, both planned on the same previous state: PostgreSQL lets
    writers run side by side, so without the lock on `imports` both would be written (the second silently replacing
    the first, its diff never shown). With it, one is written and the other is refused, asked to be checked again."""
    import threading

    engine = open_store(postgres_server.new_database("gpo_template"))
    versions = []
    for path, sector in ((SAMPLES / "suivi_gpo_forbach.xlsx", None), (FIXTURES / "title-lines.xlsx", "forbach")):
        data = path.read_bytes()
        result = load(data, filename=path.name, sector=sector, as_of=AS_OF)[0]
        versions.append((plan_import(engine, result, data, ADMIN), data))
    assert [plan.status for plan, _ in versions] == [READY, READY]
    assert [plan.previous_import_id for plan, _ in versions] == [None, None]
    outcomes = [None, None]

    def commit(n):
        plan, data = versions[n]
        try:
            outcomes[n] = commit_import(engine, plan, data, ADMIN, as_of=AS_OF)
        except ImportNotAllowed as refusal:
            outcomes[n] = str(refusal)

    blocker = _WriteBlocker(str(engine.url.render_as_string(hide_password=False)))
    threads = [threading.Thread(target=commit, args=(n,)) for n in range(2)]
    try:
        for thread in threads:
            thread.start()
        deadline = dt.datetime.now() + dt.timedelta(seconds=60)
        while blocker.waiting() < 2:  # both commits are inside their transaction, queued behind the test's lock
            assert dt.datetime.now() < deadline, "the two imports never reached the lock"
            threading.Event().wait(0.05)  # poll the server again
    finally:
        blocker.release()
    for thread in threads:
        thread.join(60)
    written = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, str)]
    assert len(written) == 1 and refused == ["Le secteur a reçu un autre import entre-temps : contrôlez à nouveau le fichier."]
    assert import_history(engine)["import_id"].tolist() == written
    assert _count(engine, tables.raw_files) == 1  # the refused import archived nothing either
    engine.dispose()
