"""The export for the university evaluation: problems, actions, meetings and diagnostics with no free text that may
name people.

Kept: codes, dates, categories, statuses, priorities, the stage and outcome of
problems, the commune (INSEE code and name), the sector and CSP, partner
*types*, counts and attendance flags, the cycle dates of each diagnostic and
how many priority problems it names.
Dropped: every free-text column (descriptions, comments, meeting notes, who
reported a problem, partners' names, the lead partner, the precise place, the
source file name, a diagnostic's title and summary). The partner contacts
(Partenaires: names and e-mails) are never exported here.
`EVALUATION_COLUMNS` lists what each sheet holds, `DROPPED_COLUMNS` what was
left out and why; both are also written in the file's « Colonnes » sheet.

Scoped below the pages: only the sectors the user may read, only for roles
allowed the `export_evaluation` action; each export is journaled.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import sqlalchemy as sa

from domain.access import EXPORT_EVALUATION, Principal, may, readable_sectors
from domain.indicators.cycle import bilan_due
from domain.reference import Reference
from domain.tracker_schema import PRIORITY_SEPARATOR
from domain.vocabulary import (ACTION_STATUS, MEETING_KIND, MEETING_STATUS, OUTCOME, PARTNER_TYPE, PRIORITY, PROBLEM_STAGE,
                               PROBLEM_STATUS, partner_type_of)
from exports.xlsx import tables_to_xlsx
from store.audit import record
from store.queries import current_frames


class ExportNotAllowed(PermissionError):
    """The user may not make this export (French message)."""


# Sheet -> [(source column or derived key, header written, French description)].
_SPEC: dict[str, list[tuple[str, str, str]]] = {
    "Problèmes": [
        ("csp", "CSP", "circonscription de sécurité publique du secteur"),
        ("sector_id", "Secteur", "code du secteur GPO"),
        ("problem_id", "Réf problème", "référence du problème dans le tableau de suivi"),
        ("reported_on", "Date de signalement", "date"),
        ("commune_insee", "Code INSEE", "code INSEE de la commune"),
        ("commune_name", "Commune", "nom de la commune (le lieu précis est retiré)"),
        ("category", "Catégorie", "catégorie du problème (liste fermée)"),
        ("priority", "Priorité", "Haute, Moyenne ou Basse"),
        ("status", "Statut", "Ouvert, En cours, Résolu ou Abandonné"),
        ("due_on", "Échéance", "date de résolution visée"),
        ("resolved_on", "Date de résolution", "date"),
        ("stage", "Étape", "étape du traitement : Repérage, Analyse, Réponse ou Évaluation (vide si non renseignée)"),
        ("outcome", "Résultat", "ce que l'action du GPO a changé, une fois le problème clos : Éliminé, Réduit, Moins "
                                "grave, Mieux traité, Confié à un autre acteur, Sans effet ou Aggravé (vide si non "
                                "renseigné)"),
    ],
    "Actions": [
        ("csp", "CSP", "circonscription de sécurité publique du secteur"),
        ("sector_id", "Secteur", "code du secteur GPO"),
        ("action_id", "Réf action", "référence de l'action"),
        ("problem_id", "Réf problème", "référence du problème traité"),
        ("partner_type", "Type de partenaire", "type du partenaire responsable (son nom est retiré)"),
        ("started_on", "Date de début", "date"),
        ("due_on", "Échéance", "date limite"),
        ("status", "Statut", "À faire, En cours, Réalisée ou Abandonnée"),
        ("done_on", "Date de réalisation", "date"),
    ],
    "Réunions": [
        ("csp", "CSP", "circonscription de sécurité publique du secteur"),
        ("sector_id", "Secteur", "code du secteur GPO"),
        ("meeting_date", "Date", "date de la réunion"),
        ("kind", "Type", "Constitutive, Ordinaire, Bilan ou Extraordinaire"),
        ("status", "Statut", "Prévue, Tenue, Annulée ou Reportée"),
        ("mayor_present", "Maire présent", "oui / non / vide si non renseigné"),
        ("municipal_police_present", "Police municipale présente", "oui / non / vide"),
        ("national_police_present", "Police nationale présente", "oui / non / vide"),
        ("partner_types", "Types des autres partenaires", "types des autres partenaires présents (leurs noms sont retirés)"),
        ("attendees", "Participants", "nombre de participants"),
    ],
    "Diagnostics": [
        ("csp", "CSP", "circonscription de sécurité publique du secteur"),
        ("sector_id", "Secteur", "code du secteur GPO"),
        ("diagnosed_on", "Date du diagnostic", "date du diagnostic de sécurité : début du cycle"),
        ("shared_on", "Partagé le", "date à laquelle il a été partagé avec les partenaires (vide si non renseignée)"),
        ("priority_count", "Problèmes prioritaires", "nombre de problèmes que le diagnostic retient comme prioritaires"),
        ("cycle_end", "Fin du cycle", "date du diagnostic suivant du secteur (vide : le cycle est en cours)"),
        ("bilan_due", "Bilan attendu le", "12 mois après le diagnostic"),
    ],
}

EVALUATION_COLUMNS: dict[str, list[tuple[str, str]]] = {
    sheet: [(header, description) for _, header, description in spec] for sheet, spec in _SPEC.items()
}

DROPPED_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "Problèmes": [
        ("Lieu", "rue, bâtiment ou quartier : réduit à la commune"),
        ("Description", "texte libre, peut nommer des personnes"),
        ("Signalé par", "peut nommer la personne qui a signalé"),
        ("Chef de file", "nom du partenaire qui pilote, ou d'une personne"),
        ("Fichier source et ligne", "le nom du fichier peut nommer une personne"),
    ],
    "Actions": [
        ("Action", "texte libre, peut nommer des personnes"),
        ("Partenaire responsable", "nom du partenaire ou d'une personne : seul son type est gardé"),
        ("Commentaire", "texte libre, peut nommer des personnes"),
        ("Fichier source et ligne", "le nom du fichier peut nommer une personne"),
    ],
    "Réunions": [
        ("Autres partenaires", "noms : seuls leurs types sont gardés"),
        ("Observations", "compte rendu libre, peut nommer des personnes"),
        ("Fichier source et ligne", "le nom du fichier peut nommer une personne"),
    ],
    "Diagnostics": [
        ("Titre", "texte libre"),
        ("Synthèse", "texte libre, peut nommer des personnes"),
        ("Réf des problèmes prioritaires", "seul leur nombre est gardé"),
        ("Fichier source et ligne", "le nom du fichier peut nommer une personne"),
    ],
    "Partenaires": [
        ("toutes les colonnes", "contacts des partenaires (noms des personnes, adresses électroniques) : jamais "
                                "exportés ici"),
    ],
}

_SHEET_KEYS = {"Problèmes": "problems", "Actions": "actions", "Réunions": "meetings", "Diagnostics": "diagnostics"}
_LABELS = {
    ("problems", "status"): PROBLEM_STATUS.labels, ("problems", "priority"): PRIORITY.labels,
    ("problems", "stage"): PROBLEM_STAGE.labels, ("problems", "outcome"): OUTCOME.labels,
    ("actions", "status"): ACTION_STATUS.labels, ("actions", "partner_type"): PARTNER_TYPE.labels,
    ("meetings", "status"): MEETING_STATUS.labels, ("meetings", "kind"): MEETING_KIND.labels,
}
_SEPARATORS = re.compile(r"[,;/+\n]|\bet\b", re.IGNORECASE)


def partner_types_text(text: object) -> str:
    """A meeting's « autres partenaires » reduced to their types: "Moselis, Forbus" -> "Bailleur ; Transporteur"."""
    if text is None or text is pd.NA or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
        return ""
    types = set()
    for part in _SEPARATORS.split(str(text)):
        if part.strip():
            types.add(partner_type_of(part.strip()) or "autre")
    return " ; ".join(sorted(PARTNER_TYPE.labels[t] for t in types))


