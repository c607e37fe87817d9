"""`python -m loaders`, for admins and CI: list sectors, validate and normalize trackers, write the template, import
into the store and export from it.

    python -m loaders sectors --json
    python -m loaders validate FILE... [--secteur NAME] [--json]
    python -m loaders normalize FILE... [--secteur NAME] --out DIR
    python -m loaders template [--secteur NAME] --out FILE.xlsx
    python -m loaders import FILE... [--secteur NAME] [--as USER] [--yes]
    python -m loaders export --secteur NAME --out FILE.xlsx

Exit codes: 0 no error (import: everything asked was imported), 1 an error in
some file (import: something was not imported, or the database failed: one
French line on stderr, no traceback), 2 a usage error.
`import` and `export` use the store named by GPO_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

import pandas as pd

from cli.french_argparse import FrenchParser
from cli.reports import report
from cli.tracker_store import run_export, run_import
from domain.reference import default_reference
from loaders.isolated import load_isolated
from loaders.normalized_csv import write_normalized
from loaders.template_writer import write_template
from loaders.tracker_loader import SHEET_ORDER, TrackerResult, empty_frames
from store.errors import cli_line


def _parser() -> argparse.ArgumentParser:
    parser = FrenchParser(prog="python -m loaders", description="Lecture et contrôle des tableaux de suivi des GPO.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=FrenchParser)
    sectors = sub.add_parser("sectors", help="liste des secteurs du référentiel")
    sectors.add_argument("--json", action="store_true", help="sortie JSON")
    validate = sub.add_parser("validate", help="contrôle un ou plusieurs fichiers")
    validate.add_argument("files", nargs="+", metavar="FICHIER")
    validate.add_argument("--secteur", help="secteur du fichier (sinon lu dans le fichier ou son nom)")
    validate.add_argument("--json", action="store_true", help="rapport JSON")
    validate.add_argument("--date", help="date de référence AAAA-MM-JJ (défaut : aujourd'hui)")
    normalize = sub.add_parser("normalize", help="écrit les lignes acceptées en CSV normalisés")
    normalize.add_argument("files", nargs="+", metavar="FICHIER")
    normalize.add_argument("--secteur")
    normalize.add_argument("--out", required=True, metavar="DOSSIER")
    normalize.add_argument("--date", help="date de référence AAAA-MM-JJ (défaut : aujourd'hui)")
    template = sub.add_parser("template", help="écrit le modèle vierge de tableau de suivi")
    template.add_argument("--secteur")
    template.add_argument("--out", required=True, metavar="FICHIER.xlsx")
    store_import = sub.add_parser("import", help="contrôle et importe des tableaux dans la base")
    store_import.add_argument("files", nargs="+", metavar="FICHIER")
    store_import.add_argument("--secteur")
    store_import.add_argument("--as", dest="user", default=None, metavar="UTILISATEUR", type=_uploader_name,
                              help="nom enregistré avec l'import, 120 caractères au plus (défaut : l'utilisateur "
                                   "du système)")
    store_import.add_argument("--yes", action="store_true",
                              help="importer même si des lignes de l'import précédent disparaissent")
    store_import.add_argument("--date", help="date de référence AAAA-MM-JJ (défaut : aujourd'hui)")
    export = sub.add_parser("export", help="écrit les données actuelles d'un secteur dans un tableau de suivi")
    export.add_argument("--secteur", required=True)
    export.add_argument("--out", required=True, metavar="FICHIER.xlsx")
    return parser


def _uploader_name(text: str) -> str:
    """An argument type: the name kept with an import fits its column (`imports.imported_by`), as on the Import page."""
    if len(text.strip()) > 120:
        raise argparse.ArgumentTypeError(f"nom trop long ({len(text.strip())} caractères, 120 au plus)")
    return text.strip()


def _as_of(text: str | None) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        print(f"Erreur d'utilisation : --date « {text} » n'est pas une date AAAA-MM-JJ.", file=sys.stderr)
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    reference = default_reference()
    if args.command == "sectors":
        return _sectors(reference, args.json)
    if args.command == "template":
        if args.secteur and reference.match_sector(args.secteur) is None:
            print(f"Erreur d'utilisation : secteur « {args.secteur} » inconnu. Secteurs : {reference.sector_names()}.", file=sys.stderr)
            return 2
        path = write_template(args.out, sector=reference.match_sector(args.secteur) if args.secteur else None,
                              reference=reference)
        print(f"Modèle écrit : {path}")
        return 0
    if args.command in ("import", "export"):
        if args.secteur and reference.match_sector(args.secteur) is None:
            print(f"Erreur d'utilisation : secteur « {args.secteur} » inconnu. Secteurs : {reference.sector_names()}.", file=sys.stderr)
            return 2
        try:
            if args.command == "export":
                return run_export(reference, args.secteur, args.out)
            return run_import(reference, args.files, sector=args.secteur, user=args.user, accept_vanished=args.yes,
                              as_of=_as_of(args.date))
        except OSError as exc:  # the --out file
            print(f"Erreur d'écriture : {exc.strerror} ({exc.filename}).", file=sys.stderr)
            return 1
        except Exception as exc:  # a database failure: one French line, never the driver's SQL and row data
            line = cli_line(exc)
            if line is None:
                raise
            print(line, file=sys.stderr)
            return 1
    as_of = _as_of(args.date)
    results: list[TrackerResult] = []
    for name in args.files:
        results += load_isolated(name, sector=args.secteur, as_of=as_of, reference=reference)
    if args.command == "validate":
        if args.json:
            json.dump({"files": [r.as_json() for r in results]}, sys.stdout, ensure_ascii=False, indent=2)
            print()
        else:
            print(report(results))
    else:
        frames = empty_frames()
        for key in SHEET_ORDER:
            parts = [r.frames[key] for r in results if len(r.frames[key])]
            if parts:
                frames[key] = pd.concat(parts, ignore_index=True)
        for path in write_normalized(frames, args.out):
            print(f"Écrit : {path}")
        bad = [r for r in results if not r.ok]
        if bad:
            print(f"{len(bad)} fichier(s) avec erreurs : seules les lignes acceptées ont été écrites "
                  "(détail : python -m loaders validate).", file=sys.stderr)
    return 0 if all(r.ok for r in results) else 1


def _sectors(reference, as_json: bool) -> int:
    rows = [
        {"sector_id": s.sector_id, "name": s.name, "csp": s.csp_id, "communes": list(s.communes), "cadence": s.cadence}
        for s in reference.sectors.values()
    ]
    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for s in reference.sectors.values():
            rythme = "tous les 15 jours" if s.cadence == "fortnightly" else "mensuel"
            print(f"{s.sector_id:26} {s.name:34} CSP {reference.csps[s.csp_id].name:20} {len(s.communes):2} commune(s), {rythme}")
    return 0
