"""Each chart's French text summary says what the chart draws, from the same data (RGAA 1.3: a text equivalent)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from charts import summaries
from charts.departement_map import departement_map
from charts.meetings_charts import attendance_chart
from charts.problem_charts import age_chart, by_category_chart, resolution_time_chart, stock_and_flow_chart
from domain.reference import default_reference
from indicator_frames import frame
from report_tables.sector_ranking import csp_map_table, map_values
from synthetic_reference import synthetic_metrics

AS_OF = dt.date(2026, 11, 25)
START = dt.date(2026, 5, 25)


def test_the_map_summary_totals_what_the_map_colours_and_names_the_largest():
    reference = default_reference()
    ids = list(reference.sectors)
    counts = [0.0] * len(ids)
    counts[ids.index("forbach")], counts[ids.index("metz-centre")], counts[ids.index("yutz")] = 6, 4, 3
    counts[ids.index("marly")] = math.nan
    values = pd.DataFrame({"sector_id": ids, "value": counts, "shown": [None] * len(ids)})
    figure = departement_map(values, metric_label="Actions en retard", reference=reference)
    coloured = sum(z for trace in figure.data if trace.type == "choroplethmap" and trace.name == "secteurs"
                   for z in {loc_sector: z for loc_sector, z in zip(trace.customdata, trace.z)}.values())
    names = {s.sector_id: s.name for s in reference.sectors.values()}
    text = summaries.map_summary(values, names, "Actions en retard")
    assert coloured == 13
    assert text == ("Carte : actions en retard de 17 secteur(s), 13 au total ; le plus : Forbach – Bellevue-Wiesberg "
                    "(6), Metz (4) et Yutz – Terville (3) ; 1 sans donnée. Les chiffres de chaque secteur sont dans le tableau "
                    "sous la carte.")


def test_a_rate_map_names_the_lowest_with_its_counts():
    reference = default_reference()
    metrics = synthetic_metrics(reference)
    values = map_values(metrics, "compliance")
    text = summaries.map_summary(values, {s.sector_id: s.name for s in reference.sectors.values()},
                                 "Respect de la cadence", higher_is_worse=False, is_rate=True)
    assert "au total" not in text and "le plus bas : " in text
    lowest = values.dropna(subset=["value"]).sort_values("value", kind="stable").iloc[0]
    assert f"{reference.sectors[lowest['sector_id']].name} ({lowest['shown']})" in text


def test_the_csp_map_table_has_one_row_per_csp_with_the_hover_figure():
    reference = default_reference()
    metrics = synthetic_metrics(reference)
    table = csp_map_table(metrics, "overdue_actions", reference)
    assert list(table.columns) == ["CSP", "Actions en retard", "Secteurs choisis"]
    assert sorted(table["CSP"]) == sorted(c.name for c in reference.csps.values())
    assert table["Secteurs choisis"].sum() == len(metrics)
    forbach = metrics[metrics["csp"] == "Forbach"]["overdue_actions"].sum()
    assert table.set_index("CSP").loc["Forbach", "Actions en retard"] == str(forbach)


def test_stock_and_flow_summary_gives_the_chart_totals_and_ends():
    monthly = pd.DataFrame({"month_end": [dt.date(2026, 9, 30), dt.date(2026, 10, 31), AS_OF],
                            "reported": [4, 9, 2], "resolved": [1, 3, 5], "open": [10, 16, 13]})
    stock_and_flow_chart(monthly)  # the chart draws from this very frame
    assert summaries.stock_and_flow_summary(monthly) == (
        "De sept. 2026 à nov. 2026 : 15 problème(s) signalé(s) et 9 résolu(s). Ouverts en fin de mois : 10 fin "
        "sept. 2026, 13 au 25/11/2026. Le plus de signalements : oct. 2026 (9).")


def test_category_summary_matches_the_bars():
    problems = frame("problems", [
        {"problem_id": "P1", "category": "Rodéos motorisés", "status": "open", "reported_on": "2026-10-01"},
        {"problem_id": "P2", "category": "Rodéos motorisés", "status": "in_progress", "reported_on": "2026-09-01"},
        {"problem_id": "P3", "category": "Dépôts sauvages", "status": "open", "reported_on": "2026-11-01"},
        {"problem_id": "P4", "category": "Dépôts sauvages", "status": "resolved", "reported_on": "2026-07-01",
         "resolved_on": "2026-08-01"},
    ])
    figure = by_category_chart(problems, AS_OF, START)
    drawn = {bar.name: dict(zip(bar.y, bar.x)) for bar in figure.data}
    assert drawn["Résolus sur la période"]["Dépôts sauvages"] == 1
    assert summaries.category_summary(problems, AS_OF, START) == (
        "3 problème(s) ouvert(s) au 25/11/2026 dans 2 catégorie(s) ; les plus nombreux : Rodéos motorisés (2) et "
        "Dépôts sauvages (1). 1 résolu(s) depuis le 25/05/2026.")


def test_age_and_resolution_time_summaries_say_every_bar():
    buckets = pd.DataFrame({"Âge": ["moins de 30 j", "30 à 90 j", "3 à 6 mois"], "Problèmes": [2, 0, 5]})
    age_chart(buckets)
    assert summaries.age_summary(buckets) == ("7 problème(s) ouvert(s) : 2 ouvert(s) depuis moins de 30 j, "
                                              "5 ouvert(s) depuis 3 à 6 mois.")
    days = pd.Series([4, 10, 12, 30, 44])
    resolution_time_chart(days)
    assert summaries.resolution_time_summary(days) == (
        "5 problème(s) résolu(s) sur la période : la moitié en 12 j ou moins, 80 % en 32,8 j ou moins ; "
        "le plus rapide en 4 j, le plus long en 44 j.")


def test_attendance_summary_lists_each_partner_type_drawn():
    counts = {"mairie": 5, "police_municipale": 3, "police_nationale": 6, "bailleur": 2}
    figure = attendance_chart(counts, 6)
    text = summaries.attendance_summary(counts, 6)
    assert text.startswith("Présence aux 6 réunion(s) tenue(s) : ")
    for label, shown in zip(figure.data[0].y, figure.data[0].text):
        assert f"{label.lower()} {shown}" in text


@pytest.mark.parametrize("empty,expected", [
    (summaries.age_summary(pd.DataFrame({"Âge": [], "Problèmes": []})), "Aucun problème ouvert."),
    (summaries.resolution_time_summary(pd.Series([], dtype="float64")), "Aucun problème résolu sur la période."),
    (summaries.attendance_summary({}, 0), "Aucune réunion tenue sur la période."),
])
def test_an_empty_chart_says_so(empty, expected):
    assert empty == expected


def test_a_map_shown_without_its_table_does_not_point_to_one():
    values = pd.DataFrame({"sector_id": ["forbach"], "value": [2.0], "shown": ["2"]})
    text = summaries.map_summary(values, {"forbach": "Forbach"}, "Actions en retard", table_below=False)
    assert text == "Carte : actions en retard de 1 secteur(s), 2 au total ; le plus : Forbach (2)."
