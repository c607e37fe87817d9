"""The GPO's cycle in the app (issue 13) through AppTest, on the demo store at 25/11/2026: Vue départementale (cycle
status and PSQ on the map's switch, outcomes), Fiche secteur and Réunions (the cycle at a glance), the Bilan page and
its PDF, Pertinence des actions; a chef de CSP sees only his CSP's sectors there.

Expected figures are computed here from the sample trackers with plain pandas (calendar months by DateOffset, the
period as the sidebar's default: the 6 months before the reference date), not with the functions the pages use.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from loaders import load
from store.accounts import create_account
from store.audit import read_audit
from store.database import open_store

ROOT = Path(__file__).resolve().parent.parent
AS_OF = pd.Timestamp("2026-11-25")
START = pd.Timestamp("2026-05-25")  # the default period: 6 months
PASSWORD = "Correct-Cheval-57"
FORBACH_CSP = ["forbach", "stiring", "behren"]


@pytest.fixture(scope="module")
def sample():
    results = [r for p in sorted((ROOT / "sample_data").iterdir()) for r in load(p, as_of=AS_OF.date())]
    return {k: pd.concat([r.frames[k] for r in results], ignore_index=True)
            for k in ("problems", "actions", "diagnostics")}


@pytest.fixture
def warm_server(monkeypatch):
    """dashboard.py first on every run, as on a running server (see tests/test_auth_pages.py): AppTest would run a
    page file alone, with the filters of the run before, and a chooser that sets the sidebar's sector from a page
    would be seen one run late."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def after_first_request(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", after_first_request)


def metrics(app) -> dict[str, str]:
    return {m.label: m.value.replace("\u202f", " ") for m in app.metric}


def table_with(app, *columns):
    return next(df.value for df in app.dataframe if set(columns) <= set(df.value.columns))


def texts(app) -> str:
    return " ".join(e.value for kind in ("markdown", "caption", "info", "warning", "error", "success")
                    for e in getattr(app, kind)).replace("\u202f", " ")


def last_diagnostics(sample) -> pd.Series:
    d = sample["diagnostics"]
    return d[d["diagnosed_on"] <= AS_OF].groupby("sector_id")["diagnosed_on"].max()


# --- Vue départementale ---------------------------------------------------------------------------------------------

def test_map_switch_shows_the_cycle_status_with_a_category_scale(app, sample):
    app.run()
    app.radio(key="map_metric").set_value("cycle_status").run()
    assert not app.exception
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    sectors = next(t for t in figure["data"] if t.get("name") == "secteurs")
    assert sectors["colorbar"]["ticktext"] == ["Bilan non encore dû", "Bilan dû sous 60 jours", "Aucun diagnostic",
                                              "Bilan en retard"]
    assert (sectors["zmin"], sectors["zmax"]) == (-0.5, 3.5)
    # every commune of a sector without diagnostic carries the « Aucun diagnostic » step (2), never « on time » (0)
    last = last_diagnostics(sample)
    overdue = sorted(s for s, day in last.items() if day + pd.DateOffset(months=12) < AS_OF)
    assert overdue == ["amneville", "hagondange"]  # diagnostics of 04/11/2025 and 07/11/2025
    by_sector = dict(zip(sectors["customdata"], sectors["z"]))
    assert by_sector["behren"] == 2 and by_sector["amneville"] == 3 and by_sector["forbach"] == 0

    ranking = table_with(app, "Rang", "État du cycle")
    assert list(ranking.columns) == ["Rang", "Secteur", "État du cycle", "Bilan dû le", "Remarque", "CSP"]
    # the most urgent first: overdue (the longest overdue first), then without diagnostic (unranked), then the others
    assert ranking["Secteur"].tolist()[:2] == ["Amnéville – Rombas", "Hagondange – Talange"]
    assert ranking.iloc[0][["Rang", "État du cycle", "Bilan dû le", "Remarque"]].tolist() == [
        "1", "Bilan en retard", "04/11/2026, dépassé de 21 j", "diagnostic du 04/11/2025 (386 j)"]
    without = ranking[ranking["État du cycle"] == "Aucun diagnostic"]
    assert sorted(without["Secteur"]) == ["Behren-lès-Forbach", "Fameck – Florange", "Sarrebourg",
                                          "Sarreguemines périphérie"]
    assert set(without["Rang"]) == {""} and list(without.index) == [2, 3, 4, 5]
    assert "Carte : état du cycle de 17 secteur(s) ; bilan en retard : 2" in texts(app)


