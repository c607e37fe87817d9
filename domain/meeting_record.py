"""What the animator records at the end of a GPO meeting: who came, what was decided, when the GPO meets next.

Pure: plain dataclasses and checks on a sector's frames, no Streamlit, every date explicit. The record is
applied to the sector's current frames by `domain.record_application`, and the tracker written from the result
goes through the same checks, diff, confirmation, archive and journal as an upload (`app_state.meeting_record`).

A new action may be given to a problem decided in the same meeting: its `problem` is then the 1-based number of
that problem in `MeetingRecord.new_problems` (an int), else the Réf of an existing problem (a str).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from domain.formatting import fr_date
from domain.text import fold
from domain.tracker_schema import SHEETS
from domain.vocabulary import (ACTION_STATUS, CATEGORY, MEETING_KIND, OPEN_ACTION_STATUSES, OPEN_PROBLEM_STATUSES,
                               OUTCOME, PARTNER_TYPE, PRIORITY, PROBLEM_STATUS)

SOCLE_TYPES = ("mairie", "police_municipale", "police_nationale")  # present or not: the three socle checkboxes


@dataclass(frozen=True)
class Attendance:
    """Who came: the socle (True / False / None: not said), the other partners by name, how many people, notes."""

    mayor: bool | None = None
    municipal_police: bool | None = None
    national_police: bool | None = None
    partners: tuple[str, ...] = ()  # the other partners present, as the tracker names them
    attendees: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class NewProblem:
    commune: str
    category: str  # a category label (« Nuisances sonores »)
    description: str = ""
    priority: str | None = None  # high | medium | low
    due_on: dt.date | None = None
    location: str = ""


@dataclass(frozen=True)
class NewAction:
    problem: str | int  # an existing problem's Réf, or the number (1, 2…) of a problem new in this record
    description: str
    partner: str
    due_on: dt.date | None
    partner_type: str | None = None  # a `PARTNER_TYPE` code; None: guessed from the name, as the loader does


@dataclass(frozen=True)
class ProblemChange:
    problem_id: str
    status: str  # open | in_progress | resolved | dropped
    resolved_on: dt.date | None = None  # when resolved; None: the meeting's date
    outcome: str | None = None  # when resolved or dropped: the assessment (domain.md's outcome scale); None: unchanged


@dataclass(frozen=True)
class ActionChange:
    action_id: str
    status: str  # todo | in_progress | done | dropped
    done_on: dt.date | None = None  # when done; None: the meeting's date


@dataclass(frozen=True)
class MeetingRecord:
    sector_id: str
    held_on: dt.date
    attendance: Attendance = field(default_factory=Attendance)
    new_problems: tuple[NewProblem, ...] = ()
    new_actions: tuple[NewAction, ...] = ()
    problem_changes: tuple[ProblemChange, ...] = ()
    action_changes: tuple[ActionChange, ...] = ()
    next_meeting: dt.date | None = None
    kind: str | None = None  # a `MEETING_KIND` code; None: the planned meeting's own, else « Ordinaire »

    @property
    def decision_count(self) -> int:
        return len(self.new_problems) + len(self.new_actions) + len(self.problem_changes) + len(self.action_changes)


class InvalidRecord(ValueError):
    """A record that cannot be applied: `problems` says why, in French, one sentence each."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def ref_key(ref: object) -> str:
    """How two references are compared, as the loader and the diff compare them: « p-01 » is « P-01 »."""
    return "".join(str(ref).split()).upper()


def clean_text(value: object) -> str:
    """Typed text as a tracker cell keeps it: trimmed, control characters (other than line breaks) removed."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = "".join(c for c in str(value) if c in "\n\t" or not unicodedata.category(c).startswith("Cc"))
    return text.replace("\t", " ").strip()


def own_rows(frames: dict[str, pd.DataFrame], sector_id: str) -> dict[str, pd.DataFrame]:
    """The sector's rows of every frame that has a `sector_id` column (other frames as they are), index reset."""
    out = {}
    for key, frame in frames.items():
        if "sector_id" in frame:
            frame = frame[frame["sector_id"].astype("object") == sector_id]
        out[key] = frame.reset_index(drop=True)
    return out


