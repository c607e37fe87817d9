"""A meeting record applied to a sector's current frames: the frames of the tracker's next version.

Pure: frames and a `MeetingRecord` in, an `AppliedRecord` out (the new frames, and each decision with the Réf it
got and the status it replaced). Nothing else changes:
- new problems and actions get the next Réf in the sector's own style (P-12 → P-13, A-09 → A-10, 2026-7 →
  2026-8), never one already used;
- the meeting row of that day, if there is one (planned, postponed…), becomes « Tenue » with the attendance;
  otherwise a row is added; the next meeting is added as « Prévue » unless a row of that day exists;
- status changes set (or clear) the resolution / realisation date the way the loader expects them.
Rows are then numbered as the filled export writes them (line 2 on, in frame order, in `source_file`), so the
frames equal what the loader reads back from that workbook.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from domain.meeting_record import (InvalidRecord, MeetingRecord, clean_text, own_rows, record_problems, ref_key)
from domain.reference import Reference
from domain.vocabulary import partner_type_of

_NUMBERED = re.compile(r"^(.*?)(\d+)(\D*)$")
FIRST_LINE = 2  # the header is line 1 of every sheet the export writes


@dataclass(frozen=True)
class StatusChange:
    ref: str
    before: str | None
    after: str
    on: dt.date | None  # the resolution / realisation date set (None: cleared or not a closing status)
    outcome: str | None = None  # a closed problem's assessment given at the meeting (outcome code)


@dataclass(frozen=True)
class AppliedRecord:
    record: MeetingRecord
    frames: dict[str, pd.DataFrame]  # the sector's frames once the record is applied
    new_problem_ids: tuple[str, ...]  # the Réf given to each `record.new_problems`, in order
    new_action_ids: tuple[str, ...]
    new_action_problems: tuple[str, ...]  # the Réf of each new action's problem
    problem_changes: tuple[StatusChange, ...]
    action_changes: tuple[StatusChange, ...]
    meeting_added: bool  # False: the planned row of that day was updated
    next_meeting_added: bool


def next_refs(existing: list[object], count: int, default_prefix: str) -> list[str]:
    """`count` new references in the style of `existing` (its most common prefix / suffix around a number, numbered
    on from its highest number, zero-padded like it), none equal to an existing one (case and spaces ignored).
    Without numbered references: « P-01 », « P-02 »… with `default_prefix`."""
    used = {ref_key(r) for r in existing if clean_text(r)}
    styles: dict[tuple[str, str], list[tuple[int, int]]] = {}  # (prefix, suffix) as compared -> (number, digits)
    spellings: dict[tuple[str, str], dict[tuple[str, str], int]] = {}  # how the sector writes each style
    for ref in existing:
        match = _NUMBERED.match(clean_text(ref))
        if match:
            prefix, digits, suffix = match.groups()
            style = (ref_key(prefix), ref_key(suffix))
            styles.setdefault(style, []).append((int(digits), len(digits)))
            written = spellings.setdefault(style, {})
            written[(prefix, suffix)] = written.get((prefix, suffix), 0) + 1
    if styles:
        style, numbers = max(styles.items(), key=lambda item: len(item[1]))
        prefix, suffix = max(spellings[style].items(), key=lambda item: item[1])[0]
        last, width = max(n for n, _ in numbers), max(w for _, w in numbers)
    else:
        prefix, suffix, last, width = default_prefix, "", 0, 2
    out: list[str] = []
    number = last
    while len(out) < count:
        number += 1
        candidate = f"{prefix}{number:0{width}d}{suffix}"
        if ref_key(candidate) not in used:
            used.add(ref_key(candidate))
            out.append(candidate)
    return out


def _rows_like(frame: pd.DataFrame, records: list[dict]) -> pd.DataFrame:
    """`records` as rows of `frame`'s columns and dtypes (a missing field: a missing value)."""
    columns = {}
    placed = {"source_file": "", "source_row": 0}  # numbered by `_as_written` once every row is in place
    for column in frame.columns:
        values = [record.get(column, placed.get(column)) for record in records]
        if pd.api.types.is_datetime64_any_dtype(frame[column].dtype):
            values = [pd.Timestamp(v) if v is not None else None for v in values]
        columns[column] = pd.array(values, dtype=frame[column].dtype)
    return pd.DataFrame(columns, columns=frame.columns)


