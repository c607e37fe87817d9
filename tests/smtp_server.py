"""A real SMTP server on loopback for the mail tests: aiosmtpd's threaded Controller on a free port, recording every
message it accepts; it can refuse the first DATA commands with a 451 (a server that refuses, then accepts), and
speak STARTTLS with a self-signed certificate and AUTH (made by Debian's openssl, trusted through SSL_CERT_FILE)."""

from __future__ import annotations

import socket
import ssl
import subprocess
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    """A port nobody listens on (the pinned aiosmtpd cannot be given port 0)."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.raw)


@dataclass
class Recorder:
    """The server's handler: accepts (250) and records, after refusing the first `refuse` DATA commands (451)."""

    refuse: int = 0
    received: list[Received] = field(default_factory=list)
    refused: int = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 Serveur occupe, reessayez plus tard"
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 OK"

    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.received]


@contextmanager
def smtp_server(recorder: Recorder, **smtp_parameters):
    """`with smtp_server(Recorder()) as port:` a server on 127.0.0.1:port until the block ends."""
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **smtp_parameters)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1, valid two days."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def tls_parameters(cert: Path, key: Path, login: str, password: str) -> dict:
    """Controller parameters: STARTTLS required, AUTH required, one account."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == login.encode() \
            and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    return {"tls_context": context, "require_starttls": True, "auth_required": True, "authenticator": authenticator}
