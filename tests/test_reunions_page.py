"""Page « Réunions » through AppTest on the demo store, and its chart builders: what a director sees."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from charts.meetings_charts import MISSED_LABEL, attendance_chart, meetings_timeline
from theme.palette import MEETING_STATUS_COLOURS
from domain.indicators.meetings import cadence_summary
from domain.reference import default_reference
from indicator_frames import frame

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
RATE = re.compile(r"^\d+\u202f% \(\d+/\d+\)$")


def open_page(app):
    app.run()
    app.switch_page("pages/reunions.py").run()
    assert not app.exception
    return app


def cadence_table(app):
    return next(df.value for df in app.dataframe if "Respect de la cadence" in df.value.columns).set_index("Secteur")


def timeline_spec(app) -> dict:
    charts = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    return next(c for c in charts if any(t.get("name") == "Tenue" for t in c["data"]))


def test_the_demo_store_shows_every_gpo_and_its_cadence(app):
    open_page(app)
    assert app.title[0].value == "Réunions des GPO"
    assert "Données de démonstration" in app.warning[0].value
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["GPO constitués"] == "14 / 17"
    assert metrics["GPO en retard sur leur cadence"] == "1 / 14"
    assert RATE.match(metrics["Respect moyen de la cadence"]) and RATE.match(metrics["Réunions avec le socle complet"])
    table = cadence_table(app)
    assert len(table) == 17
    # Marly (monthly) last met on 08/09/2026: 78 days before the demo reference date 25/11/2026, past 31 + 7
    assert table.loc["Marly", ["En retard", "Dernière réunion tenue", "Jours depuis"]].tolist() == ["Oui", "08/09/2026", "78"]
    assert (table["En retard"] == "Oui").sum() == 1
    assert table.loc["Behren-lès-Forbach", ["Constitution", "Respect de la cadence", "En retard"]].tolist() == [
        "Pas encore constitué", "–", "–"]
    assert table.loc["Fameck – Florange", "Constitution"] == "Programmée le 14/12/2026"
    assert all(RATE.match(v) for v in table.loc["Marly", ["Respect de la cadence", "Socle présent"]])
    assert "Behren-lès-Forbach : pas encore constitué" in " ".join(m.value for m in app.markdown)
    assert "au moins une réunion tenue" in " ".join(c.value for c in app.caption)
    assert len(timeline_spec(app)["layout"]["yaxis"]["categoryarray"]) == 17


def test_a_csp_in_the_url_keeps_only_its_sectors_everywhere(app):
    app.query_params["csp"] = "forbach"
    open_page(app)
    names = ["Forbach – Bellevue-Wiesberg", "Stiring-Wendel", "Behren-lès-Forbach"]
    assert cadence_table(app).index.tolist() == names
    assert timeline_spec(app)["layout"]["yaxis"]["categoryarray"] == names
    assert {m.label: m.value for m in app.metric}["GPO constitués"] == "2 / 3"


def test_a_sector_not_yet_constituted_says_so(app):
    app.query_params.update({"csp": "forbach", "secteur": "behren"})
    open_page(app)
    assert "Aucun GPO constitué" in app.info[0].value
    assert cadence_table(app).loc["Behren-lès-Forbach", "Constitution"] == "Pas encore constitué"
    metrics = {m.label: m.value for m in app.metric}
    assert (metrics["GPO constitués"], metrics["Respect moyen de la cadence"]) == ("0 / 1", "–")
    assert not app.get("plotly_chart")  # no meeting to draw


def test_the_reference_date_changes_every_figure(app):
    app.query_params["date"] = "2026-10-01"  # the sidebar's « Date de référence », as a shared link sets it
    open_page(app)
    table = cadence_table(app)
    # on 01/10 Marly had met 23 days before: not late yet; Fameck's constitution was still ahead
    assert table.loc["Marly", ["En retard", "Jours depuis"]].tolist() == ["Non", "23"]
    assert {m.label: m.value for m in app.metric}["GPO en retard sur leur cadence"] == "0 / 14"
    assert "Date de référence : 01/10/2026" in json.dumps(timeline_spec(app)["layout"]["annotations"], ensure_ascii=False)


# --- chart builders -------------------------------------------------------------------------------------------------

AS_OF = dt.date(2026, 11, 25)


def demo_like_meetings():
    row = lambda sid, day, status: {"sector_id": sid, "meeting_date": day, "kind": "ordinary", "status": status,  # noqa: E731
                                    "mayor_present": True, "municipal_police_present": True, "national_police_present": None}
    return frame("meetings", [
        row("marly", dt.date(2026, 6, 9), "held"), row("marly", dt.date(2026, 7, 14), "cancelled"),
        row("marly", dt.date(2026, 9, 8), "held"), row("marly", dt.date(2026, 12, 8), "planned"),
        row("sarrebourg", dt.date(2026, 6, 16), "postponed"), row("sarrebourg", dt.date(2026, 6, 23), "held"),
        row("sarrebourg", dt.date(2026, 11, 12), "held"),
    ])


def test_the_timeline_has_one_row_per_gpo_status_colours_and_missed_periods():
    ref = default_reference()
    sector_ids = ["marly", "sarrebourg", "behren"]
    data = demo_like_meetings()
    summaries = {s: cadence_summary(ref.sectors[s], data[data["sector_id"] == s], AS_OF) for s in sector_ids}
    fig = meetings_timeline(data, summaries, ref, sector_ids, AS_OF, dt.date(2026, 5, 25))
    assert list(fig.layout.yaxis.categoryarray) == ["Marly", "Sarrebourg", "Behren-lès-Forbach"]
    markers = {t.name: t for t in fig.data if t.type == "scatter"}
    assert set(markers) == {"Tenue", "Prévue", "Annulée", "Reportée"}
    for status, label in (("held", "Tenue"), ("planned", "Prévue"), ("cancelled", "Annulée"), ("postponed", "Reportée")):
        assert markers[label].marker.color == MEETING_STATUS_COLOURS[status]
    assert list(markers["Tenue"].y) == ["Marly", "Marly", "Sarrebourg", "Sarrebourg"]
    bands = next(t for t in fig.data if t.name == MISSED_LABEL)
    # Marly: May, July, August, October without a held meeting; Sarrebourg: May, then July to October
    assert list(bands.y).count("Marly") == 4 and list(bands.y).count("Sarrebourg") == 5
    assert "Période sans réunion tenue : du 01/07/2026 au 31/07/2026" in bands.hovertext[1]
    assert fig.layout.xaxis.tickformat == "%d/%m/%Y"
    texts = [a.text for a in fig.layout.annotations]
    assert "Date de référence : 25/11/2026" in texts and "<i>Pas encore constitué</i>" in texts
    assert fig.layout.height >= 60 * 3


def test_the_attendance_chart_shows_shares_with_their_counts():
    fig = attendance_chart({"mairie": 12, "police_municipale": 10, "police_nationale": 14, "bailleur": 3, "commerce": 0}, 14)
    bar = fig.data[0]
    assert list(bar.y) == ["Mairie", "Police municipale", "Police nationale", "Bailleur"]
    assert list(bar.text) == ["86\u202f% (12/14)", "71\u202f% (10/14)", "100\u202f% (14/14)", "21\u202f% (3/14)"]
