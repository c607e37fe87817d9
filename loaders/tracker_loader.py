"""The one loader contract: `load(source) -> [TrackerResult]`, one result per file and sector.

A result holds the normalized frames (accepted rows, warned ones included), the
rejected rows as typed, the per-sheet counts (read = accepted + rejected) and
every issue. Bad data never raises: a hostile or broken file gives one result
with a file-level error and no rows.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import pandas as pd

from domain.issue_catalogue import ERROR, Issue, make_issue
from domain.reference import Reference, Sector, default_reference
from domain.tracker_schema import REQUIRED_SHEETS, SECTOR_COLUMN, SHEET_ORDER, SHEETS, empty_frames
from loaders import limits
from loaders.cell_values import parse_text, ref_key
from loaders.csv_reader import read_csv
from loaders.data_lines import DataLine, data_lines, split_footer
from loaders.file_guard import inspect
from loaders.header_detection import (HeaderMatch, classify_sheet_name, find_header, header_lookup, header_score,
                                      qualifies, sheet_from_file_name, sheet_name_table)
from loaders.raw_sheet import RawSheet
from loaders.row_validation import Context, SheetOutcome, Vocabularies, validate_sheet
from loaders.sector_resolution import SectorSheet, check_sector_sheet, read_sector_sheet
from loaders.settings import Settings, read_settings


@dataclass
class SheetCount:
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0


@dataclass
class TrackerResult:
    file: str
    sector_id: str | None
    frames: dict[str, pd.DataFrame]
    rejected: dict[str, pd.DataFrame]
    counts: dict[str, SheetCount]
    issues: list[Issue]
    sector_sheet: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(issue.severity == ERROR for issue in self.issues)

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "sector_id": self.sector_id,
            "ok": self.ok,
            "sheets": {key: vars(count).copy() for key, count in self.counts.items()},
            "issues": [
                {"severity": i.severity, "code": i.code, "sheet": i.sheet, "row": i.row,
                 "column": i.column, "value": i.value, "message": i.message}
                for i in self.issues
            ],
        }


def _failed(file: str, sector_id: str | None, issues: list[Issue]) -> list[TrackerResult]:
    return [TrackerResult(file, sector_id, empty_frames(), {}, {}, issues)]


def _read_source(source: bytes | str | os.PathLike) -> tuple[bytes | None, Issue | None]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), None
    path = Path(source)
    if not path.is_file():
        return None, make_issue("file_not_found", value=str(source))
    size = path.stat().st_size
    if size > limits.MAX_FILE_BYTES:  # refuse before reading a byte
        return None, make_issue("file_too_big", value=limits.human_size(size), limit=limits.human_size(limits.MAX_FILE_BYTES))
    return path.read_bytes(), None


def load(source: bytes | str | os.PathLike, **options) -> list[TrackerResult]:
    """Read one tracker file into normalized frames and issues, split per sector (see `_load`).

    The cyclic garbage collector is paused meanwhile: a tracker read makes
    millions of short-lived cells and lists with no cycles, and collection
    passes over them cost more than the whole validation.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(source, **options)
    finally:
        if was_enabled:
            gc.enable()


