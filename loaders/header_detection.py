"""Find the header line under title lines, map its cells to schema fields, and tell sheets apart."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.text import fold, singular
from domain.tracker_schema import AUXILIARY_SHEETS, SECTOR_COLUMN, SECTOR_SHEET_SYNONYMS, SHEETS, SheetSchema
from loaders import limits
from loaders.raw_sheet import RawSheet
from loaders.settings import Settings


@dataclass
class HeaderMatch:
    line: int  # Excel line of the header
    columns: dict[str, int]  # field -> 0-based column
    extra: list[str] = field(default_factory=list)  # headers we do not know, as written
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (canonical label, header as written)
    sector_column: int | None = None
    found: list[str] = field(default_factory=list)  # every non-empty header, as written


def header_lookup(schema: SheetSchema, settings: Settings) -> dict[str, str]:
    """Folded header text -> field, for one sheet. Canonical labels win over synonyms."""
    table: dict[str, str] = {}
    extra = settings.headers.get(schema.key, {})
    for col in schema.columns:
        for word in (*col.synonyms, *extra.get(fold(col.label), [])):
            table.setdefault(fold(word), col.field)
    for col in schema.columns:
        table[fold(col.label)] = col.field
    for word in (SECTOR_COLUMN.label, *SECTOR_COLUMN.synonyms):
        table.setdefault(fold(word), SECTOR_COLUMN.field)
    return table


def _clean_header(cell: object) -> str:
    return " ".join(str(cell).split())


def _score(row: list, lookup: dict[str, str], schema: SheetSchema) -> tuple[bool, int, int]:
    """(every required column named, columns named, required columns named) for one line."""
    fields = {lookup.get(fold(cell)) for cell in row if isinstance(cell, str) and cell.strip()}
    required = sum(1 for c in schema.columns if c.required and c.field in fields)
    total_required = sum(1 for c in schema.columns if c.required)
    return required == total_required, len(fields - {None, SECTOR_COLUMN.field}), required


def qualifies(score: tuple[bool, int, int], schema: SheetSchema, *, strict: bool = False) -> bool:
    """Whether a line scored `score` can be the header of `schema`: two of its required columns named (its only one
    and another column, for a sheet with a single required column such as Diagnostic). `strict` (a sheet recognised
    by its headers alone as an optional sheet): every required column and at least three columns named."""
    if strict:
        return score[0] and score[1] >= 3
    total_required = sum(1 for c in schema.columns if c.required)
    return score[2] >= min(2, total_required) and score[1] >= 2


def find_header(sheet: RawSheet, schema: SheetSchema, lookup: dict[str, str]) -> HeaderMatch | None:
    """The line among the first ones that names the most columns (at least two required ones, see `qualifies`)."""
    best_line, best_score = None, (False, 0, 0)
    for index, row in enumerate(sheet.rows[: limits.HEADER_SEARCH_ROWS]):
        score = _score(row, lookup, schema)
        if qualifies(score, schema) and score > best_score:
            best_line, best_score = index, score
    if best_line is None:
        return None
    match = HeaderMatch(line=best_line + 1, columns={})
    labels = {c.field: c.label for c in schema.columns}
    for col_index, cell in enumerate(sheet.rows[best_line]):
        text = _clean_header(cell) if cell != "" else ""
        if not text:
            continue
        match.found.append(text)
        target = lookup.get(fold(text))
        if target == SECTOR_COLUMN.field:
            if match.sector_column is None:
                match.sector_column = col_index
            else:
                match.duplicates.append((SECTOR_COLUMN.label, text))
        elif target is None:
            match.extra.append(text)
        elif target in match.columns:
            match.duplicates.append((labels[target], text))
        else:
            match.columns[target] = col_index
    return match


def header_score(sheet: RawSheet, schema: SheetSchema, lookup: dict[str, str]) -> tuple[bool, int, int]:
    """How well the best line of `sheet` matches `schema` (used to recognise a CSV or an oddly named sheet)."""
    return max((_score(row, lookup, schema) for row in sheet.rows[: limits.HEADER_SEARCH_ROWS]), default=(False, 0, 0))


def _name_key(name: str) -> str:
    return "".join(singular(w) for w in fold(name).split())


def sheet_name_table(settings: Settings) -> dict[str, str]:
    """Folded, space-less, singular sheet name -> sheet key (meetings, problems, actions, sector, aux)."""
    table: dict[str, str] = {}
    for key, schema in SHEETS.items():
        for name in (schema.label, *schema.name_synonyms, *settings.sheets.get(key, [])):
            table[_name_key(name)] = key
    for name in (*SECTOR_SHEET_SYNONYMS, *settings.sheets.get("sector", [])):
        table[_name_key(name)] = "sector"
    for name in AUXILIARY_SHEETS:
        table[_name_key(name)] = "aux"
    return table


def classify_sheet_name(name: str, table: dict[str, str]) -> str | None:
    return table.get(_name_key(name))


def sheet_from_file_name(file_name: str) -> str | None:
    """For a CSV whose headers say nothing: "problemes_forbach.csv" holds problems."""
    words = {singular(w) for w in fold(file_name.rsplit(".", 1)[0]).split()}
    stems = (("meetings", "reunion"), ("problems", "probleme"), ("actions", "action"), ("diagnostics", "diagnostic"),
             ("partners", "partenaire"), ("partners", "contact"), ("partners", "annuaire"))
    hits = {key for key, stem in stems if stem in words}
    return hits.pop() if len(hits) == 1 else None
