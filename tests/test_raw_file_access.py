"""An import's file goes whole only to who may read every sector in it; others get their sector's extract.

The outside review (F2): the direction imported a workbook holding Stiring-Wendel's
and Freyming-Merlebach's rows (another CSP) and one row of an unknown sector; the
animateur of Stiring-Wendel downloaded it from « Historique des imports » and got
them all.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
import streamlit as st

from conftest import FIXTURES
from domain.raw_file_access import FileSectors, original_allowed
from domain.reference import default_reference
from loaders import load
from loaders.file_sectors import file_sectors
from store.accounts import create_account
from store.database import open_store
from store.queries import import_history
from test_auth_pages import PASSWORD, signed_in, three_accounts
from tracker_builder import base_tracker, write_xlsx

ALL = list(default_reference().sectors)
MULTI = FIXTURES / "multi-sector.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize("content, readable, allowed", [
    (FileSectors(frozenset({"stiring"})), frozenset({"stiring"}), True),
    (FileSectors(frozenset({"stiring"})), None, True),  # authentication off: the open demo
    (FileSectors(frozenset({"stiring", "freyming-merlebach"})), frozenset({"stiring"}), False),
    (FileSectors(frozenset({"stiring", "freyming-merlebach"})), frozenset({"stiring", "freyming-merlebach"}), True),
    (FileSectors(frozenset({"stiring"}), unassigned_rows=True), frozenset({"stiring", "forbach", "behren"}), False),
    (FileSectors(frozenset({"stiring"}), unassigned_rows=True), frozenset(ALL), True),  # the direction reads all
    (FileSectors(frozenset()), frozenset(), True),  # a blank template holds nobody's rows
])
def test_original_only_for_readers_of_every_sector_in_it(content, readable, allowed):
    assert original_allowed(content, readable, ALL) is allowed


def test_the_sectors_of_a_file_come_from_its_content(tmp_path):
    reference = default_reference()
    multi = file_sectors(MULTI.read_bytes(), "multi-secteurs.xlsx", reference=reference)
    assert multi == FileSectors(frozenset({"stiring", "freyming-merlebach"}), unassigned_rows=True)  # « Secteur inconnu »
    single = file_sectors((FIXTURES / "title-lines.xlsx").read_bytes(), "suivi.xlsx", reference=reference,
                          imported_into=["stiring"])
    assert single == FileSectors(frozenset({"stiring"}))  # names no sector: the one it was imported into
    broken = file_sectors(b"%PDF-1.7 pas un tableur", "suivi.xlsx", reference=reference, imported_into=["stiring"])
    assert broken.unassigned_rows  # cannot be read any more: only those who read everything get it

    # a « Secteur » sheet says Stiring-Wendel, but a « Secteur » column puts one problem in Forbach
    tracker = base_tracker(seed=3)
    sectors = ["Stiring-Wendel"] * len(tracker.rows["problems"])
    sectors[2] = "Forbach"
    path = tmp_path / "suivi.xlsx"
    write_xlsx(path, tracker, sector_sheet={"Secteur": "Stiring-Wendel"}, extra_columns={"problems": {"Secteur": sectors}})
    assert "sector_mismatch" in {i.code for r in load(path) for i in r.issues}
    assert file_sectors(path.read_bytes(), "suivi.xlsx", reference=reference).sectors == {"stiring", "forbach"}


@pytest.fixture
def downloads(monkeypatch):
    """What each download button of an AppTest run would hand the browser: (bytes, file name), by button."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    saved = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        saved[file_id] = (path_or_data, filename)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return lambda button: saved[button.proto.url.rsplit("/", 1)[-1].split(".")[0]]


