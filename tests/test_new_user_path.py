"""A new user's path, as the README says it: clean copy, fresh virtual environment, install, run, test.

The two commands are read from the README's « Démarrage » section, so the README
holds nothing this path does not exercise. The test command is run inside the
fresh environment too, with this test switched off there (it would recurse).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSIDE = "GPO_INSIDE_NEW_USER_CHECK"

pytestmark = pytest.mark.skipif(bool(os.environ.get(INSIDE)), reason="déjà dans le parcours du nouvel utilisateur")


def readme_commands() -> tuple[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Démarrage")
    blocks = re.findall(r"```bash\n(.+?)\n```", text[start:], flags=re.S)
    return blocks[0].strip(), blocks[1].strip()


def test_readme_has_the_two_commands():
    run, test = readme_commands()
    assert run == "pip install -r requirements.txt && streamlit run dashboard.py"
    assert test == "bash scripts/test.sh"
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().endswith(test)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_fresh_copy_installs_runs_and_passes(tmp_path):
    if shutil.which("git") is None:
        pytest.fail("git est nécessaire pour copier le dépôt")
    copy = tmp_path / "copie"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(copy)], check=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "VIRTUAL_ENV": str(venv),
           "GPO_DATABASE_URL": f"sqlite:///{tmp_path / 'nouvel_utilisateur.sqlite'}", INSIDE: "1",
           "STREAMLIT_SERVER_PORT": str(_free_port()), "STREAMLIT_SERVER_HEADLESS": "true", "PYTHONPATH": ""}
    run_command, test_command = readme_commands()
    log = (tmp_path / "app.log").open("w")
    app = subprocess.Popen(["bash", "-c", run_command], cwd=copy, env=env, stdout=log, stderr=subprocess.STDOUT,
                           start_new_session=True)
    base = f"http://127.0.0.1:{env['STREAMLIT_SERVER_PORT']}"
    try:
        deadline = time.monotonic() + 900  # the install comes first
        while time.monotonic() < deadline:
            if app.poll() is not None:
                pytest.fail(f"la commande de lancement s'est arrêtée : {(tmp_path / 'app.log').read_text()[-2000:]}")
            try:
                if urllib.request.urlopen(base + "/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(1)
        else:
            pytest.fail("l'application n'a pas répondu")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--headless", "--no-sandbox", "--disable-gpu",
                                                       "--disable-background-networking", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(base + "/")
            page.wait_for_selector("h1", timeout=120_000)
            page.wait_for_timeout(3000)
            assert page.locator("h1").first.inner_text().strip() == "Vue départementale"
            assert page.get_by_text("Données de démonstration").first.is_visible()
            assert page.locator("[data-testid=stMetric]").filter(has_text="GPO constitués").locator(
                "[data-testid=stMetricValue]").inner_text() == "14 / 17"
            browser.close()
    finally:
        os.killpg(app.pid, 15)
        app.wait(timeout=30)
        log.close()
    tests = subprocess.run(["bash", "-c", test_command], cwd=copy, env=env, capture_output=True, text=True, timeout=1800)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert re.search(r"\d+ passed", tests.stdout.splitlines()[-1])
