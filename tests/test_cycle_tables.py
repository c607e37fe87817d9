"""The cycle's French tables (report_tables.cycle): what a page shows, from the hand-computed scenarios."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.indicators.cycle import cycle_status, priority_problem_states, sector_cycles
from domain.indicators.outcomes import (outcome_distribution, pertinence_by_category, pertinence_by_partner_type,
                                        psq_by_sector)
from domain.reference import default_reference
from report_tables.cycle import (STATUS_COLUMNS, cycle_status_table, outcome_distribution_table, pertinence_table,
                                 priority_glance_table, psq_table)
from tests.cycle_scenario import (ACTIONS, AS_OF, DIAGNOSTICS, PERTINENCE, PERTINENCE_ACTIONS, PERTINENCE_END,
                                  PERTINENCE_START, PROBLEMS)


def _spaces(values: list) -> list:
    """French thin spaces (« 67 % ») as plain ones, to compare."""
    return [v.replace("\u202f", " ") if isinstance(v, str) else v for v in values]


@pytest.fixture(scope="module")
def reference():
    return default_reference()


def test_cycle_status_table(reference):
    table = cycle_status_table(cycle_status(DIAGNOSTICS, PROBLEMS, ["marly", "behren", "sarrebourg"], AS_OF), reference)
    assert tuple(table.columns) == STATUS_COLUMNS
    rows = table.set_index("Secteur").astype(object).where(table.set_index("Secteur").notna(), None)
    assert _spaces(rows.loc["Marly"].tolist()) == ["Metz", "Bilan non encore dû", dt.date(2026, 3, 2), 120, dt.date(2027, 3, 2),
                                          "dans 245 j", 2, "0/1", 2]
    assert _spaces(rows.loc["Behren-lès-Forbach"][["État du cycle", "Échéance"]].tolist()) == ["Bilan en retard",
                                                                                      "dépassée de 487 j"]
    assert rows.loc["Sarrebourg"].tolist() == ["Sarrebourg", "Aucun diagnostic", None, None, None, "–", 0, "–", None]


def test_priority_glance_table():
    first = sector_cycles(DIAGNOSTICS, "marly", AS_OF)[0]
    table = priority_glance_table(priority_problem_states(PROBLEMS, ACTIONS, first, AS_OF))
    assert table.iloc[0].tolist() == ["P-01", "Nuisances sonores", "Évaluation", "Résolu", "2/3", 0, 1, "Réduit", 166]
    assert table.iloc[1][["Réf", "Actions réalisées", "Actions en retard", "Résultat"]].tolist() == [
        "P-03", "1/3", 1, "Éliminé"]
    assert table.iloc[2][["Réf", "Catégorie"]].tolist() == ["P-09", "Réf introuvable dans la feuille « Problèmes »"]


def test_outcome_and_psq_tables_print_counts_beside_shares(reference):
    table = outcome_distribution_table(outcome_distribution(PERTINENCE, PERTINENCE_START, PERTINENCE_END))
    assert _spaces(table.iloc[0].tolist()) == ["Éliminé", 3, "33 % (3/9)"]
    assert table.iloc[-1].tolist() == ["Résultat non renseigné", 1, "–"]
    psq = psq_table(psq_by_sector(PROBLEMS, ["marly", "sarrebourg", "behren"], dt.date(2025, 1, 1),
                                  dt.date(2025, 12, 31)), reference)
    assert _spaces(psq["Ratio PSQ"].tolist()) == ["50 % (2/4) · moins de 5", "100 % (1/1) · moins de 5", "– (0/0)"]


def test_pertinence_tables_keep_the_list_order_and_the_min_n_guard():
    by_type = pertinence_table(pertinence_by_partner_type(PERTINENCE, PERTINENCE_ACTIONS, PERTINENCE_START, PERTINENCE_END),
                               "Type de partenaire")
    assert by_type["Type de partenaire"].tolist() == ["Mairie", "Police municipale", "Bailleur", "Transporteur",
                                                      "Type non précisé", "Aucune action"]
    mairie = by_type.iloc[0]
    assert _spaces(mairie[["Problèmes clos", "Avec un résultat", "Éliminés ou réduits", "Éliminé", "Réduit", "Aggravé",
                   "Sans résultat"]].tolist()) == [6, 6, "67 % (4/6)", "3 (50 %)", "1 (17 %)", "1 (17 %)", 0]
    bailleur = by_type.iloc[2]  # two problems: counts only, no share
    assert bailleur[["Éliminés ou réduits", "Réduit", "Aggravé"]].tolist() == ["1/2 · moins de 5", "1", "1"]
    by_category = pertinence_table(pertinence_by_category(PERTINENCE, PERTINENCE_START, PERTINENCE_END), "Catégorie")
    assert by_category["Catégorie"].tolist() == ["Nuisances sonores", "Rodéos motorisés", "Vols"]
    assert _spaces(by_category.iloc[0][["Éliminés ou réduits", "Sans résultat"]].tolist()) == ["67 % (4/6)", 1]
