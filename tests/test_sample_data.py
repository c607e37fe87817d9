"""The shipped sample trackers: one per sector, all valid, realistic, alive around their date."""

import datetime as dt
from pathlib import Path

import pandas as pd

from conftest import assert_rows_accounted
from domain.reference import default_reference
from loaders import load

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"
BUILT_ON = dt.date(2026, 11, 25)
MISSING_OUTCOME = ("montigny", "yutz", "freyming-merlebach")  # scripts/build_sample_data.py
RESERVED_DOMAINS = (".example.org", ".invalid")


def _all():
    return [r for path in sorted(SAMPLES.iterdir()) for r in load(path, as_of=BUILT_ON)]


def test_one_valid_tracker_per_sector():
    results = _all()
    assert sorted(r.sector_id for r in results) == sorted(default_reference().sectors)
    for result in results:
        assert result.ok, (result.file, [i.message for i in result.issues if i.severity == "error"])
        warnings = [i.code for i in result.issues if i.severity == "warning"]
        # the only warnings: one closed problem left without its Résultat in three sectors, to show it
        expected = ["closed_without_outcome"] if result.sector_id in MISSING_OUTCOME else []
        assert warnings == expected, result.file
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


def test_the_cycle_and_the_partners_are_in_most_sectors_as_in_life():
    results = {r.sector_id: r for r in _all()}
    frames = {sector: r.frames for sector, r in results.items()}
    with_diagnostic = {s for s, f in frames.items() if len(f["diagnostics"])}
    # the three GPO not yet constituted have none, nor Sarrebourg (a tracker kept as before the cycle)
    assert set(results) - with_diagnostic == {"behren", "fameck", "sarreguemines-peripherie", "sarrebourg"}
    assert {s for s, f in frames.items() if len(f["diagnostics"]) == 2} >= {"forbach", "metz-centre", "woippy"}
    assert set(results["sarrebourg"].counts) == {"meetings", "problems", "actions"}  # old format: loads as before
    for sector in with_diagnostic:
        diagnostics, problems = frames[sector]["diagnostics"], frames[sector]["problems"]
        assert (diagnostics["diagnosed_on"] <= pd.Timestamp(BUILT_ON)).all()
        named = {ref for refs in diagnostics["priority_problem_ids"].dropna() for ref in refs.split(";")}
        assert named and named <= set(problems["problem_id"]), sector  # every priority problem exists
    problems = pd.concat([f["problems"] for s, f in frames.items() if s != "sarrebourg"])  # no Résultat column there
    open_ = problems[problems["status"].isin(["open", "in_progress"])]
    closed = problems[problems["status"].isin(["resolved", "dropped"])]
    assert open_["stage"].notna().mean() > 0.7
    assert closed["outcome"].notna().sum() == len(closed) - 3  # one left without in each of three sectors
    assert set(closed["outcome"].dropna()) >= {"eliminated", "reduced", "no_effect", "handed_over"}
    assert 0.2 < problems["lead_partner"].notna().mean() < 0.6
    partners = pd.concat([f["partners"] for f in frames.values()])
    assert partners["sector_id"].nunique() >= 12
    assert partners["opted_out"].sum() == 1 and partners.loc[partners["opted_out"], "sector_id"].tolist() == ["forbach"]
    assert partners["email"].map(lambda e: e.endswith(RESERVED_DOMAINS)).all()
    # every partner responsible for an action has a contact, named as the action names it
    for sector, f in frames.items():
        if len(f["partners"]):
            assert set(f["actions"]["partner"]) <= set(f["partners"]["organisation"]), sector
