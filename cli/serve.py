"""`python -m gpo_server`: serve the dashboard on an intranet, configured by environment variables only.

    GPO_ADDRESS=127.0.0.1 GPO_PORT=8501 GPO_BASE_PATH=/gpo GPO_DATABASE_URL=… GPO_AUTH=local python -m gpo_server

The launcher checks the variables (a French line and exit code 2 when one is wrong), then becomes
`streamlit run dashboard.py` in the same process (`os.execv`: systemd and signals see Streamlit itself) with the
production options below. An unset GPO_ADDRESS / GPO_PORT / GPO_BASE_PATH leaves the choice to Streamlit's own
STREAMLIT_SERVER_ADDRESS / STREAMLIT_SERVER_PORT / STREAMLIT_SERVER_BASE_URL_PATH, then `.streamlit/config.toml`.
Arguments given to the launcher go to `streamlit run` (`python -m gpo_server --logger.level debug`).
`streamlit run dashboard.py` (the README's demo command) is unchanged.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from loaders.limits import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
# The largest upload Streamlit accepts, in MiB: the loader's own limit (deploy/nginx-gpo.conf's client_max_body_size
# leaves room above it for the multipart envelope; tests/test_serve.py checks the three agree).
UPLOAD_MIB = MAX_FILE_BYTES // MIB
# Always on in production, whatever a config file says: no browser opened, no usage statistics sent (the server is
# offline), uploads capped like the loader, cross-site requests refused, no reload when a file changes on disk, and
# never a Python traceback in the browser.
PRODUCTION_OPTIONS = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "server.maxUploadSize": str(UPLOAD_MIB),
    "server.enableXsrfProtection": "true",
    "server.enableCORS": "true",
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "client.showErrorDetails": "none",
}
_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")

HELP = """utilisation : python -m gpo_server [OPTIONS DE STREAMLIT…]

Sert le tableau de bord (streamlit run dashboard.py) avec les réglages de production,
lus dans l'environnement :

  GPO_ADDRESS       adresse d'écoute (127.0.0.1 derrière le proxy nginx ; défaut : 127.0.0.1)
  GPO_PORT          port d'écoute (défaut : 8501)
  GPO_BASE_PATH     chemin de l'application derrière le proxy, par exemple /gpo (défaut : à la racine)
  GPO_DATABASE_URL  base de données (défaut : SQLite dans data/ ;
                    PostgreSQL : postgresql+psycopg://utilisateur:motdepasse@serveur/base)
  GPO_AUTH          local (comptes de la base) ou oidc ; sans lui l'application est ouverte (démonstration)

Toujours appliqués : pas de navigateur ouvert, pas de statistiques d'usage, dépôts limités à {mib} Mo,
protections XSRF et CORS actives, aucune trace Python montrée dans le navigateur.
Les autres arguments sont passés à streamlit run (par exemple --logger.level debug).
"""


class ServeError(ValueError):
    """A setting the server cannot start with; the message is French and names the variable."""


def base_path(value: str) -> str:
    """GPO_BASE_PATH as Streamlit wants it: "/gpo/", "gpo" and "/gpo" all give "gpo"; "" or "/" the root."""
    segments = [s for s in value.strip().strip("/").split("/")] if value.strip().strip("/") else []
    if any(not _SEGMENT.fullmatch(s) or s in (".", "..") for s in segments):
        raise ServeError(f"GPO_BASE_PATH doit être un chemin comme /gpo (lettres, chiffres, - _ . ~ et /), "
                         f"pas « {value} ».")
    return "/".join(segments)


def port(value: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 65535:
        raise ServeError(f"GPO_PORT doit être un numéro de port entre 1 et 65535, pas « {value} ».")
    return number


def address(value: str) -> str:
    text = value.strip()
    if not text or any(c.isspace() or c in "/?#@" for c in text):
        raise ServeError(f"GPO_ADDRESS doit être une adresse d'écoute comme 127.0.0.1, pas « {value} ».")
    return text


def database_url(value: str) -> None:
    """A malformed GPO_DATABASE_URL is refused before the server starts (the store itself opens on first use)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(value.strip())
    except ArgumentError:
        raise ServeError("GPO_DATABASE_URL n'est pas une adresse de base de données valide (exemples : "
                         "sqlite:////var/lib/gpo/gpo.sqlite, "
                         "postgresql+psycopg://utilisateur:motdepasse@serveur/base).") from None


def streamlit_options(environ: Mapping[str, str]) -> dict[str, str]:
    """The `streamlit run` options for this environment: the production ones, then address, port and base path
    when their GPO_ variable is set. Raises ServeError for a value the server cannot start with."""
    options = dict(PRODUCTION_OPTIONS)
    if environ.get("GPO_ADDRESS") is not None:
        options["server.address"] = address(environ["GPO_ADDRESS"])
    if environ.get("GPO_PORT") is not None:
        options["server.port"] = str(port(environ["GPO_PORT"]))
    if environ.get("GPO_BASE_PATH") is not None:
        options["server.baseUrlPath"] = base_path(environ["GPO_BASE_PATH"])
    if environ.get("GPO_DATABASE_URL"):
        database_url(environ["GPO_DATABASE_URL"])
    return options


def command(environ: Mapping[str, str], extra: list[str]) -> list[str]:
    """The full command the launcher becomes: this interpreter running `streamlit run` on dashboard.py."""
    flags = [part for name, value in streamlit_options(environ).items() for part in (f"--{name}", value)]
    return [sys.executable, "-m", "streamlit", "run", *flags, *extra, str(ROOT / "dashboard.py")]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if {"-h", "--help", "--aide"} & set(args):
        print(HELP.format(mib=UPLOAD_MIB))
        return 0
    try:
        argv_streamlit = command(os.environ, args)
    except ServeError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    if (os.environ.get("GPO_AUTH") or "off").strip().lower() == "off":
        print("Attention : GPO_AUTH n'est pas défini, l'application est ouverte à tous et montre les données de "
              "démonstration. En production : GPO_AUTH=local ou GPO_AUTH=oidc.", file=sys.stderr)
    os.chdir(ROOT)  # .streamlit/config.toml and .streamlit/secrets.toml are read from the working directory
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv_streamlit[0], argv_streamlit)
    return 1  # not reached: execv replaces this process
