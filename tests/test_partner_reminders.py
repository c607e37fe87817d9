"""The partners' reminders end to end (mail/reminders.py, mail/smtp.py, store/mail_log.py): sent to a real SMTP server
on loopback (aiosmtpd), parsed back, recorded in the store (SQLite and PostgreSQL) and the journal.

Each contact receives its own message (recipient, French subject, its actions in the text and the HTML, an
« <script> » escaped, the next meeting as an .ics the `icalendar` package reads); a second run sends nothing; a
server that refuses (451) then accepts gets the message on the next run; an opted-out contact receives nothing; the
dry run sends and writes nothing; STARTTLS with a login, and SMTPS, against the same server with a certificate."""

from __future__ import annotations

import datetime as dt
import ssl

import icalendar
import pytest
import sqlalchemy as sa

from domain.partner_digest import all_sector_digests
from domain.reference import default_reference
from indicator_frames import frame
from mail.compose import CompteRendu, compose_digest
from mail.reminders import plan_reminders, send_reminders
from mail.settings import SmtpSettings
from mail.smtp import MailSendError, SmtpTransport
from partner_frames import partners
from smtp_server import Recorder, free_port, self_signed_certificate, smtp_server, tls_parameters
from store.audit import read_audit
from store.mail_log import IN_FLIGHT, MailContent, claim, mail_history
from store.mail_tables import mail_log

AS_OF = dt.date(2026, 11, 30)  # Monday of ISO week 49
SENDER = "Tableau de bord des GPO <gpo@example.fr>"
PUBLIC = "https://gpo.example.fr/gpo"
REFERENCE = default_reference()
HOSTILE = "Retirer le tag <script>alert('x')</script> du hall\u202e & fermer"


def frames(opted_out: bool | None = None) -> dict:
    return {
        "meetings": frame("meetings", [
            dict(sector_id="forbach", meeting_date="2026-11-24", status="held", kind="ordinary"),
            dict(sector_id="forbach", meeting_date="2026-12-08", status="planned", kind="ordinary"),
            dict(sector_id="stiring", meeting_date="2026-12-10", status="planned", kind="ordinary"),
        ]),
        "problems": frame("problems", [
            dict(sector_id="forbach", problem_id="P-01", category="Dégradations / incivilités", commune_name="Forbach",
                 location="Cité Bellevue, bâtiment C", status="open", reported_on="2026-09-01"),
        ]),
        "actions": frame("actions", [
            dict(sector_id="forbach", action_id="A-01", problem_id="P-01", partner="Sainte-Barbe Habitat",
                 description=HOSTILE, due_on="2026-11-20", status="in_progress"),
            dict(sector_id="forbach", action_id="A-02", problem_id="P-01", partner="SAINTE BARBE HABITAT",
                 description="Réparer l'éclairage du parking", due_on="2026-12-04", status="todo"),
            dict(sector_id="forbach", action_id="A-03", problem_id="P-01", partner="Mairie de Forbach",
                 description="Installer une caméra", due_on="2027-03-01", status="todo"),
            dict(sector_id="forbach", action_id="A-04", problem_id="P-01", partner="Vivest",
                 description="Nettoyer les caves", due_on="2026-12-01", status="todo"),
            dict(sector_id="stiring", action_id="A-01", problem_id="P-09", partner="Forbus",
                 description="Décaler l'arrêt de bus", due_on="2026-12-09", status="todo"),
        ]),
        "partners": partners([
            dict(sector_id="forbach", organisation="Sainte-Barbe Habitat", partner_type="bailleur",
                 contact="Mme Lucie Durand", email="l.durand@sbh.example"),
            dict(sector_id="forbach", organisation="Mairie de Forbach", partner_type="mairie", contact="M. Weber",
                 email="weber@forbach.example"),
            dict(sector_id="forbach", organisation="Vivest", partner_type="bailleur", contact=None,
                 email="contact@vivest.example", opted_out=opted_out),
            dict(sector_id="stiring", organisation="Forbus", partner_type="transporteur", contact="Mme Roth",
                 email="roth@forbus.example"),
        ]),
    }


def plain_settings(port: int) -> SmtpSettings:
    return SmtpSettings("127.0.0.1", port, False, None, None, SENDER, timeout=10)


