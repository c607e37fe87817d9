"""The mail settings (mail/settings.py): GPO_SMTP_* from the environment, else from Streamlit's secrets; every missing
or wrong value refused with one French sentence naming the variable."""

from __future__ import annotations

import pytest

from mail.settings import MailSettingsError, horizon_days, public_address, secrets_from_files, smtp_settings

BASE = {"GPO_SMTP_HOST": "smtp.example.fr", "GPO_SMTP_FROM": "Tableau de bord des GPO <gpo@example.fr>"}


def test_defaults_starttls_on_port_587():
    settings = smtp_settings(BASE)
    assert (settings.host, settings.port, settings.starttls, settings.user, settings.password) == \
        ("smtp.example.fr", 587, True, None, None)
    assert settings.sender == "Tableau de bord des GPO <gpo@example.fr>" and settings.timeout == 30
    assert smtp_settings({**BASE, "GPO_SMTP_STARTTLS": "non"}).port == 25
    assert smtp_settings({**BASE, "GPO_SMTP_STARTTLS": "NON", "GPO_SMTP_PORT": "2525"}).port == 2525


def test_the_password_is_never_shown():
    settings = smtp_settings({**BASE, "GPO_SMTP_USER": "gpo", "GPO_SMTP_PASSWORD": "s3cret!"})
    assert "s3cret" not in repr(settings) and "s3cret" not in settings.describe()
    assert settings.describe() == "smtp.example.fr:587, STARTTLS, compte gpo, expéditeur Tableau de bord des GPO <gpo@example.fr>"


@pytest.mark.parametrize(("changes", "message"), [
    ({"GPO_SMTP_HOST": ""}, "GPO_SMTP_HOST n'est pas réglé"),
    ({"GPO_SMTP_HOST": "smtp.example.fr\r\nRCPT TO:<x@y>"}, "GPO_SMTP_HOST doit être un nom de serveur"),
    ({"GPO_SMTP_PORT": "vingt-cinq"}, "GPO_SMTP_PORT doit être un numéro de port entre 1 et 65535"),
    ({"GPO_SMTP_PORT": "70000"}, "GPO_SMTP_PORT doit être un numéro de port"),
    ({"GPO_SMTP_STARTTLS": "peut-être"}, "GPO_SMTP_STARTTLS doit valoir « oui » ou « non », pas « peut-être »"),
    ({"GPO_SMTP_USER": "gpo"}, "GPO_SMTP_PASSWORD n'est pas réglé"),
    ({"GPO_SMTP_PASSWORD": "x"}, "GPO_SMTP_USER n'est pas réglé"),
    ({"GPO_SMTP_USER": "gpo", "GPO_SMTP_PASSWORD": "x", "GPO_SMTP_STARTTLS": "non"}, "le mot de passe partirait en clair"),
    ({"GPO_SMTP_FROM": ""}, "GPO_SMTP_FROM n'est pas réglé"),
    ({"GPO_SMTP_FROM": "tableau de bord"}, "GPO_SMTP_FROM doit être une adresse électronique"),
    ({"GPO_SMTP_FROM": "a@example.fr, b@example.fr"}, "GPO_SMTP_FROM doit être une adresse électronique"),
])
def test_a_missing_or_wrong_setting_is_said_in_french(changes, message):
    with pytest.raises(MailSettingsError, match=message):
        smtp_settings({**BASE, **changes})


def test_secrets_fill_what_the_environment_leaves_out():
    secrets = {"GPO_SMTP_HOST": "ignored.example.fr", "GPO_SMTP_USER": "gpo", "GPO_SMTP_PASSWORD": "du-coffre",
               "GPO_SMTP_PORT": 465}
    settings = smtp_settings(BASE, secrets)
    assert (settings.host, settings.user, settings.password, settings.port) == ("smtp.example.fr", "gpo", "du-coffre", 465)


def test_the_command_line_reads_the_secrets_files(tmp_path, monkeypatch):
    home, work = tmp_path / "home", tmp_path / "work"
    (home / ".streamlit").mkdir(parents=True)
    (work / ".streamlit").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    (home / ".streamlit" / "secrets.toml").write_text('GPO_SMTP_HOST = "global.example.fr"\nGPO_SMTP_USER = "gpo"\n',
                                                      encoding="utf-8")
    (work / ".streamlit" / "secrets.toml").write_text('GPO_SMTP_HOST = "projet.example.fr"\n[gpo_roles]\n',
                                                      encoding="utf-8")
    secrets = secrets_from_files(work)
    assert secrets["GPO_SMTP_HOST"] == "projet.example.fr" and secrets["GPO_SMTP_USER"] == "gpo"
    (work / ".streamlit" / "secrets.toml").write_text('GPO_SMTP_HOST = "sans guillemet fermant\n', encoding="utf-8")
    with pytest.raises(MailSettingsError, match="Le fichier de secrets « .*secrets.toml » est illisible"):
        secrets_from_files(work)


def test_public_address_and_horizon():
    assert public_address({}) is None
    assert public_address({"GPO_ADRESSE_PUBLIQUE": "https://gpo.example.fr/gpo/"}) == "https://gpo.example.fr/gpo"
    for wrong in ("gpo.example.fr", "javascript:alert(1)", "https://gpo.example.fr/?x=1", "https://"):
        with pytest.raises(MailSettingsError, match="GPO_ADRESSE_PUBLIQUE doit être l'adresse de l'application"):
            public_address({"GPO_ADRESSE_PUBLIQUE": wrong})
    assert horizon_days({}) == 14 and horizon_days({"GPO_RELANCES_JOURS": "21"}) == 21
    with pytest.raises(MailSettingsError, match="GPO_RELANCES_JOURS doit être un nombre de jours entre 1 et 365"):
        horizon_days({"GPO_RELANCES_JOURS": "0"})
