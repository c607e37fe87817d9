"""One real `streamlit run dashboard.py` for the browser tests, and Debian's Chromium driven by playwright.

The server listens on a free localhost port with a temporary store (seeded with
the demo trackers on its first page view). Every request the browser makes is
recorded: the tests fail on any that leaves the local server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = os.environ.get("GPO_CHROMIUM", "/usr/bin/chromium")
SIZES = {"1920x1080": (1920, 1080), "1366x768": (1366, 768)}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Package scope: both close when the browser tests end, before the new user's path opens its own playwright.
@pytest.fixture(scope="package")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : le script de test l'installe (apt-get install chromium).")
    port = _free_port()
    store = tmp_path_factory.mktemp("browser_store") / "gpo.sqlite"
    env = {**os.environ, "GPO_DATABASE_URL": f"sqlite:///{store}"}
    log = (tmp_path_factory.mktemp("browser_log") / "streamlit.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(base + "/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("Le serveur Streamlit n'a pas répondu en 60 s.")
    SCREENSHOTS.mkdir(exist_ok=True)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A browser tab that records what leaves it and what goes wrong in it."""

    def __init__(self, browser, base: str, size: tuple[int, int]):
        self.base = base
        self.page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        self.foreign: list[str] = []
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        host = base.split("//", 1)[1]
        self.page.on("request", lambda r: None if r.url.startswith(("data:", "blob:")) or f"//{host}/" in r.url
                     else self.foreign.append(r.url))
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("response", lambda r: self.failed.append(r.url) if r.status >= 400 else None)

    def open(self, path: str, wait_ms: int = 2500) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_selector("h1, .gpo-slide h1", timeout=60_000)
        self.page.wait_for_timeout(wait_ms)

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

    def shot(self, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def visit(browser, server):
    opened: list[Visit] = []

    def make(size: str = "1920x1080") -> Visit:
        tab = Visit(browser, server, SIZES[size])
        opened.append(tab)
        return tab

    yield make
    for tab in opened:
        assert not tab.foreign, f"requêtes hors du serveur local : {tab.foreign}"
        tab.close()
