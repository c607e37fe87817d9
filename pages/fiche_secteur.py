"""Page « Fiche secteur »: one sector on one page — its map, problems, actions, meetings, people and freshness."""

import pandas as pd
import streamlit as st

import app_state
import navigation
import incidents
from domain.formatting import fr_date, fr_days, fr_int, rate_with_counts
from domain.indicators.actions import overdue_actions, with_context
from domain.indicators.freshness import freshness
from domain.indicators.meetings import CADENCE_DAYS, LATE_MARGIN_DAYS, cadence_summary
from domain.indicators.problems import open_problems, resolution_stats
from domain.safe_text import md_escape, visible_frame
from domain.vocabulary import CADENCES, MEETING_KIND, MEETING_STATUS, PRIORITY, PROBLEM_STATUS
from report_tables.overdue import WIDTHS as OVERDUE_WIDTHS, overdue_table

view = app_state.page_header(navigation.FICHE_SECTEUR, "Fiche secteur", stale=False)
reference, filters, candidates = view.reference, view.filters, view.sector_ids
if filters.sector_id is None:
    st.info("Choisissez un secteur : dans la barre latérale, sur la carte de la Vue départementale, ou ci-dessous.",
            icon=":material/location_on:")
    st.selectbox("Secteur", ["", *candidates], key="fiche_pick", format_func=lambda s: reference.sectors[s].name if s else "—",
                 on_change=incidents.callback(lambda: app_state.choose_sector(st.session_state["fiche_pick"])))
    st.stop()

sector = reference.sectors[filters.sector_id]
csp = reference.csps[sector.csp_id]
as_of = filters.as_of
of = app_state.scope_frames([sector.sector_id])  # this sector's rows only, read once per import
fresh = freshness(reference, app_state.last_imports(), as_of)[sector.sector_id]
summary = cadence_summary(sector, of["meetings"], as_of)

st.header(md_escape(sector.name))
pack_slot = st.columns([1, 3])[0]
pack = app_state.meeting_pack_when_asked(sector.sector_id, as_of, key="fiche_pack", place=pack_slot)  # built when asked
if pack is not None:
    pack_slot.download_button("Télécharger le dossier de réunion (PDF)", key="fiche_pack_download",
                              on_click=incidents.callback(app_state.audit),
                              args=("download", "Dossier de réunion (PDF)", sector.sector_id), width="stretch",
                              file_name=f"dossier_reunion_{sector.sector_id}_{as_of:%Y-%m-%d}.pdf", data=pack,
                              mime="application/pdf")
facts = [f"CSP de {csp.name}", f"Animateur : {sector.animateur or 'non renseigné'}",
         f"Cadence : {CADENCES[sector.cadence].lower()}", summary.constitution.label +
         (f" le {fr_date(summary.constitution.on)}" if summary.constitution.on else "")]
if sector.reinforcements:
    facts.append(f"Renforts : +{sector.reinforcements} policiers")
if sector.qrr:
    facts.append("Quartier de reconquête républicaine")
st.markdown(" · ".join(f"**{md_escape(fact)}**" if i == 0 else md_escape(fact) for i, fact in enumerate(facts)))
if fresh.last_import is None:
    st.warning("Aucun tableau de suivi importé pour ce secteur.", icon=":material/schedule:")
elif fresh.stale:
    st.warning(f"**Données anciennes** : dernier import le {fr_date(fresh.last_import)}, plus vieux que la cadence du GPO.",
               icon=":material/schedule:")
else:
    st.caption(f"Données à jour : dernier import le {fr_date(fresh.last_import)}.")

left, right = st.columns([2, 3])
with left:
    communes = [reference.communes[c] for c in sector.communes if c in reference.communes]
    st.plotly_chart(app_state.sector_map_figure(sector.sector_id), width="stretch", key="fiche_map",
                    config={"displayModeBar": False})
    st.caption(f"{fr_int(len(communes))} commune(s), {fr_int(sum(c.population for c in communes))} habitants : "
               + md_escape(", ".join(c.name for c in communes)) + ".")