def run(engine, port: int, data: dict | None = None, as_of: dt.date = AS_OF, settings: SmtpSettings | None = None):
    plan = plan_reminders(engine, data or frames(), as_of)
    with SmtpTransport(settings or plain_settings(port)) as transport:
        return send_reminders(engine, plan, transport, REFERENCE, sender=SENDER, public_address=PUBLIC, actor="gpo (cron)")


def parts(message):
    """(text, HTML, attachments by file name) of a message as received (its line ends read as \n)."""
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    return text, html, attachments


def rows(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(mail_log).order_by(mail_log.c.email)).mappings()]


def test_each_contact_receives_its_own_reminder(store_engine):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        report = run(store_engine, port)
    assert [o.result for o in report.outcomes] == ["sent"] * 4
    by_rcpt = {tuple(r.rcpt_tos): r for r in recorder.received}
    assert sorted(by_rcpt) == [("contact@vivest.example",), ("l.durand@sbh.example",), ("roth@forbus.example",),
                               ("weber@forbach.example",)]
    assert all(r.mail_from == "gpo@example.fr" for r in recorder.received)

    message = by_rcpt[("l.durand@sbh.example",)].message
    forbach = REFERENCE.sectors["forbach"]
    assert message["To"] == "Mme Lucie Durand <l.durand@sbh.example>" and message["From"] == SENDER
    assert message["Subject"] == f"GPO {forbach.name} : 2 actions à suivre, dont 1 en retard (point au 30/11/2026)"
    assert message["Auto-Submitted"] == "auto-generated"
    text, html, attachments = parts(message)
    assert text.startswith("Bonjour Mme Lucie Durand,\n")
    assert "EN RETARD (1)\n- A-01 : Retirer le tag <script>alert('x')</script> du hall & fermer\n" \
           "  Échéance le 20/11/2026, en retard de 10 jours ; statut : en cours." in text
    assert "À ÉCHÉANCE D'ICI LE 14/12/2026 (1)\n- A-02 : Réparer l'éclairage du parking\n" \
           "  Échéance le 04/12/2026 ; statut : à faire." in text
    assert "Problème P-01 : Dégradations / incivilités — Forbach — Cité Bellevue, bâtiment C" in text
    assert "A-03" not in text and "A-04" not in text  # the mairie's and Vivest's actions are theirs
    assert "Prochaine réunion du GPO : mardi 8 décembre 2026 (invitation jointe" in text
    assert f"Écran de réunion du GPO : {PUBLIC}/mode_reunion?secteur=forbach" in text
    assert "\u202e" not in text and "\u202e" not in html
    # the HTML says the same, every tracker text escaped: the script arrives as text
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; du hall &amp; fermer" in html
    assert "<strong>A-02</strong> : Réparer l&#x27;éclairage du parking" in html
    assert f'<a href="{PUBLIC}/mode_reunion?secteur=forbach">' in html
    # the next meeting, as an invitation the icalendar package reads
    ics = attachments["reunion_gpo_forbach_2026-12-08.ics"]
    assert ics.get_content_type() == "text/calendar" and ics.get_param("method") == "PUBLISH"
    event = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == dt.date(2026, 12, 8)
    assert str(event["summary"]) == f"Réunion du GPO {forbach.name}"
    assert str(event["url"]) == f"{PUBLIC}/mode_reunion?secteur=forbach"
    assert str(event["uid"]) == "20261208-forbach-57@gpo-psq"

    vivest = by_rcpt[("contact@vivest.example",)].message
    assert vivest["To"] == "contact@vivest.example" and parts(vivest)[0].startswith("Bonjour,\n")
    stiring = by_rcpt[("roth@forbus.example",)].message
    assert "Décaler l'arrêt de bus" in parts(stiring)[0] and "reunion_gpo_stiring_2026-12-10.ics" in parts(stiring)[2]

    recorded = rows(store_engine)
    assert [(r["email"], r["status"], r["attempts"], r["period"], r["action_count"], r["overdue_count"])
            for r in recorded] == [("contact@vivest.example", "sent", 1, "2026-W49", 1, 0),
                                   ("l.durand@sbh.example", "sent", 1, "2026-W49", 2, 1),
                                   ("roth@forbus.example", "sent", 1, "2026-W49", 1, 0),
                                   ("weber@forbach.example", "sent", 1, "2026-W49", 1, 0)]
    journal = read_audit(store_engine, event="mail_sent")
    assert len(journal) == 4 and set(journal["Utilisateur"]) == {"gpo (cron)"}
    assert set(journal["Événement"]) == {"Courriel envoyé"}
    line = journal[journal["Détail"].str.contains("l.durand@sbh.example")].iloc[0]
    assert line["Secteur"] == "forbach"
    assert line["Détail"] == (f"Relance de la semaine 49 de 2026 (du 30/11/2026 au 06/12/2026) à l.durand@sbh.example "
                              f"(Sainte-Barbe Habitat), secteur {forbach.name} : 2 action(s), dont 1 en retard : "
                              "envoyée (essai n° 1)")
    assert set(mail_history(store_engine)["Statut"]) == {"Envoyé"}


