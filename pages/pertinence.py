"""Page « Pertinence des actions »: for the problems closed in the period, which partner types acted on them and
which categories they were, against their recorded outcome. Descriptive: what went together, never a cause."""

import streamlit as st

import app_state
import navigation
from domain.formatting import fr_date, fr_int
from domain.filters import PERIODS
from domain.indicators.problems import SMALL_SAMPLE
from domain.safe_text import md_escape

view = app_state.page_header(navigation.PERTINENCE, "Pertinence des actions", subtitle=True)
reference, filters, sector_ids = view.reference, view.filters, view.sector_ids
as_of, start = filters.as_of, filters.period_start
view.subtitle.caption(f"{md_escape(filters.scope_label(reference))} · problèmes clos du {fr_date(start)} au "
                      f"{fr_date(as_of)} ({PERIODS[filters.period_months].lower()})")

st.info("**Lecture descriptive, pas une cause.** Ces tableaux disent quels résultats le GPO a enregistrés pour les "
        "problèmes clos, selon le type des partenaires qui ont agi et la catégorie du problème. Ils ne disent pas "
        "qu’une action a produit un résultat : un problème plus facile, un autre acteur ou le hasard peuvent "
        "l’expliquer. Chaque part est donnée avec ses effectifs ; une ligne de moins de "
        f"{SMALL_SAMPLE} problèmes avec un résultat n’a que des nombres, jamais de part.", icon=":material/info:")

if not sector_ids:
    st.info("Aucun secteur pour ce filtre.")
    st.stop()
shown = app_state.pertinence_for(sector_ids, as_of, start)  # built once per data, scope, date and period
row = st.columns(3)
row[0].metric("Problèmes clos sur la période", fr_int(shown.closed),
              help="Résolus ou abandonnés, avec une date de clôture dans la période.")
row[1].metric("Dont avec un résultat saisi", fr_int(shown.with_outcome),
              help="Colonne « Résultat » de la feuille « Problèmes » renseignée.")
row[2].metric("Sans résultat saisi", fr_int(shown.closed - shown.with_outcome))
if not shown.closed:
    st.info(f"Aucun problème clos du {fr_date(start)} au {fr_date(as_of)} pour les secteurs choisis : rien à décrire. "
            "Élargissez la période dans la barre latérale.", icon=":material/info:")
    st.stop()

# Every column within a 1920-pixel screen; the counts and the share first within a 1366-pixel one
FIRST = {"Problèmes clos": 110, "Avec un résultat": 120, "Éliminés ou réduits": 145, "Éliminé": 80, "Réduit": 80,
         "Moins grave": 95, "Mieux traité": 95, "Confié à un autre acteur": 170, "Sans effet": 85, "Aggravé": 80,
         "Sans résultat": 105}


def pertinence_grid(table, first: str, width: int, key: str) -> None:
    app_state.paged_table(table, key, placeholder="–", height=35 * (min(len(table), 20) + 1) + 3,
                          column_config=app_state.grid_columns(table, {first: width, **FIRST}))


st.caption(f"« 3/4 · moins de {SMALL_SAMPLE} » : 3 problèmes éliminés ou réduits sur 4 avec un résultat, trop peu "
           "pour une part ; les colonnes de résultat donnent alors les nombres seuls.")
st.subheader("Par type de partenaire ayant agi")
st.caption("Chaque type de partenaire ayant porté au moins une action non abandonnée sur le problème ; un problème "
           "compte une fois par type, les lignes ne s’additionnent donc pas. « Aucune action » : problème clos sans "
           "action enregistrée. Nombre, puis part parmi les problèmes de la ligne qui ont un résultat.")
pertinence_grid(shown.by_partner_type, "Type de partenaire", 175, "pertinence_partners")

st.subheader("Par catégorie de problème")
st.caption("Chaque problème clos une fois, dans sa catégorie. Lignes dans l’ordre de la liste des catégories, jamais "
           "triées sur une part.")
pertinence_grid(shown.by_category, "Catégorie", 240, "pertinence_categories")

st.subheader("Tous les problèmes clos, par résultat")
left, _ = st.columns([2, 3])
with left:
    app_state.paged_table(shown.distribution, "pertinence_outcomes",
                          column_config=app_state.grid_columns(shown.distribution,
                                                               {"Résultat": 200, "Problèmes": 90, "Part": 130}))
st.caption("Part parmi les problèmes clos qui ont un résultat, avec les effectifs ; « – » : moins de "
           f"{SMALL_SAMPLE} problèmes avec un résultat, ou ligne sans résultat.")
