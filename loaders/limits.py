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


def human_size(n: int) -> str:
    """A byte count the way a French user reads it: "1,5 Mo"."""
    for unit, size in (("Go", 1024**3), ("Mo", 1024**2), ("ko", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}".replace(".", ",")
    return f"{n} octets"
