"""axe-core (bundled by axe-playwright-python, no network) on the page a tab shows: the serious and critical
violations of the WCAG A/AA rules the accessibility statement names (report_tables.accessibility_statement)."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from report_tables.accessibility_statement import AXE_TAGS, BLOCKING_IMPACTS

_AXE = Axe()  # reads axe.min.js from the package once


def blocking_violations(page) -> list[str]:
    """« rule (impact) : help — first targets » for every serious or critical violation on the page as shown."""
    result = _AXE.run(page, options={"runOnly": {"type": "tag", "values": list(AXE_TAGS)}, "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}) : {v['help']} — {[(n['target'], n['html'][:160]) for n in v['nodes'][:3]]}"
            for v in result.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
