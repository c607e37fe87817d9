"""The layering the README describes, enforced: every import of every module, nested ones included, goes one way.

From top to bottom: the entry (dashboard.py, pages/, the three `python -m` shims: loaders, store,
gpo_server) → the app (app_state/, incidents.py, navigation.py, cli/) → what pages show (charts/, briefing/,
meeting_pack/, report_tables/) and mail/ (e-mail to partners) → store/ → loaders/ → exports/ → domain/, with
theme.py (colours and type sizes) beside domain/. `ALLOWED` is the one declaration: each part of the code and the parts it may import besides itself
(third-party packages are free, except Streamlit).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_THE_APP = {"tests", "scripts", "benchmarks", ".git", ".venv", "venv", "node_modules"}

PRESENTATION = {"charts", "briefing", "meeting_pack", "report_tables"}
ALLOWED: dict[str, set[str]] = {
    # entry: the Streamlit script and its pages (they reach the store only through app_state), the CLI shims
    "dashboard": {"app_state", "navigation", "incidents"},
    "pages": {"app_state", "navigation", "incidents", "charts", "briefing", "report_tables", "exports", "theme",
              "domain"},
    "loaders.__main__": {"cli"},
    "store.__main__": {"cli"},
    "gpo_server": {"cli"},  # `python -m gpo_server`: the intranet launcher (cli/serve.py)
    # the app: Streamlit's cache and session, the page registry, the command lines
    "app_state": {"navigation", "incidents", *PRESENTATION, "mail", "store", "loaders", "exports", "theme", "domain"},
    "incidents": set(),
    "navigation": {"domain"},
    "cli": {"mail", "store", "loaders", "exports", "domain"},
    # e-mail to partner contacts (messages, SMTP, the reminder run): it records what it sends in the store, so it is
    # no pure presentation package; the command line and the app's preview page both send, so it sits below both
    "mail": {"store", "exports", "domain"},
    # what pages show, built from frames (pure: no store, no Streamlit)
    "charts": {"theme", "domain"},
    "briefing": {"theme", "domain"},
    "meeting_pack": {"theme", "domain"},
    "report_tables": {"loaders", "domain"},  # loaders: the TrackerResult a check report lists
    # the data
    "store": {"loaders", "exports", "domain"},
    "loaders": {"exports", "domain"},
    "exports": {"domain"},  # spreadsheets written safely (formula-like text stays text): loaders and store write some
    "theme": set(),
    "domain": set(),
}
STREAMLIT_ALLOWED = {"dashboard", "pages", "app_state", "incidents"}


def app_modules() -> dict[str, Path]:
    """Every module of the app, by dotted name."""
    modules = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if NOT_THE_APP & set(parts):
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


MODULES = app_modules()
TOP_LEVEL = {name.split(".")[0] for name in MODULES}


def part_of(module: str) -> str:
    """The part of the code a module belongs to: its top-level package, or the shim itself."""
    return module if module in ("loaders.__main__", "store.__main__") else module.split(".")[0]


def imports_of(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, imported module) for every import statement of the file, those inside functions included."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against the module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
    return found


def forbidden_edges(modules: dict[str, Path]) -> list[str]:
    bad = []
    for module, path in modules.items():
        part = part_of(module)
        for line, target in imports_of(path, module):
            top = target.split(".")[0]
            shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
            where = f"{shown}:{line}: {part} → {target}"
            if top == "streamlit" and part not in STREAMLIT_ALLOWED:
                bad.append(where + " (Streamlit outside the app layer)")
            if top not in TOP_LEVEL:
                continue  # the standard library or a third-party package
            target_part = part_of(target)
            if target_part != part and target_part not in ALLOWED[part]:
                bad.append(where)
    return bad


def test_every_part_of_the_code_has_its_place_in_the_layers():
    """A new top-level module or package must be given its layer here before anything may import it."""
    assert {part_of(m) for m in MODULES} == set(ALLOWED), "déclarez la couche de chaque nouveau module dans ALLOWED"


def test_no_import_goes_up_or_sideways():
    assert forbidden_edges(MODULES) == []


def test_the_declared_layers_have_no_cycle():
    order: list[str] = []
    while len(order) < len(ALLOWED):  # peel off, again and again, the parts whose allowed imports are all placed
        ready = sorted(p for p, allowed in ALLOWED.items() if p not in order and allowed <= set(order))
        assert ready, f"cycle among {sorted(set(ALLOWED) - set(order))}"
        order += ready
    assert order.index("domain") < order.index("loaders") < order.index("store") < order.index("app_state") \
        < order.index("pages")


@pytest.mark.parametrize(("source", "edge"), [
    ("import store.queries\n", "store.queries"),
    ("def f():\n    from store.database import open_store\n", "store.database"),  # nested in a function
    ("from .queries import SHEETS\n", "loaders.queries"),  # relative: loaders/…, not the store's
    ("from . import schema\n", "loaders"),
])
def test_the_walk_sees_every_kind_of_import(tmp_path, source, edge):
    module = tmp_path / "mod.py"
    module.write_text(source, encoding="utf-8")
    assert [target for _, target in imports_of(module, "loaders.mod")] == [edge]


def test_the_walk_reports_an_upward_import_inside_a_function(tmp_path):
    module = tmp_path / "leak.py"
    module.write_text("def run():\n    from store.database import open_store\n    import streamlit as st\n", encoding="utf-8")
    found = forbidden_edges({"loaders.leak": module})
    assert [line.split(": ", 1)[1] for line in found] == ["loaders → store.database",
                                                           "loaders → streamlit (Streamlit outside the app layer)"]
