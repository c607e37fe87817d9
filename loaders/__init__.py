"""Loaders: sector trackers (xlsx, xlsm, ods, xls, csv) in, normalized frames and issues out.

    from loaders import load
    for result in load("suivi_forbach.xlsx", as_of=date(2026, 11, 25)):
        result.frames["problems"], result.issues, result.counts

Pure: no Streamlit, no database. `python -m loaders --help` for the command line.
"""

from loaders.tracker_loader import SheetCount, TrackerResult, load

__all__ = ["load", "TrackerResult", "SheetCount"]
