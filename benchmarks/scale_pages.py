"""One page of the app measured in a fresh process: cold first run, warm runs, peak RSS, bytes sent to the browser.

    python benchmarks/scale_pages.py PAGE [--secteur forbach] [--repeat 5] [--admin]

Run by `bench_scale.py` once per page and scope, with GPO_DATABASE_URL and
GPO_REFERENCE_DIR naming a built store; prints one JSON line. In order:
- the libraries the app uses are imported first (not timed: a server has them
  loaded before its first visitor);
- a baseline page that writes only a title is run once, then `--repeat` times
  (its median is the noise yardstick: the same process, the same moments);
- the app (`dashboard.py`) is opened directly on PAGE, as a bookmarked link on
  a fresh server would be: that first run is the cold start (store opened,
  data read, every cache filled); with `--admin` (GPO_AUTH=local; the pages
  only an administrator sees), signed in as an administrator first, which
  opens the home page: the cold run is then the page's first run after it;
- then `--repeat` warm runs; their median, and the bytes of the last run's
  elements as protobuf (what the server sends: sidebar and page), of which the
  plotly figures' JSON and the tables' Arrow data (a lazily paged table sends
  its rows on demand: not counted);
- the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
ADMIN_LOGIN, ADMIN_PASSWORD = "banc.admin", "Banc-Essai-Echelle-57"
LIBRARIES = ("streamlit", "streamlit.testing.v1", "pandas", "numpy", "pyarrow", "plotly.graph_objects", "plotly.io",
             "sqlalchemy", "shapely", "openpyxl", "python_calamine", "reportlab", "argon2")


def page_files() -> list[str]:
    """Every page of the app, in menu order (the page registry, navigation.PAGES)."""
    from navigation import PAGES

    return [page.path for page in PAGES]


def _leaves(node):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _leaves(child)
    elif getattr(node, "proto", None) is not None:
        yield node


def sent_bytes(app) -> dict[str, int]:
    """Protobuf bytes of every element of the last run; plotly JSON and Arrow bytes among them."""
    total = plotly = arrow = 0
    for element in _leaves(app._tree):
        proto = element.proto
        total += proto.ByteSize()
        if getattr(element, "type", "") == "plotly_chart":
            plotly += len(proto.spec.encode())
        data = getattr(proto, "arrow_data", None)
        if data is not None:
            arrow += len(data.data)
    return {"elements_bytes": total, "plotly_bytes": plotly, "arrow_bytes": arrow}


def _timed_runs(app, repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        app.run()
        runs.append(time.perf_counter() - started)
    return runs


class _Incidents(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage()[:300])


def measure(page: str, sector: str | None, repeat: int, admin: bool, timeout: float) -> dict:
    import importlib

    for name in LIBRARIES:
        importlib.import_module(name)
    from streamlit.testing.v1 import AppTest

    rss_libraries = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    incidents = _Incidents()
    logging.getLogger("gpo.incidents").addHandler(incidents)
    baseline_script = Path(tempfile.mkdtemp()) / "page_de_base.py"
    baseline_script.write_text('import streamlit as st\nst.title("Base")\n', encoding="utf-8")
    baseline = AppTest.from_file(str(baseline_script), default_timeout=timeout).run()
    base_runs = _timed_runs(baseline, repeat)

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    if sector:
        app.query_params["secteur"] = sector
    if admin:  # signed in first (the login screen, then the home page), then the page
        app.run()
        app.text_input(key="login_name").input(ADMIN_LOGIN)
        app.text_input(key="login_password").input(ADMIN_PASSWORD)
        app.button[0].click().run()
    app.switch_page(page)  # before the first run (no --admin): the run opens this page, as a link to it would
    started = time.perf_counter()
    app.run()
    cold = time.perf_counter() - started
    title = app.title[0].value if app.title else ""
    warm = _timed_runs(app, repeat)
    return {
        "page": page, "sector": sector, "title": title, "cold_s": cold, "warm_s": warm,
        "warm_median_s": statistics.median(warm), "baseline_median_s": statistics.median(base_runs),
        **sent_bytes(app), "rss_peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "rss_libraries_bytes": rss_libraries, "exceptions": [str(e.value)[:300] for e in app.exception],
        "incidents": incidents.messages,
    }


def create_admin(url: str) -> None:
    """The administrator account the admin pages are measured with (in the run's copy of the store)."""
    from store.accounts import create_account
    from store.database import open_store

    engine = open_store(url)
    create_account(engine, ADMIN_LOGIN, "Banc d'essai", "admin", ADMIN_PASSWORD)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page")
    parser.add_argument("--secteur")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--admin", action="store_true")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    print(json.dumps(measure(args.page, args.secteur, args.repeat, args.admin, args.timeout)))


if __name__ == "__main__":
    main()
