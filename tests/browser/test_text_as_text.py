"""Markdown typed as a file name or an uploader's name is shown as text in Chromium (review finding F6).

A file named `![b](http://127.0.0.2:9/x.png) [Cliquez ici](https://evil.example).xlsx` goes through the real
file input (the store keeps what follows its last « / »: `evil.example).xlsx`); an earlier import, made with
`loaders import --as …`, recorded a markdown uploader name and a file name a disk can hold. The Import page
and « Historique des imports » must show those strings literally: no image fetched from 127.0.0.2, no link
to evil.example, no request leaving the local server.

This module runs its own server on its own store, so the imports it makes change no other test's figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT, SCREENSHOTS, Visit, _free_port

FILE_NAME = "![b](http://127.0.0.2:9/x.png) [Cliquez ici](https://evil.example).xlsx"
UPLOADER = "![b](http://127.0.0.2:9/as.png) [Cliquez ici](https://evil.example) :red[Direction] $x$"
STORED_NAME = FILE_NAME.rsplit("/", 1)[-1]  # `store.imports.plan_import` keeps a base name
DISK_NAME = "![b](127.0.0.2) [Cliquez ici](www.evil.example) **gras** :material/home: $x$.xlsx".replace("/", "∕")
TRACKER = ROOT / "tests" / "fixtures" / "title-lines.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORD_JOINER = "\u2060"  # md_escape's invisible mark that keeps a URL from becoming a link


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """The demo store plus one import recorded under a markdown uploader name, served by `streamlit run`."""
    url = f"sqlite:///{tmp_path_factory.mktemp('text_as_text') / 'gpo.sqlite'}"
    seeded = subprocess.run(
        [sys.executable, "-c", "from domain.reference import default_reference; from store.database import open_store;"
                               "from store.demo_seed import seed_demo; seed_demo(open_store(), default_reference())"],
        cwd=ROOT, env={**os.environ, "GPO_DATABASE_URL": url}, capture_output=True, text=True, timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    named = Path(tmp_path_factory.mktemp("named")) / DISK_NAME
    named.write_bytes((ROOT / "tests" / "fixtures" / "header-synonyms.xlsx").read_bytes())
    imported = subprocess.run([sys.executable, "-m", "loaders", "import", str(named), "--secteur", "behren", "--as", UPLOADER,
                               "--yes", "--date", "2026-11-25"], cwd=ROOT, env={**os.environ, "GPO_DATABASE_URL": url},
                              capture_output=True, text=True, timeout=300)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    port = _free_port()
    log = (tmp_path_factory.mktemp("text_as_text_log") / "streamlit.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, "GPO_DATABASE_URL": url, "GPO_AUTH": "off"}, stdout=log, stderr=subprocess.STDOUT)
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
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def _shown_text(page) -> str:
    """The main area's text as the user reads it (md_escape's invisible word joiners taken out)."""
    return page.locator("[data-testid=stMain]").inner_text().replace(WORD_JOINER, "")


def _wait_shown(page, text: str) -> None:
    page.wait_for_function("t => document.querySelector('[data-testid=stMain]').innerText.replaceAll('\\u2060', '')"
                           ".includes(t)", arg=text, timeout=60_000)


def _no_markup_from_payload(page) -> None:
    assert page.locator("img[src*='127.0.0.2']").count() == 0
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator("[data-testid=stMain] a:has-text('Cliquez ici')").count() == 0


def test_markdown_in_file_and_uploader_names_is_shown_as_text(browser, hostile_server):
    tab = Visit(browser, hostile_server, (1920, 1080))
    page = tab.page
    try:
        tab.open("/import_trackers")
        names = page.locator("[data-testid=stTextInput] input")
        if names.count():  # the free « Votre nom » field, where it still exists, gets the markup too
            names.first.fill(UPLOADER)
            page.keyboard.press("Enter")
            tab.wait_idle()
        page.locator("[data-testid=stSelectbox]").filter(has=page.get_by_text("Secteur des fichiers", exact=True)).click()
        page.get_by_role("option", name="Stiring-Wendel").click()
        page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
            files=[{"name": FILE_NAME, "mimeType": XLSX, "buffer": TRACKER.read_bytes()}])
        page.get_by_text("Rapport de contrôle").wait_for(timeout=60_000)
        page.get_by_role("button", name="Importer").first.wait_for(timeout=60_000)
        assert f"{STORED_NAME} — Stiring-Wendel" in _shown_text(page)  # the name the import will be recorded under
        _no_markup_from_payload(page)
        tab.shot("texte_brut_import")

        confirm = page.get_by_text("Je confirme que ces", exact=False)
        if confirm.count():
            confirm.click()
            tab.wait_idle()
        page.get_by_role("button", name="Importer").first.click()
        page.get_by_text("enregistré : ", exact=False).first.wait_for(timeout=60_000)
        assert f"enregistré : {STORED_NAME}, secteur Stiring-Wendel" in _shown_text(page)
        _no_markup_from_payload(page)

        tab.open("/import_history")  # the newest import is shown first: the one just made
        page.get_by_text("Fichier « ", exact=False).first.wait_for(timeout=60_000)
        assert f"Fichier « {STORED_NAME} », importé le" in _shown_text(page)
        _no_markup_from_payload(page)
        page.locator("[data-testid=stSelectbox]").filter(has=page.get_by_text("Détail de l'import", exact=True)).click()
        page.get_by_role("option").filter(has_text="Cliquez ici").first.click()  # the import recorded with --as
        _wait_shown(page, f"Fichier « {DISK_NAME} », importé le")  # both imports carry the markdown uploader name
        assert f"Fichier « {DISK_NAME} », importé le" in _shown_text(page)
        assert f"par {UPLOADER}." in _shown_text(page)
        _no_markup_from_payload(page)
        tab.shot("texte_brut_historique")
        assert tab.foreign == [], tab.foreign  # nothing fetched from 127.0.0.2 or anywhere else
        assert not tab.real_errors()
    finally:
        tab.close()