with right:
    problems = of["problems"]
    stats = resolution_stats(problems, filters.period_start, as_of)
    opened = open_problems(problems, as_of)
    late = overdue_actions(of["actions"], as_of)
    c1, c2 = st.columns(2)
    c1.metric("Problèmes ouverts", fr_int(len(opened)))
    c2.metric("Actions en retard", fr_int(len(late)))
    c1.metric("Taux de résolution (période)", rate_with_counts(stats.resolved, stats.open_during),
              help="Problèmes résolus sur la période ÷ problèmes ouverts à un moment de la période.")
    c2.metric("Délai médian de résolution", fr_days(stats.median_days),
              help=f"80 % des problèmes résolus l'ont été en {fr_days(stats.p80_days)} ou moins.")
    c1.metric("Respect de la cadence", rate_with_counts(summary.periods_met, summary.periods) if summary.periods else "–")
    c2.metric("Dernière réunion tenue", fr_date(summary.last_held),
              delta=f"il y a {fr_int(summary.days_since_last)} j" if summary.days_since_last is not None else None,
              delta_color="red" if summary.late else "gray", delta_arrow="off")
    if summary.late:
        st.error(f"GPO **en retard sur sa cadence** : plus de {CADENCE_DAYS[sector.cadence] + LATE_MARGIN_DAYS} jours "
                 "depuis la dernière réunion tenue.")
    if stats.small_sample:
        st.caption("Peu de problèmes sur la période (moins de 5) : le taux est à lire avec prudence.")

st.subheader("Cycle du GPO : diagnostic et bilan")
app_state.show_cycle_glance(sector.sector_id, as_of, key="fiche_cycle")

st.subheader("Problèmes ouverts")
if opened.empty:
    st.success("Aucun problème ouvert.")
else:
    # What, where, how old and how urgent first: they fit a 1366-pixel screen; dates and reference follow
    table = pd.DataFrame({
        "Catégorie": opened["category"], "Lieu": opened["location"], "Commune": opened["commune_name"],
        "Âge (j)": (pd.Timestamp(as_of) - opened["reported_on"]).dt.days,
        "Priorité": opened["priority"].map(PRIORITY.labels).fillna(""), "Échéance": opened["due_on"].map(fr_date),
        "Statut": opened["status"].map(PROBLEM_STATUS.labels), "Signalé le": opened["reported_on"].map(fr_date),
        "Réf": opened["problem_id"],
    }).fillna("").sort_values("Âge (j)", ascending=False)
    widths = {"Catégorie": 235, "Lieu": 175, "Commune": 135, "Âge (j)": 60, "Priorité": 72, "Échéance": 92, "Statut": 85,
              "Signalé le": 92, "Réf": 55}
    st.dataframe(visible_frame(table), hide_index=True, width="stretch", key="fiche_problems",
                 column_config=app_state.grid_columns(table, widths))

st.subheader("Actions en retard")
if late.empty:
    st.success(f"Aucune action en retard au {fr_date(as_of)}.")
else:
    detail = overdue_table(with_context(late, problems, reference)).drop(columns=["Secteur", "CSP"])
    st.dataframe(visible_frame(detail), hide_index=True, width="stretch", key="fiche_overdue",
                 column_config=app_state.grid_columns(detail, OVERDUE_WIDTHS, {
                     "Échéance": st.column_config.DateColumn(format="DD/MM/YYYY"),
                     "Jours de retard": st.column_config.NumberColumn(format="%d j")}))

st.subheader("Réunions")
meetings = of["meetings"].sort_values("meeting_date", ascending=False)
if meetings.empty:
    st.info("Aucune réunion enregistrée." if summary.constitution.status != "not_yet" else "GPO pas encore constitué.")
else:
    st.caption(f"Prochaine réunion prévue : {fr_date(summary.next_planned)} · plus long intervalle sur 6 mois : "
               f"{fr_days(summary.longest_gap)} · socle complet : "
               f"{rate_with_counts(summary.socle_full, summary.held_in_window) if summary.held_in_window else '–'}")
    yes_no = {True: "Oui", False: "Non"}
    st.dataframe(visible_frame(pd.DataFrame({
        "Date": meetings["meeting_date"].map(fr_date), "Type": meetings["kind"].map(MEETING_KIND.labels),
        "Statut": meetings["status"].map(MEETING_STATUS.labels),
        "Mairie": meetings["mayor_present"].map(yes_no).fillna("?"),
        "Police municipale": meetings["municipal_police_present"].map(yes_no).fillna("?"),
        "Police nationale": meetings["national_police_present"].map(yes_no).fillna("?"),
        "Autres partenaires": meetings["other_partners"].fillna(""),
        "Participants": meetings["attendees"].astype("object").map(lambda n: "" if pd.isna(n) else str(n)),
    })), hide_index=True, width="stretch", key="fiche_meetings", column_config={  # all eight fit a 1366-pixel screen
        "Date": st.column_config.Column(width=95), "Type": st.column_config.Column(width=110),
        "Statut": st.column_config.Column(width=80), "Mairie": st.column_config.Column(width=70),
        "Police municipale": st.column_config.Column(width=125), "Police nationale": st.column_config.Column(width=120),
        "Autres partenaires": st.column_config.Column(width=200), "Participants": st.column_config.Column(width=95)})
