"""Time the cycle's grouped passes at national size: cycle status, each problem's cycle, outcome share, PSQ ratio.

    python benchmarks/bench_cycle.py [--sectors 2000] [--problems-per-sector 500] [--repeat 5] [--check 50]

Builds, with a fixed seed, `--sectors` sectors (a tenth without diagnostic, the others with 1 to 4 diagnostics
naming 3 to 5 priority problems) and `--problems-per-sector` problems each (1 M rows by default), with the
contract's columns and dtypes (`tests/cycle_frames.py`). Times (best of --repeat)
`domain.indicators.cycle.cycle_status`, `problem_cycles`, and `domain.indicators.outcomes.psq_by_sector` and
`outcome_share_by_sector`, and the three together as the leadership's map and ranking read them
(`domain.indicators.cycle_figures.sector_cycle_figures`, then `with_cycle_figures` beside a line per sector, and the
cycle's ranking and map values of `report_tables.sector_ranking`); then checks `--check` sectors against the per-sector definitions
(`sector_cycles`, `problems_in_cycle`, `psq_ratio`, `outcome_share`) and says how long that loop would take for
every sector.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from domain.indicators.cycle import (cycle_status, problem_cycles, problems_in_cycle,  # noqa: E402
                                     sector_cycles, split_refs)
from domain.indicators.outcomes import (outcome_share, outcome_share_by_sector, psq_by_sector,  # noqa: E402
                                        psq_ratio)
from domain.indicators.cycle_figures import sector_cycle_figures, with_cycle_figures  # noqa: E402
from report_tables.sector_ranking import map_values, ranking_table  # noqa: E402
from tests.cycle_frames import DIAGNOSTIC_FIELDS, PROBLEM_FIELDS  # noqa: E402

AS_OF = dt.date(2026, 11, 25)
START, END = dt.date(2026, 1, 1), AS_OF
FIRST_DAY = np.datetime64("2022-01-01")
DAYS = int((np.datetime64(AS_OF) - FIRST_DAY).astype(int))
STATUSES = np.array(["open", "in_progress", "resolved", "dropped"], dtype=object)
OUTCOMES = np.array([None, "eliminated", "reduced", "less_harmful", "better_handled", "handed_over", "no_effect",
                     "worse"], dtype=object)


def _strings(values) -> pd.arrays.ArrowStringArray:
    return pd.array(values, dtype="str")


def build(sectors: int, per_sector: int, seed: int = 13) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    sector_ids = [f"s{i:05d}" for i in range(sectors)]
    n = sectors * per_sector
    code = np.repeat(np.arange(sectors), per_sector)
    rank = np.tile(np.arange(per_sector), sectors)
    reported = FIRST_DAY + rng.integers(0, DAYS, n).astype("timedelta64[D]")
    status = STATUSES[rng.choice(4, n, p=[0.2, 0.2, 0.45, 0.15])]
    closed = (status == "resolved") | (status == "dropped")
    resolved = reported + rng.integers(1, 300, n).astype("timedelta64[D]")
    undated = rng.random(n) < 0.03
    resolved = np.where(closed & ~undated & (resolved <= np.datetime64(AS_OF)), resolved, np.datetime64("NaT"))
    outcome = np.where(closed, OUTCOMES[rng.integers(0, len(OUTCOMES), n)], None)
    columns = {field: None for field, _ in PROBLEM_FIELDS}
    columns.update({
        "sector_id": _strings(np.asarray(sector_ids, dtype=object)[code]),
        "problem_id": _strings([f"P-{r:04d}" for r in rank]),
        "reported_on": reported.astype("datetime64[us]"),
        "status": _strings(status),
        "resolved_on": resolved.astype("datetime64[us]"),
        "outcome": _strings(outcome),
        "source_file": _strings(np.full(n, "suivi.xlsx", dtype=object)),
        "source_row": rank.astype(np.int64) + 2,
    })
    for field, dtype in PROBLEM_FIELDS:
        if columns[field] is None:
            columns[field] = (np.full(n, np.datetime64("NaT"), dtype=dtype) if dtype.startswith("datetime")
                              else _strings(np.full(n, None, dtype=object)))
    problems = pd.DataFrame(columns, columns=[f for f, _ in PROBLEM_FIELDS])

    rows = []
    for i, sector_id in enumerate(sector_ids):
        if i % 10 == 0:
            continue  # a tenth without diagnostic
        days = sorted(rng.choice(DAYS, rng.integers(1, 5), replace=False))
        for line, day in enumerate(days, 2):
            refs = ";".join(f"P-{r:04d}" for r in rng.choice(per_sector + 3, rng.integers(3, 6), replace=False))
            rows.append((sector_id, FIRST_DAY + np.timedelta64(int(day), "D"), refs, line))
    diagnostics = pd.DataFrame({
        "sector_id": _strings([r[0] for r in rows]),
        "diagnosed_on": np.array([r[1] for r in rows], dtype="datetime64[D]").astype("datetime64[us]"),
        "title": _strings([None] * len(rows)),
        "shared_on": np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[us]"),
        "priority_problem_ids": _strings([r[2] for r in rows]),
        "summary": _strings([None] * len(rows)),
        "source_file": _strings(["suivi.xlsx"] * len(rows)),
        "source_row": np.array([r[3] for r in rows], dtype=np.int64),
    }, columns=[f for f, _ in DIAGNOSTIC_FIELDS])
    return sector_ids, problems, diagnostics


def best(function, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sectors", type=int, default=2000)
    parser.add_argument("--problems-per-sector", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--check", type=int, default=50)
    args = parser.parse_args()

    started = time.perf_counter()
    sector_ids, problems, diagnostics = build(args.sectors, args.problems_per_sector)
    print(f"built {len(sector_ids):,} sectors, {len(problems):,} problems, {len(diagnostics):,} diagnostics "
          f"in {time.perf_counter() - started:.1f} s")

    timings = {}
    timings["cycle_status"], status = best(lambda: cycle_status(diagnostics, problems, sector_ids, AS_OF), args.repeat)
    timings["problem_cycles"], cycles = best(lambda: problem_cycles(problems, diagnostics, AS_OF), args.repeat)
    timings["psq_by_sector"], psq = best(lambda: psq_by_sector(problems, sector_ids, START, END), args.repeat)
    timings["outcome_share_by_sector"], shares = best(
        lambda: outcome_share_by_sector(problems, sector_ids, START, END), args.repeat)
    timings["sector_cycle_figures"], figures = best(
        lambda: sector_cycle_figures(diagnostics, problems, sector_ids, END, START), args.repeat)
    lines = pd.DataFrame({"sector_id": sector_ids, "sector": sector_ids, "csp": "csp", "constitution": "constituted",
                          "late": False, "stale": False, "last_import": None, "periods": 12, "periods_met": 10,
                          "open_problems": 3, "overdue_actions": 1})  # the metrics' columns the ranking reads
    timings["with_cycle_figures"], merged = best(lambda: with_cycle_figures(lines, figures), args.repeat)
    timings["cycle ranking + map"], _ = best(
        lambda: (ranking_table(merged, "cycle_status"), map_values(merged, "cycle_status")), args.repeat)
    for name, seconds in timings.items():
        print(f"{name:>24}: {seconds * 1000:8.1f} ms (best of {args.repeat})")
    print("statuses:", status["status"].value_counts().to_dict())

    # the per-sector definitions, on a sample
    sample = sector_ids[:: max(1, len(sector_ids) // args.check)][: args.check]
    started = time.perf_counter()
    by_sector = {s: g for s, g in problems[problems["sector_id"].isin(sample)].groupby("sector_id")}
    table = status.set_index("sector_id")
    for sector_id in sample:
        own = by_sector[sector_id]
        found = sector_cycles(diagnostics, sector_id, AS_OF)
        row = table.loc[sector_id]
        if not found:
            assert row["status"] == "no_diagnostic", sector_id
            continue
        last = found[-1]
        assert (row["status"], row["bilan_due_on"].date(), row["last_diagnosed_on"].date()) == (
            last.status, last.bilan_due_on, last.diagnosed_on), sector_id
        assert row["cycle_problems"] == len(problems_in_cycle(own, last)), sector_id
        assert row["priority_problems"] == len(split_refs(last.priority_ids and ";".join(last.priority_ids)))
        in_cycle = cycles.loc[own.index] == pd.Timestamp(last.diagnosed_on)
        assert int(in_cycle.sum()) == row["cycle_problems"], sector_id
        ratio = psq_ratio(own, START, END)
        assert (ratio.identified, ratio.resolved) == tuple(psq.set_index("sector_id").loc[sector_id, ["identified",
                                                                                                      "resolved"]])
        share = outcome_share(own, START, END)
        assert (share.success, share.with_outcome) == tuple(
            shares.set_index("sector_id").loc[sector_id, ["success", "with_outcome"]])
    looped = time.perf_counter() - started
    print(f"checked {len(sample)} sectors against the per-sector definitions: equal; that loop took "
          f"{looped:.2f} s, about {looped / len(sample) * len(sector_ids):.0f} s for all {len(sector_ids):,} sectors")


if __name__ == "__main__":
    main()
