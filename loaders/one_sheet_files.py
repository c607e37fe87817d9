"""A file that carries only some sheets of a tracker (a CSV holds one), merged with the sector's current data.

A result whose `counts` lacks a sheet did not carry it. Importing it replaces
the sheets it carries; the sector's other sheets stay as they are (same rows,
same source_file / source_row), or empty on a sector's first import. Pure:
the store gives the current frames, this module says what the import becomes.

A workbook with the three required sheets is the sector's whole tracker, except
for the optional sheets it lacks (Diagnostic, Partenaires: a tracker made before
they existed, or kept without them): those keep the sector's current rows
(`keep_optional_sheets`), as a CSV keeps the sheets it does not carry, and the
report says so (`optional_sheet_kept`). Emptying such a sheet is done by keeping
it with its header and no line.

An Actions-only file is checked against the sector's current problems as the
Actions sheet of a workbook is checked against its Problèmes sheet: an action
whose problem is unknown is rejected (`unknown_current_problem`); a
Diagnostic-only file's priority problems likewise, with a warning only
(`unknown_current_priority_problem`). The rejected
line is rebuilt from the values read (a CSV line accepted by the loader keeps
no copy of its raw cells): dates as JJ/MM/AAAA, lists as their French labels.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from domain.issue_catalogue import SHEET_LABELS, Issue, display_value, make_issue
from domain.tracker_schema import PRIORITY_SEPARATOR, REQUIRED_SHEETS, SHEET_ORDER, SHEETS, empty_frames
from loaders.cell_values import ref_key
from loaders.row_validation import split_refs
from loaders.tracker_loader import SheetCount, TrackerResult

_LISTED_REFS = 10  # problems named in the `actions_without_problem` warning


def carried_sheets(result: TrackerResult) -> tuple[str, ...]:
    """The sheets the file holds, in tracker order."""
    return tuple(key for key in SHEET_ORDER if key in result.counts)


def is_one_sheet_file(result: TrackerResult) -> bool:
    """A file that holds some sheets of a tracker but not all the required ones (a CSV)."""
    carried = carried_sheets(result)
    return bool(carried) and not set(REQUIRED_SHEETS) <= set(carried)


def _french_list(labels: list[str]) -> str:
    """« A », « B » et « C »."""
    quoted = [f"« {label} »" for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " et " + quoted[-1]


def import_order(results: list[TrackerResult]) -> list[int]:
    """Positions of `results` in the order to import them.

    The one-sheet files of a sector follow each other from the place of the
    first of them: meetings, problems, then actions (checked against the
    problems just imported); files of the same sheet keep their order.
    """
    keys = []
    anchors: dict[str | None, int] = {}
    for n, result in enumerate(results):
        if is_one_sheet_file(result):
            anchor = anchors.setdefault(result.sector_id, n)
            keys.append((anchor, SHEET_ORDER.index(carried_sheets(result)[0]), n))
        else:
            keys.append((n, -1, n))
    return sorted(range(len(results)), key=keys.__getitem__)


def merge_with_current(result: TrackerResult, current: dict[str, pd.DataFrame] | None
                       ) -> tuple[TrackerResult, dict[str, pd.DataFrame]]:
    """The result as it will be imported, and the sector's frames once it is.

    `current` is the sector's data before this import (None: its first
    import). The returned result is a copy: its issues say which sheet is
    replaced and which are kept; an Actions-only file has its actions checked
    against the current problems.
    """
    carried = carried_sheets(result)
    base = current if current is not None else empty_frames()
    result = dataclasses.replace(result, frames=dict(result.frames), rejected=dict(result.rejected),
                                 counts={k: dataclasses.replace(c) for k, c in result.counts.items()},
                                 issues=list(result.issues))
    if "actions" in carried and "problems" not in carried:
        _check_actions(result, base["problems"])
    if "diagnostics" in carried and "problems" not in carried:
        _check_priority_problems(result, base["problems"])
    extra: list[Issue] = []
    if "problems" in carried and "actions" not in carried and current is not None:
        extra += _actions_left_without_problem(base["actions"], result.frames["problems"])
    # Kept: the required sheets, and the optional ones only when the sector has lines in them.
    kept = _french_list([SHEET_LABELS[key] for key in SHEET_ORDER
                         if key not in carried and (not SHEETS[key].optional or len(base[key]))])
    scope = make_issue("one_sheet_first_import" if current is None else "one_sheet_replaces", sheet=carried[0], kept=kept)
    result.issues = [scope, *result.issues, *extra]
    frames = {key: result.frames[key] if key in carried else base[key] for key in SHEET_ORDER}
    return result, frames


def _check_actions(result: TrackerResult, problems: pd.DataFrame) -> None:
    """Reject, in place, the actions whose problem the sector does not have; the others take its spelling."""
    known = {ref_key(ref): ref for ref in problems["problem_id"].astype("object").dropna()}
    actions = result.frames["actions"].reset_index(drop=True)
    found = [known.get(ref_key(ref)) if isinstance(ref, str) else None for ref in actions["problem_id"].astype("object")]
    unknown = pd.Series([ref is None for ref in found], index=actions.index)
    schema = SHEETS["actions"]
    label = schema.column("problem_id").label
    new_issues = [make_issue("unknown_current_problem", sheet="actions", row=int(line), column=label, value=ref)
                  for line, ref in zip(actions.loc[unknown, "source_row"], actions.loc[unknown, "problem_id"])]
    kept = actions.loc[~unknown].reset_index(drop=True)
    kept["problem_id"] = pd.array([ref for ref in found if ref is not None], dtype="str")
    result.frames["actions"] = kept
    if new_issues:
        rows = [{"source_row": int(row["source_row"]),
                 **{col.label: _as_typed(col, row.get(col.field)) for col in schema.columns}}
                for row in actions.loc[unknown].to_dict("records")]
        before = result.rejected.get("actions")
        merged = pd.concat([before, pd.DataFrame(rows)], ignore_index=True) if before is not None and len(before) else pd.DataFrame(rows)
        result.rejected["actions"] = merged.sort_values("source_row", kind="stable").reset_index(drop=True)
        count = result.counts["actions"]
        count.rows_accepted -= len(new_issues)
        count.rows_rejected += len(new_issues)
    others = [i for i in result.issues if i.code != "problems_not_checked" and i.sheet != "actions"]
    sheet = [i for i in result.issues if i.sheet == "actions"] + new_issues
    result.issues = others + sorted(sheet, key=lambda i: (i.row is not None, i.row or 0))


def keep_optional_sheets(result: TrackerResult, current: dict[str, pd.DataFrame] | None
                         ) -> tuple[TrackerResult, dict[str, pd.DataFrame]]:
    """A whole tracker (the required sheets) as it will be imported: the optional sheets it lacks keep the sector's
    current rows, said once per sheet that has some. The returned result is a copy; `current` None: first import."""
    carried = carried_sheets(result)
    missing = [key for key in SHEET_ORDER if key not in carried and current is not None and len(current[key])]
    if not missing:
        return result, result.frames
    result = dataclasses.replace(result, issues=list(result.issues))
    frames = {key: current[key] if key in missing else result.frames[key] for key in SHEET_ORDER}
    result.issues += [make_issue("optional_sheet_kept", sheet=key, value=len(current[key])) for key in missing]
    return result, frames


def _check_priority_problems(result: TrackerResult, problems: pd.DataFrame) -> None:
    """A Diagnostic-only file: its priority problems looked up in the sector's current problems (warned, kept)."""
    known = {ref_key(ref): ref for ref in problems["problem_id"].astype("object").dropna()}
    label = SHEETS["diagnostics"].column("priority_problem_ids").label
    diagnostics = result.frames["diagnostics"].reset_index(drop=True)
    joined, warnings = [], []
    for line, text in zip(diagnostics["source_row"], diagnostics["priority_problem_ids"].astype("object")):
        named = []
        for ref in split_refs(text if isinstance(text, str) else None):
            own = known.get(ref_key(ref))
            if own is None:
                warnings.append(make_issue("unknown_current_priority_problem", sheet="diagnostics", row=int(line),
                                           column=label, value=ref))
            named.append(own or ref)
        joined.append(PRIORITY_SEPARATOR.join(named) or None)
    diagnostics["priority_problem_ids"] = pd.array(joined, dtype="str")
    result.frames["diagnostics"] = diagnostics
    others = [i for i in result.issues if i.code != "problems_not_checked" and i.sheet != "diagnostics"]
    sheet = [i for i in result.issues if i.sheet == "diagnostics"] + warnings
    result.issues = others + sorted(sheet, key=lambda i: (i.row is not None, i.row or 0))


def _as_typed(col, value: object) -> str:
    """A value read from an accepted line, shown as the tracker would show it."""
    from loaders.tracker_export import cell_value  # openpyxl only when a line is rejected

    shown = cell_value(col, value)
    return "" if shown is None else display_value(shown)


def _actions_left_without_problem(actions: pd.DataFrame, problems: pd.DataFrame) -> list[Issue]:
    """The kept actions whose problem this Problèmes-only file no longer has (a workbook would reject them)."""
    present = {ref_key(ref) for ref in problems["problem_id"].astype("object").dropna()}
    refs = actions["problem_id"].astype("object")
    orphans = [ref for ref in refs.dropna() if ref_key(ref) not in present]
    if not orphans:
        return []
    named = list(dict.fromkeys(orphans))
    shown = ", ".join(named[:_LISTED_REFS]) + (" …" if len(named) > _LISTED_REFS else "")
    return [make_issue("actions_without_problem", sheet="actions", value=len(orphans), expected=shown)]


def kept_sheet_count(frames: dict[str, pd.DataFrame], key: str) -> SheetCount:
    """A kept sheet's count as an import records it: its rows, all accepted (none was read from this file)."""
    return SheetCount(len(frames[key]), len(frames[key]), 0)
