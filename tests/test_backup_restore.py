"""`python -m store sauvegarde` and `restauration`: every table back, raw files included, on SQLite and PostgreSQL,
and from one engine to the other; a restore never overwrites data unless asked; what SQLite's WAL holds is saved.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest
import sqlalchemy as sa

from store import database, tables
from store.audit import read_audit
from store.backup import BackupError, backup, restore
from store.database import SCHEMA_VERSION, open_store
from store.queries import current_frames, import_history, rows_generation
from store_content import FIRST, SAMPLES, dump, fill_store, import_file

OTHER = {"sqlite": "postgresql", "postgresql": "sqlite"}


@pytest.fixture
def filled_url(new_filled_store):
    """The URL of a copy of the store `fill_store` filled once per session and engine."""
    return new_filled_store(fill_store)[0]


@pytest.fixture
def filled(filled_url):
    engine = open_store(filled_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store_of(tmp_path, request):
    """`store_of(engine_name)`: a new, migrated, empty store of that engine (the other engine's too)."""
    made = []

    def make(name: str) -> sa.Engine:
        if name == "sqlite":
            url = f"sqlite:///{tmp_path / f'cible_{len(made)}.sqlite'}"
        else:
            url = request.getfixturevalue("postgres_server").new_database("gpo_template")
        made.append((name, url, open_store(url)))
        return made[-1][2]

    yield make
    for name, url, engine in made:
        engine.dispose()
        if name == "postgresql":
            request.getfixturevalue("postgres_server").drop_database(url)


def assert_restored(restored: sa.Engine, original: dict, file_name: str, replaced: bool = False) -> None:
    """Every table as in `original`, the journal too, plus one last line: the restore itself."""
    now = dump(restored)
    for name, rows in original.items():
        if name != "audit_log":
            assert now[name] == rows, name
    journal = read_audit(restored)
    assert len(journal) == len(original["audit_log"]) + 1
    last = journal.iloc[0]
    assert (last["Événement"], last["Utilisateur"]) == ("Restauration de la base", "admin (test)")
    assert last["Détail"].startswith(f"Base restaurée depuis « {file_name} » : 4 import(s), 2 compte(s), 5 ligne(s)")
    assert last["Détail"].endswith("remplacées." if replaced else "journal.")
    without_restore = sorted(tuple(r) for r in journal.iloc[1:][["Utilisateur", "Détail"]].itertuples(index=False))
    assert without_restore == sorted((row[2], row[4]) for row in original["audit_log"])
    assert rows_generation(restored) > 0  # the running servers' caches forget the rows they held


@pytest.mark.parametrize("target", ["same", "other"])
def test_backup_then_restore_gives_every_table_back(filled, store_engine_name, store_of, tmp_path, target):
    original = dump(filled)
    assert original["raw_files"] and all(len(rows) for rows in original.values())  # something in every table
    saved = backup(filled, tmp_path / "gpo-sauvegarde.sqlite")
    assert saved.rows == {name: len(rows) for name, rows in original.items()}
    assert dump(sa.create_engine(f"sqlite:///{tmp_path / 'gpo-sauvegarde.sqlite'}")) == original  # a store itself
    assert not list(tmp_path.glob("*.partiel")) and not list(tmp_path.glob("gpo-sauvegarde.sqlite-*"))  # one file

    engine_name = store_engine_name if target == "same" else OTHER[store_engine_name]
    restored = store_of(engine_name)
    restore(restored, tmp_path / "gpo-sauvegarde.sqlite", by="admin (test)")
    assert_restored(restored, original, "gpo-sauvegarde.sqlite")
    for sectors in (None, ["forbach"]):
        for key, frame in current_frames(restored, sectors).items():
            assert frame.equals(current_frames(filled, sectors)[key]), key
    # the store goes on: a new import gets the next id (PostgreSQL's sequences were set past the restored ids)
    next_id = import_file(restored, SAMPLES / "suivi_gpo_woippy.xlsx", FIRST)
    assert next_id == max(import_history(filled)["import_id"]) + 1


def test_a_restore_refuses_a_store_that_holds_data_unless_asked(filled, tmp_path):
    before = dump(filled)
    backup(filled, tmp_path / "sauvegarde.sqlite")
    with pytest.raises(BackupError, match="La base contient déjà des données .* Ajoutez --remplacer"):
        restore(filled, tmp_path / "sauvegarde.sqlite", by="admin (test)")
    assert dump(filled) == before  # nothing changed, nothing journaled
    import_file(filled, SAMPLES / "suivi_gpo_woippy.xlsx", FIRST)  # data the backup does not hold
    restore(filled, tmp_path / "sauvegarde.sqlite", replace=True, by="admin (test)")
    assert_restored(filled, before, "sauvegarde.sqlite", replaced=True)
    assert "woippy" not in set(import_history(filled)["sector_id"])


def test_backup_and_restore_refuse_in_french(filled, tmp_path):
    target = tmp_path / "sauvegarde.sqlite"
    backup(filled, target)
    with pytest.raises(BackupError, match="existe déjà : choisissez un autre nom, ou ajoutez --remplacer"):
        backup(filled, target)
    assert backup(filled, target, replace=True).rows["imports"] == 4
    with pytest.raises(BackupError, match="est un dossier"):
        backup(filled, tmp_path)
    with pytest.raises(BackupError, match="n'existe pas"):
        backup(filled, tmp_path / "absent" / "x.sqlite")
    text = tmp_path / "notes.sqlite"
    text.write_text("ceci n'est pas une sauvegarde")
    for not_a_backup in (text, SAMPLES / "suivi_gpo_forbach.xlsx"):
        with pytest.raises(BackupError, match="n'est pas une sauvegarde de la base des GPO"):
            restore(filled, not_a_backup, replace=True, by="test")
    with pytest.raises(BackupError, match="n'existe pas"):
        restore(filled, tmp_path / "absente.sqlite", by="test")
    newer = tmp_path / "future.sqlite"
    shutil.copyfile(target, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("INSERT INTO schema_version VALUES (?, '2030-01-01 00:00:00')", (SCHEMA_VERSION + 1,))
    conn.close()
    with pytest.raises(BackupError, match=f"version plus récente de l'application \\(schéma n° {SCHEMA_VERSION + 1}"):
        restore(filled, newer, replace=True, by="test")


def test_a_backup_of_an_older_schema_is_migrated_as_it_is_restored(store_engine, tmp_path, monkeypatch):
    old_path = tmp_path / "ancienne.sqlite"
    with monkeypatch.context() as m:  # a store made by the version that had only migrations 1 and 2
        m.setattr(database, "MIGRATIONS", database.MIGRATIONS[:2])
        old = open_store(f"sqlite:///{old_path}")
    import_file(old, SAMPLES / "suivi_gpo_stiring.xlsx", FIRST)
    assert "screen_tokens" not in sa.inspect(old).get_table_names()
    old.dispose()
    before = old_path.read_bytes()
    restore(store_engine, old_path, by="admin (test)")  # a v2 store is a v2 backup: both are SQLite files
    assert old_path.read_bytes() == before  # migrated on a copy: the backup file is left as it was
    with store_engine.connect() as conn:
        versions = conn.execute(sa.select(tables.schema_version.c.version)).scalars().all()
    assert sorted(versions) == [v for v, _ in database.MIGRATIONS]
    assert set(import_history(store_engine)["sector_id"]) == {"stiring"}


def test_the_sqlite_backup_holds_what_the_wal_still_holds(tmp_path):
    """The store runs in WAL mode: while the app has it open, imports sit in `gpo.sqlite-wal` and a copy of
    `gpo.sqlite` alone loses them. The backup API copies them."""
    path = tmp_path / "gpo.sqlite"
    engine = open_store(f"sqlite:///{path}")
    fill_store(engine, tmp_path)
    with engine.connect():  # the app's connection stays open: no checkpoint on close
        assert (tmp_path / "gpo.sqlite-wal").stat().st_size > 0
        shutil.copyfile(path, tmp_path / "copie.sqlite")
        backup(engine, tmp_path / "sauvegarde.sqlite")
    with sqlite3.connect(tmp_path / "copie.sqlite") as copy:
        copied = copy.execute("SELECT count(*) FROM sqlite_master WHERE name = 'imports'").fetchone()[0] and \
            copy.execute("SELECT count(*) FROM imports").fetchone()[0]
    copy.close()
    assert copied < 4  # the plain copy lost imports
    saved = sa.create_engine(f"sqlite:///{tmp_path / 'sauvegarde.sqlite'}")
    assert dump(saved) == dump(engine)


@pytest.fixture
def store_cli(monkeypatch, capsys):
    """`python -m store ARGS` in this process, on the store at `url`: a CompletedProcess."""
    from cli.admin import main

    def run(url, *args):
        monkeypatch.setenv("GPO_DATABASE_URL", url)
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


def test_the_commands_say_what_they_did_in_french(filled_url, tmp_path, store_cli, store_engine_name, store_of):
    store_url = filled_url
    saved = store_cli(store_url, "sauvegarde", tmp_path / "gpo.sqlite")
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.startswith(f"Sauvegarde écrite dans {tmp_path / 'gpo.sqlite'} : 4 import(s), 4 fichier(s) "
                                   "d'origine, 281 ligne(s) de données, 2 compte(s), 5 ligne(s) du journal ; ")  # 50 diagnostics and contacts
    again = store_cli(store_url, "sauvegarde", tmp_path / "gpo.sqlite")
    assert again.returncode == 1 and again.stderr.startswith("Erreur : Le fichier ") and "--remplacer" in again.stderr
    refused = store_cli(store_url, "restauration", tmp_path / "gpo.sqlite")
    assert refused.returncode == 1 and "La base contient déjà des données" in refused.stderr
    other = store_of(OTHER[store_engine_name])
    url = other.url.render_as_string(hide_password=False)
    done = store_cli(url, "restauration", tmp_path / "gpo.sqlite")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Base restaurée depuis {tmp_path / 'gpo.sqlite'} : 4 import(s)")
    assert "(ligne de commande)" in read_audit(other).iloc[0]["Utilisateur"]
    usage = store_cli(url, "restauration")
    assert usage.returncode == 2 and "arguments obligatoires manquants : FICHIER" in usage.stderr