def test_a_second_run_in_the_same_week_sends_nothing_the_next_week_sends_again(store_engine):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        run(store_engine, port)
        again = run(store_engine, port)
        later_that_week = run(store_engine, port, as_of=AS_OF + dt.timedelta(days=4))
        assert len(recorder.received) == 4
        assert [o.result for o in again.outcomes] == ["skipped"] * 4
        assert all("déjà envoyée le" in o.detail for o in later_that_week.outcomes)
        next_week = run(store_engine, port, as_of=AS_OF + dt.timedelta(days=7))
    assert [o.result for o in next_week.outcomes] == ["sent"] * 4 and len(recorder.received) == 8
    assert sorted({r["period"] for r in rows(store_engine)}) == ["2026-W49", "2026-W50"]
    assert len(read_audit(store_engine, event="mail_sent")) == 8


def test_a_refused_message_is_kept_reported_and_sent_by_the_next_run(store_engine):
    recorder = Recorder(refuse=1)  # the first DATA gets a 451, every later one a 250
    with smtp_server(recorder) as port:
        first = run(store_engine, port)
        failed = first.failed
        assert len(failed) == 1 and [o.result for o in first.outcomes].count("sent") == 3
        assert "Message refusé par le serveur de messagerie (451 4.3.0 Serveur occupe, reessayez plus tard)." in failed[0].detail
        row = next(r for r in rows(store_engine) if r["email"] == failed[0].email)
        assert (row["status"], row["attempts"]) == ("failed", 1)
        assert row["last_error"] == "Message refusé par le serveur de messagerie (451 4.3.0 Serveur occupe, reessayez plus tard)."
        assert "nouvel essai au prochain passage" in read_audit(store_engine, event="mail_failed")["Détail"].iloc[0]

        plan = plan_reminders(store_engine, frames(), AS_OF + dt.timedelta(days=1))  # the next morning
        assert [m.digest.email for m in plan.to_send] == [failed[0].email]
        second = run(store_engine, port, as_of=AS_OF + dt.timedelta(days=1))
    assert [(o.email, o.result) for o in second.outcomes if o.result != "skipped"] == [(failed[0].email, "sent")]
    assert sorted(tuple(r.rcpt_tos)[0] for r in recorder.received) == sorted(r["email"] for r in rows(store_engine))
    row = next(r for r in rows(store_engine) if r["email"] == failed[0].email)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 2, None)
    assert row["as_of"] == AS_OF + dt.timedelta(days=1)  # sent with that morning's content
    assert "essai n° 2" in read_audit(store_engine, event="mail_sent")["Détail"].iloc[0]


def test_an_opted_out_contact_receives_nothing_and_its_failed_message_is_cancelled(store_engine):
    recorder = Recorder(refuse=10)
    with smtp_server(recorder) as port:
        run(store_engine, port)  # everything refused
    assert {r["status"] for r in rows(store_engine)} == {"failed"}
    recorder = Recorder()
    with smtp_server(recorder) as port:
        report = run(store_engine, port, data=frames(opted_out=True))
    assert "contact@vivest.example" not in [r for received in recorder.received for r in received.rcpt_tos]
    assert len(recorder.received) == 3
    cancelled = [o for o in report.outcomes if o.result == "cancelled"]
    assert [o.email for o in cancelled] == ["contact@vivest.example"]
    assert cancelled[0].detail.endswith("annulée, le contact ne veut plus recevoir de courriels (« Ne plus écrire »)")
    assert len(read_audit(store_engine, event="mail_cancelled")) == 1
    row = next(r for r in rows(store_engine) if r["email"] == "contact@vivest.example")
    assert row["status"] == "cancelled" and "Ne plus écrire" in row["last_error"]


