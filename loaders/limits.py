"""Sizes past which a file is not a tracker but a mistake or an attack. One place to tune them."""

MAX_FILE_BYTES = 10 * 1024 * 1024  # a real tracker is well under 5 MB (server.maxUploadSize is 10 too)
MAX_INFLATED_BYTES = 250 * 1024 * 1024  # a 100,000-row xlsx inflates to ~60 MB
MAX_COMPRESSION_RATIO = 150  # spreadsheet XML compresses 5-30x; bombs 100-1000x
RATIO_CHECK_FLOOR = 8 * 1024 * 1024  # tiny archives may have any ratio
MAX_ZIP_MEMBERS = 2_000
MAX_ROWS = 100_000  # per sheet; the benchmark tracker has 50,000 rows in all
MAX_COLUMNS = 200
HEADER_SEARCH_ROWS = 30  # title, logo and date lines above the header
XML_PROLOG_BYTES = 16 * 1024  # where a DOCTYPE would have to be

# A sheet's cells are counted before it is read (the 50,000-row benchmark has 550,000 in all).
MAX_CELLS = 2_000_000  # per sheet, filled cells (xlsx: cell elements, filled or only formatted)
MAX_CELLS_IN_FILE = 2 * MAX_CELLS  # all sheets together (a 100,000-line tracker has about 2.2 million)
# A reader such as calamine builds the whole rectangle from A1 to the farthest filled cell, at
# about 40 bytes a cell: a sheet is read that way up to column Z and line 100,000 (about 100 MB);
# past that, only the filled cells are read, one by one.
DENSE_CELLS = 26 * 100_000
TOTAL_DENSE_CELLS = 4 * DENSE_CELLS  # all the grids of one workbook together (about 100 MB kept)

# An upload is read in a separate process (loaders/isolated.py) that may use at most this much
# memory above its start (a 10 MB tracker needs about 600 MB) and this long.
READ_MEMORY_BYTES = 1024 * 1024 * 1024
READ_SECONDS = 60


def last_line() -> int:
    """The last Excel line a value may sit on: the data lines plus the title lines above the header."""
    return MAX_ROWS + HEADER_SEARCH_ROWS


def human_size(n: int) -> str:
    """A byte count the way a French user reads it: "1,5 Mo"."""
    for unit, size in (("Go", 1024**3), ("Mo", 1024**2), ("ko", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}".replace(".", ",")
    return f"{n} octets"
