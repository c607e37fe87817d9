"""Seeded builder of tracker workbooks for tests: valid content, then the quirks real files have.

`base_tracker(seed)` gives rows keyed by canonical label; `write_xlsx(...)` lays
them out with title lines, renamed headers, merged cells, hidden rows, blank
lines, as an animator's file would have them. `tests/fixtures/build_fixtures.py`
uses it to write the committed fixture files; tests use it for generated variants.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from domain.tracker_schema import SHEET_ORDER, SHEETS

SHEET_LABELS = {"meetings": "Réunions", "problems": "Problèmes", "actions": "Actions"}
OPTIONAL_SHEET_LABELS = {"diagnostics": "Diagnostic", "partners": "Partenaires"}  # written when the tracker has rows
CYCLE_LABELS = ("Étape", "Résultat", "Chef de file")  # written only when a row has one: a tracker made before the cycle
AS_OF = dt.date(2026, 11, 25)
COMMUNES = ["Stiring-Wendel", "Schœneck", "Spicheren"]  # sector "stiring"
CATEGORIES = ["Nuisances sonores", "Rodéos motorisés", "Dépôts sauvages", "Trafic de stupéfiants", "Stationnement gênant"]
PARTNERS = [("Mairie de Stiring-Wendel", "Mairie"), ("Police municipale de Stiring-Wendel", "Police municipale"),
            ("Commissariat de Forbach", "Police nationale"), ("Moselis", "Bailleur"), ("Forbus", "Transporteur")]


@dataclass
class Tracker:
    rows: dict[str, list[dict]] = field(default_factory=dict)  # sheet key -> rows keyed by canonical label


def base_tracker(seed: int = 57, problems: int = 8) -> Tracker:
    """A small, valid tracker for sector "stiring", dated before AS_OF."""
    rng = random.Random(seed)
    meetings = []
    day = AS_OF - dt.timedelta(days=14 * 8)
    for _ in range(8):
        meetings.append({"Date": day, "Type": "Ordinaire", "Statut": "Tenue", "Mairie": "Oui", "Police municipale": "Oui",
                         "Police nationale": rng.choice(["Oui", "Non"]), "Autres partenaires": "Moselis",
                         "Nombre de participants": rng.randint(5, 14), "Observations": "Point sur les actions en cours"})
        day += dt.timedelta(days=14)
    meetings.append({"Date": AS_OF + dt.timedelta(days=6), "Type": "Ordinaire", "Statut": "Prévue"})
    probs, actions = [], []
    for n in range(1, problems + 1):
        reported = AS_OF - dt.timedelta(days=rng.randint(30, 300))
        status = rng.choice(["Ouvert", "En cours", "Résolu"])
        resolved = reported + dt.timedelta(days=rng.randint(5, 25)) if status == "Résolu" else None
        probs.append({"Réf": f"P-{n:02d}", "Date de signalement": reported, "Commune": rng.choice(COMMUNES),
                      "Lieu": f"rue {rng.choice(['de la Gare', 'Nationale', 'des Écoles'])}",
                      "Catégorie": rng.choice(CATEGORIES), "Description": "Gêne signalée par les riverains",
                      "Signalé par": "Mairie", "Priorité": rng.choice(["Haute", "Moyenne", "Basse"]), "Statut": status,
                      "Échéance": reported + dt.timedelta(days=60), "Date de résolution": resolved})
        partner, kind = rng.choice(PARTNERS)
        done = status == "Résolu"
        actions.append({"Réf action": f"A-{n:02d}", "Réf problème": f"P-{n:02d}", "Action": "Patrouilles ciblées en soirée",
                        "Partenaire responsable": partner, "Type de partenaire": kind, "Date de début": reported,
                        "Échéance": reported + dt.timedelta(days=30), "Statut": "Réalisée" if done else "En cours",
                        "Date de réalisation": resolved, "Commentaire": ""})
    return Tracker({"meetings": meetings, "problems": probs, "actions": actions})


def write_xlsx(path: Path, tracker: Tracker, *, title_lines: int = 0, headers: dict[str, dict[str, str]] | None = None,
               column_order: dict[str, list[str]] | None = None, sheet_names: dict[str, str] | None = None,
               extra_columns: dict[str, dict[str, list]] | None = None, sector_sheet: dict[str, object] | None = None,
               blank_every: int = 0) -> openpyxl.Workbook:
    """Lay the tracker out as a workbook and save it; returns the workbook for further touches."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    if sector_sheet:
        info = book.create_sheet("Secteur")
        for key, value in sector_sheet.items():
            info.append([key, value])
    for key in [k for k in SHEET_ORDER if k in tracker.rows]:
        sheet = book.create_sheet((sheet_names or {}).get(key, {**SHEET_LABELS, **OPTIONAL_SHEET_LABELS}[key]))
        used = {label for row in tracker.rows[key] for label, value in row.items() if value is not None}
        labels = (column_order or {}).get(key) or [c.label for c in SHEETS[key].columns
                                                   if c.label not in CYCLE_LABELS or c.label in used]
        shown = [(headers or {}).get(key, {}).get(label, label) for label in labels]
        extras = (extra_columns or {}).get(key, {})
        for n in range(title_lines):
            sheet.append([f"GPO Stiring-Wendel — ligne de titre {n + 1}"] if n == 0 else [f"Mis à jour le {AS_OF:%d/%m/%Y}"])
        sheet.append(shown + list(extras))
        for index, row in enumerate(tracker.rows[key]):
            if blank_every and index and index % blank_every == 0:
                sheet.append([])
            sheet.append([row.get(label) for label in labels] + [values[index % len(values)] for values in extras.values()])
    book.save(path)
    return book
