"""Page « Problèmes »: what the GPO were told about, what they solved, how fast; month by month, by category, by sector."""

import streamlit as st

import app_state
import navigation
from charts.problem_charts import history_stock_chart
from charts.summaries import history_summary
from domain.filters import PERIODS
from domain.formatting import fr_date, fr_days, fr_int, rate_with_counts
from domain.indicators.meetings import months_before
from domain.indicators.problem_history import first_import_day, has_history
from domain.indicators.problems import month_ends
from domain.safe_text import md_escape

PLOTLY = {"displayModeBar": False}

view = app_state.page_header(navigation.PROBLEMES, "Problèmes signalés et résolus", subtitle=True)
reference, filters, sector_ids = view.reference, view.filters, view.sector_ids
last_imports = app_state.last_imports()
as_of, period_start = filters.as_of, filters.period_start
scope = filters.scope_label(reference)
view.subtitle.caption(f"{md_escape(scope)} · au {fr_date(as_of)} · période : {PERIODS[filters.period_months].lower()} "
                      f"(du {fr_date(period_start)} au {fr_date(as_of)})")
without_tracker = [reference.sectors[s].name for s in sector_ids if s not in last_imports]
if without_tracker:
    st.info(f"Aucun tableau importé pour : {md_escape(', '.join(without_tracker))}. Ces secteurs ne comptent dans aucun chiffre.",
            icon=":material/inbox:")

# At least the last 12 months (this one and the 11 before), so a season is never mistaken for a trend
chart_start = min(period_start.replace(day=1), months_before(as_of, 11).replace(day=1))
shown = app_state.problems_view(sector_ids, as_of, period_start, chart_start)  # built once per data, date and period
if not shown.problems:
    st.info("Aucun problème pour ce filtre.")
    st.stop()
stats, figures = shown.stats, shown.figures
row1 = st.columns(3)
row1[0].metric("Problèmes ouverts", fr_int(shown.open_count),
               help=f"Statut « Ouvert » ou « En cours » au {fr_date(as_of)} (date de référence), signalés ce jour-là "
                    "ou avant.")
row1[1].metric("dont en retard (échéance dépassée)", fr_int(shown.late_count),
               help=f"Problèmes ouverts dont l'échéance est antérieure au {fr_date(as_of)}.")
row1[2].metric("Résolus sur la période", fr_int(stats.resolved),
               help=f"Statut « Résolu » avec une date de résolution du {fr_date(period_start)} au {fr_date(as_of)}.")
row2 = st.columns(3)
row2[0].metric("Taux de résolution", rate_with_counts(stats.resolved, stats.open_during),
               help="Problèmes résolus sur la période ÷ problèmes ouverts à un moment de la période "
                    f"({fr_int(stats.resolved)} sur {fr_int(stats.open_during)})."
                    + (" Moins de 5 problèmes : taux peu significatif." if stats.small_sample else ""))
row2[1].metric("Délai médian de résolution", fr_days(stats.median_days),
               help="La moitié des problèmes résolus sur la période l'ont été en ce délai ou moins "
                    "(délai = date de résolution − date de signalement).")
row2[2].metric("80 % résolus en", fr_days(stats.p80_days),
               help="80e percentile : 80 % des problèmes résolus sur la période l'ont été en ce délai ou moins.")


st.subheader("Mois par mois")
st.plotly_chart(figures["stock"], width="stretch", key="problems_stock_flow", config=PLOTLY, theme=None)
st.caption(md_escape(shown.summaries["stock"]))
st.caption(f"Du {fr_date(chart_start)} au {fr_date(as_of)} (le dernier mois s'arrête à la date de référence). "
           "« Ouverts en fin de mois » est reconstitué d'après les dates de signalement et de résolution des tableaux "
           "actuels.")

history = app_state.import_history(sector_ids)
ends = tuple(month_ends(chart_start, as_of))
first_day = first_import_day(history)
if has_history(history):
    past = app_state.open_problems_history(sector_ids, ends)
    st.markdown("**Problèmes ouverts chaque mois selon les tableaux de l'époque**")
    st.plotly_chart(history_stock_chart(past, shown.monthly), width="stretch", key="problems_history", config=PLOTLY, theme=None)
    st.caption(md_escape(history_summary(past)))
    gaps = past[past["sectors_missing"].map(len) > 0]
    if not gaps.empty:
        st.caption(f"À certaines fins de mois, des secteurs n'avaient encore importé aucun tableau et ne comptent pas : "
                   f"jusqu'au {fr_date(gaps['month_end'].max())}, {len(gaps['sectors_missing'].iloc[-1])} secteur(s) "
                   "sans tableau.")
elif first_day is not None:
    st.caption(f"Problèmes ouverts selon les tableaux de l'époque : l'historique commence au premier import "
               f"({fr_date(first_day)}). Un seul tableau par secteur a été importé à ce jour ; la courbe apparaîtra "
               "avec les imports suivants.")

st.subheader("Par catégorie")
st.plotly_chart(figures["category"], width="stretch", key="problems_by_category", config=PLOTLY, theme=None)
st.caption(md_escape(shown.summaries["category"]))

st.subheader("Par secteur et par circonscription")
st.caption("Taux de résolution avec ses effectifs (résolus / ouverts pendant la période). En gris hachuré, "
           "« (peu de données) » : moins de 5 problèmes sur la période ; ces secteurs sont placés à la fin, hors classement.")
st.plotly_chart(figures["sector"], width="stretch", key="problems_by_sector", config=PLOTLY, theme=None)
st.caption(md_escape(shown.summaries["sector"]))
if filters.sector_id is None:
    st.plotly_chart(figures["csp"], width="stretch", key="problems_by_csp", config=PLOTLY, theme=None)
    st.caption(md_escape(shown.summaries["csp"]))

left, right = st.columns(2)
with left:
    st.subheader("Ancienneté des problèmes ouverts")
    st.plotly_chart(figures["age"], width="stretch", key="problems_age", config=PLOTLY, theme=None)
    st.caption(md_escape(shown.summaries["age"]))
with right:
    st.subheader("Délai de résolution")
    st.plotly_chart(figures["time"], width="stretch", key="problems_resolution_time", config=PLOTLY, theme=None)
    st.caption(md_escape(shown.summaries["time"]))
    st.caption("Problèmes résolus sur la période. Trait plein : médiane ; tirets : 80 % des problèmes résolus "
               "l'ont été en ce délai ou moins.")

st.subheader("Problèmes ouverts")
if not shown.open_count:
    st.success(f"Aucun problème ouvert au {fr_date(as_of)} pour ce filtre.", icon=":material/check_circle:")
else:
    table = shown.open_table
    widths = {"Secteur": 210, "Catégorie": 235, "Lieu": 175, "Commune": 135, "Âge (j)": 60, "Priorité": 72,
              "En retard": 80, "Échéance": 95, "Statut": 80, "Signalé le": 95, "Réf": 50}
    app_state.paged_table(table, "open_problems_table", column_config=app_state.grid_columns(table, widths, {
        "Échéance": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "Signalé le": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "Âge (j)": st.column_config.NumberColumn(format="%d")}))
    st.caption(f"{fr_int(len(table))} problème(s) ouvert(s), les plus anciens en premier. Cliquez sur un en-tête pour trier.")
