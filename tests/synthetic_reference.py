"""A synthetic national-size reference and per-sector figures, for the figures' size tests and benchmark.

Sectors are cloned from the 17 Moselle sectors with the same communes (``<base>-cNNN``), the way the scale review
built its synthetic départements; their CSPs are cloned too (up to 35 clones per CSP: 252 CSPs at 2,000 sectors).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from domain.indicators.meetings import CadenceSummary, Constitution
from domain.reference import Csp, Reference
from indicator_frames import frame

CSP_CLONES = 36  # the base CSP and up to 35 clones


def cloned_reference(base: Reference, n_sectors: int) -> Reference:
    """``base`` grown to ``n_sectors`` sectors: clone k of a sector belongs to clone k % 36 of its CSP."""
    sectors = dict(base.sectors)
    csps: dict[str, Csp] = dict(base.csps)
    k = 0
    while len(sectors) < n_sectors:
        k += 1
        for sector in base.sectors.values():
            if len(sectors) >= n_sectors:
                break
            index = k % CSP_CLONES
            csp = base.csps[sector.csp_id]
            csp_id = csp.csp_id if index == 0 else f"{csp.csp_id}-c{index:03d}"
            if csp_id not in csps:
                csps[csp_id] = replace(csp, csp_id=csp_id, name=f"{csp.name} {index}", aliases=())
            sid = f"{sector.sector_id}-c{k:03d}"
            sectors[sid] = replace(sector, sector_id=sid, name=f"{sector.name} {k}", csp_id=csp_id, aliases=())
    return Reference(csps, sectors, base.communes)


def synthetic_metrics(reference: Reference, sector_ids: list[str] | None = None) -> pd.DataFrame:
    """One line of plausible figures per sector, with the columns of ``sector_metrics`` the map and tables read."""
    ids = list(reference.sectors) if sector_ids is None else list(sector_ids)
    rows = []
    for i, sid in enumerate(ids):
        sector = reference.sectors[sid]
        people = sum(reference.communes[c].population for c in sector.communes if c in reference.communes)
        n_open, n_overdue = (i * 7) % 23, (i * 5) % 11
        periods = 0 if i % 13 == 5 else 12
        met = min(periods, (i * 3) % 13)
        rows.append({
            "sector_id": sid, "sector": sector.name, "csp": reference.csps[sector.csp_id].name, "population": people,
            "open_problems": n_open, "open_per_1000": 1000 * n_open / people if people else None,
            "overdue_problems": n_open // 3, "overdue_actions": n_overdue,
            "overdue_per_1000": 1000 * n_overdue / people if people else None,
            "resolved": 3, "open_during": 9, "resolution_rate": 1 / 3, "median_days": 20.0, "small_sample": False,
            "constitution": "constituted" if periods else "not_yet", "periods": periods, "periods_met": met,
            "compliance": met / periods if periods else None, "cadence_small_sample": periods < 5,
            "late": bool(periods) and i % 4 == 0, "days_since_last": 10 + i % 50,
            "last_import": dt.datetime(2026, 11, 20, 9, 30), "stale": i % 9 == 0,
        })
    return pd.DataFrame(rows)


def synthetic_meetings(sector_ids: list[str]) -> tuple[pd.DataFrame, dict[str, CadenceSummary]]:
    """Monthly meetings from June to December 2026 per sector (December planned), one or two missed periods in one
    sector out of three, one sector in six not yet constituted; the loader's columns and dtypes, and each sector's
    cadence summary as the Réunions page passes it to the timeline (late: one sector in four)."""
    rows, summaries = [], {}
    for i, sid in enumerate(sector_ids):
        if i % 6 == 5:
            summaries[sid] = CadenceSummary(sid, "monthly", Constitution("not_yet", None), 0, 0, None, None, None, None,
                                            None, 0, 0)
            continue
        missed = tuple((dt.date(2026, m, 1), dt.date(2026, m, 30)) for m in (6, 9) if (i + m) % 3 == 0)
        for month in range(6, 13):
            rows.append({"sector_id": sid, "meeting_date": dt.date(2026, month, 1 + i % 20), "kind": "ordinary",
                         "status": "held" if month < 12 else "planned", "mayor_present": True,
                         "municipal_police_present": True, "national_police_present": bool(i % 2),
                         "other_partners": "Bailleur" if i % 3 == 0 else None})
        summaries[sid] = CadenceSummary(sid, "monthly", Constitution("constituted", dt.date(2019, 5, 1)), 6,
                                        6 - len(missed), dt.date(2026, 11, 1 + i % 20), 5 + i % 40, 31,
                                        dt.date(2026, 12, 1 + i % 20), i % 4 == 0, 6, 5, missed)
    return frame("meetings", rows), summaries
