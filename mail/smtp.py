"""Sending through the organisation's SMTP server (`smtplib`, every step under a timeout), failures in French.

One `SmtpTransport` per run: it connects on the first message (EHLO, STARTTLS checked against the system's trusted
certificates, then the login), sends each message on the same session, and reconnects after a lost connection.
When the server cannot be reached at all, the run's other messages fail at once with the same reason instead of
waiting for the timeout again.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage

from mail.settings import SmtpSettings

_MAX_SERVER_TEXT = 300


class MailSendError(Exception):
    """A message that did not leave; `str()` is a French sentence (kept in the store, shown in the report)."""


def _server_text(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join(str(text).split())[:_MAX_SERVER_TEXT]
    return f"{code} {text}".strip()


def _refusals(recipients: dict) -> str:
    return "; ".join(f"{address} : {_server_text(code, text)}" for address, (code, text) in recipients.items())


class SmtpTransport:
    """`with SmtpTransport(settings) as transport: transport.send(message)`."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._session: smtplib.SMTP | None = None
        self._unreachable: str | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._session is not None:
            try:
                self._session.quit()
            except (smtplib.SMTPException, OSError):
                self._session.close()
            self._session = None

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.implicit_tls:
                session = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
            else:
                session = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        except (socket.timeout, TimeoutError):
            raise self._gone(f"le serveur de messagerie {self._where()} n'a pas répondu en {s.timeout:.0f} s") \
                from None
        except ssl.SSLError as exc:
            raise self._gone(f"certificat du serveur de messagerie {self._where()} refusé ou chiffrement impossible "
                             f"({exc.reason or exc})") from None
        except (OSError, smtplib.SMTPException) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
            raise self._gone(f"serveur de messagerie {self._where()} injoignable ({reason})") from None
        try:
            session.ehlo()
            if s.starttls and not s.implicit_tls:
                if not session.has_extn("starttls"):
                    raise self._gone(f"le serveur de messagerie {self._where()} ne propose pas STARTTLS : réglez "
                                     "GPO_SMTP_STARTTLS=non seulement pour un relais interne sans chiffrement")
                session.starttls(context=ssl.create_default_context())
                session.ehlo()
            if s.user:
                session.login(s.user, s.password or "")
        except MailSendError:
            session.close()
            raise
        except smtplib.SMTPAuthenticationError as exc:
            session.close()
            raise self._gone(f"identifiant ou mot de passe refusé par le serveur de messagerie "
                             f"({_server_text(exc.smtp_code, exc.smtp_error)}) : vérifiez GPO_SMTP_USER et "
                             "GPO_SMTP_PASSWORD") from None
        except ssl.SSLError as exc:
            session.close()
            raise self._gone(f"certificat du serveur de messagerie {self._where()} refusé ou chiffrement impossible "
                             f"({exc.reason or exc})") from None
        except (smtplib.SMTPException, OSError) as exc:
            session.close()
            raise self._gone(f"dialogue impossible avec le serveur de messagerie {self._where()} ({exc})") from None
        return session

    def _gone(self, reason: str) -> MailSendError:
        self._unreachable = reason
        return MailSendError(reason[0].upper() + reason[1:] + ".")

    def send(self, message: EmailMessage) -> None:
        """Send one message, or raise MailSendError saying why in French."""
        if self._unreachable is not None:
            raise MailSendError(self._unreachable[0].upper() + self._unreachable[1:] + ".")
        if self._session is None:
            self._session = self._connect()
        try:
            refused = self._session.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise MailSendError(f"Adresse refusée par le serveur de messagerie ({_refusals(exc.recipients)}).") from None
        except smtplib.SMTPSenderRefused as exc:
            raise MailSendError(f"Expéditeur {exc.sender} refusé par le serveur de messagerie "
                                f"({_server_text(exc.smtp_code, exc.smtp_error)}) : vérifiez GPO_SMTP_FROM.") from None
        except smtplib.SMTPResponseException as exc:  # SMTPDataError among them: a 4xx or 5xx on the message
            if exc.smtp_code == 421:
                self._drop()
            raise MailSendError(f"Message refusé par le serveur de messagerie "
                                f"({_server_text(exc.smtp_code, exc.smtp_error)}).") from None
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise MailSendError(f"Connexion au serveur de messagerie {self._where()} perdue pendant l'envoi "
                                f"({exc or type(exc).__name__}).") from None
        if refused:
            raise MailSendError(f"Adresse refusée par le serveur de messagerie ({_refusals(refused)}).")

    def _drop(self) -> None:
        if self._session is not None:
            self._session.close()
        self._session = None