def _yes_no(value: object) -> str:
    if value is None or value is pd.NA:
        return ""
    return "oui" if bool(value) else "non"


def _cycle_ends(frame: pd.DataFrame) -> pd.Series:
    """Each diagnostic's cycle end: the sector's next diagnostic's date (NaT for the latest, whose cycle runs)."""
    order = frame.sort_values(["sector_id", "diagnosed_on"], kind="stable")
    following = order.groupby("sector_id", sort=False)["diagnosed_on"].shift(-1)
    return following.reindex(frame.index)


def _sheet(frame: pd.DataFrame, key: str, spec: list[tuple[str, str, str]], reference: Reference) -> pd.DataFrame:
    out = {}
    for source, header, _ in spec:
        if source == "csp":
            values = frame["sector_id"].map(lambda s: reference.sectors[s].csp_id if s in reference.sectors else "")
        elif source == "partner_types":
            values = frame["other_partners"].map(partner_types_text)
        elif source == "partner_type":
            inferred = frame["partner"].map(lambda n: partner_type_of(str(n)) if isinstance(n, str) else None)
            values = frame["partner_type"].astype(object).where(frame["partner_type"].notna(), inferred)
            values = values.map(lambda c: PARTNER_TYPE.labels.get(c, "") if isinstance(c, str) else "")
        elif source == "priority_count":
            values = frame["priority_problem_ids"].map(
                lambda text: len([r for r in text.split(PRIORITY_SEPARATOR) if r]) if isinstance(text, str) else 0)
        elif source == "cycle_end":
            values = _cycle_ends(frame)
        elif source == "bilan_due":
            values = frame["diagnosed_on"].map(  # the cycle's one rule (domain.indicators.cycle)
                lambda day: pd.Timestamp(bilan_due(day.date())) if pd.notna(day) else pd.NaT)
        elif source.endswith("_present"):
            values = frame[source].astype(object).map(_yes_no)
        elif (key, source) in _LABELS:
            labels = _LABELS[(key, source)]
            values = frame[source].map(lambda c, labels=labels: labels.get(c, c) if isinstance(c, str) else "")
        else:
            values = frame[source]
        out[header] = values.reset_index(drop=True) if hasattr(values, "reset_index") else values
    return pd.DataFrame(out, columns=[header for _, header, _ in spec])


