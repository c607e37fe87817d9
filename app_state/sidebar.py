"""The filters every page shares: the sidebar (mirrored in the URL), a screen's filters read from its address, the
page preamble, and the hand-over from a link that reached a page file before the navigation existed."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from app_state import keys
from app_state.auth import principal, readable
from app_state.data import demo_reference_date
from app_state.resources import reference
from app_state.widgets import demo_banner, stale_notice
from domain.filters import PERIODS, Filters, from_query, to_query
from domain.reference import Reference
from domain.safe_text import md_escape
from navigation import Page, may_see_page

_FILTER_KEYS = (keys.CSP_WIDGET, keys.SECTOR_WIDGET, keys.AS_OF_WIDGET, keys.PERIOD_WIDGET)
_LOADED = "filters_loaded"  # the URL was read into the widgets once in this session


def shared_filters() -> Filters:
    """The sidebar every page shares, mirrored in the URL so a view can be shared as a link."""
    ref = reference()
    state = st.session_state
    default_as_of = demo_reference_date()
    for key in _FILTER_KEYS:  # Streamlit may drop a widget's state across a page switch: restore it
        if key not in state and f"keep_{key}" in state:
            state[key] = state[f"keep_{key}"]
    if _LOADED in state and state.get(keys.SECTOR_WIDGET) and not state.get(keys.CSP_WIDGET):
        state[keys.CSP_WIDGET] = ref.sectors[state[keys.SECTOR_WIDGET]].csp_id
    if _LOADED not in state:
        start = from_query(dict(st.query_params), ref, default_as_of, readable())
        # "" stands for "all": a None option would read as "nothing chosen" in a selectbox
        state.update({keys.CSP_WIDGET: start.csp_id or "", keys.SECTOR_WIDGET: start.sector_id or "",
                      keys.AS_OF_WIDGET: start.as_of, keys.PERIOD_WIDGET: start.period_months, _LOADED: True})
    bar = st.sidebar
    bar.header("Filtres")
    allowed = readable()
    csps = [c for c in ref.csps if allowed is None or any(s.csp_id == c for s in ref.sectors.values() if s.sector_id in allowed)]
    if state.get(keys.CSP_WIDGET) not in ["", *csps]:
        state[keys.CSP_WIDGET] = ""
    csp_id = bar.selectbox("Circonscription", ["", *csps], key=keys.CSP_WIDGET,
                           format_func=lambda c: f"CSP de {ref.csps[c].name}" if c else
                           f"Tout le département ({ref.departement.nom})") or None
    choices = ["", *(s.sector_id for s in ref.sectors.values() if csp_id in (None, s.csp_id)
                     and (allowed is None or s.sector_id in allowed))]
    if state.get(keys.SECTOR_WIDGET) not in choices:
        state[keys.SECTOR_WIDGET] = ""
    sector_id = bar.selectbox("Secteur", choices, key=keys.SECTOR_WIDGET,
                              format_func=lambda s: ref.sectors[s].name if s else "Tous les secteurs") or None
    as_of = bar.date_input("Date de référence", key=keys.AS_OF_WIDGET, format="DD/MM/YYYY")
    period = bar.selectbox("Période", list(PERIODS), key=keys.PERIOD_WIDGET, format_func=PERIODS.get)
    for key in _FILTER_KEYS:
        state[f"keep_{key}"] = state[key]
    filters = Filters(csp_id, sector_id, as_of, period, allowed)
    query = to_query(filters, default_as_of)
    current = {k: st.query_params[k] for k in st.query_params}
    for key in current.keys() - query.keys() - {"jeton"}:  # a screen's token stays: a reload keeps it signed in
        del st.query_params[key]
    for key, value in query.items():
        if current.get(key) != value:
            st.query_params[key] = value
    return filters


def is_kiosk() -> bool:
    """Briefing screens open the app with ?ecran=1: no navigation, no sidebar, large type."""
    return st.query_params.get("ecran") == "1"


def kiosk_filters() -> Filters:
    """Filters read from the URL only (a screen has no keyboard); the date follows today, or the demo data."""
    return from_query(dict(st.query_params), reference(), demo_reference_date(), readable())


def keep_filters(filters: Filters) -> None:
    """dashboard.py, before the page runs: the filters of this run (the sidebar's, or a screen's address)."""
    st.session_state[keys.FILTERS] = filters


def choose_sector(sector_id: str) -> None:
    """Point the shared filters at one sector. Call it from a widget callback (before the sidebar is drawn)."""
    ref = reference()
    if sector_id in ref.sectors:
        st.session_state[keys.CSP_WIDGET] = ref.sectors[sector_id].csp_id
        st.session_state[keys.SECTOR_WIDGET] = sector_id


def page_filters(page: Page) -> Filters:
    """The shared filters, for a page. Ensures the entry script ran first.

    Because the pages live in a `pages/` folder, a fresh server that receives a
    link straight to a page (`/reunions?secteur=…`) runs that page file alone,
    before any session has set up `st.navigation`. Then the page hands over to
    `dashboard.py` (navigation, sidebar), which comes straight back to it with
    the link's parameters.
    """
    if keys.FILTERS not in st.session_state:
        params = {k: st.query_params[k] for k in st.query_params}
        st.session_state[keys.RESUME_PAGE] = (page.path, params)
        st.switch_page("dashboard.py", query_params=params or None)
    return st.session_state[keys.FILTERS]


def resume_requested_page() -> None:
    """Called by dashboard.py once navigation and filters exist: go back to the page a link asked for."""
    resume = st.session_state.pop(keys.RESUME_PAGE, None)
    if resume and may_see_page(principal(), resume[0]):  # a page the role may not see has no address: stay
        page_path, params = resume
        st.switch_page(page_path, query_params=params or None)


@dataclass(frozen=True)
class PageView:
    """What a page is about: the reference, the shared filters and the sectors they select (never one the user may
    not read); `subtitle`, when asked for, is the place right under the title for a caption."""

    reference: Reference
    filters: Filters
    sector_ids: list[str]
    subtitle: DeltaGenerator | None = None


def page_header(page: Page, title: str, *, subtitle: bool = False, banner: bool = True, stale: bool = True) -> PageView:
    """The preamble of a data page: its filters, its title, the room for a caption (`subtitle`), the demo banner
    (`banner`) and the notice of sectors whose data are old (`stale`)."""
    filters = page_filters(page)
    ref = reference()
    sector_ids = filters.sector_ids(ref)
    st.title(md_escape(title))
    slot = st.container() if subtitle else None
    if banner:
        demo_banner()
    if stale:
        stale_notice(sector_ids, filters.as_of)
    return PageView(ref, filters, sector_ids, slot)
