"""The audit journal: who did what, when. Append-only.

This module writes rows (`record`) and reads them (`read_audit`); on purpose it
offers no way to change or remove one. Details are French: an admin reads them.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import sqlalchemy as sa

from domain.safe_text import csv_cell
from exports.xlsx import tables_to_xlsx
from store.account_tables import audit_log

# Event code -> French label.
EVENTS: dict[str, str] = {
    "login_ok": "Connexion",
    "login_failed": "Connexion refusée",
    "logout": "Déconnexion",
    "import": "Import",
    "export": "Export",
    "download": "Téléchargement",
    "account_created": "Compte créé",
    "account_changed": "Compte modifié",
    "password_reset": "Mot de passe changé",
    "access_denied": "Accès refusé",
    "token_created": "Jeton d'écran créé",
    "token_revoked": "Jeton d'écran révoqué",
    "purge": "Purge (durée de conservation)",
    "restore": "Restauration de la base",
    "mail_sent": "Courriel envoyé",
    "mail_failed": "Courriel non envoyé",
    "mail_cancelled": "Courriel annulé",
}

COLUMNS = ["Date", "Utilisateur", "Événement", "Détail", "Secteur"]
_USER_MAX = 120  # the column's width: a login typed at the login form is cut, never refused


def record(engine_or_conn: sa.Engine | sa.Connection, user: str, event: str, detail: str, sector_id: str | None = None,
           at: dt.datetime | None = None) -> None:
    """Append one journal row. On a Connection the row joins the caller's transaction (written with it or not at all)."""
    if event not in EVENTS:
        raise ValueError(f"Événement de journal inconnu : {event!r}")
    row = {"at": at or dt.datetime.now().replace(microsecond=0), "user_login": (str(user) or "?")[:_USER_MAX],
           "event": event, "detail": str(detail), "sector_id": sector_id}
    if isinstance(engine_or_conn, sa.Connection):
        engine_or_conn.execute(audit_log.insert().values(**row))
    else:
        with engine_or_conn.begin() as conn:
            conn.execute(audit_log.insert().values(**row))


def _bound(value: dt.date | dt.datetime | None, end: bool) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    day = dt.datetime.combine(value, dt.time())
    return day + dt.timedelta(days=1) if end else day  # a date `until` includes its whole day


def read_audit(engine: sa.Engine, since: dt.date | dt.datetime | None = None, until: dt.date | dt.datetime | None = None,
               user: str | None = None, event: str | None = None) -> pd.DataFrame:
    """Journal rows, newest first, with French columns: Date, Utilisateur, Événement (label), Détail, Secteur.

    `since` is inclusive; `until` is exclusive for a datetime and includes the
    whole day for a date. `user` matches the login ignoring case; `event` is a code.
    """
    c = audit_log.c
    query = sa.select(c.at, c.user_login, c.event, c.detail, c.sector_id).order_by(c.at.desc(), c.id.desc())
    if (start := _bound(since, end=False)) is not None:
        query = query.where(c.at >= start)
    if (stop := _bound(until, end=True)) is not None:
        query = query.where(c.at < stop)
    if user:
        query = query.where(sa.func.lower(c.user_login) == user.strip().lower())
    if event:
        query = query.where(c.event == event)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame([(at, login, EVENTS.get(ev, ev), detail, sector) for at, login, ev, detail, sector in rows],
                         columns=COLUMNS)
    frame["Date"] = pd.to_datetime(frame["Date"])
    return frame


def audit_csv(frame: pd.DataFrame) -> bytes:
    """The journal as a CSV for French spreadsheets (`;`, UTF-8 with BOM), formula-like text neutralised.

    A login typed at the login form may be "=cmd|…" or "\t=1+1": never a formula in a spreadsheet."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(csv_cell)
    if "Date" in safe.columns and pd.api.types.is_datetime64_any_dtype(safe["Date"]):
        safe["Date"] = safe["Date"].dt.strftime("%d/%m/%Y %H:%M:%S")
    buffer = io.StringIO()
    safe.to_csv(buffer, sep=";", index=False)
    return buffer.getvalue().encode("utf-8-sig")


def audit_xlsx(frame: pd.DataFrame) -> bytes:
    """The journal as an .xlsx (formula-like text neutralised by `tables_to_xlsx`); times kept, as text."""
    sheet = frame.copy()
    if "Date" in sheet.columns and pd.api.types.is_datetime64_any_dtype(sheet["Date"]):
        sheet["Date"] = sheet["Date"].dt.strftime("%d/%m/%Y %H:%M:%S")
    return tables_to_xlsx({"Journal": sheet})
