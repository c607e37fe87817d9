import copy
import datetime as dt
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

import postgres_cluster

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AS_OF = dt.date(2026, 11, 25)


def issue_tuples(result, severity=None):
    """(sheet, row, column, code) for each issue, optionally of one severity: what tests assert on."""
    return [(i.sheet, i.row, i.column, i.code) for i in result.issues if severity is None or i.severity == severity]


def assert_rows_accounted(result):
    for key, count in result.counts.items():
        assert count.rows_read == count.rows_accepted + count.rows_rejected, key
        assert len(result.frames[key]) == count.rows_accepted, key


@pytest.fixture(autouse=True)
def no_unexpected_incident(request, caplog):
    """A page that fails shows a French message, not an exception element: `assert not app.exception` alone would
    miss it. Every test fails if an incident was logged, unless it is marked `incident_expected`."""
    yield
    if request.node.get_closest_marker("incident_expected"):
        return
    logged = [r.getMessage() for r in caplog.get_records("call") if r.name == "gpo.incidents"]
    assert not logged, "erreur inattendue pendant le test :\n" + "\n".join(logged)


@pytest.fixture
def loaders_cli(monkeypatch, capsys):
    """`python -m loaders ARGS` run in this process (its `main`, as `loaders/__main__.py` calls it), with extra
    environment variables: a CompletedProcess with the exit code and what it printed. Saves an interpreter start and
    the app's imports per call; `tests/test_cli.py` runs the real module once in a subprocess."""
    from cli.trackers import main

    def run(*args, env: dict[str, str] | None = None):
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()  # what the test printed before is not the command's
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


@pytest.fixture
def fixture_path():
    return lambda name: FIXTURES / name


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite store, WAL included (the backup API, not a file copy)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@pytest.fixture(scope="session")
def demo_store_template(tmp_path_factory) -> Path:
    """The 17 demo trackers imported once per test session; tests get a copy (see `demo_store`)."""
    from domain.reference import default_reference
    from store.database import open_store
    from store.demo_seed import seed_demo

    path = tmp_path_factory.mktemp("demo_template") / "gpo.sqlite"
    engine = open_store(f"sqlite:///{path}")
    seed_demo(engine, default_reference())
    engine.dispose()
    return path