def test_next_weeks_digest_replaces_a_message_that_never_left(store_engine):
    with smtp_server(Recorder(refuse=10)) as port:
        run(store_engine, port)
    recorder = Recorder()
    with smtp_server(recorder) as port:
        report = run(store_engine, port, as_of=AS_OF + dt.timedelta(days=7))
    assert len(recorder.received) == 4
    assert [o.result for o in report.outcomes].count("cancelled") == 4
    old = [r for r in rows(store_engine) if r["period"] == "2026-W49"]
    assert {r["status"] for r in old} == {"cancelled"}
    assert {r["last_error"] for r in old} == {"remplacé par la relance de la semaine 50 de 2026 (du 07/12/2026 au 13/12/2026)"}


def test_the_dry_run_sends_and_writes_nothing(store_engine):
    recorder = Recorder()
    with smtp_server(recorder):
        plan = plan_reminders(store_engine, frames(), AS_OF)
    assert sorted(m.digest.email for m in plan.to_send) == ["contact@vivest.example", "l.durand@sbh.example",
                                                             "roth@forbus.example", "weber@forbach.example"]
    assert recorder.received == [] and rows(store_engine) == [] and read_audit(store_engine).empty


def test_two_runs_at_once_send_each_message_once(store_engine):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        timer_plan = plan_reminders(store_engine, frames(), AS_OF)
        page_plan = plan_reminders(store_engine, frames(), AS_OF)  # read before the timer sent anything
        with SmtpTransport(plain_settings(port)) as transport:
            send_reminders(store_engine, timer_plan, transport, REFERENCE, sender=SENDER, public_address=PUBLIC,
                           actor="gpo (cron)")
            late = send_reminders(store_engine, page_plan, transport, REFERENCE, sender=SENDER, public_address=PUBLIC,
                                  actor="animateur")
    assert len(recorder.received) == 4
    assert {o.result for o in late.outcomes} == {"skipped"}
    assert all("prise en charge par un autre envoi" in o.detail for o in late.outcomes)


def test_a_message_claimed_by_a_run_that_stopped_is_sent_again_after_a_while(store_engine):
    frozen = dt.datetime(2026, 11, 30, 7, 30)
    stopped = MailContent("forbach", "weber@forbach.example", "relance", "2026-W49", AS_OF, ("Mairie de Forbach",), 1, 0,
                          "0" * 64)
    claim(store_engine, stopped, frozen, None)  # the run stopped before it sent anything
    soon = plan_reminders(store_engine, frames(), AS_OF, now=frozen + IN_FLIGHT - dt.timedelta(minutes=1))
    assert [m.digest.email for m in soon.in_flight] == ["weber@forbach.example"]
    assert "weber@forbach.example" not in [m.digest.email for m in soon.to_send]
    later = plan_reminders(store_engine, frames(), AS_OF, now=frozen + IN_FLIGHT)
    assert later.in_flight == () and "weber@forbach.example" in [m.digest.email for m in later.to_send]
    recorder = Recorder()
    with smtp_server(recorder) as port, SmtpTransport(plain_settings(port)) as transport:
        report = send_reminders(store_engine, later, transport, REFERENCE, sender=SENDER, public_address=PUBLIC,
                                actor="gpo (cron)")
    assert len(recorder.received) == 4 and report.count("sent") == 4
    assert next(r for r in rows(store_engine) if r["email"] == "weber@forbach.example")["attempts"] == 2


def test_a_run_on_some_sectors_leaves_the_others_messages_alone(store_engine):
    with smtp_server(Recorder(refuse=10)) as port:
        run(store_engine, port)  # four failures, in Forbach and Stiring
    forbach_only = {k: f[f["sector_id"] == "forbach"] for k, f in frames().items()}  # what a Forbach animator reads
    plan = plan_reminders(store_engine, forbach_only, AS_OF + dt.timedelta(days=7))
    assert {c.record.sector_id for c in plan.cancellations} == {"forbach"}
    assert {m.digest.sector_id for m in plan.to_send} == {"forbach"}


def test_an_unreachable_server_fails_every_message_at_once_in_french(store_engine):
    port = free_port()  # nobody listens there
    report = run(store_engine, port)
    assert [o.result for o in report.outcomes] == ["failed"] * 4
    assert {r["last_error"] for r in rows(store_engine)} == \
        {f"Serveur de messagerie 127.0.0.1:{port} injoignable (Connection refused)."}


