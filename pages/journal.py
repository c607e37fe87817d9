"""Page « Journal » (admin): the append-only audit journal — logins, imports, exports, downloads, account changes."""

import datetime as dt

import streamlit as st

import app_state
import navigation
from app_state.admin import AUDIT_EVENTS as EVENTS, journal as read_journal, journal_xlsx
from domain.access import DENIED_MESSAGE, READ_AUDIT, may
from domain.safe_text import visible_frame

filters = app_state.page_header(navigation.JOURNAL, "Journal", banner=False, stale=False).filters
if not may(app_state.principal(), READ_AUDIT):
    app_state.audit("access_denied", "Page Journal")
    st.error(DENIED_MESSAGE)
    st.stop()

left, middle, right, last = st.columns(4)
since = left.date_input("Du", value=filters.as_of - dt.timedelta(days=30), format="DD/MM/YYYY", key="audit_since")
until = middle.date_input("Au", value=dt.date.today(), format="DD/MM/YYYY", key="audit_until")
user = right.text_input("Utilisateur", key="audit_user").strip() or None
event = last.selectbox("Événement", ["", *EVENTS], format_func=lambda e: EVENTS.get(e, "Tous"), key="audit_event") or None
journal = read_journal(since=since, until=until, user=user, event=event)
st.dataframe(visible_frame(journal), hide_index=True, width="stretch", key="audit_table")
st.caption(f"{len(journal)} entrée(s). Le journal ne peut être ni modifié ni effacé depuis l'application.")
sheet = app_state.guarded_export("Le fichier du journal", lambda: journal_xlsx(journal))
if st.download_button("Exporter le journal (.xlsx)", data=sheet or b"", disabled=sheet is None, key="audit_download",
                      file_name=f"journal_{since:%Y-%m-%d}_{until:%Y-%m-%d}.xlsx"):
    app_state.audit("export", f"Journal exporté ({len(journal)} entrées)")
