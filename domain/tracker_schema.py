"""The tracker, declared once: its sheets, the columns an animator types, and the normalized frame each sheet becomes.

Everything that reads or writes tracker data derives from this module:
- `loaders/` finds sheets and headers (labels, synonyms), parses cells by `Column.kind` and builds the frames
  with `frame_from_values`;
- the template and the filled export write the labels, widths, help lines and dropdowns;
- `store/tables.py` generates the row tables (SQL type per kind, `length`, `nullable`) and `store/frames.py`
  converts rows both ways by kind;
- `tests/test_frame_schema.py` checks loader output, store output and empty frames with `conformance_problems`.

A sheet's `frame_columns` are the normalized frame's columns, in order. Those with `in_tracker=True` are typed
in the tracker (labels are the canonical French headers of `tracker-format.md`; synonyms are matched after
`domain.text.fold`; a site adds its own in the settings file); the others are set by the loader: the sector, the
commune's INSEE code, the file and line a row came from (`domain.md`). Adding a column or a sheet is declaring it
here (see README, « Développement », for the migration an existing store then needs).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

import numpy as np
import pandas as pd


class Kind(StrEnum):
    """What a column holds: how a cell is read, which dtype the frame gives it, which SQL type stores it."""

    DATE = "date"  # a day: Excel date or serial, JJ/MM/AAAA, « 3 mars 2026 »
    BOOL = "bool"  # Oui / Non / empty (unknown)
    INT = "int"  # a count, may be missing
    TEXT = "text"  # free text
    REF = "ref"  # a reference such as P-01, unique in its sheet
    COMMUNE = "commune"  # a commune's name, matched against the reference
    INSEE = "insee"  # the matched commune's INSEE code (set by the loader)
    PARTNER = "partner"  # a partner's name
    VOCAB = "vocab"  # a word of the list `Column.vocabulary`, stored as its English code
    SECTOR = "sector"  # a sector: its name typed in a tracker, its sector_id in a frame
    LINE = "line"  # the spreadsheet line a row was read from: never missing


# The one dtype table (pandas 3): missing values are NaT, <NA> or NaN of a nullable dtype, never a Python None.
KIND_DTYPE: dict[Kind, str] = {
    Kind.DATE: "datetime64[us]",
    Kind.BOOL: "boolean",
    Kind.INT: "Int64",
    Kind.LINE: "int64",
    Kind.TEXT: "str",
    Kind.REF: "str",
    Kind.COMMUNE: "str",
    Kind.INSEE: "str",
    Kind.PARTNER: "str",
    Kind.VOCAB: "str",
    Kind.SECTOR: "str",
}


@dataclass(frozen=True, kw_only=True)
class Column:
    label: str  # canonical French header: in messages, the template and the export
    field: str  # normalized column name (`domain.md`)
    kind: Kind
    required: bool = False  # a tracker line without it is rejected
    nullable: bool | None = None  # may the frame (and the store) hold a missing value; None: not `required`
    synonyms: tuple[str, ...] = ()  # other headers meaning this column
    width: int = 16  # template column width, in characters
    help: str = ""  # one line for the template's instructions sheet
    vocabulary: str | None = None  # for Kind.VOCAB: a name of `domain.vocabulary.VOCABULARIES`
    length: int | None = None  # longest text the store keeps (SQL VARCHAR); None: unbounded text
    in_tracker: bool = True  # typed by the animator; False: set by the loader

    def __post_init__(self) -> None:
        if (self.kind is Kind.VOCAB) != (self.vocabulary is not None):
            raise ValueError(f"{self.field}: a vocabulary goes with Kind.VOCAB, and only with it")
        if self.nullable is None:
            object.__setattr__(self, "nullable", not self.required)

    @property
    def dtype(self) -> str:
        return KIND_DTYPE[self.kind]


@dataclass(frozen=True, kw_only=True)
class SheetSchema:
    key: str  # meetings | problems | actions | diagnostics | partners
    label: str  # French sheet name
    frame_columns: tuple[Column, ...]  # the normalized frame's columns, in order
    name_synonyms: tuple[str, ...] = ()  # other sheet names meaning this sheet
    optional: bool = False  # a tracker may lack it (trackers made before it was declared keep loading)

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        """The columns a tracker holds, in the template's order."""
        return tuple(c for c in self.frame_columns if c.in_tracker)

    @cached_property
    def fields(self) -> tuple[str, ...]:
        """The normalized frame's column names, in order."""
        return tuple(c.field for c in self.frame_columns)

    def column(self, field: str) -> Column:
        return next(c for c in self.frame_columns if c.field == field)


