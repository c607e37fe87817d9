"""What a tracker must hold: sheets, columns, synonyms, kinds. Declared here, checked elsewhere.

Labels are the canonical French headers of `tracker-format.md`; `field` is the
normalized column name of `domain.md`. Synonyms are matched after
`domain.text.fold` (case, accents, spaces, line breaks, trailing colon ignored);
a site adds its own in the settings file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    label: str  # canonical French header, used in messages and in the template
    field: str  # normalized column name
    kind: str  # ref | text | date | int | bool | commune | partner | vocab:<name> | sector
    required: bool = False
    synonyms: tuple[str, ...] = ()
    width: int = 16  # template column width, in characters
    help: str = ""  # one line for the template's instructions sheet


@dataclass(frozen=True)
class SheetSchema:
    key: str  # meetings | problems | actions
    label: str  # French sheet name
    columns: tuple[Column, ...]
    name_synonyms: tuple[str, ...] = ()
    output_fields: tuple[str, ...] = ()

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)


_STATUS_SYNS = ("État", "Etat", "Etat d'avancement", "État d'avancement", "Avancement", "Situation")
_DUE_SYNS = ("Date limite", "Date butoir", "Délai", "Date d'échéance", "Échéance prévue", "Pour le", "A réaliser pour le")
_SECTOR = Column("Secteur", "sector", "sector", synonyms=("Secteur GPO", "GPO", "Nom du secteur"), width=22)

MEETINGS = SheetSchema(
    "meetings",
    "Réunions",
    (
        Column("Date", "meeting_date", "date", True, ("Date de la réunion", "Date réunion", "Réunion du", "Le"), 14,
               "date de la réunion, JJ/MM/AAAA"),
        Column("Type", "kind", "vocab:meeting_kind", False, ("Type de réunion", "Nature", "Nature de la réunion"), 16,
               "Constitutive, Ordinaire, Bilan ou Extraordinaire (vide = Ordinaire)"),
        Column("Statut", "status", "vocab:meeting_status", True, _STATUS_SYNS, 14, "Prévue, Tenue, Annulée ou Reportée"),
        Column("Mairie", "mayor_present", "bool", False, ("Maire", "Mairie présente", "Présence mairie", "Élu"), 11,
               "Oui / Non : la mairie était-elle représentée ?"),
        Column("Police municipale", "municipal_police_present", "bool", False, ("PM", "Police municipale présente", "Présence PM"), 11,
               "Oui / Non"),
        Column("Police nationale", "national_police_present", "bool", False, ("PN", "Police nationale présente", "Présence PN"), 11,
               "Oui / Non"),
        Column("Autres partenaires", "other_partners", "text", False, ("Autres participants", "Partenaires présents", "Partenaires", "Autres"), 32,
               "bailleurs, transporteurs, sécurité privée… présents"),
        Column("Nombre de participants", "attendees", "int", False, ("Participants", "Nb participants", "Nombre de présents", "Présents", "Nb de participants"), 12,
               "nombre de personnes présentes"),
        Column("Observations", "notes", "text", False, ("Commentaire", "Commentaires", "Remarques", "Notes", "Compte rendu"), 40,
               "ce qui s'est dit, ce qui a été décidé"),
    ),
    ("Réunion", "Réunions GPO", "Calendrier", "Calendrier des réunions", "Séances", "Reunion"),
    ("sector_id", "meeting_date", "kind", "status", "mayor_present", "municipal_police_present",
     "national_police_present", "other_partners", "attendees", "notes"),
)

PROBLEMS = SheetSchema(
    "problems",
    "Problèmes",
    (
        Column("Réf", "problem_id", "ref", True, ("N°", "No", "Numéro", "ID", "Référence", "Réf problème", "N° problème", "Ref."), 9,
               "identifiant unique du problème, par exemple P-01"),
        Column("Date de signalement", "reported_on", "date", True, ("Date", "Signalé le", "Date signalement", "Date d'apparition", "Date de saisie"), 14,
               "JJ/MM/AAAA"),
        Column("Commune", "commune_name", "commune", True, ("Ville", "Localité", "Commune concernée"), 20, "nom de la commune"),
        Column("Lieu", "location", "text", False, ("Adresse", "Localisation", "Quartier", "Lieu précis", "Rue"), 28, "rue, quartier, bâtiment…"),
        Column("Catégorie", "category", "vocab:category", True, ("Type", "Type de problème", "Nature", "Thème", "Problématique"), 26,
               "choisir dans la liste"),
        Column("Description", "description", "text", False, ("Descriptif", "Problème", "Détail", "Intitulé", "Constat"), 45, "ce qui gêne la population"),
        Column("Signalé par", "reported_by", "text", False, ("Source", "Origine", "Signalant", "Remonté par"), 20, "partenaire ou canal"),
        Column("Priorité", "priority", "vocab:priority", False, ("Urgence", "Niveau de priorité", "Gravité"), 11, "Haute, Moyenne ou Basse"),
        Column("Statut", "status", "vocab:problem_status", True, _STATUS_SYNS, 13, "Ouvert, En cours, Résolu ou Abandonné"),
        Column("Échéance", "due_on", "date", False, _DUE_SYNS, 14, "date de résolution visée, JJ/MM/AAAA"),
        Column("Date de résolution", "resolved_on", "date", False, ("Date de clôture", "Clôturé le", "Résolu le", "Date de fin", "Clos le"), 14,
               "JJ/MM/AAAA, quand le statut est Résolu"),
    ),
    ("Problème", "Problématiques", "Problematique", "Problèmes identifiés", "Liste des problèmes", "Probleme"),
    ("sector_id", "problem_id", "reported_on", "commune_insee", "commune_name", "location", "category",
     "description", "reported_by", "priority", "status", "due_on", "resolved_on"),
)

ACTIONS = SheetSchema(
    "actions",
    "Actions",
    (
        Column("Réf action", "action_id", "ref", True, ("Réf", "N°", "N° action", "Numéro", "Numéro action", "ID", "ID action", "Référence", "Référence action"), 9,
               "identifiant unique de l'action, par exemple A-01"),
        Column("Réf problème", "problem_id", "ref", True, ("N° problème", "Numéro problème", "Problème", "Problème lié", "Réf. problème", "ID problème", "Référence problème"), 10,
               "la Réf du problème traité (feuille Problèmes)"),
        Column("Action", "description", "text", True, ("Action à mener", "Actions", "Intitulé", "Description", "Libellé", "Mesure"), 45,
               "ce qui doit être fait"),
        Column("Partenaire responsable", "partner", "partner", True, ("Responsable", "Pilote", "Porteur", "Partenaire", "Qui"), 26,
               "nom du partenaire qui s'engage"),
        Column("Type de partenaire", "partner_type", "vocab:partner_type", False, ("Type partenaire", "Catégorie de partenaire", "Type d'acteur"), 18,
               "choisir dans la liste"),
        Column("Date de début", "started_on", "date", False, ("Début", "Démarrage", "Date de lancement", "Lancée le"), 14, "JJ/MM/AAAA"),
        Column("Échéance", "due_on", "date", True, _DUE_SYNS, 14, "date limite de l'action, JJ/MM/AAAA"),
        Column("Statut", "status", "vocab:action_status", True, _STATUS_SYNS, 13, "À faire, En cours, Réalisée ou Abandonnée"),
        Column("Date de réalisation", "done_on", "date", False, ("Réalisée le", "Fait le", "Date de fin", "Date de clôture", "Clôturé le", "Terminée le"), 14,
               "JJ/MM/AAAA, quand le statut est Réalisée"),
        Column("Commentaire", "comment", "text", False, ("Commentaires", "Observations", "Remarques", "Suivi", "Notes"), 40, "point d'étape"),
    ),
    ("Action", "Plan d'actions", "Plan d'action", "Actions menées", "Suivi des actions", "Actions GPO"),
    ("sector_id", "action_id", "problem_id", "description", "partner", "partner_type", "started_on",
     "due_on", "status", "done_on", "comment"),
)

SHEETS: dict[str, SheetSchema] = {s.key: s for s in (MEETINGS, PROBLEMS, ACTIONS)}
SECTOR_COLUMN = _SECTOR

# The optional key / value sheet.
SECTOR_SHEET_LABEL = "Secteur"
SECTOR_SHEET_SYNONYMS = ("Secteur", "Informations", "Infos secteur", "Identification", "GPO", "Fiche secteur")
SECTOR_KEYS = {
    "sector": ("Secteur", "Nom du secteur", "Secteur GPO"),
    "csp": ("Circonscription", "CSP", "Commissariat"),
    "animateur": ("Animateur", "Animatrice", "Animateur GPO", "Référent"),
    "cadence": ("Cadence", "Fréquence", "Périodicité", "Rythme des réunions"),
    "constituted_on": ("Date de constitution", "Constitué le", "Réunion constitutive", "Date de la réunion constitutive"),
}

# Sheets our own template writes that carry no data.
AUXILIARY_SHEETS = ("Mode d'emploi", "Instructions", "Listes", "Lisez-moi", "Notice", "Aide")

OUTPUT_COLUMNS = {key: (*schema.output_fields, "source_file", "source_row") for key, schema in SHEETS.items()}
