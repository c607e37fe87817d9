"""The indicators' computation against polars and DuckDB on the same data: the benchmark's "engine ratio" line.

    python benchmarks/scale_engine.py        # store named by GPO_DATABASE_URL / GPO_REFERENCE_DIR; prints one JSON line

The frames are the app's own (`store.columnar.current_columns`: the sectors'
current imports, read into Arrow-backed frames as the pages read them), read once (that read is timed too) and handed to polars and
DuckDB as Arrow tables, so every side computes on the same rows in memory. The
figures compared are the home page's headline ones for every sector of the
reference: open problems, overdue problems, overdue actions, GPO late on their
cadence, at the store's reference date (the newest `as_of` of its imports);
polars and DuckDB compute them per sector in one grouped pass. Each side is
timed as the median of several runs after one untimed run (fewer runs when one
takes seconds).

The project's side is `domain.indicators.engine.sector_figures` (every sector's
figures in one grouped pass) and its headline, as the home page calls them.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LATE_MARGIN_DAYS = 7  # domain/indicators/meetings.py: late = more than cadence + 7 days since the last held meeting
CADENCE_DAYS = {"monthly": 31, "fortnightly": 15}
FIGURES = ("open_problems", "overdue_problems", "overdue_actions", "late_gpo")


def timed(function, budget_s: float = 20.0, most: int = 5) -> tuple[float, object]:
    """Median seconds of up to `most` runs after a first untimed one (fewer when the budget is spent); last result."""
    started = time.perf_counter()
    result = function()
    first = time.perf_counter() - started
    runs = []
    while len(runs) < most and first * (len(runs) + 1) < budget_s:
        started = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - started)
    return (statistics.median(runs) if runs else first), result


def sectors_table(reference):
    import pyarrow as pa

    sectors = list(reference.sectors.values())
    return pa.table({
        "sector_id": [s.sector_id for s in sectors],
        "cadence_days": [CADENCE_DAYS[s.cadence] for s in sectors],
        "constituted_on": pa.array([dt.datetime.combine(s.constituted_on, dt.time()) if s.constituted_on else None
                                    for s in sectors], pa.timestamp("us")),
    })


def polars_figures(tables: dict, as_of: dt.date) -> dict:
    import polars as pl

    from domain.vocabulary import OPEN_ACTION_STATUSES, OPEN_PROBLEM_STATUSES

    day = pl.lit(dt.datetime.combine(as_of, dt.time())).cast(pl.Datetime("us"))
    problems, actions, meetings, sectors = (tables[k] for k in ("problems", "actions", "meetings", "sectors"))
    is_open = (pl.col("reported_on") <= day) & (pl.col("status").is_in(list(OPEN_PROBLEM_STATUSES))
                                                | (pl.col("resolved_on").is_not_null() & (pl.col("resolved_on") > day)))
    by_problem = problems.lazy().group_by("sector_id").agg(
        open_problems=is_open.sum(), overdue_problems=(is_open & (pl.col("due_on") < day)).sum())
    by_action = actions.lazy().filter(pl.col("status").is_in(list(OPEN_ACTION_STATUSES)) & (pl.col("due_on") < day)) \
        .group_by("sector_id").agg(overdue_actions=pl.len())
    last_held = meetings.lazy().filter((pl.col("status") == "held") & (pl.col("meeting_date") <= day)) \
        .group_by("sector_id").agg(last_held=pl.col("meeting_date").max())
    constituted = (pl.col("constituted_on") <= day) | pl.col("last_held").is_not_null()
    since = (day - pl.coalesce("last_held", "constituted_on")).dt.total_days()
    per_sector = sectors.lazy().join(last_held, on="sector_id", how="left") \
        .join(by_problem, on="sector_id", how="left").join(by_action, on="sector_id", how="left") \
        .select("sector_id", pl.col("open_problems").fill_null(0), pl.col("overdue_problems").fill_null(0),
                pl.col("overdue_actions").fill_null(0),
                late_gpo=(constituted & (since > pl.col("cadence_days") + LATE_MARGIN_DAYS)).fill_null(False)) \
        .collect()
    return _totals({row["sector_id"]: row for row in per_sector.iter_rows(named=True)})


DUCKDB_QUERY = """
WITH by_problem AS (
    SELECT sector_id,
           count(*) FILTER (WHERE open) AS open_problems,
           count(*) FILTER (WHERE open AND due_on < $day) AS overdue_problems
    FROM (SELECT sector_id, due_on,
                 reported_on <= $day AND (status IN ('open', 'in_progress')
                                          OR (resolved_on IS NOT NULL AND resolved_on > $day)) AS open
          FROM problems)
    GROUP BY sector_id),
