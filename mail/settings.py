"""The mail settings, read from the environment, else from Streamlit's secrets, each checked with a French error.

    GPO_SMTP_HOST       the organisation's SMTP server (required)
    GPO_SMTP_PORT       its port (default 587 with STARTTLS, else 25); 465 is TLS from the first byte (SMTPS)
    GPO_SMTP_STARTTLS   oui / non (default oui): encrypt the session before anything is sent (ignored on 465)
    GPO_SMTP_USER       account, with GPO_SMTP_PASSWORD (both or neither; only with STARTTLS: never sent in clear)
    GPO_SMTP_FROM       the sender, « Tableau de bord des GPO <gpo@example.fr> » or an address alone (required)
    GPO_ADRESSE_PUBLIQUE  the app as partners reach it, base path included (https://gpo.example.fr/gpo): the meeting
                        screen's address in invitations and messages (optional: without it, no address is given)
    GPO_RELANCES_JOURS  N of « due within N days » (default 14)

The same keys may stand at the top of `.streamlit/secrets.toml` (a password is better kept there than in
/etc/gpo/gpo.env): the app passes `st.secrets`, the command line reads the file itself (`secrets_from_files`:
~/.streamlit/secrets.toml, then the working folder's, which wins, as Streamlit reads them). A variable set in the
environment wins over the secrets.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

from domain.partner_digest import DEFAULT_HORIZON_DAYS

KEYS = ("GPO_SMTP_HOST", "GPO_SMTP_PORT", "GPO_SMTP_STARTTLS", "GPO_SMTP_USER", "GPO_SMTP_PASSWORD", "GPO_SMTP_FROM",
        "GPO_ADRESSE_PUBLIQUE", "GPO_RELANCES_JOURS")
TIMEOUT_SECONDS = 30.0
IMPLICIT_TLS_PORT = 465  # each connection, command and answer of the SMTP session
_YES, _NO = ("oui", "o", "yes", "y", "true", "vrai", "1"), ("non", "n", "no", "false", "faux", "0")
_HOST = re.compile(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]+")


class MailSettingsError(ValueError):
    """A missing or invalid mail setting; `str()` is one French sentence naming the variable."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    starttls: bool
    user: str | None
    password: str | None = field(repr=False)
    sender: str  # the From header as configured
    implicit_tls: bool = False  # SMTPS (port 465): TLS from the first byte, no STARTTLS
    timeout: float = TIMEOUT_SECONDS

    def describe(self) -> str:
        """« smtp.example.fr:587, STARTTLS, compte gpo, expéditeur gpo@example.fr » (never the password)."""
        tls = "TLS dès la connexion" if self.implicit_tls else "STARTTLS" if self.starttls else "sans chiffrement"
        parts = [f"{self.host}:{self.port}", tls]
        if self.user:
            parts.append(f"compte {self.user}")
        return ", ".join(parts) + f", expéditeur {self.sender}"


def secrets_from_files(folder: Path | None = None) -> dict[str, object]:
    """The top-level values of ~/.streamlit/secrets.toml, then of `folder`/.streamlit/secrets.toml (the working
    folder by default), the latter winning: what `st.secrets` would hold for these keys."""
    values: dict[str, object] = {}
    paths = [(folder or Path.cwd()) / ".streamlit" / "secrets.toml"]
    try:
        paths.insert(0, Path.home() / ".streamlit" / "secrets.toml")
    except RuntimeError:  # no home folder (a system account without one)
        pass
    for path in paths:
        try:
            if not path.is_file():
                continue
        except OSError:  # a home folder the service may not look into (systemd's ProtectHome)
            continue
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise MailSettingsError(f"Le fichier de secrets « {path} » est illisible : {exc}.") from None
    return values


def _value(name: str, environ: Mapping[str, str], secrets: Mapping[str, object] | None) -> str:
    if (environ.get(name) or "").strip():
        return environ[name].strip()
    if secrets is not None:
        try:
            found = secrets.get(name)
        except Exception:  # noqa: BLE001 (st.secrets raises when there is no secrets file at all)
            found = None
        if found is not None and str(found).strip():
            return str(found).strip()
    return ""


def _yes_no(name: str, text: str, default: bool) -> bool:
    if not text:
        return default
    if text.lower() in _YES:
        return True
    if text.lower() in _NO:
        return False
    raise MailSettingsError(f"{name} doit valoir « oui » ou « non », pas « {text} ».")


