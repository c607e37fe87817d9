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