# Set by the loader on every sheet: whose row it is, and where it was read (any figure traces back to a cell).
SECTOR_ID = Column(label="Secteur", field="sector_id", kind=Kind.SECTOR, nullable=False, length=64, in_tracker=False)
SOURCE_FILE = Column(label="Fichier", field="source_file", kind=Kind.TEXT, nullable=False, length=255, in_tracker=False)
SOURCE_ROW = Column(label="Ligne", field="source_row", kind=Kind.LINE, nullable=False, in_tracker=False)

# The optional Secteur column of a data sheet: routes each line to its sector (becomes `sector_id`).
SECTOR_COLUMN = Column(label="Secteur", field="sector", kind=Kind.SECTOR,
                       synonyms=("Secteur GPO", "GPO", "Nom du secteur"), width=22)

_STATUS_SYNS = ("État", "Etat", "Etat d'avancement", "État d'avancement", "Avancement", "Situation")
_DUE_SYNS = ("Date limite", "Date butoir", "Délai", "Date d'échéance", "Échéance prévue", "Pour le",
             "A réaliser pour le")
_STATUS_LENGTH = 20  # the longest code is `in_progress`
_REF_LENGTH = 64

MEETINGS = SheetSchema(
    key="meetings",
    label="Réunions",
    name_synonyms=("Réunion", "Réunions GPO", "Calendrier", "Calendrier des réunions", "Séances", "Reunion"),
    frame_columns=(
        SECTOR_ID,
        Column(label="Date", field="meeting_date", kind=Kind.DATE, required=True,
               synonyms=("Date de la réunion", "Date réunion", "Réunion du", "Le"), width=14,
               help="date de la réunion, JJ/MM/AAAA"),
        Column(label="Type", field="kind", kind=Kind.VOCAB, vocabulary="meeting_kind",
               nullable=False,  # empty means « Ordinaire »
               length=20, synonyms=("Type de réunion", "Nature", "Nature de la réunion"), width=16,
               help="Constitutive, Ordinaire, Bilan ou Extraordinaire (vide = Ordinaire)"),
        Column(label="Statut", field="status", kind=Kind.VOCAB, vocabulary="meeting_status", required=True,
               length=_STATUS_LENGTH, synonyms=_STATUS_SYNS, width=14, help="Prévue, Tenue, Annulée ou Reportée"),
        Column(label="Mairie", field="mayor_present", kind=Kind.BOOL,
               synonyms=("Maire", "Mairie présente", "Présence mairie", "Élu"), width=11,
               help="Oui / Non : la mairie était-elle représentée ?"),
        Column(label="Police municipale", field="municipal_police_present", kind=Kind.BOOL,
               synonyms=("PM", "Police municipale présente", "Présence PM"), width=11, help="Oui / Non"),
        Column(label="Police nationale", field="national_police_present", kind=Kind.BOOL,
               synonyms=("PN", "Police nationale présente", "Présence PN"), width=11, help="Oui / Non"),
        Column(label="Autres partenaires", field="other_partners", kind=Kind.TEXT,
               synonyms=("Autres participants", "Partenaires présents", "Partenaires", "Autres"), width=32,
               help="bailleurs, transporteurs, sécurité privée… présents"),
        Column(label="Nombre de participants", field="attendees", kind=Kind.INT,
               synonyms=("Participants", "Nb participants", "Nombre de présents", "Présents", "Nb de participants"),
               width=12, help="nombre de personnes présentes"),
        Column(label="Observations", field="notes", kind=Kind.TEXT,
               synonyms=("Commentaire", "Commentaires", "Remarques", "Notes", "Compte rendu"), width=40,
               help="ce qui s'est dit, ce qui a été décidé"),
        SOURCE_FILE,
        SOURCE_ROW,
    ),
)

