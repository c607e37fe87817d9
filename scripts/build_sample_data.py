"""Seeded, realistic sample trackers: one per sector of the reference data, for the demo and the tests.

    python scripts/build_sample_data.py [--as-of 2026-11-20] [--seed 57] [--out sample_data]

Same seed and --as-of, same content. Most files are the exported template
(`write_filled_tracker`); a few are then "hand edited" the way animators do
(title lines, header synonyms, statuses typed freely, text dates, a total line,
a sheet renamed), and two are LibreOffice .ods files. Every file loads without
error.

The cycle (issue 13) and the partner contacts (issue 14) are drawn from a random
stream of their own (`…-cycle`), after the meetings, problems and actions: those
are the same as before the cycle existed. Most sectors carry one or two
diagnostics (not the GPO not yet constituted, nor Sarrebourg, whose .ods is still
written as a tracker made before the cycle: old trackers keep loading), stages on
open problems, outcomes on closed ones (a few left without, which the loader
warns about: `MISSING_OUTCOME`), a chef de file on some, and a Partenaires sheet
of fictional contacts (functions, never people; e-mails on reserved domains,
`example.org` and `.invalid`), one of whom asked not to be written to.
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
from domain.tracker_schema import OUTPUT_COLUMNS, SHEET_ORDER, SHEETS  # noqa: E402
from domain.text import fold  # noqa: E402
from domain.vocabulary import CADENCES, VOCABULARIES  # noqa: E402
from loaders.tracker_export import cell_value, write_filled_tracker  # noqa: E402

D = dt.timedelta
ODS = ("sarrebourg", "amneville")
TITLE_LINES = ("metz-centre", "thionville-centre", "sarreguemines-centre")
SYNONYM_HEADERS = ("hagondange", "yutz")
FREE_STATUSES = ("stiring", "woippy", "freyming-merlebach", "yutz")
LATE = ("marly",)  # missed its last meetings: shows as late on the dashboard
PLANNED_ONLY = ("fameck", "sarreguemines-peripherie")
# The cycle and the partner contacts.
OLD_FORMAT = ("sarrebourg",)  # written as before the cycle: no Étape / Résultat / Chef de file, no new sheets
TWO_DIAGNOSTICS = ("metz-centre", "woippy", "thionville-centre", "forbach", "stiring", "hombourg-haut")
OVERDUE_BILAN = ("hagondange", "amneville")  # one diagnostic, more than 12 months old and no newer one
MISSING_OUTCOME = ("montigny", "yutz", "freyming-merlebach")  # one closed problem left without its Résultat
OPTED_OUT = "forbach"  # one contact who asked not to be written to
CONTACTS_BEFORE_CONSTITUTION = ("fameck",)  # its constitutive meeting is planned: the partners are known
RENAMED_SHEETS = {"woippy": {"Diagnostic": "Diagnostic de sécurité"}, "yutz": {"Partenaires": "Contacts"}}
CYCLE_RENAMES = {"Date du diagnostic": "Établi le", "Partagé le": "Diffusé le", "Problèmes prioritaires": "Priorités",
                 "Courriel": "E-mail", "Ne plus écrire": "Désinscrit", "Résultat": "Résultat obtenu",
                 "Chef de file": "Pilote"}
FREE_OUTCOMES = {"Réduit": ["réduit", "en baisse", "Réduit"], "Éliminé": ["Eliminé", "supprimé", "Éliminé"],
                 "Sans effet": ["aucun effet", "Sans effet"]}
STAGE_WEIGHTS = {"open": ({"scanning": 0.5, "analysis": 0.5}, 0.2),  # status -> (weights, share left without a stage)
                 "in_progress": ({"analysis": 0.25, "response": 0.6, "assessment": 0.15}, 0.1)}
OUTCOME_WEIGHTS = {"resolved": {"eliminated": 0.25, "reduced": 0.35, "less_harmful": 0.1, "better_handled": 0.15,
                                "handed_over": 0.05, "no_effect": 0.1},
                   "dropped": {"handed_over": 0.4, "no_effect": 0.4, "worse": 0.2}}
DIAGNOSTIC_TITLES = ["Diagnostic local de sécurité {year}", "Diagnostic de sécurité du secteur – {year}",
                     "Mise à jour du diagnostic ({month} {year})"]
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]
CONTACT_ROLES = {  # functions, never names of people
    "mairie": ["Adjoint au maire chargé de la sécurité", "Service prévention de la mairie", "Cabinet du maire"],
    "police_municipale": ["Chef de service de la police municipale", "Poste de police municipale"],
    "police_nationale": ["Référent GPO du commissariat", "Officier de la brigade de proximité"],
    "bailleur": ["Responsable de secteur du bailleur", "Chargé de la tranquillité résidentielle"],
    "transporteur": ["Responsable sûreté du réseau"], "education": ["Principal du collège"],
    "association": ["Coordinateur des médiateurs"], "commerce": ["Président de l'union des commerçants"],
    "securite_privee": ["Chef de poste"], "autre": ["Correspondant"],
}

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


def _slug(text: str) -> str:
    return "-".join(fold(text).split())[:40]


def _cycle(sector: Sector, ref: Reference, as_of: dt.date, problems: list[dict], actions: list[dict],
           rng: random.Random) -> tuple[list[dict], list[dict]]:
    """Stages, outcomes and chefs de file on `problems` (in place), the sector's diagnostics and partner contacts."""
    constituted = sector.constituted_on is not None
    if sector.sector_id in OLD_FORMAT:
        return [], []
    first_partner = {}
    for action in actions:
        first_partner.setdefault(action["problem_id"], (action["partner"], action["partner_type"]))
    closed = [p for p in problems if p["status"] in OUTCOME_WEIGHTS]
    left_without = closed[len(closed) // 2]["problem_id"] if sector.sector_id in MISSING_OUTCOME and closed else None
    for problem in problems:
        status = problem["status"]
        if status in STAGE_WEIGHTS:
            weights, none_share = STAGE_WEIGHTS[status]
            if rng.random() >= none_share:
                problem["stage"] = rng.choices(list(weights), list(weights.values()))[0]
        else:
            problem["stage"] = "assessment"
            if problem["problem_id"] != left_without:
                weights = OUTCOME_WEIGHTS[status]
                problem["outcome"] = rng.choices(list(weights), list(weights.values()))[0]
        if problem["problem_id"] in first_partner and rng.random() < 0.4:
            problem["lead_partner"] = first_partner[problem["problem_id"]][0]
    return _diagnostics(sector, as_of, problems, rng) if constituted else [], _contacts(sector, ref, actions, rng)


def _diagnostics(sector: Sector, as_of: dt.date, problems: list[dict], rng: random.Random) -> list[dict]:
    sid = sector.sector_id
    if sid in OVERDUE_BILAN:
        days = [rng.randint(375, 410)]
    elif sid in TWO_DIAGNOSTICS:
        days = [rng.randint(385, 430), rng.randint(30, 120)]
    else:
        days = [rng.randint(120, 330)]
    rows = []
    for age in days:
        diagnosed = as_of - D(days=age)
        known = sorted((p for p in problems if p["reported_on"] <= diagnosed + D(days=14)), key=lambda p: p["reported_on"])
        known = known or sorted(problems, key=lambda p: p["reported_on"])[:3]
        named = rng.sample(known, min(len(known), rng.randint(2, 4)))
        separator = rng.choice([", ", ";", " ; "])
        shared = diagnosed + D(days=rng.randint(5, 30)) if rng.random() < 0.8 else None
        categories = list(dict.fromkeys(p["category"].lower() for p in named))
        rows.append({
            "diagnosed_on": diagnosed,
            "title": rng.choice(DIAGNOSTIC_TITLES).format(year=diagnosed.year, month=MONTHS_FR[diagnosed.month - 1]),
            "shared_on": shared if shared and shared <= as_of else None,
            "priority_problem_ids": separator.join(p["problem_id"] for p in sorted(named, key=lambda p: p["problem_id"])),
            "summary": (f"Priorités retenues avec les partenaires : {', '.join(categories)}. "
                        + rng.choice(["Présenté en réunion du GPO et transmis aux partenaires.",
                                      "Établi à partir des signalements des bailleurs et des statistiques du commissariat.",
                                      "Bilan à présenter au GPO un an après."])),
        })
    return rows


def _contacts(sector: Sector, ref: Reference, actions: list[dict], rng: random.Random) -> list[dict]:
    if sector.constituted_on is None and sector.sector_id not in CONTACTS_BEFORE_CONSTITUTION:
        return []
    commune = ref.communes[sector.communes[0]].name
    organisations = {f"Mairie de {commune}": "mairie", f"Police municipale de {commune}": "police_municipale",
                     f"Commissariat de {ref.csps[sector.csp_id].name}": "police_nationale"}
    for action in actions:
        organisations.setdefault(action["partner"], action["partner_type"])
    rows = []
    for organisation, kind in organisations.items():
        domain = f"{_slug(organisation)}.{rng.choice(['example.org', 'example.org', 'invalid'])}"
        roles = rng.sample(CONTACT_ROLES[kind], 2 if kind == "mairie" else 1)
        for role, local in zip(roles, rng.sample(["gpo", "accueil", "prevention", "securite", "contact"], len(roles))):
            rows.append({"organisation": organisation, "partner_type": kind if rng.random() < 0.85 else None,
                         "contact": role, "email": f"{local}@{domain}", "opted_out": None})
    if sector.sector_id == OPTED_OUT:
        rows[-1]["opted_out"] = True
    return rows


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


_CYCLE_COLUMNS = ("stage", "outcome", "lead_partner")


def _hand_edit_cycle(path: Path, sector: Sector, as_of: dt.date, rng: random.Random) -> None:
    """The same hand editing on the cycle's sheets and columns, drawn from the cycle's own random stream."""
    wb = openpyxl.load_workbook(path)
    sid = sector.sector_id
    problems = wb[SHEETS["problems"].label]
    header_line = next(row for row in range(1, 6) if problems.cell(row, 1).value in ("Réf", "N°"))
    for key in ("problems", "diagnostics", "partners"):
        ws = wb[SHEETS[key].label]
        if sid in SYNONYM_HEADERS:
            for cell in ws[header_line if key == "problems" else 1]:
                cell.value = CYCLE_RENAMES.get(cell.value, cell.value)
        if sid in FREE_STATUSES and key == "problems":
            column = next(c.column for c in ws[header_line] if c.value in ("Résultat", "Résultat obtenu"))
            for (cell,) in ws.iter_rows(min_row=header_line + 1, min_col=column, max_col=column):
                if cell.value in FREE_OUTCOMES:
                    cell.value = rng.choice(FREE_OUTCOMES[cell.value])
        if sid in FREE_STATUSES and key == "diagnostics":  # dates typed as text, day first
            for row in ws.iter_rows(min_row=2, max_col=3):
                for cell in (row[0], row[2]):
                    if isinstance(cell.value, dt.datetime):
                        cell.value = cell.value.strftime(rng.choice(["%d/%m/%Y", "%d/%m/%y"]))
        if sid in TITLE_LINES and key != "problems":  # the problems' title lines are already there
            ws.insert_rows(1, 2)
            ws.data_validations.dataValidation = []
            ws.auto_filter.ref = None
            ws.freeze_panes = "A4"
            ws["A1"] = f"GPO de {sector.name} — {SHEETS[key].label.lower()}"
            ws["A1"].font = openpyxl.styles.Font(bold=True, size=14)
    for old, new in RENAMED_SHEETS.get(sid, {}).items():
        wb[old].title = new
    wb.save(path)


def _write_ods(path: Path, frames: dict[str, pd.DataFrame], sector: Sector, ref: Reference) -> None:
    """LibreOffice file, as an animator saves it: labels in French, real dates. An old-format tracker (`OLD_FORMAT`)
    has neither the cycle's columns nor the optional sheets."""
    card = [["Secteur", sector.name], ["Circonscription", ref.csps[sector.csp_id].name],
            ["Animateur", sector.animateur], ["Cadence", CADENCES[sector.cadence]],
            ["Date de constitution", sector.constituted_on or ""]]
    old = sector.sector_id in OLD_FORMAT
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame(card).to_excel(writer, sheet_name="Secteur", header=False, index=False)
        for key in SHEET_ORDER:
            if SHEETS[key].optional and (old or frames[key].empty):
                continue
            cols = [c for c in SHEETS[key].columns if not (old and c.field in _CYCLE_COLUMNS)]
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
        meetings = _meetings(sector, as_of, rng)
        cycle_rng = random.Random(f"{seed}-{sector.sector_id}-cycle")  # its own stream: the draws above are unchanged
        diagnostics, partners = _cycle(sector, ref, as_of, problems, actions, cycle_rng)
        frames = _frames({"meetings": meetings, "problems": problems, "actions": actions, "diagnostics": diagnostics,
                          "partners": partners})
        if sector.sector_id in ODS:
            path = out / f"suivi_gpo_{sector.sector_id}.ods"
            _write_ods(path, frames, sector, ref)
        else:
            path = write_filled_tracker(out / f"suivi_gpo_{sector.sector_id}.xlsx", frames, sector=sector, reference=ref)
            if sector.sector_id in (*TITLE_LINES, *SYNONYM_HEADERS, *FREE_STATUSES):
                _hand_edit(path, sector, as_of, rng)
            if sector.sector_id in (*TITLE_LINES, *SYNONYM_HEADERS, *FREE_STATUSES, *RENAMED_SHEETS):
                _hand_edit_cycle(path, sector, as_of, cycle_rng)
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
