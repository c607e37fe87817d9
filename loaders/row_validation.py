"""Check the data lines of one sheet for one sector: every line accepted or rejected, with reasons.

Column checks follow `Column.kind` (`domain.tracker_schema`); each distinct raw value of a
column is parsed once (trackers repeat the same statuses, communes and dates on
thousands of lines). Cross-column and cross-row rules (duplicates, dates in the
wrong order, actions without their problem) follow per sheet.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from operator import itemgetter

import pandas as pd

from domain.issue_catalogue import Issue, display_value, make_issue
from domain.reference import Reference, Sector
from domain.text import fold
from domain.tracker_schema import PRIORITY_SEPARATOR, Column, Kind, SheetSchema, frame_from_values
from domain.vocabulary import (ACTION_STATUS, CLOSED_PROBLEM_STATUSES, OPEN_ACTION_STATUSES, OPEN_PROBLEM_STATUSES,
                               OUTCOME, PROBLEM_STATUS, VOCABULARIES, partner_type_of)
from loaders import cell_values as cv
from loaders.header_detection import HeaderMatch
from loaders.settings import Settings

FAR_FUTURE = dt.timedelta(days=365)
SHOWN_TEXT = 40  # characters of a too-long text quoted in its message (the line itself is kept as typed)
DataLine = tuple[int, list]  # (Excel line, cells)


@dataclass
class SheetOutcome:
    frame: pd.DataFrame  # accepted rows (warned ones included)
    rejected: pd.DataFrame  # rejected rows: source_row + the cells as read, by canonical label
    issues: list[Issue]
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    values: dict[str, list] = field(default_factory=dict)  # parsed values per field, one per data line


@dataclass
class Vocabularies:
    """Lookup tables built once per load, with the site's own synonyms."""

    tables: dict[str, dict[str, str]]
    expected: dict[str, str]

    @classmethod
    def build(cls, settings: Settings) -> "Vocabularies":
        tables, expected = {}, {}
        for name, vocab in VOCABULARIES.items():
            tables[name] = vocab.lookup_table(settings.values.get(name))
            expected[name] = vocab.expected_text()
        for label, words in settings.categories.items():
            table = tables["category"]
            table[fold(label)] = label
            for word in words:
                table[fold(word)] = label
            expected["category"] += f", « {label} »"
        return cls(tables, expected)


@dataclass
class Context:
    reference: Reference
    vocabularies: Vocabularies
    as_of: dt.date
    source_file: str
    sector: Sector | None
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


_PARSERS = {Kind.DATE: cv.parse_date, Kind.BOOL: cv.parse_bool, Kind.INT: cv.parse_int}
_TEXT_KINDS = frozenset(Kind) - _PARSERS.keys() - {Kind.VOCAB}  # read as text: ref, partner, commune...
_ERROR_FOR_KIND = {Kind.DATE: "invalid_date", Kind.BOOL: "invalid_value", Kind.INT: "invalid_number",
                   Kind.VOCAB: "invalid_value"}


def _parser_for(col: Column, ctx: Context):
    """How a cell of a parsed kind is read; the other kinds are text (ref, partner, commune: checked below)."""
    if col.kind is Kind.VOCAB:
        table = ctx.vocabularies.tables[col.vocabulary]
        return lambda raw: cv.parse_vocab(raw, table)
    return _PARSERS[col.kind]


_BOOL_EXPECTED = "« Oui », « Non » ou vide (X, O/N, 1/0, Présent/Absent acceptés)"


class _Collector:
    """Issues and rejections for one sheet, in line order."""

    def __init__(self, sheet: str, lines: list[int], present: frozenset[str] = frozenset()):
        self.sheet = sheet
        self.lines = lines
        self.present = present  # the fields whose column the sheet has (an optional column may be absent)
        self.issues: list[tuple[int, Issue]] = []
        self.rejected: set[int] = set()

    def add(self, index: int, code: str, column: str, value: object = None, **extra) -> None:
        issue = make_issue(code, sheet=self.sheet, row=self.lines[index], column=column, value=value, **extra)
        self.issues.append((index, issue))
        if issue.severity == "error":
            self.rejected.add(index)


