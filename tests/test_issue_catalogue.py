"""Every issue code has a French template, is documented in the README, and every use fills its template."""

import ast
import re
from pathlib import Path

import pytest

from domain.issue_catalogue import CATALOGUE, make_issue, template_fields

ROOT = Path(__file__).resolve().parent.parent
STANDARD = {"row", "column", "value", "sheet", "sheet_label"}


def _calls():
    """(file, code, keyword names) for every make_issue("code", ...) call in the project."""
    for path in [*ROOT.glob("loaders/*.py"), *ROOT.glob("domain/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            if getattr(node.func, "id", None) == "make_issue" and node.args:
                code_arg = node.args[0]
            elif getattr(node.func, "attr", None) == "add" and len(node.args) >= 2:  # _Collector.add(i, code, column, value)
                code_arg = node.args[1]
            else:
                continue
            if isinstance(code_arg, ast.Constant) and isinstance(code_arg.value, str):
                yield path.name, code_arg.value, {k.arg for k in node.keywords}


def test_every_code_used_is_in_the_catalogue_and_fills_its_template():
    seen = set()
    for file, code, keywords in _calls():
        assert code in CATALOGUE, f"{file}: {code}"
        missing = template_fields(code) - STANDARD - keywords
        assert not missing, f"{file}: {code} needs {missing}"
        seen.add(code)
    # codes passed through a variable (a table of codes per column kind, a helper's parameter)
    for path in ROOT.glob("loaders/*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in CATALOGUE:
                seen.add(node.value)
    assert seen == set(CATALOGUE), f"codes never raised: {set(CATALOGUE) - seen}"


def test_every_code_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in CATALOGUE:
        assert f"`{code}`" in readme, code


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_templates_are_french_sentences(code):
    severity, template = CATALOGUE[code]
    assert severity in {"error", "warning", "info"}
    assert template[0].isupper() and template.rstrip().endswith((".", ")"))
    assert not re.search(r"\b(the|not found|invalid|error|missing)\b", template, re.IGNORECASE)


def test_message_positions_the_cell():
    issue = make_issue("invalid_date", sheet="actions", row=14, column="Échéance", value="31/02/2026")
    assert issue.message == "Ligne 14, colonne « Échéance » : « 31/02/2026 » n'est pas une date valide (attendu : JJ/MM/AAAA)."
    assert (issue.severity, issue.sheet, issue.row, issue.column, issue.value) == ("error", "actions", 14, "Échéance", "31/02/2026")
