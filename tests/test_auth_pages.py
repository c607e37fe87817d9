"""Authentication on (GPO_AUTH=local): nothing before login, roles decide pages and sectors, every step audited."""

import os
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conftest import FIXTURES
from store.accounts import create_account
from store.audit import read_audit
from store.database import open_store

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Correct-Cheval-57"


def three_accounts(engine):
    create_account(engine, "lt.lang", "Lieutenant Thomas Lang", "animateur", PASSWORD, sector_ids=["stiring"])
    create_account(engine, "cdt.fischer", "Commandant Laurent Fischer", "chef_csp", PASSWORD, csp_id="forbach")
    create_account(engine, "admin", "Administrateur", "admin", PASSWORD)


@pytest.fixture
def secured(demo_store_with, monkeypatch):
    url = demo_store_with(three_accounts)  # the data a real deployment would have imported, and three accounts
    monkeypatch.setenv("GPO_DATABASE_URL", url)
    monkeypatch.setenv("GPO_AUTH", "local")
    engine = open_store(url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield engine
    st.cache_resource.clear()


def signed_in(login, password=PASSWORD):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    app.text_input(key="login_name").input(login)
    app.text_input(key="login_password").input(password)
    app.button[0].click().run()
    return app


def test_nothing_before_login(secured):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "Tableau de bord des GPO de la Moselle"
    assert not app.metric and not app.dataframe and not app.get("plotly_chart")
    assert "Données de démonstration" not in " ".join(w.value for w in app.warning)


def test_wrong_password_refused_in_french_and_audited(secured):
    app = signed_in("lt.lang", "mauvais-mot-de-passe")
    assert app.error[0].value == "Identifiant ou mot de passe incorrect."
    assert not app.metric
    journal = read_audit(secured)
    assert journal.iloc[0][["Utilisateur", "Événement"]].tolist() == ["lt.lang", "Connexion refusée"]


def test_animateur_reads_and_imports_only_its_sector(secured):
    app = signed_in("lt.lang")
    assert not app.exception
    ranking = next(df.value for df in app.dataframe if "Rang" in df.value.columns)
    assert ranking["Secteur"].tolist() == ["Stiring-Wendel"]
    app.switch_page("pages/import_trackers.py").run()
    app.file_uploader(key="uploads").upload("suivi.xlsx", (FIXTURES / "title-lines.xlsx").read_bytes(),
                                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    # the file names no sector: the choice offers only his own
    assert app.selectbox(key="upload_sector").options == ["Lu dans le fichier (feuille, colonne ou nom du fichier)",
                                                          "Stiring-Wendel"]


def test_animateur_cannot_import_for_another_sector(secured):
    app = signed_in("lt.lang")
    app.switch_page("pages/import_trackers.py").run()
    forbach = (ROOT / "sample_data" / "suivi_gpo_forbach.xlsx").read_bytes()
    app.file_uploader(key="uploads").upload("suivi_gpo_forbach.xlsx", forbach,
                                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    assert "pas autorisé à importer" in " ".join(e.value for e in app.error)
    assert not [b for b in app.button if b.label.startswith("Importer")]


def test_chef_de_csp_reads_its_csp_and_has_no_import_page(secured):
    app = signed_in("cdt.fischer")
    ranking = next(df.value for df in app.dataframe if "Rang" in df.value.columns)
    assert sorted(ranking["Secteur"]) == ["Behren-lès-Forbach", "Forbach – Bellevue-Wiesberg", "Stiring-Wendel"]
    with pytest.raises(Exception):
        app.switch_page("pages/import_trackers.py").run()  # not in his navigation: not reachable


def test_admin_sees_the_journal(secured):
    app = signed_in("admin")
    app.switch_page("pages/journal.py").run()
    assert not app.exception
    journal = next(df.value for df in app.dataframe if "Événement" in df.value.columns)
    assert "Connexion" in set(journal["Événement"])


def test_evaluation_export_is_prepared_once_and_journaled(secured):
    app = signed_in("admin")
    app.switch_page("pages/etat_des_donnees.py").run()
    app.button(key="evaluation_prepare").click().run()
    assert not app.exception
    assert app.get("download_button")
    events = read_audit(secured, event="export")
    assert len(events) == 1


def test_every_download_button_is_journaled():
    """AppTest cannot click a download button: check that each one records who downloaded what."""
    import ast

    for path in (ROOT / "pages").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "download_button":
                keywords = {k.arg: k.value for k in node.keywords}
                on_click = ast.unparse(keywords["on_click"]) if "on_click" in keywords else ""
                journaled = on_click == "incidents.callback(app_state.audit)"
                inside_if = path.name in ("journal.py", "etat_des_donnees.py")  # audited where the file is made
                assert journaled or inside_if, f"{path.name}: téléchargement non journalisé"


@pytest.fixture
def oidc(demo_store, monkeypatch):
    monkeypatch.setenv("GPO_DATABASE_URL", demo_store)
    monkeypatch.setenv("GPO_AUTH", "oidc")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()


ROLES_SECRET = {"groups": {"gpo-direction": {"role": "direction"}},
                "emails": {"cdt.fischer@interieur.gouv.fr": {"role": "chef_csp", "csp": "forbach"}}}


def test_oidc_user_mapped_by_email_reads_its_csp(oidc):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.secrets["gpo_roles"] = ROLES_SECRET
    app.user = {"is_logged_in": True, "email": "cdt.fischer@interieur.gouv.fr", "name": "Laurent Fischer"}
    app.run()
    assert not app.exception
    ranking = next(df.value for df in app.dataframe if "Rang" in df.value.columns)
    assert sorted(ranking["Secteur"]) == ["Behren-lès-Forbach", "Forbach – Bellevue-Wiesberg", "Stiring-Wendel"]


def test_oidc_user_without_a_role_sees_nothing(oidc):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.secrets["gpo_roles"] = ROLES_SECRET
    app.user = {"is_logged_in": True, "email": "inconnu@example.org"}
    app.run()
    assert "n'a accès à aucune donnée" in app.error[0].value
    assert not app.metric and not app.dataframe


ROLE_USERS = {
    "direction": {"role": "direction"},
    "chef_csp": {"role": "chef_csp", "csp": "forbach"},
    "animateur": {"role": "animateur", "sectors": ["stiring"]},
    "ecran": {"role": "ecran"},
    "admin": {"role": "admin"},
}


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_role_matrix_through_the_app(oidc, warm_server, role):
    """Each role × each page: a page of the role opens; any other is not reachable.

    One signed-in session on a running server (`warm_server`: dashboard.py's navigation serves every run) goes
    through every page in menu order, as a user would: each page of the role runs without an exception, each
    other page is refused by the navigation (AppTest raises before any run)."""
    from domain.access import Principal
    from navigation import PAGES, may_see_page

    mapping = {"emails": {f"{role}@interieur.gouv.fr": ROLE_USERS[role]}}
    who = Principal("x", "x", role, ROLE_USERS[role].get("csp"), frozenset(ROLE_USERS[role].get("sectors", [])))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.secrets["gpo_roles"] = mapping
    app.user = {"is_logged_in": True, "email": f"{role}@interieur.gouv.fr"}
    app.query_params["secteur"] = "stiring"
    app.run()
    assert not app.exception, (role, app.exception)
    for page in (page.path for page in PAGES):
        if may_see_page(who, page):
            app.switch_page(page).run()
            assert not app.exception, (role, page, app.exception)
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                app.switch_page(page)


# --- a link opened before login, screens and their tokens ---------------------------------------------------------------
@pytest.fixture
def warm_server(monkeypatch):
    """Run dashboard.py first on every AppTest run, as a running server does.

    Because the pages live in pages/, Streamlit serves a server's very first
    request the old way (the page file alone, which hands over to dashboard.py:
    see app_state.page_filters); its first st.navigation call switches the
    process to dashboard.py-first for good. AppTest resets that switch before
    every run, so without this each run would be a "first request", and a login
    form submitted there would be spent by the page file's hand-over.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def after_first_request(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", after_first_request)


def login_form_shown(app):
    return any(t.key == "login_name" for t in app.text_input)


def linked(page, **params):
    """A browser that followed a link to `page?params` and got the login screen (nothing signed in yet)."""
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.query_params.update(params)
    app.run()
    app.switch_page(page).run()  # the address names that page: Streamlit makes it the current one
    assert login_form_shown(app) and not app.dataframe and not app.get("plotly_chart")
    return app


def log_in(app, login, password=PASSWORD):
    app.text_input(key="login_name").input(login)
    app.text_input(key="login_password").input(password)
    app.button[0].click().run()
    assert not app.exception, app.exception
    return app


def test_login_opens_the_page_and_parameters_the_link_named(secured, warm_server):
    app = log_in(linked("pages/fiche_secteur.py", secteur="stiring", periode="3"), "cdt.fischer")
    assert app.title[0].value == "Fiche secteur"
    assert app.header[0].value == "Stiring-Wendel"  # the sector the link named, not the sector picker
    assert app.query_params["secteur"] == "stiring" and app.selectbox(key="f_period").value == 3


def test_screen_login_opens_the_kiosk_it_was_asked_for_and_puts_a_token_in_its_address(secured, warm_server):
    from store.screen_tokens import list_screen_tokens

    create_account(secured, "ecran.forbach", "Écran du commissariat de Forbach", "ecran", PASSWORD)
    app = log_in(linked("pages/mode_reunion.py", secteur="forbach", ecran="1", embed="true"), "ecran.forbach")
    slide = " ".join(h.value for h in app.get("html"))
    assert "GPO Forbach – Bellevue-Wiesberg" in slide and not app.title  # the kiosk slide, no page title
    token = app.query_params["jeton"]
    assert len(token) >= 40 and app.query_params["secteur"] == "forbach" and app.query_params["ecran"] == "1"
    tokens = list_screen_tokens(secured)
    assert tokens[["Compte", "Créé par", "État"]].values.tolist() == [["ecran.forbach", "ecran.forbach", "valable"]]

    # a reload is a new session: the address alone signs the screen in again, straight onto the slides
    reload = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    reload.query_params.update({"secteur": "forbach", "ecran": "1", "embed": "true", "jeton": token})
    reload.run()
    assert not reload.exception
    assert not login_form_shown(reload)
    assert "GPO Forbach – Bellevue-Wiesberg" in " ".join(h.value for h in reload.get("html"))
    journal = read_audit(secured, user="ecran.forbach")
    assert journal.iloc[0]["Détail"] == f"Connexion de l'écran par son jeton n° {tokens.loc[0, 'N°']}."


@pytest.mark.parametrize("end", ["disabled", "revoked", "role_changed"])
def test_a_token_stops_signing_in_once_ended(secured, end):
    from store.accounts import disable_account, update_account
    from store.screen_tokens import create_screen_token, revoke_screen_token

    create_account(secured, "ecran.forbach", "Écran du commissariat de Forbach", "ecran", PASSWORD)
    made = create_screen_token(secured, "ecran.forbach", by="admin")
    {"disabled": lambda: disable_account(secured, "ecran.forbach", by="admin"),
     "revoked": lambda: revoke_screen_token(secured, made.token_id, by="admin"),
     "role_changed": lambda: update_account(secured, "ecran.forbach", role="direction", by="admin")}[end]()
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.query_params.update({"secteur": "forbach", "ecran": "1", "embed": "true", "jeton": made.token})
    app.run()
    slides = [h for h in app.get("html") if "<style>" not in h.proto.body and "gpo-a11y-script" not in h.proto.body]
    assert login_form_shown(app) and not slides  # only the page's own style and accessibility script
    assert "Le lien de cet écran n'est plus valable" in app.info[0].value


def test_the_token_of_a_screen_opens_only_the_screen_pages(secured, warm_server):
    from store.screen_tokens import create_screen_token

    create_account(secured, "ecran.forbach", "Écran du commissariat de Forbach", "ecran", PASSWORD)
    token = create_screen_token(secured, "ecran.forbach", by="admin").token
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.query_params.update({"jeton": token})
    app.run()
    assert not app.exception and not login_form_shown(app)
    app.switch_page("pages/ecran_rotation.py").run()
    assert not app.exception
    for page in ("pages/vue_departementale.py", "pages/import_trackers.py", "pages/journal.py"):
        with pytest.raises(ValueError):
            app.switch_page(page)  # not in its navigation: no address


def test_import_is_recorded_under_the_signed_in_account(secured):
    app = signed_in("lt.lang")
    app.switch_page("pages/import_trackers.py").run()
    assert not [t for t in app.text_input if t.key == "uploader_name"]  # no free « Votre nom » field
    assert "Import enregistré au nom de : Lieutenant Thomas Lang" in [t.value for t in app.text]
    app.file_uploader(key="uploads").upload("row-errors.xlsx", (FIXTURES / "row-errors.xlsx").read_bytes(),
                                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    app.selectbox(key="upload_sector").select("stiring").run()
    next(c for c in app.checkbox if c.key.startswith("vanish_")).check().run()
    next(b for b in app.button if b.label == "Importer 15 ligne(s)").click().run()
    assert not app.exception
    assert any("Import n° 18 enregistré" in s.value for s in app.success)
    from store.queries import import_history

    newest = import_history(secured).sort_values("import_id").iloc[-1]
    assert (newest["import_id"], newest["imported_by"]) == (18, "Lieutenant Thomas Lang")


def test_admin_creates_and_revokes_a_screen_token_on_the_accounts_page(secured):
    from store.screen_tokens import screen_principal

    create_account(secured, "ecran.forbach", "Écran du commissariat de Forbach", "ecran", PASSWORD)
    app = signed_in("admin")
    app.switch_page("pages/admin_comptes.py").run()
    assert app.selectbox(key="token_account").options == ["ecran.forbach"]  # écran accounts only
    app.selectbox(key="token_account").select("ecran.forbach")
    app.number_input(key="token_days").set_value(30)
    next(b for b in app.button if b.label == "Créer un jeton").click().run()
    assert not app.exception
    assert app.success[0].value.startswith("Jeton n° 1 créé, valable jusqu'au ")
    token = app.code[0].value.removeprefix("&jeton=")
    assert screen_principal(secured, token).user_id == "ecran.forbach"
    tokens = next(df.value for df in app.dataframe if "Expire le" in df.value.columns)
    assert tokens[["N°", "Compte", "Créé par", "État"]].values.tolist() == [[1, "ecran.forbach", "admin", "valable"]]
    app.number_input(key="token_revoke_number").set_value(1)
    next(b for b in app.button if b.label == "Révoquer").click().run()
    assert "Jeton n° 1 révoqué" in app.success[0].value
    assert screen_principal(secured, token) is None