PROBLEMS = SheetSchema(
    key="problems",
    label="Problèmes",
    name_synonyms=("Problème", "Problématiques", "Problematique", "Problèmes identifiés", "Liste des problèmes",
                   "Probleme"),
    frame_columns=(
        SECTOR_ID,
        Column(label="Réf", field="problem_id", kind=Kind.REF, required=True, length=_REF_LENGTH,
               synonyms=("N°", "No", "Numéro", "ID", "Référence", "Réf problème", "N° problème", "Ref."), width=9,
               help="identifiant unique du problème, par exemple P-01"),
        Column(label="Date de signalement", field="reported_on", kind=Kind.DATE, required=True,
               synonyms=("Date", "Signalé le", "Date signalement", "Date d'apparition", "Date de saisie"), width=14,
               help="JJ/MM/AAAA"),
        Column(label="Code INSEE", field="commune_insee", kind=Kind.INSEE, length=5, in_tracker=False),  # None: unknown
        Column(label="Commune", field="commune_name", kind=Kind.COMMUNE, required=True,
               nullable=True,  # stored nullable since store v1; the loader rejects a line without it
               length=120, synonyms=("Ville", "Localité", "Commune concernée"), width=20, help="nom de la commune"),
        Column(label="Lieu", field="location", kind=Kind.TEXT,
               synonyms=("Adresse", "Localisation", "Quartier", "Lieu précis", "Rue"), width=28,
               help="rue, quartier, bâtiment…"),
        Column(label="Catégorie", field="category", kind=Kind.VOCAB, vocabulary="category", required=True,
               length=120,  # a site may add its own categories: labels, not codes
               synonyms=("Type", "Type de problème", "Nature", "Thème", "Problématique"), width=26,
               help="choisir dans la liste"),
        Column(label="Description", field="description", kind=Kind.TEXT,
               synonyms=("Descriptif", "Problème", "Détail", "Intitulé", "Constat"), width=45,
               help="ce qui gêne la population"),
        Column(label="Signalé par", field="reported_by", kind=Kind.TEXT,
               synonyms=("Source", "Origine", "Signalant", "Remonté par"), width=20, help="partenaire ou canal"),
        Column(label="Priorité", field="priority", kind=Kind.VOCAB, vocabulary="priority", length=10,
               synonyms=("Urgence", "Niveau de priorité", "Gravité"), width=11, help="Haute, Moyenne ou Basse"),
        Column(label="Statut", field="status", kind=Kind.VOCAB, vocabulary="problem_status", required=True,
               length=_STATUS_LENGTH, synonyms=_STATUS_SYNS, width=13, help="Ouvert, En cours, Résolu ou Abandonné"),
        Column(label="Échéance", field="due_on", kind=Kind.DATE, synonyms=_DUE_SYNS, width=14,
               help="date de résolution visée, JJ/MM/AAAA"),
        Column(label="Date de résolution", field="resolved_on", kind=Kind.DATE,
               synonyms=("Date de clôture", "Clôturé le", "Résolu le", "Date de fin", "Clos le"), width=14,
               help="JJ/MM/AAAA, quand le statut est Résolu"),
        # The cycle (domain.md): optional, so a tracker without these columns loads as before.
        Column(label="Étape", field="stage", kind=Kind.VOCAB, vocabulary="problem_stage", length=_STATUS_LENGTH,
               synonyms=("Phase", "Étape SARA", "Phase SARA", "Avancement SARA", "Étape du traitement", "Stade"),
               width=13, help="où en est le traitement : Repérage, Analyse, Réponse ou Évaluation"),
        Column(label="Résultat", field="outcome", kind=Kind.VOCAB, vocabulary="outcome", length=_STATUS_LENGTH,
               synonyms=("Résultat obtenu", "Résultats", "Impact", "Évaluation", "Évaluation du résultat", "Effet",
                         "Effets constatés", "Bilan"),
               width=20, help="une fois le problème résolu ou abandonné, ce que l'action du GPO a changé"),
        Column(label="Chef de file", field="lead_partner", kind=Kind.PARTNER,
               synonyms=("Pilote", "Pilote du problème", "Référent", "Partenaire pilote", "Partenaire chef de file",
                         "Porteur du problème"),
               width=24, help="le partenaire qui pilote le traitement du problème"),
        SOURCE_FILE,
        SOURCE_ROW,
    ),
)

