"""The command line as admins and CI use it: exact JSON shape, exit codes, normalized CSV.

The commands run in this process (the `loaders_cli` fixture calls the `main` that `python -m loaders` calls);
`test_entry_point_runs_as_a_module` runs the real module in a fresh interpreter.
"""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run(loaders_cli):
    return loaders_cli


@pytest.mark.slow  # a fresh interpreter
def test_entry_point_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "loaders", "sectors", "--json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 17


def test_sectors_json(run):
    out = run("sectors", "--json")
    assert out.returncode == 0
    sectors = json.loads(out.stdout)
    assert len(sectors) == 17
    assert {s["csp"] for s in sectors} == {"metz", "hagondange", "thionville", "forbach", "sarrebourg", "sarreguemines",
                                           "freyming-merlebach"}
    forbach = next(s for s in sectors if s["sector_id"] == "forbach")
    assert forbach == {"sector_id": "forbach", "name": "Forbach – Bellevue-Wiesberg", "csp": "forbach",
                       "communes": ["57227"], "cadence": "fortnightly"}
    assert {s["cadence"] for s in sectors} == {"monthly", "fortnightly"}
    communes = [c for s in sectors for c in s["communes"]]
    assert len(communes) == len(set(communes))  # a commune belongs to at most one sector


def test_validate_json_exact_shape_and_exit_1_on_errors(run):
    out = run("validate", str(FIXTURES / "row-errors.xlsx"), str(FIXTURES / "title-lines.xlsx"),
              "--secteur", "stiring", "--json", "--date", "2026-11-25")
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert list(report) == ["files"]
    first, second = report["files"]
    assert list(first) == ["file", "sector_id", "ok", "sheets", "issues"]
    assert (first["sector_id"], first["ok"], second["ok"]) == ("stiring", False, True)
    assert first["sheets"]["problems"] == {"rows_read": 8, "rows_accepted": 3, "rows_rejected": 5}
    issue = next(i for i in first["issues"] if i["code"] == "invalid_date")
    assert issue == {"severity": "error", "code": "invalid_date", "sheet": "problems", "row": 4,
                     "column": "Date de signalement", "value": "31/02/2026",
                     "message": "Ligne 4, colonne « Date de signalement » : « 31/02/2026 » n'est pas une date valide "
                                "(attendu : JJ/MM/AAAA)."}
    for entry in report["files"]:
        for counts in entry["sheets"].values():
            assert counts["rows_read"] == counts["rows_accepted"] + counts["rows_rejected"]


def test_validate_exit_0_and_french_report(run):
    out = run("validate", str(FIXTURES / "totals-line.xlsx"), "--secteur", "Stiring-Wendel", "--date", "2026-11-25")
    assert out.returncode == 0, out.stdout
    assert "secteur Stiring-Wendel : OK" in out.stdout
    assert ("Problèmes : 10 ligne(s) lue(s), 8 acceptée(s), 0 rejetée(s), "
            "2 ligne(s) de total ou de note mise(s) de côté") in out.stdout
    assert "[Information] Ligne 11 : ligne de total ou de note" in out.stdout


def test_usage_errors_exit_2(run):
    assert run("validate").returncode == 2
    assert run("frobnicate").returncode == 2
    assert run("validate", "x.xlsx", "--date", "hier").returncode == 2


def test_hostile_file_exit_1_with_file_level_issue(run):
    out = run("validate", str(FIXTURES / "zip-bomb.xlsx"), "--secteur", "forbach", "--json")
    assert out.returncode == 1
    entry = json.loads(out.stdout)["files"][0]
    assert entry["issues"][0]["row"] is None and entry["issues"][0]["code"] == "zip_bomb"


def test_normalize_writes_three_csv_of_accepted_rows(tmp_path, run):
    out = run("normalize", str(FIXTURES / "row-errors.xlsx"), "--secteur", "stiring", "--out", str(tmp_path),
              "--date", "2026-11-25")
    assert out.returncode == 1  # some rows were rejected: said, and the valid ones written
    with open(tmp_path / "problems.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["source_row"] for r in rows] == ["7", "8", "9"]
    assert list(rows[0]) == ["sector_id", "problem_id", "reported_on", "commune_insee", "commune_name", "location",
                             "category", "description", "reported_by", "priority", "status", "due_on", "resolved_on",
                             "stage", "outcome", "lead_partner", "source_file", "source_row"]
    assert rows[0]["status"] == "resolved" and rows[0]["resolved_on"] == ""
    assert rows[1]["commune_insee"] == "" and rows[1]["commune_name"] == "Atlantis"
    with open(tmp_path / "meetings.csv", encoding="utf-8", newline="") as fh:
        meetings = list(csv.DictReader(fh))
    assert meetings[0]["meeting_date"].count("-") == 2 and meetings[0]["mayor_present"] in ("true", "false")
    assert {m["kind"] for m in meetings} == {"ordinary"}


def test_normalize_writes_the_diagnostics_and_the_partners(tmp_path, run):
    """tracker-format.md: diagnostics.csv and partners.csv beside the three others, codes as in domain.md."""
    out = run("normalize", str(ROOT / "sample_data" / "suivi_gpo_forbach.xlsx"), "--out", str(tmp_path),
              "--date", "2026-11-25")
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actions.csv", "diagnostics.csv", "meetings.csv",
                                                          "partners.csv", "problems.csv"]

    def read(name):
        with open(tmp_path / name, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    diagnostics = read("diagnostics.csv")
    assert list(diagnostics[0]) == ["sector_id", "diagnosed_on", "title", "shared_on", "priority_problem_ids", "summary",
                                    "source_file", "source_row"]
    assert [d["diagnosed_on"] for d in diagnostics] == ["2025-10-14", "2026-09-26"]
    assert diagnostics[1]["priority_problem_ids"] == "P-01;P-03;P-10;P-15" and diagnostics[1]["shared_on"] == ""
    partners = read("partners.csv")
    assert list(partners[0]) == ["sector_id", "organisation", "partner_type", "contact", "email", "opted_out",
                                 "source_file", "source_row"]
    assert {p["opted_out"] for p in partners} == {"true", "false"} and partners[0]["partner_type"] == "mairie"
    problems = read("problems.csv")
    assert {p["outcome"] for p in problems} <= {"", "eliminated", "reduced", "less_harmful", "better_handled",
                                                "handed_over", "no_effect", "worse"}
    assert {p["stage"] for p in problems} == {"analysis", "response", "assessment"}