def validate_sheet(schema: SheetSchema, header: HeaderMatch, data: list[DataLine], ctx: Context,
                   problem_refs: dict[str, tuple[int, bool, str]] | None = None) -> SheetOutcome:
    """Validate `data` lines of one sheet. For actions and diagnostics, `problem_refs` maps ref_key -> (line,
    accepted, ref) of the Problèmes sheet (None: the file has none, the references are not checked)."""
    lines = [line for line, _ in data]
    out = _Collector(schema.key, lines, frozenset(header.columns))
    width = max(header.columns.values(), default=0) + 1
    rows = [cells if len(cells) >= width else [*cells, *[""] * (width - len(cells))] for _, cells in data]
    values: dict[str, list] = {}
    for col in schema.columns:
        index = header.columns.get(col.field)
        if index is None:
            values[col.field] = [None] * len(data)
            continue
        raw = list(map(itemgetter(index), rows))
        if col.kind in _TEXT_KINDS:  # mostly unique strings: no memo, no call per cell
            column = [(c.strip() or None) if c.__class__ is str else cv.parse_text(c)[0] for c in raw]
            values[col.field] = column
            if col.length is not None:  # the store keeps at most `length` characters (PostgreSQL refuses more)
                for i in [i for i, v in enumerate(column) if v is not None and len(v) > col.length]:
                    shown = column[i][:SHOWN_TEXT] + ("…" if len(column[i]) > SHOWN_TEXT else "")
                    out.add(i, "text_too_long", col.label, shown, length=len(column[i]), limit=col.length)
            if col.required:
                for i in [i for i, v in enumerate(column) if v is None]:
                    formula = ctx.formulas.get((lines[i], index)) if ctx.formulas else None
                    if formula:
                        out.add(i, "formula_without_value", col.label, formula)
                    else:
                        out.add(i, "missing_value", col.label)
            continue
        parser = _parser_for(col, ctx)
        memo = {cell: parser(cell) for cell in set(raw)}  # cells are str, numbers, dates: hashable
        bad = {cell for cell, (value, ok) in memo.items() if value is None and (col.required or not ok)}
        value_of = {cell: value for cell, (value, _) in memo.items()}
        values[col.field] = [value_of[cell] for cell in raw]
        if not bad:
            continue
        for i in [i for i, cell in enumerate(raw) if cell in bad]:
            formula = ctx.formulas.get((lines[i], index)) if ctx.formulas else None
            if formula:
                out.add(i, "formula_without_value", col.label, formula)
            elif not memo[raw[i]][1]:
                expected = ctx.vocabularies.expected.get(col.vocabulary) if col.kind is Kind.VOCAB else _BOOL_EXPECTED
                out.add(i, _ERROR_FOR_KIND[col.kind], col.label, raw[i], expected=expected)
            else:
                out.add(i, "missing_value", col.label)
    _RULES[schema.key](schema, values, out, ctx, problem_refs)
    return _outcome(schema, header, data, values, out, ctx)


def _check_dates(schema: SheetSchema, values: dict, out: _Collector, ctx: Context, past_fields: tuple[str, ...]) -> None:
    horizon = ctx.as_of + FAR_FUTURE
    for col in schema.columns:
        if col.kind is not Kind.DATE:
            continue
        for i, day in enumerate(values[col.field]):
            if day is None:
                continue
            if day > horizon:
                out.add(i, "date_far_future", col.label, day, as_of=ctx.as_of)
            elif col.field in past_fields and day > ctx.as_of:
                out.add(i, "event_in_future", col.label, day, as_of=ctx.as_of)


def _first_lines(keys: list, out: _Collector, column: str, code: str, shown: list) -> dict:
    """Reject every repeat of a key, pointing at the line that used it first."""
    first: dict = {}
    for i, key in enumerate(keys):
        if key is None:
            continue
        if key in first:
            out.add(i, code, column, shown[i], first_row=out.lines[first[key]])
        else:
            first[key] = i
    return first


def _meeting_rules(schema, values, out, ctx, _refs) -> None:
    date_label = schema.column("meeting_date").label
    _first_lines(values["meeting_date"], out, date_label, "duplicate_meeting", values["meeting_date"])
    values["kind"] = [k or "ordinary" for k in values["kind"]]
    for i, (day, status) in enumerate(zip(values["meeting_date"], values["status"])):
        if day and status == "held" and ctx.as_of < day <= ctx.as_of + FAR_FUTURE:
            out.add(i, "held_in_future", date_label, day, as_of=ctx.as_of)
        elif day and status == "planned" and day < ctx.as_of:
            out.add(i, "planned_in_past", date_label, day, as_of=ctx.as_of)
    _check_dates(schema, values, out, ctx, past_fields=())


