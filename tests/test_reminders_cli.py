"""`python -m store relances` (cli/reminders.py) on a copy of the seeded demo store, sending to a real SMTP server on
loopback (aiosmtpd): the dry run lists and sends nothing, --envoyer sends and prints each result, a second run sends
nothing, a refusing server gives exit code 3 and the next run sends, a missing setting is one French line.

Everything is the demo store's own, imported from sample_data/'s trackers with their « Partenaires » sheet (no frame
built by hand): Forbach at 25/11/2026 has five contacts to write to (the commissariat with A-21 overdue, Moselis with
A-23 due 16/12, next meeting 08/12), one that opted out (« Ne plus écrire » : the collège) and two without an open
action; Marly is another sector, left alone by `--secteur Forbach`.
"""

from __future__ import annotations

import subprocess

import pytest
import sqlalchemy as sa

from cli.admin import main
from smtp_server import Recorder, smtp_server
from store.audit import read_audit
from store.mail_tables import mail_log

@pytest.fixture
def relances(demo_store, monkeypatch, capsys, tmp_path):
    """`python -m store relances ARGS` in this process, on a copy of the demo store: (exit code, stdout, stderr)."""
    monkeypatch.setenv("GPO_DATABASE_URL", demo_store)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml there
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("GPO_SMTP_HOST", "GPO_SMTP_PORT", "GPO_SMTP_STARTTLS", "GPO_SMTP_USER", "GPO_SMTP_PASSWORD",
                 "GPO_SMTP_FROM", "GPO_ADRESSE_PUBLIQUE", "GPO_RELANCES_JOURS"):
        monkeypatch.delenv(name, raising=False)

    def run(*args, env: dict[str, str] | None = None):
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        try:
            code = main(["relances", *args])
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    run.url = demo_store
    return run


def smtp_env(port: int) -> dict[str, str]:
    return {"GPO_SMTP_HOST": "127.0.0.1", "GPO_SMTP_PORT": str(port), "GPO_SMTP_STARTTLS": "non",
            "GPO_SMTP_FROM": "GPO Moselle <gpo@example.fr>", "GPO_ADRESSE_PUBLIQUE": "https://gpo.example.fr/gpo"}


def logged(url: str) -> list[tuple[str, str, int]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = [(r.email, r.status, r.attempts) for r in conn.execute(sa.select(mail_log).order_by(mail_log.c.email))]
    engine.dispose()
    return found


FORBACH = ["contact@vivest.example.org", "gpo@mairie-de-forbach.example.org",
           "prevention@commissariat-de-forbach.example.org", "securite@mairie-de-forbach.example.org",
           "securite@moselis.invalid"]


def test_the_dry_run_lists_what_it_would_send_and_sends_nothing(relances):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        done = relances("--date", "2026-11-25", "--jours", "30", env=smtp_env(port))
        forbach = relances("--date", "2026-11-25", "--jours", "30", "--secteur", "forbach", env=smtp_env(port))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Relances au 25/11/2026, semaine 48 de 2026 (du 23/11/2026 au 29/11/2026) : actions en "
                          "retard, à échéance d'ici 30 jours ou avant la prochaine réunion")
    assert "Secteur Forbach – Bellevue-Wiesberg (prochaine réunion le 08/12/2026)" in out
    assert "  À envoyer : Officier de la brigade de proximité <prevention@commissariat-de-forbach.example.org> " \
           "(Commissariat de Forbach) : 2 action(s) ouverte(s), dont 1 en retard" in out
    assert "  À envoyer : Responsable de secteur du bailleur <securite@moselis.invalid> (Moselis) : 1 action(s) " \
           "ouverte(s), dont 1 à échéance d'ici le 25/12/2026" in out
    assert "  Ne veut plus de courriels (« Ne plus écrire ») : " \
           "prevention@college-du-secteur-education-nationale.example.org" in out
    assert "  Sans action ouverte, rien à envoyer : accueil@police-municipale-de-forbach.example.org, " \
           "securite@sainte-barbe-habitat.invalid" in out
    assert "Secteur Marly (prochaine réunion le 08/12/2026)\n  À envoyer : " in out
    # every sector of the demo: one line per message, and the total says the same
    to_send = out.count("  À envoyer : ")
    assert to_send > 50 and f"Total : {to_send} courriel(s) à envoyer, 0 à renvoyer après un échec, 0 déjà " \
                            "envoyé(s) cette semaine" in out
    assert f"Serveur de messagerie : 127.0.0.1:{port}, sans chiffrement, expéditeur GPO Moselle <gpo@example.fr>" in out
    assert out.rstrip().endswith("Simulation : rien n'est envoyé. Relancez avec --envoyer pour envoyer.")
    assert forbach.returncode == 0 and "Secteur Marly" not in forbach.stdout
    assert "Total : 5 courriel(s) à envoyer, 0 à renvoyer après un échec, 0 déjà envoyé(s)" in forbach.stdout
    assert recorder.received == [] and logged(relances.url) == []


