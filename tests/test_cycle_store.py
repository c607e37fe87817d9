"""The cycle and the partner contacts in the store (issues 13 and 14): migration 4 of a store holding data, the
import of a tracker with or without the optional sheets, the diff shown before confirming, the one-sheet CSVs, and
the pages' data layer, scoped to the sectors a user may read. On SQLite and PostgreSQL where a store is involved.
"""

import datetime as dt
import sqlite3
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from conftest import AS_OF, FIXTURES
from domain.reference import default_reference
from domain.tracker_diff import diff_details, diff_summary
from domain.tracker_schema import SHEET_ORDER, conformance_problems
from loaders import load
from loaders.tracker_export import write_filled_tracker
from store import database, tables
from store.backup import restore
from store.database import open_store
from store.imports import READY, ImportNotAllowed, Uploader, commit_import, plan_import
from store.queries import current_frames, file_frames, import_frames, import_history, import_issues

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
V3_STORE = FIXTURES / "store-v3-with-data.sql"
ADMIN = Uploader("Cne Meyer")
FORBACH = default_reference().sectors["forbach"]


def _plan(engine, path: Path, *, sector=None, data=None):
    data = data if data is not None else path.read_bytes()
    result = load(data, filename=path.name, sector=sector, as_of=AS_OF)[0]
    return plan_import(engine, result, data, ADMIN), data


def _import(engine, path: Path, *, sector=None, accept_vanished=True, data=None):
    plan, data = _plan(engine, path, sector=sector, data=data)
    assert plan.status == READY, plan.message
    return plan, commit_import(engine, plan, data, ADMIN, accept_vanished=accept_vanished, as_of=AS_OF)


def _frames(name: str) -> dict[str, pd.DataFrame]:
    return {k: f.copy() for k, f in load(SAMPLES / name, as_of=AS_OF)[0].frames.items()}


def _without_sheets(path: Path, *names: str) -> Path:
    """The workbook as an animator keeps it who deleted the optional sheets (or never had them)."""
    book = openpyxl.load_workbook(path)
    for name in names:
        del book[name]
    book.save(path)
    return path


# --- migration 4 ---------------------------------------------------------------------------------------------------

