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


@pytest.fixture
def secured(demo_store, monkeypatch):
    url = demo_store  # the data a real deployment would have imported
    monkeypatch.setenv("GPO_DATABASE_URL", url)
    monkeypatch.setenv("GPO_AUTH", "local")
    engine = open_store(url)
    create_account(engine, "lt.lang", "Lieutenant Thomas Lang", "animateur", PASSWORD, sector_ids=["stiring"])
    create_account(engine, "cdt.fischer", "Commandant Laurent Fischer", "chef_csp", PASSWORD, csp_id="forbach")
    create_account(engine, "admin", "Administrateur", "admin", PASSWORD)
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
    assert app.title[0].value == "Tableau de bord des GPO de Moselle"
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
def test_role_matrix_through_the_app(oidc, role):
    """Each role × each page: a page of the role opens; any other is not reachable."""
    from domain.access import ALL_PAGES, may_see_page, Principal

    mapping = {"emails": {f"{role}@interieur.gouv.fr": ROLE_USERS[role]}}
    who = Principal("x", "x", role, ROLE_USERS[role].get("csp"), frozenset(ROLE_USERS[role].get("sectors", [])))
    for page in ALL_PAGES:
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        app.secrets["gpo_roles"] = mapping
        app.user = {"is_logged_in": True, "email": f"{role}@interieur.gouv.fr"}
        app.query_params["secteur"] = "stiring"
        app.run()
        if may_see_page(who, page):
            app.switch_page(page).run()
            assert not app.exception, (role, page, app.exception)
        else:
            with pytest.raises(Exception):
                app.switch_page(page).run()
