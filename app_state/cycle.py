"""The GPO's cycle as pages show it (issue 13): a sector's glance, its Bilans, the scope's cycle table, outcomes and
PSQ, and the pertinence tables. Each cached per the current imports it reads (never per rerun), scoped to the sectors
the user may read, like the rest of `app_state.data`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

import navigation
from app_state.data import (_few_sectors, cycle_figures_of_scope, digest_of, import_state, readable_of,
                            scope_frames, scope_key)
from app_state.resources import reference
from app_state.widgets import grid_columns
from domain.bilan import Bilan, build_bilan
from domain.indicators.cycle import DUE_SOON, NO_DIAGNOSTIC, ON_TIME, OVERDUE, cycle_status
from domain.indicators.outcomes import (OutcomeShare, PsqRatio, closed_in, closed_undated, outcome_distribution,
                                        pertinence_by_category, pertinence_by_partner_type)
from domain.safe_text import md_escape, visible_frame
from report_tables.cycle import STATUS_ORDER, cycle_status_table, outcome_distribution_table, pertinence_table
from report_tables.cycle_glance import CycleGlance, cycle_glance


# --- one sector ---------------------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=128)
def _glance(key: tuple[tuple[str, int], ...], sector_id: str, as_of: dt.date) -> CycleGlance:
    return cycle_glance(_few_sectors(key), sector_id, as_of)


def cycle_glance_for(sector_id: str, as_of: dt.date) -> CycleGlance | None:
    """The sector's cycle at a glance at `as_of` (None for a sector the user may not read)."""
    wanted = readable_of([sector_id])
    return _glance(import_state().key_of(wanted), sector_id, as_of) if wanted else None


@st.cache_resource(show_spinner="Préparation du bilan…", max_entries=64)
def _bilan(key: tuple[tuple[str, int], ...], sector_id: str, as_of: dt.date, cycle_number: int | None) -> Bilan:
    return build_bilan(reference().sectors[sector_id], _few_sectors(key), as_of, reference(), cycle_number)


def bilan_for(sector_id: str, as_of: dt.date, cycle_number: int | None = None) -> Bilan | None:
    """The Bilan of the sector's cycle `cycle_number` (None: the current one) at `as_of`; None if not readable."""
    wanted = readable_of([sector_id])
    return _bilan(import_state().key_of(wanted), sector_id, as_of, cycle_number) if wanted else None


# --- the sectors of a view ----------------------------------------------------------------------------------------
# The views of many sectors below are keyed by `digest_of(scope, sectors)` (the scope and the sectors go beside it,
# unhashed): a national view would otherwise hash 2,000 import ids and names on every run.
def _view(sector_ids: list[str]) -> tuple[str, tuple, tuple[str, ...]]:
    wanted = tuple(readable_of(sector_ids))
    scope = scope_key(list(wanted))
    return digest_of(scope, wanted), scope, wanted


@st.cache_resource(show_spinner=False, max_entries=32)
def _status_table(digest: str, _sector_ids: tuple[str, ...], as_of: dt.date) -> pd.DataFrame:
    sector_ids = _sector_ids
    frames = scope_frames(list(sector_ids))
    status = cycle_status(frames["diagnostics"], frames["problems"], list(sector_ids), as_of)
    order = status["status"].map(STATUS_ORDER).to_numpy()
    status = status.assign(_order=order, _until=status["days_until_due"].astype("float64"))
    status = status.sort_values(["_order", "_until"], kind="stable", na_position="last").drop(columns=["_order",
                                                                                                       "_until"])
    return cycle_status_table(status, reference())


def cycle_table_for(sector_ids: list[str], as_of: dt.date) -> pd.DataFrame:
    """One line per readable sector (report_tables.cycle.cycle_status_table), the most urgent first."""
    digest, _, wanted = _view(sector_ids)
    return _status_table(digest, wanted, as_of)


@dataclass(frozen=True)
class OutcomesView:
    """The Vue départementale's cycle and outcome figures over the sectors of a view, for a date and period."""

    sectors: int
    status_counts: dict[str, int]  # no_diagnostic, on_time, due_soon, overdue
    outcomes: OutcomeShare  # problems closed in the period
    psq: PsqRatio  # problems identified in the period, of which resolved
    distribution: pd.DataFrame  # report_tables.cycle.outcome_distribution_table


