"""The blank tracker an animator downloads: instructions, sector card, the data sheets, hidden lists.

The workbook layout (sheet names, canonical headers in schema order, dropdowns,
date checks) is built here once; `loaders.tracker_export` fills the same layout
with a sector's current data. Every word a user reads is French; dropdowns point
at ranges of the hidden sheet "Listes" (inline lists are capped at 255 characters).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from domain.reference import Reference, Sector, default_reference
from domain.tracker_schema import SECTOR_SHEET_LABEL, SHEET_ORDER, SHEETS, Column, Kind, SheetSchema
from domain.vocabulary import CADENCES, VOCABULARIES
from loaders.settings import read_settings

GUIDE_SHEET = "Mode d'emploi"
LISTS_SHEET = "Listes"
TEMPLATE_ROWS = 1000  # dropdowns and date checks cover lines 2..TEMPLATE_ROWS
DATE_FORMAT = "DD/MM/YYYY"
_SERIAL_2000_01_01, _SERIAL_2099_12_31 = 36526, 73050

_REQUIRED_FILL = PatternFill("solid", fgColor="1F4E78")
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_KEY_FILL = PatternFill("solid", fgColor="F2F2F2")
_WHITE_BOLD = Font(bold=True, color="FFFFFF")
_BOLD = Font(bold=True)
_THIN = Side(style="thin", color="8EA9DB")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")

# (list key, title on the Listes sheet). Vocabulary names, plus yes/no, sectors and cadences.
_LIST_TITLES = (
    ("meeting_kind", "Type de réunion"),
    ("meeting_status", "Statut de réunion"),
    ("problem_status", "Statut de problème"),
    ("action_status", "Statut d'action"),
    ("priority", "Priorité"),
    ("category", "Catégorie"),
    ("partner_type", "Type de partenaire"),
    ("bool", "Oui / Non"),
    ("sector", "Secteur"),
    ("cadence", "Cadence"),
    ("problem_stage", "Étape du problème"),  # appended: the lists above keep their columns of « Listes »
    ("outcome", "Résultat"),
)

_SHEET_PURPOSE = {
    SECTOR_SHEET_LABEL: "la fiche du secteur : nom, circonscription, animateur, cadence des réunions, date de la "
                        "réunion constitutive (valeurs en colonne B).",
    "meetings": "une ligne par réunion du GPO : tenue, prévue, annulée ou reportée, avec les présents.",
    "problems": "une ligne par problème qui gêne la population (diagnostic de sécurité, signalements des partenaires).",
    "actions": "une ligne par action décidée pour traiter un problème, confiée à un partenaire avec une échéance.",
    "diagnostics": "(facultative) une ligne par diagnostic de sécurité du secteur : sa date, la date où il a été "
                   "partagé avec les partenaires et les problèmes prioritaires qu'il retient. D'un diagnostic au "
                   "suivant, c'est un cycle du GPO, dont le bilan est attendu 12 mois après le diagnostic.",
    "partners": "(facultative) une ligne par contact d'un partenaire : l'organisation, telle que l'écrit la "
                "colonne « Partenaire responsable » des actions, la personne et son adresse électronique.",
}

_RULES = (
    "Ne renommez pas les feuilles ni les en-têtes de colonnes, et ne les supprimez pas : le tableau de bord les "
    "reconnaît par leur nom. Vous pouvez ajouter vos propres colonnes à droite : elles sont ignorées à l'import.",
    "Une ligne = une réunion, un problème, une action, un diagnostic ou un contact. Pas de ligne de total ni de "
    "commentaire au milieu du tableau.",
    "Dates au format JJ/MM/AAAA, jour en premier : 03/04/2026 signifie le 3 avril 2026.",
    "Les en-têtes sur fond bleu foncé sont obligatoires : une ligne où il en manque un est rejetée à l'import. "
    "Les en-têtes sur fond bleu clair sont facultatifs.",
    "Pour les colonnes à liste, choisissez la valeur dans la liste déroulante (flèche à droite de la cellule).",
    "Chaque problème a une référence unique (P-01, P-02…). Chaque action a la sienne (A-01, A-02…) et reprend, "
    "dans la colonne « Réf problème », la référence du problème qu'elle traite.",
    "Problème résolu : statut « Résolu », date de résolution et, dans « Résultat », ce que l'action du GPO a changé "
    "(Éliminé, Réduit, Moins grave…). Action terminée : statut « Réalisée » et date de réalisation.",
    "Les feuilles « Diagnostic » et « Partenaires » sont facultatives ; si vous les supprimez, le tableau de bord "
    "garde celles qu'il a déjà. Pour les vider, gardez la feuille et ses en-têtes, sans ligne.",
    "Ne supprimez pas les lignes anciennes : l'historique sert au bilan du GPO. Utilisez plutôt les filtres pour "
    "masquer les lignes closes.",
    "Enregistrez au format .xlsx (Excel) ou .ods (LibreOffice), puis déposez le fichier sur le tableau de bord : "
    "chaque ligne est contrôlée et chaque erreur est signalée avec son numéro de ligne.",
)


def list_values(reference: Reference) -> dict[str, list[str]]:
    """List key -> the French values offered in dropdowns (site categories included)."""
    values = {name: list(vocab.labels.values()) for name, vocab in VOCABULARIES.items()}
    try:
        extra = list(read_settings().categories)
    except (OSError, ValueError):  # a broken settings file is the loader's to report, not the template's
        extra = []
    values["category"] += [c for c in extra if c not in values["category"]]
    values["bool"] = ["Oui", "Non"]
    values["sector"] = [s.name for s in reference.sectors.values()]
    values["cadence"] = list(CADENCES.values())
    return values


def _list_key(col: Column) -> str | None:
    if col.kind is Kind.VOCAB:
        return col.vocabulary
    return "bool" if col.kind is Kind.BOOL else None


def build_workbook(sector: Sector | None = None, reference: Reference | None = None, *,
                   last_row: int = TEMPLATE_ROWS) -> Workbook:
    """The full layout with empty data sheets; checks cover lines 2..last_row."""
    reference = reference or default_reference()
    values = list_values(reference)
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    _fill_guide(guide, sector, reference, values)
    ranges = _fill_lists(wb, values)
    _fill_sector_sheet(wb.create_sheet(SECTOR_SHEET_LABEL), sector, reference, ranges)
    for key in SHEET_ORDER:
        _data_sheet(wb.create_sheet(SHEETS[key].label), SHEETS[key], ranges, last_row)
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))
    wb.active = 0
    return wb


def write_template(path: str | Path, *, sector: Sector | None = None, reference: Reference | None = None) -> Path:
    """Write the blank tracker (.xlsx), with the sector card prefilled when `sector` is given."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    build_workbook(sector, reference).save(out)
    return out


