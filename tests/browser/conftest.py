"""One real `streamlit run dashboard.py` for the browser tests, and Debian's Chromium driven by playwright.

The server listens on a free localhost port with a temporary store (seeded with
the demo trackers on its first page view). Every request the browser makes is
recorded: the tests fail on any that leaves the local server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = os.environ.get("GPO_CHROMIUM", "/usr/bin/chromium")
SIZES = {"1920x1080": (1920, 1080), "1366x768": (1366, 768)}
# Generous: on a busy 2-core machine a first page view (store seeded, figures computed) can take tens of seconds.
WAIT_MS = 90_000
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  return app !== null && app.dataset.testScriptState === 'notRunning' && app.dataset.testConnectionState === 'CONNECTED'
    && document.querySelector('[data-stale=true]') === null && document.querySelector('[data-testid=stSkeleton]') === null;
}"""
# Resolves once plotly's map (MapLibre) has its traces' layers, every source (the contours) loaded, and has then
# painted a frame; rejects after WAIT_MS.
MAP_IDLE_JS = """async (plot, waitMs) => {
  const deadline = performance.now() + waitMs;
  const ready = () => {
    const sub = plot._fullLayout && plot._fullLayout.map && plot._fullLayout.map._subplot;
    if (!sub || !sub.map) return null;
    const style = sub.map.getStyle();
    const traced = style.layers.some(layer => layer.id.startsWith('plotly-trace-layer'));
    const sourced = Object.keys(style.sources).every(id => sub.map.isSourceLoaded(id));
    return traced && sourced && sub.map.loaded() ? sub.map : null;
  };
  let map;
  while (!(map = ready())) {
    if (performance.now() > deadline) throw new Error('carte jamais dessinée');
    await new Promise(resolve => requestAnimationFrame(resolve));
  }
  await new Promise(resolve => { map.once('idle', resolve); map.triggerRepaint(); });
}"""
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@dataclass(frozen=True)
class Server:
    base: str
    log: Path  # the server's output: incidents are logged there with their traceback

    def log_size(self) -> int:
        return self.log.stat().st_size

    def incidents_since(self, offset: int) -> list[str]:
        with self.log.open(encoding="utf-8", errors="replace") as text:
            text.seek(offset)
            return [line for line in text if "Incident n°" in line]


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects: the marker must already be there
def pytest_collection_modifyitems(items):
    """Every test of this folder is a browser test: out of the quick run (`-m "not browser"`), in scripts/test.sh.
    With pytest-xdist (`--dist loadgroup`, as scripts/test.sh runs), those sharing the package's demo server go to
    one worker (one server for them all); those starting their own servers go to whichever worker is free, so the
    long ones do not queue behind the shared server's tests."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if "server" in item.fixturenames:
                item.add_marker(pytest.mark.xdist_group("browser"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(env: dict[str, str], log_path: Path) -> tuple[subprocess.Popen, Server]:
    """`streamlit run dashboard.py` on a free local port with these environment variables, once it answers."""
    port = _free_port()
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    log.close()  # the child has its own descriptor
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a busy machine starts Streamlit slowly
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(base + "/_stcore/health", timeout=2).status == 200:
                return process, Server(base, log_path)
        except OSError:
            time.sleep(0.3)  # between two health probes
    process.kill()
    pytest.fail("Le serveur Streamlit n'a pas répondu en 120 s.")


def stop_streamlit(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


# Package scope: both close when the browser tests end, before the new user's path opens its own playwright.
@pytest.fixture(scope="package")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : le script de test l'installe (apt-get install chromium).")
    store = tmp_path_factory.mktemp("browser_store") / "gpo.sqlite"
    process, running = start_streamlit({"GPO_DATABASE_URL": f"sqlite:///{store}"},
                                       tmp_path_factory.mktemp("browser_log") / "streamlit.log")
    SCREENSHOTS.mkdir(exist_ok=True)
    yield running
    stop_streamlit(process)


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A browser tab that records what leaves it and what goes wrong in it."""

    wait_ms = WAIT_MS

    def __init__(self, browser, base: str, size: tuple[int, int]):
        self.base = base
        self.page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("response", lambda r: self.failed.append(r.url) if r.status >= 400 else None)

    @property
    def foreign(self) -> list[str]:
        """Requests that left the local server (data: and blob: URLs stay in the page)."""
        return [url for url in self.requests
                if not url.startswith(("data:", "blob:")) and not url.startswith(self.base + "/")]

    def open(self, path: str) -> None:
        """Load a page and wait until the user sees it whole: a title is shown, then the script has finished.
        In that order: the first request of a fresh server for a page hands over to dashboard.py and back
        (app_state.page_filters), and the app looks idle for a moment between those runs, before any title."""
        self.page.goto(self.base + path)
        self.page.locator("h1").first.wait_for(state="visible", timeout=WAIT_MS)
        self.wait_idle()

    def wait_idle(self) -> None:
        """No script running, connected, nothing left greyed out from a previous run (Streamlit marks an element
        it has not redrawn yet with data-stale) and no placeholder left (charts and grids load their code on first
        use and show a skeleton meanwhile). Wait on this after the page has begun to change, or on the text the
        user expects: right after a click the previous run may still look finished."""
        self.page.wait_for_function(IDLE_JS, timeout=WAIT_MS)

    def wait_map_drawn(self, plot) -> None:
        """The map library has loaded the contours and finished painting (its `idle` event after a repaint)."""
        plot.wait_for(state="visible", timeout=WAIT_MS)
        plot.evaluate(MAP_IDLE_JS, WAIT_MS)

    def real_errors(self) -> list[str]:
        """Console errors, less the 404 probes Streamlit itself makes when a page URL is opened directly
        (it asks /<page>/_stcore/health before falling back to /_stcore/health)."""
        probes = [u for u in self.failed if u.endswith(("/_stcore/health", "/_stcore/host-config"))]
        errors = list(self.console_errors)
        for _ in probes:
            for i, text in enumerate(errors):
                if "404" in text:
                    del errors[i]
                    break
        return errors

    def shot(self, name: str, element=None) -> Path:
        """screenshots/<name>.png: the window, or one element of the page."""
        path = SCREENSHOTS / f"{name}.png"
        (element or self.page).screenshot(path=str(path))
        return path

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def visit(browser, server):
    """Open tabs; afterwards, no request may have left the machine and the server may have logged no incident."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)  # expect(...) waits for what the user should see, up to WAIT_MS
    opened: list[Visit] = []
    log_start = server.log_size()

    def make(size: str = "1920x1080") -> Visit:
        tab = Visit(browser, server.base, SIZES[size])
        opened.append(tab)
        return tab

    yield make
    for tab in opened:
        assert not tab.foreign, f"requêtes hors du serveur local : {tab.foreign}"
        tab.close()
    assert not server.incidents_since(log_start), server.incidents_since(log_start)
