"""Page « Relances » through AppTest on a copy of the seeded demo store (its trackers' real « Partenaires » sheets):
the contacts, the preview of this week's reminders, the sending to a real SMTP server on loopback (aiosmtpd), the
history, the missing settings, and who sees which sector's contacts. Forbach at 25/11/2026 (the demo's date): five
contacts to write to, the collège opted out, two without an open action."""

from __future__ import annotations

import pytest
import streamlit as st
from icalendar import Calendar

from smtp_server import Recorder, smtp_server
from store.accounts import create_account
from store.audit import read_audit
from store.database import open_store
from test_auth_pages import PASSWORD, linked, log_in
from test_auth_pages import warm_server  # noqa: F401 (a fixture, used by name)

SETTINGS = ("GPO_SMTP_HOST", "GPO_SMTP_PORT", "GPO_SMTP_STARTTLS", "GPO_SMTP_USER", "GPO_SMTP_PASSWORD",
            "GPO_SMTP_FROM", "GPO_ADRESSE_PUBLIQUE", "GPO_RELANCES_JOURS")
FORBACH = ["contact@vivest.example.org", "gpo@mairie-de-forbach.example.org",
           "prevention@commissariat-de-forbach.example.org", "securite@mairie-de-forbach.example.org",
           "securite@moselis.invalid"]
OPTED_OUT = "prevention@college-du-secteur-education-nationale.example.org"


@pytest.fixture
def no_mail_settings(monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)


def smtp_env(monkeypatch, port: int) -> None:
    for name, value in {"GPO_SMTP_HOST": "127.0.0.1", "GPO_SMTP_PORT": str(port), "GPO_SMTP_STARTTLS": "non",
                        "GPO_SMTP_FROM": "GPO Moselle <gpo@example.fr>"}.items():
        monkeypatch.setenv(name, value)


def open_page(app, sector="forbach"):
    app.query_params["secteur"] = sector
    app.run()
    app.switch_page("pages/relances.py").run()
    assert not app.exception, app.exception
    return app


def table_with(app, *columns):
    return next(df.value for df in app.dataframe if set(columns) <= set(df.value.columns))


def recipients(plan) -> list[str]:
    return sorted(text.rsplit("<", 1)[-1].rstrip(">") for text in plan["Destinataire"])


def test_the_preview_lists_each_contact_its_subject_and_actions(app, no_mail_settings):
    open_page(app)
    contacts = app.data_editor(key="contacts_forbach_editor").value  # the animator may edit them (test_contacts_page)
    assert len(contacts) == 8
    assert contacts.loc[contacts["Courriel"] == OPTED_OUT, "Ne plus écrire"].tolist() == [True]
    assert contacts.loc[contacts["Courriel"] == "securite@moselis.invalid", "Type de partenaire"].tolist() == ["Bailleur"]
    plan = table_with(app, "Destinataire", "Objet", "Actions", "État")
    assert recipients(plan) == FORBACH and OPTED_OUT not in " ".join(plan["Destinataire"])
    police = plan[plan["Destinataire"].str.contains("commissariat-de-forbach")].iloc[0]
    assert police["Objet"] == "GPO Forbach – Bellevue-Wiesberg : 2 actions à suivre, dont 1 en retard (point au " \
                              "25/11/2026)"
    assert "A-21 " in police["Actions"] and "en retard de" in police["Actions"]
    assert set(plan["État"]) == {"à envoyer"}
    assert f"ne veulent plus de courriels (« Ne plus écrire ») : {OPTED_OUT}" in " ".join(t.value for t in app.text)


def test_missing_smtp_settings_say_what_to_configure(app, no_mail_settings, monkeypatch):
    monkeypatch.setenv("GPO_SMTP_FROM", "gpo@example.fr")
    open_page(app)
    warning = " ".join(w.value for w in app.warning)
    assert "L'envoi des courriels n'est pas configuré : GPO_SMTP_HOST n'est pas réglé" in warning
    assert "GPO_SMTP_FROM" in warning and "secrets.toml" in warning
    assert not [b for b in app.button if b.key == "reminders_send"]


def test_sending_from_the_page_delivers_once(app, demo_store, no_mail_settings, monkeypatch):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        smtp_env(monkeypatch, port)
        open_page(app)
        send = app.button(key="reminders_send")
        assert send.disabled  # nothing leaves before the confirmation
        app.checkbox(key="reminders_confirm").check().run()
        app.button(key="reminders_send").click().run()
        assert not app.exception
        assert sorted(r.rcpt_tos[0] for r in recorder.received) == FORBACH
        assert "5 relance(s) envoyée(s)." in [s.value for s in app.success]
        # the week's reminders are gone: the button is not offered again, a rerun sends nothing
        assert not [b for b in app.button if b.key == "reminders_send"]
        assert "Rien à envoyer : toutes les relances de la semaine sont déjà parties." in [i.value for i in app.info]
        app.run()
        assert len(recorder.received) == 5
    message = next(r.message for r in recorder.received if r.rcpt_tos == ["securite@moselis.invalid"])
    assert message["Subject"] == "GPO Forbach – Bellevue-Wiesberg : 1 action à suivre (point au 25/11/2026)"
    assert "A-23" in message.get_body(("plain",)).get_content()
    plan = table_with(app, "Destinataire", "État")
    assert set(plan["État"]) == {"déjà envoyée cette semaine"}
    history = table_with(app, "Créé le", "Envoyé le")
    assert sorted(history["Courriel"]) == FORBACH and set(history["Type"]) == {"Relance de la semaine"}
    assert set(history["Statut"]) == {"Envoyé"}
    # in words, the status and the moment first: not the log's codes (« forbach », « 2026-W48 »)
    assert list(history.columns[:5]) == ["Statut", "Envoyé le", "Type", "Période", "Courriel"]
    assert set(history["Secteur"]) == {"Forbach – Bellevue-Wiesberg"}
    assert set(history["Période"]) == {"semaine 48 de 2026"}
    engine = open_store(demo_store)
    assert len(read_audit(engine, event="mail_sent")) == 5
    engine.dispose()