def _sender(text: str) -> str:
    if not text:
        raise MailSettingsError("GPO_SMTP_FROM n'est pas réglé : indiquez l'adresse d'expédition des courriels, par "
                                "exemple « Tableau de bord des GPO <gpo@example.fr> ».")
    found = getaddresses([text])
    problem = f"GPO_SMTP_FROM doit être une adresse électronique, par exemple « Tableau de bord des GPO " \
              f"<gpo@example.fr> », pas « {text} »."
    if len(found) != 1 or "@" not in found[0][1]:
        raise MailSettingsError(problem)
    try:
        Address(display_name=found[0][0], addr_spec=found[0][1])
    except (ValueError, IndexError, HeaderParseError):
        raise MailSettingsError(problem) from None
    return text


def smtp_settings(environ: Mapping[str, str] | None = None,
                  secrets: Mapping[str, object] | None = None) -> SmtpSettings:
    """The SMTP settings, or `MailSettingsError` naming the first missing or wrong one."""
    environ = os.environ if environ is None else environ
    host = _value("GPO_SMTP_HOST", environ, secrets)
    if not host:
        raise MailSettingsError("GPO_SMTP_HOST n'est pas réglé : indiquez le serveur de messagerie de l'organisation, "
                                "par exemple smtp.example.fr.")
    if not _HOST.fullmatch(host):
        raise MailSettingsError(f"GPO_SMTP_HOST doit être un nom de serveur comme smtp.example.fr, pas « {host} ».")
    starttls = _yes_no("GPO_SMTP_STARTTLS", _value("GPO_SMTP_STARTTLS", environ, secrets), default=True)
    port_text = _value("GPO_SMTP_PORT", environ, secrets)
    if port_text:
        port = int(port_text) if port_text.isascii() and port_text.isdigit() else 0
        if not 1 <= port <= 65535:
            raise MailSettingsError(f"GPO_SMTP_PORT doit être un numéro de port entre 1 et 65535 (587 ou 25 le plus "
                                    f"souvent), pas « {port_text} ».")
    else:
        port = 587 if starttls else 25
    user = _value("GPO_SMTP_USER", environ, secrets) or None
    password = _value("GPO_SMTP_PASSWORD", environ, secrets) or None
    if bool(user) != bool(password):
        missing = "GPO_SMTP_PASSWORD" if user else "GPO_SMTP_USER"
        raise MailSettingsError(f"{missing} n'est pas réglé : GPO_SMTP_USER et GPO_SMTP_PASSWORD vont ensemble "
                                "(ni l'un ni l'autre pour un serveur sans authentification).")
    if user and not starttls and port != IMPLICIT_TLS_PORT:
        raise MailSettingsError("GPO_SMTP_USER est réglé mais GPO_SMTP_STARTTLS vaut « non » : le mot de passe "
                                "partirait en clair. Activez STARTTLS ou utilisez un relais sans authentification.")
    sender = _sender(_value("GPO_SMTP_FROM", environ, secrets))
    return SmtpSettings(host.strip("[]"), port, starttls, user, password, sender,
                        implicit_tls=port == IMPLICIT_TLS_PORT)


def public_address(environ: Mapping[str, str] | None = None, secrets: Mapping[str, object] | None = None) -> str | None:
    """GPO_ADRESSE_PUBLIQUE without its trailing slash, or None when it is not set."""
    environ = os.environ if environ is None else environ
    text = _value("GPO_ADRESSE_PUBLIQUE", environ, secrets)
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment or " " in text:
        raise MailSettingsError(f"GPO_ADRESSE_PUBLIQUE doit être l'adresse de l'application telle que les partenaires "
                                f"l'ouvrent, par exemple https://gpo.example.fr/gpo, pas « {text} ».")
    return text.rstrip("/")


def horizon_days(environ: Mapping[str, str] | None = None, secrets: Mapping[str, object] | None = None) -> int:
    """GPO_RELANCES_JOURS: the N of « due within N days » (default 14)."""
    environ = os.environ if environ is None else environ
    text = _value("GPO_RELANCES_JOURS", environ, secrets)
    if not text:
        return DEFAULT_HORIZON_DAYS
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 365:
        raise MailSettingsError(f"GPO_RELANCES_JOURS doit être un nombre de jours entre 1 et 365, pas « {text} ».")
    return int(text)
