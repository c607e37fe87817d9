"""A seeded synthetic département: reference, frames and last imports, for engine tests and the engine benchmark.

`department(sectors, seed, ...)` gives the same data for the same arguments.
Sectors cycle through PROFILES so that every edge case appears as soon as there
are as many sectors as profiles: no meetings, not constituted, constitution
date in the future, constituted by a meeting inside the window (marked
constitutive or not, with an ordinary meeting before it), scheduled only,
regular GPO with gaps, cancelled / postponed / stale « prévue » meetings, two
meetings on one day, meetings on 29 February and at month ends, meetings held
after the reference dates, a last meeting exactly at the lateness limit; problems reported after `as_of`, closed without a
date, resolved after `as_of`, open with a closing date, due on the reference
day or the day before; actions due today, yesterday, tomorrow; sectors with no
or few problems, without population; rows of a sector outside the reference.
Problems and actions are drawn with numpy (a national-size set takes seconds);
meetings, a few dozen per sector, one sector at a time. Diagnostics (none, one or
two per sector) and partner contacts come from a random stream of their own,
drawn last: the other frames are the same as before they existed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain.indicators.meetings import CADENCE_DAYS, LATE_MARGIN_DAYS
from domain.reference import Commune, Csp, Reference, Sector
from domain.tracker_schema import OUTPUT_COLUMNS

D = dt.date
DATES = {"meeting_date", "reported_on", "due_on", "resolved_on", "started_on", "done_on", "diagnosed_on", "shared_on"}
BOOLS = {"mayor_present", "municipal_police_present", "national_police_present", "opted_out"}
PROFILES = ("none", "future_reference", "scheduled", "constitutive_in_window", "first_held", "regular",
            "reference_no_meetings", "reference_in_window", "future_reference_held", "regular_gappy", "late_edge")
FIRST, LAST = np.datetime64("2023-06-01"), np.datetime64("2027-03-31")
TRACKER_DAY = np.datetime64("2026-11-25")  # the trackers' date: later meetings are mostly « prévue »
OUTSIDER = "hors-reference"  # rows of a sector the reference does not know


@dataclass(frozen=True)
class Department:
    reference: Reference
    frames: dict[str, pd.DataFrame]
    last_imports: dict[str, dt.datetime | dt.date]

    @property
    def sector_ids(self) -> list[str]:
        return list(self.reference.sectors)


def _day(value: np.datetime64) -> dt.date:
    return value.astype("datetime64[D]").astype(object)


def reference_of(count: int, rng: np.random.Generator) -> Reference:
    csps = {f"csp{k:03d}": Csp(f"csp{k:03d}", f"CSP {k}", f"{57000 + k:05d}") for k in range(max(1, count // 20))}
    communes: dict[str, Commune] = {}
    sectors: dict[str, Sector] = {}
    for i in range(count):
        profile = PROFILES[i % len(PROFILES)]
        own = []
        for _ in range(0 if i % 23 == 7 else int(rng.integers(1, 6))):  # some sectors have no commune at all
            insee = f"{len(communes) + 10000:05d}"
            communes[insee] = Commune(insee, f"Commune {insee}", int(rng.integers(0, 40_000)))
            own.append(insee)
        if i % 29 == 3:
            own.append("99999")  # a commune missing from the reference counts no inhabitant
        constituted = {
            "none": None, "scheduled": None, "constitutive_in_window": None, "first_held": None,
            "future_reference": D(2027, 6, 1), "future_reference_held": D(2027, 9, 1),
            "reference_in_window": _day(np.datetime64("2026-04-01") + rng.integers(0, 300)),
        }.get(profile, _day(np.datetime64("2019-01-01") + rng.integers(0, 1500)))
        cadence = "monthly" if (i // len(PROFILES)) % 2 == 0 else "fortnightly"
        sector_id = f"s{i:04d}"
        sectors[sector_id] = Sector(sector_id, f"Secteur {i}", list(csps)[i % len(csps)], tuple(own), "Animateur",
                                    cadence, constituted, 0, False)
    return Reference(csps, sectors, communes)


def _meetings_of(profile: str, cadence: str, rng: np.random.Generator, focus: np.ndarray, later: bool) -> list[tuple]:
    """(date, kind, status) of one sector's meetings."""
    step = 30 if cadence == "monthly" else 15
    if profile in ("none", "future_reference", "reference_no_meetings"):
        return []
    if profile == "late_edge":  # last held meeting exactly at the lateness limit of each reference date, or a day before
        limit = CADENCE_DAYS[cadence] + LATE_MARGIN_DAYS + (1 if later else 0)
        return [(day - limit, "ordinary", "held") for day in focus]
    if profile == "scheduled":
        rows = [(TRACKER_DAY + rng.integers(1, 120), "constitutive", "planned")]
        if rng.random() < 0.5:
            rows.append((TRACKER_DAY - rng.integers(1, 60), "constitutive", "cancelled"))
        return rows
    rows: list[tuple] = []
    if profile in ("constitutive_in_window", "first_held", "future_reference_held", "reference_in_window"):
        start = np.datetime64("2026-03-01") + rng.integers(0, 260)
        if profile == "constitutive_in_window":
            rows.append((start, "constitutive", "held"))
            if rng.random() < 0.5:
                rows.append((start - rng.integers(5, 90), "ordinary", "held"))  # held before its constitution
    else:
        start = FIRST + rng.integers(0, 120)
    gappy = profile == "regular_gappy"
    day = start
    while day <= LAST:
        day = day + int(step + rng.integers(-5, 6) + (rng.integers(0, 4) * step if gappy and rng.random() < 0.3 else 0))
        if day > LAST:
            break
        if day <= TRACKER_DAY:
            status = rng.choice(["held", "held", "held", "held", "cancelled", "postponed", "planned"])
        else:
            status = rng.choice(["planned", "planned", "planned", "held", "cancelled"])  # held later than a past as_of
        rows.append((day, "ordinary", str(status)))
        if rng.random() < 0.04:
            rows.append((day, "review", "held"))  # two meetings on one day
    if rng.random() < 0.3:
        rows.append((np.datetime64("2024-02-29"), "ordinary", "held"))
    if rng.random() < 0.3:
        rows.append((np.datetime64("2026-08-31"), "extraordinary", "held"))
    return rows


