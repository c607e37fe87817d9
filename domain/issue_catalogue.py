"""The one catalogue of issues: every code, its severity and its French message template.

An `Issue` says where (sheet, Excel line, column), what was found (value) and what
was expected, in plain French. Loaders never raise for bad data: they return
issues. Templates are `str.format` strings over the issue's fields plus the
extras the caller passes (expected, first_row, other, limit, ...).

Severity:
- ``error`` at file level (row is None) stops the file; on a row it rejects the row;
- ``warning`` keeps the row and flags it;
- ``info`` says something was seen and set aside (an extra column, a totals line).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from string import Formatter

from domain.tracker_schema import SECTOR_SHEET_LABEL, SHEETS

ERROR, WARNING, INFO = "error", "warning", "info"

SHEET_LABELS = {**{key: schema.label for key, schema in SHEETS.items()}, "sector": SECTOR_SHEET_LABEL}

# code -> (severity, template). Keep the wording plain: an officer reads it.
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- file level ---------------------------------------------------------
    "file_not_found": (ERROR, "Fichier introuvable : « {value} »."),
    "file_empty": (ERROR, "Le fichier « {value} » est vide (0 octet) : rien à lire."),
    "file_too_big": (ERROR, "Le fichier pèse {value} ; la limite est de {limit}. Un tableau de suivi fait bien moins de 5 Mo : vérifiez qu'il s'agit du bon fichier."),
    "not_a_spreadsheet": (ERROR, "Ce fichier n'est pas un tableur ({detected}). Formats acceptés : .xlsx, .xlsm, .ods, .xls ou .csv, enregistrés depuis Excel ou LibreOffice."),
    "zip_bomb": (ERROR, "Une fois décompressé, ce fichier ferait {value} (taux de compression {ratio}) : il est refusé par sécurité (limite {limit})."),
    "xml_entities": (ERROR, "Le fichier contient des déclarations XML (DOCTYPE / ENTITY) qu'aucun tableur n'écrit : il est refusé par sécurité."),
    "password_protected": (ERROR, "Le fichier est protégé par un mot de passe : enregistrez-en une copie sans mot de passe, puis déposez-la."),
    "unreadable_file": (ERROR, "Le fichier n'a pas pu être lu ({value}). Ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau."),
    "too_many_rows": (ERROR, "La feuille « {sheet_name} » compte plus de {limit} lignes : ce n'est pas un tableau de suivi ordinaire, le fichier est refusé."),
    "too_many_columns": (ERROR, "La feuille « {sheet_name} » compte {value} colonnes (limite {limit}) : le fichier est refusé."),
    "cell_beyond_limits": (ERROR, "La feuille « {sheet_name} » contient une valeur en {value} (ligne {line}, colonne {letters}), au-delà de ce que peut compter un tableau de suivi ({limit}). C'est souvent une frappe égarée loin du tableau : dans Excel ou LibreOffice, tapez {value} dans la zone Nom (à gauche de la barre de formule), videz cette cellule, enregistrez puis déposez à nouveau le fichier."),
    "xls_too_spread": (ERROR, "La feuille « {sheet_name} » de ce fichier .xls a une valeur en {value}, loin du tableau : un fichier .xls se lit d'un bloc, de A1 jusqu'à cette cellule, ce qui serait trop lourd. Videz les cellules remplies loin du tableau (jusqu'à la colonne {letters}), ou enregistrez le fichier au format .xlsx, puis déposez-le à nouveau."),
    "too_many_cells": (ERROR, "La feuille « {sheet_name} » dépasse la limite de {limit} : ce n'est pas un tableau de suivi ordinaire, le fichier est refusé."),
    "unsafe_read": (ERROR, "Le fichier n'a pas pu être lu sans danger ({value}) : sa lecture a été arrêtée, sans conséquence pour l'application ni pour les autres utilisateurs. Ouvrez-le dans Excel ou LibreOffice, supprimez ce qui se trouve loin du tableau, enregistrez-le à nouveau puis déposez-le."),
    "missing_sheet": (ERROR, "Feuille « {sheet_label} » introuvable. Feuilles du fichier : {found}. Ajoutez une feuille nommée « {sheet_label} » (le modèle vierge en contient une)."),
    "header_not_found": (ERROR, "Feuille « {sheet_label} » : aucune ligne d'en-têtes trouvée dans les {limit} premières lignes (attendu par exemple : {expected})."),
    "missing_column": (ERROR, "Feuille « {sheet_label} » : colonne obligatoire « {column} » introuvable (en-têtes lus ligne {header_line} : {found})."),
    "csv_sheet_unknown": (ERROR, "Impossible de savoir ce que contient ce CSV : ni ses en-têtes ni son nom ne disent s'il s'agit des réunions, des problèmes, des actions, du diagnostic ou des partenaires. Nommez-le par exemple « problemes.csv »."),
    "sector_not_found": (ERROR, "Impossible de savoir à quel secteur ce fichier se rapporte. Indiquez-le dans le formulaire (ou --secteur), dans la feuille « Secteur » ou dans une colonne « Secteur »."),
    "sector_unknown": (ERROR, "Secteur « {value} » inconnu. Secteurs connus : {expected}."),
    # --- row errors (the row is rejected) -----------------------------------
    "missing_value": (ERROR, "Ligne {row}, colonne « {column} » : valeur obligatoire manquante."),
    "invalid_date": (ERROR, "Ligne {row}, colonne « {column} » : « {value} » n'est pas une date valide (attendu : JJ/MM/AAAA)."),
    "invalid_value": (ERROR, "Ligne {row}, colonne « {column} » : « {value} » n'est pas une valeur reconnue (attendu : {expected})."),
    "invalid_number": (ERROR, "Ligne {row}, colonne « {column} » : « {value} » n'est pas un nombre entier (attendu : un nombre, par exemple 12)."),
    "duplicate_ref": (ERROR, "Ligne {row}, colonne « {column} » : la référence « {value} » est déjà utilisée ligne {first_row}."),
    "duplicate_meeting": (ERROR, "Ligne {row}, colonne « {column} » : une réunion du {value} figure déjà ligne {first_row}."),
    "unknown_problem": (ERROR, "Ligne {row}, colonne « {column} » : le problème « {value} » n'existe pas dans la feuille « Problèmes »."),
    "problem_rejected": (ERROR, "Ligne {row}, colonne « {column} » : le problème « {value} » a été rejeté (ligne {first_row} de la feuille « Problèmes ») ; corrigez d'abord ce problème."),
    "unknown_current_problem": (ERROR, "Ligne {row}, colonne « {column} » : le problème « {value} » n'existe pas parmi les problèmes actuels du secteur (ce fichier ne contient que les actions) ; importez d'abord la feuille « Problèmes » qui le contient."),
    "resolved_before_reported": (ERROR, "Ligne {row}, colonne « {column} » : la résolution ({value}) est antérieure au signalement ({other})."),
    "formula_without_value": (ERROR, "Ligne {row}, colonne « {column} » : la formule « {value} » n'a pas de valeur calculée. Ouvrez le fichier dans Excel ou LibreOffice et enregistrez-le, ou saisissez la valeur."),
    "sector_mismatch": (ERROR, "Ligne {row}, colonne « {column} » : « {value} » ne correspond pas au secteur du fichier ({expected})."),
    "text_too_long": (ERROR, "Ligne {row}, colonne « {column} » : texte trop long ({length} caractères, {limit} au plus) : « {value} »."),
    "row_sector_unknown": (ERROR, "Ligne {row}, colonne « {column} » : secteur « {value} » inconnu (secteurs connus : {expected})."),
    "duplicate_diagnostic": (ERROR, "Ligne {row}, colonne « {column} » : un diagnostic du {value} figure déjà ligne {first_row}."),
    "invalid_email": (ERROR, "Ligne {row}, colonne « {column} » : « {value} » n'est pas une adresse électronique valide (attendu : une seule adresse par ligne, par exemple prenom.nom@mairie-exemple.fr)."),
    "duplicate_partner": (ERROR, "Ligne {row}, colonne « {column} » : l'adresse « {value} » figure déjà ligne {first_row} pour la même organisation."),
    # --- warnings (the row is kept, flagged) --------------------------------
    "resolved_without_date": (WARNING, "Ligne {row}, colonne « {column} » : problème « {value} » marqué résolu sans date de résolution."),
    "done_without_date": (WARNING, "Ligne {row}, colonne « {column} » : action « {value} » marquée réalisée sans date de réalisation."),
    "closing_date_but_open": (WARNING, "Ligne {row}, colonne « {column} » : une date ({value}) est saisie mais le statut est « {expected} »."),
    "unknown_commune": (WARNING, "Ligne {row}, colonne « {column} » : commune « {value} » inconnue dans le département ; la ligne est gardée sans code INSEE."),
    "commune_outside_sector": (WARNING, "Ligne {row}, colonne « {column} » : la commune « {value} » n'appartient pas au secteur {expected}."),
    "due_before_reported": (WARNING, "Ligne {row}, colonne « {column} » : l'échéance ({value}) est antérieure à la date de départ ({other})."),
    "date_far_future": (WARNING, "Ligne {row}, colonne « {column} » : date très lointaine ({value}), plus d'un an après le {as_of}."),
    "event_in_future": (WARNING, "Ligne {row}, colonne « {column} » : la date {value} est dans le futur (référence : {as_of})."),
    "held_in_future": (WARNING, "Ligne {row}, colonne « {column} » : réunion marquée « Tenue » à une date future ({value} ; référence : {as_of})."),
    "planned_in_past": (WARNING, "Ligne {row}, colonne « {column} » : réunion encore « Prévue » à une date passée ({value} ; référence : {as_of}) ; indiquez si elle s'est tenue."),
    "sector_info_mismatch": (WARNING, "Feuille « Secteur » : {column} « {value} » ne correspond pas au référentiel ({expected})."),
    "sector_not_given": (WARNING, "Secteur non précisé ; le fichier ne contient aucune ligne, il n'y a donc rien à rattacher."),
    "duplicate_column": (WARNING, "Feuille « {sheet_label} » : deux colonnes correspondent à « {column} » ; seule la première est lue, la colonne « {value} » est ignorée."),
    "closed_without_outcome": (WARNING, "Ligne {row}, colonne « {column} » : problème « {value} » marqué « {expected} » sans résultat ; indiquez ce que l'action du GPO a changé ({allowed})."),
    "outcome_but_open": (WARNING, "Ligne {row}, colonne « {column} » : un résultat (« {value} ») est saisi mais le problème est « {expected} » ; le résultat se note quand le problème est résolu ou abandonné."),
    "unknown_priority_problem": (WARNING, "Ligne {row}, colonne « {column} » : le problème « {value} » n'existe pas dans la feuille « Problèmes » ; la ligne est gardée, vérifiez la référence."),
    "priority_problem_rejected": (WARNING, "Ligne {row}, colonne « {column} » : le problème « {value} » a été rejeté (ligne {first_row} de la feuille « Problèmes ») ; la ligne est gardée, corrigez ce problème."),
    "unknown_current_priority_problem": (WARNING, "Ligne {row}, colonne « {column} » : le problème « {value} » n'existe pas parmi les problèmes actuels du secteur (ce fichier ne contient pas la feuille « Problèmes ») ; la ligne est gardée, vérifiez la référence."),
    "shared_before_diagnosed": (WARNING, "Ligne {row}, colonne « {column} » : le partage ({value}) est antérieur au diagnostic ({other})."),
    "optional_sheet_not_read": (WARNING, "Feuille « {value} » : aucune ligne d'en-têtes trouvée dans les {limit} premières lignes (attendu par exemple : {expected}) ; cette feuille facultative n'est pas lue comme feuille « {sheet_label} » et les données actuelles du secteur pour cette feuille restent inchangées."),
    "actions_without_problem": (WARNING, "Feuille « {sheet_label} » : {value} action(s) actuelle(s) du secteur se rapportent à des problèmes absents de ce fichier ({expected}) ; elles sont gardées telles quelles, importez aussi la feuille « Actions » à jour."),
    # --- information --------------------------------------------------------
    "extra_column": (INFO, "Feuille « {sheet_label} » : colonne « {value} » non reconnue, ignorée."),
    "extra_sheet": (INFO, "Feuille « {value} » non reconnue, ignorée."),
    "footer_line": (INFO, "Ligne {row} : ligne de total ou de note (« {value} »), non importée."),
    "problems_not_checked": (INFO, "Les références aux problèmes ne sont pas vérifiées : ce fichier ne contient pas la feuille « Problèmes »."),
    "one_sheet_replaces": (INFO, "Ce fichier CSV ne contient que la feuille « {sheet_label} » : elle remplace celle des données actuelles du secteur ; les feuilles {kept} restent inchangées."),
    "one_sheet_first_import": (INFO, "Ce fichier CSV ne contient que la feuille « {sheet_label} » : c'est le premier import de ce secteur, les feuilles {kept} restent vides."),
    "optional_sheet_kept": (INFO, "Ce fichier ne contient pas de feuille « {sheet_label} » (facultative) : les {value} ligne(s) actuelle(s) du secteur pour cette feuille sont gardées telles quelles."),
    "extension_mismatch": (INFO, "Le fichier porte l'extension « {value} » mais contient un classeur {detected} : il est lu comme tel."),
}

# What each code means, for the README and for whoever adds a code.
SEVERITY_LABELS = {ERROR: "Erreur", WARNING: "Avertissement", INFO: "Information"}


@dataclass(frozen=True)
class Issue:
    """One finding, positioned as the user sees the file (Excel line, column label)."""

    code: str
    severity: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def make_issue(
    code: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    **extra: object,
) -> Issue:
    """Build an issue from the catalogue; unknown codes are a programming error (KeyError)."""
    severity, template = CATALOGUE[code]
    shown = None if value is None or value == "" else display_value(value)
    fields = {
        "row": row,
        "column": column,
        "value": shown if shown is not None else "",
        "sheet": sheet,
        "sheet_label": SHEET_LABELS.get(sheet or "", sheet or ""),
        **{k: display_value(v) for k, v in extra.items()},
    }
    return Issue(code, severity, sheet, row, column, shown, template.format(**fields))


def display_value(value: object) -> str:
    """A cell value as the user would recognise it (dates as JJ/MM/AAAA, 12.0 as 12)."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def template_fields(code: str) -> set[str]:
    """The placeholder names a template uses (a test checks callers can fill them)."""
    return {name for _, name, _, _ in Formatter().parse(CATALOGUE[code][1]) if name}
