"""Seeded, realistic sample trackers: one per sector of the reference data, for the demo and the tests.

    python scripts/build_sample_data.py [--as-of 2026-11-20] [--seed 57] [--out sample_data]

Same seed and --as-of, same content. Most files are the exported template
(`write_filled_tracker`); a few are then "hand edited" the way animators do
(title lines, header synonyms, statuses typed freely, text dates, a total line),
and two are LibreOffice .ods files. Every file loads without error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

import openpyxl
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.reference import Reference, Sector, default_reference  # noqa: E402
from domain.tracker_schema import OUTPUT_COLUMNS, SHEETS  # noqa: E402
from domain.vocabulary import CADENCES, VOCABULARIES  # noqa: E402
from loaders.tracker_export import cell_value, write_filled_tracker  # noqa: E402

D = dt.timedelta
ODS = ("sarrebourg", "amneville")
TITLE_LINES = ("metz-centre", "thionville-centre", "sarreguemines-centre")
SYNONYM_HEADERS = ("hagondange", "yutz")
FREE_STATUSES = ("stiring", "woippy", "freyming-merlebach", "yutz")
LATE = ("marly",)  # missed its last meetings: shows as late on the dashboard
PLANNED_ONLY = ("fameck", "sarreguemines-peripherie")

PLACES = {
    "metz-centre": ["Borny, boulevard de Provence", "Bellecroix, rue de Toul", "La Patrotte", "Metz-Nord, rue de Thionville",
                    "place Saint-Louis", "rue Serpenoise", "quartier de la Gare, rue Gambetta", "Sablon, rue Saint-Bernard",
                    "Hauts-de-Vallières", "Pontiffroy, place de France"],
    "woippy": ["Saint-Éloy, rue Pierre-et-Marie-Curie", "Boileau-Prégénie", "route de Thionville", "abords du collège"],
    "thionville-centre": ["Côte des Roses", "La Milliaire", "place de la Gare", "rue de Paris", "quartier Saint-Pierre",
                          "parking du Théâtre", "Veymerange, rue des Écoles"],
    "forbach": ["Bellevue, rue de Sarreguemines", "Wiesberg, place du Marché", "rue Nationale", "Le Creutzberg",
                "parvis de la gare", "avenue Saint-Rémy", "Bellevue, halls du bâtiment C", "Wiesberg, city stade"],
    "stiring": ["cité Habsterdick", "Vieille-Verrerie", "rue Nationale", "place de Wendel"],
    "sarreguemines-centre": ["Beausoleil", "cité Fulrad", "rue de la Chapelle", "gare routière", "quartier de la Blies",
                             "Himmelsberg"],
    "freyming-merlebach": ["cité Hochwald", "cité Reumaux", "place de la Mairie", "rue de Metz"],
    "amneville": ["zone touristique, parking du Galaxie", "Rombas, place Foch", "cité Bellevue"],
}
GENERIC_PLACES = ["rue de la Gare", "place de la Mairie", "city stade", "parking du supermarché", "abords du collège",
                  "rue des Écoles", "parc municipal", "résidence les Tilleuls", "arrêt de bus de l'église", "rue de la Paix"]
BAILLEURS = {"metz": ["Metz Habitat Territoire", "Vivest", "Logiest"], "hagondange": ["Batigère", "Vivest"],
             "thionville": ["Batigère", "Moselis"], "forbach": ["Moselis", "Sainte-Barbe Habitat", "Vivest"],
             "sarrebourg": ["Moselis"], "sarreguemines": ["Moselis", "Batigère"], "freyming-merlebach": ["Vivest", "Moselis"]}
TRANSPORT = {"metz": "Le Met'", "hagondange": "TIM / Transdev", "thionville": "Citéline", "forbach": "Forbus",
             "sarrebourg": "TIM / Transdev", "sarreguemines": "Cabus", "freyming-merlebach": "Forbus"}
OTHERS = ["sécurité privée du centre commercial", "Éducation nationale (principal du collège)",
          "association de médiation sociale", "club de prévention", "union des commerçants", "SNCF sûreté ferroviaire"]
# category -> (descriptions, actions as (text, partner kind))
PROBLEMS = {
    "Nuisances sonores": (["Musique forte et regroupements bruyants jusqu'à 2 h du matin", "Tapage nocturne récurrent le week-end"],
                          [("Patrouilles ciblées le vendredi et le samedi soir", "police_nationale"), ("Rappel à l'ordre des occupants", "bailleur")]),
    "Rassemblements / occupation de halls": (["Occupation des halls par un groupe de jeunes, locataires intimidés", "Regroupements sur les bancs au pied des immeubles"],
                                             [("Pose de digicodes et réparation des portes de halls", "bailleur"), ("Présence renforcée en soirée", "police_municipale"), ("Maraude des médiateurs", "association")]),
    "Rodéos motorisés": (["Rodéos de motos cross et quads en soirée", "Rodéos urbains sur le parking, riverains excédés"],
                         [("Opération de contrôle et saisie des engins", "police_nationale"), ("Installation de chicanes", "mairie"), ("Vidéoprotection : nouvelle caméra", "mairie")]),
    "Trafic de stupéfiants": (["Point de deal au pied de l'immeuble", "Va-et-vient suspects et guetteurs signalés par les habitants"],
                              [("Enquête et opérations de police ciblées", "police_nationale"), ("Élagage et éclairage pour supprimer les zones d'ombre", "bailleur")]),
    "Dégradations / incivilités": (["Tags et boîtes aux lettres dégradées", "Abribus vandalisé à plusieurs reprises"],
                                   [("Nettoyage et remise en état", "mairie"), ("Remplacement de la vitre de l'abribus", "transporteur"), ("Dépôt de plainte systématique", "bailleur")]),
    "Stationnement gênant": (["Stationnement sur les trottoirs à la sortie de l'école", "Voitures ventouses sur le parking des résidents"],
                             [("Verbalisation aux heures d'entrée et de sortie", "police_municipale"), ("Pose de potelets", "mairie")]),
    "Sécurité routière": (["Vitesse excessive, demande de ralentisseur", "Refus de priorité fréquents au carrefour"],
                          [("Contrôles de vitesse", "police_nationale"), ("Étude d'un plateau surélevé", "mairie")]),
    "Cambriolages": (["Série de cambriolages de caves", "Cambriolages de pavillons en journée"],
                     [("Opération tranquillité vacances et conseils aux habitants", "police_nationale"), ("Renforcement des portes de caves", "bailleur")]),
    "Vols": (["Vols à la roulotte sur le parking", "Vols de vélos devant la gare"],
             [("Surveillance du parking en soirée", "police_municipale"), ("Installation d'arceaux sécurisés", "mairie")]),
    "Violences / rixes": (["Rixes entre groupes de jeunes en sortie de collège", "Altercations répétées devant un bar"],
                          [("Présence aux heures de sortie", "police_nationale"), ("Médiation avec les familles", "education"), ("Rappel des règles au gérant", "commerce")]),
    "Éclairage / aménagement urbain": (["Éclairage public défaillant, sentiment d'insécurité", "Haies non taillées masquant le passage"],
                                       [("Remplacement des candélabres", "mairie"), ("Taille des haies", "bailleur")]),
    "Dépôts sauvages": (["Dépôts d'encombrants récurrents au pied des immeubles", "Décharge sauvage en lisière de bois"],
                        [("Enlèvement et panneau de rappel", "mairie"), ("Information des locataires", "bailleur"), ("Caméra nomade", "police_municipale")]),
    "Autre": (["Mendicité insistante devant les commerces", "Chiens dangereux non tenus en laisse"],
              [("Rappel de la réglementation et verbalisation", "police_municipale"), ("Information des commerçants", "commerce")]),
}
NOTES = ["Point sur les problèmes en cours", "Tour de table des partenaires", "Bilan des patrouilles du mois",
         "Nouveaux signalements des bailleurs", "Retour sur les actions échues", "Suivi du diagnostic de sécurité", ""]
COMMENTS = ["Relance faite par l'animateur", "Devis en cours", "Premiers effets constatés", "Reporté faute de moyens",
            "À revoir en GPO", "", "", ""]
PRIORITIES = ["high", "medium", "medium", "low"]


def _partner(kind: str, commune: str, sector: Sector, ref: Reference, rng: random.Random) -> str:
    return {"mairie": f"Mairie de {commune}", "police_municipale": f"Police municipale de {commune}",
            "police_nationale": f"Commissariat de {ref.csps[sector.csp_id].name}",
            "bailleur": rng.choice(BAILLEURS[sector.csp_id]), "transporteur": TRANSPORT[sector.csp_id],
            "education": "Collège du secteur (Éducation nationale)", "association": "Association de médiation sociale",
            "commerce": "Union des commerçants", "securite_privee": "Société de sécurité privée"}[kind]


def _meetings(sector: Sector, as_of: dt.date, rng: random.Random) -> list[dict]:
    if sector.constituted_on is None:
        if sector.sector_id not in PLANNED_ONLY:
            return []
        return [{"meeting_date": as_of + D(days=rng.randint(5, 21)), "kind": "constitutive", "status": "planned",
                 "notes": "Réunion constitutive : présentation du diagnostic de sécurité"}]
    if sector.cadence == "fortnightly":
        start = as_of - D(days=365)
        first = start + D(days=(rng.choice([0, 1, 3]) - start.weekday()) % 7)  # a Monday, Tuesday or Thursday
        dates = [first + D(days=14 * k) for k in range(40)]
    else:
        day = rng.choice([1, 2, 3])  # second Tuesday, Wednesday or Thursday of the month
        dates = []
        for k in range(14):
            month = (as_of.month - 12 + k - 1) % 12 + 1
            year = as_of.year + (as_of.month - 12 + k - 1) // 12
            first = dt.date(year, month, 1)
            dates.append(first + D(days=(day - first.weekday()) % 7 + 7))
    dates = [d for d in dates if d >= as_of - D(days=365)]
    past = [d for d in dates if d <= as_of]
    skipped = set(rng.sample(range(2, len(past) - 3), 2 if sector.cadence == "fortnightly" else 1))
    if sector.sector_id in LATE:
        skipped |= {len(past) - 1, len(past) - 2}
    odd = rng.sample(sorted(set(range(2, len(past) - 3)) - skipped), 2)
    pool = [*BAILLEURS[sector.csp_id][:2], TRANSPORT[sector.csp_id], *rng.sample(OTHERS, 2)]
    rows = []
    for i, day in enumerate(past):
        if i in skipped:
            continue
        row = {"meeting_date": day, "kind": "review" if i and i % 12 == 0 else "ordinary", "status": "held"}
        if i == odd[0]:
            row.update(status="postponed", notes="Reportée : indisponibilité de la mairie")
            rows.append(row)
            row = {"meeting_date": day + D(days=7), "kind": "ordinary", "status": "held"}
        elif i == odd[1]:
            row.update(status="cancelled", notes="Annulée (mobilisation des effectifs)")
            rows.append(row)
            continue
        others = rng.sample(pool, rng.randint(0, 3))
        row.update(mayor_present=rng.random() < 0.9, municipal_police_present=rng.random() < 0.85,
                   national_police_present=rng.random() < 0.97, other_partners=", ".join(others) or None,
                   attendees=3 + len(others) + rng.randint(1, 6), notes=rng.choice(NOTES) or None)
        rows.append(row)
    if sector.sector_id == "forbach":
        taken = {r["meeting_date"] for r in rows}
        extra = next(as_of - D(days=n) for n in range(40, 60) if as_of - D(days=n) not in taken)
        rows.append({"meeting_date": extra, "kind": "extraordinary", "status": "held", "mayor_present": True,
                     "municipal_police_present": True, "national_police_present": True, "attendees": 14,
                     "other_partners": "Moselis, Forbus, association de médiation sociale",
                     "notes": "Réunion extraordinaire après les rixes du Wiesberg"})
    nxt = next(d for d in dates if d > as_of)
    rows.append({"meeting_date": nxt, "kind": "ordinary", "status": "planned"})
    return sorted(rows, key=lambda r: r["meeting_date"])


def _problems_and_actions(sector: Sector, ref: Reference, as_of: dt.date, rng: random.Random):
    communes = [ref.communes[c].name for c in sector.communes]
    places = PLACES.get(sector.sector_id, []) + GENERIC_PLACES
    if sector.constituted_on is None:
        count = rng.randint(0, 3) if sector.sector_id in PLANNED_ONLY else 0
    else:
        count = rng.randint(6, 20)
    if sector.constituted_on is None:
        ages = sorted((rng.randint(3, 60) for _ in range(count)), reverse=True)
    else:
        ages = sorted((rng.randint(3, 420) for _ in range(count)), reverse=True)
    problems, actions = [], []
    for n, age in enumerate(ages, 1):
        category = rng.choice(list(PROBLEMS))
        texts, steps = PROBLEMS[category]
        commune = communes[0] if len(communes) == 1 or rng.random() < 0.5 else rng.choice(communes[1:])
        shown = commune
        if rng.random() < 0.15:  # typed as people type it
            shown = rng.choice([commune.upper(), commune.replace("Saint-", "St-").replace("-", " "),
                                commune.replace("è", "e").replace("é", "e")])
        reported = as_of - D(days=age)
        if sector.constituted_on is None:
            status = "open"
        else:
            status = rng.choices(["resolved", "dropped", "in_progress", "open"],
                                 [0.55 if age > 90 else 0.2 if age > 20 else 0, 0.07, 0.25, 0.18 if age > 90 else 0.4])[0]
        due = reported + D(days=rng.choice([30, 45, 60, 90, 120])) if rng.random() < 0.85 else None
        if due and status in ("open", "in_progress") and due < as_of and rng.random() < 0.5:
            due = as_of + D(days=rng.randint(10, 75))  # deadline set again at a recent meeting
        resolved = min(reported + D(days=rng.randint(7, 150)), as_of - D(days=1)) if status == "resolved" else None
        problems.append({"problem_id": f"P-{n:02d}", "reported_on": reported, "commune_name": shown,
                         "location": rng.choice(places), "category": category, "description": rng.choice(texts),
                         "reported_by": "Diagnostic de sécurité" if sector.constituted_on is None else
                         rng.choice(["Mairie", "Police municipale", "Commissariat", "Bailleur", "Habitants (courrier)",
                                     "Conseil citoyen", "Transporteur"]),
                         "priority": rng.choice(PRIORITIES), "status": status, "due_on": due, "resolved_on": resolved})
        if sector.constituted_on is None:
            continue
        for text, kind in rng.sample(steps, rng.randint(1, len(steps))):
            started = min(reported + D(days=rng.randint(0, 20)), as_of)
            act_due = started + D(days=rng.choice([14, 21, 30, 45, 60, 90]))
            if status == "resolved":
                act = rng.choices(["done", "dropped"], [0.9, 0.1])[0]
            elif status == "dropped":
                act = "dropped"
            else:
                act = rng.choice(["todo", "in_progress", "in_progress", "done"] if status == "in_progress" else ["todo", "in_progress"])
            done = None
            if act in ("todo", "in_progress") and act_due < as_of and rng.random() < 0.6:
                act_due = as_of + D(days=rng.randint(7, 60))  # deadline set again at a recent meeting
            if act == "done":
                limit = resolved or as_of - D(days=1)
                done = min(started + D(days=rng.randint(3, 60)), limit)
                done = max(done, started)
            actions.append({"action_id": f"A-{len(actions) + 1:02d}", "problem_id": f"P-{n:02d}", "description": text,
                            "partner": _partner(kind, commune, sector, ref, rng), "partner_type": kind,
                            "started_on": started, "due_on": act_due, "status": act, "done_on": done,
                            "comment": rng.choice(COMMENTS) or None})
    return problems, actions


def _frames(rows: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    return {key: pd.DataFrame([{c: r.get(c) for c in OUTPUT_COLUMNS[key]} for r in rows[key]],
                              columns=list(OUTPUT_COLUMNS[key])) for key in rows}


def _hand_edit(path: Path, sector: Sector, as_of: dt.date, rng: random.Random) -> None:
    """What years of hand editing do to the exported file."""
    wb = openpyxl.load_workbook(path)
    sid = sector.sector_id
    renames = {"Réf": "N°", "Statut": "État", "Échéance": "Date limite", "Partenaire responsable": "Responsable",
               "Réf action": "N° action", "Nombre de participants": "Nb participants", "Observations": "Compte rendu"}
    free = {"En cours": ["en cours", "En-cours", "EN COURS"], "Résolu": ["Clos", "Résolu", "traité"],
            "Réalisée": ["Fait", "Réalisée", "OK"], "À faire": ["A faire", "à faire"], "Tenue": ["Tenue", "tenue", "Réalisée"]}
    for key in ("meetings", "problems", "actions"):
        ws = wb[SHEETS[key].label]
        if sid in SYNONYM_HEADERS:
            for cell in ws[1]:
                cell.value = renames.get(cell.value, cell.value)
        if sid in FREE_STATUSES:
            status_col = next(c.column for c in ws[1] if c.value in ("Statut", "État"))
            for (cell,) in ws.iter_rows(min_row=2, min_col=status_col, max_col=status_col):
                if cell.value in free:
                    cell.value = rng.choice(free[cell.value])
            if key == "meetings":  # dates typed as text, day first
                for (cell,) in ws.iter_rows(min_row=2, max_col=1):
                    if isinstance(cell.value, dt.datetime) and rng.random() < 0.3:
                        cell.value = cell.value.strftime("%d/%m/%Y")
        if sid in TITLE_LINES:
            ws.insert_rows(1, 2)
            ws.data_validations.dataValidation = []
            ws.auto_filter.ref = None
            ws.freeze_panes = "A4"
            ws["A1"] = f"GPO de {sector.name} — tableau de suivi"
            ws["A1"].font = openpyxl.styles.Font(bold=True, size=14)
            ws["A2"] = f"Mis à jour le {as_of.strftime('%d/%m/%Y')}"
            if key == "problems":
                ws.cell(ws.max_row + 2, 1, f"Total : {ws.max_row - 3} problèmes suivis")
    wb.save(path)


def _write_ods(path: Path, frames: dict[str, pd.DataFrame], sector: Sector, ref: Reference) -> None:
    """LibreOffice file, as an animator saves it: labels in French, real dates."""
    card = [["Secteur", sector.name], ["Circonscription", ref.csps[sector.csp_id].name],
            ["Animateur", sector.animateur], ["Cadence", CADENCES[sector.cadence]],
            ["Date de constitution", sector.constituted_on or ""]]
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame(card).to_excel(writer, sheet_name="Secteur", header=False, index=False)
        for key in ("meetings", "problems", "actions"):
            cols = SHEETS[key].columns
            table = pd.DataFrame([[cell_value(c, v) for c, v in zip(cols, row)]
                                  for row in frames[key][[c.field for c in cols]].itertuples(index=False)],
                                 columns=[c.label for c in cols], dtype="object")
            table.to_excel(writer, sheet_name=SHEETS[key].label, index=False)


def build(out: Path, as_of: dt.date, seed: int, ref: Reference | None = None) -> list[Path]:
    ref = ref or default_reference()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sector in ref.sectors.values():
        rng = random.Random(f"{seed}-{sector.sector_id}")
        problems, actions = _problems_and_actions(sector, ref, as_of, rng)
        frames = _frames({"meetings": _meetings(sector, as_of, rng), "problems": problems, "actions": actions})
        if sector.sector_id in ODS:
            path = out / f"suivi_gpo_{sector.sector_id}.ods"
            _write_ods(path, frames, sector, ref)
        else:
            path = write_filled_tracker(out / f"suivi_gpo_{sector.sector_id}.xlsx", frames, sector=sector, reference=ref)
            if sector.sector_id in (*TITLE_LINES, *SYNONYM_HEADERS, *FREE_STATUSES):
                _hand_edit(path, sector, as_of, rng)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Écrit un tableau de suivi d'exemple par secteur.")
    parser.add_argument("--as-of", default=dt.date.today().isoformat(), help="date de référence AAAA-MM-JJ")
    parser.add_argument("--seed", type=int, default=57)
    parser.add_argument("--out", default="sample_data")
    args = parser.parse_args(argv)
    for path in build(Path(args.out), dt.date.fromisoformat(args.as_of), args.seed):
        print(f"Écrit : {path} ({path.stat().st_size // 1024} Ko)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
