"""No traceback reaches a user: an uncaught error becomes a French message with an incident number.

`guard` wraps a whole page run (dashboard.py), `fragment` the body of an
`st.fragment` (its ticks run without the page), `callback` a widget callback
(it runs before the page). The traceback goes to the server log under the
incident number the user reads out to the administrator. Streamlit's own
control flow (`st.stop`, `st.rerun`, `st.switch_page`) raises BaseException
subclasses and passes through untouched.

`incident_id`, `user_message` and `log_text` are pure; the rest needs a Streamlit run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import secrets
import traceback
from collections.abc import Callable, Iterator

import streamlit as st

LOGGER = logging.getLogger("gpo.incidents")
_PENDING = "incident_pending"  # a callback's incident, shown by the next page run or fragment tick

if not LOGGER.handlers and not logging.getLogger().handlers:
    # `streamlit run` configures only its own loggers: without this, the record would go to Python's bare last resort
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    LOGGER.addHandler(_handler)


def incident_id(when: dt.datetime, token: int) -> str:
    """« 2026-11-26-7F3A »: the day (to find the right log) and four hex digits, easy to read out on the phone."""
    return f"{when:%Y-%m-%d}-{token % 0x10000:04X}"


def new_incident_id() -> str:
    return incident_id(dt.datetime.now(), secrets.randbelow(0x10000))


def user_message(incident: str) -> str:
    return f"Une erreur inattendue est survenue. Incident n° {incident} : communiquez ce numéro à l'administrateur."


def log_text(incident: str, where: str, error: BaseException) -> str:
    """The server log's record: the number first (what the administrator searches for), then the full traceback."""
    trace = "".join(traceback.format_exception(error)).rstrip()
    return f"Incident n° {incident} ({where}) :\n{trace}"


def report(error: BaseException, where: str) -> str:
    """Log the error under a new incident number and return that number."""
    incident = new_incident_id()
    LOGGER.error(log_text(incident, where, error))
    return incident


def _show(incident: str) -> None:
    st.error(user_message(incident), icon=":material/error:")


def _show_pending() -> None:
    for incident in st.session_state.pop(_PENDING, []):
        _show(incident)


@contextlib.contextmanager
def guard(where: str) -> Iterator[None]:
    """Around a whole page run: an Exception ends the run with the French message instead of a traceback."""
    _show_pending()
    try:
        yield
    except Exception as error:  # not BaseException: st.stop/st.rerun/st.switch_page must go through
        _show(report(error, where))


def fragment(func: Callable) -> Callable:
    """Under `@st.fragment`: the fragment's own reruns (timer ticks, its buttons) never reach `guard`."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _show_pending()
        try:
            return func(*args, **kwargs)
        except Exception as error:
            _show(report(error, f"fragment {func.__qualname__}"))
            return None

    return wrapper


def callback(func: Callable) -> Callable:
    """For on_click/on_change/on_select: the page (or fragment) that runs next shows the incident at its top."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception as error:
            st.session_state.setdefault(_PENDING, []).append(report(error, f"callback {func.__qualname__}"))
            return None

    return wrapper
