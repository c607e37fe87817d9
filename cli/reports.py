"""The readable French report of a check, printed by `validate` and `import`."""

from __future__ import annotations

from collections import Counter

from domain.issue_catalogue import SEVERITY_LABELS
from domain.reference import default_reference
from domain.tracker_schema import SHEETS
from loaders.tracker_loader import TrackerResult


def report(results: list[TrackerResult]) -> str:
    """The readable French report: one block per file and sector."""
    reference = default_reference()
    blocks = []
    for r in results:
        sector = reference.sectors.get(r.sector_id or "")
        title = f"{r.file} — secteur {sector.name}" if sector else f"{r.file} — secteur non déterminé"
        verdict = "OK" if r.ok else "ERREURS"
        lines = [f"{title} : {verdict}"]
        set_aside = Counter(i.sheet for i in r.issues if i.code == "footer_line")  # counted as rejected, not errors
        for key, count in r.counts.items():
            line = (f"  {SHEETS[key].label} : {count.rows_read} ligne(s) lue(s), {count.rows_accepted} acceptée(s), "
                    f"{count.rows_rejected - set_aside[key]} rejetée(s)")
            if set_aside[key]:
                line += f", {set_aside[key]} ligne(s) de total ou de note mise(s) de côté"
            lines.append(line)
        for issue in r.issues:
            lines.append(f"  [{SEVERITY_LABELS[issue.severity]}] {issue.message}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
