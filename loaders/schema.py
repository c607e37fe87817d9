"""Moved to `domain.tracker_schema` (the store needs it too). Kept only so that code written against the old path
still imports; import from `domain.tracker_schema`."""

from domain.tracker_schema import (AUXILIARY_SHEETS, OUTPUT_COLUMNS, SECTOR_COLUMN, SECTOR_KEYS,  # noqa: F401
                                   SECTOR_SHEET_LABEL, SECTOR_SHEET_SYNONYMS, SHEETS, Column, SheetSchema)
