"""The one module that owns Streamlit caching and session state; pages call it, nothing below does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from domain.reference import Reference, default_reference
from loaders import TrackerResult, load
from loaders.activity import latest_activity

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data"
TRACKER_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".xls", ".csv"}


@st.cache_resource
def reference() -> Reference:
    return default_reference()


@st.cache_resource(show_spinner=False)
def demo_reference_date() -> dt.date:
    """In demo mode the reference date follows the data: the day of its latest recorded activity."""
    return latest_activity(sample_results(dt.date.today()))


@st.cache_resource(show_spinner="Lecture des tableaux de démonstration…")
def sample_results(as_of: dt.date) -> list[TrackerResult]:
    """Every sample tracker read once per reference date (the results are shared, never mutated)."""
    results: list[TrackerResult] = []
    for path in sorted(SAMPLE_DIR.iterdir()):
        if path.suffix.lower() in TRACKER_SUFFIXES:
            results += load(path, filename=path.name, as_of=as_of, reference=reference())
    return results