def test_map_switch_shows_the_psq_ratio_with_counts_and_no_rank_under_five(app, sample):
    app.run()
    app.radio(key="map_metric").set_value("psq").run()
    p = sample["problems"]
    identified = p[p["reported_on"].between(START, AS_OF)]
    resolved = identified[(identified["status"] == "resolved")
                          & (identified["resolved_on"].isna() | (identified["resolved_on"] <= AS_OF))]
    per_sector = identified.groupby("sector_id").size()
    ranking = table_with(app, "Rang", "Ratio PSQ (résolus ÷ identifiés)").set_index("Secteur")
    forbach = ranking.loc["Forbach – Bellevue-Wiesberg"]
    n, k = per_sector["forbach"], int((resolved["sector_id"] == "forbach").sum())
    assert forbach["Ratio PSQ (résolus ÷ identifiés)"].replace("\u202f", " ") == f"{round(100 * k / n)} % ({k}/{n})"
    small = ranking[ranking["Remarque"].str.startswith("moins de 5 problèmes identifiés")]
    assert set(small["Rang"]) == {""} and len(small) == 17 - int((per_sector >= 5).sum())
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    bar = next(t for t in figure["data"] if t.get("colorbar"))["colorbar"]
    assert bar["tickformat"] == ".0%" and figure["layout"]["separators"] == ",\u202f"
    # the map's sentence never names a sector under 5 identified among the lowest
    said = next(c.value for c in app.caption if c.value.startswith("Carte : ratio PSQ"))
    assert "avec moins de 5 problèmes identifiés, non classé(s)" in said
    assert "Sarrebourg" not in said and "Stiring" not in said


def test_departement_outcomes_and_psq(app, sample):
    app.run()
    p = sample["problems"]
    closed = p[p["status"].isin(["resolved", "dropped"]) & p["resolved_on"].between(START, AS_OF)]
    with_outcome = closed[closed["outcome"].notna()]
    success = int(with_outcome["outcome"].isin(["eliminated", "reduced"]).sum())
    identified = p[p["reported_on"].between(START, AS_OF)]
    resolved = identified[(identified["status"] == "resolved")
                          & (identified["resolved_on"].isna() | (identified["resolved_on"] <= AS_OF))]
    shown = metrics(app)
    assert shown["Bilans en retard"] == "2 / 17"
    assert shown["Secteurs sans diagnostic"] == "4 / 17"
    assert shown["Éliminés ou réduits (période)"] == (
        f"{round(100 * success / len(with_outcome))} % ({success}/{len(with_outcome)})")
    assert shown["Ratio PSQ sur la période"] == (
        f"{round(100 * len(resolved) / len(identified))} % ({len(resolved)}/{len(identified)})")
    table = table_with(app, "Résultat", "Problèmes", "Part").set_index("Résultat")
    assert table.loc["Réduit", "Problèmes"] == int((with_outcome["outcome"] == "reduced").sum())
    assert table.loc["Résultat non renseigné", "Problèmes"] == len(closed) - len(with_outcome)
    assert table.loc["Résultat non renseigné", "Part"] == "–"
    assert f"{len(closed) - len(with_outcome)} sans résultat saisi" in texts(app)


# --- Fiche secteur and Réunions: the cycle at a glance ---------------------------------------------------------------

def test_fiche_secteur_shows_the_sectors_cycle_at_a_glance(app, sample):
    app.query_params.update({"csp": "forbach", "secteur": "forbach"})
    app.run()
    app.switch_page("pages/fiche_secteur.py").run()
    assert not app.exception
    assert "Bilan non encore dû : à présenter le 26/09/2027 au plus tard (dans 305 jours)." in [
        i.value for i in app.info]
    assert ("Dernier diagnostic : 26/09/2026, il y a 60 jours (cycle n° 2 sur 2) · « Diagnostic local de sécurité "
            "2026 »") in texts(app)
    glance = table_with(app, "Réf", "Étape", "Actions en retard")
    assert glance["Réf"].tolist() == ["P-01", "P-03", "P-10", "P-15"]  # in the diagnostic's order
    p = sample["problems"].set_index(["sector_id", "problem_id"])
    assert glance.set_index("Réf").loc["P-10", ["Statut", "Étape", "Résultat"]].tolist() == [
        "Résolu", "Évaluation", "Sans effet"]
    assert p.loc[("forbach", "P-10"), "outcome"] == "no_effect"
    a = sample["actions"]
    p15 = a[(a["sector_id"] == "forbach") & (a["problem_id"] == "P-15")]
    assert glance.set_index("Réf").loc["P-15", "Actions réalisées"] == f"{(p15['status'] == 'done').sum()}/{len(p15)}"


