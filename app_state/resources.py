"""What every session of the server shares: the reference (sectors, communes) and the store, opened once."""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from app_state.config import auth_mode
from domain.reference import Reference, default_reference
from store.database import open_store
from store.demo_seed import seed_demo


@st.cache_resource
def reference() -> Reference:
    return default_reference()


@st.cache_resource(show_spinner="Ouverture de la base et chargement des données de démonstration…")
def store() -> sa.Engine:
    """The store (GPO_DATABASE_URL), migrated; an empty one is seeded with the sample trackers."""
    engine = open_store()
    if auth_mode() == "off":  # with authentication on, a real deployment never falls back to demo data
        seed_demo(engine, reference())
    return engine