def sector_partners(frames: dict[str, pd.DataFrame], sector_id: str) -> list[str]:
    """The partners of a sector besides the socle, for the attendance list: those owning actions, then the contacts
    of the `partners` frame when there is one; one name per organisation (case, accents, spaces ignored)."""
    own = own_rows(frames, sector_id)
    names: dict[str, str] = {}

    def add(name: object, partner_type: object) -> None:
        text = clean_text(name)
        if text and not (isinstance(partner_type, str) and partner_type in SOCLE_TYPES):
            names.setdefault(fold(text), text)

    actions = own.get("actions")
    if actions is not None and len(actions):
        for name, kind in zip(actions["partner"].tolist(), actions["partner_type"].tolist()):
            add(name, kind)
    partners = own.get("partners")
    if partners is not None and "organisation" in partners:
        kinds = partners["partner_type"].tolist() if "partner_type" in partners else [None] * len(partners)
        for name, kind in zip(partners["organisation"].tolist(), kinds):
            add(name, kind)
    return sorted(names.values(), key=fold)


def default_next_meeting(frames: dict[str, pd.DataFrame], sector_id: str, held_on: dt.date,
                         cadence: str | None) -> dt.date:
    """The first meeting planned after `held_on`, else one cadence later (15 days, or 4 weeks for a monthly GPO)."""
    meetings = own_rows(frames, sector_id).get("meetings")
    if meetings is not None and len(meetings):
        later = meetings[(meetings["status"].astype("object") == "planned")
                         & (meetings["meeting_date"] > pd.Timestamp(held_on))]["meeting_date"]
        if len(later):
            return later.min().date()
    return held_on + dt.timedelta(days=28 if cadence == "monthly" else 14)


def _name(what: str, n: int) -> str:
    return f"{what} n° {n}"


def _too_long(sheet: str, field_name: str, text: str) -> int | None:
    limit = SHEETS[sheet].column(field_name).length
    return limit if limit is not None and len(text) > limit else None