ACTIONS = SheetSchema(
    key="actions",
    label="Actions",
    name_synonyms=("Action", "Plan d'actions", "Plan d'action", "Actions menées", "Suivi des actions", "Actions GPO"),
    frame_columns=(
        SECTOR_ID,
        Column(label="Réf action", field="action_id", kind=Kind.REF, required=True, length=_REF_LENGTH,
               synonyms=("Réf", "N°", "N° action", "Numéro", "Numéro action", "ID", "ID action", "Référence",
                         "Référence action"), width=9,
               help="identifiant unique de l'action, par exemple A-01"),
        Column(label="Réf problème", field="problem_id", kind=Kind.REF, required=True, length=_REF_LENGTH,
               synonyms=("N° problème", "Numéro problème", "Problème", "Problème lié", "Réf. problème", "ID problème",
                         "Référence problème"), width=10,
               help="la Réf du problème traité (feuille Problèmes)"),
        Column(label="Action", field="description", kind=Kind.TEXT, required=True,
               synonyms=("Action à mener", "Actions", "Intitulé", "Description", "Libellé", "Mesure"), width=45,
               help="ce qui doit être fait"),
        Column(label="Partenaire responsable", field="partner", kind=Kind.PARTNER, required=True,
               synonyms=("Responsable", "Pilote", "Porteur", "Partenaire", "Qui"), width=26,
               help="nom du partenaire qui s'engage"),
        Column(label="Type de partenaire", field="partner_type", kind=Kind.VOCAB, vocabulary="partner_type", length=30,
               synonyms=("Type partenaire", "Catégorie de partenaire", "Type d'acteur"), width=18,
               help="choisir dans la liste"),
        Column(label="Date de début", field="started_on", kind=Kind.DATE,
               synonyms=("Début", "Démarrage", "Date de lancement", "Lancée le"), width=14, help="JJ/MM/AAAA"),
        Column(label="Échéance", field="due_on", kind=Kind.DATE, required=True, synonyms=_DUE_SYNS, width=14,
               help="date limite de l'action, JJ/MM/AAAA"),
        Column(label="Statut", field="status", kind=Kind.VOCAB, vocabulary="action_status", required=True,
               length=_STATUS_LENGTH, synonyms=_STATUS_SYNS, width=13,
               help="À faire, En cours, Réalisée ou Abandonnée"),
        Column(label="Date de réalisation", field="done_on", kind=Kind.DATE,
               synonyms=("Réalisée le", "Fait le", "Date de fin", "Date de clôture", "Clôturé le", "Terminée le"),
               width=14, help="JJ/MM/AAAA, quand le statut est Réalisée"),
        Column(label="Commentaire", field="comment", kind=Kind.TEXT,
               synonyms=("Commentaires", "Observations", "Remarques", "Suivi", "Notes"), width=40,
               help="point d'étape"),
        SOURCE_FILE,
        SOURCE_ROW,
    ),
)

