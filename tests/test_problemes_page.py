"""The « Problèmes » page through AppTest on the demo store: what a director sees, and that the filters reach every figure."""

import base64
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from domain.formatting import fr_int
from loaders import load

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
SAMPLES = ROOT / "sample_data"
AS_OF = dt.date(2026, 11, 25)  # the demo store's reference date


def sample_problems() -> pd.DataFrame:
    return pd.concat([r.frames["problems"] for path in sorted(SAMPLES.iterdir()) for r in load(path, as_of=AS_OF)])


def plotly_values(value) -> list:
    """A trace's array as a list (plotly ships numbers as base64 typed arrays)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def open_page(app):
    app.run()
    app.switch_page("pages/problemes.py").run()
    assert not app.exception
    return app


def charts(app) -> dict[str, list[str]]:
    """Trace names of each plotly chart, by the chart's first trace names (AppTest exposes the spec, not the key)."""
    specs = [json.loads(el.proto.spec) for el in app.get("plotly_chart")]
    return [[trace.get("name") for trace in spec["data"]] for spec in specs]


def test_a_director_sees_the_demo_problems(app):
    open_page(app)
    assert app.title[0].value == "Problèmes signalés et résolus"
    assert "Données de démonstration" in app.warning[0].value
    metrics = {m.label: m.value for m in app.metric}
    problems = sample_problems()
    still_open = problems["status"].isin(["open", "in_progress"])
    assert metrics["Problèmes ouverts"] == fr_int(still_open.sum())
    overdue = still_open & (problems["due_on"] < pd.Timestamp(AS_OF))
    assert metrics["dont en retard (échéance dépassée)"] == fr_int(overdue.sum())
    assert metrics["Taux de résolution"].endswith(")") and "%" in metrics["Taux de résolution"]
    assert metrics["Délai médian de résolution"].endswith(" j")
    names = charts(app)
    assert ["Signalés dans le mois", "Résolus dans le mois", "Ouverts en fin de mois"] in names
    assert ["Ouverts", "En cours", "Résolus sur la période"] in names
    assert names.count(["Problèmes ouverts", "Taux de résolution"]) == 2  # per sector and per CSP
    assert ["Problèmes ouverts"] in names and ["Problèmes résolus"] in names
    assert any("l'historique commence au premier import (25/11/2026)" in c.value for c in app.caption)
    table = app.dataframe[0].value
    assert list(table.columns) == ["Secteur", "Catégorie", "Lieu", "Commune", "Âge (j)", "Priorité", "En retard",
                                   "Échéance", "Statut", "Signalé le", "Réf"]  # what a reader needs first, first
    assert len(table) == still_open.sum()
    assert set(table["Statut"]) <= {"Ouvert", "En cours"} and set(table["En retard"]) == {"Oui", "Non"}
    assert (table["En retard"] == "Oui").sum() == overdue.sum()


def test_the_stock_chart_covers_at_least_twelve_months(app):
    open_page(app)
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    months = spec["data"][0]["x"]
    assert months[0] == "déc. 2025" and months[-1] == "nov. 2026" and len(months) == 12
    open_line = plotly_values(spec["data"][2]["y"])
    assert open_line[-1] == int(sample_problems()["status"].isin(["open", "in_progress"]).sum())


def test_a_sector_in_the_url_shows_that_sector_only(app):
    app.query_params["secteur"] = "forbach"
    open_page(app)
    problems = sample_problems()
    forbach = problems[problems["sector_id"] == "forbach"]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Problèmes ouverts"] == fr_int(forbach["status"].isin(["open", "in_progress"]).sum())
    assert set(app.dataframe[0].value["Secteur"]) == {"Forbach – Bellevue-Wiesberg"}
    sector_chart = next(json.loads(el.proto.spec) for el in app.get("plotly_chart")
                        if [t.get("name") for t in json.loads(el.proto.spec)["data"]] == ["Problèmes ouverts", "Taux de résolution"])
    assert sector_chart["data"][0]["y"] == ["Forbach – Bellevue-Wiesberg"]
    assert "Forbach – Bellevue-Wiesberg" in app.caption[0].value


def test_a_sector_without_problems_says_so(app):
    app.query_params["secteur"] = "behren"
    open_page(app)
    assert any(i.value == "Aucun problème pour ce filtre." for i in app.info)
    assert not app.get("plotly_chart")


def test_a_past_reference_date_counts_what_was_open_then(app):
    app.query_params.update({"date": "2026-06-30", "periode": "3"})
    open_page(app)
    problems = sample_problems()
    june = pd.Timestamp(2026, 6, 30)
    was_open = (problems["reported_on"] <= june) & (problems["status"].isin(["open", "in_progress"])
                                                    | (problems["resolved_on"] > june))
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Problèmes ouverts"] == fr_int(was_open.sum())
    resolved = (problems["status"] == "resolved") & problems["resolved_on"].between(pd.Timestamp(2026, 3, 30), june)
    assert metrics["Résolus sur la période"] == fr_int(resolved.sum())
    months = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][0]["x"]
    assert months[0] == "juil. 2025" and months[-1] == "juin 2026"
    assert len(app.dataframe[0].value) == was_open.sum()
