"""Sessions on the home page: one alone, then ten at once, against a real server started as in production.

Two clients, because on this 2-core machine ten Chromium tabs drawing the map compete with the server for the same
cores (12 to 20 s of CPU per tab), which a user, whose browser runs on his own PC, never sees:

- **Streamlit's own protocol** (`protocol_visit`): what each browser asks of the server on a first visit, without
  the drawing: the page (`GET /`), then a websocket session on `/_stcore/stream` that asks for a run of the home
  page (a `rerun_script` BackMsg, as the browser sends it) and reads every ForwardMsg until the run's
  `script_finished`. Its time is the server's answer to that user: script run, elements serialised, sent.
  Measured alone (median of 5), then `count` at once, then alone again.
- **Debian's Chromium** (`_open_tabs`): one tab alone on a fresh server (caches empty), then one alone again, from
  navigation start to "the app is idle with the map painted" (the browser tests' definitions,
  tests/browser/conftest.py), read in the page itself. With `browser_together`, also `count` tabs at once, each
  in its own browser context (the figure that mixes the server with ten browsers on the same cores).

What a user sees when ten colleagues open the page at the same moment, each in his own browser, is then estimated
as: one tab alone + (slowest of the ten protocol sessions - the protocol session alone), i.e. the drawing of one
tab plus the extra wait the other sessions cause on the server; its ratio to one tab alone is the goal's figure.

The server is `streamlit run dashboard.py` with the production options of `python -m gpo_server`
(cli/serve.py: no file watcher, ...) through `timed_server.py`, which logs each script run's wall and CPU time
(the script thread's own) by session: the CPU time per session says whether results are shared across sessions
(it stays flat from one session to ten) or recomputed per session.
"""

from __future__ import annotations

import asyncio
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

from cli.serve import streamlit_options  # noqa: E402  the production server's options
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
    """`streamlit run dashboard.py` with the production options on a free port, its script runs logged
    (see timed_server.py)."""

    def __init__(self, env: dict[str, str], folder: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.run_log = folder / "runs.jsonl"
        self.output = (folder / "server.log").open("w")
        options = streamlit_options({"GPO_ADDRESS": "127.0.0.1", "GPO_PORT": str(self.port)})
        flags = [part for name, value in options.items() for part in (f"--{name}", value)]
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("timed_server.py")), "run", *flags, "dashboard.py"],
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


# --- Streamlit's protocol: the server's answer to each session, without a browser drawing it ---------------------
async def protocol_visit(base: str, timeout_s: float) -> dict:
    """One first visit of the home page as a browser makes it, without drawing: the page, then a websocket session
    asking for a run of the home page; ms until the run's `script_finished` arrived, messages and bytes received."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    started = time.perf_counter()
    await asyncio.to_thread(lambda: urllib.request.urlopen(base + "/", timeout=timeout_s).read())
    ask = BackMsg()
    ask.rerun_script.query_string = ""  # the home page, as a browser opening the address asks for it
    received = messages = 0
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout_s) as socket_:
        await socket_.send(ask.SerializeToString())
        while True:
            data = await asyncio.wait_for(socket_.recv(), timeout_s)
            received += len(data)
            messages += 1
            message = ForwardMsg()
            message.ParseFromString(data)
            if message.WhichOneof("type") == "script_finished":
                if message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    break
                if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise RuntimeError("la page d'accueil n'a pas pu s'exécuter")
    return {"ms": (time.perf_counter() - started) * 1e3, "messages": messages, "bytes": received}


async def _protocol_phases(base: str, count: int, timeout_s: float) -> dict:
    alone = [await protocol_visit(base, timeout_s) for _ in range(5)]
    started = time.time()
    together = await asyncio.gather(*(protocol_visit(base, timeout_s) for _ in range(count)))
    ended = time.time()
    again = [await protocol_visit(base, timeout_s) for _ in range(5)]
    return {"alone": alone, "together": list(together), "together_window": (started, ended), "alone_again": again}


def measure(env: dict[str, str], count: int = 10, timeout_s: float = 600, browser_together: bool = False) -> dict:
    """Chromium alone on a fresh server, then alone again; the protocol sessions alone, `count` at once, alone
    again; with `browser_together`, `count` Chromium tabs at once. Every figure, and the estimate of the module's
    docstring."""
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="gpo_sessions_"))
    server = TimedServer(env, folder)
    phases: dict[str, dict] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                tab_phases = [("first", 1), ("alone", 1)] + ([("together", count), ("alone_again", 1)]
                                                             if browser_together else [])
                for name, tabs in tab_phases:
                    idle, ready, start, end, cpu = _open_tabs(browser, server.base, server.process.pid, tabs,
                                                              timeout_s * 1000)
                    phases[name] = {"tabs_ms": ready, "tabs_idle_ms": idle, "phase_s": end - start, **cpu,
                                    "server": _server_summary(server.runs_between(start, end))}
            finally:
                browser.close()
        protocol = asyncio.run(_protocol_phases(server.base, count, timeout_s))
        protocol["server_together"] = _server_summary(server.runs_between(*protocol.pop("together_window")))
        incidents = server.incidents()
    finally:
        server.stop()
    tab_alone = phases["alone"]["tabs_ms"][0]
    alone_ms = statistics.median(v["ms"] for v in protocol["alone"])
    together_ms = [v["ms"] for v in protocol["together"]]
    estimate = tab_alone + max(together_ms) - alone_ms
    out = {"sessions": count, "phases": phases, "tab_alone_ms": tab_alone,
           "protocol": {"alone_ms": alone_ms, "together_median_ms": statistics.median(together_ms),
                        "together_max_ms": max(together_ms),
                        "alone_again_ms": statistics.median(v["ms"] for v in protocol["alone_again"]),
                        "bytes": protocol["alone"][0]["bytes"], "messages": protocol["alone"][0]["messages"],
                        "server": protocol["server_together"]},
           "estimate_together_ms": estimate, "estimate_ratio": estimate / tab_alone,
           "incidents": incidents, "load_average": os.getloadavg()}
    if browser_together:
        tabs = phases["together"]["tabs_ms"]
        out["browser_together"] = {"median_ms": statistics.median(tabs), "max_ms": max(tabs),
                                   "worst_ratio": max(tabs) / tab_alone}
    return out


def main() -> None:
    """python benchmarks/scale_sessions.py [--sessions 10] [--browser-together]: on the store named by
    GPO_DATABASE_URL / GPO_REFERENCE_DIR (the demo store of data/ without them)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=10, help="sessions at once on the home page")
    parser.add_argument("--browser-together", action="store_true",
                        help="also open that many Chromium tabs at once (minutes on 2 cores: the drawing dominates)")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    env = {k: os.environ[k] for k in ("GPO_DATABASE_URL", "GPO_REFERENCE_DIR") if k in os.environ}
    print(json.dumps(measure(env, args.sessions, args.timeout, args.browser_together)))


if __name__ == "__main__":
    main()
