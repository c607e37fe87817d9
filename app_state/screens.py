"""Briefing screens: the kiosk layout (?ecran=1), the slideshow, its interval from the address, and fragments that
refresh themselves with the sign-in checked on every tick."""

from __future__ import annotations

import functools
import time

import streamlit as st

import incidents
from app_state.auth import recheck_signed_in
from domain.formatting import fr_int

_KIOSK_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], footer { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 1.5vh 2.5vw 0 2.5vw !important; max-width: 100% !important; }
</style>
"""

# The slideshow's three big buttons only (Streamlit gives a keyed widget's container the class st-key-<key>): the
# other buttons of the page (the meeting pack, the compte rendu's) keep their ordinary size.
_SLIDE_BUTTON_CSS = """
<style>
{buttons} {{ min-height: 8vh; }}
{texts} {{ font-size: 3vh; font-weight: 600; }}
{icons} {{ font-size: 3.6vh; }}
</style>
"""


def _slide_button_css(key: str) -> str:
    containers = [f".st-key-{key}_{name} .stButton button" for name in ("prev", "pause", "next")]
    return _SLIDE_BUTTON_CSS.format(buttons=", ".join(containers), texts=", ".join(f"{c} p" for c in containers),
                                    icons=", ".join(f'{c} [data-testid="stIconMaterial"]' for c in containers))


def kiosk_css() -> None:
    st.html(_KIOSK_CSS)


def live_fragment(run_every: int):
    """`st.fragment(run_every=…)` for screens that refresh themselves, with the sign-in checked on every tick.

    A tick reruns only the fragment, never dashboard.py: so the fragment itself
    re-reads the account (disabled, role changed), the session's age and the
    screen's token before it reads any data. When they no longer hold, the whole
    app reruns, and dashboard.py shows the login screen instead of the page.
    """
    def decorate(body):
        @functools.wraps(body)
        def checked() -> None:
            recheck_signed_in()
            body()

        return st.fragment(run_every=run_every)(incidents.fragment(checked))  # a failing tick: a French incident

    return decorate


def slideshow(key: str, count: int, interval_s: int, render) -> None:
    """Slide number handling shared by the meeting screen and the rotation.

    `render(index)` draws slide `index` (0 ≤ index < count). Slides advance by
    themselves every `interval_s` seconds unless paused; the big buttons move
    by one and restart the clock. The index is kept modulo `count`, so a slide
    list that shrinks after a new import never points past its end.
    """
    state = st.session_state
    state.setdefault(f"{key}_index", 0)
    state.setdefault(f"{key}_auto", True)
    state.setdefault(f"{key}_changed_at", time.monotonic())
    now = time.monotonic()
    if state[f"{key}_auto"] and now - state[f"{key}_changed_at"] >= interval_s * 0.9:
        state[f"{key}_index"] += 1
        state[f"{key}_changed_at"] = now
    index = state[f"{key}_index"] % max(count, 1)
    render(index)

    def move(step: int) -> None:
        state[f"{key}_index"] = (state[f"{key}_index"] % max(count, 1)) + step
        state[f"{key}_changed_at"] = time.monotonic()

    def toggle() -> None:
        state[f"{key}_auto"] = not state[f"{key}_auto"]
        state[f"{key}_changed_at"] = time.monotonic()

    st.html(_slide_button_css(key))
    left, middle, right = st.columns([2, 3, 2])
    left.button("Précédent", key=f"{key}_prev", icon=":material/chevron_left:", on_click=incidents.callback(move),
                args=(-1,), width="stretch")
    playing = state[f"{key}_auto"]
    middle.button(f"{'Pause' if playing else 'Défilement automatique'} · {fr_int(index + 1)} / {fr_int(count)}",
                  key=f"{key}_pause", icon=":material/pause:" if playing else ":material/play_arrow:",
                  on_click=incidents.callback(toggle), width="stretch")
    right.button("Suivant", key=f"{key}_next", icon=":material/chevron_right:", icon_position="right",
                 on_click=incidents.callback(move), args=(1,), width="stretch")


def interval_from_url(default: int) -> int:
    """?intervalle=N seconds between slides, kept between 10 s and 10 min."""
    try:
        return min(max(int(st.query_params.get("intervalle", default)), 10), 600)
    except ValueError:
        return default