def test_fiche_secteur_of_a_sector_without_diagnostic_says_so(app):
    app.query_params.update({"csp": "sarrebourg", "secteur": "sarrebourg"})
    app.run()
    app.switch_page("pages/fiche_secteur.py").run()
    assert not app.exception
    said = [w.value for w in app.warning if "diagnostic" in w.value]
    assert said and said[0].startswith("Aucun diagnostic de sécurité enregistré au 25/11/2026 : ce GPO n’a pas de "
                                       "cycle") and "jamais compté « à jour »" in said[0]
    assert not [i.value for i in app.info if "Bilan non encore dû" in i.value]


def test_reunions_lists_each_gpos_cycle_the_most_urgent_first(app):
    app.query_params["csp"] = "hagondange"
    app.run()
    app.switch_page("pages/reunions.py").run()
    assert not app.exception
    cycles = table_with(app, "État du cycle", "Bilan dû le", "Échéance")
    assert cycles["Secteur"].tolist() == ["Amnéville – Rombas", "Hagondange – Talange"]
    assert cycles["Échéance"].str.replace("\u202f", " ").tolist() == ["dépassée de 21 j", "dépassée de 18 j"]
    # one GPO: its glance, here one without a diagnostic
    fresh = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    fresh.query_params.update({"csp": "thionville", "secteur": "fameck"})
    fresh.run()
    fresh.switch_page("pages/reunions.py").run()
    assert any(w.value.startswith("Aucun diagnostic de sécurité enregistré") for w in fresh.warning)


# --- Bilan ----------------------------------------------------------------------------------------------------------

def test_bilan_of_a_sector_with_two_diagnostics(app):
    app.query_params.update({"csp": "forbach", "secteur": "forbach"})
    app.run()
    app.switch_page("pages/bilan.py").run()
    assert not app.exception
    chooser = app.selectbox(key="bilan_cycle")
    assert chooser.options == ["Cycle n° 2 : du 26/09/2026 au 25/11/2026 (en cours)",
                               "Cycle n° 1 : du 14/10/2025 au 25/09/2026"]
    assert chooser.value == 2  # the current cycle by default
    assert [h.value for h in app.subheader] == [
        "1. Le diagnostic", "2. Problèmes prioritaires et leurs actions",
        "3. Actions des problèmes prioritaires, par partenaire", "4. Réunions et cadence pendant le cycle",
        "5. Problèmes apparus pendant le cycle", "6. Évaluation enregistrée par le GPO"]
    shown = metrics(app)
    assert shown["Problèmes prioritaires clos"] == "2 / 4"
    assert shown["Clos pendant le cycle : éliminés ou réduits"] == "1 sur 3"  # under 5: no share
    partners = table_with(app, "Partenaire", "Type", "En retard")
    assert partners.iloc[-1]["Partenaire"] == "Total" and partners.iloc[-1]["Actions"] == 8

    chooser.set_value(1).run()
    assert not app.exception
    assert "Cycle n° 1 sur 2 · Cycle clos à temps : le diagnostic suivant, du 26/09/2026, est venu avant l’échéance" \
        in app.success[0].value
    assert metrics(app)["Clos pendant le cycle : éliminés ou réduits"] == "50 % (4/8)"
    assert "**Diagnostic suivant, du 26/09/2026** : « Diagnostic local de sécurité 2026 »" in [
        m.value for m in app.markdown]
    new = table_with(app, "Réf", "Signalé le", "Prioritaire")
    assert len(new) == 14 and new["Réf"].iloc[0] == "P-02"


def test_bilan_pdf_is_built_only_when_asked_for_the_cycle_shown(app):
    app.query_params.update({"csp": "forbach", "secteur": "stiring"})
    app.run()
    app.switch_page("pages/bilan.py").run()
    assert not app.get("download_button")  # nothing built before it is asked for
    app.button(key="bilan_pdf_prepare").click().run()
    assert not app.exception
    download = app.get("download_button")[0]
    assert download.proto.label == "Télécharger le bilan (PDF)"
    assert download.proto.url.endswith(".pdf")
    with pytest.raises(KeyError):
        app.button(key="bilan_pdf_prepare")  # built: the button gave way to the download
    # another cycle: the file of the cycle shown is asked for again
    app.selectbox(key="bilan_cycle").set_value(1).run()
    assert not app.get("download_button") and app.button(key="bilan_pdf_prepare")
    # AppTest cannot click a download button: tests/test_auth_pages.py checks in the source that it is journaled


def test_bilan_of_a_sector_without_diagnostic(app):
    app.query_params.update({"csp": "forbach", "secteur": "behren"})
    app.run()
    app.switch_page("pages/bilan.py").run()
    assert not app.exception
    assert not app.subheader  # no section: there is no cycle
    assert any(w.value.startswith("Aucun diagnostic de sécurité enregistré au 25/11/2026") for w in app.warning)
    with pytest.raises(KeyError):
        app.selectbox(key="bilan_cycle")
    assert not app.metric


