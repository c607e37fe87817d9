"""Page « Actions en retard »: who owes what, since when; grouped, filtered, downloadable."""

import streamlit as st

import app_state
import navigation
import incidents
from domain.formatting import fr_date, fr_int
from domain.indicators.actions import GROUPINGS, group_overdue
from exports.xlsx import tables_to_xlsx
from report_tables.overdue import WIDTHS, overdue_table

view = app_state.page_header(navigation.ACTIONS_EN_RETARD, "Actions en retard")
reference, filters, sector_ids = view.reference, view.filters, view.sector_ids
st.caption(f"Action en retard : « À faire » ou « En cours » avec une échéance antérieure au {fr_date(filters.as_of)} "
           "(date de référence). Retard = jours écoulés depuis l'échéance.")

late = app_state.overdue_for(sector_ids, filters.as_of)
if late.empty:
    st.success(f"Aucune action en retard au {fr_date(filters.as_of)} pour ce filtre.", icon=":material/check_circle:")
    st.stop()

col1, col2, col3, col4 = st.columns(4)
col1.metric("Actions en retard", fr_int(len(late)))
col2.metric("Retard médian", f"{fr_int(late['days_overdue'].median())} j")
col3.metric("Plus long retard", f"{fr_int(late['days_overdue'].max())} j")
col4.metric("Partenaires concernés", fr_int(late["partner"].nunique()))

st.subheader("Qui doit quoi")
by = st.radio("Regrouper par", list(GROUPINGS), format_func=GROUPINGS.get, horizontal=True, key="overdue_group_by")
grouped = group_overdue(late, by)
app_state.paged_table(grouped, "overdue_grouped")

st.subheader("Le détail")
table = overdue_table(late)
left, right = st.columns([2, 3])
kinds = left.multiselect("Type de partenaire", sorted(table["Type de partenaire"].unique()), key="overdue_kinds",
                         placeholder="Tous les types")
search = right.text_input("Rechercher (partenaire, action, commune)", key="overdue_search").strip().lower()
shown = table
if kinds:
    shown = shown[shown["Type de partenaire"].isin(kinds)]
if search:
    text = (shown["Partenaire"] + " " + shown["Action"] + " " + shown["Commune"]).str.lower()
    shown = shown[text.str.contains(search, regex=False)]
app_state.paged_table(shown, "overdue_table", column_config=app_state.grid_columns(shown, WIDTHS, {
    "Échéance": st.column_config.DateColumn(format="DD/MM/YYYY"),
    "Jours de retard": st.column_config.NumberColumn(format="%d j")}))
st.caption(f"{fr_int(len(shown))} action(s) retenue(s) sur {fr_int(len(table))}. Cliquez sur un en-tête pour trier.")
slot = st.columns([1, 2])[0]
sheet = app_state.file_when_asked(
    "Le fichier des actions en retard", "overdue_file",
    lambda: tables_to_xlsx({"Actions en retard": shown, f"Par {GROUPINGS[by].lower()}": grouped}),
    label="Préparer le fichier des actions en retard (.xlsx)", token=(tuple(sector_ids), filters.as_of, by,
                                                                      tuple(kinds), search), place=slot)
if sheet is not None:
    slot.download_button("Télécharger (.xlsx)", key="overdue_download", on_click=incidents.callback(app_state.audit),
                         args=("export", "Actions en retard (.xlsx)"), width="stretch",
                         file_name=f"actions_en_retard_{filters.as_of:%Y-%m-%d}.xlsx", data=sheet)
