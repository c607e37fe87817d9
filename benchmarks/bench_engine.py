"""Time the indicator engine at national size against polars and DuckDB, and the columnar store read.

    python benchmarks/bench_engine.py [--sectors 2000] [--repeat 5] [--store PATH] [--rebuild]
                                      [--no-current-frames] [--loop-sample 20]

1. Builds a seeded synthetic département in memory (`tests/generated_department.py`:
   2,000 sectors, about 1 M rows: ~32 k meetings, ~370 k problems, ~600 k actions).
2. Times (best of --repeat) the engine's per-sector table with its cadence periods,
   plus the headline (`domain.indicators.engine.sector_figures(...).headline()`),
   and the same figures computed by polars (all of them) and by DuckDB (problems
   and actions, 98 % of the rows), each on its own in-memory data (conversions
   timed apart); checks every figure is the same and prints the ratios. polars and
   DuckDB are development dependencies: a missing one is skipped, and said.
3. Times the loop the app ran before the engine (`tests/looped_indicators.py`) on
   --loop-sample sectors and extrapolates to all.
4. Writes the same département into a SQLite store (direct inserts,
   `tests/generated_store.py`; kept at --store and reused), then times
   `store.columnar.current_columns` (all columns; the engine's columns; one
   sector) against `store.queries.current_frames` (once: it takes minutes at
   this size; --no-current-frames to skip it) and checks the frames are equal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

AS_OF = dt.date(2026, 11, 25)
PERIOD_START = dt.date(2026, 1, 1)
ENGINE_COLUMNS = {
    "meetings": ["sector_id", "meeting_date", "kind", "status", "mayor_present", "municipal_police_present",
                 "national_police_present"],
    "problems": ["sector_id", "reported_on", "status", "due_on", "resolved_on"],
    "actions": ["sector_id", "status", "due_on"],
}


def best(function, repeat: int):
    """(best time in seconds, last result)."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def _plain(value):
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date()
    return value.item() if isinstance(value, np.generic) else value


def differences(expected: pd.DataFrame, other: pd.DataFrame, columns: list[str]) -> list[str]:
    """Columns whose values differ (None, NaN, NaT and <NA> are one « missing »)."""
    out = []
    for column in columns:
        mine = [_plain(v) for v in expected[column].astype(object).tolist()]
        theirs = [_plain(v) for v in other[column].astype(object).tolist()]
        if mine != theirs:
            first = next(i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b) if len(mine) == len(theirs) else -1
            out.append(f"{column} (row {first}: {mine[first] if first >= 0 else len(mine)} != "
                       f"{theirs[first] if first >= 0 else len(theirs)})")
    return out


def engine_run(dept):
    from domain.indicators.engine import sector_figures

    figures = sector_figures(dept.frames, dept.reference, dept.sector_ids, AS_OF, PERIOD_START, dept.last_imports)
    return figures, figures.headline()


