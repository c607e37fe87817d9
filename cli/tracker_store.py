"""`python -m loaders import` and `export`: the Import page's rules, from the shell, on GPO_DATABASE_URL."""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from pathlib import Path

from cli.reports import report
from domain.reference import Reference
from domain.tracker_diff import diff_details, diff_summary
from loaders.isolated import load_isolated
from loaders.one_sheet_files import import_order
from loaders.tracker_export import write_filled_tracker
from store.audit import record
from store.database import open_store
from store.imports import READY, ImportNotAllowed, Uploader, commit_import, plan_import
from store.queries import current_frames


def run_import(reference: Reference, files: list[str], *, sector: str | None, user: str | None, accept_vanished: bool,
               as_of: dt.date) -> int:
    engine = open_store()
    uploader = Uploader(user or getpass.getuser())
    loaded = []
    for name in files:
        path = Path(name)
        data = path.read_bytes() if path.is_file() else b""
        loaded += [(data, result) for result in load_isolated(path, filename=name, sector=sector, as_of=as_of, reference=reference)]
    everything = True
    # A sector's CSVs go one after the other (meetings, problems, then actions), each planned once the previous
    # one is imported: together they give what its workbook gives.
    for n in import_order([result for _, result in loaded]):
        data, result = loaded[n]
        plan = plan_import(engine, result, data, uploader)
        print(report([plan.result]))
        if plan.status != READY:
            print(f"  → {plan.message}")
            everything = everything and plan.status == "duplicate"
            continue
        summary = diff_summary(plan.diff)
        title = "Premier import de ce secteur" if plan.diff.first_import else "Différences avec les données actuelles"
        print(f"  {title} :")
        print("    " + summary.to_string(index=False).replace("\n", "\n    "))
        for heading, table in diff_details(plan.diff).items():
            print(f"  {heading} :")
            print("    " + table.to_string(index=False).replace("\n", "\n    "))
        if plan.diff.vanished_count and not accept_vanished:
            print(f"  → Rien n'est importé : {plan.diff.vanished_count} ligne(s) de l'import précédent disparaîtraient. "
                  "Relancez avec --yes pour confirmer leur disparition.")
            everything = False
            continue
        try:
            import_id = commit_import(engine, plan, data, uploader, accept_vanished=accept_vanished, as_of=as_of)
        except ImportNotAllowed as refusal:  # another import of this sector came in meanwhile
            print(f"  → Rien n'est importé : {refusal}")
            everything = False
            continue
        record(engine, uploader.name, "import", f"Import n° {import_id} : {plan.file_name} ({plan.rows_accepted} ligne(s)), "
               "en ligne de commande", result.sector_id)  # journaled as the Import page journals its imports
        print(f"  → Importé (import n° {import_id}) : {plan.rows_accepted} ligne(s) acceptée(s).")
        if plan.has_row_errors:
            everything = False
    return 0 if everything else 1


def run_export(reference: Reference, sector_name: str, out: str) -> int:
    sector = reference.match_sector(sector_name)
    engine = open_store()
    frames = current_frames(engine, [sector.sector_id])
    path = write_filled_tracker(out, frames, sector=sector, reference=reference)
    counts = ", ".join(f"{len(frames[k])} {label}" for k, label in
                       (("meetings", "réunion(s)"), ("problems", "problème(s)"), ("actions", "action(s)")))
    print(f"Tableau du secteur {sector.name} écrit : {path} ({counts}).", file=sys.stdout)
    return 0
