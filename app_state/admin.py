"""Administration for the pages « Comptes » and « Journal »: local accounts, the screens' tokens and the audit
journal, each change recorded under the signed-in administrator. Every function checks the capability itself
(the pages are listed only for the roles that hold it, and say so again): nothing here trusts the page."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from app_state.auth import principal
from app_state.resources import reference, store
from domain.access import DENIED_MESSAGE, MANAGE_ACCOUNTS, READ_AUDIT, may
from store import accounts, audit, screen_tokens
from store.accounts import AccountError
from store.audit import EVENTS as AUDIT_EVENTS
from store.screen_tokens import DEFAULT_LIFETIME, MAX_LIFETIME, QUERY_KEY, ScreenToken, TokenError

__all__ = ["AUDIT_EVENTS", "AccountError", "DEFAULT_LIFETIME", "MAX_LIFETIME", "QUERY_KEY", "TokenError", "accounts_table",
           "change_account", "create_account", "create_screen_token", "journal", "journal_xlsx", "revoke_screen_token",
           "screen_tokens_table"]


def _admin() -> str:
    """The administrator's login, or AccountError if the signed-in user may not manage accounts."""
    if not may(principal(), MANAGE_ACCOUNTS):
        raise AccountError(DENIED_MESSAGE)
    return principal().user_id


def accounts_table() -> pd.DataFrame:
    _admin()
    return accounts.list_accounts(store())


def create_account(login: str, name: str, role: str, password: str, *, csp_id: str | None,
                   sector_ids: list[str]) -> None:
    """Raises AccountError (a French message) when refused: weak password, login taken, scope not fit for the role…"""
    accounts.create_account(store(), login, name, role, password, csp_id=csp_id, sector_ids=sector_ids, by=_admin(),
                            reference=reference())


def change_account(login: str, *, password: str | None, active: bool | None) -> None:
    """A new password (when given), then the account disabled or enabled (when `active` is not None)."""
    by = _admin()
    if password:
        accounts.set_password(store(), login, password, by=by)
    if active is not None:
        accounts.set_active(store(), login, active, by=by)


def screen_tokens_table() -> pd.DataFrame:
    _admin()
    return screen_tokens.list_screen_tokens(store())


def create_screen_token(login: str, days: int) -> ScreenToken:
    """A new token for a screen account, shown once. Raises TokenError (a French message) when refused."""
    try:
        by = _admin()
    except AccountError as refusal:
        raise TokenError(str(refusal)) from None
    return screen_tokens.create_screen_token(store(), login, lifetime=dt.timedelta(days=days), by=by)


def revoke_screen_token(token_id: int) -> None:
    try:
        by = _admin()
    except AccountError as refusal:
        raise TokenError(str(refusal)) from None
    screen_tokens.revoke_screen_token(store(), token_id, by=by)


def journal(*, since: dt.date, until: dt.date, user: str | None, event: str | None) -> pd.DataFrame:
    """The audit journal's rows, newest first, with French columns (empty for a user who may not read it)."""
    if not may(principal(), READ_AUDIT):
        return pd.DataFrame(columns=audit.COLUMNS)
    return audit.read_audit(store(), since=since, until=until, user=user, event=event)


def journal_xlsx(frame: pd.DataFrame) -> bytes:
    """The journal rows shown, as an .xlsx (formula-like text neutralised)."""
    return audit.audit_xlsx(frame)
