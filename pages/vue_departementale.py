"""Page « Vue départementale » (home): headline figures and the département's map, for leadership."""

import streamlit as st

import app_state
import navigation
import incidents
from charts.departement_map import map_caption, map_level
from domain.filters import PERIODS
from domain.formatting import fr_date, fr_days, fr_int, rate_with_counts
from domain.indicators.cycle import DUE_SOON_DAYS
from domain.indicators.meetings import CADENCE_DAYS, LATE_MARGIN_DAYS
from domain.indicators.problems import SMALL_SAMPLE
from domain.safe_text import md_escape, visible_frame
from domain.bilan_wording import share_or_counts
from report_tables.paging import PAGE_SIZE
from report_tables.sector_ranking import MAP_METRICS, csp_map_table, map_label, ranking_widths

if st.session_state.pop("open_sector_page", False):  # a click on the map, in the previous run
    st.switch_page(navigation.FICHE_SECTEUR.path)

view = app_state.page_header(navigation.VUE_DEPARTEMENTALE, "Vue départementale", subtitle=True)
reference, filters, sector_ids = view.reference, view.filters, view.sector_ids
scope = filters.scope_label(reference)
view.subtitle.caption(f"{md_escape(scope)} · au {fr_date(filters.as_of)} · période : "
                      f"{PERIODS[filters.period_months].lower()} (depuis le {fr_date(filters.period_start)})")

top = app_state.headline_for(filters)
row1 = st.columns(4)
row1[0].metric("Problèmes ouverts", fr_int(top.open_problems),
               help=f"Statut « Ouvert » ou « En cours » au {fr_date(filters.as_of)} ; dont {fr_int(top.overdue_problems)} "
                    "avec une échéance dépassée.")
row1[1].metric("Résolus sur la période", fr_int(top.resolution.resolved))
row1[2].metric("Taux de résolution", rate_with_counts(top.resolution.resolved, top.resolution.open_during),
               help="Problèmes résolus sur la période ÷ problèmes ouverts à un moment de la période.")
row1[3].metric("Délai médian de résolution", fr_days(top.resolution.median_days),
               help=f"80 % des problèmes résolus sur la période l'ont été en {fr_days(top.resolution.p80_days)} ou moins.")
row2 = st.columns(4)
row2[0].metric("Actions en retard", fr_int(top.overdue_actions),
               help="« À faire » ou « En cours » avec une échéance dépassée à la date de référence.")
row2[1].metric("GPO en retard sur leur cadence", f"{fr_int(top.late_gpo)} / {fr_int(top.constituted_gpo)}",
               help=f"Plus de {CADENCE_DAYS['monthly'] + LATE_MARGIN_DAYS} jours (GPO mensuel) ou "
                    f"{CADENCE_DAYS['fortnightly'] + LATE_MARGIN_DAYS} jours (GPO tous les 15 jours) depuis la dernière "
                    "réunion tenue.")
row2[2].metric("GPO constitués", f"{fr_int(top.constituted_gpo)} / {fr_int(top.sectors)}")
row2[3].metric("Secteurs aux données anciennes", f"{fr_int(top.stale_sectors)} / {fr_int(top.sectors)}",
               help="Dernier import plus vieux que la cadence du GPO.")

metrics = app_state.metrics_for(filters)
if metrics.empty:
    st.info("Aucun secteur pour ce filtre.")
    st.stop()

# No heading of its own: the radio's label names the map, so the map starts within a 1920×1080 screen
metric = st.radio("Carte des secteurs : indicateur affiché", list(MAP_METRICS), format_func=lambda m: MAP_METRICS[m][0],
                  horizontal=True, key="map_metric")
label = map_label(metric, by_sector=map_level(len(metrics)) == "sector")


def _open_clicked_sector() -> None:
    points = st.session_state["departement_map"].selection.get("points", [])
    sector_id = next((p.get("customdata") for p in points if p.get("customdata")), None)
    if isinstance(sector_id, list):
        sector_id = sector_id[0]
    if sector_id:
        app_state.choose_sector(sector_id)
        st.session_state["open_sector_page"] = True


by_sector = map_level(len(metrics)) == "sector"  # beyond 60 sectors the map shows CSPs
figure = app_state.map_figure(sector_ids, filters.as_of, filters.period_start, metric, frame_width=1000, height=560,
                              by_sector=by_sector)  # built once per data, date, scope and metric
st.plotly_chart(figure, width="stretch", key="departement_map", on_select=incidents.callback(_open_clicked_sector),
                selection_mode="points", config={"displayModeBar": False, "scrollZoom": True})
