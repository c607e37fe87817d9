"""Who may download an import's file as it was uploaded, and who gets only their sector's extract.

The store keeps one raw file per content (SHA-256), shared by every sector a
multi-sector workbook was split into. Handing that file to the animateur of one
of its sectors would hand him the others' rows. Pure: the sectors a file holds
are found by `loaders.file_sectors`; the reader's sectors by `domain.access`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class FileSectors:
    """What a file holds: rows of these known sectors, and maybe rows no known sector can be tied to."""

    sectors: frozenset[str]
    unassigned_rows: bool = False  # a "Secteur" cell naming no known sector, or content that can no longer be read


def original_allowed(content: FileSectors, readable: Collection[str] | None, all_sectors: Collection[str]) -> bool:
    """Whether a reader of `readable` sectors (None: every sector) may have the original file.

    Only someone who may read every sector in it; rows of an unknown sector are
    for someone who reads every sector of the département.
    """
    if readable is None:
        return True
    allowed = set(readable)
    if not content.sectors <= allowed:
        return False
    return not content.unassigned_rows or set(all_sectors) <= allowed


EXTRACT_NOTICE = "Ce fichier contenait aussi d'autres secteurs : vous recevez l'extrait de votre secteur ({rows} lignes)."