def test_an_address_that_cannot_be_written_fails_alone(store_engine):
    data = frames()
    data["partners"].loc[data["partners"]["organisation"] == "Vivest", "email"] = "contact vivest@example"
    recorder = Recorder()
    with smtp_server(recorder) as port:
        report = run(store_engine, port, data=data)
    assert len(recorder.received) == 3
    assert [o.email for o in report.failed] == ["contact vivest@example"]
    assert "impossible à écrire dans un courriel : corrigez-la dans la feuille « Partenaires »" in report.failed[0].detail


# --- encryption and login ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("smtp_tls"))


def test_starttls_and_login(certificate, monkeypatch, store_engine):
    cert, key = certificate
    recorder = Recorder()
    with smtp_server(recorder, **tls_parameters(cert, key, "gpo", "s3cret")) as port:
        good = SmtpSettings("127.0.0.1", port, True, "gpo", "s3cret", SENDER, timeout=10)
        untrusted = run(store_engine, port, settings=good)  # the self-signed certificate is not trusted yet
        assert {o.result for o in untrusted.outcomes} == {"failed"}
        assert "Certificat du serveur de messagerie 127.0.0.1:" in untrusted.failed[0].detail
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # as an organisation installs its CA on the server
        wrong = SmtpSettings("127.0.0.1", port, True, "gpo", "faux", SENDER, timeout=10)
        refused = run(store_engine, port, settings=wrong)
        assert {o.result for o in refused.outcomes} == {"failed"}
        assert "Identifiant ou mot de passe refusé par le serveur de messagerie (535 " in refused.failed[0].detail
        sent = run(store_engine, port, settings=good)
    assert [o.result for o in sent.outcomes] == ["sent"] * 4 and len(recorder.received) == 4
    assert {r["attempts"] for r in rows(store_engine)} == {3}


def test_starttls_asked_of_a_server_without_it_is_refused_in_french(store_engine):
    with smtp_server(Recorder()) as port:
        report = run(store_engine, port, settings=SmtpSettings("127.0.0.1", port, True, None, None, SENDER, timeout=10))
    assert "ne propose pas STARTTLS : réglez GPO_SMTP_STARTTLS=non" in report.failed[0].detail


def test_smtps_and_the_compte_rendu_attachment(certificate, monkeypatch):
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    digest = next(d for s in all_sector_digests(frames(), AS_OF)
                  for d in s.digests if d.email == "weber@forbach.example")
    pdf = b"%PDF-1.4\n% compte rendu\n%%EOF\n"
    message = compose_digest(digest, REFERENCE.sectors["forbach"], REFERENCE.departement, sender=SENDER,
                             public_address=None, stamp=dt.datetime(2026, 11, 30, 7, 30),
                             compte_rendu=CompteRendu(dt.date(2026, 11, 24), pdf))
    recorder = Recorder()
    with smtp_server(recorder, ssl_context=context) as port:
        settings = SmtpSettings("127.0.0.1", port, False, None, None, SENDER, implicit_tls=True, timeout=10)
        with SmtpTransport(settings) as transport:
            transport.send(message)
    received = recorder.received[0].message
    text, html, attachments = parts(received)
    assert attachments["compte_rendu_gpo_forbach_2026-11-24.pdf"].get_content() == pdf
    assert attachments["compte_rendu_gpo_forbach_2026-11-24.pdf"].get_content_type() == "application/pdf"
    assert "Le compte rendu de la réunion du 24/11/2026 est joint (PDF)." in text and "est joint (PDF)." in html
    assert "Écran de réunion" not in text  # no public address configured: no link
    event = icalendar.Calendar.from_ical(attachments["reunion_gpo_forbach_2026-12-08.ics"].get_content()).walk("VEVENT")[0]
    assert "url" not in event


def test_the_transport_refuses_in_french_when_the_recipient_is_refused():
    class RefuseRecipients(Recorder):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 Utilisateur inconnu"

    with smtp_server(RefuseRecipients()) as port:
        digest = next(d for s in all_sector_digests(frames(), AS_OF)
                      for d in s.digests)
        message = compose_digest(digest, REFERENCE.sectors[digest.sector_id], REFERENCE.departement, sender=SENDER,
                                 public_address=PUBLIC, stamp=dt.datetime(2026, 11, 30, 7, 30))
        with SmtpTransport(plain_settings(port)) as transport, pytest.raises(MailSendError) as refused:
            transport.send(message)
    assert str(refused.value) == f"Adresse refusée par le serveur de messagerie ({digest.email} : 550 5.1.1 Utilisateur inconnu)."
