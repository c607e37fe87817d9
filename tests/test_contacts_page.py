"""« Contacts des partenaires » kept on the « Relances » page, through AppTest on a copy of the demo store: the
animator edits Forbach's contacts, the new tracker goes through the upload path (report, changes, confirmation,
import, archive, journal), the reminders follow the change; a malformed address is reported with its line and
column; a chef de CSP gets no editor."""

from __future__ import annotations

import datetime as dt

from loaders import load
from store.audit import read_audit
from store.database import open_store
from store.queries import current_frames, import_history, raw_file

from test_auth_pages import linked, log_in
from test_auth_pages import warm_server  # noqa: F401 (a fixture, used by name)
from test_reminders_page import no_mail_settings, open_page, recipients, secured, table_with  # noqa: F401

EDITOR = "contacts_forbach_editor"
POLICE = "prevention@commissariat-de-forbach.example.org"
MAIRIE = "gpo@mairie-de-forbach.example.org"
NEW_MAIRIE = "gpo.nouveau@mairie-de-forbach.example.org"


def editor(app):
    return app.data_editor(key=EDITOR)


def row_of(table, email: str) -> int:
    return table.index[table["Courriel"] == email].tolist()[0]


def edit(app, edited_rows: dict, added_rows: list | None = None) -> None:
    app.session_state[EDITOR] = {"edited_rows": edited_rows, "added_rows": added_rows or [], "deleted_rows": []}
    app.run()
    assert not app.exception, app.exception


def confirm_button(app):
    return next(b for b in app.button if b.label.startswith("Confirmer l'enregistrement des contacts"))


def test_edited_contacts_are_saved_through_the_upload_path(app, demo_store, no_mail_settings):
    engine = open_store(demo_store)
    imports_before = len(import_history(engine))
    open_page(app)
    table = editor(app).value
    assert editor(app).editing_mode == "dynamic" and len(table) == 8
    mairie, police = row_of(table, MAIRIE), row_of(table, POLICE)
    app.text_input(key="contacts_forbach_name").input("Capitaine Anne Weber")
    edit(app, {mairie: {"Courriel": NEW_MAIRIE}, police: {"Ne plus écrire": True}})
    app.button(key="contacts_forbach_save").click().run()
    assert not app.exception, app.exception
    # the Import page's own review: the report, the changes, a confirmation; nothing imported yet
    assert "Rapport de contrôle" in [s.value for s in app.subheader]
    changes = next(df.value for df in app.dataframe if "Feuille" in df.value.columns)
    assert "Partenaires" in " ".join(changes["Feuille"].astype(str))
    assert len(import_history(engine)) == imports_before
    assert confirm_button(app).disabled  # the old address leaves the current data: said, and confirmed first
    vanish = next(c for c in app.checkbox if c.key and c.key.startswith("vanish_contacts_forbach_"))
    assert vanish.label.startswith("Je confirme que ces 1 ligne(s) ne figurent plus")
    vanish.check().run()
    confirm_button(app).click().run()
    assert not app.exception, app.exception

    history = import_history(engine)
    assert len(history) == imports_before + 1
    import_id = int(history["import_id"].max())
    partners = current_frames(engine, ["forbach"])["partners"]
    assert NEW_MAIRIE in partners["email"].tolist() and MAIRIE not in partners["email"].tolist()
    assert partners.loc[partners["email"] == POLICE, "opted_out"].tolist() == [True]
    assert len(partners) == 8
    latest = history[history["import_id"] == import_id].iloc[0]
    assert (latest["sector_id"], latest["imported_by"]) == ("forbach", "Capitaine Anne Weber")
    assert latest["file_name"] == "suivi_gpo_forbach_contacts_2026-11-25.xlsx"
    journal = read_audit(engine, event="import")
    assert journal.iloc[0]["Détail"] == f"Import n° {import_id} : suivi_gpo_forbach_contacts_2026-11-25.xlsx (79 ligne(s))"
    assert journal.iloc[0]["Secteur"] == "forbach"
    archived = raw_file(engine, latest["sha256"])  # the archived file, read back as a tracker
    reread = load(archived, filename="suivi.xlsx", sector="forbach", as_of=dt.date(2026, 11, 25))[0]
    assert reread.frames["partners"].loc[reread.frames["partners"]["email"] == POLICE, "opted_out"].tolist() == [True]

    assert any("Contacts enregistrés : import n°" in s.value for s in app.success)
    download = next(b for b in app.get("download_button") if "contacts_forbach_tracker_download" in b.proto.id)
    assert not download.proto.disabled
    plan = table_with(app, "Destinataire", "État")
    assert POLICE not in recipients(plan) and NEW_MAIRIE in recipients(plan)
    assert POLICE in " ".join(t.value for t in app.text)  # said among those who want no more e-mail
    engine.dispose()


def test_a_malformed_address_is_reported_with_its_line_and_column(app, demo_store, no_mail_settings):
    engine = open_store(demo_store)
    imports_before = len(import_history(engine))
    open_page(app)
    app.text_input(key="contacts_forbach_name").input("Capitaine Anne Weber")
    edit(app, {}, [{"Organisation": "Forbus", "Type de partenaire": "Transporteur", "Courriel": "forbus-at-example"}])
    app.button(key="contacts_forbach_save").click().run()
    assert not app.exception, app.exception
    report = next(df.value for df in app.dataframe if "Gravité" in df.value.columns)
    messages = " ".join(report.astype(str).to_numpy().ravel())
    assert "Ligne 10, colonne « Courriel » : « forbus-at-example » n'est pas une adresse électronique valide" in messages
    # the other contacts and sheets are not blocked: the valid rows can still be imported once chosen
    assert any(r.key and r.key.startswith("rows_contacts_forbach_") for r in app.radio)
    assert len(import_history(engine)) == imports_before
    engine.dispose()


def test_a_chef_de_csp_sees_no_editor(secured, warm_server):
    app = log_in(linked("pages/relances.py", secteur="forbach"), "cdt.fischer")
    assert not app.exception
    assert not list(app.data_editor)
    assert not [b for b in app.button if b.key == "contacts_forbach_save"]


def test_the_animateur_saves_the_contacts_under_his_account(secured, warm_server):
    app = log_in(linked("pages/relances.py", secteur="forbach"), "cne.weber")
    assert not [t for t in app.text_input if t.key == "contacts_forbach_name"]  # no typed name: the account's
    assert "Enregistré au nom de : Capitaine Anne Weber" in [t.value for t in app.text]
    edit(app, {row_of(editor(app).value, POLICE): {"Ne plus écrire": True}})
    app.button(key="contacts_forbach_save").click().run()
    changes = next(df.value for df in app.dataframe if "Feuille" in df.value.columns).set_index("Feuille")
    assert changes.loc["Partenaires", "Autres modifications"] == 1 and changes["Lignes disparues"].sum() == 0
    confirm_button(app).click().run()
    assert not app.exception, app.exception
    newest = import_history(secured).sort_values("import_id").iloc[-1]
    assert (newest["sector_id"], newest["imported_by"]) == ("forbach", "Capitaine Anne Weber")
    journal = read_audit(secured, event="import")
    assert journal.iloc[0][["Utilisateur", "Secteur"]].tolist() == ["cne.weber", "forbach"]
    assert POLICE not in recipients(table_with(app, "Destinataire", "État"))
