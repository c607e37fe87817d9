"""Outcomes of closed problems, the PSQ ratio and the pertinence tables (issue 13), computed by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from domain.indicators.outcomes import (NO_OUTCOME, PERTINENCE_COLUMNS, OutcomeShare, PsqRatio, outcome_distribution,
                                        outcome_share, outcome_share_by_sector, pertinence_by_category,
                                        pertinence_by_partner_type, psq_by_sector, psq_ratio)
from domain.indicators.problems import SMALL_SAMPLE
from tests import cycle_frames
from tests.cycle_scenario import AS_OF, D1, D2, PERTINENCE, PERTINENCE_ACTIONS, PERTINENCE_END as END
from tests.cycle_scenario import PERTINENCE_START as START
from tests.cycle_scenario import PROBLEMS, pertinence_problem

END_OF_CYCLE_1 = dt.date(2026, 3, 1)
MARLY = PROBLEMS[PROBLEMS["sector_id"] == "marly"]


# --- outcome share ------------------------------------------------------------------------------------------------------

def test_outcome_share_of_marlys_first_cycle():
    # closed between 10/02/2025 and 01/03/2026: P-01 reduced, P-03 eliminated, P-04 dropped without outcome
    share = outcome_share(MARLY, D1, END_OF_CYCLE_1)
    assert share == OutcomeShare(success=2, with_outcome=2, without_outcome=1, undated=0)
    assert share.closed == 3 and share.share == 1.0 and share.small_sample


def test_outcome_share_of_the_departement_counts_every_sector():
    # sarrebourg's P-01, resolved 01/04/2025, got worse
    share = outcome_share(PROBLEMS, D1, END_OF_CYCLE_1)
    assert (share.success, share.with_outcome, share.without_outcome) == (2, 3, 1)
    assert share.share == pytest.approx(2 / 3)


def test_a_closed_problem_without_a_closing_date_is_counted_apart():
    # second cycle: P-06 closed 15/04/2026 with no effect; P-07 resolved without a date (reported 01/05/2026)
    share = outcome_share(MARLY, D2, AS_OF)
    assert share == OutcomeShare(success=0, with_outcome=1, without_outcome=0, undated=1)
    assert share.share == 0.0


def test_an_open_problem_with_an_outcome_is_not_closed():
    frame = cycle_frames.problems([
        {"sector_id": "marly", "problem_id": "P-1", "reported_on": "2026-01-05", "status": "in_progress",
         "outcome": "reduced"},
        {"sector_id": "marly", "problem_id": "P-2", "reported_on": "2026-01-05", "status": "resolved",
         "resolved_on": "2025-12-31", "outcome": "reduced"},  # closed before the period
    ])
    share = outcome_share(frame, dt.date(2026, 1, 1), AS_OF)
    assert share == OutcomeShare(0, 0, 0, 0) and share.share is None


def test_outcome_distribution_lists_every_outcome_and_the_problems_without():
    table = outcome_distribution(PROBLEMS, D1, END_OF_CYCLE_1)
    assert table["outcome"].tolist() == ["eliminated", "reduced", "less_harmful", "better_handled", "handed_over",
                                         "no_effect", "worse", NO_OUTCOME]
    assert table["label"].tolist()[0] == "Éliminé" and table["label"].tolist()[-1] == "Résultat non renseigné"
    assert table["problems"].tolist() == [1, 1, 0, 0, 0, 0, 1, 1]
    assert (table["of"] == 3).all()
    assert table["share"].isna().all()  # 3 problems with an outcome: fewer than 5, no share


def test_outcome_distribution_gives_shares_from_five_problems_with_an_outcome():
    table = outcome_distribution(PERTINENCE, START, END).set_index("outcome")
    # closed in the period with an outcome: 3 eliminated, 2 reduced, 3 no effect, 1 worse = 9; 1 without
    assert table["problems"].to_dict() == {"eliminated": 3, "reduced": 2, "less_harmful": 0, "better_handled": 0,
                                           "handed_over": 0, "no_effect": 3, "worse": 1, NO_OUTCOME: 1}
    assert table.loc["eliminated", "share"] == pytest.approx(3 / 9) and table.loc["eliminated", "of"] == 9
    assert np.isnan(table.loc[NO_OUTCOME, "share"])


# --- PSQ ratio --------------------------------------------------------------------------------------------------------

def test_psq_ratio_of_the_departement_over_2025_is_sixty_percent():
    # identified in 2025: marly P-01..P-04 and sarrebourg P-01 = 5; resolved by 31/12/2025: marly P-01 and P-03,
    # sarrebourg P-01 = 3 (P-04 was dropped: identified, never resolved)
    ratio = psq_ratio(PROBLEMS, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert ratio == PsqRatio(identified=5, resolved=3) and ratio.ratio == 0.6 and not ratio.small_sample


def test_psq_ratio_counts_a_resolution_only_by_the_periods_end():
    # up to 31/08/2025: P-03 (resolved 01/09/2025) is identified but not yet resolved
    assert psq_ratio(MARLY, dt.date(2025, 1, 1), dt.date(2025, 8, 31)) == PsqRatio(identified=3, resolved=1)


def test_psq_ratio_identifies_by_report_date_and_counts_undated_resolutions():
    # 2026 up to as_of: P-05 (open), P-06 (resolved 15/04), P-07 (resolved, no date) identified; P-08 after
    # the period; P-01 (identified in 2025) is in neither count
    assert psq_ratio(MARLY, dt.date(2026, 1, 1), AS_OF) == PsqRatio(identified=3, resolved=2)
    assert psq_ratio(MARLY.iloc[0:0], dt.date(2026, 1, 1), AS_OF).ratio is None


def test_psq_by_sector_equals_the_ratio_sector_by_sector():
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    table = psq_by_sector(PROBLEMS, ["marly", "sarrebourg", "behren"], start, end)
    assert table["identified"].tolist() == [4, 1, 0] and table["resolved"].tolist() == [2, 1, 0]
    assert table["ratio"].tolist()[:2] == [0.5, 1.0] and np.isnan(table["ratio"].tolist()[2])
    assert table["small_sample"].tolist() == [True, True, True]
    for row in table.itertuples():
        expected = psq_ratio(PROBLEMS[PROBLEMS["sector_id"] == row.sector_id], start, end)
        assert (row.identified, row.resolved) == (expected.identified, expected.resolved)


def test_outcome_share_by_sector_equals_the_share_sector_by_sector():
    table = outcome_share_by_sector(PROBLEMS, ["marly", "sarrebourg", "behren"], D1, AS_OF)
    assert table[["closed", "with_outcome", "without_outcome", "success", "undated"]].values.tolist() == [
        [4, 3, 1, 2, 1], [1, 1, 0, 0, 0], [0, 0, 0, 0, 0]]
    for row in table.itertuples():
        expected = outcome_share(PROBLEMS[PROBLEMS["sector_id"] == row.sector_id], D1, AS_OF)
        assert (row.success, row.with_outcome, row.without_outcome, row.undated) == (
            expected.success, expected.with_outcome, expected.without_outcome, expected.undated)
        assert row.small_sample == expected.small_sample


# --- pertinence -------------------------------------------------------------------------------------------------------

def _group(table: pd.DataFrame, group: str) -> dict:
    rows = table[table["group"] == group].set_index("outcome")
    return {"counts": {k: v for k, v in rows["problems"].items() if v}, "with": int(rows["group_with_outcome"].iloc[0]),
            "closed": int(rows["group_closed"].iloc[0]), "small": bool(rows["small_sample"].iloc[0]),
            "shares": {k: round(v, 4) for k, v in rows["share"].items() if not np.isnan(v) and v}}


def test_pertinence_by_category_with_the_min_n_guard():
    table = pertinence_by_category(PERTINENCE, START, END)
    assert tuple(table.columns) == PERTINENCE_COLUMNS
    # the list's order, only the categories with a closed problem, never sorted by a share
    assert list(dict.fromkeys(table["group"])) == ["Nuisances sonores", "Rodéos motorisés", "Vols"]
    assert _group(table, "Nuisances sonores") == {
        "counts": {"eliminated": 3, "reduced": 1, "no_effect": 2, NO_OUTCOME: 1}, "with": 6, "closed": 7,
        "small": False, "shares": {"eliminated": 0.5, "reduced": round(1 / 6, 4), "no_effect": round(2 / 6, 4)}}
    # V-3 (closed before the period) and O-1 (open) are not counted; two problems: counts, no share
    vols = _group(table, "Vols")
    assert vols == {"counts": {"reduced": 1, "worse": 1}, "with": 2, "closed": 2, "small": True, "shares": {}}
    assert table[table["outcome"] == NO_OUTCOME]["share"].isna().all()


def test_pertinence_by_partner_type_counts_a_problem_once_per_type_that_acted():
    table = pertinence_by_partner_type(PERTINENCE, PERTINENCE_ACTIONS, START, END)
    assert list(dict.fromkeys(table["group"])) == ["mairie", "police_municipale", "bailleur", "transporteur",
                                                   "unspecified", "no_action"]
    assert list(dict.fromkeys(table["group_label"])) == ["Mairie", "Police municipale", "Bailleur", "Transporteur",
                                                         "Type non précisé", "Aucune action"]
    # mairie acted on N-1..N-5 and V-2 (twice: once)
    assert _group(table, "mairie") == {
        "counts": {"eliminated": 3, "reduced": 1, "no_effect": 1, "worse": 1}, "with": 6, "closed": 6, "small": False,
        "shares": {"eliminated": 0.5, "reduced": round(1 / 6, 4), "no_effect": round(1 / 6, 4),
                   "worse": round(1 / 6, 4)}}
    # police municipale: N-1 only (its action on N-2 was dropped)
    assert _group(table, "police_municipale") == {"counts": {"eliminated": 1}, "with": 1, "closed": 1, "small": True,
                                                  "shares": {}}
    assert _group(table, "bailleur")["counts"] == {"reduced": 1, "worse": 1}
    assert _group(table, "unspecified") == {"counts": {NO_OUTCOME: 1}, "with": 0, "closed": 1, "small": True,
                                            "shares": {}}
    assert _group(table, "no_action")["counts"] == {"no_effect": 1}
    # the rows overlap (N-1 twice): they add up to more than the 10 problems closed
    assert table.drop_duplicates("group")["group_closed"].sum() == 12


def test_pertinence_tables_without_any_closed_problem():
    for table in (pertinence_by_category(PERTINENCE, dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
                  pertinence_by_partner_type(PERTINENCE, PERTINENCE_ACTIONS, dt.date(2020, 1, 1),
                                             dt.date(2020, 12, 31))):
        assert table.empty and tuple(table.columns) == PERTINENCE_COLUMNS


def test_the_guard_is_the_projects_small_sample_constant():
    assert SMALL_SAMPLE == 5
    five = cycle_frames.problems([pertinence_problem(f"X-{i}", "eliminated" if i < 2 else "no_effect", "Vols") for i in range(5)])
    four = five.iloc[:4]
    assert not pertinence_by_category(five, START, END)["small_sample"].any()
    assert pertinence_by_category(four, START, END)["small_sample"].all()
    assert pertinence_by_category(four, START, END)["share"].isna().all()
