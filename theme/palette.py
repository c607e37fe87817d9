"""One colour-blind-safe palette for every page (Okabe–Ito, ColorBrewer scales).

A status has the same colour on every chart and map: a director who learnt
"vermillion = en retard" on one page reads it the same way everywhere.
"""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the
# common forms of colour blindness.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#999999"

OVERDUE_COLOUR = VERMILLION

PROBLEM_STATUS_COLOURS: dict[str, str] = {
    "open": ORANGE,
    "in_progress": SKY_BLUE,
    "resolved": BLUISH_GREEN,
    "dropped": GREY,
}

ACTION_STATUS_COLOURS: dict[str, str] = {
    "todo": ORANGE,
    "in_progress": SKY_BLUE,
    "done": BLUISH_GREEN,
    "dropped": GREY,
}

MEETING_STATUS_COLOURS: dict[str, str] = {
    "held": BLUISH_GREEN,
    "planned": BLUE,
    "cancelled": VERMILLION,
    "postponed": REDDISH_PURPLE,
}

# A GPO's cycle (domain.indicators.cycle): green while the bilan is not due, orange when it is due within 60 days,
# vermillion once overdue (as every « en retard »), and a colour of its own for a sector without any diagnostic —
# neither grey (« no data ») nor green: it is never « on time ».
CYCLE_STATUS_COLOURS: dict[str, str] = {
    "on_time": BLUISH_GREEN,
    "due_soon": ORANGE,
    "no_diagnostic": REDDISH_PURPLE,
    "overdue": VERMILLION,
}

# Every status colour in one place; "overdue" is a state, not a stored status,
# but it is drawn like one (vermillion everywhere).
STATUS_COLOURS: dict[str, str] = {
    **PROBLEM_STATUS_COLOURS,
    **ACTION_STATUS_COLOURS,
    **MEETING_STATUS_COLOURS,
    "overdue": OVERDUE_COLOUR,
}

# ColorBrewer OrRd (5 classes, colour-blind safe, prints in greyscale):
# pale = fine, dark red = needs attention. For counts such as overdue actions.
SEQUENTIAL_BAD: list[list[float | str]] = [
    [0.0, "#fef0d9"],
    [0.25, "#fdcc8a"],
    [0.5, "#fc8d59"],
    [0.75, "#e34a33"],
    [1.0, "#b30000"],
]

# Same scale, reverse meaning: for rates where LOW needs attention
# (meeting compliance, resolution rate): low = dark red, high = pale.
SEQUENTIAL_GOOD: list[list[float | str]] = [[round(1.0 - pos, 2), colour] for pos, colour in reversed(SEQUENTIAL_BAD)]

# Communes outside every police sector (gendarmerie zone), sectors with no data, sectors outside the filters.
NO_SECTOR_COLOUR = "#e6e6e6"
NO_DATA_COLOUR = "#bdbdbd"
OUT_OF_SCOPE_COLOUR = "#f5f5f5"  # communes of sectors the filters leave out, drawn for context
SECTOR_OUTLINE_COLOUR = "#4d4d4d"
CSP_OUTLINE_COLOUR = BLACK
COMMUNE_BORDER_COLOUR = "#ffffff"

# Readable on a projector at the back of a briefing room.
FONT: dict[str, object] = {
    "family": "Source Sans Pro, Source Sans, Arial, sans-serif",
    "size": 16,
    "color": "#262730",
}
HOVER_FONT_SIZE = 16

# The pages' own colours (Streamlit's theme, .streamlit/config.toml [theme] repeats them; a test checks they agree).
# Streamlit draws captions and secondary text in the text colour at 60 % opacity: with its default (#31333F) that is
# #828180 on white, a 3.9:1 contrast, under the 4.5:1 of RGAA AA (criterion 3.2). A darker text colour gives
# 5:1 to captions and 18:1 to the text itself.
PAGE_TEXT_COLOUR = "#111318"
PAGE_BACKGROUND_COLOUR = "#ffffff"
PAGE_SECONDARY_BACKGROUND_COLOUR = "#f0f2f6"
# Links, the primary buttons and selected widgets: white on it is 8.6:1; it outlines whatever has the keyboard focus.
PAGE_PRIMARY_COLOUR = "#0b3d91"
FOCUS_COLOUR = PAGE_PRIMARY_COLOUR
