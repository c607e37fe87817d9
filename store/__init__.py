"""The store: an embedded database of every import (raw file, record, issues, normalized rows).

SQLAlchemy Core with dialect-neutral statements: SQLite by default, a
PostgreSQL URL later without a rewrite. No Streamlit here.
"""