def record_problems(record: MeetingRecord, frames: dict[str, pd.DataFrame]) -> list[str]:
    """Why `record` cannot be applied to the sector's `frames`, in French (empty: it can)."""
    own = own_rows(frames, record.sector_id)
    problems, actions = own["problems"], own["actions"]
    problem_refs = {ref_key(r): r for r in problems["problem_id"].tolist()}
    reported = dict(zip(map(ref_key, problems["problem_id"].tolist()), problems["reported_on"].tolist()))
    action_refs = {ref_key(r) for r in actions["action_id"].tolist()}
    known_categories = set(CATEGORY.labels) | {c for c in problems["category"].dropna().tolist()}
    held = record.held_on
    out: list[str] = []

    if record.kind is not None and record.kind not in MEETING_KIND.labels:
        out.append(f"Type de réunion « {record.kind} » inconnu.")
    attendance = record.attendance
    if attendance.attendees is not None and attendance.attendees < 0:
        out.append("Le nombre de participants ne peut pas être négatif.")
    others = ", ".join(clean_text(p) for p in attendance.partners if clean_text(p))
    if (limit := _too_long("meetings", "other_partners", others)) is not None:
        out.append(f"La liste des autres partenaires présents dépasse {limit} caractères.")
    if record.next_meeting is not None and record.next_meeting <= held:
        out.append(f"La prochaine réunion ({fr_date(record.next_meeting)}) doit être postérieure à la réunion du "
                   f"{fr_date(held)}.")

    for n, problem in enumerate(record.new_problems, 1):
        name = _name("Nouveau problème", n)
        if not clean_text(problem.commune):
            out.append(f"{name} : la commune est obligatoire.")
        category = clean_text(problem.category)
        if not category:
            out.append(f"{name} : la catégorie est obligatoire.")
        elif category not in known_categories:
            out.append(f"{name} : catégorie « {category} » inconnue.")
        if problem.priority is not None and problem.priority not in PRIORITY.labels:
            out.append(f"{name} : priorité « {problem.priority} » inconnue.")
        if problem.due_on is not None and problem.due_on < held:
            out.append(f"{name} : l'échéance ({fr_date(problem.due_on)}) précède la réunion du {fr_date(held)}.")
        for field_name, text in (("commune_name", problem.commune), ("location", problem.location),
                                 ("description", problem.description)):
            if (limit := _too_long("problems", field_name, clean_text(text))) is not None:
                out.append(f"{name} : « {SHEETS['problems'].column(field_name).label} » dépasse {limit} caractères.")

    for n, action in enumerate(record.new_actions, 1):
        name = _name("Nouvelle action", n)
        if isinstance(action.problem, int) and not isinstance(action.problem, bool):
            if not 1 <= action.problem <= len(record.new_problems):
                out.append(f"{name} : le nouveau problème n° {action.problem} n'existe pas dans ce compte rendu.")
        elif not clean_text(action.problem):
            out.append(f"{name} : le problème traité est obligatoire.")
        elif ref_key(action.problem) not in problem_refs:
            out.append(f"{name} : le problème « {clean_text(action.problem)} » n'existe pas dans le tableau du secteur.")
        if not clean_text(action.description):
            out.append(f"{name} : la description de l'action est obligatoire.")
        if not clean_text(action.partner):
            out.append(f"{name} : le partenaire responsable est obligatoire.")
        if action.partner_type is not None and action.partner_type not in PARTNER_TYPE.labels:
            out.append(f"{name} : type de partenaire « {action.partner_type} » inconnu.")
        if action.due_on is None:
            out.append(f"{name} : l'échéance est obligatoire.")
        elif action.due_on < held:
            out.append(f"{name} : l'échéance ({fr_date(action.due_on)}) précède la réunion du {fr_date(held)}.")
        for field_name, text in (("description", action.description), ("partner", action.partner)):
            if (limit := _too_long("actions", field_name, clean_text(text))) is not None:
                out.append(f"{name} : « {SHEETS['actions'].column(field_name).label} » dépasse {limit} caractères.")

    seen: set[str] = set()
    for change in record.problem_changes:
        key = ref_key(change.problem_id)
        shown = clean_text(change.problem_id)
        if key not in problem_refs:
            out.append(f"Problème « {shown} » : il n'existe pas dans le tableau du secteur.")
            continue
        if key in seen:
            out.append(f"Problème « {shown} » : son statut est changé deux fois.")
        seen.add(key)
        if change.status not in PROBLEM_STATUS.labels:
            out.append(f"Problème « {shown} » : statut « {change.status} » inconnu.")
        if change.outcome is not None and change.outcome not in OUTCOME.labels:
            out.append(f"Problème « {shown} » : résultat « {change.outcome} » inconnu.")
        elif change.outcome is not None and change.status in OPEN_PROBLEM_STATUSES:
            out.append(f"Problème « {shown} » : un résultat ne se donne qu'à un problème résolu ou abandonné.")
        elif change.status == "resolved":
            resolved = change.resolved_on or held
            start = reported.get(key)
            if start is not None and not pd.isna(start) and pd.Timestamp(resolved) < start:
                out.append(f"Problème « {shown} » : la résolution ({fr_date(resolved)}) précède son signalement "
                           f"({fr_date(start)}).")

    seen = set()
    for change in record.action_changes:
        key = ref_key(change.action_id)
        shown = clean_text(change.action_id)
        if key not in action_refs:
            out.append(f"Action « {shown} » : elle n'existe pas dans le tableau du secteur.")
            continue
        if key in seen:
            out.append(f"Action « {shown} » : son statut est changé deux fois.")
        seen.add(key)
        if change.status not in ACTION_STATUS.labels:
            out.append(f"Action « {shown} » : statut « {change.status} » inconnu.")
    return out


def open_problems(frames: dict[str, pd.DataFrame], sector_id: str) -> pd.DataFrame:
    """The sector's open problems (« Ouvert », « En cours »): those an action or a status change is usually about."""
    problems = own_rows(frames, sector_id)["problems"]
    return problems[problems["status"].isin(OPEN_PROBLEM_STATUSES)].reset_index(drop=True)


def open_actions(frames: dict[str, pd.DataFrame], sector_id: str) -> pd.DataFrame:
    """The sector's open actions (« À faire », « En cours »), soonest deadline first."""
    actions = own_rows(frames, sector_id)["actions"]
    shown = actions[actions["status"].isin(OPEN_ACTION_STATUSES)]
    return shown.sort_values(["due_on", "action_id"], kind="stable").reset_index(drop=True)