def evaluation_frames(engine: sa.Engine, sector_ids: list[str], reference: Reference,
                      at: dt.datetime | None = None) -> dict[str, pd.DataFrame]:
    """The four sheets for `sector_ids` (current data, or as of `at`). No access check: see `evaluation_xlsx`."""
    frames = current_frames(engine, list(sector_ids), at)
    return {sheet: _sheet(frames[key], key, _SPEC[sheet], reference) for sheet, key in _SHEET_KEYS.items()}


def columns_sheet() -> pd.DataFrame:
    """The « Colonnes » sheet: each column kept or dropped, per sheet, with why."""
    rows = [(sheet, header, "gardée", description) for sheet, cols in EVALUATION_COLUMNS.items() for header, description in cols]
    rows += [(sheet, header, "retirée", why) for sheet, cols in DROPPED_COLUMNS.items() for header, why in cols]
    return pd.DataFrame(rows, columns=["Feuille", "Colonne", "Gardée ou retirée", "Description"])


def evaluation_xlsx(engine: sa.Engine, principal: Principal, reference: Reference, *, sector_ids: list[str] | None = None,
                    at: dt.datetime | None = None, now: dt.datetime | None = None) -> bytes:
    """The evaluation workbook for the sectors `principal` may read (narrowed to `sector_ids` if given). Journaled.

    Raises ExportNotAllowed if the role may not make this export.
    """
    if not may(principal, EXPORT_EVALUATION):
        record(engine, principal.user_id, "access_denied", "Export pour l'évaluation universitaire refusé.", at=now)
        raise ExportNotAllowed("Vous n'êtes pas autorisé à exporter les données pour l'évaluation.")
    readable = readable_sectors(principal, reference)
    chosen = [s for s in readable if sector_ids is None or s in set(sector_ids)]
    sheets = evaluation_frames(engine, chosen, reference, at)
    data = tables_to_xlsx({**sheets, "Colonnes": columns_sheet()})
    counts = ", ".join(f"{len(frame)} {sheet.lower()}" for sheet, frame in sheets.items())
    record(engine, principal.user_id, "export",
           f"Export pour l'évaluation universitaire ({len(chosen)} secteur(s) : {counts}).",
           sector_id=chosen[0] if len(chosen) == 1 else None, at=now)
    return data