def direction_imports_the_multi_sector_workbook(engine):
    """The accounts of tests/test_auth_pages.py and the direction's, who imports the multi-sector workbook through the
    Import page: one import per known sector."""
    three_accounts(engine)
    create_account(engine, "cdt.moreau", "Commissaire Divisionnaire Moreau", "direction", PASSWORD)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GPO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
        env.setenv("GPO_AUTH", "local")
        st.cache_resource.clear()
        st.cache_data.clear()
        app = signed_in("cdt.moreau")
        app.switch_page("pages/import_trackers.py").run()
        app.file_uploader(key="uploads").upload("multi-secteurs.xlsx", MULTI.read_bytes(), XLSX).run()
        for _ in range(3):
            keys = [b.key.removeprefix("import_") for b in app.button if (b.key or "").startswith("import_")]
            if not keys:
                break
            if f"vanish_{keys[0]}" in [c.key for c in app.checkbox]:  # the demo rows this import replaces
                app.checkbox(key=f"vanish_{keys[0]}").check().run()
            app.button(key=f"import_{keys[0]}").click().run()
        assert not app.exception
        st.cache_resource.clear()


@pytest.fixture
def multi_imported(demo_store_with, monkeypatch):
    """A copy of the demo store in which the direction imported the multi-sector workbook through the Import page (done
    once per session): the import ids by sector."""
    url = demo_store_with(direction_imports_the_multi_sector_workbook)
    monkeypatch.setenv("GPO_DATABASE_URL", url)
    monkeypatch.setenv("GPO_AUTH", "local")
    st.cache_resource.clear()
    st.cache_data.clear()
    engine = open_store(url)
    history = import_history(engine)
    engine.dispose()
    imported = history[history["file_name"] == "multi-secteurs.xlsx"]
    assert sorted(imported["sector_id"]) == ["freyming-merlebach", "stiring"]
    assert imported["sha256"].nunique() == 1  # one raw file for both sectors
    yield dict(zip(imported["sector_id"], imported["import_id"]))
    st.cache_resource.clear()


def _history_of(login, import_id):
    app = signed_in(login)
    app.switch_page("pages/import_history.py").run()
    app.selectbox(key="history_import").set_value(import_id).run()
    assert not app.exception
    return app


def test_animateur_of_one_sector_gets_only_his_sectors_extract(multi_imported, downloads):
    app = _history_of("lt.lang", multi_imported["stiring"])
    button = app.get("download_button")[0]
    assert button.proto.label == "Télécharger l'extrait de votre secteur (.xlsx)"
    data, name = downloads(button)
    assert name == "multi-secteurs_extrait_stiring.xlsx"
    assert data != MULTI.read_bytes()

    results = load(data, filename=name)  # a tracker again, holding Stiring-Wendel's rows only
    assert [r.sector_id for r in results] == ["stiring"] and results[0].ok
    rows = sum(len(frame) for frame in results[0].frames.values())
    stiring_rows = sum(len(f) for f in next(r for r in load(MULTI) if r.sector_id == "stiring").frames.values())
    assert rows == stiring_rows == 11
    notice = " ".join(i.value for i in app.info)
    assert f"Ce fichier contenait aussi d'autres secteurs : vous recevez l'extrait de votre secteur ({rows} lignes)." in notice
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = " ".join(str(c.value) for s in (book["Réunions"], book["Problèmes"], book["Actions"])
                     for row in s.iter_rows() for c in row if c.value is not None)
    assert "FREMING" not in cells.upper() and "FREYMING" not in cells.upper() and "inconnu" not in cells


def test_direction_gets_the_original_file(multi_imported, downloads):
    app = _history_of("cdt.moreau", multi_imported["stiring"])
    button = app.get("download_button")[0]
    assert button.proto.label == "Télécharger le fichier d'origine"
    assert downloads(button) == (MULTI.read_bytes(), "multi-secteurs.xlsx")
    assert not [i for i in app.info if "extrait" in i.value]


def test_chef_de_csp_of_one_of_its_sectors_gets_the_extract(multi_imported, downloads):
    app = _history_of("cdt.fischer", multi_imported["stiring"])  # reads the CSP of Forbach, not Freyming-Merlebach's
    data, name = downloads(app.get("download_button")[0])
    assert name.endswith("_extrait_stiring.xlsx")
    assert [r.sector_id for r in load(data, filename=name)] == ["stiring"]