def test_send_then_a_second_run_sends_nothing(relances):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        first = relances("--date", "2026-11-25", "--secteur", "FORBACH", "--envoyer", env=smtp_env(port))
        second = relances("--date", "2026-11-26", "--secteur", "forbach", "--envoyer", env=smtp_env(port))
    assert first.returncode == 0, first.stderr
    assert sorted(r.rcpt_tos[0] for r in recorder.received) == FORBACH
    subjects = {r.rcpt_tos[0]: r.message["Subject"] for r in recorder.received}
    assert subjects["securite@moselis.invalid"] == \
        "GPO Forbach – Bellevue-Wiesberg : 1 action à suivre (point au 25/11/2026)"
    body = next(r.message for r in recorder.received if r.rcpt_tos == ["prevention@commissariat-de-forbach.example.org"])
    assert "A-21" in body.get_body(("plain",)).get_content()
    assert first.stdout.count("Envoyé : Relance de la semaine 48 de 2026") == 5
    assert "Total : 5 envoyé(s), 0 en échec" in first.stdout
    # the next day, the same week: nothing new
    assert second.returncode == 0 and len(recorder.received) == 5
    assert second.stdout.count("Rien à faire : ") == 5 and "déjà envoyée le" in second.stdout
    assert logged(relances.url) == [(email, "sent", 1) for email in FORBACH]
    engine = sa.create_engine(relances.url)
    journal = read_audit(engine, event="mail_sent")
    engine.dispose()
    assert len(journal) == 5 and journal["Utilisateur"].str.endswith("(ligne de commande)").all()


def test_a_refusing_server_gives_exit_code_3_and_the_next_run_sends(relances):
    recorder = Recorder(refuse=1)
    with smtp_server(recorder) as port:
        first = relances("--date", "2026-11-25", "--secteur", "forbach", "--envoyer", env=smtp_env(port))
        assert first.returncode == 3
        assert "Échec : Relance de la semaine 48 de 2026" in first.stderr and "451 4.3.0" in first.stderr
        assert "1 courriel(s) non envoyé(s) : gardés, renvoyés au prochain passage de la semaine." in first.stderr
        listed = relances("--date", "2026-11-25", "--secteur", "forbach", env=smtp_env(port))
        assert "  À renvoyer (essai n° 2, échec : Message refusé par le serveur de messagerie (451" in listed.stdout
        second = relances("--date", "2026-11-25", "--secteur", "forbach", "--envoyer", env=smtp_env(port))
    assert second.returncode == 0 and len(recorder.received) == 5
    assert "Total : 1 envoyé(s), 0 en échec, 4 déjà envoyé(s)" in second.stdout
    assert sorted(status for _, status, _ in logged(relances.url)) == ["sent"] * 5
    assert sorted(attempts for _, _, attempts in logged(relances.url)) == [1, 1, 1, 1, 2]


def test_a_missing_setting_is_one_french_line_and_nothing_is_recorded(relances):
    done = relances("--date", "2026-11-25", "--envoyer", env={"GPO_SMTP_FROM": "gpo@example.fr"})
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == ("Erreur : GPO_SMTP_HOST n'est pas réglé : indiquez le serveur de messagerie de "
                           "l'organisation, par exemple smtp.example.fr.\n")
    assert logged(relances.url) == []


def test_usage_errors(relances):
    unknown = relances("--secteur", "Atlantide")
    assert unknown.returncode == 2 and unknown.stderr.startswith("Erreur d'utilisation : secteur « Atlantide » inconnu.")
    bad_date = relances("--date", "25/11/2026")
    assert bad_date.returncode == 2 and "date invalide « 25/11/2026 » (attendu AAAA-MM-JJ)" in bad_date.stderr
    bad_days = relances("--jours", "0")
    assert bad_days.returncode == 2 and "nombre de jours invalide « 0 »" in bad_days.stderr