@pytest.fixture
def demo_store(tmp_path, demo_store_template) -> str:
    """A fresh copy of the seeded demo store for one test; returns its SQLAlchemy URL."""
    target = tmp_path / "gpo.sqlite"
    copy_sqlite(demo_store_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def demo_store_templates(demo_store_template, tmp_path_factory):
    """`template(prepare)`: the seeded demo store once `prepare(engine)` added to it (accounts: each password hash
    costs ~0.25 s), made once per session per `prepare`; tests get copies through `demo_store_with`."""
    from store.database import open_store

    built: dict[object, Path] = {}

    def template(prepare) -> Path:
        if prepare not in built:
            path = tmp_path_factory.mktemp(f"demo_{prepare.__name__}") / "gpo.sqlite"
            copy_sqlite(demo_store_template, path)
            engine = open_store(f"sqlite:///{path}")
            try:
                prepare(engine)
            finally:
                engine.dispose()
            built[prepare] = path
        return built[prepare]

    return template


@pytest.fixture
def demo_store_with(tmp_path, demo_store_templates):
    """`demo_store_with(prepare)`: the URL of a fresh copy of the demo store holding what `prepare(engine)` added
    (`prepare` runs once per session)."""

    def make(prepare) -> str:
        target = tmp_path / f"gpo_{prepare.__name__}.sqlite"
        copy_sqlite(demo_store_templates(prepare), target)
        return f"sqlite:///{target}"

    return make


@pytest.fixture
def app(demo_store, monkeypatch):
    """The whole app through AppTest, on a temporary copy of the seeded demo store."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("GPO_DATABASE_URL", demo_store)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=60)
    st.cache_resource.clear()


# --- the store on both engines ----------------------------------------------------------------------------------------
# Every store test runs on SQLite (a file under tmp_path) and on PostgreSQL (a database of its own on one throwaway
# cluster per test session, see tests/postgres_cluster.py). `-m "not postgresql"` leaves the PostgreSQL runs out.
STORE_ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL cluster for the session (per xdist worker), with a template database holding the store's schema."""
    reason = postgres_cluster.available()
    if reason is not None:
        if os.environ.get("GPO_TEST_POSTGRESQL") == "required":  # scripts/test.sh installs it: a skip would hide it
            pytest.fail(f"PostgreSQL requis pour ces tests : {reason}")
        pytest.skip(reason)
    from store.database import open_store

    cluster = postgres_cluster.ThrowawayPostgres().start()
    cluster.make_template("gpo_template", lambda url: open_store(url).dispose())
    yield cluster
    cluster.stop()


@pytest.fixture(params=STORE_ENGINES)
def store_engine_name(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def filled_store_templates(request, tmp_path_factory):
    """`template(engine_name, fill)`: (template, what `fill` returned) for a store that `fill(engine, folder)` filled
    once per test session (per xdist worker) and engine: a SQLite file, or a PostgreSQL template database. Tests get
    copies through `new_filled_store`: what costs seconds to import runs once, each test still owns its store."""
    from store.database import open_store

    built: dict[tuple[str, object], tuple[object, object]] = {}

    def template(engine_name: str, fill) -> tuple[object, object]:
        key = (engine_name, fill)
        if key not in built:
            folder = tmp_path_factory.mktemp(f"filled_{fill.__name__}_{engine_name}")
            result = []

            def prepare(url: str) -> None:
                engine = open_store(url)
                try:
                    result.append(fill(engine, folder))
                finally:
                    engine.dispose()

            if engine_name == "sqlite":
                path = folder / "gpo.sqlite"
                prepare(f"sqlite:///{path}")
                built[key] = (path, result[0])
            else:
                server = request.getfixturevalue("postgres_server")
                name = server.make_template(f"gpo_filled_{len(built) + 1}", prepare)
                built[key] = (name, result[0])
        return built[key]

    return template


@pytest.fixture
def new_store_url(store_engine_name, tmp_path, request):
    """`new_store_url(migrated=True)`: the URL of a new store of this test's engine (several per test if needed).

    Migrated: the schema is there (PostgreSQL: a copy of the template); else an empty database (SQLite: no file yet).
    `copy_of`: a copy of that store instead (a SQLite file, or a PostgreSQL template database: see `new_filled_store`).
    """
    made: list[str] = []
    names = iter(range(1, 1000))

    def make(migrated: bool = True, copy_of=None) -> str:
        if store_engine_name == "sqlite":
            target = tmp_path / f'gpo_{next(names)}.sqlite'
            if copy_of is not None:
                copy_sqlite(copy_of, target)
            return f"sqlite:///{target}"
        server = request.getfixturevalue("postgres_server")
        made.append(server.new_database(copy_of or ("gpo_template" if migrated else None)))
        return made[-1]

    yield make
    if made:  # connections a test left open are ended by DROP DATABASE … WITH (FORCE)
        server = request.getfixturevalue("postgres_server")
        for url in made:
            server.drop_database(url)


@pytest.fixture
def new_filled_store(store_engine_name, new_store_url, filled_store_templates):
    """`new_filled_store(fill)`: (URL, what `fill` returned) of a new store of this test's engine holding what
    `fill(engine, folder)` writes (e.g. `store_content.fill_store`). `fill` runs once per session and engine; each
    call gets a copy (SQLite: the backup API; PostgreSQL: CREATE DATABASE … TEMPLATE), ids and sequences included."""

    def make(fill) -> tuple[str, object]:
        template, result = filled_store_templates(store_engine_name, fill)
        return new_store_url(copy_of=template), copy.deepcopy(result)  # a test may change what it got

    return make


@pytest.fixture
def store_url(new_store_url) -> str:
    """The URL of this test's store (migrated), on SQLite and on PostgreSQL."""
    return new_store_url()


@pytest.fixture
def store_engine(store_url):
    """This test's store, opened as the app opens it (`open_store`), on SQLite and on PostgreSQL."""
    from store.database import open_store

    engine = open_store(store_url)
    yield engine
    engine.dispose()
