"""Page « Réunions »: does each GPO meet at its cadence, with its socle, and who comes."""

import streamlit as st

import app_state
import incidents
import navigation
from domain.formatting import fr_date, fr_int, rate_with_counts
from domain.indicators.meetings import CADENCE_DAYS, LATE_MARGIN_DAYS, WINDOW_MONTHS, months_before
from report_tables.paging import PAGE_SIZE
from report_tables.meetings import TABLE_WIDTHS, cadence_table, meetings_headline
from report_tables.cycle import STATUS_ORDER_SHOWN as CYCLE_ORDER, STATUS_WIDTHS as CYCLE_WIDTHS
from domain.safe_text import md_escape

view = app_state.page_header(navigation.REUNIONS, "Réunions des GPO", subtitle=True)
reference, filters, sector_ids = view.reference, view.filters, view.sector_ids
as_of = filters.as_of
window_start = months_before(as_of, WINDOW_MONTHS)
summaries = app_state.cadence_for(sector_ids, as_of, filters.period_start)  # every GPO in one grouped pass
top = meetings_headline(summaries)
scope = filters.scope_label(reference)

view.subtitle.caption(f"{md_escape(scope)} · au {fr_date(as_of)} · cadence mesurée sur les {WINDOW_MONTHS} derniers "
                      f"mois (depuis le {fr_date(window_start)}), quelle que soit la période choisie")

late_rule = (f"plus de {CADENCE_DAYS['monthly'] + LATE_MARGIN_DAYS} jours (mensuel) ou "
             f"{CADENCE_DAYS['fortnightly'] + LATE_MARGIN_DAYS} jours (15 jours) depuis la dernière réunion tenue")
row = st.columns([2, 3, 3.3, 3.3])  # rates carry their counts: they need the wider columns
row[0].metric("GPO constitués", f"{fr_int(top.constituted)} / {fr_int(top.sectors)}",
              help=f"Constitués : {fr_int(top.constituted)} · constitution programmée : {fr_int(top.scheduled)} · "
                   f"pas encore constitués : {fr_int(top.not_yet)}.")
row[1].metric("GPO en retard sur leur cadence", f"{fr_int(top.late)} / {fr_int(top.constituted)}",
              help=f"GPO constitués sans réunion tenue depuis {md_escape(late_rule)}.")
row[2].metric("Respect moyen de la cadence", rate_with_counts(top.periods_met, top.periods) if top.periods else "–",
              help="Périodes avec au moins une réunion tenue ÷ périodes écoulées, tous GPO constitués réunis.")
row[3].metric("Réunions avec le socle complet", rate_with_counts(top.socle_full, top.held) if top.held else "–",
              help="Réunions tenues où la mairie, la police municipale et la police nationale étaient toutes présentes "
                   "(une présence non renseignée compte comme une absence).")

not_constituted = [(reference.sectors[s].name, summary.constitution) for s, summary in summaries.items()
                   if summary.constitution.status != "constituted"]
if not_constituted:
    st.markdown(f"**Constitution des GPO** : {fr_int(top.constituted)} constitué(s) · {fr_int(top.scheduled)} "
                f"constitution programmée · {fr_int(top.not_yet)} pas encore constitué(s).")
    st.markdown("\n".join(
        f"- {md_escape(name)} : constitution programmée le {fr_date(status.on)}" if status.status == "scheduled"
        else f"- {md_escape(name)} : pas encore constitué, aucune réunion prévue" for name, status in not_constituted))
if not top.constituted:
    st.info("Aucun GPO constitué parmi les secteurs choisis : pas encore de cadence à mesurer.",
            icon=":material/info:")

st.subheader("Cadence de chaque GPO")
table = cadence_table(summaries, reference)
app_state.paged_table(table, "cadence_table", height=35 * (min(len(table), PAGE_SIZE) + 1) + 3,
                      column_config=app_state.grid_columns(table, TABLE_WIDTHS))
