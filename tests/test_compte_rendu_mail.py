"""« Envoyer le compte rendu aux partenaires » on the meeting page, after a compte rendu is saved (AppTest on a copy of
the demo store, a real SMTP server on loopback): every Forbach contact not opted out receives the compte-rendu PDF,
parsed back; the mail log keeps one row per contact under the kind `compte_rendu` and the meeting's date; a second
click sends nothing; every message journaled; a send that failed to a contact who then opts out (or leaves the
« Partenaires » sheet) is cancelled, never left « Échec »."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from mail.compte_rendu_mail import COMPTE_RENDU_KIND
from smtp_server import Recorder, smtp_server
from domain.reference import default_reference
from mail.compose import CompteRendu
from mail.compte_rendu_mail import send_compte_rendu
from mail.settings import SmtpSettings
from mail.smtp import SmtpTransport
from store.audit import read_audit
from store.database import open_store
from store.mail_log import find_records
from store.mail_tables import mail_log
from store.queries import current_frames
from test_contacts_page import confirm_button as confirm_contacts, edit, editor, row_of
from test_meeting_record_page import ACTION, K, confirm_button, fill_the_record, open_meeting_page
from test_reminders_page import FORBACH, OPTED_OUT, no_mail_settings, smtp_env  # noqa: F401 (a fixture)
from test_reminders_page import open_page as open_reminders_page

WITHOUT_ACTIONS = ["accueil@police-municipale-de-forbach.example.org", "securite@sainte-barbe-habitat.invalid"]


def save_a_meeting(app) -> None:
    open_meeting_page(app)
    fill_the_record(app)
    app.text_input(key=K + "name").input("Cne Meyer").run()
    app.button(key=K + "save").click().run()
    confirm_button(app).click().run()
    assert not app.exception


def test_the_saved_compte_rendu_goes_to_each_contact_once(app, demo_store, no_mail_settings, monkeypatch):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        smtp_env(monkeypatch, port)
        save_a_meeting(app)
        held_on = app.session_state[K + "saved"].draft.record.held_on
        app.button(key=K + "send_mail").click().run()
        assert not app.exception
        assert sorted(r.rcpt_tos[0] for r in recorder.received) == sorted(FORBACH + WITHOUT_ACTIONS)
        assert OPTED_OUT not in [r.rcpt_tos[0] for r in recorder.received]
        assert "Compte rendu envoyé à 7 contact(s) ; déjà envoyé à 0 contact(s) pour cette réunion." in \
            [s.value for s in app.success]
        app.button(key=K + "send_mail").click().run()  # a second click: nothing leaves again
        assert len(recorder.received) == 7
        assert "Compte rendu envoyé à 0 contact(s) ; déjà envoyé à 7 contact(s) pour cette réunion." in \
            [s.value for s in app.success]

    police = next(r.message for r in recorder.received
                  if r.rcpt_tos == ["prevention@commissariat-de-forbach.example.org"])
    assert police["Subject"] == f"GPO Forbach – Bellevue-Wiesberg : compte rendu de la réunion du {held_on:%d/%m/%Y}"
    body = police.get_body(("plain",)).get_content()
    assert f"Le compte rendu de la réunion du {held_on:%d/%m/%Y} est joint (PDF)." in body
    assert ACTION in body  # the action decided at the meeting, now the commissariat's
    pdfs = [part for part in police.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert [p.get_filename() for p in pdfs] == [f"compte_rendu_gpo_forbach_{held_on:%Y-%m-%d}.pdf"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdfs[0].get_content())).pages)
    assert "Forbach" in text and ACTION in " ".join(text.split())

    engine = open_store(demo_store)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(mail_log.c.email, mail_log.c.kind, mail_log.c.period, mail_log.c.status)).all()
    assert sorted(rows) == [(email, COMPTE_RENDU_KIND, held_on.isoformat(), "sent")
                            for email in sorted(FORBACH + WITHOUT_ACTIONS)]
    journal = read_audit(engine, event="mail_sent")
    assert len(journal) == 7 and journal["Détail"].str.startswith("Compte rendu de la réunion du").all()
    engine.dispose()


def test_without_smtp_settings_the_page_says_what_to_configure(app, no_mail_settings):
    save_a_meeting(app)
    assert not [b for b in app.button if b.key == K + "send_mail"]
    assert any("l'envoi des courriels n'est pas configuré. GPO_SMTP_HOST n'est pas réglé" in i.value for i in app.info)


def test_a_refused_compte_rendu_is_kept_and_sent_by_the_next_click(demo_store):
    """The mail layer on its own (no page): the server refuses the first message (451), the other contacts get
    theirs; the next call sends only the refused one, the one after sends nothing."""
    engine = open_store(demo_store)
    frames = current_frames(engine, ["forbach"])
    compte_rendu = CompteRendu(dt.date(2026, 11, 25), b"%PDF-1.4 compte rendu")
    recorder = Recorder(refuse=1)
    results = []
    with smtp_server(recorder) as port:
        settings = SmtpSettings("127.0.0.1", port, False, None, None, "gpo@example.fr", timeout=10)
        for _ in range(3):
            with SmtpTransport(settings) as transport:
                results.append(send_compte_rendu(engine, frames, "forbach", compte_rendu, transport,
                                                 default_reference(), sender="gpo@example.fr", public_address=None,
                                                 actor="cne.weber"))
    first, second, third = results
    assert (first.count("sent"), first.count("failed")) == (6, 1)
    assert "451 4.3.0" in first.failed[0].detail
    assert (second.count("sent"), second.count("skipped"), second.count("failed")) == (1, 6, 0)
    assert (third.count("sent"), third.count("skipped")) == (0, 7)
    assert sorted(r.rcpt_tos[0] for r in recorder.received) == sorted(FORBACH + WITHOUT_ACTIONS)
    with engine.connect() as conn:
        attempts = sorted(conn.execute(sa.select(mail_log.c.attempts)).scalars())
    assert attempts == [1] * 6 + [2]
    assert len(read_audit(engine, event="mail_failed")) == 1
    engine.dispose()


def send_once(engine, frames, port: int, meeting_date: dt.date = dt.date(2026, 11, 25)):
    """One click's worth of the mail layer: the compte rendu of `meeting_date` to Forbach's contacts of `frames`."""
    settings = SmtpSettings("127.0.0.1", port, False, None, None, "gpo@example.fr", timeout=10)
    with SmtpTransport(settings) as transport:
        return send_compte_rendu(engine, frames, "forbach", CompteRendu(meeting_date, b"%PDF-1.4 compte rendu"),
                                 transport, default_reference(), sender="gpo@example.fr", public_address=None,
                                 actor="cne.weber")


def status_of(engine, email: str):
    return next(r for r in find_records(engine, COMPTE_RENDU_KIND, sector_ids=["forbach"]) if r.email == email)


@pytest.mark.parametrize("change, reason", [
    ("opted_out", "le contact ne veut plus recevoir de courriels (« Ne plus écrire »)"),
    ("removed", "contact absent de la feuille « Partenaires » du secteur"),
])
def test_a_failed_compte_rendu_to_a_contact_no_longer_written_to_is_cancelled(demo_store, change, reason):
    """The first message is refused (451); its contact then opts out (or leaves the sheet): the next click cancels
    it with the reason, journaled, sends it to nobody; once the contact is back (opted in again), it leaves."""
    engine = open_store(demo_store)
    frames = current_frames(engine, ["forbach"])
    with smtp_server(Recorder(refuse=1)) as port:
        first = send_once(engine, frames, port)
    assert (first.count("sent"), first.count("failed")) == (6, 1)
    gone = first.failed[0].email
    assert gone == WITHOUT_ACTIONS[0]  # the first message of seven, by address: Police municipale de Forbach
    assert status_of(engine, gone).status_label == "Échec"

    partners = frames["partners"].copy()
    if change == "opted_out":
        partners.loc[partners["email"] == gone, "opted_out"] = True
    else:
        partners = partners[partners["email"] != gone]
    changed = {**frames, "partners": partners}
    recorder = Recorder()
    with smtp_server(recorder) as port:
        second = send_once(engine, changed, port)
        third = send_once(engine, changed, port)
    assert recorder.received == []  # the six others already have it; the seventh may not be written to
    assert (second.count("cancelled"), second.count("skipped"), second.count("sent")) == (1, 6, 0)
    cancelled = next(o for o in second.outcomes if o.result == "cancelled")
    assert cancelled.email == gone
    assert cancelled.detail == (f"Compte rendu de la réunion du 25/11/2026 à {gone} (Police municipale de Forbach), "
                                f"secteur Forbach – Bellevue-Wiesberg : annulé, {reason}")
    row = status_of(engine, gone)
    assert (row.status_label, row.last_error, row.attempts) == ("Annulé", reason, 1)
    journal = read_audit(engine, event="mail_cancelled")
    assert journal["Détail"].tolist() == [cancelled.detail] and journal["Utilisateur"].tolist() == ["cne.weber"]
    assert (third.count("cancelled"), third.count("skipped"), third.count("sent")) == (0, 6, 0)  # once only

    recorder = Recorder()
    with smtp_server(recorder) as port:
        back = send_once(engine, frames, port)  # the contact wants the e-mails again: the meeting's compte rendu leaves
    assert [r.rcpt_tos for r in recorder.received] == [[gone]]
    assert (back.count("sent"), back.count("skipped")) == (1, 6)
    assert (status_of(engine, gone).status_label, status_of(engine, gone).attempts) == ("Envoyé", 2)
    engine.dispose()


def test_the_page_says_a_failed_send_was_cancelled_after_the_contact_opted_out(app, demo_store, no_mail_settings,
                                                                                 monkeypatch):
    """On the pages: the compte rendu to one contact is refused, the animator marks that contact « Ne plus écrire »
    on « Relances », comes back and clicks again: nothing leaves, the page says the failed send was cancelled."""
    with smtp_server(Recorder(refuse=1)) as port:
        smtp_env(monkeypatch, port)
        save_a_meeting(app)
        app.button(key=K + "send_mail").click().run()
        assert not app.exception
    engine = open_store(demo_store)
    failed = [r for r in find_records(engine, COMPTE_RENDU_KIND) if r.status == "failed"]
    assert [r.email for r in failed] == [WITHOUT_ACTIONS[0]]  # the first message of seven, by address
    assert any("(Police municipale de Forbach)" in e.value and "échec de l'essai n° 1, à renvoyer" in e.value
               for e in app.error)

    recorder = Recorder()
    with smtp_server(recorder) as port:
        smtp_env(monkeypatch, port)
        open_reminders_page(app)
        app.text_input(key="contacts_forbach_name").input("Cne Meyer")
        edit(app, {row_of(editor(app).value, failed[0].email): {"Ne plus écrire": True}})
        app.button(key="contacts_forbach_save").click().run()
        confirm_contacts(app).click().run()
        assert not app.exception, app.exception
        app.switch_page("pages/mode_reunion.py").run()
        app.button(key=K + "send_mail").click().run()
        assert not app.exception, app.exception
    assert recorder.received == []
    assert ("Compte rendu envoyé à 0 contact(s) ; déjà envoyé à 6 contact(s) pour cette réunion. Envoi en échec "
            "annulé pour 1 contact(s) qui ne veulent plus de courriels ou ne sont plus dans la feuille « Partenaires »."
            in [s.value for s in app.success])
    row = next(r for r in find_records(engine, COMPTE_RENDU_KIND) if r.email == failed[0].email)
    assert row.status_label == "Annulé" and "Ne plus écrire" in row.last_error
    engine.dispose()
