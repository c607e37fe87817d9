"""The app through AppTest: what a user sees on the sample data."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def test_home_page_shows_sample_data_status():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "État des données des GPO"
    assert "Données de démonstration" in at.info[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tableaux valides"] == "17 / 17"
    table = next(df.value for df in at.dataframe)
    assert len(table) == 17
    assert set(table["État"]) == {"Valide"}
    assert table.loc[table["Secteur"] == "Forbach – Bellevue-Wiesberg", "CSP"].item() == "Forbach"
