"""The login screen (local accounts or the organisation's OpenID Connect provider) and the sidebar's user box."""

from __future__ import annotations

import time

import streamlit as st

import incidents
from app_state import keys
from app_state.auth import sign_out
from app_state.accessibility import show_statement
from app_state.config import auth_mode
from app_state.resources import reference, store
from domain.access import ECRAN, Principal
from domain.safe_text import md_escape
from store.accounts import Refusal, authenticate
from store.screen_tokens import QUERY_KEY, create_screen_token, mark_used


def login_screen() -> None:
    """The only thing shown before login (local accounts or the organisation's OpenID Connect provider).

    The address the user asked for (page and parameters) is kept: dashboard.py
    has resolved it with every page before calling this, so once signed in the
    next run opens that page with its parameters.
    """
    st.title(md_escape(f"Tableau de bord des GPO {reference().departement.nom_avec_de}"))
    st.write("Accès réservé : ces données décrivent des problèmes de sécurité dans des lieux nommés.")
    with st.expander("Déclaration d'accessibilité", icon=":material/accessibility:", key="login_statement"):  # before login
        show_statement()
    if notice := st.session_state.pop(keys.LOGIN_NOTICE, None):
        st.info(md_escape(notice))
    if auth_mode() == "oidc":
        if getattr(st.user, "is_logged_in", False):
            st.error("Votre compte n'a accès à aucune donnée du tableau de bord. Adressez-vous à un administrateur.")
            st.button("Se déconnecter", key="oidc_logout", on_click=incidents.callback(st.logout))
        else:
            st.button("Se connecter avec le compte de l'organisation", key="oidc_login", type="primary",
                      on_click=incidents.callback(st.login))
        return
    with st.form("login_form"):
        login = st.text_input("Identifiant", key="login_name")
        password = st.text_input("Mot de passe", type="password", key="login_password")
        submitted = st.form_submit_button("Se connecter", type="primary")
    if submitted:
        outcome = authenticate(store(), login, password)
        if isinstance(outcome, Refusal):
            st.error(md_escape(outcome.message))
            return
        if outcome.role == ECRAN:
            # A screen keeps running unattended: its address gets a token, so a reload (or a restart of the
            # browser on that address) stays signed in until the token expires or is revoked.
            token = create_screen_token(store(), outcome.user_id, by=outcome.user_id).token
            mark_used(store(), token)
            st.session_state[keys.SCREEN_TOKEN] = token
            st.session_state[keys.PUBLISH_TOKEN] = True  # see auth.publish_screen_token
            st.query_params[QUERY_KEY] = token
        else:
            st.session_state[keys.SIGNED_IN] = outcome
            st.session_state[keys.SIGNED_IN_AT] = time.time()
        st.rerun()


def user_box(signed_in: Principal) -> None:
    """Who is signed in, at the bottom of the sidebar, with the way out."""
    if auth_mode() == "off":
        st.sidebar.caption("Accès libre (démonstration) : l'authentification est désactivée (GPO_AUTH).")
        return
    st.sidebar.divider()
    st.sidebar.markdown(f"**{md_escape(signed_in.display_name)}**  \n{md_escape(signed_in.role_label)}")
    if auth_mode() == "oidc":
        st.sidebar.button("Se déconnecter", key="logout", on_click=incidents.callback(st.logout))
    else:
        st.sidebar.button("Se déconnecter", key="logout", on_click=incidents.callback(sign_out))
