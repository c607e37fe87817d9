"""When did the trackers last record something? (the demo's reference date, data freshness)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from loaders.tracker_loader import TrackerResult

# Dates that say something happened (planned meetings and deadlines are in the future by nature).
_EVENT_COLUMNS = {"problems": ("reported_on", "resolved_on"), "actions": ("started_on", "done_on")}


def latest_activity(results: list[TrackerResult], default: dt.date | None = None) -> dt.date:
    """The newest held meeting, report, resolution, start or completion date across `results`."""
    found: list[pd.Timestamp] = []
    for result in results:  # an empty frame has the declared dtypes too: its max is NaT
        meetings = result.frames["meetings"]
        found.append(meetings.loc[meetings["status"] == "held", "meeting_date"].max())
        for key, columns in _EVENT_COLUMNS.items():
            for column in columns:
                found.append(result.frames[key][column].max())
    dates = [d for d in found if pd.notna(d)]
    return max(dates).date() if dates else (default or dt.date.today())
