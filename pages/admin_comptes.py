"""Page « Comptes » (admin): local accounts — create, change role or sectors, reset a password, disable — and the
briefing screens' tokens (create, list, revoke)."""

import streamlit as st

import app_state
import navigation
from app_state.admin import (
    DEFAULT_LIFETIME, MAX_LIFETIME, QUERY_KEY, AccountError, TokenError, accounts_table, change_account,
    create_account, create_screen_token, revoke_screen_token, screen_tokens_table,
)
from domain.access import DENIED_MESSAGE, MANAGE_ACCOUNTS, ROLES, may
from domain.safe_text import md_escape, visible_frame

view = app_state.page_header(navigation.ADMIN_COMPTES, "Comptes", banner=False, stale=False)
reference = view.reference
if not may(app_state.principal(), MANAGE_ACCOUNTS):  # not listed for other roles; checked again here
    app_state.audit("access_denied", "Page Comptes")
    st.error(DENIED_MESSAGE)
    st.stop()
if app_state.auth_mode() != "local":
    st.info("Les comptes locaux servent quand GPO_AUTH=local. Avec l'authentification de l'organisation (oidc), "
            "les rôles viennent de la section [gpo_roles] de .streamlit/secrets.toml.")

accounts = accounts_table()
st.dataframe(visible_frame(accounts), hide_index=True, width="stretch", key="accounts_table")

sector_names = {s.sector_id: s.name for s in reference.sectors.values()}
with st.form("account_create", clear_on_submit=True):
    st.subheader("Créer un compte")
    left, right = st.columns(2)
    login = left.text_input("Identifiant", key="new_login")
    name = right.text_input("Nom affiché", key="new_name")
    role = left.selectbox("Rôle", list(ROLES), format_func=ROLES.get, key="new_role")
    csp = right.selectbox("CSP (chef de CSP)", ["", *reference.csps], key="new_csp",
                          format_func=lambda c: reference.csps[c].name if c else "—")
    sectors = st.multiselect("Secteurs (animateur)", list(sector_names), format_func=sector_names.get, key="new_sectors")
    password = left.text_input("Mot de passe (12 caractères au moins)", type="password", key="new_password")
    again = right.text_input("Mot de passe, à nouveau", type="password", key="new_password_again")
    if st.form_submit_button("Créer le compte", type="primary"):
        if password != again:
            st.error("Les deux mots de passe diffèrent.")
        else:
            try:
                create_account(login, name, role, password, csp_id=csp or None, sector_ids=sectors)
            except AccountError as refusal:
                st.error(md_escape(str(refusal)))
            else:
                st.success(f"Compte « {md_escape(login)} » créé.")

with st.form("account_change", clear_on_submit=True):
    st.subheader("Mot de passe oublié, départ d'un agent")
    login = st.text_input("Identifiant", key="change_login")
    password = st.text_input("Nouveau mot de passe (laisser vide pour ne pas le changer)", type="password", key="change_password")
    action = st.radio("Compte", ["keep", "disable", "enable"], horizontal=True, key="change_active",
                      format_func={"keep": "inchangé", "disable": "désactiver", "enable": "réactiver"}.get)
    if st.form_submit_button("Enregistrer"):
        try:
            change_account(login, password=password or None, active=None if action == "keep" else action == "enable")
        except AccountError as refusal:
            st.error(md_escape(str(refusal)))
        else:
            st.success(f"Compte « {md_escape(login)} » mis à jour.")

st.subheader("Jetons des écrans de réunion")
st.caption("Un écran de commissariat ou un projecteur reste connecté grâce à un jeton placé dans son adresse "
           "(« &jeton=… »). Seul un compte écran en reçoit un ; il n'ouvre que le mode réunion et l'écran de direction. "
           "Le jeton vaut jusqu'à sa date d'expiration, sauf s'il est révoqué, si le compte est désactivé, change de rôle "
           "ou reçoit un nouveau mot de passe.")
screens = accounts.loc[(accounts["Rôle"] == ROLES["ecran"]) & (accounts["Actif"] == "oui"),
                             "Identifiant"].tolist()
with st.form("token_create", clear_on_submit=True):
    left, right = st.columns(2)
    screen = left.selectbox("Compte écran", screens, key="token_account", index=None, placeholder="Choisir un compte écran")
    days = right.number_input("Valable (jours)", min_value=1, max_value=MAX_LIFETIME.days, value=DEFAULT_LIFETIME.days,
                              step=1, key="token_days")
    if st.form_submit_button("Créer un jeton"):
        if not screen:
            st.error("Choisissez un compte écran (créez-en un ci-dessus avec le rôle « Écran de réunion »).")
        else:
            try:
                made = create_screen_token(screen, int(days))
            except TokenError as refusal:
                st.error(md_escape(str(refusal)))
            else:
                st.success(md_escape(f"Jeton n° {made.token_id} créé, valable jusqu'au {made.expires_at:%d/%m/%Y}. "
                                     "Ajoutez ceci à l'adresse de l'écran ; il ne sera plus affiché :"))
                st.code(f"&{QUERY_KEY}={made.token}", language=None)
                st.caption("Par exemple : …/mode_reunion?secteur=forbach&ecran=1&embed=true"
                           f"&{QUERY_KEY}=… ou …/ecran_rotation?csp=metz&ecran=1&embed=true&{QUERY_KEY}=…")

st.dataframe(visible_frame(screen_tokens_table()), hide_index=True, width="stretch", key="tokens_table")
with st.form("token_revoke", clear_on_submit=True):
    number = st.number_input("Numéro du jeton à révoquer", min_value=1, step=1, value=None, key="token_revoke_number")
    if st.form_submit_button("Révoquer"):
        try:
            if number is None:
                raise TokenError("Indiquez le numéro du jeton (colonne « N° » du tableau).")
            revoke_screen_token(int(number))
        except TokenError as refusal:
            st.error(md_escape(str(refusal)))
        else:
            st.success(f"Jeton n° {int(number)} révoqué : l'écran qui l'utilise affichera l'écran de connexion.")