# The map's equivalent for who cannot see it: what it shows in one sentence, then its figures as a table
st.caption(md_escape(app_state.map_summary(sector_ids, filters.as_of, filters.period_start, metric, by_sector=by_sector)))
st.caption(md_escape(map_caption(len(metrics))))
if not by_sector:  # the map colours CSPs: their figures, as the map's hover gives them
    csp_table = csp_map_table(metrics, metric, reference)
    st.subheader(f"{md_escape(label)} par CSP (la carte en tableau)")
    app_state.paged_table(csp_table, "map_csp_table", height=35 * (min(len(csp_table), PAGE_SIZE) + 1) + 3)

st.subheader(f"{md_escape(MAP_METRICS[metric][0])} par secteur" + ("" if not by_sector else " (la carte en tableau)"))
ranking = app_state.ranking_for(sector_ids, filters.as_of, filters.period_start, metric)  # built once per input
app_state.paged_table(ranking, "ranking_table", height=35 * (min(len(ranking), PAGE_SIZE) + 1) + 3,
                      column_config=app_state.grid_columns(ranking, ranking_widths(metric)))

# The cycle and what the GPO's work came to, over the same sectors, date and period (per-sector figures: the map's
# « État du cycle » and « Ratio PSQ » above)
st.subheader("Cycle des GPO et résultats des problèmes clos")
cycle = app_state.outcomes_for(sector_ids, filters.as_of, filters.period_start)  # built once per data and period
counts, outcomes, psq = cycle.status_counts, cycle.outcomes, cycle.psq
row3 = st.columns(4)
row3[0].metric("Bilans en retard", f"{fr_int(counts['overdue'])} / {fr_int(cycle.sectors)}",
               help="Secteurs dont le dernier diagnostic a plus de 12 mois sans nouveau diagnostic : le bilan était dû.")
row3[1].metric("Secteurs sans diagnostic", f"{fr_int(counts['no_diagnostic'])} / {fr_int(cycle.sectors)}",
               help="Aucun diagnostic de sécurité enregistré : pas de cycle, jamais comptés à jour.")
row3[2].metric("Éliminés ou réduits (période)", md_escape(share_or_counts(outcomes.success, outcomes.with_outcome)),
               help=f"Parmi les {fr_int(outcomes.with_outcome)} problème(s) clos sur la période avec un résultat "
                    f"saisi ; {fr_int(outcomes.without_outcome)} clos sans résultat. Moins de {SMALL_SAMPLE} : les "
                    "nombres seuls.")
row3[3].metric("Ratio PSQ sur la période", rate_with_counts(psq.resolved, psq.identified),
               help="Problèmes résolus ÷ problèmes identifiés (le chiffre national du ministère : 60 %, 12 000 sur "
                    "21 000 en 2022) : parmi les problèmes signalés sur la période, ceux résolus à la date de référence.")
st.caption(f"État du cycle des {fr_int(cycle.sectors)} secteur(s) : {fr_int(counts['overdue'])} bilan(s) en retard, "
           f"{fr_int(counts['no_diagnostic'])} sans diagnostic, {fr_int(counts['due_soon'])} bilan(s) dû(s) sous "
           f"{DUE_SOON_DAYS} jours, {fr_int(counts['on_time'])} bilan(s) non encore dû(s). Pour chaque secteur, "
           "choisissez « État du cycle » ou « Ratio PSQ » au-dessus de la carte.")
left, right = st.columns(2)
with left:
    st.dataframe(visible_frame(cycle.distribution), hide_index=True, width="stretch", key="outcome_table", placeholder="–",
                 height=35 * (len(cycle.distribution) + 1) + 3,
                 column_config=app_state.grid_columns(cycle.distribution,
                                                      {"Résultat": 200, "Problèmes": 90, "Part": 130}))
with right:
    st.markdown(f"**Résultats enregistrés par les GPO** pour les {fr_int(outcomes.closed)} problème(s) clos du "
                f"{fr_date(filters.period_start)} au {fr_date(filters.as_of)} : part parmi les "
                f"{fr_int(outcomes.with_outcome)} qui ont un résultat, avec les effectifs ; "
                f"{fr_int(outcomes.without_outcome)} sans résultat saisi.")
    if outcomes.undated:
        st.caption(f"{fr_int(outcomes.undated)} problème(s) clos sans date de clôture, signalé(s) sur la période : "
                   "dans aucun de ces nombres.")
    if outcomes.with_outcome < SMALL_SAMPLE:
        st.caption(f"Moins de {SMALL_SAMPLE} problèmes avec un résultat : les nombres seuls, sans part.")
    st.caption("Descriptif : ces résultats sont ceux que les GPO ont saisis ; la page « Pertinence des actions » les "
               "croise avec les types de partenaires et les catégories.")