def _load(
    source: bytes | str | os.PathLike,
    *,
    filename: str | None = None,
    sector: str | None = None,
    as_of: dt.date | None = None,
    reference: Reference | None = None,
    settings: Settings | None = None,
) -> list[TrackerResult]:
    """Read one tracker file into normalized frames and issues, split per sector.

    `source` is the file's bytes or path; `filename` names it in reports (needed
    for bytes); `sector` is what the upload form or `--secteur` says; `as_of` is
    the reference date for "in the future" warnings (today when omitted).
    """
    reference = reference or default_reference()
    settings = settings or read_settings()
    as_of = as_of or dt.date.today()
    shown_name = filename or str(source)
    base_name = PurePath(shown_name).name

    fixed: Sector | None = None
    if sector:
        fixed = reference.match_sector(sector)
        if fixed is None:
            return _failed(shown_name, None, [make_issue("sector_unknown", value=sector, expected=reference.sector_names())])
    hint = fixed.sector_id if fixed else None

    data, problem = _read_source(source)
    if problem:
        return _failed(shown_name, hint, [problem])
    inspection = inspect(data, base_name)
    if inspection.format is None:
        return _failed(shown_name, hint, inspection.issues)
    file_issues = list(inspection.issues)

    if inspection.format == "csv":
        sheets, errors = read_csv(data, base_name)
    else:
        from loaders.workbook_reader import read_workbook  # calamine only when a workbook comes
        sheets, errors = read_workbook(data, inspection.format)
    if errors:
        return _failed(shown_name, hint, file_issues + errors)

    lookups = {key: header_lookup(schema, settings) for key, schema in SHEETS.items()}
    assigned, sector_raw, sheet_issues = _assign_sheets(sheets, inspection.format, base_name, lookups, settings)
    file_issues += sheet_issues
    if not assigned:
        return _failed(shown_name, hint, file_issues)

    headers: dict[str, HeaderMatch] = {}
    for key, raw in list(assigned.items()):
        header, issues = _header_for(key, raw, lookups[key], alone=inspection.format == "csv")
        file_issues += issues
        if header:
            headers[key] = header
        elif SHEETS[key].optional:  # said as a warning; the file is read without it
            del assigned[key]
    if any(i.severity == ERROR for i in file_issues):
        return _failed(shown_name, hint, file_issues)

    info = read_sector_sheet(sector_raw) if sector_raw else SectorSheet()
    named = info.text("sector")
    if named:
        from_sheet = reference.match_sector(named)
        if fixed is None and from_sheet is None:
            return _failed(shown_name, None, file_issues + [make_issue("sector_unknown", sheet="sector", value=named,
                                                                        expected=reference.sector_names())])
        if fixed is None:
            fixed = from_sheet
        elif from_sheet is None or from_sheet.sector_id != fixed.sector_id:
            file_issues.append(make_issue("sector_info_mismatch", sheet="sector", column="Secteur", value=named,
                                          expected=f"secteur choisi : {fixed.name}"))
    if fixed is not None:
        file_issues += check_sector_sheet(info, fixed, reference)

    lines: dict[str, list[DataLine]] = {}
    footers: dict[str, list[tuple[int, str]]] = {}
    for key, raw in assigned.items():
        lines[key], footers[key] = split_footer(data_lines(raw, headers[key].line))

    has_sector_column = any(h.sector_column is not None for h in headers.values())
    if fixed is None and not has_sector_column:
        fixed = reference.sector_in_text(base_name)
        if fixed is None:
            if any(lines.values()) or any(footers.values()):
                return _failed(shown_name, None, file_issues + [make_issue("sector_not_found")])
            file_issues.append(make_issue("sector_not_given"))
            counts = {key: SheetCount() for key in assigned}
            return [TrackerResult(shown_name, None, empty_frames(), {}, counts, file_issues, dict(info.values))]

    groups, pre_rejected = _split_by_sector(lines, headers, fixed, reference)
    results = []
    first_group = True
    for sector_id, group_lines in groups.items():
        sector_obj = reference.sectors.get(sector_id) if sector_id else None
        ctx = Context(reference, Vocabularies.build(settings), as_of, base_name, sector_obj)
        result = _validate_group(shown_name, sector_id, assigned, headers, group_lines, pre_rejected.get(sector_id, {}),
                                 footers if first_group else {}, ctx, list(file_issues), dict(info.values))
        results.append(result)
        first_group = False
    return results