def test_a_second_click_on_a_stale_page_sends_nothing(app, no_mail_settings, monkeypatch):
    """Two tabs open on the page: the second one's button still shows, its click sends nothing new."""
    recorder = Recorder()
    with smtp_server(recorder) as port:
        smtp_env(monkeypatch, port)
        first = open_page(app)
        from streamlit.testing.v1 import AppTest
        second = open_page(AppTest.from_file(app._script_path, default_timeout=60))
        for tab in (first, second):
            tab.checkbox(key="reminders_confirm").check().run()
        send_again = second.button(key="reminders_send")
        first.button(key="reminders_send").click().run()
        assert len(recorder.received) == 5
        send_again.click().run()  # the page is read again before the click is acted on: nothing left to send
        assert not second.exception
    assert len(recorder.received) == 5
    assert "Rien à envoyer : toutes les relances de la semaine sont déjà parties." in [i.value for i in second.info]


def test_the_calendar_of_planned_meetings_is_offered(app, no_mail_settings):
    open_page(app)
    button = next(b for b in app.get("download_button") if b.proto.id and "reminders_ics_forbach" in b.proto.id)
    assert not button.proto.disabled
    app.switch_page("pages/reunions.py").run()
    assert not app.exception
    assert [b for b in app.get("download_button") if "ics_download" in b.proto.id]


def test_calendar_file_is_a_valid_ics_of_planned_meetings(app, no_mail_settings):
    from app_state.reminders import calendar_file

    open_page(app)  # a session: calendar_file reads through the app layer
    data = calendar_file("forbach", __import__("datetime").date(2026, 11, 25))
    events = Calendar.from_ical(data).walk("VEVENT")
    assert events and str(events[0]["DTSTART"].dt) >= "2026-11-25"


# --- with accounts: an animator sees his sector's contacts, nobody else's -----------------------------------------
def two_animateurs_and_a_chef(engine):
    create_account(engine, "cne.weber", "Capitaine Anne Weber", "animateur", PASSWORD, sector_ids=["forbach"])
    create_account(engine, "lt.lang", "Lieutenant Thomas Lang", "animateur", PASSWORD, sector_ids=["stiring"])
    create_account(engine, "cdt.fischer", "Commandant Laurent Fischer", "chef_csp", PASSWORD, csp_id="forbach")


@pytest.fixture
def secured(demo_store_with, monkeypatch, no_mail_settings):
    url = demo_store_with(two_animateurs_and_a_chef)  # the demo store with these accounts, made once per session
    monkeypatch.setenv("GPO_DATABASE_URL", url)
    monkeypatch.setenv("GPO_AUTH", "local")
    engine = open_store(url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield engine
    st.cache_resource.clear()


def shown_text(app) -> str:
    tables = " ".join(df.value.to_string() for df in app.dataframe)
    return tables + " ".join(str(e.value) for e in app.main if hasattr(e, "value") and isinstance(e.value, str))


def test_the_animator_sees_only_his_sector(secured, warm_server):
    app = log_in(linked("pages/relances.py", secteur="forbach"), "cne.weber")
    assert not app.exception
    assert app.multiselect(key="reminders_sectors").options == ["Forbach – Bellevue-Wiesberg"]
    assert recipients(table_with(app, "Destinataire", "État")) == FORBACH


def test_another_sectors_animator_does_not_see_forbach(secured, warm_server):
    app = log_in(linked("pages/relances.py", secteur="forbach"), "lt.lang")
    assert not app.exception
    assert app.multiselect(key="reminders_sectors").options == ["Stiring-Wendel"]
    text = shown_text(app)
    assert "Stiring-Wendel" in text  # its own contacts and reminders
    assert "Bellevue-Wiesberg" not in text and "securite@mairie-de-forbach.example.org" not in text


def test_a_chef_de_csp_does_not_get_the_page(secured, warm_server):
    app = log_in(linked("pages/relances.py", secteur="forbach"), "cdt.fischer")
    assert not app.exception
    assert "Relances des partenaires par courriel" not in [t.value for t in app.title]
    assert not [w for w in app.multiselect if w.key == "reminders_sectors"]
    assert "securite@moselis.invalid" not in shown_text(app)
