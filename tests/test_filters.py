"""The shared filters and their URL form (pure)."""

import datetime as dt

import pytest

from domain.filters import Filters, from_query, to_query
from domain.reference import default_reference

REF = default_reference()
TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize("params,expected", [
    ({}, Filters(None, None, TODAY, 6)),
    ({"csp": "forbach"}, Filters("forbach", None, TODAY, 6)),
    ({"csp": "forbach", "secteur": "stiring", "date": "2026-10-01", "periode": "12"}, Filters("forbach", "stiring", dt.date(2026, 10, 1), 12)),
    ({"csp": "metz", "secteur": "stiring"}, Filters("metz", None, TODAY, 6)),  # a sector outside its CSP is dropped
    ({"csp": "atlantide", "date": "hier", "periode": "7"}, Filters(None, None, TODAY, 6)),
])
def test_from_query(params, expected):
    assert from_query(params, REF, TODAY) == expected


def test_round_trip_and_defaults_left_out():
    filters = Filters("forbach", "stiring", dt.date(2026, 10, 1), 12)
    query = to_query(filters, TODAY)
    assert query == {"csp": "forbach", "secteur": "stiring", "date": "2026-10-01", "periode": "12"}
    assert from_query(query, REF, TODAY) == filters
    assert to_query(Filters(None, None, TODAY, 6), TODAY) == {}


@pytest.mark.parametrize("as_of,months,start", [
    (dt.date(2026, 11, 25), 6, dt.date(2026, 5, 25)),
    (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2026, 1, 15), 12, dt.date(2025, 1, 15)),
    (dt.date(2028, 3, 31), 1, dt.date(2028, 2, 29)),
])
def test_period_start(as_of, months, start):
    assert Filters(None, None, as_of, months).period_start == start


def test_sector_ids():
    assert Filters("forbach", None, TODAY).sector_ids(REF) == ["forbach", "stiring", "behren"]
    assert Filters(None, "marly", TODAY).sector_ids(REF) == ["marly"]
    assert len(Filters(None, None, TODAY).sector_ids(REF)) == 17


def test_scope_label():
    assert Filters(None, None, TODAY).scope_label(REF) == "Moselle"
    assert Filters("forbach", None, TODAY).scope_label(REF) == "CSP de Forbach"
    assert Filters("forbach", "stiring", TODAY).scope_label(REF) == "Stiring-Wendel"
