"""Briefing screens with authentication on (GPO_AUTH=local), in Chromium, on a second real `streamlit run`.

- a bookmarked kiosk address opens after login, and a reload stays on it (the écran account's token);
- a kiosk left open stops showing data at its next tick once its account is disabled, its token has expired
  or its session has expired (the tick reruns only the fragment, never dashboard.py);
- the login screen and the administrators' pages pass axe-core (the other pages: test_accessibility.py).

Each wait is for what the user would see (a slide, the login form), with a deadline, never a fixed sleep.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import copy_sqlite
from browser.conftest import ROOT, SIZES, Visit, _free_port

PASSWORD = "Correct-Cheval-57"
KIOSK = "/mode_reunion?secteur=forbach&ecran=1&embed=true"
TICK = 10  # seconds between slides: the smallest interval a screen accepts
SLIDE = ".gpo-slide h1"


@pytest.fixture(scope="module")
def secured_server(tmp_path_factory, demo_store_template):
    """`streamlit run dashboard.py` with GPO_AUTH=local on a copy of the demo store, sessions of one minute."""
    from store.accounts import create_account
    from store.database import open_store

    store = tmp_path_factory.mktemp("secured_store") / "gpo.sqlite"
    copy_sqlite(demo_store_template, store)
    url = f"sqlite:///{store}"
    engine = open_store(url)
    create_account(engine, "ecran.forbach", "Écran du commissariat de Forbach", "ecran", PASSWORD)
    for login in ("anim.disabled", "anim.expiry"):
        create_account(engine, login, "Lieutenant Lang", "animateur", PASSWORD, sector_ids=["forbach"])
    create_account(engine, "admin", "Administratrice", "admin", PASSWORD)
    engine.dispose()
    port = _free_port()
    env = {**os.environ, "GPO_DATABASE_URL": url, "GPO_AUTH": "local", "GPO_SESSION_MINUTES": "1"}
    log = (tmp_path_factory.mktemp("secured_log") / "streamlit.log").open("w")
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
        pytest.fail("Le serveur Streamlit (GPO_AUTH=local) n'a pas répondu en 60 s.")
    yield base, url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def tab(browser, secured_server):
    opened = Visit(browser, secured_server[0], SIZES["1920x1080"])
    yield opened
    assert not opened.foreign, f"requêtes hors du serveur local : {opened.foreign}"
    opened.close()


@pytest.fixture
def engine(secured_server):
    from store.database import open_store

    engine = open_store(secured_server[1])
    yield engine
    engine.dispose()


def log_in(page, login: str) -> None:
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def query_of(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def wait_for_login_form(page, notice: str, seconds: float) -> None:
    """The login form replaces the slides within `seconds` (a tick or two), with its French notice."""
    page.get_by_label("Identifiant").wait_for(state="visible", timeout=seconds * 1000)
    # the slide's elements leave when that run ends (Streamlit clears what a run did not draw again)
    page.locator(SLIDE).first.wait_for(state="detached", timeout=seconds * 1000)
    assert page.get_by_text(notice, exact=False).is_visible()
    assert page.get_by_role("button", name="Suivant").count() == 0


def test_bookmarked_kiosk_opens_after_login_and_a_reload_stays_on_it(tab, engine):
    from store.screen_tokens import list_screen_tokens

    page = tab.page
    page.goto(tab.base + KIOSK)
    page.get_by_label("Identifiant").wait_for(timeout=60_000)
    assert page.locator(SLIDE).count() == 0  # nothing before login
    log_in(page, "ecran.forbach")
    page.wait_for_selector(SLIDE, timeout=60_000)
    assert page.locator(SLIDE).first.inner_text().strip() == "GPO Forbach – Bellevue-Wiesberg"
    # Mode réunion is the écran role's first page, which Streamlit serves at the root address
    assert urlparse(page.url).path == "/"
    query = query_of(page)
    assert (query["secteur"], query["ecran"], query["embed"]) == ("forbach", "1", "true")
    assert len(query["jeton"]) >= 40
    assert not page.locator("[data-testid=stSidebar]").is_visible()  # still the kiosk: no menu
    tab.shot("ecran_apres_connexion")

    page.reload()  # a new session: the address alone signs the screen in again
    page.wait_for_selector(SLIDE, timeout=60_000)
    assert page.locator(SLIDE).first.inner_text().strip() == "GPO Forbach – Bellevue-Wiesberg"
    assert page.get_by_label("Identifiant").count() == 0
    assert query_of(page)["jeton"] == query["jeton"]
    assert list_screen_tokens(engine)["Compte"].tolist() == ["ecran.forbach"]
    assert not tab.real_errors(), tab.real_errors()


def test_a_kiosk_tick_after_its_account_is_disabled_shows_the_login_screen(tab, engine):
    from store.accounts import disable_account

    page = tab.page
    page.goto(tab.base + f"{KIOSK}&intervalle={TICK}")
    page.get_by_label("Identifiant").wait_for(timeout=60_000)
    log_in(page, "anim.disabled")
    page.wait_for_selector(SLIDE, timeout=60_000)
    # an animateur's first page is the Vue départementale: he lands on the page the link named all the same
    assert page.locator(SLIDE).first.inner_text().strip() == "GPO Forbach – Bellevue-Wiesberg"
    assert urlparse(page.url).path == "/mode_reunion" and query_of(page)["secteur"] == "forbach"
    assert "jeton" not in query_of(page)  # only an écran account gets a screen token
    page.get_by_role("button", name="Suivant").wait_for(state="visible", timeout=30_000)
    disable_account(engine, "anim.disabled", by="admin")  # nobody touches the screen from now on
    wait_for_login_form(page, "Votre compte a été désactivé ou modifié", seconds=3 * TICK)
    tab.shot("ecran_compte_desactive")


def test_a_kiosk_tick_after_its_screen_token_expires_shows_the_login_screen(tab, engine):
    import sqlalchemy as sa

    from store.screen_token_tables import screen_tokens
    from store.screen_tokens import create_screen_token

    made = create_screen_token(engine, "ecran.forbach", lifetime=dt.timedelta(hours=1), by="admin")
    page = tab.page
    page.goto(tab.base + f"{KIOSK}&intervalle={TICK}&jeton={made.token}")
    page.wait_for_selector(SLIDE, timeout=60_000)  # signed in by the token alone
    assert page.get_by_label("Identifiant").count() == 0
    page.get_by_role("button", name="Suivant").wait_for(state="visible", timeout=30_000)
    # The token's hour goes by: its expiry is moved to a second ago, as the clock would (nobody touches the screen).
    with engine.begin() as conn:
        conn.execute(sa.update(screen_tokens).where(screen_tokens.c.id == made.token_id)
                     .values(expires_at=dt.datetime.now() - dt.timedelta(seconds=1)))
    wait_for_login_form(page, "Le lien de cet écran n'est plus valable", seconds=3 * TICK)


def test_a_kiosk_tick_after_the_session_expires_shows_the_login_screen(tab):
    page = tab.page
    page.goto(tab.base + f"{KIOSK}&intervalle={TICK}")
    page.get_by_label("Identifiant").wait_for(timeout=60_000)
    log_in(page, "anim.expiry")
    page.wait_for_selector(SLIDE, timeout=60_000)
    # GPO_SESSION_MINUTES=1 on this server: the session ends a minute after login, with nobody at the screen
    wait_for_login_form(page, "Votre session a expiré", seconds=60 + 3 * TICK)


def test_the_login_screen_and_the_admin_pages_have_no_serious_accessibility_violation(tab):
    from browser.axe_check import blocking_violations

    page = tab.page
    page.goto(tab.base + "/")
    page.get_by_label("Identifiant").wait_for(timeout=60_000)
    tab.wait_idle()
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert blocking_violations(page) == [], "écran de connexion"
    page.locator("[data-testid=stExpander] summary").filter(has_text="Déclaration d'accessibilité").click()
    page.get_by_role("heading", name="Voies de recours").wait_for(timeout=30_000)  # readable before signing in
    log_in(page, "admin")
    for link, title in (("Comptes", "Comptes"), ("Journal", "Journal")):
        page.get_by_role("link", name=link, exact=True).click()
        page.locator("h1").filter(has_text=title).first.wait_for(timeout=60_000)
        tab.wait_idle()
        assert blocking_violations(page) == [], link