def _fill_lists(wb: Workbook, values: dict[str, list[str]]) -> dict[str, str]:
    """The hidden sheet: one column per list. Returns list key -> absolute range for a validation."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    ranges = {}
    for j, (key, title) in enumerate(_LIST_TITLES, 1):
        letter = get_column_letter(j)
        ws.cell(1, j, title).font = _BOLD
        ws.column_dimensions[letter].width = max(18, max((len(v) for v in values[key]), default=0) + 2)
        for i, value in enumerate(values[key], 2):
            ws.cell(i, j, value)
        ranges[key] = f"{LISTS_SHEET}!${letter}$2:${letter}${max(len(values[key]), 1) + 1}"  # a reference without sectors yet
    ws.cell(len(max(values.values(), key=len)) + 3, 1, "Feuille technique : ne pas modifier (valeurs des listes déroulantes).")
    return ranges


def _list_validation(source: str, label: str) -> DataValidation:
    return DataValidation(
        type="list", formula1=source, allow_blank=True, showDropDown=False,
        showErrorMessage=True, errorStyle="stop", errorTitle="Valeur non reconnue",
        error=f"« {label} » : choisissez une valeur dans la liste déroulante (valeurs détaillées dans l'onglet "
              f"« {GUIDE_SHEET} »).",
        showInputMessage=True, promptTitle=label[:32], prompt="Choisissez dans la liste.")


def _date_validation(label: str) -> DataValidation:
    return DataValidation(
        type="date", operator="between", formula1=str(_SERIAL_2000_01_01), formula2=str(_SERIAL_2099_12_31),
        allow_blank=True, showErrorMessage=True, errorStyle="stop", errorTitle="Date non valide",
        error=f"« {label} » : saisissez une date entre le 01/01/2000 et le 31/12/2099, au format JJ/MM/AAAA "
              "(jour en premier, par exemple 03/04/2026 pour le 3 avril 2026).",
        showInputMessage=True, promptTitle=label[:32], prompt="Date au format JJ/MM/AAAA.")


def _count_validation(label: str) -> DataValidation:
    return DataValidation(
        type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True, showErrorMessage=True,
        errorStyle="stop", errorTitle="Nombre non valide",
        error=f"« {label} » : saisissez un nombre entier, 0 ou plus (par exemple 12).",
        showInputMessage=True, promptTitle=label[:32], prompt="Nombre entier de personnes présentes.")


def _data_sheet(ws, schema: SheetSchema, ranges: dict[str, str], last_row: int) -> None:
    """Header line 1 (canonical labels), widths, frozen header, filter, dropdowns and checks on 2..last_row."""
    ws.row_dimensions[1].height = 45
    for j, col in enumerate(schema.columns, 1):
        letter = get_column_letter(j)
        cell = ws.cell(1, j, col.label)
        cell.fill = _REQUIRED_FILL if col.required else _OPTIONAL_FILL
        cell.font = _WHITE_BOLD if col.required else _BOLD
        cell.alignment = _HEADER_ALIGN
        cell.border = _HEADER_BORDER
        note = Comment(f"{'Obligatoire' if col.required else 'Facultatif'} : {col.help}", "Modèle GPO")
        note.width, note.height = 260, 90
        cell.comment = note
        ws.column_dimensions[letter].width = col.width
        target = f"{letter}2:{letter}{last_row}"
        validation = None
        if (list_key := _list_key(col)) is not None:
            validation = _list_validation(ranges[list_key], col.label)
        elif col.kind is Kind.DATE:
            validation = _date_validation(col.label)
            ws.column_dimensions[letter].number_format = DATE_FORMAT
        elif col.kind is Kind.INT:
            validation = _count_validation(col.label)
        if validation is not None:
            validation.add(target)
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(schema.columns))}1"


def _fill_sector_sheet(ws, sector: Sector | None, reference: Reference, ranges: dict[str, str]) -> None:
    """Key / value pairs in A / B, labels exactly those the loader reads."""
    values: list[object] = [None] * 5
    if sector is not None:
        csp = reference.csps.get(sector.csp_id)
        values = [sector.name, csp.name if csp else None, sector.animateur or None,
                  CADENCES.get(sector.cadence), sector.constituted_on]
    keys = ("Secteur", "Circonscription", "Animateur", "Cadence", "Date de constitution")
    for i, (key, value) in enumerate(zip(keys, values), 1):
        label = ws.cell(i, 1, key)
        label.font, label.fill, label.border = _BOLD, _KEY_FILL, _HEADER_BORDER
        cell = ws.cell(i, 2, value)
        cell.border = _HEADER_BORDER
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        cell.alignment = Alignment(horizontal="left")
    for row, validation in ((1, _list_validation(ranges["sector"], "Secteur")),
                            (4, _list_validation(ranges["cadence"], "Cadence")),
                            (5, _date_validation("Date de constitution"))):
        validation.add(f"B{row}")
        ws.add_data_validation(validation)
    ws["B5"].number_format = DATE_FORMAT
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 42
    ws.merge_cells("A7:B7")
    ws["A7"] = ("Choisissez le secteur dans la liste (cellule B1). Les autres lignes sont facultatives : "
                "en cas d'écart, le référentiel départemental fait foi.")
    ws["A7"].alignment = _WRAP_TOP
    ws["A7"].font = Font(italic=True, color="595959")
    ws.row_dimensions[7].height = 48


def _fill_guide(ws, sector: Sector | None, reference: Reference, values: dict[str, list[str]]) -> None:
    """The readable instructions: what the file is, the rules, each sheet and column, each list."""
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 13
    ws.column_dimensions["C"].width = 90
    ws.sheet_view.showGridLines = False
    row = 1

    def line(text: str, *, font: Font | None = None, height: float | None = None, fill: PatternFill | None = None) -> None:
        nonlocal row
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        cell = ws.cell(row, 1, text)
        cell.alignment = _WRAP_TOP
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        if height:
            ws.row_dimensions[row].height = height
        row += 1

    def table_row(cells: tuple[str, str, str], *, header: bool = False, required: bool = False) -> None:
        nonlocal row
        for j, text in enumerate(cells, 1):
            cell = ws.cell(row, j, text)
            cell.alignment = _WRAP_TOP
            cell.border = _HEADER_BORDER
            if header:
                cell.font, cell.fill = _WHITE_BOLD, _REQUIRED_FILL
            elif j == 1:
                cell.font = _BOLD
                cell.fill = _REQUIRED_FILL if required else _OPTIONAL_FILL
                if required:
                    cell.font = _WHITE_BOLD
        ws.row_dimensions[row].height = max(15, 15 * (len(cells[2]) // 85 + 1))
        row += 1

    line("Tableau de suivi du GPO — mode d'emploi", font=Font(bold=True, size=16, color="1F4E78"), height=26)
    if sector is not None:
        csp = reference.csps.get(sector.csp_id)
        line(f"Secteur : {sector.name}" + (f" (circonscription de {csp.name})" if csp else ""), font=Font(bold=True, size=12))
    line("Ce fichier suit l'activité du groupe de partenariat opérationnel (GPO) du secteur : le diagnostic de "
         "sécurité, les réunions, les problèmes qui gênent la population et les actions décidées pour y répondre, "
         "chacune confiée à un partenaire avec une échéance, puis le résultat obtenu. Il se remplit avec les "
         "partenaires (mairie, police municipale, police nationale, bailleurs, transporteurs…) et se dépose sur le "
         "tableau de bord départemental.", height=60)
    row += 1
    line("Règles à respecter", font=Font(bold=True, size=13, color="1F4E78"))
    for rule in _RULES:
        line(f"• {rule}", height=15 * (len(rule) // 120 + 1))
    row += 1
    line("Les feuilles du classeur", font=Font(bold=True, size=13, color="1F4E78"))
    line(f"• {SECTOR_SHEET_LABEL} : {_SHEET_PURPOSE[SECTOR_SHEET_LABEL]}")
    for key in SHEET_ORDER:
        line(f"• {SHEETS[key].label} : {_SHEET_PURPOSE[key]}")
    line(f"• {LISTS_SHEET} (masquée) : les valeurs des listes déroulantes, à ne pas modifier.")
    for key in SHEET_ORDER:
        schema = SHEETS[key]
        row += 1
        line(f"Feuille « {schema.label} » : les colonnes", font=Font(bold=True, size=13, color="1F4E78"))
        table_row(("Colonne", "Obligatoire", "Ce qu'il faut saisir"), header=True)
        for col in schema.columns:
            text = col.help[:1].upper() + col.help[1:] if col.help else ""
            list_key = _list_key(col)
            if list_key and list_key != "bool" and not all(v in text for v in values[list_key]):
                text += f". Valeurs : {', '.join(values[list_key])}."
            table_row((col.label, "Oui" if col.required else "Non", text), required=col.required)
    row += 1
    line("Valeurs acceptées dans les listes", font=Font(bold=True, size=13, color="1F4E78"))
    table_row(("Liste", "", "Valeurs"), header=True)
    for key, title in _LIST_TITLES:
        if key != "sector":
            table_row((title, "", " ; ".join(values[key])))
    line("À l'import, les variantes courantes sont aussi comprises (majuscules, accents, « Clos » pour « Résolu », "
         "« Fait » pour « Réalisée », « X » pour « Oui »…), mais la liste déroulante évite toute erreur.", height=30)


def template_bytes(sector: Sector | None = None, reference: Reference | None = None) -> bytes:
    """The blank tracker as bytes, for a download button."""
    import io

    buffer = io.BytesIO()
    build_workbook(sector, reference).save(buffer)
    return buffer.getvalue()