@st.cache_resource(show_spinner=False, max_entries=32)
def _outcomes(digest: str, _scope: tuple, _sector_ids: tuple[str, ...], as_of: dt.date,
              period_start: dt.date) -> OutcomesView:
    sector_ids = _sector_ids
    every = cycle_figures_of_scope(_scope, as_of, period_start)  # per sector: summed, never computed again
    mine = every[every["sector_id"].isin(sector_ids)]
    counts = mine["cycle_status"].value_counts()
    problems = scope_frames(list(sector_ids))["problems"]
    return OutcomesView(
        sectors=len(mine),
        status_counts={code: int(counts.get(code, 0)) for code in (NO_DIAGNOSTIC, ON_TIME, DUE_SOON, OVERDUE)},
        outcomes=OutcomeShare(int(mine["outcome_success"].sum()), int(mine["outcome_with"].sum()),
                              int(mine["outcome_without"].sum()),
                              len(closed_undated(problems, period_start, as_of))),
        psq=PsqRatio(int(mine["psq_identified"].sum()), int(mine["psq_resolved"].sum())),
        distribution=outcome_distribution_table(outcome_distribution(problems, period_start, as_of)),
    )


def outcomes_for(sector_ids: list[str], as_of: dt.date, period_start: dt.date) -> OutcomesView:
    """Cycle statuses, outcome share, PSQ ratio and outcome distribution of the readable `sector_ids`."""
    digest, scope, wanted = _view(sector_ids)
    return _outcomes(digest, scope, wanted, as_of, period_start)


@dataclass(frozen=True)
class PertinenceView:
    """The Pertinence des actions page: problems closed in the period, by partner type and by category."""

    closed: int
    with_outcome: int
    by_partner_type: pd.DataFrame  # report_tables.cycle.pertinence_table
    by_category: pd.DataFrame
    distribution: pd.DataFrame  # report_tables.cycle.outcome_distribution_table


@st.cache_resource(show_spinner=False, max_entries=32)
def _pertinence(digest: str, _sector_ids: tuple[str, ...], as_of: dt.date, period_start: dt.date) -> PertinenceView:
    frames = scope_frames(list(_sector_ids))
    problems, actions = frames["problems"], frames["actions"]
    closed = closed_in(problems, period_start, as_of)
    return PertinenceView(
        closed=len(closed), with_outcome=int(closed["outcome"].notna().sum()),
        by_partner_type=pertinence_table(pertinence_by_partner_type(problems, actions, period_start, as_of),
                                         "Type de partenaire"),
        by_category=pertinence_table(pertinence_by_category(problems, period_start, as_of), "Catégorie"),
        distribution=outcome_distribution_table(outcome_distribution(problems, period_start, as_of)),
    )


def pertinence_for(sector_ids: list[str], as_of: dt.date, period_start: dt.date) -> PertinenceView:
    """Pertinence tables of the readable `sector_ids` over [period_start, as_of]."""
    digest, _, wanted = _view(sector_ids)
    return _pertinence(digest, wanted, as_of, period_start)


# --- how Fiche secteur and Réunions draw one sector's cycle ------------------------------------------------------
# What a reader needs first (which problem, where it stands, its outcome, its actions done and late) fits a
# 1366-pixel screen; the outcome comes before the action counts
GLANCE_ORDER = ("Réf", "Catégorie", "Étape", "Statut", "Résultat", "Actions réalisées", "Actions en retard",
                "Actions abandonnées", "Délai de résolution (j)")
GLANCE_WIDTHS = {"Réf": 60, "Catégorie": 210, "Étape": 95, "Statut": 85, "Résultat": 170, "Actions réalisées": 125,
                 "Actions en retard": 125, "Actions abandonnées": 145, "Délai de résolution (j)": 165}


def show_cycle_glance(sector_id: str, as_of: dt.date, key: str) -> None:
    """The sector's cycle at a glance: last diagnostic (date, age), when the bilan is due (an alert whose kind says
    how urgent), its priority problems and where each stands, and a link to the Bilan page. A sector without a
    diagnostic says so plainly (a warning, never « on time »)."""
    glance = cycle_glance_for(sector_id, as_of)
    if glance is None:
        return
    if glance.current is None:
        st.warning(md_escape(glance.diagnostic_line()), icon=":material/assignment_late:")
        return
    alert = {"error": st.error, "warning": st.warning, "info": st.info}[glance.severity]
    alert(md_escape(glance.due_line()), icon=":material/event:")
    st.markdown(md_escape(glance.diagnostic_line()))
    st.caption(md_escape(glance.priority_line()))
    if len(glance.priority):
        table = glance.priority
        st.dataframe(visible_frame(table), hide_index=True, width="stretch", key=key, column_order=GLANCE_ORDER, placeholder="–",
                     height=35 * (len(table) + 1) + 3, column_config=grid_columns(table, GLANCE_WIDTHS))
        st.caption("Étape, statut et résultat tels que saisis dans le tableau de suivi (feuille « Problèmes ») ; "
                   f"actions comptées au {as_of:%d/%m/%Y} : « en retard » = à faire ou en cours après l’échéance.")
    st.page_link(navigation.BILAN.path, label="Ouvrir le bilan de ce cycle", icon=":material/assignment_turned_in:")