def _assign_sheets(sheets: list[RawSheet], fmt: str, base_name: str, lookups: dict, settings: Settings):
    """Map raw sheets to meetings / problems / actions / diagnostics / partners (+ the optional Secteur sheet).

    A CSV is the sheet its headers (else its file name) say. A workbook's sheets are recognised by name, then a sheet
    of another name by its headers: any required sheet still missing, an optional one only on a strict match (a
    sheet of notes with a « Date » column must not become the Diagnostic). Only the required sheets may be missing.
    """
    issues: list[Issue] = []
    assigned: dict[str, RawSheet] = {}
    sector_raw = None
    if fmt == "csv":
        raw = sheets[0]
        scores = {key: header_score(raw, SHEETS[key], lookups[key]) for key in SHEET_ORDER}
        best = max(scores, key=scores.get)
        key = best if qualifies(scores[best], SHEETS[best]) else sheet_from_file_name(base_name)
        if key is None:
            return {}, None, [make_issue("csv_sheet_unknown")]
        assigned[key] = raw
        if key in ("actions", "diagnostics"):
            issues.append(make_issue("problems_not_checked"))
        return assigned, None, issues
    table = sheet_name_table(settings)
    unplaced: list[RawSheet] = []
    for raw in sheets:
        key = classify_sheet_name(raw.name, table)
        if key == "aux":
            continue
        if key == "sector":
            sector_raw = sector_raw or raw
        elif key in SHEETS and key not in assigned:
            assigned[key] = raw
        else:
            unplaced.append(raw)
    for raw in unplaced:  # "Feuil1" holding the problems: recognised by its headers
        scores = {key: header_score(raw, SHEETS[key], lookups[key]) for key in SHEET_ORDER if key not in assigned}
        scores = {key: score for key, score in scores.items()
                  if qualifies(score, SHEETS[key], strict=SHEETS[key].optional)}
        best = max(scores, key=scores.get) if scores else None
        if best and not _is_blank_sheet(raw):
            assigned[best] = raw
        elif not _is_blank_sheet(raw):
            issues.append(make_issue("extra_sheet", value=raw.name))
    found = ", ".join(f"« {s.name} »" for s in sheets) or "aucune"
    for key in REQUIRED_SHEETS:
        if key not in assigned:
            issues.append(make_issue("missing_sheet", sheet=key, found=found))
    return assigned, sector_raw, issues


def _is_blank_sheet(raw: RawSheet) -> bool:
    return all(all(c == "" for c in row) for row in raw.rows)


def _header_for(key: str, raw: RawSheet, lookup: dict, *, alone: bool = False) -> tuple[HeaderMatch | None, list[Issue]]:
    """The sheet's header line; an optional sheet without one is left unread with a warning, unless it is the file's
    only sheet (`alone`: a CSV), which is then an error like any sheet's."""
    schema = SHEETS[key]
    header = find_header(raw, schema, lookup)
    if header is None:
        if schema.optional and not alone:
            expected = ", ".join(f"« {c.label} »" for c in schema.columns[:3])
            return None, [make_issue("optional_sheet_not_read", sheet=key, value=raw.name, limit=limits.HEADER_SEARCH_ROWS,
                                     expected=expected)]
        expected = ", ".join(f"« {c.label} »" for c in schema.columns if c.required)
        return None, [make_issue("header_not_found", sheet=key, limit=limits.HEADER_SEARCH_ROWS, expected=expected)]
    issues = []
    found = ", ".join(f"« {h} »" for h in header.found)
    for col in schema.columns:
        if col.required and col.field not in header.columns:
            issues.append(make_issue("missing_column", sheet=key, column=col.label, found=found, header_line=header.line))
    for label, text in header.duplicates:
        issues.append(make_issue("duplicate_column", sheet=key, column=label, value=text))
    for text in header.extra:
        issues.append(make_issue("extra_column", sheet=key, value=text))
    return header, issues


