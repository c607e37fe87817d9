"""The indicator engine's figures computed by polars (all of them) and DuckDB (problems and actions), for the benchmark.

Written from the definitions of `domain.indicators` (the same as the engine's),
in each library's own idiom: polars lazy expressions grouped by sector, DuckDB
SQL over the Arrow tables in process (no extension, nothing downloaded). The
benchmark checks that they give the engine's figures, then compares times.
Never imported by the app; polars and DuckDB are development dependencies.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from domain.indicators.meetings import CADENCE_DAYS, LATE_MARGIN_DAYS, WINDOW_MONTHS, months_before
from domain.indicators.problems import SMALL_SAMPLE
from domain.vocabulary import OPEN_ACTION_STATUSES, OPEN_PROBLEM_STATUSES

FORTNIGHT = 15


def sectors_input(reference, sector_ids: list[str], last_imports: dict) -> pd.DataFrame:
    """What every engine gets from the reference, one row per sector: cadence, constitution date, population…"""
    rows = []
    for position, sector_id in enumerate(sector_ids):
        sector = reference.sectors[sector_id]
        moment = last_imports.get(sector_id)
        rows.append({
            "position": position, "sector_id": sector_id, "cadence": sector.cadence, "constituted_on": sector.constituted_on,
            "population": sum(reference.communes[c].population for c in sector.communes if c in reference.communes),
            "last_import": moment.date() if isinstance(moment, dt.datetime) else moment,
        })
    frame = pd.DataFrame(rows)
    frame["constituted_on"] = pd.to_datetime(frame["constituted_on"]).astype("datetime64[us]")
    frame["last_import"] = pd.to_datetime(frame["last_import"]).astype("datetime64[us]")
    return frame


def polars_frames(frames: dict[str, pd.DataFrame], sectors: pd.DataFrame) -> dict:
    import polars as pl

    out = {key: pl.from_pandas(frame) for key, frame in frames.items()}
    out["sectors"] = pl.from_pandas(sectors)
    return out


def polars_table(data: dict, as_of: dt.date, period_start: dt.date, window_months: int = WINDOW_MONTHS):
    """One row per sector, the engine's figures (same names), and the elapsed periods with `met`."""
    import polars as pl

    col, lit, when = pl.col, pl.lit, pl.when
    today, start = lit(as_of), lit(period_start)
    window_start = months_before(as_of, window_months)
    fortnights = (as_of - window_start).days // FORTNIGHT
    base = as_of - dt.timedelta(days=FORTNIGHT * fortnights)
    month = lambda e: e.dt.year().cast(pl.Int64) * 12 + e.dt.month().cast(pl.Int64)  # noqa: E731
    days_from_base = lambda e: (e - lit(base)).dt.total_days()  # noqa: E731
    sectors = data["sectors"].lazy().with_columns(col("constituted_on").dt.date(), col("last_import").dt.date())
    ids = data["sectors"]["sector_id"]

    p = (data["problems"].lazy().filter(col("sector_id").is_in(ids))
         .select("sector_id", col("reported_on").dt.date().alias("rep"), col("resolved_on").dt.date().alias("res"),
                 col("due_on").dt.date().alias("due"), col("status").is_in(OPEN_PROBLEM_STATUSES).alias("still_open"),
                 (col("status") == "resolved").alias("resolved_status"))
         .with_columns(((col("rep") <= today) & (col("still_open") | (col("res") > today))).fill_null(False).alias("open_now"),
                       (col("resolved_status") & (col("res") >= start) & (col("res") <= today)).fill_null(False).alias("resolved"))
         .with_columns((col("open_now") & (col("due") < today)).fill_null(False).alias("overdue"),
                       ((col("rep") <= today) & (col("still_open") | (~col("still_open") & (col("res") >= start))
                                                 | (~col("still_open") & col("res").is_null() & (col("rep") >= start))))
                       .fill_null(False).alias("during"),
                       (col("res") - col("rep")).dt.total_days().alias("days"))
         .group_by("sector_id")
         .agg(col("open_now").sum().alias("open_problems"), col("overdue").sum().alias("overdue_problems"),
              col("resolved").sum().alias("resolved"), col("during").sum().alias("open_during"),
              col("days").filter(col("resolved") & col("rep").is_not_null()).median().alias("median_days")))
    a = (data["actions"].lazy().filter(col("sector_id").is_in(ids))
         .group_by("sector_id")
         .agg((col("status").is_in(OPEN_ACTION_STATUSES) & (col("due_on").dt.date() < today)).fill_null(False).sum()
              .alias("overdue_actions")))

    m = (data["meetings"].lazy().filter(col("sector_id").is_in(ids) & col("meeting_date").is_not_null())
         .select("sector_id", col("meeting_date").dt.date().alias("d"), (col("status") == "held").fill_null(False).alias("held"),
                 (col("status") == "planned").fill_null(False).alias("planned"),
                 (col("kind") == "constitutive").fill_null(False).alias("constitutive"),
                 (col("mayor_present").fill_null(False) & col("municipal_police_present").fill_null(False)
                  & col("national_police_present").fill_null(False)).alias("socle"))
         .with_columns((col("held") & (col("d") <= today)).alias("by_now")))
    per_sector = m.group_by("sector_id").agg(
        col("by_now").sum().alias("held_count"), col("d").filter(col("by_now")).max().alias("last_held"),
        col("d").filter(col("by_now")).min().alias("first_held"),
        col("d").filter(col("by_now") & col("constitutive")).min().alias("first_constitutive"),
        col("d").filter((col("planned") & (col("d") >= today)) | (col("held") & (col("d") > today))).min().alias("next_planned"))
    monthly = col("cadence") == "monthly"
    state = (sectors.join(per_sector, on="sector_id", how="left")
             .with_columns(col("held_count").fill_null(0),
                           (col("constituted_on").is_not_null() & (col("constituted_on") <= today)).fill_null(False).alias("by_ref"))
             .with_columns((col("by_ref") | (col("held_count") > 0)).alias("constituted"))
             .with_columns((~col("constituted") & col("next_planned").is_not_null()).alias("scheduled"))
             .with_columns(when(col("by_ref")).then(col("constituted_on"))
                           .when(col("constituted")).then(pl.coalesce("first_constitutive", "first_held"))
                           .when(col("scheduled")).then(col("next_planned")).alias("on"))
             .with_columns(when(col("constituted")).then(lit("constituted")).when(col("scheduled")).then(lit("scheduled"))
                           .otherwise(lit("not_yet")).alias("constitution"),
                           when(col("constituted")).then(pl.max_horizontal(lit(window_start), col("on"))).alias("start"),
                           when(monthly).then(pl.max_horizontal(lit(month_of(window_start)), month(col("on"))))
                           .otherwise(pl.max_horizontal(lit(0), -((lit(FORTNIGHT - 1) - days_from_base(col("on"))) // FORTNIGHT)))
                           .alias("lo"),
                           when(monthly).then(lit(month_of(as_of) - 1)).otherwise(lit(fortnights - 1)).alias("hi"))
             .with_columns(when(col("constituted")).then(pl.max_horizontal(lit(0), col("hi") - col("lo") + 1)).otherwise(0)
                           .alias("periods")))
    held = (m.filter(col("by_now"))
            .join(state.select("sector_id", "constituted", "start", "lo", "hi", "cadence"), on="sector_id")
            .filter(col("constituted"))
            .with_columns(when(monthly).then(month(col("d"))).otherwise(days_from_base(col("d")) // FORTNIGHT).alias("number"),
                          (col("d") >= col("start")).alias("in_window"))
            .sort("sector_id", "d")
            .with_columns(col("d").shift(1).over("sector_id").alias("previous"))
            .with_columns((col("d") - pl.coalesce("previous", "start")).dt.total_days().alias("gap"),
                          col("number").is_between(col("lo"), col("hi")).alias("meets")))
    met = held.group_by("sector_id").agg(
        col("number").filter(col("meets")).n_unique().alias("periods_met"),
        col("gap").filter(col("in_window")).max().alias("longest_inside"),
        col("in_window").sum().alias("held_in_window"), (col("in_window") & col("socle")).sum().alias("socle_full"))
    cadence_days = when(monthly).then(lit(CADENCE_DAYS["monthly"])).otherwise(lit(CADENCE_DAYS["fortnightly"]))
    table = (state.join(p, on="sector_id", how="left").join(a, on="sector_id", how="left")
             .join(met, on="sector_id", how="left")
             .with_columns(pl.col("open_problems", "overdue_problems", "resolved", "open_during", "overdue_actions",
                                  "periods_met", "held_in_window", "socle_full").fill_null(0))
             .with_columns(
                 when(col("population") > 0).then(1000 * col("open_problems") / col("population")).alias("open_per_1000"),
                 when(col("population") > 0).then(1000 * col("overdue_actions") / col("population")).alias("overdue_per_1000"),
                 (col("resolved") / col("open_during")).alias("resolution_rate"),
                 (col("open_during") < SMALL_SAMPLE).alias("small_sample"),
                 (col("periods_met") / col("periods")).alias("compliance"),
                 (col("periods") < SMALL_SAMPLE).alias("cadence_small_sample"),
                 (today - col("last_held")).dt.total_days().alias("days_since_last"),
                 when(col("constituted")).then(pl.max_horizontal(
                     "longest_inside", (today - pl.coalesce("last_held", "start")).dt.total_days())).alias("longest_gap"),
                 when(col("constituted")).then((today - pl.coalesce("last_held", "on")).dt.total_days()
                                               > cadence_days + LATE_MARGIN_DAYS).alias("late"),
                 (col("socle_full") / col("held_in_window")).alias("socle_share"),
                 (col("periods") - col("periods_met")).alias("missed_periods"),
                 (col("last_import").is_null() | ((today - col("last_import")).dt.total_days() > cadence_days)).alias("stale"),
                 when(col("constituted") | col("scheduled")).then(col("on")).alias("constituted_on"))
             .sort("position"))
    periods = (state.filter(col("periods") > 0).select("sector_id", "cadence", "position", pl.int_ranges("lo", col("hi") + 1).alias("number"))
               .explode("number")
               .join(held.filter(col("meets")).select("sector_id", "number").unique().with_columns(lit(True).alias("met")),
                     on=["sector_id", "number"], how="left")
               .with_columns(col("met").fill_null(False))
               .sort("position", "number"))
    return pl.collect_all([table, periods])


def month_of(day: dt.date) -> int:
    return day.year * 12 + day.month


def polars_headline(table, resolution_days) -> dict:
    """Totals of the table; median and 80th percentile of the resolution times of all sectors together."""
    import polars as pl

    sums = table.select(pl.col("open_problems", "overdue_problems", "resolved", "open_during", "overdue_actions").sum(),
                        pl.col("late").fill_null(False).sum().alias("late_gpo"),
                        (pl.col("constitution") == "constituted").sum().alias("constituted_gpo"),
                        pl.col("stale").sum().alias("stale_sectors")).row(0, named=True)
    days = resolution_days.select(pl.col("days").median().alias("median"),
                                  pl.col("days").quantile(0.8, "linear").alias("p80")).row(0, named=True)
    return {**sums, "median_days": days["median"], "p80_days": days["p80"]}


def polars_resolution_days(data: dict, as_of: dt.date, period_start: dt.date):
    import polars as pl

    col = pl.col
    ids = data["sectors"]["sector_id"]
    return (data["problems"].lazy().filter(col("sector_id").is_in(ids) & (col("status") == "resolved")
                                           & col("resolved_on").dt.date().is_between(period_start, as_of)
                                           & col("reported_on").is_not_null())
            .select((col("resolved_on") - col("reported_on")).dt.total_days().alias("days")).collect())


def duckdb_connection(frames: dict[str, pd.DataFrame], sector_ids: list[str]):
    """An in-process DuckDB with the problems, actions and sectors registered as Arrow tables."""
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    con.register("problems", pa.Table.from_pandas(frames["problems"][["sector_id", "reported_on", "resolved_on", "due_on", "status"]],
                                                  preserve_index=False))
    con.register("actions", pa.Table.from_pandas(frames["actions"][["sector_id", "due_on", "status"]], preserve_index=False))
    con.register("sectors", pa.table({"sector_id": sector_ids, "position": list(range(len(sector_ids)))}))
    return con


def duckdb_counts(con, as_of: dt.date, period_start: dt.date) -> pd.DataFrame:
    """Per sector: open, overdue, resolved in the period, open during it, median days; overdue actions (SQL)."""
    open_p = ", ".join(f"'{s}'" for s in OPEN_PROBLEM_STATUSES)
    open_a = ", ".join(f"'{s}'" for s in OPEN_ACTION_STATUSES)
    sql = f"""
    WITH p AS (
      SELECT sector_id, CAST(reported_on AS DATE) AS rep, CAST(resolved_on AS DATE) AS res, CAST(due_on AS DATE) AS due,
             status IN ({open_p}) AS still_open, status = 'resolved' AS resolved_status
      FROM problems WHERE sector_id IN (SELECT sector_id FROM sectors)),
    q AS (
      SELECT sector_id, rep, res, due,
             coalesce(rep <= $as_of AND (still_open OR res > $as_of), false) AS open_now,
             coalesce(resolved_status AND res BETWEEN $start AND $as_of, false) AS resolved,
             coalesce(rep <= $as_of AND (still_open OR (NOT still_open AND res >= $start)
                                          OR (NOT still_open AND res IS NULL AND rep >= $start)), false) AS during
      FROM p),
    pc AS (
      SELECT sector_id, sum(open_now::INT) AS open_problems, sum(coalesce(open_now AND due < $as_of, false)::INT) AS overdue_problems,
             sum(resolved::INT) AS resolved, sum(during::INT) AS open_during,
             median(CASE WHEN resolved AND rep IS NOT NULL THEN date_diff('day', rep, res) END) AS median_days
      FROM q GROUP BY sector_id),
    ac AS (
      SELECT sector_id, sum(coalesce(status IN ({open_a}) AND CAST(due_on AS DATE) < $as_of, false)::INT) AS overdue_actions
      FROM actions WHERE sector_id IN (SELECT sector_id FROM sectors) GROUP BY sector_id)
    SELECT s.sector_id, coalesce(open_problems, 0) AS open_problems, coalesce(overdue_problems, 0) AS overdue_problems,
           coalesce(resolved, 0) AS resolved, coalesce(open_during, 0) AS open_during, median_days,
           coalesce(overdue_actions, 0) AS overdue_actions
    FROM sectors s LEFT JOIN pc USING (sector_id) LEFT JOIN ac USING (sector_id) ORDER BY s.position
    """
    return con.execute(sql, {"as_of": as_of, "start": period_start}).df()
