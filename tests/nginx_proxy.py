"""Debian's nginx started from the shipped site file (deploy/nginx-gpo.conf) in a temporary prefix, for tests.

The site is enabled the way the README says, inside Debian's own /etc/nginx/nginx.conf. Only what a test machine
must change is replaced, each replacement checked to apply exactly once (a changed file fails loudly instead of
being tested half-templated): ports on loopback (IPv4 only), the certificate, the upstream port, and the pid, log
and temporary paths under the prefix. Server name, locations, headers, timeouts and sizes are the shipped ones.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx-gpo.conf"
DEBIAN_MAIN = Path("/etc/nginx/nginx.conf")
SERVER_NAME = "gpo.ddsp.example"  # the shipped placeholder, kept: the browser maps it to 127.0.0.1
CERT = "/etc/ssl/certs/gpo.ddsp.example.pem"
KEY = "/etc/ssl/private/gpo.ddsp.example.key"
UPSTREAM = "server 127.0.0.1:8501;"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def replace_once(text: str, old: str, new: str, what: str) -> str:
    count = text.count(old)
    if count != 1:
        raise AssertionError(f"{what} : « {old} » trouvé {count} fois au lieu d'une")
    return text.replace(old, new)


def site_for_test(site: str, http_port: int, https_port: int, app_port: int, prefix: Path) -> str:
    """The shipped site with loopback ports, the test certificate and the app's port."""
    what = "deploy/nginx-gpo.conf"
    for ipv6 in ("    listen [::]:80 default_server;\n", "    listen [::]:443 ssl default_server;\n",
                 "    listen [::]:80;\n", "    listen [::]:443 ssl;\n"):
        site = replace_once(site, ipv6, "", what)
    site = replace_once(site, "listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;", what)
    site = replace_once(site, "listen 443 ssl default_server;", f"listen 127.0.0.1:{https_port} ssl default_server;",
                        what)
    site = replace_once(site, "listen 80;", f"listen 127.0.0.1:{http_port};", what)
    site = replace_once(site, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;", what)
    site = replace_once(site, CERT, str(prefix / "cert.pem"), what)
    site = replace_once(site, KEY, str(prefix / "key.pem"), what)
    return replace_once(site, UPSTREAM, f"server 127.0.0.1:{app_port};", what)


def main_for_test(main: str, prefix: Path, site_path: Path) -> str:
    """Debian's nginx.conf with the site enabled, in the foreground, its files under `prefix`. Its `user www-data`
    stays: run as root (as CI does), the workers are www-data as on a server; otherwise nginx ignores it."""
    what = str(DEBIAN_MAIN)
    main = replace_once(main, "pid /run/nginx.pid;", f"daemon off;\npid {prefix}/nginx.pid;", what)
    main = replace_once(main, "error_log /var/log/nginx/error.log;", f"error_log {prefix}/error.log;", what)
    main = replace_once(main, "access_log /var/log/nginx/access.log;", f"access_log {prefix}/access.log;\n" + "".join(
        f"\t{kind}_temp_path {prefix}/tmp/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
        what)
    main = replace_once(main, "include /etc/nginx/conf.d/*.conf;", "", what)
    return replace_once(main, "include /etc/nginx/sites-enabled/*;", f"include {site_path};", what)


def make_certificate(prefix: Path) -> None:
    """A self-signed certificate for the shipped server name (openssl, as the README's test machine has it)."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(prefix / "key.pem"), "-out", str(prefix / "cert.pem"), "-subj", f"/CN={SERVER_NAME}",
                    "-addext", f"subjectAltName=DNS:{SERVER_NAME}"], check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Proxy:
    prefix: Path
    http_port: int
    https_port: int
    process: subprocess.Popen

    @property
    def base(self) -> str:
        return f"https://{SERVER_NAME}:{self.https_port}"

    def error_log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def access_log(self) -> str:
        return (self.prefix / "access.log").read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()  # SIGTERM: fast shutdown
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.prefix, ignore_errors=True)


def start_proxy(app_port: int) -> Proxy:
    """nginx in front of 127.0.0.1:`app_port`; raises AssertionError with nginx's own words if it does not start.

    Its prefix is a fresh directory under the system's temporary directory, readable by all: the workers (www-data)
    keep the bodies of large uploads in files below it, and could not reach a private directory such as pytest's
    (a large upload would then fail with an error 500). `Proxy.stop` removes it.
    """
    binary = nginx_binary()
    prefix = Path(tempfile.mkdtemp(prefix="gpo-nginx-"))
    os.chmod(prefix, 0o755)
    (prefix / "tmp").mkdir(exist_ok=True)
    make_certificate(prefix)
    http_port, https_port = free_port(), free_port()
    site_path = prefix / "gpo-site.conf"
    site_path.write_text(site_for_test(SITE.read_text(encoding="utf-8"), http_port, https_port, app_port, prefix),
                         encoding="utf-8")
    conf = prefix / "nginx.conf"
    conf.write_text(main_for_test(DEBIAN_MAIN.read_text(encoding="utf-8"), prefix, site_path), encoding="utf-8")
    command = [binary, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
    checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
    if checked.returncode != 0:
        shutil.rmtree(prefix, ignore_errors=True)
        raise AssertionError(f"nginx -t refuse la configuration : {checked.stderr}")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (prefix / "error.log").read_text(errors="replace")
            shutil.rmtree(prefix, ignore_errors=True)
            raise AssertionError(f"nginx s'est arrêté : {log}")
        try:
            with socket.create_connection(("127.0.0.1", https_port), timeout=1):
                return Proxy(prefix, http_port, https_port, process)
        except OSError:
            time.sleep(0.1)  # between two connection attempts while nginx binds its ports
    process.kill()
    shutil.rmtree(prefix, ignore_errors=True)
    raise AssertionError("nginx n'écoute pas après 30 s")
