"""Browser sessions on the home page: one alone, then ten at once, in Debian's Chromium against a real server.

What is measured, per tab: from the tab's navigation start to "the app is idle
with the map painted" (the browser tests' definitions, tests/browser/conftest.py:
a title shown, no script running, nothing stale, no skeleton, then the map
library's `idle` event after a repaint), read in the page itself
(`performance.now()` when a watcher installed before the page's own scripts sees
it), so ten tabs are timed independently of the order they are checked in.

The server is `streamlit run dashboard.py` through `timed_server.py`, which logs
each script run's wall and CPU time (the script thread's own) by session: ten
Chromium tabs share the machine's cores with the server, so a tab's time mixes
the server's work, the waiting for a core and the browser's own drawing; the
server's CPU time per session says whether results are shared across sessions
(it should stay flat from one session to ten) or recomputed per session.

Phases: the first visit of a fresh server (caches empty), one tab alone (warm),
ten tabs at once (each in its own browser context: its own Streamlit session),
one tab alone again.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, IDLE_JS  # noqa: E402  the tests' own definitions

# Installed in every tab before the page's scripts: records when the home page is first idle with a title
# (__gpoIdleMs: the server's runs are done and the elements drawn), then idle with its map painted (__gpoReadyMs).
READY_WATCH_JS = """(() => {
  const idle = %s;
  const paintedMap = () => {
    for (const plot of document.querySelectorAll('.js-plotly-plot')) {
      const sub = plot._fullLayout && plot._fullLayout.map && plot._fullLayout.map._subplot;
      if (!sub || !sub.map) continue;
      const style = sub.map.getStyle();
      const traced = style.layers.some(layer => layer.id.startsWith('plotly-trace-layer'));
      const sourced = Object.keys(style.sources).every(id => sub.map.isSourceLoaded(id));
      if (traced && sourced && sub.map.loaded()) return sub.map;
    }
    return null;
  };
  let waiting = false;
  const watch = setInterval(() => {
    if (waiting || document.querySelector('h1') === null || !idle()) return;
    if (window.__gpoIdleMs === undefined) window.__gpoIdleMs = performance.now();
    const map = paintedMap();
    if (!map) return;
    waiting = true;
    map.once('idle', () => {
      waiting = false;
      if (idle()) { window.__gpoReadyMs = performance.now(); clearInterval(watch); }
    });
    map.triggerRepaint();
  }, 20);
})();""" % IDLE_JS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TimedServer:
    """`streamlit run dashboard.py` on a free port, its script runs logged (see timed_server.py)."""

    def __init__(self, env: dict[str, str], folder: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.run_log = folder / "runs.jsonl"
        self.output = (folder / "server.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("timed_server.py")), "run", "dashboard.py",
             "--server.port", str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env={**os.environ, **env, "GPO_BENCH_RUN_LOG": str(self.run_log)},
            stdout=self.output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(self.base + "/_stcore/health", timeout=2).status == 200:
                    return
            except OSError:
                time.sleep(0.3)  # between two health probes
        self.stop()
        raise RuntimeError("le serveur Streamlit n'a pas répondu en 120 s")

    def runs_between(self, start: float, end: float) -> dict[str, dict[str, float]]:
        """Per session: script runs, their wall and CPU seconds, for runs started in [start, end]."""
        sessions: dict[str, dict[str, float]] = {}
        if not self.run_log.exists():
            return sessions
        for line in self.run_log.read_text(encoding="utf-8").splitlines():
            run = json.loads(line)
            if start <= run["start"] <= end:
                total = sessions.setdefault(run["session"], {"runs": 0, "wall_s": 0.0, "cpu_s": 0.0})
                total["runs"] += 1
                total["wall_s"] += run["wall_s"]
                total["cpu_s"] += run["cpu_s"]
        return sessions

    def incidents(self) -> list[str]:
        self.output.flush()
        text = Path(self.output.name).read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines() if "Incident n°" in line or "Traceback" in line]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.output.close()


def _cpu_seconds(pids: set[int]) -> float:
    """User + system CPU seconds so far of these processes (all their threads); gone ones count 0."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / os.sysconf("SC_CLK_TCK")


def _descendants(root: int) -> set[int]:
    """Every process under `root` (this benchmark's playwright driver and Chromium's processes, the server's)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _open_tabs(browser, base: str, server_pid: int, count: int, timeout_ms: float):
    """Open `count` tabs on the home page at once: each one's ms to idle and to ready, the phase's start and end,
    and the CPU seconds the browser's processes and the server's process spent meanwhile."""
    contexts = [browser.new_context(viewport={"width": 1920, "height": 1080}) for _ in range(count)]
    pages = []
    for context in contexts:
        context.add_init_script(READY_WATCH_JS)
        pages.append(context.new_page())
    server = {server_pid} | _descendants(server_pid)
    browser_pids = _descendants(os.getpid()) - server
    cpu_before = _cpu_seconds(browser_pids), _cpu_seconds(server)
    start = time.time()
    for page in pages:
        page.goto(base + "/", wait_until="commit", timeout=timeout_ms)
    idle, ready = [], []
    for page in pages:
        page.wait_for_function("() => window.__gpoReadyMs !== undefined", timeout=timeout_ms, polling=100)
        idle.append(page.evaluate("window.__gpoIdleMs"))
        ready.append(page.evaluate("window.__gpoReadyMs"))
    end = time.time()
    browser_pids = _descendants(os.getpid()) - server
    cpu = {"browser_cpu_s": _cpu_seconds(browser_pids) - cpu_before[0], "server_cpu_s": _cpu_seconds(server) - cpu_before[1]}
    for context in contexts:
        context.close()
    return idle, ready, start, end, cpu


def _server_summary(sessions: dict[str, dict[str, float]]) -> dict:
    walls = sorted(s["wall_s"] for s in sessions.values())
    cpus = sorted(s["cpu_s"] for s in sessions.values())
    return {"sessions": len(sessions), "runs": sum(int(s["runs"]) for s in sessions.values()),
            "wall_s": walls, "cpu_s": cpus}


def measure(env: dict[str, str], count: int = 10, timeout_s: float = 600) -> dict:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="gpo_sessions_"))
    server = TimedServer(env, folder)
    phases: dict[str, dict] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for name, tabs in (("first", 1), ("alone", 1), ("together", count), ("alone_again", 1)):
                    idle, ready, start, end, cpu = _open_tabs(browser, server.base, server.process.pid, tabs,
                                                              timeout_s * 1000)
                    phases[name] = {"tabs_ms": ready, "tabs_idle_ms": idle, "phase_s": end - start, **cpu,
                                    "server": _server_summary(server.runs_between(start, end))}
            finally:
                browser.close()
        incidents = server.incidents()
    finally:
        server.stop()
    alone = phases["alone"]["tabs_ms"][0]
    together = phases["together"]["tabs_ms"]
    return {"tabs": count, "phases": phases, "alone_ms": alone, "together_median_ms": statistics.median(together),
            "together_max_ms": max(together), "worst_ratio": max(together) / alone, "incidents": incidents,
            "load_average": os.getloadavg()}


def main() -> None:
    """python benchmarks/scale_sessions.py [--tabs 10]: on the store named by GPO_DATABASE_URL / GPO_REFERENCE_DIR."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tabs", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    env = {k: os.environ[k] for k in ("GPO_DATABASE_URL", "GPO_REFERENCE_DIR") if k in os.environ}
    print(json.dumps(measure(env, args.tabs, args.timeout)))


if __name__ == "__main__":
    main()