def _insert(frame: pd.DataFrame, rows: pd.DataFrame, position: int | None = None) -> pd.DataFrame:
    if not len(rows):
        return frame
    if position is None or position >= len(frame):
        parts = [frame, rows]
    else:
        parts = [frame.iloc[:position], rows, frame.iloc[position:]]
    joined = pd.concat([p for p in parts if len(p)], ignore_index=True) if len(frame) else rows.reset_index(drop=True)
    return joined.astype(frame.dtypes.to_dict())


def _chronological_position(dates: pd.Series, day: pd.Timestamp) -> int:
    """Where a meeting of `day` goes: after the last row dated on or before it (the end when the sheet is empty)."""
    earlier = [i for i, d in enumerate(dates.tolist()) if not pd.isna(d) and d <= day]
    return earlier[-1] + 1 if earlier else 0


def _text_or_none(value: object) -> str | None:
    return clean_text(value) or None


def _meetings(meetings: pd.DataFrame, record: MeetingRecord) -> tuple[pd.DataFrame, bool, bool]:
    attendance = record.attendance
    others = ", ".join(dict.fromkeys(clean_text(p) for p in attendance.partners if clean_text(p)))
    held = pd.Timestamp(record.held_on)
    values = {"status": "held", "mayor_present": attendance.mayor, "municipal_police_present": attendance.municipal_police,
              "national_police_present": attendance.national_police, "other_partners": others or None,
              "attendees": attendance.attendees, "notes": _text_or_none(attendance.notes)}
    meetings = meetings.copy()
    same_day = meetings.index[meetings["meeting_date"] == held].tolist()
    added = not same_day
    if same_day:
        row = same_day[0]
        if record.kind is not None:
            meetings.loc[row, "kind"] = record.kind
        for column, value in values.items():
            meetings.loc[row, column] = pd.NA if value is None else value
    else:
        new = _rows_like(meetings, [{"sector_id": record.sector_id, "meeting_date": record.held_on,
                                     "kind": record.kind or "ordinary", **values}])
        meetings = _insert(meetings, new, _chronological_position(meetings["meeting_date"], held))
    next_added = False
    if record.next_meeting is not None and not (meetings["meeting_date"] == pd.Timestamp(record.next_meeting)).any():
        new = _rows_like(meetings, [{"sector_id": record.sector_id, "meeting_date": record.next_meeting,
                                     "kind": "ordinary", "status": "planned"}])
        meetings = _insert(meetings, new, _chronological_position(meetings["meeting_date"], pd.Timestamp(record.next_meeting)))
        next_added = True
    return meetings, added, next_added


