"""« Compte rendu de la réunion » on the meeting page, through AppTest on a copy of the demo store: the animator
records a meeting, reads the same report and changes as on the Import page, confirms, and the new version of the
tracker is imported (import row, archived file, journal), shown on the meeting screen and offered for download."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import streamlit as st
from pypdf import PdfReader

from domain.meeting_record import MeetingRecord, NewAction
from domain.record_application import apply_record
from domain.reference import default_reference
from loaders import load
from loaders.tracker_export import filled_tracker_bytes
from store.accounts import create_account
from store.audit import read_audit
from store.database import open_store
from store.imports import REFUSED, ImportNotAllowed, Uploader, commit_import, plan_import
from store.queries import current_frames, import_history, raw_file

from conftest import FIXTURES
from test_auth_pages import PASSWORD, linked, log_in
from test_auth_pages import warm_server  # noqa: F401 (a fixture, used by name)

K = "cr_forbach_"
ACTION = "Patrouilles renforcées place du Marché"


def slide_text(app) -> str:
    return " ".join(str(h.proto.body) for h in app.get("html"))


def open_meeting_page(app, **params) -> None:
    app.query_params["secteur"] = "forbach"
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    app.switch_page("pages/mode_reunion.py").run()
    assert not app.exception


def fill_the_record(app) -> None:
    """Attendance, one new action, one action done, as the animator would at the end of the meeting."""
    app.checkbox(key=K + "mayor").check()
    app.checkbox(key=K + "national_police").check()
    app.multiselect(key=K + "partners").select("Vivest")
    app.number_input(key=K + "attendees").set_value(9)
    app.text_area(key=K + "notes").input("Tour de table <b>complet</b>")
    app.run()
    app.selectbox(key=K + "a_problem").select("P-13")
    app.text_input(key=K + "a_description").input(ACTION)
    app.selectbox(key=K + "a_partner").select("Commissariat de Forbach")
    app.date_input(key=K + "a_due").set_value(dt.date(2026, 12, 5))
    app.button(key=K + "a_add").click().run()
    app.selectbox(key=K + "as_action").select("A-21")
    app.button(key=K + "as_add").click().run()
    assert not app.exception


def diff_summary(app):
    return next(df.value for df in app.dataframe if "Changements de statut" in df.value.columns).set_index("Feuille")


def confirm_button(app):
    return next(b for b in app.button if b.label.startswith("Confirmer l'enregistrement"))


def test_recording_a_meeting_goes_through_the_upload_path(app, demo_store):
    engine = open_store(demo_store)
    imports_before = len(import_history(engine))
    open_meeting_page(app)
    assert "Compte rendu de la réunion" in [s.value for s in app.subheader]
    fill_the_record(app)
    listed = " ".join(m.value for m in app.markdown)
    assert "Nouvelle action pour P-13 : Patrouilles renforcées place du Marché — Commissariat de Forbach" in listed
    assert "Action A-21 : réalisée" in listed
    app.text_input(key=K + "name").input("Cne Meyer").run()
    app.button(key=K + "save").click().run()
    assert not app.exception

    # the Import page's review: its report, its changes, its confirmation
    assert "Rapport de contrôle" in [s.value for s in app.subheader]
    summary = diff_summary(app)
    assert summary.loc["Réunions", "Nouvelles lignes"] == 1  # the meeting of the 25th, held
    assert summary.loc["Actions", "Nouvelles lignes"] == 1
    assert summary.loc["Actions", "Changements de statut"] == 1
    assert summary.loc["Problèmes"].tolist() == [0, 0, 0, 0]
    assert len(import_history(engine)) == imports_before  # nothing written before the confirmation
    confirm_button(app).click().run()
    assert not app.exception
    assert any("Compte rendu de la réunion du 25/11/2026 enregistré : import n° 18" in s.value for s in app.success)

    # the import as an upload's: its row, its archived file, its journal entry
    newest = import_history(engine).sort_values("import_id").iloc[-1]
    assert (newest["import_id"], newest["sector_id"], newest["imported_by"], newest["file_name"]) == (
        18, "forbach", "Cne Meyer", "suivi_gpo_forbach_reunion_2026-11-25.xlsx")
    saved = app.session_state[K + "saved"]
    assert raw_file(engine, newest["sha256"]) == saved.draft.data  # the download is the archived file
    journal = read_audit(engine, event="import")
    assert journal.iloc[0]["Détail"] == "Import n° 18 : suivi_gpo_forbach_reunion_2026-11-25.xlsx (81 ligne(s))"  # 71 lines of meetings, problems and actions + 2 diagnostics + 8 contacts
    assert journal.iloc[0]["Secteur"] == "forbach"

    frames = current_frames(engine, ["forbach"])
    actions = frames["actions"].set_index("action_id")
    assert actions.loc["A-26", ["problem_id", "description", "partner", "status"]].tolist() == [
        "P-13", ACTION, "Commissariat de Forbach", "todo"]
    assert actions.loc["A-21", "status"] == "done"
    meeting = frames["meetings"].set_index("meeting_date").loc["2026-11-25"]
    assert (meeting["status"], meeting["mayor_present"], meeting["municipal_police_present"], meeting["attendees"],
            meeting["other_partners"], meeting["notes"]) == ("held", True, False, 9, "Vivest", "Tour de table <b>complet</b>")
    assert len(frames["actions"]) == 26 and len(frames["problems"]) == 16  # nothing else added or lost

    # downloads offered, the PDF tells the decisions; the record starts afresh
    labels = [str(b.proto.label) for b in app.get("download_button")]
    assert "Télécharger le tableau de suivi à jour (.xlsx)" in labels and "Télécharger le compte rendu (PDF)" in labels
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(saved.pdf)).pages)
    assert "Patrouilles renforcées place du" in pdf and "A-26" in pdf and "Le 08/12/2026." in pdf
    assert not [b for b in app.button if b.label.startswith("Confirmer")]
    assert not [b for b in app.button if b.label == "Retirer"]

    # the meeting screen reads the new import: the new action is due before the next meeting (08/12)
    if app.button(key="meeting_forbach_pause").label.startswith("Pause"):
        app.button(key="meeting_forbach_pause").click().run()  # the slides stop moving on their own
    for _ in range(6):  # wherever the slideshow stands, one full turn passes slide 3
        if "3. À faire avant la prochaine réunion (08/12/2026)" in slide_text(app):
            break
        app.button(key="meeting_forbach_next").click().run()
    assert "3. À faire avant la prochaine réunion (08/12/2026)" in slide_text(app)
    assert "Patrouilles renforcées place du Marché" in slide_text(app)


def test_a_record_that_cannot_be_saved_is_said_in_french(app, demo_store):
    open_meeting_page(app)
    app.date_input(key=K + "next_meeting").set_value(dt.date(2026, 11, 20)).run()
    app.button(key=K + "save").click().run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert "ne peut pas être enregistré" in errors and "doit être postérieure à la réunion du 25/11/2026" in errors
    assert not [b for b in app.button if b.label.startswith("Confirmer")]
    # a decision added without what it needs: said under its form, nothing added
    app.button(key=K + "a_add").click().run()
    assert "Indiquez le problème, l'action, le partenaire responsable, l'échéance." in [e.value for e in app.error]
    assert app.session_state[K + "decisions"] == []


def test_a_record_changed_after_enregistrer_must_be_checked_again(app):
    open_meeting_page(app)
    app.text_input(key=K + "name").input("Cne Meyer").run()
    app.button(key=K + "save").click().run()
    assert confirm_button(app)
    app.number_input(key=K + "attendees").set_value(12).run()
    assert not [b for b in app.button if b.label.startswith("Confirmer")]
    assert any("a changé depuis « Enregistrer »" in i.value for i in app.info)


def test_a_record_written_before_another_import_is_written_again(app, demo_store):
    """Between « Enregistrer » and the confirmation, someone imports Forbach's tracker again: the version written
    from the old data is not offered; the next « Enregistrer » starts from the new data."""
    open_meeting_page(app)
    app.text_input(key=K + "name").input("Cne Meyer").run()
    app.button(key=K + "save").click().run()
    assert confirm_button(app)
    engine = open_store(demo_store)
    reference = default_reference()  # Forbach's current data exported, then imported: same rows, another import
    data = filled_tracker_bytes(current_frames(engine, ["forbach"]), sector=reference.sectors["forbach"],
                                reference=reference)
    result = load(data, filename="suivi_gpo_forbach.xlsx", sector="forbach", as_of=dt.date(2026, 11, 25))[0]
    uploader = Uploader("Lt Lang")
    commit_import(engine, plan_import(engine, result, data, uploader), data, uploader)
    app.run()
    assert not [b for b in app.button if b.label.startswith("Confirmer")]
    assert any("importé à nouveau depuis « Enregistrer »" in i.value for i in app.info)
    app.button(key=K + "save").click().run()
    assert confirm_button(app)


def test_rows_rejected_at_the_last_import_are_said_to_be_left_out(app, demo_store):
    """Stiring's current import kept 10 lines rejected for errors: the new version, written from the current data,
    will not hold them, and the page says so before anything is saved."""
    engine = open_store(demo_store)
    data = (FIXTURES / "row-errors.xlsx").read_bytes()
    result = load(data, filename="row-errors.xlsx", sector="stiring", as_of=dt.date(2026, 11, 25))[0]
    commit_import(engine, plan_import(engine, result, data, Uploader("Cne Meyer")), data, Uploader("Cne Meyer"),
                  accept_vanished=True)
    app.query_params["secteur"] = "stiring"
    app.run()
    app.switch_page("pages/mode_reunion.py").run()
    assert not app.exception
    assert any("(import n° 18) a 10 ligne(s) rejetée(s) à son import : elles ne figureront pas dans la nouvelle version"
               in w.value for w in app.warning)


def test_no_record_on_the_projector_screen(app):
    open_meeting_page(app, ecran="1")
    assert "Compte rendu de la réunion" not in [s.value for s in app.subheader]
    assert not [w for w in app.button if (w.key or "").startswith(K)]


# --- with accounts: only who may import for the sector records its meetings ---------------------------------------
def animateur_and_chef(engine):
    create_account(engine, "cne.weber", "Capitaine Anne Weber", "animateur", PASSWORD, sector_ids=["forbach"])
    create_account(engine, "cdt.fischer", "Commandant Laurent Fischer", "chef_csp", PASSWORD, csp_id="forbach")


@pytest.fixture
def secured(demo_store_with, monkeypatch):
    url = demo_store_with(animateur_and_chef)  # the demo store with these accounts, made once per session
    monkeypatch.setenv("GPO_DATABASE_URL", url)
    monkeypatch.setenv("GPO_AUTH", "local")
    engine = open_store(url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield engine
    st.cache_resource.clear()


def test_the_animateur_of_the_sector_records_under_his_account(secured, warm_server):
    app = log_in(linked("pages/mode_reunion.py", secteur="forbach"), "cne.weber")
    assert not [t for t in app.text_input if t.key == K + "name"]  # no typed name: the account's
    assert "Enregistré au nom de : Capitaine Anne Weber" in [t.value for t in app.text]
    fill_the_record(app)
    app.button(key=K + "save").click().run()
    confirm_button(app).click().run()
    assert not app.exception
    newest = import_history(secured).sort_values("import_id").iloc[-1]
    assert (newest["sector_id"], newest["imported_by"]) == ("forbach", "Capitaine Anne Weber")
    journal = read_audit(secured, event="import")
    assert journal.iloc[0][["Utilisateur", "Secteur"]].tolist() == ["cne.weber", "forbach"]


def test_who_may_not_import_for_the_sector_is_not_offered_the_record(secured, warm_server):
    app = log_in(linked("pages/mode_reunion.py", secteur="forbach"), "cdt.fischer")  # reads Forbach, imports nothing
    assert "GPO Forbach – Bellevue-Wiesberg" in slide_text(app)  # the screen, yes
    assert "Compte rendu de la réunion" not in [s.value for s in app.subheader]
    assert not [w for w in app.button if (w.key or "").startswith(K)]


def test_the_import_layer_refuses_a_record_for_a_sector_the_user_may_not_write(demo_store):
    """Whatever a page shows: the tracker written from a record is planned and committed by the import layer, which
    refuses a sector outside the user's."""
    reference = default_reference()
    engine = open_store(demo_store)
    frames = current_frames(engine, ["forbach"])
    record = MeetingRecord("forbach", dt.date(2026, 11, 25),
                           new_actions=(NewAction("P-13", ACTION, "Commissariat de Forbach", dt.date(2026, 12, 5)),))
    applied = apply_record(frames, record, reference=reference, source_file="suivi.xlsx")
    data = filled_tracker_bytes(applied.frames, sector=reference.sectors["forbach"], reference=reference)
    result = load(data, filename="suivi.xlsx", sector="forbach", as_of=dt.date(2026, 11, 25), reference=reference)[0]
    stiring_only = Uploader("Lt Lang", frozenset({"stiring"}))
    plan = plan_import(engine, result, data, stiring_only)
    assert plan.status == REFUSED
    assert plan.message == "Vous n'êtes pas autorisé à importer des données pour ce secteur."
    imports = len(import_history(engine))
    with pytest.raises(ImportNotAllowed):
        commit_import(engine, plan, data, stiring_only)
    assert len(import_history(engine)) == imports
