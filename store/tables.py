"""Table definitions, versioned: a new version appends a migration, never edits an old one."""

from __future__ import annotations

import sqlalchemy as sa

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
)

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


def _row_columns() -> list[sa.Column]:
    return [
        sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.import_id"), nullable=False, index=True),
        sa.Column("sector_id", sa.String(64), nullable=False),
    ]


def _source() -> list[sa.Column]:
    return [sa.Column("source_file", sa.String(255), nullable=False), sa.Column("source_row", sa.Integer, nullable=False)]


meetings = sa.Table(
    "meetings", metadata, *_row_columns(),
    sa.Column("meeting_date", sa.Date, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("mayor_present", sa.Boolean),
    sa.Column("municipal_police_present", sa.Boolean),
    sa.Column("national_police_present", sa.Boolean),
    sa.Column("other_partners", sa.Text),
    sa.Column("attendees", sa.Integer),
    sa.Column("notes", sa.Text),
    *_source(),
)

problems = sa.Table(
    "problems", metadata, *_row_columns(),
    sa.Column("problem_id", sa.String(64), nullable=False),
    sa.Column("reported_on", sa.Date, nullable=False),
    sa.Column("commune_insee", sa.String(5)),
    sa.Column("commune_name", sa.String(120)),
    sa.Column("location", sa.Text),
    sa.Column("category", sa.String(120), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("reported_by", sa.Text),
    sa.Column("priority", sa.String(10)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("due_on", sa.Date),
    sa.Column("resolved_on", sa.Date),
    *_source(),
)

actions = sa.Table(
    "actions", metadata, *_row_columns(),
    sa.Column("action_id", sa.String(64), nullable=False),
    sa.Column("problem_id", sa.String(64), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("partner", sa.Text, nullable=False),
    sa.Column("partner_type", sa.String(30)),
    sa.Column("started_on", sa.Date),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("done_on", sa.Date),
    sa.Column("comment", sa.Text),
    *_source(),
)

ROW_TABLES = {"meetings": meetings, "problems": problems, "actions": actions}