# The cycle's diagnostics (domain.md, « The cycle »): one line per diagnostic de sécurité of the sector.
DIAGNOSTICS = SheetSchema(
    key="diagnostics",
    label="Diagnostic",
    optional=True,
    name_synonyms=("Diagnostics", "Diagnostic de sécurité", "Diagnostics de sécurité", "Diagnostic local",
                   "Diagnostic local de sécurité", "Diagnostic sécurité", "Diagnostics GPO", "Diagnostic GPO"),
    frame_columns=(
        SECTOR_ID,
        Column(label="Date du diagnostic", field="diagnosed_on", kind=Kind.DATE, required=True,
               synonyms=("Date", "Date de diagnostic", "Diagnostic du", "Établi le", "Date d'établissement",
                         "Réalisé le"), width=14,
               help="date à laquelle le diagnostic a été établi, JJ/MM/AAAA"),
        Column(label="Titre", field="title", kind=Kind.TEXT,
               synonyms=("Intitulé", "Objet", "Libellé", "Nom du diagnostic"), width=34,
               help="par exemple « Diagnostic local de sécurité 2026 »"),
        Column(label="Partagé le", field="shared_on", kind=Kind.DATE,
               synonyms=("Date de partage", "Partagé avec les partenaires le", "Diffusé le", "Date de diffusion",
                         "Présenté le", "Communiqué le"), width=14,
               help="date à laquelle il a été partagé avec les partenaires, JJ/MM/AAAA"),
        Column(label="Problèmes prioritaires", field="priority_problem_ids", kind=Kind.TEXT,
               synonyms=("Problèmes retenus", "Problèmes ciblés", "Priorités", "Problèmes", "Réf problèmes",
                         "Réf. problèmes prioritaires", "Réf des problèmes prioritaires"), width=22,
               help="les Réf des problèmes prioritaires (feuille Problèmes), séparées par des virgules ou des "
                    "points-virgules : P-01, P-04"),
        Column(label="Synthèse", field="summary", kind=Kind.TEXT,
               synonyms=("Résumé", "Constats", "Conclusions", "Observations", "Commentaire", "Description"), width=50,
               help="ce que le diagnostic retient, en quelques lignes"),
        SOURCE_FILE,
        SOURCE_ROW,
    ),
)

# Whom the follow-up writes to (issue 14): one line per contact of a partner of the sector.
EMAIL_LENGTH = 254  # the longest address SMTP carries (RFC 5321)
PARTNERS = SheetSchema(
    key="partners",
    label="Partenaires",
    optional=True,
    name_synonyms=("Partenaire", "Liste des partenaires", "Partenaires du GPO", "Contacts", "Contacts partenaires",
                   "Annuaire", "Annuaire des partenaires", "Coordonnées", "Coordonnées des partenaires",
                   "Carnet d'adresses"),
    frame_columns=(
        SECTOR_ID,
        Column(label="Organisation", field="organisation", kind=Kind.PARTNER, required=True,
               synonyms=("Partenaire", "Partenaire responsable", "Nom du partenaire", "Structure", "Organisme",
                         "Institution", "Service"), width=30,
               help="le partenaire, écrit comme dans la colonne « Partenaire responsable » des actions"),
        Column(label="Type de partenaire", field="partner_type", kind=Kind.VOCAB, vocabulary="partner_type", length=30,
               synonyms=("Type partenaire", "Catégorie de partenaire", "Type d'acteur", "Type"), width=18,
               help="choisir dans la liste"),
        Column(label="Contact", field="contact", kind=Kind.TEXT, length=120,
               synonyms=("Nom du contact", "Interlocuteur", "Personne à contacter", "Correspondant", "Référent",
                         "Nom"), width=24,
               help="la personne à qui écrire (facultatif)"),
        Column(label="Courriel", field="email", kind=Kind.TEXT, required=True, length=EMAIL_LENGTH,
               synonyms=("E-mail", "Email", "Mail", "Mél", "Adresse électronique", "Adresse mail", "Adresse e-mail",
                         "Adresse courriel", "Courrier électronique"), width=32,
               help="une seule adresse électronique par ligne, par exemple accueil@mairie-exemple.fr"),
        Column(label="Ne plus écrire", field="opted_out", kind=Kind.BOOL,
               synonyms=("Désinscrit", "Désinscrite", "Ne plus envoyer", "Ne pas écrire", "Opposition",
                         "Pas de courriel", "Refus des courriels", "Refuse les courriels"), width=12,
               help="Oui si ce contact ne veut plus recevoir de courriel (vide = Non)"),
        SOURCE_FILE,
        SOURCE_ROW,
    ),
)