def _problem_rules(schema, values, out, ctx, _refs) -> None:
    ref_label = schema.column("problem_id").label
    keys = [("".join(r.split()).upper() if r else None) for r in values["problem_id"]]  # cv.ref_key, inlined
    _first_lines(keys, out, ref_label, "duplicate_ref", values["problem_id"])
    resolved_label = schema.column("resolved_on").label
    due_label = schema.column("due_on").label
    for i in range(len(keys)):
        reported, resolved, due = values["reported_on"][i], values["resolved_on"][i], values["due_on"][i]
        status = values["status"][i]
        if reported and resolved and resolved < reported:
            out.add(i, "resolved_before_reported", resolved_label, resolved, other=cv.parse_text(reported)[0])
        if status == "resolved" and resolved is None:
            out.add(i, "resolved_without_date", resolved_label, values["problem_id"][i])
        if status in OPEN_PROBLEM_STATUSES and resolved is not None:
            out.add(i, "closing_date_but_open", resolved_label, resolved, expected=PROBLEM_STATUS.labels[status])
        if reported and due and due < reported:
            out.add(i, "due_before_reported", due_label, due, other=cv.parse_text(reported)[0])
    _check_outcomes(schema, values, out)
    _check_communes(schema, values, out, ctx)
    _check_dates(schema, values, out, ctx, past_fields=("reported_on", "resolved_on"))


def _check_outcomes(schema, values, out: _Collector) -> None:
    """A closed problem says what the GPO's work changed; an open one does not yet. Only for a tracker that has the
    Résultat column (one made before it loads as before, without a warning per closed problem)."""
    if "outcome" not in out.present:
        return
    label = schema.column("outcome").label
    allowed = OUTCOME.expected_text()
    for i, (status, outcome) in enumerate(zip(values["status"], values["outcome"])):
        if i in out.rejected:  # an unreadable Résultat is said once, as such
            continue
        if status in CLOSED_PROBLEM_STATUSES and outcome is None:
            out.add(i, "closed_without_outcome", label, values["problem_id"][i], expected=PROBLEM_STATUS.labels[status],
                    allowed=allowed)
        elif status in OPEN_PROBLEM_STATUSES and outcome is not None:
            out.add(i, "outcome_but_open", label, OUTCOME.labels[outcome], expected=PROBLEM_STATUS.labels[status])


def _check_communes(schema, values, out, ctx: Context) -> None:
    label = schema.column("commune_name").label
    memo: dict[str, object] = {}
    insee_codes, names = [], []
    for i, typed in enumerate(values["commune_name"]):
        if typed is None:
            insee_codes.append(None)
            names.append(None)
            continue
        if typed not in memo:
            memo[typed] = ctx.reference.match_commune(typed)
        commune = memo[typed]
        if commune is None:
            out.add(i, "unknown_commune", label, typed)
            insee_codes.append(None)
            names.append(typed)
            continue
        insee_codes.append(commune.insee)
        names.append(commune.name)
        if ctx.sector and commune.insee not in ctx.sector.communes:
            out.add(i, "commune_outside_sector", label, typed, expected=ctx.sector.name)
    values["commune_insee"] = insee_codes
    values["commune_name"] = names


def _action_rules(schema, values, out, ctx, problem_refs) -> None:
    ref_label = schema.column("action_id").label
    keys = [("".join(r.split()).upper() if r else None) for r in values["action_id"]]  # cv.ref_key, inlined
    _first_lines(keys, out, ref_label, "duplicate_ref", values["action_id"])
    problem_label = schema.column("problem_id").label
    done_label = schema.column("done_on").label
    due_label = schema.column("due_on").label
    partner_table = ctx.vocabularies.tables["partner_type"]
    problem_ids, partner_types = values["problem_id"], values["partner_type"]
    if problem_refs is not None:
        found = {ref: problem_refs.get("".join(ref.split()).upper()) for ref in set(problem_ids) if ref is not None}
        for i, ref in enumerate(problem_ids):
            if ref is None:
                continue
            known = found[ref]
            if known is None:
                out.add(i, "unknown_problem", problem_label, ref)
            elif not known[1]:
                out.add(i, "problem_rejected", problem_label, ref, first_row=known[0])
            else:
                problem_ids[i] = known[2]  # the problem's own spelling of its reference
    rows = zip(values["status"], values["done_on"], values["due_on"], values["started_on"], values["partner"])
    for i, (status, done, due, started, partner) in enumerate(rows):
        if status == "done":
            if done is None:
                out.add(i, "done_without_date", done_label, values["action_id"][i])
        elif done is not None and status in OPEN_ACTION_STATUSES:
            out.add(i, "closing_date_but_open", done_label, done, expected=ACTION_STATUS.labels[status])
        if started and due and due < started:
            out.add(i, "due_before_reported", due_label, due, other=cv.parse_text(started)[0])
        if partner_types[i] is None and partner:
            partner_types[i] = partner_type_of(partner, partner_table)
    _check_dates(schema, values, out, ctx, past_fields=("done_on",))


_REF_LIST_SEPARATORS = re.compile(r"[,;\n]")


