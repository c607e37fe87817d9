"""A new user's path, as the README says it: clean copy, fresh virtual environment, install, run, test.

The two commands are read from the README's « Démarrage » section, so the README
holds nothing this path does not exercise. The run command installs the app in
a fresh environment and serves it; Chromium opens it and waits for the figures a
user would see. The test command then runs in that environment (it installs the
test requirements there and starts pytest with the project's settings) on a
small selection of tests passed through to pytest: what it proves is the
command and the environment, the whole suite runs once in CI already (this test
is switched off inside, it would recurse).
"""

from __future__ import annotations

import os
import re
import shlex
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
# Passed through the README's test command to pytest in the fresh environment: the loaders on every sample tracker,
# and the home page through AppTest (the app's test client, from the test requirements) on the seeded demo store.
SELECTION = ["-m", "", "tests/test_sample_data.py",
             "tests/test_pages.py::test_every_page_runs_on_the_demo_store[pages/vue_departementale.py]"]


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


@pytest.mark.slow  # a fresh virtual environment and a full install: minutes
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
        from playwright.sync_api import expect, sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--headless", "--no-sandbox", "--disable-gpu",
                                                       "--disable-background-networking", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(base + "/")
            # What the user sees once the first run is over (the store seeded, the figures computed), waited for
            # up to two minutes each: a busy machine takes its time, and nothing here depends on a fixed delay.
            expect(page.locator("h1").first).to_have_text("Vue départementale", timeout=120_000)
            expect(page.get_by_text("Données de démonstration").first).to_be_visible(timeout=120_000)
            expect(page.locator("[data-testid=stMetric]").filter(has_text="GPO constitués").locator(
                "[data-testid=stMetricValue]")).to_have_text("14 / 17", timeout=120_000)
            browser.close()
    finally:
        os.killpg(app.pid, 15)
        app.wait(timeout=30)
        log.close()
    tests = subprocess.run(["bash", "-c", f"{test_command} {shlex.join(SELECTION)}"], cwd=copy, env=env,
                           capture_output=True, text=True, timeout=1800)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    # every selected test ran and passed there: as many as this checkout collects for the same selection
    collected = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                                *SELECTION], cwd=ROOT, capture_output=True, text=True, timeout=300).stdout
    selected = sum(1 for line in collected.splitlines() if "::" in line)
    assert selected >= 2, collected[-2000:]
    assert re.fullmatch(rf"=* ?{selected} passed in [\d.]+s.*", tests.stdout.splitlines()[-1]), tests.stdout[-2000:]
