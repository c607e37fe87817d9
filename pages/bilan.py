"""Page « Bilan de cycle »: a sector's cycle as the GPO reviews it before its next diagnostic — the same sections as
the PDF, which is built only when asked."""

import streamlit as st

import app_state
import incidents
import navigation
from domain.formatting import fr_date, fr_int
from domain.indicators.cycle import CLOSED_LATE, CLOSED_ON_TIME, DUE_SOON, OVERDUE
from domain.safe_text import md_escape, visible_frame
from domain.bilan_wording import SECTION_TITLES
from report_tables.bilan_tables import (actions_table, assessment_lines, closed_problems_table,
                                        cycle_choice, diagnostic_rows, figure_help, key_figures,
                                        meetings_rows, missed_periods, new_problems_table, outcome_table,
                                        outside_cycles_line, partner_table, problem_line)
from report_tables.cycle_glance import NO_DIAGNOSTIC_TEXT, due_sentence

view = app_state.page_header(navigation.BILAN, "Bilan de cycle", subtitle=True)
reference, filters = view.reference, view.filters
as_of = filters.as_of
names = app_state.readable_sector_names()  # every sector the user may read, whatever the CSP chosen
DATE = st.column_config.DateColumn(format="DD/MM/YYYY")


def lines(rows: list[tuple[str, str]]) -> None:
    """Label / value lines, as on paper (the values may come from a tracker: shown as text)."""
    st.markdown("  \n".join(f"**{md_escape(label)}** : {md_escape(value)}" for label, value in rows))


def table(frame, key: str, widths: dict[str, int], dates: tuple[str, ...] = ()) -> None:
    st.dataframe(visible_frame(frame), hide_index=True, width="stretch", key=key, placeholder="–",
                 height=35 * (min(len(frame), 15) + 1) + 3,
                 column_config=app_state.grid_columns(frame, widths, {d: DATE for d in dates}))


pick_sector, pick_cycle, pdf_slot = st.columns([3, 4, 2], vertical_alignment="bottom")
# The sector chooser follows the sidebar's sector, and sets it (both name the same sector)
st.session_state["bilan_sector"] = filters.sector_id if filters.sector_id in names else ""
pick_sector.selectbox("Secteur", ([] if filters.sector_id in names else [""]) + list(names), key="bilan_sector",
                      format_func=lambda s: names[s] if s else "— choisir un secteur —",
                      on_change=incidents.callback(lambda: app_state.choose_sector(st.session_state["bilan_sector"])))
if filters.sector_id not in names:
    st.info("Choisissez un secteur : ci-dessus, dans la barre latérale, ou depuis sa fiche secteur.",
            icon=":material/location_on:")
    st.stop()

sector = reference.sectors[filters.sector_id]
current = app_state.bilan_for(sector.sector_id, as_of)  # the current cycle: lists every cycle
cycles = current.cycles
number = None
if cycles:
    numbers = [c.number for c in reversed(cycles)]  # the current cycle first: the default
    if st.session_state.get("bilan_cycle_of") != (sector.sector_id, as_of) or \
            st.session_state.get("bilan_cycle") not in numbers:
        st.session_state["bilan_cycle"] = numbers[0]  # another sector or date: back to its current cycle
    st.session_state["bilan_cycle_of"] = (sector.sector_id, as_of)
    number = pick_cycle.selectbox("Cycle", numbers, key="bilan_cycle",
                                  format_func=lambda n: cycle_choice(cycles[n - 1]))
bilan = app_state.bilan_for(sector.sector_id, as_of, number) if number else current

pdf = app_state.bilan_pdf_when_asked(sector.sector_id, as_of, number, key="bilan_pdf", place=pdf_slot)
if pdf is not None:
    which = f"cycle{number}" if number else "sans_diagnostic"
    pdf_slot.download_button("Télécharger le bilan (PDF)", key="bilan_pdf_download", width="stretch",
                             on_click=incidents.callback(app_state.audit),
                             args=("download", "Bilan de cycle (PDF)", sector.sector_id), data=pdf,
                             file_name=f"bilan_{sector.sector_id}_{which}_{as_of:%Y-%m-%d}.pdf",
                             mime="application/pdf")

view.subtitle.caption(f"GPO {md_escape(sector.name)} · CSP de {md_escape(bilan.csp_name)} · animateur : "
                      f"{md_escape(sector.animateur or 'non renseigné')} · situation au {fr_date(as_of)}")

if bilan.cycle is None:
    st.warning(md_escape(NO_DIAGNOSTIC_TEXT.format(day=fr_date(as_of))), icon=":material/assignment_late:")
    if bilan.outside_cycles:
        st.caption(f"{fr_int(bilan.outside_cycles)} problème(s) signalé(s) à ce jour, hors de tout cycle.")
    st.stop()

cycle = bilan.cycle
status_text = f"Cycle n° {cycle.number} sur {len(cycles)} · {due_sentence(cycle, as_of)}"
if cycle.status in (OVERDUE, CLOSED_LATE):
    st.error(md_escape(status_text), icon=":material/event:")
elif cycle.status == DUE_SOON:
    st.warning(md_escape(status_text), icon=":material/event:")
elif cycle.status == CLOSED_ON_TIME:
    st.success(md_escape(status_text), icon=":material/event_available:")
else:
    st.info(md_escape(status_text), icon=":material/event:")

