"""Time each page's run, warm, on the sample data and on a synthetic département three times larger.

    python benchmarks/bench_pages.py [--repeat 5]

For each data set a temporary store is filled (the 17 sample trackers; then the
same trackers with three times the problems and actions), each page is run
through Streamlit's AppTest once to warm the caches, then `--repeat` times; the
median warm run is printed, with its ratio to a baseline page that only writes
a title, run the same way in the same process. The aim is under 0.3 s a page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ["pages/vue_departementale.py", "pages/problemes.py", "pages/reunions.py", "pages/actions_en_retard.py",
         "pages/fiche_secteur.py", "pages/etat_des_donnees.py", "pages/import_history.py", "pages/import_trackers.py"]


def tripled_store(url: str) -> None:
    """A store where every sector has three times the problems and actions of its sample tracker."""
    import pandas as pd

    from domain.reference import default_reference
    from loaders import load
    from loaders.tracker_export import filled_tracker_bytes
    from store.database import open_store
    from store.imports import Uploader, commit_import, plan_import

    reference = default_reference()
    engine = open_store(url)
    who = Uploader("Banc d'essai")
    for path in sorted((ROOT / "sample_data").iterdir()):
        for result in load(path):
            frames = dict(result.frames)
            for key, ref in (("problems", "problem_id"), ("actions", "action_id")):
                copies = [frames[key]]
                for n in (2, 3):
                    copy = frames[key].copy()
                    copy[ref] = copy[ref] + f"-{n}"
                    if key == "actions":
                        copy["problem_id"] = copy["problem_id"] + f"-{n}"
                    copies.append(copy)
                frames[key] = pd.concat(copies, ignore_index=True)
            data = filled_tracker_bytes(frames, sector=reference.sectors[result.sector_id], reference=reference)
            tripled = load(data, filename=f"x3_{path.stem}.xlsx")[0]
            commit_import(engine, plan_import(engine, tripled, data, who), data, who)


def time_pages(url: str, repeat: int) -> dict[str, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["GPO_DATABASE_URL"] = url
    st.cache_resource.clear()
    st.cache_data.clear()
    timings = {}
    baseline_script = Path(tempfile.mkdtemp()) / "baseline.py"
    baseline_script.write_text('import streamlit as st\nst.title("Base")\n', encoding="utf-8")
    baseline = AppTest.from_file(str(baseline_script), default_timeout=120)
    baseline.run()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        baseline.run()
        runs.append(time.perf_counter() - started)
    timings["(page de base)"] = statistics.median(runs)
    for page in PAGES:
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        if page == "pages/fiche_secteur.py":
            app.query_params["secteur"] = "forbach"  # the page shows one sector
        app.run()
        app.switch_page(page).run()  # warm: caches filled
        assert not app.exception, (page, app.exception)
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            app.run()
            runs.append(time.perf_counter() - started)
        timings[page] = statistics.median(runs)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    sample_url = f"sqlite:///{folder / 'sample.sqlite'}"
    large_url = f"sqlite:///{folder / 'x3.sqlite'}"
    tripled_store(large_url)
    sample = time_pages(sample_url, args.repeat)  # the app seeds this empty store with the sample trackers
    large = time_pages(large_url, args.repeat)
    base_s, base_l = sample["(page de base)"], large["(page de base)"]
    print(f"{'page':34} {'échantillon':>12} {'x base':>7} {'x3':>9} {'x base':>7}")
    for page in sample:
        print(f"{page:34} {sample[page]:>10.3f} s {sample[page] / base_s:>6.1f}x {large[page]:>7.3f} s {large[page] / base_l:>6.1f}x")
    worst = max(v for k, v in large.items() if k != "(page de base)")
    print(f"slowest warm page on the x3 département: {worst:.3f} s (aim: under 0.3 s)")


if __name__ == "__main__":
    main()
