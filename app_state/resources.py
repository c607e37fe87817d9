"""What every session of the server shares: the reference (sectors, communes) and the store, opened once."""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from app_state.config import auth_mode
from domain.reference import REFERENCE_DIR, Reference, default_reference
from store.database import open_store
from store.demo_seed import seed_demo


@st.cache_resource
def reference() -> Reference:
    return default_reference()


@st.cache_resource(show_spinner="Ouverture de la base et chargement des données de démonstration…")
def store() -> sa.Engine:
    """The store (GPO_DATABASE_URL), migrated; an empty one is seeded with the sample trackers."""
    engine = open_store()
    # With authentication on, a real deployment never falls back to demo data; the sample trackers describe the
    # shipped reference's sectors, another département's reference (GPO_REFERENCE_DIR) starts empty.
    if auth_mode() == "off" and reference().directory.resolve() == REFERENCE_DIR.resolve():
        seed_demo(engine, reference())
    return engine