by_action AS (
    SELECT sector_id, count(*) AS overdue_actions FROM actions
    WHERE status IN ('todo', 'in_progress') AND due_on < $day GROUP BY sector_id),
last_held AS (
    SELECT sector_id, max(meeting_date) AS last_held FROM meetings
    WHERE status = 'held' AND meeting_date <= $day GROUP BY sector_id)
SELECT s.sector_id,
       coalesce(p.open_problems, 0), coalesce(p.overdue_problems, 0), coalesce(a.overdue_actions, 0),
       coalesce((s.constituted_on <= $day OR l.last_held IS NOT NULL)
                AND date_diff('day', coalesce(l.last_held, s.constituted_on), $day) > s.cadence_days + $margin, false)
FROM sectors s LEFT JOIN last_held l USING (sector_id) LEFT JOIN by_problem p USING (sector_id)
     LEFT JOIN by_action a USING (sector_id)
"""


def duckdb_figures(connection, as_of: dt.date) -> dict:
    rows = connection.execute(DUCKDB_QUERY, {"day": dt.datetime.combine(as_of, dt.time()),
                                             "margin": LATE_MARGIN_DAYS}).fetchall()
    return _totals({row[0]: dict(zip(("sector_id", *FIGURES), row)) for row in rows})


def _totals(per_sector: dict[str, dict]) -> dict:
    totals = {figure: int(sum(row[figure] for row in per_sector.values())) for figure in FIGURES}
    totals["overdue_actions_by_sector"] = {s: int(row["overdue_actions"]) for s, row in sorted(per_sector.items())
                                           if row["overdue_actions"]}
    return totals


def engine_side(frames, reference, as_of: dt.date, period_start: dt.date, last_imports) -> tuple[str, object]:
    """(label, function returning the figures) for the project's indicator computation over every sector: the
    engine the pages call (`domain.indicators.engine.sector_figures`, then its headline and per-sector table)."""
    from domain.indicators.engine import sector_figures

    sector_ids = list(reference.sectors)

    def project():
        figures = sector_figures(frames, reference, sector_ids, as_of, period_start, last_imports)
        top = figures.headline()
        return {"open_problems": top.open_problems, "overdue_problems": top.overdue_problems,
                "overdue_actions": top.overdue_actions, "late_gpo": top.late_gpo}

    return "domain.indicators.engine.sector_figures", project


def measure() -> dict:
    import pyarrow as pa
    import sqlalchemy as sa

    from domain.filters import Filters
    from domain.reference import default_reference
    from store import tables as store_tables
    from store.database import open_store
    from store.columnar import current_columns
    from store.queries import freshness

    reference = default_reference()
    engine = open_store()
    with engine.connect() as conn:
        as_of = conn.execute(sa.select(sa.func.max(store_tables.imports.c.as_of))).scalar()
    period_start = Filters(None, None, as_of).period_start
    started = time.perf_counter()
    frames = current_columns(engine)
    read_s = time.perf_counter() - started
    last_imports = freshness(engine)
    out: dict = {"as_of": as_of.isoformat(), "rows": {k: len(f) for k, f in frames.items()}, "store_read_s": read_s}
    arrow = {key: pa.Table.from_pandas(frame, preserve_index=False) for key, frame in frames.items()}
    arrow["sectors"] = sectors_table(reference)
    label, project = engine_side(frames, reference, as_of, period_start, last_imports)
    out["project_label"] = label
    out["project_s"], project_figures = timed(project)
    out["project_figures"] = project_figures
    try:
        import polars as pl

        polars_tables = {key: pl.from_arrow(table) for key, table in arrow.items()}
        out["polars_s"], figures = timed(lambda: polars_figures(polars_tables, as_of))
        out["polars_figures"] = figures
        out["polars_version"] = pl.__version__
    except ImportError:
        out["polars_s"] = None
    try:
        import duckdb

        connection = duckdb.connect()
        for key, table in arrow.items():
            connection.register(key, table)
        out["duckdb_s"], figures = timed(lambda: duckdb_figures(connection, as_of))
        out["duckdb_figures"] = figures
        out["duckdb_version"] = duckdb.__version__
    except ImportError:
        out["duckdb_s"] = None
    compared = [out[k] for k in ("polars_figures", "duckdb_figures") if k in out]
    out["same_figures"] = all({f: c[f] for f in FIGURES} == {f: project_figures[f] for f in FIGURES} for c in compared) \
        and all(c["overdue_actions_by_sector"] == compared[0]["overdue_actions_by_sector"] for c in compared)
    return out


if __name__ == "__main__":
    print(json.dumps(measure(), default=str))
