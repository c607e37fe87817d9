"""The deployment as the README describes it, on loopback: `python -m gpo_server` configured by environment
variables only (address, port, base path /gpo, database, GPO_AUTH=local), behind Debian's nginx started from the
shipped deploy/nginx-gpo.conf (tests/nginx_proxy.py: only ports, certificate and file paths replaced), with a
self-signed certificate for the shipped server name, which Chromium resolves to 127.0.0.1.

Through the proxy: HTTP goes to HTTPS, an unknown name gets nothing, the security headers are there and let every
page work (the map drawn, no blocked resource); an animator's bookmarked Import page opens after login, a tracker
and a file just under the upload limit go up, the import is confirmed and the blank template downloads; a
bookmarked meeting screen signs in with its token under /gpo/ and its slides advance by themselves over the
proxied WebSocket. No request leaves /gpo/ (an absolute « / » link would). Waits are for what the user sees.
"""

from __future__ import annotations

import http.client
import io
import os
import re
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from browser.conftest import CHROMIUM, CHROMIUM_ARGS, SIZES, WAIT_MS, Visit
from conftest import copy_sqlite
from cli.serve import UPLOAD_MIB
from loaders.limits import MAX_FILE_BYTES
from nginx_proxy import DEBIAN_MAIN, SERVER_NAME, Proxy, free_port, nginx_binary, start_proxy

# An app server, nginx and Chromium: a minute or two. One worker runs the three tests (scripts/test.sh's
# --dist loadgroup), so that the servers start once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("deploy_proxy")]

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Correct-Cheval-57"
BASE_PATH = "/gpo"
KIOSK = "/mode_reunion?secteur=forbach&ecran=1&embed=true&intervalle=10"  # 10 s: the shortest interval allowed
SLIDE = ".gpo-slide h1"
ROW_ERRORS = ROOT / "tests" / "fixtures" / "row-errors.xlsx"


@dataclass
class Deployment:
    proxy: Proxy
    app_log: Path
    database_url: str

    @property
    def base(self) -> str:
        return self.proxy.base + BASE_PATH

    def incidents(self) -> list[str]:
        return [line for line in self.app_log.read_text(encoding="utf-8", errors="replace").splitlines()
                if "Incident n°" in line]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, demo_store_template):
    from store.accounts import create_account
    from store.database import open_store

    if nginx_binary() is None or not DEBIAN_MAIN.exists():
        pytest.fail("nginx (paquet Debian) introuvable : le script de test l'installe (apt-get install nginx).")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : le script de test l'installe (apt-get install chromium).")
    work = tmp_path_factory.mktemp("deploiement")
    store = work / "gpo.sqlite"
    copy_sqlite(demo_store_template, store)
    url = f"sqlite:///{store}"
    engine = open_store(url)
    create_account(engine, "anim.stiring", "Capitaine Meyer", "animateur", PASSWORD, sector_ids=["stiring"])
    create_account(engine, "ecran.forbach", "Écran du commissariat de Forbach", "ecran", PASSWORD)
    engine.dispose()
    app_port = free_port()
    # The environment /etc/gpo/gpo.env gives the service (deploy/gpo.env.example), nothing else
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GPO_", "STREAMLIT_"))}
    env.update(GPO_ADDRESS="127.0.0.1", GPO_PORT=str(app_port), GPO_BASE_PATH=BASE_PATH, GPO_DATABASE_URL=url,
               GPO_AUTH="local")
    app_log = work / "gpo_server.log"
    with app_log.open("w") as log:
        app = subprocess.Popen([sys.executable, "-m", "gpo_server"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    proxy = None
    try:
        health = f"http://127.0.0.1:{app_port}{BASE_PATH}/_stcore/health"  # served under the base path only
        deadline = time.monotonic() + 120  # a busy machine starts Streamlit slowly
        while True:
            if app.poll() is not None:
                pytest.fail(f"python -m gpo_server s'est arrêté : {app_log.read_text()[-2000:]}")
            try:
                if urllib.request.urlopen(health, timeout=2).status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("python -m gpo_server n'a pas répondu en 120 s.")
                time.sleep(0.3)  # between two health probes
        proxy = start_proxy(app_port)
        yield Deployment(proxy, app_log, url)
    finally:
        if proxy is not None:
            proxy.stop()
        app.terminate()
        try:
            app.wait(timeout=15)
        except subprocess.TimeoutExpired:
            app.kill()


class _TrustingBrowser:
    """Chromium's pages accept the test's self-signed certificate (the real one is the DDSP's)."""

    def __init__(self, browser):
        self._browser = browser

    def new_page(self, **options):
        return self._browser.new_page(ignore_https_errors=True, **options)


@pytest.fixture(scope="module")
def browser(deployment):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # The shipped server name resolves to the loopback, like the intranet's DNS would to the server
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            *CHROMIUM_ARGS, f"--host-resolver-rules=MAP {SERVER_NAME} 127.0.0.1"])
        yield _TrustingBrowser(chromium)
        chromium.close()


