"""Page « Déclaration d'accessibilité »: what was checked for RGAA, how, the result, what remains and why (every role)."""

import streamlit as st

import app_state
import navigation

app_state.page_filters(navigation.ACCESSIBILITE)  # a link straight to this page sets the app up first
st.title("Déclaration d'accessibilité")
app_state.show_statement()
