"""What the cycle pages are built from, on the hand-computed scenario of tests/cycle_scenario.py (as_of 30/06/2026):
every sector's cycle figures beside the metrics, a sector's glance, the Bilan page's tables, the map and ranking of the
cycle status and the PSQ ratio, and the map's category scale and sentences."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from charts import summaries
from charts.departement_map import departement_map
from domain.bilan import build_bilan
from domain.indicators.cycle_figures import FIGURE_COLUMNS, sector_cycle_figures, with_cycle_figures
from domain.reference import default_reference
from domain import bilan_wording
from report_tables import bilan_tables
from report_tables.cycle_glance import cycle_glance, due_sentence
from report_tables.sector_ranking import (CYCLE_CSP_LABEL, csp_map_values, hover_lines, map_label, map_values,
                                          ranking_table)
from synthetic_reference import synthetic_metrics
from tests.cycle_scenario import AS_OF, D2, FRAMES

SECTORS = ["marly", "behren", "sarrebourg"]


def _spaces(value):
    return value.replace("\u202f", " ") if isinstance(value, str) else value


@pytest.fixture(scope="module")
def reference():
    return default_reference()


@pytest.fixture(scope="module")
def figures():
    return sector_cycle_figures(FRAMES["diagnostics"], FRAMES["problems"], SECTORS, AS_OF, dt.date(2026, 1, 1))


# --- every sector's cycle figures --------------------------------------------------------------------------------

def test_sector_cycle_figures_by_hand(figures):
    assert tuple(figures.columns) == FIGURE_COLUMNS and figures["sector_id"].tolist() == SECTORS
    rows = figures.set_index("sector_id")
    # marly: D2 on 02/03/2026, due 02/03/2027 (245 days ahead); P-05 (in progress) its only priority problem
    assert rows.loc["marly", ["cycle_status", "diagnostics", "diagnostic_age_days", "days_until_due",
                              "priority_problems", "priority_closed"]].tolist() == ["on_time", 2, 120, 245, 1, 0]
    # behren: 29/02/2024, due 28/02/2025: 487 days overdue at 30/06/2026
    assert rows.loc["behren", ["cycle_status", "days_until_due"]].tolist() == ["overdue", -487]
    assert rows.loc["sarrebourg", "cycle_status"] == "no_diagnostic" and pd.isna(rows.loc["sarrebourg", "bilan_due_on"])
    # the period 01/01/2026 – 30/06/2026. PSQ: marly's P-05, P-06, P-07 reported in it (P-08 after as_of), P-06 and
    # P-07 resolved (P-07 without a date: closed since its report) → 2/3, fewer than 5: small
    assert rows.loc["marly", ["psq_identified", "psq_resolved", "psq_small_sample"]].tolist() == [3, 2, True]
    assert math.isclose(rows.loc["marly", "psq_ratio"], 2 / 3)
    # outcomes: closed with a date in the period: P-04 (10/01, dropped, no outcome) and P-06 (15/04, no effect)
    assert rows.loc["marly", ["outcome_closed", "outcome_with", "outcome_without", "outcome_success"]].tolist() == [
        2, 1, 1, 0]
    assert rows.loc["sarrebourg", ["psq_identified", "outcome_closed"]].tolist() == [0, 0]
    assert math.isnan(rows.loc["sarrebourg", "psq_ratio"])


def test_cycle_figures_go_beside_the_metrics_in_their_order(figures, reference):
    metrics = synthetic_metrics(reference, ["sarrebourg", "marly", "behren"])
    merged = with_cycle_figures(metrics, figures)
    assert merged["sector_id"].tolist() == ["sarrebourg", "marly", "behren"]
    assert merged["cycle_status"].tolist() == ["no_diagnostic", "on_time", "overdue"]
    assert merged["open_problems"].tolist() == metrics["open_problems"].tolist()  # the metrics kept
    # a sector the figures do not cover is « no diagnostic », never on time
    alone = with_cycle_figures(synthetic_metrics(reference, ["marly", "yutz"]), figures)
    assert alone.set_index("sector_id").loc["yutz", ["cycle_status", "cycle_status_label", "psq_identified"]].tolist() \
        == ["no_diagnostic", "Aucun diagnostic", 0]
    assert with_cycle_figures(pd.DataFrame([]), figures).empty


# --- a sector's glance ------------------------------------------------------------------------------------------

def test_glance_of_a_sector_with_two_diagnostics():
    glance = cycle_glance(FRAMES, "marly", AS_OF)
    assert glance.severity == "info" and glance.current.diagnosed_on == D2
    assert glance.diagnostic_line() == ("Dernier diagnostic : 02/03/2026, il y a 120 jours (cycle n° 2 sur 2) · "
                                        "« Diagnostic 2026 » · partagé avec les partenaires le 16/03/2026.")
    assert glance.due_line() == "Bilan non encore dû : à présenter le 02/03/2027 au plus tard (dans 245 jours)."
    assert glance.priority["Réf"].tolist() == ["P-05"]
    assert glance.priority_line() == ("1 problème prioritaire nommé par le diagnostic : 0 clos (résolu ou abandonné), "
                                      "0 action en retard.")


def test_glance_overdue_and_without_diagnostic():
    behren = cycle_glance(FRAMES, "behren", AS_OF)
    assert behren.severity == "error"
    assert behren.due_line() == ("Bilan en retard : il était dû le 28/02/2025, 12 mois après le diagnostic, dépassé "
                                 "de 487 jours, sans nouveau diagnostic depuis.")
    assert behren.priority_line() == "Le diagnostic ne nomme aucun problème prioritaire."
    none = cycle_glance(FRAMES, "sarrebourg", AS_OF)
    assert none.current is None and none.severity == "warning" and none.priority.empty
    assert none.diagnostic_line().startswith("Aucun diagnostic de sécurité enregistré au 30/06/2026 : ce GPO n’a pas "
                                             "de cycle")
    # due within 60 days, on the day, and a past cycle closed late
    marly = cycle_glance(FRAMES, "marly", dt.date(2027, 1, 31)).current
    assert due_sentence(marly, dt.date(2027, 1, 31)) == "Bilan dû sous 60 jours : le 02/03/2027 (dans 30 jours)."
    assert due_sentence(marly, dt.date(2027, 3, 2)) == "Bilan dû sous 60 jours : le 02/03/2027 (aujourd’hui)."
    first = cycle_glance(FRAMES, "marly", AS_OF).cycles[0]
    assert due_sentence(first, AS_OF) == ("Cycle clos en retard : le diagnostic suivant, du 02/03/2026, est venu "
                                          "20 jours après l’échéance du bilan (10/02/2026).")


# --- the Bilan page's tables ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def first_bilan(reference):
    return build_bilan(reference.sectors["marly"], FRAMES, AS_OF, reference, 1)


def test_bilan_key_figures_and_sections(first_bilan):
    figures = [(_spaces(v), label) for v, label in bilan_tables.key_figures(first_bilan)]
    # P-01 and P-03 closed of P-01, P-03, P-09; 1 of 6 actions done on time, 1 late; closed in the
    # cycle with an outcome: P-01 reduced, P-03 eliminated (2, under 5: the counts alone)
    assert figures[:4] == [("2 / 3", "Problèmes prioritaires clos"),
                           ("17 % (1/6)", "Actions prioritaires réalisées dans les délais"),
                           ("1", "Actions prioritaires en retard"),
                           ("2 sur 2", "Clos pendant le cycle : éliminés ou réduits")]
    rows = dict(bilan_tables.diagnostic_rows(first_bilan))
    assert rows["Période du cycle"] == "du 10/02/2025 au 01/03/2026 (clos par le diagnostic du 02/03/2026)"
    assert rows["Échéance du bilan"] == "10/02/2026 (nouveau diagnostic après l’échéance du bilan)"
    assert bilan_tables.cycle_choice(first_bilan.cycle) == (
        "Cycle n° 1 : du 10/02/2025 au 01/03/2026")
    assert bilan_tables.outside_cycles_line(first_bilan).startswith("2 problèmes signalés avant le premier diagnostic")
    assert [_spaces(t) for t in bilan_tables.assessment_lines(first_bilan)] == [
        "Sur 2 problèmes clos pendant le cycle avec un résultat, 2 éliminé(s) ou réduit(s) (moins de 5 : les nombres "
        "seuls, sans part).",
        "3 problèmes clos (résolus ou abandonnés) entre le 10/02/2025 et le 01/03/2026, dont 1 sans résultat saisi."]
    assert bilan_tables.outcome_table(first_bilan)["Part"].tolist() == ["–"] * 8


def test_bilan_tables_keep_tracker_text_and_every_action(first_bilan):
    p01 = first_bilan.priority[0]
    actions = bilan_tables.actions_table(p01.actions)
    assert tuple(actions.columns) == bilan_tables.ACTION_TABLE_COLUMNS
    assert actions["Réf action"].tolist() == ["A-01", "A-03", "A-02"]  # by partner, then due date
    assert actions["Situation"].tolist() == ["Réalisée dans les délais", "Abandonnée", "Réalisée après l’échéance (10 j)"]
    assert actions["Action"].tolist()[1] == "Caméra <b>gras</b>"  # tracker text as typed: the page shows it as text
    partners = bilan_tables.partner_table(first_bilan.partner_summary)
    assert partners["Partenaire"].tolist() == ["Bailleur Moselis", "Mairie de Marly", "Police municipale de Marly",
                                               "Total"]
    assert partners.iloc[-1]["Actions"] == 6 and partners.iloc[-1]["En retard"] == 1
    closed = bilan_tables.closed_problems_table(first_bilan)
    assert closed[["Réf", "Résultat", "Prioritaire"]].values.tolist() == [
        ["P-01", "Réduit", "oui"], ["P-03", "Éliminé", "oui"], ["P-04", "non renseigné", ""]]
    new = bilan_tables.new_problems_table(first_bilan)
    assert new["Réf"].tolist() == ["P-03", "P-04", "P-05"] and new["Prioritaire"].tolist() == ["oui", "", ""]
    assert bilan_tables.problem_line(p01) == ("Statut : Résolu · Étape : Évaluation · Résultat : Réduit · résolu en "
                                              "166 j (signalé le 15/01/2025, résolu le 30/06/2025) · chef de file : "
                                              "Mairie de Marly")


def test_share_or_counts_guards_small_samples():
    assert bilan_wording.share_or_counts(0, 0) == "–"
    assert bilan_wording.share_or_counts(3, 4) == "3 sur 4"
    assert _spaces(bilan_wording.share_or_counts(3, 5)) == "60 % (3/5)"


# --- the map and the ranking ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def metrics(figures, reference):
    return with_cycle_figures(synthetic_metrics(reference, SECTORS), figures)


def test_cycle_status_on_the_map_and_in_the_ranking(metrics, reference):
    values = map_values(metrics, "cycle_status").set_index("sector_id")
    assert values["value"].tolist() == [0.0, 3.0, 2.0]  # on time, overdue, no diagnostic: their places on the scale
    assert values["shown"].tolist() == ["Bilan non encore dû (le 02/03/2027)",
                                        "Bilan en retard (dû le 28/02/2025, dépassé de 487 j)", "Aucun diagnostic"]
    ranking = ranking_table(metrics, "cycle_status")
    assert ranking[["Rang", "Secteur", "État du cycle"]].values.tolist() == [
        ["1", "Behren-lès-Forbach", "Bilan en retard"], ["", "Sarrebourg", "Aucun diagnostic"],
        ["2", "Marly", "Bilan non encore dû"]]
    assert [_spaces(v) for v in ranking["Bilan dû le"]] == ["28/02/2025, dépassé de 487 j", "–", "02/03/2027, dans 245 j"]
    assert "État du cycle : Bilan en retard (dû le 28/02/2025, dépassé de 487 j)" in hover_lines(metrics,
                                                                                                "open_problems")["behren"]
    # at CSP level (beyond 60 sectors): the share of each CSP's sectors without diagnostic or overdue
    csp = csp_map_values(metrics, "cycle_status", reference).set_index("csp_id")
    assert csp.loc["forbach", "value"] == 1.0 and csp.loc["metz", "value"] == 0.0
    assert map_label("cycle_status", by_sector=False) == CYCLE_CSP_LABEL


def test_psq_ranking_never_ranks_under_five(metrics, reference):
    ranking = ranking_table(metrics, "psq").set_index("Secteur")
    assert _spaces(ranking.loc["Marly", "Ratio PSQ (résolus ÷ identifiés)"]) == "67 % (2/3)"
    assert ranking.loc["Marly", "Rang"] == "" and ranking.loc["Marly", "Remarque"].startswith("moins de 5 problèmes")
    assert ranking.loc["Sarrebourg", "Ratio PSQ (résolus ÷ identifiés)"] == "aucun problème identifié"
    csp = csp_map_values(metrics, "psq", reference).set_index("csp_id")
    assert _spaces(csp.loc["metz", "shown"]) == "67 % (2/3)" and math.isnan(csp.loc["sarrebourg", "value"])


def test_the_map_draws_a_status_with_one_colour_per_category(metrics, reference):
    categories = [("Bilan non encore dû", "#009E73"), ("Bilan dû sous 60 jours", "#E69F00"),
                  ("Aucun diagnostic", "#CC79A7"), ("Bilan en retard", "#D55E00")]
    fig = departement_map(map_values(metrics, "cycle_status"), metric_label="État du cycle", reference=reference,
                          categories=categories)
    sectors = next(t for t in fig.data if t.name == "secteurs")
    assert (sectors.zmin, sectors.zmax) == (-0.5, 3.5)
    assert list(sectors.colorbar.ticktext) == [c[0] for c in categories] and list(sectors.colorbar.tickvals) == [0, 1, 2, 3]
    # flat steps: each value's colour is its category's, the ends of its step share it
    scale = [tuple(stop) for stop in sectors.colorscale]
    assert scale == [(0.0, "#009E73"), (0.25, "#009E73"), (0.25, "#E69F00"), (0.5, "#E69F00"), (0.5, "#CC79A7"),
                     (0.75, "#CC79A7"), (0.75, "#D55E00"), (1.0, "#D55E00")]
    z = dict(zip(sectors.customdata, sectors.z))
    assert z["behren"] == 3 and z["sarrebourg"] == 2 and z["marly"] == 0
    rate = departement_map(map_values(metrics, "psq"), metric_label="Ratio PSQ", reference=reference, percent=True)
    assert next(t for t in rate.data if t.name == "secteurs").colorbar.tickformat == ".0%"
    assert rate.layout.separators == ",\u202f"


def test_map_sentences(metrics, reference):
    names = {s.sector_id: s.name for s in reference.sectors.values()}
    said = summaries.category_map_summary(map_values(metrics, "cycle_status"), names, "État du cycle",
                                          ["Bilan non encore dû", "Bilan dû sous 60 jours", "Aucun diagnostic",
                                           "Bilan en retard"])
    assert said == ("Carte : état du cycle de 3 secteur(s) ; bilan en retard : 1 (Behren-lès-Forbach) ; aucun "
                    "diagnostic : 1 (Sarrebourg) ; bilan non encore dû : 1. Le détail de chaque secteur est dans le "
                    "tableau sous la carte.")
    psq = summaries.map_summary(map_values(metrics, "psq"), names, "Ratio PSQ", higher_is_worse=False, is_rate=True,
                                unranked=frozenset({"marly"}), unranked_note="avec moins de 5 problèmes identifiés")
    assert "le plus bas" not in psq and "Marly" not in psq  # the only rate rests on 3 problems: named nowhere
    assert "; 1 avec moins de 5 problèmes identifiés ; 2 sans donnée." in psq
    assert psq.startswith("Carte : ratio PSQ de 3 secteur(s)")  # the acronym keeps its capitals

