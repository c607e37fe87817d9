import datetime as dt
import sqlite3
import subprocess
from pathlib import Path

import pytest

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