st.caption("**Respect de la cadence** : part des périodes écoulées (mois civils ou périodes de 15 jours, sur les "
           f"{WINDOW_MONTHS} derniers mois, depuis la constitution) avec au moins une réunion tenue. « peu de périodes » : "
           f"moins de 5 périodes écoulées, taux fragile. **En retard** : {md_escape(late_rule)}. **Socle présent** : réunions tenues "
           "avec mairie, police municipale et police nationale présentes.")

st.subheader("Cycle du GPO : diagnostic et bilan")
if filters.sector_id:  # one GPO: its cycle at a glance, as on its sector page
    app_state.show_cycle_glance(filters.sector_id, as_of, key="reunions_cycle")
else:
    cycles = app_state.cycle_table_for(sector_ids, as_of)  # the most urgent first
    app_state.paged_table(cycles, "cycle_table", height=35 * (min(len(cycles), PAGE_SIZE) + 1) + 3,
                          column_order=CYCLE_ORDER, placeholder="–",
                          column_config=app_state.grid_columns(cycles, CYCLE_WIDTHS, {
                              "Dernier diagnostic": st.column_config.DateColumn(format="DD/MM/YYYY"),
                              "Bilan dû le": st.column_config.DateColumn(format="DD/MM/YYYY")}))
    st.caption("**Bilan dû** 12 mois après le diagnostic ; **en retard** quand aucun nouveau diagnostic n'est venu "
               "à l'échéance. Un secteur **sans diagnostic** n'a pas de cycle : il n'est jamais compté à jour. "
               "Choisissez un secteur pour voir ses problèmes prioritaires, ou ouvrez son bilan.")

shown = app_state.meetings_view(sector_ids, as_of, filters.period_start, window_start)  # built once per data and date
if top.constituted or top.scheduled:  # otherwise there is not a single meeting to draw
    st.subheader("Calendrier des réunions")
    st.plotly_chart(shown.timeline, width="stretch", key="meetings_timeline", config={"displayModeBar": False})
    st.caption(md_escape(shown.timeline_summary))
    st.caption("Chaque ligne est un GPO. Bandes vermillon : période de cadence écoulée sans réunion tenue. "
               "Survolez une réunion pour la date, le type et les présents.")

st.subheader("Partenaires présents aux réunions tenues")
if shown.held:
    st.plotly_chart(shown.attendance, width="stretch", key="attendance_chart", config={"displayModeBar": False})
    st.caption(md_escape(shown.attendance_summary))
    st.caption(f"{fr_int(shown.held)} réunion(s) tenue(s) du {fr_date(window_start)} au {fr_date(as_of)}. Les partenaires "
               "autres que le socle sont reconnus dans la colonne « Autres partenaires » des tableaux (bailleurs, "
               "transporteurs…).")
else:
    st.info(f"Aucune réunion tenue du {fr_date(window_start)} au {fr_date(as_of)} pour les secteurs choisis.",
            icon=":material/info:")

st.subheader("Calendrier des réunions prévues")
calendar_names = {s: reference.sectors[s].name for s in sector_ids}
if calendar_names:
    ics_sector = st.selectbox("Secteur du calendrier", list(calendar_names), format_func=calendar_names.get,
                              index=list(calendar_names).index(filters.sector_id) if filters.sector_id in calendar_names
                              else 0, key="ics_sector")
    ics = app_state.guarded_export("Le calendrier", lambda: app_state.calendar_file(ics_sector, as_of))
    st.download_button("Télécharger ses réunions prévues (.ics)", data=ics or b"", disabled=ics is None,
                       file_name=f"reunions_gpo_{ics_sector}.ics", mime="text/calendar", key="ics_download",
                       on_click=incidents.callback(app_state.audit),
                       args=("download", "Calendrier des réunions (.ics)", ics_sector))
    st.caption("Un fichier à importer dans un agenda (Outlook, Thunderbird, téléphone) : les réunions prévues à partir "
               f"du {fr_date(as_of)}, avec l'adresse de l'écran de réunion quand elle est configurée.")
