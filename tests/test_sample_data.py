"""The shipped sample trackers: one per sector, all valid, realistic, alive around their date."""

import datetime as dt
from pathlib import Path

import pandas as pd

from conftest import assert_rows_accounted
from domain.reference import default_reference
from loaders import load

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"
BUILT_ON = dt.date(2026, 11, 25)


def _all():
    return [r for path in sorted(SAMPLES.iterdir()) for r in load(path, as_of=BUILT_ON)]


def test_one_valid_tracker_per_sector():
    results = _all()
    assert sorted(r.sector_id for r in results) == sorted(default_reference().sectors)
    for result in results:
        assert result.ok, (result.file, [i.message for i in result.issues if i.severity == "error"])
        assert not [i for i in result.issues if i.severity == "warning"], result.file
        assert_rows_accounted(result)
    suffixes = {Path(r.file).suffix for r in results}
    assert {".xlsx", ".ods"} <= suffixes


def test_sample_content_looks_alive():
    results = {r.sector_id: r for r in _all()}
    reference = default_reference()
    constituted = [s for s in reference.sectors.values() if s.constituted_on]
    for sector in constituted:
        frames = results[sector.sector_id].frames
        held = frames["meetings"][frames["meetings"]["status"] == "held"]
        assert len(held) >= 8, sector.sector_id
        assert (BUILT_ON - held["meeting_date"].max().date()).days <= 80
        assert (frames["meetings"]["status"] == "planned").any()
        assert len(frames["problems"]) >= 6
        assert set(frames["problems"]["commune_insee"].dropna()) <= set(sector.communes)
    actions = pd.concat([r.frames["actions"] for r in results.values()])
    overdue = actions[actions["status"].isin(["todo", "in_progress"]) & (actions["due_on"] < pd.Timestamp(BUILT_ON))]
    assert len(overdue) >= 10
    assert results["behren"].frames["meetings"].empty
    planned = results["fameck"].frames["meetings"]
    assert planned["kind"].tolist() == ["constitutive"] and planned["status"].tolist() == ["planned"]
