"""Two app servers on one PostgreSQL database, as a département with several servers behind one address runs them.

Two `streamlit run dashboard.py` on two ports, one new PostgreSQL database (GPO_DATABASE_URL), Debian's Chromium:
- both first pages opened at once: both servers migrate and seed the new store at the same moment, no incident,
  each demo tracker written once;
- two animators import at once, one on each server, through the Import page, while a third imports from the
  command line: every import written, journaled, its rows all there;
- both servers then show the same figures, which the imports changed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from browser.conftest import ROOT, SIZES, WAIT_MS, Visit, start_streamlit, stop_streamlit
from loaders import load
from store.audit import read_audit
from store.database import open_store
from store.queries import current_frames, import_history
from store_content import AS_OF, forbach_without_p01

pytestmark = [pytest.mark.slow, pytest.mark.postgresql]
ROW_ERRORS = ROOT / "tests" / "fixtures" / "row-errors.xlsx"
TITLE_LINES = ROOT / "tests" / "fixtures" / "title-lines.xlsx"


@pytest.fixture(scope="module")
def shared(postgres_server, tmp_path_factory):
    """A new, empty PostgreSQL database and two servers on it."""
    url = postgres_server.new_database()  # empty: the servers create the schema
    logs = tmp_path_factory.mktemp("two_servers")
    started = [start_streamlit({"GPO_DATABASE_URL": url}, logs / f"streamlit_{n}.log") for n in (1, 2)]
    yield url, [server for _, server in started]
    for process, _ in started:
        stop_streamlit(process)
    postgres_server.drop_database(url)


@pytest.fixture
def tabs(browser, shared):
    opened = [Visit(browser, server.base, SIZES["1920x1080"]) for server in shared[1]]
    expect.set_options(timeout=WAIT_MS)
    yield opened
    for tab in opened:
        assert not tab.foreign, f"requêtes hors du serveur local : {tab.foreign}"
        tab.close()
    for server in shared[1]:
        assert not server.incidents_since(0), server.incidents_since(0)


def open_both(tabs: list[Visit], path: str, wait_ms: int = WAIT_MS) -> None:
    """Both pages requested before either is waited for."""
    for tab in tabs:
        tab.page.goto(tab.base + path)
    for tab in tabs:
        tab.page.locator("h1").first.wait_for(state="visible", timeout=wait_ms)
        tab.wait_idle()


def wait_until_it_shows(tab: Visit, latest: int) -> None:
    """Reopen the import history until its newest import is `latest` (a server learns of another's imports within a
    second: what the user would see on reloading)."""
    deadline = time.monotonic() + 60
    while True:
        tab.open("/import_history")
        if tab.page.locator("h3").filter(has_text=f"Import n° {latest} —").count():  # st.subheader
            return
        assert time.monotonic() < deadline, tab.page.locator("h3").all_inner_texts()


def metrics(tab: Visit) -> list[str]:
    return [m.inner_text() for m in tab.page.locator("[data-testid=stMetric]").all()]


def prepare_import(tab: Visit, name: str, path, sector: str | None = None):
    """The Import page up to its enabled « Importer » button (name given, file checked, vanishing rows confirmed)."""
    page = tab.page
    tab.open("/import_trackers")
    page.locator("[data-testid=stTextInput] input").first.fill(name)
    page.keyboard.press("Enter")
    if sector:
        chooser = page.locator("[data-testid=stSelectbox]").filter(has=page.get_by_text("Secteur des fichiers", exact=True))
        chooser.click()
        page.get_by_role("option", name=sector).click()
        expect(chooser.get_by_role("combobox")).to_have_value(sector)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(path))
    expect(page.get_by_text("Rapport de contrôle")).to_be_visible()
    tab.wait_idle()
    page.get_by_text("Je confirme que ces", exact=False).click()
    button = page.get_by_role("button", name=re.compile(r"^Importer \d+ ligne"))
    expect(button).to_be_enabled()
    return button


def test_two_servers_on_one_postgresql_database(tabs, shared, tmp_path):
    url, _ = shared
    open_both(tabs, "/", wait_ms=3 * WAIT_MS)  # both servers migrate and seed the new store at once
    engine = open_store(url)
    seeded = import_history(engine)
    assert len(seeded) == 17 and seeded["sector_id"].is_unique and seeded["demo"].all()
    before = metrics(tabs[0])
    assert before and metrics(tabs[1]) == before

    forbach = forbach_without_p01(tmp_path)
    buttons = [prepare_import(tabs[0], "Cne Meyer (serveur 1)", ROW_ERRORS, sector="Stiring-Wendel"),
               prepare_import(tabs[1], "Lt Weber (serveur 2)", forbach)]
    command = subprocess.Popen([sys.executable, "-m", "loaders", "import", str(TITLE_LINES), "--secteur", "woippy",
                                "--as", "Adc Klein (ligne de commande)", "--yes", "--date", AS_OF.isoformat()],
                               cwd=ROOT, env={**os.environ, "GPO_DATABASE_URL": url},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for button in buttons:  # both clicks sent before either answer is awaited
        button.click()
    expect(tabs[0].page.get_by_text("enregistré : row-errors.xlsx, secteur Stiring-Wendel", exact=False)).to_be_visible()
    expect(tabs[1].page.get_by_text("enregistré : suivi_gpo_forbach_v2.xlsx, secteur Forbach", exact=False)).to_be_visible()
    out, err = command.communicate(timeout=180)
    assert command.returncode == 0 and "→ Importé" in out, out + err

    # every import written once, by whom it says, journaled; its rows all there
    history = import_history(engine)
    new = history[~history["demo"]].set_index("sector_id")
    assert sorted(new.index) == ["forbach", "stiring", "woippy"] and len(history) == 20
    assert new.loc["stiring", "imported_by"] == "Cne Meyer (serveur 1)"
    assert new.loc["forbach", "imported_by"] == "Lt Weber (serveur 2)"
    assert new.loc["woippy", "imported_by"] == "Adc Klein (ligne de commande)"
    journal = read_audit(engine, event="import")
    for sector, row in new.iterrows():
        assert journal["Détail"].str.startswith(f"Import n° {row['import_id']} : ").sum() == 1, sector
    current = current_frames(engine, ["stiring", "forbach", "woippy"])
    for path, sector, sector_id in ((ROW_ERRORS, "stiring", "stiring"), (forbach, None, "forbach"),
                                    (TITLE_LINES, "woippy", "woippy")):
        loaded = load(path, sector=sector, as_of=AS_OF)[0]
        for key in loaded.counts:  # the sheets the file carries (an optional sheet it lacks keeps the stored rows)
            frame = loaded.frames[key]
            assert (current[key]["sector_id"] == sector_id).sum() == len(frame) == loaded.counts[key].rows_accepted

    # both servers list every import, and show the same figures, which the imports changed
    for tab in tabs:
        wait_until_it_shows(tab, int(history["import_id"].max()))
    open_both(tabs, "/")
    after = metrics(tabs[0])
    assert after != before and metrics(tabs[1]) == after
    engine.dispose()
