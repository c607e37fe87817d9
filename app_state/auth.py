"""Who is signed in: the principal of this run (password, screen token or the organisation's OpenID Connect),
what they may read, the journal of what they do, and signing out. The login screen is in `app_state.login`."""

from __future__ import annotations

import time

import streamlit as st

from app_state import keys
from app_state.config import SESSION_MINUTES, auth_mode
from app_state.resources import reference, store
from domain.access import OPEN_ACCESS, Principal, readable_sectors
from store.accounts import principal_for_oidc, principal_of
from store.audit import record
from store.screen_tokens import QUERY_KEY, mark_used, screen_principal, token_number


def current_principal() -> Principal | None:
    """The signed-in Principal, or None: then nothing but the login screen is shown. Called on every run and tick."""
    mode = auth_mode()
    if mode == "off":
        return OPEN_ACCESS
    if mode == "oidc":
        if not getattr(st.user, "is_logged_in", False):
            return None
        mapping = dict(st.secrets.get("gpo_roles", {}))
        groups = st.user.get("groups") or []
        return principal_for_oidc(st.user.get("email", ""), groups, mapping, name=st.user.get("name"))
    return _password_principal() or _screen_principal()


def _password_principal() -> Principal | None:
    """The account signed in with its password in this browser session, re-read from the store (None if none)."""
    signed = st.session_state.get(keys.SIGNED_IN)
    if signed is None:
        return None
    if time.time() - st.session_state.get(keys.SIGNED_IN_AT, 0) > SESSION_MINUTES * 60:
        sign_out(expired=True)
        return None
    fresh = principal_of(store(), signed.user_id)  # a disabled account or a changed role takes effect at once
    if fresh is None:
        st.session_state.pop(keys.SIGNED_IN, None)
        st.session_state[keys.LOGIN_NOTICE] = "Votre compte a été désactivé ou modifié : reconnectez-vous."
    return fresh


def _screen_principal() -> Principal | None:
    """The écran account a screen token signs in (the address's ?jeton=…, or the one this session already uses)."""
    token = st.query_params.get(QUERY_KEY) or st.session_state.get(keys.SCREEN_TOKEN)
    if not token:
        return None
    fresh = screen_principal(store(), token)
    if fresh is None:
        st.session_state.pop(keys.SCREEN_TOKEN, None)
        st.session_state[keys.LOGIN_NOTICE] = ("Le lien de cet écran n'est plus valable (jeton expiré ou révoqué, ou "
                                               "compte désactivé) : connectez-vous avec le compte de l'écran, ou "
                                               "demandez un nouveau lien à un administrateur.")
        return None
    if st.session_state.get(keys.SCREEN_TOKEN) != token:  # first use in this browser session: journaled once
        st.session_state[keys.SCREEN_TOKEN] = token
        st.session_state.pop(keys.LOGIN_NOTICE, None)
        mark_used(store(), token)
        record(store(), fresh.user_id, "login_ok", f"Connexion de l'écran par son jeton n° {token_number(store(), token)}.")
    return fresh


def enter_as(signed_in: Principal) -> None:
    """dashboard.py, once the sign-in holds: this run (its page, its fragments' ticks) is for `signed_in`."""
    st.session_state[keys.PAGE_PRINCIPAL] = signed_in


def principal() -> Principal:
    """The signed-in Principal for a page (dashboard.py has already stopped the run when there is none)."""
    return st.session_state.get(keys.PAGE_PRINCIPAL, OPEN_ACCESS)


def readable() -> frozenset[str] | None:
    """The sectors the signed-in user may read (None: every sector, when authentication is off)."""
    if auth_mode() == "off":
        return None
    return frozenset(readable_sectors(principal(), reference()))


def audit(event: str, detail: str, sector_id: str | None = None) -> None:
    record(store(), principal().user_id, event, detail, sector_id)


def publish_screen_token() -> None:
    """Once after a screen's login, write its token into the browser's address, so that a reload stays signed in.

    Called by dashboard.py after navigation: the login run's own change of the
    address is lost with the rerun that follows it (Streamlit drops what that
    run had not yet sent), and a link's page may also be reopened without it.
    """
    token = st.session_state.get(keys.SCREEN_TOKEN)
    if token and st.session_state.pop(keys.PUBLISH_TOKEN, False):
        st.query_params[QUERY_KEY] = token


def recheck_signed_in() -> None:
    """Inside a fragment: rerun the whole app (hence the login screen) if the signed-in rights changed or ended."""
    if auth_mode() == "off":
        return
    if current_principal() != st.session_state.get(keys.PAGE_PRINCIPAL):
        st.rerun(scope="app")


def sign_out(expired: bool = False) -> None:
    signed = st.session_state.pop(keys.SIGNED_IN, None)
    if signed is None and st.session_state.get(keys.SCREEN_TOKEN):
        signed = st.session_state.get(keys.PAGE_PRINCIPAL)
    if st.session_state.pop(keys.SCREEN_TOKEN, None) is not None and QUERY_KEY in st.query_params:
        del st.query_params[QUERY_KEY]  # signing out of a screen: its address no longer signs it in
    if signed is not None:
        record(store(), signed.user_id, "logout", "Session expirée." if expired else "Déconnexion.")
    if expired:
        st.session_state[keys.LOGIN_NOTICE] = "Votre session a expiré : reconnectez-vous."