def polars_section(dept, figures, top, repeat: int, engine_time: float) -> dict:
    try:
        import polars  # noqa: F401
    except ImportError:
        print("polars absent (pip install -r requirements-dev.txt): comparison skipped")
        return {}
    from domain.indicators.meetings import WINDOW_MONTHS, months_before
    from engine_references import polars_frames, polars_headline, polars_resolution_days, polars_table, sectors_input

    sectors = sectors_input(dept.reference, dept.sector_ids, dept.last_imports)
    convert, data = best(lambda: polars_frames(dept.frames, sectors), 1)

    def run():
        table, periods = polars_table(data, AS_OF, PERIOD_START)
        return table, periods, polars_headline(table, polars_resolution_days(data, AS_OF, PERIOD_START))

    seconds, (table, periods, headline) = best(run, repeat)
    theirs = table.to_pandas()
    columns = ["sector_id", "open_problems", "overdue_problems", "overdue_actions", "resolved", "open_during",
               "median_days", "open_per_1000", "overdue_per_1000", "resolution_rate", "small_sample", "constitution",
               "constituted_on", "periods", "periods_met", "compliance", "cadence_small_sample", "last_held",
               "days_since_last", "longest_gap", "next_planned", "late", "held_in_window", "socle_full", "socle_share",
               "missed_periods", "stale"]
    bad = differences(figures.table, theirs, columns)
    # the elapsed periods: polars numbers them (months: year * 12 + month; fortnights: rank from the oldest)
    mine = figures.cadence.periods
    window_start = months_before(AS_OF, WINDOW_MONTHS)
    base = AS_OF - dt.timedelta(days=15 * ((AS_OF - window_start).days // 15))
    p = periods.to_pandas()
    firsts = [dt.date((n - 1) // 12, (n - 1) % 12 + 1, 1) if c == "monthly" else base + dt.timedelta(days=15 * n)
              for n, c in zip(p["number"], p["cadence"])]
    if (list(zip(mine["sector_id"], [d.date() for d in mine["first"]], mine["met"]))
            != list(zip(p["sector_id"], firsts, p["met"]))):
        bad.append("periods")
    expected = {"open_problems": top.open_problems, "overdue_problems": top.overdue_problems,
                "resolved": top.resolution.resolved, "open_during": top.resolution.open_during,
                "overdue_actions": top.overdue_actions, "late_gpo": top.late_gpo, "constituted_gpo": top.constituted_gpo,
                "stale_sectors": top.stale_sectors, "median_days": top.resolution.median_days,
                "p80_days": top.resolution.p80_days}
    got = {k: round(v, 1) if isinstance(v, float) else v for k, v in headline.items()}
    if got != expected:
        bad.append(f"headline {got} != {expected}")
    return {"convert": convert, "seconds": seconds, "ratio": engine_time / seconds, "same": not bad, "bad": bad}


def duckdb_section(dept, figures, repeat: int) -> dict:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        print("duckdb absent (pip install -r requirements-dev.txt): comparison skipped")
        return {}
    from domain.indicators.engine.counts import overdue_action_counts, problem_counts
    from engine_references import duckdb_connection, duckdb_counts

    convert, con = best(lambda: duckdb_connection(dept.frames, dept.sector_ids), 1)
    seconds, theirs = best(lambda: duckdb_counts(con, AS_OF, PERIOD_START), repeat)
    engine_seconds, _ = best(lambda: (problem_counts(dept.frames["problems"], dept.sector_ids, AS_OF, PERIOD_START),
                                      overdue_action_counts(dept.frames["actions"], dept.sector_ids, AS_OF)), repeat)
    bad = differences(figures.table, theirs, ["sector_id", "open_problems", "overdue_problems", "resolved", "open_during",
                                              "median_days", "overdue_actions"])
    return {"convert": convert, "seconds": seconds, "engine": engine_seconds, "ratio": engine_seconds / seconds,
            "same": not bad, "bad": bad}


def loop_section(dept, sample: int) -> dict:
    from looped_indicators import looped_headline, looped_sector_metrics

    ids = dept.sector_ids[:sample]
    args = (dept.frames, dept.reference, ids, AS_OF, PERIOD_START, dept.last_imports)
    metrics, _ = best(lambda: looped_sector_metrics(*args), 1)
    headline, _ = best(lambda: looped_headline(*args), 1)
    scale = len(dept.sector_ids) / len(ids)
    return {"sample": len(ids), "metrics": metrics * scale, "headline": headline * scale}


def store_section(dept, path: Path, rebuild: bool, repeat: int, with_current_frames: bool) -> dict:
    from generated_store import store_department
    from store.columnar import current_columns
    from store.database import open_store
    from store.queries import current_frames

    built = None
    if rebuild or not path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        engine = open_store(f"sqlite:///{path}")
        built, _ = best(lambda: store_department(engine, dept), 1)
    engine = open_store(f"sqlite:///{path}")
    out = {"built": built, "size_mb": path.stat().st_size / 1e6}
    out["all"], frames = best(lambda: current_columns(engine), repeat)
    out["engine_columns"], _ = best(lambda: current_columns(engine, columns=ENGINE_COLUMNS), repeat)
    out["one_sector"], _ = best(lambda: current_columns(engine, [dept.sector_ids[1]]), repeat)
    out["rows"] = {key: len(frame) for key, frame in frames.items()}
    if with_current_frames:
        out["current_frames"], expected = best(lambda: current_frames(engine), 1)
        out["same"] = all(frame.equals(expected[key]) and frame.dtypes.equals(expected[key].dtypes)
                          for key, frame in frames.items())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sectors", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--store", type=Path, default=None, help="SQLite file (default /tmp/gpo_bench_engine_<n>.sqlite)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the store even if the file exists")
    parser.add_argument("--no-current-frames", action="store_true", help="do not time current_frames (minutes)")
    parser.add_argument("--loop-sample", type=int, default=20, help="sectors timed with the old loop (0: skip)")
    args = parser.parse_args()

    from generated_department import department

    started = time.perf_counter()
    dept = department(args.sectors, seed=2026, problems_per_sector=215, actions_per_sector=318)
    rows = {key: len(frame) for key, frame in dept.frames.items()}
    print(f"département: {args.sectors} sectors, {sum(rows.values()):,} rows {rows} "
          f"(generated in {time.perf_counter() - started:.1f} s); as_of {AS_OF}, period from {PERIOD_START}")

    engine_time, (figures, top) = best(lambda: engine_run(dept), args.repeat)
    head_time, _ = best(lambda: figures.headline(), args.repeat)
    summaries_time, _ = best(lambda: figures.cadence_summaries(), args.repeat)
    metrics_time, _ = best(lambda: figures.metrics_frame(), args.repeat)
    print(f"\nengine (best of {args.repeat}): per-sector table + cadence periods + headline {engine_time * 1000:.0f} ms "
          f"(of which headline {head_time * 1000:.1f} ms); then CadenceSummary objects {summaries_time * 1000:.0f} ms, "
          f"sector_metrics frame {metrics_time * 1000:.0f} ms")

    pl = polars_section(dept, figures, top, args.repeat, engine_time)
    if pl:
        print(f"polars: same figures {pl['seconds'] * 1000:.0f} ms (from pandas: {pl['convert'] * 1000:.0f} ms, not counted); "
              f"engine / polars = {pl['ratio']:.1f}x; same figures: {pl['same']} {pl['bad'] or ''}")
    dd = duckdb_section(dept, figures, args.repeat)
    if dd:
        print(f"duckdb: problem and action counts {dd['seconds'] * 1000:.0f} ms (to Arrow: {dd['convert'] * 1000:.0f} ms, "
              f"not counted) vs engine's same part {dd['engine'] * 1000:.0f} ms; engine / duckdb = {dd['ratio']:.1f}x; "
              f"same figures: {dd['same']} {dd['bad'] or ''}")
    if args.loop_sample:
        loop = loop_section(dept, args.loop_sample)
        print(f"before the engine (loop over sectors, {loop['sample']} sectors timed, x{args.sectors / loop['sample']:.0f}): "
              f"sector_metrics ~{loop['metrics']:.0f} s, headline ~{loop['headline']:.0f} s")

    path = args.store or Path(f"/tmp/gpo_bench_engine_{args.sectors}.sqlite")
    st = store_section(dept, path, args.rebuild, args.repeat, not args.no_current_frames)
    built = f"built in {st['built']:.0f} s" if st["built"] is not None else "reused"
    print(f"\nstore {path} ({st['size_mb']:.0f} MB, {built}), rows {st['rows']}")
    print(f"columnar read (best of {args.repeat}): all columns {st['all']:.2f} s, engine's columns "
          f"{st['engine_columns']:.2f} s, one sector {st['one_sector'] * 1000:.0f} ms")
    if "current_frames" in st:
        print(f"current_frames: {st['current_frames']:.1f} s ({st['current_frames'] / st['all']:.0f}x the columnar read); "
              f"same frames: {st['same']}")
    failed = (pl and not pl["same"]) or (dd and not dd["same"]) or ("same" in st and not st["same"])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
