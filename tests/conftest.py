import datetime as dt
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


@pytest.fixture
def fixture_path():
    return lambda name: FIXTURES / name


@pytest.fixture
def app(tmp_path, monkeypatch):
    """The whole app through AppTest, on a temporary store (seeded with the demo trackers on its first run)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("GPO_DATABASE_URL", f"sqlite:///{tmp_path / 'gpo.sqlite'}")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=60)
    st.cache_resource.clear()