@pytest.fixture
def tab(browser, deployment):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    opened = Visit(browser, deployment.base, SIZES["1920x1080"])
    incidents_before = len(deployment.incidents())
    yield opened
    # Nothing outside https://gpo.ddsp.example:PORT/gpo/: no absolute « / » path, no other host
    assert not opened.foreign, f"requêtes hors de {deployment.base}/ : {opened.foreign}"
    # A resource the security headers (CSP) block is a console error, like any failure the user would meet
    assert not opened.real_errors(), opened.real_errors()
    opened.close()
    assert deployment.incidents()[incidents_before:] == []


def log_in(page, login: str) -> None:
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}


class _NamedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 that asks for the server's name (SNI), as a browser does."""

    def __init__(self, port: int, server_name: str | None):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        super().__init__("127.0.0.1", port, timeout=30, context=context)
        self.server_name = server_name

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.server_name)


def https_get(proxy: Proxy, path: str, server_name: str | None = SERVER_NAME) -> http.client.HTTPResponse:
    connection = _NamedHTTPSConnection(proxy.https_port, server_name)
    connection.request("GET", path, headers={"Host": f"{server_name}:{proxy.https_port}"})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def http_get(proxy: Proxy, path: str, host: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=30)
    connection.request("GET", path, headers={"Host": host})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_https_only_for_the_servers_name_with_the_security_headers(deployment):
    proxy = deployment.proxy
    plain = http_get(proxy, "/gpo/mode_reunion?secteur=forbach", SERVER_NAME)
    assert plain.status == 301
    assert plain.getheader("Location") == f"https://{SERVER_NAME}/gpo/mode_reunion?secteur=forbach"
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):  # another name: connection closed (444)
        http_get(proxy, "/gpo/", "10.0.0.1")
    with pytest.raises(ssl.SSLError):  # HTTPS by the IP address (no server name): no certificate, no page
        https_get(proxy, "/gpo/", server_name=None)

    assert https_get(proxy, "/").getheader("Location") == f"{proxy.base}/gpo/"  # the server's address alone
    assert https_get(proxy, "/gpo").getheader("Location") == f"{proxy.base}/gpo/"
    page = https_get(proxy, "/gpo/")
    assert page.status == 200 and b"<title>Streamlit</title>" in page.body
    assert page.getheader("Server") == "nginx"  # no version
    assert page.getheader("Strict-Transport-Security") == "max-age=31536000"
    assert page.getheader("X-Content-Type-Options") == "nosniff"
    assert page.getheader("X-Frame-Options") == "SAMEORIGIN"
    csp = dict(part.strip().split(" ", 1) for part in page.getheader("Content-Security-Policy").split(";"))
    assert csp["default-src"] == csp["connect-src"] == csp["frame-src"] == csp["frame-ancestors"] == "'self'"
    assert csp["img-src"] == "'self' data: blob:" and csp["object-src"] == "'none'"
    assert "'unsafe-eval'" not in csp["script-src"]
    health = https_get(proxy, "/gpo/_stcore/health")
    assert (health.status, health.body) == (200, b"ok")


