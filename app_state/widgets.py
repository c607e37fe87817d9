"""Small pieces every page draws the same way: grid column widths, the demo banner, the notice of old data, the
French words of the file uploader and the room above a page's title."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_state.data import has_demo_data, last_imports
from app_state.resources import reference
from domain.formatting import fr_date
from domain.indicators.freshness import freshness as freshness_of
from domain.safe_text import md_escape


def grid_columns(table, widths: dict[str, int], typed: dict | None = None) -> dict:
    """`column_config` for st.dataframe: each of the table's columns at its width in pixels (the grid does not wrap
    text: widths decide what fits on a screen), with the type and format `typed` gives some of them."""
    typed = typed or {}
    return {name: {**typed.get(name, st.column_config.Column()), "width": width}
            for name, width in widths.items() if name in table.columns}


def demo_banner() -> None:
    if has_demo_data():
        st.warning("**Données de démonstration** : tableaux fictifs fournis avec l'application. Ils seront remplacés "
                   "secteur par secteur à mesure que les animateurs importent leurs tableaux.",
                   icon=":material/science:")


def stale_notice(sector_ids: list[str], as_of: dt.date) -> None:
    """Said on every view that uses the data: sectors whose data are older than their GPO's cadence."""
    fresh = freshness_of(reference(), last_imports(), as_of)
    stale = [fresh[s] for s in sector_ids if fresh[s].stale]
    if not stale:
        return
    names = ", ".join(f"{reference().sectors[f.sector_id].name} ({'aucun import' if f.last_import is None else 'import du ' + fr_date(f.last_import)})"
                      for f in stale)
    st.warning(f"**Données anciennes** pour {len(stale)} secteur(s), plus vieilles que la cadence de leur GPO : {md_escape(names)}.",
               icon=":material/schedule:")


# Streamlit writes its file uploader's own words in English; these rules put French ones in their place.
# Static CSS only: no user text is ever rendered as HTML.
_FRENCH_UPLOADER_CSS = """
<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after { content: "Parcourir"; }
[data-testid="stFileUploaderDropzoneInstructions"] span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "Glissez-déposez les fichiers ici · 10 Mo au plus par fichier · XLSX, XLSM, ODS, XLS, CSV";
  font-size: 0.875rem; opacity: 0.7;
}
</style>
"""


def french_file_uploader() -> None:
    st.html(_FRENCH_UPLOADER_CSS)


# Streamlit leaves 6rem above a page's title; on a 768-pixel-high laptop screen that is room for a table row or two.
# 4rem still clears the top bar (3.75rem).
_SCREEN_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 4rem; }
</style>
"""


def screen_css() -> None:
    st.html(_SCREEN_CSS)
