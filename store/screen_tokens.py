"""Screen tokens: what keeps a briefing screen (an écran account) signed in across reloads, for months, unattended.

A token is 32 random bytes (URL-safe text) put in the screen's bookmarked
address as ``&jeton=…``. The store keeps only its SHA-256, with the account, an
expiry date and whether it was revoked; the token itself is shown once.

A token signs in only an active account whose role is écran (the role reads,
and sees only the two screen pages); this is checked again on every use, so
disabling the account, changing its role or revoking the token ends it at
once. Disabling the account, changing its role away from écran or resetting its
password also revokes its tokens for good.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from domain.access import ECRAN, Principal
from store.account_tables import accounts
from store.audit import record
from store.screen_token_tables import screen_tokens

DEFAULT_LIFETIME = dt.timedelta(days=90)
MAX_LIFETIME = dt.timedelta(days=366)
QUERY_KEY = "jeton"  # the URL parameter that carries a token


class TokenError(ValueError):
    """A refused token request; the message is French, for the user."""


@dataclass(frozen=True)
class ScreenToken:
    """A token just created: the only moment its text is known."""

    token_id: int
    token: str
    login: str
    expires_at: dt.datetime


def _sha256(token: str) -> str:
    return hashlib.sha256(str(token).encode("utf-8")).hexdigest()


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now().replace(microsecond=0)


def create_screen_token(engine: sa.Engine, login: str, *, lifetime: dt.timedelta = DEFAULT_LIFETIME,
                        by: str, now: dt.datetime | None = None) -> ScreenToken:
    """A new token for the écran account `login`, valid for `lifetime`. Audited. Raises TokenError (French)."""
    login = str(login).strip().lower()
    now = _now(now)
    if not dt.timedelta(0) < lifetime <= MAX_LIFETIME:
        raise TokenError(f"Un jeton d'écran vaut de quelques secondes à {MAX_LIFETIME.days} jours au plus.")
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        account = conn.execute(sa.select(accounts.c.role, accounts.c.active).where(accounts.c.login == login)).first()
        if account is None:
            raise TokenError(f"Aucun compte « {login} ».")
        if account.role != ECRAN:
            raise TokenError(f"Le compte « {login} » n'a pas le rôle écran : seul un compte écran peut recevoir un jeton.")
        if not account.active:
            raise TokenError(f"Le compte « {login} » est désactivé.")
        expires_at = now + lifetime
        token_id = conn.execute(screen_tokens.insert().values(
            token_sha256=_sha256(token), login=login, created_at=now, created_by=str(by)[:120],
            expires_at=expires_at)).inserted_primary_key[0]
        record(conn, by, "token_created", f"Jeton d'écran n° {token_id} créé pour le compte « {login} », valable "
                                          f"jusqu'au {expires_at:%d/%m/%Y à %H:%M}.", at=now)
    return ScreenToken(token_id, token, login, expires_at)


def screen_principal(engine: sa.Engine, token: str | None, now: dt.datetime | None = None) -> Principal | None:
    """The écran account a token signs in, or None (unknown, expired or revoked token; account disabled or not écran).

    Cheap (one indexed query): the app calls it on every run and every tick of a screen.
    """
    if not token or len(token) > 200:
        return None
    now = _now(now)
    t, a = screen_tokens.c, accounts.c
    query = (sa.select(a.login, a.display_name, a.role, a.csp_id, a.sectors)
             .select_from(screen_tokens.join(accounts, accounts.c.login == t.login))
             .where(t.token_sha256 == _sha256(token), t.revoked_at.is_(None), t.expires_at > now,
                    a.active == sa.true(), a.role == ECRAN))
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        return None
    return Principal(row["login"], row["display_name"], row["role"], row["csp_id"], frozenset((row["sectors"] or "").split()))


def token_number(engine: sa.Engine, token: str) -> int | None:
    """The number of a token (for the journal), whatever its state."""
    with engine.connect() as conn:
        return conn.execute(sa.select(screen_tokens.c.id).where(screen_tokens.c.token_sha256 == _sha256(token))).scalar()


def mark_used(engine: sa.Engine, token: str, now: dt.datetime | None = None) -> None:
    """Note when a token last opened a screen (once per browser session), so an admin sees which screens are alive."""
    with engine.begin() as conn:
        conn.execute(screen_tokens.update().where(screen_tokens.c.token_sha256 == _sha256(token))
                     .values(last_used_at=_now(now)))


def revoke_tokens(conn: sa.Connection, *, by: str, now: dt.datetime, login: str | None = None,
                  token_id: int | None = None, reason: str = "") -> int:
    """Revoke one token (`token_id`) or every live token of `login`, in the caller's transaction. Audited. Returns how many."""
    t = screen_tokens.c
    where = [t.revoked_at.is_(None)]
    if token_id is not None:
        where.append(t.id == token_id)
    if login is not None:
        where.append(t.login == str(login).strip().lower())
    if len(where) == 1:
        raise ValueError("revoke_tokens needs a token_id or a login")
    ids = conn.execute(sa.select(t.id).where(*where).order_by(t.id)).scalars().all()
    if ids:
        conn.execute(screen_tokens.update().where(t.id.in_(ids), t.revoked_at.is_(None)).values(revoked_at=now))
        numbers = ", ".join(str(i) for i in ids)
        record(conn, by, "token_revoked", f"Jeton(s) d'écran n° {numbers} révoqué(s){' : ' + reason if reason else ''}.",
               at=now)
    return len(ids)


def revoke_screen_token(engine: sa.Engine, token_id: int, *, by: str, now: dt.datetime | None = None) -> None:
    """Revoke one token by its number. Raises TokenError (French) if there is no such live token."""
    with engine.begin() as conn:
        if not revoke_tokens(conn, by=by, now=_now(now), token_id=int(token_id)):
            raise TokenError(f"Aucun jeton d'écran n° {token_id} encore valable.")


def revoke_account_tokens(engine: sa.Engine, login: str, *, by: str, now: dt.datetime | None = None) -> int:
    """Revoke every live token of an account. Returns how many were revoked."""
    with engine.begin() as conn:
        return revoke_tokens(conn, by=by, now=_now(now), login=login)


TOKEN_COLUMNS = ["N°", "Compte", "Créé le", "Créé par", "Expire le", "Dernière utilisation", "État"]


def list_screen_tokens(engine: sa.Engine, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every token ever created, newest first, with French columns and its state (never the token itself)."""
    now = _now(now)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(screen_tokens).order_by(screen_tokens.c.id.desc())).mappings().all()

    def state(r) -> str:
        if r["revoked_at"] is not None:
            return f"révoqué le {r['revoked_at']:%d/%m/%Y}"
        return "expiré" if r["expires_at"] <= now else "valable"

    return pd.DataFrame([(r["id"], r["login"], r["created_at"], r["created_by"], r["expires_at"], r["last_used_at"], state(r))
                         for r in rows], columns=TOKEN_COLUMNS)
