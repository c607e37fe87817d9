"""Vue départementale, Actions en retard and Fiche secteur through AppTest, on the demo store at 25/11/2026.

Expected figures are computed here straight from the sample trackers with plain
pandas, not with the indicator functions the pages use.
"""

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loaders import load

ROOT = Path(__file__).resolve().parent.parent
AS_OF = pd.Timestamp("2026-11-25")


@pytest.fixture(scope="module")
def sample():
    results = [r for p in sorted((ROOT / "sample_data").iterdir()) for r in load(p, as_of=AS_OF.date())]
    return {k: pd.concat([r.frames[k] for r in results], ignore_index=True) for k in ("meetings", "problems", "actions")}


def metrics(app):
    return {m.label: m.value for m in app.metric}


def overdue(actions):
    return actions[actions["status"].isin(["todo", "in_progress"]) & (actions["due_on"] < AS_OF)]


def test_home_headline_figures_and_map(app, sample):
    app.run()
    assert not app.exception
    shown = metrics(app)
    problems = sample["problems"]
    assert shown["Problèmes ouverts"] == str(problems["status"].isin(["open", "in_progress"]).sum())
    assert shown["Actions en retard"] == str(len(overdue(sample["actions"])))
    assert shown["GPO constitués"] == "14 / 17"
    assert shown["GPO en retard sur leur cadence"] == "1 / 14"  # Marly: last meeting held 08/09/2026
    assert shown["Taux de résolution"].endswith(")")  # the counts are beside the rate
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    choropleths = [t for t in figure["data"] if t["type"] == "choroplethmap"]
    assert sum(len(t["locations"]) for t in choropleths) == 725
    assert figure["layout"]["map"]["style"] == "white-bg"
    ranking = next(df.value for df in app.dataframe if "Rang" in df.value.columns)
    assert len(ranking) == 17
    assert ranking.loc[ranking["Secteur"] == "Marly", "Remarque"].item() == "en retard sur sa cadence"


def test_map_metric_choice_changes_the_map(app):
    app.run()
    app.radio(key="map_metric").set_value("compliance").run()
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    colorbars = [t["colorbar"]["title"]["text"] for t in figure["data"] if t.get("colorbar")]
    assert colorbars == ["Respect de la cadence"]
    ranking = next(df.value for df in app.dataframe if "Rang" in df.value.columns)
    assert ranking.loc[ranking["Secteur"] == "Behren-lès-Forbach", "Respect de la cadence"].item() == "non constitué"


def test_reference_date_changes_overdue_and_late(app, sample):
    app.query_params["date"] = "2027-03-01"
    app.run()
    later = pd.Timestamp("2027-03-01")
    actions = sample["actions"]
    expected = actions["status"].isin(["todo", "in_progress"]) & (actions["due_on"] < later)
    assert metrics(app)["Actions en retard"] == str(expected.sum())
    assert metrics(app)["GPO en retard sur leur cadence"] == "14 / 14"  # nobody has met since November
    assert "Données anciennes" in " ".join(w.value for w in app.warning)


def test_overdue_actions_page(app, sample):
    app.run()
    app.switch_page("pages/actions_en_retard.py").run()
    assert not app.exception
    late = overdue(sample["actions"])
    assert metrics(app)["Actions en retard"] == str(len(late))
    assert metrics(app)["Plus long retard"] == f"{(AS_OF - late['due_on']).dt.days.max()} j"
    detail = next(df.value for df in app.dataframe if "Jours de retard" in df.value.columns)
    assert len(detail) == len(late)
    assert detail["Jours de retard"].is_monotonic_decreasing
    grouped = next(df.value for df in app.dataframe if "Actions en retard" in df.value.columns)
    assert grouped["Actions en retard"].sum() == len(late)
    app.radio(key="overdue_group_by").set_value("csp_name").run()
    by_csp = next(df.value for df in app.dataframe if "CSP" in df.value.columns and "Actions en retard" in df.value.columns)
    assert len(by_csp) <= 7 and by_csp["Actions en retard"].sum() == len(late)


def test_overdue_actions_empty_state(app):
    app.query_params["date"] = "2025-06-01"
    app.run()
    app.switch_page("pages/actions_en_retard.py").run()
    assert not app.exception
    assert "Aucune action en retard au 01/06/2025" in app.success[0].value


def test_fiche_secteur_for_forbach(app, sample):
    app.query_params["secteur"] = "forbach"
    app.run()
    app.switch_page("pages/fiche_secteur.py").run()
    assert not app.exception
    assert app.header[0].value == "Forbach – Bellevue-Wiesberg"
    facts = " ".join(m.value for m in app.markdown)
    assert "Renforts : +9 policiers" in facts and "Quartier de reconquête républicaine" in facts
    assert "Commandant Laurent Fischer" in facts
    forbach = {k: f[f["sector_id"] == "forbach"] for k, f in sample.items()}
    assert metrics(app)["Problèmes ouverts"] == str(forbach["problems"]["status"].isin(["open", "in_progress"]).sum())
    assert metrics(app)["Actions en retard"] == str(len(overdue(forbach["actions"])))
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["map"]["style"] == "white-bg"


def test_fiche_secteur_without_a_sector_and_not_constituted(app):
    app.run()
    app.switch_page("pages/fiche_secteur.py").run()
    assert "Choisissez un secteur" in app.info[0].value
    app.query_params["secteur"] = "behren"
    fresh = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    fresh.query_params["secteur"] = "behren"
    fresh.run()
    fresh.switch_page("pages/fiche_secteur.py").run()
    assert not fresh.exception
    assert "Pas encore constitué" in " ".join(m.value for m in fresh.markdown)
    assert "GPO pas encore constitué." in [i.value for i in fresh.info]
