"""What each partner contact of a sector is sent: its organisation's open actions at `as_of`.

A contact is a line of the tracker's « Partenaires » sheet (the contract's `partners` frame: sector_id, organisation,
partner_type, contact, email, opted_out, …). Its actions are the sector's actions whose « Partenaire responsable »
names the contact's organisation, matched like sector names (case, accents, hyphens and spaces ignored:
`domain.text.squash`). One digest per sector and e-mail address: an address listed for two organisations of the
sector gets one message listing both. An address marked « Ne plus écrire » on any of its lines of the sector gets
none; a contact with no open action gets none.

The open actions (status todo or in_progress, domain.md) fall in three groups:
- **overdue**: `due_on < as_of` (domain.md's definition), most overdue first;
- **due soon**: not overdue, due on or before the *horizon*: the later of `as_of + horizon_days` and the next planned
  meeting (« due before the next meeting or within N days »), soonest first;
- **later**: the other open actions, soonest first.

The period a digest belongs to is the ISO week of `as_of` (`digest_period`): the mail run sends a contact at most
one reminder per sector and week, however often it is started.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from domain.safe_text import one_line, visible_text
from domain.text import squash
from domain.vocabulary import CATEGORY, OPEN_ACTION_STATUSES

DEFAULT_HORIZON_DAYS = 14
DIGEST_KIND = "relance"


def digest_period(as_of: dt.date) -> str:
    """The ISO week of `as_of`, as « 2026-W48 » (Monday to Sunday; the ISO year of a late-December Monday)."""
    year, week, _ = as_of.isocalendar()
    return f"{year}-W{week:02d}"


def period_label(period: str) -> str:
    """« semaine 48 de 2026 (du 23/11/2026 au 29/11/2026) » for « 2026-W48 »."""
    year, week = int(period[:4]), int(period[6:])
    monday = dt.date.fromisocalendar(year, week, 1)
    return f"semaine {week} de {year} (du {monday:%d/%m/%Y} au {monday + dt.timedelta(days=6):%d/%m/%Y})"


@dataclass(frozen=True)
class DigestAction:
    action_id: str
    problem_id: str
    description: str
    due_on: dt.date | None
    status: str  # todo | in_progress
    problem: str  # the problem's category, commune and place, on one line ("" when the problem is unknown)
    days_overdue: int  # 0 when not overdue


@dataclass(frozen=True)
class PartnerDigest:
    sector_id: str
    email: str  # lower-case
    contact: str  # the contact's name ("" when the sheet gives none)
    organisations: tuple[str, ...]  # as the Partenaires sheet writes them
    as_of: dt.date
    horizon: dt.date  # due on or before this day (and not overdue): due soon
    next_meeting: dt.date | None
    overdue: tuple[DigestAction, ...]
    due_soon: tuple[DigestAction, ...]
    later: tuple[DigestAction, ...]

    @property
    def actions(self) -> tuple[DigestAction, ...]:
        return self.overdue + self.due_soon + self.later

    @property
    def period(self) -> str:
        return digest_period(self.as_of)

    @property
    def content_hash(self) -> str:
        """SHA-256 of what the digest says (recipient, dates, every action field): equal digests, equal hashes."""
        payload = {
            "sector": self.sector_id, "email": self.email, "contact": self.contact,
            "organisations": list(self.organisations), "as_of": self.as_of.isoformat(),
            "horizon": self.horizon.isoformat(),
            "next_meeting": self.next_meeting.isoformat() if self.next_meeting else None,
            "groups": [[[a.action_id, a.problem_id, a.description, a.due_on.isoformat() if a.due_on else None,
                         a.status, a.problem, a.days_overdue] for a in group]
                       for group in (self.overdue, self.due_soon, self.later)],
        }
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SectorDigests:
    """A sector's digests at `as_of`, and the contacts that get none (said in the run's report)."""

    sector_id: str
    as_of: dt.date
    next_meeting: dt.date | None
    digests: tuple[PartnerDigest, ...]
    opted_out: tuple[str, ...]  # e-mail addresses marked « Ne plus écrire »
    without_actions: tuple[str, ...]  # addresses whose organisations have no open action


def next_planned_meeting(meetings: pd.DataFrame, as_of: dt.date) -> dt.date | None:
    """The sector's next meeting at `as_of`: a planned one from that day on (the same rule as the Réunions page,
    `domain.indicators.meetings`: for a past `as_of`, a meeting held after it was still ahead then)."""
    if meetings is None or meetings.empty:
        return None
    day = pd.Timestamp(as_of)
    dates, status = meetings["meeting_date"], meetings["status"]
    ahead = meetings[((status == "planned") & (dates >= day)) | ((status == "held") & (dates > day))]
    found = ahead["meeting_date"].dropna()
    return found.min().date() if len(found) else None


def _day(value: object) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def _problem_labels(problems: pd.DataFrame | None, sector_id: str) -> dict[str, str]:
    if problems is None or problems.empty:
        return {}
    rows = problems[problems["sector_id"] == sector_id]
    labels = {}
    for problem_id, category, commune, location in zip(rows["problem_id"], rows["category"], rows["commune_name"],
                                                       rows["location"]):
        parts = [CATEGORY.labels.get(category, category) if isinstance(category, str) else "", commune, location]
        labels[problem_id] = " — ".join(one_line(p) for p in parts if isinstance(p, str) and one_line(p))
    return labels


def _action(row, problems: dict[str, str], as_of: dt.date) -> DigestAction:
    due = _day(row.due_on)
    late = (as_of - due).days if due is not None and due < as_of else 0
    return DigestAction(one_line(row.action_id), one_line(row.problem_id), one_line(row.description), due, row.status,
                        problems.get(row.problem_id, ""), late)


def sector_digests(sector_id: str, partners: pd.DataFrame | None, actions: pd.DataFrame, meetings: pd.DataFrame,
                   as_of: dt.date, *, problems: pd.DataFrame | None = None,
                   horizon_days: int = DEFAULT_HORIZON_DAYS) -> SectorDigests:
    """The digests of one sector's contacts at `as_of` (frames may hold other sectors: only this one is read)."""
    next_meeting = next_planned_meeting(meetings[meetings["sector_id"] == sector_id], as_of)
    if partners is None or partners.empty:
        return SectorDigests(sector_id, as_of, next_meeting, (), (), ())
    horizon = max(as_of + dt.timedelta(days=horizon_days), next_meeting or as_of)
    contacts = partners[partners["sector_id"] == sector_id]
    mine = actions[(actions["sector_id"] == sector_id) & actions["status"].isin(OPEN_ACTION_STATUSES)]
    owner_key = mine["partner"].map(squash)
    problem_labels = _problem_labels(problems, sector_id)

    by_email: dict[str, list] = {}
    for row in contacts.itertuples(index=False):
        email = visible_text(row.email).strip().lower()
        if email:
            by_email.setdefault(email, []).append(row)
    digests, opted_out, without = [], [], []
    for email, rows in sorted(by_email.items()):
        if any(bool(r.opted_out) for r in rows if not pd.isna(r.opted_out)):
            opted_out.append(email)
            continue
        organisations = tuple(dict.fromkeys(one_line(r.organisation) for r in rows))
        keys = {squash(r.organisation) for r in rows}
        owned = mine[owner_key.isin(keys)]
        if owned.empty:
            without.append(email)
            continue
        listed = [_action(r, problem_labels, as_of) for r in owned.itertuples(index=False)]
        overdue, soon, later = [], [], []
        for action in listed:
            if action.days_overdue > 0:
                overdue.append(action)
            elif action.due_on is not None and action.due_on <= horizon:
                soon.append(action)
            else:
                later.append(action)
        overdue.sort(key=lambda a: (-a.days_overdue, a.action_id))
        soon.sort(key=lambda a: (a.due_on, a.action_id))
        later.sort(key=lambda a: (a.due_on or dt.date.max, a.action_id))
        contact = next((one_line(r.contact) for r in rows if isinstance(r.contact, str) and one_line(r.contact)), "")
        digests.append(PartnerDigest(sector_id, email, contact, organisations, as_of, horizon, next_meeting,
                                     tuple(overdue), tuple(soon), tuple(later)))
    return SectorDigests(sector_id, as_of, next_meeting, tuple(digests), tuple(opted_out), tuple(without))


def all_sector_digests(frames: Mapping[str, pd.DataFrame], as_of: dt.date, *, sector_ids: list[str] | None = None,
                       horizon_days: int = DEFAULT_HORIZON_DAYS) -> list[SectorDigests]:
    """`sector_digests` for every sector that has contacts (or only `sector_ids`), by sector id.

    `frames` is what `store.queries.current_frames` returns; without a `partners` frame (a store from before the
    Partenaires sheet) there is no contact, hence no digest."""
    partners = frames.get("partners")
    if partners is None or partners.empty:
        return []
    wanted = sorted(set(partners["sector_id"]))
    if sector_ids is not None:
        wanted = [s for s in wanted if s in set(sector_ids)]
    return [sector_digests(s, partners, frames["actions"], frames["meetings"], as_of, problems=frames.get("problems"),
                           horizon_days=horizon_days) for s in wanted]