# In the order they are read, stored, exported and written in the template (the optional sheets last: a diagnostic
# names problems, read before it).
SHEETS: dict[str, SheetSchema] = {s.key: s for s in (MEETINGS, PROBLEMS, ACTIONS, DIAGNOSTICS, PARTNERS)}
SHEET_ORDER: tuple[str, ...] = tuple(SHEETS)
REQUIRED_SHEETS: tuple[str, ...] = tuple(key for key, schema in SHEETS.items() if not schema.optional)
PRIORITY_SEPARATOR = ";"  # priority_problem_ids: the Réf joined by it, without spaces ("P-01;P-04")
OUTPUT_COLUMNS: dict[str, tuple[str, ...]] = {key: schema.fields for key, schema in SHEETS.items()}

# The optional key / value sheet.
SECTOR_SHEET_LABEL = "Secteur"
SECTOR_SHEET_SYNONYMS = ("Secteur", "Informations", "Infos secteur", "Identification", "GPO", "Fiche secteur")
SECTOR_KEYS = {
    "sector": ("Secteur", "Nom du secteur", "Secteur GPO"),
    "csp": ("Circonscription", "CSP", "Commissariat"),
    "animateur": ("Animateur", "Animatrice", "Animateur GPO", "Référent"),
    "cadence": ("Cadence", "Fréquence", "Périodicité", "Rythme des réunions"),
    "constituted_on": ("Date de constitution", "Constitué le", "Réunion constitutive",
                       "Date de la réunion constitutive"),
}

# Sheets our own template writes that carry no data.
AUXILIARY_SHEETS = ("Mode d'emploi", "Instructions", "Listes", "Lisez-moi", "Notice", "Aide")


# --- frames of the declared dtypes -----------------------------------------------------------------------------------

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min


def _day_array(days: list) -> np.ndarray:
    """dates (or datetimes, Timestamps) / None -> datetime64[us], each distinct day converted once (numpy's own
    conversion of date objects is slow)."""
    offset = {d: (d.toordinal() - _EPOCH_ORDINAL if d is not None else _NAT) for d in set(days)}
    return np.array([offset[d] for d in days], dtype=np.int64).view("datetime64[D]").astype("datetime64[us]")


def typed_array(column: Column, values: list):
    """Python values (None for missing) as the column's declared dtype."""
    if column.kind is Kind.DATE:
        return _day_array(values)
    return pd.array(values, dtype=column.dtype)


def frame_from_values(key: str, values: dict[str, list]) -> pd.DataFrame:
    """The sheet's normalized frame from one list of Python values per field (every field, equal lengths)."""
    schema = SHEETS[key]
    return pd.DataFrame({c.field: typed_array(c, values[c.field]) for c in schema.frame_columns})


def empty_frame(key: str) -> pd.DataFrame:
    """A sheet with no row, with the declared columns and dtypes (dates stay dates: `.dt` works)."""
    return pd.DataFrame({c.field: pd.Series(dtype=c.dtype) for c in SHEETS[key].frame_columns})


def empty_frames() -> dict[str, pd.DataFrame]:
    """No rows, the declared dtypes: a sheet a file does not carry looks like an empty one."""
    return {key: empty_frame(key) for key in SHEET_ORDER}


def conformance_problems(frame: pd.DataFrame, key: str) -> list[str]:
    """How `frame` differs from the declared frame of sheet `key` (columns, order, dtypes, missing values where
    none may be); empty when it conforms."""
    schema = SHEETS[key]
    if tuple(frame.columns) != schema.fields:
        return [f"columns {list(frame.columns)} instead of {list(schema.fields)}"]
    problems = []
    for column in schema.frame_columns:
        series = frame[column.field]
        if series.dtype != pd.api.types.pandas_dtype(column.dtype):
            problems.append(f"{column.field}: dtype {series.dtype!r} instead of {column.dtype!r}")
        elif not column.nullable and series.isna().any():
            missing = int(series.isna().sum())
            problems.append(f"{column.field}: {missing} missing value(s) in a column declared non-null")
    return problems
