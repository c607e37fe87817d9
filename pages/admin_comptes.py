"""Page « Comptes » (admin): local accounts — create, change role or sectors, reset a password, disable."""

import streamlit as st

import app_state
from domain.access import DENIED_MESSAGE, ROLES, may
from domain.safe_text import md_escape, visible_frame
from store.accounts import AccountError, create_account, list_accounts, set_active, set_password

reference = app_state.reference()
engine = app_state.store()
me = app_state.principal()
app_state.page_filters("pages/admin_comptes.py")

st.title("Comptes")
if not may(me, "manage_accounts"):  # not listed for other roles; checked again here
    app_state.audit("access_denied", "Page Comptes")
    st.error(DENIED_MESSAGE)
    st.stop()
if app_state.auth_mode() != "local":
    st.info("Les comptes locaux servent quand GPO_AUTH=local. Avec l'authentification de l'organisation (oidc), "
            "les rôles viennent de la section [gpo_roles] de .streamlit/secrets.toml.")

st.dataframe(visible_frame(list_accounts(engine)), hide_index=True, width="stretch", key="accounts_table")

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
                create_account(engine, login, name, role, password, csp_id=csp or None, sector_ids=sectors,
                               by=me.user_id, reference=reference)
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
            if password:
                set_password(engine, login, password, by=me.user_id)
            if action != "keep":
                set_active(engine, login, action == "enable", by=me.user_id)
        except AccountError as refusal:
            st.error(md_escape(str(refusal)))
        else:
            st.success(f"Compte « {md_escape(login)} » mis à jour.")
