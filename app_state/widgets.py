"""Small pieces every page draws the same way: grid column widths, the demo banner, the notice of old data, the
French words of the file uploader and the room above a page's title."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_state.data import has_demo_data, last_imports
from app_state.resources import reference
from domain.formatting import fr_date, fr_int
from domain.indicators.freshness import freshness as freshness_of
from domain.safe_text import md_escape, visible_frame
from report_tables.paging import PAGE_SIZE, page_caption, page_of

STALE_NAMED = 10  # sectors named in the notice of old data; beyond, their number


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
    named = [f"{reference().sectors[f.sector_id].name} "
             f"({'aucun import' if f.last_import is None else 'import du ' + fr_date(f.last_import)})"
             for f in stale[:STALE_NAMED]]
    if len(stale) > STALE_NAMED:  # a national view may hold hundreds: the count is said, the first ones named
        named.append(f"et {fr_int(len(stale) - STALE_NAMED)} autre(s)")
    st.warning(f"**Données anciennes** pour {fr_int(len(stale))} secteur(s), plus vieilles que la cadence de leur GPO : "
               f"{md_escape(', '.join(named))}.", icon=":material/schedule:")


def paged_table(table, key: str, **options) -> None:
    """`st.dataframe` of a table a page at a time beyond PAGE_SIZE rows, with the count said under it; `options`
    go to st.dataframe (column_config, height…). A browser grid of 90,000 rows would take megabytes and seconds."""
    if len(table) > PAGE_SIZE:
        pages = -(-len(table) // PAGE_SIZE)
        page = st.number_input(f"Page (sur {fr_int(pages)})", min_value=1, max_value=pages, value=1, step=1,
                               key=f"{key}_page")
    else:
        page = 1
    rows, total, _ = page_of(table, page)
    st.dataframe(visible_frame(rows), hide_index=True, width="stretch", key=key, **options)
    if total > PAGE_SIZE:
        st.caption(md_escape(page_caption(page, total)))


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
