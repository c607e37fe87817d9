"""Table definitions, versioned: a new version appends a migration, never edits an old one.

The row tables (meetings, problems, actions, diagnostics, partners) are generated from `domain.tracker_schema`;
migration 1 creates them as declared, so a declared change reaches an existing store only through a new migration
(README, « Développement »).
"""

from __future__ import annotations

import sqlalchemy as sa

from domain.tracker_schema import SHEETS, Column, Kind, SheetSchema

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)

# The uploaded file itself, by content: kept forever, downloadable from the import history.
raw_files = sa.Table(
    "raw_files", metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("first_seen_at", sa.DateTime, nullable=False),
)

imports = sa.Table(
    "imports", metadata,
    sa.Column("import_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sector_id", sa.String(64), nullable=False, index=True),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("raw_files.sha256"), nullable=False),
    sa.Column("imported_by", sa.String(120), nullable=False),
    sa.Column("imported_at", sa.DateTime, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),  # reference date the file was validated against
    sa.Column("meetings_read", sa.Integer, nullable=False),
    sa.Column("meetings_accepted", sa.Integer, nullable=False),
    sa.Column("problems_read", sa.Integer, nullable=False),
    sa.Column("problems_accepted", sa.Integer, nullable=False),
    sa.Column("actions_read", sa.Integer, nullable=False),
    sa.Column("actions_accepted", sa.Integer, nullable=False),
    sa.Column("errors", sa.Integer, nullable=False),
    sa.Column("warnings", sa.Integer, nullable=False),
    sa.Column("demo", sa.Boolean, nullable=False, default=False),
    # The optional sheets (migration 4): 0 for the imports made before them, which had none.
    *(sa.Column(f"{key}_{kind}", sa.Integer, nullable=False, server_default="0")
      for key in ("diagnostics", "partners") for kind in ("read", "accepted")),
)
# Columns added to `imports` after migration 1 (migration 4 adds them to an older store; see store.database).
LATER_IMPORT_COUNTERS = ("diagnostics_read", "diagnostics_accepted", "partners_read", "partners_accepted")

import_issues = sa.Table(
    "import_issues", metadata,
    sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.import_id"), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("severity", sa.String(10), nullable=False),
    sa.Column("code", sa.String(40), nullable=False),
    sa.Column("sheet", sa.String(20)),
    sa.Column("row", sa.Integer),
    sa.Column("column_label", sa.String(80)),
    sa.Column("value", sa.Text),
    sa.Column("message", sa.Text, nullable=False),
)

# Rejected lines, as typed, so nothing the animator wrote is lost.
rejected_rows = sa.Table(
    "rejected_rows", metadata,
    sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.import_id"), nullable=False, index=True),
    sa.Column("sheet", sa.String(20), nullable=False),
    sa.Column("source_row", sa.Integer, nullable=False),
    sa.Column("cells_json", sa.Text, nullable=False),
)


# The row tables: one per declared sheet, one SQL column per frame column, plus the import the row belongs to.
_KIND_SQL: dict[Kind, type[sa.types.TypeEngine]] = {
    Kind.DATE: sa.Date, Kind.BOOL: sa.Boolean, Kind.INT: sa.Integer, Kind.LINE: sa.Integer,
    Kind.TEXT: sa.Text, Kind.REF: sa.Text, Kind.COMMUNE: sa.Text, Kind.INSEE: sa.Text, Kind.PARTNER: sa.Text,
    Kind.VOCAB: sa.Text, Kind.SECTOR: sa.Text,
}


def sql_type(column: Column) -> sa.types.TypeEngine:
    """The column's SQL type: by kind, text bounded by the declared `length` (VARCHAR) when there is one."""
    return sa.String(column.length) if column.length is not None else _KIND_SQL[column.kind]()


def row_table(schema: SheetSchema, meta: sa.MetaData) -> sa.Table:
    return sa.Table(
        schema.key, meta,
        sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.import_id"), nullable=False, index=True),
        *(sa.Column(c.field, sql_type(c), nullable=c.nullable) for c in schema.frame_columns),
    )


ROW_TABLES = {key: row_table(schema, metadata) for key, schema in SHEETS.items()}
meetings, problems, actions = ROW_TABLES["meetings"], ROW_TABLES["problems"], ROW_TABLES["actions"]
diagnostics, partners = ROW_TABLES["diagnostics"], ROW_TABLES["partners"]