def apply_record(frames: dict[str, pd.DataFrame], record: MeetingRecord, *, reference: Reference,
                 source_file: str) -> AppliedRecord:
    """The sector's frames with `record` applied (see the module's docstring); raises InvalidRecord (French
    reasons) when `record_problems` finds any. `frames` may hold other sectors: only this sector's rows are kept."""
    problems_found = record_problems(record, frames)
    if problems_found:
        raise InvalidRecord(problems_found)
    own = own_rows(frames, record.sector_id)
    held = record.held_on
    meetings, meeting_added, next_added = _meetings(own["meetings"], record)

    problems = own["problems"].copy()
    new_problem_ids = next_refs(problems["problem_id"].tolist(), len(record.new_problems), "P-")
    records = []
    for ref, problem in zip(new_problem_ids, record.new_problems):
        commune = reference.match_commune(clean_text(problem.commune))
        records.append({"sector_id": record.sector_id, "problem_id": ref, "reported_on": held,
                        "commune_insee": commune.insee if commune else None,
                        "commune_name": commune.name if commune else clean_text(problem.commune),
                        "location": _text_or_none(problem.location), "category": clean_text(problem.category),
                        "description": _text_or_none(problem.description), "priority": problem.priority,
                        "status": "open", "due_on": problem.due_on})
    problems = _insert(problems, _rows_like(problems, records))

    by_key = {ref_key(r): i for i, r in enumerate(problems["problem_id"].tolist())}
    problem_changes = []
    for change in record.problem_changes:
        row = by_key[ref_key(change.problem_id)]
        before = problems.at[row, "status"]
        closing = (change.resolved_on or held) if change.status == "resolved" else None
        problems.loc[row, "status"] = change.status
        if change.status == "resolved":
            problems.loc[row, "resolved_on"] = pd.Timestamp(closing)
        elif change.status in ("open", "in_progress"):
            problems.loc[row, "resolved_on"] = pd.NaT  # reopened: a resolution date would contradict the status
        if "outcome" in problems.columns:  # the tracker's Résultat (issue 13): given when closing, cleared on reopening
            if change.status in ("open", "in_progress"):
                problems.loc[row, "outcome"] = None
            elif change.outcome is not None:
                problems.loc[row, "outcome"] = change.outcome
        problem_changes.append(StatusChange(problems.at[row, "problem_id"], None if pd.isna(before) else before,
                                            change.status, closing, change.outcome))

    actions = own["actions"].copy()
    new_action_ids = next_refs(actions["action_id"].tolist(), len(record.new_actions), "A-")
    records, action_problems = [], []
    for ref, action in zip(new_action_ids, record.new_actions):
        if isinstance(action.problem, int) and not isinstance(action.problem, bool):
            problem_id = new_problem_ids[action.problem - 1]
        else:
            problem_id = problems.at[by_key[ref_key(action.problem)], "problem_id"]  # the problem's own spelling
        action_problems.append(problem_id)
        partner = clean_text(action.partner)
        records.append({"sector_id": record.sector_id, "action_id": ref, "problem_id": problem_id,
                        "description": clean_text(action.description), "partner": partner,
                        "partner_type": action.partner_type or partner_type_of(partner), "started_on": held,
                        "due_on": action.due_on, "status": "todo"})
    actions = _insert(actions, _rows_like(actions, records))

    action_keys = {ref_key(r): i for i, r in enumerate(actions["action_id"].tolist())}
    action_changes = []
    for change in record.action_changes:
        row = action_keys[ref_key(change.action_id)]
        before = actions.at[row, "status"]
        closing = (change.done_on or held) if change.status == "done" else None
        actions.loc[row, "status"] = change.status
        if change.status == "done":
            actions.loc[row, "done_on"] = pd.Timestamp(closing)
        elif change.status in ("todo", "in_progress"):
            actions.loc[row, "done_on"] = pd.NaT
        action_changes.append(StatusChange(actions.at[row, "action_id"], None if pd.isna(before) else before,
                                           change.status, closing))

    new_frames = {**own, "meetings": meetings, "problems": problems, "actions": actions}
    return AppliedRecord(record, _as_written(new_frames, source_file), tuple(new_problem_ids), tuple(new_action_ids),
                         tuple(action_problems), tuple(problem_changes), tuple(action_changes), meeting_added,
                         next_added)


def _as_written(frames: dict[str, pd.DataFrame], source_file: str) -> dict[str, pd.DataFrame]:
    """Each row traced to the line the filled export writes it on, in `source_file`."""
    out = {}
    for key, frame in frames.items():
        frame = frame.reset_index(drop=True)
        if {"source_file", "source_row"} <= set(frame.columns):
            frame = frame.assign(source_file=pd.array([source_file] * len(frame), dtype=frame["source_file"].dtype),
                                 source_row=pd.array(range(FIRST_LINE, FIRST_LINE + len(frame)),
                                                     dtype=frame["source_row"].dtype))
        out[key] = frame
    return out