def test_an_animator_imports_through_the_proxy(tab, deployment, tmp_path):
    from playwright.sync_api import expect
    from openpyxl import load_workbook

    page = tab.page
    tab.open("/import_trackers")  # a bookmark: the login screen first
    log_in(page, "anim.stiring")
    expect(page.locator("h1").first).to_have_text("Importer un tableau de suivi")
    assert urlparse(page.url).path == "/gpo/import_trackers"
    tab.wait_idle()

    page.get_by_text("Modèle vierge et données actuelles d'un secteur").click()
    button = page.get_by_role("button", name="Télécharger le modèle vierge (.xlsx)")
    expect(button).to_be_enabled()
    with page.expect_download(timeout=WAIT_MS) as download_info:
        button.click()
    download = download_info.value
    assert download.url.startswith(f"{deployment.base}/media/")
    template = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert "Mode d'emploi" in template.sheetnames

    sector = page.locator("[data-testid=stSelectbox]").filter(has=page.get_by_text("Secteur des fichiers", exact=True))
    sector.click()
    page.get_by_role("option", name="Stiring-Wendel").click()
    expect(sector.get_by_role("combobox")).to_have_value("Stiring-Wendel")
    # Just under the largest file the uploader sends (10 Mo: Streamlit's uploader counts 10^6 bytes a megabyte, except
    # on Windows): nginx lets it through, the app reads it and answers in French
    near_limit = tmp_path / "presque_10_Mo.xlsx"
    near_limit.write_bytes(os.urandom(min(MAX_FILE_BYTES, UPLOAD_MIB * 1000 * 1000) - 1024))
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files([str(near_limit), str(ROW_ERRORS)])
    expect(page.get_by_text("Rapport de contrôle")).to_be_visible()
    tab.wait_idle()
    expect(page.get_by_role("heading", name="presque_10_Mo.xlsx — Stiring-Wendel")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Le fichier n'est pas lisible comme tableau de suivi")
           ).to_have_count(1)
    # the report's line for it (the table is drawn on a canvas; its cells are in the accessibility tree)
    expect(page.locator("[role=gridcell]").filter(has_text="Ce fichier n'est pas un tableur")).to_have_count(1)
    page.get_by_text("Je confirme que ces", exact=False).click()
    button = page.get_by_role("button", name="Importer 15 ligne(s)")
    expect(button).to_be_enabled()
    button.click()
    expect(page.get_by_text("enregistré : row-errors.xlsx, secteur Stiring-Wendel, 15 ligne(s)", exact=False)
           ).to_be_visible()
    tab.wait_idle()
    uploads = re.findall(r'"PUT /gpo/_stcore/upload_file/\S+ HTTP/1.1" (\d+)', deployment.proxy.access_log())
    assert uploads == ["204", "204"], uploads  # both files went through nginx, neither refused (413)

    # The meeting page's link to its full-screen address is relative: it stays under /gpo/
    page.get_by_role("link", name="Mode réunion").click()
    expect(page.locator("h1").first).to_have_text("Mode réunion")
    tab.wait_idle()
    page.locator("#stMain [data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name="Stiring-Wendel").click()
    screen_link = page.get_by_role("link", name="Ouvrir l'écran de réunion")
    expect(screen_link).to_be_visible()
    href = screen_link.evaluate("a => a.href")  # as the browser resolves it
    assert href.startswith(f"{deployment.base}/mode_reunion?"), href
    assert (query_of(href)["secteur"], query_of(href)["ecran"]) == ("stiring", "1")
    tab.wait_idle()

    # The home page through the same session: the map is drawn (the CSP lets MapLibre's workers run)
    page.get_by_role("link", name="Vue départementale").click()
    expect(page.locator("h1").first).to_have_text("Vue départementale")
    tab.wait_idle()
    tab.wait_map_drawn(page.locator(".js-plotly-plot").first)
    assert urlparse(page.url).path == "/gpo/"
    # An image pointing elsewhere (the tracking beacon a text shown as Markdown could carry) is never fetched
    beacon = "http://127.0.0.2:9/balise.png"
    with page.expect_event("requestfailed", lambda request: request.url == beacon) as failed:
        violated = page.evaluate("""src => new Promise(resolve => {
            document.addEventListener("securitypolicyviolation", event => resolve(event.violatedDirective),
                                      {once: true});
            document.body.appendChild(Object.assign(new Image(), {src}));
        })""", beacon)
    assert (violated, failed.value.failure) == ("img-src", "csp")  # blocked by the page's policy
    # stopped by the browser before leaving: not a request the tab's checks should count, nor its refusal an error
    tab.requests.remove(beacon)
    tab.console_errors = [text for text in tab.console_errors if beacon not in text]

    # Every other page of the menu under the security headers (a blocked script, style, font or worker would be a
    # console error, checked when the tab closes)
    menu = page.locator("[data-testid=stSidebar]").get_by_role("link")  # Streamlit's menu, or the app's page links
    # title (the text after the icon's name) -> address, as the browser resolves it
    links = {menu.nth(n).inner_text().splitlines()[-1].strip(): menu.nth(n).evaluate("a => a.href")
             for n in range(menu.count())}
    assert {"Problèmes", "Réunions", "Fiche secteur", "Historique des imports"} <= set(links), links
    for title, href in links.items():
        if title in ("Vue départementale", "Import", "Mode réunion"):
            continue  # seen above
        assert href.startswith(f"{deployment.base}/"), href
        menu.filter(has_text=title).first.click()
        page.wait_for_url(href + "*")
        page.locator("h1").first.wait_for(state="visible", timeout=WAIT_MS)
        tab.wait_idle()


def test_a_meeting_screen_signs_in_and_its_slides_advance_through_the_proxy(tab, deployment):
    from playwright.sync_api import expect

    page = tab.page
    page.goto(deployment.base + KIOSK)  # the bookmarked screen
    page.get_by_label("Identifiant").wait_for(timeout=WAIT_MS)
    assert page.locator(SLIDE).count() == 0
    log_in(page, "ecran.forbach")
    page.wait_for_selector(SLIDE, timeout=WAIT_MS)
    assert page.locator(SLIDE).first.inner_text().strip() == "GPO Forbach – Bellevue-Wiesberg"
    # Mode réunion is the écran role's first page: Streamlit serves it at the base path, the address keeps the token
    assert urlparse(page.url).path == "/gpo/"
    query = query_of(page.url)
    assert (query["secteur"], query["ecran"], query["intervalle"]) == ("forbach", "1", "10")
    assert len(query["jeton"]) >= 40
    pause = page.get_by_role("button", name="Pause")
    expect(pause).to_contain_text("· 1 / ")
    total = pause.inner_text().rsplit("/", 1)[1].strip()
    # Nobody touches the screen: the next slide comes over the WebSocket, through nginx
    expect(pause).to_contain_text(f"· 2 / {total}", timeout=WAIT_MS)

    page.reload()  # a new session on the same address: signed in again by its token alone
    page.wait_for_selector(SLIDE, timeout=WAIT_MS)
    assert page.get_by_label("Identifiant").count() == 0
    assert query_of(page.url)["jeton"] == query["jeton"]
    log = deployment.proxy.access_log()
    assert re.search(r'"GET /gpo/_stcore/stream HTTP/1.1" 101 ', log), "aucun WebSocket ouvert à travers nginx"