def split_refs(text: str | None) -> list[str]:
    """The references a cell names, in order, each once: "P-01, p-04 ;P-01" -> ["P-01", "p-04"]."""
    refs, seen = [], set()
    for part in _REF_LIST_SEPARATORS.split(text or ""):
        ref = part.strip()
        if ref and cv.ref_key(ref) not in seen:
            seen.add(cv.ref_key(ref))
            refs.append(ref)
    return refs


def _diagnostic_rules(schema, values, out, ctx, problem_refs) -> None:
    date_label = schema.column("diagnosed_on").label
    _first_lines(values["diagnosed_on"], out, date_label, "duplicate_diagnostic", values["diagnosed_on"])
    shared_label = schema.column("shared_on").label
    for i, (diagnosed, shared) in enumerate(zip(values["diagnosed_on"], values["shared_on"])):
        if diagnosed and shared and shared < diagnosed:
            out.add(i, "shared_before_diagnosed", shared_label, shared, other=cv.parse_text(diagnosed)[0])
    label = schema.column("priority_problem_ids").label
    joined = []
    for i, text in enumerate(values["priority_problem_ids"]):
        named = []
        for ref in split_refs(text):
            known = problem_refs.get(cv.ref_key(ref)) if problem_refs is not None else None
            if problem_refs is not None and known is None:
                out.add(i, "unknown_priority_problem", label, ref)
            elif known is not None and not known[1]:
                out.add(i, "priority_problem_rejected", label, ref, first_row=known[0])
            named.append(known[2] if known is not None else ref)  # the problem's own spelling when it exists
        joined.append(PRIORITY_SEPARATOR.join(named) or None)
    values["priority_problem_ids"] = joined
    _check_dates(schema, values, out, ctx, past_fields=("diagnosed_on", "shared_on"))


# One address, as SMTP carries it: a local part of the characters RFC 5322 allows outside quotes (no leading, trailing
# or double dot), then a domain of letter-digit-hyphen labels ending in a top-level domain of letters.
_EMAIL = re.compile(r"^(?!\.)(?!.*\.\.)[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}(?<!\.)@"
                    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


def is_email(text: str) -> bool:
    """Whether `text` is one well-formed e-mail address (no name around it, no second address)."""
    return bool(_EMAIL.match(text))


def _partner_rules(schema, values, out, ctx, _refs) -> None:
    email_label = schema.column("email").label
    emails = values["email"]
    for i, email in enumerate(emails):
        if email is not None and not is_email(email):
            out.add(i, "invalid_email", email_label, email)
    keys = [(fold(org), email.lower()) if org is not None and email is not None else None
            for org, email in zip(values["organisation"], emails)]
    _first_lines(keys, out, email_label, "duplicate_partner", emails)
    values["opted_out"] = [bool(v) for v in values["opted_out"]]  # « Ne plus écrire » left empty: no
    partner_table = ctx.vocabularies.tables["partner_type"]
    types = values["partner_type"]
    for i, organisation in enumerate(values["organisation"]):
        if types[i] is None and organisation:
            types[i] = partner_type_of(organisation, partner_table)


_RULES = {"meetings": _meeting_rules, "problems": _problem_rules, "actions": _action_rules,
          "diagnostics": _diagnostic_rules, "partners": _partner_rules}


def _outcome(schema: SheetSchema, header: HeaderMatch, data: list[DataLine], values: dict, out: _Collector,
             ctx: Context) -> SheetOutcome:
    keep = [i for i in range(len(data)) if i not in out.rejected]
    take = (lambda column: column) if len(keep) == len(data) else (lambda column: [column[i] for i in keep])
    by_loader = {"sector_id": [ctx.sector.sector_id if ctx.sector else None] * len(keep),
                 "source_file": [ctx.source_file] * len(keep),
                 "source_row": [data[i][0] for i in keep]}
    frame = frame_from_values(schema.key, {name: by_loader[name] if name in by_loader else take(values[name])
                                           for name in schema.fields})
    rejected_rows = sorted(out.rejected)
    rejected = pd.DataFrame(
        {"source_row": [data[i][0] for i in rejected_rows],
         **{col.label: [_shown_cell(data[i][1], header.columns.get(col.field)) for i in rejected_rows]
            for col in schema.columns}}
    )
    issues = [issue for _, issue in sorted(out.issues, key=lambda pair: pair[0])]
    return SheetOutcome(frame, rejected, issues, len(data), len(keep), len(rejected_rows), values)


def _shown_cell(cells: list, index: int | None) -> str:
    """A rejected row's cell as the user typed it, so the report can show the whole line."""
    if index is None or index >= len(cells) or cells[index] == "":
        return ""
    return display_value(cells[index])
