"""The end of a meeting in Chromium: the animator records a decision on « Mode réunion », saves, confirms, sees the
new action on the meeting screen and downloads the compte rendu (PDF).

On a server of its own (a copy of the seeded demo store): the import it makes never reaches the other browser
tests' shared server. Every wait is for what the user sees, with a deadline, never a fixed sleep.
"""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from browser.conftest import SIZES, WAIT_MS, Visit, start_streamlit, stop_streamlit
from conftest import copy_sqlite

ACTION = "Patrouilles renforcées place du Marché"
K = ".st-key-cr_forbach_"  # Streamlit gives each keyed widget's container the class st-key-<key>


@pytest.fixture(scope="module")
def record_server(tmp_path_factory, demo_store_template):
    store = tmp_path_factory.mktemp("record_store") / "gpo.sqlite"
    copy_sqlite(demo_store_template, store)
    process, server = start_streamlit({"GPO_DATABASE_URL": f"sqlite:///{store}"},
                                      tmp_path_factory.mktemp("record_log") / "streamlit.log")
    yield server
    stop_streamlit(process)


@pytest.fixture
def tab(browser, record_server):
    expect.set_options(timeout=WAIT_MS)
    opened = Visit(browser, record_server.base, SIZES["1920x1080"])
    yield opened
    assert not opened.foreign, f"requêtes hors du serveur local : {opened.foreign}"
    assert not record_server.incidents_since(0), record_server.incidents_since(0)
    opened.close()


def choose(page, key: str, option: str) -> None:
    """In the select box `key`, type the start of `option` and click the option it leaves."""
    field = page.locator(f"{K}{key} input")
    field.click()
    field.press_sequentially(option)
    page.get_by_role("option").filter(has_text=option).first.click()
    expect(field).to_have_value(re.compile("^" + re.escape(option)))


def type_date(page, key: str, day: str) -> None:
    """Type JJ/MM/AAAA into the date field `key` (day, month and year segments, each moving on to the next)."""
    page.locator(f"{K}{key} [role=spinbutton][data-type=day]").click()
    page.keyboard.type(day.replace("/", ""))
    expect(page.locator(f"{K}{key} [role=group]")).to_have_text(day)


def test_record_a_decision_save_confirm_see_it_and_download_the_compte_rendu(tab):
    page = tab.page
    tab.open("/mode_reunion?secteur=forbach")
    expect(page.get_by_role("heading", name="Compte rendu de la réunion")).to_be_visible()
    page.get_by_role("button", name="Pause").click()  # the slides wait for us
    expect(page.get_by_role("button", name="Défilement automatique")).to_be_visible()

    page.locator(f"{K}mayor").get_by_text("Mairie").click()
    page.locator(f"{K}national_police").get_by_text("Police nationale").click()
    page.locator(f"{K}attendees input").fill("9")
    page.locator(f"{K}attendees input").press("Enter")
    tab.wait_idle()

    page.get_by_role("tab", name="Nouvelle action").click()
    choose(page, "a_problem", "P-13")
    page.locator(f"{K}a_description input").fill(ACTION)
    choose(page, "a_partner", "Commissariat de Forbach")
    type_date(page, "a_due", "05/12/2026")
    page.get_by_role("button", name="Ajouter cette action").click()
    expect(page.get_by_text(f"Nouvelle action pour P-13 : {ACTION} — Commissariat de Forbach, échéance 05/12/2026")
           ).to_be_visible()

    page.locator(f"{K}name input").fill("Cne Meyer")
    page.locator(f"{K}name input").press("Enter")
    tab.wait_idle()
    page.locator(f"{K}save").get_by_role("button", name="Enregistrer").click()
    confirm = page.get_by_role("button", name="Confirmer l'enregistrement (81 ligne(s))")  # meetings, problems, actions + 2 diagnostics + 8 contacts
    expect(confirm).to_be_enabled()  # the report and the changes are shown above it
    expect(page.get_by_text("Ce qui change par rapport aux données actuelles")).to_be_visible()
    tab.shot("compte_rendu_controle_1920x1080")
    confirm.click()
    expect(page.get_by_text("Compte rendu de la réunion du 25/11/2026 enregistré : import n° 18")).to_be_visible()
    tab.wait_idle()
    # the slideshow's buttons are big for a touch screen; the compte rendu's keep an ordinary size
    big = page.locator(".st-key-meeting_forbach_next button").bounding_box()["height"]
    ordinary = page.locator(f"{K}save button").bounding_box()["height"]
    assert big > 1.5 * ordinary, (big, ordinary)

    # the meeting screen shows the new action among those due before the next meeting
    heading = page.locator(".gpo-slide h1")
    for _ in range(6):
        if "3. À faire avant la prochaine réunion" in heading.first.inner_text():
            break
        before = heading.first.inner_text()
        page.get_by_role("button", name="Suivant").click()
        expect(heading.first).not_to_have_text(before)
    expect(heading.first).to_contain_text("3. À faire avant la prochaine réunion (08/12/2026)")
    expect(page.locator(".gpo-slide").get_by_text(ACTION)).to_be_visible()
    tab.shot("compte_rendu_enregistre_1920x1080")

    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_role("button", name="Télécharger le compte rendu (PDF)").click()
    assert download.value.suggested_filename == "compte_rendu_forbach_2026-11-25.pdf"
    pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    text = " ".join(p.extract_text() for p in pdf.pages).replace("\n", " ")
    assert "Relevé de décisions de la réunion du 25/11/2026" in text
    assert "A-26" in text and "Patrouilles renforcées" in text and "Le 08/12/2026." in text
    assert not tab.real_errors()
