"""Build time and JSON size of the map and the meetings timeline at 17, 170 and 2,000 synthetic sectors.

    python benchmarks/bench_figures.py [--repeat 3] [--scales 17,170,2000]

The synthetic reference clones the 17 Moselle sectors (same communes) and their CSPs
(`tests/synthetic_reference.py`); the per-sector figures and meetings are generated, not imported: this measures the
figure builders alone. "first" is the first build in the process (commune shapes and outlines computed and cached),
"warm" the median of the next `--repeat` builds; "json" is the size of `fig.to_json()`, what Streamlit sends.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

AS_OF = dt.date(2026, 11, 25)
WINDOW_START = dt.date(2026, 5, 25)


def timed(build, repeat):
    start = time.perf_counter()
    fig = build()
    first = time.perf_counter() - start
    warm = []
    for _ in range(repeat):
        start = time.perf_counter()
        fig = build()
        warm.append(time.perf_counter() - start)
    start = time.perf_counter()
    text = fig.to_json()
    to_json = time.perf_counter() - start
    return first, statistics.median(warm) if warm else first, to_json, len(text.encode("utf-8")), fig


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scales", default="17,170,2000")
    args = parser.parse_args()

    from charts import departement_map as map_module
    from charts.meetings_charts import meetings_timeline
    from domain.reference import default_reference
    from report_tables import sector_ranking
    from synthetic_reference import cloned_reference, synthetic_meetings, synthetic_metrics

    new_api = "csp_values" in inspect.signature(map_module.departement_map).parameters
    print(f"{'sectors':>8} {'figure':>9} {'first s':>8} {'warm s':>8} {'to_json s':>9} {'json bytes':>11}  notes")
    for n in (int(s) for s in args.scales.split(",")):
        reference = cloned_reference(default_reference(), n)
        metrics = synthetic_metrics(reference)
        metric = "overdue_actions"
        label = sector_ranking.MAP_METRICS[metric][0]
        by_sector = not new_api or map_module.map_level(len(metrics)) == "sector"

        def build_map():
            """What the home page does: the map's inputs from the metrics, then the figure."""
            extra = {} if by_sector else {"csp_values": sector_ranking.csp_map_values(metrics, metric, reference)}
            return map_module.departement_map(sector_ranking.map_values(metrics, metric), metric_label=label,
                                          reference=reference,
                                          hover_lines=sector_ranking.hover_lines(metrics, metric) if by_sector else None,
                                          frame_width=1000, height=560, **extra)

        first, warm, to_json, size, fig = timed(build_map, args.repeat)
        points = sum(len(t.lon) for t in fig.data if t.type == "scattermap" and t.lon is not None)
        print(f"{n:>8} {'map':>9} {first:>8.2f} {warm:>8.2f} {to_json:>9.2f} {size:>11,}  outline points {points:,}")

        sector_ids = list(reference.sectors)
        meetings, summaries = synthetic_meetings(sector_ids)
        first, warm, to_json, size, fig = timed(
            lambda: meetings_timeline(meetings, summaries, reference, sector_ids, AS_OF, WINDOW_START), args.repeat)
        rows = len(fig.layout.yaxis.categoryarray or ())
        print(f"{n:>8} {'timeline':>9} {first:>8.2f} {warm:>8.2f} {to_json:>9.2f} {size:>11,}  "
              f"rows {rows}, annotations {len(fig.layout.annotations)}")


if __name__ == "__main__":
    main()