def _split_by_sector(lines: dict[str, list[DataLine]], headers: dict[str, HeaderMatch], fixed: Sector | None,
                     reference: Reference):
    """Group lines per sector. Lines whose Secteur cell is wrong are rejected here, with their issue."""
    groups: dict[str | None, dict[str, list[DataLine]]] = {}
    pre: dict[str | None, dict[str, list[Issue]]] = {}
    default = fixed.sector_id if fixed else None
    if fixed is None:  # a sheet without a Secteur column goes with the only sector the others name
        seen = set()
        for key, sheet_lines in lines.items():
            column = headers[key].sector_column
            if column is not None:
                for _, cells in sheet_lines:
                    found = reference.match_sector(cells[column]) if column < len(cells) and cells[column] != "" else None
                    if found:
                        seen.add(found.sector_id)
        if len(seen) == 1:
            default = seen.pop()
    if fixed:
        groups[default] = {key: [] for key in lines}
    for key, sheet_lines in lines.items():
        column = headers[key].sector_column
        if column is None and default is not None:  # the usual tracker: one sector, no Secteur column
            groups.setdefault(default, {k: [] for k in lines})[key].extend(sheet_lines)
            continue
        memo: dict = {}
        for line, cells in sheet_lines:
            if column is None:
                if default is None:
                    pre.setdefault(None, {}).setdefault(key, []).append(
                        make_issue("missing_value", sheet=key, row=line, column=SECTOR_COLUMN.label))
                    groups.setdefault(None, {k: [] for k in lines})
                else:
                    groups.setdefault(default, {k: [] for k in lines})[key].append((line, cells))
                continue
            typed = parse_text(cells[column] if column < len(cells) else "")[0]
            if typed is not None and typed not in memo:
                memo[typed] = reference.match_sector(typed)
            found = memo.get(typed) if typed is not None else None
            issue = None
            if fixed is not None:
                target = default
                if typed is not None and found is None:
                    issue = make_issue("row_sector_unknown", sheet=key, row=line, column=SECTOR_COLUMN.label, value=typed,
                                       expected=reference.sector_names())
                elif found is not None and found.sector_id != default:
                    issue = make_issue("sector_mismatch", sheet=key, row=line, column=SECTOR_COLUMN.label, value=typed,
                                       expected=fixed.name)
            elif found is not None:
                target = found.sector_id
            else:
                target = None
                issue = (make_issue("missing_value", sheet=key, row=line, column=SECTOR_COLUMN.label) if typed is None else
                         make_issue("row_sector_unknown", sheet=key, row=line, column=SECTOR_COLUMN.label, value=typed,
                                    expected=reference.sector_names()))
            groups.setdefault(target, {k: [] for k in lines})
            if issue is None:
                groups[target][key].append((line, cells))
            else:
                pre.setdefault(target, {}).setdefault(key, []).append(issue)
    if None in groups and groups[None] and not any(groups[None].values()) and None not in pre:
        del groups[None]
    return groups, pre


def _validate_group(file: str, sector_id: str | None, assigned: dict[str, RawSheet], headers: dict[str, HeaderMatch],
                    group_lines: dict[str, list[DataLine]], pre_rejected: dict[str, list[Issue]],
                    footers: dict[str, list[tuple[int, str]]], ctx: Context, issues: list[Issue],
                    sector_sheet: dict) -> TrackerResult:
    frames = empty_frames()
    rejected: dict[str, pd.DataFrame] = {}
    counts: dict[str, SheetCount] = {}
    problem_refs = None  # the Problèmes sheet's references, for the sheets that name problems (actions, diagnostics)
    if "problems" in assigned and ("actions" in assigned or "diagnostics" in assigned):
        problem_refs = {}
    for key in SHEET_ORDER:
        if key not in assigned:
            continue
        ctx.formulas = assigned[key].formulas_without_value
        outcome: SheetOutcome | None = None
        sheet_issues: list[Issue] = []
        data = group_lines.get(key, [])
        if ctx.sector is not None:
            outcome = validate_sheet(SHEETS[key], headers[key], data, ctx,
                                     problem_refs if key in ("actions", "diagnostics") else None)
            frames[key] = outcome.frame
            rejected[key] = outcome.rejected
            sheet_issues += outcome.issues
            if key == "problems" and problem_refs is not None:
                accepted = set(outcome.frame["source_row"].tolist())
                for (line, _), ref in zip(data, outcome.values["problem_id"]):
                    if ref is not None:
                        problem_refs.setdefault(ref_key(ref), (line, line in accepted, ref))
        extra = pre_rejected.get(key, [])
        tail = [make_issue("footer_line", sheet=key, row=line, value=text) for line, text in footers.get(key, [])]
        sheet_issues = sorted(sheet_issues + extra, key=lambda i: i.row or 0) + tail
        read = (outcome.rows_read if outcome else len(data)) + len(extra) + len(tail)
        accepted_count = outcome.rows_accepted if outcome else 0
        counts[key] = SheetCount(read, accepted_count, read - accepted_count)
        issues += sheet_issues
    return TrackerResult(file, sector_id, frames, rejected, counts, issues, sector_sheet)
