"""The meetings timeline at national size: annotations given in one list, at most 40 rows (the GPO most behind on
their cadence, the count in the title), and a figure under 600 KB at 17, 170 and 2,000 sectors."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import plotly.graph_objects as go
import pytest

from charts.meetings_charts import MAX_ROWS, MISSED_LABEL, meetings_timeline, timeline_rows
from domain.reference import default_reference
from synthetic_reference import cloned_reference, synthetic_meetings

AS_OF = dt.date(2026, 11, 25)
WINDOW_START = dt.date(2026, 5, 25)


@pytest.fixture
def no_annotation_one_by_one(monkeypatch):
    """Fails the test if the figure adds an annotation or a shape one at a time (quadratic in plotly)."""
    calls = []
    monkeypatch.setattr(go.Figure, "add_annotation", lambda self, *a, **k: calls.append("add_annotation"))
    monkeypatch.setattr(go.Figure, "add_shape", lambda self, *a, **k: calls.append("add_shape"))
    yield calls
    assert calls == []


def test_hundreds_of_annotations_and_missed_periods_in_one_list(no_annotation_one_by_one):
    ref = cloned_reference(default_reference(), 200)
    sector_ids = list(ref.sectors)
    meetings, summaries = synthetic_meetings(sector_ids)
    for sid in sector_ids[:160]:  # 160 GPO not yet constituted, each with its grey note
        summaries[sid] = replace(summaries[sid], constitution=replace(summaries[sid].constitution, status="not_yet"),
                                 late=None)
    missed = sum(len(s.missed_periods) for s in summaries.values())
    fig = meetings_timeline(meetings, summaries, ref, sector_ids, AS_OF, WINDOW_START, max_rows=len(sector_ids))
    texts = [a.text for a in fig.layout.annotations]
    not_yet = sum(s.constitution.status == "not_yet" for s in summaries.values())
    assert not_yet >= 160 and texts.count("<i>Pas encore constitué</i>") == not_yet
    assert len(texts) == not_yet + 1
    assert texts[-1] == "Date de référence : 25/11/2026"
    assert len(fig.layout.shapes) == 1  # the reference date's line
    bands = next(t for t in fig.data if t.name == MISSED_LABEL)
    assert len(bands.y) == missed
    assert len(fig.layout.yaxis.categoryarray) == 200


def test_at_151_missed_periods_the_figure_is_built_in_one_pass(no_annotation_one_by_one):
    ref = cloned_reference(default_reference(), 300)
    sector_ids = list(ref.sectors)
    meetings, summaries = synthetic_meetings(sector_ids)
    assert sum(len(s.missed_periods) for s in summaries.values()) >= 151
    fig = meetings_timeline(meetings, summaries, ref, sector_ids, AS_OF, WINDOW_START, max_rows=300)
    assert len(next(t for t in fig.data if t.name == MISSED_LABEL).y) >= 151


@pytest.mark.parametrize("n", [17, 170, 2000])
def test_the_timeline_stays_under_600_kb(n):
    ref = cloned_reference(default_reference(), n)
    sector_ids = list(ref.sectors)
    meetings, summaries = synthetic_meetings(sector_ids)
    fig = meetings_timeline(meetings, summaries, ref, sector_ids, AS_OF, WINDOW_START)
    assert len(fig.to_json().encode("utf-8")) < 600_000
    rows = list(fig.layout.yaxis.categoryarray)
    assert len(rows) == min(n, MAX_ROWS)
    markers = [name for t in fig.data if t.type == "scatter" for name in t.y]
    assert set(markers) <= set(rows)
    if n <= MAX_ROWS:
        assert fig.layout.title.text is None
        assert rows == [ref.sectors[s].name for s in sector_ids]  # reference order, every GPO
    else:
        count = f"{n:,}".replace(",", "\u202f")  # 2 000, with the French narrow space
        assert fig.layout.title.text == (f"Les 40 GPO les plus en retard sur leur cadence, sur {count} choisis : "
                                         "choisissez une CSP ou un secteur pour voir les autres.")


def test_beyond_40_gpo_the_most_behind_come_first():
    ref = cloned_reference(default_reference(), 170)
    sector_ids = list(ref.sectors)
    _, summaries = synthetic_meetings(sector_ids)
    chosen = timeline_rows(summaries, sector_ids)
    assert len(chosen) == MAX_ROWS
    late = [s for s in sector_ids if summaries[s].late]
    assert len(late) > MAX_ROWS  # all rows are late GPO, the longest without a held meeting first
    assert all(summaries[s].late for s in chosen)
    days = [summaries[s].days_since_last for s in chosen]
    assert days == sorted(days, reverse=True)
    longest = max(summaries[s].days_since_last for s in late)
    assert days[0] == longest
    assert timeline_rows(summaries, sector_ids[:17]) == sector_ids[:17]  # few GPO: all, in the given order