figures, helps = key_figures(bilan), figure_help(bilan)
for first in (0, 3):  # the cover's six figures, three by three
    for column, (value, label), said in zip(st.columns(3), figures[first:first + 3], helps[first:first + 3]):
        column.metric(md_escape(label), md_escape(value), help=md_escape(said))

# 1. The diagnostic
st.subheader(SECTION_TITLES[0])
lines(diagnostic_rows(bilan))
if bilan.unknown_refs:
    st.warning("Réf nommées par le diagnostic mais absentes de la feuille « Problèmes » : "
               f"{md_escape(', '.join(bilan.unknown_refs))}.", icon=":material/search_off:")
st.markdown("**Synthèse du diagnostic** : " + (md_escape(cycle.summary) if cycle.summary else "aucune synthèse saisie."))
if bilan.outside_cycles:
    st.caption(md_escape(outside_cycles_line(bilan)))

# 2. Each priority problem and its actions
st.subheader(SECTION_TITLES[1])
if not bilan.priority:
    st.info("Le diagnostic ne nomme aucun problème prioritaire.", icon=":material/info:")
ACTION_WIDTHS = {"Partenaire": 190, "Situation": 215, "Échéance": 95, "Réalisée le": 95, "Action": 320,
                 "Commentaire": 220, "Réf action": 90}
for i, problem in enumerate(bilan.priority):
    with st.container(border=True):
        if not problem.found:
            st.markdown(f"**{md_escape(problem.problem_id)} — introuvable**")
            st.caption(f"Aucune ligne de la feuille « Problèmes » n’a la Réf {md_escape(problem.problem_id)} : "
                       "vérifier le diagnostic.")
            continue
        st.markdown(f"**{md_escape(problem.problem_id)} — {md_escape(problem.category or 'catégorie non précisée')}**")
        st.markdown(md_escape(problem_line(problem)))
        place = " · ".join(x for x in (problem.commune_name, problem.location, problem.description) if x)
        if place:
            st.caption(md_escape(place))
        if len(problem.actions):
            table(actions_table(problem.actions), f"bilan_actions_{i}", ACTION_WIDTHS, ("Échéance", "Réalisée le"))
        else:
            st.caption("Aucune action décidée pour ce problème.")

# 3. Their actions, per partner
st.subheader(SECTION_TITLES[2])
PARTNER_WIDTHS = {"Partenaire": 220, "Type": 140, "Actions": 70, "Réalisées dans les délais": 175,
                  "Réalisées après l’échéance": 185, "Réalisées, date non renseignée": 210, "En retard": 90,
                  "En cours, dans les délais": 175, "Abandonnées": 105}
if len(bilan.partner_summary):
    st.caption(f"Toutes les actions des problèmes prioritaires, par partenaire et par situation au {fr_date(as_of)}.")
    table(partner_table(bilan.partner_summary), "bilan_partners", PARTNER_WIDTHS)
else:
    st.info("Aucune action sur les problèmes prioritaires.", icon=":material/info:")

# 4. Meetings against the cadence
st.subheader(SECTION_TITLES[3])
lines(meetings_rows(bilan))
if bilan.meetings.missed:
    st.caption(f"Périodes sans réunion tenue ({fr_int(len(bilan.meetings.missed))}) : "
               f"{md_escape(missed_periods(bilan))}.")

# 5. Problems that appeared during the cycle
st.subheader(SECTION_TITLES[4])
if len(bilan.new_problems):
    st.caption(f"{fr_int(len(bilan.new_problems))} problème(s) signalé(s) entre le {fr_date(cycle.diagnosed_on)} et le "
               f"{fr_date(cycle.end)}, du plus ancien au plus récent ; « oui » : nommé prioritaire par le diagnostic.")
    table(new_problems_table(bilan), "bilan_new_problems",
          {"Réf": 60, "Signalé le": 95, "Catégorie": 230, "Prioritaire": 90, "Statut": 90, "Étape": 110,
           "Résultat": 170, "Priorité": 80, "Description": 320}, ("Signalé le",))
else:
    st.info("Aucun problème signalé pendant le cycle.", icon=":material/info:")

# 6. What the GPO recorded as assessment
st.subheader(SECTION_TITLES[5])
st.markdown(md_escape(" ".join(assessment_lines(bilan))))
if bilan.outcomes.closed:
    left, right = st.columns([2, 3])
    with left:
        table(outcome_table(bilan), "bilan_outcomes", {"Résultat": 200, "Problèmes": 90, "Part": 130})
    with right:
        table(closed_problems_table(bilan), "bilan_closed",
              {"Réf": 60, "Clos le": 95, "Catégorie": 200, "Statut": 90, "Résultat": 170, "Prioritaire": 90,
               "Description": 300}, ("Clos le",))
if bilan.next_cycle is not None:
    nxt = bilan.next_cycle
    st.markdown(f"**Diagnostic suivant, du {fr_date(nxt.diagnosed_on)}**"
                + (f" : « {md_escape(nxt.title)} »" if nxt.title else ""))
    st.markdown(md_escape(nxt.summary) if nxt.summary else "Aucune synthèse saisie.")
st.caption("Statuts, étapes et résultats sont ceux des tableaux de suivi à la date de l’import (ils ne gardent pas "
           "d’historique) ; la situation des actions est lue à la date de référence.")