def test_bilan_sector_chooser_sets_the_shared_sector(app, warm_server):
    app.run()
    app.switch_page("pages/bilan.py").run()
    assert "Choisissez un secteur" in app.info[0].value
    chooser = app.selectbox(key="bilan_sector")
    assert len(chooser.options) == 18 and chooser.options[0] == "— choisir un secteur —"
    chooser.set_value("woippy").run()
    assert not app.exception
    assert app.selectbox(key="f_sector").value == "woippy"  # the sidebar follows
    assert app.selectbox(key="bilan_cycle").value == 2


# --- Pertinence -----------------------------------------------------------------------------------------------------

def test_pertinence_page_counts_and_guards(app, sample):
    app.run()
    app.switch_page("pages/pertinence.py").run()
    assert not app.exception
    p = sample["problems"]
    closed = p[p["status"].isin(["resolved", "dropped"]) & p["resolved_on"].between(START, AS_OF)]
    assert metrics(app)["Problèmes clos sur la période"] == str(len(closed))
    assert "Lecture descriptive, pas une cause." in app.info[0].value
    by_category = table_with(app, "Catégorie", "Éliminés ou réduits").set_index("Catégorie")
    assert by_category["Problèmes clos"].sum() == len(closed)  # each problem once
    for category, line in by_category.iterrows():
        mine = closed[closed["category"] == category]
        with_outcome = mine[mine["outcome"].notna()]
        assert line["Problèmes clos"] == len(mine) and line["Avec un résultat"] == len(with_outcome), category
        if len(with_outcome) < 5:  # no share under 5
            assert line["Éliminés ou réduits"].endswith("· moins de 5") and "%" not in line["Réduit"], category
        else:
            assert "%" in line["Éliminés ou réduits"] and "(" in line["Réduit"], category
    by_type = table_with(app, "Type de partenaire", "Éliminés ou réduits")
    assert by_type["Type de partenaire"].iloc[0] == "Mairie"  # the list's order, never sorted by a share


# --- a chef de CSP ------------------------------------------------------------------------------------------------

@pytest.fixture
def chef_de_csp(demo_store, monkeypatch):
    monkeypatch.setenv("GPO_DATABASE_URL", demo_store)
    monkeypatch.setenv("GPO_AUTH", "local")
    engine = open_store(demo_store)
    create_account(engine, "cdt.fischer", "Commandant Laurent Fischer", "chef_csp", PASSWORD, csp_id="forbach")
    st.cache_resource.clear()
    st.cache_data.clear()
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    app.text_input(key="login_name").input("cdt.fischer")
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click().run()
    yield app, engine
    st.cache_resource.clear()


def test_chef_de_csp_sees_only_his_csp_in_the_cycle_pages(warm_server, chef_de_csp, sample):
    app, engine = chef_de_csp
    app.switch_page("pages/pertinence.py").run()
    assert not app.exception
    p = sample["problems"]
    mine = p[p["sector_id"].isin(FORBACH_CSP)]
    closed = mine[mine["status"].isin(["resolved", "dropped"]) & mine["resolved_on"].between(START, AS_OF)]
    every = p[p["status"].isin(["resolved", "dropped"]) & p["resolved_on"].between(START, AS_OF)]
    assert 0 < len(closed) < len(every)
    assert metrics(app)["Problèmes clos sur la période"] == str(len(closed))
    assert table_with(app, "Catégorie", "Éliminés ou réduits")["Problèmes clos"].sum() == len(closed)

    app.switch_page("pages/vue_departementale.py").run()
    app.radio(key="map_metric").set_value("cycle_status").run()
    ranking = table_with(app, "Rang", "État du cycle")
    assert sorted(ranking["Secteur"]) == ["Behren-lès-Forbach", "Forbach – Bellevue-Wiesberg", "Stiring-Wendel"]
    assert metrics(app)["Secteurs sans diagnostic"] == "1 / 3"

    app.switch_page("pages/reunions.py").run()
    cycles = table_with(app, "État du cycle", "Bilan dû le")
    assert sorted(cycles["Secteur"]) == ["Behren-lès-Forbach", "Forbach – Bellevue-Wiesberg", "Stiring-Wendel"]

    app.switch_page("pages/bilan.py").run()
    assert not app.exception
    assert app.selectbox(key="bilan_sector").options == ["— choisir un secteur —", "Forbach – Bellevue-Wiesberg",
                                                         "Stiring-Wendel", "Behren-lès-Forbach"]
    app.selectbox(key="bilan_sector").set_value("stiring").run()
    app.button(key="bilan_pdf_prepare").click().run()
    assert app.get("download_button") and not app.exception
    assert "Connexion" in set(read_audit(engine)["Événement"])