def _frame(key: str, data: dict) -> pd.DataFrame:
    """Columns of the loaders' frames, with their dtypes; the columns not given are empty."""
    size = len(next(iter(data.values())))
    out = {}
    for column in OUTPUT_COLUMNS[key]:
        values = data.get(column)
        if column in DATES:
            out[column] = (np.full(size, np.datetime64("NaT"), dtype="datetime64[us]") if values is None
                           else np.asarray(values).astype("datetime64[us]"))
        elif column in BOOLS:
            out[column] = pd.array([None] * size if values is None else values, dtype="boolean")
        elif column in ("attendees", "source_row"):
            out[column] = pd.array(np.arange(2, size + 2) if values is None else values,
                                   dtype="int64" if column == "source_row" else "Int64")
        else:
            out[column] = pd.array([None] * size if values is None else values, dtype="str")
    return pd.DataFrame(out, columns=list(OUTPUT_COLUMNS[key]))


def _pick(rng: np.random.Generator, values: list[str], size: int, p: list[float]) -> np.ndarray:
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=size, p=p)]


def department(sectors: int, seed: int = 0, problems_per_sector: int = 30, actions_per_sector: int = 45,
               focus_days: tuple[dt.date, ...] = ()) -> Department:
    """A département of `sectors` sectors; `focus_days` are the dates a test will use (reference dates, period
    starts): some problems are reported, and some problems and actions are due, the day before, on or after them."""
    rng = np.random.default_rng(seed)
    reference = reference_of(sectors, rng)
    ids = list(reference.sectors) + [OUTSIDER]
    focus = np.array([np.datetime64(d) for d in focus_days] or [TRACKER_DAY], dtype="datetime64[D]")

    rows = []
    for i, sector in enumerate(reference.sectors.values()):
        later = (i // len(PROFILES)) % 4 >= 2
        for day, kind, status in _meetings_of(PROFILES[i % len(PROFILES)], sector.cadence, rng, focus, later):
            rows.append((sector.sector_id, day, kind, status))
    rows.append((OUTSIDER, TRACKER_DAY - 3, "ordinary", "held"))
    m = len(rows)
    presence = lambda: _pick(rng, [True, False, None], m, [0.75, 0.1, 0.15]).tolist()  # noqa: E731
    meetings = _frame("meetings", {
        "sector_id": [r[0] for r in rows], "source_file": [f"{r[0]}.xlsx" for r in rows], "meeting_date": np.array([r[1] for r in rows], dtype="datetime64[D]"),
        "kind": [r[2] for r in rows], "status": [r[3] for r in rows],
        "mayor_present": presence(), "municipal_police_present": presence(), "national_police_present": presence(),
        "other_partners": _pick(rng, ["Bailleur", None], m, [0.3, 0.7]).tolist(),
    })

    # Problems: some sectors have none or fewer than 5 (small samples)
    counts = rng.poisson(problems_per_sector, len(ids))
    counts[3::17] = 0
    counts[5::13] = rng.integers(1, 5, len(counts[5::13]))
    sector = np.repeat(np.asarray(ids, dtype=object), counts)
    n = len(sector)
    reported = FIRST - 200 + rng.integers(0, (LAST - FIRST).astype(int) + 200, n)
    reported = np.where(rng.random(n) < 0.1, focus[rng.integers(0, len(focus), n)] + rng.integers(-1, 2, n), reported)
    status = _pick(rng, ["open", "in_progress", "resolved", "dropped"], n, [0.3, 0.2, 0.4, 0.1])
    closing = reported + rng.integers(0, 400, n)
    closed_set = np.where(np.isin(status, ["resolved", "dropped"]), rng.random(n) < 0.85, rng.random(n) < 0.05)
    near = rng.random(n) < 0.2  # due on or around a reference date
    due = np.where(near, focus[rng.integers(0, len(focus), n)] + rng.integers(-1, 2, n), reported + rng.integers(0, 200, n))
    problems = _frame("problems", {
        "sector_id": sector.tolist(), "source_file": [f"{s}.xlsx" for s in sector], "problem_id": [f"P-{k}" for k in range(n)],
        "reported_on": reported, "category": ["Autre"] * n, "status": status.tolist(),
        "due_on": np.where(rng.random(n) < 0.3, np.datetime64("NaT"), due).astype("datetime64[D]"),
        "resolved_on": np.where(closed_set, closing, np.datetime64("NaT")).astype("datetime64[D]"),
    })

    counts = rng.poisson(actions_per_sector, len(ids))
    counts[4::19] = 0
    sector = np.repeat(np.asarray(ids, dtype=object), counts)
    n = len(sector)
    near = rng.random(n) < 0.3  # due the day before, on, or the day after a reference date
    due = np.where(near, focus[rng.integers(0, len(focus), n)] + rng.integers(-1, 2, n),
                   FIRST + rng.integers(0, (LAST - FIRST).astype(int), n))
    status = _pick(rng, ["todo", "in_progress", "done", "dropped"], n, [0.3, 0.3, 0.3, 0.1])
    actions = _frame("actions", {
        "sector_id": sector.tolist(), "source_file": [f"{s}.xlsx" for s in sector], "action_id": [f"A-{k}" for k in range(n)],
        "problem_id": [f"P-{k}" for k in rng.integers(0, 1000, n)], "description": ["Action"] * n,
        "partner": ["Partenaire"] * n, "due_on": due.astype("datetime64[D]"), "status": status.tolist(),
    })

    last_imports: dict[str, dt.datetime | dt.date] = {}
    for i, sector_id in enumerate(reference.sectors):
        if i % 11 == 5:
            continue  # never imported
        moment = dt.datetime(2026, 1, 1, 9, 30) + dt.timedelta(days=int(rng.integers(0, 340)))
        last_imports[sector_id] = moment.date() if i % 7 == 2 else moment
    diagnostics, partners = _cycle_frames(ids, seed)
    return Department(reference, {"meetings": meetings, "problems": problems, "actions": actions,
                                  "diagnostics": diagnostics, "partners": partners}, last_imports)


def _cycle_frames(ids: list[str], seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each sector's diagnostics (0, 1 or 2, distinct dates) and partner contacts (0 to 4), seeded apart."""
    rng = np.random.default_rng([seed, 13])
    counts = rng.choice(3, size=len(ids), p=[0.3, 0.5, 0.2])
    sector = np.repeat(np.asarray(ids, dtype=object), counts)
    n = len(sector)
    diagnosed = FIRST + rng.integers(0, (TRACKER_DAY - FIRST).astype(int), n)
    diagnosed = np.where(np.r_[False, sector[1:] == sector[:-1]], diagnosed + 400, diagnosed)  # a second one, later
    diagnostics = _frame("diagnostics", {
        "sector_id": sector.tolist(), "source_file": [f"{s}.xlsx" for s in sector],
        "diagnosed_on": diagnosed.astype("datetime64[D]"),
        "shared_on": np.where(rng.random(n) < 0.7, diagnosed + rng.integers(0, 30, n),
                              np.datetime64("NaT")).astype("datetime64[D]"),
        "title": [f"Diagnostic « {s} »" for s in sector],
        "priority_problem_ids": [";".join(f"P-{k}" for k in sorted(set(rng.integers(0, 200, rng.integers(0, 4)))))
                                 or None for _ in range(n)],
        "summary": _pick(rng, ["Synthèse ; avec « guillemets »", None], n, [0.6, 0.4]).tolist(),
    })
    counts = rng.integers(0, 5, len(ids))
    sector = np.repeat(np.asarray(ids, dtype=object), counts)
    n = len(sector)
    partners = _frame("partners", {
        "sector_id": sector.tolist(), "source_file": [f"{s}.xlsx" for s in sector],
        "organisation": [f"Partenaire {k % 3}" for k in range(n)],
        "partner_type": _pick(rng, ["mairie", "bailleur", None], n, [0.4, 0.4, 0.2]).tolist(),
        "contact": _pick(rng, ["Référent GPO", None], n, [0.7, 0.3]).tolist(),
        "email": [f"contact{k}@{s}.example.org" for k, s in enumerate(sector)],
        "opted_out": (rng.random(n) < 0.1).tolist(),
    })
    return diagnostics, partners
