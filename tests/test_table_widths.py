"""Every column of the wide tables has a width, and the columns a reader needs first fit a laptop screen.

904 pixels: what a grid gets on a 1366-pixel-wide screen with the sidebar open (measured in Chromium by
tests/browser/test_screen_layout.py, which checks the real screen; this is the quick check).
"""

import pytest

from report_tables.meetings import TABLE_COLUMNS, TABLE_WIDTHS
from report_tables import overdue
from report_tables.sector_ranking import MAP_METRICS, ranking_widths

LAPTOP_GRID = 904


def test_every_column_has_a_width():
    assert set(overdue.WIDTHS) == set(overdue.COLUMNS)
    assert set(TABLE_WIDTHS) == set(TABLE_COLUMNS)


@pytest.mark.parametrize("columns,widths,needed", [
    (overdue.COLUMNS, overdue.WIDTHS, ["Jours de retard", "Échéance", "Partenaire", "Action"]),
    (list(TABLE_COLUMNS), TABLE_WIDTHS, ["Secteur", "En retard", "Jours depuis", "Dernière réunion tenue",
                                         "Respect de la cadence", "Socle présent"]),
])
def test_needed_columns_come_first_and_fit_a_laptop(columns, widths, needed):
    assert columns[:len(needed)] == needed
    assert sum(widths[c] for c in needed) <= LAPTOP_GRID


@pytest.mark.parametrize("metric", list(MAP_METRICS))
def test_ranking_fits_a_laptop_but_its_csp_column(metric):
    widths = ranking_widths(metric)
    assert list(widths)[-1] == "CSP"
    assert sum(widths.values()) - widths["CSP"] <= LAPTOP_GRID
    assert widths[MAP_METRICS[metric][0]] >= 8 * len(MAP_METRICS[metric][0])  # room for the header
