"""Which sectors a tracker file holds rows for, read from the file itself (see `domain.raw_file_access`).

The file is loaded again with no sector imposed, so every sector it names shows:
the groups of a "Secteur" column, the sector of its "Secteur" sheet or of its name,
rows that a sheet-given sector rejected as another sector's (`sector_mismatch`),
and rows whose sector is unknown (`row_sector_unknown`, or an empty Secteur
cell). A file that names no sector at all holds the rows of the sector it was
imported into. A file that cannot be read any more counts as holding unknown rows:
when in doubt, the original goes only to those who may read everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.issue_catalogue import ERROR
from domain.raw_file_access import FileSectors
from domain.reference import Reference
from loaders.tracker_loader import load

_NO_SECTOR_NAMED = {"sector_not_found"}  # the file names no sector: its rows are those of the import's sector


def file_sectors(data: bytes, file_name: str, *, reference: Reference, imported_into: Iterable[str] = ()) -> FileSectors:
    """The sectors `data` holds rows for, plus `imported_into` (the sectors the store filed it under)."""
    sectors = set(imported_into)
    unassigned = False
    for result in load(data, filename=file_name, reference=reference):
        file_errors = {i.code for i in result.issues if i.row is None and i.severity == ERROR}
        if result.sector_id is not None:
            sectors.add(result.sector_id)
        elif file_errors - _NO_SECTOR_NAMED or any(i.row is not None for i in result.issues) \
                or any(c.rows_read for c in result.counts.values()):
            unassigned = True
        for issue in result.issues:
            if issue.code == "row_sector_unknown":
                unassigned = True
            elif issue.code == "sector_mismatch":
                named = reference.match_sector(issue.value or "")
                if named is None:
                    unassigned = True
                else:
                    sectors.add(named.sector_id)
    return FileSectors(frozenset(sectors), unassigned)