def _v3_file(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.executescript(V3_STORE.read_text(encoding="utf-8"))
    conn.close()
    return path


def _rows(path: Path, table: str) -> pd.DataFrame:
    with sqlite3.connect(path) as conn:
        frame = pd.read_sql(f'SELECT * FROM "{table}"', conn)
    conn.close()
    return frame.sort_values(list(frame.columns)[:3], kind="stable").reset_index(drop=True)


def _schema(engine: sa.Engine) -> dict:
    inspector = sa.inspect(engine)
    return {name: (sorted((c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(name)),
                   sorted((i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(name)))
            for name in inspector.get_table_names()}


def test_a_v3_store_holding_data_is_migrated_and_keeps_every_row(tmp_path):
    """The store as the v3 code wrote it (two imports, rejected lines, issues, the raw files), opened by this code:
    migration 4 adds the two tables, the three Problèmes columns and the four counters, and changes no row."""
    old = _v3_file(tmp_path / "v3.sqlite")
    kept = ("imports", "raw_files", "meetings", "problems", "actions", "import_issues", "rejected_rows")
    before = {table: _rows(old, table) for table in kept}
    assert "diagnostics" not in sa.inspect(sa.create_engine(f"sqlite:///{old}")).get_table_names()
    engine = open_store(f"sqlite:///{old}")
    with engine.connect() as conn:
        assert sorted(conn.execute(sa.select(tables.schema_version.c.version)).scalars()) == [1, 2, 3, 4]
    new = open_store(f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert _schema(engine) == _schema(new)  # the same tables, columns, types, nullability and indexes as a new store
    for table in kept:
        after = _rows(old, table)
        pd.testing.assert_frame_equal(after[list(before[table].columns)], before[table], obj=table)
    problems = _rows(old, "problems")
    assert problems[["stage", "outcome", "lead_partner"]].isna().all().all() and len(problems) == 19
    counters = _rows(old, "imports")[list(tables.LATER_IMPORT_COUNTERS)]
    assert (counters == 0).all().all()
    for table in ("diagnostics", "partners"):
        assert _rows(old, table).empty

    frames = current_frames(engine)
    for key in SHEET_ORDER:
        assert not conformance_problems(frames[key], key), key
    assert frames["problems"].groupby("sector_id").size().to_dict() == {"forbach": 16, "stiring": 3}
    history = import_history(engine)
    assert history[["diagnostics_read", "partners_accepted"]].eq(0).all().all()
    old_forbach = int(history.loc[history["sector_id"] == "forbach", "import_id"].item())
    # the store goes on: today's Forbach tracker, with its diagnostics and contacts, on top of the migrated one
    plan, new_id = _import(engine, SAMPLES / "suivi_gpo_forbach.xlsx")
    assert plan.diff.sheets["diagnostics"].added.shape[0] == 2 and not plan.diff.vanished_count
    assert len(current_frames(engine, ["forbach"])["partners"]) == 8
    with engine.connect() as conn:
        older = import_frames(conn, old_forbach)
    assert older["diagnostics"].empty and len(older["problems"]) == 16 and older["problems"]["outcome"].isna().all()
    line = import_history(engine).set_index("import_id").loc[new_id]
    assert (line["diagnostics_read"], line["diagnostics_accepted"], line["partners_accepted"]) == (2, 2, 8)
    engine.dispose()
    new.dispose()


def test_a_v3_backup_restores_into_todays_store(store_engine, tmp_path):
    """A backup made before migration 4 (a v3 store file) restores into SQLite and PostgreSQL: migrated on a copy,
    every row copied, the new tables empty."""
    backup_file = _v3_file(tmp_path / "sauvegarde-v3.sqlite")
    copied = restore(store_engine, backup_file, by="admin (test)")
    assert (copied.rows["imports"], copied.rows["problems"], copied.rows["diagnostics"]) == (2, 19, 0)
    frames = current_frames(store_engine)
    assert frames["problems"].groupby("sector_id").size().to_dict() == {"forbach": 16, "stiring": 3}
    assert frames["diagnostics"].empty and frames["partners"].empty
    assert set(import_history(store_engine)["diagnostics_accepted"]) == {0}
    _import(store_engine, SAMPLES / "suivi_gpo_forbach.xlsx")  # and goes on
    assert len(current_frames(store_engine, ["forbach"])["diagnostics"]) == 2


# --- importing the optional sheets ---------------------------------------------------------------------------------

@pytest.fixture
def engine(store_engine):
    return store_engine


def test_a_workbook_without_the_optional_sheets_keeps_the_sectors_current_ones(engine, tmp_path):
    """An animator uploads his old file (no Diagnostic, no Partenaires) after the sector's tracker had them: they
    stay as they are (same rows, same source), said in the report; the diff has nothing to say about them."""
    _, first = _import(engine, SAMPLES / "suivi_gpo_forbach.xlsx")
    before = current_frames(engine, ["forbach"])
    frames = _frames("suivi_gpo_forbach.xlsx")
    frames["meetings"].loc[frames["meetings"].index[-1], "status"] = "held"
    path = write_filled_tracker(tmp_path / "suivi_gpo_forbach_ancien.xlsx", frames, sector=FORBACH)
    _without_sheets(path, "Diagnostic", "Partenaires")
    plan, data = _plan(engine, path)
    assert plan.status == READY and list(plan.diff.sheets) == ["meetings", "problems", "actions"]
    kept = [i for i in plan.result.issues if i.code == "optional_sheet_kept"]
    assert [(i.sheet, i.severity, i.message) for i in kept] == [
        ("diagnostics", "info", "Ce fichier ne contient pas de feuille « Diagnostic » (facultative) : les 2 ligne(s) "
                                "actuelle(s) du secteur pour cette feuille sont gardées telles quelles."),
        ("partners", "info", "Ce fichier ne contient pas de feuille « Partenaires » (facultative) : les 8 ligne(s) "
                             "actuelle(s) du secteur pour cette feuille sont gardées telles quelles.")]
    import_id = commit_import(engine, plan, data, ADMIN, as_of=AS_OF)
    after = current_frames(engine, ["forbach"])
    for key in ("diagnostics", "partners"):
        pd.testing.assert_frame_equal(after[key], before[key], obj=key)  # source_file and source_row included
    assert set(after["partners"]["source_file"]) == {"suivi_gpo_forbach.xlsx"}
    line = import_history(engine).set_index("import_id").loc[import_id]
    assert (line["diagnostics_read"], line["diagnostics_accepted"], line["partners_accepted"]) == (2, 2, 8)
    assert "optional_sheet_kept" in {i.code for i in import_issues(engine, import_id)}
    assert first < import_id
    with engine.connect() as conn:  # what the file itself held (an extract of it holds no more)
        held = file_frames(conn, import_id)
    assert held["diagnostics"].empty and held["partners"].empty and len(held["problems"]) == 16


def test_emptying_a_diagnostic_sheet_empties_it_once_confirmed(engine, tmp_path):
    _import(engine, SAMPLES / "suivi_gpo_forbach.xlsx")
    frames = _frames("suivi_gpo_forbach.xlsx")
    frames["diagnostics"] = frames["diagnostics"].iloc[0:0]
    path = write_filled_tracker(tmp_path / "suivi_gpo_forbach.xlsx", frames, sector=FORBACH)
    plan, data = _plan(engine, path)
    assert plan.diff.vanished_count == 2
    details = diff_details(plan.diff)
    assert details["Diagnostics qui disparaîtraient"][
        "Date du diagnostic"].tolist() == ["14/10/2025", "26/09/2026"]
    with pytest.raises(ImportNotAllowed, match="2 ligne\\(s\\) de l'import précédent disparaîtraient"):
        commit_import(engine, plan, data, ADMIN, as_of=AS_OF)
    commit_import(engine, plan, data, ADMIN, accept_vanished=True, as_of=AS_OF)
    assert current_frames(engine, ["forbach"])["diagnostics"].empty


def test_the_diff_before_confirming_covers_diagnostics_partners_and_the_new_columns(engine, tmp_path):
    _import(engine, SAMPLES / "suivi_gpo_forbach.xlsx")
    frames = _frames("suivi_gpo_forbach.xlsx")
    diagnostics, partners, problems = frames["diagnostics"], frames["partners"], frames["problems"]
    diagnostics.loc[1, "summary"] = "Synthèse revue après la réunion de novembre"
    frames["diagnostics"] = pd.concat([diagnostics, diagnostics.iloc[[1]].assign(
        diagnosed_on=pd.Timestamp("2026-11-20"), title="Diagnostic complémentaire")], ignore_index=True)
    partners.loc[0, "opted_out"] = True  # the same contact (organisation and e-mail), who asked not to be written to
    partners.loc[1, "email"] = partners.loc[1, "email"].upper()  # the same address in capitals: the same contact
    partners.loc[2, "email"] = "nouvelle.adresse@police-municipale-de-forbach.example.org"  # another contact
    problems.loc[problems["problem_id"] == "P-13", "stage"] = "response"
    path = write_filled_tracker(tmp_path / "suivi_gpo_forbach.xlsx", frames, sector=FORBACH)
    plan, _ = _plan(engine, path)
    summary = diff_summary(plan.diff).set_index("Feuille")
    assert summary.loc["Diagnostic"].to_dict() == {"Nouvelles lignes": 1, "Changements de statut": 0,
                                                   "Autres modifications": 1, "Lignes disparues": 0}
    assert summary.loc["Partenaires"].to_dict() == {"Nouvelles lignes": 1, "Changements de statut": 0,
                                                    "Autres modifications": 2, "Lignes disparues": 1}
    assert summary.loc["Problèmes", "Autres modifications"] == 1  # the stage
    details = diff_details(plan.diff)
    assert details["Nouvelles lignes : diagnostics"].to_dict("records") == [
        {"Date du diagnostic": "20/11/2026", "Titre": "Diagnostic complémentaire",
         "Problèmes prioritaires": "P-01;P-03;P-10;P-15"}]
    assert details["Partenaires qui disparaîtraient"]["Courriel"].tolist() == [
        "accueil@police-municipale-de-forbach.example.org"]


# --- one-sheet CSVs ------------------------------------------------------------------------------------------------

def test_a_diagnostic_csv_replaces_the_diagnostics_and_checks_its_problems_against_the_sectors(engine, tmp_path):
    """Recognised by its headers (Excel's semicolon CSV, Windows-1252, a title line), its priority problems looked
    up among the sector's current problems: one unknown is warned about and kept, the others take their spelling."""
    _import(engine, SAMPLES / "suivi_gpo_forbach.xlsx")
    before = current_frames(engine, ["forbach"])
    path = tmp_path / "export_du_classeur.csv"
    path.write_bytes(("Diagnostics du secteur;;;;\r\n"
                      "Date du diagnostic;Titre;Partagé le;Problèmes prioritaires;Synthèse\r\n"
                      "14/10/2025;Diagnostic 2025;03/11/2025;p-01;Nuisances sonores\r\n"
                      "20/11/2026;Diagnostic 2026;;P-02, P-77 ;« Rodéos »\r\n").encode("cp1252"))
    plan, data = _plan(engine, path, sector="forbach")
    assert plan.status == READY and plan.kept_sheets == ("meetings", "problems", "actions", "partners")
    assert [(i.row, i.column, i.value, i.code) for i in plan.result.issues if i.severity == "warning"] == [
        (4, "Problèmes prioritaires", "P-77", "unknown_current_priority_problem")]
    assert "problems_not_checked" not in {i.code for i in plan.result.issues}  # they were checked
    assert plan.scope_message == ("Ce fichier CSV ne contient que la feuille « Diagnostic » : elle remplace celle des "
                                  "données actuelles du secteur ; les feuilles « Réunions », « Problèmes », « Actions » "
                                  "et « Partenaires » restent inchangées.")
    assert diff_summary(plan.diff).to_dict("records") == [{"Feuille": "Diagnostic", "Nouvelles lignes": 1,
                                                           "Changements de statut": 0, "Autres modifications": 1,
                                                           "Lignes disparues": 1}]
    commit_import(engine, plan, data, ADMIN, accept_vanished=True, as_of=AS_OF)
    after = current_frames(engine, ["forbach"])
    assert after["diagnostics"]["priority_problem_ids"].tolist() == ["P-01", "P-02;P-77"]
    assert after["diagnostics"]["source_row"].tolist() == [3, 4]
    for key in ("meetings", "problems", "actions", "partners"):
        pd.testing.assert_frame_equal(after[key], before[key], obj=key)


def test_a_partners_csv_replaces_the_contacts(engine, tmp_path):
    _import(engine, SAMPLES / "suivi_gpo_forbach.xlsx")
    path = tmp_path / "contacts.csv"
    path.write_text("Structure,Type,Interlocuteur,Courriel,Ne plus écrire\n"
                    "Mairie de Forbach,Mairie,Cabinet du maire,cabinet@mairie-de-forbach.example.org,\n"
                    "Moselis,,Responsable de secteur,secteur@moselis.invalid,oui\n", encoding="utf-8-sig")
    _, import_id = _import(engine, path, sector="forbach")
    partners = current_frames(engine, ["forbach"])["partners"]
    assert partners[["organisation", "partner_type", "opted_out"]].values.tolist() == [
        ["Mairie de Forbach", "mairie", False], ["Moselis", "bailleur", True]]
    assert len(current_frames(engine, ["forbach"])["diagnostics"]) == 2
    line = import_history(engine).set_index("import_id").loc[import_id]
    assert (line["partners_read"], line["partners_accepted"], line["diagnostics_accepted"]) == (2, 2, 2)


# --- the pages' data layer -----------------------------------------------------------------------------------------

def _data_script():
    """What a page gets from `app_state.data`: the sectors of each sheet's rows."""
    import streamlit as st

    from app_state import data

    frames, _ = data.current_data()
    for key in ("meetings", "problems", "diagnostics", "partners"):
        st.text(f"{key}: " + ",".join(sorted(set(frames[key]["sector_id"]))))


@pytest.mark.parametrize("small_scope", [24, 0])  # a few sectors read on their own / filtered from the shared frames
def test_the_pages_get_the_diagnostics_and_contacts_of_the_sectors_they_may_read(demo_store, monkeypatch, small_scope):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import app_state.data

    monkeypatch.setenv("GPO_DATABASE_URL", demo_store)
    monkeypatch.setattr(app_state.data, "SMALL_SCOPE", small_scope)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        every = AppTest.from_function(_data_script, default_timeout=60).run()
        assert not every.exception
        shown = {t.value.split(": ")[0]: set(t.value.split(": ")[1].split(",")) for t in every.text}
        assert {"forbach", "woippy", "amneville"} <= shown["diagnostics"] and "behren" not in shown["diagnostics"]
        assert len(shown["partners"]) == 14
        monkeypatch.setattr(app_state.data, "readable", lambda: frozenset({"stiring", "forbach"}))
        scoped = AppTest.from_function(_data_script, default_timeout=60).run()
        assert not scoped.exception
        assert [t.value for t in scoped.text] == ["meetings: forbach,stiring", "problems: forbach,stiring",
                                                  "diagnostics: forbach,stiring", "partners: forbach,stiring"]
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
